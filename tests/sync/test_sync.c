/* mt_sync_run against mt-fakebinance run in-process on a virtual clock: a
 * first run downloads exactly the closed candles since `since` and snapshots
 * the universe (the stablecoin pair left out), a second run an outage later
 * adds exactly the new candles and counts the gap, resampling builds the
 * coarser timeframes from the stored ones, a store that refuses one symbol
 * fails that symbol alone, and an unknown symbol stops the run before any
 * download. No real time passes: the server's "now" is the test's clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/series.h"
#include "server.h"
#include "store/market.h"
#include "store/store.h"
#include "sync/sync.h"
#include "testutil.h"

#define HOUR INT64_C(3600000)
#define DAY INT64_C(86400000)
#define MAR1 INT64_C(1677628800000)
/* 2023-03-24 13:00 UTC: the fixture's one missing candle (Binance's outage). */
#define OUTAGE (MAR1 + 23 * DAY + 13 * HOUR)

static char *g_src;        /* the store the server serves */
static struct fb_data g_data;

/* The server's store: BTCUSDT, ETHUSDT and USDCUSDT 1h of March 2023 (743 candles each). */
static int setup(void **state)
{
    (void)state;
    g_src = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_series btc;
    tu_fixture_series("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", &btc);
    assert_int_equal(btc.n, 743);
    const char *names[] = {"BTCUSDT", "ETHUSDT", "USDCUSDT"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(mt_store_save(g_src, names[i], MT_TF_1H, &btc, NULL, &err), 0);
    mt_series_release(&btc);
    assert_int_equal(fb_data_load(&g_data, g_src, NULL, 0, &err), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fb_data_release(&g_data);
    tu_rmtree(g_src);
    free(g_src);
    return 0;
}

/* A server whose time is the clock's. */
static void server_start(struct fb_server *s, const struct mt_clock *clock, char *base, size_t cap)
{
    struct fb_config cfg = {.port = 0, .clock = {.real = true, .speed = 1.0, .base = clock},
                            .weight_limit = 6000, .hang_after = -1, .seed = 1};
    struct mt_err err = {0};
    if (fb_server_start(s, &g_data, &cfg, &err))
        fail_msg("%s", err.msg);
    snprintf(base, cap, "http://127.0.0.1:%u", (unsigned)s->port);
}

/* Progress calls seen. */
struct calls {
    int start, step, end;
    size_t last_done, last_total;
};

static void on_progress(void *user, enum mt_tf tf, enum mt_sync_stage stage, size_t done, size_t total)
{
    struct calls *c = user;
    assert_int_equal(tf, MT_TF_1H);
    c->start += stage == MT_SYNC_START;
    c->step += stage == MT_SYNC_STEP;
    c->end += stage == MT_SYNC_END;
    c->last_done = done;
    c->last_total = total;
}

/* A config for the store dir against base on clock: the default universe
 * (USDT, stablecoins excluded), 1h from March 1. */
static void config(struct mt_sync_config *cfg, const char *dir, const char *base, const struct mt_clock *clock)
{
    mt_sync_config_default(cfg);
    cfg->data_dir = dir;
    struct mt_err err = {0};
    assert_int_equal(mt_sync_set_timeframes(cfg, "1h", &err), 0);
    cfg->since = MAR1;
    snprintf(cfg->exchange.http.base_url, sizeof cfg->exchange.http.base_url, "%s", base);
    cfg->exchange.http.clock = clock;
    cfg->exchange.http.seed = 42;
}

static size_t stored_candles(const char *dir, const char *symbol, enum mt_tf tf, int64_t *last)
{
    struct mt_series s;
    mt_series_init(&s, 0);
    struct mt_err err = {0};
    if (mt_store_load(dir, symbol, tf, &s, &err))
        fail_msg("%s", err.msg);
    size_t n = s.n;
    *last = n ? s.open_time[n - 1] : -1;
    mt_series_release(&s);
    return n;
}

static size_t snapshot_rows(const char *dir)
{
    struct mt_market_table t;
    mt_market_table_init(&t);
    struct mt_err err = {0};
    if (mt_market_load(dir, MAR1, MAR1 + 31 * DAY, NULL, &t, &err))
        fail_msg("%s", err.msg);
    size_t n = t.n;
    mt_market_table_release(&t);
    return n;
}

/* First run on March 10 00:30: 9 days of closed candles (216) per symbol and
 * a snapshot row each; the second run on March 25 00:30 adds the 15 days
 * since (360 hours, 359 candles: the outage hour is a gap, not invented). */
static void test_incremental(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_vclock v;
    mt_vclock_init(&v, MAR1 + 9 * DAY + 30 * 60000);
    struct fb_server s;
    char base[64];
    server_start(&s, &v.clock, base, sizeof base);
    struct mt_sync_config cfg;
    config(&cfg, dir, base, &v.clock);
    struct calls calls = {0};
    cfg.progress = on_progress;
    cfg.progress_user = &calls;
    struct mt_sync_report rep;
    struct mt_err err = {0};
    if (mt_sync_run(&cfg, &rep, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rep.symbols, 2);
    assert_int_equal(rep.series, 2);
    assert_int_equal(rep.added, 2 * 216);
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(rep.gaps, 0);
    assert_int_equal(rep.failed, 0);
    assert_false(rep.run_failed);
    assert_int_equal(rep.nfailures, 0);
    assert_int_equal(rep.snapshot_rows, 2);
    assert_int_equal(rep.pages, 2);
    /* exchangeInfo 20, time 1, two kline pages of 2, 24h tickers 80, book tickers 4 */
    assert_int_equal(rep.weight, 20 + 1 + 2 * 2 + 80 + 4);
    assert_int_equal(rep.retries, 0);
    assert_int_equal(rep.elapsed_ms, 0);
    assert_int_equal(calls.start, 1);
    assert_int_equal(calls.step, 2);
    assert_int_equal(calls.end, 1);
    assert_int_equal(calls.last_done, 2);
    assert_int_equal(calls.last_total, 2);
    mt_sync_report_release(&rep);
    int64_t last;
    assert_int_equal(stored_candles(dir, "BTCUSDT", MT_TF_1H, &last), 216);
    assert_int_equal(last, MAR1 + 9 * DAY - HOUR);
    assert_int_equal(stored_candles(dir, "ETHUSDT", MT_TF_1H, &last), 216);
    char path[4096];
    snprintf(path, sizeof path, "%s/ohlcv/1h/USDCUSDT.parquet", dir);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(snapshot_rows(dir), 2);

    mt_vclock_set(&v, MAR1 + 24 * DAY + 30 * 60000);
    if (mt_sync_run(&cfg, &rep, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rep.added, 2 * 359);
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(rep.gaps, 2);
    assert_int_equal(rep.missing, 2);
    assert_int_equal(rep.failed, 0);
    assert_int_equal(rep.snapshot_rows, 2);
    assert_int_equal(rep.pages, 2);
    mt_sync_report_release(&rep);
    assert_int_equal(stored_candles(dir, "BTCUSDT", MT_TF_1H, &last), 216 + 359);
    assert_int_equal(last, MAR1 + 24 * DAY - HOUR);
    assert_int_equal(snapshot_rows(dir), 4);

    /* nothing new an hour later but the snapshot (the candle of 00:00 is still open at 00:59) */
    mt_vclock_advance(&v, 29 * 60000);
    cfg.snapshots = false;
    if (mt_sync_run(&cfg, &rep, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rep.added, 0);
    assert_int_equal(rep.pages, 2); /* each page: the still-open candle, dropped */
    assert_int_equal(rep.snapshot_rows, 0);
    mt_sync_report_release(&rep);
    assert_int_equal(snapshot_rows(dir), 4);
    fb_server_stop(&s);
    tu_rmtree(dir);
    free(dir);
}

/* --resample-from 1h: only 1h is downloaded, 4h and 1d are built from it. */
static void test_resample(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_vclock v;
    mt_vclock_init(&v, MAR1 + 2 * DAY + 30 * 60000);
    struct fb_server s;
    char base[64];
    server_start(&s, &v.clock, base, sizeof base);
    struct mt_sync_config cfg;
    config(&cfg, dir, base, &v.clock);
    struct mt_err err = {0};
    assert_int_equal(mt_sync_set_timeframes(&cfg, "4h,1d", &err), 0);
    cfg.resample = true;
    cfg.resample_from = MT_TF_1H;
    cfg.symbols = "BTCUSDT";
    cfg.snapshots = false;
    struct mt_sync_report rep;
    if (mt_sync_run(&cfg, &rep, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rep.symbols, 1);
    assert_int_equal(rep.series, 1);
    /* 48 hours, 12 4h candles, 2 days */
    assert_int_equal(rep.added, 48 + 12 + 2);
    assert_int_equal(rep.failed, 0);
    mt_sync_report_release(&rep);
    int64_t last;
    assert_int_equal(stored_candles(dir, "BTCUSDT", MT_TF_4H, &last), 12);
    assert_int_equal(stored_candles(dir, "BTCUSDT", MT_TF_1D, &last), 2);
    assert_int_equal(last, MAR1 + DAY);
    /* 4h from 1d cannot be built */
    cfg.resample_from = MT_TF_1D;
    assert_int_equal(mt_sync_config_check(&cfg, &err), MT_EINVAL);
    assert_string_equal(err.msg, "cannot build 4h from 1d");
    fb_server_stop(&s);
    tu_rmtree(dir);
    free(dir);
}

/* A store that cannot take ETHUSDT (a folder where its file goes) fails that
 * symbol's download alone (and the snapshot, whose ranks read it), each
 * named in the report; an unknown symbol stops the run first. */
static void test_failures(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[4096];
    const char *parts[] = {"ohlcv", "ohlcv/1h", "ohlcv/1h/ETHUSDT.parquet"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        assert_int_equal(mkdir(path, 0700), 0);
    }
    struct mt_vclock v;
    mt_vclock_init(&v, MAR1 + DAY + 30 * 60000);
    struct fb_server s;
    char base[64];
    server_start(&s, &v.clock, base, sizeof base);
    struct mt_sync_config cfg;
    config(&cfg, dir, base, &v.clock);
    cfg.symbols = "ETHUSDT,BTCUSDT,ETHUSDT";
    struct mt_sync_report rep;
    struct mt_err err = {0};
    if (mt_sync_run(&cfg, &rep, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rep.symbols, 2);
    assert_int_equal(rep.added, 24);
    assert_int_equal(rep.failed, 2);
    assert_int_equal(rep.nfailures, 2);
    assert_int_equal(rep.failures[0].kind, MT_SYNC_FAIL_STORE);
    assert_string_equal(rep.failures[0].symbol, "ETHUSDT");
    assert_int_equal(rep.failures[0].tf, MT_TF_1H);
    assert_non_null(strstr(rep.failures[0].err.msg, "/ohlcv/1h/ETHUSDT.parquet is a folder"));
    /* the ranks read the stored candles of ETHUSDT too: the snapshot fails, naming it */
    assert_int_equal(rep.failures[1].kind, MT_SYNC_FAIL_SNAPSHOT);
    assert_string_equal(rep.failures[1].symbol, "");
    assert_non_null(strstr(rep.failures[1].err.msg, "market ranks of ETHUSDT: "));
    assert_int_equal(rep.snapshot_rows, 0);
    mt_sync_report_release(&rep);

    cfg.symbols = "BTCUSDT,NOPEUSDT";
    assert_int_equal(mt_sync_run(&cfg, &rep, &err), MT_EINVAL);
    assert_string_equal(err.msg, "unknown symbol 'NOPEUSDT': not in exchangeInfo");
    assert_null(rep.failures);
    int64_t last;
    assert_int_equal(stored_candles(dir, "BTCUSDT", MT_TF_1H, &last), 24);
    fb_server_stop(&s);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
