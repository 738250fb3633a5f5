/* The rate-limit governor and the HTTP client over several minute windows on
 * a virtual clock, against mt-fakebinance run in-process on the same clock:
 * the server's limiter counts weight in the very windows the governor plans
 * for, every wait (window ends, Retry-After) is a virtual sleep, and minutes
 * of waiting take no real time. The server's log (virtual ms per request)
 * gives the exact weight and requests of every window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/series.h"
#include "exchange/binance.h"
#include "server.h"
#include "store/store.h"
#include "testutil.h"

/* 2023-04-01 00:30:15 UTC: after the fixture's last candle, 45 s before the end of a window. */
#define T0 INT64_C(1680309015000)
#define WINDOW0 (T0 / 60000)
#define MAR1 INT64_C(1677628800000)
#define DAY INT64_C(86400000)
#define MAX_WINDOWS 8

static char *g_dir;        /* the store the server serves: BTCUSDT 1h of March 2023 */
static struct fb_data g_data;
static struct mt_series g_btc;

static int setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp();
    struct mt_err err = {0};
    tu_fixture_series("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", &g_btc);
    assert_int_equal(mt_store_save(g_dir, "BTCUSDT", MT_TF_1H, &g_btc, NULL, &err), 0);
    assert_int_equal(fb_data_load(&g_data, g_dir, NULL, 0, &err), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fb_data_release(&g_data);
    mt_series_release(&g_btc);
    tu_rmtree(g_dir);
    free(g_dir);
    return 0;
}

/* A server on clock (its time is the clock's: no replay offset) with the
 * given limit, logging to log_path. */
static void server_start(struct fb_server *s, const struct mt_clock *clock, int64_t limit, int64_t ban_after,
                         const char *log_path, char *base, size_t cap)
{
    struct fb_config cfg = {.port = 0, .clock = {.real = true, .speed = 1.0, .base = clock},
                            .weight_limit = limit, .ban_after = ban_after, .hang_after = -1, .seed = 1,
                            .log_path = log_path};
    struct mt_err err = {0};
    if (fb_server_start(s, &g_data, &cfg, &err))
        fail_msg("%s", err.msg);
    snprintf(base, cap, "http://127.0.0.1:%u", (unsigned)s->port);
}

static void client(struct mt_binance *b, const char *base, const struct mt_clock *clock, int concurrency,
                   int64_t gov_limit, double share)
{
    struct mt_binance_config cfg;
    mt_binance_config_default(&cfg);
    snprintf(cfg.http.base_url, sizeof cfg.http.base_url, "%s", base);
    cfg.http.clock = clock;
    cfg.http.max_concurrent = concurrency;
    cfg.http.timeout_ms = 5000;
    cfg.http.seed = 42;
    cfg.gov.limit = gov_limit;
    cfg.gov.share = share;
    struct mt_err err = {0};
    if (mt_binance_init(b, &cfg, &err))
        fail_msg("%s", err.msg);
}

/* n one-page jobs: BTCUSDT 1h, day i of March (24 candles, fewer on the outage day). */
static void day_jobs(struct mt_klines_job *jobs, size_t n)
{
    memset(jobs, 0, n * sizeof *jobs);
    for (size_t i = 0; i < n; i++) {
        snprintf(jobs[i].symbol, sizeof jobs[i].symbol, "BTCUSDT");
        jobs[i].tf = MT_TF_1H;
        jobs[i].start_ms = MAR1 + (int64_t)i * DAY;
        jobs[i].end_ms = jobs[i].start_ms + DAY - 3600000;
        mt_series_init(&jobs[i].series, MT_F_ALL);
    }
}

/* Every job succeeded in one page with exactly the fixture's candles of its day. */
static void check_jobs(struct mt_klines_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].rc)
            fail_msg("job %zu: %s", i, jobs[i].err.msg);
        assert_int_equal(jobs[i].pages, 1);
        size_t want = 0;
        for (size_t k = 0; k < g_btc.n; k++)
            want += g_btc.open_time[k] >= jobs[i].start_ms && g_btc.open_time[k] <= jobs[i].end_ms;
        assert_int_equal(jobs[i].series.n, want);
        assert_int_equal(jobs[i].series.open_time[0], jobs[i].start_ms);
        mt_series_release(&jobs[i].series);
    }
}

/* Per window from WINDOW0: answers 200, other answers, weight charged (200s). */
struct windows {
    int ok[MAX_WINDOWS], refused[MAX_WINDOWS];
    int64_t weight[MAX_WINDOWS];
};

/* Reads the server log: "ms method target status weight used fault". */
static void read_log(const char *path, struct windows *w)
{
    memset(w, 0, sizeof *w);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        int64_t ms, weight, used;
        int status;
        assert_int_equal(sscanf(line, "%" SCNd64 " %*s %*s %d %" SCNd64 " %" SCNd64, &ms, &status, &weight, &used),
                         4);
        int64_t k = ms / 60000 - WINDOW0;
        assert_in_range(k, 0, MAX_WINDOWS - 1);
        if (status == 200) {
            w->ok[k]++;
            w->weight[k] += weight;
        } else {
            w->refused[k]++;
        }
    }
    fclose(f);
}

/* The governor learns the server's limit of 30 from exchangeInfo and keeps
 * under 80 % of it (24) in every window, so a server that bans at the first
 * excess answers nothing but 200: the download's low-limit run, exact and in
 * no real time. exchangeInfo (20), the server time (1) and one page (2) fill
 * the first window; 30 pages of weight 2 then need three more windows of
 * 12, 12 and 6 pages, after waits of 45, 60 and 60 virtual seconds. */
static void test_budget_windows(void **state)
{
    (void)state;
    char log[4096], base[64];
    snprintf(log, sizeof log, "%s/budget.log", g_dir);
    struct mt_vclock v;
    mt_vclock_init(&v, T0);
    struct fb_server s;
    server_start(&s, &v.clock, 30, 0, log, base, sizeof base);
    struct mt_binance b;
    client(&b, base, &v.clock, 4, MT_GOV_DEFAULT_LIMIT, MT_GOV_DEFAULT_SHARE);
    struct mt_err err = {0};
    struct mt_exchange_info info = {0};
    if (mt_binance_exchange_info(&b, &info, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(mt_gov_budget(&b.gov), 24);
    mt_exchange_info_release(&info);
    struct mt_klines_job jobs[31];
    day_jobs(jobs, 31);
    assert_int_equal(mt_binance_klines_many(&b, jobs, 31, NULL, NULL, &err), 0);
    check_jobs(jobs, 31);
    /* 00:30:15 -> 00:33:00, all of it waiting for windows */
    assert_int_equal(mt_clock_now(&v.clock), T0 + 165000);
    assert_int_equal(mt_clock_mono(&v.clock), 165000);
    assert_int_equal(b.http.waited_rate_ms, 165000);
    assert_int_equal(b.http.waited_backoff_ms, 0);
    assert_int_equal(b.http.retries, 0);
    assert_int_equal(b.gov.spent, 20 + 1 + 31 * 2);
    mt_binance_release(&b);
    fb_server_stop(&s);
    struct windows w;
    read_log(log, &w);
    const int ok[4] = {3, 12, 12, 6};
    const int64_t weight[4] = {23, 24, 24, 12};
    for (int k = 0; k < MAX_WINDOWS; k++) {
        assert_int_equal(w.refused[k], 0);
        assert_int_equal(w.ok[k], k < 4 ? ok[k] : 0);
        assert_int_equal(w.weight[k], k < 4 ? weight[k] : 0);
    }
}

/* A client that believes in a larger budget than the server's 10: the
 * server's 429 Retry-After (to the end of its window) is waited out on the
 * virtual clock and the refused page is sent again. One transfer at a time:
 * the server time (1) and 4 pages (8) pass, the 5th page is refused until
 * 00:31 (45 s), 5 pages pass and the 10th is refused until 00:32 (60 s). */
static void test_retry_after_windows(void **state)
{
    (void)state;
    char log[4096], base[64];
    snprintf(log, sizeof log, "%s/retry.log", g_dir);
    struct mt_vclock v;
    mt_vclock_init(&v, T0);
    struct fb_server s;
    server_start(&s, &v.clock, 10, 1000, log, base, sizeof base);
    struct mt_binance b;
    client(&b, base, &v.clock, 1, 1000, 1.0);
    struct mt_err err = {0};
    struct mt_klines_job jobs[10];
    day_jobs(jobs, 10);
    assert_int_equal(mt_binance_klines_many(&b, jobs, 10, NULL, NULL, &err), 0);
    check_jobs(jobs, 10);
    assert_int_equal(mt_clock_now(&v.clock), T0 + 105000);
    assert_int_equal(b.http.waited_rate_ms, 105000);
    assert_int_equal(b.http.retries, 2);
    mt_binance_release(&b);
    fb_server_stop(&s);
    struct windows w;
    read_log(log, &w);
    const int ok[3] = {5, 5, 1}, refused[3] = {1, 1, 0};
    for (int k = 0; k < MAX_WINDOWS; k++) {
        assert_int_equal(w.ok[k], k < 3 ? ok[k] : 0);
        assert_int_equal(w.refused[k], k < 3 ? refused[k] : 0);
    }
    assert_int_equal(w.weight[0], 9);
    assert_int_equal(w.weight[1], 10);
    assert_int_equal(w.weight[2], 2);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_windows),
        cmocka_unit_test(test_retry_after_windows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
