/* The XGBoost booster: parameters by name and range, training in both modes,
 * early stopping, missing values, weights, prediction paths, gain, save/load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/booster.h"
#include "testutil.h"

/* A data set owning its arrays. */
struct set {
    float *x, *y, *w;
    struct mt_booster_data d;
};

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static float uniform(uint64_t *s) /* [-1, 1) */
{
    return (float)((double)(rng_next(s) >> 11) / 9007199254740992.0 * 2 - 1);
}

/* rows x cols uniform features; the label is x0 + 0.5 x1 > 0, flipped with
 * probability noise. */
static void make_set(struct set *s, size_t rows, size_t cols, double noise, uint64_t seed)
{
    uint64_t r = seed * 2654435761u + 1;
    s->x = malloc(rows * cols * sizeof *s->x);
    s->y = malloc(rows * sizeof *s->y);
    s->w = NULL;
    assert_non_null(s->x);
    assert_non_null(s->y);
    for (size_t i = 0; i < rows; i++) {
        float *row = s->x + i * cols;
        for (size_t c = 0; c < cols; c++)
            row[c] = uniform(&r);
        bool pos = row[0] + 0.5f * row[1] > 0;
        if ((uniform(&r) + 1) / 2 < noise)
            pos = !pos;
        s->y[i] = pos ? 1.0f : 0.0f;
    }
    s->d = (struct mt_booster_data){s->x, s->y, NULL, rows, cols};
}

static void free_set(struct set *s)
{
    free(s->x);
    free(s->y);
    free(s->w);
}

static struct mt_booster *train(const struct mt_booster_params *p, const struct set *t, const struct set *v)
{
    struct mt_booster *b;
    struct mt_err err = {0};
    int rc = mt_booster_train(&b, p, &t->d, v ? &v->d : NULL, &err);
    if (rc)
        fail_msg("%s", err.msg);
    return b;
}

static double *predict(struct mt_booster *b, const struct set *s)
{
    double *out = malloc(s->d.rows * sizeof *out);
    assert_non_null(out);
    struct mt_err err = {0};
    int rc = mt_booster_predict(b, s->x, s->d.rows, s->d.cols, out, &err);
    if (rc)
        fail_msg("%s", err.msg);
    return out;
}

/* The share of (positive, negative) pairs ranked right, ties counting half. */
static double auc(const double *p, const float *y, size_t n)
{
    double good = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (y[i] == 1 && y[j] == 0) {
                pairs++;
                good += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
            }
    return good / pairs;
}

static double log_loss(const double *p, const float *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s -= y[i] == 1 ? log(p[i]) : log(1 - p[i]);
    return s / (double)n;
}

static struct mt_booster_params small_params(enum mt_booster_mode mode)
{
    struct mt_booster_params p = mt_booster_params_default(mode);
    p.n_trees = mode == MT_BOOSTER_RF ? 30 : 40;
    p.max_depth = 4;
    p.nthread = 1; /* the machines running the tests are busy */
    return p;
}

static void test_learns_both_modes(void **state)
{
    (void)state;
    struct set t, v;
    make_set(&t, 600, 6, 0, 1);
    make_set(&v, 400, 6, 0, 2);
    for (int m = 0; m < 2; m++) {
        struct mt_booster_params p = small_params(m ? MT_BOOSTER_RF : MT_BOOSTER_GBTREE);
        struct mt_booster *b = train(&p, &t, NULL);
        assert_int_equal(mt_booster_n_features(b), 6);
        assert_int_equal(mt_booster_rounds(b), m ? 1 : 40);
        double *pv = predict(b, &v);
        double a = auc(pv, v.y, v.d.rows);
        assert_true(a > 0.97);
        for (size_t i = 0; i < v.d.rows; i++)
            assert_true(pv[i] > 0 && pv[i] < 1);
        /* A clearly positive and a clearly negative point. */
        float far[2][6] = {{0.9f, 0.9f, 0, 0, 0, 0}, {-0.9f, -0.9f, 0, 0, 0, 0}};
        double hi, lo;
        struct mt_err err = {0};
        assert_int_equal(mt_booster_predict_row(b, far[0], &hi, &err), 0);
        assert_int_equal(mt_booster_predict_row(b, far[1], &lo, &err), 0);
        assert_true(hi > 0.8 && lo < 0.2);
        free(pv);
        mt_booster_free(b);
    }
    free_set(&t);
    free_set(&v);
}

static void assert_same_predictions(struct mt_booster *a, struct mt_booster *b, const struct set *s)
{
    double *pa = predict(a, s), *pb = predict(b, s);
    assert_memory_equal(pa, pb, s->d.rows * sizeof *pa);
    free(pa);
    free(pb);
}

static void assert_same_params(const struct mt_booster_params *a, const struct mt_booster_params *b)
{
    cJSON *ja = mt_booster_params_to_json(a), *jb = mt_booster_params_to_json(b);
    assert_true(cJSON_Compare(ja, jb, true));
    cJSON_Delete(ja);
    cJSON_Delete(jb);
}

static void test_save_load_bit_identical(void **state)
{
    (void)state;
    struct set t, v;
    make_set(&t, 500, 5, 0.1, 3);
    make_set(&v, 300, 5, 0.1, 4);
    v.x[7] = NAN;
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/models/m.ubj", dir);
    for (int m = 0; m < 2; m++) {
        struct mt_booster_params p = small_params(m ? MT_BOOSTER_RF : MT_BOOSTER_GBTREE);
        p.seed = 11;
        p.nthread = 1;
        struct mt_booster *b = train(&p, &t, NULL), *c, *f;
        struct mt_err err = {0};
        uint8_t *buf;
        size_t len;
        assert_int_equal(mt_booster_save_buffer(b, &buf, &len, &err), 0);
        assert_true(len > 100);
        assert_int_equal(mt_booster_load_buffer(&c, buf, len, 5, &err), 0);
        assert_int_equal(mt_booster_save(b, path, &err), 0);
        assert_int_equal(mt_booster_load(&f, path, 5, &err), 0);
        /* The file holds exactly the buffer. */
        size_t flen;
        char *file = tu_read_file(path, &flen);
        assert_int_equal(flen, len);
        assert_memory_equal(file, buf, len);
        assert_same_predictions(b, c, &v);
        assert_same_predictions(b, f, &v);
        assert_int_equal(mt_booster_rounds(c), mt_booster_rounds(b));
        assert_same_params(mt_booster_params(c), &p);
        assert_int_equal(mt_booster_params(f)->nthread, 1);
        free(file);
        free(buf);
        mt_booster_free(b);
        mt_booster_free(c);
        mt_booster_free(f);
    }
    tu_rmtree(dir);
    free(dir);
    free_set(&t);
    free_set(&v);
}

static void test_deterministic_for_a_seed(void **state)
{
    (void)state;
    struct set t, v;
    make_set(&t, 800, 8, 0.2, 5);
    make_set(&v, 200, 8, 0.2, 6);
    for (int m = 0; m < 2; m++) {
        struct mt_booster_params p = small_params(m ? MT_BOOSTER_RF : MT_BOOSTER_GBTREE);
        p.seed = 7;
        p.nthread = 2; /* also with threads */
        struct mt_booster *a = train(&p, &t, NULL), *b = train(&p, &t, NULL);
        assert_same_predictions(a, b, &v);
        /* The seed matters (subsampling): another one gives another model. */
        p.seed = 8;
        struct mt_booster *c = train(&p, &t, NULL);
        double *pa = predict(a, &v), *pc = predict(c, &v);
        assert_memory_not_equal(pa, pc, v.d.rows * sizeof *pa);
        free(pa);
        free(pc);
        mt_booster_free(a);
        mt_booster_free(b);
        mt_booster_free(c);
    }
    free_set(&t);
    free_set(&v);
}

static void test_early_stopping_keeps_the_best_round(void **state)
{
    (void)state;
    /* One informative feature among ten, 30% of the labels flipped: a deep,
     * fast learner overfits within a few dozen rounds. */
    struct set t, v;
    make_set(&t, 400, 10, 0.3, 7);
    make_set(&v, 400, 10, 0.3, 8);
    struct mt_booster_params p = mt_booster_params_default(MT_BOOSTER_GBTREE);
    p.n_trees = 300;
    p.learning_rate = 0.3;
    p.early_stopping_rounds = 5;
    p.nthread = 1;
    struct mt_booster *b = train(&p, &t, &v);
    int r = mt_booster_rounds(b);
    assert_true(r >= 1 && r < 300 - 5);
    /* The same training for exactly r rounds is the same model. */
    struct mt_booster_params q = p;
    q.early_stopping_rounds = 0;
    q.n_trees = r;
    struct mt_booster *e = train(&q, &t, NULL);
    assert_int_equal(mt_booster_rounds(e), r);
    assert_same_predictions(b, e, &v);
    /* ...and the saved model too. */
    struct mt_err err = {0};
    uint8_t *buf;
    size_t len;
    struct mt_booster *c;
    assert_int_equal(mt_booster_save_buffer(b, &buf, &len, &err), 0);
    assert_int_equal(mt_booster_load_buffer(&c, buf, len, 10, &err), 0);
    assert_int_equal(mt_booster_rounds(c), r);
    assert_same_predictions(b, c, &v);
    /* Round r is best: each of the 5 rounds after it has a higher validation log loss. */
    double *pb = predict(b, &v);
    double best = log_loss(pb, v.y, v.d.rows);
    for (int j = 1; j <= 5; j++) {
        q.n_trees = r + j;
        struct mt_booster *l = train(&q, &t, NULL);
        double *pl = predict(l, &v);
        assert_true(log_loss(pl, v.y, v.d.rows) >= best);
        free(pl);
        mt_booster_free(l);
    }
    free(pb);
    free(buf);
    mt_booster_free(b);
    mt_booster_free(c);
    mt_booster_free(e);
    free_set(&t);
    free_set(&v);
}

static void test_param_names_and_ranges(void **state)
{
    (void)state;
    struct mt_booster_params p = mt_booster_params_default(MT_BOOSTER_GBTREE);
    const struct mt_booster_params before = p;
    struct mt_err err = {0};
    assert_int_equal(mt_booster_param_set(&p, "max_dept", 6, &err), MT_EINVAL);
    assert_string_equal(err.msg,
                        "booster: unknown parameter \"max_dept\" (did you mean \"max_depth\"?); known: n_trees, "
                        "max_depth, learning_rate, subsample, colsample_bynode, colsample_bytree, "
                        "min_child_weight, reg_lambda, reg_alpha, gamma, max_bin, scale_pos_weight, "
                        "early_stopping_rounds, seed, nthread");
    assert_int_equal(mt_booster_param_set(&p, "eta", 0.1, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "booster: unknown parameter \"eta\"; known: n_trees, "));
    assert_int_equal(mt_booster_param_set(&p, "max_depth", 40, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: max_depth 40 is out of range [1, 16]");
    assert_int_equal(mt_booster_param_set(&p, "subsample", 0, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: subsample 0 is out of range (0, 1]");
    assert_int_equal(mt_booster_param_set(&p, "n_trees", 2.5, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: n_trees 2.5 is not an integer");
    assert_int_equal(mt_booster_param_set(&p, "gamma", NAN, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: gamma nan is out of range [0, 1000000]");
    assert_same_params(&p, &before);
    assert_int_equal(mt_booster_param_set(&p, "max_depth", 16, &err), 0);
    assert_int_equal(mt_booster_param_set(&p, "subsample", 0.5, &err), 0);
    assert_int_equal(p.max_depth, 16);
    tu_assert_same_double(p.subsample, 0.5);
    assert_int_equal(mt_booster_params_check(&p, &err), 0);

    /* The checks also guard a struct filled by hand, and the rules of RF. */
    p.max_depth = 0;
    assert_int_equal(mt_booster_params_check(&p, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: max_depth 0 is out of range [1, 16]");
    struct mt_booster_params rf = mt_booster_params_default(MT_BOOSTER_RF);
    assert_int_equal(mt_booster_params_check(&rf, &err), 0);
    rf.learning_rate = 0.5;
    assert_int_equal(mt_booster_params_check(&rf, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: rf needs learning_rate 1, got 0.5");
    rf = mt_booster_params_default(MT_BOOSTER_RF);
    rf.subsample = 1;
    assert_int_equal(mt_booster_params_check(&rf, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: rf needs subsample and colsample_bynode below 1 (got 1 and 0.8), "
                                 "otherwise its trees are all alike");
    rf = mt_booster_params_default(MT_BOOSTER_RF);
    rf.early_stopping_rounds = 3;
    assert_int_equal(mt_booster_params_check(&rf, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: rf trains one round: early_stopping_rounds must be 0, got 3");
}

static void test_params_json(void **state)
{
    (void)state;
    struct mt_booster_params p = mt_booster_params_default(MT_BOOSTER_RF), q;
    p.max_depth = 12;
    p.seed = 2147483647;
    cJSON *j = mt_booster_params_to_json(&p);
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(s, "{\"mode\":\"rf\",\"n_trees\":100,\"max_depth\":12,\"learning_rate\":1,\"subsample\":0.8,"
                           "\"colsample_bynode\":0.8,\"colsample_bytree\":1,\"min_child_weight\":1,"
                           "\"reg_lambda\":1e-05,\"reg_alpha\":0,\"gamma\":0,\"max_bin\":256,"
                           "\"scale_pos_weight\":1,\"early_stopping_rounds\":0,\"seed\":2147483647,\"nthread\":2}");
    struct mt_err err = {0};
    assert_int_equal(mt_booster_params_from_json(j, &q, &err), 0);
    assert_same_params(&p, &q);
    cJSON_free(s);
    cJSON_Delete(j);

    /* Missing fields take the mode's defaults. */
    j = cJSON_Parse("{\"mode\": \"gbtree\", \"max_depth\": 3}");
    assert_int_equal(mt_booster_params_from_json(j, &q, &err), 0);
    p = mt_booster_params_default(MT_BOOSTER_GBTREE);
    p.max_depth = 3;
    assert_same_params(&p, &q);
    cJSON_Delete(j);

    const struct {
        const char *json, *msg;
    } bad[] = {
        {"{\"mode\": \"gbtree\", \"max_dept\": 3}", "booster: unknown parameter \"max_dept\" (did you mean"},
        {"{\"max_depth\": 3}", "booster params: \"mode\" (\"gbtree\" or \"rf\") is missing"},
        {"{\"mode\": \"dart\"}", "booster params: mode \"dart\" is neither \"gbtree\" nor \"rf\""},
        {"{\"mode\": \"gbtree\", \"seed\": \"1\"}", "booster params: \"seed\" is not a number"},
        {"{\"mode\": \"rf\", \"max_depth\": 17}", "booster: max_depth 17 is out of range [1, 16]"},
        {"{\"mode\": \"rf\", \"learning_rate\": 0.3}", "booster: rf needs learning_rate 1, got 0.3"},
        {"[]", "booster params: expected a JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = cJSON_Parse(bad[i].json);
        q = mt_booster_params_default(MT_BOOSTER_RF);
        assert_int_not_equal(mt_booster_params_from_json(j, &q, &err), 0);
        assert_non_null(strstr(err.msg, bad[i].msg));
        assert_int_equal(q.max_depth, 8);
        cJSON_Delete(j);
    }
}

static void test_nan_is_missing(void **state)
{
    (void)state;
    /* Feature 0 is missing exactly on the positives: only a model that
     * routes NaN as missing can separate them. */
    struct set t;
    make_set(&t, 400, 3, 0, 9);
    for (size_t i = 0; i < t.d.rows; i++)
        t.x[i * 3] = t.y[i] == 1 ? NAN : fabsf(t.x[i * 3]);
    for (int m = 0; m < 2; m++) {
        struct mt_booster_params p = small_params(m ? MT_BOOSTER_RF : MT_BOOSTER_GBTREE);
        struct mt_booster *b = train(&p, &t, NULL);
        double *pt = predict(b, &t);
        for (size_t i = 0; i < t.d.rows; i++)
            assert_true(t.y[i] == 1 ? pt[i] > 0.8 : pt[i] < 0.2);
        free(pt);
        mt_booster_free(b);
    }
    free_set(&t);
}

static void test_weights_change_the_model(void **state)
{
    (void)state;
    struct set t, v;
    make_set(&t, 600, 4, 0.3, 10);
    make_set(&v, 300, 4, 0.3, 11);
    struct mt_booster_params p = small_params(MT_BOOSTER_GBTREE);
    struct mt_booster *plain = train(&p, &t, NULL);
    t.w = malloc(t.d.rows * sizeof *t.w);
    assert_non_null(t.w);
    for (size_t i = 0; i < t.d.rows; i++)
        t.w[i] = 1;
    t.d.w = t.w;
    struct mt_booster *ones = train(&p, &t, NULL);
    assert_same_predictions(plain, ones, &v);
    for (size_t i = 0; i < t.d.rows; i++)
        t.w[i] = t.y[i] == 1 ? 5.0f : 1.0f;
    struct mt_booster *heavy = train(&p, &t, NULL);
    double *a = predict(plain, &v), *b = predict(heavy, &v), ma = 0, mb = 0;
    for (size_t i = 0; i < v.d.rows; i++) {
        ma += a[i];
        mb += b[i];
    }
    /* Positives weighing 5 times as much raise every region's probability. */
    assert_true(mb / (double)v.d.rows > ma / (double)v.d.rows + 0.1);
    free(a);
    free(b);
    mt_booster_free(plain);
    mt_booster_free(ones);
    mt_booster_free(heavy);
    free_set(&t);
    free_set(&v);
}

static void test_row_path_equals_batch(void **state)
{
    (void)state;
    struct set t, v;
    make_set(&t, 500, 7, 0.2, 12);
    make_set(&v, 100, 7, 0.2, 13);
    for (size_t i = 0; i < v.d.rows; i += 3)
        v.x[i * 7 + i % 7] = NAN;
    for (int m = 0; m < 2; m++) {
        struct mt_booster_params p = small_params(m ? MT_BOOSTER_RF : MT_BOOSTER_GBTREE);
        struct mt_booster *b = train(&p, &t, NULL);
        double *batch = predict(b, &v);
        struct mt_err err = {0};
        for (size_t i = 0; i < v.d.rows; i++) {
            double one;
            assert_int_equal(mt_booster_predict_row(b, v.x + i * 7, &one, &err), 0);
            tu_assert_same_double(one, batch[i]);
        }
        free(batch);
        mt_booster_free(b);
    }
    free_set(&t);
    free_set(&v);
}

static void test_gain(void **state)
{
    (void)state;
    struct set t;
    make_set(&t, 600, 5, 0, 14);
    for (size_t i = 0; i < t.d.rows; i++)
        t.x[i * 5 + 4] = 1; /* a constant column is never split on */
    struct mt_booster_params p = small_params(MT_BOOSTER_GBTREE);
    struct mt_booster *b = train(&p, &t, NULL);
    double g[5];
    struct mt_err err = {0};
    assert_int_equal(mt_booster_gain(b, g, &err), 0);
    tu_assert_same_double(g[4], 0.0);
    /* The label is x0 + 0.5 x1 > 0: x0 gains most, then x1, then the noise. */
    assert_true(g[0] > g[1]);
    assert_true(g[1] > g[2] && g[1] > g[3]);
    assert_true(g[2] > 0);
    mt_booster_free(b);
    free_set(&t);
}

static void test_load_errors(void **state)
{
    (void)state;
    struct set t;
    make_set(&t, 200, 4, 0, 15);
    struct mt_booster_params p = small_params(MT_BOOSTER_GBTREE);
    struct mt_booster *b = train(&p, &t, NULL), *c = (struct mt_booster *)&p;
    struct mt_err err = {0};
    uint8_t *buf;
    size_t len;
    assert_int_equal(mt_booster_save_buffer(b, &buf, &len, &err), 0);
    assert_int_equal(mt_booster_load_buffer(&c, buf, len, 250, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: the model has 4 features, expected 250");
    assert_null(c);
    const uint8_t junk[] = "{not a model";
    assert_int_equal(mt_booster_load_buffer(&c, junk, sizeof junk - 1, 4, &err), MT_EFORMAT);
    assert_non_null(strstr(err.msg, "booster: loading the model failed: "));

    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/m.ubj", dir);
    assert_int_equal(mt_booster_save(b, path, &err), 0);
    assert_int_equal(mt_booster_load(&c, path, 3, &err), MT_EINVAL);
    char want[600];
    snprintf(want, sizeof want, "%s: booster: the model has 4 features, expected 3", path);
    assert_string_equal(err.msg, want);
    snprintf(path, sizeof path, "%s/none.ubj", dir);
    assert_int_equal(mt_booster_load(&c, path, 4, &err), MT_ENOENT);

    /* Predicting with the wrong column count. */
    double out[1];
    assert_int_equal(mt_booster_predict(b, t.x, 1, 5, out, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: the model has 4 features, the data 5 columns");
    tu_rmtree(dir);
    free(dir);
    free(buf);
    mt_booster_free(b);
    free_set(&t);
}

static void test_bad_training_data(void **state)
{
    (void)state;
    struct set t;
    make_set(&t, 50, 3, 0, 16);
    struct mt_booster_params p = small_params(MT_BOOSTER_GBTREE);
    struct mt_booster *b;
    struct mt_err err = {0};
    t.y[3] = 2;
    assert_int_equal(mt_booster_train(&b, &p, &t.d, NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: training row 3 has label 2, expected 0 or 1");
    assert_null(b);
    t.y[3] = 1;
    t.x[5 * 3 + 2] = INFINITY;
    assert_int_equal(mt_booster_train(&b, &p, &t.d, NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: training row 5 column 2 is infinite");
    t.x[5 * 3 + 2] = 0;
    p.early_stopping_rounds = 4;
    assert_int_equal(mt_booster_train(&b, &p, &t.d, NULL, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: early_stopping_rounds 4 needs a validation set");
    struct set v;
    make_set(&v, 20, 2, 0, 17);
    assert_int_equal(mt_booster_train(&b, &p, &t.d, &v.d, &err), MT_EINVAL);
    assert_string_equal(err.msg, "booster: the validation set has 2 columns, the training set 3");
    p.early_stopping_rounds = 0;
    p.max_depth = 17;
    assert_int_equal(mt_booster_train(&b, &p, &t.d, NULL, &err), MT_ERANGE);
    assert_string_equal(err.msg, "booster: max_depth 17 is out of range [1, 16]");
    free_set(&t);
    free_set(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_both_modes),
        cmocka_unit_test(test_save_load_bit_identical),
        cmocka_unit_test(test_deterministic_for_a_seed),
        cmocka_unit_test(test_early_stopping_keeps_the_best_round),
        cmocka_unit_test(test_param_names_and_ranges),
        cmocka_unit_test(test_params_json),
        cmocka_unit_test(test_nan_is_missing),
        cmocka_unit_test(test_weights_change_the_model),
        cmocka_unit_test(test_row_path_equals_batch),
        cmocka_unit_test(test_gain),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_bad_training_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
