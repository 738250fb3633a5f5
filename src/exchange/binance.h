/* Binance spot public market-data endpoints on top of http + governor.
 *
 * Errors name the request, the HTTP status, the URL that answered and
 * Binance's code/msg, e.g. "klines XYZUSDT 1h: http 400 from
 * https://api.binance.com/api/v3/klines, binance -1121: Invalid symbol.". Bodies that
 * arrive malformed or cut short are retried like transport errors. Not
 * thread-safe: one struct mt_binance per thread (processes and threads share
 * the weight budget through the governor's state file). */
#ifndef MT_EXCHANGE_BINANCE_H
#define MT_EXCHANGE_BINANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "exchange/governor.h"
#include "exchange/http.h"

#define MT_SYMBOL_MAX 32
/* Most rows one klines request returns. */
#define MT_BINANCE_KLINES_PAGE 1000
/* Most symbols / levels accepted in one list answer. */
#define MT_BINANCE_LIST_MAX 100000

struct cJSON;

struct mt_binance_config {
    struct mt_http_config http; /* its clock is the client's: server-time offset, closed candles */
    struct mt_gov_config gov;
};

/* Defaults: https://api.binance.com, 4 transfers, 80% of 6000 weight/minute,
 * no shared state file. */
void mt_binance_config_default(struct mt_binance_config *cfg);

struct mt_binance {
    struct mt_gov gov;
    struct mt_http http;
    int64_t clock_offset_ms; /* server time - the client's clock, from the last /time */
    bool clock_synced;
};

/* Returns 0 or the governor's/http's init errors; release with mt_binance_release. */
int mt_binance_init(struct mt_binance *b, const struct mt_binance_config *cfg, struct mt_err *err);
void mt_binance_release(struct mt_binance *b);

/* GET /api/v3/time: server time in ms; also sets the clock offset. */
int mt_binance_server_time(struct mt_binance *b, int64_t *server_ms, struct mt_err *err);

/* The client's clock (http.clock) corrected by the last server-time offset
 * (syncs once if never synced). */
int mt_binance_now(struct mt_binance *b, int64_t *now_ms, struct mt_err *err);

struct mt_symbol_info {
    char symbol[MT_SYMBOL_MAX];
    char status[16];       /* TRADING, BREAK, HALT, END_OF_DAY, CANCEL_ONLY, ... */
    char base[MT_SYMBOL_MAX];
    char quote[MT_SYMBOL_MAX];
    double tick_size;      /* PRICE_FILTER tickSize (0 = none) */
    double step_size;      /* LOT_SIZE stepSize (0 = none) */
    double min_qty;        /* LOT_SIZE minQty */
    double min_notional;   /* NOTIONAL (or legacy MIN_NOTIONAL) minNotional, 0 = none */
};

struct mt_exchange_info {
    int64_t server_time;
    int64_t weight_limit;          /* REQUEST_WEIGHT per 1 MINUTE, 0 if absent */
    size_t n;
    struct mt_symbol_info *symbols; /* owned; free with mt_exchange_info_release */
};

/* GET /api/v3/exchangeInfo (all symbols); its REQUEST_WEIGHT limit goes to the
 * governor. out is overwritten (release it first if it held data). */
int mt_binance_exchange_info(struct mt_binance *b, struct mt_exchange_info *out, struct mt_err *err);
void mt_exchange_info_release(struct mt_exchange_info *info);

/* The parser of mt_binance_exchange_info's 200 body (root: the parsed JSON):
 * out is overwritten; MT_EFORMAT when serverTime, rateLimits[] or symbols[]
 * (at most MT_BINANCE_LIST_MAX, each with its four names) are missing or bad,
 * leaving out empty. Unknown filters are ignored. */
int mt_binance_exchange_info_parse(const struct cJSON *root, struct mt_exchange_info *out, struct mt_err *err);

/* GET /api/v3/klines: one page of up to `limit` (1..1000) rows with open time in
 * [start_ms, end_ms] (-1 = unset), appended to out (init'ed with MT_F_ALL).
 * Rows still open at server time are dropped. */
int mt_binance_klines(struct mt_binance *b, const char *symbol, enum mt_tf tf, int64_t start_ms,
                      int64_t end_ms, int limit, struct mt_series *out, struct mt_err *err);

/* One symbol's history for mt_binance_klines_many. */
struct mt_klines_job {
    char symbol[MT_SYMBOL_MAX]; /* in */
    enum mt_tf tf;              /* in */
    int64_t start_ms;           /* in: first open time wanted, >= 0 */
    int64_t end_ms;             /* in: last open time wanted, -1 = up to now */
    struct mt_series series;    /* out: closed candles appended (init with MT_F_ALL) */
    int rc;                     /* out: 0 or MT_E... */
    struct mt_err err;          /* out */
    int pages;                  /* out: requests that returned rows */
    /* internal */
    struct mt_http_req req;
};

/* Called once per job when it has ended (rc, err and series final). It may
 * consume the job's series (store it, mt_series_release it). */
typedef void (*mt_klines_job_fn)(void *user, struct mt_klines_job *job);

/* Fetches every job's candles page by page, each job's pages in order. Jobs
 * start in array order, as many at once as the http client runs transfers,
 * the next one starting when one ends, so only running jobs hold candles when
 * on_end (may be NULL) consumes them. A job stops at end_ms, at the last
 * closed candle or when a page is empty; a failed job keeps the rows fetched
 * before the failure. Returns 0 when the run itself worked (look at each
 * job's rc), else MT_EIO (jobs not started then have rc 0 and no pages and
 * were not passed to on_end). */
int mt_binance_klines_many(struct mt_binance *b, struct mt_klines_job *jobs, size_t n,
                           mt_klines_job_fn on_end, void *user, struct mt_err *err);

struct mt_ticker24 {
    char symbol[MT_SYMBOL_MAX];
    double last_price, price_change_percent, volume, quote_volume;
    double high, low, open;
    int64_t count;          /* trades in the 24 h */
    int64_t close_time;
};

/* GET /api/v3/ticker/24hr for all symbols (weight 80). *out is malloc'ed (free()). */
int mt_binance_tickers_24h(struct mt_binance *b, struct mt_ticker24 **out, size_t *n, struct mt_err *err);

/* The parser of its 200 body (root: the parsed JSON array); on MT_EFORMAT
 * (an item without every field) *out is NULL and *n 0. */
int mt_binance_tickers_24h_parse(const struct cJSON *root, struct mt_ticker24 **out, size_t *n, struct mt_err *err);

/* Best bid/ask as Binance sends them; the spread is derived by the market
 * store (mt_market_spread), its one definition. */
struct mt_book_ticker {
    char symbol[MT_SYMBOL_MAX];
    double bid, bid_qty, ask, ask_qty;
};

/* GET /api/v3/ticker/bookTicker for all symbols (weight 4). *out is malloc'ed (free()). */
int mt_binance_book_tickers(struct mt_binance *b, struct mt_book_ticker **out, size_t *n,
                            struct mt_err *err);

/* The parser of its 200 body (root: the parsed JSON array); on MT_EFORMAT
 * *out is NULL and *n 0. */
int mt_binance_book_tickers_parse(const struct cJSON *root, struct mt_book_ticker **out, size_t *n,
                                  struct mt_err *err);

struct mt_depth_level {
    double price, qty;
};

struct mt_depth {
    int64_t last_update_id;
    size_t nbids, nasks;
    struct mt_depth_level *bids, *asks; /* owned; best first */
};

/* GET /api/v3/depth (limit 1..5000, weight by limit). out is overwritten;
 * release with mt_depth_release. */
int mt_binance_depth(struct mt_binance *b, const char *symbol, int limit, struct mt_depth *out,
                     struct mt_err *err);
void mt_depth_release(struct mt_depth *d);

/* The parser of mt_binance_depth's 200 body (root: the parsed JSON; what
 * names the request in messages): out is overwritten, and left empty on
 * MT_EFORMAT (no lastUpdateId, a level not [price, qty] decimal strings, more
 * than 5000 levels a side) or MT_ENOMEM. */
int mt_binance_depth_parse(const struct cJSON *root, const char *what, struct mt_depth *out, struct mt_err *err);

#endif
