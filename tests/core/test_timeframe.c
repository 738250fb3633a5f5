#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "core/time.h"
#include "core/timeframe.h"

static int64_t at(const char *text)
{
    int64_t t;
    struct mt_err err = {0};
    assert_int_equal(mt_time_parse(text, &t, &err), 0);
    return t;
}

static void parse_and_format_every_interval(void **state)
{
    (void)state;
    const char *names[] = {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h",
                           "6h", "8h", "12h", "1d", "3d", "1w", "1M"};
    for (int i = 0; i < MT_TF_COUNT; i++) {
        enum mt_tf tf;
        assert_int_equal(mt_tf_parse(names[i], &tf, NULL), 0);
        assert_int_equal(tf, i);
        assert_string_equal(mt_tf_name(tf), names[i]);
    }
    enum mt_tf tf;
    assert_int_equal(mt_tf_parse("1mo", &tf, NULL), 0);
    assert_int_equal(tf, MT_TF_1MO);
    struct mt_err err = {0};
    assert_int_equal(mt_tf_parse("1H", &tf, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'1H'"));
    assert_non_null(strstr(err.msg, "1m 3m"));
    assert_int_equal(mt_tf_ms(MT_TF_4H), 4 * 3600000);
    assert_int_equal(mt_tf_ms(MT_TF_1MO), 0);
}

static void weeks_start_on_monday(void **state)
{
    (void)state;
    /* 2024-05-08 was a Wednesday; its week opened Monday 2024-05-06. */
    assert_int_equal(mt_tf_floor(MT_TF_1W, at("2024-05-08 13:45")), at("2024-05-06"));
    assert_int_equal(mt_tf_floor(MT_TF_1W, at("2024-05-06")), at("2024-05-06"));
    assert_int_equal(mt_tf_floor(MT_TF_1W, at("2024-05-05 23:59")), at("2024-04-29"));
    assert_int_equal(mt_tf_next(MT_TF_1W, at("2024-04-29")), at("2024-05-06"));
    assert_true(mt_tf_aligned(MT_TF_1W, at("2017-08-14"))); /* Binance's first 1w BTCUSDT candle */
    assert_false(mt_tf_aligned(MT_TF_1W, at("2017-08-17")));
}

static void months_follow_the_calendar(void **state)
{
    (void)state;
    assert_int_equal(mt_tf_floor(MT_TF_1MO, at("2024-02-29 23:00")), at("2024-02-01"));
    assert_int_equal(mt_tf_next(MT_TF_1MO, at("2024-02-01")), at("2024-03-01"));
    assert_int_equal(mt_tf_next(MT_TF_1MO, at("2023-12-01")), at("2024-01-01"));
    assert_true(mt_tf_aligned(MT_TF_1MO, at("2023-03-01")));
    assert_false(mt_tf_aligned(MT_TF_1MO, at("2023-03-02")));
}

static void fixed_lengths_align_to_the_epoch(void **state)
{
    (void)state;
    assert_int_equal(mt_tf_floor(MT_TF_4H, at("2023-03-24 13:59")), at("2023-03-24 12:00"));
    assert_int_equal(mt_tf_floor(MT_TF_15M, at("2023-03-24 13:59:59")), at("2023-03-24 13:45"));
    assert_int_equal(mt_tf_floor(MT_TF_1D, at("2023-03-24 13:59")), at("2023-03-24"));
    assert_int_equal(mt_tf_floor(MT_TF_1H, -1), -3600000);
    assert_int_equal(mt_tf_next(MT_TF_1H, at("2023-03-24 23:00")), at("2023-03-25"));
}

static void divisibility(void **state)
{
    (void)state;
    assert_true(mt_tf_divides(MT_TF_1H, MT_TF_4H));
    assert_true(mt_tf_divides(MT_TF_1H, MT_TF_1D));
    assert_true(mt_tf_divides(MT_TF_1D, MT_TF_1W));
    assert_true(mt_tf_divides(MT_TF_1D, MT_TF_1MO));
    assert_true(mt_tf_divides(MT_TF_8H, MT_TF_1D));
    assert_false(mt_tf_divides(MT_TF_1W, MT_TF_1MO));
    assert_false(mt_tf_divides(MT_TF_3D, MT_TF_1W));
    assert_false(mt_tf_divides(MT_TF_4H, MT_TF_1H));
    assert_false(mt_tf_divides(MT_TF_1MO, MT_TF_1D));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_and_format_every_interval),
        cmocka_unit_test(weeks_start_on_monday),
        cmocka_unit_test(months_follow_the_calendar),
        cmocka_unit_test(fixed_lengths_align_to_the_epoch),
        cmocka_unit_test(divisibility),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
