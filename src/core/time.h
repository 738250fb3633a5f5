/* Civil time conversions at the edges (ms UTC inside). */
#ifndef MT_CORE_TIME_H
#define MT_CORE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int64_t mt_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Inverse of mt_days_from_civil. */
void mt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Formats t (ms UTC) as "YYYY-MM-DD HH:MM" (or with ":SS" when seconds are
 * non-zero) into buf. Returns buf. */
char *mt_time_format(int64_t t, char *buf, size_t size);

/* Parses a time given by a user, UTC: "YYYY" (its January 1), "YYYY-MM" (the
 * month's first day), "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or
 * "YYYY-MM-DDTHH:MM[:SS][Z]", or milliseconds since 1970 as 12 or more digits
 * (>= 10^11, so never a year or a count of seconds) or digits ending in "ms".
 * Other digit strings are ambiguous and rejected, and so are dates and times
 * that do not exist (2023-02-30, 25:00) and instants after 9999-12-31.
 * Returns 0 or MT_EINVAL with a message quoting text. */
int mt_time_parse(const char *text, int64_t *out, struct mt_err *err);

#endif
