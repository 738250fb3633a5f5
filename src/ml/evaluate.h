/* Metrics of a setup scorer: ranking (AUC), probability quality (log loss,
 * Brier, reliability curve), the selection at a threshold (precision, recall,
 * mean net R of the accepted setups), and day-block bootstrap confidence
 * intervals of accepted means and of paired differences of two selectors.
 *
 * Conventions: score[i] is a probability in [0, 1] where the metric needs
 * one (log loss, Brier, reliability), any finite number for AUC; y[i] is 0 or
 * 1; w is NULL (every row weighs 1) or n non-negative weights; a selector is
 * an accept mask (1 = take the setup) or NULL for every row. An undefined
 * figure is NaN (AUC without positives or negatives, precision of nothing
 * accepted, ...). */
#ifndef MT_ML_EVALUATE_H
#define MT_ML_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Scores are clipped to [MT_EVAL_EPS, 1 - MT_EVAL_EPS] in the log loss. */
#define MT_EVAL_EPS 1e-15

/* Checks the rows every metric here (and the calibration) takes: finite
 * scores, in [0, 1] when prob; labels 0 or 1; w NULL or finite weights >= 0.
 * Returns 0 or MT_EINVAL naming the first bad row. */
int mt_eval_check(const double *score, const uint8_t *y, const double *w, size_t n, bool prob, struct mt_err *err);

/* Area under the ROC curve into *auc: the (weighted) probability that a
 * positive outscores a negative, ties counting one half (midranks). NaN when
 * a class has no weight. Returns 0, MT_ENOMEM, or MT_EINVAL naming the first
 * non-finite score, label not 0/1 or negative weight. */
int mt_eval_auc(const double *score, const uint8_t *y, const double *w, size_t n, double *auc, struct mt_err *err);

/* (Weighted) mean of -(y log p + (1 - y) log(1 - p)) with p the score clipped
 * to [MT_EVAL_EPS, 1 - MT_EVAL_EPS], into *out; NaN of no weight. Returns 0
 * or MT_EINVAL (a score outside [0, 1], label not 0/1, negative weight). */
int mt_eval_logloss(const double *score, const uint8_t *y, const double *w, size_t n, double *out,
                    struct mt_err *err);

/* (Weighted) mean of (score - y)^2 into *out; as mt_eval_logloss. */
int mt_eval_brier(const double *score, const uint8_t *y, const double *w, size_t n, double *out, struct mt_err *err);

/* The selection score >= threshold, unweighted. */
struct mt_eval_select {
    double threshold;
    size_t n, positives;      /* rows, rows with y = 1 */
    size_t accepted, true_pos; /* rows with score >= threshold, and those with y = 1 */
    double base_rate;         /* positives / n */
    double precision;         /* true_pos / accepted */
    double recall;            /* true_pos / positives */
    double mean_r;            /* mean net R of the accepted rows (NaN when r is NULL or none) */
};

/* Fills s for threshold; r is NULL or the rows' net R. Returns 0, or
 * MT_EINVAL (non-finite score or r, label not 0/1). */
int mt_eval_select(const double *score, const uint8_t *y, const double *r, size_t n, double threshold,
                   struct mt_eval_select *s, struct mt_err *err);

/* Day-block bootstrap: day[i] is row i's block (e.g. its UTC day number),
 * non-decreasing over the rows. A resample draws D days (D = the distinct
 * days) as runs of block_days consecutive days whose first day is uniform
 * among the D - block_days + 1 possible (block_days 1: whole days with
 * replacement; more: the moving-block bootstrap over days). Days with no
 * accepted row still count: they make the resampled number of trades vary.
 * The same seed, days and options draw the same resampled days, in every
 * function here. */
struct mt_boot_opts {
    uint64_t seed;
    size_t resamples;  /* B, >= 1 */
    size_t block_days; /* >= 1, <= the days */
    double level;      /* two-sided confidence level, in (0, 1), e.g. 0.95 */
};

/* A point estimate with its percentile interval. */
struct mt_ci {
    double value;     /* on the data itself (NaN when undefined) */
    double lo, hi;    /* the (1-level)/2 and (1+level)/2 quantiles (linear interpolation between order
                         statistics) of the resampled values; NaN when no resample was defined */
    size_t n;         /* accepted rows in the data (for a difference: the first selector's) */
    size_t undefined; /* resamples where the statistic was undefined (no accepted row), left out */
};

/* Mean of x over the rows accepted by mask (NULL: all), with its bootstrap
 * interval into *ci. Returns 0, MT_ENOMEM, or MT_EINVAL (n = 0, unsorted
 * days, non-finite x, bad options). */
int mt_eval_boot_mean(const double *x, const uint8_t *mask, const int64_t *day, size_t n,
                      const struct mt_boot_opts *o, struct mt_ci *ci, struct mt_err *err);

/* The paired difference mean(x | a) - mean(x | b) of two selectors on the same
 * rows, each resample taking both means on the same resampled days. As
 * mt_eval_boot_mean; a resample is undefined when either side accepts none. */
int mt_eval_boot_diff(const double *x, const uint8_t *a, const uint8_t *b, const int64_t *day, size_t n,
                      const struct mt_boot_opts *o, struct mt_ci *ci, struct mt_err *err);

/* Sorts m values (none NaN) ascending, in place. */
void mt_eval_sort(double *v, size_t m);

/* The q-quantile (0 <= q <= 1) of m >= 1 ascending values: v[h] with h =
 * q*(m-1), interpolated linearly between neighbours (R's type 7). */
double mt_eval_quantile(const double *v, size_t m, double q);

/* One bin of a reliability curve. */
struct mt_eval_bin {
    double lo, hi;     /* the score range [lo, hi) ([lo, 1] for the last bin) */
    double mean_score; /* NaN when empty */
    double rate;       /* observed fraction of y = 1; NaN when empty */
    size_t n;
};

/* Reliability curve of nbins >= 1 equal-width bins over [0, 1] into the
 * caller's bins[nbins]. Returns 0 or MT_EINVAL (a score outside [0, 1],
 * label not 0/1, no bins). */
int mt_eval_reliability(const double *score, const uint8_t *y, size_t n, size_t nbins, struct mt_eval_bin *bins,
                        struct mt_err *err);

#endif
