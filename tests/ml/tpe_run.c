/* Runs our TPE on the comparison's test functions (tests/ml/tpe_optuna_test.py):
 *   tpe_run N_TRIALS N_SEEDS
 * prints one line "function<TAB>ours<TAB>seed<TAB>best value" per function and seed 0..N_SEEDS-1.
 * The functions must stay identical to tests/ml/tpe_optuna_golden.py's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ml/tpe.h"

static double sphere(const double *x, size_t d)
{
    double s = 0;
    for (size_t i = 0; i < d; i++)
        s += x[i] * x[i];
    return s;
}

static double sphere2(const double *x) { return sphere(x, 2); }
static double sphere5(const double *x) { return sphere(x, 5); }

static double rosenbrock2(const double *x)
{
    return 100.0 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1.0 - x[0]) * (1.0 - x[0]);
}

static double branin(const double *x)
{
    double b = 5.1 / (4.0 * M_PI * M_PI), c = 5.0 / M_PI;
    double u = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    return u * u + 10.0 * (1.0 - 1.0 / (8.0 * M_PI)) * cos(x[0]) + 10.0;
}

static double styblinski3(const double *x)
{
    double s = 0;
    for (int i = 0; i < 3; i++)
        s += pow(x[i], 4) - 16.0 * x[i] * x[i] + 5.0 * x[i];
    return 0.5 * s;
}

static double mixed(const double *x)
{
    static const double offsets[4] = {1.0, 0.3, 0.0, 0.6};
    double a = log10(x[0]) + 1.0, b = (x[1] - 8.0) / 4.0, c = log10(x[2]) - 2.0;
    return a * a + b * b + c * c + offsets[(int)x[3]];
}

#define U(n, lo, hi) {.name = n, .kind = MT_TPE_FLOAT, .low = lo, .high = hi}
static const struct mt_tpe_param p_sphere[5] = {U("x0", -5, 5), U("x1", -5, 5), U("x2", -5, 5),
                                               U("x3", -5, 5), U("x4", -5, 5)};
static const struct mt_tpe_param p_rosen[2] = {U("x", -2, 2), U("y", -2, 2)};
static const struct mt_tpe_param p_branin[2] = {U("x", -5, 10), U("y", 0, 15)};
static const struct mt_tpe_param p_mixed[4] = {
    {.name = "lr", .kind = MT_TPE_FLOAT, .low = 1e-3, .high = 10, .log = true},
    {.name = "n", .kind = MT_TPE_INT, .low = 0, .high = 20, .step = 2},
    {.name = "k", .kind = MT_TPE_INT, .low = 1, .high = 1000, .log = true},
    {.name = "c", .kind = MT_TPE_CATEGORICAL, .n_choices = 4},
};

static const struct {
    const char *name;
    double (*f)(const double *x);
    struct mt_tpe_space space;
} funcs[] = {
    {"sphere2", sphere2, {p_sphere, 2}},   {"sphere5", sphere5, {p_sphere, 5}},
    {"rosenbrock2", rosenbrock2, {p_rosen, 2}}, {"branin", branin, {p_branin, 2}},
    {"styblinski3", styblinski3, {p_sphere, 3}}, {"mixed", mixed, {p_mixed, 4}},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tpe_run N_TRIALS N_SEEDS\n");
        return 2;
    }
    long n_trials = strtol(argv[1], NULL, 10), n_seeds = strtol(argv[2], NULL, 10);
    for (size_t f = 0; f < sizeof(funcs) / sizeof(funcs[0]); f++)
        for (long seed = 0; seed < n_seeds; seed++) {
            struct mt_tpe t;
            struct mt_err err = {0};
            double x[MT_TPE_PARAMS_MAX], best;
            size_t trial;
            if (mt_tpe_init(&t, &funcs[f].space, (uint64_t)seed, &err))
                goto fail;
            for (long i = 0; i < n_trials; i++)
                if (mt_tpe_ask(&t, x, &trial, &err) ||
                    mt_tpe_tell(&t, trial, funcs[f].f(x), MT_TPE_COMPLETE, &err))
                    goto fail;
            if (mt_tpe_best(&t, &trial, &best, NULL, &err))
                goto fail;
            printf("%s\tours\t%ld\t%.17g\n", funcs[f].name, seed, best);
            mt_tpe_release(&t);
            continue;
        fail:
            fprintf(stderr, "tpe_run: %s: %s\n", funcs[f].name, err.msg);
            mt_tpe_release(&t);
            return 1;
        }
    return 0;
}
