/* Isotonic (PAV) and Platt calibration: hand cases, recovery of a known
 * logistic, monotone output, and the JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ml/calibrate.h"
#include "testutil.h"

static void assert_knots(const struct mt_calib *c, const double *x, const double *y, size_t m)
{
    assert_int_equal(c->kind, MT_CALIB_ISOTONIC);
    assert_int_equal(c->knots, m);
    for (size_t k = 0; k < m; k++) {
        tu_assert_close(c->x[k], x[k], 1e-15);
        tu_assert_close(c->y[k], y[k], 1e-15);
    }
}

static void test_pav_by_hand(void **state)
{
    (void)state;
    struct mt_calib c;
    mt_calib_init(&c);
    struct mt_err err = {0};
    /* 1 0 1 0 1: (1, 2) and (3, 4) pool to 1/2; the last stays 1. */
    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[5]){1, 2, 3, 4, 5}, (const uint8_t[5]){1, 0, 1, 0, 1},
                                           NULL, 5, &err),
                     0);
    assert_knots(&c, (const double[3]){1.5, 3.5, 5}, (const double[3]){0.5, 0.5, 1}, 3);
    tu_assert_close(mt_calib_apply(&c, 0), 0.5, 0);
    tu_assert_close(mt_calib_apply(&c, 2), 0.5, 0);
    tu_assert_close(mt_calib_apply(&c, 4.25), 0.75, 1e-15); /* halfway from 3.5 to 5 */
    tu_assert_close(mt_calib_apply(&c, 9), 1, 0);
    assert_true(isnan(mt_calib_apply(&c, NAN)));

    /* Weighted: 3 x (1, y 1) and 1 x (2, y 0) pool to one block at 1.25 with value 3/4. */
    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[2]){1, 2}, (const uint8_t[2]){1, 0},
                                           (const double[2]){3, 1}, 2, &err),
                     0);
    assert_knots(&c, (const double[1]){1.25}, (const double[1]){0.75}, 1);
    tu_assert_close(mt_calib_apply(&c, -5), 0.75, 0);

    /* Equal scores pool first; unsorted input; a chain of violations pools back to the start:
     * scores 1 1 2 3 4 with labels 1 0 1 0 0 -> (1: 1/2), (2: 1), (3: 0), (4: 0) ->
     * (1: 1/2), then 2, 3 pool to 1/2, then with 4: 1/3 < 1/2, so all pool: 2/5 at centre 11/5. */
    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[5]){4, 1, 2, 1, 3}, (const uint8_t[5]){0, 1, 1, 0, 0},
                                           NULL, 5, &err),
                     0);
    assert_knots(&c, (const double[1]){11.0 / 5}, (const double[1]){2.0 / 5}, 1);

    /* Already monotone: one knot per distinct score. */
    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[4]){0.1, 0.2, 0.2, 0.9}, (const uint8_t[4]){0, 0, 1, 1},
                                           NULL, 4, &err),
                     0);
    assert_knots(&c, (const double[3]){0.1, 0.2, 0.9}, (const double[3]){0, 0.5, 1}, 3);

    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[1]){1}, (const uint8_t[1]){1}, (const double[1]){0}, 1,
                                           &err),
                     MT_EINVAL);
    assert_int_equal(c.kind, MT_CALIB_NONE);
    mt_calib_release(&c);
}

static uint64_t rng = 88172645463325252u;
static double uniform01(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void test_platt_recovers_logistic(void **state)
{
    (void)state;
    enum { N = 20000 };
    double *s = malloc(N * sizeof *s);
    uint8_t *y = malloc(N);
    assert_non_null(s);
    assert_non_null(y);
    for (int i = 0; i < N; i++) {
        s[i] = 6 * uniform01() - 3;
        y[i] = uniform01() < 1 / (1 + exp(-(2 * s[i] - 0.5)));
    }
    struct mt_calib c;
    mt_calib_init(&c);
    struct mt_err err = {0};
    assert_int_equal(mt_calib_fit_platt(&c, s, y, NULL, N, &err), 0);
    assert_int_equal(c.kind, MT_CALIB_PLATT);
    tu_assert_close(c.a, 2, 0.1);
    tu_assert_close(c.b, -0.5, 0.1);
    tu_assert_close(mt_calib_apply(&c, 0.25), 0.5, 0.03);

    /* A separable set stays finite thanks to the smoothed targets. */
    assert_int_equal(mt_calib_fit_platt(&c, (const double[4]){0, 1, 2, 3}, (const uint8_t[4]){0, 0, 1, 1}, NULL, 4,
                                        &err),
                     0);
    assert_true(isfinite(c.a) && c.a > 0);
    /* With targets 3/4 and 1/4 instead of 1 and 0, the outer points stay clear of 0 and 1. */
    assert_true(mt_calib_apply(&c, 3) < 1 - 1e-3 && mt_calib_apply(&c, 0) > 1e-3);
    free(y);
    free(s);
    mt_calib_release(&c);
}

static void test_apply_is_monotone(void **state)
{
    (void)state;
    enum { N = 500 };
    double s[N];
    uint8_t y[N];
    for (int i = 0; i < N; i++) {
        s[i] = uniform01();
        y[i] = uniform01() < s[i] * s[i];
    }
    struct mt_calib iso, platt;
    mt_calib_init(&iso);
    mt_calib_init(&platt);
    struct mt_err err = {0};
    assert_int_equal(mt_calib_fit_isotonic(&iso, s, y, NULL, N, &err), 0);
    assert_int_equal(mt_calib_fit_platt(&platt, s, y, NULL, N, &err), 0);
    assert_true(iso.knots > 3);
    double pi = -1, pp = -1;
    for (int k = -100; k <= 1100; k++) {
        double v = k / 1000.0, qi = mt_calib_apply(&iso, v), qp = mt_calib_apply(&platt, v);
        assert_true(qi >= pi && qi >= 0 && qi <= 1);
        assert_true(qp >= pp && qp >= 0 && qp <= 1);
        pi = qi, pp = qp;
    }
    mt_calib_release(&iso);
    mt_calib_release(&platt);
}

static void round_trip(const struct mt_calib *c, struct mt_calib *back)
{
    struct mt_err err = {0};
    cJSON *j = mt_calib_to_json(c, &err);
    assert_non_null(j);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    assert_non_null(text);
    cJSON *p = cJSON_Parse(text);
    free(text);
    assert_non_null(p);
    assert_int_equal(mt_calib_from_json(back, p, &err), 0);
    cJSON_Delete(p);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    struct mt_calib c, back;
    mt_calib_init(&c);
    mt_calib_init(&back);
    struct mt_err err = {0};
    assert_int_equal(mt_calib_fit_isotonic(&c, (const double[5]){0.125, 0.25, 0.375, 0.75, 0.875},
                                           (const uint8_t[5]){0, 1, 0, 1, 1}, NULL, 5, &err),
                     0);
    round_trip(&c, &back);
    assert_int_equal(back.kind, MT_CALIB_ISOTONIC);
    assert_int_equal(back.knots, c.knots);
    for (size_t k = 0; k < c.knots; k++) {
        tu_assert_same_double(back.x[k], c.x[k]);
        tu_assert_same_double(back.y[k], c.y[k]);
    }
    cJSON *j = mt_calib_to_json(&c, &err);
    char *text = cJSON_PrintUnformatted(j);
    assert_string_equal(text, "{\"kind\":\"isotonic\",\"x\":[0.125,0.3125,0.75,0.875],\"y\":[0,0.5,1,1]}");
    free(text);
    cJSON_Delete(j);

    c.kind = MT_CALIB_NONE;
    mt_calib_release(&c);
    c.kind = MT_CALIB_PLATT, c.a = 1.0 / 3, c.b = -0.1;
    round_trip(&c, &back);
    assert_int_equal(back.kind, MT_CALIB_PLATT);
    tu_assert_same_double(back.a, 1.0 / 3);
    tu_assert_same_double(back.b, -0.1);

    static const char *const bad[] = {
        "{\"kind\":\"spline\"}",
        "{\"kind\":\"platt\",\"a\":1}",
        "{\"kind\":\"isotonic\",\"x\":[0.1,0.2],\"y\":[0.5]}",
        "{\"kind\":\"isotonic\",\"x\":[0.2,0.1],\"y\":[0.1,0.5]}",
        "{\"kind\":\"isotonic\",\"x\":[0.1,0.2],\"y\":[0.5,0.4]}",
        "{\"kind\":\"isotonic\",\"x\":[0.1,0.2],\"y\":[0.5,1.5]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cJSON *p = cJSON_Parse(bad[i]);
        assert_non_null(p);
        assert_int_equal(mt_calib_from_json(&back, p, &err), MT_EFORMAT);
        assert_int_equal(back.kind, MT_CALIB_NONE);
        assert_null(back.x);
        cJSON_Delete(p);
    }
    mt_calib_release(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pav_by_hand),
        cmocka_unit_test(test_platt_recovers_logistic),
        cmocka_unit_test(test_apply_is_monotone),
        cmocka_unit_test(test_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
