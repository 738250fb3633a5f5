/* The single-feature rule on hand-built data whose best rule is known exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/rule.h"
#include "testutil.h"

/* Rows 0..n-1 given; row n is never given and holds a NaN outcome, so reading it fails the search. */
struct data {
    size_t n, cols;
    float *x;
    double *r, *w;
    size_t *idx;
};

static void data_new(struct data *d, size_t n, size_t cols)
{
    d->n = n;
    d->cols = cols;
    d->x = calloc((n + 1) * cols, sizeof *d->x);
    d->r = calloc(n + 1, sizeof *d->r);
    d->w = calloc(n + 1, sizeof *d->w);
    d->idx = malloc(n * sizeof *d->idx);
    assert_true(d->x && d->r && d->w && d->idx);
    for (size_t k = 0; k < n; k++) {
        d->idx[k] = k;
        d->w[k] = 1;
    }
    d->r[n] = NAN;
    d->w[n] = -1;
}

static void data_free(struct data *d)
{
    free(d->x);
    free(d->r);
    free(d->w);
    free(d->idx);
}

static struct mt_rule fit(const struct mt_rule_opts *o, const struct data *d, const size_t *cand, size_t ncand)
{
    struct mt_rule rule;
    struct mt_err err = {0};
    int rc = mt_rule_fit(o, d->x, d->n + 1, d->cols, d->r, d->w, d->idx, d->n, cand, ncand, &rule, &err);
    if (rc)
        fail_msg("mt_rule_fit: %s", err.msg);
    return rule;
}

static void test_ge_pick(void **state)
{
    (void)state;
    /* col 0 = k (0..99), r = 1 for k >= 80 else -0.2; col 1 = (37 k) % 100, unrelated. Thresholds are the
     * values at ranks floor(q 99 / 20): ..., 79, 84, 89, 94. GE 84 and GE 89 both have mean 1 (16 and 11 rows);
     * GE 94 has 6 < 10 rows; the tie goes to the lower threshold. */
    struct data d;
    data_new(&d, 100, 2);
    for (size_t k = 0; k < 100; k++) {
        d.x[k * 2] = (float)k;
        d.x[k * 2 + 1] = (float)((37 * k) % 100);
        d.r[k] = k >= 80 ? 1.0 : -0.2;
    }
    struct mt_rule_opts o;
    mt_rule_opts_default(&o);
    o.min_count = 10;
    o.z = 0;
    struct mt_rule rule = fit(&o, &d, NULL, 0);
    assert_int_equal(rule.col, 0);
    assert_int_equal(rule.dir, MT_RULE_GE);
    tu_assert_same_double(rule.threshold, 84.0);
    tu_assert_same_double(rule.mean_r, 1.0);
    tu_assert_same_double(rule.score, 1.0);
    tu_assert_same_double(rule.se, 0.0);
    assert_int_equal(rule.count, 16);

    /* only col 1 as a candidate: whatever it picks, it is col 1 and worse */
    size_t c1 = 1;
    struct mt_rule other = fit(&o, &d, &c1, 1);
    assert_int_equal(other.col, 1);
    assert_true(other.mean_r < 1.0);

    /* the accept mask on any rows, the row with NaN never accepted */
    d.x[5 * 2] = NAN;
    size_t rows[4] = {5, 83, 84, 99};
    bool acc[4];
    mt_rule_apply(&rule, d.x, d.n + 1, d.cols, rows, 4, acc);
    assert_false(acc[0]);
    assert_false(acc[1]);
    assert_true(acc[2]);
    assert_true(acc[3]);
    data_free(&d);
}

static void test_le_pick_and_min_frac(void **state)
{
    (void)state;
    /* r = 2 for k < 10, 0.5 for k < 30, else -1: LE wins. With min_frac 0.15 (15 rows) the threshold is the
     * lowest one accepting 15 rows: rank floor(3 x 99 / 20) = 14, value 14: 15 rows, mean (20 + 2.5) / 15. */
    struct data d;
    data_new(&d, 100, 1);
    for (size_t k = 0; k < 100; k++) {
        d.x[k] = (float)k;
        d.r[k] = k < 10 ? 2.0 : k < 30 ? 0.5 : -1.0;
    }
    struct mt_rule_opts o;
    mt_rule_opts_default(&o);
    o.min_count = 1;
    o.min_frac = 0.15;
    o.z = 0;
    struct mt_rule rule = fit(&o, &d, NULL, 0);
    assert_int_equal(rule.dir, MT_RULE_LE);
    tu_assert_same_double(rule.threshold, 14.0);
    assert_int_equal(rule.count, 15);
    tu_assert_close(rule.mean_r, 22.5 / 15, 1e-15);
    /* more rows asked than there are: no rule */
    o.min_count = 101;
    struct mt_rule none;
    struct mt_err err = {0};
    assert_int_equal(mt_rule_fit(&o, d.x, d.n + 1, 1, d.r, d.w, d.idx, d.n, NULL, 0, &none, &err), MT_ENOENT);
    assert_string_equal(err.msg, "rule: no threshold accepts at least 101 of the 100 rows");
    data_free(&d);
}

static void test_lower_bound_changes_pick(void **state)
{
    (void)state;
    /* 200 rows: group A (20 rows) r alternating 3 and -0.6 (mean 1.2, population sd 1.8), group B (60 rows)
     * r = 0.8, group C (120 rows) r = -0.5. Col 0 is 2 on A, else 0; col 1 is 1 on B, else 0.
     * Mean: col 0 >= 2 (1.2) wins. Mean - 1 se: 1.2 - 1.8 / sqrt(19) = 0.787 < 0.8: col 1 >= 1 wins. */
    struct data d;
    data_new(&d, 200, 2);
    for (size_t k = 0; k < 200; k++) {
        bool a = k < 20, b = k >= 20 && k < 80;
        d.x[k * 2] = a ? 2.0f : 0.0f;
        d.x[k * 2 + 1] = b ? 1.0f : 0.0f;
        d.r[k] = a ? (k % 2 ? -0.6 : 3.0) : b ? 0.8 : -0.5;
    }
    struct mt_rule_opts o;
    mt_rule_opts_default(&o);
    o.min_count = 10;
    o.z = 0;
    struct mt_rule rule = fit(&o, &d, NULL, 0);
    assert_int_equal(rule.col, 0);
    assert_int_equal(rule.dir, MT_RULE_GE);
    tu_assert_same_double(rule.threshold, 2.0);
    tu_assert_close(rule.mean_r, 1.2, 1e-12);
    tu_assert_close(rule.se, 1.8 / sqrt(19), 1e-12);
    assert_int_equal(rule.count, 20);
    o.z = 1;
    rule = fit(&o, &d, NULL, 0);
    assert_int_equal(rule.col, 1);
    assert_int_equal(rule.dir, MT_RULE_GE);
    tu_assert_same_double(rule.threshold, 1.0);
    tu_assert_close(rule.mean_r, 0.8, 1e-12);
    tu_assert_close(rule.score, 0.8, 1e-12);
    assert_int_equal(rule.count, 60);
    data_free(&d);
}

static void test_weights(void **state)
{
    (void)state;
    /* col 0 = k (0..9), r = k - 4.5 on rows 0..8 and r = -100 on row 9 with weight 0. Weighted, GE
     * on the top rows is best; the weighted mean ignores row 9. Unweighted, row 9 counts. */
    struct data d;
    data_new(&d, 10, 1);
    for (size_t k = 0; k < 10; k++) {
        d.x[k] = (float)k;
        d.r[k] = k < 9 ? (double)k - 4.5 : -100.0;
    }
    d.w[9] = 0;
    d.w[8] = 3;
    struct mt_rule_opts o;
    mt_rule_opts_default(&o);
    o.steps = 10;
    o.min_count = 3;
    o.z = 0;
    /* thresholds at ranks floor(q 9 / 10): values 0..8; GE 7 accepts 7, 8, 9: weights 1, 3, 0 */
    struct mt_rule rule = fit(&o, &d, NULL, 0);
    assert_int_equal(rule.dir, MT_RULE_GE);
    tu_assert_same_double(rule.threshold, 7.0);
    tu_assert_close(rule.mean_r, (2.5 + 3 * 3.5) / 4, 1e-15);
    assert_int_equal(rule.count, 3);
    o.weighted = false;
    rule = fit(&o, &d, NULL, 0);
    /* unweighted, every GE holds row 9 (-100): LE 8 (rows 0..8, mean -0.5) beats LE 7 (-1) */
    assert_int_equal(rule.dir, MT_RULE_LE);
    tu_assert_same_double(rule.threshold, 8.0);
    tu_assert_close(rule.mean_r, -0.5, 1e-15);
    assert_int_equal(rule.count, 9);
    data_free(&d);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct data d;
    data_new(&d, 10, 1);
    struct mt_rule_opts o;
    mt_rule_opts_default(&o);
    struct mt_rule rule;
    struct mt_err err = {0};
    d.idx[2] = 10; /* the row with a NaN outcome */
    assert_int_equal(mt_rule_fit(&o, d.x, d.n + 1, 1, d.r, NULL, d.idx, d.n, NULL, 0, &rule, &err), MT_EINVAL);
    assert_string_equal(err.msg, "rule: net R of row 10 is nan, expected a number");
    d.idx[2] = 11;
    assert_int_equal(mt_rule_fit(&o, d.x, d.n + 1, 1, d.r, NULL, d.idx, d.n, NULL, 0, &rule, &err), MT_EINVAL);
    assert_string_equal(err.msg, "rule: row index 11 out of range (11 rows)");
    d.idx[2] = 2;
    size_t bad = 1;
    assert_int_equal(mt_rule_fit(&o, d.x, d.n + 1, 1, d.r, NULL, d.idx, d.n, &bad, 1, &rule, &err), MT_EINVAL);
    o.steps = 1;
    assert_int_equal(mt_rule_fit(&o, d.x, d.n + 1, 1, d.r, NULL, d.idx, d.n, NULL, 0, &rule, &err), MT_EINVAL);
    data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ge_pick),
        cmocka_unit_test(test_le_pick_and_min_frac),
        cmocka_unit_test(test_lower_bound_changes_pick),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
