/* Resampling OHLCV candles from a lower to a higher timeframe (1h -> 4h, 1d,
 * 1w, 1M, ...), the way Binance builds its own higher-timeframe klines.
 *
 * Buckets are aligned with mt_tf_floor (weeks open Monday 00:00 UTC, months on
 * the 1st). Per bucket: open = first open, high = max, low = min, close = last
 * close, volume / quote_volume / trades / taker volumes = sums. A NaN in any
 * row makes the bucket's value NaN (unknown), never a guess; fields absent
 * from the input stay absent.
 *
 * Gap buckets (fine candles missing inside the bucket, e.g. the 2023-03-24
 * 13:00 outage inside a 4h or 1d bucket) are always reported. By default they
 * are emitted from the candles present, as Binance itself does after an
 * outage; MT_RESAMPLE_SKIP_PARTIAL leaves them out instead. Buckets without
 * any fine candle are never emitted: gaps stay gaps.
 *
 * A first bucket that the data starts inside (e.g. 1d candles from 2020-05-11
 * resampled to 1M) is left out and reported: the candles before the start of
 * the data are unknown, not an outage, so a May candle built from May 11-31
 * would be a different candle from Binance's.
 *
 * The last bucket is "complete" when the data reaches its end (its last fine
 * candle opens at bucket end - fine length). An incomplete last bucket is
 * still forming and is never emitted, unless opts->now_ms says its end has
 * passed: then the missing candles will not come and it is a gap bucket. */
#ifndef MT_STORE_RESAMPLE_H
#define MT_STORE_RESAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

/* Gap buckets listed in a report (the counts cover all of them). */
#define MT_RESAMPLE_MAX_GAPS 1000

enum mt_resample_gaps {
    MT_RESAMPLE_EMIT_PARTIAL = 0, /* default: emit a gap bucket from the candles present */
    MT_RESAMPLE_SKIP_PARTIAL = 1, /* leave gap buckets out */
};

struct mt_resample_opts {
    enum mt_resample_gaps gaps;
    int64_t now_ms; /* 0: an incomplete last bucket is never emitted; else a last bucket
                       whose end is <= now_ms is final and handled as a gap bucket */
};

struct mt_resample_gap {
    int64_t open_time; /* of the coarse bucket */
    size_t present;    /* fine candles found in it */
    size_t missing;    /* fine candles missing from it */
    bool emitted;      /* false when skipped by MT_RESAMPLE_SKIP_PARTIAL */
};

struct mt_resample_report {
    size_t buckets;       /* rows emitted */
    size_t gap_buckets;   /* buckets with missing fine candles */
    size_t missing;       /* fine candles missing over all gap buckets */
    size_t skipped;       /* gap buckets left out */
    size_t n_gaps;
    struct mt_resample_gap gaps[MT_RESAMPLE_MAX_GAPS]; /* first gap buckets, in time order */
    size_t gaps_dropped;  /* gap buckets beyond MT_RESAMPLE_MAX_GAPS */
    bool leading_dropped;  /* the data starts inside the first bucket: not emitted */
    int64_t leading_open;  /* its open time */
    size_t leading_rows;   /* fine candles in it */
    bool trailing_dropped; /* the last bucket was incomplete and not emitted */
    int64_t trailing_open; /* its open time */
    size_t trailing_rows;  /* fine candles in it */
};

/* Resamples `in` (timeframe fine; sorted, unique and on the fine grid, else
 * MT_EDATA naming the row) to timeframe coarse into out (init'ed; its content
 * is released first; it gets in's fields) and fills *report. opts may be NULL
 * (defaults: emit partial buckets, now_ms = 0). If mt_tf_divides(fine, coarse)
 * is false, MT_EINVAL naming both timeframes. On error out is left empty. */
int mt_resample(const struct mt_series *in, enum mt_tf fine, enum mt_tf coarse,
                const struct mt_resample_opts *opts, struct mt_series *out,
                struct mt_resample_report *report, struct mt_err *err);

#endif
