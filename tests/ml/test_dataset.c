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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_flush_per_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
