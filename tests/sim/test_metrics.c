/* Backtest metrics on a hand-computed curve and trade list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "sim/metrics.h"
#include "testutil.h"

static const int64_t hour = 3600000, day = 24 * 3600000;

static void test_curve_and_trades(void **state)
{
    (void)state;
    /* Day 0: 100 at 00:00, 110 at 12:00; day 1: 99 at 12:00; day 2: 120 at 00:00. */
    const struct mt_equity_point eq[4] = {{0, 100}, {12 * hour, 110}, {day + 12 * hour, 99}, {2 * day, 120}};
    const struct mt_trade_result tr[4] = {{30 * hour, 36 * hour, 20, 2},
                                          {0, 6 * hour, 10, 1},
                                          {3 * hour, 12 * hour, -5, -0.5},
                                          {47 * hour, 60 * hour, 0, 0}};
    struct mt_metrics m;
    struct mt_err err = {0};
    assert_int_equal(mt_metrics_compute(eq, 4, tr, 4, &m, &err), 0);
    tu_assert_close(m.total_return, 0.2, 1e-15);
    tu_assert_close(m.cagr, pow(1.2, 365.0 / 2) - 1, 1e-12);
    /* Daily closes 110, 99, 120: returns 0.1, -0.1, 120/99 - 1. */
    double r[3] = {0.1, 99.0 / 110 - 1, 120.0 / 99 - 1};
    double mean = (r[0] + r[1] + r[2]) / 3, var = 0;
    for (int i = 0; i < 3; i++)
        var += (r[i] - mean) * (r[i] - mean);
    var /= 2;
    tu_assert_close(m.sharpe, mean / sqrt(var) * sqrt(365.0), 1e-12);
    tu_assert_close(m.sortino, mean / sqrt(r[1] * r[1] / 3) * sqrt(365.0), 1e-12);
    /* Peak 110 at 12:00, trough 99 a day later, recovered at 120. */
    tu_assert_close(m.max_drawdown, 1 - 99.0 / 110, 1e-15);
    assert_int_equal(m.max_drawdown_ms, day);
    assert_int_equal(m.trades, 4);
    assert_int_equal(m.wins, 2);
    tu_assert_close(m.win_rate, 0.5, 0);
    tu_assert_close(m.profit_factor, 30.0 / 5, 1e-15);
    tu_assert_close(m.expectancy_r, 2.5 / 4, 1e-15);
    tu_assert_close(m.avg_win_r, 1.5, 1e-15);
    tu_assert_close(m.avg_loss_r, -0.25, 1e-15);
    /* Open time: [0, 12h] + [30h, 36h] + [47h, 48h] (clipped to the curve) = 19 h of 48 h. */
    tu_assert_close(m.exposure, 19.0 / 48, 1e-15);

    /* The trade part alone over [0, 24 h]: the same statistics, exposure [0, 12h] = 12 of 24 h, no curve. */
    struct mt_metrics t;
    assert_int_equal(mt_metrics_trades(tr, 4, 0, day, &t, &err), 0);
    assert_int_equal(t.trades, 4);
    assert_int_equal(t.wins, 2);
    tu_assert_same_double(t.profit_factor, m.profit_factor);
    tu_assert_same_double(t.expectancy_r, m.expectancy_r);
    tu_assert_same_double(t.avg_loss_r, m.avg_loss_r);
    tu_assert_close(t.exposure, 0.5, 1e-15);
    assert_true(isnan(t.start_equity) && isnan(t.end_equity) && isnan(t.total_return) && isnan(t.cagr));
    assert_true(isnan(t.sharpe) && isnan(t.sortino) && isnan(t.max_drawdown) && t.max_drawdown_ms == 0);
}

static void test_flat_curve_no_trades(void **state)
{
    (void)state;
    const struct mt_equity_point eq[3] = {{0, 50}, {day, 50}, {3 * day, 50}};
    struct mt_metrics m;
    struct mt_err err = {0};
    assert_int_equal(mt_metrics_compute(eq, 3, NULL, 0, &m, &err), 0);
    assert_true(m.total_return == 0 && m.cagr == 0 && m.max_drawdown == 0 && m.exposure == 0);
    assert_true(isnan(m.sharpe) && isnan(m.sortino));
    assert_true(isnan(m.win_rate) && isnan(m.profit_factor) && isnan(m.expectancy_r));
    assert_int_equal(m.trades, 0);
}

static void test_bad_curves(void **state)
{
    (void)state;
    struct mt_metrics m;
    struct mt_err err = {0};
    const struct mt_equity_point one[1] = {{0, 1}};
    assert_int_equal(mt_metrics_compute(one, 1, NULL, 0, &m, &err), MT_EINVAL);
    assert_string_equal(err.msg, "metrics: the equity curve needs at least 2 points, got 1");
    const struct mt_equity_point back[3] = {{0, 1}, {day, 1}, {hour, 1}};
    assert_int_equal(mt_metrics_compute(back, 3, NULL, 0, &m, &err), MT_EINVAL);
    assert_string_equal(err.msg, "metrics: equity point 2 is earlier than point 1");
    const struct mt_equity_point broke[2] = {{0, 1}, {day, 0}};
    assert_int_equal(mt_metrics_compute(broke, 2, NULL, 0, &m, &err), MT_EINVAL);
    assert_string_equal(err.msg, "metrics: equity point 1 is 0, expected a positive number");
    const struct mt_equity_point instant[2] = {{5, 1}, {5, 2}};
    assert_int_equal(mt_metrics_compute(instant, 2, NULL, 0, &m, &err), MT_EINVAL);
    assert_string_equal(err.msg, "metrics: the equity curve spans no time");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_and_trades),
        cmocka_unit_test(test_flat_curve_no_trades),
        cmocka_unit_test(test_bad_curves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
