/* Setup backtest of one series: every setup a strategy finds, each followed
 * on its own by the trade engine (src/sim/trade.h) to its outcome. The loop
 * is the live order of events, bar by bar: open trades meet the new closed
 * bar first, then the strategy sees that bar (setups and trailing levels),
 * then trailing stops move, then the new setups enter at the bar's close. So
 * nothing at bar t depends on a later bar, and a setup never meets its own
 * signal bar. Trades still open when the data ends are censored (marked to
 * the last close), never dropped. A trade ended by the strategy or by a full
 * take-profit is followed on as a tracked trade until its stop hits.
 * Censored trades end at the close of the last bar. An ambiguous bar (stop and
 * target both touched) is decided by the lower-timeframe candles inside it when
 * the run has them, else stop first (the trade records which). */
#ifndef MT_SIM_SETUPS_H
#define MT_SIM_SETUPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "sim/trade.h"
#include "strategy/strategy.h"

/* One setup and what became of it. */
struct mt_setup_outcome {
    struct mt_setup setup; /* as the strategy gave it at the close of its signal bar */
    size_t bar;            /* index of the signal bar in the series */
    long parent;           /* tracked trades: index of the outcome they follow on from; else -1 */
    struct mt_trade trade; /* kind SIM (or TRACKED); exit MT_EXIT_CENSORED if the data ended first */
};

struct mt_setup_run {
    const char *strategy_id;     /* e.g. "channel_run:200:mid:edge" */
    enum mt_tf tf;               /* timeframe of the series */
    double spread;               /* relative spread: the strategies' stop buffer and the engine's fills */
    struct mt_costs costs;       /* fees, slippage (costs.spread is set from spread) */
    struct mt_trade_rules rules; /* take-profit and stale rules */
    int64_t from, to;            /* signal bars with from <= open time < to */
    const struct mt_series *lower; /* lower-timeframe candles of the same symbol, or NULL */
};

/* The candles of `lower` (sorted by open time) inside [start, end), found
 * by advancing *from (a cursor the caller keeps, starting at 0, for times
 * that only grow); sb describes them. NULL when lower is NULL or has none. */
const struct mt_subbars *mt_lower_candles(const struct mt_series *lower, int64_t start, int64_t end, size_t *from,
                                          struct mt_subbars *sb);

/* A run with the default costs and rules over all bars, for strategy_id on tf. */
struct mt_setup_run mt_setup_run_default(const char *strategy_id, enum mt_tf tf, double spread);

/* Every outcome of one series, in the order the setups (and tracked
 * follow-ons) appeared. */
struct mt_setup_outcomes {
    size_t n, cap;
    struct mt_setup_outcome *v; /* owned */
    size_t untradable;          /* setups whose stop or target the fill's half spread crossed (not followed) */
};

/* Opens t as a trade of kind and size (base units) for setup x, decided at the
 * close of its signal bar of timeframe tf: filled at that close (the next bar's
 * open time) at x's reference price, with x's stop and target. Returns 0 or
 * mt_trade_open's MT_EINVAL (e.g. the fill's half spread crossed the stop:
 * the setup is not tradable). */
int mt_setup_open(struct mt_trade *t, const struct mt_setup *x, enum mt_tf tf, enum mt_trade_kind kind, double size,
                  const struct mt_costs *c, struct mt_err *err);

/* Runs the strategy over s and follows every setup. Each trade has a notional
 * of 1 quote unit at its reference price (pnl is a fraction of the entry
 * notional; R does not depend on size). out is overwritten (release it
 * first). Returns 0, MT_EINVAL (bad strategy id, naming it) or MT_ENOMEM. */
int mt_setups_backtest(const struct mt_series *s, const struct mt_setup_run *run, struct mt_setup_outcomes *out,
                       struct mt_err *err);

void mt_setup_outcomes_release(struct mt_setup_outcomes *o);

#endif
