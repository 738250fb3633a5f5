/* Parquet writer: DATA_PAGE v1 pages of PLAIN values (RLE definition levels
 * for OPTIONAL columns), one chunk per column per row group, optional
 * compression and min/max statistics. Each page is assembled in memory and
 * written with a single fwrite. Row groups are written as they are appended;
 * only their metadata waits for the footer. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet_internal.h"
#include "core/atomic.h"
#include "parquet/thrift.h"

#define DEFAULT_ROW_GROUP_ROWS ((size_t)1 << 20)
#define DEFAULT_PAGE_ROWS ((size_t)20000)
#define DEFAULT_ZSTD_LEVEL 3
/* Room kept in front of a compressed page for its header. */
#define HEADER_ROOM 64

/* Min/max of one column chunk, in PLAIN bytes: numbers in min/max; strings
 * point at caller data until the chunk is done, then at chunk_out.owned. */
struct stats {
    bool has;
    const uint8_t *min_p, *max_p;
    size_t min_n, max_n;
    uint8_t min[8], max[8];
    int64_t nulls;
};

struct chunk_out {
    uint64_t offset;
    uint64_t compressed, uncompressed;
    struct stats st;
    uint8_t *owned;               /* copy of string min/max (caller data may go) */
};

struct mt_pq_writer {
    FILE *f;
    uint64_t off;                 /* bytes written so far */
    struct mt_pq_write_opts o;    /* kv points at kv below */
    struct mt_pq_column *schema;  /* names owned, values unused */
    size_t ncols;
    struct mt_pq_kv *kv;          /* owned copies */
    struct chunk_out *chunks;     /* ncols per row group */
    size_t *group_rows;           /* rows of each row group */
    size_t nrg, rg_cap, rows;
    bool failed;                  /* an append failed: the file is unusable */
    struct mt_atomic_file *atomic; /* the target when written by path, else NULL */
    int level;
    struct mt_pq_codec_ctx codec;
    struct mt_thrift_enc hdr;     /* page header scratch */
    uint8_t *raw;                 /* uncompressed page (compressed codecs only) */
    size_t raw_cap;
    uint8_t *out;                 /* HEADER_ROOM + page as written */
    size_t out_cap;
    struct mt_err *err;
};

static size_t value_width(enum mt_pq_type t)
{
    return t == MT_PQ_INT32 || t == MT_PQ_FLOAT ? 4 : 8;
}

static bool is_valid(const struct mt_pq_column *c, size_t i)
{
    return !c->optional || !c->valid || c->valid[i];
}

static int put(struct mt_pq_writer *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        return mt_err_set(w->err, MT_EIO, "cannot write parquet data: %s", strerror(errno));
    w->off += n;
    return 0;
}

static bool grow(uint8_t **buf, size_t *cap, size_t n)
{
    if (n <= *cap)
        return true;
    uint8_t *nb = realloc(*buf, n);
    if (!nb)
        return false;
    *buf = nb;
    *cap = n;
    return true;
}

/* ---- definition levels ---- */

static size_t levels_bound(size_t n)
{
    return (n / 8 + 1) * 11 + 16;
}

static size_t put_uleb(uint8_t *dst, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        dst[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (uint8_t)v;
    return n;
}

/* Length of the run of equal validity starting at i, counting at most max. */
static size_t run_length(const struct mt_pq_column *c, size_t i, size_t end, size_t max)
{
    bool v = is_valid(c, i);
    size_t r = 1;
    while (i + r < end && r < max && is_valid(c, i + r) == v)
        r++;
    return r;
}

/* RLE/bit-packed hybrid (bit width 1) of the validity of rows [a, b): runs of
 * 8 or more as RLE runs, the rest bit-packed in groups of 8. */
static size_t encode_levels(const struct mt_pq_column *c, size_t a, size_t b, uint8_t *dst)
{
    size_t o = 0, i = a;
    while (i < b) {
        size_t run = run_length(c, i, b, SIZE_MAX);
        if (run >= 8) {
            o += put_uleb(dst + o, (uint64_t)run << 1);
            dst[o++] = is_valid(c, i);
            i += run;
            continue;
        }
        size_t start = i, groups = 0;
        do {
            groups++;
            i += 8;
        } while (i < b && run_length(c, i, b, 8) < 8);
        o += put_uleb(dst + o, (uint64_t)groups << 1 | 1);
        for (size_t g = 0; g < groups; g++) {
            uint8_t byte = 0;
            for (size_t j = 0; j < 8; j++) {
                size_t row = start + 8 * g + j;
                if (row < b && is_valid(c, row))
                    byte |= (uint8_t)(1u << j);
            }
            dst[o++] = byte;
        }
        if (i > b)
            i = b;
    }
    return o;
}

/* ---- statistics ---- */

static void stats_number(struct stats *st, enum mt_pq_type t, const uint8_t *v)
{
    bool less, more;
    switch (t) {
    case MT_PQ_INT32: {
        int32_t x, lo, hi;
        memcpy(&x, v, 4);
        memcpy(&lo, st->min, 4);
        memcpy(&hi, st->max, 4);
        less = x < lo;
        more = x > hi;
        break;
    }
    case MT_PQ_INT64: {
        int64_t x, lo, hi;
        memcpy(&x, v, 8);
        memcpy(&lo, st->min, 8);
        memcpy(&hi, st->max, 8);
        less = x < lo;
        more = x > hi;
        break;
    }
    case MT_PQ_FLOAT: {
        float x, lo, hi;
        memcpy(&x, v, 4);
        if (isnan(x))
            return;
        memcpy(&lo, st->min, 4);
        memcpy(&hi, st->max, 4);
        less = x < lo;
        more = x > hi;
        break;
    }
    default: {
        double x, lo, hi;
        memcpy(&x, v, 8);
        if (isnan(x))
            return;
        memcpy(&lo, st->min, 8);
        memcpy(&hi, st->max, 8);
        less = x < lo;
        more = x > hi;
        break;
    }
    }
    size_t w = value_width(t);
    if (!st->has) {
        memcpy(st->min, v, w);
        memcpy(st->max, v, w);
        st->has = true;
        return;
    }
    if (less)
        memcpy(st->min, v, w);
    if (more)
        memcpy(st->max, v, w);
}

static int bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static void stats_string(struct stats *st, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    if (!st->has || bytes_cmp(p, n, st->min_p, st->min_n) < 0) {
        st->min_p = p;
        st->min_n = n;
    }
    if (!st->has || bytes_cmp(p, n, st->max_p, st->max_n) > 0) {
        st->max_p = p;
        st->max_n = n;
    }
    st->has = true;
}

/* Parquet asks for -0.0 as a zero minimum and +0.0 as a zero maximum, so a
 * reader skipping chunks by statistics never misses a signed zero. */
static void stats_finish(struct stats *st, enum mt_pq_type t)
{
    if (!st->has || t == MT_PQ_BYTE_ARRAY) {
        return;
    } else if (t == MT_PQ_FLOAT) {
        float lo, hi;
        memcpy(&lo, st->min, 4);
        memcpy(&hi, st->max, 4);
        lo = lo == 0.0f ? -0.0f : lo;
        hi = hi == 0.0f ? 0.0f : hi;
        memcpy(st->min, &lo, 4);
        memcpy(st->max, &hi, 4);
    } else if (t == MT_PQ_DOUBLE) {
        double lo, hi;
        memcpy(&lo, st->min, 8);
        memcpy(&hi, st->max, 8);
        lo = lo == 0.0 ? -0.0 : lo;
        hi = hi == 0.0 ? 0.0 : hi;
        memcpy(st->min, &lo, 8);
        memcpy(st->max, &hi, 8);
    }
    st->min_n = st->max_n = value_width(t);
}

/* ---- pages ---- */

/* Bytes of PLAIN values of rows [a, b) (strings: checked against the page limit). */
static int page_value_bytes(struct mt_pq_writer *w, const struct mt_pq_column *c, size_t a,
                            size_t b, size_t *out)
{
    size_t n = 0;
    if (c->type != MT_PQ_BYTE_ARRAY) {
        for (size_t i = a; i < b; i++)
            n += is_valid(c, i);
        *out = n * value_width(c->type);
        return 0;
    }
    const char *const *v = c->values;
    for (size_t i = a; i < b; i++) {
        if (!is_valid(c, i))
            continue;
        if (!v[i])
            return mt_err_set(w->err, MT_EINVAL, "column '%s': row %zu is a NULL string",
                              c->name, i);
        n += 4 + strlen(v[i]);
        if (n > MT_PQ_MAX_PAGE_BYTES / 2)
            return mt_err_set(w->err, MT_ELIMIT,
                              "column '%s': the page of rows %zu-%zu exceeds %zu bytes", c->name,
                              a, b - 1, MT_PQ_MAX_PAGE_BYTES / 2);
    }
    *out = n;
    return 0;
}

/* Writes PLAIN values of rows [a, b) at dst, updating statistics. */
static void put_values(const struct mt_pq_column *c, size_t a, size_t b, uint8_t *dst,
                       struct stats *st, bool stats)
{
    if (c->type == MT_PQ_BYTE_ARRAY) {
        const char *const *v = c->values;
        for (size_t i = a; i < b; i++) {
            if (!is_valid(c, i))
                continue;
            size_t n = strlen(v[i]);
            uint32_t len = (uint32_t)n;
            memcpy(dst, &len, 4);
            memcpy(dst + 4, v[i], n);
            dst += 4 + n;
            if (stats)
                stats_string(st, v[i], n);
        }
        return;
    }
    size_t width = value_width(c->type);
    const uint8_t *src = (const uint8_t *)c->values + a * width;
    uint8_t *start = dst;
    if (!c->optional || !c->valid) {
        memcpy(dst, src, (b - a) * width);
        dst += (b - a) * width;
    } else {
        for (size_t i = a; i < b; i++, src += width) {
            if (c->valid[i]) {
                memcpy(dst, src, width);
                dst += width;
            }
        }
    }
    for (const uint8_t *p = start; stats && p < dst; p += width)
        stats_number(st, c->type, p);
}

/* Encodes the page header in front of the body at w->out + HEADER_ROOM and
 * writes both. */
static int write_page(struct mt_pq_writer *w, const struct mt_pq_column *c, size_t nvalues,
                      size_t raw_len, size_t comp_len, struct chunk_out *co)
{
    struct mt_thrift_enc *e = &w->hdr;
    mt_thrift_enc_reset(e);
    mt_thrift_enc_struct_begin(e);
    mt_thrift_enc_i32_field(e, 1, MT_PQ_PAGE_DATA);
    mt_thrift_enc_i32_field(e, 2, (int32_t)raw_len);
    mt_thrift_enc_i32_field(e, 3, (int32_t)comp_len);
    /* crc: the page as stored, so readers detect a flipped byte in it. */
    mt_thrift_enc_i32_field(e, 4, (int32_t)mt_pq_crc32(0, w->out + HEADER_ROOM, comp_len));
    mt_thrift_enc_field(e, 5, MT_THRIFT_STRUCT);
    mt_thrift_enc_struct_begin(e);
    mt_thrift_enc_i32_field(e, 1, (int32_t)nvalues);
    mt_thrift_enc_i32_field(e, 2, MT_PQ_ENC_PLAIN);
    mt_thrift_enc_i32_field(e, 3, MT_PQ_ENC_RLE);
    mt_thrift_enc_i32_field(e, 4, MT_PQ_ENC_RLE);
    mt_thrift_enc_struct_end(e);
    mt_thrift_enc_struct_end(e);
    if (mt_thrift_enc_failed(e) || e->len > HEADER_ROOM)
        return mt_err_set(w->err, MT_ENOMEM, "column '%s': cannot encode a page header", c->name);
    uint8_t *start = w->out + HEADER_ROOM - e->len;
    memcpy(start, e->buf, e->len);
    co->compressed += e->len + comp_len;
    co->uncompressed += e->len + raw_len;
    return put(w, start, e->len + comp_len);
}

/* Writes the page of rows [a, b) of column c. */
static int page(struct mt_pq_writer *w, const struct mt_pq_column *c, size_t a, size_t b,
                struct chunk_out *co)
{
    size_t vbytes = 0;
    int rc = page_value_bytes(w, c, a, b, &vbytes);
    if (rc)
        return rc;
    size_t lbytes = c->optional ? 4 + levels_bound(b - a) : 0;
    size_t raw_max = lbytes + vbytes;
    int32_t codec = (int32_t)w->o.codec;
    bool direct = codec == MT_PQ_UNCOMPRESSED;
    if (raw_max > MT_PQ_MAX_PAGE_BYTES - HEADER_ROOM ||
        mt_pq_compress_bound(codec, raw_max) > MT_PQ_MAX_PAGE_BYTES - HEADER_ROOM)
        return mt_err_set(w->err, MT_ELIMIT, "column '%s': page of rows %zu-%zu is too large",
                          c->name, a, b - 1);
    if (!grow(&w->out, &w->out_cap, HEADER_ROOM + mt_pq_compress_bound(codec, raw_max)) ||
        (!direct && !grow(&w->raw, &w->raw_cap, raw_max ? raw_max : 1)))
        return mt_err_set(w->err, MT_ENOMEM, "column '%s': out of memory for a page", c->name);
    uint8_t *raw = direct ? w->out + HEADER_ROOM : w->raw;
    size_t len = 0;
    if (c->optional) {
        uint32_t n = (uint32_t)encode_levels(c, a, b, raw + 4);
        memcpy(raw, &n, 4);
        len = 4 + (size_t)n;
    }
    put_values(c, a, b, raw + len, &co->st, w->o.statistics);
    len += vbytes;
    size_t comp = len;
    if (!direct) {
        const char *why = NULL;
        rc = mt_pq_compress(&w->codec, codec, w->level, raw, len, w->out + HEADER_ROOM, &comp,
                            &why);
        if (rc)
            return mt_err_set(w->err, rc, "column '%s': %s", c->name, why);
    }
    return write_page(w, c, b - a, len, comp, co);
}

static int chunk(struct mt_pq_writer *w, const struct mt_pq_column *c, size_t a, size_t b,
                 struct chunk_out *co)
{
    size_t page_rows = w->o.page_rows ? w->o.page_rows : DEFAULT_PAGE_ROWS;
    memset(co, 0, sizeof *co);
    co->offset = w->off;
    for (size_t i = a; i < b; i++)
        co->st.nulls += !is_valid(c, i);
    for (size_t p = a; p < b; p += page_rows) {
        int rc = page(w, c, p, b - p < page_rows ? b : p + page_rows, co);
        if (rc)
            return rc;
    }
    stats_finish(&co->st, c->type);
    if (c->type == MT_PQ_BYTE_ARRAY && co->st.has) {
        co->owned = malloc(co->st.min_n + co->st.max_n + 1);
        if (!co->owned)
            return mt_err_set(w->err, MT_ENOMEM, "column '%s': out of memory for statistics",
                              c->name);
        memcpy(co->owned, co->st.min_p, co->st.min_n);
        memcpy(co->owned + co->st.min_n, co->st.max_p, co->st.max_n);
        co->st.min_p = co->owned;
        co->st.max_p = co->owned + co->st.min_n;
    }
    return 0;
}

/* ---- footer ---- */

static void schema_element(struct mt_thrift_enc *e, const struct mt_pq_column *c)
{
    mt_thrift_enc_struct_begin(e);
    mt_thrift_enc_i32_field(e, 1, (int32_t)c->type);
    mt_thrift_enc_i32_field(e, 3, c->optional ? MT_PQ_OPTIONAL : MT_PQ_REQUIRED);
    mt_thrift_enc_string_field(e, 4, c->name);
    if (c->time_unit == MT_PQ_MILLIS || c->time_unit == MT_PQ_MICROS)
        mt_thrift_enc_i32_field(e, 6,
                                c->time_unit == MT_PQ_MILLIS ? MT_PQ_CT_TIMESTAMP_MILLIS
                                                             : MT_PQ_CT_TIMESTAMP_MICROS);
    else if (c->type == MT_PQ_BYTE_ARRAY)
        mt_thrift_enc_i32_field(e, 6, MT_PQ_CT_UTF8);
    if (c->time_unit != MT_PQ_NOT_TIME || c->type == MT_PQ_BYTE_ARRAY) {
        mt_thrift_enc_field(e, 10, MT_THRIFT_STRUCT); /* LogicalType union */
        mt_thrift_enc_struct_begin(e);
        if (c->time_unit != MT_PQ_NOT_TIME) {
            mt_thrift_enc_field(e, 8, MT_THRIFT_STRUCT); /* TIMESTAMP */
            mt_thrift_enc_struct_begin(e);
            mt_thrift_enc_bool_field(e, 1, true); /* isAdjustedToUTC */
            mt_thrift_enc_field(e, 2, MT_THRIFT_STRUCT); /* TimeUnit union */
            mt_thrift_enc_struct_begin(e);
            mt_thrift_enc_field(e, (int16_t)c->time_unit, MT_THRIFT_STRUCT);
            mt_thrift_enc_struct_begin(e);
            mt_thrift_enc_struct_end(e);
            mt_thrift_enc_struct_end(e);
            mt_thrift_enc_struct_end(e);
        } else {
            mt_thrift_enc_field(e, 1, MT_THRIFT_STRUCT); /* STRING */
            mt_thrift_enc_struct_begin(e);
            mt_thrift_enc_struct_end(e);
        }
        mt_thrift_enc_struct_end(e);
    }
    mt_thrift_enc_struct_end(e);
}

static void column_chunk(struct mt_thrift_enc *e, const struct mt_pq_column *c,
                         const struct chunk_out *co, size_t rows, int32_t codec, bool stats)
{
    mt_thrift_enc_struct_begin(e);
    mt_thrift_enc_i64_field(e, 2, (int64_t)co->offset); /* file_offset */
    mt_thrift_enc_field(e, 3, MT_THRIFT_STRUCT);         /* ColumnMetaData */
    mt_thrift_enc_struct_begin(e);
    mt_thrift_enc_i32_field(e, 1, (int32_t)c->type);
    mt_thrift_enc_field(e, 2, MT_THRIFT_LIST);
    mt_thrift_enc_list(e, MT_THRIFT_I32, 2);
    mt_thrift_enc_i32(e, MT_PQ_ENC_PLAIN);
    mt_thrift_enc_i32(e, MT_PQ_ENC_RLE);
    mt_thrift_enc_field(e, 3, MT_THRIFT_LIST);
    mt_thrift_enc_list(e, MT_THRIFT_BINARY, 1);
    mt_thrift_enc_binary(e, c->name, strlen(c->name));
    mt_thrift_enc_i32_field(e, 4, codec);
    mt_thrift_enc_i64_field(e, 5, (int64_t)rows);
    mt_thrift_enc_i64_field(e, 6, (int64_t)co->uncompressed);
    mt_thrift_enc_i64_field(e, 7, (int64_t)co->compressed);
    mt_thrift_enc_i64_field(e, 9, (int64_t)co->offset); /* data_page_offset */
    if (stats) {
        mt_thrift_enc_field(e, 12, MT_THRIFT_STRUCT);
        mt_thrift_enc_struct_begin(e);
        mt_thrift_enc_i64_field(e, 3, co->st.nulls);
        if (co->st.has) {
            /* numbers sit in the struct itself (which may move), strings in co->owned */
            bool str = c->type == MT_PQ_BYTE_ARRAY;
            mt_thrift_enc_binary_field(e, 5, str ? co->st.max_p : co->st.max, co->st.max_n);
            mt_thrift_enc_binary_field(e, 6, str ? co->st.min_p : co->st.min, co->st.min_n);
        }
        mt_thrift_enc_struct_end(e);
    }
    mt_thrift_enc_struct_end(e);
    mt_thrift_enc_struct_end(e);
}

static int write_footer(struct mt_pq_writer *w)
{
    const struct mt_pq_write_opts *o = &w->o;
    const struct mt_pq_column *cols = w->schema;
    size_t ncols = w->ncols, nrg = w->nrg;
    struct mt_thrift_enc e;
    mt_thrift_enc_init(&e, MT_PQ_MAX_PAGE_BYTES);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_i32_field(&e, 1, 1); /* version */
    mt_thrift_enc_field(&e, 2, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, ncols + 1);
    mt_thrift_enc_struct_begin(&e);
    mt_thrift_enc_string_field(&e, 4, "schema");
    mt_thrift_enc_i32_field(&e, 5, (int32_t)ncols);
    mt_thrift_enc_struct_end(&e);
    for (size_t c = 0; c < ncols; c++)
        schema_element(&e, &cols[c]);
    mt_thrift_enc_i64_field(&e, 3, (int64_t)w->rows);
    mt_thrift_enc_field(&e, 4, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, nrg);
    for (size_t g = 0; g < nrg; g++) {
        const struct chunk_out *co = &w->chunks[g * ncols];
        size_t rows = w->group_rows[g];
        uint64_t comp = 0, uncomp = 0;
        mt_thrift_enc_struct_begin(&e);
        mt_thrift_enc_field(&e, 1, MT_THRIFT_LIST);
        mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, ncols);
        for (size_t c = 0; c < ncols; c++) {
            column_chunk(&e, &cols[c], &co[c], rows, (int32_t)o->codec, o->statistics);
            comp += co[c].compressed;
            uncomp += co[c].uncompressed;
        }
        mt_thrift_enc_i64_field(&e, 2, (int64_t)uncomp); /* total_byte_size */
        mt_thrift_enc_i64_field(&e, 3, (int64_t)rows);
        mt_thrift_enc_i64_field(&e, 5, (int64_t)co[0].offset); /* file_offset */
        mt_thrift_enc_i64_field(&e, 6, (int64_t)comp);         /* total_compressed_size */
        mt_thrift_enc_struct_end(&e);
    }
    if (o->n_kv) {
        mt_thrift_enc_field(&e, 5, MT_THRIFT_LIST);
        mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, o->n_kv);
        for (size_t i = 0; i < o->n_kv; i++) {
            mt_thrift_enc_struct_begin(&e);
            mt_thrift_enc_string_field(&e, 1, o->kv[i].key);
            if (o->kv[i].value)
                mt_thrift_enc_string_field(&e, 2, o->kv[i].value);
            mt_thrift_enc_struct_end(&e);
        }
    }
    mt_thrift_enc_string_field(&e, 6, MT_PQ_CREATED_BY);
    /* column_orders: min/max follow each type's natural order (TypeDefinedOrder). */
    mt_thrift_enc_field(&e, 7, MT_THRIFT_LIST);
    mt_thrift_enc_list(&e, MT_THRIFT_STRUCT, ncols);
    for (size_t c = 0; c < ncols; c++) {
        mt_thrift_enc_struct_begin(&e);
        mt_thrift_enc_field(&e, 1, MT_THRIFT_STRUCT);
        mt_thrift_enc_struct_begin(&e);
        mt_thrift_enc_struct_end(&e);
        mt_thrift_enc_struct_end(&e);
    }
    mt_thrift_enc_struct_end(&e);
    int rc;
    if (mt_thrift_enc_failed(&e)) {
        rc = mt_err_set(w->err, MT_ENOMEM, "cannot encode the parquet footer (out of memory or "
                                           "larger than 2 GiB)");
    } else {
        /* The checksum block (parquet_internal.h) covers the footer and its length. */
        uint32_t len = (uint32_t)e.len;
        uint32_t crc = mt_pq_crc32(mt_pq_crc32(0, e.buf, e.len), (const uint8_t *)&len, 4);
        rc = put(w, &crc, 4);
        if (rc == 0)
            rc = put(w, MT_PQ_FOOTER_MAGIC, 4);
        if (rc == 0)
            rc = put(w, e.buf, e.len);
        if (rc == 0)
            rc = put(w, &len, 4);
        if (rc == 0)
            rc = put(w, "PAR1", 4);
    }
    mt_thrift_enc_release(&e);
    return rc;
}

/* ---- entry points ---- */

static int check_opts(const struct mt_pq_write_opts *o, struct mt_err *err)
{
    if (o->codec != MT_PQ_UNCOMPRESSED && o->codec != MT_PQ_SNAPPY && o->codec != MT_PQ_ZSTD) {
        char buf[32];
        return mt_err_set(err, MT_EUNSUPPORTED, "parquet writer: cannot write codec %s",
                          mt_pq_codec_name((int32_t)o->codec, buf, sizeof buf));
    }
    if (o->codec == MT_PQ_ZSTD && o->zstd_level &&
        (o->zstd_level < ZSTD_minCLevel() || o->zstd_level > ZSTD_maxCLevel()))
        return mt_err_set(err, MT_EINVAL, "parquet writer: zstd level %d outside [%d, %d]",
                          o->zstd_level, ZSTD_minCLevel(), ZSTD_maxCLevel());
    for (size_t i = 0; i < o->n_kv; i++) {
        if (!o->kv || !o->kv[i].key)
            return mt_err_set(err, MT_EINVAL, "parquet writer: key-value pair %zu has no key", i);
    }
    return 0;
}

static int check_schema(const struct mt_pq_column *cols, size_t ncols, struct mt_err *err)
{
    if (!cols || ncols == 0 || ncols > INT32_MAX)
        return mt_err_set(err, MT_EINVAL, "parquet writer: no columns given");
    for (size_t c = 0; c < ncols; c++) {
        const struct mt_pq_column *col = &cols[c];
        if (!col->name || !col->name[0])
            return mt_err_set(err, MT_EINVAL, "parquet writer: column %zu has no name", c);
        for (size_t d = 0; d < c; d++) {
            if (strcmp(cols[d].name, col->name) == 0)
                return mt_err_set(err, MT_EINVAL, "parquet writer: column name '%s' repeats",
                                  col->name);
        }
        if (col->type != MT_PQ_INT32 && col->type != MT_PQ_INT64 && col->type != MT_PQ_FLOAT &&
            col->type != MT_PQ_DOUBLE && col->type != MT_PQ_BYTE_ARRAY)
            return mt_err_set(err, MT_EUNSUPPORTED,
                              "parquet writer: column '%s': cannot write type %s", col->name,
                              mt_pq_type_name((int32_t)col->type));
        if (col->time_unit != MT_PQ_NOT_TIME &&
            (col->type != MT_PQ_INT64 || col->time_unit < MT_PQ_MILLIS ||
             col->time_unit > MT_PQ_NANOS))
            return mt_err_set(err, MT_EINVAL,
                              "parquet writer: column '%s': a time unit needs an INT64 column",
                              col->name);
    }
    return 0;
}

/* The rows of t fit the writer's schema: same columns, values present, no
 * null in a REQUIRED column. */
static int check_rows(const struct mt_pq_writer *w, const struct mt_pq_table *t,
                      struct mt_err *err)
{
    if (t->ncols != w->ncols)
        return mt_err_set(err, MT_EINVAL, "parquet writer: %zu columns appended to a file of %zu",
                          t->ncols, w->ncols);
    if (t->nrows > INT64_MAX / 2 - w->rows)
        return mt_err_set(err, MT_EINVAL, "parquet writer: %zu rows is too many",
                          w->rows + t->nrows);
    for (size_t c = 0; c < t->ncols; c++) {
        const struct mt_pq_column *col = &t->cols[c], *s = &w->schema[c];
        if (!col->name || strcmp(col->name, s->name) != 0 || col->type != s->type ||
            col->time_unit != s->time_unit || col->optional != s->optional)
            return mt_err_set(err, MT_EINVAL,
                              "parquet writer: appended column %zu ('%s') does not match the "
                              "file's column '%s'",
                              c, col->name ? col->name : "", s->name);
        if (t->nrows && !col->values)
            return mt_err_set(err, MT_EINVAL, "parquet writer: column '%s' has no values",
                              col->name);
        if (!col->optional && col->valid) {
            for (size_t i = 0; i < t->nrows; i++) {
                if (!col->valid[i])
                    return mt_err_set(err, MT_EINVAL,
                                      "parquet writer: column '%s' is REQUIRED but row %zu is "
                                      "null",
                                      col->name, w->rows + i);
            }
        }
    }
    return 0;
}

void mt_pq_writer_free(struct mt_pq_writer *w)
{
    if (!w)
        return;
    if (w->atomic) {
        if (w->atomic->f)
            mt_atomic_abort(w->atomic, 0, NULL);
        free(w->atomic);
    }
    for (size_t c = 0; c < w->ncols; c++)
        free((char *)w->schema[c].name);
    free(w->schema);
    for (size_t i = 0; i < w->o.n_kv; i++) {
        free((char *)w->kv[i].key);
        free((char *)w->kv[i].value);
    }
    free(w->kv);
    for (size_t i = 0; i < w->nrg * w->ncols; i++)
        free(w->chunks[i].owned);
    free(w->chunks);
    free(w->group_rows);
    free(w->raw);
    free(w->out);
    mt_thrift_enc_release(&w->hdr);
    mt_pq_codec_release(&w->codec);
    free(w);
}

static char *dup_or_null(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    *ok = *ok && d;
    return d;
}

/* A writer on f (positioned where the file starts) with the leading magic written. */
static int writer_begin(struct mt_pq_writer **out, FILE *f, const struct mt_pq_column *schema,
                        size_t ncols, const struct mt_pq_write_opts *opts, struct mt_err *err)
{
    *out = NULL;
    const struct mt_pq_write_opts defaults = {0};
    const struct mt_pq_write_opts *o = opts ? opts : &defaults;
    int rc = check_opts(o, err);
    if (rc == 0)
        rc = check_schema(schema, ncols, err);
    if (rc)
        return rc;
    struct mt_pq_writer *w = calloc(1, sizeof *w);
    if (!w)
        return mt_err_set(err, MT_ENOMEM, "parquet writer: out of memory");
    w->f = f;
    w->o = *o;
    w->o.kv = NULL;
    w->o.n_kv = 0;
    w->level = o->zstd_level ? o->zstd_level : DEFAULT_ZSTD_LEVEL;
    mt_thrift_enc_init(&w->hdr, HEADER_ROOM);
    w->schema = calloc(ncols, sizeof *w->schema);
    w->kv = calloc(o->n_kv ? o->n_kv : 1, sizeof *w->kv);
    bool ok = w->schema && w->kv;
    for (size_t c = 0; ok && c < ncols; c++) {
        w->schema[c] = schema[c];
        w->schema[c].values = NULL;
        w->schema[c].valid = NULL;
        w->schema[c].name = dup_or_null(schema[c].name, &ok);
        w->ncols = c + 1;
    }
    for (size_t i = 0; ok && i < o->n_kv; i++) {
        w->kv[i].key = dup_or_null(o->kv[i].key, &ok);
        w->kv[i].value = dup_or_null(o->kv[i].value, &ok);
        w->o.n_kv = i + 1;
    }
    w->o.kv = w->kv;
    if (!ok) {
        mt_pq_writer_free(w);
        return mt_err_set(err, MT_ENOMEM, "parquet writer: out of memory");
    }
    w->err = err;
    if ((rc = put(w, "PAR1", 4)) != 0) {
        mt_pq_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Room for one more row group's metadata. */
static bool reserve_group(struct mt_pq_writer *w)
{
    if (w->nrg < w->rg_cap)
        return true;
    size_t cap = w->rg_cap ? w->rg_cap * 2 : 8;
    struct chunk_out *chunks = realloc(w->chunks, cap * w->ncols * sizeof *chunks);
    if (!chunks)
        return false;
    w->chunks = chunks;
    size_t *rows = realloc(w->group_rows, cap * sizeof *rows);
    if (!rows)
        return false;
    w->group_rows = rows;
    w->rg_cap = cap;
    return true;
}

int mt_pq_writer_append(struct mt_pq_writer *w, const struct mt_pq_table *t, struct mt_err *err)
{
    w->err = err;
    if (w->failed)
        return mt_err_set(err, MT_EINVAL, "parquet writer: append after a failed one");
    int rc = check_rows(w, t, err);
    if (rc) {
        w->failed = true;
        return rc;
    }
    size_t rg_rows = w->o.row_group_rows ? w->o.row_group_rows : DEFAULT_ROW_GROUP_ROWS;
    for (size_t a = 0; a < t->nrows && rc == 0; a += rg_rows) {
        size_t b = t->nrows - a < rg_rows ? t->nrows : a + rg_rows;
        if (!reserve_group(w)) {
            rc = mt_err_set(err, MT_ENOMEM, "parquet writer: out of memory");
            break;
        }
        struct chunk_out *co = &w->chunks[w->nrg * w->ncols];
        memset(co, 0, w->ncols * sizeof *co);
        w->group_rows[w->nrg++] = b - a; /* counted now so that free sees every chunk */
        for (size_t c = 0; c < w->ncols && rc == 0; c++)
            rc = chunk(w, &t->cols[c], a, b, &co[c]);
        w->rows += b - a;
    }
    w->failed = rc != 0;
    return rc;
}

int mt_pq_writer_open(struct mt_pq_writer **out, const char *path,
                      const struct mt_pq_column *schema, size_t ncols,
                      const struct mt_pq_write_opts *opts, struct mt_err *err)
{
    *out = NULL;
    struct mt_atomic_file *a = malloc(sizeof *a);
    if (!a)
        return mt_err_set(err, MT_ENOMEM, "cannot write %s: out of memory", path);
    int rc = mt_atomic_open(a, path, err);
    if (rc) {
        free(a);
        return rc;
    }
    rc = writer_begin(out, a->f, schema, ncols, opts, err);
    if (rc) {
        rc = mt_atomic_abort(a, rc, err);
        free(a);
        return rc;
    }
    (*out)->atomic = a;
    return 0;
}

int mt_pq_writer_close(struct mt_pq_writer *w, size_t *bytes, struct mt_err *err)
{
    assert(w->atomic);
    w->err = err;
    int rc = w->failed ? mt_err_set(err, MT_EINVAL, "parquet writer: close after a failed append")
                       : write_footer(w);
    if (rc == 0)
        rc = mt_atomic_commit(w->atomic, bytes, err);
    else
        rc = mt_atomic_abort(w->atomic, rc, err);
    mt_pq_writer_free(w);
    return rc;
}

int mt_pq_write(FILE *f, const struct mt_pq_table *t, const struct mt_pq_write_opts *opts,
                struct mt_err *err)
{
    struct mt_pq_writer *w;
    int rc = writer_begin(&w, f, t->cols, t->ncols, opts, err);
    if (rc)
        return rc;
    rc = mt_pq_writer_append(w, t, err);
    if (rc == 0)
        rc = write_footer(w);
    mt_pq_writer_free(w);
    return rc;
}

int mt_pq_write_table(const char *path, const struct mt_pq_table *t,
                      const struct mt_pq_write_opts *opts, size_t *bytes, struct mt_err *err)
{
    struct mt_pq_writer *w;
    int rc = mt_pq_writer_open(&w, path, t->cols, t->ncols, opts, err);
    if (rc)
        return rc;
    rc = mt_pq_writer_append(w, t, err);
    if (rc) {
        mt_atomic_abort(w->atomic, rc, err);
        mt_pq_writer_free(w);
        return rc;
    }
    return mt_pq_writer_close(w, bytes, err);
}
