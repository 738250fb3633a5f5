/* The deployment gate: on the untouched test period, does the model's filter
 * earn more net R than the alternatives, by enough to trust?
 *
 * Selectors (accept masks over the test rows): the model; the best
 * single-feature rule (chosen on the training span by the caller; optional);
 * the unfiltered strategy (every row); and m models refit on shuffled labels
 * (the null: what a model of this kind finds in noise). A selector's figure is
 * the mean net R of the rows it accepts.
 *
 * The model is promoted when all of these hold:
 *   1. it accepts at least min_trades rows;
 *   2. its mean beats the unfiltered mean;
 *   3. its mean beats the rule's (when a rule is given);
 *   4. its mean beats the shuffled_quantile quantile of the shuffled models'
 *      means (default 1: every one of them; with m of 20 or less the 95th
 *      percentile is an interpolation between the two best shuffled means and
 *      little weaker, so "every" is the default and 0.95 suits large m); a
 *      shuffled model that accepts nothing has no mean and is left out;
 *   5. the day-block bootstrap interval of model minus unfiltered (paired, on
 *      the same resampled days) has a lower bound > 0.
 * Otherwise the rule is used when it passes 1, 2 and 5 itself (against the
 * unfiltered strategy); otherwise the strategy runs unfiltered. Keeping a
 * previous model instead is the caller's business. "Beats" is strict. */
#ifndef MT_ML_GATE_H
#define MT_ML_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ml/evaluate.h"

enum mt_gate_decision {
    MT_GATE_UNFILTERED = 0,
    MT_GATE_USE_RULE = 1,
    MT_GATE_PROMOTE_MODEL = 2,
};

struct mt_gate_params {
    size_t min_trades;        /* default 30; 1..1000000 */
    double level;             /* bootstrap confidence level, default 0.95; 0.5..0.999 */
    size_t resamples;         /* default 2000; 100..1000000 */
    size_t block_days;        /* days per bootstrap block, default 1; >= 1 and <= the test days */
    uint64_t seed;            /* default 1 */
    double shuffled_quantile; /* default 1 (every shuffled model); 0.5..1 */
};

/* The gate's figures, for the model card. Means are in R; an interval's n is
 * the first selector's accepted rows. */
struct mt_gate_figures {
    struct mt_ci model, rule, unfiltered;    /* means with their intervals (rule NaN without a rule) */
    struct mt_ci model_vs_unfiltered;        /* paired difference */
    struct mt_ci rule_vs_unfiltered;         /* NaN without a rule */
    size_t shuffled, shuffled_defined;       /* m, and those that accepted something */
    double shuffled_bar;                     /* the quantile of their means; NaN when none is defined */
    bool model_passes, rule_passes;
};

#define MT_GATE_REASON_MAX 768

struct mt_gate_result {
    enum mt_gate_decision decision;
    struct mt_gate_figures fig;
    char reason[MT_GATE_REASON_MAX]; /* one line: the deciding figures and why */
};

/* The defaults above. */
void mt_gate_params_default(struct mt_gate_params *p);

/* Decides on n test rows: r their net R, day their bootstrap block (non-
 * decreasing), model the model's accept mask, rule the rule's (or NULL),
 * shuffled[0..m) the shuffled models' masks (m may be 0). p NULL means the
 * defaults. Fills *out. Returns 0, MT_ENOMEM, or MT_EINVAL (no rows, a
 * parameter out of range naming it, a non-finite r, unsorted days). */
int mt_gate_decide(const double *r, const int64_t *day, size_t n, const uint8_t *model, const uint8_t *rule,
                   const uint8_t *const *shuffled, size_t m, const struct mt_gate_params *p,
                   struct mt_gate_result *out, struct mt_err *err);

/* The name of a decision ("promote_model", "use_rule", "unfiltered"). */
const char *mt_gate_decision_name(enum mt_gate_decision d);

#endif
