/* Reading a trade journal (see query.h; the schema: docs/journal.md). */
#include "journal/query.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "journal/journal.h"

struct mt_jq {
    sqlite3 *db;
    char *path; /* for messages */
    int schema; /* the file's PRAGMA user_version */
};

static int sql_fail(const struct mt_jq *q, const char *step, struct mt_err *err)
{
    int code = sqlite3_errcode(q->db) == SQLITE_NOTADB ? MT_EFORMAT : MT_EIO;
    return mt_err_set(err, code, "journal %s: %s: %s", q->path, step, sqlite3_errmsg(q->db));
}

static double col_real(sqlite3_stmt *s, int k)
{
    return sqlite3_column_type(s, k) == SQLITE_NULL ? NAN : sqlite3_column_double(s, k);
}

/* Copies column k's text (NULL: "") into buf of size bytes, cut to fit. */
static void col_copy(sqlite3_stmt *s, int k, char *buf, size_t size)
{
    const unsigned char *v = sqlite3_column_text(s, k);
    snprintf(buf, size, "%s", v ? (const char *)v : "");
}

int mt_jq_open(const char *path, struct mt_jq **out, struct mt_err *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return mt_err_set(err, errno == ENOENT ? MT_ENOENT : MT_EIO, "journal %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return mt_err_set(err, MT_EFORMAT, "journal %s: not a regular file", path);
    struct mt_jq *q = calloc(1, sizeof *q);
    if (!q || !(q->path = strdup(path))) {
        free(q);
        return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", path);
    }
    int rc = 0;
    if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        rc = q->db ? sql_fail(q, "opening read-only", err)
                   : mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", path);
    if (rc == 0 && sqlite3_busy_timeout(q->db, MT_JOURNAL_BUSY_MS) != SQLITE_OK)
        rc = sql_fail(q, "setting busy_timeout", err);
    if (rc == 0) {
        sqlite3_stmt *s = NULL;
        int version = -1;
        if (sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            version = sqlite3_column_int(s, 0);
        else
            rc = sql_fail(q, "reading the schema version", err);
        sqlite3_finalize(s);
        if (rc == 0 && version == 0)
            rc = mt_err_set(err, MT_EFORMAT, "journal %s: not an mtrader journal (schema version 0)", path);
        else if (rc == 0 && version > MT_JOURNAL_SCHEMA)
            rc = mt_err_set(err, MT_EFORMAT,
                            "journal %s: schema version %d is newer than this mtrader's %d (use a newer mtrader)",
                            path, version, MT_JOURNAL_SCHEMA);
        q->schema = version;
    }
    if (rc) {
        mt_jq_close(q);
        return rc;
    }
    *out = q;
    return 0;
}

int mt_jq_schema(const struct mt_jq *q)
{
    return q->schema;
}

void mt_jq_close(struct mt_jq *q)
{
    if (!q)
        return;
    sqlite3_close(q->db);
    free(q->path);
    free(q);
}

/* Prepares text into *s; MT_EIO naming what. */
static int prepare(struct mt_jq *q, const char *text, const char *what, sqlite3_stmt **s, struct mt_err *err)
{
    if (sqlite3_prepare_v2(q->db, text, -1, s, NULL) != SQLITE_OK) {
        *s = NULL;
        return sql_fail(q, what, err);
    }
    return 0;
}

/* ---- runs ---- */

int mt_jq_runs(struct mt_jq *q, struct mt_jq_run **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    static const char text[] =
        "SELECT r.id, r.kind, r.started, r.ended, r.span_from, r.span_to, r.timeframe, r.balance,"
        " (SELECT count(*) FROM agents a WHERE a.run = r.id),"
        " (SELECT count(*) FROM trades t WHERE t.run = r.id AND t.kind = 'real'),"
        " (SELECT count(*) FROM trades t WHERE t.run = r.id AND t.kind = 'sim'),"
        " (SELECT count(*) FROM trades t WHERE t.run = r.id AND t.kind = 'tracked'),"
        " (SELECT e.equity FROM equity e WHERE e.run = r.id ORDER BY e.time DESC LIMIT 1)"
        " FROM runs r ORDER BY r.id";
    sqlite3_stmt *s;
    int rc = prepare(q, text, "reading the runs", &s, err), step = SQLITE_DONE;
    struct mt_jq_run *v = NULL;
    size_t cap = 0, k = 0;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct mt_jq_run *w = k < MT_JOURNAL_MAX_ROWS ? mt_grow(v, &cap, k, sizeof *w, 16) : NULL;
        if (!w) {
            rc = mt_err_set(err, MT_ENOMEM, "journal %s: no room for %zu runs", q->path, k + 1);
            break;
        }
        v = w;
        struct mt_jq_run *r = &v[k++];
        *r = (struct mt_jq_run){
            .id = sqlite3_column_int64(s, 0),
            .started = sqlite3_column_int64(s, 2),
            .has_ended = sqlite3_column_type(s, 3) != SQLITE_NULL,
            .ended = sqlite3_column_int64(s, 3),
            .span_from = sqlite3_column_type(s, 4) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(s, 4),
            .span_to = sqlite3_column_type(s, 5) == SQLITE_NULL ? INT64_MAX : sqlite3_column_int64(s, 5),
            .balance = col_real(s, 7),
            .n_agents = sqlite3_column_int64(s, 8),
            .n_real = sqlite3_column_int64(s, 9),
            .n_sim = sqlite3_column_int64(s, 10),
            .n_tracked = sqlite3_column_int64(s, 11),
            .final_equity = col_real(s, 12),
        };
        col_copy(s, 1, r->kind, sizeof r->kind);
        col_copy(s, 6, r->timeframe, sizeof r->timeframe);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(q, "reading the runs", err);
    sqlite3_finalize(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

int mt_jq_latest_run(struct mt_jq *q, int64_t *run, struct mt_err *err)
{
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT max(id) FROM runs", "reading the latest run", &s, err);
    if (rc)
        return rc;
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = sql_fail(q, "reading the latest run", err);
    else if (sqlite3_column_type(s, 0) == SQLITE_NULL)
        rc = mt_err_set(err, MT_ENOENT, "journal %s holds no runs", q->path);
    else
        *run = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc;
}

int mt_jq_check_run(struct mt_jq *q, int64_t run, struct mt_err *err)
{
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT count(*) FROM runs WHERE id = ?", "reading the runs", &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = sql_fail(q, "reading the runs", err);
    else if (sqlite3_column_int64(s, 0) == 0)
        rc = mt_err_set(err, MT_ENOENT, "journal %s has no run %lld", q->path, (long long)run);
    sqlite3_finalize(s);
    return rc;
}

int mt_jq_decision_counts(struct mt_jq *q, int64_t run, int64_t counts[MT_JQ_OUTCOMES], struct mt_err *err)
{
    static const char *const outcomes[MT_JQ_OUTCOMES] = {"real", "sim", "untradable", "held", "opposite"};
    memset(counts, 0, MT_JQ_OUTCOMES * sizeof *counts);
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT outcome, count(*) FROM decisions WHERE run = ? GROUP BY outcome",
                     "counting the decisions", &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    int step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *o = (const char *)sqlite3_column_text(s, 0);
        size_t k = 0;
        while (k < MT_JQ_OUTCOMES && (!o || strcmp(o, outcomes[k]) != 0))
            k++;
        if (k == MT_JQ_OUTCOMES)
            rc = mt_err_set(err, MT_EFORMAT, "journal %s: run %lld has decisions of outcome '%s'", q->path,
                            (long long)run, o ? o : "NULL");
        else
            counts[k] = sqlite3_column_int64(s, 1);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(q, "counting the decisions", err);
    sqlite3_finalize(s);
    return rc;
}

struct mt_jq_filter mt_jq_filter_all(int64_t run)
{
    return (struct mt_jq_filter){.run = run, .agent = -1, .from = INT64_MIN, .to = INT64_MAX};
}

/* ---- filters ---- */

enum { F_AGENT = 1, F_SYMBOL = 2, F_KIND = 4, F_STATE = 8, F_TIME = 16 };

/* A table mt_jq_cursor_open reads and how the filter applies to it. */
struct table_spec {
    const char *name;
    const char *run_col;  /* the run's column */
    bool needs_run;       /* f->run must be set */
    unsigned allows;      /* F_* bits the filter may set */
    bool via_trade;       /* agent .. time select the rows' trades (legs) */
    const char *time_col; /* F_TIME's column (not via_trade) */
    const char *order;
    const char *times;    /* the ms UTC columns, space-separated with spaces around */
};

#define F_TRADES (F_AGENT | F_SYMBOL | F_KIND | F_STATE | F_TIME)

static const struct table_spec specs[] = {
    {"runs", "id", false, 0, false, NULL, "id", " started ended span_from span_to "},
    {"agents", "run", false, 0, false, NULL, "run, idx", ""},
    {"series", "run", false, 0, false, NULL, "run, idx", ""},
    {"trades", "run", true, F_TRADES, false, "open_time", "run, id", " signal_time open_time close_time "},
    {"legs", "run", true, F_TRADES, true, NULL, "run, trade, idx", " time "},
    {"decisions", "run", true, F_AGENT | F_SYMBOL | F_TIME, false, "time", "id", " time "},
    {"equity", "run", true, F_TIME, false, "time", "run, time", " time "},
    {"orders", "run", true, 0, false, NULL, "id", " created updated "},
};
#define N_SPECS (sizeof specs / sizeof specs[0])

/* The spec of table name, or NULL. */
static const struct table_spec *spec(const char *name)
{
    for (size_t k = 0; k < N_SPECS; k++)
        if (strcmp(specs[k].name, name) == 0)
            return &specs[k];
    return NULL;
}

/* The F_* bits f sets. */
static unsigned filter_bits(const struct mt_jq_filter *f)
{
    return (f->agent >= 0 ? F_AGENT : 0u) | (f->symbol ? F_SYMBOL : 0u) | (f->kind ? F_KIND : 0u) |
           (f->state ? F_STATE : 0u) | (f->from != INT64_MIN || f->to != INT64_MAX ? F_TIME : 0u);
}

static const char *filter_option(unsigned bit)
{
    switch (bit) {
    case F_AGENT: return "agent";
    case F_SYMBOL: return "symbol";
    case F_KIND: return "kind";
    case F_STATE: return "state";
    default: return "from/to";
    }
}

/* Appends " AND <alias>.<conditions>" for the trade fields of f. */
static void trade_conditions(const struct mt_jq_filter *f, const char *a, const char *time_col, char *buf,
                             size_t size)
{
    size_t len = strlen(buf);
#define ADD(...) (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__))
    if (f->agent >= 0)
        ADD(" AND %s.agent = :agent", a);
    if (f->symbol)
        ADD(" AND %s.symbol = :symbol", a);
    if (f->kind)
        ADD(" AND %s.kind = :kind", a);
    if (f->state)
        ADD(" AND %s.state = :state", a);
    if (f->from != INT64_MIN)
        ADD(" AND %s.%s >= :from", a, time_col);
    if (f->to != INT64_MAX)
        ADD(" AND %s.%s < :to", a, time_col);
#undef ADD
    assert(len < size);
}

/* Binds the named parameters of f that s has. */
static void bind_filter(sqlite3_stmt *s, const struct mt_jq_filter *f)
{
    int k;
    if ((k = sqlite3_bind_parameter_index(s, ":run")))
        sqlite3_bind_int64(s, k, f->run);
    if ((k = sqlite3_bind_parameter_index(s, ":agent")))
        sqlite3_bind_int64(s, k, f->agent);
    if ((k = sqlite3_bind_parameter_index(s, ":symbol")))
        sqlite3_bind_text(s, k, f->symbol, -1, SQLITE_STATIC);
    if ((k = sqlite3_bind_parameter_index(s, ":kind")))
        sqlite3_bind_text(s, k, f->kind, -1, SQLITE_STATIC);
    if ((k = sqlite3_bind_parameter_index(s, ":state")))
        sqlite3_bind_text(s, k, f->state, -1, SQLITE_STATIC);
    if ((k = sqlite3_bind_parameter_index(s, ":from")))
        sqlite3_bind_int64(s, k, f->from);
    if ((k = sqlite3_bind_parameter_index(s, ":to")))
        sqlite3_bind_int64(s, k, f->to);
}

/* The WHERE clause (from " WHERE 1") of table ts for f into buf. */
static void where_clause(const struct table_spec *ts, const struct mt_jq_filter *f, char *buf, size_t size)
{
    int len = snprintf(buf, size, " WHERE 1");
    if (f->run >= 0)
        len += snprintf(buf + len, size - (size_t)len, " AND x.%s = :run", ts->run_col);
    assert(len > 0 && (size_t)len < size);
    if (ts->via_trade && filter_bits(f)) {
        len += snprintf(buf + len, size - (size_t)len,
                        " AND EXISTS (SELECT 1 FROM trades t WHERE t.run = x.run AND t.id = x.trade");
        trade_conditions(f, "t", "open_time", buf, size);
        len = (int)strlen(buf);
        snprintf(buf + len, size - (size_t)len, ")");
    } else if (!ts->via_trade) {
        trade_conditions(f, "x", ts->time_col ? ts->time_col : "time", buf, size);
    }
    assert(strlen(buf) + 1 < size);
}

/* ---- trades ---- */

/* The run's costs for the open risk. */
struct costs {
    double fee, spread, slippage;
};

static int run_costs(struct mt_jq *q, int64_t run, struct costs *c, struct mt_err *err)
{
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT fee_rate, bnb, spread, slippage FROM runs WHERE id = ?", "reading the run's costs",
                     &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *c = (struct costs){sqlite3_column_double(s, 0) * (sqlite3_column_int(s, 1) ? 0.75 : 1.0),
                            sqlite3_column_double(s, 2), sqlite3_column_double(s, 3)};
    else if (step == SQLITE_DONE)
        rc = mt_err_set(err, MT_ENOENT, "journal %s has no run %lld", q->path, (long long)run);
    else
        rc = sql_fail(q, "reading the run's costs", err);
    sqlite3_finalize(s);
    return rc;
}

/* What t loses against its entry if its stop fills now (see query.h). */
static double open_risk(const struct mt_jq_trade *t, const struct costs *c)
{
    double dir = strcmp(t->side, "long") == 0 ? 1.0 : -1.0;
    /* a long sells at the stop less slippage, less half the spread (trade.c) */
    double fill = t->stop * (1.0 - dir * c->slippage) * (1.0 - dir * c->spread / 2);
    return t->size * (dir * (t->entry - fill) + c->fee * fill);
}

int mt_jq_trades(struct mt_jq *q, const struct mt_jq_filter *f, struct mt_jq_trade **out, size_t *n,
                 struct mt_err *err)
{
    assert(f->run >= 0);
    *out = NULL;
    *n = 0;
    struct costs c = {0};
    int rc = run_costs(q, f->run, &c, err);
    if (rc)
        return rc;
    char text[1024];
    int len = snprintf(text, sizeof text,
                       "SELECT id, parent, agent, symbol, kind, side, state, exit_reason, open_time, close_time, "
                       "entry, stop, init_size, size, pnl, r FROM trades x");
    assert(len > 0 && (size_t)len < sizeof text);
    where_clause(spec("trades"), f, text + len, sizeof text - (size_t)len);
    len = (int)strlen(text);
    snprintf(text + len, sizeof text - (size_t)len, " ORDER BY id LIMIT %lld",
             f->limit > 0 ? (long long)f->limit : -1LL);
    sqlite3_stmt *s;
    if ((rc = prepare(q, text, "reading trades", &s, err)))
        return rc;
    bind_filter(s, f);
    struct mt_jq_trade *v = NULL;
    size_t cap = 0, k = 0;
    int step = SQLITE_DONE;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        struct mt_jq_trade *w = k < MT_JOURNAL_MAX_ROWS ? mt_grow(v, &cap, k, sizeof *w, 64) : NULL;
        if (!w) {
            rc = mt_err_set(err, MT_ENOMEM, "journal %s: no room for %zu trades", q->path, k + 1);
            break;
        }
        v = w;
        struct mt_jq_trade *t = &v[k++];
        *t = (struct mt_jq_trade){
            .id = sqlite3_column_int64(s, 0),
            .parent = sqlite3_column_type(s, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 1),
            .agent = sqlite3_column_int64(s, 2),
            .open_time = sqlite3_column_int64(s, 8),
            .has_close = sqlite3_column_type(s, 9) != SQLITE_NULL,
            .close_time = sqlite3_column_int64(s, 9),
            .entry = col_real(s, 10),
            .stop = col_real(s, 11),
            .init_size = col_real(s, 12),
            .size = col_real(s, 13),
            .pnl = col_real(s, 14),
            .r = col_real(s, 15),
        };
        col_copy(s, 3, t->symbol, sizeof t->symbol);
        col_copy(s, 4, t->kind, sizeof t->kind);
        col_copy(s, 5, t->side, sizeof t->side);
        col_copy(s, 6, t->state, sizeof t->state);
        col_copy(s, 7, t->exit_reason, sizeof t->exit_reason);
        t->open_risk = strcmp(t->state, "open") == 0 ? open_risk(t, &c) : NAN;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(q, "reading trades", err);
    sqlite3_finalize(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- any table ---- */

/* Most columns one table may have. */
#define MAX_COLUMNS 128

struct mt_jq_cursor {
    struct mt_jq *q;
    sqlite3_stmt *s;
    const char *table;
    size_t ncols;
    struct mt_jq_column cols[MAX_COLUMNS];
};

/* Fills c->cols from PRAGMA table_info of c->table (ts). */
static int read_columns(struct mt_jq_cursor *c, const struct table_spec *ts, struct mt_err *err)
{
    char text[96];
    snprintf(text, sizeof text, "PRAGMA table_info(%s)", ts->name);
    sqlite3_stmt *s;
    int rc = prepare(c->q, text, "reading the columns", &s, err), step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        /* cid, name, type, notnull, dflt_value, pk */
        const char *name = (const char *)sqlite3_column_text(s, 1);
        const char *type = (const char *)sqlite3_column_text(s, 2);
        if (c->ncols == MAX_COLUMNS || !name || strlen(name) >= sizeof c->cols[0].name) {
            rc = mt_err_set(err, MT_EUNSUPPORTED, "journal %s: table %s: more than %d columns or a name too long",
                            c->q->path, ts->name, MAX_COLUMNS);
            break;
        }
        struct mt_jq_column *col = &c->cols[c->ncols++];
        snprintf(col->name, sizeof col->name, "%s", name);
        if (type && sqlite3_stricmp(type, "INTEGER") == 0)
            col->type = MT_JQ_INTEGER;
        else if (type && sqlite3_stricmp(type, "REAL") == 0)
            col->type = MT_JQ_REAL;
        else if (type && sqlite3_stricmp(type, "TEXT") == 0)
            col->type = MT_JQ_TEXT;
        else {
            rc = mt_err_set(err, MT_EUNSUPPORTED, "journal %s: table %s: column %s has type '%s' (not INTEGER, "
                            "REAL or TEXT)", c->q->path, ts->name, name, type ? type : "");
            break;
        }
        col->nullable = sqlite3_column_int(s, 3) == 0 && sqlite3_column_int(s, 5) == 0;
        char word[sizeof col->name + 2];
        snprintf(word, sizeof word, " %s ", name);
        col->time = col->type == MT_JQ_INTEGER && strstr(ts->times, word) != NULL;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(c->q, "reading the columns", err);
    sqlite3_finalize(s);
    if (rc == 0 && c->ncols == 0)
        rc = mt_err_set(err, MT_EFORMAT, "journal %s has no table %s", c->q->path, ts->name);
    return rc;
}

int mt_jq_cursor_open(struct mt_jq *q, const char *table, const struct mt_jq_filter *f, struct mt_jq_cursor **out,
                      struct mt_err *err)
{
    *out = NULL;
    const struct table_spec *ts = spec(table);
    if (!ts) {
        char known[256];
        size_t len = 0;
        for (size_t k = 0; k < N_SPECS; k++)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", k ? ", " : "", specs[k].name);
        return mt_err_set(err, MT_EINVAL, "unknown table '%s' (known: %s)", table, known);
    }
    if (ts->needs_run && f->run < 0)
        return mt_err_set(err, MT_EINVAL, "table %s: a run is needed", table);
    unsigned extra = filter_bits(f) & ~ts->allows;
    if (extra)
        return mt_err_set(err, MT_EINVAL, "the %s filter does not apply to table %s",
                          filter_option(extra & -extra), table);
    int rc;
    if (f->run >= 0 && (rc = mt_jq_check_run(q, f->run, err)))
        return rc;
    struct mt_jq_cursor *c = calloc(1, sizeof *c);
    if (!c)
        return mt_err_set(err, MT_ENOMEM, "journal %s: out of memory", q->path);
    c->q = q;
    c->table = ts->name;
    if ((rc = read_columns(c, ts, err))) {
        mt_jq_cursor_free(c);
        return rc;
    }
    char text[MAX_COLUMNS * 72 + 1024];
    size_t len = (size_t)snprintf(text, sizeof text, "SELECT ");
    for (size_t i = 0; i < c->ncols; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%sx.\"%s\"", i ? ", " : "", c->cols[i].name);
    len += (size_t)snprintf(text + len, sizeof text - len, " FROM %s x", ts->name);
    where_clause(ts, f, text + len, sizeof text - len);
    len = strlen(text);
    snprintf(text + len, sizeof text - len, " ORDER BY %s LIMIT %lld", ts->order,
             f->limit > 0 ? (long long)f->limit : -1LL);
    if ((rc = prepare(q, text, "reading the table", &c->s, err))) {
        mt_jq_cursor_free(c);
        return rc;
    }
    bind_filter(c->s, f);
    *out = c;
    return 0;
}

size_t mt_jq_cursor_ncols(const struct mt_jq_cursor *c)
{
    return c->ncols;
}

const struct mt_jq_column *mt_jq_cursor_column(const struct mt_jq_cursor *c, size_t i)
{
    assert(i < c->ncols);
    return &c->cols[i];
}

int mt_jq_cursor_next(struct mt_jq_cursor *c, struct mt_err *err)
{
    int step = sqlite3_step(c->s);
    if (step == SQLITE_ROW)
        return 1;
    if (step == SQLITE_DONE)
        return 0;
    char what[64];
    snprintf(what, sizeof what, "reading table %s", c->table);
    return sql_fail(c->q, what, err);
}

bool mt_jq_cursor_null(const struct mt_jq_cursor *c, size_t i)
{
    assert(i < c->ncols);
    return sqlite3_column_type(c->s, (int)i) == SQLITE_NULL;
}

int64_t mt_jq_cursor_int(const struct mt_jq_cursor *c, size_t i)
{
    assert(i < c->ncols);
    return sqlite3_column_int64(c->s, (int)i);
}

double mt_jq_cursor_real(const struct mt_jq_cursor *c, size_t i)
{
    assert(i < c->ncols);
    return sqlite3_column_double(c->s, (int)i);
}

const char *mt_jq_cursor_text(const struct mt_jq_cursor *c, size_t i)
{
    assert(i < c->ncols);
    const unsigned char *v = sqlite3_column_text(c->s, (int)i);
    return v ? (const char *)v : "";
}

void mt_jq_cursor_free(struct mt_jq_cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->s);
    free(c);
}

/* ---- status: a run's agents and limits, its last tick, clocks and orders ---- */

/* Fills the item at p from the current row of s. */
typedef void row_fill(sqlite3_stmt *s, void *p);

/* Runs text with ?1 = run, collecting every row through fill into *out
 * (malloc'ed elem-byte items; NULL when *n is 0); what names the rows in
 * messages. */
static int collect(struct mt_jq *q, const char *text, int64_t run, const char *what, size_t elem, row_fill *fill,
                   void **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    char step_name[64];
    snprintf(step_name, sizeof step_name, "reading the %s", what);
    sqlite3_stmt *s;
    int rc = prepare(q, text, step_name, &s, err), step = SQLITE_DONE;
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    unsigned char *v = NULL;
    size_t cap = 0, k = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        unsigned char *w = k < MT_JOURNAL_MAX_ROWS ? mt_grow(v, &cap, k, elem, 16) : NULL;
        if (!w) {
            rc = mt_err_set(err, MT_ENOMEM, "journal %s: no room for %zu %s", q->path, k + 1, what);
            break;
        }
        v = w;
        fill(s, v + elem * k++);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sql_fail(q, step_name, err);
    sqlite3_finalize(s);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

int mt_jq_run_limits(struct mt_jq *q, int64_t run, struct mt_jq_limits *l, struct mt_err *err)
{
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT max_positions, max_open_r FROM runs WHERE id = ?", "reading the run's limits", &s,
                     err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *l = (struct mt_jq_limits){sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1)};
    else if (step == SQLITE_DONE)
        rc = mt_err_set(err, MT_ENOENT, "journal %s has no run %lld", q->path, (long long)run);
    else
        rc = sql_fail(q, "reading the run's limits", err);
    sqlite3_finalize(s);
    return rc;
}

static void fill_agent(sqlite3_stmt *s, void *p)
{
    struct mt_jq_agent *a = p;
    *a = (struct mt_jq_agent){.idx = sqlite3_column_int64(s, 0),
                              .risk = col_real(s, 5),
                              .max_positions = sqlite3_column_int64(s, 6),
                              .max_open_r = col_real(s, 7),
                              .min_score = col_real(s, 8)};
    col_copy(s, 1, a->name, sizeof a->name);
    col_copy(s, 2, a->strategy, sizeof a->strategy);
    col_copy(s, 3, a->timeframe, sizeof a->timeframe);
    col_copy(s, 4, a->sides, sizeof a->sides);
}

int mt_jq_agents(struct mt_jq *q, int64_t run, struct mt_jq_agent **out, size_t *n, struct mt_err *err)
{
    void *v;
    int rc = collect(q,
                     "SELECT idx, name, strategy, timeframe, sides, risk, max_positions, max_open_r, min_score"
                     " FROM agents WHERE run = ? ORDER BY idx",
                     run, "agents", sizeof **out, fill_agent, &v, n, err);
    *out = v;
    return rc;
}

int mt_jq_initial_risks(struct mt_jq *q, int64_t run, const struct mt_jq_trade *v, size_t n, double *risk,
                        struct mt_err *err)
{
    sqlite3_stmt *s;
    int rc = prepare(q, "SELECT init_size * CASE side WHEN 'long' THEN entry - init_stop ELSE init_stop - entry END"
                     " FROM trades WHERE run = ?1 AND id = ?2",
                     "reading the trades' initial risk", &s, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, run);
        sqlite3_bind_int64(s, 2, v[i].id);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW)
            risk[i] = col_real(s, 0);
        else if (step == SQLITE_DONE)
            risk[i] = NAN;
        else
            rc = sql_fail(q, "reading the trades' initial risk", err);
    }
    sqlite3_finalize(s);
    return rc;
}

int mt_jq_last_tick(struct mt_jq *q, int64_t run, struct mt_jq_tick *t, bool *found, struct mt_err *err)
{
    *found = false;
    sqlite3_stmt *s;
    int rc = prepare(q,
                     "SELECT time, wall, bars, decisions, opened, closed FROM ticks WHERE run = ?"
                     " ORDER BY time DESC LIMIT 1",
                     "reading the last tick", &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *t = (struct mt_jq_tick){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                                 sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5)};
        *found = true;
    } else if (step != SQLITE_DONE) {
        rc = sql_fail(q, "reading the last tick", err);
    }
    sqlite3_finalize(s);
    return rc;
}

static void fill_clock(sqlite3_stmt *s, void *p)
{
    struct mt_jq_clock *c = p;
    *c = (struct mt_jq_clock){.has_last_bar = sqlite3_column_type(s, 1) != SQLITE_NULL,
                              .last_bar = sqlite3_column_int64(s, 1),
                              .balance = col_real(s, 2)};
    col_copy(s, 0, c->timeframe, sizeof c->timeframe);
}

int mt_jq_clocks(struct mt_jq *q, int64_t run, struct mt_jq_clock **out, size_t *n, struct mt_err *err)
{
    void *v;
    int rc = collect(q, "SELECT timeframe, last_bar, balance FROM clocks WHERE run = ? ORDER BY timeframe", run,
                     "clocks", sizeof **out, fill_clock, &v, n, err);
    *out = v;
    return rc;
}

static void fill_order(sqlite3_stmt *s, void *p)
{
    struct mt_jq_order *o = p;
    *o = (struct mt_jq_order){.id = sqlite3_column_int64(s, 0), .trade = sqlite3_column_int64(s, 1)};
    col_copy(s, 2, o->client_order_id, sizeof o->client_order_id);
    col_copy(s, 3, o->status, sizeof o->status);
    col_copy(s, 4, o->side, sizeof o->side);
    col_copy(s, 5, o->type, sizeof o->type);
}

int mt_jq_orders(struct mt_jq *q, int64_t run, struct mt_jq_order **out, size_t *n, struct mt_err *err)
{
    void *v;
    int rc = collect(q, "SELECT id, trade, client_order_id, status, side, type FROM orders WHERE run = ? ORDER BY id",
                     run, "orders", sizeof **out, fill_order, &v, n, err);
    *out = v;
    return rc;
}
