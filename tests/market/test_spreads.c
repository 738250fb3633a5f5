/* Spread statistics: current spread, cross-sectional rank, ratio to the 12 h /
 * 24 h median and channel position, hand-computed; no look-ahead; through the
 * store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/market.h"
#include "store/spreads.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1704067200000) /* 2024-01-01 00:00 */

static void add(struct mt_market_table *t, int64_t hour, const char *sym, double spread)
{
    struct mt_market_row r;
    assert_int_equal(mt_market_row_init(&r, T0 + hour * H, sym, NULL), 0);
    r.spread = spread;
    assert_int_equal(mt_market_table_push(t, &r, NULL), 0);
}

/* Snapshots at hours 0, 10, 20, 25, 30 (rows sorted by time, then symbol). */
static void history(struct mt_market_table *t)
{
    mt_market_table_init(t);
    add(t, 0, "AUSDT", 0.001);
    add(t, 0, "CUSDT", 0.02);
    add(t, 10, "AUSDT", 0.004);
    add(t, 10, "FLAT", 0.003);
    add(t, 20, "AUSDT", 0.002);
    add(t, 20, "CUSDT", 0.01);
    add(t, 20, "FLAT", 0.003);
    add(t, 25, "AUSDT", 0.003);
    add(t, 25, "BUSDT", NAN);
    add(t, 30, "AUSDT", 0.002);
    add(t, 30, "BUSDT", 0.001);
    add(t, 30, "DUSDT", 0.005);
    add(t, 30, "EUSDT", NAN);
    add(t, 30, "FLAT", 0.003);
}

static void assert_stats_same(const struct mt_spread_stats *a, const struct mt_spread_stats *b)
{
    assert_int_equal(a->time, b->time);
    tu_assert_same_double(a->spread, b->spread);
    tu_assert_same_double(a->rank, b->rank);
    tu_assert_same_double(a->ratio_median_12h, b->ratio_median_12h);
    tu_assert_same_double(a->ratio_median_24h, b->ratio_median_24h);
    tu_assert_same_double(a->channel_12h, b->channel_12h);
    tu_assert_same_double(a->channel_24h, b->channel_24h);
    assert_int_equal(a->n_12h, b->n_12h);
    assert_int_equal(a->n_24h, b->n_24h);
}

static const char *const syms[] = {"AUSDT", "BUSDT", "CUSDT", "EUSDT", "FLAT", "ZUSDT"};
#define NSYM 6

static void hand_computed(void **state)
{
    (void)state;
    struct mt_market_table h;
    history(&h);
    struct mt_err err = {0};
    struct mt_spread_stats o[NSYM];
    int64_t t = T0 + 30 * H;
    assert_int_equal(mt_spreads_stats(&h, t, syms, NSYM, o, &err), 0);
    /* A: 24 h window (6 h, 30 h] = .004 .002 .003 .002: median .0025, min .002, max .004;
     * 12 h window (18 h, 30 h] = .002 .003 .002: median .002, min .002, max .003 */
    assert_int_equal(o[0].time, t);
    tu_assert_same_double(o[0].spread, 0.002);
    assert_int_equal(o[0].n_24h, 4);
    assert_int_equal(o[0].n_12h, 3);
    tu_assert_close(o[0].ratio_median_24h, 0.8, 1e-12);
    tu_assert_close(o[0].ratio_median_12h, 1.0, 1e-12);
    tu_assert_same_double(o[0].channel_24h, 0.0);
    tu_assert_same_double(o[0].channel_12h, 0.0);
    /* universe at 30 h: B .001 < A .002 < FLAT .003 < D .005 (E unknown) -> A at 1/3 */
    tu_assert_close(o[0].rank, 1.0 / 3, 1e-15);
    tu_assert_same_double(o[1].rank, 0.0);
    tu_assert_close(o[4].rank, 2.0 / 3, 1e-15);
    /* B: only one finite spread; channel of a single value is the middle */
    assert_int_equal(o[1].n_12h, 1);
    tu_assert_same_double(o[1].ratio_median_12h, 1.0);
    tu_assert_same_double(o[1].channel_12h, 0.5);
    /* C: not in the current snapshot -> NaN, but its history is counted */
    assert_true(isnan(o[2].spread) && isnan(o[2].rank) && isnan(o[2].ratio_median_24h) &&
                isnan(o[2].channel_24h));
    assert_int_equal(o[2].n_24h, 1);
    /* E: present with an unknown spread */
    assert_true(isnan(o[3].spread) && isnan(o[3].rank));
    assert_int_equal(o[3].n_24h, 0);
    /* FLAT: constant spread */
    tu_assert_same_double(o[4].ratio_median_24h, 1.0);
    tu_assert_same_double(o[4].channel_24h, 0.5);
    assert_int_equal(o[4].n_24h, 3);
    /* unknown symbol */
    assert_true(isnan(o[5].spread));
    assert_int_equal(o[5].n_24h, 0);

    /* half an hour later: the 30 h snapshot is still current; A's window
     * (6.5 h, 30.5 h] holds the same values */
    struct mt_spread_stats later[NSYM];
    assert_int_equal(mt_spreads_stats(&h, t + H / 2, syms, NSYM, later, &err), 0);
    assert_stats_same(&later[0], &o[0]);

    /* at 25 h: A's current .003; 24 h window (1 h, 25 h] = .004 .002 .003 ->
     * median .003, channel (.003 - .002) / (.004 - .002) = .5; B is NaN there */
    assert_int_equal(mt_spreads_stats(&h, T0 + 25 * H, syms, NSYM, o, &err), 0);
    assert_int_equal(o[0].time, T0 + 25 * H);
    tu_assert_close(o[0].ratio_median_24h, 1.0, 1e-12);
    tu_assert_close(o[0].channel_24h, 0.5, 1e-12);
    tu_assert_same_double(o[0].rank, 0.5); /* the only finite spread of that snapshot */

    /* before the first snapshot: nothing */
    assert_int_equal(mt_spreads_stats(&h, T0 - 1, syms, NSYM, o, &err), 0);
    assert_int_equal(o[0].time, 0);
    assert_true(isnan(o[0].spread) && isnan(o[0].ratio_median_24h));
    mt_market_table_release(&h);
}

/* Snapshots after t never change the statistics at t. */
static void no_look_ahead(void **state)
{
    (void)state;
    struct mt_market_table h;
    history(&h);
    struct mt_err err = {0};
    struct mt_spread_stats before[NSYM], after[NSYM];
    for (int64_t half = 0; half <= 61; half++) { /* every half hour up to 30.5 h */
        int64_t t = T0 + half * H / 2;
        struct mt_market_table cut;
        mt_market_table_init(&cut);
        for (size_t i = 0; i < h.n && h.rows[i].time <= t; i++)
            assert_int_equal(mt_market_table_push(&cut, &h.rows[i], NULL), 0);
        assert_int_equal(mt_spreads_stats(&cut, t, syms, NSYM, before, &err), 0);
        /* the full history plus extreme later snapshots */
        struct mt_market_table full;
        history(&full);
        add(&full, 31, "AUSDT", 0.5);
        add(&full, 31, "BUSDT", 1e-9);
        add(&full, 40, "AUSDT", 0.0);
        assert_int_equal(mt_spreads_stats(&full, t, syms, NSYM, after, &err), 0);
        for (int s = 0; s < NSYM; s++)
            assert_stats_same(&before[s], &after[s]);
        mt_market_table_release(&cut);
        mt_market_table_release(&full);
    }
    /* and they do change once the later snapshot is at or before t */
    add(&h, 31, "AUSDT", 0.5);
    assert_int_equal(mt_spreads_stats(&h, T0 + 31 * H, syms, 1, after, &err), 0);
    tu_assert_same_double(after[0].spread, 0.5);
    tu_assert_same_double(after[0].channel_24h, 1.0);
    mt_market_table_release(&h);
}

static void unsorted_history(void **state)
{
    (void)state;
    struct mt_market_table h;
    mt_market_table_init(&h);
    add(&h, 1, "BUSDT", 0.1);
    add(&h, 1, "AUSDT", 0.1);
    struct mt_err err = {0};
    struct mt_spread_stats o[1];
    assert_int_equal(mt_spreads_stats(&h, T0 + H, syms, 1, o, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1 (AUSDT)"));
    mt_market_table_release(&h);
}

/* The same numbers through the store: append, load the last 24 h, compute. */
static void through_the_store(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_market_table h, loaded;
    history(&h);
    mt_market_table_init(&loaded);
    struct mt_err err = {0};
    /* appended in reverse order, one snapshot at a time */
    for (size_t i = h.n; i-- > 0;)
        assert_int_equal(mt_market_append(dir, &h.rows[i], 1, NULL, &err), 0);
    int64_t t = T0 + 30 * H;
    assert_int_equal(mt_market_load(dir, t - MT_SPREADS_WINDOW_24H + 1, t, NULL, &loaded, &err),
                     0);
    assert_int_equal(loaded.n, h.n - 2); /* the two rows of hour 0 are out of range */
    struct mt_spread_stats a[NSYM], b[NSYM];
    assert_int_equal(mt_spreads_stats(&h, t, syms, NSYM, a, &err), 0);
    assert_int_equal(mt_spreads_stats(&loaded, t, syms, NSYM, b, &err), 0);
    for (int s = 0; s < NSYM; s++)
        assert_stats_same(&a[s], &b[s]);
    mt_market_table_release(&h);
    mt_market_table_release(&loaded);
    tu_rmtree(dir);
    free(dir);
}

/* One symbol's finite spreads over a time range, in time order. */
static void history_of_a_symbol(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_market_table h;
    history(&h);
    struct mt_err err = {0};
    assert_int_equal(mt_market_append(dir, h.rows, h.n, NULL, &err), 0);
    struct mt_spread_history a;
    assert_int_equal(mt_spread_history_load(dir, "AUSDT", T0 + H, T0 + 30 * H, &a, &err), 0);
    assert_int_equal(a.n, 4);
    const int64_t hours[4] = {10, 20, 25, 30};
    const double want[4] = {0.004, 0.002, 0.003, 0.002};
    for (size_t k = 0; k < 4; k++) {
        assert_true(a.time[k] == T0 + hours[k] * H);
        tu_assert_same_double(a.spread[k], want[k]);
    }
    mt_spread_history_release(&a);
    /* BUSDT's NaN at hour 25 is left out */
    assert_int_equal(mt_spread_history_load(dir, "BUSDT", T0, T0 + 30 * H, &a, &err), 0);
    assert_int_equal(a.n, 1);
    tu_assert_same_double(a.spread[0], 0.001);
    mt_spread_history_release(&a);
    assert_int_equal(mt_spread_history_load(dir, "ZUSDT", T0, T0 + 30 * H, &a, &err), 0);
    assert_int_equal(a.n, 0);
    mt_spread_history_release(&a);
    /* no snapshots at all */
    char *empty = tu_mkdtemp();
    assert_int_equal(mt_spread_history_load(empty, "AUSDT", T0, T0 + 30 * H, &a, &err), 0);
    assert_int_equal(a.n, 0);
    mt_spread_history_release(&a);
    mt_market_table_release(&h);
    tu_rmtree(dir);
    tu_rmtree(empty);
    free(dir);
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed),
        cmocka_unit_test(no_look_ahead),
        cmocka_unit_test(unsorted_history),
        cmocka_unit_test(through_the_store),
        cmocka_unit_test(history_of_a_symbol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
