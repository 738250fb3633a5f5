/* The clock seam: the wall clock reads the real time, the virtual clock moves
 * only when told (sleeps included) and to exact values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <time.h>

#include "core/clock.h"

static void wall_clock_reads_real_time(void **state)
{
    (void)state;
    const struct mt_clock *c = mt_clock_wall();
    assert_ptr_equal(mt_clock_or_wall(NULL), c);
    time_t before = time(NULL);
    int64_t now = mt_clock_now(c);
    time_t after = time(NULL);
    /* ms UTC: the second of time(), give or take one (time() may read a coarser clock) */
    assert_in_range(now / 1000, (int64_t)before - 1, (int64_t)after + 1);
    int64_t m0 = mt_clock_mono(c);
    for (int i = 0; i < 1000; i++) {
        int64_t m1 = mt_clock_mono(c);
        assert_true(m1 >= m0);
        m0 = m1;
    }
    /* a sleep of 20 ms lasts at least 20 ms */
    int64_t s0 = mt_clock_mono(c);
    mt_clock_sleep(c, 20);
    assert_true(mt_clock_mono(c) - s0 >= 20);
    mt_clock_sleep(c, 0);
    mt_clock_sleep(c, -5); /* no pause, no error */
}

static void virtual_clock_moves_only_when_told(void **state)
{
    (void)state;
    struct mt_vclock v;
    mt_vclock_init(&v, INT64_C(1680309000000)); /* 2023-04-01 00:30 UTC */
    const struct mt_clock *c = &v.clock;
    assert_ptr_equal(mt_clock_or_wall(c), c);
    assert_int_equal(mt_clock_now(c), INT64_C(1680309000000));
    assert_int_equal(mt_clock_mono(c), 0);
    assert_int_equal(mt_clock_now(c), INT64_C(1680309000000)); /* reading does not move it */
    mt_vclock_advance(&v, 1500);
    assert_int_equal(mt_clock_now(c), INT64_C(1680309001500));
    assert_int_equal(mt_clock_mono(c), 1500);
    /* a sleep advances both times by exactly its length, at once */
    mt_clock_sleep(c, 3 * 60000);
    assert_int_equal(mt_clock_now(c), INT64_C(1680309181500));
    assert_int_equal(mt_clock_mono(c), 181500);
    mt_clock_sleep(c, 0);
    mt_clock_sleep(c, -1000);
    assert_int_equal(mt_clock_mono(c), 181500);
    /* a wall step (backwards too) leaves the monotonic time alone */
    mt_vclock_set(&v, INT64_C(1672531200000));
    assert_int_equal(mt_clock_now(c), INT64_C(1672531200000));
    assert_int_equal(mt_clock_mono(c), 181500);
    mt_vclock_advance(&v, 0);
    mt_vclock_advance(&v, 1);
    assert_int_equal(mt_clock_now(c), INT64_C(1672531200001));
    assert_int_equal(mt_clock_mono(c), 181501);
}

/* A month of one-minute sleeps takes no real time on the virtual clock. */
static void virtual_sleeps_add_up_exactly(void **state)
{
    (void)state;
    struct mt_vclock v;
    mt_vclock_init(&v, 0);
    for (int i = 0; i < 30 * 24 * 60; i++)
        mt_clock_sleep(&v.clock, 60000);
    assert_int_equal(mt_clock_now(&v.clock), INT64_C(30) * 86400000);
    assert_int_equal(mt_clock_mono(&v.clock), INT64_C(30) * 86400000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wall_clock_reads_real_time),
        cmocka_unit_test(virtual_clock_moves_only_when_told),
        cmocka_unit_test(virtual_sleeps_add_up_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
