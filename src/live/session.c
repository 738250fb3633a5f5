/* The session (see session.h). */
#include "live/session.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/log.h"
#include "core/time.h"
#include "live/schedule.h"
#include "sim/feed.h"
#include "sim/ranking.h"
#include "store/catalog.h"
#include "store/lock.h"
#include "store/spreads.h"
#include "store/store.h"

/* A symbol's volume in a ranking (select_pairs). */
/* The agents of one timeframe on one engine. */
struct group {
    enum mt_tf tf;
    size_t na;
    uint32_t agent[MT_AGENTS_MAX]; /* the run's index of each of the group's agents */
    struct mt_engine *e;
    struct mt_series *bars;        /* per run symbol (empty when the store has none) */
    struct mt_spread_history *sp;  /* per run symbol */
    struct mt_hist_series *hs;
    int64_t *first;                /* per run symbol: its first stored bar (INT64_MAX: none) */
    struct mt_rank_candidate *ranked;         /* room for the ranking of every run symbol */
    struct mt_hist_feed feed;
    bool have_feed;
    struct mt_features *feat;      /* per run symbol: the scorers' streaming features, or NULL (no model) */
    float *row;                    /* a feature row for the warm-up */
    int64_t warm_from; /* the first bar time the engine was warmed from (INT64_MIN: not yet) */
    int64_t last_bar;  /* open time of the last bar processed (MT_SCHEDULE_NEVER: none) */
    int64_t fed;       /* open time of the last bar given to the engine (INT64_MIN: none) */
    int64_t read_at;   /* the clock's time when the store was read last */
    struct mt_session *s;
};

struct mt_session {
    struct mt_session_config cfg;
    const struct mt_clock *clock;
    struct mt_lock lock; /* one session per journal file at a time */
    struct mt_journal *j;
    int64_t run;
    struct mt_sink jsink;
    char **symbols; /* the run's, in its order */
    size_t ns;
    size_t ng;
    struct group g[MT_TF_COUNT];
    mt_trade_id ids;
    double equity;    /* the account's equity marked at the last decided bar's close */
    bool have_equity;
    struct mt_session_summary tick; /* counters of the tick under way */
    bool failed, finished;
    struct mt_model models[MT_AGENTS_MAX]; /* per agent: its deployed model when modelled */
    bool modelled[MT_AGENTS_MAX];
};

/* ---- configuration ---- */

struct mt_session_config mt_session_config_default(void)
{
    struct mt_engine_config e = mt_engine_config_default();
    return (struct mt_session_config){.kind = MT_RUN_PAPER,
                                      .data_dir = "data",
                                      .journal_path = "journal.db",
                                      .version = "",
                                      .balance = e.balance,
                                      .costs = e.costs,
                                      .limits = e.limits,
                                      .one_per_symbol = e.one_per_symbol,
                                      .track_sims = e.track_sims,
                                      .grace_ms = MT_SESSION_GRACE_MS_DEFAULT,
                                      .from = INT64_MIN,
                                      .to = INT64_MAX};
}

static int check_config(const struct mt_session_config *c, struct mt_err *err)
{
    if (c->kind != MT_RUN_PAPER && c->kind != MT_RUN_REPLAY)
        return mt_err_set(err, MT_ECONFIG, "session: only paper and replay runs exist so far");
    if (c->na == 0)
        return mt_err_set(err, MT_ECONFIG, "session: the configuration has no agents (its \"agents\" array)");
    if (c->grace_ms < 0 || c->grace_ms > MT_SESSION_GRACE_MS_MAX)
        return mt_err_set(err, MT_ECONFIG, "session: grace = %lld ms must be in [0, %d]", (long long)c->grace_ms,
                          MT_SESSION_GRACE_MS_MAX);
    if (!(isfinite(c->balance) && c->balance > 0))
        return mt_err_set(err, MT_ECONFIG, "session: balance = %g must be finite and > 0", c->balance);
    if (c->kind == MT_RUN_REPLAY && !(c->from > INT64_MIN && c->to < INT64_MAX && c->from < c->to))
        return mt_err_set(err, MT_ECONFIG, "session: a replay needs from < to");
    if (c->models_dir && !c->features)
        return mt_err_set(err, MT_ECONFIG, "session: models need their feature set");
    int rc = mt_costs_check(&c->costs, err);
    if (rc == 0 && c->sync) /* checked here: a tick's sync failure is a warning */
        rc = mt_sync_config_check(c->sync, err);
    return rc ? rc : mt_account_limits_check(&c->limits, err);
}

/* FNV-1a over what decides a run's trades: a run is continued only by the same configuration. */
static void hash_add(uint64_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void hash_add(uint64_t *h, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (const unsigned char *p = (const unsigned char *)buf; *p; p++)
        *h = (*h ^ *p) * UINT64_C(1099511628211);
    *h = (*h ^ 0xff) * UINT64_C(1099511628211); /* a field separator */
}

static void config_hash(const struct mt_session_config *c, char out[17])
{
    uint64_t h = UINT64_C(14695981039346656037);
    hash_add(&h, "kind %d balance %.17g fee %.17g bnb %d spread %.17g slip %.17g", (int)c->kind, c->balance,
             c->costs.fee_rate, (int)c->costs.bnb, c->costs.spread, c->costs.slippage);
    hash_add(&h, "limits %d %.17g route %d track %d spreads %d", c->limits.max_positions, c->limits.max_open_r,
             (int)c->one_per_symbol, (int)c->track_sims, (int)c->spreads);
    if (c->kind == MT_RUN_REPLAY)
        hash_add(&h, "span %lld %lld", (long long)c->from, (long long)c->to);
    for (size_t a = 0; a < c->na; a++) {
        const struct mt_agent_spec *x = &c->agents[a];
        hash_add(&h, "agent %s %s %s %s", x->id, x->strategy, x->timeframe, x->sides);
        hash_add(&h, "pairs %s %lld %s %lld %.17g", x->pairs.symbols, (long long)x->pairs.top, x->pairs.by,
                 (long long)x->pairs.min_history_days, x->pairs.max_spread);
        hash_add(&h, "risk %.17g pos %lld open_r %.17g tp %.17g %.17g %.17g stale %.17g %.17g score %.17g", x->risk,
                 (long long)x->max_positions, x->max_open_r, x->tp_r, x->tp_fraction, x->tp_full_value, x->stale_h,
                 x->stale_r, isnan(x->min_score) ? mt_agent_limits_default().min_score : x->min_score);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ---- the run's symbols ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds symbol (copied) to *v unless there. */
static int add_symbol(char ***v, size_t *n, size_t *cap, const char *symbol, struct mt_err *err)
{
    for (size_t k = 0; k < *n; k++)
        if (strcmp((*v)[k], symbol) == 0)
            return 0;
    char **w = mt_grow(*v, cap, *n, sizeof *w, 16);
    char *copy = w ? strdup(symbol) : NULL;
    if (!copy)
        return mt_err_set(err, MT_ENOMEM, "session: out of memory");
    *v = w;
    w[(*n)++] = copy;
    return 0;
}

/* The symbols a new run can trade: the agents' listed pairs and, for ranked
 * selections, every stored symbol of their timeframe; sorted. */
static int new_run_symbols(const struct mt_session_config *c, char ***out, size_t *n, struct mt_err *err)
{
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = 0;
    for (size_t a = 0; a < c->na && rc == 0; a++) {
        const struct mt_agent_spec *x = &c->agents[a];
        if (x->pairs.symbols[0]) {
            char list[MT_AGENT_SYMBOLS_MAX], *save = NULL;
            snprintf(list, sizeof list, "%s", x->pairs.symbols);
            for (char *t = strtok_r(list, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save))
                rc = add_symbol(&v, n, &cap, t, err);
            continue;
        }
        struct mt_catalog cat = {0};
        if ((rc = mt_catalog_list(c->data_dir, NULL, &x->tf, &cat, err)))
            break;
        for (size_t k = 0; k < cat.n && rc == 0; k++)
            rc = add_symbol(&v, n, &cap, cat.entries[k].symbol, err);
        mt_catalog_release(&cat);
    }
    if (rc == 0 && *n == 0)
        rc = mt_err_set(err, MT_ECONFIG, "session: no pairs to trade: no agent lists symbols and %s holds no series of "
                        "the agents' timeframes (fill the store first: mtrader download)", c->data_dir);
    if (rc) {
        for (size_t k = 0; k < *n; k++)
            free(v[k]);
        free(v);
        return rc;
    }
    qsort(v, *n, sizeof *v, cmp_str);
    *out = v;
    return 0;
}

/* ---- the journal sink of one group: the engine's agent indices become the run's ---- */

static int group_trade(void *ctx, enum mt_trade_event ev, const struct mt_position *p, struct mt_err *err)
{
    struct group *g = ctx;
    struct mt_session *s = g->s;
    struct mt_position q = *p;
    assert(p->agent < g->na);
    q.agent = g->agent[p->agent];
    s->tick.opened += ev == MT_EV_OPEN;
    s->tick.closed += ev == MT_EV_CLOSE;
    return s->jsink.trade(s->jsink.ctx, ev, &q, err);
}

static int group_decision(void *ctx, const struct mt_decision *d, struct mt_err *err)
{
    struct group *g = ctx;
    struct mt_session *s = g->s;
    struct mt_decision q = *d;
    q.agent = g->agent[d->agent];
    s->tick.decisions++;
    return s->jsink.decision(s->jsink.ctx, &q, err);
}

static int group_equity(void *ctx, int64_t time, double equity, const struct mt_exposure *x, struct mt_err *err)
{
    struct group *g = ctx;
    return g->s->jsink.equity(g->s->jsink.ctx, time, equity, x, err);
}

/* ---- groups ---- */

static struct group *group_of(struct mt_session *s, enum mt_tf tf)
{
    for (size_t k = 0; k < s->ng; k++)
        if (s->g[k].tf == tf)
            return &s->g[k];
    return NULL;
}

/* The agents of the run into groups by timeframe, in ascending timeframe order. */
static void form_groups(struct mt_session *s)
{
    for (size_t a = 0; a < s->cfg.na; a++) {
        enum mt_tf tf = s->cfg.agents[a].tf;
        struct group *g = group_of(s, tf);
        if (!g) {
            size_t k = s->ng++;
            while (k > 0 && s->g[k - 1].tf > tf) {
                s->g[k] = s->g[k - 1];
                k--;
            }
            g = &s->g[k];
            *g = (struct group){.tf = tf, .warm_from = INT64_MIN, .last_bar = MT_SCHEDULE_NEVER, .fed = INT64_MIN,
                                .s = s};
        }
        g->agent[g->na++] = (uint32_t)a;
    }
}

static const struct mt_agent_spec *spec_of(const struct group *g, size_t k)
{
    return &g->s->cfg.agents[g->agent[k]];
}

/* Builds group g's engine with balance, after a restart (resumed) or not. */
static int group_engine(struct mt_session *s, struct group *g, double balance, bool resumed, struct mt_err *err)
{
    struct mt_engine_agent ea[MT_AGENTS_MAX];
    for (size_t k = 0; k < g->na; k++) {
        ea[k] = mt_agent_engine(spec_of(g, k));
        uint32_t a = g->agent[k];
        if (s->modelled[a]) {
            ea[k].scorer = mt_model_scorer(&s->models[a]);
            if (isnan(spec_of(g, k)->min_score))
                ea[k].limits.min_score = s->models[a].threshold;
        }
    }
    struct mt_engine_config ec = mt_engine_config_default();
    ec.tf = g->tf;
    ec.costs = s->cfg.costs;
    ec.balance = balance;
    ec.limits = s->cfg.limits;
    ec.one_per_symbol = s->cfg.one_per_symbol;
    ec.track_sims = s->cfg.track_sims;
    ec.ids = &s->ids;
    ec.resumed = resumed;
    struct mt_sink sink = {group_decision, group_trade, group_equity, g, true};
    int rc = mt_engine_init(&g->e, &ec, ea, g->na, (const char *const *)s->symbols, s->ns, mt_exec_sim(), &sink, err);
    if (rc)
        return rc;
    /* listed pairs: the other symbols are never this agent's */
    for (size_t k = 0; k < g->na; k++)
        for (size_t i = 0; spec_of(g, k)->pairs.symbols[0] && i < s->ns; i++)
            mt_engine_set_active(g->e, k, i, mt_agent_lists(spec_of(g, k), s->symbols[i]));
    return 0;
}

/* The longest ranking window of g's ranked agents (0 without one). */
static int64_t rank_window(const struct group *g);

/* Feeds bars [from, to) of series i (b, with its spreads hs) to g's engine as warm-up. */
static int warm_series(struct group *g, size_t i, const struct mt_series *b, const struct mt_hist_series *hs,
                       size_t from, size_t to, struct mt_err *err)
{
    size_t spread_from = 0;
    for (size_t k = from; k < to; k++) {
        struct mt_engine_bar x = {b->open[k], b->high[k], b->low[k], b->close[k], b->volume ? b->volume[k] : NAN,
                                  NULL, NULL, 0, hs->n_spreads ? mt_hist_spread_at(hs, &spread_from, b->open_time[k]) : NAN};
        int rc = hs->features ? mt_features_update(hs->features, b, k, g->row, err) : 0;
        if (rc == 0)
            rc = mt_engine_warm(g->e, i, b->open_time[k], &x, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* The streaming features of g's series when one of its agents has a model:
 * set up once, fed every bar of each series from its first (the warm-up,
 * then the feed), so each row equals the batch matrix's. */
static int group_features(struct mt_session *s, struct group *g, struct mt_err *err)
{
    bool any = false;
    for (size_t k = 0; k < g->na; k++)
        any |= s->modelled[g->agent[k]];
    if (!any)
        return 0;
    g->feat = calloc(s->ns, sizeof *g->feat);
    g->row = malloc((s->cfg.features->columns ? s->cfg.features->columns : 1) * sizeof *g->row);
    if (!g->feat || !g->row)
        return mt_err_set(err, MT_ENOMEM, "session: out of memory");
    for (size_t i = 0; i < s->ns; i++) {
        int rc = mt_features_init(&g->feat[i], s->cfg.features, g->tf, err);
        if (rc) {
            for (size_t k = 0; k < i; k++)
                mt_features_release(&g->feat[k]);
            free(g->feat);
            g->feat = NULL;
            return rc;
        }
    }
    return 0;
}

/* (Re)reads group g's series from the store, one at a time. With warm (at
 * open, for a group that processed bars before), the stored bars from
 * warm_from to last_bar warm the engine's strategies up first. What stays in
 * memory is what the ticks need: the bars after the last one given to the
 * engine, and the ranking window before it; the feed goes on after that bar. */
static int group_load(struct mt_session *s, struct group *g, int64_t warm_to, struct mt_err *err)
{
    if (g->have_feed)
        mt_hist_feed_release(&g->feed);
    g->have_feed = false;
    if (!g->bars) {
        struct mt_series *bars = calloc(s->ns, sizeof *bars);
        struct mt_spread_history *sp = calloc(s->ns, sizeof *sp);
        struct mt_hist_series *hs = calloc(s->ns, sizeof *hs);
        int64_t *first = calloc(s->ns, sizeof *first);
        struct mt_rank_candidate *ranked = calloc(s->ns, sizeof *ranked);
        if (!bars || !sp || !hs || !first || !ranked) {
            free(bars), free(sp), free(hs), free(first), free(ranked);
            return mt_err_set(err, MT_ENOMEM, "session: out of memory");
        }
        g->bars = bars, g->sp = sp, g->hs = hs, g->first = first, g->ranked = ranked;
        int rc = group_features(s, g, err);
        if (rc)
            return rc;
    }
    bool warm = warm_to != INT64_MIN;
    int64_t first = INT64_MAX, fed = warm ? warm_to : g->fed, window = rank_window(g);
    int rc = 0;
    for (size_t i = 0; i < s->ns && rc == 0; i++) {
        mt_series_release(&g->bars[i]);
        mt_spread_history_release(&g->sp[i]);
        struct mt_series all;
        mt_series_init(&all, 0);
        struct mt_err lerr = {0};
        rc = mt_store_load(s->cfg.data_dir, s->symbols[i], g->tf, &all, &lerr);
        if (rc == MT_ENOENT)
            rc = 0; /* no such series (yet): no bars */
        else if (rc)
            *err = lerr;
        if (rc == 0 && all.n && s->cfg.spreads)
            rc = mt_spread_history_load(s->cfg.data_dir, s->symbols[i], all.open_time[0], all.open_time[all.n - 1],
                                        &g->sp[i], err);
        g->first[i] = all.n ? all.open_time[0] : INT64_MAX;
        if (all.n && all.open_time[0] < first)
            first = all.open_time[0];
        struct mt_hist_series hs = {&g->bars[i], NULL, g->sp[i].time, g->sp[i].spread, g->sp[i].n,
                                    g->feat ? &g->feat[i] : NULL};
        /* the bars before warm_from never reach the engine (a backfill after the run began) */
        size_t from = g->warm_from == INT64_MIN ? 0 : mt_series_lower_bound(&all, g->warm_from);
        size_t after = fed == INT64_MIN ? from : mt_series_lower_bound(&all, fed + 1);
        if (after < from)
            after = from;
        if (rc == 0 && warm)
            rc = warm_series(g, i, &all, &hs, from, after, err);
        /* the feed goes on after `fed`: stored bars up to it that the features never saw (a pair whose
         * history reached the store after the run began) are fed to them alone, in order */
        for (size_t k = from; rc == 0 && !warm && g->feat && k < after; k++)
            if (all.open_time[k] > g->feat[i].last)
                rc = mt_features_update(&g->feat[i], &all, k, g->row, err);
        /* keep the bars after `fed` and the ranking window before them */
        size_t keep = fed == INT64_MIN ? from : mt_series_lower_bound(&all, fed + 1 - window);
        if (keep < from)
            keep = from;
        if (rc == 0)
            rc = mt_series_slice(&g->bars[i], &all, keep, all.n, err);
        mt_series_release(&all);
        g->hs[i] = hs;
        g->hs[i].bars = &g->bars[i];
    }
    if (rc)
        return rc;
    if (g->warm_from == INT64_MIN && first != INT64_MAX)
        g->warm_from = first; /* kept in the journal: a restart warms from the same bar */
    if (warm)
        g->fed = warm_to;
    g->read_at = mt_clock_now(s->clock);
    struct mt_hist_span span = {INT64_MIN, INT64_MIN, false};
    if ((rc = mt_hist_feed_init(&g->feed, g->e, g->tf, g->hs, s->ns, &span, err)))
        return rc;
    g->have_feed = true;
    for (size_t i = 0; i < s->ns; i++)
        g->feed.next[i] = g->fed == INT64_MIN ? 0 : mt_series_lower_bound(&g->bars[i], g->fed + 1);
    return 0;
}

/* ---- stepping a group ---- */

static int64_t rank_window(const struct group *g)
{
    int64_t w = 0;
    for (size_t k = 0; k < g->na; k++)
        if (!spec_of(g, k)->pairs.symbols[0] && mt_agent_rank_rule(spec_of(g, k)).window > w)
            w = mt_agent_rank_rule(spec_of(g, k)).window;
    return w;
}

/* Ranked agents of g choose their pairs at the close of the bar opening at
 * t (bars[i] the bars given then) from what is known at that close: the
 * quote volume of the last day or week of closed bars, the history length and
 * the spread; the top N become active, the others not. */
static void select_pairs(struct mt_session *s, struct group *g, int64_t t, const struct mt_engine_bar *const *bars)
{
    struct mt_rank_candidate *r = g->ranked;
    int64_t close = mt_tf_next(g->tf, t);
    for (size_t k = 0; k < g->na; k++) {
        const struct mt_agent_spec *x = spec_of(g, k);
        if (x->pairs.symbols[0])
            continue;
        struct mt_rank_rule rule = mt_agent_rank_rule(x);
        size_t m = 0;
        for (size_t i = 0; i < s->ns; i++) {
            mt_engine_set_active(g->e, k, i, false);
            if (!bars[i])
                continue; /* its current candle is missing: not rankable */
            size_t at = g->feed.next[i];
            assert(at < g->bars[i].n && g->bars[i].open_time[at] == t);
            double spread = bars[i]->spread;
            if (isnan(spread))
                spread = s->cfg.costs.spread;
            if (mt_rank_eligible(&rule, close, g->first[i], spread))
                r[m++] = (struct mt_rank_candidate){mt_rank_volume(&g->bars[i], at, close, rule.window), i};
        }
        size_t top = mt_rank_select(&rule, r, m);
        for (size_t q = 0; q < top; q++)
            mt_engine_set_active(g->e, k, r[q].series, true);
    }
}

/* What the groups other than `except` (NULL: every group) hold: their realized
 * pnl (each group's balance counts from the run's starting balance) and their
 * open real trades. */
static struct mt_engine_outside groups_hold(const struct mt_session *s, const struct group *except)
{
    struct mt_engine_outside o = {0};
    for (size_t k = 0; k < s->ng; k++) {
        if (&s->g[k] == except)
            continue;
        struct mt_exposure x = mt_engine_exposure(s->g[k].e);
        o.pnl += mt_engine_balance(s->g[k].e) - s->cfg.balance;
        o.exposure.positions += x.positions;
        o.exposure.open_r += x.open_r;
        o.exposure.unrealized += x.unrealized;
    }
    return o;
}

/* Gives g's engine every bar up to and including time `upto`; the bar at
 * `upto` is decided when decide. */
static int group_feed(struct mt_session *s, struct group *g, int64_t upto, bool decide, bool *found,
                      struct mt_err *err)
{
    *found = false;
    g->feed.span.to = upto == INT64_MAX ? INT64_MAX : upto + 1;
    struct mt_feed f = mt_hist_feed_seam(&g->feed);
    int64_t t;
    const struct mt_engine_bar *const *bars;
    bool unused;
    int rc;
    while ((rc = f.next(f.ctx, &t, &bars, &unused, err)) == 1) {
        bool here = decide && t == upto;
        if (here) {
            select_pairs(s, g, t, bars);
            struct mt_engine_outside o = groups_hold(s, g);
            mt_engine_set_outside(g->e, &o);
        }
        if ((rc = mt_engine_on_time(g->e, t, bars, here, err)))
            return rc;
        g->fed = t;
        if (here) {
            s->equity = mt_engine_equity(g->e);
            s->have_equity = true;
            *found = true;
        }
    }
    return rc;
}

/* ---- open ---- */

static int begin_run(struct mt_session *s, const char *hash, struct mt_err *err)
{
    char **symbols = NULL;
    size_t ns = 0;
    int rc = new_run_symbols(&s->cfg, &symbols, &ns, err);
    if (rc)
        return rc;
    struct mt_engine_agent ea[MT_AGENTS_MAX];
    const char *names[MT_AGENTS_MAX];
    enum mt_tf tfs[MT_AGENTS_MAX];
    char tfs_text[MT_TF_COUNT * 5] = "";
    for (size_t a = 0; a < s->cfg.na; a++) {
        ea[a] = mt_agent_engine(&s->cfg.agents[a]);
        names[a] = s->cfg.agents[a].id;
        tfs[a] = s->cfg.agents[a].tf;
    }
    for (size_t k = 0; k < s->ng; k++)
        snprintf(tfs_text + strlen(tfs_text), sizeof tfs_text - strlen(tfs_text), "%s%s", k ? "," : "",
                 mt_tf_name(s->g[k].tf));
    struct mt_journal_run run = {.kind = s->cfg.kind, .version = s->cfg.version, .config_hash = hash,
                                 .started = mt_clock_now(mt_clock_wall()), .from = s->cfg.from, .to = s->cfg.to,
                                 .tf = s->g[0].tf, .balance = s->cfg.balance, .costs = s->cfg.costs,
                                 .limits = s->cfg.limits, .one_per_symbol = s->cfg.one_per_symbol,
                                 .track_sims = s->cfg.track_sims, .agents = ea, .na = s->cfg.na,
                                 .symbols = (const char *const *)symbols, .ns = ns, .agent_names = names,
                                 .agent_tfs = tfs, .tfs_text = tfs_text};
    if (s->cfg.kind != MT_RUN_REPLAY)
        run.from = INT64_MIN;
    rc = mt_journal_begin_tick(s->j, err);
    if (rc == 0) {
        if ((rc = mt_journal_run_begin(s->j, &run, &s->run, err)) == 0)
            rc = mt_journal_commit_tick(s->j, err);
        if (rc)
            mt_journal_rollback_tick(s->j, NULL);
    }
    for (size_t k = 0; k < ns; k++)
        free(symbols[k]);
    free(symbols);
    return rc;
}

/* Puts the journal's open trades of the run back into their groups' engines,
 * with the group's agent indices. */
static int restore(struct mt_session *s, struct mt_err *err)
{
    struct mt_position *open = NULL, *mine = NULL;
    size_t n = 0;
    int rc = mt_journal_open_trades(s->j, s->run, -1, &open, &n, err);
    if (rc == 0 && n && !(mine = malloc(n * sizeof *mine)))
        rc = mt_err_set(err, MT_ENOMEM, "session: out of memory for %zu open trades", n);
    for (size_t k = 0; k < s->ng && rc == 0; k++) {
        struct group *g = &s->g[k];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t a = 0; a < g->na; a++)
                if (open[i].agent == g->agent[a]) {
                    mine[m] = open[i];
                    mine[m++].agent = (uint32_t)a;
                }
        rc = mt_engine_restore(g->e, mine, m, err);
    }
    free(mine);
    free(open);
    return rc;
}

int mt_session_open(const struct mt_session_config *cfg, struct mt_session **out, struct mt_err *err)
{
    *out = NULL;
    int rc = check_config(cfg, err);
    if (rc)
        return rc;
    struct mt_session *s = calloc(1, sizeof *s);
    if (!s)
        return mt_err_set(err, MT_ENOMEM, "session: out of memory");
    s->cfg = *cfg;
    s->clock = mt_clock_or_wall(cfg->clock);
    s->lock.fd = -1;
    form_groups(s);
    for (size_t a = 0; rc == 0 && cfg->models_dir && a < cfg->na; a++) {
        const struct mt_agent_spec *x = &cfg->agents[a];
        if ((rc = mt_model_open_deployed(cfg->models_dir, x->id, x->strategy, x->tf, x->sides, cfg->features,
                                         &s->models[a], &s->modelled[a], err)))
            mt_err_prefix(err, "%s", x->id);
        else if (s->modelled[a]) /* the run goes on across retrainings: each open says what scores */
            mt_log(MT_LOG_INFO, "session: agent %s scores with its %s %s", x->id,
                   mt_model_kind_name(s->models[a].kind), s->models[a].id);
    }
    if (rc) {
        mt_session_close(s);
        return rc;
    }
    char hash[17];
    config_hash(cfg, hash);
    /* two sessions on one journal would both process the same bars: the second waits, then fails
     * naming the holder (the wait is on the wall clock: a replay's virtual one does not pass) */
    rc = mt_lock_acquire(&s->lock, cfg->journal_path, NULL, err);
    if (rc == 0)
        rc = mt_journal_open(cfg->journal_path, &s->j, err);
    bool resumed = false;
    if (rc == 0) {
        struct mt_err ferr = {0};
        int found = mt_journal_find_run(s->j, cfg->kind, hash, &s->run, &ferr);
        if (found == 0)
            resumed = true;
        else if (found == MT_ENOENT)
            rc = begin_run(s, hash, err);
        else
            rc = found, *err = ferr;
    }
    const char *const *symbols = NULL;
    if (rc == 0 && (rc = mt_journal_run_symbols(s->j, s->run, &symbols, &s->ns, err)) == 0) {
        if (!(s->symbols = calloc(s->ns, sizeof *s->symbols)))
            rc = mt_err_set(err, MT_ENOMEM, "session: out of memory");
        for (size_t i = 0; rc == 0 && i < s->ns; i++)
            if (!(s->symbols[i] = strdup(symbols[i])))
                rc = mt_err_set(err, MT_ENOMEM, "session: out of memory");
    }
    if (rc == 0)
        rc = mt_journal_sink(s->j, s->run, &s->jsink, err);
    if (rc == 0)
        rc = mt_journal_next_trade_id(s->j, s->run, &s->ids, err);
    struct mt_journal_clock clocks[MT_TF_COUNT];
    size_t nc = 0;
    if (rc == 0 && resumed)
        rc = mt_journal_clocks(s->j, s->run, clocks, &nc, err);
    int64_t warm[MT_TF_COUNT]; /* what each group's engine was given before: warmed up to here */
    for (size_t k = 0; k < s->ng && rc == 0; k++) {
        struct group *g = &s->g[k];
        double balance = cfg->balance;
        bool have = false;
        warm[k] = INT64_MIN;
        for (size_t c = 0; c < nc; c++)
            if (clocks[c].tf == g->tf) {
                g->warm_from = clocks[c].warm_from;
                g->last_bar = clocks[c].last_bar;
                warm[k] = clocks[c].fed;
                balance = clocks[c].balance;
                have = true;
            }
        if (!have && cfg->kind == MT_RUN_REPLAY) { /* the first bar decided is the first opening at or after from */
            int64_t first = mt_tf_aligned(g->tf, cfg->from) ? cfg->from : mt_tf_next(g->tf, mt_tf_floor(g->tf, cfg->from));
            g->last_bar = warm[k] = mt_tf_floor(g->tf, first - 1);
        }
        rc = group_engine(s, g, balance, have, err);
    }
    /* each engine warms up over the bars it was given before the stop, then the open trades come
     * back; a group whose engine saw no bar yet (a new paper run's) is read and warmed at its first
     * tick, after that tick's sync, up to the bar before the one it decides */
    for (size_t k = 0; k < s->ng && rc == 0; k++)
        if (warm[k] != INT64_MIN)
            rc = group_load(s, &s->g[k], warm[k], err);
    if (rc == 0 && resumed)
        rc = restore(s, err);
    if (rc) {
        mt_err_prefix(err, "session");
        mt_session_close(s);
        return rc;
    }
    mt_log(MT_LOG_INFO, "session: %s run %lld (%s), %zu agents in %zu timeframes on %zu symbols",
           resumed ? "continuing" : "began", (long long)s->run, hash, cfg->na, s->ng, s->ns);
    *out = s;
    return 0;
}

void mt_session_close(struct mt_session *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->ng; k++) {
        struct group *g = &s->g[k];
        if (g->have_feed)
            mt_hist_feed_release(&g->feed);
        for (size_t i = 0; g->bars && i < s->ns; i++) {
            mt_series_release(&g->bars[i]);
            mt_spread_history_release(&g->sp[i]);
        }
        free(g->bars);
        free(g->sp);
        free(g->hs);
        free(g->first);
        free(g->ranked);
        for (size_t i = 0; g->feat && i < s->ns; i++)
            mt_features_release(&g->feat[i]);
        free(g->feat);
        free(g->row);
        mt_engine_free(g->e);
    }
    for (size_t a = 0; a < s->cfg.na; a++)
        if (s->modelled[a])
            mt_model_release(&s->models[a]);
    mt_journal_close(s->j);
    mt_lock_release(&s->lock);
    for (size_t i = 0; s->symbols && i < s->ns; i++)
        free(s->symbols[i]);
    free(s->symbols);
    free(s);
}

/* ---- ticks ---- */

/* One due bar: its group and open time, ordered by close. */
struct due_bar {
    int64_t close, open;
    size_t group;
};

static int cmp_due(const void *a, const void *b)
{
    const struct due_bar *x = a, *y = b;
    if (x->close != y->close)
        return x->close < y->close ? -1 : 1;
    return (x->group > y->group) - (x->group < y->group);
}

/* Downloads the timeframes of the due groups for the run's symbols. */
static int sync_due(struct mt_session *s, const bool *due, struct mt_err *err)
{
    struct mt_sync_config sc = *s->cfg.sync;
    sc.ntf = 0;
    for (size_t k = 0; k < s->ng; k++)
        if (due[k])
            sc.tfs[sc.ntf++] = s->g[k].tf;
    size_t len = 0;
    for (size_t i = 0; i < s->ns; i++)
        len += strlen(s->symbols[i]) + 1;
    char *list = malloc(len + 1);
    if (!list)
        return mt_err_set(err, MT_ENOMEM, "session: out of memory");
    list[0] = '\0';
    for (size_t i = 0, at = 0; i < s->ns; i++)
        at += (size_t)snprintf(list + at, len + 1 - at, "%s%s", i ? "," : "", s->symbols[i]);
    sc.symbols = list;
    sc.skip_untradable = true; /* the run keeps the pairs it began with; delisted ones have no new bars */
    sc.top = 0;
    sc.data_dir = s->cfg.data_dir;
    struct mt_sync_report rep;
    struct mt_err serr = {0};
    int rc = mt_sync_run(&sc, &rep, &serr);
    if (rc && rc != MT_ENOMEM) {
        /* no download at all (the exchange unreachable): the tick goes on with the stored data, and
         * its due bars without candles are warned about */
        mt_log(MT_LOG_WARN, "session: sync failed, trading on the stored data: %s", serr.msg);
        s->tick.sync_failures++;
        rc = 0;
    } else if (rc) {
        *err = serr;
    } else {
        s->tick.sync_failures += rep.failed + rep.run_failed;
        for (size_t f = 0; f < rep.nfailures; f++)
            mt_log(MT_LOG_WARN, "session: sync: %s %s: %s", rep.failures[f].symbol, mt_tf_name(rep.failures[f].tf),
                   rep.failures[f].err.msg);
        mt_sync_report_release(&rep);
    }
    free(list);
    return rc;
}

static void fill_state(const struct mt_session *s, struct mt_session_summary *sum)
{
    struct mt_engine_outside all = groups_hold(s, NULL);
    sum->balance = s->cfg.balance + all.pnl;
    /* after the last close: the mark of that close (a finished run's censored trades are gone) */
    sum->equity = s->have_equity ? s->equity : sum->balance + all.exposure.unrealized;
    sum->open_real = (size_t)all.exposure.positions;
    sum->open_risk = all.exposure.open_r;
}

void mt_session_state(const struct mt_session *s, struct mt_session_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    sum->now = mt_clock_now(s->clock);
    fill_state(s, sum);
}

int64_t mt_session_next_wake(const struct mt_session *s)
{
    enum mt_tf tfs[MT_TF_COUNT];
    int64_t last[MT_TF_COUNT];
    size_t n = 0;
    for (size_t k = 0; k < s->ng; k++) {
        const struct group *g = &s->g[k];
        /* a replay's group whose next bar opens at or after `to` has nothing left to do */
        if (g->last_bar != MT_SCHEDULE_NEVER && mt_tf_next(g->tf, g->last_bar) >= s->cfg.to)
            continue;
        tfs[n] = g->tf;
        last[n++] = g->last_bar;
    }
    return n ? mt_schedule_next(tfs, n, last, mt_clock_now(s->clock), s->cfg.grace_ms) : INT64_MAX;
}

int mt_session_tick(struct mt_session *s, struct mt_session_summary *sum, struct mt_err *err)
{
    if (s->failed || s->finished)
        return mt_err_set(err, MT_EINVAL, "session: used after a failed tick or its end");
    int64_t now = mt_clock_now(s->clock);
    memset(&s->tick, 0, sizeof s->tick);
    s->tick.now = now;
    struct due_bar bars[MT_TF_COUNT * MT_DUE_CAP];
    size_t nb = 0;
    bool due[MT_TF_COUNT] = {false};
    for (size_t k = 0; k < s->ng; k++) {
        struct mt_due d;
        mt_schedule_due(s->g[k].tf, s->g[k].last_bar, now, s->cfg.grace_ms, MT_DUE_CAP, &d);
        s->tick.skipped += (size_t)d.skipped;
        for (size_t i = 0; i < d.n; i++)
            if (d.open[i] < s->cfg.to) {
                bars[nb++] = (struct due_bar){mt_tf_next(s->g[k].tf, d.open[i]), d.open[i], k};
                due[k] = true;
            }
    }
    int rc = 0;
    if (nb == 0)
        goto done;
    if (s->cfg.sync && (rc = sync_due(s, due, err)))
        goto fail;
    /* the store moves on between the ticks of a paper session (its sync, or another process's
     * download): a due group reads it again, unless it did just now at the open and nothing
     * synced since; a replay's store is the history it holds */
    for (size_t k = 0; k < s->ng && s->cfg.kind != MT_RUN_REPLAY; k++) {
        struct group *g = &s->g[k];
        int64_t first_due = INT64_MAX, last_close = INT64_MIN;
        for (size_t b = 0; b < nb; b++)
            if (bars[b].group == k) {
                first_due = bars[b].open < first_due ? bars[b].open : first_due;
                last_close = bars[b].close > last_close ? bars[b].close : last_close;
            }
        /* read after its due bars were due (the open of this scan) and nothing synced since: as it is */
        if (!due[k] || (g->have_feed && !s->cfg.sync && g->read_at >= last_close + s->cfg.grace_ms))
            continue;
        /* a group's first read warms up to the bar before its first due one */
        if ((rc = group_load(s, g, g->have_feed ? INT64_MIN : first_due - 1, err)))
            goto fail;
    }
    qsort(bars, nb, sizeof *bars, cmp_due);
    if ((rc = mt_journal_begin_tick(s->j, err)))
        goto fail;
    for (size_t b = 0; b < nb && rc == 0; b++) {
        struct group *g = &s->g[bars[b].group];
        bool found;
        if ((rc = group_feed(s, g, bars[b].open, true, &found, err)) == 0) {
            g->last_bar = bars[b].open;
            s->tick.bars++;
        }
        if (rc == 0 && !found) {
            /* the bar is past: it is not decided later even if its candles arrive (time only grows) */
            char when[32];
            s->tick.missing++;
            mt_log(MT_LOG_WARN, "session: no stored %s candle at %s for any of the run's %zu symbols: the store is "
                   "behind (download it); the bar is not decided", mt_tf_name(g->tf),
                   mt_time_format(bars[b].open, when, sizeof when), s->ns);
        }
    }
    for (size_t k = 0; k < s->ng && rc == 0; k++) {
        struct group *g = &s->g[k];
        if (!due[k])
            continue;
        struct mt_journal_clock c = {g->tf, g->warm_from, g->last_bar, g->fed, mt_engine_balance(g->e)};
        rc = mt_journal_clock_put(s->j, s->run, &c, err);
    }
    s->tick.ticks = 1;
    struct mt_journal_tick jt = {now, mt_clock_now(mt_clock_wall()), s->tick.bars, s->tick.decisions,
                                 s->tick.opened, s->tick.closed};
    if (rc == 0 && (rc = mt_journal_tick(s->j, s->run, &jt, err)) == 0)
        rc = mt_journal_commit_tick(s->j, err);
    if (rc) {
        mt_journal_rollback_tick(s->j, NULL);
        goto fail;
    }
done:
    if (sum) {
        *sum = s->tick;
        fill_state(s, sum);
    }
    return 0;
fail:
    s->failed = true;
    mt_err_prefix(err, "session tick");
    return rc;
}

int mt_session_finish(struct mt_session *s, struct mt_session_summary *sum, struct mt_err *err)
{
    if (s->failed || s->finished)
        return mt_err_set(err, MT_EINVAL, "session: used after a failed tick or its end");
    memset(&s->tick, 0, sizeof s->tick);
    int rc = mt_journal_begin_tick(s->j, err);
    for (size_t k = 0; k < s->ng && rc == 0; k++)
        for (size_t i = 0; i < s->ns && rc == 0; i++)
            if (mt_engine_followed(s->g[k].e, i))
                rc = mt_engine_censor(s->g[k].e, i, mt_engine_last_close(s->g[k].e, i), err);
    if (rc == 0 && (rc = mt_journal_run_end(s->j, s->run, mt_clock_now(mt_clock_wall()), err)) == 0)
        rc = mt_journal_commit_tick(s->j, err);
    if (rc) {
        mt_journal_rollback_tick(s->j, NULL);
        s->failed = true;
        return rc;
    }
    s->finished = true;
    if (sum) {
        *sum = s->tick;
        fill_state(s, sum);
    }
    return 0;
}

int64_t mt_session_run_id(const struct mt_session *s)
{
    return s->run;
}

int mt_session_replay(struct mt_session *s, struct mt_vclock *clock, volatile int *stop,
                      struct mt_session_summary *sum, struct mt_err *err)
{
    assert(s->clock == &clock->clock);
    struct mt_session_summary total = {0}, t;
    int rc = 0;
    for (;;) {
        if (stop && *stop)
            break;
        int64_t wake = mt_session_next_wake(s);
        if (wake == INT64_MAX) /* every bar opening before `to` is processed */
            break;
        if (wake > mt_clock_now(&clock->clock))
            mt_vclock_set(clock, wake);
        if ((rc = mt_session_tick(s, &t, err)))
            return rc;
        total.ticks += t.ticks;
        total.bars += t.bars;
        total.skipped += t.skipped;
        total.missing += t.missing;
        total.decisions += t.decisions;
        total.opened += t.opened;
        total.closed += t.closed;
    }
    if (!(stop && *stop)) {
        if ((rc = mt_session_finish(s, &t, err)))
            return rc;
        total.closed += t.closed;
    }
    if (sum) {
        total.now = mt_clock_now(&clock->clock);
        fill_state(s, &total);
        *sum = total;
    }
    return 0;
}
