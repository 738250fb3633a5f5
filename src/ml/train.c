/* The primary model's training pipeline (see train.h). */
#include "ml/train.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/time.h"
#include "ml/booster.h"
#include "ml/calibrate.h"
#include "ml/evaluate.h"
#include "ml/rule.h"
#include "ml/select.h"
#include "ml/split.h"
#include "ml/tpe.h"

#define DAY_MS 86400000LL

struct mt_train_opts mt_train_opts_default(void)
{
    struct mt_train_opts o = {.win_r = 0.5,
                              .test_frac = 0.2,
                              .folds = 4,
                              .embargo_frac = 0.01,
                              .trials = 50,
                              .shuffled = 3,
                              .min_accept = 0.1,
                              .importance_repeats = 2,
                              .mi_top = 40,
                              .seed = 1,
                              .tune_rows = 100000,
                              .jobs = 0,
                              .nthread = 1};
    mt_gate_params_default(&o.gate);
    return o;
}

int mt_train_opts_check(const struct mt_train_opts *o, struct mt_err *err)
{
#define RANGE(ok, name, range)                                                                                         \
    if (!(ok))                                                                                                         \
        return mt_err_set(err, MT_ECONFIG, "train: %s must be in %s", name, range);
    RANGE(o->win_r >= MT_TRAIN_WIN_R_MIN && o->win_r <= MT_TRAIN_WIN_R_MAX, "win_r", "[-10, 10]");
    RANGE(o->test_frac >= MT_TRAIN_TEST_FRAC_MIN && o->test_frac <= MT_TRAIN_TEST_FRAC_MAX, "test_frac", "[0.05, 0.5]");
    RANGE(o->folds >= MT_TRAIN_FOLDS_MIN && o->folds <= MT_TRAIN_FOLDS_MAX, "folds", "[2, 10]");
    RANGE(o->embargo_frac >= 0 && o->embargo_frac <= MT_TRAIN_EMBARGO_MAX, "embargo_frac", "[0, 0.1]");
    RANGE(o->trials >= 1 && o->trials <= MT_TRAIN_TRIALS_MAX, "trials", "[1, 1000]");
    RANGE(o->shuffled >= 0 && o->shuffled <= MT_TRAIN_SHUFFLED_MAX, "shuffled", "[0, 20]");
    RANGE(o->min_accept > 0 && o->min_accept <= 1, "min_accept", "(0, 1]");
    RANGE(o->importance_repeats >= 1 && o->importance_repeats <= MT_TRAIN_IMPORTANCE_MAX, "importance_repeats",
          "[1, 20]");
    RANGE(o->mi_top >= 1 && o->mi_top <= MT_TRAIN_MI_TOP_MAX, "mi_top", "[1, 1000]");
    RANGE(o->seed >= 0, "seed", "[0, 2^63)");
    RANGE(o->tune_rows >= 1000 && o->tune_rows <= MT_TRAIN_TUNE_ROWS_MAX, "tune_rows", "[1000, 100000000]");
    RANGE(o->jobs >= 0 && o->jobs <= MT_TRAIN_JOBS_MAX, "jobs", "[0, 64]");
    RANGE(o->nthread >= 0 && o->nthread <= MT_TRAIN_NTHREAD_MAX, "nthread", "[0, 256]");
#undef RANGE
    return 0;
}

void mt_model_id(int64_t ms, char id[MT_MODEL_ID_MAX])
{
    int64_t days = ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS), s = (ms - days * DAY_MS) / 1000, y;
    unsigned mo, d;
    mt_civil_from_days(days, &y, &mo, &d);
    snprintf(id, MT_MODEL_ID_MAX, "%04lld%02u%02uT%02lld%02lld%02lldZ", (long long)y, mo, d, (long long)(s / 3600),
             (long long)(s / 60 % 60), (long long)(s % 60));
}

/* The processors online, in [1, MT_TRAIN_JOBS_MAX]. */
static size_t online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MT_TRAIN_JOBS_MAX ? MT_TRAIN_JOBS_MAX : (size_t)n;
}

/* ---- the run's state ---- */

struct job {
    const struct mt_trainset *ts;
    const struct mt_train_opts *o;
    size_t n;
    uint8_t *y;   /* labels */
    double *yd;   /* labels as doubles (selection) */
    double *w;    /* average uniqueness */
    size_t *tr;   /* training rows (global indices, time order) */
    size_t n_tr;
    size_t *te;   /* test rows */
    size_t n_te;
    int64_t *t0, *t1; /* of the training rows */
    /* the folds: positions into tr */
    size_t k;
    size_t **fit, *n_fit; /* each fold's training positions */
    size_t **val, *n_val; /* its validation positions */
    /* the selected columns */
    size_t *cols, n_cols;
    size_t workers;           /* fits at once */
    struct fitter *fitters;   /* one per worker */
    mt_train_progress_fn progress;
    void *progress_ctx;
    size_t done, total;
};

static void step_done(struct job *j)
{
    j->done++;
    if (j->progress)
        j->progress(j->progress_ctx, j->done, j->total);
}

/* One worker's fits: the columns it reads and its scratch matrix. */
struct fitter {
    const struct job *j;
    const size_t *cols; /* indices into the full row */
    size_t n_cols;
    float *xb, *yb, *wb;
    size_t cap_rows, cap_cols; /* the scratch holds cap_rows x cap_cols */
};

static void fitter_release(struct fitter *f)
{
    free(f->xb), free(f->yb), free(f->wb);
    f->xb = f->yb = f->wb = NULL;
    f->cap_rows = f->cap_cols = 0;
}

/* Gathers rows rows[0..n) (global indices) and f's columns into f's scratch
 * matrix, with labels y (NULL: the job's) and class-balanced weights. */
static int gather(struct fitter *f, const size_t *rows, size_t n, const uint8_t *y, struct mt_booster_data *d,
                  struct mt_err *err)
{
    const struct job *j = f->j;
    if (n > f->cap_rows || f->n_cols > f->cap_cols) {
        if (!mt_resize((void **)&f->xb, n * (f->n_cols ? f->n_cols : 1), sizeof *f->xb) ||
            !mt_resize((void **)&f->yb, n, sizeof *f->yb) || !mt_resize((void **)&f->wb, n, sizeof *f->wb))
            return mt_err_set(err, MT_ENOMEM, "train: out of memory for %zu rows x %zu columns", n, f->n_cols);
        f->cap_rows = n;
        f->cap_cols = f->n_cols;
    }
    double wpos = 0, wneg = 0;
    for (size_t i = 0; i < n; i++) {
        const float *row = mt_trainset_row(j->ts, rows[i]);
        for (size_t c = 0; c < f->n_cols; c++)
            f->xb[i * f->n_cols + c] = row[f->cols[c]];
        uint8_t yi = y ? y[i] : j->y[rows[i]];
        f->yb[i] = yi;
        if (yi)
            wpos += j->w[rows[i]];
        else
            wneg += j->w[rows[i]];
    }
    /* class balance inside these rows only: both classes weigh the same */
    double fpos = wpos > 0 ? (wpos + wneg) / (2 * wpos) : 1, fneg = wneg > 0 ? (wpos + wneg) / (2 * wneg) : 1;
    for (size_t i = 0; i < n; i++)
        f->wb[i] = (float)(j->w[rows[i]] * (f->yb[i] != 0 ? fpos : fneg));
    *d = (struct mt_booster_data){f->xb, f->yb, f->wb, n, f->n_cols};
    return 0;
}

/* Scores of rows[0..n) by b into out (f's columns). */
static int predict_rows(struct fitter *f, struct mt_booster *b, const size_t *rows, size_t n, double *out,
                        struct mt_err *err)
{
    struct mt_booster_data d;
    int rc = gather(f, rows, n, NULL, &d, err);
    return rc ? rc : mt_booster_predict(b, d.x, n, f->n_cols, out, err);
}

/* Fits p on rows[0..n) (labels y or the job's), with valid rows for early stopping (or NULL). */
static int fit_rows(struct fitter *f, const struct mt_booster_params *p, const size_t *rows, size_t n,
                    const uint8_t *y, const size_t *valid, size_t n_valid, struct mt_booster **out, struct mt_err *err)
{
    const struct job *j = f->j;
    struct mt_booster_data d;
    int rc = gather(f, rows, n, y, &d, err);
    if (rc)
        return rc;
    if (!valid)
        return mt_booster_train(out, p, &d, NULL, err);
    /* the validation rows are copied apart: the scratch holds the training rows */
    float *vx = malloc(n_valid * (f->n_cols ? f->n_cols : 1) * sizeof *vx);
    float *vy = malloc(n_valid * sizeof *vy), *vw = malloc(n_valid * sizeof *vw);
    if (!vx || !vy || !vw) {
        free(vx), free(vy), free(vw);
        return mt_err_set(err, MT_ENOMEM, "train: out of memory for %zu validation rows", n_valid);
    }
    for (size_t i = 0; i < n_valid; i++) {
        const float *row = mt_trainset_row(j->ts, valid[i]);
        for (size_t c = 0; c < f->n_cols; c++)
            vx[i * f->n_cols + c] = row[f->cols[c]];
        vy[i] = j->y[valid[i]];
        vw[i] = (float)j->w[valid[i]];
    }
    struct mt_booster_data v = {vx, vy, vw, n_valid, f->n_cols};
    rc = mt_booster_train(out, p, &d, &v, err);
    free(vx), free(vy), free(vw);
    return rc;
}

/* Runs task(ctx, i, worker fitter, err) for i in [0, n) on up to j->workers
 * threads (each task on one worker at a time); the first failure (by task
 * index) is returned with its message. Tasks write only their own outputs. */
typedef int (*task_fn)(void *ctx, size_t i, struct fitter *f, struct mt_err *err);

struct pool {
    struct job *j;
    task_fn task;
    void *ctx;
    size_t n, next;
    pthread_mutex_t lock;
    int *rc;
    struct mt_err *errs;
};

struct worker_arg {
    struct pool *pool;
    struct fitter *f;
};

static void *worker_main(void *arg)
{
    struct worker_arg *a = arg;
    struct pool *p = a->pool;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        p->rc[i] = p->task(p->ctx, i, a->f, &p->errs[i]);
    }
}

static int run_tasks(struct job *j, size_t n, task_fn task, void *ctx, struct mt_err *err)
{
    if (n == 0)
        return 0;
    size_t w = j->workers < n ? j->workers : n;
    int *rcs = calloc(n, sizeof *rcs);
    struct mt_err *errs = calloc(n, sizeof *errs);
    pthread_t th[MT_TRAIN_JOBS_MAX];
    struct worker_arg args[MT_TRAIN_JOBS_MAX];
    if (!rcs || !errs) {
        free(rcs), free(errs);
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    }
    struct pool p = {j, task, ctx, n, 0, PTHREAD_MUTEX_INITIALIZER, rcs, errs};
    size_t started = 0;
    for (size_t k = 0; k < w; k++) {
        args[k] = (struct worker_arg){&p, &j->fitters[k]};
        if (k == 0 || pthread_create(&th[k], NULL, worker_main, &args[k]) == 0)
            started += k > 0;
        else
            break; /* fewer threads: the others do the work */
    }
    worker_main(&args[0]);
    for (size_t k = 1; k <= started; k++)
        pthread_join(th[k], NULL);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if ((rc = rcs[i]))
            *err = errs[i];
    free(rcs), free(errs);
    return rc;
}

/* Global row indices of fold f's training (fit) or validation positions into buf. */
static size_t fold_rows(const struct job *j, size_t f, bool valid, size_t *buf)
{
    size_t n = valid ? j->n_val[f] : j->n_fit[f];
    const size_t *pos = valid ? j->val[f] : j->fit[f];
    /* a fold's fits read at most tune_rows of its training rows, every step-th in time order
     * (Trail Fractals' overlapping setups repeat each other); validation rows are all scored */
    size_t step = valid || (size_t)j->o->tune_rows >= n ? 1 : (n + (size_t)j->o->tune_rows - 1) / (size_t)j->o->tune_rows;
    size_t m = 0;
    for (size_t i = 0; i < n; i += step)
        buf[m++] = j->tr[pos[i]];
    return m;
}

/* ---- splits ---- */

static int make_splits(struct job *j, struct mt_train_result *res, struct mt_err *err)
{
    const struct mt_trainset *ts = j->ts;
    size_t n = j->n;
    uint8_t *role = malloc(n ? n : 1);
    if (!role)
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    int64_t span = ts->t0[n - 1] - ts->t0[0];
    int64_t embargo = (int64_t)(j->o->embargo_frac * (double)span);
    struct mt_split_window w;
    int rc = mt_split_holdout(ts->t0, ts->t1, n, j->o->test_frac, embargo, role, &w, err);
    j->tr = malloc(n * sizeof *j->tr);
    j->te = malloc(n * sizeof *j->te);
    if (rc == 0 && (!j->tr || !j->te))
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (role[i] == MT_SPLIT_TRAIN)
            j->tr[j->n_tr++] = i;
        else if (role[i] == MT_SPLIT_TEST)
            j->te[j->n_te++] = i;
    }
    res->purged = n - j->n_tr - j->n_te;
    free(role);
    if (rc)
        return rc;
    size_t pos = 0;
    for (size_t i = 0; i < j->n_tr; i++)
        pos += j->y[j->tr[i]];
    if (pos < 10 || j->n_tr - pos < 10 || j->n_te < 10)
        return mt_err_set(err, MT_EINVAL,
                          "train: too few rows: %zu training (%zu wins, %zu losses) and %zu test rows; need at "
                          "least 10 of each class and 10 test rows",
                          j->n_tr, pos, j->n_tr - pos, j->n_te);
    j->k = (size_t)j->o->folds;
    j->t0 = malloc(j->n_tr * sizeof *j->t0);
    j->t1 = malloc(j->n_tr * sizeof *j->t1);
    j->fit = calloc(j->k, sizeof *j->fit);
    j->val = calloc(j->k, sizeof *j->val);
    j->n_fit = calloc(j->k, sizeof *j->n_fit);
    j->n_val = calloc(j->k, sizeof *j->n_val);
    size_t *start = calloc(j->k + 1, sizeof *start);
    uint8_t *frole = malloc(j->n_tr);
    if (!j->t0 || !j->t1 || !j->fit || !j->val || !j->n_fit || !j->n_val || !start || !frole)
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    for (size_t i = 0; rc == 0 && i < j->n_tr; i++) {
        j->t0[i] = ts->t0[j->tr[i]];
        j->t1[i] = ts->t1[j->tr[i]];
    }
    if (rc == 0)
        rc = mt_split_folds(j->t0, j->n_tr, j->k, start, err);
    for (size_t f = 0; rc == 0 && f < j->k; f++) {
        j->fit[f] = malloc(j->n_tr * sizeof **j->fit);
        j->val[f] = malloc(j->n_tr * sizeof **j->val);
        if (!j->fit[f] || !j->val[f]) {
            rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
            break;
        }
        struct mt_split_window fw;
        if ((rc = mt_split_window(j->t0, j->t1, j->n_tr, start[f], start[f + 1], embargo, MT_SPLIT_KFOLD, frole, &fw,
                                  err)))
            break;
        for (size_t i = 0; i < j->n_tr; i++) {
            if (frole[i] == MT_SPLIT_TRAIN)
                j->fit[f][j->n_fit[f]++] = i;
            else if (frole[i] == MT_SPLIT_TEST)
                j->val[f][j->n_val[f]++] = i;
        }
    }
    free(start);
    free(frole);
    return rc;
}

/* ---- feature selection in the folds ---- */

/* The importance callback: x holds the fold's kept columns, the ones its booster was fit on. */
static int imp_predict(void *ctx, const float *x, size_t rows, size_t cols, double *out, struct mt_err *err)
{
    return mt_booster_predict(ctx, x, rows, cols, out, err);
}

struct sel_task {
    struct job *j;
    const bool *excluded;
    struct mt_sel_result *res; /* per fold */
};

/* Fold f's selection: mutual information on its training rows, then the
 * importance on its validation rows of a small model fit on them. */
static int sel_fold(void *ctx, size_t f, struct fitter *ft, struct mt_err *err)
{
    struct sel_task *st = ctx;
    const struct job *j = st->j;
    const struct mt_trainset *ts = j->ts;
    size_t *rows = malloc(j->n_tr * sizeof *rows), *vrows = malloc(j->n_tr * sizeof *vrows);
    if (!rows || !vrows) {
        free(rows), free(vrows);
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    }
    size_t n = fold_rows(j, f, false, rows), nv = fold_rows(j, f, true, vrows);
    struct mt_sel_opts so;
    mt_sel_opts_default(&so);
    so.top_k = (size_t)j->o->mi_top;
    so.seed = (uint64_t)j->o->seed;
    struct mt_booster_params p = mt_booster_params_default(MT_BOOSTER_GBTREE);
    p.n_trees = 100;
    p.max_depth = 4;
    p.seed = (int)(j->o->seed & 0x7fffffff);
    p.nthread = (int)j->o->nthread;
    struct mt_sel_result *r = &st->res[f];
    int rc = mt_sel_run(&so, ts->x, ts->rows, ts->cols, j->yd, j->w, rows, n, st->excluded, r, err);
    struct mt_booster *b = NULL;
    ft->cols = r->selected;
    ft->n_cols = r->n_selected;
    if (rc == 0 && r->n_selected)
        rc = fit_rows(ft, &p, rows, n, NULL, NULL, 0, &b, err);
    if (rc == 0 && r->n_selected)
        rc = mt_sel_importance(r, ts->x, ts->rows, ts->cols, j->yd, j->w, vrows, nv, (int)j->o->importance_repeats,
                               (uint64_t)j->o->seed + f, imp_predict, b, NULL, NULL, err);
    mt_booster_free(b);
    free(rows), free(vrows);
    return rc;
}

static int select_features(struct job *j, const bool *excluded, struct mt_err *err)
{
    const struct mt_trainset *ts = j->ts;
    size_t cols = ts->cols;
    unsigned *votes = calloc(cols, sizeof *votes);
    double *imp = calloc(cols, sizeof *imp);
    struct mt_sel_result *res = calloc(j->k, sizeof *res);
    int rc = !votes || !imp || !res ? mt_err_set(err, MT_ENOMEM, "train: out of memory") : 0;
    struct sel_task st = {j, excluded, res};
    if (rc == 0)
        rc = run_tasks(j, j->k, sel_fold, &st, err);
    for (size_t f = 0; rc == 0 && f < j->k; f++) {
        for (size_t c = 0; c < cols; c++)
            if (!isnan(res[f].col[c].importance)) {
                imp[c] += res[f].col[c].importance;
                votes[c] += res[f].col[c].why == MT_SEL_KEPT;
            }
        step_done(j);
    }
    for (size_t f = 0; res && f < j->k; f++)
        mt_sel_result_release(&res[f]);
    free(res);
    if (rc == 0) {
        j->cols = malloc(cols * sizeof *j->cols);
        if (!j->cols)
            rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
        /* kept by most folds with a positive mean importance */
        for (size_t c = 0; rc == 0 && c < cols; c++)
            if (2 * votes[c] > j->k && imp[c] > 0)
                j->cols[j->n_cols++] = c;
        if (rc == 0 && j->n_cols == 0)
            rc = mt_err_set(err, MT_EINVAL, "train: no feature column is informative in most folds");
    }
    free(votes), free(imp);
    return rc;
}

/* ---- tuning ---- */

enum { P_MODE, P_DEPTH, P_TREES, P_ETA, P_SUBSAMPLE, P_COLSAMPLE, P_CHILD, P_COUNT };

static const struct mt_tpe_param space_params[P_COUNT] = {
    [P_MODE] = {"mode", MT_TPE_CATEGORICAL, 0, 0, 0, false, 2},
    [P_DEPTH] = {"max_depth", MT_TPE_INT, 2, 8, 0, false, 0},
    [P_TREES] = {"n_trees", MT_TPE_INT, 50, 400, 50, false, 0},
    [P_ETA] = {"learning_rate", MT_TPE_FLOAT, 0.02, 0.3, 0, true, 0},
    [P_SUBSAMPLE] = {"subsample", MT_TPE_FLOAT, 0.5, 0.95, 0, false, 0},
    [P_COLSAMPLE] = {"colsample_bynode", MT_TPE_FLOAT, 0.3, 0.95, 0, false, 0},
    [P_CHILD] = {"min_child_weight", MT_TPE_FLOAT, 1, 200, 0, true, 0},
};

static struct mt_booster_params params_of(const struct job *j, const double *v)
{
    struct mt_booster_params p = mt_booster_params_default(v[P_MODE] == 0 ? MT_BOOSTER_GBTREE : MT_BOOSTER_RF);
    p.max_depth = (int)v[P_DEPTH];
    p.n_trees = (int)v[P_TREES];
    if (p.mode == MT_BOOSTER_GBTREE) {
        p.learning_rate = v[P_ETA];
        p.early_stopping_rounds = 20;
    }
    p.subsample = v[P_SUBSAMPLE];
    p.colsample_bynode = v[P_COLSAMPLE];
    p.min_child_weight = v[P_CHILD];
    p.seed = (int)(j->o->seed & 0x7fffffff);
    p.nthread = (int)j->o->nthread;
    return p;
}

/* Weighted log loss of p against the job's labels over rows. */
static double logloss_of(const struct job *j, const size_t *rows, const double *p, size_t n)
{
    double s = 0, sw = 0;
    for (size_t i = 0; i < n; i++) {
        double q = fmin(fmax(p[i], 1e-15), 1 - 1e-15), w = j->w[rows[i]];
        s -= w * (j->y[rows[i]] ? log(q) : log(1 - q));
        sw += w;
    }
    return sw > 0 ? s / sw : NAN;
}

struct cv_task {
    struct job *j;
    const struct mt_booster_params *p;
    size_t first;       /* the batch's first fold */
    double *oof;        /* by training position */
    double *ll, *fw;    /* per fold: its log loss and validation weight */
    double *rounds;     /* per fold: the rounds its model kept */
};

/* Fold first + i of a trial: fit on its training rows (early stopping on its
 * validation rows), score its validation rows. */
static int cv_fold(void *ctx, size_t i, struct fitter *ft, struct mt_err *err)
{
    struct cv_task *c = ctx;
    const struct job *j = c->j;
    size_t f = c->first + i;
    size_t *rows = malloc(j->n_tr * sizeof *rows), *vrows = malloc(j->n_tr * sizeof *vrows);
    double *pv = malloc(j->n_tr * sizeof *pv);
    int rc = !rows || !vrows || !pv ? mt_err_set(err, MT_ENOMEM, "train: out of memory") : 0;
    size_t n = rc ? 0 : fold_rows(j, f, false, rows), nv = rc ? 0 : fold_rows(j, f, true, vrows);
    ft->cols = j->cols;
    ft->n_cols = j->n_cols;
    struct mt_booster *b = NULL;
    /* gradient boosting stops early on the latest fifth of the fold's training rows, never on
     * the validation fold its scores are kept from (the rows overlapping that fifth are purged) */
    size_t fit_n = n, n_stop = 0;
    if (c->p->mode == MT_BOOSTER_GBTREE && n >= 10) {
        size_t cut = n - n / 5;
        int64_t start = j->ts->t0[rows[cut]];
        n_stop = n - cut;
        fit_n = 0;
        for (size_t k = 0; k < cut; k++)
            if (j->ts->t1[rows[k]] < start)
                rows[fit_n++] = rows[k];
        memmove(rows + fit_n, rows + cut, n_stop * sizeof *rows);
    }
    struct mt_booster_params q = *c->p;
    if (!n_stop)
        q.early_stopping_rounds = 0;
    if (rc == 0)
        rc = fit_rows(ft, &q, rows, fit_n, NULL, n_stop ? rows + fit_n : NULL, n_stop, &b, err);
    if (rc == 0)
        rc = predict_rows(ft, b, vrows, nv, pv, err);
    if (rc == 0) {
        c->rounds[f] = mt_booster_rounds(b);
        c->ll[f] = logloss_of(j, vrows, pv, nv);
        c->fw[f] = 0;
        for (size_t k = 0; k < nv; k++) {
            c->oof[j->val[f][k]] = pv[k];
            c->fw[f] += j->w[vrows[k]];
        }
    }
    mt_booster_free(b);
    free(rows), free(vrows), free(pv);
    return rc;
}

/* One trial's CV: out-of-fold scores into oof (by training position) and the
 * mean rounds the folds kept; *value is the pooled out-of-fold log loss, NaN
 * when pruned. The folds run j->workers at a time, but each reports its
 * running value and meets the pruner in fold order, one at a time, so the
 * same trials are pruned whatever the number of workers (a batch's later
 * folds are then computed in vain). */
static int cv_trial(struct job *j, struct mt_tpe *t, size_t trial, const struct mt_booster_params *p, double *oof,
                    double *rounds, double *value, struct mt_err *err)
{
    double ll[MT_TRAIN_FOLDS_MAX], fw[MT_TRAIN_FOLDS_MAX], rd[MT_TRAIN_FOLDS_MAX];
    struct cv_task c = {j, p, 0, oof, ll, fw, rd};
    double sum = 0, sw = 0;
    *value = NAN;
    *rounds = 0;
    int rc = 0;
    for (size_t f0 = 0; rc == 0 && f0 < j->k; f0 += j->workers) {
        size_t batch = j->k - f0 < j->workers ? j->k - f0 : j->workers;
        c.first = f0;
        if ((rc = run_tasks(j, batch, cv_fold, &c, err)))
            break;
        for (size_t f = f0; rc == 0 && f < f0 + batch; f++) {
            sum += ll[f] * fw[f];
            sw += fw[f];
            *rounds += rd[f];
            rc = mt_tpe_report(t, trial, (int64_t)f, sum / sw, err);
            step_done(j);
            if (rc == 0 && f + 1 < j->k && mt_tpe_should_prune(t, trial)) {
                j->done += j->k - f - 1;
                return 0;
            }
        }
    }
    if (rc == 0) {
        *value = sum / sw;
        *rounds /= (double)j->k;
    }
    return rc;
}

/* TPE over the space: the best parameters into *best, their out-of-fold
 * scores into oof and their mean rounds into *rounds. */
static int tune(struct job *j, struct mt_booster_params *best, double *oof, double *rounds, cJSON *trials_json,
                struct mt_err *err)
{
    struct mt_tpe t;
    struct mt_tpe_space space = {space_params, P_COUNT};
    int rc = mt_tpe_init(&t, &space, (uint64_t)j->o->seed, err);
    if (rc)
        return rc;
    double *cur = malloc(j->n_tr * sizeof *cur);
    if (!cur) {
        mt_tpe_release(&t);
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    }
    double best_value = INFINITY;
    size_t complete = 0;
    for (int k = 0; rc == 0 && k < j->o->trials; k++) {
        double v[P_COUNT], value, r;
        size_t trial;
        if ((rc = mt_tpe_ask(&t, v, &trial, err)))
            break;
        struct mt_booster_params p = params_of(j, v);
        if ((rc = cv_trial(j, &t, trial, &p, cur, &r, &value, err)))
            break;
        bool done = !isnan(value);
        rc = mt_tpe_tell(&t, trial, done ? value : NAN, done ? MT_TPE_COMPLETE : MT_TPE_PRUNED, err);
        cJSON *tj = cJSON_CreateObject();
        if (tj) {
            cJSON_AddStringToObject(tj, "mode", v[P_MODE] == 0 ? "gbtree" : "rf");
            for (int q = P_DEPTH; q < P_COUNT; q++)
                cJSON_AddNumberToObject(tj, space_params[q].name, v[q]);
            if (done)
                cJSON_AddNumberToObject(tj, "cv_logloss", value);
            else
                cJSON_AddBoolToObject(tj, "pruned", true);
            cJSON_AddItemToArray(trials_json, tj);
        }
        if (done && value < best_value) {
            best_value = value;
            *best = p;
            *rounds = r;
            memcpy(oof, cur, j->n_tr * sizeof *oof);
        }
        complete += done;
    }
    free(cur);
    mt_tpe_release(&t);
    if (rc == 0 && complete == 0)
        rc = mt_err_set(err, MT_EINVAL, "train: every trial was pruned");
    return rc;
}

/* The threshold on calibrated out-of-fold scores s (by training position)
 * into *thr: the best mean net R of the accepted rows among the score
 * quantiles 0%..99% (0%: accept all) that accept at least min_accept of the
 * rows and the gate's minimum trades. */
static int choose_threshold(const struct job *j, const double *s, double *thr, struct mt_err *err)
{
    size_t n = j->n_tr, need = (size_t)ceil(j->o->min_accept * (double)n);
    if (need < j->o->gate.min_trades)
        need = j->o->gate.min_trades;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    memcpy(v, s, n * sizeof *v);
    mt_eval_sort(v, n);
    double best = -INFINITY;
    *thr = v[0];
    for (int q = 0; q < 100; q++) {
        double c = mt_eval_quantile(v, n, q / 100.0), sum = 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] >= c) {
                sum += j->ts->r[j->tr[i]];
                m++;
            }
        if (m >= need && sum / (double)m > best) {
            best = sum / (double)m;
            *thr = c;
        }
    }
    free(v);
    return 0;
}

/* Metrics of scores p (calibrated) over rows at threshold thr. */
static int metrics_of(const struct job *j, const size_t *rows, size_t n, const double *p, double thr,
                      struct mt_train_metrics *m, struct mt_err *err)
{
    uint8_t *y = malloc(n ? n : 1);
    double *r = malloc((n ? n : 1) * sizeof *r);
    int rc = !y || !r ? mt_err_set(err, MT_ENOMEM, "train: out of memory") : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        y[i] = j->y[rows[i]];
        r[i] = j->ts->r[rows[i]];
    }
    struct mt_eval_select sel;
    *m = (struct mt_train_metrics){.rows = n};
    if (rc == 0)
        rc = mt_eval_auc(p, y, NULL, n, &m->auc, err);
    if (rc == 0)
        rc = mt_eval_logloss(p, y, NULL, n, &m->logloss, err);
    if (rc == 0)
        rc = mt_eval_brier(p, y, NULL, n, &m->brier, err);
    if (rc == 0)
        rc = mt_eval_select(p, y, r, n, thr, &sel, err);
    if (rc == 0) {
        m->base_rate = sel.base_rate;
        m->precision = sel.precision;
        m->accepted = sel.accepted;
        m->mean_r_accepted = sel.mean_r;
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += r[i];
        m->mean_r_all = n ? s / (double)n : NAN;
    }
    free(y), free(r);
    return rc;
}

/* Adds m's figures to the object o (NULL: nothing) and returns o. */
static cJSON *metrics_json(cJSON *o, const struct mt_train_metrics *m)
{
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "rows", (double)m->rows);
    cJSON_AddNumberToObject(o, "base_rate", m->base_rate);
    cJSON_AddNumberToObject(o, "auc", m->auc);
    cJSON_AddNumberToObject(o, "logloss", m->logloss);
    cJSON_AddNumberToObject(o, "brier", m->brier);
    cJSON_AddNumberToObject(o, "precision", m->precision);
    cJSON_AddNumberToObject(o, "accepted", (double)m->accepted);
    cJSON_AddNumberToObject(o, "mean_r_accepted", m->mean_r_accepted);
    cJSON_AddNumberToObject(o, "mean_r_all", m->mean_r_all);
    return o;
}

static cJSON *ci_json(const struct mt_ci *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "mean", c->value);
    cJSON_AddNumberToObject(o, "lo", c->lo);
    cJSON_AddNumberToObject(o, "hi", c->hi);
    cJSON_AddNumberToObject(o, "n", (double)c->n);
    return o;
}

/* Accepts the k highest of scores p[0..n) (ties by order) into mask. */
static int top_k(const double *p, size_t n, size_t k, uint8_t *mask, struct mt_err *err)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "train: out of memory");
    memcpy(v, p, n * sizeof *v);
    mt_eval_sort(v, n);
    double cut = k ? v[n - k] : INFINITY;
    size_t taken = 0;
    for (size_t i = 0; i < n; i++) /* above the cut, then at it, until k */
        mask[i] = p[i] > cut;
    for (size_t i = 0; i < n; i++)
        taken += mask[i];
    for (size_t i = 0; i < n && taken < k; i++)
        if (p[i] == cut && !mask[i]) {
            mask[i] = 1;
            taken++;
        }
    free(v);
    return 0;
}

struct shuffle_task {
    struct job *j;
    const struct mt_booster_params *p;
    uint8_t **y;  /* per model: the training rows' permuted labels */
    double **pt;  /* per model: its test scores */
};

static int shuffle_fit(void *ctx, size_t m, struct fitter *ft, struct mt_err *err)
{
    struct shuffle_task *c = ctx;
    struct job *j = c->j;
    ft->cols = j->cols;
    ft->n_cols = j->n_cols;
    struct mt_booster *b = NULL;
    int rc = fit_rows(ft, c->p, j->tr, j->n_tr, c->y[m], NULL, 0, &b, err);
    if (rc == 0)
        rc = predict_rows(ft, b, j->te, j->n_te, c->pt[m], err);
    mt_booster_free(b);
    return rc;
}

/* The shuffled-label models' accept masks on the test rows, each accepting
 * as many as the model (k): its labels permuted over the training rows
 * (seeded Fisher-Yates), refit with the model's parameters. */
static int shuffled_masks(struct job *j, const struct mt_booster_params *p, size_t k, uint8_t **masks,
                          struct mt_err *err)
{
    size_t m = (size_t)j->o->shuffled;
    uint8_t **y = calloc(m + 1, sizeof *y);
    double **pt = calloc(m + 1, sizeof *pt);
    int rc = !y || !pt ? mt_err_set(err, MT_ENOMEM, "train: out of memory") : 0;
    uint64_t s = (uint64_t)j->o->seed * 0x9E3779B97F4A7C15ull + 7;
    for (size_t q = 0; rc == 0 && q < m; q++) {
        y[q] = malloc(j->n_tr);
        pt[q] = malloc((j->n_te ? j->n_te : 1) * sizeof **pt);
        if (!y[q] || !pt[q]) {
            rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
            break;
        }
        for (size_t i = 0; i < j->n_tr; i++)
            y[q][i] = j->y[j->tr[i]];
        for (size_t i = j->n_tr; i > 1; i--) { /* splitmix64 */
            s += 0x9E3779B97F4A7C15ull;
            uint64_t z = s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            z ^= z >> 31;
            size_t r = (size_t)(z % i);
            uint8_t tmp = y[q][i - 1];
            y[q][i - 1] = y[q][r];
            y[q][r] = tmp;
        }
    }
    struct shuffle_task c = {j, p, y, pt};
    if (rc == 0)
        rc = run_tasks(j, m, shuffle_fit, &c, err);
    for (size_t q = 0; rc == 0 && q < m; q++) {
        rc = top_k(pt[q], j->n_te, k, masks[q], err);
        step_done(j);
    }
    for (size_t q = 0; y && pt && q < m; q++)
        free(y[q]), free(pt[q]);
    free(y), free(pt);
    return rc;
}

static void job_release(struct job *j)
{
    free(j->y), free(j->yd), free(j->w), free(j->tr), free(j->te), free(j->t0), free(j->t1);
    for (size_t f = 0; f < j->k; f++) {
        if (j->fit)
            free(j->fit[f]);
        if (j->val)
            free(j->val[f]);
    }
    free(j->fit), free(j->val), free(j->n_fit), free(j->n_val);
    for (size_t w = 0; j->fitters && w < j->workers; w++)
        fitter_release(&j->fitters[w]);
    free(j->fitters);
    free(j->cols);
}

/* The card's "cv_folds" into c: per CV fold, its validation rows' span and
 * the metrics of their calibrated out-of-fold scores oof (by training
 * position) at threshold thr, as the card's "cv" over all of them. */
static int folds_json(const struct job *j, const double *oof, double thr, cJSON *c, struct mt_err *err)
{
    cJSON *a = cJSON_AddArrayToObject(c, "cv_folds");
    size_t *rows = malloc(j->n_tr * sizeof *rows);
    double *p = malloc(j->n_tr * sizeof *p);
    int rc = !a || !rows || !p ? mt_err_set(err, MT_ENOMEM, "train: out of memory for the card") : 0;
    for (size_t f = 0; rc == 0 && f < j->k; f++) {
        size_t n = j->n_val[f];
        assert(n > 0);
        for (size_t i = 0; i < n; i++) {
            rows[i] = j->tr[j->val[f][i]];
            p[i] = oof[j->val[f][i]];
        }
        struct mt_train_metrics m;
        if ((rc = metrics_of(j, rows, n, p, thr, &m, err)))
            break;
        char t[32];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "from", mt_time_format(j->ts->t0[rows[0]], t, sizeof t));
        cJSON_AddStringToObject(o, "to", mt_time_format(j->ts->t0[rows[n - 1]], t, sizeof t));
        cJSON_AddItemToArray(a, metrics_json(o, &m));
    }
    free(rows), free(p);
    return rc;
}

#define RELIABILITY_BINS 10

/* The reliability curve (RELIABILITY_BINS bins) of calibrated scores p of
 * rows[0..n) (global indices) as the member `name` of rel (NULL: out of
 * memory). */
static int reliability_json(const struct job *j, const size_t *rows, size_t n, const double *p, cJSON *rel,
                            const char *name, struct mt_err *err)
{
    struct mt_eval_bin bins[RELIABILITY_BINS];
    uint8_t *y = malloc(n ? n : 1);
    cJSON *a = cJSON_AddArrayToObject(rel, name);
    int rc = !y || !a ? mt_err_set(err, MT_ENOMEM, "train: out of memory for the card") : 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        y[i] = j->y[rows[i]];
    if (rc == 0)
        rc = mt_eval_reliability(p, y, n, RELIABILITY_BINS, bins, err);
    for (size_t b = 0; rc == 0 && b < RELIABILITY_BINS; b++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "lo", bins[b].lo);
        cJSON_AddNumberToObject(o, "hi", bins[b].hi);
        cJSON_AddNumberToObject(o, "n", (double)bins[b].n);
        cJSON_AddNumberToObject(o, "mean_score", bins[b].mean_score);
        cJSON_AddNumberToObject(o, "rate", bins[b].rate);
        cJSON_AddItemToArray(a, o);
    }
    free(y);
    return rc;
}

/* The card of the run (everything in res and the job); oof and pt are the
 * calibrated out-of-fold (by training position) and test scores. */
static cJSON *make_card(const struct job *j, const struct mt_train_agent *agent, const char *id,
                        const char (*names)[MT_FSET_NAME_MAX], const enum mt_sel_excl *why,
                        const struct mt_booster_params *p, const struct mt_calib *cal, const struct mt_rule *rule,
                        bool have_rule, cJSON *trials, const double *oof, const double *pt,
                        const struct mt_train_result *res, struct mt_err *err)
{
    const struct mt_trainset *ts = j->ts;
    cJSON *c = cJSON_CreateObject();
    if (!c) {
        cJSON_Delete(trials);
        mt_err_set(err, MT_ENOMEM, "train: out of memory for the card");
        return NULL;
    }
    char hash[MT_MODEL_HASH_HEX + 1], t[32];
    mt_model_columns_hash(names, ts->cols, hash);
    cJSON_AddStringToObject(c, "id", id);
    cJSON_AddStringToObject(c, "kind", "booster");
    cJSON_AddStringToObject(c, "agent", agent->name);
    cJSON_AddStringToObject(c, "strategy", agent->strategy_id);
    cJSON_AddStringToObject(c, "timeframe", agent->timeframe);
    cJSON_AddStringToObject(c, "sides", agent->sides);
    cJSON_AddStringToObject(c, "mtrader", agent->version);
    cJSON *f = cJSON_AddObjectToObject(c, "features");
    cJSON_AddStringToObject(f, "hash", hash);
    cJSON *fn = cJSON_AddArrayToObject(f, "names"), *ex = cJSON_AddObjectToObject(f, "excluded");
    for (size_t k = 0; k < ts->cols; k++) {
        cJSON_AddItemToArray(fn, cJSON_CreateString(names[k]));
        if (why[k] != MT_SEL_EXCL_NONE)
            cJSON_AddStringToObject(ex, names[k], mt_sel_excl_name(why[k]));
    }
    cJSON *sel = cJSON_AddArrayToObject(c, "selected");
    for (size_t k = 0; k < j->n_cols; k++)
        cJSON_AddItemToArray(sel, cJSON_CreateString(names[j->cols[k]]));
    cJSON *span = cJSON_AddObjectToObject(c, "span");
    cJSON_AddStringToObject(span, "from", mt_time_format(ts->t0[0], t, sizeof t));
    cJSON_AddStringToObject(span, "train_to", mt_time_format(ts->t0[j->tr[j->n_tr - 1]], t, sizeof t));
    cJSON_AddStringToObject(span, "test_from", mt_time_format(ts->t0[j->te[0]], t, sizeof t));
    cJSON_AddStringToObject(span, "to", mt_time_format(ts->t0[ts->rows - 1], t, sizeof t));
    cJSON *pairs = cJSON_AddArrayToObject(c, "pairs");
    for (size_t k = 0; k < ts->n_symbols; k++)
        cJSON_AddItemToArray(pairs, cJSON_CreateString(ts->symbols[k]));
    cJSON *rows = cJSON_AddObjectToObject(c, "rows");
    cJSON_AddNumberToObject(rows, "total", (double)ts->rows);
    cJSON_AddNumberToObject(rows, "train", (double)j->n_tr);
    cJSON_AddNumberToObject(rows, "test", (double)j->n_te);
    cJSON_AddNumberToObject(rows, "purged", (double)res->purged);
    for (int s = 0; s < MT_ROW_SOURCES; s++)
        cJSON_AddNumberToObject(rows, mt_row_source_name((enum mt_row_source)s), (double)ts->by_source[s]);
    cJSON_AddNumberToObject(rows, "censored_not_fitted", (double)ts->censored);
    cJSON_AddNumberToObject(rows, "tracked_not_fitted", (double)ts->tracked);
    cJSON_AddNumberToObject(rows, "unselected_pairs", (double)ts->unselected);
    cJSON_AddNumberToObject(rows, "journal_duplicates", (double)ts->duplicates);
    cJSON_AddNumberToObject(c, "win_r", j->o->win_r);
    cJSON_AddItemToObject(c, "params", mt_booster_params_to_json(p));
    cJSON_AddItemToObject(c, "trials", trials);
    cJSON_AddItemToObject(c, "cv", metrics_json(cJSON_CreateObject(), &res->cv));
    cJSON_AddItemToObject(c, "test", metrics_json(cJSON_CreateObject(), &res->test));
    int rc = folds_json(j, oof, res->threshold, c, err);
    cJSON *rel = rc ? NULL : cJSON_AddObjectToObject(c, "reliability");
    if (rc == 0)
        rc = reliability_json(j, j->tr, j->n_tr, oof, rel, "cv", err);
    if (rc == 0)
        rc = reliability_json(j, j->te, j->n_te, pt, rel, "test", err);
    if (rc) {
        cJSON_Delete(c);
        return NULL;
    }
    cJSON *calib = mt_calib_to_json(cal, err);
    if (!calib) { /* a card without its calibration could never be loaded */
        cJSON_Delete(c);
        return NULL;
    }
    cJSON_AddItemToObject(c, "calibration", calib);
    cJSON_AddNumberToObject(c, "threshold", res->threshold);
    if (have_rule) {
        cJSON *r = cJSON_AddObjectToObject(c, "rule");
        cJSON_AddStringToObject(r, "column", names[rule->col]);
        cJSON_AddStringToObject(r, "dir", rule->dir == MT_RULE_GE ? ">=" : "<=");
        cJSON_AddNumberToObject(r, "threshold", rule->threshold);
        cJSON_AddNumberToObject(r, "train_mean_r", rule->mean_r);
        cJSON_AddNumberToObject(r, "train_count", (double)rule->count);
    }
    cJSON *g = cJSON_AddObjectToObject(c, "gate");
    cJSON_AddStringToObject(g, "decision", mt_gate_decision_name(res->gate.decision));
    cJSON_AddStringToObject(g, "reason", res->gate.reason);
    cJSON_AddItemToObject(g, "model", ci_json(&res->gate.fig.model));
    cJSON_AddItemToObject(g, "rule", ci_json(&res->gate.fig.rule));
    cJSON_AddItemToObject(g, "unfiltered", ci_json(&res->gate.fig.unfiltered));
    cJSON_AddItemToObject(g, "model_vs_unfiltered", ci_json(&res->gate.fig.model_vs_unfiltered));
    cJSON_AddNumberToObject(g, "shuffled_bar", res->gate.fig.shuffled_bar);
    cJSON_AddBoolToObject(c, "promoted", res->gate.decision == MT_GATE_PROMOTE_MODEL);
    return c;
}

/* Records the deployment the gate's decision calls for (see train.h): a
 * previous deployment is kept only when it still loads for this agent (its
 * strategy, timeframe, sides and feature columns). */
static int deploy(const char *dir, const struct mt_train_agent *agent, const struct mt_fset *fs, enum mt_tf tf,
                  const char *id, struct mt_train_result *res, struct mt_err *err)
{
    if (res->gate.decision != MT_GATE_UNFILTERED) {
        res->deployed = res->gate.decision == MT_GATE_PROMOTE_MODEL ? MT_MODEL_BOOSTER : MT_MODEL_RULE;
        snprintf(res->deployed_id, sizeof res->deployed_id, "%s", id);
        snprintf(res->why, sizeof res->why, "%s %s: %s",
                 res->deployed == MT_MODEL_BOOSTER ? "runs the new model" : "runs the rule of", id, res->gate.reason);
        return mt_model_deploy(dir, agent->name, id, res->deployed, res->gate.reason, err);
    }
    struct mt_model prev;
    bool loaded = false;
    struct mt_err perr = {0};
    int prc = mt_model_open_deployed(dir, agent->name, agent->strategy_id, tf, agent->sides, fs, &prev, &loaded, &perr);
    if (loaded) {
        res->deployed = prev.kind;
        snprintf(res->deployed_id, sizeof res->deployed_id, "%s", prev.id);
        mt_model_release(&prev);
        snprintf(res->why, sizeof res->why, "keeps its %s %s: %s", mt_model_kind_name(res->deployed),
                 res->deployed_id, res->gate.reason);
        return 0;
    }
    res->deployed = MT_MODEL_UNFILTERED;
    res->deployed_id[0] = 0;
    if (prc)
        snprintf(res->why, sizeof res->why, "runs unfiltered (its previous model no longer loads: %.200s): %s",
                 perr.msg, res->gate.reason);
    else
        snprintf(res->why, sizeof res->why, "runs unfiltered: %s", res->gate.reason);
    return mt_model_deploy(dir, agent->name, NULL, MT_MODEL_UNFILTERED, res->gate.reason, err);
}

int mt_train(const struct mt_trainset *ts, const struct mt_fset *fs, enum mt_tf tf, const struct mt_train_agent *agent,
             const struct mt_train_opts *o, const char *models_dir, const char *id, mt_train_progress_fn progress,
             void *progress_ctx, struct mt_train_result *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->id, sizeof out->id, "%s", id);
    int rc = mt_train_opts_check(o, err);
    if (rc)
        return rc;
    size_t n = ts->rows, cols = ts->cols;
    out->rows = n;
    if (n < 100)
        return mt_err_set(err, MT_EINVAL, "train: agent %s has %zu labelled setups; at least 100 are needed",
                          agent->name, n);
    struct job j = {.ts = ts, .o = o, .n = n, .progress = progress, .progress_ctx = progress_ctx};
    j.workers = o->jobs ? (size_t)o->jobs : online_cpus();
    j.fitters = calloc(j.workers, sizeof *j.fitters);
    for (size_t w = 0; j.fitters && w < j.workers; w++)
        j.fitters[w].j = &j;
    j.y = malloc(n);
    j.yd = malloc(n * sizeof *j.yd);
    j.w = malloc(n * sizeof *j.w);
    bool *excluded = calloc(cols, sizeof *excluded);
    enum mt_sel_excl *why = calloc(cols, sizeof *why);
    const char **cnames = malloc(cols * sizeof *cnames);
    double *oof = NULL, *pt = NULL;
    uint8_t *model_mask = NULL, *rule_mask = NULL, **shuffled = NULL;
    int64_t *day = NULL;
    double *rte = NULL;
    size_t *cand = NULL;
    struct mt_booster *final = NULL;
    struct mt_calib cal;
    mt_calib_init(&cal);
    struct mt_rule rule;
    memset(&rule, 0, sizeof rule);
    bool have_rule = false;
    cJSON *trials = cJSON_CreateArray(), *card = NULL;
    struct mt_booster_params best = mt_booster_params_default(MT_BOOSTER_GBTREE);
    double rounds = 0;
    if (!j.y || !j.yd || !j.w || !excluded || !why || !cnames || !trials || !j.fitters)
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        j.y[i] = ts->r[i] >= o->win_r;
        j.yd[i] = j.y[i];
    }
    if (rc == 0)
        rc = mt_split_uniqueness(ts->t0, ts->t1, ts->symbol, (uint32_t)ts->n_symbols, n, mt_tf_ms(tf), j.w, err);
    for (size_t c = 0; rc == 0 && c < cols; c++)
        cnames[c] = ts->names[c];
    if (rc == 0)
        rc = mt_sel_exclude_names(fs, tf, cnames, cols, why, err);
    for (size_t c = 0; rc == 0 && c < cols; c++)
        excluded[c] = why[c] != MT_SEL_EXCL_NONE;
    if (rc == 0)
        rc = make_splits(&j, out, err);
    out->train_rows = j.n_tr;
    out->test_rows = j.n_te;
    j.total = j.k + (size_t)o->trials * j.k + 1 + (size_t)o->shuffled;
    if (rc == 0)
        rc = select_features(&j, excluded, err);
    out->n_selected = j.n_cols;
    oof = malloc(j.n_tr * sizeof *oof);
    pt = malloc((j.n_te ? j.n_te : 1) * sizeof *pt);
    if (rc == 0 && (!oof || !pt))
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    if (rc == 0)
        rc = tune(&j, &best, oof, &rounds, trials, err);
    /* calibration and threshold on the out-of-fold scores */
    uint8_t *ytr = malloc(j.n_tr ? j.n_tr : 1);
    double *wtr = malloc((j.n_tr ? j.n_tr : 1) * sizeof *wtr);
    if (rc == 0 && (!ytr || !wtr))
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    for (size_t i = 0; rc == 0 && i < j.n_tr; i++) {
        ytr[i] = j.y[j.tr[i]];
        wtr[i] = j.w[j.tr[i]];
    }
    if (rc == 0)
        rc = mt_calib_fit_isotonic(&cal, oof, ytr, wtr, j.n_tr, err);
    for (size_t i = 0; rc == 0 && i < j.n_tr; i++)
        oof[i] = mt_calib_apply(&cal, oof[i]);
    free(ytr);
    free(wtr);
    if (rc == 0) {
        if ((rc = choose_threshold(&j, oof, &out->threshold, err)) == 0)
            rc = metrics_of(&j, j.tr, j.n_tr, oof, out->threshold, &out->cv, err);
    }
    /* the final model on the whole training span */
    if (rc == 0) {
        if (best.mode == MT_BOOSTER_GBTREE) {
            best.n_trees = rounds >= 1 ? (int)lround(rounds) : 1;
            best.early_stopping_rounds = 0;
        }
        j.fitters[0].cols = j.cols;
        j.fitters[0].n_cols = j.n_cols;
        rc = fit_rows(&j.fitters[0], &best, j.tr, j.n_tr, NULL, NULL, 0, &final, err);
        step_done(&j);
    }
    /* the test period, once */
    if (rc == 0)
        rc = predict_rows(&j.fitters[0], final, j.te, j.n_te, pt, err);
    for (size_t i = 0; rc == 0 && i < j.n_te; i++)
        pt[i] = mt_calib_apply(&cal, pt[i]);
    if (rc == 0)
        rc = metrics_of(&j, j.te, j.n_te, pt, out->threshold, &out->test, err);
    model_mask = malloc(j.n_te);
    rule_mask = malloc(j.n_te);
    day = malloc(j.n_te * sizeof *day);
    rte = malloc(j.n_te * sizeof *rte);
    cand = malloc(cols * sizeof *cand);
    shuffled = calloc((size_t)o->shuffled + 1, sizeof *shuffled);
    if (rc == 0 && (!model_mask || !rule_mask || !day || !rte || !cand || !shuffled))
        rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    for (int m = 0; rc == 0 && m < o->shuffled; m++)
        if (!(shuffled[m] = malloc(j.n_te)))
            rc = mt_err_set(err, MT_ENOMEM, "train: out of memory");
    size_t accepted = 0, ncand = 0;
    for (size_t i = 0; rc == 0 && i < j.n_te; i++) {
        model_mask[i] = pt[i] >= out->threshold;
        accepted += model_mask[i];
        day[i] = ts->t0[j.te[i]] / DAY_MS;
        rte[i] = ts->r[j.te[i]];
    }
    /* the best single-feature rule, chosen on the training span */
    for (size_t c = 0; rc == 0 && c < cols; c++)
        if (!excluded[c])
            cand[ncand++] = c;
    if (rc == 0) {
        struct mt_rule_opts ro;
        mt_rule_opts_default(&ro);
        ro.min_count = o->gate.min_trades;
        ro.min_frac = o->min_accept;
        struct mt_err rerr = {0};
        int rr = mt_rule_fit(&ro, ts->x, ts->rows, cols, ts->r, j.w, j.tr, j.n_tr, cand, ncand, &rule, &rerr);
        if (rr == 0) {
            have_rule = true;
            for (size_t i = 0; i < j.n_te; i++)
                rule_mask[i] = mt_rule_accepts(&rule, mt_trainset_row(ts, j.te[i]));
        } else if (rr != MT_ENOENT) {
            *err = rerr;
            rc = rr;
        }
    }
    if (rc == 0)
        rc = shuffled_masks(&j, &best, accepted, shuffled, err);
    if (rc == 0)
        rc = mt_gate_decide(rte, day, j.n_te, model_mask, have_rule ? rule_mask : NULL,
                            (const uint8_t *const *)shuffled, (size_t)o->shuffled, &o->gate, &out->gate, err);
    if (rc == 0) {
        card = make_card(&j, agent, id, ts->names, why, &best, &cal, &rule, have_rule, trials, oof, pt, out, err);
        trials = NULL; /* the card owns it (or freed it) */
        if (!card)
            rc = err->code ? err->code : MT_ENOMEM;
    }
    if (rc == 0)
        rc = mt_model_save(models_dir, agent->name, id, card, final, err);
    if (rc == 0)
        rc = deploy(models_dir, agent, fs, tf, id, out, err);
    cJSON_Delete(card);
    cJSON_Delete(trials);
    for (int m = 0; shuffled && m < o->shuffled; m++)
        free(shuffled[m]);
    free(shuffled);
    mt_booster_free(final);
    mt_calib_release(&cal);
    free(oof), free(pt), free(model_mask), free(rule_mask), free(day), free(rte), free(cand);
    free(excluded), free(why), free(cnames);
    job_release(&j);
    return rc;
}
