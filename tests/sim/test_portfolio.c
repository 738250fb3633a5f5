/* Portfolio backtest: hand-built two-symbol cases with exact sizes, balances,
 * equity points and sim reasons, and on real BTCUSDT 1h: every setup of the
 * per-series setup backtest taken as real or followed as sim exactly once.
 *
 * The hand-built series (channel_run:5:edge:mid, spread 0, see
 * tests/strategy/test_strategy.c rise_then_drop): bars 0-9 rise by 1 (low
 * 10 + i, high 12 + i, close 11 + i) and bar 10 drops to 14.3, the bottom of
 * the channel in an uptrend: a long at the close of bar 10, price 14.3,
 * stop (14 - 2 ATR10) x (1 - 0.0015) = 8.72719 with ATR10 = 2.62985 (the
 * original's com-10 EWM of the true ranges), target mid 17.5 (edge goal:
 * HH - ATR10 = 18.37015). Then
 *   A (12 bars): bar 11 reaches 17.6: the mid target fills at 17.5;
 *   B (13 bars): bar 11 closes at 14.8, bar 12 falls to 8.5: the stop fills.
 * No other bar gives a setup. Costs: fee 0.15%, stop slippage 0.05%, no spread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "sim/portfolio.h"
#include "sim/setups.h"
#include "testutil.h"

#define HOUR INT64_C(3600000)
#define T0 INT64_C(1672531200000) /* 2023-01-01 00:00 UTC */
#define MONEY 1e-9                /* quote amounts near 10000: different order of the same operations */

/* ATR10: ten true ranges of 2 and one of 6.5 weighted (10/11)^age over the sum of the weights. */
static const double atr = 2.6298492173734234, price = 14.3, target_mid = 17.5;
static const double stop = (14 - 2 * 2.6298492173734234) * (1 - 0.0015);
static const double fee = 0.0015, slip = 0.0005;

struct two {
    struct mt_series a, b;
    struct mt_portfolio_series ps[2];
};

static void add_bar(struct mt_series *s, int i, double o, double h, double l, double c)
{
    struct mt_candle k = {.open_time = T0 + i * HOUR, .open = o, .high = h, .low = l, .close = c, .volume = 1};
    struct mt_err err = {0};
    assert_int_equal(mt_series_append(s, &k, &err), 0);
}

static void build(struct two *t)
{
    struct mt_series *s[2] = {&t->a, &t->b};
    for (int k = 0; k < 2; k++) {
        mt_series_init(s[k], MT_F_OHLCV);
        for (int i = 0; i < 10; i++)
            add_bar(s[k], i, 11 + i, 12 + i, 10 + i, 11 + i);
        add_bar(s[k], 10, 20, 20.5, 14, 14.3);
    }
    add_bar(&t->a, 11, 14.3, 17.6, 14.2, 17.2);
    add_bar(&t->b, 11, 14.3, 14.8, 14.1, 14.8);
    add_bar(&t->b, 12, 14.8, 14.9, 8.5, 13);
    t->ps[0] = (struct mt_portfolio_series){"AUSDT", &t->a, NULL, NULL, NULL, 0};
    t->ps[1] = (struct mt_portfolio_series){"BUSDT", &t->b, NULL, NULL, NULL, 0};
}

static void release(struct two *t)
{
    mt_series_release(&t->a);
    mt_series_release(&t->b);
}

/* A run's account config, the limits of every agent and, when set, their rules. */
struct cfg {
    struct mt_portfolio_config c;
    struct mt_agent_limits lim;
    const struct mt_trade_rules *rules; /* NULL: mt_trade_rules_for each strategy */
};

static struct cfg config(void)
{
    struct cfg c = {mt_portfolio_config_default(), mt_agent_limits_default(), NULL};
    c.c.costs.spread = 0;
    return c;
}

/* The agents of ids under c (at most 4). */
static void agents_of(const char *const *ids, size_t n, const struct cfg *c, struct mt_engine_agent *ag)
{
    assert_true(n <= 4);
    for (size_t k = 0; k < n; k++) {
        ag[k] = mt_engine_agent_for(ids[k], NULL);
        ag[k].limits = c->lim;
        if (c->rules)
            ag[k].rules = *c->rules;
    }
}

static int run(const struct mt_portfolio_series *ps, size_t ns, const char *const *ids, size_t n_ids, enum mt_tf tf,
               const struct cfg *c, struct mt_portfolio_result *r, struct mt_err *err)
{
    struct mt_engine_agent ag[4];
    agents_of(ids, n_ids, c, ag);
    return mt_portfolio_run(ps, ns, ag, n_ids, tf, &c->c, r, err);
}

static void run_ok(const struct two *t, const char *const *ids, size_t n_ids, const struct cfg *c,
                   struct mt_portfolio_result *r)
{
    struct mt_err err = {0};
    if (run(t->ps, 2, ids, n_ids, MT_TF_1H, c, r, &err))
        fail_msg("%s", err.msg);
}

static const char *const mid_goal[1] = {"channel_run:5:edge:mid"};

/* The long of bar 10 as followed: sized by the stop distance from 10000. */
static void assert_entry(const struct mt_portfolio_trade *x, size_t agent, size_t series, enum mt_trade_kind kind,
                         double size, unsigned reasons)
{
    assert_int_equal(x->agent, agent);
    assert_int_equal(x->series, series);
    assert_int_equal(x->trade.kind, kind);
    assert_int_equal(x->parent, -1);
    assert_int_equal(x->sim_reasons, reasons);
    assert_int_equal(x->setup.time, T0 + 10 * HOUR);
    assert_int_equal(x->trade.side, MT_LONG);
    assert_int_equal(x->trade.open_time, T0 + 11 * HOUR);
    tu_assert_close(x->trade.entry, price, 0);
    tu_assert_close(x->trade.init_stop, stop, 1e-12);
    tu_assert_close(x->trade.init_size, size, 1e-12);
}

/* The exposure the engine sends with each equity point. */
struct exposures {
    size_t n;
    struct mt_exposure x[16];
};

static int record_exposure(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    (void)time, (void)equity, (void)err;
    struct exposures *e = ctx;
    assert_true(e->n < 16);
    e->x[e->n++] = *x;
    return 0;
}

static void test_sizing_stop_and_target(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    struct cfg c = config();
    struct exposures ex = {0};
    struct mt_sink also = {.equity = record_exposure, .ctx = &ex};
    c.c.also = &also;
    struct mt_portfolio_result r;
    run_ok(&t, mid_goal, 1, &c, &r);

    /* 0.5% of 10000 = 50 quote down to the stop: 50 / 5.57281 = 8.97 units, 128.3 quote (< 1 x equity). */
    double size = 10000 * 0.005 / (price - stop), fee_in = fee * price * size;
    double pnl_a = -fee_in + ((target_mid - price) * size - fee * target_mid * size); /* limit fill at the target */
    double fill_b = stop * (1 - slip);                                                /* stop: min(stop, open 14.8) */
    double pnl_b = -fee_in + ((fill_b - price) * size - fee * fill_b * size);
    assert_int_equal(r.n_trades, 2);
    assert_int_equal(r.real, 2);
    assert_int_equal(r.sim + r.tracked + r.decisions.untradable, 0);
    assert_entry(&r.trades[0], 0, 0, MT_TRADE_REAL, size, 0);
    assert_entry(&r.trades[1], 0, 1, MT_TRADE_REAL, size, 0);
    tu_assert_close(r.trades[0].trade.target, target_mid, 0);
    assert_int_equal(r.trades[0].trade.exit, MT_EXIT_TARGET);
    assert_int_equal(r.trades[0].trade.close_time, T0 + 11 * HOUR);
    tu_assert_close(mt_trade_pnl(&r.trades[0].trade), pnl_a, MONEY);
    assert_int_equal(r.trades[1].trade.exit, MT_EXIT_STOP);
    assert_int_equal(r.trades[1].trade.close_time, T0 + 12 * HOUR);
    tu_assert_close(mt_trade_pnl(&r.trades[1].trade), pnl_b, MONEY);

    /* The curve: 10000 at the first bar, then one point at each bar time's close (13 times). */
    assert_int_equal(r.n_equity, 14);
    for (size_t i = 0; i < 14; i++)
        assert_int_equal(r.equity[i].time, T0 + (int64_t)i * HOUR);
    for (size_t i = 0; i <= 10; i++)
        tu_assert_close(r.equity[i].equity, 10000, 0);
    /* Close of bar 10: both entry fees paid, both marked at their entry 14.3. */
    tu_assert_close(r.equity[11].equity, 10000 - 2 * fee_in, MONEY);
    /* Close of bar 11: A's target in the balance, B marked at 14.8. */
    tu_assert_close(r.equity[12].equity, 10000 + pnl_a - fee_in + (14.8 - price) * size, MONEY);
    /* Close of bar 12 (only B has it): B stopped out. */
    tu_assert_close(r.equity[13].equity, 10000 + pnl_a + pnl_b, MONEY);
    /* The exposure beside each point: both open at bar 10's close, each 1 R from its stop (no spread:
     * the close is the entry); B alone at 14.8, (14.8 - stop) / (entry - stop) R; then none. */
    assert_int_equal(ex.n, 14);
    for (size_t i = 0; i <= 10; i++) {
        assert_int_equal(ex.x[i].positions, 0);
        tu_assert_close(ex.x[i].open_r, 0, 0);
    }
    assert_int_equal(ex.x[11].positions, 2);
    tu_assert_close(ex.x[11].open_r, 2, 1e-12);
    assert_int_equal(ex.x[12].positions, 1);
    tu_assert_close(ex.x[12].open_r, (14.8 - stop) / (price - stop), 1e-12);
    assert_int_equal(ex.x[13].positions, 0);
    tu_assert_close(ex.x[13].open_r, 0, 0);

    /* Metrics: 1 win of 2; positions over 2 h of 13: A is exposed for bar 11, in which it opened and
     * closed, B for bars 11 and 12. */
    assert_int_equal(r.metrics.trades, 2);
    assert_int_equal(r.metrics.wins, 1);
    tu_assert_close(r.metrics.total_return, (pnl_a + pnl_b) / 10000, 1e-12);
    tu_assert_close(r.metrics.profit_factor, pnl_a / -pnl_b, 1e-12);
    tu_assert_close(r.metrics.exposure, 2.0 / 13, 1e-15);
    /* The peak is at A's target, the trough at B's stop. */
    tu_assert_close(r.metrics.max_drawdown, 1 - r.equity[13].equity / r.equity[12].equity, 1e-12);
    assert_int_equal(r.n_symbols, 2);
    const struct mt_portfolio_symbol *a = &r.symbols[0], *b = &r.symbols[1];
    assert_true(a->real == 1 && a->sim == 0 && b->real == 1 && b->sim == 0);
    tu_assert_close(a->pnl, pnl_a, MONEY);
    tu_assert_close(b->pnl, pnl_b, MONEY);
    assert_true(a->metrics.trades == 1 && a->metrics.wins == 1 && b->metrics.wins == 0);
    tu_assert_close(a->metrics.expectancy_r, pnl_a / (size * (price - stop)), 1e-12);
    tu_assert_close(b->metrics.exposure, 2.0 / 13, 1e-15);
    tu_assert_close(a->metrics.exposure, 1.0 / 13, 1e-15); /* opened and closed within bar 11 */
    assert_true(isnan(a->metrics.total_return) && isnan(a->metrics.sharpe));
    mt_portfolio_result_release(&r);
    release(&t);
}

/* Each cap alone makes B's setup (decided after A's) a sim of the same size with that reason. */
static void test_caps_make_sims(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    double size = 10000 * 0.005 / (price - stop), fee_in = fee * price * size;
    double pnl_a = -fee_in + ((target_mid - price) * size - fee * target_mid * size);
    const struct {
        int positions_agent, positions;
        double open_r_agent, open_r;
        unsigned want;
    } cases[] = {
        {1, 10, 5.1, 10, MT_SIM_TOO_MANY_POSITIONS_AGENT},
        {3, 1, 5.1, 10, MT_SIM_TOO_MANY_POSITIONS},
        {3, 10, 1.5, 10, MT_SIM_OPEN_RISK_AGENT}, /* A's 1 R + 1 R > 1.5 */
        {3, 10, 5.1, 1.5, MT_SIM_OPEN_RISK_ACCOUNT},
        {1, 1, 1.5, 1.5, 0xf},
        {3, 10, 2, 2, 0}, /* 1 + 1 R stays within 2 */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct cfg c = config();
        c.lim.max_positions = cases[k].positions_agent;
        c.c.limits.max_positions = cases[k].positions;
        c.lim.max_open_r = cases[k].open_r_agent;
        c.c.limits.max_open_r = cases[k].open_r;
        struct mt_portfolio_result r;
        run_ok(&t, mid_goal, 1, &c, &r);
        assert_int_equal(r.n_trades, 2);
        assert_entry(&r.trades[0], 0, 0, MT_TRADE_REAL, size, 0);
        assert_entry(&r.trades[1], 0, 1, cases[k].want ? MT_TRADE_SIM : MT_TRADE_REAL, size, cases[k].want);
        if (cases[k].want) {
            /* The sim is followed to its stop, its pnl stays out of the balance. */
            assert_int_equal(r.trades[1].trade.exit, MT_EXIT_STOP);
            assert_true(r.real == 1 && r.sim == 1 && r.symbols[1].sim == 1 && r.symbols[1].real == 0);
            tu_assert_close(r.equity[11].equity, 10000 - fee_in, MONEY);
            tu_assert_close(r.equity[13].equity, 10000 + pnl_a, MONEY);
            tu_assert_same_double(r.symbols[1].pnl, 0.0);
            assert_int_equal(r.metrics.trades, 1);
        }
        mt_portfolio_result_release(&r);
    }
    release(&t);
}

static void test_notional_limits(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    /* At most 1% of equity per position: 100 quote = 100 / 14.3 units, whatever the stop. */
    struct cfg c = config();
    c.lim.max_notional = 0.01;
    struct mt_portfolio_result r;
    run_ok(&t, mid_goal, 1, &c, &r);
    assert_entry(&r.trades[0], 0, 0, MT_TRADE_REAL, 100 / price, 0);
    assert_entry(&r.trades[1], 0, 1, MT_TRADE_REAL, 100 / price, 0);
    mt_portfolio_result_release(&r);
    /* A 128.3 quote position is under a 140 minimum: both too small, no trade, a flat curve. */
    double size = 10000 * 0.005 / (price - stop);
    assert_true(size * price < 140);
    c = config();
    c.lim.min_notional = 140;
    run_ok(&t, mid_goal, 1, &c, &r);
    assert_entry(&r.trades[0], 0, 0, MT_TRADE_SIM, size, MT_SIM_TOO_SMALL);
    assert_entry(&r.trades[1], 0, 1, MT_TRADE_SIM, size, MT_SIM_TOO_SMALL);
    for (size_t i = 0; i < r.n_equity; i++)
        tu_assert_same_double(r.equity[i].equity, 10000);
    assert_true(r.real == 0 && r.sim == 2 && r.metrics.trades == 0);
    mt_portfolio_result_release(&r);
    release(&t);
}

/* Two agents: decided agent by agent, then symbol by symbol; the edge-goal
 * long on A (target 18.37) is still open when A's data ends: censored at the
 * close of A's last bar, marked to 17.2, while the curve goes on with B. */
static void test_two_agents_and_censoring(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    const char *const ids[2] = {"channel_run:5:edge:mid", "channel_run:5:edge:edge"};
    struct cfg c = config();
    c.lim.max_positions = 1;
    struct mt_portfolio_result r;
    run_ok(&t, ids, 2, &c, &r);
    double size = 10000 * 0.005 / (price - stop), fee_in = fee * price * size;
    double pnl_a = -fee_in + ((target_mid - price) * size - fee * target_mid * size);
    assert_int_equal(r.n_trades, 4);
    assert_entry(&r.trades[0], 0, 0, MT_TRADE_REAL, size, 0);
    assert_entry(&r.trades[1], 0, 1, MT_TRADE_SIM, size, MT_SIM_TOO_MANY_POSITIONS_AGENT);
    assert_entry(&r.trades[2], 1, 0, MT_TRADE_REAL, size, 0);
    assert_entry(&r.trades[3], 1, 1, MT_TRADE_SIM, size, MT_SIM_TOO_MANY_POSITIONS_AGENT);
    const struct mt_trade *e = &r.trades[2].trade;
    tu_assert_close(e->target, 21 - atr, 1e-12);
    assert_int_equal(e->exit, MT_EXIT_CENSORED);
    assert_int_equal(e->close_time, T0 + 12 * HOUR);
    tu_assert_close(e->mark, 17.2, 0);
    double pnl_e = -fee_in + (17.2 - price) * size;
    tu_assert_close(mt_trade_pnl(e), pnl_e, MONEY);
    /* Close of bar 11: A's mid target filled, the edge one marked at 17.2; so at the end. */
    tu_assert_close(r.equity[11].equity, 10000 - 2 * fee_in, MONEY);
    tu_assert_close(r.equity[12].equity, 10000 + pnl_a + pnl_e, MONEY);
    tu_assert_close(r.equity[13].equity, 10000 + pnl_a + pnl_e, MONEY);
    tu_assert_close(r.symbols[0].pnl, pnl_a + pnl_e, MONEY);
    assert_true(r.real == 2 && r.sim == 2 && r.metrics.wins == 2);
    mt_portfolio_result_release(&r);
    release(&t);
}

/* A full take-profit at 1 R: B's real long closes at the close of bar 11
 * (14.8: (14.8 - stop) / 14.8 over (14.3 - stop) / 14.3 = 1.05 R) and is
 * followed on as tracked until bar 12 stops it, with no money in the balance. */
static void test_tracked_follow_on(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    struct cfg c = config();
    struct mt_trade_rules rules = mt_trade_rules_default();
    rules.tp_at_r = 1;
    rules.tp_fraction = 1;
    c.rules = &rules;
    struct mt_portfolio_result r;
    run_ok(&t, mid_goal, 1, &c, &r);
    double size = 10000 * 0.005 / (price - stop), fee_in = fee * price * size;
    double pnl_a = -fee_in + ((target_mid - price) * size - fee * target_mid * size);
    double pnl_b = -fee_in + ((14.8 - price) * size - fee * 14.8 * size);
    assert_int_equal(r.n_trades, 3);
    assert_int_equal(r.trades[0].trade.exit, MT_EXIT_TARGET); /* the target comes before the take-profit */
    assert_int_equal(r.trades[1].trade.exit, MT_EXIT_TAKE_PROFIT);
    assert_int_equal(r.trades[1].trade.close_time, T0 + 11 * HOUR);
    tu_assert_close(mt_trade_pnl(&r.trades[1].trade), pnl_b, MONEY);
    const struct mt_portfolio_trade *k = &r.trades[2];
    assert_true(k->trade.kind == MT_TRADE_TRACKED && k->parent == 1 && k->agent == 0 && k->series == 1);
    assert_int_equal(k->setup.time, T0 + 10 * HOUR);
    assert_int_equal(k->trade.exit, MT_EXIT_STOP);
    assert_int_equal(k->trade.close_time, T0 + 12 * HOUR);
    tu_assert_close(r.equity[12].equity, 10000 + pnl_a + pnl_b, MONEY);
    tu_assert_close(r.equity[13].equity, 10000 + pnl_a + pnl_b, MONEY);
    assert_true(r.real == 2 && r.tracked == 1 && r.symbols[1].tracked == 1 && r.metrics.trades == 2);
    mt_portfolio_result_release(&r);
    release(&t);
}

/* Channel Run exits only by its OCO or stale (reference-system.md §1.1): the take-profit that
 * closes B above (1 R, all of it) does not apply to it through mt_engine_agent_for; B's long is
 * stopped at bar 12 instead. A trailing strategy keeps the rules it is given. */
static void test_channel_run_takes_no_profit(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    struct mt_trade_rules rules = mt_trade_rules_default();
    rules.tp_at_r = 1;
    rules.tp_fraction = 1;
    struct mt_engine_agent ag = mt_engine_agent_for(mid_goal[0], &rules);
    tu_assert_same_double(ag.rules.tp_at_r, 0);
    tu_assert_same_double(ag.rules.tp_fraction, 1);
    assert_true(ag.rules.stale_ms == rules.stale_ms);
    assert_true(mt_engine_agent_for("trail_fractals:5:2", &rules).rules.tp_at_r == 1);
    assert_true(mt_engine_agent_for("channel_run:200:mid:edge", NULL).rules.tp_at_r == 0);
    tu_assert_same_double(mt_engine_agent_for("trail_fractals:5:2", NULL).rules.tp_at_r, 1.8);
    struct cfg c = config();
    struct mt_portfolio_result r;
    struct mt_err err = {0};
    assert_int_equal(mt_portfolio_run(t.ps, 2, &ag, 1, MT_TF_1H, &c.c, &r, &err), 0);
    assert_int_equal(r.n_trades, 2);
    assert_int_equal(r.trades[1].trade.exit, MT_EXIT_STOP);
    assert_int_equal(r.trades[1].trade.n_legs, 2);
    assert_int_equal(r.tracked, 0);
    mt_portfolio_result_release(&r);
    release(&t);
}

/* One position per agent and symbol (reference-system.md §1.2, §4, §5): C repeats the long setup
 * at bars 11 and 12 (still at the bottom of the channel in an uptrend). Routed, each moves the stop
 * of the long held since bar 10 to its own stop when that is higher, and stays a decision; stacked
 * (one_per_symbol off), each is a position of its own. */
static void test_one_position_per_symbol(void **state)
{
    (void)state;
    struct mt_series cs;
    mt_series_init(&cs, MT_F_OHLCV);
    for (int i = 0; i < 10; i++)
        add_bar(&cs, i, 11 + i, 12 + i, 10 + i, 11 + i);
    add_bar(&cs, 10, 20, 20.5, 14, 14.3);
    add_bar(&cs, 11, 14.3, 14.5, 14.2, 14.3);
    add_bar(&cs, 12, 14.3, 14.6, 14.25, 14.4);
    /* The strategy's own setups: longs at bars 10, 11 and 12. */
    struct mt_strategy st;
    struct mt_err err = {0};
    assert_int_equal(mt_strategy_parse(mid_goal[0], MT_TF_1H, 0, &st, &err), 0);
    struct mt_setup x[8];
    assert_int_equal(mt_strategy_run(&st, &cs, 0, cs.n, x, 8), 3);
    mt_strategy_release(&st);
    assert_true(x[0].side == 1 && x[1].side == 1 && x[2].side == 1 && x[2].time == T0 + 12 * HOUR);
    struct mt_portfolio_series ps = {"CUSDT", &cs, NULL, NULL, NULL, 0};
    struct cfg c = config();
    struct mt_portfolio_result r;
    assert_int_equal(run(&ps, 1, mid_goal, 1, MT_TF_1H, &c, &r, &err), 0);
    assert_int_equal(r.n_trades, 1);
    assert_int_equal(r.decisions.held, 2);
    assert_int_equal(r.decisions.opposite, 0);
    tu_assert_same_double(r.trades[0].trade.init_stop, x[0].stop);
    tu_assert_same_double(r.trades[0].trade.stop, fmax(x[0].stop, fmax(x[1].stop, x[2].stop)));
    assert_true(r.trades[0].trade.stop > x[0].stop); /* it did move */
    assert_int_equal(r.trades[0].trade.exit, MT_EXIT_CENSORED);
    mt_portfolio_result_release(&r);
    c.c.one_per_symbol = false;
    assert_int_equal(run(&ps, 1, mid_goal, 1, MT_TF_1H, &c, &r, &err), 0);
    assert_int_equal(r.n_trades, 3);
    assert_true(r.real == 3 && r.decisions.held == 0);
    assert_int_equal(r.trades[1].setup.time, T0 + 11 * HOUR);
    mt_portfolio_result_release(&r);
    mt_series_release(&cs);
}

/* Per-pair spreads over time: B's spread is 0.2% from bar 5 on and 0.4% from just after bar 10
 * opened. Bar 10's setup sees 0.2% (no spread taken after its open time): entry 14.3 x 1.001 and a
 * stop buffer of 2 x 0.2% (A, without spreads of its own, has the run's 0 and the 0.15% floor). The
 * 1x-equity notional cap counts the half spread: 1% of equity buys 100 / (14.3 x 1.001) units. */
static void test_spreads_over_time(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    const int64_t when[2] = {T0 + 5 * HOUR, T0 + 10 * HOUR + 1};
    const double spread[2] = {0.002, 0.004};
    t.ps[1].spread_time = when;
    t.ps[1].spread = spread;
    t.ps[1].n_spreads = 2;
    struct cfg c = config();
    c.lim.max_notional = 0.01;
    struct mt_portfolio_result r;
    run_ok(&t, mid_goal, 1, &c, &r);
    assert_int_equal(r.n_trades, 2);
    const struct mt_trade *a = &r.trades[0].trade, *b = &r.trades[1].trade;
    tu_assert_same_double(a->entry, price);
    tu_assert_close(a->init_stop, stop, 1e-12);
    tu_assert_close(b->entry, price * 1.001, 1e-12);
    tu_assert_close(b->init_stop, stop / (1 - 0.0015) * (1 - 0.004), 1e-12);
    tu_assert_close(a->init_size, 100 / price, 1e-12);
    tu_assert_close(b->init_size, 100 / (price * 1.001), 1e-12);
    tu_assert_close(b->init_size * b->entry, 100, 1e-9);
    mt_portfolio_result_release(&r);
    /* Without the half spread in the cap, B would buy 100 / 14.3 units. */
    c.c.costs.spread = 0.002;
    t.ps[1].n_spreads = 0;
    run_ok(&t, mid_goal, 1, &c, &r);
    tu_assert_close(r.trades[0].trade.init_size, 100 / (price * 1.001), 1e-12);
    mt_portfolio_result_release(&r);
    release(&t);
}

/* from / to: strategies warm up before `from`; bars from `to` on are not read. */
static void test_date_range(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    struct cfg c = config();
    struct mt_portfolio_result r;
    /* Up to bar 10: both longs censored at its close, marked at their entry: only the fees lost. */
    c.c.to = T0 + 11 * HOUR;
    run_ok(&t, mid_goal, 1, &c, &r);
    double size = 10000 * 0.005 / (price - stop), fee_in = fee * price * size;
    assert_int_equal(r.n_trades, 2);
    assert_int_equal(r.n_equity, 12);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(r.trades[k].trade.exit, MT_EXIT_CENSORED);
        assert_int_equal(r.trades[k].trade.close_time, T0 + 11 * HOUR);
    }
    tu_assert_close(r.equity[11].equity, 10000 - 2 * fee_in, MONEY);
    mt_portfolio_result_release(&r);
    /* From bar 10: the curve starts at bar 10 with the balance; the setup is still found. */
    c = config();
    c.c.from = T0 + 10 * HOUR;
    run_ok(&t, mid_goal, 1, &c, &r);
    assert_int_equal(r.n_equity, 4);
    assert_int_equal(r.equity[0].time, T0 + 10 * HOUR);
    tu_assert_close(r.equity[0].equity, 10000, 0);
    assert_int_equal(r.real, 2);
    mt_portfolio_result_release(&r);
    /* From bar 11: no setup is decided. */
    c.c.from = T0 + 11 * HOUR;
    run_ok(&t, mid_goal, 1, &c, &r);
    assert_int_equal(r.n_trades, 0);
    assert_int_equal(r.n_equity, 3);
    mt_portfolio_result_release(&r);
    /* Nothing in range. */
    c.c.from = T0 + 20 * HOUR;
    struct mt_err err = {0};
    assert_int_equal(run(t.ps, 2, mid_goal, 1, MT_TF_1H, &c, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "portfolio: no bar in the date range");
    assert_int_equal(r.n_trades + r.n_equity, 0);
    release(&t);
}

static void test_errors_and_names(void **state)
{
    (void)state;
    struct two t;
    build(&t);
    struct cfg c = config();
    struct mt_portfolio_result r;
    struct mt_err err = {0};
    const char *const bad[1] = {"channel_run:0:mid:edge"};
    assert_int_equal(run(t.ps, 2, bad, 1, MT_TF_1H, &c, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "strategy channel_run:0:mid:edge: lookback = 0 must be an integer in [2, 1500]");
    c.lim.risk = 0;
    assert_int_equal(run(t.ps, 2, mid_goal, 1, MT_TF_1H, &c, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "agent channel_run:5:edge:mid: risk = 0 must be in (0, 1]");
    c = config();
    c.c.limits.max_positions = -1;
    assert_int_equal(run(t.ps, 2, mid_goal, 1, MT_TF_1H, &c, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "account: max_positions = -1 must be >= 0");
    c = config();
    c.c.costs.fee_rate = 0.2;
    assert_int_equal(run(t.ps, 2, mid_goal, 1, MT_TF_1H, &c, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "costs: fee_rate = 0.2 must be in [0, 0.1]");
    assert_int_equal(r.n_trades + r.n_equity + r.n_symbols, 0);
    struct mt_portfolio_config d = mt_portfolio_config_default();
    struct mt_agent_limits l = mt_agent_limits_default();
    assert_true(d.balance == 10000 && l.risk == 0.005 && l.max_notional == 1 && l.min_notional == 15);
    assert_true(l.max_positions == 3 && d.limits.max_positions == 10 && l.max_open_r == 5.1 &&
                d.limits.max_open_r == 10 && d.costs.spread == 0.0005 && d.from == INT64_MIN && d.to == INT64_MAX);
    assert_true(d.one_per_symbol && d.track_sims && !d.follow_past_to && l.min_score == 0.6);
    assert_string_equal(mt_sim_reason_name(MT_SIM_OPEN_RISK_AGENT), "open_risk_agent");
    assert_string_equal(mt_sim_reason_name(MT_SIM_TOO_SMALL), "too_small");
    assert_null(mt_sim_reason_name(3));
    release(&t);
}

/* Real data, both strategies as two agents at the defaults: every setup of
 * the per-series setup backtest is in the portfolio once, real or sim, in the
 * same order; sizes follow the previous equity point; the curve ends at the
 * balance plus the real trades' pnl. */
static void test_every_setup_once(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    const char *const ids[2] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};
    struct mt_portfolio_series ps = {"BTCUSDT", s, NULL, NULL, NULL, 0};
    struct cfg c = {mt_portfolio_config_default(), mt_agent_limits_default(), NULL};
    c.c.one_per_symbol = false; /* every setup its own position, as in the setup backtest */
    struct mt_portfolio_result r;
    struct mt_err err = {0};
    if (run(&ps, 1, ids, 2, MT_TF_1H, &c, &r, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(r.n_equity, s->n + 1);
    size_t untradable = 0;
    for (size_t a = 0; a < 2; a++) {
        struct mt_setup_outcomes o;
        struct mt_setup_run run = mt_setup_run_default(ids[a], MT_TF_1H, c.c.costs.spread);
        assert_int_equal(mt_setups_backtest(s, &run, &o, &err), 0);
        untradable += o.untradable;
        size_t j = 0, setups = 0, real = 0, sim = 0;
        for (size_t i = 0; i < o.n; i++) {
            if (o.v[i].parent >= 0)
                continue;
            setups++;
            while (j < r.n_trades && (r.trades[j].agent != a || r.trades[j].parent >= 0))
                j++;
            assert_true(j < r.n_trades);
            const struct mt_portfolio_trade *x = &r.trades[j++];
            assert_int_equal(x->setup.time, o.v[i].setup.time);
            assert_int_equal(x->trade.side, o.v[i].trade.side);
            tu_assert_same_double(x->setup.price, o.v[i].setup.price);
            tu_assert_same_double(x->trade.init_stop, o.v[i].trade.init_stop);
            tu_assert_same_double(x->trade.entry, o.v[i].trade.entry);
            real += x->trade.kind == MT_TRADE_REAL;
            sim += x->trade.kind == MT_TRADE_SIM;
            assert_true((x->trade.kind == MT_TRADE_SIM) == (x->sim_reasons != 0));
        }
        for (; j < r.n_trades; j++)
            assert_false(r.trades[j].agent == a && r.trades[j].parent < 0);
        assert_int_equal(real + sim, setups);
        printf("%s: %zu setups: %zu real, %zu sim\n", ids[a], setups, real, sim);
        assert_true(real > 0 && sim > 0);
        mt_setup_outcomes_release(&o);
    }
    assert_int_equal(r.decisions.untradable, untradable);
    double pnl = 0;
    size_t e = 0;
    for (size_t i = 0; i < r.n_trades; i++) {
        const struct mt_portfolio_trade *x = &r.trades[i];
        while (e + 1 < r.n_equity && r.equity[e + 1].time <= x->setup.time)
            e++;
        double eq = r.equity[e].equity;
        double want = fmin(eq * c.lim.risk / fabs(x->setup.price - x->setup.stop),
                           eq / (x->setup.price * (1 + c.c.costs.spread / 2)));
        if (x->parent < 0)
            tu_assert_same_double(x->trade.init_size, want);
        pnl += x->trade.kind == MT_TRADE_REAL ? mt_trade_pnl(&x->trade) : 0;
    }
    tu_assert_close(r.equity[r.n_equity - 1].equity, 10000 + pnl, 1e-6);
    tu_assert_close(r.symbols[0].pnl, pnl, 1e-6);
    assert_int_equal(r.metrics.trades, r.real);
    mt_portfolio_result_release(&r);
}

/* With 1h candles behind 4h bars, the portfolio decides the ambiguous bars
 * as the setup backtest does: the same trades, the same exits. */
static void test_lower_timeframe_as_setups(void **state)
{
    (void)state;
    const struct mt_series *h1 = fu_btc();
    struct mt_series h4;
    fu_btc_4h(&h4);
    struct mt_err err = {0};
    const char *const ids[1] = {"channel_run:8:mid:edge"};
    struct mt_portfolio_series ps = {"BTCUSDT", &h4, h1, NULL, NULL, 0};
    struct cfg c = {mt_portfolio_config_default(), mt_agent_limits_default(), NULL};
    c.c.one_per_symbol = false;
    struct mt_portfolio_result r;
    if (run(&ps, 1, ids, 1, MT_TF_4H, &c, &r, &err))
        fail_msg("%s", err.msg);
    struct mt_setup_run run = mt_setup_run_default(ids[0], MT_TF_4H, c.c.costs.spread);
    run.lower = h1;
    struct mt_setup_outcomes o;
    assert_int_equal(mt_setups_backtest(&h4, &run, &o, &err), 0);
    assert_int_equal(r.n_trades, o.n);
    size_t decided = 0;
    for (size_t i = 0; i < o.n; i++) {
        assert_int_equal(r.trades[i].trade.exit, o.v[i].trade.exit);
        assert_int_equal(r.trades[i].trade.resolved_by_lower, o.v[i].trade.resolved_by_lower);
        decided += o.v[i].trade.resolved_by_lower;
    }
    assert_true(decided > 0);
    mt_setup_outcomes_release(&o);
    mt_portfolio_result_release(&r);
    mt_series_release(&h4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizing_stop_and_target),
        cmocka_unit_test(test_caps_make_sims),
        cmocka_unit_test(test_notional_limits),
        cmocka_unit_test(test_two_agents_and_censoring),
        cmocka_unit_test(test_tracked_follow_on),
        cmocka_unit_test(test_channel_run_takes_no_profit),
        cmocka_unit_test(test_one_position_per_symbol),
        cmocka_unit_test(test_spreads_over_time),
        cmocka_unit_test(test_date_range),
        cmocka_unit_test(test_errors_and_names),
        cmocka_unit_test(test_every_setup_once),
        cmocka_unit_test(test_lower_timeframe_as_setups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
