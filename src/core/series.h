/* OHLCV series as a struct of arrays with the Binance kline fields.
 *
 * open_time is int64 milliseconds UTC (candle open). open/high/low/close are
 * always present; the other fields are optional per series: a source that lacks
 * them (e.g. freqtrade-style 6-column data has no quote volume, trade count or
 * taker volumes) leaves the field's bit clear in `fields`; its array then holds
 * NaN. Within a present field a single NaN means "unknown for this row" (e.g.
 * rows merged from a source without that field); it is stored as a Parquet null. */
#ifndef MT_CORE_SERIES_H
#define MT_CORE_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* One bit per kline field; explicit values so they can be stored. */
enum mt_field {
    MT_F_OPEN_TIME = 1u << 0,
    MT_F_OPEN = 1u << 1,
    MT_F_HIGH = 1u << 2,
    MT_F_LOW = 1u << 3,
    MT_F_CLOSE = 1u << 4,
    MT_F_VOLUME = 1u << 5,          /* base asset volume */
    MT_F_QUOTE_VOLUME = 1u << 6,
    MT_F_TRADES = 1u << 7,          /* number of trades */
    MT_F_TAKER_BUY_BASE = 1u << 8,
    MT_F_TAKER_BUY_QUOTE = 1u << 9,
};

#define MT_F_OHLC (MT_F_OPEN_TIME | MT_F_OPEN | MT_F_HIGH | MT_F_LOW | MT_F_CLOSE)
#define MT_F_OHLCV (MT_F_OHLC | MT_F_VOLUME)
#define MT_F_ALL                                                                 \
    (MT_F_OHLCV | MT_F_QUOTE_VOLUME | MT_F_TRADES | MT_F_TAKER_BUY_BASE |        \
     MT_F_TAKER_BUY_QUOTE)

/* Upper bound on rows in one series (about 19 years of 1m candles). */
#define MT_SERIES_MAX_ROWS ((size_t)10000000)

/* One candle, used to append rows and to pass single bars around. */
struct mt_candle {
    int64_t open_time;
    double open, high, low, close;
    double volume, quote_volume;
    double trades; /* integer count; double so that NaN can mark unknown */
    double taker_buy_base, taker_buy_quote;
};

struct mt_series {
    size_t n;         /* rows in use */
    size_t cap;       /* rows allocated */
    unsigned fields;  /* mt_field bits present in this series */
    int64_t *open_time;
    double *open, *high, *low, *close;
    double *volume, *quote_volume;
    double *trades; /* integer counts (NaN = unknown) */
    double *taker_buy_base, *taker_buy_quote;
};

/* Sets an empty series with the given field mask; allocates nothing. */
void mt_series_init(struct mt_series *s, unsigned fields);

/* Frees the arrays and leaves s empty (fields kept). Safe on an init'ed series. */
void mt_series_release(struct mt_series *s);

/* Ensures room for cap rows. Returns 0, MT_ENOMEM or MT_ELIMIT (above
 * MT_SERIES_MAX_ROWS); on failure s is unchanged. */
int mt_series_reserve(struct mt_series *s, size_t cap, struct mt_err *err);

/* Appends one candle (fields absent from s->fields are stored as NaN). */
int mt_series_append(struct mt_series *s, const struct mt_candle *c, struct mt_err *err);

/* Reads row i into *c (absent fields come back as NaN). i must be < s->n. */
void mt_series_get(const struct mt_series *s, size_t i, struct mt_candle *c);

/* Makes dst (init'ed or released, any content is released) a deep copy of rows
 * [from, to) of src. */
int mt_series_slice(struct mt_series *dst, const struct mt_series *src, size_t from, size_t to,
                    struct mt_err *err);

/* Returns the index of the first row with open_time >= t (n if none); the
 * series must be sorted by open_time. */
size_t mt_series_lower_bound(const struct mt_series *s, int64_t t);

/* The double array of one value field (MT_F_OPEN ... MT_F_TAKER_BUY_QUOTE; not
 * MT_F_OPEN_TIME), or NULL for other bits. Lets code loop over fields. */
double *mt_series_column(struct mt_series *s, unsigned field);

/* The value fields in storage order, for loops: open ... taker_buy_quote. */
#define MT_VALUE_FIELDS                                                                  {MT_F_OPEN, MT_F_HIGH, MT_F_LOW, MT_F_CLOSE, MT_F_VOLUME, MT_F_QUOTE_VOLUME,          MT_F_TRADES, MT_F_TAKER_BUY_BASE, MT_F_TAKER_BUY_QUOTE}
#define MT_VALUE_FIELD_COUNT 9

/* Field name as stored in Parquet/CSV ("open_time", "quote_volume", ...) for a
 * single mt_field bit, or NULL. */
const char *mt_field_name(unsigned field);

#endif
