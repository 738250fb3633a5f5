/* Trade lifecycle: one engine that follows a trade bar by bar.
 *
 * The live session calls the same functions on each newly closed bar that a
 * backtest calls in its loop, so simulated and real trades are judged alike.
 * The engine knows nothing about strategies, features or portfolios.
 *
 * Units: prices in quote currency, sizes in base units, times in ms UTC. A bar
 * is named by its open time and closes at the next bar's open time.
 *
 * Timing: a setup found at the close of bar t enters at that close, so
 * open_time is the close of bar t (= the open time of bar t+1) and the first
 * bar stepped is t+1; the entry bar itself is never stepped (a bar opening
 * before open_time is ignored). Fills inside a stepped bar (stop, target,
 * take-profit, stale) carry that bar's open time as their leg time.
 *
 * Money: every fill pays fee_rate (x0.75 with BNB) of its notional. Market
 * fills (entry, take-profit, stale and strategy exits) pay half the spread;
 * stop fills also pay the slippage; target fills are limit orders (no spread,
 * no slippage). `realized` counts the entry fee from the open, so the pnl of a
 * closed trade is everything it cost and earned. R is measured against the
 * initial risk init_size x |entry - init_stop|, with entry the fill price. */
#ifndef MT_SIM_TRADE_H
#define MT_SIM_TRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "strategy/strategy.h" /* MT_SPREAD_MAX */

enum mt_side { MT_LONG = 1, MT_SHORT = -1 };

enum mt_trade_kind {
    MT_TRADE_REAL,    /* an order on the exchange */
    MT_TRADE_SIM,     /* a setup not taken, followed exactly like a real one */
    MT_TRADE_TRACKED, /* followed on after a strategy exit or a full take-profit until its stop hits */
};

enum mt_exit {
    MT_EXIT_NONE,        /* still followed */
    MT_EXIT_STOP,        /* the stop filled */
    MT_EXIT_TARGET,      /* the target (OCO limit) filled */
    MT_EXIT_STRATEGY,    /* closed at market by the strategy */
    MT_EXIT_STALE,       /* too old and not far enough in profit */
    MT_EXIT_TAKE_PROFIT, /* a full take-profit (also the reason of partial take-profit legs) */
    MT_EXIT_CENSORED,    /* end of data while still open: marked to market, no fill */
};

enum mt_leg_action { MT_LEG_OPEN, MT_LEG_PARTIAL, MT_LEG_CLOSE };

/* One fill. */
struct mt_leg {
    int64_t time;
    enum mt_leg_action action;
    enum mt_exit reason; /* MT_EXIT_NONE for the open leg */
    double price;        /* fill price, costs of the spread and slippage included */
    double size;         /* base units filled */
    double fee;          /* quote */
};

struct mt_costs {
    double fee_rate; /* per fill, of notional; default 0.0015 */
    bool bnb;        /* fees paid in BNB: x0.75 */
    double spread;   /* relative bid-ask spread, half paid on every market and stop fill; per pair, default 0 */
    double slippage; /* stop fills: extra relative slippage; default 0.0005 */
};

struct mt_trade_rules {
    double tp_at_r;       /* partial take-profit when the open risk >= this many R (1.8; 0 = off) */
    double tp_fraction;   /* share of the remaining size sold by a take-profit, in (0, 1] (0.5; 1 = full) */
    double tp_full_value; /* real trades: a take-profit sells all of a position worth at most this
                             (quote, at the close) and the trade is followed on as tracked (24; 0 = never) */
    int64_t stale_ms;     /* close trades at least this old (240 h; 0 = off) ... */
    double stale_below_r; /* ... whose pnl in R is below this (1.0) */
};

/* The valid range of each cost and rule, the one place they are set: the
 * checks below, the config file and the command-line options use them.
 * fee_rate in [0, MT_FEE_RATE_MAX], slippage in [0, MT_SLIPPAGE_MAX], spread in
 * [0, MT_SPREAD_MAX) (strategy/strategy.h); tp_at_r in [0, MT_TP_AT_R_MAX], tp_fraction in (0, 1],
 * tp_full_value in [0, MT_TP_FULL_VALUE_MAX], stale hours in [0,
 * MT_STALE_H_MAX], stale_below_r in [-MT_STALE_R_MAX, MT_STALE_R_MAX]. */
#define MT_FEE_RATE_MAX 0.1
#define MT_SLIPPAGE_MAX 0.1
#define MT_TP_AT_R_MAX 1000.0
#define MT_TP_FULL_VALUE_MAX 1e15
#define MT_STALE_H_MAX INT64_C(1000000)
#define MT_STALE_R_MAX 1000.0

/* MT_EINVAL naming the first cost out of its range. */
int mt_costs_check(const struct mt_costs *c, struct mt_err *err);

/* MT_EINVAL naming the first rule out of its range, the message starting with who. */
int mt_trade_rules_check(const struct mt_trade_rules *r, const char *who, struct mt_err *err);

/* Open leg + take-profit legs + the close. A partial take-profit is skipped when
 * only the slot of the close is left (after 6 partials). */
#define MT_TRADE_MAX_LEGS 8

struct mt_trade {
    enum mt_trade_kind kind;
    enum mt_side side;
    int64_t open_time; /* entry fill time: the close of the signal bar */
    double entry;      /* entry fill price (half spread paid) */
    double init_stop;
    double stop;   /* current stop (trailing moves it) */
    double target; /* NaN = none */
    double init_size;
    double size; /* remaining */
    double fees;            /* quote, every fill so far */
    double realized;        /* quote pnl of the closed size minus every fee paid (the entry fee from the open) */
    double mark;            /* censored trades: the mark-to-market price; NaN otherwise */
    enum mt_exit exit;      /* MT_EXIT_NONE while the trade is followed */
    int64_t close_time;     /* time of the closing fill or of the censoring; 0 while followed */
    double mae_r;           /* worst bar extreme since entry, in R of the initial risk (<= 0) */
    double mfe_r;           /* best bar extreme since entry, in R (>= 0) */
    bool ambiguous;         /* a bar touched both stop and target */
    bool resolved_by_lower; /* lower-timeframe candles decided which came first */
    bool open;              /* size is still held: true while followed and when censored */
    /* The fills, last: what a bar step reads comes before them, in one or two cache lines. */
    size_t n_legs;
    struct mt_leg legs[MT_TRADE_MAX_LEGS];
};

/* The lower-timeframe candles of one bar, in time order (arrays of n). The
 * engine only uses their order, highs and lows. */
struct mt_subbars {
    size_t n;
    const int64_t *time;
    const double *open, *high, *low, *close;
};

/* Static lower-case name of an exit reason ("stop", "take_profit", ...;
 * "unknown" for values outside the enum). */
const char *mt_exit_name(enum mt_exit e);

/* Binance spot/margin taker costs: fee 0.0015, no BNB, slippage 0.0005; spread 0, to be set from the
 * pair's measured spread. */
struct mt_costs mt_costs_default(void);

/* The reference system's rules for trailing strategies: a take-profit at 1.8 R of open risk (half, or
 * all of a real position worth at most 24 quote), stale after 240 h below 1 R. */
struct mt_trade_rules mt_trade_rules_default(void);

/* Opens t at ref_price (long pays ref x (1 + spread/2), short receives
 * ref x (1 - spread/2)) and records the open leg and its fee. target may be NaN
 * (none). Errors (MT_EINVAL, t untouched): side other than MT_LONG/MT_SHORT,
 * ref_price, stop or size not finite and > 0, target infinite or <= 0, the stop
 * not beyond the entry fill against the trade (long: below), the target not
 * beyond it in its favour, costs not finite or outside [0, 1). */
int mt_trade_open(struct mt_trade *t, enum mt_trade_kind kind, enum mt_side side, int64_t time, double ref_price,
                  double stop, double target, double size, const struct mt_costs *c, struct mt_err *err);

/* What a closed bar asks of a followed trade: the decide step of
 * mt_trade_step, before anything is filled. reason MT_EXIT_NONE: nothing. */
struct mt_trade_action {
    enum mt_exit reason; /* MT_EXIT_STOP, _TARGET, _TAKE_PROFIT or _STALE */
    double price;        /* what the order is priced from: the stop level or the open when the bar
                            gapped through it (long: min(stop, open)), the target, else the close */
    double size;         /* base units to sell (long) or buy back (short); all that remains closes */
    bool ambiguous;      /* the bar touched both stop and target */
    bool resolved_by_lower; /* lower-timeframe candles decided which came first */
};

/* MAE/MFE from a closed bar's high and low (the first part of a bar step). */
void mt_trade_observe(struct mt_trade *t, double h, double l);

/* Decides what the closed bar opening at bar_time (o, h, l, c) does to t,
 * without changing it: false (a->reason NONE) when nothing, the trade is no
 * longer followed or the bar opens before open_time. In order:
 *   stop (long: l <= stop) and target (long: h >= target), short mirrored;
 *   when one bar touches both it is ambiguous: `lower` (that bar's candles,
 *   may be NULL) decides if its first candle touching either touches only
 *   one, otherwise the stop came first;
 *   unless tp_done (a take-profit of this bar was filled already), the
 *   take-profit (not for tracked trades): when
 *   side x (c - stop)/c / (|entry - init_stop|/entry) x size/init_size >= tp_at_r,
 *   sell tp_fraction of the remaining size at the close, or all of it when
 *   tp_fraction is 1 or t is a real trade worth at most tp_full_value at c
 *   (a partial one is skipped when only the slot of the close is left);
 *   stale: when stale_ms > 0, bar_time - open_time >= stale_ms and the pnl in
 *   R at the close (realized + side x (c - entry) x size, exit costs not
 *   counted) is below stale_below_r, close at the close.
 * NaN prices never trigger an exit. */
bool mt_trade_decide(const struct mt_trade *t, int64_t bar_time, double o, double h, double l, double c,
                     const struct mt_trade_rules *r, const struct mt_subbars *lower, bool tp_done,
                     struct mt_trade_action *a);

/* Books one exit fill as it happened: size (at most what remains) at price,
 * costs included, paying fee. Closes t with reason when nothing remains. */
void mt_trade_fill(struct mt_trade *t, int64_t time, enum mt_exit reason, double price, double size, double fee);

/* The simulated fill of action a at time: a stop fills at a.price x (1 -
 * slippage) (long; short mirrored) minus half the spread, a target at the
 * target (a limit order), a take-profit or stale exit at a.price minus half
 * the spread; each pays the fee. Records a's ambiguity on t. */
void mt_trade_fill_sim(struct mt_trade *t, int64_t time, const struct mt_trade_action *a, const struct mt_costs *c);

/* One simulated bar step: mt_trade_observe, then mt_trade_decide and
 * mt_trade_fill_sim until nothing more happens on the bar (a partial
 * take-profit can be followed by the stale exit). Returns true when the trade
 * closed on the bar. */
bool mt_trade_step(struct mt_trade *t, int64_t bar_time, double o, double h, double l, double c,
                   const struct mt_costs *costs, const struct mt_trade_rules *r, const struct mt_subbars *lower);

/* Trailing: moves the stop to `stop` only if that is in the trade's favour
 * (long: higher, short: lower) and the trade is followed; otherwise no-op. */
void mt_trade_move_stop(struct mt_trade *t, double stop);

/* Market exit of the remaining size at price (half spread + fee) with `reason`
 * (normally MT_EXIT_STRATEGY). No-op when the trade is no longer followed. */
void mt_trade_exit(struct mt_trade *t, int64_t time, double price, enum mt_exit reason, const struct mt_costs *c);

/* End of data: stops following t without a fill; it stays open with its
 * remaining size, valued at mark (no fee) by mt_trade_pnl, reason
 * MT_EXIT_CENSORED, close_time = time. No-op when no longer followed. */
void mt_trade_censor(struct mt_trade *t, int64_t time, double mark);

/* Fills *tracked with a copy of a trade just closed (by a strategy exit or a
 * full take-profit) as if still held whole: same side, open time, entry,
 * initial and current stop, MAE/MFE, the full initial size, no target, kind
 * MT_TRADE_TRACKED, only the open leg (its fee counted). Stepping it follows it
 * until its stop hits (or stale/censor); it never takes profit. */
void mt_trade_track(const struct mt_trade *closed, struct mt_trade *tracked);

/* Quote pnl after all fees: the closed legs, plus for a censored trade the
 * remaining size marked to market. While followed: the closed part so far. */
double mt_trade_pnl(const struct mt_trade *t);

/* Quote pnl of the remaining size valued at mark, no exit costs: side x (mark - entry) x size. */
double mt_trade_unrealized(const struct mt_trade *t, double mark);

/* Open risk in R at close: the quote still at risk down to the current stop over the
 * initial risk, max(0, side x (close - stop)) x size / (init_size x |entry - init_stop|).
 * 1 at the entry fill; trailing lowers it, a move in favour beyond the stop raises it. */
double mt_trade_open_r(const struct mt_trade *t, double close);

/* Open pnl in R at close: mt_trade_unrealized over the initial risk init_size x |entry - init_stop|. */
double mt_trade_unrealized_r(const struct mt_trade *t, double close);

/* True when t, not itself tracked, has just closed by a strategy exit or a full
 * take-profit: a trade followed on as tracked (mt_trade_track). */
bool mt_trade_follows_on(const struct mt_trade *t);

/* mt_trade_pnl in R: divided by init_size x |entry - init_stop|. */
double mt_trade_r(const struct mt_trade *t);

/* close_time - open_time once the trade closed or was censored; -1 while followed. */
int64_t mt_trade_duration(const struct mt_trade *t);

#endif
