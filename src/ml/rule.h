/* The best single-feature rule on training rows: accept a setup when one
 * column is at or above (or at or below) a threshold, chosen to maximise the
 * net R of the accepted rows (docs/internals/ml.md "Single-feature rule").
 * It is the baseline the model must beat, and a filter in its own right.
 *
 * The matrix is row-major float (x[row * cols + col], NaN = missing); r is
 * the net R outcome of each row, w its weight (NULL = 1). The search reads
 * only the rows listed in idx. */
#ifndef MT_ML_RULE_H
#define MT_ML_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum mt_rule_dir {
    MT_RULE_GE, /* accept x >= threshold */
    MT_RULE_LE, /* accept x <= threshold */
};

struct mt_rule_opts {
    int steps;          /* thresholds at the quantiles k / steps, k = 1 .. steps - 1 (20: 5% .. 95%) */
    size_t min_count;   /* rows a rule must accept (30) */
    double min_frac;    /* fraction of the given rows a rule must accept (0.05) */
    double z;           /* score = mean - z * standard error of the mean; 0 = the mean (1) */
    bool weighted;      /* weight the mean and its error by w (true) */
};

/* The defaults above. */
void mt_rule_opts_default(struct mt_rule_opts *o);

struct mt_rule {
    size_t col;
    enum mt_rule_dir dir;
    float threshold;
    double mean_r;      /* (weighted) mean net R of the accepted training rows */
    double se;          /* its standard error: sqrt(weighted variance / effective count) */
    double score;       /* mean_r - z * se: what the rule was chosen by */
    size_t count;       /* accepted training rows */
};

/* Searches the columns cand[0..ncand) (cand NULL: every column) of the rows
 * idx[0..n) for both directions and every quantile threshold of the column's
 * finite values (the value at rank floor(k (f - 1) / steps) of the f sorted
 * ones); a NaN value is never accepted. Among the rules accepting at least
 * min_count rows and min_frac * n rows, the one with the highest score wins;
 * ties go to the earlier candidate, then GE before LE, then the lower
 * threshold. Returns 0 with *out set, MT_ENOENT when no rule accepts enough
 * rows, MT_EINVAL (bad options, an index out of range, a NaN r, a negative
 * weight) or MT_ENOMEM. */
int mt_rule_fit(const struct mt_rule_opts *o, const float *x, size_t rows, size_t cols, const double *r,
                const double *w, const size_t *idx, size_t n, const size_t *cand, size_t ncand,
                struct mt_rule *out, struct mt_err *err);

/* Whether the rule accepts a row of cols values (NaN: never). */
bool mt_rule_accepts(const struct mt_rule *rule, const float *row);

/* accept[k] = the rule accepts row idx[k] of x (rows x cols, row-major). */
void mt_rule_apply(const struct mt_rule *rule, const float *x, size_t rows, size_t cols, const size_t *idx,
                   size_t n, bool *accept);

#endif
