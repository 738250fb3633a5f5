/* Internal to src/strategy: what a kind of strategy provides, and the helpers
 * the kinds share (field parsing, indicators, stops, setups). */
#ifndef MT_STRATEGY_STRATEGY_IMPL_H
#define MT_STRATEGY_STRATEGY_IMPL_H

#include "strategy/strategy.h"

/* Inputs a strategy's indicators may read: open, high, low, close, volume
 * (enum mt_ind_input order). */
#define MT_STRATEGY_N_COL (MT_IN_VOLUME + 1)

struct mt_strategy_def {
    const char *name;  /* "channel_run" */
    const char *usage; /* the fields after the name, for messages: "LOOKBACK:ENTRY:GOAL" */
    int n_fields;
    int n_context;
    bool trails; /* trades are managed after entry (mt_strategy_id_trails) */
    const char *context[MT_SETUP_CONTEXT];
    /* Parses the id's fields after the name into s->p, writes s->id and adds
     * the indicators (s->tf, s->spread and s->buffer are set). Returns 0 or an
     * error whose message names the field; the caller prefixes the id and
     * releases s. */
    int (*setup)(struct mt_strategy *s, char *const *field, struct mt_err *err);
    /* Decides at the close of a bar from its close and v[k] = the outputs of
     * indicator k at that bar; writes at most MT_STRATEGY_MAX_SETUPS setups
     * (all but their time) and returns how many. */
    int (*decide)(struct mt_strategy *s, double close, const double (*v)[MT_IND_MAX_OUT], struct mt_setup *out);
};

extern const struct mt_strategy_def mt_strategy_channel_run;
extern const struct mt_strategy_def mt_strategy_trail_fractals;

/* Parses text as a decimal integer in [min, max] into *out; else MT_EINVAL
 * "NAME = TEXT must be an integer in [MIN, MAX]". */
int mt_strategy_field_int(const char *text, const char *name, int min, int max, int *out, struct mt_err *err);

/* Adds registry indicator `name` to s (next index s->n_ind) on s->tf bars
 * with its defaults, the first nopt options replaced by opt[], fed from src[]
 * (its def->in when src is NULL). Returns 0, MT_EINVAL or MT_ENOMEM. */
int mt_strategy_add_ind(struct mt_strategy *s, const char *name, const double *opt, int nopt,
                        const enum mt_ind_input *src, struct mt_err *err);

/* calc_stop: the invalidation level moved away from the trade by s->buffer
 * (long: inval (1 - buffer), short: inval (1 + buffer)); NaN for a NaN level. */
double mt_strategy_stop(const struct mt_strategy *s, int side, double inval);

/* Fills out (all but time and context) for a trade on side at price with
 * invalidation level inval and target (NaN: none); returns 1, or 0 when the
 * setup is not valid: the stop is not on the losing side of price, or the
 * target is not beyond price on the winning side by at least
 * MT_STRATEGY_MIN_REWARD. */
int mt_strategy_make_setup(const struct mt_strategy *s, int side, double price, double inval, double target,
                           struct mt_setup *out);

#endif
