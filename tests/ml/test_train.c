/* The training pipeline on synthetic training sets whose answer is known:
 * a label that depends only on the future is not found on the test period
 * (AUC about 0.5, nothing deployed), a planted causal signal is found and
 * promoted, the outcome itself as a feature gives AUC about 1 (so the check
 * can fail both ways); the card's per-fold metrics and reliability curves;
 * and the registry: the card, the deployment, loading and scoring (also of a
 * card written before those), and a feature set that does not match. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/time.h"
#include "ml/booster.h"
#include "ml/model.h"
#include "ml/train.h"
#include "testutil.h"

#define ROWS 2400
#define COLS 8
#define HOUR 3600000LL

static uint64_t rng_state;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

enum scenario { FUTURE_ONLY, CAUSAL, OUTCOME };

/* A training set of one symbol: a setup every hour, each living 6 hours.
 * Columns 0..3: past returns of a random walk (causal), 4..6 noise, 7
 * depends on the scenario. The outcome r is +1.5 R (a win) or -1 R. */
static void make_set(enum scenario sc, struct mt_trainset *t)
{
    memset(t, 0, sizeof *t);
    rng_state = 42 + (uint64_t)sc;
    t->rows = t->cap = ROWS;
    t->cols = COLS;
    t->x = malloc(ROWS * COLS * sizeof *t->x);
    t->names = calloc(COLS, sizeof *t->names);
    t->t0 = malloc(ROWS * sizeof *t->t0);
    t->t1 = malloc(ROWS * sizeof *t->t1);
    t->r = malloc(ROWS * sizeof *t->r);
    t->symbol = calloc(ROWS, sizeof *t->symbol);
    t->source = calloc(ROWS, sizeof *t->source);
    t->side = malloc(ROWS);
    t->symbols = calloc(1, sizeof *t->symbols);
    t->n_symbols = 1;
    snprintf(t->symbols[0], sizeof t->symbols[0], "SYNUSDT");
    t->by_source[MT_ROW_BACKTEST] = ROWS;
    /* the columns are named as a Trail Fractals agent's with a one-item feature set are (rsi_14,
     * then the setup's), so that its deployment loads as the agent's; their values are synthetic */
    struct mt_fset fs;
    struct mt_err err = {0};
    const char one[] = "{\"features\": [{\"indicator\": \"rsi\", \"period\": 14}]}";
    assert_int_equal(mt_fset_parse(one, sizeof one - 1, "one", &fs, &err), 0);
    char (*names)[MT_FSET_NAME_MAX];
    size_t n, n_fset;
    assert_int_equal(mt_trainset_columns(&fs, MT_TF_1H, "trail_fractals:5:2", &names, &n, &n_fset, &err), 0);
    assert_int_equal(n, COLS);
    memcpy(t->names, names, COLS * sizeof *names);
    t->n_fset = n_fset;
    free(names);
    mt_fset_release(&fs);
    double ret[ROWS + 8];
    for (int i = 0; i < ROWS + 8; i++)
        ret[i] = gauss();
    for (size_t i = 0; i < ROWS; i++) {
        float *row = t->x + i * COLS;
        t->t0[i] = 1600000000000LL + (int64_t)i * HOUR;
        t->t1[i] = t->t0[i] + 6 * HOUR;
        t->side[i] = 1;
        for (int c = 0; c < 4; c++)
            row[c] = (float)ret[i + 4 - (size_t)c]; /* the last four returns, known at t0 */
        for (int c = 4; c < 7; c++)
            row[c] = (float)gauss();
        bool win;
        if (sc == CAUSAL) { /* the past decides, weakly per column */
            double z = 0.8 * (row[0] + row[1] + row[2] + row[3]);
            win = uniform() < 1 / (1 + exp(-z));
        } else /* the next returns decide: nothing known at t0 tells them */
            win = ret[i + 5] + ret[i + 6] > 0;
        t->r[i] = win ? 1.5 : -1;
        row[7] = sc == OUTCOME ? (float)(t->r[i] + 0.01 * gauss()) : (float)gauss();
    }
}

static struct mt_train_opts quick_opts(void)
{
    struct mt_train_opts o = mt_train_opts_default();
    o.tune_rows = 1000; /* the folds' fits read every other training row */
    o.trials = 6;
    o.folds = 3;
    o.shuffled = 2;
    o.importance_repeats = 1;
    o.gate.resamples = 500;
    return o;
}

static const struct mt_train_agent agent = {"syn", "trail_fractals:5:2", "1h", "long", "test"};

/* Trains scenario sc into dir; returns the result. */
static struct mt_train_result train(enum scenario sc, const char *dir, const char *id, struct mt_trainset *t)
{
    make_set(sc, t);
    struct mt_fset fs;
    struct mt_err err = {0};
    /* the set the exclusions are measured on; these columns are none of its */
    const char one[] = "{\"features\": [{\"indicator\": \"rsi\", \"period\": 14}]}";
    assert_int_equal(mt_fset_parse(one, sizeof one - 1, "one", &fs, &err), 0);
    struct mt_train_opts o = quick_opts();
    struct mt_train_result r;
    int rc = mt_train(t, &fs, MT_TF_1H, &agent, &o, dir, id, NULL, NULL, &r, &err);
    if (rc)
        fail_msg("train: %s", err.msg);
    mt_fset_release(&fs);
    return r;
}

/* Member name of o as a number (null, a NaN the card printed, as NaN). */
static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsNull(v))
        return NAN;
    if (!cJSON_IsNumber(v))
        fail_msg("card: \"%s\" is not a number", name);
    return v->valuedouble;
}

/* Member name of o, a time string, in ms. */
static int64_t time_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v))
        fail_msg("card: \"%s\" is not a string", name);
    int64_t ms;
    struct mt_err err = {0};
    assert_int_equal(mt_time_parse(v->valuestring, &ms, &err), 0);
    return ms;
}

/* A reliability curve of the card: 10 bins tiling [0, 1] whose rows sum to
 * rows and whose wins sum to wins, each bin's mean score inside it. */
static void check_reliability(const cJSON *curve, double rows, double wins)
{
    assert_true(cJSON_IsArray(curve));
    assert_int_equal(cJSON_GetArraySize(curve), 10);
    double n = 0, pos = 0;
    for (int b = 0; b < 10; b++) {
        const cJSON *bin = cJSON_GetArrayItem(curve, b);
        tu_assert_close(num(bin, "lo"), b / 10.0, 1e-15);
        tu_assert_close(num(bin, "hi"), (b + 1) / 10.0, 1e-15);
        double nb = num(bin, "n"), ms = num(bin, "mean_score"), rate = num(bin, "rate");
        n += nb;
        if (nb == 0) {
            assert_true(isnan(ms) && isnan(rate));
            continue;
        }
        /* binned by floor(score * 10): a score an ulp under lo can land in the bin */
        assert_true(ms >= num(bin, "lo") - 1e-12 && ms <= num(bin, "hi") + 1e-12);
        assert_true(rate >= 0 && rate <= 1);
        pos += rate * nb;
    }
    tu_assert_same_double(n, rows);
    tu_assert_close(pos, wins, 1e-9);
}

/* The card's "cv_folds" and "reliability" of a run on t with quick_opts:
 * one fold per configured fold, in time order, tiling the training span; each
 * fold's rows are t's rows of its span (their wins and mean R as t says);
 * the folds' counts add up to the card's "cv" (the same out-of-fold scores at
 * the same threshold); the planted signal ranks in every fold. */
static void check_card_folds(const cJSON *card, const struct mt_trainset *t)
{
    const cJSON *folds = cJSON_GetObjectItemCaseSensitive(card, "cv_folds");
    assert_non_null(folds);
    assert_true(cJSON_IsArray(folds));
    assert_int_equal(cJSON_GetArraySize(folds), quick_opts().folds);
    const cJSON *span = cJSON_GetObjectItemCaseSensitive(card, "span");
    const cJSON *cv = cJSON_GetObjectItemCaseSensitive(card, "cv");
    const cJSON *test = cJSON_GetObjectItemCaseSensitive(card, "test");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(card, "rows");
    int64_t prev = time_of(span, "from") - 1, train_to = time_of(span, "train_to");
    double n = 0, wins = 0, accepted = 0, true_pos = 0, sum_r = 0, sum_r_acc = 0;
    for (int f = 0; f < cJSON_GetArraySize(folds); f++) {
        const cJSON *fo = cJSON_GetArrayItem(folds, f);
        int64_t from = time_of(fo, "from"), to = time_of(fo, "to");
        assert_true(from > prev && from <= to && to <= train_to);
        prev = to;
        /* the synthetic rows' t0 are distinct hours: the fold holds t's rows of [from, to] */
        double m = 0, w = 0, r = 0;
        for (size_t i = 0; i < t->rows; i++)
            if (t->t0[i] >= from && t->t0[i] <= to) {
                m++;
                w += t->r[i] >= 0.5;
                r += t->r[i];
            }
        double fr = num(fo, "rows"), acc = num(fo, "accepted"), prec = num(fo, "precision");
        tu_assert_same_double(fr, m);
        tu_assert_close(num(fo, "base_rate") * fr, w, 1e-9);
        tu_assert_close(num(fo, "mean_r_all"), r / m, 1e-12);
        assert_true(acc >= 1 && acc <= fr);
        assert_true(prec >= 0 && prec <= 1);
        assert_true(num(fo, "auc") > 0.6);
        assert_true(num(fo, "logloss") > 0 && num(fo, "brier") > 0 && num(fo, "brier") < 0.25);
        n += fr, wins += w, accepted += acc, true_pos += prec * acc, sum_r += r;
        sum_r_acc += num(fo, "mean_r_accepted") * acc;
    }
    assert_true(prev == train_to);
    tu_assert_same_double(n, num(rows, "train"));
    tu_assert_same_double(n, num(cv, "rows"));
    tu_assert_same_double(accepted, num(cv, "accepted"));
    tu_assert_close(true_pos, num(cv, "precision") * num(cv, "accepted"), 1e-9);
    tu_assert_close(sum_r, num(cv, "mean_r_all") * n, 1e-9);
    tu_assert_close(sum_r_acc, num(cv, "mean_r_accepted") * accepted, 1e-9);
    const cJSON *rel = cJSON_GetObjectItemCaseSensitive(card, "reliability");
    assert_non_null(rel);
    check_reliability(cJSON_GetObjectItemCaseSensitive(rel, "cv"), n, wins);
    double tw = num(test, "base_rate") * num(test, "rows");
    check_reliability(cJSON_GetObjectItemCaseSensitive(rel, "test"), num(rows, "test"), tw);
}

static void test_future_only_label_finds_nothing(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_trainset t;
    struct mt_train_result r = train(FUTURE_ONLY, dir, "20240101T000000Z", &t);
    assert_int_equal(r.rows, ROWS);
    assert_true(r.train_rows + r.test_rows + r.purged == ROWS);
    assert_true(r.test_rows > 400 && r.test_rows < 560); /* the last 20% of the span */
    assert_true(r.purged >= 5);                          /* the rows whose 6 h straddle the boundary */
    assert_true(fabs(r.test.auc - 0.5) < 0.06);
    assert_true(r.gate.decision != MT_GATE_PROMOTE_MODEL);
    /* nothing to keep from before: the agent runs unfiltered or the rule, never this model */
    enum mt_model_kind kind;
    char id[MT_MODEL_ID_MAX];
    bool found;
    struct mt_err err = {0};
    assert_int_equal(mt_model_deployed(dir, "syn", &kind, id, &found, &err), 0);
    assert_true(found);
    assert_int_equal(kind, r.deployed);
    assert_true(kind != MT_MODEL_BOOSTER);
    /* a model is never replaced: the same id again fails, naming it */
    const char one[] = "{\"features\": [{\"indicator\": \"rsi\", \"period\": 14}]}";
    struct mt_fset fs;
    assert_int_equal(mt_fset_parse(one, sizeof one - 1, "one", &fs, &err), 0);
    struct mt_train_opts o = quick_opts();
    struct mt_train_result again;
    assert_int_equal(mt_train(&t, &fs, MT_TF_1H, &agent, &o, dir, "20240101T000000Z", NULL, NULL, &again, &err),
                     MT_EINVAL);
    assert_non_null(strstr(err.msg, "agent syn already has a model 20240101T000000Z"));
    mt_fset_release(&fs);
    mt_trainset_release(&t);
    tu_rmtree(dir);
    free(dir);
}

static void test_planted_signal_is_found_and_promoted(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_trainset t;
    struct mt_train_result r = train(CAUSAL, dir, "20240101T000000Z", &t);
    assert_true(r.test.auc > 0.72);
    assert_true(r.cv.auc > 0.72);
    assert_true(r.test.mean_r_accepted > r.test.mean_r_all + 0.2);
    assert_int_equal(r.gate.decision, MT_GATE_PROMOTE_MODEL);
    assert_int_equal(r.deployed, MT_MODEL_BOOSTER);
    assert_string_equal(r.deployed_id, "20240101T000000Z");
    /* the causal columns are selected; the card says so */
    cJSON *card = NULL;
    struct mt_err err = {0};
    assert_int_equal(mt_model_card(dir, "syn", "20240101T000000Z", &card, &err), 0);
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(card, "selected");
    bool has_c0 = false;
    for (int i = 0; i < cJSON_GetArraySize(sel); i++)
        has_c0 |= strcmp(cJSON_GetArrayItem(sel, i)->valuestring, t.names[0]) == 0;
    assert_true(has_c0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(card, "promoted")));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(card, "agent")->valuestring, "syn");
    const cJSON *test = cJSON_GetObjectItemCaseSensitive(card, "test");
    tu_assert_same_double(cJSON_GetObjectItemCaseSensitive(test, "auc")->valuedouble, r.test.auc);
    check_card_folds(card, &t);

    /* the deployed model scores a row as the booster and the calibration do */
    struct mt_model m;
    assert_int_equal(mt_model_load(dir, "syn", "20240101T000000Z", MT_MODEL_BOOSTER,
                                   (const char (*)[MT_FSET_NAME_MAX])t.names, t.cols, t.cols, &m, &err),
                     0);
    tu_assert_close(m.threshold, r.threshold, 1e-15); /* cJSON prints 15 digits when they read back within its epsilon */
    struct mt_setup x = {.time = 0, .side = 1, .price = 100, .stop = 99, .target = NAN, .rr = NAN};
    double lo = 2, hi = -1;
    for (size_t i = 0; i < 50; i++) {
        const float *row = mt_trainset_row(&t, t.rows - 1 - i);
        double s;
        assert_int_equal(mt_model_score(&m, &x, row, t.cols, &s, &err), 0);
        float in[COLS];
        for (size_t k = 0; k < m.n_sel; k++)
            in[k] = row[m.sel[k]];
        double p;
        assert_int_equal(mt_booster_predict_row(m.booster, in, &p, &err), 0);
        tu_assert_same_double(s, mt_calib_apply(&m.calib, p));
        lo = fmin(lo, s), hi = fmax(hi, s);
    }
    assert_true(lo >= 0 && hi <= 1 && hi - lo > 0.2);
    /* a feature row of another width is refused */
    double s;
    assert_int_equal(mt_model_score(&m, &x, mt_trainset_row(&t, 0), t.cols - 1, &s, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "expected a feature row of 8 columns, got 7"));
    mt_model_release(&m);

    /* a card written before "cv_folds" and "reliability" still loads */
    cJSON_DeleteItemFromObjectCaseSensitive(card, "cv_folds");
    cJSON_DeleteItemFromObjectCaseSensitive(card, "reliability");
    char *old = cJSON_Print(card), path[MT_MODEL_PATH_MAX];
    assert_non_null(old);
    snprintf(path, sizeof path, "%s/syn/20240101T000000Z/card.json", dir);
    tu_write_file(path, old, strlen(old));
    free(old);
    cJSON_Delete(card);
    assert_int_equal(mt_model_load(dir, "syn", "20240101T000000Z", MT_MODEL_BOOSTER,
                                   (const char (*)[MT_FSET_NAME_MAX])t.names, t.cols, t.cols, &m, &err),
                     0);
    tu_assert_close(m.threshold, r.threshold, 1e-15);
    mt_model_release(&m);

    /* other feature columns: a clear error, nothing loaded */
    char other[COLS][MT_FSET_NAME_MAX];
    memcpy(other, t.names, sizeof other);
    snprintf(other[3], sizeof other[3], "c3_renamed");
    assert_string_not_equal(other[3], t.names[3]);
    assert_int_equal(mt_model_load(dir, "syn", "20240101T000000Z", MT_MODEL_BOOSTER,
                                   (const char (*)[MT_FSET_NAME_MAX])other, COLS, COLS, &m, &err),
                     MT_EINVAL);
    assert_non_null(strstr(err.msg, "was trained on other feature columns"));

    /* a later model the gate refuses: the agent keeps this one */
    struct mt_trainset t2;
    struct mt_train_result r2 = train(FUTURE_ONLY, dir, "20240201T000000Z", &t2);
    if (r2.gate.decision == MT_GATE_UNFILTERED) {
        assert_int_equal(r2.deployed, MT_MODEL_BOOSTER);
        assert_string_equal(r2.deployed_id, "20240101T000000Z");
        assert_non_null(strstr(r2.why, "keeps its booster 20240101T000000Z"));
    } else {
        assert_int_equal(r2.gate.decision, MT_GATE_USE_RULE);
        assert_int_equal(r2.deployed, MT_MODEL_RULE);
    }
    mt_trainset_release(&t2);
    mt_trainset_release(&t);
    tu_rmtree(dir);
    free(dir);
}

static void test_outcome_as_feature_is_found(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    struct mt_trainset t;
    struct mt_train_result r = train(OUTCOME, dir, "20240101T000000Z", &t);
    assert_true(r.test.auc > 0.99);
    assert_true(r.test.precision > 0.97);
    mt_trainset_release(&t);
    tu_rmtree(dir);
    free(dir);
}

static void test_options_and_ids(void **state)
{
    (void)state;
    struct mt_train_opts o = mt_train_opts_default();
    struct mt_err err = {0};
    assert_int_equal(mt_train_opts_check(&o, &err), 0);
    o.folds = 1;
    assert_int_equal(mt_train_opts_check(&o, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "train: folds must be in [2, 10]");
    o = mt_train_opts_default();
    o.test_frac = 0.9;
    assert_int_equal(mt_train_opts_check(&o, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "train: test_frac must be in [0.05, 0.5]");
    o = mt_train_opts_default();
    o.tune_rows = 10;
    assert_int_equal(mt_train_opts_check(&o, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "train: tune_rows must be in [1000, 100000000]");
    char id[MT_MODEL_ID_MAX];
    mt_model_id(1733106600123LL, id); /* 2024-12-02 02:30:00.123 UTC */
    assert_string_equal(id, "20241202T023000Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_and_ids),
        cmocka_unit_test(test_future_only_label_finds_nothing),
        cmocka_unit_test(test_planted_signal_is_found_and_promoted),
        cmocka_unit_test(test_outcome_as_feature_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
