/* The labelled setup dataset: one row per followed setup (and per tracked
 * follow-on) with the setup, the feature row of its signal bar and its
 * outcome, gathered over many series and strategies and written as one
 * Parquet file.
 *
 * Columns: symbol, timeframe, strategy (strings), time (signal bar open time,
 * timestamp ms), kind ("sim" or "tracked"), side (+1/-1), price, stop,
 * target, rr; one ctx_NAME column per context value any strategy names (null
 * where a row's strategy lacks it); one float column per feature; then the
 * outcome: exit (its reason), pnl (after every fee and spread, as a fraction
 * of the entry notional), r, win_R flags (1 when r >= R, for each threshold),
 * duration_h, mae_r, mfe_r, censored (1 when the data ended first; pnl is
 * then the mark-to-market), ambiguous (a bar touched stop and target).
 * The feature row at bar t uses bars <= t only (the features issue's
 * matrix), so nothing in a row's inputs comes after its signal.
 *
 * The file can be written in pieces: mt_dataset_flush writes the rows held
 * so far as row groups and frees them, so a caller that flushes after each
 * series holds one series' rows at a time, however many series there are.
 * mt_dataset_read loads such a file back into the same struct. */
#ifndef MT_ML_DATASET_H
#define MT_ML_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "features/featureset.h"
#include "sim/setups.h"

#define MT_DATASET_MAX_WIN 8
#define MT_DATASET_MAX_CONTEXT 32

struct mt_pq_writer;

struct mt_dataset {
    size_t rows, cap;       /* rows held in memory (not yet written) */
    size_t written;         /* rows already written to the file */
    struct mt_pq_writer *writer; /* the file being written, from the first flush on */
    /* win thresholds in R */
    size_t n_win;
    double win_r[MT_DATASET_MAX_WIN];
    /* names interned once: symbols and strategy ids (owned) */
    size_t n_names;
    char **names;
    /* per row */
    uint32_t *symbol, *strategy; /* indices into names */
    enum mt_tf *tf;
    int64_t *time, *duration_ms;
    int32_t *side, *kind, *exit, *censored, *ambiguous;
    double *price, *stop, *target, *rr, *pnl, *r, *mae_r, *mfe_r;
    /* context columns (named by the strategies), null where a row lacks one */
    size_t n_ctx;
    char *ctx_name[MT_DATASET_MAX_CONTEXT];
    double *ctx[MT_DATASET_MAX_CONTEXT];
    uint8_t *ctx_valid[MT_DATASET_MAX_CONTEXT];
    /* feature columns: names fixed by the first matrix added */
    size_t n_feat;
    char (*feat_name)[MT_FSET_NAME_MAX];
    float **feat;
};

/* An empty dataset with n_win win thresholds in R (at most
 * MT_DATASET_MAX_WIN). Returns 0 or MT_EINVAL. */
int mt_dataset_init(struct mt_dataset *d, const double *win_r, size_t n_win, struct mt_err *err);

/* Adds the outcomes of one series: symbol, its timeframe, the strategy that
 * found them, and the feature matrix of the same series (rows = its bars;
 * NULL for no feature columns). Every matrix added must have the same
 * columns as the first. Returns 0, MT_EINVAL (other feature columns, too
 * many context names, a context name new after the first flush, bad strategy
 * id) or MT_ENOMEM. */
int mt_dataset_add(struct mt_dataset *d, const char *symbol, enum mt_tf tf, const char *strategy_id,
                   const struct mt_setup_outcomes *o, const struct mt_fmatrix *features, struct mt_err *err);

/* Number of columns the file will have. */
size_t mt_dataset_columns(const struct mt_dataset *d);

/* Writes the rows held to the dataset file at path (Parquet, zstd) as row
 * groups, in the order added, and frees them (d->rows becomes 0, d->written
 * grows). The first flush starts the file (a temp file until
 * mt_dataset_write) and fixes its columns; later flushes must name the same
 * path. Holding no rows writes nothing. Returns 0 or an MT_E... code; after
 * an error the dataset can only be released. */
int mt_dataset_flush(struct mt_dataset *d, const char *path, struct mt_err *err);

/* Flushes the rows held and completes the file at path, renamed into place
 * atomically (without an earlier flush: the whole dataset at once); *bytes
 * (may be NULL) is the file's size. Returns 0 or an MT_E... code. */
int mt_dataset_write(struct mt_dataset *d, const char *path, size_t *bytes, struct mt_err *err);

/* Reads the dataset file at path (written by mt_dataset_write) into *out,
 * every row and column: the same struct as the rows added had before they
 * were written (names interned in the order met, null context values 0 with
 * ctx_valid 0, duration_ms back from duration_h; out->written 0, no file
 * open), so it can be added to and written again. The schema is checked
 * first: a missing, mistyped or misplaced fixed column, a win column whose
 * name is not win_<R>r or an unexpected column is MT_EFORMAT naming path,
 * the column and what was expected; so is a value with no meaning (an
 * unknown timeframe, kind or exit, a win flag that disagrees with r).
 * Other errors as mt_pq_read_table. On error *out is empty (released). */
int mt_dataset_read(const char *path, struct mt_dataset *out, struct mt_err *err);

/* Frees everything; a file started by a flush and not completed is
 * abandoned (its temp file removed, path untouched). */
void mt_dataset_release(struct mt_dataset *d);

#endif
