/* Rate-limit governor with an injected clock: pacing at 80% of 600, the
 * server's used-weight header, 429 Retry-After, 418 ban, and two governors
 * sharing one state file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exchange/governor.h"
#include "testutil.h"

/* 2023-11-14 22:14:00 UTC, the start of a minute. */
#define T0 INT64_C(1700000040000)

static void init600(struct mt_gov *g, const char *path)
{
    struct mt_gov_config cfg;
    mt_gov_config_default(&cfg);
    cfg.limit = 600;
    cfg.state_path = path;
    struct mt_err err = {0};
    assert_int_equal(mt_gov_init(g, &cfg, &err), 0);
    assert_int_equal(mt_gov_budget(g), 480);
}

static int64_t acquire(struct mt_gov *g, int64_t w, int64_t now)
{
    struct mt_err err = {0};
    int64_t wait = -1;
    if (mt_gov_acquire(g, w, now, &wait, &err) != 0)
        fail_msg("acquire: %s", err.msg);
    return wait;
}

static int64_t used(struct mt_gov *g)
{
    struct mt_gov_state st;
    struct mt_err err = {0};
    assert_int_equal(mt_gov_state(g, &st, &err), 0);
    return st.used;
}

static void test_weights(void **state)
{
    (void)state;
    assert_int_equal(mt_gov_weight(MT_EP_TIME, 0, 0), 1);
    assert_int_equal(mt_gov_weight(MT_EP_EXCHANGE_INFO, 0, 0), 20);
    assert_int_equal(mt_gov_weight(MT_EP_KLINES, 0, 1), 2);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 0, 1), 5);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 100, 1), 5);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 101, 1), 25);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 500, 1), 25);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 1000, 1), 50);
    assert_int_equal(mt_gov_weight(MT_EP_DEPTH, 5000, 1), 250);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 1), 2);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 20), 2);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 21), 40);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 100), 40);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 101), 80);
    assert_int_equal(mt_gov_weight(MT_EP_TICKER_24H, 0, 0), 80);
    assert_int_equal(mt_gov_weight(MT_EP_BOOK_TICKER, 0, 1), 2);
    assert_int_equal(mt_gov_weight(MT_EP_BOOK_TICKER, 0, 0), 4);
    assert_int_equal(mt_gov_weight(MT_EP_BOOK_TICKER, 0, 5), 4);
}

static void test_bad_config(void **state)
{
    (void)state;
    struct mt_gov g;
    struct mt_gov_config cfg;
    struct mt_err err = {0};
    mt_gov_config_default(&cfg);
    assert_int_equal(cfg.limit, 6000);
    cfg.share = 0.0;
    assert_int_equal(mt_gov_init(&g, &cfg, &err), MT_EINVAL);
    cfg.share = 1.5;
    assert_int_equal(mt_gov_init(&g, &cfg, &err), MT_EINVAL);
    cfg.share = 0.8;
    cfg.limit = 0;
    assert_int_equal(mt_gov_init(&g, &cfg, &err), MT_EINVAL);
    cfg.limit = 6000;
    cfg.state_path = "/nonexistent-dir/x.state";
    assert_int_equal(mt_gov_init(&g, &cfg, &err), MT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.state"));
}

/* 80% of 600 = 480 per minute: 240 klines requests fit, the 241st waits for the
 * next wall-clock minute and reserves nothing meanwhile. */
static void test_pace(void **state)
{
    (void)state;
    struct mt_gov g;
    init600(&g, NULL);
    for (int i = 0; i < 240; i++)
        assert_int_equal(acquire(&g, 2, T0 + 1000 + i), 0);
    assert_int_equal(used(&g), 480);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 59000);
    assert_int_equal(acquire(&g, 2, T0 + 59999), 1);
    assert_int_equal(used(&g), 480);
    assert_int_equal(acquire(&g, 2, T0 + 60000), 0);
    assert_int_equal(used(&g), 2);
    /* A request heavier than the budget goes alone into an empty window. */
    assert_int_equal(acquire(&g, 500, T0 + 60001), 59999);
    assert_int_equal(acquire(&g, 500, T0 + 120000), 0);
    assert_int_equal(used(&g), 500);
    /* A request heavier than the exchange's whole limit could never pass: refused. */
    int64_t wait = -1;
    struct mt_err err = {0};
    assert_int_equal(mt_gov_acquire(&g, 601, T0 + 120001, &wait, &err), MT_ELIMIT);
    assert_string_equal(err.msg, "a request of weight 601 can never pass the exchange's limit of "
                                 "600 per minute");
    assert_int_equal(used(&g), 500);
    /* The limit from exchangeInfo changes the budget. */
    mt_gov_set_limit(&g, 6000);
    assert_int_equal(mt_gov_budget(&g), 4800);
    mt_gov_set_limit(&g, 0);
    assert_int_equal(mt_gov_budget(&g), 4800);
    mt_gov_release(&g);
}

static void test_header_wins_when_higher(void **state)
{
    (void)state;
    struct mt_gov g;
    init600(&g, NULL);
    struct mt_err err = {0};
    assert_int_equal(acquire(&g, 2, T0 + 10), 0);
    assert_int_equal(mt_gov_on_response(&g, 200, 300, -1, T0 + 20, &err), 0);
    assert_int_equal(used(&g), 300); /* another client used weight on our IP */
    assert_int_equal(mt_gov_on_response(&g, 200, 100, -1, T0 + 30, &err), 0);
    assert_int_equal(used(&g), 300); /* ours is higher: in-flight reservations count */
    assert_int_equal(acquire(&g, 180, T0 + 40), 0);
    assert_int_equal(acquire(&g, 1, T0 + 50), 59950);
    /* A header arriving in a new minute belongs to that minute. */
    assert_int_equal(mt_gov_on_response(&g, 200, 7, -1, T0 + 60000, &err), 0);
    assert_int_equal(used(&g), 7);
    mt_gov_release(&g);
}

static void test_429_everything_waits(void **state)
{
    (void)state;
    struct mt_gov g;
    init600(&g, NULL);
    struct mt_err err = {0};
    assert_int_equal(mt_gov_on_response(&g, 429, 610, 7, T0 + 5000, &err), 0);
    assert_int_equal(acquire(&g, 1, T0 + 5000), 7000);
    assert_int_equal(acquire(&g, 1, T0 + 11999), 1);
    /* Retry-After over, but the window is used up (610 > 480): wait for the minute. */
    assert_int_equal(acquire(&g, 1, T0 + 12000), 48000);
    assert_int_equal(acquire(&g, 1, T0 + 60000), 0);
    /* 429 without Retry-After: until the end of the window. */
    assert_int_equal(mt_gov_on_response(&g, 429, -1, -1, T0 + 70000, &err), 0);
    assert_int_equal(acquire(&g, 1, T0 + 70000), 50000);
    mt_gov_release(&g);
}

static void test_418_stops_everything(void **state)
{
    (void)state;
    struct mt_gov g;
    init600(&g, NULL);
    struct mt_err err = {0};
    int64_t wait = -1;
    assert_int_equal(mt_gov_on_response(&g, 418, -1, 120, T0 + 5000, &err), MT_EBANNED);
    assert_string_equal(err.msg, "binance banned this ip (http 418) until 2023-11-14 22:16:05 UTC (120 s from now)");
    mt_err_clear(&err);
    assert_int_equal(mt_gov_acquire(&g, 1, T0 + 65000, &wait, &err), MT_EBANNED);
    assert_string_equal(err.msg, "binance banned this ip (http 418) until 2023-11-14 22:16:05 UTC (60 s from now)");
    assert_int_equal(mt_gov_acquire(&g, 1, T0 + 124999, &wait, &err), MT_EBANNED);
    assert_int_equal(acquire(&g, 1, T0 + 125000), 0);
    /* No Retry-After: the default two minutes. */
    assert_int_equal(mt_gov_on_response(&g, 418, -1, -1, T0 + 200000, &err), MT_EBANNED);
    assert_int_equal(mt_gov_acquire(&g, 1, T0 + 319999, &wait, &err), MT_EBANNED);
    assert_int_equal(acquire(&g, 1, T0 + 320000), 0);
    mt_gov_release(&g);
}

static void test_shared_state_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/weight.state", dir);
    struct mt_gov a, b;
    init600(&a, path);
    init600(&b, path);
    struct mt_err err = {0};
    int64_t wait = -1;
    assert_int_equal(acquire(&a, 400, T0 + 100), 0);
    assert_int_equal(acquire(&b, 100, T0 + 200), 59800); /* 400 + 100 > 480 */
    assert_int_equal(acquire(&b, 80, T0 + 300), 0);
    assert_int_equal(acquire(&a, 1, T0 + 400), 59600);
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    assert_string_equal(text, "mtgov1 1700000040000 480 0 0\n");
    free(text);
    /* A 429 seen by one process makes the other wait; a 418 stops it. */
    assert_int_equal(mt_gov_on_response(&a, 429, 600, 3, T0 + 61000, &err), 0);
    assert_int_equal(acquire(&b, 1, T0 + 61000), 3000);
    assert_int_equal(mt_gov_on_response(&b, 418, -1, 180, T0 + 62000, &err), MT_EBANNED);
    assert_int_equal(mt_gov_acquire(&a, 1, T0 + 63000, &wait, &err), MT_EBANNED);
    assert_non_null(strstr(err.msg, "until 2023-11-14 22:18:02"));
    text = tu_read_file(path, &len);
    assert_string_equal(text, "mtgov1 1700000100000 600 1700000282000 1700000104000\n");
    free(text);
    /* Foreign content starts afresh. */
    tu_write_file(path, "garbage", 7);
    assert_int_equal(acquire(&a, 5, T0 + 63000), 0);
    assert_int_equal(used(&b), 5);
    mt_gov_release(&a);
    mt_gov_release(&b);
    tu_rmtree(dir);
    free(dir);
}

/* The notices a governor gave: how many, and the last one. */
struct notices {
    int n, corrupt;
    char last[1024];
};

static void record_notice(void *ctx, enum mt_gov_notice kind, const char *msg)
{
    struct notices *nt = ctx;
    nt->n++;
    nt->corrupt += kind == MT_GOV_NOTICE_CORRUPT;
    snprintf(nt->last, sizeof nt->last, "%s", msg);
}

static void init_noticed(struct mt_gov *g, const char *path, struct notices *nt)
{
    struct mt_gov_config cfg;
    mt_gov_config_default(&cfg);
    cfg.limit = 600;
    cfg.state_path = path;
    cfg.notice = record_notice;
    cfg.notice_ctx = nt;
    struct mt_err err = {0};
    assert_int_equal(mt_gov_init(g, &cfg, &err), 0);
}

/* Asserts msg == fmt with the state file path for its %s. */
static void assert_msg_with_path(const char *msg, const char *fmt, const char *path)
{
    char want[1024];
    snprintf(want, sizeof want, fmt, path);
    assert_string_equal(msg, want);
}

/* Writes a state record with the given ban and Retry-After ends. */
static void write_state(const char *path, int64_t banned, int64_t retry)
{
    char rec[160];
    int n = snprintf(rec, sizeof rec, "mtgov1 %lld 0 %lld %lld\n", (long long)T0, (long long)banned,
                     (long long)retry);
    tu_write_file(path, rec, (size_t)n);
}

/* The state file holds what Binance can ask at most: bans up to 3 days, a
 * Retry-After up to 5 minutes. Further ahead, before 1970 or not a record is
 * corrupt: ignored with a notice naming the file, and rewritten. Every wait
 * is told with its reason, its end in UTC and the file. */
static void test_state_file_bounds(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/weight.state", dir);
    struct notices nt = {0};
    struct mt_gov g;
    init_noticed(&g, path, &nt);
    struct mt_err err = {0};
    int64_t wait = -1;
    const int64_t ten_years = INT64_C(3650) * 86400000;
    /* a ban 10 years ahead: ignored, not obeyed */
    write_state(path, T0 + ten_years, 0);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 0);
    assert_int_equal(nt.corrupt, 1);
    assert_msg_with_path(nt.last,
                         "rate-limit state file %s: banned_until 2015360040000 (2033-11-11 22:14 UTC) is more "
                         "than 3 days ahead (the longest binance ban): ignored as corrupt",
                         path);
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    assert_string_equal(text, "mtgov1 1700000040000 2 0 0\n");
    free(text);
    /* a Retry-After 10 years ahead: no wait */
    write_state(path, 0, T0 + ten_years);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 0);
    assert_int_equal(nt.corrupt, 2);
    assert_non_null(strstr(nt.last, "retry_until 2015360040000 (2033-11-11 22:14 UTC) is more than 5 minutes ahead"));
    /* before 1970 */
    write_state(path, -5, 0);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 0);
    assert_int_equal(nt.corrupt, 3);
    assert_non_null(strstr(nt.last, "banned_until -5 ("));
    assert_non_null(strstr(nt.last, "UTC) is before 1970: ignored as corrupt"));
    /* not a record */
    tu_write_file(path, "12 banana", 9);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 0);
    assert_int_equal(nt.corrupt, 4);
    assert_msg_with_path(nt.last, "rate-limit state file %s: not an mtgov1 record: starting afresh", path);
    /* within the bounds: obeyed, and said */
    write_state(path, 0, T0 + 1000 + 240000);
    assert_int_equal(acquire(&g, 2, T0 + 1000), 240000);
    assert_int_equal(nt.corrupt, 4);
    assert_msg_with_path(nt.last,
                         "waiting 240.0 s, until 2023-11-14 22:18:01 UTC: binance answered 429 (too much request "
                         "weight) with Retry-After; rate-limit state file %s",
                         path);
    write_state(path, T0 + 2 * 86400000, 0);
    assert_int_equal(mt_gov_acquire(&g, 2, T0 + 1000, &wait, &err), MT_EBANNED);
    assert_msg_with_path(err.msg,
                         "binance banned this ip (http 418) until 2023-11-16 22:14 UTC (172799 s from now); "
                         "rate-limit state file %s",
                         path);
    /* the weight budget */
    write_state(path, 0, 0);
    assert_int_equal(acquire(&g, 480, T0 + 1000), 0);
    assert_int_equal(acquire(&g, 2, T0 + 30000), 30000);
    assert_msg_with_path(nt.last,
                         "waiting 30.0 s, until 2023-11-14 22:15 UTC: the weight budget of 480 per minute is used "
                         "(480); rate-limit state file %s",
                         path);
    assert_int_equal(nt.corrupt, 4);
    mt_gov_release(&g);
    tu_rmtree(dir);
    free(dir);
}

/* Retry-After headers beyond Binance's maxima are clamped to them. */
static void test_retry_after_clamped(void **state)
{
    (void)state;
    struct mt_gov g;
    init600(&g, NULL);
    struct mt_err err = {0};
    int64_t wait = -1;
    assert_int_equal(mt_gov_on_response(&g, 429, -1, INT64_C(999999999999999999), T0, &err), 0);
    assert_int_equal(acquire(&g, 1, T0), 300000);
    assert_int_equal(mt_gov_on_response(&g, 418, -1, INT64_C(999999999999999999), T0, &err), MT_EBANNED);
    assert_string_equal(err.msg, "binance banned this ip (http 418) until 2023-11-17 22:14 UTC (259200 s from now)");
    assert_int_equal(mt_gov_acquire(&g, 1, T0 + 259199999, &wait, &err), MT_EBANNED);
    assert_int_equal(acquire(&g, 1, T0 + 259200000), 0);
    mt_gov_release(&g);
}

static void test_default_path(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    setenv("XDG_CACHE_HOME", dir, 1);
    char path[512], want[600], host[256];
    struct mt_err err = {0};
    assert_int_equal(mt_gov_default_path(path, sizeof path, &err), 0);
    gethostname(host, sizeof host);
    snprintf(want, sizeof want, "%s/mtrader/weight-%s.state", dir, host);
    assert_string_equal(path, want);
    assert_int_equal(mt_gov_default_path(path, 8, &err), MT_ELIMIT);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_pace),
        cmocka_unit_test(test_header_wins_when_higher),
        cmocka_unit_test(test_429_everything_waits),
        cmocka_unit_test(test_418_stops_everything),
        cmocka_unit_test(test_shared_state_file),
        cmocka_unit_test(test_state_file_bounds),
        cmocka_unit_test(test_retry_after_clamped),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
