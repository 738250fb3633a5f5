/* The engine loop and the historical feed (see feed.h). */
#include "sim/feed.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int mt_engine_run(struct mt_engine *e, struct mt_feed feed, struct mt_err *err)
{
    int64_t t;
    const struct mt_engine_bar *const *bars;
    bool decide;
    int rc;
    while ((rc = feed.next(feed.ctx, &t, &bars, &decide, err)) == 1)
        if ((rc = mt_engine_on_time(e, t, bars, decide, err)))
            return rc;
    for (size_t s = 0; rc == 0 && s < mt_engine_series_count(e); s++)
        if (mt_engine_followed(e, s))
            rc = mt_engine_censor(e, s, mt_engine_last_close(e, s), err);
    return rc;
}

int mt_hist_feed_init(struct mt_hist_feed *f, struct mt_engine *e, enum mt_tf tf, const struct mt_hist_series *series,
                      size_t ns, const struct mt_hist_span *span, struct mt_err *err)
{
    *f = (struct mt_hist_feed){.e = e, .tf = tf, .series = series, .ns = ns, .span = *span};
    f->next = calloc(ns, sizeof *f->next);
    f->lower_from = calloc(ns, sizeof *f->lower_from);
    f->spread_from = calloc(ns, sizeof *f->spread_from);
    f->bar = calloc(ns, sizeof *f->bar);
    f->sub = calloc(ns, sizeof *f->sub);
    f->bars = calloc(ns, sizeof *f->bars);
    for (size_t s = 0; s < ns; s++)
        if (series[s].features && series[s].features->fs->columns > f->row_width)
            f->row_width = series[s].features->fs->columns;
    if (f->row_width)
        f->rows = malloc(ns * f->row_width * sizeof *f->rows);
    if (!f->next || !f->lower_from || !f->spread_from || !f->bar || !f->sub || !f->bars || (f->row_width && !f->rows)) {
        mt_hist_feed_release(f);
        return mt_err_set(err, MT_ENOMEM, "historical feed: out of memory for %zu series", ns);
    }
    return 0;
}

void mt_hist_feed_release(struct mt_hist_feed *f)
{
    free(f->next);
    free(f->lower_from);
    free(f->spread_from);
    free(f->bar);
    free(f->sub);
    free(f->bars);
    free(f->rows);
    memset(f, 0, sizeof *f);
}

/* The candles of `lower` inside [start, end), found by advancing *from (times
 * only grow); NULL when there are none. */
static const struct mt_subbars *lower_candles(const struct mt_series *lower, int64_t start, int64_t end, size_t *from,
                                              struct mt_subbars *sb)
{
    while (*from < lower->n && lower->open_time[*from] < start)
        (*from)++;
    size_t k = *from;
    while (k < lower->n && lower->open_time[k] < end)
        k++;
    if (k == *from)
        return NULL;
    *sb = (struct mt_subbars){k - *from,          lower->open_time + *from, lower->open + *from,
                              lower->high + *from, lower->low + *from,       lower->close + *from};
    return sb;
}

double mt_hist_spread_at(const struct mt_hist_series *hs, size_t *from, int64_t t)
{
    while (*from < hs->n_spreads && hs->spread_time[*from] <= t)
        (*from)++;
    return *from ? hs->spread[*from - 1] : NAN;
}

/* True when the engine follows a trade on any series. */
static bool following(const struct mt_hist_feed *f)
{
    for (size_t s = 0; s < f->ns; s++)
        if (mt_engine_followed(f->e, s))
            return true;
    return false;
}

static int hist_next(void *ctx, int64_t *t, const struct mt_engine_bar *const **bars, bool *decide,
                     struct mt_err *err)
{
    struct mt_hist_feed *f = ctx;
    bool any = false;
    int64_t now = 0;
    for (size_t s = 0; s < f->ns; s++) {
        if (f->bars[s]) { /* the bar given at the previous time */
            f->next[s]++;
            f->bars[s] = NULL;
        }
        const struct mt_series *b = f->series[s].bars;
        if (f->next[s] < b->n && (!any || b->open_time[f->next[s]] < now)) {
            now = b->open_time[f->next[s]];
            any = true;
        }
    }
    if (!any || (now >= f->span.to && !(f->span.follow_past_to && following(f))))
        return 0;
    for (size_t s = 0; s < f->ns; s++) {
        const struct mt_hist_series *hs = &f->series[s];
        const struct mt_series *b = hs->bars;
        size_t i = f->next[s];
        if (i >= b->n || b->open_time[i] != now)
            continue;
        struct mt_engine_bar *x = &f->bar[s];
        x->open = b->open[i];
        x->high = b->high[i];
        x->low = b->low[i];
        x->close = b->close[i];
        x->volume = b->volume ? b->volume[i] : NAN;
        x->spread = hs->n_spreads ? mt_hist_spread_at(hs, &f->spread_from[s], now) : NAN;
        x->lower = hs->lower && mt_engine_followed(f->e, s)
                       ? lower_candles(hs->lower, now, mt_tf_next(f->tf, now), &f->lower_from[s], &f->sub[s])
                       : NULL;
        x->features = NULL;
        x->n_features = 0;
        if (hs->features) {
            float *row = f->rows + s * f->row_width;
            int rc = mt_features_update(hs->features, b, i, row, err);
            if (rc)
                return rc;
            x->features = row;
            x->n_features = hs->features->fs->columns;
        }
        f->bars[s] = x;
    }
    *t = now;
    *decide = now >= f->span.from && now < f->span.to;
    *bars = f->bars;
    return 1;
}

struct mt_feed mt_hist_feed_seam(struct mt_hist_feed *f)
{
    return (struct mt_feed){hist_next, f};
}
