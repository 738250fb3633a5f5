/* The session (live/session.h) on real stores and journals in a temp dir:
 *   - a replay of two 1h agents on two symbols journals exactly the portfolio
 *     backtest's trades (every field, legs, ids, parents), equity and metrics;
 *   - a replay stopped after k ticks, closed and continued journals exactly
 *     what an uninterrupted one does (trades, legs, decisions, equity, clocks,
 *     ticks), for k = 1, 50 and a cut with open trades, and with older bars
 *     stored meanwhile (it warms up from the journalled first bar), and with
 *     two timeframe groups;
 *   - 1h and 4h groups share the account's position limit: every 4h decision's
 *     outcome follows the positions counted independently from the journal,
 *     and a 4h setup sim only because of the 1h trades is real without them;
 *     an agent's own position and open-risk limits likewise;
 *   - ranked pairs (top 1 by 1-day quote volume) follow hand-set volumes known
 *     at each bar's close, switching on the bar the ranking changes, never
 *     looking one bar ahead, and a young pair waits for min_history_days;
 *   - a long-only agent decides no short (the engine's off_side counts them);
 *   - mt_engine_open_pnl_r on known open trades and the automatic cap from it;
 *   - a second tick at the same clock time does nothing;
 *   - with a deployed model, a replay's scores (streaming features) equal
 *     the batch backtest's bit for bit, low scores become sims, a restart
 *     scores the same, and a model of other feature columns is refused.
 * The second symbol "ETHUSDT" is real BTCUSDT candles of 700 bars later,
 * scaled by 0.07 (prices and volumes of a different stretch of market). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "core/clock.h"
#include "journal/journal.h"
#include "live/agent.h"
#include "live/session.h"
#include "ml/train.h"
#include "sim/portfolio.h"
#include "store/resample.h"
#include "store/store.h"
#include "testutil.h"

#define HOUR INT64_C(3600000)
#define NBARS 1200 /* bars of each stored 1h series */

struct fixture {
    char *dir;
    char data[512];
    struct mt_series btc, eth; /* the stored 1h series */
};

static struct mt_candle candle_of(const struct mt_series *s, size_t i)
{
    struct mt_candle c;
    mt_series_get(s, i, &c);
    return c;
}

static void append(struct mt_series *s, const struct mt_candle *c)
{
    struct mt_err err = {0};
    if (mt_series_append(s, c, &err))
        fail_msg("%s", err.msg);
}

static void store_put(const char *data, const char *symbol, enum mt_tf tf, const struct mt_series *s)
{
    struct mt_merge_report rep;
    struct mt_err err = {0};
    if (mt_store_merge(data, symbol, tf, s, MT_MERGE_NEWER_WINS, &rep, &err))
        fail_msg("%s", err.msg);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = tu_mkdtemp();
    snprintf(f->data, sizeof f->data, "%s/data", f->dir);
    const struct mt_series *b = fu_btc();
    mt_series_init(&f->btc, MT_F_OHLCV | MT_F_QUOTE_VOLUME);
    mt_series_init(&f->eth, MT_F_OHLCV | MT_F_QUOTE_VOLUME);
    for (size_t i = 0; i < NBARS; i++) {
        struct mt_candle c = candle_of(b, i), d = candle_of(b, i + 700);
        assert_true(b->open_time[i + 1] - b->open_time[i] == HOUR); /* contiguous: no outage in these */
        append(&f->btc, &c);
        d.open_time = c.open_time;
        d.open *= 0.07, d.high *= 0.07, d.low *= 0.07, d.close *= 0.07;
        append(&f->eth, &d);
    }
    store_put(f->data, "BTCUSDT", MT_TF_1H, &f->btc);
    store_put(f->data, "ETHUSDT", MT_TF_1H, &f->eth);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    mt_series_release(&f->btc);
    mt_series_release(&f->eth);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static const char *journal_path(const struct fixture *f, const char *name)
{
    static char path[2][600];
    static int at;
    at ^= 1;
    snprintf(path[at], sizeof path[at], "%s/%s.db", f->dir, name);
    return path[at];
}

/* ---- agents and sessions ---- */

static struct mt_agent_spec agent(const char *id, const char *strategy, const char *tf, const char *symbols)
{
    struct mt_agent_spec s;
    mt_agent_spec_init(&s);
    snprintf(s.id, sizeof s.id, "%s", id);
    snprintf(s.strategy, sizeof s.strategy, "%s", strategy);
    snprintf(s.timeframe, sizeof s.timeframe, "%s", tf);
    if (symbols)
        snprintf(s.pairs.symbols, sizeof s.pairs.symbols, "%s", symbols);
    s.risk = 0.005;
    s.max_positions = 3;
    s.max_open_r = 5.1;
    return s;
}

static void resolve(struct mt_agent_spec *a, size_t n)
{
    struct mt_err err = {0};
    if (mt_agent_specs_resolve(a, n, "test", &err))
        fail_msg("%s", err.msg);
}

static const char *const strategies[2] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};

/* A replay of agents a[0 .. na) over the fixture's store, bars [450, 1150) decided. */
static struct mt_session_config replay_config(const struct fixture *f, const struct mt_agent_spec *a, size_t na,
                                              const char *journal)
{
    struct mt_session_config c = mt_session_config_default();
    c.kind = MT_RUN_REPLAY;
    c.data_dir = f->data;
    c.journal_path = journal;
    c.version = "test";
    c.agents = a;
    c.na = na;
    c.from = f->btc.open_time[450];
    c.to = f->btc.open_time[1150];
    return c;
}

static struct mt_session *open_session(const struct mt_session_config *c)
{
    struct mt_session *s = NULL;
    struct mt_err err = {0};
    if (mt_session_open(c, &s, &err))
        fail_msg("%s", err.msg);
    return s;
}

/* The whole replay of c (its clock a virtual one at c.from); returns the summary. */
static struct mt_session_summary replay(struct mt_session_config c)
{
    struct mt_vclock vc;
    mt_vclock_init(&vc, c.from);
    c.clock = &vc.clock;
    struct mt_session *s = open_session(&c);
    struct mt_session_summary sum;
    struct mt_err err = {0};
    if (mt_session_replay(s, &vc, NULL, &sum, &err))
        fail_msg("%s", err.msg);
    mt_session_close(s);
    return sum;
}

/* ---- reading the journal with SQLite ---- */

/* Every row of query q on the file at path as text, doubles in hex (exact), one row a line. */
static char *dump(const char *path, const char *q, size_t *rows)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = '\0';
    *rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int k = 0; k < sqlite3_column_count(st); k++) {
            char cell[200];
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_INTEGER: snprintf(cell, sizeof cell, "%lld|", (long long)sqlite3_column_int64(st, k)); break;
            case SQLITE_FLOAT: snprintf(cell, sizeof cell, "%a|", sqlite3_column_double(st, k)); break;
            case SQLITE_NULL: snprintf(cell, sizeof cell, "null|"); break;
            default: snprintf(cell, sizeof cell, "%.190s|", (const char *)sqlite3_column_text(st, k)); break;
            }
            size_t n = strlen(cell);
            if (len + n + 2 > cap) {
                cap *= 2;
                out = realloc(out, cap);
                assert_non_null(out);
            }
            memcpy(out + len, cell, n + 1);
            len += n;
        }
        out[len++] = '\n';
        out[len] = '\0';
        (*rows)++;
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static long long query_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", q, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* What a run journals, without the wall clock: trades, legs, decisions, equity, clocks, ticks. */
static const char *const run_tables[] = {
    "SELECT * FROM trades ORDER BY run, id",
    "SELECT * FROM legs ORDER BY run, trade, idx",
    "SELECT * FROM decisions ORDER BY id",
    "SELECT * FROM equity ORDER BY run, time",
    "SELECT * FROM clocks ORDER BY run, timeframe",
    "SELECT run, time, bars, decisions, opened, closed FROM ticks ORDER BY run, time",
};

/* Asserts journals a and b hold the same run; returns the rows of each table. */
static void assert_same_journal(const char *a, const char *b, size_t *rows)
{
    for (size_t t = 0; t < sizeof run_tables / sizeof run_tables[0]; t++) {
        size_t ra, rb;
        char *x = dump(a, run_tables[t], &ra), *y = dump(b, run_tables[t], &rb);
        if (strcmp(x, y) != 0)
            fail_msg("%s differs (%zu vs %zu rows)", run_tables[t], ra, rb);
        rows[t] = ra;
        free(x);
        free(y);
    }
}

/* ---- 1. replay parity with the portfolio backtest ---- */


static void two_agents(struct mt_agent_spec *a)
{
    a[0] = agent("cr", strategies[0], "1h", "BTCUSDT,ETHUSDT");
    a[1] = agent("tf", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    for (size_t k = 0; k < 2; k++)
        a[k].tp_full_value = 1e12; /* a take-profit sells all: real trades are followed on as tracked ones */
    resolve(a, 2);
}

/* The portfolio backtest's config that a replay of c matches. */
static struct mt_portfolio_config portfolio_config_of(const struct mt_session_config *c)
{
    struct mt_portfolio_config pc = mt_portfolio_config_default();
    pc.balance = c->balance;
    pc.limits = c->limits;
    pc.costs = c->costs;
    pc.from = c->from;
    pc.to = c->to;
    pc.one_per_symbol = c->one_per_symbol;
    pc.track_sims = c->track_sims;
    return pc;
}

/* Opens the journal at path and checks that run 1 holds res's trades exactly, as
 * the engine left them (scores and parents too); returns the journal (the
 * caller closes it) and its trades in *v (the caller frees them). */
static struct mt_journal *journal_holds_portfolio(const char *path, const struct mt_portfolio_result *res,
                                                  struct mt_position **v)
{
    struct mt_journal *j;
    struct mt_err err = {0};
    if (mt_journal_open(path, &j, &err))
        fail_msg("%s", err.msg);
    size_t n;
    assert_int_equal(mt_journal_trades(j, 1, v, &n, &err), 0);
    assert_int_equal(n, res->n_trades);
    for (size_t i = 0; i < n; i++) {
        const struct mt_portfolio_trade *x = &res->trades[i];
        struct mt_position want = {.trade = x->trade, .id = x->id,
                                   .parent = x->parent >= 0 ? res->trades[x->parent].id : 0,
                                   .agent = (uint32_t)x->agent, .series = (uint32_t)x->series, .setup = x->setup,
                                   .score = x->score, .sim_reasons = x->sim_reasons};
        tu_assert_same_position(&want, &(*v)[i]);
    }
    return j;
}

static void test_replay_equals_portfolio(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    two_agents(a);
    const char *jp = journal_path(f, "parity");
    struct mt_session_config c = replay_config(f, a, 2, jp);
    c.limits.max_positions = 2; /* the account's cap makes sims */
    struct mt_session_summary sum = replay(c);

    struct mt_engine_agent ea[2];
    struct mt_trade_rules rules = mt_trade_rules_default();
    rules.tp_full_value = 1e12;
    for (size_t k = 0; k < 2; k++) {
        ea[k] = mt_engine_agent_for(strategies[k], &rules);
        ea[k].limits.risk = 0.005;
        ea[k].limits.max_positions = 3;
        ea[k].limits.max_open_r = 5.1;
    }
    struct mt_portfolio_config pc = portfolio_config_of(&c);
    struct mt_portfolio_series ps[2] = {{"BTCUSDT", &f->btc, NULL, NULL, NULL, 0},
                                        {"ETHUSDT", &f->eth, NULL, NULL, NULL, 0}};
    struct mt_portfolio_result res;
    struct mt_err err = {0};
    if (mt_portfolio_run(ps, 2, ea, 2, MT_TF_1H, &pc, &res, &err))
        fail_msg("%s", err.msg);
    printf("portfolio: %zu trades (%zu real, %zu sim, %zu tracked), %zu equity points\n", res.n_trades, res.real,
           res.sim, res.tracked, res.n_equity);
    assert_true(res.real > 10 && res.sim > 5 && res.tracked > 0);

    struct mt_position *v;
    struct mt_journal *j = journal_holds_portfolio(jp, &res, &v);
    size_t n = res.n_trades;
    struct mt_trade_result *tr = malloc(n * sizeof *tr);
    assert_non_null(tr);
    size_t n_real = 0, censored = 0, parents = 0;
    for (size_t i = 0; i < n; i++) {
        censored += v[i].trade.exit == MT_EXIT_CENSORED;
        parents += v[i].parent != 0;
        if (v[i].trade.kind == MT_TRADE_REAL)
            tr[n_real++] = mt_trade_result_of(&v[i].trade, MT_TF_1H);
    }
    assert_true(censored > 0 && parents > 0);
    assert_int_equal(n_real, res.real);
    assert_int_equal(sum.opened, res.n_trades);

    struct mt_equity_point *eq;
    size_t ne;
    assert_int_equal(mt_journal_equity(j, 1, &eq, &ne, &err), 0);
    assert_int_equal(ne, res.n_equity);
    for (size_t i = 0; i < ne; i++) {
        assert_true(eq[i].time == res.equity[i].time);
        if (eq[i].equity != res.equity[i].equity)
            fail_msg("equity point %zu at %lld: journal %.17g, portfolio %.17g", i, (long long)eq[i].time,
                     eq[i].equity, res.equity[i].equity);
    }
    struct mt_metrics m;
    assert_int_equal(mt_metrics_compute(eq, ne, tr, n_real, &m, &err), 0);
    tu_assert_same_metrics(&m, &res.metrics);
    /* the balance is what the real trades' fills realized (a censored trade's mark is not a fill) */
    double realized = c.balance;
    for (size_t i = 0; i < n; i++)
        realized += v[i].trade.kind == MT_TRADE_REAL ? v[i].trade.realized : 0;
    tu_assert_close(sum.balance, realized, 1e-6);
    /* every setup is one decision */
    long long decided = (long long)(res.real + res.sim + res.decisions.untradable + res.decisions.held +
                                    res.decisions.opposite);
    assert_int_equal(query_int(jp, "SELECT count(*) FROM decisions"), decided);
    assert_int_equal(sum.decisions, (size_t)decided);
    free(eq);
    free(tr);
    free(v);
    mt_journal_close(j);
    mt_portfolio_result_release(&res);
}

/* ---- 2. a replay stopped and continued ---- */

static void test_restart_continues_exactly(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    two_agents(a);
    const char *whole = journal_path(f, "whole");
    char whole_path[600];
    snprintf(whole_path, sizeof whole_path, "%s", whole);
    replay(replay_config(f, a, 2, whole_path));

    static const size_t cuts[] = {1, 50, 333};
    size_t open_at_cut[3] = {0};
    for (size_t q = 0; q < 3; q++) {
        char name[32];
        snprintf(name, sizeof name, "cut%zu", cuts[q]);
        const char *jp = journal_path(f, name);
        struct mt_session_config c = replay_config(f, a, 2, jp);
        struct mt_vclock vc;
        mt_vclock_init(&vc, c.from);
        c.clock = &vc.clock;
        struct mt_session *s = open_session(&c);
        struct mt_err err = {0};
        for (size_t k = 0; k < cuts[q]; k++) {
            mt_vclock_set(&vc, mt_session_next_wake(s));
            struct mt_session_summary sum;
            if (mt_session_tick(s, &sum, &err))
                fail_msg("%s", err.msg);
            assert_int_equal(sum.bars, 1);
        }
        struct mt_session_summary st;
        mt_session_state(s, &st);
        open_at_cut[q] = st.open_real;
        mt_session_close(s);
        /* followed trades at the cut, and the journal agrees */
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM trades WHERE state = 'open' AND kind = 'real'");
        assert_int_equal(query_int(jp, sql), (long long)open_at_cut[q]);

        struct mt_vclock vc2;
        mt_vclock_init(&vc2, mt_clock_now(&vc.clock));
        c.clock = &vc2.clock;
        s = open_session(&c);
        assert_int_equal(mt_session_run_id(s), 1); /* continued, not begun again */
        mt_session_state(s, &st);
        assert_int_equal(st.open_real, open_at_cut[q]);
        struct mt_session_summary sum;
        if (mt_session_replay(s, &vc2, NULL, &sum, &err))
            fail_msg("%s", err.msg);
        mt_session_close(s);
        size_t rows[6];
        assert_same_journal(whole_path, jp, rows);
        printf("cut %zu: %zu trades, %zu legs, %zu decisions, %zu equity points, %zu clocks, %zu ticks\n", cuts[q],
               rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]);
        assert_true(rows[0] > 20 && rows[1] > rows[0] && rows[2] > 20 && rows[3] == 701 && rows[4] == 1 &&
                    rows[5] == 700);
    }
    assert_true(open_at_cut[2] > 0); /* the middle cut has open real trades */
    printf("open real trades at the cuts: %zu %zu %zu\n", open_at_cut[0], open_at_cut[1], open_at_cut[2]);
}

/* Stores the fixture's 1h bars [lo, hi) of both symbols into data. */
static void store_range(const struct fixture *f, const char *data, size_t lo, size_t hi)
{
    const struct mt_series *one[2] = {&f->btc, &f->eth};
    const char *sym[2] = {"BTCUSDT", "ETHUSDT"};
    for (size_t k = 0; k < 2; k++) {
        struct mt_series part;
        mt_series_init(&part, one[k]->fields);
        for (size_t i = lo; i < hi; i++) {
            struct mt_candle c = candle_of(one[k], i);
            append(&part, &c);
        }
        store_put(data, sym[k], MT_TF_1H, &part);
        mt_series_release(&part);
    }
}

/* Older bars stored meanwhile do not change a continued run: it warms up from
 * the journalled first bar, as the uninterrupted run did. */
static void test_restart_warms_from_the_same_bar(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    two_agents(a);
    char data_w[600], data_c[600], whole[600], cut[600], full[600];
    snprintf(data_w, sizeof data_w, "%s/w", f->dir);
    snprintf(data_c, sizeof data_c, "%s/c", f->dir);
    snprintf(whole, sizeof whole, "%s", journal_path(f, "late-whole"));
    snprintf(cut, sizeof cut, "%s", journal_path(f, "late-cut"));
    snprintf(full, sizeof full, "%s", journal_path(f, "late-full"));
    store_range(f, data_w, 100, NBARS);
    store_range(f, data_c, 100, NBARS);
    struct mt_session_config c = replay_config(f, a, 2, whole);
    c.data_dir = data_w;
    replay(c);

    c = replay_config(f, a, 2, cut);
    c.data_dir = data_c;
    struct mt_vclock vc;
    mt_vclock_init(&vc, c.from);
    c.clock = &vc.clock;
    struct mt_session *s = open_session(&c);
    struct mt_err err = {0};
    for (size_t k = 0; k < 20; k++) {
        mt_vclock_set(&vc, mt_session_next_wake(s));
        if (mt_session_tick(s, NULL, &err))
            fail_msg("%s", err.msg);
    }
    mt_session_close(s);
    store_range(f, data_c, 0, 100); /* the older bars arrive */
    struct mt_vclock vc2;
    mt_vclock_init(&vc2, mt_clock_now(&vc.clock));
    c.clock = &vc2.clock;
    s = open_session(&c);
    if (mt_session_replay(s, &vc2, NULL, NULL, &err))
        fail_msg("%s", err.msg);
    mt_session_close(s);
    size_t rows[6];
    assert_same_journal(whole, cut, rows);
    assert_int_equal(query_int(cut, "SELECT warm_from FROM clocks"), f->btc.open_time[100]);

    /* a run begun on all the bars warms from bar 0 and trades differently: the check above can fail */
    c = replay_config(f, a, 2, full);
    c.data_dir = data_c;
    replay(c);
    assert_int_equal(query_int(full, "SELECT warm_from FROM clocks"), f->btc.open_time[0]);
    size_t ra, rb;
    char *x = dump(whole, run_tables[0], &ra), *y = dump(full, run_tables[0], &rb);
    assert_true(strcmp(x, y) != 0);
    free(x);
    free(y);
}

/* ---- 7. a tick twice at the same time ---- */

static void test_tick_twice_is_idempotent(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    two_agents(a);
    const char *jp = journal_path(f, "twice");
    struct mt_session_config c = replay_config(f, a, 2, jp);
    struct mt_vclock vc;
    mt_vclock_init(&vc, c.from);
    c.clock = &vc.clock;
    struct mt_session *s = open_session(&c);
    struct mt_err err = {0};
    struct mt_session_summary sum;
    for (int k = 0; k < 40; k++) {
        mt_vclock_set(&vc, mt_session_next_wake(s));
        if (mt_session_tick(s, &sum, &err))
            fail_msg("%s", err.msg);
        assert_int_equal(sum.bars, 1);
    }
    char *before[6];
    size_t rows;
    for (size_t t = 0; t < 6; t++)
        before[t] = dump(jp, run_tables[t], &rows);
    int64_t wake = mt_session_next_wake(s);
    assert_true(wake > mt_clock_now(&vc.clock));
    if (mt_session_tick(s, &sum, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sum.bars, 0);
    assert_int_equal(sum.ticks, 0);
    assert_int_equal(sum.decisions, 0);
    assert_int_equal(sum.opened + sum.closed, 0);
    assert_true(mt_session_next_wake(s) == wake);
    for (size_t t = 0; t < 6; t++) {
        char *after = dump(jp, run_tables[t], &rows);
        assert_string_equal(before[t], after);
        free(after);
        free(before[t]);
    }
    mt_session_close(s);
}

/* ---- 8. a paper session rereads the store for bars that closed after its last read ---- */

/* mtrader run --no-sync: opened (and the store read) at one close, ticking at a later one while
 * another process appends the candles: the new bars are processed, none is missing. */
static void test_paper_rereads_the_store(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    two_agents(a);
    char data[600];
    snprintf(data, sizeof data, "%s/p", f->dir);
    store_range(f, data, 0, 800);
    const char *jp = journal_path(f, "paper");
    struct mt_session_config c = mt_session_config_default();
    c.data_dir = data;
    c.journal_path = jp;
    c.version = "test";
    c.agents = a;
    c.na = 2;
    c.grace_ms = 0;
    struct mt_vclock vc;
    mt_vclock_init(&vc, f->btc.open_time[799] + HOUR); /* bar 799 just closed */
    c.clock = &vc.clock;
    struct mt_session *s = open_session(&c);
    struct mt_session_summary sum;
    struct mt_err err = {0};
    if (mt_session_tick(s, &sum, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sum.bars, 1);
    assert_int_equal(sum.missing, 0);
    mt_session_close(s);

    s = open_session(&c); /* the daemon restarts, reads the store, then sleeps */
    store_range(f, data, 800, 803); /* meanwhile another process downloads three bars */
    mt_vclock_set(&vc, f->btc.open_time[802] + HOUR);
    if (mt_session_tick(s, &sum, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(sum.bars, 3);
    assert_int_equal(sum.missing, 0);
    mt_session_close(s);
    assert_int_equal(query_int(jp, "SELECT count(*) FROM clocks WHERE last_bar = fed"), 1);
    assert_int_equal(query_int(jp, "SELECT fed FROM clocks"), f->btc.open_time[802]);

}

/* ---- 3. timeframe groups sharing the account, and an agent's own limits ---- */

/* A decision row: id, time, agent, symbol, outcome, sim_reasons. */
struct drow {
    long long id, time, agent, reasons;
    char symbol[16], side[8], outcome[12];
};

static size_t decisions(const char *path, const char *where, struct drow **out)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char q[400];
    snprintf(q, sizeof q, "SELECT id, time, agent, symbol, side, outcome, sim_reasons FROM decisions %s ORDER BY id",
             where);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    size_t n = 0, cap = 0;
    struct drow *v = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        struct drow *d = &v[n++];
        d->id = sqlite3_column_int64(st, 0);
        d->time = sqlite3_column_int64(st, 1);
        d->agent = sqlite3_column_int64(st, 2);
        snprintf(d->symbol, sizeof d->symbol, "%s", (const char *)sqlite3_column_text(st, 3));
        snprintf(d->side, sizeof d->side, "%s", (const char *)sqlite3_column_text(st, 4));
        snprintf(d->outcome, sizeof d->outcome, "%s", (const char *)sqlite3_column_text(st, 5));
        d->reasons = sqlite3_column_int64(st, 6);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    *out = v;
    return n;
}

/* Real trades of agent `agent` open when a decision at close C is taken:
 * opened before C (or at C, when opened_at_c: by the group that went first;
 * the deciding agent's own trades opened at C are counted by earlier_real) and
 * whose closing bar had not been processed: a fill carries its bar's open time
 * b, which the groups deciding at C have processed when b < C (the 1h bar
 * opening at C closes after C; a 4h one processed at b + 4h > C when b >= C). */
static long long open_real(const char *path, long long agent, long long C, bool opened_at_c)
{
    char q[400];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM trades WHERE kind = 'real' AND agent = %lld AND open_time %s %lld AND "
             "close_time >= %lld",
             agent, opened_at_c ? "<=" : "<", C, C);
    return query_int(path, q);
}

/* Earlier real decisions of agent at time t in the same step. */
static long long earlier_real(const char *path, long long agent, long long t, long long id)
{
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM decisions WHERE agent = %lld AND time = %lld AND id < %lld AND outcome = 'real'",
             agent, t, id);
    return query_int(path, q);
}

static void write_4h(const struct fixture *f)
{
    const struct mt_series *one[2] = {&f->btc, &f->eth};
    const char *sym[2] = {"BTCUSDT", "ETHUSDT"};
    for (size_t k = 0; k < 2; k++) {
        struct mt_series four;
        mt_series_init(&four, 0);
        struct mt_resample_report rep;
        struct mt_err err = {0};
        if (mt_resample(one[k], MT_TF_1H, MT_TF_4H, NULL, &four, &rep, &err))
            fail_msg("%s", err.msg);
        assert_int_equal(four.n, NBARS / 4);
        store_put(f->data, sym[k], MT_TF_4H, &four);
        mt_series_release(&four);
    }
}

static void test_groups_share_the_account(void **state)
{
    struct fixture *f = *state;
    write_4h(f);
    struct mt_agent_spec a[2];
    a[0] = agent("h1", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    a[1] = agent("h4", strategies[1], "4h", "BTCUSDT,ETHUSDT");
    for (size_t k = 0; k < 2; k++)
        a[k].max_positions = 100, a[k].max_open_r = 1000;
    resolve(a, 2);
    const char *both = journal_path(f, "groups");
    char both_path[600];
    snprintf(both_path, sizeof both_path, "%s", both);
    struct mt_session_config c = replay_config(f, a, 2, both_path);
    c.limits.max_positions = 3;
    c.limits.max_open_r = 1000;
    replay(c);

    /* every 4h decision taken or simmed: the account's positions, counted from the journal */
    struct drow *d;
    size_t n = decisions(both_path, "WHERE agent = 1 AND outcome IN ('real', 'sim')", &d);
    size_t real = 0, full = 0, by_1h = 0;
    long long first_by_1h = -1;
    for (size_t i = 0; i < n; i++) {
        long long C = d[i].time + 4 * HOUR;
        long long h1 = open_real(both_path, 0, C, true);       /* the 1h bar closing at C went first */
        long long h4 = open_real(both_path, 1, C, false) + earlier_real(both_path, 1, d[i].time, d[i].id);
        bool over = h1 + h4 >= 3;
        assert_int_equal(!!(d[i].reasons & MT_SIM_TOO_MANY_POSITIONS), over);
        assert_int_equal(d[i].reasons & ~(unsigned)MT_SIM_TOO_MANY_POSITIONS, 0);
        assert_string_equal(d[i].outcome, over ? "sim" : "real");
        real += !over;
        full += over;
        if (over && h4 < 3 && h1 > 0) {
            by_1h++;
            if (first_by_1h < 0)
                first_by_1h = (long long)i;
        }
    }
    printf("4h decisions: %zu real, %zu sim at the account's cap (%zu because of 1h trades)\n", real, full, by_1h);
    assert_true(real > 3 && by_1h > 0);
    /* and the 1h agent's, which sees the 4h trades opened before its bar (the 4h group goes after it) */
    struct drow *e;
    size_t ne = decisions(both_path, "WHERE agent = 0 AND outcome IN ('real', 'sim')", &e);
    size_t e_full = 0;
    for (size_t i = 0; i < ne; i++) {
        long long C = e[i].time + HOUR;
        long long h1 = open_real(both_path, 0, C, false) + earlier_real(both_path, 0, e[i].time, e[i].id);
        /* a 4h trade closing in the bar [b, b + 4h) is processed at b + 4h, after a 1h bar closing then */
        char q[300];
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM trades WHERE kind = 'real' AND agent = 1 AND open_time < %lld AND "
                 "close_time + %lld >= %lld",
                 C, (long long)(4 * HOUR), C);
        long long h4 = query_int(both_path, q);
        bool over = h1 + h4 >= 3;
        assert_int_equal(!!(e[i].reasons & MT_SIM_TOO_MANY_POSITIONS), over);
        assert_string_equal(e[i].outcome, over ? "sim" : "real");
        e_full += over;
    }
    printf("1h decisions: %zu, %zu of them sim at the account's cap\n", ne, e_full);
    assert_true(ne > 20);

    /* without the 1h agent, the first 4h setup simmed because of the 1h trades is taken */
    const char *alone = journal_path(f, "alone");
    struct mt_session_config c4 = replay_config(f, &a[1], 1, alone);
    c4.limits = c.limits;
    replay(c4);
    struct drow *g;
    char where[200];
    snprintf(where, sizeof where, "WHERE time = %lld AND symbol = '%s' AND side = '%s'", d[first_by_1h].time,
             d[first_by_1h].symbol, d[first_by_1h].side);
    assert_int_equal(decisions(alone, where, &g), 1);
    assert_string_equal(g[0].outcome, "real");
    assert_int_equal(g[0].reasons, 0);
    free(g);
    free(e);
    free(d);
}

/* A run of two groups stopped after k ticks and continued: both clocks, balances and the one id
 * counter come back (the same journal as the uninterrupted run's). */
static void test_restart_two_groups(void **state)
{
    struct fixture *f = *state;
    write_4h(f);
    struct mt_agent_spec a[2];
    a[0] = agent("h1", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    a[1] = agent("h4", strategies[1], "4h", "BTCUSDT,ETHUSDT");
    resolve(a, 2);
    char whole[600];
    snprintf(whole, sizeof whole, "%s", journal_path(f, "groups-whole"));
    struct mt_session_config c = replay_config(f, a, 2, whole);
    c.limits.max_positions = 3;
    replay(c);
    static const size_t cuts[] = {77, 210};
    for (size_t q = 0; q < 2; q++) {
        char name[32];
        snprintf(name, sizeof name, "groups-cut%zu", cuts[q]);
        c.journal_path = journal_path(f, name);
        struct mt_vclock vc;
        mt_vclock_init(&vc, c.from);
        c.clock = &vc.clock;
        struct mt_session *s = open_session(&c);
        struct mt_err err = {0};
        for (size_t k = 0; k < cuts[q]; k++) {
            mt_vclock_set(&vc, mt_session_next_wake(s));
            if (mt_session_tick(s, NULL, &err))
                fail_msg("%s", err.msg);
        }
        struct mt_session_summary st;
        mt_session_state(s, &st);
        mt_session_close(s);
        struct mt_vclock vc2;
        mt_vclock_init(&vc2, mt_clock_now(&vc.clock));
        c.clock = &vc2.clock;
        s = open_session(&c);
        if (mt_session_replay(s, &vc2, NULL, NULL, &err))
            fail_msg("%s", err.msg);
        mt_session_close(s);
        size_t rows[6];
        assert_same_journal(whole, c.journal_path, rows);
        printf("cut %zu (%zu open real): %zu trades, %zu decisions, %zu clocks\n", cuts[q], st.open_real, rows[0],
               rows[2], rows[4]);
        assert_true(st.open_real > 0);
        assert_int_equal(rows[4], 2);
    }
    assert_int_equal(query_int(whole, "SELECT count(DISTINCT agent) FROM trades WHERE kind = 'real'"), 2);
}

static void test_agent_limits(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[2];
    a[0] = agent("one", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    a[0].max_positions = 1;
    a[0].max_open_r = 1000;
    a[1] = agent("half", strategies[0], "1h", "BTCUSDT,ETHUSDT");
    a[1].max_open_r = 0.5; /* a new trade's 1 R is already over it */
    resolve(a, 2);
    const char *jp = journal_path(f, "limits");
    struct mt_session_config c = replay_config(f, a, 2, jp);
    c.one_per_symbol = false; /* stacked: the agent's own cap decides */
    c.limits.max_positions = 1000;
    c.limits.max_open_r = 1e6;
    replay(c);
    struct drow *d;
    size_t n = decisions(jp, "WHERE agent = 0", &d), real = 0, capped = 0;
    for (size_t i = 0; i < n; i++) {
        long long C = d[i].time + HOUR;
        long long own = open_real(jp, 0, C, false) + earlier_real(jp, 0, d[i].time, d[i].id);
        bool over = own >= 1;
        assert_int_equal(d[i].reasons, over ? MT_SIM_TOO_MANY_POSITIONS_AGENT : 0);
        assert_string_equal(d[i].outcome, over ? "sim" : "real");
        real += !over;
        capped += over;
    }
    assert_true(real > 5 && capped > 5);
    free(d);
    n = decisions(jp, "WHERE agent = 1", &d);
    assert_true(n > 5);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(d[i].outcome, "sim");
        assert_int_equal(d[i].reasons, MT_SIM_OPEN_RISK_AGENT);
    }
    free(d);
}

/* The engine alone with a fixed outside: its decisions over BTCUSDT's bars [0, NBARS), deciding from 450. */
/* ---- an engine alone over the fixture's BTCUSDT ---- */

/* An engine of the one agent ea over BTCUSDT with cfg and sink; fails the test on an error. */
static struct mt_engine *btc_engine(const struct mt_engine_agent *ea, const struct mt_engine_config *cfg,
                                    const struct mt_sink *sink)
{
    struct mt_engine *e;
    struct mt_err err = {0};
    const char *const btc[1] = {"BTCUSDT"};
    if (mt_engine_init(&e, cfg, ea, 1, btc, 1, mt_exec_sim(), sink, &err))
        fail_msg("%s", err.msg);
    return e;
}

/* Gives e BTCUSDT's bar i, deciding from bar 450 on (as the replays do). */
static void btc_bar(const struct fixture *f, struct mt_engine *e, size_t i)
{
    struct mt_engine_bar bar = {f->btc.open[i], f->btc.high[i], f->btc.low[i], f->btc.close[i],
                                f->btc.volume[i], NULL, NULL, 0, NAN};
    const struct mt_engine_bar *bars[1] = {&bar};
    struct mt_err err = {0};
    if (mt_engine_on_time(e, f->btc.open_time[i], bars, i >= 450, &err))
        fail_msg("%s", err.msg);
}

struct decided {
    size_t n, real;
    int64_t time[2048];
    double size[2048];
    unsigned reasons[2048];
    enum mt_decision_outcome outcome[2048];
};

static int keep_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    (void)err;
    struct decided *v = ctx;
    assert_true(v->n < 2048);
    v->time[v->n] = d->time;
    v->size[v->n] = d->size;
    v->reasons[v->n] = d->sim_reasons;
    v->outcome[v->n++] = d->outcome;
    v->real += d->outcome == MT_DECIDED_REAL;
    return 0;
}

static void engine_outside(const struct fixture *f, const struct mt_engine_outside *o, struct decided *v)
{
    struct mt_engine_agent ea = mt_engine_agent_for(strategies[1], NULL);
    struct mt_engine_config cfg = mt_engine_config_default();
    memset(v, 0, sizeof *v);
    struct mt_sink sink = {keep_decision, NULL, NULL, v, false};
    struct mt_engine *e = btc_engine(&ea, &cfg, &sink);
    for (size_t i = 0; i < NBARS; i++) {
        mt_engine_set_outside(e, o);
        btc_bar(f, e, i);
    }
    mt_engine_free(e);
}

/* What the outside adds: its pnl to the equity that sizes trades, its positions and open risk to the account's. */
static void test_engine_outside(void **state)
{
    struct fixture *f = *state;
    static struct decided alone, richer, full, risky;
    struct mt_engine_outside o = {0};
    engine_outside(f, &o, &alone);
    assert_true(alone.real > 10);
    o.pnl = 10000; /* the other engines doubled the account: every size doubles (the first exactly; later
                      the doubled trades' fees and pnl round differently) */
    engine_outside(f, &o, &richer);
    assert_int_equal(richer.n, alone.n);
    for (size_t k = 0; k < alone.n; k++) {
        assert_true(richer.time[k] == alone.time[k]);
        assert_int_equal(richer.outcome[k], alone.outcome[k]);
        tu_assert_close(richer.size[k], 2 * alone.size[k], 1e-12 * alone.size[k]);
    }
    size_t first = 0;
    while (alone.outcome[first] != MT_DECIDED_REAL)
        first++;
    tu_assert_same_double(richer.size[first], 2 * alone.size[first]);
    struct mt_account_limits lim = mt_account_limits_default();
    o = (struct mt_engine_outside){.exposure = {.positions = lim.max_positions}};
    engine_outside(f, &o, &full); /* the account is full: nothing real */
    o = (struct mt_engine_outside){.exposure = {.open_r = lim.max_open_r - 0.5}};
    engine_outside(f, &o, &risky); /* 1 R more is over the account's open risk */
    const struct decided *w[2] = {&full, &risky};
    const unsigned why[2] = {MT_SIM_TOO_MANY_POSITIONS, MT_SIM_OPEN_RISK_ACCOUNT};
    for (size_t q = 0; q < 2; q++) {
        assert_int_equal(w[q]->real, 0);
        size_t sims = 0;
        for (size_t k = 0; k < w[q]->n; k++) {
            if (w[q]->outcome[k] != MT_DECIDED_SIM)
                continue;
            assert_int_equal(w[q]->reasons[k], why[q]);
            sims++;
        }
        assert_true(sims >= alone.real);
    }
}

/* ---- 4. ranked pairs ---- */

/* Four symbols with BTCUSDT's first bars as prices (so their setups come at
 * the same times) and hand-set quote volumes per bar:
 *   AAAUSDT 100; BBBUSDT 50, 300 from bar spike; CCCUSDT 10 and 10000 on the
 *   single bar cbar; DDDUSDT (from bar young) 1e6.
 * 1-day sums at bar i (bars i-23 .. i): A 2400; B 1200 + 250 m after m spike
 * bars (over A from m = 5), then 7200; C 230 + 9990 while cbar is among them
 * (over B); D 24e6 once it has 2 days of history. */
#define PAIR_BARS 700
struct volumes {
    size_t spike, cbar, young;
};

static double volume_at(const struct volumes *v, size_t sym, size_t i)
{
    switch (sym) {
    case 0: return 100;
    case 1: return i >= v->spike ? 300 : 50;
    case 2: return i == v->cbar ? 10000 : 10;
    default: return 1e6;
    }
}

static void test_pairs_follow_the_ranking(void **state)
{
    struct fixture *f = *state;
    const struct mt_series *b = fu_btc();
    /* the strategy's setup times on these prices */
    struct mt_strategy st;
    struct mt_err err = {0};
    assert_int_equal(mt_strategy_parse(strategies[1], MT_TF_1H, 0.0005, &st, &err), 0);
    static struct mt_setup x[PAIR_BARS];
    size_t nx = mt_strategy_run(&st, b, 0, PAIR_BARS, x, PAIR_BARS);
    mt_strategy_release(&st);
    /* the spike starts 3 bars before a setup bar T: at T B's sum is 2200 < 2400, with bar T + 1 it would be 2450 */
    size_t T = 0;
    for (size_t k = 0; k < nx && !T; k++) {
        size_t i = (size_t)((x[k].time - b->open_time[0]) / HOUR);
        if (i >= 200)
            T = i;
    }
    assert_true(T >= 200 && T < 300);
    struct volumes v = {T - 3, 0, 480};
    /* C's spike bar: the bar after a setup bar (at or after T + 30), where it is not yet known */
    for (size_t k = 0; k < nx && !v.cbar; k++) {
        size_t i = (size_t)((x[k].time - b->open_time[0]) / HOUR);
        if (i >= T + 30)
            v.cbar = i + 1;
    }
    assert_true(v.cbar > 0 && v.cbar + 24 < v.young);

    char data[600];
    snprintf(data, sizeof data, "%s/pairs", f->dir);
    static const char *const sym[4] = {"AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT"};
    for (size_t s = 0; s < 4; s++) {
        struct mt_series out;
        mt_series_init(&out, MT_F_OHLCV | MT_F_QUOTE_VOLUME);
        for (size_t i = s == 3 ? v.young : 0; i < PAIR_BARS; i++) {
            struct mt_candle c = candle_of(b, i);
            c.quote_volume = volume_at(&v, s, i);
            c.volume = c.quote_volume / c.close;
            append(&out, &c);
        }
        store_put(data, sym[s], MT_TF_1H, &out);
        mt_series_release(&out);
    }
    struct mt_agent_spec a = agent("top", strategies[1], "1h", NULL);
    a.pairs.top = 1;
    a.pairs.min_history_days = 2;
    a.max_positions = 100;
    a.max_open_r = 1000;
    resolve(&a, 1);
    struct mt_session_config c = mt_session_config_default();
    c.kind = MT_RUN_REPLAY;
    c.data_dir = data;
    const char *jp = journal_path(f, "pairs");
    c.journal_path = jp;
    c.agents = &a;
    c.na = 1;
    c.from = b->open_time[100];
    c.to = b->open_time[PAIR_BARS - 20];
    replay(c);

    /* the expected top at each bar, from the volumes of the bars closed at its close */
    struct drow *d;
    size_t n = decisions(jp, "", &d);
    size_t on[4] = {0};
    bool at_t = false, at_cbar = false;
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)((d[k].time - b->open_time[0]) / HOUR);
        size_t best = 4;
        double best_v = -1;
        for (size_t s = 0; s < 4; s++) {
            size_t first = s == 3 ? v.young : 0;
            if (i < first || (i + 1 - first) * HOUR < 2 * 24 * HOUR)
                continue; /* not 2 days of history at this bar's close */
            double sum = 0;
            for (size_t j = i >= 23 ? i - 23 : 0; j <= i; j++)
                sum += j >= first ? volume_at(&v, s, j) : 0;
            if (sum > best_v)
                best = s, best_v = sum;
        }
        assert_string_equal(d[k].symbol, sym[best]);
        on[best]++;
        at_t |= i == T;
        at_cbar |= i == v.cbar - 1;
    }
    printf("decisions on A %zu, B %zu, C %zu, D %zu (spike at %zu, T %zu, C's bar %zu, D from %zu)\n", on[0], on[1],
           on[2], on[3], v.spike, T, v.cbar, v.young);
    assert_true(at_t && at_cbar); /* the bars just before a change were decided, on the old top */
    assert_true(on[0] > 0 && on[1] > 0 && on[3] > 0);
    /* D, the biggest, is not taken before it has 2 days of history */
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM decisions WHERE symbol = 'DDDUSDT' AND time < %lld",
             (long long)b->open_time[v.young + 47]);
    assert_int_equal(query_int(jp, q), 0);
    snprintf(q, sizeof q, "SELECT count(*) FROM decisions WHERE symbol <> 'DDDUSDT' AND time >= %lld",
             (long long)b->open_time[v.young + 47]);
    assert_int_equal(query_int(jp, q), 0);
    free(d);
}

/* ---- 5. sides ---- */

struct counts {
    size_t side[2]; /* long, short decisions */
};

static int count_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    (void)err;
    struct counts *c = ctx;
    c->side[d->setup->side < 0]++;
    return 0;
}

/* Decisions of one agent of strategy id with sides over BTCUSDT's 1h bars [0, NBARS). */
static size_t engine_sides(const struct fixture *f, unsigned sides, struct counts *c)
{
    struct mt_engine_agent ea = mt_engine_agent_for(strategies[1], NULL);
    ea.sides = sides;
    struct mt_engine_config cfg = mt_engine_config_default();
    memset(c, 0, sizeof *c);
    struct mt_sink sink = {count_decision, NULL, NULL, c, false};
    struct mt_engine *e = btc_engine(&ea, &cfg, &sink);
    for (size_t i = 0; i < NBARS; i++)
        btc_bar(f, e, i);
    size_t off = mt_engine_stats(e)->off_side;
    mt_engine_free(e);
    return off;
}

static void test_sides(void **state)
{
    struct fixture *f = *state;
    struct counts both, lo, sh;
    assert_int_equal(engine_sides(f, MT_SIDES_BOTH, &both), 0);
    assert_true(both.side[0] > 10 && both.side[1] > 10);
    assert_int_equal(engine_sides(f, MT_SIDES_LONG, &lo), both.side[1]);
    assert_int_equal(lo.side[0], both.side[0]);
    assert_int_equal(lo.side[1], 0);
    assert_int_equal(engine_sides(f, MT_SIDES_SHORT, &sh), both.side[0]);
    assert_int_equal(sh.side[0], 0);
    assert_int_equal(sh.side[1], both.side[1]);

    /* in the session: a long-only agent's decisions, beside a both-sides one */
    struct mt_agent_spec a[2];
    a[0] = agent("long", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    snprintf(a[0].sides, sizeof a[0].sides, "long");
    a[1] = agent("both", strategies[1], "1h", "BTCUSDT,ETHUSDT");
    resolve(a, 2);
    const char *jp = journal_path(f, "sides");
    replay(replay_config(f, a, 2, jp));
    assert_int_equal(query_int(jp, "SELECT count(*) FROM decisions WHERE agent = 0 AND side = 'short'"), 0);
    long long longs = query_int(jp, "SELECT count(*) FROM decisions WHERE agent = 0 AND side = 'long'");
    assert_true(longs > 10);
    assert_int_equal(longs, query_int(jp, "SELECT count(*) FROM decisions WHERE agent = 1 AND side = 'long'"));
    assert_true(query_int(jp, "SELECT count(*) FROM decisions WHERE agent = 1 AND side = 'short'") > 10);
    assert_int_equal(query_int(jp, "SELECT count(*) FROM agents WHERE sides = 'long' AND idx = 0"), 1);
}

/* ---- 6. the open pnl in R and the automatic cap ---- */

struct book {
    struct mt_position open[64];
    size_t n;
};

static int book_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    (void)err;
    struct book *b = ctx;
    if (p->trade.kind != MT_TRADE_REAL)
        return 0;
    size_t k = 0;
    while (k < b->n && b->open[k].id != p->id)
        k++;
    if (ev == MT_EV_CLOSE) {
        assert_true(k < b->n);
        memmove(&b->open[k], &b->open[k + 1], (b->n - k - 1) * sizeof b->open[0]);
        b->n--;
        return 0;
    }
    if (k == b->n) {
        assert_true(b->n < 64);
        b->n++;
    }
    b->open[k] = *p;
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_open_pnl_r_and_auto_cap(void **state)
{
    struct fixture *f = *state;
    struct mt_engine_agent ea = mt_engine_agent_for(strategies[1], NULL);
    ea.limits.max_positions = 100;
    ea.limits.max_open_r = 1000;
    struct mt_engine_config cfg = mt_engine_config_default();
    cfg.one_per_symbol = false;
    cfg.limits.max_positions = 100;
    cfg.limits.max_open_r = 1000;
    struct book bk = {.n = 0};
    struct mt_sink sink = {NULL, book_trade, NULL, &bk, true};
    struct mt_engine *e = btc_engine(&ea, &cfg, &sink);
    size_t seen_pos = 0, seen_neg = 0, checks = 0;
    for (size_t i = 0; i < NBARS; i++) {
        btc_bar(f, e, i);
        double r[64];
        size_t n = mt_engine_open_pnl_r(e, 0, r, 64);
        assert_int_equal(n, bk.n);
        if (n == 0)
            continue;
        double want[64];
        for (size_t k = 0; k < n; k++) { /* in the order opened: the book's */
            const struct mt_trade *t = &bk.open[k].trade;
            double side = t->side == MT_LONG ? 1 : -1;
            double unreal = side * (f->btc.close[i] - t->entry) * t->size;
            want[k] = unreal / (t->init_size * fabs(t->entry - t->init_stop));
            tu_assert_close(r[k], want[k], 1e-9 * fmax(1, fabs(want[k])));
        }
        qsort(want, n, sizeof *want, cmp_d);
        double median = n % 2 ? want[n / 2] : (want[n / 2 - 1] + want[n / 2]) / 2;
        int cap = mt_agent_max_positions(median);
        assert_int_equal(cap, median > 0 ? 3 : 2);
        seen_pos += median > 0;
        seen_neg += median <= 0;
        checks += n >= 2;
    }
    assert_true(seen_pos > 10 && seen_neg > 10 && checks > 10);
    assert_int_equal(mt_agent_max_positions(NAN), 3);
    mt_engine_free(e);
}

/* The automatic cap as the engine applies it: at an agent's first decision of a bar, 2 when the
 * median open pnl R of its open real trades (at that bar's close, after they met it) is <= 0,
 * else 3; every decision of that bar is a sim for too many positions exactly when the positions
 * held before it reach that cap. */
struct cap_check {
    struct mt_engine *e;
    int64_t t;
    int cap;
    size_t decided[4]; /* [cap 2 or 3][sim for too many or not] */
};

static int cap_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    (void)err;
    struct cap_check *c = ctx;
    assert_true(d->outcome == MT_DECIDED_REAL || d->outcome == MT_DECIDED_SIM ||
                d->outcome == MT_DECIDED_UNTRADABLE);
    if (d->outcome == MT_DECIDED_UNTRADABLE)
        return 0;
    double r[64];
    size_t n = mt_engine_open_pnl_r(c->e, 0, r, 64);
    assert_true(n < 64);
    size_t before = n - (d->outcome == MT_DECIDED_REAL); /* a new real trade is the last opened */
    if (d->time != c->t) {
        c->t = d->time;
        double v[64];
        memcpy(v, r, before * sizeof *v);
        qsort(v, before, sizeof *v, cmp_d);
        double median = before == 0 ? NAN : before % 2 ? v[before / 2] : (v[before / 2 - 1] + v[before / 2]) / 2;
        c->cap = mt_agent_max_positions(median);
    }
    bool too_many = (d->sim_reasons & MT_SIM_TOO_MANY_POSITIONS_AGENT) != 0;
    assert_int_equal(too_many, before + 1 > (size_t)c->cap);
    c->decided[(c->cap == 3) * 2 + too_many]++;
    return 0;
}

static void test_auto_cap_decides(void **state)
{
    struct fixture *f = *state;
    struct mt_engine_agent ea = mt_engine_agent_for(strategies[1], NULL);
    ea.limits.auto_positions = true;
    ea.limits.max_open_r = 1000;
    struct mt_engine_config cfg = mt_engine_config_default();
    cfg.one_per_symbol = false;
    cfg.limits.max_positions = 100;
    cfg.limits.max_open_r = 1000;
    struct cap_check c = {.t = INT64_MIN};
    struct mt_sink sink = {cap_decision, NULL, NULL, &c, false};
    c.e = btc_engine(&ea, &cfg, &sink);
    for (size_t i = 0; i < NBARS; i++)
        btc_bar(f, c.e, i);
    printf("auto cap: cap 2: %zu taken, %zu sims for it; cap 3: %zu taken, %zu sims for it\n", c.decided[0],
           c.decided[1], c.decided[2], c.decided[3]);
    for (int k = 0; k < 4; k++)
        assert_true(c.decided[k] > 5); /* both caps bind and both let trades through */
    mt_engine_free(c.e);
}

/* ---- 13. models: the session scores like the batch backtest ---- */

static const struct mt_series *fixture_series[2];

static int fixture_load(void *ctx, size_t i, struct mt_series *out, struct mt_err *err)
{
    (void)ctx;
    return mt_series_slice(out, fixture_series[i], 0, fixture_series[i]->n, err);
}

/* Trains agent x on the fixture's two series into dir and deploys the booster
 * whatever the gate said (the test needs a model to score with). */
static void train_and_deploy(const struct fixture *f, const struct mt_agent_spec *x, const struct mt_fset *fs,
                             const char *dir)
{
    fixture_series[0] = &f->btc;
    fixture_series[1] = &f->eth;
    const char *symbols[] = {"BTCUSDT", "ETHUSDT"};
    struct mt_engine_agent ea = mt_agent_engine(x);
    struct mt_trainset_spec spec = {.strategy_id = x->strategy, .tf = x->tf, .sides = x->side_mask,
                                    .symbols = symbols, .n_symbols = 2, .load = fixture_load, .rules = ea.rules,
                                    .costs = mt_costs_default(), .fset = fs, .from = INT64_MIN, .to = INT64_MAX};
    struct mt_trainset ts;
    struct mt_err err = {0};
    if (mt_trainset_build(&spec, &ts, &err))
        fail_msg("%s", err.msg);
    struct mt_train_opts o = mt_train_opts_default();
    o.trials = 3;
    o.folds = 3;
    o.shuffled = 1;
    o.importance_repeats = 1;
    o.gate.resamples = 200;
    struct mt_train_agent ta = {x->id, x->strategy, x->timeframe, x->sides, "test"};
    struct mt_train_result r;
    if (mt_train(&ts, fs, x->tf, &ta, &o, dir, "20230101T000000Z", NULL, NULL, &r, &err))
        fail_msg("%s", err.msg);
    printf("model: %zu rows, %zu selected, test auc %.3f, threshold %.4f, gate %s\n", r.rows, r.n_selected,
           r.test.auc, r.threshold, mt_gate_decision_name(r.gate.decision));
    if (mt_model_deploy(dir, x->id, "20230101T000000Z", MT_MODEL_BOOSTER, "test", &err))
        fail_msg("%s", err.msg);
    mt_trainset_release(&ts);
}

static void test_models_score_alike(void **state)
{
    struct fixture *f = *state;
    struct mt_agent_spec a[1] = {agent("tf", strategies[1], "1h", "BTCUSDT,ETHUSDT")};
    resolve(a, 1);
    struct mt_fset fs;
    struct mt_err err = {0};
    assert_int_equal(mt_fset_default(&fs, &err), 0);
    char models[600];
    snprintf(models, sizeof models, "%s/models", f->dir);
    train_and_deploy(f, &a[0], &fs, models);

    /* the replay: streaming features at each bar, the warm-up's included */
    const char *jp = journal_path(f, "models");
    char whole[600];
    snprintf(whole, sizeof whole, "%s", jp);
    struct mt_session_config c = replay_config(f, a, 1, whole);
    c.models_dir = models;
    c.features = &fs;
    replay(c);

    /* the batch backtest with the same model */
    struct mt_model m;
    bool loaded;
    assert_int_equal(mt_model_open_deployed(models, "tf", a[0].strategy, MT_TF_1H, "both", &fs, &m, &loaded, &err), 0);
    assert_true(loaded);
    struct mt_engine_agent ea = mt_agent_engine(&a[0]);
    ea.scorer = mt_model_scorer(&m);
    ea.limits.min_score = m.threshold;
    struct mt_portfolio_config pc = portfolio_config_of(&c);
    pc.features = &fs;
    struct mt_portfolio_series ps[2] = {{"BTCUSDT", &f->btc, NULL, NULL, NULL, 0},
                                        {"ETHUSDT", &f->eth, NULL, NULL, NULL, 0}};
    struct mt_portfolio_result res;
    if (mt_portfolio_run(ps, 2, &ea, 1, MT_TF_1H, &pc, &res, &err))
        fail_msg("%s", err.msg);
    struct mt_position *v;
    struct mt_journal *j = journal_holds_portfolio(whole, &res, &v); /* the scores too, bit for bit */
    size_t n = res.n_trades;
    size_t low = 0, scored = 0;
    double lo = 2, hi = -1;
    for (size_t i = 0; i < n; i++) {
        low += (v[i].sim_reasons & MT_SIM_LOW_SCORE) != 0;
        if (v[i].parent == 0) {
            scored++;
            lo = fmin(lo, v[i].score), hi = fmax(hi, v[i].score);
        }
    }
    printf("models: %zu trades, %zu scored in [%.4f, %.4f], %zu sim for a low score; threshold %.4f\n", n, scored, lo,
           hi, low, m.threshold);
    assert_true(low > 0 && low < scored && hi > lo);
    free(v);
    mt_journal_close(j);
    mt_portfolio_result_release(&res);

    /* a replay stopped and continued scores the same: the features re-warm from the first bar */
    const char *cut = journal_path(f, "models_cut");
    struct mt_session_config cc = replay_config(f, a, 1, cut);
    cc.models_dir = models;
    cc.features = &fs;
    struct mt_vclock vc;
    mt_vclock_init(&vc, cc.from);
    cc.clock = &vc.clock;
    struct mt_session *s = open_session(&cc);
    for (size_t k = 0; k < 200; k++) {
        mt_vclock_set(&vc, mt_session_next_wake(s));
        struct mt_session_summary sum;
        if (mt_session_tick(s, &sum, &err))
            fail_msg("%s", err.msg);
    }
    mt_session_close(s);
    struct mt_vclock vc2;
    mt_vclock_init(&vc2, mt_clock_now(&vc.clock));
    cc.clock = &vc2.clock;
    s = open_session(&cc);
    struct mt_session_summary sum;
    if (mt_session_replay(s, &vc2, NULL, &sum, &err))
        fail_msg("%s", err.msg);
    mt_session_close(s);
    size_t rows[6];
    assert_same_journal(whole, cut, rows);

    /* a model trained on other columns is refused at open, naming the agent */
    const char other[] = "{\"features\": [{\"indicator\": \"rsi\", \"period\": 14}]}";
    struct mt_fset fs2;
    assert_int_equal(mt_fset_parse(other, sizeof other - 1, "other", &fs2, &err), 0);
    struct mt_session_config bad = replay_config(f, a, 1, journal_path(f, "models_bad"));
    bad.models_dir = models;
    bad.features = &fs2;
    struct mt_session *sb = NULL;
    assert_int_equal(mt_session_open(&bad, &sb, &err), MT_EINVAL);
    assert_null(sb);
    assert_non_null(strstr(err.msg, "tf: model tf/20230101T000000Z was trained on other feature columns"));
    mt_fset_release(&fs2);
    mt_model_release(&m);
    mt_fset_release(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replay_equals_portfolio, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_continues_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_warms_from_the_same_bar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_twice_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_share_the_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_two_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agent_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pairs_follow_the_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_pnl_r_and_auto_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_cap_decides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paper_rereads_the_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_models_score_alike, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
