/* Bounded growable text buffer for response bodies. */
#ifndef FB_BUF_H
#define FB_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* Largest response body the server builds (1000 klines are ~200 KB,
 * a 5000-level book ~400 KB). */
#define FB_BUF_MAX ((size_t)16 << 20)

struct fb_buf {
    char *data;    /* NUL-terminated when len > 0 */
    size_t len;
    size_t cap;
    bool failed;   /* out of memory or past FB_BUF_MAX: later appends are ignored */
};

void fb_buf_init(struct fb_buf *b);
void fb_buf_release(struct fb_buf *b);
void fb_buf_reset(struct fb_buf *b);

/* printf-style append; on failure sets b->failed (checked once by the caller). */
void fb_buf_printf(struct fb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a double as a Binance decimal string with 8 decimals, quoted. */
void fb_buf_dec8(struct fb_buf *b, double v);

#endif
