/* Extras (TA-Lib MAX/MIN/SUM/MACDFIX, Tulip indicators) on small hand-computed series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

#define N 40

static const double ramp5[5] = {1, 2, 4, 7, 11};

static void test_max_min_sum(void **state)
{
    (void)state;
    const double x[5] = {3, 1, 4, 1, 5};
    const double *in[1] = {x};
    double out[N], p3[1] = {3};
    fu_calc("max", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 4, 4, 5}, 5);
    fu_calc("min", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 1, 1}, 5);
    fu_calc("sum", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 8, 6, 10}, 5);
}

static void test_macdfix(void **state)
{
    (void)state;
    double x[28];
    for (int i = 0; i < 28; i++)
        x[i] = i;
    const double *in[1] = {x};
    double out[3][N], *outs[3] = {out[0], out[1], out[2]}, p2[1] = {2};
    fu_calc_all("macdfix", MT_TF_1H, p2, 1, in, NULL, 28, outs);
    /* Bar 25: slow = SMA of 0..25 = 12.5, fast = SMA of 14..25 = 19.5; then k = 0.075 and 0.15. */
    double s26 = 12.5 + (26 - 12.5) * 0.075, f26 = 19.5 + (26 - 19.5) * 0.15;
    double s27 = s26 + (27 - s26) * 0.075, f27 = f26 + (27 - f26) * 0.15;
    double m26 = f26 - s26, m27 = f27 - s27;
    /* Signal EMA 2 seeded with the mean of the MACD at bars 25 and 26. */
    double g26 = (7 + m26) / 2, g27 = g26 + (m27 - g26) * 2.0 / 3;
    for (int i = 0; i < 26; i++)
        for (int k = 0; k < 3; k++)
            assert_true(isnan(out[k][i]));
    fu_expect(out[0] + 26, (double[]){m26, m27}, 2);
    fu_expect(out[1] + 26, (double[]){g26, g27}, 2);
    fu_expect(out[2] + 26, (double[]){m26 - g26, m27 - g27}, 2);
}

static void test_zlema_dpo_md(void **state)
{
    (void)state;
    const double *in[1] = {ramp5};
    double out[N], p5[1] = {5}, p4[1] = {4}, p3[1] = {3};
    /* Lag 2, k = 1/3: starts at bar 1 with 2; then EMA of 4 + 3 = 7 and 7 + 5 = 12 and 11 + 7 = 18. */
    double z2 = 2 + (7 - 2) / 3.0, z3 = z2 + (12 - z2) / 3.0, z4 = z3 + (18 - z3) / 3.0;
    fu_calc("zlema", p5, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, 2, z2, z3, z4}, 5);
    /* Period 4: the value 3 bars ago minus the mean of the last 4. */
    fu_calc("dpo", p4, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 1 - 14 / 4.0, 2 - 24 / 4.0}, 5);
    /* Period 3: means 7/3, 13/3, 22/3; absolute deviations (4/3 + 1/3 + 5/3), (7/3 + 1/3 + 8/3),
     * (10/3 + 1/3 + 11/3). */
    fu_calc("md", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 10.0 / 9, 16.0 / 9, 22.0 / 9}, 5);
}

static void test_qstick_vhf_fosc(void **state)
{
    (void)state;
    const double open[4] = {1, 2, 3, 4}, close[4] = {2, 1, 6, 4};
    const double *oc[2] = {open, close};
    double out[N], p2[1] = {2}, p3[1] = {3};
    /* close - open: 1, -1, 3, 0. */
    fu_calc("qstick", p2, 1, oc, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 0, 1, 1.5}, 4);
    /* Range of the last 3 closes over the sum of the last 3 absolute changes: 3 / (2 + 1 + 3), 3 / (1 + 3 + 1);
     * nothing moved: undefined. */
    const double x[5] = {1, 3, 2, 5, 4}, flat[4] = {2, 2, 2, 2};
    const double *in[1] = {x};
    fu_calc("vhf", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 0.5, 0.6}, 5);
    in[0] = flat;
    fu_calc("vhf", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN}, 4);
    /* Line through (1, 1), (2, 2), (3, 4): slope 1.5, intercept -2/3, forecast at 4: 16/3; through (1, 2), (2, 4),
     * (3, 7): slope 2.5, intercept -2/3, forecast 28/3. */
    in[0] = ramp5;
    fu_calc("fosc", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 100 * (7 - 16.0 / 3) / 7, 100 * (11 - 28.0 / 3) / 11}, 5);
}

static void test_fisher(void **state)
{
    (void)state;
    /* Midpoints 1, 2, 3, 2, 2. */
    const double high[5] = {1.5, 2.5, 4, 2.5, 3}, low[5] = {0.5, 1.5, 2, 1.5, 1};
    const double *in[2] = {high, low};
    double out[2][N], *outs[2] = {out[0], out[1]}, p2[1] = {2};
    fu_calc_all("fisher", MT_TF_1H, p2, 1, in, NULL, 5, outs);
    /* Positions in the 2-bar range: 1, 1, 0, 0 (a flat range counts as 0.001 wide). */
    double v1 = 0.33, v2 = 0.33 + 0.67 * v1, v3 = -0.33 + 0.67 * v2, v4 = -0.33 + 0.67 * v3;
    double f1 = 0.5 * log((1 + v1) / (1 - v1)), f2 = 0.5 * log((1 + v2) / (1 - v2)) + 0.5 * f1;
    double f3 = 0.5 * log((1 + v3) / (1 - v3)) + 0.5 * f2, f4 = 0.5 * log((1 + v4) / (1 - v4)) + 0.5 * f3;
    fu_expect(out[0], (double[]){NAN, f1, f2, f3, f4}, 5);
    fu_expect(out[1], (double[]){NAN, 0, f1, f2, f3}, 5);
}

static void test_fisher_clamp(void **state)
{
    (void)state;
    /* A steady rise: v = 1 - 0.67^b until it passes 0.99 (bar 12), then it is held at 0.999. */
    double x[16];
    for (int i = 0; i < 16; i++)
        x[i] = i;
    const double *in[2] = {x, x};
    double out[N], p2[1] = {2};
    fu_calc("fisher", p2, 1, in, NULL, 16, 0, out);
    double f11 = out[11], v12 = 0.999;
    assert_true(1 - pow(0.67, 11) < 0.99 && 1 - pow(0.67, 12) > 0.99);
    double f12 = 0.5 * log((1 + v12) / (1 - v12)) + 0.5 * f11;
    double f13 = 0.5 * log((1 + v12) / (1 - v12)) + 0.5 * f12;
    fu_expect(out + 12, (double[]){f12, f13}, 2);
}

static void test_mass_cvi(void **state)
{
    (void)state;
    /* Range 1 for 16 bars, then 2: both EMAs are 1 until bar 16, then 1.2 and 0.8 + 0.2 x 1.2 = 1.04; at bar 17
     * 1.2 x 0.8 + 0.4 = 1.36 and 1.04 x 0.8 + 1.36 x 0.2. */
    double high[18], low[18];
    for (int i = 0; i < 18; i++) {
        high[i] = i < 16 ? 11 : 12;
        low[i] = 10;
    }
    const double *in[2] = {high, low};
    double out[N], p1[1] = {1}, p2[1] = {2};
    fu_calc("mass", p2, 1, in, NULL, 18, 0, out);
    for (int i = 0; i < 17; i++)
        assert_true(isnan(out[i]));
    double e17 = 1.36, g17 = 1.04 * 0.8 + 1.36 * 0.2;
    fu_expect(out + 17, (double[]){1.2 / 1.04 + e17 / g17}, 1);
    fu_calc("mass", p1, 1, in, NULL, 17, 0, out);
    fu_expect(out + 16, (double[]){1.2 / 1.04}, 1);
    /* Ranges 1, 2, 4, 1, EMA k = 2/3 from the first: 1, 5/3, 29/9, 47/27; period 2: change against 2 bars ago. */
    const double h2[4] = {2, 3, 5, 2}, l2[4] = {1, 1, 1, 1};
    in[0] = h2;
    in[1] = l2;
    fu_calc("cvi", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 100 * (47.0 / 27 - 5.0 / 3) / (5.0 / 3)}, 4);
    /* No range at all: the old average is 0, undefined. */
    in[0] = l2;
    fu_calc("cvi", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN}, 4);
}

static void test_kvo(void **state)
{
    (void)state;
    /* high + low + close 27, 32 (up: cm = 2 + 3), 31 (down: cm = 3 + 1), 31 (still down: cm = 4 + 1). */
    const double h[4] = {10, 12, 11, 11}, l[4] = {8, 9, 10, 10}, c[4] = {9, 11, 10, 10}, v[4] = {1, 10, 4, 1};
    const double *in[4] = {h, l, c, v};
    double out[N], opt[2] = {2, 3};
    /* Forces 10 |6/5 - 1| 100 = 200, -4 |2/4 - 1| 100 = -200, -1 |2/5 - 1| 100 = -60; EMAs k 2/3 and 1/2. */
    double f2 = 200 + (-200 - 200) * 2.0 / 3, s2 = 0, f3 = f2 + (-60 - f2) * 2.0 / 3, s3 = -30;
    fu_calc("kvo", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 0, f2 - s2, f3 - s3}, 4);
    /* No range at all: no force. */
    in[0] = l;
    in[2] = l;
    fu_calc("kvo", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0}, 4);
}

static void test_vidya(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 4, 4, 6}, flat[4] = {5, 5, 5, 7};
    const double *in[1] = {x};
    double out[N], opt[3] = {2, 3, 0.5};
    /* Starts at bar 1 with 2. Bar 2: short variance of (2, 4) 1, long of (1, 2, 4) 14/9; bar 3: the short window
     * (4, 4) is flat, k = 0; bar 4: short (4, 6) 1, long (4, 4, 6) 8/9. */
    double v2 = 2 + (4 - 2) * 0.5 / sqrt(14.0 / 9), v4 = v2 + (6 - v2) * 0.5 / sqrt(8.0 / 9);
    fu_calc("vidya", opt, 3, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, 2, v2, v2, v4}, 5);
    /* Flat long window: 0 / 0 counts as k = 0; then short (5, 7) 1, long (5, 5, 7) 8/9. */
    in[0] = flat;
    fu_calc("vidya", opt, 3, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 5, 5, 5 + 2 * 0.5 / sqrt(8.0 / 9)}, 4);
}

static void test_marketfi(void **state)
{
    (void)state;
    const double h[3] = {10, 12, 11}, l[3] = {8, 9, 11}, v[3] = {4, 0, 2};
    const double *in[3] = {h, l, v};
    double out[N];
    fu_calc("marketfi", NULL, 0, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){0.5, NAN, 0}, 3);
}

static void test_short_long_check(void **state)
{
    (void)state;
    fu_expect_order_error("kvo", "short", "long");
    fu_expect_order_error("vidya", "short", "long");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_min_sum), cmocka_unit_test(test_macdfix),
        cmocka_unit_test(test_zlema_dpo_md), cmocka_unit_test(test_qstick_vhf_fosc),
        cmocka_unit_test(test_fisher), cmocka_unit_test(test_fisher_clamp),
        cmocka_unit_test(test_mass_cvi), cmocka_unit_test(test_kvo),
        cmocka_unit_test(test_vidya), cmocka_unit_test(test_marketfi),
        cmocka_unit_test(test_short_long_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
