/* Kline scanner: real Binance rows (BTCUSDT 1h March 2023 from data.binance.vision
 * turned into the REST format), strictness on malformed bodies, closed-candle
 * count and Binance error bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/klines.h"
#include "testutil.h"

/* Two real rows (first two of the fixture). */
static const char two_rows[] =
    "[[1677628800000,\"23141.57000000\",\"23219.99000000\",\"23020.03000000\",\"23101.00000000\","
    "\"12736.94918000\",1677632399999,\"294608802.25086680\",430193,\"6319.19996000\","
    "\"146161637.97230100\",\"0\"],"
    "[1677632400000,\"23101.00000000\",\"23296.94000000\",\"23075.14000000\",\"23245.96000000\","
    "\"11574.17720000\",1677635999999,\"268408920.25366860\",406084,\"5870.16685000\","
    "\"136131814.22681020\",\"0\"]]";

static int parse(const char *body, struct mt_series *s, struct mt_err *err)
{
    return mt_klines_parse(body, strlen(body), MT_TF_1H, s, err);
}

static void test_fixture_month(void **state)
{
    (void)state;
    size_t len = 0;
    char *body = tu_read_file(tu_fixture("exchange/klines_btcusdt_1h_2023-03.json"), &len);
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    if (mt_klines_parse(body, len, MT_TF_1H, &s, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(s.n, 743); /* 744 hours minus the 2023-03-24 13:00 outage */
    assert_int_equal(s.open_time[0], 1677628800000);
    tu_assert_same_double(s.open[0], 23141.57);
    tu_assert_same_double(s.high[0], 23219.99);
    tu_assert_same_double(s.low[0], 23020.03);
    tu_assert_same_double(s.close[0], 23101.0);
    tu_assert_same_double(s.volume[0], 12736.94918);
    tu_assert_same_double(s.quote_volume[0], 294608802.2508668);
    tu_assert_same_double(s.trades[0], 430193.0);
    tu_assert_same_double(s.taker_buy_base[0], 6319.19996);
    tu_assert_same_double(s.taker_buy_quote[0], 146161637.972301);
    assert_int_equal(s.open_time[742], 1680303600000);
    tu_assert_same_double(s.open[742], 28570.31);
    tu_assert_same_double(s.close[742], 28465.36);
    tu_assert_same_double(s.volume[742], 1377.36769);
    tu_assert_same_double(s.quote_volume[742], 39286328.4653962);
    tu_assert_same_double(s.trades[742], 37923.0);
    tu_assert_same_double(s.taker_buy_base[742], 612.44786);
    tu_assert_same_double(s.taker_buy_quote[742], 17466570.6035782);
    /* The outage: 12:00 (row 564, closing early at 12:39:41.646) is followed by
     * 14:00 on 2023-03-24. */
    size_t i = mt_series_lower_bound(&s, 1679659200000);
    assert_int_equal(i, 564);
    assert_int_equal(s.open_time[i + 1] - s.open_time[i], 2 * 3600000);

    /* A page appended after it must continue in time: the same body again fails
     * and leaves the series as it was. */
    assert_int_equal(mt_klines_parse(body, len, MT_TF_1H, &s, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "row 0: open time 1677628800000 does not follow the previous 1680303600000"));
    assert_int_equal(s.n, 743);
    mt_series_release(&s);
    free(body);
}

static void test_whitespace_and_empty(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    assert_int_equal(parse("[]", &s, &err), 0);
    assert_int_equal(parse(" [ \n ] \r\n", &s, &err), 0);
    assert_int_equal(s.n, 0);
    const char *spaced = " [ [ 1677628800000 , \"1\" , \"2.5\" , \"0.5\" , \"-1.25\" , \"0\" , 1677632399999 ,"
                         " \"7\" , 0 , \"0.000\" , \"10\" , \"0\" ] ]\n";
    assert_int_equal(parse(spaced, &s, &err), 0);
    assert_int_equal(s.n, 1);
    tu_assert_same_double(s.high[0], 2.5);
    tu_assert_same_double(s.close[0], -1.25);
    tu_assert_same_double(s.trades[0], 0.0);
    tu_assert_same_double(s.taker_buy_quote[0], 10.0);
    mt_series_release(&s);
}

/* Body that must be rejected with code, and a substring of the message. */
struct bad {
    const char *body;
    int code;
    const char *msg;
};

#define ROW_HEAD "[[1677628800000,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677632399999,\"4\",5,\"1\",\"2\""

static void test_malformed(void **state)
{
    (void)state;
    static const struct bad bad[] = {
        {"", MT_EFORMAT, "byte 0 (row 0): expected '[' opening the kline array"},
        {"{}", MT_EFORMAT, "byte 0 (row 0): expected '['"},
        {"[1]", MT_EFORMAT, "byte 1 (row 0): expected '[' opening a row"},
        /* 11 fields */
        {ROW_HEAD "]]", MT_EFORMAT, "(row 0, field 12 ignore): expected ',' (row has fewer than 12 fields)"},
        /* 13 fields */
        {ROW_HEAD ",\"0\",\"0\"]]", MT_EFORMAT, "expected ']' after 12 fields"},
        {ROW_HEAD ",\"0\"]]x", MT_EFORMAT, "trailing bytes after the kline array"},
        {ROW_HEAD ",\"0\"]][]", MT_EFORMAT, "trailing bytes"},
        {ROW_HEAD ",\"0\"],]", MT_EFORMAT, "byte 71 (row 1): expected '[' opening a row"},
        {ROW_HEAD ",\"0\"]", MT_EFORMAT, "body ends after a row"},
        {ROW_HEAD ",\"0\"", MT_EFORMAT, "body ends inside a row"},
        {ROW_HEAD ",\"0", MT_EFORMAT, "body ends inside a string"},
        {"[[1677628800000.0,\"1\"", MT_EFORMAT, "(row 0, field 1 open time): expected an integer, got a fraction"},
        {"[[1677628800000e0,\"1\"", MT_EFORMAT, "fraction or exponent"},
        {"[[-1677628800000,\"1\"", MT_EFORMAT, "expected a non-negative integer"},
        {"[[01677628800000,\"1\"", MT_EFORMAT, "leading zero"},
        {"[[\"1677628800000\",\"1\"", MT_EFORMAT, "expected a non-negative integer"},
        {"[[99999999999999999999,\"1\"", MT_EFORMAT, "integer too large"},
        {"[[1677628800000,1", MT_EFORMAT, "(row 0, field 2 open): expected a decimal string"},
        {"[[1677628800000,\"1.2.3\"", MT_EFORMAT, "byte 20 (row 0, field 2 open): unexpected character"},
        {"[[1677628800000,\"1e5\"", MT_EFORMAT, "unexpected character in a decimal"},
        {"[[1677628800000,\"nan\"", MT_EFORMAT, "expected a decimal number"},
        {"[[1677628800000,\"inf\"", MT_EFORMAT, "expected a decimal number"},
        {"[[1677628800000,\" 1\"", MT_EFORMAT, "expected a decimal number"},
        {"[[1677628800000,\"\"", MT_EFORMAT, "expected a decimal number"},
        {"[[1677628800000,\"1.\"", MT_EFORMAT, "digits after the decimal point"},
        {"[[1677628800000,\".5\"", MT_EFORMAT, "expected a decimal number"},
        {"[[1677628800000,\"1\\u0030\"", MT_EFORMAT, "unexpected character"},
        {"[[1677628800000,\"1000000000000000000000000000000000000000000000000000000000000000000\"",
         MT_EFORMAT, "decimal longer than 63 characters"},
        {"[[1677628800000,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677632399999,\"4\",5.5", MT_EFORMAT,
         "(row 0, field 9 trades): expected an integer"},
        /* misaligned, wrong close time, duplicate */
        {"[[1677628800001,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677632400000,\"4\",5,\"1\",\"2\",\"0\"]]", MT_EDATA,
         "row 0: open time 1677628800001 is not aligned to 1h"},
        {"[[1677628800000,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677632400000,\"4\",5,\"1\",\"2\",\"0\"]]", MT_EDATA,
         "row 0: close time 1677632400000 outside [1677628800000, 1677632399999] of the 1h candle"},
        {"[[1677628800000,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677628799999,\"4\",5,\"1\",\"2\",\"0\"]]", MT_EDATA,
         "row 0: close time 1677628799999 outside"},
        {ROW_HEAD ",\"0\"],[1677628800000,\"1\",\"2\",\"0.5\",\"1\",\"3\",1677632399999,\"4\",5,\"1\",\"2\",\"0\"]]",
         MT_EDATA, "row 1: open time 1677628800000 does not follow"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mt_series s;
        mt_series_init(&s, MT_F_ALL);
        struct mt_err err = {0};
        int rc = parse(bad[i].body, &s, &err);
        if (rc != bad[i].code || !strstr(err.msg, bad[i].msg))
            fail_msg("case %zu: rc %d msg '%s', expected %d '%s'", i, rc, err.msg, bad[i].code, bad[i].msg);
        assert_int_equal(s.n, 0);
        mt_series_release(&s);
    }
}

/* Every proper prefix of a valid body is rejected, and the series keeps its rows. */
static void test_every_truncation(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    assert_int_equal(parse(two_rows, &s, &err), 0);
    assert_int_equal(s.n, 2);
    struct mt_series t;
    mt_series_init(&t, MT_F_ALL);
    size_t len = strlen(two_rows);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = mt_klines_parse(two_rows, cut, MT_TF_1H, &t, &err);
        if (rc != MT_EFORMAT)
            fail_msg("prefix of %zu bytes: rc %d", cut, rc);
        assert_int_equal(t.n, 0);
    }
    /* Not NUL-terminated: bytes after len are never read (followed by garbage). */
    char *copy = malloc(len + 8);
    memcpy(copy, two_rows, len);
    memcpy(copy + len, "1234567", 8);
    assert_int_equal(mt_klines_parse(copy, len, MT_TF_1H, &t, &err), 0);
    tu_assert_series_same(&s, &t);
    free(copy);
    mt_series_release(&t);
    mt_series_release(&s);
}

static void test_bad_series(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    struct mt_err err = {0};
    assert_int_equal(parse("[]", &s, &err), MT_EINVAL);
    mt_series_release(&s);
}

static void test_closed(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    assert_int_equal(parse(two_rows, &s, &err), 0);
    /* Second candle opens 01:00 and closes 01:59:59.999 (1677635999999). */
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1677635999999), 1);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1677636000000), 2);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1677632400000), 1);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1677632399999), 0);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1600000000000), 0);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1H, 1800000000000), 2);
    mt_series_release(&s);

    /* 1M candles: February 2023 closes at 2023-02-28T23:59:59.999Z. */
    mt_series_init(&s, MT_F_ALL);
    const char *months =
        "[[1672531200000,\"1\",\"1\",\"1\",\"1\",\"1\",1675209599999,\"1\",1,\"1\",\"1\",\"0\"],"
        "[1675209600000,\"1\",\"1\",\"1\",\"1\",\"1\",1677628799999,\"1\",1,\"1\",\"1\",\"0\"]]";
    assert_int_equal(mt_klines_parse(months, strlen(months), MT_TF_1MO, &s, &err), 0);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1MO, 1677628799999), 1);
    assert_int_equal(mt_klines_closed(&s, MT_TF_1MO, 1677628800000), 2);
    mt_series_release(&s);
}

/* Appends a random decimal: sign, 1..20 integer digits (leading zero only
 * alone), 0..25 fraction digits, often ending in zeros like Binance's fixed
 * 8 decimals, sometimes long enough to need the slow path. */
static size_t random_decimal(char *out, unsigned *seed)
{
    size_t n = 0;
    if (rand_r(seed) % 8 == 0)
        out[n++] = '-';
    int int_digits = 1 + rand_r(seed) % (rand_r(seed) % 4 == 0 ? 20 : 8);
    for (int i = 0; i < int_digits; i++)
        out[n++] = (char)('0' + (i == 0 && int_digits > 1 ? 1 + rand_r(seed) % 9 : rand_r(seed) % 10));
    int frac = rand_r(seed) % 4 == 0 ? rand_r(seed) % 26 : 8;
    if (frac) {
        out[n++] = '.';
        int zeros = rand_r(seed) % (frac + 1);
        for (int i = 0; i < frac; i++)
            out[n++] = (char)(i >= frac - zeros ? '0' : '0' + rand_r(seed) % 10);
    }
    out[n] = '\0';
    return n;
}

/* Every decimal field equals strtod on its text, bit for bit (the fast
 * integer/power-of-ten path and the strtod fallback alike). */
static void test_decimals_match_strtod(void **state)
{
    (void)state;
    enum { ROWS = 20000 };
    const int dec_fields = 8; /* open high low close volume quote taker-base taker-quote */
    size_t cap = (size_t)ROWS * 480;
    char *body = malloc(cap);
    char (*text)[8][48] = malloc(sizeof *text * ROWS);
    assert_non_null(body);
    assert_non_null(text);
    unsigned seed = 12345;
    size_t len = 0;
    body[len++] = '[';
    for (int r = 0; r < ROWS; r++) {
        for (int f = 0; f < dec_fields; f++)
            random_decimal(text[r][f], &seed);
        int64_t t = INT64_C(1677628800000) + (int64_t)r * 3600000;
        len += (size_t)snprintf(body + len, cap - len,
                                "%s[%lld,\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",%lld,\"%s\",7,\"%s\",\"%s\",\"0\"]",
                                r ? "," : "", (long long)t, text[r][0], text[r][1], text[r][2], text[r][3],
                                text[r][4], (long long)(t + 3599999), text[r][5], text[r][6], text[r][7]);
    }
    body[len++] = ']';
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    assert_int_equal(mt_klines_parse(body, len, MT_TF_1H, &s, &err), 0);
    assert_int_equal(s.n, ROWS);
    size_t slow = 0;
    for (int r = 0; r < ROWS; r++) {
        const double got[8] = {s.open[r],         s.high[r],           s.low[r],
                               s.close[r],        s.volume[r],         s.quote_volume[r],
                               s.taker_buy_base[r], s.taker_buy_quote[r]};
        for (int f = 0; f < dec_fields; f++) {
            tu_assert_same_double(got[f], strtod(text[r][f], NULL));
            slow += strspn(text[r][f], "-") + 1 + 20 < strlen(text[r][f]); /* > 20 digits: strtod path */
        }
    }
    /* Both paths were exercised: more than 20 digits cannot fit the integer path. */
    assert_true(slow > 1000);
    assert_true(slow < (size_t)ROWS * 4);
    mt_series_release(&s);
    free(text);
    free(body);
}

static void test_error_body(void **state)
{
    (void)state;
    struct mt_binance_error be;
    struct mt_err err = {0};
    const char *b = "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}";
    assert_int_equal(mt_binance_error_parse(b, strlen(b), &be, &err), 0);
    assert_int_equal(be.code, -1121);
    assert_string_equal(be.msg, "Invalid symbol.");
    /* Length-bounded: the closing brace beyond len is not seen. */
    assert_int_equal(mt_binance_error_parse(b, strlen(b) - 1, &be, &err), MT_EFORMAT);
    static const char *const bad[] = {
        "", "[]", "{\"code\":-1121}", "{\"msg\":\"x\"}", "{\"code\":\"-1121\",\"msg\":\"x\"}",
        "{\"code\":-1121.5,\"msg\":\"x\"}", "{\"code\":1e12,\"msg\":\"x\"}", "{\"code\":-1121,\"msg\":3}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mt_binance_error_parse(bad[i], strlen(bad[i]), &be, &err), MT_EFORMAT);
        assert_int_equal(be.code, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_month),  cmocka_unit_test(test_whitespace_and_empty),
        cmocka_unit_test(test_malformed),      cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_bad_series),     cmocka_unit_test(test_closed),
        cmocka_unit_test(test_error_body),     cmocka_unit_test(test_decimals_match_strtod),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
