/* Parquet value encodings: PLAIN, RLE/bit-packed hybrid (levels, booleans,
 * dictionary indices), DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT. Every
 * length and count is checked against the bytes at hand before use. */
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet_internal.h"

/* Values decoded per batch of hybrid runs (stack buffer). */
#define BATCH 1024

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return MT_EFORMAT;
}

/* ULEB128 varint of at most 64 bits; false when truncated or too long. */
static bool uleb(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && p < end; shift += 7) {
        uint8_t b = *p++;
        if (shift == 63 && b > 1)
            return false;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return true;
        }
    }
    return false;
}

/* bw (<= 64) bits starting at bit `pos` of base, least significant first.
 * Reads only the bytes that hold those bits. */
static inline uint64_t get_bits(const uint8_t *base, uint64_t pos, unsigned bw)
{
    if (bw == 0)
        return 0;
    const uint8_t *q = base + (pos >> 3);
    unsigned sh = (unsigned)(pos & 7);
    uint64_t v = (uint64_t)(*q++ >> sh);
    unsigned got = 8 - sh;
    while (got < bw) {
        v |= (uint64_t)*q++ << got;
        got += 8;
    }
    return bw < 64 ? v & (((uint64_t)1 << bw) - 1) : v;
}

static inline void put_value(enum mt_pq_out out, void *dst, size_t i, int64_t v)
{
    if (out == MT_PQ_OUT_DOUBLE)
        ((double *)dst)[i] = (double)v;
    else
        ((int64_t *)dst)[i] = v;
}

/* ---- RLE / bit-packed hybrid ---- */

struct hybrid {
    const uint8_t *p, *end;
    unsigned bw;
    uint64_t rle_left;      /* values left in the current RLE run */
    uint32_t rle_val;
    const uint8_t *bp;      /* current bit-packed run */
    uint64_t bp_pos, bp_end; /* next and one-past-last value index in it */
};

static void hybrid_init(struct hybrid *h, const uint8_t *p, size_t n, unsigned bw)
{
    memset(h, 0, sizeof *h);
    h->p = p;
    h->end = p + n;
    h->bw = bw;
}

/* Next piece of at most max values: either a repeated value (returns 1, *val
 * set) or bit-packed values unpacked into buf (returns 0); *cnt > 0 on
 * success. Negative on malformed input. */
static int hybrid_next(struct hybrid *h, size_t max, uint32_t *buf, size_t *cnt, uint32_t *val,
                       const char **why)
{
    while (h->rle_left == 0 && h->bp_pos == h->bp_end) {
        uint64_t hdr;
        if (!uleb(&h->p, h->end, &hdr))
            return fail(why, "truncated run header in rle/bit-packed data");
        if (hdr & 1) {
            uint64_t groups = hdr >> 1;
            size_t avail = (size_t)(h->end - h->p);
            if (h->bw ? groups > avail / h->bw : groups > ((uint64_t)1 << 32))
                return fail(why, "bit-packed run longer than its data");
            h->bp = h->p;
            h->p += groups * h->bw;
            h->bp_pos = 0;
            h->bp_end = groups * 8;
        } else {
            size_t nb = (h->bw + 7) / 8;
            if ((size_t)(h->end - h->p) < nb)
                return fail(why, "truncated rle run value");
            uint32_t v = 0;
            for (size_t i = 0; i < nb; i++)
                v |= (uint32_t)h->p[i] << (8 * i);
            h->p += nb;
            h->rle_val = v;
            h->rle_left = hdr >> 1;
        }
    }
    if (h->rle_left) {
        *cnt = h->rle_left < max ? (size_t)h->rle_left : max;
        h->rle_left -= *cnt;
        *val = h->rle_val;
        return 1;
    }
    uint64_t left = h->bp_end - h->bp_pos;
    size_t c = left < max ? (size_t)left : max;
    uint64_t pos = h->bp_pos * h->bw;
    for (size_t i = 0; i < c; i++, pos += h->bw)
        buf[i] = (uint32_t)get_bits(h->bp, pos, h->bw);
    h->bp_pos += c;
    *cnt = c;
    return 0;
}

int mt_pq_decode_levels(const uint8_t *p, size_t n, size_t count, uint8_t *valid,
                        size_t *nonnull, const char **why)
{
    struct hybrid h;
    uint32_t buf[BATCH];
    size_t ones = 0;
    hybrid_init(&h, p, n, 1);
    for (size_t done = 0; done < count;) {
        size_t c;
        uint32_t v;
        size_t want = count - done < BATCH ? count - done : BATCH;
        int rep = hybrid_next(&h, want, buf, &c, &v, why);
        if (rep < 0)
            return rep;
        if (rep) {
            if (v > 1)
                return fail(why, "definition level above 1");
            memset(valid + done, (int)v, c);
            ones += v ? c : 0;
        } else {
            for (size_t i = 0; i < c; i++) {
                valid[done + i] = (uint8_t)buf[i];
                ones += buf[i];
            }
        }
        done += c;
    }
    *nonnull = ones;
    return 0;
}

int mt_pq_decode_rle_bool(const uint8_t *p, size_t n, size_t count, enum mt_pq_out out,
                          void *dst, const char **why)
{
    if (n < 4)
        return fail(why, "truncated length of rle booleans");
    uint32_t len;
    memcpy(&len, p, 4);
    if (len > n - 4)
        return fail(why, "rle booleans longer than the page");
    struct hybrid h;
    uint32_t buf[BATCH];
    hybrid_init(&h, p + 4, len, 1);
    for (size_t done = 0; done < count;) {
        size_t c;
        uint32_t v;
        size_t want = count - done < BATCH ? count - done : BATCH;
        int rep = hybrid_next(&h, want, buf, &c, &v, why);
        if (rep < 0)
            return rep;
        if (rep && v > 1)
            return fail(why, "rle boolean above 1");
        for (size_t i = 0; i < c; i++)
            put_value(out, dst, done + i, rep ? v : buf[i]);
        done += c;
    }
    return 0;
}

/* dst[at .. at + c) = dict[idx[i]] (or dict[val] for all when idx is NULL). */
static void gather(const void *dict, bool spans, const uint32_t *idx, uint32_t val, size_t c,
                   void *dst, size_t at)
{
    if (spans) {
        const struct mt_pq_span *ds = dict;
        struct mt_pq_span *os = (struct mt_pq_span *)dst + at;
        for (size_t i = 0; i < c; i++)
            os[i] = ds[idx ? idx[i] : val];
    } else {
        /* 8-byte doubles or int64s, copied without caring which. */
        const unsigned char *d8 = dict;
        unsigned char *o8 = (unsigned char *)dst + 8 * at;
        for (size_t i = 0; i < c; i++)
            memcpy(o8 + 8 * i, d8 + 8 * (size_t)(idx ? idx[i] : val), 8);
    }
}

int mt_pq_decode_dict(const uint8_t *p, size_t n, size_t count, const void *dict, size_t dict_n,
                      bool spans, void *dst, const char **why)
{
    if (count == 0)
        return 0;
    if (n < 1)
        return fail(why, "missing bit width of dictionary indices");
    if (p[0] > 32)
        return fail(why, "dictionary index bit width above 32");
    struct hybrid h;
    uint32_t buf[BATCH];
    hybrid_init(&h, p + 1, n - 1, p[0]);
    for (size_t done = 0; done < count;) {
        size_t c;
        uint32_t v;
        size_t want = count - done < BATCH ? count - done : BATCH;
        int rep = hybrid_next(&h, want, buf, &c, &v, why);
        if (rep < 0)
            return rep;
        if (!rep) {
            v = 0;
            for (size_t i = 0; i < c; i++)
                v = buf[i] > v ? buf[i] : v;
        }
        if (v >= dict_n)
            return fail(why, "dictionary index out of range");
        gather(dict, spans, rep ? NULL : buf, v, c, dst, done);
        done += c;
    }
    return 0;
}

/* ---- PLAIN ---- */

size_t mt_pq_plain_max_count(int32_t type, size_t n)
{
    switch (type) {
    case MT_PQ_BOOLEAN:
        return n > SIZE_MAX / 8 ? SIZE_MAX : n * 8;
    case MT_PQ_INT32:
    case MT_PQ_FLOAT:
    case MT_PQ_BYTE_ARRAY:
        return n / 4;
    case MT_PQ_INT96:
        return n / 12;
    default:
        return n / 8;
    }
}

/* Nanoseconds since the epoch of an INT96 (nanoseconds of day, Julian day). */
static bool int96_ns(const uint8_t *q, int64_t *ns)
{
    int64_t nanos;
    int32_t jd;
    memcpy(&nanos, q, 8);
    memcpy(&jd, q + 8, 4);
    int64_t day_ns;
    return !__builtin_mul_overflow((int64_t)jd - 2440588, (int64_t)86400000000000, &day_ns) &&
           !__builtin_add_overflow(day_ns, nanos, ns);
}

int mt_pq_decode_plain(int32_t type, const uint8_t *p, size_t n, size_t count,
                       enum mt_pq_out out, void *dst, const char **why)
{
    if (count > mt_pq_plain_max_count(type, n))
        return fail(why, "page holds fewer plain values than announced");
    double *od = dst;
    int64_t *oi = dst;
    switch (type) {
    case MT_PQ_BOOLEAN:
        for (size_t i = 0; i < count; i++)
            put_value(out, dst, i, (p[i >> 3] >> (i & 7)) & 1);
        return 0;
    case MT_PQ_INT32:
        for (size_t i = 0; i < count; i++) {
            int32_t v;
            memcpy(&v, p + 4 * i, 4);
            put_value(out, dst, i, v);
        }
        return 0;
    case MT_PQ_INT64:
        if (out == MT_PQ_OUT_INT64) {
            if (count)
                memcpy(oi, p, 8 * count);
        } else {
            for (size_t i = 0; i < count; i++) {
                int64_t v;
                memcpy(&v, p + 8 * i, 8);
                od[i] = (double)v;
            }
        }
        return 0;
    case MT_PQ_INT96:
        for (size_t i = 0; i < count; i++) {
            int64_t ns;
            if (!int96_ns(p + 12 * i, &ns)) {
                *why = "int96 timestamp out of the int64 nanosecond range";
                return MT_ERANGE;
            }
            put_value(out, dst, i, ns);
        }
        return 0;
    case MT_PQ_FLOAT:
        if (out != MT_PQ_OUT_DOUBLE)
            break;
        for (size_t i = 0; i < count; i++) {
            float v;
            memcpy(&v, p + 4 * i, 4);
            od[i] = (double)v;
        }
        return 0;
    case MT_PQ_DOUBLE:
        if (out != MT_PQ_OUT_DOUBLE)
            break;
        if (count)
            memcpy(od, p, 8 * count);
        return 0;
    default:
        break;
    }
    *why = "physical type cannot be decoded to this output";
    return MT_EINVAL;
}

int mt_pq_decode_plain_spans(const uint8_t *p, size_t n, size_t count, struct mt_pq_span *dst,
                             const char **why)
{
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        if (n - off < 4)
            return fail(why, "truncated byte array length");
        uint32_t len;
        memcpy(&len, p + off, 4);
        off += 4;
        if (len > n - off)
            return fail(why, "byte array longer than the page");
        dst[i].p = p + off;
        dst[i].n = len;
        off += len;
    }
    return 0;
}

/* ---- DELTA_BINARY_PACKED ---- */

int mt_pq_decode_delta(int32_t type, const uint8_t *p, size_t n, size_t count,
                       enum mt_pq_out out, void *dst, size_t *used, const char **why)
{
    if (type != MT_PQ_INT32 && type != MT_PQ_INT64) {
        *why = "delta encoding of a type other than int32/int64";
        return MT_EFORMAT;
    }
    const uint8_t *start = p, *end = p + n;
    uint64_t block, nmb, total, first;
    if (!uleb(&p, end, &block) || !uleb(&p, end, &nmb) || !uleb(&p, end, &total) ||
        !uleb(&p, end, &first))
        return fail(why, "truncated delta header");
    if (block == 0 || block % 128 || block > ((uint64_t)1 << 20) || nmb == 0 || block % nmb ||
        (block / nmb) % 32)
        return fail(why, "bad delta block layout");
    if (total < count)
        return fail(why, "delta data holds fewer values than announced");
    if (used)
        *used = (size_t)(p - start);
    if (count == 0)
        return 0;
    size_t per_mb = (size_t)(block / nmb);
    bool is32 = type == MT_PQ_INT32;
    uint64_t v = (first >> 1) ^ (0 - (first & 1));
    put_value(out, dst, 0, is32 ? (int32_t)(uint32_t)v : (int64_t)v);
    size_t i = 1;
    while (i < count) {
        uint64_t zz;
        if (!uleb(&p, end, &zz))
            return fail(why, "truncated delta block header");
        uint64_t min_delta = (zz >> 1) ^ (0 - (zz & 1));
        if ((uint64_t)(end - p) < nmb)
            return fail(why, "truncated delta bit widths");
        const uint8_t *widths = p;
        p += nmb;
        for (size_t m = 0; m < nmb && i < count; m++) {
            unsigned w = widths[m];
            if (w > 64)
                return fail(why, "delta bit width above 64");
            size_t take = count - i < per_mb ? count - i : per_mb;
            size_t full = per_mb / 8 * w;
            size_t avail = (size_t)(end - p);
            if ((take * w + 7) / 8 > avail)
                return fail(why, "truncated delta miniblock");
            for (size_t j = 0; j < take; j++) {
                v += min_delta + get_bits(p, (uint64_t)j * w, w);
                put_value(out, dst, i + j, is32 ? (int32_t)(uint32_t)v : (int64_t)v);
            }
            i += take;
            p += full < avail ? full : avail;
        }
    }
    if (used)
        *used = (size_t)(p - start);
    return 0;
}

/* ---- DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY ---- */

int mt_pq_decode_dlba(const uint8_t *p, size_t n, size_t count, int64_t *lens,
                      struct mt_pq_span *dst, size_t *used, const char **why)
{
    size_t off;
    int rc = mt_pq_decode_delta(MT_PQ_INT32, p, n, count, MT_PQ_OUT_INT64, lens, &off, why);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++) {
        if (lens[i] < 0 || (uint64_t)lens[i] > n - off)
            return fail(why, "delta byte array length beyond the page");
        dst[i].p = p + off;
        dst[i].n = (size_t)lens[i];
        off += (size_t)lens[i];
    }
    if (used)
        *used = off;
    return 0;
}

int mt_pq_decode_dba(const uint8_t *p, size_t n, size_t count, int64_t *lens, uint8_t **buf,
                     size_t *cap, struct mt_pq_span *dst, const char **why)
{
    size_t off;
    int64_t *prefix = lens + count;
    int rc = mt_pq_decode_delta(MT_PQ_INT32, p, n, count, MT_PQ_OUT_INT64, prefix, &off, why);
    if (rc)
        return rc;
    rc = mt_pq_decode_dlba(p + off, n - off, count, lens, dst, NULL, why);
    if (rc)
        return rc;
    /* Each value is a prefix of the previous one plus its suffix: bound the
     * total before building them all in *buf. */
    uint64_t total = 0, prev = 0;
    for (size_t i = 0; i < count; i++) {
        if (prefix[i] < 0 || (uint64_t)prefix[i] > prev)
            return fail(why, "delta byte array prefix longer than the previous value");
        prev = (uint64_t)prefix[i] + dst[i].n;
        total += prev;
        if (total > MT_PQ_MAX_STRING_DATA) {
            *why = "delta byte array values exceed the 1 GiB read limit";
            return MT_ELIMIT;
        }
    }
    if (total > *cap || !*buf) {
        uint8_t *nb = realloc(*buf, total ? (size_t)total : 1);
        if (!nb) {
            *why = "out of memory for delta byte array values";
            return MT_ENOMEM;
        }
        *buf = nb;
        *cap = total ? (size_t)total : 1;
    }
    uint8_t *o = *buf;
    const uint8_t *last = o;
    for (size_t i = 0; i < count; i++) {
        size_t pre = (size_t)prefix[i];
        if (pre)
            memmove(o, last, pre);
        if (dst[i].n)
            memcpy(o + pre, dst[i].p, dst[i].n);
        dst[i].p = o;
        dst[i].n += pre;
        last = o;
        o += dst[i].n;
    }
    return 0;
}

/* ---- BYTE_STREAM_SPLIT ---- */

int mt_pq_decode_bss(int32_t type, const uint8_t *p, size_t n, size_t count, enum mt_pq_out out,
                     void *dst, const char **why)
{
    size_t w = type == MT_PQ_INT32 || type == MT_PQ_FLOAT ? 4 : 8;
    if (type != MT_PQ_INT32 && type != MT_PQ_INT64 && type != MT_PQ_FLOAT &&
        type != MT_PQ_DOUBLE)
        return fail(why, "byte stream split of an unsupported type");
    if ((type == MT_PQ_FLOAT || type == MT_PQ_DOUBLE) && out != MT_PQ_OUT_DOUBLE) {
        *why = "physical type cannot be decoded to this output";
        return MT_EINVAL;
    }
    if (n % w || n / w < count)
        return fail(why, "byte stream split data does not match the value count");
    size_t stride = n / w;
    for (size_t i = 0; i < count; i++) {
        uint64_t bits = 0;
        for (size_t b = 0; b < w; b++)
            bits |= (uint64_t)p[b * stride + i] << (8 * b);
        switch (type) {
        case MT_PQ_INT32:
            put_value(out, dst, i, (int32_t)(uint32_t)bits);
            break;
        case MT_PQ_INT64:
            put_value(out, dst, i, (int64_t)bits);
            break;
        case MT_PQ_FLOAT: {
            uint32_t b32 = (uint32_t)bits;
            float f;
            memcpy(&f, &b32, 4);
            ((double *)dst)[i] = (double)f;
            break;
        }
        default:
            memcpy((double *)dst + i, &bits, 8);
            break;
        }
    }
    return 0;
}
