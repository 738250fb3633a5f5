/* Honest time splits of labelled setups, and their sample weights.
 *
 * A row is a setup with a label interval [t0, t1] (ms): t0 the signal bar's
 * time, t1 the exit time (t1 >= t0). Rows come sorted by t0 (ties allowed).
 * A test window is a set of rows contiguous in t0; its test span is [first
 * test t0, latest test t1]. Every other row is, against it (AFML 7.1-7.3):
 *   PURGED     its interval overlaps the test span (starts in it, ends in it
 *              or envelops it): a row before the window with t1 >= the span's
 *              start, or one after it with t0 <= the span's end;
 *   EMBARGOED  it follows the span by at most the embargo: span end < t0 <=
 *              span end + embargo_ms (only rows after the test are embargoed;
 *              information leaks forward through serially correlated features);
 *   TRAIN      otherwise: t1 < span start, or t0 > span end + embargo_ms;
 *   UNUSED     walk-forward only: every row after the test window (a
 *              walk-forward trains on the past only).
 * Boundaries are inclusive on the purge side: a row ending exactly at the
 * test's first t0 is purged. */
#ifndef MT_ML_SPLIT_H
#define MT_ML_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum mt_split_role {
    MT_SPLIT_TRAIN = 0,
    MT_SPLIT_TEST = 1,
    MT_SPLIT_PURGED = 2,
    MT_SPLIT_EMBARGOED = 3,
    MT_SPLIT_UNUSED = 4,
};

/* How the rows around a validation fold are used. */
enum mt_split_scheme {
    MT_SPLIT_KFOLD = 0,        /* train on both sides (purged k-fold) */
    MT_SPLIT_WALK_FORWARD = 1, /* train on the past only; every later row is UNUSED */
};

/* Where a test window fell and what its roles counted. */
struct mt_split_window {
    int64_t test_start; /* the first test row's t0 */
    int64_t test_end;   /* the latest t1 of the test rows */
    int64_t embargo_end; /* test_end + embargo: later t0 train again */
    size_t test_from, test_to; /* test rows are [test_from, test_to) */
    size_t count[5];    /* rows per enum mt_split_role */
};

/* Roles of n rows (t0 sorted, t1 >= t0) against the test window of rows
 * [from, to) (from < to <= n), written to the caller's role[n]; w (caller's)
 * receives the span and the counts. Returns 0, or MT_EINVAL naming the first
 * unsorted row, interval with t1 < t0, empty window or window that splits a
 * tie of t0 (from or to inside a run of equal t0). */
int mt_split_window(const int64_t *t0, const int64_t *t1, size_t n, size_t from, size_t to, int64_t embargo_ms,
                    enum mt_split_scheme scheme, uint8_t *role, struct mt_split_window *w, struct mt_err *err);

/* Holdout: the last test_frac (0 < test_frac < 1) of the time span of t0 is
 * the test period: test rows are those with t0 >= t0[n-1] - floor(test_frac *
 * (t0[n-1] - t0[0])). Roles as mt_split_window (k-fold scheme, so with nothing
 * after the test no row is embargoed); training rows ending at or after the
 * boundary are purged. Returns 0, or MT_EINVAL for bad input or when the
 * period leaves no row before it (all t0 equal or test_frac too large). */
int mt_split_holdout(const int64_t *t0, const int64_t *t1, size_t n, double test_frac, int64_t embargo_ms,
                     uint8_t *role, struct mt_split_window *w, struct mt_err *err);

/* k contiguous folds of n t0-sorted rows, made on distinct times: with d
 * distinct t0 values, fold f holds the rows of the distinct times
 * [f*d/k, (f+1)*d/k) (integer division), so equal t0 never straddle a fold
 * boundary. Writes start[0..k] (caller's, k + 1 entries): fold f is rows
 * [start[f], start[f+1]). Returns 0, or MT_EINVAL when k < 2, d < k or t0 is
 * unsorted. */
int mt_split_folds(const int64_t *t0, size_t n, size_t k, size_t *start, struct mt_err *err);

/* Sample weights by average uniqueness (AFML ch.4). On the epoch-aligned bar
 * grid of bar_ms, row i covers the bars floor(t0/bar_ms) .. floor(t1/bar_ms);
 * the concurrency c(b) counts the rows of the same group covering bar b, and
 * w[i] (caller's, n entries) = mean over row i's bars of 1/c(b), in (0, 1].
 * group is NULL (all rows together) or n ids in [0, ngroups), e.g. per symbol:
 * setups on different symbols do not share an outcome path, so they do not
 * make each other less unique. Rows need not be sorted. O(n + the bars of
 * each group's span) time, O(n + ngroups + the widest span) memory.
 * Returns 0, MT_ENOMEM, or MT_EINVAL naming the first row with t1 < t0, a
 * negative time, a group id >= ngroups or bar_ms <= 0. */
int mt_split_uniqueness(const int64_t *t0, const int64_t *t1, const uint32_t *group, uint32_t ngroups, size_t n,
                        int64_t bar_ms, double *w, struct mt_err *err);

#endif
