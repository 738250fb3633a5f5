/* Sizing and the open-risk limits (see account.h). */
#include "sim/account.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>

static const char *const reason_names[MT_SIM_REASON_COUNT] = {
    "too_many_positions_agent", "too_many_positions", "open_risk_agent", "open_risk_account", "too_small",
    "low_score",
};

const char *mt_sim_reason_name(unsigned bit)
{
    for (unsigned k = 0; k < MT_SIM_REASON_COUNT; k++)
        if (bit == 1u << k)
            return reason_names[k];
    return NULL;
}

struct mt_agent_limits mt_agent_limits_default(void)
{
    return (struct mt_agent_limits){.risk = 0.005,
                                    .max_notional = 1.0,
                                    .min_notional = 15,
                                    .max_positions = 3,
                                    .max_open_r = 5.1,
                                    .min_score = 0.6};
}

struct mt_account_limits mt_account_limits_default(void)
{
    return (struct mt_account_limits){.max_positions = 10, .max_open_r = 10};
}

/* One value and its range, for the checks. */
struct check {
    const char *name;
    double v;
    bool ok;
    const char *want;
};

static int first_bad(const struct check *chk, size_t n, const char *who, struct mt_err *err)
{
    for (size_t k = 0; k < n; k++)
        if (!(isfinite(chk[k].v) && chk[k].ok))
            return mt_err_set(err, MT_EINVAL, "%s: %s = %g must be %s", who, chk[k].name, chk[k].v, chk[k].want);
    return 0;
}

int mt_agent_limits_check(const struct mt_agent_limits *l, const char *who, struct mt_err *err)
{
    const struct check chk[] = {
        {"risk", l->risk, l->risk > 0 && l->risk <= 1, "in (0, 1]"},
        {"max_notional", l->max_notional, l->max_notional > 0, "> 0"},
        {"min_notional", l->min_notional, l->min_notional >= 0, ">= 0"},
        {"max_positions", l->max_positions, l->max_positions >= 0, ">= 0"},
        {"max_open_r", l->max_open_r, l->max_open_r >= 0, ">= 0"},
        {"min_score", l->min_score, l->min_score >= 0 && l->min_score <= 1, "in [0, 1]"},
    };
    return first_bad(chk, sizeof chk / sizeof chk[0], who, err);
}

int mt_account_limits_check(const struct mt_account_limits *l, struct mt_err *err)
{
    const struct check chk[] = {
        {"max_positions", l->max_positions, l->max_positions >= 0, ">= 0"},
        {"max_open_r", l->max_open_r, l->max_open_r >= 0, ">= 0"},
    };
    return first_bad(chk, sizeof chk / sizeof chk[0], "account", err);
}

struct mt_sizing mt_account_size(const struct mt_agent_limits *al, const struct mt_account_limits *l, double equity,
                                 double spread, double score, const struct mt_exposure *agent,
                                 const struct mt_exposure *account, const struct mt_setup *x)
{
    assert(equity > 0 && x->price > 0 && x->stop != x->price);
    double size = fmin(equity * al->risk / fabs(x->price - x->stop),
                       al->max_notional * equity / (x->price * (1.0 + spread / 2)));
    unsigned why = 0;
    why |= agent->positions + 1 > al->max_positions ? MT_SIM_TOO_MANY_POSITIONS_AGENT : 0u;
    why |= account->positions + 1 > l->max_positions ? MT_SIM_TOO_MANY_POSITIONS : 0u;
    why |= agent->open_r + 1 > al->max_open_r ? MT_SIM_OPEN_RISK_AGENT : 0u;
    why |= account->open_r + 1 > l->max_open_r ? MT_SIM_OPEN_RISK_ACCOUNT : 0u;
    why |= size * x->price < al->min_notional ? MT_SIM_TOO_SMALL : 0u;
    why |= !(score >= al->min_score) ? MT_SIM_LOW_SCORE : 0u;
    return (struct mt_sizing){size, why};
}

int mt_agent_max_positions(double median_open_r)
{
    return median_open_r <= 0 ? 2 : 3;
}

double mt_agent_max_open_r(int max_positions)
{
    return 1.7 * max_positions;
}

double mt_median(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: an agent holds a handful of positions */
        for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
            double t = v[k];
            v[k] = v[k - 1];
            v[k - 1] = t;
        }
    return n == 0 ? NAN : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
