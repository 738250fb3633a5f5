/* Rule strategies: causal state machines over the closed bars of one (symbol,
 * timeframe) series that emit trade setups (side, reference entry, stop,
 * target, context) decided at the close of a bar from bars at or before it.
 *
 * The same code runs in backtests and live: mt_strategy_step feeds one closed
 * bar; mt_strategy_run feeds many in one pass and gives the same setups bit
 * for bit. Strategies are built from registry indicators (features/), which
 * carry the conventions of features/indicator.h: a bar with a NaN input
 * restarts the indicators that read it, and no setup is emitted until every
 * value a strategy needs is defined again.
 *
 * A strategy is named by a stable id that carries its parameters:
 *   channel_run:LOOKBACK:ENTRY:GOAL   ENTRY, GOAL in {edge, mid}   e.g. channel_run:200:mid:edge
 *   trail_fractals:WIDTH:SPACING                                    e.g. trail_fractals:5:2
 * (docs/reference-system.md §1; the live rules, not the original training
 * simulators', see channel_run.c and trail_fractals.c). */
#ifndef MT_STRATEGY_STRATEGY_H
#define MT_STRATEGY_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "features/indicator.h"

#define MT_SETUP_CONTEXT 8
#define MT_STRATEGY_ID_MAX 64
#define MT_STRATEGY_MAX_IND 5
/* Setups one bar can give. */
#define MT_STRATEGY_MAX_SETUPS 2
/* Smallest reward |target / price - 1| a setup with a target may have (0.3%). */
#define MT_STRATEGY_MIN_REWARD 0.003
/* A relative bid-ask spread lies in [0, MT_SPREAD_MAX): the one range of every
 * spread setting (the stop buffer here, the trade costs in sim/trade.h). */
#define MT_SPREAD_MAX 0.5
/* Smallest stop buffer: stops sit max(2 spread, this) beyond the invalidation level. */
#define MT_STRATEGY_MIN_BUFFER 0.0015

/* A trade idea decided at the close of the signal bar. */
struct mt_setup {
    int64_t time;  /* open time of the signal bar (ms UTC) */
    int side;      /* +1 long, -1 short */
    double price;  /* reference entry price: the signal bar's close */
    double stop;   /* below price for longs, above for shorts */
    double target; /* NaN: none */
    double rr;     /* reward / risk = |target / price - 1| / |stop / price - 1|; NaN without target */
    double context[MT_SETUP_CONTEXT]; /* named by mt_strategy_context_name */
    int n_context;
};

struct mt_strategy_def; /* internal: one per kind of strategy */

/* Which channel level an entry or goal refers to. */
enum mt_channel_level {
    MT_CHANNEL_EDGE,
    MT_CHANNEL_MID,
};

/* A parsed strategy with its running state. Build with mt_strategy_parse,
 * free with mt_strategy_release; not thread safe (one owner). */
struct mt_strategy {
    const struct mt_strategy_def *def;
    char id[MT_STRATEGY_ID_MAX]; /* canonical id */
    enum mt_tf tf;
    double spread; /* relative spread */
    double buffer; /* stop buffer max(2 spread, MT_STRATEGY_MIN_BUFFER) */
    union {
        struct {
            int lookback;
            enum mt_channel_level entry, goal;
        } channel;
        struct {
            int width, spacing;
        } trail;
    } p; /* the parameters from the id */
    int n_ind;
    struct mt_ind ind[MT_STRATEGY_MAX_IND]; /* the registry indicators it reads, fed every bar */
    double trail_long, trail_short;         /* current trailing stops (NaN: none) */
};

/* Parses id (see the top of this file) into s for bars of timeframe tf, with
 * `spread` the relative bid/ask spread in [0, MT_SPREAD_MAX) used for the stop buffer;
 * s starts with no bar seen. Returns 0, MT_EINVAL (err names the id and the
 * bad field) or MT_ENOMEM; on failure s holds nothing to release. Release
 * with mt_strategy_release. */
int mt_strategy_parse(const char *id, enum mt_tf tf, double spread, struct mt_strategy *s, struct mt_err *err);

/* Sets the relative spread in [0, MT_SPREAD_MAX) of the setups from the next bar on:
 * their stop buffer is max(2 spread, MT_STRATEGY_MIN_BUFFER). */
void mt_strategy_set_spread(struct mt_strategy *s, double spread);

/* True when id (see the top; only its kind, the name before the first ':', is
 * read) names a strategy whose trades are managed after entry (Trail Fractals:
 * trailing stop, take-profit); false for those that exit only by their OCO
 * order, target or stop (Channel Run, docs/reference-system.md §1.1) and for
 * unknown kinds. Allocates nothing. */
bool mt_strategy_id_trails(const char *id);

/* Frees s's state. Safe on a released or zeroed struct. */
void mt_strategy_release(struct mt_strategy *s);

/* Back to no bar seen (parameters kept). */
void mt_strategy_reset(struct mt_strategy *s);

/* The canonical id ("channel_run:200:mid:edge"); owned by s. */
const char *mt_strategy_id(const struct mt_strategy *s);

/* Number of context values in s's setups, and the name of value k (static
 * string; NULL when k is out of range). */
int mt_strategy_n_context(const struct mt_strategy *s);
const char *mt_strategy_context_name(const struct mt_strategy *s, int k);

/* Index of the first bar that can give a setup on a series without NaN. */
int mt_strategy_lookback(const struct mt_strategy *s);

/* Feeds the next closed bar (open time, OHLCV) and returns the number of
 * setups decided at its close (0..MT_STRATEGY_MAX_SETUPS), of which the first
 * max_out are written to out (caller owned): pass room for
 * MT_STRATEGY_MAX_SETUPS to get them all. */
int mt_strategy_step(struct mt_strategy *s, int64_t time, double o, double h, double l, double c, double volume,
                     struct mt_setup *out, int max_out);

/* Feeds bars [from, from + n) of `bars` in one pass, as n mt_strategy_step
 * calls would, and returns the number of setups they give, of which the
 * first max_out are written to out in bar order. */
size_t mt_strategy_run(struct mt_strategy *s, const struct mt_series *bars, size_t from, size_t n, struct mt_setup *out,
                       size_t max_out);

/* The trailing stop for an open trade on side (+1 long, -1 short) after the
 * last bar fed: for trail_fractals the current fractal level (low level for
 * longs, high level for shorts) moved out by the stop buffer, from fractals
 * confirmed by closed bars; NaN before a level exists and for strategies
 * without trailing (channel_run). The caller moves a stop only in the trade's
 * favour. */
double mt_strategy_trail_stop(const struct mt_strategy *s, int side);

#endif
