/* The HTTP side of mt-fakebinance (libmicrohttpd, thread pool): weighs each
 * request, applies the rate limit and the injected faults, answers through
 * routes.h and logs one line per request. */
#ifndef FB_SERVER_H
#define FB_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/error.h"
#include "datasrc.h"
#include "faults.h"
#include "routes.h"
#include "weights.h"

/* The server's "now": its base clock, or a replay starting at start_ms that
 * advances speed x the base clock's time. The base (NULL = the wall clock)
 * also times the rate-limit windows, bans and log lines: a test that shares
 * its virtual clock with the server runs minutes of windows instantly. */
struct fb_clock {
    bool real;
    int64_t start_ms;
    double speed;
    const struct mt_clock *base; /* must outlive the server */
    int64_t mono0; /* the base's monotonic ms at start (set by fb_server_start) */
};

struct fb_config {
    uint16_t port;          /* 0 = ephemeral */
    struct fb_clock clock;
    int64_t weight_limit;
    int64_t ban_after;
    int64_t latency_ms;
    int64_t hang_after;     /* requests answered before every later one hangs (-1 = never) */
    double fail_5xx, malformed, truncate, drop;
    uint64_t seed;
    const char *log_path;   /* NULL = no log */
};

struct fb_server {
    struct MHD_Daemon *daemon;
    struct fb_routes routes;
    struct fb_limiter limiter;
    struct fb_faults faults;
    struct fb_clock clock;
    int64_t latency_ms;
    int64_t hang_after;
    int64_t requests;       /* seen so far (under hang_mu) */
    bool stopping;          /* set by fb_server_stop: hanging requests end (under hang_mu) */
    pthread_mutex_t hang_mu;
    pthread_cond_t hang_cv;
    FILE *log;
    pthread_mutex_t log_mu;
    uint16_t port;          /* bound port */
};

/* Server time now in ms. */
int64_t fb_clock_now(const struct fb_clock *c);

/* Starts serving data (which must outlive the server) on 127.0.0.1:cfg->port.
 * On success s->port holds the bound port; stop with fb_server_stop. */
int fb_server_start(struct fb_server *s, const struct fb_data *data, const struct fb_config *cfg,
                    struct mt_err *err);

/* Stops the daemon (waits for requests in flight) and releases s. */
void fb_server_stop(struct fb_server *s);

#endif
