/* Thrift compact protocol, the encoding of Parquet's footer and page headers.
 *
 * Decoder: a cursor over a caller-owned byte range with a sticky error. Once
 * any read fails (truncated input, wrong wire type, too deep nesting, sizes
 * larger than the remaining input), every later read returns zero / STOP / an
 * empty list without moving, so parsing loops always end; the caller checks
 * mt_thrift_dec_failed() once after parsing. Nothing is allocated.
 *
 * Encoder: an append-only byte buffer with a hard size cap and a sticky error
 * (out of memory or cap exceeded), checked once with mt_thrift_enc_failed().
 *
 * Neither keeps global state; one object is used by one thread at a time. */
#ifndef MT_PARQUET_THRIFT_H
#define MT_PARQUET_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compact protocol wire types. In a field header, booleans carry their value
 * in the type (TRUE/FALSE); as list elements they are one byte each. */
enum mt_thrift_type {
    MT_THRIFT_STOP = 0,
    MT_THRIFT_TRUE = 1,
    MT_THRIFT_FALSE = 2,
    MT_THRIFT_BYTE = 3,
    MT_THRIFT_I16 = 4,
    MT_THRIFT_I32 = 5,
    MT_THRIFT_I64 = 6,
    MT_THRIFT_DOUBLE = 7,
    MT_THRIFT_BINARY = 8,
    MT_THRIFT_LIST = 9,
    MT_THRIFT_SET = 10,
    MT_THRIFT_MAP = 11,
    MT_THRIFT_STRUCT = 12,
};

/* Deepest struct/list nesting accepted (Parquet metadata nests about 6 deep). */
#define MT_THRIFT_MAX_DEPTH 32

struct mt_thrift_dec {
    const uint8_t *start;   /* first byte of the input (for error offsets) */
    const uint8_t *p;       /* next byte to read */
    const uint8_t *end;     /* one past the last byte */
    unsigned depth;         /* current struct nesting */
    const char *error;      /* static description of the first failure, or NULL */
    size_t error_at;        /* offset from start where it happened */
};

/* Header of one struct field; type MT_THRIFT_STOP ends the struct. */
struct mt_thrift_field {
    int16_t id;
    uint8_t type;
};

/* Starts decoding [data, data + size); the range must outlive the decoder. */
void mt_thrift_dec_init(struct mt_thrift_dec *d, const uint8_t *data, size_t size);

/* True once any read has failed; d->error says why. */
bool mt_thrift_dec_failed(const struct mt_thrift_dec *d);

/* Bytes consumed so far. */
size_t mt_thrift_dec_pos(const struct mt_thrift_dec *d);

/* Enters a struct value: `last` is the caller's field-id state for this struct
 * (set to 0 here and updated by mt_thrift_dec_field). Fails beyond
 * MT_THRIFT_MAX_DEPTH. */
void mt_thrift_dec_struct_begin(struct mt_thrift_dec *d, int16_t *last);

/* Reads the next field header of the current struct into *f. At the end of
 * the struct (or after a failure) f->type is MT_THRIFT_STOP and the nesting
 * level entered by mt_thrift_dec_struct_begin is left. */
void mt_thrift_dec_field(struct mt_thrift_dec *d, int16_t *last, struct mt_thrift_field *f);

/* Value readers: `type` is the wire type announced by the field header or the
 * list header; a mismatch is a failure. Integers accept BYTE, I16, I32 and I64
 * wire types and fail when the value does not fit the result. */
int32_t mt_thrift_dec_i32(struct mt_thrift_dec *d, uint8_t type);
int64_t mt_thrift_dec_i64(struct mt_thrift_dec *d, uint8_t type);

/* A boolean field (value in the field type) or list element (one byte). */
bool mt_thrift_dec_bool(struct mt_thrift_dec *d, uint8_t type, bool in_list);

/* A binary/string value: *len bytes at the returned pointer into the input
 * (NULL with *len 0 after a failure). */
const uint8_t *mt_thrift_dec_binary(struct mt_thrift_dec *d, uint8_t type, size_t *len);

/* A list (or set) header: returns the element count and stores the element
 * wire type. Counts larger than the remaining input fail (every element takes
 * at least one byte), so a count can size an allocation safely. */
size_t mt_thrift_dec_list(struct mt_thrift_dec *d, uint8_t type, uint8_t *elem_type);

/* Skips one value of wire type `type` (in_list: a list element, which matters
 * for booleans), recursing into structs, lists and maps up to the depth limit. */
void mt_thrift_dec_skip(struct mt_thrift_dec *d, uint8_t type, bool in_list);

/* ---- encoder ---- */

struct mt_thrift_enc {
    uint8_t *buf;
    size_t len, cap;
    size_t max;                         /* hard cap on len */
    unsigned depth;
    int16_t last[MT_THRIFT_MAX_DEPTH + 1]; /* last field id per open struct */
    bool failed;
};

/* Initialises an empty encoder that will hold at most max bytes (no allocation). */
void mt_thrift_enc_init(struct mt_thrift_enc *e, size_t max);

/* Frees the buffer. */
void mt_thrift_enc_release(struct mt_thrift_enc *e);

/* Empties the buffer (keeps its memory) and clears the error. */
void mt_thrift_enc_reset(struct mt_thrift_enc *e);

/* True after an allocation failure, a cap overflow or unbalanced nesting. */
bool mt_thrift_enc_failed(const struct mt_thrift_enc *e);

/* Opens a struct (top level, after a STRUCT field header, or as a list
 * element) and closes it with a STOP byte. */
void mt_thrift_enc_struct_begin(struct mt_thrift_enc *e);
void mt_thrift_enc_struct_end(struct mt_thrift_enc *e);

/* Field header of field `id` with wire type `type` in the innermost struct;
 * the value follows with one of the raw writers below. */
void mt_thrift_enc_field(struct mt_thrift_enc *e, int16_t id, uint8_t type);

/* Complete fields. */
void mt_thrift_enc_i32_field(struct mt_thrift_enc *e, int16_t id, int32_t v);
void mt_thrift_enc_i64_field(struct mt_thrift_enc *e, int16_t id, int64_t v);
void mt_thrift_enc_bool_field(struct mt_thrift_enc *e, int16_t id, bool v);
void mt_thrift_enc_binary_field(struct mt_thrift_enc *e, int16_t id, const void *p, size_t n);
void mt_thrift_enc_string_field(struct mt_thrift_enc *e, int16_t id, const char *s);

/* Raw values (list elements, or after mt_thrift_enc_field). */
void mt_thrift_enc_i32(struct mt_thrift_enc *e, int32_t v);
void mt_thrift_enc_i64(struct mt_thrift_enc *e, int64_t v);
void mt_thrift_enc_binary(struct mt_thrift_enc *e, const void *p, size_t n);

/* List header of n elements of wire type elem_type. */
void mt_thrift_enc_list(struct mt_thrift_enc *e, uint8_t elem_type, size_t n);

#endif
