/* Market history store: spreads, month files, append idempotence, loads,
 * atomic rewrites and damaged files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/market.h"
#include "parquet/parquet.h"
#include "testutil.h"

#define MIN INT64_C(60000)
#define JAN1 INT64_C(1704067200000)  /* 2024-01-01 00:00 */
#define FEB1 INT64_C(1706745600000)  /* 2024-02-01 00:00 */
#define JAN31_2359 (FEB1 - MIN)      /* 2024-01-31 23:59 */

static struct mt_market_row row(int64_t t, const char *sym, double bid, double ask, double qv)
{
    struct mt_market_row r;
    assert_int_equal(mt_market_row_init(&r, t, sym, NULL), 0);
    r.bid = bid;
    r.ask = ask;
    r.spread = mt_market_spread(bid, ask);
    r.quote_volume_24h = qv;
    r.last_price = (bid + ask) / 2;
    r.price_change_pct_24h = -1.25;
    r.rank_roc_1d = 0.5;
    return r;
}

static void assert_rows_same(const struct mt_market_row *a, const struct mt_market_row *b)
{
    assert_int_equal(a->time, b->time);
    assert_string_equal(a->symbol, b->symbol);
    tu_assert_same_double(a->last_price, b->last_price);
    tu_assert_same_double(a->price_change_pct_24h, b->price_change_pct_24h);
    tu_assert_same_double(a->quote_volume_24h, b->quote_volume_24h);
    tu_assert_same_double(a->bid, b->bid);
    tu_assert_same_double(a->ask, b->ask);
    tu_assert_same_double(a->spread, b->spread);
    tu_assert_same_double(a->rank_roc_1d, b->rank_roc_1d);
    tu_assert_same_double(a->rank_roc_1w, b->rank_roc_1w);
    tu_assert_same_double(a->rank_roc_1m, b->rank_roc_1m);
    tu_assert_same_double(a->rank_volume_1d, b->rank_volume_1d);
    tu_assert_same_double(a->rank_volume_1w, b->rank_volume_1w);
}

static void spread_values(void **state)
{
    (void)state;
    tu_assert_close(mt_market_spread(99, 101), 0.02, 1e-15);        /* 2 / 100 */
    tu_assert_close(mt_market_spread(0.5, 0.51), 0.01 / 0.505, 1e-15);
    tu_assert_same_double(mt_market_spread(100, 100), 0.0);          /* locked book */
    assert_true(isnan(mt_market_spread(101, 99)));                   /* crossed */
    assert_true(isnan(mt_market_spread(0, 1)));
    assert_true(isnan(mt_market_spread(1, 0)));
    assert_true(isnan(mt_market_spread(NAN, 1)));
    assert_true(isnan(mt_market_spread(1, INFINITY)));
    assert_true(isnan(mt_market_spread(-1, 1)));
}

static void paths(void **state)
{
    (void)state;
    char buf[256];
    struct mt_err err = {0};
    assert_int_equal(mt_market_path(buf, sizeof buf, "d", JAN31_2359, &err), 0);
    assert_string_equal(buf, "d/market/snapshots/2024-01.parquet");
    assert_int_equal(mt_market_path(buf, sizeof buf, "d", FEB1, &err), 0);
    assert_string_equal(buf, "d/market/snapshots/2024-02.parquet");
    assert_int_equal(mt_market_path(buf, sizeof buf, "d", 0, &err), 0);
    assert_string_equal(buf, "d/market/snapshots/1970-01.parquet");
    assert_int_equal(mt_market_path(buf, sizeof buf, "d", -1, &err), MT_ERANGE);
    assert_int_equal(mt_market_path(buf, 10, "d", FEB1, &err), MT_EINVAL);
}

static void round_trip_and_month_split(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_market_row in[4] = {
        row(FEB1, "ETHUSDT", 2000, 2001, 5e8),
        row(JAN31_2359, "BTCUSDT", 40000, 40001, 1e9),
        row(FEB1, "BTCUSDT", 40100, 40100.5, NAN),
        row(JAN31_2359, "ETHUSDT", NAN, 2001, 4e8),
    };
    struct mt_market_report rep;
    assert_int_equal(mt_market_append(dir, in, 4, &rep, &err), 0);
    assert_int_equal(rep.added, 4);
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(rep.files_written, 2);
    assert_true(rep.bytes_written > 0);

    /* one file per month, each with its own rows */
    char path[512];
    struct mt_market_table t;
    mt_market_table_init(&t);
    snprintf(path, sizeof path, "%s/market/snapshots/2024-01.parquet", dir);
    assert_int_equal(mt_market_read_file(path, &t, &err), 0);
    assert_int_equal(t.n, 2);
    assert_rows_same(&t.rows[0], &in[1]);
    assert_rows_same(&t.rows[1], &in[3]);
    snprintf(path, sizeof path, "%s/market/snapshots/2024-02.parquet", dir);
    assert_int_equal(mt_market_read_file(path, &t, &err), 0);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.rows[0].symbol, "BTCUSDT");

    /* a load across both months, sorted by (time, symbol) */
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX, NULL, &t, &err), 0);
    assert_int_equal(t.n, 4);
    assert_rows_same(&t.rows[0], &in[1]);
    assert_rows_same(&t.rows[1], &in[3]);
    assert_rows_same(&t.rows[2], &in[2]);
    assert_rows_same(&t.rows[3], &in[0]);
    assert_true(isnan(t.rows[1].spread)); /* no bid */
    tu_assert_close(t.rows[0].spread, 1.0 / 40000.5, 1e-18);

    /* ranges are inclusive at both ends; the symbol filter */
    assert_int_equal(mt_market_load(dir, FEB1, FEB1, NULL, &t, &err), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.rows[0].time, FEB1);
    assert_int_equal(mt_market_load(dir, JAN1, FEB1 - 1, "ETHUSDT", &t, &err), 0);
    assert_int_equal(t.n, 1);
    assert_rows_same(&t.rows[0], &in[3]);
    assert_int_equal(mt_market_load(dir, FEB1 + 1, INT64_MAX, NULL, &t, &err), 0);
    assert_int_equal(t.n, 0);

    /* the files carry the documented schema */
    struct mt_pq_reader *r;
    assert_int_equal(mt_pq_reader_open(&r, path, &err), 0);
    assert_int_equal(mt_pq_num_columns(r), 2 + MT_MARKET_VALUE_COUNT);
    assert_string_equal(mt_pq_column(r, 0)->name, "time");
    assert_int_equal(mt_pq_column(r, 0)->time_unit, MT_PQ_MILLIS);
    assert_false(mt_pq_column(r, 0)->optional);
    assert_string_equal(mt_pq_column(r, 1)->name, "symbol");
    assert_true(mt_pq_column(r, 1)->is_string);
    assert_string_equal(mt_pq_column(r, 7)->name, "spread");
    assert_int_equal(mt_pq_column(r, 7)->type, MT_PQ_DOUBLE);
    assert_true(mt_pq_column(r, 7)->optional);
    double qv[2];
    uint8_t valid[2];
    assert_int_equal(mt_pq_read_double(r, 4, qv, valid, &err), 0); /* quote_volume_24h */
    assert_int_equal(valid[0], 0); /* BTCUSDT's NaN is a null */
    assert_int_equal(valid[1], 1);
    mt_pq_reader_free(r);

    mt_market_table_release(&t);
    tu_rmtree(dir);
    free(dir);
}

static void append_is_idempotent(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_market_row in[3] = {
        row(JAN1, "BTCUSDT", 100, 101, 1),
        row(JAN1, "ADAUSDT", 1, 1.01, 2),
        row(JAN1 + 15 * MIN, "BTCUSDT", 102, 103, 3),
    };
    struct mt_market_report rep;
    assert_int_equal(mt_market_append(dir, in, 3, &rep, &err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/market/snapshots/2024-01.parquet", dir);
    size_t n1, n2;
    char *before = tu_read_file(path, &n1);

    /* the same rows again: nothing written, all reported identical */
    assert_int_equal(mt_market_append(dir, in, 3, &rep, &err), 0);
    assert_int_equal(rep.added, 0);
    assert_int_equal(rep.identical, 3);
    assert_int_equal(rep.replaced, 0);
    assert_int_equal(rep.files_written, 0);
    char *after = tu_read_file(path, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(after);

    /* a changed row replaces the stored one; duplicates in the input: the last wins */
    struct mt_market_row again[3] = {
        row(JAN1, "ADAUSDT", 1, 1.02, 9),
        row(JAN1, "ADAUSDT", 1, 1.03, 7),
        row(JAN1 + 30 * MIN, "ADAUSDT", 1, 1.04, 8),
    };
    assert_int_equal(mt_market_append(dir, again, 3, &rep, &err), 0);
    assert_int_equal(rep.added, 1);
    assert_int_equal(rep.replaced, 1);
    assert_int_equal(rep.identical, 0);
    assert_int_equal(rep.files_written, 1);
    struct mt_market_table t;
    mt_market_table_init(&t);
    assert_int_equal(mt_market_load(dir, JAN1, JAN1 + 60 * MIN, NULL, &t, &err), 0);
    assert_int_equal(t.n, 4);
    assert_rows_same(&t.rows[0], &again[1]);
    assert_rows_same(&t.rows[1], &in[0]);
    assert_rows_same(&t.rows[2], &in[2]);
    assert_rows_same(&t.rows[3], &again[2]);
    /* NaN stored as null reads back equal: appending the loaded rows changes nothing */
    assert_int_equal(mt_market_append(dir, t.rows, t.n, &rep, &err), 0);
    assert_int_equal(rep.identical, 4);
    assert_int_equal(rep.files_written, 0);
    mt_market_table_release(&t);
    free(before);
    tu_rmtree(dir);
    free(dir);
}

static void bad_input(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_market_row in[2] = {row(JAN1, "BTCUSDT", 1, 2, 3), row(JAN1, "ETHUSDT", 1, 2, 3)};
    assert_int_equal(mt_market_row_init(&in[1], JAN1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", &err),
                     MT_EINVAL);
    assert_non_null(strstr(err.msg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"));
    assert_int_equal(in[1].symbol[0], '\0');
    assert_true(isnan(in[1].spread));
    assert_int_equal(mt_market_append(dir, in, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1"));
    memcpy(in[1].symbol, "btc/usdt", 9);
    assert_int_equal(mt_market_append(dir, in, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1"));
    assert_non_null(strstr(err.msg, "btc/usdt"));
    in[1] = row(-5, "ETHUSDT", 1, 2, 3);
    assert_int_equal(mt_market_append(dir, in, 2, NULL, &err), MT_ERANGE);
    assert_non_null(strstr(err.msg, "ETHUSDT"));
    /* nothing was written */
    struct mt_market_table t;
    mt_market_table_init(&t);
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX, NULL, &t, &err), 0);
    assert_int_equal(t.n, 0);
    assert_int_equal(mt_market_load("", 0, 1, NULL, &t, &err), MT_EINVAL);
    tu_rmtree(dir);
    free(dir);
}

static void damaged_files(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_market_row in[2] = {row(JAN1, "BTCUSDT", 1, 2, 3), row(JAN1, "ETHUSDT", 1, 2, 3)};
    assert_int_equal(mt_market_append(dir, in, 2, NULL, &err), 0);
    char path[512], other[512];
    snprintf(path, sizeof path, "%s/market/snapshots/2024-01.parquet", dir);
    size_t n;
    char *good = tu_read_file(path, &n);

    /* a file holding another month's rows is refused, naming file and row */
    snprintf(other, sizeof other, "%s/market/snapshots/2024-03.parquet", dir);
    tu_write_file(other, good, n);
    struct mt_market_table t;
    mt_market_table_init(&t);
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX, NULL, &t, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "2024-03.parquet"));
    assert_non_null(strstr(err.msg, "row 0"));
    assert_int_equal(t.n, 0);
    remove(other);

    /* a truncated file: a clear error naming it, for loads and appends alike */
    tu_write_file(path, good, n / 2);
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX, NULL, &t, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, path));
    struct mt_market_row more = row(JAN1 + MIN, "BTCUSDT", 1, 2, 3);
    assert_int_equal(mt_market_append(dir, &more, 1, NULL, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "2024-01.parquet"));
    size_t n2;
    char *still = tu_read_file(path, &n2); /* the damaged file is left for inspection */
    assert_int_equal(n2, n / 2);
    free(still);
    free(good);
    tu_rmtree(dir);
    free(dir);
}

/* A rewrite that fails half-way (file size limit in a child) keeps the old file. */
static void failed_rewrite_keeps_old_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_market_row in[2] = {row(JAN1, "BTCUSDT", 1, 2, 3), row(JAN1, "ETHUSDT", 1, 2, 3)};
    assert_int_equal(mt_market_append(dir, in, 2, NULL, &err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/market/snapshots/2024-01.parquet", dir);
    size_t n;
    char *before = tu_read_file(path, &n);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {(rlim_t)n, (rlim_t)n};
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(2);
        enum { ROWS = 20000 };
        struct mt_market_row *big = malloc(ROWS * sizeof *big);
        if (!big)
            _exit(2);
        for (int i = 0; i < ROWS; i++) {
            char sym[16];
            snprintf(sym, sizeof sym, "S%dUSDT", i);
            big[i] = row(JAN1 + MIN, sym, 1 + i, 2 + i, i);
        }
        struct mt_err e = {0};
        int rc = mt_market_append(dir, big, ROWS, NULL, &e);
        _exit(rc == MT_EIO ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    size_t n2;
    char *after = tu_read_file(path, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(before, after, n);
    struct mt_market_table t;
    mt_market_table_init(&t);
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX, NULL, &t, &err), 0);
    assert_int_equal(t.n, 2);
    /* no temp file left beside it */
    char snapdir[512];
    snprintf(snapdir, sizeof snapdir, "%s/market/snapshots", dir);
    DIR *d = opendir(snapdir);
    assert_non_null(d);
    size_t entries = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        entries += e->d_name[0] != '.' || strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    assert_int_equal(entries, 1);
    mt_market_table_release(&t);
    free(before);
    free(after);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spread_values),
        cmocka_unit_test(paths),
        cmocka_unit_test(round_trip_and_month_split),
        cmocka_unit_test(append_is_idempotent),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(damaged_files),
        cmocka_unit_test(failed_rewrite_keeps_old_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
