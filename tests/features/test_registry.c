/* Properties every registry entry must have, checked for all of them on real
 * data: unique names and sane tables, NaN warm-up exactly up to the lookback,
 * no look-ahead (values at bar t do not change when the data ends at t),
 * streaming one bar at a time equals the batch bit for bit, the NaN restart
 * rule, and clear errors for bad options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featutil.h"
#include "testutil.h"

static void test_tables(void **state)
{
    (void)state;
    size_t n = mt_ind_count();
    assert_true(n >= 14);
    for (size_t i = 0; i < n; i++) {
        const struct mt_ind_def *d = mt_ind_at(i);
        assert_non_null(d);
        assert_true(strlen(d->name) > 0 && strlen(d->name) < MT_IND_NAME_MAX);
        for (const char *p = d->name; *p; p++)
            assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_');
        assert_ptr_equal(mt_ind_find(d->name), d);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(mt_ind_at(j)->name, d->name);
        assert_non_null(d->group);
        assert_non_null(d->summary);
        assert_in_range(d->n_in, 1, MT_IND_MAX_IN);
        assert_in_range(d->n_opt, 0, MT_IND_MAX_OPT);
        assert_in_range(d->n_out, 1, MT_IND_MAX_OUT);
        for (int k = 0; k < d->n_in; k++)
            assert_in_range(d->in[k], 0, MT_IN_COUNT - 1);
        for (int k = 0; k < d->n_out; k++) {
            assert_non_null(d->out[k]);
            assert_int_equal(mt_ind_out_index(d, d->out[k]), k);
        }
        struct mt_ind_ctx c = {.tf = MT_TF_1H};
        mt_ind_defaults(d, &c);
        struct mt_err err = {0};
        if (mt_ind_validate(d, &c, &err))
            fail_msg("%s: defaults invalid: %s", d->name, err.msg);
        for (int k = 0; k < d->n_opt; k++)
            assert_int_equal(mt_ind_opt_index(d, d->opt[k].name), k);
        assert_non_null(d->lookback);
        assert_non_null(d->state_size);
        assert_non_null(d->init);
        assert_non_null(d->run);
    }
    assert_null(mt_ind_at(n));
    assert_null(mt_ind_find("no_such_indicator"));
    assert_int_equal(mt_ind_input_parse("taker_quote"), MT_IN_TAKER_QUOTE);
    assert_int_equal(mt_ind_input_parse("closing"), -1);
    assert_string_equal(mt_ind_input_name(MT_IN_QUOTE_VOLUME), "quote_volume");
}

/* NaN before the lookback, values from it on. */
static void test_warmup(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    for (size_t i = 0; i < mt_ind_count(); i++) {
        const struct mt_ind_def *d = mt_ind_at(i);
        struct mt_ind ind;
        fu_ind_default(&ind, d);
        int lb = mt_ind_lookback(&ind);
        assert_in_range(lb, 0, 3000);
        struct fu_out o;
        fu_run(&ind, s, 0, s->n, &o);
        for (int k = 0; k < o.n_out; k++) {
            for (int j = 0; j < lb; j++)
                if (!isnan(o.col[k][j]))
                    fail_msg("%s.%s: value %g at bar %d before the lookback %d", d->name, d->out[k], o.col[k][j], j,
                             lb);
            if (isnan(o.col[k][lb]))
                fail_msg("%s.%s: NaN at the lookback bar %d", d->name, d->out[k], lb);
            size_t nan = 0;
            for (size_t j = (size_t)lb; j < s->n; j++)
                nan += isnan(o.col[k][j]) != 0;
            if (nan * 100 > s->n - (size_t)lb)
                fail_msg("%s.%s: %zu NaN after the lookback", d->name, d->out[k], nan);
        }
        fu_out_free(&o);
        mt_ind_release(&ind);
    }
}

static void assert_same_value(const struct mt_ind_def *d, int k, size_t bar, double want, double got,
                              const char *what)
{
    if (memcmp(&want, &got, sizeof want) != 0 && !(isnan(want) && isnan(got)))
        fail_msg("%s.%s bar %zu (%s): %.17g != %.17g", d->name, d->out[k], bar, what, got, want);
}

/* Values at bar t are the same when the data ends at t, and the same fed one
 * bar at a time. */
static void test_no_lookahead_and_streaming(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    unsigned seed = 2023;
    for (size_t i = 0; i < mt_ind_count(); i++) {
        const struct mt_ind_def *d = mt_ind_at(i);
        struct mt_ind ind;
        fu_ind_default(&ind, d);
        struct fu_out full;
        fu_run(&ind, s, 0, s->n, &full);
        for (int r = 0; r < 25; r++) {
            size_t t = (size_t)rand_r(&seed) % s->n;
            mt_ind_reset(&ind);
            struct fu_out cut;
            fu_run(&ind, s, 0, t + 1, &cut);
            for (int k = 0; k < d->n_out; k++)
                assert_same_value(d, k, t, full.col[k][t], cut.col[k][t], "data cut after the bar");
            fu_out_free(&cut);
        }
        mt_ind_reset(&ind);
        for (size_t t = 0; t < s->n; t++) {
            struct fu_out one;
            fu_run(&ind, s, t, 1, &one);
            for (int k = 0; k < d->n_out; k++)
                assert_same_value(d, k, t, full.col[k][t], one.col[k][0], "streamed");
            fu_out_free(&one);
        }
        fu_out_free(&full);
        mt_ind_release(&ind);
    }
}

/* A NaN input at bar k: NaN there, then the values of a series starting at k+1. */
static void test_nan_restarts(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    const size_t k_nan = 1000;
    struct mt_series holed;
    mt_series_init(&holed, s->fields);
    struct mt_err err = {0};
    assert_int_equal(mt_series_reserve(&holed, s->n, &err), 0);
    for (size_t i = 0; i < s->n; i++) {
        struct mt_candle c;
        mt_series_get(s, i, &c);
        assert_int_equal(mt_series_append(&holed, &c, &err), 0);
    }
    for (size_t i = 0; i < mt_ind_count(); i++) {
        const struct mt_ind_def *d = mt_ind_at(i);
        struct mt_ind ind;
        fu_ind_default(&ind, d);
        /* The hole goes into the entry's first input column. */
        double *col = (double *)mt_ind_input_column(&holed, ind.in[0]);
        double keep = col[k_nan];
        col[k_nan] = NAN;
        struct fu_out with_hole, after;
        fu_run(&ind, &holed, 0, holed.n, &with_hole);
        col[k_nan] = keep;
        mt_ind_reset(&ind);
        fu_run(&ind, &holed, k_nan + 1, holed.n - k_nan - 1, &after);
        for (int k = 0; k < d->n_out; k++) {
            if (!isnan(with_hole.col[k][k_nan]))
                fail_msg("%s.%s: value at the NaN bar", d->name, d->out[k]);
            for (size_t t = k_nan + 1; t < holed.n; t++)
                assert_same_value(d, k, t, after.col[k][t - k_nan - 1], with_hole.col[k][t], "after a NaN");
        }
        fu_out_free(&with_hole);
        fu_out_free(&after);
        mt_ind_release(&ind);
    }
    mt_series_release(&holed);
}

/* Every option outside its range, and a fraction for integer options. */
static void test_bad_options(void **state)
{
    (void)state;
    for (size_t i = 0; i < mt_ind_count(); i++) {
        const struct mt_ind_def *d = mt_ind_at(i);
        for (int k = 0; k < d->n_opt; k++) {
            const struct mt_ind_opt *o = &d->opt[k];
            double bad[3] = {o->min - 1.0, o->max + 1.0, NAN};
            if (o->integer)
                bad[2] = o->def + 0.5 <= o->max ? o->def + 0.5 : o->def - 0.5;
            for (int b = 0; b < 3; b++) {
                if (isnan(bad[b]))
                    continue;
                struct mt_ind_ctx c = {.tf = MT_TF_1H};
                mt_ind_defaults(d, &c);
                c.opt[k] = bad[b];
                struct mt_ind ind;
                struct mt_err err = {0};
                assert_int_equal(mt_ind_init(&ind, d, &c, &err), MT_EINVAL);
                char want[96];
                snprintf(want, sizeof want, "indicator %s: option %s = ", d->name, o->name);
                if (strncmp(err.msg, want, strlen(want)) != 0)
                    fail_msg("%s: message '%s' does not start with '%s'", d->name, err.msg, want);
                assert_null(ind.state);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_warmup),
        cmocka_unit_test(test_no_lookahead_and_streaming),
        cmocka_unit_test(test_nan_restarts),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
