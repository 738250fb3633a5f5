#include "core/series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The double columns of a series in a fixed order, for loops over fields. */
#define MT_SERIES_DOUBLE_COLUMNS(X) \
    X(open) X(high) X(low) X(close) X(volume) X(quote_volume) X(trades) \
    X(taker_buy_base) X(taker_buy_quote)

void mt_series_init(struct mt_series *s, unsigned fields)
{
    memset(s, 0, sizeof *s);
    s->fields = fields | MT_F_OHLC;
}

void mt_series_release(struct mt_series *s)
{
    free(s->open_time);
#define MT_FREE_COL(col) free(s->col);
    MT_SERIES_DOUBLE_COLUMNS(MT_FREE_COL)
#undef MT_FREE_COL
    unsigned fields = s->fields;
    mt_series_init(s, fields);
}

int mt_series_reserve(struct mt_series *s, size_t cap, struct mt_err *err)
{
    if (cap <= s->cap)
        return MT_OK;
    if (cap > MT_SERIES_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "series of %zu rows exceeds the limit of %zu rows", cap,
                          MT_SERIES_MAX_ROWS);
    /* Allocate every new column first so that a failure leaves s unchanged. */
    int64_t *t = malloc(cap * sizeof *t);
    double *cols[9] = {0};
    bool ok = t != NULL;
    for (size_t i = 0; ok && i < 9; i++)
        ok = (cols[i] = malloc(cap * sizeof(double))) != NULL;
    if (!ok) {
        free(t);
        for (size_t i = 0; i < 9; i++)
            free(cols[i]);
        return mt_err_set(err, MT_ENOMEM, "out of memory for a series of %zu rows", cap);
    }
    if (s->n)
        memcpy(t, s->open_time, s->n * sizeof *t);
    free(s->open_time);
    s->open_time = t;
    size_t k = 0;
#define MT_MOVE_COL(col)                                         \
    if (s->n)                                                    \
        memcpy(cols[k], s->col, s->n * sizeof(double));          \
    free(s->col);                                                \
    s->col = cols[k++];
    MT_SERIES_DOUBLE_COLUMNS(MT_MOVE_COL)
#undef MT_MOVE_COL
    s->cap = cap;
    return MT_OK;
}

int mt_series_append(struct mt_series *s, const struct mt_candle *c, struct mt_err *err)
{
    if (s->n == s->cap) {
        size_t want = s->cap ? s->cap * 2 : 256;
        if (want > MT_SERIES_MAX_ROWS)
            want = MT_SERIES_MAX_ROWS;
        int rc = mt_series_reserve(s, want > s->n ? want : s->n + 1, err);
        if (rc)
            return rc;
    }
    size_t i = s->n++;
    s->open_time[i] = c->open_time;
#define MT_SET_COL(col) s->col[i] = c->col;
    MT_SERIES_DOUBLE_COLUMNS(MT_SET_COL)
#undef MT_SET_COL
    if (!(s->fields & MT_F_VOLUME))
        s->volume[i] = NAN;
    if (!(s->fields & MT_F_QUOTE_VOLUME))
        s->quote_volume[i] = NAN;
    if (!(s->fields & MT_F_TRADES))
        s->trades[i] = NAN;
    if (!(s->fields & MT_F_TAKER_BUY_BASE))
        s->taker_buy_base[i] = NAN;
    if (!(s->fields & MT_F_TAKER_BUY_QUOTE))
        s->taker_buy_quote[i] = NAN;
    return MT_OK;
}

void mt_series_get(const struct mt_series *s, size_t i, struct mt_candle *c)
{
    c->open_time = s->open_time[i];
#define MT_GET_COL(col) c->col = s->col[i];
    MT_SERIES_DOUBLE_COLUMNS(MT_GET_COL)
#undef MT_GET_COL
}

int mt_series_slice(struct mt_series *dst, const struct mt_series *src, size_t from, size_t to,
                    struct mt_err *err)
{
    if (from > to || to > src->n)
        return mt_err_set(err, MT_EINVAL, "slice [%zu, %zu) is outside a series of %zu rows", from,
                          to, src->n);
    struct mt_series out;
    mt_series_init(&out, src->fields);
    size_t n = to - from;
    int rc = mt_series_reserve(&out, n ? n : 1, err);
    if (rc)
        return rc;
    memcpy(out.open_time, src->open_time + from, n * sizeof(int64_t));
#define MT_COPY_COL(col) memcpy(out.col, src->col + from, n * sizeof(double));
    MT_SERIES_DOUBLE_COLUMNS(MT_COPY_COL)
#undef MT_COPY_COL
    out.n = n;
    mt_series_release(dst);
    *dst = out;
    return MT_OK;
}

size_t mt_series_lower_bound(const struct mt_series *s, int64_t t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->open_time[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const char *mt_field_name(unsigned field)
{
    switch (field) {
    case MT_F_OPEN_TIME: return "open_time";
    case MT_F_OPEN: return "open";
    case MT_F_HIGH: return "high";
    case MT_F_LOW: return "low";
    case MT_F_CLOSE: return "close";
    case MT_F_VOLUME: return "volume";
    case MT_F_QUOTE_VOLUME: return "quote_volume";
    case MT_F_TRADES: return "trades";
    case MT_F_TAKER_BUY_BASE: return "taker_buy_base";
    case MT_F_TAKER_BUY_QUOTE: return "taker_buy_quote";
    default: return NULL;
    }
}

double *mt_series_column(struct mt_series *s, unsigned field)
{
    switch (field) {
    case MT_F_OPEN: return s->open;
    case MT_F_HIGH: return s->high;
    case MT_F_LOW: return s->low;
    case MT_F_CLOSE: return s->close;
    case MT_F_VOLUME: return s->volume;
    case MT_F_QUOTE_VOLUME: return s->quote_volume;
    case MT_F_TRADES: return s->trades;
    case MT_F_TAKER_BUY_BASE: return s->taker_buy_base;
    case MT_F_TAKER_BUY_QUOTE: return s->taker_buy_quote;
    default: return NULL;
    }
}
