/* Validation report: real outage data and one synthetic case per issue kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/csv.h"
#include "store/validate.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define DAY (24 * H)
/* 2024-01-01 00:00 UTC, a Monday */
#define T0 INT64_C(1704067200000)

static void load_fixture(const char *name, struct mt_series *s)
{
    size_t len;
    char *text = tu_read_file(tu_fixture(name), &len);
    struct mt_csv_info info;
    struct mt_err err = {0};
    mt_series_init(s, 0);
    int rc = mt_csv_parse(text, len, name, NULL, s, &info, &err);
    if (rc)
        fail_msg("%s", err.msg);
    free(text);
}

static void add_bar(struct mt_series *s, int64_t t, double o, double h, double l, double c,
                    double v)
{
    struct mt_candle bar = {t, o, h, l, c, v, v * o, 10, v / 2, v * o / 2};
    assert_int_equal(mt_series_append(s, &bar, NULL), 0);
}

static void march_2023_outage(void **state)
{
    (void)state;
    struct mt_series s;
    load_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", &s);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.rows, 743);
    assert_int_equal(r.first_open, INT64_C(1677628800000));
    assert_int_equal(r.last_open, INT64_C(1680303600000));
    assert_int_equal(r.counts[MT_ISSUE_GAP], 1);
    assert_int_equal(r.missing_candles, 1);
    assert_int_equal(r.counts[MT_ISSUE_FLAT_ZERO_VOLUME], 1);
    assert_int_equal(r.issues, 2);
    assert_int_equal(r.n_items, 2);
    /* row order: the flat candle (row 564) comes before the gap after it */
    const struct mt_issue *flat = &r.items[0], *gap = &r.items[1];
    assert_int_equal(flat->kind, MT_ISSUE_FLAT_ZERO_VOLUME);
    assert_int_equal(flat->row, 564);
    assert_int_equal(flat->first, INT64_C(1679659200000));
    assert_int_equal(gap->kind, MT_ISSUE_GAP);
    assert_int_equal(gap->first, INT64_C(1679662800000));
    assert_int_equal(gap->last, INT64_C(1679662800000));
    assert_int_equal(gap->count, 1);
    assert_int_equal(gap->row, 565);
    char line[256];
    assert_string_equal(mt_issue_format(gap, line, sizeof line),
                        "gap: 1 missing candle at 2023-03-24 13:00");
    assert_string_equal(mt_issue_format(flat, line, sizeof line),
                        "flat zero-volume candle at 2023-03-24 12:00 (row 564)");
    assert_string_equal(mt_issue_kind_name(MT_ISSUE_GAP), "gap");
    mt_series_release(&s);
}

static void price_checks(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    add_bar(&s, T0, 10, 12, 9, 11, 5);          /* fine */
    add_bar(&s, T0 + H, 11, 10.5, 9, 10, 5);    /* high below the body */
    add_bar(&s, T0 + 2 * H, 10, 12, 10.5, 11, 5); /* low above the body */
    add_bar(&s, T0 + 3 * H, 9.2, 9, 9.5, 9.3, 5); /* all three */
    add_bar(&s, T0 + 4 * H, 10, 12, 9, NAN, 5);   /* NaN close: only bad_price */
    add_bar(&s, T0 + 5 * H, 10, INFINITY, 9, 11, 5);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_HIGH_BELOW_BODY], 2);
    assert_int_equal(r.counts[MT_ISSUE_LOW_ABOVE_BODY], 2);
    assert_int_equal(r.counts[MT_ISSUE_HIGH_BELOW_LOW], 1);
    assert_int_equal(r.counts[MT_ISSUE_BAD_PRICE], 2);
    assert_int_equal(r.issues, 7);
    char line[256];
    assert_int_equal(r.items[0].kind, MT_ISSUE_HIGH_BELOW_BODY);
    assert_string_equal(mt_issue_format(&r.items[0], line, sizeof line),
                        "high 10.5 below max(open, close) 11 at 2024-01-01 01:00 (row 1)");
    assert_string_equal(mt_issue_format(&r.items[1], line, sizeof line),
                        "low 10.5 above min(open, close) 10 at 2024-01-01 02:00 (row 2)");
    assert_int_equal(r.items[4].kind, MT_ISSUE_HIGH_BELOW_LOW);
    assert_string_equal(mt_issue_format(&r.items[4], line, sizeof line),
                        "high 9 below low 9.5 at 2024-01-01 03:00 (row 3)");
    assert_int_equal(r.items[5].field, MT_F_CLOSE);
    assert_string_equal(mt_issue_format(&r.items[5], line, sizeof line),
                        "non-finite close nan at 2024-01-01 04:00 (row 4)");
    assert_int_equal(r.items[6].field, MT_F_HIGH);
    mt_series_release(&s);
}

static void time_checks(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    int64_t t[] = {T0, T0 + H, T0 + H, T0, T0 + 3 * H + H / 2, T0 + 6 * H};
    for (size_t i = 0; i < 6; i++)
        add_bar(&s, t[i], 10, 12, 9, 11, 5);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_DUPLICATE], 1);
    assert_int_equal(r.counts[MT_ISSUE_UNSORTED], 1);
    assert_int_equal(r.counts[MT_ISSUE_OFF_GRID], 1);
    assert_int_equal(r.counts[MT_ISSUE_GAP], 0); /* only between rows on the grid */
    char line[256];
    assert_string_equal(mt_issue_format(&r.items[0], line, sizeof line),
                        "duplicate open time at 2024-01-01 01:00 (row 2)");
    assert_string_equal(mt_issue_format(&r.items[1], line, sizeof line),
                        "open time earlier than the previous row's 2024-01-01 01:00 at "
                        "2024-01-01 00:00 (row 3)");
    assert_string_equal(mt_issue_format(&r.items[2], line, sizeof line),
                        "open time off the timeframe grid at 2024-01-01 03:30 (row 4)");
    mt_series_release(&s);
}

static void gaps_on_fixed_timeframes(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    int64_t t[] = {T0, T0 + H, T0 + 4 * H, T0 + 5 * H, T0 + 9 * H};
    for (size_t i = 0; i < 5; i++)
        add_bar(&s, t[i], 10, 12, 9, 11, 5);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_GAP], 2);
    assert_int_equal(r.missing_candles, 5);
    assert_int_equal(r.items[0].first, T0 + 2 * H);
    assert_int_equal(r.items[0].last, T0 + 3 * H);
    assert_int_equal(r.items[0].count, 2);
    assert_int_equal(r.items[1].first, T0 + 6 * H);
    assert_int_equal(r.items[1].last, T0 + 8 * H);
    assert_int_equal(r.items[1].count, 3);
    char line[256];
    assert_string_equal(mt_issue_format(&r.items[1], line, sizeof line),
                        "gap: 3 missing candles from 2024-01-01 06:00 to 2024-01-01 08:00");
    /* As 4h data, 01:00, 05:00 and 09:00 are off the grid. */
    assert_int_equal(mt_validate_series(&s, MT_TF_4H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_OFF_GRID], 3);
    assert_int_equal(r.counts[MT_ISSUE_GAP], 0);
    mt_series_release(&s);
}

static void weeks_and_months(void **state)
{
    (void)state;
    struct mt_series s;
    /* Weeks open on Mondays: 2024-01-01, 01-08, then 01-29 (01-15 and 01-22 missing);
     * 2024-02-01 is a Thursday, on the 7-day epoch grid but not a week start. */
    mt_series_init(&s, MT_F_OHLCV);
    int64_t w[] = {T0, T0 + 7 * DAY, T0 + 28 * DAY, T0 + 31 * DAY};
    for (size_t i = 0; i < 4; i++)
        add_bar(&s, w[i], 10, 12, 9, 11, 5);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1W, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_GAP], 1);
    assert_int_equal(r.items[0].first, T0 + 14 * DAY);
    assert_int_equal(r.items[0].last, T0 + 21 * DAY);
    assert_int_equal(r.items[0].count, 2);
    assert_int_equal(r.counts[MT_ISSUE_OFF_GRID], 1);
    assert_int_equal(r.items[1].first, T0 + 31 * DAY);
    mt_series_release(&s);

    /* Months: 2023-01, 2023-02, then 2023-06 (March to May missing), 2023-07-15 off grid. */
    mt_series_init(&s, MT_F_OHLCV);
    int64_t m[] = {INT64_C(1672531200000), INT64_C(1675209600000), INT64_C(1685577600000),
                   INT64_C(1689379200000)};
    for (size_t i = 0; i < 4; i++)
        add_bar(&s, m[i], 10, 12, 9, 11, 5);
    assert_int_equal(mt_validate_series(&s, MT_TF_1MO, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_GAP], 1);
    assert_int_equal(r.items[0].first, INT64_C(1677628800000)); /* 2023-03-01 */
    assert_int_equal(r.items[0].last, INT64_C(1682899200000));  /* 2023-05-01 */
    assert_int_equal(r.items[0].count, 3);
    assert_int_equal(r.counts[MT_ISSUE_OFF_GRID], 1);
    char line[256];
    assert_string_equal(mt_issue_format(&r.items[0], line, sizeof line),
                        "gap: 3 missing candles from 2023-03-01 00:00 to 2023-05-01 00:00");
    mt_series_release(&s);
}

static void negative_volumes_per_field(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    add_bar(&s, T0, 10, 12, 9, 11, 5);
    add_bar(&s, T0 + H, 10, 12, 9, 11, 5);
    s.volume[1] = -1.5;
    s.taker_buy_quote[1] = -2;
    s.trades[0] = -3;
    s.quote_volume[0] = NAN; /* unknown, not negative */
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_NEGATIVE_VOLUME], 3);
    assert_int_equal(r.issues, 3);
    assert_int_equal(r.items[0].field, MT_F_TRADES);
    assert_int_equal(r.items[1].field, MT_F_VOLUME);
    assert_int_equal(r.items[2].field, MT_F_TAKER_BUY_QUOTE);
    char line[256];
    assert_string_equal(mt_issue_format(&r.items[1], line, sizeof line),
                        "negative volume -1.5 at 2024-01-01 01:00 (row 1)");
    mt_series_release(&s);
}

static void flat_runs_merge_into_one_item(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    add_bar(&s, T0, 10, 12, 9, 11, 5);
    for (int64_t i = 1; i <= 3; i++)
        add_bar(&s, T0 + i * H, 7, 7, 7, 7, 0);
    add_bar(&s, T0 + 4 * H, 7, 7, 7, 7, 0.5); /* flat but traded: fine */
    add_bar(&s, T0 + 5 * H, 7, 7, 7, 7, 0);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_FLAT_ZERO_VOLUME], 4);
    assert_int_equal(r.n_items, 2);
    assert_int_equal(r.items[0].count, 3);
    char line[256];
    assert_string_equal(mt_issue_format(&r.items[0], line, sizeof line),
                        "flat zero-volume candles from 2024-01-01 01:00 to 2024-01-01 03:00 "
                        "(rows 1-3)");
    assert_int_equal(r.items[1].row, 5);
    /* without a volume field nothing can be called zero-volume */
    s.fields = MT_F_OHLC;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.issues, 0);
    mt_series_release(&s);
}

static void item_list_is_bounded(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    for (int64_t i = 0; i < 250; i++)
        add_bar(&s, T0 + i * H, 11, 10.5, 9, 10, 5);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, &r, NULL), 0);
    assert_int_equal(r.counts[MT_ISSUE_HIGH_BELOW_BODY], 250);
    assert_int_equal(r.n_items, MT_VALIDATE_MAX_ITEMS);
    assert_int_equal(r.items_dropped, 150);
    assert_int_equal(r.items[99].row, 99);
    struct mt_err err = {0};
    assert_int_equal(mt_validate_series(&s, MT_TF_COUNT, &r, &err), MT_EINVAL);
    mt_series_release(&s);
}

static void empty_series_is_clean(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    struct mt_validate_report r;
    assert_int_equal(mt_validate_series(&s, MT_TF_1D, &r, NULL), 0);
    assert_int_equal(r.rows, 0);
    assert_int_equal(r.issues, 0);
    assert_int_equal(r.n_items, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(march_2023_outage),
        cmocka_unit_test(price_checks),
        cmocka_unit_test(time_checks),
        cmocka_unit_test(gaps_on_fixed_timeframes),
        cmocka_unit_test(weeks_and_months),
        cmocka_unit_test(negative_volumes_per_field),
        cmocka_unit_test(flat_runs_merge_into_one_item),
        cmocka_unit_test(item_list_is_bounded),
        cmocka_unit_test(empty_series_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
