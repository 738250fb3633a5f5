/* Moving averages on small hand-computed series. */
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

static const double ramp[N] = {1, 2, 3, 4, 5, 6, 7, 8};

static void test_sma_ema_rma_wma(void **state)
{
    (void)state;
    const double *in[1] = {ramp};
    double out[N], p3[1] = {3};
    fu_calc("sma", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 3, 4}, 5);
    /* EMA 3: k = 1/2, seeded with the SMA of the first 3. */
    fu_calc("ema", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 3, 4}, 5);
    /* RMA 3: k = 1/3. */
    fu_calc("rma", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2, 2 + 2.0 / 3, 2 + 2.0 / 3 + (5 - (2 + 2.0 / 3)) / 3}, 5);
    /* WMA 3: weights 1, 2, 3 over 6. */
    fu_calc("wma", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 14.0 / 6, 20.0 / 6, 26.0 / 6}, 5);
    const double jumpy[5] = {4, -2, 7, 7, 1};
    in[0] = jumpy;
    fu_calc("wma", p3, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, (4 - 4 + 21) / 6.0, (-2 + 14 + 21) / 6.0, (7 + 14 + 3) / 6.0}, 5);
}

static void test_ema_chains(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 4, 8, 16};
    const double *in[1] = {x};
    double out[N], p2[1] = {2};
    /* EMA 2 (k = 2/3) and the EMA of it, seeded with SMAs. */
    double e1[5] = {NAN, 1.5, 0, 0, 0};
    for (int i = 2; i < 5; i++)
        e1[i] = (x[i] - e1[i - 1]) * (2.0 / 3) + e1[i - 1];
    double e2[5] = {NAN, NAN, (e1[1] + e1[2]) / 2, 0, 0};
    for (int i = 3; i < 5; i++)
        e2[i] = (e1[i] - e2[i - 1]) * (2.0 / 3) + e2[i - 1];
    double e3_2 = NAN, e3_4 = (e2[2] + e2[3]) / 2, e3_5 = (e2[4] - e3_4) * (2.0 / 3) + e3_4;
    (void)e3_2;
    fu_calc("dema", p2, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2 * e1[2] - e2[2], 2 * e1[3] - e2[3], 2 * e1[4] - e2[4]}, 5);
    fu_calc("tema", p2, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 3 * e1[3] - 3 * e2[3] + e3_4, 3 * e1[4] - 3 * e2[4] + e3_5}, 5);
}

static void test_trima_hma_kama(void **state)
{
    (void)state;
    const double *in[1] = {ramp};
    double out[N], p4[1] = {4};
    /* TRIMA 4 = SMA 3 of SMA 2. */
    fu_calc("trima", p4, 1, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 2.5, 3.5}, 5);
    /* HMA has no lag on a straight line: HMA 4 of a ramp is the ramp, from bar 3 + 1. */
    fu_calc("hma", p4, 1, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, 5, 6}, 6);
    /* KAMA 2: seeded with the previous value; efficiency = |change| / noise. */
    const double x[4] = {1, 2, 4, 3};
    in[0] = x;
    double p2[1] = {2};
    fu_calc("kama", p2, 1, in, NULL, 4, 0, out);
    double fast = 2.0 / 3, slow = 2.0 / 31;
    double k2 = 2 + (4 - 2) * fast * fast;            /* change 3 = noise 3: efficiency 1 */
    double sc = (1.0 / 3) * (fast - slow) + slow;      /* change 1, noise |4-2| + |3-4| = 3 */
    fu_expect(out, (double[]){NAN, NAN, k2, k2 + (3 - k2) * sc * sc}, 4);
}

static void test_volume_weighted(void **state)
{
    (void)state;
    const double close[3] = {10, 20, 30}, vol[3] = {1, 3, 0};
    const double *in[2] = {close, vol};
    double out[N], p2[1] = {2};
    fu_calc("vwma", p2, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, (10 + 60) / 4.0, 60 / 3.0}, 3);
    /* VWAP restarts at 00:00 UTC: bars 22:00, 23:00, 00:00, 01:00. */
    const int64_t day = INT64_C(1672531200000), h = 3600000;
    const int64_t t[4] = {day - 2 * h, day - h, day, day + h};
    const double hi[4] = {12, 22, 32, 42}, lo[4] = {8, 18, 28, 38}, cl[4] = {10, 20, 30, 40}, v[4] = {1, 1, 2, 2};
    const double *in4[4] = {hi, lo, cl, v};
    fu_calc("vwap", NULL, 0, in4, t, 4, 0, out);
    fu_expect(out, (double[]){10, 15, 30, 35}, 4);
    double week[1] = {1}; /* 2022-12-31 is a Saturday: the week began on Monday 26th, no restart */
    fu_calc("vwap", week, 1, in4, t, 4, 0, out);
    fu_expect(out, (double[]){10, 15, 90.0 / 4, 170.0 / 6}, 4);
}

static void test_midpoint_midprice(void **state)
{
    (void)state;
    const double x[4] = {1, 5, 2, 3}, lo[4] = {0, 4, 1, 2};
    const double *in[2] = {x, lo};
    double out[N], p3[1] = {3};
    fu_calc("midpoint", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 3, 3.5}, 4);
    fu_calc("midprice", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 2.5, 3}, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sma_ema_rma_wma), cmocka_unit_test(test_ema_chains),
        cmocka_unit_test(test_trima_hma_kama),  cmocka_unit_test(test_volume_weighted),
        cmocka_unit_test(test_midpoint_midprice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
