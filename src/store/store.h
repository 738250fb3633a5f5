/* OHLCV store: DATA_DIR/ohlcv/{timeframe}/{SYMBOL}.parquet.
 *
 * Files hold one row per candle, sorted by open_time, unique, with the columns
 * open_time (INT64 TIMESTAMP(UTC, MILLIS)), open, high, low, close, volume and,
 * when the source had them, quote_volume, trades (INT64), taker_buy_base,
 * taker_buy_quote (DOUBLE). Writes are atomic: a temp file in the same folder
 * is written, fsync'ed and renamed over the old file, then the folder is
 * fsync'ed, so a kill at any moment leaves either the old or the new file.
 *
 * Every write of a series (imports, downloads, resampling, the session) is a
 * read-merge-write under the series' lock (store/lock.h, the hidden file
 * .{SYMBOL}.parquet.lock beside it): mt_store_merge takes it itself, a
 * longer read-merge-write (an import run) holds it with mt_store_lock from
 * its load to its mt_store_save. Concurrent writers of one series thus wait
 * for each other and the union of their candles is stored. Readers take no lock and, thanks to the atomic rename,
 * see the series before or after a merge, never a half-merged one. */
#ifndef MT_STORE_STORE_H
#define MT_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "store/lock.h"

/* Longest path the store builds. */
#define MT_STORE_PATH_MAX 4096

/* Trade counts are kept as INT64: a count must be below this in magnitude
 * (a larger one would be written as null). */
#define MT_STORE_TRADES_MAX 9.2e18

/* Longest symbol name (Binance style [A-Z0-9]{1,32}). */
#define MT_STORE_SYMBOL_MAX 32

/* True if symbol is [A-Z0-9]{1,MT_STORE_SYMBOL_MAX}. */
bool mt_store_symbol_valid(const char *symbol);

/* Builds DATA_DIR/ohlcv/{tf}/{symbol}.parquet into buf. symbol must be
 * [A-Z0-9]{1,32} (Binance style); else MT_EINVAL naming the symbol. */
int mt_store_path(char *buf, size_t size, const char *data_dir, const char *symbol, enum mt_tf tf,
                  struct mt_err *err);

/* Reads an OHLCV Parquet file (ours or pandas/polars/DuckDB-written) into s
 * (released first). Recognises the time column as open_time, timestamp, date,
 * datetime, time or open_date (any time unit, or integer ms/µs/ns by
 * magnitude), else the first other timestamp-typed column (pandas' unnamed
 * index), and the other fields by name, case-insensitively, with the aliases of
 * store/columns.h (number_of_trades, count -> trades, ...); other columns are
 * ignored. Columns that are missing or all null leave their field absent; a
 * file without a time column or without open/high/low/close is MT_EFORMAT.
 * Rows are returned in file order. */
int mt_store_read_file(const char *path, struct mt_series *s, struct mt_err *err);

/* Writes s atomically to path (temp + fsync + rename + dir fsync, see
 * core/atomic.h), creating missing parent folders. Only fields present in
 * s->fields are written: open_time and open/high/low/close as REQUIRED columns
 * (a NaN price stays NaN), the other fields as OPTIONAL columns with a null
 * where the value is NaN; ZSTD, min/max statistics. Rows are written as given
 * (mt_store_merge keeps them sorted and unique). */
int mt_store_write_file(const char *path, const struct mt_series *s, struct mt_err *err);

/* Takes the write lock of symbol/tf's series (mt_lock_acquire: waits, then
 * times out naming the lock file); release it with mt_lock_release. A holder
 * loads, merges and saves with mt_store_load and mt_store_save, and must not
 * call mt_store_merge on the same series (it would wait for itself). */
int mt_store_lock(const char *data_dir, const char *symbol, enum mt_tf tf, struct mt_lock *lock,
                  struct mt_err *err);

/* mt_store_write_file to DATA_DIR's file for symbol/tf, replacing it whole:
 * the caller holds the series' lock (mt_store_lock) and s holds what it
 * loaded under that lock plus its changes. *bytes (may be NULL) receives the
 * size of the file written. */
int mt_store_save(const char *data_dir, const char *symbol, enum mt_tf tf,
                  const struct mt_series *s, size_t *bytes, struct mt_err *err);

/* Loads DATA_DIR's file for symbol/tf; a missing file gives MT_ENOENT. */
int mt_store_load(const char *data_dir, const char *symbol, enum mt_tf tf, struct mt_series *s,
                  struct mt_err *err);

/* What happens to a stored candle when new data has different values for it. */
enum mt_merge_policy {
    MT_MERGE_NEWER_WINS = 0, /* the new candle replaces it (imports, downloads) */
    MT_MERGE_KEEP_STORED = 1, /* the stored one stays (derived data, e.g. resampling, must
                                 not overwrite candles Binance served) */
};

/* Outcome of a merge. */
struct mt_merge_report {
    size_t rows_before;    /* rows in the stored file before the merge */
    size_t rows_after;
    size_t added;          /* new open times */
    size_t replaced;       /* same open time, different values: the new source won */
    size_t identical;      /* same open time, same values */
    size_t kept;           /* same open time, different values, stored kept (KEEP_STORED) */
    int64_t first_replaced; /* earliest open time among replaced candles, or 0 */
    size_t bytes_written;  /* size of the file written (0 if nothing changed) */
};

/* Merges candles `add` into the stored series of symbol/tf: result sorted by
 * open_time, one row per open time, no stored row is lost. With
 * MT_MERGE_NEWER_WINS candles in `add` win over different stored ones
 * (counted in report->replaced); with MT_MERGE_KEEP_STORED the stored ones
 * stay (counted in report->kept) and only new open times are added. `add` need not be
 * sorted; duplicate open times inside `add` resolve to the last one. Every
 * open time must lie on the tf grid (else MT_EDATA naming the time). The file
 * is rewritten atomically only when something changed. The result has the
 * union of both sides' fields; a row from a side that lacked a field holds
 * NaN there (written as null), never an invented value.
 *
 * A stored candle is "identical" when every field present in `add` holds the
 * same bits (any NaN equals any NaN; a field the stored side lacks counts as
 * NaN); it then keeps its stored values, including fields `add` lacks (so
 * importing 6-column OHLCV data over full Binance klines keeps their trade
 * counts). Otherwise it is replaced as a whole by the `add` row. Hence merging
 * the same data twice changes nothing the second time and writes nothing.
 *
 * The whole read-merge-write holds the series' lock (see the top of this
 * file); a lock that stays busy fails after the timeout of store/lock.h with
 * MT_EIO naming the lock file, and nothing is written. */
int mt_store_merge(const char *data_dir, const char *symbol, enum mt_tf tf,
                   const struct mt_series *add, enum mt_merge_policy policy,
                   struct mt_merge_report *report,
                   struct mt_err *err);

/* The in-memory core of mt_store_merge: merges add into base (both as above;
 * base must be sorted and unique, else MT_EDATA) and fills report
 * (bytes_written = 0). Costs O(k log k + k log n + m) for k rows in add, n in
 * base and m base rows after the first open time of add, so appending new
 * candles moves nothing. On error base is unchanged. */
int mt_store_merge_series(struct mt_series *base, const struct mt_series *add, enum mt_tf tf,
                          enum mt_merge_policy policy, struct mt_merge_report *report,
                          struct mt_err *err);

/* mt_store_merge_series that may take add's arrays instead of copying them:
 * when base is empty and add's open times increase strictly (one file read
 * into a new series, the usual first import), base becomes add's data and add
 * is left empty, so the candles are never held twice; otherwise it is
 * mt_store_merge_series and add is unchanged. The result and report are the
 * same either way. */
int mt_store_merge_series_take(struct mt_series *base, struct mt_series *add, enum mt_tf tf,
                               enum mt_merge_policy policy, struct mt_merge_report *report,
                               struct mt_err *err);

#endif
