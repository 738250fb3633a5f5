#include "datasrc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/catalog.h"

/* Known quote assets, longest first where one is a suffix of another's tail. */
static const char *const quotes[] = {"FDUSD", "USDT", "BUSD", "USDC", "BTC", "ETH", "BNB"};

static int parse_i64(const char *s, const char *end, int64_t *out)
{
    if (s == end || end - s > 19)
        return -1;
    int64_t v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 0;
}

int fb_gap_parse(const char *text, struct fb_gap *gap, struct mt_err *err)
{
    const char *c1 = strchr(text, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
    if (!c3)
        return mt_err_set(err, MT_EINVAL, "gap '%s': expected SYMBOL:TF:FROM_MS:TO_MS", text);
    size_t slen = (size_t)(c1 - text);
    if (slen == 0 || slen > MT_STORE_SYMBOL_MAX)
        return mt_err_set(err, MT_EINVAL, "gap '%s': bad symbol", text);
    memcpy(gap->symbol, text, slen);
    gap->symbol[slen] = '\0';
    if (!mt_store_symbol_valid(gap->symbol))
        return mt_err_set(err, MT_EINVAL, "gap '%s': symbol must be [A-Z0-9]{1,32}", text);
    char tfname[8];
    size_t tlen = (size_t)(c2 - c1 - 1);
    if (tlen == 0 || tlen >= sizeof tfname)
        return mt_err_set(err, MT_EINVAL, "gap '%s': bad timeframe", text);
    memcpy(tfname, c1 + 1, tlen);
    tfname[tlen] = '\0';
    if (mt_tf_parse(tfname, &gap->tf, err) < 0)
        return mt_err_prefix(err, "gap '%s'", text);
    if (parse_i64(c2 + 1, c3, &gap->from_ms) < 0 || parse_i64(c3 + 1, c3 + 1 + strlen(c3 + 1),
                                                             &gap->to_ms) < 0)
        return mt_err_set(err, MT_EINVAL, "gap '%s': FROM_MS and TO_MS must be epoch ms", text);
    if (gap->from_ms > gap->to_ms)
        return mt_err_set(err, MT_EINVAL, "gap '%s': FROM_MS is after TO_MS", text);
    return 0;
}

static void split_symbol(struct fb_symbol *sym)
{
    size_t n = strlen(sym->name);
    for (size_t q = 0; q < sizeof quotes / sizeof quotes[0]; q++) {
        size_t ql = strlen(quotes[q]);
        if (n > ql && strcmp(sym->name + n - ql, quotes[q]) == 0) {
            memcpy(sym->base, sym->name, n - ql);
            sym->base[n - ql] = '\0';
            memcpy(sym->quote, quotes[q], ql + 1);
            return;
        }
    }
    /* Unknown quote: the last three characters (or none for short names). */
    size_t ql = n > 3 ? 3 : 0;
    memcpy(sym->base, sym->name, n - ql);
    sym->base[n - ql] = '\0';
    memcpy(sym->quote, sym->name + n - ql, ql + 1);
}

static void apply_gap(struct mt_series *s, const struct fb_gap *g)
{
    size_t w = 0;
    for (size_t r = 0; r < s->n; r++) {
        if (s->open_time[r] >= g->from_ms && s->open_time[r] <= g->to_ms)
            continue;
        if (w != r) {
            s->open_time[w] = s->open_time[r];
            static const unsigned fields[] = MT_VALUE_FIELDS;
            for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
                double *col = mt_series_column(s, fields[f]);
                col[w] = col[r];
            }
        }
        w++;
    }
    s->n = w;
}

void fb_data_release(struct fb_data *d)
{
    for (size_t i = 0; i < d->n; i++)
        for (int t = 0; t < MT_TF_COUNT; t++)
            if (d->symbols[i].tf[t]) {
                mt_series_release(d->symbols[i].tf[t]);
                free(d->symbols[i].tf[t]);
            }
    free(d->symbols);
    d->symbols = NULL;
    d->n = 0;
}

int fb_data_load(struct fb_data *d, const char *data_dir, const struct fb_gap *gaps,
                 size_t ngaps, struct mt_err *err)
{
    d->n = 0;
    d->symbols = NULL;
    struct mt_catalog cat = {0};
    int rc = mt_catalog_list(data_dir, NULL, NULL, &cat, err);
    if (rc < 0)
        return rc;
    if (cat.n == 0) {
        rc = mt_err_set(err, MT_ENOENT, "store '%s' holds no series (expected %s/ohlcv/TF/SYMBOL.parquet)",
                        data_dir, data_dir);
        goto fail_cat;
    }
    d->symbols = calloc(cat.n, sizeof *d->symbols);
    if (!d->symbols) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory loading store '%s'", data_dir);
        goto fail_cat;
    }
    for (size_t i = 0; i < cat.n; i++) {
        const struct mt_catalog_entry *e = &cat.entries[i];
        if (d->n == 0 || strcmp(d->symbols[d->n - 1].name, e->symbol) != 0) {
            if (d->n == FB_MAX_SYMBOLS) {
                rc = mt_err_set(err, MT_ELIMIT, "store '%s' holds more than %zu symbols", data_dir,
                                FB_MAX_SYMBOLS);
                goto fail_data;
            }
            struct fb_symbol *sym = &d->symbols[d->n++];
            memcpy(sym->name, e->symbol, sizeof sym->name);
            split_symbol(sym);
        }
        struct fb_symbol *sym = &d->symbols[d->n - 1];
        struct mt_series *s = malloc(sizeof *s);
        if (!s) {
            rc = mt_err_set(err, MT_ENOMEM, "out of memory loading %s %s", e->symbol,
                            mt_tf_name(e->tf));
            goto fail_data;
        }
        mt_series_init(s, MT_F_OHLC);
        rc = mt_store_load(data_dir, e->symbol, e->tf, s, err);
        if (rc < 0) {
            free(s);
            goto fail_data;
        }
        sym->tf[e->tf] = s;
        for (size_t r = 1; r < s->n; r++)
            if (s->open_time[r] <= s->open_time[r - 1]) {
                rc = mt_err_set(err, MT_EDATA, "%s %s: open times not strictly increasing at row %zu",
                                e->symbol, mt_tf_name(e->tf), r);
                goto fail_data;
            }
    }
    for (size_t g = 0; g < ngaps; g++) {
        struct fb_symbol *sym = (struct fb_symbol *)fb_data_find(d, gaps[g].symbol);
        if (!sym || !sym->tf[gaps[g].tf]) {
            rc = mt_err_set(err, MT_EINVAL, "gap names %s %s, which the store does not hold",
                            gaps[g].symbol, mt_tf_name(gaps[g].tf));
            goto fail_data;
        }
        apply_gap(sym->tf[gaps[g].tf], &gaps[g]);
    }
    mt_catalog_release(&cat);
    return 0;

fail_data:
    fb_data_release(d);
fail_cat:
    mt_catalog_release(&cat);
    return rc;
}

static int cmp_name(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct fb_symbol *)elem)->name);
}

const struct fb_symbol *fb_data_find(const struct fb_data *d, const char *name)
{
    if (!d->n)
        return NULL;
    return bsearch(name, d->symbols, d->n, sizeof *d->symbols, cmp_name);
}

/* Row r's derived fields added into k (open/close/high/low handled by caller). */
static void add_row(const struct mt_series *s, size_t r, struct fb_kline *k)
{
    double v = (s->fields & MT_F_VOLUME) && isfinite(s->volume[r]) ? s->volume[r] : 0.0;
    double qv = (s->fields & MT_F_QUOTE_VOLUME) && isfinite(s->quote_volume[r])
                    ? s->quote_volume[r]
                    : v * s->close[r];
    double tr = (s->fields & MT_F_TRADES) && isfinite(s->trades[r]) ? s->trades[r] : 0.0;
    double tb = (s->fields & MT_F_TAKER_BUY_BASE) && isfinite(s->taker_buy_base[r])
                    ? s->taker_buy_base[r]
                    : v / 2.0;
    double tq = (s->fields & MT_F_TAKER_BUY_QUOTE) && isfinite(s->taker_buy_quote[r])
                    ? s->taker_buy_quote[r]
                    : qv / 2.0;
    k->volume += v;
    k->quote_volume += qv;
    k->trades += tr;
    k->taker_base += tb;
    k->taker_quote += tq;
    if (s->high[r] > k->high)
        k->high = s->high[r];
    if (s->low[r] < k->low)
        k->low = s->low[r];
    k->close = s->close[r];
}

/* Aggregates rows [i0, i1) into k (open time and close time left to the caller). */
static void aggregate(const struct mt_series *s, size_t i0, size_t i1, struct fb_kline *k)
{
    k->open = s->open[i0];
    k->high = -INFINITY;
    k->low = INFINITY;
    k->volume = k->quote_volume = k->trades = k->taker_base = k->taker_quote = 0.0;
    for (size_t r = i0; r < i1; r++)
        add_row(s, r, k);
}

/* A candle with no trades yet: every price is the open. */
static void open_only(double open, struct fb_kline *k)
{
    k->open = k->high = k->low = k->close = open;
    k->volume = k->quote_volume = k->trades = k->taker_base = k->taker_quote = 0.0;
}

/* The coarsest stored timeframe finer than tf that divides it, or MT_TF_COUNT. */
static enum mt_tf finer_source(const struct fb_symbol *sym, enum mt_tf tf)
{
    for (int f = (int)tf - 1; f >= 0; f--)
        if (sym->tf[f] && mt_tf_divides((enum mt_tf)f, tf))
            return (enum mt_tf)f;
    return MT_TF_COUNT;
}

/* Number of rows of s with open time <= t. */
static size_t upto(const struct mt_series *s, int64_t t)
{
    return mt_series_lower_bound(s, t + 1); /* t is a clock reading, far below INT64_MAX */
}

/* Rows [i0, i1) of s (timeframe stf) are the stored part of the tf bucket
 * opening at b; builds the candle as visible at now. */
static void make_candle(const struct fb_symbol *sym, enum mt_tf tf, const struct mt_series *s,
                        enum mt_tf stf, size_t i0, size_t i1, int64_t b, int64_t now,
                        struct fb_kline *k)
{
    int64_t next = mt_tf_next(tf, b);
    double stored_open = s->open[i0];
    k->open_time = b;
    k->close_time = next - 1;
    if (next <= now) {
        aggregate(s, i0, i1, k);
        return;
    }
    if (stf == tf) {
        enum mt_tf f = finer_source(sym, tf);
        if (f == MT_TF_COUNT) {
            open_only(stored_open, k);
            return;
        }
        s = sym->tf[f];
        stf = f;
        i0 = mt_series_lower_bound(s, b);
        i1 = upto(s, now);
    }
    size_t closed = i0;
    while (closed < i1 && mt_tf_next(stf, s->open_time[closed]) <= now)
        closed++;
    if (closed == i0) {
        open_only(stored_open, k);
        return;
    }
    aggregate(s, i0, closed, k);
    k->open = stored_open;
    k->high = fmax(k->high, stored_open);
    k->low = fmin(k->low, stored_open);
}

/* Source series for tf: stored, else the coarsest stored divisor; NULL if none. */
static const struct mt_series *source(const struct fb_symbol *sym, enum mt_tf tf, enum mt_tf *stf)
{
    if (sym->tf[tf]) {
        *stf = tf;
        return sym->tf[tf];
    }
    *stf = finer_source(sym, tf);
    return *stf == MT_TF_COUNT ? NULL : sym->tf[*stf];
}

size_t fb_klines(const struct fb_symbol *sym, enum mt_tf tf, bool has_start, int64_t start,
                 bool has_end, int64_t end, size_t limit, int64_t now, struct fb_kline *out)
{
    enum mt_tf stf;
    const struct mt_series *s = source(sym, tf, &stf);
    if (!s || limit == 0)
        return 0;
    size_t hi = upto(s, now);
    size_t count = 0;
    if (has_start) {
        int64_t b0 = mt_tf_floor(tf, start);
        if (b0 < start)
            b0 = mt_tf_next(tf, b0);
        size_t i = mt_series_lower_bound(s, b0);
        while (i < hi && count < limit) {
            int64_t b = mt_tf_floor(tf, s->open_time[i]);
            if (has_end && b > end)
                break;
            size_t j = i + 1;
            while (j < hi && mt_tf_floor(tf, s->open_time[j]) == b)
                j++;
            make_candle(sym, tf, s, stf, i, j, b, now, &out[count]);
            count++;
            i = j;
        }
        return count;
    }
    size_t j = hi;
    if (has_end) {
        size_t e = mt_series_lower_bound(s, mt_tf_next(tf, mt_tf_floor(tf, end)));
        if (e < j)
            j = e;
    }
    while (j > 0 && count < limit) {
        int64_t b = mt_tf_floor(tf, s->open_time[j - 1]);
        size_t i = j - 1;
        while (i > 0 && mt_tf_floor(tf, s->open_time[i - 1]) == b)
            i--;
        make_candle(sym, tf, s, stf, i, j, b, now, &out[count]);
        count++;
        j = i;
    }
    for (size_t a = 0, z = count ? count - 1 : 0; a < z; a++, z--) {
        struct fb_kline t = out[a];
        out[a] = out[z];
        out[z] = t;
    }
    return count;
}

static enum mt_tf finest(const struct fb_symbol *sym)
{
    for (int t = 0; t < MT_TF_COUNT; t++)
        if (sym->tf[t])
            return (enum mt_tf)t;
    return MT_TF_COUNT;
}

bool fb_last_candle(const struct fb_symbol *sym, int64_t now, struct fb_kline *out)
{
    enum mt_tf f = finest(sym);
    if (f == MT_TF_COUNT)
        return false;
    return fb_klines(sym, f, false, 0, false, 0, 1, now, out) == 1;
}

bool fb_window_24h(const struct fb_symbol *sym, int64_t now, struct fb_kline *out,
                   double *prev_close)
{
    enum mt_tf f = finest(sym);
    if (f == MT_TF_COUNT)
        return false;
    const struct mt_series *s = sym->tf[f];
    size_t hi = upto(s, now);
    if (hi > 0 && mt_tf_next(f, s->open_time[hi - 1]) > now)
        hi--;
    if (hi == 0)
        return false;
    int64_t last_close = mt_tf_next(f, s->open_time[hi - 1]);
    int64_t end = hi < s->n && s->open_time[hi] <= now ? now : last_close;
    size_t lo = mt_series_lower_bound(s, end - MT_MS_DAY);
    aggregate(s, lo, hi, out);
    out->open_time = end - MT_MS_DAY;
    out->close_time = end - 1;
    *prev_close = lo > 0 ? s->close[lo - 1] : s->open[lo];
    return true;
}
