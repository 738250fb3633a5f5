/* The primary model: a binary classifier of XGBoost trees (gradient boosting
 * or a random forest) behind a safe wrapper over XGBoost 1.7's C API.
 *
 * Why a wrapper: XGBoost silently accepts misspelled parameter names, so the
 * parameters here are a typed struct with one range each, checked by name;
 * its prediction buffers belong to the booster, so every prediction is copied
 * into a caller-owned array; its errors become our mt_err messages. Training
 * is binary:logistic with the hist tree method, silent, and deterministic for
 * a given seed and nthread. A booster is not thread-safe: one thread at a
 * time (XGBoost keeps per-booster prediction buffers). */
#ifndef MT_ML_BOOSTER_H
#define MT_ML_BOOSTER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/error.h"

enum mt_booster_mode {
    MT_BOOSTER_GBTREE, /* gradient boosting: up to n_trees rounds of one tree */
    MT_BOOSTER_RF,     /* random forest: one round of n_trees parallel trees, learning rate 1 */
};

/* The training parameters. Each has a default per mode
 * (mt_booster_params_default) and one valid range (mt_booster_param_set names
 * it); mt_booster_params_check adds the rules of the mode. */
struct mt_booster_params {
    enum mt_booster_mode mode;
    int n_trees;               /* RF: parallel trees; GBT: maximum boosting rounds. [1, 10000] */
    int max_depth;             /* [1, 16]: RF at unlimited depth needed 13 GB */
    double learning_rate;      /* eta, (0, 1]; RF: 1 */
    double subsample;          /* row fraction per tree, (0, 1]; RF: < 1 (the bootstrap) */
    double colsample_bynode;   /* column fraction per split, (0, 1]; RF: < 1 */
    double colsample_bytree;   /* column fraction per tree, (0, 1] */
    double min_child_weight;   /* minimum hessian sum in a leaf, [0, 1e6] */
    double reg_lambda;         /* L2 on leaf weights, [0, 1e6] */
    double reg_alpha;          /* L1 on leaf weights, [0, 1e6] */
    double gamma;              /* minimum loss reduction for a split, [0, 1e6] */
    int max_bin;               /* histogram bins per feature, [2, 1024] */
    double scale_pos_weight;   /* weight of the positive class, (0, 1e6] */
    int early_stopping_rounds; /* GBT with a validation set: stop after this many rounds
                                  without a better validation log loss; 0 = off. [0, 1000] */
    int seed;                  /* [0, 2147483647] */
    int nthread;               /* training and prediction threads, [0, 256]; 0 = all cores.
                                  Default 2: the machines this runs on have few cores and
                                  other work (a live session) beside training */
};

/* The defaults of mode: GBT 200 rounds of depth 6 at learning rate 0.1
 * (subsample 0.8, colsample_bytree 0.8); RF 100 trees of depth 8 (subsample
 * and colsample_bynode 0.8, reg_lambda 1e-5 as XGBoost's RF recipe). */
struct mt_booster_params mt_booster_params_default(enum mt_booster_mode mode);

/* Sets the parameter called name (the field names above, except mode) to
 * value. An unknown name is MT_EINVAL listing the known names (and a close
 * one as "did you mean"); a value outside the range, or not an integer for an
 * integer parameter, is MT_ERANGE naming the parameter and its range. p is
 * unchanged on error. */
int mt_booster_param_set(struct mt_booster_params *p, const char *name, double value,
                         struct mt_err *err);

/* Checks every range and the rules of the mode (RF: learning_rate 1,
 * subsample < 1, colsample_bynode < 1, no early stopping). Returns 0 or
 * MT_ERANGE/MT_EINVAL with a message naming the parameter. */
int mt_booster_params_check(const struct mt_booster_params *p, struct mt_err *err);

/* The parameters as a JSON object ({"mode": "gbtree"|"rf", "n_trees": ..., ...},
 * every field). The caller frees it with cJSON_Delete; NULL when out of memory. */
cJSON *mt_booster_params_to_json(const struct mt_booster_params *p);

/* Reads parameters written by mt_booster_params_to_json: "mode" is required,
 * a missing field takes the mode's default; an unknown key, a non-number or an
 * out-of-range value is an error naming the key; the result passes
 * mt_booster_params_check. *p is unchanged on error. */
int mt_booster_params_from_json(const cJSON *json, struct mt_booster_params *p, struct mt_err *err);

/* A data set: a row-major float32 matrix (rows x cols, NaN = missing, no
 * infinities), labels 0 or 1, optional non-negative weights (NULL = all 1).
 * Borrowed: the arrays are read during the call only. */
struct mt_booster_data {
    const float *x;
    const float *y;
    const float *w;
    size_t rows;
    size_t cols;
};

struct mt_booster;

/* Trains a booster with p on train into *out (the caller frees it with
 * mt_booster_free). valid (may be NULL; its cols must equal train's) is
 * needed for early stopping: each round's weighted validation log loss is
 * computed here, training stops after early_stopping_rounds rounds without a
 * strictly lower one, and the booster keeps the rounds up to the best (so
 * mt_booster_rounds, predictions and the saved model are the best
 * iteration's). Without early stopping valid is ignored. Errors: MT_EINVAL
 * for bad data (naming the row) or a validation set missing for early
 * stopping, parameter errors as mt_booster_params_check, XGBoost's failures
 * with its message. */
int mt_booster_train(struct mt_booster **out, const struct mt_booster_params *p,
                     const struct mt_booster_data *train, const struct mt_booster_data *valid,
                     struct mt_err *err);

/* Frees b (NULL is a no-op). */
void mt_booster_free(struct mt_booster *b);

/* The number of features (columns) b was trained on. */
size_t mt_booster_n_features(const struct mt_booster *b);

/* The boosting rounds b keeps (GBT: trees; RF: 1). */
int mt_booster_rounds(const struct mt_booster *b);

/* The parameters b was trained with (also after a load). Valid while b lives. */
const struct mt_booster_params *mt_booster_params(const struct mt_booster *b);

/* Fills out[0..rows) (caller-owned) with the probability of class 1 of each
 * row of x (rows x cols, row-major, NaN = missing). cols must be
 * mt_booster_n_features (MT_EINVAL naming both otherwise). */
int mt_booster_predict(struct mt_booster *b, const float *x, size_t rows, size_t cols, double *out,
                       struct mt_err *err);

/* The probability of class 1 of one row x[0..mt_booster_n_features): the
 * session's path for scoring one setup. It runs on one thread whatever
 * nthread is (starting threads for one row costs more than the row), and
 * gives bit for bit what mt_booster_predict gives for the same row. */
int mt_booster_predict_row(struct mt_booster *b, const float *x, double *out, struct mt_err *err);

/* Fills out[0..mt_booster_n_features) (caller-owned) with each feature's
 * total gain over every split of every tree (0 for a feature never split on),
 * for feature selection. */
int mt_booster_gain(struct mt_booster *b, double *out, struct mt_err *err);

/* Saves b (its trees, in XGBoost's UBJSON model format, with its parameters)
 * to a new heap buffer *buf of *len bytes that the caller frees. */
int mt_booster_save_buffer(struct mt_booster *b, uint8_t **buf, size_t *len, struct mt_err *err);

/* Loads a booster saved by mt_booster_save_buffer into *out (freed with
 * mt_booster_free). Its feature count must be n_features: otherwise
 * MT_EINVAL naming both; a buffer that is not such a model is MT_EFORMAT. The
 * loaded booster predicts bit for bit as the saved one. */
int mt_booster_load_buffer(struct mt_booster **out, const uint8_t *buf, size_t len,
                           size_t n_features, struct mt_err *err);

/* Largest model file mt_booster_load reads. */
#define MT_BOOSTER_FILE_MAX ((size_t)1 << 30)

/* Saves b to the file at path, atomically (core/atomic.h: a reader sees the
 * old file or the new one). Messages name path. */
int mt_booster_save(struct mt_booster *b, const char *path, struct mt_err *err);

/* Loads the model file at path (as mt_booster_load_buffer; messages name
 * path). */
int mt_booster_load(struct mt_booster **out, const char *path, size_t n_features,
                    struct mt_err *err);

#endif
