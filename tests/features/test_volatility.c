/* Volatility, statistics, regression and price transforms on small
 * hand-computed series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

#define N 8

static void test_bollinger(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 3, 4, 6};
    const double *in[1] = {x};
    double out[N], opt[3] = {3, 1, 3};
    /* Windows (1,2,3), (2,3,4): mean ± population sd sqrt(2/3); (3,4,6): mean 13/3, variance 61/3 - 169/9 = 14/9. */
    double s = sqrt(2.0 / 3), s4 = sqrt(14.0 / 9);
    fu_calc("bbands", opt, 3, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2 + s, 3 + s, 13.0 / 3 + s4}, 5);
    fu_calc("bbands", opt, 3, in, NULL, 5, 1, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 3, 13.0 / 3}, 5);
    fu_calc("bbands", opt, 3, in, NULL, 5, 2, out);
    fu_expect(out, (double[]){NAN, NAN, 2 - 3 * s, 3 - 3 * s, 13.0 / 3 - 3 * s4}, 5);
    /* Default nbdev 2: %B of the newest value 3 in 2 ± 2s, width 4s / 2. */
    double p3[1] = {3};
    fu_calc("bb_pctb", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, (3 - (2 - 2 * s)) / (4 * s)}, 3);
    fu_calc("bb_width", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 4 * s / 2}, 3);
    /* A flat window has no width: %B is undefined. */
    const double flat[3] = {5, 5, 5};
    in[0] = flat;
    fu_calc("bb_pctb", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN}, 3);
    fu_calc("bb_width", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0}, 3);
}

/* True ranges of bars 1-3: 6 (high 11 - previous close 5), 5 (previous close 9 - low 4), 3 (high 9 - close 6). */
static const double hi[4] = {6, 11, 8, 9}, lo[4] = {2, 7, 4, 8}, cl[4] = {5, 9, 6, 8.5};

static void test_ranges(void **state)
{
    (void)state;
    const double *in[3] = {hi, lo, cl};
    double out[N], p2[1] = {2};
    fu_calc("trange", NULL, 0, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 6, 5, 3}, 4);
    /* ATR 2: SMA of the first two TRs, then Wilder (prev + (tr - prev) / 2). */
    fu_calc("atr", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 5.5, 4.25}, 4);
    fu_calc("natr", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 100 * 5.5 / 6, 100 * 4.25 / 8.5}, 4);
    /* Keltner 2, ATR 2, mult 1: EMA 2 of close (SMA seed 7, then k = 2/3) ± ATR; first value at bar 2. */
    double kopt[3] = {2, 2, 1}, e2 = 7 + (6 - 7) * 2.0 / 3, e3 = e2 + (8.5 - e2) * 2.0 / 3;
    fu_calc("keltner", kopt, 3, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, e2 + 5.5, e3 + 4.25}, 4);
    fu_calc("keltner", kopt, 3, in, NULL, 4, 1, out);
    fu_expect(out, (double[]){NAN, NAN, e2, e3}, 4);
    fu_calc("keltner", kopt, 3, in, NULL, 4, 2, out);
    fu_expect(out, (double[]){NAN, NAN, e2 - 5.5, e3 - 4.25}, 4);
    /* Donchian 3: highest high / lowest low of bars 0-2 and 1-3. */
    double p3[1] = {3};
    fu_calc("donchian", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 11, 11}, 4);
    fu_calc("donchian", p3, 1, in, NULL, 4, 1, out);
    fu_expect(out, (double[]){NAN, NAN, 6.5, 7.5}, 4);
    fu_calc("donchian", p3, 1, in, NULL, 4, 2, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 4}, 4);
}

static void test_dispersion(void **state)
{
    (void)state;
    /* The classic set: mean 5, population variance 4. */
    const double x[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    const double *in[1] = {x};
    double out[N], p8[2] = {8, 1.5}, p4[1] = {4};
    fu_calc("var", p8, 1, in, NULL, 8, 0, out);
    assert_true(isnan(out[6]));
    tu_assert_close(out[7], 4, 1e-12);
    fu_calc("stddev", p8, 2, in, NULL, 8, 0, out);
    tu_assert_close(out[7], 3, 1e-12);
    /* z-score 4: window (2,4,4,4) mean 3.5, variance 3/4; (4,4,4,5) mean 4.25, variance 3/16. */
    fu_calc("zscore", p4, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 0.5 / sqrt(0.75), 0.75 / sqrt(3.0 / 16)}, 5);
    const double flat[4] = {3, 3, 3, 3};
    in[0] = flat;
    fu_calc("zscore", p4, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN}, 4);
}

static void test_shape(void **state)
{
    (void)state;
    /* Window (1,1,1,1,2): mean 1.2, m2 = 0.16, m3 = 0.096, m4 = (4 x 0.0016 + 0.4096) / 5 = 0.08192.
     * skew = sqrt(5 x 4) / 3 x m3 / m2^1.5 = sqrt(5); kurtosis = (24 m4 / m2^2 - 48) / 6 = 5. */
    const double x[7] = {1, 1, 1, 1, 1, 2, 4};
    const double *in[1] = {x};
    double out[N], p5[1] = {5};
    /* Window (1,1,1,2,4): mean 1.8, deviations -0.8 x 3, 0.2, 2.2. */
    double m2 = (3 * 0.64 + 0.04 + 4.84) / 5, m3 = (3 * -0.512 + 0.008 + 10.648) / 5;
    double m4 = (3 * 0.4096 + 0.0016 + 23.4256) / 5;
    fu_calc("skew", p5, 1, in, NULL, 7, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, 0, sqrt(5), sqrt(20) / 3 * m3 / pow(m2, 1.5)}, 7);
    fu_calc("kurtosis", p5, 1, in, NULL, 7, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, -3, 5, (24 * m4 / (m2 * m2) - 48) / 6}, 7);
}

static void test_regression(void **state)
{
    (void)state;
    /* Window (1,3,2) at t = 0,1,2: slope 0.5, fitted 1.5 at the oldest bar, 2.5 at the newest, 3 one bar on;
     * R² = S_ty^2 / (S_tt S_yy) = 1 / (2 x 2). */
    const double x[4] = {1, 3, 2, 8};
    const double *in[1] = {x};
    double out[N], p3[1] = {3};
    fu_calc("linearreg_slope", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0.5}, 3);
    fu_calc("linearreg_intercept", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1.5}, 3);
    fu_calc("linearreg", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2.5}, 3);
    fu_calc("tsf", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 3}, 3);
    fu_calc("linearreg_angle", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, atan(0.5) * 180 / M_PI}, 3);
    fu_calc("r2", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0.25}, 3);
    /* Window (3,2,8): slope 2.5, mean 13/3, S_ty = 5, S_yy = (16 + 49 + 121) / 9 = 62/3. */
    fu_calc("linearreg_slope", p3, 1, in, NULL, 4, 0, out);
    tu_assert_close(out[3], 2.5, 1e-12);
    fu_calc("r2", p3, 1, in, NULL, 4, 0, out);
    tu_assert_close(out[3], 25 / (2 * 62.0 / 3), 1e-12);
    const double flat[3] = {4, 4, 4};
    in[0] = flat;
    fu_calc("r2", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN}, 3);
}

static void test_correl_beta(void **state)
{
    (void)state;
    const double a[4] = {1, 2, 3, 6}, b[4] = {1, 3, 2, 2};
    const double *in[2] = {a, b};
    double out[N], p3[1] = {3};
    /* (1,2,3) vs (1,3,2): S_xy = 1, S_xx = S_yy = 2. (2,3,6) vs (3,2,2): S_xy = -5/3, S_xx = 26/3, S_yy = 2/3. */
    fu_calc("correl", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0.5, (-5.0 / 3) / sqrt(26.0 / 3 * 2.0 / 3)}, 4);
    const double flat[3] = {5, 5, 5};
    in[1] = flat;
    fu_calc("correl", p3, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0}, 3); /* no variance: 0 as TA-Lib */
    /* Beta 2: returns of input 0 (1, 0.5, 1) and input 1 (0.1, 1/11, 0.25); with two returns the
     * slope of input 1's returns on input 0's is their ratio of differences. */
    const double y[4] = {10, 11, 12, 15};
    in[1] = y;
    double p2[1] = {2};
    fu_calc("beta", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, (1.0 / 11 - 0.1) / (0.5 - 1), (0.25 - 1.0 / 11) / (1 - 0.5)}, 4);
}

static void test_log_return_prices(void **state)
{
    (void)state;
    const double x[4] = {1, 2, -1, 8};
    const double *in[1] = {x};
    double out[N], p2[1] = {2};
    fu_calc("log_return", NULL, 0, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, log(2), NAN, NAN}, 4);
    fu_calc("log_return", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, log(4)}, 4);
    const double o[2] = {1, 2}, h[2] = {4, 8}, l[2] = {0, 1}, c[2] = {3, 3};
    const double *ohlc[4] = {o, h, l, c};
    fu_calc("avgprice", NULL, 0, ohlc, NULL, 2, 0, out);
    fu_expect(out, (double[]){2, 3.5}, 2);
    fu_calc("medprice", NULL, 0, ohlc + 1, NULL, 2, 0, out);
    fu_expect(out, (double[]){2, 4.5}, 2);
    fu_calc("typprice", NULL, 0, ohlc + 1, NULL, 2, 0, out);
    fu_expect(out, (double[]){7.0 / 3, 4}, 2);
    fu_calc("wclprice", NULL, 0, ohlc + 1, NULL, 2, 0, out);
    fu_expect(out, (double[]){2.5, 3.75}, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bollinger),   cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_dispersion),  cmocka_unit_test(test_shape),
        cmocka_unit_test(test_regression),  cmocka_unit_test(test_correl_beta),
        cmocka_unit_test(test_log_return_prices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
