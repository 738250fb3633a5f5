/* What the report computes from a run beyond the engine's metrics: daily
 * closes and returns, drawdown periods, monthly and yearly returns, rolling
 * Sharpe and volatility, trade statistics of any group of trades, the sims
 * by the reasons they were not taken, and the tracked continuations of
 * trades closed by a strategy rule or a full take-profit.
 *
 * Conventions as sim/metrics.h: days are UTC days, a day's close is its last
 * equity point (days without one carry the previous close), the first day's
 * return is against the curve's first point; 365-day years. */
#ifndef MT_REPORT_ANALYSIS_H
#define MT_REPORT_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "report/run.h"
#include "sim/metrics.h"

/* Daily closes of a curve of n >= 1 points: day k (k < *nd) is UTC day
 * *first + k; close[k] its close, ret[k] its return. Both malloc'ed (the
 * caller frees them). */
int mt_rpt_daily(const struct mt_equity_point *eq, size_t n, int64_t *first, size_t *nd, double **close,
                 double **ret, struct mt_err *err);

/* A fall from a running peak until the curve is back at it. */
struct mt_rpt_drawdown {
    int64_t peak, trough, recovery; /* recovery: INT64_MIN while not back at the peak */
    double depth;                   /* 1 - trough / peak */
};

/* The deepest max drawdown periods of the curve (deepest first) into out;
 * returns their count. The first one's depth is mt_metrics' max_drawdown. */
size_t mt_rpt_drawdowns(const struct mt_equity_point *eq, size_t n, struct mt_rpt_drawdown *out, size_t max);

/* Calendar returns: each month's close (its last day's) over the one
 * before (the first month's over the curve's first point), and each year's
 * likewise. months[k] is the month *first_month + k (year * 12 + month - 1). */
int mt_rpt_monthly(int64_t first_day, const double *close, size_t nd, double start, int64_t *first_month,
                   size_t *n_months, double **months, struct mt_err *err);

/* Rolling Sharpe (mean / sd x sqrt(365)) and volatility (sd x sqrt(365)) of
 * the daily returns over the last `window` days, for every day from the
 * window-th on (earlier: NaN). sharpe and vol have nd elements. */
void mt_rpt_rolling(const double *ret, size_t nd, size_t window, double *sharpe, double *vol);

/* Statistics of a group of trades (closed or censored; open ones are only
 * counted): mt_metrics_trades' plus the totals. */
struct mt_rpt_stats {
    struct mt_metrics m; /* trades, wins, win_rate, profit_factor, expectancy_r, exposure ... */
    size_t open;         /* still open, not in m */
    double pnl, sum_r;   /* totals of the closed and censored */
    double avg_hours;    /* mean time from entry to close, hours */
    double best_r, worst_r;
};

/* Which trades a group holds. */
typedef bool (*mt_rpt_pick)(const struct mt_rpt_run *r, const struct mt_rpt_trade *t, const void *ctx);

/* The statistics of the run's trades that pick accepts, exposure over the
 * run's curve (its first to last point; none: their own span). */
int mt_rpt_group(const struct mt_rpt_run *r, mt_rpt_pick pick, const void *ctx, struct mt_rpt_stats *out,
                 struct mt_err *err);

/* One trade closed by a strategy rule or a full take-profit, and its tracked
 * continuation (the same trade held until its stop). */
struct mt_rpt_tracked {
    size_t parent, child; /* indices into r->trades */
    double taken_r;       /* the parent's R */
    double held_r;        /* the continuation's R (marked when censored) */
};

/* Every such pair of the run in parent id order, *out malloc'ed (NULL when
 * none). A tracked trade whose parent is not in the run is MT_EFORMAT. */
int mt_rpt_tracked_pairs(const struct mt_rpt_run *r, struct mt_rpt_tracked **out, size_t *n, struct mt_err *err);

#endif
