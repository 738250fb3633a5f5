/* Calibration of a scorer's outputs into probabilities, fitted on held-out
 * scores and labels, and its JSON form for the model card.
 *
 * Isotonic: weighted pool-adjacent-violators on the scores sorted ascending
 * (equal scores pooled first), giving blocks with non-decreasing values (the
 * weighted positive rate of the block); apply() interpolates linearly between
 * the blocks' centres (their weighted mean scores) and is constant beyond the
 * first and last centre. Linear rather than piecewise-constant: a step
 * function maps whole score ranges to one value and so throws away ranking
 * within a block, which the threshold and the AUC of the calibrated score
 * would then lose. Output in [0, 1], non-decreasing in the score.
 *
 * Platt: p = 1 / (1 + exp(-(a*s + b))), fitted by Newton's method with a
 * backtracking line search (Lin, Lin and Weng 2007) on Platt's smoothed
 * targets (N+ + 1) / (N+ + 2) for positives and 1 / (N- + 2) for negatives
 * (N+, N- the classes' weights), which keeps a separable set finite. The
 * score s is used as given (a probability or a margin). Non-decreasing when
 * a >= 0; a < 0 (scores anti-correlated with the label) is kept as fitted. */
#ifndef MT_ML_CALIBRATE_H
#define MT_ML_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/error.h"

/* Knots of an isotonic fit at most (a fit on more blocks fails). */
#define MT_CALIB_MAX_KNOTS 100000

enum mt_calib_kind {
    MT_CALIB_NONE = 0, /* not fitted: apply() returns the score clipped to [0, 1] */
    MT_CALIB_ISOTONIC = 1,
    MT_CALIB_PLATT = 2,
};

struct mt_calib {
    enum mt_calib_kind kind;
    double a, b;   /* Platt */
    size_t knots;  /* isotonic: the blocks */
    double *x, *y; /* isotonic: block centres (strictly increasing) and values (non-decreasing), owned */
};

/* An empty (MT_CALIB_NONE) calibration; no allocation. */
void mt_calib_init(struct mt_calib *c);

/* Frees the knots and makes c empty again. */
void mt_calib_release(struct mt_calib *c);

/* Fits an isotonic calibration of n >= 1 (score, label, weight) rows into c
 * (released first; w NULL: weights 1). On failure c is left empty. Returns
 * 0, MT_ENOMEM, or MT_EINVAL naming the first non-finite score, label not
 * 0/1 or negative weight, or when the rows weigh nothing. */
int mt_calib_fit_isotonic(struct mt_calib *c, const double *score, const uint8_t *y, const double *w, size_t n,
                          struct mt_err *err);

/* Fits a Platt calibration as mt_calib_fit_isotonic; converged when the
 * Newton step would lower the loss by less than 1e-10 of it; MT_ERANGE when
 * that takes over 100 iterations or no step along it lowers the loss. */
int mt_calib_fit_platt(struct mt_calib *c, const double *score, const uint8_t *y, const double *w, size_t n,
                       struct mt_err *err);

/* The calibrated probability of score s (NaN for a NaN score). Thread-safe. */
double mt_calib_apply(const struct mt_calib *c, double s);

/* The calibration as a new cJSON object (the caller frees it with
 * cJSON_Delete): {"kind":"none"}, {"kind":"platt","a":A,"b":B} or
 * {"kind":"isotonic","x":[...],"y":[...]}; numbers round-trip exactly.
 * NULL with MT_ENOMEM in err. */
cJSON *mt_calib_to_json(const struct mt_calib *c, struct mt_err *err);

/* Reads j (as written by mt_calib_to_json) into c (released first). Returns
 * 0, MT_ENOMEM, or MT_EFORMAT naming the missing or bad member (unknown kind,
 * non-number, x and y of different lengths, x not increasing, y not
 * non-decreasing in [0, 1], more than MT_CALIB_MAX_KNOTS); c is left empty on
 * failure. */
int mt_calib_from_json(struct mt_calib *c, const cJSON *j, struct mt_err *err);

#endif
