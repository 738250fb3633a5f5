/* Spread statistics from the market history, for the risk model, with no
 * look-ahead: the statistics at time t read only snapshots taken at or before t.
 *
 * Compared with the original (docs/reference-system.md §9): one timestamp format (ms UTC), no
 * interpolation (a missing observation is missing, never filled from later
 * data), windows anchored at t, and the "current" snapshot's time reported so
 * that a caller can refuse stale data. */
#ifndef MT_STORE_SPREADS_H
#define MT_STORE_SPREADS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/market.h"

#define MT_SPREADS_WINDOW_12H (12 * INT64_C(3600000))
#define MT_SPREADS_WINDOW_24H (24 * INT64_C(3600000))

/* Statistics of one symbol at t. NaN where they cannot be computed. */
struct mt_spread_stats {
    int64_t time;               /* the current snapshot: the latest with time <= t (0 if none) */
    double spread;              /* the symbol's spread in that snapshot (NaN if absent) */
    double rank;                /* its percentile among the finite spreads of that snapshot
                                   (mt_ranks_percentile: 0 = tightest, 1 = widest) */
    double ratio_median_12h;    /* spread / median of the symbol's spreads with time in
                                   (t - 12 h, t]; NaN when that median is not > 0 */
    double ratio_median_24h;    /* same over (t - 24 h, t] */
    double channel_12h;         /* (spread - min) / (max - min) over the 12 h window;
                                   0.5 when max == min */
    double channel_24h;
    size_t n_12h, n_24h;        /* finite spreads of the symbol in each window */
};

/* Computes the statistics of symbols[0..n) at t into out[0..n) from hist
 * (sorted by (time, symbol) and unique, as mt_market_load returns it; else
 * MT_EINVAL naming the row). A symbol absent from the current snapshot gets
 * NaN values and the window counts. Load at least the 24 h before t, e.g.
 * mt_market_load(dir, t - MT_SPREADS_WINDOW_24H + 1, t, NULL, ...); older or
 * later rows in hist are ignored. */
int mt_spreads_stats(const struct mt_market_table *hist, int64_t t, const char *const *symbols,
                     size_t n, struct mt_spread_stats *out, struct mt_err *err);

/* One symbol's spreads over time: spread[k] observed at time[k], increasing. */
struct mt_spread_history {
    size_t n;
    int64_t *time;  /* owned */
    double *spread; /* owned */
};

/* Loads symbol's finite spreads with from_ms <= time <= to_ms from the market
 * snapshots of data_dir into out (replaced; no snapshots: n 0). The range may
 * cover at most MT_MARKET_MAX_FILES months. Release with
 * mt_spread_history_release; on error out is empty. */
int mt_spread_history_load(const char *data_dir, const char *symbol, int64_t from_ms, int64_t to_ms,
                           struct mt_spread_history *out, struct mt_err *err);

void mt_spread_history_release(struct mt_spread_history *h);

#endif
