/* Allocation-failure tests (curl's torture mode) of the store (series,
 * import, resampling, catalog, market snapshots), the Parquet codec, strategy
 * parsing, the feature matrix and the backtests, on the torture build of the
 * library (tests/torture/torture.h).
 *
 * Each scenario runs once with no failure, counting its allocation calls N;
 * then for n = 1..N it runs again with the n-th call failing and asserts a
 * clean error: MT_ENOMEM with a message, no block left allocated (before any
 * release: a failed call holds nothing), an output the release function still
 * takes, no file descriptor left open and, for the store, no temp file left
 * and the stored file untouched. A last run with no failure must give the
 * same result as the first. N comes from the counting run, so the test
 * follows any change of the code's allocations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "features/featureset.h"
#include "ml/dataset.h"
#include "parquet/parquet.h"
#include "sim/portfolio.h"
#include "sim/setups.h"
#include "store/catalog.h"
#include "store/import.h"
#include "store/market.h"
#include "store/ranks.h"
#include "store/resample.h"
#include "store/spreads.h"
#include "store/store.h"
#include "strategy/strategy.h"
#include "testutil.h"
#include "torture.h"

/* One scenario: run makes the calls under test into the scenario's state;
 * release frees what run left there (also after a failed run); keep moves a
 * successful run's output aside as the reference (NULL when check has fixed
 * expectations); check compares a successful run's output with it; failed
 * (may be NULL) checks the scenario's own state after a failed run.
 * reported (may be NULL) is for calls that report some failures in their
 * output (mt_import_path's per-file outcomes): it tells whether a failed run
 * reported the failed allocation, replacing the MT_ENOMEM check, and the
 * leak check then runs after release. */
struct scenario {
    const char *name;
    int (*run)(void *ctx, struct mt_err *err);
    void (*release)(void *ctx);
    void (*keep)(void *ctx);
    void (*check)(void *ctx);
    void (*failed)(void *ctx);
    bool (*reported)(void *ctx, int rc, const struct mt_err *err);
};

static void leak_check(const struct scenario *sc, size_t live, size_t serial, size_t n, size_t calls, const char *file,
                       int line)
{
    if (mt_torture_live() == live)
        return;
    fprintf(stderr, "%s: allocation %zu of %zu (%s:%d) failed: %zu blocks leaked:\n", sc->name, n, calls, file, line,
            mt_torture_live() - live);
    mt_torture_dump_since(serial, 10, stderr);
    fail_msg("%s: leak after failing allocation %zu (%s:%d)", sc->name, n, file, line);
}

static size_t open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    size_t n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void torture(const struct scenario *sc, void *ctx)
{
    struct mt_err err = {0};
    size_t live = mt_torture_live(), fds = open_fds();
    mt_torture_arm(0);
    int rc = sc->run(ctx, &err);
    size_t calls = mt_torture_disarm();
    if (rc)
        fail_msg("%s: the run without failures failed: %s", sc->name, err.msg);
    assert_false(mt_torture_failed(NULL, NULL));
    if (sc->keep)
        sc->keep(ctx);
    else
        sc->check(ctx);
    sc->release(ctx);
    /* keep may hold blocks now: the baseline of the failing runs (and of the
     * last run, which catches a leak of the successful path) starts here. */
    live = mt_torture_live();
    assert_true(calls > 0);
    for (size_t n = 1; n <= calls; n++) {
        mt_err_clear(&err);
        size_t serial = mt_torture_serial();
        mt_torture_arm(n);
        rc = sc->run(ctx, &err);
        mt_torture_disarm();
        const char *file;
        int line;
        assert_true(mt_torture_failed(&file, &line));
        if (sc->reported ? !sc->reported(ctx, rc, &err) : rc != MT_ENOMEM || err.code != MT_ENOMEM || !err.msg[0])
            fail_msg("%s: allocation %zu of %zu (%s:%d) failed: returned %d, error %d '%s' instead of MT_ENOMEM",
                     sc->name, n, calls, file, line, rc, err.code, err.msg);
        if (!sc->reported)
            leak_check(sc, live, serial, n, calls, file, line);
        sc->release(ctx);
        leak_check(sc, live, serial, n, calls, file, line);
        if (open_fds() != fds)
            fail_msg("%s: allocation %zu (%s:%d) failed: %zu file descriptors open instead of %zu", sc->name, n, file,
                     line, open_fds(), fds);
        if (sc->failed)
            sc->failed(ctx);
    }
    mt_torture_arm(0);
    rc = sc->run(ctx, &err);
    assert_int_equal(mt_torture_disarm(), calls);
    if (rc)
        fail_msg("%s: the last run failed: %s", sc->name, err.msg);
    sc->check(ctx);
    sc->release(ctx);
    assert_int_equal(mt_torture_live(), live);
    assert_int_equal(open_fds(), fds);
    printf("%s: %zu allocations, each failed once\n", sc->name, calls);
}

/* ---- data ---- */

#define HOUR INT64_C(3600000)

/* The real BTCUSDT 1h fixture (3623 bars, every field), read with no failures. */
static struct mt_series btc;

static void slice(struct mt_series *out, const struct mt_series *s, size_t from, size_t to)
{
    struct mt_err err = {0};
    mt_series_init(out, s->fields);
    if (mt_series_slice(out, s, from, to, &err))
        fail_msg("%s", err.msg);
}

static int setup_all(void **state)
{
    (void)state;
    struct mt_err err = {0};
    if (mt_store_read_file(tu_fixture("features/BTCUSDT-1h-2023-01-05.parquet"), &btc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    mt_series_release(&btc);
    return 0;
}

/* ---- store ---- */

struct store_ctx {
    char *dir;
    char path[MT_STORE_PATH_MAX];
    struct mt_series before, after; /* the stored series before and after the call */
    struct mt_series add; /* merge: the candles merged in */
    struct mt_series out; /* load: the series read */
    struct mt_merge_report report;
};

static void store_init(struct store_ctx *c, size_t before_to)
{
    struct mt_err err = {0};
    memset(c, 0, sizeof *c);
    c->dir = tu_mkdtemp();
    assert_int_equal(mt_store_path(c->path, sizeof c->path, c->dir, "BTCUSDT", MT_TF_1H, &err), 0);
    slice(&c->before, &btc, 0, before_to);
    mt_series_init(&c->out, MT_F_ALL);
    if (mt_store_write_file(c->path, &c->before, &err))
        fail_msg("%s", err.msg);
}

static void store_done(struct store_ctx *c)
{
    mt_series_release(&c->before);
    mt_series_release(&c->after);
    mt_series_release(&c->add);
    mt_series_release(&c->out);
    tu_rmtree(c->dir);
    free(c->dir);
}

/* The stored file holds s, and its folder no temp file. */
static void stored_is(const struct store_ctx *c, const struct mt_series *s)
{
    struct mt_series got;
    struct mt_err err = {0};
    mt_series_init(&got, 0);
    if (mt_store_read_file(c->path, &got, &err))
        fail_msg("%s", err.msg);
    tu_assert_series_same(&got, s);
    mt_series_release(&got);
    char dir[MT_STORE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/ohlcv/1h", c->dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("temp file %s left in %s", e->d_name, dir);
    closedir(d);
}

/* release of the scenarios whose output is a file or a value, not blocks. */
static void no_output(void *ctx)
{
    (void)ctx;
}

static void store_unchanged(void *ctx)
{
    struct store_ctx *c = ctx;
    stored_is(c, &c->before);
}

static int save_run(void *ctx, struct mt_err *err)
{
    struct store_ctx *c = ctx;
    return mt_store_save(c->dir, "BTCUSDT", MT_TF_1H, &c->after, NULL, err);
}

/* Puts the old content back after a successful save, so failed saves are
 * checked against a file they would change. */
static void save_check(void *ctx)
{
    struct store_ctx *c = ctx;
    struct mt_err err = {0};
    stored_is(c, &c->after);
    if (mt_store_write_file(c->path, &c->before, &err))
        fail_msg("%s", err.msg);
}

static void test_store_save(void **state)
{
    (void)state;
    struct store_ctx c;
    store_init(&c, 200);
    slice(&c.after, &btc, 0, 300);
    struct mt_lock lock;
    struct mt_err err = {0};
    assert_int_equal(mt_store_lock(c.dir, "BTCUSDT", MT_TF_1H, &lock, &err), 0);
    const struct scenario sc = {.name = "mt_store_save",
                                .run = save_run,
                                .release = no_output,
                                .check = save_check,
                                .failed = store_unchanged};
    torture(&sc, &c);
    mt_lock_release(&lock);
    store_done(&c);
}

static int load_run(void *ctx, struct mt_err *err)
{
    struct store_ctx *c = ctx;
    return mt_store_load(c->dir, "BTCUSDT", MT_TF_1H, &c->out, err);
}

static void load_release(void *ctx)
{
    struct store_ctx *c = ctx;
    mt_series_release(&c->out);
}

static void load_check(void *ctx)
{
    struct store_ctx *c = ctx;
    tu_assert_series_same(&c->out, &c->before);
}

static void test_store_load(void **state)
{
    (void)state;
    struct store_ctx c;
    store_init(&c, 300);
    const struct scenario sc = {.name = "mt_store_load", .run = load_run, .release = load_release, .check = load_check};
    torture(&sc, &c);
    store_done(&c);
}

static int merge_run(void *ctx, struct mt_err *err)
{
    struct store_ctx *c = ctx;
    return mt_store_merge(c->dir, "BTCUSDT", MT_TF_1H, &c->add, MT_MERGE_NEWER_WINS, &c->report, err);
}

/* Rows 150..159 of the 150 candles added differ: 10 replaced, 40 identical,
 * 100 added. Puts the old content back as save_check does. */
static void merge_check(void *ctx)
{
    struct store_ctx *c = ctx;
    struct mt_err err = {0};
    assert_int_equal(c->report.rows_before, 200);
    assert_int_equal(c->report.rows_after, 300);
    assert_int_equal(c->report.added, 100);
    assert_int_equal(c->report.replaced, 10);
    assert_int_equal(c->report.identical, 40);
    assert_int_equal(c->report.first_replaced, btc.open_time[150]);
    assert_true(c->report.bytes_written > 0);
    stored_is(c, &c->after);
    if (mt_store_write_file(c->path, &c->before, &err))
        fail_msg("%s", err.msg);
}

static void test_store_merge(void **state)
{
    (void)state;
    struct store_ctx c;
    store_init(&c, 200);
    slice(&c.add, &btc, 150, 300);
    for (size_t i = 0; i < 10; i++)
        c.add.close[i] *= 1.001;
    slice(&c.after, &btc, 0, 300);
    memcpy(c.after.close + 150, c.add.close, 10 * sizeof *c.add.close);
    const struct scenario sc = {.name = "mt_store_merge",
                                .run = merge_run,
                                .release = no_output,
                                .check = merge_check,
                                .failed = store_unchanged};
    torture(&sc, &c);
    store_done(&c);
}

struct read_ctx {
    const char *path;
    struct mt_import_opts opts;
    struct mt_import_file f, ref;
};

static int read_file_run(void *ctx, struct mt_err *err)
{
    struct read_ctx *c = ctx;
    return mt_store_read_file(c->path, &c->f.series, err);
}

static int import_run(void *ctx, struct mt_err *err)
{
    struct read_ctx *c = ctx;
    return mt_import_read(c->path, &c->opts, &c->f, err);
}

static void read_release(void *ctx)
{
    struct read_ctx *c = ctx;
    mt_import_file_release(&c->f);
}

static void read_keep(void *ctx)
{
    struct read_ctx *c = ctx;
    c->ref = c->f;
    mt_import_file_init(&c->f);
    assert_true(c->ref.series.n >= 600);
}

static void read_check(void *ctx)
{
    struct read_ctx *c = ctx;
    tu_assert_series_same(&c->f.series, &c->ref.series);
    assert_string_equal(c->f.symbol, c->ref.symbol);
    assert_int_equal(c->f.tf, c->ref.tf);
    assert_int_equal(c->f.checksum, c->ref.checksum);
    assert_int_equal(c->f.invalid, c->ref.invalid);
}

/* A pandas-written file read by the store, then the importer's CSV (in small
 * chunks, so lines straddle reads) and zip archive (with its checksum). */
static void test_store_read(void **state)
{
    (void)state;
    static const struct {
        const char *fixture;
        bool import;
    } files[] = {{"parquet/pandas_btcusdt_1h_futures.parquet", false},
                 {"ohlcv/vision/BTCUSDT-1h-2023-03.csv", true},
                 {"ohlcv/zip/BTCUSDT-1h-2023-02.zip", true}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[MT_STORE_PATH_MAX];
        snprintf(path, sizeof path, "%s", tu_fixture(files[i].fixture));
        struct read_ctx c = {.path = path, .opts = {.chunk = 1000}};
        mt_import_file_init(&c.f);
        const struct scenario sc = {.name = files[i].import ? "mt_import_read" : "mt_store_read_file",
                                    .run = files[i].import ? import_run : read_file_run,
                                    .release = read_release,
                                    .keep = read_keep,
                                    .check = read_check};
        torture(&sc, &c);
        if (files[i].import)
            assert_string_equal(c.ref.symbol, "BTCUSDT");
        mt_import_file_release(&c.ref);
    }
}

struct import_ctx {
    char *src, *data; /* the folder imported, the store */
    struct mt_import_results r, ref;
    struct mt_series stored[3]; /* the store after the run without failures */
};

static const char *const import_symbols[3] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};

static int import_path_run(void *ctx, struct mt_err *err)
{
    struct import_ctx *c = ctx;
    memset(&c->r, 0, sizeof c->r);
    return mt_import_path(c->data, c->src, NULL, &c->r, err);
}

static void import_path_release(void *ctx)
{
    struct import_ctx *c = ctx;
    mt_import_results_release(&c->r);
}

/* A failed allocation fails the walk (MT_ENOMEM) or the files it touched:
 * each FAILED one with MT_ENOMEM and a message. */
static bool import_path_reported(void *ctx, int rc, const struct mt_err *err)
{
    struct import_ctx *c = ctx;
    if (rc)
        return rc == MT_ENOMEM && err->code == MT_ENOMEM && err->msg[0];
    if (!c->r.failed)
        return false;
    for (size_t i = 0; i < c->r.n; i++) {
        const struct mt_import_result *x = &c->r.items[i];
        if (x->status == MT_IMPORT_FAILED && (x->code != MT_ENOMEM || !x->message || !x->message[0])) {
            fprintf(stderr, "%s failed with %d '%s' instead of MT_ENOMEM\n", x->path, x->code,
                    x->message ? x->message : "");
            return false;
        }
    }
    return true;
}

/* Empties the store for the next run. */
static void import_path_reset(struct import_ctx *c)
{
    tu_rmtree(c->data);
    free(c->data);
    c->data = tu_mkdtemp();
}

static void load_stored(const struct import_ctx *c, struct mt_series out[3])
{
    struct mt_err err = {0};
    for (size_t i = 0; i < 3; i++) {
        mt_series_init(&out[i], 0);
        if (mt_store_load(c->data, import_symbols[i], MT_TF_1H, &out[i], &err))
            fail_msg("%s", err.msg);
    }
}

static void import_path_keep(void *ctx)
{
    struct import_ctx *c = ctx;
    c->ref = c->r;
    memset(&c->r, 0, sizeof c->r);
    assert_int_equal(c->ref.n, 4);
    assert_int_equal(c->ref.ok, 4);
    load_stored(c, c->stored);
    import_path_reset(c);
}

static void import_path_check(void *ctx)
{
    struct import_ctx *c = ctx;
    assert_int_equal(c->r.n, c->ref.n);
    assert_int_equal(c->r.ok, c->ref.ok);
    assert_int_equal(c->r.added, c->ref.added);
    assert_int_equal(c->r.replaced, c->ref.replaced);
    for (size_t i = 0; i < c->r.n; i++) {
        assert_string_equal(c->r.items[i].path, c->ref.items[i].path);
        assert_int_equal(c->r.items[i].rows, c->ref.items[i].rows);
        assert_int_equal(c->r.items[i].merge.added, c->ref.items[i].merge.added);
    }
    struct mt_series got[3];
    load_stored(c, got);
    for (size_t i = 0; i < 3; i++) {
        tu_assert_series_same(&got[i], &c->stored[i]);
        mt_series_release(&got[i]);
    }
    import_path_reset(c);
}

static void import_path_failed(void *ctx)
{
    import_path_reset(ctx);
}

static void copy_fixture(const char *fixture, const char *dir, const char *name)
{
    size_t size;
    char *data = tu_read_file(tu_fixture(fixture), &size);
    char path[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write_file(path, data, size);
    free(data);
}

/* A folder with two months of one series (a zip archive with its checksum,
 * then a CSV: one run, merged in memory), a Parquet file of another and, in a
 * subfolder, a CSV of a third: three store writes. */
static void test_import_path(void **state)
{
    (void)state;
    struct import_ctx c;
    memset(&c, 0, sizeof c);
    c.src = tu_mkdtemp();
    c.data = tu_mkdtemp();
    copy_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", c.src, "BTCUSDT-1h-2023-03.csv");
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip", c.src, "BTCUSDT-1h-2023-02.zip");
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip.CHECKSUM", c.src, "BTCUSDT-1h-2023-02.zip.CHECKSUM");
    char sub[MT_STORE_PATH_MAX];
    snprintf(sub, sizeof sub, "%s/more", c.src);
    assert_int_equal(mkdir(sub, 0755), 0);
    copy_fixture("ohlcv/csv/BTCUSDT-1h.csv", sub, "ETHUSDT-1h.csv");
    char sol[MT_STORE_PATH_MAX];
    snprintf(sol, sizeof sol, "%s/SOLUSDT-1h.parquet", c.src);
    struct mt_series part;
    slice(&part, &btc, 0, 100);
    struct mt_err err = {0};
    assert_int_equal(mt_store_write_file(sol, &part, &err), 0);
    mt_series_release(&part);
    const struct scenario sc = {.name = "mt_import_path",
                                .run = import_path_run,
                                .release = import_path_release,
                                .keep = import_path_keep,
                                .check = import_path_check,
                                .failed = import_path_failed,
                                .reported = import_path_reported};
    torture(&sc, &c);
    mt_import_results_release(&c.ref);
    for (size_t i = 0; i < 3; i++)
        mt_series_release(&c.stored[i]);
    tu_rmtree(c.src);
    tu_rmtree(c.data);
    free(c.src);
    free(c.data);
}

struct resample_ctx {
    struct mt_series in, out, ref;
    struct mt_resample_report report;
};

static int resample_run(void *ctx, struct mt_err *err)
{
    struct resample_ctx *c = ctx;
    return mt_resample(&c->in, MT_TF_1H, MT_TF_4H, NULL, &c->out, &c->report, err);
}

static void resample_release(void *ctx)
{
    struct resample_ctx *c = ctx;
    mt_series_release(&c->out);
}

static void resample_keep(void *ctx)
{
    struct resample_ctx *c = ctx;
    c->ref = c->out;
    mt_series_init(&c->out, 0);
    assert_true(c->ref.n >= 70);
}

static void resample_check(void *ctx)
{
    struct resample_ctx *c = ctx;
    tu_assert_series_same(&c->out, &c->ref);
}

/* 1h to 4h over 300 bars with every field. */
static void test_resample(void **state)
{
    (void)state;
    struct resample_ctx c;
    memset(&c, 0, sizeof c);
    slice(&c.in, &btc, 0, 300);
    mt_series_init(&c.out, 0);
    const struct scenario sc = {.name = "mt_resample",
                                .run = resample_run,
                                .release = resample_release,
                                .keep = resample_keep,
                                .check = resample_check};
    torture(&sc, &c);
    mt_series_release(&c.ref);
    mt_series_release(&c.in);
}

struct catalog_ctx {
    char *dir;
    struct mt_catalog cat;
};

static int catalog_run(void *ctx, struct mt_err *err)
{
    struct catalog_ctx *c = ctx;
    return mt_catalog_list(c->dir, NULL, NULL, &c->cat, err);
}

static void catalog_release(void *ctx)
{
    struct catalog_ctx *c = ctx;
    mt_catalog_release(&c->cat);
}

static const char *const catalog_symbols[] = {"ADAUSDT", "BTCUSDT", "DOGEUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"};
#define CATALOG_SYMBOLS (sizeof catalog_symbols / sizeof *catalog_symbols)

/* Sorted by symbol, then timeframe: each symbol in 1h, then 4h. */
static void catalog_check(void *ctx)
{
    struct catalog_ctx *c = ctx;
    assert_int_equal(c->cat.n, 2 * CATALOG_SYMBOLS);
    for (size_t i = 0; i < c->cat.n; i++) {
        assert_string_equal(c->cat.entries[i].symbol, catalog_symbols[i / 2]);
        assert_int_equal(c->cat.entries[i].tf, i % 2 ? MT_TF_4H : MT_TF_1H);
    }
}

/* A store of six symbols in two timeframes (written in reverse order). */
static void test_catalog(void **state)
{
    (void)state;
    struct catalog_ctx c = {.dir = tu_mkdtemp()};
    struct mt_series part;
    slice(&part, &btc, 0, 8);
    struct mt_err err = {0};
    for (size_t i = CATALOG_SYMBOLS; i-- > 0;) {
        for (size_t k = 0; k < 2; k++) {
            char path[MT_STORE_PATH_MAX];
            assert_int_equal(
                mt_store_path(path, sizeof path, c.dir, catalog_symbols[i], k ? MT_TF_4H : MT_TF_1H, &err), 0);
            assert_int_equal(mt_store_write_file(path, &part, &err), 0);
        }
    }
    mt_series_release(&part);
    const struct scenario sc = {
        .name = "mt_catalog_list", .run = catalog_run, .release = catalog_release, .check = catalog_check};
    torture(&sc, &c);
    tu_rmtree(c.dir);
    free(c.dir);
}

#define JAN1 INT64_C(1704067200000) /* 2024-01-01 00:00 UTC */
#define FEB1 INT64_C(1706745600000) /* 2024-02-01 00:00 UTC */
#define MARKET_ROWS 40

struct market_ctx {
    char *dir;
    struct mt_market_row stored[MARKET_ROWS], add[MARKET_ROWS]; /* appended before, by the call */
    struct mt_market_report report;
    struct mt_market_table t, ref;
};

static struct mt_market_row market_row(int64_t t, const char *symbol, double price)
{
    struct mt_market_row r;
    struct mt_err err = {0};
    assert_int_equal(mt_market_row_init(&r, t, symbol, &err), 0);
    r.last_price = price;
    r.bid = price * 0.9999;
    r.ask = price * 1.0001;
    r.spread = mt_market_spread(r.bid, r.ask);
    r.quote_volume_24h = price * 1000;
    return r;
}

/* The store holds the snapshots stored (January and February). */
static void market_reset(struct market_ctx *c)
{
    struct mt_err err = {0};
    if (c->dir) {
        tu_rmtree(c->dir);
        free(c->dir);
    }
    c->dir = tu_mkdtemp();
    if (mt_market_append(c->dir, c->stored, MARKET_ROWS, NULL, &err))
        fail_msg("%s", err.msg);
}

static void market_init(struct market_ctx *c)
{
    memset(c, 0, sizeof *c);
    /* Ten snapshots of two symbols on each side of the month change. */
    for (int i = 0; i < MARKET_ROWS; i++) {
        int64_t t = (i < MARKET_ROWS / 2 ? FEB1 - 10 * HOUR : FEB1) + i % 10 * HOUR;
        c->stored[i] = market_row(t, i % 20 < 10 ? "BTCUSDT" : "ETHUSDT", 100 + i);
        c->add[i] = market_row(t + 5 * HOUR, i % 20 < 10 ? "BTCUSDT" : "SOLUSDT", 200 + i);
    }
    mt_market_table_init(&c->t);
    market_reset(c);
}

static void market_done(struct market_ctx *c)
{
    mt_market_table_release(&c->ref);
    tu_rmtree(c->dir);
    free(c->dir);
}

static int append_run(void *ctx, struct mt_err *err)
{
    struct market_ctx *c = ctx;
    return mt_market_append(c->dir, c->add, MARKET_ROWS, &c->report, err);
}

/* The added snapshots are 5 hours later: 15 of BTCUSDT's fall on stored
 * times and replace them, 25 are new; the store is put back for the next run. */
static void append_check(void *ctx)
{
    struct market_ctx *c = ctx;
    assert_int_equal(c->report.added, 25);
    assert_int_equal(c->report.replaced, 15);
    assert_int_equal(c->report.files_written, 2);
    struct mt_err err = {0};
    assert_int_equal(mt_market_load(c->dir, JAN1, FEB1 + 30 * HOUR, NULL, &c->t, &err), 0);
    assert_int_equal(c->t.n, MARKET_ROWS + 25);
    mt_market_table_release(&c->t);
    market_reset(c);
}

static void append_failed(void *ctx)
{
    market_reset(ctx);
}

static int market_load_run(void *ctx, struct mt_err *err)
{
    struct market_ctx *c = ctx;
    return mt_market_load(c->dir, JAN1, FEB1 + 30 * HOUR, NULL, &c->t, err);
}

static void market_load_release(void *ctx)
{
    struct market_ctx *c = ctx;
    mt_market_table_release(&c->t);
}

static void market_load_keep(void *ctx)
{
    struct market_ctx *c = ctx;
    c->ref = c->t;
    mt_market_table_init(&c->t);
    assert_int_equal(c->ref.n, MARKET_ROWS);
}

static void market_load_check(void *ctx)
{
    struct market_ctx *c = ctx;
    assert_int_equal(c->t.n, c->ref.n);
    for (size_t i = 0; i < c->t.n; i++) {
        assert_int_equal(mt_market_row_cmp(&c->t.rows[i], &c->ref.rows[i]), 0);
        tu_assert_same_double(c->t.rows[i].last_price, c->ref.rows[i].last_price);
        tu_assert_same_double(c->t.rows[i].spread, c->ref.rows[i].spread);
        tu_assert_same_double(c->t.rows[i].rank_roc_1d, c->ref.rows[i].rank_roc_1d);
    }
}

struct spreads_ctx {
    const struct mt_market_table *hist;
    struct mt_spread_stats out[3], ref[3];
};

static const char *const spread_symbols[3] = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};

static int spreads_run(void *ctx, struct mt_err *err)
{
    struct spreads_ctx *c = ctx;
    return mt_spreads_stats(c->hist, FEB1 + 9 * HOUR, spread_symbols, 3, c->out, err);
}

static void spreads_keep(void *ctx)
{
    struct spreads_ctx *c = ctx;
    memcpy(c->ref, c->out, sizeof c->ref);
    assert_int_equal(c->ref[0].n_24h, 20);
}

static void spreads_check(void *ctx)
{
    struct spreads_ctx *c = ctx;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c->out[i].time, c->ref[i].time);
        tu_assert_same_double(c->out[i].rank, c->ref[i].rank);
        tu_assert_same_double(c->out[i].ratio_median_24h, c->ref[i].ratio_median_24h);
        tu_assert_same_double(c->out[i].channel_12h, c->ref[i].channel_12h);
        assert_int_equal(c->out[i].n_12h, c->ref[i].n_12h);
    }
}

/* Market snapshots over two month files: appending (read, merge, rewrite of
 * each), loading, and the spread statistics of the loaded history. */
static void test_market(void **state)
{
    (void)state;
    struct market_ctx c;
    market_init(&c);
    const struct scenario append = {.name = "mt_market_append",
                                    .run = append_run,
                                    .release = no_output,
                                    .check = append_check,
                                    .failed = append_failed};
    torture(&append, &c);
    const struct scenario load = {.name = "mt_market_load",
                                  .run = market_load_run,
                                  .release = market_load_release,
                                  .keep = market_load_keep,
                                  .check = market_load_check};
    torture(&load, &c);
    struct spreads_ctx sp = {.hist = &c.ref};
    const struct scenario spreads = {.name = "mt_spreads_stats",
                                     .run = spreads_run,
                                     .release = no_output,
                                     .keep = spreads_keep,
                                     .check = spreads_check};
    torture(&spreads, &sp);
    market_done(&c);
}

struct ranks_ctx {
    char *dir;
    int64_t t;
    struct mt_market_row rows[3];
    struct mt_ranks_metrics metrics[3];
    double ref[3][5];
};

static int ranks_run(void *ctx, struct mt_err *err)
{
    struct ranks_ctx *c = ctx;
    return mt_ranks_fill(c->dir, MT_TF_1H, c->t, c->rows, 3, NULL, err);
}

static void ranks_values(const struct mt_market_row *r, double out[5])
{
    out[0] = r->rank_roc_1d;
    out[1] = r->rank_roc_1w;
    out[2] = r->rank_roc_1m;
    out[3] = r->rank_volume_1d;
    out[4] = r->rank_volume_1w;
}

static void ranks_keep(void *ctx)
{
    struct ranks_ctx *c = ctx;
    for (size_t i = 0; i < 3; i++)
        ranks_values(&c->rows[i], c->ref[i]);
    bool ranked = !isnan(c->ref[0][2]) && !isnan(c->ref[1][2]) && isnan(c->ref[2][2]);
    assert_true(ranked); /* a month of candles for BTCUSDT and ETHUSDT, none for SOLUSDT */
}

static void ranks_check(void *ctx)
{
    struct ranks_ctx *c = ctx;
    for (size_t i = 0; i < 3; i++) {
        double v[5];
        ranks_values(&c->rows[i], v);
        for (size_t k = 0; k < 5; k++)
            tu_assert_same_double(v[k], c->ref[i][k]);
    }
}

/* Market ranks of a snapshot of three symbols, two of them with 800 hours
 * of candles in the store (a month of rate of change), one without. */
static void test_ranks(void **state)
{
    (void)state;
    struct ranks_ctx c;
    memset(&c, 0, sizeof c);
    c.dir = tu_mkdtemp();
    struct mt_err err = {0};
    struct mt_series part;
    for (size_t i = 0; i < 2; i++) {
        slice(&part, &btc, 50 * i, 50 * i + 800);
        char path[MT_STORE_PATH_MAX];
        assert_int_equal(mt_store_path(path, sizeof path, c.dir, spread_symbols[i], MT_TF_1H, &err), 0);
        assert_int_equal(mt_store_write_file(path, &part, &err), 0);
        mt_series_release(&part);
    }
    c.t = btc.open_time[799];
    for (size_t i = 0; i < 3; i++) {
        c.rows[i] = market_row(c.t, spread_symbols[i], 100);
        c.rows[i].quote_volume_24h = 1e6 * (double)(i + 1);
    }
    const struct scenario sc = {
        .name = "mt_ranks_fill", .run = ranks_run, .release = no_output, .keep = ranks_keep, .check = ranks_check};
    torture(&sc, &c);
    tu_rmtree(c.dir);
    free(c.dir);
}

/* ---- parquet ---- */

#define PQ_ROWS 300

struct pq_ctx {
    char *dir;
    char path[MT_STORE_PATH_MAX];
    const char *read_path;
    int64_t time[PQ_ROWS];
    double price[PQ_ROWS], maybe[PQ_ROWS];
    int32_t count[PQ_ROWS];
    float ratio[PQ_ROWS];
    char label[PQ_ROWS][16];
    const char *labels[PQ_ROWS];
    uint8_t valid[PQ_ROWS];
    char *bytes, *ref_bytes; /* write: the file written */
    size_t size, ref_size;
    uint64_t digest, ref_digest; /* read: a hash of every value read */
    size_t rows, ref_rows;
};

static const struct mt_pq_kv pq_kv[2] = {{"source", "torture"}, {"note", NULL}};

static int pq_write_run(void *ctx, struct mt_err *err)
{
    struct pq_ctx *c = ctx;
    const struct mt_pq_column cols[6] = {
        {"open_time", MT_PQ_INT64, MT_PQ_MILLIS, false, c->time, NULL},
        {"price", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, c->price, NULL},
        {"maybe", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, c->maybe, c->valid},
        {"count", MT_PQ_INT32, MT_PQ_NOT_TIME, false, c->count, NULL},
        {"ratio", MT_PQ_FLOAT, MT_PQ_NOT_TIME, true, c->ratio, NULL},
        {"label", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, true, c->labels, c->valid},
    };
    const struct mt_pq_write_opts opts = {
        .codec = MT_PQ_ZSTD, .row_group_rows = 120, .page_rows = 50, .statistics = true, .kv = pq_kv, .n_kv = 2};
    FILE *f = fopen(c->path, "wb");
    assert_non_null(f);
    const struct mt_pq_table t = {.nrows = PQ_ROWS, .ncols = 6, .cols = cols};
    int rc = mt_pq_write(f, &t, &opts, err);
    assert_int_equal(fclose(f), 0);
    return rc;
}

static void pq_write_release(void *ctx)
{
    struct pq_ctx *c = ctx;
    free(c->bytes);
    c->bytes = NULL;
}

static void pq_write_keep(void *ctx)
{
    struct pq_ctx *c = ctx;
    c->ref_bytes = tu_read_file(c->path, &c->ref_size);
}

static void pq_write_check(void *ctx)
{
    struct pq_ctx *c = ctx;
    c->bytes = tu_read_file(c->path, &c->size);
    assert_int_equal(c->size, c->ref_size);
    assert_memory_equal(c->bytes, c->ref_bytes, c->size);
}

static void pq_init(struct pq_ctx *c)
{
    memset(c, 0, sizeof *c);
    c->dir = tu_mkdtemp();
    snprintf(c->path, sizeof c->path, "%s/t.parquet", c->dir);
    for (int i = 0; i < PQ_ROWS; i++) {
        c->time[i] = INT64_C(1672531200000) + i * HOUR;
        c->price[i] = 100 + 0.25 * i;
        c->maybe[i] = i % 7 ? 1.0 / (i + 1) : NAN;
        c->valid[i] = i % 7 != 0;
        c->count[i] = i * 3 - 100;
        c->ratio[i] = (float)i / 8;
        snprintf(c->label[i], sizeof c->label[i], "row %d", i % 11);
        c->labels[i] = c->valid[i] ? c->label[i] : NULL;
    }
}

static void pq_done(struct pq_ctx *c)
{
    free(c->ref_bytes);
    tu_rmtree(c->dir);
    free(c->dir);
}

static void test_parquet_write(void **state)
{
    (void)state;
    struct pq_ctx c;
    pq_init(&c);
    const struct scenario sc = {.name = "mt_pq_write",
                                .run = pq_write_run,
                                .release = pq_write_release,
                                .keep = pq_write_keep,
                                .check = pq_write_check};
    torture(&sc, &c);
    pq_done(&c);
}

/* The columns of pq_write_run as a table of rows [from, from + n). */
static void pq_columns(const struct pq_ctx *c, size_t from, struct mt_pq_column cols[6])
{
    cols[0] = (struct mt_pq_column){"open_time", MT_PQ_INT64, MT_PQ_MILLIS, false, c->time + from, NULL};
    cols[1] = (struct mt_pq_column){"price", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, c->price + from, NULL};
    cols[2] = (struct mt_pq_column){"maybe", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, c->maybe + from, c->valid + from};
    cols[3] = (struct mt_pq_column){"count", MT_PQ_INT32, MT_PQ_NOT_TIME, false, c->count + from, NULL};
    cols[4] = (struct mt_pq_column){"ratio", MT_PQ_FLOAT, MT_PQ_NOT_TIME, true, c->ratio + from, NULL};
    cols[5] = (struct mt_pq_column){"label", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, true, c->labels + from, c->valid + from};
}

/* The streaming writer: open, three appends of 100 rows, close (or free
 * after a failed append), atomically to path. */
static int pq_stream_run(void *ctx, struct mt_err *err)
{
    struct pq_ctx *c = ctx;
    struct mt_pq_column cols[6];
    pq_columns(c, 0, cols);
    const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .row_group_rows = 120, .page_rows = 50,
                                          .statistics = true, .kv = pq_kv, .n_kv = 2};
    struct mt_pq_writer *w;
    int rc = mt_pq_writer_open(&w, c->path, cols, 6, &opts, err);
    if (rc)
        return rc;
    for (size_t from = 0; from < PQ_ROWS && !rc; from += 100) {
        pq_columns(c, from, cols);
        const struct mt_pq_table t = {.nrows = 100, .ncols = 6, .cols = cols};
        rc = mt_pq_writer_append(w, &t, err);
    }
    if (rc) {
        mt_pq_writer_free(w);
        return rc;
    }
    return mt_pq_writer_close(w, &c->size, err);
}

/* A failed streaming write leaves the file before it (absent here) and no temp file. */
static void pq_stream_failed(void *ctx)
{
    struct pq_ctx *c = ctx;
    DIR *d = opendir(c->dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..")))
            fail_msg("%s left in %s", e->d_name, c->dir);
    closedir(d);
}

/* The written file reads back as the rows given, then is removed. */
static void pq_stream_check(void *ctx)
{
    struct pq_ctx *c = ctx;
    struct mt_pq_table t;
    struct mt_err err = {0};
    if (mt_pq_read_table(c->path, NULL, 0, 0, &t, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(t.nrows, PQ_ROWS);
    assert_int_equal(t.ncols, 6);
    assert_memory_equal(t.cols[0].values, c->time, sizeof c->time);
    assert_memory_equal(t.cols[3].values, c->count, sizeof c->count);
    const char *const *labels = t.cols[5].values;
    for (size_t i = 0; i < PQ_ROWS; i++)
        assert_string_equal(labels[i], c->labels[i] ? c->labels[i] : "");
    mt_pq_table_release(&t);
    assert_int_equal(remove(c->path), 0);
}

static void test_parquet_stream(void **state)
{
    (void)state;
    struct pq_ctx c;
    pq_init(&c);
    const struct scenario sc = {.name = "mt_pq_writer",
                                .run = pq_stream_run,
                                .release = no_output,
                                .check = pq_stream_check,
                                .failed = pq_stream_failed};
    torture(&sc, &c);
    pq_done(&c);
}

struct pq_table_ctx {
    const char *path;
    struct mt_pq_table t;
    size_t ref_rows, ref_cols;
    uint64_t ref_digest;
};

static int pq_table_run(void *ctx, struct mt_err *err)
{
    struct pq_table_ctx *c = ctx;
    return mt_pq_read_table(c->path, NULL, 0, 0, &c->t, err);
}

static void pq_table_release(void *ctx)
{
    struct pq_table_ctx *c = ctx;
    mt_pq_table_release(&c->t);
}

static uint64_t table_digest(const struct mt_pq_table *t);

static void pq_table_keep(void *ctx)
{
    struct pq_table_ctx *c = ctx;
    c->ref_rows = c->t.nrows;
    c->ref_cols = c->t.ncols;
    c->ref_digest = table_digest(&c->t);
}

static void pq_table_check(void *ctx)
{
    struct pq_table_ctx *c = ctx;
    assert_int_equal(c->t.nrows, c->ref_rows);
    assert_int_equal(c->t.ncols, c->ref_cols);
    assert_true(table_digest(&c->t) == c->ref_digest);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* A hash of every value and validity byte of a table read. */
static uint64_t table_digest(const struct mt_pq_table *t)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t k = 0; k < t->ncols; k++) {
        const struct mt_pq_column *col = &t->cols[k];
        h = fnv(h, col->name, strlen(col->name) + 1);
        if (col->type == MT_PQ_BYTE_ARRAY) {
            const char *const *v = col->values;
            for (size_t i = 0; i < t->nrows; i++)
                h = fnv(h, v[i], strlen(v[i]) + 1);
        } else {
            size_t size = col->type == MT_PQ_INT32 || col->type == MT_PQ_FLOAT ? 4 : 8;
            h = fnv(h, col->values, t->nrows * size);
        }
        if (col->valid)
            h = fnv(h, col->valid, t->nrows);
    }
    return h;
}

/* Reads one column into a hash (the validity bytes too). */
static int read_column(struct mt_pq_reader *r, size_t col, uint64_t *h, struct mt_err *err)
{
    const struct mt_pq_column_info *ci = mt_pq_column(r, col);
    size_t rows = mt_pq_num_rows(r);
    uint8_t *valid = malloc(rows ? rows : 1);
    if (!valid)
        return mt_err_set(err, MT_ENOMEM, "test: no memory for the validity of %zu rows", rows);
    int rc;
    if (ci->type == MT_PQ_BYTE_ARRAY) {
        struct mt_pq_strings s = {0};
        rc = mt_pq_read_strings(r, col, &s, valid, err);
        if (!rc)
            *h = fnv(fnv(*h, s.data, s.offsets[s.n]), s.offsets, (s.n + 1) * sizeof *s.offsets);
        mt_pq_strings_release(&s);
    } else if (ci->type == MT_PQ_INT96 || ci->type == MT_PQ_INT64 || ci->type == MT_PQ_INT32) {
        int64_t *v = malloc((rows ? rows : 1) * sizeof *v);
        if (!v) {
            free(valid);
            return mt_err_set(err, MT_ENOMEM, "test: no memory for %zu values", rows);
        }
        rc = ci->time_unit != MT_PQ_NOT_TIME || ci->type == MT_PQ_INT96 ? mt_pq_read_time_ms(r, col, v, valid, err)
                                                                        : mt_pq_read_int64(r, col, v, valid, err);
        if (!rc)
            *h = fnv(*h, v, rows * sizeof *v);
        free(v);
    } else {
        double *v = malloc((rows ? rows : 1) * sizeof *v);
        if (!v) {
            free(valid);
            return mt_err_set(err, MT_ENOMEM, "test: no memory for %zu values", rows);
        }
        rc = mt_pq_read_double(r, col, v, valid, err);
        if (!rc)
            *h = fnv(*h, v, rows * sizeof *v);
        free(v);
    }
    if (!rc)
        *h = fnv(*h, valid, rows);
    free(valid);
    return rc;
}

static int pq_read_run(void *ctx, struct mt_err *err)
{
    struct pq_ctx *c = ctx;
    struct mt_pq_reader *r;
    int rc = mt_pq_reader_open(&r, c->read_path, err);
    if (rc)
        return rc;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t k = 0; k < mt_pq_num_kv(r); k++) {
        const struct mt_pq_kv *kv = mt_pq_kv(r, k);
        h = fnv(h, kv->key, strlen(kv->key) + 1);
        if (kv->value)
            h = fnv(h, kv->value, strlen(kv->value) + 1);
    }
    for (size_t col = 0; col < mt_pq_num_columns(r) && !rc; col++) {
        const char *name = mt_pq_column(r, col)->name;
        h = fnv(h, name, strlen(name) + 1);
        rc = read_column(r, col, &h, err);
    }
    c->rows = mt_pq_num_rows(r);
    c->digest = h;
    mt_pq_reader_free(r);
    return rc;
}

static void pq_read_keep(void *ctx)
{
    struct pq_ctx *c = ctx;
    c->ref_digest = c->digest;
    c->ref_rows = c->rows;
}

static void pq_read_check(void *ctx)
{
    struct pq_ctx *c = ctx;
    assert_int_equal(c->rows, c->ref_rows);
    assert_true(c->digest == c->ref_digest);
}

/* Our file (ZSTD, several row groups and pages, nulls, strings, metadata),
 * then files of other writers with dictionaries, GZIP, SNAPPY, DATA_PAGE v2
 * and the delta and byte-stream-split encodings. */
static void test_parquet_read(void **state)
{
    (void)state;
    struct pq_ctx c;
    pq_init(&c);
    struct mt_err err = {0};
    assert_int_equal(pq_write_run(&c, &err), 0);
    const struct scenario sc = {.name = "mt_pq_read",
                                .run = pq_read_run,
                                .release = no_output,
                                .keep = pq_read_keep,
                                .check = pq_read_check};
    c.read_path = c.path;
    torture(&sc, &c);
    assert_int_equal(c.rows, PQ_ROWS);
    static const char *const fixtures[] = {"parquet/arrowrs_dict_fallback.parquet", "parquet/duckdb_v1_gzip.parquet",
                                           "parquet/duckdb_v1_snappy.parquet", "parquet/duckdb_v2_zstd.parquet",
                                           "parquet/hyparquet_v2_delta_bss.parquet"};
    char path[sizeof fixtures / sizeof *fixtures][MT_STORE_PATH_MAX];
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
        snprintf(path[i], sizeof path[i], "%s", tu_fixture(fixtures[i]));
        c.read_path = path[i];
        torture(&sc, &c);
        assert_int_equal(c.rows, 300);
    }
    /* The same files read as tables. */
    const struct scenario table = {.name = "mt_pq_read_table",
                                   .run = pq_table_run,
                                   .release = pq_table_release,
                                   .keep = pq_table_keep,
                                   .check = pq_table_check};
    for (size_t i = 0; i <= sizeof fixtures / sizeof *fixtures; i++) {
        struct pq_table_ctx t = {.path = i ? path[i - 1] : c.path};
        torture(&table, &t);
        assert_int_equal(t.ref_rows, i ? 300 : PQ_ROWS);
    }
    pq_done(&c);
}

/* ---- strategy ---- */

struct strategy_ctx {
    const char *id;
    struct mt_strategy s;
    char ref_id[MT_STRATEGY_ID_MAX];
    int ref_n_ind, ref_lookback;
};

static int strategy_run(void *ctx, struct mt_err *err)
{
    struct strategy_ctx *c = ctx;
    return mt_strategy_parse(c->id, MT_TF_1H, 0.0005, &c->s, err);
}

static void strategy_release(void *ctx)
{
    struct strategy_ctx *c = ctx;
    mt_strategy_release(&c->s);
}

static void strategy_keep(void *ctx)
{
    struct strategy_ctx *c = ctx;
    snprintf(c->ref_id, sizeof c->ref_id, "%s", mt_strategy_id(&c->s));
    c->ref_n_ind = c->s.n_ind;
    c->ref_lookback = mt_strategy_lookback(&c->s);
    assert_true(c->ref_n_ind > 0);
}

static void strategy_check(void *ctx)
{
    struct strategy_ctx *c = ctx;
    assert_string_equal(mt_strategy_id(&c->s), c->ref_id);
    assert_int_equal(c->s.n_ind, c->ref_n_ind);
    assert_int_equal(mt_strategy_lookback(&c->s), c->ref_lookback);
}

static void test_strategy_parse(void **state)
{
    (void)state;
    static const char *const ids[] = {"channel_run:200:mid:edge", "trail_fractals:5:2"};
    const struct scenario sc = {.name = "mt_strategy_parse",
                                .run = strategy_run,
                                .release = strategy_release,
                                .keep = strategy_keep,
                                .check = strategy_check};
    for (size_t i = 0; i < 2; i++) {
        struct strategy_ctx c = {.id = ids[i]};
        torture(&sc, &c);
    }
}

/* ---- features ---- */

#define FEATURE_BARS 300

struct features_ctx {
    struct mt_series bars;
    struct mt_fset fs, ref_fs; /* default, load: the set parsed */
    char fset_path[MT_STORE_PATH_MAX]; /* load: the default set's JSON */
    struct mt_features f; /* init: the builder; batch: set up once */
    struct mt_fmatrix m, ref_m; /* batch: the matrix */
};

static int fset_run(void *ctx, struct mt_err *err)
{
    struct features_ctx *c = ctx;
    return mt_fset_default(&c->fs, err);
}

static int fset_load_run(void *ctx, struct mt_err *err)
{
    struct features_ctx *c = ctx;
    return mt_fset_load(c->fset_path, &c->fs, err);
}

static void fset_release(void *ctx)
{
    struct features_ctx *c = ctx;
    mt_fset_release(&c->fs);
}

static void fset_keep(void *ctx)
{
    struct features_ctx *c = ctx;
    c->ref_fs = c->fs;
    c->fs = (struct mt_fset){0};
    assert_true(c->ref_fs.columns >= 150);
}

static void fset_check(void *ctx)
{
    struct features_ctx *c = ctx;
    assert_int_equal(c->fs.n, c->ref_fs.n);
    assert_int_equal(c->fs.columns, c->ref_fs.columns);
    for (size_t i = 0; i < c->fs.n; i++) {
        assert_string_equal(c->fs.items[i].name, c->ref_fs.items[i].name);
        assert_ptr_equal(c->fs.items[i].def, c->ref_fs.items[i].def);
        assert_int_equal(c->fs.items[i].outputs, c->ref_fs.items[i].outputs);
    }
}

static int finit_run(void *ctx, struct mt_err *err)
{
    struct features_ctx *c = ctx;
    return mt_features_init(&c->f, &c->fs, MT_TF_1H, err);
}

static void finit_release(void *ctx)
{
    struct features_ctx *c = ctx;
    mt_features_release(&c->f);
}

static void finit_check(void *ctx)
{
    struct features_ctx *c = ctx;
    assert_ptr_equal(c->f.fs, &c->fs);
    assert_int_equal(c->f.fed, 0);
}

static int batch_run(void *ctx, struct mt_err *err)
{
    struct features_ctx *c = ctx;
    return mt_features_batch(&c->f, &c->bars, &c->m, err);
}

static void batch_release(void *ctx)
{
    struct features_ctx *c = ctx;
    mt_fmatrix_release(&c->m);
}

static void batch_keep(void *ctx)
{
    struct features_ctx *c = ctx;
    c->ref_m = c->m;
    mt_fmatrix_init(&c->m);
    assert_int_equal(c->ref_m.rows, FEATURE_BARS);
}

static void batch_check(void *ctx)
{
    struct features_ctx *c = ctx;
    assert_int_equal(c->m.rows, c->ref_m.rows);
    assert_int_equal(c->m.cols, c->ref_m.cols);
    assert_memory_equal(c->m.v, c->ref_m.v, c->m.rows * c->m.cols * sizeof *c->m.v);
    for (size_t k = 0; k < c->m.cols; k++)
        assert_string_equal(c->m.names[k], c->ref_m.names[k]);
    assert_memory_equal(c->m.time, c->ref_m.time, c->m.rows * sizeof *c->m.time);
}

/* The default set: parsing it (also from a file), setting up its
 * indicators, the matrix of FEATURE_BARS bars. */
static void test_features(void **state)
{
    (void)state;
    struct features_ctx c;
    memset(&c, 0, sizeof c);
    slice(&c.bars, &btc, 1000, 1000 + FEATURE_BARS);
    mt_fmatrix_init(&c.m);
    const struct scenario parse = {
        .name = "mt_fset_default", .run = fset_run, .release = fset_release, .keep = fset_keep, .check = fset_check};
    torture(&parse, &c);
    char *dir = tu_mkdtemp();
    snprintf(c.fset_path, sizeof c.fset_path, "%s/default.json", dir);
    tu_write_file(c.fset_path, mt_fset_default_json(), strlen(mt_fset_default_json()));
    const struct scenario load = {
        .name = "mt_fset_load", .run = fset_load_run, .release = fset_release, .check = fset_check};
    torture(&load, &c);
    tu_rmtree(dir);
    free(dir);
    struct mt_err err = {0};
    assert_int_equal(mt_fset_default(&c.fs, &err), 0);
    const struct scenario init = {
        .name = "mt_features_init", .run = finit_run, .release = finit_release, .check = finit_check};
    torture(&init, &c);
    assert_int_equal(mt_features_init(&c.f, &c.fs, MT_TF_1H, &err), 0);
    const struct scenario batch = {.name = "mt_features_batch",
                                   .run = batch_run,
                                   .release = batch_release,
                                   .keep = batch_keep,
                                   .check = batch_check};
    torture(&batch, &c);
    mt_fmatrix_release(&c.ref_m);
    mt_features_release(&c.f);
    mt_fset_release(&c.fs);
    mt_fset_release(&c.ref_fs);
    mt_series_release(&c.bars);
}

/* ---- backtests ---- */

/* Trades compare on what they became: kind, side, fills, exit, pnl. */
static void trade_same(const struct mt_trade *a, const struct mt_trade *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->side, b->side);
    assert_int_equal(a->open_time, b->open_time);
    tu_assert_same_double(a->entry, b->entry);
    tu_assert_same_double(a->init_size, b->init_size);
    tu_assert_same_double(a->realized, b->realized);
    assert_int_equal(a->exit, b->exit);
    assert_int_equal(a->close_time, b->close_time);
    assert_int_equal(a->n_legs, b->n_legs);
}

struct setups_ctx {
    struct mt_series bars;
    struct mt_setup_run run;
    struct mt_setup_outcomes o, ref;
};

static int setups_run(void *ctx, struct mt_err *err)
{
    struct setups_ctx *c = ctx;
    return mt_setups_backtest(&c->bars, &c->run, &c->o, err);
}

static void setups_release(void *ctx)
{
    struct setups_ctx *c = ctx;
    mt_setup_outcomes_release(&c->o);
}

/* The reference must hold tracked follow-ons and several kinds of exit, so
 * that every allocation path of the run is reached. */
static void setups_keep(void *ctx)
{
    struct setups_ctx *c = ctx;
    c->ref = c->o;
    c->o = (struct mt_setup_outcomes){0};
    unsigned exits = 0;
    size_t tracked = 0;
    for (size_t i = 0; i < c->ref.n; i++) {
        exits |= 1u << c->ref.v[i].trade.exit;
        tracked += c->ref.v[i].parent >= 0;
    }
    printf("%s: %zu outcomes, %zu tracked, exits 0x%x\n", c->run.strategy_id, c->ref.n, tracked, exits);
    assert_true(c->ref.n >= 10);
    assert_true(tracked > 0);
    assert_true(exits & (1u << MT_EXIT_STOP));
}

static void setups_check(void *ctx)
{
    struct setups_ctx *c = ctx;
    assert_int_equal(c->o.n, c->ref.n);
    assert_int_equal(c->o.untradable, c->ref.untradable);
    for (size_t i = 0; i < c->o.n; i++) {
        assert_int_equal(c->o.v[i].setup.time, c->ref.v[i].setup.time);
        assert_int_equal(c->o.v[i].bar, c->ref.v[i].bar);
        assert_int_equal(c->o.v[i].parent, c->ref.v[i].parent);
        trade_same(&c->o.v[i].trade, &c->ref.v[i].trade);
    }
}

#define BACKTEST_FROM 2000
#define BACKTEST_BARS 400

static void test_setups_backtest(void **state)
{
    (void)state;
    static const char *const ids[] = {"channel_run:24:mid:edge", "trail_fractals:5:2"};
    const struct scenario sc = {.name = "mt_setups_backtest",
                                .run = setups_run,
                                .release = setups_release,
                                .keep = setups_keep,
                                .check = setups_check};
    for (size_t i = 0; i < 2; i++) {
        struct setups_ctx c = {.run = mt_setup_run_default(ids[i], MT_TF_1H, 0.0005)};
        c.run.rules.tp_at_r = 1.8; /* Channel Run too: full take-profits, followed on as tracked trades */
        c.run.rules.tp_fraction = 1;
        slice(&c.bars, &btc, BACKTEST_FROM, BACKTEST_FROM + BACKTEST_BARS);
        torture(&sc, &c);
        mt_setup_outcomes_release(&c.ref);
        mt_series_release(&c.bars);
    }
}

struct portfolio_ctx {
    struct mt_series bars[2];
    struct mt_portfolio_series ps[2];
    struct mt_portfolio_config cfg;
    struct mt_engine_agent agents[2];
    struct mt_portfolio_result r, ref;
};

static const char *const portfolio_ids[2] = {"channel_run:24:mid:edge", "trail_fractals:5:2"};

static int portfolio_run(void *ctx, struct mt_err *err)
{
    struct portfolio_ctx *c = ctx;
    return mt_portfolio_run(c->ps, 2, c->agents, 2, MT_TF_1H, &c->cfg, &c->r, err);
}

static void portfolio_release(void *ctx)
{
    struct portfolio_ctx *c = ctx;
    mt_portfolio_result_release(&c->r);
}

/* The reference must hold real, sim and tracked trades. */
static void portfolio_keep(void *ctx)
{
    struct portfolio_ctx *c = ctx;
    c->ref = c->r;
    c->r = (struct mt_portfolio_result){0};
    printf("mt_portfolio_run: %zu trades: %zu real, %zu sim, %zu tracked\n", c->ref.n_trades, c->ref.real, c->ref.sim,
           c->ref.tracked);
    assert_true(c->ref.real > 0 && c->ref.sim > 0 && c->ref.tracked > 0);
}

static void portfolio_check(void *ctx)
{
    struct portfolio_ctx *c = ctx;
    assert_int_equal(c->r.n_trades, c->ref.n_trades);
    for (size_t i = 0; i < c->r.n_trades; i++) {
        const struct mt_portfolio_trade *a = &c->r.trades[i], *b = &c->ref.trades[i];
        assert_int_equal(a->agent, b->agent);
        assert_int_equal(a->series, b->series);
        assert_int_equal(a->setup.time, b->setup.time);
        assert_int_equal(a->parent, b->parent);
        assert_int_equal(a->sim_reasons, b->sim_reasons);
        trade_same(&a->trade, &b->trade);
    }
    assert_int_equal(c->r.n_equity, c->ref.n_equity);
    for (size_t i = 0; i < c->r.n_equity; i++) {
        assert_int_equal(c->r.equity[i].time, c->ref.equity[i].time);
        tu_assert_same_double(c->r.equity[i].equity, c->ref.equity[i].equity);
    }
    assert_int_equal(c->r.n_symbols, 2);
    for (size_t i = 0; i < 2; i++)
        tu_assert_same_double(c->r.symbols[i].pnl, c->ref.symbols[i].pnl);
    tu_assert_same_double(c->r.metrics.sharpe, c->ref.metrics.sharpe);
    assert_int_equal(c->r.real, c->ref.real);
    assert_int_equal(c->r.sim, c->ref.sim);
    assert_int_equal(c->r.tracked, c->ref.tracked);
    assert_int_equal(c->r.decisions.untradable, c->ref.decisions.untradable);
    assert_int_equal(c->r.decisions.held, c->ref.decisions.held);
    assert_int_equal(c->r.decisions.opposite, c->ref.decisions.opposite);
}

/* Two agents on BTCUSDT and ETHUSDT (the sample data) over the same hours,
 * with at most two open positions, so that setups are refused. */
static void test_portfolio_run(void **state)
{
    (void)state;
    struct portfolio_ctx c;
    memset(&c, 0, sizeof c);
    struct mt_err err = {0};
    slice(&c.bars[0], &btc, BACKTEST_FROM, BACKTEST_FROM + BACKTEST_BARS);
    char path[MT_STORE_PATH_MAX];
    snprintf(path, sizeof path, "%s/data/sample/ohlcv/1h/ETHUSDT.parquet", getenv("MT_SOURCE_ROOT"));
    struct mt_series eth;
    mt_series_init(&eth, 0);
    if (mt_store_read_file(path, &eth, &err))
        fail_msg("%s", err.msg);
    size_t from = mt_series_lower_bound(&eth, btc.open_time[BACKTEST_FROM]);
    assert_int_equal(eth.open_time[from], btc.open_time[BACKTEST_FROM]);
    slice(&c.bars[1], &eth, from, from + BACKTEST_BARS);
    mt_series_release(&eth);
    c.ps[0] = (struct mt_portfolio_series){"BTCUSDT", &c.bars[0], NULL, NULL, NULL, 0};
    c.ps[1] = (struct mt_portfolio_series){"ETHUSDT", &c.bars[1], NULL, NULL, NULL, 0};
    c.cfg = mt_portfolio_config_default();
    c.cfg.limits.max_positions = 2;
    for (size_t a = 0; a < 2; a++) {
        c.agents[a] = mt_engine_agent_for(portfolio_ids[a], NULL);
        c.agents[a].rules.tp_fraction = 1; /* full take-profits, followed on as tracked trades */
    }
    const struct scenario sc = {.name = "mt_portfolio_run",
                                .run = portfolio_run,
                                .release = portfolio_release,
                                .keep = portfolio_keep,
                                .check = portfolio_check};
    torture(&sc, &c);
    mt_portfolio_result_release(&c.ref);
    mt_series_release(&c.bars[0]);
    mt_series_release(&c.bars[1]);
}

struct dataset_ctx {
    char *dir;
    char path[MT_STORE_PATH_MAX];
    struct mt_series bars;
    struct mt_fmatrix m;
    struct mt_setup_outcomes o[2];
    size_t rows, bytes;
    char *file, *ref_file; /* the file written */
    size_t ref_size;
    struct mt_dataset back; /* the file read back */
};

static const char *const dataset_ids[2] = {"channel_run:24:mid:edge", "trail_fractals:5:2"};

/* A caller's whole use: init, add both strategies' outcomes with their
 * features, write, release (on every path). */
static int dataset_run(void *ctx, struct mt_err *err)
{
    struct dataset_ctx *c = ctx;
    const double win[2] = {0, 1.5};
    struct mt_dataset d;
    int rc = mt_dataset_init(&d, win, 2, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < 2 && !rc; i++)
        rc = mt_dataset_add(&d, i ? "ETHUSDT" : "BTCUSDT", MT_TF_1H, dataset_ids[i], &c->o[i], &c->m, err);
    if (!rc)
        rc = mt_dataset_write(&d, c->path, &c->bytes, err);
    c->rows = d.rows + d.written;
    mt_dataset_release(&d);
    return rc;
}

static void dataset_release(void *ctx)
{
    struct dataset_ctx *c = ctx;
    free(c->file);
    c->file = NULL;
}

static void dataset_keep(void *ctx)
{
    struct dataset_ctx *c = ctx;
    assert_int_equal(c->rows, c->o[0].n + c->o[1].n);
    c->ref_file = tu_read_file(c->path, &c->ref_size);
    assert_int_equal(c->bytes, c->ref_size);
}

static void dataset_check(void *ctx)
{
    struct dataset_ctx *c = ctx;
    size_t size;
    c->file = tu_read_file(c->path, &size);
    assert_int_equal(size, c->ref_size);
    assert_memory_equal(c->file, c->ref_file, size);
}

/* Reading the file written back: every row and column. */
static int dataset_read_run(void *ctx, struct mt_err *err)
{
    struct dataset_ctx *c = ctx;
    return mt_dataset_read(c->path, &c->back, err);
}

static void dataset_read_release(void *ctx)
{
    struct dataset_ctx *c = ctx;
    mt_dataset_release(&c->back);
}

static void dataset_read_check(void *ctx)
{
    struct dataset_ctx *c = ctx;
    assert_int_equal(c->back.rows, c->o[0].n + c->o[1].n);
    assert_int_equal(c->back.n_names, 4);
    assert_int_equal(c->back.n_win, 2);
    assert_true(c->back.n_feat > 100);
}

/* The labelled dataset of both strategies' setups on 400 bars, with the
 * features of the default set; then the file read back. */
static void test_dataset(void **state)
{
    (void)state;
    struct dataset_ctx c;
    memset(&c, 0, sizeof c);
    c.dir = tu_mkdtemp();
    snprintf(c.path, sizeof c.path, "%s/setups.parquet", c.dir);
    slice(&c.bars, &btc, BACKTEST_FROM, BACKTEST_FROM + BACKTEST_BARS);
    struct mt_err err = {0};
    struct mt_fset fs;
    struct mt_features f;
    assert_int_equal(mt_fset_default(&fs, &err), 0);
    assert_int_equal(mt_features_init(&f, &fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&f, &c.bars, &c.m, &err), 0);
    mt_features_release(&f);
    mt_fset_release(&fs);
    for (size_t i = 0; i < 2; i++) {
        struct mt_setup_run run = mt_setup_run_default(dataset_ids[i], MT_TF_1H, 0.0005);
        run.rules.tp_at_r = 1.8;
        run.rules.tp_fraction = 1;
        assert_int_equal(mt_setups_backtest(&c.bars, &run, &c.o[i], &err), 0);
    }
    const struct scenario sc = {.name = "mt_dataset",
                                .run = dataset_run,
                                .release = dataset_release,
                                .keep = dataset_keep,
                                .check = dataset_check};
    torture(&sc, &c);
    const struct scenario rd = {.name = "mt_dataset_read",
                                .run = dataset_read_run,
                                .release = dataset_read_release,
                                .check = dataset_read_check};
    torture(&rd, &c);
    free(c.ref_file);
    for (size_t i = 0; i < 2; i++)
        mt_setup_outcomes_release(&c.o[i]);
    mt_fmatrix_release(&c.m);
    mt_series_release(&c.bars);
    tu_rmtree(c.dir);
    free(c.dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_save),
        cmocka_unit_test(test_store_load),
        cmocka_unit_test(test_store_merge),
        cmocka_unit_test(test_store_read),
        cmocka_unit_test(test_import_path),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_market),
        cmocka_unit_test(test_ranks),
        cmocka_unit_test(test_parquet_write),
        cmocka_unit_test(test_parquet_stream),
        cmocka_unit_test(test_parquet_read),
        cmocka_unit_test(test_strategy_parse),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_setups_backtest),
        cmocka_unit_test(test_portfolio_run),
        cmocka_unit_test(test_dataset),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
