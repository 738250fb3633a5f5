/* Merging one new candle into a 4-year 1h store file (35,040 rows), the common
 * case of an incremental download: load + merge + atomic rewrite. Prints
 * figures (median of RUNS); never passes or fails on time.
 *
 * Usage: bench_store_merge [OHLCV file (.csv/.zip/.parquet) to use instead of
 * the synthetic series] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/series.h"
#include "store/import.h"
#include "store/store.h"

#define RUNS 21
#define ROWS 35040
#define H INT64_C(3600000)
#define T0 INT64_C(1577836800000) /* 2020-01-01 00:00 UTC */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static double round_to(double x, double step)
{
    return round(x / step) * step;
}

/* A random walk with Binance-like decimals: prices to 0.01, volumes to 1e-5. */
static int synthetic(struct mt_series *s, struct mt_err *err)
{
    mt_series_init(s, MT_F_ALL);
    int rc = mt_series_reserve(s, ROWS, err);
    uint64_t x = 88172645463325252ULL;
    double price = 7200.0;
    for (size_t i = 0; rc == 0 && i < ROWS; i++) {
        double r[4];
        for (int k = 0; k < 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            r[k] = (double)(x >> 11) / 9007199254740992.0;
        }
        double open = round_to(price, 0.01);
        double close = round_to(open * (1.0 + (r[0] - 0.5) * 0.02), 0.01);
        double high = round_to(fmax(open, close) * (1.0 + r[1] * 0.005), 0.01);
        double low = round_to(fmin(open, close) * (1.0 - r[2] * 0.005), 0.01);
        double volume = round_to(500.0 + r[3] * 3000.0, 1e-5);
        double quote = round_to(volume * (open + close) / 2.0, 1e-8);
        struct mt_candle c = {T0 + (int64_t)i * H, open, high, low, close, volume, quote,
                              round(volume * 40.0), round_to(volume * 0.5, 1e-5),
                              round_to(quote * 0.5, 1e-8)};
        rc = mt_series_append(s, &c, err);
        price = close;
    }
    return rc;
}

static void cleanup(const char *dir, const char *path, enum mt_tf tf)
{
    char sub[4200];
    unlink(path);
    snprintf(sub, sizeof sub, "%s/ohlcv/%s", dir, mt_tf_name(tf));
    rmdir(sub);
    snprintf(sub, sizeof sub, "%s/ohlcv", dir);
    rmdir(sub);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    struct mt_err err = {0};
    struct mt_series s;
    enum mt_tf tf = MT_TF_1H;
    const char *what = "synthetic BTCUSDT 1h, all 10 columns";
    int rc;
    if (argc > 1) {
        struct mt_import_file f;
        mt_import_file_init(&f);
        rc = mt_import_read(argv[1], NULL, &f, &err);
        if (rc) {
            fprintf(stderr, "bench_store_merge: %s\n", err.msg);
            return 1;
        }
        s = f.series;
        tf = f.tf;
        what = argv[1];
        mt_series_init(&f.series, 0); /* ownership moved to s */
        mt_import_file_release(&f);
    } else {
        rc = synthetic(&s, &err);
    }
    struct mt_merge_report rep;
    struct mt_series sorted;
    mt_series_init(&sorted, s.fields);
    if (!rc)
        rc = mt_store_merge_series(&sorted, &s, tf, MT_MERGE_NEWER_WINS, &rep, &err); /* sort and deduplicate */
    mt_series_release(&s);
    if (rc || sorted.n == 0) {
        fprintf(stderr, "bench_store_merge: %s\n", rc ? err.msg : "no rows");
        return 1;
    }

    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[MT_STORE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/mt-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    mt_store_path(path, sizeof path, dir, "BTCUSDT", tf, NULL);
    size_t initial = 0;
    double t = now_ms();
    rc = mt_store_save(dir, "BTCUSDT", tf, &sorted, &initial, &err);
    double first_write = now_ms() - t;
    if (rc) {
        fprintf(stderr, "bench_store_merge: %s\n", err.msg);
        cleanup(dir, path, tf);
        return 1;
    }
    printf("series: %zu rows (%s), store file %zu bytes (%.1f bytes/row), first write %.2f ms\n",
           sorted.n, what, initial, (double)initial / (double)sorted.n, first_write);

    double total[RUNS], load[RUNS], merge[RUNS], save[RUNS];
    size_t bytes = 0;
    struct mt_series one, loaded;
    mt_series_init(&loaded, 0);
    for (int r = 0; r < RUNS && !rc; r++) {
        int64_t last = sorted.open_time[sorted.n - 1];
        struct mt_candle c;
        mt_series_get(&sorted, sorted.n - 1, &c);
        c.open_time = mt_tf_next(tf, last);
        mt_series_init(&one, sorted.fields);
        rc = mt_series_append(&one, &c, &err);
        /* the whole operation, as a downloader calls it */
        t = now_ms();
        if (!rc)
            rc = mt_store_merge(dir, "BTCUSDT", tf, &one, MT_MERGE_NEWER_WINS, &rep, &err);
        total[r] = now_ms() - t;
        bytes = rep.bytes_written;
        /* its phases, measured on the same file */
        t = now_ms();
        if (!rc)
            rc = mt_store_load(dir, "BTCUSDT", tf, &loaded, &err);
        load[r] = now_ms() - t;
        c.open_time = mt_tf_next(tf, c.open_time);
        mt_series_release(&one);
        mt_series_init(&one, sorted.fields);
        if (!rc)
            rc = mt_series_append(&one, &c, &err);
        t = now_ms();
        if (!rc)
            rc = mt_store_merge_series(&loaded, &one, tf, MT_MERGE_NEWER_WINS, &rep, &err);
        merge[r] = now_ms() - t;
        t = now_ms();
        if (!rc)
            rc = mt_store_save(dir, "BTCUSDT", tf, &loaded, NULL, &err);
        save[r] = now_ms() - t;
        mt_series_release(&one);
        if (!rc)
            rc = mt_series_slice(&sorted, &loaded, 0, loaded.n, &err);
    }
    if (rc) {
        fprintf(stderr, "bench_store_merge: %s\n", err.msg);
    } else {
        double load_ms = median(load, RUNS);
        printf("merge 1 candle into the file (load + merge + atomic write), median of %d: "
               "%.3f ms, %zu bytes written\n",
               RUNS, median(total, RUNS), bytes);
        printf("  load (read + decode):            %.3f ms (%.2f M rows/s)\n", load_ms,
               (double)loaded.n / load_ms / 1e3);
        printf("  merge in memory:                 %.4f ms\n", median(merge, RUNS));
        printf("  save (encode + fsync + rename):  %.3f ms\n", median(save, RUNS));
    }
    mt_series_release(&loaded);
    mt_series_release(&sorted);
    cleanup(dir, path, tf);
    return rc ? 1 : 0;
}
