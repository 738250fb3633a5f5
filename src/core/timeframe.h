/* Binance kline intervals: parsing, formatting and bucket alignment.
 *
 * Weeks start Monday 00:00 UTC (as Binance aligns 1w candles); months are
 * calendar months. Times are int64 milliseconds UTC. */
#ifndef MT_CORE_TIMEFRAME_H
#define MT_CORE_TIMEFRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

enum mt_tf {
    MT_TF_1M_MIN, /* 1m */
    MT_TF_3M,
    MT_TF_5M,
    MT_TF_15M,
    MT_TF_30M,
    MT_TF_1H,
    MT_TF_2H,
    MT_TF_4H,
    MT_TF_6H,
    MT_TF_8H,
    MT_TF_12H,
    MT_TF_1D,
    MT_TF_3D,
    MT_TF_1W,
    MT_TF_1MO, /* 1M: one calendar month */
    MT_TF_COUNT
};

#define MT_MS_MINUTE INT64_C(60000)
#define MT_MS_HOUR INT64_C(3600000)
#define MT_MS_DAY INT64_C(86400000)

/* Parses a Binance interval name ("1m" ... "1M"; "1mo" is accepted for 1M as
 * data.binance.vision spells it). Returns 0 or MT_EINVAL with a message listing
 * the valid names. */
int mt_tf_parse(const char *name, enum mt_tf *out, struct mt_err *err);

/* Binance name of tf ("1h", "1M"); static string. */
const char *mt_tf_name(enum mt_tf tf);

/* Fixed length of tf in ms, or 0 for 1M (variable). */
int64_t mt_tf_ms(enum mt_tf tf);

/* Open time of the bucket of tf that contains t (floor). */
int64_t mt_tf_floor(enum mt_tf tf, int64_t t);

/* Open time of the bucket after the one opening at open_time (open_time must
 * be aligned). */
int64_t mt_tf_next(enum mt_tf tf, int64_t open_time);

/* True if t is the open time of a tf bucket. */
bool mt_tf_aligned(enum mt_tf tf, int64_t t);

/* True if every bucket of `coarse` is made exactly of whole buckets of `fine`
 * (e.g. 1h -> 4h, 1d -> 1w, 1d -> 1M; not 1w -> 1M). */
bool mt_tf_divides(enum mt_tf fine, enum mt_tf coarse);

#endif
