/* An agent's training set: rows from the label backtest on the pairs ranked
 * then, the feature rows of their signal bars, the setup columns, counts of
 * what is left out, and the journal's trades by source (duplicates dropped, a
 * live run's real outcome replacing the simulated one). Real BTCUSDT bars. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../features/featutil.h"
#include "journal/journal.h"
#include "ml/trainset.h"
#include "sim/portfolio.h"
#include "sim/setups.h"
#include "testutil.h"

#define STRATEGY "trail_fractals:5:2"
#define NPAIRS 2

/* Two pairs on the same real bars: pair 0 trades 10x the volume of pair 1 in
 * the first half, pair 1 10x pair 0's in the second. */
static struct mt_series pairs[NPAIRS];

static void make_pairs(void)
{
    const struct mt_series *b = fu_btc();
    struct mt_err err = {0};
    for (int p = 0; p < NPAIRS; p++) {
        mt_series_init(&pairs[p], b->fields);
        assert_int_equal(mt_series_slice(&pairs[p], b, 0, b->n, &err), 0);
        for (size_t k = 0; k < b->n; k++) {
            bool first = k < b->n / 2;
            double f = (p == 0) == first ? 10 : 1;
            pairs[p].quote_volume[k] = b->quote_volume[k] * f;
        }
    }
}

static int load(void *ctx, size_t i, struct mt_series *out, struct mt_err *err)
{
    (void)ctx;
    return mt_series_slice(out, &pairs[i], 0, pairs[i].n, err);
}

static struct mt_trainset_spec spec_of(const struct mt_fset *fs, const char *const *symbols)
{
    struct mt_trainset_spec s = {.strategy_id = STRATEGY, .tf = MT_TF_1H, .symbols = symbols, .n_symbols = NPAIRS,
                                 .load = load, .fset = fs, .from = INT64_MIN, .to = INT64_MAX};
    s.costs = mt_costs_default();
    s.costs.spread = 0.0005;
    s.rules = mt_trade_rules_for(STRATEGY, NULL);
    return s;
}

/* The label backtest of pair p as the training set runs it. */
static void outcomes_of(int p, const struct mt_trainset_spec *s, struct mt_setup_outcomes *o)
{
    struct mt_setup_run run = mt_setup_run_default(STRATEGY, MT_TF_1H, s->costs.spread);
    run.costs = s->costs;
    run.rules = s->rules;
    struct mt_err err = {0};
    assert_int_equal(mt_setups_backtest(&pairs[p], &run, o, &err), 0);
}

static void test_rows_features_and_counts(void **state)
{
    (void)state;
    make_pairs();
    struct mt_fset fs;
    struct mt_err err = {0};
    assert_int_equal(mt_fset_default(&fs, &err), 0);
    const char *symbols[NPAIRS] = {"AAAUSDT", "BBBUSDT"};
    struct mt_trainset_spec spec = spec_of(&fs, symbols);
    spec.sides = MT_SIDES_LONG;
    struct mt_trainset ts;
    assert_int_equal(mt_trainset_build(&spec, &ts, &err), 0);

    /* what the label backtest gives, counted by hand */
    size_t kept = 0, censored = 0, tracked = 0, shorts = 0;
    struct mt_setup_outcomes o[NPAIRS];
    for (int p = 0; p < NPAIRS; p++) {
        outcomes_of(p, &spec, &o[p]);
        for (size_t k = 0; k < o[p].n; k++) {
            const struct mt_setup_outcome *x = &o[p].v[k];
            if (x->parent >= 0)
                tracked++;
            else if (x->setup.side < 0)
                shorts++;
            else if (x->trade.exit == MT_EXIT_CENSORED)
                censored++;
            else
                kept++;
        }
    }
    assert_true(kept > 200);
    assert_int_equal(ts.rows, kept);
    assert_int_equal(ts.by_source[MT_ROW_BACKTEST], kept);
    assert_int_equal(ts.tracked, tracked);
    assert_int_equal(ts.other_side, shorts);
    assert_int_equal(ts.censored, censored);
    assert_int_equal(ts.unselected, 0);
    assert_int_equal(ts.pairs_used, NPAIRS);
    assert_int_equal(ts.n_fset, fs.columns);
    assert_string_equal(ts.names[fs.columns], "setup_side");
    assert_string_equal(ts.names[fs.columns + 1], "setup_stop_rel");
    assert_string_equal(ts.names[fs.columns + 2], "setup_rr");
    assert_string_equal(ts.names[fs.columns + 3], "ctx_stop_dist");
    assert_string_equal(ts.names[fs.columns + 6], "ctx_age_short");
    assert_int_equal(ts.cols, fs.columns + 7);

    /* ordered by time, then symbol; each row is its signal bar's batch row and its setup */
    struct mt_features f;
    struct mt_fmatrix m;
    assert_int_equal(mt_features_init(&f, &fs, MT_TF_1H, &err), 0);
    assert_int_equal(mt_features_batch(&f, &pairs[0], &m, &err), 0);
    size_t checked = 0;
    for (size_t i = 0; i < ts.rows; i++) {
        if (i > 0)
            assert_true(ts.t0[i] > ts.t0[i - 1] || (ts.t0[i] == ts.t0[i - 1] && ts.symbol[i] >= ts.symbol[i - 1]));
        assert_int_equal(ts.side[i], 1);
        assert_true(ts.t1[i] > ts.t0[i]);
        if (ts.symbol[i] != 0)
            continue;
        size_t bar = mt_series_lower_bound(&pairs[0], ts.t0[i]);
        const float *row = mt_trainset_row(&ts, i);
        for (size_t c = 0; c < m.cols; c++)
            assert_memory_equal(&row[c], &m.v[c * m.rows + bar], sizeof(float));
        for (size_t k = 0; k < o[0].n; k++)
            if (o[0].v[k].parent < 0 && o[0].v[k].setup.time == ts.t0[i] && o[0].v[k].setup.side > 0) {
                float want[MT_SETUP_FEATURES_MAX];
                size_t nw = mt_setup_features(&o[0].v[k].setup, want);
                assert_int_equal(nw + fs.columns, ts.cols);
                assert_memory_equal(row + fs.columns, want, nw * sizeof(float));
                tu_assert_same_double(ts.r[i], mt_trade_r(&o[0].v[k].trade));
                assert_int_equal(ts.t1[i], o[0].v[k].trade.close_time);
                checked++;
            }
    }
    assert_true(checked > 100);
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_trainset_release(&ts);

    /* ranked top 1 by the day's quote volume: pair 0 in the first half, pair 1 after */
    spec.ranked = true;
    spec.rank = (struct mt_rank_rule){1, 86400000LL, 0, 0.004};
    assert_int_equal(mt_trainset_build(&spec, &ts, &err), 0);
    int64_t half = pairs[0].open_time[pairs[0].n / 2];
    size_t first_half_b = 0, second_half_a = 0;
    for (size_t i = 0; i < ts.rows; i++) {
        /* a day's window straddles the switch: only check a day away from it */
        if (ts.t0[i] < half - 86400000LL && ts.symbol[i] == 1)
            first_half_b++;
        if (ts.t0[i] >= half + 86400000LL && ts.symbol[i] == 0)
            second_half_a++;
    }
    assert_int_equal(first_half_b, 0);
    assert_int_equal(second_half_a, 0);
    assert_true(ts.unselected > 100);
    assert_int_equal(ts.rows + ts.unselected + ts.censored, kept + censored);
    mt_trainset_release(&ts);

    /* the history rule: 10 000 days of history are never there */
    spec.rank.min_history = 10000 * 86400000LL;
    assert_int_equal(mt_trainset_build(&spec, &ts, &err), 0);
    assert_int_equal(ts.rows, 0);
    assert_int_equal(ts.unselected, kept + censored); /* a pair not selected: censored or not */
    assert_int_equal(ts.censored, 0);
    mt_trainset_release(&ts);
    for (int p = 0; p < NPAIRS; p++) {
        mt_setup_outcomes_release(&o[p]);
        mt_series_release(&pairs[p]);
    }
    mt_fset_release(&fs);
}

/* Journals a portfolio run of kind `kind` of one agent named `name` over the pairs. */
static void journal_run(struct mt_journal *j, enum mt_run_kind kind, const char *name, const char *const *symbols)
{
    struct mt_portfolio_series ps[NPAIRS];
    for (int p = 0; p < NPAIRS; p++)
        ps[p] = (struct mt_portfolio_series){symbols[p], &pairs[p], NULL, NULL, NULL, 0};
    struct mt_engine_agent agent = mt_engine_agent_for(STRATEGY, NULL);
    struct mt_portfolio_config cfg = mt_portfolio_config_default();
    const char *names[] = {name};
    enum mt_tf tfs[] = {MT_TF_1H};
    struct mt_journal_run run = {.kind = kind, .version = "test", .started = 1, .from = INT64_MIN, .to = INT64_MAX,
                                 .tf = MT_TF_1H, .balance = cfg.balance, .costs = cfg.costs, .limits = cfg.limits,
                                 .one_per_symbol = true, .track_sims = true, .agents = &agent, .na = 1,
                                 .symbols = symbols, .ns = NPAIRS, .agent_names = names, .agent_tfs = tfs};
    struct mt_err err = {0};
    int64_t id;
    struct mt_sink sink;
    assert_int_equal(mt_journal_begin_tick(j, &err), 0);
    assert_int_equal(mt_journal_run_begin(j, &run, &id, &err), 0);
    assert_int_equal(mt_journal_sink(j, id, &sink, &err), 0);
    cfg.also = &sink;
    struct mt_portfolio_result res = {0};
    assert_int_equal(mt_portfolio_run(ps, NPAIRS, &agent, 1, MT_TF_1H, &cfg, &res, &err), 0);
    assert_int_equal(mt_journal_run_end(j, id, 2, &err), 0);
    assert_int_equal(mt_journal_commit_tick(j, &err), 0);
    mt_portfolio_result_release(&res);
}

static void test_journal_rows(void **state)
{
    (void)state;
    make_pairs();
    char *dir = tu_mkdtemp(), path[512];
    snprintf(path, sizeof path, "%s/journal.db", dir);
    struct mt_err err = {0};
    struct mt_journal *j = NULL;
    assert_int_equal(mt_journal_open(path, &j, &err), 0);
    const char *symbols[NPAIRS] = {"AAAUSDT", "BBBUSDT"};
    journal_run(j, MT_RUN_REPLAY, "tf1h", symbols);
    journal_run(j, MT_RUN_REPLAY, "other", symbols); /* another agent's: never read */

    struct mt_journal_outcome *jo = NULL;
    size_t n_jo = 0;
    assert_int_equal(mt_journal_agent_outcomes(j, "tf1h", STRATEGY, MT_TF_1H, &jo, &n_jo, &err), 0);
    size_t closed = 0, censored = 0, tracked = 0;
    for (size_t k = 0; k < n_jo; k++) {
        if (k)
            assert_true(jo[k].setup.time >= jo[k - 1].setup.time);
        assert_int_equal(jo[k].run, MT_RUN_REPLAY);
        censored += jo[k].censored;
        tracked += !jo[k].censored && jo[k].kind == MT_TRADE_TRACKED;
        closed += !jo[k].censored && jo[k].kind != MT_TRADE_TRACKED;
    }
    assert_true(closed > 100);
    free(jo);

    struct mt_fset fs;
    assert_int_equal(mt_fset_default(&fs, &err), 0);
    struct mt_trainset_spec spec = spec_of(&fs, symbols);
    struct mt_trainset plain, ts;
    assert_int_equal(mt_trainset_build(&spec, &plain, &err), 0);
    spec.journal = j;
    spec.agent = "tf1h";
    assert_int_equal(mt_trainset_build(&spec, &ts, &err), 0);
    /* every replayed setup is a backtest row already: counted, not added */
    assert_int_equal(ts.duplicates, closed);
    assert_int_equal(ts.rows, plain.rows);
    assert_int_equal(ts.censored, plain.censored + censored);
    assert_int_equal(ts.tracked, plain.tracked + tracked);
    mt_trainset_release(&ts);

    /* ranked top 1: the backtest keeps one pair at a time, the journal's trades on the other pair
     * (the replay traded both) join as sim and real rows; a second replay journals the same
     * setups again, and they stay one row each */
    struct mt_trainset_spec ranked = spec;
    ranked.ranked = true;
    ranked.rank = (struct mt_rank_rule){1, 86400000LL, 0, 0.004};
    ranked.journal = NULL;
    struct mt_trainset bt, once, twice;
    assert_int_equal(mt_trainset_build(&ranked, &bt, &err), 0);
    ranked.journal = j;
    assert_int_equal(mt_trainset_build(&ranked, &once, &err), 0);
    assert_true(once.rows > bt.rows + 10);
    assert_int_equal(once.by_source[MT_ROW_BACKTEST], bt.rows);
    assert_int_equal(once.by_source[MT_ROW_SIM] + once.by_source[MT_ROW_REAL], once.rows - bt.rows);
    journal_run(j, MT_RUN_REPLAY, "tf1h", symbols);
    assert_int_equal(mt_trainset_build(&ranked, &twice, &err), 0);
    assert_int_equal(twice.rows, once.rows);
    assert_int_equal(twice.duplicates, once.duplicates + closed);
    mt_trainset_release(&bt);
    mt_trainset_release(&once);
    mt_trainset_release(&twice);

    /* a live run's real trade replaces the simulated outcome of its row */
    journal_run(j, MT_RUN_LIVE, "tf1h", symbols);
    mt_journal_close(j);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE trades SET r = 7.5 WHERE run = 4 AND kind = 'real' AND state = 'closed'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    int changed = sqlite3_changes(db);
    sqlite3_close(db);
    assert_true(changed > 10);
    assert_int_equal(mt_journal_open(path, &j, &err), 0);
    spec.journal = j;
    assert_int_equal(mt_trainset_build(&spec, &ts, &err), 0);
    assert_int_equal(ts.rows, plain.rows);
    size_t real = 0;
    for (size_t i = 0; i < ts.rows; i++)
        if (ts.source[i] == MT_ROW_REAL) {
            tu_assert_same_double(ts.r[i], 7.5);
            real++;
        }
    assert_int_equal(real, (size_t)changed);
    assert_int_equal(ts.by_source[MT_ROW_REAL], (size_t)changed);
    assert_int_equal(ts.by_source[MT_ROW_BACKTEST] + (size_t)changed, plain.rows);
    mt_trainset_release(&ts);
    mt_trainset_release(&plain);
    mt_journal_close(j);
    mt_fset_release(&fs);
    for (int p = 0; p < NPAIRS; p++)
        mt_series_release(&pairs[p]);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_features_and_counts),
        cmocka_unit_test(test_journal_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
