/* mtrader journal: runs, trades and open positions of a trade journal, and
 * exports of its tables to CSV or Parquet (journal/query.h reads, this prints). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/atomic.h"
#include "core/grow.h"
#include "core/numfmt.h"
#include "core/time.h"
#include "journal/query.h"
#include "parquet/parquet.h"

static int run_journal(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_journal = {
    "journal",
    "runs, trades and open positions of a trade journal; export its tables to CSV or Parquet",
    "usage: mtrader journal FILE runs\n"
    "       mtrader journal FILE trades [--run N] [filters] [--limit N]\n"
    "       mtrader journal FILE open [--run N]\n"
    "       mtrader journal FILE export --table T [--run N] [filters] [--limit N] --out FILE.csv|FILE.parquet\n"
    "\n"
    "Reads the SQLite journal FILE (mtrader backtest --journal; docs/journal.md) read-only:\n"
    "it never changes the file or waits on a process writing it.\n"
    "  runs     every run: kind, wall-clock start and end, data span, timeframe, balance,\n"
    "           agents, trades by kind and the equity curve's last point\n"
    "  trades   the run's trades in id order, filtered\n"
    "  open     the run's open positions with their open risk: what the remaining size loses\n"
    "           against the entry if the current stop fills now (priced with the run's\n"
    "           slippage and default half spread, plus the exit fee), and the real ones' total\n"
    "  export   every column of table T (runs, agents, series, trades, legs, decisions, equity,\n"
    "           orders) as CSV (header, RFC 4180 quoting, NULL empty) or Parquet (INTEGER\n"
    "           INT64, REAL DOUBLE, TEXT UTF-8, NULL null; times TIMESTAMP(MILLIS, UTC)),\n"
    "           written atomically\n"
    "  --run N         the run (default: the latest; export of runs, agents, series: all)\n"
    "  --agent IDX     the agent's index in its run\n"
    "  --symbol S      the series\n"
    "  --kind K        real, sim or tracked\n"
    "  --state S       open, closed or censored\n"
    "  --from, --to    open_time in [FROM, TO) (dates or times, UTC; README: Dates); export of\n"
    "                  decisions and equity: their time\n"
    "  --limit N       at most N rows, the first\n"
    "  --table T, --out FILE  export: the table and the file (.csv or .parquet)\n"
    "Filters apply to trades and to the exports of trades and legs (by their trade); decisions\n"
    "take --agent, --symbol, --from, --to; equity --from, --to.\n",
    run_journal,
};

/* ---- aligned text tables ---- */

#define CELL 40
#define MAX_COLS 16

struct grid {
    size_t ncols;
    const char *const *head;
    char (*cells)[CELL]; /* rows x ncols */
    size_t rows, cap;    /* cap in cells */
};

/* Appends an empty row; its cells are grid_cell(g, g->rows - 1, c). -1 without memory. */
static int grid_row(struct grid *g)
{
    size_t need = (g->rows + 1) * g->ncols;
    while (g->cap < need) {
        char (*w)[CELL] = mt_grow(g->cells, &g->cap, g->cap, sizeof *w, 64 * g->ncols);
        if (!w)
            return -1;
        g->cells = w;
    }
    memset(g->cells[g->rows * g->ncols], 0, g->ncols * CELL);
    g->rows++;
    return 0;
}

static char *cell(struct grid *g, size_t col)
{
    return g->cells[(g->rows - 1) * g->ncols + col];
}

/* Prints g: text columns (left[c]) left-aligned, the others right-aligned, two spaces apart. */
static void grid_print(const struct grid *g, const bool *left)
{
    size_t w[MAX_COLS];
    for (size_t c = 0; c < g->ncols; c++) {
        w[c] = strlen(g->head[c]);
        for (size_t r = 0; r < g->rows; r++) {
            size_t n = strlen(g->cells[r * g->ncols + c]);
            w[c] = n > w[c] ? n : w[c];
        }
    }
    for (size_t r = 0; r <= g->rows; r++) {
        for (size_t c = 0; c < g->ncols; c++) {
            const char *v = r == 0 ? g->head[c] : g->cells[(r - 1) * g->ncols + c];
            bool last = c + 1 == g->ncols;
            if (left[c])
                printf("%s%-*s", c ? "  " : "", last ? 0 : (int)w[c], v);
            else
                printf("%s%*s", c ? "  " : "", (int)w[c], v);
        }
        putchar('\n');
    }
}

static void fmt_time(int64_t t, char *buf)
{
    mt_time_format(t, buf, CELL);
}

/* v with printf format fmt, or "-" for NaN. */
static void fmt_num(double v, const char *fmt, char *buf)
{
    if (isnan(v))
        snprintf(buf, CELL, "-");
    else
        snprintf(buf, CELL, fmt, v);
}

/* ---- options ---- */

enum {
    O_RUN = 1,
    O_AGENT = 2,
    O_SYMBOL = 4,
    O_KIND = 8,
    O_STATE = 16,
    O_FROM = 32,
    O_TO = 64,
    O_LIMIT = 128,
    O_TABLE = 256,
    O_OUT = 512
};

static const char *const option_names[] = {"run", "agent", "symbol", "kind", "state",
                                           "from", "to", "limit", "table", "out"};

struct args {
    unsigned given; /* O_* */
    struct mt_jq_filter f;
    const char *table, *out;
};

/* A whole non-negative integer of option --name into *v. */
static int whole_option(const char *name, const char *text, int64_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(text, &end, 10);
    if (end == text || *end || errno || x < 0)
        return mt_cli_usage_error(&mt_cmd_journal, "--%s '%s': expected a whole number >= 0", name, text);
    *v = x;
    return MT_EXIT_OK;
}

/* value must be one of names[0 .. n). */
static int enum_option(const char *name, const char *value, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(value, names[k]) == 0)
            return MT_EXIT_OK;
    return mt_cli_usage_error(&mt_cmd_journal, "--%s '%s': expected %s, %s or %s", name, value, names[0], names[1],
                              names[2]);
}

static int parse_args(int argc, char **argv, struct args *a, const char **file, const char **sub)
{
    static const struct option opts[] = {
        {"run", required_argument, NULL, O_RUN},       {"agent", required_argument, NULL, O_AGENT},
        {"symbol", required_argument, NULL, O_SYMBOL}, {"kind", required_argument, NULL, O_KIND},
        {"state", required_argument, NULL, O_STATE},   {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},         {"limit", required_argument, NULL, O_LIMIT},
        {"table", required_argument, NULL, O_TABLE},   {"out", required_argument, NULL, O_OUT},
        {NULL, 0, NULL, 0},
    };
    static const char *const kinds[] = {"real", "sim", "tracked"};
    static const char *const states[] = {"open", "closed", "censored"};
    *a = (struct args){.f = mt_jq_filter_all(-1)};
    int c, rc = MT_EXIT_OK;
    struct mt_err err = {0};
    while (rc == MT_EXIT_OK && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        a->given |= (unsigned)c;
        switch (c) {
        case O_RUN: rc = whole_option("run", optarg, &a->f.run); break;
        case O_AGENT: rc = whole_option("agent", optarg, &a->f.agent); break;
        case O_SYMBOL: a->f.symbol = optarg; break;
        case O_KIND: rc = enum_option("kind", a->f.kind = optarg, kinds, 3); break;
        case O_STATE: rc = enum_option("state", a->f.state = optarg, states, 3); break;
        case O_FROM:
        case O_TO:
            if (mt_time_parse(optarg, c == O_FROM ? &a->f.from : &a->f.to, &err))
                rc = mt_cli_usage_error(&mt_cmd_journal, "--%s: %s", c == O_FROM ? "from" : "to", err.msg);
            break;
        case O_LIMIT:
            rc = whole_option("limit", optarg, &a->f.limit);
            if (rc == MT_EXIT_OK && a->f.limit == 0)
                rc = mt_cli_usage_error(&mt_cmd_journal, "--limit 0: expected at least 1");
            break;
        case O_TABLE: a->table = optarg; break;
        case O_OUT: a->out = optarg; break;
        default: rc = mt_cli_usage_error(&mt_cmd_journal, "unknown option"); break;
        }
    }
    if (rc)
        return rc;
    if (argc - optind != 2)
        return mt_cli_usage_error(&mt_cmd_journal, "expected FILE and one of runs, trades, open, export");
    *file = argv[optind];
    *sub = argv[optind + 1];
    if (a->f.from >= a->f.to)
        return mt_cli_usage_error(&mt_cmd_journal, "--from must be before --to");
    return MT_EXIT_OK;
}

/* Refuses the options given that sub does not take. */
static int only_options(const struct args *a, const char *sub, unsigned allowed)
{
    unsigned extra = a->given & ~allowed;
    for (size_t k = 0; extra && k < sizeof option_names / sizeof option_names[0]; k++)
        if (extra & (1u << k))
            return mt_cli_usage_error(&mt_cmd_journal, "%s: --%s does not apply", sub, option_names[k]);
    return MT_EXIT_OK;
}

/* ---- runs ---- */

static int print_runs(struct mt_jq *q, struct mt_err *err)
{
    struct mt_jq_run *v;
    size_t n;
    int rc = mt_jq_runs(q, &v, &n, err);
    if (rc)
        return rc;
    static const char *const head[] = {"id",   "kind",   "started", "ended", "from", "to",           "tf",
                                       "balance", "agents", "real", "sim", "tracked", "final_equity"};
    static const bool left[] = {false, true, true, true, true, true, true, false, false, false, false, false, false};
    struct grid g = {.ncols = sizeof head / sizeof head[0], .head = head};
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct mt_jq_run *r = &v[i];
        if (grid_row(&g)) {
            rc = mt_err_set(err, MT_ENOMEM, "journal: out of memory for %zu runs", n);
            break;
        }
        snprintf(cell(&g, 0), CELL, "%lld", (long long)r->id);
        snprintf(cell(&g, 1), CELL, "%s", r->kind);
        fmt_time(r->started, cell(&g, 2));
        if (r->has_ended)
            fmt_time(r->ended, cell(&g, 3));
        else
            snprintf(cell(&g, 3), CELL, "-");
        if (r->span_from != INT64_MIN)
            fmt_time(r->span_from, cell(&g, 4));
        else
            snprintf(cell(&g, 4), CELL, "start");
        if (r->span_to != INT64_MAX)
            fmt_time(r->span_to, cell(&g, 5));
        else
            snprintf(cell(&g, 5), CELL, "end");
        snprintf(cell(&g, 6), CELL, "%s", r->timeframe);
        fmt_num(r->balance, "%.2f", cell(&g, 7));
        snprintf(cell(&g, 8), CELL, "%lld", (long long)r->n_agents);
        snprintf(cell(&g, 9), CELL, "%lld", (long long)r->n_real);
        snprintf(cell(&g, 10), CELL, "%lld", (long long)r->n_sim);
        snprintf(cell(&g, 11), CELL, "%lld", (long long)r->n_tracked);
        fmt_num(r->final_equity, "%.2f", cell(&g, 12));
    }
    if (rc == 0) {
        grid_print(&g, left);
        printf("%zu run%s\n", n, n == 1 ? "" : "s");
    }
    free(g.cells);
    free(v);
    return rc;
}

/* ---- trades and open positions ---- */

static int print_trades(struct mt_jq *q, const struct mt_jq_filter *f, struct mt_err *err)
{
    struct mt_jq_trade *v;
    size_t n;
    int rc = mt_jq_trades(q, f, &v, &n, err);
    if (rc)
        return rc;
    static const char *const head[] = {"id",    "parent", "agent", "symbol", "kind", "side",        "open_time",
                                       "close_time", "entry", "stop", "init_size", "pnl", "r", "exit_reason", "state"};
    static const bool left[] = {false, false, false, true,  true,  true,  true, true,
                                false, false, false, false, false, true,  true};
    struct grid g = {.ncols = sizeof head / sizeof head[0], .head = head};
    for (size_t i = 0; i < n; i++) {
        const struct mt_jq_trade *t = &v[i];
        if (grid_row(&g)) {
            rc = mt_err_set(err, MT_ENOMEM, "journal: out of memory for %zu trades", n);
            break;
        }
        snprintf(cell(&g, 0), CELL, "%lld", (long long)t->id);
        if (t->parent >= 0)
            snprintf(cell(&g, 1), CELL, "%lld", (long long)t->parent);
        else
            snprintf(cell(&g, 1), CELL, "-");
        snprintf(cell(&g, 2), CELL, "%lld", (long long)t->agent);
        snprintf(cell(&g, 3), CELL, "%s", t->symbol);
        snprintf(cell(&g, 4), CELL, "%s", t->kind);
        snprintf(cell(&g, 5), CELL, "%s", t->side);
        fmt_time(t->open_time, cell(&g, 6));
        if (t->has_close)
            fmt_time(t->close_time, cell(&g, 7));
        else
            snprintf(cell(&g, 7), CELL, "-");
        fmt_num(t->entry, "%.6g", cell(&g, 8));
        fmt_num(t->stop, "%.6g", cell(&g, 9));
        fmt_num(t->init_size, "%.6g", cell(&g, 10));
        fmt_num(t->pnl, "%.2f", cell(&g, 11));
        fmt_num(t->r, "%.3f", cell(&g, 12));
        snprintf(cell(&g, 13), CELL, "%s", t->exit_reason);
        snprintf(cell(&g, 14), CELL, "%s", t->state);
    }
    if (rc == 0) {
        grid_print(&g, left);
        printf("%zu trade%s of run %lld\n", n, n == 1 ? "" : "s", (long long)f->run);
    }
    free(g.cells);
    free(v);
    return rc;
}

static int print_open(struct mt_jq *q, int64_t run, struct mt_err *err)
{
    struct mt_jq_filter f = mt_jq_filter_all(run);
    f.state = "open";
    struct mt_jq_trade *v;
    size_t n;
    int rc = mt_jq_trades(q, &f, &v, &n, err);
    if (rc)
        return rc;
    static const char *const head[] = {"id",    "agent", "symbol", "kind", "side",
                                       "open_time", "entry", "stop", "size", "open_risk"};
    static const bool left[] = {false, false, true, true, true, true, false, false, false, false};
    struct grid g = {.ncols = sizeof head / sizeof head[0], .head = head};
    double total = 0.0;
    size_t real = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mt_jq_trade *t = &v[i];
        if (grid_row(&g)) {
            rc = mt_err_set(err, MT_ENOMEM, "journal: out of memory for %zu trades", n);
            break;
        }
        snprintf(cell(&g, 0), CELL, "%lld", (long long)t->id);
        snprintf(cell(&g, 1), CELL, "%lld", (long long)t->agent);
        snprintf(cell(&g, 2), CELL, "%s", t->symbol);
        snprintf(cell(&g, 3), CELL, "%s", t->kind);
        snprintf(cell(&g, 4), CELL, "%s", t->side);
        fmt_time(t->open_time, cell(&g, 5));
        fmt_num(t->entry, "%.6g", cell(&g, 6));
        fmt_num(t->stop, "%.6g", cell(&g, 7));
        fmt_num(t->size, "%.6g", cell(&g, 8));
        fmt_num(t->open_risk, "%.2f", cell(&g, 9));
        if (strcmp(t->kind, "real") == 0) { /* sims and tracked trades put no money at risk */
            total += t->open_risk;
            real++;
        }
    }
    if (rc == 0) {
        grid_print(&g, left);
        printf("%zu open position%s of run %lld, %zu real; their open risk %.2f quote\n", n, n == 1 ? "" : "s",
               (long long)run, real, total);
    }
    free(g.cells);
    free(v);
    return rc;
}

/* ---- export ---- */

/* Writes s as a CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void put_csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_csv(FILE *f, void *ctx, struct mt_err *err)
{
    struct mt_jq_cursor *c = ctx;
    size_t nc = mt_jq_cursor_ncols(c);
    for (size_t i = 0; i < nc; i++) {
        if (i)
            fputc(',', f);
        put_csv_text(f, mt_jq_cursor_column(c, i)->name);
    }
    fputc('\n', f);
    int rc;
    while ((rc = mt_jq_cursor_next(c, err)) == 1) {
        for (size_t i = 0; i < nc; i++) {
            if (i)
                fputc(',', f);
            if (mt_jq_cursor_null(c, i))
                continue;
            char buf[32];
            switch (mt_jq_cursor_column(c, i)->type) {
            case MT_JQ_INTEGER: fprintf(f, "%lld", (long long)mt_jq_cursor_int(c, i)); break;
            case MT_JQ_REAL: fputs(mt_fmt_double(mt_jq_cursor_real(c, i), buf, sizeof buf), f); break;
            case MT_JQ_TEXT: put_csv_text(f, mt_jq_cursor_text(c, i)); break;
            }
        }
        fputc('\n', f);
    }
    if (rc < 0)
        return rc;
    if (ferror(f))
        return mt_err_set(err, MT_EIO, "journal csv: write failed: %s", strerror(errno));
    return 0;
}

/* Rows of one Parquet row group. */
#define BATCH_ROWS 65536

/* One column's values of a batch. */
struct batch_col {
    int64_t *i;
    double *d;
    char **s;
    uint8_t *valid;
};

static void batch_clear(struct batch_col *b, size_t nc, size_t rows)
{
    for (size_t k = 0; k < nc; k++)
        if (b[k].s)
            for (size_t r = 0; r < rows; r++) {
                free(b[k].s[r]);
                b[k].s[r] = NULL;
            }
}

/* Appends the batch's rows to w. */
static int batch_flush(struct mt_pq_writer *w, struct mt_pq_column *schema, struct batch_col *b, size_t nc,
                       size_t rows, struct mt_err *err)
{
    for (size_t k = 0; k < nc; k++) {
        schema[k].values = b[k].i ? (const void *)b[k].i : b[k].d ? (const void *)b[k].d : (const void *)b[k].s;
        schema[k].valid = schema[k].optional ? b[k].valid : NULL;
    }
    const struct mt_pq_table t = {.nrows = rows, .ncols = nc, .cols = schema};
    int rc = mt_pq_writer_append(w, &t, err);
    batch_clear(b, nc, rows);
    return rc;
}

static int write_parquet(struct mt_jq_cursor *c, const char *path, size_t *bytes, struct mt_err *err)
{
    size_t nc = mt_jq_cursor_ncols(c);
    struct mt_pq_column *schema = calloc(nc, sizeof *schema);
    struct batch_col *b = calloc(nc, sizeof *b);
    int rc = schema && b ? 0 : mt_err_set(err, MT_ENOMEM, "journal parquet %s: out of memory", path);
    for (size_t k = 0; k < nc && rc == 0; k++) {
        const struct mt_jq_column *col = mt_jq_cursor_column(c, k);
        enum mt_pq_type type = col->type == MT_JQ_INTEGER ? MT_PQ_INT64
                               : col->type == MT_JQ_REAL  ? MT_PQ_DOUBLE
                                                          : MT_PQ_BYTE_ARRAY;
        schema[k] = (struct mt_pq_column){col->name, type, col->time ? MT_PQ_MILLIS : MT_PQ_NOT_TIME, col->nullable,
                                          NULL, NULL};
        if (type == MT_PQ_INT64)
            b[k].i = malloc(BATCH_ROWS * sizeof *b[k].i);
        else if (type == MT_PQ_DOUBLE)
            b[k].d = malloc(BATCH_ROWS * sizeof *b[k].d);
        else
            b[k].s = calloc(BATCH_ROWS, sizeof *b[k].s);
        b[k].valid = malloc(BATCH_ROWS);
        if (!b[k].valid || !(b[k].i || b[k].d || b[k].s))
            rc = mt_err_set(err, MT_ENOMEM, "journal parquet %s: out of memory", path);
    }
    struct mt_pq_writer *w = NULL;
    const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .statistics = true, .row_group_rows = BATCH_ROWS};
    if (rc == 0)
        rc = mt_pq_writer_open(&w, path, schema, nc, &opts, err);
    size_t rows = 0;
    int step;
    while (rc == 0 && (step = mt_jq_cursor_next(c, err)) == 1) {
        for (size_t k = 0; k < nc && rc == 0; k++) {
            bool null = mt_jq_cursor_null(c, k);
            if (null && !schema[k].optional)
                rc = mt_err_set(err, MT_EDATA, "journal: column %s holds a NULL", schema[k].name);
            b[k].valid[rows] = !null;
            if (b[k].i)
                b[k].i[rows] = null ? 0 : mt_jq_cursor_int(c, k);
            else if (b[k].d)
                b[k].d[rows] = null ? NAN : mt_jq_cursor_real(c, k);
            else if (!null && !(b[k].s[rows] = strdup(mt_jq_cursor_text(c, k))))
                rc = mt_err_set(err, MT_ENOMEM, "journal parquet %s: out of memory", path);
        }
        if (rc == 0 && ++rows == BATCH_ROWS) {
            rc = batch_flush(w, schema, b, nc, rows, err);
            rows = 0;
        }
    }
    if (rc == 0 && step < 0)
        rc = step;
    if (rc == 0 && rows)
        rc = batch_flush(w, schema, b, nc, rows, err);
    if (rc == 0) {
        rc = mt_pq_writer_close(w, bytes, err);
        w = NULL;
    }
    mt_pq_writer_free(w);
    if (b) {
        batch_clear(b, nc, BATCH_ROWS);
        for (size_t k = 0; k < nc; k++) {
            free(b[k].i);
            free(b[k].d);
            free(b[k].s);
            free(b[k].valid);
        }
    }
    free(b);
    free(schema);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Exports what c reads of a->table to a->out. */
static int export_table(struct mt_jq_cursor *c, const struct args *a, struct mt_err *err)
{
    size_t bytes = 0;
    int rc = ends_with(a->out, ".csv") ? mt_atomic_write(a->out, write_csv, c, &bytes, err)
                                   : write_parquet(c, a->out, &bytes, err);
    if (rc == 0)
        printf("journal %s -> %s (%zu bytes)\n", a->table, a->out, bytes);
    return rc;
}

/* ---- the command ---- */

static int run_journal(struct mt_cli *cli, int argc, char **argv)
{
    struct args a;
    const char *file = NULL, *sub = NULL;
    int rc = parse_args(argc, argv, &a, &file, &sub);
    if (rc)
        return rc;
    const unsigned filters = O_RUN | O_AGENT | O_SYMBOL | O_KIND | O_STATE | O_FROM | O_TO | O_LIMIT;
    bool export = strcmp(sub, "export") == 0;
    if (strcmp(sub, "runs") == 0)
        rc = only_options(&a, sub, 0);
    else if (strcmp(sub, "trades") == 0)
        rc = only_options(&a, sub, filters);
    else if (strcmp(sub, "open") == 0)
        rc = only_options(&a, sub, O_RUN);
    else if (export)
        rc = only_options(&a, sub, filters | O_TABLE | O_OUT);
    else
        return mt_cli_usage_error(&mt_cmd_journal, "unknown subcommand '%s' (runs, trades, open, export)", sub);
    if (rc)
        return rc;
    if (export) {
        if (!a.table || !a.out)
            return mt_cli_usage_error(&mt_cmd_journal, "export: --table and --out are required");
        if (!ends_with(a.out, ".csv") && !ends_with(a.out, ".parquet"))
            return mt_cli_usage_error(&mt_cmd_journal, "--out '%s': the name must end in .csv or .parquet", a.out);
        if ((rc = mt_cli_check_outputs(&mt_cmd_journal, cli, (const char *const[]){"out"}, &a.out, 1)))
            return rc;
    }

    struct mt_err err = {0};
    struct mt_jq *q;
    if ((rc = mt_jq_open(file, &q, &err)))
        return mt_cli_fail(&err);
    /* the latest run by default; the exports of runs, agents and series take every run */
    bool all_runs = export && (strcmp(a.table, "runs") == 0 || strcmp(a.table, "agents") == 0 ||
                               strcmp(a.table, "series") == 0);
    if (strcmp(sub, "runs") != 0 && !(a.given & O_RUN) && !all_runs)
        rc = mt_jq_latest_run(q, &a.f.run, &err);
    if (rc == 0) {
        if (strcmp(sub, "runs") == 0)
            rc = print_runs(q, &err);
        else if (strcmp(sub, "trades") == 0)
            rc = print_trades(q, &a.f, &err);
        else if (strcmp(sub, "open") == 0)
            rc = print_open(q, a.f.run, &err);
        else {
            struct mt_jq_cursor *c = NULL;
            /* a table or filter that does not apply is the caller's mistake */
            if ((rc = mt_jq_cursor_open(q, a.table, &a.f, &c, &err)) == MT_EINVAL) {
                mt_jq_close(q);
                return mt_cli_usage_error(&mt_cmd_journal, "export: %s", err.msg);
            }
            if (rc == 0)
                rc = export_table(c, &a, &err);
            mt_jq_cursor_free(c);
        }
    }
    mt_jq_close(q);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
