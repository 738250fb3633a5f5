/* Rule strategies: id parsing, hand-built bar sequences with exact setups,
 * and no look-ahead / streaming == one pass on real data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../features/featutil.h"
#include "strategy/strategy.h"
#include "testutil.h"

#define MAXBARS 40
#define HOUR INT64_C(3600000)
#define T0 INT64_C(1672531200000) /* 2023-01-01 00:00 UTC */

/* A hand-built series: bar i opens at T0 + i hours. */
struct bars {
    int n;
    double o[MAXBARS], h[MAXBARS], l[MAXBARS], c[MAXBARS];
};

/* What one bar gave. */
struct got {
    int n;
    struct mt_setup s[MT_STRATEGY_MAX_SETUPS];
    double trail_long, trail_short; /* after the bar */
};

static void parse_ok(const char *id, double spread, struct mt_strategy *s)
{
    struct mt_err err = {0};
    if (mt_strategy_parse(id, MT_TF_1H, spread, s, &err))
        fail_msg("%s", err.msg);
}

/* Feeds b to a fresh `id` one bar at a time into g[0 .. b->n). */
static void feed(const char *id, double spread, const struct bars *b, struct got *g)
{
    struct mt_strategy s;
    parse_ok(id, spread, &s);
    for (int i = 0; i < b->n; i++) {
        g[i].n = mt_strategy_step(&s, T0 + i * HOUR, b->o[i], b->h[i], b->l[i], b->c[i], 1.0, g[i].s,
                                  MT_STRATEGY_MAX_SETUPS);
        g[i].trail_long = mt_strategy_trail_stop(&s, 1);
        g[i].trail_short = mt_strategy_trail_stop(&s, -1);
    }
    mt_strategy_release(&s);
}

/* Asserts that bars [from, to) gave no setup. */
static void expect_none(const struct got *g, int from, int to)
{
    for (int i = from; i < to; i++)
        if (g[i].n != 0)
            fail_msg("bar %d: %d setups, expected none", i, g[i].n);
}

/* Asserts that bar i gave exactly one setup with these values (context: n_ctx
 * values). */
static void expect_setup(const struct got *g, int i, int side, double price, double stop, double target,
                         const double *ctx, int n_ctx)
{
    if (g[i].n != 1)
        fail_msg("bar %d: %d setups, expected one", i, g[i].n);
    const struct mt_setup *s = &g[i].s[0];
    assert_int_equal(s->time, T0 + i * HOUR);
    assert_int_equal(s->side, side);
    tu_assert_close(s->price, price, 1e-12);
    tu_assert_close(s->stop, stop, 1e-12);
    tu_assert_close(s->target, target, 1e-12);
    double rr = isnan(target) ? NAN : fabs(target / price - 1) / fabs(stop / price - 1);
    tu_assert_close(s->rr, rr, 1e-12);
    assert_int_equal(s->n_context, n_ctx);
    for (int k = 0; k < n_ctx; k++)
        tu_assert_close(s->context[k], ctx[k], 1e-12);
}

static void expect_error(const char *id, double spread, const char *msg)
{
    struct mt_strategy s;
    struct mt_err err = {0};
    assert_int_equal(mt_strategy_parse(id, MT_TF_1H, spread, &s, &err), MT_EINVAL);
    assert_string_equal(err.msg, msg);
    mt_strategy_release(&s);
}

static void test_parse(void **state)
{
    (void)state;
    struct mt_strategy s;
    parse_ok("channel_run:200:mid:edge", 0.001, &s);
    assert_string_equal(mt_strategy_id(&s), "channel_run:200:mid:edge");
    assert_int_equal(s.p.channel.lookback, 200);
    assert_int_equal(s.p.channel.entry, MT_CHANNEL_MID);
    assert_int_equal(s.p.channel.goal, MT_CHANNEL_EDGE);
    tu_assert_close(s.buffer, 0.002, 0);
    /* The slow EMA (period 2 L + 1, SMA-seeded) decides the warm-up. */
    assert_int_equal(mt_strategy_lookback(&s), 400);
    assert_int_equal(mt_strategy_n_context(&s), 4);
    const char *cr[] = {"position", "width", "atr_rel", "uptrend"};
    for (int k = 0; k < 4; k++)
        assert_string_equal(mt_strategy_context_name(&s, k), cr[k]);
    assert_null(mt_strategy_context_name(&s, 4));
    assert_true(isnan(mt_strategy_trail_stop(&s, 1)));
    mt_strategy_release(&s);
    mt_strategy_release(&s); /* safe twice */

    parse_ok("channel_run:0050:edge:mid", 0, &s);
    assert_string_equal(mt_strategy_id(&s), "channel_run:50:edge:mid");
    tu_assert_close(s.buffer, 0.0015, 0);
    mt_strategy_release(&s);

    parse_ok("trail_fractals:5:2", 0.0005, &s);
    assert_string_equal(mt_strategy_id(&s), "trail_fractals:5:2");
    assert_int_equal(s.p.trail.width, 5);
    assert_int_equal(s.p.trail.spacing, 2);
    assert_int_equal(mt_strategy_lookback(&s), 10); /* ATR10 */
    const char *tf[] = {"stop_dist", "atr_rel", "age_long", "age_short"};
    for (int k = 0; k < 4; k++)
        assert_string_equal(mt_strategy_context_name(&s, k), tf[k]);
    mt_strategy_release(&s);

    expect_error("channel_run:0:mid:edge", 0,
                 "strategy channel_run:0:mid:edge: lookback = 0 must be an integer in [2, 1500]");
    expect_error("channel_run:2e2:mid:edge", 0,
                 "strategy channel_run:2e2:mid:edge: lookback = 2e2 must be an integer in [2, 1500]");
    expect_error("channel_run:200:top:edge", 0, "strategy channel_run:200:top:edge: entry = top must be edge or mid");
    expect_error("channel_run:200:mid:", 0, "strategy channel_run:200:mid:: goal =  must be edge or mid");
    expect_error("channel_run:200:mid", 0, "strategy channel_run:200:mid: expected channel_run:LOOKBACK:ENTRY:GOAL");
    expect_error("channel_run:200:mid:edge:x:y", 0,
                 "strategy channel_run:200:mid:edge:x:y: expected channel_run:LOOKBACK:ENTRY:GOAL");
    expect_error("trail_fractals:4:2", 0, "strategy trail_fractals:4:2: width = 4 must be odd");
    expect_error("trail_fractals:5:-1", 0, "strategy trail_fractals:5:-1: spacing = -1 must be an integer in [0, 100]");
    expect_error("trail_fractals:5", 0, "strategy trail_fractals:5: expected trail_fractals:WIDTH:SPACING");
    expect_error("breakout:20", 0,
                 "strategy breakout:20: unknown strategy breakout (known: channel_run, trail_fractals)");
    expect_error("", 0, "strategy : the id must have 1 to 63 characters");
    expect_error("trail_fractals:5:2", -0.001, "strategy trail_fractals:5:2: spread = -0.001 must be in [0, 0.5)");
    expect_error("trail_fractals:5:2", NAN, "strategy trail_fractals:5:2: spread = nan must be in [0, 0.5)");
}

/* The original's ATR10 at the last of n true ranges, by its definition:
 * the mean of tr[] weighted (10/11)^age, normalised by the sum of the weights
 * (pandas ewm(com = 10).mean(), adjust=True). */
static double ewm_atr10(const double *tr, int n)
{
    double num = 0, den = 0, w = 1;
    for (int i = n - 1; i >= 0; i--, w *= 10 / 11.0) {
        num += w * tr[i];
        den += w;
    }
    return num / den;
}

/* Ten bars rising by 1 (low 10 + i, high 12 + i, close 11 + i), then bar 10
 * drops to the bottom of the 5-bar channel. */
static void rise_then_drop(struct bars *b)
{
    b->n = 11;
    for (int i = 0; i < 10; i++) {
        b->l[i] = 10 + i;
        b->h[i] = 12 + i;
        b->o[i] = b->c[i] = 11 + i;
    }
    b->o[10] = 20;
    b->h[10] = 20.5;
    b->l[10] = 14;
    b->c[10] = 14.3;
}

static void test_channel_long_edge(void **state)
{
    (void)state;
    struct bars b;
    rise_then_drop(&b);
    struct got g[MAXBARS];
    /* L = 5: warm-up max(L - 1, 2 L (EMA 11), 0 (ATR10)) = 10 bars. At bar 10:
     * HH = max high of bars 6-10 = 21 (bar 9), LL = 14 (bar 10), mid 17.5,
     * p = 0.3 / 7. True ranges: 2 on bars 0-9 (H - L on bar 0), max(6.5,
     * 0.5, 6) on bar 10; ATR10 = their com-10 EWM = 2.62985, where Wilder's
     * ATR(10) would be (9 x 2 + 6.5) / 10 = 2.45. EMA 6 of the ramp lags by
     * 2.5: 17.5 at bar 9, then 17.5 + (14.3 - 17.5) 2/7 = 16.59 at bar 10 >
     * EMA 11 = SMA of the 11 closes (155 + 14.3) / 11 = 15.39: uptrend,
     * p < 0.1: long. */
    const double tr[11] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6.5};
    double atr = ewm_atr10(tr, 11), p = (14.3 - 14) / (21 - 14.0);
    assert_true(atr > 2.6298 && atr < 2.6299);
    double ctx[4] = {p, 7 / 17.5, atr / 14.3, 1};
    double stop = (14 - 2 * atr) * (1 - 0.0015); /* inval LL - 2 ATR10, buffer 0.15% (spread 0) */
    feed("channel_run:5:edge:edge", 0, &b, g);
    expect_none(g, 0, 10);
    expect_setup(g, 10, 1, 14.3, stop, 21 - atr, ctx, 4); /* target HH - ATR10 */
    /* Exactly: target 18.37015, stop 8.72719; with Wilder's ATR they were 18.55 and 9.08635. */
    tu_assert_close(g[10].s[0].target, 18.370150782626578, 1e-12);
    tu_assert_close(g[10].s[0].stop, 8.727191112905274, 1e-12);
    assert_true(fabs(g[10].s[0].target - (21 - 2.45)) > 0.17 && fabs(g[10].s[0].stop - (14 - 4.9) * 0.9985) > 0.35);
    assert_true(isnan(g[10].trail_long) && isnan(g[10].trail_short));
    feed("channel_run:5:edge:mid", 0, &b, g);
    expect_setup(g, 10, 1, 14.3, stop, 17.5, ctx, 4); /* target mid */
    /* The mid entry wants 0.4 < p < 0.6. */
    feed("channel_run:5:mid:edge", 0, &b, g);
    expect_none(g, 0, 11);
}

static void test_channel_short_edge(void **state)
{
    (void)state;
    /* Mirror: ten bars falling by 1 (low 30 - i, high 32 - i, close 31 - i),
     * then bar 10 spikes to the top of the channel. */
    struct bars b = {.n = 11};
    for (int i = 0; i < 10; i++) {
        b.l[i] = 30 - i;
        b.h[i] = 32 - i;
        b.o[i] = b.c[i] = 31 - i;
    }
    b.o[10] = 22;
    b.h[10] = 28;
    b.l[10] = 21.5;
    b.c[10] = 27.7;
    struct got g[MAXBARS];
    /* HH = 28, LL = 21 (bar 9), mid 24.5, p = 6.7 / 7 > 0.9; true ranges 2, then
     * max(6.5, 6, 0.5): the same ATR10 as above. EMA 6 = 22 + 2.5 at bar 9,
     * 24.5 + (27.7 - 24.5) 2/7 = 25.41 at bar 10 < EMA 11 = (265 + 27.7) / 11
     * = 26.61: no uptrend: short. Spread 0.1%: buffer max(0.2%, 0.15%). */
    const double tr[11] = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 6.5};
    double atr = ewm_atr10(tr, 11);
    double ctx[4] = {(27.7 - 21) / (28 - 21.0), 7 / 24.5, atr / 27.7, 0};
    feed("channel_run:5:edge:edge", 0.001, &b, g);
    expect_none(g, 0, 10);
    expect_setup(g, 10, -1, 27.7, (28 + 2 * atr) * 1.002, 21 + atr, ctx, 4);
    feed("channel_run:5:edge:mid", 0.001, &b, g);
    expect_setup(g, 10, -1, 27.7, (28 + 2 * atr) * 1.002, 24.5, ctx, 4);
}

/* n bars alternating between high 13 / low 10 (even) and 11 / 8 (odd), all
 * closing at close: HH 13, LL 8, mid 10.5 from bar 1; every true range is 3;
 * both EMAs equal the close exactly (a sum of quarters): no uptrend. */
static void flat_channel(struct bars *b, int n, double close)
{
    b->n = n;
    for (int i = 0; i < n; i++) {
        b->h[i] = i % 2 ? 11 : 13;
        b->l[i] = i % 2 ? 8 : 10;
        b->o[i] = b->c[i] = close;
    }
}

static void test_channel_mid_and_warmup(void **state)
{
    (void)state;
    struct bars b;
    flat_channel(&b, 20, 10.25);
    struct got g[MAXBARS];
    /* p = 2.25 / 5 = 0.45 from bar 1 on, but L = 8 needs 2 L = 16 bars (the
     * slow EMA 17): nothing before bar 16, then a long on every bar (the
     * live counter-trend rule: no uptrend => long), target mid 10.5, inval
     * (LL + mid) / 2 = 9.25. */
    feed("channel_run:8:mid:mid", 0, &b, g);
    expect_none(g, 0, 16);
    double ctx[4] = {0.45, 5 / 10.5, 3 / 10.25, 0};
    for (int i = 16; i < 20; i++)
        expect_setup(g, i, 1, 10.25, 9.25 * (1 - 0.0015), 10.5, ctx, 4);
    /* Goal edge: target HH - ATR10 = 10 is below the close: no setup. */
    feed("channel_run:8:mid:edge", 0, &b, g);
    expect_none(g, 0, 20);
    /* Entry edge: p is not near an edge. */
    feed("channel_run:8:edge:mid", 0, &b, g);
    expect_none(g, 0, 20);
    /* A NaN close at bar 16 restarts the EMAs and the ATR (not the channel,
     * which reads highs and lows): the next setup is 16 bars after it. */
    flat_channel(&b, 36, 10.25);
    b.c[16] = NAN;
    feed("channel_run:8:mid:mid", 0, &b, g);
    expect_none(g, 0, 33);
    for (int i = 33; i < 36; i++)
        expect_setup(g, i, 1, 10.25, 9.25 * (1 - 0.0015), 10.5, ctx, 4);
}

static void test_channel_min_reward(void **state)
{
    (void)state;
    struct bars b;
    struct got g[MAXBARS];
    /* Close 10.46875: target mid 10.5 is 10.5 / 10.46875 - 1 = 0.2985% away,
     * under the 0.3% minimum: no setup. */
    flat_channel(&b, 18, 10.46875);
    feed("channel_run:8:mid:mid", 0, &b, g);
    expect_none(g, 0, 18);
    /* Close 10.4375: 0.599% away: a setup. */
    flat_channel(&b, 18, 10.4375);
    feed("channel_run:8:mid:mid", 0, &b, g);
    expect_none(g, 0, 16);
    double ctx[4] = {2.4375 / 5, 5 / 10.5, 3 / 10.4375, 0};
    expect_setup(g, 16, 1, 10.4375, 9.25 * (1 - 0.0015), 10.5, ctx, 4);
    expect_setup(g, 17, 1, 10.4375, 9.25 * (1 - 0.0015), 10.5, ctx, 4);
}

static void test_trail_fractals(void **state)
{
    (void)state;
    /* Lows fall by 0.5 from 14 to 9 (bar 10), rise to 11.5 (bar 15), fall to
     * 8 (bar 22); high = low + 1, close = low + 0.5, so every true range is 1
     * and both ATRs (frac_trend's, alpha 1/3, and ATR10) are 1: the levels are
     * fractal -/+ 2/10. */
    static const double lows[] = {14, 13.5, 13, 12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9, 9.5,
                                  10, 10.5, 11, 11.5, 11, 10.5, 10, 9.5,  9,  8.5, 8};
    struct bars b = {.n = 23};
    for (int i = 0; i < b.n; i++) {
        b.l[i] = lows[i];
        b.h[i] = lows[i] + 1;
        b.o[i] = b.c[i] = lows[i] + 0.5;
    }
    struct got g[MAXBARS];
    feed("trail_fractals:5:2", 0, &b, g);
    const double down = 1 - 0.0015, up = 1 + 0.0015;
    /* frac_trend has levels from bar 4 (before a confirmed fractal: the
     * extreme of the bars 2+ bars old, low 13 of bar 2 and high 15 of bar 0);
     * setups wait for ATR10 (bar 10). */
    assert_true(isnan(g[3].trail_long) && isnan(g[3].trail_short));
    tu_assert_close(g[4].trail_long, (13 - 0.2) * down, 1e-12);
    tu_assert_close(g[4].trail_short, (15 + 0.2) * up, 1e-12);
    expect_none(g, 0, 10);
    /* age_long: bars the close stayed above the low level (0 until bar 11);
     * age_short: below the high level, counted from bar 4. */
    /* Bar 10: low level 10 - 0.2 (bar 8) is above the close 9.5: short under
     * the high level 15.2. */
    double stop = 15.2 * up;
    expect_setup(g, 10, -1, 9.5, stop, NAN, (double[]){fabs(stop / 9.5 - 1), 1 / 9.5, 0, 7}, 4);
    /* Bar 11: stand-in low 9.5 (bar 9): long over 9.3. */
    stop = 9.3 * down;
    expect_setup(g, 11, 1, 10, stop, NAN, (double[]){fabs(stop / 10 - 1), 1 / 10.0, 1, 8}, 4);
    tu_assert_close(g[11].trail_long, stop, 1e-12);
    /* Bar 12 confirms the fractal low of bar 10 (9 < 10, 9.5 | 9.5, 10): the
     * low level is 8.8 and stays there while the lows fall after bar 15. */
    stop = 8.8 * down;
    for (int i = 12; i < 22; i++) {
        double c = lows[i] + 0.5;
        expect_setup(g, i, 1, c, stop, NAN, (double[]){fabs(stop / c - 1), 1 / c, i - 10, i - 3}, 4);
        tu_assert_close(g[i].trail_long, stop, 1e-12);
        /* The fractal high of bar 15 (12.5) is confirmed at bar 17. */
        tu_assert_close(g[i].trail_short, (i < 17 ? 15.2 : 12.7) * up, 1e-12);
    }
    /* Bar 22: close 8.5 breaks below 8.8: short under 12.7. */
    stop = 12.7 * up;
    expect_setup(g, 22, -1, 8.5, stop, NAN, (double[]){fabs(stop / 8.5 - 1), 1 / 8.5, 0, 19}, 4);
}

/* ---- real data ---- */

static const char *const real_ids[] = {"channel_run:200:mid:edge", "channel_run:200:edge:mid",
                                       "channel_run:50:edge:edge", "trail_fractals:5:2", "trail_fractals:7:3"};

#define SPREAD 0.0005

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_same_setup(const struct mt_setup *a, const struct mt_setup *b, const char *id, const char *what)
{
    bool same = a->time == b->time && a->side == b->side && same_double(a->price, b->price) &&
                same_double(a->stop, b->stop) && same_double(a->target, b->target) && same_double(a->rr, b->rr) &&
                a->n_context == b->n_context;
    for (int k = 0; same && k < a->n_context; k++)
        same = same_double(a->context[k], b->context[k]);
    if (!same)
        fail_msg("%s: setup of bar %lld differs (%s)", id, (long long)a->time, what);
}

/* All setups of `id` over bars [0, n) of s in one pass (*count of them), and
 * the trailing stops after the last bar. */
static struct mt_setup *run_all(const char *id, const struct mt_series *s, size_t n, size_t *count, double *trail)
{
    struct mt_strategy st;
    parse_ok(id, SPREAD, &st);
    struct mt_setup *out = malloc((n * MT_STRATEGY_MAX_SETUPS + 1) * sizeof *out);
    assert_non_null(out);
    *count = mt_strategy_run(&st, s, 0, n, out, n * MT_STRATEGY_MAX_SETUPS);
    trail[0] = mt_strategy_trail_stop(&st, 1);
    trail[1] = mt_strategy_trail_stop(&st, -1);
    mt_strategy_release(&st);
    return out;
}

/* A full pass gives at least a few setups (so the comparisons below can
 * fail) and the same setups and trailing stops as feeding one bar at a time;
 * what bar t gives never changes when the data ends at t or the bars after t
 * are changed. */
static void test_real_data(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    struct mt_series mod;
    mt_series_init(&mod, 0);
    struct mt_err err = {0};
    if (mt_series_slice(&mod, s, 0, s->n, &err))
        fail_msg("%s", err.msg);
    double(*trail)[2] = malloc(s->n * sizeof *trail); /* streamed trailing stops after each bar */
    assert_non_null(trail);
    unsigned seed = 2024;
    for (size_t r = 0; r < sizeof real_ids / sizeof real_ids[0]; r++) {
        const char *id = real_ids[r];
        size_t n_full;
        double trail_full[2];
        struct mt_setup *full = run_all(id, s, s->n, &n_full, trail_full);
        if (n_full < 10)
            fail_msg("%s: only %zu setups on the real data", id, n_full);

        struct mt_strategy st;
        parse_ok(id, SPREAD, &st);
        size_t k = 0;
        for (size_t t = 0; t < s->n; t++) {
            struct mt_setup one[MT_STRATEGY_MAX_SETUPS];
            int m = mt_strategy_step(&st, s->open_time[t], s->open[t], s->high[t], s->low[t], s->close[t], s->volume[t],
                                     one, MT_STRATEGY_MAX_SETUPS);
            for (int j = 0; j < m; j++, k++) {
                assert_true(k < n_full);
                assert_same_setup(&one[j], &full[k], id, "streamed");
                assert_true(one[j].side * (one[j].price - one[j].stop) > 0);
            }
            trail[t][0] = mt_strategy_trail_stop(&st, 1);
            trail[t][1] = mt_strategy_trail_stop(&st, -1);
        }
        assert_int_equal(k, n_full);
        assert_true(same_double(trail[s->n - 1][0], trail_full[0]) && same_double(trail[s->n - 1][1], trail_full[1]));
        mt_strategy_release(&st);

        for (int rep = 0; rep < 12; rep++) {
            size_t t = (size_t)rand_r(&seed) % s->n;
            size_t upto = 0; /* setups of bars <= t in the full pass */
            while (upto < n_full && full[upto].time <= s->open_time[t])
                upto++;
            size_t n_cut;
            double trail_cut[2];
            struct mt_setup *cut = run_all(id, s, t + 1, &n_cut, trail_cut);
            assert_int_equal(n_cut, upto);
            for (size_t j = 0; j < upto; j++)
                assert_same_setup(&cut[j], &full[j], id, "data cut after the bar");
            assert_true(same_double(trail[t][0], trail_cut[0]) && same_double(trail[t][1], trail_cut[1]));
            free(cut);
            /* The real bars up to t, every candle after t changed (prices scaled by random factors). */
            for (size_t i = 0; i < s->n; i++) {
                double f = i <= t ? 1.0 : 0.8 + 0.4 * rand_r(&seed) / (double)RAND_MAX;
                double wide = i <= t ? 1.0 : 1.01;
                mod.open[i] = s->open[i] * f;
                mod.high[i] = s->high[i] * f * wide;
                mod.low[i] = s->low[i] * f / wide;
                mod.close[i] = s->close[i] * f;
            }
            size_t n_mod;
            double trail_mod[2];
            struct mt_setup *changed = run_all(id, &mod, mod.n, &n_mod, trail_mod);
            assert_true(n_mod >= upto);
            for (size_t j = 0; j < upto; j++)
                assert_same_setup(&changed[j], &full[j], id, "later candles changed");
            if (n_mod > upto)
                assert_true(changed[upto].time > s->open_time[t]);
            free(changed);
        }
        free(full);
    }
    free(trail);
    mt_series_release(&mod);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_channel_long_edge),
        cmocka_unit_test(test_channel_short_edge),
        cmocka_unit_test(test_channel_mid_and_warmup),
        cmocka_unit_test(test_channel_min_reward),
        cmocka_unit_test(test_trail_fractals),
        cmocka_unit_test(test_real_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
