/* Sizing and the open-risk limits of an account shared by agents.
 *
 * A setup is sized by its stop distance: size = equity x risk / |price -
 * stop|, with the notional at the fill (size x price x (1 + spread / 2), the
 * half spread a market entry pays) at most max_notional x equity. It may be
 * taken as a real trade when, with it, the agent's and the account's open real
 * positions and open risk stay within their limits (a new position adds 1 R;
 * an open one counts mt_trade_open_r at its series' last close), its notional
 * is at least min_notional, and its score reaches the agent's min_score;
 * otherwise it is followed as a sim trade of the same size, flagged with every
 * rule it failed (the MT_SIM_* bits). Pure functions: the engine (engine.h)
 * keeps the exposures. */
#ifndef MT_SIM_ACCOUNT_H
#define MT_SIM_ACCOUNT_H

#include <stddef.h>

#include "core/error.h"
#include "strategy/strategy.h"

/* Why a setup became a sim trade (bits). */
enum mt_sim_reason {
    MT_SIM_TOO_MANY_POSITIONS_AGENT = 1u << 0, /* the agent holds max_positions real positions */
    MT_SIM_TOO_MANY_POSITIONS = 1u << 1,       /* the account holds its max_positions */
    MT_SIM_OPEN_RISK_AGENT = 1u << 2,          /* the agent's open risk + 1 R > its max_open_r */
    MT_SIM_OPEN_RISK_ACCOUNT = 1u << 3,        /* the account's open risk + 1 R > its max_open_r */
    MT_SIM_TOO_SMALL = 1u << 4,                /* notional < min_notional */
    MT_SIM_LOW_SCORE = 1u << 5,                /* the scorer's score < the agent's min_score */
};
#define MT_SIM_REASON_COUNT 6

/* One agent's sizing and limits. */
struct mt_agent_limits {
    double risk;         /* fraction of equity risked per trade down to its stop, in (0, 1] (0.005) */
    double max_notional; /* largest position notional, x equity, > 0 (1.0) */
    double min_notional; /* smallest real position notional, quote, >= 0 (15) */
    int max_positions;   /* open real positions, >= 0 (3) */
    double max_open_r;   /* open risk in R, >= 0 (5.1) */
    double min_score;    /* setups scoring below this are sims, in [0, 1] (0.6; the default scorer gives 1) */
    /* The original's automatic caps (docs/reference-system.md §5): with auto_positions the
     * agent's max_positions at each bar is mt_agent_max_positions of the median open pnl in R of
     * its open real trades at that bar's close, before its first setup there is decided; with
     * auto_open_r max_open_r is mt_agent_max_open_r of that max_positions. Off by default. */
    bool auto_positions, auto_open_r;
};

/* The original's open-position rule: 2 when median_open_r (the median open
 * pnl in R of the agent's real positions) is <= 0, else 3; NaN (no open
 * position) gives 3, as the original's comparison of an empty median does. */
int mt_agent_max_positions(double median_open_r);

/* The original's open-risk limit of an agent holding at most max_positions: 1.7 x max_positions. */
double mt_agent_max_open_r(int max_positions);

/* The median of v[0 .. n) (sorted in place): the middle value, or the mean of
 * the two middle ones; NaN for n 0. */
double mt_median(double *v, size_t n);

/* The whole account's limits, over every agent. */
struct mt_account_limits {
    int max_positions; /* open real positions, >= 0 (10) */
    double max_open_r; /* open risk in R, >= 0 (10) */
};

/* The open real trades of an agent or of the account. */
struct mt_exposure {
    int positions;
    double open_r;     /* sum of mt_trade_open_r at their series' last close */
    double unrealized; /* sum of mt_trade_unrealized at the same closes */
};

/* A setup's size and the rules it fails (0: it may be real). */
struct mt_sizing {
    double size;      /* base units */
    unsigned reasons; /* MT_SIM_* bits */
};

struct mt_agent_limits mt_agent_limits_default(void);
struct mt_account_limits mt_account_limits_default(void);

/* MT_EINVAL naming the first value out of its range (see the fields), with
 * `who` (e.g. "agent trail_fractals:5:2") at the start of the message. */
int mt_agent_limits_check(const struct mt_agent_limits *l, const char *who, struct mt_err *err);
int mt_account_limits_check(const struct mt_account_limits *l, struct mt_err *err);

/* Sizes setup x (price > 0, stop != price) at equity (> 0) with the series'
 * relative spread, against the agent's and the account's exposures and the
 * setup's score (see the top). */
struct mt_sizing mt_account_size(const struct mt_agent_limits *agent_limits, const struct mt_account_limits *limits,
                                 double equity, double spread, double score, const struct mt_exposure *agent,
                                 const struct mt_exposure *account, const struct mt_setup *x);

/* Static lower-case name of one MT_SIM_* bit ("too_many_positions_agent",
 * "too_many_positions", "open_risk_agent", "open_risk_account", "too_small",
 * "low_score"); NULL for anything else. */
const char *mt_sim_reason_name(unsigned bit);

#endif
