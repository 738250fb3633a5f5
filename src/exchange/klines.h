/* Binance /api/v3/klines bodies and Binance error bodies.
 *
 * The kline scanner reads `[[openTime,"open","high","low","close","volume",
 * closeTime,"quoteVolume",trades,"takerBuyBase","takerBuyQuote","0"],...]`
 * straight into a struct mt_series: no DOM, no per-row allocation (the series
 * grows geometrically), strict about every byte. Bodies need not be
 * NUL-terminated. */
#ifndef MT_EXCHANGE_KLINES_H
#define MT_EXCHANGE_KLINES_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

/* Most rows accepted in one body (Binance sends at most 1000). */
#define MT_KLINES_MAX_ROWS ((size_t)10000000)

/* Appends the rows of one klines body to s, which must have been init'ed with
 * MT_F_ALL. Every row must be a 12-element array with integer times (no
 * fraction or exponent, 0 <= t < 2^53), plain decimal strings ([-]digits[.digits],
 * at most 63 characters) for the values, an integer trade count, open times
 * aligned to tf and strictly increasing (also after the rows already in s),
 * and openTime <= closeTime <= next open - 1 ms (candles cut by an outage
 * close early). JSON whitespace is allowed between tokens,
 * nothing after the closing bracket.
 * Returns 0; MT_EFORMAT (syntax, or more than MT_KLINES_MAX_ROWS rows) or
 * MT_EDATA (order, alignment, close time) with the byte offset and row in err;
 * MT_EINVAL if s lacks fields; MT_ENOMEM/MT_ELIMIT from the series. On failure
 * s holds exactly the rows it had before. */
int mt_klines_parse(const char *body, size_t len, enum mt_tf tf, struct mt_series *s,
                    struct mt_err *err);

/* Number of leading rows of s (sorted by open time, candles of tf) that are
 * closed at server time now_ms, i.e. whose closeTime (next open - 1) < now_ms.
 * Rows from that index on are still forming. */
size_t mt_klines_closed(const struct mt_series *s, enum mt_tf tf, int64_t now_ms);

/* Longest Binance error message kept (longer ones are cut). */
#define MT_BINANCE_MSG_MAX 256

/* A decoded Binance error body {"code":-1121,"msg":"Invalid symbol."}. */
struct mt_binance_error {
    int code;                     /* Binance error code, e.g. -1121 */
    char msg[MT_BINANCE_MSG_MAX]; /* its message, NUL-terminated */
};

/* Decodes an error body: an object with an integer "code" and a string "msg"
 * (other members ignored). Returns 0 or MT_EFORMAT (out is then zeroed). */
int mt_binance_error_parse(const char *body, size_t len, struct mt_binance_error *out,
                           struct mt_err *err);

#endif
