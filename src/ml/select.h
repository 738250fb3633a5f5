/* Feature selection for the meta-label model, on the rows the caller gives.
 *
 * The training matrix is row-major float (x[row * cols + col], NaN =
 * missing) with a 0/1 label y and a sample weight w (NULL = 1) per row. The
 * caller makes its choices inside purged CV folds: every function here reads
 * only the rows listed in idx and never any other row.
 *
 * mt_sel_run drops, in this order (each column gets the first reason that
 * applies, docs/internals/ml.md "Feature selection"):
 *   1. excluded   the caller's mask (mt_sel_exclude_names: columns that
 *                 identify a date or a symbol rather than a market state);
 *   2. nan        NaN in more than nan_max of the rows;
 *   3. constant   variance of the finite values below var_eps, or one value
 *                 in at least const_frac of the rows;
 *   4. duplicate  |correlation| above corr_max with a column of higher
 *                 mutual information that is kept (dup_of names it);
 *   5. low_mi     outside the top_k by mutual information.
 * mt_sel_importance then marks the kept columns whose permutation importance
 * on validation rows is <= 0 (no_importance). */
#ifndef MT_ML_SELECT_H
#define MT_ML_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "features/featureset.h"

enum mt_sel_why {
    MT_SEL_KEPT,
    MT_SEL_EXCLUDED,      /* identifies a date or a symbol (the caller's mask) */
    MT_SEL_NAN,
    MT_SEL_CONSTANT,
    MT_SEL_DUPLICATE,     /* of dup_of */
    MT_SEL_LOW_MI,
    MT_SEL_NO_IMPORTANCE,
};

/* "kept", "excluded", "nan", "constant", "duplicate", "low_mi", "no_importance" (static). */
const char *mt_sel_why_name(enum mt_sel_why why);

struct mt_sel_opts {
    double nan_max;       /* drop when the NaN fraction is above this (0.5) */
    double const_frac;    /* drop when one value fills at least this fraction of the rows (0.995) */
    double var_eps;       /* drop when the variance of the finite values is below this (1e-12) */
    double corr_max;      /* duplicates: |correlation| above this (0.95) */
    bool spearman;        /* rank correlation instead of Pearson (false) */
    size_t corr_rows;     /* rows sampled for the correlations and the bin edges (20000) */
    int mi_bins;          /* quantile bins per feature, NaN its own bin besides (16; 2..64) */
    size_t top_k;         /* columns kept by mutual information, 0 = no limit (0) */
    uint64_t seed;        /* the row sample (1) */
};

/* The defaults above. */
void mt_sel_opts_default(struct mt_sel_opts *o);

/* One column's verdict. */
struct mt_sel_col {
    enum mt_sel_why why;
    size_t dup_of;        /* MT_SEL_DUPLICATE: the kept column it duplicates; SIZE_MAX otherwise */
    double corr;          /* MT_SEL_DUPLICATE: the correlation with dup_of; NaN otherwise */
    double mi;            /* bias-corrected mutual information with the label in nats; NaN when not computed */
    double importance;    /* permutation importance (mt_sel_importance); NaN when not measured */
};

struct mt_sel_result {
    size_t cols;
    struct mt_sel_col *col;   /* owned, cols entries */
    size_t n_selected;
    size_t *selected;         /* owned: the kept columns, highest mutual information first */
};

/* Runs steps 1-5 above on the rows idx[0..n) of x (rows x cols, row-major)
 * with labels y (0 or 1) and weights w (NULL = 1); excluded (NULL = none)
 * marks columns dropped up front. Mutual information uses quantile bins from
 * the row sample and the Miller-Madow correction with the effective sample
 * size (sum w)^2 / sum w^2, so a noise column scores about 0. Correlations
 * are on the row sample with each column standardised and its NaN set to the
 * mean. Deterministic for a given seed. *out is allocated here (release with
 * mt_sel_result_release). Returns 0, MT_EINVAL (bad options, an index out of
 * range, n == 0, a label not 0/1, a negative weight) or MT_ENOMEM. */
int mt_sel_run(const struct mt_sel_opts *o, const float *x, size_t rows, size_t cols, const double *y,
               const double *w, const size_t *idx, size_t n, const bool *excluded, struct mt_sel_result *out,
               struct mt_err *err);

void mt_sel_result_release(struct mt_sel_result *r);

/* The model's scores for rows (row-major, cols columns) into out[rows]. */
typedef int (*mt_sel_predict_fn)(void *ctx, const float *x, size_t rows, size_t cols, double *out,
                                 struct mt_err *err);
/* A metric of scores against labels y and weights w (NULL = 1); higher is better. */
typedef double (*mt_sel_metric_fn)(void *ctx, const double *score, const double *y, const double *w, size_t n);

/* Permutation importance on the validation rows idx[0..n): for each column
 * kept in r, the metric (NULL: the weighted ROC AUC, ties counted half) of
 * predict on the rows minus its mean over `repeats` shuffles (seeded) of that
 * column among the rows. predict gets the rows' kept columns only, in
 * r->selected's order (cols = r->n_selected). Writes r->col[c].importance and marks the kept
 * columns with importance <= 0 MT_SEL_NO_IMPORTANCE (r->selected shrinks,
 * order kept). The callbacks' errors are returned as they are. Returns 0,
 * MT_EINVAL (repeats < 1, n < 2, a bad index, a NaN score), MT_ENOMEM or predict's code. */
int mt_sel_importance(struct mt_sel_result *r, const float *x, size_t rows, size_t cols, const double *y,
                      const double *w, const size_t *idx, size_t n, int repeats, uint64_t seed,
                      mt_sel_predict_fn predict, void *predict_ctx, mt_sel_metric_fn metric, void *metric_ctx,
                      struct mt_err *err);

/* Why a feature column is excluded before selection. */
enum mt_sel_excl {
    MT_SEL_EXCL_NONE,
    MT_SEL_EXCL_DATE,     /* the day of month (registry entry "monthday"): names a date, not a state */
    MT_SEL_EXCL_PRICE,    /* in price units (an absolute price level differs by symbol) */
    MT_SEL_EXCL_VOLUME,   /* in volume or trade-count units (activity magnitude differs by symbol) */
    MT_SEL_EXCL_HISTORY,  /* depends on how much history was seen (listing age, cumulative sums) */
};

/* "none", "date", "price", "volume", "history" (static). */
const char *mt_sel_excl_name(enum mt_sel_excl e);

/* Marks the columns names[0..n) that fs makes and that identify a date or a
 * symbol rather than a market state; names fs does not make (the setup's own
 * columns) are MT_SEL_EXCL_NONE. Price, volume and history dependence are
 * measured, not listed: fs runs over a synthetic series of timeframe tf,
 * then with prices x1000, with volumes and trade counts x1000, and over the
 * same series without its first bars; a column that changes is excluded
 * (DATE is the one listed case). The default set keeps every column except
 * monthday_day, monthday_sin and monthday_cos. Returns 0, MT_EINVAL or
 * MT_ENOMEM. */
int mt_sel_exclude_names(const struct mt_fset *fs, enum mt_tf tf, const char *const *names, size_t n,
                         enum mt_sel_excl *why, struct mt_err *err);

#endif
