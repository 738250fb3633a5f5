#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void fb_buf_init(struct fb_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void fb_buf_release(struct fb_buf *b)
{
    free(b->data);
    fb_buf_init(b);
}

void fb_buf_reset(struct fb_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

static bool grow(struct fb_buf *b, size_t need)
{
    if (need <= b->cap)
        return true;
    if (need > FB_BUF_MAX)
        return false;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    if (cap > FB_BUF_MAX)
        cap = FB_BUF_MAX;
    char *p = realloc(b->data, cap);
    if (!p)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

void fb_buf_printf(struct fb_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(b, b->len + (size_t)n + 1)) {
        b->failed = true;
        va_end(ap2);
        return;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void fb_buf_dec8(struct fb_buf *b, double v)
{
    if (!isfinite(v))
        v = 0.0;
    /* -0.00000000 is not a Binance number */
    if (fabs(v) < 0.000000005)
        v = 0.0;
    /* Below 9e7, v x 1e8 rounds to an integer m < 2^53 and m / 1e8 is the
     * correctly rounded value of the 8-decimal text, so the text reads back as
     * v exactly when that division gives v; doubles that far apart have one
     * such text, the one Binance sent. */
    if (fabs(v) < 9e7) {
        int64_t m = llround(fabs(v) * 1e8);
        if ((double)m / 1e8 == fabs(v)) {
            fb_buf_printf(b, "\"%s%lld.%08lld\"", v < 0 ? "-" : "", (long long)(m / 100000000),
                          (long long)(m % 100000000));
            return;
        }
    }
    /* The fewest decimals that read back as v, padded to 8: a stored
     * 294608802.2508668 prints as Binance sent it ("294608802.25086680"),
     * not with binary noise in the last digits ("...25086677"). */
    char tmp[400];
    int p = 0;
    for (; p < 8; p++) {
        snprintf(tmp, sizeof tmp, "%.*f", p, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*f", p, v);
    fb_buf_printf(b, "\"%s%s%.*s\"", tmp, p == 0 ? "." : "", 8 - p, "00000000");
}
