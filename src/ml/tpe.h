/* TPE hyperparameter search with an ask/tell interface and a median pruner.
 *
 * The sampler follows Optuna 3.1's default TPESampler (independent per parameter, 10 random
 * startup trials, gamma(n) = min(ceil(n/10), 25), 24 expected-improvement candidates, prior
 * weight 1, magic clip, no endpoints) and the pruner Optuna's MedianPruner with its defaults
 * (5 startup trials, no warm-up, every step, at least one trial at the step);
 * docs/internals/ml.md, TPE, has the algorithm. Objectives are minimised: negate to maximise.
 * The random numbers are our own (xoshiro256**), so one seed gives one sequence of trials,
 * which differs from Optuna's for the same seed. */
#ifndef MT_ML_TPE_H
#define MT_ML_TPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define MT_TPE_PARAMS_MAX 32       /* parameters in one space */
#define MT_TPE_NAME_MAX 64         /* bytes of a parameter's name, with its terminator */
#define MT_TPE_TRIALS_MAX 100000   /* trials one search may ask for */
#define MT_TPE_STEPS_MAX 100000    /* intermediate values one trial may report */
#define MT_TPE_CHOICES_MAX 100000  /* choices of a categorical parameter */

enum mt_tpe_kind {
    MT_TPE_FLOAT,        /* real in [low, high], log-uniform prior when log */
    MT_TPE_INT,          /* integer low, low + step, ..., high; log: log-spaced (step 1 only) */
    MT_TPE_CATEGORICAL,  /* index 0 .. n_choices - 1, unordered */
};

struct mt_tpe_param {
    const char *name;       /* copied by mt_tpe_init */
    enum mt_tpe_kind kind;
    double low, high;       /* FLOAT and INT: inclusive bounds, low < high (> 0 when log) */
    double step;            /* INT: the grid step, a positive integer dividing high - low
                             * (0 means 1); must be 0 for the other kinds */
    bool log;               /* FLOAT and INT: search log(value) */
    size_t n_choices;       /* CATEGORICAL: at least 1 */
};

struct mt_tpe_space {
    const struct mt_tpe_param *params;
    size_t n_params;        /* 1 .. MT_TPE_PARAMS_MAX */
};

enum mt_tpe_state {
    MT_TPE_RUNNING,   /* asked, not told yet */
    MT_TPE_COMPLETE,  /* told with its final value */
    MT_TPE_PRUNED,    /* stopped early; its last intermediate value ranks it */
    MT_TPE_FAIL,      /* no usable value; ignored by the sampler */
};

struct mt_tpe_report {
    int64_t step;
    double value;
};

struct mt_tpe_trial {
    enum mt_tpe_state state;
    double value;                    /* COMPLETE: the objective */
    double *values;                  /* one per parameter, as mt_tpe_ask returned them */
    struct mt_tpe_report *reports;   /* intermediate values in the order reported */
    size_t n_reports, cap_reports;
};

struct mt_tpe {
    struct mt_tpe_param params[MT_TPE_PARAMS_MAX];  /* names point into `names` */
    char names[MT_TPE_PARAMS_MAX][MT_TPE_NAME_MAX];
    size_t n_params;
    uint64_t rng[4];                 /* xoshiro256** state */
    struct mt_tpe_trial *trials;     /* numbered by their index */
    size_t n_trials, cap_trials;
    size_t n_complete, n_pruned;     /* trials in those states */
    double *scratch;                 /* the pruner's: room for one value per COMPLETE trial */
    size_t cap_scratch;
};

/* Checks the space and starts an empty search over it with random numbers from `seed`; allocates
 * nothing. Fails with MT_EINVAL naming the parameter for an unknown kind, low >= high, a log
 * parameter with low <= 0, an INT bound or step that is not an integer or a grid that does not end
 * on high, a log INT with step > 1, a categorical without choices or a name that is empty or too
 * long; t is then unusable and needs no release. The struct must not be copied once used. */
int mt_tpe_init(struct mt_tpe *t, const struct mt_tpe_space *space, uint64_t seed,
                struct mt_err *err);

/* Starts trial number *trial (0, 1, ... in order) and writes its parameters into values, one per
 * parameter of the space: the real value, the integer or the choice's index. Random while fewer
 * than 10 trials are COMPLETE or PRUNED, then TPE over those trials. Fails with MT_ELIMIT after
 * MT_TPE_TRIALS_MAX trials or MT_ENOMEM; nothing is started then. */
int mt_tpe_ask(struct mt_tpe *t, double *values, size_t *trial, struct mt_err *err);

/* Records the intermediate value of a RUNNING trial at step (>= 0); a step reported before is
 * ignored, as in Optuna. NaN is allowed (it never wins). Fails with MT_EINVAL for a trial that is
 * not RUNNING or a negative step, MT_ELIMIT past MT_TPE_STEPS_MAX reports, MT_ENOMEM. */
int mt_tpe_report(struct mt_tpe *t, size_t trial, int64_t step, double value,
                  struct mt_err *err);

/* True when the median pruner stops the RUNNING trial at its last reported step: at least 5
 * trials are COMPLETE, and the trial's best intermediate value so far is worse than the median of
 * the COMPLETE trials' values at that step (NaNs left out; no decision without any), or all of
 * the trial's values are NaN. False before any report. */
bool mt_tpe_should_prune(struct mt_tpe *t, size_t trial);

/* Finishes a RUNNING trial: COMPLETE with its objective `value` (not NaN), PRUNED or FAIL (value
 * ignored). Fails with MT_EINVAL for a trial that is not RUNNING, a state that is not one of the
 * three or a NaN COMPLETE value (tell FAIL instead); the trial stays RUNNING then. */
int mt_tpe_tell(struct mt_tpe *t, size_t trial, double value, enum mt_tpe_state state,
                struct mt_err *err);

/* The COMPLETE trial with the lowest value (the first of equals): its number, value and, when
 * values is not NULL, its parameters (n_params doubles). MT_ENOENT when none is COMPLETE. */
int mt_tpe_best(const struct mt_tpe *t, size_t *trial, double *value, double *values,
                struct mt_err *err);

/* Frees the trials; t can be initialised again. */
void mt_tpe_release(struct mt_tpe *t);

/* The Parzen estimator's parts (exposed for tests). */

/* How many of n ranked trials form the good set: min(ceil(0.1 n), 25). */
size_t mt_tpe_gamma(size_t n);

/* The weights of n observations in trial order (before the prior's 1 and normalising): all 1
 * below 25, else a ramp from 1/n to 1 over the oldest n - 25 and 1 for the newest 25. */
void mt_tpe_weights(size_t n, double *w);

/* The univariate kernels over n observations in [low, high] (already in log space for a log
 * parameter, the bounds widened by half a step for an INT): mus[0..n-1] = obs, mus[n] = the
 * prior's centre; each sigma the larger gap to its neighbours in sorted order (the lowest and
 * highest kernel's to their inner neighbour only), clipped to [(high - low) / min(100, n + 2),
 * high - low]; the prior's sigma high - low. mus, sigmas and the scratch order hold n + 1;
 * mus may be obs. */
void mt_tpe_kernels(const double *obs, size_t n, double low, double high, double *mus,
                    double *sigmas, size_t *order);

#endif
