/* Momentum and trend entries on small hand-computed series, and their
 * cross-option checks. */
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

/* Runs name with opt and expects out k to be want over n bars. */
static void check(const char *name, const double *opt, int nopt, const double *const *in, size_t n, int k,
                  const double *want)
{
    double out[FU_SMALL];
    fu_calc(name, opt, nopt, in, NULL, n, k, out);
    fu_expect(out, want, n);
}

/* A small high/low/close/volume series used by several tests. */
static const double hi5[5] = {5, 6, 7, 6, 8}, lo5[5] = {1, 2, 3, 4, 5}, cl5[5] = {3, 5, 6, 5, 7},
                    vol5[5] = {10, 20, 30, 40, 50};

static void test_rsi_cmo(void **state)
{
    (void)state;
    const double x[5] = {1, 2, 4, 3, 5}; /* changes +1 +2 -1 +2 */
    const double *in[1] = {x};
    double p2[1] = {2};
    /* Wilder 2: gain (1+2)/2, loss 0; then avg = (avg + change) / 2. */
    double g2 = 1.5, l2 = 0, g3 = g2 / 2, l3 = (l2 + 1) / 2, g4 = (g3 + 2) / 2, l4 = l3 / 2;
    check("rsi", p2, 1, in, 5, 0, (double[]){NAN, NAN, 100, 100 * g3 / (g3 + l3), 100 * g4 / (g4 + l4)});
    check("cmo", p2, 1, in, 5, 0,
          (double[]){NAN, NAN, 100, 100 * (g3 - l3) / (g3 + l3), 100 * (g4 - l4) / (g4 + l4)});
    const double flat[4] = {3, 3, 3, 3};
    in[0] = flat;
    check("rsi", p2, 1, in, 4, 0, (double[]){NAN, NAN, 0, 0}); /* TA-Lib: 0 without any change */
}

static void test_stochastics(void **state)
{
    (void)state;
    const double *in[3] = {hi5, lo5, cl5};
    /* %K 3: bar 2 (6-1)/(7-1), bar 3 (5-2)/(7-2), bar 4 (7-3)/(8-3). */
    double k2 = 100 * 5.0 / 6, k3 = 60, k4 = 80;
    double f32[2] = {3, 2};
    check("stochf", f32, 2, in, 5, 0, (double[]){NAN, NAN, NAN, k3, k4});
    check("stochf", f32, 2, in, 5, 1, (double[]){NAN, NAN, NAN, (k2 + k3) / 2, (k3 + k4) / 2});
    /* Slow: %K smoothed by SMA 2, then %D = SMA 2 of that; lookback 2 + 1 + 1. */
    double s322[3] = {3, 2, 2}, sk3 = (k2 + k3) / 2, sk4 = (k3 + k4) / 2;
    check("stoch", s322, 3, in, 5, 0, (double[]){NAN, NAN, NAN, NAN, sk4});
    check("stoch", s322, 3, in, 5, 1, (double[]){NAN, NAN, NAN, NAN, (sk3 + sk4) / 2});
    check("stoch_full", s322, 3, in, 5, 1, (double[]){NAN, NAN, NAN, NAN, (sk3 + sk4) / 2});
    /* %R 3: -100 (highest - close) / (highest - lowest). */
    double p3[1] = {3};
    check("willr", p3, 1, in, 5, 0, (double[]){NAN, NAN, -100 / 6.0, -40, -20});
}

static void test_stochrsi(void **state)
{
    (void)state;
    const double x[7] = {1, 2, 4, 3, 5, 4, 6}; /* changes +1 +2 -1 +2 -1 +2 */
    const double *in[1] = {x};
    double g = 1.5, l = 0, r[7] = {0, 0, 100, 0, 0, 0, 0};
    const double ch[7] = {0, 0, 0, -1, 2, -1, 2};
    for (int i = 3; i < 7; i++) {
        g = (g + (ch[i] > 0 ? ch[i] : 0)) / 2;
        l = (l + (ch[i] < 0 ? -ch[i] : 0)) / 2;
        r[i] = 100 * g / (g + l);
    }
    /* Fast %K 3 of the RSI (bars 2..), %D its SMA 2; lookback 2 + 2 + 1. */
    double k[7] = {0};
    for (int i = 4; i < 7; i++) {
        double hh = fmax(r[i], fmax(r[i - 1], r[i - 2])), ll = fmin(r[i], fmin(r[i - 1], r[i - 2]));
        k[i] = 100 * (r[i] - ll) / (hh - ll);
    }
    double opt[3] = {2, 3, 2};
    check("stochrsi", opt, 3, in, 7, 0, (double[]){NAN, NAN, NAN, NAN, NAN, k[5], k[6]});
    check("stochrsi", opt, 3, in, 7, 1, (double[]){NAN, NAN, NAN, NAN, NAN, (k[4] + k[5]) / 2, (k[5] + k[6]) / 2});
}

static void test_cci_mfi(void **state)
{
    (void)state;
    const double *in[4] = {hi5, lo5, cl5, vol5};
    /* Typical prices 3, 13/3, 16/3, 5, 20/3. */
    const double tp[5] = {3, 13.0 / 3, 16.0 / 3, 5, 20.0 / 3};
    double want[5] = {NAN, NAN, 0, 0, 0};
    for (int i = 2; i < 5; i++) {
        double mean = (tp[i - 2] + tp[i - 1] + tp[i]) / 3;
        double dev = (fabs(tp[i - 2] - mean) + fabs(tp[i - 1] - mean) + fabs(tp[i] - mean)) / 3;
        want[i] = (tp[i] - mean) / (0.015 * dev);
    }
    double p3[1] = {3}, p2[1] = {2};
    check("cci", p3, 1, in, 5, 0, want);
    /* MFI 2: flows tp x volume; up on bars 1, 2, 4, down on bar 3 (bar 2: all up). */
    double up2 = tp[2] * 30, dn3 = tp[3] * 40, up4 = tp[4] * 50;
    check("mfi", p2, 1, in, 5, 0, (double[]){NAN, NAN, 100, 100 * up2 / (up2 + dn3), 100 * up4 / (up4 + dn3)});
}

static void test_rate_of_change(void **state)
{
    (void)state;
    const double x[4] = {2, 4, 5, 8};
    const double *in[1] = {x};
    double p2[1] = {2};
    check("roc", p2, 1, in, 4, 0, (double[]){NAN, NAN, 150, 100});
    check("rocp", p2, 1, in, 4, 0, (double[]){NAN, NAN, 1.5, 1});
    check("rocr", p2, 1, in, 4, 0, (double[]){NAN, NAN, 2.5, 2});
    check("rocr100", p2, 1, in, 4, 0, (double[]){NAN, NAN, 250, 200});
    check("mom", p2, 1, in, 4, 0, (double[]){NAN, NAN, 3, 4});
    const double zero[3] = {0, 1, 3};
    in[0] = zero;
    check("roc", p2, 1, in, 3, 0, (double[]){NAN, NAN, 0}); /* TA-Lib: 0 against a zero */
}

static void test_trix_macd(void **state)
{
    (void)state;
    const double x[6] = {1, 2, 4, 8, 16, 32};
    const double *in[1] = {x};
    /* EMA 2 (k = 2/3) three times, each seeded with the SMA of its first two values. */
    double e1[6] = {NAN, 1.5}, e2[6] = {NAN, NAN}, e3[6] = {NAN, NAN, NAN};
    for (int i = 2; i < 6; i++)
        e1[i] = (x[i] - e1[i - 1]) * (2.0 / 3) + e1[i - 1];
    e2[2] = (e1[1] + e1[2]) / 2;
    for (int i = 3; i < 6; i++)
        e2[i] = (e1[i] - e2[i - 1]) * (2.0 / 3) + e2[i - 1];
    e3[3] = (e2[2] + e2[3]) / 2;
    for (int i = 4; i < 6; i++)
        e3[i] = (e2[i] - e3[i - 1]) * (2.0 / 3) + e3[i - 1];
    double p2[1] = {2};
    check("trix", p2, 1, in, 6, 0,
          (double[]){NAN, NAN, NAN, NAN, (e3[4] / e3[3] - 1) * 100, (e3[5] / e3[4] - 1) * 100});
    /* MACD 2/3/2: the slow EMA 3 (k 1/2) starts at bar 2 with (1+2+4)/3; the
     * fast EMA 2 is seeded on the same bar with (2+4)/2 (TA-Lib), not from bar 0. */
    double s2 = 7.0 / 3, f2 = 3, s3 = s2 + (8 - s2) / 2, f3 = f2 + (8 - f2) * 2 / 3;
    double s4 = s3 + (16 - s3) / 2, f4 = f3 + (16 - f3) * 2 / 3;
    double m2 = f2 - s2, m3 = f3 - s3, m4 = f4 - s4, sig3 = (m2 + m3) / 2, sig4 = sig3 + (m4 - sig3) * 2 / 3;
    double opt[3] = {2, 3, 2};
    check("macd", opt, 3, in, 5, 0, (double[]){NAN, NAN, NAN, m3, m4});
    check("macd", opt, 3, in, 5, 1, (double[]){NAN, NAN, NAN, sig3, sig4});
    check("macd", opt, 3, in, 5, 2, (double[]){NAN, NAN, NAN, m3 - sig3, m4 - sig4});
    assert_true(fabs(m3 - 7.0 / 6) < 1e-12 && fabs(sig4 - 191.0 / 108) < 1e-12);
}

static void test_oscillators(void **state)
{
    (void)state;
    const double x[4] = {1, 2, 4, 8};
    const double *in1[1] = {x};
    double fs[2] = {2, 3};
    check("apo", fs, 2, in1, 4, 0, (double[]){NAN, NAN, 3 - 7.0 / 3, 6 - 14.0 / 3});
    check("ppo", fs, 2, in1, 4, 0, (double[]){NAN, NAN, 200.0 / 7, 200.0 / 7});
    /* Ultimate 1/2/3: buying pressure close - min(low, prev close), true range;
     * bars 1..4: bp 3, 3, 1, 2 and tr 4, 4, 2, 3. */
    const double *in3[3] = {hi5, lo5, cl5};
    double u[3] = {1, 2, 3};
    double u3 = 100 * (4 * (1.0 / 2) + 2 * (4.0 / 6) + 7.0 / 10) / 7;
    double u4 = 100 * (4 * (2.0 / 3) + 2 * (3.0 / 5) + 6.0 / 9) / 7;
    check("ultosc", u, 3, in3, 5, 0, (double[]){NAN, NAN, NAN, u3, u4});
    /* Balance of power; 0 for a bar without range. */
    const double o[2] = {2, 3}, h[2] = {5, 3}, l[2] = {1, 3}, c[2] = {4, 3};
    const double *in4[4] = {o, h, l, c};
    check("bop", NULL, 0, in4, 2, 0, (double[]){0.5, 0});
}

/* High/low/close for the directional tests: +DM1 2 0 3 0 2 0 2, -DM1 0 2 0 0 0 0 0,
 * TR 3 4 6 1 4 2 3 on bars 1..7. */
static const double hi8[8] = {10, 12, 11, 14, 13, 15, 14, 16}, lo8[8] = {8, 9, 7, 10, 12, 11, 12, 13},
                    cl8[8] = {9, 11, 8, 13, 12, 14, 13, 15};

static void test_directional(void **state)
{
    (void)state;
    const double *in[3] = {hi8, lo8, cl8};
    const double pdm1[8] = {0, 2, 0, 3, 0, 2, 0, 2}, mdm1[8] = {0, 0, 2, 0, 0, 0, 0, 0},
                 tr1[8] = {0, 3, 4, 6, 1, 4, 2, 3};
    /* Period 3: sums of bars 1..2, then sum - sum/3 + value. */
    double p[8], m[8], r[8];
    p[2] = 2;
    m[2] = 2;
    r[2] = 7;
    for (int i = 3; i < 8; i++) {
        p[i] = p[i - 1] - p[i - 1] / 3 + pdm1[i];
        m[i] = m[i - 1] - m[i - 1] / 3 + mdm1[i];
        r[i] = r[i - 1] - r[i - 1] / 3 + tr1[i];
    }
    double pdm[8], mdm[8], pdi[8], mdi[8], dx[8], adx[8], adxr[8];
    for (int i = 0; i < 8; i++) {
        pdm[i] = i >= 2 ? p[i] : NAN;
        mdm[i] = i >= 2 ? m[i] : NAN;
        pdi[i] = i >= 3 ? 100 * p[i] / r[i] : NAN;
        mdi[i] = i >= 3 ? 100 * m[i] / r[i] : NAN;
        dx[i] = i >= 3 ? 100 * fabs(pdi[i] - mdi[i]) / (pdi[i] + mdi[i]) : NAN;
        adx[i] = adxr[i] = NAN;
    }
    assert_true(fabs(pdi[3] - 100 * 13.0 / 32) < 1e-12 && fabs(dx[5] - 100 * 90.0 / 122) < 1e-12);
    /* ADX 3: mean of the DX on bars 3..5, then (adx 2 + dx) / 3; ADXR: (adx + adx 2 bars back) / 2. */
    adx[5] = (dx[3] + dx[4] + dx[5]) / 3;
    for (int i = 6; i < 8; i++)
        adx[i] = (adx[i - 1] * 2 + dx[i]) / 3;
    adxr[7] = (adx[7] + adx[5]) / 2;
    double p3[1] = {3};
    check("plus_dm", p3, 1, in, 8, 0, pdm);
    check("minus_dm", p3, 1, in, 8, 0, mdm);
    check("plus_di", p3, 1, in, 8, 0, pdi);
    check("minus_di", p3, 1, in, 8, 0, mdi);
    check("dx", p3, 1, in, 8, 0, dx);
    check("adx", p3, 1, in, 8, 0, adx);
    check("adxr", p3, 1, in, 8, 0, adxr);
}

static void test_directional_flat(void **state)
{
    (void)state;
    /* No movement after bar 0: DI 0 (no range), DX 0 at first and then kept. */
    const double h[5] = {5, 5, 5, 5, 5}, l[5] = {5, 5, 5, 5, 5};
    const double *in[3] = {h, l, h};
    double p2[1] = {2};
    check("plus_di", p2, 1, in, 5, 0, (double[]){NAN, NAN, 0, 0, 0});
    check("dx", p2, 1, in, 5, 0, (double[]){NAN, NAN, 0, 0, 0});
    check("adx", p2, 1, in, 5, 0, (double[]){NAN, NAN, NAN, 0, 0});
}

static void test_aroon(void **state)
{
    (void)state;
    double h[8], l[8];
    memcpy(h, hi8, sizeof h);
    memcpy(l, lo8, sizeof l);
    l[6] = 10; /* ties the low of bar 3: the newest counts */
    const double *in[2] = {h, l};
    double p3[1] = {3}, f = 100.0 / 3;
    /* Windows of 4 bars; (bars since lowest low, bars since highest high) on bars 3..7:
     * (1, 0), (2, 1), (3, 0), (0, 1), (1, 0). */
    check("aroon", p3, 1, in, 8, 0, (double[]){NAN, NAN, NAN, f * 2, f * 1, 0, f * 3, f * 2});
    check("aroon", p3, 1, in, 8, 1, (double[]){NAN, NAN, NAN, f * 3, f * 2, f * 3, f * 2, f * 3});
    check("aroonosc", p3, 1, in, 8, 0, (double[]){NAN, NAN, NAN, f * 1, f * 1, f * 3, -f * 1, f * 1});
}

static void test_sar(void **state)
{
    (void)state;
    /* Long from bar 1 (no -DM1): SAR = bar 0's low, extreme bar 1's high. */
    const double h[6] = {10, 12, 13, 12, 9, 8}, l[6] = {8, 9, 11, 10, 7, 6};
    const double *in[2] = {h, l};
    double opt[2] = {0.1, 0.2};
    /* bar 1: 8, next 8 + 0.1 (12 - 8); bar 2: new high 13, af 0.2, 8.4 + 0.2 (13 - 8.4) = 9.32
     * capped at the previous low 9; bar 3: 9 + 0.2 (13 - 9); bar 4: low 7 crosses: short at
     * the extreme 13, next 13 + 0.1 (7 - 13); bar 5: 12.4. */
    check("sar", opt, 2, in, 6, 0, (double[]){NAN, 8, 8.4, 9, 13, 12.4});
}

/* Cross-option checks name both options. */
static void test_option_checks(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        double opt[3];
        const char *a, *b;
    } bad[] = {
        {"macd", {26, 12, 9}, "fast", "slow"},
        {"macd", {12, 12, 9}, "fast", "slow"},
        {"ppo", {26, 12}, "fast", "slow"},
        {"apo", {5, 5}, "fast", "slow"},
        {"ultosc", {14, 7, 28}, "period1", "period2"},
        {"sar", {0.3, 0.2}, "acceleration", "maximum"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const struct mt_ind_def *d = mt_ind_find(bad[i].name);
        assert_non_null(d);
        struct mt_ind_ctx c = {.tf = MT_TF_1H};
        mt_ind_defaults(d, &c);
        for (int k = 0; k < d->n_opt && k < 3; k++)
            c.opt[k] = bad[i].opt[k];
        struct mt_err err = {0};
        assert_int_equal(mt_ind_validate(d, &c, &err), MT_EINVAL);
        if (!strstr(err.msg, bad[i].a) || !strstr(err.msg, bad[i].b) || !strstr(err.msg, bad[i].name))
            fail_msg("%s: message '%s'", bad[i].name, err.msg);
    }
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    struct mt_err err = {0};
    mt_ind_defaults(mt_ind_find("macd"), &c);
    assert_int_equal(mt_ind_validate(mt_ind_find("macd"), &c, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsi_cmo),          cmocka_unit_test(test_stochastics),
        cmocka_unit_test(test_stochrsi),         cmocka_unit_test(test_cci_mfi),
        cmocka_unit_test(test_rate_of_change),   cmocka_unit_test(test_trix_macd),
        cmocka_unit_test(test_oscillators),      cmocka_unit_test(test_directional),
        cmocka_unit_test(test_directional_flat), cmocka_unit_test(test_aroon),
        cmocka_unit_test(test_sar),              cmocka_unit_test(test_option_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
