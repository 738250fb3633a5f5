#include "featutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/import.h"
#include "store/resample.h"
#include "testutil.h"

static struct mt_series g_btc;
static bool g_loaded;

const struct mt_series *fu_btc(void)
{
    if (!g_loaded) {
        struct mt_import_file f;
        mt_import_file_init(&f);
        struct mt_err err = {0};
        if (mt_import_read(tu_fixture("features/BTCUSDT-1h-2023-01-05.parquet"), NULL, &f, &err))
            fail_msg("%s", err.msg);
        g_btc = f.series;
        mt_series_init(&f.series, 0);
        mt_import_file_release(&f);
        assert_int_equal(g_btc.n, 3623);
        g_loaded = true;
    }
    return &g_btc;
}

void fu_btc_4h(struct mt_series *out)
{
    mt_series_init(out, 0);
    struct mt_resample_report rep;
    struct mt_err err = {0};
    if (mt_resample(fu_btc(), MT_TF_1H, MT_TF_4H, NULL, out, &rep, &err))
        fail_msg("%s", err.msg);
}

void fu_run(struct mt_ind *ind, const struct mt_series *s, size_t from, size_t n, struct fu_out *o)
{
    const double *in[MT_IND_MAX_IN] = {0};
    for (int k = 0; k < ind->def->n_in; k++) {
        in[k] = mt_ind_input_column(s, ind->in[k]);
        assert_non_null(in[k]);
        in[k] += from;
    }
    o->n_out = ind->def->n_out;
    o->n = n;
    for (int k = 0; k < o->n_out; k++) {
        o->col[k] = malloc((n ? n : 1) * sizeof(double));
        assert_non_null(o->col[k]);
    }
    mt_ind_run(ind, n, in, s->open_time + from, o->col);
}

void fu_out_free(struct fu_out *o)
{
    for (int k = 0; k < o->n_out; k++)
        free(o->col[k]);
    o->n_out = 0;
}

void fu_ind_default(struct mt_ind *ind, const struct mt_ind_def *def)
{
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(def, &c);
    struct mt_err err = {0};
    if (mt_ind_init(ind, def, &c, &err))
        fail_msg("%s", err.msg);
}

void fu_calc_all(const char *name, enum mt_tf tf, const double *opt, int nopt, const double *const *in,
                 const int64_t *time, size_t n, double *const *out)
{
    const struct mt_ind_def *d = mt_ind_find(name);
    if (!d)
        fail_msg("no indicator %s", name);
    struct mt_ind_ctx c = {.tf = tf};
    mt_ind_defaults(d, &c);
    for (int i = 0; i < nopt; i++)
        c.opt[i] = opt[i];
    struct mt_ind ind;
    struct mt_err err = {0};
    if (mt_ind_init(&ind, d, &c, &err))
        fail_msg("%s", err.msg);
    mt_ind_run(&ind, n, in, time, out);
    mt_ind_release(&ind);
}

void fu_calc(const char *name, const double *opt, int nopt, const double *const *in, const int64_t *time, size_t n,
             int k, double *out)
{
    assert_true(n <= FU_SMALL);
    double cols[MT_IND_MAX_OUT][FU_SMALL];
    double *outs[MT_IND_MAX_OUT];
    for (int i = 0; i < MT_IND_MAX_OUT; i++)
        outs[i] = cols[i];
    fu_calc_all(name, MT_TF_1H, opt, nopt, in, time, n, outs);
    memcpy(out, cols[k], n * sizeof(double));
}

void fu_expect(const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (isnan(want[i])) {
            if (!isnan(got[i]))
                fail_msg("bar %zu: %.17g, expected NaN", i, got[i]);
        } else {
            tu_assert_close(got[i], want[i], 1e-12);
        }
    }
}

void fu_expect_order_error(const char *name, const char *a, const char *b)
{
    const struct mt_ind_def *d = mt_ind_find(name);
    assert_non_null(d);
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(d, &c);
    c.opt[0] = c.opt[1];
    struct mt_ind ind;
    struct mt_err err = {0};
    assert_int_equal(mt_ind_init(&ind, d, &c, &err), MT_EINVAL);
    char want[160];
    snprintf(want, sizeof want, "indicator %s: option %s = %g must be less than option %s = %g", name, a, c.opt[0], b,
             c.opt[1]);
    assert_string_equal(err.msg, want);
}
