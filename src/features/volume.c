/* Volume indicators: OBV, accumulation/distribution and its oscillator,
 * Chaikin money flow, force index, ease of movement, percentage volume
 * oscillator, volume oscillator, negative and positive volume indices.
 * TA-Lib definitions, seeding and lookbacks where TA-Lib has the function
 * (OBV, AD, ADOSC). */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* Slow option (1) minus 1: entries whose output starts with the slow average. */
static int lookback_slow_minus_1(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) - 1;
}

/* Money flow multiplier × volume of a bar, ((c - l) - (h - c)) / (h - l) × v;
 * 0 when high == low (TA-Lib AD). x = high, low, close, volume. */
static inline double money_flow_volume(const double *x)
{
    double range = x[0] - x[1];
    return range > 0.0 ? (((x[2] - x[1]) - (x[0] - x[2])) / range) * x[3] : 0.0;
}

/* Rolling mean of a volume: the SMA kernel plus a count of zero bars in the
 * window, so a window without trading gives exactly 0 (a running sum can keep
 * a rounding residue). */
struct vol_avg {
    struct ind_sma s;
    int zeros;
};

static void vol_avg_init(struct vol_avg *a, double *buf, int period)
{
    ind_sma_init(&a->s, buf, period);
    a->zeros = 0;
}

/* Adds v; the mean of the last period volumes, NaN until there are period. */
static inline double vol_avg_step(struct vol_avg *a, double v)
{
    if (ind_win_full(&a->s.w) && ind_win_ago(&a->s.w, a->s.w.cap - 1) == 0.0)
        a->zeros--;
    if (v == 0.0)
        a->zeros++;
    double m = ind_sma_step(&a->s, v);
    return a->zeros == a->s.w.cap ? 0.0 : m;
}

/* ---- OBV: cumulative volume signed by the close's direction; starts at the
 * volume of the first bar (TA-Lib) ---- */

struct obv {
    double prev_close, value;
    bool started;
};
MT_IND_FIXED_SIZE(obv, struct obv)

static void obv_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct obv *st = state;
    st->prev_close = 0;
    st->value = 0;
    st->started = false;
}

static inline void obv_step(struct obv *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    if (!st->started) {
        st->value = x[1];
        st->started = true;
    } else if (x[0] > st->prev_close) {
        st->value += x[1];
    } else if (x[0] < st->prev_close) {
        st->value -= x[1];
    }
    st->prev_close = x[0];
    y[0] = st->value;
}
MT_IND_RUN(obv, struct obv, obv_init, obv_step, 2, 1)

/* ---- AD: cumulative money flow volume (TA-Lib) ---- */

struct ad {
    double value;
};
MT_IND_FIXED_SIZE(ad, struct ad)

static void ad_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct ad *st = state;
    st->value = 0;
}

static inline void ad_step(struct ad *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    st->value += money_flow_volume(x);
    y[0] = st->value;
}
MT_IND_RUN(ad, struct ad, ad_init, ad_step, 4, 1)

/* ---- ADOSC: EMA(fast) - EMA(slow) of AD, both EMAs seeded with the first
 * AD value and written k × ad + (1 - k) × ema (TA-Lib) ---- */

struct adosc {
    double ad, fast, slow;
    int bars;
};
MT_IND_FIXED_SIZE(adosc, struct adosc)

static void adosc_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct adosc *st = state;
    st->ad = st->fast = st->slow = 0;
    st->bars = 0;
}

static inline void adosc_step(struct adosc *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                              double *y)
{
    (void)t;
    st->ad += money_flow_volume(x);
    if (st->bars++ == 0) {
        st->fast = st->slow = st->ad;
    } else {
        double kf = 2.0 / (c->opt[0] + 1.0), ks = 2.0 / (c->opt[1] + 1.0);
        st->fast = (kf * st->ad) + ((1.0 - kf) * st->fast);
        st->slow = (ks * st->ad) + ((1.0 - ks) * st->slow);
    }
    y[0] = st->bars >= ind_iopt(c, 1) ? st->fast - st->slow : NAN;
}
MT_IND_RUN(adosc, struct adosc, adosc_init, adosc_step, 4, 1)

static int adosc_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "adosc", 0, 1, "fast", "slow");
}

/* ---- CMF: sum(money flow volume) / sum(volume) over n; NaN without volume ---- */

struct cmf {
    struct ind_sma mfv;
    struct vol_avg vol;
};

MT_IND_PERIOD_SIZE(cmf, struct cmf, 2)

static void cmf_init(void *state, const struct mt_ind_ctx *c)
{
    struct cmf *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->mfv, ind_carve(&p, (size_t)n), n);
    vol_avg_init(&st->vol, ind_carve(&p, (size_t)n), n);
}

static inline void cmf_step(struct cmf *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mfv = ind_sma_step(&st->mfv, money_flow_volume(x)), vol = vol_avg_step(&st->vol, x[3]);
    y[0] = vol > 0 ? mfv / vol : NAN;
}
MT_IND_RUN(cmf, struct cmf, cmf_init, cmf_step, 4, 1)

/* ---- force index: EMA(n) of (close - previous close) × volume ---- */

struct force {
    struct ind_ema e;
    double prev_close;
    bool have_prev;
};
MT_IND_FIXED_SIZE(force, struct force)

static void force_init(void *state, const struct mt_ind_ctx *c)
{
    struct force *st = state;
    ind_ema_init(&st->e, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    st->prev_close = 0;
    st->have_prev = false;
}

static inline void force_step(struct force *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                              double *y)
{
    (void)c;
    (void)t;
    y[0] = st->have_prev ? ind_ema_step(&st->e, (x[0] - st->prev_close) * x[1]) : NAN;
    st->prev_close = x[0];
    st->have_prev = true;
}
MT_IND_RUN(force, struct force, force_init, force_step, 2, 1)

/* ---- ease of movement: SMA(n) of the midpoint move over the box ratio,
 * ((h + l)/2 - (h' + l')/2) / ((volume / 1e6) / (h - l)); a bar with h == l or
 * no volume contributes 0 ---- */

struct eom {
    struct ind_sma avg;
    double prev_mid;
    bool have_prev;
};

MT_IND_PERIOD_SIZE(eom, struct eom, 1)

static void eom_init(void *state, const struct mt_ind_ctx *c)
{
    struct eom *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->avg, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
    st->prev_mid = 0;
    st->have_prev = false;
}

/* x = high, low, volume. */
static inline void eom_step(struct eom *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mid = (x[0] + x[1]) / 2.0, range = x[0] - x[1];
    y[0] = NAN;
    if (st->have_prev) {
        double move = mid - st->prev_mid;
        y[0] = ind_sma_step(&st->avg, range == 0.0 || x[2] == 0.0 ? 0.0 : move / ((x[2] / 1e6) / range));
    }
    st->prev_mid = mid;
    st->have_prev = true;
}
MT_IND_RUN(eom, struct eom, eom_init, eom_step, 3, 1)

/* ---- PVO: 100 (EMA(fast) - EMA(slow)) / EMA(slow) of volume, its EMA(signal)
 * and the difference; SMA-seeded EMAs from the first bar; NaN while the slow
 * EMA is 0 (no volume yet) ---- */

struct pvo {
    struct ind_ema fast, slow, signal;
};
MT_IND_FIXED_SIZE(pvo, struct pvo)

static void pvo_init(void *state, const struct mt_ind_ctx *c)
{
    struct pvo *st = state;
    ind_ema_init(&st->fast, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    ind_ema_init(&st->slow, ind_iopt(c, 1), 2.0 / (c->opt[1] + 1.0));
    ind_ema_init(&st->signal, ind_iopt(c, 2), 2.0 / (c->opt[2] + 1.0));
}

static inline void pvo_step(struct pvo *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double fast = ind_ema_step(&st->fast, x[0]), slow = ind_ema_step(&st->slow, x[0]);
    y[0] = y[1] = y[2] = NAN;
    if (isnan(slow) || slow == 0.0)
        return;
    y[0] = 100.0 * (fast - slow) / slow;
    y[1] = ind_ema_step(&st->signal, y[0]);
    y[2] = y[0] - y[1];
    if (isnan(y[1]))
        y[0] = NAN;
}
MT_IND_RUN(pvo, struct pvo, pvo_init, pvo_step, 1, 3)

static int pvo_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) - 1 + ind_iopt(c, 2) - 1;
}

static int pvo_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "pvo", 0, 1, "fast", "slow");
}

/* ---- volume oscillator: 100 (SMA(fast) - SMA(slow)) / SMA(slow) of volume;
 * NaN without volume in the slow window ---- */

struct vosc {
    struct vol_avg fast, slow;
};

static size_t vosc_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct vosc), (size_t)ind_iopt(c, 0) + (size_t)ind_iopt(c, 1));
}

static void vosc_init(void *state, const struct mt_ind_ctx *c)
{
    struct vosc *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    vol_avg_init(&st->fast, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
    vol_avg_init(&st->slow, ind_carve(&p, (size_t)ind_iopt(c, 1)), ind_iopt(c, 1));
}

static inline void vosc_step(struct vosc *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double fast = vol_avg_step(&st->fast, x[0]), slow = vol_avg_step(&st->slow, x[0]);
    y[0] = slow > 0 ? 100.0 * (fast - slow) / slow : NAN;
}
MT_IND_RUN(vosc, struct vosc, vosc_init, vosc_step, 1, 1)

static int vosc_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "vosc", 0, 1, "fast", "slow");
}

/* ---- NVI / PVI: start at 1000, move by the close's percentage change on
 * bars whose volume fell (NVI) / rose (PVI); a zero previous close moves
 * nothing ---- */

struct volidx {
    double prev_close, prev_vol, value;
    bool started;
};
MT_IND_FIXED_SIZE(volidx, struct volidx)

static void volidx_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct volidx *st = state;
    st->prev_close = st->prev_vol = 0;
    st->value = 1000.0;
    st->started = false;
}

/* Moves the index when `active` (the volume condition held) and writes it. */
static inline void volidx_move(struct volidx *st, const double *x, bool active, double *y)
{
    if (st->started && active && st->prev_close != 0.0)
        st->value += st->value * (x[0] - st->prev_close) / st->prev_close;
    st->prev_close = x[0];
    st->prev_vol = x[1];
    st->started = true;
    y[0] = st->value;
}

static inline void nvi_step(struct volidx *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    volidx_move(st, x, x[1] < st->prev_vol, y);
}
MT_IND_RUN(nvi, struct volidx, volidx_init, nvi_step, 2, 1)

static inline void pvi_step(struct volidx *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    volidx_move(st, x, x[1] > st->prev_vol, y);
}
MT_IND_RUN(pvi, struct volidx, volidx_init, pvi_step, 2, 1)

/* ---- the table ---- */

#define CV {MT_IN_CLOSE, MT_IN_VOLUME}
#define FAST(def, min) {"fast", (def), (min), 100000, true}
#define SLOW(def) {"slow", (def), 2, 100000, true}

const struct mt_ind_def mt_ind_fam_volume[] = {
    {"obv", "volume", "on-balance volume, starting at the first bar's volume", 2, 0, 1, CV, {}, IND_ONE_OUT,
     ind_lookback_zero, obv_size, obv_init, obv_run, NULL},
    {"ad", "volume", "Chaikin accumulation/distribution line", 4, 0, 1, IND_HLCV, {}, IND_ONE_OUT, ind_lookback_zero,
     ad_size, ad_init, ad_run, NULL},
    {"adosc", "volume", "Chaikin A/D oscillator: EMA(fast) - EMA(slow) of the A/D line", 4, 2, 1, IND_HLCV,
     {FAST(3, 2), SLOW(10)}, IND_ONE_OUT, lookback_slow_minus_1, adosc_size, adosc_init, adosc_run, adosc_check},
    {"cmf", "volume", "Chaikin money flow: sum(money flow volume) / sum(volume) over n", 4, 1, 1, IND_HLCV,
     {IND_PERIOD(20, 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, cmf_size, cmf_init, cmf_run, NULL},
    {"force", "volume", "force index: EMA(n) of (close - previous close) × volume", 2, 1, 1, CV, {IND_PERIOD(13, 1)},
     IND_ONE_OUT, ind_lookback_period, force_size, force_init, force_run, NULL},
    {"eom", "volume", "ease of movement: SMA(n) of the midpoint move / ((volume / 1e6) / (high - low))", 3, 1, 1,
     {MT_IN_HIGH, MT_IN_LOW, MT_IN_VOLUME}, {IND_PERIOD(14, 1)}, IND_ONE_OUT, ind_lookback_period, eom_size, eom_init,
     eom_run, NULL},
    {"pvo", "volume", "percentage volume oscillator 100 (EMA fast - EMA slow) / EMA slow, signal EMA, histogram",
     1, 3, 3, {MT_IN_VOLUME}, {FAST(12, 1), SLOW(26), {"signal", 9, 1, 100000, true}}, {"pvo", "signal", "hist"},
     pvo_lookback, pvo_size, pvo_init, pvo_run, pvo_check},
    {"vosc", "volume", "volume oscillator 100 (SMA fast - SMA slow) / SMA slow", 1, 2, 1, {MT_IN_VOLUME},
     {FAST(5, 1), SLOW(10)}, IND_ONE_OUT, lookback_slow_minus_1, vosc_size, vosc_init, vosc_run, vosc_check},
    {"nvi", "volume", "negative volume index from 1000: follows the close on bars with falling volume", 2, 0, 1,
     CV, {}, IND_ONE_OUT, ind_lookback_zero, volidx_size, volidx_init, nvi_run, NULL},
    {"pvi", "volume", "positive volume index from 1000: follows the close on bars with rising volume", 2, 0, 1, CV,
     {}, IND_ONE_OUT, ind_lookback_zero, volidx_size, volidx_init, pvi_run, NULL},
};

const size_t mt_ind_fam_volume_n = sizeof mt_ind_fam_volume / sizeof mt_ind_fam_volume[0];
