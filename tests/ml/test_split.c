/* Purged and embargoed splits and uniqueness weights on hand-built intervals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ml/split.h"
#include "testutil.h"

enum { T = MT_SPLIT_TRAIN, X = MT_SPLIT_TEST, P = MT_SPLIT_PURGED, E = MT_SPLIT_EMBARGOED, U = MT_SPLIT_UNUSED };

/* Ten rows around a test window of rows 5 and 6 (a tie at t0 50):
 * row 2 ends exactly at the test's start, row 4 envelops the test, row 7
 * starts inside the test span [50, 62], row 8 within the embargo (62, 67]. */
static const int64_t t0[10] = {0, 10, 20, 30, 40, 50, 50, 60, 65, 70};
static const int64_t t1[10] = {5, 15, 50, 35, 100, 55, 62, 70, 80, 75};

static void assert_roles(const uint8_t *role, const uint8_t *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (role[i] != want[i])
            fail_msg("row %zu has role %u, expected %u", i, role[i], want[i]);
    }
}

static void test_window_purge_embargo(void **state)
{
    (void)state;
    uint8_t role[10];
    struct mt_split_window w;
    struct mt_err err = {0};
    assert_int_equal(mt_split_window(t0, t1, 10, 5, 7, 5, MT_SPLIT_KFOLD, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, T, P, X, X, P, E, T}, 10);
    assert_int_equal(w.test_start, 50);
    assert_int_equal(w.test_end, 62);
    assert_int_equal(w.embargo_end, 67);
    assert_int_equal(w.test_from, 5);
    assert_int_equal(w.test_to, 7);
    assert_int_equal(w.count[T], 4);
    assert_int_equal(w.count[X], 2);
    assert_int_equal(w.count[P], 3);
    assert_int_equal(w.count[E], 1);
    assert_int_equal(w.count[U], 0);

    /* No embargo: row 8 trains. */
    assert_int_equal(mt_split_window(t0, t1, 10, 5, 7, 0, MT_SPLIT_KFOLD, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, T, P, X, X, P, T, T}, 10);

    /* Walk-forward: the past only. */
    assert_int_equal(mt_split_window(t0, t1, 10, 5, 7, 5, MT_SPLIT_WALK_FORWARD, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, T, P, X, X, U, U, U}, 10);
    assert_int_equal(w.count[T], 3);
    assert_int_equal(w.count[U], 3);

    /* A window that splits the tie at t0 50, an empty one, a reversed interval. */
    assert_int_equal(mt_split_window(t0, t1, 10, 6, 8, 5, MT_SPLIT_KFOLD, role, &w, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "same t0"));
    assert_int_equal(mt_split_window(t0, t1, 10, 4, 4, 5, MT_SPLIT_KFOLD, role, &w, &err), MT_EINVAL);
    const int64_t bad1[3] = {5, 9, 20}, bad0[3] = {0, 10, 20};
    assert_int_equal(mt_split_window(bad0, bad1, 3, 2, 3, 0, MT_SPLIT_KFOLD, role, &w, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1 ends"));
}

static void test_holdout(void **state)
{
    (void)state;
    uint8_t role[10];
    struct mt_split_window w;
    struct mt_err err = {0};
    /* Span 0..70: 30% is the last 21 ms, so the test starts at the first t0 >= 49. */
    assert_int_equal(mt_split_holdout(t0, t1, 10, 0.3, 5, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, T, P, X, X, X, X, X}, 10);
    assert_int_equal(w.test_start, 50);
    assert_int_equal(w.test_end, 80);
    assert_int_equal(w.count[T], 3);
    assert_int_equal(w.count[P], 2);
    assert_int_equal(w.count[E], 0);
    /* 20%: the test starts at t0 60 (>= 56); row 6 ends at 62 and row 4 envelops. */
    assert_int_equal(mt_split_holdout(t0, t1, 10, 0.2, 5, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, T, T, P, T, P, X, X, X}, 10);
    assert_int_equal(w.test_start, 60);
    assert_int_equal(w.test_from, 7);

    assert_int_equal(mt_split_holdout(t0, t1, 10, 1.0, 5, role, &w, &err), MT_EINVAL);
    const int64_t same[2] = {7, 7};
    assert_int_equal(mt_split_holdout(same, same, 2, 0.5, 0, role, &w, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "no row before"));
}

static void test_folds_with_ties(void **state)
{
    (void)state;
    /* Six distinct times over ten rows. */
    const int64_t a[10] = {0, 0, 1, 2, 2, 2, 3, 4, 5, 5};
    int64_t b[10];
    for (int i = 0; i < 10; i++)
        b[i] = a[i] + 1;
    size_t start[8];
    struct mt_err err = {0};
    /* k = 3: distinct times {0,1} {2,3} {4,5}. */
    assert_int_equal(mt_split_folds(a, 10, 3, start, &err), 0);
    assert_memory_equal(start, ((size_t[4]){0, 3, 7, 10}), 4 * sizeof(size_t));
    /* k = 4: distinct times from 0, 6/4 = 1, 12/4 = 3, 18/4 = 4. */
    assert_int_equal(mt_split_folds(a, 10, 4, start, &err), 0);
    assert_memory_equal(start, ((size_t[5]){0, 2, 6, 7, 10}), 5 * sizeof(size_t));
    /* k = 6: one distinct time each. */
    assert_int_equal(mt_split_folds(a, 10, 6, start, &err), 0);
    assert_memory_equal(start, ((size_t[7]){0, 2, 3, 6, 7, 8, 10}), 7 * sizeof(size_t));
    assert_int_equal(mt_split_folds(a, 10, 7, start, &err), MT_EINVAL);
    assert_int_equal(mt_split_folds(a, 10, 1, start, &err), MT_EINVAL);

    /* Fold 1 of 3 (rows 3..6, t0 2..3, test span [2, 4]) with embargo 1: row 2 ends at
     * 2 (purged), row 7 starts at 4 (purged), rows 8 and 9 start at 5 (embargoed). */
    assert_int_equal(mt_split_folds(a, 10, 3, start, &err), 0);
    uint8_t role[10];
    struct mt_split_window w;
    assert_int_equal(mt_split_window(a, b, 10, start[1], start[2], 1, MT_SPLIT_KFOLD, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, X, X, X, X, P, E, E}, 10);
    assert_int_equal(w.test_end, 4);
    /* Embargo 0: rows 8 and 9 train again. */
    assert_int_equal(mt_split_window(a, b, 10, start[1], start[2], 0, MT_SPLIT_KFOLD, role, &w, &err), 0);
    assert_roles(role, (const uint8_t[10]){T, T, P, X, X, X, X, P, T, T}, 10);
}

static void test_uniqueness_by_hand(void **state)
{
    (void)state;
    double w[4];
    struct mt_err err = {0};
    /* Two fully overlapping rows over bars 0 and 1. */
    assert_int_equal(mt_split_uniqueness((const int64_t[2]){0, 0}, (const int64_t[2]){19, 19}, NULL, 0, 2, 10, w,
                                         &err),
                     0);
    tu_assert_close(w[0], 0.5, 1e-15);
    tu_assert_close(w[1], 0.5, 1e-15);

    /* Bars of rows 0..2: {0,1,2}, {1,2,3}, {3}; row 3 (group 1) repeats row 0.
     * Per group: c = 1,2,2,2 on bars 0..3, row 3 alone. */
    const int64_t a[4] = {0, 10, 30, 0}, b[4] = {29, 39, 30, 29};
    const uint32_t g[4] = {0, 0, 0, 1};
    assert_int_equal(mt_split_uniqueness(a, b, g, 2, 4, 10, w, &err), 0);
    tu_assert_close(w[0], (1 + 0.5 + 0.5) / 3, 1e-15);
    tu_assert_close(w[1], 0.5, 1e-15);
    tu_assert_close(w[2], 0.5, 1e-15);
    tu_assert_close(w[3], 1, 1e-15);
    /* All together: c = 2,3,3,2. */
    assert_int_equal(mt_split_uniqueness(a, b, NULL, 0, 4, 10, w, &err), 0);
    tu_assert_close(w[0], 7.0 / 18, 1e-15);
    tu_assert_close(w[1], 7.0 / 18, 1e-15);
    tu_assert_close(w[2], 0.5, 1e-15);
    tu_assert_close(w[3], 7.0 / 18, 1e-15);

    /* Bars no row covers between two rows of one group. */
    assert_int_equal(mt_split_uniqueness((const int64_t[2]){0, 500}, (const int64_t[2]){9, 599}, NULL, 0, 2, 10, w,
                                         &err),
                     0);
    tu_assert_close(w[0], 1, 0);
    tu_assert_close(w[1], 1, 0);

    assert_int_equal(mt_split_uniqueness(a, b, g, 1, 4, 10, w, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 3 has group 1"));
    assert_int_equal(mt_split_uniqueness(b, a, NULL, 0, 4, 10, w, &err), MT_EINVAL);
    assert_int_equal(mt_split_uniqueness(a, b, NULL, 0, 4, 0, w, &err), MT_EINVAL);
}

/* The difference-array weights equal the direct count of every bar of every row. */
static void test_uniqueness_matches_brute_force(void **state)
{
    (void)state;
    enum { N = 300, BAR = 7 };
    int64_t a[N], b[N];
    uint32_t g[N];
    double w[N];
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (int64_t)(seed >> 8) % 2000;
        seed = seed * 1103515245u + 12345u;
        b[i] = a[i] + (int64_t)(seed >> 8) % 150;
        g[i] = (uint32_t)(seed >> 4) % 3;
    }
    struct mt_err err = {0};
    assert_int_equal(mt_split_uniqueness(a, b, g, 3, N, BAR, w, &err), 0);
    for (int i = 0; i < N; i++) {
        double s = 0;
        for (int64_t bar = a[i] / BAR; bar <= b[i] / BAR; bar++) {
            int c = 0;
            for (int j = 0; j < N; j++)
                c += g[j] == g[i] && a[j] / BAR <= bar && bar <= b[j] / BAR;
            s += 1.0 / c;
        }
        tu_assert_close(w[i], s / (double)(b[i] / BAR - a[i] / BAR + 1), 1e-12);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_purge_embargo),
        cmocka_unit_test(test_holdout),
        cmocka_unit_test(test_folds_with_ties),
        cmocka_unit_test(test_uniqueness_by_hand),
        cmocka_unit_test(test_uniqueness_matches_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
