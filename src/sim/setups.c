/* Setup backtest of one series (see setups.h). */
#include "sim/setups.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mt_setup_run mt_setup_run_default(const char *strategy_id, enum mt_tf tf, double spread)
{
    struct mt_setup_run run = {.strategy_id = strategy_id, .tf = tf, .spread = spread, .from = INT64_MIN,
                               .to = INT64_MAX};
    run.costs = mt_costs_default();
    run.rules = mt_trade_rules_default();
    return run;
}

int mt_setup_open(struct mt_trade *t, const struct mt_setup *x, enum mt_tf tf, enum mt_trade_kind kind, double size,
                  const struct mt_costs *c, struct mt_err *err)
{
    return mt_trade_open(t, kind, x->side > 0 ? MT_LONG : MT_SHORT, mt_tf_next(tf, x->time), x->price, x->stop,
                         x->target, size, c, err);
}

void mt_setup_outcomes_release(struct mt_setup_outcomes *o)
{
    free(o->v);
    memset(o, 0, sizeof *o);
}

/* Room for one more outcome (at out->v[out->n]); false without memory. */
static bool reserve(struct mt_setup_outcomes *o)
{
    if (o->n < o->cap)
        return true;
    size_t cap = o->cap ? o->cap * 2 : 1024;
    struct mt_setup_outcome *v = realloc(o->v, cap * sizeof *v);
    if (!v)
        return false;
    o->v = v;
    o->cap = cap;
    return true;
}

/* The trades still being followed: indices into the outcomes. */
struct active {
    size_t n, cap;
    size_t *idx;
};

static int active_add(struct active *a, size_t i)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        size_t *v = realloc(a->idx, cap * sizeof *v);
        if (!v)
            return -1;
        a->idx = v;
        a->cap = cap;
    }
    a->idx[a->n++] = i;
    return 0;
}

/* A tracked follow-on of outcome i, which just ended by the strategy or a full take-profit. */
static int follow_on(struct mt_setup_outcomes *out, struct active *act, size_t i)
{
    if (!reserve(out))
        return -1;
    struct mt_setup_outcome *x = &out->v[out->n];
    x->setup = out->v[i].setup;
    x->bar = out->v[i].bar;
    x->parent = (long)i;
    mt_trade_track(&out->v[i].trade, &x->trade);
    return active_add(act, out->n++);
}

const struct mt_subbars *mt_lower_candles(const struct mt_series *lower, int64_t start, int64_t end, size_t *from,
                                          struct mt_subbars *sb)
{
    if (!lower)
        return NULL;
    while (*from < lower->n && lower->open_time[*from] < start)
        (*from)++;
    size_t k = *from;
    while (k < lower->n && lower->open_time[k] < end)
        k++;
    if (k == *from)
        return NULL;
    *sb = (struct mt_subbars){k - *from,          lower->open_time + *from, lower->open + *from,
                              lower->high + *from, lower->low + *from,       lower->close + *from};
    return sb;
}

/* Steps every followed trade through bar i; drops the finished ones. */
static int step_trades(const struct mt_series *s, size_t i, const struct mt_setup_run *run,
                       const struct mt_subbars *lower, struct mt_setup_outcomes *out, struct active *act)
{
    size_t kept = 0, n = act->n;
    for (size_t k = 0; k < n; k++) {
        size_t j = act->idx[k];
        struct mt_trade *t = &out->v[j].trade;
        if (!mt_trade_step(t, s->open_time[i], s->open[i], s->high[i], s->low[i], s->close[i], &run->costs,
                           &run->rules, lower)) {
            act->idx[kept++] = j;
            continue;
        }
        if (mt_trade_follows_on(t) && follow_on(out, act, j))
            return -1;
    }
    /* Follow-ons appended after the first n entries stay. */
    for (size_t k = n; k < act->n; k++)
        act->idx[kept++] = act->idx[k];
    act->n = kept;
    return 0;
}

/* Moves the followed trades' stops to the strategy's trailing levels. */
static void trail(const struct mt_strategy *st, struct mt_setup_outcomes *out, const struct active *act)
{
    double level[2] = {mt_strategy_trail_stop(st, 1), mt_strategy_trail_stop(st, -1)};
    if (isnan(level[0]) && isnan(level[1]))
        return;
    for (size_t k = 0; k < act->n; k++) {
        struct mt_trade *t = &out->v[act->idx[k]].trade;
        double lv = level[t->side == MT_LONG ? 0 : 1];
        if (!isnan(lv))
            mt_trade_move_stop(t, lv);
    }
}

/* Opens a followed trade for setup x found at the close of bar i, built in
 * place at the end of the outcomes. */
static int enter(size_t i, const struct mt_setup_run *run, const struct mt_setup *x, struct mt_setup_outcomes *out,
                 struct active *act)
{
    if (!reserve(out))
        return -1;
    struct mt_setup_outcome *o = &out->v[out->n];
    struct mt_err err = {0};
    /* The strategy checked the stop and target against the reference price; the
     * half spread can still put a stop inside the fill: such a setup is not tradable. */
    if (mt_setup_open(&o->trade, x, run->tf, MT_TRADE_SIM, 1.0 / x->price, &run->costs, &err)) {
        out->untradable++;
        return 0;
    }
    o->setup = *x;
    o->bar = i;
    o->parent = -1;
    return active_add(act, out->n++);
}

int mt_setups_backtest(const struct mt_series *s, const struct mt_setup_run *run, struct mt_setup_outcomes *out,
                       struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_strategy st;
    int rc = mt_strategy_parse(run->strategy_id, run->tf, run->spread, &st, err);
    if (rc)
        return rc;
    struct mt_setup_run r = *run;
    r.costs.spread = run->spread;
    struct active act = {0};
    struct mt_setup setups[MT_STRATEGY_MAX_SETUPS];
    size_t lower_from = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        struct mt_subbars sb;
        const struct mt_subbars *lower =
            act.n ? mt_lower_candles(r.lower, s->open_time[i], mt_tf_next(r.tf, s->open_time[i]), &lower_from, &sb)
                  : NULL;
        if (step_trades(s, i, &r, lower, out, &act)) {
            rc = -1;
            break;
        }
        int k = mt_strategy_step(&st, s->open_time[i], s->open[i], s->high[i], s->low[i], s->close[i],
                                 s->volume ? s->volume[i] : NAN, setups, MT_STRATEGY_MAX_SETUPS);
        trail(&st, out, &act);
        if (s->open_time[i] < r.from || s->open_time[i] >= r.to)
            continue;
        for (int m = 0; m < k && rc == 0; m++)
            rc = enter(i, &r, &setups[m], out, &act);
    }
    if (rc == 0 && s->n > 0)
        for (size_t k = 0; k < act.n; k++)
            mt_trade_censor(&out->v[act.idx[k]].trade, mt_tf_next(r.tf, s->open_time[s->n - 1]), s->close[s->n - 1]);
    free(act.idx);
    mt_strategy_release(&st);
    if (rc) {
        mt_setup_outcomes_release(out);
        return mt_err_set(err, MT_ENOMEM, "setups %s: out of memory", run->strategy_id);
    }
    return 0;
}
