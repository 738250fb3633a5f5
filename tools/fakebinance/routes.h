/* The Binance REST endpoints mt-fakebinance answers (docs/binance-api.md §1.3):
 * ping, time, exchangeInfo, klines/uiKlines, ticker/24hr, ticker/price,
 * ticker/bookTicker, depth. Each request is weighed first (so the limiter can
 * refuse it before any work), then answered into a body buffer. */
#ifndef FB_ROUTES_H
#define FB_ROUTES_H

#include <stdint.h>

#include "buf.h"
#include "datasrc.h"

/* Query parameters the endpoints read (NULL when absent). */
struct fb_params {
    const char *symbol, *symbols, *interval, *start_time, *end_time, *limit, *type;
};

struct fb_routes {
    const struct fb_data *data;
    int64_t weight_limit; /* reported in exchangeInfo rateLimits */
};

/* Index of the endpoint for path, or -1 (HTTP 404). */
int fb_route_find(const char *path);

/* Request weight of endpoint `route` with params p. */
int64_t fb_route_weight(int route, const struct fb_params *p);

/* Answers endpoint `route` at server time now: fills body (JSON) and returns
 * the HTTP status (200, 400 with a Binance error body, 500 if the body would
 * exceed FB_BUF_MAX). */
int fb_route_run(const struct fb_routes *r, int route, const struct fb_params *p, int64_t now,
                 struct fb_buf *body);

#endif
