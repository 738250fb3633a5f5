#include "live/agent.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ml/train.h"
#include "sim/account.h"
#include "sim/trade.h"

/* offset and size of a char-array field of struct mt_agent_spec */
#define SPEC_STR(path) offsetof(struct mt_agent_spec, path), sizeof(((struct mt_agent_spec *)0)->path)
/* a number of the spec: the range is checked by resolving, with the spec's messages */
#define SPEC_DOUBLE(name, path) \
    {name, MT_CFG_DOUBLE, offsetof(struct mt_agent_spec, path), 0, -DBL_MAX, DBL_MAX, NULL, 0, 0}
#define SPEC_INT(name, path, lo, hi, type) \
    {name, type, offsetof(struct mt_agent_spec, path), 0, lo, hi, NULL, 0, 0}

static const struct mt_cfg_field pairs_schema[] = {
    {"symbols", MT_CFG_STRING, SPEC_STR(pairs.symbols), 0, 0, NULL, 0, 0},
    SPEC_INT("top", pairs.top, 1, MT_AGENT_TOP_MAX, MT_CFG_INT),
    {"by", MT_CFG_STRING, SPEC_STR(pairs.by), 0, 0, NULL, 0, 0},
    SPEC_INT("min_history_days", pairs.min_history_days, 0, MT_AGENT_HISTORY_DAYS_MAX, MT_CFG_INT),
    SPEC_DOUBLE("max_spread", pairs.max_spread),
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

const struct mt_cfg_field mt_agent_spec_schema[] = {
    {"id", MT_CFG_STRING, SPEC_STR(id), 0, 0, NULL, 0, 0},
    {"strategy", MT_CFG_STRING, SPEC_STR(strategy), 0, 0, NULL, 0, 0},
    {"timeframe", MT_CFG_STRING, SPEC_STR(timeframe), 0, 0, NULL, 0, 0},
    {"sides", MT_CFG_STRING, SPEC_STR(sides), 0, 0, NULL, 0, 0},
    {"pairs", MT_CFG_OBJECT, 0, 0, 0, 0, pairs_schema, 0, 0},
    SPEC_DOUBLE("risk", risk),
    SPEC_INT("max_positions", max_positions, 0, MT_AGENT_POSITIONS_MAX, MT_CFG_INT_AUTO),
    SPEC_DOUBLE("max_open_r", max_open_r),
    SPEC_DOUBLE("tp_r", tp_r),
    SPEC_DOUBLE("tp_fraction", tp_fraction),
    SPEC_DOUBLE("tp_full_value", tp_full_value),
    SPEC_DOUBLE("stale_h", stale_h),
    SPEC_DOUBLE("stale_r", stale_r),
    SPEC_DOUBLE("min_score", min_score),
    SPEC_DOUBLE("win_r", win_r),
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

void mt_agent_spec_init(struct mt_agent_spec *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->sides, sizeof s->sides, "both");
    s->pairs.top = -1;
    snprintf(s->pairs.by, sizeof s->pairs.by, "volume_1d");
    s->pairs.min_history_days = 30;
    s->pairs.max_spread = 0.004;
    s->risk = s->max_open_r = NAN;
    s->max_positions = MT_CFG_AUTO;
    s->tp_r = s->tp_fraction = s->tp_full_value = s->stale_h = s->stale_r = NAN;
    s->min_score = NAN; /* unset: the model's threshold, or mt_agent_limits_default's */
    s->win_r = NAN;     /* unset: the config's ml.win_r */
}

/* fr_max = 0.002 x {15m 1, 30m 2, 1h 4, 4h 10, 12h 20, 1d 30} */
double mt_agent_default_risk(enum mt_tf tf)
{
    switch (tf) {
    case MT_TF_15M: return 0.002;
    case MT_TF_30M: return 0.004;
    case MT_TF_1H: return 0.008;
    case MT_TF_4H: return 0.02;
    case MT_TF_12H: return 0.04;
    case MT_TF_1D: return 0.06;
    default: return NAN;
    }
}

bool mt_agent_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 32)
        return false;
    return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Each comma-separated item of list is 1 to 20 upper-case letters and digits;
 * else MT_ECONFIG naming the first bad one. */
static int check_symbols(const char *list, const char *who, struct mt_err *err)
{
    const char *p = list;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n > 20 || strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") < n)
            return mt_err_set(err, MT_ECONFIG,
                              "%s.pairs.symbols: '%.*s' is not a symbol (1 to 20 upper-case letters and digits)",
                              who, (int)(n > 40 ? 40 : n), p);
        if (!p[n])
            return MT_OK;
        p += n + 1;
    }
}

/* A number of a spec and its valid range: from lo to hi (hi INFINITY: no
 * upper bound), each end open or closed. */
struct range_check {
    const char *key;
    double v, lo, hi;
    bool lo_open, hi_open;
};

static int check_ranges(const struct range_check *chk, size_t n, const char *who, struct mt_err *err)
{
    for (size_t k = 0; k < n; k++) {
        const struct range_check *c = &chk[k];
        if ((c->lo_open ? c->v > c->lo : c->v >= c->lo) && (c->hi_open ? c->v < c->hi : c->v <= c->hi))
            continue;
        if (isinf(c->hi))
            return mt_err_set(err, MT_ECONFIG, "%s.%s = %g must be %s %g", who, c->key, c->v, c->lo_open ? ">" : ">=",
                              c->lo);
        return mt_err_set(err, MT_ECONFIG, "%s.%s = %g must be in %c%g, %g%c", who, c->key, c->v,
                          c->lo_open ? '(' : '[', c->lo, c->hi, c->hi_open ? ')' : ']');
    }
    return MT_OK;
}

/* The value, or dflt when unset (NaN). */
static double or_default(double v, double dflt)
{
    return isnan(v) ? dflt : v;
}

static int resolve_one(struct mt_agent_spec *s, const char *who, struct mt_err *err)
{
    if (!s->id[0])
        return mt_err_set(err, MT_ECONFIG, "%s.id is missing", who);
    if (!mt_agent_id_valid(s->id))
        return mt_err_set(err, MT_ECONFIG, "%s.id '%s' must be 1 to 32 of a-z, 0-9, '_' and '-'", who, s->id);
    if (!s->timeframe[0])
        return mt_err_set(err, MT_ECONFIG, "%s.timeframe is missing", who);
    struct mt_err e = {0};
    if (mt_tf_parse(s->timeframe, &s->tf, &e))
        return mt_err_set(err, MT_ECONFIG, "%s.timeframe: %s", who, e.msg);
    if (!s->strategy[0])
        return mt_err_set(err, MT_ECONFIG, "%s.strategy is missing", who);
    struct mt_strategy st;
    int rc = mt_strategy_parse(s->strategy, s->tf, 0, &st, &e);
    if (rc)
        return mt_err_set(err, rc == MT_EINVAL ? MT_ECONFIG : rc, "%s.strategy: %s", who, e.msg);
    snprintf(s->strategy, sizeof s->strategy, "%s", mt_strategy_id(&st));
    mt_strategy_release(&st);
    if (strcmp(s->sides, "long") == 0)
        s->side_mask = MT_SIDES_LONG;
    else if (strcmp(s->sides, "short") == 0)
        s->side_mask = MT_SIDES_SHORT;
    else if (strcmp(s->sides, "both") == 0)
        s->side_mask = MT_SIDES_BOTH;
    else
        return mt_err_set(err, MT_ECONFIG, "%s.sides is '%s', expected long, short or both", who, s->sides);
    struct mt_agent_pairs *p = &s->pairs;
    if (p->symbols[0]) {
        if (p->top != -1)
            return mt_err_set(err, MT_ECONFIG, "%s.pairs: give either symbols or top, not both", who);
        rc = check_symbols(p->symbols, who, err);
        if (rc)
            return rc;
    } else if (p->top == -1) {
        p->top = 100;
    }
    if (strcmp(p->by, "volume_1d") != 0 && strcmp(p->by, "volume_1w") != 0)
        return mt_err_set(err, MT_ECONFIG, "%s.pairs.by is '%s', expected volume_1d or volume_1w", who, p->by);
    if (isnan(s->risk)) {
        s->risk = mt_agent_default_risk(s->tf);
        if (isnan(s->risk))
            return mt_err_set(err, MT_ECONFIG,
                              "%s.risk has no default on %s (the original's table has 15m, 30m, 1h, 4h, 12h, "
                              "1d): set it",
                              who, mt_tf_name(s->tf));
    }
    struct mt_trade_rules rules = mt_trade_rules_for(s->strategy, NULL);
    s->tp_r = or_default(s->tp_r, rules.tp_at_r);
    s->tp_fraction = or_default(s->tp_fraction, rules.tp_fraction);
    s->tp_full_value = or_default(s->tp_full_value, rules.tp_full_value);
    s->stale_h = or_default(s->stale_h, (double)rules.stale_ms / 3600000.0);
    s->stale_r = or_default(s->stale_r, rules.stale_below_r);
    const struct range_check chk[] = {
        {"pairs.max_spread", p->max_spread, 0, MT_SPREAD_MAX, true, true},
        {"risk", s->risk, 0, 1, true, false},
        {"max_open_r", or_default(s->max_open_r, 0), 0, INFINITY, false, false},
        {"tp_r", s->tp_r, 0, MT_TP_AT_R_MAX, false, false},
        {"tp_fraction", s->tp_fraction, 0, 1, true, false},
        {"tp_full_value", s->tp_full_value, 0, MT_TP_FULL_VALUE_MAX, false, false},
        {"stale_h", s->stale_h, 0, (double)MT_STALE_H_MAX, false, false},
        {"stale_r", s->stale_r, -MT_STALE_R_MAX, MT_STALE_R_MAX, false, false},
        {"min_score", or_default(s->min_score, 0), 0, 1, false, false},
        {"win_r", or_default(s->win_r, 0), MT_TRAIN_WIN_R_MIN, MT_TRAIN_WIN_R_MAX, false, false},
    };
    return check_ranges(chk, sizeof chk / sizeof chk[0], who, err);
}

int mt_agent_specs_resolve(struct mt_agent_spec *specs, size_t n, const char *source, struct mt_err *err)
{
    for (size_t i = 0; i < n; i++) {
        char who[1200];
        snprintf(who, sizeof who, "%s: agents[%zu]", source, i);
        int rc = resolve_one(&specs[i], who, err);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(specs[j].id, specs[i].id) == 0)
                return mt_err_set(err, MT_ECONFIG, "%s.id '%s' is already the id of agents[%zu]", who,
                                  specs[i].id, j);
    }
    return MT_OK;
}

bool mt_agent_lists(const struct mt_agent_spec *s, const char *symbol)
{
    const char *list = s->pairs.symbols;
    size_t len = strlen(symbol);
    for (const char *p = list; (p = strstr(p, symbol)); p += len)
        if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

struct mt_engine_agent mt_agent_engine(const struct mt_agent_spec *s)
{
    assert(s->side_mask && !isnan(s->risk));
    struct mt_engine_agent a = {.strategy_id = s->strategy,
                                .rules = {.tp_at_r = s->tp_r,
                                          .tp_fraction = s->tp_fraction,
                                          .tp_full_value = s->tp_full_value,
                                          .stale_ms = (int64_t)(s->stale_h * 3600000.0),
                                          .stale_below_r = s->stale_r},
                                .limits = mt_agent_limits_default()};
    a.limits.risk = s->risk;
    a.sides = s->side_mask;
    a.limits.auto_positions = s->max_positions == MT_CFG_AUTO;
    a.limits.auto_open_r = isnan(s->max_open_r);
    a.limits.max_positions = a.limits.auto_positions ? mt_agent_max_positions(NAN) : (int)s->max_positions;
    a.limits.max_open_r = a.limits.auto_open_r ? mt_agent_max_open_r(a.limits.max_positions) : s->max_open_r;
    if (!isnan(s->min_score))
        a.limits.min_score = s->min_score;
    return a;
}

struct mt_rank_rule mt_agent_rank_rule(const struct mt_agent_spec *s)
{
    int64_t day = 86400000LL;
    return (struct mt_rank_rule){s->pairs.top, strcmp(s->pairs.by, "volume_1w") == 0 ? 7 * day : day,
                                 s->pairs.min_history_days * day, s->pairs.max_spread};
}
