/* Momentum oscillators: RSI, StochRSI, stochastics (slow, fast, full), %R,
 * CCI, CMO, MFI, rate of change and momentum, TRIX, ultimate oscillator,
 * MACD, PPO, APO, balance of power. TA-Lib definitions, seeding, lookbacks
 * and order of operations (TA-Lib's default unstable period 0, SMA where
 * TA-Lib takes an MA type). */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* ---- RSI and CMO ---- */

struct rsi {
    struct ind_gainloss g;
};
MT_IND_FIXED_SIZE(rsi, struct rsi)

static void rsi_init(void *state, const struct mt_ind_ctx *c)
{
    struct rsi *st = state;
    ind_gainloss_init(&st->g, ind_iopt(c, 0));
}

static inline void rsi_step(struct rsi *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_gainloss_step(&st->g, x[0]) ? ind_gainloss_rsi(&st->g) : NAN;
}
MT_IND_RUN(rsi, struct rsi, rsi_init, rsi_step, 1, 1)

static inline void cmo_step(struct rsi *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    if (!ind_gainloss_step(&st->g, x[0])) {
        y[0] = NAN;
        return;
    }
    double s = st->g.gain + st->g.loss;
    y[0] = ind_ta_zero(s) ? 0.0 : 100.0 * ((st->g.gain - st->g.loss) / s);
}
MT_IND_RUN(cmo, struct rsi, rsi_init, cmo_step, 1, 1)

/* ---- stochastics: %K = position of the close in the high-low range of
 * k bars; smoothed by SMAs ---- */

struct stoch {
    struct ind_stoch k;
    struct ind_sma s1, s2; /* stoch: slow %K and slow %D; stochf/stochrsi: %D (s1) */
    struct ind_gainloss g;     /* stochrsi only */
};

/* Options [k, p1, p2] (stoch, stoch_full), [k, p1] (stochf) or [rsi, k, p1] (stochrsi). */
static size_t stoch_size_for(int k, int p1, int p2)
{
    return ind_size(sizeof(struct stoch), 4 * (size_t)k + (size_t)p1 + (size_t)p2);
}

static void stoch_init_for(struct stoch *st, int k, int p1, int p2)
{
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_stoch_init(&st->k, ind_carve(&p, 4 * (size_t)k), k);
    ind_sma_init(&st->s1, ind_carve(&p, (size_t)p1), p1);
    if (p2 > 0)
        ind_sma_init(&st->s2, ind_carve(&p, (size_t)p2), p2);
}

/* Fast %K of (high, low, x) and its SMA %D into y[0], y[1]; both NaN until %D has a value. */
static inline void stoch_fast(struct stoch *st, double high, double low, double x, double *y)
{
    double k = ind_stoch_step(&st->k, high, low, x);
    double d = isnan(k) ? NAN : ind_sma_step(&st->s1, k);
    y[0] = isnan(d) ? NAN : k;
    y[1] = d;
}

static size_t stoch_size(const struct mt_ind_ctx *c)
{
    return stoch_size_for(ind_iopt(c, 0), ind_iopt(c, 1), ind_iopt(c, 2));
}

static void stoch_init(void *state, const struct mt_ind_ctx *c)
{
    stoch_init_for(state, ind_iopt(c, 0), ind_iopt(c, 1), ind_iopt(c, 2));
}

static inline void stoch_step(struct stoch *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double k = ind_stoch_step(&st->k, x[0], x[1], x[2]);
    double sk = isnan(k) ? NAN : ind_sma_step(&st->s1, k);
    double sd = isnan(sk) ? NAN : ind_sma_step(&st->s2, sk);
    y[0] = isnan(sd) ? NAN : sk;
    y[1] = sd;
}
MT_IND_RUN(stoch, struct stoch, stoch_init, stoch_step, 3, 2)

static int stoch_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) - 1 + ind_iopt(c, 1) - 1 + ind_iopt(c, 2) - 1;
}

static size_t stochf_size(const struct mt_ind_ctx *c)
{
    return stoch_size_for(ind_iopt(c, 0), ind_iopt(c, 1), 0);
}

static void stochf_init(void *state, const struct mt_ind_ctx *c)
{
    stoch_init_for(state, ind_iopt(c, 0), ind_iopt(c, 1), 0);
}

static inline void stochf_step(struct stoch *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)c;
    (void)t;
    stoch_fast(st, x[0], x[1], x[2], y);
}
MT_IND_RUN(stochf, struct stoch, stochf_init, stochf_step, 3, 2)

static int stochf_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) - 1 + ind_iopt(c, 1) - 1;
}

/* StochRSI: the fast stochastic of RSI (the RSI is its own high, low and close). */
static size_t stochrsi_size(const struct mt_ind_ctx *c)
{
    return stoch_size_for(ind_iopt(c, 1), ind_iopt(c, 2), 0);
}

static void stochrsi_init(void *state, const struct mt_ind_ctx *c)
{
    struct stoch *st = state;
    stoch_init_for(st, ind_iopt(c, 1), ind_iopt(c, 2), 0);
    ind_gainloss_init(&st->g, ind_iopt(c, 0));
}

static inline void stochrsi_step(struct stoch *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    if (!ind_gainloss_step(&st->g, x[0])) {
        y[0] = y[1] = NAN;
        return;
    }
    double r = ind_gainloss_rsi(&st->g);
    stoch_fast(st, r, r, r, y);
}
MT_IND_RUN(stochrsi, struct stoch, stochrsi_init, stochrsi_step, 1, 2)

static int stochrsi_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) + ind_iopt(c, 1) - 1 + ind_iopt(c, 2) - 1;
}

/* ---- Williams %R: -100 (highest high - close) / (highest high - lowest low) ---- */

struct willr {
    struct ind_range r;
};

MT_IND_PERIOD_SIZE(willr, struct willr, 4)

static void willr_init(void *state, const struct mt_ind_ctx *c)
{
    struct willr *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
}

static inline void willr_step(struct willr *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    if (!ind_range_step(&st->r, x[0], x[1], &hh, &ll)) {
        y[0] = NAN;
        return;
    }
    double diff = (hh - ll) / -100.0;
    y[0] = diff != 0.0 ? (hh - x[2]) / diff : 0.0;
}
MT_IND_RUN(willr, struct willr, willr_init, willr_step, 3, 1)

/* ---- CCI: (typical - mean) / (0.015 mean absolute deviation) over n ---- */

struct cci {
    struct ind_win w; /* typical prices */
};

MT_IND_PERIOD_SIZE(cci, struct cci, 1)

static void cci_init(void *state, const struct mt_ind_ctx *c)
{
    struct cci *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_win_init(&st->w, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

static inline void cci_step(struct cci *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double tp = (x[0] + x[1] + x[2]) / 3, gone;
    ind_win_push(&st->w, tp, &gone);
    if (!ind_win_full(&st->w)) {
        y[0] = NAN;
        return;
    }
    /* Sums in buffer-slot order: the window's slots are TA-Lib's circular
     * buffer (slot = bars since the start mod n), so the sums round alike. */
    int n = st->w.cap;
    double mean = 0, dev = 0;
    for (int j = 0; j < n; j++)
        mean += st->w.v[j];
    mean /= n;
    for (int j = 0; j < n; j++)
        dev += fabs(st->w.v[j] - mean);
    double d = tp - mean;
    y[0] = d != 0.0 && dev != 0.0 ? d / (0.015 * (dev / n)) : 0.0;
}
MT_IND_RUN(cci, struct cci, cci_init, cci_step, 3, 1)

/* ---- MFI: 100 positive money flow / total money flow over n changes of
 * the typical price (money flow = typical x volume) ---- */

struct mfi {
    struct ind_sma pos, neg; /* their running sums are the flows */
    double prev;             /* previous typical price */
    bool started;
};

MT_IND_PERIOD_SIZE(mfi, struct mfi, 2)

static void mfi_init(void *state, const struct mt_ind_ctx *c)
{
    struct mfi *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->pos, ind_carve(&p, (size_t)n), n);
    ind_sma_init(&st->neg, ind_carve(&p, (size_t)n), n);
    st->prev = 0;
    st->started = false;
}

static inline void mfi_step(struct mfi *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double tp = (x[0] + x[1] + x[2]) / 3.0, d = tp - st->prev;
    st->prev = tp;
    if (!st->started) {
        st->started = true;
        y[0] = NAN;
        return;
    }
    double flow = tp * x[3];
    ind_sma_step(&st->pos, d > 0 ? flow : 0.0);
    ind_sma_step(&st->neg, d < 0 ? flow : 0.0);
    if (!ind_win_full(&st->pos.w)) {
        y[0] = NAN;
        return;
    }
    double total = st->pos.sum + st->neg.sum;
    y[0] = total < 1.0 ? 0.0 : 100.0 * (st->pos.sum / total); /* TA-Lib: 0 below a total flow of 1 */
}
MT_IND_RUN(mfi, struct mfi, mfi_init, mfi_step, 4, 1)

/* ---- ROC, ROCP, ROCR, ROCR100, MOM: the value against the one n bars back ---- */

struct lag {
    struct ind_win w; /* the last n + 1 values */
};

static size_t lag_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct lag), (size_t)ind_iopt(c, 0) + 1);
}

static void lag_init(void *state, const struct mt_ind_ctx *c)
{
    struct lag *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_win_init(&st->w, ind_carve(&p, (size_t)ind_iopt(c, 0) + 1), ind_iopt(c, 0) + 1);
}

/* Adds x; the value n bars back, NaN until there is one. */
static inline double lag_step(struct lag *st, double x)
{
    double gone;
    ind_win_push(&st->w, x, &gone);
    return ind_win_full(&st->w) ? ind_win_ago(&st->w, st->w.cap - 1) : NAN;
}

/* Defines the step of a lag entry computing EXPR from x and p (the value n
 * bars back); TA-Lib's ratios are 0 when p is 0. */
#define LAG_ENTRY(NAME, EXPR)                                                                              \
    static inline void NAME##_step(struct lag *st, const struct mt_ind_ctx *c, const double *in, int64_t t, \
                                   double *y)                                                              \
    {                                                                                                      \
        (void)c;                                                                                           \
        (void)t;                                                                                           \
        double x = in[0], p = lag_step(st, x);                                                             \
        y[0] = isnan(p) ? NAN : (EXPR);                                                                    \
    }                                                                                                      \
    MT_IND_RUN(NAME, struct lag, lag_init, NAME##_step, 1, 1)

LAG_ENTRY(roc, p != 0.0 ? ((x / p) - 1.0) * 100.0 : 0.0)
LAG_ENTRY(rocp, p != 0.0 ? (x - p) / p : 0.0)
LAG_ENTRY(rocr, p != 0.0 ? x / p : 0.0)
LAG_ENTRY(rocr100, p != 0.0 ? (x / p) * 100.0 : 0.0)
LAG_ENTRY(mom, x - p)

/* ---- TRIX: one-bar ROC of a triple EMA ---- */

struct trix {
    struct ind_ema e[3];
    double prev; /* previous triple EMA */
    bool have_prev;
};
MT_IND_FIXED_SIZE(trix, struct trix)

static void trix_init(void *state, const struct mt_ind_ctx *c)
{
    struct trix *st = state;
    for (int k = 0; k < 3; k++)
        ind_ema_init(&st->e[k], ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    st->prev = 0;
    st->have_prev = false;
}

static inline void trix_step(struct trix *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double v = x[0];
    for (int k = 0; k < 3 && !isnan(v); k++)
        v = ind_ema_step(&st->e[k], v);
    y[0] = NAN;
    if (isnan(v))
        return;
    if (st->have_prev)
        y[0] = st->prev != 0.0 ? ((v / st->prev) - 1.0) * 100.0 : 0.0;
    st->prev = v;
    st->have_prev = true;
}
MT_IND_RUN(trix, struct trix, trix_init, trix_step, 1, 1)

static int trix_lookback(const struct mt_ind_ctx *c)
{
    return 3 * (ind_iopt(c, 0) - 1) + 1;
}

/* ---- ultimate oscillator: buying pressure (close - true low) over true
 * range, summed over three periods and weighted 4:2:1 ---- */

struct ultosc {
    struct ind_tr tr;
    struct ind_sma bp[3], range[3]; /* their running sums */
    int bar;                        /* bars seen, stops counting at the longest period */
};

static size_t ultosc_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct ultosc), 2 * (size_t)(ind_iopt(c, 0) + ind_iopt(c, 1) + ind_iopt(c, 2)));
}

static void ultosc_init(void *state, const struct mt_ind_ctx *c)
{
    struct ultosc *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    for (int k = 0; k < 3; k++) {
        int n = ind_iopt(c, k);
        ind_sma_init(&st->bp[k], ind_carve(&p, (size_t)n), n);
        ind_sma_init(&st->range[k], ind_carve(&p, (size_t)n), n);
    }
    ind_tr_init(&st->tr);
    st->bar = 0;
}

static inline void ultosc_step(struct ultosc *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)t;
    double prev_close = st->tr.prev_close;
    double tr = ind_tr_step(&st->tr, x[0], x[1], x[2]);
    int longest = ind_iopt(c, 2), bar = st->bar;
    if (st->bar < longest)
        st->bar++;
    y[0] = NAN;
    if (isnan(tr))
        return;
    double true_low = x[1] < prev_close ? x[1] : prev_close;
    /* Each sum starts where TA-Lib starts it: period bars before the first value. */
    for (int k = 0; k < 3; k++) {
        if (bar >= longest - ind_iopt(c, k) + 1) {
            ind_sma_step(&st->bp[k], x[2] - true_low);
            ind_sma_step(&st->range[k], tr);
        }
    }
    if (bar < longest)
        return;
    static const double weight[3] = {4.0, 2.0, 1.0};
    double v = 0.0;
    for (int k = 0; k < 3; k++)
        if (!ind_ta_zero(st->range[k].sum))
            v += weight[k] * (st->bp[k].sum / st->range[k].sum);
    y[0] = 100.0 * (v / 7.0);
}
MT_IND_RUN(ultosc, struct ultosc, ultosc_init, ultosc_step, 3, 1)

static int ultosc_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 2);
}

static int ultosc_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    if (c->opt[0] <= c->opt[1] && c->opt[1] <= c->opt[2])
        return 0;
    return mt_err_set(err, MT_EINVAL,
                      "indicator ultosc: options period1 = %g, period2 = %g, period3 = %g must be in increasing "
                      "order (period1 gets weight 4)",
                      c->opt[0], c->opt[1], c->opt[2]);
}

/* ---- MACD: EMA(fast) - EMA(slow), signal EMA of it, histogram ---- */

struct macd {
    struct ind_macd m;
};
MT_IND_FIXED_SIZE(macd, struct macd)

static void macd_init(void *state, const struct mt_ind_ctx *c)
{
    struct macd *st = state;
    ind_macd_init(&st->m, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0), ind_iopt(c, 1), 2.0 / (c->opt[1] + 1.0),
                  ind_iopt(c, 2));
}

static inline void macd_step(struct macd *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    ind_macd_step(&st->m, x[0], y);
}
MT_IND_RUN(macd, struct macd, macd_init, macd_step, 1, 3)

static int macd_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) - 1 + ind_iopt(c, 2) - 1;
}

static int macd_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "macd", 0, 1, "fast", "slow");
}

/* ---- APO and PPO: SMA(fast) - SMA(slow), as a difference or a percentage ---- */

struct po {
    struct ind_sma fast, slow;
};

static size_t po_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct po), (size_t)(ind_iopt(c, 0) + ind_iopt(c, 1)));
}

static void po_init(void *state, const struct mt_ind_ctx *c)
{
    struct po *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_sma_init(&st->fast, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
    ind_sma_init(&st->slow, ind_carve(&p, (size_t)ind_iopt(c, 1)), ind_iopt(c, 1));
}

static inline void apo_step(struct po *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double f = ind_sma_step(&st->fast, x[0]), s = ind_sma_step(&st->slow, x[0]);
    y[0] = f - s;
}
MT_IND_RUN(apo, struct po, po_init, apo_step, 1, 1)

static inline void ppo_step(struct po *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double f = ind_sma_step(&st->fast, x[0]), s = ind_sma_step(&st->slow, x[0]);
    y[0] = isnan(s) ? NAN : ind_ta_zero(s) ? 0.0 : ((f - s) / s) * 100.0;
}
MT_IND_RUN(ppo, struct po, po_init, ppo_step, 1, 1)

static int po_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) - 1;
}

static int apo_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "apo", 0, 1, "fast", "slow");
}

static int ppo_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "ppo", 0, 1, "fast", "slow");
}

/* ---- balance of power: (close - open) / (high - low) ---- */

static inline void bop_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)st;
    (void)c;
    (void)t;
    double range = x[1] - x[2];
    y[0] = range < 1e-14 ? 0.0 : (x[3] - x[0]) / range; /* TA-Lib: 0 for a range of zero (or below 1e-14) */
}
MT_IND_RUN(bop, struct ind_stateless, ind_stateless_init, bop_step, 4, 1)

/* ---- the table ---- */

#define FAST_SLOW(f, s) IND_OPT("fast", (f), 2), IND_OPT("slow", (s), 2)

const struct mt_ind_def mt_ind_fam_momentum[] = {
    {"rsi", "momentum", "relative strength index (Wilder), 0..100", 1, 1, 1, IND_C, {IND_PERIOD(14, 2)}, IND_ONE_OUT,
     ind_lookback_period, rsi_size, rsi_init, rsi_run, NULL},
    {"stochrsi", "momentum", "stochastic RSI: fast %K of RSI over fastk_period, %D its SMA", 1, 3, 2, IND_C,
     {IND_PERIOD(14, 2), IND_OPT("fastk_period", 5, 1), IND_OPT("fastd_period", 3, 1)}, {"fastk", "fastd"},
     stochrsi_lookback, stochrsi_size, stochrsi_init, stochrsi_run, NULL},
    {"stoch", "momentum", "slow stochastic: %K smoothed by an SMA (slowk), its SMA (slowd)", 3, 3, 2, IND_HLC,
     {IND_OPT("fastk_period", 5, 1), IND_OPT("slowk_period", 3, 1), IND_OPT("slowd_period", 3, 1)}, {"slowk", "slowd"},
     stoch_lookback, stoch_size, stoch_init, stoch_run, NULL},
    {"stochf", "momentum", "fast stochastic: %K and its SMA %D", 3, 2, 2, IND_HLC,
     {IND_OPT("fastk_period", 5, 1), IND_OPT("fastd_period", 3, 1)}, {"fastk", "fastd"}, stochf_lookback, stochf_size,
     stochf_init, stochf_run, NULL},
    {"stoch_full", "momentum", "full stochastic: %K over k_period smoothed by an SMA (k), its SMA (d)", 3, 3, 2,
     IND_HLC, {IND_OPT("k_period", 14, 1), IND_OPT("k_smooth", 3, 1), IND_OPT("d_period", 3, 1)}, {"k", "d"},
     stoch_lookback, stoch_size, stoch_init, stoch_run, NULL},
    {"willr", "momentum", "Williams %R: -100 (highest high - close) / (highest high - lowest low)", 3, 1, 1, IND_HLC,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, willr_size, willr_init, willr_run, NULL},
    {"cci", "momentum", "commodity channel index: (typical - SMA) / (0.015 mean deviation)", 3, 1, 1, IND_HLC,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, cci_size, cci_init, cci_run, NULL},
    {"cmo", "momentum", "Chande momentum oscillator (Wilder-smoothed gains and losses), -100..100", 1, 1, 1, IND_C,
     {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period, rsi_size, rsi_init, cmo_run, NULL},
    {"mfi", "momentum", "money flow index: volume-weighted RSI of the typical price, 0..100", 4, 1, 1,
     {MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE, MT_IN_VOLUME}, {IND_PERIOD(14, 2)}, IND_ONE_OUT, ind_lookback_period,
     mfi_size, mfi_init, mfi_run, NULL},
    {"roc", "momentum", "rate of change in percent: (x / x[n] - 1) 100", 1, 1, 1, IND_C, {IND_PERIOD(10, 1)},
     IND_ONE_OUT, ind_lookback_period, lag_size, lag_init, roc_run, NULL},
    {"rocp", "momentum", "rate of change as a fraction: (x - x[n]) / x[n]", 1, 1, 1, IND_C, {IND_PERIOD(10, 1)},
     IND_ONE_OUT, ind_lookback_period, lag_size, lag_init, rocp_run, NULL},
    {"rocr", "momentum", "rate of change ratio: x / x[n]", 1, 1, 1, IND_C, {IND_PERIOD(10, 1)}, IND_ONE_OUT,
     ind_lookback_period, lag_size, lag_init, rocr_run, NULL},
    {"rocr100", "momentum", "rate of change ratio in percent: (x / x[n]) 100", 1, 1, 1, IND_C, {IND_PERIOD(10, 1)},
     IND_ONE_OUT, ind_lookback_period, lag_size, lag_init, rocr100_run, NULL},
    {"mom", "momentum", "momentum: x - x[n]", 1, 1, 1, IND_C, {IND_PERIOD(10, 1)}, IND_ONE_OUT, ind_lookback_period,
     lag_size, lag_init, mom_run, NULL},
    {"trix", "momentum", "TRIX: one-bar rate of change (percent) of a triple EMA", 1, 1, 1, IND_C, {IND_PERIOD(30, 2)},
     IND_ONE_OUT, trix_lookback, trix_size, trix_init, trix_run, NULL},
    {"ultosc", "momentum", "ultimate oscillator: buying pressure / true range over 3 periods, weighted 4:2:1", 3, 3, 1,
     IND_HLC, {IND_OPT("period1", 7, 1), IND_OPT("period2", 14, 1), IND_OPT("period3", 28, 1)}, IND_ONE_OUT,
     ultosc_lookback, ultosc_size, ultosc_init, ultosc_run, ultosc_check},
    {"macd", "momentum", "MACD: EMA(fast) - EMA(slow), signal EMA of it, histogram macd - signal", 1, 3, 3, IND_C,
     {FAST_SLOW(12, 26), IND_OPT("signal", 9, 2)}, {"macd", "signal", "hist"}, macd_lookback, macd_size, macd_init,
     macd_run, macd_check},
    {"ppo", "momentum", "percentage price oscillator: (SMA(fast) - SMA(slow)) / SMA(slow) 100", 1, 2, 1, IND_C,
     {FAST_SLOW(12, 26)}, IND_ONE_OUT, po_lookback, po_size, po_init, ppo_run, ppo_check},
    {"apo", "momentum", "absolute price oscillator: SMA(fast) - SMA(slow)", 1, 2, 1, IND_C, {FAST_SLOW(12, 26)},
     IND_ONE_OUT, po_lookback, po_size, po_init, apo_run, apo_check},
    {"bop", "momentum", "balance of power: (close - open) / (high - low)", 4, 0, 1,
     {MT_IN_OPEN, MT_IN_HIGH, MT_IN_LOW, MT_IN_CLOSE}, {{0}}, IND_ONE_OUT, ind_lookback_zero, ind_stateless_size,
     ind_stateless_init, bop_run, NULL},
};

const size_t mt_ind_fam_momentum_n = sizeof mt_ind_fam_momentum / sizeof mt_ind_fam_momentum[0];
