/* Price structure: Heikin-Ashi candles, floor pivots (classic, Fibonacci,
 * Camarilla) of the previous UTC day or week, Williams fractals, the Ichimoku
 * lines without look-ahead, inside and outside bars. Every value at bar t uses
 * bars <= t only. */
#include <math.h>

#include "core/timeframe.h"
#include "features/families.h"
#include "features/ind_impl.h"

/* ---- Heikin-Ashi ---- */

struct heikin {
    double open, close; /* previous HA open and close */
    bool started;
};
MT_IND_FIXED_SIZE(heikin, struct heikin)

static void heikin_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct heikin *st = state;
    st->open = 0;
    st->close = 0;
    st->started = false;
}

/* HA close = (o + h + l + c) / 4; HA open = (previous HA open + previous HA
 * close) / 2, on the first bar (o + c) / 2; HA high / low = extreme of the
 * high / low and the HA open and close. */
static inline void heikin_step(struct heikin *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double close = (x[0] + x[1] + x[2] + x[3]) / 4.0;
    double open = st->started ? (st->open + st->close) / 2.0 : (x[0] + x[3]) / 2.0;
    double hi = fmax(open, close), lo = fmin(open, close);
    y[0] = open;
    y[1] = x[1] > hi ? x[1] : hi;
    y[2] = x[2] < lo ? x[2] : lo;
    y[3] = close;
    st->open = open;
    st->close = close;
    st->started = true;
}
MT_IND_RUN(heikin, struct heikin, heikin_init, heikin_step, 4, 4)

/* ---- floor pivots of the previous completed UTC day (anchor 0) or week (1) ----
 *
 * Bars belong to the anchor period that holds their open time; a period is
 * complete when a bar of a later period arrives. The first period counts only
 * if its first bar opened at the period start (a series starting mid-day has
 * no full previous day until the next day ends). When the bars do not tile
 * the anchor period (bars of a day or longer with the week anchor, 1w/1M bars
 * with the day anchor), each period is taken as its bars come. */

struct pivots {
    int64_t period;        /* start of the current period; INT64_MIN before the first bar */
    int64_t bars;          /* bars seen */
    double h, l, c;        /* current period so far */
    double ph, pl, pc;     /* the previous complete period */
    bool whole, have_prev; /* current period seen from its start; ph/pl/pc set */
};
MT_IND_FIXED_SIZE(pivots, struct pivots)

static const enum mt_tf pivots_anchor[2] = {MT_TF_1D, MT_TF_1W};

/* Bars of one anchor period at c->tf when they tile it, else 1. */
static int pivots_lookback(const struct mt_ind_ctx *c)
{
    enum mt_tf a = pivots_anchor[ind_iopt(c, 0)];
    return mt_tf_divides(c->tf, a) ? (int)(mt_tf_ms(a) / mt_tf_ms(c->tf)) : 1;
}

static void pivots_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct pivots *st = state;
    memset(st, 0, sizeof *st);
    st->period = INT64_MIN;
}

/* Feeds one bar (high, low, close at x); true and the previous period's
 * high, low, close in h/l/cl once there is one and the lookback has passed. */
static inline bool pivots_feed(struct pivots *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *h,
                               double *l, double *cl)
{
    enum mt_tf a = pivots_anchor[ind_iopt(c, 0)];
    bool tiles = mt_tf_divides(c->tf, a);
    int64_t p = mt_tf_floor(a, t);
    if (p != st->period) {
        if (st->period != INT64_MIN && st->whole) {
            st->ph = st->h;
            st->pl = st->l;
            st->pc = st->c;
            st->have_prev = true;
        }
        st->whole = st->period != INT64_MIN || !tiles || p == t;
        st->period = p;
        st->h = x[0];
        st->l = x[1];
    }
    st->h = x[0] > st->h ? x[0] : st->h;
    st->l = x[1] < st->l ? x[1] : st->l;
    st->c = x[2];
    st->bars++;
    *h = st->ph;
    *l = st->pl;
    *cl = st->pc;
    return st->have_prev && st->bars > pivots_lookback(c);
}

/* Outputs p, r1, s1, r2, s2, r3, s3 from the previous period's high, low, close. */
static inline void pivots_classic_step(struct pivots *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                       double *y)
{
    double h, l, cl;
    if (!pivots_feed(st, c, x, t, &h, &l, &cl)) {
        for (int k = 0; k < 7; k++)
            y[k] = NAN;
        return;
    }
    double p = (h + l + cl) / 3.0;
    y[0] = p;
    y[1] = 2.0 * p - l;
    y[2] = 2.0 * p - h;
    y[3] = p + (h - l);
    y[4] = p - (h - l);
    y[5] = h + 2.0 * (p - l);
    y[6] = l - 2.0 * (h - p);
}
MT_IND_RUN(pivots_classic, struct pivots, pivots_init, pivots_classic_step, 3, 7)

/* Fibonacci: p -+ 0.382, 0.618, 1.0 x range. */
static inline void pivots_fib_step(struct pivots *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    double h, l, cl;
    if (!pivots_feed(st, c, x, t, &h, &l, &cl)) {
        for (int k = 0; k < 7; k++)
            y[k] = NAN;
        return;
    }
    static const double ratio[3] = {0.382, 0.618, 1.0};
    double p = (h + l + cl) / 3.0, r = h - l;
    y[0] = p;
    for (int k = 0; k < 3; k++) {
        y[1 + 2 * k] = p + ratio[k] * r;
        y[2 + 2 * k] = p - ratio[k] * r;
    }
}
MT_IND_RUN(pivots_fib, struct pivots, pivots_init, pivots_fib_step, 3, 7)

/* Camarilla: close -+ 1.1 x range / 12, / 6, / 4 (p is the classic pivot). */
static inline void pivots_cam_step(struct pivots *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    double h, l, cl;
    if (!pivots_feed(st, c, x, t, &h, &l, &cl)) {
        for (int k = 0; k < 7; k++)
            y[k] = NAN;
        return;
    }
    static const double div[3] = {12.0, 6.0, 4.0};
    double r = h - l;
    y[0] = (h + l + cl) / 3.0;
    for (int k = 0; k < 3; k++) {
        y[1 + 2 * k] = cl + r * 1.1 / div[k];
        y[2 + 2 * k] = cl - r * 1.1 / div[k];
    }
}
MT_IND_RUN(pivots_cam, struct pivots, pivots_init, pivots_cam_step, 3, 7)

/* ---- Williams fractals ----
 *
 * A fractal high at bar k: high[k] above the highs of the (w-1)/2 bars on each
 * side (strictly), known at bar k + (w-1)/2. Before the first one is
 * confirmed, `up` is the highest high of the bars at least (w-1)/2 bars old
 * (ties: the newest); likewise `down` with lows. */

struct fractal_side {
    double value, best; /* latest confirmed fractal; running extreme of the settled bars */
    int64_t bar, best_bar;
    bool found;
};

struct fractals {
    struct ind_win hi, lo; /* the last w highs and lows */
    int64_t bars;
    struct fractal_side up, down;
};

static size_t fractals_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct fractals), 2 * (size_t)ind_lookback_period(c));
}

/* Puts f at its start for width w, with 2 w doubles of buffer at buf. */
static void fractals_start(struct fractals *f, double *buf, int w)
{
    ind_win_init(&f->hi, buf, w);
    ind_win_init(&f->lo, buf + w, w);
    f->bars = 0;
    memset(&f->up, 0, sizeof f->up);
    memset(&f->down, 0, sizeof f->down);
}

static void fractals_init(void *state, const struct mt_ind_ctx *c)
{
    struct fractals *st = state;
    fractals_start(st, (double *)(void *)ind_tail(st, sizeof *st), ind_lookback_period(c));
}

/* The width (option 0) must be odd: a fractal bar has as many bars on each side. */
static int width_check(const struct mt_ind_ctx *c, struct mt_err *err, const char *name)
{
    if (ind_lookback_period(c) % 2 == 0)
        return mt_err_set(err, MT_EINVAL, "indicator %s: option width = %d must be odd", name, ind_lookback_period(c));
    return 0;
}

static int fractals_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return width_check(c, err, "fractals");
}

static int fractals_lookback(const struct mt_ind_ctx *c)
{
    return ind_lookback_period(c) - 1;
}

/* Updates one side (sign 1: highs, -1: lows, compared as sign x value) with
 * the window w holding more than h = cap / 2 values: the bar h back (bar
 * number `mid`) is now settled and enters the running extreme (ties: the
 * newest); when w is full it is a fractal if it beats every other bar of w. */
static inline void fractal_side_update(struct fractal_side *s, const struct ind_win *w, double sign, int64_t mid)
{
    int h = w->cap / 2;
    double v = ind_win_ago(w, h);
    if (mid == 0 || sign * v >= sign * s->best) {
        s->best = v;
        s->best_bar = mid;
    }
    if (!ind_win_full(w))
        return;
    for (int k = 0; k < w->cap; k++)
        if (k != h && !(sign * v > sign * ind_win_ago(w, k)))
            return;
    s->value = v;
    s->bar = mid;
    s->found = true;
}

/* Feeds a bar (high, low); false before w bars, else y = up, down, up_age, down_age. */
static inline bool fractals_feed(struct fractals *st, double high, double low, double *y)
{
    double gone;
    ind_win_push(&st->hi, high, &gone);
    ind_win_push(&st->lo, low, &gone);
    int64_t bar = st->bars++;
    int h = st->hi.cap / 2;
    if (st->hi.n > h) {
        fractal_side_update(&st->up, &st->hi, 1.0, bar - h);
        fractal_side_update(&st->down, &st->lo, -1.0, bar - h);
    }
    if (!ind_win_full(&st->hi))
        return false;
    y[0] = st->up.found ? st->up.value : st->up.best;
    y[1] = st->down.found ? st->down.value : st->down.best;
    y[2] = (double)(bar - (st->up.found ? st->up.bar : st->up.best_bar));
    y[3] = (double)(bar - (st->down.found ? st->down.bar : st->down.best_bar));
    return true;
}

static inline void fractals_step(struct fractals *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    if (!fractals_feed(st, x[0], x[1], y))
        y[0] = y[1] = y[2] = y[3] = NAN;
}
MT_IND_RUN(fractals, struct fractals, fractals_init, fractals_step, 2, 4)

/* ---- trail-fractal levels and trend ages (the original's fractal_trend_age):
 * each new fractal high (low) sets the level high + (spacing / 10) ATR (low -
 * ...), ATR = EMA alpha 1 / (1 + spacing) of the true range at the bar the
 * fractal is confirmed; age_long counts the bars the close has stayed above
 * the low level (0 when not), age_short below the high level ---- */

struct frac_trend {
    struct fractals f;
    struct ind_tr tr;
    struct ind_ema atr;
    double up, down;         /* fractal values the levels were set from */
    double level_hi, level_lo;
    double age_long, age_short;
};

static size_t frac_trend_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct frac_trend), 2 * (size_t)ind_lookback_period(c));
}

static void frac_trend_init(void *state, const struct mt_ind_ctx *c)
{
    struct frac_trend *st = state;
    fractals_start(&st->f, (double *)(void *)ind_tail(st, sizeof *st), ind_lookback_period(c));
    ind_tr_init(&st->tr);
    int s = ind_iopt(c, 1);
    ind_ema_init(&st->atr, s + 1, 1.0 / (1.0 + s));
    st->up = st->down = NAN;
    st->level_hi = st->level_lo = NAN;
    st->age_long = st->age_short = 0;
}

static int frac_trend_lookback(const struct mt_ind_ctx *c)
{
    int w = ind_lookback_period(c) - 1, a = ind_iopt(c, 1) + 1;
    return w > a ? w : a;
}

static inline void frac_trend_step(struct frac_trend *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    (void)t;
    double f[4] = {NAN, NAN, NAN, NAN};
    bool have = fractals_feed(&st->f, x[0], x[1], f);
    double tr = ind_tr_step(&st->tr, x[0], x[1], x[2]);
    double atr = isnan(tr) ? NAN : ind_ema_step(&st->atr, tr);
    y[0] = y[1] = y[2] = y[3] = NAN;
    if (!have || isnan(atr))
        return;
    double offset = c->opt[1] / 10.0 * atr;
    if (f[0] != st->up || isnan(st->level_hi)) {
        st->up = f[0];
        st->level_hi = f[0] + offset;
    }
    if (f[1] != st->down || isnan(st->level_lo)) {
        st->down = f[1];
        st->level_lo = f[1] - offset;
    }
    st->age_long = x[2] > st->level_lo ? st->age_long + 1 : 0;
    st->age_short = x[2] < st->level_hi ? st->age_short + 1 : 0;
    y[0] = st->level_hi;
    y[1] = st->level_lo;
    y[2] = st->age_long;
    y[3] = st->age_short;
}
MT_IND_RUN(frac_trend, struct frac_trend, frac_trend_init, frac_trend_step, 3, 4)

static int frac_trend_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return width_check(c, err, "frac_trend");
}

/* ---- Ichimoku without look-ahead ----
 *
 * tenkan = midpoint of the high-low range over n1 bars, kijun over n2; the
 * leading spans at bar t are the values computed n2 bars earlier (what the
 * cloud drawn at t shows): span_a = (tenkan + kijun) / 2 and span_b = the
 * midpoint over n3, both from bar t - n2. The lagging span (chikou) is the
 * close shifted into the past, i.e. look-ahead, and is not output. */

struct ichimoku {
    struct ind_range r[3];
    struct ind_win span_a, span_b; /* the last n2 + 1 computed spans */
    int64_t bars;
};

static int ichimoku_max_period(const struct mt_ind_ctx *c)
{
    int n = ind_iopt(c, 0);
    for (int k = 1; k < 3; k++)
        n = ind_iopt(c, k) > n ? ind_iopt(c, k) : n;
    return n;
}

static int ichimoku_lookback(const struct mt_ind_ctx *c)
{
    return ichimoku_max_period(c) - 1 + ind_iopt(c, 1);
}

static size_t ichimoku_size(const struct mt_ind_ctx *c)
{
    size_t n = 0;
    for (int k = 0; k < 3; k++)
        n += 4 * (size_t)ind_iopt(c, k);
    return ind_size(sizeof(struct ichimoku), n + 2 * ((size_t)ind_iopt(c, 1) + 1));
}

static void ichimoku_init(void *state, const struct mt_ind_ctx *c)
{
    struct ichimoku *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    for (int k = 0; k < 3; k++) {
        int n = ind_iopt(c, k);
        ind_range_init(&st->r[k], ind_carve(&p, 4 * (size_t)n), n);
    }
    int shift = ind_iopt(c, 1) + 1;
    ind_win_init(&st->span_a, ind_carve(&p, (size_t)shift), shift);
    ind_win_init(&st->span_b, ind_carve(&p, (size_t)shift), shift);
    st->bars = 0;
}

/* Outputs tenkan, kijun, span_a, span_b. */
static inline void ichimoku_step(struct ichimoku *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)t;
    double mid[3], gone;
    for (int k = 0; k < 3; k++) {
        double hh, ll;
        ind_range_step(&st->r[k], x[0], x[1], &hh, &ll);
        mid[k] = (hh + ll) / 2.0;
    }
    ind_win_push(&st->span_a, (mid[0] + mid[1]) / 2.0, &gone);
    ind_win_push(&st->span_b, mid[2], &gone);
    if (st->bars++ < ichimoku_lookback(c)) {
        for (int k = 0; k < 4; k++)
            y[k] = NAN;
        return;
    }
    y[0] = mid[0];
    y[1] = mid[1];
    y[2] = ind_win_ago(&st->span_a, st->span_a.cap - 1);
    y[3] = ind_win_ago(&st->span_b, st->span_b.cap - 1);
}
MT_IND_RUN(ichimoku, struct ichimoku, ichimoku_init, ichimoku_step, 2, 4)

/* ---- inside and outside bars ---- */

struct prev_bar {
    double h, l;
    bool have;
};
MT_IND_FIXED_SIZE(prev_bar, struct prev_bar)

static void prev_bar_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct prev_bar *st = state;
    st->h = 0;
    st->l = 0;
    st->have = false;
}

/* 1 when high < previous high and low > previous low, else 0. */
static inline void inside_step(struct prev_bar *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = st->have ? (x[0] < st->h && x[1] > st->l ? 1.0 : 0.0) : NAN;
    st->h = x[0];
    st->l = x[1];
    st->have = true;
}
MT_IND_RUN(inside, struct prev_bar, prev_bar_init, inside_step, 2, 1)

/* 1 when high > previous high and low < previous low, else 0. */
static inline void outside_step(struct prev_bar *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    y[0] = st->have ? (x[0] > st->h && x[1] < st->l ? 1.0 : 0.0) : NAN;
    st->h = x[0];
    st->l = x[1];
    st->have = true;
}
MT_IND_RUN(outside, struct prev_bar, prev_bar_init, outside_step, 2, 1)

/* ---- the table ---- */

#define PIVOT_OUT {"p", "r1", "s1", "r2", "s2", "r3", "s3"}
#define ANCHOR {{"anchor", 0, 0, 1, true}}

const struct mt_ind_def mt_ind_fam_structure[] = {
    {"heikin_ashi", "structure", "Heikin-Ashi candles (HA open seeded with (o + c) / 2 of the first bar)", 4, 0, 4,
     {MT_IN_OPEN, MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}, {{0}}, {"open", "high", "low", "close"}, ind_lookback_zero,
     heikin_size, heikin_init, heikin_run, NULL},
    {"pivots", "structure", "classic floor pivots of the previous complete UTC day (anchor 0) or week (1)", 3, 1, 7,
     IND_HLC, ANCHOR, PIVOT_OUT, pivots_lookback, pivots_size, pivots_init, pivots_classic_run, NULL},
    {"pivots_fib", "structure", "Fibonacci pivots (p -+ 0.382/0.618/1 x range) of the previous UTC day or week", 3,
     1, 7, IND_HLC, ANCHOR, PIVOT_OUT, pivots_lookback, pivots_size, pivots_init, pivots_fib_run, NULL},
    {"pivots_cam", "structure", "Camarilla pivots (close -+ 1.1 x range / 12, 6, 4) of the previous UTC day or week",
     3, 1, 7, IND_HLC, ANCHOR, PIVOT_OUT, pivots_lookback, pivots_size, pivots_init, pivots_cam_run, NULL},
    {"fractals", "structure",
     "Williams fractals: latest confirmed fractal high/low (known w/2 bars after) and bars since", 2, 1, 4, IND_HL,
     {{"width", 5, 3, 101, true}}, {"up", "down", "up_age", "down_age"}, fractals_lookback, fractals_size,
     fractals_init, fractals_run, fractals_check},
    {"frac_trend", "original",
     "trail-fractal levels fractal +/- spacing/10 ATR, bars the close stayed above the low / below the high level",
     3, 2, 4, {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}, {{"width", 5, 3, 101, true}, {"spacing", 2, 0, 100, true}},
     {"high", "low", "age_long", "age_short"}, frac_trend_lookback, frac_trend_size, frac_trend_init,
     frac_trend_run, frac_trend_check},
    {"ichimoku", "structure",
     "Ichimoku tenkan, kijun and the cloud spans plotted at the bar (computed kijun bars earlier); no chikou", 2, 3,
     4, IND_HL, {{"tenkan", 9, 1, 1000, true}, {"kijun", 26, 1, 1000, true}, {"senkou_b", 52, 1, 1000, true}},
     {"tenkan", "kijun", "span_a", "span_b"}, ichimoku_lookback, ichimoku_size, ichimoku_init, ichimoku_run, NULL},
    {"inside_bar", "structure", "1 when high < previous high and low > previous low, else 0", 2, 0, 1, IND_HL, {{0}},
     {"value"}, ind_lookback_one, prev_bar_size, prev_bar_init, inside_run, NULL},
    {"outside_bar", "structure", "1 when high > previous high and low < previous low, else 0", 2, 0, 1, IND_HL, {{0}},
     {"value"}, ind_lookback_one, prev_bar_size, prev_bar_init, outside_run, NULL},
};

const size_t mt_ind_fam_structure_n = sizeof mt_ind_fam_structure / sizeof mt_ind_fam_structure[0];
