/* Portfolio backtest: the setups of several agents through one account, so
 * that not every setup can be taken; the ones not taken are followed as sim
 * trades with the reasons why.
 *
 * An agent is one strategy id run on every series of one timeframe (its own
 * strategy state per series). The series are merged by bar open time; at each
 * time T, in the order of events of the per-series setup backtest (setups.h):
 *   1. every followed trade (real, sim, tracked) of each series with a bar at T
 *      meets that bar; a real trade's pnl enters the balance as its legs fill
 *      (the entry fee at the open, partial take-profits, the close);
 *   2. each agent's strategy on that series sees the bar, and the stops of
 *      that agent's trades on that series trail to mt_strategy_trail_stop
 *      (the series are independent until step 3, so 1 and 2 run series by
 *      series);
 *   3. the setups of T are decided one by one, agent order, then series order,
 *      then the strategy's order: size = equity x risk / |price - stop|, the
 *      notional size x price capped at max_notional x equity, with equity the
 *      last point of the curve (the previous time's close). The setup is
 *      taken as a REAL trade when, with it, the agent's and the account's open
 *      real positions and open risk stay within their caps (the open risk of a
 *      position is mt_trade_open_r at its series' last close, a new one adds
 *      1 R) and the notional is >= min_notional; otherwise a SIM trade of the
 *      same size is followed, flagged with every failed rule (MT_SIM_*);
 *   4. the equity point at T's close: the balance plus the unrealised pnl of
 *      the open real trades at their series' last close (no exit costs).
 * The curve starts with the balance at the first bar time >= from. Bars at or
 * after `to` are not read: trades still open then (or at the end of the data)
 * are censored at the close of their series' last bar read, marked to its
 * close. Strategies warm up on the bars before `from`, where no setup is
 * decided. A real trade closed by a strategy exit or a full take-profit is
 * followed on as a tracked trade (no money) like in setups.c; sims are not.
 * Setups whose stop or target the fill's half spread crosses are counted as
 * untradable and not followed (as in setups.c). An ambiguous bar resolves
 * stop first. */
#ifndef MT_SIM_PORTFOLIO_H
#define MT_SIM_PORTFOLIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "sim/metrics.h"
#include "sim/trade.h"
#include "strategy/strategy.h"

/* Why a setup became a sim trade (bits). */
enum mt_sim_reason {
    MT_SIM_TOO_MANY_POSITIONS_AGENT = 1u << 0, /* the agent holds max_positions_agent real positions */
    MT_SIM_TOO_MANY_POSITIONS = 1u << 1,       /* the account holds max_positions */
    MT_SIM_OPEN_RISK_AGENT = 1u << 2,          /* the agent's open risk + 1 R > max_open_r_agent */
    MT_SIM_OPEN_RISK_ACCOUNT = 1u << 3,        /* the account's open risk + 1 R > max_open_r */
    MT_SIM_TOO_SMALL = 1u << 4,                /* notional < min_notional */
};
#define MT_SIM_REASON_COUNT 5

struct mt_portfolio_config {
    double balance;          /* starting balance, quote (10000) */
    double risk;             /* fraction of equity risked per trade down to its stop (0.005) */
    double max_notional;     /* largest position notional, x equity (1.0) */
    double min_notional;     /* smallest real position notional, quote (15) */
    int max_positions_agent; /* open real positions per agent (3) */
    int max_positions;       /* open real positions of the account (10) */
    double max_open_r_agent; /* open risk in R per agent (5.1) */
    double max_open_r;       /* open risk in R of the account (10) */
    struct mt_costs costs;   /* fees, slippage; costs.spread is set from spread */
    struct mt_trade_rules rules;
    double spread;    /* relative spread in [0, 0.5): the strategies' stop buffer and every fill (0.0005) */
    int64_t from, to; /* bars with from <= open time < to (all) */
};

/* The defaults above, with mt_costs_default and mt_trade_rules_default. */
struct mt_portfolio_config mt_portfolio_config_default(void);

/* One series of the run; symbol names it in the results (not copied). */
struct mt_portfolio_series {
    const char *symbol;
    const struct mt_series *bars;  /* sorted by open time */
    const struct mt_series *lower; /* lower-timeframe candles deciding bars that touched stop and target, or NULL */
};

/* One followed trade. */
struct mt_portfolio_trade {
    size_t agent;          /* index of its strategy id */
    size_t series;         /* index of its series */
    struct mt_setup setup; /* the setup it came from (a tracked trade: its parent's) */
    long parent;           /* tracked trades: index of the real trade followed on; else -1 */
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
    size_t untradable;                   /* setups not followed (see the top) */
};

/* Static lower-case name of one MT_SIM_* bit ("too_many_positions_agent",
 * "too_many_positions", "open_risk_agent", "open_risk_account",
 * "too_small"); NULL for anything else. */
const char *mt_sim_reason_name(unsigned bit);

/* Runs the n_ids agents (strategy ids) over the n_series series of timeframe
 * tf with cfg. out is overwritten (release it first). Returns 0, or MT_EINVAL
 * (a bad strategy id or config value, named; no bar in the date range; the
 * equity not positive) or MT_ENOMEM, out then empty. */
int mt_portfolio_run(const struct mt_portfolio_series *series, size_t n_series, const char *const *ids, size_t n_ids,
                     enum mt_tf tf, const struct mt_portfolio_config *cfg, struct mt_portfolio_result *out,
                     struct mt_err *err);

void mt_portfolio_result_release(struct mt_portfolio_result *r);

#endif
