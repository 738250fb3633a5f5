/* Feature matrix throughput: the default feature set (or --set FILE) over one
 * series on one core: bars/s and features x bars/s (best of ROUNDS), and the
 * live path: µs to update every feature for one new bar. Prints figures;
 * never passes or fails on time.
 *
 * Usage: bench_features CSV [SET.json]
 *   CSV: open_time,open,high,low,close,volume (e.g. ../shared/data/ohlcv/csv/
 *   BTCUSDT-1h.csv of the reference data set, not shipped:
 *   tests/fixtures/ohlcv/README.md). Trades and taker buy volume are derived as
 *   bench/features_pandas.py derives them (trades = floor(10 volume) + 1,
 *   taker buy base = volume / 2, taker buy quote = that x close), so both
 *   compute from the same inputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "features/featureset.h"
#include "store/import.h"

#define ROUNDS 5
#define LIVE_BARS 2000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads the CSV and adds the derived fields. */
static int load(const char *path, struct mt_series *s, enum mt_tf *tf, struct mt_err *err)
{
    struct mt_import_file f;
    mt_import_file_init(&f);
    int rc = mt_import_read(path, NULL, &f, err);
    if (rc) {
        mt_import_file_release(&f);
        return rc;
    }
    *tf = f.tf;
    mt_series_init(s, MT_F_ALL);
    rc = mt_series_reserve(s, f.series.n, err);
    for (size_t i = 0; rc == 0 && i < f.series.n; i++) {
        struct mt_candle c;
        mt_series_get(&f.series, i, &c);
        c.trades = floor(c.volume * 10.0) + 1.0;
        c.taker_buy_base = c.volume * 0.5;
        c.quote_volume = c.volume * c.close;
        c.taker_buy_quote = c.taker_buy_base * c.close;
        rc = mt_series_append(s, &c, err);
    }
    mt_import_file_release(&f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_features CSV [SET.json]\n");
        return 2;
    }
    struct mt_err err = {0};
    struct mt_series s;
    enum mt_tf tf;
    struct mt_fset fs;
    if (load(argv[1], &s, &tf, &err) || (argc > 2 ? mt_fset_load(argv[2], &fs, &err) : mt_fset_default(&fs, &err))) {
        fprintf(stderr, "bench_features: %s\n", err.msg);
        return 1;
    }
    if (tf == MT_TF_COUNT)
        tf = MT_TF_1H;
    struct mt_features f;
    struct mt_fmatrix m;
    if (mt_features_init(&f, &fs, tf, &err)) {
        fprintf(stderr, "bench_features: %s\n", err.msg);
        return 1;
    }
    double best = -1;
    for (int r = 0; r < ROUNDS; r++) {
        double t = now_s();
        if (mt_features_batch(&f, &s, &m, &err)) {
            fprintf(stderr, "bench_features: %s\n", err.msg);
            return 1;
        }
        t = now_s() - t;
        if (r < ROUNDS - 1)
            mt_fmatrix_release(&m);
        if (best < 0 || t < best)
            best = t;
    }
    size_t nan_cols = 0;
    for (size_t c = 0; c < m.cols; c++)
        nan_cols += isnan(m.v[c * m.rows + m.rows - 1]) != 0;
    printf("feature matrix: %zu bars x %zu features (%zu items), best of %d\n", m.rows, m.cols, fs.n, ROUNDS);
    printf("  batch: %.1f ms, %.0f bars/s, %.3g features x bars/s\n", best * 1e3, (double)m.rows / best,
           (double)m.rows * (double)m.cols / best);
    if (nan_cols)
        printf("  (%zu columns are NaN at the last bar)\n", nan_cols);

    /* Live: states after all but the last LIVE_BARS bars, then one bar at a time. */
    size_t live = s.n > LIVE_BARS * 2 ? LIVE_BARS : s.n / 2;
    struct mt_series head = s;
    head.n = s.n - live;
    struct mt_fmatrix hm;
    float *rows = malloc(live * m.cols * sizeof *rows);
    if (!rows || mt_features_batch(&f, &head, &hm, &err)) {
        fprintf(stderr, "bench_features: %s\n", rows ? err.msg : "out of memory");
        return 1;
    }
    mt_fmatrix_release(&hm);
    double t = now_s();
    for (size_t i = head.n; i < s.n; i++) {
        if (mt_features_update(&f, &s, i, rows + (i - head.n) * m.cols, &err)) {
            fprintf(stderr, "bench_features: %s\n", err.msg);
            return 1;
        }
    }
    t = now_s() - t;
    size_t mismatches = 0;
    for (size_t i = head.n; i < s.n; i++)
        for (size_t c = 0; c < m.cols; c++) {
            float got = rows[(i - head.n) * m.cols + c], want = m.v[c * m.rows + i];
            mismatches += !(got == want || (isnan(got) && isnan(want)));
        }
    printf("  live: %.1f us per bar for all %zu features (%zu bars; rows equal to the batch: %s)\n",
           t / (double)live * 1e6, m.cols, live, mismatches ? "NO" : "yes");
    printf("result bars_per_s=%.0f features=%zu values_per_s=%.0f live_us=%.2f\n", (double)m.rows / best, m.cols,
           (double)m.rows * (double)m.cols / best, t / (double)live * 1e6);
    free(rows);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_fset_release(&fs);
    mt_series_release(&s);
    return mismatches ? 1 : 0;
}
