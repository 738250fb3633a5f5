/* mt-fakebinance end to end: a store made from the Binance fixture, the real
 * server started on an ephemeral port, requests over HTTP with libcurl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/series.h"
#include "store/store.h"
#include "testutil.h"

static char *g_dir; /* the store */


/* Starts mt-fakebinance --data-dir g_dir with extra args (NULL-terminated). */
static void start(struct tu_server *s, ...)
{
    const char *args[32] = {"--data-dir", g_dir};
    size_t n = 2;
    va_list ap;
    va_start(ap, s);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 31)
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    tu_server_start(s, args);
}


struct resp {
    CURLcode rc;
    long status;
    char body[1 << 20];
    size_t len;
    long used;  /* X-MBX-USED-WEIGHT-1M, -1 if absent */
    long used_legacy;
    long retry; /* Retry-After, -1 if absent */
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    size_t k = sz * n;
    if (r->len + k >= sizeof r->body)
        return 0;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static long header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return -2;
    return strtol(line + nl + 1, NULL, 10);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    long v;
    if ((v = header_value(p, sz * n, "X-MBX-USED-WEIGHT-1M")) != -2)
        r->used = v;
    if ((v = header_value(p, sz * n, "X-MBX-USED-WEIGHT")) != -2)
        r->used_legacy = v;
    if ((v = header_value(p, sz * n, "Retry-After")) != -2)
        r->retry = v;
    return sz * n;
}

static struct resp g_resp;

/* GET base+path on a fresh connection (so a dropped one is never retried). */
static struct resp *get(const struct tu_server *s, const char *path)
{
    struct resp *r = &g_resp;
    r->status = 0;
    r->len = 0;
    r->body[0] = '\0';
    r->used = r->used_legacy = r->retry = -1;
    char url[1024];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    return r;
}

static void assert_body(const struct tu_server *s, const char *path, long status, const char *body)
{
    struct resp *r = get(s, path);
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, status);
    assert_string_equal(r->body, body);
}

/* Open times of a klines answer, checked against want[0..n). */
static void assert_open_times(const struct tu_server *s, const char *path, const long long *want,
                              int n)
{
    struct resp *r = get(s, path);
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, 200);
    cJSON *a = cJSON_Parse(r->body);
    assert_non_null(a);
    assert_int_equal(cJSON_GetArraySize(a), n);
    for (int i = 0; i < n; i++) {
        const cJSON *row = cJSON_GetArrayItem(a, i);
        assert_int_equal(cJSON_GetArraySize(row), 12);
        assert_true(cJSON_GetArrayItem(row, 0)->valuedouble == (double)want[i]);
    }
    cJSON_Delete(a);
}

/* Rate-limit tests must not straddle a minute boundary of the real clock. */
static void avoid_minute_end(void)
{
    time_t t = time(NULL);
    if (t % 60 > 50)
        sleep((unsigned)(61 - t % 60));
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_series btc;
    tu_fixture_series("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", &btc);
    assert_int_equal(btc.n, 743);
    assert_int_equal(mt_store_save(g_dir, "BTCUSDT", MT_TF_1H, &btc, NULL, &err), 0);
    mt_series_release(&btc);
    /* A stored 4h candle with values no 1h row has: served as stored once
     * closed; while open only its open is shown (the rest comes from 1h). */
    struct mt_series h4;
    mt_series_init(&h4, MT_F_OHLCV);
    struct mt_candle c4 = {.open_time = INT64_C(1677628800000), .open = 23141.57, .high = 99999.0,
                           .low = 1.0, .close = 50000.0, .volume = 777.0};
    assert_int_equal(mt_series_append(&h4, &c4, &err), 0);
    assert_int_equal(mt_store_save(g_dir, "BTCUSDT", MT_TF_4H, &h4, NULL, &err), 0);
    mt_series_release(&h4);
    /* ETHBTC: 48 hours of 6-column candles (no quote volume, trades, taker volumes). */
    struct mt_series e;
    mt_series_init(&e, MT_F_OHLCV);
    for (int i = 0; i < 48; i++) {
        struct mt_candle c = {.open_time = INT64_C(1678406400000) + i * INT64_C(3600000),
                              .open = 0.0625, .high = 0.125, .low = 0.03125, .close = 0.0625,
                              .volume = 10.0 + i};
        assert_int_equal(mt_series_append(&e, &c, &err), 0);
    }
    assert_int_equal(mt_store_save(g_dir, "ETHBTC", MT_TF_1H, &e, NULL, &err), 0);
    mt_series_release(&e);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(g_dir);
    free(g_dir);
    curl_global_cleanup();
    return 0;
}

#define ROW_0000                                                                                  \
    "[1677628800000,\"23141.57000000\",\"23219.99000000\",\"23020.03000000\",\"23101.00000000\"," \
    "\"12736.94918000\",1677632399999,\"294608802.25086680\",430193,\"6319.19996000\","          \
    "\"146161637.97230100\",\"0\"]"
#define ROW_LAST                                                                                  \
    "[1680303600000,\"28570.31000000\",\"28595.75000000\",\"28465.36000000\",\"28465.36000000\"," \
    "\"1377.36769000\",1680307199999,\"39286328.46539620\",37923,\"612.44786000\","              \
    "\"17466570.60357820\",\"0\"]"

/* Replayed clock after the data: every candle closed. */
static void test_klines_rows_and_ranges(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--clock", "1680307200000", NULL);
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677628800000&limit=1",
                200, "[" ROW_0000 "]");
    assert_int_equal(g_resp.used, 2);
    assert_int_equal(g_resp.used_legacy, 2);
    /* No range: the most recent `limit`. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1", 200, "[" ROW_LAST "]");
    /* Default limit 500 of 743 rows: the last 500. */
    struct resp *r = get(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h");
    cJSON *a = cJSON_Parse(r->body);
    assert_int_equal(cJSON_GetArraySize(a), 500);
    cJSON_Delete(a);
    /* limit above 1000 is capped at 1000: all 743. */
    r = get(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=5000&startTime=0");
    a = cJSON_Parse(r->body);
    assert_int_equal(cJSON_GetArraySize(a), 743);
    cJSON_Delete(a);
    /* endTime only: the most recent candles opening <= endTime. */
    const long long end2[] = {1677632400000, 1677636000000};
    assert_open_times(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=1677636000000&limit=2",
                      end2, 2);
    /* both: from startTime, never past endTime. */
    const long long both[] = {1677628800000, 1677632400000, 1677636000000};
    assert_open_times(&s,
                      "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677628800000"
                      "&endTime=1677636000000&limit=10",
                      both, 3);
    /* startTime between open times: the next open. */
    assert_open_times(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677628800001&limit=1",
                      both + 1, 1);
    /* Before listing: [] for a range entirely before, the first candles otherwise. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=0&endTime=1000", 200, "[]");
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=0&limit=1", 200,
                "[" ROW_0000 "]");
    /* The 2023-03-24 13:00 outage is absent from the data, so absent here. */
    const long long outage[] = {1679659200000, 1679666400000, 1679670000000};
    assert_open_times(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1679659200000&limit=3",
                      outage, 3);
    /* The stored 4h candle, closed: as stored (qv = v x close, taker halves). */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=4h&startTime=1677628800000&limit=1",
                200,
                "[[1677628800000,\"23141.57000000\",\"99999.00000000\",\"1.00000000\","
                "\"50000.00000000\",\"777.00000000\",1677643199999,\"38850000.00000000\",0,"
                "\"388.50000000\",\"19425000.00000000\",\"0\"]]");
    /* 2h is not stored: aggregated from 1h (hand-summed from the fixture's first two rows). */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=2h&startTime=1677628800000&limit=1",
                200,
                "[[1677628800000,\"23141.57000000\",\"23296.94000000\",\"23020.03000000\","
                "\"23245.96000000\",\"24311.12638000\",1677635999999,\"563017722.50453540\","
                "836277,\"12189.36681000\",\"282293452.19911120\",\"0\"]]");
    /* Derived fields of 6-column data: qv = v x close, taker = half. */
    assert_body(&s, "/api/v3/klines?symbol=ETHBTC&interval=1h&limit=1&startTime=1678406400000", 200,
                "[[1678406400000,\"0.06250000\",\"0.12500000\",\"0.03125000\",\"0.06250000\","
                "\"10.00000000\",1678409999999,\"0.62500000\",0,\"5.00000000\",\"0.31250000\",\"0\"]]");
    /* 1s is a valid interval that no store holds. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1s", 200, "[]");
    tu_server_stop(&s);
}

static void test_gap(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--clock", "1680307200000", "--gap", "BTCUSDT:1h:1677628800000:1677639599999", NULL);
    assert_body(&s,
                "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677628800000"
                "&endTime=1677636000000",
                200, "[]");
    const long long after[] = {1677639600000};
    assert_open_times(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677628800000&limit=1",
                      after, 1);
    tu_server_stop(&s);
}

/* Replayed clock at 2023-03-01 02:30: the 02:00 candle is still open. */
static void test_open_candle(void **state)
{
    (void)state;
    struct tu_server s;
    start(&s, "--clock", "1677637800000", NULL);
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1", 200,
                "[[1677636000000,\"23245.96000000\",\"23245.96000000\",\"23245.96000000\","
                "\"23245.96000000\",\"0.00000000\",1677639599999,\"0.00000000\",0,\"0.00000000\","
                "\"0.00000000\",\"0\"]]");
    /* Nothing after now exists yet. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=1677639600000", 200, "[]");
    /* The open stored 4h candle: its stored open, then the two closed hours of 1h data
     * (hand-summed from the fixture's first two rows); none of its stored high/low/close. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=4h&limit=1", 200,
                "[[1677628800000,\"23141.57000000\",\"23296.94000000\",\"23020.03000000\","
                "\"23245.96000000\",\"24311.12638000\",1677643199999,\"563017722.50453540\","
                "836277,\"12189.36681000\",\"282293452.19911120\",\"0\"]]");
    /* The open 2h candle (aggregated from 1h): no 1h row of it has closed yet. */
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=2h&limit=1", 200,
                "[[1677636000000,\"23245.96000000\",\"23245.96000000\",\"23245.96000000\","
                "\"23245.96000000\",\"0.00000000\",1677643199999,\"0.00000000\",0,\"0.00000000\","
                "\"0.00000000\",\"0\"]]");
    struct resp *r = get(&s, "/api/v3/time");
    cJSON *t = cJSON_Parse(r->body);
    double now = cJSON_GetObjectItem(t, "serverTime")->valuedouble;
    assert_true(now >= 1677637800000.0 && now < 1677637860000.0);
    cJSON_Delete(t);
    tu_server_stop(&s);
}

static void test_errors_and_weights(void **state)
{
    (void)state;
    avoid_minute_end();
    struct tu_server s;
    start(&s, "--clock", "1680307200000", NULL);
    assert_body(&s, "/api/v3/klines?symbol=NOPEUSDT&interval=1h", 400,
                "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    assert_int_equal(g_resp.used, 2);
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=2x", 400,
                "{\"code\":-1120,\"msg\":\"Invalid interval.\"}");
    assert_body(&s, "/api/v3/klines?interval=1h", 400,
                "{\"code\":-1102,\"msg\":\"Mandatory parameter 'symbol' was not sent, was "
                "empty/null, or malformed.\"}");
    assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=x", 400,
                "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'limit'; legal "
                "range is '^[0-9]{1,20}$'.\"}");
    assert_int_equal(g_resp.used, 8);
    struct resp *r = get(&s, "/api/v3/nothing");
    assert_int_equal(r->status, 404);
    assert_int_equal(r->used, 8);
    assert_body(&s, "/api/v3/ping", 200, "{}");
    assert_int_equal(g_resp.used, 9);
    r = get(&s, "/api/v3/exchangeInfo?symbols=%5B%22ETHBTC%22%5D");
    assert_int_equal(r->used, 29);
    cJSON *info = cJSON_Parse(r->body);
    const cJSON *lim = cJSON_GetArrayItem(cJSON_GetObjectItem(info, "rateLimits"), 0);
    assert_string_equal(cJSON_GetObjectItem(lim, "rateLimitType")->valuestring, "REQUEST_WEIGHT");
    assert_int_equal(cJSON_GetObjectItem(lim, "limit")->valueint, 6000);
    const cJSON *syms = cJSON_GetObjectItem(info, "symbols");
    assert_int_equal(cJSON_GetArraySize(syms), 1);
    const cJSON *e = cJSON_GetArrayItem(syms, 0);
    assert_string_equal(cJSON_GetObjectItem(e, "baseAsset")->valuestring, "ETH");
    assert_string_equal(cJSON_GetObjectItem(e, "quoteAsset")->valuestring, "BTC");
    assert_string_equal(cJSON_GetObjectItem(e, "status")->valuestring, "TRADING");
    cJSON_Delete(info);
    r = get(&s, "/api/v3/exchangeInfo?symbol=NOPE");
    assert_int_equal(r->status, 400);
    assert_int_equal(r->used, 49);
    r = get(&s, "/api/v3/depth?symbol=BTCUSDT&limit=500");
    assert_int_equal(r->used, 74);
    cJSON *d = cJSON_Parse(r->body);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "bids")), 500);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "asks")), 500);
    double bid = strtod(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "bids"), 0), 0)->valuestring, NULL);
    double ask = strtod(cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "asks"), 0), 0)->valuestring, NULL);
    /* around the last close 28465.36, within 5 bp */
    assert_true(bid < 28465.36 && ask > 28465.36 && ask - bid < 28465.36 * 0.0005 + 0.02);
    cJSON_Delete(d);
    r = get(&s, "/api/v3/depth?symbol=BTCUSDT&limit=1000");
    assert_int_equal(r->used, 124);
    r = get(&s, "/api/v3/depth?symbol=BTCUSDT&limit=5000");
    assert_int_equal(r->used, 374);
    r = get(&s, "/api/v3/ticker/24hr");
    assert_int_equal(r->used, 454);
    r = get(&s, "/api/v3/ticker/24hr?symbol=BTCUSDT");
    assert_int_equal(r->used, 456);
    cJSON *tk = cJSON_Parse(r->body);
    /* last 24 closed hours of March: open of 2023-03-31 00:00, last close 28465.36 */
    assert_string_equal(cJSON_GetObjectItem(tk, "lastPrice")->valuestring, "28465.36000000");
    assert_true(cJSON_GetObjectItem(tk, "closeTime")->valuedouble == 1680307199999.0);
    cJSON_Delete(tk);
    r = get(&s, "/api/v3/ticker/bookTicker?symbol=BTCUSDT");
    assert_int_equal(r->used, 458);
    tu_server_stop(&s);
}

static int count_status(const char *log, const char *status)
{
    size_t n = 0;
    char *text = tu_read_file(log, &n);
    int count = 0;
    char needle[16];
    snprintf(needle, sizeof needle, " %s ", status);
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        /* fields: real-ms method target status weight used fault */
        char *sp = strchr(line, ' ');
        sp = sp ? strchr(sp + 1, ' ') : NULL;
        sp = sp ? strchr(sp + 1, ' ') : NULL;
        if (sp && strncmp(sp, needle, strlen(needle)) == 0)
            count++;
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return count;
}

static void test_rate_limit_and_ban(void **state)
{
    (void)state;
    avoid_minute_end();
    char log[4096];
    snprintf(log, sizeof log, "%s/requests.log", g_dir);
    struct tu_server s;
    start(&s, "--clock", "1680307200000", "--weight-limit", "10", "--ban-after", "2", "--log", log,
          NULL);
    for (int i = 1; i <= 5; i++) {
        struct resp *r = get(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1");
        assert_int_equal(r->status, 200);
        assert_int_equal(r->used, 2 * i);
        assert_int_equal(r->retry, -1);
    }
    for (int i = 0; i < 2; i++) {
        assert_body(&s, "/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1", 429,
                    "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 10 "
                    "request weight per 1 MINUTE. Please use WebSocket Streams for live updates to "
                    "avoid polling the API.\"}");
        assert_int_equal(g_resp.used, 10);
        time_t t = time(NULL);
        assert_true(g_resp.retry >= 1 && g_resp.retry <= 60 - t % 60 + 1);
    }
    struct resp *r = get(&s, "/api/v3/ping");
    assert_int_equal(r->status, 418);
    assert_true(r->retry >= 119 && r->retry <= 120);
    r = get(&s, "/api/v3/ping");
    assert_int_equal(r->status, 418);
    tu_server_stop(&s);
    assert_int_equal(count_status(log, "200"), 5);
    assert_int_equal(count_status(log, "429"), 2);
    assert_int_equal(count_status(log, "418"), 2);
}

enum outcome { O_OK, O_DROP, O_5XX, O_TRUNC_CLOSE, O_BAD_JSON, O_COUNT };

/* Runs n requests and classifies each; seq (n entries) receives the outcomes. */
static void run_faults(const struct tu_server *s, int n, int *counts, int *seq)
{
    memset(counts, 0, O_COUNT * sizeof *counts);
    for (int i = 0; i < n; i++) {
        struct resp *r = get(s, "/api/v3/time");
        enum outcome o;
        if (r->rc == CURLE_GOT_NOTHING) {
            o = O_DROP;
        } else if (r->rc == CURLE_PARTIAL_FILE) {
            o = O_TRUNC_CLOSE;
        } else {
            assert_int_equal(r->rc, CURLE_OK);
            if (r->status >= 500) {
                assert_true(r->status == 500 || r->status == 502 || r->status == 503);
                cJSON *j = cJSON_Parse(r->body);
                assert_non_null(j);
                int code = cJSON_GetObjectItem(j, "code")->valueint;
                assert_true(code == -1001 || code == -1008);
                cJSON_Delete(j);
                o = O_5XX;
            } else {
                assert_int_equal(r->status, 200);
                cJSON *j = cJSON_Parse(r->body);
                o = j ? O_OK : O_BAD_JSON;
                cJSON_Delete(j);
            }
        }
        counts[o]++;
        seq[i] = (int)o;
    }
}

static void test_faults(void **state)
{
    (void)state;
    enum { N = 400 };
    int c1[O_COUNT], c2[O_COUNT], s1[N], s2[N];
    struct tu_server s;
    start(&s, "--clock", "1680307200000", "--seed", "7", "--drop", "0.1", "--fail-5xx", "0.1",
          "--malformed", "0.1", "--truncate", "0.1", NULL);
    run_faults(&s, N, c1, s1);
    tu_server_stop(&s);
    /* Shares of 10 % each (malformed and cut-short bodies both fail to parse: 15 %),
     * within about 3.5 standard deviations. */
    assert_in_range(c1[O_DROP], 20, 60);
    assert_in_range(c1[O_5XX], 20, 60);
    assert_in_range(c1[O_TRUNC_CLOSE], 8, 40);
    assert_in_range(c1[O_BAD_JSON], 35, 90);
    assert_in_range(c1[O_OK], 200, 280);
    /* Same seed, same sequence of outcomes. */
    start(&s, "--clock", "1680307200000", "--seed", "7", "--drop", "0.1", "--fail-5xx", "0.1",
          "--malformed", "0.1", "--truncate", "0.1", NULL);
    run_faults(&s, N, c2, s2);
    tu_server_stop(&s);
    assert_memory_equal(s1, s2, sizeof s1);
    /* No faults asked: every answer is clean. */
    start(&s, "--clock", "1680307200000", "--latency-ms", "20", NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_faults(&s, 10, c2, s2);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    tu_server_stop(&s);
    assert_int_equal(c2[O_OK], 10);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_true(ms >= 200.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_klines_rows_and_ranges), cmocka_unit_test(test_gap),
        cmocka_unit_test(test_open_candle),           cmocka_unit_test(test_errors_and_weights),
        cmocka_unit_test(test_rate_limit_and_ban),    cmocka_unit_test(test_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
