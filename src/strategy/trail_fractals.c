/* Trail Fractals (docs/reference-system.md §1.2, the live rules): follow the
 * trend behind a trailing Williams-fractal stop.
 *
 * Levels from the registry's `frac_trend` (width w, spacing s): the latest
 * fractal low minus s/10 ATR ("low") and fractal high plus s/10 ATR ("high"),
 * known (w - 1)/2 bars after the fractal bar, i.e. from closed bars only
 * (before the first fractal of a side is confirmed, frac_trend's documented
 * stand-in: the extreme of the bars at least (w - 1)/2 bars old).
 * - long when close > low level; else short when close < high level (the live
 *   rule on the signal bar's close; the original training simulator used the
 *   open and a different short rule). A setup on EVERY bar where the rule
 *   holds: the backtest decides what to take.
 * - invalidation = the level, stop = calc_stop(level); no target, rr NaN.
 * - trailing: mt_strategy_trail_stop gives calc_stop of the current low level
 *   for longs, of the high level for shorts.
 * Setups start once ATR10 (Wilder, registry `atr`) has a value too.
 * Context: stop distance |stop / close - 1|, ATR10 / close, and frac_trend's
 * age_long / age_short (bars the close stayed above the low / below the high
 * level). */
#include <math.h>
#include <stdio.h>

#include "strategy/strategy_impl.h"

/* The indicators, in the order setup adds them. */
enum { FRAC, ATR };

#define ATR_PERIOD 10

static int trail_fractals_setup(struct mt_strategy *s, char *const *field, struct mt_err *err)
{
    const struct mt_ind_def *ft = mt_ind_find("frac_trend");
    if (!ft)
        return mt_err_set(err, MT_EINVAL, "indicator frac_trend: not in the registry");
    const struct mt_ind_opt *ow = &ft->opt[mt_ind_opt_index(ft, "width")];
    const struct mt_ind_opt *os = &ft->opt[mt_ind_opt_index(ft, "spacing")];
    int w, sp;
    int rc = mt_strategy_field_int(field[0], "width", (int)ow->min, (int)ow->max, &w, err);
    if (!rc)
        rc = mt_strategy_field_int(field[1], "spacing", (int)os->min, (int)os->max, &sp, err);
    if (rc)
        return rc;
    if (w % 2 == 0)
        return mt_err_set(err, MT_EINVAL, "width = %d must be odd", w);
    s->p.trail.width = w;
    s->p.trail.spacing = sp;
    snprintf(s->id, sizeof s->id, "trail_fractals:%d:%d", w, sp);
    const double opt[] = {w, sp}, atr = ATR_PERIOD;
    rc = mt_strategy_add_ind(s, "frac_trend", opt, 2, NULL, err);
    if (!rc)
        rc = mt_strategy_add_ind(s, "atr", &atr, 1, NULL, err);
    return rc;
}

static int trail_fractals_decide(struct mt_strategy *s, double close, const double (*v)[MT_IND_MAX_OUT],
                                 struct mt_setup *out)
{
    double hi = v[FRAC][0], lo = v[FRAC][1], atr = v[ATR][0];
    s->trail_long = mt_strategy_stop(s, 1, lo);
    s->trail_short = mt_strategy_stop(s, -1, hi);
    if (isnan(atr))
        return 0;
    int side;
    if (close > lo)
        side = 1;
    else if (close < hi)
        side = -1;
    else
        return 0;
    if (!mt_strategy_make_setup(s, side, close, side > 0 ? lo : hi, NAN, out))
        return 0;
    out->context[0] = fabs(out->stop / close - 1.0);
    out->context[1] = atr / close;
    out->context[2] = v[FRAC][2];
    out->context[3] = v[FRAC][3];
    out->n_context = 4;
    return 1;
}

const struct mt_strategy_def mt_strategy_trail_fractals = {
    .name = "trail_fractals",
    .usage = "WIDTH:SPACING",
    .n_fields = 2,
    .n_context = 4,
    .context = {"stop_dist", "atr_rel", "age_long", "age_short"},
    .trails = true,
    .setup = trail_fractals_setup,
    .decide = trail_fractals_decide,
};
