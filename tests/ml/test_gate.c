/* The deployment gate on hand-built test periods. Most cases repeat one day's
 * outcomes, so every bootstrap resample has the same means and each interval
 * is exactly the point estimate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ml/gate.h"
#include "testutil.h"

enum { PER_DAY = 5, MAX_DAYS = 40, MAX_ROWS = PER_DAY * MAX_DAYS };

/* One day's net R; the unfiltered mean is -0.5 / 5 = -0.1. */
static const double day_r[PER_DAY] = {2, -1, -1, -1, 0.5};

struct period {
    double r[MAX_ROWS];
    int64_t day[MAX_ROWS];
    uint8_t mask[6][MAX_ROWS];
    size_t n;
};

/* days copies of day_r; mask k accepts the rows of pattern[k] (a 5-character 0/1 string). */
static void repeat_days(struct period *p, size_t days, const char *const *pattern, size_t masks)
{
    p->n = days * PER_DAY;
    for (size_t i = 0; i < p->n; i++) {
        p->r[i] = day_r[i % PER_DAY];
        p->day[i] = (int64_t)(i / PER_DAY);
        for (size_t k = 0; k < masks; k++)
            p->mask[k][i] = pattern[k][i % PER_DAY] == '1';
    }
}

static void assert_flat(const struct mt_ci *ci, double value, size_t n)
{
    tu_assert_close(ci->value, value, 1e-15);
    tu_assert_close(ci->lo, value, 1e-15);
    tu_assert_close(ci->hi, value, 1e-15);
    assert_int_equal(ci->n, n);
}

static void test_model_clearly_better_is_promoted(void **state)
{
    (void)state;
    static struct period p;
    /* model {2, 0.5}: 1.25; rule {2, -1, 0.5}: 0.5; shuffled {-1, -1}: -1 and {2, -1}: 0.5. */
    repeat_days(&p, 40, (const char *const[]){"10001", "11001", "01100", "11000"}, 4);
    const uint8_t *shuffled[2] = {p.mask[2], p.mask[3]};
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], p.mask[1], shuffled, 2, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_PROMOTE_MODEL);
    assert_flat(&g.fig.model, 1.25, 80);
    assert_flat(&g.fig.rule, 0.5, 120);
    assert_flat(&g.fig.unfiltered, -0.1, 200);
    assert_flat(&g.fig.model_vs_unfiltered, 1.35, 80);
    assert_flat(&g.fig.rule_vs_unfiltered, 0.6, 120);
    assert_int_equal(g.fig.shuffled, 2);
    assert_int_equal(g.fig.shuffled_defined, 2);
    tu_assert_close(g.fig.shuffled_bar, 0.5, 0);
    assert_true(g.fig.model_passes && g.fig.rule_passes);
    assert_string_equal(g.reason, "promote_model: model +1.250 R (n 80, CI +1.250..+1.250), unfiltered -0.100 R "
                                  "(n 200), rule +0.500 R (n 120), shuffled bar +0.500 R (of 2), model - unfiltered "
                                  "+1.350 R (CI +1.350..+1.350); the model beats every alternative");
    assert_string_equal(mt_gate_decision_name(g.decision), "promote_model");
}

static void test_rule_better_than_model_uses_rule(void **state)
{
    (void)state;
    static struct period p;
    /* model {2, -1, -1}: 0 beats unfiltered -0.1 but not rule {2, 0.5}: 1.25. */
    repeat_days(&p, 40, (const char *const[]){"11100", "10001"}, 2);
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], p.mask[1], NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_USE_RULE);
    assert_flat(&g.fig.model, 0, 120);
    assert_flat(&g.fig.rule, 1.25, 80);
    assert_flat(&g.fig.model_vs_unfiltered, 0.1, 120);
    assert_flat(&g.fig.rule_vs_unfiltered, 1.35, 80);
    assert_true(isnan(g.fig.shuffled_bar));
    assert_false(g.fig.model_passes);
    assert_true(g.fig.rule_passes);
    assert_non_null(strstr(g.reason, "use_rule: "));
    assert_non_null(strstr(g.reason, "model mean +0.000 R does not beat rule +1.250 R"));
    assert_non_null(strstr(g.reason, "rule - unfiltered +1.350 R (CI +1.350..+1.350) is above 0"));

    /* Without a rule to beat, the same model is promoted. */
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], NULL, NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_PROMOTE_MODEL);
    assert_true(isnan(g.fig.rule.value));
}

static void test_too_few_trades_not_promoted(void **state)
{
    (void)state;
    static struct period p;
    /* 10 days: the model's 20 trades are under 30, and so are the rule's. */
    repeat_days(&p, 10, (const char *const[]){"10001", "10001"}, 2);
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], p.mask[1], NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_UNFILTERED);
    assert_flat(&g.fig.model, 1.25, 20);
    assert_false(g.fig.model_passes || g.fig.rule_passes);
    assert_non_null(strstr(g.reason, "model has 20 trades, fewer than 30"));
    assert_non_null(strstr(g.reason, "rule has 20 trades, fewer than 30"));
    /* The same with a minimum of 20: promoted. */
    struct mt_gate_params prm;
    mt_gate_params_default(&prm);
    prm.min_trades = 20;
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], NULL, NULL, 0, &prm, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_PROMOTE_MODEL);
    prm.min_trades = 0;
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], NULL, NULL, 0, &prm, &g, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "min_trades"));
}

static void test_none_accepted_is_said(void **state)
{
    (void)state;
    static struct period p;
    /* The rule accepts none of the rows, then the model neither: no mean to print. */
    repeat_days(&p, 40, (const char *const[]){"10001", "00000"}, 2);
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], p.mask[1], NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_PROMOTE_MODEL);
    assert_int_equal(g.fig.rule.n, 0);
    assert_false(g.fig.rule_passes);
    assert_non_null(strstr(g.reason, ", rule accepts none, "));
    assert_null(strstr(g.reason, "nan"));
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[1], p.mask[1], NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_UNFILTERED);
    assert_string_equal(g.reason, "unfiltered: model accepts none, unfiltered -0.100 R (n 200), rule accepts none; "
                                  "model accepts none of the test setups; rule accepts none of the test setups");
}

static void test_shuffled_as_good_not_promoted(void **state)
{
    (void)state;
    static struct period p;
    /* Shuffled models: {-1, -1} -1, {2, -1} 0.5, and one as good as the model (1.25); one accepts nothing. */
    repeat_days(&p, 40, (const char *const[]){"10001", "01100", "11000", "10001", "00000"}, 5);
    const uint8_t *shuffled[4] = {p.mask[1], p.mask[2], p.mask[3], p.mask[4]};
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], NULL, shuffled, 4, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_UNFILTERED);
    assert_int_equal(g.fig.shuffled, 4);
    assert_int_equal(g.fig.shuffled_defined, 3);
    tu_assert_close(g.fig.shuffled_bar, 1.25, 0);
    assert_non_null(strstr(g.reason, "model mean +1.250 R does not beat shuffled +1.250 R"));
    /* Against the median of the shuffled means (0.5) it passes. */
    struct mt_gate_params prm;
    mt_gate_params_default(&prm);
    prm.shuffled_quantile = 0.5;
    assert_int_equal(mt_gate_decide(p.r, p.day, p.n, p.mask[0], NULL, shuffled, 4, &prm, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_PROMOTE_MODEL);
    tu_assert_close(g.fig.shuffled_bar, 0.5, 0);
}

static void test_noisy_gain_not_promoted(void **state)
{
    (void)state;
    /* 40 days of two rows: the model's row is +1 or -0.9 on alternate days, the other
     * -0.1. The model's mean 0.05 beats the unfiltered -0.025, but not surely. */
    static double r[80];
    static int64_t day[80];
    static uint8_t model[80];
    for (int i = 0; i < 80; i++) {
        int d = i / 2;
        model[i] = i % 2 == 0;
        r[i] = model[i] ? (d % 2 ? -0.9 : 1) : -0.1;
        day[i] = d;
    }
    struct mt_gate_result g;
    struct mt_err err = {0};
    assert_int_equal(mt_gate_decide(r, day, 80, model, NULL, NULL, 0, NULL, &g, &err), 0);
    assert_int_equal(g.decision, MT_GATE_UNFILTERED);
    tu_assert_close(g.fig.model.value, 0.05, 1e-15);
    tu_assert_close(g.fig.unfiltered.value, -0.025, 1e-15);
    tu_assert_close(g.fig.model_vs_unfiltered.value, 0.075, 1e-15);
    assert_true(g.fig.model_vs_unfiltered.lo < 0 && g.fig.model_vs_unfiltered.hi > 0.075);
    assert_non_null(strstr(g.reason, "model - unfiltered +0.075 R has CI "));
    assert_non_null(strstr(g.reason, " not above 0"));
    assert_null(strstr(g.reason, "does not beat"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_clearly_better_is_promoted),
        cmocka_unit_test(test_rule_better_than_model_uses_rule),
        cmocka_unit_test(test_too_few_trades_not_promoted),
        cmocka_unit_test(test_none_accepted_is_said),
        cmocka_unit_test(test_shuffled_as_good_not_promoted),
        cmocka_unit_test(test_noisy_gain_not_promoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
