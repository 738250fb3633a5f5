/* Inline SVG charts for the HTML report: a plot area with axes (time or
 * number on x, linear or log on y), and what is drawn in it (lines, areas,
 * bars, spans, markers, segments, candles), written straight to a FILE.
 *
 * Long series are downsampled: a line of any length is drawn from at most 4
 * points per pixel column of the plot (the first, lowest, highest and last of
 * the column, in their order), so its envelope is exact and the file small.
 * Colours come from CSS classes (the report's stylesheet): every element
 * gets the class it is given. Coordinates are written with one decimal.
 * Nothing here allocates except mt_chart_downsample's caller's buffer. */
#ifndef MT_REPORT_CHART_H
#define MT_REPORT_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How an axis labels its ticks. */
enum mt_axis_fmt {
    MT_AXIS_TIME,    /* x only: ms UTC, ticks at calendar steps */
    MT_AXIS_NUMBER,  /* plain numbers (1,234.5) */
    MT_AXIS_PERCENT, /* fractions as percent (0.1 -> 10%) */
    MT_AXIS_R,       /* multiples of R (1.5R) */
};

struct mt_chart {
    FILE *f;
    double width, height;                 /* the SVG, px */
    double left, right, top, bottom;      /* the plot area's edges, px */
    double x0, x1, y0, y1;                /* the data ranges drawn (x0 < x1, y0 < y1; log: y0 > 0) */
    enum mt_axis_fmt xfmt, yfmt;
    bool log_y;
};

/* Starts an SVG of width x height px for data in [x0, x1] x [y0, y1] (an
 * empty range is widened around its value; log_y needs y0 > 0) with the
 * chart's name as data-chart and title as its accessible label; draws the
 * grid and both axes with their tick labels. End with mt_chart_end. */
void mt_chart_begin(struct mt_chart *c, FILE *f, const char *name, const char *title, double width, double height,
                    double x0, double x1, double y0, double y1, enum mt_axis_fmt xfmt, enum mt_axis_fmt yfmt,
                    bool log_y);

/* Closes the SVG. */
void mt_chart_end(struct mt_chart *c);

/* The pixel position of data x / y (clamped to the plot area). */
double mt_chart_px(const struct mt_chart *c, double x);
double mt_chart_py(const struct mt_chart *c, double y);

/* The widest chart, px, and the most points a line of buckets columns keeps. */
#define MT_CHART_MAX_WIDTH 1200
#define MT_CHART_KEEP(buckets) (4 * (size_t)(buckets))

/* Which of the n points (x ascending) a line through buckets columns between
 * x0 and x1 keeps: into keep[] (room for MT_CHART_KEEP(buckets)) the
 * indices, ascending; returns their count. Per run of points in one column
 * (points outside [x0, x1] count to the first or last column) and between
 * NaN y values (skipped: a gap), its first, lowest, highest and last point:
 * so the first and the last point always. A line with more NaN gaps than
 * that room holds keeps its first runs only. */
size_t mt_chart_downsample(const double *x, const double *y, size_t n, double x0, double x1, size_t buckets,
                           size_t *keep);

/* A line through (x[i], y[i]) (x ascending; NaN y breaks it), downsampled to
 * the plot's width; with fill_to finite, the area between it and y = fill_to
 * is filled instead. Returns the number of points drawn. */
size_t mt_chart_line(struct mt_chart *c, const double *x, const double *y, size_t n, double fill_to,
                     const char *cls);

/* Vertical bars of width w (data units) centred at x[i] from 0 to y[i],
 * class pos_cls when y[i] >= 0, neg_cls below. */
void mt_chart_bars(struct mt_chart *c, const double *x, const double *y, size_t n, double w, const char *pos_cls,
                   const char *neg_cls);

/* A horizontal line at y across the plot, and a shaded band of x in [xa, xb]. */
void mt_chart_hline(struct mt_chart *c, double y, const char *cls);
void mt_chart_vspan(struct mt_chart *c, double xa, double xb, const char *cls);

/* A segment between two data points. */
void mt_chart_segment(struct mt_chart *c, double xa, double ya, double xb, double yb, const char *cls);

/* A marker at a data point: up > 0 a triangle pointing up, < 0 down, 0 a
 * circle; title (may be NULL) becomes its tooltip. */
void mt_chart_marker(struct mt_chart *c, double x, double y, int up, const char *cls, const char *title);

/* A candle of width w (data units) at x. */
void mt_chart_candle(struct mt_chart *c, double x, double w, double open, double high, double low, double close);

/* A legend in the top-left corner: names[i] in class classes[i]. */
void mt_chart_legend(struct mt_chart *c, const char *const *names, const char *const *classes, size_t n);

/* Writes s to f with &, <, >, " and ' escaped (HTML text and attributes). */
void mt_html_escape(FILE *f, const char *s);

#endif
