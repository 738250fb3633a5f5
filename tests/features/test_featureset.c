/* Feature sets: parsing, expansion, names and errors; the matrix: values equal
 * the indicators', missing inputs give NaN columns, live rows equal the
 * batch rows bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/featureset.h"
#include "featutil.h"
#include "testutil.h"

static void parse_ok(const char *json, struct mt_fset *fs)
{
    struct mt_err err = {0};
    if (mt_fset_parse(json, strlen(json), "set.json", fs, &err))
        fail_msg("%s", err.msg);
}

/* The matrix of the set in json over the fixture, its indicators kept in f. */
static void batch_ok(const char *json, struct mt_fset *fs, struct mt_features *f, struct mt_fmatrix *m)
{
    parse_ok(json, fs);
    struct mt_err err = {0};
    if (mt_features_init(f, fs, MT_TF_1H, &err) || mt_features_batch(f, fu_btc(), m, &err))
        fail_msg("%s", err.msg);
}

static void parse_fails(const char *json, const char *msg)
{
    struct mt_fset fs;
    struct mt_err err = {0};
    assert_int_equal(mt_fset_parse(json, strlen(json), "set.json", &fs, &err), MT_ECONFIG);
    if (strcmp(err.msg, msg) != 0)
        fail_msg("got '%s'\nwant '%s'", err.msg, msg);
    assert_null(fs.items);
}

static void test_expansion_and_names(void **state)
{
    (void)state;
    struct mt_fset fs;
    parse_ok("{\"features\": [{\"indicator\": \"ema\", \"period\": [12, 26]},"
             " {\"indicator\": \"sma\", \"input\": \"volume\", \"period\": 20},"
             " {\"indicator\": \"t3\", \"period\": [3, 5], \"vfactor\": [0.5, 0.7]},"
             " {\"indicator\": \"wma\", \"name\": \"my_wma\"}]}",
             &fs);
    assert_int_equal(fs.n, 2 + 1 + 4 + 1);
    assert_int_equal(fs.columns, 8);
    assert_string_equal(fs.items[0].name, "ema_12");
    assert_string_equal(fs.items[1].name, "ema_26");
    assert_string_equal(fs.items[2].name, "sma_volume_20");
    assert_int_equal(fs.items[2].in[0], MT_IN_VOLUME);
    assert_string_equal(fs.items[3].name, "t3_3_0.5");
    assert_string_equal(fs.items[4].name, "t3_5_0.5");
    assert_string_equal(fs.items[5].name, "t3_3_0.7");
    assert_string_equal(fs.items[6].name, "t3_5_0.7");
    assert_string_equal(fs.items[7].name, "my_wma");
    assert_true(fs.items[7].opt[0] == 30.0); /* the default */
    mt_fset_release(&fs);
}

static void test_errors(void **state)
{
    (void)state;
    parse_fails("{\"features\": [{\"indicator\": \"emma\"}]}",
                "set.json: feature 1: unknown indicator 'emma' (see mtrader indicators)");
    parse_fails("{\"features\": [{\"indicator\": \"ema\"}, {\"indicator\": \"sma\", \"perod\": 3}]}",
                "set.json: feature 2 (sma): unknown key 'perod' (options: period; or name, input, outputs, relative)");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"period\": 0}]}",
                "set.json: feature 1: indicator ema: option period = 0 is outside [1, 100000]");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"period\": 2.5}]}",
                "set.json: feature 1: indicator ema: option period = 2.5 must be an integer");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"period\": \"ten\"}]}",
                "set.json: feature 1 (ema): option period must be a number or an array of 1 to 64 numbers");
    parse_fails("{\"features\": [{\"indicator\": \"sma\", \"input\": \"closing\"}]}",
                "set.json: feature 1 (sma): unknown input 'closing'");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"period\": [5, 6], \"name\": \"x\"}]}",
                "set.json: feature 1 (ema): a name is only allowed for a single feature, this expands to several");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"period\": 5}, {\"indicator\": \"ema\", \"period\": 5}]}",
                "set.json: two features are called 'ema_5' (give one a \"name\")");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"outputs\": [\"upper\"]}]}",
                "set.json: feature 1 (ema): unknown output 'upper'");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"name\": \"a,b\"}]}",
                "set.json: feature 1 (ema): name must be a string of 1 to 47 characters A-Z a-z 0-9 _ . -");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"name\": \"say \\\"hi\\\"\"}]}",
                "set.json: feature 1 (ema): name must be a string of 1 to 47 characters A-Z a-z 0-9 _ . -");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"name\": \"open_time\"}]}",
                "set.json: a feature is called 'open_time', the name of the time column (give it another \"name\")");
    parse_fails("{\"features\": [{\"indicator\": \"ema\"}]} []", "set.json: unexpected text after the JSON value, at "
                "line 1, column 38");
    parse_fails("{\"features\": [{\"indicator\": \"ema\", \"name\": \"e\\u0000x\"}]}",
                "set.json: a NUL character (\\u0000 or a zero byte) is not allowed, at line 1, column 46");
    parse_fails("{\"features\": []}", "set.json: the feature list is empty");
    parse_fails("{\"feature\": []}", "set.json: expected {\"features\": [ ... ]} and nothing else");
    parse_fails("{\"features\": [3]}", "set.json: feature 1: expected an object, not a number");
    parse_fails("{\"features\": [\n{\"indicator\": \"ema\",}]}", "set.json: invalid JSON near line 2, column 22");
}

/* Matrix columns equal the indicators run alone; OHLCV-only series give NaN
 * for taker/trade inputs; live rows equal the batch rows. */
static void test_matrix_batch_and_live(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_fset fs;
    struct mt_features f;
    struct mt_fmatrix m;
    batch_ok("{\"features\": [{\"indicator\": \"ema\", \"period\": 10},"
             " {\"indicator\": \"vwap\"},"
             " {\"indicator\": \"sma\", \"input\": \"trades\", \"period\": 3}]}",
             &fs, &f, &m);
    struct mt_err err = {0};
    assert_int_equal(m.rows, s->n);
    assert_int_equal(m.cols, 3);
    assert_string_equal(m.names[2], "sma_trades_3");
    assert_int_equal(m.time[100], s->open_time[100]);
    /* Column 0 = EMA 10 of close, as floats. */
    struct mt_ind ema;
    fu_ind_default(&ema, mt_ind_find("ema"));
    mt_ind_release(&ema);
    struct mt_ind_ctx c = {.tf = MT_TF_1H, .opt = {10}};
    assert_int_equal(mt_ind_init(&ema, mt_ind_find("ema"), &c, &err), 0);
    struct fu_out o;
    fu_run(&ema, s, 0, s->n, &o);
    for (size_t r = 0; r < s->n; r++) {
        float want = (float)o.col[0][r];
        assert_memory_equal(&m.v[r], &want, sizeof want);
    }
    fu_out_free(&o);
    mt_ind_release(&ema);
    assert_true(isnan(m.v[2 * m.rows + 1]));
    float mean3 = (float)((s->trades[0] + s->trades[1] + s->trades[2]) / 3);
    assert_memory_equal(&m.v[2 * m.rows + 2], &mean3, sizeof mean3);

    /* Live: batch over the first n-50 bars, then one bar at a time. */
    struct mt_series head = *s;
    head.n = s->n - 50;
    struct mt_fmatrix m2;
    assert_int_equal(mt_features_batch(&f, &head, &m2, &err), 0);
    mt_fmatrix_release(&m2);
    float row[3];
    for (size_t i = head.n; i < s->n; i++) {
        assert_int_equal(mt_features_update(&f, s, i, row, &err), 0);
        for (size_t k = 0; k < 3; k++)
            assert_memory_equal(&row[k], &m.v[k * m.rows + i], sizeof(float));
    }
    assert_int_equal(mt_features_update(&f, s, s->n - 2, row, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "is not after the last bar fed"));

    /* The bars after the batch may come from a later slice of the series (a
     * session keeps only the recent bars): matched by time, same rows. */
    assert_int_equal(mt_features_batch(&f, &head, &m2, &err), 0);
    mt_fmatrix_release(&m2);
    struct mt_series tail;
    mt_series_init(&tail, s->fields);
    assert_int_equal(mt_series_slice(&tail, s, head.n - 10, s->n, &err), 0);
    assert_int_equal(mt_features_update(&f, &tail, 9, row, &err), MT_EINVAL); /* the last bar fed */
    for (size_t i = 10; i < tail.n; i++) {
        assert_int_equal(mt_features_update(&f, &tail, i, row, &err), 0);
        for (size_t k = 0; k < 3; k++)
            assert_memory_equal(&row[k], &m.v[k * m.rows + head.n - 10 + i], sizeof(float));
    }
    mt_series_release(&tail);

    /* An OHLCV-only series: the trades feature is NaN everywhere, the rest computed. */
    struct mt_series ohlcv = *s;
    ohlcv.fields = MT_F_OHLCV;
    struct mt_fmatrix m3;
    assert_int_equal(mt_features_batch(&f, &ohlcv, &m3, &err), 0);
    for (size_t r = 0; r < m3.rows; r++)
        assert_true(isnan(m3.v[2 * m3.rows + r]));
    assert_memory_equal(m3.v, m.v, 2 * m.rows * sizeof(float));
    mt_fmatrix_release(&m3);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
}

/* Row t of a batch over s truncated after bar t equals row t of the full batch. */
static void assert_rows_causal(struct mt_features *f, const struct mt_series *s, const struct mt_fmatrix *full,
                               size_t t)
{
    struct mt_series cut = *s;
    cut.n = t + 1;
    struct mt_fmatrix m;
    struct mt_err err = {0};
    assert_int_equal(mt_features_batch(f, &cut, &m, &err), 0);
    for (size_t c = 0; c < full->cols; c++) {
        float a = full->v[c * full->rows + t], b = m.v[c * m.rows + t];
        if (memcmp(&a, &b, sizeof a) != 0 && !(isnan(a) && isnan(b)))
            fail_msg("%s at bar %zu: %.9g with the data cut after the bar, %.9g in the full batch", full->names[c], t,
                     (double)b, (double)a);
    }
    mt_fmatrix_release(&m);
}

/* The default set: >= 150 columns from every listing group of the registry,
 * a value in every column at the end of a real series with all fields, no
 * look-ahead, and live rows equal to the batch. */
static void test_default_set(void **state)
{
    (void)state;
    struct mt_fset fs;
    struct mt_err err = {0};
    if (mt_fset_default(&fs, &err))
        fail_msg("%s", err.msg);
    assert_true(fs.columns >= 150);
    for (size_t i = 0; i < mt_ind_count(); i++) {
        const char *group = mt_ind_at(i)->group;
        bool found = false;
        for (size_t j = 0; j < fs.n && !found; j++)
            found = strcmp(fs.items[j].def->group, group) == 0;
        if (!found)
            fail_msg("the default set has no feature of the group %s", group);
    }
    const struct mt_series *s = fu_btc();
    struct mt_features f;
    assert_int_equal(mt_features_init(&f, &fs, MT_TF_1H, &err), 0);
    struct mt_fmatrix m;
    assert_int_equal(mt_features_batch(&f, s, &m, &err), 0);
    assert_int_equal(m.cols, fs.columns);
    for (size_t c = 0; c < m.cols; c++)
        if (!isfinite(m.v[c * m.rows + m.rows - 1]))
            fail_msg("%s: no value at the last bar", m.names[c]);
    unsigned seed = 7;
    for (int r = 0; r < 12; r++)
        assert_rows_causal(&f, s, &m, 2000 + (size_t)rand_r(&seed) % (s->n - 2000));
    assert_rows_causal(&f, s, &m, 1600);
    /* Live: batch up to n - 30, then bar by bar. */
    struct mt_series head = *s;
    head.n = s->n - 30;
    struct mt_fmatrix m2;
    assert_int_equal(mt_features_batch(&f, &head, &m2, &err), 0);
    mt_fmatrix_release(&m2);
    float *row = malloc(m.cols * sizeof *row);
    assert_non_null(row);
    for (size_t i = head.n; i < s->n; i++) {
        assert_int_equal(mt_features_update(&f, s, i, row, &err), 0);
        for (size_t c = 0; c < m.cols; c++)
            if (memcmp(&row[c], &m.v[c * m.rows + i], sizeof(float)) != 0 && !isnan(row[c]))
                fail_msg("%s at bar %zu: live %.9g, batch %.9g", m.names[c], i, (double)row[c],
                         (double)m.v[c * m.rows + i]);
    }
    free(row);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
}

/* "relative": value / close - 1, named with "_rel". */
static void test_relative(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_fset fs;
    struct mt_features f;
    struct mt_fmatrix m;
    batch_ok("{\"features\": [{\"indicator\": \"sma\", \"period\": 3, \"relative\": true},"
             " {\"indicator\": \"sma\", \"period\": 3}]}",
             &fs, &f, &m);
    struct mt_err err = {0};
    assert_string_equal(m.names[0], "sma_3_rel");
    assert_string_equal(m.names[1], "sma_3");
    for (size_t r = 2; r < 10; r++) {
        double sma = (s->close[r - 2] + s->close[r - 1] + s->close[r]) / 3;
        float want = (float)(sma / s->close[r] - 1.0);
        assert_memory_equal(&m.v[r], &want, sizeof want);
    }
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
    struct mt_fset bad;
    const char *json = "{\"features\": [{\"indicator\": \"sma\", \"relative\": 1}]}";
    assert_int_equal(mt_fset_parse(json, strlen(json), "set.json", &bad, &err), MT_ECONFIG);
    assert_non_null(strstr(err.msg, "relative must be true or false"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expansion_and_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_matrix_batch_and_live),
        cmocka_unit_test(test_default_set),
        cmocka_unit_test(test_relative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
