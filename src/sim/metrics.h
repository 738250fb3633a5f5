/* Backtest metrics from an equity curve and a trade list: total return,
 * CAGR, Sharpe and Sortino of daily returns (365-day years: crypto trades
 * every day), maximum drawdown and its duration, and the trade statistics
 * (win rate, profit factor, expectancy in R, exposure).
 *
 * Conventions: times in ms UTC; the equity curve is marked to market at each
 * point (e.g. every bar) in time order; daily returns use the last equity
 * point of each UTC day (days without a point carry the previous value). A
 * trade is a win when its pnl after costs is > 0. Undefined ratios are NaN
 * (profit factor without a losing trade, Sharpe of a flat curve, ...). */
#ifndef MT_SIM_METRICS_H
#define MT_SIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"

struct mt_equity_point {
    int64_t time;
    double equity;
};

/* What the metrics need of a closed (or censored) trade. */
struct mt_trade_result {
    int64_t open_time, close_time;
    double pnl; /* quote, after fees and spread */
    double r;   /* pnl in multiples of the initial risk */
};

/* A trade's result as the metrics count it: from its entry to the end of the
 * bar of timeframe tf it closed in (close_time is that bar's open, or a fill
 * time inside it), or for a censored trade to its censoring (the end of the
 * data). */
struct mt_trade_result mt_trade_result_span(int64_t open_time, int64_t close_time, bool censored, enum mt_tf tf,
                                            double pnl, double r);

struct mt_metrics {
    double start_equity, end_equity;
    double total_return;       /* end / start - 1 */
    double cagr;               /* (end / start)^(1 / years) - 1 */
    double sharpe, sortino;    /* of daily returns, annualised with sqrt(365) */
    double max_drawdown;       /* largest fall from a running peak, as a fraction of the peak */
    int64_t max_drawdown_ms;   /* longest time spent below a running peak */
    size_t trades, wins;
    double win_rate;           /* wins / trades */
    double profit_factor;      /* gross profit / gross loss */
    double expectancy_r;       /* mean R */
    double avg_win_r, avg_loss_r;
    double exposure;           /* fraction of the curve's time span with an open trade */
};

/* Computes m from n >= 2 equity points (time-ordered, equity > 0) and nt
 * trades (any order). Returns 0, or MT_EINVAL naming the first bad point
 * (out of order, non-positive or non-finite equity) or too few points. */
int mt_metrics_compute(const struct mt_equity_point *eq, size_t n, const struct mt_trade_result *tr, size_t nt,
                       struct mt_metrics *m, struct mt_err *err);

/* The trade part of m alone, for trades without their own equity curve (e.g.
 * one symbol's of a portfolio): trades, wins, win rate, profit factor,
 * expectancy and average win / loss in R from nt trades, and the exposure over
 * [from, to] (from < to); every curve field (equity, returns, ratios,
 * drawdown) is NaN, max_drawdown_ms 0. Returns 0 or MT_ENOMEM. */
int mt_metrics_trades(const struct mt_trade_result *tr, size_t nt, int64_t from, int64_t to, struct mt_metrics *m,
                      struct mt_err *err);

#endif
