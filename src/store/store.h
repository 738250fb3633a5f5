/* OHLCV store: DATA_DIR/ohlcv/{timeframe}/{SYMBOL}.parquet.
 *
 * Files hold one row per candle, sorted by open_time, unique, with the columns
 * open_time (INT64 TIMESTAMP(UTC, MILLIS)), open, high, low, close, volume and,
 * when the source had them, quote_volume, trades (INT64), taker_buy_base,
 * taker_buy_quote (DOUBLE). Writes are atomic: a temp file in the same folder
 * is written, fsync'ed and renamed over the old file, then the folder is
 * fsync'ed, so a kill at any moment leaves either the old or the new file. */
#ifndef MT_STORE_STORE_H
#define MT_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

/* Longest path the store builds. */
#define MT_STORE_PATH_MAX 4096

/* Builds DATA_DIR/ohlcv/{tf}/{symbol}.parquet into buf. symbol must be
 * [A-Z0-9]{1,32} (Binance style); else MT_EINVAL naming the symbol. */
int mt_store_path(char *buf, size_t size, const char *data_dir, const char *symbol, enum mt_tf tf,
                  struct mt_err *err);

/* Reads an OHLCV Parquet file (ours or pandas/polars/DuckDB-written) into s
 * (released first). Recognises the time column as open_time, timestamp, date,
 * datetime, time or open_date (any time unit, or integer ms/µs/ns by
 * magnitude) and the other fields by name; columns that are missing or all
 * null leave their field absent. Rows are returned in file order. */
int mt_store_read_file(const char *path, struct mt_series *s, struct mt_err *err);

/* Writes s atomically to path (temp + fsync + rename + dir fsync), creating
 * missing parent folders. Only fields present in s->fields are written. */
int mt_store_write_file(const char *path, const struct mt_series *s, struct mt_err *err);

/* Loads DATA_DIR's file for symbol/tf; a missing file gives MT_ENOENT. */
int mt_store_load(const char *data_dir, const char *symbol, enum mt_tf tf, struct mt_series *s,
                  struct mt_err *err);

/* Outcome of a merge. */
struct mt_merge_report {
    size_t rows_before;    /* rows in the stored file before the merge */
    size_t rows_after;
    size_t added;          /* new open times */
    size_t replaced;       /* same open time, different values: the new source won */
    size_t identical;      /* same open time, same values */
    int64_t first_replaced; /* open time of the first replaced candle, or 0 */
    size_t bytes_written;  /* size of the file written (0 if nothing changed) */
};

/* Merges candles `add` into the stored series of symbol/tf: result sorted by
 * open_time, one row per open time, candles in `add` win over stored ones
 * (counted in report->replaced), no stored row is lost. `add` need not be
 * sorted; duplicate open times inside `add` resolve to the last one. Every
 * open time must lie on the tf grid (else MT_EDATA naming the time). The file
 * is rewritten atomically only when something changed. The result has the
 * union of both sides' fields; a row from a side that lacked a field holds
 * NaN there (written as null), never an invented value. */
int mt_store_merge(const char *data_dir, const char *symbol, enum mt_tf tf,
                   const struct mt_series *add, struct mt_merge_report *report,
                   struct mt_err *err);

/* The in-memory core of mt_store_merge: merges add into base (both as above;
 * base must be sorted and unique) and fills report (bytes_written = 0). */
int mt_store_merge_series(struct mt_series *base, const struct mt_series *add, enum mt_tf tf,
                          struct mt_merge_report *report, struct mt_err *err);

#endif
