/* libcurl multi request queue with governor, retries and capped bodies. */
#include "exchange/http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/time.h"

struct mt_http_slot {
    CURL *easy;
    struct mt_http_req *req; /* NULL when free */
    char url[MT_HTTP_URL_MAX + MT_HTTP_TARGET_MAX];
    size_t max_body;
    char errbuf[CURL_ERROR_SIZE];
};

void mt_http_config_default(struct mt_http_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->base_url, sizeof cfg->base_url, "https://api.binance.com");
    cfg->max_concurrent = 4;
    cfg->max_tries = 5;
    cfg->connect_timeout_ms = 10000;
    cfg->timeout_ms = 30000;
    cfg->low_speed_bytes = 100;
    cfg->low_speed_s = 15;
    cfg->max_body = (size_t)16 << 20;
    cfg->backoff_ms = 250;
    cfg->backoff_max_ms = 10000;
    cfg->seed = 0;
}

/* The parts of "scheme://[userinfo@]host[:port][/path]": offsets into the url. */
struct url_parts {
    size_t scheme_end;   /* index of "://" */
    size_t auth;         /* start of the authority */
    size_t host, host_end; /* the host, brackets of an IPv6 literal included */
    size_t auth_end;     /* end of the authority (start of the path, or the end) */
};

/* Splits url; false without "://". The host ends at ':' or the authority's end. */
static bool url_split(const char *url, struct url_parts *p)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return false;
    p->scheme_end = (size_t)(sep - url);
    p->auth = p->scheme_end + 3;
    p->auth_end = p->auth + strcspn(url + p->auth, "/?#");
    p->host = p->auth;
    for (size_t i = p->auth; i < p->auth_end; i++)
        if (url[i] == '@')
            p->host = i + 1;
    p->host_end = p->host;
    if (url[p->host] == '[') {
        while (p->host_end < p->auth_end && url[p->host_end] != ']')
            p->host_end++;
        if (p->host_end < p->auth_end)
            p->host_end++;
    } else {
        while (p->host_end < p->auth_end && url[p->host_end] != ':')
            p->host_end++;
    }
    return true;
}

char *mt_http_url_redact(const char *url, char *out, size_t cap)
{
    struct url_parts p;
    size_t end = strcspn(url, "?#");
    if (!url_split(url, &p) || p.host == p.auth)
        snprintf(out, cap, "%.*s", (int)end, url);
    else
        snprintf(out, cap, "%.*s***@%.*s", (int)p.auth, url, (int)(end - p.host), url + p.host);
    return out;
}

bool mt_http_url_loopback(const char *url)
{
    struct url_parts p;
    if (!url_split(url, &p))
        return false;
    char host[64];
    size_t n = p.host_end - p.host;
    if (n == 0 || n >= sizeof host)
        return false;
    memcpy(host, url + p.host, n);
    host[n] = '\0';
    struct in_addr a4;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0;
}

int mt_http_base_url(const char *url, char *out, size_t cap, struct mt_err *err)
{
    char shown[MT_HTTP_URL_MAX];
    mt_http_url_redact(url, shown, sizeof shown);
    struct url_parts p;
    bool https = strncasecmp(url, "https://", 8) == 0;
    if (!https && strncasecmp(url, "http://", 7) != 0)
        return mt_err_set(err, MT_EINVAL, "base url '%s': expected http:// or https://", shown);
    url_split(url, &p);
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '?' || *c == '#')
            return mt_err_set(err, MT_EINVAL,
                              "base url '%s': expected scheme://host[:port][/path] without spaces, "
                              "control characters, query or fragment",
                              shown);
    bool host_ok = p.host_end > p.host && (url[p.host] != '[' || url[p.host_end - 1] == ']');
    bool port_ok = p.host_end == p.auth_end;
    if (!port_ok && url[p.host_end] == ':') {
        char *end;
        long port = strtol(url + p.host_end + 1, &end, 10);
        port_ok = end == url + p.auth_end && end > url + p.host_end + 1 && port >= 1 && port <= 65535 &&
                  url[p.host_end + 1] != '+' && url[p.host_end + 1] != '-';
    }
    if (!host_ok || !port_ok)
        return mt_err_set(err, MT_EINVAL, "base url '%s': expected a host and an optional port 1..65535",
                          shown);
    size_t len = strlen(url);
    while (len > p.auth_end && url[len - 1] == '/')
        len--;
    size_t scheme = https ? 5 : 4;
    int n = snprintf(out, cap, "%s%.*s", https ? "https" : "http", (int)(len - scheme), url + scheme);
    if (n < 0 || (size_t)n >= cap)
        return mt_err_set(err, MT_ELIMIT, "base url '%s': longer than %zu bytes", shown, cap - 1);
    return 0;
}

int mt_http_req_init(struct mt_http_req *r, const char *target, int64_t weight, struct mt_err *err)
{
    memset(r, 0, sizeof *r);
    int n = snprintf(r->target, sizeof r->target, "%s", target);
    if (n < 0 || (size_t)n >= sizeof r->target || target[0] != '/')
        return mt_err_set(err, MT_EINVAL, "http request target must start with '/' and be under %d bytes",
                          MT_HTTP_TARGET_MAX);
    r->weight = weight;
    r->used_weight = r->retry_after_s = r->date_ms = -1;
    return 0;
}

void mt_http_req_release(struct mt_http_req *r)
{
    free(r->body);
    r->body = NULL;
    r->len = r->cap = 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct mt_http_slot *slot = user;
    struct mt_http_req *r = slot->req;
    size_t n = size * nmemb;
    if (n > slot->max_body - r->len) {
        r->too_big = true;
        return 0;
    }
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + n + 1)
            cap *= 2;
        if (cap > slot->max_body + 1)
            cap = slot->max_body + 1;
        char *b = realloc(r->body, cap);
        if (!b)
            return 0;
        r->body = b;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return n;
}

/* Value of header line `line` (length n) if its name is `name`, else NULL. */
static const char *header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
        return NULL;
    const char *v = line + k + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

/* Non-negative integer header value, or -1. */
static int64_t header_int(const char *v, size_t n)
{
    if (n == 0 || n > 18)
        return -1;
    int64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
    struct mt_http_slot *slot = user;
    struct mt_http_req *r = slot->req;
    size_t n = size * nmemb;
    size_t vlen;
    const char *v;
    if ((v = header_value(line, n, "X-MBX-USED-WEIGHT-1M", &vlen)))
        r->used_weight = header_int(v, vlen);
    else if ((v = header_value(line, n, "Retry-After", &vlen)))
        r->retry_after_s = header_int(v, vlen);
    else if ((v = header_value(line, n, "Date", &vlen)) && vlen < 64) {
        char buf[64];
        memcpy(buf, v, vlen);
        buf[vlen] = '\0';
        time_t t = curl_getdate(buf, NULL);
        r->date_ms = t < 0 ? -1 : (int64_t)t * 1000;
    }
    return n;
}

int mt_http_init(struct mt_http *h, const struct mt_http_config *cfg, struct mt_gov *gov,
                 struct mt_err *err)
{
    memset(h, 0, sizeof *h);
    if (cfg->max_concurrent < 1 || cfg->max_concurrent > MT_HTTP_MAX_CONCURRENT || cfg->max_tries < 1 ||
        cfg->max_tries > 20 || cfg->max_body < 1 || cfg->backoff_ms < 0 || cfg->backoff_max_ms < cfg->backoff_ms ||
        cfg->deadline_ms < 0)
        return mt_err_set(err, MT_EINVAL,
                          "http client: expected 1..64 transfers, 1..20 tries, a body cap, backoff <= its cap "
                          "and a deadline >= 0");
    h->cfg = *cfg;
    h->clock = mt_clock_or_wall(cfg->clock);
    h->gov = gov;
    int rc = mt_http_base_url(cfg->base_url, h->cfg.base_url, sizeof h->cfg.base_url, err);
    if (rc)
        return rc;
    mt_http_url_redact(h->cfg.base_url, h->shown_url, sizeof h->shown_url);
    /* Keys travel only encrypted, or to this machine (tests, a local proxy). */
    if (cfg->api_key[0] && strncmp(h->cfg.base_url, "https://", 8) != 0 && !mt_http_url_loopback(h->cfg.base_url))
        return mt_err_set(err, MT_EINVAL,
                          "base url '%s': refusing to send an api key over plain http to a host that is "
                          "not loopback (127.0.0.0/8, ::1, localhost): use https://",
                          h->shown_url);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return mt_err_set(err, MT_EIO, "http client: libcurl initialisation failed");
    h->multi = curl_multi_init();
    h->slots = calloc((size_t)cfg->max_concurrent, sizeof *h->slots);
    if (!h->multi || !h->slots)
        goto fail_alloc;
    if (cfg->api_key[0]) {
        char line[sizeof cfg->api_key + 16];
        snprintf(line, sizeof line, "X-MBX-APIKEY: %s", cfg->api_key);
        if (!(h->headers = curl_slist_append(NULL, line)))
            goto fail_alloc;
    }
    curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->max_concurrent);
    for (int i = 0; i < cfg->max_concurrent; i++) {
        struct mt_http_slot *s = &h->slots[i];
        s->max_body = cfg->max_body;
        if (!(s->easy = curl_easy_init()))
            goto fail_alloc;
        CURL *e = s->easy;
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
        /* Over TLS, wait for ALPN to offer HTTP/2 and multiplex on one
         * connection; cleartext HTTP/1.1 cannot multiplex, and waiting there
         * would run every transfer on one connection, one after another. */
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, strncmp(h->cfg.base_url, "https://", 8) == 0 ? 1L : 0L);
        if (h->headers)
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, (struct curl_slist *)h->headers);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, cfg->low_speed_bytes);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, cfg->low_speed_s);
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_body);
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(e, CURLOPT_USERAGENT, "mtrader/0.1");
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, s);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
        curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    }
    h->rng = cfg->seed ? cfg->seed : (uint64_t)mt_clock_now(h->clock) | 1u;
    return 0;
fail_alloc:
    mt_http_release(h);
    return mt_err_set(err, MT_ENOMEM, "http client: out of memory");
}

void mt_http_release(struct mt_http *h)
{
    if (h->slots) {
        for (int i = 0; i < h->cfg.max_concurrent; i++) {
            if (!h->slots[i].easy)
                continue;
            if (h->slots[i].req)
                curl_multi_remove_handle(h->multi, h->slots[i].easy);
            curl_easy_cleanup(h->slots[i].easy);
        }
        free(h->slots);
        h->slots = NULL;
    }
    if (h->multi)
        curl_multi_cleanup(h->multi);
    h->multi = NULL;
    curl_slist_free_all(h->headers);
    h->headers = NULL;
    h->head = h->tail = NULL;
}

static void enqueue(struct mt_http *h, struct mt_http_req *r)
{
    r->next = NULL;
    if (h->tail)
        h->tail->next = r;
    else
        h->head = r;
    h->tail = r;
}

void mt_http_submit(struct mt_http *h, struct mt_http_req *r)
{
    r->tries = 0;
    r->not_before = 0;
    enqueue(h, r);
}

/* Exponential backoff with "equal jitter": half fixed, half random. */
static int64_t backoff(struct mt_http *h, int tries)
{
    int64_t d = h->cfg.backoff_ms;
    for (int i = 1; i < tries && d < h->cfg.backoff_max_ms; i++)
        d *= 2;
    if (d > h->cfg.backoff_max_ms)
        d = h->cfg.backoff_max_ms;
    h->rng ^= h->rng << 13;
    h->rng ^= h->rng >> 7;
    h->rng ^= h->rng << 17;
    int64_t half = d / 2;
    return half + (half > 0 ? (int64_t)(h->rng % (uint64_t)(half + 1)) : 0);
}

static bool requeue(struct mt_http *h, struct mt_http_req *r, int64_t delay_ms)
{
    if (r->tries >= h->cfg.max_tries)
        return false;
    r->not_before = mt_clock_now(h->clock) + delay_ms;
    enqueue(h, r);
    h->retries++;
    return true;
}

char *mt_http_req_url(const struct mt_http *h, const struct mt_http_req *r, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%.*s", h->shown_url, (int)strcspn(r->target, "?"), r->target);
    return buf;
}

bool mt_http_retry(struct mt_http *h, struct mt_http_req *r)
{
    return requeue(h, r, backoff(h, r->tries));
}

static void reset_result(struct mt_http_req *r)
{
    r->rc = 0;
    r->status = 0;
    r->len = 0;
    if (r->body)
        r->body[0] = '\0';
    r->used_weight = r->retry_after_s = r->date_ms = -1;
    r->too_big = false;
    mt_err_clear(&r->err);
}

static int start(struct mt_http *h, struct mt_http_req *r, struct mt_err *err)
{
    struct mt_http_slot *s = NULL;
    for (int i = 0; i < h->cfg.max_concurrent && !s; i++)
        if (!h->slots[i].req)
            s = &h->slots[i];
    reset_result(r);
    r->tries++;
    s->req = r;
    snprintf(s->url, sizeof s->url, "%s%s", h->cfg.base_url, r->target);
    s->errbuf[0] = '\0';
    curl_easy_setopt(s->easy, CURLOPT_URL, s->url);
    if (curl_multi_add_handle(h->multi, s->easy) != CURLM_OK) {
        s->req = NULL;
        char url[MT_HTTP_URL_MAX + MT_HTTP_TARGET_MAX];
        return mt_err_set(err, MT_EIO, "http client: cannot start GET %s", mt_http_req_url(h, r, url, sizeof url));
    }
    h->active++;
    return 0;
}

static bool transient(CURLcode c)
{
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

/* Ends r with the code and message of why, prefixed with "GET <url>". */
static void fail_req(struct mt_http *h, struct mt_http_req *r, const struct mt_err *why,
                     mt_http_done_fn done, void *ctx)
{
    char url[MT_HTTP_URL_MAX + MT_HTTP_TARGET_MAX];
    r->rc = why->code;
    r->err = *why;
    mt_err_prefix(&r->err, "GET %s", mt_http_req_url(h, r, url, sizeof url));
    done(ctx, r);
}

/* Fails every queued request with why (a ban, the deadline). */
static void fail_queue(struct mt_http *h, const struct mt_err *why, mt_http_done_fn done, void *ctx)
{
    while (h->head) {
        struct mt_http_req *r = h->head;
        h->head = r->next;
        if (!h->head)
            h->tail = NULL;
        fail_req(h, r, why, done, ctx);
    }
}

/* Abandons every running and queued request (and those done submits) with why. */
static void abandon_all(struct mt_http *h, const struct mt_err *why, mt_http_done_fn done, void *ctx)
{
    for (int i = 0; i < h->cfg.max_concurrent; i++) {
        struct mt_http_slot *s = &h->slots[i];
        struct mt_http_req *r = s->req;
        if (!r)
            continue;
        curl_multi_remove_handle(h->multi, s->easy);
        s->req = NULL;
        h->active--;
        fail_req(h, r, why, done, ctx);
    }
    fail_queue(h, why, done, ctx);
}

/* The deadline's message: "not finished by the run deadline <time> UTC[: reason]". */
static void deadline_error(const struct mt_http *h, const char *reason, struct mt_err *why)
{
    char when[40];
    mt_time_format(h->cfg.deadline_ms, when, sizeof when);
    mt_err_set(why, MT_EIO, "not finished by the run deadline %s UTC%s%s", when, reason[0] ? ": " : "", reason);
}

/* A finished transfer: final (done) or requeued. */
static void finish(struct mt_http *h, struct mt_http_slot *s, CURLcode cc, mt_http_done_fn done, void *ctx)
{
    struct mt_http_req *r = s->req;
    char url[MT_HTTP_URL_MAX + MT_HTTP_TARGET_MAX];
    curl_multi_remove_handle(h->multi, s->easy);
    s->req = NULL;
    h->active--;
    int64_t now = mt_clock_now(h->clock);
    if (cc == CURLE_OK)
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &r->status);
    struct mt_err gerr = {0};
    int grc = mt_gov_on_response(h->gov, cc == CURLE_OK ? r->status : 0, r->used_weight, r->retry_after_s, now,
                                 &gerr);
    if (grc) {
        fail_req(h, r, &gerr, done, ctx);
        if (r->status == 418)
            fail_queue(h, &gerr, done, ctx);
        return;
    }
    if (cc != CURLE_OK) {
        if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
            r->rc = mt_err_set(&r->err, MT_ELIMIT, "GET %s: response body larger than %zu bytes",
                               mt_http_req_url(h, r, url, sizeof url), h->cfg.max_body);
        } else if (transient(cc) && requeue(h, r, backoff(h, r->tries))) {
            return;
        } else {
            r->rc = mt_err_set(&r->err, MT_EIO, "GET %s: %s after %d tries: %s", mt_http_req_url(h, r, url, sizeof url),
                               curl_easy_strerror(cc), r->tries, s->errbuf[0] ? s->errbuf : "no detail");
        }
        done(ctx, r);
        return;
    }
    if (r->status == 429 && requeue(h, r, 0))
        return; /* the governor holds it until Retry-After */
    if (r->status >= 500 && requeue(h, r, backoff(h, r->tries)))
        return;
    r->rc = 0;
    done(ctx, r);
}

int mt_http_run(struct mt_http *h, mt_http_done_fn done, void *ctx, struct mt_err *err)
{
    int64_t deadline = h->cfg.deadline_ms;
    for (;;) {
        int64_t now = mt_clock_now(h->clock);
        int64_t wake = now + 1000;
        struct mt_err why = {0};
        if (deadline && now >= deadline && (h->active || h->head)) {
            deadline_error(h, "", &why);
            abandon_all(h, &why, done, ctx);
            continue; /* callbacks may have queued requests: they fail too */
        }
        /* Start ready requests in FIFO order while slots and budget allow. */
        while (h->active < h->cfg.max_concurrent && h->head && h->gov_wait_until <= now) {
            struct mt_http_req *r = h->head, *prev = NULL;
            while (r && r->not_before > now) {
                if (r->not_before < wake)
                    wake = r->not_before;
                prev = r;
                r = r->next;
            }
            if (!r)
                break;
            int64_t wait = 0;
            struct mt_err gerr = {0};
            int grc = mt_gov_acquire(h->gov, r->weight, now, &wait, &gerr);
            if (grc) {
                fail_queue(h, &gerr, done, ctx);
                break;
            }
            if (wait > 0 && deadline && now + wait > deadline) {
                char when[40], reason[80];
                snprintf(reason, sizeof reason, "the rate-limit wait ends later, at %s UTC",
                         mt_time_format(now + wait, when, sizeof when));
                deadline_error(h, reason, &why);
                abandon_all(h, &why, done, ctx);
                break;
            }
            if (wait > 0) {
                h->gov_wait_until = now + wait;
                break;
            }
            if (prev)
                prev->next = r->next;
            else
                h->head = r->next;
            if (h->tail == r)
                h->tail = prev;
            int rc = start(h, r, err);
            if (rc) {
                enqueue(h, r);
                return rc;
            }
        }
        if (h->gov_wait_until > now && h->gov_wait_until < wake)
            wake = h->gov_wait_until;
        if (deadline && deadline < wake)
            wake = deadline;
        if (h->active == 0 && !h->head)
            return 0;
        int running = 0;
        if (curl_multi_perform(h->multi, &running) != CURLM_OK)
            return mt_err_set(err, MT_EIO, "http client: libcurl multi failed");
        CURLMsg *m;
        int left;
        bool finished = false;
        while ((m = curl_multi_info_read(h->multi, &left))) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct mt_http_slot *s = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            finish(h, s, m->data.result, done, ctx);
            finished = true;
        }
        now = mt_clock_now(h->clock);
        if (finished)
            continue; /* callbacks may have queued requests: plan again before sleeping */
        int64_t t = wake - now;
        if (h->active == 0 && t > 0) {
            /* Nothing in flight: sleep until the next request may start. */
            mt_clock_sleep(h->clock, t > 1000 ? 1000 : t);
            int64_t slept = mt_clock_now(h->clock) - now;
            if (h->gov_wait_until > now)
                h->waited_rate_ms += slept;
            else
                h->waited_backoff_ms += slept;
        } else if (h->active > 0) {
            curl_multi_poll(h->multi, NULL, 0, (int)(t < 1 ? 1 : t > 100 ? 100 : t), NULL);
        }
    }
}

static void done_one(void *ctx, struct mt_http_req *r)
{
    (void)ctx;
    (void)r;
}

int mt_http_get(struct mt_http *h, struct mt_http_req *r, struct mt_err *err)
{
    mt_http_submit(h, r);
    int rc = mt_http_run(h, done_one, NULL, err);
    if (rc)
        return rc;
    if (r->rc && err)
        *err = r->err;
    return r->rc;
}
