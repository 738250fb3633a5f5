#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>

#include <stdio.h>

#include <stdlib.h>

#include <math.h>
#include <string.h>

#include "core/numfmt.h"
#include "core/series.h"
#include "testutil.h"

static struct mt_candle candle(int64_t t, double base)
{
    struct mt_candle c = {t, base, base + 2, base - 1, base + 1, 10 * base, 100 * base,
                          7, 3 * base, 30 * base};
    return c;
}

static void append_grows_and_keeps_values(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    for (int i = 0; i < 1000; i++) {
        struct mt_candle c = candle(i * 3600000LL, i);
        assert_int_equal(mt_series_append(&s, &c, NULL), 0);
    }
    assert_int_equal(s.n, 1000);
    assert_true(s.cap >= 1000);
    struct mt_candle c;
    mt_series_get(&s, 999, &c);
    assert_int_equal(c.open_time, 999 * 3600000LL);
    tu_assert_same_double(c.high, 1001.0);
    tu_assert_same_double(c.taker_buy_quote, 29970.0);
    tu_assert_same_double(c.trades, 7.0);
    assert_int_equal(mt_series_lower_bound(&s, 500 * 3600000LL), 500);
    assert_int_equal(mt_series_lower_bound(&s, 500 * 3600000LL + 1), 501);
    assert_int_equal(mt_series_lower_bound(&s, -5), 0);
    assert_int_equal(mt_series_lower_bound(&s, INT64_MAX), 1000);
    mt_series_release(&s);
    assert_int_equal(s.n, 0);
    assert_null(s.open);
}

static void absent_fields_are_nan(void **state)
{
    (void)state;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLCV);
    struct mt_candle c = candle(0, 5);
    assert_int_equal(mt_series_append(&s, &c, NULL), 0);
    mt_series_get(&s, 0, &c);
    tu_assert_same_double(c.volume, 50.0);
    assert_true(isnan(c.quote_volume));
    assert_true(isnan(c.trades));
    assert_true(isnan(c.taker_buy_base));
    assert_false(s.fields & MT_F_TRADES);
    assert_string_equal(mt_field_name(MT_F_TAKER_BUY_QUOTE), "taker_buy_quote");
    assert_ptr_equal(mt_series_column(&s, MT_F_VOLUME), s.volume);
    assert_null(mt_series_column(&s, MT_F_OPEN_TIME));
    mt_series_release(&s);
}

static void slice_copies_a_range(void **state)
{
    (void)state;
    struct mt_series s, part;
    mt_series_init(&s, MT_F_ALL);
    mt_series_init(&part, 0);
    for (int i = 0; i < 10; i++) {
        struct mt_candle c = candle(i, i);
        assert_int_equal(mt_series_append(&s, &c, NULL), 0);
    }
    assert_int_equal(mt_series_slice(&part, &s, 3, 6, NULL), 0);
    assert_int_equal(part.n, 3);
    assert_int_equal(part.open_time[0], 3);
    tu_assert_same_double(part.close[2], 6.0);
    assert_int_equal(part.fields, MT_F_ALL);
    struct mt_err err = {0};
    assert_int_equal(mt_series_slice(&part, &s, 6, 11, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "outside a series of 10 rows"));
    assert_int_equal(part.n, 3); /* unchanged on failure */
    assert_int_equal(mt_series_reserve(&s, MT_SERIES_MAX_ROWS + 1, &err), MT_ELIMIT);
    assert_int_equal(s.n, 10);
    mt_series_release(&part);
    mt_series_release(&s);
}

static void shortest_decimal(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(mt_fmt_double(16541.77, buf, sizeof buf), "16541.77");
    assert_string_equal(mt_fmt_double(0.1 + 0.2, buf, sizeof buf), "0.30000000000000004");
    assert_string_equal(mt_fmt_double(3812.842913, buf, sizeof buf), "3812.842913");
    assert_string_equal(mt_fmt_double(-0.0, buf, sizeof buf), "-0");
    assert_string_equal(mt_fmt_double(0.0, buf, sizeof buf), "0");
    assert_string_equal(mt_fmt_double(1e-300, buf, sizeof buf), "1e-300");
    assert_string_equal(mt_fmt_double(28080, buf, sizeof buf), "28080");
    assert_string_equal(mt_fmt_double(310790.42271, buf, sizeof buf), "310790.42271");
    assert_string_equal(mt_fmt_double(1e20, buf, sizeof buf), "100000000000000000000");
    assert_string_equal(mt_fmt_double(1.5e21, buf, sizeof buf), "1.5e+21");
    assert_string_equal(mt_fmt_double(0.00000123, buf, sizeof buf), "0.00000123");
    assert_string_equal(mt_fmt_double(-2.5, buf, sizeof buf), "-2.5");
    assert_string_equal(mt_fmt_double(NAN, buf, sizeof buf), "");
}

/* Reference: the fewest significant digits found by trying 1..17, printed
 * like mt_fmt_double (plain notation for 1e-7 <= |v| < 1e21). */
static void brute_force_format(double v, char *buf, size_t size)
{
    int digits = 17;
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v) {
            digits = p;
            break;
        }
    }
    snprintf(buf, size, "%.*e", digits - 1, v);
    int exp10 = (int)strtol(strchr(buf, 'e') + 1, NULL, 10);
    if (exp10 >= -7 && exp10 < 21)
        snprintf(buf, size, "%.*f", digits - 1 - exp10 > 0 ? digits - 1 - exp10 : 0, v);
}

/* The same text as the brute-force search on random bit patterns and on
 * decimals with few digits. */
static void shortest_decimal_brute_force(void **state)
{
    (void)state;
    unsigned seed = 3;
    for (int i = 0; i < 20000; i++) {
        double v;
        if (i % 2) {
            uint64_t bits = ((uint64_t)rand_r(&seed) << 42) ^ ((uint64_t)rand_r(&seed) << 21) ^ (uint64_t)rand_r(&seed);
            memcpy(&v, &bits, sizeof v);
            if (!isfinite(v) || v == 0)
                continue;
        } else {
            v = (double)(rand_r(&seed) % 100000) * pow(10.0, rand_r(&seed) % 20 - 12);
            if (v == 0)
                continue;
        }
        char got[32], want[32];
        mt_fmt_double(v, got, sizeof got);
        brute_force_format(v, want, sizeof want);
        if (strcmp(got, want) != 0)
            fail_msg("%.17g: %s, brute force %s", v, got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_grows_and_keeps_values),
        cmocka_unit_test(absent_fields_are_nan),
        cmocka_unit_test(slice_copies_a_range),
        cmocka_unit_test(shortest_decimal),
        cmocka_unit_test(shortest_decimal_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
