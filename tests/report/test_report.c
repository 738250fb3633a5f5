/* The report's computations and charts: downsampling keeps the envelope, the
 * drawdown periods agree with the metrics, calendar and rolling figures equal
 * hand-computed values, groups and tracked pairs, and the page of a small
 * hand-built run has every section with its figures. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/time.h"
#include "core/timeframe.h"
#include "report/analysis.h"
#include "report/chart.h"
#include "report/report.h"
#include "sim/account.h"
#include "testutil.h"

#define DAY MT_MS_DAY
#define HOUR ((int64_t)3600000)

/* A curve of 400k points: at most 4 per column kept, the first, last, lowest and highest among them. */
static void test_downsample_keeps_the_envelope(void **state)
{
    (void)state;
    size_t n = 400000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    size_t *keep = malloc((4 * 900 + 2) * sizeof *keep);
    assert_non_null(x);
    assert_non_null(y);
    assert_non_null(keep);
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)i;
        y[i] = sin((double)i / 1000.0) * 100 + (double)(i % 97) - (i == 123457 ? 500 : 0) + (i == 300001 ? 400 : 0);
        lo = y[i] < y[lo] ? i : lo;
        hi = y[i] > y[hi] ? i : hi;
    }
    size_t k = mt_chart_downsample(x, y, n, 0, (double)(n - 1), 900, keep);
    assert_true(k <= 4 * 900 + 2);
    assert_true(k >= 900);
    assert_int_equal(keep[0], 0);
    assert_int_equal(keep[k - 1], n - 1);
    bool has_lo = false, has_hi = false;
    for (size_t i = 0; i < k; i++) {
        if (i)
            assert_true(keep[i] > keep[i - 1]);
        has_lo |= keep[i] == lo;
        has_hi |= keep[i] == hi;
    }
    assert_true(has_lo);
    assert_true(has_hi);
    /* NaN values are never kept */
    for (size_t i = 0; i < 1000; i++)
        y[i] = NAN;
    k = mt_chart_downsample(x, y, n, 0, (double)(n - 1), 900, keep);
    assert_true(keep[0] >= 1000);
    /* points far outside [x0, x1] (a longer baseline) count to the end columns: the room holds */
    k = mt_chart_downsample(x, y, n, 0, (double)(n - 1) / 3, 900, keep);
    assert_true(k <= MT_CHART_KEEP(900));
    assert_int_equal(keep[k - 1], n - 1);
    free(x);
    free(y);
    free(keep);
}

/* A NaN inside one column is a gap: the runs on each side are kept apart. */
static void test_downsample_gaps(void **state)
{
    (void)state;
    const double x[] = {0, 1, 2, 3, 4, 5}, y[] = {1, NAN, 3, 4, NAN, 6};
    size_t keep[MT_CHART_KEEP(1)];
    size_t k = mt_chart_downsample(x, y, 6, 0, 5, 1, keep);
    assert_int_equal(k, 4);
    assert_int_equal(keep[0], 0);
    assert_int_equal(keep[1], 2);
    assert_int_equal(keep[2], 3);
    assert_int_equal(keep[3], 5);
    /* more gaps than the room: the first runs only */
    const double z[] = {1, NAN, 2, NAN, 3, NAN, 4, NAN, 5};
    const double zx[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    k = mt_chart_downsample(zx, z, 9, 0, 8, 1, keep);
    assert_int_equal(k, 4);
    assert_int_equal(keep[3], 6);
}

/* 100 -> 120 -> 90 -> 130 -> 117 -> 125: two drawdowns, 25% (recovered) and 10% (not). */
static void test_drawdowns_agree_with_the_metrics(void **state)
{
    (void)state;
    const double v[] = {100, 120, 90, 110, 130, 117, 125};
    struct mt_equity_point eq[7];
    for (int i = 0; i < 7; i++)
        eq[i] = (struct mt_equity_point){(int64_t)i * DAY, v[i]};
    struct mt_rpt_drawdown dd[5];
    size_t n = mt_rpt_drawdowns(eq, 7, dd, 5);
    assert_int_equal(n, 2);
    tu_assert_close(dd[0].depth, 0.25, 1e-15);
    assert_int_equal(dd[0].peak, 1 * DAY);
    assert_int_equal(dd[0].trough, 2 * DAY);
    assert_int_equal(dd[0].recovery, 4 * DAY);
    tu_assert_close(dd[1].depth, 0.1, 1e-15);
    assert_int_equal(dd[1].peak, 4 * DAY);
    assert_int_equal(dd[1].trough, 5 * DAY);
    assert_true(dd[1].recovery == INT64_MIN);
    struct mt_metrics m;
    struct mt_err err = {0};
    assert_int_equal(mt_metrics_compute(eq, 7, NULL, 0, &m, &err), 0);
    assert_true(m.max_drawdown == dd[0].depth);
    /* only the deepest when one is asked for */
    assert_int_equal(mt_rpt_drawdowns(eq, 7, dd, 1), 1);
    tu_assert_close(dd[0].depth, 0.25, 1e-15);
}

/* Daily closes carry over empty days; months are closes over closes. */
static void test_daily_and_monthly(void **state)
{
    (void)state;
    int64_t jan30 = mt_days_from_civil(2024, 1, 30) * DAY;
    /* Jan 30 10:00 100, Jan 30 20:00 104, (Jan 31 none), Feb 1 110, Mar 2 99 */
    struct mt_equity_point eq[] = {{jan30 + 10 * HOUR, 100}, {jan30 + 20 * HOUR, 104},
                                   {jan30 + 2 * DAY + HOUR, 110}, {jan30 + 32 * DAY, 99}};
    int64_t first;
    size_t nd;
    double *close, *ret;
    struct mt_err err = {0};
    assert_int_equal(mt_rpt_daily(eq, 4, &first, &nd, &close, &ret, &err), 0);
    assert_int_equal(first, jan30 / DAY);
    assert_int_equal(nd, 33);
    tu_assert_close(close[0], 104, 0);
    tu_assert_close(ret[0], 0.04, 1e-15);
    tu_assert_close(close[1], 104, 0);
    tu_assert_close(ret[1], 0, 0);
    tu_assert_close(close[2], 110, 0);
    tu_assert_close(close[32], 99, 0);
    int64_t m0;
    size_t nm;
    double *mon;
    assert_int_equal(mt_rpt_monthly(first, close, nd, eq[0].equity, &m0, &nm, &mon, &err), 0);
    assert_int_equal(m0, 2024 * 12 + 0);
    assert_int_equal(nm, 3);
    tu_assert_close(mon[0], 0.04, 1e-15);       /* Jan: 104 / 100 */
    tu_assert_close(mon[1], 110.0 / 104 - 1, 1e-15); /* Feb: its last day carries Feb 1's 110 */
    tu_assert_close(mon[2], 99.0 / 110 - 1, 1e-15);  /* Mar */
    free(close);
    free(ret);
    free(mon);
}

static void test_rolling(void **state)
{
    (void)state;
    const double r[] = {0.01, -0.02, 0.03, 0.0, 0.01};
    double sh[5], vol[5];
    mt_rpt_rolling(r, 5, 3, sh, vol);
    assert_true(isnan(sh[0]) && isnan(sh[1]) && isnan(vol[1]));
    /* days 2..4: 0.03, 0, 0.01: mean 0.04/3, sample sd */
    double mean = 0.04 / 3, var = ((0.03 - mean) * (0.03 - mean) + mean * mean + (0.01 - mean) * (0.01 - mean)) / 2;
    tu_assert_close(vol[4], sqrt(var) * sqrt(365.0), 1e-12);
    tu_assert_close(sh[4], mean / sqrt(var) * sqrt(365.0), 1e-12);
}

/* ---- a hand-built run ---- */

static struct mt_rpt_agent agents[1];
static char symbols[2][32] = {"BTCUSDT", "ETHUSDT"};

static struct mt_rpt_trade trade(int64_t id, enum mt_trade_kind kind, uint32_t sym, enum mt_exit exit, int64_t open,
                                 int64_t close, double r, double pnl)
{
    return (struct mt_rpt_trade){.id = id, .parent = -1, .symbol = sym, .kind = kind, .side = 1,
                                 .state = exit == MT_EXIT_NONE ? MT_RPT_OPEN
                                          : exit == MT_EXIT_CENSORED ? MT_RPT_CENSORED : MT_RPT_CLOSED,
                                 .exit = exit, .signal_time = open - HOUR, .open_time = open,
                                 .close_time = exit == MT_EXIT_NONE ? INT64_MIN : close, .entry = 100,
                                 .init_stop = 95, .stop = 95, .target = 110, .init_size = 1, .size = 1, .pnl = pnl,
                                 .r = r, .score = 1, .mae_r = 0, .mfe_r = 0};
}

static void build_run(struct mt_rpt_run *r, struct mt_rpt_trade *t, struct mt_rpt_mark *m, size_t nm)
{
    agents[0] = (struct mt_rpt_agent){.name = "tf_1h", .named = true, .strategy = "trail_fractals:5:2",
                                      .tf = MT_TF_1H, .sides = "both", .risk = 0.005, .max_positions = 3};
    int64_t t0 = mt_days_from_civil(2024, 1, 1) * DAY;
    t[0] = trade(1, MT_TRADE_REAL, 0, MT_EXIT_STRATEGY, t0 + 2 * HOUR, t0 + 10 * HOUR, 0.5, 5);
    t[1] = trade(2, MT_TRADE_TRACKED, 0, MT_EXIT_STOP, t0 + 2 * HOUR, t0 + 30 * HOUR, 1.5, 15);
    t[1].parent = 1;
    t[2] = trade(3, MT_TRADE_REAL, 1, MT_EXIT_STOP, t0 + 5 * HOUR, t0 + 20 * HOUR, -1, -10);
    t[3] = trade(4, MT_TRADE_SIM, 1, MT_EXIT_TARGET, t0 + 5 * HOUR, t0 + 40 * HOUR, 2, 20);
    t[3].sim_reasons = MT_SIM_LOW_SCORE;
    t[4] = trade(5, MT_TRADE_SIM, 0, MT_EXIT_STOP, t0 + 6 * HOUR, t0 + 8 * HOUR, -1, -10);
    t[4].sim_reasons = MT_SIM_TOO_MANY_POSITIONS | MT_SIM_LOW_SCORE;
    t[5] = trade(6, MT_TRADE_REAL, 0, MT_EXIT_NONE, t0 + 50 * HOUR, 0, NAN, NAN);
    for (size_t i = 0; i < nm; i++)
        m[i] = (struct mt_rpt_mark){t0 + (int64_t)i * 6 * HOUR, 10000 + 10 * sin((double)i) - (double)i,
                                    (double)(i % 3), 0.5 * (double)(i % 3)};
    *r = (struct mt_rpt_run){.id = 7, .kind = "replay", .timeframe = "1h", .tf = MT_TF_1H, .balance = 10000,
                             .max_positions = 10, .max_open_r = 10, .na = 1, .ns = 2, .nt = 6, .nm = nm,
                             .agents = agents, .symbols = symbols, .trades = t, .marks = m,
                             .span_from = t0, .span_to = t0 + (int64_t)nm * 6 * HOUR, .ended = INT64_MIN};
}

static bool real_trades(const struct mt_rpt_run *r, const struct mt_rpt_trade *t, const void *ctx)
{
    (void)r, (void)ctx;
    return t->kind == MT_TRADE_REAL;
}

static void test_group_and_tracked(void **state)
{
    (void)state;
    struct mt_rpt_run r;
    struct mt_rpt_trade t[6];
    struct mt_rpt_mark m[40];
    build_run(&r, t, m, 40);
    struct mt_rpt_stats s;
    struct mt_err err = {0};
    assert_int_equal(mt_rpt_group(&r, real_trades, NULL, &s, &err), 0);
    assert_int_equal(s.m.trades, 2);
    assert_int_equal(s.open, 1);
    assert_int_equal(s.m.wins, 1);
    tu_assert_close(s.sum_r, -0.5, 1e-15);
    tu_assert_close(s.pnl, -5, 1e-15);
    tu_assert_close(s.m.profit_factor, 0.5, 1e-15);
    tu_assert_close(s.avg_hours, (8.0 + 15.0) / 2, 1e-12);
    tu_assert_close(s.best_r, 0.5, 0);
    tu_assert_close(s.worst_r, -1, 0);
    struct mt_rpt_tracked *p;
    size_t n;
    assert_int_equal(mt_rpt_tracked_pairs(&r, &p, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].parent, 0);
    assert_int_equal(p[0].child, 1);
    tu_assert_close(p[0].taken_r, 0.5, 0);
    tu_assert_close(p[0].held_r, 1.5, 0);
    free(p);
    /* a tracked trade whose parent is missing is named */
    t[1].parent = 99;
    assert_int_equal(mt_rpt_tracked_pairs(&r, &p, &n, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "tracked trade 2 follows trade 99, which is not in the run"));
}

/* The value of data-k="key" in html, or NaN when absent. */
static double value_of(const char *html, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "data-k=\"%s\" data-v=\"", key);
    const char *p = strstr(html, pat);
    return p ? strtod(p + strlen(pat), NULL) : NAN;
}

/* The page of in into *buf (its length in *len); the caller frees it. */
static void page(const struct mt_report_input *in, char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    assert_non_null(f);
    struct mt_err err = {0};
    if (mt_report_write(f, in, &err))
        fail_msg("%s", err.msg);
    fclose(f);
}

static void test_page_of_a_run(void **state)
{
    (void)state;
    struct mt_rpt_run r;
    struct mt_rpt_trade t[6];
    struct mt_rpt_mark m[200];
    build_run(&r, t, m, 200);
    cJSON *card = cJSON_Parse("{\"id\":\"20260101T000000Z\",\"threshold\":0.6,\"span\":{\"test_from\":"
                              "\"2024-01-20 00:00\",\"to\":\"2024-02-01 00:00\"},\"test\":{\"rows\":100,"
                              "\"auc\":0.61,\"precision\":0.4,\"mean_r_accepted\":0.1,\"mean_r_all\":-0.2},"
                              "\"cv_folds\":[{\"from\":\"2023-01-01 00:00\",\"to\":\"2023-06-01 00:00\",\"auc\":0.58,"
                              "\"precision\":0.37}],\"gate\":{\"decision\":\"unfiltered\"},\"reliability\":{\"test\":"
                              "[{\"lo\":0,\"hi\":0.5,\"n\":10,\"mean_score\":0.3,\"rate\":0.2}]}}");
    assert_non_null(card);
    struct mt_report_model model = {0, "tf_1h", "unfiltered", card};
    /* a walk-forward's fold joins the card's in the table */
    struct mt_report_fold wf = {.agent_index = 0, .agent = "tf_1h", .label = "wf 1", .auc = 0.55,
                                .precision = 0.3, .from = INT64_MIN, .to = INT64_MIN};
    struct mt_report_input in = {.run = &r, .journal = "j.db", .models = &model, .n_models = 1,
                                 .folds = &wf, .n_folds = 1, .version = "test", .generated = 0};
    char *buf = NULL;
    size_t len = 0;
    page(&in, &buf, &len);
    struct mt_err err = {0};
    static const char *const sections[] = {"summary", "equity",  "drawdown", "monthly", "breakdown", "rdist",
                                           "rolling", "exposure", "prices",  "setups",  "tracked",   "models"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        char id[64];
        snprintf(id, sizeof id, "<section id=\"%s\">", sections[i]);
        if (!strstr(buf, id))
            fail_msg("section %s missing", sections[i]);
    }
    assert_null(strstr(buf, "<script"));
    struct mt_metrics mm;
    assert_int_equal(mt_rpt_metrics(&r, &mm, &err), 0);
    assert_true(value_of(buf, "total_return") == mm.total_return);
    assert_true(value_of(buf, "max_drawdown") == mm.max_drawdown);
    assert_true(value_of(buf, "trades") == 2);
    assert_true(value_of(buf, "win_rate") == 0.5);
    /* groups and the tracked pair */
    assert_true(value_of(buf, "agent_0_trades") == 2);
    assert_true(value_of(buf, "symbol_ethusdt_mean_r") == -1);
    assert_true(value_of(buf, "sim_low_score_trades") == 2);
    assert_true(value_of(buf, "sim_model_only_trades") == 1);
    assert_true(value_of(buf, "tracked_strategy_real_left_r") == 1.0);
    /* the card: the test period and the fold */
    assert_true(value_of(buf, "model_0_auc") == 0.61);
    assert_true(value_of(buf, "fold_0_cv_1_auc") == 0.58);
    assert_true(value_of(buf, "fold_0_test_precision") == 0.4);
    assert_true(value_of(buf, "fold_0_wf_1_auc") == 0.55);
    assert_non_null(strstr(buf, "data-chart=\"calibration_tf_1h\""));
    /* the exposure columns */
    assert_true(value_of(buf, "max_positions_held") == 2);
    assert_true(value_of(buf, "max_open_r_held") == 1);
    cJSON_Delete(card);
    free(buf);
}

/* A curve a few ulps wide draws a bounded page (its axes do not loop on a step below an ulp). */
static void test_a_flat_curve_is_bounded(void **state)
{
    (void)state;
    struct mt_rpt_run r;
    struct mt_rpt_trade t[6];
    struct mt_rpt_mark m[100];
    build_run(&r, t, m, 100);
    for (size_t i = 0; i < 100; i++)
        m[i].equity = i % 2 ? nextafter(10000, 1e9) : 10000;
    struct mt_report_input in = {.run = &r, .journal = "j.db", .version = "test"};
    char *buf = NULL;
    size_t len = 0;
    page(&in, &buf, &len);
    assert_true(len < 300000);
    assert_non_null(strstr(buf, "<section id=\"equity\">"));
    free(buf);
}

/* A run whose curve has one point is refused with its id named. */
static void test_refuses_an_empty_run(void **state)
{
    (void)state;
    struct mt_rpt_run r;
    struct mt_rpt_trade t[6];
    struct mt_rpt_mark m[1];
    build_run(&r, t, m, 1);
    struct mt_report_input in = {.run = &r, .journal = "j.db", .version = "test"};
    FILE *f = tmpfile();
    assert_non_null(f);
    struct mt_err err = {0};
    assert_int_equal(mt_report_write(f, &in, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "run 7 has 1 equity points"));
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_downsample_keeps_the_envelope),
        cmocka_unit_test(test_downsample_gaps),
        cmocka_unit_test(test_drawdowns_agree_with_the_metrics),
        cmocka_unit_test(test_daily_and_monthly),
        cmocka_unit_test(test_rolling),
        cmocka_unit_test(test_group_and_tracked),
        cmocka_unit_test(test_page_of_a_run),
        cmocka_unit_test(test_a_flat_curve_is_bounded),
        cmocka_unit_test(test_refuses_an_empty_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
