#include "store/resample.h"

#include <math.h>
#include <string.h>

#include "core/time.h"

static int check_input(const struct mt_series *in, enum mt_tf fine, enum mt_tf coarse,
                       struct mt_err *err)
{
    char a[32], b[32];
    if ((int)fine < 0 || fine >= MT_TF_COUNT || (int)coarse < 0 || coarse >= MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "unknown timeframe %d or %d", (int)fine, (int)coarse);
    if (!mt_tf_divides(fine, coarse))
        return mt_err_set(err, MT_EINVAL,
                          "cannot resample %s to %s: %s buckets are not made of whole %s candles",
                          mt_tf_name(fine), mt_tf_name(coarse), mt_tf_name(coarse),
                          mt_tf_name(fine));
    for (size_t i = 0; i < in->n; i++) {
        int64_t t = in->open_time[i];
        if (!mt_tf_aligned(fine, t))
            return mt_err_set(err, MT_EDATA, "row %zu opens at %s, off the %s grid", i,
                              mt_time_format(t, a, sizeof a), mt_tf_name(fine));
        if (i > 0 && t <= in->open_time[i - 1])
            return mt_err_set(err, MT_EDATA,
                              "row %zu opens at %s, not after the previous row (%s): sort and "
                              "deduplicate first",
                              i, mt_time_format(t, a, sizeof a),
                              mt_time_format(in->open_time[i - 1], b, sizeof b));
    }
    return MT_OK;
}

/* NaN-propagating max/min: an unknown value makes the bucket's value unknown. */
static double max_nan(double a, double b)
{
    return (isnan(a) || isnan(b)) ? NAN : (a > b ? a : b);
}

static double min_nan(double a, double b)
{
    return (isnan(a) || isnan(b)) ? NAN : (a < b ? a : b);
}

static void aggregate(const struct mt_series *in, size_t from, size_t to, int64_t open_time,
                      struct mt_candle *c)
{
    mt_series_get(in, from, c);
    c->open_time = open_time;
    for (size_t i = from + 1; i < to; i++) {
        c->high = max_nan(c->high, in->high[i]);
        c->low = min_nan(c->low, in->low[i]);
        c->close = in->close[i];
        c->volume += in->volume[i];
        c->quote_volume += in->quote_volume[i];
        c->trades += in->trades[i];
        c->taker_buy_base += in->taker_buy_base[i];
        c->taker_buy_quote += in->taker_buy_quote[i];
    }
}

static size_t fine_count(enum mt_tf fine, int64_t start, int64_t end)
{
    int64_t len = mt_tf_ms(fine);
    return len > 0 ? (size_t)((end - start) / len) : 1; /* a 1M fine tf implies a 1M bucket */
}

static void note_gap(struct mt_resample_report *r, int64_t open_time, size_t present,
                     size_t missing, bool emitted)
{
    r->gap_buckets++;
    r->missing += missing;
    if (r->n_gaps < MT_RESAMPLE_MAX_GAPS)
        r->gaps[r->n_gaps++] = (struct mt_resample_gap){open_time, present, missing, emitted};
    else
        r->gaps_dropped++;
}

int mt_resample(const struct mt_series *in, enum mt_tf fine, enum mt_tf coarse,
                const struct mt_resample_opts *opts, struct mt_series *out,
                struct mt_resample_report *report, struct mt_err *err)
{
    static const struct mt_resample_opts defaults = {MT_RESAMPLE_EMIT_PARTIAL, 0};
    if (!opts)
        opts = &defaults;
    memset(report, 0, sizeof *report);
    mt_series_release(out);
    mt_series_init(out, in->fields);
    int rc = check_input(in, fine, coarse, err);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < in->n) {
        int64_t bucket = mt_tf_floor(coarse, in->open_time[i]);
        int64_t end = mt_tf_next(coarse, bucket);
        size_t j = i;
        while (j < in->n && in->open_time[j] < end)
            j++;
        size_t present = j - i;
        size_t missing = fine_count(fine, bucket, end) - present;
        bool reaches_end = mt_tf_next(fine, in->open_time[j - 1]) == end;
        if (i == 0 && in->open_time[0] != bucket) {
            /* The data starts inside this bucket: what came before is not known to be an
             * outage, so the bucket cannot be built honestly. */
            report->leading_dropped = true;
            report->leading_open = bucket;
            report->leading_rows = present;
            i = j;
            continue;
        }
        if (j == in->n && !reaches_end && (opts->now_ms == 0 || end > opts->now_ms)) {
            report->trailing_dropped = true;
            report->trailing_open = bucket;
            report->trailing_rows = present;
            break;
        }
        bool emit = missing == 0 || opts->gaps == MT_RESAMPLE_EMIT_PARTIAL;
        if (missing > 0) {
            note_gap(report, bucket, present, missing, emit);
            if (!emit)
                report->skipped++;
        }
        if (emit) {
            struct mt_candle c;
            aggregate(in, i, j, bucket, &c);
            rc = mt_series_append(out, &c, err);
            if (rc) {
                mt_series_release(out);
                return rc;
            }
            report->buckets++;
        }
        i = j;
    }
    return MT_OK;
}
