/* Volatility and statistics: Bollinger bands (%B, width), Keltner and
 * Donchian channels, ATR, NATR, true range, standard deviation, variance,
 * z-score, skewness, kurtosis, linear regression (value, slope, intercept,
 * angle, forecast, R²), correlation, beta, log return and the price
 * transforms. TA-Lib definitions, seeding, order of operations and lookbacks
 * where TA-Lib has the function; skew and kurtosis follow pandas' rolling
 * skew() and kurt().
 *
 * Degenerate windows (documented per entry): TA-Lib zeroes a variance or a
 * correlation denominator below its absolute epsilon 1e-14; here only a
 * value <= 0 counts as zero, so assets priced far below 1 keep their bands
 * (identical results at ordinary price levels). */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

#define NBDEV(name, def) {name, (def), 0, 100, false}

/* A window of the last `period` values (option 0) of one input. */
struct win {
    struct ind_win w;
};

MT_IND_PERIOD_SIZE(win, struct win, 1)

static void win_init(void *state, const struct mt_ind_ctx *c)
{
    struct win *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_win_init(&st->w, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

/* Rolling mean and population variance of the last `period` values (option 0). */
struct rvar {
    struct ind_var v;
};

MT_IND_PERIOD_SIZE(rvar, struct rvar, 1)

static void rvar_init(void *state, const struct mt_ind_ctx *c)
{
    struct rvar *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_var_init(&st->v, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

/* ---- Bollinger bands: SMA ± nbdev population standard deviations (TA-Lib
 * BBANDS with an SMA; a variance <= 0 gives a zero-width band) ---- */

/* Adds x; b[] = upper, middle, lower with options (period, nbdevup, nbdevdn),
 * false during the warm-up. */
static inline bool bands_feed(struct rvar *st, const struct mt_ind_ctx *c, double x, double *b)
{
    double mid, var;
    if (!ind_var_step(&st->v, x, &mid, &var))
        return false;
    double sd = sqrt(var);
    b[0] = mid + sd * c->opt[1];
    b[1] = mid;
    b[2] = mid - sd * c->opt[2];
    return true;
}

static inline void bbands_step(struct rvar *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)t;
    if (!bands_feed(st, c, x[0], y))
        y[0] = y[1] = y[2] = NAN;
}
MT_IND_RUN(bbands, struct rvar, rvar_init, bbands_step, 1, 3)

/* %B = (x - lower) / (upper - lower); NaN on a zero-width band. */
static inline void bb_pctb_step(struct rvar *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)t;
    double b[3];
    y[0] = bands_feed(st, c, x[0], b) && b[0] != b[2] ? (x[0] - b[2]) / (b[0] - b[2]) : NAN;
}
MT_IND_RUN(bb_pctb, struct rvar, rvar_init, bb_pctb_step, 1, 1)

/* (upper - lower) / middle; NaN on a zero middle band. */
static inline void bb_width_step(struct rvar *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)t;
    double b[3];
    y[0] = bands_feed(st, c, x[0], b) && b[1] != 0.0 ? (b[0] - b[2]) / b[1] : NAN;
}
MT_IND_RUN(bb_width, struct rvar, rvar_init, bb_width_step, 1, 1)

/* ---- Keltner channel: EMA(period) of close ± mult × ATR(atr_period) ---- */

struct keltner {
    struct ind_ema mid;
    struct ind_atr atr;
};
MT_IND_FIXED_SIZE(keltner, struct keltner)

static void keltner_init(void *state, const struct mt_ind_ctx *c)
{
    struct keltner *st = state;
    ind_ema_init(&st->mid, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    ind_atr_init(&st->atr, ind_iopt(c, 1));
}

static inline void keltner_step(struct keltner *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)t;
    double mid = ind_ema_step(&st->mid, x[2]), atr = ind_atr_step(&st->atr, x[0], x[1], x[2]);
    if (isnan(mid) || isnan(atr)) {
        y[0] = y[1] = y[2] = NAN;
        return;
    }
    y[0] = mid + c->opt[2] * atr;
    y[1] = mid;
    y[2] = mid - c->opt[2] * atr;
}
MT_IND_RUN(keltner, struct keltner, keltner_init, keltner_step, 3, 3)

static int keltner_lookback(const struct mt_ind_ctx *c)
{
    int ema = ind_iopt(c, 0) - 1, atr = ind_iopt(c, 1);
    return ema > atr ? ema : atr;
}

/* ---- Donchian channel: highest high, lowest low, their midpoint ---- */

struct donchian {
    struct ind_range r;
};

MT_IND_PERIOD_SIZE(donchian, struct donchian, 4)

static void donchian_init(void *state, const struct mt_ind_ctx *c)
{
    struct donchian *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
}

static inline void donchian_step(struct donchian *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    ind_range_step(&st->r, x[0], x[1], &y[0], &y[2]);
    y[1] = (y[0] + y[2]) / 2.0;
}
MT_IND_RUN(donchian, struct donchian, donchian_init, donchian_step, 2, 3)

/* ---- ATR, NATR (100 ATR / close; 0 on a zero close as in TA-Lib), TRANGE ---- */

struct atr {
    struct ind_atr a;
};
MT_IND_FIXED_SIZE(atr, struct atr)

static void atr_init(void *state, const struct mt_ind_ctx *c)
{
    struct atr *st = state;
    ind_atr_init(&st->a, ind_iopt(c, 0));
}

static inline void atr_step(struct atr *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_atr_step(&st->a, x[0], x[1], x[2]);
}
MT_IND_RUN(atr, struct atr, atr_init, atr_step, 3, 1)

static inline void natr_step(struct atr *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double a = ind_atr_step(&st->a, x[0], x[1], x[2]);
    if (isnan(a))
        y[0] = NAN;
    else
        y[0] = x[2] != 0.0 ? (a / x[2]) * 100.0 : 0.0;
}
MT_IND_RUN(natr, struct atr, atr_init, natr_step, 3, 1)

struct trange {
    struct ind_tr tr;
};
MT_IND_FIXED_SIZE(trange, struct trange)

static void trange_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct trange *st = state;
    ind_tr_init(&st->tr);
}

static inline void trange_step(struct trange *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_tr_step(&st->tr, x[0], x[1], x[2]);
}
MT_IND_RUN(trange, struct trange, trange_init, trange_step, 3, 1)

/* ---- STDDEV (nbdev x population standard deviation) and VAR (population
 * variance), TA-Lib's running sums; a variance <= 0 is 0 ---- */

static inline void stddev_step(struct rvar *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)t;
    double mean, var;
    y[0] = ind_var_step(&st->v, x[0], &mean, &var) ? sqrt(var) * c->opt[1] : NAN;
}
MT_IND_RUN(stddev, struct rvar, rvar_init, stddev_step, 1, 1)

static inline void var_step(struct rvar *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mean, var;
    y[0] = ind_var_step(&st->v, x[0], &mean, &var) ? var : NAN;
}
MT_IND_RUN(var, struct rvar, rvar_init, var_step, 1, 1)

/* ---- z-score, skewness, kurtosis: central moments of the window, two
 * passes per bar (exact at any price level, no drift of running sums) ---- */

/* Mean of the full window w and the sums s[] of the 2nd, 3rd and 4th powers
 * of the deviations from it (summed in buffer order: the result depends only
 * on the window's state, so streaming equals batch); false when all the
 * values are equal (no dispersion). */
static bool win_moments(const struct ind_win *w, double *mean, double *s)
{
    const double *v = w->v, newest = ind_win_ago(w, 0);
    double sum = 0;
    bool flat = true;
    for (int i = 0; i < w->cap; i++) {
        sum += v[i];
        flat &= v[i] == newest;
    }
    if (flat)
        return false;
    double m = sum / w->cap, s2 = 0, s3 = 0, s4 = 0;
    for (int i = 0; i < w->cap; i++) {
        double d = v[i] - m, d2 = d * d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    s[0] = s2;
    s[1] = s3;
    s[2] = s4;
    *mean = m;
    return true;
}

/* Adds x to the window; false during the warm-up. */
static inline bool win_feed(struct win *st, double x)
{
    double gone;
    ind_win_push(&st->w, x, &gone);
    return ind_win_full(&st->w);
}

/* (x - mean) / population standard deviation; NaN on a flat window. */
static inline void zscore_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mean, s[3];
    y[0] = win_feed(st, x[0]) && win_moments(&st->w, &mean, s) ? (x[0] - mean) / sqrt(s[0] / st->w.cap) : NAN;
}
MT_IND_RUN(zscore, struct win, win_init, zscore_step, 1, 1)

/* Adjusted Fisher-Pearson sample skewness sqrt(n(n-1))/(n-2) m3/m2^1.5 as
 * pandas rolling skew(); 0 on a flat window as pandas. */
static inline void skew_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mean, s[3];
    if (!win_feed(st, x[0])) {
        y[0] = NAN;
        return;
    }
    if (!win_moments(&st->w, &mean, s)) {
        y[0] = 0.0;
        return;
    }
    double n = st->w.cap, b = s[0] / n, r = sqrt(b);
    y[0] = sqrt(n * (n - 1.0)) * (s[1] / n) / ((n - 2.0) * r * r * r);
}
MT_IND_RUN(skew, struct win, win_init, skew_step, 1, 1)

/* Unbiased excess kurtosis ((n^2-1) m4/m2^2 - 3(n-1)^2) / ((n-2)(n-3)) as
 * pandas rolling kurt(); -3 on a flat window as pandas. */
static inline void kurtosis_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double mean, s[3];
    if (!win_feed(st, x[0])) {
        y[0] = NAN;
        return;
    }
    if (!win_moments(&st->w, &mean, s)) {
        y[0] = -3.0;
        return;
    }
    double n = st->w.cap, b = s[0] / n;
    y[0] = ((n * n - 1.0) * (s[2] / n) / (b * b) - 3.0 * (n - 1.0) * (n - 1.0)) / ((n - 2.0) * (n - 3.0));
}
MT_IND_RUN(kurtosis, struct win, win_init, kurtosis_step, 1, 1)

/* ---- linear regression of the window on time (TA-Lib LINEARREG*: the sums
 * are taken afresh over the window each bar, x = bars ago) ---- */

/* Slope *m per bar and intercept *b (the fitted value at the oldest bar). */
static void linreg_fit(const struct ind_win *w, double *m, double *b)
{
    double n = w->cap;
    double sum_x = n * (n - 1.0) * 0.5, sum_xx = n * (n - 1.0) * (2.0 * n - 1.0) / 6.0;
    double divisor = sum_x * sum_x - n * sum_xx, sum_y = 0, sum_xy = 0;
    for (int ago = w->cap - 1; ago >= 0; ago--) {
        double v = ind_win_ago(w, ago);
        sum_y += v;
        sum_xy += (double)ago * v;
    }
    *m = (n * sum_xy - sum_x * sum_y) / divisor;
    *b = (sum_y - *m * sum_x) / n;
}

/* Feeds x and fits; false during the warm-up. */
static inline bool linreg_feed(struct win *st, double x, double *m, double *b)
{
    if (!win_feed(st, x))
        return false;
    linreg_fit(&st->w, m, b);
    return true;
}

static inline void linearreg_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    double m, b;
    y[0] = linreg_feed(st, x[0], &m, &b) ? b + m * (double)(st->w.cap - 1) : NAN;
}
MT_IND_RUN(linearreg, struct win, win_init, linearreg_step, 1, 1)

static inline void linearreg_slope_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                        double *y)
{
    (void)c;
    (void)t;
    double m, b;
    y[0] = linreg_feed(st, x[0], &m, &b) ? m : NAN;
}
MT_IND_RUN(linearreg_slope, struct win, win_init, linearreg_slope_step, 1, 1)

static inline void linearreg_intercept_step(struct win *st, const struct mt_ind_ctx *c, const double *x,
                                            int64_t t, double *y)
{
    (void)c;
    (void)t;
    double m, b;
    y[0] = linreg_feed(st, x[0], &m, &b) ? b : NAN;
}
MT_IND_RUN(linearreg_intercept, struct win, win_init, linearreg_intercept_step, 1, 1)

static inline void linearreg_angle_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                        double *y)
{
    (void)c;
    (void)t;
    double m, b;
    y[0] = linreg_feed(st, x[0], &m, &b) ? atan(m) * (180.0 / M_PI) : NAN;
}
MT_IND_RUN(linearreg_angle, struct win, win_init, linearreg_angle_step, 1, 1)

static inline void tsf_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double m, b;
    y[0] = linreg_feed(st, x[0], &m, &b) ? b + m * (double)st->w.cap : NAN;
}
MT_IND_RUN(tsf, struct win, win_init, tsf_step, 1, 1)

/* R² = S_ty^2 / (S_tt S_yy) with centred sums (t = bar index in the window);
 * NaN on a flat window (0/0). */
static inline void r2_step(struct win *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double mean, s[3];
    if (!win_feed(st, x[0]) || !win_moments(&st->w, &mean, s)) {
        y[0] = NAN;
        return;
    }
    double n = st->w.cap, t_mean = (n - 1.0) / 2.0, s_ty = 0;
    for (int ago = st->w.cap - 1; ago >= 0; ago--)
        s_ty += ((n - 1.0 - ago) - t_mean) * (ind_win_ago(&st->w, ago) - mean);
    double s_tt = n * (n * n - 1.0) / 12.0;
    y[0] = s_ty * s_ty / (s_tt * s[0]);
}
MT_IND_RUN(r2, struct win, win_init, r2_step, 1, 1)

/* ---- CORREL and BETA: running sums over a window of pairs ---- */

/* Windows of the last n pairs (x, y) and the running sums of x, y, x², y², xy. */
struct pair_sums {
    struct ind_win wx, wy;
    double sx, sy, sxx, syy, sxy;
};

/* Takes 2 n doubles at *p. */
static void pair_sums_init(struct pair_sums *s, unsigned char **p, int n)
{
    ind_win_init(&s->wx, ind_carve(p, (size_t)n), n);
    ind_win_init(&s->wy, ind_carve(p, (size_t)n), n);
    s->sx = s->sy = s->sxx = s->syy = s->sxy = 0;
}

/* Adds the pair (x, y), the pair leaving taken out of the sums first (TA-Lib's
 * order of operations); false until the windows are full. */
static inline bool pair_sums_feed(struct pair_sums *s, double x, double y)
{
    double gx = 0, gy = 0;
    bool full = ind_win_push(&s->wx, x, &gx);
    ind_win_push(&s->wy, y, &gy); /* filled in step with wx */
    if (full) {
        s->sx -= gx;
        s->sxx -= gx * gx;
        s->sxy -= gx * gy;
        s->sy -= gy;
        s->syy -= gy * gy;
    }
    s->sx += x;
    s->sxx += x * x;
    s->sxy += x * y;
    s->sy += y;
    s->syy += y * y;
    return ind_win_full(&s->wx);
}

/* CORREL: Pearson correlation of two inputs (TA-Lib); 0 when a window has
 * no variance (TA-Lib's value; its cut-off is 1e-14, ours 0). */
struct correl {
    struct pair_sums s;
};

MT_IND_PERIOD_SIZE(correl, struct correl, 2)

static void correl_init(void *state, const struct mt_ind_ctx *c)
{
    struct correl *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    pair_sums_init(&st->s, &p, ind_iopt(c, 0));
}

static inline void correl_step(struct correl *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)c;
    (void)t;
    struct pair_sums *s = &st->s;
    if (!pair_sums_feed(s, x[0], x[1])) {
        y[0] = NAN;
        return;
    }
    double n = s->wx.cap;
    double d = (s->sxx - (s->sx * s->sx) / n) * (s->syy - (s->sy * s->sy) / n);
    y[0] = d > 0 ? (s->sxy - (s->sx * s->sy) / n) / sqrt(d) : 0.0;
}
MT_IND_RUN(correl, struct correl, correl_init, correl_step, 2, 1)

/* BETA: regression slope of the returns of input 1 on those of input 0 (the
 * benchmark), cov / var(input 0 returns), over period returns. As TA-Lib, a
 * zero price gives a 0 return and a zero denominator a 0 beta, zero meaning
 * below TA-Lib's epsilon 1e-14 (returns are scale-free). */
struct beta {
    struct pair_sums s; /* over the returns */
    double prev_x, prev_y;
    bool have_prev;
};

MT_IND_PERIOD_SIZE(beta, struct beta, 2)

static void beta_init(void *state, const struct mt_ind_ctx *c)
{
    struct beta *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    pair_sums_init(&st->s, &p, ind_iopt(c, 0));
    st->prev_x = st->prev_y = 0;
    st->have_prev = false;
}

static inline bool ta_is_zero(double v)
{
    return -1e-14 < v && v < 1e-14;
}

/* Simple return from prev to v, 0 when prev is (TA-Lib) zero. */
static inline double ta_return(double prev, double v)
{
    return ta_is_zero(prev) ? 0.0 : (v - prev) / prev;
}

static inline void beta_step(struct beta *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double px = st->prev_x, py = st->prev_y;
    bool have = st->have_prev;
    st->prev_x = x[0];
    st->prev_y = x[1];
    st->have_prev = true;
    struct pair_sums *s = &st->s;
    if (!have || !pair_sums_feed(s, ta_return(px, x[0]), ta_return(py, x[1]))) {
        y[0] = NAN;
        return;
    }
    double n = s->wx.cap, d = (n * s->sxx) - (s->sx * s->sx);
    y[0] = ta_is_zero(d) ? 0.0 : ((n * s->sxy) - (s->sx * s->sy)) / d;
}
MT_IND_RUN(beta, struct beta, beta_init, beta_step, 2, 1)

/* ---- log return ln(x_t / x_{t-period}); NaN unless both are > 0 ---- */

struct logret {
    struct ind_win w; /* the last period + 1 values */
};

static size_t logret_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct logret), (size_t)ind_iopt(c, 0) + 1);
}

static void logret_init(void *state, const struct mt_ind_ctx *c)
{
    struct logret *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_win_init(&st->w, ind_carve(&p, (size_t)ind_iopt(c, 0) + 1), ind_iopt(c, 0) + 1);
}

static inline void logret_step(struct logret *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)c;
    (void)t;
    double gone;
    ind_win_push(&st->w, x[0], &gone);
    double old = ind_win_full(&st->w) ? ind_win_ago(&st->w, st->w.cap - 1) : NAN;
    y[0] = old > 0 && x[0] > 0 ? log(x[0] / old) : NAN;
}
MT_IND_RUN(logret, struct logret, logret_init, logret_step, 1, 1)

/* ---- price transforms (TA-Lib AVGPRICE, MEDPRICE, TYPPRICE, WCLPRICE) ---- */

/* Inputs open, high, low, close. */
static inline void avgprice_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)t;
    y[0] = (x[1] + x[2] + x[3] + x[0]) / 4;
}
MT_IND_RUN(avgprice, struct ind_stateless, ind_stateless_init, avgprice_step, 4, 1)

static inline void medprice_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)t;
    y[0] = (x[0] + x[1]) / 2.0;
}
MT_IND_RUN(medprice, struct ind_stateless, ind_stateless_init, medprice_step, 2, 1)

static inline void typprice_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)t;
    y[0] = (x[0] + x[1] + x[2]) / 3.0;
}
MT_IND_RUN(typprice, struct ind_stateless, ind_stateless_init, typprice_step, 3, 1)

static inline void wclprice_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)t;
    y[0] = (x[0] + x[1] + (x[2] * 2.0)) / 4.0;
}
MT_IND_RUN(wclprice, struct ind_stateless, ind_stateless_init, wclprice_step, 3, 1)

/* ---- the table ---- */

#define BANDS_OUT {"upper", "middle", "lower"}
#define BB_OPTS {IND_PERIOD(20, 2), NBDEV("nbdevup", 2), NBDEV("nbdevdn", 2)}

const struct mt_ind_def mt_ind_fam_volatility[] = {
    {"bbands", "volatility", "Bollinger bands: SMA(n) ± nbdev population standard deviations", 1, 3, 3, IND_C, BB_OPTS,
     BANDS_OUT, ind_lookback_period_minus_1, rvar_size, rvar_init, bbands_run, NULL},
    {"bb_pctb", "volatility", "Bollinger %B: (x - lower) / (upper - lower), NaN on a zero-width band", 1, 3, 1, IND_C,
     BB_OPTS, IND_ONE_OUT, ind_lookback_period_minus_1, rvar_size, rvar_init, bb_pctb_run, NULL},
    {"bb_width", "volatility", "Bollinger band width: (upper - lower) / middle", 1, 3, 1, IND_C, BB_OPTS, IND_ONE_OUT,
     ind_lookback_period_minus_1, rvar_size, rvar_init, bb_width_run, NULL},
    {"keltner", "volatility", "Keltner channel: EMA(period) of close ± mult × ATR(atr_period)", 3, 3, 3, IND_HLC,
     {IND_PERIOD(20, 1), {"atr_period", 10, 1, 100000, true}, {"mult", 2, 0, 100, false}}, BANDS_OUT,
     keltner_lookback, keltner_size, keltner_init, keltner_run, NULL},
    {"donchian", "volatility", "Donchian channel: highest high, midpoint, lowest low over n", 2, 1, 3, IND_HL,
     {IND_PERIOD(20, 1)}, BANDS_OUT, ind_lookback_period_minus_1, donchian_size, donchian_init, donchian_run, NULL},
    {"atr", "volatility", "average true range (Wilder), seeded with the SMA of the first n true ranges", 3, 1, 1,
     IND_HLC, {IND_PERIOD(14, 1)}, IND_ONE_OUT, ind_lookback_period, atr_size, atr_init, atr_run, NULL},
    {"natr", "volatility", "normalised ATR: 100 ATR / close", 3, 1, 1, IND_HLC, {IND_PERIOD(14, 1)}, IND_ONE_OUT,
     ind_lookback_period, atr_size, atr_init, natr_run, NULL},
    {"trange", "volatility", "true range: max(high, previous close) - min(low, previous close)", 3, 0, 1, IND_HLC, {},
     IND_ONE_OUT, ind_lookback_one, trange_size, trange_init, trange_run, NULL},
    {"stddev", "statistics", "rolling population standard deviation × nbdev", 1, 2, 1, IND_C,
     {IND_PERIOD(5, 2), NBDEV("nbdev", 1)}, IND_ONE_OUT, ind_lookback_period_minus_1, rvar_size, rvar_init, stddev_run,
     NULL},
    {"var", "statistics", "rolling population variance", 1, 1, 1, IND_C, {IND_PERIOD(5, 1)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, rvar_size, rvar_init, var_run, NULL},
    {"zscore", "statistics", "rolling z-score (x - mean) / population stddev, NaN on a flat window", 1, 1, 1, IND_C,
     {IND_PERIOD(20, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, zscore_run, NULL},
    {"skew", "statistics", "rolling sample skewness (adjusted Fisher-Pearson, as pandas rolling skew)", 1, 1, 1,
     IND_C, {IND_PERIOD(20, 3)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, skew_run, NULL},
    {"kurtosis", "statistics", "rolling excess kurtosis (unbiased, as pandas rolling kurt)", 1, 1, 1, IND_C,
     {IND_PERIOD(20, 4)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, kurtosis_run, NULL},
    {"linearreg", "regression", "linear regression of the last n values on time, value at the newest bar", 1, 1,
     1, IND_C, {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, linearreg_run, NULL},
    {"linearreg_slope", "regression", "slope per bar of the linear regression over n", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, linearreg_slope_run, NULL},
    {"linearreg_intercept", "regression", "linear regression over n, fitted value at the oldest bar", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, linearreg_intercept_run, NULL},
    {"linearreg_angle", "regression", "angle in degrees of the linear regression slope, atan(slope)", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, linearreg_angle_run, NULL},
    {"tsf", "regression", "time series forecast: the linear regression over n extended one bar ahead", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, tsf_run, NULL},
    {"r2", "regression", "R² of the linear regression of the last n values on time, NaN on a flat window", 1, 1, 1,
     IND_C, {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, win_size, win_init, r2_run, NULL},
    {"correl", "statistics", "Pearson correlation of two inputs over n (0 without variance)", 2, 1, 1, IND_HL,
     {IND_PERIOD(30, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, correl_size, correl_init, correl_run, NULL},
    {"beta", "statistics", "beta over n returns: cov(r0, r1) / var(r0), input 0 being the benchmark", 2,
     1, 1, IND_HL, {IND_PERIOD(5, 1)}, IND_ONE_OUT, ind_lookback_period, beta_size, beta_init, beta_run, NULL},
    {"log_return", "statistics", "log return ln(x / x period bars ago), NaN unless both are positive", 1, 1, 1, IND_C,
     {IND_PERIOD(1, 1)}, IND_ONE_OUT, ind_lookback_period, logret_size, logret_init, logret_run, NULL},
    {"avgprice", "price", "average price (open + high + low + close) / 4", 4, 0, 1,
     {MT_IN_OPEN, MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}, {}, IND_ONE_OUT, ind_lookback_zero, ind_stateless_size,
     ind_stateless_init, avgprice_run, NULL},
    {"medprice", "price", "median price (high + low) / 2", 2, 0, 1, IND_HL, {}, IND_ONE_OUT, ind_lookback_zero,
     ind_stateless_size, ind_stateless_init, medprice_run, NULL},
    {"typprice", "price", "typical price (high + low + close) / 3", 3, 0, 1, IND_HLC, {}, IND_ONE_OUT,
     ind_lookback_zero, ind_stateless_size, ind_stateless_init, typprice_run, NULL},
    {"wclprice", "price", "weighted close price (high + low + 2 close) / 4", 3, 0, 1, IND_HLC, {}, IND_ONE_OUT,
     ind_lookback_zero, ind_stateless_size, ind_stateless_init, wclprice_run, NULL},
};

const size_t mt_ind_fam_volatility_n = sizeof mt_ind_fam_volatility / sizeof mt_ind_fam_volatility[0];
