/* Internal to src/features: the family tables the registry lists. Each
 * family file defines its table and its length; adding a family is one
 * MT_IND_FAMILY line and one line in MT_IND_FAMILIES. */
#ifndef MT_FEATURES_FAMILIES_H
#define MT_FEATURES_FAMILIES_H

#include <stddef.h>

#include "features/indicator.h"

#define MT_IND_FAMILY(x)                                                                                   \
    extern const struct mt_ind_def mt_ind_fam_##x[];                                                       \
    extern const size_t mt_ind_fam_##x##_n;

MT_IND_FAMILY(average)
MT_IND_FAMILY(momentum)
MT_IND_FAMILY(trend)
MT_IND_FAMILY(original)
MT_IND_FAMILY(calendar)
MT_IND_FAMILY(volatility)
MT_IND_FAMILY(volume)
MT_IND_FAMILY(pattern)
MT_IND_FAMILY(structure)
MT_IND_FAMILY(extra)
/* family declarations: add above this line */

#define MT_IND_FAMILIES                                                                                    \
    {mt_ind_fam_average, &mt_ind_fam_average_n},                                                           \
    {mt_ind_fam_momentum, &mt_ind_fam_momentum_n},                                                         \
    {mt_ind_fam_trend, &mt_ind_fam_trend_n},                                                               \
    {mt_ind_fam_original, &mt_ind_fam_original_n},                                                         \
    {mt_ind_fam_calendar, &mt_ind_fam_calendar_n},                                                         \
    {mt_ind_fam_volatility, &mt_ind_fam_volatility_n},                                                     \
    {mt_ind_fam_volume, &mt_ind_fam_volume_n},                                                             \
    {mt_ind_fam_pattern, &mt_ind_fam_pattern_n},                                                           \
    {mt_ind_fam_structure, &mt_ind_fam_structure_n},                                                       \
    {mt_ind_fam_extra, &mt_ind_fam_extra_n},                                                               \
    /* family entries: add above this line */

#endif
