/* The market data mt-fakebinance serves: every series of an mtrader store,
 * loaded once at start, and the candles visible at a given server time.
 *
 * Visibility rules (what a client of the real exchange would see at time
 * `now`): candles with open time > now do not exist yet; candles whose close
 * (next open) is <= now are served as stored; the candle containing `now` is
 * the still-open candle: it aggregates the candles of the finest finer stored
 * timeframe that have closed by `now` (open = stored open, close = last closed
 * finer close); with no finer data closed yet it is open = high = low = close
 * = the stored open with zero volume and trades. An interval that is not
 * stored for a symbol is aggregated from the finest stored timeframe that
 * divides it (e.g. 4h from 1h), with the same still-open rule.
 *
 * Fields the store lacks are derived: volume 0; quote volume = volume x close;
 * trades 0; taker buy base = volume / 2; taker buy quote = quote volume / 2.
 *
 * Thread safety: after fb_data_load the data is read-only and may be shared by
 * any number of threads. */
#ifndef FB_DATASRC_H
#define FB_DATASRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "store/store.h"

/* Most symbols served. */
#define FB_MAX_SYMBOLS ((size_t)4096)
/* Most --gap options. */
#define FB_MAX_GAPS 64

struct fb_gap {
    char symbol[MT_STORE_SYMBOL_MAX + 1];
    enum mt_tf tf;
    int64_t from_ms, to_ms; /* hide candles with open time in [from, to] */
};

struct fb_symbol {
    char name[MT_STORE_SYMBOL_MAX + 1];
    char base[MT_STORE_SYMBOL_MAX + 1];
    char quote[8];
    struct mt_series *tf[MT_TF_COUNT]; /* NULL where not stored; owned */
};

struct fb_data {
    size_t n;
    struct fb_symbol *symbols; /* sorted by name */
};

/* One kline row as served. */
struct fb_kline {
    int64_t open_time, close_time;
    double open, high, low, close, volume, quote_volume, trades, taker_base, taker_quote;
};

/* Parses "SYMBOL:TF:FROM_MS:TO_MS" into *gap. MT_EINVAL naming the part. */
int fb_gap_parse(const char *text, struct fb_gap *gap, struct mt_err *err);

/* Loads every series under data_dir (caller releases with fb_data_release),
 * removing the candles hidden by gaps. A gap naming a series that is not in
 * the store is MT_EINVAL. An empty store is MT_ENOENT. */
int fb_data_load(struct fb_data *d, const char *data_dir, const struct fb_gap *gaps,
                 size_t ngaps, struct mt_err *err);

void fb_data_release(struct fb_data *d);

/* The symbol named name, or NULL. */
const struct fb_symbol *fb_data_find(const struct fb_data *d, const char *name);

/* Kline query in Binance semantics (docs/binance-api.md §1.1/§1.4): has_start /
 * has_end select the mode; at most limit rows, in chronological order, only
 * candles with open time <= now. Writes up to limit rows into out (caller
 * array of limit entries) and returns the count. */
size_t fb_klines(const struct fb_symbol *sym, enum mt_tf tf, bool has_start, int64_t start,
                 bool has_end, int64_t end, size_t limit, int64_t now, struct fb_kline *out);

/* The most recent candle of the symbol's finest stored timeframe at now (the
 * still-open one if any), in *out; false if the symbol has no candle yet. */
bool fb_last_candle(const struct fb_symbol *sym, int64_t now, struct fb_kline *out);

/* 24 h statistics over the candles of the finest stored timeframe that closed
 * in the 24 h before end, where end = now or, when the data stops earlier, the
 * close of the last stored candle. *prev_close is the close before the window
 * (or the first open). False if there is no such candle. */
bool fb_window_24h(const struct fb_symbol *sym, int64_t now, struct fb_kline *out,
                   double *prev_close);

#endif
