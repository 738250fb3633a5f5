/* The feed seam and the historical feed: what pushes closed bars into the
 * engine (engine.h), and the one loop that drives it over a feed.
 *
 * A feed gives bar times in increasing order, each with the closed bar of
 * every series at that time (or none) and whether setups are decided then.
 * The historical feed reads sorted series held in memory (backtests); the
 * session's feeds (live/) read the store as it is kept fresh. */
#ifndef MT_SIM_FEED_H
#define MT_SIM_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "features/featureset.h"
#include "sim/engine.h"

struct mt_feed {
    /* The next bar time into *t with bars[s] (NULL: no bar) for each series of
     * the engine and whether setups are decided at it. Returns 1 with a time,
     * 0 at the end, or an error (< 0). The bars stay valid until the next call. */
    int (*next)(void *ctx, int64_t *t, const struct mt_engine_bar *const **bars, bool *decide, struct mt_err *err);
    void *ctx;
};

/* Pushes every time of feed into e, then censors what e still follows on
 * each series at the close of its last bar (marked to its last close). */
int mt_engine_run(struct mt_engine *e, struct mt_feed feed, struct mt_err *err);

/* One series of a historical run, sorted by open time (not copied). */
struct mt_hist_series {
    const struct mt_series *bars;
    const struct mt_series *lower; /* lower-timeframe candles deciding bars that touched stop and target, or NULL */
    /* The relative spread in force from spread_time[k] on (sorted), e.g. from the
     * market snapshots; a bar gets the latest one taken at or before its open
     * time (never a later one). n_spreads 0: the engine's spread throughout. */
    const int64_t *spread_time;
    const double *spread;
    size_t n_spreads;
    /* The scorer's features of this series (caller-owned, fed every earlier
     * bar of the series, and only by this feed from here on), or NULL: its
     * bars carry no feature row. Each bar read is fed to it and its row goes
     * with the bar: the same streaming rows a session computes, equal bit for
     * bit to the batch matrix's (features/featureset.h). */
    struct mt_features *features;
};

/* The spread of hs in force at time t: its latest one taken at or before t
 * (NaN: none yet, or no spreads), found by advancing *from (times only grow). */
double mt_hist_spread_at(const struct mt_hist_series *hs, size_t *from, int64_t t);

/* What the historical feed reads and decides. */
struct mt_hist_span {
    int64_t from, to;    /* setups are decided on the bars with from <= open time < to; earlier bars warm up */
    bool follow_past_to; /* read on after `to` while trades are followed, deciding nothing (else stop at to) */
};

/* The historical feed over ns series of timeframe tf: their bars merged by
 * open time, from the first, until `to` or, with follow_past_to, until the
 * engine follows no trade (or the data ends). Lower-timeframe candles are
 * only looked up for series on which e follows a trade. */
struct mt_hist_feed {
    struct mt_engine *e;
    enum mt_tf tf;
    const struct mt_hist_series *series;
    size_t ns;
    struct mt_hist_span span;
    size_t *next;        /* per series: its next bar */
    size_t *lower_from;  /* per series: cursor in its lower-timeframe candles */
    size_t *spread_from; /* per series: cursor in its spreads */
    struct mt_engine_bar *bar;
    struct mt_subbars *sub;
    const struct mt_engine_bar **bars;
    float *rows; /* per series with features: its row at the bar given (the widest feature set's width) */
    size_t row_width;
};

/* Sets f up over series for engine e. Returns 0 or MT_ENOMEM. A feed that
 * fails (feature states fed out of order: MT_EINVAL) cannot go on. */
int mt_hist_feed_init(struct mt_hist_feed *f, struct mt_engine *e, enum mt_tf tf, const struct mt_hist_series *series,
                      size_t ns, const struct mt_hist_span *span, struct mt_err *err);
void mt_hist_feed_release(struct mt_hist_feed *f);

/* The feed seam over f. */
struct mt_feed mt_hist_feed_seam(struct mt_hist_feed *f);

#endif
