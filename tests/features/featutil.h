/* Test helpers for src/features: the real fixture series and running an
 * indicator over it. */
#ifndef MT_TESTS_FEATUTIL_H
#define MT_TESTS_FEATUTIL_H

#include <stddef.h>

#include "core/series.h"
#include "features/indicator.h"

/* Real BTCUSDT 1h klines 2023-01-01..05-31 (3623 bars, the 2023-03-24 13:00
 * outage missing), all fields; loaded once, owned by the helper. */
const struct mt_series *fu_btc(void);

/* 4h bars resampled from fu_btc() into out (init'ed here; the caller releases it). */
void fu_btc_4h(struct mt_series *out);

/* Output buffers for one indicator over n bars. */
struct fu_out {
    int n_out;
    size_t n;
    double *col[MT_IND_MAX_OUT];
};

/* Runs ind (from its current state) over bars [from, from + n) of s into o
 * (allocated here; fu_out_free). */
void fu_run(struct mt_ind *ind, const struct mt_series *s, size_t from, size_t n, struct fu_out *o);
void fu_out_free(struct fu_out *o);

/* ind set up with def's defaults on 1h bars (fails the test on error). */
void fu_ind_default(struct mt_ind *ind, const struct mt_ind_def *def);

/* Runs indicator `name` on tf bars with its defaults, the first nopt options
 * replaced by opt[], over n bars of in[] (time may be NULL) into out[k] (one
 * caller buffer of n doubles per output). */
void fu_calc_all(const char *name, enum mt_tf tf, const double *opt, int nopt, const double *const *in,
                 const int64_t *time, size_t n, double *const *out);

/* Runs indicator `name` with its defaults, the first nopt options replaced by
 * opt[], on 1h bars over n (<= FU_SMALL) bars of the given input columns and
 * open times (time may be NULL); copies output k into out. */
#define FU_SMALL 64
void fu_calc(const char *name, const double *opt, int nopt, const double *const *in, const int64_t *time, size_t n,
             int k, double *out);

/* Asserts that `name` with option 0 set equal to option 1 (named a and b)
 * fails with "indicator NAME: option A = V must be less than option B = V". */
void fu_expect_order_error(const char *name, const char *a, const char *b);

/* Asserts got[i] == want[i] within 1e-12 (NaN must match NaN). */
void fu_expect(const double *got, const double *want, size_t n);

#endif
