/* The best single-feature threshold rule by net R. */
#include "ml/rule.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void mt_rule_opts_default(struct mt_rule_opts *o)
{
    *o = (struct mt_rule_opts){.steps = 20, .min_count = 30, .min_frac = 0.05, .z = 1.0, .weighted = true};
}

/* One finite value of the column with its row's outcome and weight. */
struct obs {
    float v;
    double r, w;
};

static int cmp_obs(const void *a, const void *b)
{
    float x = ((const struct obs *)a)->v, y = ((const struct obs *)b)->v;
    return (x > y) - (x < y);
}

/* Prefix sums over the sorted observations: s[k] covers obs[0..k). */
struct sums {
    double w, wr, wr2, w2;
};

/* Statistics of the accepted observations [a, b); false when they do not qualify. */
static bool judge(const struct sums *s, size_t a, size_t b, size_t min_count, double z, double *mean, double *se,
                  double *score)
{
    double sw = s[b].w - s[a].w;
    if (b <= a || b - a < min_count || !(sw > 0))
        return false;
    double m = (s[b].wr - s[a].wr) / sw, var = (s[b].wr2 - s[a].wr2) / sw - m * m;
    double n_eff = sw * sw / (s[b].w2 - s[a].w2);
    *mean = m;
    *se = n_eff > 1 ? sqrt((var > 0 ? var : 0) / (n_eff - 1)) : INFINITY;
    *score = z > 0 ? m - z * *se : m;
    return !isnan(*score);
}

/* First position in o[0..f) with value >= t (ge) or > t (!ge). */
static size_t bound(const struct obs *o, size_t f, float t, bool ge)
{
    size_t lo = 0, hi = f;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ge ? o[mid].v < t : o[mid].v <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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
    struct obs *ob = malloc((n ? n : 1) * sizeof *ob);
    struct sums *s = malloc((n + 1) * sizeof *s);
    if (!ob || !s) {
        free(s);
        free(ob);
        return mt_err_set(err, MT_ENOMEM, "rule: out of memory for %zu rows", n);
    }
    bool found = false;
    for (size_t j = 0; j < ncand; j++) {
        size_t c = cand ? cand[j] : j, f = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = idx[k];
            float v = x[i * cols + c];
            if (!isnan(v))
                ob[f++] = (struct obs){v, r[i], o->weighted && w ? w[i] : 1.0};
        }
        if (f == 0)
            continue;
        qsort(ob, f, sizeof *ob, cmp_obs);
        s[0] = (struct sums){0};
        for (size_t k = 0; k < f; k++)
            s[k + 1] = (struct sums){s[k].w + ob[k].w, s[k].wr + ob[k].w * ob[k].r,
                                     s[k].wr2 + ob[k].w * ob[k].r * ob[k].r, s[k].w2 + ob[k].w * ob[k].w};
        for (int dir = MT_RULE_GE; dir <= MT_RULE_LE; dir++)
            for (int q = 1; q < o->steps; q++) {
                float t = ob[(size_t)q * (f - 1) / (size_t)o->steps].v;
                size_t a = dir == MT_RULE_GE ? bound(ob, f, t, true) : 0;
                size_t b = dir == MT_RULE_GE ? f : bound(ob, f, t, false);
                double mean, se, score;
                if (!judge(s, a, b, need, o->z, &mean, &se, &score))
                    continue;
                /* strictly better only: the search order is the tie order */
                if (!found || score > out->score) {
                    *out = (struct mt_rule){.col = c, .dir = (enum mt_rule_dir)dir, .threshold = t, .mean_r = mean,
                                            .se = se, .score = score, .count = b - a};
                    found = true;
                }
            }
    }
    free(s);
    free(ob);
    if (!found)
        return mt_err_set(err, MT_ENOENT, "rule: no threshold accepts at least %zu of the %zu rows", need, n);
    return 0;
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
