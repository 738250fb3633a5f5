/* The engine (see engine.h). */
#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"

/* One agent on one series: its strategy state and followed trades. */
struct lane {
    struct mt_strategy st;
    uint32_t *act; /* followed trades: pool indices */
    size_t n_act, cap_act;
    uint32_t held; /* one_per_symbol: pool index + 1 of the real or sim position routed to, 0: none */
    bool inactive; /* its setups are not decided (mt_engine_set_active) */
    int n_setups;
    struct mt_setup setups[MT_STRATEGY_MAX_SETUPS]; /* decided at the current time */
};

struct agent {
    char id[MT_STRATEGY_ID_MAX];
    struct mt_trade_rules rules;
    struct mt_agent_limits limits;
    struct mt_scorer scorer;
    unsigned sides; /* MT_SIDES_* bits decided */
    struct mt_agent_limits now;  /* limits with the automatic caps applied, at time `now_at` */
    int64_t now_at;
    bool have_now;
};

struct series {
    char *symbol;
    double mark;           /* last finite close (NaN before) */
    struct mt_costs costs; /* with the series' current spread */
    size_t followed;       /* trades followed, every agent */
    int64_t last_bar;      /* open time of the last bar given */
};

struct mt_engine {
    struct mt_engine_config cfg;
    size_t na, ns;
    struct agent *agents;
    struct series *series;
    struct lane *lanes; /* agent a on series s: lanes[a * ns + s] */
    struct mt_position *pool;
    size_t n_pool, cap_pool;
    uint32_t *free_slots; /* pool slots to reuse */
    size_t n_free, cap_free;
    uint32_t *open; /* the open real trades: pool indices, in the order they opened */
    size_t n_open, cap_open;
    double balance, equity;
    bool curve_started, have_time, failed;
    int64_t time;
    mt_trade_id own_ids;
    mt_trade_id *next_id; /* cfg.ids or &own_ids */
    struct mt_engine_outside outside;
    struct mt_exec exec;
    struct mt_sink sink;
    struct mt_engine_stats stats;
};

/* ---- the simulated executor ---- */

static int sim_open(void *ctx, struct mt_position *p, struct mt_err *err)
{
    (void)ctx, (void)p, (void)err;
    return 0; /* p->trade holds the model's fill already */
}

static int sim_on_bar(void *ctx, struct mt_position *p, int64_t time, const struct mt_engine_bar *b,
                      const struct mt_costs *costs, const struct mt_trade_rules *rules, struct mt_err *err)
{
    (void)ctx, (void)err;
    mt_trade_step(&p->trade, time, b->open, b->high, b->low, b->close, costs, rules, b->lower);
    return 0;
}

static int sim_move_stop(void *ctx, struct mt_position *p, double stop, struct mt_err *err)
{
    (void)ctx, (void)err;
    mt_trade_move_stop(&p->trade, stop);
    return 0;
}

static const struct mt_exec_ops sim_ops = {sim_open, sim_on_bar, sim_move_stop};

struct mt_exec mt_exec_sim(void)
{
    return (struct mt_exec){&sim_ops, NULL};
}

int mt_setup_open(struct mt_trade *t, const struct mt_setup *x, enum mt_tf tf, enum mt_trade_kind kind, double size,
                  const struct mt_costs *c, struct mt_err *err)
{
    return mt_trade_open(t, kind, x->side > 0 ? MT_LONG : MT_SHORT, mt_tf_next(tf, x->time), x->price, x->stop,
                         x->target, size, c, err);
}

/* ---- agents and config ---- */

struct mt_trade_rules mt_trade_rules_for(const char *strategy_id, const struct mt_trade_rules *base)
{
    struct mt_trade_rules r = base ? *base : mt_trade_rules_default();
    if (!mt_strategy_id_trails(strategy_id))
        r.tp_at_r = 0; /* exits by its OCO order or stale only */
    return r;
}

struct mt_engine_agent mt_engine_agent_for(const char *strategy_id, const struct mt_trade_rules *base)
{
    return (struct mt_engine_agent){.strategy_id = strategy_id,
                                    .rules = mt_trade_rules_for(strategy_id, base),
                                    .limits = mt_agent_limits_default()};
}

struct mt_engine_config mt_engine_config_default(void)
{
    return (struct mt_engine_config){.mode = MT_ENGINE_ACCOUNT,
                                     .tf = MT_TF_1H,
                                     .costs = mt_costs_default(),
                                     .balance = 10000,
                                     .limits = mt_account_limits_default(),
                                     .one_per_symbol = true,
                                     .track_sims = true,
                                     .first_id = 1};
}

static int check_config(const struct mt_engine_config *c, struct mt_err *err)
{
    int rc = mt_costs_check(&c->costs, err);
    if (rc)
        return rc;
    if (c->mode != MT_ENGINE_LABEL && c->mode != MT_ENGINE_ACCOUNT)
        return mt_err_set(err, MT_EINVAL, "engine: mode %d is neither label nor account", (int)c->mode);
    if (c->mode == MT_ENGINE_ACCOUNT && !(isfinite(c->balance) && c->balance > 0))
        return mt_err_set(err, MT_EINVAL, "engine: balance = %g must be finite and > 0", c->balance);
    if (c->first_id == 0)
        return mt_err_set(err, MT_EINVAL, "engine: first_id must be >= 1 (0 means no trade)");
    return mt_account_limits_check(&c->limits, err);
}

/* ---- growing arrays ---- */

static int nomem(struct mt_engine *e, struct mt_err *err)
{
    e->failed = true;
    return mt_err_set(err, MT_ENOMEM, "engine: out of memory (%zu trades followed)", e->n_pool - e->n_free);
}

/* Appends pool index i to *v. 0 or MT_ENOMEM. */
static int push_index(struct mt_engine *e, uint32_t **v, size_t *n, size_t *cap, uint32_t i, struct mt_err *err)
{
    uint32_t *p = mt_grow(*v, cap, *n, sizeof *p, 16);
    if (!p)
        return nomem(e, err);
    *v = p;
    p[(*n)++] = i;
    return 0;
}

/* A free pool slot in *slot (the pool may move). 0 or MT_ENOMEM. */
static int slot_alloc(struct mt_engine *e, uint32_t *slot, struct mt_err *err)
{
    if (e->n_free) {
        *slot = e->free_slots[--e->n_free];
        return 0;
    }
    if (e->n_pool >= UINT32_MAX)
        return mt_err_set(err, MT_ELIMIT, "engine: more than %u trades followed at once", (unsigned)UINT32_MAX);
    /* Reserve the free list's room now, so that freeing the slot later cannot fail. */
    uint32_t *f = mt_grow(e->free_slots, &e->cap_free, e->n_pool, sizeof *f, 16);
    if (!f)
        return nomem(e, err);
    e->free_slots = f;
    struct mt_position *p = mt_grow(e->pool, &e->cap_pool, e->n_pool, sizeof *p, 16);
    if (!p)
        return nomem(e, err);
    e->pool = p;
    *slot = (uint32_t)e->n_pool++;
    return 0;
}

static void slot_free(struct mt_engine *e, uint32_t slot)
{
    assert(e->n_free < e->cap_free);
    e->free_slots[e->n_free++] = slot;
}

/* Removes pool index i from the open real trades (keeping their order). */
static void open_drop(struct mt_engine *e, uint32_t i)
{
    size_t k = 0;
    while (k < e->n_open && e->open[k] != i)
        k++;
    assert(k < e->n_open);
    memmove(&e->open[k], &e->open[k + 1], (e->n_open - k - 1) * sizeof *e->open);
    e->n_open--;
}

/* ---- events ---- */

static int emit_trade(struct mt_engine *e, enum mt_trade_event ev, uint32_t i, struct mt_err *err)
{
    if (!e->sink.trade || (!e->sink.updates && ev != MT_EV_OPEN && ev != MT_EV_CLOSE))
        return 0;
    int rc = e->sink.trade(e->sink.ctx, ev, &e->pool[i], err);
    if (rc)
        e->failed = true;
    return rc;
}

static int emit_decision(struct mt_engine *e, const struct mt_decision *d, struct mt_err *err)
{
    if (!e->sink.decision)
        return 0;
    int rc = e->sink.decision(e->sink.ctx, d, err);
    if (rc)
        e->failed = true;
    return rc;
}

/* Marks an executor's or scorer's failure; the message gets the symbol. */
static int seam_failed(struct mt_engine *e, int rc, const char *what, size_t s, struct mt_err *err)
{
    e->failed = true;
    mt_err_prefix(err, "engine: %s %s", what, e->series[s].symbol);
    return rc;
}

/* ---- init ---- */

int mt_engine_init(struct mt_engine **out, const struct mt_engine_config *cfg, const struct mt_engine_agent *agents,
                   size_t na, const char *const *symbols, size_t ns, struct mt_exec exec, const struct mt_sink *sink,
                   struct mt_err *err)
{
    *out = NULL;
    int rc = check_config(cfg, err);
    if (rc)
        return rc;
    if (na == 0 || ns == 0)
        return mt_err_set(err, MT_EINVAL, "engine: no %s", na ? "series" : "agent");
    if (na > UINT32_MAX / ns)
        return mt_err_set(err, MT_ELIMIT, "engine: %zu agents x %zu series is too many", na, ns);
    for (size_t a = 0; a < na; a++) {
        char who[MT_STRATEGY_ID_MAX + 8];
        snprintf(who, sizeof who, "agent %s", agents[a].strategy_id);
        if ((rc = mt_trade_rules_check(&agents[a].rules, who, err)) || (cfg->mode == MT_ENGINE_ACCOUNT &&
                                                               (rc = mt_agent_limits_check(&agents[a].limits, who, err))))
            return rc;
    }
    assert(exec.ops && exec.ops->open && exec.ops->on_bar && exec.ops->move_stop);
    struct mt_engine *e = calloc(1, sizeof *e);
    if (!e)
        return mt_err_set(err, MT_ENOMEM, "engine: out of memory");
    e->cfg = *cfg;
    e->na = na;
    e->ns = ns;
    e->balance = e->equity = cfg->balance;
    e->own_ids = cfg->first_id;
    e->next_id = cfg->ids ? cfg->ids : &e->own_ids;
    e->curve_started = cfg->resumed;
    e->exec = exec;
    if (sink)
        e->sink = *sink;
    e->agents = calloc(na, sizeof *e->agents);
    e->series = calloc(ns, sizeof *e->series);
    e->lanes = calloc(na * ns, sizeof *e->lanes);
    if (!e->agents || !e->series || !e->lanes) {
        mt_engine_free(e);
        return mt_err_set(err, MT_ENOMEM, "engine: out of memory");
    }
    for (size_t s = 0; s < ns && rc == 0; s++) {
        e->series[s].mark = NAN;
        e->series[s].costs = cfg->costs;
        if (!(e->series[s].symbol = strdup(symbols[s])))
            rc = mt_err_set(err, MT_ENOMEM, "engine: out of memory");
    }
    for (size_t a = 0; a < na && rc == 0; a++) {
        e->agents[a].rules = agents[a].rules;
        e->agents[a].limits = agents[a].limits;
        e->agents[a].scorer = agents[a].scorer;
        e->agents[a].sides = agents[a].sides ? agents[a].sides : MT_SIDES_BOTH;
        for (size_t s = 0; s < ns && rc == 0; s++)
            rc = mt_strategy_parse(agents[a].strategy_id, cfg->tf, cfg->costs.spread, &e->lanes[a * ns + s].st, err);
        if (rc == 0)
            snprintf(e->agents[a].id, sizeof e->agents[a].id, "%s", mt_strategy_id(&e->lanes[a * ns].st));
    }
    if (rc) {
        mt_engine_free(e);
        return rc;
    }
    *out = e;
    return 0;
}

void mt_engine_free(struct mt_engine *e)
{
    if (!e)
        return;
    for (size_t l = 0; e->lanes && l < e->na * e->ns; l++) {
        mt_strategy_release(&e->lanes[l].st);
        free(e->lanes[l].act);
    }
    for (size_t s = 0; e->series && s < e->ns; s++)
        free(e->series[s].symbol);
    free(e->lanes);
    free(e->series);
    free(e->agents);
    free(e->pool);
    free(e->free_slots);
    free(e->open);
    free(e);
}

/* ---- step 1: trades meet the bar ---- */

/* A tracked follow-on of the trade at pool index i (just closed), appended to
 * lane ln; the new slot in *child. 0 or MT_ENOMEM. */
static int follow_on(struct mt_engine *e, struct lane *ln, uint32_t i, uint32_t *child, struct mt_err *err)
{
    int rc = slot_alloc(e, child, err);
    if (rc)
        return rc;
    struct mt_position *x = &e->pool[*child], *parent = &e->pool[i];
    *x = *parent;
    x->id = (*e->next_id)++;
    x->parent = parent->id;
    x->sim_reasons = 0;
    mt_trade_track(&parent->trade, &x->trade);
    if ((rc = push_index(e, &ln->act, &ln->n_act, &ln->cap_act, *child, err))) {
        slot_free(e, *child);
        return rc;
    }
    e->series[x->series].followed++;
    return 0;
}

/* The trade at pool index i of lane ln closed: off the open lists, its
 * follow-on, its close announced and its slot freed. 0 or an error. */
static int retire(struct mt_engine *e, struct lane *ln, uint32_t i, struct mt_err *err)
{
    struct mt_trade *t = &e->pool[i].trade;
    if (t->kind == MT_TRADE_REAL)
        open_drop(e, i);
    if (ln->held == i + 1)
        ln->held = 0;
    uint32_t child = 0;
    bool tracked = mt_trade_follows_on(t) && (t->kind == MT_TRADE_REAL || e->cfg.track_sims);
    int rc = tracked ? follow_on(e, ln, i, &child, err) : 0;
    if (rc == 0)
        rc = emit_trade(e, MT_EV_CLOSE, i, err);
    e->series[e->pool[i].series].followed--;
    slot_free(e, i);
    if (rc == 0 && tracked)
        rc = emit_trade(e, MT_EV_OPEN, child, err);
    return rc;
}

/* Steps lane ln's followed trades through bar b of series s at time t. */
static int step_lane(struct mt_engine *e, struct lane *ln, const struct agent *ag, size_t s, int64_t t,
                     const struct mt_engine_bar *b, struct mt_err *err)
{
    const struct mt_costs *costs = &e->series[s].costs;
    const bool updates = e->sink.updates;
    size_t kept = 0, n = ln->n_act;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = ln->act[k];
        struct mt_trade *tr = &e->pool[i].trade;
        bool closed;
        /* what a sink asking for updates is told changed; not read otherwise (the legs' count is
         * a cache line further into the trade than what a bar step reads) */
        size_t legs = updates ? tr->n_legs : 0;
        double mae = updates ? tr->mae_r : 0, mfe = updates ? tr->mfe_r : 0;
        if (tr->kind == MT_TRADE_REAL) {
            double before = tr->realized;
            int rc = e->exec.ops->on_bar(e->exec.ctx, &e->pool[i], t, b, costs, &ag->rules, err);
            if (rc)
                return seam_failed(e, rc, "executor on", s, err);
            e->balance += tr->realized - before;
            closed = tr->exit != MT_EXIT_NONE;
        } else {
            closed = mt_trade_step(tr, t, b->open, b->high, b->low, b->close, costs, &ag->rules, b->lower);
        }
        if (!closed) {
            ln->act[kept++] = i;
            if (updates && (tr->n_legs > legs || tr->mae_r != mae || tr->mfe_r != mfe)) {
                int rc = emit_trade(e, tr->n_legs > legs ? MT_EV_FILL : MT_EV_EXCURSION, i, err);
                if (rc)
                    return rc;
            }
            continue;
        }
        int rc = retire(e, ln, i, err);
        if (rc)
            return rc;
    }
    /* Follow-ons appended after the first n entries stay. */
    for (size_t k = n; k < ln->n_act; k++)
        ln->act[kept++] = ln->act[k];
    ln->n_act = kept;
    return 0;
}

/* Moves the stop of the position at pool index i of series s to stop when that is in its favour. */
static int move_stop(struct mt_engine *e, uint32_t i, size_t s, double stop, struct mt_err *err)
{
    struct mt_trade *t = &e->pool[i].trade;
    double sign = t->side == MT_LONG ? 1.0 : -1.0;
    if (!(sign * (stop - t->stop) > 0.0) || t->exit != MT_EXIT_NONE)
        return 0;
    if (t->kind == MT_TRADE_REAL) {
        int rc = e->exec.ops->move_stop(e->exec.ctx, &e->pool[i], stop, err);
        if (rc)
            return seam_failed(e, rc, "executor moving a stop on", s, err);
    } else {
        mt_trade_move_stop(t, stop);
    }
    return emit_trade(e, MT_EV_STOP, i, err);
}

/* ---- step 2: the strategies see the bar, stops trail ---- */

static int strategy_step(struct mt_engine *e, struct lane *ln, size_t s, int64_t t, const struct mt_engine_bar *b,
                         bool decide, struct mt_err *err)
{
    int k = mt_strategy_step(&ln->st, t, b->open, b->high, b->low, b->close, b->volume, ln->setups,
                             MT_STRATEGY_MAX_SETUPS);
    assert(k >= 0 && k <= MT_STRATEGY_MAX_SETUPS);
    ln->n_setups = decide ? k : 0;
    double level[2] = {mt_strategy_trail_stop(&ln->st, 1), mt_strategy_trail_stop(&ln->st, -1)};
    if (isnan(level[0]) && isnan(level[1]))
        return 0;
    for (size_t m = 0; m < ln->n_act; m++) {
        uint32_t i = ln->act[m];
        const struct mt_trade *tr = &e->pool[i].trade;
        bool lng = tr->side == MT_LONG;
        double lv = level[lng ? 0 : 1];
        /* only a move in the trade's favour (false for NaN) */
        int rc = (lng ? lv > tr->stop : lv < tr->stop) ? move_stop(e, i, s, lv, err) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- step 3: decisions ---- */

/* The account's exposure, and with of_agent also agent's, in one pass over the open real trades. */
static struct mt_exposure exposure_of(const struct mt_engine *e, size_t agent, struct mt_exposure *of_agent)
{
    struct mt_exposure all = {0}, mine = {0};
    for (size_t k = 0; k < e->n_open; k++) {
        const struct mt_position *p = &e->pool[e->open[k]];
        double mark = e->series[p->series].mark;
        double r = mt_trade_open_r(&p->trade, mark), u = mt_trade_unrealized(&p->trade, mark);
        all = (struct mt_exposure){all.positions + 1, all.open_r + r, all.unrealized + u};
        if (p->agent == agent)
            mine = (struct mt_exposure){mine.positions + 1, mine.open_r + r, mine.unrealized + u};
    }
    if (of_agent)
        *of_agent = mine;
    return all;
}

/* The account's exposure: this engine's plus the outside's. */
static struct mt_exposure account_exposure(const struct mt_engine *e, size_t agent, struct mt_exposure *of_agent)
{
    struct mt_exposure own = exposure_of(e, agent, of_agent), o = e->outside.exposure;
    return (struct mt_exposure){own.positions + o.positions, own.open_r + o.open_r, own.unrealized + o.unrealized};
}

/* Marks the account's equity now into e->equity: the balance and the
 * outside's pnl plus every open real trade's unrealized pnl; with emit, sends
 * it as the point at time with the account's exposure to the sink. */
static int mark_equity(struct mt_engine *e, int64_t time, bool emit, struct mt_err *err)
{
    struct mt_exposure x = account_exposure(e, e->na, NULL);
    e->equity = e->balance + e->outside.pnl + x.unrealized;
    if (!emit || !e->sink.equity)
        return 0;
    int rc = e->sink.equity(e->sink.ctx, time, e->equity, &x, err);
    if (rc)
        e->failed = true;
    return rc;
}

/* Opens a trade of kind and size for setup x of agent a on series s in a new
 * pool slot (*slot) followed by lane ln. Returns 0, 1 when the setup is not
 * tradable (nothing followed), or MT_ENOMEM. */
static int follow(struct mt_engine *e, struct lane *ln, size_t a, size_t s, const struct mt_setup *x,
                  enum mt_trade_kind kind, double size, double score, unsigned reasons, uint32_t *slot,
                  struct mt_err *err)
{
    int rc = slot_alloc(e, slot, err);
    if (rc)
        return rc;
    struct mt_position *p = &e->pool[*slot];
    /* The strategy checked the stop and target against the reference price; the
     * half spread can still put a stop inside the fill: such a setup is not tradable
     * (no message needed: a decision says so). */
    if (mt_setup_open(&p->trade, x, e->cfg.tf, kind, size, &e->series[s].costs, NULL)) {
        slot_free(e, *slot);
        e->stats.untradable++;
        return 1;
    }
    p->id = *e->next_id;
    p->parent = 0;
    p->agent = (uint32_t)a;
    p->series = (uint32_t)s;
    p->setup = *x;
    p->score = score;
    p->sim_reasons = reasons;
    if ((rc = push_index(e, &ln->act, &ln->n_act, &ln->cap_act, *slot, err))) {
        slot_free(e, *slot);
        return rc;
    }
    (*e->next_id)++;
    e->series[s].followed++;
    return 0;
}

static int decide_label(struct mt_engine *e, struct lane *ln, size_t a, size_t s, int64_t t,
                        const struct mt_setup *x, struct mt_err *err)
{
    uint32_t slot;
    int rc = follow(e, ln, a, s, x, MT_TRADE_SIM, 1.0 / x->price, 1, 0, &slot, err);
    if (rc < 0 || (rc == 0 && (rc = emit_trade(e, MT_EV_OPEN, slot, err))))
        return rc;
    if (!e->sink.decision)
        return 0;
    struct mt_decision d = {.time = t, .agent = (uint32_t)a, .series = (uint32_t)s, .setup = x, .score = 1,
                            .outcome = MT_DECIDED_UNTRADABLE};
    if (rc == 0) {
        d.outcome = MT_DECIDED_SIM;
        d.size = e->pool[slot].trade.init_size;
        d.trade = e->pool[slot].id;
    }
    return emit_decision(e, &d, err);
}

/* Agent a's limits at the engine's time: its automatic caps from its open
 * real trades as they are before its first decision of this time. */
static const struct mt_agent_limits *agent_limits(struct mt_engine *e, size_t a)
{
    struct agent *ag = &e->agents[a];
    if (!ag->limits.auto_positions && !ag->limits.auto_open_r)
        return &ag->limits;
    if (!ag->have_now || ag->now_at != e->time) {
        ag->now = ag->limits;
        if (ag->limits.auto_positions) {
            double r[64];
            size_t n = mt_engine_open_pnl_r(e, a, r, 64);
            /* more than 64 open positions: the cap is 3 at most, the median of the first 64 decides */
            ag->now.max_positions = mt_agent_max_positions(mt_median(r, n < 64 ? n : 64));
        }
        if (ag->limits.auto_open_r)
            ag->now.max_open_r = mt_agent_max_open_r(ag->now.max_positions);
        ag->now_at = e->time;
        ag->have_now = true;
    }
    return &ag->now;
}

static int decide_account(struct mt_engine *e, struct lane *ln, size_t a, size_t s, int64_t t,
                          const struct mt_setup *x, const struct mt_engine_bar *b, struct mt_err *err)
{
    const struct agent *ag = &e->agents[a];
    struct mt_decision d = {.time = t, .agent = (uint32_t)a, .series = (uint32_t)s, .setup = x, .score = 1};
    int rc;
    if (e->cfg.one_per_symbol && ln->held) {
        uint32_t h = ln->held - 1;
        d.trade = e->pool[h].id;
        if ((int)e->pool[h].trade.side == x->side) {
            d.outcome = MT_DECIDED_HELD;
            e->stats.held++;
            if ((rc = move_stop(e, h, s, x->stop, err)))
                return rc;
        } else {
            d.outcome = MT_DECIDED_OPPOSITE;
            e->stats.opposite++;
        }
        return emit_decision(e, &d, err);
    }
    if (ag->scorer.score) {
        if ((rc = ag->scorer.score(ag->scorer.ctx, (uint32_t)a, (uint32_t)s, x, b->features, b->n_features, &d.score,
                                   err)))
            return seam_failed(e, rc, "scorer on", s, err);
        if (!(d.score >= 0 && d.score <= 1)) {
            e->failed = true;
            return mt_err_set(err, MT_EINVAL, "engine: the scorer of agent %s gave %g on %s (expected [0, 1])", ag->id,
                              d.score, e->series[s].symbol);
        }
    }
    struct mt_exposure agent, all = account_exposure(e, a, &agent);
    const struct mt_agent_limits *lim = agent_limits(e, a);
    struct mt_sizing z = mt_account_size(lim, &e->cfg.limits, e->equity, e->series[s].costs.spread, d.score,
                                         &agent, &all, x);
    uint32_t slot;
    rc = follow(e, ln, a, s, x, z.reasons ? MT_TRADE_SIM : MT_TRADE_REAL, z.size, d.score, z.reasons, &slot, err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        d.outcome = MT_DECIDED_UNTRADABLE;
        return emit_decision(e, &d, err);
    }
    if (!z.reasons) {
        if ((rc = push_index(e, &e->open, &e->n_open, &e->cap_open, slot, err)))
            return rc;
        if ((rc = e->exec.ops->open(e->exec.ctx, &e->pool[slot], err)))
            return seam_failed(e, rc, "executor opening on", s, err);
        e->balance += e->pool[slot].trade.realized; /* the entry fee */
    }
    if (e->cfg.one_per_symbol)
        ln->held = slot + 1;
    d.outcome = z.reasons ? MT_DECIDED_SIM : MT_DECIDED_REAL;
    d.sim_reasons = z.reasons;
    d.size = e->pool[slot].trade.init_size;
    d.trade = e->pool[slot].id;
    if ((rc = emit_trade(e, MT_EV_OPEN, slot, err)))
        return rc;
    return emit_decision(e, &d, err);
}

/* ---- the tick ---- */

/* Series s takes bar b at t: its last bar, its mark and the spread it carries. */
static int series_meets(struct mt_engine *e, size_t s, int64_t t, const struct mt_engine_bar *b, struct mt_err *err)
{
    struct series *sr = &e->series[s];
    sr->last_bar = t;
    if (isfinite(b->close))
        sr->mark = b->close;
    if (!isnan(b->spread) && b->spread != sr->costs.spread) {
        if (!(b->spread >= 0 && b->spread < MT_SPREAD_MAX)) {
            e->failed = true;
            return mt_err_set(err, MT_EINVAL, "engine: %s spread = %g must be in [0, %g)", sr->symbol, b->spread,
                              MT_SPREAD_MAX);
        }
        sr->costs.spread = b->spread;
        for (size_t a = 0; a < e->na; a++)
            mt_strategy_set_spread(&e->lanes[a * e->ns + s].st, b->spread);
    }
    return 0;
}

int mt_engine_warm(struct mt_engine *e, size_t s, int64_t t, const struct mt_engine_bar *b, struct mt_err *err)
{
    assert(s < e->ns && !e->have_time && e->series[s].followed == 0);
    assert(e->series[s].last_bar == 0 || t > e->series[s].last_bar);
    if (e->failed)
        return mt_err_set(err, MT_EINVAL, "engine: used after a failed step");
    int rc = series_meets(e, s, t, b, err);
    for (size_t a = 0; a < e->na && rc == 0; a++)
        rc = strategy_step(e, &e->lanes[a * e->ns + s], s, t, b, false, err);
    return rc;
}

int mt_engine_on_time(struct mt_engine *e, int64_t t, const struct mt_engine_bar *const *bars, bool decide,
                      struct mt_err *err)
{
    if (e->failed)
        return mt_err_set(err, MT_EINVAL, "engine: used after a failed step");
    assert(!e->have_time || t > e->time); /* time only grows */
    e->have_time = true;
    e->time = t;
    bool account = e->cfg.mode == MT_ENGINE_ACCOUNT;
    int rc = 0;
    if (account && decide) {
        /* what sizes this time's trades: the account as it is now (another engine may have moved it) */
        bool first = !e->curve_started; /* with the balance, plus what restored trades are worth */
        e->curve_started = true;
        if ((rc = mark_equity(e, t, first, err)))
            return rc;
    }
    for (size_t s = 0; s < e->ns; s++) {
        const struct mt_engine_bar *b = bars[s];
        if (!b)
            continue;
        if ((rc = series_meets(e, s, t, b, err)))
            return rc;
        for (size_t a = 0; a < e->na; a++)
            if (e->lanes[a * e->ns + s].n_act && (rc = step_lane(e, &e->lanes[a * e->ns + s], &e->agents[a], s, t, b, err)))
                return rc;
        for (size_t a = 0; a < e->na; a++)
            if ((rc = strategy_step(e, &e->lanes[a * e->ns + s], s, t, b, decide, err)))
                return rc;
    }
    for (size_t l = 0; l < e->na * e->ns && decide; l++) {
        struct lane *ln = &e->lanes[l];
        size_t a = l / e->ns, s = l % e->ns;
        if (!bars[s] || ln->inactive)
            continue; /* its setups are from an earlier time, or not this agent's to decide */
        for (int k = 0; k < ln->n_setups; k++) {
            if (!(e->agents[a].sides & (ln->setups[k].side > 0 ? MT_SIDES_LONG : MT_SIDES_SHORT))) {
                e->stats.off_side++;
                continue;
            }
            rc = account ? decide_account(e, ln, a, s, t, &ln->setups[k], bars[s], err)
                         : decide_label(e, ln, a, s, t, &ln->setups[k], err);
            if (rc)
                return rc;
        }
    }
    if (account && decide && e->curve_started)
        rc = mark_equity(e, mt_tf_next(e->cfg.tf, t), true, err);
    return rc;
}

int mt_engine_censor(struct mt_engine *e, size_t s, int64_t time, struct mt_err *err)
{
    assert(s < e->ns);
    int rc = 0;
    for (size_t a = 0; a < e->na; a++) {
        struct lane *ln = &e->lanes[a * e->ns + s];
        for (size_t k = 0; k < ln->n_act; k++) {
            uint32_t i = ln->act[k];
            mt_trade_censor(&e->pool[i].trade, time, e->series[s].mark);
            if (e->pool[i].trade.kind == MT_TRADE_REAL)
                open_drop(e, i);
            if (rc == 0)
                rc = emit_trade(e, MT_EV_CLOSE, i, err);
            e->series[s].followed--;
            slot_free(e, i);
        }
        ln->n_act = 0;
        ln->held = 0;
    }
    assert(e->series[s].followed == 0);
    return rc;
}

int mt_engine_restore(struct mt_engine *e, const struct mt_position *open, size_t n, struct mt_err *err)
{
    for (size_t k = 0; k < n; k++) {
        const struct mt_position *p = &open[k];
        if (p->agent >= e->na || p->series >= e->ns)
            return mt_err_set(err, MT_EINVAL, "engine restore: trade %llu has agent %u / series %u of %zu / %zu",
                              (unsigned long long)p->id, p->agent, p->series, e->na, e->ns);
        if (p->trade.exit != MT_EXIT_NONE || !p->trade.open || p->id == 0)
            return mt_err_set(err, MT_EINVAL, "engine restore: trade %llu is not open", (unsigned long long)p->id);
        for (size_t l = 0; l < e->na * e->ns; l++)
            for (size_t j = 0; j < e->lanes[l].n_act; j++)
                if (e->pool[e->lanes[l].act[j]].id == p->id)
                    return mt_err_set(err, MT_EINVAL, "engine restore: trade %llu twice", (unsigned long long)p->id);
        struct lane *ln = &e->lanes[(size_t)p->agent * e->ns + p->series];
        bool routed = e->cfg.mode == MT_ENGINE_ACCOUNT && e->cfg.one_per_symbol && p->trade.kind != MT_TRADE_TRACKED;
        if (routed && ln->held)
            return mt_err_set(err, MT_EINVAL, "engine restore: agent %s holds trades %llu and %llu on %s",
                              e->agents[p->agent].id, (unsigned long long)e->pool[ln->held - 1].id,
                              (unsigned long long)p->id, e->series[p->series].symbol);
        uint32_t slot;
        int rc = slot_alloc(e, &slot, err);
        if (rc)
            return rc;
        e->pool[slot] = *p;
        if ((rc = push_index(e, &ln->act, &ln->n_act, &ln->cap_act, slot, err))) {
            slot_free(e, slot);
            return rc;
        }
        e->series[p->series].followed++;
        if (p->trade.kind == MT_TRADE_REAL && (rc = push_index(e, &e->open, &e->n_open, &e->cap_open, slot, err)))
            return rc;
        if (routed)
            ln->held = slot + 1;
        if (p->id >= *e->next_id)
            *e->next_id = p->id + 1;
    }
    return 0;
}

void mt_engine_set_outside(struct mt_engine *e, const struct mt_engine_outside *o)
{
    e->outside = *o;
}

struct mt_exposure mt_engine_exposure(const struct mt_engine *e)
{
    return exposure_of(e, e->na, NULL);
}

void mt_engine_set_active(struct mt_engine *e, size_t a, size_t s, bool active)
{
    assert(a < e->na && s < e->ns);
    e->lanes[a * e->ns + s].inactive = !active;
}

size_t mt_engine_open_pnl_r(const struct mt_engine *e, size_t a, double *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < e->n_open; k++) {
        const struct mt_position *p = &e->pool[e->open[k]];
        if (p->agent != a)
            continue;
        if (n < max)
            out[n] = mt_trade_unrealized_r(&p->trade, e->series[p->series].mark);
        n++;
    }
    return n;
}

size_t mt_engine_series_count(const struct mt_engine *e)
{
    return e->ns;
}

int64_t mt_engine_last_close(const struct mt_engine *e, size_t s)
{
    assert(s < e->ns && e->series[s].followed > 0); /* a trade follows a bar */
    return mt_tf_next(e->cfg.tf, e->series[s].last_bar);
}

size_t mt_engine_followed(const struct mt_engine *e, size_t s)
{
    assert(s < e->ns);
    return e->series[s].followed;
}

double mt_engine_balance(const struct mt_engine *e)
{
    return e->balance;
}

double mt_engine_equity(const struct mt_engine *e)
{
    return e->equity;
}

const struct mt_engine_stats *mt_engine_stats(const struct mt_engine *e)
{
    return &e->stats;
}
