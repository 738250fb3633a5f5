/* Portfolio backtest (see portfolio.h): a driver over the engine. */
#include "sim/portfolio.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "sim/feed.h"

struct mt_portfolio_config mt_portfolio_config_default(void)
{
    struct mt_costs costs = mt_costs_default();
    costs.spread = 0.0005;
    return (struct mt_portfolio_config){.balance = 10000,
                                        .limits = mt_account_limits_default(),
                                        .costs = costs,
                                        .from = INT64_MIN,
                                        .to = INT64_MAX,
                                        .follow_past_to = false,
                                        .one_per_symbol = true,
                                        .track_sims = true,
                                        .also = NULL};
}

void mt_portfolio_result_release(struct mt_portfolio_result *r)
{
    free(r->trades);
    free(r->equity);
    free(r->symbols);
    memset(r, 0, sizeof *r);
}

struct mt_trade_result mt_trade_result_of(const struct mt_trade *t, enum mt_tf tf)
{
    return mt_trade_result_span(t->open_time, t->close_time, t->exit == MT_EXIT_CENSORED, tf, mt_trade_pnl(t),
                                mt_trade_r(t));
}

/* The sink that collects: trade k of the result is trade id first + k; then
 * the optional second sink. */
struct collect {
    struct mt_portfolio_result *out;
    mt_trade_id first;
    const struct mt_sink *also;
};

static int collect_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct collect *c = ctx;
    struct mt_portfolio_result *o = c->out;
    if (ev != MT_EV_OPEN) {
        o->trades[p->id - c->first].trade = p->trade;
        return 0;
    }
    assert(p->id - c->first == o->n_trades);
    struct mt_portfolio_trade *v = mt_grow(o->trades, &o->cap_trades, o->n_trades, sizeof *v, 256);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "portfolio: out of memory for %zu trades", o->n_trades + 1);
    o->trades = v;
    o->trades[o->n_trades++] = (struct mt_portfolio_trade){
        .id = p->id,
        .agent = p->agent,
        .series = p->series,
        .setup = p->setup,
        .parent = p->parent ? (long)(p->parent - c->first) : -1,
        .score = p->score,
        .sim_reasons = p->sim_reasons,
        .trade = p->trade,
    };
    return 0;
}

static int collect_equity(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    (void)x;
    struct mt_portfolio_result *o = ((struct collect *)ctx)->out;
    struct mt_equity_point *v = mt_grow(o->equity, &o->cap_equity, o->n_equity, sizeof *v, 1024);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "portfolio: out of memory for %zu equity points", o->n_equity + 1);
    o->equity = v;
    o->equity[o->n_equity++] = (struct mt_equity_point){time, equity};
    return 0;
}

/* With a second sink: the collecting one first (it needs no updates), then that one. */
static int chain_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    const struct collect *c = ctx;
    int rc = collect_trade(ctx, ev, p, err);
    if (rc == 0 && c->also->trade) /* the engine sends updates only when that sink wants them */
        rc = c->also->trade(c->also->ctx, ev, p, err);
    return rc;
}

static int chain_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    const struct collect *c = ctx;
    return c->also->decision ? c->also->decision(c->also->ctx, d, err) : 0;
}

static int chain_equity(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    const struct collect *c = ctx;
    int rc = collect_equity(ctx, time, equity, x, err);
    if (rc == 0 && c->also->equity)
        rc = c->also->equity(c->also->ctx, time, equity, x, err);
    return rc;
}

/* Counts, the overall metrics (curve and real trades) and each series' share. */
static int summarize(struct mt_portfolio_result *o, enum mt_tf tf, struct mt_err *err)
{
    if (o->n_equity == 0)
        return mt_err_set(err, MT_EINVAL, "portfolio: no bar in the date range");
    struct mt_trade_result *tr = malloc((o->n_trades ? o->n_trades : 1) * sizeof *tr);
    if (!tr)
        return mt_err_set(err, MT_ENOMEM, "portfolio: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < o->n_trades; i++) {
        const struct mt_portfolio_trade *x = &o->trades[i];
        struct mt_portfolio_symbol *sym = &o->symbols[x->series];
        size_t *count[3][2] = {{&o->real, &sym->real}, {&o->sim, &sym->sim}, {&o->tracked, &sym->tracked}};
        (*count[x->trade.kind][0])++;
        (*count[x->trade.kind][1])++;
        if (x->trade.kind == MT_TRADE_REAL) {
            tr[n++] = mt_trade_result_of(&x->trade, tf);
            sym->pnl += mt_trade_pnl(&x->trade);
        }
    }
    int rc = mt_metrics_compute(o->equity, o->n_equity, tr, n, &o->metrics, err);
    for (size_t s = 0; s < o->n_symbols && rc == 0; s++) {
        n = 0;
        for (size_t i = 0; i < o->n_trades; i++)
            if (o->trades[i].series == s && o->trades[i].trade.kind == MT_TRADE_REAL)
                tr[n++] = mt_trade_result_of(&o->trades[i].trade, tf);
        rc = mt_metrics_trades(tr, n, o->equity[0].time, o->equity[o->n_equity - 1].time, &o->symbols[s].metrics, err);
    }
    free(tr);
    return rc;
}

int mt_portfolio_run(const struct mt_portfolio_series *series, size_t ns, const struct mt_engine_agent *agents,
                     size_t na, enum mt_tf tf, const struct mt_portfolio_config *cfg, struct mt_portfolio_result *out,
                     struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    if (cfg->from >= cfg->to)
        return mt_err_set(err, MT_EINVAL, "portfolio: the date range is empty (from >= to)");
    struct mt_engine_config ec = mt_engine_config_default();
    ec.mode = MT_ENGINE_ACCOUNT;
    ec.tf = tf;
    ec.costs = cfg->costs;
    ec.balance = cfg->balance;
    ec.limits = cfg->limits;
    ec.one_per_symbol = cfg->one_per_symbol;
    ec.track_sims = cfg->track_sims;
    struct collect c = {out, ec.first_id, cfg->also};
    struct mt_sink sink = {.trade = collect_trade, .equity = collect_equity, .ctx = &c};
    if (cfg->also)
        sink = (struct mt_sink){chain_decision, chain_trade, chain_equity, &c, cfg->also->updates};
    const char **symbols = malloc((ns ? ns : 1) * sizeof *symbols);
    struct mt_hist_series *hs = calloc(ns ? ns : 1, sizeof *hs);
    struct mt_features *feat = cfg->features ? calloc(ns ? ns : 1, sizeof *feat) : NULL;
    size_t n_feat = 0; /* feature states set up */
    out->symbols = calloc(ns ? ns : 1, sizeof *out->symbols);
    out->n_symbols = ns;
    int rc = 0;
    if (!symbols || !hs || !out->symbols || (cfg->features && !feat))
        rc = mt_err_set(err, MT_ENOMEM, "portfolio: out of memory");
    for (size_t s = 0; s < ns && rc == 0; s++) {
        symbols[s] = series[s].symbol;
        hs[s] = (struct mt_hist_series){series[s].bars, series[s].lower, series[s].spread_time, series[s].spread,
                                        series[s].n_spreads, NULL};
        if (feat && (rc = mt_features_init(&feat[s], cfg->features, tf, err)) == 0)
            hs[s].features = &feat[n_feat++];
    }
    struct mt_engine *e = NULL;
    if (rc == 0)
        rc = mt_engine_init(&e, &ec, agents, na, symbols, ns, mt_exec_sim(), &sink, err);
    struct mt_hist_feed feed = {0};
    struct mt_hist_span span = {cfg->from, cfg->to, cfg->follow_past_to};
    if (rc == 0 && (rc = mt_hist_feed_init(&feed, e, tf, hs, ns, &span, err)) == 0)
        rc = mt_engine_run(e, mt_hist_feed_seam(&feed), err);
    if (e)
        out->decisions = *mt_engine_stats(e);
    mt_hist_feed_release(&feed);
    mt_engine_free(e);
    free(symbols);
    free(hs);
    for (size_t s = 0; s < n_feat; s++)
        mt_features_release(&feat[s]);
    free(feat);
    if (rc == 0)
        rc = summarize(out, tf, err);
    if (rc)
        mt_portfolio_result_release(out);
    return rc;
}
