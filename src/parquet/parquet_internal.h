/* Internals shared by the Parquet codec's modules (not a public interface):
 * format constants from parquet.thrift, compression, value decoders, and the
 * reader's parsed footer. */
#ifndef MT_PARQUET_INTERNAL_H
#define MT_PARQUET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>
#include <zstd.h>

#include "parquet/parquet.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the parquet codec copies little-endian values with memcpy: little-endian hosts only"
#endif

/* Largest page (compressed or not) either side handles; the format stores
 * page sizes as int32. */
#define MT_PQ_MAX_PAGE_BYTES ((size_t)INT32_MAX)

/* Footer checksum block: mtrader's writer puts these 8 bytes between the last
 * page and the FileMetaData: the CRC-32 (u32 LE) of the FileMetaData and its
 * 4-byte length, then MT_PQ_FOOTER_MAGIC. No chunk refers to them, so other
 * Parquet readers never read them; page CRCs do not cover the footer, this
 * does. */
#define MT_PQ_FOOTER_MAGIC "MTFC"
#define MT_PQ_FOOTER_CRC_BYTES 8

/* Largest total of string bytes one mt_pq_read_strings call returns. */
#define MT_PQ_MAX_STRING_DATA ((size_t)1 << 30)

/* parquet.thrift PageType */
enum {
    MT_PQ_PAGE_DATA = 0,
    MT_PQ_PAGE_INDEX = 1,
    MT_PQ_PAGE_DICTIONARY = 2,
    MT_PQ_PAGE_DATA_V2 = 3,
};

/* parquet.thrift Encoding */
enum {
    MT_PQ_ENC_PLAIN = 0,
    MT_PQ_ENC_PLAIN_DICTIONARY = 2,
    MT_PQ_ENC_RLE = 3,
    MT_PQ_ENC_BIT_PACKED = 4,
    MT_PQ_ENC_DELTA_BINARY_PACKED = 5,
    MT_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    MT_PQ_ENC_DELTA_BYTE_ARRAY = 7,
    MT_PQ_ENC_RLE_DICTIONARY = 8,
    MT_PQ_ENC_BYTE_STREAM_SPLIT = 9,
};

/* parquet.thrift FieldRepetitionType and ConvertedType values we use. */
enum {
    MT_PQ_REQUIRED = 0,
    MT_PQ_OPTIONAL = 1,
    MT_PQ_REPEATED = 2,
};
enum {
    MT_PQ_CT_UTF8 = 0,
    MT_PQ_CT_TIMESTAMP_MILLIS = 9,
    MT_PQ_CT_TIMESTAMP_MICROS = 10,
};

/* Physical type FIXED_LEN_BYTE_ARRAY, which the reader does not support. */
#define MT_PQ_FIXED_LEN_BYTE_ARRAY 7

/* Name of a parquet.thrift CompressionCodec value ("LZ4_RAW", "codec 42"...);
 * the returned pointer is static or points into buf. */
const char *mt_pq_codec_name(int32_t codec, char *buf, size_t size);

/* Name of a parquet.thrift Encoding value, as above. */
const char *mt_pq_encoding_name(int32_t enc, char *buf, size_t size);


/* ---- compression (parquet_codec.c) ---- */

/* Reusable (de)compression state; zero-initialise, release with
 * mt_pq_codec_release. Contexts are created on first use. */
struct mt_pq_codec_ctx {
    ZSTD_DCtx *zd;
    ZSTD_CCtx *zc;
    z_stream zs;
    bool zs_ready;
};

void mt_pq_codec_release(struct mt_pq_codec_ctx *c);

/* True for the codecs the reader decompresses. */
bool mt_pq_codec_readable(int32_t codec);

/* Largest uncompressed size a valid stream of `compressed` bytes can have
 * with this codec (used to reject absurd page sizes before allocating). */
size_t mt_pq_max_uncompressed(int32_t codec, size_t compressed);

/* Decompresses src into exactly dst_len bytes at dst. Returns 0, MT_EFORMAT
 * (with *why set to a static description) or MT_ENOMEM. */
int mt_pq_decompress(struct mt_pq_codec_ctx *c, int32_t codec, const uint8_t *src, size_t n,
                     uint8_t *dst, size_t dst_len, const char **why);

/* Worst-case compressed size of n bytes (codec UNCOMPRESSED, SNAPPY or ZSTD). */
size_t mt_pq_compress_bound(int32_t codec, size_t n);

/* Compresses src into dst (room for mt_pq_compress_bound bytes); *out_len is
 * the compressed size. Returns 0 or MT_ENOMEM / MT_EINVAL (*why set). */
int mt_pq_compress(struct mt_pq_codec_ctx *c, int32_t codec, int level, const uint8_t *src,
                   size_t n, uint8_t *dst, size_t *out_len, const char **why);

/* CRC-32 (the gzip/zlib CRC, the checksum of Parquet's PageHeader.crc) of n bytes
 * at p, continuing from crc (0 to start). */
uint32_t mt_pq_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- value decoding (parquet_decode.c) ----
 * Every decoder reads `count` values from the n bytes at p and fails with
 * MT_EFORMAT and a static *why when the bytes do not hold them; nothing reads
 * outside [p, p + n). */

/* Numeric destination: both kinds are 8 bytes wide. */
enum mt_pq_out {
    MT_PQ_OUT_DOUBLE,
    MT_PQ_OUT_INT64,
};

/* One BYTE_ARRAY value inside a page or dictionary buffer. */
struct mt_pq_span {
    const uint8_t *p;
    size_t n;
};

/* Definition levels (bit width 1) as 0/1 bytes; *nonnull counts the ones. */
int mt_pq_decode_levels(const uint8_t *p, size_t n, size_t count, uint8_t *valid,
                        size_t *nonnull, const char **why);

/* Most values of physical type `type` that n PLAIN bytes can hold (an upper
 * bound used to size dictionaries before decoding them). */
size_t mt_pq_plain_max_count(int32_t type, size_t n);

/* PLAIN values of a numeric physical type (BOOLEAN, INT32, INT64, INT96,
 * FLOAT, DOUBLE) into dst (double or int64 per `out`). INT96 becomes
 * nanoseconds since the epoch (MT_ERANGE when that overflows). */
int mt_pq_decode_plain(int32_t type, const uint8_t *p, size_t n, size_t count,
                       enum mt_pq_out out, void *dst, const char **why);

/* PLAIN BYTE_ARRAY values as spans into [p, p + n). */
int mt_pq_decode_plain_spans(const uint8_t *p, size_t n, size_t count, struct mt_pq_span *dst,
                             const char **why);

/* RLE-encoded booleans (4-byte length prefix, then the hybrid run data). */
int mt_pq_decode_rle_bool(const uint8_t *p, size_t n, size_t count, enum mt_pq_out out,
                          void *dst, const char **why);

/* Dictionary indices (1-byte bit width, then hybrid runs), gathering
 * dict[index] into dst: spans when `spans`, else 8-byte numbers (doubles or
 * int64s alike). Indices must be < dict_n. */
int mt_pq_decode_dict(const uint8_t *p, size_t n, size_t count, const void *dict, size_t dict_n,
                      bool spans, void *dst, const char **why);

/* DELTA_BINARY_PACKED INT32/INT64 values; *used (may be NULL) receives the
 * bytes the values took. */
int mt_pq_decode_delta(int32_t type, const uint8_t *p, size_t n, size_t count,
                       enum mt_pq_out out, void *dst, size_t *used, const char **why);

/* DELTA_LENGTH_BYTE_ARRAY values as spans into [p, p + n); lens is scratch of
 * count entries; *used (may be NULL) receives the bytes consumed. */
int mt_pq_decode_dlba(const uint8_t *p, size_t n, size_t count, int64_t *lens,
                      struct mt_pq_span *dst, size_t *used, const char **why);

/* DELTA_BYTE_ARRAY values: lens is scratch of 2 * count entries; the values
 * are rebuilt in *buf (grown up to MT_PQ_MAX_STRING_DATA, else MT_ELIMIT) and
 * the spans point there. */
int mt_pq_decode_dba(const uint8_t *p, size_t n, size_t count, int64_t *lens, uint8_t **buf,
                     size_t *cap, struct mt_pq_span *dst, const char **why);

/* BYTE_STREAM_SPLIT values of INT32, INT64, FLOAT or DOUBLE. */
int mt_pq_decode_bss(int32_t type, const uint8_t *p, size_t n, size_t count, enum mt_pq_out out,
                     void *dst, const char **why);

/* ---- the reader's parsed footer (parquet_meta.c) ---- */

/* One column chunk of one row group. */
struct mt_pq_chunk {
    size_t start;          /* offset of its first page header */
    size_t end;            /* start + total_compressed_size: its pages lie in [start, end) */
    int32_t codec;
    uint32_t encodings;    /* bit e set: ColumnMetaData lists encoding e (< 32) */
};

struct mt_pq_reader {
    const uint8_t *data;   /* the whole file */
    size_t size;
    size_t pages_end;      /* pages lie in [4, pages_end): the footer (or its checksum
                              block) follows */
    bool footer_checked;   /* the footer carried mtrader's checksum block and matched it */
    char *owned;           /* file buffer read by mt_pq_reader_open (small files), or NULL */
    void *mapped;          /* file mapping made by mt_pq_reader_open (large files), or NULL */
    size_t mapped_size;
    char *name;            /* for messages */
    size_t num_rows;
    size_t ncols;
    struct mt_pq_column_info *cols;
    size_t nrg;
    size_t *rg_rows;       /* rows of each row group */
    struct mt_pq_chunk *chunks; /* nrg * ncols, row group major */
    size_t nkv;
    struct mt_pq_kv *kv;
    char *created_by;
    /* decoding state reused across pages and calls */
    struct mt_pq_codec_ctx codec;
    uint8_t *page_buf;     /* decompressed page */
    size_t page_cap;
    uint8_t *dict_buf;     /* decompressed dictionary page (spans point into it) */
    size_t dict_cap;
    void *dict_vals;       /* decoded dictionary: doubles, int64s or spans */
    size_t dict_vals_cap;  /* bytes */
    struct mt_pq_span *spans; /* one string page's values */
    size_t spans_cap;      /* bytes */
    int64_t *lens;         /* delta byte array lengths of one page */
    size_t lens_cap;       /* bytes */
    uint8_t *dba_buf;      /* values rebuilt from DELTA_BYTE_ARRAY */
    size_t dba_cap;
};

/* Checks the frame of a Parquet file of `size` bytes named `name` from its
 * first 4 bytes (head) and last 8 bytes (tail; both unused when size < 12):
 * long enough, PAR1 at both ends, a footer length that fits the file.
 * Returns 0 or MT_EFORMAT naming the file. */
int mt_pq_check_frame(const char *name, size_t size, const uint8_t *head, const uint8_t *tail,
                      struct mt_err *err);

/* Parses the footer of r->data / r->size (already set, with r->name) into r.
 * On failure r holds whatever was parsed; mt_pq_reader_free releases it. */
int mt_pq_parse_footer(struct mt_pq_reader *r, struct mt_err *err);

/* Page header fields the reader uses. */
struct mt_pq_page_header {
    int32_t type;
    int32_t uncompressed_size;
    int32_t compressed_size;
    int32_t num_values;
    int32_t encoding;
    int32_t def_encoding;    /* v1 only */
    int32_t def_len, rep_len; /* v2 only */
    bool is_compressed;      /* v2 only (default true) */
    bool has_header;         /* the page-type specific header was present */
    bool has_crc;            /* the optional crc field was present */
    uint32_t crc;            /* CRC-32 of the compressed_size bytes after the header */
};

/* Parses a PageHeader from [p, p + n); *header_len is its encoded size.
 * Returns 0 or MT_EFORMAT with *why. */
int mt_pq_parse_page_header(const uint8_t *p, size_t n, struct mt_pq_page_header *h,
                            size_t *header_len, const char **why);

#endif
