/* In-memory merge (mt_store_merge_series): replacement, idempotence, order,
 * field union, grid checks, and a property test against a simple model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
/* 2024-01-01 00:00 UTC */
#define T0 INT64_C(1704067200000)

static struct mt_candle bar(int64_t t, double p)
{
    struct mt_candle c = {t, p, p + 2, p - 1, p + 1, 10 * p, 100 * p, 7, 3 * p, 30 * p};
    return c;
}

static void fill(struct mt_series *s, unsigned fields, const int64_t *t, const double *p, size_t n)
{
    mt_series_init(s, fields);
    for (size_t i = 0; i < n; i++) {
        struct mt_candle c = bar(t[i], p[i]);
        assert_int_equal(mt_series_append(s, &c, NULL), 0);
    }
}

static void overlap_replaces_and_counts(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t bt[] = {T0, T0 + H, T0 + 2 * H, T0 + 3 * H, T0 + 4 * H};
    double bp[] = {100, 101, 102, 103, 104};
    fill(&base, MT_F_ALL, bt, bp, 5);
    int64_t at[] = {T0 + 3 * H, T0 + 4 * H, T0 + 5 * H};
    double ap[] = {203, 104, 105}; /* 3h changed, 4h identical, 5h new */
    fill(&add, MT_F_ALL, at, ap, 3);
    struct mt_merge_report rep;
    struct mt_err err = {0};
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(rep.rows_before, 5);
    assert_int_equal(rep.rows_after, 6);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.replaced, 1);
    assert_int_equal(rep.identical, 1);
    assert_int_equal(rep.first_replaced, T0 + 3 * H);
    assert_int_equal(rep.bytes_written, 0);
    assert_int_equal(base.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(base.open_time[i], T0 + (int64_t)i * H);
    tu_assert_same_double(base.open[2], 102.0);
    tu_assert_same_double(base.open[3], 203.0);
    tu_assert_same_double(base.high[3], 205.0);
    tu_assert_same_double(base.taker_buy_quote[3], 6090.0);
    tu_assert_same_double(base.open[5], 105.0);
    tu_assert_same_double(base.volume[5], 1050.0);
    mt_series_release(&base);
    mt_series_release(&add);
}

static void merging_twice_changes_nothing(void **state)
{
    (void)state;
    struct mt_series base, add, copy;
    int64_t bt[] = {T0, T0 + H, T0 + 2 * H};
    double bp[] = {1, 2, 3};
    fill(&base, MT_F_ALL, bt, bp, 3);
    int64_t at[] = {T0 + 4 * H, T0 + H, T0 + 3 * H};
    double ap[] = {9, 7, 8};
    fill(&add, MT_F_ALL, at, ap, 3);
    struct mt_merge_report rep;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.added, 2);
    assert_int_equal(rep.replaced, 1);
    mt_series_init(&copy, 0);
    assert_int_equal(mt_series_slice(&copy, &base, 0, base.n, NULL), 0);
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.added, 0);
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(rep.identical, 3);
    assert_int_equal(rep.first_replaced, 0);
    assert_int_equal(rep.rows_after, 5);
    tu_assert_series_same(&base, &copy);
    mt_series_release(&base);
    mt_series_release(&add);
    mt_series_release(&copy);
}

static void keep_stored_adds_only_new_open_times(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t bt[] = {T0, T0 + H, T0 + 2 * H};
    double bp[] = {1, 2, 3};
    fill(&base, MT_F_ALL, bt, bp, 3);
    int64_t at[] = {T0 + 4 * H, T0 + H, T0 + 2 * H};
    double ap[] = {9, 7, 3};
    fill(&add, MT_F_ALL, at, ap, 3);
    struct mt_merge_report rep;
    assert_int_equal(
        mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_KEEP_STORED, &rep, NULL), 0);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.kept, 1);      /* T0+H differs: the stored 2 stays */
    assert_int_equal(rep.identical, 1); /* T0+2H is the same */
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(base.n, 4);
    tu_assert_same_double(base.open[1], 2.0);
    tu_assert_same_double(base.open[3], 9.0);
    assert_int_equal(base.open_time[3], T0 + 4 * H);
    mt_series_release(&base);
    mt_series_release(&add);
}

static void unsorted_add_last_duplicate_wins(void **state)
{
    (void)state;
    struct mt_series base, add;
    mt_series_init(&base, MT_F_OHLCV);
    int64_t at[] = {T0 + 7 * H, T0 + 5 * H, T0 + 6 * H, T0 + 5 * H, T0};
    double ap[] = {70, 50, 60, 55, 1};
    fill(&add, MT_F_OHLCV, at, ap, 5);
    struct mt_merge_report rep;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.added, 4);
    assert_int_equal(base.n, 4);
    int64_t want_t[] = {T0, T0 + 5 * H, T0 + 6 * H, T0 + 7 * H};
    double want_open[] = {1, 55, 60, 70};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(base.open_time[i], want_t[i]);
        tu_assert_same_double(base.open[i], want_open[i]);
    }
    assert_int_equal(base.fields, MT_F_OHLCV);
    mt_series_release(&base);
    mt_series_release(&add);
}

static void field_union_uses_nan_never_invents(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t bt[] = {T0, T0 + H};
    double bp[] = {10, 11};
    fill(&base, MT_F_OHLCV, bt, bp, 2);
    int64_t at[] = {T0 + 2 * H};
    double ap[] = {12};
    fill(&add, MT_F_ALL, at, ap, 1);
    struct mt_merge_report rep;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(base.fields, MT_F_ALL);
    assert_true(isnan(base.quote_volume[0]));
    assert_true(isnan(base.trades[1]));
    assert_true(isnan(base.taker_buy_base[1]));
    tu_assert_same_double(base.volume[1], 110.0);
    tu_assert_same_double(base.quote_volume[2], 1200.0);
    tu_assert_same_double(base.trades[2], 7.0);
    mt_series_release(&add);

    /* 6-column data equal on its fields keeps the stored trade count... */
    fill(&add, MT_F_OHLCV, at, ap, 1);
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.identical, 1);
    assert_int_equal(rep.replaced, 0);
    tu_assert_same_double(base.trades[2], 7.0);
    mt_series_release(&add);

    /* ...but a different candle replaces the row whole: unknown fields are NaN. */
    double changed[] = {13};
    fill(&add, MT_F_OHLCV, at, changed, 1);
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.replaced, 1);
    tu_assert_same_double(base.open[2], 13.0);
    assert_true(isnan(base.trades[2]));
    assert_true(isnan(base.quote_volume[2]));
    assert_int_equal(base.fields, MT_F_ALL);
    mt_series_release(&add);

    /* An all-NaN field in add is no change at all. */
    fill(&add, MT_F_ALL, at, changed, 1);
    add.quote_volume[0] = NAN;
    add.trades[0] = NAN;
    add.taker_buy_base[0] = NAN;
    add.taker_buy_quote[0] = NAN;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.identical, 1);
    mt_series_release(&add);
    mt_series_release(&base);
}

static void nan_and_signed_zero_compare_bitwise(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t t[] = {T0};
    double p[] = {5};
    fill(&base, MT_F_ALL, t, p, 1);
    base.volume[0] = 0.0;
    base.quote_volume[0] = NAN;
    fill(&add, MT_F_ALL, t, p, 1);
    add.volume[0] = 0.0;
    add.quote_volume[0] = -NAN;
    struct mt_merge_report rep;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.identical, 1);
    add.volume[0] = -0.0;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.replaced, 1);
    assert_true(signbit(base.volume[0]));
    mt_series_release(&base);
    mt_series_release(&add);
}

static void off_grid_rejected_and_base_kept(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t bt[] = {T0};
    double bp[] = {1};
    fill(&base, MT_F_OHLCV, bt, bp, 1);
    int64_t at[] = {T0 + 2 * H, T0 + H + 1};
    double ap[] = {2, 3};
    fill(&add, MT_F_OHLCV, at, ap, 2);
    struct mt_merge_report rep;
    struct mt_err err = {0};
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "1704070800001 ms"));
    assert_non_null(strstr(err.msg, "2024-01-01 01:00"));
    assert_non_null(strstr(err.msg, "1h grid"));
    assert_int_equal(base.n, 1);
    mt_series_release(&add);

    /* Months: the 1st at 00:00 is on the grid, the 2nd is not. */
    int64_t feb1 = INT64_C(1706745600000), feb2 = feb1 + 24 * H;
    fill(&add, MT_F_OHLCV, &feb1, ap, 1);
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1MO, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    mt_series_release(&add);
    fill(&add, MT_F_OHLCV, &feb2, ap, 1);
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1MO, MT_MERGE_NEWER_WINS, &rep, &err), MT_EDATA);
    mt_series_release(&add);
    mt_series_release(&base);
}

static void unsorted_base_rejected(void **state)
{
    (void)state;
    struct mt_series base, add;
    int64_t bt[] = {T0 + H, T0};
    double bp[] = {1, 2};
    fill(&base, MT_F_OHLCV, bt, bp, 2);
    mt_series_init(&add, MT_F_OHLCV);
    struct mt_merge_report rep;
    struct mt_err err = {0};
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "not sorted"));
    mt_series_release(&base);
    mt_series_release(&add);
}

/* ---- property test against a slot model ---- */

#define SLOTS 120

struct model {
    bool present[SLOTS];
    double v[SLOTS][MT_VALUE_FIELD_COUNT];
    unsigned fields;
};

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static bool model_same(const struct model *m, size_t slot, const double *v, unsigned fields)
{
    static const unsigned f[] = MT_VALUE_FIELDS;
    for (size_t k = 0; k < MT_VALUE_FIELD_COUNT; k++) {
        if (!(fields & f[k]))
            continue;
        double stored = (m->fields & f[k]) ? m->v[slot][k] : NAN;
        if (isnan(stored) != isnan(v[k]) || (!isnan(v[k]) && stored != v[k]))
            return false;
    }
    return true;
}

static void random_merges_match_model(void **state)
{
    (void)state;
    static const unsigned masks[] = {MT_F_OHLC, MT_F_OHLCV, MT_F_ALL};
    static const unsigned f[] = MT_VALUE_FIELDS;
    struct model m = {.fields = MT_F_OHLC};
    struct mt_series base;
    mt_series_init(&base, MT_F_OHLC);
    for (int round = 0; round < 400; round++) {
        unsigned fields = masks[rnd() % 3];
        size_t k = rnd() % 25;
        struct mt_series add;
        mt_series_init(&add, fields);
        /* last value per slot in this batch, for the model */
        int last[SLOTS];
        for (size_t s = 0; s < SLOTS; s++)
            last[s] = -1;
        for (size_t r = 0; r < k; r++) {
            size_t slot = rnd() % SLOTS;
            struct mt_candle c = bar(T0 + (int64_t)slot * H, (double)(rnd() % 3));
            if (rnd() % 4 == 0)
                c.volume = NAN;
            assert_int_equal(mt_series_append(&add, &c, NULL), 0);
            last[slot] = (int)r;
        }
        size_t want_added = 0, want_replaced = 0, want_identical = 0;
        unsigned model_fields = m.fields;
        bool changed = false;
        bool written[SLOTS] = {false};
        for (size_t s = 0; s < SLOTS; s++) {
            if (last[s] < 0)
                continue;
            double v[MT_VALUE_FIELD_COUNT];
            for (size_t q = 0; q < MT_VALUE_FIELD_COUNT; q++)
                v[q] = (fields & f[q]) ? mt_series_column(&add, f[q])[last[s]] : NAN;
            if (m.present[s] && model_same(&m, s, v, fields)) {
                want_identical++;
                continue;
            }
            if (m.present[s])
                want_replaced++;
            else
                want_added++;
            m.present[s] = true;
            memcpy(m.v[s], v, sizeof v);
            written[s] = true;
            changed = true;
        }
        if (changed) {
            /* rows not written now lacked a newly gained field: NaN there */
            unsigned gained = fields & ~model_fields;
            for (size_t s = 0; s < SLOTS; s++) {
                for (size_t q = 0; q < MT_VALUE_FIELD_COUNT; q++) {
                    if ((gained & f[q]) && !written[s])
                        m.v[s][q] = NAN;
                }
            }
            m.fields |= fields;
        }
        size_t before = base.n;
        struct mt_merge_report rep;
        assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
        assert_int_equal(rep.rows_before, before);
        assert_int_equal(rep.added, want_added);
        assert_int_equal(rep.replaced, want_replaced);
        assert_int_equal(rep.identical, want_identical);
        assert_int_equal(base.fields, m.fields);
        /* sorted, unique, no row lost, values equal the model */
        size_t i = 0;
        for (size_t s = 0; s < SLOTS; s++) {
            if (!m.present[s])
                continue;
            assert_true(i < base.n);
            assert_int_equal(base.open_time[i], T0 + (int64_t)s * H);
            for (size_t q = 0; q < MT_VALUE_FIELD_COUNT; q++) {
                if (!(m.fields & f[q]))
                    continue;
                double got = mt_series_column(&base, f[q])[i];
                double want = m.v[s][q];
                if (isnan(want))
                    assert_true(isnan(got));
                else
                    tu_assert_same_double(got, want);
            }
            i++;
        }
        assert_int_equal(i, base.n);
        mt_series_release(&add);
    }
    assert_true(base.n > SLOTS / 2);
    mt_series_release(&base);
}

static void append_moves_nothing_before_it(void **state)
{
    (void)state;
    struct mt_series base, add;
    mt_series_init(&base, MT_F_ALL);
    for (int64_t i = 0; i < 35040; i++) {
        struct mt_candle c = bar(T0 + i * H, (double)i);
        assert_int_equal(mt_series_append(&base, &c, NULL), 0);
    }
    int64_t t = T0 + 35040 * H;
    double p = 1;
    fill(&add, MT_F_ALL, &t, &p, 1);
    double *before = base.open;
    size_t cap = base.cap;
    struct mt_merge_report rep;
    assert_int_equal(mt_store_merge_series(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, NULL), 0);
    assert_int_equal(rep.added, 1);
    assert_int_equal(base.n, 35041);
    assert_int_equal(base.open_time[35040], t);
    tu_assert_same_double(base.open[35039], 35039.0);
    if (cap > 35040) /* spare room: appended in place */
        assert_ptr_equal(base.open, before);
    mt_series_release(&base);
    mt_series_release(&add);
}

/* Taking add's arrays into an empty base gives what copying gives (rows,
 * fields, report) and leaves add empty; anything else falls back to the copy
 * and leaves add as it was. */
static void take_into_empty_base(void **state)
{
    (void)state;
    int64_t t[] = {T0, T0 + H, T0 + 2 * H, T0 + 3 * H};
    double p[] = {10, 11, 12, 13};
    struct mt_series base, add, want, want_add;
    struct mt_merge_report rep, want_rep;
    struct mt_err err = {0};
    fill(&want, MT_F_OHLCV, t, p, 0);
    want.fields = MT_F_ALL; /* an empty base whose fields add lacks */
    fill(&want_add, MT_F_OHLCV, t, p, 4);
    assert_int_equal(mt_store_merge_series(&want, &want_add, MT_TF_1H, MT_MERGE_NEWER_WINS, &want_rep,
                                           &err), 0);
    mt_series_init(&base, MT_F_ALL);
    fill(&add, MT_F_OHLCV, t, p, 4);
    assert_int_equal(mt_store_merge_series_take(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(add.n, 0);
    assert_null(add.open_time);
    assert_int_equal(base.fields, MT_F_ALL);
    tu_assert_series_same(&base, &want);
    assert_memory_equal(&rep, &want_rep, sizeof rep);
    assert_int_equal(rep.added, 4);
    assert_int_equal(rep.rows_after, 4);
    assert_true(isnan(base.trades[3]));
    mt_series_release(&base);
    mt_series_release(&want);
    mt_series_release(&want_add);

    /* unsorted add (last duplicate wins): copied, add unchanged */
    int64_t ut[] = {T0 + H, T0, T0 + H};
    double up[] = {1, 2, 3};
    fill(&add, MT_F_ALL, ut, up, 3);
    mt_series_init(&base, MT_F_ALL);
    assert_int_equal(mt_store_merge_series_take(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(add.n, 3);
    assert_int_equal(base.n, 2);
    tu_assert_same_double(base.open[1], 3.0);
    mt_series_release(&base);

    /* off the grid: refused, base and add kept */
    add.open_time[0] = T0 + 1;
    add.open_time[1] = T0 + H + 1;
    add.open_time[2] = T0 + 2 * H + 1;
    mt_series_init(&base, MT_F_ALL);
    assert_int_equal(mt_store_merge_series_take(&base, &add, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err),
                     MT_EDATA);
    assert_int_equal(base.n, 0);
    assert_int_equal(add.n, 3);
    mt_series_release(&add);
    mt_series_release(&base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlap_replaces_and_counts),
        cmocka_unit_test(merging_twice_changes_nothing),
        cmocka_unit_test(keep_stored_adds_only_new_open_times),
        cmocka_unit_test(unsorted_add_last_duplicate_wins),
        cmocka_unit_test(field_union_uses_nan_never_invents),
        cmocka_unit_test(nan_and_signed_zero_compare_bitwise),
        cmocka_unit_test(off_grid_rejected_and_base_kept),
        cmocka_unit_test(unsorted_base_rejected),
        cmocka_unit_test(random_merges_match_model),
        cmocka_unit_test(append_moves_nothing_before_it),
        cmocka_unit_test(take_into_empty_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
