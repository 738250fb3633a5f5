#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "live/agent.h"
#include "sim/account.h"
#include "testutil.h"

/* A config holding only the agents array, loaded as the application's is. */
struct agents_cfg {
    size_t n;
    struct mt_agent_spec a[MT_AGENTS_MAX];
};

static const struct mt_cfg_field schema[] = {
    {"agents", MT_CFG_ARRAY, offsetof(struct agents_cfg, a), sizeof(struct mt_agent_spec), 0, 0,
     mt_agent_spec_schema, offsetof(struct agents_cfg, n), MT_AGENTS_MAX},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static struct agents_cfg cfg;

/* Loads {"agents": [AGENTS]} and resolves them. */
static int load(const char *agents, struct mt_err *err)
{
    memset(&cfg, 0, sizeof cfg);
    for (size_t i = 0; i < MT_AGENTS_MAX; i++)
        mt_agent_spec_init(&cfg.a[i]);
    char json[4096];
    snprintf(json, sizeof json, "{\"agents\": [%s]}", agents);
    int rc = mt_config_apply_json(json, strlen(json), "mtrader.json", schema, &cfg, err);
    return rc ? rc : mt_agent_specs_resolve(cfg.a, cfg.n, "mtrader.json", err);
}

static void default_risk_per_timeframe(void **state)
{
    (void)state;
    tu_assert_same_double(mt_agent_default_risk(MT_TF_15M), 0.002);
    tu_assert_same_double(mt_agent_default_risk(MT_TF_30M), 0.004);
    tu_assert_same_double(mt_agent_default_risk(MT_TF_1H), 0.008);
    tu_assert_same_double(mt_agent_default_risk(MT_TF_4H), 0.02);
    tu_assert_same_double(mt_agent_default_risk(MT_TF_12H), 0.04);
    tu_assert_same_double(mt_agent_default_risk(MT_TF_1D), 0.06);
    assert_true(isnan(mt_agent_default_risk(MT_TF_5M)));
    assert_true(isnan(mt_agent_default_risk(MT_TF_2H)));
    assert_true(isnan(mt_agent_default_risk(MT_TF_1W)));
    struct mt_err err = {0};
    static const char *const tfs[] = {"15m", "30m", "1h", "4h", "12h", "1d"};
    static const double risk[] = {0.002, 0.004, 0.008, 0.02, 0.04, 0.06};
    for (size_t i = 0; i < 6; i++) {
        char a[200];
        snprintf(a, sizeof a, "{\"id\": \"a\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"%s\"}", tfs[i]);
        assert_int_equal(load(a, &err), 0);
        tu_assert_same_double(cfg.a[0].risk, risk[i]);
        tu_assert_same_double(mt_agent_engine(&cfg.a[0]).limits.risk, risk[i]);
    }
}

static void positions_and_open_risk_rule(void **state)
{
    (void)state;
    assert_int_equal(mt_agent_max_positions(-0.4), 2);
    assert_int_equal(mt_agent_max_positions(0), 2);
    assert_int_equal(mt_agent_max_positions(-0.0), 2);
    assert_int_equal(mt_agent_max_positions(0.01), 3);
    assert_int_equal(mt_agent_max_positions(NAN), 3);
    tu_assert_same_double(mt_agent_max_open_r(2), 3.4);
    tu_assert_same_double(mt_agent_max_open_r(3), 5.1);
    tu_assert_same_double(mt_agent_max_open_r(0), 0);
    struct mt_err err = {0};
    assert_int_equal(load("{\"id\": \"auto\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\"},"
                          "{\"id\": \"five\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\","
                          " \"max_positions\": 5},"
                          "{\"id\": \"capped\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\","
                          " \"max_positions\": \"auto\", \"max_open_r\": 4, \"risk\": 0.01, \"min_score\": 0.7}",
                          &err),
                     0);
    assert_int_equal(cfg.n, 3);
    assert_true(cfg.a[0].max_positions == MT_CFG_AUTO);
    /* auto: the engine applies the rule at each bar; without open positions 3 and 5.1 */
    struct mt_engine_agent e = mt_agent_engine(&cfg.a[0]);
    assert_true(e.limits.auto_positions && e.limits.auto_open_r);
    assert_int_equal(e.limits.max_positions, 3);
    tu_assert_same_double(e.limits.max_open_r, 5.1);
    e = mt_agent_engine(&cfg.a[1]);
    assert_true(!e.limits.auto_positions && e.limits.auto_open_r);
    assert_int_equal(e.limits.max_positions, 5);
    tu_assert_same_double(e.limits.max_open_r, 8.5);
    e = mt_agent_engine(&cfg.a[2]);
    assert_true(e.limits.auto_positions && !e.limits.auto_open_r);
    assert_int_equal(e.limits.max_positions, 3);
    tu_assert_same_double(e.limits.max_open_r, 4);
    tu_assert_same_double(e.limits.risk, 0.01);
    tu_assert_same_double(e.limits.min_score, 0.7);
    /* what the spec does not set is the engine's default */
    struct mt_agent_limits d = mt_agent_limits_default();
    tu_assert_same_double(e.limits.max_notional, d.max_notional);
    tu_assert_same_double(e.limits.min_notional, d.min_notional);
    tu_assert_same_double(mt_agent_engine(&cfg.a[0]).limits.min_score, 0.6);
    assert_null(e.scorer.score);
}

static void rules_by_strategy(void **state)
{
    (void)state;
    struct mt_err err = {0};
    assert_int_equal(load("{\"id\": \"cr_mid_edge\", \"strategy\": \"channel_run:200:mid:edge\", \"timeframe\": \"15m\"},"
                          "{\"id\": \"tf\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"4h\","
                          " \"sides\": \"long\"},"
                          "{\"id\": \"cr_tp\", \"strategy\": \"channel_run:200:edge:mid\", \"timeframe\": \"30m\","
                          " \"sides\": \"short\", \"tp_r\": 2.5, \"tp_fraction\": 1, \"tp_full_value\": 0,"
                          " \"stale_h\": 48, \"stale_r\": 0.5}",
                          &err),
                     0);
    struct mt_engine_agent cr = mt_agent_engine(&cfg.a[0]);
    assert_string_equal(cr.strategy_id, "channel_run:200:mid:edge");
    tu_assert_same_double(cr.rules.tp_at_r, 0);
    tu_assert_same_double(cr.rules.tp_fraction, 0.5);
    tu_assert_same_double(cr.rules.tp_full_value, 24);
    assert_int_equal(cr.rules.stale_ms, 240 * MT_MS_HOUR);
    tu_assert_same_double(cr.rules.stale_below_r, 1);
    assert_int_equal(cfg.a[0].tf, MT_TF_15M);
    assert_int_equal(cfg.a[0].side_mask, MT_SIDES_BOTH);
    struct mt_engine_agent tf = mt_agent_engine(&cfg.a[1]);
    assert_string_equal(tf.strategy_id, "trail_fractals:5:2");
    tu_assert_same_double(tf.rules.tp_at_r, 1.8);
    tu_assert_same_double(tf.rules.tp_fraction, 0.5);
    tu_assert_same_double(tf.rules.tp_full_value, 24);
    assert_int_equal(tf.rules.stale_ms, 240 * MT_MS_HOUR);
    assert_int_equal(cfg.a[1].side_mask, MT_SIDES_LONG);
    struct mt_engine_agent set = mt_agent_engine(&cfg.a[2]);
    tu_assert_same_double(set.rules.tp_at_r, 2.5);
    tu_assert_same_double(set.rules.tp_fraction, 1);
    tu_assert_same_double(set.rules.tp_full_value, 0);
    assert_int_equal(set.rules.stale_ms, 48 * MT_MS_HOUR);
    tu_assert_same_double(set.rules.stale_below_r, 0.5);
    assert_int_equal(cfg.a[2].side_mask, MT_SIDES_SHORT);
    assert_int_equal(mt_trade_rules_check(&set.rules, "x", &err), 0);
}

static void pairs_selection(void **state)
{
    (void)state;
    struct mt_err err = {0};
    assert_int_equal(load("{\"id\": \"a\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\"},"
                          "{\"id\": \"b\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\","
                          " \"pairs\": {\"top\": 20, \"by\": \"volume_1w\", \"min_history_days\": 400,"
                          " \"max_spread\": 0.001}},"
                          "{\"id\": \"c\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\","
                          " \"pairs\": {\"symbols\": \"BTCUSDT,ETHUSDT\"}}",
                          &err),
                     0);
    assert_string_equal(cfg.a[0].pairs.symbols, "");
    assert_int_equal(cfg.a[0].pairs.top, 100);
    assert_string_equal(cfg.a[0].pairs.by, "volume_1d");
    assert_int_equal(cfg.a[0].pairs.min_history_days, 30);
    tu_assert_same_double(cfg.a[0].pairs.max_spread, 0.004);
    assert_int_equal(cfg.a[1].pairs.top, 20);
    assert_string_equal(cfg.a[1].pairs.by, "volume_1w");
    assert_int_equal(cfg.a[1].pairs.min_history_days, 400);
    tu_assert_same_double(cfg.a[1].pairs.max_spread, 0.001);
    assert_string_equal(cfg.a[2].pairs.symbols, "BTCUSDT,ETHUSDT");
    assert_int_equal(cfg.a[2].pairs.top, -1);
}

#define TF_AGENT(extra) "{\"id\": \"tf_1d\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\"" extra "}"

static void expect_error(const char *agents, const char *msg)
{
    struct mt_err err = {0};
    assert_int_equal(load(agents, &err), MT_ECONFIG);
    assert_string_equal(err.msg, msg);
}

static void error_messages(void **state)
{
    (void)state;
    expect_error(TF_AGENT("") "," TF_AGENT(""), "mtrader.json: agents[1].id 'tf_1d' is already the id of agents[0]");
    expect_error("{\"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\"}", "mtrader.json: agents[0].id is missing");
    expect_error("{\"id\": \"Big\"}", "mtrader.json: agents[0].id 'Big' must be 1 to 32 of a-z, 0-9, '_' and '-'");
    expect_error("{\"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
                 "mtrader.json: 'agents[0].id' is 33 characters long, at most 32 allowed");
    expect_error("{\"id\": \"a\", \"strategy\": \"trail_fractals:5:2\"}", "mtrader.json: agents[0].timeframe is missing");
    expect_error("{\"id\": \"a\", \"timeframe\": \"1d\"}", "mtrader.json: agents[0].strategy is missing");
    expect_error("{\"id\": \"a\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1y\"}",
                 "mtrader.json: agents[0].timeframe: unknown timeframe '1y': expected one of 1m 3m 5m 15m 30m 1h 2h "
                 "4h 6h 8h 12h 1d 3d 1w 1M");
    expect_error("{\"id\": \"a\", \"strategy\": \"channel_flow:200\", \"timeframe\": \"1d\"}",
                 "mtrader.json: agents[0].strategy: strategy channel_flow:200: unknown strategy channel_flow "
                 "(known: channel_run, trail_fractals)");
    expect_error(TF_AGENT(", \"sides\": \"up\""), "mtrader.json: agents[0].sides is 'up', expected long, short or both");
    expect_error(TF_AGENT(", \"pairs\": {\"symbols\": \"BTCUSDT\", \"top\": 5}"),
                 "mtrader.json: agents[0].pairs: give either symbols or top, not both");
    expect_error(TF_AGENT(", \"pairs\": {\"symbols\": \"BTCUSDT,,ETHUSDT\"}"),
                 "mtrader.json: agents[0].pairs.symbols: '' is not a symbol (1 to 20 upper-case letters and digits)");
    expect_error(TF_AGENT(", \"pairs\": {\"symbols\": \"BTCUSDT,ethusdt\"}"),
                 "mtrader.json: agents[0].pairs.symbols: 'ethusdt' is not a symbol (1 to 20 upper-case letters and "
                 "digits)");
    expect_error(TF_AGENT(", \"pairs\": {\"by\": \"volume_1m\"}"),
                 "mtrader.json: agents[0].pairs.by is 'volume_1m', expected volume_1d or volume_1w");
    expect_error(TF_AGENT(", \"pairs\": {\"max_spread\": 0.5}"),
                 "mtrader.json: agents[0].pairs.max_spread = 0.5 must be in (0, 0.5)");
    expect_error(TF_AGENT(", \"pairs\": {\"top\": 0}"),
                 "mtrader.json: 'agents[0].pairs.top' is 0, expected an integer from 1 to 1000");
    expect_error(TF_AGENT("") "," TF_AGENT("") "," TF_AGENT(", \"id\": \"c\", \"risk\": 2"),
                 "mtrader.json: agents[1].id 'tf_1d' is already the id of agents[0]");
    expect_error(TF_AGENT("") ",{\"id\": \"b\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"1d\"}," TF_AGENT(
                     ", \"id\": \"c\", \"risk\": 2"),
                 "mtrader.json: agents[2].risk = 2 must be in (0, 1]");
    expect_error(TF_AGENT(", \"risk\": 0"), "mtrader.json: agents[0].risk = 0 must be in (0, 1]");
    expect_error("{\"id\": \"a\", \"strategy\": \"trail_fractals:5:2\", \"timeframe\": \"5m\"}",
                 "mtrader.json: agents[0].risk has no default on 5m (the original's table has 15m, 30m, 1h, 4h, 12h, "
                 "1d): set it");
    expect_error(TF_AGENT(", \"max_positions\": \"many\""),
                 "mtrader.json: 'agents[0].max_positions' is \"many\", expected an integer from 0 to 1000 or \"auto\"");
    expect_error(TF_AGENT(", \"max_open_r\": -1"), "mtrader.json: agents[0].max_open_r = -1 must be >= 0");
    expect_error(TF_AGENT(", \"tp_r\": 1001"), "mtrader.json: agents[0].tp_r = 1001 must be in [0, 1000]");
    expect_error(TF_AGENT(", \"tp_fraction\": 0"), "mtrader.json: agents[0].tp_fraction = 0 must be in (0, 1]");
    expect_error(TF_AGENT(", \"tp_full_value\": -1"),
                 "mtrader.json: agents[0].tp_full_value = -1 must be in [0, 1e+15]");
    expect_error(TF_AGENT(", \"stale_h\": -2"), "mtrader.json: agents[0].stale_h = -2 must be in [0, 1e+06]");
    expect_error(TF_AGENT(", \"stale_r\": 2000"), "mtrader.json: agents[0].stale_r = 2000 must be in [-1000, 1000]");
    expect_error(TF_AGENT(", \"min_score\": 1.5"), "mtrader.json: agents[0].min_score = 1.5 must be in [0, 1]");
    expect_error(TF_AGENT(", \"win_r\": 11"), "mtrader.json: agents[0].win_r = 11 must be in [-10, 10]");
    expect_error(TF_AGENT(", \"rsik\": 0.1"),
                 "mtrader.json: unknown key 'agents[0].rsik' (known keys here: id, strategy, timeframe, sides, pairs, "
                 "risk, max_positions, max_open_r, tp_r, tp_fraction, tp_full_value, stale_h, stale_r, min_score, win_r)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_risk_per_timeframe),
        cmocka_unit_test(positions_and_open_risk_rule),
        cmocka_unit_test(rules_by_strategy),
        cmocka_unit_test(pairs_selection),
        cmocka_unit_test(error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
