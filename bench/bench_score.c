/* Scoring latency of one agent's model: µs per setup of mt_model_score over
 * the rows of the agent's exported training set (`mtrader train --export`),
 * median of REPEATS passes (and the fastest). The model is the agent's
 * deployed one from the registry (mt_model_open_deployed with the built-in
 * default feature set); when that is not a booster (the agent runs a rule or
 * unfiltered), its latest model folder's booster is timed too
 * (mt_model_load), so a booster's latency is always measured. Prints figures;
 * never passes or fails on time.
 *
 * Usage: bench_score MODELS_DIR AGENT STRATEGY TIMEFRAME SIDES NPY
 *   NPY: the agent's exported set (float32 rows x columns: the feature set's
 *   columns, then the setup's). Each row's setup is rebuilt from its setup
 *   columns (side, stop distance, rr, context) at a price of 100, so the
 *   scorer's own setup columns equal the exported ones up to rounding. */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "features/featureset.h"
#include "ml/model.h"
#include "ml/trainset.h"

#define REPEATS 9
#define ROWS_MAX 20000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads a little-endian float32 C-order 2-D .npy (as `mtrader train --export` writes it). */
static float *read_npy(const char *path, size_t *rows, size_t *cols)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_score: cannot open %s\n", path);
        return NULL;
    }
    unsigned char pre[10];
    char header[4096];
    float *v = NULL;
    if (fread(pre, 1, 10, f) == 10 && memcmp(pre, "\x93NUMPY\x01\x00", 8) == 0) {
        size_t len = (size_t)pre[8] | (size_t)pre[9] << 8;
        const char *shape;
        if (len < sizeof header && fread(header, 1, len, f) == len) {
            header[len] = '\0';
            if (strstr(header, "'<f4'") && strstr(header, "False") && (shape = strstr(header, "'shape': (")) &&
                sscanf(shape, "'shape': (%zu, %zu)", rows, cols) == 2 && *rows > 0 && *cols > 0) {
                v = malloc(*rows * *cols * sizeof *v);
                if (v && fread(v, sizeof *v, *rows * *cols, f) != *rows * *cols) {
                    free(v);
                    v = NULL;
                }
            }
        }
    }
    fclose(f);
    if (!v)
        fprintf(stderr, "bench_score: %s is not a float32 2-D .npy\n", path);
    return v;
}

/* The setup of an exported row from its setup columns (mt_setup_features' order). */
static struct mt_setup setup_of(const float *cols, size_t n_setup)
{
    struct mt_setup x = {0};
    x.side = cols[0] < 0 ? -1 : 1;
    x.price = 100.0;
    double rel = cols[1];
    x.stop = x.price * (1.0 - x.side * rel);
    x.rr = cols[2];
    x.target = isnan(x.rr) ? NAN : x.price * (1.0 + x.side * x.rr * rel);
    x.n_context = (int)(n_setup - 3);
    for (int k = 0; k < x.n_context; k++)
        x.context[k] = cols[3 + k];
    return x;
}

/* The newest model folder of agent holding a booster, into id; 0 or -1. */
static int latest_booster(const char *dir, const char *agent, char id[MT_MODEL_ID_MAX])
{
    char path[MT_MODEL_PATH_MAX], file[MT_MODEL_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", dir, agent);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    id[0] = '\0';
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d))) {
        snprintf(file, sizeof file, "%s/%s/model.ubj", path, e->d_name);
        if (e->d_name[0] != '.' && strlen(e->d_name) < MT_MODEL_ID_MAX && stat(file, &st) == 0 &&
            strcmp(e->d_name, id) > 0)
            snprintf(id, MT_MODEL_ID_MAX, "%s", e->d_name);
    }
    closedir(d);
    return id[0] ? 0 : -1;
}

/* Times m over the rows; prints one line. */
static int time_model(const char *agent, const char *what, struct mt_model *m, const float *x, size_t rows,
                      size_t cols, size_t n_fset)
{
    size_t n = rows < ROWS_MAX ? rows : ROWS_MAX;
    struct mt_setup *setups = malloc(n * sizeof *setups);
    if (!setups)
        return -1;
    for (size_t i = 0; i < n; i++)
        setups[i] = setup_of(x + i * cols + n_fset, cols - n_fset);
    double us[REPEATS], sum = 0.0, score;
    struct mt_err err = {0};
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            if (mt_model_score(m, &setups[i], x + i * cols, n_fset, &score, &err)) {
                fprintf(stderr, "bench_score: %s: %s\n", agent, err.msg);
                free(setups);
                return -1;
            }
            sum += score;
        }
        us[r] = (now_s() - t0) * 1e6 / (double)n;
    }
    qsort(us, REPEATS, sizeof *us, cmp_double);
    printf("score: agent=%s model=%s kind=%s inputs=%zu rows=%zu us_per_setup=%.2f (fastest %.2f; median of %d; "
           "mean score %.4f)\n",
           agent, what, mt_model_kind_name(m->kind), m->kind == MT_MODEL_BOOSTER ? m->n_sel : (size_t)1, n,
           us[REPEATS / 2], us[0], REPEATS, sum / (double)(n * REPEATS));
    free(setups);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: bench_score MODELS_DIR AGENT STRATEGY TIMEFRAME SIDES NPY\n");
        return 2;
    }
    const char *dir = argv[1], *agent = argv[2], *strategy = argv[3];
    struct mt_err err = {0};
    enum mt_tf tf;
    struct mt_fset fs;
    char(*names)[MT_FSET_NAME_MAX] = NULL;
    size_t n_names = 0, n_fset = 0, rows = 0, cols = 0;
    if (mt_tf_parse(argv[4], &tf, &err) || mt_fset_default(&fs, &err)) {
        fprintf(stderr, "bench_score: %s\n", err.msg);
        return 1;
    }
    int rc = 1;
    float *x = read_npy(argv[6], &rows, &cols);
    if (!x || mt_trainset_columns(&fs, tf, strategy, &names, &n_names, &n_fset, &err)) {
        if (x)
            fprintf(stderr, "bench_score: %s\n", err.msg);
        goto out;
    }
    if (cols != n_names) {
        fprintf(stderr, "bench_score: %s has %zu columns, the default set and %s give %zu\n", argv[6], cols, strategy,
                n_names);
        goto out;
    }
    struct mt_model m;
    bool loaded = false;
    if (mt_model_open_deployed(dir, agent, strategy, tf, argv[5], &fs, &m, &loaded, &err)) {
        fprintf(stderr, "bench_score: %s: %s\n", agent, err.msg);
        goto out;
    }
    if (loaded) {
        char what[MT_MODEL_ID_MAX + 16];
        snprintf(what, sizeof what, "deployed:%s", m.id);
        rc = time_model(agent, what, &m, x, rows, cols, n_fset);
        bool booster = m.kind == MT_MODEL_BOOSTER;
        mt_model_release(&m);
        if (rc || booster)
            goto out;
    } else {
        printf("score: agent=%s deployed=unfiltered (no model scores its setups)\n", agent);
    }
    char id[MT_MODEL_ID_MAX];
    if (latest_booster(dir, agent, id)) {
        printf("score: agent=%s has no model folder with a booster\n", agent);
        rc = 0;
        goto out;
    }
    if (mt_model_load(dir, agent, id, MT_MODEL_BOOSTER, (const char(*)[MT_FSET_NAME_MAX])names, n_names, n_fset, &m,
                      &err)) {
        fprintf(stderr, "bench_score: %s: %s\n", agent, err.msg);
        rc = 1;
        goto out;
    }
    char what[MT_MODEL_ID_MAX + 16];
    snprintf(what, sizeof what, "latest:%s", id);
    rc = time_model(agent, what, &m, x, rows, cols, n_fset);
    mt_model_release(&m);
out:
    free(x);
    free(names);
    mt_fset_release(&fs);
    return rc ? 1 : 0;
}
