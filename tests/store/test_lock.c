/* Store write locks: concurrent writers of one series (merges and the
 * import's load-merge-save) and of one market month file keep the union of
 * their rows; a lock that stays busy fails the writer after the timeout with
 * a message naming the lock file; lock files are never listed as series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/series.h"
#include "store/catalog.h"
#include "store/lock.h"
#include "store/market.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1704067200000) /* 2024-01-01 00:00 */
#define WRITERS 6
#define ROUNDS 5
#define OWN_ROWS 40     /* candles only one writer stores in one round */
#define SHARED_ROWS 400 /* candles every writer stores in every round (same values) */

/* Candle at hour h; every writer gives the same values for it. */
static struct mt_candle candle(int64_t h)
{
    double p = 100 + (double)h * 0.5;
    struct mt_candle c = {T0 + h * H, p, p + 2, p - 1, p + 1, 10 * p, 100 * p, (double)h, 3 * p,
                          30 * p};
    return c;
}

/* Hours of writer w's own candles in round r: disjoint from every other set. */
static int64_t own_hour(int w, int r, int i)
{
    return SHARED_ROWS + ((int64_t)r * WRITERS + w) * OWN_ROWS + i;
}

static int build_round(struct mt_series *s, int w, int r)
{
    mt_series_init(s, MT_F_ALL);
    for (int64_t h = 0; h < SHARED_ROWS; h++) {
        struct mt_candle c = candle(h);
        if (mt_series_append(s, &c, NULL))
            return -1;
    }
    for (int i = 0; i < OWN_ROWS; i++) {
        struct mt_candle c = candle(own_hour(w, r, i));
        if (mt_series_append(s, &c, NULL))
            return -1;
    }
    return 0;
}

/* Even rounds merge; odd rounds do what an import run does: lock, load the stored
 * series, merge in memory, save. Exits 0 when every write succeeded. */
static void series_writer(const char *dir, int w)
{
    for (int r = 0; r < ROUNDS; r++) {
        struct mt_series s;
        struct mt_err err = {0};
        if (build_round(&s, w, r))
            _exit(3);
        int rc;
        if (r % 2 == 0) {
            struct mt_merge_report rep;
            rc = mt_store_merge(dir, "BTCUSDT", MT_TF_1H, &s, MT_MERGE_NEWER_WINS, &rep, &err);
        } else {
            struct mt_series base;
            struct mt_lock lock;
            mt_series_init(&base, MT_F_ALL);
            rc = mt_store_lock(dir, "BTCUSDT", MT_TF_1H, &lock, &err);
            if (rc == 0 && (rc = mt_store_load(dir, "BTCUSDT", MT_TF_1H, &base, &err)) == MT_ENOENT)
                rc = 0;
            struct mt_merge_report rep;
            if (rc == 0)
                rc = mt_store_merge_series(&base, &s, MT_TF_1H, MT_MERGE_NEWER_WINS, &rep, &err);
            if (rc == 0)
                rc = mt_store_save(dir, "BTCUSDT", MT_TF_1H, &base, NULL, &err);
            mt_lock_release(&lock);
            mt_series_release(&base);
        }
        mt_series_release(&s);
        if (rc) {
            fprintf(stderr, "writer %d round %d: %s\n", w, r, err.msg);
            _exit(2);
        }
    }
    _exit(0);
}

static void wait_writers(const pid_t *pids, int n)
{
    for (int i = 0; i < n; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

static void concurrent_writers_store_the_union(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0)
            series_writer(dir, w);
    }
    wait_writers(pids, WRITERS);

    struct mt_series s;
    struct mt_err err = {0};
    mt_series_init(&s, MT_F_ALL);
    assert_int_equal(mt_store_load(dir, "BTCUSDT", MT_TF_1H, &s, &err), 0);
    int64_t hours = SHARED_ROWS + (int64_t)WRITERS * ROUNDS * OWN_ROWS;
    assert_int_equal(s.n, (size_t)hours);
    for (int64_t h = 0; h < hours; h++) {
        struct mt_candle c = candle(h);
        assert_int_equal(s.open_time[h], c.open_time);
        tu_assert_same_double(s.close[h], c.close);
        tu_assert_same_double(s.trades[h], c.trades);
    }
    mt_series_release(&s);

    /* the lock file is beside the series, hidden, and not a series */
    char lock_path[MT_STORE_PATH_MAX];
    snprintf(lock_path, sizeof lock_path, "%s/ohlcv/1h/.BTCUSDT.parquet.lock", dir);
    struct stat st;
    assert_int_equal(stat(lock_path, &st), 0);
    assert_int_equal(st.st_size, 0); /* free: no holder's pid */
    struct mt_catalog cat;
    assert_int_equal(mt_catalog_list(dir, NULL, NULL, &cat, &err), 0);
    assert_int_equal(cat.n, 1);
    assert_string_equal(cat.entries[0].symbol, "BTCUSDT");
    mt_catalog_release(&cat);
    tu_rmtree(dir);
    free(dir);
}

/* Appends writer w's rows of every round: own symbol, 2024-03, hourly. */
static void market_writer(const char *dir, int w)
{
    for (int r = 0; r < ROUNDS; r++) {
        struct mt_market_row rows[OWN_ROWS];
        char symbol[16];
        snprintf(symbol, sizeof symbol, "W%dUSDT", w);
        for (int i = 0; i < OWN_ROWS; i++) {
            int64_t t = INT64_C(1709251200000) + ((int64_t)r * OWN_ROWS + i) * H; /* 2024-03-01 */
            if (mt_market_row_init(&rows[i], t, symbol, NULL))
                _exit(3);
            rows[i].last_price = (double)(w * 1000 + r * OWN_ROWS + i);
        }
        struct mt_err err = {0};
        if (mt_market_append(dir, rows, OWN_ROWS, NULL, &err)) {
            fprintf(stderr, "market writer %d round %d: %s\n", w, r, err.msg);
            _exit(2);
        }
    }
    _exit(0);
}

static void concurrent_market_appends_store_the_union(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0)
            market_writer(dir, w);
    }
    wait_writers(pids, WRITERS);
    struct mt_market_table t;
    mt_market_table_init(&t);
    struct mt_err err = {0};
    assert_int_equal(mt_market_load(dir, 0, INT64_MAX / 2, NULL, &t, &err), 0);
    assert_int_equal(t.n, (size_t)WRITERS * ROUNDS * OWN_ROWS);
    /* sorted by (time, symbol): row k is time k / WRITERS of writer k % WRITERS */
    for (size_t k = 0; k < t.n; k++) {
        int w = (int)(k % WRITERS);
        double i = (double)(k / WRITERS);
        char symbol[16];
        snprintf(symbol, sizeof symbol, "W%dUSDT", w);
        assert_string_equal(t.rows[k].symbol, symbol);
        tu_assert_same_double(t.rows[k].last_price, w * 1000 + i);
    }
    mt_market_table_release(&t);
    tu_rmtree(dir);
    free(dir);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void busy_lock_times_out_naming_the_lock_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char series[MT_STORE_PATH_MAX], lock_path[MT_STORE_PATH_MAX];
    struct mt_err err = {0};
    assert_int_equal(mt_store_path(series, sizeof series, dir, "ETHUSDT", MT_TF_1H, &err), 0);
    snprintf(lock_path, sizeof lock_path, "%s/ohlcv/1h/.ETHUSDT.parquet.lock", dir);

    /* the holder takes the lock, says so, and keeps it until told to go */
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        alarm(20); /* never outlive a failed test */
        struct mt_lock lock;
        char c = 'x';
        if (mt_lock_acquire(&lock, series, NULL, NULL) || write(ready[1], &c, 1) != 1 ||
            read(go[0], &c, 1) != 1)
            _exit(2);
        mt_lock_release(&lock);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);

    assert_int_equal(setenv("MTRADER_LOCK_TIMEOUT", "0.3", 1), 0);
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_candle bar = candle(0);
    assert_int_equal(mt_series_append(&s, &bar, NULL), 0);
    struct mt_merge_report rep;
    double t0 = now_s();
    assert_int_equal(mt_store_merge(dir, "ETHUSDT", MT_TF_1H, &s, MT_MERGE_NEWER_WINS, &rep, &err),
                     MT_EIO);
    double waited = now_s() - t0;
    assert_true(waited >= 0.3 && waited < 5);
    char want[2 * MT_STORE_PATH_MAX];
    snprintf(want, sizeof want,
             "ETHUSDT 1h: timed out after 0.3 s waiting for the store lock %s (held by pid %ld): "
             "another process is still writing the same file (wait longer with "
             "MTRADER_LOCK_TIMEOUT=seconds)",
             lock_path, (long)holder);
    assert_string_equal(err.msg, want);
    struct stat st;
    assert_int_equal(stat(series, &st), -1); /* nothing was written */

    /* an import run's lock waits the same way */
    assert_int_equal(setenv("MTRADER_LOCK_TIMEOUT", "0", 1), 0);
    struct mt_lock lock;
    assert_int_equal(mt_store_lock(dir, "ETHUSDT", MT_TF_1H, &lock, &err), MT_EIO);
    assert_int_equal(lock.fd, -1);
    assert_non_null(strstr(err.msg, lock_path));

    /* a bad timeout names the variable and the range */
    assert_int_equal(setenv("MTRADER_LOCK_TIMEOUT", "soon", 1), 0);
    assert_int_equal(mt_store_merge(dir, "ETHUSDT", MT_TF_1H, &s, MT_MERGE_NEWER_WINS, &rep, &err),
                     MT_ECONFIG);
    assert_string_equal(err.msg, "ETHUSDT 1h: MTRADER_LOCK_TIMEOUT='soon' is not a store lock "
                                 "timeout: expected seconds from 0 to 86400");

    /* once the holder is gone the write goes through */
    assert_int_equal(unsetenv("MTRADER_LOCK_TIMEOUT"), 0);
    assert_int_equal(write(go[1], "x", 1), 1);
    int status;
    assert_int_equal(waitpid(holder, &status, 0), holder);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(mt_store_merge(dir, "ETHUSDT", MT_TF_1H, &s, MT_MERGE_NEWER_WINS, &rep, &err),
                     0);
    assert_int_equal(rep.added, 1);
    mt_series_release(&s);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
    tu_rmtree(dir);
    free(dir);
}

/* The wait runs on the caller's clock: on a virtual one, a 90 s timeout
 * passes at once and exactly (the pauses add up to the timeout). */
static void busy_lock_waits_on_the_given_clock(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char target[MT_STORE_PATH_MAX], lock_path[MT_STORE_PATH_MAX];
    snprintf(target, sizeof target, "%s/data.parquet", dir);
    snprintf(lock_path, sizeof lock_path, "%s/.data.parquet.lock", dir);
    /* another open file description of the lock file holds it: flock excludes it */
    int other = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    assert_true(other >= 0);
    assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
    assert_int_equal(setenv("MTRADER_LOCK_TIMEOUT", "90", 1), 0);
    struct mt_vclock v;
    mt_vclock_init(&v, INT64_C(1680309000000));
    struct mt_lock lock;
    struct mt_err err = {0};
    assert_int_equal(mt_lock_acquire(&lock, target, &v.clock, &err), MT_EIO);
    assert_int_equal(lock.fd, -1);
    /* 90 s and the one ms that makes a whole-ms clock sure the time has passed */
    assert_int_equal(mt_clock_mono(&v.clock), 90001);
    assert_int_equal(mt_clock_now(&v.clock), INT64_C(1680309090001));
    char want[2 * MT_STORE_PATH_MAX];
    snprintf(want, sizeof want,
             "timed out after 90 s waiting for the store lock %s: another process is still writing "
             "the same file (wait longer with MTRADER_LOCK_TIMEOUT=seconds)",
             lock_path);
    assert_string_equal(err.msg, want);
    /* once free, the lock is taken at once: no time passes */
    flock(other, LOCK_UN);
    assert_int_equal(mt_lock_acquire(&lock, target, &v.clock, &err), 0);
    assert_int_equal(mt_clock_mono(&v.clock), 90001);
    mt_lock_release(&lock);
    assert_int_equal(unsetenv("MTRADER_LOCK_TIMEOUT"), 0);
    close(other);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_writers_store_the_union),
        cmocka_unit_test(concurrent_market_appends_store_the_union),
        cmocka_unit_test(busy_lock_times_out_naming_the_lock_file),
        cmocka_unit_test(busy_lock_waits_on_the_given_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
