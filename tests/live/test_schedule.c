/* live/schedule: which bars are due and when to wake, checked against hand-computed
 * times at every boundary (now at the close, close + grace - 1, close + grace). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>

#include "core/time.h"
#include "live/schedule.h"

#define SEC INT64_C(1000)
#define MIN INT64_C(60000)

static int64_t at(const char *text)
{
    int64_t t;
    struct mt_err err = {0};
    assert_int_equal(mt_time_parse(text, &t, &err), 0);
    return t;
}

/* Asserts the bars due are exactly opens[] (NULL-terminated, oldest first) with `skipped`
 * older ones cut. */
static void expect_due(enum mt_tf tf, int64_t last, int64_t now, int64_t grace, size_t max,
                       const char *const *opens, int64_t skipped)
{
    struct mt_due due;
    mt_schedule_due(tf, last, now, grace, max, &due);
    size_t n = 0;
    while (opens[n])
        n++;
    char got[32], want[32];
    if (due.n != n)
        fail_msg("%s at %s: %zu bars due, expected %zu", mt_tf_name(tf),
                 mt_time_format(now, got, sizeof got), due.n, n);
    for (size_t i = 0; i < n; i++)
        if (due.open[i] != at(opens[i]))
            fail_msg("%s bar %zu: %s, expected %s", mt_tf_name(tf), i,
                     mt_time_format(due.open[i], got, sizeof got),
                     mt_time_format(at(opens[i]), want, sizeof want));
    assert_int_equal(due.skipped, skipped);
}

static const char *const NONE[] = {NULL};

/* For each timeframe: the last processed bar, the next bar and that bar's close. */
static const struct {
    enum mt_tf tf;
    const char *last, *bar, *close;
} boundaries[] = {
    {MT_TF_15M, "2024-05-08 13:30", "2024-05-08 13:45", "2024-05-08 14:00"},
    {MT_TF_30M, "2024-05-08 13:00", "2024-05-08 13:30", "2024-05-08 14:00"},
    {MT_TF_1H, "2024-05-08 22:00", "2024-05-08 23:00", "2024-05-09 00:00"},
    {MT_TF_4H, "2024-05-08 16:00", "2024-05-08 20:00", "2024-05-09 00:00"},
    {MT_TF_12H, "2024-12-31 00:00", "2024-12-31 12:00", "2025-01-01 00:00"},
    {MT_TF_1D, "2024-02-28", "2024-02-29", "2024-03-01"},
    {MT_TF_1W, "2024-12-23", "2024-12-30", "2025-01-06"}, /* Mondays, across the year end */
    {MT_TF_1MO, "2024-01-01", "2024-02-01", "2024-03-01"}, /* leap February: 29 days */
};

static void every_timeframe_at_its_close(void **state)
{
    (void)state;
    const int64_t grace = 90 * SEC;
    for (size_t i = 0; i < sizeof boundaries / sizeof boundaries[0]; i++) {
        enum mt_tf tf = boundaries[i].tf;
        int64_t last = at(boundaries[i].last), close = at(boundaries[i].close);
        const char *const bar[] = {boundaries[i].bar, NULL};
        /* Closed but inside the grace: not yet due. */
        expect_due(tf, last, close - 1, grace, 8, NONE, 0);
        expect_due(tf, last, close, grace, 8, NONE, 0);
        expect_due(tf, last, close + grace - 1, grace, 8, NONE, 0);
        /* Due from close + grace on, once. */
        expect_due(tf, last, close + grace, grace, 8, bar, 0);
        expect_due(tf, at(boundaries[i].bar), close + grace, grace, 8, NONE, 0);
        /* Without grace the bar is due at its close, not at Binance's close time (close - 1). */
        expect_due(tf, last, close - 1, 0, 8, NONE, 0);
        expect_due(tf, last, close, 0, 8, bar, 0);
        /* The wake time is the close + grace, and now once that has passed. */
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close - 1, grace), close + grace);
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close + grace - 1, grace), close + grace);
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close + grace, grace), close + grace);
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close + grace + 5 * MIN, grace),
                         close + grace + 5 * MIN);
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close, 0), close);
        assert_int_equal(mt_schedule_next(&tf, 1, &last, close - 1, 0), close);
    }
}

static void a_late_start_gets_every_missed_bar_oldest_first(void **state)
{
    (void)state;
    /* Five 15m bars closed (the last at 15:00) and are past the minute of grace; 15:00 is open. */
    const char *const missed[] = {"2024-05-08 13:45", "2024-05-08 14:00", "2024-05-08 14:15",
                                  "2024-05-08 14:30", "2024-05-08 14:45", NULL};
    expect_due(MT_TF_15M, at("2024-05-08 13:30"), at("2024-05-08 15:10"), MIN, 64, missed, 0);
    /* Processed: nothing again at the same time; the next bar at its close + grace. */
    expect_due(MT_TF_15M, at("2024-05-08 14:45"), at("2024-05-08 15:10"), MIN, 64, NONE, 0);
    const char *const next[] = {"2024-05-08 15:00", NULL};
    expect_due(MT_TF_15M, at("2024-05-08 14:45"), at("2024-05-08 15:16"), MIN, 64, next, 0);
    /* 4h after a night off: 20:00 .. 04:00 closed, 08:00 open. */
    const char *const night[] = {"2024-05-08 20:00", "2024-05-09 00:00", "2024-05-09 04:00", NULL};
    expect_due(MT_TF_4H, at("2024-05-08 16:00"), at("2024-05-09 09:30"), MIN, 64, night, 0);
    /* Weeks across the year end: the week of 2025-01-06 closed 2025-01-13. */
    const char *const weeks[] = {"2024-12-23", "2024-12-30", "2025-01-06", NULL};
    expect_due(MT_TF_1W, at("2024-12-16"), at("2025-01-13 00:01"), MIN, 64, weeks, 0);
    const char *const two_weeks[] = {"2024-12-23", "2024-12-30", NULL};
    expect_due(MT_TF_1W, at("2024-12-16"), at("2025-01-13 00:00:59"), MIN, 64, two_weeks, 0);
}

static void an_agent_that_never_ran_gets_the_latest_closed_bar(void **state)
{
    (void)state;
    /* 4h: the 08:00 bar closed at 12:00 and is due from 12:01. */
    const char *const b08[] = {"2024-05-08 08:00", NULL};
    const char *const b04[] = {"2024-05-08 04:00", NULL};
    expect_due(MT_TF_4H, MT_SCHEDULE_NEVER, at("2024-05-08 13:00"), MIN, 64, b08, 0);
    expect_due(MT_TF_4H, MT_SCHEDULE_NEVER, at("2024-05-08 12:01"), MIN, 64, b08, 0);
    expect_due(MT_TF_4H, MT_SCHEDULE_NEVER, at("2024-05-08 12:01") - 1, MIN, 64, b04, 0);
    /* 1w on a Wednesday: the week that opened Monday 2024-04-29. */
    const char *const w[] = {"2024-04-29", NULL};
    expect_due(MT_TF_1W, MT_SCHEDULE_NEVER, at("2024-05-08 13:00"), MIN, 64, w, 0);
    /* 1M just after a month end: February only once its grace has passed. */
    const char *const jan[] = {"2024-01-01", NULL};
    const char *const feb[] = {"2024-02-01", NULL};
    expect_due(MT_TF_1MO, MT_SCHEDULE_NEVER, at("2024-03-01 00:00:30"), MIN, 64, jan, 0);
    expect_due(MT_TF_1MO, MT_SCHEDULE_NEVER, at("2024-03-01 00:01"), MIN, 64, feb, 0);
    /* A never-run agent is always due: the daemon wakes now. */
    enum mt_tf tfs[] = {MT_TF_1D, MT_TF_15M};
    int64_t last[] = {at("2024-05-07"), MT_SCHEDULE_NEVER};
    assert_int_equal(mt_schedule_next(tfs, 2, last, at("2024-05-08 13:00"), MIN),
                     at("2024-05-08 13:00"));
}

static void a_backlog_longer_than_max_keeps_the_newest(void **state)
{
    (void)state;
    /* A day of 15m bars after 00:00: 00:15 .. 23:45 closed, 95 bars. */
    const char *const newest[] = {"2024-05-08 23:00", "2024-05-08 23:15", "2024-05-08 23:30",
                                  "2024-05-08 23:45", NULL};
    expect_due(MT_TF_15M, at("2024-05-08"), at("2024-05-09"), 0, 4, newest, 91);
    /* 1h: 01:00 .. 04:00 closed (4 bars); max 4 lists all, max 3 cuts the oldest. */
    const char *const four[] = {"2024-05-08 01:00", "2024-05-08 02:00", "2024-05-08 03:00",
                                "2024-05-08 04:00", NULL};
    expect_due(MT_TF_1H, at("2024-05-08"), at("2024-05-08 05:00"), 0, 4, four, 0);
    expect_due(MT_TF_1H, at("2024-05-08"), at("2024-05-08 05:00"), 0, 5, four, 0);
    expect_due(MT_TF_1H, at("2024-05-08"), at("2024-05-08 05:00"), 0, 3, four + 1, 1);
    expect_due(MT_TF_1H, at("2024-05-08"), at("2024-05-08 05:00"), 0, 1, four + 3, 3);
    /* At the capacity: 64 bars of 1h after 2024-05-01 00:00 closed by 2024-05-03 17:00. */
    struct mt_due due;
    mt_schedule_due(MT_TF_1H, at("2024-05-01"), at("2024-05-03 17:00"), 0, MT_DUE_CAP, &due);
    assert_int_equal(due.n, 64);
    assert_int_equal(due.skipped, 0);
    assert_int_equal(due.open[0], at("2024-05-01 01:00"));
    assert_int_equal(due.open[63], at("2024-05-03 16:00"));
    mt_schedule_due(MT_TF_1H, at("2024-05-01"), at("2024-05-03 18:00"), 0, MT_DUE_CAP, &due);
    assert_int_equal(due.n, 64);
    assert_int_equal(due.skipped, 1);
    assert_int_equal(due.open[0], at("2024-05-01 02:00"));
    assert_int_equal(due.open[63], at("2024-05-03 17:00"));
    /* Months across the year end: November .. February closed by 2024-03-01. */
    const char *const months[] = {"2024-01-01", "2024-02-01", NULL};
    expect_due(MT_TF_1MO, at("2023-10-01"), at("2024-03-01"), 0, 2, months, 2);
    const char *const all_months[] = {"2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01",
                                      NULL};
    expect_due(MT_TF_1MO, at("2023-10-01"), at("2024-03-01"), 0, 8, all_months, 0);
    /* Weeks: 52 weeks of 2024 after Monday 2024-01-01, the last closing 2024-12-30. */
    mt_schedule_due(MT_TF_1W, at("2024-01-01"), at("2024-12-30"), 0, 2, &due);
    assert_int_equal(due.n, 2);
    assert_int_equal(due.skipped, 49);
    assert_int_equal(due.open[0], at("2024-12-16"));
    assert_int_equal(due.open[1], at("2024-12-23"));
}

static void months_close_on_their_calendar_length(void **state)
{
    (void)state;
    const char *const feb24[] = {"2024-02-01", NULL};
    const char *const feb23[] = {"2023-02-01", NULL};
    const char *const apr[] = {"2024-04-01", NULL};
    const char *const dec[] = {"2024-12-01", NULL};
    /* Leap February 2024 (29 days) is open through the 29th. */
    expect_due(MT_TF_1MO, at("2024-01-01"), at("2024-02-29 23:59:59"), 0, 8, NONE, 0);
    expect_due(MT_TF_1MO, at("2024-01-01"), at("2024-03-01"), 0, 8, feb24, 0);
    /* February 2023 has 28 days. */
    expect_due(MT_TF_1MO, at("2023-01-01"), at("2023-02-28 23:59:59"), 0, 8, NONE, 0);
    expect_due(MT_TF_1MO, at("2023-01-01"), at("2023-03-01"), 0, 8, feb23, 0);
    /* April has 30 days, December closes on the next year's January 1. */
    expect_due(MT_TF_1MO, at("2024-03-01"), at("2024-04-30 23:59:59"), 0, 8, NONE, 0);
    expect_due(MT_TF_1MO, at("2024-03-01"), at("2024-05-01"), 0, 8, apr, 0);
    expect_due(MT_TF_1MO, at("2024-11-01"), at("2024-12-31 23:59:59"), 0, 8, NONE, 0);
    expect_due(MT_TF_1MO, at("2024-11-01"), at("2025-01-01"), 0, 8, dec, 0);
    enum mt_tf mo = MT_TF_1MO;
    int64_t last = at("2024-01-01");
    assert_int_equal(mt_schedule_next(&mo, 1, &last, at("2024-02-10"), MIN), at("2024-03-01 00:01"));
    last = at("2024-03-01");
    assert_int_equal(mt_schedule_next(&mo, 1, &last, at("2024-04-10"), MIN), at("2024-05-01 00:01"));
    last = at("2024-11-01");
    assert_int_equal(mt_schedule_next(&mo, 1, &last, at("2024-12-10"), MIN), at("2025-01-01 00:01"));
    /* Weeks open on Mondays across the year end: 2025-12-29 closes 2026-01-05. */
    enum mt_tf wk = MT_TF_1W;
    last = at("2025-12-22");
    assert_int_equal(mt_schedule_next(&wk, 1, &last, at("2025-12-31"), MIN), at("2026-01-05 00:01"));
    const char *const w[] = {"2025-12-29", NULL};
    expect_due(MT_TF_1W, last, at("2026-01-05 00:01"), MIN, 8, w, 0);
}

static void the_next_wake_is_the_earliest_due_time(void **state)
{
    (void)state;
    const int64_t now = at("2024-05-08 13:50");
    /* 15m 13:45 closes 14:00, 1h 13:00 closes 14:00, 4h 12:00 closes 16:00, 1d closes 05-09. */
    enum mt_tf tfs[] = {MT_TF_15M, MT_TF_1H, MT_TF_4H, MT_TF_1D};
    int64_t last[] = {at("2024-05-08 13:30"), at("2024-05-08 12:00"), at("2024-05-08 08:00"),
                      at("2024-05-07")};
    assert_int_equal(mt_schedule_next(tfs, 4, last, now, MIN), at("2024-05-08 14:01"));
    /* Each position counts: the earliest one may be anywhere in the list. */
    assert_int_equal(mt_schedule_next(tfs + 2, 2, last + 2, now, MIN), at("2024-05-08 16:01"));
    assert_int_equal(mt_schedule_next(tfs + 3, 1, last + 3, now, MIN), at("2024-05-09 00:01"));
    enum mt_tf slow[] = {MT_TF_1W, MT_TF_1MO, MT_TF_12H};
    int64_t slow_last[] = {at("2024-04-29"), at("2024-04-01"), at("2024-05-08 00:00")};
    /* 1w 05-06 closes 05-13, 1M May closes 06-01, 12h 12:00 closes 05-09 00:00. */
    assert_int_equal(mt_schedule_next(slow, 3, slow_last, now, 0), at("2024-05-09"));
    slow_last[2] = at("2024-05-08 12:00"); /* 12h 05-09 00:00 closes 05-09 12:00 */
    assert_int_equal(mt_schedule_next(slow, 3, slow_last, now, 0), at("2024-05-09 12:00"));
    slow_last[2] = at("2024-05-20 12:00"); /* ahead of now (a clock stepped back) */
    expect_due(MT_TF_12H, slow_last[2], now, 0, 8, NONE, 0);
    assert_int_equal(mt_schedule_next(slow, 3, slow_last, now, 0), at("2024-05-13"));
    /* One overdue timeframe (1d 05-07 closed 05-08 00:00) makes the wake now. */
    last[3] = at("2024-05-06");
    assert_int_equal(mt_schedule_next(tfs, 4, last, now, MIN), now);
}

/* A daemon that wakes when told, sometimes late and once after a long outage, processes
 * every closed bar of every timeframe exactly once, in order. */
static void a_daemon_sees_every_bar_once(void **state)
{
    (void)state;
    enum mt_tf tfs[] = {MT_TF_15M, MT_TF_30M, MT_TF_1H, MT_TF_4H, MT_TF_12H, MT_TF_1D};
    enum { NTF = sizeof tfs / sizeof tfs[0] };
    const int64_t start = at("2024-12-30"), end = at("2025-01-02"), grace = 30 * SEC;
    int64_t last[NTF], seen[NTF] = {0};
    for (size_t i = 0; i < NTF; i++)
        last[i] = start;
    const int64_t delays[] = {0, 7 * SEC, 3 * MIN, 0, 2 * MT_MS_HOUR, 14 * MIN, 1, 40 * MIN};
    int64_t now = start + 31 * MIN;
    size_t runs = 0;
    for (;;) {
        size_t due_tfs = 0;
        for (size_t i = 0; i < NTF; i++) {
            struct mt_due due;
            mt_schedule_due(tfs[i], last[i], now, grace, MT_DUE_CAP, &due);
            assert_int_equal(due.skipped, 0);
            for (size_t k = 0; k < due.n; k++) {
                assert_int_equal(due.open[k], mt_tf_next(tfs[i], last[i]));
                last[i] = due.open[k];
                seen[i]++;
            }
            due_tfs += due.n > 0;
        }
        /* A wake always finds work (the first one is at 00:31: the 15m bar 00:15 is due;
         * the last one at end + grace: the 1d bar of 2025-01-01 is due). */
        assert_true(due_tfs > 0);
        if (now == end + grace)
            break;
        int64_t wake = mt_schedule_next(tfs, NTF, last, now, grace);
        assert_true(wake > now);
        /* Just before the wake nothing is due. */
        for (size_t i = 0; i < NTF; i++) {
            struct mt_due due;
            mt_schedule_due(tfs[i], last[i], wake - 1, grace, MT_DUE_CAP, &due);
            assert_int_equal(due.n, 0);
        }
        now = wake + delays[runs % (sizeof delays / sizeof delays[0])];
        if (now > end + grace)
            now = end + grace; /* the last run: every bar that closed by `end` is due */
        runs++;
    }
    /* Bars after 2024-12-30 00:00 that closed by 2025-01-02 00:00. */
    const int64_t expect_n[NTF] = {3 * 96 - 1, 3 * 48 - 1, 3 * 24 - 1, 3 * 6 - 1, 3 * 2 - 1, 3 - 1};
    const char *const expect_last[NTF] = {"2025-01-01 23:45", "2025-01-01 23:30",
                                          "2025-01-01 23:00", "2025-01-01 20:00",
                                          "2025-01-01 12:00", "2025-01-01"};
    for (size_t i = 0; i < NTF; i++) {
        assert_int_equal(seen[i], expect_n[i]);
        assert_int_equal(last[i], at(expect_last[i]));
    }
    assert_true(runs > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_timeframe_at_its_close),
        cmocka_unit_test(a_late_start_gets_every_missed_bar_oldest_first),
        cmocka_unit_test(an_agent_that_never_ran_gets_the_latest_closed_bar),
        cmocka_unit_test(a_backlog_longer_than_max_keeps_the_newest),
        cmocka_unit_test(months_close_on_their_calendar_length),
        cmocka_unit_test(the_next_wake_is_the_earliest_due_time),
        cmocka_unit_test(a_daemon_sees_every_bar_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
