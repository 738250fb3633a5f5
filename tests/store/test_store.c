/* Store files: paths, Parquet round trips, foreign files, atomic writes,
 * merging into the file on disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/series.h"
#include "core/atomic.h"
#include "parquet/parquet.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1704067200000) /* 2024-01-01 00:00 */

static struct mt_candle bar(int64_t t, double p)
{
    struct mt_candle c = {t, p, p + 2, p - 1, p + 1, 10 * p, 100 * p, 7 + floor(p), 3 * p, 30 * p};
    return c;
}

static void make_series(struct mt_series *s, unsigned fields, size_t n, int64_t start)
{
    mt_series_init(s, fields);
    for (size_t i = 0; i < n; i++) {
        struct mt_candle c = bar(start + (int64_t)i * H, 100 + (double)i * 0.25);
        assert_int_equal(mt_series_append(s, &c, NULL), 0);
    }
}

/* Entries of dir other than . and .. */
static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void paths_and_symbols(void **state)
{
    (void)state;
    char buf[MT_STORE_PATH_MAX];
    struct mt_err err = {0};
    assert_int_equal(mt_store_path(buf, sizeof buf, "/data", "BTCUSDT", MT_TF_1H, &err), 0);
    assert_string_equal(buf, "/data/ohlcv/1h/BTCUSDT.parquet");
    assert_int_equal(mt_store_path(buf, sizeof buf, "d", "1000SATSUSDT", MT_TF_1MO, &err), 0);
    assert_string_equal(buf, "d/ohlcv/1M/1000SATSUSDT.parquet");
    assert_int_equal(mt_store_path(buf, sizeof buf, "d", "btcusdt", MT_TF_1H, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'btcusdt'"));
    assert_int_equal(mt_store_path(buf, sizeof buf, "d", "../X", MT_TF_1H, &err), MT_EINVAL);
    assert_int_equal(mt_store_path(buf, sizeof buf, "d", "", MT_TF_1H, &err), MT_EINVAL);
    assert_true(mt_store_symbol_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
    assert_false(mt_store_symbol_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
    assert_int_equal(mt_store_path(buf, 20, "/data", "BTCUSDT", MT_TF_1H, &err), MT_EINVAL);
}

static void round_trip_all_fields_with_nulls(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/a/b/X.parquet", dir);
    struct mt_series s, back;
    make_series(&s, MT_F_ALL, 1000, T0);
    s.quote_volume[3] = NAN;
    s.trades[4] = NAN;
    s.taker_buy_base[999] = NAN;
    s.trades[5] = 123456789012.0;
    s.volume[6] = -0.0;
    struct mt_err err = {0};
    assert_int_equal(mt_store_write_file(path, &s, &err), 0);
    mt_series_init(&back, 0);
    assert_int_equal(mt_store_read_file(path, &back, &err), 0);
    tu_assert_series_same(&s, &back);
    assert_true(signbit(back.volume[6]));

    /* the schema as other tools see it */
    struct mt_pq_reader *r;
    assert_int_equal(mt_pq_reader_open(&r, path, &err), 0);
    assert_int_equal(mt_pq_num_rows(r), 1000);
    assert_int_equal(mt_pq_num_columns(r), 10);
    static const char *names[] = {"open_time", "open", "high", "low", "close", "volume",
                                  "quote_volume", "trades", "taker_buy_base", "taker_buy_quote"};
    for (size_t c = 0; c < 10; c++) {
        const struct mt_pq_column_info *ci = mt_pq_column(r, c);
        assert_string_equal(ci->name, names[c]);
        assert_int_equal(ci->optional, c >= 5);
        assert_int_equal(ci->type, c == 0 || c == 7 ? MT_PQ_INT64 : MT_PQ_DOUBLE);
    }
    assert_int_equal(mt_pq_column(r, 0)->time_unit, MT_PQ_MILLIS);
    assert_string_equal(mt_pq_created_by(r), MT_PQ_CREATED_BY);
    mt_pq_reader_free(r);

    /* OHLCV only: six columns back, the other fields absent */
    mt_series_release(&s);
    make_series(&s, MT_F_OHLCV, 10, T0);
    assert_int_equal(mt_store_write_file(path, &s, &err), 0);
    assert_int_equal(mt_store_read_file(path, &back, &err), 0);
    assert_int_equal(back.fields, MT_F_OHLCV);
    tu_assert_series_same(&s, &back);
    assert_true(isnan(back.trades[0]));

    /* an empty series is a valid file */
    mt_series_release(&s);
    mt_series_init(&s, MT_F_OHLCV);
    assert_int_equal(mt_store_write_file(path, &s, &err), 0);
    assert_int_equal(mt_store_read_file(path, &back, &err), 0);
    assert_int_equal(back.n, 0);
    mt_series_release(&s);
    mt_series_release(&back);
    tu_rmtree(dir);
    free(dir);
}

static void reads_pandas_file(void **state)
{
    (void)state;
    struct mt_series s;
    struct mt_err err = {0};
    mt_series_init(&s, 0);
    int rc = mt_store_read_file(tu_fixture("parquet/pandas_btcusdt_1h_futures.parquet"), &s, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(s.n, 28310);
    assert_int_equal(s.fields, MT_F_OHLCV);
    /* 2023-01-01 00:00: 16537.5, 16540.9, 16504, 16527, 5381.399 (DuckDB reads the same) */
    assert_int_equal(s.open_time[0], INT64_C(1672531200000));
    tu_assert_same_double(s.open[0], 16537.5);
    tu_assert_same_double(s.high[0], 16540.9);
    tu_assert_same_double(s.low[0], 16504.0);
    tu_assert_same_double(s.close[0], 16527.0);
    tu_assert_same_double(s.volume[0], 5381.399);
    assert_int_equal(s.open_time[1], INT64_C(1672534800000));
    assert_int_equal(s.open_time[28309], INT64_C(1774443600000)); /* 2026-03-25 13:00 */
    mt_series_release(&s);
}

/* A foreign file: spoken Binance names, an integer µs time column without a
 * time type, extra columns to ignore, an all-null column. */
static void reads_aliases_and_integer_micros(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/foreign.parquet", dir);
    int64_t ts[3] = {T0 * 1000, (T0 + H) * 1000, (T0 + 2 * H) * 1000};
    double o[3] = {1, 2, 3}, h[3] = {4, 5, 6}, l[3] = {0.5, 1.5, 2.5}, c[3] = {2, 3, 4};
    double v[3] = {10, 20, 30}, q[3] = {100, 200, 300}, tb[3] = {5, 6, 7}, junk[3] = {9, 9, 9};
    int64_t n[3] = {11, 12, 13}, close_time[3] = {0, 0, 0};
    uint8_t none[3] = {0, 0, 0};
    struct mt_pq_column cols[] = {
        {.name = "Open", .type = MT_PQ_DOUBLE, .values = o},
        {.name = "High", .type = MT_PQ_DOUBLE, .values = h},
        {.name = "Low", .type = MT_PQ_DOUBLE, .values = l},
        {.name = "Close", .type = MT_PQ_DOUBLE, .values = c},
        {.name = "Volume", .type = MT_PQ_DOUBLE, .values = v},
        {.name = "close_time", .type = MT_PQ_INT64, .values = close_time},
        {.name = "Quote asset volume", .type = MT_PQ_DOUBLE, .values = q},
        {.name = "count", .type = MT_PQ_DOUBLE, .values = junk},
        {.name = "Number of trades", .type = MT_PQ_INT64, .values = n},
        {.name = "taker_buy_base_asset_volume", .type = MT_PQ_DOUBLE, .values = tb},
        {.name = "taker_buy_quote_asset_volume", .type = MT_PQ_DOUBLE, .optional = true,
         .values = tb, .valid = none},
        {.name = "ignore", .type = MT_PQ_DOUBLE, .values = junk},
        {.name = "timestamp", .type = MT_PQ_INT64, .values = ts},
    };
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct mt_pq_write_opts opts = {.codec = MT_PQ_SNAPPY};
    struct mt_err err = {0};
    assert_int_equal(mt_pq_write(f, &(struct mt_pq_table){.nrows = 3, .ncols = sizeof cols / sizeof cols[0], .cols = cols}, &opts, &err), 0);
    assert_int_equal(fclose(f), 0);

    struct mt_series s;
    mt_series_init(&s, 0);
    assert_int_equal(mt_store_read_file(path, &s, &err), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.fields, MT_F_OHLCV | MT_F_QUOTE_VOLUME | MT_F_TRADES | MT_F_TAKER_BUY_BASE);
    assert_int_equal(s.open_time[0], T0);
    assert_int_equal(s.open_time[2], T0 + 2 * H);
    tu_assert_same_double(s.trades[1], 12.0);
    tu_assert_same_double(s.quote_volume[2], 300.0);
    tu_assert_same_double(s.taker_buy_base[0], 5.0);
    assert_true(isnan(s.taker_buy_quote[0]));

    /* pandas' unnamed DatetimeIndex: any timestamp-typed column will do */
    int64_t ms[3] = {T0, T0 + H, T0 + 2 * H};
    struct mt_pq_column indexed[] = {
        cols[0], cols[1], cols[2], cols[3],
        {.name = "__index_level_0__", .type = MT_PQ_INT64, .time_unit = MT_PQ_MILLIS,
         .values = ms}};
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(mt_pq_write(f, &(struct mt_pq_table){.nrows = 3, .ncols = 5, .cols = indexed}, &opts, &err), 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(mt_store_read_file(path, &s, &err), 0);
    assert_int_equal(s.fields, MT_F_OHLC);
    assert_int_equal(s.open_time[1], T0 + H);

    /* no time column: a clear error */
    struct mt_pq_column only_prices[] = {cols[0], cols[1], cols[2], cols[3]};
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(mt_pq_write(f, &(struct mt_pq_table){.nrows = 3, .ncols = 4, .cols = only_prices}, &opts, &err), 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(mt_store_read_file(path, &s, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "has no time column"));
    mt_series_release(&s);
    tu_rmtree(dir);
    free(dir);
}

struct failing_fill {
    const char *text;
};

static int fill_then_fail(FILE *f, void *ctx, struct mt_err *err)
{
    const struct failing_fill *ff = ctx;
    fputs(ff->text, f);
    return mt_err_set(err, MT_EIO, "disk full (simulated)");
}

static int fill_text(FILE *f, void *ctx, struct mt_err *err)
{
    (void)err;
    const struct failing_fill *ff = ctx;
    return fputs(ff->text, f) < 0 ? MT_EIO : MT_OK;
}

static void atomic_write_failure_keeps_old_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/f.txt", dir);
    struct failing_fill old = {"old content"}, fresh = {"new content that fails"};
    size_t bytes = 0;
    struct mt_err err = {0};
    assert_int_equal(mt_atomic_write(path, fill_text, &old, &bytes, &err), 0);
    assert_int_equal(bytes, 11);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(mt_atomic_write(path, fill_then_fail, &fresh, &bytes, &err), MT_EIO);
    char want[MT_STORE_PATH_MAX + 100];
    snprintf(want, sizeof want, "cannot write %s: disk full (simulated); the old file is untouched",
             path);
    assert_string_equal(err.msg, want);
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_string_equal(text, "old content");
    free(text);
    assert_int_equal(count_entries(dir), 1); /* the temp file is gone */
    /* a successful rewrite keeps the mode of the file it replaces */
    assert_int_equal(mt_atomic_write(path, fill_text, &fresh, &bytes, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(count_entries(dir), 1);
    /* a folder in the way of the path */
    char sub[MT_STORE_PATH_MAX];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mt_atomic_write(sub, fill_text, &fresh, &bytes, &err), MT_EIO);
    assert_int_equal(count_entries(sub), 0);
    assert_int_equal(count_entries(dir), 2);
    tu_rmtree(dir);
    free(dir);
}

/* What a forked writer reports: its return code and message. */
struct write_outcome {
    int rc;
    char msg[MT_ERR_MSG_MAX];
};

#define FSIZE_LIMIT 16384

/* In a child whose files may not grow past FSIZE_LIMIT (SIGXFSZ ignored, so
 * writes fail with EFBIG as on a full disk), saves 20000 candles as BTCUSDT
 * (stored already) and ETHUSDT (not stored) and reports both outcomes. */
static void save_beyond_size_limit(const char *dir, int out)
{
    struct rlimit lim = {FSIZE_LIMIT, FSIZE_LIMIT};
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &lim) != 0)
        _exit(2);
    struct mt_series big;
    make_series(&big, MT_F_ALL, 20000, T0);
    const char *symbols[] = {"BTCUSDT", "ETHUSDT"};
    for (size_t i = 0; i < 2; i++) {
        struct write_outcome o = {0};
        struct mt_err err = {0};
        o.rc = mt_store_save(dir, symbols[i], MT_TF_1H, &big, NULL, &err);
        memcpy(o.msg, err.msg, sizeof o.msg);
        if (write(out, &o, sizeof o) != (ssize_t)sizeof o)
            _exit(3);
    }
    mt_series_release(&big);
    _exit(0);
}

static void full_disk_names_the_file_and_keeps_the_old_one(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_series s;
    struct mt_err err = {0};
    make_series(&s, MT_F_ALL, 10, T0);
    assert_int_equal(mt_store_save(dir, "BTCUSDT", MT_TF_1H, &s, NULL, &err), 0);
    mt_series_release(&s);
    char path[MT_STORE_PATH_MAX], eth[MT_STORE_PATH_MAX], folder[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(path, sizeof path, dir, "BTCUSDT", MT_TF_1H, &err), 0);
    assert_int_equal(mt_store_path(eth, sizeof eth, dir, "ETHUSDT", MT_TF_1H, &err), 0);
    snprintf(folder, sizeof folder, "%s/ohlcv/1h", dir);
    size_t old_len, len;
    char *old = tu_read_file(path, &old_len);
    assert_true(old_len < FSIZE_LIMIT);

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        save_beyond_size_limit(dir, fds[1]);
    close(fds[1]);
    struct write_outcome btc, ethusdt;
    assert_int_equal(read(fds[0], &btc, sizeof btc), sizeof btc);
    assert_int_equal(read(fds[0], &ethusdt, sizeof ethusdt), sizeof ethusdt);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    char want[2 * MT_STORE_PATH_MAX];
    assert_int_equal(btc.rc, MT_EIO);
    snprintf(want, sizeof want, "cannot write %s: cannot write parquet data: %s; the old file is "
             "untouched", path, strerror(EFBIG));
    assert_string_equal(btc.msg, want);
    char *now = tu_read_file(path, &len);
    assert_int_equal(len, old_len);
    assert_memory_equal(now, old, len);
    free(now);
    free(old);

    assert_int_equal(ethusdt.rc, MT_EIO);
    snprintf(want, sizeof want, "cannot write %s: cannot write parquet data: %s; no file was "
             "created", eth, strerror(EFBIG));
    assert_string_equal(ethusdt.msg, want);
    struct stat st;
    assert_int_equal(stat(eth, &st), -1);
    /* only the old file is left: no temp file */
    assert_int_equal(count_entries(folder), 1);
    tu_rmtree(dir);
    free(dir);
}

static void atomic_write_removes_stale_temps(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[MT_STORE_PATH_MAX], stale[MT_STORE_PATH_MAX], fresh_tmp[MT_STORE_PATH_MAX],
        other[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/f.txt", dir);
    snprintf(stale, sizeof stale, "%s/.f.txt" MT_ATOMIC_TMP_INFIX "AAAAAA", dir);
    snprintf(fresh_tmp, sizeof fresh_tmp, "%s/.f.txt" MT_ATOMIC_TMP_INFIX "BBBBBB", dir);
    snprintf(other, sizeof other, "%s/.g.txt" MT_ATOMIC_TMP_INFIX "CCCCCC", dir);
    tu_write_file(stale, "killed writer", 13);
    tu_write_file(fresh_tmp, "live writer", 11);
    tu_write_file(other, "another file's writer", 21);
    /* age the killed writer's file and the other target's file past the limit */
    struct timespec old[2] = {{.tv_sec = time(NULL) - MT_ATOMIC_STALE_SECONDS - 5},
                              {.tv_sec = time(NULL) - MT_ATOMIC_STALE_SECONDS - 5}};
    assert_int_equal(utimensat(AT_FDCWD, stale, old, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, other, old, 0), 0);
    struct failing_fill text = {"content"};
    assert_int_equal(mt_atomic_write(path, fill_text, &text, NULL, NULL), 0);
    struct stat st;
    assert_int_equal(stat(stale, &st), -1);    /* removed */
    assert_int_equal(stat(fresh_tmp, &st), 0); /* a writer may still be busy with it */
    assert_int_equal(stat(other, &st), 0);     /* belongs to another target */
    assert_int_equal(count_entries(dir), 3);
    tu_rmtree(dir);
    free(dir);
}

static void merge_into_store_files(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_series add, back;
    struct mt_merge_report rep;
    struct mt_err err = {0};
    mt_series_init(&back, 0);
    assert_int_equal(mt_store_load(dir, "BTCUSDT", MT_TF_1H, &back, &err), MT_ENOENT);
    assert_non_null(strstr(err.msg, "BTCUSDT 1h"));

    make_series(&add, MT_F_ALL, 48, T0);
    assert_int_equal(mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &add, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(rep.added, 48);
    assert_int_equal(rep.rows_before, 0);
    assert_true(rep.bytes_written > 0);
    char path[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(path, sizeof path, dir, "BTCUSDT", MT_TF_1H, &err), 0);
    struct stat st1, st2;
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal((size_t)st1.st_size, rep.bytes_written);

    /* the same data again: nothing changes, nothing is written */
    assert_int_equal(mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &add, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(rep.identical, 48);
    assert_int_equal(rep.bytes_written, 0);
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);

    /* one new candle after a replaced one */
    mt_series_release(&add);
    make_series(&add, MT_F_ALL, 2, T0 + 47 * H);
    add.close[0] = 1.0;
    assert_int_equal(mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &add, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.replaced, 1);
    assert_int_equal(rep.first_replaced, T0 + 47 * H);
    assert_int_equal(rep.rows_after, 49);
    assert_int_equal(mt_store_load(dir, "BTCUSDT", MT_TF_1H, &back, &err), 0);
    assert_int_equal(back.n, 49);
    tu_assert_same_double(back.close[47], 1.0);
    assert_int_equal(back.open_time[48], T0 + 48 * H);

    /* off the grid: rejected naming the series, file untouched */
    add.open_time[1] = T0 + 60 * H + 60000;
    assert_int_equal(mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &add, MT_MERGE_NEWER_WINS, &rep, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "BTCUSDT 1h: open time 2024-01-03 12:01"));
    assert_int_equal(mt_store_load(dir, "BTCUSDT", MT_TF_1H, &back, &err), 0);
    assert_int_equal(back.n, 49);

    /* a corrupt stored file is an error, never silently replaced */
    tu_write_file(path, "PAR1 not really", 15);
    assert_int_not_equal(mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &add, MT_MERGE_NEWER_WINS, &rep, &err), 0);
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_int_equal(len, 15);
    free(text);
    mt_series_release(&add);
    mt_series_release(&back);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_and_symbols),
        cmocka_unit_test(round_trip_all_fields_with_nulls),
        cmocka_unit_test(reads_pandas_file),
        cmocka_unit_test(reads_aliases_and_integer_micros),
        cmocka_unit_test(atomic_write_failure_keeps_old_file),
        cmocka_unit_test(full_disk_names_the_file_and_keeps_the_old_one),
        cmocka_unit_test(atomic_write_removes_stale_temps),
        cmocka_unit_test(merge_into_store_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
