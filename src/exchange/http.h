/* HTTP GET client for the Binance REST API on libcurl multi.
 *
 * A FIFO of caller-owned requests runs with up to max_concurrent transfers
 * (HTTP/2 multiplexed where the server offers it over TLS, connections reused
 * across requests). Every try first reserves its weight with the rate-limit
 * governor and reports the response back to it. Timeouts, connection errors,
 * 5xx and 429 are retried with exponential backoff and jitter up to max_tries
 * (429 after the governor's Retry-After); other 4xx are final. Bodies are
 * capped. An optional run deadline abandons every request still open when it
 * passes. URLs in messages never show credentials (user:password@) or queries.
 * Not thread-safe: one struct mt_http per thread. */
#ifndef MT_EXCHANGE_HTTP_H
#define MT_EXCHANGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/error.h"
#include "exchange/governor.h"

#define MT_HTTP_URL_MAX 256
#define MT_HTTP_TARGET_MAX 1024
#define MT_HTTP_MAX_CONCURRENT 64
#define MT_HTTP_KEY_MAX 128

struct mt_http_config {
    char base_url[MT_HTTP_URL_MAX]; /* http(s)://host[:port][/path] (default https://api.binance.com),
                                       normalised by mt_http_base_url */
    char api_key[MT_HTTP_KEY_MAX];  /* sent as X-MBX-APIKEY on every request ("" = none); only over
                                       https or to a loopback host */
    int max_concurrent;             /* transfers at once, 1..64 (default 4) */
    int max_tries;                  /* tries per request, 1..20 (default 5) */
    long connect_timeout_ms;        /* default 10000 */
    long timeout_ms;                /* whole transfer, default 30000 */
    long low_speed_bytes;           /* abort below this many bytes/s ... (default 100) */
    long low_speed_s;               /* ... for this many seconds (default 15) */
    size_t max_body;                /* body cap in bytes (default 16 MiB) */
    int64_t backoff_ms;             /* first retry delay before jitter (default 250) */
    int64_t backoff_max_ms;         /* delay cap (default 10000) */
    uint64_t seed;                  /* jitter generator seed (0: from the clock) */
    int64_t deadline_ms;            /* ms UTC on the clock: mt_http_run abandons what is still
                                       open then (0 = no deadline) */
    const struct mt_clock *clock;   /* time of the governor, backoffs, waits and the deadline;
                                       NULL = the wall clock. Transfer timeouts are libcurl's,
                                       in real time. Must outlive the client. */
};

/* Fills the defaults above. */
void mt_http_config_default(struct mt_http_config *cfg);

/* Checks a REST base URL and writes it normalised into out (cap bytes):
 * scheme http or https (any case, written lower-case), a host (name, IPv4 or
 * [IPv6]) with an optional port 1..65535, an optional path, trailing '/'
 * removed; no query, fragment, spaces or control characters. Returns 0,
 * MT_EINVAL naming the url (credentials hidden) and what was expected, or
 * MT_ELIMIT when out is too small. */
int mt_http_base_url(const char *url, char *out, size_t cap, struct mt_err *err);

/* Writes url into out (cap bytes) for logs and messages: credentials
 * (user:password@) shown as "***@", the query and fragment left out. Returns out. */
char *mt_http_url_redact(const char *url, char *out, size_t cap);

/* True when the host of url (scheme://host...) is a loopback address:
 * localhost, 127.0.0.0/8 or [::1]. */
bool mt_http_url_loopback(const char *url);

/* One GET request. The caller owns it, sets it with mt_http_req_init, keeps it
 * alive from mt_http_submit until its completion callback, then reads the
 * results and releases it with mt_http_req_release. */
struct mt_http_req {
    char target[MT_HTTP_TARGET_MAX]; /* path and query, "/api/v3/time" */
    int64_t weight;                  /* REQUEST_WEIGHT of one try */
    void *user;                      /* for the caller */
    /* results of the last try */
    int rc;                /* 0: an HTTP response arrived (any status); < 0: failed (err) */
    long status;           /* HTTP status, 0 without a response */
    char *body;            /* response body (NUL-terminated, owned by the request) */
    size_t len;
    int64_t used_weight;   /* X-MBX-USED-WEIGHT-1M, -1 if absent */
    int64_t retry_after_s; /* Retry-After, -1 if absent */
    int64_t date_ms;       /* Date header in ms UTC, -1 if absent */
    int tries;             /* tries made */
    struct mt_err err;
    /* internal */
    size_t cap;
    bool too_big;
    int64_t not_before;    /* ms: earliest start of the next try */
    struct mt_http_req *next;
};

/* Sets up a request for target (copied) of the given weight; allocates nothing. */
int mt_http_req_init(struct mt_http_req *r, const char *target, int64_t weight, struct mt_err *err);

/* Frees the body. Safe to call twice. */
void mt_http_req_release(struct mt_http_req *r);

/* Called once per finished request (final success or failure). It may submit
 * new requests (also r again after mt_http_req_init) and call mt_http_retry. */
typedef void (*mt_http_done_fn)(void *ctx, struct mt_http_req *r);

struct mt_http_slot;

struct mt_http {
    struct mt_http_config cfg;
    const struct mt_clock *clock;  /* cfg.clock, or the wall clock */
    struct mt_gov *gov;            /* not owned */
    void *multi;                   /* CURLM */
    struct mt_http_slot *slots;    /* max_concurrent easy handles */
    struct mt_http_req *head, *tail; /* queue */
    int active;
    int64_t gov_wait_until;        /* ms: no new try before (governor said wait) */
    uint64_t rng;
    void *headers;                 /* struct curl_slist of the api-key header, or NULL */
    char shown_url[MT_HTTP_URL_MAX]; /* the base url for messages (mt_http_url_redact) */
    /* for reports: tries repeated, and time spent idle waiting (no transfer
     * running) for the rate limit or for a retry's backoff */
    int64_t retries;
    int64_t waited_rate_ms, waited_backoff_ms;
};

/* Sets up the client; gov must outlive h. Returns 0, MT_EINVAL (bad config,
 * base url refused by mt_http_base_url, or an api key with plain http:// to a
 * host that is not loopback), MT_ENOMEM or MT_EIO (libcurl init). Release
 * with mt_http_release. */
int mt_http_init(struct mt_http *h, const struct mt_http_config *cfg, struct mt_gov *gov,
                 struct mt_err *err);

/* Frees handles. Queued requests are forgotten (not completed). */
void mt_http_release(struct mt_http *h);

/* Queues r (reset to no tries). Never fails. */
void mt_http_submit(struct mt_http *h, struct mt_http_req *r);

/* Requeues a finished r for another try after backoff (for bodies that turned
 * out malformed). Returns false, doing nothing, when r used all its tries. */
bool mt_http_retry(struct mt_http *h, struct mt_http_req *r);

/* Runs until the queue is empty and no transfer is active, calling done for
 * every finished request. A 418 ban fails the request that met it and every
 * queued one with MT_EBANNED (err names the ban's end). Idle waits (rate
 * limit, backoff) sleep on the clock; with a virtual one they take no real
 * time. When the deadline
 * passes, or a rate-limit wait would end after it, every running and queued
 * request fails with MT_EIO (err names the deadline); requests done submits
 * then fail at once. Returns 0 or MT_EIO (libcurl multi failure: unfinished
 * requests stay queued). */
int mt_http_run(struct mt_http *h, mt_http_done_fn done, void *ctx, struct mt_err *err);

/* Writes the redacted URL of r without its query ("https://host/api/v3/klines")
 * into buf (cap bytes), for messages. Returns buf. */
char *mt_http_req_url(const struct mt_http *h, const struct mt_http_req *r, char *buf, size_t cap);

/* Runs one request alone (submit + run); r's rc/status/body hold the result.
 * Returns r->rc (or the run's error). */
int mt_http_get(struct mt_http *h, struct mt_http_req *r, struct mt_err *err);

#endif
