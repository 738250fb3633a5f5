/* The labelled setup dataset (see dataset.h).
 *
 * Every column the file has is described once: `layout` lists the fixed
 * columns in file order, with a placeholder where each group of dynamic
 * columns (context, features, win flags) sits; column() turns the layout and
 * a dataset into the i-th column of its file (name, Parquet type, where its
 * values are kept and how they are converted). Growing the rows, freeing
 * them, the writer's schema and rows, and the reader's checks and decoding
 * all walk those columns, so a column is added in one place. */
#include "ml/dataset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "parquet/parquet.h"
#include "strategy/strategy.h"

/* How a column's values are kept in the struct and put in the file. */
enum conv {
    CONV_AS_IS,  /* the member's values as they are (int32, int64, float or double) */
    CONV_NAME,   /* uint32 indices into d->names -> strings */
    CONV_TF,     /* enum mt_tf -> its Binance name */
    CONV_KIND,   /* int32 enum mt_trade_kind -> "sim" or "tracked" */
    CONV_EXIT,   /* int32 enum mt_exit -> its name */
    CONV_HOURS,  /* int64 ms -> double hours */
    CONV_WIN,    /* no member: r >= the column's threshold, int32 0/1 */
};

/* The dynamic columns' groups; GROUP_NONE is a fixed column. */
enum group { GROUP_NONE, GROUP_CTX, GROUP_FEAT, GROUP_WIN };

struct layout {
    const char *name;
    enum mt_pq_type type;
    enum mt_pq_time_unit unit;
    enum conv conv;
    size_t member, elem; /* offsetof the member's array pointer, size of one value */
    enum group group;
};

#define MEMBER(m) offsetof(struct mt_dataset, m), sizeof *((struct mt_dataset *)0)->m
#define FIXED(name, type, conv, m) {name, type, MT_PQ_NOT_TIME, conv, MEMBER(m), GROUP_NONE}
#define GROUP(g) {NULL, MT_PQ_BOOLEAN, MT_PQ_NOT_TIME, CONV_AS_IS, 0, 0, g}

/* The file's columns in order. Fixed columns are REQUIRED; context columns
 * are OPTIONAL doubles (null where a row's strategy lacks the value), feature
 * columns REQUIRED floats, win columns REQUIRED int32. */
static const struct layout layout[] = {
    FIXED("symbol", MT_PQ_BYTE_ARRAY, CONV_NAME, symbol),
    FIXED("timeframe", MT_PQ_BYTE_ARRAY, CONV_TF, tf),
    FIXED("strategy", MT_PQ_BYTE_ARRAY, CONV_NAME, strategy),
    {"time", MT_PQ_INT64, MT_PQ_MILLIS, CONV_AS_IS, MEMBER(time), GROUP_NONE},
    FIXED("kind", MT_PQ_BYTE_ARRAY, CONV_KIND, kind),
    FIXED("side", MT_PQ_INT32, CONV_AS_IS, side),
    FIXED("price", MT_PQ_DOUBLE, CONV_AS_IS, price),
    FIXED("stop", MT_PQ_DOUBLE, CONV_AS_IS, stop),
    FIXED("target", MT_PQ_DOUBLE, CONV_AS_IS, target),
    FIXED("rr", MT_PQ_DOUBLE, CONV_AS_IS, rr),
    GROUP(GROUP_CTX),
    GROUP(GROUP_FEAT),
    FIXED("exit", MT_PQ_BYTE_ARRAY, CONV_EXIT, exit),
    FIXED("pnl", MT_PQ_DOUBLE, CONV_AS_IS, pnl),
    FIXED("r", MT_PQ_DOUBLE, CONV_AS_IS, r),
    GROUP(GROUP_WIN),
    FIXED("duration_h", MT_PQ_DOUBLE, CONV_HOURS, duration_ms),
    FIXED("mae_r", MT_PQ_DOUBLE, CONV_AS_IS, mae_r),
    FIXED("mfe_r", MT_PQ_DOUBLE, CONV_AS_IS, mfe_r),
    FIXED("censored", MT_PQ_INT32, CONV_AS_IS, censored),
    FIXED("ambiguous", MT_PQ_INT32, CONV_AS_IS, ambiguous),
};

#define N_LAYOUT (sizeof layout / sizeof layout[0])
#define N_GROUPS 3
#define COL_NAME_MAX (MT_FSET_NAME_MAX + 8)

/* One column of the file, resolved against a dataset. */
struct col {
    char name[COL_NAME_MAX];
    enum mt_pq_type type;
    enum mt_pq_time_unit unit;
    bool optional;
    enum conv conv;
    void **values;   /* the member holding the rows' values (NULL for CONV_WIN) */
    size_t elem;     /* size of one value in *values */
    uint8_t **valid; /* OPTIONAL columns: the member holding the validity flags */
    double win;      /* CONV_WIN: the threshold in R */
};

static size_t group_size(const struct mt_dataset *d, enum group g)
{
    switch (g) {
    case GROUP_CTX: return d->n_ctx;
    case GROUP_FEAT: return d->n_feat;
    case GROUP_WIN: return d->n_win;
    case GROUP_NONE: break;
    }
    return 1;
}

size_t mt_dataset_columns(const struct mt_dataset *d)
{
    size_t n = 0;
    for (size_t i = 0; i < N_LAYOUT; i++)
        n += group_size(d, layout[i].group);
    return n;
}

/* The name of the win column of threshold win_r: "win_<win_r>r". */
static void win_name(double win_r, char *buf, size_t size)
{
    char num[32];
    snprintf(buf, size, "win_%sr", mt_fmt_double(win_r, num, sizeof num));
}

/* Column i (< mt_dataset_columns(d)) of d's file. */
static void column(struct mt_dataset *d, size_t i, struct col *c)
{
    const struct layout *e = layout;
    size_t k = i;
    for (; k >= group_size(d, e->group); e++) {
        k -= group_size(d, e->group);
        assert(e + 1 < layout + N_LAYOUT);
    }
    *c = (struct col){.type = e->type, .unit = e->unit, .conv = e->conv, .elem = e->elem};
    switch (e->group) {
    case GROUP_NONE:
        snprintf(c->name, sizeof c->name, "%s", e->name);
        c->values = (void **)((char *)d + e->member);
        break;
    case GROUP_CTX:
        snprintf(c->name, sizeof c->name, "ctx_%s", d->ctx_name[k]);
        c->type = MT_PQ_DOUBLE;
        c->optional = true;
        c->values = (void **)&d->ctx[k];
        c->elem = sizeof *d->ctx[k];
        c->valid = &d->ctx_valid[k];
        break;
    case GROUP_FEAT:
        snprintf(c->name, sizeof c->name, "%s", d->feat_name[k]);
        c->type = MT_PQ_FLOAT;
        c->values = (void **)&d->feat[k];
        c->elem = sizeof *d->feat[k];
        break;
    case GROUP_WIN:
        win_name(d->win_r[k], c->name, sizeof c->name);
        c->type = MT_PQ_INT32;
        c->conv = CONV_WIN;
        c->win = d->win_r[k];
        break;
    }
}

int mt_dataset_init(struct mt_dataset *d, const double *win_r, size_t n_win, struct mt_err *err)
{
    memset(d, 0, sizeof *d);
    if (n_win > MT_DATASET_MAX_WIN)
        return mt_err_set(err, MT_EINVAL, "dataset: at most %d win thresholds, got %zu", MT_DATASET_MAX_WIN, n_win);
    for (size_t k = 0; k < n_win; k++) {
        if (!isfinite(win_r[k]))
            return mt_err_set(err, MT_EINVAL, "dataset: win threshold %zu is not a number", k + 1);
        d->win_r[k] = win_r[k];
    }
    d->n_win = n_win;
    return 0;
}

/* Frees the rows held (the columns' names and the file stay). */
static void drop_rows(struct mt_dataset *d)
{
    size_t n = mt_dataset_columns(d);
    for (size_t i = 0; i < n; i++) {
        struct col c;
        column(d, i, &c);
        if (c.values) {
            free(*c.values);
            *c.values = NULL;
        }
        if (c.valid) {
            free(*c.valid);
            *c.valid = NULL;
        }
    }
    d->rows = d->cap = 0;
}

void mt_dataset_release(struct mt_dataset *d)
{
    mt_pq_writer_free(d->writer);
    drop_rows(d);
    for (size_t i = 0; i < d->n_names; i++)
        free(d->names[i]);
    free(d->names);
    for (size_t k = 0; k < d->n_ctx; k++)
        free(d->ctx_name[k]);
    free(d->feat);
    free(d->feat_name);
    memset(d, 0, sizeof *d);
}

/* Grows *p (count elements of size elem) to cap elements, zeroing the new
 * ones; false without memory (p untouched). */
static bool grow_array(void **p, size_t elem, size_t count, size_t cap)
{
    void *q = realloc(*p, cap * elem);
    if (!q)
        return false;
    memset((char *)q + count * elem, 0, (cap - count) * elem);
    *p = q;
    return true;
}

/* Room for n rows in every column (n > 0). */
static bool reserve(struct mt_dataset *d, size_t n)
{
    if (n <= d->cap)
        return true;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    if (cap < n)
        cap = n;
    size_t ncols = mt_dataset_columns(d);
    for (size_t i = 0; i < ncols; i++) {
        struct col c;
        column(d, i, &c);
        if ((c.values && !grow_array(c.values, c.elem, d->rows, cap)) ||
            (c.valid && !grow_array((void **)c.valid, 1, d->rows, cap)))
            return false;
    }
    d->cap = cap;
    return true;
}

/* Index of name in the interned names, added if new; -1 without memory. */
static long intern(struct mt_dataset *d, const char *name)
{
    for (size_t i = 0; i < d->n_names; i++)
        if (strcmp(d->names[i], name) == 0)
            return (long)i;
    char **names = realloc(d->names, (d->n_names + 1) * sizeof *names);
    if (!names)
        return -1;
    d->names = names;
    if (!(names[d->n_names] = strdup(name)))
        return -1;
    return (long)d->n_names++;
}

/* Adds context column `name` (a copy; its values zero and null for the rows
 * held). */
static int add_context(struct mt_dataset *d, const char *name, struct mt_err *err)
{
    size_t k = d->n_ctx, n = d->cap ? d->cap : 1;
    char *copy = strdup(name);
    double *v = calloc(n, sizeof *v);
    uint8_t *valid = calloc(n, 1);
    if (!copy || !v || !valid) {
        free(copy);
        free(v);
        free(valid);
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    }
    d->ctx_name[k] = copy;
    d->ctx[k] = v;
    d->ctx_valid[k] = valid;
    d->n_ctx++;
    return 0;
}

/* Column of context value `name`, added (null for the earlier rows) if new. */
static int context_column(struct mt_dataset *d, const char *name, size_t *col, struct mt_err *err)
{
    for (size_t k = 0; k < d->n_ctx; k++)
        if (strcmp(d->ctx_name[k], name) == 0) {
            *col = k;
            return 0;
        }
    if (d->writer)
        return mt_err_set(err, MT_EINVAL,
                          "dataset: context value '%s' is new after rows were written (the file's "
                          "columns are fixed)",
                          name);
    if (d->n_ctx == MT_DATASET_MAX_CONTEXT)
        return mt_err_set(err, MT_EINVAL, "dataset: more than %d context names", MT_DATASET_MAX_CONTEXT);
    *col = d->n_ctx;
    return add_context(d, name, err);
}

/* Names the feature columns of a dataset holding no rows (their arrays come
 * with the first row). */
static int name_features(struct mt_dataset *d, const char (*names)[MT_FSET_NAME_MAX], size_t cols,
                         struct mt_err *err)
{
    assert(d->rows == 0 && d->cap == 0 && !d->feat_name);
    d->feat_name = malloc(cols * sizeof *d->feat_name);
    d->feat = calloc(cols, sizeof *d->feat);
    if (!d->feat_name || !d->feat)
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    memcpy(d->feat_name, names, cols * sizeof *d->feat_name);
    d->n_feat = cols;
    return 0;
}

/* Fixes the feature columns from the first matrix; checks later ones match. */
static int feature_columns(struct mt_dataset *d, const struct mt_fmatrix *m, struct mt_err *err)
{
    size_t cols = m ? m->cols : 0;
    if (d->feat_name || d->rows > 0 || d->writer) {
        bool same = cols == d->n_feat;
        for (size_t c = 0; same && c < cols; c++)
            same = strcmp(m->names[c], d->feat_name[c]) == 0;
        if (!same)
            return mt_err_set(err, MT_EINVAL, "dataset: the feature columns differ from the first series' (%zu vs %zu)",
                              cols, d->n_feat);
        return 0;
    }
    return cols ? name_features(d, (const char (*)[MT_FSET_NAME_MAX])m->names, cols, err) : 0;
}

int mt_dataset_add(struct mt_dataset *d, const char *symbol, enum mt_tf tf, const char *strategy_id,
                   const struct mt_setup_outcomes *o, const struct mt_fmatrix *features, struct mt_err *err)
{
    int rc = feature_columns(d, features, err);
    if (rc)
        return rc;
    struct mt_strategy st;
    if ((rc = mt_strategy_parse(strategy_id, tf, 0.0, &st, err)))
        return rc;
    size_t ctx_col[MT_SETUP_CONTEXT];
    int n_ctx = mt_strategy_n_context(&st);
    for (int k = 0; k < n_ctx && rc == 0; k++)
        rc = context_column(d, mt_strategy_context_name(&st, k), &ctx_col[k], err);
    mt_strategy_release(&st);
    if (rc)
        return rc;
    long sym = intern(d, symbol), strat = intern(d, strategy_id);
    if (sym < 0 || strat < 0)
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    for (size_t i = 0; i < o->n; i++) {
        if (!reserve(d, d->rows + 1))
            return mt_err_set(err, MT_ENOMEM, "dataset: out of memory at %zu rows", d->rows);
        const struct mt_setup_outcome *x = &o->v[i];
        const struct mt_trade *t = &x->trade;
        size_t r = d->rows++;
        d->symbol[r] = (uint32_t)sym;
        d->strategy[r] = (uint32_t)strat;
        d->tf[r] = tf;
        d->time[r] = x->setup.time;
        d->side[r] = x->setup.side;
        d->kind[r] = (int32_t)t->kind;
        d->price[r] = x->setup.price;
        d->stop[r] = x->setup.stop;
        d->target[r] = x->setup.target;
        d->rr[r] = x->setup.rr;
        for (int k = 0; k < n_ctx && k < x->setup.n_context; k++) {
            d->ctx[ctx_col[k]][r] = x->setup.context[k];
            d->ctx_valid[ctx_col[k]][r] = 1;
        }
        for (size_t c = 0; c < d->n_feat; c++)
            d->feat[c][r] = features->v[c * features->rows + x->bar];
        d->exit[r] = (int32_t)t->exit;
        d->pnl[r] = mt_trade_pnl(t) / (t->init_size * t->entry);
        d->r[r] = mt_trade_r(t);
        d->duration_ms[r] = t->close_time - t->open_time;
        d->mae_r[r] = t->mae_r;
        d->mfe_r[r] = t->mfe_r;
        d->censored[r] = t->exit == MT_EXIT_CENSORED;
        d->ambiguous[r] = t->ambiguous;
    }
    return 0;
}

/* ---- the enum columns' strings ---- */

static const char *kind_name(int32_t kind)
{
    return kind == MT_TRADE_TRACKED ? "tracked" : "sim";
}

/* Kind and exit names back to their enums; false for a name none has. */
static bool kind_parse(const char *s, int32_t *out)
{
    const int32_t kinds[] = {MT_TRADE_SIM, MT_TRADE_TRACKED};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(s, kind_name(kinds[i])) == 0) {
            *out = kinds[i];
            return true;
        }
    return false;
}

static bool exit_parse(const char *s, int32_t *out)
{
    for (int32_t e = MT_EXIT_NONE; e <= MT_EXIT_CENSORED; e++)
        if (strcmp(s, mt_exit_name((enum mt_exit)e)) == 0) {
            *out = e;
            return true;
        }
    return false;
}

/* ---- writing ---- */

/* Column c's values over the rows held, as the file has them: the member
 * itself (CONV_AS_IS) or *buf, allocated here (the caller frees it). */
static int encode(const struct mt_dataset *d, const struct col *c, const void **values, void **buf,
                  struct mt_err *err)
{
    *buf = NULL;
    if (c->conv == CONV_AS_IS) {
        *values = *c->values;
        return 0;
    }
    size_t n = d->rows ? d->rows : 1;
    size_t elem = c->conv == CONV_HOURS ? sizeof(double) : c->conv == CONV_WIN ? sizeof(int32_t) : sizeof(char *);
    if (!(*buf = malloc(n * elem)))
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory for %zu rows of '%s'", d->rows, c->name);
    const char **s = *buf;
    double *h = *buf;
    int32_t *w = *buf;
    for (size_t r = 0; r < d->rows; r++) {
        switch (c->conv) {
        case CONV_NAME: s[r] = d->names[((const uint32_t *)*c->values)[r]]; break;
        case CONV_TF: s[r] = mt_tf_name(((const enum mt_tf *)*c->values)[r]); break;
        case CONV_KIND: s[r] = kind_name(((const int32_t *)*c->values)[r]); break;
        case CONV_EXIT: s[r] = mt_exit_name((enum mt_exit)((const int32_t *)*c->values)[r]); break;
        case CONV_HOURS: h[r] = (double)((const int64_t *)*c->values)[r] / 3600000.0; break;
        case CONV_WIN: w[r] = d->r[r] >= c->win; break;
        case CONV_AS_IS: break;
        }
    }
    *values = *buf;
    return 0;
}

int mt_dataset_flush(struct mt_dataset *d, const char *path, struct mt_err *err)
{
    if (d->rows == 0 && d->writer)
        return 0;
    size_t ncols = mt_dataset_columns(d);
    struct col *cs = calloc(ncols, sizeof *cs);
    struct mt_pq_column *pq = calloc(ncols, sizeof *pq);
    void **bufs = calloc(ncols, sizeof *bufs);
    int rc = cs && pq && bufs ? 0 : mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        column(d, i, &cs[i]);
        pq[i] = (struct mt_pq_column){cs[i].name, cs[i].type, cs[i].unit, cs[i].optional, NULL,
                                      cs[i].valid ? *cs[i].valid : NULL};
        rc = encode(d, &cs[i], &pq[i].values, &bufs[i], err);
    }
    if (rc == 0) {
        const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .statistics = true};
        if (!d->writer)
            rc = mt_pq_writer_open(&d->writer, path, pq, ncols, &opts, err);
        const struct mt_pq_table rows = {.nrows = d->rows, .ncols = ncols, .cols = pq};
        if (rc == 0)
            rc = mt_pq_writer_append(d->writer, &rows, err);
    }
    for (size_t i = 0; bufs && i < ncols; i++)
        free(bufs[i]);
    free(bufs);
    free(pq);
    free(cs);
    if (rc == 0) {
        d->written += d->rows;
        drop_rows(d);
    }
    return rc;
}

int mt_dataset_write(struct mt_dataset *d, const char *path, size_t *bytes, struct mt_err *err)
{
    int rc = mt_dataset_flush(d, path, err);
    if (rc)
        return rc;
    rc = mt_pq_writer_close(d->writer, bytes, err);
    d->writer = NULL;
    return rc;
}

/* ---- reading ---- */

/* "TYPE[ TIMESTAMP(MILLIS)] REQUIRED|OPTIONAL" into buf. */
static const char *type_desc(enum mt_pq_type t, enum mt_pq_time_unit u, bool optional, char *buf, size_t size)
{
    static const char *const units[] = {"", " TIMESTAMP(MILLIS)", " TIMESTAMP(MICROS)", " TIMESTAMP(NANOS)"};
    snprintf(buf, size, "%s%s %s", mt_pq_type_name((int32_t)t), units[u], optional ? "OPTIONAL" : "REQUIRED");
    return buf;
}

/* File column f must have type and unit, REQUIRED or OPTIONAL as said;
 * what names the kind of column in the message. */
static int check_type(const char *path, const struct mt_pq_column *f, enum mt_pq_type type, enum mt_pq_time_unit unit,
                      bool optional, const char *what, struct mt_err *err)
{
    if (f->type == type && f->time_unit == unit && f->optional == optional)
        return 0;
    char got[64], want[64];
    return mt_err_set(err, MT_EFORMAT, "%s: column '%s' is %s, expected %s (%s)", path, f->name,
                      type_desc(f->type, f->time_unit, f->optional, got, sizeof got),
                      type_desc(type, unit, optional, want, sizeof want), what);
}

/* Takes file column f as the next column of group g of d (its name, and
 * for win columns the threshold parsed back from it). */
static int take_dynamic(const char *path, struct mt_dataset *d, enum group g, const struct mt_pq_column *f,
                        struct mt_err *err)
{
    size_t len = strlen(f->name);
    switch (g) {
    case GROUP_CTX: {
        int rc = check_type(path, f, MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, "a context column", err);
        if (rc)
            return rc;
        if (d->n_ctx == MT_DATASET_MAX_CONTEXT || len >= COL_NAME_MAX)
            return mt_err_set(err, MT_ELIMIT, "%s: column '%s': more than %d context columns or a name over %d bytes",
                              path, f->name, MT_DATASET_MAX_CONTEXT, COL_NAME_MAX - 1);
        return add_context(d, f->name + 4, err);
    }
    case GROUP_FEAT:
        if (len >= MT_FSET_NAME_MAX)
            return mt_err_set(err, MT_ELIMIT, "%s: feature column '%.40s...' has a name over %d bytes", path, f->name,
                              MT_FSET_NAME_MAX - 1);
        return check_type(path, f, MT_PQ_FLOAT, MT_PQ_NOT_TIME, false, "a feature column", err);
    case GROUP_WIN: {
        int rc = check_type(path, f, MT_PQ_INT32, MT_PQ_NOT_TIME, false, "a win flag", err);
        if (rc)
            return rc;
        char *end, canon[COL_NAME_MAX];
        double v = len > 5 ? strtod(f->name + 4, &end) : NAN;
        if (isfinite(v))
            win_name(v, canon, sizeof canon);
        if (!isfinite(v) || strcmp(canon, f->name) != 0)
            return mt_err_set(err, MT_EFORMAT, "%s: column '%s' between 'r' and 'duration_h' is not a win flag "
                              "(expected win_<R>r)", path, f->name);
        if (d->n_win == MT_DATASET_MAX_WIN)
            return mt_err_set(err, MT_ELIMIT, "%s: more than %d win columns", path, MT_DATASET_MAX_WIN);
        d->win_r[d->n_win++] = v;
        return 0;
    }
    case GROUP_NONE: break;
    }
    assert(0);
    return MT_EINVAL;
}

/* Checks the file's columns against the layout and sets d's dynamic
 * columns from them; the file's columns are then d's, in the same order. */
static int read_schema(const char *path, const struct mt_pq_table *t, struct mt_dataset *d, struct mt_err *err)
{
    size_t p = 0, feat_first = 0, n_feat = 0;
    enum group pending[N_GROUPS];
    size_t n_pending = 0;
    const char *prev = NULL;
    int rc = 0;
    for (size_t i = 0; i < N_LAYOUT; i++) {
        const struct layout *e = &layout[i];
        if (e->group != GROUP_NONE) {
            assert(n_pending < N_GROUPS);
            pending[n_pending++] = e->group;
            continue;
        }
        int at = mt_pq_table_find(t, e->name);
        char want[64];
        if (at < 0)
            return mt_err_set(err, MT_EFORMAT, "%s: not a setup dataset: no column '%s' (expected %s)", path, e->name,
                              type_desc(e->type, e->unit, false, want, sizeof want));
        size_t idx = (size_t)at;
        if (idx < p)
            return mt_err_set(err, MT_EFORMAT, "%s: column '%s' is out of place (expected after '%s')", path, e->name,
                              prev);
        /* the columns before it belong to the groups pending, in order */
        for (size_t g = 0; rc == 0 && g < n_pending; g++) {
            if (pending[g] == GROUP_FEAT)
                feat_first = p;
            for (; rc == 0 && p < idx; p++) {
                if (pending[g] == GROUP_CTX && strncmp(t->cols[p].name, "ctx_", 4) != 0)
                    break;
                rc = take_dynamic(path, d, pending[g], &t->cols[p], err);
                n_feat += pending[g] == GROUP_FEAT;
            }
        }
        if (rc)
            return rc;
        if (p < idx)
            return mt_err_set(err, MT_EFORMAT, "%s: unexpected column '%s' before '%s'", path, t->cols[p].name,
                              e->name);
        n_pending = 0;
        if ((rc = check_type(path, &t->cols[idx], e->type, e->unit, false, "a fixed column of the setup dataset",
                             err)))
            return rc;
        prev = e->name;
        p = idx + 1;
    }
    if (p < t->ncols)
        return mt_err_set(err, MT_EFORMAT, "%s: unexpected column '%s' after '%s'", path, t->cols[p].name, prev);
    if (n_feat) {
        char(*names)[MT_FSET_NAME_MAX] = malloc(n_feat * sizeof *names);
        if (!names)
            return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
        for (size_t k = 0; k < n_feat; k++)
            snprintf(names[k], sizeof names[k], "%s", t->cols[feat_first + k].name);
        rc = name_features(d, (const char (*)[MT_FSET_NAME_MAX])names, n_feat, err);
        free(names);
    }
    assert(rc || mt_dataset_columns(d) == t->ncols);
    return rc;
}

/* Row r of column c holds a value its conversion has no meaning for. */
static int bad_value(const char *path, const struct col *c, size_t r, const char *what, struct mt_err *err)
{
    return mt_err_set(err, MT_EFORMAT, "%s: column '%s' row %zu: %s", path, c->name, r, what);
}

/* Column c of d from file column f over n rows (d has room for them). */
static int decode(const char *path, struct mt_dataset *d, const struct col *c, const struct mt_pq_column *f, size_t n,
                  struct mt_err *err)
{
    if (c->conv == CONV_AS_IS) {
        memcpy(*c->values, f->values, n * c->elem);
        if (c->valid) {
            assert(f->valid);
            memcpy(*c->valid, f->valid, n);
            for (size_t r = 0; r < n; r++) /* a null is 0, as mt_dataset_add leaves it */
                if (!f->valid[r])
                    memset((char *)*c->values + r * c->elem, 0, c->elem);
        }
        return 0;
    }
    const char *const *s = f->values;
    long last = -1;
    for (size_t r = 0; r < n; r++) {
        switch (c->conv) {
        case CONV_NAME:
            if (last < 0 || strcmp(s[r], d->names[last]) != 0)
                last = intern(d, s[r]);
            if (last < 0)
                return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
            ((uint32_t *)*c->values)[r] = (uint32_t)last;
            break;
        case CONV_TF: {
            enum mt_tf tf;
            if (mt_tf_parse(s[r], &tf, NULL))
                return bad_value(path, c, r, "not a timeframe", err);
            ((enum mt_tf *)*c->values)[r] = tf;
            break;
        }
        case CONV_KIND:
            if (!kind_parse(s[r], &((int32_t *)*c->values)[r]))
                return bad_value(path, c, r, "not a kind (sim or tracked)", err);
            break;
        case CONV_EXIT:
            if (!exit_parse(s[r], &((int32_t *)*c->values)[r]))
                return bad_value(path, c, r, "not an exit reason", err);
            break;
        case CONV_HOURS: {
            double h = ((const double *)f->values)[r] * 3600000.0;
            if (!(fabs(h) < 0x1p62))
                return bad_value(path, c, r, "not a duration", err);
            ((int64_t *)*c->values)[r] = llround(h);
            break;
        }
        case CONV_WIN:
            if (((const int32_t *)f->values)[r] != (d->r[r] >= c->win))
                return bad_value(path, c, r, "disagrees with r", err);
            break;
        case CONV_AS_IS: break;
        }
    }
    return 0;
}

int mt_dataset_read(const char *path, struct mt_dataset *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_pq_table t;
    int rc = mt_pq_read_table(path, NULL, 0, 0, &t, err);
    if (rc)
        return rc;
    if ((rc = read_schema(path, &t, out, err)) == 0 && t.nrows > 0 && !reserve(out, t.nrows))
        rc = mt_err_set(err, MT_ENOMEM, "%s: out of memory for %zu rows", path, t.nrows);
    for (size_t i = 0; rc == 0 && t.nrows > 0 && i < t.ncols; i++) {
        struct col c;
        column(out, i, &c);
        rc = decode(path, out, &c, &t.cols[i], t.nrows, err);
    }
    if (rc == 0)
        out->rows = t.nrows;
    mt_pq_table_release(&t);
    if (rc)
        mt_dataset_release(out);
    return rc;
}
