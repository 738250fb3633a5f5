/* Indicator registry: one table of entries in the shape of tulipindicators
 * (name, inputs, options with defaults and ranges, outputs, lookback, a
 * function over bars), looked up by name.
 *
 * Every indicator is a causal state machine: `run` feeds bars one after the
 * other into a state and writes one output row per bar. Batch use feeds a
 * whole series; live use keeps the state and feeds each new bar, so the
 * latest-bar values equal the batch values bit for bit by construction, and no
 * output can depend on a later bar.
 *
 * Conventions shared by all entries:
 * - Outputs are as long as the inputs and aligned with them (row i = bar i).
 *   Rows before the lookback are NaN; from the lookback on, a series without
 *   NaN gives finite values (or NaN where the value is undefined, e.g. a
 *   ratio over a zero range, documented per entry).
 * - A bar with a NaN input yields NaN outputs and restarts the indicator: the
 *   next lookback bars are NaN again, then values resume as if the series
 *   began after the NaN. Nothing before a NaN leaks past it.
 * - Standard indicators follow TA-Lib's definitions and seeding (EMA seeded
 *   with the SMA of the first period values, Wilder smoothing for RSI/ATR/ADX,
 *   population standard deviation, ...) and TA-Lib's lookback; differences are
 *   documented on the entry.
 * - Bars are the closed candles of one (symbol, timeframe) series in time
 *   order; `time` is the open time in ms UTC. Entries that need calendar
 *   periods (daily open, previous week's high, session VWAP) use only periods
 *   whose bars are all at or before the current bar. */
#ifndef MT_FEATURES_INDICATOR_H
#define MT_FEATURES_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

#define MT_IND_MAX_IN 5
#define MT_IND_MAX_OPT 4
#define MT_IND_MAX_OUT 8
#define MT_IND_NAME_MAX 32

/* What an input is fed from: a column of the candle series. */
enum mt_ind_input {
    MT_IN_OPEN,
    MT_IN_HIGH,
    MT_IN_LOW,
    MT_IN_CLOSE,
    MT_IN_VOLUME,       /* base asset volume */
    MT_IN_QUOTE_VOLUME,
    MT_IN_TRADES,
    MT_IN_TAKER_BASE,   /* taker buy base volume */
    MT_IN_TAKER_QUOTE,
    MT_IN_COUNT
};

/* Name of an input ("close"), and the reverse (-1 if unknown). */
const char *mt_ind_input_name(enum mt_ind_input in);
int mt_ind_input_parse(const char *name);

/* The column of s that feeds input `in` (s->n values; owned by s), or NULL
 * when s does not hold that field. */
const double *mt_ind_input_column(const struct mt_series *s, enum mt_ind_input in);

/* One option: a double within [min, max], an integer when `integer`. */
struct mt_ind_opt {
    const char *name; /* "period" */
    double def;
    double min, max;
    bool integer;
};

/* What every entry's functions receive besides the state. */
struct mt_ind_ctx {
    enum mt_tf tf;                /* timeframe of the bars */
    double opt[MT_IND_MAX_OPT];   /* validated option values, in the entry's order */
};

struct mt_ind_def {
    const char *name;     /* lower-case, unique: "ema", "bbands", "atr_z" */
    const char *group;    /* listing group: "average", "momentum", "volatility", ... */
    const char *summary;  /* one line for `mtrader indicators` */
    int n_in, n_opt, n_out;
    enum mt_ind_input in[MT_IND_MAX_IN]; /* default sources; one-input entries may be fed another column */
    struct mt_ind_opt opt[MT_IND_MAX_OPT];
    const char *out[MT_IND_MAX_OUT];     /* output names: "upper", "middle", "lower"; "value" for one */
    /* Index of the first bar with a value on a series without NaN. */
    int (*lookback)(const struct mt_ind_ctx *c);
    /* Bytes of state for these options (at least 1). */
    size_t (*state_size)(const struct mt_ind_ctx *c);
    /* Puts the state at its start (no bar seen). Never fails: options are valid. */
    void (*init)(void *state, const struct mt_ind_ctx *c);
    /* Feeds n bars: in[k][i] is input k of bar i, time[i] its open time; writes
     * out[k][i]. Handles NaN inputs by the restart rule above. */
    void (*run)(void *state, const struct mt_ind_ctx *c, size_t n, const double *const *in,
                const int64_t *time, double *const *out);
    /* Optional cross-option check (e.g. fast < slow) beyond the ranges; NULL
     * if none. Returns 0 or MT_EINVAL with err naming the options. */
    int (*check)(const struct mt_ind_ctx *c, struct mt_err *err);
};

/* The registry: every entry, sorted by name. */
size_t mt_ind_count(void);
const struct mt_ind_def *mt_ind_at(size_t i);

/* The entry called name, or NULL. */
const struct mt_ind_def *mt_ind_find(const char *name);

/* Index of the option / output called name in def, or -1. */
int mt_ind_opt_index(const struct mt_ind_def *def, const char *name);
int mt_ind_out_index(const struct mt_ind_def *def, const char *name);

/* A configured indicator with its running state. */
struct mt_ind {
    const struct mt_ind_def *def;
    struct mt_ind_ctx ctx;
    enum mt_ind_input in[MT_IND_MAX_IN]; /* sources (default: def->in) */
    void *state;                         /* owned */
};

/* Fills c->opt with def's defaults (c->tf untouched). */
void mt_ind_defaults(const struct mt_ind_def *def, struct mt_ind_ctx *c);

/* Checks c->opt against def's ranges, integrality and cross-option rule.
 * Returns 0 or MT_EINVAL naming the indicator, option, value and range. */
int mt_ind_validate(const struct mt_ind_def *def, const struct mt_ind_ctx *c, struct mt_err *err);

/* Sets up ind for def with context c (validated here), inputs from def->in,
 * state allocated and initialised. Returns 0, MT_EINVAL or MT_ENOMEM. Release
 * with mt_ind_release. */
int mt_ind_init(struct mt_ind *ind, const struct mt_ind_def *def, const struct mt_ind_ctx *c,
                struct mt_err *err);

/* Frees the state. Safe on a released or zeroed struct. */
void mt_ind_release(struct mt_ind *ind);

/* Back to no bar seen. */
void mt_ind_reset(struct mt_ind *ind);

/* Feeds n more bars (batch: the whole series from a reset state; live: the
 * new bars). in[k] are ind's inputs in order, out[k] its outputs, each with n
 * elements owned by the caller. */
void mt_ind_run(struct mt_ind *ind, size_t n, const double *const *in, const int64_t *time,
                double *const *out);

/* Lookback of ind (index of its first value). */
int mt_ind_lookback(const struct mt_ind *ind);

#endif
