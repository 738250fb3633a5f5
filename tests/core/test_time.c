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
    assert_non_null(strstr(err.msg, "expected YYYY, YYYY-MM, YYYY-MM-DD,"));
    assert_int_equal(mt_time_parse("2023-01-01 25:00", &t, NULL), MT_EINVAL);
}

/* Parses text, which must succeed, and returns the instant. */
static int64_t parsed(const char *text)
{
    int64_t t = -42;
    struct mt_err err = {0};
    if (mt_time_parse(text, &t, &err))
        fail_msg("'%s': %s", text, err.msg);
    return t;
}

/* Parsing text must fail with a message containing want. */
static void rejected(const char *text, const char *want)
{
    int64_t t = -42;
    struct mt_err err = {0};
    assert_int_equal(mt_time_parse(text, &t, &err), MT_EINVAL);
    if (!strstr(err.msg, want))
        fail_msg("'%s': got '%s', want '%s'", text, err.msg, want);
    assert_int_equal(t, -42);
}

static void parse_every_form(void **state)
{
    (void)state;
    assert_int_equal(parsed("2024"), 1704067200000);
    assert_int_equal(parsed("2024-03"), 1709251200000);
    assert_int_equal(parsed("2024-03-01"), 1709251200000);
    assert_int_equal(parsed("2024-03-01 00:00"), 1709251200000);
    assert_int_equal(parsed("2024-03-01T00:00:00Z"), 1709251200000);
    assert_int_equal(parsed("2024-02-29T23:59:59"), 1709251199000);
    assert_int_equal(parsed("1970"), 0);
    assert_int_equal(parsed("100000000000"), 100000000000);
    assert_int_equal(parsed("1709251200000"), 1709251200000);
    assert_int_equal(parsed("0ms"), 0);
    assert_int_equal(parsed("2024ms"), 2024);
    assert_int_equal(parsed("253402300799999"), 253402300799999);
    assert_int_equal(parsed("9999-12-31 23:59:59"), 253402300799000);
}

static void reject_ambiguous_and_impossible(void **state)
{
    (void)state;
    rejected("20240", "time '20240' is ambiguous");
    rejected("1709251200", "time '1709251200' is ambiguous"); /* seconds, not ms */
    rejected("99999999999", "is ambiguous");
    rejected("20240301", "is ambiguous");
    rejected("2023-02-30", "time '2023-02-30' does not exist");
    rejected("2023-13", "time '2023-13' does not exist");
    rejected("2023-00-10", "does not exist");
    rejected("2023-01-01 25:00", "time '2023-01-01 25:00' does not exist");
    rejected("2023-01-01 23:60", "does not exist");
    rejected("2023-01-01 23:59:60", "does not exist");
    rejected("253402300800000", "time '253402300800000' is after 9999-12-31");
    rejected("99999999999999999999999", "is after 9999-12-31");
    rejected("", "time '' is not understood");
    rejected("2024-", "not understood");
    rejected("2024-3", "not understood");
    rejected("2024-03-1", "not understood");
    rejected("2024-03-01T", "not understood");
    rejected("2024-03-01 1:00", "not understood");
    rejected("2024 10:00", "not understood");
    rejected("2024-03 10:00", "not understood");
    rejected("2024-03-01Z", "not understood");
    rejected(" 2024", "not understood");
    rejected("2024-03-01 00:00 ", "not understood");
    rejected("-1", "not understood");
    rejected("12ms5", "not understood");
    rejected("ms", "not understood");
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
        cmocka_unit_test(parse_every_form),
        cmocka_unit_test(reject_ambiguous_and_impossible),
        cmocka_unit_test(format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
