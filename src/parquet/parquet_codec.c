/* Page compression for the Parquet codec: SNAPPY, GZIP (read only) and ZSTD,
 * with contexts kept across pages. */
#include <libdeflate.h>
#include <snappy-c.h>
#include <stdio.h>
#include <string.h>

#include "parquet/parquet_internal.h"

const char *mt_pq_codec_name(int32_t codec, char *buf, size_t size)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    if (codec >= 0 && (size_t)codec < sizeof names / sizeof names[0])
        return names[codec];
    snprintf(buf, size, "codec %d", (int)codec);
    return buf;
}

void mt_pq_codec_release(struct mt_pq_codec_ctx *c)
{
    ZSTD_freeDCtx(c->zd);
    ZSTD_freeCCtx(c->zc);
    if (c->zs_ready)
        inflateEnd(&c->zs);
    c->zd = NULL;
    c->zc = NULL;
    c->zs_ready = false;
}

uint32_t mt_pq_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    /* libdeflate's CRC-32 is zlib's, 4x faster here (carry-less multiply on
     * x86-64, the CRC32 instructions on ARMv8), so verifying pages costs
     * little next to decoding them. */
    return libdeflate_crc32(crc, p, n);
}

bool mt_pq_codec_readable(int32_t codec)
{
    return codec == MT_PQ_UNCOMPRESSED || codec == MT_PQ_SNAPPY || codec == MT_PQ_GZIP ||
           codec == MT_PQ_ZSTD;
}

size_t mt_pq_max_uncompressed(int32_t codec, size_t compressed)
{
    /* Densest valid streams: a snappy copy tag of 3 bytes yields 64 bytes, a
     * deflate stream at most 1032:1, a zstd block of 4 bytes 128 KiB. */
    uint64_t ratio = codec == MT_PQ_SNAPPY ? 32 : codec == MT_PQ_GZIP ? 1040 : 65536;
    if (codec == MT_PQ_UNCOMPRESSED)
        return compressed;
    uint64_t max = (uint64_t)compressed * ratio + 65536;
    return max > MT_PQ_MAX_PAGE_BYTES ? MT_PQ_MAX_PAGE_BYTES : (size_t)max;
}

static int gunzip(struct mt_pq_codec_ctx *c, const uint8_t *src, size_t n, uint8_t *dst,
                  size_t dst_len, const char **why)
{
    if (!c->zs_ready) {
        c->zs.zalloc = Z_NULL;
        c->zs.zfree = Z_NULL;
        c->zs.opaque = Z_NULL;
        c->zs.next_in = Z_NULL;
        c->zs.avail_in = 0;
        if (inflateInit2(&c->zs, 15 + 32) != Z_OK) {
            *why = "cannot initialise zlib";
            return MT_ENOMEM;
        }
        c->zs_ready = true;
    } else if (inflateReset(&c->zs) != Z_OK) {
        *why = "cannot reset zlib";
        return MT_EFORMAT;
    }
    c->zs.next_in = (Bytef *)(uintptr_t)src; /* zlib's API is not const-correct */
    c->zs.avail_in = (uInt)n;
    c->zs.next_out = dst;
    c->zs.avail_out = (uInt)dst_len;
    int zrc = inflate(&c->zs, Z_FINISH);
    if (zrc != Z_STREAM_END || c->zs.total_out != dst_len) {
        *why = zrc == Z_STREAM_END || zrc == Z_BUF_ERROR
                   ? "gzip data does not inflate to the page size"
                   : "corrupt gzip data";
        return MT_EFORMAT;
    }
    return 0;
}

int mt_pq_decompress(struct mt_pq_codec_ctx *c, int32_t codec, const uint8_t *src, size_t n,
                     uint8_t *dst, size_t dst_len, const char **why)
{
    switch (codec) {
    case MT_PQ_SNAPPY: {
        size_t len;
        if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK) {
            *why = "corrupt snappy data";
            return MT_EFORMAT;
        }
        if (len != dst_len) {
            *why = "snappy data does not match the page size";
            return MT_EFORMAT;
        }
        if (snappy_uncompress((const char *)src, n, (char *)dst, &len) != SNAPPY_OK ||
            len != dst_len) {
            *why = "corrupt snappy data";
            return MT_EFORMAT;
        }
        return 0;
    }
    case MT_PQ_GZIP:
        return gunzip(c, src, n, dst, dst_len, why);
    case MT_PQ_ZSTD: {
        if (!c->zd && !(c->zd = ZSTD_createDCtx())) {
            *why = "cannot create a zstd context";
            return MT_ENOMEM;
        }
        size_t got = ZSTD_decompressDCtx(c->zd, dst, dst_len, src, n);
        if (ZSTD_isError(got) || got != dst_len) {
            *why = ZSTD_isError(got) ? "corrupt zstd data"
                                     : "zstd data does not match the page size";
            return MT_EFORMAT;
        }
        return 0;
    }
    default:
        *why = "unsupported codec";
        return MT_EUNSUPPORTED;
    }
}

size_t mt_pq_compress_bound(int32_t codec, size_t n)
{
    switch (codec) {
    case MT_PQ_SNAPPY:
        return snappy_max_compressed_length(n);
    case MT_PQ_ZSTD:
        return ZSTD_compressBound(n);
    default:
        return n;
    }
}

int mt_pq_compress(struct mt_pq_codec_ctx *c, int32_t codec, int level, const uint8_t *src,
                   size_t n, uint8_t *dst, size_t *out_len, const char **why)
{
    size_t cap = mt_pq_compress_bound(codec, n);
    switch (codec) {
    case MT_PQ_SNAPPY:
        *out_len = cap;
        if (snappy_compress((const char *)src, n, (char *)dst, out_len) != SNAPPY_OK) {
            *why = "snappy compression failed";
            return MT_EINVAL;
        }
        return 0;
    case MT_PQ_ZSTD: {
        if (!c->zc && !(c->zc = ZSTD_createCCtx())) {
            *why = "cannot create a zstd context";
            return MT_ENOMEM;
        }
        size_t got = ZSTD_compressCCtx(c->zc, dst, cap, src, n, level);
        if (ZSTD_isError(got)) {
            *why = "zstd compression failed";
            return MT_EINVAL;
        }
        *out_len = got;
        return 0;
    }
    case MT_PQ_UNCOMPRESSED:
        if (n)
            memcpy(dst, src, n);
        *out_len = n;
        return 0;
    default:
        *why = "unsupported codec";
        return MT_EINVAL;
    }
}
