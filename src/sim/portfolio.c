/* Portfolio backtest (see portfolio.h). */
#include "sim/portfolio.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim/setups.h"

static const char *const reason_names[MT_SIM_REASON_COUNT] = {
    "too_many_positions_agent", "too_many_positions", "open_risk_agent", "open_risk_account", "too_small",
};

const char *mt_sim_reason_name(unsigned bit)
{
    for (unsigned k = 0; k < MT_SIM_REASON_COUNT; k++)
        if (bit == 1u << k)
            return reason_names[k];
    return NULL;
}

struct mt_portfolio_config mt_portfolio_config_default(void)
{
    return (struct mt_portfolio_config){.balance = 10000,
                                        .risk = 0.005,
                                        .max_notional = 1.0,
                                        .min_notional = 15,
                                        .max_positions_agent = 3,
                                        .max_positions = 10,
                                        .max_open_r_agent = 5.1,
                                        .max_open_r = 10,
                                        .costs = mt_costs_default(),
                                        .rules = mt_trade_rules_default(),
                                        .spread = 0.0005,
                                        .from = INT64_MIN,
                                        .to = INT64_MAX};
}

void mt_portfolio_result_release(struct mt_portfolio_result *r)
{
    free(r->trades);
    free(r->equity);
    free(r->symbols);
    memset(r, 0, sizeof *r);
}

/* v (holding n elements of elem bytes, room for *cap) with room for one more:
 * v itself or a larger copy (*cap updated); NULL without memory (v untouched). */
static void *grow(void *v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(v, c * elem);
    if (p)
        *cap = c;
    return p;
}

/* One agent on one series: its strategy state and followed trades. */
struct lane {
    struct mt_strategy st;
    size_t n_act, cap_act;
    size_t *act; /* indices into the result's trades */
    int n_setups;
    struct mt_setup setups[MT_STRATEGY_MAX_SETUPS]; /* decided at the current time */
};

struct run {
    const struct mt_portfolio_series *series;
    size_t ns, na;
    enum mt_tf tf;
    struct mt_portfolio_config cfg; /* costs.spread = spread */
    struct lane *lanes;             /* agent a on series s: lanes[a * ns + s] */
    size_t *next;                   /* per series: index of its next bar */
    size_t *lower_from;             /* per series: cursor in its lower-timeframe candles */
    double *mark;                   /* per series: its last finite close (NaN before) */
    size_t n_open, cap_open;
    size_t *open; /* the open real trades: indices into the result's trades */
    double balance;
    struct mt_portfolio_result *out;
};

/* Appends x to the trades and to lane ln's followed ones. 0 or -1 without memory. */
static int add_trade(struct run *r, struct lane *ln, const struct mt_portfolio_trade *x)
{
    struct mt_portfolio_result *o = r->out;
    struct mt_portfolio_trade *v = grow(o->trades, &o->cap_trades, o->n_trades, sizeof *v);
    if (!v)
        return -1;
    o->trades = v;
    size_t *a = grow(ln->act, &ln->cap_act, ln->n_act, sizeof *a);
    if (!a)
        return -1;
    ln->act = a;
    o->trades[o->n_trades] = *x;
    ln->act[ln->n_act++] = o->n_trades++;
    return 0;
}

static int add_point(struct mt_portfolio_result *o, int64_t time, double equity)
{
    struct mt_equity_point *v = grow(o->equity, &o->cap_equity, o->n_equity, sizeof *v);
    if (!v)
        return -1;
    o->equity = v;
    o->equity[o->n_equity++] = (struct mt_equity_point){time, equity};
    return 0;
}

/* Adds trade j to the open real trades. 0 or -1 without memory. */
static int open_add(struct run *r, size_t j)
{
    size_t *v = grow(r->open, &r->cap_open, r->n_open, sizeof *v);
    if (!v)
        return -1;
    r->open = v;
    r->open[r->n_open++] = j;
    return 0;
}

/* Removes trade j from the open real trades (keeping their order). */
static void open_drop(struct run *r, size_t j)
{
    size_t k = 0;
    while (r->open[k] != j)
        k++;
    memmove(&r->open[k], &r->open[k + 1], (r->n_open - k - 1) * sizeof *r->open);
    r->n_open--;
}

/* A tracked follow-on of real trade j of lane ln, which just closed by the strategy or a full take-profit. */
static int follow_on(struct run *r, struct lane *ln, size_t j)
{
    struct mt_portfolio_trade x = r->out->trades[j];
    x.parent = (long)j;
    mt_trade_track(&r->out->trades[j].trade, &x.trade);
    return add_trade(r, ln, &x);
}

/* Steps lane ln's followed trades through bar i of b, books the real trades'
 * fills in the balance and drops the finished trades. 0 or -1 without memory. */
static int step_lane(struct run *r, struct lane *ln, const struct mt_series *b, size_t i,
                     const struct mt_subbars *lower)
{
    size_t kept = 0, n = ln->n_act;
    for (size_t k = 0; k < n; k++) {
        size_t j = ln->act[k];
        struct mt_trade *t = &r->out->trades[j].trade;
        double before = t->realized;
        bool closed = mt_trade_step(t, b->open_time[i], b->open[i], b->high[i], b->low[i], b->close[i], &r->cfg.costs,
                                    &r->cfg.rules, lower);
        if (t->kind == MT_TRADE_REAL)
            r->balance += t->realized - before;
        if (!closed) {
            ln->act[kept++] = j;
            continue;
        }
        if (t->kind != MT_TRADE_REAL)
            continue;
        open_drop(r, j);
        if (mt_trade_follows_on(t) && follow_on(r, ln, j))
            return -1;
    }
    /* Follow-ons appended after the first n entries stay. */
    for (size_t k = n; k < ln->n_act; k++)
        ln->act[kept++] = ln->act[k];
    ln->n_act = kept;
    return 0;
}

/* The open real trades of agent a (of every agent when a == na). */
struct book {
    int positions;
    double open_r;     /* sum of mt_trade_open_r at their series' last close */
    double unrealized; /* sum of mt_trade_unrealized at the same closes */
};

static struct book book_of(const struct run *r, size_t a)
{
    struct book bk = {0};
    for (size_t k = 0; k < r->n_open; k++) {
        const struct mt_portfolio_trade *x = &r->out->trades[r->open[k]];
        if (a < r->na && x->agent != a)
            continue;
        bk.positions++;
        bk.open_r += mt_trade_open_r(&x->trade, r->mark[x->series]);
        bk.unrealized += mt_trade_unrealized(&x->trade, r->mark[x->series]);
    }
    return bk;
}

/* Sizes setup x of agent a on series s, takes it as a real trade when every
 * rule allows, else follows it as a sim. 0 or -1 without memory. */
static int decide(struct run *r, size_t a, size_t s, const struct mt_setup *x)
{
    const struct mt_portfolio_config *c = &r->cfg;
    double equity = r->out->equity[r->out->n_equity - 1].equity;
    double size = fmin(equity * c->risk / fabs(x->price - x->stop), c->max_notional * equity / x->price);
    struct book agent = book_of(r, a), all = book_of(r, r->na);
    unsigned why = 0;
    why |= agent.positions + 1 > c->max_positions_agent ? MT_SIM_TOO_MANY_POSITIONS_AGENT : 0u;
    why |= all.positions + 1 > c->max_positions ? MT_SIM_TOO_MANY_POSITIONS : 0u;
    why |= agent.open_r + 1 > c->max_open_r_agent ? MT_SIM_OPEN_RISK_AGENT : 0u;
    why |= all.open_r + 1 > c->max_open_r ? MT_SIM_OPEN_RISK_ACCOUNT : 0u;
    why |= size * x->price < c->min_notional ? MT_SIM_TOO_SMALL : 0u;
    struct mt_portfolio_trade p = {.agent = a, .series = s, .setup = *x, .parent = -1, .sim_reasons = why};
    struct mt_err err = {0};
    if (mt_setup_open(&p.trade, x, r->tf, why ? MT_TRADE_SIM : MT_TRADE_REAL, size, &c->costs, &err)) {
        r->out->untradable++;
        return 0;
    }
    if (add_trade(r, &r->lanes[a * r->ns + s], &p) || (!why && open_add(r, r->out->n_trades - 1)))
        return -1;
    if (!why)
        r->balance += p.trade.realized; /* the entry fee */
    return 0;
}

/* True when series s has its next bar at time t. */
static bool has_bar(const struct run *r, size_t s, int64_t t)
{
    const struct mt_series *b = r->series[s].bars;
    return r->next[s] < b->n && b->open_time[r->next[s]] == t;
}

/* The earliest next bar time before `to` over the series; false when none is left. */
static bool next_time(const struct run *r, int64_t *t)
{
    bool any = false;
    for (size_t s = 0; s < r->ns; s++) {
        const struct mt_series *b = r->series[s].bars;
        if (r->next[s] < b->n && b->open_time[r->next[s]] < r->cfg.to && (!any || b->open_time[r->next[s]] < *t)) {
            *t = b->open_time[r->next[s]];
            any = true;
        }
    }
    return any;
}

/* Steps 1 and 2 of the current time for series s at its next bar: trades, its mark, strategies, trailing.
 * Setups are kept for step 3 only when decide_setups. 0 or -1 without memory. */
static int bar_events(struct run *r, size_t s, bool decide_setups)
{
    const struct mt_series *b = r->series[s].bars;
    size_t i = r->next[s];
    if (isfinite(b->close[i]))
        r->mark[s] = b->close[i];
    struct mt_subbars sb;
    int64_t start = b->open_time[i];
    const struct mt_subbars *lower =
        mt_lower_candles(r->series[s].lower, start, mt_tf_next(r->tf, start), &r->lower_from[s], &sb);
    for (size_t a = 0; a < r->na; a++)
        if (step_lane(r, &r->lanes[a * r->ns + s], b, i, lower))
            return -1;
    for (size_t a = 0; a < r->na; a++) {
        struct lane *ln = &r->lanes[a * r->ns + s];
        int k = mt_strategy_step(&ln->st, b->open_time[i], b->open[i], b->high[i], b->low[i], b->close[i],
                                 b->volume ? b->volume[i] : NAN, ln->setups, MT_STRATEGY_MAX_SETUPS);
        ln->n_setups = decide_setups ? k : 0;
        for (size_t m = 0; m < ln->n_act; m++) {
            struct mt_trade *t = &r->out->trades[ln->act[m]].trade;
            mt_trade_move_stop(t, mt_strategy_trail_stop(&ln->st, t->side));
        }
    }
    return 0;
}

/* The event loop over the merged bar times (portfolio.h), then the censoring. 0 or -1 without memory. */
static int event_loop(struct run *r)
{
    int64_t t = 0;
    while (next_time(r, &t)) {
        bool in_range = t >= r->cfg.from;
        if (in_range && r->out->n_equity == 0 && add_point(r->out, t, r->balance))
            return -1;
        for (size_t s = 0; s < r->ns; s++)
            if (has_bar(r, s, t) && bar_events(r, s, in_range))
                return -1;
        for (size_t l = 0; l < r->na * r->ns && in_range; l++) {
            if (!has_bar(r, l % r->ns, t))
                continue; /* its setups are from an earlier time */
            for (int k = 0; k < r->lanes[l].n_setups; k++)
                if (decide(r, l / r->ns, l % r->ns, &r->lanes[l].setups[k]))
                    return -1;
        }
        if (in_range && add_point(r->out, mt_tf_next(r->tf, t), r->balance + book_of(r, r->na).unrealized))
            return -1;
        for (size_t s = 0; s < r->ns; s++)
            r->next[s] += has_bar(r, s, t);
    }
    for (size_t l = 0; l < r->na * r->ns; l++) {
        size_t s = l % r->ns;
        for (size_t k = 0; k < r->lanes[l].n_act; k++)
            mt_trade_censor(&r->out->trades[r->lanes[l].act[k]].trade,
                            mt_tf_next(r->tf, r->series[s].bars->open_time[r->next[s] - 1]), r->mark[s]);
    }
    return 0;
}

/* Counts, the overall metrics (curve and real trades) and each series' share. */
static int summarize(struct mt_portfolio_result *o, struct mt_err *err)
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
            tr[n++] = (struct mt_trade_result){x->trade.open_time, x->trade.close_time, mt_trade_pnl(&x->trade),
                                               mt_trade_r(&x->trade)};
            sym->pnl += mt_trade_pnl(&x->trade);
        }
    }
    int rc = mt_metrics_compute(o->equity, o->n_equity, tr, n, &o->metrics, err);
    for (size_t s = 0; s < o->n_symbols && rc == 0; s++) {
        n = 0;
        for (size_t i = 0; i < o->n_trades; i++) {
            const struct mt_trade *t = &o->trades[i].trade;
            if (o->trades[i].series == s && t->kind == MT_TRADE_REAL)
                tr[n++] = (struct mt_trade_result){t->open_time, t->close_time, mt_trade_pnl(t), mt_trade_r(t)};
        }
        rc = mt_metrics_trades(tr, n, o->equity[0].time, o->equity[o->n_equity - 1].time, &o->symbols[s].metrics, err);
    }
    free(tr);
    return rc;
}

/* MT_EINVAL naming the first config value out of its range. */
static int check_config(const struct mt_portfolio_config *c, struct mt_err *err)
{
    const struct {
        const char *name;
        double v;
        bool ok;
        const char *want;
    } chk[] = {
        {"balance", c->balance, c->balance > 0, "> 0"},
        {"risk", c->risk, c->risk > 0 && c->risk <= 1, "in (0, 1]"},
        {"max_notional", c->max_notional, c->max_notional > 0, "> 0"},
        {"min_notional", c->min_notional, c->min_notional >= 0, ">= 0"},
        {"max_positions_agent", c->max_positions_agent, c->max_positions_agent >= 0, ">= 0"},
        {"max_positions", c->max_positions, c->max_positions >= 0, ">= 0"},
        {"max_open_r_agent", c->max_open_r_agent, c->max_open_r_agent >= 0, ">= 0"},
        {"max_open_r", c->max_open_r, c->max_open_r >= 0, ">= 0"},
        {"spread", c->spread, c->spread >= 0 && c->spread < 0.5, "in [0, 0.5)"},
        {"fee_rate", c->costs.fee_rate, c->costs.fee_rate >= 0 && c->costs.fee_rate < 1, "in [0, 1)"},
        {"slippage", c->costs.slippage, c->costs.slippage >= 0 && c->costs.slippage < 1, "in [0, 1)"},
    };
    for (size_t k = 0; k < sizeof chk / sizeof chk[0]; k++)
        if (!(isfinite(chk[k].v) && chk[k].ok))
            return mt_err_set(err, MT_EINVAL, "portfolio: %s = %g must be %s", chk[k].name, chk[k].v, chk[k].want);
    if (c->from >= c->to)
        return mt_err_set(err, MT_EINVAL, "portfolio: the date range is empty (from >= to)");
    return 0;
}

int mt_portfolio_run(const struct mt_portfolio_series *series, size_t n_series, const char *const *ids, size_t n_ids,
                     enum mt_tf tf, const struct mt_portfolio_config *cfg, struct mt_portfolio_result *out,
                     struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_config(cfg, err);
    if (rc)
        return rc;
    if (n_series == 0 || n_ids == 0)
        return mt_err_set(err, MT_EINVAL, "portfolio: no %s", n_ids ? "series" : "strategy");
    struct run r = {
        .series = series, .ns = n_series, .na = n_ids, .tf = tf, .cfg = *cfg, .balance = cfg->balance, .out = out};
    r.cfg.costs.spread = cfg->spread;
    r.lanes = calloc(n_ids * n_series, sizeof *r.lanes);
    r.next = calloc(n_series, sizeof *r.next);
    r.lower_from = calloc(n_series, sizeof *r.lower_from);
    r.mark = malloc(n_series * sizeof *r.mark);
    out->symbols = calloc(n_series, sizeof *out->symbols);
    out->n_symbols = n_series;
    if (!r.lanes || !r.next || !r.lower_from || !r.mark || !out->symbols)
        rc = mt_err_set(err, MT_ENOMEM, "portfolio: out of memory");
    for (size_t s = 0; s < n_series && rc == 0; s++)
        r.mark[s] = NAN;
    for (size_t l = 0; l < n_ids * n_series && rc == 0; l++)
        rc = mt_strategy_parse(ids[l / n_series], tf, cfg->spread, &r.lanes[l].st, err);
    if (rc == 0 && event_loop(&r))
        rc = mt_err_set(err, MT_ENOMEM, "portfolio: out of memory");
    if (rc == 0)
        rc = summarize(out, err);
    for (size_t l = 0; r.lanes && l < n_ids * n_series; l++) {
        mt_strategy_release(&r.lanes[l].st);
        free(r.lanes[l].act);
    }
    free(r.lanes);
    free(r.next);
    free(r.lower_from);
    free(r.mark);
    free(r.open);
    if (rc)
        mt_portfolio_result_release(out);
    return rc;
}
