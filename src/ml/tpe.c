/* TPE sampler and median pruner (see tpe.h; docs/internals/ml.md, TPE). */
#include "ml/tpe.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

enum {
    STARTUP_TRIALS = 10,       /* Optuna's n_startup_trials */
    EI_CANDIDATES = 24,        /* Optuna's n_ei_candidates */
    GAMMA_MAX = 25,            /* the good set's cap, also the weights' flat tail */
    PRUNE_STARTUP_TRIALS = 5,  /* MedianPruner's n_startup_trials */
};
#define PRIOR_WEIGHT 1.0
#define LOG_SQRT_2PI 0.91893853320467274178

/* ---- random numbers: xoshiro256** seeded through splitmix64 ---- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(uint64_t s[4])
{
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* Uniform in [0, 1). */
static double uniform01(uint64_t s[4])
{
    return (double)(next_u64(s) >> 11) * 0x1.0p-53;
}

static double std_normal(uint64_t s[4])
{
    double u1 = 1.0 - uniform01(s), u2 = uniform01(s);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* ---- the space ---- */

static bool is_integral(double x)
{
    return isfinite(x) && x == floor(x) && fabs(x) < 0x1.0p52;
}

static int check_param(const struct mt_tpe_param *p, struct mt_err *err)
{
    const char *n = p->name;
    if (p->kind == MT_TPE_CATEGORICAL) {
        if (p->n_choices < 1 || p->n_choices > MT_TPE_CHOICES_MAX)
            return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: %zu choices, expected 1 to %d",
                              n, p->n_choices, MT_TPE_CHOICES_MAX);
        if (p->step != 0 || p->log)
            return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: a categorical has no step or log", n);
        return 0;
    }
    if (p->kind != MT_TPE_FLOAT && p->kind != MT_TPE_INT)
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: unknown kind %d", n, (int)p->kind);
    if (!isfinite(p->low) || !isfinite(p->high) || !(p->low < p->high))
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: bounds [%g, %g], expected finite low < high",
                          n, p->low, p->high);
    if (p->log && p->low <= 0)
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: log scale needs low > 0, got %g", n, p->low);
    if (p->kind == MT_TPE_FLOAT) {
        if (p->step != 0)
            return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: a float has no step", n);
        return 0;
    }
    double step = p->step == 0 ? 1 : p->step;
    if (!is_integral(p->low) || !is_integral(p->high) || !is_integral(step) || step < 1)
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: int bounds and step must be integers, "
                          "step >= 1", n);
    if (fmod(p->high - p->low, step) != 0)
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: step %g does not divide high - low = %g",
                          n, step, p->high - p->low);
    if (p->log && step != 1)
        return mt_err_set(err, MT_EINVAL, "tpe: parameter %s: a log int needs step 1", n);
    return 0;
}

int mt_tpe_init(struct mt_tpe *t, const struct mt_tpe_space *space, uint64_t seed,
                struct mt_err *err)
{
    memset(t, 0, sizeof(*t));
    if (space->n_params < 1 || space->n_params > MT_TPE_PARAMS_MAX)
        return mt_err_set(err, MT_EINVAL, "tpe: %zu parameters, expected 1 to %d", space->n_params,
                          MT_TPE_PARAMS_MAX);
    for (size_t i = 0; i < space->n_params; i++) {
        const struct mt_tpe_param *p = &space->params[i];
        size_t len = p->name ? strlen(p->name) : 0;
        if (len == 0 || len >= MT_TPE_NAME_MAX)
            return mt_err_set(err, MT_EINVAL, "tpe: parameter %zu: name empty or longer than %d bytes",
                              i, MT_TPE_NAME_MAX - 1);
        int rc = check_param(p, err);
        if (rc)
            return rc;
        memcpy(t->names[i], p->name, len + 1);
        t->params[i] = *p;
        t->params[i].name = t->names[i];
        if (p->kind == MT_TPE_INT && p->step == 0)
            t->params[i].step = 1;
    }
    t->n_params = space->n_params;
    for (int i = 0; i < 4; i++)
        t->rng[i] = splitmix64(&seed);
    return 0;
}

void mt_tpe_release(struct mt_tpe *t)
{
    for (size_t i = 0; i < t->n_trials; i++) {
        free(t->trials[i].values);
        free(t->trials[i].reports);
    }
    free(t->trials);
    free(t->scratch);
    t->trials = NULL;
    t->scratch = NULL;
    t->n_trials = t->cap_trials = t->cap_scratch = t->n_complete = t->n_pruned = 0;
}

/* The estimator's interval for a numeric parameter (Optuna's _calculate_parzen_bounds): log space
 * for log, half a step wider each side for INT; *q the INT grid's step on a linear scale, else 0. */
static void parzen_bounds(const struct mt_tpe_param *p, double *low, double *high, double *q)
{
    *q = 0;
    if (p->kind == MT_TPE_FLOAT) {
        *low = p->log ? log(p->low) : p->low;
        *high = p->log ? log(p->high) : p->high;
    } else if (p->log) {
        *low = log(p->low - 0.5);
        *high = log(p->high + 0.5);
    } else {
        *q = p->step;
        *low = p->low - 0.5 * p->step;
        *high = p->high + 0.5 * p->step;
    }
}

static double to_internal(const struct mt_tpe_param *p, double x)
{
    return p->log ? log(x) : x;
}

/* A point of the estimator's interval as a parameter value: exp for log, the nearest grid point
 * (halves to even, as numpy rounds) for INT, clipped to the bounds. */
static double from_internal(const struct mt_tpe_param *p, double y)
{
    double x;
    if (p->kind == MT_TPE_FLOAT)
        x = p->log ? exp(y) : y;
    else if (p->log)
        x = nearbyint(exp(y));
    else
        x = nearbyint((y - p->low) / p->step) * p->step + p->low;
    return fmin(fmax(x, p->low), p->high);
}

/* Optuna's RandomSampler: uniform over the estimator's interval, then mapped back. */
static double sample_uniform(const struct mt_tpe_param *p, uint64_t rng[4])
{
    if (p->kind == MT_TPE_CATEGORICAL) {
        double c = floor(uniform01(rng) * (double)p->n_choices);
        return fmin(c, (double)(p->n_choices - 1));
    }
    double low, high, q;
    parzen_bounds(p, &low, &high, &q);
    return from_internal(p, low + uniform01(rng) * (high - low));
}

/* ---- the Parzen estimator's parts ---- */

size_t mt_tpe_gamma(size_t n)
{
    size_t g = (size_t)ceil(0.1 * (double)n);
    return g < GAMMA_MAX ? g : GAMMA_MAX;
}

void mt_tpe_weights(size_t n, double *w)
{
    size_t ramp = n < GAMMA_MAX ? 0 : n - GAMMA_MAX;
    double start = 1.0 / (double)n, delta = ramp > 1 ? (1.0 - start) / (double)(ramp - 1) : 0;
    for (size_t i = 0; i < ramp; i++)  /* numpy's linspace(1/n, 1, ramp) */
        w[i] = i + 1 == ramp && ramp > 1 ? 1.0 : start + (double)i * delta;
    for (size_t i = ramp; i < n; i++)
        w[i] = 1.0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return i < j ? -1 : i > j;
}

/* Indices by v[index], equal values in index order. */
static int cmp_by_value(const void *a, const void *b, void *ctx)
{
    const double *v = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (v[i] != v[j])
        return v[i] < v[j] ? -1 : 1;
    return cmp_size(a, b);
}

void mt_tpe_kernels(const double *obs, size_t n, double low, double high, double *mus,
                    double *sigmas, size_t *order)
{
    size_t m = n + 1;
    memmove(mus, obs, n * sizeof(*mus));
    mus[n] = 0.5 * (low + high);
    for (size_t i = 0; i < m; i++)
        order[i] = i;
    qsort_r(order, m, sizeof(*order), cmp_by_value, mus);
    double range = high - low, min_sigma = range / fmin(100.0, (double)(m + 1));
    for (size_t r = 0; r < m; r++) {
        double here = mus[order[r]];
        double left = r == 0 ? low : mus[order[r - 1]], right = r + 1 == m ? high : mus[order[r + 1]];
        double s = fmax(here - left, right - here);
        if (m >= 2 && r == 0)
            s = right - here;  /* consider_endpoints=False: the outer kernels ignore the bounds */
        else if (m >= 2 && r + 1 == m)
            s = here - left;
        sigmas[order[r]] = fmin(fmax(s, min_sigma), range);
    }
    sigmas[n] = range;
}

/* log Phi(x), accurate in the far left tail (asymptotic series below -20). */
static double log_ndtr(double x)
{
    if (x > 6)
        return log1p(-0.5 * erfc(x / M_SQRT2));
    if (x > -20)
        return log(0.5 * erfc(-x / M_SQRT2));
    double r = 1.0 / (x * x);
    return -0.5 * x * x - log(-x) - LOG_SQRT_2PI + log1p(r * (-1.0 + r * (3.0 + r * (-15.0 + r * 105.0))));
}

/* log(Phi(b) - Phi(a)) for a <= b, working in whichever tail keeps the difference exact. */
static double log_gauss_mass(double a, double b)
{
    if (b <= 0) {
        double lb = log_ndtr(b), la = log_ndtr(a);
        return lb + log1p(-exp(la - lb));
    }
    if (a > 0)
        return log_gauss_mass(-b, -a);
    return log1p(-0.5 * erfc(-a / M_SQRT2) - 0.5 * erfc(b / M_SQRT2));
}

/* One parameter's Parzen estimator over n observations: kernel k < n is observation k, kernel n
 * the prior. */
struct parzen {
    const struct mt_tpe_param *p;
    size_t n;
    double *w;       /* n + 1 normalised weights */
    double *mu;      /* numeric: the centres; categorical: the observed indices, then unused */
    double *sigma;   /* numeric: the widths */
    double *lnorm;   /* numeric: log of each kernel's mass inside [low, high] */
    double low, high, q;
};

static void parzen_build(struct parzen *pe, const struct mt_tpe *t, size_t param,
                         const size_t *trials, size_t n, size_t *order)
{
    const struct mt_tpe_param *p = &t->params[param];
    pe->p = p;
    pe->n = n;
    mt_tpe_weights(n, pe->w);
    pe->w[n] = PRIOR_WEIGHT;
    double sum = 0;
    for (size_t k = 0; k <= n; k++)
        sum += pe->w[k];
    for (size_t k = 0; k <= n; k++)
        pe->w[k] /= sum;
    for (size_t k = 0; k < n; k++)
        pe->mu[k] = t->trials[trials[k]].values[param];
    if (p->kind == MT_TPE_CATEGORICAL)
        return;
    for (size_t k = 0; k < n; k++)
        pe->mu[k] = to_internal(p, pe->mu[k]);
    parzen_bounds(p, &pe->low, &pe->high, &pe->q);
    mt_tpe_kernels(pe->mu, n, pe->low, pe->high, pe->mu, pe->sigma, order);
    for (size_t k = 0; k <= n; k++)
        pe->lnorm[k] = log_gauss_mass((pe->low - pe->mu[k]) / pe->sigma[k],
                                      (pe->high - pe->mu[k]) / pe->sigma[k]);
}

static size_t pick_kernel(const struct parzen *pe, uint64_t rng[4])
{
    double u = uniform01(rng), c = 0;
    for (size_t k = 0; k < pe->n; k++) {
        c += pe->w[k];
        if (u < c)
            return k;
    }
    return pe->n;
}

/* A draw from the mixture, as a parameter value. The truncated normal is drawn by rejection: a
 * centre inside [low, high] and a width at most high - low keep at least a third of the mass
 * inside, so few draws are rejected. */
static double parzen_sample(const struct parzen *pe, uint64_t rng[4])
{
    const struct mt_tpe_param *p = pe->p;
    size_t k = pick_kernel(pe, rng);
    if (p->kind == MT_TPE_CATEGORICAL) {
        /* row k: PRIOR_WEIGHT/(n+1) on every choice plus 1 on the observed one, normalised */
        double c = (double)p->n_choices, prior = PRIOR_WEIGHT / (double)(pe->n + 1);
        if (k < pe->n && uniform01(rng) < 1.0 / (c * prior + 1.0))
            return pe->mu[k];
        return fmin(floor(uniform01(rng) * c), c - 1);
    }
    double y;
    do
        y = pe->mu[k] + pe->sigma[k] * std_normal(rng);
    while (!(y >= pe->low && y <= pe->high));
    return from_internal(p, y);
}

/* log of the mixture's density (numeric) or probability (categorical, INT on a linear grid:
 * the mass of the grid cell) at parameter value x. A continuous kernel's density leaves out its
 * 1/sigma, as Optuna 3.1's _truncnorm.logpdf does: narrow kernels count for less than a true
 * density would give them. Kept for the same proposals as Optuna (docs/internals/ml.md: with the
 * factor our searches were clearly worse on the sphere functions). */
static double parzen_log_pdf(const struct parzen *pe, double x)
{
    const struct mt_tpe_param *p = pe->p;
    if (p->kind == MT_TPE_CATEGORICAL) {
        double c = (double)p->n_choices, prior = PRIOR_WEIGHT / (double)(pe->n + 1), all = 0, hit = 0;
        for (size_t k = 0; k < pe->n; k++) {
            all += pe->w[k];
            if (pe->mu[k] == x)
                hit += pe->w[k];
        }
        return log((prior * all + hit) / (c * prior + 1.0) + pe->w[pe->n] / c);
    }
    double y = to_internal(p, x), max = -INFINITY, sum = 0;
    double lo = fmax(y - 0.5 * pe->q, pe->low), hi = fmin(y + 0.5 * pe->q, pe->high);
    for (size_t k = 0; k <= pe->n; k++) {
        double mu = pe->mu[k], s = pe->sigma[k], l;
        if (pe->q > 0) {
            l = log_gauss_mass((lo - mu) / s, (hi - mu) / s);
        } else {
            double z = (y - mu) / s;
            l = -0.5 * z * z - LOG_SQRT_2PI;
        }
        l += log(pe->w[k]) - pe->lnorm[k];
        if (l > max) {  /* log-sum-exp in one pass */
            sum = sum * exp(max - l) + 1.0;
            max = l;
        } else if (l > -INFINITY) {
            sum += exp(l - max);
        }
    }
    return max + log(sum);
}

/* ---- ranking the observed trials ---- */

struct rank_key {
    double step;   /* -inf for COMPLETE, -last step for PRUNED, 1 for PRUNED without reports */
    double value;  /* the value, the last intermediate value (NaN as +inf), 0 */
};

static struct rank_key rank_key(const struct mt_tpe_trial *tr)
{
    if (tr->state == MT_TPE_COMPLETE)
        return (struct rank_key){-INFINITY, tr->value};
    if (tr->n_reports == 0)
        return (struct rank_key){1, 0};
    const struct mt_tpe_report *last = &tr->reports[0];
    for (size_t i = 1; i < tr->n_reports; i++)
        if (tr->reports[i].step > last->step)
            last = &tr->reports[i];
    return (struct rank_key){-(double)last->step, isnan(last->value) ? INFINITY : last->value};
}

static int cmp_rank(const void *a, const void *b, void *ctx)
{
    const struct rank_key *key = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (key[i].step != key[j].step)
        return key[i].step < key[j].step ? -1 : 1;
    if (key[i].value != key[j].value)
        return key[i].value < key[j].value ? -1 : 1;
    return cmp_size(a, b);
}

/* TPE for every parameter over the n_obs COMPLETE or PRUNED trials. */
static int sample_tpe(struct mt_tpe *t, size_t n_obs, double *values, struct mt_err *err)
{
    size_t m = n_obs + 1;
    size_t *idx = malloc(3 * m * sizeof(*idx));
    double *d = malloc(8 * m * sizeof(*d));
    struct rank_key *key = malloc(n_obs * sizeof(*key));
    if (!idx || !d || !key) {
        free(idx);
        free(d);
        free(key);
        return mt_err_set(err, MT_ENOMEM, "tpe: no memory for %zu trials", n_obs);
    }
    size_t *obs = idx, *split = idx + m, *order = idx + 2 * m;
    for (size_t i = 0, k = 0; i < t->n_trials; i++)
        if (t->trials[i].state == MT_TPE_COMPLETE || t->trials[i].state == MT_TPE_PRUNED) {
            key[k] = rank_key(&t->trials[i]);
            obs[k++] = i;
        }
    /* split: the best n_below by rank, then the rest, each in trial order */
    size_t n_below = mt_tpe_gamma(n_obs);
    for (size_t k = 0; k < n_obs; k++)
        order[k] = k;
    qsort_r(order, n_obs, sizeof(*order), cmp_rank, key);
    for (size_t k = 0; k < n_obs; k++)
        split[k] = obs[order[k]];
    qsort(split, n_below, sizeof(*split), cmp_size);
    qsort(split + n_below, n_obs - n_below, sizeof(*split), cmp_size);

    struct parzen below = {.w = d, .mu = d + m, .sigma = d + 2 * m, .lnorm = d + 3 * m};
    struct parzen above = {.w = d + 4 * m, .mu = d + 5 * m, .sigma = d + 6 * m, .lnorm = d + 7 * m};
    for (size_t j = 0; j < t->n_params; j++) {
        parzen_build(&below, t, j, split, n_below, order);
        parzen_build(&above, t, j, split + n_below, n_obs - n_below, order);
        double best = -INFINITY;
        for (int c = 0; c < EI_CANDIDATES; c++) {
            double x = parzen_sample(&below, t->rng);
            double score = parzen_log_pdf(&below, x) - parzen_log_pdf(&above, x);
            if (c == 0 || score > best) {
                best = score;
                values[j] = x;
            }
        }
    }
    free(idx);
    free(d);
    free(key);
    return 0;
}

/* ---- ask, report, prune, tell ---- */

int mt_tpe_ask(struct mt_tpe *t, double *values, size_t *trial, struct mt_err *err)
{
    if (t->n_trials >= MT_TPE_TRIALS_MAX)
        return mt_err_set(err, MT_ELIMIT, "tpe: more than %d trials", MT_TPE_TRIALS_MAX);
    struct mt_tpe_trial *trials = mt_grow(t->trials, &t->cap_trials, t->n_trials, sizeof(*trials), 16);
    if (!trials)
        return mt_err_set(err, MT_ENOMEM, "tpe: no memory for trial %zu", t->n_trials);
    t->trials = trials;
    double *v = malloc(t->n_params * sizeof(*v));
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "tpe: no memory for trial %zu", t->n_trials);
    size_t n_obs = t->n_complete + t->n_pruned;
    if (n_obs < STARTUP_TRIALS) {
        for (size_t j = 0; j < t->n_params; j++)
            v[j] = sample_uniform(&t->params[j], t->rng);
    } else {
        int rc = sample_tpe(t, n_obs, v, err);
        if (rc) {
            free(v);
            return rc;
        }
    }
    trials[t->n_trials] = (struct mt_tpe_trial){.state = MT_TPE_RUNNING, .value = NAN, .values = v};
    memcpy(values, v, t->n_params * sizeof(*v));
    *trial = t->n_trials++;
    return 0;
}

static int check_running(const struct mt_tpe *t, size_t trial, struct mt_err *err)
{
    if (trial >= t->n_trials || t->trials[trial].state != MT_TPE_RUNNING)
        return mt_err_set(err, MT_EINVAL, "tpe: trial %zu is not running", trial);
    return 0;
}

int mt_tpe_report(struct mt_tpe *t, size_t trial, int64_t step, double value,
                  struct mt_err *err)
{
    int rc = check_running(t, trial, err);
    if (rc)
        return rc;
    if (step < 0)
        return mt_err_set(err, MT_EINVAL, "tpe: trial %zu: step %lld, expected >= 0", trial,
                          (long long)step);
    struct mt_tpe_trial *tr = &t->trials[trial];
    for (size_t i = 0; i < tr->n_reports; i++)
        if (tr->reports[i].step == step)
            return 0;
    if (tr->n_reports >= MT_TPE_STEPS_MAX)
        return mt_err_set(err, MT_ELIMIT, "tpe: trial %zu: more than %d steps", trial, MT_TPE_STEPS_MAX);
    struct mt_tpe_report *r = mt_grow(tr->reports, &tr->cap_reports, tr->n_reports, sizeof(*r), 16);
    if (!r)
        return mt_err_set(err, MT_ENOMEM, "tpe: trial %zu: no memory for step %lld", trial,
                          (long long)step);
    tr->reports = r;
    r[tr->n_reports++] = (struct mt_tpe_report){step, value};
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bool mt_tpe_should_prune(struct mt_tpe *t, size_t trial)
{
    assert(trial < t->n_trials && t->trials[trial].state == MT_TPE_RUNNING);
    const struct mt_tpe_trial *tr = &t->trials[trial];
    if (tr->n_reports == 0)
        return false;
    int64_t step = tr->reports[0].step;
    double best = NAN;
    for (size_t i = 0; i < tr->n_reports; i++) {
        if (tr->reports[i].step > step)
            step = tr->reports[i].step;
        best = fmin(best, tr->reports[i].value);  /* fmin skips NaN */
    }
    if (t->n_complete < PRUNE_STARTUP_TRIALS)
        return false;
    if (isnan(best))
        return true;
    size_t n = 0;
    for (size_t i = 0; i < t->n_trials; i++) {
        const struct mt_tpe_trial *c = &t->trials[i];
        if (c->state != MT_TPE_COMPLETE)
            continue;
        for (size_t r = 0; r < c->n_reports; r++)
            if (c->reports[r].step == step && !isnan(c->reports[r].value))
                t->scratch[n++] = c->reports[r].value;
    }
    if (n == 0)
        return false;
    qsort(t->scratch, n, sizeof(*t->scratch), cmp_double);
    const double *v = t->scratch;
    double median = n % 2 ? v[n / 2] : v[n / 2 - 1] + 0.5 * (v[n / 2] - v[n / 2 - 1]);
    return best > median;
}

int mt_tpe_tell(struct mt_tpe *t, size_t trial, double value, enum mt_tpe_state state,
                struct mt_err *err)
{
    int rc = check_running(t, trial, err);
    if (rc)
        return rc;
    if (state != MT_TPE_COMPLETE && state != MT_TPE_PRUNED && state != MT_TPE_FAIL)
        return mt_err_set(err, MT_EINVAL, "tpe: trial %zu: cannot be told state %d", trial, (int)state);
    if (state == MT_TPE_COMPLETE) {
        if (isnan(value))
            return mt_err_set(err, MT_EINVAL, "tpe: trial %zu: complete with a nan value", trial);
        /* the pruner's buffer holds one value per COMPLETE trial */
        double *s = mt_grow(t->scratch, &t->cap_scratch, t->n_complete, sizeof(*s), 16);
        if (!s)
            return mt_err_set(err, MT_ENOMEM, "tpe: trial %zu: no memory", trial);
        t->scratch = s;
    }
    t->n_complete += state == MT_TPE_COMPLETE;
    t->n_pruned += state == MT_TPE_PRUNED;
    t->trials[trial].state = state;
    t->trials[trial].value = state == MT_TPE_COMPLETE ? value : NAN;
    return 0;
}

int mt_tpe_best(const struct mt_tpe *t, size_t *trial, double *value, double *values,
                struct mt_err *err)
{
    const struct mt_tpe_trial *best = NULL;
    for (size_t i = 0; i < t->n_trials; i++) {
        const struct mt_tpe_trial *tr = &t->trials[i];
        if (tr->state == MT_TPE_COMPLETE && (!best || tr->value < best->value))
            best = tr;
    }
    if (!best)
        return mt_err_set(err, MT_ENOENT, "tpe: no complete trial");
    *trial = (size_t)(best - t->trials);
    *value = best->value;
    if (values)
        memcpy(values, best->values, t->n_params * sizeof(*values));
    return 0;
}
