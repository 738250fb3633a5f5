/* Volume indicators on small hand-computed series. */
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

static void test_obv_nvi_pvi(void **state)
{
    (void)state;
    const double close[5] = {10, 11, 11, 9, 12}, vol[5] = {5, 3, 4, 2, 1};
    const double *in[2] = {close, vol};
    double out[N];
    /* Starts at the first volume; +3, unchanged close, -2, +1. */
    fu_calc("obv", NULL, 0, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){5, 8, 8, 6, 7}, 5);
    const double c2[5] = {10, 11, 12, 9, 12}, v2[5] = {5, 3, 4, 2, 2};
    in[0] = c2;
    in[1] = v2;
    /* NVI follows the close on bars 1 (+10%) and 3 (-25%), where volume fell; PVI on bar 2 (+1/11). */
    fu_calc("nvi", NULL, 0, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){1000, 1100, 1100, 825, 825}, 5);
    fu_calc("pvi", NULL, 0, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){1000, 1000, 12000.0 / 11, 12000.0 / 11, 12000.0 / 11}, 5);
}

/* Money flow volumes ((c - l) - (h - c)) / (h - l) x v: 6, 0 (high == low), -5, 2. */
static const double hi[4] = {10, 5, 4, 6}, lo[4] = {0, 5, 2, 2}, cl[4] = {8, 5, 2, 5}, vo[4] = {10, 7, 5, 4};

static void test_money_flow(void **state)
{
    (void)state;
    const double *in[4] = {hi, lo, cl, vo};
    double out[N];
    fu_calc("ad", NULL, 0, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){6, 6, 1, 3}, 4);
    /* ADOSC 2/3: EMAs of AD seeded with the first AD, k = 2/3 and 1/2. */
    double opt[2] = {2, 3}, f2 = 2.0 / 3 * 1 + 1.0 / 3 * 6, s2 = 0.5 * 1 + 0.5 * 6;
    double f3 = 2.0 / 3 * 3 + 1.0 / 3 * f2, s3 = 0.5 * 3 + 0.5 * s2;
    fu_calc("adosc", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, f2 - s2, f3 - s3}, 4);
    double p2[1] = {2};
    fu_calc("cmf", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 6.0 / 17, -5.0 / 12, -3.0 / 9}, 4);
    /* No volume in the window: undefined; then the money flow -1 x 3 over the volume 3. */
    const double v0[3] = {0, 0, 3};
    in[3] = v0;
    fu_calc("cmf", p2, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, NAN, -1}, 3);
}

static void test_force_eom(void **state)
{
    (void)state;
    const double close[5] = {10, 11, 11, 9, 12}, vol[5] = {5, 3, 4, 2, 1};
    const double *in[2] = {close, vol};
    double out[N], p2[1] = {2};
    /* Raw force 3, 0, -4, 3 from bar 1; EMA 2 seeded with the SMA of the first two. */
    double e3 = 1.5 + (-4 - 1.5) * 2.0 / 3, e4 = e3 + (3 - e3) * 2.0 / 3;
    fu_calc("force", p2, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1.5, e3, e4}, 5);
    /* Midpoints 9, 11, 12, 13; raw EOM 2 / ((1e6 / 1e6) / 2) = 4, 0 (high == low), 1 / (4 / 4) = 1. */
    const double h[4] = {10, 12, 12, 15}, l[4] = {8, 10, 12, 11}, v[4] = {2e6, 1e6, 5e6, 4e6};
    const double *hlv[3] = {h, l, v};
    fu_calc("eom", p2, 1, hlv, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 0.5}, 4);
}

static void test_oscillators(void **state)
{
    (void)state;
    const double ramp[5] = {1, 2, 3, 4, 5};
    const double *in[1] = {ramp};
    double out[N], opt[3] = {2, 3, 2};
    /* EMA 2: 1.5, 2.5, 3.5, 4.5 from bar 1; EMA 3: 2, 3, 4 from bar 2; PVO 25, 50/3, 12.5; signal EMA 2 of
     * PVO from bar 3. */
    double sig3 = (25 + 50.0 / 3) / 2, sig4 = sig3 + (12.5 - sig3) * 2.0 / 3;
    fu_calc("pvo", opt, 3, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 50.0 / 3, 12.5}, 5);
    fu_calc("pvo", opt, 3, in, NULL, 5, 1, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, sig3, sig4}, 5);
    fu_calc("pvo", opt, 3, in, NULL, 5, 2, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 50.0 / 3 - sig3, 12.5 - sig4}, 5);
    /* VOSC 2/3: SMA 2 of (4, 0, 2, 6, 1) is 1, 4, 3.5 from bar 2; SMA 3 is 2, 8/3, 3. */
    const double v[5] = {4, 0, 2, 6, 1};
    in[0] = v;
    fu_calc("vosc", opt, 2, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, -50, 100 * (4 - 8.0 / 3) / (8.0 / 3), 50.0 / 3}, 5);
    const double v0[4] = {0, 0, 0, 1};
    in[0] = v0;
    fu_calc("vosc", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 50}, 4);
}

static void test_fast_slow_check(void **state)
{
    (void)state;
    fu_expect_order_error("adosc", "fast", "slow");
    fu_expect_order_error("pvo", "fast", "slow");
    fu_expect_order_error("vosc", "fast", "slow");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_obv_nvi_pvi), cmocka_unit_test(test_money_flow),
        cmocka_unit_test(test_force_eom),   cmocka_unit_test(test_oscillators),
        cmocka_unit_test(test_fast_slow_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
