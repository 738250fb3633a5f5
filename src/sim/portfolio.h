/* Portfolio backtest: the setups of several agents through one account, so
 * that not every setup can be taken; the ones not taken are followed as sim
 * trades with the reasons why. A driver over the engine (engine.h) in account
 * mode with the historical feed (feed.h) and a sink that collects: the event
 * order, sizing (account.h), routing and follow-ons are the engine's.
 *
 * An agent is one strategy run on every series of one timeframe (its own
 * strategy state per series), with its own trade rules and limits. The curve
 * starts with the balance at the first bar time >= from and has one point at
 * the close of every bar time read after it. Bars at or after `to` are not
 * read unless follow_past_to, which reads on, deciding nothing, while trades
 * are followed: trades still open at the end are censored at the close of
 * their series' last bar read, marked to its last close. Strategies warm up on
 * the bars before `from`, where no setup is decided. */
#ifndef MT_SIM_PORTFOLIO_H
#define MT_SIM_PORTFOLIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "sim/engine.h"
#include "sim/metrics.h"

struct mt_portfolio_config {
    double balance;                  /* starting balance, quote (10000) */
    struct mt_account_limits limits; /* the account's (10 positions, 10 R) */
    struct mt_costs costs;           /* fees, slippage; costs.spread: a series' spread where it has none (0.0005) */
    int64_t from, to;                /* bars with from <= open time < to (all) */
    bool follow_past_to;             /* follow open trades past `to` (false) */
    bool one_per_symbol;             /* the original's routing: one position per agent and symbol (true) */
    bool track_sims;                 /* follow on sims closed by a strategy exit or a full take-profit (true) */
    const struct mt_fset *features;  /* the agents' scorers' feature set: each series' bars carry their streaming
                                        feature row (feed.h); NULL: no rows (scorers see NULL, 0) */
    const struct mt_sink *also;      /* a second sink that gets every event after the collecting one (e.g. a
                                        journal), or NULL; its updates flag is honoured */
};

/* The defaults above. */
struct mt_portfolio_config mt_portfolio_config_default(void);

/* One series of the run; symbol names it in the results (not copied). */
struct mt_portfolio_series {
    const char *symbol;
    const struct mt_series *bars;  /* sorted by open time */
    const struct mt_series *lower; /* lower-timeframe candles deciding bars that touched stop and target, or NULL */
    const int64_t *spread_time;    /* its relative spread from each time on (sorted), or n_spreads 0 */
    const double *spread;
    size_t n_spreads;
};

/* One followed trade. */
struct mt_portfolio_trade {
    mt_trade_id id;
    size_t agent;          /* index of its agent */
    size_t series;         /* index of its series */
    struct mt_setup setup; /* the setup it came from (a tracked trade: its parent's) */
    long parent;           /* tracked trades: index of the trade followed on; else -1 */
    double score;          /* its scorer's score (1 without one) */
    unsigned sim_reasons;  /* sim trades: the MT_SIM_* bits; 0 otherwise */
    struct mt_trade trade; /* exit MT_EXIT_CENSORED when still open at the end */
};

/* One series' share. */
struct mt_portfolio_symbol {
    struct mt_metrics metrics; /* mt_metrics_trades of its real trades over the curve's span (curve fields NaN) */
    double pnl;                /* sum of its real trades' pnl, quote */
    size_t real, sim, tracked; /* trades of each kind */
};

struct mt_portfolio_result {
    size_t n_trades, cap_trades;
    struct mt_portfolio_trade *trades; /* in the order they were opened (owned) */
    size_t n_equity, cap_equity;
    struct mt_equity_point *equity; /* the curve (owned) */
    struct mt_metrics metrics;      /* overall: the curve and the real trades */
    size_t n_symbols;
    struct mt_portfolio_symbol *symbols; /* one per series, in series order (owned) */
    size_t real, sim, tracked;           /* trades of each kind */
    struct mt_engine_stats decisions;    /* setups not followed: untradable, held (routed to an open position) */
};

/* Runs the na agents over the ns series of timeframe tf with cfg. out is
 * overwritten (release it first). Returns 0, or MT_EINVAL (a bad strategy id
 * or config value, named; no bar in the date range) or MT_ENOMEM, out then
 * empty. */
int mt_portfolio_run(const struct mt_portfolio_series *series, size_t ns, const struct mt_engine_agent *agents,
                     size_t na, enum mt_tf tf, const struct mt_portfolio_config *cfg, struct mt_portfolio_result *out,
                     struct mt_err *err);

void mt_portfolio_result_release(struct mt_portfolio_result *r);

/* What the metrics count of trade t of timeframe tf: its pnl and R, held from
 * its open to the end of the bar its close filled in (a trade that opens and
 * closes within one bar is exposed for that bar), or to its censoring. */
struct mt_trade_result mt_trade_result_of(const struct mt_trade *t, enum mt_tf tf);

#endif
