/* Internal to src/features: what indicator entries are built from.
 *
 * An entry is a state struct, an init and a step function for one bar; the
 * MT_IND_RUN macro makes the entry's `run` from them (the NaN restart rule in
 * one place). The kernels below (windows, averages, extremes) are the shared
 * building blocks: an entry composes them instead of repeating their logic.
 * Kernels with a window keep their buffer in memory the entry provides
 * (carved from its state with ind_carve), sized by the period. */
#ifndef MT_FEATURES_IND_IMPL_H
#define MT_FEATURES_IND_IMPL_H

#include <math.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "features/indicator.h"

/* Defines `static void PREFIX##_run(...)` for an entry with NIN inputs and
 * NOUT outputs from
 *   void INIT(void *state, const struct mt_ind_ctx *c);
 *   static inline void STEP(STATE *st, const struct mt_ind_ctx *c,
 *                           const double *x, int64_t t, double *y);
 * STEP sees only finite-or-infinite inputs (never NaN) and writes NOUT values.
 * STEP works on a copy of the state struct that is written back at the end,
 * so the struct must not point into itself: buffers live after it (ind_carve). */
#define MT_IND_RUN(PREFIX, STATE, INIT, STEP, NIN, NOUT)                                                  \
    static void PREFIX##_run(void *state, const struct mt_ind_ctx *c, size_t n, const double *const *in, \
                             const int64_t *time, double *const *out)                                    \
    {                                                                                                    \
        /* Local copies of the state, the options and the column pointers: the outputs cannot alias    \
         * them, so they stay in registers. */                                                                         \
        STATE st_ = *(STATE *)state;                                                                     \
        const struct mt_ind_ctx c_ = *c;                                                                 \
        const double *in_[MT_IND_MAX_IN];                                                                \
        double *out_[MT_IND_MAX_OUT];                                                                    \
        for (int k_ = 0; k_ < (NIN); k_++)                                                               \
            in_[k_] = in[k_];                                                                            \
        for (int k_ = 0; k_ < (NOUT); k_++)                                                              \
            out_[k_] = out[k_];                                                                          \
        for (size_t i_ = 0; i_ < n; i_++) {                                                              \
            double x_[MT_IND_MAX_IN], y_[MT_IND_MAX_OUT];                                                \
            bool nan_ = false;                                                                           \
            for (int k_ = 0; k_ < (NIN); k_++) {                                                         \
                x_[k_] = in_[k_][i_];                                                                    \
                nan_ |= isnan(x_[k_]);                                                                   \
            }                                                                                            \
            if (nan_) {                                                                                  \
                INIT(state, c);                                                                          \
                st_ = *(STATE *)state;                                                                   \
                for (int k_ = 0; k_ < (NOUT); k_++)                                                      \
                    out_[k_][i_] = NAN;                                                                  \
                continue;                                                                                \
            }                                                                                            \
            STEP(&st_, &c_, x_, time ? time[i_] : 0, y_);                                                  \
            for (int k_ = 0; k_ < (NOUT); k_++)                                                          \
                out_[k_][i_] = y_[k_];                                                                   \
        }                                                                                                \
        *(STATE *)state = st_;                                                                           \
    }

/* Defines `static size_t PREFIX##_size(...)` for a state without buffers. */
#define MT_IND_FIXED_SIZE(PREFIX, STATE)                                                                  \
    static size_t PREFIX##_size(const struct mt_ind_ctx *c)                                               \
    {                                                                                                    \
        (void)c;                                                                                         \
        return sizeof(STATE);                                                                            \
    }

/* ---- shorthands for the family tables ---- */

/* An integer "period" option (default def, at least min) and any other integer option. */
#define IND_PERIOD(def, min) {"period", (def), (min), 100000, true}
#define IND_OPT(name, def, min) {(name), (def), (min), 100000, true}

/* Input lists and the single output. */
#define IND_C {MT_IN_CLOSE}
#define IND_HL {MT_IN_HIGH, MT_IN_LOW}
#define IND_HLC {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}
#define IND_HLCV {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE, MT_IN_VOLUME}
#define IND_OHLC {MT_IN_OPEN, MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}
#define IND_OHLCV {MT_IN_OPEN, MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE, MT_IN_VOLUME}
#define IND_ONE_OUT {"value"}

/* Defines `static size_t PREFIX##_size(...)` for a state followed by K x
 * option 0 (the period) doubles. */
#define MT_IND_PERIOD_SIZE(PREFIX, STATE, K)                                                              \
    static size_t PREFIX##_size(const struct mt_ind_ctx *c)                                               \
    {                                                                                                    \
        return ind_size(sizeof(STATE), (size_t)(K) * (size_t)ind_iopt(c, 0));                            \
    }

/* Integer option k of c. */
static inline int ind_iopt(const struct mt_ind_ctx *c, int k)
{
    return (int)c->opt[k];
}

/* Bump allocator over an entry's state memory: the state struct first, then
 * the kernels' buffers. ind_carve(&p, n) returns n doubles at p and moves p. */
static inline double *ind_carve(unsigned char **p, size_t n)
{
    double *d = (double *)(void *)*p;
    *p += n * sizeof(double);
    return d;
}

/* Bytes of a state struct of size `base` followed by `doubles` doubles. */
static inline size_t ind_size(size_t base, size_t doubles)
{
    size_t a = alignof(max_align_t);
    return (base + a - 1) / a * a + doubles * sizeof(double);
}

/* Start of the buffers after a state struct of size `base` at s. */
static inline unsigned char *ind_tail(void *s, size_t base)
{
    size_t a = alignof(max_align_t);
    return (unsigned char *)s + (base + a - 1) / a * a;
}

/* TA-Lib's zero test for the denominators it guards (TA_IS_ZERO: |v| below
 * 1e-14): an entry that follows TA-Lib uses it where TA-Lib does, and outputs
 * TA-Lib's fallback value (usually 0) there. */
static inline bool ind_ta_zero(double v)
{
    return -1e-14 < v && v < 1e-14;
}

/* ---- the state of entries that keep nothing between bars ---- */

struct ind_stateless {
    char unused;
};

static inline size_t ind_stateless_size(const struct mt_ind_ctx *c)
{
    (void)c;
    return sizeof(struct ind_stateless);
}

static inline void ind_stateless_init(void *state, const struct mt_ind_ctx *c)
{
    (void)state;
    (void)c;
}

/* ---- lookbacks and option rules shared by many entries ---- */

/* Option 0 (the period) minus 1: the first value after period bars. */
static inline int ind_lookback_period_minus_1(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) - 1;
}

/* Option 0 itself: entries that need one bar more than the period. */
static inline int ind_lookback_period(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0);
}

/* A value from the first bar. */
static inline int ind_lookback_zero(const struct mt_ind_ctx *c)
{
    (void)c;
    return 0;
}

/* A value from the second bar (one previous bar needed). */
static inline int ind_lookback_one(const struct mt_ind_ctx *c)
{
    (void)c;
    return 1;
}

/* Cross-option rule: option a below option b; MT_EINVAL naming both. */
static inline int ind_check_below(const struct mt_ind_ctx *c, struct mt_err *err, const char *ind, int a, int b,
                                  const char *an, const char *bn)
{
    if (c->opt[a] < c->opt[b])
        return 0;
    return mt_err_set(err, MT_EINVAL, "indicator %s: option %s = %g must be less than option %s = %g", ind, an,
                      c->opt[a], bn, c->opt[b]);
}

/* i mod cap for 0 <= i < 2 cap (ring-buffer indices; no division). */
static inline int ind_wrap(int i, int cap)
{
    return i >= cap ? i - cap : i;
}

/* ---- window: the last `cap` values, oldest first on the way out ---- */

struct ind_win {
    double *v;
    int cap, n, head; /* head = index of the oldest value when n == cap */
};

static inline void ind_win_init(struct ind_win *w, double *buf, int cap)
{
    w->v = buf;
    w->cap = cap;
    w->n = 0;
    w->head = 0;
}

/* Adds x; returns true and the value that left in *gone when the window was full. */
static inline bool ind_win_push(struct ind_win *w, double x, double *gone)
{
    if (w->n < w->cap) {
        w->v[ind_wrap(w->head + w->n++, w->cap)] = x;
        return false;
    }
    *gone = w->v[w->head];
    w->v[w->head] = x;
    w->head = ind_wrap(w->head + 1, w->cap);
    return true;
}

/* The value `ago` bars back (0 = the newest); ago < n. */
static inline double ind_win_ago(const struct ind_win *w, int ago)
{
    return w->v[ind_wrap(w->head + w->n - 1 - ago, w->cap)];
}

static inline bool ind_win_full(const struct ind_win *w)
{
    return w->n == w->cap;
}

/* ---- SMA: running sum over a window (TA-Lib's order of operations) ---- */

struct ind_sma {
    struct ind_win w;
    double sum, inv; /* inv = 1 / period: a multiplication per bar, not a division */
};

static inline void ind_sma_init(struct ind_sma *s, double *buf, int period)
{
    ind_win_init(&s->w, buf, period);
    s->sum = 0;
    s->inv = 1.0 / period;
}

/* Adds x; the mean of the last period values, NaN until there are period. */
static inline double ind_sma_step(struct ind_sma *s, double x)
{
    double gone = 0;
    ind_win_push(&s->w, x, &gone);
    s->sum += x - gone; /* one addition on the running sum's dependency chain */
    return ind_win_full(&s->w) ? s->sum * s->inv : NAN;
}

/* ---- EMA seeded with the SMA of the first period values (TA-Lib) ---- */

struct ind_ema {
    double k;     /* smoothing factor */
    double value; /* current EMA, or the running sum while seeding */
    int period, seen;
};

/* k = 2 / (period + 1) for the classic EMA; Wilder's smoothing is k = 1 / period. */
static inline void ind_ema_init(struct ind_ema *e, int period, double k)
{
    e->k = k;
    e->value = 0;
    e->period = period;
    e->seen = 0;
}

static inline double ind_ema_step(struct ind_ema *e, double x)
{
    if (e->seen < e->period) {
        e->value += x;
        if (++e->seen < e->period)
            return NAN;
        e->value /= e->period;
        return e->value;
    }
    e->value = (x - e->value) * e->k + e->value;
    return e->value;
}

/* ---- MACD: EMA(fast) - EMA(slow), its signal EMA and the histogram (TA-Lib:
 * all three EMAs SMA-seeded; both price EMAs give their first value on the bar
 * where the slow one does, so the fast one is fed from bar slow - fast on; the
 * first output is at bar slow - 1 + signal - 1) ---- */

struct ind_macd {
    struct ind_ema fast, slow, signal;
    int skip; /* bars still to keep from the fast EMA */
};

/* fast < slow; kfast, kslow the price EMAs' factors (2/(n+1), or MACDFIX's
 * fixed 0.15 and 0.075); the signal EMA has k = 2/(signal+1). */
static inline void ind_macd_init(struct ind_macd *m, int fast, double kfast, int slow, double kslow, int signal)
{
    ind_ema_init(&m->fast, fast, kfast);
    ind_ema_init(&m->slow, slow, kslow);
    ind_ema_init(&m->signal, signal, 2.0 / (signal + 1.0));
    m->skip = slow - fast;
}

/* Adds x; y[0..2] = macd, signal, hist, all NaN until the signal has a value. */
static inline void ind_macd_step(struct ind_macd *m, double x, double *y)
{
    double f = NAN, s = ind_ema_step(&m->slow, x);
    if (m->skip > 0)
        m->skip--;
    else
        f = ind_ema_step(&m->fast, x);
    double d = f - s, sig = isnan(d) ? NAN : ind_ema_step(&m->signal, d);
    y[0] = isnan(sig) ? NAN : d;
    y[1] = sig;
    y[2] = d - sig;
}

/* ---- WMA: weights 1 (oldest) .. period (newest), O(1) per bar ---- */

struct ind_wma {
    struct ind_win w;
    double sum;      /* plain sum of the window */
    double weighted; /* sum of weight x value */
    double inv;      /* 1 / the sum of the weights */
};

static inline void ind_wma_init(struct ind_wma *k, double *buf, int period)
{
    ind_win_init(&k->w, buf, period);
    k->sum = 0;
    k->weighted = 0;
    k->inv = 2.0 / ((double)period * (period + 1));
}

/* Adds x; the weighted mean of the last period values, NaN until there are period. */
static inline double ind_wma_step(struct ind_wma *k, double x)
{
    /* Every value in the window loses one weight (the oldest drops to 0), x enters with n. */
    k->weighted += k->w.cap * x - k->sum;
    double gone;
    if (ind_win_push(&k->w, x, &gone))
        k->sum -= gone;
    k->sum += x;
    return ind_win_full(&k->w) ? k->weighted * k->inv : NAN;
}

/* ---- HMA: WMA(2 WMA(n/2) - WMA(n), floor(sqrt n)) (Hull; the full period,
 * not the original system's shortened one) ---- */

struct ind_hma {
    struct ind_wma half, full, out;
};

static inline int ind_hma_sqrt(int period)
{
    return (int)floor(sqrt((double)period));
}

/* Doubles of buffer an HMA of period needs. */
static inline size_t ind_hma_doubles(int period)
{
    return (size_t)(period / 2 + period + ind_hma_sqrt(period));
}

/* Index of the first HMA value. */
static inline int ind_hma_lookback(int period)
{
    return period - 1 + ind_hma_sqrt(period) - 1;
}

static inline void ind_hma_init(struct ind_hma *h, double *buf, int period)
{
    ind_wma_init(&h->half, buf, period / 2);
    ind_wma_init(&h->full, buf + period / 2, period);
    ind_wma_init(&h->out, buf + period / 2 + period, ind_hma_sqrt(period));
}

/* Adds x; the HMA, NaN before its lookback. */
static inline double ind_hma_step(struct ind_hma *h, double x)
{
    double half = ind_wma_step(&h->half, x), full = ind_wma_step(&h->full, x);
    return isnan(full) ? NAN : ind_wma_step(&h->out, 2.0 * half - full);
}

/* ---- VWMA: sum(price x volume) / sum(volume) over a window ---- */

struct ind_vwma {
    struct ind_sma pv, v;
};

/* Needs 2 * period doubles of buffer. */
static inline void ind_vwma_init(struct ind_vwma *k, double *buf, int period)
{
    ind_sma_init(&k->pv, buf, period);
    ind_sma_init(&k->v, buf + period, period);
}

/* Adds a bar; the VWMA, NaN before period bars or while the window has no volume. */
static inline double ind_vwma_step(struct ind_vwma *k, double price, double volume)
{
    double pv = ind_sma_step(&k->pv, price * volume), v = ind_sma_step(&k->v, volume);
    return v > 0 ? pv / v : NAN;
}

/* ---- rolling maximum / minimum, branch-free (van Herk / Gil-Werman in
 * streaming form): the bars are cut into blocks of `period`; the window
 * ending at position k of the current block is positions k+1.. of the
 * previous block (their suffix extreme, computed once when that block ended)
 * plus positions ..k of the current one (its running extreme). O(1) amortised
 * per bar with no data-dependent branch. Minima are kept as maxima of -x. ---- */

struct ind_extreme {
    double *blk;  /* the current block's values (negated for a minimum) */
    double *suf;  /* suffix maxima of the previous block; -inf before one ended */
    double pre;   /* maximum of the current block so far */
    double sign;  /* 1: maximum, -1: minimum */
    int cap, pos; /* period; position of the next value in the block */
    int64_t bar;  /* bars seen */
};

/* Needs 2 * period doubles of buffer. */
static inline void ind_extreme_init(struct ind_extreme *e, double *buf, int period, bool max)
{
    e->blk = buf;
    e->suf = buf + period;
    for (int i = 0; i < period; i++)
        e->suf[i] = -INFINITY;
    e->pre = -INFINITY;
    e->sign = max ? 1.0 : -1.0;
    e->cap = period;
    e->pos = 0;
    e->bar = 0;
}

/* Adds x; the extreme of the last period values, NaN until there are period. */
static inline double ind_extreme_step(struct ind_extreme *e, double x)
{
    double v = e->sign * x;
    e->blk[e->pos] = v;
    e->pre = v > e->pre ? v : e->pre;
    double older = e->pos + 1 < e->cap ? e->suf[e->pos + 1] : -INFINITY;
    double m = older > e->pre ? older : e->pre;
    if (++e->pos == e->cap) {
        double run = -INFINITY;
        for (int i = e->cap - 1; i >= 0; i--) {
            run = e->blk[i] > run ? e->blk[i] : run;
            e->suf[i] = run;
        }
        e->pre = -INFINITY;
        e->pos = 0;
    }
    return ++e->bar >= e->cap ? e->sign * m : NAN;
}

/* ---- the highest and the lowest value over a window ---- */

struct ind_range {
    struct ind_extreme hi, lo;
};

/* Needs 4 * period doubles of buffer. */
static inline void ind_range_init(struct ind_range *r, double *buf, int period)
{
    ind_extreme_init(&r->hi, buf, period, true);
    ind_extreme_init(&r->lo, buf + 2 * period, period, false);
}

/* Adds a bar's high and low; false until there are period bars, else the
 * highest high *hh and the lowest low *ll. */
static inline bool ind_range_step(struct ind_range *r, double high, double low, double *hh, double *ll)
{
    *hh = ind_extreme_step(&r->hi, high);
    *ll = ind_extreme_step(&r->lo, low);
    return !isnan(*hh);
}

/* ---- rolling maximum / minimum with the bar it is on: monotonic deque of
 * bar indices (Aroon needs the age; everything else uses ind_extreme) ---- */

struct ind_argext {
    double *val;  /* deque values, capacity period */
    int64_t *idx; /* their bar numbers */
    int cap, head, len;
    int64_t bar;  /* bars seen */
    bool max;     /* true: maximum, false: minimum */
};

/* Needs 2 * period doubles of buffer (values and indices). */
static inline void ind_argext_init(struct ind_argext *e, double *buf, int period, bool max)
{
    e->val = buf;
    e->idx = (int64_t *)(void *)(buf + period);
    e->cap = period;
    e->head = 0;
    e->len = 0;
    e->bar = 0;
    e->max = max;
}

/* Adds x; the extreme of the last period values, NaN until there are period.
 * Ties keep the newest bar (for "bars since the high"). */
static inline double ind_argext_step(struct ind_argext *e, double x)
{
    int64_t b = e->bar++;
    while (e->len > 0 && e->idx[e->head] <= b - e->cap) {
        e->head = ind_wrap(e->head + 1, e->cap);
        e->len--;
    }
    while (e->len > 0) {
        int last = ind_wrap(e->head + e->len - 1, e->cap);
        if (e->max ? e->val[last] > x : e->val[last] < x)
            break;
        e->len--;
    }
    int at = ind_wrap(e->head + e->len, e->cap);
    e->val[at] = x;
    e->idx[at] = b;
    e->len++;
    return e->bar >= e->cap ? e->val[e->head] : NAN;
}

/* Bars since the current extreme (0 = this bar); valid after a non-NaN step. */
static inline int ind_argext_age(const struct ind_argext *e)
{
    return (int)(e->bar - 1 - e->idx[e->head]);
}

/* ---- true range and ATR (TA-Lib: TR needs the previous close; ATR is
 * Wilder's average of TR seeded with the SMA of the first period TRs, so
 * the first ATR is at bar `period`) ---- */

struct ind_tr {
    double prev_close;
    bool have_prev;
};

static inline void ind_tr_init(struct ind_tr *t)
{
    t->have_prev = false;
    t->prev_close = 0;
}

/* True range of this bar, NaN on the first bar (no previous close). */
static inline double ind_tr_step(struct ind_tr *t, double high, double low, double close)
{
    double tr = NAN;
    if (t->have_prev) {
        double a = high - low, b = fabs(high - t->prev_close), c = fabs(low - t->prev_close);
        double ab = a > b ? a : b; /* two max instructions, no data-dependent branch */
        tr = ab > c ? ab : c;
    }
    t->prev_close = close;
    t->have_prev = true;
    return tr;
}

struct ind_atr {
    struct ind_tr tr;
    struct ind_ema avg; /* Wilder: k = 1/period */
};

static inline void ind_atr_init(struct ind_atr *a, int period)
{
    ind_tr_init(&a->tr);
    ind_ema_init(&a->avg, period, 1.0 / period);
}

static inline double ind_atr_step(struct ind_atr *a, double high, double low, double close)
{
    double tr = ind_tr_step(&a->tr, high, low, close);
    return isnan(tr) ? NAN : ind_ema_step(&a->avg, tr);
}

/* ---- rolling mean and population variance over a window (TA-Lib VAR:
 * running sums of x and x^2, variance = mean(x^2) - mean(x)^2) ---- */

struct ind_var {
    struct ind_win w;
    double sum, sum2, inv; /* inv = 1 / period */
};

static inline void ind_var_init(struct ind_var *v, double *buf, int period)
{
    ind_win_init(&v->w, buf, period);
    v->sum = 0;
    v->sum2 = 0;
    v->inv = 1.0 / period;
}

/* Adds x; false until there are period values, else *mean and *var set
 * (var clamped at 0 against rounding). */
static inline bool ind_var_step(struct ind_var *v, double x, double *mean, double *var)
{
    double gone;
    if (ind_win_push(&v->w, x, &gone)) { /* TA-Lib's order: its sums, its rounding */
        v->sum -= gone;
        v->sum2 -= gone * gone;
    }
    v->sum += x;
    v->sum2 += x * x;
    if (!ind_win_full(&v->w))
        return false;
    double m = v->sum * v->inv;
    double q = v->sum2 * v->inv - m * m;
    *mean = m;
    *var = q > 0 ? q : 0;
    return true;
}

/* Rolling z-score: (x - mean) / population stddev of the last period values
 * including x; NaN until there are period values, 0 for a flat window. */
static inline double ind_zscore_step(struct ind_var *v, double x)
{
    double mean, var;
    if (!ind_var_step(v, x, &mean, &var))
        return NAN;
    return var > 0 ? (x - mean) / sqrt(var) : 0.0;
}

/* ---- pandas ewm(com).mean() with its defaults (adjust=True, min_periods 0):
 * the mean of every value so far weighted (1 - alpha)^age, alpha = 1 / (1 +
 * com), from the first value on. Streaming in pandas' own order of operations
 * (the decayed weight w of the older values: mean = (w mean + x) / (w + 1),
 * kept as is when x equals it, then w += 1), so the values are pandas' to the
 * last bit. */

struct ind_ewma {
    double decay, mean, w; /* decay = 1 - alpha; w = weight of the values seen */
    bool seen;
};

static inline void ind_ewma_init(struct ind_ewma *e, double com)
{
    e->decay = 1.0 - 1.0 / (1.0 + com);
    e->mean = 0;
    e->w = 0;
    e->seen = false;
}

/* Adds x; the weighted mean including it. */
static inline double ind_ewma_step(struct ind_ewma *e, double x)
{
    if (!e->seen) {
        e->seen = true;
        e->mean = x;
        e->w = 1.0;
        return x;
    }
    e->w *= e->decay;
    if (e->mean != x)
        e->mean = (e->w * e->mean + x) / (e->w + 1.0);
    e->w += 1.0;
    return e->mean;
}

/* ---- exponentially weighted mean and variance (pandas ewm(com, adjust=False):
 * alpha = 1 / (1 + com), started at the first value with variance 0) ---- */

struct ind_ewstat {
    double alpha, mean, var;
    int seen, warm; /* values seen; values before a z-score is given */
};

static inline void ind_ewstat_init(struct ind_ewstat *e, double com, int warm)
{
    e->alpha = 1.0 / (1.0 + com);
    e->mean = 0;
    e->var = 0;
    e->seen = 0;
    e->warm = warm;
}

/* Adds x; its z-score against the weighted mean and stddev including x, NaN
 * for the first warm values, 0 while the variance is 0. */
static inline double ind_ewstat_z(struct ind_ewstat *e, double x)
{
    if (e->seen++ == 0) {
        e->mean = x;
    } else {
        double d = x - e->mean;
        e->mean += e->alpha * d;
        e->var = (1.0 - e->alpha) * (e->var + e->alpha * d * d);
    }
    if (e->seen < e->warm)
        return NAN;
    return e->var > 0 ? (x - e->mean) / sqrt(e->var) : 0.0;
}

/* Bars of timeframe tf in `days` days (at least 1; a month counts 31 days). */
static inline int ind_bars_in_days(enum mt_tf tf, double days)
{
    int64_t ms = mt_tf_ms(tf);
    if (ms == 0)
        ms = 31 * MT_MS_DAY;
    double n = floor(days * (double)MT_MS_DAY / (double)ms);
    return n < 1 ? 1 : (int)n;
}

/* ---- Wilder's average gain and loss of the changes (RSI, CMO, StochRSI) ----
 * The first n changes are summed and divided by n (first value at bar n);
 * then avg = (avg (n-1) + change) / n, in TA-Lib's order of operations. */

struct ind_gainloss {
    double prev, gain, loss, inv; /* inv = 1 / n */
    int n, seen;                  /* seen: bars fed, stops counting at n + 1 */
};

static inline void ind_gainloss_init(struct ind_gainloss *g, int n)
{
    g->prev = 0;
    g->gain = 0;
    g->loss = 0;
    g->inv = 1.0 / n;
    g->n = n;
    g->seen = 0;
}

/* Feeds x; true when g->gain and g->loss hold the averages (from bar n on).
 * Wilder's step avg + (change - avg) / n, as a multiplication. */
static inline bool ind_gainloss_step(struct ind_gainloss *g, double x)
{
    double d = x - g->prev;
    g->prev = x;
    double up = d > 0 ? d : 0.0, down = d < 0 ? -d : 0.0;
    if (g->seen > g->n) {
        g->gain = (up - g->gain) * g->inv + g->gain;
        g->loss = (down - g->loss) * g->inv + g->loss;
        return true;
    }
    if (g->seen++ == 0)
        return false;
    g->gain += up;
    g->loss += down;
    if (g->seen <= g->n)
        return false;
    g->gain *= g->inv;
    g->loss *= g->inv;
    return true;
}

/* 100 gain / (gain + loss), 0 when there was no change. */
static inline double ind_gainloss_rsi(const struct ind_gainloss *g)
{
    double s = g->gain + g->loss;
    return ind_ta_zero(s) ? 0.0 : 100.0 * (g->gain / s);
}

/* ---- stochastic position: 100 (x - lowest low) / (highest high - lowest low) ---- */

struct ind_stoch {
    struct ind_range r;
};

/* Needs 4 * period doubles of buffer. */
static inline void ind_stoch_init(struct ind_stoch *s, double *buf, int period)
{
    ind_range_init(&s->r, buf, period);
}

/* Position of x in the range of the last period highs/lows, 0..100; NaN until
 * there are period bars; 0 for a flat range (TA-Lib's convention and order of
 * operations: (x - ll) / ((hh - ll) / 100), so %K matches TA-Lib bit for bit). */
static inline double ind_stoch_step(struct ind_stoch *s, double high, double low, double x)
{
    double hh, ll;
    if (!ind_range_step(&s->r, high, low, &hh, &ll))
        return NAN;
    double diff = (hh - ll) / 100.0;
    return diff != 0.0 ? (x - ll) / diff : 0.0;
}

#endif
