/* Import: file names, zip archives with checksums, Parquet, folders into the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "core/fileio.h"
#include "core/series.h"
#include "store/csv.h"
#include "store/import.h"
#include "parquet/parquet.h"
#include "store/store.h"
#include "store/validate.h"
#include "testutil.h"

#define FEB1 INT64_C(1675209600000)
#define MAR1 INT64_C(1677628800000)

static void copy_fixture(const char *fixture, const char *dir, const char *name)
{
    size_t len;
    char *data = tu_read_file(tu_fixture(fixture), &len);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    assert_int_equal(mt_mkdirs(path, NULL), 0);
    *slash = '/';
    tu_write_file(path, data, len);
    free(data);
}

static void names(void **state)
{
    (void)state;
    char sym[MT_STORE_SYMBOL_MAX + 1];
    enum mt_tf tf;
    bool found;
    struct mt_err err = {0};
    assert_int_equal(mt_import_parse_name("/x/BTCUSDT-1h.csv", sym, sizeof sym, &tf, &found, &err),
                     0);
    assert_string_equal(sym, "BTCUSDT");
    assert_true(found && tf == MT_TF_1H);
    assert_int_equal(mt_import_parse_name("BTCUSDT-1h-2023-01.zip", sym, sizeof sym, &tf, &found,
                                          NULL),
                     0);
    assert_true(found && tf == MT_TF_1H);
    assert_int_equal(mt_import_parse_name("a/b/BTCUSDT_1h.parquet", sym, sizeof sym, &tf, &found,
                                          NULL),
                     0);
    assert_true(found && tf == MT_TF_1H);
    assert_int_equal(mt_import_parse_name("btc_usdt-1d.csv", sym, sizeof sym, &tf, &found, NULL),
                     0);
    assert_string_equal(sym, "BTCUSDT");
    assert_true(found && tf == MT_TF_1D);
    /* 1M is a month, 1m a minute; archives spell months 1mo */
    assert_int_equal(mt_import_parse_name("ETHUSDT-1M.csv", sym, sizeof sym, &tf, &found, NULL), 0);
    assert_int_equal(tf, MT_TF_1MO);
    assert_int_equal(mt_import_parse_name("ETHUSDT-1m.csv", sym, sizeof sym, &tf, &found, NULL), 0);
    assert_int_equal(tf, MT_TF_1M_MIN);
    assert_int_equal(mt_import_parse_name("ETHUSDT-1mo-2024-02.zip", sym, sizeof sym, &tf, &found,
                                          NULL),
                     0);
    assert_int_equal(tf, MT_TF_1MO);
    assert_int_equal(mt_import_parse_name("SOLUSDT-2024-01.csv", sym, sizeof sym, &tf, &found,
                                          NULL),
                     0);
    assert_string_equal(sym, "SOLUSDT");
    assert_false(found);
    /* A store layout gives the timeframe through its folder name. */
    assert_int_equal(mt_import_parse_name("/srv/data/ohlcv/4h/SOLUSDT.parquet", sym, sizeof sym,
                                          &tf, &found, NULL),
                     0);
    assert_string_equal(sym, "SOLUSDT");
    assert_true(found && tf == MT_TF_4H);
    assert_int_equal(mt_import_parse_name("ohlcv/1M/SOLUSDT.parquet", sym, sizeof sym, &tf,
                                          &found, NULL),
                     0);
    assert_true(found && tf == MT_TF_1MO);
    assert_int_equal(mt_import_parse_name("hourly/SOLUSDT.parquet", sym, sizeof sym, &tf, &found,
                                          NULL),
                     0);
    assert_false(found);
    assert_int_equal(mt_import_parse_name("my data.csv", sym, sizeof sym, &tf, &found, &err),
                     MT_EINVAL);
    assert_non_null(strstr(err.msg, "cannot tell the symbol from the file name my data.csv"));
    assert_int_equal(mt_import_parse_name("prices.csv", sym, sizeof sym, &tf, &found, NULL),
                     MT_EINVAL);
    assert_int_equal(mt_import_parse_name("BTCUSDT.csv", sym, sizeof sym, &tf, &found, NULL), 0);
    assert_string_equal(sym, "BTCUSDT");
    assert_false(found);
}

static void zip_with_checksum(void **state)
{
    (void)state;
    struct mt_import_file f;
    struct mt_err err = {0};
    mt_import_file_init(&f);
    int rc = mt_import_read(tu_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip"), NULL, &f, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_string_equal(f.symbol, "BTCUSDT");
    assert_int_equal(f.tf, MT_TF_1H);
    assert_int_equal(f.checksum, MT_CHECKSUM_VERIFIED);
    assert_int_equal(f.series.n, 672);
    assert_int_equal(f.series.fields, MT_F_ALL);
    assert_int_equal(f.series.open_time[0], FEB1);
    assert_int_equal(f.series.open_time[671], MAR1 - INT64_C(3600000));

    const char *bad = tu_fixture("ohlcv/zip_bad/BTCUSDT-1h-2023-02.zip");
    char bad_path[4096];
    snprintf(bad_path, sizeof bad_path, "%s", bad);
    assert_int_equal(mt_import_read(bad_path, NULL, &f, &err), MT_ECHECKSUM);
    char want[600];
    snprintf(want, sizeof want,
             "%s: SHA-256 is 7560d826d29418f0e641c4fbbc6c0faf5e50c17e8049fa18cba3e93f2783957c but "
             "BTCUSDT-1h-2023-02.zip.CHECKSUM says "
             "7f60d826d29418f0e641c4fbbc6c0faf5e50c17e8049fa18cba3e93f2783957c",
             bad_path);
    assert_string_equal(err.msg, want);
    assert_int_equal(f.series.n, 0);
    mt_import_file_release(&f);
}

static void zip_without_checksum_and_corrupt_zip(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip", dir, "BTCUSDT-1h-2023-02.zip");
    char path[4096];
    snprintf(path, sizeof path, "%s/BTCUSDT-1h-2023-02.zip", dir);
    struct mt_import_file f;
    struct mt_err err = {0};
    mt_import_file_init(&f);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), 0);
    assert_int_equal(f.checksum, MT_CHECKSUM_ABSENT);
    assert_int_equal(f.series.n, 672);
    /* flip a byte inside the compressed data: libzip's CRC check catches it */
    size_t len;
    char *data = tu_read_file(path, &len);
    data[len / 2] = (char)(data[len / 2] ^ 0x55);
    tu_write_file(path, data, len);
    free(data);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), MT_EFORMAT);
    /* it said "corrupt entry: No error" when the damaged data unpacked short */
    char want[4200];
    snprintf(want, sizeof want, "%s: the entry BTCUSDT-1h-2023-02.csv is corrupt: CRC error",
             path);
    assert_string_equal(err.msg, want);
    /* not a zip at all */
    tu_write_file(path, "hello", 5);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "cannot open the zip"));
    mt_import_file_release(&f);
    tu_rmtree(dir);
    free(dir);
}

/* An archive read from memory (the fuzz target's way) gives what mt_import_read
 * gives for the same file, and the same errors. */
static void zip_in_memory(void **state)
{
    (void)state;
    size_t size;
    const char *path = tu_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip");
    char *zip = tu_read_file(path, &size);
    struct mt_import_file mem, file;
    mt_import_file_init(&mem);
    mt_import_file_init(&file);
    struct mt_err err = {0};
    int rc = mt_import_read_zip_mem(zip, size, "BTCUSDT-1h-2023-02.zip", NULL, &mem, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_int_equal(mt_import_read(path, NULL, &file, &err), 0);
    assert_int_equal(mem.series.n, 672);
    assert_int_equal(mem.series.open_time[0], INT64_C(1675209600000));
    assert_int_equal(mem.tf, MT_TF_1H);
    tu_assert_series_same(&mem.series, &file.series);
    assert_int_equal(mt_import_read_zip_mem(zip, size, "BTCUSDT-1h-2023-02.csv", NULL, &mem, &err),
                     MT_EINVAL);
    assert_string_equal(err.msg, "BTCUSDT-1h-2023-02.csv: expected a name ending in .zip");
    zip[size / 2] = (char)(zip[size / 2] ^ 0x55);
    assert_int_not_equal(mt_import_read_zip_mem(zip, size, "x.zip", NULL, &mem, &err), 0);
    assert_non_null(strstr(err.msg, "x.zip"));
    assert_int_equal(mem.series.n, 0);
    assert_int_equal(mt_import_read_zip_mem("hello", 5, "x.zip", NULL, &mem, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "x.zip: cannot open the zip"));
    mt_import_file_release(&mem);
    mt_import_file_release(&file);
    free(zip);
}

static void overrides_and_unknown_timeframe(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    copy_fixture("ohlcv/csv/BTCUSDT-1h.csv", dir, "prices.csv");
    char path[4096];
    snprintf(path, sizeof path, "%s/prices.csv", dir);
    struct mt_import_file f;
    struct mt_err err = {0};
    mt_import_file_init(&f);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "cannot tell the symbol"));
    struct mt_import_opts opts = {.symbol = "ETHUSDT"};
    assert_int_equal(mt_import_read(path, &opts, &f, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "cannot tell the timeframe"));
    opts.tf_set = true;
    opts.tf = MT_TF_1H;
    assert_int_equal(mt_import_read(path, &opts, &f, &err), 0);
    assert_string_equal(f.symbol, "ETHUSDT");
    assert_int_equal(f.series.n, 200);
    opts.symbol = "eth";
    assert_int_equal(mt_import_read(path, &opts, &f, &err), MT_EINVAL);
    assert_int_equal(mt_import_read("x/BTCUSDT-1h.txt", NULL, &f, &err), MT_EUNSUPPORTED);
    mt_import_file_release(&f);
    tu_rmtree(dir);
    free(dir);
}

static void folder_into_store(void **state)
{
    (void)state;
    char *src = tu_mkdtemp(), *data = tu_mkdtemp();
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip", src, "a/BTCUSDT-1h-2023-02.zip");
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip.CHECKSUM", src,
                 "a/BTCUSDT-1h-2023-02.zip.CHECKSUM");
    copy_fixture("ohlcv/vision_noheader/BTCUSDT-1h-2023-03.csv", src, "a/BTCUSDT-1h-2023-03.csv");
    copy_fixture("ohlcv/csv/BTCUSDT-1h.csv", src, "b/BTCUSDT-1h.csv");
    copy_fixture("ohlcv/README.md", src, "b/notes.txt");
    /* a 1h file named 4h: fails alone */
    copy_fixture("ohlcv/micros/BTCUSDT-1h-2023-03.csv", src, "b/c/BTCUSDT-4h-2023-03.csv");
    /* an archive whose checksum names another file */
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip", src, "d/ETHUSDT-1h-2023-02.zip");
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip.CHECKSUM", src,
                 "d/ETHUSDT-1h-2023-02.zip.CHECKSUM");
    copy_fixture("parquet/pandas_btcusdt_1h_futures.parquet", src, "e/BTCUSDT_1h.parquet");

    struct mt_import_results res;
    struct mt_err err = {0};
    assert_int_equal(mt_import_path(data, src, NULL, &res, &err), 0);
    assert_int_equal(res.n, 7);
    assert_int_equal(res.ok, 4);
    assert_int_equal(res.skipped, 1);
    assert_int_equal(res.failed, 2);
    const struct mt_import_result *r = res.items;
    assert_non_null(strstr(r[0].path, "a/BTCUSDT-1h-2023-02.zip"));
    assert_int_equal(r[0].status, MT_IMPORT_OK);
    assert_int_equal(r[0].checksum, MT_CHECKSUM_VERIFIED);
    assert_int_equal(r[0].rows, 672);
    assert_int_equal(r[0].merge.added, 672);
    /* BTCUSDT 1h files 0, 1, 2 and 6 form one run (failed and skipped files do not
     * break it): the store file is written once, reported on file 6. */
    assert_int_equal(r[0].merge.bytes_written, 0);
    assert_int_equal(r[1].merge.rows_before, 672);
    assert_int_equal(r[1].merge.added, 743);
    assert_int_equal(r[1].merge.bytes_written, 0);
    assert_null(r[1].message);
    /* the freqtrade CSV equals the archive on its six columns */
    assert_non_null(strstr(r[2].path, "b/BTCUSDT-1h.csv"));
    assert_int_equal(r[2].merge.identical, 200);
    assert_int_equal(r[2].merge.added + r[2].merge.replaced, 0);
    assert_non_null(strstr(r[3].path, "b/c/BTCUSDT-4h-2023-03.csv"));
    assert_int_equal(r[3].status, MT_IMPORT_FAILED);
    assert_int_equal(r[3].code, MT_EDATA);
    assert_non_null(strstr(r[3].message, "not on the 4h grid"));
    assert_int_equal(r[4].status, MT_IMPORT_SKIPPED);
    assert_non_null(strstr(r[4].path, "b/notes.txt"));
    assert_int_equal(r[5].status, MT_IMPORT_FAILED);
    assert_int_equal(r[5].code, MT_ECHECKSUM);
    assert_non_null(strstr(r[5].message, "is for 'BTCUSDT-1h-2023-02.zip'"));
    /* The pandas file (USD-M futures, 2023-01-01 .. 2026-03-25 13:00, every spot hour
     * included, no price equal to spot; checked with DuckDB). */
    assert_int_equal(r[6].status, MT_IMPORT_OK);
    assert_int_equal(r[6].rows, 28310);
    assert_int_equal(r[6].merge.rows_before, 1415);
    assert_int_equal(r[6].merge.replaced, 1415);
    assert_int_equal(r[6].merge.identical, 0);
    assert_int_equal(r[6].merge.added, 28310 - 1415);
    assert_int_equal(r[6].merge.first_replaced, FEB1);
    char stored[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(stored, sizeof stored, data, "BTCUSDT", MT_TF_1H, &err), 0);
    struct stat st;
    assert_int_equal(stat(stored, &st), 0);
    assert_int_equal(r[6].merge.bytes_written, (size_t)st.st_size);

    struct mt_series s;
    mt_series_init(&s, 0);
    assert_int_equal(mt_store_load(data, "BTCUSDT", MT_TF_1H, &s, &err), 0);
    assert_int_equal(s.n, 28310);
    /* every spot row was replaced by a futures row without trade counts etc.:
     * those columns hold only nulls, which reads back as absent fields */
    assert_int_equal(s.fields, MT_F_OHLCV);
    size_t feb = mt_series_lower_bound(&s, FEB1);
    assert_true(isnan(s.trades[feb]));
    tu_assert_same_double(s.open[0], 16537.5);
    mt_series_release(&s);
    mt_import_results_release(&res);

    /* The spot data alone: Feb + Mar = 1415 rows, the known outage and flat candle. */
    char *data2 = tu_mkdtemp();
    char a[4096];
    snprintf(a, sizeof a, "%s/a", src);
    assert_int_equal(mt_import_path(data2, a, NULL, &res, &err), 0);
    assert_int_equal(res.ok, 2);
    mt_import_results_release(&res);
    mt_series_init(&s, 0);
    assert_int_equal(mt_store_load(data2, "BTCUSDT", MT_TF_1H, &s, &err), 0);
    assert_int_equal(s.n, 1415);
    assert_int_equal(s.fields, MT_F_ALL);
    struct mt_validate_report *v = malloc(sizeof *v);
    assert_non_null(v);
    assert_int_equal(mt_validate_series(&s, MT_TF_1H, v, &err), 0);
    assert_int_equal(v->issues, 2);
    assert_int_equal(v->counts[MT_ISSUE_GAP], 1);
    assert_int_equal(v->counts[MT_ISSUE_FLAT_ZERO_VOLUME], 1);
    free(v);

    /* Importing the same folder again changes and writes nothing. */
    char path[MT_STORE_PATH_MAX];
    assert_int_equal(mt_store_path(path, sizeof path, data2, "BTCUSDT", MT_TF_1H, &err), 0);
    struct stat st1, st2;
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal(mt_import_path(data2, a, NULL, &res, &err), 0);
    assert_int_equal(res.ok, 2);
    for (size_t i = 0; i < res.n; i++) {
        assert_int_equal(res.items[i].merge.added + res.items[i].merge.replaced, 0);
        assert_int_equal(res.items[i].merge.bytes_written, 0);
    }
    assert_int_equal(stat(path, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino);
    mt_import_results_release(&res);

    /* a single file works too; a missing path is a call error */
    snprintf(a, sizeof a, "%s/b/BTCUSDT-1h.csv", src);
    assert_int_equal(mt_import_path(data2, a, NULL, &res, &err), 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.items[0].merge.identical, 200);
    mt_import_results_release(&res);
    snprintf(a, sizeof a, "%s/nope", src);
    assert_int_equal(mt_import_path(data2, a, NULL, &res, &err), MT_ENOENT);
    mt_import_results_release(&res);

    mt_series_release(&s);
    tu_rmtree(src);
    tu_rmtree(data);
    tu_rmtree(data2);
    free(src);
    free(data);
    free(data2);
}

/* The CSV inside a zip, unpacked whole as import did before it streamed. */
static char *unzip_whole(const char *path, size_t *len)
{
    zip_t *za = zip_open(path, ZIP_RDONLY, NULL);
    assert_non_null(za);
    zip_stat_t st;
    assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
    char *text = malloc(st.size + 1);
    assert_non_null(text);
    zip_file_t *zf = zip_fopen_index(za, 0, 0);
    assert_non_null(zf);
    assert_int_equal(zip_fread(zf, text, st.size), (zip_int64_t)st.size);
    zip_fclose(zf);
    zip_discard(za);
    *len = (size_t)st.size;
    return text;
}

/* The file read with the given chunk size. */
static void read_chunked(const char *path, size_t chunk, struct mt_import_file *f)
{
    struct mt_import_opts opts = {.chunk = chunk};
    struct mt_err err = {0};
    mt_import_file_init(f);
    if (mt_import_read(path, &opts, f, &err))
        fail_msg("%s", err.msg);
}

static void streamed_zip_and_csv(void **state)
{
    (void)state;
    const char *paths[] = {"ohlcv/zip/BTCUSDT-1h-2023-02.zip",
                           "ohlcv/vision/BTCUSDT-1h-2023-03.csv"};
    for (size_t k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", tu_fixture(paths[k]));
        /* the whole-file result: the unpacked text (the CSV itself) parsed at once */
        struct mt_series whole;
        struct mt_csv_info info;
        mt_series_init(&whole, 0);
        size_t len;
        char *text = k == 0 ? unzip_whole(path, &len) : tu_read_file(path, &len);
        assert_int_equal(mt_csv_parse(text, len, path, NULL, &whole, &info, NULL), 0);
        assert_int_equal(whole.n, k == 0 ? 672 : 743);
        free(text);
        const size_t chunks[] = {1, 7, 100, 4096};
        for (size_t c = 0; c < 4; c++) {
            struct mt_import_file f;
            read_chunked(path, chunks[c], &f);
            assert_int_equal(f.series.n, whole.n);
            assert_int_equal(f.series.fields, whole.fields);
            assert_memory_equal(f.series.open_time, whole.open_time, whole.n * sizeof(int64_t));
            assert_memory_equal(f.series.close, whole.close, whole.n * sizeof(double));
            assert_memory_equal(f.series.taker_buy_quote, whole.taker_buy_quote,
                                whole.n * sizeof(double));
            assert_int_equal(f.checksum, k == 0 ? MT_CHECKSUM_VERIFIED : MT_CHECKSUM_ABSENT);
            assert_int_equal(f.early_closes, k == 0 ? 0 : 1);
            mt_import_file_release(&f);
        }
        mt_series_release(&whole);
    }
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write_file(path, text, strlen(text));
}

/* Writes a Parquet file with a DOUBLE trades column, as pandas does. */
static void write_parquet(const char *path, size_t n, const int64_t *t, const double *high,
                          const double *trades)
{
    const double one[] = {1, 1, 1}, low[] = {0.5, 0.5, 0.5};
    struct mt_pq_column cols[] = {
        {.name = "open_time", .type = MT_PQ_INT64, .values = t},
        {.name = "open", .type = MT_PQ_DOUBLE, .values = one},
        {.name = "high", .type = MT_PQ_DOUBLE, .values = high},
        {.name = "low", .type = MT_PQ_DOUBLE, .values = low},
        {.name = "close", .type = MT_PQ_DOUBLE, .values = one},
        {.name = "trades", .type = MT_PQ_DOUBLE, .values = trades},
    };
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct mt_pq_write_opts o = {0};
    struct mt_err err = {0};
    if (mt_pq_write(f, &(struct mt_pq_table){.nrows = n, .ncols = 6, .cols = cols}, &o, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(fclose(f), 0);
}

static void invalid_rows_fail_unless_allowed(void **state)
{
    (void)state;
    char *src = tu_mkdtemp(), *data = tu_mkdtemp();
    write_text(src, "BTCUSDT-1h.csv",
               "open_time,open,high,low,close,volume\n"
               "1677628800000,1,2,0.5,1.5,10\n"
               "1677632400000,1,0.4,0.5,1.5,10\n"
               "1677636000000,1,2,0.5,1.5,-3\n");
    const int64_t t[] = {1677628800000, 1677632400000, 1677636000000};
    const double high[] = {2, 2, 0.25}, trades[] = {5, 6, 7};
    char path[4096];
    snprintf(path, sizeof path, "%s/ETHUSDT_1h.parquet", src);
    write_parquet(path, 3, t, high, trades);

    struct mt_import_results res;
    struct mt_err err = {0};
    assert_int_equal(mt_import_path(data, src, NULL, &res, &err), 0);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.failed, 2);
    assert_int_equal(res.added + res.invalid, 0);
    const struct mt_import_result *r = res.items;
    assert_int_equal(r[0].code, MT_EDATA);
    assert_int_equal(r[0].invalid, 2);
    assert_int_equal(r[0].rows, 3);
    char want[4400];
    snprintf(want, sizeof want,
             "%s/BTCUSDT-1h.csv line 3 column 3 (high): invalid candle: high 0.4 below "
             "max(open, close) 1.5 (2 invalid rows in the file; --allow-invalid imports them)",
             src);
    assert_string_equal(r[0].message, want);
    snprintf(want, sizeof want,
             "%s row 2 (open time 2023-03-01 02:00) column high: invalid candle: high 0.25 "
             "below max(open, close) 1 (1 invalid row in the file; --allow-invalid imports "
             "them)",
             path);
    assert_string_equal(r[1].message, want);
    assert_int_equal(r[1].invalid, 1);
    struct mt_series s;
    mt_series_init(&s, 0);
    assert_int_equal(mt_store_load(data, "BTCUSDT", MT_TF_1H, &s, &err), MT_ENOENT);
    mt_import_results_release(&res);

    struct mt_import_opts opts = {.allow_invalid = true};
    assert_int_equal(mt_import_path(data, src, &opts, &res, &err), 0);
    assert_int_equal(res.ok, 2);
    assert_int_equal(res.invalid, 3);
    assert_int_equal(res.added, 6);
    assert_int_equal(res.items[0].invalid, 2);
    assert_int_equal(mt_store_load(data, "BTCUSDT", MT_TF_1H, &s, &err), 0);
    assert_int_equal(s.n, 3);
    tu_assert_same_double(s.volume[2], -3.0);
    mt_series_release(&s);
    mt_import_results_release(&res);
    tu_rmtree(src);
    tu_rmtree(data);
    free(src);
    free(data);
}

static void parquet_trade_counts_the_store_cannot_keep(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/BTCUSDT_1h.parquet", dir);
    const int64_t t[] = {1677628800000, 1677632400000};
    const double high[] = {2, 2};
    const double huge[] = {5, 1e19}, frac[] = {5.5, 1};
    struct mt_import_file f;
    struct mt_err err = {0};
    mt_import_file_init(&f);
    write_parquet(path, 2, t, high, huge);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), MT_EFORMAT);
    char want[4200];
    snprintf(want, sizeof want,
             "%s row 1 (open time 2023-03-01 01:00) column trades: expected an integer count "
             "below 9.2e18, got 1e+19",
             path);
    assert_string_equal(err.msg, want);
    write_parquet(path, 2, t, high, frac);
    assert_int_equal(mt_import_read(path, NULL, &f, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "row 0 (open time 2023-03-01 00:00) column trades"));
    mt_import_file_release(&f);
    tu_rmtree(dir);
    free(dir);
}

/* A store write that fails: neither the summary nor the results count the
 * candles of its files (they did, while the files were FAILED). The series
 * folder is a dangling symlink, so loading finds no file and writing fails. */
static void failed_write_counts_nothing(void **state)
{
    (void)state;
    char *src = tu_mkdtemp(), *data = tu_mkdtemp();
    copy_fixture("ohlcv/zip/BTCUSDT-1h-2023-02.zip", src, "BTCUSDT-1h-2023-02.zip");
    copy_fixture("ohlcv/vision/BTCUSDT-1h-2023-03.csv", src, "BTCUSDT-1h-2023-03.csv");
    char link[4096];
    snprintf(link, sizeof link, "%s/ohlcv", data);
    assert_int_equal(mt_mkdirs(link, NULL), 0);
    snprintf(link, sizeof link, "%s/ohlcv/1h", data);
    assert_int_equal(symlink("/nonexistent/mtrader-test-target", link), 0);
    struct mt_import_results res;
    struct mt_err err = {0};
    assert_int_equal(mt_import_path(data, src, NULL, &res, &err), 0);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.failed, 2);
    assert_int_equal(res.ok, 0);
    assert_int_equal(res.added + res.replaced, 0);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(res.items[i].status, MT_IMPORT_FAILED);
        assert_int_equal(res.items[i].merge.added, 0);
        assert_non_null(strstr(res.items[i].message, "ohlcv/1h exists and is not a folder"));
    }
    mt_import_results_release(&res);
    tu_rmtree(src);
    tu_rmtree(data);
    free(src);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(zip_with_checksum),
        cmocka_unit_test(zip_without_checksum_and_corrupt_zip),
        cmocka_unit_test(zip_in_memory),
        cmocka_unit_test(overrides_and_unknown_timeframe),
        cmocka_unit_test(folder_into_store),
        cmocka_unit_test(streamed_zip_and_csv),
        cmocka_unit_test(invalid_rows_fail_unless_allowed),
        cmocka_unit_test(parquet_trade_counts_the_store_cannot_keep),
        cmocka_unit_test(failed_write_counts_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
