/* OHLCV CSV parsing: the plain CSV of data/ohlcv/csv (header
 * open_time,open,high,low,close,volume) and data.binance.vision kline CSVs
 * (12 columns; spot files have no header, futures files and some copies do).
 *
 * A first line whose first field is a number is data: the file must then have
 * the 12 Binance kline columns. Otherwise the first line is a header and
 * columns are found by name (store/columns.h aliases; unknown ones are
 * ignored); it needs a time column and open, high, low, close. Integer times
 * are ms, µs or ns by magnitude, per value (a file may switch units); a header
 * CSV may also hold "YYYY-MM-DD[ HH:MM[:SS]]" times (UTC). Empty value fields
 * are NaN (unknown). LF or CRLF line ends, a UTF-8 BOM and blank lines are
 * accepted. Errors are MT_EFORMAT "NAME line L column C (field): expected
 * ..., got '...'" (also for a trade count the store cannot keep, of magnitude
 * MT_STORE_TRADES_MAX or more), MT_ELIMIT for a line longer than
 * MT_CSV_LINE_MAX, or MT_EDATA for impossible close times.
 *
 * Rows that break a row rule of store/validate.h (mt_validate_row: NaN or
 * infinite prices, high < low, negative volumes, times before 1970, ...) are
 * kept and counted; the caller decides whether to refuse them. */
#ifndef MT_STORE_CSV_H
#define MT_STORE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

/* Most columns a CSV line may have. */
#define MT_CSV_MAX_COLUMNS 64
/* Longest CSV line accepted, in bytes without its line end. */
#define MT_CSV_LINE_MAX ((size_t)65536)
/* Bytes asked of the reader per call by mt_csv_read when no chunk is given. */
#define MT_CSV_CHUNK ((size_t)1 << 16)
/* True if v is a trade count the store keeps as it is: NaN (unknown) or an
 * integer below MT_STORE_TRADES_MAX in magnitude (the rule CSV and Parquet
 * imports apply). */
bool mt_csv_trade_count_ok(double v);

struct mt_csv_info {
    bool header;          /* the first line was a header */
    bool close_times;     /* the file has close times (and they were checked) */
    bool micros;          /* some timestamp was in µs or ns */
    bool tf_known;        /* tf below is set: given by the caller or implied by close times */
    enum mt_tf tf;
    size_t early_closes;  /* rows closed before their candle's end (e.g. during an outage) */
    size_t invalid;       /* rows breaking a row rule of mt_validate_row (kept in the series) */
    struct mt_err first_invalid; /* when invalid > 0: MT_EDATA "NAME line L column C (field):
                                    invalid candle: ..." naming the first such row */
};

/* Parses CSV text of len bytes into out (init'ed; content released first; its
 * fields are those the file has). name is used in messages. tf (may be NULL)
 * is the timeframe expected from elsewhere (file name, user). When the file
 * has close times, each must lie in [open time, candle end - 1 ms] and the
 * majority must equal candle end - 1 ms, Binance's normal close; Binance
 * closes the candle before an outage early, so a minority of early closes is
 * accepted and counted. A contradiction is MT_EDATA naming the line. Without a
 * given tf the timeframe is inferred from the first row that closes at a
 * candle end. Rows are returned in file order. The text is read as
 * mt_csv_read reads it, in one chunk. */
int mt_csv_parse(const char *text, size_t len, const char *name, const enum mt_tf *tf,
                 struct mt_series *out, struct mt_csv_info *info, struct mt_err *err);

/* Reads up to cap bytes of input into buf; returns how many (0 at the end of
 * the input) or a negative MT_E... code with err set. */
typedef int64_t (*mt_csv_reader)(void *ctx, char *buf, size_t cap, struct mt_err *err);

/* mt_csv_parse of the bytes reader() returns, asked for chunk bytes at a time
 * (0: MT_CSV_CHUNK): the result (series, info, error) is the same as for the
 * whole text, while the memory besides the series stays below
 * MT_CSV_LINE_MAX + chunk whatever the input's size. A reader error is
 * returned as it is. */
int mt_csv_read(mt_csv_reader reader, void *ctx, size_t chunk, const char *name,
                const enum mt_tf *tf, struct mt_series *out, struct mt_csv_info *info,
                struct mt_err *err);

#endif
