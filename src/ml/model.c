/* The model registry and the scorer (see model.h). */
#include "ml/model.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "core/atomic.h"
#include "core/fileio.h"
#include "ml/booster.h"
#include "ml/trainset.h"

#define CARD_MAX_BYTES ((size_t)16 << 20)

static const char *const kind_names[] = {"booster", "rule", "unfiltered"};

const char *mt_model_kind_name(enum mt_model_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : NULL;
}

void mt_model_columns_hash(const char (*names)[MT_FSET_NAME_MAX], size_t n, char hex[MT_MODEL_HASH_HEX + 1])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, names[i], strnlen(names[i], MT_FSET_NAME_MAX)) == 1 &&
             EVP_DigestUpdate(ctx, "\n", 1) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == sizeof md;
    EVP_MD_CTX_free(ctx);
    assert(ok); /* SHA-256 of memory cannot fail short of OpenSSL being broken */
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int mt_model_dir(const char *dir, const char *agent, const char *id, char *buf, size_t size, struct mt_err *err)
{
    int n = id ? snprintf(buf, size, "%s/%s/%s", dir, agent, id) : snprintf(buf, size, "%s/%s", dir, agent);
    if (n < 0 || (size_t)n >= size)
        return mt_err_set(err, MT_ELIMIT, "models: the path of agent %s's model %s is too long", agent, id ? id : "");
    return 0;
}

/* Writes text to path atomically. */
static int fill_text(FILE *f, void *ctx, struct mt_err *err)
{
    (void)err;
    const char *text = ctx;
    return fputs(text, f) < 0 || fputc('\n', f) == EOF ? MT_EIO : 0;
}

static int write_json(const char *path, const cJSON *j, struct mt_err *err)
{
    char *text = cJSON_Print(j);
    if (!text)
        return mt_err_set(err, MT_ENOMEM, "models: out of memory writing %s", path);
    int rc = mt_atomic_write(path, fill_text, text, NULL, err);
    cJSON_free(text);
    return rc;
}

int mt_model_save(const char *dir, const char *agent, const char *id, const cJSON *card, struct mt_booster *booster,
                  struct mt_err *err)
{
    char d[MT_MODEL_PATH_MAX], path[MT_MODEL_PATH_MAX + 16];
    int rc = mt_model_dir(dir, agent, id, d, sizeof d, err);
    struct stat st;
    if (rc == 0 && stat(d, &st) == 0) /* a model is never replaced: a deployment may name it */
        return mt_err_set(err, MT_EINVAL, "models: agent %s already has a model %s (%s); train again in a second",
                          agent, id, d);
    if (rc == 0 && booster) {
        snprintf(path, sizeof path, "%s/model.ubj", d);
        rc = mt_booster_save(booster, path, err);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/card.json", d);
        rc = write_json(path, card, err);
    }
    return rc;
}

int mt_model_deploy(const char *dir, const char *agent, const char *id, enum mt_model_kind kind, const char *reason,
                    struct mt_err *err)
{
    char d[MT_MODEL_PATH_MAX], path[MT_MODEL_PATH_MAX + 16];
    int rc = mt_model_dir(dir, agent, NULL, d, sizeof d, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/deployed.json", d);
    cJSON *j = cJSON_CreateObject();
    bool ok = j && (id ? cJSON_AddStringToObject(j, "model", id) : cJSON_AddNullToObject(j, "model")) &&
              cJSON_AddStringToObject(j, "kind", mt_model_kind_name(kind)) &&
              cJSON_AddStringToObject(j, "reason", reason ? reason : "");
    rc = ok ? write_json(path, j, err) : mt_err_set(err, MT_ENOMEM, "models: out of memory writing %s", path);
    cJSON_Delete(j);
    return rc;
}

/* Reads the JSON file at path into *out. */
static int read_json(const char *path, cJSON **out, struct mt_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mt_read_file(path, CARD_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    *out = cJSON_ParseWithLength(text, len);
    free(text);
    if (!*out)
        return mt_err_set(err, MT_EFORMAT, "models: %s is not valid JSON", path);
    return 0;
}

int mt_model_deployed(const char *dir, const char *agent, enum mt_model_kind *kind, char id[MT_MODEL_ID_MAX],
                      bool *found, struct mt_err *err)
{
    *kind = MT_MODEL_UNFILTERED;
    id[0] = 0;
    *found = false;
    char d[MT_MODEL_PATH_MAX], path[MT_MODEL_PATH_MAX + 16];
    int rc = mt_model_dir(dir, agent, NULL, d, sizeof d, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/deployed.json", d);
    cJSON *j = NULL;
    struct mt_err lerr = {0};
    rc = read_json(path, &j, &lerr);
    if (rc == MT_ENOENT)
        return 0;
    if (rc) {
        *err = lerr;
        return rc;
    }
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "kind");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "model");
    int which = -1;
    for (int i = 0; cJSON_IsString(k) && i < 3; i++)
        if (strcmp(k->valuestring, kind_names[i]) == 0)
            which = i;
    bool has_id = cJSON_IsString(m) && strlen(m->valuestring) < MT_MODEL_ID_MAX && m->valuestring[0];
    if (which < 0 || (which != MT_MODEL_UNFILTERED && !has_id) || (which == MT_MODEL_UNFILTERED && !cJSON_IsNull(m)))
        rc = mt_err_set(err, MT_EFORMAT,
                        "models: %s: expected {\"kind\": \"booster\"|\"rule\"|\"unfiltered\", \"model\": an id "
                        "(null when unfiltered)}",
                        path);
    else {
        *kind = (enum mt_model_kind)which;
        if (has_id)
            snprintf(id, MT_MODEL_ID_MAX, "%s", m->valuestring);
        *found = true;
    }
    cJSON_Delete(j);
    return rc;
}

int mt_model_card(const char *dir, const char *agent, const char *id, cJSON **card, struct mt_err *err)
{
    char d[MT_MODEL_PATH_MAX], path[MT_MODEL_PATH_MAX + 16];
    int rc = mt_model_dir(dir, agent, id, d, sizeof d, err);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/card.json", d);
    return read_json(path, card, err);
}

void mt_model_release(struct mt_model *m)
{
    free(m->sel);
    mt_booster_free(m->booster);
    mt_calib_release(&m->calib);
    free(m->row);
    free(m->in);
    memset(m, 0, sizeof *m);
}

/* The index of column `name` among names[0..n), or -1. */
static long column_of(const char (*names)[MT_FSET_NAME_MAX], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(names[i], name, MT_FSET_NAME_MAX) == 0)
            return (long)i;
    return -1;
}

/* A member of the card, or a format error naming it. */
static const cJSON *member(const cJSON *card, const char *name, const char *what, struct mt_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(card, name);
    if (!v)
        mt_err_set(err, MT_EFORMAT, "model card %s: missing \"%s\" (%s)", what, name, "expected by mtrader");
    return v;
}

static int load_card(const cJSON *card, const char *what, const char (*names)[MT_FSET_NAME_MAX], size_t n,
                     struct mt_model *m, struct mt_err *err)
{
    const cJSON *cols = member(card, "features", what, err);
    const cJSON *hash = cols ? cJSON_GetObjectItemCaseSensitive(cols, "hash") : NULL;
    if (!cJSON_IsString(hash))
        return mt_err_set(err, MT_EFORMAT, "model card %s: \"features\" needs a \"hash\" string", what);
    char mine[MT_MODEL_HASH_HEX + 1];
    mt_model_columns_hash(names, n, mine);
    if (strcmp(mine, hash->valuestring) != 0)
        return mt_err_set(err, MT_EINVAL,
                          "model %s was trained on other feature columns (hash %.12s..., these are %.12s...): "
                          "retrain it with `mtrader train` or use its feature set",
                          what, hash->valuestring, mine);
    if (m->kind == MT_MODEL_RULE) {
        m->threshold = 0.5; /* a rule scores 1 or 0 */
        const cJSON *rule = member(card, "rule", what, err);
        const cJSON *col = rule ? cJSON_GetObjectItemCaseSensitive(rule, "column") : NULL;
        const cJSON *dir = rule ? cJSON_GetObjectItemCaseSensitive(rule, "dir") : NULL;
        const cJSON *at = rule ? cJSON_GetObjectItemCaseSensitive(rule, "threshold") : NULL;
        long c = cJSON_IsString(col) ? column_of(names, n, col->valuestring) : -1;
        if (c < 0 || !cJSON_IsString(dir) || (strcmp(dir->valuestring, ">=") && strcmp(dir->valuestring, "<=")) ||
            !cJSON_IsNumber(at))
            return mt_err_set(err, MT_EFORMAT,
                              "model card %s: \"rule\" must be {\"column\": a feature column, \"dir\": \">=\"|\"<=\", "
                              "\"threshold\": a number}",
                              what);
        m->rule.col = (size_t)c;
        m->rule.dir = dir->valuestring[0] == '>' ? MT_RULE_GE : MT_RULE_LE;
        m->rule.threshold = (float)at->valuedouble;
        return 0;
    }
    const cJSON *sel = member(card, "selected", what, err);
    int ns = cJSON_IsArray(sel) ? cJSON_GetArraySize(sel) : -1;
    if (ns < 1)
        return mt_err_set(err, MT_EFORMAT, "model card %s: \"selected\" must be a non-empty array of columns", what);
    m->sel = malloc((size_t)ns * sizeof *m->sel);
    m->in = malloc((size_t)ns * sizeof *m->in);
    if (!m->sel || !m->in)
        return mt_err_set(err, MT_ENOMEM, "models: out of memory loading %s", what);
    for (int i = 0; i < ns; i++) {
        const cJSON *v = cJSON_GetArrayItem(sel, i);
        long c = cJSON_IsString(v) ? column_of(names, n, v->valuestring) : -1;
        if (c < 0)
            return mt_err_set(err, MT_EFORMAT, "model card %s: selected column %d (%s) is not a feature column", what,
                              i + 1, cJSON_IsString(v) ? v->valuestring : "not a string");
        m->sel[i] = (size_t)c;
    }
    m->n_sel = (size_t)ns;
    const cJSON *thr = member(card, "threshold", what, err);
    if (!cJSON_IsNumber(thr) || !(thr->valuedouble >= 0 && thr->valuedouble <= 1))
        return mt_err_set(err, MT_EFORMAT, "model card %s: \"threshold\" must be a number in [0, 1]", what);
    m->threshold = thr->valuedouble;
    const cJSON *cal = member(card, "calibration", what, err);
    return cal ? mt_calib_from_json(&m->calib, cal, err) : MT_EFORMAT;
}

int mt_model_load(const char *dir, const char *agent, const char *id, enum mt_model_kind kind,
                  const char (*names)[MT_FSET_NAME_MAX], size_t n, size_t n_fset, struct mt_model *m,
                  struct mt_err *err)
{
    memset(m, 0, sizeof *m);
    mt_calib_init(&m->calib);
    char what[MT_MODEL_PATH_MAX];
    snprintf(what, sizeof what, "%s/%s", agent, id);
    cJSON *card = NULL;
    int rc = mt_model_card(dir, agent, id, &card, err);
    if (rc)
        return rc;
    assert(kind == MT_MODEL_BOOSTER || kind == MT_MODEL_RULE);
    m->kind = kind;
    snprintf(m->id, sizeof m->id, "%s", id);
    m->n_columns = n;
    m->n_fset = n_fset;
    m->row = malloc((n ? n : 1) * sizeof *m->row);
    if (rc == 0 && !m->row)
        rc = mt_err_set(err, MT_ENOMEM, "models: out of memory loading %s", what);
    if (rc == 0)
        rc = load_card(card, what, names, n, m, err);
    cJSON_Delete(card);
    if (rc == 0 && m->kind == MT_MODEL_BOOSTER) {
        char d[MT_MODEL_PATH_MAX], path[MT_MODEL_PATH_MAX + 16];
        if ((rc = mt_model_dir(dir, agent, id, d, sizeof d, err)) == 0) {
            snprintf(path, sizeof path, "%s/model.ubj", d);
            rc = mt_booster_load(&m->booster, path, m->n_sel, err);
        }
    }
    if (rc)
        mt_model_release(m);
    return rc;
}

int mt_model_score(struct mt_model *m, const struct mt_setup *x, const float *row, size_t n, double *score,
                   struct mt_err *err)
{
    if (!row || n != m->n_fset)
        return mt_err_set(err, MT_EINVAL, "model %s: expected a feature row of %zu columns, got %zu", m->id, m->n_fset,
                          row ? n : 0);
    memcpy(m->row, row, n * sizeof *row);
    float setup[MT_SETUP_FEATURES_MAX];
    size_t k = mt_setup_features(x, setup);
    for (size_t c = n; c < m->n_columns; c++) /* the card's setup columns; a value the setup lacks is NaN */
        m->row[c] = c - n < k ? setup[c - n] : NAN;
    if (m->kind == MT_MODEL_RULE) {
        *score = mt_rule_accepts(&m->rule, m->row) ? 1 : 0;
        return 0;
    }
    for (size_t i = 0; i < m->n_sel; i++)
        m->in[i] = m->row[m->sel[i]];
    double p;
    int rc = mt_booster_predict_row(m->booster, m->in, &p, err);
    if (rc)
        return rc;
    *score = m->calib.kind == MT_CALIB_NONE ? p : mt_calib_apply(&m->calib, p);
    if (isnan(*score))
        *score = 0;
    return 0;
}

static int score_seam(void *ctx, uint32_t agent, uint32_t series, const struct mt_setup *x, const float *row, size_t n,
                      double *score, struct mt_err *err)
{
    (void)agent, (void)series;
    return mt_model_score(ctx, x, row, n, score, err);
}

struct mt_scorer mt_model_scorer(struct mt_model *m)
{
    return (struct mt_scorer){score_seam, m};
}

int mt_model_open_deployed(const char *dir, const char *agent, const char *strategy_id, enum mt_tf tf,
                           const char *sides, const struct mt_fset *fs, struct mt_model *m, bool *loaded,
                           struct mt_err *err)
{
    *loaded = false;
    enum mt_model_kind kind;
    char id[MT_MODEL_ID_MAX];
    bool found;
    int rc = mt_model_deployed(dir, agent, &kind, id, &found, err);
    if (rc || kind == MT_MODEL_UNFILTERED)
        return rc;
    cJSON *card = NULL;
    if ((rc = mt_model_card(dir, agent, id, &card, err)))
        return rc;
    /* a model of another strategy, timeframe or sides is not this agent's any more */
    const char *want[3][2] = {{"strategy", strategy_id}, {"timeframe", mt_tf_name(tf)}, {"sides", sides}};
    for (int k = 0; rc == 0 && k < 3; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(card, want[k][0]);
        if (!cJSON_IsString(v) || strcmp(v->valuestring, want[k][1]) != 0)
            rc = mt_err_set(err, MT_EINVAL,
                            "model %s/%s was trained for %s %s, the agent now has %s: retrain it with `mtrader train`",
                            agent, id, want[k][0], cJSON_IsString(v) ? v->valuestring : "(none)", want[k][1]);
    }
    cJSON_Delete(card);
    char (*names)[MT_FSET_NAME_MAX] = NULL;
    size_t n, n_fset;
    if (rc == 0 && (rc = mt_trainset_columns(fs, tf, strategy_id, &names, &n, &n_fset, err)) == 0)
        rc = mt_model_load(dir, agent, id, kind, (const char (*)[MT_FSET_NAME_MAX])names, n, n_fset, m, err);
    free(names);
    *loaded = rc == 0;
    return rc;
}
