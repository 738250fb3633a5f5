/* Scorer metrics and day-block bootstrap intervals against hand-computed values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ml/evaluate.h"
#include "testutil.h"

static void test_auc_with_ties(void **state)
{
    (void)state;
    const double s[4] = {0.1, 0.4, 0.4, 0.8};
    const uint8_t y[4] = {0, 0, 1, 1};
    double auc;
    struct mt_err err = {0};
    /* Pairs (pos, neg): (0.4, 0.1) 1, (0.4, 0.4) 1/2, (0.8, 0.1) 1, (0.8, 0.4) 1. */
    assert_int_equal(mt_eval_auc(s, y, NULL, 4, &auc, &err), 0);
    tu_assert_close(auc, 3.5 / 4, 0);
    /* Weighted: positives 3 (0.4) and 1 (0.8), negatives 1 (0.1) and 2 (0.4):
     * 3*1 + 3*2/2 + 1*1 + 1*2 = 9 of 4*3. */
    assert_int_equal(mt_eval_auc(s, y, (const double[4]){1, 2, 3, 1}, 4, &auc, &err), 0);
    tu_assert_close(auc, 9.0 / 12, 1e-15);
    /* Every score tied: 1/2; reversed ranking: 0; one class: NaN. */
    assert_int_equal(mt_eval_auc((const double[3]){5, 5, 5}, (const uint8_t[3]){0, 1, 1}, NULL, 3, &auc, &err), 0);
    tu_assert_close(auc, 0.5, 0);
    assert_int_equal(mt_eval_auc((const double[2]){2, 1}, (const uint8_t[2]){0, 1}, NULL, 2, &auc, &err), 0);
    tu_assert_close(auc, 0, 0);
    assert_int_equal(mt_eval_auc(s, (const uint8_t[4]){1, 1, 1, 1}, NULL, 4, &auc, &err), 0);
    assert_true(isnan(auc));
    assert_int_equal(mt_eval_auc(s, (const uint8_t[4]){0, 2, 1, 1}, NULL, 4, &auc, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1 has label 2"));
}

static void test_logloss_and_brier(void **state)
{
    (void)state;
    const double s[4] = {0.9, 0.2, 0, 1};
    const uint8_t y[4] = {1, 0, 1, 1};
    double v;
    struct mt_err err = {0};
    /* The 0 for a positive is clipped to 1e-15, the 1 to 1 - 1e-15. */
    assert_int_equal(mt_eval_logloss(s, y, NULL, 4, &v, &err), 0);
    tu_assert_close(v, (-log(0.9) - log(0.8) - log(1e-15) - log(1 - 1e-15)) / 4, 1e-14);
    assert_int_equal(mt_eval_logloss(s, y, (const double[4]){2, 1, 0, 1}, 4, &v, &err), 0);
    tu_assert_close(v, (-2 * log(0.9) - log(0.8) - log(1 - 1e-15)) / 4, 1e-15);
    assert_int_equal(mt_eval_brier(s, y, NULL, 4, &v, &err), 0);
    tu_assert_close(v, (0.01 + 0.04 + 1 + 0) / 4, 1e-15);
    assert_int_equal(mt_eval_brier(s, y, (const double[4]){0, 0, 0, 0}, 4, &v, &err), 0);
    assert_true(isnan(v));
    assert_int_equal(mt_eval_brier((const double[1]){1.5}, y, NULL, 1, &v, &err), MT_EINVAL);
}

static void test_select_at_threshold(void **state)
{
    (void)state;
    const double s[5] = {0.9, 0.2, 0.5, 0.7, 0.1}, r[5] = {2, -1, -1, 1.5, 3};
    const uint8_t y[5] = {1, 0, 0, 1, 1};
    struct mt_eval_select e;
    struct mt_err err = {0};
    assert_int_equal(mt_eval_select(s, y, r, 5, 0.5, &e, &err), 0);
    assert_int_equal(e.n, 5);
    assert_int_equal(e.positives, 3);
    assert_int_equal(e.accepted, 3);
    assert_int_equal(e.true_pos, 2);
    tu_assert_close(e.base_rate, 0.6, 0);
    tu_assert_close(e.precision, 2.0 / 3, 0);
    tu_assert_close(e.recall, 2.0 / 3, 0);
    tu_assert_close(e.mean_r, 2.5 / 3, 1e-15);
    assert_int_equal(mt_eval_select(s, y, NULL, 5, 0.95, &e, &err), 0);
    assert_int_equal(e.accepted, 0);
    assert_true(isnan(e.precision) && isnan(e.mean_r));
    tu_assert_close(e.recall, 0, 0);
}

static void test_reliability(void **state)
{
    (void)state;
    struct mt_eval_bin b[4];
    struct mt_err err = {0};
    assert_int_equal(mt_eval_reliability((const double[4]){0.1, 0.2, 0.6, 1.0}, (const uint8_t[4]){0, 1, 1, 1}, 4, 4,
                                         b, &err),
                     0);
    assert_int_equal(b[0].n, 2);
    tu_assert_close(b[0].mean_score, 0.15, 1e-15);
    tu_assert_close(b[0].rate, 0.5, 0);
    assert_int_equal(b[1].n, 0);
    assert_true(isnan(b[1].mean_score) && isnan(b[1].rate));
    tu_assert_close(b[1].lo, 0.25, 0);
    tu_assert_close(b[1].hi, 0.5, 0);
    assert_int_equal(b[2].n, 1);
    tu_assert_close(b[2].mean_score, 0.6, 0);
    assert_int_equal(b[3].n, 1); /* a score of 1 is in the last bin */
    tu_assert_close(b[3].rate, 1, 0);
    assert_int_equal(mt_eval_reliability((const double[1]){0.5}, (const uint8_t[1]){1}, 1, 0, b, &err), MT_EINVAL);
}

static const struct mt_boot_opts opts = {.seed = 7, .resamples = 2000, .block_days = 1, .level = 0.9};

static void test_boot_two_days_exact(void **state)
{
    (void)state;
    /* Day 0: 1, 1; day 1: 3. A resample is {d0,d0} (mean 1, p 1/4), {d0,d1} (5/3) or {d1,d1}
     * (3, p 1/4): the 5% and 95% quantiles are exactly 1 and 3. */
    const double x[3] = {1, 1, 3};
    const int64_t day[3] = {0, 0, 1};
    struct mt_ci ci;
    struct mt_err err = {0};
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, 3, &opts, &ci, &err), 0);
    tu_assert_close(ci.value, 5.0 / 3, 0);
    tu_assert_close(ci.lo, 1, 0);
    tu_assert_close(ci.hi, 3, 0);
    assert_int_equal(ci.n, 3);
    assert_int_equal(ci.undefined, 0);

    /* Only day 0's first row accepted: the resamples {d1,d1} have no mean. */
    assert_int_equal(mt_eval_boot_mean(x, (const uint8_t[3]){1, 0, 0}, day, 3, &opts, &ci, &err), 0);
    tu_assert_close(ci.value, 1, 0);
    tu_assert_close(ci.lo, 1, 0);
    tu_assert_close(ci.hi, 1, 0);
    assert_int_equal(ci.n, 1);
    assert_true(ci.undefined > 300 && ci.undefined < 700); /* about a quarter of 2000 */

    struct mt_boot_opts bad = opts;
    bad.block_days = 3;
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, 3, &bad, &ci, &err), MT_EINVAL);
    assert_int_equal(mt_eval_boot_mean(x, NULL, (const int64_t[3]){1, 0, 1}, 3, &opts, &ci, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1 has day 0 after day 1"));
}

/* 30 days of 1..3 rows with values from a fixed sequence. */
static size_t noisy_days(double *x, int64_t *day)
{
    size_t n = 0;
    unsigned s = 99;
    for (int d = 0; d < 30; d++)
        for (int k = 0; k <= d % 3; k++) {
            s = s * 1103515245u + 12345u;
            x[n] = (double)((s >> 8) % 2001) / 1000 - 1; /* in [-1, 1] */
            day[n++] = d;
        }
    return n;
}

static void test_boot_deterministic(void **state)
{
    (void)state;
    double x[90];
    int64_t day[90];
    size_t n = noisy_days(x, day);
    struct mt_ci a, b, c;
    struct mt_err err = {0};
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, n, &opts, &a, &err), 0);
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, n, &opts, &b, &err), 0);
    tu_assert_same_double(a.lo, b.lo);
    tu_assert_same_double(a.hi, b.hi);
    assert_true(a.lo < a.value && a.value < a.hi);
    struct mt_boot_opts o2 = opts;
    o2.seed = 8;
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, n, &o2, &c, &err), 0);
    tu_assert_same_double(c.value, a.value);
    assert_true(c.lo != a.lo || c.hi != a.hi);
    /* Moving blocks of 5 days: a different, still deterministic interval. */
    o2 = opts;
    o2.block_days = 5;
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, n, &o2, &b, &err), 0);
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, n, &o2, &c, &err), 0);
    tu_assert_same_double(b.lo, c.lo);
    assert_true(b.lo != a.lo);
}

static void test_boot_ci_excludes_or_includes_zero(void **state)
{
    (void)state;
    double x[40];
    int64_t day[40];
    struct mt_ci ci;
    struct mt_err err = {0};
    /* Every day positive: the interval is above 0. */
    for (int d = 0; d < 20; d++)
        x[d] = 0.5 + (d % 4) * 0.25, day[d] = d;
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, 20, &opts, &ci, &err), 0);
    assert_true(ci.lo > 0.5 && ci.hi < 1.25);
    /* Days alternating +1 and -1: mean 0, inside the interval. */
    for (int d = 0; d < 20; d++)
        x[d] = d % 2 ? -1 : 1;
    assert_int_equal(mt_eval_boot_mean(x, NULL, day, 20, &opts, &ci, &err), 0);
    tu_assert_close(ci.value, 0, 0);
    assert_true(ci.lo < 0 && ci.hi > 0);

    /* Paired: each day has +1 and -1, a takes the +1: the difference is 1 - 0 on every resample. */
    uint8_t a[40];
    for (int i = 0; i < 40; i++)
        x[i] = i % 2 ? -1 : 1, day[i] = i / 2, a[i] = i % 2 == 0;
    assert_int_equal(mt_eval_boot_diff(x, a, NULL, day, 40, &opts, &ci, &err), 0);
    tu_assert_close(ci.value, 1, 0);
    tu_assert_close(ci.lo, 1, 0);
    tu_assert_close(ci.hi, 1, 0);
    assert_int_equal(ci.n, 20);
    /* a against its complement: 1 - (-1). */
    uint8_t b[40];
    for (int i = 0; i < 40; i++)
        b[i] = !a[i];
    assert_int_equal(mt_eval_boot_diff(x, a, b, day, 40, &opts, &ci, &err), 0);
    tu_assert_close(ci.lo, 2, 0);
    tu_assert_close(ci.hi, 2, 0);
}

static void test_quantile(void **state)
{
    (void)state;
    double v[4] = {4, 1, 3, 2};
    mt_eval_sort(v, 4);
    tu_assert_close(mt_eval_quantile(v, 4, 0), 1, 0);
    tu_assert_close(mt_eval_quantile(v, 4, 1), 4, 0);
    tu_assert_close(mt_eval_quantile(v, 4, 0.5), 2.5, 0);
    tu_assert_close(mt_eval_quantile(v, 4, 0.95), 3.85, 1e-15);
    tu_assert_close(mt_eval_quantile(v, 1, 0.3), 1, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_with_ties),
        cmocka_unit_test(test_logloss_and_brier),
        cmocka_unit_test(test_select_at_threshold),
        cmocka_unit_test(test_reliability),
        cmocka_unit_test(test_boot_two_days_exact),
        cmocka_unit_test(test_boot_deterministic),
        cmocka_unit_test(test_boot_ci_excludes_or_includes_zero),
        cmocka_unit_test(test_quantile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
