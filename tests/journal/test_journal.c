/* The journal on real SQLite files in a temp dir: migrations (fresh, reopened, a newer file refused);
 * a journalled portfolio backtest over real BTCUSDT 1h bars read back equals the in-memory result trade
 * for trade and leg for leg, with the same metrics; the open trades read back restore into a new engine
 * that continues exactly as one uninterrupted run; a kill -9 in the middle of a tick leaves the state of
 * the tick before; a failing SQLite write stops the engine with a clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../features/featutil.h"
#include "journal/journal.h"
#include "sim/portfolio.h"
#include "testutil.h"

static const char *const ids[2] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};
static const char *const btc[1] = {"BTCUSDT"};

struct fixture {
    char *dir;
    char path[512];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = tu_mkdtemp();
    snprintf(f->path, sizeof f->path, "%s/journal.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* One integer from a query on a separate connection (the sqlite3 CLI's view of the file). */
static long long query_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void exec_sql(const char *path, const char *q)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", q, msg);
    sqlite3_close(db);
}

static struct mt_journal *open_journal(const char *path)
{
    struct mt_journal *j;
    struct mt_err err = {0};
    if (mt_journal_open(path, &j, &err))
        fail_msg("%s", err.msg);
    return j;
}

/* The two agents; every real take-profit sells all (tp_full_value), so real trades are followed on
 * as tracked ones too. */
static void agents(struct mt_engine_agent *ag)
{
    struct mt_trade_rules r = mt_trade_rules_default();
    r.tp_full_value = 1e12;
    for (size_t a = 0; a < 2; a++)
        ag[a] = mt_engine_agent_for(ids[a], &r);
}

/* A backtest run of the two agents on BTCUSDT with the engine's settings c. */
static int64_t begin_run(struct mt_journal *j, const struct mt_engine_config *c, const struct mt_engine_agent *ag)
{
    struct mt_journal_run run = {.kind = MT_RUN_BACKTEST, .version = "test", .config_hash = "abc", .started = 1,
                                 .from = INT64_MIN, .to = INT64_MAX, .tf = c->tf, .balance = c->balance,
                                 .costs = c->costs, .limits = c->limits, .one_per_symbol = c->one_per_symbol,
                                 .track_sims = c->track_sims, .agents = ag, .na = 2, .symbols = btc, .ns = 1};
    int64_t id = 0;
    struct mt_err err = {0};
    if (mt_journal_run_begin(j, &run, &id, &err))
        fail_msg("%s", err.msg);
    return id;
}


/* ---- migrations ---- */

static void test_migrations(void **state)
{
    struct fixture *f = *state;
    struct mt_journal *j = open_journal(f->path);
    assert_int_equal(mt_journal_schema(j), MT_JOURNAL_SCHEMA);
    struct mt_engine_config c = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    assert_int_equal(begin_run(j, &c, ag), 1);
    mt_journal_close(j);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), MT_JOURNAL_SCHEMA);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 10);

    /* reopened: nothing migrates again, the run is kept and the next one gets id 2 */
    j = open_journal(f->path);
    assert_int_equal(mt_journal_schema(j), MT_JOURNAL_SCHEMA);
    assert_int_equal(begin_run(j, &c, ag), 2);
    struct mt_err err = {0};
    assert_int_equal(mt_journal_run_end(j, 2, 99, &err), 0);
    assert_int_equal(mt_journal_run_end(j, 3, 99, &err), MT_ENOENT);
    char want[600];
    snprintf(want, sizeof want, "journal %s: no run 3", f->path);
    assert_string_equal(err.msg, want);
    /* ticks do not nest */
    assert_int_equal(mt_journal_begin_tick(j, &err), 0);
    assert_int_equal(mt_journal_begin_tick(j, &err), MT_EINVAL);
    assert_int_equal(mt_journal_rollback_tick(j, &err), 0);
    assert_int_equal(mt_journal_commit_tick(j, &err), MT_EINVAL);
    mt_journal_close(j);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM runs"), 2);
    assert_int_equal(query_int(f->path, "SELECT ended FROM runs WHERE id = 2"), 99);

    /* a file from a newer mtrader is refused, untouched */
    exec_sql(f->path, "PRAGMA user_version = 7");
    struct mt_journal *k = (struct mt_journal *)&err;
    assert_int_equal(mt_journal_open(f->path, &k, &err), MT_EFORMAT);
    assert_null(k);
    snprintf(want, sizeof want, "journal %s: schema version 7 is newer than this mtrader's %d (use a newer mtrader)",
             f->path, MT_JOURNAL_SCHEMA);
    assert_string_equal(err.msg, want);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), 7);

    /* not a database */
    char junk[600];
    snprintf(junk, sizeof junk, "%s/junk.db", f->dir);
    static const char text[] = "this is not a database, just text that is longer than its 100-byte header: "
                               "SQLite reads the first page and finds no magic string";
    tu_write_file(junk, text, sizeof text - 1);
    assert_int_equal(mt_journal_open(junk, &k, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "file is not a database"));
}

/* A schema-1 file (tests/fixtures/journal/schema1.db: a backtest journalled by the mtrader of
 * schema 1, 44 trades of Trail Fractals on the sample's 1d BTC and co.) migrates to the current
 * schema with every row kept and readable, and takes a session's run afterwards. */
static void test_migrates_a_schema1_file(void **state)
{
    struct fixture *f = *state;
    size_t n = 0;
    char *bytes = tu_read_file(tu_fixture("journal/schema1.db"), &n);
    tu_write_file(f->path, bytes, n);
    free(bytes);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), 1);
    assert_int_equal(query_int(f->path, "SELECT round(sum(pnl) * 1e6) FROM trades"), 408493163);
    struct mt_journal *j = open_journal(f->path);
    assert_int_equal(mt_journal_schema(j), MT_JOURNAL_SCHEMA);
    struct mt_position *t = NULL;
    size_t nt = 0;
    struct mt_err err = {0};
    assert_int_equal(mt_journal_trades(j, 1, &t, &nt, &err), 0);
    assert_int_equal(nt, 44);
    double pnl = 0;
    for (size_t i = 0; i < nt; i++)
        pnl += mt_trade_pnl(&t[i].trade);
    assert_true(fabs(pnl - 408.493163) < 1e-6);
    free(t);
    mt_journal_close(j);
    assert_int_equal(query_int(f->path, "PRAGMA user_version"), MT_JOURNAL_SCHEMA);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM trades"), 44);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM legs"), 105);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM decisions"), 360);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM equity"), 61);
    /* schema 3's exposure columns exist and are NULL in the rows written before */
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM equity WHERE positions IS NULL AND open_r IS NULL"),
                     61);
    assert_int_equal(query_int(f->path, "SELECT round(sum(pnl) * 1e6) FROM trades"), 408493163);
    /* the old agents have no name and no timeframe; the new tables are empty */
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM agents WHERE name IS NULL AND timeframe IS NULL"), 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM clocks"), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM ticks"), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_index_list('decisions') WHERE name = "
                                        "'decisions_agent'"), 1);
    /* the rebuilt tables check their enumerations with ORs (an IN builds a table at every write) */
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('trades', 'legs', "
                                        "'decisions') AND sql LIKE '%CHECK (% IN (%'"), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name = 'trades' AND sql LIKE "
                                        "'%CHECK (kind = ''real'' OR kind = ''sim'' OR kind = ''tracked'')%'"), 1);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM pragma_index_list('trades')"), 5);
    /* a new run, with named agents of a timeframe, goes after the old one */
    j = open_journal(f->path);
    struct mt_engine_config c = mt_engine_config_default();
    struct mt_engine_agent ag[2];
    agents(ag);
    assert_int_equal(begin_run(j, &c, ag), 2);
    mt_journal_close(j);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM runs"), 2);
}

/* ---- a journalled backtest read back ---- */

static void portfolio_config(struct mt_portfolio_config *pc, const struct mt_sink *sink)
{
    *pc = mt_portfolio_config_default();
    pc->from = fu_btc()->open_time[400];
    pc->one_per_symbol = false; /* stacked: many trades, several open at once */
    pc->also = sink;
}

static int64_t begin_portfolio_run(struct mt_journal *j, const struct mt_portfolio_config *pc,
                                   const struct mt_engine_agent *ag)
{
    struct mt_engine_config c = mt_engine_config_default();
    c.balance = pc->balance;
    c.costs = pc->costs;
    c.limits = pc->limits;
    c.one_per_symbol = pc->one_per_symbol;
    return begin_run(j, &c, ag);
}

static void test_backtest_reads_back(void **state)
{
    struct fixture *f = *state;
    struct mt_journal *j = open_journal(f->path);
    struct mt_engine_agent ag[2];
    agents(ag);
    struct mt_portfolio_config pc;
    struct mt_sink sink;
    struct mt_err err = {0};
    portfolio_config(&pc, &sink);
    assert_int_equal(mt_journal_begin_tick(j, &err), 0);
    int64_t run = begin_portfolio_run(j, &pc, ag);
    assert_int_equal(mt_journal_sink(j, run, &sink, &err), 0);
    struct mt_portfolio_series ps = {"BTCUSDT", fu_btc(), NULL, NULL, NULL, 0};
    struct mt_portfolio_result res;
    if (mt_portfolio_run(&ps, 1, ag, 2, MT_TF_1H, &pc, &res, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(mt_journal_commit_tick(j, &err), 0);
    mt_journal_close(j);

    j = open_journal(f->path);
    struct mt_position *v;
    size_t n;
    assert_int_equal(mt_journal_trades(j, run, &v, &n, &err), 0);
    printf("%zu trades (%zu real, %zu sim, %zu tracked) read back\n", n, res.real, res.sim, res.tracked);
    assert_int_equal(n, res.n_trades);
    assert_true(res.real > 20 && res.sim > 20 && res.tracked > 5);
    struct mt_trade_result *tr = malloc(n * sizeof *tr);
    assert_non_null(tr);
    size_t n_real = 0, legs = 0, censored = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mt_portfolio_trade *x = &res.trades[i];
        struct mt_position want = {.trade = x->trade, .id = x->id, .parent = x->parent >= 0 ? res.trades[x->parent].id : 0,
                                   .agent = (uint32_t)x->agent, .series = (uint32_t)x->series, .setup = x->setup,
                                   .score = x->score, .sim_reasons = x->sim_reasons};
        tu_assert_same_position(&want, &v[i]);
        legs += v[i].trade.n_legs;
        censored += v[i].trade.exit == MT_EXIT_CENSORED;
        if (v[i].trade.kind == MT_TRADE_REAL)
            tr[n_real++] = mt_trade_result_of(&v[i].trade, MT_TF_1H);
    }
    assert_true(censored > 0);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM legs"), (long long)legs);
    /* every setup is one decision: a trade that is not tracked, or one not followed */
    long long decided = (long long)(res.real + res.sim + res.decisions.untradable + res.decisions.held +
                                    res.decisions.opposite);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM decisions"), decided);
    assert_int_equal(query_int(f->path, "SELECT count(*) FROM trades WHERE state = 'censored'"), (long long)censored);

    struct mt_equity_point *eq;
    size_t ne;
    assert_int_equal(mt_journal_equity(j, run, &eq, &ne, &err), 0);
    assert_int_equal(ne, res.n_equity);
    for (size_t i = 0; i < ne; i++) {
        assert_true(eq[i].time == res.equity[i].time);
        tu_assert_same_double(eq[i].equity, res.equity[i].equity);
    }
    struct mt_metrics m;
    assert_int_equal(mt_metrics_compute(eq, ne, tr, n_real, &m, &err), 0);
    tu_assert_same_metrics(&m, &res.metrics);

    /* the open trades of a run that ended are none; per agent they add up */
    struct mt_position *o;
    size_t no;
    assert_int_equal(mt_journal_open_trades(j, run, -1, &o, &no, &err), 0);
    assert_int_equal(no, 0);
    free(o);
    free(eq);
    free(tr);
    free(v);
    mt_portfolio_result_release(&res);
    mt_journal_close(j);
}

/* ---- restore from the journal ---- */

/* The last state of every trade the engine announced (index id - 1), the open ones flagged. */
struct book {
    size_t n;
    struct mt_position v[16384];
    bool open[16384];
    int events;
    int kill_at; /* the child of the kill test: SIGKILL itself after this many trade events (0: never) */
    const struct mt_sink *also;
};

static int book_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct book *b = ctx;
    int rc = b->also ? b->also->trade(b->also->ctx, ev, p, err) : 0;
    size_t i = (size_t)(p->id - 1);
    assert_true(i < 16384);
    if (i >= b->n)
        b->n = i + 1;
    b->v[i] = *p;
    b->open[i] = ev != MT_EV_CLOSE;
    if (++b->events == b->kill_at)
        raise(SIGKILL); /* in the middle of a tick: the journal has this event uncommitted */
    return rc;
}

static int book_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    struct book *b = ctx;
    return b->also ? b->also->decision(b->also->ctx, d, err) : 0;
}

static int book_equity(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    struct book *b = ctx;
    return b->also ? b->also->equity(b->also->ctx, time, equity, x, err) : 0;
}

static void book_reset(struct book *b, const struct mt_sink *also, int kill_at)
{
    memset(b, 0, sizeof *b);
    b->also = also;
    b->kill_at = kill_at;
}

static struct mt_engine *engine(const struct mt_engine_config *cfg, const struct mt_engine_agent *ag, struct book *b)
{
    struct mt_sink sink = {book_decision, book_trade, book_equity, b, true};
    struct mt_engine *e;
    struct mt_err err = {0};
    if (mt_engine_init(&e, cfg, ag, 2, btc, 1, mt_exec_sim(), &sink, &err))
        fail_msg("%s", err.msg);
    return e;
}

/* Feeds bars [from, to) of BTCUSDT, deciding from decide_from on, each time step one journal tick
 * when j is given. */
static int feed(struct mt_engine *e, struct mt_journal *j, size_t from, size_t to, size_t decide_from,
                struct mt_err *err)
{
    const struct mt_series *s = fu_btc();
    for (size_t i = from; i < to; i++) {
        struct mt_engine_bar bar = {s->open[i], s->high[i], s->low[i], s->close[i], s->volume[i], NULL, NULL, 0, NAN};
        const struct mt_engine_bar *bars[1] = {&bar};
        int rc = j ? mt_journal_begin_tick(j, err) : 0;
        if (rc == 0)
            rc = mt_engine_on_time(e, s->open_time[i], bars, i >= decide_from, err);
        if (rc == 0 && j)
            rc = mt_journal_commit_tick(j, err);
        if (rc)
            return rc;
    }
    return 0;
}

static size_t open_count(const struct book *b)
{
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        k += b->open[i];
    return k;
}

/* A journalled run stops at bar `cut` with trades open; a new process reads them back from the
 * journal, re-warms its strategies on the bars before, restores them and journals on into the same
 * run: every trade in the journal at the end equals one uninterrupted run's. */
static void test_restore_from_journal(void **state)
{
    struct fixture *f = *state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    cfg.one_per_symbol = false;
    struct mt_engine_agent ag[2];
    agents(ag);
    struct mt_err err = {0};
    static struct book whole, first, second;
    book_reset(&whole, NULL, 0);
    book_reset(&first, NULL, 0);
    struct mt_engine *w = engine(&cfg, ag, &whole);
    assert_int_equal(feed(w, NULL, 0, s->n, 0, &err), 0);

    /* the first bar after the middle at which at least three trades are open */
    size_t cut = s->n / 2;
    struct mt_engine *probe = engine(&cfg, ag, &first);
    assert_int_equal(feed(probe, NULL, 0, cut, 0, &err), 0);
    while (open_count(&first) < 3 && cut < s->n)
        assert_int_equal(feed(probe, NULL, cut, cut + 1, 0, &err), 0), cut++;
    mt_engine_free(probe);
    assert_true(cut < s->n);

    struct mt_journal *j = open_journal(f->path);
    int64_t run = begin_run(j, &cfg, ag);
    struct mt_sink js;
    assert_int_equal(mt_journal_sink(j, run, &js, &err), 0);
    book_reset(&first, &js, 0);
    struct mt_engine *e1 = engine(&cfg, ag, &first);
    assert_int_equal(feed(e1, j, 0, cut, 0, &err), 0);
    double balance = mt_engine_balance(e1);
    mt_engine_free(e1); /* a stop: open trades stay open, nothing is censored */
    mt_journal_close(j);

    j = open_journal(f->path);
    struct mt_position *open;
    size_t n_open;
    assert_int_equal(mt_journal_open_trades(j, run, -1, &open, &n_open, &err), 0);
    printf("restart at bar %zu: %zu trades so far, %zu open\n", cut, first.n, n_open);
    assert_int_equal(n_open, open_count(&first));
    for (size_t i = 0, k = 0; i < first.n; i++)
        if (first.open[i])
            tu_assert_same_position(&first.v[i], &open[k++]);
    /* per agent: the same positions, split */
    size_t by_agent = 0;
    for (int64_t a = 0; a < 2; a++) {
        struct mt_position *mine;
        size_t n_mine;
        assert_int_equal(mt_journal_open_trades(j, run, a, &mine, &n_mine, &err), 0);
        for (size_t k = 0; k < n_mine; k++)
            assert_int_equal(mine[k].agent, a);
        by_agent += n_mine;
        free(mine);
    }
    assert_int_equal(by_agent, n_open);

    struct mt_engine_config c2 = cfg;
    c2.balance = balance; /* the journal does not hold the balance: see docs/journal.md */
    c2.first_id = first.n + 1;
    assert_int_equal(mt_journal_sink(j, run, &js, &err), 0);
    book_reset(&second, &js, 0);
    struct mt_engine *e = engine(&c2, ag, &second);
    assert_int_equal(feed(e, NULL, 0, cut, cut, &err), 0); /* re-warm: no trade, nothing decided */
    assert_int_equal(mt_engine_restore(e, open, n_open, &err), 0);
    assert_int_equal(feed(e, j, cut, s->n, cut, &err), 0);
    tu_assert_same_double(mt_engine_equity(e), mt_engine_equity(w));
    mt_engine_free(e);

    struct mt_position *v;
    size_t n;
    assert_int_equal(mt_journal_trades(j, run, &v, &n, &err), 0);
    assert_int_equal(n, whole.n);
    size_t closed_after = 0;
    for (size_t i = 0; i < n; i++) {
        tu_assert_same_position(&whole.v[i], &v[i]);
        closed_after += i < first.n && first.open[i] && !whole.open[i];
    }
    assert_true(closed_after >= 3); /* the restored trades did close after the restart */
    free(v);
    free(open);
    mt_journal_close(j);
    mt_engine_free(w);
}

/* A child journals a run tick by tick and is killed (SIGKILL) in the middle of a tick; the file
 * then holds exactly the trades as they were after the tick before. */
static void test_kill_mid_tick(void **state)
{
    struct fixture *f = *state;
    const struct mt_series *s = fu_btc();
    struct mt_engine_config cfg = mt_engine_config_default();
    cfg.one_per_symbol = false;
    struct mt_engine_agent ag[2];
    agents(ag);
    struct mt_err err = {0};
    static struct book ref, child, snap;
    /* the tick of the 300th trade event of one run, and the state after the tick before */
    const int kill_at = 300;
    book_reset(&ref, NULL, 0);
    struct mt_engine *r = engine(&cfg, ag, &ref);
    size_t kill_tick = 0;
    for (; kill_tick < s->n && ref.events < kill_at; kill_tick++)
        assert_int_equal(feed(r, NULL, kill_tick, kill_tick + 1, 0, &err), 0);
    mt_engine_free(r);
    kill_tick--;
    assert_true(ref.events >= kill_at); /* the kill falls inside that tick, before its commit */
    book_reset(&snap, NULL, 0);
    r = engine(&cfg, ag, &snap);
    assert_int_equal(feed(r, NULL, 0, kill_tick, 0, &err), 0);
    mt_engine_free(r);

    struct mt_journal *j = open_journal(f->path);
    int64_t run = begin_run(j, &cfg, ag);
    mt_journal_close(j);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        j = open_journal(f->path);
        struct mt_sink js;
        if (mt_journal_sink(j, run, &js, &err))
            _exit(3);
        book_reset(&child, &js, kill_at);
        struct mt_engine *e = engine(&cfg, ag, &child);
        feed(e, j, 0, s->n, 0, &err);
        _exit(4); /* not reached: killed at event kill_at */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    j = open_journal(f->path);
    struct mt_position *v;
    size_t n;
    assert_int_equal(mt_journal_trades(j, run, &v, &n, &err), 0);
    printf("killed in tick %zu at event %d: %zu trades journalled, %zu open\n", kill_tick, kill_at, n,
           open_count(&snap));
    assert_int_equal(n, snap.n);
    for (size_t i = 0; i < n; i++)
        tu_assert_same_position(&snap.v[i], &v[i]);
    struct mt_position *o;
    size_t no;
    assert_int_equal(mt_journal_open_trades(j, run, -1, &o, &no, &err), 0);
    assert_int_equal(no, open_count(&snap));
    free(o);
    free(v);
    mt_journal_close(j);
}

/* A write SQLite refuses stops the engine: its error names the journal, the step and SQLite's message. */
static void test_failed_write_stops_the_engine(void **state)
{
    struct fixture *f = *state;
    struct mt_journal *j = open_journal(f->path);
    struct mt_engine_agent ag[2];
    agents(ag);
    struct mt_portfolio_config pc;
    struct mt_sink sink;
    struct mt_err err = {0};
    portfolio_config(&pc, &sink);
    int64_t run = begin_portfolio_run(j, &pc, ag);
    /* another connection makes the file refuse trade 7 */
    exec_sql(f->path, "CREATE TRIGGER full BEFORE INSERT ON trades WHEN NEW.id = 7 "
                      "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    assert_int_equal(mt_journal_sink(j, run, &sink, &err), 0);
    struct mt_portfolio_series ps = {"BTCUSDT", fu_btc(), NULL, NULL, NULL, 0};
    struct mt_portfolio_result res;
    assert_int_equal(mt_portfolio_run(&ps, 1, ag, 2, MT_TF_1H, &pc, &res, &err), MT_EIO);
    char want[700];
    snprintf(want, sizeof want, "journal %s: inserting trade 7: database or disk is full", f->path);
    assert_string_equal(err.msg, want);
    assert_int_equal(res.n_trades, 0);
    mt_journal_close(j);
    assert_int_equal(query_int(f->path, "SELECT max(id) FROM trades"), 6);

}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_a_schema1_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backtest_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_from_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_mid_tick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_stops_the_engine, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
