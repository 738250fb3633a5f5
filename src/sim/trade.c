/* Trade lifecycle: fills, exits and results of one trade followed bar by bar. */
#include "sim/trade.h"

#include <assert.h>
#include <math.h>
#include <string.h>

enum { TOUCH_STOP = 1, TOUCH_TARGET = 2, TOUCH_BOTH = 3 };

const char *mt_exit_name(enum mt_exit e)
{
    switch (e) {
    case MT_EXIT_NONE: return "none";
    case MT_EXIT_STOP: return "stop";
    case MT_EXIT_TARGET: return "target";
    case MT_EXIT_STRATEGY: return "strategy";
    case MT_EXIT_STALE: return "stale";
    case MT_EXIT_TAKE_PROFIT: return "take_profit";
    case MT_EXIT_CENSORED: return "censored";
    }
    return "unknown";
}

struct mt_costs mt_costs_default(void)
{
    return (struct mt_costs){.fee_rate = 0.0015, .bnb = false, .spread = 0.0, .slippage = 0.0005};
}

struct mt_trade_rules mt_trade_rules_default(void)
{
    return (struct mt_trade_rules){
        .tp_at_r = 1.8, .tp_fraction = 0.5, .tp_full_value = 24, .stale_ms = INT64_C(240) * 3600 * 1000, .stale_below_r = 1.0};
}

/* Fee in quote of a fill of size at price. */
static double fee_of(double price, double size, const struct mt_costs *c)
{
    return c->fee_rate * (c->bnb ? 0.75 : 1.0) * price * size;
}

/* Price of a market order at price: a buy (dir +1) pays half the spread above
 * it, a sell (dir -1) receives half the spread below it. */
static double market_price(int dir, double price, const struct mt_costs *c)
{
    return price * (1.0 + dir * c->spread / 2);
}

/* The side as a factor of price moves: +1 for a long, -1 for a short. */
static double side_sign(enum mt_side side)
{
    return side == MT_LONG ? 1.0 : -1.0;
}

/* Initial risk per base unit. */
static double unit_risk(const struct mt_trade *t)
{
    return fabs(t->entry - t->init_stop);
}

static void add_leg(struct mt_trade *t, struct mt_leg leg)
{
    t->legs[t->n_legs++] = leg;
    t->fees += leg.fee;
}

/* Sets t to a trade that has just filled its open leg `leg` and closed nothing. */
static void start(struct mt_trade *t, enum mt_trade_kind kind, enum mt_side side, double stop, double target,
                  struct mt_leg leg)
{
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->side = side;
    t->open_time = leg.time;
    t->entry = leg.price;
    t->init_stop = t->stop = stop;
    t->target = target;
    t->init_size = t->size = leg.size;
    t->mark = NAN;
    t->exit = MT_EXIT_NONE;
    t->open = true;
    add_leg(t, leg);
    t->realized = -leg.fee;
}

void mt_trade_fill(struct mt_trade *t, int64_t time, enum mt_exit reason, double price, double size, double fee)
{
    assert(t->exit == MT_EXIT_NONE && t->n_legs < MT_TRADE_MAX_LEGS && size > 0.0);
    bool all = size >= t->size;
    if (all)
        size = t->size;
    t->realized += side_sign(t->side) * (price - t->entry) * size - fee;
    add_leg(t, (struct mt_leg){time, all ? MT_LEG_CLOSE : MT_LEG_PARTIAL, reason, price, size, fee});
    t->size = all ? 0.0 : t->size - size;
    if (all) {
        t->open = false;
        t->exit = reason;
        t->close_time = time;
    }
}

/* Market sale (long) or purchase (short) of size at price, paying half the spread and the fee. */
static void market_exit(struct mt_trade *t, int64_t time, enum mt_exit reason, double price, double size,
                        const struct mt_costs *c)
{
    double fill = market_price(-t->side, price, c);
    mt_trade_fill(t, time, reason, fill, size, fee_of(fill, size, c));
}

int mt_costs_check(const struct mt_costs *c, struct mt_err *err)
{
    if (!(c->fee_rate >= 0.0 && c->fee_rate <= MT_FEE_RATE_MAX))
        return mt_err_set(err, MT_EINVAL, "costs: fee_rate = %g must be in [0, %g]", c->fee_rate, MT_FEE_RATE_MAX);
    if (!(c->slippage >= 0.0 && c->slippage <= MT_SLIPPAGE_MAX))
        return mt_err_set(err, MT_EINVAL, "costs: slippage = %g must be in [0, %g]", c->slippage, MT_SLIPPAGE_MAX);
    if (!(c->spread >= 0.0 && c->spread < MT_SPREAD_MAX))
        return mt_err_set(err, MT_EINVAL, "costs: spread = %g must be in [0, %g)", c->spread, MT_SPREAD_MAX);
    return 0;
}

int mt_trade_rules_check(const struct mt_trade_rules *r, const char *who, struct mt_err *err)
{
    if (!(r->tp_at_r >= 0 && r->tp_at_r <= MT_TP_AT_R_MAX))
        return mt_err_set(err, MT_EINVAL, "%s: tp_at_r = %g must be in [0, %g]", who, r->tp_at_r, MT_TP_AT_R_MAX);
    if (!(r->tp_fraction > 0 && r->tp_fraction <= 1))
        return mt_err_set(err, MT_EINVAL, "%s: tp_fraction = %g must be in (0, 1]", who, r->tp_fraction);
    if (!(r->tp_full_value >= 0 && r->tp_full_value <= MT_TP_FULL_VALUE_MAX))
        return mt_err_set(err, MT_EINVAL, "%s: tp_full_value = %g must be in [0, %g]", who, r->tp_full_value,
                          MT_TP_FULL_VALUE_MAX);
    if (!(r->stale_ms >= 0 && r->stale_ms <= MT_STALE_H_MAX * 3600000))
        return mt_err_set(err, MT_EINVAL, "%s: stale_ms = %lld must be in [0, %lld]", who, (long long)r->stale_ms,
                          (long long)(MT_STALE_H_MAX * 3600000));
    if (!(r->stale_below_r >= -MT_STALE_R_MAX && r->stale_below_r <= MT_STALE_R_MAX))
        return mt_err_set(err, MT_EINVAL, "%s: stale_below_r = %g must be in [%g, %g]", who, r->stale_below_r,
                          -MT_STALE_R_MAX, MT_STALE_R_MAX);
    return 0;
}

int mt_trade_open(struct mt_trade *t, enum mt_trade_kind kind, enum mt_side side, int64_t time, double ref_price,
                  double stop, double target, double size, const struct mt_costs *c, struct mt_err *err)
{
    if (side != MT_LONG && side != MT_SHORT)
        return mt_err_set(err, MT_EINVAL, "trade: side %d is neither long (1) nor short (-1)", (int)side);
    const double v[3] = {ref_price, stop, size};
    static const char *const names[3] = {"price", "stop", "size"};
    for (int i = 0; i < 3; i++)
        if (!(isfinite(v[i]) && v[i] > 0.0))
            return mt_err_set(err, MT_EINVAL, "trade: %s = %g must be finite and > 0", names[i], v[i]);
    if (!isnan(target) && !(isfinite(target) && target > 0.0))
        return mt_err_set(err, MT_EINVAL, "trade: target = %g must be NaN (none) or finite and > 0", target);
    int rc = mt_costs_check(c, err);
    if (rc)
        return rc;
    const char *dir = side == MT_LONG ? "long" : "short";
    double entry = market_price(side, ref_price, c);
    if (!(side_sign(side) * (entry - stop) > 0.0))
        return mt_err_set(err, MT_EINVAL, "trade: %s stop = %g must be %s the entry fill %g", dir, stop,
                          side == MT_LONG ? "below" : "above", entry);
    if (!isnan(target) && !(side_sign(side) * (target - entry) > 0.0))
        return mt_err_set(err, MT_EINVAL, "trade: %s target = %g must be %s the entry fill %g", dir, target,
                          side == MT_LONG ? "above" : "below", entry);
    start(t, kind, side, stop, target,
          (struct mt_leg){time, MT_LEG_OPEN, MT_EXIT_NONE, entry, size, fee_of(entry, size, c)});
    return 0;
}

/* Which of the stop and the target a candle ranging over [l, h] touches. */
static int touches(const struct mt_trade *t, double h, double l)
{
    bool stop = t->side == MT_LONG ? l <= t->stop : h >= t->stop;
    bool target = t->side == MT_LONG ? h >= t->target : l <= t->target; /* false for NaN (none) */
    return (stop ? TOUCH_STOP : 0) | (target ? TOUCH_TARGET : 0);
}

/* Ambiguous bar: true when the first lower candle touching stop or target
 * touches only the target. Sets *decided when a candle touched only one. */
static bool target_first(const struct mt_trade *t, const struct mt_subbars *lower, bool *decided)
{
    for (size_t i = 0; i < lower->n; i++) {
        int k = touches(t, lower->high[i], lower->low[i]);
        if (k == 0)
            continue;
        *decided = k != TOUCH_BOTH;
        return k == TOUCH_TARGET;
    }
    return false;
}

/* The bar step's parts, inlined into mt_trade_step (the hot loop of every backtest). */
static inline __attribute__((always_inline)) void observe(struct mt_trade *t, double h, double l)
{
    bool lng = t->side == MT_LONG;
    double risk = unit_risk(t);
    double sign = side_sign(t->side);
    /* Divide only when a bar sets a new extreme. */
    double adverse = sign * ((lng ? l : h) - t->entry), favourable = sign * ((lng ? h : l) - t->entry);
    if (adverse < t->mae_r * risk)
        t->mae_r = adverse / risk;
    if (favourable > t->mfe_r * risk)
        t->mfe_r = favourable / risk;
}

static inline __attribute__((always_inline)) bool decide(const struct mt_trade *t, int64_t bar_time, double o,
                                                         double h, double l, double c,
                                                         const struct mt_trade_rules *r,
                                                         const struct mt_subbars *lower, bool tp_done,
                                                         struct mt_trade_action *a)
{
    *a = (struct mt_trade_action){.reason = MT_EXIT_NONE};
    if (t->exit != MT_EXIT_NONE || bar_time < t->open_time)
        return false;
    bool lng = t->side == MT_LONG;
    int k = touches(t, h, l);
    if (k != 0) {
        bool target = k == TOUCH_TARGET;
        if (k == TOUCH_BOTH) {
            a->ambiguous = true;
            target = lower != NULL && target_first(t, lower, &a->resolved_by_lower);
        }
        a->reason = target ? MT_EXIT_TARGET : MT_EXIT_STOP;
        a->price = target ? t->target : lng ? fmin(t->stop, o) : fmax(t->stop, o);
        a->size = t->size;
        return true;
    }
    double risk = unit_risk(t);
    if (!tp_done && t->kind != MT_TRADE_TRACKED && r->tp_at_r > 0.0) {
        /* Open risk in R, side (c - stop) / c / (risk / entry) x size / init_size, compared without dividing. */
        bool at_tp = side_sign(t->side) * (c - t->stop) * t->entry * t->size >= r->tp_at_r * c * risk * t->init_size;
        bool full = r->tp_fraction >= 1.0 || (t->kind == MT_TRADE_REAL && t->size * c <= r->tp_full_value);
        if (at_tp && (full || t->n_legs < MT_TRADE_MAX_LEGS - 1)) {
            *a = (struct mt_trade_action){MT_EXIT_TAKE_PROFIT, c, full ? t->size : t->size * r->tp_fraction, false,
                                          false};
            return true;
        }
    }
    if (r->stale_ms > 0 && bar_time - t->open_time >= r->stale_ms &&
        (t->realized + mt_trade_unrealized(t, c)) / (t->init_size * risk) < r->stale_below_r) {
        *a = (struct mt_trade_action){MT_EXIT_STALE, c, t->size, false, false};
        return true;
    }
    return false;
}

void mt_trade_observe(struct mt_trade *t, double h, double l)
{
    observe(t, h, l);
}

bool mt_trade_decide(const struct mt_trade *t, int64_t bar_time, double o, double h, double l, double c,
                     const struct mt_trade_rules *r, const struct mt_subbars *lower, bool tp_done,
                     struct mt_trade_action *a)
{
    return decide(t, bar_time, o, h, l, c, r, lower, tp_done, a);
}

void mt_trade_fill_sim(struct mt_trade *t, int64_t time, const struct mt_trade_action *a, const struct mt_costs *c)
{
    switch (a->reason) {
    case MT_EXIT_TARGET:
    case MT_EXIT_STOP:
        t->ambiguous = a->ambiguous;
        t->resolved_by_lower = a->resolved_by_lower;
        if (a->reason == MT_EXIT_TARGET)
            mt_trade_fill(t, time, MT_EXIT_TARGET, a->price, a->size, fee_of(a->price, a->size, c));
        else
            market_exit(t, time, MT_EXIT_STOP, a->price * (1.0 - side_sign(t->side) * c->slippage), a->size, c);
        return;
    case MT_EXIT_TAKE_PROFIT:
    case MT_EXIT_STALE: market_exit(t, time, a->reason, a->price, a->size, c); return;
    default: assert(false && "mt_trade_fill_sim: not an action"); return;
    }
}

/* The rest of a bar step once a decides something: fills it, then what else the bar decides. Kept out of
 * mt_trade_step so that the step of a bar that decides nothing, by far the most common, stays small. */
static __attribute__((noinline)) bool fill_decided(struct mt_trade *t, int64_t bar_time, double o, double h, double l,
                                                   double c, const struct mt_costs *costs,
                                                   const struct mt_trade_rules *r, const struct mt_subbars *lower,
                                                   struct mt_trade_action *a)
{
    do {
        mt_trade_fill_sim(t, bar_time, a, costs);
        if (t->exit != MT_EXIT_NONE)
            return true;
        /* only a partial take-profit leaves the trade open: its bar may still close it stale */
    } while (decide(t, bar_time, o, h, l, c, r, lower, true, a));
    return false;
}

bool mt_trade_step(struct mt_trade *t, int64_t bar_time, double o, double h, double l, double c,
                   const struct mt_costs *costs, const struct mt_trade_rules *r, const struct mt_subbars *lower)
{
    if (t->exit != MT_EXIT_NONE || bar_time < t->open_time)
        return false;
    observe(t, h, l);
    struct mt_trade_action a;
    return decide(t, bar_time, o, h, l, c, r, lower, false, &a) &&
           fill_decided(t, bar_time, o, h, l, c, costs, r, lower, &a);
}

void mt_trade_move_stop(struct mt_trade *t, double stop)
{
    if (t->exit == MT_EXIT_NONE && side_sign(t->side) * (stop - t->stop) > 0.0)
        t->stop = stop;
}

void mt_trade_exit(struct mt_trade *t, int64_t time, double price, enum mt_exit reason, const struct mt_costs *c)
{
    if (t->exit == MT_EXIT_NONE)
        market_exit(t, time, reason, price, t->size, c);
}

void mt_trade_censor(struct mt_trade *t, int64_t time, double mark)
{
    if (t->exit != MT_EXIT_NONE)
        return;
    t->exit = MT_EXIT_CENSORED;
    t->close_time = time;
    t->mark = mark;
}

void mt_trade_track(const struct mt_trade *closed, struct mt_trade *tracked)
{
    start(tracked, MT_TRADE_TRACKED, closed->side, closed->init_stop, NAN, closed->legs[0]);
    tracked->stop = closed->stop;
    tracked->mae_r = closed->mae_r;
    tracked->mfe_r = closed->mfe_r;
}

double mt_trade_unrealized(const struct mt_trade *t, double mark)
{
    return side_sign(t->side) * (mark - t->entry) * t->size;
}

double mt_trade_open_r(const struct mt_trade *t, double close)
{
    return fmax(0.0, side_sign(t->side) * (close - t->stop)) * t->size / (t->init_size * unit_risk(t));
}

double mt_trade_unrealized_r(const struct mt_trade *t, double close)
{
    return mt_trade_unrealized(t, close) / (t->init_size * unit_risk(t));
}

bool mt_trade_follows_on(const struct mt_trade *t)
{
    return (t->exit == MT_EXIT_STRATEGY || t->exit == MT_EXIT_TAKE_PROFIT) && t->kind != MT_TRADE_TRACKED;
}

double mt_trade_pnl(const struct mt_trade *t)
{
    return t->realized + (t->exit == MT_EXIT_CENSORED ? mt_trade_unrealized(t, t->mark) : 0.0);
}

double mt_trade_r(const struct mt_trade *t)
{
    return mt_trade_pnl(t) / (t->init_size * unit_risk(t));
}

int64_t mt_trade_duration(const struct mt_trade *t)
{
    return t->exit == MT_EXIT_NONE ? -1 : t->close_time - t->open_time;
}
