/* The primary model's training pipeline: one agent's training set in, a
 * registered model (or the decision not to use one) out, honest by
 * construction (docs/internals/ml.md):
 *
 *   1. labels: win when the net R reaches win_r; columns that name a date or a
 *      symbol rather than a market state are excluded (ml/select.h);
 *   2. time split: the last test_frac of the span is the test period, touched
 *      once, at the end (ml/split.h: rows whose trade overlaps the boundary
 *      are purged); sample weights by average uniqueness per pair;
 *   3. inside the training span only, purged k-fold CV (embargo after each
 *      validation fold) for every choice:
 *        - feature selection: NaN, constant and near-duplicate columns, then
 *          mutual information on each fold's training rows and permutation
 *          importance on its validation rows; a column stays when most folds
 *          keep it and its mean importance is positive;
 *        - hyperparameters: TPE (ml/tpe.h), booster mode (random forest or
 *          gradient boosting) among them, by the out-of-fold log loss, with
 *          the median pruner over folds; class balance by weights inside each
 *          fold's training rows;
 *        - calibration (isotonic) and the threshold (the best mean net R of
 *          the accepted out-of-fold setups, accepting at least min_accept of
 *          them) on the out-of-fold scores;
 *        - the best single-feature rule (ml/rule.h) on the training rows;
 *   4. the final model is fit on the whole training span, then scored once on
 *      the test period: AUC, log loss, Brier, precision at the threshold,
 *      mean R accepted against all; the gate (ml/gate.h) compares it with
 *      the unfiltered strategy, the rule and models refit on shuffled labels;
 *   5. the registry (ml/model.h) gets the card and the booster, and the
 *      agent's deployment: the model when promoted, else the rule when it
 *      passes, else the previous deployment when there is one, else none. */
#ifndef MT_ML_TRAIN_H
#define MT_ML_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "features/featureset.h"
#include "ml/gate.h"
#include "ml/model.h"
#include "ml/trainset.h"

/* The valid ranges of the settings below (the config schema uses them too). */
#define MT_TRAIN_WIN_R_MIN (-10.0)
#define MT_TRAIN_WIN_R_MAX 10.0
#define MT_TRAIN_TEST_FRAC_MIN 0.05
#define MT_TRAIN_TEST_FRAC_MAX 0.5
#define MT_TRAIN_FOLDS_MIN 2
#define MT_TRAIN_FOLDS_MAX 10
#define MT_TRAIN_EMBARGO_MAX 0.1
#define MT_TRAIN_TRIALS_MAX 1000
#define MT_TRAIN_SHUFFLED_MAX 20
#define MT_TRAIN_IMPORTANCE_MAX 20
#define MT_TRAIN_MI_TOP_MAX 1000
#define MT_TRAIN_NTHREAD_MAX 256
#define MT_TRAIN_JOBS_MAX 64
#define MT_TRAIN_TUNE_ROWS_MAX 100000000

/* Every setting of a training run, with its default and range. */
struct mt_train_opts {
    double win_r;          /* a setup is a win when its net R >= win_r (0.5; [-10, 10]) */
    double test_frac;      /* the test period's share of the span (0.2; [0.05, 0.5]) */
    int64_t folds;         /* purged CV folds in the training span (4; [2, 10]) */
    double embargo_frac;   /* embargo after each validation fold, share of the span (0.01; [0, 0.1]) */
    int64_t trials;        /* TPE trials (50; [1, 1000]) */
    int64_t shuffled;      /* models refit on shuffled labels for the gate (3; [0, 20]) */
    double min_accept;     /* the threshold accepts at least this share of the out-of-fold setups (0.1; (0, 1]) */
    int64_t importance_repeats; /* permutation repeats per column (2; [1, 20]) */
    int64_t mi_top;        /* columns kept by mutual information per fold (40; [1, 1000]) */
    int64_t seed;          /* every random choice (1; >= 0) */
    int64_t tune_rows;     /* the most training rows one fold's fit reads while choosing (selection, tuning):
                              every k-th in time order; the final fit reads them all (100000; [1000, 1e8]) */
    int64_t jobs;          /* model fits at once, each on its own thread (0: one per processor online; [0, 64]) */
    int64_t nthread;       /* XGBoost's threads within one fit (1; [0, 256], 0 = all cores): OpenMP's workers
                              spin while they wait, so on shared cores 2 threads per fit ran 30x slower than
                              1; parallel fits (jobs) use the cores instead */
    struct mt_gate_params gate;
};

/* The defaults above. */
struct mt_train_opts mt_train_opts_default(void);

/* Checks every range; MT_ECONFIG naming the setting. */
int mt_train_opts_check(const struct mt_train_opts *o, struct mt_err *err);

/* What the agent is (for the card). */
struct mt_train_agent {
    const char *name, *strategy_id, *timeframe, *sides;
    const char *version; /* mtrader's */
};

/* Test-period metrics of one selector. */
struct mt_train_metrics {
    size_t rows;
    double base_rate, auc, logloss, brier, precision;
    size_t accepted;
    double mean_r_accepted, mean_r_all;
};

struct mt_train_result {
    char id[MT_MODEL_ID_MAX];
    size_t rows, train_rows, test_rows, purged;
    size_t n_selected;
    struct mt_train_metrics cv;   /* out-of-fold on the training span */
    struct mt_train_metrics test; /* the final model on the test period */
    double threshold;
    struct mt_gate_result gate;
    enum mt_model_kind deployed;  /* what the agent runs now */
    char deployed_id[MT_MODEL_ID_MAX];
    char why[MT_GATE_REASON_MAX + 128]; /* what was deployed and why */
};

/* Reports progress: done of total steps (trials and fits). */
typedef void (*mt_train_progress_fn)(void *ctx, size_t done, size_t total);

/* Trains agent's model on ts with o, writes it to models_dir under id (the
 * caller's, e.g. the start time; mt_model_id) and records the deployment.
 * fs is the feature set of ts's first columns (for the excluded names).
 * Returns 0, MT_EINVAL (too few rows or a class missing in the training
 * span: the message says how many), or a step's error. */
int mt_train(const struct mt_trainset *ts, const struct mt_fset *fs, enum mt_tf tf, const struct mt_train_agent *agent,
             const struct mt_train_opts *o, const char *models_dir, const char *id, mt_train_progress_fn progress,
             void *progress_ctx, struct mt_train_result *out, struct mt_err *err);

/* A model id from a time (ms UTC): "YYYYMMDDTHHMMSSZ". */
void mt_model_id(int64_t ms, char id[MT_MODEL_ID_MAX]);

#endif
