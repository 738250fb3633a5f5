/* Atomic writes under SIGKILL: a child rewrites one store file in a loop, the
 * parent kills it at random moments and checks that the file is always either
 * absent (before the first complete write) or one complete version. */
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/series.h"
#include "core/atomic.h"
#include "store/catalog.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1577836800000) /* 2020-01-01 00:00 */
#define BASE_ROWS 20000
#define KILLS 20
#define VERSIONS_PER_CHILD 1000

/* Version v has BASE_ROWS + v % 64 rows; every value encodes (row, v). */
static double value(size_t i, unsigned v, double k)
{
    return 1000.0 + (double)i * 0.5 + k + (double)v * 1e-3;
}

static void make_version(struct mt_series *s, unsigned v)
{
    size_t n = BASE_ROWS + v % 64;
    mt_series_init(s, MT_F_ALL);
    if (mt_series_reserve(s, n, NULL) != 0)
        _exit(3);
    for (size_t i = 0; i < n; i++) {
        struct mt_candle c = {T0 + (int64_t)i * H, value(i, v, 0), value(i, v, 2), value(i, v, -2),
                              value(i, v, 1), (double)v, 5.0, (double)(i % 1000), 1.5, 7.5};
        if (mt_series_append(s, &c, NULL) != 0)
            _exit(3);
    }
}

static void writer(const char *path, unsigned first)
{
    for (unsigned v = first;; v++) {
        struct mt_series s;
        make_version(&s, v);
        if (mt_store_write_file(path, &s, NULL) != 0)
            _exit(2);
        mt_series_release(&s);
    }
}

/* Checks the file is one complete version; returns that version. */
static unsigned check_complete(const char *path)
{
    struct mt_series s;
    struct mt_err err = {0};
    mt_series_init(&s, 0);
    if (mt_store_read_file(path, &s, &err) != 0)
        fail_msg("torn file: %s", err.msg);
    assert_int_equal(s.fields, MT_F_ALL);
    assert_true(s.n >= 1);
    unsigned v = (unsigned)s.volume[0];
    assert_int_equal(s.n, BASE_ROWS + v % 64);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.open_time[i], T0 + (int64_t)i * H);
        tu_assert_same_double(s.open[i], value(i, v, 0));
        tu_assert_same_double(s.close[i], value(i, v, 1));
        tu_assert_same_double(s.volume[i], (double)v);
        tu_assert_same_double(s.trades[i], (double)(i % 1000));
    }
    mt_series_release(&s);
    return v;
}

/* Leftover temp files: hidden, with the temp infix, never a store name. */
static size_t count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "BTCUSDT.parquet") == 0)
            continue;
        assert_int_equal(e->d_name[0], '.');
        assert_non_null(strstr(e->d_name, "BTCUSDT.parquet" MT_ATOMIC_TMP_INFIX));
        n++;
    }
    closedir(d);
    return n;
}

static void kills_never_tear_the_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[MT_STORE_PATH_MAX], folder[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(path, sizeof path, dir, "BTCUSDT", MT_TF_1H, NULL), 0);
    snprintf(folder, sizeof folder, "%s/ohlcv/1h", dir);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    bool seen = false;
    size_t complete = 0, absent = 0;
    for (unsigned k = 0; k < KILLS; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            writer(path, k * VERSIONS_PER_CHILD);
        /* 1-40 ms: from before the first rename to several writes in. On a slow
         * disk the last child gets up to 5 s to finish one write, so the test
         * always checks complete files too. */
        struct timespec delay = {0, (long)(1 + rand() % 40) * 1000000L};
        nanosleep(&delay, NULL);
        struct stat st;
        for (int wait = 0; !seen && k == KILLS - 1 && wait < 500 && stat(path, &st) != 0; wait++)
            nanosleep(&(struct timespec){0, 10000000L}, NULL);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        if (stat(path, &st) != 0) {
            assert_false(seen); /* once there, a file never disappears */
            absent++;
            continue;
        }
        seen = true;
        unsigned v = check_complete(path);
        assert_true(v < (k + 1) * VERSIONS_PER_CHILD);
        complete++;
    }
    /* The store lists the one series; temp files are never mistaken for data. */
    size_t temps = count_temp_files(folder);
    assert_true(temps <= KILLS);
    struct mt_catalog cat;
    struct mt_err err = {0};
    assert_int_equal(mt_catalog_list(dir, NULL, NULL, &cat, &err), 0);
    if (seen) {
        assert_int_equal(cat.n, 1);
        assert_string_equal(cat.entries[0].symbol, "BTCUSDT");
    }
    mt_catalog_release(&cat);
    print_message("%zu kills found a complete file, %zu found none yet, %zu temp files left\n",
                  complete, absent, temps);
    assert_true(complete > 0);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kills_never_tear_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
