/* Request weights (docs/binance-api.md §1.3) and the per-IP REQUEST_WEIGHT limiter:
 * 1-minute windows aligned to the server's base clock's minute, 429 past the limit,
 * 418 (IP ban) once a client keeps going past ban_after 429s in one window.
 * All clients share one budget (the server only listens on 127.0.0.1). */
#ifndef FB_WEIGHTS_H
#define FB_WEIGHTS_H

#include <pthread.h>
#include <stdint.h>

/* How long an IP ban lasts, in ms of the server's base clock. */
#define FB_BAN_MS INT64_C(120000)

enum fb_verdict {
    FB_ALLOW = 0,
    FB_LIMITED = 429,
    FB_BANNED = 418,
};

struct fb_limiter {
    pthread_mutex_t mu;
    int64_t limit;      /* REQUEST_WEIGHT per minute */
    int64_t ban_after;  /* 429s tolerated per window before the ban */
    int64_t window;     /* current window: base-clock ms / 60000 */
    int64_t used;       /* weight used in the window */
    int64_t n429;       /* 429s answered in the window */
    int64_t ban_until;  /* base-clock ms; 0 = no ban */
};

void fb_limiter_init(struct fb_limiter *l, int64_t limit, int64_t ban_after);
void fb_limiter_release(struct fb_limiter *l);

/* Charges weight at base-clock time now_ms (thread-safe). Returns FB_ALLOW (weight
 * added), FB_LIMITED or FB_BANNED (nothing added; *retry_after_s set: seconds
 * to the next window, or to the end of the ban). *used receives the weight
 * used in the window after the decision. */
enum fb_verdict fb_limiter_charge(struct fb_limiter *l, int64_t weight, int64_t now_ms,
                                  int64_t *used, int64_t *retry_after_s);

/* Weight of GET /api/v3/depth for a limit (1..5000). */
int64_t fb_weight_depth(int64_t limit);

/* Weight of GET /api/v3/ticker/24hr: nsymbols listed in `symbols`, or 0 with
 * one_symbol set for `symbol`, or 0 and false for all symbols. */
int64_t fb_weight_ticker24(size_t nsymbols, int one_symbol);

#endif
