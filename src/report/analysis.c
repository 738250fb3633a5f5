/* The report's computations (see analysis.h). */
#include "report/analysis.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/timeframe.h"

int mt_rpt_daily(const struct mt_equity_point *eq, size_t n, int64_t *first, size_t *nd, double **close,
                 double **ret, struct mt_err *err)
{
    assert(n >= 1);
    int64_t d0 = eq[0].time / MT_MS_DAY, d1 = eq[n - 1].time / MT_MS_DAY;
    size_t days = (size_t)(d1 - d0 + 1);
    *close = malloc(days * sizeof **close);
    *ret = malloc(days * sizeof **ret);
    if (!*close || !*ret) {
        free(*close);
        free(*ret);
        *close = *ret = NULL;
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu days", days);
    }
    double prev = eq[0].equity;
    size_t k = 0;
    for (size_t i = 0; i < days; i++) {
        double c = prev;
        while (k < n && eq[k].time / MT_MS_DAY == d0 + (int64_t)i)
            c = eq[k++].equity;
        (*close)[i] = c;
        (*ret)[i] = c / prev - 1.0;
        prev = c;
    }
    *first = d0;
    *nd = days;
    return 0;
}

/* Inserts p into the deepest-first list out[0 .. *k) of at most max. */
static void keep_deepest(struct mt_rpt_drawdown *out, size_t *k, size_t max, struct mt_rpt_drawdown p)
{
    if (max == 0 || (*k == max && p.depth <= out[max - 1].depth))
        return;
    size_t i = *k < max ? (*k)++ : max - 1;
    while (i > 0 && out[i - 1].depth < p.depth) {
        out[i] = out[i - 1];
        i--;
    }
    out[i] = p;
}

size_t mt_rpt_drawdowns(const struct mt_equity_point *eq, size_t n, struct mt_rpt_drawdown *out, size_t max)
{
    size_t k = 0;
    if (n == 0)
        return 0;
    double peak = eq[0].equity;
    int64_t peak_time = eq[0].time;
    struct mt_rpt_drawdown cur = {0};
    bool under = false;
    for (size_t i = 1; i < n; i++) {
        if (eq[i].equity >= peak) { /* the same rule as the metrics: a new (or equal) peak ends a drawdown */
            if (under) {
                cur.recovery = eq[i].time;
                keep_deepest(out, &k, max, cur);
                under = false;
            }
            peak = eq[i].equity;
            peak_time = eq[i].time;
            continue;
        }
        double dd = 1.0 - eq[i].equity / peak;
        if (!under) {
            under = true;
            cur = (struct mt_rpt_drawdown){peak_time, eq[i].time, INT64_MIN, dd};
        }
        if (dd > cur.depth) {
            cur.depth = dd;
            cur.trough = eq[i].time;
        }
    }
    if (under) {
        cur.recovery = INT64_MIN;
        keep_deepest(out, &k, max, cur);
    }
    return k;
}

int mt_rpt_monthly(int64_t first_day, const double *close, size_t nd, double start, int64_t *first_month,
                   size_t *n_months, double **months, struct mt_err *err)
{
    int64_t y;
    unsigned m, d;
    mt_civil_from_days(first_day, &y, &m, &d);
    int64_t m0 = y * 12 + m - 1;
    mt_civil_from_days(first_day + (int64_t)nd - 1, &y, &m, &d);
    size_t nm = (size_t)(y * 12 + m - 1 - m0 + 1);
    *months = malloc(nm * sizeof **months);
    if (!*months)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu months", nm);
    double prev = start;
    for (size_t k = 0; k < nm; k++) {
        int64_t mi = m0 + (int64_t)k;
        /* the month's last day in the curve */
        int64_t next = mt_days_from_civil((mi + 1) / 12, (unsigned)((mi + 1) % 12) + 1, 1);
        int64_t last = next - 1 - first_day;
        if (last >= (int64_t)nd)
            last = (int64_t)nd - 1;
        (*months)[k] = close[last] / prev - 1.0;
        prev = close[last];
    }
    *first_month = m0;
    *n_months = nm;
    return 0;
}

void mt_rpt_rolling(const double *ret, size_t nd, size_t window, double *sharpe, double *vol)
{
    assert(window >= 2);
    for (size_t i = 0; i < nd; i++) {
        sharpe[i] = vol[i] = NAN;
        if (i + 1 < window)
            continue;
        double sum = 0, sum2 = 0;
        for (size_t k = i + 1 - window; k <= i; k++) {
            sum += ret[k];
            sum2 += ret[k] * ret[k];
        }
        double mean = sum / (double)window;
        double var = (sum2 - (double)window * mean * mean) / (double)(window - 1);
        if (var > 0) {
            vol[i] = sqrt(var) * sqrt(365.0);
            sharpe[i] = mean / sqrt(var) * sqrt(365.0);
        } else {
            vol[i] = 0;
        }
    }
}

int mt_rpt_group(const struct mt_rpt_run *r, mt_rpt_pick pick, const void *ctx, struct mt_rpt_stats *out,
                 struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    out->best_r = out->worst_r = NAN;
    struct mt_trade_result *tr = calloc(r->nt ? r->nt : 1, sizeof *tr);
    if (!tr)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu trades", r->nt);
    size_t n = 0;
    double hours = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (!pick(r, t, ctx))
            continue;
        if (t->state == MT_RPT_OPEN) {
            out->open++;
            continue;
        }
        tr[n] = mt_rpt_result(r, t);
        out->pnl += t->pnl;
        out->sum_r += t->r;
        hours += (double)(t->close_time - t->open_time) / 3600000.0;
        out->best_r = n == 0 || t->r > out->best_r ? t->r : out->best_r;
        out->worst_r = n == 0 || t->r < out->worst_r ? t->r : out->worst_r;
        lo = tr[n].open_time < lo ? tr[n].open_time : lo;
        hi = tr[n].close_time > hi ? tr[n].close_time : hi;
        n++;
    }
    /* the exposure's span: the curve's, else the trades' own (else any non-empty span: no trade) */
    int64_t from = r->nm >= 2 ? r->marks[0].time : n ? lo : 0, to = r->nm >= 2 ? r->marks[r->nm - 1].time : n ? hi : 1;
    if (!(to > from))
        to = from + 1;
    int rc = mt_metrics_trades(tr, n, from, to, &out->m, err);
    out->avg_hours = n ? hours / (double)n : NAN;
    free(tr);
    return rc;
}

static int by_parent_id(const void *a, const void *b)
{
    const struct mt_rpt_tracked *x = a, *y = b;
    return (x->parent > y->parent) - (x->parent < y->parent);
}

int mt_rpt_tracked_pairs(const struct mt_rpt_run *r, struct mt_rpt_tracked **out, size_t *n, struct mt_err *err)
{
    *out = NULL;
    *n = 0;
    size_t count = 0;
    for (size_t i = 0; i < r->nt; i++)
        count += r->trades[i].kind == MT_TRADE_TRACKED && r->trades[i].state != MT_RPT_OPEN;
    if (count == 0)
        return 0;
    struct mt_rpt_tracked *v = malloc(count * sizeof *v);
    if (!v)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu tracked trades", count);
    size_t k = 0;
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (t->kind != MT_TRADE_TRACKED || t->state == MT_RPT_OPEN)
            continue;
        long p = mt_rpt_find_trade(r, t->parent);
        if (p < 0 || r->trades[p].state == MT_RPT_OPEN) {
            free(v);
            return mt_err_set(err, MT_EFORMAT, "run %lld: tracked trade %lld follows trade %lld, which is %s",
                              (long long)r->id, (long long)t->id, (long long)t->parent,
                              p < 0 ? "not in the run" : "still open");
        }
        v[k++] = (struct mt_rpt_tracked){(size_t)p, i, r->trades[p].r, t->r};
    }
    qsort(v, k, sizeof *v, by_parent_id);
    *out = v;
    *n = k;
    return 0;
}
