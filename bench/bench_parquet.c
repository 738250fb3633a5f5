/* Parquet benchmark of mtrader's codec: write and read throughput, peak RSS.
 * Prints figures only (key=value lines for bench/run-parquet-bench.sh), never
 * fails on time.
 *
 *   bench_parquet write OUT --codec snappy|zstd|none (--csv FILE | --rows N)
 *                 [--runs R] [--seed S]
 *       Builds a 10-column Binance-kline table in memory (open_time ms
 *       timestamp, open, high, low, close, volume, quote_volume, trades int64,
 *       taker_buy_base, taker_buy_quote). With --csv the first six columns come
 *       from an `open_time,open,high,low,close,volume` CSV and the other four
 *       are derived deterministically; with --rows they come from a seeded
 *       random walk of 1m candles. Writes OUT R times (fopen + mt_pq_write +
 *       fclose) and reports the best run.
 *
 *   bench_parquet read FILE [--runs R]
 *       Times mt_pq_reader_open + reading every column (timestamps through
 *       mt_pq_read_time_ms, other integers mt_pq_read_int64, floating point
 *       mt_pq_read_double, strings mt_pq_read_strings) + free, best of R.
 *
 * Output: `key=value` pairs on one line starting with "result". */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "core/error.h"
#include "parquet/parquet.h"

#define BENCH_MAX_ROWS ((size_t)50000000)
#define BENCH_NCOLS 10

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int parse_count(const char *s, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || v == 0 || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* ----------------------------------------------------------------- table ---- */

struct klines {
    size_t n;
    int64_t *open_time, *trades;
    double *open, *high, *low, *close, *volume, *quote_volume, *taker_buy_base,
        *taker_buy_quote;
};

static void klines_release(struct klines *k)
{
    free(k->open_time);
    free(k->trades);
    free(k->open);
    free(k->high);
    free(k->low);
    free(k->close);
    free(k->volume);
    free(k->quote_volume);
    free(k->taker_buy_base);
    free(k->taker_buy_quote);
    memset(k, 0, sizeof *k);
}

/* Grows (or first allocates) every column to n rows; on failure the columns
 * already grown keep their content and klines_release frees them. */
_Static_assert(sizeof(int64_t) == sizeof(double), "columns share one element size");

static int klines_resize(struct klines *k, size_t n)
{
    void **cols[] = {(void **)&k->open_time, (void **)&k->trades, (void **)&k->open,
                     (void **)&k->high, (void **)&k->low, (void **)&k->close,
                     (void **)&k->volume, (void **)&k->quote_volume,
                     (void **)&k->taker_buy_base, (void **)&k->taker_buy_quote};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        void *p = realloc(*cols[i], n * sizeof(double));
        if (!p)
            return -1;
        *cols[i] = p;
    }
    return 0;
}

/* splitmix64: small, seedable, good enough for synthetic prices. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_uniform(uint64_t *s)
{
    return ((double)(rng_next(s) >> 11) + 0.5) * 0x1.0p-53;
}

static double rng_normal(uint64_t *s)
{
    double u = rng_uniform(s), v = rng_uniform(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double round_to(double x, double scale)
{
    return round(x * scale) / scale;
}

/* Quote volume, trade count and taker volumes derived from OHLCV (CSV input). */
static void derive_extra(struct klines *k, size_t i, uint64_t *rng)
{
    double typical = (k->high[i] + k->low[i] + k->close[i]) / 3.0;
    double taker = 0.35 + 0.3 * rng_uniform(rng);
    k->quote_volume[i] = round_to(k->volume[i] * typical, 1e4);
    k->trades[i] = (int64_t)(k->volume[i] * 9.7) + (int64_t)(rng_next(rng) % 500);
    k->taker_buy_base[i] = round_to(k->volume[i] * taker, 1e5);
    k->taker_buy_quote[i] = round_to(k->taker_buy_base[i] * typical, 1e4);
}

static int klines_synth(struct klines *k, size_t n, uint64_t seed)
{
    if (klines_resize(k, n))
        return -1;
    k->n = n;
    uint64_t rng = seed;
    double price = 30000.0;
    for (size_t i = 0; i < n; i++) {
        double open = price;
        double close = round_to(open * exp(0.0012 * rng_normal(&rng)), 100.0);
        if (close <= 0.01)
            close = 0.01;
        double hi = fmax(open, close) * (1.0 + 0.0008 * fabs(rng_normal(&rng)));
        double lo = fmin(open, close) * (1.0 - 0.0008 * fabs(rng_normal(&rng)));
        k->open_time[i] = (int64_t)1577836800000 + (int64_t)i * 60000;
        k->open[i] = open;
        k->close[i] = close;
        k->high[i] = round_to(hi, 100.0);
        k->low[i] = round_to(lo, 100.0);
        k->volume[i] = round_to(exp(2.5 + 0.8 * rng_normal(&rng)), 1e5);
        derive_extra(k, i, &rng);
        price = close;
    }
    return 0;
}

static int klines_csv(struct klines *k, const char *path, uint64_t seed)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_parquet: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, rows_cap = 0;
    ssize_t len;
    int rc = 0;
    uint64_t rng = seed;
    size_t lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (lineno == 1)
            continue; /* header */
        if (k->n == rows_cap) {
            size_t nc = rows_cap ? rows_cap * 2 : 65536;
            if (nc > BENCH_MAX_ROWS || klines_resize(k, nc)) {
                fprintf(stderr, "bench_parquet: %s: more than %zu rows or out of memory\n",
                        path, BENCH_MAX_ROWS);
                rc = -1;
                break;
            }
            rows_cap = nc;
        }
        char *p = line, *end;
        errno = 0;
        long long t = strtoll(p, &end, 10);
        double v[5];
        int bad = errno || end == p || *end != ',';
        for (int j = 0; j < 5 && !bad; j++) {
            p = end + 1;
            v[j] = strtod(p, &end);
            bad = end == p || (j < 4 ? *end != ',' : (*end != '\n' && *end != '\0'));
        }
        if (bad) {
            fprintf(stderr, "bench_parquet: %s line %zu: expected open_time,o,h,l,c,v\n", path,
                    lineno);
            rc = -1;
            break;
        }
        size_t i = k->n++;
        k->open_time[i] = (int64_t)t;
        k->open[i] = v[0];
        k->high[i] = v[1];
        k->low[i] = v[2];
        k->close[i] = v[3];
        k->volume[i] = v[4];
        derive_extra(k, i, &rng);
    }
    free(line);
    fclose(f);
    if (rc == 0 && k->n == 0) {
        fprintf(stderr, "bench_parquet: %s: no rows\n", path);
        rc = -1;
    }
    return rc;
}

/* ----------------------------------------------------------------- write ---- */

static int cmd_write(int argc, char **argv)
{
    const char *out = argv[2], *csv = NULL;
    size_t rows = 0, runs = 3;
    uint64_t seed = 42;
    struct mt_pq_write_opts opts = {.statistics = true};
    const char *codec = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        size_t sz;
        if (strcmp(o, "--codec") == 0) {
            codec = v;
            if (strcmp(v, "snappy") == 0)
                opts.codec = MT_PQ_SNAPPY;
            else if (strcmp(v, "zstd") == 0)
                opts.codec = MT_PQ_ZSTD;
            else if (strcmp(v, "none") == 0)
                opts.codec = MT_PQ_UNCOMPRESSED;
            else
                return 2;
        } else if (strcmp(o, "--csv") == 0) {
            csv = v;
        } else if (strcmp(o, "--rows") == 0 && parse_count(v, BENCH_MAX_ROWS, &rows) == 0) {
        } else if (strcmp(o, "--runs") == 0 && parse_count(v, 1000, &runs) == 0) {
        } else if (strcmp(o, "--seed") == 0 && parse_count(v, SIZE_MAX, &sz) == 0) {
            seed = (uint64_t)sz;
        } else {
            return 2;
        }
    }
    if (!codec || (!csv) == (rows == 0) || (argc - 3) % 2)
        return 2;

    struct klines k = {0};
    if (csv ? klines_csv(&k, csv, seed) : klines_synth(&k, rows, seed)) {
        klines_release(&k);
        fputs("bench_parquet: cannot build the table\n", stderr);
        return 1;
    }
    const struct mt_pq_column cols[BENCH_NCOLS] = {
        {"open_time", MT_PQ_INT64, MT_PQ_MILLIS, false, k.open_time, NULL},
        {"open", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.open, NULL},
        {"high", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.high, NULL},
        {"low", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.low, NULL},
        {"close", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.close, NULL},
        {"volume", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.volume, NULL},
        {"quote_volume", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.quote_volume, NULL},
        {"trades", MT_PQ_INT64, MT_PQ_NOT_TIME, false, k.trades, NULL},
        {"taker_buy_base", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.taker_buy_base, NULL},
        {"taker_buy_quote", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, k.taker_buy_quote, NULL},
    };
    double best = INFINITY;
    struct mt_err err = {0};
    int rc = 0;
    for (size_t r = 0; r < runs && rc == 0; r++) {
        double t0 = now_s();
        FILE *f = fopen(out, "wb");
        if (!f) {
            fprintf(stderr, "bench_parquet: %s: %s\n", out, strerror(errno));
            rc = 1;
            break;
        }
        rc = mt_pq_write(f, &(struct mt_pq_table){.nrows = k.n, .ncols = BENCH_NCOLS, .cols = cols}, &opts, &err);
        if (fclose(f) != 0 && rc == 0)
            rc = mt_err_set(&err, MT_EIO, "%s: close failed", out);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    if (rc) {
        fprintf(stderr, "bench_parquet: write %s: %s\n", out, err.msg);
        klines_release(&k);
        return 1;
    }
    long long fsz = file_size(out);
    double decoded = (double)k.n * BENCH_NCOLS * 8.0;
    printf("result op=write codec=%s rows=%zu runs=%zu best_s=%.6f rows_per_s=%.0f "
           "file_bytes=%lld file_mb_per_s=%.1f decoded_mb_per_s=%.1f peak_rss_kb=%ld\n",
           codec, k.n, runs, best, (double)k.n / best, fsz, (double)fsz / best / 1e6,
           decoded / best / 1e6, peak_rss_kb());
    klines_release(&k);
    return 0;
}

/* ------------------------------------------------------------------ read ---- */

/* Opens the file and reads every column into fresh buffers, all held at once
 * (the whole table materialised, as DuckDB's side does), then frees them.
 * Sets the decoded bytes and a checksum; returns 0 or a negative code. */
static int read_all(const char *path, double *decoded, double *checksum, size_t *rows,
                    struct mt_err *err)
{
    struct mt_pq_reader *r = NULL;
    int rc = mt_pq_reader_open(&r, path, err);
    if (rc)
        return rc;
    size_t n = mt_pq_num_rows(r), nc = mt_pq_num_columns(r);
    size_t cnt = n ? n : 1;
    *rows = n;
    *decoded = 0;
    void **bufs = calloc(nc ? nc : 1, sizeof *bufs);
    uint8_t **valid = calloc(nc ? nc : 1, sizeof *valid);
    struct mt_pq_strings *strs = calloc(nc ? nc : 1, sizeof *strs);
    if (!bufs || !valid || !strs) {
        rc = mt_err_set(err, MT_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    for (size_t j = 0; j < nc && rc == 0; j++) {
        const struct mt_pq_column_info *ci = mt_pq_column(r, j);
        valid[j] = malloc(cnt);
        if (!valid[j]) {
            rc = mt_err_set(err, MT_ENOMEM, "%s: out of memory", path);
        } else if (ci->type == MT_PQ_BYTE_ARRAY) {
            rc = mt_pq_read_strings(r, j, &strs[j], valid[j], err);
            if (rc == 0) {
                *decoded += (double)(strs[j].offsets[n] + (n + 1) * sizeof(size_t));
                *checksum += (double)strs[j].offsets[n];
            }
        } else if (ci->type == MT_PQ_DOUBLE || ci->type == MT_PQ_FLOAT) {
            double *d = malloc(cnt * sizeof *d);
            bufs[j] = d;
            rc = d ? mt_pq_read_double(r, j, d, valid[j], err)
                   : mt_err_set(err, MT_ENOMEM, "%s: out of memory", path);
            if (rc == 0 && n) {
                *checksum += d[n / 2];
                *decoded += (double)(n * sizeof *d);
            }
        } else {
            int64_t *v = malloc(cnt * sizeof *v);
            bufs[j] = v;
            bool is_time = ci->time_unit != MT_PQ_NOT_TIME || ci->type == MT_PQ_INT96;
            rc = !v ? mt_err_set(err, MT_ENOMEM, "%s: out of memory", path)
                 : is_time ? mt_pq_read_time_ms(r, j, v, valid[j], err)
                           : mt_pq_read_int64(r, j, v, valid[j], err);
            if (rc == 0 && n) {
                *checksum += (double)v[n / 2];
                *decoded += (double)(n * sizeof *v);
            }
        }
    }
fail:
    for (size_t j = 0; j < nc; j++) {
        if (bufs)
            free(bufs[j]);
        if (valid)
            free(valid[j]);
        if (strs)
            mt_pq_strings_release(&strs[j]);
    }
    free(bufs);
    free(valid);
    free(strs);
    mt_pq_reader_free(r);
    return rc;
}

static int cmd_read(int argc, char **argv)
{
    const char *path = argv[2];
    size_t runs = 5;
    if (argc == 5 && strcmp(argv[3], "--runs") == 0) {
        if (parse_count(argv[4], 1000, &runs))
            return 2;
    } else if (argc != 3) {
        return 2;
    }
    double best = INFINITY, decoded = 0, checksum = 0;
    size_t rows = 0;
    struct mt_err err = {0};
    for (size_t r = 0; r < runs; r++) {
        double t0 = now_s();
        checksum = 0;
        int rc = read_all(path, &decoded, &checksum, &rows, &err);
        double dt = now_s() - t0;
        if (rc) {
            fprintf(stderr, "bench_parquet: read %s: %s\n", path, err.msg);
            return 1;
        }
        if (dt < best)
            best = dt;
    }
    long long fsz = file_size(path);
    printf("result op=read rows=%zu runs=%zu best_s=%.6f rows_per_s=%.0f file_bytes=%lld "
           "file_mb_per_s=%.1f decoded_mb_per_s=%.1f peak_rss_kb=%ld checksum=%.17g\n",
           rows, runs, best, (double)rows / best, fsz, (double)fsz / best / 1e6,
           decoded / best / 1e6, peak_rss_kb(), checksum);
    return 0;
}

static int usage(void)
{
    fputs("usage: bench_parquet write OUT --codec snappy|zstd|none (--csv FILE | --rows N)\n"
          "                     [--runs R] [--seed S]\n"
          "       bench_parquet read FILE [--runs R]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 3 && strcmp(argv[1], "write") == 0)
        rc = cmd_write(argc, argv);
    else if (argc >= 3 && strcmp(argv[1], "read") == 0)
        rc = cmd_read(argc, argv);
    return rc == 2 ? usage() : rc;
}
