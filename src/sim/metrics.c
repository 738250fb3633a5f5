/* Backtest metrics (see metrics.h). */
#include "sim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeframe.h"

static const double days_per_year = 365.0;

struct mt_trade_result mt_trade_result_span(int64_t open_time, int64_t close_time, bool censored, enum mt_tf tf,
                                            double pnl, double r)
{
    return (struct mt_trade_result){open_time, censored ? close_time : mt_tf_next(tf, close_time), pnl, r};
}

static int check_curve(const struct mt_equity_point *eq, size_t n, struct mt_err *err)
{
    if (n < 2)
        return mt_err_set(err, MT_EINVAL, "metrics: the equity curve needs at least 2 points, got %zu", n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(eq[i].equity) || eq[i].equity <= 0)
            return mt_err_set(err, MT_EINVAL, "metrics: equity point %zu is %g, expected a positive number", i,
                              eq[i].equity);
        if (i > 0 && eq[i].time < eq[i - 1].time)
            return mt_err_set(err, MT_EINVAL, "metrics: equity point %zu is earlier than point %zu", i, i - 1);
    }
    if (eq[n - 1].time == eq[0].time)
        return mt_err_set(err, MT_EINVAL, "metrics: the equity curve spans no time");
    return 0;
}

/* Sharpe and Sortino of the daily returns (last point of each UTC day, days
 * without a point carry the previous equity; the first day's return is
 * against the first point). */
static void daily_ratios(const struct mt_equity_point *eq, size_t n, struct mt_metrics *m)
{
    int64_t first_day = eq[0].time / MT_MS_DAY, last_day = eq[n - 1].time / MT_MS_DAY;
    double prev = eq[0].equity, sum = 0, sum2 = 0, down2 = 0;
    size_t k = 0, days = 0;
    for (int64_t d = first_day; d <= last_day; d++) {
        double close = prev;
        while (k < n && eq[k].time / MT_MS_DAY == d)
            close = eq[k++].equity;
        double r = close / prev - 1.0;
        sum += r;
        sum2 += r * r;
        down2 += r < 0 ? r * r : 0.0;
        days++;
        prev = close;
    }
    m->sharpe = m->sortino = NAN;
    if (days < 2)
        return;
    double mean = sum / (double)days;
    double var = (sum2 - (double)days * mean * mean) / (double)(days - 1);
    if (var > 0)
        m->sharpe = mean / sqrt(var) * sqrt(days_per_year);
    if (down2 > 0)
        m->sortino = mean / sqrt(down2 / (double)days) * sqrt(days_per_year);
}

/* Deepest fall from a running peak and the longest time below one. */
static void drawdowns(const struct mt_equity_point *eq, size_t n, struct mt_metrics *m)
{
    double peak = eq[0].equity;
    int64_t peak_time = eq[0].time;
    m->max_drawdown = 0;
    m->max_drawdown_ms = 0;
    for (size_t i = 1; i < n; i++) {
        if (eq[i].equity >= peak) {
            peak = eq[i].equity;
            peak_time = eq[i].time;
            continue;
        }
        double dd = 1.0 - eq[i].equity / peak;
        m->max_drawdown = dd > m->max_drawdown ? dd : m->max_drawdown;
        int64_t under = eq[i].time - peak_time;
        m->max_drawdown_ms = under > m->max_drawdown_ms ? under : m->max_drawdown_ms;
    }
}

static int by_open_time(const void *a, const void *b)
{
    int64_t x = ((const struct mt_trade_result *)a)->open_time, y = ((const struct mt_trade_result *)b)->open_time;
    return (x > y) - (x < y);
}

/* Fraction of [from, to] covered by at least one trade. */
static int exposure(const struct mt_trade_result *tr, size_t nt, int64_t from, int64_t to, double *out,
                    struct mt_err *err)
{
    *out = 0;
    if (nt == 0)
        return 0;
    struct mt_trade_result *sorted = malloc(nt * sizeof *sorted);
    if (!sorted)
        return mt_err_set(err, MT_ENOMEM, "metrics: out of memory for %zu trades", nt);
    memcpy(sorted, tr, nt * sizeof *sorted);
    qsort(sorted, nt, sizeof *sorted, by_open_time);
    int64_t covered = 0, end = from;
    for (size_t i = 0; i < nt; i++) {
        int64_t a = sorted[i].open_time > end ? sorted[i].open_time : end;
        int64_t b = sorted[i].close_time < to ? sorted[i].close_time : to;
        if (b > a) {
            covered += b - a;
            end = b;
        }
    }
    free(sorted);
    *out = (double)covered / (double)(to - from);
    return 0;
}

static void trade_stats(const struct mt_trade_result *tr, size_t nt, struct mt_metrics *m)
{
    double gross_win = 0, gross_loss = 0, sum_r = 0, win_r = 0, loss_r = 0;
    m->trades = nt;
    m->wins = 0;
    for (size_t i = 0; i < nt; i++) {
        sum_r += tr[i].r;
        if (tr[i].pnl > 0) {
            m->wins++;
            gross_win += tr[i].pnl;
            win_r += tr[i].r;
        } else {
            gross_loss -= tr[i].pnl;
            loss_r += tr[i].r;
        }
    }
    size_t losses = nt - m->wins;
    m->win_rate = nt ? (double)m->wins / (double)nt : NAN;
    m->profit_factor = gross_loss > 0 ? gross_win / gross_loss : NAN;
    m->expectancy_r = nt ? sum_r / (double)nt : NAN;
    m->avg_win_r = m->wins ? win_r / (double)m->wins : NAN;
    m->avg_loss_r = losses ? loss_r / (double)losses : NAN;
}

int mt_metrics_compute(const struct mt_equity_point *eq, size_t n, const struct mt_trade_result *tr, size_t nt,
                       struct mt_metrics *m, struct mt_err *err)
{
    memset(m, 0, sizeof *m);
    int rc = check_curve(eq, n, err);
    if (rc)
        return rc;
    m->start_equity = eq[0].equity;
    m->end_equity = eq[n - 1].equity;
    m->total_return = m->end_equity / m->start_equity - 1.0;
    double years = (double)(eq[n - 1].time - eq[0].time) / (double)MT_MS_DAY / days_per_year;
    m->cagr = pow(m->end_equity / m->start_equity, 1.0 / years) - 1.0;
    daily_ratios(eq, n, m);
    drawdowns(eq, n, m);
    trade_stats(tr, nt, m);
    return exposure(tr, nt, eq[0].time, eq[n - 1].time, &m->exposure, err);
}

int mt_metrics_trades(const struct mt_trade_result *tr, size_t nt, int64_t from, int64_t to, struct mt_metrics *m,
                      struct mt_err *err)
{
    memset(m, 0, sizeof *m);
    m->start_equity = m->end_equity = m->total_return = m->cagr = NAN;
    m->sharpe = m->sortino = m->max_drawdown = NAN;
    trade_stats(tr, nt, m);
    return exposure(tr, nt, from, to, &m->exposure, err);
}
