/* Market ranks: percentiles with ties and NaNs, rate of change and 7-day
 * volume on hand-built 1d and 1h series, ranks from a store, no look-ahead. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "store/market.h"
#include "store/ranks.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define D (24 * H)
#define T0 INT64_C(1704067200000) /* 2024-01-01 00:00 */

/* Candles opening at start + i * step with close close0 + i * slope, volume 2
 * and quote volume 10 * (i + 1) (NaN-free); fields chooses whether quote
 * volume is present. */
static void make(struct mt_series *s, unsigned fields, int64_t start, int64_t step, size_t n,
                 double close0, double slope)
{
    mt_series_init(s, fields);
    for (size_t i = 0; i < n; i++) {
        double c = close0 + slope * (double)i;
        struct mt_candle k = {start + (int64_t)i * step, c, c, c, c, 2, 10.0 * (double)(i + 1),
                              NAN, NAN, NAN};
        assert_int_equal(mt_series_append(s, &k, NULL), 0);
    }
}

static void percentiles(void **state)
{
    (void)state;
    struct mt_err err = {0};
    const double v[] = {3, 1, NAN, 3, 2};
    double out[5];
    assert_int_equal(mt_ranks_percentile(v, 5, out, &err), 0);
    /* valid: 1 (rank 1), 2 (rank 2), 3, 3 (ranks 3 and 4 -> 3.5); (r - 1) / 3 */
    tu_assert_close(out[0], 2.5 / 3, 1e-15);
    tu_assert_same_double(out[1], 0.0);
    assert_true(isnan(out[2]));
    tu_assert_close(out[3], 2.5 / 3, 1e-15);
    tu_assert_close(out[4], 1.0 / 3, 1e-15);

    const double one[] = {NAN, 7, NAN};
    assert_int_equal(mt_ranks_percentile(one, 3, out, &err), 0);
    assert_true(isnan(out[0]) && isnan(out[2]));
    tu_assert_same_double(out[1], 0.5);

    const double same[] = {4, 4, 4};
    assert_int_equal(mt_ranks_percentile(same, 3, out, &err), 0);
    for (int i = 0; i < 3; i++)
        tu_assert_same_double(out[i], 0.5);

    const double nan2[] = {NAN, NAN};
    assert_int_equal(mt_ranks_percentile(nan2, 2, out, &err), 0);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_int_equal(mt_ranks_percentile(NULL, 0, out, &err), 0);

    const double neg[] = {-0.5, 0.25, -1, 10};
    assert_int_equal(mt_ranks_percentile(neg, 4, out, &err), 0);
    tu_assert_close(out[0], 1.0 / 3, 1e-15);
    tu_assert_close(out[1], 2.0 / 3, 1e-15);
    tu_assert_same_double(out[2], 0.0);
    tu_assert_same_double(out[3], 1.0);
}

static void metrics_daily(void **state)
{
    (void)state;
    struct mt_err err = {0};
    struct mt_series s;
    make(&s, MT_F_OHLCV | MT_F_QUOTE_VOLUME, T0, D, 41, 100, 1); /* day i closes at 100 + i */
    struct mt_ranks_metrics m;
    /* t = the close of day 40: day 40 is the current candle */
    int64_t t = T0 + 41 * D;
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, t, &m, &err), 0);
    tu_assert_close(m.roc_1d, 140.0 / 139 - 1, 1e-15);
    tu_assert_close(m.roc_1w, 140.0 / 133 - 1, 1e-15);
    tu_assert_close(m.roc_1m, 140.0 / 110 - 1, 1e-15);
    /* quote volume of days 34..40: 10 * (35 + ... + 41) = 2660 */
    tu_assert_close(m.volume_1w, 2660, 1e-9);

    /* mid-day 40: day 40 has not closed, day 39 is current */
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, t - 1, &m, &err), 0);
    tu_assert_close(m.roc_1d, 139.0 / 138 - 1, 1e-15);
    tu_assert_close(m.roc_1m, 139.0 / 109 - 1, 1e-15);
    tu_assert_close(m.volume_1w, 10.0 * (34 + 35 + 36 + 37 + 38 + 39 + 40), 1e-9);

    /* not enough history for a month at day 29; day 30 is the first */
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, T0 + 30 * D, &m, &err), 0);
    assert_true(isnan(m.roc_1m));
    tu_assert_close(m.roc_1w, 129.0 / 122 - 1, 1e-15);
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, T0 + 31 * D, &m, &err), 0);
    tu_assert_close(m.roc_1m, 130.0 / 100 - 1, 1e-15);

    /* a day after the data ends: current candle missing -> NaN, not stale values */
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, t + D, &m, &err), 0);
    assert_true(isnan(m.roc_1d) && isnan(m.roc_1w) && isnan(m.roc_1m) && isnan(m.volume_1w));

    /* a gap: day 33 missing breaks roc_1w (no longer 7 days apart); day 35
     * missing breaks the 7-day volume only */
    struct mt_series g;
    mt_series_init(&g, s.fields);
    for (size_t i = 0; i < s.n; i++) {
        struct mt_candle c;
        mt_series_get(&s, i, &c);
        if (i != 33)
            assert_int_equal(mt_series_append(&g, &c, NULL), 0);
    }
    assert_int_equal(mt_ranks_metrics(&g, MT_TF_1D, t, &m, &err), 0);
    assert_true(isnan(m.roc_1w));
    tu_assert_close(m.roc_1d, 140.0 / 139 - 1, 1e-15);
    tu_assert_close(m.volume_1w, 2660, 1e-9);
    mt_series_release(&g);

    /* without quote volume: volume * close (2 * (134 + ... + 140) = 1918) */
    struct mt_series nq;
    make(&nq, MT_F_OHLCV, T0, D, 41, 100, 1);
    assert_int_equal(mt_ranks_metrics(&nq, MT_TF_1D, t, &m, &err), 0);
    tu_assert_close(m.volume_1w, 1918, 1e-9);
    /* a row whose quote volume is unknown falls back the same way */
    s.quote_volume[40] = NAN;
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1D, t, &m, &err), 0);
    tu_assert_close(m.volume_1w, 2660 - 410 + 280, 1e-9);

    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1W, t, &m, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "1w"));
    mt_series_release(&nq);
    mt_series_release(&s);
}

static void metrics_hourly(void **state)
{
    (void)state;
    struct mt_err err = {0};
    struct mt_series s;
    make(&s, MT_F_OHLCV | MT_F_QUOTE_VOLUME, T0, H, 800, 1000, 1); /* bar i closes at 1000 + i */
    struct mt_ranks_metrics m;
    int64_t t = T0 + 800 * H + 59 * 60000; /* 59 min into bar 800: bar 799 is current */
    assert_int_equal(mt_ranks_metrics(&s, MT_TF_1H, t, &m, &err), 0);
    tu_assert_close(m.roc_1d, 1799.0 / 1775 - 1, 1e-15);   /* 24 bars */
    tu_assert_close(m.roc_1w, 1799.0 / 1631 - 1, 1e-15);   /* 168 bars */
    tu_assert_close(m.roc_1m, 1799.0 / 1079 - 1, 1e-15);   /* 720 bars */
    /* bars 632..799: 10 * (633 + ... + 800) = 10 * 168 * (633 + 800) / 2 */
    tu_assert_close(m.volume_1w, 10.0 * 168 * 1433 / 2, 1e-6);
    mt_series_release(&s);
}

/* Saves daily closes for sym ending with the day that closes at `end`. */
static void save_daily(const char *dir, const char *sym, size_t n, double first, double last,
                       int64_t end)
{
    struct mt_series s;
    make(&s, MT_F_OHLCV | MT_F_QUOTE_VOLUME, end - (int64_t)n * D, D, n, first,
         n > 1 ? (last - first) / (double)(n - 1) : 0);
    struct mt_err err = {0};
    assert_int_equal(mt_store_save(dir, sym, MT_TF_1D, &s, NULL, &err), 0);
    mt_series_release(&s);
}

/* Appends one candle to sym's stored 1d series. */
static void append_candle(const char *dir, const char *sym, const struct mt_candle *c)
{
    struct mt_err err = {0};
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    assert_int_equal(mt_store_load(dir, sym, MT_TF_1D, &s, &err), 0);
    size_t n = s.n;
    assert_int_equal(mt_series_append(&s, c, &err), 0);
    assert_int_equal(mt_store_save(dir, sym, MT_TF_1D, &s, NULL, &err), 0);
    mt_series_release(&s);
    assert_int_equal(mt_store_load(dir, sym, MT_TF_1D, &s, &err), 0);
    assert_int_equal(s.n, n + 1);
    mt_series_release(&s);
}

static void fill_from_store(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    int64_t t = T0 + 40 * D;
    save_daily(dir, "AUSDT", 2, 100, 110, t);     /* roc_1d +10 %, no week */
    save_daily(dir, "BUSDT", 31, 70, 100, t);     /* slope 1: roc_1d 100/99 - 1, roc_1w 100/93 - 1 */
    save_daily(dir, "CUSDT", 31, 190, 160, t);    /* slope -1: roc_1d 160/161 - 1 */
    save_daily(dir, "EUSDT", 2, 50, 55, t);       /* +10 %: ties with A */
    struct mt_market_row rows[5];
    const char *syms[5] = {"AUSDT", "BUSDT", "CUSDT", "DUSDT", "EUSDT"};
    const double qv[5] = {300, 100, 200, 50, NAN};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(mt_market_row_init(&rows[i], t, syms[i], NULL), 0);
        rows[i].quote_volume_24h = qv[i];
        rows[i].spread = 0.001 * i;
    }
    struct mt_ranks_metrics m[5];
    assert_int_equal(mt_ranks_fill(dir, MT_TF_1D, t, rows, 5, m, &err), 0);
    tu_assert_close(m[0].roc_1d, 0.1, 1e-12);
    tu_assert_close(m[1].roc_1w, 100.0 / 93 - 1, 1e-12);
    assert_true(isnan(m[3].roc_1d)); /* DUSDT has no store file */
    /* roc_1d: C < B < A = E -> 0, 1/3, and ranks 3, 4 averaged: (3.5 - 1) / 3 */
    tu_assert_close(rows[0].rank_roc_1d, 2.5 / 3, 1e-15);
    tu_assert_close(rows[4].rank_roc_1d, 2.5 / 3, 1e-15);
    tu_assert_close(rows[1].rank_roc_1d, 1.0 / 3, 1e-12);
    tu_assert_same_double(rows[2].rank_roc_1d, 0.0);
    assert_true(isnan(rows[3].rank_roc_1d));
    /* roc_1w and roc_1m: only B and C have the history */
    tu_assert_same_double(rows[1].rank_roc_1w, 1.0);
    tu_assert_same_double(rows[2].rank_roc_1w, 0.0);
    assert_true(isnan(rows[0].rank_roc_1w) && isnan(rows[4].rank_roc_1w));
    tu_assert_same_double(rows[1].rank_roc_1m, 1.0);
    tu_assert_same_double(rows[2].rank_roc_1m, 0.0);
    /* 24 h volume from the ticker: D 50 < B 100 < C 200 < A 300, E unknown */
    tu_assert_same_double(rows[3].rank_volume_1d, 0.0);
    tu_assert_close(rows[1].rank_volume_1d, 1.0 / 3, 1e-15);
    tu_assert_close(rows[2].rank_volume_1d, 2.0 / 3, 1e-15);
    tu_assert_same_double(rows[0].rank_volume_1d, 1.0);
    assert_true(isnan(rows[4].rank_volume_1d));
    /* 7-day volume from candles: B and C both 10 * (25 + ... + 31): tie at 0.5 */
    tu_assert_close(m[1].volume_1w, 10.0 * (25 + 26 + 27 + 28 + 29 + 30 + 31), 1e-9);
    tu_assert_same_double(rows[1].rank_volume_1w, 0.5);
    tu_assert_same_double(rows[2].rank_volume_1w, 0.5);
    /* the other columns are untouched */
    tu_assert_same_double(rows[2].spread, 0.002);

    /* no look-ahead: candles closing after t (a crash of B, a spike of C, the
     * current day of A) change nothing at t */
    struct mt_market_row before[5];
    memcpy(before, rows, sizeof rows);
    const struct mt_candle crash = {t, 1, 1, 1, 1, 2, 1e15, NAN, NAN, NAN};
    const struct mt_candle spike = {t, 1e6, 1e6, 1e6, 1e6, 1e9, 1e12, NAN, NAN, NAN};
    const struct mt_candle later = {t + D, 1, 1, 1, 1, 2, 1, NAN, NAN, NAN};
    append_candle(dir, "BUSDT", &crash);
    append_candle(dir, "CUSDT", &spike);
    append_candle(dir, "AUSDT", &crash);
    append_candle(dir, "AUSDT", &later);
    assert_int_equal(mt_ranks_fill(dir, MT_TF_1D, t, rows, 5, NULL, &err), 0);
    for (int i = 0; i < 5; i++) {
        tu_assert_same_double(rows[i].rank_roc_1d, before[i].rank_roc_1d);
        tu_assert_same_double(rows[i].rank_roc_1w, before[i].rank_roc_1w);
        tu_assert_same_double(rows[i].rank_roc_1m, before[i].rank_roc_1m);
        tu_assert_same_double(rows[i].rank_volume_1d, before[i].rank_volume_1d);
        tu_assert_same_double(rows[i].rank_volume_1w, before[i].rank_volume_1w);
    }
    /* ...while a day later they do count */
    assert_int_equal(mt_ranks_fill(dir, MT_TF_1D, t + D, rows, 5, m, &err), 0);
    tu_assert_close(m[1].roc_1d, 1.0 / 100 - 1, 1e-12);

    /* a damaged store file fails, naming the symbol */
    char path[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(path, sizeof path, dir, "CUSDT", MT_TF_1D, &err), 0);
    tu_write_file(path, "PAR1", 4);
    assert_int_not_equal(mt_ranks_fill(dir, MT_TF_1D, t, rows, 5, NULL, &err), 0);
    assert_non_null(strstr(err.msg, "CUSDT"));
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percentiles),
        cmocka_unit_test(metrics_daily),
        cmocka_unit_test(metrics_hourly),
        cmocka_unit_test(fill_from_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
