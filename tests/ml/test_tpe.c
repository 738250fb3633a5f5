/* TPE sampler and median pruner: hand-computed estimator parts, the startup phase, seeding,
 * pruning decisions on hand-built intermediate values, bad spaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ml/tpe.h"
#include "testutil.h"

static const struct mt_tpe_param mixed[4] = {
    {.name = "lr", .kind = MT_TPE_FLOAT, .low = 1e-3, .high = 10, .log = true},
    {.name = "n", .kind = MT_TPE_INT, .low = 0, .high = 20, .step = 2},
    {.name = "k", .kind = MT_TPE_INT, .low = 1, .high = 1000, .log = true},
    {.name = "c", .kind = MT_TPE_CATEGORICAL, .n_choices = 4},
};
static const struct mt_tpe_space mixed_space = {mixed, 4};

static double mixed_objective(const double *x)
{
    return fabs(log10(x[0]) + 1) + fabs(x[1] - 8) + fabs(log10(x[2]) - 2) + (x[3] == 2 ? 0 : 1);
}

static void assert_valid(const double *x)
{
    assert_true(x[0] >= 1e-3 && x[0] <= 10);
    assert_true(x[1] >= 0 && x[1] <= 20 && fmod(x[1], 2) == 0);
    assert_true(x[2] >= 1 && x[2] <= 1000 && x[2] == floor(x[2]));
    assert_true(x[3] == 0 || x[3] == 1 || x[3] == 2 || x[3] == 3);
}

/* Runs n trials of mixed_objective from seed into xs (n * 4 values). */
static void run_mixed(uint64_t seed, size_t n, double *xs)
{
    struct mt_tpe t;
    struct mt_err err = {0};
    assert_int_equal(mt_tpe_init(&t, &mixed_space, seed, &err), 0);
    for (size_t i = 0; i < n; i++) {
        size_t trial;
        assert_int_equal(mt_tpe_ask(&t, xs + 4 * i, &trial, &err), 0);
        assert_int_equal(trial, i);
        assert_valid(xs + 4 * i);
        assert_int_equal(mt_tpe_tell(&t, trial, mixed_objective(xs + 4 * i), MT_TPE_COMPLETE, &err), 0);
    }
    mt_tpe_release(&t);
}

static void test_seeded_reproducible(void **state)
{
    (void)state;
    enum { N = 40 };
    double a[4 * N], b[4 * N], c[4 * N];
    run_mixed(7, N, a);
    run_mixed(7, N, b);
    run_mixed(8, N, c);
    assert_memory_equal(a, b, sizeof(a));
    /* the startup trials and the TPE trials both depend on the seed */
    assert_true(memcmp(a, c, 4 * 10 * sizeof(double)) != 0);
    assert_true(memcmp(a + 4 * 10, c + 4 * 10, 4 * 30 * sizeof(double)) != 0);
    /* TPE moves towards the optimum: the last 20 trials beat the 10 random ones on average */
    double first = 0, last = 0;
    for (int i = 0; i < 10; i++)
        first += mixed_objective(a + 4 * i) / 10;
    for (int i = 20; i < 40; i++)
        last += mixed_objective(a + 4 * i) / 20;
    assert_true(last < first);
}

/* Untold trials are no observations, so every ask is a startup draw. */
static void test_startup_uniform(void **state)
{
    (void)state;
    enum { N = 4400 };
    struct mt_tpe t;
    struct mt_err err = {0};
    assert_int_equal(mt_tpe_init(&t, &mixed_space, 1, &err), 0);
    size_t grid[11] = {0}, choices[4] = {0}, lr_low = 0, k_low = 0;
    for (size_t i = 0; i < N; i++) {
        double x[4];
        size_t trial;
        assert_int_equal(mt_tpe_ask(&t, x, &trial, &err), 0);
        assert_valid(x);
        grid[(size_t)x[1] / 2]++;
        choices[(size_t)x[3]]++;
        lr_low += x[0] < 0.1;  /* half of [1e-3, 10] on a log scale */
        k_low += x[2] <= 31;   /* log(31.5 / 0.5) / log(1000.5 / 0.5) = 0.545 */
    }
    /* each of the 11 grid points and 4 choices equally likely: 400 and 1100 expected */
    for (int i = 0; i < 11; i++)
        assert_true(grid[i] > 330 && grid[i] < 470);
    for (int i = 0; i < 4; i++)
        assert_true(choices[i] > 1000 && choices[i] < 1200);
    assert_true((double)lr_low > 0.47 * (double)N && (double)lr_low < 0.53 * (double)N);
    assert_true((double)k_low > 0.515 * (double)N && (double)k_low < 0.575 * (double)N);
    mt_tpe_release(&t);
}

/* The mean of the 11th draw of x in [0, 1] minimising f(x) = x over 200 seeds, after 10 trials told
 * COMPLETE, or 9 COMPLETE and the 10th as `tenth`. */
static double mean_next(enum mt_tpe_state tenth)
{
    static const struct mt_tpe_param x01 = {.name = "x", .kind = MT_TPE_FLOAT, .low = 0, .high = 1};
    const struct mt_tpe_space space = {&x01, 1};
    double sum = 0;
    for (uint64_t seed = 0; seed < 200; seed++) {
        struct mt_tpe t;
        struct mt_err err = {0};
        double x;
        size_t trial;
        assert_int_equal(mt_tpe_init(&t, &space, seed, &err), 0);
        for (int i = 0; i < 10; i++) {
            assert_int_equal(mt_tpe_ask(&t, &x, &trial, &err), 0);
            if (i == 9 && tenth == MT_TPE_PRUNED)
                assert_int_equal(mt_tpe_report(&t, trial, 0, x, &err), 0);
            assert_int_equal(mt_tpe_tell(&t, trial, x, i < 9 ? MT_TPE_COMPLETE : tenth, &err), 0);
        }
        assert_int_equal(mt_tpe_ask(&t, &x, &trial, &err), 0);
        assert_true(x >= 0 && x <= 1);
        sum += x;
        mt_tpe_release(&t);
    }
    return sum / 200;
}

static void test_startup_count(void **state)
{
    (void)state;
    /* TPE draws near the best of the ten (0.09 on average), random draws average 0.5 */
    assert_true(mean_next(MT_TPE_COMPLETE) < 0.2);
    assert_true(mean_next(MT_TPE_PRUNED) < 0.2);
    double fail = mean_next(MT_TPE_FAIL);
    assert_true(fail > 0.42 && fail < 0.58);
}

/* Ten PRUNED trials of x in [0, 1]; the one with the largest x reports as `top`, the others as
 * `rest` ({step, value}; step -1: no report). Returns the mean of the 11th draw over 100 seeds:
 * near 0.9 when the top trial ranks best (it alone is the good set), lower otherwise. */
static double mean_after_pruned(const double top[2], const double rest[2])
{
    static const struct mt_tpe_param x01 = {.name = "x", .kind = MT_TPE_FLOAT, .low = 0, .high = 1};
    const struct mt_tpe_space space = {&x01, 1};
    double sum = 0;
    for (uint64_t seed = 0; seed < 100; seed++) {
        struct mt_tpe t;
        struct mt_err err = {0};
        double x[10], next;
        size_t trial, best = 0;
        assert_int_equal(mt_tpe_init(&t, &space, seed, &err), 0);
        for (size_t i = 0; i < 10; i++) {
            assert_int_equal(mt_tpe_ask(&t, &x[i], &trial, &err), 0);
            best = x[i] > x[best] ? i : best;
        }
        for (size_t i = 0; i < 10; i++) {
            const double *r = i == best ? top : rest;
            if (r[0] >= 0)
                assert_int_equal(mt_tpe_report(&t, i, (int64_t)r[0], r[1], &err), 0);
            assert_int_equal(mt_tpe_tell(&t, i, NAN, MT_TPE_PRUNED, &err), 0);
        }
        assert_int_equal(mt_tpe_ask(&t, &next, &trial, &err), 0);
        sum += next;
        mt_tpe_release(&t);
    }
    return sum / 100;
}

static void test_pruned_ranking(void **state)
{
    (void)state;
    /* a deeper last step beats a better value */
    assert_true(mean_after_pruned((double[]){5, 100}, (double[]){1, 0}) > 0.8);
    /* at the same step the value decides */
    assert_true(mean_after_pruned((double[]){3, -1}, (double[]){3, 0}) > 0.8);
    assert_true(mean_after_pruned((double[]){3, 1}, (double[]){3, 0}) < 0.65);
    /* a NaN last value ranks after any number; no report at all ranks after any report */
    assert_true(mean_after_pruned((double[]){3, NAN}, (double[]){3, 1e300}) < 0.65);
    assert_true(mean_after_pruned((double[]){-1, 0}, (double[]){0, 1e300}) < 0.65);
}

static void test_gamma(void **state)
{
    (void)state;
    const size_t n[] = {0, 1, 10, 11, 20, 21, 30, 240, 241, 250, 1000};
    const size_t g[] = {0, 1, 1, 2, 2, 3, 3, 24, 25, 25, 25};
    for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
        assert_int_equal(mt_tpe_gamma(n[i]), g[i]);
}

static void test_weights(void **state)
{
    (void)state;
    double w[30];
    mt_tpe_weights(24, w);
    for (int i = 0; i < 24; i++)
        tu_assert_same_double(w[i], 1);
    mt_tpe_weights(25, w);
    for (int i = 0; i < 25; i++)
        tu_assert_same_double(w[i], 1);
    mt_tpe_weights(26, w);  /* a ramp of one: 1/26 */
    tu_assert_same_double(w[0], 1.0 / 26);
    for (int i = 1; i < 26; i++)
        tu_assert_same_double(w[i], 1);
    mt_tpe_weights(30, w);  /* linspace(1/30, 1, 5), then 25 ones */
    const double ramp[5] = {1.0 / 30, 1.0 / 30 + 29.0 / 120, 1.0 / 30 + 58.0 / 120, 1.0 / 30 + 87.0 / 120, 1};
    for (int i = 0; i < 5; i++)
        tu_assert_close(w[i], ramp[i], 1e-15);
    for (int i = 5; i < 30; i++)
        tu_assert_same_double(w[i], 1);
}

static void test_kernels(void **state)
{
    (void)state;
    double mu[121], sigma[121];
    size_t order[121];
    /* sorted 0.2, 0.5 (prior), 0.9 in [0, 1]: the outer kernels take their inner gap (0.3, 0.4),
     * the middle one the larger of 0.3 and 0.4; clip [1/4, 1]; the prior's sigma 1 */
    const double obs[2] = {0.2, 0.9};
    mt_tpe_kernels(obs, 2, 0, 1, mu, sigma, order);
    tu_assert_same_double(mu[0], 0.2);
    tu_assert_same_double(mu[1], 0.9);
    tu_assert_same_double(mu[2], 0.5);
    tu_assert_close(sigma[0], 0.3, 1e-15);
    tu_assert_close(sigma[1], 0.4, 1e-15);
    tu_assert_same_double(sigma[2], 1);
    /* 0.5 (obs), 0.5 (prior), 0.52: gaps 0 and 0.02 clipped up to 1/4 */
    const double close[2] = {0.5, 0.52};
    mt_tpe_kernels(close, 2, 0, 1, mu, sigma, order);
    tu_assert_same_double(sigma[0], 0.25);
    tu_assert_same_double(sigma[1], 0.25);
    tu_assert_same_double(sigma[2], 1);
    /* one observation at the bound of [0, 10]: its gap to the prior (5); minimum 10/3 */
    const double edge[1] = {0};
    mt_tpe_kernels(edge, 1, 0, 10, mu, sigma, order);
    tu_assert_same_double(sigma[0], 5);
    tu_assert_same_double(sigma[1], 10);
    /* only the prior */
    mt_tpe_kernels(edge, 0, -1, 3, mu, sigma, order);
    tu_assert_same_double(mu[0], 1);
    tu_assert_same_double(sigma[0], 4);
    /* 120 equal observations in [0, 2]: the clip's floor stops at (high - low) / 100 */
    double same[120];
    for (int i = 0; i < 120; i++)
        same[i] = 0.3;
    mt_tpe_kernels(same, 120, 0, 2, mu, sigma, order);
    for (int i = 0; i < 119; i++)
        tu_assert_same_double(sigma[i], 0.02);
    tu_assert_close(sigma[119], 0.7, 1e-15);  /* the last of the equal ones: its gap to the prior */
    tu_assert_same_double(sigma[120], 2);
    /* 8 observations in [0, 1]: floor 1/10 */
    const double eight[8] = {0.05, 0.1, 0.12, 0.3, 0.31, 0.7, 0.95, 0.99};
    mt_tpe_kernels(eight, 8, 0, 1, mu, sigma, order);
    /* sorted 0.05 0.1 0.12 0.3 0.31 0.5p 0.7 0.95 0.99 */
    const double want[9] = {0.1, 0.1, 0.18, 0.18, 0.19, 0.25, 0.25, 0.1, 1};
    for (int i = 0; i < 9; i++)
        tu_assert_close(sigma[i], want[i], 1e-15);
}

#define MISSING 1e300

/* A search over one float with five COMPLETE trials whose reports at steps 0, 1, 2 are rows of v
 * (MISSING: none at that step), then one RUNNING trial. */
static void prune_setup(struct mt_tpe *t, const double v[5][3], size_t *running)
{
    static const struct mt_tpe_param x = {.name = "x", .kind = MT_TPE_FLOAT, .low = 0, .high = 1};
    const struct mt_tpe_space space = {&x, 1};
    struct mt_err err = {0};
    double val;
    size_t trial;
    assert_int_equal(mt_tpe_init(t, &space, 3, &err), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(mt_tpe_ask(t, &val, &trial, &err), 0);
        for (int s = 0; s < 3; s++)
            if (v[i][s] != MISSING)
                assert_int_equal(mt_tpe_report(t, trial, s, v[i][s], &err), 0);
        if (i < 4)
            assert_false(mt_tpe_should_prune(t, trial));  /* fewer than 5 COMPLETE */
        assert_int_equal(mt_tpe_tell(t, trial, i, MT_TPE_COMPLETE, &err), 0);
    }
    assert_int_equal(mt_tpe_ask(t, &val, running, &err), 0);
}

static void test_pruner(void **state)
{
    (void)state;
    /* step 0: 10..14 (median 12); step 1: 1, 2, 3, 4 and one missing (median 2.5); step 2: NaN
     * twice, 1, 2, 9 (median 2) */
    const double v[5][3] = {{10, 1, NAN}, {11, 2, NAN}, {12, 3, 1}, {13, 4, 2}, {14, MISSING, 9}};
    struct mt_tpe t;
    struct mt_err err = {0};
    size_t r;
    prune_setup(&t, v, &r);
    assert_false(mt_tpe_should_prune(&t, r));  /* nothing reported */
    assert_int_equal(mt_tpe_report(&t, r, 0, 12, &err), 0);
    assert_false(mt_tpe_should_prune(&t, r));  /* equal to the median */
    assert_int_equal(mt_tpe_report(&t, r, 1, 2.6, &err), 0);
    assert_true(mt_tpe_should_prune(&t, r));   /* best 2.6 > 2.5 */
    assert_int_equal(mt_tpe_report(&t, r, 1, 0.5, &err), 0);
    assert_true(mt_tpe_should_prune(&t, r));   /* a step reported again is ignored */
    assert_int_equal(mt_tpe_report(&t, r, 2, 1.9, &err), 0);
    assert_false(mt_tpe_should_prune(&t, r));  /* best 1.9 < 2 (the NaNs left out) */
    assert_int_equal(mt_tpe_report(&t, r, 5, 100, &err), 0);
    assert_false(mt_tpe_should_prune(&t, r));  /* no COMPLETE trial reported step 5 */
    assert_int_equal(mt_tpe_tell(&t, r, NAN, MT_TPE_PRUNED, &err), 0);

    /* the best value over all steps so far counts: 0.5 at step 0, then 30 at step 1 */
    assert_int_equal(mt_tpe_ask(&t, &(double){0}, &r, &err), 0);
    assert_int_equal(mt_tpe_report(&t, r, 0, 0.5, &err), 0);
    assert_int_equal(mt_tpe_report(&t, r, 1, 30, &err), 0);
    assert_false(mt_tpe_should_prune(&t, r));
    assert_int_equal(mt_tpe_tell(&t, r, 0, MT_TPE_FAIL, &err), 0);

    /* only NaN so far: pruned */
    assert_int_equal(mt_tpe_ask(&t, &(double){0}, &r, &err), 0);
    assert_int_equal(mt_tpe_report(&t, r, 0, NAN, &err), 0);
    assert_true(mt_tpe_should_prune(&t, r));
    assert_int_equal(mt_tpe_report(&t, r, 1, 3, &err), 0);
    assert_true(mt_tpe_should_prune(&t, r));   /* 3 > 2.5 */
    mt_tpe_release(&t);
}

static void test_pruner_counts_complete_only(void **state)
{
    (void)state;
    static const struct mt_tpe_param x = {.name = "x", .kind = MT_TPE_FLOAT, .low = 0, .high = 1};
    const struct mt_tpe_space space = {&x, 1};
    struct mt_tpe t;
    struct mt_err err = {0};
    double val;
    size_t trial;
    assert_int_equal(mt_tpe_init(&t, &space, 3, &err), 0);
    /* four COMPLETE and two PRUNED trials at step 0 with 0: the 5 startup trials are not there */
    for (int i = 0; i < 6; i++) {
        assert_int_equal(mt_tpe_ask(&t, &val, &trial, &err), 0);
        assert_int_equal(mt_tpe_report(&t, trial, 0, 0, &err), 0);
        assert_int_equal(mt_tpe_tell(&t, trial, 0, i < 4 ? MT_TPE_COMPLETE : MT_TPE_PRUNED, &err), 0);
    }
    assert_int_equal(mt_tpe_ask(&t, &val, &trial, &err), 0);
    assert_int_equal(mt_tpe_report(&t, trial, 0, 1, &err), 0);
    assert_false(mt_tpe_should_prune(&t, trial));
    assert_int_equal(mt_tpe_tell(&t, trial, 1, MT_TPE_COMPLETE, &err), 0);
    /* now five COMPLETE at step 0: 0, 0, 0, 0, 1 (median 0) */
    assert_int_equal(mt_tpe_ask(&t, &val, &trial, &err), 0);
    assert_int_equal(mt_tpe_report(&t, trial, 0, 0.5, &err), 0);
    assert_true(mt_tpe_should_prune(&t, trial));
    mt_tpe_release(&t);
}

static void test_tell_and_best(void **state)
{
    (void)state;
    struct mt_tpe t;
    struct mt_err err = {0};
    double x[4], bx[4], best;
    size_t trial, b;
    assert_int_equal(mt_tpe_init(&t, &mixed_space, 5, &err), 0);
    assert_int_equal(mt_tpe_best(&t, &b, &best, bx, &err), MT_ENOENT);
    assert_int_equal(mt_tpe_ask(&t, x, &trial, &err), 0);
    assert_int_equal(mt_tpe_tell(&t, trial, NAN, MT_TPE_COMPLETE, &err), MT_EINVAL);
    assert_int_equal(mt_tpe_tell(&t, trial, 1, MT_TPE_RUNNING, &err), MT_EINVAL);
    assert_int_equal(mt_tpe_report(&t, trial, -1, 1, &err), MT_EINVAL);
    assert_int_equal(mt_tpe_tell(&t, trial, 3, MT_TPE_COMPLETE, &err), 0);  /* still running before */
    assert_int_equal(mt_tpe_tell(&t, trial, 3, MT_TPE_COMPLETE, &err), MT_EINVAL);
    assert_int_equal(mt_tpe_report(&t, trial, 0, 1, &err), MT_EINVAL);
    assert_int_equal(mt_tpe_tell(&t, 7, 3, MT_TPE_COMPLETE, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "trial 7"));
    double want[4];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(mt_tpe_ask(&t, i == 1 ? want : x, &trial, &err), 0);
        assert_int_equal(mt_tpe_tell(&t, trial, i == 1 ? 2 : i == 2 ? -1 : 5,
                                     i == 2 ? MT_TPE_PRUNED : MT_TPE_COMPLETE, &err), 0);
    }
    assert_int_equal(mt_tpe_ask(&t, x, &trial, &err), 0);
    assert_int_equal(mt_tpe_tell(&t, trial, 2, MT_TPE_COMPLETE, &err), 0);  /* equal: the first wins */
    assert_int_equal(mt_tpe_best(&t, &b, &best, bx, &err), 0);
    assert_int_equal(b, 2);
    tu_assert_same_double(best, 2);
    assert_memory_equal(bx, want, sizeof(want));
    mt_tpe_release(&t);
}

static void test_trials_limit(void **state)
{
    (void)state;
    static const struct mt_tpe_param c = {.name = "c", .kind = MT_TPE_CATEGORICAL, .n_choices = 2};
    const struct mt_tpe_space space = {&c, 1};
    struct mt_tpe t;
    struct mt_err err = {0};
    double x;
    size_t trial;
    assert_int_equal(mt_tpe_init(&t, &space, 0, &err), 0);
    for (size_t i = 0; i < MT_TPE_TRIALS_MAX; i++)
        assert_int_equal(mt_tpe_ask(&t, &x, &trial, &err), 0);
    assert_int_equal(mt_tpe_ask(&t, &x, &trial, &err), MT_ELIMIT);
    mt_tpe_release(&t);
}

static void expect_bad(struct mt_tpe_param p, const char *what)
{
    struct mt_tpe t;
    struct mt_err err = {0};
    const struct mt_tpe_space space = {&p, 1};
    assert_int_equal(mt_tpe_init(&t, &space, 0, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, p.name ? p.name : "parameter 0"));
    assert_non_null(strstr(err.msg, what));
}

static void test_bad_space(void **state)
{
    (void)state;
    expect_bad((struct mt_tpe_param){.name = "lr", .kind = MT_TPE_FLOAT, .low = 1, .high = 1}, "low < high");
    expect_bad((struct mt_tpe_param){.name = "lr", .kind = MT_TPE_FLOAT, .low = 2, .high = 1}, "low < high");
    expect_bad((struct mt_tpe_param){.name = "lr", .kind = MT_TPE_FLOAT, .low = 0, .high = NAN}, "low < high");
    expect_bad((struct mt_tpe_param){.name = "lr", .kind = MT_TPE_FLOAT, .low = 0, .high = 1, .log = true},
               "low > 0");
    expect_bad((struct mt_tpe_param){.name = "k", .kind = MT_TPE_INT, .low = -1, .high = 5, .log = true},
               "low > 0");
    expect_bad((struct mt_tpe_param){.name = "depth", .kind = (enum mt_tpe_kind)7, .low = 0, .high = 1},
               "unknown kind 7");
    expect_bad((struct mt_tpe_param){.name = "depth", .kind = MT_TPE_INT, .low = 0.5, .high = 4}, "integers");
    expect_bad((struct mt_tpe_param){.name = "depth", .kind = MT_TPE_INT, .low = 0, .high = 4, .step = 1.5},
               "integers");
    expect_bad((struct mt_tpe_param){.name = "depth", .kind = MT_TPE_INT, .low = 0, .high = 5, .step = 2},
               "does not divide");
    expect_bad((struct mt_tpe_param){.name = "k", .kind = MT_TPE_INT, .low = 1, .high = 9, .step = 2, .log = true},
               "step 1");
    expect_bad((struct mt_tpe_param){.name = "lr", .kind = MT_TPE_FLOAT, .low = 0, .high = 1, .step = 0.1},
               "no step");
    expect_bad((struct mt_tpe_param){.name = "model", .kind = MT_TPE_CATEGORICAL}, "0 choices");
    expect_bad((struct mt_tpe_param){.kind = MT_TPE_FLOAT, .low = 0, .high = 1}, "name empty");
    struct mt_tpe t;
    struct mt_err err = {0};
    const struct mt_tpe_space none = {mixed, 0};
    assert_int_equal(mt_tpe_init(&t, &none, 0, &err), MT_EINVAL);
    /* the second parameter is named */
    const struct mt_tpe_param two[2] = {mixed[0], {.name = "gamma", .kind = MT_TPE_FLOAT, .low = 3, .high = 3}};
    const struct mt_tpe_space space = {two, 2};
    assert_int_equal(mt_tpe_init(&t, &space, 0, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "parameter gamma"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seeded_reproducible),
        cmocka_unit_test(test_startup_uniform),
        cmocka_unit_test(test_startup_count),
        cmocka_unit_test(test_pruned_ranking),
        cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_kernels),
        cmocka_unit_test(test_pruner),
        cmocka_unit_test(test_pruner_counts_complete_only),
        cmocka_unit_test(test_tell_and_best),
        cmocka_unit_test(test_trials_limit),
        cmocka_unit_test(test_bad_space),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
