/* Trade lifecycle on hand-built candles: every exit path with its exact fills, fees, pnl and R.
 *
 * Costs everywhere unless said: fee 0.15% per fill, spread 0.1% (half = 0.05% per market fill),
 * stop slippage 0.05%. Long ref 100 fills at 100 x 1.0005 = 100.05; a stop at 95 risks 5.05 per unit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "sim/trade.h"
#include "testutil.h"

#define TOL 1e-12
#define H INT64_C(3600000)
#define T0 INT64_C(1700000000000)

static const struct mt_costs costs = {.fee_rate = 0.0015, .bnb = false, .spread = 0.001, .slippage = 0.0005};
/* No take-profit, no stale exit. */
static const struct mt_trade_rules no_rules = {.tp_at_r = 0, .tp_fraction = 0.5, .stale_ms = 0, .stale_below_r = 1};

static void open_ok(struct mt_trade *t, enum mt_side side, double ref, double stop, double target, double size,
                    const struct mt_costs *c)
{
    struct mt_err err = {0};
    assert_int_equal(mt_trade_open(t, MT_TRADE_REAL, side, T0, ref, stop, target, size, c, &err), 0);
}

/* Bar k of a sequence opening at the entry time T0. */
static bool step(struct mt_trade *t, int k, double o, double h, double l, double c, const struct mt_trade_rules *r)
{
    return mt_trade_step(t, T0 + k * H, o, h, l, c, &costs, r, NULL);
}

static void assert_leg(const struct mt_leg *g, int64_t time, enum mt_leg_action action, enum mt_exit reason,
                       double price, double size, double fee)
{
    assert_true(g->time == time);
    assert_int_equal(g->action, action);
    assert_int_equal(g->reason, reason);
    tu_assert_close(g->price, price, TOL);
    tu_assert_close(g->size, size, TOL);
    tu_assert_close(g->fee, fee, TOL);
}

static void test_defaults_and_names(void **state)
{
    (void)state;
    struct mt_costs c = mt_costs_default();
    tu_assert_same_double(c.fee_rate, 0.0015);
    tu_assert_same_double(c.slippage, 0.0005);
    tu_assert_same_double(c.spread, 0.0);
    assert_false(c.bnb);
    struct mt_trade_rules r = mt_trade_rules_default();
    tu_assert_same_double(r.tp_at_r, 1.8);
    tu_assert_same_double(r.tp_fraction, 0.5);
    tu_assert_same_double(r.tp_full_value, 24);
    assert_true(r.stale_ms == 240 * H);
    tu_assert_same_double(r.stale_below_r, 1.0);
    assert_string_equal(mt_exit_name(MT_EXIT_NONE), "none");
    assert_string_equal(mt_exit_name(MT_EXIT_STOP), "stop");
    assert_string_equal(mt_exit_name(MT_EXIT_TARGET), "target");
    assert_string_equal(mt_exit_name(MT_EXIT_STRATEGY), "strategy");
    assert_string_equal(mt_exit_name(MT_EXIT_STALE), "stale");
    assert_string_equal(mt_exit_name(MT_EXIT_TAKE_PROFIT), "take_profit");
    assert_string_equal(mt_exit_name(MT_EXIT_CENSORED), "censored");
    assert_string_equal(mt_exit_name((enum mt_exit)99), "unknown");
}

static void test_open_fill_and_entry_bar(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2); /* 100.05: the long pays half the spread */
    double fee = 0.0015 * entry * 2;      /* 0.30015 */
    tu_assert_close(t.entry, entry, TOL);
    assert_true(t.open && t.exit == MT_EXIT_NONE && t.kind == MT_TRADE_REAL && t.side == MT_LONG);
    assert_int_equal(t.n_legs, 1);
    assert_leg(&t.legs[0], T0, MT_LEG_OPEN, MT_EXIT_NONE, entry, 2, fee);
    tu_assert_close(t.fees, fee, TOL);
    tu_assert_close(t.realized, -fee, TOL);
    tu_assert_close(mt_trade_pnl(&t), -fee, TOL);
    assert_true(mt_trade_duration(&t) == -1);
    /* The signal bar (opening an hour before the entry at its close) is never stepped: a low through
     * the stop changes nothing. */
    assert_false(mt_trade_step(&t, T0 - H, 100, 101, 90, 100, &costs, &no_rules, NULL));
    assert_true(t.open && t.mae_r == 0.0 && t.mfe_r == 0.0 && t.n_legs == 1);
    /* Short ref 200 receives 200 x 0.9995 = 199.9. */
    open_ok(&t, MT_SHORT, 200, 210, 180, 1, &costs);
    tu_assert_close(t.entry, 200 * (1 - 0.001 / 2), TOL);
    tu_assert_same_double(t.target, 180);
}

static void test_stop_long(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 2;
    assert_false(step(&t, 0, 99, 100.5, 97, 98, &no_rules)); /* low 97 above the stop */
    assert_true(step(&t, 1, 97, 97.5, 94, 96, &no_rules));   /* low 94 <= 95 */
    /* Stop fill: 95 less slippage less half the spread. */
    double fill = 95 * (1 - 0.0005) * (1 - 0.001 / 2);
    double fee_out = 0.0015 * fill * 2;
    double pnl = -fee_in + ((fill - entry) * 2 - fee_out);
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_false(t.open);
    tu_assert_same_double(t.size, 0.0);
    assert_int_equal(t.n_legs, 2);
    assert_leg(&t.legs[1], T0 + H, MT_LEG_CLOSE, MT_EXIT_STOP, fill, 2, fee_out);
    tu_assert_close(t.fees, fee_in + fee_out, TOL);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL); /* about -1.07 R */
    assert_true(t.close_time == T0 + H && mt_trade_duration(&t) == H);
    assert_false(t.ambiguous || t.resolved_by_lower);
    /* A closed trade ignores further bars. */
    assert_false(step(&t, 2, 90, 91, 80, 85, &no_rules));
    assert_int_equal(t.n_legs, 2);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
}

static void test_stop_short_and_gaps(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_SHORT, 200, 210, NAN, 1.5, &costs);
    double entry = 200 * (1 - 0.001 / 2), fee_in = 0.0015 * entry * 1.5;
    assert_true(step(&t, 0, 205, 211, 204, 209, &no_rules)); /* high 211 >= 210 */
    /* The short buys back at 210 plus slippage plus half the spread. */
    double fill = 210 * (1 + 0.0005) * (1 + 0.001 / 2), fee_out = 0.0015 * fill * 1.5;
    double pnl = -fee_in + (-(fill - entry) * 1.5 - fee_out);
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_leg(&t.legs[1], T0, MT_LEG_CLOSE, MT_EXIT_STOP, fill, 1.5, fee_out);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (1.5 * (210 - entry)), TOL);

    /* Short gap: the bar opens at 213, above the stop: filled at the open. */
    open_ok(&t, MT_SHORT, 200, 210, NAN, 1.5, &costs);
    assert_true(step(&t, 0, 213, 215, 212, 214, &no_rules));
    tu_assert_close(t.legs[1].price, 213 * (1 + 0.0005) * (1 + 0.001 / 2), TOL);

    /* Long gap: the bar opens at 93, below the stop at 95: filled at the open, not at the stop. */
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    assert_true(step(&t, 0, 93, 96, 90, 91, &no_rules));
    double gap = 93 * (1 - 0.0005) * (1 - 0.001 / 2);
    entry = 100 * (1 + 0.001 / 2);
    assert_leg(&t.legs[1], T0, MT_LEG_CLOSE, MT_EXIT_STOP, gap, 2, 0.0015 * gap * 2);
    tu_assert_close(mt_trade_pnl(&t), -(0.0015 * entry * 2) + ((gap - entry) * 2 - 0.0015 * gap * 2), TOL);
}

static void test_target(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, 110, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 2;
    assert_false(step(&t, 0, 100, 105, 98, 104, &no_rules));
    assert_true(step(&t, 1, 104, 111, 103, 109, &no_rules)); /* high 111 >= 110 */
    /* A limit order: exactly the target, no spread, no slippage, the fee still paid. */
    double fee_out = 0.0015 * 110.0 * 2;
    double pnl = -fee_in + ((110 - entry) * 2 - fee_out);
    assert_int_equal(t.exit, MT_EXIT_TARGET);
    assert_leg(&t.legs[1], T0 + H, MT_LEG_CLOSE, MT_EXIT_TARGET, 110, 2, fee_out);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL); /* about +1.89 R */
    assert_false(t.ambiguous);

    /* Short target 90, the bar gaps down to open at 88: the limit still fills at 90. */
    open_ok(&t, MT_SHORT, 100, 105, 90, 1, &costs);
    entry = 100 * (1 - 0.001 / 2);
    assert_true(step(&t, 0, 88, 89, 85, 86, &no_rules));
    assert_int_equal(t.exit, MT_EXIT_TARGET);
    assert_leg(&t.legs[1], T0, MT_LEG_CLOSE, MT_EXIT_TARGET, 90, 1, 0.0015 * 90.0 * 1);
    tu_assert_close(mt_trade_pnl(&t), -(0.0015 * entry * 1) + (-(90 - entry) * 1 - 0.0015 * 90.0 * 1), TOL);
}

static void test_oco_ambiguous(void **state)
{
    (void)state;
    struct mt_trade t;
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 1;
    double stop_fill = 95 * (1 - 0.0005) * (1 - 0.001 / 2);
    /* One bar touches the stop (low 94) and the target (high 111): without lower candles the stop came first. */
    open_ok(&t, MT_LONG, 100, 95, 110, 1, &costs);
    assert_true(step(&t, 0, 100, 111, 94, 100, &no_rules));
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_true(t.ambiguous);
    assert_false(t.resolved_by_lower);
    tu_assert_close(t.legs[1].price, stop_fill, TOL);
    tu_assert_close(mt_trade_pnl(&t), -fee_in + ((stop_fill - entry) * 1 - 0.0015 * stop_fill * 1), TOL);

    /* The same bar's 15m candles: the first touches neither, the second only the target. */
    const int64_t st[4] = {T0, T0 + 900000, T0 + 1800000, T0 + 2700000};
    const double so[4] = {100, 102, 109, 99}, sh[4] = {103, 111, 109, 100.5}, sl[4] = {99, 101, 94, 98},
                 sc[4] = {102, 109, 99, 100};
    struct mt_subbars sub = {4, st, so, sh, sl, sc};
    open_ok(&t, MT_LONG, 100, 95, 110, 1, &costs);
    assert_true(mt_trade_step(&t, T0, 100, 111, 94, 100, &costs, &no_rules, &sub));
    assert_int_equal(t.exit, MT_EXIT_TARGET);
    assert_true(t.ambiguous && t.resolved_by_lower);
    assert_leg(&t.legs[1], T0, MT_LEG_CLOSE, MT_EXIT_TARGET, 110, 1, 0.0015 * 110.0 * 1);
    double pnl = -fee_in + ((110 - entry) * 1 - 0.0015 * 110.0 * 1);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (entry - 95), TOL);

    /* Candles where the stop comes first: decided by them, the stop. */
    const double sh2[4] = {103, 104, 111, 100.5}, sl2[4] = {99, 94, 101, 98};
    struct mt_subbars sub2 = {4, st, so, sh2, sl2, sc};
    open_ok(&t, MT_LONG, 100, 95, 110, 1, &costs);
    assert_true(mt_trade_step(&t, T0, 100, 111, 94, 100, &costs, &no_rules, &sub2));
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_true(t.ambiguous && t.resolved_by_lower);
    tu_assert_close(t.legs[1].price, stop_fill, TOL);

    /* The first candle touching anything touches both: still ambiguous, the stop (pessimistic). */
    const double sh3[4] = {103, 111, 111, 100.5}, sl3[4] = {99, 94, 101, 98};
    struct mt_subbars sub3 = {4, st, so, sh3, sl3, sc};
    open_ok(&t, MT_LONG, 100, 95, 110, 1, &costs);
    assert_true(mt_trade_step(&t, T0, 100, 111, 94, 100, &costs, &no_rules, &sub3));
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_true(t.ambiguous);
    assert_false(t.resolved_by_lower);
}

static void test_trailing_stop(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, NAN, 1, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 1;
    assert_false(step(&t, 0, 100, 104, 99, 103, &no_rules));
    mt_trade_move_stop(&t, 101);
    tu_assert_same_double(t.stop, 101);
    mt_trade_move_stop(&t, 98); /* a long's stop never moves down */
    mt_trade_move_stop(&t, NAN);
    tu_assert_same_double(t.stop, 101);
    tu_assert_same_double(t.init_stop, 95);
    assert_true(step(&t, 1, 103, 103.5, 100, 100.5, &no_rules)); /* low 100 <= 101 */
    double fill = 101 * (1 - 0.0005) * (1 - 0.001 / 2);
    double pnl = -fee_in + ((fill - entry) * 1 - 0.0015 * fill * 1);
    assert_int_equal(t.exit, MT_EXIT_STOP);
    tu_assert_close(t.legs[1].price, fill, TOL);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (entry - 95), TOL); /* R of the initial risk: about +0.11 */

    /* Short: only down. */
    open_ok(&t, MT_SHORT, 100, 105, NAN, 1, &costs);
    mt_trade_move_stop(&t, 106);
    tu_assert_same_double(t.stop, 105);
    mt_trade_move_stop(&t, 102);
    tu_assert_same_double(t.stop, 102);
}

static void test_partial_take_profit_then_stop(void **state)
{
    (void)state;
    struct mt_trade t;
    struct mt_trade_rules r = mt_trade_rules_default(); /* 50% at 1.8R, stale after 240 h */
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 2;
    double risk_pct = (entry - 95) / entry; /* 0.050475 */
    /* Close 103.5: open risk (103.5 - 95)/103.5 / risk_pct = 1.63 R < 1.8: nothing. */
    assert_true((103.5 - 95) / 103.5 / risk_pct < 1.8);
    assert_false(step(&t, 0, 101, 104, 100, 103.5, &r));
    assert_int_equal(t.n_legs, 1);
    /* Close 105.5: (105.5 - 95)/105.5 / risk_pct = 1.97 R >= 1.8: sell half (1 unit) at the close. */
    assert_true((105.5 - 95) / 105.5 / risk_pct >= 1.8);
    assert_false(step(&t, 1, 103.5, 106, 103, 105.5, &r));
    double tp = 105.5 * (1 - 0.001 / 2), tp_fee = 0.0015 * tp * 1;
    assert_true(t.open && t.exit == MT_EXIT_NONE);
    tu_assert_same_double(t.size, 1.0);
    assert_int_equal(t.n_legs, 2);
    assert_leg(&t.legs[1], T0 + H, MT_LEG_PARTIAL, MT_EXIT_TAKE_PROFIT, tp, 1, tp_fee);
    tu_assert_close(t.realized, -fee_in + ((tp - entry) * 1 - tp_fee), TOL);
    /* Open risk at a close: the quote above the stop of the half left over the initial risk of both units. */
    tu_assert_close(mt_trade_open_r(&t, 105.5), (105.5 - 95) * 1 / (2 * (entry - 95)), TOL);
    tu_assert_same_double(mt_trade_open_r(&t, 94), 0.0); /* beyond the stop: none */
    tu_assert_close(mt_trade_unrealized(&t, 106), (106 - entry) * 1, TOL);
    /* Close 106.5 would be 2.15 R for the whole size, but only half remains: 1.08 R, no second partial. */
    assert_false(step(&t, 2, 105.5, 107, 105, 106.5, &r));
    assert_int_equal(t.n_legs, 2);
    /* The rest stops out at 95. */
    assert_true(step(&t, 3, 105, 105.5, 94, 95.5, &r));
    double sf = 95 * (1 - 0.0005) * (1 - 0.001 / 2), sf_fee = 0.0015 * sf * 1;
    assert_int_equal(t.n_legs, 3);
    assert_leg(&t.legs[2], T0 + 3 * H, MT_LEG_CLOSE, MT_EXIT_STOP, sf, 1, sf_fee);
    assert_int_equal(t.exit, MT_EXIT_STOP);
    double pnl = -fee_in + ((tp - entry) * 1 - tp_fee) + ((sf - entry) * 1 - sf_fee);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(t.fees, fee_in + tp_fee + sf_fee, TOL);
    /* R of the whole trade against the initial risk of both units: about -0.07 R. */
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL);
}

static void test_full_take_profit_then_tracked(void **state)
{
    (void)state;
    struct mt_trade t, k;
    const struct mt_trade_rules full = {.tp_at_r = 1.8, .tp_fraction = 1, .stale_ms = 0, .stale_below_r = 1};
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 2;
    assert_true(step(&t, 0, 101, 106, 100.5, 105.5, &full)); /* 1.97 R at the close: all of it */
    double tp = 105.5 * (1 - 0.001 / 2), tp_fee = 0.0015 * tp * 2;
    assert_int_equal(t.exit, MT_EXIT_TAKE_PROFIT);
    assert_true(mt_trade_follows_on(&t));
    assert_false(t.open);
    assert_leg(&t.legs[1], T0, MT_LEG_CLOSE, MT_EXIT_TAKE_PROFIT, tp, 2, tp_fee);
    double pnl = -fee_in + ((tp - entry) * 2 - tp_fee);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL);

    /* The tracked copy: whole size, original stop, no target, only the open leg. */
    mt_trade_track(&t, &k);
    assert_int_equal(k.kind, MT_TRADE_TRACKED);
    assert_true(k.open && k.exit == MT_EXIT_NONE && k.side == MT_LONG && k.open_time == T0);
    assert_true(isnan(k.target));
    tu_assert_same_double(k.size, 2.0);
    tu_assert_same_double(k.stop, 95.0);
    tu_assert_same_double(k.entry, entry);
    assert_int_equal(k.n_legs, 1);
    assert_leg(&k.legs[0], T0, MT_LEG_OPEN, MT_EXIT_NONE, entry, 2, fee_in);
    tu_assert_close(k.fees, fee_in, TOL);
    tu_assert_close(mt_trade_pnl(&k), -fee_in, TOL);
    tu_assert_close(k.mfe_r, t.mfe_r, TOL);
    /* Followed on with a trailed stop; a tracked trade never takes profit (3.0 R at the close 111). */
    mt_trade_move_stop(&k, 100);
    assert_false(mt_trade_step(&k, T0 + H, 105.5, 112, 104, 111, &costs, &full, NULL));
    assert_int_equal(k.n_legs, 1);
    tu_assert_close(k.mfe_r, (112 - entry) / (entry - 95), TOL);
    assert_true(mt_trade_step(&k, T0 + 2 * H, 111, 111.5, 99, 99.5, &costs, &full, NULL));
    double sf = 100 * (1 - 0.0005) * (1 - 0.001 / 2), sf_fee = 0.0015 * sf * 2;
    assert_int_equal(k.exit, MT_EXIT_STOP);
    assert_false(mt_trade_follows_on(&k)); /* a stop; and a tracked trade never has a follow-on */
    assert_leg(&k.legs[1], T0 + 2 * H, MT_LEG_CLOSE, MT_EXIT_STOP, sf, 2, sf_fee);
    double kpnl = -fee_in + ((sf - entry) * 2 - sf_fee);
    tu_assert_close(mt_trade_pnl(&k), kpnl, TOL);
    tu_assert_close(mt_trade_r(&k), kpnl / (2 * (entry - 95)), TOL);
    assert_true(mt_trade_duration(&k) == 2 * H);
    /* The take-profit beat holding on: about +1.85 R against -0.06 R. */
    assert_true(mt_trade_r(&t) > mt_trade_r(&k));
}

static void test_stale(void **state)
{
    (void)state;
    struct mt_trade t, u;
    const struct mt_trade_rules r = {.tp_at_r = 0, .tp_fraction = 0.5, .stale_ms = 10 * H, .stale_below_r = 1};
    const struct mt_trade_rules lenient = {.tp_at_r = 0, .tp_fraction = 0.5, .stale_ms = 10 * H, .stale_below_r = 0.1};
    open_ok(&t, MT_LONG, 100, 95, NAN, 1, &costs);
    open_ok(&u, MT_LONG, 100, 95, NAN, 1, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 1;
    /* pnl at the close 101: (-fee_in + 0.95) / 5.05 = 0.158 R, below 1 R (but above 0.1 R). */
    double pnl_r = (-fee_in + (101 - entry) * 1) / (1 * (entry - 95));
    assert_true(pnl_r < 1 && pnl_r >= 0.1);
    for (int k = 0; k < 10; k++) {
        assert_false(step(&t, k, 101, 101.5, 100.5, 101, &r));
        assert_false(step(&u, k, 101, 101.5, 100.5, 101, &lenient));
    }
    /* The bar opening 10 h after the entry: old enough. */
    assert_true(step(&t, 10, 101, 101.5, 100.5, 101, &r));
    assert_false(step(&u, 10, 101, 101.5, 100.5, 101, &lenient));
    assert_true(u.open && u.exit == MT_EXIT_NONE);
    double fill = 101 * (1 - 0.001 / 2), fee_out = 0.0015 * fill * 1;
    assert_int_equal(t.exit, MT_EXIT_STALE);
    assert_leg(&t.legs[1], T0 + 10 * H, MT_LEG_CLOSE, MT_EXIT_STALE, fill, 1, fee_out);
    tu_assert_close(mt_trade_pnl(&t), -fee_in + ((fill - entry) * 1 - fee_out), TOL);
    assert_true(mt_trade_duration(&t) == 10 * H);
}

static void test_strategy_exit(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_SHORT, 50, 52, NAN, 10, &costs);
    double entry = 50 * (1 - 0.001 / 2), fee_in = 0.0015 * entry * 10; /* 49.975 */
    assert_false(step(&t, 0, 50, 50.5, 49, 49.2, &no_rules));
    mt_trade_exit(&t, T0 + H, 49.2, MT_EXIT_STRATEGY, &costs);
    double fill = 49.2 * (1 + 0.001 / 2), fee_out = 0.0015 * fill * 10; /* buying back pays half the spread */
    double pnl = -fee_in + (-(fill - entry) * 10 - fee_out);
    assert_int_equal(t.exit, MT_EXIT_STRATEGY);
    assert_false(t.open);
    assert_leg(&t.legs[1], T0 + H, MT_LEG_CLOSE, MT_EXIT_STRATEGY, fill, 10, fee_out);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (10 * (52 - entry)), TOL);
    assert_true(mt_trade_duration(&t) == H);
    mt_trade_exit(&t, T0 + 2 * H, 40, MT_EXIT_STRATEGY, &costs); /* already closed: nothing */
    assert_int_equal(t.n_legs, 2);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
}

static void test_censored(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    double entry = 100 * (1 + 0.001 / 2), fee_in = 0.0015 * entry * 2;
    assert_false(step(&t, 0, 100, 102, 99, 101, &no_rules));
    mt_trade_censor(&t, T0 + H, 103);
    assert_int_equal(t.exit, MT_EXIT_CENSORED);
    assert_true(t.open); /* still held: no fill, no fee */
    assert_int_equal(t.n_legs, 1);
    tu_assert_same_double(t.size, 2.0);
    double pnl = -fee_in + (103 - entry) * 2;
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL);
    assert_true(mt_trade_duration(&t) == H);
    /* No longer followed. */
    assert_false(step(&t, 1, 103, 104, 90, 91, &no_rules));
    mt_trade_exit(&t, T0 + 2 * H, 91, MT_EXIT_STRATEGY, &costs);
    assert_int_equal(t.exit, MT_EXIT_CENSORED);
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);

    /* After a partial take-profit: the sold half realized, the rest marked. */
    struct mt_trade_rules r = mt_trade_rules_default();
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    assert_false(step(&t, 0, 101, 106, 100.5, 105.5, &r));
    mt_trade_censor(&t, T0 + H, 103);
    double tp = 105.5 * (1 - 0.001 / 2), tp_fee = 0.0015 * tp * 1;
    pnl = (-fee_in + ((tp - entry) * 1 - tp_fee)) + (103 - entry) * 1;
    tu_assert_close(mt_trade_pnl(&t), pnl, TOL);
    tu_assert_close(mt_trade_r(&t), pnl / (2 * (entry - 95)), TOL);
}

static void test_mae_mfe(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, NAN, 1, &costs);
    double entry = 100 * (1 + 0.001 / 2), risk = entry - 95;
    assert_false(step(&t, 0, 100.1, 101, 100.5, 100.8, &no_rules)); /* never below the entry: MAE stays 0 */
    tu_assert_same_double(t.mae_r, 0.0);
    tu_assert_close(t.mfe_r, (101 - entry) / risk, TOL);
    assert_false(step(&t, 1, 100, 102, 98, 101, &no_rules));
    tu_assert_close(t.mae_r, (98 - entry) / risk, TOL); /* -0.41 R */
    tu_assert_close(t.mfe_r, (102 - entry) / risk, TOL);
    assert_false(step(&t, 2, 101, 101.5, 99, 100, &no_rules)); /* inside the previous extremes */
    tu_assert_close(t.mae_r, (98 - entry) / risk, TOL);
    tu_assert_close(t.mfe_r, (102 - entry) / risk, TOL);
    assert_false(step(&t, 3, 100, 108, 99.5, 107, &no_rules));
    tu_assert_close(t.mfe_r, (108 - entry) / risk, TOL); /* +1.57 R */
    /* The stop bar counts too (its low, before the exit). */
    assert_true(step(&t, 4, 96, 97, 94, 95, &no_rules));
    tu_assert_close(t.mae_r, (94 - entry) / risk, TOL);

    /* Short: adverse is up. */
    open_ok(&t, MT_SHORT, 100, 105, NAN, 1, &costs);
    entry = 100 * (1 - 0.001 / 2);
    risk = 105 - entry;
    assert_false(step(&t, 0, 100, 103, 96, 97, &no_rules));
    tu_assert_close(t.mae_r, -(103 - entry) / risk, TOL);
    tu_assert_close(t.mfe_r, -(96 - entry) / risk, TOL);
}

static void test_bnb_discount(void **state)
{
    (void)state;
    struct mt_costs bnb = costs;
    bnb.bnb = true;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, 110, 2, &bnb);
    double entry = 100 * (1 + 0.001 / 2);
    double fee_in = 0.0015 * 0.75 * entry * 2; /* 0.1125% instead of 0.15% */
    tu_assert_close(t.legs[0].fee, fee_in, TOL);
    assert_true(mt_trade_step(&t, T0, 100, 111, 99, 109, &bnb, &no_rules, NULL));
    double fee_out = 0.0015 * 0.75 * 110.0 * 2;
    tu_assert_close(t.legs[1].fee, fee_out, TOL);
    tu_assert_close(t.fees, fee_in + fee_out, TOL);
    tu_assert_close(mt_trade_pnl(&t), -fee_in + ((110 - entry) * 2 - fee_out), TOL);
}

static void test_open_errors(void **state)
{
    (void)state;
    struct mt_trade t, before;
    memset(&t, 0x5a, sizeof t);
    memcpy(&before, &t, sizeof t);
    struct mt_err err = {0};
    /* Long stop above the entry fill (and one exactly at it). */
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 101, NAN, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "long stop = 101 must be below the entry fill 100.05"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 100 * (1 + 0.001 / 2), NAN, 1, &costs, &err),
                     MT_EINVAL);
    /* Short stop below the entry. */
    assert_int_equal(mt_trade_open(&t, MT_TRADE_SIM, MT_SHORT, T0, 100, 99, NAN, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "short stop = 99 must be above"));
    /* Targets on the wrong side. */
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 95, 99, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "long target = 99 must be above"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_SHORT, T0, 100, 105, 101, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "short target = 101 must be below"));
    /* Sizes and non-finite values. */
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 95, NAN, 0, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "size = 0 must be finite and > 0"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 95, NAN, -1, &costs, &err), MT_EINVAL);
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, NAN, 95, NAN, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "price = nan"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, INFINITY, NAN, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "stop = inf"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 95, INFINITY, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "target = inf"));
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, (enum mt_side)0, T0, 100, 95, NAN, 1, &costs, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "side 0"));
    struct mt_costs bad = costs;
    bad.spread = -0.001;
    assert_int_equal(mt_trade_open(&t, MT_TRADE_REAL, MT_LONG, T0, 100, 95, NAN, 1, &bad, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "spread = -0.001 must be in [0, 0.5)"));
    /* Nothing was written. */
    assert_memory_equal(&t, &before, sizeof t);
}

static void test_leg_capacity_and_nan_bar(void **state)
{
    (void)state;
    struct mt_trade t;
    const struct mt_trade_rules tenth = {.tp_at_r = 1.8, .tp_fraction = 0.1, .stale_ms = 0, .stale_below_r = 1};
    open_ok(&t, MT_LONG, 100, 95, NAN, 2, &costs);
    /* A bar of NaN prices (a gap in the data) triggers nothing. */
    assert_false(step(&t, 0, NAN, NAN, NAN, NAN, &tenth));
    assert_true(t.open && t.n_legs == 1 && t.mae_r == 0.0 && t.mfe_r == 0.0);
    /* At the close 200 the open risk is (200 - 95)/200 / 0.050475 = 10.4 R x the remaining share: each bar
     * sells a tenth of the rest, six times; the seventh partial would take the slot of the close. */
    double size = 2;
    for (int k = 1; k <= 8; k++) {
        assert_false(step(&t, k, 199, 201, 198, 200, &tenth));
        if (k <= 6)
            size = size - size * 0.1;
    }
    assert_int_equal(t.n_legs, MT_TRADE_MAX_LEGS - 1);
    assert_int_equal(t.legs[6].action, MT_LEG_PARTIAL);
    tu_assert_close(t.size, size, TOL); /* 2 x 0.9^6 */
    assert_true(step(&t, 9, 150, 151, 94, 96, &tenth));
    assert_int_equal(t.n_legs, MT_TRADE_MAX_LEGS);
    assert_leg(&t.legs[7], T0 + 9 * H, MT_LEG_CLOSE, MT_EXIT_STOP, 95 * (1 - 0.0005) * (1 - 0.001 / 2), size,
               0.0015 * (95 * (1 - 0.0005) * (1 - 0.001 / 2)) * size);
}

/* The take-profit's size (reference-system.md §5.5): half of a real position worth more than
 * tp_full_value (24) at the close, all of a smaller one (then followed on as tracked); sims always
 * sell tp_fraction. Long ref 100 with stop 95; the close 105.5 is 1.97 R. */
static void test_take_profit_size_by_value(void **state)
{
    (void)state;
    struct mt_trade_rules r = mt_trade_rules_default();
    const struct {
        enum mt_trade_kind kind;
        double size, full_value;
        bool all;
    } cases[] = {
        {MT_TRADE_REAL, 0.25, 24, false}, /* worth 26.4 */
        {MT_TRADE_REAL, 0.2, 24, true},   /* worth 21.1 */
        {MT_TRADE_REAL, 0.1, 24, true},   /* worth 10.6: below the 15 minimum order a close, the same fill */
        {MT_TRADE_SIM, 0.2, 24, false},
        {MT_TRADE_REAL, 0.2, 0, false}, /* 0: never all */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct mt_trade t;
        struct mt_err err = {0};
        r.tp_full_value = cases[k].full_value;
        assert_int_equal(mt_trade_open(&t, cases[k].kind, MT_LONG, T0, 100, 95, NAN, cases[k].size, &costs, &err), 0);
        bool closed = step(&t, 0, 101, 106, 100, 105.5, &r);
        double tp = 105.5 * (1 - 0.001 / 2), sold = cases[k].all ? cases[k].size : cases[k].size / 2;
        assert_int_equal(closed, cases[k].all);
        assert_int_equal(t.n_legs, 2);
        assert_leg(&t.legs[1], T0, cases[k].all ? MT_LEG_CLOSE : MT_LEG_PARTIAL, MT_EXIT_TAKE_PROFIT, tp, sold,
                   0.0015 * tp * sold);
        assert_int_equal(t.exit, cases[k].all ? MT_EXIT_TAKE_PROFIT : MT_EXIT_NONE);
        assert_int_equal(mt_trade_follows_on(&t), cases[k].all);
    }
}

/* Decide and fill apart, as a live executor does: the decision leaves the trade as it was,
 * the exchange's fill (its price and fee) is booked as reported. */
static void test_decide_then_fill(void **state)
{
    (void)state;
    struct mt_trade t;
    open_ok(&t, MT_LONG, 100, 95, 110, 2, &costs);
    struct mt_trade before = t;
    struct mt_trade_action a;
    struct mt_trade_rules r = mt_trade_rules_default();
    /* The bar gaps below the stop: the stop order is priced from the open 94. */
    assert_true(mt_trade_decide(&t, T0, 94, 96, 93, 95.5, &r, NULL, false, &a));
    assert_int_equal(a.reason, MT_EXIT_STOP);
    tu_assert_same_double(a.price, 94);
    tu_assert_same_double(a.size, 2);
    assert_false(a.ambiguous);
    assert_memory_equal(&t, &before, sizeof t);
    /* Nothing on a quiet bar, nor on one before the entry. */
    assert_false(mt_trade_decide(&t, T0, 100, 101, 99, 100.5, &r, NULL, false, &a));
    assert_int_equal(a.reason, MT_EXIT_NONE);
    assert_false(mt_trade_decide(&t, T0 - H, 94, 96, 93, 95.5, &r, NULL, false, &a));
    /* The exchange fills 1.5 at 93.9 paying 0.2, then the rest at 93.8 paying 0.07. */
    mt_trade_fill(&t, T0, MT_EXIT_STOP, 93.9, 1.5, 0.2);
    assert_true(t.open && t.exit == MT_EXIT_NONE);
    tu_assert_same_double(t.size, 0.5);
    mt_trade_fill(&t, T0 + H, MT_EXIT_STOP, 93.8, 5, 0.07); /* more than remains: what remains */
    assert_int_equal(t.exit, MT_EXIT_STOP);
    assert_false(t.open);
    assert_int_equal(t.n_legs, 3);
    assert_leg(&t.legs[2], T0 + H, MT_LEG_CLOSE, MT_EXIT_STOP, 93.8, 0.5, 0.07);
    double entry = 100 * 1.0005;
    tu_assert_close(mt_trade_pnl(&t), -0.0015 * entry * 2 + (93.9 - entry) * 1.5 - 0.2 + (93.8 - entry) * 0.5 - 0.07,
                    TOL);
    assert_true(t.close_time == T0 + H);
    /* A take-profit decided with tp_done (one already filled on this bar) is not decided again. */
    struct mt_trade u;
    open_ok(&u, MT_LONG, 100, 95, NAN, 2, &costs);
    assert_true(mt_trade_decide(&u, T0, 101, 106, 100, 105.5, &r, NULL, false, &a));
    assert_int_equal(a.reason, MT_EXIT_TAKE_PROFIT);
    tu_assert_same_double(a.size, 1);
    assert_false(mt_trade_decide(&u, T0, 101, 106, 100, 105.5, &r, NULL, true, &a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_names),
        cmocka_unit_test(test_open_fill_and_entry_bar),
        cmocka_unit_test(test_stop_long),
        cmocka_unit_test(test_stop_short_and_gaps),
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_oco_ambiguous),
        cmocka_unit_test(test_trailing_stop),
        cmocka_unit_test(test_partial_take_profit_then_stop),
        cmocka_unit_test(test_full_take_profit_then_tracked),
        cmocka_unit_test(test_stale),
        cmocka_unit_test(test_strategy_exit),
        cmocka_unit_test(test_censored),
        cmocka_unit_test(test_mae_mfe),
        cmocka_unit_test(test_bnb_discount),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_leg_capacity_and_nan_bar),
        cmocka_unit_test(test_take_profit_size_by_value),
        cmocka_unit_test(test_decide_then_fill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
