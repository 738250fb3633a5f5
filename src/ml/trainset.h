/* An agent's training set: one row per setup its strategy found on its pairs,
 * with the pairs chosen as the agent would have chosen them at each setup's
 * signal bar (sim/ranking.h: volume ranks from the bars known then, never
 * today's), plus the finished trades of that agent from the journal (paper,
 * replay and later live runs), each row marked by its source.
 *
 * A row holds the feature set's row at the signal bar (the batch matrix: the
 * same values the scorer gets from the streaming features, bit for bit), then
 * the setup's own columns (mt_setup_features), its label interval [t0, t1]
 * (signal bar open time, exit time) and its net R after fees, spread and
 * slippage (the label backtest of sim/setups.h: every setup followed on its
 * own). Rows are ordered by t0, then symbol, then side.
 *
 * Not kept, only counted: censored setups (the data ended first: no label),
 * tracked follow-ons (the same setup under another exit policy), setups of
 * the sides the agent does not trade, setups on a pair not selected then, and
 * journal trades that repeat a backtest row (the same symbol, signal time and
 * side). A journal trade of a live run replaces the simulated outcome of its
 * row with its real one. */
#ifndef MT_ML_TRAINSET_H
#define MT_ML_TRAINSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "features/featureset.h"
#include "sim/ranking.h"
#include "sim/trade.h"
#include "strategy/strategy.h"

struct mt_journal;

#define MT_SETUP_FEATURES_MAX (3 + MT_SETUP_CONTEXT)
#define MT_TRAINSET_SYMBOL_MAX 32

/* Where a row comes from. */
enum mt_row_source {
    MT_ROW_BACKTEST, /* the label backtest over the store */
    MT_ROW_REAL,     /* a real trade of a journalled run */
    MT_ROW_SIM,      /* a sim trade of a journalled run (rejected by the score or a limit) */
    MT_ROW_TRACKED,  /* a tracked follow-on of a journalled run */
};
#define MT_ROW_SOURCES 4

/* Static name of a source ("backtest", "real", "sim", "tracked"). */
const char *mt_row_source_name(enum mt_row_source s);

/* The names of the setup columns strategy st's setups give (setup_side,
 * setup_stop_rel, setup_rr, then ctx_<context name> for each context value)
 * into names; returns their number (<= MT_SETUP_FEATURES_MAX). */
size_t mt_setup_feature_names(const struct mt_strategy *st, char (*names)[MT_FSET_NAME_MAX]);

/* The setup columns of x (mt_setup_feature_names' order) into out: its side
 * (+1/-1), the stop distance |stop / price - 1|, rr (NaN without a target)
 * and its context values. Returns their number. The scorer and the training
 * set both use this, so the columns are equal bit for bit. */
size_t mt_setup_features(const struct mt_setup *x, float *out);

/* The names of the full row of strategy_id's setups on tf with fs: fs's
 * columns, then mt_setup_feature_names; *names malloc'ed (the caller frees
 * it), *n columns of which the first *n_fset are fs's. Returns 0, MT_EINVAL
 * (a bad strategy id) or MT_ENOMEM. */
int mt_trainset_columns(const struct mt_fset *fs, enum mt_tf tf, const char *strategy_id,
                        char (**names)[MT_FSET_NAME_MAX], size_t *n, size_t *n_fset, struct mt_err *err);

/* Loads the closed candles of pair i (sorted by open time) into *out; a pair
 * without data gives MT_ENOENT (it is skipped). */
typedef int (*mt_trainset_load_fn)(void *ctx, size_t i, struct mt_series *out, struct mt_err *err);

struct mt_trainset_spec {
    const char *strategy_id;
    enum mt_tf tf;
    unsigned sides;                  /* MT_SIDES_* (sim/engine.h); 0: both */
    const char *const *symbols;      /* the candidate pairs */
    size_t n_symbols;
    mt_trainset_load_fn load;        /* reads a candidate's candles */
    void *load_ctx;
    bool ranked;                     /* pairs chosen by rank at each bar (else every candidate, always) */
    struct mt_rank_rule rank;        /* ranked: the rule */
    struct mt_trade_rules rules;
    struct mt_costs costs;           /* costs.spread: every pair's spread (the strategies' stop buffer, the fills) */
    const struct mt_fset *fset;      /* the feature set (its columns come first) */
    int64_t from, to;                /* setups with from <= signal time < to */
    struct mt_journal *journal;      /* the agent's journalled trades (journal/journal.h), or NULL */
    const char *agent;               /* its name in the journal */
};

struct mt_trainset {
    size_t rows, cap, cols;
    float *x;                        /* rows x cols, row-major, NaN missing (owned) */
    char (*names)[MT_FSET_NAME_MAX]; /* cols (owned) */
    size_t n_fset;                   /* the first n_fset columns are the feature set's, then the setup's */
    int64_t *t0, *t1;                /* label interval: signal bar open time, exit time (ms UTC) */
    double *r;                       /* net R */
    uint32_t *symbol;                /* index into symbols */
    uint8_t *source;                 /* enum mt_row_source */
    int8_t *side;                    /* +1 / -1 */
    size_t n_symbols;
    char (*symbols)[MT_TRAINSET_SYMBOL_MAX]; /* the candidates, in spec order (owned) */
    size_t by_source[MT_ROW_SOURCES];        /* rows kept of each source */
    /* counted, not kept */
    size_t censored, tracked, other_side, unselected, duplicates, untradable, missing_pairs;
    size_t pairs_used;                       /* pairs with at least one row */
};

/* Builds the training set of spec into *out (overwritten). Returns 0,
 * MT_EINVAL (a bad strategy id or feature set, named), MT_ENOMEM, or the
 * loader's or the journal's error. */
int mt_trainset_build(const struct mt_trainset_spec *spec, struct mt_trainset *out, struct mt_err *err);

void mt_trainset_release(struct mt_trainset *t);

/* Row i's features (cols floats). */
static inline const float *mt_trainset_row(const struct mt_trainset *t, size_t i)
{
    return t->x + i * t->cols;
}

#endif
