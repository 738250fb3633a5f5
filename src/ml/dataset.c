/* The labelled setup dataset (see dataset.h). */
#include "ml/dataset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "parquet/parquet.h"
#include "strategy/strategy.h"

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
    void **cols[] = {(void **)&d->symbol, (void **)&d->strategy, (void **)&d->tf,
                     (void **)&d->time, (void **)&d->duration_ms, (void **)&d->side,
                     (void **)&d->kind, (void **)&d->exit, (void **)&d->censored,
                     (void **)&d->ambiguous, (void **)&d->price, (void **)&d->stop,
                     (void **)&d->target, (void **)&d->rr, (void **)&d->pnl, (void **)&d->r,
                     (void **)&d->mae_r, (void **)&d->mfe_r};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        free(*cols[i]);
        *cols[i] = NULL;
    }
    for (size_t k = 0; k < d->n_ctx; k++) {
        free(d->ctx[k]);
        free(d->ctx_valid[k]);
        d->ctx[k] = NULL;
        d->ctx_valid[k] = NULL;
    }
    for (size_t k = 0; k < d->n_feat; k++) {
        free(d->feat[k]);
        d->feat[k] = NULL;
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

/* Room for one more row in every column. */
static bool reserve_row(struct mt_dataset *d)
{
    if (d->rows < d->cap)
        return true;
    size_t cap = d->cap ? d->cap * 2 : 1024, n = d->rows;
    struct {
        void **p;
        size_t elem;
    } fixed[] = {
        {(void **)&d->symbol, sizeof *d->symbol},     {(void **)&d->strategy, sizeof *d->strategy},
        {(void **)&d->tf, sizeof *d->tf},             {(void **)&d->time, sizeof *d->time},
        {(void **)&d->duration_ms, sizeof(int64_t)},  {(void **)&d->side, sizeof(int32_t)},
        {(void **)&d->kind, sizeof(int32_t)},         {(void **)&d->exit, sizeof(int32_t)},
        {(void **)&d->censored, sizeof(int32_t)},     {(void **)&d->ambiguous, sizeof(int32_t)},
        {(void **)&d->price, sizeof(double)},         {(void **)&d->stop, sizeof(double)},
        {(void **)&d->target, sizeof(double)},        {(void **)&d->rr, sizeof(double)},
        {(void **)&d->pnl, sizeof(double)},           {(void **)&d->r, sizeof(double)},
        {(void **)&d->mae_r, sizeof(double)},         {(void **)&d->mfe_r, sizeof(double)},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!grow_array(fixed[i].p, fixed[i].elem, n, cap))
            return false;
    for (size_t k = 0; k < d->n_ctx; k++)
        if (!grow_array((void **)&d->ctx[k], sizeof(double), n, cap) ||
            !grow_array((void **)&d->ctx_valid[k], 1, n, cap))
            return false;
    for (size_t k = 0; k < d->n_feat; k++)
        if (!grow_array((void **)&d->feat[k], sizeof(float), n, cap))
            return false;
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
    size_t k = d->n_ctx;
    d->ctx_name[k] = strdup(name);
    d->ctx[k] = calloc(d->cap ? d->cap : 1, sizeof(double));
    d->ctx_valid[k] = calloc(d->cap ? d->cap : 1, 1);
    d->n_ctx++;
    if (!d->ctx_name[k] || !d->ctx[k] || !d->ctx_valid[k])
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    *col = k;
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
    if (cols == 0)
        return 0;
    d->feat_name = malloc(cols * sizeof *d->feat_name);
    d->feat = calloc(cols, sizeof *d->feat);
    if (!d->feat_name || !d->feat)
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    memcpy(d->feat_name, m->names, cols * sizeof *d->feat_name);
    d->n_feat = cols; /* now: the release frees the columns allocated before a failing one */
    for (size_t c = 0; c < cols; c++) {
        d->feat[c] = calloc(d->cap ? d->cap : 1, sizeof(float));
        if (!d->feat[c])
            return mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    }
    return 0;
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
        if (!reserve_row(d))
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

/* ---- writing ---- */

/* Per-row strings and derived columns built for the writer. */
struct table {
    const struct mt_dataset *d;
    const char **symbol, **strategy, **tf, **kind, **exit;
    double *duration_h;
    int32_t *win[MT_DATASET_MAX_WIN];
    char win_name[MT_DATASET_MAX_WIN][32];
    char (*ctx_name)[MT_FSET_NAME_MAX + 8];
};

static void table_release(struct table *t)
{
    free(t->symbol);
    free(t->strategy);
    free(t->tf);
    free(t->kind);
    free(t->exit);
    free(t->duration_h);
    for (size_t k = 0; k < MT_DATASET_MAX_WIN; k++)
        free(t->win[k]);
    free(t->ctx_name);
}

static int table_build(struct table *t, const struct mt_dataset *d, struct mt_err *err)
{
    memset(t, 0, sizeof *t);
    t->d = d;
    size_t n = d->rows ? d->rows : 1;
    t->symbol = malloc(n * sizeof *t->symbol);
    t->strategy = malloc(n * sizeof *t->strategy);
    t->tf = malloc(n * sizeof *t->tf);
    t->kind = malloc(n * sizeof *t->kind);
    t->exit = malloc(n * sizeof *t->exit);
    t->duration_h = malloc(n * sizeof *t->duration_h);
    t->ctx_name = malloc((d->n_ctx ? d->n_ctx : 1) * sizeof *t->ctx_name);
    bool ok = t->symbol && t->strategy && t->tf && t->kind && t->exit && t->duration_h && t->ctx_name;
    for (size_t k = 0; ok && k < d->n_win; k++) {
        ok = (t->win[k] = malloc(n * sizeof *t->win[k])) != NULL;
        char num[24];
        snprintf(t->win_name[k], sizeof t->win_name[k], "win_%sr", mt_fmt_double(d->win_r[k], num, sizeof num));
    }
    if (!ok)
        return mt_err_set(err, MT_ENOMEM, "dataset: out of memory for %zu rows", d->rows);
    for (size_t k = 0; k < d->n_ctx; k++)
        snprintf(t->ctx_name[k], sizeof t->ctx_name[k], "ctx_%s", d->ctx_name[k]);
    for (size_t r = 0; r < d->rows; r++) {
        t->symbol[r] = d->names[d->symbol[r]];
        t->strategy[r] = d->names[d->strategy[r]];
        t->tf[r] = mt_tf_name(d->tf[r]);
        t->kind[r] = d->kind[r] == MT_TRADE_TRACKED ? "tracked" : "sim";
        t->exit[r] = mt_exit_name((enum mt_exit)d->exit[r]);
        t->duration_h[r] = (double)d->duration_ms[r] / 3600000.0;
        for (size_t k = 0; k < d->n_win; k++)
            t->win[k][r] = d->r[r] >= d->win_r[k];
    }
    return 0;
}

/* The fixed columns: symbol .. rr (10) and exit, pnl, r, duration_h, mae_r, mfe_r, censored, ambiguous (8). */
#define FIXED_COLUMNS 18

size_t mt_dataset_columns(const struct mt_dataset *d)
{
    return FIXED_COLUMNS + d->n_ctx + d->n_feat + d->n_win;
}

/* The file's columns over the rows of t; cols has mt_dataset_columns(d) entries. */
static void table_columns(const struct table *t, struct mt_pq_column *cols)
{
    const struct mt_dataset *d = t->d;
    size_t c = 0;
#define COL(name, type, values) (cols[c++] = (struct mt_pq_column){name, type, MT_PQ_NOT_TIME, false, values, NULL})
    COL("symbol", MT_PQ_BYTE_ARRAY, t->symbol);
    COL("timeframe", MT_PQ_BYTE_ARRAY, t->tf);
    COL("strategy", MT_PQ_BYTE_ARRAY, t->strategy);
    cols[c++] = (struct mt_pq_column){"time", MT_PQ_INT64, MT_PQ_MILLIS, false, d->time, NULL};
    COL("kind", MT_PQ_BYTE_ARRAY, t->kind);
    COL("side", MT_PQ_INT32, d->side);
    COL("price", MT_PQ_DOUBLE, d->price);
    COL("stop", MT_PQ_DOUBLE, d->stop);
    COL("target", MT_PQ_DOUBLE, d->target);
    COL("rr", MT_PQ_DOUBLE, d->rr);
    for (size_t k = 0; k < d->n_ctx; k++)
        cols[c++] = (struct mt_pq_column){t->ctx_name[k], MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, d->ctx[k], d->ctx_valid[k]};
    for (size_t k = 0; k < d->n_feat; k++)
        COL(d->feat_name[k], MT_PQ_FLOAT, d->feat[k]);
    COL("exit", MT_PQ_BYTE_ARRAY, t->exit);
    COL("pnl", MT_PQ_DOUBLE, d->pnl);
    COL("r", MT_PQ_DOUBLE, d->r);
    for (size_t k = 0; k < d->n_win; k++)
        COL(t->win_name[k], MT_PQ_INT32, t->win[k]);
    COL("duration_h", MT_PQ_DOUBLE, t->duration_h);
    COL("mae_r", MT_PQ_DOUBLE, d->mae_r);
    COL("mfe_r", MT_PQ_DOUBLE, d->mfe_r);
    COL("censored", MT_PQ_INT32, d->censored);
    COL("ambiguous", MT_PQ_INT32, d->ambiguous);
#undef COL
    assert(c == mt_dataset_columns(d));
}

int mt_dataset_flush(struct mt_dataset *d, const char *path, struct mt_err *err)
{
    if (d->rows == 0 && d->writer)
        return 0;
    struct table t;
    size_t ncols = mt_dataset_columns(d);
    struct mt_pq_column *cols = calloc(ncols, sizeof *cols);
    int rc = table_build(&t, d, err);
    if (rc == 0 && !cols)
        rc = mt_err_set(err, MT_ENOMEM, "dataset: out of memory");
    if (rc == 0) {
        table_columns(&t, cols);
        const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .statistics = true};
        if (!d->writer)
            rc = mt_pq_writer_open(&d->writer, path, cols, ncols, &opts, err);
        const struct mt_pq_table rows = {.nrows = d->rows, .ncols = ncols, .cols = cols};
        if (rc == 0)
            rc = mt_pq_writer_append(d->writer, &rows, err);
    }
    free(cols);
    table_release(&t);
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
