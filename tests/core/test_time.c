#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "core/time.h"

static void civil_round_trip(void **state)
{
    (void)state;
    assert_int_equal(mt_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(mt_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(mt_days_from_civil(1969, 12, 31), -1);
    for (int64_t d = -800000; d < 800000; d += 997) {
        int64_t y;
        unsigned m, dd;
        mt_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(mt_days_from_civil(y, m, dd), d);
    }
}

static void parse_known_instants(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(mt_time_parse("2023-01-01", &t, NULL), 0);
    assert_int_equal(t, 1672531200000);
    assert_int_equal(mt_time_parse("2023-01-01 01:00", &t, NULL), 0);
    assert_int_equal(t, 1672534800000);
    assert_int_equal(mt_time_parse("2023-01-01T01:00:05Z", &t, NULL), 0);
    assert_int_equal(t, 1672534805000);
    assert_int_equal(mt_time_parse("1672531200000", &t, NULL), 0);
    assert_int_equal(t, 1672531200000);
    struct mt_err err = {0};
    assert_int_equal(mt_time_parse("2023-02-29", &t, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "2023-02-29"));
    assert_int_equal(mt_time_parse("2024-02-29", &t, NULL), 0);
    assert_int_equal(mt_time_parse("yesterday", &t, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "expected YYYY-MM-DD"));
    assert_int_equal(mt_time_parse("2023-01-01 25:00", &t, NULL), MT_EINVAL);
}

static void format(void **state)
{
    (void)state;
    char buf[40];
    assert_string_equal(mt_time_format(1672531200000, buf, sizeof buf), "2023-01-01 00:00");
    assert_string_equal(mt_time_format(1672534805000, buf, sizeof buf), "2023-01-01 01:00:05");
    assert_string_equal(mt_time_format(1672534805007, buf, sizeof buf), "2023-01-01 01:00:05.007");
    assert_string_equal(mt_time_format(-1, buf, sizeof buf), "1969-12-31 23:59:59.999");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_round_trip),
        cmocka_unit_test(parse_known_instants),
        cmocka_unit_test(format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
