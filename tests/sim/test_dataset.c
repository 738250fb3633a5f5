/* The labelled setup dataset: written to Parquet and read back, every row
 * holds its setup, the feature row of its signal bar and its outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "sim/dataset.h"
#include "parquet/parquet.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
