#include "ml/gate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void mt_gate_params_default(struct mt_gate_params *p)
{
    *p = (struct mt_gate_params){
        .min_trades = 30, .level = 0.95, .resamples = 2000, .block_days = 1, .seed = 1, .shuffled_quantile = 1};
}

const char *mt_gate_decision_name(enum mt_gate_decision d)
{
    switch (d) {
    case MT_GATE_PROMOTE_MODEL:
        return "promote_model";
    case MT_GATE_USE_RULE:
        return "use_rule";
    case MT_GATE_UNFILTERED:
        break;
    }
    return "unfiltered";
}

static int check_params(const struct mt_gate_params *p, struct mt_err *err)
{
    if (p->min_trades < 1 || p->min_trades > 1000000)
        return mt_err_set(err, MT_EINVAL, "gate: min_trades %zu is not in 1..1000000", p->min_trades);
    if (!(p->level >= 0.5 && p->level <= 0.999))
        return mt_err_set(err, MT_EINVAL, "gate: level %g is not in 0.5..0.999", p->level);
    if (p->resamples < 100 || p->resamples > 1000000)
        return mt_err_set(err, MT_EINVAL, "gate: resamples %zu is not in 100..1000000", p->resamples);
    if (p->block_days < 1)
        return mt_err_set(err, MT_EINVAL, "gate: block_days is 0, expected >= 1");
    if (!(p->shuffled_quantile >= 0.5 && p->shuffled_quantile <= 1))
        return mt_err_set(err, MT_EINVAL, "gate: shuffled_quantile %g is not in 0.5..1", p->shuffled_quantile);
    return 0;
}

/* Mean of r over the rows of mask; NaN when it accepts none. */
static double masked_mean(const double *r, const uint8_t *mask, size_t n)
{
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (mask[i])
            s += r[i], c++;
    return c ? s / (double)c : NAN;
}

/* Appends to a bounded line (truncating when full). */
struct line {
    char *buf;
    size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void add(struct line *l, const char *fmt, ...)
{
    if (l->len + 1 >= l->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
    va_end(ap);
    if (k > 0)
        l->len = (size_t)k < l->cap - l->len ? l->len + (size_t)k : l->cap - 1;
}

/* A selector passes against the unfiltered strategy: enough trades, a higher
 * mean, and a paired interval above 0. Each failure is appended to l. */
static bool passes_unfiltered(const char *who, const struct mt_ci *mean, const struct mt_ci *diff,
                              const struct mt_gate_figures *f, const struct mt_gate_params *p, struct line *l,
                              int *fails)
{
    if (mean->n == 0) { /* no mean and no interval to compare */
        add(l, "%s%s accepts none of the test setups", (*fails)++ ? ", " : "", who);
        return false;
    }
    bool ok = true;
    if (mean->n < p->min_trades) {
        add(l, "%s%s has %zu trades, fewer than %zu", (*fails)++ ? ", " : "", who, mean->n, p->min_trades);
        ok = false;
    }
    if (!(mean->value > f->unfiltered.value)) {
        add(l, "%s%s mean %+.3f R does not beat unfiltered %+.3f R", (*fails)++ ? ", " : "", who, mean->value,
            f->unfiltered.value);
        ok = false;
    }
    if (!(diff->lo > 0)) {
        add(l, "%s%s - unfiltered %+.3f R has CI %+.3f..%+.3f not above 0", (*fails)++ ? ", " : "", who,
            diff->value, diff->lo, diff->hi);
        ok = false;
    }
    return ok;
}

int mt_gate_decide(const double *r, const int64_t *day, size_t n, const uint8_t *model, const uint8_t *rule,
                   const uint8_t *const *shuffled, size_t m, const struct mt_gate_params *p,
                   struct mt_gate_result *out, struct mt_err *err)
{
    struct mt_gate_params def;
    if (!p) {
        mt_gate_params_default(&def);
        p = &def;
    }
    int rc = check_params(p, err);
    if (rc)
        return rc;
    *out = (struct mt_gate_result){.decision = MT_GATE_UNFILTERED};
    struct mt_gate_figures *f = &out->fig;
    const struct mt_boot_opts o = {.seed = p->seed, .resamples = p->resamples, .block_days = p->block_days,
                                   .level = p->level};
    /* One seed: every interval below is taken on the same resampled days. */
    if ((rc = mt_eval_boot_mean(r, model, day, n, &o, &f->model, err)) ||
        (rc = mt_eval_boot_mean(r, NULL, day, n, &o, &f->unfiltered, err)) ||
        (rc = mt_eval_boot_diff(r, model, NULL, day, n, &o, &f->model_vs_unfiltered, err)))
        return mt_err_prefix(err, "gate");
    const struct mt_ci none = {NAN, NAN, NAN, 0, 0};
    f->rule = f->rule_vs_unfiltered = none;
    if (rule && ((rc = mt_eval_boot_mean(r, rule, day, n, &o, &f->rule, err)) ||
                 (rc = mt_eval_boot_diff(r, rule, NULL, day, n, &o, &f->rule_vs_unfiltered, err))))
        return mt_err_prefix(err, "gate");
    f->shuffled = m;
    f->shuffled_bar = NAN;
    double *sm = malloc((m ? m : 1) * sizeof *sm);
    if (!sm)
        return mt_err_set(err, MT_ENOMEM, "gate: %zu shuffled models: out of memory", m);
    for (size_t k = 0; k < m; k++) {
        double v = masked_mean(r, shuffled[k], n);
        if (!isnan(v))
            sm[f->shuffled_defined++] = v;
    }
    if (f->shuffled_defined) {
        mt_eval_sort(sm, f->shuffled_defined);
        f->shuffled_bar = mt_eval_quantile(sm, f->shuffled_defined, p->shuffled_quantile);
    }
    free(sm);

    char fails_model[MT_GATE_REASON_MAX], fails_rule[MT_GATE_REASON_MAX];
    struct line lm = {fails_model, 0, sizeof fails_model}, lr = {fails_rule, 0, sizeof fails_rule};
    fails_model[0] = fails_rule[0] = '\0';
    int nfm = 0, nfr = 0;
    f->model_passes = passes_unfiltered("model", &f->model, &f->model_vs_unfiltered, f, p, &lm, &nfm);
    if (f->model.n && !isnan(f->rule.value) && !(f->model.value > f->rule.value)) {
        add(&lm, "%smodel mean %+.3f R does not beat rule %+.3f R", nfm++ ? ", " : "", f->model.value,
            f->rule.value);
        f->model_passes = false;
    }
    if (f->model.n && !isnan(f->shuffled_bar) && !(f->model.value > f->shuffled_bar)) {
        add(&lm, "%smodel mean %+.3f R does not beat shuffled %+.3f R", nfm++ ? ", " : "", f->model.value,
            f->shuffled_bar);
        f->model_passes = false;
    }
    f->rule_passes = rule && passes_unfiltered("rule", &f->rule, &f->rule_vs_unfiltered, f, p, &lr, &nfr);
    out->decision = f->model_passes ? MT_GATE_PROMOTE_MODEL : f->rule_passes ? MT_GATE_USE_RULE : MT_GATE_UNFILTERED;

    struct line l = {out->reason, 0, sizeof out->reason};
    add(&l, "%s: model ", mt_gate_decision_name(out->decision));
    if (f->model.n)
        add(&l, "%+.3f R (n %zu, CI %+.3f..%+.3f)", f->model.value, f->model.n, f->model.lo, f->model.hi);
    else
        add(&l, "accepts none");
    add(&l, ", unfiltered %+.3f R (n %zu)", f->unfiltered.value, f->unfiltered.n);
    if (rule && f->rule.n)
        add(&l, ", rule %+.3f R (n %zu)", f->rule.value, f->rule.n);
    else if (rule)
        add(&l, ", rule accepts none");
    if (f->shuffled_defined)
        add(&l, ", shuffled bar %+.3f R (of %zu)", f->shuffled_bar, f->shuffled_defined);
    if (f->model.n)
        add(&l, ", model - unfiltered %+.3f R (CI %+.3f..%+.3f)", f->model_vs_unfiltered.value,
            f->model_vs_unfiltered.lo, f->model_vs_unfiltered.hi);
    if (f->model_passes) {
        add(&l, "; the model beats every alternative");
    } else {
        add(&l, "; %s", fails_model);
        if (f->rule_passes)
            add(&l, "; rule - unfiltered %+.3f R (CI %+.3f..%+.3f) is above 0", f->rule_vs_unfiltered.value,
                f->rule_vs_unfiltered.lo, f->rule_vs_unfiltered.hi);
        else if (rule)
            add(&l, "; %s", fails_rule);
    }
    return 0;
}
