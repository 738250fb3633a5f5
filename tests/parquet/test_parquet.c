/* Parquet codec: writer/reader round trips (every type, codec, null pattern,
 * time unit, several row groups and pages), the footer we write (statistics,
 * schema annotations, sizes; decoded independently through thrift.h), and
 * errors on damaged, unsupported or misused input. Files written by other
 * Parquet implementations are checked in test_parquet_fixtures.c. */
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
#include <unistd.h>
#include <zlib.h>

#include "parquet/parquet.h"
#include "parquet/parquet_internal.h"
#include "parquet/thrift.h"
#include "testutil.h"

#define N 1000

/* ------------------------------------------------------------ test data ---- */

struct table {
    int32_t i32[N];
    int64_t i64[N], opt_i64[N], ts_ms[N], ts_us[N], ts_ns[N];
    float f32[N];
    double f64[N], opt_f64[N];
    const char *str[N], *opt_str[N];
    char strbuf[N][24];
    char longstr[301];
    uint8_t v_i64[N], v_f64[N], v_str[N];
};

static struct table *make_table(void)
{
    struct table *t = calloc(1, sizeof *t);
    assert_non_null(t);
    memset(t->longstr, 'L', 300);
    for (int i = 0; i < N; i++) {
        t->i32[i] = (int32_t)((uint32_t)i * 2654435761u);
        t->i64[i] = (int64_t)i * 1000000000007LL - 7;
        t->f32[i] = (float)i * 0.25f - 100.0f;
        t->f64[i] = sin(i) * 1e6;
        snprintf(t->strbuf[i], sizeof t->strbuf[i], "s%d", i * 7);
        t->str[i] = t->strbuf[i];
        t->opt_i64[i] = -(int64_t)i * 3;
        t->v_i64[i] = i % 3 != 0;
        t->opt_f64[i] = i * 1.5;
        t->v_f64[i] = (uint8_t)((i >= 100 && i < 200) ? 0 : (i >= 200 && i < 300) ? 1 : i % 5 != 1);
        t->opt_str[i] = t->strbuf[i];
        t->v_str[i] = i % 4 != 2;
        t->ts_ms[i] = 1672531200000LL + (int64_t)i * 60000;
        t->ts_us[i] = (int64_t)i * 1234567 - 500000;
        t->ts_ns[i] = (int64_t)i * 987654321987LL - 1000000001;
    }
    t->i32[0] = INT32_MIN;
    t->i32[1] = INT32_MAX;
    t->i64[2] = INT64_MIN;
    t->i64[3] = INT64_MAX;
    t->f32[4] = NAN;
    t->f32[5] = -0.0f;
    t->f32[6] = INFINITY;
    t->f64[7] = NAN;
    t->f64[8] = -0.0;
    t->f64[9] = -INFINITY;
    t->f64[10] = 4.9e-324;
    t->str[11] = "";
    t->str[12] = t->longstr;
    t->str[13] = "h\xc3\xa9llo \xe2\x82\xac";
    t->ts_ms[13] = -1;
    t->opt_str[14] = NULL; /* null rows need no string */
    t->v_str[14] = 0;
    return t;
}

enum { C_I32, C_I64, C_F32, C_F64, C_STR, C_OPT_I64, C_OPT_F64, C_OPT_STR, C_MS, C_US, C_NS, NCOLS };

static void table_columns(const struct table *t, struct mt_pq_column *c)
{
    c[C_I32] = (struct mt_pq_column){"i32", MT_PQ_INT32, MT_PQ_NOT_TIME, false, t->i32, NULL};
    c[C_I64] = (struct mt_pq_column){"i64", MT_PQ_INT64, MT_PQ_NOT_TIME, false, t->i64, NULL};
    c[C_F32] = (struct mt_pq_column){"f32", MT_PQ_FLOAT, MT_PQ_NOT_TIME, false, t->f32, NULL};
    c[C_F64] = (struct mt_pq_column){"f64", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, t->f64, NULL};
    c[C_STR] = (struct mt_pq_column){"str", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, false, t->str,
                                           NULL};
    c[C_OPT_I64] = (struct mt_pq_column){"opt_i64", MT_PQ_INT64, MT_PQ_NOT_TIME, true,
                                               t->opt_i64, t->v_i64};
    c[C_OPT_F64] = (struct mt_pq_column){"opt_f64", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true,
                                               t->opt_f64, t->v_f64};
    c[C_OPT_STR] = (struct mt_pq_column){"opt_str", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, true,
                                               t->opt_str, t->v_str};
    c[C_MS] = (struct mt_pq_column){"ts_ms", MT_PQ_INT64, MT_PQ_MILLIS, false, t->ts_ms, NULL};
    c[C_US] = (struct mt_pq_column){"ts_us", MT_PQ_INT64, MT_PQ_MICROS, true, t->ts_us, NULL};
    c[C_NS] = (struct mt_pq_column){"ts_ns", MT_PQ_INT64, MT_PQ_NANOS, false, t->ts_ns, NULL};
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/* ------------------------------------------------------------- helpers ---- */

struct tmp {
    char *dir;
    char path[4096];
};

static void tmp_open(struct tmp *t, const char *name)
{
    t->dir = tu_mkdtemp();
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
}

static void tmp_close(struct tmp *t)
{
    tu_rmtree(t->dir);
    free(t->dir);
}

static int write_file(const char *path, const struct mt_pq_column *cols, size_t ncols,
                      size_t n, const struct mt_pq_write_opts *o, struct mt_err *err)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    int rc = mt_pq_write(f, &(struct mt_pq_table){.nrows = n, .ncols = ncols, .cols = cols}, o, err);
    assert_int_equal(fclose(f), 0);
    return rc;
}

static struct mt_pq_reader *open_ok(const char *path)
{
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    int rc = mt_pq_reader_open(&r, path, &err);
    if (rc)
        fail_msg("open %s: %s", path, err.msg);
    return r;
}

static void expect_open_error(const uint8_t *data, size_t size, int code, const char *needle)
{
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open_mem(&r, data, size, "bad.parquet", &err), code);
    assert_null(r);
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.msg, "bad.parquet"));
    if (!strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void check_roundtrip(const struct table *t, const char *path)
{
    struct mt_pq_reader *r = open_ok(path);
    struct mt_err err = {0};
    assert_int_equal(mt_pq_num_rows(r), N);
    assert_int_equal(mt_pq_num_columns(r), NCOLS);
    assert_string_equal(mt_pq_created_by(r), MT_PQ_CREATED_BY);
    static const struct {
        const char *name;
        enum mt_pq_type type;
        bool optional;
        enum mt_pq_time_unit unit;
        bool is_string;
    } want[NCOLS] = {
        {"i32", MT_PQ_INT32, false, MT_PQ_NOT_TIME, false},
        {"i64", MT_PQ_INT64, false, MT_PQ_NOT_TIME, false},
        {"f32", MT_PQ_FLOAT, false, MT_PQ_NOT_TIME, false},
        {"f64", MT_PQ_DOUBLE, false, MT_PQ_NOT_TIME, false},
        {"str", MT_PQ_BYTE_ARRAY, false, MT_PQ_NOT_TIME, true},
        {"opt_i64", MT_PQ_INT64, true, MT_PQ_NOT_TIME, false},
        {"opt_f64", MT_PQ_DOUBLE, true, MT_PQ_NOT_TIME, false},
        {"opt_str", MT_PQ_BYTE_ARRAY, true, MT_PQ_NOT_TIME, true},
        {"ts_ms", MT_PQ_INT64, false, MT_PQ_MILLIS, false},
        {"ts_us", MT_PQ_INT64, true, MT_PQ_MICROS, false},
        {"ts_ns", MT_PQ_INT64, false, MT_PQ_NANOS, false},
    };
    for (size_t c = 0; c < NCOLS; c++) {
        const struct mt_pq_column_info *ci = mt_pq_column(r, c);
        assert_string_equal(ci->name, want[c].name);
        assert_int_equal(ci->type, want[c].type);
        assert_int_equal(ci->optional, want[c].optional);
        assert_int_equal(ci->time_unit, want[c].unit);
        assert_int_equal(ci->is_string, want[c].is_string);
        assert_int_equal(mt_pq_find_column(r, want[c].name), (int)c);
    }
    assert_int_equal(mt_pq_find_column(r, "nope"), -1);

    int64_t *iv = calloc(N, sizeof *iv);
    double *dv = calloc(N, sizeof *dv);
    uint8_t *valid = calloc(N, 1);
    assert_true(iv && dv && valid);

    assert_int_equal(mt_pq_read_int64(r, C_I32, iv, valid, &err), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(iv[i], t->i32[i]);
        assert_int_equal(valid[i], 1);
    }
    assert_int_equal(mt_pq_read_double(r, C_I32, dv, NULL, &err), 0);
    for (int i = 0; i < N; i++)
        tu_assert_same_double(dv[i], (double)t->i32[i]);
    assert_int_equal(mt_pq_read_int64(r, C_I64, iv, NULL, &err), 0);
    assert_memory_equal(iv, t->i64, sizeof t->i64);
    assert_int_equal(mt_pq_read_double(r, C_F32, dv, valid, &err), 0);
    for (int i = 0; i < N; i++)
        tu_assert_same_double(dv[i], (double)t->f32[i]);
    assert_int_equal(mt_pq_read_double(r, C_F64, dv, valid, &err), 0);
    for (int i = 0; i < N; i++)
        tu_assert_same_double(dv[i], t->f64[i]);

    struct mt_pq_strings s = {0};
    assert_int_equal(mt_pq_read_strings(r, C_STR, &s, valid, &err), 0);
    assert_int_equal(s.n, N);
    for (int i = 0; i < N; i++) {
        size_t len = s.offsets[i + 1] - s.offsets[i];
        assert_int_equal(len, strlen(t->str[i]));
        assert_memory_equal(s.data + s.offsets[i], t->str[i], len);
        assert_int_equal(valid[i], 1);
    }
    mt_pq_strings_release(&s);

    assert_int_equal(mt_pq_read_int64(r, C_OPT_I64, iv, valid, &err), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(valid[i], t->v_i64[i]);
        assert_int_equal(iv[i], t->v_i64[i] ? t->opt_i64[i] : 0);
    }
    assert_int_equal(mt_pq_read_int64(r, C_OPT_I64, iv, NULL, &err), MT_EDATA);
    assert_non_null(strstr(err.msg, "opt_i64"));
    assert_int_equal(mt_pq_read_double(r, C_OPT_I64, dv, NULL, &err), 0);
    for (int i = 0; i < N; i++)
        tu_assert_same_double(dv[i], t->v_i64[i] ? (double)t->opt_i64[i] : NAN);
    assert_int_equal(mt_pq_read_double(r, C_OPT_F64, dv, valid, &err), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(valid[i], t->v_f64[i]);
        tu_assert_same_double(dv[i], t->v_f64[i] ? t->opt_f64[i] : NAN);
    }
    assert_int_equal(mt_pq_read_strings(r, C_OPT_STR, &s, valid, &err), 0);
    for (int i = 0; i < N; i++) {
        size_t len = s.offsets[i + 1] - s.offsets[i];
        assert_int_equal(valid[i], t->v_str[i]);
        assert_int_equal(len, t->v_str[i] ? strlen(t->opt_str[i]) : 0);
        if (len)
            assert_memory_equal(s.data + s.offsets[i], t->opt_str[i], len);
    }
    mt_pq_strings_release(&s);

    assert_int_equal(mt_pq_read_time_ms(r, C_MS, iv, valid, &err), 0);
    assert_memory_equal(iv, t->ts_ms, sizeof t->ts_ms);
    assert_int_equal(mt_pq_read_time_ms(r, C_US, iv, valid, &err), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(iv[i], floor_div(t->ts_us[i], 1000));
    assert_int_equal(iv[0], -500); /* -500000 us */
    assert_int_equal(mt_pq_read_int64(r, C_US, iv, valid, &err), 0);
    assert_memory_equal(iv, t->ts_us, sizeof t->ts_us);
    assert_int_equal(mt_pq_read_time_ms(r, C_NS, iv, NULL, &err), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(iv[i], floor_div(t->ts_ns[i], 1000000));
    assert_int_equal(iv[0], -1001); /* -1000000001 ns floors to -1001 ms */

    free(iv);
    free(dv);
    free(valid);
    mt_pq_reader_free(r);
}

/* -------------------------------------------------------- round trips ---- */

static void test_roundtrip_all_codecs(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    const enum mt_pq_codec codecs[] = {MT_PQ_UNCOMPRESSED, MT_PQ_SNAPPY, MT_PQ_ZSTD};
    for (size_t k = 0; k < 3; k++) {
        for (int layout = 0; layout < 2; layout++) {
            struct tmp tmp;
            tmp_open(&tmp, "t.parquet");
            struct mt_pq_write_opts o = {.codec = codecs[k], .statistics = layout == 0};
            if (layout == 1) { /* 4 row groups, pages of 37 rows */
                o.row_group_rows = 250;
                o.page_rows = 37;
                o.zstd_level = 1;
            }
            struct mt_err err = {0};
            if (write_file(tmp.path, cols, NCOLS, N, &o, &err))
                fail_msg("write: %s", err.msg);
            check_roundtrip(t, tmp.path);
            tmp_close(&tmp);
        }
    }
    free(t);
}

static void test_roundtrip_empty_and_all_null(void **state)
{
    (void)state;
    double v[3] = {1, 2, 3};
    uint8_t none[3] = {0, 0, 0};
    struct mt_pq_column c = {"x", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, v, none};
    struct tmp tmp;
    tmp_open(&tmp, "e.parquet");
    struct mt_err err = {0};
    struct mt_pq_write_opts o = {.codec = MT_PQ_ZSTD, .statistics = true};
    assert_int_equal(write_file(tmp.path, &c, 1, 0, &o, &err), 0);
    struct mt_pq_reader *r = open_ok(tmp.path);
    assert_int_equal(mt_pq_num_rows(r), 0);
    assert_int_equal(mt_pq_read_double(r, 0, v, NULL, &err), 0);
    struct mt_pq_strings s = {0};
    assert_int_equal(mt_pq_read_strings(r, 0, &s, NULL, &err), MT_EINVAL);
    mt_pq_reader_free(r);

    assert_int_equal(write_file(tmp.path, &c, 1, 3, &o, &err), 0);
    r = open_ok(tmp.path);
    uint8_t valid[3] = {9, 9, 9};
    assert_int_equal(mt_pq_read_double(r, 0, v, valid, &err), 0);
    for (int i = 0; i < 3; i++) {
        assert_true(isnan(v[i]));
        assert_int_equal(valid[i], 0);
    }
    mt_pq_reader_free(r);
    tmp_close(&tmp);
}

/* Files of 8 MiB and more are memory-mapped rather than read: same values. */
static void test_large_file_mapped(void **state)
{
    (void)state;
    const size_t n = 1200000; /* 9.6 MB of PLAIN doubles, uncompressed */
    double *v = malloc(n * sizeof *v), *back = malloc(n * sizeof *back);
    assert_non_null(v);
    assert_non_null(back);
    for (size_t i = 0; i < n; i++)
        v[i] = (double)i * 0.5 - 1000.25;
    struct mt_pq_column c = {"x", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, v, NULL};
    struct tmp tmp;
    tmp_open(&tmp, "big.parquet");
    struct mt_err err = {0};
    struct mt_pq_write_opts o = {.codec = MT_PQ_UNCOMPRESSED};
    assert_int_equal(write_file(tmp.path, &c, 1, n, &o, &err), 0);
    struct stat st;
    assert_int_equal(stat(tmp.path, &st), 0);
    assert_true((size_t)st.st_size >= ((size_t)8 << 20));
    struct mt_pq_reader *r = open_ok(tmp.path);
    assert_int_equal(mt_pq_num_rows(r), n);
    assert_int_equal(mt_pq_read_double(r, 0, back, NULL, &err), 0);
    assert_memory_equal(v, back, n * sizeof *v);
    mt_pq_reader_free(r);
    /* a truncated large file fails cleanly through the mapped path too */
    assert_int_equal(truncate(tmp.path, st.st_size - 5), 0);
    r = NULL;
    assert_int_equal(mt_pq_reader_open(&r, tmp.path, &err), MT_EFORMAT);
    assert_null(r);
    assert_non_null(strstr(err.msg, tmp.path));
    tmp_close(&tmp);
    free(v);
    free(back);
}

static void test_kv_metadata(void **state)
{
    (void)state;
    int64_t v[2] = {5, 6};
    struct mt_pq_column c = {"a", MT_PQ_INT64, MT_PQ_NOT_TIME, false, v, NULL};
    const struct mt_pq_kv kv[] = {{"source", "binance"}, {"empty", ""}, {"novalue", NULL}};
    struct mt_pq_write_opts o = {.kv = kv, .n_kv = 3};
    struct tmp tmp;
    tmp_open(&tmp, "kv.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, &c, 1, 2, &o, &err), 0);
    struct mt_pq_reader *r = open_ok(tmp.path);
    assert_int_equal(mt_pq_num_kv(r), 3);
    assert_string_equal(mt_pq_kv(r, 0)->key, "source");
    assert_string_equal(mt_pq_kv(r, 0)->value, "binance");
    assert_string_equal(mt_pq_kv(r, 1)->key, "empty");
    assert_string_equal(mt_pq_kv(r, 1)->value, "");
    assert_string_equal(mt_pq_kv(r, 2)->key, "novalue");
    assert_null(mt_pq_kv(r, 2)->value);
    assert_null(mt_pq_kv(r, 3));
    mt_pq_reader_free(r);
    tmp_close(&tmp);
}

/* ------------------------------------------ footer, decoded by hand ---- */

/* Advances to field `id` of the current struct (skipping others); false at
 * the end of the struct, which is then left. */
static bool seek_field(struct mt_thrift_dec *d, int16_t *last, int16_t id,
                       struct mt_thrift_field *f)
{
    for (mt_thrift_dec_field(d, last, f); f->type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, last, f)) {
        if (f->id == id)
            return true;
        mt_thrift_dec_skip(d, f->type, false);
    }
    return false;
}

/* Skips the remaining fields of the current struct. */
static void finish_struct(struct mt_thrift_dec *d, int16_t *last)
{
    struct mt_thrift_field f;
    while (seek_field(d, last, -1, &f))
        ;
}

struct chunk_meta {
    int64_t num_values, uncompressed, compressed, data_offset;
    int32_t codec, encodings[4];
    size_t nenc;
    bool has_stats, has_min, has_max;
    int64_t null_count;
    uint8_t min[64], max[64];
    size_t min_n, max_n;
};

static void read_stats(struct mt_thrift_dec *d, struct chunk_meta *m)
{
    int16_t last;
    struct mt_thrift_field f;
    m->has_stats = true;
    m->null_count = -1;
    mt_thrift_dec_struct_begin(d, &last);
    for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &last, &f)) {
        size_t n;
        const uint8_t *p;
        if (f.id == 3) {
            m->null_count = mt_thrift_dec_i64(d, f.type);
        } else if (f.id == 5 || f.id == 6) {
            p = mt_thrift_dec_binary(d, f.type, &n);
            assert_true(n <= 64);
            memcpy(f.id == 5 ? m->max : m->min, p, n);
            *(f.id == 5 ? &m->max_n : &m->min_n) = n;
            *(f.id == 5 ? &m->has_max : &m->has_min) = true;
        } else {
            fail_msg("unexpected statistics field %d", f.id);
        }
    }
}

/* ColumnMetaData of row group g, column c of the file in buf. */
static void chunk_meta(const uint8_t *buf, size_t size, size_t g, size_t c, struct chunk_meta *m)
{
    memset(m, 0, sizeof *m);
    uint32_t len;
    memcpy(&len, buf + size - 8, 4);
    struct mt_thrift_dec d;
    mt_thrift_dec_init(&d, buf + size - 8 - len, len);
    int16_t l0, l1, l2, l3;
    struct mt_thrift_field f;
    uint8_t et;
    mt_thrift_dec_struct_begin(&d, &l0);
    assert_true(seek_field(&d, &l0, 4, &f)); /* row_groups */
    size_t n = mt_thrift_dec_list(&d, f.type, &et);
    assert_true(g < n);
    for (size_t i = 0; i < g; i++)
        mt_thrift_dec_skip(&d, et, true);
    mt_thrift_dec_struct_begin(&d, &l1);
    assert_true(seek_field(&d, &l1, 1, &f)); /* columns */
    n = mt_thrift_dec_list(&d, f.type, &et);
    assert_true(c < n);
    for (size_t i = 0; i < c; i++)
        mt_thrift_dec_skip(&d, et, true);
    mt_thrift_dec_struct_begin(&d, &l2);
    assert_true(seek_field(&d, &l2, 3, &f)); /* meta_data */
    mt_thrift_dec_struct_begin(&d, &l3);
    for (mt_thrift_dec_field(&d, &l3, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(&d, &l3, &f)) {
        switch (f.id) {
        case 2:
            m->nenc = mt_thrift_dec_list(&d, f.type, &et);
            assert_true(m->nenc <= 4);
            for (size_t i = 0; i < m->nenc; i++)
                m->encodings[i] = mt_thrift_dec_i32(&d, et);
            break;
        case 4: m->codec = mt_thrift_dec_i32(&d, f.type); break;
        case 5: m->num_values = mt_thrift_dec_i64(&d, f.type); break;
        case 6: m->uncompressed = mt_thrift_dec_i64(&d, f.type); break;
        case 7: m->compressed = mt_thrift_dec_i64(&d, f.type); break;
        case 9: m->data_offset = mt_thrift_dec_i64(&d, f.type); break;
        case 12: read_stats(&d, m); break;
        default: mt_thrift_dec_skip(&d, f.type, false); break;
        }
    }
    finish_struct(&d, &l2);
    assert_false(mt_thrift_dec_failed(&d));
}

static double stat_double(const uint8_t *p)
{
    double v;
    memcpy(&v, p, 8);
    return v;
}

static void test_statistics(void **state)
{
    (void)state;
    /* Two row groups of 4 rows. */
    double a[8] = {3.5, NAN, -2.25, 1.0, /**/ NAN, NAN, NAN, NAN};
    double b[8] = {0.0, 1.0, 0.5, 0.25, /**/ -1.0, -0.0, -0.5, -0.25};
    int64_t c[8] = {7, -3, 99, 0, /**/ 1, 2, 3, 4};
    uint8_t cv[8] = {1, 0, 1, 1, /**/ 0, 0, 0, 0};
    const char *s[8] = {"ETH", "ADA", "XRP", "BTC", /**/ "b", "ab", "abc", "a"};
    float fl[8] = {2.5f, -0.0f, 0.0f, 1.0f, /**/ -7.0f, 0.0f, NAN, 3.0f};
    struct mt_pq_column cols[] = {
        {"a", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, a, NULL},
        {"b", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, false, b, NULL},
        {"c", MT_PQ_INT64, MT_PQ_NOT_TIME, true, c, cv},
        {"s", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, false, s, NULL},
        {"fl", MT_PQ_FLOAT, MT_PQ_NOT_TIME, false, fl, NULL},
    };
    struct mt_pq_write_opts o = {.codec = MT_PQ_SNAPPY, .row_group_rows = 4, .page_rows = 3,
                                 .statistics = true};
    struct tmp tmp;
    tmp_open(&tmp, "st.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, 5, 8, &o, &err), 0);
    size_t size;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);
    struct chunk_meta m;

    chunk_meta(buf, size, 0, 0, &m); /* NaN skipped */
    assert_true(m.has_stats && m.has_min && m.has_max);
    assert_int_equal(m.null_count, 0);
    tu_assert_same_double(stat_double(m.min), -2.25);
    tu_assert_same_double(stat_double(m.max), 3.5);
    chunk_meta(buf, size, 1, 0, &m); /* all NaN: no min/max */
    assert_true(m.has_stats);
    assert_false(m.has_min || m.has_max);

    chunk_meta(buf, size, 0, 1, &m); /* zero minimum written as -0.0 */
    tu_assert_same_double(stat_double(m.min), -0.0);
    tu_assert_same_double(stat_double(m.max), 1.0);
    chunk_meta(buf, size, 1, 1, &m); /* zero maximum written as +0.0 */
    tu_assert_same_double(stat_double(m.min), -1.0);
    tu_assert_same_double(stat_double(m.max), 0.0);

    chunk_meta(buf, size, 0, 2, &m); /* nulls not counted in min/max */
    assert_int_equal(m.null_count, 1);
    assert_int_equal(m.min_n, 8);
    int64_t i64;
    memcpy(&i64, m.min, 8);
    assert_int_equal(i64, 0);
    memcpy(&i64, m.max, 8);
    assert_int_equal(i64, 99);
    assert_int_equal(m.num_values, 4);
    chunk_meta(buf, size, 1, 2, &m); /* all null */
    assert_int_equal(m.null_count, 4);
    assert_false(m.has_min || m.has_max);

    chunk_meta(buf, size, 0, 3, &m); /* strings: bytewise order */
    assert_int_equal(m.min_n, 3);
    assert_memory_equal(m.min, "ADA", 3);
    assert_memory_equal(m.max, "XRP", 3);
    chunk_meta(buf, size, 1, 3, &m);
    assert_int_equal(m.min_n, 1);
    assert_memory_equal(m.min, "a", 1);
    assert_int_equal(m.max_n, 1);
    assert_memory_equal(m.max, "b", 1);

    float f32;
    chunk_meta(buf, size, 0, 4, &m);
    assert_int_equal(m.min_n, 4);
    memcpy(&f32, m.min, 4);
    tu_assert_same_double(f32, -0.0);
    memcpy(&f32, m.max, 4);
    tu_assert_same_double(f32, 2.5);
    chunk_meta(buf, size, 1, 4, &m);
    memcpy(&f32, m.min, 4);
    tu_assert_same_double(f32, -7.0);
    memcpy(&f32, m.max, 4);
    tu_assert_same_double(f32, 3.0);
    free(buf);

    o.statistics = false;
    assert_int_equal(write_file(tmp.path, cols, 5, 8, &o, &err), 0);
    buf = (uint8_t *)tu_read_file(tmp.path, &size);
    chunk_meta(buf, size, 0, 0, &m);
    assert_false(m.has_stats);
    free(buf);
    tmp_close(&tmp);
}

/* Chunk sizes and offsets tile the file exactly; encodings, codec and value
 * counts are what the format asks for. */
static void test_chunk_layout(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct mt_pq_write_opts o = {.codec = MT_PQ_ZSTD, .row_group_rows = 300, .page_rows = 64};
    struct tmp tmp;
    tmp_open(&tmp, "layout.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, &o, &err), 0);
    size_t size;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);
    uint32_t footer;
    memcpy(&footer, buf + size - 8, 4);
    int64_t expect_offset = 4;
    for (size_t g = 0; g < 4; g++) {
        for (size_t c = 0; c < NCOLS; c++) {
            struct chunk_meta m;
            chunk_meta(buf, size, g, c, &m);
            assert_int_equal(m.data_offset, expect_offset);
            assert_int_equal(m.num_values, g < 3 ? 300 : 100);
            assert_int_equal(m.codec, MT_PQ_ZSTD);
            assert_int_equal(m.nenc, 2);
            assert_int_equal(m.encodings[0], 0); /* PLAIN */
            assert_int_equal(m.encodings[1], 3); /* RLE */
            assert_true(m.compressed > 0 && m.uncompressed > 0);
            expect_offset += m.compressed;
        }
    }
    /* then the footer checksum block: zlib's CRC-32 of the footer and its length */
    assert_int_equal(expect_offset, (int64_t)(size - 8 - footer - 8));
    assert_memory_equal(buf + expect_offset + 4, "MTFC", 4);
    uint32_t stored;
    memcpy(&stored, buf + expect_offset, 4);
    assert_int_equal(stored, (uint32_t)crc32(0, buf + size - 8 - footer, footer + 4));
    assert_memory_equal(buf, "PAR1", 4);
    assert_memory_equal(buf + size - 4, "PAR1", 4);
    free(buf);
    tmp_close(&tmp);
    free(t);
}

/* LogicalType union: *kind is the member's field id; for TIMESTAMP also
 * isAdjustedToUTC and the TimeUnit member's field id. */
static void parse_logical(struct mt_thrift_dec *d, int16_t *kind, bool *utc, int16_t *unit)
{
    int16_t a, b, c;
    struct mt_thrift_field f, g, h;
    mt_thrift_dec_struct_begin(d, &a);
    mt_thrift_dec_field(d, &a, &f);
    *kind = f.id;
    mt_thrift_dec_struct_begin(d, &b);
    for (mt_thrift_dec_field(d, &b, &g); g.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(d, &b, &g)) {
        if (f.id == 8 && g.id == 1) {
            *utc = mt_thrift_dec_bool(d, g.type, false);
        } else if (f.id == 8 && g.id == 2) {
            mt_thrift_dec_struct_begin(d, &c);
            mt_thrift_dec_field(d, &c, &h);
            *unit = h.id;
            mt_thrift_dec_skip(d, h.type, false);
            finish_struct(d, &c);
        } else {
            mt_thrift_dec_skip(d, g.type, false);
        }
    }
    finish_struct(d, &a);
}

/* Timestamps carry both the logical type and, for ms/us, the converted type;
 * strings STRING + UTF8; the root names its children. */
static void test_schema_annotations(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct tmp tmp;
    tmp_open(&tmp, "schema.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, NULL, &err), 0);
    size_t size;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);
    uint32_t len;
    memcpy(&len, buf + size - 8, 4);
    struct mt_thrift_dec d;
    mt_thrift_dec_init(&d, buf + size - 8 - len, len);
    int16_t l0, l1;
    struct mt_thrift_field f;
    uint8_t et;
    mt_thrift_dec_struct_begin(&d, &l0);
    assert_true(seek_field(&d, &l0, 1, &f));
    assert_int_equal(mt_thrift_dec_i32(&d, f.type), 1); /* version */
    assert_true(seek_field(&d, &l0, 2, &f));
    size_t n = mt_thrift_dec_list(&d, f.type, &et);
    assert_int_equal(n, NCOLS + 1);
    for (size_t i = 0; i < n; i++) {
        int32_t converted = -1, children = -1;
        int16_t logical = 0, unit = 0;
        bool utc = false;
        mt_thrift_dec_struct_begin(&d, &l1);
        for (mt_thrift_dec_field(&d, &l1, &f); f.type != MT_THRIFT_STOP;
             mt_thrift_dec_field(&d, &l1, &f)) {
            if (f.id == 5) {
                children = mt_thrift_dec_i32(&d, f.type);
            } else if (f.id == 6) {
                converted = mt_thrift_dec_i32(&d, f.type);
            } else if (f.id == 10) {
                parse_logical(&d, &logical, &utc, &unit);
            } else {
                mt_thrift_dec_skip(&d, f.type, false);
            }
        }
        if (i == 0) {
            assert_int_equal(children, NCOLS);
        } else if (i == 1 + C_STR || i == 1 + C_OPT_STR) {
            assert_int_equal(converted, 0); /* UTF8 */
            assert_int_equal(logical, 1);   /* STRING */
        } else if (i == 1 + C_MS || i == 1 + C_US) {
            assert_int_equal(converted, i == 1 + C_MS ? 9 : 10); /* TIMESTAMP_MILLIS/MICROS */
            assert_int_equal(logical, 8);                        /* TIMESTAMP */
            assert_true(utc);
            assert_int_equal(unit, i == 1 + C_MS ? 1 : 2);
        } else if (i == 1 + C_NS) {
            assert_int_equal(converted, -1); /* no converted type for nanos */
            assert_int_equal(logical, 8);
            assert_true(utc);
            assert_int_equal(unit, 3);
        } else {
            assert_int_equal(converted, -1);
            assert_int_equal(logical, 0);
        }
    }
    assert_false(mt_thrift_dec_failed(&d));
    free(buf);
    tmp_close(&tmp);
    free(t);
}

/* ---------------------------------------------------------- checksums ---- */

/* PageHeader fields, decoded by hand; *_at are offsets in the file. */
struct page_head {
    int32_t type, compressed;
    bool has_crc;
    uint32_t crc;
    size_t at, body_at, encoding_at;
};

static void page_head(const uint8_t *buf, size_t size, size_t at, struct page_head *h)
{
    memset(h, 0, sizeof *h);
    h->at = at;
    struct mt_thrift_dec d;
    mt_thrift_dec_init(&d, buf + at, size - at);
    int16_t last, l2;
    struct mt_thrift_field f;
    mt_thrift_dec_struct_begin(&d, &last);
    for (mt_thrift_dec_field(&d, &last, &f); f.type != MT_THRIFT_STOP;
         mt_thrift_dec_field(&d, &last, &f)) {
        if (f.id == 1) {
            h->type = mt_thrift_dec_i32(&d, f.type);
        } else if (f.id == 3) {
            h->compressed = mt_thrift_dec_i32(&d, f.type);
        } else if (f.id == 4) {
            h->crc = (uint32_t)mt_thrift_dec_i32(&d, f.type);
            h->has_crc = true;
        } else if (f.id == 5) { /* DataPageHeader: find the encoding's value byte */
            mt_thrift_dec_struct_begin(&d, &l2);
            assert_true(seek_field(&d, &l2, 2, &f));
            h->encoding_at = at + mt_thrift_dec_pos(&d);
            assert_int_equal(mt_thrift_dec_i32(&d, f.type), 0); /* PLAIN */
            finish_struct(&d, &l2);
        } else {
            mt_thrift_dec_skip(&d, f.type, false);
        }
    }
    assert_false(mt_thrift_dec_failed(&d));
    h->body_at = at + mt_thrift_dec_pos(&d);
}

/* Every page we write carries zlib's CRC-32 of its bytes as stored. */
static void test_page_checksums_written(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct mt_pq_write_opts o = {.codec = MT_PQ_SNAPPY, .row_group_rows = 600, .page_rows = 128};
    struct tmp tmp;
    tmp_open(&tmp, "crc.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, &o, &err), 0);
    size_t size, pages = 0;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);
    for (size_t g = 0; g < 2; g++) {
        for (size_t c = 0; c < NCOLS; c++) {
            struct chunk_meta m;
            chunk_meta(buf, size, g, c, &m);
            for (size_t at = (size_t)m.data_offset; at < (size_t)(m.data_offset + m.compressed);) {
                struct page_head h;
                page_head(buf, size, at, &h);
                assert_true(h.has_crc);
                assert_int_equal(h.crc, (uint32_t)crc32(0, buf + h.body_at, (uInt)h.compressed));
                at = h.body_at + (size_t)h.compressed;
                pages++;
            }
        }
    }
    assert_int_equal(pages, NCOLS * (5 + 4)); /* 600 rows in 5 pages, 400 in 4 */
    free(buf);
    tmp_close(&tmp);
    free(t);
}

/* Reads column c of the file in buf, expecting failure `code` with `needle`
 * in a message naming the file and the column. */
static void expect_read_error(const uint8_t *buf, size_t size, size_t c, int code,
                              const char *needle)
{
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "bad.parquet", &err), 0);
    int64_t *v = malloc(N * sizeof *v);
    struct mt_pq_strings st = {0};
    assert_non_null(v);
    int rc = mt_pq_column(r, c)->type == MT_PQ_BYTE_ARRAY ? mt_pq_read_strings(r, c, &st, NULL, &err)
                                                          : mt_pq_read_int64(r, c, v, NULL, &err);
    if (rc == MT_EINVAL) /* floating point columns */
        rc = mt_pq_read_double(r, c, (double *)v, NULL, &err);
    assert_int_equal(rc, code);
    char name[64];
    snprintf(name, sizeof name, "bad.parquet: column '%s': ", mt_pq_column(r, c)->name);
    if (!strstr(err.msg, name) || !strstr(err.msg, needle))
        fail_msg("message '%s' lacks '%s' or '%s'", err.msg, name, needle);
    assert_int_equal(mt_pq_read_int64(r, C_I64, v, NULL, &err), 0); /* others unaffected */
    mt_pq_strings_release(&st);
    free(v);
    mt_pq_reader_free(r);
}

/* A changed byte in a page, in a page header or in the footer is an error,
 * never other values. */
static void test_checksums_verified(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct mt_pq_write_opts o = {.codec = MT_PQ_ZSTD, .page_rows = 300};
    struct tmp tmp;
    tmp_open(&tmp, "v.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, &o, &err), 0);
    size_t size;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    uint32_t flen;
    memcpy(&flen, buf + size - 8, 4);

    /* a byte of the second page of f64 */
    struct chunk_meta m;
    struct page_head p1, p2;
    chunk_meta(buf, size, 0, C_F64, &m);
    page_head(buf, size, (size_t)m.data_offset, &p1);
    page_head(buf, size, p1.body_at + (size_t)p1.compressed, &p2);
    memcpy(copy, buf, size);
    copy[p2.body_at + 10] ^= 0x01;
    char needle[128];
    snprintf(needle, sizeof needle, "row group 0, page at offset %zu: checksum mismatch (crc 0x%08x",
             p2.at, (unsigned)p2.crc);
    expect_read_error(copy, size, C_F64, MT_ECHECKSUM, needle);

    /* the same page's encoding PLAIN -> BYTE_STREAM_SPLIT, which would read
     * other doubles from the same bytes: not an encoding the chunk lists */
    memcpy(copy, buf, size);
    copy[p2.encoding_at] = 0x12; /* zigzag 9 */
    expect_read_error(copy, size, C_F64, MT_EFORMAT,
                      "page encoding BYTE_STREAM_SPLIT is not among the column chunk's encodings");

    /* the first page of i32 turned into an INDEX_PAGE, which readers skip: the
     * rows must not come from the next chunk's pages */
    chunk_meta(buf, size, 0, C_I32, &m);
    page_head(buf, size, (size_t)m.data_offset, &p1);
    memcpy(copy, buf, size);
    assert_int_equal(copy[p1.at + 1], 0x00); /* type DATA_PAGE, after the field header */
    copy[p1.at + 1] = 0x02;                  /* zigzag 1: INDEX_PAGE */
    expect_read_error(copy, size, C_I32, MT_EFORMAT,
                      "the column chunk's pages end before all rows were read");

    /* a column name in the footer */
    memcpy(copy, buf, size);
    uint8_t *name = memmem(copy + size - 8 - flen, flen, "opt_f64", 7);
    assert_non_null(name);
    name[4] = 'g';
    expect_open_error(copy, size, MT_ECHECKSUM, "bad.parquet: footer checksum mismatch");

    /* another writer's file has no checksum block: without it the same
     * change goes unseen, which is why our files carry one */
    size_t block = size - 8 - flen - 8, plain = size - 8;
    memcpy(copy, buf, block);
    memcpy(copy + block, buf + block + 8, flen + 8);
    struct mt_pq_reader *r = NULL;
    assert_int_equal(mt_pq_reader_open_mem(&r, copy, plain, "plain.parquet", &err), 0);
    assert_string_equal(mt_pq_column(r, C_OPT_F64)->name, "opt_f64");
    mt_pq_reader_free(r);
    name = memmem(copy + block, flen, "opt_f64", 7);
    name[4] = 'g';
    assert_int_equal(mt_pq_reader_open_mem(&r, copy, plain, "plain.parquet", &err), 0);
    assert_string_equal(mt_pq_column(r, C_OPT_F64)->name, "opt_g64");
    mt_pq_reader_free(r);

    free(copy);
    free(buf);
    tmp_close(&tmp);
    free(t);
}

/* ----------------------------------------------- crafted files (errors) ---- */

struct craft {
    int32_t type, repetition, codec, page_type, encoding;
    bool is_compressed, nested;
    int32_t num_values;
    const void *levels; /* v2 definition levels */
    size_t levels_len;
    const void *body;   /* page data after the v2 levels (as stored) */
    size_t body_len;
    int crc;            /* 0: no crc field; 1: CRC-32 of levels and body; 2: of the body only */
};

/* A one-column, one-page Parquet file built by hand. */
static uint8_t *craft_file(const struct craft *c, size_t *size)
{
    struct mt_thrift_enc e;
    mt_thrift_enc_init(&e, 1 << 20);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, c->page_type);
    mt_thrift_enc_i32_field(&e, 2, (int32_t)(c->levels_len + c->body_len));
    mt_thrift_enc_i32_field(&e, 3, (int32_t)(c->levels_len + c->body_len));
    if (c->crc) {
        uLong crc = crc32(0, c->levels, c->crc == 1 ? (uInt)c->levels_len : 0);
        mt_thrift_enc_i32_field(&e, 4, (int32_t)crc32(crc, c->body, (uInt)c->body_len));
    }
    mt_thrift_enc_field(&e, c->page_type == 3 ? 8 : 5, MT_THRIFT_STRUCT);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, c->num_values);
    if (c->page_type == 3) {
        mt_thrift_enc_i32_field(&e, 2, 0);
        mt_thrift_enc_i32_field(&e, 3, c->num_values);
        mt_thrift_enc_i32_field(&e, 4, c->encoding);
        mt_thrift_enc_i32_field(&e, 5, (int32_t)c->levels_len);
        mt_thrift_enc_i32_field(&e, 6, 0);
        mt_thrift_enc_bool_field(&e, 7, c->is_compressed);
    } else {
        mt_thrift_enc_i32_field(&e, 2, c->encoding);
        mt_thrift_enc_i32_field(&e, 3, 3);
        mt_thrift_enc_i32_field(&e, 4, 3);
    }
    mt_thrift_enc_struct_end(&e);
    mt_thrift_enc_struct_end(&e);
    size_t hlen = e.len;
    size_t cap = 4 + hlen + c->levels_len + c->body_len + 1024;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    memcpy(buf, "PAR1", 4);
    memcpy(buf + 4, e.buf, hlen);
    size_t o = 4 + hlen;
    if (c->levels_len)
        memcpy(buf + o, c->levels, c->levels_len);
    o += c->levels_len;
    if (c->body_len)
        memcpy(buf + o, c->body, c->body_len);
    o += c->body_len;

    mt_thrift_enc_reset(&e);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, 1);
    mt_thrift_enc_field(&e, 2, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, c->nested ? 3 : 2);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_string_field(&e, 4, "schema");
    mt_thrift_enc_i32_field(&e, 5, 1);
    mt_thrift_enc_struct_end(&e);
    if (c->nested) {
        mt_thrift_enc_struct_begin(&e);
        mt_thrift_enc_i32_field(&e, 3, 1);
        mt_thrift_enc_string_field(&e, 4, "grp");
        mt_thrift_enc_i32_field(&e, 5, 1);
        mt_thrift_enc_struct_end(&e);
    }
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, c->type);
    mt_thrift_enc_i32_field(&e, 3, c->repetition);
    mt_thrift_enc_string_field(&e, 4, "x");
    mt_thrift_enc_struct_end(&e);
    mt_thrift_enc_i64_field(&e, 3, c->num_values);
    mt_thrift_enc_field(&e, 4, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, 1);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_field(&e, 1, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, 1);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i64_field(&e, 2, 4);
    mt_thrift_enc_field(&e, 3, MT_THRIFT_STRUCT);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, c->type);
    mt_thrift_enc_i32_field(&e, 4, c->codec);
    mt_thrift_enc_i64_field(&e, 5, c->num_values);
    mt_thrift_enc_i64_field(&e, 9, 4);
    mt_thrift_enc_struct_end(&e);
    mt_thrift_enc_struct_end(&e);
    mt_thrift_enc_i64_field(&e, 2, 0);
    mt_thrift_enc_i64_field(&e, 3, c->num_values);
    mt_thrift_enc_struct_end(&e);
    mt_thrift_enc_struct_end(&e);
    assert_false(mt_thrift_enc_failed(&e));
    assert_true(o + e.len + 8 <= cap);
    memcpy(buf + o, e.buf, e.len);
    o += e.len;
    uint32_t len = (uint32_t)e.len;
    memcpy(buf + o, &len, 4);
    memcpy(buf + o + 4, "PAR1", 4);
    *size = o + 8;
    mt_thrift_enc_release(&e);
    return buf;
}

/* A v2 page whose values are stored uncompressed (is_compressed = false) in a
 * SNAPPY chunk, with two nulls among four rows. */
static void test_v2_uncompressed_page(void **state)
{
    (void)state;
    const uint8_t levels[] = {0x03, 0x0b}; /* bit-packed group: 1,1,0,1,0,0,0,0 */
    const double vals[3] = {1.5, -2.5, 1e300};
    struct craft c = {.type = MT_PQ_DOUBLE, .repetition = 1, .codec = MT_PQ_SNAPPY,
                      .page_type = 3, .encoding = 0, .is_compressed = false, .num_values = 5,
                      .levels = levels, .levels_len = 2, .body = vals, .body_len = 24};
    size_t size;
    uint8_t *buf = craft_file(&c, &size);
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "v2.parquet", &err), 0);
    double out[5];
    uint8_t valid[5];
    assert_int_equal(mt_pq_read_double(r, 0, out, valid, &err), 0);
    const uint8_t wv[5] = {1, 1, 0, 1, 0};
    assert_memory_equal(valid, wv, 5);
    tu_assert_same_double(out[0], 1.5);
    tu_assert_same_double(out[1], -2.5);
    assert_true(isnan(out[2]));
    tu_assert_same_double(out[3], 1e300);
    assert_true(isnan(out[4]));
    mt_pq_reader_free(r);
    free(buf);
}

/* Another writer's v2 page with a crc: it covers the levels and the values. */
static void test_v2_page_crc(void **state)
{
    (void)state;
    const uint8_t levels[] = {0x03, 0x0b};
    const double vals[3] = {1.5, -2.5, 1e300};
    struct craft c = {.type = MT_PQ_DOUBLE, .repetition = 1, .codec = MT_PQ_SNAPPY,
                      .page_type = 3, .encoding = 0, .is_compressed = false, .num_values = 5,
                      .levels = levels, .levels_len = 2, .body = vals, .body_len = 24, .crc = 1};
    size_t size;
    uint8_t *buf = craft_file(&c, &size);
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "v2.parquet", &err), 0);
    double out[5];
    uint8_t valid[5];
    assert_int_equal(mt_pq_read_double(r, 0, out, valid, &err), 0);
    tu_assert_same_double(out[3], 1e300);
    mt_pq_reader_free(r);
    free(buf);

    c.crc = 2;
    buf = craft_file(&c, &size);
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "v2.parquet", &err), 0);
    assert_int_equal(mt_pq_read_double(r, 0, out, valid, &err), MT_ECHECKSUM);
    assert_non_null(strstr(err.msg, "v2.parquet: column 'x': row group 0, page at offset 4: "
                                    "checksum mismatch"));
    mt_pq_reader_free(r);
    free(buf);
}

static void put_int96(uint8_t *p, int64_t nanos_of_day, int32_t julian_day)
{
    memcpy(p, &nanos_of_day, 8);
    memcpy(p + 8, &julian_day, 4);
}

/* Legacy INT96 timestamps: nanoseconds of the day + Julian day number. */
static void test_int96(void **state)
{
    (void)state;
    uint8_t body[36];
    put_int96(body, 1500000, 2440588);             /* 1970-01-01 00:00:00.0015 */
    put_int96(body + 12, 86399999999999, 2440587); /* 1 ns before the epoch */
    put_int96(body + 24, 3600000000000, 2459946);  /* 2023-01-01 01:00 */
    struct craft c = {.type = MT_PQ_INT96, .repetition = 0, .num_values = 3, .body = body,
                      .body_len = sizeof body};
    size_t size;
    uint8_t *buf = craft_file(&c, &size);
    struct mt_pq_reader *r = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "int96.parquet", &err), 0);
    assert_int_equal(mt_pq_column(r, 0)->type, MT_PQ_INT96);
    assert_int_equal(mt_pq_column(r, 0)->time_unit, MT_PQ_NANOS);
    int64_t v[3];
    assert_int_equal(mt_pq_read_int64(r, 0, v, NULL, &err), 0);
    assert_int_equal(v[0], 1500000);
    assert_int_equal(v[1], -1);
    assert_int_equal(v[2], 1672534800000000000LL);
    assert_int_equal(mt_pq_read_time_ms(r, 0, v, NULL, &err), 0);
    assert_int_equal(v[0], 1);
    assert_int_equal(v[1], -1);
    assert_int_equal(v[2], 1672534800000LL);
    double d[3];
    assert_int_equal(mt_pq_read_double(r, 0, d, NULL, &err), MT_EINVAL);
    mt_pq_reader_free(r);

    put_int96(body, 0, INT32_MAX); /* beyond the int64 nanosecond range */
    free(buf);
    buf = craft_file(&c, &size);
    assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "int96.parquet", &err), 0);
    assert_int_equal(mt_pq_read_int64(r, 0, v, NULL, &err), MT_ERANGE);
    assert_non_null(strstr(err.msg, "int96.parquet: column 'x'"));
    mt_pq_reader_free(r);
    free(buf);
}

static void test_unknown_codec(void **state)
{
    (void)state;
    const int64_t vals[2] = {1, 2};
    const struct {
        int32_t codec;
        const char *name;
    } cases[] = {{4, "BROTLI"}, {7, "LZ4_RAW"}, {42, "codec 42"}};
    for (size_t k = 0; k < 3; k++) {
        struct craft c = {.type = MT_PQ_INT64, .repetition = 0, .codec = cases[k].codec,
                          .num_values = 2, .body = vals, .body_len = 16};
        size_t size;
        uint8_t *buf = craft_file(&c, &size);
        struct mt_pq_reader *r = NULL;
        struct mt_err err = {0};
        assert_int_equal(mt_pq_reader_open_mem(&r, buf, size, "codec.parquet", &err), 0);
        int64_t out[2];
        assert_int_equal(mt_pq_read_int64(r, 0, out, NULL, &err), MT_EUNSUPPORTED);
        assert_non_null(strstr(err.msg, "codec.parquet"));
        assert_non_null(strstr(err.msg, "column 'x'"));
        if (!strstr(err.msg, cases[k].name))
            fail_msg("'%s' lacks %s", err.msg, cases[k].name);
        mt_pq_reader_free(r);
        free(buf);
    }
}

static void test_unsupported_schemas(void **state)
{
    (void)state;
    const int64_t vals[1] = {1};
    struct craft c = {.type = MT_PQ_INT64, .repetition = 2, .num_values = 1, .body = vals,
                      .body_len = 8};
    size_t size;
    uint8_t *buf = craft_file(&c, &size);
    expect_open_error(buf, size, MT_EUNSUPPORTED, "column 'x' is REPEATED");
    free(buf);

    c.repetition = 0;
    c.nested = true;
    buf = craft_file(&c, &size);
    expect_open_error(buf, size, MT_EUNSUPPORTED, "column 'grp' is a nested group");
    free(buf);

    c.nested = false;
    c.type = 7; /* FIXED_LEN_BYTE_ARRAY */
    buf = craft_file(&c, &size);
    expect_open_error(buf, size, MT_EUNSUPPORTED, "FIXED_LEN_BYTE_ARRAY");
    free(buf);
}

/* Damaged files: every failure is MT_EFORMAT (MT_ECHECKSUM for a page whose
 * stored bytes changed) with a message naming the file. */
static void test_damaged_files(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct tmp tmp;
    tmp_open(&tmp, "d.parquet");
    struct mt_err err = {0};
    struct mt_pq_write_opts o = {.codec = MT_PQ_SNAPPY, .page_rows = 100};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, &o, &err), 0);
    size_t size;
    uint8_t *buf = (uint8_t *)tu_read_file(tmp.path, &size);

    expect_open_error(buf, 0, MT_EFORMAT, "too short");
    expect_open_error(buf, 11, MT_EFORMAT, "too short");
    expect_open_error(buf, size / 2, MT_EFORMAT, "no PAR1 magic at the end");
    expect_open_error(buf, size - 1, MT_EFORMAT, "no PAR1 magic at the end");
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    memcpy(copy, buf, size);
    copy[3] = '2';
    expect_open_error(copy, size, MT_EFORMAT, "no PAR1 magic at the start");

    /* footer length larger than the file */
    memcpy(copy, buf, size);
    uint32_t huge = (uint32_t)size;
    memcpy(copy + size - 8, &huge, 4);
    expect_open_error(copy, size, MT_EFORMAT, "footer length");

    /* footer cut short: the magic and length are kept, the thrift is not;
     * the checksum block sees it, and without the block the parser does */
    uint32_t flen;
    memcpy(&flen, buf + size - 8, 4);
    size_t fstart = size - 8 - flen;
    size_t cut = fstart + flen / 2;
    memcpy(copy, buf, cut);
    uint32_t half = flen / 2;
    memcpy(copy + cut, &half, 4);
    memcpy(copy + cut + 4, "PAR1", 4);
    expect_open_error(copy, cut + 8, MT_ECHECKSUM, "footer checksum mismatch");
    memmove(copy + fstart - 8, copy + fstart, cut + 8 - fstart);
    expect_open_error(copy, cut, MT_EFORMAT, "malformed footer");

    /* a zeroed page: the file opens, reading that column fails cleanly */
    memcpy(copy, buf, size);
    memset(copy + 4, 0, 64);
    struct mt_pq_reader *r = NULL;
    assert_int_equal(mt_pq_reader_open_mem(&r, copy, size, "bad.parquet", &err), 0);
    int64_t *iv = malloc(N * sizeof *iv);
    assert_non_null(iv);
    assert_int_equal(mt_pq_read_int64(r, C_I32, iv, NULL, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "bad.parquet: column 'i32': row group 0, page at offset"));
    assert_int_equal(mt_pq_read_int64(r, C_I64, iv, NULL, &err), 0); /* others unaffected */
    mt_pq_reader_free(r);

    /* corrupt snappy data in every page of the str column */
    memcpy(copy, buf, size);
    r = open_ok(tmp.path);
    mt_pq_reader_free(r);
    for (size_t i = 4; i + 16 < size - 8 - flen; i += 97)
        copy[i] ^= 0x5a;
    assert_int_equal(mt_pq_reader_open_mem(&r, copy, size, "bad.parquet", &err), 0);
    int failed = 0;
    for (size_t c = 0; c < NCOLS; c++) {
        struct mt_pq_strings s = {0};
        int rc = c == C_STR || c == C_OPT_STR ? mt_pq_read_strings(r, c, &s, NULL, &err)
                                              : mt_pq_read_int64(r, c, iv, NULL, &err);
        mt_pq_strings_release(&s);
        if (rc != 0 && rc != MT_EINVAL && rc != MT_EDATA) {
            assert_true(rc == MT_EFORMAT || rc == MT_ECHECKSUM);
            assert_non_null(strstr(err.msg, "bad.parquet: column '"));
            failed++;
        }
    }
    assert_true(failed > 0);
    mt_pq_reader_free(r);
    free(iv);
    free(copy);
    free(buf);
    tmp_close(&tmp);
    free(t);
}

/* A FIFO, a folder or a device is refused at once, before anything is read
 * (opening a FIFO used to block until a writer came). */
static void test_not_regular_files(void **state)
{
    (void)state;
    struct tmp tmp;
    tmp_open(&tmp, "fifo.parquet");
    assert_int_equal(mkfifo(tmp.path, 0600), 0);
    const struct {
        const char *path, *kind;
    } cases[] = {{tmp.path, "a FIFO"}, {tmp.dir, "a folder"}, {"/dev/null", "a device"}};
    for (size_t k = 0; k < 3; k++) {
        struct mt_pq_reader *r = NULL;
        struct mt_err err = {0};
        alarm(10); /* a blocking open fails the test instead of hanging it */
        assert_int_equal(mt_pq_reader_open(&r, cases[k].path, &err), MT_EIO);
        alarm(0);
        assert_null(r);
        char want[4200];
        snprintf(want, sizeof want, "%s is %s, expected a regular file", cases[k].path,
                 cases[k].kind);
        assert_string_equal(err.msg, want);
    }
    tmp_close(&tmp);
}

/* A sparse file of `size` bytes holding `head` at the start and `tail` at the end. */
static void sparse_file(const char *path, size_t size, const char *head, const void *tail,
                        size_t tail_len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(head, 1, strlen(head), f), strlen(head));
    assert_int_equal(ftruncate(fileno(f), (off_t)size), 0);
    assert_int_equal(fseeko(f, (off_t)(size - tail_len), SEEK_SET), 0);
    assert_int_equal(fwrite(tail, 1, tail_len, f), tail_len);
    assert_int_equal(fclose(f), 0);
}

/* Large junk is recognised from its first and last bytes, without reading or
 * mapping the rest (a 3 GB junk file took 3.16 GB of memory); the size limit
 * applies to files that look like Parquet. */
static void test_large_junk_files(void **state)
{
    (void)state;
    struct tmp tmp;
    tmp_open(&tmp, "junk.parquet");
    const size_t gib = (size_t)1 << 30;
    const uint8_t huge_footer[8] = {0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1'};
    const uint8_t small_footer[8] = {0x10, 0, 0, 0, 'P', 'A', 'R', '1'};
    const struct {
        size_t size;
        const char *head;
        const void *tail;
        size_t tail_len;
        int code;
        const char *msg;
    } cases[] = {
        {2 * gib, "junk", "junk", 4, MT_EFORMAT, "not a parquet file (no PAR1 magic at the start)"},
        {2 * gib, "PAR1", "junk", 4, MT_EFORMAT,
         "truncated or not a parquet file (no PAR1 magic at the end)"},
        {2 * gib, "PAR1", huge_footer, 8, MT_EFORMAT,
         "footer length 2147483647 exceeds the file size 2147483648"},
        {5 * gib, "junk", "junk", 4, MT_EFORMAT,
         "not a parquet file (no PAR1 magic at the start)"},
        {5 * gib, "PAR1", small_footer, 8, MT_ELIMIT,
         "is 5368709120 bytes, larger than the limit of 4294967296"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sparse_file(tmp.path, cases[k].size, cases[k].head, cases[k].tail, cases[k].tail_len);
        struct mt_pq_reader *r = NULL;
        struct mt_err err = {0};
        assert_int_equal(mt_pq_reader_open(&r, tmp.path, &err), cases[k].code);
        assert_null(r);
        assert_non_null(strstr(err.msg, tmp.path));
        if (!strstr(err.msg, cases[k].msg))
            fail_msg("case %zu: '%s' lacks '%s'", k, err.msg, cases[k].msg);
    }
    tmp_close(&tmp);
}

static void test_reader_misuse(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct tmp tmp;
    tmp_open(&tmp, "m.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, NULL, &err), 0);
    struct mt_pq_reader *r = open_ok(tmp.path);
    double *dv = malloc(N * sizeof *dv);
    int64_t *iv = malloc(N * sizeof *iv);
    assert_true(dv && iv);
    assert_int_equal(mt_pq_read_double(r, C_STR, dv, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "column 'str' of type BYTE_ARRAY cannot be read as double"));
    assert_int_equal(mt_pq_read_int64(r, C_F64, iv, NULL, &err), MT_EINVAL);
    assert_int_equal(mt_pq_read_time_ms(r, C_I64, iv, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'i64' is not a timestamp"));
    assert_int_equal(mt_pq_read_double(r, NCOLS, dv, NULL, &err), MT_EINVAL);
    assert_null(mt_pq_column(r, NCOLS));
    mt_pq_reader_free(r);
    mt_pq_reader_free(NULL);

    assert_int_equal(mt_pq_reader_open(&r, "/nonexistent/x.parquet", &err), MT_ENOENT);
    assert_null(r);
    assert_non_null(strstr(err.msg, "/nonexistent/x.parquet"));
    free(dv);
    free(iv);
    tmp_close(&tmp);
    free(t);
}

static void test_writer_misuse(void **state)
{
    (void)state;
    struct tmp tmp;
    tmp_open(&tmp, "w.parquet");
    struct mt_err err = {0};
    int64_t v[2] = {1, 2};
    uint8_t valid[2] = {1, 0};
    const char *strs[2] = {"a", NULL};
    struct mt_pq_column c[2] = {
        {"a", MT_PQ_INT64, MT_PQ_NOT_TIME, false, v, NULL},
        {"a", MT_PQ_INT64, MT_PQ_NOT_TIME, false, v, NULL},
    };
    assert_int_equal(write_file(tmp.path, c, 2, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'a' repeats"));
    assert_int_equal(write_file(tmp.path, c, 0, 2, NULL, &err), MT_EINVAL);
    struct mt_pq_write_opts o = {.codec = MT_PQ_GZIP};
    assert_int_equal(write_file(tmp.path, c, 1, 2, &o, &err), MT_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "GZIP"));
    o = (struct mt_pq_write_opts){.codec = MT_PQ_ZSTD, .zstd_level = 1000};
    assert_int_equal(write_file(tmp.path, c, 1, 2, &o, &err), MT_EINVAL);
    c[0].valid = valid;
    assert_int_equal(write_file(tmp.path, c, 1, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "REQUIRED but row 1 is null"));
    c[0] = (struct mt_pq_column){"s", MT_PQ_BYTE_ARRAY, MT_PQ_NOT_TIME, false, strs, NULL};
    assert_int_equal(write_file(tmp.path, c, 1, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "row 1 is a NULL string"));
    c[0] = (struct mt_pq_column){"t", MT_PQ_DOUBLE, MT_PQ_MILLIS, false, v, NULL};
    assert_int_equal(write_file(tmp.path, c, 1, 2, NULL, &err), MT_EINVAL);
    c[0] = (struct mt_pq_column){"b", MT_PQ_BOOLEAN, MT_PQ_NOT_TIME, false, v, NULL};
    assert_int_equal(write_file(tmp.path, c, 1, 2, NULL, &err), MT_EUNSUPPORTED);
    tmp_close(&tmp);
}

/* ---------------------------------------------------------- tables ---- */

/* dst = the columns src from row `from` on. */
static void slice(const struct mt_pq_column *src, size_t ncols, size_t from, struct mt_pq_column *dst)
{
    for (size_t c = 0; c < ncols; c++) {
        dst[c] = src[c];
        size_t w = src[c].type == MT_PQ_BYTE_ARRAY ? sizeof(char *)
                   : src[c].type == MT_PQ_INT32 || src[c].type == MT_PQ_FLOAT ? 4 : 8;
        dst[c].values = (const char *)src[c].values + from * w;
        if (src[c].valid)
            dst[c].valid = src[c].valid + from;
    }
}

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Checks table column c (as mt_pq_read_table returns it) against the test data. */
static void check_read_column(const struct table *t, const struct mt_pq_column *col, size_t c)
{
    switch (c) {
    case C_I32:
        assert_int_equal(col->type, MT_PQ_INT32);
        assert_memory_equal(col->values, t->i32, sizeof t->i32);
        break;
    case C_F32:
        assert_int_equal(col->type, MT_PQ_FLOAT);
        assert_memory_equal(col->values, t->f32, sizeof t->f32);
        break;
    case C_OPT_F64:
        assert_int_equal(col->type, MT_PQ_DOUBLE);
        assert_true(col->optional);
        assert_memory_equal(col->valid, t->v_f64, N);
        for (size_t i = 0; i < N; i++) {
            double v = ((const double *)col->values)[i];
            if (t->v_f64[i])
                assert_true(v == t->opt_f64[i]);
            else
                assert_true(isnan(v));
        }
        break;
    case C_OPT_STR:
        assert_int_equal(col->type, MT_PQ_BYTE_ARRAY);
        assert_memory_equal(col->valid, t->v_str, N);
        for (size_t i = 0; i < N; i++)
            assert_string_equal(((const char *const *)col->values)[i], t->v_str[i] ? t->opt_str[i] : "");
        break;
    case C_STR:
        assert_null(col->valid);
        for (size_t i = 0; i < N; i++)
            assert_string_equal(((const char *const *)col->values)[i], t->str[i]);
        break;
    case C_US:
        assert_int_equal(col->type, MT_PQ_INT64);
        assert_int_equal(col->time_unit, MT_PQ_MICROS);
        assert_memory_equal(col->values, t->ts_us, sizeof t->ts_us);
        break;
    default:
        fail_msg("column %zu not checked", c);
    }
}

/* mt_pq_read_table: the named columns in the order asked, in their own
 * types, with masks for OPTIONAL columns only; missing names and row limits
 * fail with messages naming the file. */
static void test_read_table(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct tmp tmp;
    tmp_open(&tmp, "t.parquet");
    struct mt_err err = {0};
    struct mt_pq_write_opts o = {.codec = MT_PQ_SNAPPY, .row_group_rows = 333, .page_rows = 100};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, &o, &err), 0);

    const char *names[] = {"opt_f64", "str", "ts_us", "i32", "f32", "opt_str"};
    const size_t which[] = {C_OPT_F64, C_STR, C_US, C_I32, C_F32, C_OPT_STR};
    struct mt_pq_table rt;
    if (mt_pq_read_table(tmp.path, names, 6, N, &rt, &err))
        fail_msg("%s", err.msg);
    assert_true(rt.owned);
    assert_int_equal(rt.nrows, N);
    assert_int_equal(rt.ncols, 6);
    for (size_t c = 0; c < 6; c++) {
        assert_string_equal(rt.cols[c].name, names[c]);
        assert_int_equal(mt_pq_table_find(&rt, names[c]), (int)c);
        assert_int_equal(rt.cols[c].optional, cols[which[c]].optional);
        if (!rt.cols[c].optional)
            assert_null(rt.cols[c].valid);
        check_read_column(t, &rt.cols[c], which[c]);
    }
    assert_int_equal(mt_pq_table_find(&rt, "i64"), -1);
    mt_pq_table_release(&rt);
    assert_int_equal(rt.ncols, 0);
    assert_null(rt.cols);

    /* all columns, file order */
    assert_int_equal(mt_pq_read_table(tmp.path, NULL, 0, 0, &rt, &err), 0);
    assert_int_equal(rt.ncols, NCOLS);
    assert_string_equal(rt.cols[C_NS].name, "ts_ns");
    assert_int_equal(rt.cols[C_NS].time_unit, MT_PQ_NANOS);
    assert_memory_equal(rt.cols[C_NS].values, t->ts_ns, sizeof t->ts_ns);
    mt_pq_table_release(&rt);

    const char *missing[] = {"i32", "nope"};
    assert_int_equal(mt_pq_read_table(tmp.path, missing, 2, 0, &rt, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "t.parquet has no 'nope' column"));
    assert_int_equal(rt.ncols, 0);
    assert_int_equal(mt_pq_read_table(tmp.path, names, 1, N - 1, &rt, &err), MT_ELIMIT);
    assert_non_null(strstr(err.msg, "t.parquet holds 1000 rows, above the limit of 999"));
    tmp_close(&tmp);
    free(t);
}

/* Picks the string columns, last first; fails when asked to (ctx). */
static int pick_strings(const struct mt_pq_reader *r, size_t *idx, size_t max, void *ctx, struct mt_err *err)
{
    if (*(const bool *)ctx)
        return mt_err_set(err, MT_EFORMAT, "picked nothing");
    int n = 0;
    for (size_t c = mt_pq_num_columns(r); c-- > 0;) {
        if (mt_pq_column(r, c)->type == MT_PQ_BYTE_ARRAY) {
            assert_true((size_t)n < max);
            idx[n++] = c;
        }
    }
    return n;
}

/* mt_pq_read_table_pick: the columns the callback picks from the schema, in
 * its order; its error is the call's, with nothing read. */
static void test_read_table_pick(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS];
    table_columns(t, cols);
    struct tmp tmp;
    tmp_open(&tmp, "p.parquet");
    struct mt_err err = {0};
    assert_int_equal(write_file(tmp.path, cols, NCOLS, N, NULL, &err), 0);
    bool fail = false;
    struct mt_pq_table rt;
    assert_int_equal(mt_pq_read_table_pick(tmp.path, pick_strings, &fail, 0, &rt, &err), 0);
    assert_int_equal(rt.ncols, 2);
    assert_string_equal(rt.cols[0].name, "opt_str");
    assert_string_equal(rt.cols[1].name, "str");
    check_read_column(t, &rt.cols[0], C_OPT_STR);
    check_read_column(t, &rt.cols[1], C_STR);
    mt_pq_table_release(&rt);
    fail = true;
    assert_int_equal(mt_pq_read_table_pick(tmp.path, pick_strings, &fail, 0, &rt, &err), MT_EFORMAT);
    assert_string_equal(err.msg, "picked nothing");
    assert_int_equal(rt.ncols, 0);
    tmp_close(&tmp);
    free(t);
}

/* The streaming writer: appends of any size become row groups of at most
 * row_group_rows rows; the file appears at path only on close, holds every
 * row in order, and string statistics survive the caller freeing its
 * strings after each append (ASan would catch a dangling pointer). */
static void test_stream_writer(void **state)
{
    (void)state;
    struct table *t = make_table();
    struct mt_pq_column cols[NCOLS], part[NCOLS];
    table_columns(t, cols);
    char *dir = tu_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/new/sub/s.parquet", dir);
    struct mt_err err = {0};
    const struct mt_pq_kv kv = {"source", "stream"};
    struct mt_pq_write_opts o = {.codec = MT_PQ_ZSTD, .statistics = true, .row_group_rows = 300,
                                 .kv = &kv, .n_kv = 1};
    struct mt_pq_writer *w;
    if (mt_pq_writer_open(&w, path, cols, NCOLS, &o, &err))
        fail_msg("%s", err.msg);
    const size_t cut[] = {0, 250, 250, 1000};
    for (size_t k = 0; k + 1 < sizeof cut / sizeof cut[0]; k++) {
        slice(cols, NCOLS, cut[k], part);
        size_t n = cut[k + 1] - cut[k];
        /* this piece's strings live in a buffer freed right after the append */
        char **copy = calloc(n ? n : 1, sizeof *copy);
        assert_non_null(copy);
        for (size_t i = 0; i < n; i++)
            copy[i] = t->str[cut[k] + i] ? strdup(t->str[cut[k] + i]) : NULL;
        part[C_STR].values = copy;
        const struct mt_pq_table piece = {.nrows = n, .ncols = NCOLS, .cols = part};
        if (mt_pq_writer_append(w, &piece, &err))
            fail_msg("%s", err.msg);
        for (size_t i = 0; i < n; i++)
            free(copy[i]);
        free(copy);
    }
    struct stat st;
    assert_int_equal(stat(path, &st), -1);
    size_t bytes = 0;
    if (mt_pq_writer_close(w, &bytes, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, bytes);

    struct mt_pq_reader *r = open_ok(path);
    assert_int_equal(r->nrg, 4); /* 250, then 300 + 300 + 150 */
    assert_int_equal(r->rg_rows[0], 250);
    assert_int_equal(r->rg_rows[1], 300);
    assert_int_equal(r->rg_rows[3], 150);
    assert_int_equal(mt_pq_num_kv(r), 1);
    assert_string_equal(mt_pq_kv(r, 0)->value, "stream");
    mt_pq_reader_free(r);
    struct mt_pq_table rt;
    assert_int_equal(mt_pq_read_table(path, NULL, 0, 0, &rt, &err), 0);
    assert_int_equal(rt.nrows, N);
    const size_t which[] = {C_I32, C_F32, C_OPT_F64, C_OPT_STR, C_STR, C_US};
    for (size_t k = 0; k < sizeof which / sizeof which[0]; k++)
        check_read_column(t, &rt.cols[which[k]], which[k]);
    assert_memory_equal(rt.cols[C_I64].values, t->i64, sizeof t->i64);
    mt_pq_table_release(&rt);
    tu_rmtree(dir);
    free(dir);
    free(t);
}

/* Appends that do not fit the schema fail and spoil the writer; an abandoned
 * or failed writer leaves the old file untouched and no temp file behind. */
static void test_stream_misuse(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/m.parquet", dir);
    tu_write_file(path, "old", 3);
    struct mt_err err = {0};
    int64_t v[2] = {1, 2};
    double d[2] = {1.5, 2.5};
    struct mt_pq_column schema[2] = {
        {"a", MT_PQ_INT64, MT_PQ_MILLIS, false, NULL, NULL},
        {"b", MT_PQ_DOUBLE, MT_PQ_NOT_TIME, true, NULL, NULL},
    };
    struct mt_pq_column good[2] = {schema[0], schema[1]}, bad[2] = {schema[0], schema[1]};
    good[0].values = bad[0].values = v;
    good[1].values = bad[1].values = d;
    struct mt_pq_writer *w;
    assert_int_equal(mt_pq_writer_open(&w, path, schema, 2, NULL, &err), 0);
    assert_int_equal(mt_pq_writer_append(w, &(struct mt_pq_table){2, 2, good, false}, &err), 0);
    bad[1].optional = false;
    assert_int_equal(mt_pq_writer_append(w, &(struct mt_pq_table){2, 2, bad, false}, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "appended column 1 ('b') does not match the file's column 'b'"));
    assert_int_equal(mt_pq_writer_append(w, &(struct mt_pq_table){2, 1, good, false}, &err), MT_EINVAL);
    assert_int_equal(mt_pq_writer_close(w, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "the old file is untouched"));
    size_t n;
    char *text = tu_read_file(path, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(text, "old", 3);
    free(text);
    assert_int_equal(dir_entries(dir), 1);

    /* abandoned after a good append */
    assert_int_equal(mt_pq_writer_open(&w, path, schema, 2, NULL, &err), 0);
    assert_int_equal(mt_pq_writer_append(w, &(struct mt_pq_table){2, 2, good, false}, &err), 0);
    mt_pq_writer_free(w);
    text = tu_read_file(path, &n);
    assert_memory_equal(text, "old", 3);
    free(text);
    assert_int_equal(dir_entries(dir), 1);
    /* a bad schema fails at open with nothing left behind */
    schema[1].name = "a";
    assert_int_equal(mt_pq_writer_open(&w, path, schema, 2, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'a' repeats"));
    assert_null(w);
    assert_int_equal(dir_entries(dir), 1);
    tu_rmtree(dir);
    free(dir);
}

/* mt_pq_write_table replaces a file atomically and creates its folders. */
static void test_write_table(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/x/y/w.parquet", dir);
    struct mt_err err = {0};
    int64_t v[3] = {10, 20, 30};
    struct mt_pq_column c[2] = {{"v", MT_PQ_INT64, MT_PQ_NOT_TIME, false, v, NULL},
                                {"v", MT_PQ_INT64, MT_PQ_NOT_TIME, false, v, NULL}};
    size_t bytes = 0;
    assert_int_equal(mt_pq_write_table(path, &(struct mt_pq_table){3, 1, c, false}, NULL, &bytes, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, bytes);
    assert_int_equal(mt_pq_write_table(path, &(struct mt_pq_table){3, 2, c, false}, NULL, NULL, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'v' repeats"));
    assert_non_null(strstr(err.msg, "the old file is untouched"));
    struct mt_pq_table rt;
    assert_int_equal(mt_pq_read_table(path, NULL, 0, 0, &rt, &err), 0);
    assert_int_equal(rt.nrows, 3);
    assert_int_equal(rt.ncols, 1);
    assert_memory_equal(rt.cols[0].values, v, sizeof v);
    mt_pq_table_release(&rt);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_all_codecs),
        cmocka_unit_test(test_roundtrip_empty_and_all_null),
        cmocka_unit_test(test_large_file_mapped),
        cmocka_unit_test(test_kv_metadata),
        cmocka_unit_test(test_statistics),
        cmocka_unit_test(test_chunk_layout),
        cmocka_unit_test(test_schema_annotations),
        cmocka_unit_test(test_page_checksums_written),
        cmocka_unit_test(test_checksums_verified),
        cmocka_unit_test(test_v2_uncompressed_page),
        cmocka_unit_test(test_v2_page_crc),
        cmocka_unit_test(test_int96),
        cmocka_unit_test(test_unknown_codec),
        cmocka_unit_test(test_unsupported_schemas),
        cmocka_unit_test(test_damaged_files),
        cmocka_unit_test(test_not_regular_files),
        cmocka_unit_test(test_large_junk_files),
        cmocka_unit_test(test_reader_misuse),
        cmocka_unit_test(test_writer_misuse),
        cmocka_unit_test(test_read_table),
        cmocka_unit_test(test_read_table_pick),
        cmocka_unit_test(test_stream_writer),
        cmocka_unit_test(test_stream_misuse),
        cmocka_unit_test(test_write_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
