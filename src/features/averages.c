/* Moving averages: SMA, EMA, Wilder's RMA, WMA, DEMA, TEMA, T3, TRIMA, KAMA,
 * HMA, VWMA, session VWAP, MIDPOINT, MIDPRICE. TA-Lib definitions and seeding
 * where TA-Lib has the function. */
#include <math.h>

#include "core/timeframe.h"
#include "features/families.h"
#include "features/ind_impl.h"

/* ---- SMA ---- */

struct sma {
    struct ind_sma s;
};

MT_IND_PERIOD_SIZE(sma, struct sma, 1)

static void sma_init(void *state, const struct mt_ind_ctx *c)
{
    struct sma *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->s, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

static inline void sma_step(struct sma *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_sma_step(&st->s, x[0]);
}
MT_IND_RUN(sma, struct sma, sma_init, sma_step, 1, 1)

/* ---- EMA (k = 2/(n+1)) and Wilder's RMA (k = 1/n), both SMA-seeded ---- */

struct ema {
    struct ind_ema e;
};
MT_IND_FIXED_SIZE(ema, struct ema)

static void ema_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema *st = state;
    ind_ema_init(&st->e, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
}

static void rma_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema *st = state;
    ind_ema_init(&st->e, ind_iopt(c, 0), 1.0 / c->opt[0]);
}

static inline void ema_step(struct ema *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_ema_step(&st->e, x[0]);
}
MT_IND_RUN(ema, struct ema, ema_init, ema_step, 1, 1)
MT_IND_RUN(rma, struct ema, rma_init, ema_step, 1, 1)

/* ---- WMA: weights 1..n ---- */

struct wma {
    struct ind_wma k;
};

MT_IND_PERIOD_SIZE(wma, struct wma, 1)

static void wma_init(void *state, const struct mt_ind_ctx *c)
{
    struct wma *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_wma_init(&st->k, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

static inline void wma_step(struct wma *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_wma_step(&st->k, x[0]);
}
MT_IND_RUN(wma, struct wma, wma_init, wma_step, 1, 1)

/* ---- DEMA, TEMA, T3: chains of SMA-seeded EMAs (TA-Lib) ---- */

struct ema_chain {
    struct ind_ema e[6];
};
MT_IND_FIXED_SIZE(ema_chain, struct ema_chain)

static void ema_chain_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema_chain *st = state;
    for (int k = 0; k < 6; k++)
        ind_ema_init(&st->e[k], ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
}

/* Feeds x through the first `depth` EMAs of the chain into v[]; false while
 * the last one has no value. */
static inline bool ema_chain_feed(struct ema_chain *st, int depth, double x, double *v)
{
    for (int k = 0; k < depth; k++) {
        x = ind_ema_step(&st->e[k], x);
        if (isnan(x))
            return false;
        v[k] = x;
    }
    return true;
}

static inline void dema_step(struct ema_chain *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    (void)c;
    (void)t;
    double v[2];
    y[0] = ema_chain_feed(st, 2, x[0], v) ? 2.0 * v[0] - v[1] : NAN;
}
MT_IND_RUN(dema, struct ema_chain, ema_chain_init, dema_step, 1, 1)

static inline void tema_step(struct ema_chain *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    (void)c;
    (void)t;
    double v[3];
    y[0] = ema_chain_feed(st, 3, x[0], v) ? 3.0 * v[0] - 3.0 * v[1] + v[2] : NAN;
}
MT_IND_RUN(tema, struct ema_chain, ema_chain_init, tema_step, 1, 1)

static inline void t3_step(struct ema_chain *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                           double *y)
{
    (void)t;
    double v[6];
    if (!ema_chain_feed(st, 6, x[0], v)) {
        y[0] = NAN;
        return;
    }
    double a = c->opt[1], a2 = a * a, a3 = a2 * a;
    double c1 = -a3, c2 = 3.0 * (a2 + a3), c3 = -6.0 * a2 - 3.0 * (a + a3), c4 = 1.0 + 3.0 * a + a3 + 3.0 * a2;
    y[0] = c1 * v[5] + c2 * v[4] + c3 * v[3] + c4 * v[2];
}
MT_IND_RUN(t3, struct ema_chain, ema_chain_init, t3_step, 1, 1)

static int dema_lookback(const struct mt_ind_ctx *c)
{
    return 2 * (ind_iopt(c, 0) - 1);
}

static int tema_lookback(const struct mt_ind_ctx *c)
{
    return 3 * (ind_iopt(c, 0) - 1);
}

static int t3_lookback(const struct mt_ind_ctx *c)
{
    return 6 * (ind_iopt(c, 0) - 1);
}

/* ---- TRIMA: SMA of an SMA, periods (n+1)/2 twice (odd n) or n/2 and n/2+1 (even n) ---- */

struct trima {
    struct ind_sma a, b;
};

static size_t trima_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct trima), (size_t)ind_iopt(c, 0) + 2);
}

static void trima_init(void *state, const struct mt_ind_ctx *c)
{
    struct trima *st = state;
    int n = ind_iopt(c, 0);
    int pa = n % 2 ? (n + 1) / 2 : n / 2, pb = n % 2 ? (n + 1) / 2 : n / 2 + 1;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->a, ind_carve(&p, (size_t)pa), pa);
    ind_sma_init(&st->b, ind_carve(&p, (size_t)pb), pb);
}

static inline void trima_step(struct trima *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                              double *y)
{
    (void)c;
    (void)t;
    double m = ind_sma_step(&st->a, x[0]);
    y[0] = isnan(m) ? NAN : ind_sma_step(&st->b, m);
}
MT_IND_RUN(trima, struct trima, trima_init, trima_step, 1, 1)

/* ---- KAMA: Kaufman's adaptive average, fast 2, slow 30 (TA-Lib) ---- */

struct kama {
    struct ind_win w; /* the last n+1 values */
    double noise;     /* sum of |change| over the last n changes */
    double value;
    bool started;
};

static size_t kama_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct kama), (size_t)ind_iopt(c, 0) + 1);
}

static void kama_init(void *state, const struct mt_ind_ctx *c)
{
    struct kama *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_win_init(&st->w, ind_carve(&p, (size_t)ind_iopt(c, 0) + 1), ind_iopt(c, 0) + 1);
    st->noise = 0;
    st->value = 0;
    st->started = false;
}

static inline void kama_step(struct kama *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    (void)c;
    (void)t;
    const double fast = 2.0 / 3.0, slow = 2.0 / 31.0;
    double prev = st->w.n ? ind_win_ago(&st->w, 0) : x[0];
    double gone = 0;
    bool full_before = ind_win_full(&st->w);
    if (full_before) {
        /* The change between the two oldest values leaves the noise sum. */
        st->noise -= fabs(ind_win_ago(&st->w, st->w.cap - 1) - ind_win_ago(&st->w, st->w.cap - 2));
    }
    if (st->w.n)
        st->noise += fabs(x[0] - prev);
    ind_win_push(&st->w, x[0], &gone);
    if (!ind_win_full(&st->w)) {
        y[0] = NAN;
        return;
    }
    if (!st->started) {
        st->value = prev; /* seeded with the previous value */
        st->started = true;
    }
    double change = x[0] - ind_win_ago(&st->w, st->w.cap - 1);
    double er = (st->noise <= change || st->noise == 0.0) ? 1.0 : fabs(change / st->noise);
    double sc = er * (fast - slow) + slow;
    sc *= sc;
    st->value = (x[0] - st->value) * sc + st->value;
    y[0] = st->value;
}
MT_IND_RUN(kama, struct kama, kama_init, kama_step, 1, 1)

/* ---- HMA (kernel in ind_impl.h) ---- */

struct hma {
    struct ind_hma h;
};

static size_t hma_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct hma), ind_hma_doubles(ind_iopt(c, 0)));
}

static void hma_init(void *state, const struct mt_ind_ctx *c)
{
    struct hma *st = state;
    ind_hma_init(&st->h, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

static inline void hma_step(struct hma *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_hma_step(&st->h, x[0]);
}
MT_IND_RUN(hma, struct hma, hma_init, hma_step, 1, 1)

static int hma_lookback(const struct mt_ind_ctx *c)
{
    return ind_hma_lookback(ind_iopt(c, 0));
}

/* ---- VWMA (kernel in ind_impl.h) ---- */

struct vwma {
    struct ind_vwma k;
};

MT_IND_PERIOD_SIZE(vwma, struct vwma, 2)

static void vwma_init(void *state, const struct mt_ind_ctx *c)
{
    struct vwma *st = state;
    ind_vwma_init(&st->k, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

static inline void vwma_step(struct vwma *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_vwma_step(&st->k, x[0], x[1]);
}
MT_IND_RUN(vwma, struct vwma, vwma_init, vwma_step, 2, 1)

/* ---- VWAP anchored to the UTC day, week (Monday) or month ---- */

struct vwap {
    int64_t session; /* open time of the current session */
    double pv, v;
};
MT_IND_FIXED_SIZE(vwap, struct vwap)

static void vwap_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct vwap *st = state;
    st->session = INT64_MIN;
    st->pv = 0;
    st->v = 0;
}

static const enum mt_tf vwap_anchor[3] = {MT_TF_1D, MT_TF_1W, MT_TF_1MO};

static inline void vwap_step(struct vwap *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    int64_t s = mt_tf_floor(vwap_anchor[ind_iopt(c, 0)], t);
    if (s != st->session) {
        st->session = s;
        st->pv = 0;
        st->v = 0;
    }
    double typical = (x[0] + x[1] + x[2]) / 3.0;
    st->pv += typical * x[3];
    st->v += x[3];
    y[0] = st->v > 0 ? st->pv / st->v : NAN; /* NaN until the session trades */
}
MT_IND_RUN(vwap, struct vwap, vwap_init, vwap_step, 4, 1)

/* ---- MIDPOINT (of one input) and MIDPRICE (highest high, lowest low) ---- */

struct midpoint {
    struct ind_range r;
};

MT_IND_PERIOD_SIZE(midpoint, struct midpoint, 4)

static void midpoint_init(void *state, const struct mt_ind_ctx *c)
{
    struct midpoint *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
}

static inline void midpoint_step(struct midpoint *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    y[0] = ind_range_step(&st->r, x[0], x[0], &hh, &ll) ? (hh + ll) / 2.0 : NAN;
}
MT_IND_RUN(midpoint, struct midpoint, midpoint_init, midpoint_step, 1, 1)

static inline void midprice_step(struct midpoint *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    y[0] = ind_range_step(&st->r, x[0], x[1], &hh, &ll) ? (hh + ll) / 2.0 : NAN;
}
MT_IND_RUN(midprice, struct midpoint, midpoint_init, midprice_step, 2, 1)

/* ---- the table ---- */

const struct mt_ind_def mt_ind_fam_average[] = {
    {"sma", "average", "simple moving average", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, sma_size, sma_init, sma_run, NULL},
    {"ema", "average", "exponential moving average, k = 2/(n+1), seeded with the SMA", 1, 1, 1, IND_C,
     {IND_PERIOD(30, 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, ema_size, ema_init, ema_run, NULL},
    {"rma", "average", "Wilder's smoothing (RMA/SMMA), k = 1/n, seeded with the SMA", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, ema_size, rma_init, rma_run, NULL},
    {"wma", "average", "linearly weighted moving average (weights 1..n)", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)},
     IND_ONE_OUT, ind_lookback_period_minus_1, wma_size, wma_init, wma_run, NULL},
    {"dema", "average", "double EMA: 2 EMA - EMA(EMA)", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)}, IND_ONE_OUT, dema_lookback,
     ema_chain_size, ema_chain_init, dema_run, NULL},
    {"tema", "average", "triple EMA: 3 EMA - 3 EMA(EMA) + EMA(EMA(EMA))", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)},
     IND_ONE_OUT, tema_lookback, ema_chain_size, ema_chain_init, tema_run, NULL},
    {"t3", "average", "Tillson T3: six chained EMAs with volume factor v", 1, 2, 1, IND_C,
     {IND_PERIOD(5, 2), {"vfactor", 0.7, 0, 1, false}}, IND_ONE_OUT, t3_lookback, ema_chain_size, ema_chain_init,
     t3_run, NULL},
    {"trima", "average", "triangular moving average (SMA of an SMA)", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, trima_size, trima_init, trima_run, NULL},
    {"kama", "average", "Kaufman adaptive moving average (fast 2, slow 30)", 1, 1, 1, IND_C, {IND_PERIOD(30, 1)},
     IND_ONE_OUT, ind_lookback_period, kama_size, kama_init, kama_run, NULL},
    {"hma", "average", "Hull moving average WMA(2 WMA(n/2) - WMA(n), floor(sqrt n))", 1, 1, 1, IND_C,
     {{"period", 16, 4, 100000, true}}, IND_ONE_OUT, hma_lookback, hma_size, hma_init, hma_run, NULL},
    {"vwma", "average", "volume-weighted moving average sum(close x volume)/sum(volume)", 2, 1, 1,
     {MT_IN_CLOSE, MT_IN_VOLUME}, {IND_PERIOD(20, 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, vwma_size, vwma_init,
     vwma_run, NULL},
    {"vwap", "average", "VWAP of the typical price since the session start (anchor 0 day, 1 week, 2 month, UTC)",
     4, 1, 1, {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE, MT_IN_VOLUME}, {{"anchor", 0, 0, 2, true}}, IND_ONE_OUT,
     ind_lookback_zero, vwap_size, vwap_init, vwap_run, NULL},
    {"midpoint", "average", "(highest + lowest) / 2 of one input over n", 1, 1, 1, IND_C, {IND_PERIOD(14, 2)},
     IND_ONE_OUT, ind_lookback_period_minus_1, midpoint_size, midpoint_init, midpoint_run, NULL},
    {"midprice", "average", "(highest high + lowest low) / 2 over n", 2, 1, 1, {MT_IN_HIGH, MT_IN_LOW},
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, midpoint_size, midpoint_init, midprice_run, NULL},
};

const size_t mt_ind_fam_average_n = sizeof mt_ind_fam_average / sizeof mt_ind_fam_average[0];
