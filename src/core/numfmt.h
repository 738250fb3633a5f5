/* Decimal formatting of doubles for text output (CSV exports, listings). */
#ifndef MT_CORE_NUMFMT_H
#define MT_CORE_NUMFMT_H

#include <stddef.h>

/* Writes the shortest decimal string that reads back (strtod) as exactly v,
 * in plain or exponent notation as %g chooses; NaN is written as "" (an empty
 * CSV field). buf needs 32 bytes. Returns buf. */
char *mt_fmt_double(double v, char *buf, size_t size);

#endif
