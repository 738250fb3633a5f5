#include "weights.h"

#include <stddef.h>

void fb_limiter_init(struct fb_limiter *l, int64_t limit, int64_t ban_after)
{
    pthread_mutex_init(&l->mu, NULL);
    l->limit = limit;
    l->ban_after = ban_after;
    l->window = 0;
    l->used = 0;
    l->n429 = 0;
    l->ban_until = 0;
}

void fb_limiter_release(struct fb_limiter *l)
{
    pthread_mutex_destroy(&l->mu);
}

static int64_t ceil_s(int64_t ms)
{
    return ms <= 0 ? 1 : (ms + 999) / 1000;
}

enum fb_verdict fb_limiter_charge(struct fb_limiter *l, int64_t weight, int64_t now_ms,
                                  int64_t *used, int64_t *retry_after_s)
{
    enum fb_verdict v = FB_ALLOW;
    pthread_mutex_lock(&l->mu);
    int64_t window = now_ms / 60000;
    if (window != l->window) {
        l->window = window;
        l->used = 0;
        l->n429 = 0;
    }
    int64_t next_window_ms = (window + 1) * 60000;
    if (l->ban_until > now_ms) {
        v = FB_BANNED;
        *retry_after_s = ceil_s(l->ban_until - now_ms);
    } else if (l->used + weight > l->limit) {
        if (l->n429 >= l->ban_after) {
            l->ban_until = now_ms + FB_BAN_MS;
            v = FB_BANNED;
            *retry_after_s = ceil_s(FB_BAN_MS);
        } else {
            l->n429++;
            v = FB_LIMITED;
            *retry_after_s = ceil_s(next_window_ms - now_ms);
        }
    } else {
        l->used += weight;
    }
    *used = l->used;
    pthread_mutex_unlock(&l->mu);
    return v;
}

int64_t fb_weight_depth(int64_t limit)
{
    if (limit <= 100)
        return 5;
    if (limit <= 500)
        return 25;
    if (limit <= 1000)
        return 50;
    return 250;
}

int64_t fb_weight_ticker24(size_t nsymbols, int one_symbol)
{
    if (one_symbol)
        return 2;
    if (nsymbols == 0)
        return 80;
    if (nsymbols <= 20)
        return 2;
    if (nsymbols <= 100)
        return 40;
    return 80;
}
