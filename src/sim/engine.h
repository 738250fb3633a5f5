/* The engine: one push-driven loop shared by the setup backtest, the
 * portfolio backtest, replays and the live session (docs/design.md,
 * docs/internals/sim.md).
 *
 * It is fed from outside, one bar time at a time: mt_engine_on_time(t, the
 * closed bar of each series at t, or none) runs, in order:
 *   1. every followed trade (real, sim, tracked) of each series with a bar at
 *      t meets that bar: real trades through the executor, sim and tracked
 *      ones always through the simulated fills (mt_trade_step), so their
 *      labels mean the same in every mode; a real trade's pnl enters the
 *      balance as its legs fill; a trade closed by a strategy exit or a full
 *      take-profit is followed on as a tracked trade until its stop hits;
 *   2. each agent's strategy on that series sees the bar, and the stops of
 *      its trades there trail to mt_strategy_trail_stop;
 *   3. when deciding, the setups of t are decided one by one, agent order,
 *      then series order, then the strategy's order (see below);
 *   4. in account mode, the equity point at t's close: the balance plus the
 *      unrealised pnl of the open real trades at their series' last close.
 * The engine does no I/O and reads no clock: time is the bar times it is
 * given, which must grow. What it does not own sits behind small seams, each
 * a struct of function pointers with a context: the executor (real trades),
 * the scorer (a setup's score from its feature row) and the sink (every
 * decision, trade event and equity point).
 *
 * Modes:
 *   MT_ENGINE_LABEL   (the setup backtest) every tradable setup is followed as
 *                     a sim trade of 1 quote of notional at its price; no
 *                     account, no scorer, no equity.
 *   MT_ENGINE_ACCOUNT (portfolio, replay, session) setups are scored and sized
 *                     against the agent's and the account's limits
 *                     (account.h) with the last marked equity, and taken as
 *                     real trades or followed as sims with their reasons.
 *                     With one_per_symbol (the original's routing), an agent
 *                     that follows a real or sim position on the symbol does
 *                     not open another: a setup on its side moves that
 *                     position's stop to the setup's stop when that is in its
 *                     favour (MT_DECIDED_HELD), one on the other side is
 *                     ignored (MT_DECIDED_OPPOSITE); both are still decisions.
 * A setup whose stop or target the entry's half spread crosses is not
 * followed (MT_DECIDED_UNTRADABLE).
 *
 * Trades have ids that grow from first_id and never repeat within an engine;
 * closed trades leave through the sink (MT_EV_CLOSE) and are forgotten, and
 * open ones can be put into a new engine (mt_engine_restore) after a restart. */
#ifndef MT_SIM_ENGINE_H
#define MT_SIM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "sim/account.h"
#include "sim/trade.h"
#include "strategy/strategy.h"

typedef uint64_t mt_trade_id;

/* A followed trade and where it came from. */
struct mt_position {
    struct mt_trade trade; /* first: what a bar step reads starts the struct */
    mt_trade_id id;
    mt_trade_id parent;    /* tracked trades: the trade followed on; 0 otherwise */
    uint32_t agent;        /* index of its agent */
    uint32_t series;       /* index of its series */
    struct mt_setup setup; /* the setup it came from (a tracked trade: its parent's) */
    double score;          /* the scorer's score (1 without one) */
    unsigned sim_reasons;  /* sim trades: the MT_SIM_* bits; 0 otherwise */
};

/* The closed bar of one series at the engine's time, and what comes with it. */
struct mt_engine_bar {
    double open, high, low, close, volume;
    const struct mt_subbars *lower; /* its lower-timeframe candles, or NULL */
    const float *features;          /* the series' feature row at this bar for the scorer, or NULL */
    size_t n_features;
    double spread; /* the series' relative spread from this bar on, in [0, 0.5); NaN: unchanged */
};

enum mt_decision_outcome {
    MT_DECIDED_REAL,       /* opened as a real trade */
    MT_DECIDED_SIM,        /* followed as a sim trade (sim_reasons say why; always in label mode) */
    MT_DECIDED_UNTRADABLE, /* the half spread crossed its stop or target: not followed */
    MT_DECIDED_HELD,       /* the agent follows a position on its side there: its stop may have moved */
    MT_DECIDED_OPPOSITE,   /* the agent follows a position on the other side there: ignored */
};

/* One decided setup. */
struct mt_decision {
    int64_t time; /* the engine time (the setup's signal bar) */
    uint32_t agent, series;
    const struct mt_setup *setup;
    double score;
    double size;          /* base units (0 when untradable, held or opposite) */
    unsigned sim_reasons; /* MT_DECIDED_SIM: the MT_SIM_* bits */
    enum mt_decision_outcome outcome;
    mt_trade_id trade; /* the trade opened, or the one held; 0 when untradable */
};

enum mt_trade_event {
    MT_EV_OPEN,  /* followed from now on (a restored trade is not announced) */
    MT_EV_FILL,  /* a partial exit filled (a new leg) */
    MT_EV_STOP,  /* the stop moved */
    MT_EV_CLOSE, /* closed, or censored: its last event, then it is forgotten */
    MT_EV_EXCURSION, /* a bar moved its MAE or MFE and nothing else happened to it */
};

/* Receives what the engine does. Every function may be NULL (not wanted);
 * a non-zero return stops the step with that error. Positions passed are
 * only valid during the call. trade gets MT_EV_OPEN and MT_EV_CLOSE, and
 * MT_EV_FILL, MT_EV_STOP and MT_EV_EXCURSION too when updates is set (a
 * journal: after each step's events it has every followed trade as the engine
 * holds it; a backtest that keeps the final trades does not need them). */
struct mt_sink {
    int (*decision)(void *ctx, const struct mt_decision *d, struct mt_err *err);
    int (*trade)(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err);
    /* x: the account's open real positions and their open risk in R at the
     * same marks (every engine of the account, like the equity) */
    int (*equity)(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err);
    void *ctx;
    bool updates;
};

/* Scores a setup of agent `agent` on series `series` from its feature row
 * (NULL, n 0 when the feed gives none) into *score in [0, 1]. NULL score
 * function: every setup scores 1. Implemented by ml/. */
struct mt_scorer {
    int (*score)(void *ctx, uint32_t agent, uint32_t series, const struct mt_setup *x, const float *row, size_t n,
                 double *score, struct mt_err *err);
    void *ctx;
};

/* Fills real trades. The simulated executor (mt_exec_sim) is the trade
 * model's fills; a live one places orders. open gets p with p->trade
 * already opened at the model's fill (it may replace it with the actual
 * fill); on_bar follows one closed bar (it must not change p when nothing
 * happened); move_stop moves p's stop in its favour. */
struct mt_exec_ops {
    int (*open)(void *ctx, struct mt_position *p, struct mt_err *err);
    int (*on_bar)(void *ctx, struct mt_position *p, int64_t time, const struct mt_engine_bar *bar,
                  const struct mt_costs *costs, const struct mt_trade_rules *rules, struct mt_err *err);
    int (*move_stop)(void *ctx, struct mt_position *p, double stop, struct mt_err *err);
};
struct mt_exec {
    const struct mt_exec_ops *ops;
    void *ctx;
};

/* The simulated executor: mt_trade_step on each bar, mt_trade_move_stop. */
struct mt_exec mt_exec_sim(void);

/* Opens t as a trade of kind and size (base units) for setup x, decided at the
 * close of its signal bar of timeframe tf: filled at that close (the next bar's
 * open time) at x's reference price, with x's stop and target. Returns 0 or
 * mt_trade_open's MT_EINVAL (e.g. the fill's half spread crossed the stop:
 * the setup is not tradable). */
int mt_setup_open(struct mt_trade *t, const struct mt_setup *x, enum mt_tf tf, enum mt_trade_kind kind, double size,
                  const struct mt_costs *c, struct mt_err *err);

/* Sides of setups an agent decides (bits; 0 means both). */
enum { MT_SIDES_LONG = 1, MT_SIDES_SHORT = 2, MT_SIDES_BOTH = 3 };

/* One agent: a strategy run on every series, with its trade rules, limits and scorer. */
struct mt_engine_agent {
    const char *strategy_id; /* copied by mt_engine_init */
    unsigned sides;          /* MT_SIDES_* of the setups it decides (0: both); the others are not decided */
    struct mt_trade_rules rules;
    struct mt_agent_limits limits; /* account mode */
    struct mt_scorer scorer;       /* account mode */
};

/* The rules base (NULL: mt_trade_rules_default) as the original applies them
 * to the strategy strategy_id names: Channel Run exits only by its OCO (target
 * or stop) or stale, so its take-profit is off (tp_at_r 0); strategies that
 * trail (Trail Fractals) keep base. */
struct mt_trade_rules mt_trade_rules_for(const char *strategy_id, const struct mt_trade_rules *base);

/* An agent for strategy_id (checked by mt_engine_init) with mt_trade_rules_for
 * it and base, the default limits and no scorer. */
struct mt_engine_agent mt_engine_agent_for(const char *strategy_id, const struct mt_trade_rules *base);

enum mt_engine_mode { MT_ENGINE_LABEL, MT_ENGINE_ACCOUNT };

struct mt_engine_config {
    enum mt_engine_mode mode;
    enum mt_tf tf;         /* of every series */
    struct mt_costs costs; /* costs.spread: every series' spread until its bars give one */
    double balance;        /* account mode: starting balance, quote, > 0 (10000) */
    struct mt_account_limits limits;
    bool one_per_symbol; /* account mode: the original's routing (see the top); default true */
    bool track_sims;     /* also follow on sim trades closed by a strategy exit or a full take-profit (true) */
    mt_trade_id first_id; /* id of the first trade opened (1) */
    /* Engines sharing one account (the session: one engine per timeframe) draw
     * their ids from one counter: when set, ids come from *ids (first_id is
     * ignored) and restored ids raise it. NULL: the engine's own counter. */
    mt_trade_id *ids;
    /* The run continues after a restart: the balance is cfg.balance and the
     * equity curve has started already (no opening point). */
    bool resumed;
};

/* Account mode, the default costs and limits, balance 10000, tf 1h. */
struct mt_engine_config mt_engine_config_default(void);

/* Per-run counts. */
struct mt_engine_stats {
    size_t untradable, held, opposite; /* decisions of these outcomes */
    size_t off_side;                   /* setups on a side their agent does not trade (not decided) */
};

/* The rest of the account when several engines share it: the realized pnl of
 * the others since they started (quote) and their open real trades' exposure.
 * Zero for an engine alone. */
struct mt_engine_outside {
    double pnl;
    struct mt_exposure exposure;
};

struct mt_engine; /* opaque */

/* Builds an engine for na agents over ns series named by symbols (copied; for
 * messages), each agent's strategy parsed once per series. Checks cfg and
 * every agent (MT_EINVAL naming the value; a bad strategy id). exec is the
 * real trades' executor (mt_exec_sim for backtests); sink may be NULL. */
int mt_engine_init(struct mt_engine **e, const struct mt_engine_config *cfg, const struct mt_engine_agent *agents,
                   size_t na, const char *const *symbols, size_t ns, struct mt_exec exec, const struct mt_sink *sink,
                   struct mt_err *err);

/* Frees the engine and what it still follows (without events). NULL: no-op. */
void mt_engine_free(struct mt_engine *e);

/* Runs steps 1-4 of the top at bar time t (> the previous call's):
 * bars[s] is series s's closed bar opening at t, or NULL when it has none.
 * decide: setups of t are decided (else the strategies only warm up), and in
 * account mode the equity is marked (the first such call starts the curve
 * with the balance at t). Returns 0 or the error of an executor, scorer or
 * sink, or MT_ENOMEM; the engine is then unusable (free it). */
int mt_engine_on_time(struct mt_engine *e, int64_t t, const struct mt_engine_bar *const *bars, bool decide,
                      struct mt_err *err);

/* Warms series s up with its closed bar at t, before the engine's first
 * mt_engine_on_time and with nothing followed on s: what on_time without
 * deciding does to a series (its strategies step, its mark and spread follow
 * the bar), one series at a time, so that a restart need not hold every
 * series' history at once. t grows per series. Returns 0 or MT_EINVAL (a bad spread). */
int mt_engine_warm(struct mt_engine *e, size_t s, int64_t t, const struct mt_engine_bar *b, struct mt_err *err);

/* Ends following every trade of series s at time without a fill: censored,
 * marked to the series' last finite close, each announced as closed. */
int mt_engine_censor(struct mt_engine *e, size_t s, int64_t time, struct mt_err *err);

/* Puts n open positions (from a journal) back under their agents and series,
 * as they were; ids must be unique and below no later first_id. */
int mt_engine_restore(struct mt_engine *e, const struct mt_position *open, size_t n, struct mt_err *err);

/* What the other engines of the account hold, from now on: the equity that
 * sizes trades is this engine's balance and open trades plus o's pnl and
 * unrealized pnl, and the account's limits count o's positions and open R. */
void mt_engine_set_outside(struct mt_engine *e, const struct mt_engine_outside *o);

/* This engine's open real trades: their count, open R and unrealized pnl at
 * their series' last close (another engine's outside). */
struct mt_exposure mt_engine_exposure(const struct mt_engine *e);

/* Whether agent a decides the setups of series s from the next time on
 * (all lanes start active). An inactive lane's strategy still sees every bar
 * and its trades are followed to their end: only new setups are not decided
 * (the pair left the agent's selection). */
void mt_engine_set_active(struct mt_engine *e, size_t a, size_t s, bool active);

/* The open pnl in R (mt_trade_unrealized at the series' last close over the
 * initial risk) of agent a's open real trades, in the order they opened: the
 * first max into out; returns their number. */
size_t mt_engine_open_pnl_r(const struct mt_engine *e, size_t a, double *out, size_t max);

/* Number of series. */
size_t mt_engine_series_count(const struct mt_engine *e);

/* The close time of the last bar given for series s, which follows a trade. */
int64_t mt_engine_last_close(const struct mt_engine *e, size_t s);

/* Number of trades followed on series s (any agent, any kind). */
size_t mt_engine_followed(const struct mt_engine *e, size_t s);

/* The balance (realized, quote) and the last marked equity. */
double mt_engine_balance(const struct mt_engine *e);
double mt_engine_equity(const struct mt_engine *e);

const struct mt_engine_stats *mt_engine_stats(const struct mt_engine *e);

#endif
