/* Trend and direction: Wilder's directional movement (+DM, -DM, +DI, -DI,
 * DX, ADX, ADXR), Aroon and the Aroon oscillator, parabolic SAR. TA-Lib
 * definitions, seeding, lookbacks and order of operations (TA-Lib's default
 * unstable period 0). */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* ---- directional movement: Wilder sums of +DM1, -DM1 and the true range ----
 * +DM1 = high - previous high when that is positive and larger than
 * previous low - low (-DM1 the other way round, 0 on a tie). The first
 * n - 1 one-bar values (bars 1 .. n-1) are summed, then each bar
 * sum = sum - sum / n + value (TA-Lib: the first such step is at bar n). */

struct dm {
    struct ind_tr tr;
    double prev_high, prev_low;
    double plus, minus, range; /* the sums of +DM1, -DM1 and TR */
    double keep;               /* 1 - 1 / n */
    int n, bars;               /* bars: bars fed, stops counting at n + 1 */
};

static void dm_init(struct dm *s, int n)
{
    ind_tr_init(&s->tr);
    s->prev_high = s->prev_low = 0;
    s->plus = s->minus = s->range = 0;
    s->keep = 1.0 - 1.0 / n;
    s->n = n;
    s->bars = 0;
}

/* Feeds a bar; returns the bars fed so far, at most n + 1: the sums are
 * +DM/-DM values from n bars on, smoothed ones (as DI needs) from n + 1. */
static inline int dm_step(struct dm *s, double high, double low, double close)
{
    double up = high - s->prev_high, down = s->prev_low - low;
    s->prev_high = high;
    s->prev_low = low;
    double tr = ind_tr_step(&s->tr, high, low, close);
    if (s->bars == 0) {
        s->bars = 1;
        return 1;
    }
    /* Two plain selects each, which compile without branches (the comparisons are coin flips on real
     * data): max(up, 0) when up wins, else 0. */
    double up0 = up > 0.0 ? up : 0.0, down0 = down > 0.0 ? down : 0.0;
    double p = up > down ? up0 : 0.0, m = up < down ? down0 : 0.0;
    if (s->bars < s->n) {
        s->plus += p;
        s->minus += m;
        s->range += tr;
    } else {
        s->plus = s->plus * s->keep + p;
        s->minus = s->minus * s->keep + m;
        s->range = s->range * s->keep + tr;
    }
    if (s->bars <= s->n)
        s->bars++;
    return s->bars;
}

/* +DI and -DI (100 DM / TR); false when the true range sum is zero. */
static inline bool dm_di(const struct dm *s, double *plus, double *minus)
{
    if (ind_ta_zero(s->range))
        return false;
    double k = 100.0 / s->range;
    *plus = s->plus * k;
    *minus = s->minus * k;
    return true;
}

/* DX = 100 |+DI - -DI| / (+DI + -DI) = 100 |+DM - -DM| / (+DM + -DM) (the
 * 100 / TR of the DIs cancels); false when undefined (no range or no
 * movement: +DI + -DI zero by TA-Lib's test). */
static inline bool dm_dx(const struct dm *s, double *dx)
{
    if (ind_ta_zero(s->range) || fabs(100.0 * (s->plus + s->minus)) < 1e-14 * fabs(s->range))
        return false;
    *dx = 100.0 * fabs(s->minus - s->plus) / (s->plus + s->minus);
    return true;
}

/* ---- +DM, -DM (first value at bar n - 1), +DI, -DI (at bar n) ---- */

struct dmi {
    struct dm dm;
};
MT_IND_FIXED_SIZE(dmi, struct dmi)

static void dmi_init(void *state, const struct mt_ind_ctx *c)
{
    struct dmi *st = state;
    dm_init(&st->dm, ind_iopt(c, 0));
}

static inline void plus_dm_step(struct dmi *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    y[0] = dm_step(&st->dm, x[0], x[1], x[1]) >= st->dm.n ? st->dm.plus : NAN; /* no close: TR unused */
}
MT_IND_RUN(plus_dm, struct dmi, dmi_init, plus_dm_step, 2, 1)

static inline void minus_dm_step(struct dmi *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    y[0] = dm_step(&st->dm, x[0], x[1], x[1]) >= st->dm.n ? st->dm.minus : NAN; /* no close: TR unused */
}
MT_IND_RUN(minus_dm, struct dmi, dmi_init, minus_dm_step, 2, 1)

/* +DI (k = 0) or -DI (k = 1); 0 without range. */
static inline double dmi_di(const struct dmi *st, int k)
{
    double di[2];
    return dm_di(&st->dm, &di[0], &di[1]) ? di[k] : 0.0;
}

static inline void plus_di_step(struct dmi *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    y[0] = dm_step(&st->dm, x[0], x[1], x[2]) > st->dm.n ? dmi_di(st, 0) : NAN;
}
MT_IND_RUN(plus_di, struct dmi, dmi_init, plus_di_step, 3, 1)

static inline void minus_di_step(struct dmi *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    y[0] = dm_step(&st->dm, x[0], x[1], x[2]) > st->dm.n ? dmi_di(st, 1) : NAN;
}
MT_IND_RUN(minus_di, struct dmi, dmi_init, minus_di_step, 3, 1)

/* ---- DX: from bar n; where undefined, the previous DX (0 at first) ---- */

struct dx {
    struct dm dm;
    double dx;
};
MT_IND_FIXED_SIZE(dx, struct dx)

static void dx_init(void *state, const struct mt_ind_ctx *c)
{
    struct dx *st = state;
    dm_init(&st->dm, ind_iopt(c, 0));
    st->dx = 0;
}

static inline void dx_step(struct dx *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    if (dm_step(&st->dm, x[0], x[1], x[2]) <= st->dm.n) {
        y[0] = NAN;
        return;
    }
    dm_dx(&st->dm, &st->dx);
    y[0] = st->dx;
}
MT_IND_RUN(dx, struct dx, dx_init, dx_step, 3, 1)

/* ---- ADX: the mean of the first n DX (bars n .. 2n-1; an undefined DX
 * counts 0), then Wilder's (adx (n-1) + dx) / n, skipping undefined DX;
 * ADXR: (ADX + ADX n-1 bars back) / 2 ---- */

struct adx {
    struct dm dm;
    double adx; /* sum of DX while seeding */
    double inv; /* 1 / n */
    int bars;   /* bars fed, stops counting at 2n */
    struct ind_win hist; /* ADXR: the last n ADX values */
};

static void adx_init_n(struct adx *st, int n)
{
    dm_init(&st->dm, n);
    st->adx = 0;
    st->inv = 1.0 / n;
    st->bars = 0;
}

MT_IND_FIXED_SIZE(adx, struct adx)

static void adx_init(void *state, const struct mt_ind_ctx *c)
{
    adx_init_n(state, ind_iopt(c, 0));
}

/* Feeds a bar; the ADX from bar 2n - 1 on, else NaN. */
static inline double adx_feed(struct adx *st, double high, double low, double close)
{
    int n = st->dm.n;
    double dx = 0;
    bool have = dm_step(&st->dm, high, low, close) > n && dm_dx(&st->dm, &dx);
    int bar = st->bars; /* index of this bar, up to 2n */
    if (st->bars < 2 * n)
        st->bars++;
    if (bar < 2 * n - 1) {
        if (have)
            st->adx += dx;
        return NAN;
    }
    if (bar == 2 * n - 1) {
        if (have)
            st->adx += dx;
        st->adx *= st->inv;
    } else if (have) {
        st->adx = (dx - st->adx) * st->inv + st->adx;
    }
    return st->adx;
}

static inline void adx_step(struct adx *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = adx_feed(st, x[0], x[1], x[2]);
}
MT_IND_RUN(adx, struct adx, adx_init, adx_step, 3, 1)

static int adx_lookback(const struct mt_ind_ctx *c)
{
    return 2 * ind_iopt(c, 0) - 1;
}

MT_IND_PERIOD_SIZE(adxr, struct adx, 1)

static void adxr_init(void *state, const struct mt_ind_ctx *c)
{
    struct adx *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    adx_init_n(st, ind_iopt(c, 0));
    ind_win_init(&st->hist, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

static inline void adxr_step(struct adx *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double a = adx_feed(st, x[0], x[1], x[2]), gone;
    y[0] = NAN;
    if (isnan(a))
        return;
    ind_win_push(&st->hist, a, &gone);
    if (ind_win_full(&st->hist))
        y[0] = (a + ind_win_ago(&st->hist, st->hist.cap - 1)) / 2.0;
}
MT_IND_RUN(adxr, struct adx, adxr_init, adxr_step, 3, 1)

static int adxr_lookback(const struct mt_ind_ctx *c)
{
    return 3 * ind_iopt(c, 0) - 2;
}

/* ---- Aroon: 100 (n - bars since the highest high / lowest low) / n over
 * the last n + 1 bars (ties: the newest); oscillator = up - down ---- */

struct aroon {
    struct ind_argext hi, lo;
};

static size_t aroon_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct aroon), 4 * ((size_t)ind_iopt(c, 0) + 1));
}

static void aroon_init(void *state, const struct mt_ind_ctx *c)
{
    struct aroon *st = state;
    size_t w = (size_t)ind_iopt(c, 0) + 1;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_argext_init(&st->hi, ind_carve(&p, 2 * w), (int)w, true);
    ind_argext_init(&st->lo, ind_carve(&p, 2 * w), (int)w, false);
}

/* Feeds a bar; false while warming up, else the ages of the extremes. */
static inline bool aroon_feed(struct aroon *st, double high, double low, int *age_high, int *age_low)
{
    double hh = ind_argext_step(&st->hi, high), ll = ind_argext_step(&st->lo, low);
    if (isnan(hh) || isnan(ll))
        return false;
    *age_high = ind_argext_age(&st->hi);
    *age_low = ind_argext_age(&st->lo);
    return true;
}

static inline void aroon_step(struct aroon *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    int n = ind_iopt(c, 0), ah, al;
    double factor = 100.0 / n;
    if (!aroon_feed(st, x[0], x[1], &ah, &al)) {
        y[0] = y[1] = NAN;
        return;
    }
    y[0] = factor * (n - al);
    y[1] = factor * (n - ah);
}
MT_IND_RUN(aroon, struct aroon, aroon_init, aroon_step, 2, 2)

static inline void aroonosc_step(struct aroon *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)t;
    int ah, al;
    y[0] = aroon_feed(st, x[0], x[1], &ah, &al) ? 100.0 / c->opt[0] * (al - ah) : NAN;
}
MT_IND_RUN(aroonosc, struct aroon, aroon_init, aroonosc_step, 2, 1)

/* ---- parabolic SAR (TA-Lib's start: bar 0 is consumed; the direction on
 * bar 1 is short when bar 1 has -DM1 > 0, else long; the first SAR is bar
 * 0's low (long) or high (short), the first extreme bar 1's high or low) ---- */

struct sar {
    double prev_high, prev_low; /* the previous bar (bar 1 itself on bar 1) */
    double sar, ep, af;
    int bars; /* bars fed, stops counting at 2 */
    bool lng;
};
MT_IND_FIXED_SIZE(sar, struct sar)

static void sar_init(void *state, const struct mt_ind_ctx *c)
{
    struct sar *st = state;
    st->prev_high = st->prev_low = 0;
    st->sar = st->ep = 0;
    st->af = c->opt[0];
    st->bars = 0;
    st->lng = true;
}

/* A short's SAR is at least both bars' highs (sar_above); a long's at most both lows (sar_below). */
static inline double sar_above(double s, double a, double b)
{
    if (s < a)
        s = a;
    if (s < b)
        s = b;
    return s;
}

static inline double sar_below(double s, double a, double b)
{
    if (s > a)
        s = a;
    if (s > b)
        s = b;
    return s;
}

static inline void sar_step(struct sar *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    double high = x[0], low = x[1], acc = c->opt[0], max = c->opt[1];
    if (st->bars == 0) {
        st->prev_high = high;
        st->prev_low = low;
        st->bars = 1;
        y[0] = NAN;
        return;
    }
    if (st->bars == 1) {
        double down = st->prev_low - low, up = high - st->prev_high;
        st->lng = !(down > 0 && up < down);
        st->ep = st->lng ? high : low;
        st->sar = st->lng ? st->prev_low : st->prev_high;
        st->prev_high = high;
        st->prev_low = low;
        st->bars = 2;
    }
    if (st->lng) {
        if (low <= st->sar) { /* reversal to short */
            st->lng = false;
            st->sar = sar_above(st->ep, st->prev_high, high);
            y[0] = st->sar;
            st->af = acc;
            st->ep = low;
            st->sar = sar_above(st->sar + st->af * (st->ep - st->sar), st->prev_high, high);
        } else {
            y[0] = st->sar;
            if (high > st->ep) {
                st->ep = high;
                st->af = fmin(st->af + acc, max);
            }
            st->sar = sar_below(st->sar + st->af * (st->ep - st->sar), st->prev_low, low);
        }
    } else {
        if (high >= st->sar) { /* reversal to long */
            st->lng = true;
            st->sar = sar_below(st->ep, st->prev_low, low);
            y[0] = st->sar;
            st->af = acc;
            st->ep = high;
            st->sar = sar_below(st->sar + st->af * (st->ep - st->sar), st->prev_low, low);
        } else {
            y[0] = st->sar;
            if (low < st->ep) {
                st->ep = low;
                st->af = fmin(st->af + acc, max);
            }
            st->sar = sar_above(st->sar + st->af * (st->ep - st->sar), st->prev_high, high);
        }
    }
    st->prev_high = high;
    st->prev_low = low;
}
MT_IND_RUN(sar, struct sar, sar_init, sar_step, 2, 1)

static int sar_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    if (c->opt[0] <= c->opt[1])
        return 0;
    return mt_err_set(err, MT_EINVAL, "indicator sar: option acceleration = %g must not exceed option maximum = %g",
                      c->opt[0], c->opt[1]);
}

/* ---- the table ---- */

const struct mt_ind_def mt_ind_fam_trend[] = {
    {"adx", "trend", "average directional index (Wilder), 0..100", 3, 1, 1, IND_HLC, {IND_PERIOD(14, 2)}, IND_ONE_OUT,
     adx_lookback, adx_size, adx_init, adx_run, NULL},
    {"adxr", "trend", "ADX rating: (ADX + ADX n-1 bars back) / 2", 3, 1, 1, IND_HLC, {IND_PERIOD(14, 2)}, IND_ONE_OUT,
     adxr_lookback, adxr_size, adxr_init, adxr_run, NULL},
    {"dx", "trend", "directional movement index 100 |+DI - -DI| / (+DI + -DI)", 3, 1, 1, IND_HLC, {IND_PERIOD(14, 2)},
     IND_ONE_OUT, ind_lookback_period, dx_size, dx_init, dx_run, NULL},
    {"plus_di", "trend", "plus directional indicator 100 +DM / TR (Wilder sums)", 3, 1, 1, IND_HLC, {IND_PERIOD(14, 2)},
     IND_ONE_OUT, ind_lookback_period, dmi_size, dmi_init, plus_di_run, NULL},
    {"minus_di", "trend", "minus directional indicator 100 -DM / TR (Wilder sums)", 3, 1, 1, IND_HLC,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period, dmi_size, dmi_init, minus_di_run, NULL},
    {"plus_dm", "trend", "plus directional movement, Wilder sum", 2, 1, 1, {MT_IN_HIGH, MT_IN_LOW},
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, dmi_size, dmi_init, plus_dm_run, NULL},
    {"minus_dm", "trend", "minus directional movement, Wilder sum", 2, 1, 1, {MT_IN_HIGH, MT_IN_LOW},
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, dmi_size, dmi_init, minus_dm_run, NULL},
    {"aroon", "trend", "Aroon down and up: 100 (n - bars since the lowest low / highest high) / n", 2, 1, 2,
     {MT_IN_HIGH, MT_IN_LOW}, {IND_PERIOD(14, 2)}, {"down", "up"}, ind_lookback_period, aroon_size, aroon_init,
     aroon_run, NULL},
    {"aroonosc", "trend", "Aroon oscillator: Aroon up - Aroon down", 2, 1, 1, {MT_IN_HIGH, MT_IN_LOW},
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period, aroon_size, aroon_init, aroonosc_run, NULL},
    {"sar", "trend", "parabolic SAR (Wilder) with acceleration step and maximum", 2, 2, 1, {MT_IN_HIGH, MT_IN_LOW},
     {{"acceleration", 0.02, 0, 1, false}, {"maximum", 0.2, 0, 1, false}}, IND_ONE_OUT, ind_lookback_one, sar_size,
     sar_init, sar_run, sar_check},
};

const size_t mt_ind_fam_trend_n = sizeof mt_ind_fam_trend / sizeof mt_ind_fam_trend[0];
