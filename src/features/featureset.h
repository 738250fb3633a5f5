/* Feature sets and the feature matrix.
 *
 * A feature set is a list of registry entries with options, read from JSON:
 *
 *   {"features": [
 *     {"indicator": "ema_ratio", "period": [25, 50, 100, 200]},
 *     {"indicator": "bbands", "period": 20, "outputs": ["upper", "lower"]},
 *     {"indicator": "sma", "input": "volume", "period": 20, "name": "volume_sma_20"}
 *   ]}
 *
 * An option given as an array expands into one item per value (several
 * arrays: every combination). "input"/"inputs" feed other series columns to
 * the entry, "outputs" keeps a subset of its outputs, "name" replaces the
 * generated column name (only for an item that expands to one), and
 * "relative": true turns price-level outputs into value / close - 1 (scale-
 * free, what a model should see; the name gets "_rel"). Column
 * names: the indicator, the overridden inputs, the option values, then the
 * output name for entries with several outputs, joined by '_'
 * ("ema_ratio_25", "bbands_20_2_2_upper"). Names must be unique and differ
 * from MT_FSET_TIME_COLUMN; a "name" holds only A-Z a-z 0-9 _ . - (so a
 * header needs no quoting).
 *
 * The matrix holds one float column per feature and one row per bar. The
 * builder keeps every indicator's state after the batch, so the row of a new
 * bar (live use) is computed in O(features) and equals the row the batch
 * would have produced for it, bit for bit. */
#ifndef MT_FEATURES_FEATURESET_H
#define MT_FEATURES_FEATURESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"
#include "features/indicator.h"

#define MT_FSET_MAX_ITEMS 4096
#define MT_FSET_NAME_MAX 64
#define MT_FSET_MAX_BYTES ((size_t)1 << 20)
/* The time column of feature exports (CSV, Parquet): no feature may take it. */
#define MT_FSET_TIME_COLUMN "open_time"

struct mt_fset_item {
    const struct mt_ind_def *def;
    double opt[MT_IND_MAX_OPT];
    enum mt_ind_input in[MT_IND_MAX_IN];
    unsigned outputs;               /* bit k: output k is a column */
    bool relative;                  /* columns are value / close - 1 */
    char name[MT_FSET_NAME_MAX];    /* column name, or the prefix of "<name>_<output>" */
};

struct mt_fset {
    size_t n;
    struct mt_fset_item *items; /* owned */
    size_t columns;             /* total columns */
};

/* Parses a feature set from JSON text (source names it in messages). Errors
 * name the item (1-based), the indicator and the key: unknown indicator,
 * unknown key (listing the entry's options), bad option value (the registry's
 * range message), unknown input or output, a "name" with other characters
 * than A-Z a-z 0-9 _ . -, duplicate column names or one equal to
 * MT_FSET_TIME_COLUMN, more than
 * MT_FSET_MAX_ITEMS items. Returns 0, MT_ECONFIG or MT_ENOMEM; release *out
 * with mt_fset_release. */
int mt_fset_parse(const char *json, size_t len, const char *source, struct mt_fset *out, struct mt_err *err);

/* Reads the file at path (at most MT_FSET_MAX_BYTES) and parses it. */
int mt_fset_load(const char *path, struct mt_fset *out, struct mt_err *err);

/* The default feature set (every family, >= 150 columns). */
int mt_fset_default(struct mt_fset *out, struct mt_err *err);

/* The JSON text of the default set (static storage). */
const char *mt_fset_default_json(void);

void mt_fset_release(struct mt_fset *fs);

/* The feature matrix: column-major floats, column c at v + c * rows. */
struct mt_fmatrix {
    size_t rows, cols;
    float *v;                            /* owned */
    char (*names)[MT_FSET_NAME_MAX];     /* owned, cols names */
    int64_t *time;                       /* owned, open time of each row */
};

void mt_fmatrix_init(struct mt_fmatrix *m);
void mt_fmatrix_release(struct mt_fmatrix *m);

/* Running features of one (symbol, timeframe) series. */
struct mt_features {
    const struct mt_fset *fs;   /* not owned; must outlive this */
    enum mt_tf tf;
    struct mt_ind *inds;        /* one per item, owned */
    size_t fed;                 /* bars fed so far */
    int64_t last;               /* open time of the last bar fed (INT64_MIN: none) */
};

/* Sets up the indicators of fs for bars of timeframe tf. Returns 0,
 * MT_EINVAL or MT_ENOMEM. Release with mt_features_release. */
int mt_features_init(struct mt_features *f, const struct mt_fset *fs, enum mt_tf tf, struct mt_err *err);
void mt_features_release(struct mt_features *f);

/* Batch: resets the indicators, feeds every bar of s and fills out
 * (allocated here; out is overwritten, release it first if it held data).
 * Inputs the series lacks (e.g. trades in an OHLCV-only file) are NaN, so
 * their features are NaN. Afterwards the states sit after the last bar of s.
 * Returns 0 or MT_ENOMEM. */
int mt_features_batch(struct mt_features *f, const struct mt_series *s, struct mt_fmatrix *out,
                      struct mt_err *err);

/* Live: feeds bar i of s, which must open after the last bar fed (s may be a
 * later slice of the series: the bars are matched by time, and the caller
 * feeds every bar once, in order), and writes its fs->columns features into
 * row. Returns 0 or MT_EINVAL (bar out of order). */
int mt_features_update(struct mt_features *f, const struct mt_series *s, size_t i, float *row,
                       struct mt_err *err);

#endif
