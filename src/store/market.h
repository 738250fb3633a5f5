/* Market history store: snapshots of the whole universe (24 h ticker stats,
 * book-ticker spreads, market ranks) in DATA_DIR/market/snapshots/{YYYY-MM}.parquet.
 *
 * A snapshot is every row taken at one time (int64 ms UTC). Files are long
 * format, one row per (time, symbol), sorted by (time, symbol) and unique, in
 * the file of the snapshot's calendar month (UTC). Columns: time (INT64
 * TIMESTAMP(UTC, MILLIS), REQUIRED), symbol (UTF-8 string, REQUIRED), then the
 * numeric columns of MT_MARKET_VALUES as OPTIONAL doubles, null = unknown.
 * Files are ZSTD-compressed with min/max statistics and rewritten atomically
 * (core/atomic.h), so a reader or a restarted process sees a complete file. */
#ifndef MT_STORE_MARKET_H
#define MT_STORE_MARKET_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

/* Most rows one month file, one append or one load may hold (bounded buffers;
 * e.g. 600 symbols snapshotted every 15 min fill 1.8M rows a month). */
#define MT_MARKET_MAX_ROWS ((size_t)4 << 20)

/* Most month files one load looks at (100 years). */
#define MT_MARKET_MAX_FILES 1200

/* One symbol in one snapshot. NaN = unknown (stored as null). */
struct mt_market_row {
    int64_t time;                   /* when the snapshot was taken, ms UTC */
    char symbol[MT_STORE_SYMBOL_MAX + 1];
    double last_price;
    double price_change_pct_24h;    /* percent, as Binance's priceChangePercent */
    double quote_volume_24h;
    double bid, ask;                /* best bid / ask from bookTicker */
    double spread;                  /* (ask - bid) / mid, see mt_market_spread */
    double rank_roc_1d, rank_roc_1w, rank_roc_1m; /* percentiles in [0, 1], store/ranks.h */
    double rank_volume_1d;          /* percentile of quote_volume_24h */
    double rank_volume_1w;          /* percentile of the 7-day quote volume from candles */
};

/* X(column name, struct field): the numeric columns in file order. */
#define MT_MARKET_VALUES(X)                                                               \
    X("last_price", last_price)                                                          \
    X("price_change_pct_24h", price_change_pct_24h)                                      \
    X("quote_volume_24h", quote_volume_24h)                                              \
    X("bid", bid)                                                                        \
    X("ask", ask)                                                                        \
    X("spread", spread)                                                                  \
    X("rank_roc_1d", rank_roc_1d)                                                        \
    X("rank_roc_1w", rank_roc_1w)                                                        \
    X("rank_roc_1m", rank_roc_1m)                                                        \
    X("rank_volume_1d", rank_volume_1d)                                                  \
    X("rank_volume_1w", rank_volume_1w)
#define MT_MARKET_VALUE_COUNT 11

/* Rows sorted by (time, symbol), as loads return them. */
struct mt_market_table {
    size_t n, cap;
    struct mt_market_row *rows;     /* owned; free with mt_market_table_release */
};

/* Outcome of an append. */
struct mt_market_report {
    size_t added;           /* new (time, symbol) pairs */
    size_t replaced;        /* pairs already stored with different values: new row won */
    size_t identical;       /* pairs already stored with the same values (bit for bit) */
    size_t files_written;   /* month files rewritten (a file with nothing new is not) */
    size_t bytes_written;   /* total size of those files */
};

/* Orders rows by (time, symbol): negative, 0 or positive like strcmp. */
int mt_market_row_cmp(const struct mt_market_row *a, const struct mt_market_row *b);

/* Spread of a book ticker: (ask - bid) / ((ask + bid) / 2). NaN when bid or ask
 * is missing (NaN, infinite, <= 0) or the book is crossed (ask < bid); a
 * locked book (ask == bid) gives 0. */
double mt_market_spread(double bid, double ask);

/* Sets row to time/symbol with every value NaN. symbol is copied; one that is
 * not [A-Z0-9]{1,32} gives MT_EINVAL naming it (row then has an empty symbol,
 * which append refuses). */
int mt_market_row_init(struct mt_market_row *row, int64_t time, const char *symbol,
                       struct mt_err *err);

/* Empty table; allocates nothing. */
void mt_market_table_init(struct mt_market_table *t);

/* Frees the rows and leaves t empty. */
void mt_market_table_release(struct mt_market_table *t);

/* Appends one row (copied); MT_ELIMIT beyond MT_MARKET_MAX_ROWS. Does not sort. */
int mt_market_table_push(struct mt_market_table *t, const struct mt_market_row *row,
                         struct mt_err *err);

/* Builds DATA_DIR/market/snapshots/{YYYY-MM}.parquet for the month of time
 * (year 1970..9999, else MT_ERANGE). */
int mt_market_path(char *buf, size_t size, const char *data_dir, int64_t time,
                   struct mt_err *err);

/* Reads one month file into out (released first): checks the schema (time and
 * symbol required; a missing numeric column reads as NaN, a non-numeric one is
 * MT_EFORMAT), that symbols are valid, rows sorted by (time, symbol) and
 * unique, and every time inside the month the file name says (when the name
 * is YYYY-MM.parquet). Errors name the file, row and column. On error out is
 * left empty. */
int mt_market_read_file(const char *path, struct mt_market_table *out, struct mt_err *err);

/* Stores rows (any times, any order; symbols [A-Z0-9]{1,32}; times in years
 * 1970..9999): each month file concerned is read, merged and rewritten
 * atomically. A (time, symbol) already stored is replaced by the new row;
 * duplicates inside rows resolve to the last one. Appending the same rows
 * again writes nothing (report->identical counts them). report may be NULL.
 * When one of several month files fails, the files before it stay written
 * (each file is atomic on its own); the error names the file. Each month file
 * is read, merged and written under its lock (store/lock.h: the hidden
 * .{YYYY-MM}.parquet.lock beside it), so concurrent appends keep every row. */
int mt_market_append(const char *data_dir, const struct mt_market_row *rows, size_t n,
                     struct mt_market_report *report, struct mt_err *err);

/* Loads the rows with from_ms <= time <= to_ms (and the given symbol, or all
 * when symbol is NULL) from every month file that can hold them, into out
 * (released first), sorted by (time, symbol). A missing snapshots folder or
 * month file is no data, not an error. MT_ELIMIT beyond MT_MARKET_MAX_ROWS
 * rows. On error out is left empty. */
int mt_market_load(const char *data_dir, int64_t from_ms, int64_t to_ms, const char *symbol,
                   struct mt_market_table *out, struct mt_err *err);

#endif
