/* Market ranks: percentiles, per-symbol rate of change and volume, filling a snapshot. */
#include "store/ranks.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "store/store.h"

struct keyed {
    double v;
    size_t i;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int mt_ranks_percentile(const double *v, size_t n, double *out, struct mt_err *err)
{
    if (n > MT_MARKET_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "%zu values to rank, above the limit of %zu", n,
                          MT_MARKET_MAX_ROWS);
    struct keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return mt_err_set(err, MT_ENOMEM, "out of memory ranking %zu values", n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NAN;
        if (!isnan(v[i]))
            k[m++] = (struct keyed){v[i], i};
    }
    qsort(k, m, sizeof *k, keyed_cmp);
    for (size_t a = 0; a < m;) {
        size_t b = a + 1;
        while (b < m && k[b].v == k[a].v)
            b++;
        /* ranks a+1 .. b share their mean (a + 1 + b) / 2; minus 1 for the 0-based scale */
        double pct = m == 1 ? 0.5 : ((double)(a + b) - 1.0) / 2.0 / (double)(m - 1);
        for (size_t j = a; j < b; j++)
            out[k[j].i] = pct;
        a = b;
    }
    free(k);
    return MT_OK;
}

/* Index of the row opening at t, or n. */
static size_t find_open(const struct mt_series *s, int64_t t)
{
    size_t i = mt_series_lower_bound(s, t);
    return i < s->n && s->open_time[i] == t ? i : s->n;
}

static double roc_days(const struct mt_series *s, size_t cur, int64_t days)
{
    size_t j = find_open(s, s->open_time[cur] - days * MT_MS_DAY);
    if (j == s->n)
        return NAN;
    double now = s->close[cur], then = s->close[j];
    if (!isfinite(now) || !isfinite(then) || then <= 0)
        return NAN;
    return now / then - 1;
}

int mt_ranks_metrics(const struct mt_series *s, enum mt_tf tf, int64_t t,
                     struct mt_ranks_metrics *out, struct mt_err *err)
{
    out->roc_1d = out->roc_1w = out->roc_1m = out->volume_1w = NAN;
    int64_t len = (int)tf >= 0 && tf < MT_TF_COUNT ? mt_tf_ms(tf) : 0;
    if (len <= 0 || MT_MS_DAY % len != 0)
        return mt_err_set(err, MT_EINVAL,
                          "market ranks need a timeframe that divides one day (1m .. 1d), "
                          "not %s",
                          (int)tf >= 0 && tf < MT_TF_COUNT ? mt_tf_name(tf) : "unknown");
    size_t cur = find_open(s, mt_tf_floor(tf, t) - len);
    if (cur == s->n)
        return MT_OK;
    out->roc_1d = roc_days(s, cur, 1);
    out->roc_1w = roc_days(s, cur, 7);
    out->roc_1m = roc_days(s, cur, 30);
    size_t bars = (size_t)(7 * MT_MS_DAY / len);
    /* sorted and unique: the window is complete when it spans exactly `bars` rows */
    if (cur + 1 < bars || s->open_time[cur + 1 - bars] != s->open_time[cur] - (int64_t)(bars - 1) * len)
        return MT_OK;
    bool quote = (s->fields & MT_F_QUOTE_VOLUME) != 0;
    double sum = 0;
    for (size_t i = cur + 1 - bars; i <= cur; i++) {
        double q = quote ? s->quote_volume[i] : NAN;
        if (isnan(q) && (s->fields & MT_F_VOLUME))
            q = s->volume[i] * s->close[i];
        sum += q;
    }
    out->volume_1w = isfinite(sum) ? sum : NAN;
    return MT_OK;
}

/* Load the metrics of every row's symbol; a missing store file is no data. */
static int load_metrics(const char *data_dir, enum mt_tf tf, int64_t t,
                        const struct mt_market_row *rows, size_t n, struct mt_ranks_metrics *m,
                        struct mt_err *err)
{
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    int rc = MT_OK;
    for (size_t i = 0; rc == MT_OK && i < n; i++) {
        m[i].roc_1d = m[i].roc_1w = m[i].roc_1m = m[i].volume_1w = NAN;
        rc = mt_store_load(data_dir, rows[i].symbol, tf, &s, err);
        if (rc == MT_ENOENT) {
            mt_err_clear(err);
            rc = MT_OK;
            continue;
        }
        if (rc == MT_OK)
            rc = mt_ranks_metrics(&s, tf, t, &m[i], err);
        if (rc)
            mt_err_prefix(err, "market ranks of %s", rows[i].symbol);
    }
    mt_series_release(&s);
    return rc;
}

/* The rank columns and what each ranks (rank_source). */
#define RANK_COUNT 5
static const size_t rank_column[RANK_COUNT] = {
    offsetof(struct mt_market_row, rank_roc_1d),    offsetof(struct mt_market_row, rank_roc_1w),
    offsetof(struct mt_market_row, rank_roc_1m),    offsetof(struct mt_market_row, rank_volume_1d),
    offsetof(struct mt_market_row, rank_volume_1w),
};

static double rank_source(const struct mt_ranks_metrics *m, const struct mt_market_row *row,
                          size_t k)
{
    switch (k) {
    case 0: return m->roc_1d;
    case 1: return m->roc_1w;
    case 2: return m->roc_1m;
    case 3: return row->quote_volume_24h;
    default: return m->volume_1w;
    }
}

int mt_ranks_fill(const char *data_dir, enum mt_tf tf, int64_t t, struct mt_market_row *rows,
                  size_t n, struct mt_ranks_metrics *metrics, struct mt_err *err)
{
    if (n > MT_MARKET_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "%zu market rows to rank, above the limit of %zu", n,
                          MT_MARKET_MAX_ROWS);
    size_t cap = n ? n : 1;
    struct mt_ranks_metrics *m = metrics ? metrics : malloc(cap * sizeof *m);
    double *v = malloc(cap * sizeof *v), *pct = malloc(cap * sizeof *pct);
    int rc = MT_OK;
    if (!m || !v || !pct) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory ranking %zu symbols", n);
        goto done;
    }
    rc = load_metrics(data_dir, tf, t, rows, n, m, err);
    for (size_t k = 0; rc == MT_OK && k < RANK_COUNT; k++) {
        for (size_t i = 0; i < n; i++)
            v[i] = rank_source(&m[i], &rows[i], k);
        rc = mt_ranks_percentile(v, n, pct, err);
        for (size_t i = 0; rc == MT_OK && i < n; i++)
            *(double *)((char *)&rows[i] + rank_column[k]) = pct[i];
    }
done:
    if (m != metrics)
        free(m);
    free(v);
    free(pct);
    return rc;
}
