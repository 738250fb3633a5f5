/* Golden vectors: every standard indicator against TA-Lib's C code on the
 * first 1000 bars of the real BTCUSDT 1h fixture. The cases and the TA-Lib
 * outputs are fixtures (tests/fixtures/features/golden/, made by
 * tools/peers/make-golden.sh). Checks per case: the same warm-up (NaN exactly
 * where TA-Lib has no output yet) and every value within a relative 1e-9 of
 * the column's scale; prints the worst difference of each case. */
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

#define ROWS 1000
#define TOLERANCE 1e-9

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* Sets up ind from "name opt=value ... [-> out,out]"; fills the output
 * indices in the order of the arrow list (default: output 0). */
static void parse_ours(char *spec, struct mt_ind *ind, int *outs, int *n_outs)
{
    char *arrow = strstr(spec, "->");
    if (arrow)
        *arrow = 0;
    char *save;
    const char *name = strtok_r(spec, " ", &save);
    const struct mt_ind_def *d = mt_ind_find(name);
    if (!d)
        fail_msg("golden case: no indicator '%s'", name);
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(d, &c);
    for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = 0;
        int k = mt_ind_opt_index(d, tok);
        if (k < 0)
            fail_msg("golden case %s: no option '%s'", name, tok);
        char *end;
        c.opt[k] = strtod(eq + 1, &end);
        if (end == eq + 1 || *end)
            fail_msg("golden case %s: option %s = '%s' is not a number", name, tok, eq + 1);
    }
    struct mt_err err = {0};
    if (mt_ind_init(ind, d, &c, &err))
        fail_msg("golden case %s: %s", name, err.msg);
    *n_outs = 0;
    if (!arrow) {
        outs[(*n_outs)++] = 0;
        return;
    }
    char *s2;
    for (char *o = strtok_r(arrow + 2, ", ", &s2); o; o = strtok_r(NULL, ", ", &s2)) {
        int k = mt_ind_out_index(d, o);
        if (k < 0)
            fail_msg("golden case %s: no output '%s'", name, o);
        outs[(*n_outs)++] = k;
    }
}

/* Reads FILE.csv: header, then ROWS rows of n_cols numbers ("nan" allowed). */
static void read_golden(const char *file, int n_cols, double *want)
{
    char rel[256];
    snprintf(rel, sizeof rel, "features/golden/%s.csv", file);
    size_t size;
    char *text = tu_read_file(tu_fixture(rel), &size);
    char *p = strchr(text, '\n');
    assert_non_null(p);
    p++;
    for (int r = 0; r < ROWS; r++) {
        for (int k = 0; k < n_cols; k++) {
            char *end;
            want[k * ROWS + r] = strtod(p, &end);
            if (end == p)
                fail_msg("%s.csv: row %d column %d is not a number", file, r + 1, k + 1);
            p = end + 1;
        }
    }
    free(text);
}

/* Worst |got - want| / scale over a column, scale = max(|want|, mean |want|). */
static double compare_column(const char *file, int k, const double *got, const double *want)
{
    double mean_abs = 0;
    int n = 0;
    for (int r = 0; r < ROWS; r++)
        if (!isnan(want[r])) {
            mean_abs += fabs(want[r]);
            n++;
        }
    if (n == 0)
        fail_msg("%s: column %d has no values", file, k);
    mean_abs /= n;
    double worst = 0;
    for (int r = 0; r < ROWS; r++) {
        if (isnan(want[r]) != isnan(got[r]))
            fail_msg("%s column %d row %d: %.17g, TA-Lib %.17g (warm-up differs)", file, k, r, got[r], want[r]);
        if (isnan(want[r]))
            continue;
        double scale = fabs(want[r]) > mean_abs ? fabs(want[r]) : mean_abs;
        double d = scale > 0 ? fabs(got[r] - want[r]) / scale : fabs(got[r] - want[r]);
        if (d > TOLERANCE)
            fail_msg("%s column %d row %d: %.17g, TA-Lib %.17g (relative %.3g)", file, k, r, got[r], want[r], d);
        if (d > worst)
            worst = d;
    }
    return worst;
}

static void test_golden_vectors(void **state)
{
    (void)state;
    const struct mt_series *s = fu_btc();
    size_t size;
    char *cases = tu_read_file(tu_fixture("features/golden/cases.txt"), &size);
    double worst_all = 0;
    int n_cases = 0;
    char *save;
    for (char *line = strtok_r(cases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line = trim(line);
        if (!*line || *line == '#')
            continue;
        char *bar1 = strchr(line, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        assert_non_null(bar2);
        *bar1 = *bar2 = 0;
        const char *file = trim(line);
        struct mt_ind ind;
        int outs[MT_IND_MAX_OUT], n_outs;
        parse_ours(trim(bar2 + 1), &ind, outs, &n_outs);
        double *want = malloc((size_t)n_outs * ROWS * sizeof(double));
        assert_non_null(want);
        read_golden(file, n_outs, want);
        struct fu_out o;
        fu_run(&ind, s, 0, ROWS, &o);
        double worst = 0;
        for (int k = 0; k < n_outs; k++) {
            double w = compare_column(file, k, o.col[outs[k]], want + (size_t)k * ROWS);
            worst = w > worst ? w : worst;
        }
        printf("golden %-20s worst relative difference %.3g\n", file, worst);
        worst_all = worst > worst_all ? worst : worst_all;
        n_cases++;
        fu_out_free(&o);
        mt_ind_release(&ind);
        free(want);
    }
    free(cases);
    printf("golden: %d cases, worst relative difference %.3g (tolerance %g)\n", n_cases, worst_all, TOLERANCE);
    assert_true(n_cases >= 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
