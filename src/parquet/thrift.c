#include "parquet/thrift.h"

#include <stdlib.h>
#include <string.h>

/* ---- decoder ---- */

static void dec_fail(struct mt_thrift_dec *d, const char *why)
{
    if (!d->error) {
        d->error = why;
        d->error_at = (size_t)(d->p - d->start);
    }
    d->p = d->end; /* later reads find no input */
}

void mt_thrift_dec_init(struct mt_thrift_dec *d, const uint8_t *data, size_t size)
{
    d->start = data;
    d->p = data;
    d->end = data + size;
    d->depth = 0;
    d->error = NULL;
    d->error_at = 0;
}

bool mt_thrift_dec_failed(const struct mt_thrift_dec *d)
{
    return d->error != NULL;
}

size_t mt_thrift_dec_pos(const struct mt_thrift_dec *d)
{
    return (size_t)(d->p - d->start);
}

static uint8_t dec_byte(struct mt_thrift_dec *d)
{
    if (d->error || d->p >= d->end) {
        dec_fail(d, "truncated input");
        return 0;
    }
    return *d->p++;
}

static uint64_t dec_varint(struct mt_thrift_dec *d)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b = dec_byte(d);
        if (d->error)
            return 0;
        if (shift == 63 && b > 1) {
            dec_fail(d, "varint longer than 64 bits");
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    dec_fail(d, "varint longer than 64 bits");
    return 0;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static bool valid_type(uint8_t t)
{
    return t >= MT_THRIFT_TRUE && t <= MT_THRIFT_STRUCT;
}

void mt_thrift_dec_struct_begin(struct mt_thrift_dec *d, int16_t *last)
{
    *last = 0;
    if (d->error)
        return;
    if (d->depth >= MT_THRIFT_MAX_DEPTH) {
        dec_fail(d, "structs nested too deeply");
        return;
    }
    d->depth++;
}

void mt_thrift_dec_field(struct mt_thrift_dec *d, int16_t *last, struct mt_thrift_field *f)
{
    f->id = 0;
    f->type = MT_THRIFT_STOP;
    uint8_t b = dec_byte(d);
    if (d->error || b == 0) {
        if (d->depth)
            d->depth--;
        return;
    }
    uint8_t type = b & 0x0f;
    unsigned delta = b >> 4;
    int64_t id;
    if (delta)
        id = (int64_t)*last + delta;
    else
        id = unzigzag(dec_varint(d));
    if (!valid_type(type) || id < INT16_MIN || id > INT16_MAX) {
        dec_fail(d, valid_type(type) ? "field id out of range" : "unknown wire type");
        if (d->depth)
            d->depth--;
        return;
    }
    *last = (int16_t)id;
    f->id = (int16_t)id;
    f->type = type;
}

static int64_t dec_int(struct mt_thrift_dec *d, uint8_t type)
{
    switch (type) {
    case MT_THRIFT_BYTE:
        return (int8_t)dec_byte(d);
    case MT_THRIFT_I16:
    case MT_THRIFT_I32:
    case MT_THRIFT_I64:
        return unzigzag(dec_varint(d));
    default:
        dec_fail(d, "expected an integer");
        return 0;
    }
}

int32_t mt_thrift_dec_i32(struct mt_thrift_dec *d, uint8_t type)
{
    int64_t v = dec_int(d, type);
    if (v < INT32_MIN || v > INT32_MAX) {
        dec_fail(d, "integer does not fit 32 bits");
        return 0;
    }
    return (int32_t)v;
}

int64_t mt_thrift_dec_i64(struct mt_thrift_dec *d, uint8_t type)
{
    return dec_int(d, type);
}

bool mt_thrift_dec_bool(struct mt_thrift_dec *d, uint8_t type, bool in_list)
{
    if (type != MT_THRIFT_TRUE && type != MT_THRIFT_FALSE) {
        dec_fail(d, "expected a boolean");
        return false;
    }
    if (in_list)
        return dec_byte(d) == MT_THRIFT_TRUE;
    return type == MT_THRIFT_TRUE;
}

const uint8_t *mt_thrift_dec_binary(struct mt_thrift_dec *d, uint8_t type, size_t *len)
{
    *len = 0;
    if (type != MT_THRIFT_BINARY) {
        dec_fail(d, "expected a binary value");
        return NULL;
    }
    uint64_t n = dec_varint(d);
    if (d->error)
        return NULL;
    if (n > (uint64_t)(d->end - d->p)) {
        dec_fail(d, "binary length beyond the end of the input");
        return NULL;
    }
    const uint8_t *p = d->p;
    d->p += n;
    *len = (size_t)n;
    return p;
}

size_t mt_thrift_dec_list(struct mt_thrift_dec *d, uint8_t type, uint8_t *elem_type)
{
    *elem_type = MT_THRIFT_STOP;
    if (type != MT_THRIFT_LIST && type != MT_THRIFT_SET) {
        dec_fail(d, "expected a list");
        return 0;
    }
    uint8_t b = dec_byte(d);
    uint64_t n = b >> 4;
    if (n == 15)
        n = dec_varint(d);
    if (d->error)
        return 0;
    if (!valid_type(b & 0x0f)) {
        dec_fail(d, "unknown list element type");
        return 0;
    }
    if (n > (uint64_t)(d->end - d->p)) {
        dec_fail(d, "list longer than the remaining input");
        return 0;
    }
    *elem_type = b & 0x0f;
    return (size_t)n;
}

void mt_thrift_dec_skip(struct mt_thrift_dec *d, uint8_t type, bool in_list)
{
    if (d->error)
        return;
    switch (type) {
    case MT_THRIFT_TRUE:
    case MT_THRIFT_FALSE:
        if (in_list)
            dec_byte(d);
        return;
    case MT_THRIFT_BYTE:
        dec_byte(d);
        return;
    case MT_THRIFT_I16:
    case MT_THRIFT_I32:
    case MT_THRIFT_I64:
        dec_varint(d);
        return;
    case MT_THRIFT_DOUBLE:
        if (d->end - d->p < 8)
            dec_fail(d, "truncated double");
        else
            d->p += 8;
        return;
    case MT_THRIFT_BINARY: {
        size_t n;
        mt_thrift_dec_binary(d, type, &n);
        return;
    }
    case MT_THRIFT_LIST:
    case MT_THRIFT_SET: {
        uint8_t et;
        size_t n = mt_thrift_dec_list(d, type, &et);
        if (d->depth >= MT_THRIFT_MAX_DEPTH) {
            dec_fail(d, "lists nested too deeply");
            return;
        }
        d->depth++;
        for (size_t i = 0; i < n && !d->error; i++)
            mt_thrift_dec_skip(d, et, true);
        if (d->depth)
            d->depth--;
        return;
    }
    case MT_THRIFT_MAP: {
        uint64_t n = dec_varint(d);
        if (n == 0 || d->error)
            return;
        uint8_t kv = dec_byte(d);
        if (d->error)
            return;
        if (n > (uint64_t)(d->end - d->p) || !valid_type(kv >> 4) || !valid_type(kv & 0x0f)) {
            dec_fail(d, "bad map header");
            return;
        }
        if (d->depth >= MT_THRIFT_MAX_DEPTH) {
            dec_fail(d, "maps nested too deeply");
            return;
        }
        d->depth++;
        for (uint64_t i = 0; i < n && !d->error; i++) {
            mt_thrift_dec_skip(d, (uint8_t)(kv >> 4), true);
            mt_thrift_dec_skip(d, (uint8_t)(kv & 0x0f), true);
        }
        if (d->depth)
            d->depth--;
        return;
    }
    case MT_THRIFT_STRUCT: {
        int16_t last;
        struct mt_thrift_field f;
        mt_thrift_dec_struct_begin(d, &last);
        for (mt_thrift_dec_field(d, &last, &f); f.type != MT_THRIFT_STOP;
             mt_thrift_dec_field(d, &last, &f))
            mt_thrift_dec_skip(d, f.type, false);
        return;
    }
    default:
        dec_fail(d, "unknown wire type");
        return;
    }
}

/* ---- encoder ---- */

void mt_thrift_enc_init(struct mt_thrift_enc *e, size_t max)
{
    memset(e, 0, sizeof *e);
    e->max = max;
}

void mt_thrift_enc_release(struct mt_thrift_enc *e)
{
    free(e->buf);
    e->buf = NULL;
    e->len = e->cap = 0;
}

void mt_thrift_enc_reset(struct mt_thrift_enc *e)
{
    e->len = 0;
    e->depth = 0;
    e->failed = false;
}

bool mt_thrift_enc_failed(const struct mt_thrift_enc *e)
{
    return e->failed || e->depth != 0;
}

static void enc_put(struct mt_thrift_enc *e, const void *p, size_t n)
{
    if (e->failed)
        return;
    if (n > e->max - e->len) {
        e->failed = true;
        return;
    }
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 256;
        while (cap < e->len + n)
            cap = cap > e->max / 2 ? e->max : cap * 2;
        uint8_t *nb = realloc(e->buf, cap);
        if (!nb) {
            e->failed = true;
            return;
        }
        e->buf = nb;
        e->cap = cap;
    }
    memcpy(e->buf + e->len, p, n);
    e->len += n;
}

static void enc_byte(struct mt_thrift_enc *e, uint8_t b)
{
    enc_put(e, &b, 1);
}

static void enc_varint(struct mt_thrift_enc *e, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    enc_put(e, tmp, n);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void mt_thrift_enc_struct_begin(struct mt_thrift_enc *e)
{
    if (e->depth >= MT_THRIFT_MAX_DEPTH) {
        e->failed = true;
        return;
    }
    e->last[++e->depth] = 0;
}

void mt_thrift_enc_struct_end(struct mt_thrift_enc *e)
{
    if (e->depth == 0) {
        e->failed = true;
        return;
    }
    enc_byte(e, MT_THRIFT_STOP);
    e->depth--;
}

void mt_thrift_enc_field(struct mt_thrift_enc *e, int16_t id, uint8_t type)
{
    if (e->depth == 0) {
        e->failed = true;
        return;
    }
    int delta = id - e->last[e->depth];
    if (delta > 0 && delta <= 15) {
        enc_byte(e, (uint8_t)((unsigned)delta << 4 | type));
    } else {
        enc_byte(e, type);
        enc_varint(e, zigzag(id));
    }
    e->last[e->depth] = id;
}

void mt_thrift_enc_i32(struct mt_thrift_enc *e, int32_t v)
{
    enc_varint(e, zigzag(v));
}

void mt_thrift_enc_i64(struct mt_thrift_enc *e, int64_t v)
{
    enc_varint(e, zigzag(v));
}

void mt_thrift_enc_binary(struct mt_thrift_enc *e, const void *p, size_t n)
{
    enc_varint(e, n);
    enc_put(e, p, n);
}

void mt_thrift_enc_list(struct mt_thrift_enc *e, uint8_t elem_type, size_t n)
{
    if (n < 15) {
        enc_byte(e, (uint8_t)(n << 4 | elem_type));
    } else {
        enc_byte(e, (uint8_t)(0xf0 | elem_type));
        enc_varint(e, n);
    }
}

void mt_thrift_enc_i32_field(struct mt_thrift_enc *e, int16_t id, int32_t v)
{
    mt_thrift_enc_field(e, id, MT_THRIFT_I32);
    mt_thrift_enc_i32(e, v);
}

void mt_thrift_enc_i64_field(struct mt_thrift_enc *e, int16_t id, int64_t v)
{
    mt_thrift_enc_field(e, id, MT_THRIFT_I64);
    mt_thrift_enc_i64(e, v);
}

void mt_thrift_enc_bool_field(struct mt_thrift_enc *e, int16_t id, bool v)
{
    mt_thrift_enc_field(e, id, v ? MT_THRIFT_TRUE : MT_THRIFT_FALSE);
}

void mt_thrift_enc_binary_field(struct mt_thrift_enc *e, int16_t id, const void *p, size_t n)
{
    mt_thrift_enc_field(e, id, MT_THRIFT_BINARY);
    mt_thrift_enc_binary(e, p, n);
}

void mt_thrift_enc_string_field(struct mt_thrift_enc *e, int16_t id, const char *s)
{
    mt_thrift_enc_binary_field(e, id, s, strlen(s));
}
