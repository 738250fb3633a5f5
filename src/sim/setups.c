/* Setup backtest of one series (see setups.h): a driver over the engine. */
#include "sim/setups.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "sim/feed.h"

struct mt_setup_run mt_setup_run_default(const char *strategy_id, enum mt_tf tf, double spread)
{
    struct mt_setup_run run = {.strategy_id = strategy_id, .tf = tf, .spread = spread, .from = INT64_MIN,
                               .to = INT64_MAX, .follow_past_to = true};
    run.costs = mt_costs_default();
    run.rules = mt_trade_rules_for(strategy_id, NULL);
    return run;
}

void mt_setup_outcomes_release(struct mt_setup_outcomes *o)
{
    free(o->v);
    memset(o, 0, sizeof *o);
}

/* The sink that collects the outcomes: outcome k is trade id first + k. */
struct collect {
    struct mt_setup_outcomes *out;
    const struct mt_hist_feed *feed; /* its cursor is the current bar */
    mt_trade_id first;
};

static int collect_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct collect *c = ctx;
    struct mt_setup_outcomes *o = c->out;
    if (ev == MT_EV_CLOSE) {
        o->v[p->id - c->first].trade = p->trade;
        return 0;
    }
    if (ev != MT_EV_OPEN)
        return 0;
    assert(p->id - c->first == o->n);
    struct mt_setup_outcome *v = mt_grow(o->v, &o->cap, o->n, sizeof *v, 1024);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu outcomes", o->n + 1);
    o->v = v;
    struct mt_setup_outcome *x = &o->v[o->n++];
    x->setup = p->setup;
    x->parent = p->parent ? (long)(p->parent - c->first) : -1;
    x->bar = p->parent ? o->v[p->parent - c->first].bar : c->feed->next[0];
    return 0; /* the trade comes with its close: every trade closes, at the latest censored */
}

int mt_setups_backtest(const struct mt_series *s, const struct mt_setup_run *run, struct mt_setup_outcomes *out,
                       struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_engine_config cfg = mt_engine_config_default();
    cfg.mode = MT_ENGINE_LABEL;
    cfg.tf = run->tf;
    cfg.costs = run->costs;
    cfg.costs.spread = run->spread;
    struct mt_engine_agent agent = {.strategy_id = run->strategy_id, .rules = run->rules,
                                    .limits = mt_agent_limits_default()};
    struct mt_hist_feed feed = {0};
    struct collect c = {out, &feed, cfg.first_id};
    struct mt_sink sink = {.trade = collect_trade, .ctx = &c};
    const char *name = run->strategy_id;
    struct mt_engine *e;
    int rc = mt_engine_init(&e, &cfg, &agent, 1, &name, 1, mt_exec_sim(), &sink, err);
    if (rc)
        return rc;
    struct mt_hist_series hs = {.bars = s, .lower = run->lower};
    struct mt_hist_span span = {run->from, run->to, run->follow_past_to};
    if ((rc = mt_hist_feed_init(&feed, e, run->tf, &hs, 1, &span, err)) == 0)
        rc = mt_engine_run(e, mt_hist_feed_seam(&feed), err);
    out->untradable = mt_engine_stats(e)->untradable;
    mt_hist_feed_release(&feed);
    mt_engine_free(e);
    if (rc) {
        mt_setup_outcomes_release(out);
        mt_err_prefix(err, "setups %s", run->strategy_id);
    }
    return rc;
}
