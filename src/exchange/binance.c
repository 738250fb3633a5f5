/* Binance public market-data endpoints. */
#include "exchange/binance.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/klines.h"

void mt_binance_config_default(struct mt_binance_config *cfg)
{
    mt_http_config_default(&cfg->http);
    mt_gov_config_default(&cfg->gov);
}

int mt_binance_init(struct mt_binance *b, const struct mt_binance_config *cfg, struct mt_err *err)
{
    memset(b, 0, sizeof *b);
    int rc = mt_gov_init(&b->gov, &cfg->gov, err);
    if (rc)
        return rc;
    rc = mt_http_init(&b->http, &cfg->http, &b->gov, err);
    if (rc)
        goto fail_gov;
    return 0;
fail_gov:
    mt_gov_release(&b->gov);
    return rc;
}

void mt_binance_release(struct mt_binance *b)
{
    mt_http_release(&b->http);
    mt_gov_release(&b->gov);
}

/* Symbols go into URLs unescaped: Binance symbols are upper-case letters and digits. */
static int check_symbol(const char *what, const char *symbol, struct mt_err *err)
{
    size_t n = strlen(symbol);
    bool ok = n > 0 && n < MT_SYMBOL_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = (symbol[i] >= 'A' && symbol[i] <= 'Z') || (symbol[i] >= '0' && symbol[i] <= '9');
    if (!ok)
        return mt_err_set(err, MT_EINVAL, "%s: symbol '%s' must be 1-31 upper-case letters or digits", what, symbol);
    return 0;
}

/* The error of a non-200 answer: status, the URL that answered (no query, no
 * credentials) and Binance's code and msg when the body has them. */
static int status_error(const struct mt_binance *b, const char *what, const struct mt_http_req *r,
                        struct mt_err *err)
{
    struct mt_binance_error be;
    struct mt_err ignored = {0};
    char url[MT_HTTP_URL_MAX + MT_HTTP_TARGET_MAX];
    mt_http_req_url(&b->http, r, url, sizeof url);
    int code = r->status == 418 ? MT_EBANNED : r->status == 429 ? MT_ELIMIT : MT_EIO;
    if (r->body && mt_binance_error_parse(r->body, r->len, &be, &ignored) == 0)
        return mt_err_set(err, code, "%s: http %ld from %s, binance %d: %s", what, r->status, url, be.code,
                          be.msg);
    return mt_err_set(err, code, "%s: http %ld from %s after %d %s", what, r->status, url, r->tries,
                      r->tries == 1 ? "try" : "tries");
}

static void no_callback(void *ctx, struct mt_http_req *r)
{
    (void)ctx;
    (void)r;
}

/* GETs target and parses the 200 body as JSON, retrying malformed bodies.
 * *out is the caller's to cJSON_Delete. */
static int get_json(struct mt_binance *b, const char *what, const char *target, int64_t weight, cJSON **out,
                    struct mt_err *err)
{
    *out = NULL;
    struct mt_http_req r;
    int rc = mt_http_req_init(&r, target, weight, err);
    if (rc)
        return mt_err_prefix(err, "%s", what);
    mt_http_submit(&b->http, &r);
    for (;;) {
        rc = mt_http_run(&b->http, no_callback, NULL, err);
        if (rc)
            break;
        if (r.rc) {
            *err = r.err;
            rc = mt_err_prefix(err, "%s", what);
            break;
        }
        if (r.status != 200) {
            rc = status_error(b, what, &r, err);
            break;
        }
        *out = cJSON_ParseWithLength(r.body ? r.body : "", r.len);
        if (*out)
            break;
        if (!mt_http_retry(&b->http, &r)) {
            rc = mt_err_set(err, MT_EFORMAT, "%s: malformed json body after %d tries", what, r.tries);
            break;
        }
    }
    mt_http_req_release(&r);
    return rc;
}

/* A decimal string member ("0.01000000") as double; false if absent or bad. */
static bool json_dec(const cJSON *obj, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return false;
    char *end;
    errno = 0;
    *out = strtod(v->valuestring, &end);
    return *end == '\0' && errno == 0 && isfinite(*out);
}

/* An integer member (ms timestamps: read from valuedouble, valueint is 32-bit). */
static bool json_int(const cJSON *obj, const char *key, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !(fabs(v->valuedouble) < 9007199254740992.0) ||
        v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

static bool json_str(const cJSON *obj, const char *key, char *buf, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v))
        return false;
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= cap)
        return false;
    memcpy(buf, v->valuestring, n + 1);
    return true;
}

int mt_binance_server_time(struct mt_binance *b, int64_t *server_ms, struct mt_err *err)
{
    cJSON *root;
    int64_t t0 = mt_clock_now(b->http.clock);
    int rc = get_json(b, "server time", "/api/v3/time", mt_gov_weight(MT_EP_TIME, 0, 1), &root, err);
    if (rc)
        return rc;
    int64_t t1 = mt_clock_now(b->http.clock);
    if (!json_int(root, "serverTime", server_ms) || *server_ms < 0)
        rc = mt_err_set(err, MT_EFORMAT, "server time: expected {\"serverTime\":ms}");
    cJSON_Delete(root);
    if (rc)
        return rc;
    /* The server read its clock about halfway through the round trip. */
    b->clock_offset_ms = *server_ms - (t0 + (t1 - t0) / 2);
    b->clock_synced = true;
    return 0;
}

int mt_binance_now(struct mt_binance *b, int64_t *now_ms, struct mt_err *err)
{
    if (!b->clock_synced) {
        int64_t s;
        int rc = mt_binance_server_time(b, &s, err);
        if (rc)
            return rc;
    }
    *now_ms = mt_clock_now(b->http.clock) + b->clock_offset_ms;
    return 0;
}

void mt_exchange_info_release(struct mt_exchange_info *info)
{
    free(info->symbols);
    memset(info, 0, sizeof *info);
}

static void symbol_filters(const cJSON *filters, struct mt_symbol_info *si)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, filters)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "filterType");
        if (!cJSON_IsString(type))
            continue;
        if (strcmp(type->valuestring, "PRICE_FILTER") == 0) {
            json_dec(f, "tickSize", &si->tick_size);
        } else if (strcmp(type->valuestring, "LOT_SIZE") == 0) {
            json_dec(f, "stepSize", &si->step_size);
            json_dec(f, "minQty", &si->min_qty);
        } else if (strcmp(type->valuestring, "NOTIONAL") == 0 ||
                   (strcmp(type->valuestring, "MIN_NOTIONAL") == 0 && si->min_notional == 0.0)) {
            json_dec(f, "minNotional", &si->min_notional);
        }
    }
}

int mt_binance_exchange_info_parse(const cJSON *root, struct mt_exchange_info *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    const cJSON *symbols = cJSON_GetObjectItemCaseSensitive(root, "symbols");
    const cJSON *limits = cJSON_GetObjectItemCaseSensitive(root, "rateLimits");
    int n = cJSON_GetArraySize(symbols);
    if (!json_int(root, "serverTime", &out->server_time) || !cJSON_IsArray(symbols) || !cJSON_IsArray(limits) ||
        n > (int)MT_BINANCE_LIST_MAX)
        return mt_err_set(err, MT_EFORMAT, "exchange info: expected serverTime, rateLimits[] and symbols[]");
    const cJSON *l;
    cJSON_ArrayForEach(l, limits)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(l, "rateLimitType");
        const cJSON *iv = cJSON_GetObjectItemCaseSensitive(l, "interval");
        int64_t num = 0, limit = 0;
        if (cJSON_IsString(type) && strcmp(type->valuestring, "REQUEST_WEIGHT") == 0 && cJSON_IsString(iv) &&
            strcmp(iv->valuestring, "MINUTE") == 0 && json_int(l, "intervalNum", &num) && num == 1 &&
            json_int(l, "limit", &limit) && limit > 0)
            out->weight_limit = limit;
    }
    out->symbols = calloc(n ? (size_t)n : 1, sizeof *out->symbols);
    if (!out->symbols)
        return mt_err_set(err, MT_ENOMEM, "exchange info: out of memory for %d symbols", n);
    const cJSON *s;
    cJSON_ArrayForEach(s, symbols)
    {
        struct mt_symbol_info *si = &out->symbols[out->n];
        if (!json_str(s, "symbol", si->symbol, sizeof si->symbol) ||
            !json_str(s, "status", si->status, sizeof si->status) ||
            !json_str(s, "baseAsset", si->base, sizeof si->base) ||
            !json_str(s, "quoteAsset", si->quote, sizeof si->quote)) {
            size_t bad = out->n;
            mt_exchange_info_release(out);
            return mt_err_set(err, MT_EFORMAT,
                              "exchange info: symbol %zu: expected symbol, status, baseAsset and quoteAsset strings",
                              bad);
        }
        symbol_filters(cJSON_GetObjectItemCaseSensitive(s, "filters"), si);
        out->n++;
    }
    return 0;
}

int mt_binance_exchange_info(struct mt_binance *b, struct mt_exchange_info *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = get_json(b, "exchange info", "/api/v3/exchangeInfo", mt_gov_weight(MT_EP_EXCHANGE_INFO, 0, 0),
                      &root, err);
    if (rc)
        return rc;
    rc = mt_binance_exchange_info_parse(root, out, err);
    cJSON_Delete(root);
    if (!rc && out->weight_limit)
        mt_gov_set_limit(&b->gov, out->weight_limit);
    return rc;
}

static int klines_target(char *buf, size_t cap, const char *symbol, enum mt_tf tf, int64_t start_ms,
                         int64_t end_ms, int limit)
{
    int n = snprintf(buf, cap, "/api/v3/klines?symbol=%s&interval=%s&limit=%d", symbol, mt_tf_name(tf), limit);
    if (start_ms >= 0)
        n += snprintf(buf + n, cap - (size_t)n, "&startTime=%lld", (long long)start_ms);
    if (end_ms >= 0)
        n += snprintf(buf + n, cap - (size_t)n, "&endTime=%lld", (long long)end_ms);
    return n;
}

int mt_binance_klines(struct mt_binance *b, const char *symbol, enum mt_tf tf, int64_t start_ms,
                      int64_t end_ms, int limit, struct mt_series *out, struct mt_err *err)
{
    char what[96];
    snprintf(what, sizeof what, "klines %s %s", symbol, mt_tf_name(tf));
    if (check_symbol(what, symbol, err))
        return MT_EINVAL;
    if (limit < 1 || limit > MT_BINANCE_KLINES_PAGE)
        return mt_err_set(err, MT_EINVAL, "%s: limit %d outside 1..1000", what, limit);
    int64_t now;
    int rc = mt_binance_now(b, &now, err);
    if (rc)
        return mt_err_prefix(err, "%s", what);
    char target[MT_HTTP_TARGET_MAX];
    klines_target(target, sizeof target, symbol, tf, start_ms, end_ms, limit);
    struct mt_http_req r;
    if ((rc = mt_http_req_init(&r, target, mt_gov_weight(MT_EP_KLINES, 0, 1), err)))
        return rc;
    size_t n0 = out->n;
    mt_http_submit(&b->http, &r);
    for (;;) {
        if ((rc = mt_http_run(&b->http, no_callback, NULL, err)))
            break;
        if (r.rc) {
            *err = r.err;
            rc = mt_err_prefix(err, "%s", what);
            break;
        }
        if (r.status != 200) {
            rc = status_error(b, what, &r, err);
            break;
        }
        rc = mt_klines_parse(r.body ? r.body : "", r.len, tf, out, err);
        if (rc != MT_EFORMAT || !mt_http_retry(&b->http, &r)) {
            if (rc)
                mt_err_prefix(err, "%s", what);
            break;
        }
    }
    if (rc == 0) {
        size_t closed = mt_klines_closed(out, tf, mt_clock_now(b->http.clock) + b->clock_offset_ms);
        out->n = closed > n0 ? closed : n0;
    }
    mt_http_req_release(&r);
    return rc;
}

/* ---- many symbols ---- */

/* Jobs run lazily: at most `active_max` at once, the next pending one starts
 * when one ends, so memory holds only the running jobs' candles when the
 * caller consumes each finished job in on_end. */
struct many_ctx {
    struct mt_binance *b;
    struct mt_klines_job *jobs;
    size_t n, next, active, active_max;
    mt_klines_job_fn on_end;
    void *user;
};

static void job_fail(struct mt_klines_job *j, const char *fmt_what)
{
    mt_err_prefix(&j->err, "klines %s %s", j->symbol, fmt_what);
    j->rc = j->err.code ? j->err.code : MT_EIO;
}

/* Submits the job's next page starting at start_ms. */
static void job_next(struct mt_binance *b, struct mt_klines_job *j, int64_t start_ms)
{
    char target[MT_HTTP_TARGET_MAX];
    klines_target(target, sizeof target, j->symbol, j->tf, start_ms, j->end_ms, MT_BINANCE_KLINES_PAGE);
    mt_http_req_release(&j->req);
    mt_http_req_init(&j->req, target, mt_gov_weight(MT_EP_KLINES, 0, 1), &j->err);
    j->req.user = j;
    mt_http_submit(&b->http, &j->req);
}

/* Resets job j and submits its first page; a job that cannot start ends at once. */
static bool job_start(struct mt_binance *b, struct mt_klines_job *j)
{
    j->rc = 0;
    j->pages = 0;
    mt_err_clear(&j->err);
    memset(&j->req, 0, sizeof j->req);
    if ((j->series.fields & MT_F_ALL) != MT_F_ALL || (unsigned)j->tf >= MT_TF_COUNT) {
        j->rc = mt_err_set(&j->err, MT_EINVAL, "klines %s: series must hold all fields and tf be valid", j->symbol);
        return false;
    }
    if (check_symbol("klines", j->symbol, &j->err)) {
        j->rc = MT_EINVAL;
        return false;
    }
    /* Without startTime Binance would answer the latest candles instead. */
    if (j->start_ms < 0) {
        j->rc = mt_err_set(&j->err, MT_EINVAL, "klines %s %s: start time %lld is before 1970", j->symbol,
                           mt_tf_name(j->tf), (long long)j->start_ms);
        return false;
    }
    job_next(b, j, j->start_ms);
    return true;
}

/* Ends job j: frees its request, hands it to the caller. */
static void job_end(struct many_ctx *ctx, struct mt_klines_job *j)
{
    mt_http_req_release(&j->req);
    if (ctx->on_end)
        ctx->on_end(ctx->user, j);
}

/* Starts pending jobs while fewer than active_max run. */
static void jobs_fill(struct many_ctx *ctx)
{
    while (ctx->active < ctx->active_max && ctx->next < ctx->n) {
        struct mt_klines_job *j = &ctx->jobs[ctx->next++];
        if (job_start(ctx->b, j))
            ctx->active++;
        else
            job_end(ctx, j);
    }
}

/* Handles one finished page of job j; true when the job goes on with another page. */
static bool job_page(struct many_ctx *ctx, struct mt_klines_job *j, struct mt_http_req *r)
{
    const char *tfn = mt_tf_name(j->tf);
    if (r->rc) {
        j->err = r->err;
        job_fail(j, tfn);
        return false;
    }
    if (r->status != 200) {
        char what[96];
        snprintf(what, sizeof what, "klines %s %s", j->symbol, tfn);
        j->rc = status_error(ctx->b, what, r, &j->err);
        return false;
    }
    size_t n0 = j->series.n;
    int rc = mt_klines_parse(r->body ? r->body : "", r->len, j->tf, &j->series, &j->err);
    if (rc == MT_EFORMAT && mt_http_retry(&ctx->b->http, r))
        return true;
    if (rc) {
        job_fail(j, tfn);
        return false;
    }
    size_t got = j->series.n - n0;
    int64_t now = mt_clock_now(ctx->b->http.clock) + ctx->b->clock_offset_ms;
    size_t closed = mt_klines_closed(&j->series, j->tf, now);
    if (closed < n0)
        closed = n0;
    j->series.n = closed;
    if (got == 0)
        return false;
    j->pages++;
    /* A short page is the end of the data; a dropped open candle is the present
     * (and may have been the page's only row: nothing to continue from). */
    if (got < MT_BINANCE_KLINES_PAGE || closed < n0 + got)
        return false;
    assert(j->series.n > 0);
    int64_t next = mt_tf_next(j->tf, j->series.open_time[j->series.n - 1]);
    if (j->end_ms >= 0 && next > j->end_ms)
        return false;
    job_next(ctx->b, j, next);
    return true;
}

static void job_done(void *vctx, struct mt_http_req *r)
{
    struct many_ctx *ctx = vctx;
    struct mt_klines_job *j = r->user;
    if (job_page(ctx, j, r))
        return;
    ctx->active--;
    job_end(ctx, j);
    jobs_fill(ctx);
}

int mt_binance_klines_many(struct mt_binance *b, struct mt_klines_job *jobs, size_t n,
                           mt_klines_job_fn on_end, void *user, struct mt_err *err)
{
    int64_t now;
    int rc = mt_binance_now(b, &now, err);
    if (rc)
        return mt_err_prefix(err, "klines");
    struct many_ctx ctx = {.b = b, .jobs = jobs, .n = n, .on_end = on_end, .user = user,
                           .active_max = (size_t)b->http.cfg.max_concurrent};
    jobs_fill(&ctx);
    rc = mt_http_run(&b->http, job_done, &ctx, err);
    for (size_t i = 0; i < ctx.next; i++)
        mt_http_req_release(&jobs[i].req);
    return rc;
}

/* ---- tickers and depth ---- */

int mt_binance_tickers_24h_parse(const cJSON *root, struct mt_ticker24 **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    int cnt = cJSON_GetArraySize(root);
    if (!cJSON_IsArray(root) || cnt > (int)MT_BINANCE_LIST_MAX)
        return mt_err_set(err, MT_EFORMAT, "24h tickers: expected an array");
    struct mt_ticker24 *t = calloc(cnt ? (size_t)cnt : 1, sizeof *t);
    if (!t)
        return mt_err_set(err, MT_ENOMEM, "24h tickers: out of memory");
    size_t i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, root)
    {
        struct mt_ticker24 *x = &t[i];
        if (!json_str(o, "symbol", x->symbol, sizeof x->symbol) || !json_dec(o, "lastPrice", &x->last_price) ||
            !json_dec(o, "priceChangePercent", &x->price_change_percent) || !json_dec(o, "volume", &x->volume) ||
            !json_dec(o, "quoteVolume", &x->quote_volume) || !json_dec(o, "highPrice", &x->high) ||
            !json_dec(o, "lowPrice", &x->low) || !json_dec(o, "openPrice", &x->open) ||
            !json_int(o, "count", &x->count) || !json_int(o, "closeTime", &x->close_time)) {
            free(t);
            return mt_err_set(err, MT_EFORMAT,
                              "24h tickers: item %zu: expected symbol, prices, volumes, count, closeTime", i);
        }
        i++;
    }
    *out = t;
    *n = i;
    return 0;
}

int mt_binance_tickers_24h(struct mt_binance *b, struct mt_ticker24 **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    cJSON *root;
    int rc = get_json(b, "24h tickers", "/api/v3/ticker/24hr", mt_gov_weight(MT_EP_TICKER_24H, 0, 0), &root, err);
    if (rc)
        return rc;
    rc = mt_binance_tickers_24h_parse(root, out, n, err);
    cJSON_Delete(root);
    return rc;
}

int mt_binance_book_tickers_parse(const cJSON *root, struct mt_book_ticker **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    int cnt = cJSON_GetArraySize(root);
    if (!cJSON_IsArray(root) || cnt > (int)MT_BINANCE_LIST_MAX)
        return mt_err_set(err, MT_EFORMAT, "book tickers: expected an array");
    struct mt_book_ticker *t = calloc(cnt ? (size_t)cnt : 1, sizeof *t);
    if (!t)
        return mt_err_set(err, MT_ENOMEM, "book tickers: out of memory");
    size_t i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, root)
    {
        struct mt_book_ticker *x = &t[i];
        if (!json_str(o, "symbol", x->symbol, sizeof x->symbol) || !json_dec(o, "bidPrice", &x->bid) ||
            !json_dec(o, "bidQty", &x->bid_qty) || !json_dec(o, "askPrice", &x->ask) ||
            !json_dec(o, "askQty", &x->ask_qty)) {
            free(t);
            return mt_err_set(err, MT_EFORMAT, "book tickers: item %zu: expected symbol and bid/ask price/qty", i);
        }
        i++;
    }
    *out = t;
    *n = i;
    return 0;
}

int mt_binance_book_tickers(struct mt_binance *b, struct mt_book_ticker **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    cJSON *root;
    int rc = get_json(b, "book tickers", "/api/v3/ticker/bookTicker", mt_gov_weight(MT_EP_BOOK_TICKER, 0, 0),
                      &root, err);
    if (rc)
        return rc;
    rc = mt_binance_book_tickers_parse(root, out, n, err);
    cJSON_Delete(root);
    return rc;
}

void mt_depth_release(struct mt_depth *d)
{
    free(d->bids);
    free(d->asks);
    memset(d, 0, sizeof *d);
}

static int depth_side(const cJSON *arr, struct mt_depth_level **out, size_t *n)
{
    int cnt = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || cnt > 5000)
        return MT_EFORMAT;
    *out = calloc(cnt ? (size_t)cnt : 1, sizeof **out);
    if (!*out)
        return MT_ENOMEM;
    const cJSON *lv;
    cJSON_ArrayForEach(lv, arr)
    {
        const cJSON *p = cJSON_GetArrayItem(lv, 0), *q = cJSON_GetArrayItem(lv, 1);
        char *e1, *e2;
        if (cJSON_GetArraySize(lv) != 2 || !cJSON_IsString(p) || !cJSON_IsString(q))
            return MT_EFORMAT;
        double price = strtod(p->valuestring, &e1), qty = strtod(q->valuestring, &e2);
        if (*e1 || *e2 || e1 == p->valuestring || e2 == q->valuestring || !isfinite(price) || !isfinite(qty))
            return MT_EFORMAT;
        (*out)[*n].price = price;
        (*out)[*n].qty = qty;
        (*n)++;
    }
    return 0;
}

int mt_binance_depth_parse(const cJSON *root, const char *what, struct mt_depth *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    if (!json_int(root, "lastUpdateId", &out->last_update_id) ||
        (rc = depth_side(cJSON_GetObjectItemCaseSensitive(root, "bids"), &out->bids, &out->nbids)) ||
        (rc = depth_side(cJSON_GetObjectItemCaseSensitive(root, "asks"), &out->asks, &out->nasks))) {
        rc = rc == MT_ENOMEM ? mt_err_set(err, rc, "%s: out of memory", what)
                             : mt_err_set(err, MT_EFORMAT, "%s: expected lastUpdateId and [[price, qty]] bids/asks",
                                          what);
        mt_depth_release(out);
    }
    return rc;
}

int mt_binance_depth(struct mt_binance *b, const char *symbol, int limit, struct mt_depth *out,
                     struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    char what[64], target[128];
    snprintf(what, sizeof what, "depth %s", symbol);
    if (check_symbol(what, symbol, err))
        return MT_EINVAL;
    if (limit < 1 || limit > 5000)
        return mt_err_set(err, MT_EINVAL, "%s: limit %d outside 1..5000", what, limit);
    snprintf(target, sizeof target, "/api/v3/depth?symbol=%s&limit=%d", symbol, limit);
    cJSON *root;
    int rc = get_json(b, what, target, mt_gov_weight(MT_EP_DEPTH, limit, 1), &root, err);
    if (rc)
        return rc;
    rc = mt_binance_depth_parse(root, what, out, err);
    cJSON_Delete(root);
    return rc;
}
