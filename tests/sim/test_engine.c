/* The engine's seams on real BTCUSDT 1h bars (3623): stable ids and a restart that restores the
 * open trades into a new engine and continues exactly as one run; every decision accounted for;
 * the scorer; executor and sink failures as clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "sim/engine.h"
#include "sim/setups.h"
#include "testutil.h"

static const char *const ids[2] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};
static const char *const btc[1] = {"BTCUSDT"};

/* Every trade as last seen by the sink (index id - 1), the open ones flagged, and the decisions. */
struct book {
    size_t n, cap;
    struct mt_position *v;
    bool *open;
    size_t outcome[5];       /* decisions by outcome */
    size_t low_score;        /* decisions flagged MT_SIM_LOW_SCORE */
    int fail_at;             /* fail the fail_at-th trade event (0: never) */
    int events;
    int64_t max_overlap_bad; /* a real or sim position opened while the agent held one there */
};

static int on_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct book *b = ctx;
    if (b->fail_at && ++b->events == b->fail_at)
        return mt_err_set(err, MT_EIO, "journal full at event %d", b->events);
    size_t i = (size_t)(p->id - 1);
    if (ev == MT_EV_OPEN) {
        assert_int_equal(i, b->n); /* ids grow by one from 1 */
        if (b->n == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 1024;
            b->v = realloc(b->v, b->cap * sizeof *b->v);
            b->open = realloc(b->open, b->cap * sizeof *b->open);
            assert_non_null(b->v);
            assert_non_null(b->open);
        }
        b->n++;
    }
    assert_true(i < b->n);
    b->v[i] = *p;
    b->open[i] = ev != MT_EV_CLOSE;
    return 0;
}

static int on_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    (void)err;
    struct book *b = ctx;
    b->outcome[d->outcome]++;
    b->low_score += (d->sim_reasons & MT_SIM_LOW_SCORE) != 0;
    if (d->outcome == MT_DECIDED_REAL || d->outcome == MT_DECIDED_SIM) {
        /* no other real or sim position of this agent is open on the symbol */
        for (size_t k = 0; k + 1 < b->n; k++)
            if (b->open[k] && b->v[k].agent == d->agent && b->v[k].trade.kind != MT_TRADE_TRACKED &&
                b->v[k].id != d->trade)
                b->max_overlap_bad++;
    }
    return 0;
}

static void book_free(struct book *b)
{
    free(b->v);
    free(b->open);
}

static struct mt_engine *engine(const struct mt_engine_config *cfg, const struct mt_engine_agent *ag, size_t na,
                                struct mt_exec exec, struct book *b)
{
    struct mt_sink sink = {on_decision, on_trade, NULL, b, true};
    struct mt_engine *e;
    struct mt_err err = {0};
    if (mt_engine_init(&e, cfg, ag, na, btc, 1, exec, &sink, &err))
        fail_msg("%s", err.msg);
    return e;
}

/* Feeds bars [from, to) of s; decide from bar `decide_from` on. */
static int feed(struct mt_engine *e, const struct mt_series *s, size_t from, size_t to, size_t decide_from,
                struct mt_err *err)
{
    for (size_t i = from; i < to; i++) {
        struct mt_engine_bar bar = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i], NULL, NULL, 0, NAN};
        const struct mt_engine_bar *bars[1] = {&bar};
        int rc = mt_engine_on_time(e, s->open_time[i], bars, i >= decide_from, err);
        if (rc)
            return rc;
    }
    return 0;
}

static void agents(struct mt_engine_agent *ag)
{
    for (size_t a = 0; a < 2; a++)
        ag[a] = mt_engine_agent_for(ids[a], NULL);
}

/* A restart at bar `cut`: the second engine re-warms its strategies on the bars before it, gets
 * the open trades, the balance and the next id, and continues; every trade ends exactly as in
 * one uninterrupted run. */
static void test_restore_continues_the_run(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    struct book whole = {0}, first = {0}, second = {0};
    struct mt_err err = {0};
    struct mt_engine *w = engine(&cfg, ag, 2, mt_exec_sim(), &whole);
    assert_int_equal(feed(w, s, 0, s->n, 0, &err), 0);

    /* the first bar from the middle on after which two trades are open */
    size_t cut = s->n / 2, n_open = 0;
    double balance = 0;
    struct mt_position open[64];
    for (; n_open < 2 && cut < s->n; cut++) {
        book_free(&first);
        first = (struct book){0};
        struct mt_engine *e1 = engine(&cfg, ag, 2, mt_exec_sim(), &first);
        assert_int_equal(feed(e1, s, 0, cut, 0, &err), 0);
        balance = mt_engine_balance(e1);
        mt_engine_free(e1); /* a stop: open trades stay open, nothing is censored */
        n_open = 0;
        for (size_t k = 0; k < first.n; k++)
            if (first.open[k]) {
                assert_true(n_open < 64);
                open[n_open++] = first.v[k];
            }
    }
    cut--;
    printf("restart at bar %zu: %zu trades so far, %zu open, balance %.2f\n", cut, first.n, n_open, balance);
    assert_int_equal(n_open, 2);
    struct mt_engine *e;

    /* the journal of the new process: what the first one recorded */
    second = first;
    second.v = malloc(first.cap * sizeof *second.v);
    second.open = malloc(first.cap * sizeof *second.open);
    assert_true(second.v && second.open);
    memcpy(second.v, first.v, first.n * sizeof *first.v);
    memcpy(second.open, first.open, first.n * sizeof *first.open);
    struct mt_engine_config c2 = cfg;
    c2.balance = balance;
    c2.first_id = first.n + 1;
    e = engine(&c2, ag, 2, mt_exec_sim(), &second);
    /* re-warm the strategies (no trade yet, nothing decided), then the open trades come back */
    assert_int_equal(feed(e, s, 0, cut, cut, &err), 0);
    assert_int_equal(mt_engine_restore(e, open, n_open, &err), 0);
    assert_int_equal(mt_engine_followed(e, 0), n_open);
    assert_int_equal(mt_engine_restore(e, open, 1, &err), MT_EINVAL);
    char want[64];
    snprintf(want, sizeof want, "engine restore: trade %llu twice", (unsigned long long)open[0].id);
    assert_string_equal(err.msg, want);
    assert_int_equal(feed(e, s, cut, s->n, cut, &err), 0);

    assert_int_equal(second.n, whole.n);
    size_t closed_after = 0;
    for (size_t k = 0; k < whole.n; k++) {
        const struct mt_position *x = &whole.v[k], *y = &second.v[k];
        assert_true(x->id == y->id && x->parent == y->parent && x->agent == y->agent);
        assert_int_equal(x->trade.kind, y->trade.kind);
        assert_int_equal(x->trade.exit, y->trade.exit);
        assert_true(x->trade.close_time == y->trade.close_time);
        assert_int_equal(x->trade.n_legs, y->trade.n_legs);
        tu_assert_same_double(x->trade.stop, y->trade.stop);
        tu_assert_same_double(x->trade.realized, y->trade.realized);
        for (size_t g = 0; g < x->trade.n_legs; g++)
            tu_assert_same_double(x->trade.legs[g].price, y->trade.legs[g].price);
        assert_int_equal(whole.open[k], second.open[k]);
        closed_after += k < first.n && first.open[k] && !second.open[k];
    }
    assert_true(closed_after >= 2); /* restored trades did close after the restart */
    tu_assert_same_double(mt_engine_balance(e), mt_engine_balance(w));
    tu_assert_same_double(mt_engine_equity(e), mt_engine_equity(w));
    /* the decisions too: the copy of the first process's counts plus the second's equal one run's */
    for (int k = 0; k < 5; k++)
        assert_int_equal(second.outcome[k], whole.outcome[k]);
    mt_engine_free(e);
    mt_engine_free(w);
    book_free(&whole);
    book_free(&first);
    book_free(&second);
}

/* In account mode with the original's routing every setup of the setup backtest is one decision
 * (real, sim, untradable, held or opposite), and an agent never holds two real or sim positions on
 * the symbol. */
static void test_every_setup_decided_once(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    struct book b = {0};
    struct mt_err err = {0};
    struct mt_engine *e = engine(&cfg, ag, 2, mt_exec_sim(), &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), 0);
    size_t setups = 0;
    for (size_t a = 0; a < 2; a++) {
        struct mt_setup_outcomes o;
        struct mt_setup_run run = mt_setup_run_default(ids[a], MT_TF_1H, cfg.costs.spread);
        assert_int_equal(mt_setups_backtest(s, &run, &o, &err), 0);
        setups += o.untradable;
        for (size_t i = 0; i < o.n; i++)
            setups += o.v[i].parent < 0;
        mt_setup_outcomes_release(&o);
    }
    size_t decided = 0;
    for (int k = 0; k < 5; k++)
        decided += b.outcome[k];
    printf("%zu setups: %zu real, %zu sim, %zu untradable, %zu held, %zu opposite\n", setups,
           b.outcome[MT_DECIDED_REAL], b.outcome[MT_DECIDED_SIM], b.outcome[MT_DECIDED_UNTRADABLE],
           b.outcome[MT_DECIDED_HELD], b.outcome[MT_DECIDED_OPPOSITE]);
    assert_int_equal(decided, setups);
    assert_int_equal(b.outcome[MT_DECIDED_HELD], mt_engine_stats(e)->held);
    assert_int_equal(b.outcome[MT_DECIDED_OPPOSITE], mt_engine_stats(e)->opposite);
    assert_true(b.outcome[MT_DECIDED_REAL] > 0 && b.outcome[MT_DECIDED_HELD] > 0 && b.outcome[MT_DECIDED_OPPOSITE] > 0);
    assert_int_equal(b.max_overlap_bad, 0);
    mt_engine_free(e);
    book_free(&b);
}

/* Scores shorts 0.3 (below the default min_score 0.6) and longs 1; `bad` gives 2 instead. */
static int score_side(void *ctx, uint32_t agent, uint32_t series, const struct mt_setup *x, const float *row, size_t n,
                      double *score, struct mt_err *err)
{
    (void)agent, (void)series, (void)row, (void)n, (void)err;
    *score = *(const bool *)ctx ? 2 : x->side < 0 ? 0.3 : 1;
    return 0;
}

static void test_scorer(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    bool bad = false;
    for (size_t a = 0; a < 2; a++)
        ag[a].scorer = (struct mt_scorer){score_side, &bad};
    struct book b = {0};
    struct mt_err err = {0};
    struct mt_engine *e = engine(&cfg, ag, 2, mt_exec_sim(), &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), 0);
    size_t shorts = 0;
    for (size_t k = 0; k < b.n; k++) {
        const struct mt_position *p = &b.v[k];
        if (p->trade.kind == MT_TRADE_TRACKED)
            continue;
        tu_assert_same_double(p->score, p->trade.side == MT_SHORT ? 0.3 : 1);
        assert_int_equal((p->sim_reasons & MT_SIM_LOW_SCORE) != 0, p->trade.side == MT_SHORT);
        assert_true(p->trade.side == MT_LONG || p->trade.kind == MT_TRADE_SIM);
        shorts += p->trade.side == MT_SHORT;
    }
    assert_true(shorts > 0);
    assert_int_equal(b.low_score, shorts);
    mt_engine_free(e);
    book_free(&b);
    bad = true;
    b = (struct book){0};
    e = engine(&cfg, ag, 2, mt_exec_sim(), &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), MT_EINVAL);
    assert_string_equal(err.msg, "engine: the scorer of agent trail_fractals:5:2 gave 2 on BTCUSDT (expected [0, 1])");
    mt_engine_free(e);
    book_free(&b);
}

/* An executor that rejects the n-th bar step of a real trade, or every open. */
struct failing {
    int on_bar_left;
    bool reject_open;
};

static int fail_open(void *ctx, struct mt_position *p, struct mt_err *err)
{
    (void)p;
    return ((struct failing *)ctx)->reject_open ? mt_err_set(err, MT_EIO, "insufficient balance") : 0;
}

static int fail_on_bar(void *ctx, struct mt_position *p, int64_t time, const struct mt_engine_bar *b,
                       const struct mt_costs *costs, const struct mt_trade_rules *rules, struct mt_err *err)
{
    struct failing *f = ctx;
    if (--f->on_bar_left == 0)
        return mt_err_set(err, MT_EIO, "order %llu rejected", (unsigned long long)p->id);
    mt_trade_step(&p->trade, time, b->open, b->high, b->low, b->close, costs, rules, b->lower);
    return 0;
}

static int fail_move_stop(void *ctx, struct mt_position *p, double stop, struct mt_err *err)
{
    (void)ctx, (void)err;
    mt_trade_move_stop(&p->trade, stop);
    return 0;
}

static void test_seam_failures(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    static const struct mt_exec_ops ops = {fail_open, fail_on_bar, fail_move_stop};
    struct failing f = {.on_bar_left = 10};
    struct book b = {0};
    struct mt_err err = {0};
    struct mt_engine *e = engine(&cfg, ag, 2, (struct mt_exec){&ops, &f}, &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), MT_EIO);
    assert_non_null(strstr(err.msg, "engine: executor on BTCUSDT: order "));
    assert_non_null(strstr(err.msg, " rejected"));
    assert_int_equal(feed(e, s, s->n - 1, s->n, 0, &err), MT_EINVAL);
    assert_string_equal(err.msg, "engine: used after a failed step");
    mt_engine_free(e);
    book_free(&b);

    f = (struct failing){.reject_open = true};
    b = (struct book){0};
    e = engine(&cfg, ag, 2, (struct mt_exec){&ops, &f}, &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), MT_EIO);
    assert_string_equal(err.msg, "engine: executor opening on BTCUSDT: insufficient balance");
    mt_engine_free(e);
    book_free(&b);

    b = (struct book){.fail_at = 5};
    e = engine(&cfg, ag, 2, mt_exec_sim(), &b);
    assert_int_equal(feed(e, s, 0, s->n, 0, &err), MT_EIO);
    assert_string_equal(err.msg, "journal full at event 5");
    mt_engine_free(e);
    book_free(&b);
}

/* Bad configs and agents are named. */
static void test_config_errors(void **state)
{
    (void)state;
    struct mt_engine_config cfg = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    struct mt_engine *e;
    struct mt_err err = {0};
    ag[1].rules.tp_fraction = 0;
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 2, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "agent trail_fractals:5:2: tp_fraction = 0 must be in (0, 1]");
    assert_null(e);
    agents(ag);
    ag[0].limits.min_score = 1.5;
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 2, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "agent channel_run:200:mid:edge: min_score = 1.5 must be in [0, 1]");
    agents(ag);
    cfg.balance = -1;
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 2, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "engine: balance = -1 must be finite and > 0");
    cfg = mt_engine_config_default();
    cfg.costs.slippage = 0.2;
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 2, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "costs: slippage = 0.2 must be in [0, 0.1]");
    cfg = mt_engine_config_default();
    cfg.first_id = 0;
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 2, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
    assert_int_equal(mt_engine_init(&e, &cfg, ag, 0, btc, 1, mt_exec_sim(), NULL, &err), MT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restore_continues_the_run),
        cmocka_unit_test(test_every_setup_decided_once),
        cmocka_unit_test(test_scorer),
        cmocka_unit_test(test_seam_failures),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
