/* An agent's training set (see trainset.h). */
#include "ml/trainset.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "journal/journal.h"
#include "sim/engine.h"
#include "sim/setups.h"

static const char *const source_names[MT_ROW_SOURCES] = {"backtest", "real", "sim", "tracked"};

const char *mt_row_source_name(enum mt_row_source s)
{
    return (unsigned)s < MT_ROW_SOURCES ? source_names[s] : NULL;
}

size_t mt_setup_feature_names(const struct mt_strategy *st, char (*names)[MT_FSET_NAME_MAX])
{
    size_t n = 0;
    snprintf(names[n++], MT_FSET_NAME_MAX, "setup_side");
    snprintf(names[n++], MT_FSET_NAME_MAX, "setup_stop_rel");
    snprintf(names[n++], MT_FSET_NAME_MAX, "setup_rr");
    for (int k = 0; k < mt_strategy_n_context(st); k++)
        snprintf(names[n++], MT_FSET_NAME_MAX, "ctx_%s", mt_strategy_context_name(st, k));
    assert(n <= MT_SETUP_FEATURES_MAX);
    return n;
}

size_t mt_setup_features(const struct mt_setup *x, float *out)
{
    size_t n = 0;
    out[n++] = (float)x->side;
    out[n++] = (float)fabs(x->stop / x->price - 1);
    out[n++] = (float)x->rr;
    for (int k = 0; k < x->n_context; k++)
        out[n++] = (float)x->context[k];
    return n;
}

void mt_trainset_release(struct mt_trainset *t)
{
    free(t->x);
    free(t->names);
    free(t->t0);
    free(t->t1);
    free(t->r);
    free(t->symbol);
    free(t->source);
    free(t->side);
    free(t->symbols);
    memset(t, 0, sizeof *t);
}

/* Room for one more row in every column. */
static int reserve_row(struct mt_trainset *t, struct mt_err *err)
{
    if (t->rows < t->cap)
        return 0;
    size_t cap = t->cap ? 2 * t->cap : 4096;
    bool ok = cap / 2 < SIZE_MAX / (t->cols ? t->cols : 1) && mt_resize((void **)&t->x, cap * t->cols, sizeof *t->x) &&
              mt_resize((void **)&t->t0, cap, sizeof *t->t0) && mt_resize((void **)&t->t1, cap, sizeof *t->t1) &&
              mt_resize((void **)&t->r, cap, sizeof *t->r) && mt_resize((void **)&t->symbol, cap, sizeof *t->symbol) &&
              mt_resize((void **)&t->source, cap, sizeof *t->source) &&
              mt_resize((void **)&t->side, cap, sizeof *t->side);
    if (!ok) /* the arrays grown so far stay valid, cap unchanged */
        return mt_err_set(err, MT_ENOMEM, "training set: out of memory for %zu rows x %zu columns", cap, t->cols);
    t->cap = cap;
    return 0;
}

/* Appends one row: the matrix row `bar` of m (column-major) and x's setup columns. */
static int add_row(struct mt_trainset *t, const struct mt_fmatrix *m, size_t bar, const struct mt_setup *x,
                   int64_t t1, double r, uint32_t symbol, enum mt_row_source source, struct mt_err *err)
{
    int rc = reserve_row(t, err);
    if (rc)
        return rc;
    float *row = t->x + t->rows * t->cols;
    for (size_t c = 0; c < t->n_fset; c++)
        row[c] = m->v[c * m->rows + bar];
    float setup[MT_SETUP_FEATURES_MAX];
    size_t n = mt_setup_features(x, setup);
    for (size_t c = t->n_fset; c < t->cols; c++)
        row[c] = c - t->n_fset < n ? setup[c - t->n_fset] : NAN;
    t->t0[t->rows] = x->time;
    t->t1[t->rows] = t1;
    t->r[t->rows] = r;
    t->symbol[t->rows] = symbol;
    t->source[t->rows] = (uint8_t)source;
    t->side[t->rows] = (int8_t)x->side;
    t->by_source[source]++;
    t->rows++;
    return 0;
}

/* The slim copy of a pair's candles the ranking needs. */
struct slim {
    struct mt_series s; /* open_time, close, volume, quote_volume (others NULL) */
    int64_t first;      /* its first bar's open time */
};

static void slim_release(struct slim *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].s.open_time);
        free(v[i].s.close);
        free(v[i].s.volume);
        free(v[i].s.quote_volume);
    }
    free(v);
}

/* Whether pair i is selected at each of its bars (sel[i][k]) under spec's
 * ranking: every candidate's candles are read once, ranked at each bar time
 * of the union of their bars, and dropped. */
static int rank_pairs(const struct mt_trainset_spec *spec, uint8_t **sel, size_t *n_bars, struct mt_err *err)
{
    size_t ns = spec->n_symbols;
    struct slim *v = calloc(ns ? ns : 1, sizeof *v);
    size_t *at = calloc(ns ? ns : 1, sizeof *at);
    struct mt_rank_candidate *c = calloc(ns ? ns : 1, sizeof *c);
    int rc = !v || !at || !c ? mt_err_set(err, MT_ENOMEM, "training set: out of memory") : 0;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        struct mt_series s;
        mt_series_init(&s, 0);
        rc = spec->load(spec->load_ctx, i, &s, err);
        if (rc == MT_ENOENT) {
            rc = 0;
            n_bars[i] = 0;
            continue;
        }
        size_t n = s.n ? s.n : 1;
        v[i].s.n = s.n;
        v[i].first = s.n ? s.open_time[0] : INT64_MAX;
        v[i].s.open_time = malloc(n * sizeof(int64_t));
        v[i].s.close = malloc(n * sizeof(double));
        v[i].s.volume = malloc(n * sizeof(double));
        v[i].s.quote_volume = malloc(n * sizeof(double));
        sel[i] = calloc(n, 1);
        n_bars[i] = s.n;
        if (rc == 0 && (!v[i].s.open_time || !v[i].s.close || !v[i].s.volume || !v[i].s.quote_volume || !sel[i]))
            rc = mt_err_set(err, MT_ENOMEM, "training set: out of memory for %s", spec->symbols[i]);
        for (size_t k = 0; rc == 0 && k < s.n; k++) {
            v[i].s.open_time[k] = s.open_time[k];
            v[i].s.close[k] = s.close[k];
            v[i].s.volume[k] = s.volume ? s.volume[k] : NAN;
            v[i].s.quote_volume[k] = s.quote_volume ? s.quote_volume[k] : NAN;
        }
        mt_series_release(&s);
    }
    /* the bar times of every pair in order: the smallest next bar each step */
    while (rc == 0) {
        int64_t t = INT64_MAX;
        for (size_t i = 0; i < ns; i++)
            if (at[i] < v[i].s.n && v[i].s.open_time[at[i]] < t)
                t = v[i].s.open_time[at[i]];
        if (t == INT64_MAX)
            break;
        int64_t close = mt_tf_next(spec->tf, t);
        size_t m = 0;
        for (size_t i = 0; i < ns; i++)
            if (at[i] < v[i].s.n && v[i].s.open_time[at[i]] == t &&
                mt_rank_eligible(&spec->rank, close, v[i].first, spec->costs.spread))
                c[m++] = (struct mt_rank_candidate){mt_rank_volume(&v[i].s, at[i], close, spec->rank.window), i};
        size_t top = mt_rank_select(&spec->rank, c, m);
        for (size_t q = 0; q < top; q++)
            sel[c[q].series][at[c[q].series]] = 1;
        for (size_t i = 0; i < ns; i++)
            if (at[i] < v[i].s.n && v[i].s.open_time[at[i]] == t)
                at[i]++;
    }
    slim_release(v, ns);
    free(at);
    free(c);
    return rc;
}

/* A journal trade of pair i (candles s, features m): added as its own row,
 * or replacing the outcome of the backtest row it repeats (rows [from, to) are
 * this pair's backtest rows, in time order), or counted. */
static int add_journal(struct mt_trainset *t, const struct mt_journal_outcome *o, uint32_t i, const struct mt_series *s,
                       const struct mt_fmatrix *m, size_t from, size_t to, struct mt_err *err)
{
    if (o->censored) {
        t->censored++;
        return 0;
    }
    if (o->kind == MT_TRADE_TRACKED) {
        t->tracked++;
        return 0;
    }
    size_t bar = mt_series_lower_bound(s, o->setup.time);
    if (bar >= s->n || s->open_time[bar] != o->setup.time) {
        t->missing_pairs++; /* its signal bar is not in the store */
        return 0;
    }
    size_t lo = from, hi = to; /* the first backtest row at or after its signal time */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->t0[mid] < o->setup.time)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < to && t->t0[k] == o->setup.time; k++)
        if (t->side[k] == o->setup.side) {
            if (o->run == MT_RUN_LIVE && o->kind == MT_TRADE_REAL && t->source[k] != MT_ROW_REAL) {
                t->r[k] = o->r; /* the real fill's outcome */
                t->t1[k] = o->close_time;
                t->by_source[MT_ROW_BACKTEST]--;
                t->by_source[MT_ROW_REAL]++;
                t->source[k] = MT_ROW_REAL;
            }
            t->duplicates++;
            return 0;
        }
    /* a setup several runs journalled (paper and replays) is one row: a live real trade's outcome wins */
    bool live = o->run == MT_RUN_LIVE && o->kind == MT_TRADE_REAL;
    for (size_t k = to; k < t->rows; k++)
        if (t->t0[k] == o->setup.time && t->side[k] == o->setup.side) {
            if (live && t->source[k] != MT_ROW_REAL) {
                t->by_source[t->source[k]]--;
                t->by_source[MT_ROW_REAL]++;
                t->source[k] = MT_ROW_REAL;
                t->r[k] = o->r;
                t->t1[k] = o->close_time;
            }
            t->duplicates++;
            return 0;
        }
    enum mt_row_source src = o->kind == MT_TRADE_REAL ? MT_ROW_REAL : MT_ROW_SIM;
    return add_row(t, m, bar, &o->setup, o->close_time, o->r, i, src, err);
}

/* The rows of pair i: its label backtest and its journal trades. */
static int add_pair(const struct mt_trainset_spec *spec, struct mt_trainset *t, size_t i, const uint8_t *sel,
                    size_t n_sel, const struct mt_journal_outcome *jo, size_t n_jo, struct mt_features *feat, struct mt_err *err)
{
    struct mt_series s;
    mt_series_init(&s, 0);
    int rc = spec->load(spec->load_ctx, i, &s, err);
    if (rc == MT_ENOENT) {
        t->missing_pairs++;
        return 0;
    }
    struct mt_fmatrix m;
    mt_fmatrix_init(&m);
    struct mt_setup_outcomes o = {0};
    if (rc == 0)
        rc = mt_features_batch(feat, &s, &m, err);
    struct mt_setup_run run = mt_setup_run_default(spec->strategy_id, spec->tf, spec->costs.spread);
    run.costs = spec->costs;
    run.rules = spec->rules;
    run.from = spec->from;
    run.to = spec->to;
    if (rc == 0)
        rc = mt_setups_backtest(&s, &run, &o, err);
    size_t first = t->rows;
    if (rc == 0)
        t->untradable += o.untradable;
    for (size_t k = 0; rc == 0 && k < o.n; k++) {
        const struct mt_setup_outcome *x = &o.v[k];
        if (x->parent >= 0)
            t->tracked++;
        else if (spec->sides && !(spec->sides & (x->setup.side > 0 ? MT_SIDES_LONG : MT_SIDES_SHORT)))
            t->other_side++;
        else if (sel && (x->bar >= n_sel || !sel[x->bar]))
            t->unselected++;
        else if (x->trade.exit == MT_EXIT_CENSORED)
            t->censored++;
        else
            rc = add_row(t, &m, x->bar, &x->setup, x->trade.close_time, mt_trade_r(&x->trade), (uint32_t)i,
                         MT_ROW_BACKTEST, err);
    }
    size_t backtest_end = t->rows;
    for (size_t k = 0; rc == 0 && k < n_jo; k++)
        if (strcmp(jo[k].symbol, spec->symbols[i]) == 0 && jo[k].setup.time >= spec->from &&
            jo[k].setup.time < spec->to) {
            if (spec->sides && !(spec->sides & (jo[k].setup.side > 0 ? MT_SIDES_LONG : MT_SIDES_SHORT)))
                t->other_side++;
            else
                rc = add_journal(t, &jo[k], (uint32_t)i, &s, &m, first, backtest_end, err);
        }
    t->pairs_used += t->rows > first;
    mt_setup_outcomes_release(&o);
    mt_fmatrix_release(&m);
    mt_series_release(&s);
    return rc;
}

/* Orders rows by t0, then symbol, then side (a stable permutation in place). */
static const struct mt_trainset *sort_by;
static int cmp_rows(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const struct mt_trainset *t = sort_by;
    if (t->t0[i] != t->t0[j])
        return t->t0[i] < t->t0[j] ? -1 : 1;
    if (t->symbol[i] != t->symbol[j])
        return t->symbol[i] < t->symbol[j] ? -1 : 1;
    if (t->side[i] != t->side[j])
        return t->side[i] > t->side[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Moves row `from` of every array of t to row `to`. */
static void move_row(struct mt_trainset *t, size_t to, size_t from)
{
    memcpy(t->x + to * t->cols, t->x + from * t->cols, t->cols * sizeof *t->x);
    t->t0[to] = t->t0[from], t->t1[to] = t->t1[from], t->r[to] = t->r[from];
    t->symbol[to] = t->symbol[from], t->source[to] = t->source[from], t->side[to] = t->side[from];
}

/* Sorts the rows in place (the matrix is most of the memory a training run holds: a sorted copy
 * would double it): the permutation is applied cycle by cycle through one spare row, the row
 * `rows` of the arrays (reserve_row's room), and the arrays are then trimmed to the rows. */
static int sort_rows(struct mt_trainset *t, struct mt_err *err)
{
    size_t n = t->rows;
    if (n < 2)
        return 0;
    size_t *idx = malloc(n * sizeof *idx);
    int rc = !idx ? mt_err_set(err, MT_ENOMEM, "training set: out of memory sorting %zu rows", n)
                  : reserve_row(t, err);
    if (rc) {
        free(idx);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_by = t;
    qsort(idx, n, sizeof *idx, cmp_rows);
    sort_by = NULL;
    /* row k receives row idx[k]; a placed row is marked idx[k] == k */
    for (size_t s = 0; s < n; s++) {
        if (idx[s] == s)
            continue;
        move_row(t, n, s);
        size_t k = s;
        while (idx[k] != s) {
            size_t from = idx[k];
            move_row(t, k, from);
            idx[k] = k;
            k = from;
        }
        move_row(t, k, n);
        idx[k] = k;
    }
    free(idx);
    /* trimmed: a failed shrink keeps its larger array, which holds the n rows as well */
    (void)mt_resize((void **)&t->x, n * t->cols, sizeof *t->x);
    (void)mt_resize((void **)&t->t0, n, sizeof *t->t0);
    (void)mt_resize((void **)&t->t1, n, sizeof *t->t1);
    (void)mt_resize((void **)&t->r, n, sizeof *t->r);
    (void)mt_resize((void **)&t->symbol, n, sizeof *t->symbol);
    (void)mt_resize((void **)&t->source, n, sizeof *t->source);
    (void)mt_resize((void **)&t->side, n, sizeof *t->side);
    t->cap = n;
    return 0;
}

int mt_trainset_columns(const struct mt_fset *fs, enum mt_tf tf, const char *strategy_id,
                        char (**names)[MT_FSET_NAME_MAX], size_t *n, size_t *n_fset, struct mt_err *err)
{
    *names = NULL;
    *n = *n_fset = 0;
    struct mt_strategy st;
    int rc = mt_strategy_parse(strategy_id, tf, 0.001, &st, err);
    if (rc)
        return rc;
    char setup[MT_SETUP_FEATURES_MAX][MT_FSET_NAME_MAX];
    size_t n_setup = mt_setup_feature_names(&st, setup);
    mt_strategy_release(&st);
    char (*v)[MT_FSET_NAME_MAX] = calloc(fs->columns + n_setup, sizeof *v);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "training set: out of memory");
    struct mt_features f;
    struct mt_fmatrix empty;
    mt_fmatrix_init(&empty);
    struct mt_series none;
    mt_series_init(&none, 0);
    rc = mt_features_init(&f, fs, tf, err);
    if (rc == 0) {
        rc = mt_features_batch(&f, &none, &empty, err); /* gives the column names */
        mt_features_release(&f);
    }
    for (size_t c = 0; rc == 0 && c < fs->columns; c++)
        memcpy(v[c], empty.names[c], MT_FSET_NAME_MAX);
    mt_fmatrix_release(&empty);
    for (size_t c = 0; c < n_setup; c++)
        memcpy(v[fs->columns + c], setup[c], MT_FSET_NAME_MAX);
    if (rc) {
        free(v);
        return rc;
    }
    *names = v;
    *n = fs->columns + n_setup;
    *n_fset = fs->columns;
    return 0;
}

int mt_trainset_build(const struct mt_trainset_spec *spec, struct mt_trainset *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = mt_trainset_columns(spec->fset, spec->tf, spec->strategy_id, &out->names, &out->cols, &out->n_fset, err);
    if (rc)
        return rc;
    size_t ns = spec->n_symbols;
    out->symbols = calloc(ns ? ns : 1, sizeof *out->symbols);
    uint8_t **sel = spec->ranked ? calloc(ns ? ns : 1, sizeof *sel) : NULL;
    size_t *n_bars = calloc(ns ? ns : 1, sizeof *n_bars);
    struct mt_features feat;
    bool have_feat = false;
    struct mt_journal_outcome *jo = NULL;
    size_t n_jo = 0;
    if (!out->symbols || (spec->ranked && !sel) || !n_bars)
        rc = mt_err_set(err, MT_ENOMEM, "training set: out of memory");
    if (rc == 0 && (rc = mt_features_init(&feat, spec->fset, spec->tf, err)) == 0)
        have_feat = true;
    if (rc == 0) {
        for (size_t i = 0; i < ns; i++)
            snprintf(out->symbols[i], MT_TRAINSET_SYMBOL_MAX, "%s", spec->symbols[i]);
        out->n_symbols = ns;
    }
    if (rc == 0 && spec->ranked)
        rc = rank_pairs(spec, sel, n_bars, err);
    if (rc == 0 && spec->journal)
        rc = mt_journal_agent_outcomes(spec->journal, spec->agent, spec->strategy_id, spec->tf, &jo, &n_jo, err);
    for (size_t i = 0; i < ns && rc == 0; i++)
        rc = add_pair(spec, out, i, sel ? sel[i] : NULL, n_bars[i], jo, n_jo, &feat, err);
    if (rc == 0)
        rc = sort_rows(out, err);
    free(jo);
    for (size_t i = 0; sel && i < ns; i++)
        free(sel[i]);
    free(sel);
    free(n_bars);
    if (have_feat)
        mt_features_release(&feat);
    if (rc)
        mt_trainset_release(out);
    return rc;
}
