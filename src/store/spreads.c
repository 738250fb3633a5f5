/* Spread statistics over the market history at a time t. */
#include "store/spreads.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/ranks.h"

/* First row in [0, n) with time > t. */
static size_t after(const struct mt_market_table *h, int64_t t)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->rows[mid].time <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Row of symbol among rows [a, b) of one snapshot (sorted by symbol), or b. */
static size_t find_symbol(const struct mt_market_table *h, size_t a, size_t b, const char *symbol)
{
    size_t lo = a, hi = b;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(h->rows[mid].symbol, symbol);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return b;
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median, min and max of the finite values v[0..k) (k > 0); sorts v. */
static double window_stats(double *v, size_t k, double *min, double *max)
{
    qsort(v, k, sizeof *v, dbl_cmp);
    *min = v[0];
    *max = v[k - 1];
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* Ratio to the median and channel position of spread within v[0..k). */
static void window(double spread, double *v, size_t k, double *ratio, double *channel)
{
    *ratio = *channel = NAN;
    if (k == 0 || isnan(spread))
        return;
    double min, max, med = window_stats(v, k, &min, &max);
    if (med > 0)
        *ratio = spread / med;
    *channel = max > min ? (spread - min) / (max - min) : 0.5;
}

static int check_sorted(const struct mt_market_table *h, struct mt_err *err)
{
    for (size_t i = 1; i < h->n; i++) {
        if (mt_market_row_cmp(&h->rows[i - 1], &h->rows[i]) >= 0)
            return mt_err_set(err, MT_EINVAL,
                              "market history row %zu (%s) is not after row %zu: expected rows "
                              "sorted by (time, symbol) and unique",
                              i, h->rows[i].symbol, i - 1);
    }
    return MT_OK;
}

int mt_spreads_stats(const struct mt_market_table *hist, int64_t t, const char *const *symbols,
                     size_t n, struct mt_spread_stats *out, struct mt_err *err)
{
    for (size_t s = 0; s < n; s++)
        out[s] = (struct mt_spread_stats){0, NAN, NAN, NAN, NAN, NAN, NAN, 0, 0};
    int rc = check_sorted(hist, err);
    size_t end = after(hist, t);
    if (rc || end == 0)
        return rc;
    int64_t now = hist->rows[end - 1].time;
    size_t w24 = after(hist, t - MT_SPREADS_WINDOW_24H);
    size_t cur = after(hist, now - 1), span = end - (w24 < cur ? w24 : cur);
    /* starts[g] = first row of the g-th snapshot in the 24 h window, then end */
    size_t *starts = malloc((span + 1) * sizeof *starts);
    double *vals = malloc(span * sizeof *vals), *pct = malloc(span * sizeof *pct);
    int64_t *times = malloc(span * sizeof *times);
    if (!starts || !vals || !pct || !times) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory for spread statistics over %zu rows", span);
        goto done;
    }
    size_t groups = 0;
    for (size_t i = w24; i < end; i++) {
        if (i == w24 || hist->rows[i].time != hist->rows[i - 1].time)
            starts[groups++] = i;
    }
    starts[groups] = end;
    for (size_t i = cur; i < end; i++)
        vals[i - cur] = hist->rows[i].spread;
    rc = mt_ranks_percentile(vals, end - cur, pct, err);
    for (size_t s = 0; rc == MT_OK && s < n; s++) {
        struct mt_spread_stats *o = &out[s];
        o->time = now;
        size_t row = find_symbol(hist, cur, end, symbols[s]);
        if (row < end) {
            o->spread = hist->rows[row].spread;
            o->rank = pct[row - cur];
        }
        size_t k = 0;
        for (size_t g = 0; g < groups; g++) {
            size_t r = find_symbol(hist, starts[g], starts[g + 1], symbols[s]);
            if (r < starts[g + 1] && isfinite(hist->rows[r].spread)) {
                vals[k] = hist->rows[r].spread;
                times[k++] = hist->rows[r].time;
            }
        }
        size_t from12 = 0; /* values are in time order: the 12 h window is a suffix */
        while (from12 < k && times[from12] <= t - MT_SPREADS_WINDOW_12H)
            from12++;
        o->n_24h = k;
        o->n_12h = k - from12;
        window(o->spread, vals + from12, k - from12, &o->ratio_median_12h, &o->channel_12h);
        window(o->spread, vals, k, &o->ratio_median_24h, &o->channel_24h);
    }
done:
    free(starts);
    free(vals);
    free(pct);
    free(times);
    return rc;
}

int mt_spread_history_load(const char *data_dir, const char *symbol, int64_t from_ms, int64_t to_ms,
                           struct mt_spread_history *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_market_table t;
    mt_market_table_init(&t);
    int rc = mt_market_load(data_dir, from_ms, to_ms, symbol, &t, err);
    if (rc)
        return rc;
    size_t n = t.n ? t.n : 1;
    out->time = malloc(n * sizeof *out->time);
    out->spread = malloc(n * sizeof *out->spread);
    if (!out->time || !out->spread) {
        mt_spread_history_release(out);
        rc = mt_err_set(err, MT_ENOMEM, "spreads of %s: out of memory for %zu snapshots", symbol, t.n);
    }
    for (size_t i = 0; rc == 0 && i < t.n; i++) {
        if (!isfinite(t.rows[i].spread))
            continue;
        assert(out->n == 0 || t.rows[i].time > out->time[out->n - 1]); /* one row per (time, symbol), sorted */
        out->time[out->n] = t.rows[i].time;
        out->spread[out->n++] = t.rows[i].spread;
    }
    mt_market_table_release(&t);
    return rc;
}

void mt_spread_history_release(struct mt_spread_history *h)
{
    free(h->time);
    free(h->spread);
    memset(h, 0, sizeof *h);
}
