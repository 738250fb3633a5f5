#include "core/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

char *mt_fmt_double(double v, char *buf, size_t size)
{
    if (isnan(v)) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    /* Fewest significant digits that read back exactly. If 15 digits do, the
     * shortest form is those digits without their trailing zeros (a shorter
     * decimal that reads back as v lies far closer to v than the 15-digit grid
     * spacing, so 15-digit rounding gives it back padded with zeros); else 16 or 17. */
    int digits = 17;
    snprintf(buf, size, "%.14e", v);
    if (strtod(buf, NULL) == v) {
        const char *e = buf;
        while (*e && *e != 'e')
            e++;
        int zeros = 0;
        while (e - zeros - 1 > buf && e[-zeros - 1] == '0')
            zeros++;
        digits = 15 - zeros;
    } else {
        snprintf(buf, size, "%.15e", v);
        digits = strtod(buf, NULL) == v ? 16 : 17;
    }
    if (v == 0 || isinf(v)) {
        snprintf(buf, size, "%g", v);
        return buf;
    }
    /* Plain notation where JavaScript's Number#toString uses it (1e-7 <= |v| < 1e21). */
    int exp10 = (int)floor(log10(fabs(v)));
    snprintf(buf, size, "%.*e", digits - 1, v);
    char *e = buf;
    while (*e && *e != 'e')
        e++;
    if (*e)
        exp10 = (int)strtol(e + 1, NULL, 10); /* the exponent as printed, after rounding */
    if (exp10 >= -7 && exp10 < 21) {
        int decimals = digits - 1 - exp10;
        snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
    }
    return buf;
}
