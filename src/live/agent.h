/* Agents of the live session: what the config's "agents" array says one agent
 * trades, and how that becomes an engine agent (sim/engine.h).
 *
 * A spec is loaded by the config loader (core/config.h) with
 * mt_agent_spec_schema into a slot prepared by mt_agent_spec_init, then
 * checked and completed by mt_agent_specs_resolve. The defaults are the
 * original's Agent (docs/reference-system.md §5):
 *   risk           the fraction of equity risked per trade, 0.002 x {15m 1,
 *                  30m 2, 1h 4, 4h 10, 12h 20, 1d 30}; other timeframes have
 *                  no default (set it);
 *   max_positions  "auto": 2 while the median open pnl of the agent's real
 *                  positions in R is <= 0, else 3 (mt_agent_max_positions in
 *                  sim/account.h, applied by the engine at each bar);
 *   max_open_r     1.7 x max_positions (mt_agent_max_open_r);
 *   trade rules    mt_trade_rules_for(strategy) (Channel Run: no take-profit);
 *   min_score      unset (NaN): the deployed model's threshold (ml/model.h),
 *                  without one mt_agent_limits_default's (0.6);
 *   pairs          the top 100 by 1-day quote volume ("volume_1d") with at
 *                  least 30 days of history and a spread below 0.004. */
#ifndef MT_LIVE_AGENT_H
#define MT_LIVE_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/error.h"
#include "core/timeframe.h"
#include "sim/engine.h"
#include "sim/ranking.h"
#include "strategy/strategy.h"

#define MT_AGENTS_MAX 32       /* agents in one config */
#define MT_AGENT_ID_MAX 33     /* an id: [a-z0-9_-]{1,32} and its NUL */
#define MT_AGENT_SYMBOLS_MAX 1024
#define MT_AGENT_TOP_MAX 1000  /* pairs.top in [1, MT_AGENT_TOP_MAX] */
#define MT_AGENT_POSITIONS_MAX 1000 /* max_positions in [0, MT_AGENT_POSITIONS_MAX] */
#define MT_AGENT_HISTORY_DAYS_MAX 100000

/* The pairs an agent trades: an explicit list, or the top N of a ranking. */
struct mt_agent_pairs {
    char symbols[MT_AGENT_SYMBOLS_MAX]; /* comma-separated symbols ("" = the ranking below) */
    int64_t top;                        /* N pairs of the ranking (-1 unset: 100 without symbols) */
    char by[16];                        /* ranking: "volume_1d" (1-day quote volume) or "volume_1w" */
    int64_t min_history_days;           /* pairs with at least this much history (30) */
    double max_spread;                  /* pairs whose relative spread is below this, in (0, 0.5) (0.004) */
};

/* One agent as configured. NaN numbers and MT_CFG_AUTO are unset: resolving
 * fills them from the defaults at the top (max_positions and max_open_r stay
 * unset and are decided by mt_agent_engine). */
struct mt_agent_spec {
    char id[MT_AGENT_ID_MAX];             /* unique name, [a-z0-9_-]{1,32} (required) */
    char strategy[MT_STRATEGY_ID_MAX];    /* strategy id (required; canonical once resolved) */
    char timeframe[8];                    /* "15m", "1h", ... (required) */
    char sides[8];                        /* "long", "short" or "both" (both) */
    struct mt_agent_pairs pairs;
    double risk;                          /* in (0, 1] */
    int64_t max_positions;                /* in [0, MT_AGENT_POSITIONS_MAX] or MT_CFG_AUTO */
    double max_open_r;                    /* >= 0 */
    double tp_r, tp_fraction, tp_full_value, stale_h, stale_r; /* ranges of sim/trade.h */
    double min_score;                     /* in [0, 1]; NaN: unset (see the top) */
    double win_r;                         /* its model's win threshold in R, [-10, 10]; NaN: ml.win_r */
    /* Set by resolving: */
    enum mt_tf tf;
    unsigned side_mask; /* the engine's MT_SIDES_* bits */
};

/* The element table of the config's "agents" array over struct mt_agent_spec:
 * id, strategy, timeframe, sides, pairs {symbols, top, by, min_history_days,
 * max_spread}, risk, max_positions, max_open_r, tp_r, tp_fraction,
 * tp_full_value, stale_h, stale_r, min_score, win_r. */
extern const struct mt_cfg_field mt_agent_spec_schema[];

/* Fills s with the unset values and the fixed defaults (see the struct). */
void mt_agent_spec_init(struct mt_agent_spec *s);

/* Checks the n loaded specs and fills their defaults (see the top); source
 * names the config in messages, each spec named "SOURCE: agents[i]":
 * MT_ECONFIG for a missing or malformed id, an id already used by an earlier
 * agent, a missing strategy or timeframe, one that does not parse, sides
 * other than long/short/both, a bad pairs selection (symbols and top both
 * given, an unknown ranking, a symbol that is not upper-case letters and
 * digits), a number out of its range ("SOURCE: agents[2].risk = 2 must be
 * in (0, 1]") or a risk left unset on a timeframe without a default. */
int mt_agent_specs_resolve(struct mt_agent_spec *specs, size_t n, const char *source, struct mt_err *err);

/* True when id is an agent id: 1 to 32 of [a-z0-9_-] (MT_AGENT_ID_MAX). */
bool mt_agent_id_valid(const char *id);

/* True when s lists symbol among its pairs (pairs.symbols, whole names only). */
bool mt_agent_lists(const struct mt_agent_spec *s, const char *symbol);

/* The original's default risk per trade for timeframe tf; NaN for timeframes
 * outside its table. */
double mt_agent_default_risk(enum mt_tf tf);

/* The engine agent of resolved spec s: its strategy (pointing into s), sides,
 * trade rules and limits; max_positions "auto" sets limits.auto_positions
 * (the engine applies mt_agent_max_positions at each bar; max_positions holds
 * 3, the value without open positions) and an unset max_open_r sets
 * auto_open_r (1.7 x the max positions); no scorer. */
struct mt_engine_agent mt_agent_engine(const struct mt_agent_spec *s);

/* The ranking rule of a resolved spec's pairs (sim/ranking.h): its top, a
 * window of 1 day ("volume_1d") or 1 week ("volume_1w"), min_history_days and
 * max_spread. Meaningless for listed pairs. */
struct mt_rank_rule mt_agent_rank_rule(const struct mt_agent_spec *s);

#endif
