#include "routes.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "weights.h"

enum route {
    R_PING,
    R_TIME,
    R_EXCHANGE_INFO,
    R_KLINES,
    R_UI_KLINES,
    R_TICKER_24HR,
    R_TICKER_PRICE,
    R_BOOK_TICKER,
    R_DEPTH,
    R_COUNT
};

static const char *const paths[R_COUNT] = {
    "/api/v3/ping",         "/api/v3/time",         "/api/v3/exchangeInfo",
    "/api/v3/klines",       "/api/v3/uiKlines",     "/api/v3/ticker/24hr",
    "/api/v3/ticker/price", "/api/v3/ticker/bookTicker", "/api/v3/depth",
};

/* Most symbols accepted in a `symbols` parameter. */
#define MAX_LIST FB_MAX_SYMBOLS
#define KLINES_MAX 1000
#define KLINES_DEFAULT 500
#define DEPTH_MAX 5000
#define DEPTH_DEFAULT 100

int fb_route_find(const char *path)
{
    for (int i = 0; i < R_COUNT; i++)
        if (strcmp(path, paths[i]) == 0)
            return i;
    return -1;
}

/* Binance error body; returns HTTP 400. */
static int error(struct fb_buf *b, int code, const char *msg)
{
    fb_buf_reset(b);
    fb_buf_printf(b, "{\"code\":%d,\"msg\":\"%s\"}", code, msg);
    return 400;
}

static int missing(struct fb_buf *b, const char *name)
{
    fb_buf_reset(b);
    fb_buf_printf(b,
                  "{\"code\":-1102,\"msg\":\"Mandatory parameter '%s' was not sent, was empty/null, "
                  "or malformed.\"}",
                  name);
    return 400;
}

static int illegal_int(struct fb_buf *b, const char *name)
{
    fb_buf_reset(b);
    fb_buf_printf(b,
                  "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter '%s'; legal range "
                  "is '^[0-9]{1,20}$'.\"}",
                  name);
    return 400;
}

/* Parses an optional non-negative integer parameter; -1 if malformed. */
static int opt_int(const char *v, bool *has, int64_t *out)
{
    *has = v && *v;
    if (!*has)
        return 0;
    size_t n = strlen(v);
    if (n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    *out = x;
    return 0;
}

static bool symbol_chars_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* Resolves the `symbol` parameter: NULL with the error body set on failure. */
static const struct fb_symbol *need_symbol(const struct fb_routes *r, const char *v,
                                           struct fb_buf *b, int *status)
{
    if (!v || !*v) {
        *status = missing(b, "symbol");
        return NULL;
    }
    if (!symbol_chars_ok(v)) {
        fb_buf_reset(b);
        fb_buf_printf(b, "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter "
                         "'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.\"}");
        *status = 400;
        return NULL;
    }
    const struct fb_symbol *s = fb_data_find(r->data, v);
    if (!s)
        *status = error(b, -1121, "Invalid symbol.");
    return s;
}

/* Parses `symbols` (a JSON array of names) into list; returns the count, or
 * -1 with the error body set. */
static long parse_symbols(const struct fb_routes *r, const char *v, const struct fb_symbol **list,
                          struct fb_buf *b, int *status)
{
    cJSON *arr = cJSON_Parse(v);
    long n = -1;
    if (!arr || !cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0 ||
        (size_t)cJSON_GetArraySize(arr) > MAX_LIST) {
        fb_buf_reset(b);
        fb_buf_printf(b, "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter "
                         "'symbols'; legal range is "
                         "'^\\\\[(\\\"[A-Z0-9-_.]{1,20}\\\"(,\\\"[A-Z0-9-_.]{1,20}\\\"){0,}){0,1}\\\\]$'.\"}");
        *status = 400;
        goto done;
    }
    long k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const struct fb_symbol *s = cJSON_IsString(it) ? need_symbol(r, it->valuestring, b, status)
                                                       : NULL;
        if (!s) {
            if (!cJSON_IsString(it))
                *status = error(b, -1121, "Invalid symbol.");
            goto done;
        }
        list[k++] = s;
    }
    n = k;
done:
    cJSON_Delete(arr);
    return n;
}

static size_t count_list(const char *v)
{
    size_t n = 0;
    for (const char *p = v; *p; p++)
        n += *p == ',';
    return n + 1;
}

int64_t fb_route_weight(int route, const struct fb_params *p)
{
    bool has;
    int64_t limit = DEPTH_DEFAULT;
    switch ((enum route)route) {
    case R_PING:
    case R_TIME:
        return 1;
    case R_EXCHANGE_INFO:
        return 20;
    case R_KLINES:
    case R_UI_KLINES:
        return 2;
    case R_TICKER_24HR:
        if (p->symbol && *p->symbol)
            return fb_weight_ticker24(0, 1);
        return fb_weight_ticker24(p->symbols && *p->symbols ? count_list(p->symbols) : 0, 0);
    case R_TICKER_PRICE:
    case R_BOOK_TICKER:
        return p->symbol && *p->symbol ? 2 : 4;
    case R_DEPTH:
        if (opt_int(p->limit, &has, &limit) < 0 || !has)
            limit = DEPTH_DEFAULT;
        return fb_weight_depth(limit > DEPTH_MAX ? DEPTH_MAX : limit);
    case R_COUNT:
        break;
    }
    return 1;
}

/* Deterministic per-symbol hash (FNV-1a) for spreads and book sizes. */
static uint64_t hash_name(const char *s, uint64_t salt)
{
    uint64_t h = UINT64_C(1469598103934665603) ^ salt;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
    return h ^ (h >> 29);
}

/* Reference price at now: close of the latest candle, or the first stored open
 * before listing. */
static double ref_price(const struct fb_symbol *sym, int64_t now)
{
    struct fb_kline k;
    if (fb_last_candle(sym, now, &k))
        return k.close;
    for (int t = 0; t < MT_TF_COUNT; t++)
        if (sym->tf[t] && sym->tf[t]->n)
            return sym->tf[t]->open[0];
    return 1.0;
}

static double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Tick: about 1e-6 of the price; step: a lot worth ~0.1..1 quote units. */
static double tick_size(double price)
{
    return price > 0 ? clampd(pow(10.0, floor(log10(price)) - 6.0), 1e-8, 1.0) : 1e-8;
}

static double step_size(double price)
{
    return price > 0 ? clampd(pow(10.0, -floor(log10(price)) - 1.0), 1e-8, 1.0) : 1.0;
}

struct book_top {
    double bid, ask, bid_qty, ask_qty, tick, step;
};

static void book_top(const struct fb_symbol *sym, int64_t now, struct book_top *t)
{
    double p = ref_price(sym, now);
    uint64_t h = hash_name(sym->name, 0);
    double half = (double)(1 + h % 5) / 20000.0; /* spread 1..5 bp */
    t->tick = tick_size(p);
    t->step = step_size(p);
    t->bid = floor(p * (1.0 - half) / t->tick) * t->tick;
    t->ask = ceil(p * (1.0 + half) / t->tick) * t->tick;
    if (t->ask - t->bid < t->tick)
        t->ask = t->bid + t->tick;
    t->bid_qty = t->step * (double)(100 + (h >> 8) % 9000);
    t->ask_qty = t->step * (double)(100 + (h >> 24) % 9000);
}

static void kline_row(struct fb_buf *b, const struct fb_kline *k)
{
    fb_buf_printf(b, "[%lld,", (long long)k->open_time);
    fb_buf_dec8(b, k->open);
    fb_buf_printf(b, ",");
    fb_buf_dec8(b, k->high);
    fb_buf_printf(b, ",");
    fb_buf_dec8(b, k->low);
    fb_buf_printf(b, ",");
    fb_buf_dec8(b, k->close);
    fb_buf_printf(b, ",");
    fb_buf_dec8(b, k->volume);
    fb_buf_printf(b, ",%lld,", (long long)k->close_time);
    fb_buf_dec8(b, k->quote_volume);
    fb_buf_printf(b, ",%lld,", (long long)llround(k->trades));
    fb_buf_dec8(b, k->taker_base);
    fb_buf_printf(b, ",");
    fb_buf_dec8(b, k->taker_quote);
    fb_buf_printf(b, ",\"0\"]");
}

/* Binance interval names; "1s" is valid but never stored (MT_TF_COUNT). */
static bool parse_interval(const char *v, enum mt_tf *tf)
{
    if (strcmp(v, "1s") == 0) {
        *tf = MT_TF_COUNT;
        return true;
    }
    for (int t = 0; t < MT_TF_COUNT; t++)
        if (strcmp(v, mt_tf_name((enum mt_tf)t)) == 0) {
            *tf = (enum mt_tf)t;
            return true;
        }
    return false;
}

static int klines(const struct fb_routes *r, const struct fb_params *p, int64_t now,
                  struct fb_buf *b)
{
    int status = 400;
    if (!p->symbol || !*p->symbol)
        return missing(b, "symbol");
    if (!p->interval || !*p->interval)
        return missing(b, "interval");
    enum mt_tf tf;
    if (!parse_interval(p->interval, &tf))
        return error(b, -1120, "Invalid interval.");
    const struct fb_symbol *sym = need_symbol(r, p->symbol, b, &status);
    if (!sym)
        return status;
    bool has_start, has_end, has_limit;
    int64_t start = 0, end = 0, limit = KLINES_DEFAULT;
    if (opt_int(p->start_time, &has_start, &start) < 0)
        return illegal_int(b, "startTime");
    if (opt_int(p->end_time, &has_end, &end) < 0)
        return illegal_int(b, "endTime");
    if (opt_int(p->limit, &has_limit, &limit) < 0)
        return illegal_int(b, "limit");
    if (has_start && has_end && start > end)
        return error(b, -1023, "Start time is greater than end time.");
    limit = limit < 1 ? 1 : limit > KLINES_MAX ? KLINES_MAX : limit;
    struct fb_kline *rows = malloc((size_t)limit * sizeof *rows);
    if (!rows) {
        error(b, -1001, "Internal error; unable to process your request. Please try again.");
        return 500;
    }
    size_t n = tf == MT_TF_COUNT ? 0
                                 : fb_klines(sym, tf, has_start, start, has_end, end, (size_t)limit,
                                             now, rows);
    fb_buf_printf(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            fb_buf_printf(b, ",");
        kline_row(b, &rows[i]);
    }
    fb_buf_printf(b, "]");
    free(rows);
    return 200;
}

static void symbol_info(struct fb_buf *b, const struct fb_symbol *s, int64_t now)
{
    double p = ref_price(s, now);
    double tick = tick_size(p), step = step_size(p);
    double min_notional = strcmp(s->quote, "BTC") == 0   ? 0.0001
                          : strcmp(s->quote, "ETH") == 0 ? 0.001
                          : strcmp(s->quote, "BNB") == 0 ? 0.01
                                                         : 5.0;
    fb_buf_printf(b,
                  "{\"symbol\":\"%s\",\"status\":\"TRADING\",\"baseAsset\":\"%s\","
                  "\"baseAssetPrecision\":8,\"quoteAsset\":\"%s\",\"quotePrecision\":8,"
                  "\"quoteAssetPrecision\":8,\"baseCommissionPrecision\":8,"
                  "\"quoteCommissionPrecision\":8,\"orderTypes\":[\"LIMIT\",\"LIMIT_MAKER\","
                  "\"MARKET\",\"STOP_LOSS\",\"STOP_LOSS_LIMIT\",\"TAKE_PROFIT\","
                  "\"TAKE_PROFIT_LIMIT\"],\"icebergAllowed\":true,\"ocoAllowed\":true,"
                  "\"otoAllowed\":true,\"quoteOrderQtyMarketAllowed\":true,"
                  "\"allowTrailingStop\":true,\"cancelReplaceAllowed\":true,"
                  "\"isSpotTradingAllowed\":true,\"isMarginTradingAllowed\":true,\"filters\":[",
                  s->name, s->base, s->quote);
    fb_buf_printf(b, "{\"filterType\":\"PRICE_FILTER\",\"minPrice\":");
    fb_buf_dec8(b, tick);
    fb_buf_printf(b, ",\"maxPrice\":");
    fb_buf_dec8(b, tick * 1e10);
    fb_buf_printf(b, ",\"tickSize\":");
    fb_buf_dec8(b, tick);
    fb_buf_printf(b, "},{\"filterType\":\"LOT_SIZE\",\"minQty\":");
    fb_buf_dec8(b, step);
    fb_buf_printf(b, ",\"maxQty\":");
    fb_buf_dec8(b, step * 1e9);
    fb_buf_printf(b, ",\"stepSize\":");
    fb_buf_dec8(b, step);
    fb_buf_printf(b, "},{\"filterType\":\"MARKET_LOT_SIZE\",\"minQty\":\"0.00000000\",\"maxQty\":");
    fb_buf_dec8(b, step * 1e8);
    fb_buf_printf(b, ",\"stepSize\":\"0.00000000\"},{\"filterType\":\"NOTIONAL\",\"minNotional\":");
    fb_buf_dec8(b, min_notional);
    fb_buf_printf(b, ",\"applyMinToMarket\":true,\"maxNotional\":\"9000000.00000000\","
                     "\"applyMaxToMarket\":false,\"avgPriceMins\":5}],\"permissions\":[],"
                     "\"permissionSets\":[[\"SPOT\",\"MARGIN\"]],"
                     "\"defaultSelfTradePreventionMode\":\"EXPIRE_MAKER\","
                     "\"allowedSelfTradePreventionModes\":[\"EXPIRE_TAKER\",\"EXPIRE_MAKER\","
                     "\"EXPIRE_BOTH\"]}");
}

/* Resolves symbol / symbols / all into list (caller array of data->n + MAX_LIST
 * entries); returns the count, or -1 with the body set. *single is true for
 * `symbol`. */
static long select_symbols(const struct fb_routes *r, const struct fb_params *p,
                           const struct fb_symbol **list, bool *single, struct fb_buf *b,
                           int *status)
{
    bool has_one = p->symbol && *p->symbol, has_list = p->symbols && *p->symbols;
    *single = has_one;
    if (has_one && has_list) {
        *status = error(b, -1101, "Combination of optional parameters invalid.");
        return -1;
    }
    if (has_one) {
        list[0] = need_symbol(r, p->symbol, b, status);
        return list[0] ? 1 : -1;
    }
    if (has_list)
        return parse_symbols(r, p->symbols, list, b, status);
    for (size_t i = 0; i < r->data->n; i++)
        list[i] = &r->data->symbols[i];
    return (long)r->data->n;
}

static int exchange_info(const struct fb_routes *r, const struct fb_params *p, int64_t now,
                         struct fb_buf *b, const struct fb_symbol **list)
{
    bool single;
    int status = 400;
    long n = select_symbols(r, p, list, &single, b, &status);
    if (n < 0)
        return status;
    fb_buf_printf(b,
                  "{\"timezone\":\"UTC\",\"serverTime\":%lld,\"rateLimits\":["
                  "{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
                  "\"intervalNum\":1,\"limit\":%lld},"
                  "{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":10,"
                  "\"limit\":100},"
                  "{\"rateLimitType\":\"ORDERS\",\"interval\":\"DAY\",\"intervalNum\":1,"
                  "\"limit\":200000},"
                  "{\"rateLimitType\":\"RAW_REQUESTS\",\"interval\":\"MINUTE\",\"intervalNum\":5,"
                  "\"limit\":300000}],\"exchangeFilters\":[],\"symbols\":[",
                  (long long)now, (long long)r->weight_limit);
    for (long i = 0; i < n; i++) {
        if (i)
            fb_buf_printf(b, ",");
        symbol_info(b, list[i], now);
    }
    fb_buf_printf(b, "]}");
    return 200;
}

static void ticker24(struct fb_buf *b, const struct fb_symbol *s, int64_t now, bool mini)
{
    struct fb_kline k;
    double prev = 0.0;
    if (!fb_window_24h(s, now, &k, &prev)) {
        memset(&k, 0, sizeof k);
        k.open_time = now - MT_MS_DAY;
        k.close_time = now;
    }
    struct fb_kline last;
    double last_qty = fb_last_candle(s, now, &last) && last.trades >= 1.0
                          ? last.volume / last.trades
                          : 0.0;
    long long count = llround(k.trades);
    fb_buf_printf(b, "{\"symbol\":\"%s\",", s->name);
    if (!mini) {
        struct book_top t;
        book_top(s, now, &t);
        fb_buf_printf(b, "\"priceChange\":");
        fb_buf_dec8(b, k.close - k.open);
        fb_buf_printf(b, ",\"priceChangePercent\":\"%.3f\",\"weightedAvgPrice\":",
                      k.open > 0 ? (k.close - k.open) / k.open * 100.0 : 0.0);
        fb_buf_dec8(b, k.volume > 0 ? k.quote_volume / k.volume : k.close);
        fb_buf_printf(b, ",\"prevClosePrice\":");
        fb_buf_dec8(b, prev);
        fb_buf_printf(b, ",\"lastPrice\":");
        fb_buf_dec8(b, k.close);
        fb_buf_printf(b, ",\"lastQty\":");
        fb_buf_dec8(b, last_qty);
        fb_buf_printf(b, ",\"bidPrice\":");
        fb_buf_dec8(b, t.bid);
        fb_buf_printf(b, ",\"bidQty\":");
        fb_buf_dec8(b, t.bid_qty);
        fb_buf_printf(b, ",\"askPrice\":");
        fb_buf_dec8(b, t.ask);
        fb_buf_printf(b, ",\"askQty\":");
        fb_buf_dec8(b, t.ask_qty);
        fb_buf_printf(b, ",");
    } else {
        fb_buf_printf(b, "\"lastPrice\":");
        fb_buf_dec8(b, k.close);
        fb_buf_printf(b, ",");
    }
    fb_buf_printf(b, "\"openPrice\":");
    fb_buf_dec8(b, k.open);
    fb_buf_printf(b, ",\"highPrice\":");
    fb_buf_dec8(b, k.high);
    fb_buf_printf(b, ",\"lowPrice\":");
    fb_buf_dec8(b, k.low);
    fb_buf_printf(b, ",\"volume\":");
    fb_buf_dec8(b, k.volume);
    fb_buf_printf(b, ",\"quoteVolume\":");
    fb_buf_dec8(b, k.quote_volume);
    /* Trade ids: a running count, so ids are consistent with `count`. */
    fb_buf_printf(b, ",\"openTime\":%lld,\"closeTime\":%lld,\"firstId\":%lld,\"lastId\":%lld,"
                     "\"count\":%lld}",
                  (long long)k.open_time, (long long)k.close_time, count ? 0LL : -1LL,
                  count ? count - 1 : -1LL, count);
}

static int ticker_many(const struct fb_routes *r, const struct fb_params *p, int64_t now,
                       struct fb_buf *b, const struct fb_symbol **list, int route)
{
    bool single;
    int status = 400;
    bool mini = false;
    if (route == R_TICKER_24HR && p->type && *p->type) {
        if (strcmp(p->type, "MINI") == 0)
            mini = true;
        else if (strcmp(p->type, "FULL") != 0)
            return error(b, -1139, "Invalid ticker type.");
    }
    long n = select_symbols(r, p, list, &single, b, &status);
    if (n < 0)
        return status;
    if (!single)
        fb_buf_printf(b, "[");
    for (long i = 0; i < n; i++) {
        if (i)
            fb_buf_printf(b, ",");
        const struct fb_symbol *s = list[i];
        if (route == R_TICKER_24HR) {
            ticker24(b, s, now, mini);
        } else if (route == R_TICKER_PRICE) {
            fb_buf_printf(b, "{\"symbol\":\"%s\",\"price\":", s->name);
            fb_buf_dec8(b, ref_price(s, now));
            fb_buf_printf(b, "}");
        } else {
            struct book_top t;
            book_top(s, now, &t);
            fb_buf_printf(b, "{\"symbol\":\"%s\",\"bidPrice\":", s->name);
            fb_buf_dec8(b, t.bid);
            fb_buf_printf(b, ",\"bidQty\":");
            fb_buf_dec8(b, t.bid_qty);
            fb_buf_printf(b, ",\"askPrice\":");
            fb_buf_dec8(b, t.ask);
            fb_buf_printf(b, ",\"askQty\":");
            fb_buf_dec8(b, t.ask_qty);
            fb_buf_printf(b, "}");
        }
    }
    if (!single)
        fb_buf_printf(b, "]");
    return 200;
}

static int depth(const struct fb_routes *r, const struct fb_params *p, int64_t now,
                 struct fb_buf *b)
{
    int status = 400;
    const struct fb_symbol *s = need_symbol(r, p->symbol, b, &status);
    if (!s)
        return status;
    bool has;
    int64_t limit = DEPTH_DEFAULT;
    if (opt_int(p->limit, &has, &limit) < 0)
        return illegal_int(b, "limit");
    limit = !has ? DEPTH_DEFAULT : limit < 1 ? 1 : limit > DEPTH_MAX ? DEPTH_MAX : limit;
    struct book_top t;
    book_top(s, now, &t);
    fb_buf_printf(b, "{\"lastUpdateId\":%lld,\"bids\":[", (long long)now);
    for (int side = 0; side < 2; side++) {
        for (int64_t i = 0; i < limit; i++) {
            double price = side == 0 ? t.bid - (double)i * t.tick : t.ask + (double)i * t.tick;
            if (price <= 0)
                break;
            double qty = i == 0 ? (side == 0 ? t.bid_qty : t.ask_qty)
                                : t.step * (double)(1 + hash_name(s->name, (uint64_t)(i * 2 + side)) % 20000);
            fb_buf_printf(b, "%s[", i ? "," : "");
            fb_buf_dec8(b, price);
            fb_buf_printf(b, ",");
            fb_buf_dec8(b, qty);
            fb_buf_printf(b, "]");
        }
        fb_buf_printf(b, side == 0 ? "],\"asks\":[" : "]}");
    }
    return 200;
}

int fb_route_run(const struct fb_routes *r, int route, const struct fb_params *p, int64_t now,
                 struct fb_buf *body)
{
    int status = 200;
    const struct fb_symbol **list = NULL;
    if (route == R_EXCHANGE_INFO || route == R_TICKER_24HR || route == R_TICKER_PRICE ||
        route == R_BOOK_TICKER) {
        list = malloc((r->data->n + MAX_LIST) * sizeof *list);
        if (!list) {
            error(body, -1001, "Internal error; unable to process your request. Please try again.");
            return 500;
        }
    }
    switch ((enum route)route) {
    case R_PING:
        fb_buf_printf(body, "{}");
        break;
    case R_TIME:
        fb_buf_printf(body, "{\"serverTime\":%lld}", (long long)now);
        break;
    case R_EXCHANGE_INFO:
        status = exchange_info(r, p, now, body, list);
        break;
    case R_KLINES:
    case R_UI_KLINES:
        status = klines(r, p, now, body);
        break;
    case R_TICKER_24HR:
    case R_TICKER_PRICE:
    case R_BOOK_TICKER:
        status = ticker_many(r, p, now, body, list, route);
        break;
    case R_DEPTH:
        status = depth(r, p, now, body);
        break;
    case R_COUNT:
        break;
    }
    free(list);
    if (body->failed) {
        error(body, -1001, "Internal error; unable to process your request. Please try again.");
        return 500;
    }
    return status;
}
