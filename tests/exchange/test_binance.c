/* Binance client (http + governor + endpoints) end to end against the real
 * mt-fakebinance on an ephemeral loopback port, serving a store made from the
 * BTCUSDT 1h March 2023 fixture and 2500 synthetic 1m candles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/clock.h"
#include "core/series.h"
#include "core/time.h"
#include "exchange/binance.h"
#include "store/store.h"
#include "testutil.h"

static char *g_dir;
static pid_t g_server_pid; /* the running server, killed by the per-test teardown if a test fails */
static struct mt_series g_btc; /* the fixture rows */

/* Server clock: 2023-03-20 05:30 UTC, advancing in real time. */
#define CLOCK_MS INT64_C(1679290200000)
#define MIN1_START INT64_C(1679184000000) /* 2023-03-19 00:00, 2500 1m candles */


static void start(struct tu_server *s, ...)
{
    const char *args[40] = {"--data-dir", g_dir, "--clock", "1679290200000"};
    size_t n = 4;
    va_list ap;
    va_start(ap, s);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 39)
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    tu_server_start(s, args);
    g_server_pid = s->pid;
}

static void stop(struct tu_server *s)
{
    g_server_pid = 0;
    tu_server_stop(s);
}

static int stop_leftover(void **state)
{
    (void)state;
    if (g_server_pid > 0) {
        kill(g_server_pid, SIGTERM);
        waitpid(g_server_pid, NULL, 0);
        g_server_pid = 0;
    }
    return 0;
}

/* A client of s with `tries` tries per request and `concurrency` transfers at once. */
static void client_n(struct mt_binance *b, const struct tu_server *s, int tries, int concurrency)
{
    struct mt_binance_config cfg;
    mt_binance_config_default(&cfg);
    snprintf(cfg.http.base_url, sizeof cfg.http.base_url, "%s", s->base);
    cfg.http.max_tries = tries;
    cfg.http.max_concurrent = concurrency;
    cfg.http.backoff_ms = 10;
    cfg.http.backoff_max_ms = 40;
    cfg.http.timeout_ms = 5000;
    cfg.http.seed = 42;
    struct mt_err err = {0};
    assert_int_equal(mt_binance_init(b, &cfg, &err), 0);
}

/* Asserts msg == fmt with the server's base url for its %s. */
static void assert_msg_with_url(const char *msg, const char *fmt, const struct tu_server *s)
{
    char want[1024];
    snprintf(want, sizeof want, fmt, s->base);
    assert_string_equal(msg, want);
}

static void client(struct mt_binance *b, const struct tu_server *s, int tries)
{
    client_n(b, s, tries, 4);
}

static double synth_close(int i)
{
    return 100.0 + (double)(i % 97) * 0.25;
}

static int setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp();
    struct mt_err err = {0};
    tu_fixture_series("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", &g_btc);
    assert_int_equal(mt_store_save(g_dir, "BTCUSDT", MT_TF_1H, &g_btc, NULL, &err), 0);
    struct mt_series m;
    mt_series_init(&m, MT_F_ALL);
    for (int i = 0; i < 2500; i++) {
        double c = synth_close(i);
        struct mt_candle k = {.open_time = MIN1_START + i * INT64_C(60000), .open = c, .high = c + 1.0,
                              .low = c - 1.0, .close = c, .volume = 2.0, .quote_volume = 2.0 * c,
                              .trades = (double)(i % 50), .taker_buy_base = 1.0, .taker_buy_quote = c};
        assert_int_equal(mt_series_append(&m, &k, &err), 0);
    }
    assert_int_equal(mt_store_save(g_dir, "SYNUSDT", MT_TF_1M_MIN, &m, NULL, &err), 0);
    mt_series_release(&m);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mt_series_release(&g_btc);
    tu_rmtree(g_dir);
    free(g_dir);
    return 0;
}

static void test_time_and_exchange_info(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--weight-limit", "1200", NULL);
    struct mt_binance b;
    client(&b, &s, 3);
    struct mt_err err = {0};
    int64_t t = 0;
    assert_int_equal(mt_binance_server_time(&b, &t, &err), 0);
    assert_true(t >= CLOCK_MS && t < CLOCK_MS + 60000);
    struct mt_exchange_info info;
    if (mt_binance_exchange_info(&b, &info, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(info.weight_limit, 1200);
    assert_int_equal(mt_gov_budget(&b.gov), 960); /* 80% of the server's limit */
    const struct mt_symbol_info *btc = NULL;
    for (size_t i = 0; i < info.n; i++)
        if (strcmp(info.symbols[i].symbol, "BTCUSDT") == 0)
            btc = &info.symbols[i];
    assert_non_null(btc);
    assert_string_equal(btc->base, "BTC");
    assert_string_equal(btc->quote, "USDT");
    assert_string_equal(btc->status, "TRADING");
    assert_true(btc->tick_size > 0.0 && btc->step_size > 0.0);
    mt_exchange_info_release(&info);
    mt_binance_release(&b);
    stop(&s);
}

static void assert_rows_equal_fixture(const struct mt_series *got, size_t from)
{
    for (size_t i = 0; i < got->n; i++) {
        struct mt_candle a, e;
        mt_series_get(got, i, &a);
        mt_series_get(&g_btc, from + i, &e);
        assert_int_equal(a.open_time, e.open_time);
        tu_assert_same_double(a.open, e.open);
        tu_assert_same_double(a.high, e.high);
        tu_assert_same_double(a.low, e.low);
        tu_assert_same_double(a.close, e.close);
        tu_assert_same_double(a.volume, e.volume);
        tu_assert_same_double(a.quote_volume, e.quote_volume);
        tu_assert_same_double(a.trades, e.trades);
        tu_assert_same_double(a.taker_buy_base, e.taker_buy_base);
        tu_assert_same_double(a.taker_buy_quote, e.taker_buy_quote);
    }
}

static void test_klines_page_and_errors(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, NULL);
    struct mt_binance b;
    client(&b, &s, 3);
    struct mt_err err = {0};
    struct mt_series out;
    mt_series_init(&out, MT_F_ALL);
    assert_int_equal(mt_binance_klines(&b, "BTCUSDT", MT_TF_1H, 1677628800000, -1, 5, &out, &err), 0);
    assert_int_equal(out.n, 5);
    assert_rows_equal_fixture(&out, 0);
    /* Without startTime: the most recent candles; the open 05:00 one is dropped. */
    mt_series_release(&out);
    mt_series_init(&out, MT_F_ALL);
    assert_int_equal(mt_binance_klines(&b, "BTCUSDT", MT_TF_1H, -1, -1, 3, &out, &err), 0);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.open_time[0], 1679281200000); /* 2023-03-20 03:00 */
    assert_int_equal(out.open_time[1], 1679284800000); /* 04:00 */
    /* Unknown symbol: http status, Binance code and message, symbol named. */
    assert_int_equal(mt_binance_klines(&b, "NOPEUSDT", MT_TF_1H, -1, -1, 3, &out, &err), MT_EIO);
    assert_msg_with_url(err.msg, "klines NOPEUSDT 1h: http 400 from %s/api/v3/klines, binance -1121: Invalid symbol.",
                        &s);
    assert_int_equal(out.n, 2);
    assert_int_equal(mt_binance_klines(&b, "btc/usdt", MT_TF_1H, -1, -1, 3, &out, &err), MT_EINVAL);
    mt_series_release(&out);
    mt_binance_release(&b);
    stop(&s);
}

/* Records the order in which jobs end and what had started by then. */
struct ended_log {
    struct mt_klines_job *jobs;
    size_t order[3];
    size_t n;
    int later_started; /* jobs after the ending one that had already fetched pages */
};

static void record_end(void *user, struct mt_klines_job *job)
{
    struct ended_log *log = user;
    size_t idx = (size_t)(job - log->jobs);
    log->order[log->n++] = idx;
    for (size_t k = idx + 1; k < 3; k++)
        log->later_started += log->jobs[k].pages > 0 || log->jobs[k].series.n > 0;
}

/* Fetches BTCUSDT 1h, SYNUSDT 1m and an unknown symbol, `concurrency` at once. */
static void run_many(const struct tu_server *s, int tries, int concurrency)
{
    struct mt_binance b;
    client_n(&b, s, tries, concurrency);
    struct mt_klines_job jobs[3];
    memset(jobs, 0, sizeof jobs);
    snprintf(jobs[0].symbol, sizeof jobs[0].symbol, "BTCUSDT");
    jobs[0].tf = MT_TF_1H;
    jobs[0].start_ms = 1677628800000;
    jobs[0].end_ms = -1;
    snprintf(jobs[1].symbol, sizeof jobs[1].symbol, "SYNUSDT");
    jobs[1].tf = MT_TF_1M_MIN;
    jobs[1].start_ms = MIN1_START;
    jobs[1].end_ms = -1;
    snprintf(jobs[2].symbol, sizeof jobs[2].symbol, "NOPEUSDT");
    jobs[2].tf = MT_TF_1H;
    jobs[2].start_ms = 1677628800000;
    jobs[2].end_ms = -1;
    for (int i = 0; i < 3; i++)
        mt_series_init(&jobs[i].series, MT_F_ALL);
    struct mt_err err = {0};
    struct ended_log log = {.jobs = jobs};
    assert_int_equal(mt_binance_klines_many(&b, jobs, 3, record_end, &log, &err), 0);
    assert_int_equal(log.n, 3);
    if (concurrency == 1) {
        /* One job at a time, in array order: none started before the previous ended. */
        assert_int_equal(log.order[0], 0);
        assert_int_equal(log.order[1], 1);
        assert_int_equal(log.order[2], 2);
        assert_int_equal(log.later_started, 0);
    }
    if (jobs[0].rc)
        fail_msg("%s", jobs[0].err.msg);
    if (jobs[1].rc)
        fail_msg("%s", jobs[1].err.msg);
    /* BTCUSDT: every closed hour up to 2023-03-20 04:00 = fixture rows 0..460. */
    size_t want = mt_series_lower_bound(&g_btc, 1679284800000) + 1;
    assert_int_equal(want, 461);
    assert_int_equal(jobs[0].series.n, want);
    assert_rows_equal_fixture(&jobs[0].series, 0);
    /* SYNUSDT: the 1m data ends 2023-03-20 17:39, after the clock (05:30): the
     * candles up to 05:29 are closed: 29 h 30 min = 1770 rows in 2 pages. */
    assert_int_equal(jobs[1].series.n, 1770);
    assert_int_equal(jobs[1].pages, 2);
    for (size_t i = 0; i < 1770; i++) {
        assert_int_equal(jobs[1].series.open_time[i], MIN1_START + (int64_t)i * 60000);
        tu_assert_same_double(jobs[1].series.close[i], synth_close((int)i));
    }
    assert_int_equal(jobs[2].rc, MT_EIO);
    assert_msg_with_url(jobs[2].err.msg,
                        "klines NOPEUSDT 1h: http 400 from %s/api/v3/klines, binance -1121: Invalid symbol.", s);
    for (int i = 0; i < 3; i++)
        mt_series_release(&jobs[i].series);
    mt_binance_release(&b);
}

static void test_klines_many(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, NULL);
    run_many(&s, 1, 4);
    run_many(&s, 1, 1);
    stop(&s);
}

/* Plain-HTTP transfers run side by side on their own connections (HTTP/1.1
 * cannot multiplex; waiting to multiplex would run them one by one): with
 * 300 ms added to every answer, the four answers leave the server within
 * one latency of each other, where one-by-one transfers would be 900 ms apart. */
static void test_transfers_overlap(void **state)
{
    (void)state;
    char log_path[4200];
    snprintf(log_path, sizeof log_path, "%s/overlap.log", g_dir);
    struct tu_server s;
    start(&s, "--latency-ms", "300", "--log", log_path, NULL);
    struct mt_binance b;
    client_n(&b, &s, 1, 4);
    struct mt_klines_job jobs[4];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 4; i++) {
        snprintf(jobs[i].symbol, sizeof jobs[i].symbol, "BTCUSDT");
        jobs[i].tf = MT_TF_1H;
        jobs[i].start_ms = 1677628800000 + (int64_t)i * 3600000;
        jobs[i].end_ms = jobs[i].start_ms;
        mt_series_init(&jobs[i].series, MT_F_ALL);
    }
    struct mt_err err = {0};
    assert_int_equal(mt_binance_klines_many(&b, jobs, 4, NULL, NULL, &err), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_int_equal(jobs[i].series.n, 1);
        assert_int_equal(jobs[i].series.open_time[0], jobs[i].start_ms);
        mt_series_release(&jobs[i].series);
    }
    mt_binance_release(&b);
    stop(&s);
    size_t len = 0;
    char *log = tu_read_file(log_path, &len);
    long long first = -1, last = -1;
    int klines = 0;
    for (char *line = log; line && *line;) {
        char *nl = strchr(line, '\n');
        long long ms;
        char target[64];
        if (sscanf(line, "%lld GET %63s", &ms, target) == 2 && strncmp(target, "/api/v3/klines", 14) == 0) {
            first = first < 0 || ms < first ? ms : first;
            last = ms > last ? ms : last;
            klines++;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(log);
    assert_int_equal(klines, 4);
    assert_in_range(last - first, 0, 299);
}

/* 5xx, malformed JSON, cut bodies and dropped connections are retried: the
 * data comes out identical. */
static void test_klines_many_with_faults(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--fail-5xx", "0.15", "--malformed", "0.1", "--truncate", "0.1", "--drop", "0.1", "--seed", "7",
          NULL);
    run_many(&s, 12, 4);
    stop(&s);
}

/* Past the limit the server answers 429 and, with --ban-after 0, bans at once:
 * the client stops with an error naming the ban's end. */
static void test_ban_stops_everything(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--weight-limit", "6", "--ban-after", "0", NULL);
    struct mt_binance_config cfg;
    mt_binance_config_default(&cfg);
    snprintf(cfg.http.base_url, sizeof cfg.http.base_url, "%s", s.base);
    cfg.gov.share = 1.0;
    cfg.gov.limit = 1000; /* the client believes in a larger budget than the server's */
    struct mt_binance b;
    struct mt_err err = {0};
    assert_int_equal(mt_binance_init(&b, &cfg, &err), 0);
    struct mt_series out;
    mt_series_init(&out, MT_F_ALL);
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++) {
        out.n = 0;
        rc = mt_binance_klines(&b, "BTCUSDT", MT_TF_1H, 1677628800000, -1, 2, &out, &err);
    }
    assert_int_equal(rc, MT_EBANNED);
    assert_non_null(strstr(err.msg, "binance banned this ip (http 418) until "));
    /* Further requests fail at once without reaching the server. */
    int64_t t;
    assert_int_equal(mt_binance_server_time(&b, &t, &err), MT_EBANNED);
    assert_non_null(strstr(err.msg, "banned"));
    mt_series_release(&out);
    mt_binance_release(&b);
    stop(&s);
}

/* A client of base_url (set as given) with one try per request, one transfer
 * at a time (requests reach the server in a fixed order) and the deadline. */
static int client_at(struct mt_binance *b, const char *base_url, int64_t deadline_ms, struct mt_err *err)
{
    struct mt_binance_config cfg;
    mt_binance_config_default(&cfg);
    snprintf(cfg.http.base_url, sizeof cfg.http.base_url, "%s", base_url);
    cfg.http.max_tries = 1;
    cfg.http.max_concurrent = 1;
    cfg.http.deadline_ms = deadline_ms;
    return mt_binance_init(b, &cfg, err);
}

/* Trailing slashes are dropped from the base url; an error names the URL
 * that answered, without credentials. */
static void test_base_url_in_requests_and_errors(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, NULL);
    char base[256], want[512];
    struct mt_err err = {0};
    struct mt_binance b;
    snprintf(base, sizeof base, "%s//", s.base);
    assert_int_equal(client_at(&b, base, 0, &err), 0);
    int64_t t = 0;
    if (mt_binance_server_time(&b, &t, &err))
        fail_msg("%s", err.msg);
    assert_true(t >= CLOCK_MS && t < CLOCK_MS + 60000);
    mt_binance_release(&b);
    snprintf(base, sizeof base, "http://trader:s3cret@%s/nope/", s.base + strlen("http://"));
    assert_int_equal(client_at(&b, base, 0, &err), 0);
    assert_int_equal(mt_binance_server_time(&b, &t, &err), MT_EIO);
    snprintf(want, sizeof want, "server time: http 404 from http://***@%s/nope/api/v3/time after 1 try",
             s.base + strlen("http://"));
    assert_string_equal(err.msg, want);
    mt_binance_release(&b);
    /* a job starting before 1970 would send no startTime: refused */
    assert_int_equal(client_at(&b, s.base, 0, &err), 0);
    struct mt_klines_job job;
    memset(&job, 0, sizeof job);
    snprintf(job.symbol, sizeof job.symbol, "BTCUSDT");
    job.tf = MT_TF_1H;
    job.start_ms = -3600000;
    job.end_ms = -1;
    mt_series_init(&job.series, MT_F_ALL);
    assert_int_equal(mt_binance_klines_many(&b, &job, 1, NULL, NULL, &err), 0);
    assert_int_equal(job.rc, MT_EINVAL);
    assert_string_equal(job.err.msg, "klines BTCUSDT 1h: start time -3600000 is before 1970");
    assert_int_equal(job.series.n, 0);
    mt_series_release(&job.series);
    mt_binance_release(&b);
    stop(&s);
}

/* A server that stops answering: at the run deadline every open request is
 * abandoned with an error naming it; the pages fetched before are kept. */
static void test_deadline_abandons_requests(void **state)
{
    (void)state;
    struct tu_server s;
    /* the server time and the first SYNUSDT page, then nothing */
    start(&s, "--hang-after", "2", NULL);
    struct mt_err err = {0};
    struct mt_binance b;
    int64_t t0 = mt_clock_now(mt_clock_wall());
    assert_int_equal(client_at(&b, s.base, t0 + 1500, &err), 0);
    struct mt_klines_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    snprintf(jobs[0].symbol, sizeof jobs[0].symbol, "SYNUSDT");
    jobs[0].tf = MT_TF_1M_MIN;
    jobs[0].start_ms = MIN1_START;
    snprintf(jobs[1].symbol, sizeof jobs[1].symbol, "BTCUSDT");
    jobs[1].tf = MT_TF_1H;
    jobs[1].start_ms = 1677628800000;
    for (int i = 0; i < 2; i++) {
        jobs[i].end_ms = -1;
        mt_series_init(&jobs[i].series, MT_F_ALL);
    }
    assert_int_equal(mt_binance_klines_many(&b, jobs, 2, NULL, NULL, &err), 0);
    int64_t took = mt_clock_now(mt_clock_wall()) - t0;
    assert_in_range(took, 1500, 2500);
    assert_int_equal(jobs[0].series.n, 1000); /* the first page */
    char want[512], when[40];
    mt_time_format(t0 + 1500, when, sizeof when);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(jobs[i].rc, MT_EIO);
        snprintf(want, sizeof want, "klines %s %s: GET %s/api/v3/klines: not finished by the run deadline %s UTC",
                 jobs[i].symbol, mt_tf_name(jobs[i].tf), s.base, when);
        assert_string_equal(jobs[i].err.msg, want);
        mt_series_release(&jobs[i].series);
    }
    /* Later requests fail at once. */
    int64_t t1 = mt_clock_now(mt_clock_wall());
    assert_int_equal(mt_binance_server_time(&b, &t1, &err), MT_EIO);
    assert_non_null(strstr(err.msg, "not finished by the run deadline"));
    mt_binance_release(&b);
    stop(&s);
}

/* A 429 whose Retry-After ends after the deadline fails at once instead of
 * sleeping into the deadline. */
static void test_deadline_before_rate_limit_wait(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--weight-limit", "4", "--ban-after", "1000", NULL);
    struct mt_err err = {0};
    struct mt_binance b;
    int64_t t0 = mt_clock_now(mt_clock_wall());
    /* the fake's Retry-After is whole seconds, at least 1 */
    assert_int_equal(client_at(&b, s.base, t0 + 800, &err), 0);
    b.http.cfg.max_tries = 3;
    struct mt_series out;
    mt_series_init(&out, MT_F_ALL);
    int rc = 0;
    for (int i = 0; i < 5 && rc == 0; i++)
        rc = mt_binance_klines(&b, "BTCUSDT", MT_TF_1H, 1677628800000, -1, 2, &out, &err);
    assert_int_equal(rc, MT_EIO);
    assert_non_null(strstr(err.msg, "not finished by the run deadline"));
    assert_non_null(strstr(err.msg, ": the rate-limit wait ends later, at "));
    assert_true(mt_clock_now(mt_clock_wall()) - t0 < 800);
    mt_series_release(&out);
    mt_binance_release(&b);
    stop(&s);
}

static void test_tickers_and_depth(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, NULL);
    struct mt_binance b;
    client(&b, &s, 3);
    struct mt_err err = {0};
    struct mt_ticker24 *t = NULL;
    size_t n = 0;
    if (mt_binance_tickers_24h(&b, &t, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    const struct mt_ticker24 *btc = strcmp(t[0].symbol, "BTCUSDT") == 0 ? &t[0] : &t[1];
    assert_string_equal(btc->symbol, "BTCUSDT");
    assert_true(btc->last_price > 0.0);
    assert_true(btc->high >= btc->low && btc->low > 0.0 && btc->quote_volume > 0.0);
    assert_true(btc->close_time >= CLOCK_MS - 60000 && btc->close_time < CLOCK_MS + 60000);
    free(t);
    struct mt_book_ticker *bt = NULL;
    if (mt_binance_book_tickers(&b, &bt, &n, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(bt[i].bid > 0 && bt[i].ask > bt[i].bid);
    }
    free(bt);
    struct mt_depth d;
    if (mt_binance_depth(&b, "BTCUSDT", 10, &d, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(d.nbids, 10);
    assert_int_equal(d.nasks, 10);
    assert_true(d.bids[0].price < d.asks[0].price);
    assert_true(d.bids[1].price < d.bids[0].price && d.asks[1].price > d.asks[0].price);
    mt_depth_release(&d);
    assert_int_equal(mt_binance_depth(&b, "NOPEUSDT", 10, &d, &err), MT_EIO);
    assert_msg_with_url(err.msg, "depth NOPEUSDT: http 400 from %s/api/v3/depth, binance -1121: Invalid symbol.", &s);
    mt_binance_release(&b);
    stop(&s);
}

static cJSON *json(const char *text)
{
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    return root;
}

/* The body parsers alone (as fuzz_exchange calls them): values read, and a
 * body the server should not send fails leaving the output empty. */
static void test_body_parsers(void **state)
{
    (void)state;
    struct mt_err err = {0};
    struct mt_exchange_info info;
    cJSON *root = json("{\"serverTime\": 1704067200000, \"rateLimits\": [{\"rateLimitType\": \"REQUEST_WEIGHT\","
                       " \"interval\": \"MINUTE\", \"intervalNum\": 1, \"limit\": 6000}], \"symbols\": ["
                       "{\"symbol\": \"BTCUSDT\", \"status\": \"TRADING\", \"baseAsset\": \"BTC\","
                       " \"quoteAsset\": \"USDT\","
                       " \"filters\": [{\"filterType\": \"PRICE_FILTER\", \"tickSize\": \"0.01\"},"
                       " {\"filterType\": \"NOTIONAL\", \"minNotional\": \"5.0\"}]},"
                       " {\"symbol\": \"ETHBTC\", \"status\": \"BREAK\", \"baseAsset\": \"ETH\"}]}");
    assert_int_equal(mt_binance_exchange_info_parse(root, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg,
                        "exchange info: symbol 1: expected symbol, status, baseAsset and quoteAsset strings");
    assert_int_equal(info.n, 0);
    assert_null(info.symbols);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(root, "symbols"), 1);
    assert_int_equal(mt_binance_exchange_info_parse(root, &info, &err), 0);
    assert_int_equal(info.server_time, INT64_C(1704067200000));
    assert_int_equal(info.weight_limit, 6000);
    assert_int_equal(info.n, 1);
    assert_string_equal(info.symbols[0].quote, "USDT");
    assert_true(info.symbols[0].tick_size == 0.01 && info.symbols[0].min_notional == 5.0);
    mt_exchange_info_release(&info);
    cJSON_Delete(root);

    struct mt_ticker24 *t24;
    struct mt_book_ticker *bt;
    size_t n = 9;
    root = json("[{\"symbol\": \"BTCUSDT\", \"lastPrice\": \"1\"}]");
    assert_int_equal(mt_binance_tickers_24h_parse(root, &t24, &n, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "24h tickers: item 0: expected symbol, prices, volumes, count, closeTime");
    assert_null(t24);
    assert_int_equal(n, 0);
    cJSON_Delete(root);
    root = json("[{\"symbol\": \"BTCUSDT\", \"bidPrice\": \"4.5\", \"bidQty\": \"1\", \"askPrice\": \"4.6\","
                " \"askQty\": \"2\"}]");
    assert_int_equal(mt_binance_book_tickers_parse(root, &bt, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(bt[0].bid == 4.5 && bt[0].ask_qty == 2.0);
    free(bt);
    cJSON_Delete(root);

    struct mt_depth d;
    root = json("{\"lastUpdateId\": 7, \"bids\": [[\"4.0\", \"1\"], [\"3.9\"]], \"asks\": []}");
    assert_int_equal(mt_binance_depth_parse(root, "depth BTCUSDT", &d, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "depth BTCUSDT: expected lastUpdateId and [[price, qty]] bids/asks");
    assert_true(d.nbids == 0 && d.bids == NULL);
    cJSON_Delete(root);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_parsers),
        cmocka_unit_test_teardown(test_time_and_exchange_info, stop_leftover),
        cmocka_unit_test_teardown(test_klines_page_and_errors, stop_leftover),
        cmocka_unit_test_teardown(test_klines_many, stop_leftover),
        cmocka_unit_test_teardown(test_klines_many_with_faults, stop_leftover),
        cmocka_unit_test_teardown(test_transfers_overlap, stop_leftover),
        cmocka_unit_test_teardown(test_ban_stops_everything, stop_leftover),
        cmocka_unit_test_teardown(test_tickers_and_depth, stop_leftover),
        cmocka_unit_test_teardown(test_base_url_in_requests_and_errors, stop_leftover),
        cmocka_unit_test_teardown(test_deadline_abandons_requests, stop_leftover),
        cmocka_unit_test_teardown(test_deadline_before_rate_limit_wait, stop_leftover),
    };
    if (getenv("MT_TEST_FILTER"))
        cmocka_set_test_filter(getenv("MT_TEST_FILTER"));
    return cmocka_run_group_tests(tests, setup, teardown);
}
