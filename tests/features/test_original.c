/* The original system's families and the calendar features on small
 * hand-computed series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

#define N FU_SMALL

static void test_channel(void **state)
{
    (void)state;
    const double hi[4] = {10, 12, 11, 9}, lo[4] = {8, 9, 7, 8}, cl[4] = {9, 11, 8, 8.5};
    const double *in[3] = {hi, lo, cl};
    double out[N], p3[1] = {3};
    /* Bars 0-2: HH 12, LL 7, mid 9.5; bars 1-3: HH 12, LL 7. */
    fu_calc("chan_width", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 5 / 9.5, 5 / 9.5}, 4);
    /* The corrected precedence: close / ((HH + LL) / 2), not close / (HH + LL) / 2. */
    fu_calc("chan_mid_ratio", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 8 / 9.5, 8.5 / 9.5}, 4);
    fu_calc("chan_pos", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1 / 5.0, 1.5 / 5.0}, 4);
    /* Regime: 100 (HH - LL) / sum of ranges: (2 + 3 + 4) and (3 + 4 + 1). */
    fu_calc("regime_osc", p3, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 500 / 9.0, 500 / 8.0}, 4);
    const double flat[3] = {5, 5, 5};
    const double *fin[3] = {flat, flat, flat};
    double p2[1] = {2};
    fu_calc("chan_pos", p2, 1, fin, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, 0.5, 0.5}, 3);
}

static void test_z_scores(void **state)
{
    (void)state;
    /* Drawdown from the 2-bar highest close: 0, -0.5, 0, then z over 2 values. */
    const double cl[4] = {4, 2, 3, 3};
    const double *in[1] = {cl};
    double out[N], p2[1] = {2};
    /* dd: bar1 2/4-1 = -0.5, bar2 3/3-1 = 0, bar3 0. z over 2: bar2 (0 vs -0.5) = 1, bar3 flat = 0. */
    fu_calc("dd_z", p2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 0}, 4);
    /* EW z-score, com 2 (alpha 1/3): x 1, 3 -> mean 5/3, var (2/3)(1/3)(4) = 8/9, z = (4/3) / sqrt(8/9);
     * then 3 again: mean 19/9, var (2/3)(8/9 + (1/3)(16/9)) = 80/81, z = (8/9) / sqrt(80/81). */
    const double x[3] = {1, 3, 3};
    in[0] = x;
    fu_calc("ewz", p2, 1, in, NULL, 3, 0, out);
    fu_expect(out, (double[]){NAN, (4 / 3.0) / sqrt(8 / 9.0), 8 / sqrt(80.0)}, 3);
    /* Average trade size 10/5 = 2 smoothed by an EMA seeded over 6 bars, then EW z (com 2). */
    const double vol[8] = {10, 10, 10, 10, 10, 10, 40, 10}, trades[8] = {5, 5, 5, 5, 5, 5, 5, 0};
    const double *in2[2] = {vol, trades};
    fu_calc("ats_z", p2, 1, in2, NULL, 8, 0, out);
    double s6 = (8 - 2) / 6.0 + 2, s7 = (10 - s6) / 6.0 + s6; /* trades 0 counts as 1 */
    double a = 1 / 3.0, m6 = 2 + a * (s6 - 2), v6 = (1 - a) * (a * (s6 - 2) * (s6 - 2));
    double d7 = s7 - m6, m7 = m6 + a * d7, v7 = (1 - a) * (v6 + a * d7 * d7);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, NAN, NAN, (s6 - m6) / sqrt(v6), (s7 - m7) / sqrt(v7)}, 8);
}

static void test_atr_z(void **state)
{
    (void)state;
    /* ATR 1: the true range itself; NATR = 100 TR / close. */
    const double hi[4] = {10, 11, 10, 12}, lo[4] = {9, 10, 8, 11}, cl[4] = {10, 10, 10, 12};
    const double *in[3] = {hi, lo, cl};
    double out[N], opt[2] = {2, 1};
    /* TR: bar1 1, bar2 2, bar3 2 (12 - 10); NATR 10, 20, 100 * 2 / 12. */
    fu_calc("atr_z", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1, -1}, 4);
}

static void test_ewm_atr(void **state)
{
    (void)state;
    /* TR: bar 0 = H - L = 1 (no previous close), then 1, 2 (10 - 8), 2
     * (12 - 10); a NaN at bar 4 restarts: bar 5 is a first bar again (TR =
     * H - L = 3, not |H - C3| = 8), bar 6 TR = max(1, 2, 1). */
    const double hi[7] = {10, 11, 10, 12, 12, 20, 20}, lo[7] = {9, 10, 8, 11, 11, 17, 19},
                 cl[7] = {10, 10, 10, 12, NAN, 18, 18};
    const double *in[3] = {hi, lo, cl};
    double value[N], pct[N], com1[1] = {1};
    /* com 1: alpha 1/2, weights 1, 1/2, 1/4, ... normalised by their sum. */
    fu_calc("ewm_atr", com1, 1, in, NULL, 7, 0, value);
    fu_expect(value,
              (double[]){1, 1, (2 + 0.5 + 0.25) / 1.75, (2 + 1 + 0.25 + 0.125) / 1.875, NAN, 3, (2 + 1.5) / 1.5},
              7);
    fu_calc("ewm_atr", com1, 1, in, NULL, 7, 1, pct);
    double c3 = (12 + 5 + 2.5 + 1.25) / 1.875, c6 = (18 + 9) / 1.5;
    fu_expect(pct, (double[]){0.1, 0.1, (2.75 / 1.75) / 10, 1.8 / c3, NAN, 3 / 18.0, (3.5 / 1.5) / c6}, 7);
    /* com 10 (alpha 1/11) against Wilder's ATR(10) on the same bars: 10 TRs
     * of 1 then one of 12. Wilder: NaN until bar 10 (SMA seed of bars 1-10),
     * then (9 + 12) / 10 at bar 11. The EWM has a value from bar 0 and at bar
     * 11 weighs the 12 by 1 against sum (10/11)^i, i = 0..11. */
    double h[12], l[12], c[12];
    for (int i = 0; i < 12; i++) {
        h[i] = 101;
        l[i] = 100;
        c[i] = 100.5;
    }
    h[11] = 112;
    const double *in2[3] = {h, l, c};
    double ewm[N], wilder[N], com10[1] = {10};
    fu_calc("ewm_atr", com10, 1, in2, NULL, 12, 0, ewm);
    fu_calc("atr", com10, 1, in2, NULL, 12, 0, wilder);
    double num = 0, den = 0, wt = 1;
    for (int i = 0; i < 12; i++, wt *= 10 / 11.0) {
        num += wt * (i == 0 ? 12 : 1);
        den += wt;
    }
    assert_true(isnan(wilder[9]) && wilder[10] == 1);
    assert_true(ewm[0] == 1 && ewm[10] == 1); /* a constant TR stays exact */
    tu_assert_close(wilder[11], 2.1, 1e-15);
    tu_assert_close(ewm[11], num / den, 1e-14);
    assert_true(ewm[11] > 2.46 && ewm[11] < 2.47); /* the normalised weights sum to 7.5, not 11 */
}

/* Reads tests/fixtures/features/pandas/NAME.csv: header "value,pct", then
 * rows numbers. */
static void read_pandas(const char *name, size_t rows, double *value, double *pct)
{
    char rel[128];
    snprintf(rel, sizeof rel, "features/pandas/%s.csv", name);
    size_t size;
    char *text = tu_read_file(tu_fixture(rel), &size);
    char *p = strchr(text, '\n');
    assert_non_null(p);
    for (size_t r = 0; r < rows; r++) {
        char *end;
        value[r] = strtod(p + 1, &end);
        assert_true(end > p + 1 && *end == ',');
        pct[r] = strtod(end + 1, &p);
        assert_true(p > end + 1 && *p == '\n');
    }
    assert_true(p[1] == 0);
    free(text);
}

/* ewm_atr against pandas itself (tools/peers/make-ewm-atr.py) on the first
 * 1000 real BTCUSDT bars: the same values to the last bit. */
static void test_ewm_atr_pandas(void **state)
{
    (void)state;
    enum { ROWS = 1000 };
    const struct mt_series *s = fu_btc();
    const char *const file[2] = {"ewm_atr_10", "ewm_atr_2_5"};
    const double com[2] = {10, 2.5};
    double *want = malloc(2 * ROWS * sizeof(double));
    assert_non_null(want);
    for (int k = 0; k < 2; k++) {
        read_pandas(file[k], ROWS, want, want + ROWS);
        struct mt_ind ind;
        struct mt_ind_ctx c = {.tf = MT_TF_1H, .opt = {com[k]}};
        struct mt_err err = {0};
        assert_int_equal(mt_ind_init(&ind, mt_ind_find("ewm_atr"), &c, &err), 0);
        struct fu_out o;
        fu_run(&ind, s, 0, ROWS, &o);
        for (int r = 0; r < ROWS; r++)
            if (o.col[0][r] != want[r] || o.col[1][r] != want[ROWS + r])
                fail_msg("%s row %d: %.17g %.17g, pandas %.17g %.17g", file[k], r, o.col[0][r], o.col[1][r],
                         want[r], want[ROWS + r]);
        fu_out_free(&o);
        mt_ind_release(&ind);
    }
    free(want);
}

static void test_trend(void **state)
{
    (void)state;
    const double x[6] = {1, 3, 5, 4, 2, 6};
    const double *in[1] = {x};
    double out[N], p3[1] = {3};
    /* EMA 3 (k 1/2): 3, 3.5, 2.75, 4.375. */
    fu_calc("ema_ratio", p3, 1, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 5 / 3.0, 4 / 3.5, 2 / 2.75, 6 / 4.375}, 6);
    fu_calc("ema_roc", p3, 1, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, 100 * (3.5 / 3 - 1), 100 * (2.75 / 3.5 - 1), 100 * (4.375 / 2.75 - 1)},
              6);
    /* HMA of a straight line is the line: ratio 1, roc = the line's own change. */
    const double ramp[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    in[0] = ramp;
    double p4[1] = {4};
    fu_calc("hma_ratio", p4, 1, in, NULL, 8, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, 1, 1, 1, 1}, 8);
    fu_calc("hma_roc", p4, 1, in, NULL, 8, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, NAN, 20, 100 / 6.0, 100 / 7.0}, 8);
}

static void test_cross_and_break(void **state)
{
    (void)state;
    /* EMA 1 is the series, EMA 2 (k 2/3) seeded with the mean of two. */
    const double x[6] = {4, 2, 1, 5, 5, 1};
    const double *in[1] = {x};
    double out[N], opt[2] = {1, 2};
    /* EMA2: 3, 5/3, 35/9, 125/27, 161/81 ~ 1.99. fast > slow: bar1 no, 2 no, 3 yes, 4 yes, 5 no. */
    fu_calc("ema_cross", opt, 2, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 1, 1, 0}, 6);
    fu_calc("ema_cross", opt, 2, in, NULL, 6, 1, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 1, 0, 0}, 6);
    fu_calc("ema_cross", opt, 2, in, NULL, 6, 2, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 0, 0, 1}, 6);
    /* EMA 1 against the extremes of its previous 2 values. */
    double b[2] = {1, 2};
    fu_calc("ema_break", b, 2, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 1, 0, 0}, 6);
    fu_calc("ema_break", b, 2, in, NULL, 6, 1, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 0, 0, 1}, 6);
}

static void test_calendar_roc(void **state)
{
    (void)state;
    /* One day of 1h bars: 24 bars back. */
    double x[26];
    for (int i = 0; i < 26; i++)
        x[i] = 100 + i;
    const double *in[1] = {x};
    double out[N];
    fu_calc("roc_days", NULL, 0, in, NULL, 26, 0, out);
    for (int i = 0; i < 24; i++)
        assert_true(isnan(out[i]));
    tu_assert_close(out[24], 24.0, 1e-12);
    tu_assert_close(out[25], 100 * (125 / 101.0 - 1), 1e-12);
}

static void test_stoch_patterns(void **state)
{
    (void)state;
    /* With high 10 and low 0 on every bar, %K(2) is 10 x close. */
    const double hi[7] = {10, 10, 10, 10, 10, 10, 10}, lo[7] = {0, 0, 0, 0, 0, 0, 0};
    const double cw[7] = {5, 1, 6, 1.5, 7, 8, 9};
    const double *in[3] = {hi, lo, cw};
    double out[N], p2[2] = {2, 10};
    /* %K 10, 60, 15, 70: turns 10 (low), 60 (high), 15 (a higher low under 20); %K rising through 60: W on bar 4. */
    fu_calc("stoch_mw", p2, 2, in, NULL, 7, 1, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0, 1, 0, 0}, 7);
    fu_calc("stoch_mw", p2, 2, in, NULL, 7, 0, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0, 0, 0, 0}, 7);
    /* The mirror: %K 90, 40, 85, 30 -> M on bar 4. */
    const double cm[5] = {5, 9, 4, 8.5, 3};
    in[2] = cm;
    fu_calc("stoch_mw", p2, 2, in, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0, 1}, 5);
    /* A lower second low (10, 60, 5, 70) is no W. */
    const double cn[5] = {5, 1, 6, 0.5, 7};
    in[2] = cn;
    fu_calc("stoch_mw", p2, 2, in, NULL, 5, 1, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0, 0}, 5);
}

static void test_rsi_timing(void **state)
{
    (void)state;
    /* Wilder RSI(2): 100 (bar 2), 100, 50, 25, 12.5, 6.25; 3-bar changes from bar 5: -75, -87.5, -43.75. */
    const double x[8] = {10, 11, 12, 13, 12, 11, 10, 9};
    const double *in[1] = {x};
    double out[N], o1[2] = {2, 1}, o3[2] = {2, 3};
    fu_calc("rsi_timing", o1, 2, in, NULL, 8, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, NAN, 1, 1, 1}, 8);
    fu_calc("rsi_timing", o3, 2, in, NULL, 8, 0, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, NAN, 0, 0, 1}, 8);
    fu_calc("rsi_timing", o3, 2, in, NULL, 8, 1, out);
    fu_expect(out, (double[]){NAN, NAN, NAN, NAN, NAN, 0, 0, 0}, 8);
}

static void test_frac_trend(void **state)
{
    (void)state;
    /* Width 3, spacing 0 (levels = the fractals). The fractal high of bar 1 (3) is known at bar 2, the one of
     * bar 4 (5) at bar 5; no strict fractal low, so the low level is the lowest settled low, 0. */
    const double hi[6] = {1, 3, 2, 2, 5, 4}, lo[6] = {0, 2, 1, 1, 4, 3}, cl[6] = {0.5, 2.5, 1.5, 1.8, 4.5, 3.5};
    const double *in[3] = {hi, lo, cl};
    double out[N], opt[2] = {3, 0};
    fu_calc("frac_trend", opt, 2, in, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 3, 3, 3, 5}, 6);
    fu_calc("frac_trend", opt, 2, in, NULL, 6, 1, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 0, 0, 0}, 6);
    fu_calc("frac_trend", opt, 2, in, NULL, 6, 2, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 2, 3, 4}, 6);
    fu_calc("frac_trend", opt, 2, in, NULL, 6, 3, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 2, 0, 1}, 6);
    /* Spacing 1: ATR seeded with the mean of the first two true ranges (3, 2) = 2.5 at bar 2, when both levels
     * are set: offset 0.25; they keep it while their fractals do not change. */
    const double h2[6] = {2, 4, 3, 3, 3, 3}, l2[6] = {0, 2, 1, 1, 1, 1}, c2[6] = {1, 3, 2, 2, 2, 2};
    const double *in2[3] = {h2, l2, c2};
    double o2[2] = {3, 1};
    fu_calc("frac_trend", o2, 2, in2, NULL, 6, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 4.25, 4.25, 4.25, 4.25}, 6);
    fu_calc("frac_trend", o2, 2, in2, NULL, 6, 1, out);
    fu_expect(out, (double[]){NAN, NAN, -0.25, -0.25, -0.25, -0.25}, 6);
}

static void test_flow(void **state)
{
    (void)state;
    const double vol[4] = {10, 20, 0, 8}, taker[4] = {7, 5, 0, 4};
    const double *in[2] = {vol, taker};
    double out[N];
    fu_calc("vol_delta", NULL, 0, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){4, -10, 0, 0}, 4);
    fu_calc("vol_delta", NULL, 0, in, NULL, 4, 1, out);
    fu_expect(out, (double[]){0.4, -0.5, 0, 0}, 4);
    /* Divergence: bar1 up with delta -10 (yes), bar2 flat, bar3 down with delta 0 (no). */
    const double cl[5] = {1, 2, 2, 1, 3}, v5[5] = {10, 20, 1, 8, 4}, t5[5] = {7, 5, 1, 4, 1};
    const double *in3[3] = {cl, v5, t5};
    double b2[1] = {2};
    fu_calc("vd_div", b2, 1, in3, NULL, 5, 0, out);
    /* bar4: up with delta -2: yes. Window of 2 returns: bar2 {1,2} yes, bar3 {2,3} no, bar4 {3,4} yes. */
    fu_expect(out, (double[]){NAN, NAN, 1, 0, 1}, 5);
    /* Range position of volume over 3 bars, 0..100. */
    const double *in1[1] = {v5};
    double p3[1] = {3};
    fu_calc("range_pos", p3, 1, in1, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 7 / 19.0 * 100, 3 / 7.0 * 100}, 5);
    /* close / VWMA(2) then its 2-bar range position. */
    const double c4[4] = {10, 20, 10, 10}, v4[4] = {1, 1, 1, 3};
    const double *in2[2] = {c4, v4};
    double p2[1] = {2};
    /* VWMA 2: 15, 15, 10; ratio 20/15, 10/15, 1: position bar2 0 (lowest), bar3 (1 - 2/3)/(4/3 - 2/3)... */
    fu_calc("vwma_pos", p2, 1, in2, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 0, 100}, 4);
}

static void test_vol_roc_climax(void **state)
{
    (void)state;
    const double hi[4] = {11, 12, 13, 12}, lo[4] = {9, 10, 11, 10}, cl[4] = {10, 11, 12, 11};
    const double *in[3] = {hi, lo, cl};
    double out[N], opt[2] = {2, 1};
    /* ATR 1 = TR: bar2 2, bar3 2. roc over 2 bars: bar2 20 %, bar3 0 %. NATR bar2 100 x 2 / 12. */
    fu_calc("vol_roc", opt, 2, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 20 / (200 / 12.0), 0}, 4);
    const double o[5] = {10, 10, 12, 11, 10}, h[5] = {11, 13, 13, 12, 11}, l[5] = {9, 9, 10, 10, 9},
                 c[5] = {10.5, 12.5, 11, 11.1, 10.2}, v[5] = {5, 9, 12, 13, 1};
    const double *in5[5] = {o, h, l, c, v};
    double p2[1] = {2};
    /* bar1: v 9 = max(5, 9), up bar; bar2: 12 max, down; bar3: 13 max, body 0.1 <= 0.5: churn, up;
     * bar4: v 1 = min. */
    fu_calc("vol_climax", p2, 1, in5, NULL, 5, 0, out);
    fu_expect(out, (double[]){NAN, 1, 0, 1, 0}, 5);
    fu_calc("vol_climax", p2, 1, in5, NULL, 5, 1, out);
    fu_expect(out, (double[]){NAN, 0, 1, 0, 0}, 5);
    fu_calc("vol_climax", p2, 1, in5, NULL, 5, 2, out);
    fu_expect(out, (double[]){NAN, 0, 0, 1, 0}, 5);
    fu_calc("vol_climax", p2, 1, in5, NULL, 5, 3, out);
    fu_expect(out, (double[]){NAN, 0, 0, 0, 1}, 5);
}

static void test_candles(void **state)
{
    (void)state;
    const double o[4] = {10, 11, 9, 12}, c[4] = {11, 10.5, 12, 8};
    const double *in[2] = {o, c};
    double out[N], b1[1] = {1}, b2[1] = {2};
    /* bar2 up: opens 9 <= 10.5 and closes 12 >= 11: bull. bar3 down: opens 12 >= 12, closes 8 <= 9: bear. */
    fu_calc("engulf", b1, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, 0, 1, 0}, 4);
    fu_calc("engulf", b1, 1, in, NULL, 4, 1, out);
    fu_expect(out, (double[]){NAN, 0, 0, 1}, 4);
    /* Over 2 bars, bar2 must also engulf bar0's body 10..11: it does. */
    fu_calc("engulf", b2, 1, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){NAN, NAN, 1, 0}, 4);
    const double co[2] = {10, 5}, ch[2] = {14, 5}, cl[2] = {8, 5}, cc[2] = {12, 5}, cv[2] = {1, 1};
    const double *in4[5] = {co, ch, cl, cc, cv};
    for (int k = 0; k < 4; k++) {
        static const double want[4][2] = {{2 / 6.0, 0}, {2 / 6.0, 0}, {2 / 6.0, 0}, {1, 0}};
        fu_calc("candle", NULL, 0, in4, NULL, 2, k, out);
        fu_expect(out, want[k], 2);
    }
    /* Wicks x |EW z of volume| (com 2): volume 1, 3 -> z (4/3) / sqrt(8/9) = sqrt 2 on bar 1. */
    const double wo[2] = {10, 10}, wh[2] = {14, 14}, wl[2] = {8, 8}, wc[2] = {12, 12}, wv[2] = {1, 3};
    const double *in5[5] = {wo, wh, wl, wc, wv};
    double p2[1] = {2};
    fu_calc("wick_vol", p2, 1, in5, NULL, 2, 0, out);
    fu_expect(out, (double[]){NAN, 2 / 6.0 * sqrt(2.0)}, 2);
    fu_calc("wick_vol", p2, 1, in5, NULL, 2, 1, out);
    fu_expect(out, (double[]){NAN, 2 / 6.0 * sqrt(2.0)}, 2);
}

static void test_round_numbers(void **state)
{
    (void)state;
    const double x[4] = {19800, 0.0995, 6700, 420};
    const double *in[1] = {x};
    double out[N];
    fu_calc("round_num", NULL, 0, in, NULL, 4, 0, out);
    fu_expect(out, (double[]){1 - 19800 / 20000.0, 1 - 0.0995 / 0.1, 1 - 6700 / 7000.0, 420 / 400.0 - 1}, 4);
    fu_calc("round_num", NULL, 0, in, NULL, 4, 1, out);
    fu_expect(out, (double[]){1 - 19800 / 100000.0, 1 - 0.0995 / 0.1, 1 - 6700 / 10000.0, 1 - 420 / 1000.0}, 4);
    /* Spooky: 39 000, 0.0888, 6 660 and 420 itself. */
    fu_calc("round_num", NULL, 0, in, NULL, 4, 2, out);
    fu_expect(out, (double[]){1 - 19800 / 39000.0, 0.0995 / 0.0888 - 1, 6700 / 6660.0 - 1, 0}, 4);
}

/* Brute force: the smallest |x / (m 10^k) - 1| over every mantissa and k. */
static double brute_round(double x, const double *mant, int n)
{
    double best = INFINITY;
    for (int k = -14; k <= 14; k++)
        for (int i = 0; i < n; i++) {
            double d = fabs(x / (mant[i] * pow(10.0, k)) - 1.0);
            best = d < best ? d : best;
        }
    return best;
}

static void test_round_numbers_brute_force(void **state)
{
    (void)state;
    static const double digits[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, one[1] = {1},
                        spooky[8] = {1.3, 3.9, 4.2, 6.66, 6.9, 8, 8.8, 8.88};
    double x[FU_SMALL], out[3][FU_SMALL];
    unsigned seed = 11;
    for (int i = 0; i < FU_SMALL; i++)
        x[i] = pow(10.0, -8.0 + 16.0 * rand_r(&seed) / (double)RAND_MAX);
    const double *in[1] = {x};
    for (int k = 0; k < 3; k++)
        fu_calc("round_num", NULL, 0, in, NULL, FU_SMALL, k, out[k]);
    for (int i = 0; i < FU_SMALL; i++) {
        tu_assert_close(out[0][i], brute_round(x[i], digits, 9), 1e-12);
        tu_assert_close(out[1][i], brute_round(x[i], one, 1), 1e-12);
        tu_assert_close(out[2][i], brute_round(x[i], spooky, 8), 1e-12);
    }
}

/* 2023-01-01 00:00 UTC is a Sunday. */
static const int64_t sunday = INT64_C(1672531200000), hour_ms = 3600000;

static void test_clock(void **state)
{
    (void)state;
    const int64_t t[3] = {sunday + 13 * hour_ms, sunday + 24 * hour_ms, sunday + 31 * 24 * hour_ms + 23 * hour_ms};
    const double x[3] = {1, 1, 1};
    const double *in[1] = {x};
    double out[N];
    fu_calc("hour", NULL, 0, in, t, 3, 0, out);
    fu_expect(out, (double[]){13, 0, 23}, 3);
    fu_calc("hour", NULL, 0, in, t, 3, 1, out);
    fu_expect(out, (double[]){1, 12, 11}, 3);
    fu_calc("hour", NULL, 0, in, t, 3, 3, out);
    fu_expect(out, (double[]){cos(6.283185307179586 * 13 / 24), 1, cos(6.283185307179586 * 23 / 24)}, 3);
    fu_calc("weekday", NULL, 0, in, t, 3, 0, out);
    fu_expect(out, (double[]){6, 0, 2}, 3); /* Sunday, Monday, Wednesday 2023-02-01 */
    fu_calc("weekday", NULL, 0, in, t, 3, 1, out);
    fu_expect(out, (double[]){2, 3, 5}, 3);
    fu_calc("monthday", NULL, 0, in, t, 3, 0, out);
    fu_expect(out, (double[]){1, 2, 1}, 3);
}

/* Days of 1h bars with a known shape: bar open = close = 100 + hour index; highs +1, lows -1. */
static void hourly(int64_t start, int n, int64_t *t, double *o, double *h, double *l, double *c)
{
    for (int i = 0; i < n; i++) {
        t[i] = start + i * hour_ms;
        o[i] = c[i] = 100 + i;
        h[i] = o[i] + 1;
        l[i] = o[i] - 1;
    }
}

static void test_periods(void **state)
{
    (void)state;
    int64_t t[N];
    double o[N], h[N], l[N], c[N], out[N];
    const double *in[4] = {o, h, l, c};
    /* Starting at 22:00: the day of bars 0-1 was not seen from its start and never becomes "previous". */
    hourly(sunday - 2 * hour_ms, 52, t, o, h, l, c);
    fu_calc("period_ratio", NULL, 0, in, t, 52, 0, out);
    assert_true(out[0] == 1 && out[1] == 101 / 100.0 && out[2] == 1 && out[25] == 125 / 102.0);
    fu_calc("period_ratio", NULL, 0, in, t, 52, 1, out);
    tu_assert_close(out[3], 103 / 104.0, 1e-12); /* the high so far of the day is this bar's */
    fu_calc("period_ratio", NULL, 0, in, t, 52, 2, out);
    tu_assert_close(out[3], 103 / 101.0, 1e-12); /* the low so far: bar 2 (00:00) low 101 */
    /* Previous complete day: 2023-01-01, bars 2..25, open 102, high 126, low 101, close 125; known from bar 26,
     * given from the lookback 47. */
    fu_calc("prev_period", NULL, 0, in, t, 52, 0, out);
    for (int i = 0; i < 47; i++)
        assert_true(isnan(out[i]));
    tu_assert_close(out[47], 147 / 102.0, 1e-12);
    fu_calc("prev_period", NULL, 0, in, t, 52, 1, out);
    tu_assert_close(out[47], 147 / 126.0, 1e-12);
    fu_calc("prev_period", NULL, 0, in, t, 52, 2, out);
    tu_assert_close(out[47], 147 / 101.0, 1e-12);
    fu_calc("prev_period", NULL, 0, in, t, 52, 3, out);
    tu_assert_close(out[47], 147 / 125.0, 1e-12);
    /* Bar 50 (2023-01-03 00:00): the previous day is now 2023-01-02, bars 26..49. */
    tu_assert_close(out[50], 150 / 149.0, 1e-12);
    /* Weeks start on Monday: on the Monday bars the week's open is Monday 00:00's. */
    double week[1] = {1};
    fu_calc("period_ratio", week, 1, in, t, 52, 0, out);
    tu_assert_close(out[1], 101 / 100.0, 1e-12);  /* Sunday 23:00: week of Mon 2022-12-26, first bar seen */
    tu_assert_close(out[30], 130 / 126.0, 1e-12); /* Monday 04:00: week opened at bar 26 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel),        cmocka_unit_test(test_z_scores),
        cmocka_unit_test(test_atr_z),          cmocka_unit_test(test_trend),
        cmocka_unit_test(test_ewm_atr),        cmocka_unit_test(test_ewm_atr_pandas),
        cmocka_unit_test(test_cross_and_break), cmocka_unit_test(test_calendar_roc),
        cmocka_unit_test(test_stoch_patterns), cmocka_unit_test(test_flow),
        cmocka_unit_test(test_rsi_timing),     cmocka_unit_test(test_frac_trend),
        cmocka_unit_test(test_vol_roc_climax), cmocka_unit_test(test_candles),
        cmocka_unit_test(test_round_numbers), cmocka_unit_test(test_round_numbers_brute_force),  cmocka_unit_test(test_clock),
        cmocka_unit_test(test_periods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
