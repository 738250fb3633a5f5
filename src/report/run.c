/* Reading one journalled run for the report (see run.h). */
#include "report/run.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "journal/journal.h"
#include "journal/query.h"
#include "live/agent.h"

/* ---- columns by name ---- */

/* The index of column name in c, or -1 when the file's table lacks it. */
static int col_of(const struct mt_jq_cursor *c, const char *name)
{
    for (size_t i = 0; i < mt_jq_cursor_ncols(c); i++)
        if (strcmp(mt_jq_cursor_column(c, i)->name, name) == 0)
            return (int)i;
    return -1;
}

static double get_real(const struct mt_jq_cursor *c, int k)
{
    return k < 0 || mt_jq_cursor_null(c, (size_t)k) ? NAN : mt_jq_cursor_real(c, (size_t)k);
}

static int64_t get_int(const struct mt_jq_cursor *c, int k, int64_t missing)
{
    return k < 0 || mt_jq_cursor_null(c, (size_t)k) ? missing : mt_jq_cursor_int(c, (size_t)k);
}

static const char *get_text(const struct mt_jq_cursor *c, int k)
{
    return k < 0 || mt_jq_cursor_null(c, (size_t)k) ? "" : mt_jq_cursor_text(c, (size_t)k);
}

/* Columns the report cannot do without: MT_EFORMAT naming the table and the column. */
static int need(const char *path, const char *table, const int *cols, const char *const *names, size_t n,
                struct mt_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (cols[i] < 0)
            return mt_err_set(err, MT_EFORMAT, "journal %s: table %s has no column %s", path, table, names[i]);
    return 0;
}

#define MAX_COLS 32 /* the most columns a table's name list asks for */

/* Steps every row of table (filtered to run) through fn. */
typedef int (*row_fn)(struct mt_rpt_run *r, const struct mt_jq_cursor *c, const int *cols, struct mt_err *err);

static int each_row(struct mt_jq *q, const char *path, const char *table, int64_t run, const char *const *names,
                    size_t n_names, size_t n_required, struct mt_rpt_run *r, row_fn fn, struct mt_err *err)
{
    struct mt_jq_filter f = mt_jq_filter_all(run);
    struct mt_jq_cursor *c = NULL;
    int rc = mt_jq_cursor_open(q, table, &f, &c, err);
    int cols[MAX_COLS];
    assert(n_names <= MAX_COLS);
    if (rc == 0) {
        for (size_t i = 0; i < n_names; i++)
            cols[i] = col_of(c, names[i]);
        rc = need(path, table, cols, names, n_required, err);
    }
    int step;
    while (rc == 0 && (step = mt_jq_cursor_next(c, err)) == 1)
        rc = fn(r, c, cols, err);
    if (rc == 0 && step < 0)
        rc = step;
    mt_jq_cursor_free(c);
    return rc;
}

/* ---- the run's tables ---- */

static const char *const agent_cols[] = {"idx", "strategy", "risk", "min_score", "max_positions", "max_open_r",
                                         "name", "timeframe", "sides"};

static int agent_row(struct mt_rpt_run *r, const struct mt_jq_cursor *c, const int *k, struct mt_err *err)
{
    int64_t idx = get_int(c, k[0], -1);
    if (idx != (int64_t)r->na)
        return mt_err_set(err, MT_EFORMAT, "run %lld: agent %lld out of order (expected %zu)", (long long)r->id,
                          (long long)idx, r->na);
    struct mt_rpt_agent *a = mt_grow(r->agents, &r->cap_a, r->na, sizeof *a, 8);
    if (!a)
        return mt_err_set(err, MT_ENOMEM, "out of memory for the run's agents");
    r->agents = a;
    a = &r->agents[r->na++];
    memset(a, 0, sizeof *a);
    const char *name = get_text(c, k[6]);
    a->named = *name != '\0';
    /* a name is a folder of the model registry: only an agent id */
    if (a->named && !mt_agent_id_valid(name))
        return mt_err_set(err, MT_EFORMAT, "run %lld: agent %lld's name '%.40s' is not an agent id ([a-z0-9_-]{1,32})",
                          (long long)r->id, (long long)idx, name);
    if (a->named)
        snprintf(a->name, sizeof a->name, "%s", name);
    else
        snprintf(a->name, sizeof a->name, "agent %lld", (long long)idx);
    snprintf(a->strategy, sizeof a->strategy, "%s", get_text(c, k[1]));
    a->risk = get_real(c, k[2]);
    a->min_score = get_real(c, k[3]);
    a->max_positions = get_int(c, k[4], -1);
    a->max_open_r = get_real(c, k[5]);
    const char *tf = get_text(c, k[7]);
    a->tf = r->tf;
    if (*tf && mt_tf_parse(tf, &a->tf, err))
        return mt_err_set(err, MT_EFORMAT, "run %lld: agent %lld has timeframe '%s'", (long long)r->id,
                          (long long)idx, tf);
    snprintf(a->sides, sizeof a->sides, "%s", *get_text(c, k[8]) ? get_text(c, k[8]) : "both");
    return 0;
}

static int series_row(struct mt_rpt_run *r, const struct mt_jq_cursor *c, const int *k, struct mt_err *err)
{
    if (get_int(c, k[0], -1) != (int64_t)r->ns)
        return mt_err_set(err, MT_EFORMAT, "run %lld: series out of order", (long long)r->id);
    char(*s)[32] = mt_grow(r->symbols, &r->cap_s, r->ns, sizeof *s, 16);
    if (!s)
        return mt_err_set(err, MT_ENOMEM, "out of memory for the run's series");
    r->symbols = s;
    snprintf(r->symbols[r->ns++], 32, "%s", get_text(c, k[1]));
    return 0;
}

static const char *const series_cols[] = {"idx", "symbol"};

static const char *const trade_cols[] = {
    "id",   "parent",   "agent", "symbol", "kind",  "side",   "state",     "exit_reason", "signal_time",
    "open_time", "close_time", "entry", "init_stop", "stop", "target", "init_size", "size", "pnl",
    "r",    "score",    "mae_r", "mfe_r",  "sim_reasons",
};
#define TRADE_REQUIRED 19 /* through r */

/* A name's index in names[0 .. n), or -1. */
static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static int trade_row(struct mt_rpt_run *r, const struct mt_jq_cursor *c, const int *k, struct mt_err *err)
{
    struct mt_rpt_trade t = {0};
    t.id = get_int(c, k[0], -1);
    t.parent = get_int(c, k[1], -1);
    int64_t agent = get_int(c, k[2], -1);
    const char *sym = get_text(c, k[3]);
    static const char *const kinds[] = {"real", "sim", "tracked"};
    static const char *const states[] = {"open", "closed", "censored"};
    const char *exits[MT_EXIT_CENSORED + 1];
    for (int e = 0; e <= MT_EXIT_CENSORED; e++)
        exits[e] = mt_exit_name((enum mt_exit)e);
    int kind = name_index(get_text(c, k[4]), kinds, 3), state = name_index(get_text(c, k[6]), states, 3);
    int exit = name_index(get_text(c, k[7]), exits, MT_EXIT_CENSORED + 1);
    int sym_i = -1;
    for (size_t s = 0; s < r->ns && sym_i < 0; s++)
        if (strcmp(r->symbols[s], sym) == 0)
            sym_i = (int)s;
    const char *side = get_text(c, k[5]);
    const char *bad = agent < 0 || (size_t)agent >= r->na ? "agent"
                      : sym_i < 0                          ? "symbol"
                      : kind < 0                           ? "kind"
                      : state < 0                          ? "state"
                      : exit < 0                           ? "exit_reason"
                      : strcmp(side, "long") != 0 && strcmp(side, "short") != 0 ? "side"
                                                           : NULL;
    if (bad)
        return mt_err_set(err, MT_EFORMAT, "run %lld: trade %lld has an unknown %s", (long long)r->id,
                          (long long)t.id, bad);
    t.agent = (uint32_t)agent;
    t.symbol = (uint32_t)sym_i;
    t.kind = (enum mt_trade_kind)kind;
    t.side = side[0] == 'l' ? 1 : -1;
    t.state = (enum mt_rpt_state)state;
    t.exit = (enum mt_exit)exit;
    t.signal_time = get_int(c, k[8], INT64_MIN);
    t.open_time = get_int(c, k[9], INT64_MIN);
    t.close_time = get_int(c, k[10], INT64_MIN);
    double *v[] = {&t.entry, &t.init_stop, &t.stop, &t.target, &t.init_size, &t.size, &t.pnl,
                   &t.r,     &t.score,     &t.mae_r, &t.mfe_r};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        *v[i] = get_real(c, k[11 + i]);
    t.sim_reasons = (unsigned)get_int(c, k[22], 0);
    if (t.open_time == INT64_MIN)
        return mt_err_set(err, MT_EFORMAT, "run %lld: trade %lld has no open_time", (long long)r->id, (long long)t.id);
    if (t.state != MT_RPT_OPEN && (t.close_time == INT64_MIN || isnan(t.pnl) || isnan(t.r)))
        return mt_err_set(err, MT_EFORMAT, "run %lld: trade %lld is %s without its close time, pnl or r",
                          (long long)r->id, (long long)t.id, states[state]);
    struct mt_rpt_trade *w = r->nt < MT_JOURNAL_MAX_ROWS ? mt_grow(r->trades, &r->cap_t, r->nt, sizeof *w, 256) : NULL;
    if (!w)
        return mt_err_set(err, r->nt < MT_JOURNAL_MAX_ROWS ? MT_ENOMEM : MT_ELIMIT, "no room for %zu trades",
                          r->nt + 1);
    r->trades = w;
    r->trades[r->nt++] = t;
    return 0;
}

static const char *const mark_cols[] = {"time", "equity", "positions", "open_r"};

static int mark_row(struct mt_rpt_run *r, const struct mt_jq_cursor *c, const int *k, struct mt_err *err)
{
    struct mt_rpt_mark *w = r->nm < MT_JOURNAL_MAX_ROWS ? mt_grow(r->marks, &r->cap_m, r->nm, sizeof *w, 1024) : NULL;
    if (!w)
        return mt_err_set(err, r->nm < MT_JOURNAL_MAX_ROWS ? MT_ENOMEM : MT_ELIMIT, "no room for %zu equity points",
                          r->nm + 1);
    r->marks = w;
    int64_t pos = get_int(c, k[2], -1);
    r->marks[r->nm++] = (struct mt_rpt_mark){get_int(c, k[0], 0), get_real(c, k[1]), pos < 0 ? NAN : (double)pos,
                                             get_real(c, k[3])};
    return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int run_info(struct mt_jq *q, int64_t run, struct mt_rpt_run *r, struct mt_err *err)
{
    struct mt_jq_run *runs = NULL;
    size_t n = 0;
    int rc = mt_jq_runs(q, &runs, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (runs[i].id != run)
            continue;
        r->id = run;
        snprintf(r->kind, sizeof r->kind, "%s", runs[i].kind);
        r->started = runs[i].started;
        r->ended = runs[i].has_ended ? runs[i].ended : INT64_MIN;
        r->span_from = runs[i].span_from;
        r->span_to = runs[i].span_to;
        snprintf(r->timeframe, sizeof r->timeframe, "%s", runs[i].timeframe);
        r->balance = runs[i].balance;
        char first[16];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(r->timeframe, ","), r->timeframe);
        rc = mt_tf_parse(first, &r->tf, err);
    }
    free(runs);
    return rc;
}

int mt_rpt_run_load(const char *path, int64_t run, struct mt_rpt_run *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_jq *q = NULL;
    int rc = mt_jq_open(path, &q, err);
    if (rc)
        return rc; /* its message names the journal */
    if (run < 0)
        rc = mt_jq_latest_run(q, &run, err);
    if (rc == 0)
        rc = mt_jq_check_run(q, run, err);
    if (rc == 0)
        rc = run_info(q, run, out, err);
    struct mt_jq_limits lim;
    if (rc == 0 && (rc = mt_jq_run_limits(q, run, &lim, err)) == 0) {
        out->max_positions = lim.max_positions;
        out->max_open_r = lim.max_open_r;
    }
    if (rc == 0)
        rc = each_row(q, path, "agents", run, agent_cols, N(agent_cols), 6, out, agent_row, err);
    if (rc == 0)
        rc = each_row(q, path, "series", run, series_cols, N(series_cols), N(series_cols), out, series_row, err);
    if (rc == 0)
        rc = each_row(q, path, "trades", run, trade_cols, N(trade_cols), TRADE_REQUIRED, out, trade_row, err);
    if (rc == 0)
        rc = each_row(q, path, "equity", run, mark_cols, N(mark_cols), 2, out, mark_row, err);
    if (rc == 0)
        rc = mt_jq_decision_counts(q, run, out->decisions, err);
    mt_jq_close(q);
    if (rc && !strstr(err->msg, path))
        mt_err_prefix(err, "journal %s", path);
    return rc;
}

int mt_rpt_fills(const char *path, int64_t run, const char *symbol, int64_t from, int64_t to,
                 struct mt_rpt_fill **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    struct mt_jq *q = NULL;
    struct mt_jq_cursor *c = NULL;
    struct mt_jq_filter f = mt_jq_filter_all(run);
    f.symbol = symbol;
    f.kind = "real";
    f.from = from;
    f.to = to;
    int rc = mt_jq_open(path, &q, err);
    if (rc == 0)
        rc = mt_jq_cursor_open(q, "legs", &f, &c, err);
    static const char *const names[] = {"trade", "time", "action", "price"};
    int cols[4];
    for (size_t i = 0; rc == 0 && i < 4; i++)
        cols[i] = col_of(c, names[i]);
    if (rc == 0)
        rc = need(path, "legs", cols, names, 4, err);
    size_t cap = 0;
    int step = 0;
    while (rc == 0 && (step = mt_jq_cursor_next(c, err)) == 1) {
        struct mt_rpt_fill *w = mt_grow(*out, &cap, *n, sizeof *w, 64);
        if (!w) {
            rc = mt_err_set(err, MT_ENOMEM, "out of memory for %zu fills", *n + 1);
            break;
        }
        *out = w;
        w[(*n)++] = (struct mt_rpt_fill){get_int(c, cols[0], -1), get_int(c, cols[1], 0),
                                         strcmp(get_text(c, cols[2]), "open") == 0, get_real(c, cols[3])};
    }
    if (rc == 0 && step < 0)
        rc = step;
    mt_jq_cursor_free(c);
    mt_jq_close(q);
    if (rc) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void mt_rpt_run_release(struct mt_rpt_run *r)
{
    free(r->agents);
    free(r->symbols);
    free(r->trades);
    free(r->marks);
    memset(r, 0, sizeof *r);
}

int mt_rpt_equity_points(const struct mt_rpt_run *r, struct mt_equity_point **out, struct mt_err *err)
{
    *out = malloc((r->nm ? r->nm : 1) * sizeof **out);
    if (!*out)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu equity points", r->nm);
    for (size_t i = 0; i < r->nm; i++)
        (*out)[i] = (struct mt_equity_point){r->marks[i].time, r->marks[i].equity};
    return 0;
}

long mt_rpt_find_trade(const struct mt_rpt_run *r, int64_t id)
{
    size_t lo = 0, hi = r->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->trades[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->nt && r->trades[lo].id == id ? (long)lo : -1;
}

struct mt_trade_result mt_rpt_result(const struct mt_rpt_run *r, const struct mt_rpt_trade *t)
{
    return mt_trade_result_span(t->open_time, t->close_time, t->state == MT_RPT_CENSORED, r->agents[t->agent].tf,
                                t->pnl, t->r);
}

int mt_rpt_metrics(const struct mt_rpt_run *r, struct mt_metrics *m, struct mt_err *err)
{
    struct mt_equity_point *eq = NULL;
    struct mt_trade_result *tr = malloc((r->nt ? r->nt : 1) * sizeof *tr);
    int rc = tr ? mt_rpt_equity_points(r, &eq, err) : mt_err_set(err, MT_ENOMEM, "out of memory for the trades");
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < r->nt; i++)
        if (r->trades[i].kind == MT_TRADE_REAL && r->trades[i].state != MT_RPT_OPEN)
            tr[n++] = mt_rpt_result(r, &r->trades[i]);
    if (rc == 0)
        rc = mt_metrics_compute(eq, r->nm, tr, n, m, err);
    free(eq);
    free(tr);
    return rc;
}
