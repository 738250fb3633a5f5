/* Setup backtest on real BTCUSDT 1h: every setup followed to an outcome,
 * the same outcome as replaying the strategy and the engine by hand, and
 * nothing decided at bar t changes when the data ends at t. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "sim/setups.h"
#include "testutil.h"

/* Field by field (the struct has padding). */
static void assert_same_setup(const struct mt_setup *a, const struct mt_setup *b)
{
    assert_int_equal(a->time, b->time);
    assert_int_equal(a->side, b->side);
    assert_int_equal(a->n_context, b->n_context);
    double x[4 + MT_SETUP_CONTEXT] = {a->price, a->stop, a->target, a->rr},
           y[4 + MT_SETUP_CONTEXT] = {b->price, b->stop, b->target, b->rr};
    memcpy(x + 4, a->context, (size_t)a->n_context * sizeof(double));
    memcpy(y + 4, b->context, (size_t)b->n_context * sizeof(double));
    for (int k = 0; k < 4 + a->n_context; k++)
        if (memcmp(&x[k], &y[k], sizeof x[k]) != 0 && !(isnan(x[k]) && isnan(y[k])))
            fail_msg("setup at %lld: value %d differs: %.17g vs %.17g", (long long)a->time, k, x[k], y[k]);
}

static const char *const ids[2] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};

static void run_ok(const struct mt_series *s, const char *id, struct mt_setup_outcomes *o)
{
    struct mt_setup_run run = mt_setup_run_default(id, MT_TF_1H, 0.0005);
    struct mt_err err = {0};
    if (mt_setups_backtest(s, &run, o, &err))
        fail_msg("%s", err.msg);
}

/* Every outcome ended (or is censored at the end), entered at the close of its signal bar. */
static void test_outcomes_complete(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    int64_t end = s->open_time[s->n - 1] + 3600000;
    for (int k = 0; k < 2; k++) {
        struct mt_setup_outcomes o;
        run_ok(s, ids[k], &o);
        assert_true(o.n > 50);
        size_t censored = 0, tracked = 0;
        for (size_t i = 0; i < o.n; i++) {
            const struct mt_setup_outcome *x = &o.v[i];
            const struct mt_trade *t = &x->trade;
            assert_int_equal(x->setup.time, s->open_time[x->bar]);
            assert_int_equal(t->open_time, s->open_time[x->bar] + 3600000);
            assert_int_not_equal(t->exit, MT_EXIT_NONE);
            assert_true(t->close_time >= t->open_time && t->close_time <= end);
            assert_true(isfinite(mt_trade_r(t)));
            if (t->exit == MT_EXIT_CENSORED) {
                censored++;
                assert_int_equal(t->close_time, end);
            }
            if (x->parent >= 0) {
                tracked++;
                assert_int_equal(t->kind, MT_TRADE_TRACKED);
                assert_true((size_t)x->parent < i);
            }
            /* Trailing only ever tightens the stop. */
            assert_true(t->side == MT_LONG ? t->stop >= t->init_stop : t->stop <= t->init_stop);
        }
        assert_true(censored < o.n);
        printf("%s: %zu outcomes (%zu tracked, %zu censored, %zu untradable setups)\n", ids[k], o.n, tracked, censored,
               o.untradable);
        mt_setup_outcomes_release(&o);
    }
}

/* The first channel-run outcome equals stepping the engine by hand from the strategy's setup. */
static void test_matches_manual_replay(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_setup_outcomes o;
    run_ok(s, ids[0], &o);
    assert_true(o.n > 0);
    const struct mt_setup_outcome *x = &o.v[0];
    struct mt_strategy st;
    struct mt_err err = {0};
    assert_int_equal(mt_strategy_parse(ids[0], MT_TF_1H, 0.0005, &st, &err), 0);
    struct mt_setup setups[MT_STRATEGY_MAX_SETUPS];
    size_t bar = 0;
    int found = 0;
    for (; bar < s->n && found == 0; bar++)
        found = mt_strategy_step(&st, s->open_time[bar], s->open[bar], s->high[bar], s->low[bar], s->close[bar],
                                 s->volume[bar], setups, MT_STRATEGY_MAX_SETUPS);
    mt_strategy_release(&st);
    bar--;
    assert_int_equal(x->bar, bar);
    assert_same_setup(&x->setup, &setups[0]);
    struct mt_costs costs = mt_costs_default();
    costs.spread = 0.0005;
    struct mt_trade_rules rules = mt_trade_rules_default();
    struct mt_trade t;
    assert_int_equal(mt_trade_open(&t, MT_TRADE_SIM, setups[0].side > 0 ? MT_LONG : MT_SHORT, s->open_time[bar + 1],
                                   setups[0].price, setups[0].stop, setups[0].target, 1.0 / setups[0].price, &costs,
                                   &err),
                     0);
    size_t i = bar + 1;
    while (i < s->n && !mt_trade_step(&t, s->open_time[i], s->open[i], s->high[i], s->low[i], s->close[i], &costs,
                                      &rules, NULL))
        i++;
    assert_true(i < s->n);
    assert_int_equal(t.exit, x->trade.exit);
    assert_int_equal(t.close_time, x->trade.close_time);
    tu_assert_close(mt_trade_pnl(&t), mt_trade_pnl(&x->trade), 0);
    tu_assert_close(mt_trade_r(&t), mt_trade_r(&x->trade), 0);
    mt_setup_outcomes_release(&o);
}

/* Data cut after bar t: the same setups up to t, and every trade that ended
 * by t ended the same way; those still open are censored at the cut. */
static void test_no_lookahead(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    unsigned seed = 5;
    for (int k = 0; k < 2; k++) {
        struct mt_setup_outcomes full;
        run_ok(s, ids[k], &full);
        for (int r = 0; r < 6; r++) {
            size_t t = 500 + (size_t)rand_r(&seed) % (s->n - 600);
            struct mt_series cut = *s;
            cut.n = t + 1;
            struct mt_setup_outcomes part;
            run_ok(&cut, ids[k], &part);
            int64_t cut_end = s->open_time[t] + 3600000;
            size_t j = 0;
            for (size_t i = 0; i < full.n; i++) {
                const struct mt_setup_outcome *a = &full.v[i];
                if (a->bar > t || a->trade.open_time > cut_end)
                    continue;
                if (a->parent >= 0 && full.v[a->parent].trade.close_time > s->open_time[t])
                    continue; /* a follow-on of a trade still open at the cut */
                assert_true(j < part.n);
                const struct mt_setup_outcome *b = &part.v[j++];
                assert_same_setup(&a->setup, &b->setup);
                if (a->trade.exit != MT_EXIT_CENSORED && a->trade.close_time <= s->open_time[t])
                    assert_memory_equal(&a->trade, &b->trade, sizeof a->trade);
                else
                    assert_int_equal(b->trade.exit, MT_EXIT_CENSORED);
            }
            assert_int_equal(j, part.n);
            mt_setup_outcomes_release(&part);
        }
        mt_setup_outcomes_release(&full);
    }
}

/* On 4h bars made from the 1h fixture, the 1h candles decide the bars that
 * touched both stop and target: the first 1h candle touching one of them. */
static void test_lower_timeframe(void **state)
{
    (void)state;
    const struct mt_series *h1 = fu_btc();
    struct mt_series h4;
    fu_btc_4h(&h4);
    struct mt_err err = {0};
    struct mt_setup_run run = mt_setup_run_default("channel_run:8:mid:edge", MT_TF_4H, 0.0005);
    struct mt_setup_outcomes plain, decided;
    assert_int_equal(mt_setups_backtest(&h4, &run, &plain, &err), 0);
    run.lower = h1;
    assert_int_equal(mt_setups_backtest(&h4, &run, &decided, &err), 0);
    assert_int_equal(plain.n, decided.n);
    size_t ambiguous = 0, by_lower = 0, changed = 0;
    for (size_t i = 0; i < plain.n; i++) {
        const struct mt_trade *a = &plain.v[i].trade, *b = &decided.v[i].trade;
        assert_int_equal(a->ambiguous, b->ambiguous);
        assert_false(a->resolved_by_lower);
        if (!a->ambiguous) {
            assert_int_equal(a->exit, b->exit);
            assert_true(mt_trade_r(a) == mt_trade_r(b));
            continue;
        }
        ambiguous++;
        assert_int_equal(a->exit, MT_EXIT_STOP);
        by_lower += b->resolved_by_lower;
        changed += b->exit != a->exit;
        if (!b->resolved_by_lower)
            continue;
        /* The first 1h candle of the closing 4h bar that touches stop or target decides. */
        size_t k = 0;
        while (h1->open_time[k] < b->close_time)
            k++;
        for (;; k++) {
            bool stop = b->side == MT_LONG ? h1->low[k] <= b->stop : h1->high[k] >= b->stop;
            bool target = b->side == MT_LONG ? h1->high[k] >= b->target : h1->low[k] <= b->target;
            if (stop || target) {
                assert_true(stop != target);
                assert_int_equal(b->exit, target ? MT_EXIT_TARGET : MT_EXIT_STOP);
                break;
            }
        }
    }
    printf("4h channel run: %zu setups, %zu ambiguous bars, %zu decided by 1h candles, %zu exits changed\n", plain.n,
           ambiguous, by_lower, changed);
    assert_true(by_lower > 0);
    mt_setup_outcomes_release(&plain);
    mt_setup_outcomes_release(&decided);
    mt_series_release(&h4);
}

static void test_bad_strategy(void **state)
{
    (void)state;
    struct mt_setup_outcomes o;
    struct mt_setup_run run = mt_setup_run_default("channel_run:0:mid:edge", MT_TF_1H, 0.0005);
    struct mt_err err = {0};
    assert_int_equal(mt_setups_backtest(fu_btc(), &run, &o, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "channel_run:0:mid:edge"));
    assert_int_equal(o.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outcomes_complete),
        cmocka_unit_test(test_matches_manual_replay),
        cmocka_unit_test(test_no_lookahead),
        cmocka_unit_test(test_lower_timeframe),
        cmocka_unit_test(test_bad_strategy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
