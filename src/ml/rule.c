/* The best single-feature threshold rule by net R. */
#include "ml/rule.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/radix.h"

/* Candidate columns copied out of the row-major matrix per pass over the rows (a cache line of floats). */
#define RULE_BLOCK 16

void mt_rule_opts_default(struct mt_rule_opts *o)
{
    *o = (struct mt_rule_opts){.steps = 20, .min_count = 30, .min_frac = 0.05, .z = 1.0, .weighted = true};
}

/* A set of rows: count, weight, squared weights, weighted mean outcome and the weighted sum of squared
 * deviations from it. Sets merge by Chan's formula, so a constant outcome keeps a zero spread exactly. */
struct sums {
    double n, w, w2, mean, m2;
};

static void sums_merge(struct sums *a, const struct sums *b)
{
    double tw = a->w + b->w;
    if (b->w > 0) {
        double d = b->mean - a->mean;
        a->mean += d * (b->w / tw);
        a->m2 += b->m2 + d * d * (a->w * b->w / tw);
    }
    a->n += b->n;
    a->w = tw;
    a->w2 += b->w2;
}

/* Statistics of the accepted rows a; false when they do not qualify. */
static bool judge(const struct sums *a, size_t min_count, double z, double *mean, double *se, double *score)
{
    if (a->n < (double)min_count || a->n < 1 || !(a->w > 0))
        return false;
    double n_eff = a->w * a->w / a->w2;
    *mean = a->mean;
    *se = n_eff > 1 ? sqrt(a->m2 / a->w / (n_eff - 1)) : INFINITY;
    *score = z > 0 ? a->mean - z * *se : a->mean;
    return !isnan(*score);
}

/* Number of thresholds t[0..m) below v. */
static int below(const float *t, int m, float v)
{
    /* a branch-free count: a search over a few thresholds mispredicts on every step */
    int b = 0;
    for (int k = 0; k < m; k++)
        b += t[k] < v;
    return b;
}

int mt_rule_fit(const struct mt_rule_opts *o, const float *x, size_t rows, size_t cols, const double *r,
                const double *w, const size_t *idx, size_t n, const size_t *cand, size_t ncand,
                struct mt_rule *out, struct mt_err *err)
{
    if (o->steps < 2 || !(o->min_frac >= 0 && o->min_frac <= 1) || !(o->z >= 0) || !isfinite(o->z))
        return mt_err_set(err, MT_EINVAL, "rule: bad options (steps >= 2, min_frac 0..1, z >= 0)");
    if (!cand)
        ncand = cols;
    for (size_t j = 0; j < ncand; j++)
        if (cand && cand[j] >= cols)
            return mt_err_set(err, MT_EINVAL, "rule: candidate column %zu out of range (%zu columns)", cand[j], cols);
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        if (i >= rows)
            return mt_err_set(err, MT_EINVAL, "rule: row index %zu out of range (%zu rows)", i, rows);
        if (!isfinite(r[i]))
            return mt_err_set(err, MT_EINVAL, "rule: net R of row %zu is %g, expected a number", i, r[i]);
        if (w && !(w[i] >= 0 && isfinite(w[i])))
            return mt_err_set(err, MT_EINVAL, "rule: weight of row %zu is %g, expected finite and >= 0", i, w[i]);
    }
    size_t need = o->min_count, by_frac = (size_t)ceil(o->min_frac * (double)n);
    need = by_frac > need ? by_frac : need;
    size_t nn = n ? n : 1;
    float *vals = malloc(nn * sizeof *vals), *thr = malloc((size_t)o->steps * sizeof *thr);
    float *blk = malloc(RULE_BLOCK * nn * sizeof *blk);
    double *rv = malloc(nn * sizeof *rv), *wv = malloc(nn * sizeof *wv);
    /* bucket 2j + 1 holds the rows equal to thr[j], bucket 2j those between thr[j - 1] and thr[j] */
    struct sums *bucket = malloc((2 * (size_t)o->steps + 2) * sizeof *bucket),
                *ge = malloc((size_t)o->steps * sizeof *ge);
    int rc = 0;
    if (!vals || !thr || !blk || !rv || !wv || !bucket || !ge) {
        rc = mt_err_set(err, MT_ENOMEM, "rule: out of memory for %zu rows", n);
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        rv[k] = r[idx[k]];
        wv[k] = o->weighted && w ? w[idx[k]] : 1.0;
    }
    bool found = false;
    for (size_t j = 0; j < ncand; j++) {
        size_t c = cand ? cand[j] : j, f = 0, jb = j % RULE_BLOCK;
        if (jb == 0) /* the next block of candidates, copied out in one pass over the rows */
            for (size_t k = 0; k < n; k++) {
                const float *row = x + idx[k] * cols;
                for (size_t b = 0; b < RULE_BLOCK && j + b < ncand; b++)
                    blk[b * n + k] = row[cand ? cand[j + b] : j + b];
            }
        const float *col = blk + jb * n;
        for (size_t k = 0; k < n; k++)
            if (!isnan(col[k]))
                vals[f++] = col[k];
        if (f == 0)
            continue;
        if ((rc = mt_radix_floats(vals, f, err)))
            goto done;
        int m = 0;
        for (int q = 1; q < o->steps; q++) {
            float t = vals[(size_t)q * (f - 1) / (size_t)o->steps];
            if (m == 0 || t > thr[m - 1])
                thr[m++] = t;
        }
        memset(bucket, 0, (2 * (size_t)m + 1) * sizeof *bucket);
        for (size_t k = 0; k < n; k++) {
            float v = col[k];
            if (isnan(v))
                continue;
            int p = below(thr, m, v);
            struct sums *b = &bucket[2 * p + (p < m && thr[p] == v)];
            sums_merge(b, &(struct sums){1, wv[k], wv[k] * wv[k], rv[k], 0});
        }
        /* ge[q] = buckets 2q + 1 .. 2m (x >= thr[q]), from the top; le = buckets 0 .. 2q + 1 */
        struct sums top = bucket[2 * m], le = {0};
        for (int q = m - 1; q >= 0; q--) {
            sums_merge(&top, &bucket[2 * q + 1]);
            ge[q] = top;
            sums_merge(&top, &bucket[2 * q]);
        }
        for (int dir = MT_RULE_GE; dir <= MT_RULE_LE; dir++)
            for (int q = 0; q < m; q++) {
                if (dir == MT_RULE_LE) {
                    sums_merge(&le, &bucket[2 * q]);
                    sums_merge(&le, &bucket[2 * q + 1]);
                }
                const struct sums *acc = dir == MT_RULE_GE ? &ge[q] : &le;
                double mean, se, score;
                /* strictly better only: the search order is the tie order */
                if (judge(acc, need, o->z, &mean, &se, &score) && (!found || score > out->score)) {
                    *out = (struct mt_rule){.col = c, .dir = (enum mt_rule_dir)dir, .threshold = thr[q],
                                            .mean_r = mean, .se = se, .score = score, .count = (size_t)acc->n};
                    found = true;
                }
            }
    }
    if (!found)
        rc = mt_err_set(err, MT_ENOENT, "rule: no threshold accepts at least %zu of the %zu rows", need, n);
done:
    free(wv);
    free(rv);
    free(blk);
    free(ge);
    free(bucket);
    free(thr);
    free(vals);
    return rc;
}

bool mt_rule_accepts(const struct mt_rule *rule, const float *row)
{
    float v = row[rule->col];
    if (isnan(v))
        return false;
    return rule->dir == MT_RULE_GE ? v >= rule->threshold : v <= rule->threshold;
}

void mt_rule_apply(const struct mt_rule *rule, const float *x, size_t rows, size_t cols, const size_t *idx,
                   size_t n, bool *accept)
{
    (void)rows;
    assert(rule->col < cols);
    for (size_t k = 0; k < n; k++) {
        assert(idx[k] < rows);
        accept[k] = mt_rule_accepts(rule, x + idx[k] * cols);
    }
}
