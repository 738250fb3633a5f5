/* Sorting numbers in linear time: an LSD radix sort on the bits of the
 * values mapped so that unsigned order is numeric order. The selection and
 * the rule search sort a column (or a model's scores) per candidate, which
 * a comparison sort makes the largest cost. No NaN may be given; -0 sorts
 * just before +0. */
#ifndef MT_ML_RADIX_H
#define MT_ML_RADIX_H

#include <stddef.h>

#include "core/error.h"

/* Sorts v[0..n) ascending in place. Returns 0 or MT_ENOMEM (v unchanged). */
int mt_radix_floats(float *v, size_t n, struct mt_err *err);

/* order[0..n) = the positions 0..n-1 ordered by key ascending, equal keys in
 * position order. Returns 0 or MT_ENOMEM. */
int mt_radix_order(const double *key, size_t n, size_t *order, struct mt_err *err);

#endif
