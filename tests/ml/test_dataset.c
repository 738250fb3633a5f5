/* The labelled setup dataset: written to Parquet and read back, every row
 * holds its setup, the feature row of its signal bar and its outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../features/featutil.h"
#include "ml/dataset.h"
#include "parquet/parquet.h"
#include "parquet/parquet_internal.h"
#include "testutil.h"

static const char *const id = "channel_run:50:edge:mid";

/* Reads column name of r as doubles (n values, allocated). */
static double *column(struct mt_pq_reader *r, const char *name)
{
    int c = mt_pq_find_column(r, name);
    if (c < 0)
        fail_msg("no column %s", name);
    double *v = malloc(mt_pq_num_rows(r) * sizeof *v);
    assert_non_null(v);
    struct mt_err err = {0};
    if (mt_pq_read_double(r, (size_t)c, v, NULL, &err))
        fail_msg("%s", err.msg);
    return v;
}

static void test_round_trip(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_err err = {0};
    /* Features: a small set, so the test can name the columns. */
    struct mt_fset fs;
    const char *json = "{\"features\": [{\"indicator\": \"rsi\"}, {\"indicator\": \"sma\", \"period\": 5, "
                       "\"relative\": true}]}";
    assert_int_equal(mt_fset_parse(json, strlen(json), "test", &fs, &err), 0);
    struct mt_features f;
    struct mt_fmatrix m;
    assert_int_equal(mt_features_init(&f, &fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&f, s, &m, &err), 0);
    struct mt_setup_run run = mt_setup_run_default(id, MT_TF_1H, 0.0005);
    struct mt_setup_outcomes o;
    assert_int_equal(mt_setups_backtest(s, &run, &o, &err), 0);
    assert_true(o.n > 20);

    struct mt_dataset ds;
    const double win[2] = {0, 1.5};
    assert_int_equal(mt_dataset_init(&ds, win, 2, &err), 0);
    assert_int_equal(mt_dataset_add(&ds, "BTCUSDT", MT_TF_1H, id, &o, &m, &err), 0);
    assert_int_equal(ds.rows, o.n);
    assert_int_equal(mt_dataset_columns(&ds), 18 + 4 + 2 + 2);
    char *dir = tu_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/setups.parquet", dir);
    size_t bytes = 0;
    assert_int_equal(mt_dataset_write(&ds, path, &bytes, &err), 0);
    assert_true(bytes > 0);

    struct mt_pq_reader *r;
    assert_int_equal(mt_pq_reader_open(&r, path, &err), 0);
    assert_int_equal(mt_pq_num_rows(r), o.n);
    assert_int_equal(mt_pq_num_columns(r), 26);
    static const char *const names[26] = {
        "symbol", "timeframe", "strategy",     "time",      "kind",       "side",       "price",
        "stop",   "target",    "rr",           "ctx_position", "ctx_width", "ctx_atr_rel", "ctx_uptrend",
        "rsi_14", "sma_5_rel", "exit",         "pnl",       "r",          "win_0r",     "win_1.5r",
        "duration_h", "mae_r", "mfe_r",        "censored",  "ambiguous"};
    for (size_t c = 0; c < 26; c++)
        assert_string_equal(mt_pq_column(r, c)->name, names[c]);
    double *side = column(r, "side"), *rr = column(r, "rr"), *rsi = column(r, "rsi_14"), *rv = column(r, "r"),
           *w0 = column(r, "win_0r"), *w15 = column(r, "win_1.5r"), *dur = column(r, "duration_h"),
           *cens = column(r, "censored"), *pos = column(r, "ctx_position");
    int64_t *time = malloc(o.n * sizeof *time);
    assert_non_null(time);
    assert_int_equal(mt_pq_read_time_ms(r, 3, time, NULL, &err), 0);
    struct mt_pq_strings sym = {0}, ex = {0};
    assert_int_equal(mt_pq_read_strings(r, 0, &sym, NULL, &err), 0);
    assert_int_equal(mt_pq_read_strings(r, 16, &ex, NULL, &err), 0);
    for (size_t i = 0; i < o.n; i++) {
        const struct mt_setup_outcome *x = &o.v[i];
        assert_int_equal(time[i], x->setup.time);
        assert_true(side[i] == x->setup.side);
        assert_true(rr[i] == x->setup.rr);
        assert_true(pos[i] == x->setup.context[0]);
        /* The feature row of the signal bar, as a float. */
        float want = m.v[0 * m.rows + x->bar];
        assert_true((float)rsi[i] == want);
        assert_true(rv[i] == mt_trade_r(&x->trade));
        assert_true(w0[i] == (rv[i] >= 0) && w15[i] == (rv[i] >= 1.5));
        assert_true(dur[i] == (double)(x->trade.close_time - x->trade.open_time) / 3600000.0);
        assert_true(cens[i] == (x->trade.exit == MT_EXIT_CENSORED));
        assert_memory_equal(sym.data + sym.offsets[i], "BTCUSDT", 7);
        const char *e = mt_exit_name(x->trade.exit);
        assert_int_equal(ex.offsets[i + 1] - ex.offsets[i], strlen(e));
        assert_memory_equal(ex.data + ex.offsets[i], e, strlen(e));
    }
    mt_pq_strings_release(&sym);
    mt_pq_strings_release(&ex);
    free(side);
    free(rr);
    free(rsi);
    free(rv);
    free(w0);
    free(w15);
    free(dur);
    free(cens);
    free(pos);
    free(time);
    mt_pq_reader_free(r);

    /* Another feature set cannot join the same dataset. */
    struct mt_fmatrix other = m;
    other.cols = 1;
    assert_int_equal(mt_dataset_add(&ds, "ETHUSDT", MT_TF_1H, id, &o, &other, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "feature columns differ"));

    mt_dataset_release(&ds);
    mt_setup_outcomes_release(&o);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
    tu_rmtree(dir);
    free(dir);
}

/* a and b hold the same columns and the same values, bit for bit. */
static void assert_tables_equal(const struct mt_pq_table *a, const struct mt_pq_table *b)
{
    assert_int_equal(a->ncols, b->ncols);
    assert_int_equal(a->nrows, b->nrows);
    for (size_t c = 0; c < a->ncols; c++) {
        const struct mt_pq_column *x = &a->cols[c], *y = &b->cols[c];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        assert_int_equal(x->time_unit, y->time_unit);
        assert_int_equal(x->optional, y->optional);
        assert_int_equal(x->valid != NULL, y->valid != NULL);
        if (x->valid)
            assert_memory_equal(x->valid, y->valid, a->nrows);
        if (x->type == MT_PQ_BYTE_ARRAY) {
            const char *const *sx = x->values, *const *sy = y->values;
            for (size_t i = 0; i < a->nrows; i++)
                assert_string_equal(sx[i], sy[i]);
        } else {
            size_t w = x->type == MT_PQ_INT32 || x->type == MT_PQ_FLOAT ? 4 : 8;
            assert_memory_equal(x->values, y->values, a->nrows * w);
        }
    }
}

static size_t row_groups(const char *path)
{
    struct mt_pq_reader *r;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open(&r, path, &err), 0);
    size_t n = r->nrg;
    mt_pq_reader_free(r);
    return n;
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Flushing after each series writes the same file as writing it all at once,
 * one row group per flush, and frees the rows it wrote. */
static void test_flush_per_series(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_err err = {0};
    struct mt_fset fs;
    const char *json = "{\"features\": [{\"indicator\": \"rsi\"}, {\"indicator\": \"atr\"}]}";
    assert_int_equal(mt_fset_parse(json, strlen(json), "test", &fs, &err), 0);
    struct mt_features f;
    struct mt_fmatrix m;
    assert_int_equal(mt_features_init(&f, &fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&f, s, &m, &err), 0);
    struct mt_setup_run run = mt_setup_run_default(id, MT_TF_1H, 0.0005);
    struct mt_setup_outcomes o;
    assert_int_equal(mt_setups_backtest(s, &run, &o, &err), 0);
    assert_true(o.n > 20);
    const double win[1] = {1};
    char *dir = tu_mkdtemp();
    char once[512], streamed[512];
    snprintf(once, sizeof once, "%s/once.parquet", dir);
    snprintf(streamed, sizeof streamed, "%s/streamed.parquet", dir);

    struct mt_dataset a, b;
    assert_int_equal(mt_dataset_init(&a, win, 1, &err), 0);
    assert_int_equal(mt_dataset_add(&a, "BTCUSDT", MT_TF_1H, id, &o, &m, &err), 0);
    assert_int_equal(mt_dataset_add(&a, "BTC2USDT", MT_TF_1H, id, &o, &m, &err), 0);
    assert_int_equal(mt_dataset_write(&a, once, NULL, &err), 0);
    assert_int_equal(a.written, 2 * o.n);

    assert_int_equal(mt_dataset_init(&b, win, 1, &err), 0);
    assert_int_equal(mt_dataset_add(&b, "BTCUSDT", MT_TF_1H, id, &o, &m, &err), 0);
    if (mt_dataset_flush(&b, streamed, &err))
        fail_msg("%s", err.msg);
    /* the rows are written and freed; the file appears only when complete */
    assert_int_equal(b.rows, 0);
    assert_int_equal(b.cap, 0);
    assert_null(b.time);
    assert_null(b.feat[0]);
    assert_int_equal(b.written, o.n);
    struct stat st;
    assert_int_equal(stat(streamed, &st), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(mt_dataset_add(&b, "BTC2USDT", MT_TF_1H, id, &o, &m, &err), 0);
    assert_int_equal(b.rows, o.n);
    assert_int_equal(mt_dataset_flush(&b, streamed, &err), 0);
    size_t bytes = 0;
    assert_int_equal(mt_dataset_write(&b, streamed, &bytes, &err), 0);
    assert_int_equal(b.written, 2 * o.n);
    assert_int_equal(stat(streamed, &st), 0);
    assert_int_equal((size_t)st.st_size, bytes);

    assert_int_equal(row_groups(once), 1);
    assert_int_equal(row_groups(streamed), 2);
    struct mt_pq_table ta, tb;
    assert_int_equal(mt_pq_read_table(once, NULL, 0, 0, &ta, &err), 0);
    assert_int_equal(mt_pq_read_table(streamed, NULL, 0, 0, &tb, &err), 0);
    assert_int_equal(ta.nrows, 2 * o.n);
    assert_int_equal(ta.ncols, mt_dataset_columns(&b));
    assert_tables_equal(&ta, &tb);
    const char *const *sym = tb.cols[0].values;
    assert_string_equal(sym[0], "BTCUSDT");
    assert_string_equal(sym[o.n - 1], "BTCUSDT");
    assert_string_equal(sym[o.n], "BTC2USDT");
    mt_pq_table_release(&ta);
    mt_pq_table_release(&tb);
    mt_dataset_release(&a);
    mt_dataset_release(&b);

    /* After the first flush the columns are fixed: a strategy with other
     * context values cannot join, and the abandoned file leaves nothing. */
    char third[512];
    snprintf(third, sizeof third, "%s/third.parquet", dir);
    struct mt_dataset c;
    assert_int_equal(mt_dataset_init(&c, win, 1, &err), 0);
    assert_int_equal(mt_dataset_add(&c, "BTCUSDT", MT_TF_1H, id, &o, &m, &err), 0);
    assert_int_equal(mt_dataset_flush(&c, third, &err), 0);
    struct mt_setup_outcomes none = {0};
    assert_int_equal(mt_dataset_add(&c, "BTCUSDT", MT_TF_1H, "trail_fractals:5:2", &none, &m, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "context value 'stop_dist' is new after rows were written"));
    mt_dataset_release(&c);
    assert_int_equal(dir_entries(dir), 2);

    mt_setup_outcomes_release(&o);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
    tu_rmtree(dir);
    free(dir);
}

/* ---- reading a dataset back ---- */

static const char *const trail = "trail_fractals:5:2";

/* The fixture flow for the reading tests: the outcomes of two strategies on
 * the real BTCUSDT series and a two-feature matrix of it. */
struct flow {
    struct mt_fset fs;
    struct mt_features f;
    struct mt_fmatrix m;
    struct mt_setup_outcomes o[2]; /* id, trail */
    char *dir;
};

static void flow_init(struct flow *w)
{
    const struct mt_series *s = fu_btc();
    struct mt_err err = {0};
    const char *json = "{\"features\": [{\"indicator\": \"rsi\"}, {\"indicator\": \"sma\", \"period\": 5, "
                       "\"relative\": true}]}";
    assert_int_equal(mt_fset_parse(json, strlen(json), "test", &w->fs, &err), 0);
    assert_int_equal(mt_features_init(&w->f, &w->fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&w->f, s, &w->m, &err), 0);
    const char *const ids[2] = {id, trail};
    for (size_t k = 0; k < 2; k++) {
        struct mt_setup_run run = mt_setup_run_default(ids[k], MT_TF_1H, 0.0005);
        assert_int_equal(mt_setups_backtest(s, &run, &w->o[k], &err), 0);
        assert_true(w->o[k].n > 20);
    }
    w->dir = tu_mkdtemp();
}

static void flow_release(struct flow *w)
{
    for (size_t k = 0; k < 2; k++)
        mt_setup_outcomes_release(&w->o[k]);
    mt_fmatrix_release(&w->m);
    mt_features_release(&w->f);
    mt_fset_release(&w->fs);
    tu_rmtree(w->dir);
    free(w->dir);
}

/* Adds the flow's series: BTCUSDT with the Channel Run outcomes, ETHUSDT
 * (the same bars) with the Trail Fractals ones, which have other context
 * values (so each strategy's rows hold nulls in the other's columns). */
static void add_both(struct mt_dataset *d, const struct flow *w, int which)
{
    struct mt_err err = {0};
    if (which & 1)
        assert_int_equal(mt_dataset_add(d, "BTCUSDT", MT_TF_1H, id, &w->o[0], &w->m, &err), 0);
    if (which & 2)
        assert_int_equal(mt_dataset_add(d, "ETHUSDT", MT_TF_4H, trail, &w->o[1], &w->m, &err), 0);
}

#define SAME_BITS(a, b, n) assert_memory_equal(a, b, (n) * sizeof *(a))

/* a and b hold the same rows and columns: names equal as strings, every
 * value equal bit for bit, the same nulls. */
static void assert_datasets_equal(const struct mt_dataset *a, const struct mt_dataset *b)
{
    size_t n = a->rows;
    assert_int_equal(b->rows, n);
    assert_int_equal(mt_dataset_columns(a), mt_dataset_columns(b));
    assert_int_equal(a->n_win, b->n_win);
    SAME_BITS(a->win_r, b->win_r, a->n_win);
    assert_int_equal(a->n_ctx, b->n_ctx);
    for (size_t k = 0; k < a->n_ctx; k++)
        assert_string_equal(a->ctx_name[k], b->ctx_name[k]);
    assert_int_equal(a->n_feat, b->n_feat);
    for (size_t k = 0; k < a->n_feat; k++)
        assert_string_equal(a->feat_name[k], b->feat_name[k]);
    if (n == 0)
        return;
    for (size_t r = 0; r < n; r++) {
        assert_string_equal(a->names[a->symbol[r]], b->names[b->symbol[r]]);
        assert_string_equal(a->names[a->strategy[r]], b->names[b->strategy[r]]);
    }
    SAME_BITS(a->tf, b->tf, n);
    SAME_BITS(a->time, b->time, n);
    SAME_BITS(a->duration_ms, b->duration_ms, n);
    SAME_BITS(a->side, b->side, n);
    SAME_BITS(a->kind, b->kind, n);
    SAME_BITS(a->exit, b->exit, n);
    SAME_BITS(a->censored, b->censored, n);
    SAME_BITS(a->ambiguous, b->ambiguous, n);
    SAME_BITS(a->price, b->price, n);
    SAME_BITS(a->stop, b->stop, n);
    SAME_BITS(a->target, b->target, n);
    SAME_BITS(a->rr, b->rr, n);
    SAME_BITS(a->pnl, b->pnl, n);
    SAME_BITS(a->r, b->r, n);
    SAME_BITS(a->mae_r, b->mae_r, n);
    SAME_BITS(a->mfe_r, b->mfe_r, n);
    for (size_t k = 0; k < a->n_ctx; k++) {
        SAME_BITS(a->ctx[k], b->ctx[k], n);
        SAME_BITS(a->ctx_valid[k], b->ctx_valid[k], n);
    }
    for (size_t k = 0; k < a->n_feat; k++)
        SAME_BITS(a->feat[k], b->feat[k], n);
}

/* Files a and b hold the same bytes. */
static void assert_files_equal(const char *a, const char *b)
{
    size_t na, nb;
    char *x = tu_read_file(a, &na), *y = tu_read_file(b, &nb);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

/* A dataset of real outcomes reads back as it was before it was written:
 * every column, nulls and all; the read dataset writes the same file. */
static void test_read_round_trip(void **state)
{
    (void)state;
    struct flow w;
    flow_init(&w);
    struct mt_err err = {0};
    const double win[3] = {0, 1.5, -0.25};
    struct mt_dataset kept, ds, back;
    assert_int_equal(mt_dataset_init(&kept, win, 3, &err), 0);
    assert_int_equal(mt_dataset_init(&ds, win, 3, &err), 0);
    add_both(&kept, &w, 3);
    add_both(&ds, &w, 3);
    assert_int_equal(kept.n_ctx, 7); /* Channel Run's 4 and Trail Fractals' 4, atr_rel shared */
    char path[512], again[512];
    snprintf(path, sizeof path, "%s/setups.parquet", w.dir);
    snprintf(again, sizeof again, "%s/again.parquet", w.dir);
    assert_int_equal(mt_dataset_write(&ds, path, NULL, &err), 0);
    mt_dataset_release(&ds);

    if (mt_dataset_read(path, &back, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(back.rows, w.o[0].n + w.o[1].n);
    assert_int_equal(back.written, 0);
    assert_null(back.writer);
    assert_int_equal(back.n_names, 4);
    assert_datasets_equal(&kept, &back);
    /* nulls are kept: a Trail Fractals row has no Channel Run position */
    assert_string_equal(back.ctx_name[0], "position");
    assert_int_equal(back.ctx_valid[0][0], 1);
    assert_int_equal(back.ctx_valid[0][w.o[0].n], 0);
    assert_true(back.ctx[0][w.o[0].n] == 0.0);
    assert_int_equal(back.tf[w.o[0].n], MT_TF_4H);
    assert_int_equal(mt_dataset_write(&back, again, NULL, &err), 0);
    assert_files_equal(path, again);

    /* a dataset read can take more series: the feature columns are its own */
    struct mt_dataset more;
    assert_int_equal(mt_dataset_read(path, &more, &err), 0);
    add_both(&more, &w, 1);
    assert_int_equal(more.rows, 2 * w.o[0].n + w.o[1].n);
    struct mt_fmatrix other = w.m;
    other.cols = 1;
    assert_int_equal(mt_dataset_add(&more, "XRPUSDT", MT_TF_1H, id, &w.o[0], &other, &err), MT_EINVAL);
    mt_dataset_release(&more);

    mt_dataset_release(&back);
    mt_dataset_release(&kept);
    flow_release(&w);
}

/* A file written in several flushes (several row groups) reads back in
 * the order its rows were added. */
static void test_read_flushed(void **state)
{
    (void)state;
    struct flow w;
    flow_init(&w);
    struct mt_err err = {0};
    const double win[1] = {1};
    char path[512];
    snprintf(path, sizeof path, "%s/flushed.parquet", w.dir);
    struct mt_dataset kept, ds, back;
    assert_int_equal(mt_dataset_init(&kept, win, 1, &err), 0);
    assert_int_equal(mt_dataset_init(&ds, win, 1, &err), 0);
    add_both(&kept, &w, 3);
    add_both(&kept, &w, 1);
    /* both strategies' context columns must exist before the first flush */
    struct mt_setup_outcomes none = {0};
    assert_int_equal(mt_dataset_add(&ds, "ETHUSDT", MT_TF_4H, trail, &none, &w.m, &err), 0);
    add_both(&ds, &w, 1);
    assert_int_equal(mt_dataset_flush(&ds, path, &err), 0);
    add_both(&ds, &w, 2);
    assert_int_equal(mt_dataset_flush(&ds, path, &err), 0);
    add_both(&ds, &w, 1);
    assert_int_equal(mt_dataset_write(&ds, path, NULL, &err), 0);
    assert_int_equal(row_groups(path), 3);
    mt_dataset_release(&ds);

    /* kept has Channel Run's context columns first, ds Trail Fractals': compare row by row by name */
    assert_int_equal(mt_dataset_read(path, &back, &err), 0);
    assert_int_equal(back.rows, 2 * w.o[0].n + w.o[1].n);
    assert_string_equal(back.ctx_name[0], "stop_dist");
    size_t n0 = w.o[0].n, n1 = w.o[1].n;
    for (size_t r = 0; r < back.rows; r++) {
        const char *want = r < n0 || r >= n0 + n1 ? "BTCUSDT" : "ETHUSDT";
        assert_string_equal(back.names[back.symbol[r]], want);
        assert_memory_equal(&back.time[r], &kept.time[r], sizeof back.time[r]);
        assert_memory_equal(&back.r[r], &kept.r[r], sizeof back.r[r]);
        assert_memory_equal(&back.feat[1][r], &kept.feat[1][r], sizeof back.feat[1][r]);
        for (size_t k = 0; k < kept.n_ctx; k++) {
            size_t j = 0;
            while (strcmp(back.ctx_name[j], kept.ctx_name[k]) != 0)
                j++;
            assert_int_equal(back.ctx_valid[j][r], kept.ctx_valid[k][r]);
            assert_memory_equal(&back.ctx[j][r], &kept.ctx[k][r], sizeof(double));
        }
    }
    mt_dataset_release(&back);
    mt_dataset_release(&kept);
    flow_release(&w);
}

/* An empty dataset reads back empty, with its columns. */
static void test_read_empty(void **state)
{
    (void)state;
    struct flow w;
    flow_init(&w);
    struct mt_err err = {0};
    const double win[2] = {0.5, 2};
    char bare[512], cols[512];
    snprintf(bare, sizeof bare, "%s/bare.parquet", w.dir);
    snprintf(cols, sizeof cols, "%s/cols.parquet", w.dir);
    struct mt_dataset a, b, back;
    assert_int_equal(mt_dataset_init(&a, win, 2, &err), 0);
    assert_int_equal(mt_dataset_write(&a, bare, NULL, &err), 0);
    assert_int_equal(mt_dataset_read(bare, &back, &err), 0);
    assert_int_equal(mt_dataset_columns(&back), 18 + 2);
    assert_datasets_equal(&a, &back);
    assert_null(back.time);
    mt_dataset_release(&back);

    /* no rows, but a strategy's context and the feature columns */
    struct mt_setup_outcomes none = {0};
    assert_int_equal(mt_dataset_init(&b, win, 2, &err), 0);
    assert_int_equal(mt_dataset_add(&b, "BTCUSDT", MT_TF_1H, id, &none, &w.m, &err), 0);
    assert_int_equal(mt_dataset_write(&b, cols, NULL, &err), 0);
    assert_int_equal(mt_dataset_read(cols, &back, &err), 0);
    assert_int_equal(mt_dataset_columns(&back), 18 + 4 + 2 + 2);
    assert_datasets_equal(&b, &back);
    assert_string_equal(back.feat_name[1], "sma_5_rel");
    mt_dataset_release(&back);
    mt_dataset_release(&a);
    mt_dataset_release(&b);
    flow_release(&w);
}

/* How a bad file is made from a good one: the edit of its columns. */
enum edit { DROP, RENAME, RETYPE, UNTIME, REQUIRE, APPEND, BAD_WIN, BAD_KIND };

/* Writes dst as src with column `name` edited, then reads it as a dataset:
 * the error is MT_EFORMAT and its message names dst and holds want. */
static void assert_bad(const char *src, const char *dst, enum edit e, const char *name, const char *want)
{
    struct mt_err err = {0};
    struct mt_pq_table t;
    assert_int_equal(mt_pq_read_table(src, NULL, 0, 0, &t, &err), 0);
    struct mt_pq_column cols[64];
    assert_true(t.ncols < 64);
    memcpy(cols, t.cols, t.ncols * sizeof *cols);
    size_t ncols = t.ncols;
    int at = mt_pq_table_find(&t, name);
    assert_true(e == APPEND || at >= 0);
    float *f = NULL;
    const char **kinds = NULL;
    switch (e) {
    case DROP:
        memmove(&cols[at], &cols[at + 1], (ncols - (size_t)at - 1) * sizeof *cols);
        ncols--;
        break;
    case RENAME: cols[at].name = "renamed"; break;
    case RETYPE:
        f = malloc(t.nrows * sizeof *f);
        assert_non_null(f);
        for (size_t r = 0; r < t.nrows; r++)
            f[r] = (float)((const double *)cols[at].values)[r];
        cols[at].type = MT_PQ_FLOAT;
        cols[at].values = f;
        break;
    case UNTIME: cols[at].time_unit = MT_PQ_NOT_TIME; break;
    case REQUIRE:
        cols[at].optional = false;
        cols[at].valid = NULL;
        break;
    case APPEND:
        cols[ncols] = cols[at < 0 ? 0 : at];
        cols[ncols++].name = name;
        break;
    case BAD_WIN: cols[at].name = "win_1.0r"; break;
    case BAD_KIND:
        kinds = malloc(t.nrows * sizeof *kinds);
        assert_non_null(kinds);
        memcpy(kinds, cols[at].values, t.nrows * sizeof *kinds);
        kinds[3] = "real";
        cols[at].values = kinds;
        break;
    }
    const struct mt_pq_table bad = {.nrows = t.nrows, .ncols = ncols, .cols = cols};
    assert_int_equal(mt_pq_write_table(dst, &bad, NULL, NULL, &err), 0);
    free(f);
    free(kinds);
    mt_pq_table_release(&t);
    struct mt_dataset d;
    memset(&d, 0xab, sizeof d);
    assert_int_equal(mt_dataset_read(dst, &d, &err), MT_EFORMAT);
    if (!strstr(err.msg, dst) || !strstr(err.msg, want))
        fail_msg("expected '%s' naming %s, got: %s", want, dst, err.msg);
    assert_int_equal(d.rows, 0);
    assert_null(d.names);
    assert_int_equal(d.n_ctx, 0);
}

/* A file that is not a setup dataset of ours fails with a message naming
 * the file, the column and what was expected. */
static void test_read_bad_schema(void **state)
{
    (void)state;
    struct flow w;
    flow_init(&w);
    struct mt_err err = {0};
    const double win[1] = {1};
    char good[512], bad[512];
    snprintf(good, sizeof good, "%s/good.parquet", w.dir);
    snprintf(bad, sizeof bad, "%s/bad.parquet", w.dir);
    struct mt_dataset ds;
    assert_int_equal(mt_dataset_init(&ds, win, 1, &err), 0);
    add_both(&ds, &w, 1);
    assert_int_equal(mt_dataset_write(&ds, good, NULL, &err), 0);
    mt_dataset_release(&ds);

    assert_bad(good, bad, DROP, "pnl", "not a setup dataset: no column 'pnl' (expected DOUBLE REQUIRED)");
    assert_bad(good, bad, RENAME, "exit", "no column 'exit' (expected BYTE_ARRAY REQUIRED)");
    assert_bad(good, bad, RETYPE, "r", "column 'r' is FLOAT REQUIRED, expected DOUBLE REQUIRED");
    assert_bad(good, bad, UNTIME, "time",
               "column 'time' is INT64 REQUIRED, expected INT64 TIMESTAMP(MILLIS) REQUIRED");
    assert_bad(good, bad, REQUIRE, "ctx_width",
               "column 'ctx_width' is DOUBLE REQUIRED, expected DOUBLE OPTIONAL (a context column)");
    assert_bad(good, bad, RETYPE, "ctx_width",
               "column 'ctx_width' is FLOAT OPTIONAL, expected DOUBLE OPTIONAL (a context column)");
    assert_bad(good, bad, APPEND, "extra", "unexpected column 'extra' after 'ambiguous'");
    assert_bad(good, bad, BAD_WIN, "win_1r", "column 'win_1.0r' between 'r' and 'duration_h' is not a win flag");
    assert_bad(good, bad, RENAME, "win_1r", "column 'renamed' between 'r' and 'duration_h' is not a win flag");
    assert_bad(good, bad, BAD_KIND, "kind", "column 'kind' row 3: not a kind (sim or tracked)");
    flow_release(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_flush_per_series),
        cmocka_unit_test(test_read_round_trip),
        cmocka_unit_test(test_read_flushed),
        cmocka_unit_test(test_read_empty),
        cmocka_unit_test(test_read_bad_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
