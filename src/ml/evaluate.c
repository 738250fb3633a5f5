#include "ml/evaluate.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

int mt_eval_check(const double *score, const uint8_t *y, const double *w, size_t n, bool prob, struct mt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i]) || (prob && (score[i] < 0 || score[i] > 1)))
            return mt_err_set(err, MT_EINVAL, "evaluate: row %zu has score %g, expected %s", i, score[i],
                              prob ? "a probability in [0, 1]" : "a finite number");
        if (y[i] > 1)
            return mt_err_set(err, MT_EINVAL, "evaluate: row %zu has label %u, expected 0 or 1", i, y[i]);
        if (w && !(w[i] >= 0 && isfinite(w[i])))
            return mt_err_set(err, MT_EINVAL, "evaluate: row %zu has weight %g, expected >= 0", i, w[i]);
    }
    return 0;
}

struct scored {
    double s, w;
    uint8_t y;
};

static int by_score(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->s, z = ((const struct scored *)b)->s;
    return (x > z) - (x < z);
}

int mt_eval_auc(const double *score, const uint8_t *y, const double *w, size_t n, double *auc, struct mt_err *err)
{
    int rc = mt_eval_check(score, y, w, n, false, err);
    if (rc)
        return rc;
    struct scored *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "evaluate: auc of %zu rows: out of memory", n);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct scored){score[i], w ? w[i] : 1, y[i]};
    qsort(v, n, sizeof *v, by_score);
    /* Each tie group's positives beat the negatives below it and tie with its own negatives. */
    double pos = 0, neg = 0, num = 0;
    for (size_t i = 0; i < n;) {
        double gp = 0, gn = 0;
        size_t j = i;
        for (; j < n && v[j].s == v[i].s; j++)
            *(v[j].y ? &gp : &gn) += v[j].w;
        num += gp * (neg + 0.5 * gn);
        pos += gp;
        neg += gn;
        i = j;
    }
    free(v);
    *auc = pos > 0 && neg > 0 ? num / (pos * neg) : NAN;
    return 0;
}

int mt_eval_logloss(const double *score, const uint8_t *y, const double *w, size_t n, double *out,
                    struct mt_err *err)
{
    int rc = mt_eval_check(score, y, w, n, true, err);
    if (rc)
        return rc;
    double sum = 0, tw = 0;
    for (size_t i = 0; i < n; i++) {
        double p = fmin(fmax(score[i], MT_EVAL_EPS), 1 - MT_EVAL_EPS), wi = w ? w[i] : 1;
        sum -= wi * (y[i] ? log(p) : log1p(-p));
        tw += wi;
    }
    *out = tw > 0 ? sum / tw : NAN;
    return 0;
}

int mt_eval_brier(const double *score, const uint8_t *y, const double *w, size_t n, double *out, struct mt_err *err)
{
    int rc = mt_eval_check(score, y, w, n, true, err);
    if (rc)
        return rc;
    double sum = 0, tw = 0;
    for (size_t i = 0; i < n; i++) {
        double d = score[i] - y[i], wi = w ? w[i] : 1;
        sum += wi * d * d;
        tw += wi;
    }
    *out = tw > 0 ? sum / tw : NAN;
    return 0;
}

int mt_eval_select(const double *score, const uint8_t *y, const double *r, size_t n, double threshold,
                   struct mt_eval_select *s, struct mt_err *err)
{
    int rc = mt_eval_check(score, y, NULL, n, false, err);
    if (rc)
        return rc;
    *s = (struct mt_eval_select){.threshold = threshold, .n = n};
    double sum_r = 0;
    for (size_t i = 0; i < n; i++) {
        if (r && !isfinite(r[i]))
            return mt_err_set(err, MT_EINVAL, "evaluate: row %zu has net R %g, expected a finite number", i, r[i]);
        s->positives += y[i];
        if (score[i] >= threshold) {
            s->accepted++;
            s->true_pos += y[i];
            sum_r += r ? r[i] : 0;
        }
    }
    s->base_rate = n ? (double)s->positives / (double)n : NAN;
    s->precision = s->accepted ? (double)s->true_pos / (double)s->accepted : NAN;
    s->recall = s->positives ? (double)s->true_pos / (double)s->positives : NAN;
    s->mean_r = r && s->accepted ? sum_r / (double)s->accepted : NAN;
    return 0;
}

/* splitmix64: small, fast and the same on every platform. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, m), m >= 1, without modulo bias. */
static size_t uniform(uint64_t *state, size_t m)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % m, v;
    do
        v = next_u64(state);
    while (v >= limit);
    return (size_t)(v % m);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, z = *(const double *)b;
    return (x > z) - (x < z);
}

void mt_eval_sort(double *v, size_t m)
{
    qsort(v, m, sizeof *v, by_value);
}

double mt_eval_quantile(const double *v, size_t m, double q)
{
    double h = q * (double)(m - 1);
    size_t k = (size_t)h;
    return k + 1 < m ? v[k] + (h - (double)k) * (v[k + 1] - v[k]) : v[m - 1];
}

/* Sums and counts of x under the two selectors, per day. */
struct day_sums {
    double sa, sb;
    size_t ca, cb;
};

static double stat_of(double sa, size_t ca, double sb, size_t cb, bool diff)
{
    if (ca == 0 || (diff && cb == 0))
        return NAN;
    return diff ? sa / (double)ca - sb / (double)cb : sa / (double)ca;
}

/* The bootstrap of mean(x | a), or of mean(x | a) - mean(x | b) when diff. */
static int boot(const double *x, const uint8_t *a, const uint8_t *b, bool diff, const int64_t *day, size_t n,
                const struct mt_boot_opts *o, struct mt_ci *ci, struct mt_err *err)
{
    if (n == 0)
        return mt_err_set(err, MT_EINVAL, "evaluate: bootstrap of no rows");
    size_t days = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return mt_err_set(err, MT_EINVAL, "evaluate: bootstrap row %zu has value %g", i, x[i]);
        if (i > 0 && day[i] < day[i - 1])
            return mt_err_set(err, MT_EINVAL, "evaluate: bootstrap row %zu has day %lld after day %lld", i,
                              (long long)day[i], (long long)day[i - 1]);
        days += i > 0 && day[i] != day[i - 1];
    }
    if (o->resamples < 1 || o->resamples > 10000000 || o->block_days < 1 || o->block_days > days ||
        !(o->level > 0 && o->level < 1))
        return mt_err_set(err, MT_EINVAL,
                          "evaluate: bootstrap options (%zu resamples, blocks of %zu of %zu days, level %g) "
                          "out of range",
                          o->resamples, o->block_days, days, o->level);
    struct day_sums *d = calloc(days, sizeof *d);
    double *val = malloc(o->resamples * sizeof *val);
    if (!d || !val) {
        free(val);
        free(d);
        return mt_err_set(err, MT_ENOMEM, "evaluate: bootstrap of %zu days: out of memory", days);
    }
    struct day_sums all = {0};
    for (size_t i = 0, k = 0; i < n; i++) {
        k += i > 0 && day[i] != day[i - 1];
        bool in_a = !a || a[i], in_b = !b || b[i];
        d[k].sa += in_a ? x[i] : 0;
        d[k].ca += in_a;
        d[k].sb += in_b ? x[i] : 0;
        d[k].cb += in_b;
    }
    for (size_t k = 0; k < days; k++)
        all.sa += d[k].sa, all.ca += d[k].ca, all.sb += d[k].sb, all.cb += d[k].cb;
    *ci = (struct mt_ci){.value = stat_of(all.sa, all.ca, all.sb, all.cb, diff), .n = all.ca};
    uint64_t state = o->seed;
    size_t m = 0;
    for (size_t r = 0; r < o->resamples; r++) {
        struct day_sums s = {0};
        for (size_t filled = 0; filled < days;) {
            size_t first = uniform(&state, days - o->block_days + 1);
            for (size_t j = 0; j < o->block_days && filled < days; j++, filled++) {
                const struct day_sums *e = &d[first + j];
                s.sa += e->sa, s.ca += e->ca, s.sb += e->sb, s.cb += e->cb;
            }
        }
        double v = stat_of(s.sa, s.ca, s.sb, s.cb, diff);
        if (isnan(v))
            ci->undefined++;
        else
            val[m++] = v;
    }
    mt_eval_sort(val, m);
    ci->lo = m ? mt_eval_quantile(val, m, (1 - o->level) / 2) : NAN;
    ci->hi = m ? mt_eval_quantile(val, m, (1 + o->level) / 2) : NAN;
    free(val);
    free(d);
    return 0;
}

int mt_eval_boot_mean(const double *x, const uint8_t *mask, const int64_t *day, size_t n,
                      const struct mt_boot_opts *o, struct mt_ci *ci, struct mt_err *err)
{
    return boot(x, mask, NULL, false, day, n, o, ci, err);
}

int mt_eval_boot_diff(const double *x, const uint8_t *a, const uint8_t *b, const int64_t *day, size_t n,
                      const struct mt_boot_opts *o, struct mt_ci *ci, struct mt_err *err)
{
    return boot(x, a, b, true, day, n, o, ci, err);
}

int mt_eval_reliability(const double *score, const uint8_t *y, size_t n, size_t nbins, struct mt_eval_bin *bins,
                        struct mt_err *err)
{
    if (nbins == 0)
        return mt_err_set(err, MT_EINVAL, "evaluate: reliability curve of no bins");
    int rc = mt_eval_check(score, y, NULL, n, true, err);
    if (rc)
        return rc;
    double *sum_s = calloc(nbins, sizeof *sum_s);
    if (!sum_s)
        return mt_err_set(err, MT_ENOMEM, "evaluate: reliability curve of %zu bins: out of memory", nbins);
    for (size_t k = 0; k < nbins; k++)
        bins[k] = (struct mt_eval_bin){.lo = (double)k / (double)nbins, .hi = (double)(k + 1) / (double)nbins};
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(score[i] * (double)nbins);
        if (k >= nbins)
            k = nbins - 1;
        bins[k].n++;
        bins[k].rate += y[i];
        sum_s[k] += score[i];
    }
    for (size_t k = 0; k < nbins; k++) {
        bins[k].mean_score = bins[k].n ? sum_s[k] / (double)bins[k].n : NAN;
        bins[k].rate = bins[k].n ? bins[k].rate / (double)bins[k].n : NAN;
    }
    free(sum_s);
    return 0;
}
