/* Setup backtest of one series: every setup a strategy finds, each followed
 * on its own to its outcome: the engine (engine.h) in label mode over the
 * historical feed (feed.h). The order of events is the live one, bar by bar:
 * open trades meet the new closed bar first, then the strategy sees that bar
 * (setups and trailing levels), then trailing stops move, then the new setups
 * enter at the bar's close. So nothing at bar t depends on a later bar, and a
 * setup never meets its own signal bar. Trades still open when the data ends
 * are censored at the close of the last bar read (marked to the last finite
 * close), never dropped. A trade ended by the strategy or by a full
 * take-profit is followed on as a tracked trade until its stop hits. An
 * ambiguous bar (stop and target both touched) is decided by the
 * lower-timeframe candles inside it when the run has them, else stop first
 * (the trade records which). */
#ifndef MT_SIM_SETUPS_H
#define MT_SIM_SETUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "sim/engine.h"

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
    bool follow_past_to;         /* trades are followed past `to` to the end of the data (default), else censored at to */
    const struct mt_series *lower; /* lower-timeframe candles of the same symbol, or NULL */
};

/* A run with the default costs, mt_trade_rules_for the strategy over all bars,
 * for strategy_id on tf. */
struct mt_setup_run mt_setup_run_default(const char *strategy_id, enum mt_tf tf, double spread);

/* Every outcome of one series, in the order the setups (and tracked
 * follow-ons) appeared. */
struct mt_setup_outcomes {
    size_t n, cap;
    struct mt_setup_outcome *v; /* owned */
    size_t untradable;          /* setups whose stop or target the fill's half spread crossed (not followed) */
};

/* Runs the strategy over s and follows every setup. Each trade has a notional
 * of 1 quote unit at its reference price (pnl is a fraction of the entry
 * notional; R does not depend on size). out is overwritten (release it
 * first). Returns 0, MT_EINVAL (bad strategy id or run value, naming it) or
 * MT_ENOMEM. */
int mt_setups_backtest(const struct mt_series *s, const struct mt_setup_run *run, struct mt_setup_outcomes *out,
                       struct mt_err *err);

void mt_setup_outcomes_release(struct mt_setup_outcomes *o);

#endif
