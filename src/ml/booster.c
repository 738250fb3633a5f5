#include "ml/booster.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xgboost/c_api.h>

#include "core/atomic.h"
#include "core/fileio.h"

struct mt_booster {
    BoosterHandle h;
    BoosterHandle row; /* the same trees, predicting on one thread */
    struct mt_booster_params p;
    size_t n_features;
    int rounds;
};

/* One numeric parameter: where it lives, its range, its defaults and the
 * XGBoost parameter it becomes (NULL for ours: n_trees, early stopping). */
struct param_def {
    const char *name;
    bool is_int;
    size_t off;
    double lo, hi;
    bool lo_open; /* the range excludes lo */
    double gbt, rf;
    const char *xgb;
};

#define P_INT(f, lo, hi, gbt, rf, xgb) \
    {#f, true, offsetof(struct mt_booster_params, f), lo, hi, false, gbt, rf, xgb}
#define P_DBL(f, lo, hi, open, gbt, rf, xgb) \
    {#f, false, offsetof(struct mt_booster_params, f), lo, hi, open, gbt, rf, xgb}

static const struct param_def params[] = {
    P_INT(n_trees, 1, 10000, 200, 100, NULL),
    P_INT(max_depth, 1, 16, 6, 8, "max_depth"),
    P_DBL(learning_rate, 0, 1, true, 0.1, 1, "eta"),
    P_DBL(subsample, 0, 1, true, 0.8, 0.8, "subsample"),
    P_DBL(colsample_bynode, 0, 1, true, 1, 0.8, "colsample_bynode"),
    P_DBL(colsample_bytree, 0, 1, true, 0.8, 1, "colsample_bytree"),
    P_DBL(min_child_weight, 0, 1e6, false, 1, 1, "min_child_weight"),
    P_DBL(reg_lambda, 0, 1e6, false, 1, 1e-5, "lambda"),
    P_DBL(reg_alpha, 0, 1e6, false, 0, 0, "alpha"),
    P_DBL(gamma, 0, 1e6, false, 0, 0, "gamma"),
    P_INT(max_bin, 2, 1024, 256, 256, "max_bin"),
    P_DBL(scale_pos_weight, 0, 1e6, true, 1, 1, "scale_pos_weight"),
    P_INT(early_stopping_rounds, 0, 1000, 0, 0, NULL),
    P_INT(seed, 0, 2147483647, 0, 0, "seed"),
    P_INT(nthread, 0, 256, 2, 2, "nthread"),
};
#define N_PARAMS (sizeof params / sizeof params[0])

static const char *const mode_names[] = {"gbtree", "rf"};

static double param_get(const struct mt_booster_params *p, const struct param_def *d)
{
    const char *base = (const char *)p + d->off;
    if (d->is_int)
        return *(const int *)(const void *)base;
    return *(const double *)(const void *)base;
}

static void param_put(struct mt_booster_params *p, const struct param_def *d, double v)
{
    char *base = (char *)p + d->off;
    if (d->is_int)
        *(int *)(void *)base = (int)v;
    else
        *(double *)(void *)base = v;
}

struct mt_booster_params mt_booster_params_default(enum mt_booster_mode mode)
{
    assert(mode == MT_BOOSTER_GBTREE || mode == MT_BOOSTER_RF);
    struct mt_booster_params p = {.mode = mode};
    for (size_t i = 0; i < N_PARAMS; i++)
        param_put(&p, &params[i], mode == MT_BOOSTER_RF ? params[i].rf : params[i].gbt);
    return p;
}

static int check_value(const struct param_def *d, double v, struct mt_err *err)
{
    if (!(d->lo_open ? v > d->lo : v >= d->lo) || !(v <= d->hi))
        return mt_err_set(err, MT_ERANGE, "booster: %s %g is out of range %c%.10g, %.10g]", d->name, v,
                          d->lo_open ? '(' : '[', d->lo, d->hi);
    if (d->is_int && v != floor(v))
        return mt_err_set(err, MT_ERANGE, "booster: %s %g is not an integer", d->name, v);
    return 0;
}

/* Levenshtein distance of a and b, both shorter than 64 characters. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    assert(lb < 64);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_param(const char *name, struct mt_err *err)
{
    char known[512];
    size_t used = 0;
    const char *close = NULL;
    size_t close_d = 3; /* a suggestion needs at most 2 edits */
    for (size_t i = 0; i < N_PARAMS; i++) {
        int n = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", params[i].name);
        assert(n > 0 && (size_t)n < sizeof known - used);
        used += (size_t)n;
        size_t d = strlen(name) < 64 ? edit_distance(name, params[i].name) : close_d;
        if (d < close_d) {
            close_d = d;
            close = params[i].name;
        }
    }
    if (close)
        return mt_err_set(err, MT_EINVAL, "booster: unknown parameter \"%s\" (did you mean \"%s\"?); known: %s",
                          name, close, known);
    return mt_err_set(err, MT_EINVAL, "booster: unknown parameter \"%s\"; known: %s", name, known);
}

int mt_booster_param_set(struct mt_booster_params *p, const char *name, double value,
                         struct mt_err *err)
{
    for (size_t i = 0; i < N_PARAMS; i++) {
        if (strcmp(params[i].name, name) != 0)
            continue;
        int rc = check_value(&params[i], value, err);
        if (rc == 0)
            param_put(p, &params[i], value);
        return rc;
    }
    return unknown_param(name, err);
}

int mt_booster_params_check(const struct mt_booster_params *p, struct mt_err *err)
{
    if (p->mode != MT_BOOSTER_GBTREE && p->mode != MT_BOOSTER_RF)
        return mt_err_set(err, MT_EINVAL, "booster: mode %d is neither gbtree nor rf", (int)p->mode);
    for (size_t i = 0; i < N_PARAMS; i++) {
        int rc = check_value(&params[i], param_get(p, &params[i]), err);
        if (rc)
            return rc;
    }
    if (p->mode == MT_BOOSTER_RF) {
        if (p->learning_rate != 1)
            return mt_err_set(err, MT_EINVAL, "booster: rf needs learning_rate 1, got %g", p->learning_rate);
        if (p->subsample >= 1 || p->colsample_bynode >= 1)
            return mt_err_set(err, MT_EINVAL,
                              "booster: rf needs subsample and colsample_bynode below 1 (got %g and %g), "
                              "otherwise its trees are all alike",
                              p->subsample, p->colsample_bynode);
        if (p->early_stopping_rounds != 0)
            return mt_err_set(err, MT_EINVAL,
                              "booster: rf trains one round: early_stopping_rounds must be 0, got %d",
                              p->early_stopping_rounds);
    }
    return 0;
}

cJSON *mt_booster_params_to_json(const struct mt_booster_params *p)
{
    assert(p->mode == MT_BOOSTER_GBTREE || p->mode == MT_BOOSTER_RF);
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "mode", mode_names[p->mode]))
        goto fail;
    for (size_t i = 0; i < N_PARAMS; i++)
        if (!cJSON_AddNumberToObject(o, params[i].name, param_get(p, &params[i])))
            goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

int mt_booster_params_from_json(const cJSON *json, struct mt_booster_params *p, struct mt_err *err)
{
    if (!cJSON_IsObject(json))
        return mt_err_set(err, MT_EFORMAT, "booster params: expected a JSON object");
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(json, "mode");
    if (!cJSON_IsString(mode))
        return mt_err_set(err, MT_EFORMAT, "booster params: \"mode\" (\"gbtree\" or \"rf\") is missing");
    struct mt_booster_params q;
    if (strcmp(mode->valuestring, "gbtree") == 0)
        q = mt_booster_params_default(MT_BOOSTER_GBTREE);
    else if (strcmp(mode->valuestring, "rf") == 0)
        q = mt_booster_params_default(MT_BOOSTER_RF);
    else
        return mt_err_set(err, MT_EFORMAT, "booster params: mode \"%s\" is neither \"gbtree\" nor \"rf\"",
                          mode->valuestring);
    for (const cJSON *it = json->child; it; it = it->next) {
        if (it == mode)
            continue;
        if (!cJSON_IsNumber(it))
            return mt_err_set(err, MT_EFORMAT, "booster params: \"%s\" is not a number", it->string);
        int rc = mt_booster_param_set(&q, it->string, it->valuedouble, err);
        if (rc)
            return rc;
    }
    int rc = mt_booster_params_check(&q, err);
    if (rc)
        return rc;
    *p = q;
    return 0;
}

/* XGBoost's message for its last failing call, as an error of code. */
static int xgb_fail(struct mt_err *err, int code, const char *what)
{
    const char *m = XGBGetLastError();
    /* Its messages start with a "[time] file:line: " prefix that means nothing to a user. */
    const char *colon = m ? strstr(m, ": ") : NULL;
    if (m && m[0] == '[' && colon)
        m = colon + 2;
    if (!m || !*m)
        return mt_err_set(err, code, "booster: %s failed (no message from xgboost)", what);
    /* ...and end with a stack trace on the lines after. */
    return mt_err_set(err, code, "booster: %s failed: %.*s", what, (int)strcspn(m, "\n"), m);
}

#define XGB(call, code, what)                      \
    do {                                           \
        if ((call) != 0)                           \
            return xgb_fail(err, (code), (what)); \
    } while (0)

static int set_param(BoosterHandle h, const char *name, const char *value, struct mt_err *err)
{
    if (XGBoosterSetParam(h, name, value) != 0)
        return xgb_fail(err, MT_EINVAL, name);
    return 0;
}

static int set_num(BoosterHandle h, const char *name, double v, bool is_int, struct mt_err *err)
{
    char s[40];
    if (is_int)
        snprintf(s, sizeof s, "%d", (int)v);
    else
        snprintf(s, sizeof s, "%.17g", v);
    return set_param(h, name, s, err);
}

/* The settings every booster runs with, trained or loaded. */
static int set_runtime(BoosterHandle h, const struct mt_booster_params *p, struct mt_err *err)
{
    int rc = set_param(h, "verbosity", "0", err);
    if (rc == 0)
        rc = set_num(h, "nthread", p->nthread, true, err);
    return rc;
}

static int configure(BoosterHandle h, const struct mt_booster_params *p, struct mt_err *err)
{
    int rc = set_runtime(h, p, err);
    if (rc == 0)
        rc = set_param(h, "objective", "binary:logistic", err);
    if (rc == 0)
        rc = set_param(h, "tree_method", "hist", err);
    if (rc == 0 && p->mode == MT_BOOSTER_RF)
        rc = set_num(h, "num_parallel_tree", p->n_trees, true, err);
    for (size_t i = 0; rc == 0 && i < N_PARAMS; i++)
        if (params[i].xgb)
            rc = set_num(h, params[i].xgb, param_get(p, &params[i]), params[i].is_int, err);
    return rc;
}

static int check_data(const struct mt_booster_data *d, const char *what, struct mt_err *err)
{
    if (d->rows == 0 || d->cols == 0)
        return mt_err_set(err, MT_EINVAL, "booster: the %s set is empty (%zu rows x %zu columns)", what,
                          d->rows, d->cols);
    if (d->rows > UINT32_MAX || d->cols > INT32_MAX || d->rows > SIZE_MAX / d->cols)
        return mt_err_set(err, MT_ELIMIT, "booster: the %s set is too large (%zu rows x %zu columns)", what,
                          d->rows, d->cols);
    double wsum = 0;
    for (size_t r = 0; r < d->rows; r++) {
        if (d->y[r] != 0 && d->y[r] != 1)
            return mt_err_set(err, MT_EINVAL, "booster: %s row %zu has label %g, expected 0 or 1", what, r,
                              (double)d->y[r]);
        if (d->w && !(d->w[r] >= 0 && isfinite(d->w[r])))
            return mt_err_set(err, MT_EINVAL, "booster: %s row %zu has weight %g, expected a finite number >= 0",
                              what, r, (double)d->w[r]);
        wsum += d->w ? d->w[r] : 1;
        const float *row = d->x + r * d->cols;
        for (size_t c = 0; c < d->cols; c++)
            if (isinf(row[c]))
                return mt_err_set(err, MT_EINVAL, "booster: %s row %zu column %zu is infinite", what, r, c);
    }
    if (!(wsum > 0))
        return mt_err_set(err, MT_EINVAL, "booster: the weights of the %s set sum to 0", what);
    return 0;
}

static int make_dmatrix(const struct mt_booster_data *d, int nthread, DMatrixHandle *out, struct mt_err *err)
{
    XGB(XGDMatrixCreateFromMat_omp(d->x, d->rows, d->cols, NAN, out, nthread), MT_EINVAL, "creating a matrix");
    bst_ulong n = (bst_ulong)d->rows;
    if (XGDMatrixSetFloatInfo(*out, "label", d->y, n) != 0 ||
        (d->w && XGDMatrixSetFloatInfo(*out, "weight", d->w, n) != 0)) {
        int rc = xgb_fail(err, MT_EINVAL, "setting labels and weights");
        XGDMatrixFree(*out);
        return rc;
    }
    return 0;
}

/* The weighted log loss of the predictions p on d. */
static double log_loss(const struct mt_booster_data *d, const float *p)
{
    const double eps = 1e-15;
    double sum = 0, wsum = 0;
    for (size_t r = 0; r < d->rows; r++) {
        double q = fmin(fmax((double)p[r], eps), 1 - eps);
        double w = d->w ? d->w[r] : 1;
        sum -= w * (d->y[r] == 1 ? log(q) : log(1 - q));
        wsum += w;
    }
    return sum / wsum;
}

static const char predict_config[] =
    "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
    "\"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}";

/* Boosts up to p->n_trees rounds, watching the log loss on dvalid when early
 * stopping; *best is the number of rounds to keep. */
static int boost(BoosterHandle h, const struct mt_booster_params *p, DMatrixHandle dtrain,
                 DMatrixHandle dvalid, const struct mt_booster_data *valid, int *best, struct mt_err *err)
{
    int rounds = p->mode == MT_BOOSTER_RF ? 1 : p->n_trees;
    bool stopping = p->early_stopping_rounds > 0;
    double best_loss = INFINITY;
    *best = rounds;
    for (int i = 0; i < rounds; i++) {
        XGB(XGBoosterUpdateOneIter(h, i, dtrain), MT_EINVAL, "training");
        if (!stopping)
            continue;
        /* dvalid is in the booster's cache: each round adds one tree's output. */
        bst_ulong const *shape;
        bst_ulong dim;
        float const *pred;
        XGB(XGBoosterPredictFromDMatrix(h, dvalid, predict_config, &shape, &dim, &pred), MT_EINVAL,
            "predicting the validation set");
        assert(dim == 1 && shape[0] == valid->rows);
        double loss = log_loss(valid, pred);
        if (loss < best_loss) {
            best_loss = loss;
            *best = i + 1;
        } else if (i + 1 - *best >= p->early_stopping_rounds) {
            break;
        }
    }
    return 0;
}

/* Wraps h (owned by *out on success, the caller's on error). The row path
 * predicts with a copy of the trees on one thread: waking OpenMP workers for
 * one row costs more than the row (docs/internals/ml.md). */
static int booster_new(struct mt_booster **out, BoosterHandle h, const struct mt_booster_params *p,
                       size_t n_features, int rounds, struct mt_err *err)
{
    BoosterHandle row;
    XGB(XGBoosterSlice(h, 0, rounds, 1, &row), MT_EINVAL, "copying the trees");
    struct mt_booster_params one = *p;
    one.nthread = 1;
    int rc = set_runtime(row, &one, err);
    if (rc == 0 && !(*out = malloc(sizeof **out)))
        rc = mt_err_set(err, MT_ENOMEM, "booster: out of memory");
    if (rc) {
        XGBoosterFree(row);
        return rc;
    }
    **out = (struct mt_booster){h, row, *p, n_features, rounds};
    return 0;
}

/* Records p in h's attributes, which its saved model carries. */
static int store_params(BoosterHandle h, const struct mt_booster_params *p, struct mt_err *err)
{
    cJSON *j = mt_booster_params_to_json(p);
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!s)
        return mt_err_set(err, MT_ENOMEM, "booster: out of memory");
    int rc = XGBoosterSetAttr(h, "mt_params", s) != 0 ? xgb_fail(err, MT_EINVAL, "storing the parameters") : 0;
    cJSON_free(s);
    return rc;
}

int mt_booster_train(struct mt_booster **out, const struct mt_booster_params *p,
                     const struct mt_booster_data *train, const struct mt_booster_data *valid,
                     struct mt_err *err)
{
    *out = NULL;
    int rc = mt_booster_params_check(p, err);
    if (rc)
        return rc;
    bool stopping = p->early_stopping_rounds > 0;
    if (stopping && !valid)
        return mt_err_set(err, MT_EINVAL, "booster: early_stopping_rounds %d needs a validation set",
                          p->early_stopping_rounds);
    if ((rc = check_data(train, "training", err)) != 0)
        return rc;
    if (stopping) {
        if ((rc = check_data(valid, "validation", err)) != 0)
            return rc;
        if (valid->cols != train->cols)
            return mt_err_set(err, MT_EINVAL, "booster: the validation set has %zu columns, the training set %zu",
                              valid->cols, train->cols);
    }
    DMatrixHandle dm[2] = {NULL, NULL};
    BoosterHandle h = NULL, kept = NULL;
    int best;
    if ((rc = make_dmatrix(train, p->nthread, &dm[0], err)) != 0)
        return rc;
    if (stopping && (rc = make_dmatrix(valid, p->nthread, &dm[1], err)) != 0)
        goto fail_dtrain;
    if (XGBoosterCreate(dm, stopping ? 2 : 1, &h) != 0) {
        rc = xgb_fail(err, MT_EINVAL, "creating the booster");
        goto fail_dvalid;
    }
    if ((rc = configure(h, p, err)) != 0 || (rc = boost(h, p, dm[0], dm[1], valid, &best, err)) != 0)
        goto fail_booster;
    int done;
    if (XGBoosterBoostedRounds(h, &done) != 0) {
        rc = xgb_fail(err, MT_EINVAL, "counting the rounds");
        goto fail_booster;
    }
    kept = h;
    if (best < done) {
        if (XGBoosterSlice(h, 0, best, 1, &kept) != 0) {
            rc = xgb_fail(err, MT_EINVAL, "keeping the best rounds");
            goto fail_booster;
        }
        XGBoosterFree(h);
        h = NULL;
    }
    if ((rc = set_runtime(kept, p, err)) != 0 || (rc = store_params(kept, p, err)) != 0)
        goto fail_kept;
    if ((rc = booster_new(out, kept, p, train->cols, best, err)) != 0)
        goto fail_kept;
    if (dm[1])
        XGDMatrixFree(dm[1]);
    XGDMatrixFree(dm[0]);
    return 0;
fail_kept:
    if (kept != h)
        XGBoosterFree(kept);
fail_booster:
    if (h)
        XGBoosterFree(h);
fail_dvalid:
    if (dm[1])
        XGDMatrixFree(dm[1]);
fail_dtrain:
    XGDMatrixFree(dm[0]);
    return rc;
}

void mt_booster_free(struct mt_booster *b)
{
    if (!b)
        return;
    XGBoosterFree(b->row);
    XGBoosterFree(b->h);
    free(b);
}

size_t mt_booster_n_features(const struct mt_booster *b)
{
    return b->n_features;
}

int mt_booster_rounds(const struct mt_booster *b)
{
    return b->rounds;
}

const struct mt_booster_params *mt_booster_params(const struct mt_booster *b)
{
    return &b->p;
}

/* In-place prediction by h of rows rows of x (no DMatrix to build). */
static int predict(BoosterHandle h, size_t n_features, const float *x, size_t rows, double *out,
                   struct mt_err *err)
{
    char iface[160];
    snprintf(iface, sizeof iface,
             "{\"data\": [%" PRIuPTR ", true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", \"version\": 3}",
             (uintptr_t)x, rows, n_features);
    bst_ulong const *shape;
    bst_ulong dim;
    float const *pred;
    XGB(XGBoosterPredictFromDense(h, iface, predict_config, NULL, &shape, &dim, &pred), MT_EINVAL,
        "predicting");
    assert(dim >= 1 && shape[0] == rows);
    for (size_t r = 0; r < rows; r++)
        out[r] = pred[r];
    return 0;
}

int mt_booster_predict(struct mt_booster *b, const float *x, size_t rows, size_t cols, double *out,
                       struct mt_err *err)
{
    if (cols != b->n_features)
        return mt_err_set(err, MT_EINVAL, "booster: the model has %zu features, the data %zu columns",
                          b->n_features, cols);
    if (rows == 0)
        return 0;
    return predict(b->h, b->n_features, x, rows, out, err);
}

int mt_booster_predict_row(struct mt_booster *b, const float *x, double *out, struct mt_err *err)
{
    return predict(b->row, b->n_features, x, 1, out, err);
}

int mt_booster_gain(struct mt_booster *b, double *out, struct mt_err *err)
{
    bst_ulong n, dim;
    char const **names;
    bst_ulong const *shape;
    float const *scores;
    XGB(XGBoosterFeatureScore(b->h, "{\"importance_type\": \"total_gain\"}", &n, &names, &dim, &shape, &scores),
        MT_EINVAL, "computing the feature gains");
    for (size_t c = 0; c < b->n_features; c++)
        out[c] = 0;
    /* Only the features split on are listed, named "f<column>". */
    for (bst_ulong i = 0; i < n; i++) {
        char *end = NULL;
        unsigned long long c = names[i][0] == 'f' ? strtoull(names[i] + 1, &end, 10) : ULLONG_MAX;
        if (c >= b->n_features || *end != '\0')
            return mt_err_set(err, MT_EFORMAT, "booster: xgboost names an unknown feature \"%s\"", names[i]);
        out[c] = scores[i];
    }
    return 0;
}

int mt_booster_save_buffer(struct mt_booster *b, uint8_t **buf, size_t *len, struct mt_err *err)
{
    bst_ulong n;
    char const *data;
    XGB(XGBoosterSaveModelToBuffer(b->h, "{\"format\": \"ubj\"}", &n, &data), MT_EINVAL, "saving the model");
    if (!(*buf = malloc(n)))
        return mt_err_set(err, MT_ENOMEM, "booster: out of memory for a %" PRIu64 "-byte model", (uint64_t)n);
    memcpy(*buf, data, n);
    *len = (size_t)n;
    return 0;
}

static int load_params(BoosterHandle h, struct mt_booster_params *p, struct mt_err *err)
{
    const char *s;
    int found;
    XGB(XGBoosterGetAttr(h, "mt_params", &s, &found), MT_EFORMAT, "reading the parameters");
    if (!found)
        return mt_err_set(err, MT_EFORMAT, "booster: the model has no parameters (not saved by mtrader)");
    cJSON *j = cJSON_Parse(s);
    if (!j)
        return mt_err_set(err, MT_EFORMAT, "booster: the model's parameters are not JSON");
    int rc = mt_booster_params_from_json(j, p, err);
    cJSON_Delete(j);
    return rc;
}

int mt_booster_load_buffer(struct mt_booster **out, const uint8_t *buf, size_t len,
                           size_t n_features, struct mt_err *err)
{
    *out = NULL;
    BoosterHandle h;
    XGB(XGBoosterCreate(NULL, 0, &h), MT_EINVAL, "creating the booster");
    struct mt_booster_params p;
    bst_ulong nf;
    int rounds, rc;
    if (XGBoosterLoadModelFromBuffer(h, buf, (bst_ulong)len) != 0) {
        rc = xgb_fail(err, MT_EFORMAT, "loading the model");
        goto fail;
    }
    if (XGBoosterGetNumFeature(h, &nf) != 0 || XGBoosterBoostedRounds(h, &rounds) != 0) {
        rc = xgb_fail(err, MT_EFORMAT, "reading the model");
        goto fail;
    }
    if (nf != n_features) {
        rc = mt_err_set(err, MT_EINVAL, "booster: the model has %" PRIu64 " features, expected %zu",
                        (uint64_t)nf, n_features);
        goto fail;
    }
    if ((rc = load_params(h, &p, err)) != 0 || (rc = set_runtime(h, &p, err)) != 0)
        goto fail;
    if ((rc = booster_new(out, h, &p, n_features, rounds, err)) != 0)
        goto fail;
    return 0;
fail:
    XGBoosterFree(h);
    return rc;
}

struct model_bytes {
    const uint8_t *buf;
    size_t len;
};

static int write_model(FILE *f, void *ctx, struct mt_err *err)
{
    const struct model_bytes *m = ctx;
    if (fwrite(m->buf, 1, m->len, f) != m->len)
        return mt_err_set(err, MT_EIO, "write failed");
    return 0;
}

int mt_booster_save(struct mt_booster *b, const char *path, struct mt_err *err)
{
    struct model_bytes m;
    uint8_t *buf;
    int rc = mt_booster_save_buffer(b, &buf, &m.len, err);
    if (rc)
        return mt_err_prefix(err, "%s", path);
    m.buf = buf;
    rc = mt_atomic_write(path, write_model, &m, NULL, err);
    free(buf);
    return rc;
}

int mt_booster_load(struct mt_booster **out, const char *path, size_t n_features, struct mt_err *err)
{
    *out = NULL;
    char *data;
    size_t len;
    int rc = mt_read_file(path, MT_BOOSTER_FILE_MAX, &data, &len, err);
    if (rc)
        return rc;
    rc = mt_booster_load_buffer(out, (const uint8_t *)data, len, n_features, err);
    free(data);
    return rc ? mt_err_prefix(err, "%s", path) : 0;
}
