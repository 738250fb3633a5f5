#include "ml/split.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* Rows sorted by t0, each with t1 >= t0. */
static int check_rows(const int64_t *t0, const int64_t *t1, size_t n, struct mt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (t1[i] < t0[i])
            return mt_err_set(err, MT_EINVAL, "split: row %zu ends (t1 %lld) before it starts (t0 %lld)", i,
                              (long long)t1[i], (long long)t0[i]);
        if (i > 0 && t0[i] < t0[i - 1])
            return mt_err_set(err, MT_EINVAL, "split: row %zu is out of t0 order (%lld after %lld)", i,
                              (long long)t0[i], (long long)t0[i - 1]);
    }
    return 0;
}

int mt_split_window(const int64_t *t0, const int64_t *t1, size_t n, size_t from, size_t to, int64_t embargo_ms,
                    enum mt_split_scheme scheme, uint8_t *role, struct mt_split_window *w, struct mt_err *err)
{
    int rc = check_rows(t0, t1, n, err);
    if (rc)
        return rc;
    if (from >= to || to > n)
        return mt_err_set(err, MT_EINVAL, "split: test window [%zu, %zu) is empty or beyond the %zu rows", from, to,
                          n);
    if (embargo_ms < 0)
        return mt_err_set(err, MT_EINVAL, "split: negative embargo %lld ms", (long long)embargo_ms);
    if ((from > 0 && t0[from - 1] == t0[from]) || (to < n && t0[to - 1] == t0[to]))
        return mt_err_set(err, MT_EINVAL, "split: test window [%zu, %zu) splits rows with the same t0", from, to);
    *w = (struct mt_split_window){.test_start = t0[from], .test_end = t1[from], .test_from = from, .test_to = to};
    for (size_t i = from; i < to; i++)
        if (t1[i] > w->test_end)
            w->test_end = t1[i];
    w->embargo_end = w->test_end + embargo_ms;
    for (size_t i = 0; i < n; i++) {
        enum mt_split_role r;
        if (i < from)
            r = t1[i] >= w->test_start ? MT_SPLIT_PURGED : MT_SPLIT_TRAIN;
        else if (i < to)
            r = MT_SPLIT_TEST;
        else if (scheme == MT_SPLIT_WALK_FORWARD)
            r = MT_SPLIT_UNUSED;
        else if (t0[i] <= w->test_end)
            r = MT_SPLIT_PURGED;
        else if (t0[i] <= w->embargo_end)
            r = MT_SPLIT_EMBARGOED;
        else
            r = MT_SPLIT_TRAIN;
        role[i] = (uint8_t)r;
        w->count[r]++;
    }
    return 0;
}

int mt_split_holdout(const int64_t *t0, const int64_t *t1, size_t n, double test_frac, int64_t embargo_ms,
                     uint8_t *role, struct mt_split_window *w, struct mt_err *err)
{
    if (!(test_frac > 0 && test_frac < 1))
        return mt_err_set(err, MT_EINVAL, "split: holdout test fraction %g is not in (0, 1)", test_frac);
    if (n == 0)
        return mt_err_set(err, MT_EINVAL, "split: holdout of no rows");
    int rc = check_rows(t0, t1, n, err);
    if (rc)
        return rc;
    int64_t cut = t0[n - 1] - (int64_t)floor(test_frac * (double)(t0[n - 1] - t0[0]));
    size_t from = 0;
    while (t0[from] < cut)
        from++;
    if (from == 0)
        return mt_err_set(err, MT_EINVAL, "split: holdout of fraction %g leaves no row before its test period",
                          test_frac);
    return mt_split_window(t0, t1, n, from, n, embargo_ms, MT_SPLIT_KFOLD, role, w, err);
}

int mt_split_folds(const int64_t *t0, size_t n, size_t k, size_t *start, struct mt_err *err)
{
    size_t d = n > 0;
    for (size_t i = 1; i < n; i++) {
        if (t0[i] < t0[i - 1])
            return mt_err_set(err, MT_EINVAL, "split: row %zu is out of t0 order (%lld after %lld)", i,
                              (long long)t0[i], (long long)t0[i - 1]);
        d += t0[i] != t0[i - 1];
    }
    if (k < 2 || d < k)
        return mt_err_set(err, MT_EINVAL, "split: %zu folds of %zu distinct times (need 2 <= folds <= times)", k, d);
    /* Since d >= k, the first distinct time of each fold, f*d/k, grows by >= 1 per fold. */
    size_t f = 0, j = 0;
    for (size_t i = 0; i < n; i++) {
        bool new_time = i == 0 || t0[i] != t0[i - 1];
        j += i > 0 && new_time;
        if (new_time && f < k && j == f * d / k)
            start[f++] = i;
    }
    assert(f == k);
    start[k] = n;
    return 0;
}

int mt_split_uniqueness(const int64_t *t0, const int64_t *t1, const uint32_t *group, uint32_t ngroups, size_t n,
                        int64_t bar_ms, double *w, struct mt_err *err)
{
    if (bar_ms <= 0)
        return mt_err_set(err, MT_EINVAL, "split: uniqueness bar size %lld ms is not positive", (long long)bar_ms);
    if (!group)
        ngroups = 1;
    if (ngroups == 0)
        return mt_err_set(err, MT_EINVAL, "split: uniqueness with no groups");
    for (size_t i = 0; i < n; i++) {
        if (t0[i] < 0 || t1[i] < t0[i])
            return mt_err_set(err, MT_EINVAL, "split: uniqueness row %zu has a negative or reversed interval [%lld, %lld]",
                              i, (long long)t0[i], (long long)t1[i]);
        if (group && group[i] >= ngroups)
            return mt_err_set(err, MT_EINVAL, "split: uniqueness row %zu has group %u, expected < %u", i, group[i],
                              ngroups);
    }
    if (n == 0)
        return 0;
    /* Rows by group (a counting sort) and each group's first and last bar. */
    size_t *first = calloc((size_t)ngroups + 1, sizeof *first);
    int64_t *lo = malloc(ngroups * sizeof *lo), *hi = malloc(ngroups * sizeof *hi);
    size_t *order = malloc(n * sizeof *order);
    double *buf = NULL;
    int rc = MT_ENOMEM;
    if (!first || !lo || !hi || !order)
        goto fail;
    for (uint32_t g = 0; g < ngroups; g++)
        lo[g] = INT64_MAX, hi[g] = -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t g = group ? group[i] : 0;
        first[g + 1]++;
        if (t0[i] / bar_ms < lo[g])
            lo[g] = t0[i] / bar_ms;
        if (t1[i] / bar_ms > hi[g])
            hi[g] = t1[i] / bar_ms;
    }
    int64_t widest = 0;
    for (uint32_t g = 0; g < ngroups; g++) {
        first[g + 1] += first[g];
        if (hi[g] >= lo[g] && hi[g] - lo[g] + 1 > widest)
            widest = hi[g] - lo[g] + 1;
    }
    for (size_t i = 0; i < n; i++)
        order[first[group ? group[i] : 0]++] = i;
    /* first[g] is now the end of group g's rows: group g is [first[g-1], first[g]). */
    buf = malloc(((size_t)widest + 1) * sizeof *buf);
    if (!buf)
        goto fail;
    for (uint32_t g = 0; g < ngroups; g++) {
        size_t a = g ? first[g - 1] : 0, b = first[g];
        if (a == b)
            continue;
        size_t span = (size_t)(hi[g] - lo[g] + 1);
        for (size_t x = 0; x <= span; x++)
            buf[x] = 0;
        for (size_t o = a; o < b; o++) { /* the concurrency as a difference array */
            size_t i = order[o];
            buf[t0[i] / bar_ms - lo[g]] += 1;
            buf[t1[i] / bar_ms - lo[g] + 1] -= 1;
        }
        /* In place: buf[x] becomes the sum of 1/c over bars [0, x). */
        double c = 0, p = 0;
        for (size_t x = 0; x < span; x++) {
            c += buf[x];
            buf[x] = p;
            if (c > 0)
                p += 1 / c;
        }
        buf[span] = p;
        for (size_t o = a; o < b; o++) {
            size_t i = order[o];
            int64_t s = t0[i] / bar_ms - lo[g], e = t1[i] / bar_ms - lo[g];
            w[i] = (buf[e + 1] - buf[s]) / (double)(e - s + 1);
        }
    }
    rc = 0;
fail:
    free(buf);
    free(order);
    free(hi);
    free(lo);
    free(first);
    return rc ? mt_err_set(err, rc, "split: uniqueness of %zu rows: out of memory", n) : 0;
}
