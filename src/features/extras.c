/* Extras: TA-Lib's MAX, MIN, SUM and MACDFIX, and Tulip Indicators' ZLEMA,
 * DPO, QSTICK, VHF, Fisher transform, mass index, Chaikin volatility, mean
 * deviation, forecast oscillator, Klinger volume oscillator, VIDYA and market
 * facilitation index. The Tulip entries follow Tulip's definitions, seeding,
 * first output bar (its start()) and order of operations, so they agree with
 * Tulip bit for bit wherever Tulip's value is finite; where Tulip divides by
 * zero they give NaN or the documented value instead of inf or a NaN that
 * would never leave. */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* ---- Tulip's running window sum: the new value is added before the leaving
 * one is subtracted (ind_sma does the reverse), as in Tulip's DPO, QSTICK, MD,
 * VHF and VIDYA, so the sums agree with Tulip's bit for bit ---- */

struct tsum {
    struct ind_win w;
    double sum;
};

static void tsum_init(struct tsum *s, double *buf, int n)
{
    ind_win_init(&s->w, buf, n);
    s->sum = 0;
}

/* Adds x; true once the window holds n values (s->sum is then their sum). */
static inline bool tsum_step(struct tsum *s, double x)
{
    double gone;
    s->sum += x;
    if (ind_win_push(&s->w, x, &gone))
        s->sum -= gone;
    return ind_win_full(&s->w);
}

/* One period-sized buffer after the state struct (a window or a sum). */
#define ONE_BUFFER_SIZE(PREFIX, STATE)                                                                  \
    static size_t PREFIX##_size(const struct mt_ind_ctx *c)                                             \
    {                                                                                                   \
        return ind_size(sizeof(STATE), (size_t)ind_iopt(c, 0));                                         \
    }

/* ---- MAX, MIN: highest / lowest of the last n values (TA-Lib) ---- */

struct extreme {
    struct ind_extreme e;
};

MT_IND_PERIOD_SIZE(extreme, struct extreme, 2)

static void extreme_init(struct extreme *st, const struct mt_ind_ctx *c, bool max)
{
    ind_extreme_init(&st->e, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0), max);
}

static void max_init(void *state, const struct mt_ind_ctx *c)
{
    extreme_init(state, c, true);
}

static void min_init(void *state, const struct mt_ind_ctx *c)
{
    extreme_init(state, c, false);
}

static inline void extreme_step(struct extreme *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_extreme_step(&st->e, x[0]);
}
MT_IND_RUN(max, struct extreme, max_init, extreme_step, 1, 1)
MT_IND_RUN(min, struct extreme, min_init, extreme_step, 1, 1)

/* ---- SUM of the last n values (TA-Lib: the running sum of its SMA) ---- */

struct sum {
    struct ind_sma s;
};
ONE_BUFFER_SIZE(sum, struct sum)

static void sum_init(void *state, const struct mt_ind_ctx *c)
{
    struct sum *st = state;
    ind_sma_init(&st->s, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

static inline void sum_step(struct sum *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    ind_sma_step(&st->s, x[0]);
    y[0] = ind_win_full(&st->s.w) ? st->s.sum : NAN;
}
MT_IND_RUN(sum, struct sum, sum_init, sum_step, 1, 1)

/* ---- MACDFIX: MACD 12/26 with TA-Lib's fixed factors 0.15 and 0.075 ---- */

struct macdfix {
    struct ind_macd m;
};
MT_IND_FIXED_SIZE(macdfix, struct macdfix)

static void macdfix_init(void *state, const struct mt_ind_ctx *c)
{
    struct macdfix *st = state;
    ind_macd_init(&st->m, 12, 0.15, 26, 0.075, ind_iopt(c, 0));
}

static inline void macdfix_step(struct macdfix *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    ind_macd_step(&st->m, x[0], y);
}
MT_IND_RUN(macdfix, struct macdfix, macdfix_init, macdfix_step, 1, 3)

static int macdfix_lookback(const struct mt_ind_ctx *c)
{
    return 26 - 1 + ind_iopt(c, 0) - 1;
}

/* ---- ZLEMA (Tulip): EMA, k = 2/(n+1), of x + (x - x[lag]) with lag =
 * (n-1)/2, started at the value of bar lag - 1 ---- */

struct zlema {
    struct ind_win w; /* the last lag values */
    struct ind_ema e; /* seeding period 1: starts at the first value it gets */
};

static int zlema_lag(const struct mt_ind_ctx *c)
{
    return (ind_iopt(c, 0) - 1) / 2;
}

static size_t zlema_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct zlema), (size_t)zlema_lag(c));
}

static void zlema_init(void *state, const struct mt_ind_ctx *c)
{
    struct zlema *st = state;
    ind_win_init(&st->w, (double *)(void *)ind_tail(st, sizeof *st), zlema_lag(c));
    ind_ema_init(&st->e, 1, 2.0 / (c->opt[0] + 1.0));
}

static inline void zlema_step(struct zlema *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double lagged;
    if (ind_win_push(&st->w, x[0], &lagged))
        y[0] = ind_ema_step(&st->e, x[0] + (x[0] - lagged));
    else
        y[0] = ind_win_full(&st->w) ? ind_ema_step(&st->e, x[0]) : NAN;
}
MT_IND_RUN(zlema, struct zlema, zlema_init, zlema_step, 1, 1)

static int zlema_lookback(const struct mt_ind_ctx *c)
{
    return zlema_lag(c) - 1;
}

/* ---- one Tulip running sum over n (DPO, QSTICK, MD) ---- */

struct wsum {
    struct tsum s;
};
ONE_BUFFER_SIZE(wsum, struct wsum)

static void wsum_init(void *state, const struct mt_ind_ctx *c)
{
    struct wsum *st = state;
    tsum_init(&st->s, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

/* ---- DPO (Tulip): x[n/2 + 1 bars ago] - SMA(n); the SMA as sum x (1/n) ---- */

static inline void dpo_step(struct wsum *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    bool full = tsum_step(&st->s, x[0]);
    y[0] = full ? ind_win_ago(&st->s.w, ind_iopt(c, 0) / 2 + 1) - st->s.sum * (1.0 / c->opt[0]) : NAN;
}
MT_IND_RUN(dpo, struct wsum, wsum_init, dpo_step, 1, 1)

/* ---- QSTICK (Tulip): mean of close - open over n ---- */

static inline void qstick_step(struct wsum *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    y[0] = tsum_step(&st->s, x[1] - x[0]) ? st->s.sum * (1.0 / c->opt[0]) : NAN;
}
MT_IND_RUN(qstick, struct wsum, wsum_init, qstick_step, 2, 1)

/* ---- MD (Tulip): mean absolute deviation from the SMA over n ---- */

static inline void md_step(struct wsum *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    if (!tsum_step(&st->s, x[0])) {
        y[0] = NAN;
        return;
    }
    double scale = 1.0 / c->opt[0], avg = st->s.sum * scale, acc = 0;
    for (int j = 0; j < st->s.w.cap; j++)
        acc += fabs(avg - ind_win_ago(&st->s.w, j));
    y[0] = acc * scale;
}
MT_IND_RUN(md, struct wsum, wsum_init, md_step, 1, 1)

/* ---- VHF (Tulip): |highest - lowest| of the last n values over the sum of
 * the last n absolute changes; NaN when nothing moved (0 / 0) ---- */

struct vhf {
    struct ind_range r;
    struct tsum moves;
    double prev;
    bool have_prev;
};

MT_IND_PERIOD_SIZE(vhf, struct vhf, 5)

static void vhf_init(void *state, const struct mt_ind_ctx *c)
{
    struct vhf *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
    tsum_init(&st->moves, ind_carve(&p, (size_t)n), n);
    st->prev = 0;
    st->have_prev = false;
}

static inline void vhf_step(struct vhf *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    ind_range_step(&st->r, x[0], x[0], &hh, &ll);
    bool full = st->have_prev && tsum_step(&st->moves, fabs(x[0] - st->prev));
    st->prev = x[0];
    st->have_prev = true;
    y[0] = full ? fabs(hh - ll) / st->moves.sum : NAN;
}
MT_IND_RUN(vhf, struct vhf, vhf_init, vhf_step, 1, 1)

/* ---- Fisher transform (Tulip) of the midpoint (high + low) / 2 within its
 * n-bar range: v = 0.66 (position - 0.5) + 0.67 v, clamped to +-0.999 beyond
 * +-0.99; fisher = 0.5 ln((1 + v) / (1 - v)) + 0.5 fisher; signal = the
 * previous fisher (0 on the first bar). A flat range counts as 0.001 wide. ---- */

struct fisher {
    struct ind_range r;
    double v, fish;
};

MT_IND_PERIOD_SIZE(fisher, struct fisher, 4)

static void fisher_init(void *state, const struct mt_ind_ctx *c)
{
    struct fisher *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
    st->v = 0;
    st->fish = 0;
}

static inline void fisher_step(struct fisher *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mid = 0.5 * (x[0] + x[1]);
    double hh, ll;
    if (!ind_range_step(&st->r, mid, mid, &hh, &ll)) {
        y[0] = y[1] = NAN;
        return;
    }
    double range = hh - ll;
    if (range == 0.0)
        range = 0.001;
    st->v = 0.33 * 2.0 * ((mid - ll) / range - 0.5) + 0.67 * st->v;
    if (st->v > 0.99)
        st->v = 0.999;
    if (st->v < -0.99)
        st->v = -0.999;
    y[1] = st->fish;
    st->fish = 0.5 * log((1.0 + st->v) / (1.0 - st->v)) + 0.5 * st->fish;
    y[0] = st->fish;
}
MT_IND_RUN(fisher, struct fisher, fisher_init, fisher_step, 2, 2)

/* ---- mass index (Tulip): sum over n of EMA9(high - low) / EMA9(EMA9),
 * both EMAs started at their first input (the second one at bar 8) in the
 * form e (1 - k) + x k; a ratio of two zero averages counts as 1 ---- */

struct mass {
    double ema, ema2;
    int bar; /* bars seen, stops counting at 16 */
    struct ind_sma ratio;
};
ONE_BUFFER_SIZE(mass, struct mass)

static void mass_init(void *state, const struct mt_ind_ctx *c)
{
    struct mass *st = state;
    st->ema = 0;
    st->ema2 = 0;
    st->bar = 0;
    ind_sma_init(&st->ratio, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

static inline void mass_step(struct mass *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    const double k = 2 / (9.0 + 1), k1 = 1.0 - k;
    double range = x[0] - x[1];
    if (st->bar == 0)
        st->ema = range;
    st->ema = st->ema * k1 + range * k;
    if (st->bar == 8)
        st->ema2 = st->ema;
    y[0] = NAN;
    if (st->bar >= 8) {
        st->ema2 = st->ema2 * k1 + st->ema * k;
        if (st->bar >= 16) {
            ind_sma_step(&st->ratio, st->ema2 != 0.0 ? st->ema / st->ema2 : 1.0);
            if (ind_win_full(&st->ratio.w))
                y[0] = st->ratio.sum;
        }
    }
    if (st->bar < 16)
        st->bar++;
}
MT_IND_RUN(mass, struct mass, mass_init, mass_step, 2, 1)

static int mass_lookback(const struct mt_ind_ctx *c)
{
    return 16 + ind_iopt(c, 0) - 1;
}

/* ---- Chaikin volatility (Tulip): 100 (e - e[n bars ago]) / e[n bars ago]
 * of e = EMA(high - low), k = 2/(n+1), started at the first range; first
 * value at bar 2n - 1; NaN where the old average is 0 ---- */

struct cvi {
    struct ind_ema e; /* seeding period 1: starts at the first range */
    struct ind_win w; /* the last n averages */
    int bar;          /* bars seen, stops counting at 2n - 1 */
};
ONE_BUFFER_SIZE(cvi, struct cvi)

static void cvi_init(void *state, const struct mt_ind_ctx *c)
{
    struct cvi *st = state;
    ind_ema_init(&st->e, 1, 2.0 / (c->opt[0] + 1.0));
    ind_win_init(&st->w, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
    st->bar = 0;
}

static inline void cvi_step(struct cvi *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    double e = ind_ema_step(&st->e, x[0] - x[1]), old = NAN;
    ind_win_push(&st->w, e, &old);
    if (st->bar < 2 * ind_iopt(c, 0) - 1) {
        st->bar++;
        y[0] = NAN;
        return;
    }
    y[0] = old != 0.0 ? 100.0 * (e - old) / old : NAN;
}
MT_IND_RUN(cvi, struct cvi, cvi_init, cvi_step, 2, 1)

static int cvi_lookback(const struct mt_ind_ctx *c)
{
    return 2 * ind_iopt(c, 0) - 1;
}

/* ---- forecast oscillator (Tulip): 100 (x - f) / x with f the previous bar's
 * time series forecast (least-squares line over the last n values, one bar
 * ahead); Tulip's running sums; NaN where x is 0 ---- */

struct fosc {
    struct ind_win w;
    double xy, y, tsf; /* sum of value x position, sum of values, previous forecast */
    int bar;           /* bars seen, stops counting at n */
};
ONE_BUFFER_SIZE(fosc, struct fosc)

static void fosc_init(void *state, const struct mt_ind_ctx *c)
{
    struct fosc *st = state;
    ind_win_init(&st->w, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
    st->xy = 0;
    st->y = 0;
    st->tsf = 0;
    st->bar = 0;
}

static inline void fosc_step(struct fosc *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    int n = ind_iopt(c, 0);
    double gone;
    ind_win_push(&st->w, x[0], &gone);
    y[0] = NAN;
    if (st->bar < n - 1) {
        st->bar++;
        st->xy += x[0] * st->bar; /* position 1..n-1 */
        st->y += x[0];
        return;
    }
    /* Positions 1..n: their sum and sum of squares (exact integers). */
    double sx = (double)n * (n + 1) / 2.0, sx2 = (double)n * (n + 1) * (2.0 * n + 1) / 6.0;
    st->xy += x[0] * n;
    st->y += x[0];
    double b = (n * st->xy - sx * st->y) * (1.0 / (n * sx2 - sx * sx));
    double a = (st->y - b * sx) * (1.0 / n);
    if (st->bar >= n)
        y[0] = x[0] != 0.0 ? 100 * (x[0] - st->tsf) / x[0] : NAN;
    else
        st->bar++;
    st->tsf = a + b * (n + 1);
    st->xy -= st->y;
    st->y -= ind_win_ago(&st->w, n - 1);
}
MT_IND_RUN(fosc, struct fosc, fosc_init, fosc_step, 1, 1)

/* ---- Klinger volume oscillator (Tulip): EMA(short) - EMA(long), both
 * started at the first value, of the volume force v |2 dm / cm - 1| 100 (+-1
 * by the trend of high + low + close); dm = high - low, cm its sum since the
 * trend turned plus the range of the bar before; a force of 0 while cm is 0 ---- */

struct kvo {
    struct ind_ema fast, slow; /* seeding period 1 */
    double prev_hlc, prev_dm, cm;
    int trend; /* 1 up, 0 down, -1 not yet known (counts as up) */
    bool started;
};
MT_IND_FIXED_SIZE(kvo, struct kvo)

static void kvo_init(void *state, const struct mt_ind_ctx *c)
{
    struct kvo *st = state;
    ind_ema_init(&st->fast, 1, 2.0 / (c->opt[0] + 1.0));
    ind_ema_init(&st->slow, 1, 2.0 / (c->opt[1] + 1.0));
    st->prev_hlc = 0;
    st->prev_dm = 0;
    st->cm = 0;
    st->trend = -1;
    st->started = false;
}

static inline void kvo_step(struct kvo *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double hlc = x[0] + x[1] + x[2], dm = x[0] - x[1];
    y[0] = NAN;
    if (st->started) {
        if (hlc > st->prev_hlc && st->trend != 1) {
            st->trend = 1;
            st->cm = st->prev_dm;
        } else if (hlc < st->prev_hlc && st->trend != 0) {
            st->trend = 0;
            st->cm = st->prev_dm;
        }
        st->cm += dm;
        double vf = st->cm != 0.0 ? x[3] * fabs(dm / st->cm * 2 - 1) * 100 * (st->trend ? 1.0 : -1.0) : 0.0;
        y[0] = ind_ema_step(&st->fast, vf) - ind_ema_step(&st->slow, vf);
    }
    st->prev_hlc = hlc;
    st->prev_dm = dm;
    st->started = true;
}
MT_IND_RUN(kvo, struct kvo, kvo_init, kvo_step, 4, 1)

static int kvo_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "kvo", 0, 1, "short", "long");
}

/* ---- VIDYA (Tulip): v = (x - v) alpha s/l + v with s, l the population
 * standard deviations of the last short / long values; started at the value
 * of bar long - 2; a ratio that is not finite (flat windows) counts as 0 ---- */

struct vidya {
    struct tsum lsum, lsum2, ssum, ssum2; /* values and squares, long and short windows */
    double v;
    int bar; /* bars seen, stops counting at long - 1 */
};

static size_t vidya_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct vidya), 2 * (size_t)(ind_iopt(c, 0) + ind_iopt(c, 1)));
}

static void vidya_init(void *state, const struct mt_ind_ctx *c)
{
    struct vidya *st = state;
    int s = ind_iopt(c, 0), l = ind_iopt(c, 1);
    unsigned char *p = ind_tail(st, sizeof *st);
    tsum_init(&st->lsum, ind_carve(&p, (size_t)l), l);
    tsum_init(&st->lsum2, ind_carve(&p, (size_t)l), l);
    tsum_init(&st->ssum, ind_carve(&p, (size_t)s), s);
    tsum_init(&st->ssum2, ind_carve(&p, (size_t)s), s);
    st->v = 0;
    st->bar = 0;
}

/* Population standard deviation from a window's sum and sum of squares (Tulip's order). */
static inline double vidya_stddev(const struct tsum *sum, const struct tsum *sum2, double div)
{
    return sqrt(sum2->sum * div - (sum->sum * div) * (sum->sum * div));
}

static inline void vidya_step(struct vidya *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)t;
    int s = ind_iopt(c, 0), l = ind_iopt(c, 1);
    tsum_step(&st->lsum, x[0]);
    tsum_step(&st->lsum2, x[0] * x[0]);
    /* Tulip starts the short sums at bar long - short. */
    if (st->bar >= l - s) {
        tsum_step(&st->ssum, x[0]);
        tsum_step(&st->ssum2, x[0] * x[0]);
    }
    if (st->bar < l - 2) {
        st->bar++;
        y[0] = NAN;
        return;
    }
    if (st->bar == l - 2) {
        st->bar++;
        st->v = x[0];
    } else {
        double k = vidya_stddev(&st->ssum, &st->ssum2, 1.0 / s) / vidya_stddev(&st->lsum, &st->lsum2, 1.0 / l);
        if (!isfinite(k))
            k = 0;
        k *= c->opt[2];
        st->v = (x[0] - st->v) * k + st->v;
    }
    y[0] = st->v;
}
MT_IND_RUN(vidya, struct vidya, vidya_init, vidya_step, 1, 1)

static int vidya_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) - 2;
}

static int vidya_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "vidya", 0, 1, "short", "long");
}

/* ---- market facilitation index: (high - low) / volume; NaN without volume ---- */

static inline void marketfi_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)t;
    y[0] = x[2] != 0.0 ? (x[0] - x[1]) / x[2] : NAN;
}
MT_IND_RUN(marketfi, struct ind_stateless, ind_stateless_init, marketfi_step, 3, 1)

/* ---- the table ---- */

const struct mt_ind_def mt_ind_fam_extra[] = {
    {"max", "statistics", "highest value over n (TA-Lib MAX)", 1, 1, 1, IND_C, {IND_PERIOD(30, 2)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, extreme_size, max_init, max_run, NULL},
    {"min", "statistics", "lowest value over n (TA-Lib MIN)", 1, 1, 1, IND_C, {IND_PERIOD(30, 2)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, extreme_size, min_init, min_run, NULL},
    {"sum", "statistics", "sum over n (TA-Lib SUM)", 1, 1, 1, IND_C, {IND_PERIOD(30, 2)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, sum_size, sum_init, sum_run, NULL},
    {"macdfix", "momentum", "MACD 12/26 with fixed factors 0.15 and 0.075, signal EMA, histogram (TA-Lib MACDFIX)", 1,
     1, 3, IND_C, {IND_OPT("signal", 9, 1)}, {"macd", "signal", "hist"}, macdfix_lookback, macdfix_size, macdfix_init,
     macdfix_run, NULL},
    {"zlema", "average", "zero-lag EMA of x + (x - x[(n-1)/2 bars ago]) (Tulip)", 1, 1, 1, IND_C, {IND_PERIOD(14, 3)},
     IND_ONE_OUT, zlema_lookback, zlema_size, zlema_init, zlema_run, NULL},
    {"dpo", "momentum", "detrended price oscillator x[n/2+1 bars ago] - SMA(n) (Tulip)", 1, 1, 1, IND_C,
     {IND_PERIOD(20, 3)}, IND_ONE_OUT, ind_lookback_period_minus_1, wsum_size, wsum_init, dpo_run, NULL},
    {"qstick", "momentum", "Qstick: mean of close - open over n (Tulip)", 2, 1, 1, {MT_IN_OPEN, MT_IN_CLOSE},
     {IND_PERIOD(14, 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, wsum_size, wsum_init, qstick_run, NULL},
    {"vhf", "trend", "vertical horizontal filter: range over n / sum of n absolute changes (Tulip)", 1, 1, 1, IND_C,
     {IND_PERIOD(28, 2)}, IND_ONE_OUT, ind_lookback_period, vhf_size, vhf_init, vhf_run, NULL},
    {"fisher", "momentum", "Ehlers' Fisher transform of the midpoint's n-bar range position, signal (Tulip)", 2, 1,
     2, IND_HL, {IND_PERIOD(9, 2)}, {"fisher", "signal"}, ind_lookback_period_minus_1, fisher_size, fisher_init,
     fisher_run, NULL},
    {"mass", "volatility", "mass index: sum over n of EMA9(range) / EMA9(EMA9(range)) (Tulip)", 2, 1, 1, IND_HL,
     {IND_PERIOD(25, 1)}, IND_ONE_OUT, mass_lookback, mass_size, mass_init, mass_run, NULL},
    {"cvi", "volatility", "Chaikin volatility: n-bar % change of EMA(n) of high - low (Tulip)", 2, 1, 1, IND_HL,
     {IND_PERIOD(10, 1)}, IND_ONE_OUT, cvi_lookback, cvi_size, cvi_init, cvi_run, NULL},
    {"md", "statistics", "mean absolute deviation from the SMA over n (Tulip)", 1, 1, 1, IND_C, {IND_PERIOD(20, 2)},
     IND_ONE_OUT, ind_lookback_period_minus_1, wsum_size, wsum_init, md_run, NULL},
    {"fosc", "regression", "forecast oscillator: 100 (x - previous bar's TSF(n)) / x (Tulip)", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period, fosc_size, fosc_init, fosc_run, NULL},
    {"kvo", "volume", "Klinger volume oscillator: EMA(short) - EMA(long) of the volume force (Tulip)", 4, 2, 1,
     {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE, MT_IN_VOLUME}, {IND_OPT("short", 34, 1), IND_OPT("long", 55, 2)}, IND_ONE_OUT,
     ind_lookback_one, kvo_size, kvo_init, kvo_run, kvo_check},
    {"vidya", "average", "variable index dynamic average: EMA with k = alpha stddev(short) / stddev(long) (Tulip)", 1,
     3, 1, IND_C, {IND_OPT("short", 14, 1), IND_OPT("long", 30, 2), {"alpha", 0.2, 0, 1, false}}, IND_ONE_OUT,
     vidya_lookback, vidya_size, vidya_init, vidya_run, vidya_check},
    {"marketfi", "volume", "market facilitation index (high - low) / volume (Tulip)", 3, 0, 1,
     {MT_IN_HIGH, MT_IN_LOW, MT_IN_VOLUME}, {{0}}, IND_ONE_OUT, ind_lookback_zero, ind_stateless_size,
     ind_stateless_init, marketfi_run, NULL},
};

const size_t mt_ind_fam_extra_n = sizeof mt_ind_fam_extra / sizeof mt_ind_fam_extra[0];
