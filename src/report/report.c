/* The HTML report (see report.h). */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/numfmt.h"
#include "core/time.h"
#include "core/timeframe.h"
#include "report/analysis.h"
#include "report/chart.h"
#include "sim/account.h"

#define CHART_W 960.0
#define CHART_H 300.0
#define WORST_DRAWDOWNS 5
#define PRICE_CANDLES 240 /* most candles of a price chart (bars are merged beyond) */
#define MAX_FOLDS 64

static const char css[] =
    "body{font:14px/1.45 'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1d232a;margin:0;background:#f6f7f9}"
    "main{max-width:1000px;margin:0 auto;padding:16px 20px}"
    "h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:0 0 8px;border-bottom:1px solid #d5d9de;"
    "padding-bottom:4px}h3{font-size:14px;margin:12px 0 4px}"
    "section{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:12px 16px;margin:14px 0;"
    "break-inside:avoid}"
    "table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{padding:3px 8px;text-align:right;"
    "border-bottom:1px solid #eef0f2;white-space:nowrap}th{background:#f3f4f6;font-weight:600}td:first-child,th:first-child"
    "{text-align:left}"
    ".kv td:first-child{color:#57606a}.note{color:#57606a;font-size:12.5px}.warn{color:#9a3412}"
    ".metrics{display:grid;grid-template-columns:repeat(4,1fr);gap:6px;margin:8px 0}"
    ".metric{background:#f6f8fa;border-radius:4px;padding:6px 8px}.metric b{display:block;font-size:16px}"
    ".metric span{color:#57606a;font-size:12px}"
    "svg.chart{display:block;margin:6px 0;font-size:11px}.grid{stroke:#eceef1}.frame{fill:none;stroke:#c9ced4}"
    ".tick{fill:#57606a}.legend{fill:#1d232a;font-size:12px}.legend-bg{fill:#fff;opacity:.85}"
    ".l-eq{fill:none;stroke:#2563eb;stroke-width:1.6}.l-bench{fill:none;stroke:#f59e0b;stroke-width:1.2}"
    ".l-base{fill:none;stroke:#7c3aed;stroke-width:1.2;stroke-dasharray:4 3}"
    ".l-a{fill:none;stroke:#2563eb;stroke-width:1.4}.l-b{fill:none;stroke:#dc2626;stroke-width:1.2}"
    ".l-c{fill:none;stroke:#16a34a;stroke-width:1.2}.l-d{fill:none;stroke:#6b7280;stroke-width:1;"
    "stroke-dasharray:3 3}"
    ".key.l-eq,.key.l-a{fill:#2563eb}.key.l-bench{fill:#f59e0b}.key.l-base{fill:#7c3aed}.key.l-b{fill:#dc2626}"
    ".key.l-c{fill:#16a34a}.key.l-d{fill:#6b7280}"
    ".a-dd{fill:#fca5a5;stroke:#dc2626;stroke-width:.8}.span-dd{fill:#fee2e2;opacity:.7}"
    ".b-pos{fill:#16a34a}.b-neg{fill:#dc2626}.limit{stroke:#dc2626;stroke-dasharray:5 3}.zero{stroke:#9ca3af}"
    ".up{fill:#16a34a}.down{fill:#dc2626}.wick{stroke:#6b7280}"
    ".m-long{fill:#1d4ed8}.m-short{fill:#9333ea}.m-win{fill:#16a34a;stroke:#fff}.m-loss{fill:#dc2626;stroke:#fff}"
    ".s-stop{stroke:#dc2626;stroke-dasharray:4 2}.s-target{stroke:#16a34a;stroke-dasharray:4 2}"
    ".hm-p1{fill:#dcfce7}.hm-p2{fill:#86efac}.hm-p3{fill:#22c55e}.hm-p4{fill:#15803d}"
    ".hm-n1{fill:#fee2e2}.hm-n2{fill:#fca5a5}.hm-n3{fill:#ef4444}.hm-n4{fill:#b91c1c}.hm-0{fill:#f3f4f6}"
    ".hm-t{font-size:11px;fill:#111827}.hm-h{font-size:11px;fill:#57606a}"
    ".cal{fill:#2563eb}.cal-cv{fill:#f59e0b}"
    "@media print{body{background:#fff}section{border:none;padding:0}main{max-width:none}}";

/* ---- numbers ---- */

static const char *fmt_pct(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.2f%%", 100 * v);
    return buf;
}

static const char *fmt_fixed(double v, int dec, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (isinf(v))
        snprintf(buf, size, v > 0 ? "inf" : "-inf");
    else
        snprintf(buf, size, "%.*f", dec, v);
    return buf;
}

static const char *fmt_date(int64_t t, char *buf, size_t size)
{
    if (t == INT64_MIN || t == INT64_MAX) {
        snprintf(buf, size, "-");
        return buf;
    }
    int64_t y;
    unsigned m, d;
    mt_civil_from_days(t >= 0 ? t / MT_MS_DAY : (t - MT_MS_DAY + 1) / MT_MS_DAY, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
    return buf;
}

/* A table cell with the figure's key and exact value, showing text. */
static void cell(FILE *f, const char *key, double v, const char *text)
{
    char num[32];
    mt_fmt_double(v, num, sizeof num);
    if (key)
        fprintf(f, "<td data-k=\"%s\" data-v=\"%s\">%s</td>", key, isnan(v) ? "nan" : num, text);
    else
        fprintf(f, "<td>%s</td>", text);
}

static void cell_pct(FILE *f, const char *key, double v)
{
    char b[32];
    cell(f, key, v, fmt_pct(v, b, sizeof b));
}

static void cell_num(FILE *f, const char *key, double v, int dec)
{
    char b[48];
    cell(f, key, v, fmt_fixed(v, dec, b, sizeof b));
}

static void cell_text(FILE *f, const char *s)
{
    fprintf(f, "<td>");
    mt_html_escape(f, s);
    fprintf(f, "</td>");
}

/* A headline figure. */
static void metric(FILE *f, const char *key, const char *label, double v, const char *text)
{
    char num[32];
    mt_fmt_double(v, num, sizeof num);
    fprintf(f, "<div class=\"metric\"><b data-k=\"%s\" data-v=\"%s\">%s</b><span>%s</span></div>", key,
            isnan(v) ? "nan" : num, text, label);
}

static void note(FILE *f, const char *text)
{
    fprintf(f, "<p class=\"note\">%s</p>", text);
}

/* ---- what every section shares ---- */

struct ctx {
    FILE *f;
    const struct mt_report_input *in;
    const struct mt_rpt_run *r;
    struct mt_metrics m;
    struct mt_equity_point *eq;
    size_t n;
    int64_t first_day;
    size_t nd;
    double *close, *ret;
    struct mt_rpt_drawdown dd[WORST_DRAWDOWNS]; /* the deepest first */
    size_t ndd;
    double *x, *y; /* scratch of n (or more) doubles */
    size_t scratch;
};

/* Room for k doubles in both scratch arrays. */
static int scratch(struct ctx *c, size_t k, struct mt_err *err)
{
    if (k <= c->scratch)
        return 0;
    double *x = realloc(c->x, k * sizeof *x);
    if (x)
        c->x = x;
    double *y = x ? realloc(c->y, k * sizeof *y) : NULL;
    if (!y)
        return mt_err_set(err, MT_ENOMEM, "report: out of memory for %zu points", k);
    c->y = y;
    c->scratch = k;
    return 0;
}

static void section_begin(FILE *f, const char *id, const char *title)
{
    fprintf(f, "<section id=\"%s\"><h2>%s</h2>\n", id, title);
}

static void section_end(FILE *f)
{
    fprintf(f, "</section>\n");
}

/* The min and max of the finite values among v[0 .. n) into *lo / *hi (widened by both when given). */
static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = v[i] < *lo ? v[i] : *lo;
            *hi = v[i] > *hi ? v[i] : *hi;
        }
}

/* The baseline run's curve over this run's span into x / y (room for its
 * points); returns how many. */
static size_t baseline_points(const struct ctx *c, double *x, double *y)
{
    const struct mt_rpt_run *b = c->in->baseline;
    size_t k = 0;
    for (size_t i = 0; b && i < b->nm; i++)
        if (b->marks[i].time >= c->eq[0].time && b->marks[i].time <= c->eq[c->n - 1].time) {
            x[k] = (double)b->marks[i].time;
            y[k++] = b->marks[i].equity;
        }
    return k;
}

/* ---- summary ---- */

static const char *kind_word(enum mt_trade_kind k)
{
    return k == MT_TRADE_REAL ? "real" : k == MT_TRADE_SIM ? "sim" : "tracked";
}

static void sec_summary(struct ctx *c)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    const struct mt_metrics *m = &c->m;
    char a[32], b[32], t[64];
    section_begin(f, "summary", "Summary");
    size_t kinds[3] = {0};
    for (size_t i = 0; i < r->nt; i++)
        kinds[r->trades[i].kind]++;
    fprintf(f, "<table class=\"kv\"><tr><td>run</td><td>%lld, ", (long long)r->id);
    mt_html_escape(f, r->kind);
    fprintf(f, ", ");
    mt_html_escape(f, r->timeframe);
    fprintf(f, "</td></tr>");
    fprintf(f, "<tr><td>curve</td><td>%s to %s (%zu points)</td></tr>", fmt_date(c->eq[0].time, a, sizeof a),
            fmt_date(c->eq[c->n - 1].time, b, sizeof b), c->n);
    fprintf(f, "<tr><td>agents</td><td>");
    for (size_t i = 0; i < r->na; i++) {
        fprintf(f, "%s", i ? ", " : "");
        mt_html_escape(f, r->agents[i].name);
        fprintf(f, " (");
        mt_html_escape(f, r->agents[i].strategy);
        fprintf(f, " %s ", mt_tf_name(r->agents[i].tf));
        mt_html_escape(f, r->agents[i].sides);
        fprintf(f, ")");
    }
    fprintf(f, "</td></tr><tr><td>series</td><td>%zu</td></tr>", r->ns);
    fprintf(f, "<tr><td>trades</td><td>%zu real, %zu sim, %zu tracked</td></tr></table>", kinds[0], kinds[1],
            kinds[2]);
    double days = (double)(c->eq[c->n - 1].time - c->eq[0].time) / (double)MT_MS_DAY;
    const struct mt_rpt_drawdown *dd = c->dd;
    size_t ndd = c->ndd;
    double calmar = m->max_drawdown > 0 ? m->cagr / m->max_drawdown : NAN;
    fprintf(f, "<div class=\"metrics\">");
    metric(f, "total_return", "total return", m->total_return, fmt_pct(m->total_return, t, sizeof t));
    metric(f, "cagr", "CAGR", m->cagr, fmt_pct(m->cagr, t, sizeof t));
    metric(f, "sharpe", "Sharpe (daily, 365)", m->sharpe, fmt_fixed(m->sharpe, 2, t, sizeof t));
    metric(f, "sortino", "Sortino", m->sortino, fmt_fixed(m->sortino, 2, t, sizeof t));
    metric(f, "calmar", "Calmar (CAGR / max DD)", calmar, fmt_fixed(calmar, 2, t, sizeof t));
    metric(f, "max_drawdown", "max drawdown", m->max_drawdown, fmt_pct(m->max_drawdown, t, sizeof t));
    metric(f, "profit_factor", "profit factor", m->profit_factor, fmt_fixed(m->profit_factor, 2, t, sizeof t));
    metric(f, "expectancy_r", "expectancy (R per trade)", m->expectancy_r, fmt_fixed(m->expectancy_r, 3, t, sizeof t));
    metric(f, "win_rate", "win rate", m->win_rate, fmt_pct(m->win_rate, t, sizeof t));
    double per_day = days > 0 ? (double)m->trades / days : NAN;
    metric(f, "trades_per_day", "real trades per day", per_day, fmt_fixed(per_day, 2, t, sizeof t));
    metric(f, "exposure", "exposure (time in a trade)", m->exposure, fmt_pct(m->exposure, t, sizeof t));
    metric(f, "trades", "real trades (closed or censored)", (double)m->trades, fmt_fixed((double)m->trades, 0, t, sizeof t));
    fprintf(f, "</div><table class=\"kv\">");
    fprintf(f, "<tr><td>balance</td>");
    cell_num(f, "start_equity", m->start_equity, 2);
    fprintf(f, "<td>to</td>");
    cell_num(f, "end_equity", m->end_equity, 2);
    fprintf(f, "</tr><tr><td>max drawdown: peak, trough, recovery</td>");
    cell(f, "max_dd_peak", ndd ? (double)dd[0].peak : NAN, ndd ? fmt_date(dd[0].peak, a, sizeof a) : "-");
    cell(f, "max_dd_trough", ndd ? (double)dd[0].trough : NAN, ndd ? fmt_date(dd[0].trough, b, sizeof b) : "-");
    bool rec = ndd && dd[0].recovery != INT64_MIN;
    cell(f, "max_dd_recovery", rec ? (double)dd[0].recovery : NAN,
         rec ? fmt_date(dd[0].recovery, t, sizeof t) : ndd ? "not recovered" : "-");
    fprintf(f, "</tr><tr><td>longest time under a peak (days)</td>");
    cell_num(f, "max_drawdown_days", (double)m->max_drawdown_ms / (double)MT_MS_DAY, 1);
    fprintf(f, "</tr><tr><td>average win / loss (R)</td>");
    cell_num(f, "avg_win_r", m->avg_win_r, 3);
    cell_num(f, "avg_loss_r", m->avg_loss_r, 3);
    fprintf(f, "</tr><tr><td>setups decided: real, sim, untradable, held, opposite</td><td>%lld, %lld, %lld, %lld, %lld</td>"
               "</tr></table>",
            (long long)r->decisions[0], (long long)r->decisions[1], (long long)r->decisions[2],
            (long long)r->decisions[3], (long long)r->decisions[4]);
    note(f, "Metrics as the backtest computes them (sim/metrics.h): returns of the equity curve marked at every "
            "bar close, Sharpe and Sortino of daily returns annualised with 365 days, trade figures over the real "
            "trades that closed or were censored (marked to market) at the end of the run.");
    section_end(f);
}

/* ---- equity ---- */

static int sec_equity(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_report_input *in = c->in;
    section_begin(f, "equity", in->log_y ? "Equity (log scale)" : "Equity");
    size_t nb = 0, nbase = in->baseline ? in->baseline->nm : 0;
    int rc = scratch(c, c->n + in->n_bench + nbase, err);
    if (rc)
        return rc;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        c->x[i] = (double)c->eq[i].time;
        c->y[i] = c->eq[i].equity;
    }
    range_of(c->y, c->n, &lo, &hi);
    /* buy and hold from the curve's first time, scaled to its start */
    double *bx = c->x + c->n, *by = c->y + c->n;
    size_t b0 = 0;
    while (b0 < in->n_bench && in->bench_time[b0] < c->eq[0].time)
        b0++;
    for (size_t i = b0; i < in->n_bench && in->bench_time[i] <= c->eq[c->n - 1].time; i++) {
        bx[nb] = (double)in->bench_time[i];
        by[nb++] = in->bench_close[i] / in->bench_close[b0] * c->eq[0].equity;
    }
    range_of(by, nb, &lo, &hi);
    double *qx = bx + nb, *qy = by + nb;
    nbase = baseline_points(c, qx, qy);
    range_of(qy, nbase, &lo, &hi);
    bool log_y = in->log_y && lo > 0;
    struct mt_chart ch;
    mt_chart_begin(&ch, f, "equity", "equity curve", CHART_W, CHART_H, c->x[0], c->x[c->n - 1],
                   log_y ? lo / 1.02 : lo - (hi - lo) * 0.04, log_y ? hi * 1.02 : hi + (hi - lo) * 0.04,
                   MT_AXIS_TIME, MT_AXIS_NUMBER, log_y);
    if (nbase)
        mt_chart_line(&ch, qx, qy, nbase, NAN, "l-base");
    if (nb)
        mt_chart_line(&ch, bx, by, nb, NAN, "l-bench");
    mt_chart_line(&ch, c->x, c->y, c->n, NAN, "l-eq");
    const char *names[3] = {"equity", NULL, NULL}, *cls[3] = {"l-eq", "l-bench", "l-base"};
    char bench_name[64], base_name[64];
    size_t nl = 1;
    if (nb) {
        snprintf(bench_name, sizeof bench_name, "buy and hold %s", in->bench_symbol);
        names[nl++] = bench_name;
    }
    if (nbase) {
        snprintf(base_name, sizeof base_name, "run %lld (baseline)", (long long)in->baseline->id);
        cls[nl] = "l-base";
        names[nl++] = base_name;
    }
    mt_chart_legend(&ch, names, cls, nl);
    mt_chart_end(&ch);
    if (nb) {
        double bh = by[nb - 1] / by[0] - 1;
        char t[32];
        fprintf(f, "<table><tr><th>buy and hold %s over the curve</th>", in->bench_symbol);
        cell(f, "bench_return", bh, fmt_pct(bh, t, sizeof t));
        fprintf(f, "</tr></table>");
    } else {
        note(f, "No benchmark: the store has no candles of the benchmark symbol over the run's span.");
    }
    section_end(f);
    return 0;
}

/* ---- drawdown ---- */

static int sec_drawdown(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    section_begin(f, "drawdown", "Drawdowns");
    int rc = scratch(c, c->n, err);
    if (rc)
        return rc;
    double peak = c->eq[0].equity, lo = 0;
    for (size_t i = 0; i < c->n; i++) {
        peak = c->eq[i].equity > peak ? c->eq[i].equity : peak;
        c->x[i] = (double)c->eq[i].time;
        c->y[i] = c->eq[i].equity / peak - 1;
        lo = c->y[i] < lo ? c->y[i] : lo;
    }
    const struct mt_rpt_drawdown *dd = c->dd;
    size_t ndd = c->ndd;
    struct mt_chart ch;
    mt_chart_begin(&ch, f, "underwater", "underwater curve", CHART_W, 200, c->x[0], c->x[c->n - 1],
                   lo * 1.05, 0, MT_AXIS_TIME, MT_AXIS_PERCENT, false);
    if (ndd)
        mt_chart_vspan(&ch, (double)dd[0].peak,
                       dd[0].recovery == INT64_MIN ? c->x[c->n - 1] : (double)dd[0].recovery, "span-dd");
    mt_chart_line(&ch, c->x, c->y, c->n, 0, "a-dd");
    mt_chart_end(&ch);
    fprintf(f, "<h3>Worst drawdowns</h3><table><tr><th>#</th><th>depth</th><th>peak</th><th>trough</th>"
               "<th>recovered</th><th>days under</th></tr>");
    for (size_t i = 0; i < ndd; i++) {
        char a[32], b[32], e[32], k[32];
        int64_t end = dd[i].recovery == INT64_MIN ? c->eq[c->n - 1].time : dd[i].recovery;
        fprintf(f, "<tr><td>%zu</td>", i + 1);
        snprintf(k, sizeof k, "dd%zu_depth", i + 1);
        cell_pct(f, k, dd[i].depth);
        fprintf(f, "<td>%s</td><td>%s</td><td>%s</td>", fmt_date(dd[i].peak, a, sizeof a),
                fmt_date(dd[i].trough, b, sizeof b),
                dd[i].recovery == INT64_MIN ? "not yet" : fmt_date(dd[i].recovery, e, sizeof e));
        cell_num(f, NULL, (double)(end - dd[i].peak) / (double)MT_MS_DAY, 1);
        fprintf(f, "</tr>");
    }
    fprintf(f, "</table>");
    if (ndd == 0)
        note(f, "The curve never fell below a previous peak.");
    section_end(f);
    return 0;
}

/* ---- monthly ---- */

static const char *heat_class(double v)
{
    double a = fabs(v);
    int k = isnan(v) || a < 1e-12 ? 0 : a < 0.01 ? 1 : a < 0.03 ? 2 : a < 0.08 ? 3 : 4;
    static const char *const pos[] = {"hm-0", "hm-p1", "hm-p2", "hm-p3", "hm-p4"};
    static const char *const neg[] = {"hm-0", "hm-n1", "hm-n2", "hm-n3", "hm-n4"};
    return v >= 0 || isnan(v) ? pos[k] : neg[k];
}

static void heat_cell(FILE *f, double x, double y, double v, const char *key)
{
    char t[32];
    fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"62\" height=\"22\"/>", heat_class(v), x, y);
    if (isnan(v))
        return;
    char num[32];
    mt_fmt_double(v, num, sizeof num);
    fprintf(f, "<text class=\"hm-t\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" data-k=\"%s\" data-v=\"%s\">%s</text>",
            x + 31, y + 15, key, num, fmt_pct(v, t, sizeof t));
}

static int sec_monthly(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    section_begin(f, "monthly", "Monthly returns");
    int64_t m0;
    size_t nm;
    double *mon = NULL;
    int rc = mt_rpt_monthly(c->first_day, c->close, c->nd, c->eq[0].equity, &m0, &nm, &mon, err);
    if (rc)
        return rc;
    int64_t y0 = m0 / 12, y1 = (m0 + (int64_t)nm - 1) / 12;
    size_t years = (size_t)(y1 - y0 + 1);
    double h = 26.0 * (double)(years + 1) + 6;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"monthly\" viewBox=\"0 0 %.0f "
               "%.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"monthly returns\">"
               "<title>monthly returns</title>",
            CHART_W, h, CHART_W, h);
    static const char *const mname[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int k = 0; k < 13; k++)
        fprintf(f, "<text class=\"hm-h\" x=\"%.1f\" y=\"16\" text-anchor=\"middle\">%s</text>", 60 + 66.0 * k + 31,
                k < 12 ? mname[k] : "Year");
    for (size_t yi = 0; yi < years; yi++) {
        int64_t year = y0 + (int64_t)yi;
        double y = 26.0 * (double)(yi + 1);
        fprintf(f, "<text class=\"hm-h\" x=\"8\" y=\"%.1f\">%lld</text>", y + 15, (long long)year);
        double growth = 1;
        bool any = false;
        for (int mo = 0; mo < 12; mo++) {
            int64_t idx = year * 12 + mo - m0;
            double v = idx >= 0 && idx < (int64_t)nm ? mon[idx] : NAN;
            char key[32];
            snprintf(key, sizeof key, "month_%lld_%02d", (long long)year, mo + 1);
            heat_cell(f, 60 + 66.0 * mo, y, v, key);
            if (!isnan(v)) {
                growth *= 1 + v;
                any = true;
            }
        }
        char key[32];
        snprintf(key, sizeof key, "year_%lld", (long long)year);
        heat_cell(f, 60 + 66.0 * 12, y, any ? growth - 1 : NAN, key);
    }
    fprintf(f, "</svg>\n");
    note(f, "A month's return is its last day's close over the previous month's (the first month's over the "
            "curve's first point); a year's is the product of its months.");
    free(mon);
    section_end(f);
    return 0;
}

/* ---- breakdown tables ---- */

#define PICK_ANY (-1)    /* pick_ctx.kind: any kind */
#define PICK_SETUPS (-2) /* pick_ctx.kind: real or sim (every setup followed, not the tracked continuations) */

struct pick_ctx {
    int kind;   /* an mt_trade_kind, PICK_ANY or PICK_SETUPS */
    long agent; /* -1: any */
    long symbol;
    int exit;   /* an mt_exit, or -1 */
    unsigned reasons_any, reasons_exact; /* sims: any of these bits / exactly these bits (0: unused) */
};

static bool pick_trade(const struct mt_rpt_run *r, const struct mt_rpt_trade *t, const void *ctx)
{
    (void)r;
    const struct pick_ctx *p = ctx;
    bool kind = p->kind == PICK_ANY || (p->kind == PICK_SETUPS ? t->kind != MT_TRADE_TRACKED : (int)t->kind == p->kind);
    return kind && (p->agent < 0 || (long)t->agent == p->agent) &&
           (p->symbol < 0 || (long)t->symbol == p->symbol) && (p->exit < 0 || (int)t->exit == p->exit) &&
           (!p->reasons_any || (t->sim_reasons & p->reasons_any)) &&
           (!p->reasons_exact || t->sim_reasons == p->reasons_exact);
}

static const char stats_header[] = "<th>trades</th><th>open</th><th>win rate</th><th>profit factor</th>"
                                   "<th>mean R</th><th>total R</th><th>pnl</th><th>avg hours</th></tr>";

/* One row of a breakdown table: label, then the group's figures (keys prefix_...). */
static void stats_row(FILE *f, const char *label, const char *prefix, const struct mt_rpt_stats *s)
{
    char k[6][96];
    const char *names[6] = {"trades", "win_rate", "profit_factor", "mean_r", "total_r", "pnl"};
    for (int i = 0; i < 6; i++)
        snprintf(k[i], sizeof k[i], "%s_%s", prefix, names[i]);
    fprintf(f, "<tr>");
    cell_text(f, label);
    cell_num(f, k[0], (double)s->m.trades, 0);
    cell_num(f, NULL, (double)s->open, 0);
    cell_pct(f, k[1], s->m.win_rate);
    cell_num(f, k[2], s->m.profit_factor, 2);
    cell_num(f, k[3], s->m.expectancy_r, 3);
    cell_num(f, k[4], s->sum_r, 2);
    cell_num(f, k[5], s->pnl, 2);
    cell_num(f, NULL, s->avg_hours, 1);
    fprintf(f, "</tr>");
}

/* Keys may only hold [a-z0-9_.-]: symbols and agent names are lower-cased, others become '_'. */
static void key_part(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++) {
        char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        out[k++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ? ch : '_';
    }
    out[k] = '\0';
}

static int sec_breakdown(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    section_begin(f, "breakdown", "Trades by agent, symbol and exit reason");
    struct mt_rpt_stats s;
    int rc = 0;
    char key[96], part[64];
    fprintf(f, "<h3>Per agent (real trades)</h3><table><tr><th>agent</th>%s", stats_header);
    for (size_t a = 0; a < r->na && rc == 0; a++) {
        struct pick_ctx p = {MT_TRADE_REAL, (long)a, -1, -1, 0, 0};
        if ((rc = mt_rpt_group(r, pick_trade, &p, &s, err)) == 0) {
            snprintf(key, sizeof key, "agent_%zu", a);
            stats_row(f, r->agents[a].name, key, &s);
        }
    }
    fprintf(f, "</table><h3>Per symbol (real trades)</h3><table><tr><th>symbol</th>%s", stats_header);
    for (size_t y = 0; y < r->ns && rc == 0; y++) {
        struct pick_ctx p = {MT_TRADE_REAL, -1, (long)y, -1, 0, 0};
        if ((rc = mt_rpt_group(r, pick_trade, &p, &s, err)) == 0 && s.m.trades + s.open > 0) {
            key_part(r->symbols[y], part, sizeof part);
            snprintf(key, sizeof key, "symbol_%s", part);
            stats_row(f, r->symbols[y], key, &s);
        }
    }
    fprintf(f, "</table><h3>Per exit reason (real trades)</h3><table><tr><th>exit</th>%s", stats_header);
    for (int e = MT_EXIT_STOP; e <= MT_EXIT_CENSORED && rc == 0; e++) {
        struct pick_ctx p = {MT_TRADE_REAL, -1, -1, e, 0, 0};
        if ((rc = mt_rpt_group(r, pick_trade, &p, &s, err)) == 0 && s.m.trades > 0) {
            snprintf(key, sizeof key, "exit_%s", mt_exit_name((enum mt_exit)e));
            stats_row(f, mt_exit_name((enum mt_exit)e), key, &s);
        }
    }
    fprintf(f, "</table>");
    section_end(f);
    return rc;
}

/* ---- R distribution ---- */

/* Counts v into count[0 .. bins): bins of width w from lo, the first and last open-ended. */
static void bin_add(double v, double lo, double w, size_t bins, double *count)
{
    double b = floor((v - lo) / w);
    count[b < 0 ? 0 : b >= (double)bins ? bins - 1 : (size_t)b]++;
}

/* The bins' centres into mid; returns the largest count. */
static double bin_centres(double lo, double w, size_t bins, const double *count, double *mid)
{
    double top = 0;
    for (size_t k = 0; k < bins; k++) {
        mid[k] = lo + w * ((double)k + 0.5);
        top = count[k] > top ? count[k] : top;
    }
    return top;
}

static void sec_rdist(struct ctx *c)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    section_begin(f, "rdist", "R distribution of the real trades");
    /* bins of 0.25 R over [-3, 10), the ends collecting what lies beyond */
    enum { BINS = 52 };
    const double lo = -3, w = 0.25;
    double count[BINS] = {0}, mid[BINS];
    size_t n = 0;
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (t->kind != MT_TRADE_REAL || t->state == MT_RPT_OPEN)
            continue;
        bin_add(t->r, lo, w, BINS, count);
        n++;
    }
    double top = bin_centres(lo, w, BINS, count, mid);
    if (n == 0) {
        note(f, "No real trade closed in this run.");
        section_end(f);
        return;
    }
    struct mt_chart ch;
    mt_chart_begin(&ch, f, "rdist", "R distribution", CHART_W, 220, lo, lo + w * BINS, 0, top * 1.08,
                   MT_AXIS_R, MT_AXIS_NUMBER, false);
    for (size_t k = 0; k < BINS; k++)
        mt_chart_bars(&ch, &mid[k], &count[k], 1, w * 0.9, mid[k] >= 0 ? "b-pos" : "b-neg", "b-neg");
    mt_chart_segment(&ch, c->m.expectancy_r, 0, c->m.expectancy_r, top * 1.08, "l-d");
    mt_chart_end(&ch);
    note(f, "Net R of each real trade (bins of 0.25 R; the first and last bins hold everything below -3 R and "
            "above 10 R); the dashed line is the mean.");
    section_end(f);
}

/* ---- rolling ---- */

static int sec_rolling(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    section_begin(f, "rolling", "Rolling Sharpe and volatility");
    size_t window = c->nd >= 180 ? 60 : c->nd / 3 >= 7 ? c->nd / 3 : 0;
    if (window == 0) {
        note(f, "The run spans fewer than 21 days: no rolling window.");
        section_end(f);
        return 0;
    }
    int rc = scratch(c, 2 * c->nd, err);
    if (rc)
        return rc;
    double *sh = c->y, *vol = c->y + c->nd, *x = c->x;
    mt_rpt_rolling(c->ret, c->nd, window, sh, vol);
    for (size_t i = 0; i < c->nd; i++)
        x[i] = (double)((c->first_day + (int64_t)i) * MT_MS_DAY);
    const char *titles[2] = {"rolling Sharpe", "rolling volatility (annualised)"};
    const char *names[2] = {"rolling_sharpe", "rolling_vol"};
    for (int k = 0; k < 2; k++) {
        const double *v = k == 0 ? sh : vol;
        double lo = 0, hi = 0;
        range_of(v, c->nd, &lo, &hi);
        struct mt_chart ch;
        mt_chart_begin(&ch, f, names[k], titles[k], CHART_W, 180, x[0], x[c->nd - 1], lo, hi * 1.05 + 1e-9,
                       MT_AXIS_TIME, k == 0 ? MT_AXIS_NUMBER : MT_AXIS_PERCENT, false);
        if (k == 0)
            mt_chart_hline(&ch, 0, "zero");
        mt_chart_line(&ch, x, v, c->nd, NAN, k == 0 ? "l-a" : "l-b");
        mt_chart_end(&ch);
    }
    fprintf(f, "<p class=\"note\">Over the last <span data-k=\"rolling_days\" data-v=\"%zu\">%zu</span> days of "
               "daily returns (60, or a third of the run when it is shorter than 180 days), annualised with 365 "
               "days.</p>",
            window, window);
    section_end(f);
    return 0;
}

/* ---- exposure ---- */

static int sec_exposure(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    section_begin(f, "exposure", "Open positions and open risk");
    size_t known = 0;
    for (size_t i = 0; i < r->nm; i++)
        known += isnan(r->marks[i].positions) ? 0 : 1;
    if (known == 0) {
        note(f, "Not journalled: the run was written by an mtrader of journal schema 1 or 2.");
        section_end(f);
        return 0;
    }
    int rc = scratch(c, 2 * r->nm, err);
    if (rc)
        return rc;
    double *x = c->x, *pos = c->y, *risk = c->y + r->nm;
    double lo = 0, top_pos = 0, top_r = 0;
    for (size_t i = 0; i < r->nm; i++) {
        x[i] = (double)r->marks[i].time;
        pos[i] = r->marks[i].positions;
        risk[i] = r->marks[i].open_r;
    }
    range_of(pos, r->nm, &lo, &top_pos);
    range_of(risk, r->nm, &lo, &top_r);
    /* the axes reach the limits too */
    double hp = r->max_positions > 0 && (double)r->max_positions > top_pos ? (double)r->max_positions : top_pos;
    double hr = isfinite(r->max_open_r) && r->max_open_r > top_r ? r->max_open_r : top_r;
    struct mt_chart ch;
    mt_chart_begin(&ch, f, "positions", "open real positions", CHART_W, 160, x[0], x[r->nm - 1], 0, hp + 1,
                   MT_AXIS_TIME, MT_AXIS_NUMBER, false);
    if (r->max_positions > 0)
        mt_chart_hline(&ch, (double)r->max_positions, "limit");
    mt_chart_line(&ch, x, pos, r->nm, NAN, "l-a");
    mt_chart_end(&ch);
    mt_chart_begin(&ch, f, "open_risk", "open risk in R", CHART_W, 160, x[0], x[r->nm - 1], 0, hr * 1.08 + 0.1,
                   MT_AXIS_TIME, MT_AXIS_R, false);
    if (isfinite(r->max_open_r))
        mt_chart_hline(&ch, r->max_open_r, "limit");
    mt_chart_line(&ch, x, risk, r->nm, 0, "a-dd");
    mt_chart_end(&ch);
    double mean_pos = 0;
    size_t k = 0;
    for (size_t i = 0; i < r->nm; i++)
        if (!isnan(pos[i])) {
            mean_pos += pos[i];
            k++;
        }
    fprintf(f, "<table><tr><th>most positions</th><th>mean positions</th><th>most open risk (R)</th>"
               "<th>account limits</th></tr><tr>");
    cell_num(f, "max_positions_held", top_pos, 0);
    cell_num(f, "mean_positions", k ? mean_pos / (double)k : NAN, 2);
    cell_num(f, "max_open_r_held", top_r, 2);
    fprintf(f, "<td>%lld positions, %.1f R</td></tr></table>", (long long)r->max_positions, r->max_open_r);
    note(f, "At every equity point: the account's open real positions and what they would lose from the close "
            "to their stops, in R of each one's initial risk (the engine's open-risk rule); dashed: the limits.");
    section_end(f);
    return 0;
}

/* ---- trades on the price chart ---- */

static void price_chart(struct ctx *c, const struct mt_report_price *p)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    const struct mt_series *s = p->bars;
    int64_t bar = mt_tf_ms(r->tf);
    size_t group = (s->n + PRICE_CANDLES - 1) / PRICE_CANDLES;
    int64_t t0 = s->open_time[0], t1 = s->open_time[s->n - 1] + bar;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < s->n; i++) {
        lo = s->low[i] < lo ? s->low[i] : lo;
        hi = s->high[i] > hi ? s->high[i] : hi;
    }
    size_t shown = 0;
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (t->kind != MT_TRADE_REAL || t->symbol != p->symbol || t->open_time >= t1 ||
            (t->state != MT_RPT_OPEN && t->close_time < t0))
            continue;
        shown++;
        double v[2] = {t->init_stop, t->target};
        range_of(v, 2, &lo, &hi);
    }
    fprintf(f, "<h3>");
    mt_html_escape(f, r->symbols[p->symbol]);
    fprintf(f, " <span class=\"note\">(%zu real trades; candles of %zu bars)</span></h3>", shown, group);
    char name[64];
    snprintf(name, sizeof name, "price_%s", r->symbols[p->symbol]);
    struct mt_chart ch;
    double pad = (hi - lo) * 0.03;
    mt_chart_begin(&ch, f, name, name, CHART_W, 320, (double)t0, (double)t1, lo - pad, hi + pad, MT_AXIS_TIME,
                   MT_AXIS_NUMBER, false);
    for (size_t i = 0; i < s->n; i += group) {
        size_t e = i + group < s->n ? i + group : s->n;
        double h = s->high[i], l = s->low[i];
        for (size_t k = i; k < e; k++) {
            h = s->high[k] > h ? s->high[k] : h;
            l = s->low[k] < l ? s->low[k] : l;
        }
        double mid = (double)s->open_time[i] + (double)(bar * (int64_t)(e - i)) / 2;
        mt_chart_candle(&ch, mid, (double)(bar * (int64_t)group) * 0.7, s->open[i], h, l, s->close[e - 1]);
    }
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (t->kind != MT_TRADE_REAL || t->symbol != p->symbol || t->open_time >= t1 ||
            (t->state != MT_RPT_OPEN && t->close_time < t0))
            continue;
        double end = t->state == MT_RPT_OPEN ? (double)t1 : (double)t->close_time;
        mt_chart_segment(&ch, (double)t->open_time, t->init_stop, end, t->init_stop, "s-stop");
        if (!isnan(t->target))
            mt_chart_segment(&ch, (double)t->open_time, t->target, end, t->target, "s-target");
    }
    for (size_t i = 0; i < p->n_fills; i++) {
        const struct mt_rpt_fill *x = &p->fills[i];
        long ti = mt_rpt_find_trade(r, x->trade);
        if (ti < 0 || x->time < t0 || x->time > t1)
            continue;
        const struct mt_rpt_trade *t = &r->trades[ti];
        char title[128];
        snprintf(title, sizeof title, "trade %lld %s %s %.6g", (long long)t->id, t->side > 0 ? "long" : "short",
                 x->entry ? "entry" : "exit", x->price);
        if (x->entry)
            mt_chart_marker(&ch, (double)x->time, x->price, t->side, t->side > 0 ? "m-long" : "m-short", title);
        else
            mt_chart_marker(&ch, (double)x->time, x->price, 0, t->pnl > 0 ? "m-win" : "m-loss", title);
    }
    mt_chart_end(&ch);
}

static void sec_prices(struct ctx *c)
{
    FILE *f = c->f;
    section_begin(f, "prices", "Trades on the price chart");
    for (size_t i = 0; i < c->in->n_prices; i++)
        if (c->in->prices[i].bars->n)
            price_chart(c, &c->in->prices[i]);
    if (c->in->n_prices == 0)
        note(f, "No symbol chosen, or the store has no candles of the chosen symbols over the window.");
    else
        note(f, "Triangles: entries (up long, down short); circles: exits (green a win, red a loss); dashed: the "
                "initial stop (red) and the target (green) while the trade was open.");
    section_end(f);
}

/* ---- real against sim ---- */

/* The cumulative R of the trades pick accepts, in close time order, into x / y; returns their count. */
static size_t cumulative_r(const struct mt_rpt_run *r, const struct pick_ctx *p, double *x, double *y,
                           size_t *order)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nt; i++)
        if (r->trades[i].state != MT_RPT_OPEN && pick_trade(r, &r->trades[i], p))
            order[n++] = i;
    /* insertion into close time order (mostly sorted already: ids follow the opens) */
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], k = i;
        while (k > 0 && r->trades[order[k - 1]].close_time > r->trades[v].close_time) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = v;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += r->trades[order[i]].r;
        x[i] = (double)r->trades[order[i]].close_time;
        y[i] = sum;
    }
    return n;
}

/* A chart of cumulative R of the groups p[0 .. k). */
static int cumulative_chart(struct ctx *c, const char *name, const char *title, const struct pick_ctx *p,
                            const char *const *labels, size_t k, struct mt_err *err)
{
    const struct mt_rpt_run *r = c->r;
    size_t *order = malloc((r->nt ? r->nt : 1) * sizeof *order);
    int rc = order ? scratch(c, k * (r->nt ? r->nt : 1), err) : mt_err_set(err, MT_ENOMEM, "report: out of memory");
    if (rc) {
        free(order);
        return rc;
    }
    size_t n[4];
    double lo = 0, hi = 0;
    for (size_t g = 0; g < k; g++) {
        n[g] = cumulative_r(r, &p[g], c->x + g * r->nt, c->y + g * r->nt, order);
        range_of(c->y + g * r->nt, n[g], &lo, &hi);
    }
    free(order);
    static const char *const cls[4] = {"l-a", "l-b", "l-c", "l-d"};
    struct mt_chart ch;
    mt_chart_begin(&ch, c->f, name, title, CHART_W, 260, (double)c->eq[0].time, (double)c->eq[c->n - 1].time,
                   lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04, MT_AXIS_TIME, MT_AXIS_R, false);
    mt_chart_hline(&ch, 0, "zero");
    for (size_t g = 0; g < k; g++)
        mt_chart_line(&ch, c->x + g * r->nt, c->y + g * r->nt, n[g], NAN, cls[g]);
    mt_chart_legend(&ch, labels, cls, k);
    mt_chart_end(&ch);
    return 0;
}

static int sec_setups(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    section_begin(f, "setups", "Real against sim: what was not taken, and how it did");
    fprintf(f, "<table><tr><th>setups</th>%s", stats_header);
    struct mt_rpt_stats s;
    struct pick_ctx real = {MT_TRADE_REAL, -1, -1, -1, 0, 0}, sims = {MT_TRADE_SIM, -1, -1, -1, 0, 0};
    int rc = mt_rpt_group(r, pick_trade, &real, &s, err);
    if (rc == 0)
        stats_row(f, "taken (real)", "real", &s);
    if (rc == 0 && (rc = mt_rpt_group(r, pick_trade, &sims, &s, err)) == 0)
        stats_row(f, "not taken (every sim)", "sim", &s);
    for (unsigned k = 0; k < MT_SIM_REASON_COUNT && rc == 0; k++) {
        struct pick_ctx p = {MT_TRADE_SIM, -1, -1, -1, 1u << k, 0};
        if ((rc = mt_rpt_group(r, pick_trade, &p, &s, err)) == 0 && s.m.trades + s.open > 0) {
            char label[64], key[64];
            snprintf(label, sizeof label, "sim: %s", mt_sim_reason_name(1u << k));
            snprintf(key, sizeof key, "sim_%s", mt_sim_reason_name(1u << k));
            stats_row(f, label, key, &s);
        }
    }
    struct pick_ctx model_only = {MT_TRADE_SIM, -1, -1, -1, 0, MT_SIM_LOW_SCORE};
    if (rc == 0 && (rc = mt_rpt_group(r, pick_trade, &model_only, &s, err)) == 0 && s.m.trades + s.open > 0)
        stats_row(f, "rejected by the model alone", "sim_model_only", &s);
    fprintf(f, "</table>");
    note(f, "A sim is a setup followed exactly like a real trade but not taken, for the reasons listed (a setup "
            "can have several, so the reason rows overlap). Setups that were untradable, held or opposite are "
            "counted in the summary, not followed.");
    if (rc == 0) {
        struct pick_ctx g[3] = {real, sims, {MT_TRADE_SIM, -1, -1, -1, MT_SIM_LOW_SCORE, 0}};
        const char *labels[3] = {"taken", "not taken", "rejected by the model"};
        rc = cumulative_chart(c, "setups_r", "cumulative R of taken and not-taken setups", g, labels, 3, err);
    }
    section_end(f);
    return rc;
}

/* ---- tracked ---- */

static int sec_tracked(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_rpt_run *r = c->r;
    section_begin(f, "tracked", "Strategy exits: R left or saved");
    struct mt_rpt_tracked *pairs = NULL;
    size_t n = 0;
    int rc = mt_rpt_tracked_pairs(r, &pairs, &n, err);
    if (rc)
        return rc;
    if (n == 0) {
        note(f, "No trade closed by a strategy rule or a full take-profit was tracked on in this run.");
        section_end(f);
        return 0;
    }
    fprintf(f, "<table><tr><th>trades closed by</th><th>kind</th><th>count</th><th>mean R taken</th>"
               "<th>mean R held to stop</th><th>mean R left</th><th>total R left</th><th>exit better</th></tr>");
    enum { BINS = 48 };
    const double lo = -4, w = 0.25;
    double hist[BINS] = {0}, mid[BINS];
    int exits[2] = {MT_EXIT_STRATEGY, MT_EXIT_TAKE_PROFIT};
    for (int e = 0; e < 2; e++)
        for (int kind = MT_TRADE_REAL; kind <= MT_TRADE_SIM; kind++) {
            size_t cnt = 0, better = 0;
            double taken = 0, held = 0;
            for (size_t i = 0; i < n; i++) {
                const struct mt_rpt_trade *p = &r->trades[pairs[i].parent];
                if ((int)p->exit != exits[e] || (int)p->kind != kind)
                    continue;
                cnt++;
                taken += pairs[i].taken_r;
                held += pairs[i].held_r;
                better += pairs[i].held_r < pairs[i].taken_r;
            }
            if (cnt == 0)
                continue;
            char key[64];
            const char *en = mt_exit_name((enum mt_exit)exits[e]);
            fprintf(f, "<tr><td>%s</td><td>%s</td>", en, kind_word((enum mt_trade_kind)kind));
            snprintf(key, sizeof key, "tracked_%s_%s_count", en, kind_word((enum mt_trade_kind)kind));
            cell_num(f, key, (double)cnt, 0);
            snprintf(key, sizeof key, "tracked_%s_%s_taken_r", en, kind_word((enum mt_trade_kind)kind));
            cell_num(f, key, taken / (double)cnt, 3);
            snprintf(key, sizeof key, "tracked_%s_%s_held_r", en, kind_word((enum mt_trade_kind)kind));
            cell_num(f, key, held / (double)cnt, 3);
            snprintf(key, sizeof key, "tracked_%s_%s_left_r", en, kind_word((enum mt_trade_kind)kind));
            cell_num(f, key, (held - taken) / (double)cnt, 3);
            cell_num(f, NULL, held - taken, 2);
            cell_pct(f, NULL, (double)better / (double)cnt);
            fprintf(f, "</tr>");
        }
    for (size_t i = 0; i < n; i++)
        bin_add(pairs[i].held_r - pairs[i].taken_r, lo, w, BINS, hist);
    free(pairs);
    fprintf(f, "</table>");
    double top = bin_centres(lo, w, BINS, hist, mid);
    struct mt_chart ch;
    mt_chart_begin(&ch, f, "tracked_left", "R left by the exit (held to stop minus taken)", CHART_W, 200, lo,
                   lo + w * BINS, 0, top * 1.08, MT_AXIS_R, MT_AXIS_NUMBER, false);
    for (size_t k = 0; k < BINS; k++)
        mt_chart_bars(&ch, &mid[k], &hist[k], 1, w * 0.9, mid[k] >= 0 ? "b-neg" : "b-pos", "b-pos");
    mt_chart_end(&ch);
    note(f, "Each trade closed by a strategy rule or a full take-profit is followed on as a tracked trade until "
            "its stop would have filled. R left = its R held to the stop minus the R taken: positive (red) the "
            "exit cost R, negative (green) it saved R. Tracked trades still open or censored at the end are "
            "marked to the last close.");
    section_end(f);
    return 0;
}

/* ---- models ---- */

static double num_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A card's time member (formatted as mt_time_format writes it), or INT64_MIN. */
static int64_t time_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    int64_t t;
    struct mt_err e = {0};
    return cJSON_IsString(v) && mt_time_parse(v->valuestring, &t, &e) == 0 ? t : INT64_MIN;
}

static void fold_of(const cJSON *o, uint32_t agent_index, const char *agent, const char *label, int64_t from,
                    int64_t to, struct mt_report_fold *out)
{
    *out = (struct mt_report_fold){.agent_index = agent_index, .from = from, .to = to};
    snprintf(out->agent, sizeof out->agent, "%s", agent);
    snprintf(out->label, sizeof out->label, "%s", label);
    out->rows = num_of(o, "rows");
    out->base_rate = num_of(o, "base_rate");
    out->auc = num_of(o, "auc");
    out->logloss = num_of(o, "logloss");
    out->precision = num_of(o, "precision");
    out->accepted = num_of(o, "accepted");
    out->mean_r_accepted = num_of(o, "mean_r_accepted");
    out->mean_r_all = num_of(o, "mean_r_all");
}

long mt_report_card_folds(const cJSON *card, uint32_t agent_index, const char *agent, struct mt_report_fold *out,
                          size_t max,
                          struct mt_err *err)
{
    size_t k = 0;
    const cJSON *folds = cJSON_GetObjectItemCaseSensitive(card, "cv_folds");
    if (folds && !cJSON_IsArray(folds)) {
        mt_err_set(err, MT_EFORMAT, "card of %s: cv_folds is not an array", agent);
        return -1;
    }
    const cJSON *fo;
    cJSON_ArrayForEach(fo, folds)
    {
        if (k == max)
            break;
        char label[32];
        snprintf(label, sizeof label, "cv %zu", k + 1);
        fold_of(fo, agent_index, agent, label, time_of(fo, "from"), time_of(fo, "to"), &out[k++]);
    }
    const cJSON *test = cJSON_GetObjectItemCaseSensitive(card, "test"), *span = cJSON_GetObjectItemCaseSensitive(card, "span");
    if (cJSON_IsObject(test) && k < max)
        fold_of(test, agent_index, agent, "test", time_of(span, "test_from"), time_of(span, "to"), &out[k++]);
    return (long)k;
}

static void fold_row(FILE *f, const struct mt_report_fold *x)
{
    char a[32], b[32], key[160], part[64];
    key_part(x->label, part, sizeof part);
    fprintf(f, "<tr>");
    cell_text(f, x->agent);
    cell_text(f, x->label);
    fprintf(f, "<td>%s to %s</td>", fmt_date(x->from, a, sizeof a), fmt_date(x->to, b, sizeof b));
    cell_num(f, NULL, x->rows, 0);
    cell_pct(f, NULL, x->base_rate);
    snprintf(key, sizeof key, "fold_%u_%s_auc", (unsigned)x->agent_index, part);
    cell_num(f, key, x->auc, 3);
    cell_num(f, NULL, x->logloss, 3);
    snprintf(key, sizeof key, "fold_%u_%s_precision", (unsigned)x->agent_index, part);
    cell_pct(f, key, x->precision);
    cell_num(f, NULL, x->accepted, 0);
    cell_num(f, NULL, x->mean_r_accepted, 3);
    cell_num(f, NULL, x->mean_r_all, 3);
    fprintf(f, "</tr>");
}

/* The calibration curve of a card's reliability bins (test and CV). */
static void calibration_chart(FILE *f, const char *agent, const cJSON *card)
{
    const cJSON *rel = cJSON_GetObjectItemCaseSensitive(card, "reliability");
    if (!cJSON_IsObject(rel))
        return;
    char name[96];
    snprintf(name, sizeof name, "calibration_%s", agent);
    struct mt_chart ch;
    mt_chart_begin(&ch, f, name, name, 420, 300, 0, 1, 0, 1, MT_AXIS_PERCENT, MT_AXIS_PERCENT, false);
    mt_chart_segment(&ch, 0, 0, 1, 1, "l-d");
    const char *sets[2] = {"cv", "test"}, *cls[2] = {"cal-cv", "cal"};
    for (int s = 0; s < 2; s++) {
        const cJSON *bins = cJSON_GetObjectItemCaseSensitive(rel, sets[s]), *b;
        cJSON_ArrayForEach(b, bins)
        {
            double x = num_of(b, "mean_score"), y = num_of(b, "rate"), n = num_of(b, "n");
            if (isnan(x) || isnan(y) || !(n > 0))
                continue;
            char title[96];
            snprintf(title, sizeof title, "%s: mean score %.3f, observed %.3f, %.0f setups", sets[s], x, y, n);
            mt_chart_marker(&ch, x, y, 0, cls[s], title);
        }
    }
    const char *names[2] = {"out-of-fold (CV)", "test period"}, *keys[2] = {"cal-cv key", "cal key"};
    mt_chart_legend(&ch, names, keys, 2);
    mt_chart_end(&ch);
}

static int sec_models(struct ctx *c, struct mt_err *err)
{
    FILE *f = c->f;
    const struct mt_report_input *in = c->in;
    section_begin(f, "models", "Model quality");
    struct mt_report_fold folds[MAX_FOLDS];
    size_t nf = 0;
    fprintf(f, "<h3>Per agent</h3><table><tr><th>agent</th><th>runs</th><th>model</th><th>gate</th>"
               "<th>test AUC</th><th>precision at threshold</th><th>threshold</th><th>mean R accepted</th>"
               "<th>mean R all</th></tr>");
    for (size_t i = 0; i < in->n_models; i++) {
        const struct mt_report_model *m = &in->models[i];
        const cJSON *card = m->card;
        const cJSON *test = cJSON_GetObjectItemCaseSensitive(card, "test");
        const cJSON *gate = cJSON_GetObjectItemCaseSensitive(card, "gate");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(card, "id");
        const cJSON *decision = cJSON_GetObjectItemCaseSensitive(gate, "decision");
        char key[128];
        fprintf(f, "<tr>");
        cell_text(f, m->agent);
        cell_text(f, m->deployed);
        cell_text(f, cJSON_IsString(id) ? id->valuestring : "-");
        cell_text(f, cJSON_IsString(decision) ? decision->valuestring : "-");
        snprintf(key, sizeof key, "model_%u_auc", (unsigned)m->agent_index);
        cell_num(f, key, num_of(test, "auc"), 3);
        snprintf(key, sizeof key, "model_%u_precision", (unsigned)m->agent_index);
        cell_pct(f, key, num_of(test, "precision"));
        cell_num(f, NULL, num_of(card, "threshold"), 3);
        cell_num(f, NULL, num_of(test, "mean_r_accepted"), 3);
        cell_num(f, NULL, num_of(test, "mean_r_all"), 3);
        fprintf(f, "</tr>");
        if (card) {
            struct mt_err ferr = {0};
            long k = mt_report_card_folds(card, m->agent_index, m->agent, folds + nf, MAX_FOLDS - nf, &ferr);
            if (k < 0)
                fprintf(f, "<tr><td colspan=\"9\" class=\"warn\">the card's folds are unreadable</td></tr>");
            else
                nf += (size_t)k;
        }
    }
    fprintf(f, "</table>");
    for (size_t i = 0; i < in->n_folds && nf < MAX_FOLDS; i++)
        folds[nf++] = in->folds[i];
    if (in->n_models == 0)
        note(f, "The run's agents have no names in the journal (a backtest of --strategy ids), so no model is "
                "theirs: they ran unfiltered.");
    if (nf) {
        fprintf(f, "<h3>Per fold</h3><table><tr><th>agent</th><th>fold</th><th>span</th><th>setups</th>"
                   "<th>base rate</th><th>AUC</th><th>log loss</th><th>precision at threshold</th><th>accepted</th>"
                   "<th>mean R accepted</th><th>mean R all</th></tr>");
        for (size_t i = 0; i < nf; i++)
            fold_row(f, &folds[i]);
        fprintf(f, "</table>");
        note(f, "CV folds: out-of-fold scores of the purged k-fold inside the training span (what the parameters, "
                "calibration and threshold were chosen on); test: the untouched last part of the span, scored once. "
                "Precision is the win rate of the setups at or above the threshold. The calibration curves below: "
                "per bin of the calibrated score, the observed win rate (y) against the mean score (x); on the "
                "diagonal a score is the win rate it says.");
    }
    for (size_t i = 0; i < in->n_models; i++)
        if (in->models[i].card)
            calibration_chart(f, in->models[i].agent, in->models[i].card);
    fprintf(f, "<h3>Filtered against unfiltered</h3>");
    const struct pick_ctx g[3] = {{MT_TRADE_REAL, -1, -1, -1, 0, 0},
                                  {PICK_SETUPS, -1, -1, -1, 0, 0},
                                  {MT_TRADE_SIM, -1, -1, -1, MT_SIM_LOW_SCORE, 0}};
    static const char *const labels[3] = {"taken (filtered)", "every setup (unfiltered)", "rejected by the model"};
    int rc = cumulative_chart(c, "filtered_r", "cumulative R per setup: filtered and unfiltered", g, labels, 3, err);
    if (rc == 0 && in->baseline && in->baseline->nm >= 2) {
        double lo = INFINITY, hi = -INFINITY;
        rc = scratch(c, c->n + in->baseline->nm, err);
        for (size_t i = 0; rc == 0 && i < c->n; i++) {
            c->x[i] = (double)c->eq[i].time;
            c->y[i] = c->eq[i].equity;
        }
        double *qx = c->x + c->n, *qy = c->y + c->n;
        size_t nq = rc == 0 ? baseline_points(c, qx, qy) : 0;
        if (rc == 0) {
            range_of(c->y, c->n, &lo, &hi);
            range_of(qy, nq, &lo, &hi);
            struct mt_chart ch;
            mt_chart_begin(&ch, f, "filtered_equity", "equity of this run and the baseline run", CHART_W, 260,
                           c->x[0], c->x[c->n - 1], lo, hi, MT_AXIS_TIME, MT_AXIS_NUMBER, false);
            mt_chart_line(&ch, qx, qy, nq, NAN, "l-base");
            mt_chart_line(&ch, c->x, c->y, c->n, NAN, "l-eq");
            char base[64];
            snprintf(base, sizeof base, "run %lld (baseline)", (long long)in->baseline->id);
            const char *names[2] = {"this run", base}, *cls[2] = {"l-eq", "l-base"};
            mt_chart_legend(&ch, names, cls, 2);
            mt_chart_end(&ch);
        }
    } else if (rc == 0) {
        note(f, "For the unfiltered equity itself, journal the unfiltered backtest into the same file and pass its "
                "run as --baseline.");
    }
    note(f, "Cumulative R, one R per setup in the order they closed: the setups taken, every setup the strategies "
            "found (taken or not), and those the model rejected (sims with the reason low_score). Sizing and limits "
            "are left out, so this compares the filter, not the account.");
    section_end(f);
    return rc;
}

/* ---- the page ---- */

int mt_report_write(FILE *f, const struct mt_report_input *in, struct mt_err *err)
{
    struct ctx c = {.f = f, .in = in, .r = in->run};
    if (in->run->nm < 2)
        return mt_err_set(err, MT_EINVAL, "run %lld has %zu equity points: nothing to report (a run that has not "
                                          "decided a bar yet)", (long long)in->run->id, in->run->nm);
    int rc = mt_rpt_metrics(in->run, &c.m, err);
    if (rc == 0)
        rc = mt_rpt_equity_points(in->run, &c.eq, err);
    c.n = in->run->nm;
    if (rc == 0) {
        c.ndd = mt_rpt_drawdowns(c.eq, c.n, c.dd, WORST_DRAWDOWNS);
        rc = mt_rpt_daily(c.eq, c.n, &c.first_day, &c.nd, &c.close, &c.ret, err);
    }
    if (rc == 0) {
        char gen[32];
        fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
                   "<title>mtrader report: run %lld</title><style>%s</style></head><body><main>\n",
                (long long)in->run->id, css);
        fprintf(f, "<h1>mtrader report: run %lld (", (long long)in->run->id);
        mt_html_escape(f, in->run->kind);
        fprintf(f, ")</h1><p class=\"note\">");
        mt_html_escape(f, in->journal);
        fprintf(f, ", generated %s by mtrader %s</p>\n", mt_time_format(in->generated, gen, sizeof gen), in->version);
        sec_summary(&c);
    }
    if (rc == 0)
        rc = sec_equity(&c, err);
    if (rc == 0)
        rc = sec_drawdown(&c, err);
    if (rc == 0)
        rc = sec_monthly(&c, err);
    if (rc == 0)
        rc = sec_breakdown(&c, err);
    if (rc == 0)
        sec_rdist(&c);
    if (rc == 0)
        rc = sec_rolling(&c, err);
    if (rc == 0)
        rc = sec_exposure(&c, err);
    if (rc == 0)
        sec_prices(&c);
    if (rc == 0)
        rc = sec_setups(&c, err);
    if (rc == 0)
        rc = sec_tracked(&c, err);
    if (rc == 0)
        rc = sec_models(&c, err);
    if (rc == 0)
        fprintf(f, "</main></body></html>\n");
    free(c.eq);
    free(c.close);
    free(c.ret);
    free(c.x);
    free(c.y);
    return rc;
}
