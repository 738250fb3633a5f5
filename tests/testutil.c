#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <sys/wait.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/series.h"
#include "sim/engine.h"
#include "sim/metrics.h"
#include "store/import.h"

const char *tu_fixture(const char *name)
{
    static char path[4096];
    const char *dir = getenv("MT_FIXTURES");
    if (!dir)
        fail_msg("MT_FIXTURES is not set: run the tests through meson test");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    size_t len = strlen(base) + 32;
    char *path = malloc(len);
    assert_non_null(path);
    snprintf(path, len, "%s/mt-test-XXXXXX", base);
    if (!mkdtemp(path))
        fail_msg("mkdtemp %s failed", path);
    return path;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmtree(const char *path)
{
    if (path)
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tu_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot create %s", path);
    if (size && fwrite(data, 1, size, f) != size)
        fail_msg("cannot write %s", path);
    if (fclose(f) != 0)
        fail_msg("cannot close %s", path);
}

char *tu_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap + 1);
        assert_non_null(buf);
    }
    fclose(f);
    buf[n] = '\0';
    if (size)
        *size = n;
    return buf;
}

void tu_assert_close_at(double a, double b, double tol, const char *file, int line)
{
    if (isnan(a) && isnan(b))
        return;
    if (!(fabs(a - b) <= tol)) {
        print_error("%.17g != %.17g (tolerance %g)\n", a, b, tol);
        _fail(file, line);
    }
}

void tu_assert_same_double_at(double a, double b, const char *file, int line)
{
    if (memcmp(&a, &b, sizeof a) != 0) {
        print_error("%.17g is not bit-identical to %.17g\n", a, b);
        _fail(file, line);
    }
}

/* First value where a and b (same n and fields) differ: its field and row,
 * false when none does (any NaN equals any NaN, others bit for bit). */
static bool first_value_difference(const struct mt_series *a, const struct mt_series *b,
                                   unsigned *field, size_t *row)
{
    static const unsigned f[] = MT_VALUE_FIELDS;
    for (size_t k = 0; k < MT_VALUE_FIELD_COUNT; k++) {
        if (!(a->fields & f[k]))
            continue;
        const double *x = mt_series_column((struct mt_series *)a, f[k]);
        const double *y = mt_series_column((struct mt_series *)b, f[k]);
        for (size_t i = 0; i < a->n; i++) {
            bool same = (isnan(x[i]) || isnan(y[i])) ? (isnan(x[i]) && isnan(y[i]))
                                                     : memcmp(&x[i], &y[i], sizeof x[i]) == 0;
            if (!same) {
                *field = f[k];
                *row = i;
                return true;
            }
        }
    }
    return false;
}

bool tu_series_same(const struct mt_series *a, const struct mt_series *b)
{
    unsigned field;
    size_t row;
    return a->n == b->n && a->fields == b->fields &&
           memcmp(a->open_time, b->open_time, a->n * sizeof(int64_t)) == 0 &&
           !first_value_difference(a, b, &field, &row);
}

void tu_assert_series_same(const struct mt_series *a, const struct mt_series *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->fields, b->fields);
    assert_memory_equal(a->open_time, b->open_time, a->n * sizeof(int64_t));
    unsigned field;
    size_t row;
    if (first_value_difference(a, b, &field, &row))
        fail_msg("%s of row %zu: %.17g != %.17g", mt_field_name(field), row,
                 mt_series_column((struct mt_series *)a, field)[row],
                 mt_series_column((struct mt_series *)b, field)[row]);
}

void tu_server_start(struct tu_server *s, const char *const *args)
{
    const char *exe = getenv("FB_EXE");
    if (!exe)
        fail_msg("FB_EXE is not set: run the tests through meson test");
    /* In a cross build meson test runs this test under $MESON_EXE_WRAPPER (qemu-user): the
     * server, built for the same machine, runs under it too (its words split at spaces). */
    char wrapper[512] = "";
    const char *env = getenv("MESON_EXE_WRAPPER");
    if (env)
        snprintf(wrapper, sizeof wrapper, "%s", env);
    const char *argv[64];
    size_t argc = 0;
    for (char *w = wrapper; *w && argc < 8;) {
        argv[argc++] = w;
        char *sp = strchr(w, ' ');
        if (!sp)
            break;
        *sp = '\0';
        w = sp + 1;
    }
    argv[argc++] = exe;
    for (size_t i = 0; args[i] && argc < 63; i++)
        argv[argc++] = args[i];
    argv[argc] = NULL;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    s->pid = pid;
    close(fds[1]);
    FILE *out = fdopen(fds[0], "r");
    char line[128] = "";
    assert_non_null(fgets(line, sizeof line, out));
    fclose(out);
    unsigned port = 0;
    assert_int_equal(sscanf(line, "listening on http://127.0.0.1:%u\n", &port), 1);
    assert_true(port > 0 && port < 65536);
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", port);
}

void tu_server_stop(struct tu_server *s)
{
    assert_int_equal(kill(s->pid, SIGTERM), 0);
    int st = 0;
    assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

void tu_fixture_series(const char *name, struct mt_series *out)
{
    struct mt_err err = {0};
    struct mt_import_file f;
    mt_import_file_init(&f);
    if (mt_import_read(tu_fixture(name), NULL, &f, &err))
        fail_msg("%s: %s", name, err.msg);
    *out = f.series; /* taken: the file keeps an empty series */
    mt_series_init(&f.series, 0);
    mt_import_file_release(&f);
}

#define same(a, b) same_at((a), (b), #a, __LINE__)
static void same_at(double a, double b, const char *what, int line)
{
    if (!(a == b || (isnan(a) && isnan(b))))
        fail_msg("line %d: %s: %.17g != %.17g", line, what, a, b);
}

void tu_assert_same_position(const struct mt_position *x, const struct mt_position *y)
{
    assert_true(x->id == y->id);
    assert_true(x->parent == y->parent);
    assert_int_equal(x->agent, y->agent);
    assert_int_equal(x->series, y->series);
    assert_true(x->setup.time == y->setup.time);
    assert_int_equal(x->setup.side, y->setup.side);
    same(x->setup.price, y->setup.price);
    same(x->setup.stop, y->setup.stop);
    same(x->setup.target, y->setup.target);
    same(x->setup.rr, y->setup.rr);
    assert_int_equal(x->setup.n_context, y->setup.n_context);
    for (int k = 0; k < x->setup.n_context; k++)
        same(x->setup.context[k], y->setup.context[k]);
    same(x->score, y->score);
    assert_int_equal(x->sim_reasons, y->sim_reasons);
    const struct mt_trade *a = &x->trade, *b = &y->trade;
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->side, b->side);
    assert_true(a->open_time == b->open_time);
    assert_true(a->close_time == b->close_time);
    same(a->entry, b->entry);
    same(a->init_stop, b->init_stop);
    same(a->stop, b->stop);
    same(a->target, b->target);
    same(a->init_size, b->init_size);
    same(a->size, b->size);
    same(a->fees, b->fees);
    same(a->realized, b->realized);
    same(a->mark, b->mark);
    same(a->mae_r, b->mae_r);
    same(a->mfe_r, b->mfe_r);
    assert_int_equal(a->exit, b->exit);
    assert_int_equal(a->ambiguous, b->ambiguous);
    assert_int_equal(a->resolved_by_lower, b->resolved_by_lower);
    assert_int_equal(a->open, b->open);
    assert_int_equal(a->n_legs, b->n_legs);
    for (size_t g = 0; g < a->n_legs; g++) {
        assert_true(a->legs[g].time == b->legs[g].time);
        assert_int_equal(a->legs[g].action, b->legs[g].action);
        assert_int_equal(a->legs[g].reason, b->legs[g].reason);
        same(a->legs[g].price, b->legs[g].price);
        same(a->legs[g].size, b->legs[g].size);
        same(a->legs[g].fee, b->legs[g].fee);
    }
    same(mt_trade_pnl(a), mt_trade_pnl(b));
    same(mt_trade_r(a), mt_trade_r(b));
}

void tu_assert_same_metrics(const struct mt_metrics *m, const struct mt_metrics *w)
{
    assert_int_equal(m->trades, w->trades);
    assert_int_equal(m->wins, w->wins);
    const double got[] = {m->total_return, m->cagr,          m->sharpe,       m->sortino,  m->max_drawdown,
                          m->win_rate,     m->profit_factor, m->expectancy_r, m->exposure, m->end_equity};
    const double exp[] = {w->total_return, w->cagr,          w->sharpe,       w->sortino,  w->max_drawdown,
                          w->win_rate,     w->profit_factor, w->expectancy_r, w->exposure, w->end_equity};
    for (size_t k = 0; k < sizeof got / sizeof got[0]; k++)
        tu_assert_same_double(got[k], exp[k]);
    assert_true(m->max_drawdown_ms == w->max_drawdown_ms);
}
