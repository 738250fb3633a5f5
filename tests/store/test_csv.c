/* CSV parsing of the plain and the data.binance.vision formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/csv.h"
#include "store/validate.h"
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
    assert_string_equal(err.msg, "t.csv line 1 column 9 (trades): expected an integer count below "
                                 "9.2e18, got '7.5'");

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

/* An mt_csv_reader over a string that hands out at most `most` bytes a call. */
struct text_reader {
    const char *p;
    size_t len, pos, most;
};

static int64_t read_text(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    (void)err;
    struct text_reader *r = ctx;
    size_t n = r->len - r->pos;
    if (n > cap)
        n = cap;
    if (n > r->most)
        n = r->most;
    memcpy(buf, r->p + r->pos, n);
    r->pos += n;
    return (int64_t)n;
}

static void assert_same_series(const struct mt_series *a, const struct mt_series *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->fields, b->fields);
    if (a->n)
        assert_memory_equal(a->open_time, b->open_time, a->n * sizeof(int64_t));
    for (unsigned f = MT_F_OPEN; f <= MT_F_TAKER_BUY_QUOTE; f <<= 1) {
        if (!(a->fields & f) || a->n == 0)
            continue;
        const double *x = mt_series_column((struct mt_series *)a, f);
        const double *y = mt_series_column((struct mt_series *)b, f);
        assert_memory_equal(x, y, a->n * sizeof(double));
    }
}

/* Parses text whole and streamed with many chunk sizes (so that lines,
 * line ends and the BOM straddle reads); every result must be the same.
 * Returns the whole parse's code, its series in *s and its info. */
static int parse_both_ways(const char *text, size_t len, const enum mt_tf *tf,
                           struct mt_series *s, struct mt_csv_info *info, struct mt_err *err)
{
    mt_series_init(s, 0);
    int rc = mt_csv_parse(text, len, "t.csv", tf, s, info, err);
    const size_t chunks[] = {1, 2, 3, 7, 64, 1000, MT_CSV_LINE_MAX + 5, 0};
    const size_t mosts[] = {SIZE_MAX, 5}; /* full reads, and short ones */
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        for (size_t m = 0; m < 2; m++) {
            struct text_reader r = {text, len, 0, mosts[m]};
            struct mt_series t;
            struct mt_csv_info ti;
            struct mt_err te = {0};
            mt_series_init(&t, 0);
            int trc = mt_csv_read(read_text, &r, chunks[k], "t.csv", tf, &t, &ti, &te);
            assert_int_equal(trc, rc);
            if (rc) {
                assert_string_equal(te.msg, err->msg);
                assert_int_equal(t.n, 0);
            } else {
                assert_same_series(s, &t);
                assert_int_equal(ti.header, info->header);
                assert_int_equal(ti.tf_known, info->tf_known);
                assert_int_equal(ti.tf, info->tf);
                assert_int_equal(ti.micros, info->micros);
                assert_int_equal(ti.early_closes, info->early_closes);
                assert_int_equal(ti.invalid, info->invalid);
                assert_string_equal(ti.first_invalid.msg, info->first_invalid.msg);
            }
            mt_series_release(&t);
        }
    }
    return rc;
}

static void streamed_equals_whole(void **state)
{
    (void)state;
    const char *fixtures[] = {"ohlcv/vision/BTCUSDT-1h-2023-03.csv",
                              "ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv",
                              "ohlcv/micros/BTCUSDT-1h-2023-03.csv", "ohlcv/csv/BTCUSDT-1h.csv"};
    const size_t rows[] = {743, 743, 5, 200};
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    for (size_t k = 0; k < 4; k++) {
        size_t len;
        char *text = tu_read_file(tu_fixture(fixtures[k]), &len);
        assert_int_equal(parse_both_ways(text, len, NULL, &s, &info, &err), 0);
        assert_int_equal(s.n, rows[k]);
        free(text);
        mt_series_release(&s);
    }
    /* BOM, CRLF, blank lines, no final line end */
    const char *friendly = "\xEF\xBB\xBFopen_time,open,high,low,close,volume\r\n\r\n"
                           "1677628800000,1,2,0.5,1.5,10\r\n  \n1677632400000,1.5,2.5,1,2,";
    assert_int_equal(parse_both_ways(friendly, strlen(friendly), NULL, &s, &info, &err), 0);
    assert_int_equal(s.n, 2);
    assert_true(isnan(s.volume[1]));
    mt_series_release(&s);
    /* an error in the middle: the same message either way */
    const char *bad = "open_time,open,high,low,close\n1,1,1,1,1\n2,1,x,1,1\n3,1,1,1,1\n";
    assert_int_equal(parse_both_ways(bad, strlen(bad), NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 3 column 3 (high): expected a number, got 'x'");
}

/* A reader failure ends the parse with the reader's error. */
static int64_t failing_read(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    int *calls = ctx;
    if ((*calls)++ == 0) {
        const char *head = "open_time,open,high,low,close\n1,1,1,1,1\n";
        size_t n = strlen(head) < cap ? strlen(head) : cap;
        memcpy(buf, head, n);
        return (int64_t)n;
    }
    return mt_err_set(err, MT_EIO, "cannot read x: disk on fire");
}

static void reader_errors_and_line_limit(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    int calls = 0;
    mt_series_init(&s, 0);
    assert_int_equal(mt_csv_read(failing_read, &calls, 0, "t.csv", NULL, &s, &info, &err),
                     MT_EIO);
    assert_string_equal(err.msg, "cannot read x: disk on fire");
    assert_int_equal(s.n, 0);

    /* A header of exactly MT_CSV_LINE_MAX bytes (an ignored long column) is
     * read; one byte more is a limit error naming file, line and limit (it was
     * "out of memory" when the text was read whole). */
    const char *head = "open_time,open,high,low,close,";
    size_t len = MT_CSV_LINE_MAX + 40;
    char *text = malloc(len + 1);
    assert_non_null(text);
    size_t h = strlen(head);
    memcpy(text, head, h);
    memset(text + h, 'x', MT_CSV_LINE_MAX - h);
    size_t n = MT_CSV_LINE_MAX;
    n += (size_t)snprintf(text + n, len + 1 - n, "\r\n1,1,1,1,1,z\n");
    assert_int_equal(parse_both_ways(text, n, NULL, &s, &info, &err), 0);
    assert_int_equal(s.n, 1);
    mt_series_release(&s);
    memmove(text + h + 1, text + h, n - h);
    n++;
    assert_int_equal(parse_both_ways(text, n, NULL, &s, &info, &err), MT_ELIMIT);
    assert_string_equal(err.msg, "t.csv line 1: longer than the limit of 65536 bytes");
    /* the same on a data line after the header, without a line end */
    n = (size_t)snprintf(text, len + 1, "open_time,open,high,low,close\n1,1,1,1,1");
    memset(text + n, '1', MT_CSV_LINE_MAX);
    assert_int_equal(parse_both_ways(text, n + MT_CSV_LINE_MAX, NULL, &s, &info, &err),
                     MT_ELIMIT);
    assert_string_equal(err.msg, "t.csv line 2: longer than the limit of 65536 bytes");
    free(text);
}

static void huge_trade_counts(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    /* one row: the store would have written a null and dropped the column */
    const char *huge = "open_time,open,high,low,close,volume,trades\n"
                       "1677628800000,1,2,0.5,1.5,10,9200000000000000000\n";
    assert_int_equal(parse_text(huge, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 2 column 7 (trades): expected an integer count below "
                                 "9.2e18, got '9200000000000000000'");
    const char *klines = "1677628800000,1,2,0.5,1.5,10,1677632399999,15,-1e19,1,1,0\n";
    assert_int_equal(parse_text(klines, NULL, &s, &info, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "t.csv line 1 column 9 (trades): expected an integer count below "
                                 "9.2e18, got '-1e19'");
    const char *big = "open_time,open,high,low,close,volume,trades\n"
                      "1677628800000,1,2,0.5,1.5,10,9100000000000000000\n";
    assert_int_equal(parse_text(big, NULL, &s, &info, &err), 0);
    tu_assert_same_double(s.trades[0], 9.1e18);
    mt_series_release(&s);
}

static void invalid_rows_are_kept_and_counted(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_csv_info info;
    struct mt_err err = {0};
    const char *text = "open_time,open,high,low,close,volume,trades\n"
                       "1677628800000,1,2,0.5,1.5,10,7\n"
                       "1677632400000,1,2,0.5,1.5,-1,7\n"   /* negative volume */
                       "1677636000000,1,0.4,0.5,1.5,10,7\n" /* high below body and low */
                       "1677639600000,inf,2,0.5,1.5,10,7\n"
                       "1677643200000,,2,0.5,1.5,10,7\n"    /* an unknown price is invalid */
                       "1677646800000,1,2,0.5,1.5,10,-7\n"
                       "-3600000,1,2,0.5,1.5,10,7\n"
                       "1677650400000,1,2,0.5,1.5,,\n";     /* unknown volumes are fine */
    assert_int_equal(parse_both_ways(text, strlen(text), NULL, &s, &info, &err), 0);
    assert_int_equal(s.n, 8);
    assert_int_equal(info.invalid, 6);
    assert_int_equal(info.first_invalid.code, MT_EDATA);
    assert_string_equal(info.first_invalid.msg,
                        "t.csv line 3 column 6 (volume): invalid candle: negative volume -1");
    tu_assert_same_double(s.volume[1], -1.0);
    assert_int_equal(s.open_time[6], -INT64_C(3600000));
    mt_series_release(&s);

    const char *times = "open_time,open,high,low,close\n-3600000,1,2,0.5,1.5\n";
    assert_int_equal(parse_text(times, NULL, &s, &info, &err), 0);
    assert_int_equal(info.invalid, 1);
    assert_string_equal(info.first_invalid.msg, "t.csv line 2 column 1 (open_time): invalid "
                                                "candle: open time -3600000 ms, before 1970");
    mt_series_release(&s);
    const char *klines = "1677628800000,1,2,0.5,nan,10,1677632399999,15,7,1,1,0\n";
    assert_int_equal(parse_text(klines, NULL, &s, &info, &err), 0);
    assert_int_equal(info.invalid, 1);
    assert_string_equal(info.first_invalid.msg,
                        "t.csv line 1 column 5 (close): invalid candle: non-finite close nan");
    mt_series_release(&s);
    assert_int_equal(parse_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", NULL, &s, &info, NULL),
                     0);
    assert_int_equal(info.invalid, 0);
    assert_string_equal(info.first_invalid.msg, "");
    mt_series_release(&s);
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
        cmocka_unit_test(streamed_equals_whole),
        cmocka_unit_test(reader_errors_and_line_limit),
        cmocka_unit_test(huge_trade_counts),
        cmocka_unit_test(invalid_rows_are_kept_and_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
