/* Growing arrays: the first room, doubling, no change while there is room, and overflow refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>

#include "core/grow.h"

static void test_doubling(void **state)
{
    (void)state;
    size_t cap = 0;
    int *v = mt_grow(NULL, &cap, 0, sizeof *v, 4);
    assert_non_null(v);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    assert_ptr_equal(mt_grow(v, &cap, 3, sizeof *v, 4), v); /* room left: the same array */
    assert_int_equal(cap, 4);
    v = mt_grow(v, &cap, 4, sizeof *v, 4);
    assert_non_null(v);
    assert_int_equal(cap, 8);
    for (int i = 0; i < 4; i++)
        assert_int_equal(v[i], i); /* kept */
    free(v);
}

static void test_overflow(void **state)
{
    (void)state;
    char keep[1] = {'x'};
    size_t cap = SIZE_MAX / 2 + 1;
    assert_null(mt_grow(keep, &cap, cap, 1, 16));
    assert_true(cap == SIZE_MAX / 2 + 1);
    cap = 0;
    assert_null(mt_grow(NULL, &cap, 0, 1024, SIZE_MAX / 512));
    assert_int_equal(cap, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubling),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
