/* Resampling against hand-computed buckets of the real 2023-03 BTCUSDT 1h data
 * (exact decimal sums made with Python's Decimal; the 1d values also equal
 * Binance's own 1d candles in data/ohlcv/csv/BTCUSDT-1d.csv). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/csv.h"
#include "store/resample.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define DAY (24 * H)
#define MAR1 INT64_C(1677628800000)

static struct mt_series march;

static int load_march(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(tu_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv"), &len);
    struct mt_csv_info info;
    mt_series_init(&march, 0);
    int rc = mt_csv_parse(text, len, "march", NULL, &march, &info, NULL);
    free(text);
    return rc;
}

static int free_march(void **state)
{
    (void)state;
    mt_series_release(&march);
    return 0;
}

/* Relative tolerance for sums of decimals printed with 8 places. */
static void assert_sum(double got, double want)
{
    tu_assert_close(got, want, fabs(want) * 1e-12);
}

static size_t find_row(const struct mt_series *s, int64_t t)
{
    size_t i = mt_series_lower_bound(s, t);
    assert_true(i < s->n);
    assert_int_equal(s->open_time[i], t);
    return i;
}

static void to_4h(void **state)
{
    (void)state;
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_resample_report rep;
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_4H, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.fields, MT_F_ALL);
    assert_int_equal(rep.buckets, 186);
    assert_int_equal(out.n, 186);
    assert_false(rep.trailing_dropped);
    assert_int_equal(out.open_time[0], MAR1);
    tu_assert_same_double(out.open[0], 23141.57);
    tu_assert_same_double(out.high[0], 23498.0);
    tu_assert_same_double(out.low[0], 23020.03);
    tu_assert_same_double(out.close[0], 23441.14);
    assert_sum(out.volume[0], 47163.64208);
    assert_sum(out.quote_volume[0], 1097115387.6832635);
    tu_assert_same_double(out.trades[0], 1658889.0);
    assert_sum(out.taker_buy_base[0], 23956.29799);
    assert_sum(out.taker_buy_quote[0], 557319110.5964514);
    /* The outage bucket: emitted from 12:00, 14:00, 15:00 and reported. */
    assert_int_equal(rep.gap_buckets, 1);
    assert_int_equal(rep.missing, 1);
    assert_int_equal(rep.n_gaps, 1);
    assert_int_equal(rep.gaps[0].open_time, INT64_C(1679659200000));
    assert_int_equal(rep.gaps[0].present, 3);
    assert_int_equal(rep.gaps[0].missing, 1);
    assert_true(rep.gaps[0].emitted);
    size_t g = find_row(&out, INT64_C(1679659200000));
    tu_assert_same_double(out.open[g], 28080.0);
    tu_assert_same_double(out.high[g], 28253.01);
    tu_assert_same_double(out.low[g], 27835.0);
    tu_assert_same_double(out.close[g], 28018.04);
    assert_sum(out.volume[g], 14181.52699);
    tu_assert_same_double(out.trades[g], 236925.0);
    assert_int_equal(out.open_time[185], INT64_C(1680292800000)); /* 03-31 20:00 */

    struct mt_resample_opts skip = {.gaps = MT_RESAMPLE_SKIP_PARTIAL};
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_4H, &skip, &out, &rep, NULL), 0);
    assert_int_equal(rep.buckets, 185);
    assert_int_equal(rep.skipped, 1);
    assert_false(rep.gaps[0].emitted);
    assert_int_equal(out.open_time[mt_series_lower_bound(&out, INT64_C(1679659200000))],
                     INT64_C(1679659200000) + 4 * H);
    mt_series_release(&out);
}

static void to_1d_matches_binance_daily(void **state)
{
    (void)state;
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_resample_report rep;
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_1D, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 31);
    /* Binance 1d 2023-03-01: 23141.57, 24000, 23020.03, 23628.97, 315287.41737 */
    tu_assert_same_double(out.open[0], 23141.57);
    tu_assert_same_double(out.high[0], 24000.0);
    tu_assert_same_double(out.low[0], 23020.03);
    tu_assert_same_double(out.close[0], 23628.97);
    assert_sum(out.volume[0], 315287.41737);
    tu_assert_same_double(out.trades[0], 9390487.0);
    /* Binance 1d 2023-03-24 (made by Binance from 23 hours too): 28295.42, 28374.3,
     * 27000, 27454.47, 86242.06544 */
    size_t d = find_row(&out, INT64_C(1679616000000));
    tu_assert_same_double(out.open[d], 28295.42);
    tu_assert_same_double(out.high[d], 28374.3);
    tu_assert_same_double(out.low[d], 27000.0);
    tu_assert_same_double(out.close[d], 27454.47);
    assert_sum(out.volume[d], 86242.06544);
    assert_int_equal(rep.gap_buckets, 1);
    assert_int_equal(rep.gaps[0].open_time, INT64_C(1679616000000));
    assert_int_equal(rep.gaps[0].present, 23);
    mt_series_release(&out);
}

static void weeks_open_on_monday(void **state)
{
    (void)state;
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_resample_report rep;
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_1W, NULL, &out, &rep, NULL), 0);
    /* 2023-03-01 is a Wednesday: the week of Monday 02-27 started before the data
     * (left out: its first 48 hours are unknown, not an outage); the week of 03-27
     * is still forming at the end of the data. */
    assert_int_equal(out.n, 3);
    int64_t want[] = {INT64_C(1678060800000), INT64_C(1678665600000), INT64_C(1679270400000)};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(out.open_time[i], want[i]);
    assert_true(rep.leading_dropped);
    assert_int_equal(rep.leading_open, INT64_C(1677456000000));
    assert_int_equal(rep.leading_rows, 120);
    tu_assert_same_double(out.open[0], 22430.24);
    tu_assert_same_double(out.high[0], 22602.19);
    tu_assert_same_double(out.low[0], 19549.09);
    tu_assert_same_double(out.close[0], 21997.11);
    assert_sum(out.volume[0], 2718623.72856);
    tu_assert_same_double(out.trades[0], 64620831.0);
    assert_sum(out.volume[2], 1437828.84706);
    assert_int_equal(rep.gap_buckets, 1);
    assert_int_equal(rep.gaps[0].open_time, want[2]);
    assert_int_equal(rep.gaps[0].missing, 1);
    assert_true(rep.trailing_dropped);
    assert_int_equal(rep.trailing_open, INT64_C(1679875200000));
    assert_int_equal(rep.trailing_rows, 120);
    mt_series_release(&out);
}

static void calendar_months(void **state)
{
    (void)state;
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_resample_report rep;
    /* 1h -> 1M: March reaches its end (31 23:00), one hour missing. */
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_1MO, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 1);
    assert_int_equal(out.open_time[0], MAR1);
    tu_assert_same_double(out.high[0], 29184.68);
    tu_assert_same_double(out.low[0], 19549.09);
    tu_assert_same_double(out.close[0], 28465.36);
    assert_sum(out.volume[0], 9516189.35846);
    tu_assert_same_double(out.trades[0], 225288488.0);
    assert_int_equal(rep.gaps[0].missing, 1);

    /* 1d -> 1M over 2024-01-01 .. 2024-03-30 (leap February, March unfinished). */
    struct mt_series days;
    mt_series_init(&days, MT_F_OHLCV);
    int64_t jan1 = INT64_C(1704067200000);
    for (int64_t d = 0; d < 90; d++) {
        struct mt_candle c = {jan1 + d * DAY, (double)d, (double)d + 5, (double)d - 5,
                              (double)d + 1, 1.0, NAN, NAN, NAN, NAN};
        assert_int_equal(mt_series_append(&days, &c, NULL), 0);
    }
    assert_int_equal(mt_resample(&days, MT_TF_1D, MT_TF_1MO, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 2);
    assert_int_equal(out.fields, MT_F_OHLCV);
    assert_int_equal(out.open_time[1], INT64_C(1706745600000)); /* 2024-02-01 */
    tu_assert_same_double(out.volume[0], 31.0);
    tu_assert_same_double(out.volume[1], 29.0);
    tu_assert_same_double(out.open[1], 31.0);
    tu_assert_same_double(out.close[1], 60.0);
    tu_assert_same_double(out.high[1], 64.0);
    tu_assert_same_double(out.low[1], 26.0);
    assert_true(isnan(out.quote_volume[0]));
    assert_true(rep.trailing_dropped);
    assert_int_equal(rep.trailing_open, INT64_C(1709251200000)); /* 2024-03-01 */
    assert_int_equal(rep.trailing_rows, 30);
    assert_int_equal(rep.gap_buckets, 0);

    /* Once April has begun, March is final: a gap bucket missing its 31st. */
    struct mt_resample_opts opts = {.now_ms = INT64_C(1712016000000)}; /* 2024-04-02 */
    assert_int_equal(mt_resample(&days, MT_TF_1D, MT_TF_1MO, &opts, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 3);
    tu_assert_same_double(out.volume[2], 30.0);
    assert_false(rep.trailing_dropped);
    assert_int_equal(rep.gap_buckets, 1);
    assert_int_equal(rep.gaps[0].missing, 1);
    /* ...but not while it is still March 31st. */
    opts.now_ms = INT64_C(1711843200000) + 12 * H;
    assert_int_equal(mt_resample(&days, MT_TF_1D, MT_TF_1MO, &opts, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 2);
    mt_series_release(&days);
    mt_series_release(&out);
}

static void unfinished_and_empty_buckets(void **state)
{
    (void)state;
    struct mt_series in, out;
    mt_series_init(&in, MT_F_ALL);
    mt_series_init(&out, 0);
    /* 00..05 then 12..15: 4h buckets 00 (complete), 04 (04, 05 only), 08 (empty), 12 */
    int64_t hours[] = {0, 1, 2, 3, 4, 5, 12, 13, 14, 15};
    for (size_t i = 0; i < 10; i++) {
        double p = (double)hours[i];
        struct mt_candle c = {MAR1 + hours[i] * H, p, p + 1, p - 1, p + 0.5, 1, 10, 2, 0.5, 5};
        assert_int_equal(mt_series_append(&in, &c, NULL), 0);
    }
    in.quote_volume[1] = NAN; /* unknown in one row: the bucket's sum is unknown */
    struct mt_resample_report rep;
    assert_int_equal(mt_resample(&in, MT_TF_1H, MT_TF_4H, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.open_time[0], MAR1);
    assert_int_equal(out.open_time[1], MAR1 + 4 * H);
    assert_int_equal(out.open_time[2], MAR1 + 12 * H);
    assert_true(isnan(out.quote_volume[0]));
    tu_assert_same_double(out.volume[0], 4.0);
    tu_assert_same_double(out.trades[0], 8.0);
    tu_assert_same_double(out.quote_volume[2], 40.0);
    tu_assert_same_double(out.taker_buy_quote[1], 10.0);
    tu_assert_same_double(out.high[1], 6.0);
    tu_assert_same_double(out.close[1], 5.5);
    assert_int_equal(rep.gap_buckets, 1);
    assert_int_equal(rep.gaps[0].open_time, MAR1 + 4 * H);
    assert_int_equal(rep.gaps[0].missing, 2);
    assert_false(rep.trailing_dropped);

    /* Drop the last two hours: the 12:00 bucket is unfinished and not emitted. */
    in.n = 8;
    assert_int_equal(mt_resample(&in, MT_TF_1H, MT_TF_4H, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 2);
    assert_true(rep.trailing_dropped);
    assert_int_equal(rep.trailing_open, MAR1 + 12 * H);
    assert_int_equal(rep.trailing_rows, 2);
    mt_series_release(&in);
    mt_series_release(&out);
}

static void rejects_bad_inputs(void **state)
{
    (void)state;
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_resample_report rep;
    struct mt_err err = {0};
    assert_int_equal(mt_resample(&march, MT_TF_1W, MT_TF_1MO, NULL, &out, &rep, &err), MT_EINVAL);
    assert_string_equal(err.msg,
                        "cannot resample 1w to 1M: 1M buckets are not made of whole 1w candles");
    assert_int_equal(mt_resample(&march, MT_TF_4H, MT_TF_1H, NULL, &out, &rep, &err), MT_EINVAL);
    /* 1h data claimed as 4h: 01:00 is off the 4h grid */
    assert_int_equal(mt_resample(&march, MT_TF_4H, MT_TF_1D, NULL, &out, &rep, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "row 1 opens at 2023-03-01 01:00, off the 4h grid"));
    struct mt_series in;
    mt_series_init(&in, MT_F_OHLC);
    struct mt_candle a = {MAR1 + H, 1, 1, 1, 1, 0, 0, 0, 0, 0}, b = a;
    b.open_time = MAR1;
    assert_int_equal(mt_series_append(&in, &a, NULL), 0);
    assert_int_equal(mt_series_append(&in, &b, NULL), 0);
    assert_int_equal(mt_resample(&in, MT_TF_1H, MT_TF_4H, NULL, &out, &rep, &err), MT_EDATA);
    assert_int_equal(out.n, 0);
    /* same timeframe: a copy */
    assert_int_equal(mt_resample(&march, MT_TF_1H, MT_TF_1H, NULL, &out, &rep, NULL), 0);
    assert_int_equal(out.n, 743);
    assert_int_equal(rep.gap_buckets, 0);
    mt_series_release(&in);
    mt_series_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(to_4h),
        cmocka_unit_test(to_1d_matches_binance_daily),
        cmocka_unit_test(weeks_open_on_monday),
        cmocka_unit_test(calendar_months),
        cmocka_unit_test(unfinished_and_empty_buckets),
        cmocka_unit_test(rejects_bad_inputs),
    };
    return cmocka_run_group_tests(tests, load_march, free_march);
}
