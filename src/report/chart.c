/* Inline SVG charts (see chart.h). */
#include "report/chart.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "core/time.h"
#include "core/timeframe.h"

void mt_html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

double mt_chart_px(const struct mt_chart *c, double x)
{
    double u = (x - c->x0) / (c->x1 - c->x0);
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return c->left + u * (c->width - c->left - c->right);
}

double mt_chart_py(const struct mt_chart *c, double y)
{
    double u = c->log_y ? (log(y) - log(c->y0)) / (log(c->y1) - log(c->y0)) : (y - c->y0) / (c->y1 - c->y0);
    u = isnan(u) ? 0 : u < 0 ? 0 : u > 1 ? 1 : u;
    return c->height - c->bottom - u * (c->height - c->top - c->bottom);
}

/* ---- tick labels ---- */

#define MAX_TICKS 64 /* of one axis: a bound whatever the range's rounding */

static void fmt_number(double v, enum mt_axis_fmt fmt, double step, char *buf, size_t size)
{
    int dec = step >= 1 || step <= 0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    dec = dec > 6 ? 6 : dec;
    if (fmt == MT_AXIS_PERCENT) {
        int pd = dec > 2 ? dec - 2 : 0;
        snprintf(buf, size, "%.*f%%", pd, v * 100);
    } else if (fmt == MT_AXIS_R) {
        snprintf(buf, size, "%.*fR", dec, v);
    } else if (fabs(v) >= 1e6 && step >= 1e5) {
        snprintf(buf, size, "%gM", v / 1e6);
    } else if (fabs(v) >= 1e4 && step >= 1e3) {
        snprintf(buf, size, "%gk", v / 1e3);
    } else {
        snprintf(buf, size, "%.*f", dec, v);
    }
    if (strcmp(buf, "-0") == 0 || strcmp(buf, "-0%") == 0 || strcmp(buf, "-0R") == 0)
        memmove(buf, buf + 1, strlen(buf));
}

/* A step of 1, 2 or 5 x 10^k giving about `want` ticks over span. */
static double nice_step(double span, double want)
{
    double raw = span / want, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static void tick_y(struct mt_chart *c, double v, double step)
{
    char label[32];
    fmt_number(v, c->yfmt, step, label, sizeof label);
    double y = mt_chart_py(c, v);
    fprintf(c->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", c->left, y,
            c->width - c->right, y);
    fprintf(c->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", c->left - 4, y + 3.5,
            label);
}

static void y_axis(struct mt_chart *c)
{
    if (c->log_y) {
        /* 1, 2 and 5 x 10^k, or only the powers of ten when that is too many */
        double lo = floor(log10(c->y0)), hi = ceil(log10(c->y1));
        bool all = hi - lo <= 2;
        for (double k = lo; k <= hi; k++)
            for (int m = 0; m < (all ? 3 : 1); m++) {
                double v = pow(10, k) * (double[]){1, 2, 5}[m];
                if (v >= c->y0 && v <= c->y1)
                    tick_y(c, v, pow(10, k));
            }
        return;
    }
    double step = nice_step(c->y1 - c->y0, 5);
    double v0 = ceil(c->y0 / step) * step;
    for (int k = 0; k < MAX_TICKS && v0 + k * step <= c->y1 + step * 1e-9; k++) {
        double v = v0 + k * step;
        tick_y(c, fabs(v) < step * 1e-9 ? 0 : v, step);
    }
}

static void tick_x(struct mt_chart *c, double v, const char *label)
{
    double x = mt_chart_px(c, v);
    fprintf(c->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, c->top, x,
            c->height - c->bottom);
    fprintf(c->f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x,
            c->height - c->bottom + 14, label);
}

/* Calendar ticks: years, quarters, months, weeks, days or hours, about 6. */
static void time_axis(struct mt_chart *c)
{
    double span_days = (c->x1 - c->x0) / (double)MT_MS_DAY;
    int64_t d0 = (int64_t)floor(c->x0 / (double)MT_MS_DAY), d1 = (int64_t)floor(c->x1 / (double)MT_MS_DAY);
    char label[32];
    if (span_days > 45) { /* month steps: 1, 3, 6 or 12 */
        int months = span_days > 5 * 365 ? 12 : span_days > 2 * 365 ? 6 : span_days > 200 ? 3 : 1;
        int64_t y;
        unsigned m, d;
        mt_civil_from_days(d0, &y, &m, &d);
        int64_t idx = y * 12 + (int64_t)m - 1 + 1; /* the first month start after x0 */
        idx = (idx + months - 1) / months * months;
        for (int k = 0; k < MAX_TICKS; k++, idx += months) {
            int64_t yy = idx / 12;
            unsigned mm = (unsigned)(idx % 12) + 1;
            int64_t day = mt_days_from_civil(yy, mm, 1);
            if (day > d1)
                break;
            if (months == 12)
                snprintf(label, sizeof label, "%lld", (long long)yy);
            else
                snprintf(label, sizeof label, "%lld-%02u", (long long)yy, mm);
            tick_x(c, (double)(day * MT_MS_DAY), label);
        }
        return;
    }
    /* day or hour steps */
    static const int64_t steps_h[] = {1, 3, 6, 12, 24, 48, 168};
    int64_t step_h = 168;
    for (size_t i = 0; i < sizeof steps_h / sizeof steps_h[0]; i++)
        if (span_days * 24 / (double)steps_h[i] <= 8) {
            step_h = steps_h[i];
            break;
        }
    int64_t step = step_h * 3600000, t = ((int64_t)c->x0 / step + 1) * step;
    for (int k = 0; k < MAX_TICKS && (double)t <= c->x1; k++, t += step) {
        int64_t y;
        unsigned m, d;
        mt_civil_from_days(t / MT_MS_DAY, &y, &m, &d);
        if (step_h >= 24)
            snprintf(label, sizeof label, "%02u-%02u", m, d);
        else
            snprintf(label, sizeof label, "%02u-%02u %02lldh", m, d, (long long)(t % MT_MS_DAY / 3600000));
        tick_x(c, (double)t, label);
    }
}

static void x_axis(struct mt_chart *c)
{
    if (c->xfmt == MT_AXIS_TIME) {
        time_axis(c);
        return;
    }
    double step = nice_step(c->x1 - c->x0, 6);
    char label[32];
    double v0 = ceil(c->x0 / step) * step;
    for (int k = 0; k < MAX_TICKS && v0 + k * step <= c->x1 + step * 1e-9; k++) {
        double v = v0 + k * step;
        fmt_number(fabs(v) < step * 1e-9 ? 0 : v, c->xfmt, step, label, sizeof label);
        tick_x(c, v, label);
    }
}

void mt_chart_begin(struct mt_chart *c, FILE *f, const char *name, const char *title, double width, double height,
                    double x0, double x1, double y0, double y1, enum mt_axis_fmt xfmt, enum mt_axis_fmt yfmt,
                    bool log_y)
{
    assert(!log_y || y0 > 0);
    /* one point, none, or a range too narrow for its magnitude: a range around it */
    if (!(x1 - x0 > 1e-9 * fmax(fabs(x0), fabs(x1))))
        x1 = x0;
    if (!(y1 - y0 > 1e-9 * fmax(fabs(y0), fabs(y1))))
        y1 = y0;
    if (!(x1 > x0)) {
        x0 = isfinite(x0) ? x0 - 1 : 0;
        x1 = x0 + 2;
    }
    if (!(y1 > y0)) {
        double pad = isfinite(y0) && y0 != 0 ? fabs(y0) * 0.05 : 1;
        y0 = isfinite(y0) ? y0 - pad : 0;
        y1 = y0 + 2 * pad;
        if (log_y && y0 <= 0)
            y0 = y1 / 2;
    }
    *c = (struct mt_chart){f, width, height, 64, 12, 12, 24, x0, x1, y0, y1, xfmt, yfmt, log_y};
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"");
    mt_html_escape(f, name);
    fprintf(f, "\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"", width,
            height, width, height);
    mt_html_escape(f, title);
    fprintf(f, "\"><title>");
    mt_html_escape(f, title);
    fprintf(f, "</title>");
    y_axis(c);
    x_axis(c);
    fprintf(f, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", c->left, c->top,
            width - c->left - c->right, height - c->top - c->bottom);
}

void mt_chart_end(struct mt_chart *c)
{
    fprintf(c->f, "</svg>\n");
}

/* The plot column of x: floor((x - x0) / w), clamped to [0, buckets). */
static size_t column_of(double x, double x0, double w, size_t buckets)
{
    double b = w > 0 ? floor((x - x0) / w) : 0;
    return b < 0 ? 0 : b >= (double)buckets ? buckets - 1 : (size_t)b;
}

size_t mt_chart_downsample(const double *x, const double *y, size_t n, double x0, double x1, size_t buckets,
                           size_t *keep)
{
    assert(buckets > 0);
    size_t room = MT_CHART_KEEP(buckets), k = 0, i = 0;
    double w = (x1 - x0) / (double)buckets;
    while (i < n && isnan(y[i]))
        i++;
    /* each run of points in one column and between NaN values keeps at most 4 */
    while (i < n && k < room) {
        size_t b = column_of(x[i], x0, w, buckets), first = i, lo = i, hi = i, last = i;
        for (i++; i < n && !isnan(y[i]) && column_of(x[i], x0, w, buckets) == b; i++) {
            lo = y[i] < y[lo] ? i : lo;
            hi = y[i] > y[hi] ? i : hi;
            last = i;
        }
        size_t pick[4] = {first, lo < hi ? lo : hi, lo < hi ? hi : lo, last};
        for (int q = 0; q < 4 && k < room; q++)
            if (k == 0 || pick[q] > keep[k - 1])
                keep[k++] = pick[q];
        while (i < n && isnan(y[i]))
            i++;
    }
    return k;
}

/* Writes the points keep[0 .. k) as path data, a NaN gap (in the original
 * indices) starting a new piece. */
static void path_points(struct mt_chart *c, const double *x, const double *y, const size_t *keep, size_t k,
                        double fill_to)
{
    bool area = isfinite(fill_to);
    double base = area ? mt_chart_py(c, fill_to) : 0;
    for (size_t q = 0; q < k; q++) {
        bool gap = q > 0 && keep[q] > keep[q - 1] + 1 && isnan(y[keep[q] - 1]);
        if (gap && area)
            fprintf(c->f, "L%.1f,%.1fZ", mt_chart_px(c, x[keep[q - 1]]), base);
        if (q == 0 || gap) {
            if (area)
                fprintf(c->f, "M%.1f,%.1fL%.1f,%.1f", mt_chart_px(c, x[keep[q]]), base, mt_chart_px(c, x[keep[q]]),
                        mt_chart_py(c, y[keep[q]]));
            else
                fprintf(c->f, "M%.1f,%.1f", mt_chart_px(c, x[keep[q]]), mt_chart_py(c, y[keep[q]]));
            continue;
        }
        fprintf(c->f, "L%.1f,%.1f", mt_chart_px(c, x[keep[q]]), mt_chart_py(c, y[keep[q]]));
    }
    if (area && k)
        fprintf(c->f, "L%.1f,%.1fZ", mt_chart_px(c, x[keep[k - 1]]), base);
}

size_t mt_chart_line(struct mt_chart *c, const double *x, const double *y, size_t n, double fill_to,
                     const char *cls)
{
    size_t buckets = (size_t)(c->width - c->left - c->right);
    size_t stack[MT_CHART_KEEP(MT_CHART_MAX_WIDTH)];
    assert(buckets <= MT_CHART_MAX_WIDTH);
    size_t k = mt_chart_downsample(x, y, n, c->x0, c->x1, buckets, stack);
    if (k == 0)
        return 0;
    fprintf(c->f, "<path class=\"%s\" d=\"", cls);
    path_points(c, x, y, stack, k, fill_to);
    fprintf(c->f, "\"/>");
    return k;
}

void mt_chart_bars(struct mt_chart *c, const double *x, const double *y, size_t n, double w, const char *pos_cls,
                   const char *neg_cls)
{
    double zero = mt_chart_py(c, c->log_y ? c->y0 : (c->y0 > 0 ? c->y0 : c->y1 < 0 ? c->y1 : 0));
    for (size_t i = 0; i < n; i++) {
        if (isnan(y[i]))
            continue;
        double xa = mt_chart_px(c, x[i] - w / 2), xb = mt_chart_px(c, x[i] + w / 2), yv = mt_chart_py(c, y[i]);
        double top = yv < zero ? yv : zero, h = fabs(yv - zero);
        fprintf(c->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                y[i] >= 0 ? pos_cls : neg_cls, xa, top, xb - xa > 0.5 ? xb - xa : 0.5, h > 0.5 ? h : 0.5);
    }
}

void mt_chart_hline(struct mt_chart *c, double y, const char *cls)
{
    double py = mt_chart_py(c, y);
    fprintf(c->f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, c->left, py,
            c->width - c->right, py);
}

void mt_chart_vspan(struct mt_chart *c, double xa, double xb, const char *cls)
{
    double a = mt_chart_px(c, xa), b = mt_chart_px(c, xb);
    fprintf(c->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cls, a, c->top,
            b - a > 1 ? b - a : 1, c->height - c->top - c->bottom);
}

void mt_chart_segment(struct mt_chart *c, double xa, double ya, double xb, double yb, const char *cls)
{
    fprintf(c->f, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, mt_chart_px(c, xa),
            mt_chart_py(c, ya), mt_chart_px(c, xb), mt_chart_py(c, yb));
}

void mt_chart_marker(struct mt_chart *c, double x, double y, int up, const char *cls, const char *title)
{
    double px = mt_chart_px(c, x), py = mt_chart_py(c, y);
    if (up == 0)
        fprintf(c->f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">", cls, px, py);
    else
        fprintf(c->f, "<path class=\"%s\" d=\"M%.1f,%.1fl-5,%dl10,0Z\">", cls, px, py, up > 0 ? 8 : -8);
    if (title) {
        fprintf(c->f, "<title>");
        mt_html_escape(c->f, title);
        fprintf(c->f, "</title>");
    }
    fprintf(c->f, up == 0 ? "</circle>" : "</path>");
}

void mt_chart_candle(struct mt_chart *c, double x, double w, double open, double high, double low, double close)
{
    double px = mt_chart_px(c, x), xa = mt_chart_px(c, x - w / 2), xb = mt_chart_px(c, x + w / 2);
    double yo = mt_chart_py(c, open), yc = mt_chart_py(c, close);
    const char *cls = close >= open ? "up" : "down";
    fprintf(c->f, "<line class=\"wick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px, mt_chart_py(c, high),
            px, mt_chart_py(c, low));
    fprintf(c->f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", cls, xa,
            yo < yc ? yo : yc, xb - xa > 1 ? xb - xa : 1, fabs(yo - yc) > 0.5 ? fabs(yo - yc) : 0.5);
}

void mt_chart_legend(struct mt_chart *c, const char *const *names, const char *const *classes, size_t n)
{
    double x = c->left + 8, w = 0;
    for (size_t i = 0; i < n; i++)
        w += 30 + 6.5 * (double)strlen(names[i]);
    fprintf(c->f, "<rect class=\"legend-bg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\"/>", x - 4,
            c->top + 2, w);
    for (size_t i = 0; i < n; i++) {
        fprintf(c->f, "<rect class=\"%s key\" x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\"/>", classes[i], x,
                c->top + 8);
        fprintf(c->f, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">", x + 18, c->top + 13);
        mt_html_escape(c->f, names[i]);
        fprintf(c->f, "</text>");
        x += 30 + 6.5 * (double)strlen(names[i]);
    }
}
