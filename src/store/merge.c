/* In-memory merge of candles into a sorted, unique series (mt_store_merge_series). */
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

static const unsigned value_fields[MT_VALUE_FIELD_COUNT] = MT_VALUE_FIELDS;

enum row_kind { ROW_ADDED, ROW_IDENTICAL, ROW_REPLACED };

/* One row of `add`, sorted by (open_time, row) so the last duplicate wins. */
struct add_key {
    int64_t t;
    size_t row;
    enum row_kind kind;
};

static int compare_keys(const void *a, const void *b)
{
    const struct add_key *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->row < y->row ? -1 : (x->row > y->row ? 1 : 0);
}

static const double *column(const struct mt_series *s, unsigned field)
{
    /* mt_series_column only hands out the array; nothing is written through it. */
    return mt_series_column((struct mt_series *)s, field);
}

static bool same_value(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

/* True if base row j holds the same bits as add row r in every field of add. */
static bool same_row(const struct mt_series *base, size_t j, const struct mt_series *add, size_t r)
{
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        unsigned field = value_fields[f];
        if (!(add->fields & field))
            continue;
        double b = (base->fields & field) ? column(base, field)[j] : NAN;
        if (!same_value(column(add, field)[r], b))
            return false;
    }
    return true;
}

static void move_row(struct mt_series *s, size_t to, size_t from)
{
    s->open_time[to] = s->open_time[from];
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        double *col = mt_series_column(s, value_fields[f]);
        col[to] = col[from];
    }
}

/* Writes add row r over base row w; fields add lacks become NaN. */
static void put_row(struct mt_series *base, size_t w, const struct mt_series *add, size_t r)
{
    base->open_time[w] = add->open_time[r];
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        unsigned field = value_fields[f];
        mt_series_column(base, field)[w] = (add->fields & field) ? column(add, field)[r] : NAN;
    }
}

static int check_inputs(const struct mt_series *base, const struct mt_series *add, enum mt_tf tf,
                        struct mt_err *err)
{
    char when[32], prev[32];
    if ((int)tf < 0 || tf >= MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "unknown timeframe %d", (int)tf);
    for (size_t i = 1; i < base->n; i++) {
        if (base->open_time[i] <= base->open_time[i - 1])
            return mt_err_set(err, MT_EDATA,
                              "stored series is not sorted and unique: row %zu opens at %s after "
                              "%s",
                              i, mt_time_format(base->open_time[i], when, sizeof when),
                              mt_time_format(base->open_time[i - 1], prev, sizeof prev));
    }
    for (size_t r = 0; r < add->n; r++) {
        if (!mt_tf_aligned(tf, add->open_time[r]))
            return mt_err_set(err, MT_EDATA,
                              "open time %s (%lld ms) of new row %zu is not on the %s grid",
                              mt_time_format(add->open_time[r], when, sizeof when),
                              (long long)add->open_time[r], r, mt_tf_name(tf));
    }
    return MT_OK;
}

/* Sorts add's rows, keeps the last of each open time and classifies each
 * against base. Returns the number of unique keys in *out. */
static int classify(const struct mt_series *base, const struct mt_series *add,
                    enum mt_merge_policy policy, struct add_key **out, size_t *count, struct mt_merge_report *report,
                    struct mt_err *err)
{
    struct add_key *keys = malloc(add->n * sizeof *keys);
    if (!keys)
        return mt_err_set(err, MT_ENOMEM, "out of memory merging %zu rows", add->n);
    for (size_t r = 0; r < add->n; r++)
        keys[r] = (struct add_key){.t = add->open_time[r], .row = r};
    qsort(keys, add->n, sizeof *keys, compare_keys);
    size_t u = 0;
    for (size_t r = 0; r < add->n; r++) {
        if (u > 0 && keys[u - 1].t == keys[r].t)
            u--; /* a later duplicate replaces the earlier one */
        keys[u++] = keys[r];
    }
    size_t from = 0;
    for (size_t q = 0; q < u; q++) {
        /* keys are sorted, so each search can start where the previous ended */
        size_t lo = from, hi = base->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (base->open_time[mid] < keys[q].t)
                lo = mid + 1;
            else
                hi = mid;
        }
        from = lo;
        if (lo < base->n && base->open_time[lo] == keys[q].t) {
            if (same_row(base, lo, add, keys[q].row)) {
                keys[q].kind = ROW_IDENTICAL;
                report->identical++;
            } else if (policy == MT_MERGE_KEEP_STORED) {
                keys[q].kind = ROW_IDENTICAL; /* moves like an identical row: stored values stay */
                report->kept++;
            } else {
                keys[q].kind = ROW_REPLACED;
                if (report->replaced++ == 0)
                    report->first_replaced = keys[q].t;
            }
        } else {
            keys[q].kind = ROW_ADDED;
            report->added++;
        }
    }
    *out = keys;
    *count = u;
    return MT_OK;
}

int mt_store_merge_series(struct mt_series *base, const struct mt_series *add, enum mt_tf tf,
                          enum mt_merge_policy policy, struct mt_merge_report *report,
                          struct mt_err *err)
{
    memset(report, 0, sizeof *report);
    report->rows_before = base->n;
    report->rows_after = base->n;
    int rc = check_inputs(base, add, tf, err);
    if (rc || add->n == 0)
        return rc;
    struct add_key *keys = NULL;
    size_t u = 0;
    rc = classify(base, add, policy, &keys, &u, report, err);
    if (rc)
        return rc;
    if (report->added == 0 && report->replaced == 0)
        goto done;

    size_t n = base->n, total = n + report->added;
    if (total > base->cap) {
        size_t want = base->cap + base->cap / 2;
        if (want < total)
            want = total;
        if (want > MT_SERIES_MAX_ROWS)
            want = total;
        rc = mt_series_reserve(base, want, err);
        if (rc)
            goto done;
    }
    unsigned gained = add->fields & ~base->fields;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        if (!(gained & value_fields[f]))
            continue;
        double *col = mt_series_column(base, value_fields[f]);
        for (size_t i = 0; i < n; i++)
            col[i] = NAN;
    }
    /* Merge from the back: base rows before add's first open time never move. */
    size_t i = n, w = total, q = u;
    while (q > 0) {
        const struct add_key *k = &keys[q - 1];
        if (i > 0 && base->open_time[i - 1] > k->t) {
            move_row(base, --w, --i);
            continue;
        }
        if (i > 0 && base->open_time[i - 1] == k->t) {
            i--;
            w--;
            if (k->kind == ROW_REPLACED)
                put_row(base, w, add, k->row);
            else
                move_row(base, w, i);
        } else {
            put_row(base, --w, add, k->row);
        }
        q--;
    }
    base->n = total;
    base->fields |= add->fields;
    report->rows_after = total;
done:
    free(keys);
    return rc;
}

/* True if the open times of s increase strictly. */
static bool sorted_unique(const struct mt_series *s)
{
    for (size_t i = 1; i < s->n; i++)
        if (s->open_time[i] <= s->open_time[i - 1])
            return false;
    return true;
}

int mt_store_merge_series_take(struct mt_series *base, struct mt_series *add, enum mt_tf tf,
                               enum mt_merge_policy policy, struct mt_merge_report *report,
                               struct mt_err *err)
{
    if (base->n > 0 || add->n == 0 || !sorted_unique(add))
        return mt_store_merge_series(base, add, tf, policy, report, err);
    memset(report, 0, sizeof *report);
    int rc = check_inputs(base, add, tf, err);
    if (rc)
        return rc;
    /* Every row of add is new: its arrays become base's (a field base had and
     * add lacks holds NaN there, as absent fields do). */
    unsigned fields = base->fields | add->fields;
    mt_series_release(base);
    *base = *add;
    base->fields = fields;
    mt_series_init(add, add->fields);
    report->added = base->n;
    report->rows_after = base->n;
    return MT_OK;
}
