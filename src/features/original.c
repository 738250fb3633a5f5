/* The original system's feature families (docs/reference-system.md §2), with its
 * bugs fixed (§10): channel width, position and mid ratio (correct
 * precedence), range regime, the original's EWM ATR, ATR and drawdown
 * z-scores, EMA/HMA ratios and rates of change (full-length HMA), EMA
 * crosses and breaks, smoothed stochastic, calendar-length rates of
 * change, stochastic M/W patterns computed at every bar, trade-size and
 * trade-count z-scores, range positions, volume delta, return/delta
 * divergence, volatility-scaled rates of change, volume climax/churn,
 * engulfing, candle shape, volume-weighted wicks and round-number
 * distances. docs/features-vs-original.md lists every difference from the
 * original. */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

/* ---- channel: highest high / lowest low over n, and the sum of bar ranges ---- */

struct chan {
    struct ind_range r;
    struct ind_sma range; /* mean of high - low */
};

MT_IND_PERIOD_SIZE(chan, struct chan, 5)

static void chan_init(void *state, const struct mt_ind_ctx *c)
{
    struct chan *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
    ind_sma_init(&st->range, ind_carve(&p, (size_t)n), n);
}

/* Feeds high/low; false until n bars, else *hh and *ll set. */
static inline bool chan_feed(struct chan *st, double high, double low, double *hh, double *ll)
{
    return ind_range_step(&st->r, high, low, hh, ll);
}

static inline void chan_width_step(struct chan *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    y[0] = chan_feed(st, x[0], x[1], &hh, &ll) ? (hh - ll) / ((hh + ll) / 2.0) : NAN;
}
MT_IND_RUN(chan_width, struct chan, chan_init, chan_width_step, 2, 1)

static inline void chan_mid_step(struct chan *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    y[0] = chan_feed(st, x[0], x[1], &hh, &ll) ? x[2] / ((hh + ll) / 2.0) : NAN;
}
MT_IND_RUN(chan_mid, struct chan, chan_init, chan_mid_step, 3, 1)

static inline void chan_pos_step(struct chan *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double hh, ll;
    if (!chan_feed(st, x[0], x[1], &hh, &ll))
        y[0] = NAN;
    else
        y[0] = hh > ll ? (x[2] - ll) / (hh - ll) : 0.5; /* a flat channel: the middle */
}
MT_IND_RUN(chan_pos, struct chan, chan_init, chan_pos_step, 3, 1)

static inline void regime_step(struct chan *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)t;
    double hh, ll;
    double mean_range = ind_sma_step(&st->range, x[0] - x[1]);
    if (!chan_feed(st, x[0], x[1], &hh, &ll))
        y[0] = NAN;
    else
        y[0] = mean_range > 0 ? 100.0 * (hh - ll) / (mean_range * c->opt[0]) : 100.0;
}
MT_IND_RUN(regime, struct chan, chan_init, regime_step, 2, 1)

/* ---- the original's ATR (reference-system.md, conventions): pandas
 * ewm(com).mean() (adjust=True) of the true range max(H - L, |H - C-1|,
 * |L - C-1|), which is H - L on the first bar (pandas' row-wise max skips the
 * missing previous close); pct = ATR / ewm(com).mean() of the close, the
 * original's atr_N_pct. Not Wilder's ATR: alpha 1 / (1 + com) instead of
 * 1 / n, and normalised weights from the first bar instead of an SMA seed. ---- */

struct ewm_atr {
    struct ind_tr tr;
    struct ind_ewma atr, close;
};
MT_IND_FIXED_SIZE(ewm_atr, struct ewm_atr)

static void ewm_atr_init(void *state, const struct mt_ind_ctx *c)
{
    struct ewm_atr *st = state;
    ind_tr_init(&st->tr);
    ind_ewma_init(&st->atr, c->opt[0]);
    ind_ewma_init(&st->close, c->opt[0]);
}

static inline void ewm_atr_step(struct ewm_atr *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    bool first = !st->tr.have_prev;
    double tr = ind_tr_step(&st->tr, x[0], x[1], x[2]);
    y[0] = ind_ewma_step(&st->atr, first ? x[0] - x[1] : tr);
    y[1] = y[0] / ind_ewma_step(&st->close, x[2]);
}
MT_IND_RUN(ewm_atr, struct ewm_atr, ewm_atr_init, ewm_atr_step, 3, 2)

/* ---- z-scores of NATR and of the drawdown from the rolling highest close ---- */

struct atr_z {
    struct ind_atr atr;
    struct ind_var z;
};

MT_IND_PERIOD_SIZE(atr_z, struct atr_z, 1)

static void atr_z_init(void *state, const struct mt_ind_ctx *c)
{
    struct atr_z *st = state;
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_atr_init(&st->atr, ind_iopt(c, 1));
    ind_var_init(&st->z, ind_carve(&p, (size_t)ind_iopt(c, 0)), ind_iopt(c, 0));
}

static inline void atr_z_step(struct atr_z *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                              double *y)
{
    (void)c;
    (void)t;
    double atr = ind_atr_step(&st->atr, x[0], x[1], x[2]);
    y[0] = isnan(atr) ? NAN : ind_zscore_step(&st->z, 100.0 * atr / x[2]);
}
MT_IND_RUN(atr_z, struct atr_z, atr_z_init, atr_z_step, 3, 1)

static int atr_z_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1) + ind_iopt(c, 0) - 1;
}

struct dd_z {
    struct ind_extreme hi;
    struct ind_var z;
};

MT_IND_PERIOD_SIZE(dd_z, struct dd_z, 3)

static void dd_z_init(void *state, const struct mt_ind_ctx *c)
{
    struct dd_z *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_extreme_init(&st->hi, ind_carve(&p, 2 * (size_t)n), n, true);
    ind_var_init(&st->z, ind_carve(&p, (size_t)n), n);
}

static inline void dd_z_step(struct dd_z *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double hi = ind_extreme_step(&st->hi, x[0]);
    y[0] = isnan(hi) ? NAN : ind_zscore_step(&st->z, x[0] / hi - 1.0);
}
MT_IND_RUN(dd_z, struct dd_z, dd_z_init, dd_z_step, 1, 1)

static int dd_z_lookback(const struct mt_ind_ctx *c)
{
    return 2 * (ind_iopt(c, 0) - 1);
}

/* ---- close / EMA and close / HMA, and their 1-bar rates of change in % ---- */

struct ema_trend {
    struct ind_ema e;
    double prev;
};
MT_IND_FIXED_SIZE(ema_trend, struct ema_trend)

static void ema_trend_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema_trend *st = state;
    ind_ema_init(&st->e, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    st->prev = NAN;
}

static inline void ema_ratio_step(struct ema_trend *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    y[0] = x[0] / ind_ema_step(&st->e, x[0]);
}
MT_IND_RUN(ema_ratio, struct ema_trend, ema_trend_init, ema_ratio_step, 1, 1)

/* 100 (v / previous v - 1), NaN while there is no previous value. */
static inline double roc_of(double *prev, double v)
{
    double r = 100.0 * (v / *prev - 1.0);
    *prev = v;
    return r;
}

static inline void ema_roc_step(struct ema_trend *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    y[0] = roc_of(&st->prev, ind_ema_step(&st->e, x[0]));
}
MT_IND_RUN(ema_roc, struct ema_trend, ema_trend_init, ema_roc_step, 1, 1)

struct hma_trend {
    struct ind_hma h;
    double prev;
};

static size_t hma_trend_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct hma_trend), ind_hma_doubles(ind_iopt(c, 0)));
}

static void hma_trend_init(void *state, const struct mt_ind_ctx *c)
{
    struct hma_trend *st = state;
    ind_hma_init(&st->h, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
    st->prev = NAN;
}

static inline void hma_ratio_step(struct hma_trend *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    y[0] = x[0] / ind_hma_step(&st->h, x[0]);
}
MT_IND_RUN(hma_ratio, struct hma_trend, hma_trend_init, hma_ratio_step, 1, 1)

static inline void hma_roc_step(struct hma_trend *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    y[0] = roc_of(&st->prev, ind_hma_step(&st->h, x[0]));
}
MT_IND_RUN(hma_roc, struct hma_trend, hma_trend_init, hma_roc_step, 1, 1)

static int hma_ratio_lookback(const struct mt_ind_ctx *c)
{
    return ind_hma_lookback(ind_iopt(c, 0));
}

static int hma_roc_lookback(const struct mt_ind_ctx *c)
{
    return ind_hma_lookback(ind_iopt(c, 0)) + 1;
}

/* ---- EMA crosses: fast above slow, crossed up / down on this bar ---- */

struct ema_cross {
    struct ind_ema fast, slow;
    double was_above; /* NaN before the first comparison */
};
MT_IND_FIXED_SIZE(ema_cross, struct ema_cross)

static void ema_cross_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema_cross *st = state;
    ind_ema_init(&st->fast, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    ind_ema_init(&st->slow, ind_iopt(c, 1), 2.0 / (c->opt[1] + 1.0));
    st->was_above = NAN;
}

static inline void ema_cross_step(struct ema_cross *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    double f = ind_ema_step(&st->fast, x[0]), s = ind_ema_step(&st->slow, x[0]);
    double was = st->was_above;
    y[0] = y[1] = y[2] = NAN;
    if (isnan(s))
        return;
    double above = f > s ? 1.0 : 0.0;
    st->was_above = above;
    if (isnan(was))
        return;
    y[0] = above;
    y[1] = above > was ? 1.0 : 0.0;
    y[2] = above < was ? 1.0 : 0.0;
}
MT_IND_RUN(ema_cross, struct ema_cross, ema_cross_init, ema_cross_step, 1, 3)

static int ema_cross_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 1);
}

static int ema_cross_check(const struct mt_ind_ctx *c, struct mt_err *err)
{
    return ind_check_below(c, err, "ema_cross", 0, 1, "fast", "slow");
}

/* ---- EMA breaks: the EMA above the highest / below the lowest of its
 * previous `window` values ---- */

struct ema_break {
    struct ind_ema e;
    struct ind_range r; /* over the previous window EMA values */
    double prev;
};

static size_t ema_break_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct ema_break), 4 * (size_t)ind_iopt(c, 1));
}

static void ema_break_init(void *state, const struct mt_ind_ctx *c)
{
    struct ema_break *st = state;
    int w = ind_iopt(c, 1);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_ema_init(&st->e, ind_iopt(c, 0), 2.0 / (c->opt[0] + 1.0));
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)w), w);
    st->prev = NAN;
}

static inline void ema_break_step(struct ema_break *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    double e = ind_ema_step(&st->e, x[0]);
    double hh = NAN, ll = NAN;
    if (!isnan(st->prev)) {
        /* The extremes of the previous values, taken before this bar's EMA joins them. */
        ind_range_step(&st->r, st->prev, st->prev, &hh, &ll);
    }
    st->prev = e;
    if (isnan(e) || isnan(hh)) {
        y[0] = y[1] = NAN;
        return;
    }
    y[0] = e > hh ? 1.0 : 0.0;
    y[1] = e < ll ? 1.0 : 0.0;
}
MT_IND_RUN(ema_break, struct ema_break, ema_break_init, ema_break_step, 1, 2)

static int ema_break_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) - 1 + ind_iopt(c, 1);
}

/* ---- smoothed stochastic: EMA (alpha 1/(1+n), SMA-seeded) of the n-bar
 * stochastic %K, and its 1-bar change ---- */

struct sm_stoch {
    struct ind_stoch k;
    struct ind_ema e;
    double prev;
};

MT_IND_PERIOD_SIZE(sm_stoch, struct sm_stoch, 4)

static void sm_stoch_init(void *state, const struct mt_ind_ctx *c)
{
    struct sm_stoch *st = state;
    int n = ind_iopt(c, 0);
    ind_stoch_init(&st->k, (double *)(void *)ind_tail(st, sizeof *st), n);
    ind_ema_init(&st->e, n, 1.0 / (1.0 + n));
    st->prev = NAN;
}

static inline void sm_stoch_step(struct sm_stoch *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double k = ind_stoch_step(&st->k, x[0], x[1], x[2]);
    double v = isnan(k) ? NAN : ind_ema_step(&st->e, k);
    double prev = st->prev;
    st->prev = v;
    if (isnan(prev)) {
        y[0] = y[1] = NAN;
        return;
    }
    y[0] = v;
    y[1] = v - prev;
}
MT_IND_RUN(sm_stoch, struct sm_stoch, sm_stoch_init, sm_stoch_step, 3, 2)

static int sm_stoch_lookback(const struct mt_ind_ctx *c)
{
    return 2 * ind_iopt(c, 0) - 1;
}

/* ---- rate of change over a calendar length: `days` days of bars ---- */

struct roc_days {
    struct ind_win w; /* the last bars + 1 values */
};

static int roc_days_bars(const struct mt_ind_ctx *c)
{
    return ind_bars_in_days(c->tf, c->opt[0]);
}

static size_t roc_days_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct roc_days), (size_t)roc_days_bars(c) + 1);
}

static void roc_days_init(void *state, const struct mt_ind_ctx *c)
{
    struct roc_days *st = state;
    ind_win_init(&st->w, (double *)(void *)ind_tail(st, sizeof *st), roc_days_bars(c) + 1);
}

static inline void roc_days_step(struct roc_days *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double gone;
    ind_win_push(&st->w, x[0], &gone);
    y[0] = ind_win_full(&st->w) ? 100.0 * (x[0] / ind_win_ago(&st->w, st->w.cap - 1) - 1.0) : NAN;
}
MT_IND_RUN(roc_days, struct roc_days, roc_days_init, roc_days_step, 1, 1)

static int roc_days_lookback(const struct mt_ind_ctx *c)
{
    return roc_days_bars(c);
}

/* ---- stochastic M and W patterns, at every bar: the %K of the last n bars
 * zig-zags with reversals of at least `swing` points; W when the last three
 * turns are a low under 20, a high, a higher low under 20 and %K now rises
 * through that high; M mirrors it (highs over 80, a lower second high, %K
 * falling through the low between). 1 on the bar that completes the pattern. ---- */

struct stoch_mw {
    struct ind_stoch k;
    double turn[3];  /* the last confirmed turns, oldest first */
    int n_turns;
    double extreme;  /* the running extreme of the current leg (the lowest before the first leg) */
    double first_hi; /* the highest before the first leg */
    int dir;         /* +1 rising leg, -1 falling leg, 0 before the first swing */
    double prev_k;
};

MT_IND_PERIOD_SIZE(stoch_mw, struct stoch_mw, 4)

static void stoch_mw_init(void *state, const struct mt_ind_ctx *c)
{
    struct stoch_mw *st = state;
    ind_stoch_init(&st->k, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
    st->n_turns = 0;
    st->dir = 0;
    st->extreme = NAN;
    st->first_hi = NAN;
    st->prev_k = NAN;
}

static inline void stoch_mw_turn(struct stoch_mw *st, double v)
{
    if (st->n_turns == 3) {
        st->turn[0] = st->turn[1];
        st->turn[1] = st->turn[2];
        st->n_turns = 2;
    }
    st->turn[st->n_turns++] = v;
}

static inline void stoch_mw_step(struct stoch_mw *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)t;
    double k = ind_stoch_step(&st->k, x[0], x[1], x[2]), swing = c->opt[1];
    if (isnan(k)) {
        y[0] = y[1] = NAN;
        return;
    }
    if (st->dir == 0) {
        /* The first leg starts at the lowest or highest value before a swing away from it. */
        if (isnan(st->extreme)) {
            st->extreme = st->first_hi = k;
        } else if (k - st->extreme >= swing) {
            stoch_mw_turn(st, st->extreme);
            st->dir = 1;
            st->extreme = k;
        } else if (st->first_hi - k >= swing) {
            stoch_mw_turn(st, st->first_hi);
            st->dir = -1;
            st->extreme = k;
        } else {
            st->extreme = k < st->extreme ? k : st->extreme;
            st->first_hi = k > st->first_hi ? k : st->first_hi;
        }
    } else if (st->dir > 0 ? k > st->extreme : k < st->extreme) {
        st->extreme = k;
    } else if (fabs(k - st->extreme) >= swing) {
        stoch_mw_turn(st, st->extreme); /* the leg reversed: its extreme is a turn */
        st->dir = -st->dir;
        st->extreme = k;
    }
    double prev = st->prev_k;
    st->prev_k = k;
    y[0] = y[1] = 0.0;
    if (st->n_turns < 3 || isnan(prev))
        return;
    const double *tp = st->turn;
    /* After a W's second low the leg rises; after an M's second high it falls. */
    if (st->dir > 0 && tp[0] < 20 && tp[2] < 20 && tp[2] > tp[0] && tp[1] > tp[2] && prev <= tp[1] && k > tp[1])
        y[1] = 1.0;
    if (st->dir < 0 && tp[0] > 80 && tp[2] > 80 && tp[2] < tp[0] && tp[1] < tp[2] && prev >= tp[1] && k < tp[1])
        y[0] = 1.0;
}
MT_IND_RUN(stoch_mw, struct stoch_mw, stoch_mw_init, stoch_mw_step, 3, 2)

/* ---- RSI timing: Wilder RSI(period) under 30 after its 3-bar change was
 * negative on each of the last `bars` bars (long), or over 70 after rising
 * changes (short); 1/0 ---- */

struct rsi_timing {
    struct ind_gainloss g;
    double rsi[4];    /* the last four RSI values, newest first */
    int n_rsi;        /* RSI values seen (counting stops at 4) */
    int falling, rising; /* consecutive bars of negative / positive 3-bar changes */
};
MT_IND_FIXED_SIZE(rsi_timing, struct rsi_timing)

static void rsi_timing_init(void *state, const struct mt_ind_ctx *c)
{
    struct rsi_timing *st = state;
    ind_gainloss_init(&st->g, ind_iopt(c, 0));
    st->n_rsi = 0;
    st->falling = st->rising = 0;
}

static inline void rsi_timing_step(struct rsi_timing *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    (void)t;
    y[0] = y[1] = NAN;
    if (!ind_gainloss_step(&st->g, x[0]))
        return;
    for (int k = 3; k > 0; k--)
        st->rsi[k] = st->rsi[k - 1];
    st->rsi[0] = ind_gainloss_rsi(&st->g);
    if (st->n_rsi < 4 && ++st->n_rsi < 4)
        return;
    double change = st->rsi[0] - st->rsi[3];
    st->falling = change < 0 ? st->falling + 1 : 0;
    st->rising = change > 0 ? st->rising + 1 : 0;
    int k = ind_iopt(c, 1);
    y[0] = st->falling >= k && st->rsi[0] < 30 ? 1.0 : 0.0;
    y[1] = st->rising >= k && st->rsi[0] > 70 ? 1.0 : 0.0;
}
MT_IND_RUN(rsi_timing, struct rsi_timing, rsi_timing_init, rsi_timing_step, 1, 2)

static int rsi_timing_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) + 3;
}

/* ---- exponentially weighted z-scores: of one input, and of the average
 * trade size volume / trades smoothed by an EMA (alpha 1/6) first ---- */

struct ewz {
    struct ind_ewstat z;
    struct ind_ema smooth;
};
MT_IND_FIXED_SIZE(ewz, struct ewz)

static void ewz_init(void *state, const struct mt_ind_ctx *c)
{
    struct ewz *st = state;
    ind_ewstat_init(&st->z, c->opt[0], ind_iopt(c, 0));
    ind_ema_init(&st->smooth, 6, 1.0 / 6.0);
}

static inline void ewz_step(struct ewz *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_ewstat_z(&st->z, x[0]);
}
MT_IND_RUN(ewz, struct ewz, ewz_init, ewz_step, 1, 1)

static inline void ats_z_step(struct ewz *st, const struct mt_ind_ctx *c, const double *x, int64_t t, double *y)
{
    (void)c;
    (void)t;
    double ats = ind_ema_step(&st->smooth, x[0] / (x[1] > 1 ? x[1] : 1.0));
    y[0] = isnan(ats) ? NAN : ind_ewstat_z(&st->z, ats);
}
MT_IND_RUN(ats_z, struct ewz, ewz_init, ats_z_step, 2, 1)

static int ats_z_lookback(const struct mt_ind_ctx *c)
{
    return 5 + ind_iopt(c, 0) - 1;
}

/* ---- position of one input in its n-bar range, 0..100 (0 on a flat range) ---- */

struct range_pos {
    struct ind_stoch k;
};

MT_IND_PERIOD_SIZE(range_pos, struct range_pos, 4)

static void range_pos_init(void *state, const struct mt_ind_ctx *c)
{
    struct range_pos *st = state;
    ind_stoch_init(&st->k, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0));
}

static inline void range_pos_step(struct range_pos *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)c;
    (void)t;
    y[0] = ind_stoch_step(&st->k, x[0], x[0], x[0]);
}
MT_IND_RUN(range_pos, struct range_pos, range_pos_init, range_pos_step, 1, 1)

/* ---- close / VWMA(n), placed in its own n-bar range ---- */

struct vwma_pos {
    struct ind_vwma v;
    struct ind_stoch k;
};

MT_IND_PERIOD_SIZE(vwma_pos, struct vwma_pos, 6)

static void vwma_pos_init(void *state, const struct mt_ind_ctx *c)
{
    struct vwma_pos *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_vwma_init(&st->v, ind_carve(&p, 2 * (size_t)n), n);
    ind_stoch_init(&st->k, ind_carve(&p, 4 * (size_t)n), n);
}

static inline void vwma_pos_step(struct vwma_pos *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double v = ind_vwma_step(&st->v, x[0], x[1]);
    if (isnan(v)) { /* no volume in the window: the ratio is unknown and skipped */
        y[0] = NAN;
        return;
    }
    double r = x[0] / v;
    y[0] = ind_stoch_step(&st->k, r, r, r);
}
MT_IND_RUN(vwma_pos, struct vwma_pos, vwma_pos_init, vwma_pos_step, 2, 1)

static int vwma_pos_lookback(const struct mt_ind_ctx *c)
{
    return 2 * (ind_iopt(c, 0) - 1);
}

/* ---- volume delta from taker buys: delta = 2 taker buy - volume, and delta / volume ---- */

static inline void vol_delta_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)st;
    (void)c;
    (void)t;
    double d = 2.0 * x[1] - x[0];
    y[0] = d;
    y[1] = x[0] > 0 ? d / x[0] : 0.0;
}
MT_IND_RUN(vol_delta, struct ind_stateless, ind_stateless_init, vol_delta_step, 2, 2)

/* ---- return / volume-delta divergence: 1 when on any of the last n bars the
 * close moved against the sign of the volume delta ---- */

struct vd_div {
    double prev_close;
    int seen;          /* bars seen */
    int64_t last_div;  /* bar number of the last divergence, -1 if none */
};
MT_IND_FIXED_SIZE(vd_div, struct vd_div)

static void vd_div_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct vd_div *st = state;
    st->seen = 0;
    st->last_div = -1;
    st->prev_close = 0;
}

static inline void vd_div_step(struct vd_div *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)t;
    int bar = st->seen++;
    if (bar > 0) {
        double ret = x[0] - st->prev_close, delta = 2.0 * x[2] - x[1];
        if ((ret > 0 && delta < 0) || (ret < 0 && delta > 0))
            st->last_div = bar;
    }
    st->prev_close = x[0];
    int n = ind_iopt(c, 0);
    y[0] = bar < n ? NAN : (st->last_div > bar - n ? 1.0 : 0.0);
}
MT_IND_RUN(vd_div, struct vd_div, vd_div_init, vd_div_step, 3, 1)

/* ---- volatility-scaled rate of change: 100 (close / close `bars` ago - 1) / NATR(period) ---- */

struct vol_roc {
    struct ind_win w;
    struct ind_atr atr;
};

static size_t vol_roc_size(const struct mt_ind_ctx *c)
{
    return ind_size(sizeof(struct vol_roc), (size_t)ind_iopt(c, 0) + 1);
}

static void vol_roc_init(void *state, const struct mt_ind_ctx *c)
{
    struct vol_roc *st = state;
    ind_win_init(&st->w, (double *)(void *)ind_tail(st, sizeof *st), ind_iopt(c, 0) + 1);
    ind_atr_init(&st->atr, ind_iopt(c, 1));
}

static inline void vol_roc_step(struct vol_roc *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)c;
    (void)t;
    double gone;
    ind_win_push(&st->w, x[2], &gone);
    double atr = ind_atr_step(&st->atr, x[0], x[1], x[2]);
    if (!ind_win_full(&st->w) || isnan(atr)) {
        y[0] = NAN;
        return;
    }
    double roc = 100.0 * (x[2] / ind_win_ago(&st->w, st->w.cap - 1) - 1.0);
    y[0] = atr > 0 ? roc / (100.0 * atr / x[2]) : 0.0;
}
MT_IND_RUN(vol_roc, struct vol_roc, vol_roc_init, vol_roc_step, 3, 1)

static int vol_roc_lookback(const struct mt_ind_ctx *c)
{
    return ind_iopt(c, 0) > ind_iopt(c, 1) ? ind_iopt(c, 0) : ind_iopt(c, 1);
}

/* ---- volume climax and churn: volume at its n-bar high on an up bar (up),
 * a down bar (down), or with a body under a quarter of the range (churn);
 * volume at its n-bar low (low) ---- */

struct vol_climax {
    struct ind_range r;
};

MT_IND_PERIOD_SIZE(vol_climax, struct vol_climax, 4)

static void vol_climax_init(void *state, const struct mt_ind_ctx *c)
{
    struct vol_climax *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->r, ind_carve(&p, 4 * (size_t)n), n);
}

static inline void vol_climax_step(struct vol_climax *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                   double *y)
{
    (void)c;
    (void)t;
    double o = x[0], h = x[1], l = x[2], cl = x[3], v = x[4];
    double vmax, vmin;
    if (!ind_range_step(&st->r, v, v, &vmax, &vmin)) {
        y[0] = y[1] = y[2] = y[3] = NAN;
        return;
    }
    bool top = v >= vmax;
    y[0] = top && cl > o ? 1.0 : 0.0;
    y[1] = top && cl < o ? 1.0 : 0.0;
    y[2] = top && fabs(cl - o) <= 0.25 * (h - l) ? 1.0 : 0.0;
    y[3] = v <= vmin ? 1.0 : 0.0;
}
MT_IND_RUN(vol_climax, struct vol_climax, vol_climax_init, vol_climax_step, 5, 4)

/* ---- engulfing over n bars: an up bar opening at or below and closing at or
 * above every body of the previous n bars (bull); mirrored (bear) ---- */

struct engulf {
    struct ind_range body; /* highest body top, lowest body bottom of the previous n bars */
    double prev_top, prev_bottom;
    bool have_prev;
};

MT_IND_PERIOD_SIZE(engulf, struct engulf, 4)

static void engulf_init(void *state, const struct mt_ind_ctx *c)
{
    struct engulf *st = state;
    int n = ind_iopt(c, 0);
    unsigned char *p = ind_tail(st, sizeof *st);
    ind_range_init(&st->body, ind_carve(&p, 4 * (size_t)n), n);
    st->have_prev = false;
    st->prev_top = st->prev_bottom = 0;
}

static inline void engulf_step(struct engulf *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)c;
    (void)t;
    double o = x[0], cl = x[1];
    double top = NAN, bottom = NAN;
    if (st->have_prev) {
        ind_range_step(&st->body, st->prev_top, st->prev_bottom, &top, &bottom);
    }
    st->prev_top = o > cl ? o : cl;
    st->prev_bottom = o < cl ? o : cl;
    st->have_prev = true;
    if (isnan(top)) {
        y[0] = y[1] = NAN;
        return;
    }
    y[0] = cl > o && o <= bottom && cl >= top ? 1.0 : 0.0;
    y[1] = cl < o && o >= top && cl <= bottom ? 1.0 : 0.0;
}
MT_IND_RUN(engulf, struct engulf, engulf_init, engulf_step, 2, 2)

/* ---- candle shape as fractions of the range: signed body, upper and lower
 * wick, and the direction (+1 up, -1 down, 0 flat); 0 on a zero range ---- */

static inline void candle_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                               double *y)
{
    (void)st;
    (void)c;
    (void)t;
    double o = x[0], h = x[1], l = x[2], cl = x[3], range = h - l;
    double top = o > cl ? o : cl, bottom = o < cl ? o : cl;
    y[3] = cl > o ? 1.0 : cl < o ? -1.0 : 0.0;
    if (range <= 0) {
        y[0] = y[1] = y[2] = 0.0;
        return;
    }
    y[0] = (cl - o) / range;
    y[1] = (h - top) / range;
    y[2] = (bottom - l) / range;
}
MT_IND_RUN(candle, struct ind_stateless, ind_stateless_init, candle_step, 4, 4)

/* ---- wicks weighted by unusual volume: wick / range x |EW z-score of volume| ---- */

static inline void wick_vol_step(struct ewz *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)c;
    (void)t;
    double z = ind_ewstat_z(&st->z, x[4]);
    double o = x[0], h = x[1], l = x[2], cl = x[3], range = h - l;
    if (isnan(z)) {
        y[0] = y[1] = NAN;
        return;
    }
    double top = o > cl ? o : cl, bottom = o < cl ? o : cl;
    y[0] = range > 0 ? (h - top) / range * fabs(z) : 0.0;
    y[1] = range > 0 ? (bottom - l) / range * fabs(z) : 0.0;
}
MT_IND_RUN(wick_vol, struct ewz, ewz_init, wick_vol_step, 5, 2)

/* ---- round numbers: the smallest relative distance |x / level - 1| to a
 * level d x 10^k (d = 1..9), to a power of ten, and to a "spooky" number
 * (8, 13, 39, 69, 88, 420, 666, 888 x 10^k) ---- */

/* Powers of ten 1e-13 .. 1e13. */
static const double pow10_table[] = {1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4,
                                     1e-3,  1e-2,  1e-1,  1,     1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                     1e7,   1e8,   1e9,   1e10,  1e11, 1e12, 1e13};

/* Smallest |x / L - 1| over the levels L = m 10^k (mantissas m sorted in
 * [1, 10), every k); x in [1e-12, 1e12], else NaN. The nearest level in this
 * measure is one of the two around x, so only those are tried. */
static double round_distance(double x, const double *mant, int n_mant)
{
    if (!(x >= 1e-12 && x <= 1e12))
        return NAN;
    int e = 1; /* pow10_table[e] <= x < pow10_table[e + 1] */
    while (pow10_table[e + 1] <= x)
        e++;
    double below = mant[n_mant - 1] * pow10_table[e - 1], above = mant[0] * pow10_table[e + 1];
    for (int i = 0; i < n_mant; i++) {
        double level = mant[i] * pow10_table[e];
        if (level <= x)
            below = level;
        else if (level < above)
            above = level;
    }
    double d_below = x / below - 1.0, d_above = 1.0 - x / above;
    return d_below < d_above ? d_below : d_above;
}

static inline void round_num_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                  double *y)
{
    (void)st;
    (void)c;
    (void)t;
    /* 1..9, 1 and the spooky 8, 13, 39, 69, 88, 420, 666, 888 as mantissas. */
    static const double digits[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, one[1] = {1},
                        spooky[8] = {1.3, 3.9, 4.2, 6.66, 6.9, 8, 8.8, 8.88};
    y[0] = round_distance(x[0], digits, 9);
    y[1] = round_distance(x[0], one, 1);
    y[2] = round_distance(x[0], spooky, 8);
}
MT_IND_RUN(round_num, struct ind_stateless, ind_stateless_init, round_num_step, 1, 3)

/* ---- the table ---- */

const struct mt_ind_def mt_ind_fam_original[] = {
    {"chan_width", "original", "channel width (HH - LL) / mid, mid = (HH + LL) / 2 over n", 2, 1, 1, IND_HL,
     {IND_PERIOD(50, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, chan_size, chan_init, chan_width_run, NULL},
    {"chan_mid_ratio", "original", "close / ((HH + LL) / 2) over n (the original divided by HH + LL, then by 2)", 3, 1,
     1, IND_HLC, {IND_PERIOD(50, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, chan_size, chan_init, chan_mid_run,
     NULL},
    {"chan_pos", "original", "channel position (close - LL) / (HH - LL) over n; 0.5 on a flat channel", 3, 1, 1,
     IND_HLC, {IND_PERIOD(200, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, chan_size, chan_init, chan_pos_run, NULL},
    {"regime_osc", "original", "range regime 100 (HH - LL) / sum of bar ranges over n (100 = one-way)", 2, 1, 1, IND_HL,
     {IND_PERIOD(50, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, chan_size, chan_init, regime_run, NULL},
    {"atr_z", "original", "z-score over n of NATR(atr_period)", 3, 2, 1, IND_HLC,
     {IND_PERIOD(50, 2), {"atr_period", 10, 1, 100000, true}}, IND_ONE_OUT, atr_z_lookback, atr_z_size, atr_z_init,
     atr_z_run, NULL},
    {"ewm_atr", "original",
     "the original's ATR: pandas ewm(com) mean (adjust=True) of the true range; pct = ATR / ewm(com) of close", 3, 1,
     2, IND_HLC, {{"com", 10, 0, 100000, false}}, {"value", "pct"}, ind_lookback_zero, ewm_atr_size, ewm_atr_init,
     ewm_atr_run, NULL},
    {"dd_z", "original", "z-score over n of the drawdown close / highest close of n - 1", 1, 1, 1, IND_C,
     {IND_PERIOD(50, 2)}, IND_ONE_OUT, dd_z_lookback, dd_z_size, dd_z_init, dd_z_run, NULL},
    {"ema_ratio", "original", "close / EMA(n)", 1, 1, 1, IND_C, {IND_PERIOD(50, 2)}, IND_ONE_OUT,
     ind_lookback_period_minus_1, ema_trend_size, ema_trend_init, ema_ratio_run, NULL},
    {"ema_roc", "original", "1-bar rate of change of EMA(n) in %", 1, 1, 1, IND_C, {IND_PERIOD(50, 2)}, IND_ONE_OUT,
     ind_lookback_period, ema_trend_size, ema_trend_init, ema_roc_run, NULL},
    {"hma_ratio", "original", "close / HMA(n) (full-length Hull MA)", 1, 1, 1, IND_C,
     {{"period", 50, 4, 100000, true}}, IND_ONE_OUT, hma_ratio_lookback, hma_trend_size, hma_trend_init,
     hma_ratio_run, NULL},
    {"hma_roc", "original", "1-bar rate of change of HMA(n) in %", 1, 1, 1, IND_C, {{"period", 50, 4, 100000, true}},
     IND_ONE_OUT, hma_roc_lookback, hma_trend_size, hma_trend_init, hma_roc_run, NULL},
    {"ema_cross", "original", "EMA(fast) vs EMA(slow): above, crossed up, crossed down on this bar (1/0)", 1, 2, 3,
     IND_C, {{"fast", 12, 1, 100000, true}, {"slow", 24, 2, 100000, true}}, {"above", "up", "down"},
     ema_cross_lookback, ema_cross_size, ema_cross_init, ema_cross_run, ema_cross_check},
    {"ema_break", "original", "EMA(n) above the highest (up) / below the lowest (down) of its previous window values",
     1, 2, 2, IND_C, {{"period", 25, 1, 100000, true}, {"window", 12, 1, 100000, true}}, {"up", "down"},
     ema_break_lookback,
     ema_break_size, ema_break_init, ema_break_run, NULL},
    {"sm_stoch", "original", "stochastic %K(n) smoothed by an EMA alpha 1/(1+n); value and 1-bar change", 3, 1, 2,
     IND_HLC, {IND_PERIOD(50, 2)}, {"value", "roc"}, sm_stoch_lookback, sm_stoch_size, sm_stoch_init, sm_stoch_run,
     NULL},
    {"roc_days", "original", "rate of change in % over `days` days of bars of the series' timeframe", 1, 1, 1, IND_C,
     {{"days", 1, 0.01, 3650, false}}, IND_ONE_OUT, roc_days_lookback, roc_days_size, roc_days_init, roc_days_run,
     NULL},
    {"stoch_mw", "original", "stochastic M (double top) and W (double bottom) completed on this bar (1/0)", 3, 2, 2,
     IND_HLC, {IND_PERIOD(14, 2), {"swing", 10, 1, 100, false}}, {"m", "w"}, ind_lookback_period_minus_1, stoch_mw_size,
     stoch_mw_init, stoch_mw_run, NULL},
    {"rsi_timing", "original",
     "RSI(period) < 30 after `bars` bars of falling 3-bar change (long); > 70 after rising (short); 1/0", 1, 2, 2,
     IND_C, {{"period", 14, 2, 100000, true}, {"bars", 5, 1, 1000, true}}, {"long", "short"}, rsi_timing_lookback,
     rsi_timing_size, rsi_timing_init, rsi_timing_run, NULL},
    {"ewz", "original", "z-score of one input against its EW mean/stddev (com n), e.g. trade counts", 1, 1, 1,
     {MT_IN_TRADES}, {IND_PERIOD(50, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, ewz_size, ewz_init, ewz_run, NULL},
    {"ats_z", "original", "average trade size volume/trades, EMA alpha 1/6, EW z-score (com n)", 2, 1, 1,
     {MT_IN_VOLUME, MT_IN_TRADES}, {IND_PERIOD(50, 2)}, IND_ONE_OUT, ats_z_lookback, ewz_size, ewz_init, ats_z_run,
     NULL},
    {"range_pos", "original", "position 0..100 of one input in its n-bar range (e.g. volume, trades)", 1, 1, 1,
     {MT_IN_VOLUME}, {IND_PERIOD(50, 2)}, IND_ONE_OUT, ind_lookback_period_minus_1, range_pos_size, range_pos_init,
     range_pos_run, NULL},
    {"vwma_pos", "original", "close / VWMA(n) placed 0..100 in its own n-bar range", 2, 1, 1,
     {MT_IN_CLOSE, MT_IN_VOLUME}, {IND_PERIOD(50, 2)}, IND_ONE_OUT, vwma_pos_lookback, vwma_pos_size, vwma_pos_init,
     vwma_pos_run, NULL},
    {"vol_delta", "original", "volume delta 2 taker buy - volume, and delta / volume", 2, 0, 2,
     {MT_IN_VOLUME, MT_IN_TAKER_BASE}, {{0}}, {"delta", "pct"}, ind_lookback_zero, ind_stateless_size,
     ind_stateless_init, vol_delta_run, NULL},
    {"vd_div", "original", "1 if on any of the last n bars the close moved against the volume delta", 3, 1, 1,
     {MT_IN_CLOSE, MT_IN_VOLUME, MT_IN_TAKER_BASE}, {{"bars", 3, 1, 1000, true}}, IND_ONE_OUT, ind_lookback_period,
     vd_div_size, vd_div_init, vd_div_run, NULL},
    {"vol_roc", "original", "rate of change over `bars` bars divided by NATR(atr_period)", 3, 2, 1, IND_HLC,
     {{"bars", 2, 1, 100000, true}, {"atr_period", 25, 1, 100000, true}}, IND_ONE_OUT, vol_roc_lookback,
     vol_roc_size, vol_roc_init, vol_roc_run, NULL},
    {"vol_climax", "original", "volume at its n-bar high on an up / down / small-body bar, or at its low (1/0)", 5,
     1, 4, IND_OHLCV, {IND_PERIOD(25, 2)}, {"up", "down", "churn", "low"}, ind_lookback_period_minus_1, vol_climax_size,
     vol_climax_init, vol_climax_run, NULL},
    {"engulf", "original", "body engulfing every body of the previous n bars: bull, bear (1/0)", 2, 1, 2,
     {MT_IN_OPEN, MT_IN_CLOSE}, {{"bars", 1, 1, 1000, true}}, {"bull", "bear"}, ind_lookback_period, engulf_size,
     engulf_init, engulf_run, NULL},
    {"candle", "original", "candle shape / range: signed body, upper wick, lower wick; direction +1/-1/0", 4, 0, 4,
     IND_OHLC, {{0}}, {"body", "upper", "lower", "dir"}, ind_lookback_zero, ind_stateless_size, ind_stateless_init,
     candle_run, NULL},
    {"wick_vol", "original", "upper / lower wick fraction x |EW z-score (com n) of volume|", 5, 1, 2, IND_OHLCV,
     {IND_PERIOD(50, 2)}, {"upper", "lower"}, ind_lookback_period_minus_1, ewz_size, ewz_init, wick_vol_run, NULL},
    {"round_num", "original",
     "relative distance to the nearest d x 10^k, power of ten, and spooky number (x in 1e-12..1e12)", 1, 0, 3, IND_C,
     {{0}}, {"round", "pow10", "spooky"}, ind_lookback_zero, ind_stateless_size, ind_stateless_init, round_num_run,
     NULL},
};

const size_t mt_ind_fam_original_n = sizeof mt_ind_fam_original / sizeof mt_ind_fam_original[0];
