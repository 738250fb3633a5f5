/* The model registry and the scorer.
 *
 * On disk, under a models folder (DATA_DIR/models by default):
 *   AGENT/ID/card.json   the model card: everything about one trained model
 *                        (agent, strategy, timeframe, sides, the feature
 *                        columns and their hash, data span and pairs,
 *                        parameters, CV and test metrics, calibration,
 *                        selected features, the gate's figures and decision,
 *                        per-fold CV figures, reliability curves,
 *                        mtrader's version); written by ml/train
 *   AGENT/ID/model.ubj   the booster (XGBoost's UBJSON), when there is one
 *   AGENT/deployed.json  what the agent runs: {"model": ID or null, "kind":
 *                        "booster" | "rule" | "unfiltered", "reason": ...}
 * Every file is replaced atomically. A model id is the UTC time training
 * started ("20261202T013000Z"), so ids sort by age.
 *
 * A loaded model scores a setup from the full row the engine gives it (the
 * feature set's streaming row) and the setup's own columns
 * (ml/trainset.h mt_setup_features): a booster's calibrated probability, or
 * a rule's 1 (accepted) or 0. Loading checks that the card's feature columns
 * are the ones the caller computes (the same hash) and fails clearly when
 * they are not. */
#ifndef MT_ML_MODEL_H
#define MT_ML_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "features/featureset.h"
#include "ml/calibrate.h"
#include "ml/rule.h"
#include "sim/engine.h"

#define MT_MODEL_ID_MAX 24
#define MT_MODEL_HASH_HEX 64
#define MT_MODEL_PATH_MAX 1024

enum mt_model_kind { MT_MODEL_BOOSTER, MT_MODEL_RULE, MT_MODEL_UNFILTERED };

/* Static name of a kind ("booster", "rule", "unfiltered"); NULL for others. */
const char *mt_model_kind_name(enum mt_model_kind k);

struct mt_booster;

/* A model ready to score. */
struct mt_model {
    enum mt_model_kind kind; /* booster or rule */
    char id[MT_MODEL_ID_MAX];
    size_t n_columns;        /* the full row: feature set columns, then the setup's */
    size_t n_fset;           /* of which the feature set's */
    size_t n_sel;
    size_t *sel;             /* booster: its input columns, indices into the full row (owned) */
    struct mt_booster *booster;
    struct mt_calib calib;
    double threshold;        /* setups scoring below it are not taken (the agent's min_score) */
    struct mt_rule rule;     /* rule: rule.col indexes the full row */
    float *row, *in;         /* scratch: the full row and the booster's input (owned) */
};

/* The hash (lower-case hex SHA-256) of the column names names[0..n), in
 * order, each followed by a newline. */
void mt_model_columns_hash(const char (*names)[MT_FSET_NAME_MAX], size_t n, char hex[MT_MODEL_HASH_HEX + 1]);

/* The folder of agent's models under dir, and of one model, into buf. */
int mt_model_dir(const char *dir, const char *agent, const char *id, char *buf, size_t size, struct mt_err *err);

/* Writes a model: card (cJSON, not taken) as DIR/AGENT/ID/card.json and, when
 * booster is not NULL, DIR/AGENT/ID/model.ubj (the model file first, so a
 * card never names a missing model). A model is never replaced: an existing
 * DIR/AGENT/ID is MT_EINVAL. Returns 0, that, or MT_EIO naming the file. */
int mt_model_save(const char *dir, const char *agent, const char *id, const cJSON *card, struct mt_booster *booster,
                  struct mt_err *err);

/* Records what agent runs from now on: the model `id` (NULL: none) of kind
 * `kind`, with reason. Returns 0 or MT_EIO. */
int mt_model_deploy(const char *dir, const char *agent, const char *id, enum mt_model_kind kind, const char *reason,
                    struct mt_err *err);

/* What agent runs: *kind, and its model id into id ("" when none). Without a
 * deployed.json (never trained): MT_MODEL_UNFILTERED, "" and *found false.
 * Returns 0, MT_EFORMAT (naming the file and member) or MT_EIO. */
int mt_model_deployed(const char *dir, const char *agent, enum mt_model_kind *kind, char id[MT_MODEL_ID_MAX],
                      bool *found, struct mt_err *err);

/* Reads the card of agent's model id (the caller frees it with cJSON_Delete). */
int mt_model_card(const char *dir, const char *agent, const char *id, cJSON **card, struct mt_err *err);

/* Loads agent's model id from dir into *m as a scorer of kind (booster: its
 * booster, selected columns, calibration and threshold; rule: the card's
 * rule, threshold 0.5), for rows of the given columns (names[0..n), the
 * feature set's first n_fset, then the setup's): the card's column hash must
 * be theirs (MT_EINVAL naming the agent, the model and both hashes). Returns 0, MT_ENOENT (no such model), MT_EFORMAT (a bad
 * card, naming the member) or the booster's error. */
int mt_model_load(const char *dir, const char *agent, const char *id, enum mt_model_kind kind,
                  const char (*names)[MT_FSET_NAME_MAX], size_t n, size_t n_fset, struct mt_model *m,
                  struct mt_err *err);

void mt_model_release(struct mt_model *m);

/* The deployed model of the agent `agent` running strategy_id on tf for
 * sides ("long", "short", "both") with feature set fs, from dir: *m (the
 * caller's, loaded) and *loaded true, or *loaded false when the agent runs
 * unfiltered (never trained, or the gate said so). A card of another
 * strategy, timeframe or sides is MT_EINVAL naming both; other errors as
 * mt_model_deployed and mt_model_load. */
int mt_model_open_deployed(const char *dir, const char *agent, const char *strategy_id, enum mt_tf tf,
                           const char *sides, const struct mt_fset *fs, struct mt_model *m, bool *loaded,
                           struct mt_err *err);

/* The score of setup x from the feature set's row (m->n_fset floats): the
 * full row is the feature row then mt_setup_features(x); a booster's
 * calibrated probability, a rule's 1 or 0. Returns 0, MT_EINVAL (no feature
 * row, or one of another width) or the booster's error. */
int mt_model_score(struct mt_model *m, const struct mt_setup *x, const float *row, size_t n, double *score,
                   struct mt_err *err);

/* The engine's scorer seam of one agent over m (mt_model_score). */
struct mt_scorer mt_model_scorer(struct mt_model *m);

#endif
