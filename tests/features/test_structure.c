/* Price-structure entries on small hand-computed series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

#define N 16

/* 2023-01-02 00:00 UTC, a Monday. */
#define MONDAY INT64_C(1672617600000)

/* Runs `name` on tf bars with options opt[] over its inputs in[] of n bars;
 * all outputs into out[k]. */
static void run(const char *name, enum mt_tf tf, const double *opt, int nopt, const double *const *in,
                const int64_t *time, size_t n, double out[][N])
{
    double *outs[MT_IND_MAX_OUT] = {0};
    for (int k = 0; k < mt_ind_find(name)->n_out; k++)
        outs[k] = out[k];
    fu_calc_all(name, tf, opt, nopt, in, time, n, outs);
}

static int lookback(const char *name, enum mt_tf tf, const double *opt, int nopt)
{
    const struct mt_ind_def *d = mt_ind_find(name);
    struct mt_ind_ctx c = {.tf = tf};
    mt_ind_defaults(d, &c);
    for (int i = 0; i < nopt; i++)
        c.opt[i] = opt[i];
    return d->lookback(&c);
}

/* got[from..from+n) == want[0..n), NaN matching NaN. */
static void expect(const double *got, size_t from, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i])) {
            if (!isnan(got[from + i]))
                fail_msg("bar %zu: %.17g, expected NaN", from + i, got[from + i]);
        } else {
            tu_assert_close(got[from + i], want[i], 1e-12);
        }
    }
}

static void expect_nan(const double *got, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isnan(got[i]))
            fail_msg("bar %zu: %.17g, expected NaN", i, got[i]);
}

static void test_heikin_ashi(void **state)
{
    (void)state;
    const double o[4] = {10, 11, 12.5, 11.2}, h[4] = {12, 13, 12.6, 11.3}, l[4] = {9, 10.5, 11, 10},
                 c[4] = {11, 12.5, 11.2, 10.1};
    const double *in[4] = {o, h, l, c};
    double out[4][N];
    run("heikin_ashi", MT_TF_1H, NULL, 0, in, NULL, 4, out);
    /* close = (o+h+l+c)/4; open = (previous HA open + close)/2, first (o+c)/2. */
    expect(out[3], 0, (double[]){10.5, 11.75, 11.825, 10.65}, 4);
    expect(out[0], 0, (double[]){10.5, 10.5, (10.5 + 11.75) / 2, (11.125 + 11.825) / 2}, 4);
    /* high = max(h, HA open, HA close): the last one is the HA open 11.475. */
    expect(out[1], 0, (double[]){12, 13, 12.6, 11.475}, 4);
    expect(out[2], 0, (double[]){9, 10.5, 11, 10}, 4);
}

/* Classic, Fibonacci and Camarilla levels (p r1 s1 r2 s2 r3 s3) of a period. */
static void levels(const char *name, double h, double l, double c, double *y)
{
    double p = (h + l + c) / 3, r = h - l;
    y[0] = p;
    if (strcmp(name, "pivots") == 0) {
        double v[6] = {2 * p - l, 2 * p - h, p + r, p - r, h + 2 * (p - l), l - 2 * (h - p)};
        memcpy(y + 1, v, sizeof v);
    } else if (strcmp(name, "pivots_fib") == 0) {
        double v[6] = {p + 0.382 * r, p - 0.382 * r, p + 0.618 * r, p - 0.618 * r, p + r, p - r};
        memcpy(y + 1, v, sizeof v);
    } else {
        double v[6] = {c + r * 1.1 / 12, c - r * 1.1 / 12, c + r * 1.1 / 6, c - r * 1.1 / 6, c + r * 1.1 / 4,
                       c - r * 1.1 / 4};
        memcpy(y + 1, v, sizeof v);
    }
}

static void test_pivots_day(void **state)
{
    (void)state;
    /* 6h bars: day 1 (bars 0-3) high 110, low 90, close 105; day 2 (bars 4-7)
     * high 109, low 100, close 108; bar 8 opens day 3. */
    const double h[9] = {100, 110, 105, 102, 106, 107, 108, 109, 104};
    const double l[9] = {95, 98, 90, 97, 100, 101, 102, 103, 101};
    const double c[9] = {99, 104, 96, 105, 105, 106, 107, 108, 103};
    int64_t t[9];
    for (int i = 0; i < 9; i++)
        t[i] = MONDAY + i * 6 * MT_MS_HOUR;
    const char *names[3] = {"pivots", "pivots_fib", "pivots_cam"};
    for (int v = 0; v < 3; v++) {
        assert_int_equal(lookback(names[v], MT_TF_6H, NULL, 0), 4);
        const double *in[3] = {h, l, c};
        double out[7][N], day1[7], day2[7];
        run(names[v], MT_TF_6H, NULL, 0, in, t, 9, out);
        levels(names[v], 110, 90, 105, day1);
        levels(names[v], 109, 100, 108, day2);
        for (int k = 0; k < 7; k++) {
            expect_nan(out[k], 4);
            expect(out[k], 4, (double[]){day1[k], day1[k], day1[k], day1[k], day2[k]}, 5);
        }
        /* Starting at 06:00, day 1 is not whole: the first value is day 2's, on day 3. */
        const double *late[3] = {h + 1, l + 1, c + 1};
        run(names[v], MT_TF_6H, NULL, 0, late, t + 1, 8, out);
        for (int k = 0; k < 7; k++) {
            expect_nan(out[k], 7);
            expect(out[k], 7, &day2[k], 1);
        }
    }
    /* The classic levels by hand: p = 305 / 3. */
    double y[7];
    levels("pivots", 110, 90, 105, y);
    tu_assert_close(y[1], 2 * 305.0 / 3 - 90, 1e-12);
    tu_assert_close(y[6], 90 - 2 * (110 - 305.0 / 3), 1e-12);
}

static void test_pivots_week(void **state)
{
    (void)state;
    /* Daily bars Monday 2023-01-02 .. Monday 01-09: week high 106, low 84, close 101. */
    double h[8], l[8], c[8];
    int64_t t[8];
    for (int i = 0; i < 8; i++) {
        h[i] = 100 + i;
        l[i] = 90 - i;
        c[i] = 95 + i;
        t[i] = MONDAY + i * MT_MS_DAY;
    }
    const double *in[3] = {h, l, c};
    double out[7][N], week[7];
    const double anchor_week[1] = {1};
    assert_int_equal(lookback("pivots", MT_TF_1D, anchor_week, 1), 7);
    run("pivots", MT_TF_1D, anchor_week, 1, in, t, 8, out);
    levels("pivots", 106, 84, 101, week);
    tu_assert_close(week[0], 97, 1e-12);
    for (int k = 0; k < 7; k++) {
        expect_nan(out[k], 7);
        expect(out[k], 7, &week[k], 1);
    }
    /* With the day anchor on daily bars, each value is the previous bar's. */
    assert_int_equal(lookback("pivots", MT_TF_1D, NULL, 0), 1);
    run("pivots", MT_TF_1D, NULL, 0, in, t, 8, out);
    expect(out[0], 0, (double[]){NAN, (100 + 90 + 95) / 3.0, (101 + 89 + 96) / 3.0}, 3);
}

static void test_fractals(void **state)
{
    (void)state;
    const double h[10] = {1, 2, 5, 3, 2, 4, 6, 3, 2, 1}, l[10] = {5, 4, 3, 4, 5, 4, 3, 2, 3, 4};
    const double *in[2] = {h, l};
    double out[4][N];
    assert_int_equal(lookback("fractals", MT_TF_1H, NULL, 0), 4);
    run("fractals", MT_TF_1H, NULL, 0, in, NULL, 10, out);
    for (int k = 0; k < 4; k++)
        expect_nan(out[k], 4);
    /* Fractal highs at bars 2 (5) and 6 (6), known at bars 4 and 8; the 4 at
     * bar 5 is not one (6 follows). Fractal lows at bars 2 (3) and 7 (2). */
    expect(out[0], 4, (double[]){5, 5, 5, 5, 6, 6}, 6);
    expect(out[2], 4, (double[]){2, 3, 4, 5, 2, 3}, 6);
    expect(out[1], 4, (double[]){3, 3, 3, 3, 3, 2}, 6);
    expect(out[3], 4, (double[]){2, 3, 4, 5, 6, 2}, 6);
    /* Rising bars: no fractal yet; up is the highest settled high (bar t-2),
     * down the lowest settled low (bar 0). */
    const double up[6] = {1, 2, 3, 4, 5, 6}, lo[6] = {0, 1, 2, 3, 4, 5};
    const double *in2[2] = {up, lo};
    run("fractals", MT_TF_1H, NULL, 0, in2, NULL, 6, out);
    expect(out[0], 4, (double[]){3, 4}, 2);
    expect(out[2], 4, (double[]){2, 2}, 2);
    expect(out[1], 4, (double[]){0, 0}, 2);
    expect(out[3], 4, (double[]){4, 5}, 2);
    /* Equal highs: no fractal (strict), the newest settled bar counts. */
    const double flat[5] = {5, 5, 5, 5, 5};
    const double *in3[2] = {flat, flat};
    run("fractals", MT_TF_1H, NULL, 0, in3, NULL, 5, out);
    expect(out[0], 4, (double[]){5}, 1);
    expect(out[2], 4, (double[]){2}, 1);
    /* Width 3: a fractal needs one bar on each side; at bar 2 none is known
     * yet (bar 1 is under bar 2), so up is the settled high of bar 1. */
    const double w3[1] = {3};
    assert_int_equal(lookback("fractals", MT_TF_1H, w3, 1), 2);
    run("fractals", MT_TF_1H, w3, 1, in, NULL, 10, out);
    expect(out[0], 2, (double[]){2, 5, 5, 5, 5, 6, 6, 6}, 8);
    /* An even width is refused. */
    const struct mt_ind_def *d = mt_ind_find("fractals");
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(d, &c);
    c.opt[0] = 4;
    struct mt_ind ind;
    struct mt_err err = {0};
    assert_int_equal(mt_ind_init(&ind, d, &c, &err), MT_EINVAL);
    assert_string_equal(err.msg, "indicator fractals: option width = 4 must be odd");
}

static void test_ichimoku(void **state)
{
    (void)state;
    /* tenkan 2, kijun 3, senkou_b 4: lookback 4 - 1 + 3 = 6. */
    const double h[8] = {10, 11, 12, 13, 20, 15, 16, 17}, l[8] = {8, 9, 10, 11, 12, 13, 14, 15};
    const double *in[2] = {h, l};
    const double opt[3] = {2, 3, 4};
    double out[4][N];
    assert_int_equal(lookback("ichimoku", MT_TF_1H, NULL, 0), 77);
    assert_int_equal(lookback("ichimoku", MT_TF_1H, opt, 3), 6);
    run("ichimoku", MT_TF_1H, opt, 3, in, NULL, 8, out);
    for (int k = 0; k < 4; k++)
        expect_nan(out[k], 6);
    /* tenkan(6) = (16 + 13) / 2; kijun(6) = (20 + 12) / 2 over bars 4-6. */
    expect(out[0], 6, (double[]){14.5, 15.5}, 2);
    expect(out[1], 6, (double[]){16, 15}, 2);
    /* span_a at 6 = (tenkan(3) (13 + 10) / 2 + kijun(3) (13 + 9) / 2) / 2; at 7
     * from bar 4: ((20 + 11) / 2 + (20 + 10) / 2) / 2. */
    expect(out[2], 6, (double[]){(11.5 + 11) / 2, (15.5 + 15) / 2}, 2);
    /* span_b at 6 = midpoint of bars 0-3, at 7 of bars 1-4. */
    expect(out[3], 6, (double[]){(13 + 8) / 2.0, (20 + 9) / 2.0}, 2);
}

static void test_inside_outside(void **state)
{
    (void)state;
    const double h[4] = {10, 9, 11, 11}, l[4] = {5, 6, 4, 4};
    const double *in[2] = {h, l};
    double out[1][N];
    run("inside_bar", MT_TF_1H, NULL, 0, in, NULL, 4, out);
    expect(out[0], 0, (double[]){NAN, 1, 0, 0}, 4);
    run("outside_bar", MT_TF_1H, NULL, 0, in, NULL, 4, out);
    expect(out[0], 0, (double[]){NAN, 0, 1, 0}, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heikin_ashi), cmocka_unit_test(test_pivots_day),
        cmocka_unit_test(test_pivots_week), cmocka_unit_test(test_fractals),
        cmocka_unit_test(test_ichimoku),    cmocka_unit_test(test_inside_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
