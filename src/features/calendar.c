/* Calendar and higher-timeframe features: hour of day, day of week, day of
 * month (with cyclic encodings), the close against the current UTC day /
 * week / month so far, and against the previous complete one. A period's
 * levels are used only once every bar of it is at or before the current bar:
 * the current period's open and running high/low, or the previous period
 * after it ended. Weeks start Monday 00:00 UTC (as Binance's 1w candles), not
 * pandas' Sunday-labelled weeks the original lagged by. */
#include <math.h>

#include "features/families.h"
#include "features/ind_impl.h"

static const double two_pi = 6.283185307179586;

/* Value, value shifted by half a cycle, and sin/cos of the phase. */
static inline void cyclic(double v, double cycle, double shift, double *y)
{
    y[0] = v;
    y[1] = fmod(v + shift, cycle);
    y[2] = sin(two_pi * v / cycle);
    y[3] = cos(two_pi * v / cycle);
}

static inline void hour_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                             double *y)
{
    (void)st;
    (void)c;
    (void)x;
    int64_t ms = t - mt_tf_floor(MT_TF_1D, t);
    cyclic((double)(ms / MT_MS_HOUR), 24, 12, y);
}
MT_IND_RUN(hour, struct ind_stateless, ind_stateless_init, hour_step, 1, 4)

static inline void weekday_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                double *y)
{
    (void)st;
    (void)c;
    (void)x;
    int64_t days = (t - mt_tf_floor(MT_TF_1W, t)) / MT_MS_DAY; /* 0 = Monday */
    cyclic((double)days, 7, 3, y);
}
MT_IND_RUN(weekday, struct ind_stateless, ind_stateless_init, weekday_step, 1, 4)

static inline void monthday_step(struct ind_stateless *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                 double *y)
{
    (void)st;
    (void)c;
    (void)x;
    int64_t start = mt_tf_floor(MT_TF_1MO, t), next = mt_tf_next(MT_TF_1MO, start);
    double day = (double)((t - start) / MT_MS_DAY), days = (double)((next - start) / MT_MS_DAY);
    y[0] = day + 1;
    y[1] = sin(two_pi * day / days);
    y[2] = cos(two_pi * day / days);
}
MT_IND_RUN(monthday, struct ind_stateless, ind_stateless_init, monthday_step, 1, 3)

/* ---- the current and the previous period (anchor 0 day, 1 week, 2 month) ---- */

static const enum mt_tf anchor_tf[3] = {MT_TF_1D, MT_TF_1W, MT_TF_1MO};
static const double anchor_days[3] = {1, 7, 31};

struct period {
    int64_t id;               /* open time of the current period, INT64_MIN before the first bar */
    bool complete;            /* its first bar was seen */
    double open, high, low, close;
    bool have_prev;           /* a previous complete period */
    double p_open, p_high, p_low, p_close;
    int64_t bars;             /* bars seen */
};
MT_IND_FIXED_SIZE(period, struct period)

static void period_init(void *state, const struct mt_ind_ctx *c)
{
    (void)c;
    struct period *st = state;
    st->id = INT64_MIN;
    st->complete = false;
    st->have_prev = false;
    st->bars = 0;
    st->open = st->high = st->low = st->close = 0;
    st->p_open = st->p_high = st->p_low = st->p_close = 0;
}

/* Feeds bar (o, h, l, c) opening at t into the period bookkeeping. */
static inline void period_feed(struct period *st, const struct mt_ind_ctx *c, const double *x, int64_t t)
{
    int64_t id = mt_tf_floor(anchor_tf[ind_iopt(c, 0)], t);
    st->bars++;
    if (id != st->id) {
        if (st->complete) {
            st->have_prev = true;
            st->p_open = st->open;
            st->p_high = st->high;
            st->p_low = st->low;
            st->p_close = st->close;
        }
        /* Seen from its first bar: entered from an earlier period, or the series starts on its boundary. */
        st->complete = st->id != INT64_MIN || t == id;
        st->id = id;
        st->open = x[0];
        st->high = x[1];
        st->low = x[2];
    } else {
        st->high = x[1] > st->high ? x[1] : st->high;
        st->low = x[2] < st->low ? x[2] : st->low;
    }
    st->close = x[3];
}

static inline void period_ratio_step(struct period *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                     double *y)
{
    period_feed(st, c, x, t);
    y[0] = x[3] / st->open;
    y[1] = x[3] / st->high;
    y[2] = x[3] / st->low;
}
MT_IND_RUN(period_ratio, struct period, period_init, period_ratio_step, 4, 3)

/* Bars of the series' timeframe in one anchor period (a month counts 31 days). */
static int period_bars(const struct mt_ind_ctx *c)
{
    return ind_bars_in_days(c->tf, anchor_days[ind_iopt(c, 0)]);
}

/* A complete previous period exists after at most two periods of bars. */
static int prev_period_lookback(const struct mt_ind_ctx *c)
{
    return 2 * period_bars(c) - 1;
}

static inline void prev_period_step(struct period *st, const struct mt_ind_ctx *c, const double *x, int64_t t,
                                    double *y)
{
    period_feed(st, c, x, t);
    if (!st->have_prev || st->bars <= prev_period_lookback(c)) {
        y[0] = y[1] = y[2] = y[3] = NAN;
        return;
    }
    y[0] = x[3] / st->p_open;
    y[1] = x[3] / st->p_high;
    y[2] = x[3] / st->p_low;
    y[3] = x[3] / st->p_close;
}
MT_IND_RUN(prev_period, struct period, period_init, prev_period_step, 4, 4)

/* ---- the table ---- */

#define ANCHOR {"anchor", 0, 0, 2, true}

const struct mt_ind_def mt_ind_fam_calendar[] = {
    {"hour", "calendar", "UTC hour of the bar's open (0..23), shifted by 12, sin and cos of the day phase", 1, 0, 4,
     {MT_IN_CLOSE}, {{0}}, {"hour", "shifted", "sin", "cos"}, ind_lookback_zero, ind_stateless_size, ind_stateless_init,
     hour_run, NULL},
    {"weekday", "calendar", "UTC day of week (Monday 0), shifted by 3, sin and cos of the week phase", 1, 0, 4,
     {MT_IN_CLOSE}, {{0}}, {"day", "shifted", "sin", "cos"}, ind_lookback_zero, ind_stateless_size, ind_stateless_init,
     weekday_run, NULL},
    {"monthday", "calendar", "UTC day of month (1..31), sin and cos of the month phase", 1, 0, 3, {MT_IN_CLOSE},
     {{0}}, {"day", "sin", "cos"}, ind_lookback_zero, ind_stateless_size, ind_stateless_init, monthday_run, NULL},
    {"period_ratio", "calendar",
     "close / the current UTC period's open, high and low so far (anchor 0 day, 1 week from Monday, 2 month)", 4, 1, 3,
     IND_OHLC, {ANCHOR}, {"open", "high", "low"}, ind_lookback_zero, period_size, period_init, period_ratio_run, NULL},
    {"prev_period", "calendar",
     "close / the previous complete UTC period's open, high, low, close (anchor 0 day, 1 week, 2 month)", 4, 1, 4,
     IND_OHLC, {ANCHOR}, {"open", "high", "low", "close"}, prev_period_lookback, period_size, period_init,
     prev_period_run, NULL},
};

const size_t mt_ind_fam_calendar_n = sizeof mt_ind_fam_calendar / sizeof mt_ind_fam_calendar[0];
