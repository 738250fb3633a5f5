/* Parquet reader against files written by other implementations:
 * - the real pandas/pyarrow file (tests/fixtures/parquet/pandas_btcusdt_1h_futures.parquet,
 *   values cross-checked with hyparquet);
 * - small files from DuckDB, hyparquet-writer and arrow-rs made by
 *   tests/fixtures/parquet/make_fixtures.mjs, which also wrote expected.json (the
 *   source table, verified there with hyparquet and DuckDB). Together they cover
 *   DATA_PAGE v1/v2, SNAPPY/GZIP/ZSTD, dictionaries with fallback to PLAIN,
 *   DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT, RLE booleans, delta byte arrays and
 *   the three timestamp units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet.h"
#include "testutil.h"

/* Path of tests/fixtures/parquet/<name> (tu_fixture's static buffer). */
static const char *fixture(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "parquet/%s", name);
    return tu_fixture(rel);
}

static struct mt_pq_reader *open_fixture(const char *name)
{
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    if (mt_pq_reader_open(&r, fixture(name), &err) != 0)
        fail_msg("%s", err.msg);
    return r;
}

static void test_pandas_file(void **state)
{
    (void)state;
    struct mt_pq_reader *r = open_fixture("pandas_btcusdt_1h_futures.parquet");
    struct mt_err err = {0};
    size_t n = mt_pq_num_rows(r);
    assert_int_equal(n, 28310);
    assert_string_equal(mt_pq_created_by(r), "parquet-cpp-arrow version 23.0.1");
    static const char *const names[] = {"open", "high", "low", "close", "volume", "timestamp"};
    assert_int_equal(mt_pq_num_columns(r), 6);
    for (size_t c = 0; c < 6; c++) {
        const struct mt_pq_column_info *ci = mt_pq_column(r, c);
        assert_string_equal(ci->name, names[c]);
        assert_true(ci->optional);
        assert_int_equal(ci->type, c < 5 ? MT_PQ_DOUBLE : MT_PQ_INT64);
        assert_int_equal(ci->time_unit, c < 5 ? MT_PQ_NOT_TIME : MT_PQ_NANOS);
    }
    bool pandas = false;
    for (size_t i = 0; i < mt_pq_num_kv(r); i++)
        pandas |= strcmp(mt_pq_kv(r, i)->key, "pandas") == 0;
    assert_true(pandas);

    int64_t *ts = malloc(n * sizeof *ts);
    double *v = malloc(n * sizeof *v);
    uint8_t *valid = malloc(n);
    assert_true(ts && v && valid);
    assert_int_equal(mt_pq_read_time_ms(r, 5, ts, valid, &err), 0);
    assert_int_equal(ts[0], 1672531200000LL); /* 2023-01-01 00:00 UTC */
    assert_int_equal(ts[20000], 1744531200000LL); /* first row of the second page */
    assert_int_equal(ts[n - 1], 1774443600000LL); /* 2026-03-25 13:00 UTC */
    for (size_t i = 1; i < n; i++)
        assert_true(ts[i] > ts[i - 1] && valid[i]);
    assert_int_equal(mt_pq_read_int64(r, 5, ts, valid, &err), 0);
    assert_int_equal(ts[0], 1672531200000000000LL);

    /* row 0, row 20000 and the last row (values from hyparquet) */
    static const double want[3][5] = {
        {16537.5, 16540.9, 16504.0, 16527.0, 5381.399},
        {84378.4, 84665.8, 84250.5, 84639.8, 5055.229},
        {71685.4, 71837.0, 71603.8, 71741.9, 915.645},
    };
    const size_t rows[3] = {0, 20000, 28309};
    for (size_t c = 0; c < 5; c++) {
        assert_int_equal(mt_pq_read_double(r, c, v, valid, &err), 0);
        for (size_t k = 0; k < 3; k++) {
            tu_assert_same_double(v[rows[k]], want[k][c]);
            assert_int_equal(valid[rows[k]], 1);
        }
    }
    free(ts);
    free(v);
    free(valid);
    mt_pq_reader_free(r);
}

/* ---- files from make_fixtures.mjs ---- */

static cJSON *load_expected(void)
{
    size_t len;
    char *text = tu_read_file(fixture("expected.json"), &len);
    cJSON *j = cJSON_ParseWithLength(text, len);
    free(text);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(j, "rows")->valueint, 300);
    return j;
}

/* Expected value i of source column `name` as a JSON item (NULL item = null). */
static const cJSON *expected(const cJSON *j, const char *name, size_t i)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!a)
        fail_msg("expected.json has no column %s", name);
    const cJSON *v = cJSON_GetArrayItem(a, (int)i);
    assert_non_null(v);
    return v;
}

static void check_timestamps(struct mt_pq_reader *r, size_t c, const cJSON *j,
                             enum mt_pq_time_unit unit)
{
    struct mt_err err = {0};
    int64_t ms[300], raw[300];
    uint8_t valid[300];
    assert_int_equal(mt_pq_column(r, c)->time_unit, unit);
    assert_int_equal(mt_pq_read_time_ms(r, c, ms, valid, &err), 0);
    assert_int_equal(mt_pq_read_int64(r, c, raw, NULL, &err), 0);
    for (size_t i = 0; i < 300; i++) {
        int64_t want_ms = (int64_t)expected(j, "ts_ms", i)->valuedouble;
        int64_t us = (int64_t)expected(j, "ts_us", i)->valuedouble;
        int64_t extra = (int64_t)expected(j, "ns_extra", i)->valuedouble;
        int64_t want_raw = unit == MT_PQ_MILLIS ? want_ms
                           : unit == MT_PQ_MICROS ? us
                                                  : us * 1000 + extra;
        assert_int_equal(valid[i], 1);
        assert_int_equal(ms[i], want_ms);
        assert_int_equal(raw[i], want_raw);
    }
    /* rows 5 and 6 are 1.5 ms and 1 us before the epoch: floored */
    assert_int_equal(ms[5], -2);
    assert_int_equal(ms[6], -1);
}

static void check_column(struct mt_pq_reader *r, size_t c, const cJSON *j)
{
    const struct mt_pq_column_info *ci = mt_pq_column(r, c);
    struct mt_err err = {0};
    uint8_t valid[300];
    if (ci->type == MT_PQ_BYTE_ARRAY) {
        struct mt_pq_strings s = {0};
        assert_true(ci->is_string);
        assert_int_equal(mt_pq_read_strings(r, c, &s, valid, &err), 0);
        for (size_t i = 0; i < 300; i++) {
            const cJSON *e = expected(j, ci->name, i);
            size_t len = s.offsets[i + 1] - s.offsets[i];
            assert_int_equal(valid[i], !cJSON_IsNull(e));
            if (cJSON_IsNull(e)) {
                assert_int_equal(len, 0);
            } else {
                assert_int_equal(len, strlen(e->valuestring));
                assert_memory_equal(s.data + s.offsets[i], e->valuestring, len);
            }
        }
        mt_pq_strings_release(&s);
    } else if (ci->type == MT_PQ_DOUBLE || ci->type == MT_PQ_FLOAT) {
        double v[300];
        assert_int_equal(mt_pq_read_double(r, c, v, valid, &err), 0);
        for (size_t i = 0; i < 300; i++) {
            const cJSON *e = expected(j, ci->name, i);
            assert_int_equal(valid[i], !cJSON_IsNull(e));
            tu_assert_same_double(v[i], cJSON_IsNull(e) ? NAN : e->valuedouble);
        }
    } else {
        int64_t v[300];
        assert_int_equal(mt_pq_read_int64(r, c, v, valid, &err), 0);
        for (size_t i = 0; i < 300; i++) {
            const cJSON *e = expected(j, ci->name, i);
            assert_int_equal(valid[i], !cJSON_IsNull(e));
            int64_t want = cJSON_IsNull(e)   ? 0
                           : cJSON_IsBool(e) ? cJSON_IsTrue(e)
                                             : (int64_t)e->valuedouble;
            assert_int_equal(v[i], want);
        }
    }
}

static void check_fixture(const char *name, const char *created_by, enum mt_pq_time_unit unit,
                          size_t ncols)
{
    cJSON *j = load_expected();
    struct mt_pq_reader *r = open_fixture(name);
    assert_int_equal(mt_pq_num_rows(r), 300);
    assert_int_equal(mt_pq_num_columns(r), ncols);
    assert_non_null(mt_pq_created_by(r));
    assert_memory_equal(mt_pq_created_by(r), created_by, strlen(created_by));
    for (size_t c = 0; c < ncols; c++) {
        if (strcmp(mt_pq_column(r, c)->name, "ts") == 0)
            check_timestamps(r, c, j, unit);
        else
            check_column(r, c, j);
    }
    mt_pq_reader_free(r);
    cJSON_Delete(j);
}

static void test_duckdb_v1_snappy(void **state)
{
    (void)state;
    check_fixture("duckdb_v1_snappy.parquet", "DuckDB", MT_PQ_MICROS, 10);
}

static void test_duckdb_v2_zstd(void **state)
{
    (void)state;
    check_fixture("duckdb_v2_zstd.parquet", "DuckDB", MT_PQ_NANOS, 10);
}

static void test_duckdb_v1_gzip(void **state)
{
    (void)state;
    check_fixture("duckdb_v1_gzip.parquet", "DuckDB", MT_PQ_MILLIS, 10);
}

static void test_hyparquet_v2_snappy(void **state)
{
    (void)state;
    check_fixture("hyparquet_v2_snappy.parquet", "hyparquet", MT_PQ_MILLIS, 10);
}

static void test_hyparquet_v2_delta_bss(void **state)
{
    (void)state;
    check_fixture("hyparquet_v2_delta_bss.parquet", "hyparquet", MT_PQ_MILLIS, 10);
}

static void test_arrowrs_dict_fallback(void **state)
{
    (void)state;
    check_fixture("arrowrs_dict_fallback.parquet", "parquet-rs", MT_PQ_MILLIS, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pandas_file),
        cmocka_unit_test(test_duckdb_v1_snappy),
        cmocka_unit_test(test_duckdb_v2_zstd),
        cmocka_unit_test(test_duckdb_v1_gzip),
        cmocka_unit_test(test_hyparquet_v2_snappy),
        cmocka_unit_test(test_hyparquet_v2_delta_bss),
        cmocka_unit_test(test_arrowrs_dict_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
