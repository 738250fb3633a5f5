/* Parquet codec for flat tables (our own; Debian 12 has no C Parquet library).
 *
 * Reader: flat schemas (REQUIRED/OPTIONAL leaves, max definition level 1),
 * physical types BOOLEAN, INT32, INT64, INT96 (legacy timestamps), FLOAT, DOUBLE,
 * BYTE_ARRAY; DATA_PAGE v1 and v2; PLAIN, RLE/bit-packed, PLAIN_DICTIONARY,
 * RLE_DICTIONARY (with fallback to PLAIN mid-chunk), DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY; codecs
 * UNCOMPRESSED, SNAPPY, GZIP, ZSTD. Anything else
 * (nested/repeated columns, unknown codecs or encodings) fails with a clear
 * MT_EUNSUPPORTED error; malformed input fails with MT_EFORMAT, never a crash.
 *
 * Tables (struct mt_pq_table) are the unit callers read and write: one call
 * each way (mt_pq_read_table, mt_pq_write_table), or a streaming writer that
 * appends row groups of one schema and renames the finished file into place.
 * The reader object below gives column-by-column access into caller buffers.
 *
 * Writer: DATA_PAGE v1, PLAIN encoding, REQUIRED or OPTIONAL columns, codecs
 * UNCOMPRESSED / SNAPPY / ZSTD, min/max statistics per column chunk, key-value
 * metadata; timestamps as INT64 with both the logical TIMESTAMP(UTC) type and
 * the matching converted type, so pandas, polars, DuckDB and hyparquet read
 * identical values.
 *
 * Checksums: the writer puts a CRC-32 in every page header and a footer
 * checksum block before the footer (parquet_internal.h); the reader verifies
 * every page crc present and the block when present, and fails with
 * MT_ECHECKSUM naming the file and the column and page (or the footer).
 *
 * Thread safety: a reader or writer object is used by one thread at a time. */
#ifndef MT_PARQUET_PARQUET_H
#define MT_PARQUET_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"

/* Largest file the reader accepts (bounded buffer rule). */
#define MT_PQ_MAX_FILE_BYTES ((size_t)4 << 30)

enum mt_pq_type {
    MT_PQ_BOOLEAN = 0,
    MT_PQ_INT32 = 1,
    MT_PQ_INT64 = 2,
    MT_PQ_INT96 = 3,
    MT_PQ_FLOAT = 4,
    MT_PQ_DOUBLE = 5,
    MT_PQ_BYTE_ARRAY = 6,
};

/* Time unit of a timestamp column (from the logical type, else converted type;
 * INT96 columns report MT_PQ_NANOS, the unit mt_pq_read_int64 returns them in). */
enum mt_pq_time_unit {
    MT_PQ_NOT_TIME = 0,
    MT_PQ_MILLIS = 1,
    MT_PQ_MICROS = 2,
    MT_PQ_NANOS = 3,
};

enum mt_pq_codec {
    MT_PQ_UNCOMPRESSED = 0,
    MT_PQ_SNAPPY = 1,
    MT_PQ_GZIP = 2,
    MT_PQ_ZSTD = 6,
};

struct mt_pq_column_info {
    const char *name;           /* owned by the reader */
    enum mt_pq_type type;
    bool optional;              /* OPTIONAL (may hold nulls) vs REQUIRED */
    enum mt_pq_time_unit time_unit;
    bool is_string;             /* BYTE_ARRAY with STRING/UTF8 annotation */
};

struct mt_pq_kv {
    const char *key;
    const char *value;          /* may be NULL */
};

/* Strings read from a BYTE_ARRAY column: value i is data[offsets[i] .. offsets[i+1]). */
struct mt_pq_strings {
    size_t n;
    char *data;
    size_t *offsets;            /* n + 1 entries */
};

struct mt_pq_reader;

/* Opens and parses the footer of the Parquet file at path. Before anything
 * is read, the path must be a regular file (a FIFO, folder or device is
 * MT_EIO at once: it is opened non-blocking) whose first 4 and last 8 bytes
 * frame a Parquet file (PAR1 at both ends, a footer length that fits:
 * else MT_EFORMAT), of at most MT_PQ_MAX_FILE_BYTES (MT_ELIMIT). A file of
 * 8 MiB or more is checked from those 12 bytes before it is mapped, so junk
 * fails without being read; a smaller one is read whole, then checked. On success *out is a new reader the
 * caller frees with mt_pq_reader_free. Errors name the file. */
int mt_pq_reader_open(struct mt_pq_reader **out, const char *path, struct mt_err *err);

/* Same over a caller-owned buffer that must outlive the reader (no copy).
 * `name` is used in error messages. */
int mt_pq_reader_open_mem(struct mt_pq_reader **out, const uint8_t *data, size_t size,
                          const char *name, struct mt_err *err);

/* Frees the reader (NULL is fine). */
void mt_pq_reader_free(struct mt_pq_reader *r);

/* Total rows over all row groups. */
size_t mt_pq_num_rows(const struct mt_pq_reader *r);

size_t mt_pq_num_columns(const struct mt_pq_reader *r);

/* Column i (< mt_pq_num_columns); pointer valid until the reader is freed. */
const struct mt_pq_column_info *mt_pq_column(const struct mt_pq_reader *r, size_t i);

/* Index of the column named `name`, or -1. */
int mt_pq_find_column(const struct mt_pq_reader *r, const char *name);

/* Key-value metadata of the file; pointers valid until the reader is freed. */
size_t mt_pq_num_kv(const struct mt_pq_reader *r);
const struct mt_pq_kv *mt_pq_kv(const struct mt_pq_reader *r, size_t i);

/* The file's created_by string or NULL. */
const char *mt_pq_created_by(const struct mt_pq_reader *r);

/* Reads all num_rows values of numeric column col as double (BOOLEAN, INT32,
 * INT64, FLOAT, DOUBLE). out has room for mt_pq_num_rows values. Nulls become
 * NaN; if valid is non-NULL, valid[i] is 1 for a value and 0 for a null. */
int mt_pq_read_double(struct mt_pq_reader *r, size_t col, double *out, uint8_t *valid,
                      struct mt_err *err);

/* Reads an integer column (BOOLEAN, INT32, INT64, INT96 as ns) as int64. Nulls
 * become 0 with valid[i] = 0 (a non-NULL valid is required when the column is
 * OPTIONAL and holds nulls, else MT_EDATA). Values are returned as stored: no
 * time-unit conversion. */
int mt_pq_read_int64(struct mt_pq_reader *r, size_t col, int64_t *out, uint8_t *valid,
                     struct mt_err *err);

/* Reads a timestamp column (time_unit != MT_PQ_NOT_TIME, or INT96) as ms UTC,
 * flooring sub-millisecond parts. Null handling as mt_pq_read_int64. */
int mt_pq_read_time_ms(struct mt_pq_reader *r, size_t col, int64_t *out, uint8_t *valid,
                       struct mt_err *err);

/* A timestamp of time unit u (MT_PQ_NOT_TIME: taken as ms) in ms, flooring
 * sub-millisecond parts. */
int64_t mt_pq_time_to_ms(int64_t v, enum mt_pq_time_unit u);

/* Reads a BYTE_ARRAY column. Nulls are empty strings with valid[i] = 0 (valid
 * may be NULL). out must be zeroed or released (it is overwritten; on error it
 * is left zeroed); caller releases with mt_pq_strings_release. The total of
 * string bytes is capped at 1 GiB (MT_ELIMIT). */
int mt_pq_read_strings(struct mt_pq_reader *r, size_t col, struct mt_pq_strings *out,
                       uint8_t *valid, struct mt_err *err);

void mt_pq_strings_release(struct mt_pq_strings *s);

/* ---- tables ---- */

/* One column of a table. values points at the table's nrows elements of the
 * C type that matches `type`: int32_t (INT32), int64_t (INT64), float,
 * double, or `const char *const *` (BYTE_ARRAY, NUL-terminated UTF-8; NULL
 * only in null rows). For OPTIONAL columns `valid` (may be NULL = all valid)
 * marks nulls with 0; a REQUIRED column may pass one only if it holds no 0
 * (else MT_EINVAL). */
struct mt_pq_column {
    const char *name;
    enum mt_pq_type type;       /* INT32, INT64, FLOAT, DOUBLE or BYTE_ARRAY */
    enum mt_pq_time_unit time_unit; /* INT64 only: a TIMESTAMP(UTC, unit) */
    bool optional;
    const void *values;
    const uint8_t *valid;
};

/* A flat table: ncols columns of nrows rows. Tables the caller builds point at
 * its own arrays; one from mt_pq_read_table owns everything it points at. */
struct mt_pq_table {
    size_t nrows, ncols;
    const struct mt_pq_column *cols;
    bool owned;                 /* from mt_pq_read_table: release frees it all */
};

/* Reads the columns named in names[0 .. n_names) (all columns, in file order,
 * when names is NULL) of the Parquet file at path into out, a new table it
 * owns (release it with mt_pq_table_release; on error out is empty). A named
 * column the file lacks is MT_EFORMAT ("PATH has no 'NAME' column"); more
 * than max_rows rows (0 = no limit of the caller's) is MT_ELIMIT. Values
 * keep their type: BOOLEAN and INT32 become INT32 (int32_t), INT64 stays
 * INT64 as stored with its time unit, INT96 becomes INT64 nanoseconds
 * (MT_PQ_NANOS), FLOAT float, DOUBLE double, BYTE_ARRAY NUL-terminated
 * strings (a value holding a NUL byte is MT_EFORMAT). An OPTIONAL column
 * gets a valid mask (nulls read as 0, NaN or ""), a REQUIRED one none.
 * Errors name the file and the column. */
int mt_pq_read_table(const char *path, const char *const *names, size_t n_names, size_t max_rows,
                     struct mt_pq_table *out, struct mt_err *err);

/* Chooses the columns mt_pq_read_table_pick reads from the schema of the
 * open reader r (mt_pq_num_columns, mt_pq_column): writes at most max
 * distinct column indexes to idx, in the order the table gets them, and
 * returns how many, or a negative MT_E... code with err set (nothing is read
 * then). max is the file's column count. */
typedef int (*mt_pq_pick_fn)(const struct mt_pq_reader *r, size_t *idx, size_t max, void *ctx,
                             struct mt_err *err);

/* mt_pq_read_table with the columns chosen by pick from the file's schema
 * (e.g. by aliases or types), in the same single pass over the file. */
int mt_pq_read_table_pick(const char *path, mt_pq_pick_fn pick, void *ctx, size_t max_rows,
                          struct mt_pq_table *out, struct mt_err *err);

/* Index of the column called name in t, or -1. */
int mt_pq_table_find(const struct mt_pq_table *t, const char *name);

/* Frees what a table from mt_pq_read_table owns and leaves it empty; a
 * caller-built table (owned false) is only emptied. */
void mt_pq_table_release(struct mt_pq_table *t);

/* ---- writer ---- */

struct mt_pq_write_opts {
    enum mt_pq_codec codec;     /* UNCOMPRESSED (0), SNAPPY or ZSTD */
    int zstd_level;             /* 0 = default (3) */
    size_t row_group_rows;      /* 0 = 1,048,576 */
    size_t page_rows;           /* 0 = 20,000 values per data page */
    bool statistics;            /* write min/max per column chunk */
    const struct mt_pq_kv *kv;  /* key-value metadata, may be NULL */
    size_t n_kv;
};

/* Writes table t as a complete Parquet file to f (from its current position,
 * with offsets counted from there; f must be opened for binary writing), in
 * row groups of opts->row_group_rows. opts may be NULL (all defaults,
 * uncompressed, no statistics). Column names must be unique and non-empty.
 * Does not flush or sync: the caller decides durability. Returns 0 or a
 * negative code; on error the content written to f is undefined. */
int mt_pq_write(FILE *f, const struct mt_pq_table *t, const struct mt_pq_write_opts *opts,
                struct mt_err *err);

/* Writes table t to the file at path atomically (core/atomic.h: temp file,
 * fsync, rename; missing folders are created), as mt_pq_write. *bytes (may be
 * NULL) receives the file's size. On error the old file is untouched and the
 * message names path. */
int mt_pq_write_table(const char *path, const struct mt_pq_table *t,
                      const struct mt_pq_write_opts *opts, size_t *bytes, struct mt_err *err);

/* A streaming writer: one file written row group by row group, so a table
 * much larger than memory can be written from pieces. */
struct mt_pq_writer;

/* Starts the file at path (atomically replaced when closed; nothing appears
 * at path before). schema gives the ncols columns every append must have
 * (name, type, time_unit, optional; values and valid are ignored); opts as
 * mt_pq_write (NULL = defaults) and copied, key-value strings included. On
 * success *out is a new writer that mt_pq_writer_close or mt_pq_writer_free
 * ends. */
int mt_pq_writer_open(struct mt_pq_writer **out, const char *path,
                      const struct mt_pq_column *schema, size_t ncols,
                      const struct mt_pq_write_opts *opts, struct mt_err *err);

/* Writes the rows of t as one or more row groups (of at most
 * opts->row_group_rows rows) after those already appended; t's columns must
 * match the schema in order, name, type, time unit and optionality (else
 * MT_EINVAL). The caller may free t's arrays once this returns: the writer
 * keeps only the row groups' metadata (string statistics are copied). A
 * table of 0 rows writes nothing. After an error the writer can only be
 * freed. */
int mt_pq_writer_append(struct mt_pq_writer *w, const struct mt_pq_table *t, struct mt_err *err);

/* Writes the footer and renames the file into place (mt_atomic_commit);
 * *bytes (may be NULL) is its size. Frees w, also on error (then the old
 * file is untouched and nothing new is left behind). */
int mt_pq_writer_close(struct mt_pq_writer *w, size_t *bytes, struct mt_err *err);

/* Abandons a writer that was not closed: the temp file is removed, the target
 * untouched (NULL is fine). */
void mt_pq_writer_free(struct mt_pq_writer *w);

/* The created_by string the writer puts in every file. */
#define MT_PQ_CREATED_BY "mtrader parquet writer 1"

/* Static name of a physical type ("BOOLEAN", "INT32", ...; "unknown type" for others). */
const char *mt_pq_type_name(int32_t type);

#endif
