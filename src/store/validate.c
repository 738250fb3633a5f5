#include "store/validate.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/time.h"

static const unsigned volume_fields[] = {MT_F_VOLUME, MT_F_QUOTE_VOLUME, MT_F_TRADES,
                                         MT_F_TAKER_BUY_BASE, MT_F_TAKER_BUY_QUOTE};

const char *mt_issue_kind_name(enum mt_issue_kind kind)
{
    switch (kind) {
    case MT_ISSUE_UNSORTED: return "unsorted";
    case MT_ISSUE_DUPLICATE: return "duplicate";
    case MT_ISSUE_OFF_GRID: return "off_grid";
    case MT_ISSUE_BAD_PRICE: return "bad_price";
    case MT_ISSUE_HIGH_BELOW_BODY: return "high_below_body";
    case MT_ISSUE_LOW_ABOVE_BODY: return "low_above_body";
    case MT_ISSUE_HIGH_BELOW_LOW: return "high_below_low";
    case MT_ISSUE_NEGATIVE_VOLUME: return "negative_volume";
    case MT_ISSUE_GAP: return "gap";
    case MT_ISSUE_FLAT_ZERO_VOLUME: return "flat_zero_volume";
    case MT_ISSUE_BEFORE_1970: return "before_1970";
    case MT_ISSUE_KIND_COUNT: break;
    }
    return "unknown";
}

/* Kinds whose items carry no value, so a run of rows reads as one line. */
static bool mergeable(enum mt_issue_kind kind)
{
    return kind == MT_ISSUE_DUPLICATE || kind == MT_ISSUE_OFF_GRID ||
           kind == MT_ISSUE_FLAT_ZERO_VOLUME;
}

/* Counts the issue and keeps it as an item, extending the latest item of the
 * same kind when this row directly follows it (mergeable kinds only). */
static void add_issue(struct mt_validate_report *r, const struct mt_issue *it)
{
    r->counts[it->kind]++;
    r->issues++;
    if (mergeable(it->kind)) {
        for (size_t k = r->n_items; k-- > 0;) {
            struct mt_issue *prev = &r->items[k];
            if (prev->kind != it->kind || prev->field != it->field)
                continue;
            if (prev->row + prev->count == it->row) {
                prev->count++;
                prev->last = it->last;
                return;
            }
            break;
        }
    }
    if (r->n_items < MT_VALIDATE_MAX_ITEMS)
        r->items[r->n_items++] = *it;
    else
        r->items_dropped++;
}

static struct mt_issue row_item(enum mt_issue_kind kind, size_t row, int64_t t, unsigned field,
                                double value, double bound, int64_t other)
{
    return (struct mt_issue){.kind = kind, .row = row, .first = t, .last = t, .count = 1,
                             .field = field, .value = value, .bound = bound, .other = other};
}

static void row_issue(struct mt_validate_report *r, enum mt_issue_kind kind, size_t row, int64_t t,
                      unsigned field, double value, double bound, int64_t other)
{
    struct mt_issue it = row_item(kind, row, t, field, value, bound, other);
    add_issue(r, &it);
}

static void check_gap(struct mt_validate_report *r, enum mt_tf tf, size_t row, int64_t prev,
                      int64_t t)
{
    int64_t expected = mt_tf_next(tf, prev);
    if (t <= expected)
        return;
    int64_t last;
    size_t count;
    int64_t len = mt_tf_ms(tf);
    if (len > 0) {
        count = (size_t)((t - expected) / len);
        last = t - len;
    } else {
        last = expected;
        count = 1;
        for (int64_t next = mt_tf_next(tf, last); next < t; next = mt_tf_next(tf, last)) {
            last = next;
            count++;
        }
    }
    struct mt_issue it = {.kind = MT_ISSUE_GAP, .row = row, .first = expected, .last = last,
                          .count = count, .value = NAN, .bound = NAN};
    r->missing_candles += count;
    add_issue(r, &it);
}

static void check_flat(struct mt_validate_report *r, const struct mt_series *s, size_t i)
{
    double o = s->open[i];
    if ((s->fields & MT_F_VOLUME) && isfinite(o) && o == s->high[i] && o == s->low[i] &&
        o == s->close[i] && s->volume[i] == 0.0)
        row_issue(r, MT_ISSUE_FLAT_ZERO_VOLUME, i, s->open_time[i], 0, o, NAN, 0);
}

size_t mt_validate_row(const struct mt_series *s, size_t i,
                       struct mt_issue out[MT_VALIDATE_ROW_MAX])
{
    size_t n = 0;
    int64_t t = s->open_time[i];
    if (t < 0)
        out[n++] = row_item(MT_ISSUE_BEFORE_1970, i, t, MT_F_OPEN_TIME, (double)t, NAN, 0);
    const unsigned price_fields[] = {MT_F_OPEN, MT_F_HIGH, MT_F_LOW, MT_F_CLOSE};
    const double prices[] = {s->open[i], s->high[i], s->low[i], s->close[i]};
    size_t bad = 0;
    while (bad < 4 && isfinite(prices[bad]))
        bad++;
    if (bad < 4) {
        out[n++] = row_item(MT_ISSUE_BAD_PRICE, i, t, price_fields[bad], prices[bad], NAN, 0);
    } else {
        double o = s->open[i], h = s->high[i], l = s->low[i], c = s->close[i];
        double top = o > c ? o : c, bottom = o < c ? o : c;
        if (h < top)
            out[n++] = row_item(MT_ISSUE_HIGH_BELOW_BODY, i, t, MT_F_HIGH, h, top, 0);
        if (l > bottom)
            out[n++] = row_item(MT_ISSUE_LOW_ABOVE_BODY, i, t, MT_F_LOW, l, bottom, 0);
        if (h < l)
            out[n++] = row_item(MT_ISSUE_HIGH_BELOW_LOW, i, t, MT_F_HIGH, h, l, 0);
    }
    for (size_t k = 0; k < sizeof volume_fields / sizeof volume_fields[0]; k++) {
        unsigned field = volume_fields[k];
        double v = (s->fields & field) ? mt_series_column((struct mt_series *)s, field)[i] : NAN;
        if (v < 0.0)
            out[n++] = row_item(MT_ISSUE_NEGATIVE_VOLUME, i, t, field, v, NAN, 0);
    }
    return n;
}

int mt_validate_series(const struct mt_series *s, enum mt_tf tf, struct mt_validate_report *report,
                       struct mt_err *err)
{
    memset(report, 0, sizeof *report);
    if ((int)tf < 0 || tf >= MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "unknown timeframe %d", (int)tf);
    report->rows = s->n;
    if (s->n) {
        report->first_open = s->open_time[0];
        report->last_open = s->open_time[s->n - 1];
    }
    bool prev_aligned = false;
    for (size_t i = 0; i < s->n; i++) {
        int64_t t = s->open_time[i];
        bool aligned = mt_tf_aligned(tf, t);
        if (!aligned)
            row_issue(report, MT_ISSUE_OFF_GRID, i, t, 0, NAN, NAN, 0);
        if (i > 0) {
            int64_t prev = s->open_time[i - 1];
            if (t < prev)
                row_issue(report, MT_ISSUE_UNSORTED, i, t, 0, NAN, NAN, prev);
            else if (t == prev)
                row_issue(report, MT_ISSUE_DUPLICATE, i, t, 0, NAN, NAN, prev);
            else if (aligned && prev_aligned)
                check_gap(report, tf, i, prev, t);
        }
        prev_aligned = aligned;
        struct mt_issue row[MT_VALIDATE_ROW_MAX];
        size_t n = mt_validate_row(s, i, row);
        for (size_t k = 0; k < n; k++)
            add_issue(report, &row[k]);
        check_flat(report, s, i);
    }
    return MT_OK;
}

/* Appends " at T (row R)" or " from T1 to T2 (rows R1-R2)". */
static void format_range(const struct mt_issue *it, char *buf, size_t size, size_t used)
{
    char a[32], b[32];
    if (used >= size)
        return;
    if (it->count == 1)
        snprintf(buf + used, size - used, " at %s (row %zu)",
                 mt_time_format(it->first, a, sizeof a), it->row);
    else
        snprintf(buf + used, size - used, " from %s to %s (rows %zu-%zu)",
                 mt_time_format(it->first, a, sizeof a), mt_time_format(it->last, b, sizeof b),
                 it->row, it->row + it->count - 1);
}

/* The item's text before its time range (size > 0); returns its length, or
 * -1 for a gap, whose text already holds its range. */
static int describe(const struct mt_issue *it, char *buf, size_t size)
{
    char a[32], b[32];
    const char *field = it->field ? mt_field_name(it->field) : "";
    const char *rows = it->count > 1 ? "s" : "";
    int n = 0;
    switch (it->kind) {
    case MT_ISSUE_GAP:
        if (it->count == 1)
            snprintf(buf, size, "gap: 1 missing candle at %s",
                     mt_time_format(it->first, a, sizeof a));
        else
            snprintf(buf, size, "gap: %zu missing candles from %s to %s", it->count,
                     mt_time_format(it->first, a, sizeof a), mt_time_format(it->last, b, sizeof b));
        return -1;
    case MT_ISSUE_UNSORTED:
        n = snprintf(buf, size, "open time earlier than the previous row's %s",
                     mt_time_format(it->other, a, sizeof a));
        break;
    case MT_ISSUE_DUPLICATE: n = snprintf(buf, size, "duplicate open time%s", rows); break;
    case MT_ISSUE_OFF_GRID:
        n = snprintf(buf, size, "open time%s off the timeframe grid", rows);
        break;
    case MT_ISSUE_BAD_PRICE: n = snprintf(buf, size, "non-finite %s %g", field, it->value); break;
    case MT_ISSUE_HIGH_BELOW_BODY:
        n = snprintf(buf, size, "high %.15g below max(open, close) %.15g", it->value, it->bound);
        break;
    case MT_ISSUE_LOW_ABOVE_BODY:
        n = snprintf(buf, size, "low %.15g above min(open, close) %.15g", it->value, it->bound);
        break;
    case MT_ISSUE_HIGH_BELOW_LOW:
        n = snprintf(buf, size, "high %.15g below low %.15g", it->value, it->bound);
        break;
    case MT_ISSUE_NEGATIVE_VOLUME:
        n = snprintf(buf, size, "negative %s %.15g", field, it->value);
        break;
    case MT_ISSUE_FLAT_ZERO_VOLUME:
        n = snprintf(buf, size, "flat zero-volume candle%s", rows);
        break;
    case MT_ISSUE_BEFORE_1970:
        n = snprintf(buf, size, "open time %lld ms, before 1970", (long long)it->first);
        break;
    case MT_ISSUE_KIND_COUNT: n = snprintf(buf, size, "unknown issue"); break;
    }
    return n < 0 ? (int)size : n;
}

char *mt_issue_describe(const struct mt_issue *it, char *buf, size_t size)
{
    if (size > 0)
        describe(it, buf, size);
    return buf;
}

char *mt_issue_format(const struct mt_issue *it, char *buf, size_t size)
{
    int n = size > 0 ? describe(it, buf, size) : -1;
    if (n >= 0)
        format_range(it, buf, size, (size_t)n);
    return buf;
}
