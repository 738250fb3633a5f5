/* CSV parsing of the plain and the data.binance.vision formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/csv.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define MAR1 INT64_C(1677628800000)

static int parse_fixture(const char *name, const enum mt_tf *tf, struct mt_series *s,
                         struct mt_csv_info *info, struct mt_err *err)
{
    size_t len;
    char *text = tu_read_file(tu_fixture(name), &len);
    mt_series_init(s, 0);
    int rc = mt_csv_parse(text, len, name, tf, s, info, err);
    free(text);
    return rc;
}

static int parse_text(const char *text, const enum mt_tf *tf, struct mt_series *s,
                      struct mt_csv_info *info, struct mt_err *err)
{
    mt_series_init(s, 0);
    return mt_csv_parse(text, strlen(text), "t.csv", tf, s, info, err);
}

static void binance_vision_with_and_without_header(void **state)
{
    (void)state;
    struct mt_series a, b;
    struct mt_csv_info ia, ib;
    assert_int_equal(parse_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", NULL, &a, &ia, NULL), 0);
    assert_int_equal(parse_fixture("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", NULL, &b, &ib,
                                   NULL),
                     0);
    assert_true(ia.header);
    assert_false(ib.header);
    assert_true(ia.close_times && ib.close_times);
    assert_true(ia.tf_known && ia.tf == MT_TF_1H && ib.tf == MT_TF_1H);
    assert_int_equal(ia.early_closes, 1); /* 2023-03-24 12:00 closed at 12:39:41.646 */
    assert_false(ia.micros);
    assert_int_equal(a.n, 743);
    assert_int_equal(a.fields, MT_F_ALL);
    assert_int_equal(b.fields, MT_F_ALL);
    assert_int_equal(b.n, 743);
    assert_memory_equal(a.open_time, b.open_time, 743 * sizeof(int64_t));
    assert_memory_equal(a.taker_buy_quote, b.taker_buy_quote, 743 * sizeof(double));
    /* first row: 1677628800000,23141.57,23219.99,23020.03,23101.00,12736.94918,
     * 1677632399999,294608802.25086680,430193,6319.19996,146161637.97230100,0 */
    assert_int_equal(a.open_time[0], MAR1);
    tu_assert_same_double(a.open[0], 23141.57);
    tu_assert_same_double(a.high[0], 23219.99);
    tu_assert_same_double(a.low[0], 23020.03);
    tu_assert_same_double(a.close[0], 23101.0);
    tu_assert_same_double(a.volume[0], 12736.94918);
    tu_assert_same_double(a.quote_volume[0], 294608802.2508668);
    tu_assert_same_double(a.trades[0], 430193.0);
    tu_assert_same_double(a.taker_buy_base[0], 6319.19996);
    tu_assert_same_double(a.taker_buy_quote[0], 146161637.972301);
    assert_int_equal(a.open_time[742], INT64_C(1680303600000));
    tu_assert_same_double(a.close[742], 28465.36);
    mt_series_release(&a);
    mt_series_release(&b);
}

static void microsecond_timestamps(void **state)
{
    (void)state;
    struct mt_series us, ms;
    struct mt_csv_info iu, im;
    assert_int_equal(parse_fixture("ohlcv/micros/BTCUSDT-1h-2023-03.csv", NULL, &us, &iu, NULL),
                     0);
    assert_int_equal(parse_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", NULL, &ms, &im, NULL), 0);
    assert_true(iu.micros);
    assert_int_equal(iu.tf, MT_TF_1H);
    assert_int_equal(iu.early_closes, 0);
    assert_int_equal(us.n, 5);
    assert_memory_equal(us.open_time, ms.open_time, 5 * sizeof(int64_t));
    assert_memory_equal(us.close, ms.close, 5 * sizeof(double));
    assert_int_equal(us.open_time[4], MAR1 + 4 * H);
    mt_series_release(&us);
    mt_series_release(&ms);
}

static void plain_six_column_csv(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    enum mt_tf tf = MT_TF_1H;
    assert_int_equal(parse_fixture("ohlcv/csv/BTCUSDT-1h.csv", &tf, &s, &info, NULL), 0);
    assert_true(info.header);
    assert_false(info.close_times);
    assert_int_equal(s.n, 200);
    assert_int_equal(s.fields, MT_F_OHLCV);
    /* 1679230800000,27246.96,27286.65,27110.12,27178.27,11555.80436 */
    assert_int_equal(s.open_time[0], INT64_C(1679230800000));
    tu_assert_same_double(s.open[0], 27246.96);
    tu_assert_same_double(s.low[0], 27110.12);
    tu_assert_same_double(s.volume[0], 11555.80436);
    assert_true(isnan(s.trades[0]));
    /* 2023-03-24 12:00 is the flat outage candle 28080 x4, volume 0 */
    size_t i = mt_series_lower_bound(&s, INT64_C(1679659200000));
    tu_assert_same_double(s.high[i], 28080.0);
    tu_assert_same_double(s.volume[i], 0.0);
    assert_int_equal(s.open_time[i + 1], INT64_C(1679666400000));
    mt_series_release(&s);
}

static void headers_by_name_and_friendly_input(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    /* BOM, CRLF, quoted header names, Binance's spoken names, extra columns,
     * "count" losing to "Number of trades", empty values, blank lines. */
    const char *text = "\xEF\xBB\xBF\"Open time\",Open,High,Low,Close,Volume,count,"
                       "Number of trades,Quote asset volume,extra\r\n"
                       "1677628800000,1,2,0.5,1.5,10,99,7,15,x\r\n"
                       "\r\n"
                       " 1677632400000 , 1.5 ,2.5,1,2,,98,8,,y\r\n";
    assert_int_equal(parse_text(text, NULL, &s, &info, NULL), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.fields, MT_F_OHLCV | MT_F_TRADES | MT_F_QUOTE_VOLUME);
    tu_assert_same_double(s.trades[0], 7.0);
    tu_assert_same_double(s.trades[1], 8.0);
    tu_assert_same_double(s.quote_volume[0], 15.0);
    assert_true(isnan(s.quote_volume[1]));
    assert_true(isnan(s.volume[1]));
    tu_assert_same_double(s.open[1], 1.5);
    assert_false(info.tf_known);
    mt_series_release(&s);

    /* dates as text in a header CSV (pandas/freqtrade exports) */
    const char *dates = "date,open,high,low,close,volume\n"
                        "2023-03-01 00:00:00+00:00,1,2,0.5,1.5,10\n"
                        "2023-03-01T01:00:00Z,1,2,0.5,1.5,10\n"
                        "2023-03-01 02:00,1,2,0.5,1.5,10\n";
    assert_int_equal(parse_text(dates, NULL, &s, &info, NULL), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.open_time[0], MAR1);
    assert_int_equal(s.open_time[1], MAR1 + H);
    assert_int_equal(s.open_time[2], MAR1 + 2 * H);
    mt_series_release(&s);

    /* empty input: no rows, not an error */
    assert_int_equal(parse_text("", NULL, &s, &info, NULL), 0);
    assert_int_equal(s.n, 0);
    mt_series_release(&s);
}

static void bad_rows_name_line_and_column(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    const char *bad_number = "open_time,open,high,low,close,volume\n"
                             "1589155200000,8722.77,8805.14,8696,8770.16,3812.842913\n"
                             "1589158800000,8770.15,87x5,8684.9,8713.41,2206.729701\n";
    assert_int_equal(parse_text(bad_number, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 3 column 3 (high): expected a number, got '87x5'");
    assert_int_equal(s.n, 0);

    const char *bad_time = "open_time,open,high,low,close\n12a,1,1,1,1\n";
    assert_int_equal(parse_text(bad_time, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 2 column 1 (open_time): expected an integer time "
                                 "(ms, us or ns) or a UTC date, got '12a'");

    const char *short_row = "open_time,open,high,low,close\n1,1,1,1,1\n2,1,1,1\n";
    assert_int_equal(parse_text(short_row, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 3: 4 columns, expected 5");

    const char *no_close = "open_time,open,high,low\n1,1,1,1\n";
    assert_int_equal(parse_text(no_close, NULL, &s, &info, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "t.csv line 1: the header has no close column"));

    const char *six = "1677628800000,1,2,0.5,1.5,10\n";
    assert_int_equal(parse_text(six, NULL, &s, &info, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "6 columns and no header"));

    const char *fractional_trades =
        "1677628800000,1,2,0.5,1.5,10,1677632399999,15,7.5,1,1,0\n";
    assert_int_equal(parse_text(fractional_trades, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg,
                        "t.csv line 1 column 9 (trades): expected an integer count, got '7.5'");

    const char *overflow = "open_time,open,high,low,close\n1,1e999,1,1,1\n";
    assert_int_equal(parse_text(overflow, NULL, &s, &info, &err), MT_EFORMAT);
}

static void close_times_against_timeframe(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(tu_fixture("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv"), &len);
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    mt_series_init(&s, 0);
    enum mt_tf tf = MT_TF_4H;
    assert_int_equal(mt_csv_parse(text, len, "X-4h.csv", &tf, &s, &info, &err), MT_EDATA);
    assert_string_equal(err.msg, "X-4h.csv line 2: open time 2023-03-01 01:00 is not on the 4h "
                                 "grid");
    tf = MT_TF_1M_MIN;
    assert_int_equal(mt_csv_parse(text, len, "X-1m.csv", &tf, &s, &info, &err), MT_EDATA);
    assert_string_equal(err.msg, "X-1m.csv line 1: close time 1677632399999 does not fit the 1m "
                                 "candle opening at 2023-03-01 00:00 (expected 1677628859999)");
    tf = MT_TF_1H;
    assert_int_equal(mt_csv_parse(text, len, "X-1h.csv", &tf, &s, &info, NULL), 0);
    assert_int_equal(s.n, 743);
    free(text);
    mt_series_release(&s);

    /* 1d data whose rows all close after one hour: a 1h file named as 1d */
    const char *early = "1677628800000,1,2,0.5,1.5,10,1677632399999,15,7,1,1,0\n"
                        "1677715200000,1,2,0.5,1.5,10,1677718799999,15,7,1,1,0\n";
    tf = MT_TF_1D;
    assert_int_equal(parse_text(early, &tf, &s, &info, &err), MT_EDATA);
    assert_string_equal(err.msg, "t.csv: 2 of 2 rows close before the end of their 1d candle "
                                 "(first at line 1): the data is not 1d candles");
    /* without a given timeframe those rows are 1h */
    assert_int_equal(parse_text(early, NULL, &s, &info, NULL), 0);
    assert_int_equal(info.tf, MT_TF_1H);
    mt_series_release(&s);

    /* monthly candles: close = next month - 1 ms (February 2023 has 28 days) */
    const char *month = "1675209600000,1,2,0.5,1.5,10,1677628799999,15,7,1,1,0\n";
    assert_int_equal(parse_text(month, NULL, &s, &info, NULL), 0);
    assert_int_equal(info.tf, MT_TF_1MO);
    mt_series_release(&s);

    const char *nonsense = "1677628800000,1,2,0.5,1.5,10,1677628800005,15,7,1,1,0\n";
    assert_int_equal(parse_text(nonsense, NULL, &s, &info, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "no row closes at the end of a candle"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(binance_vision_with_and_without_header),
        cmocka_unit_test(microsecond_timestamps),
        cmocka_unit_test(plain_six_column_csv),
        cmocka_unit_test(headers_by_name_and_friendly_input),
        cmocka_unit_test(bad_rows_name_line_and_column),
        cmocka_unit_test(close_times_against_timeframe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
