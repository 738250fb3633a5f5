/* Candlestick patterns on small hand-built series.
 *
 * Most series start with ten "background" candles o=10 h=11.5 l=9.5 c=11:
 * body 1, high-low 2, shadows 0.5 + 0.5. Over them TA-Lib's settings give
 * BodyLong = BodyShort = 1, BodyDoji = ShadowVeryShort = 0.1 x 2 = 0.2,
 * ShadowShort = 1 / 2 = 0.5, Near = 0.2 x 2 = 0.4, Far = 0.6 x 2 = 1.2, and
 * ShadowLong = the candle's own body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

#define MAXN 20

struct candles {
    size_t n;
    double o[MAXN], h[MAXN], l[MAXN], c[MAXN];
};

/* `n` background candles. */
static void background(struct candles *s, size_t n)
{
    s->n = 0;
    for (size_t i = 0; i < n; i++) {
        s->o[i] = 10;
        s->h[i] = 11.5;
        s->l[i] = 9.5;
        s->c[i] = 11;
    }
    s->n = n;
}

static void add(struct candles *s, double o, double h, double l, double c)
{
    assert_true(s->n < MAXN);
    s->o[s->n] = o;
    s->h[s->n] = h;
    s->l[s->n] = l;
    s->c[s->n] = c;
    s->n++;
}

/* Runs pattern `name` (option 0 = opt when nopt) over s into out. */
static void run(const char *name, const double *opt, int nopt, const struct candles *s, double *out)
{
    const double *in[4] = {s->o, s->h, s->l, s->c};
    double *outs[1] = {out};
    fu_calc_all(name, MT_TF_1H, opt, nopt, in, NULL, s->n, outs);
}

/* NaN before the lookback, then want[] (n - lookback values). */
static void expect(const char *name, const double *opt, int nopt, const struct candles *s, int lookback,
                   const double *want)
{
    double out[MAXN];
    run(name, opt, nopt, s, out);
    const struct mt_ind_def *d = mt_ind_find(name);
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(d, &c);
    assert_int_equal(d->lookback(&c), lookback);
    for (size_t i = 0; i < s->n; i++) {
        if ((int)i < lookback) {
            if (!isnan(out[i]))
                fail_msg("%s bar %zu: %g before the lookback", name, i, out[i]);
        } else if (out[i] != want[i - (size_t)lookback]) {
            fail_msg("%s bar %zu: %g, expected %g", name, i, out[i], want[i - (size_t)lookback]);
        }
    }
}

static void test_doji_family(void **state)
{
    (void)state;
    struct candles s;
    background(&s, 10);
    /* Body 0.1 <= 0.2: doji. Then body 0.5 (average still 20 / 10 x 0.1). */
    add(&s, 10, 11, 9, 10.1);
    add(&s, 10, 11, 9, 10.5);
    expect("cdl_doji", NULL, 0, &s, 10, (double[]){100, 0});
    /* Dragonfly: body 0.05, upper 0.05 < 0.2, lower 1 > 0.2. */
    background(&s, 10);
    add(&s, 10, 10.1, 9, 10.05);
    expect("cdl_dragonfly", NULL, 0, &s, 10, (double[]){100});
    expect("cdl_gravestone", NULL, 0, &s, 10, (double[]){0});
    /* Gravestone: the mirror (lower 0.05, upper 1). */
    background(&s, 10);
    add(&s, 10.05, 11.1, 10, 10.1);
    expect("cdl_gravestone", NULL, 0, &s, 10, (double[]){100});
    expect("cdl_dragonfly", NULL, 0, &s, 10, (double[]){0});
}

static void test_hammer_family(void **state)
{
    (void)state;
    struct candles s;
    /* Bar 11 after 11 background bars: BodyShort 1, ShadowVeryShort 0.2,
     * Near of bar 10 = 0.4, ShadowLong = own body 0.2. Body 9.6-9.8, upper
     * 0.1, lower 0.6; bottom 9.6 <= prior low 9.5 + 0.4: hammer; not >=
     * prior high 11.5 - 0.4: no hanging man. */
    background(&s, 11);
    add(&s, 9.6, 9.9, 9.0, 9.8);
    expect("cdl_hammer", NULL, 0, &s, 11, (double[]){100});
    expect("cdl_hangingman", NULL, 0, &s, 11, (double[]){0});
    /* Body 11.3-11.5 near the prior high (11.3 >= 11.1): hanging man. */
    background(&s, 11);
    add(&s, 11.3, 11.6, 10.6, 11.5);
    expect("cdl_hangingman", NULL, 0, &s, 11, (double[]){-100});
    expect("cdl_hammer", NULL, 0, &s, 11, (double[]){0});
    /* Upper shadow 0.7 > body 0.2, lower 0.05 < 0.2, body top 9.7 under the
     * prior body's bottom 10: inverted hammer; not a shooting star. */
    background(&s, 11);
    add(&s, 9.5, 10.4, 9.45, 9.7);
    expect("cdl_invertedhammer", NULL, 0, &s, 11, (double[]){100});
    expect("cdl_shootingstar", NULL, 0, &s, 11, (double[]){0});
    /* Same shape with the body bottom 11.3 above the prior top 11. */
    background(&s, 11);
    add(&s, 11.3, 12.2, 11.25, 11.5);
    expect("cdl_shootingstar", NULL, 0, &s, 11, (double[]){-100});
    expect("cdl_invertedhammer", NULL, 0, &s, 11, (double[]){0});
}

static void test_engulfing_3outside(void **state)
{
    (void)state;
    struct candles s = {0};
    /* Black 10 -> 9, then white 8.5 -> 10.5 engulfs it: 100. */
    add(&s, 10, 10, 10, 10);
    add(&s, 10, 10.2, 8.8, 9);
    add(&s, 8.5, 10.6, 8.4, 10.5);
    expect("cdl_engulfing", NULL, 0, &s, 2, (double[]){100});
    /* Opening exactly at the prior close: 80. */
    s.o[2] = 9;
    expect("cdl_engulfing", NULL, 0, &s, 2, (double[]){80});
    /* White 10 -> 11 then black 11.5 -> 9.5: -100. */
    s.o[1] = 10, s.c[1] = 11, s.h[1] = 11.2, s.l[1] = 9.9;
    s.o[2] = 11.5, s.c[2] = 9.5, s.h[2] = 11.6, s.l[2] = 9.4;
    expect("cdl_engulfing", NULL, 0, &s, 2, (double[]){-100});
    /* Three outside up: black 10 -> 9.5, white 9.4 -> 10.2 engulfing it, a
     * higher close 10.5. */
    s.n = 0;
    add(&s, 10, 10, 10, 10);
    add(&s, 10, 10.1, 9.4, 9.5);
    add(&s, 9.4, 10.3, 9.3, 10.2);
    add(&s, 10.2, 10.6, 10.1, 10.5);
    expect("cdl_3outside", NULL, 0, &s, 3, (double[]){100});
    /* A lower third close breaks it. */
    s.c[3] = 10.1;
    expect("cdl_3outside", NULL, 0, &s, 3, (double[]){0});
}

static void test_harami_3inside(void **state)
{
    (void)state;
    struct candles s;
    /* Bar 10 long black 12 -> 9 (3 > BodyLong 1); bar 11 white 10 -> 10.5:
     * 0.5 <= BodyShort over bars 1..10 = (9 + 3) / 10, inside the body: 100. */
    background(&s, 10);
    add(&s, 12, 12.2, 8.8, 9);
    add(&s, 10, 10.7, 9.9, 10.5);
    expect("cdl_harami", NULL, 0, &s, 11, (double[]){100});
    /* White 9 -> 9.5: its bottom on the prior bottom (9): 80. */
    s.o[11] = 9, s.c[11] = 9.5, s.h[11] = 9.7, s.l[11] = 8.9;
    expect("cdl_harami", NULL, 0, &s, 11, (double[]){80});
    /* Harami cross: a doji 10 -> 10.1 (<= 0.1 x (9 x 2 + 3.4) / 10 = 0.214). */
    s.o[11] = 10, s.c[11] = 10.1, s.h[11] = 10.3, s.l[11] = 9.8;
    expect("cdl_harami_cross", NULL, 0, &s, 11, (double[]){100});
    expect("cdl_harami", NULL, 0, &s, 11, (double[]){100});
    /* The 0.5 body is no doji. */
    s.c[11] = 10.5;
    expect("cdl_harami_cross", NULL, 0, &s, 11, (double[]){0});
    /* Three inside down: long white 9 -> 12, small black 11 -> 10.5 inside,
     * a black closing 8.5 under the first open: -100. */
    background(&s, 10);
    add(&s, 9, 12.2, 8.8, 12);
    add(&s, 11, 11.1, 10.4, 10.5);
    add(&s, 10.5, 10.6, 8.4, 8.5);
    expect("cdl_3inside", NULL, 0, &s, 12, (double[]){-100});
    s.c[12] = 9.5; /* not beyond the first open */
    expect("cdl_3inside", NULL, 0, &s, 12, (double[]){0});
}

static void test_stars(void **state)
{
    (void)state;
    struct candles s;
    /* Morning star: long black 12 -> 9 (3 > 1), star 8.5 -> 8.7 gapping under
     * 9 (0.2 <= (9 + 3) / 10), white 9 -> 11 (2 > (8 + 3 + 0.2) / 10) closing
     * above 9 + 0.3 x 3 = 9.9. */
    background(&s, 10);
    add(&s, 12, 12.2, 8.8, 9);
    add(&s, 8.5, 8.8, 8.4, 8.7);
    add(&s, 9, 11.1, 8.9, 11);
    expect("cdl_morningstar", NULL, 0, &s, 12, (double[]){100});
    /* Penetration 0.7 needs a close above 9 + 2.1. */
    expect("cdl_morningstar", (double[]){0.7}, 1, &s, 12, (double[]){0});
    /* Evening star: the mirror, closing under 12 - 0.9. */
    background(&s, 10);
    add(&s, 9, 12.2, 8.8, 12);
    add(&s, 12.5, 12.8, 12.4, 12.7);
    add(&s, 12, 12.1, 9.9, 10);
    expect("cdl_eveningstar", NULL, 0, &s, 12, (double[]){-100});
    expect("cdl_morningstar", NULL, 0, &s, 12, (double[]){0});
}

static void test_soldiers_crows(void **state)
{
    (void)state;
    struct candles s;
    /* Three whites without upper shadows (0 < ShadowVeryShort), closes 12,
     * 13, 14; opens 11.8 <= 12 + Near(bar 10) 0.4 and 12.9 <= 13 + Near(bar
     * 11) 0.2 x (4 x 2 + 1.2) / 5; bodies 1, 1.2, 1.1 not far shorter
     * (Far 1.2 and more); last body 1.1 > BodyShort (8 + 1 + 1.2) / 10. */
    background(&s, 10);
    add(&s, 11, 12, 10.8, 12);
    add(&s, 11.8, 13, 11.6, 13);
    add(&s, 12.9, 14, 12.7, 14);
    expect("cdl_3whitesoldiers", NULL, 0, &s, 12, (double[]){100});
    /* An upper shadow on the last one (0.3 > 0.1 x (8 x 2 + 1.2 + 1.4) / 10). */
    s.h[12] = 14.3;
    expect("cdl_3whitesoldiers", NULL, 0, &s, 12, (double[]){0});
    /* Three black crows after the white bar 10 (high 11.5 > 10.2): each opens
     * inside the prior black body, no lower shadows, declining closes. */
    background(&s, 11);
    add(&s, 11.2, 11.3, 10.2, 10.2);
    add(&s, 10.8, 10.9, 9.6, 9.6);
    add(&s, 10, 10.1, 9, 9);
    expect("cdl_3blackcrows", NULL, 0, &s, 13, (double[]){-100});
    s.o[13] = 10.9, s.h[13] = 11; /* the third opens above the second's body */
    expect("cdl_3blackcrows", NULL, 0, &s, 13, (double[]){0});
}

static void test_piercing_darkcloud(void **state)
{
    (void)state;
    struct candles s;
    /* Long black 12 -> 10, white 9.5 (under the low 9.9) -> 11.5: above 10 +
     * 2 / 2, under the open 12, body 2 > (9 + 2) / 10. */
    background(&s, 10);
    add(&s, 12, 12.1, 9.9, 10);
    add(&s, 9.5, 11.6, 9.4, 11.5);
    expect("cdl_piercing", NULL, 0, &s, 11, (double[]){100});
    s.c[11] = 10.9; /* not above the midpoint */
    expect("cdl_piercing", NULL, 0, &s, 11, (double[]){0});
    /* Long white 10 -> 12, black 12.5 (above the high 12.1) -> 10.8: under
     * 12 - 0.5 x 2, above the open 10. */
    background(&s, 10);
    add(&s, 10, 12.1, 9.9, 12);
    add(&s, 12.5, 12.6, 10.7, 10.8);
    expect("cdl_darkcloud", NULL, 0, &s, 11, (double[]){-100});
    /* Penetration 0.7: needs a close under 12 - 1.4. */
    expect("cdl_darkcloud", (double[]){0.7}, 1, &s, 11, (double[]){0});
}

static void test_single_bodies(void **state)
{
    (void)state;
    struct candles s;
    /* Body 2 > 1, shadows 0.1 and 0.05 < 0.2: marubozu and long line (< 0.5). */
    background(&s, 10);
    add(&s, 10, 12.1, 9.95, 12);
    expect("cdl_marubozu", NULL, 0, &s, 10, (double[]){100});
    expect("cdl_longline", NULL, 0, &s, 10, (double[]){100});
    /* A 0.3 upper shadow: still a long line (< 0.5), no marubozu. */
    s.h[10] = 12.3;
    expect("cdl_marubozu", NULL, 0, &s, 10, (double[]){0});
    expect("cdl_longline", NULL, 0, &s, 10, (double[]){100});
    /* Black long line 12 -> 10. */
    s.o[10] = 12, s.c[10] = 10, s.h[10] = 12.2, s.l[10] = 9.8;
    expect("cdl_longline", NULL, 0, &s, 10, (double[]){-100});
    /* Spinning top: body 0.3 < 1, shadows 0.7 and 0.5 > 0.3; not a short line (0.7 >= 0.5). */
    background(&s, 10);
    add(&s, 10, 11, 9.5, 10.3);
    expect("cdl_spinningtop", NULL, 0, &s, 10, (double[]){100});
    expect("cdl_shortline", NULL, 0, &s, 10, (double[]){0});
    /* Black short line: body 0.3, shadows 0.2 < 0.5. */
    s.o[10] = 10.3, s.c[10] = 10, s.h[10] = 10.5, s.l[10] = 9.8;
    expect("cdl_shortline", NULL, 0, &s, 10, (double[]){-100});
    expect("cdl_spinningtop", NULL, 0, &s, 10, (double[]){0});
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doji_family),       cmocka_unit_test(test_hammer_family),
        cmocka_unit_test(test_engulfing_3outside), cmocka_unit_test(test_harami_3inside),
        cmocka_unit_test(test_stars),             cmocka_unit_test(test_soldiers_crows),
        cmocka_unit_test(test_piercing_darkcloud), cmocka_unit_test(test_single_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
