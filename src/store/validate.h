/* OHLCV data checks: a report of what is wrong with a series, never a repair.
 *
 * Each issue kind is counted in full; the first MT_VALIDATE_MAX_ITEMS issues
 * are also kept as items with their time range, for a human listing.
 * Adjacent rows with a duplicate, off-grid or flat zero-volume issue merge into
 * one item, so a run of 50 flat candles is one line. */
#ifndef MT_STORE_VALIDATE_H
#define MT_STORE_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/series.h"
#include "core/timeframe.h"

/* Items kept in a report (the counts cover everything). */
#define MT_VALIDATE_MAX_ITEMS 100

enum mt_issue_kind {
    MT_ISSUE_UNSORTED,         /* open time before the previous row's */
    MT_ISSUE_DUPLICATE,        /* open time equal to the previous row's */
    MT_ISSUE_OFF_GRID,         /* open time not on the timeframe grid */
    MT_ISSUE_BAD_PRICE,        /* open/high/low/close NaN or infinite */
    MT_ISSUE_HIGH_BELOW_BODY,  /* high < max(open, close) */
    MT_ISSUE_LOW_ABOVE_BODY,   /* low > min(open, close) */
    MT_ISSUE_HIGH_BELOW_LOW,   /* high < low */
    MT_ISSUE_NEGATIVE_VOLUME,  /* a volume field (or the trade count) below 0 */
    MT_ISSUE_GAP,              /* missing candles between two rows */
    MT_ISSUE_FLAT_ZERO_VOLUME, /* open = high = low = close and volume 0 */
    MT_ISSUE_BEFORE_1970,      /* open time before 1970-01-01 (a negative epoch time) */
    MT_ISSUE_KIND_COUNT
};

struct mt_issue {
    enum mt_issue_kind kind;
    size_t row;      /* first row concerned (for a gap: the row after it) */
    int64_t first;   /* open time of the first row concerned (gap: first missing open time) */
    int64_t last;    /* open time of the last row concerned (gap: last missing open time) */
    size_t count;    /* rows in the item (gap: missing candles) */
    unsigned field;  /* mt_field of the offending value (BAD_PRICE, NEGATIVE_VOLUME) or 0 */
    double value;    /* first offending value: the price, volume, or high/low of the row */
    double bound;    /* what it was compared with: max/min(open, close) or low; else NaN */
    int64_t other;   /* UNSORTED/DUPLICATE: the previous row's open time; else 0 */
};

struct mt_validate_report {
    size_t rows;
    int64_t first_open, last_open;          /* of the first and last row (0 if empty) */
    size_t counts[MT_ISSUE_KIND_COUNT];     /* issues per kind: rows, or (row, field)
                                               pairs for negative volumes; gaps: gaps */
    size_t missing_candles;                 /* sum of the gaps' lengths */
    size_t issues;                          /* sum of counts */
    size_t n_items;
    struct mt_issue items[MT_VALIDATE_MAX_ITEMS];
    size_t items_dropped;                   /* issues that did not fit in items */
};

/* Checks s against timeframe tf and fills *report (no allocation). Gaps are
 * measured between consecutive rows that are both on the grid and increasing,
 * stepping with mt_tf_next so 1M (calendar months) works; duplicates are found
 * between neighbours, so in unsorted data only neighbouring ones are seen.
 * Price checks (high/low vs body) skip rows with a bad price; NaN volumes
 * are unknown, not negative. Returns 0, or MT_EINVAL for an unknown tf. */
int mt_validate_series(const struct mt_series *s, enum mt_tf tf, struct mt_validate_report *report,
                       struct mt_err *err);

/* Most issues mt_validate_row reports for one row. */
#define MT_VALIDATE_ROW_MAX 9

/* The errors of row i of s by the per-row rules of mt_validate_series, the one
 * definition of an invalid candle (import refuses such rows): open time before
 * 1970; a NaN or infinite open/high/low/close (then no other price check);
 * high < max(open, close), low > min(open, close), high < low; a negative
 * volume field or trade count (a NaN one is unknown, not an error). Warnings
 * (flat zero-volume candles) and checks between rows are not included. Writes
 * the issues (row i, count 1, in that order) into out and returns how many;
 * 0 means the candle is valid. */
size_t mt_validate_row(const struct mt_series *s, size_t i,
                       struct mt_issue out[MT_VALIDATE_ROW_MAX]);

/* Short stable name of a kind ("gap", "flat_zero_volume", ...); static string. */
const char *mt_issue_kind_name(enum mt_issue_kind kind);

/* Formats item as one human line without a newline into buf, e.g.
 * "gap: 1 missing candle at 2023-03-24 13:00" or
 * "flat zero-volume candle at 2023-03-24 12:00 (row 565)". Returns buf. */
char *mt_issue_format(const struct mt_issue *item, char *buf, size_t size);

/* mt_issue_format without the time and row range, for a caller that names the
 * row its own way (e.g. "high 0.4 below low 0.5"; a gap keeps its range). */
char *mt_issue_describe(const struct mt_issue *item, char *buf, size_t size);

#endif
