/* Market ranks: cross-sectional percentiles of rate of change and volume across
 * the universe, from the OHLCV store, with no look-ahead.
 *
 * At time t only candles CLOSED at t are used: a candle opening at o on
 * timeframe tf counts when o + len(tf) <= t. The "current" candle is the last
 * one closed at t, i.e. the one opening at floor_tf(t) - len(tf); its close is
 * the price at floor_tf(t). roc_Nd = close(current) / close(candle opening N
 * days earlier) - 1, so both closes are N days apart exactly (on 1d data N bars,
 * on 1h data 24 N bars; found by open time, so a gap in the data gives NaN
 * instead of a longer span). A symbol whose current candle is missing (not yet
 * downloaded, delisted, gap) gets NaN everywhere rather than stale values. */
#ifndef MT_STORE_RANKS_H
#define MT_STORE_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "store/market.h"

/* Per-symbol inputs of the ranks at one time; NaN = not enough history. */
struct mt_ranks_metrics {
    double roc_1d, roc_1w, roc_1m;  /* N = 1, 7, 30 days */
    double volume_1w;   /* quote volume of the 7 days of candles ending with the current one;
                           a row without quote volume counts volume * close; NaN when a
                           candle is missing or has neither */
};

/* Percentile ranks of v[0..n) into out[0..n) (may not alias v): NaN values get
 * NaN and are left out; the others get (r - 1) / (m - 1) where r is the
 * 1-based rank among the m valid values, ties sharing the average of their
 * ranks, so the smallest is 0 and the largest 1; a single valid value gets 0.5.
 * MT_ELIMIT beyond MT_MARKET_MAX_ROWS values. */
int mt_ranks_percentile(const double *v, size_t n, double *out, struct mt_err *err);

/* Metrics of one symbol's series s (sorted by open_time, unique, as the store
 * returns it) at time t on timeframe tf; tf must divide one day (1m .. 1d),
 * else MT_EINVAL. */
int mt_ranks_metrics(const struct mt_series *s, enum mt_tf tf, int64_t t,
                     struct mt_ranks_metrics *out, struct mt_err *err);

/* Fills rank_roc_1d/1w/1m, rank_volume_1d (from each row's quote_volume_24h)
 * and rank_volume_1w of rows[0..n) (one snapshot; t is normally its time) with
 * percentiles across these rows, reading each symbol's tf series from the
 * OHLCV store in data_dir. A symbol without a store file has NaN metrics; any
 * other load error fails, naming the symbol. metrics (may be NULL) receives
 * n entries. Nothing but the rank columns is changed. */
int mt_ranks_fill(const char *data_dir, enum mt_tf tf, int64_t t, struct mt_market_row *rows,
                  size_t n, struct mt_ranks_metrics *metrics, struct mt_err *err);

#endif
