/* Channel Run (docs/reference-system.md §1.1, the live rules): trade from an edge
 * or the middle of the L-bar high/low channel towards an edge or the middle,
 * with a fixed target and stop.
 *
 * HH / LL = highest high / lowest low of the last L bars (this bar included),
 * mid = (HH + LL) / 2, p = (close - LL) / (HH - LL) (no setup on a flat
 * channel). uptrend = EMA(close, alpha 1 / (1 + L/2)) > EMA(close, alpha
 * 1 / (1 + L)), i.e. the pandas ewm(com = L/2) and ewm(com = L) of the
 * original as registry `ema` entries of period L + 1 and 2 L + 1 (k = 2 /
 * (n + 1)); they are seeded with the SMA of their first n closes (TA-Lib),
 * not pandas' adjust=True weights, so the first setup is at bar 2 L.
 * ATR10 = the original's ATR10: pandas ewm(com = 10).mean() (adjust=True,
 * alpha 1/11) of the true range, H - L on the first bar (registry `ewm_atr`
 * com 10); not Wilder's ATR(10), which differs from it by about 1% (median;
 * up to 6% on BTCUSDT 1h 2023).
 * - entry edge: long if p < 0.1 and uptrend; short if p > 0.9 and not.
 * - entry mid: long if 0.4 < p < 0.6 and NOT uptrend, short if 0.4 < p < 0.6
 *   and uptrend: the counter-trend rule the live agent uses since 2024-01-04
 *   (its training simulator kept long <=> uptrend; we use the live rule).
 * - target: long HH - ATR10 (goal edge) or mid; short LL + ATR10 or mid.
 * - invalidation: long LL - 2 ATR10 (entry edge) or (LL + mid) / 2; short
 *   HH + 2 ATR10 or (HH + mid) / 2; stop = calc_stop(invalidation).
 * - no setup when the reward is under 0.3%, the target is not beyond the
 *   close in the trade's direction or the stop not on the other side.
 * Context: position p, width (HH - LL) / mid, ATR10 / close, uptrend (0/1). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "strategy/strategy_impl.h"

/* The indicators, in the order setup adds them. */
enum { HH, LL, FAST, SLOW, ATR };

/* The largest L: the warm-up 2 L stays within the registry's 3000 bars. */
#define MAX_LOOKBACK 1500
#define ATR_COM 10

static const char *const level_name[] = {"edge", "mid"};

/* Parses an ENTRY or GOAL field. */
static int level_field(const char *text, const char *name, enum mt_channel_level *out, struct mt_err *err)
{
    for (int k = 0; k < 2; k++) {
        if (strcmp(text, level_name[k]) == 0) {
            *out = (enum mt_channel_level)k;
            return 0;
        }
    }
    return mt_err_set(err, MT_EINVAL, "%s = %s must be edge or mid", name, text);
}

static int channel_run_setup(struct mt_strategy *s, char *const *field, struct mt_err *err)
{
    int L;
    int rc = mt_strategy_field_int(field[0], "lookback", 2, MAX_LOOKBACK, &L, err);
    if (!rc)
        rc = level_field(field[1], "entry", &s->p.channel.entry, err);
    if (!rc)
        rc = level_field(field[2], "goal", &s->p.channel.goal, err);
    if (rc)
        return rc;
    s->p.channel.lookback = L;
    snprintf(s->id, sizeof s->id, "channel_run:%d:%s:%s", L, level_name[s->p.channel.entry],
             level_name[s->p.channel.goal]);
    const double opt[] = {L, L, L + 1, 2.0 * L + 1, ATR_COM};
    const char *const name[] = {"max", "min", "ema", "ema", "ewm_atr"};
    const enum mt_ind_input high[] = {MT_IN_HIGH}, low[] = {MT_IN_LOW};
    const enum mt_ind_input *const src[] = {high, low, NULL, NULL, NULL};
    for (int k = HH; k <= ATR && !rc; k++)
        rc = mt_strategy_add_ind(s, name[k], &opt[k], 1, src[k], err);
    return rc;
}

static int channel_run_decide(struct mt_strategy *s, double close, const double (*v)[MT_IND_MAX_OUT],
                              struct mt_setup *out)
{
    double hh = v[HH][0], ll = v[LL][0], atr = v[ATR][0];
    if (!(hh > ll) || isnan(atr) || isnan(v[FAST][0]) || isnan(v[SLOW][0]))
        return 0;
    bool up = v[FAST][0] > v[SLOW][0];
    bool edge_in = s->p.channel.entry == MT_CHANNEL_EDGE, edge_goal = s->p.channel.goal == MT_CHANNEL_EDGE;
    double mid = (hh + ll) / 2.0, p = (close - ll) / (hh - ll);
    int side = 0;
    if (edge_in && p < 0.1 && up)
        side = 1;
    else if (edge_in && p > 0.9 && !up)
        side = -1;
    else if (!edge_in && p > 0.4 && p < 0.6)
        side = up ? -1 : 1;
    if (side == 0)
        return 0;
    double target, inval;
    if (side > 0) {
        target = edge_goal ? hh - atr : mid;
        inval = edge_in ? ll - 2.0 * atr : (ll + mid) / 2.0;
    } else {
        target = edge_goal ? ll + atr : mid;
        inval = edge_in ? hh + 2.0 * atr : (hh + mid) / 2.0;
    }
    if (!mt_strategy_make_setup(s, side, close, inval, target, out))
        return 0;
    out->context[0] = p;
    out->context[1] = (hh - ll) / mid;
    out->context[2] = atr / close;
    out->context[3] = up ? 1.0 : 0.0;
    out->n_context = 4;
    return 1;
}

const struct mt_strategy_def mt_strategy_channel_run = {
    .name = "channel_run",
    .usage = "LOOKBACK:ENTRY:GOAL",
    .n_fields = 3,
    .n_context = 4,
    .context = {"position", "width", "atr_rel", "uptrend"},
    .setup = channel_run_setup,
    .decide = channel_run_decide,
};
