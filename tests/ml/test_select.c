/* Feature selection: the exact reason for each dropped column, mutual
 * information ranking, permutation importance, and the columns of the
 * default feature set that name a date or a symbol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ml/select.h"
#include "testutil.h"

/* A seeded uniform in [0, 1) and a rough normal, for test data. */
static double unif(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static double gauss(uint64_t *s)
{
    double u = unif(s) + 1e-12, v = unif(s);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* A rows x cols matrix plus labels where only the even rows are given (idx);
 * the odd rows hold NaN features and the invalid label 7, so any read of a
 * row outside idx changes the result or fails. */
struct data {
    size_t rows, cols, n;
    float *x;
    double *y;
    size_t *idx;
};

static void data_new(struct data *d, size_t n, size_t cols)
{
    d->rows = 2 * n;
    d->cols = cols;
    d->n = n;
    d->x = malloc(d->rows * cols * sizeof *d->x);
    d->y = malloc(d->rows * sizeof *d->y);
    d->idx = malloc(n * sizeof *d->idx);
    assert_non_null(d->x);
    assert_non_null(d->y);
    assert_non_null(d->idx);
    for (size_t i = 0; i < d->rows; i++) {
        d->y[i] = 7;
        for (size_t c = 0; c < cols; c++)
            d->x[i * cols + c] = NAN;
    }
    for (size_t k = 0; k < n; k++)
        d->idx[k] = 2 * k;
}

/* Element (k-th given row, column c). */
static float *at(struct data *d, size_t k, size_t c)
{
    return &d->x[d->idx[k] * d->cols + c];
}

static void data_free(struct data *d)
{
    free(d->x);
    free(d->y);
    free(d->idx);
}

static void run(const struct mt_sel_opts *o, struct data *d, const bool *excluded, struct mt_sel_result *r)
{
    struct mt_err err = {0};
    int rc = mt_sel_run(o, d->x, d->rows, d->cols, d->y, NULL, d->idx, d->n, excluded, r, &err);
    if (rc)
        fail_msg("mt_sel_run: %s", err.msg);
}

static void test_drop_reasons(void **state)
{
    (void)state;
    /* 200 rows: 0 informative; 1 NaN in 101 rows; 2 NaN in exactly 100 (kept); 3 constant; 4 one value in
     * 199 rows (99.5%); 5 one value in 198 (kept); 6 two values 1e-7 apart (variance below 1e-12);
     * 7 = 2 * col 0 + 1 (duplicate of 0); 8 excluded by the caller. */
    struct data d;
    data_new(&d, 200, 9);
    uint64_t s = 1;
    for (size_t k = 0; k < d.n; k++) {
        d.y[d.idx[k]] = (double)(k % 2);
        float v = (float)((double)(k % 2) + gauss(&s));
        *at(&d, k, 0) = v;
        *at(&d, k, 1) = k < 101 ? NAN : (float)gauss(&s);
        *at(&d, k, 2) = k < 100 ? NAN : (float)gauss(&s);
        *at(&d, k, 3) = 1.0f;
        *at(&d, k, 4) = k == 17 ? 2.0f : 5.0f;
        *at(&d, k, 5) = k == 17 || k == 90 ? 2.0f : 5.0f;
        *at(&d, k, 6) = k % 2 ? 1e-7f : 0.0f;
        *at(&d, k, 7) = 2 * v + 1;
        *at(&d, k, 8) = (float)gauss(&s);
    }
    bool excluded[9] = {[8] = true};
    struct mt_sel_opts o;
    mt_sel_opts_default(&o);
    struct mt_sel_result r;
    run(&o, &d, excluded, &r);
    const enum mt_sel_why want[9] = {MT_SEL_KEPT,     MT_SEL_NAN,      MT_SEL_KEPT,
                                     MT_SEL_CONSTANT, MT_SEL_CONSTANT, MT_SEL_KEPT,
                                     MT_SEL_CONSTANT, MT_SEL_DUPLICATE, MT_SEL_EXCLUDED};
    for (size_t c = 0; c < 9; c++)
        if (r.col[c].why != want[c])
            fail_msg("column %zu: %s, expected %s", c, mt_sel_why_name(r.col[c].why), mt_sel_why_name(want[c]));
    assert_int_equal(r.col[7].dup_of, 0);
    tu_assert_close(r.col[7].corr, 1.0, 1e-6);
    assert_int_equal(r.col[0].dup_of, SIZE_MAX);
    assert_true(isnan(r.col[1].mi) && isnan(r.col[8].mi));
    assert_int_equal(r.n_selected, 3);
    /* highest mutual information first: the informative column */
    assert_int_equal(r.selected[0], 0);
    assert_string_equal(mt_sel_why_name(r.col[7].why), "duplicate");
    mt_sel_result_release(&r);
    data_free(&d);
}

static void test_mutual_information(void **state)
{
    (void)state;
    /* col 1 = label + noise; cols 0 and 2 noise. The corrected MI of noise is about 0. */
    struct data d;
    data_new(&d, 4000, 3);
    uint64_t s = 2;
    for (size_t k = 0; k < d.n; k++) {
        double y = unif(&s) < 0.4;
        d.y[d.idx[k]] = y;
        *at(&d, k, 0) = (float)gauss(&s);
        *at(&d, k, 1) = (float)(y + 0.5 * gauss(&s));
        *at(&d, k, 2) = (float)unif(&s);
    }
    struct mt_sel_opts o;
    mt_sel_opts_default(&o);
    o.top_k = 1;
    struct mt_sel_result r;
    run(&o, &d, NULL, &r);
    assert_int_equal(r.n_selected, 1);
    assert_int_equal(r.selected[0], 1);
    assert_int_equal(r.col[1].why, MT_SEL_KEPT);
    assert_int_equal(r.col[0].why, MT_SEL_LOW_MI);
    assert_int_equal(r.col[2].why, MT_SEL_LOW_MI);
    assert_true(r.col[1].mi > 0.1);
    /* corrected; the plug-in estimate is 0.0025 and 0.0017 here (bias 15 / 8000) */
    assert_true(fabs(r.col[0].mi) < 0.001 && fabs(r.col[2].mi) < 0.001);
    mt_sel_result_release(&r);
    data_free(&d);
}

static void test_duplicate_keeps_higher_mi(void **state)
{
    (void)state;
    /* col 0 = x (no information), col 1 = x + 0.3 y (correlation ~0.99 with col 0, informative): col 1 is kept
     * although col 0 comes first. col 2 = exp(2 x'), col 3 = x': rank-identical, Pearson below 0.95. */
    struct data d;
    data_new(&d, 3000, 4);
    uint64_t s = 3;
    for (size_t k = 0; k < d.n; k++) {
        double y = unif(&s) < 0.5, x = gauss(&s), u = 4 * unif(&s);
        d.y[d.idx[k]] = y;
        *at(&d, k, 0) = (float)x;
        *at(&d, k, 1) = (float)(x + 0.3 * y);
        *at(&d, k, 2) = (float)exp(2 * u);
        *at(&d, k, 3) = (float)u;
    }
    struct mt_sel_opts o;
    mt_sel_opts_default(&o);
    struct mt_sel_result r;
    run(&o, &d, NULL, &r);
    assert_int_equal(r.col[1].why, MT_SEL_KEPT);
    assert_int_equal(r.col[0].why, MT_SEL_DUPLICATE);
    assert_int_equal(r.col[0].dup_of, 1);
    assert_true(r.col[0].corr > 0.95);
    assert_int_equal(r.col[2].why, MT_SEL_KEPT);
    assert_int_equal(r.col[3].why, MT_SEL_KEPT);
    mt_sel_result_release(&r);

    o.spearman = true;
    run(&o, &d, NULL, &r);
    assert_int_equal(r.col[0].why, MT_SEL_DUPLICATE);
    /* one of the rank-identical pair is a duplicate of the other, with rank correlation 1 */
    size_t dup = r.col[2].why == MT_SEL_DUPLICATE ? 2 : 3, other = 5 - dup;
    assert_int_equal(r.col[dup].why, MT_SEL_DUPLICATE);
    assert_int_equal(r.col[dup].dup_of, other);
    assert_int_equal(r.col[other].why, MT_SEL_KEPT);
    tu_assert_close(r.col[dup].corr, 1.0, 1e-6);
    mt_sel_result_release(&r);
    data_free(&d);
}

/* The model that reads column 0 of the matrix: it gets the kept columns only, in r's order. */
struct col0_model {
    const struct mt_sel_result *r;
    int calls;
};

static int predict_col0(void *ctx, const float *x, size_t rows, size_t cols, double *out, struct mt_err *err)
{
    (void)err;
    struct col0_model *m = ctx;
    m->calls++;
    assert_int_equal(cols, m->r->n_selected);
    size_t at = 0;
    while (at < cols && m->r->selected[at] != 0)
        at++;
    assert_true(at < cols);
    for (size_t i = 0; i < rows; i++)
        out[i] = x[i * cols + at];
    return 0;
}

static int predict_fails(void *ctx, const float *x, size_t rows, size_t cols, double *out, struct mt_err *err)
{
    (void)ctx, (void)x, (void)rows, (void)cols, (void)out;
    return mt_err_set(err, MT_EIO, "model gone");
}

static int predict_nan(void *ctx, const float *x, size_t rows, size_t cols, double *out, struct mt_err *err)
{
    (void)ctx, (void)x, (void)cols, (void)err;
    for (size_t i = 0; i < rows; i++)
        out[i] = i == 3 ? NAN : (double)i;
    return 0;
}

static void test_permutation_importance(void **state)
{
    (void)state;
    /* cols 0 and 1 carry the label, the model reads only col 0; col 2 is noise. */
    struct data d;
    data_new(&d, 1000, 3);
    uint64_t s = 4;
    for (size_t k = 0; k < d.n; k++) {
        double y = unif(&s) < 0.5;
        d.y[d.idx[k]] = y;
        *at(&d, k, 0) = (float)(y + 0.4 * gauss(&s));
        *at(&d, k, 1) = (float)(y + 0.4 * gauss(&s));
        *at(&d, k, 2) = (float)gauss(&s);
    }
    struct mt_sel_opts o;
    mt_sel_opts_default(&o);
    struct mt_sel_result r;
    run(&o, &d, NULL, &r);
    assert_int_equal(r.n_selected, 3);
    struct mt_err err = {0};
    struct col0_model m = {&r, 0};
    assert_int_equal(mt_sel_importance(&r, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, 3, 9, predict_col0, &m,
                                       NULL, NULL, &err),
                     0);
    assert_int_equal(m.calls, 1 + 3 * 3);
    /* AUC of col 0 is about 0.96; shuffled about 0.5 */
    assert_true(r.col[0].importance > 0.3);
    assert_true(r.col[1].importance == 0.0 && r.col[2].importance == 0.0);
    assert_int_equal(r.col[0].why, MT_SEL_KEPT);
    assert_int_equal(r.col[1].why, MT_SEL_NO_IMPORTANCE);
    assert_int_equal(r.col[2].why, MT_SEL_NO_IMPORTANCE);
    assert_int_equal(r.n_selected, 1);
    assert_int_equal(r.selected[0], 0);
    assert_int_equal(mt_sel_importance(&r, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, 1, 9, predict_fails, NULL,
                                       NULL, NULL, &err),
                     MT_EIO);
    assert_string_equal(err.msg, "model gone");
    assert_int_equal(mt_sel_importance(&r, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, 1, 9, predict_nan, NULL,
                                       NULL, NULL, &err),
                     MT_EINVAL);
    assert_string_equal(err.msg, "importance: the model scored validation row 3 NaN");
    assert_int_equal(mt_sel_importance(&r, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, 0, 9, predict_col0, &m,
                                       NULL, NULL, &err),
                     MT_EINVAL);
    mt_sel_result_release(&r);
    data_free(&d);
}

/* The model: fixed scores, the first call's and then others. */
static int predict_fixed(void *ctx, const float *x, size_t rows, size_t cols, double *out, struct mt_err *err)
{
    (void)x, (void)cols, (void)err;
    int *calls = ctx;
    static const double first[4] = {0.1, 0.4, 0.4, 0.8}, later[4] = {0.8, 0.4, 0.9, 0.1};
    assert_int_equal(rows, 4);
    memcpy(out, (*calls)++ ? later : first, sizeof first);
    return 0;
}

static void test_importance_weighted_auc(void **state)
{
    (void)state;
    /* Rows 1..4 given (row 0 has the invalid label 7), labels 0 1 0 1, weights 1 2 1 1.
     * First scores: the positive of weight 2 beats one negative and ties the other (1.5 x 2), the other
     * positive beats both (2): AUC 5 / (3 x 2). Later scores: no positive beats a negative, AUC 0. */
    const float x[5] = {0};
    const double y[5] = {7, 0, 1, 0, 1}, w[5] = {9, 1, 2, 1, 1};
    const size_t idx[4] = {1, 2, 3, 4};
    struct mt_sel_col col = {.why = MT_SEL_KEPT, .dup_of = SIZE_MAX, .corr = NAN, .mi = NAN, .importance = NAN};
    size_t sel = 0;
    struct mt_sel_result r = {.cols = 1, .col = &col, .n_selected = 1, .selected = &sel};
    struct mt_err err = {0};
    int calls = 0;
    assert_int_equal(mt_sel_importance(&r, x, 5, 1, y, w, idx, 4, 2, 5, predict_fixed, &calls, NULL, NULL, &err), 0);
    assert_int_equal(calls, 3);
    tu_assert_close(col.importance, 5.0 / 6, 1e-15);
    assert_int_equal(r.n_selected, 1);
}

/* Column names of fs in order, pointing into m (kept by the caller). */
static const char **names_of(const struct mt_fset *fs, struct mt_fmatrix *m)
{
    struct mt_features f;
    struct mt_series s;
    struct mt_err err = {0};
    mt_series_init(&s, MT_F_ALL);
    assert_int_equal(mt_features_init(&f, fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&f, &s, m, &err), 0);
    mt_features_release(&f);
    const char **names = malloc((m->cols + 1) * sizeof *names);
    assert_non_null(names);
    for (size_t c = 0; c < m->cols; c++)
        names[c] = m->names[c];
    return names;
}

static enum mt_sel_excl why_of(const char *const *names, const enum mt_sel_excl *why, size_t n, const char *name)
{
    for (size_t c = 0; c < n; c++)
        if (strcmp(names[c], name) == 0)
            return why[c];
    fail_msg("no column %s", name);
    return MT_SEL_EXCL_NONE;
}

static void test_exclude_default_set(void **state)
{
    (void)state;
    struct mt_fset fs;
    struct mt_fmatrix m;
    struct mt_err err = {0};
    assert_int_equal(mt_fset_default(&fs, &err), 0);
    const char **names = names_of(&fs, &m);
    enum mt_sel_excl *why = malloc(m.cols * sizeof *why);
    assert_non_null(why);
    assert_int_equal(mt_sel_exclude_names(&fs, MT_TF_1H, names, m.cols, why, &err), 0);
    size_t excluded = 0;
    for (size_t c = 0; c < m.cols; c++)
        excluded += why[c] != MT_SEL_EXCL_NONE;
    assert_int_equal(excluded, 4);
    assert_int_equal(why_of(names, why, m.cols, "monthday_day"), MT_SEL_EXCL_DATE);
    assert_int_equal(why_of(names, why, m.cols, "monthday_sin"), MT_SEL_EXCL_DATE);
    assert_int_equal(why_of(names, why, m.cols, "monthday_cos"), MT_SEL_EXCL_DATE);
    /* taker buy minus sell volume in base units */
    assert_int_equal(why_of(names, why, m.cols, "vol_delta_delta"), MT_SEL_EXCL_VOLUME);
    const char *kept[] = {"hour_hour", "weekday_day", "weekday_sin", "sma_200_rel", "bbands_20_2_2_rel_upper",
                          "ichimoku_9_26_52_rel_kijun", "sar_0.02_0.2_rel", "natr_200", "rsi_14", "round_num_round",
                          "period_ratio_1_open", "prev_period_1_close", "fractals_5_up_age", "vwap_0_rel"};
    for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
        if (why_of(names, why, m.cols, kept[k]) != MT_SEL_EXCL_NONE)
            fail_msg("%s excluded (%s)", kept[k], mt_sel_excl_name(why_of(names, why, m.cols, kept[k])));
    free(why);
    free(names);
    mt_fmatrix_release(&m);
    mt_fset_release(&fs);
}

static void test_exclude_probes(void **state)
{
    (void)state;
    static const char json[] =
        "{\"features\": [{\"indicator\": \"sma\", \"period\": 20}, {\"indicator\": \"sma\", \"period\": 20, "
        "\"relative\": true}, {\"indicator\": \"atr\"}, {\"indicator\": \"natr\"}, {\"indicator\": \"sma\", "
        "\"input\": \"volume\", \"period\": 20}, {\"indicator\": \"sum\", \"input\": \"trades\"}, {\"indicator\": "
        "\"obv\"}, {\"indicator\": \"nvi\"}, {\"indicator\": \"rsi\"}, {\"indicator\": \"hour\"}, {\"indicator\": "
        "\"monthday\"}, {\"indicator\": \"macd\"}]}";
    struct mt_fset fs;
    struct mt_fmatrix m;
    struct mt_err err = {0};
    assert_int_equal(mt_fset_parse(json, strlen(json), "test", &fs, &err), 0);
    const char **names = names_of(&fs, &m);
    names[m.cols] = "setup_stop_cost_ratio"; /* a column the feature set does not make */
    size_t n = m.cols + 1;
    enum mt_sel_excl *why = malloc(n * sizeof *why);
    assert_non_null(why);
    assert_int_equal(mt_sel_exclude_names(&fs, MT_TF_1H, names, n, why, &err), 0);
    assert_int_equal(why_of(names, why, n, "sma_20"), MT_SEL_EXCL_PRICE);
    assert_int_equal(why_of(names, why, n, "sma_20_rel"), MT_SEL_EXCL_NONE);
    assert_int_equal(why_of(names, why, n, "atr_14"), MT_SEL_EXCL_PRICE);
    assert_int_equal(why_of(names, why, n, "natr_14"), MT_SEL_EXCL_NONE);
    assert_int_equal(why_of(names, why, n, "macd_12_26_9_hist"), MT_SEL_EXCL_PRICE);
    assert_int_equal(why_of(names, why, n, "sma_volume_20"), MT_SEL_EXCL_VOLUME);
    assert_int_equal(why_of(names, why, n, "sum_trades_30"), MT_SEL_EXCL_VOLUME);
    assert_int_equal(why_of(names, why, n, "obv"), MT_SEL_EXCL_VOLUME);
    /* the negative volume index starts at 1000 wherever the series starts: listing age */
    assert_int_equal(why_of(names, why, n, "nvi"), MT_SEL_EXCL_HISTORY);
    assert_int_equal(why_of(names, why, n, "rsi_14"), MT_SEL_EXCL_NONE);
    assert_int_equal(why_of(names, why, n, "hour_cos"), MT_SEL_EXCL_NONE);
    assert_int_equal(why_of(names, why, n, "monthday_day"), MT_SEL_EXCL_DATE);
    assert_int_equal(why_of(names, why, n, "setup_stop_cost_ratio"), MT_SEL_EXCL_NONE);
    assert_string_equal(mt_sel_excl_name(MT_SEL_EXCL_HISTORY), "history");
    free(why);
    free(names);
    mt_fmatrix_release(&m);
    mt_fset_release(&fs);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct data d;
    data_new(&d, 10, 1);
    for (size_t k = 0; k < d.n; k++) {
        d.y[d.idx[k]] = (double)(k % 2);
        *at(&d, k, 0) = (float)k;
    }
    struct mt_sel_opts o;
    mt_sel_opts_default(&o);
    struct mt_sel_result r;
    struct mt_err err = {0};
    d.idx[3] = 1; /* a row with label 7 */
    assert_int_equal(mt_sel_run(&o, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, NULL, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "select: label of row 1 is 7, expected 0 or 1");
    d.idx[3] = 20;
    assert_int_equal(mt_sel_run(&o, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, NULL, &r, &err), MT_EINVAL);
    assert_string_equal(err.msg, "select: row index 20 out of range (20 rows)");
    d.idx[3] = 6;
    o.mi_bins = 1;
    assert_int_equal(mt_sel_run(&o, d.x, d.rows, d.cols, d.y, NULL, d.idx, d.n, NULL, &r, &err), MT_EINVAL);
    data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drop_reasons),
        cmocka_unit_test(test_mutual_information),
        cmocka_unit_test(test_duplicate_keeps_higher_mi),
        cmocka_unit_test(test_permutation_importance),
        cmocka_unit_test(test_importance_weighted_auc),
        cmocka_unit_test(test_exclude_default_set),
        cmocka_unit_test(test_exclude_probes),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
