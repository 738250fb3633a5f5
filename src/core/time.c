#include "core/time.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days-from-civil algorithm (public domain description). */
int64_t mt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (int64_t)m + (m > 2 ? -3 : 9);
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void mt_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

char *mt_time_format(int64_t t, char *buf, size_t size)
{
    int64_t days = floor_div(t, 86400000);
    int64_t ms_of_day = t - days * 86400000;
    int64_t y;
    unsigned m, d;
    mt_civil_from_days(days, &y, &m, &d);
    int hh = (int)(ms_of_day / 3600000), mm = (int)(ms_of_day / 60000 % 60);
    int ss = (int)(ms_of_day / 1000 % 60), ms = (int)(ms_of_day % 1000);
    if (ms)
        snprintf(buf, size, "%04lld-%02u-%02u %02d:%02d:%02d.%03d", (long long)y, m, d, hh, mm, ss,
                 ms);
    else if (ss)
        snprintf(buf, size, "%04lld-%02u-%02u %02d:%02d:%02d", (long long)y, m, d, hh, mm, ss);
    else
        snprintf(buf, size, "%04lld-%02u-%02u %02d:%02d", (long long)y, m, d, hh, mm);
    return buf;
}

/* Reads exactly `digits` decimal digits at *p into *out and advances *p. */
static bool read_digits(const char **p, int digits, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < digits; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += digits;
    *out = v;
    return true;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

/* 9999-12-31 23:59:59.999 UTC: the last instant the date forms can name. */
#define MT_TIME_MAX_MS INT64_C(253402300799999)

/* Milliseconds since the epoch: 12 or more digits (>= 10^11, 1973-03-03, so
 * no year, date or seconds count), or digits followed by "ms". */
static int parse_epoch(const char *text, size_t digits, int64_t *out, struct mt_err *err)
{
    int64_t v = 0;
    for (size_t i = 0; i < digits; i++) {
        if (v > MT_TIME_MAX_MS)
            break;
        v = v * 10 + (text[i] - '0');
    }
    if (v > MT_TIME_MAX_MS)
        return mt_err_set(err, MT_EINVAL, "time '%s' is after 9999-12-31", text);
    *out = v;
    return MT_OK;
}

int mt_time_parse(const char *text, int64_t *out, struct mt_err *err)
{
    size_t len = strlen(text), digits = strspn(text, "0123456789");
    if (digits > 0 && strcmp(text + digits, "ms") == 0)
        return parse_epoch(text, digits, out, err);
    if (digits == len && digits >= 12)
        return parse_epoch(text, digits, out, err);
    if (digits == len && digits != 4 && digits > 0)
        return mt_err_set(err, MT_EINVAL,
                          "time '%s' is ambiguous: a year has 4 digits, milliseconds since 1970 at least 12 "
                          "(or end in 'ms')",
                          text);
    const char *p = text;
    unsigned y, mo = 1, d = 1, hh = 0, mi = 0, ss = 0;
    if (!read_digits(&p, 4, &y))
        goto bad;
    if (*p == '-' && (p++, !read_digits(&p, 2, &mo)))
        goto bad;
    if (*p == '-' && p - text == 7 && (p++, !read_digits(&p, 2, &d)))
        goto bad;
    if ((*p == ' ' || *p == 'T') && p - text == 10) {
        p++;
        if (!read_digits(&p, 2, &hh) || *p++ != ':' || !read_digits(&p, 2, &mi))
            goto bad;
        if (*p == ':' && (p++, !read_digits(&p, 2, &ss)))
            goto bad;
        if (*p == 'Z')
            p++;
    }
    if (*p)
        goto bad;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || hh > 23 || mi > 59 || ss > 59)
        return mt_err_set(err, MT_EINVAL,
                          "time '%s' does not exist: months run 1-12, days to the end of the month, hours "
                          "0-23, minutes and seconds 0-59",
                          text);
    *out = mt_days_from_civil(y, mo, d) * 86400000 + (int64_t)hh * 3600000 + (int64_t)mi * 60000 +
           (int64_t)ss * 1000;
    return MT_OK;
bad:
    return mt_err_set(err, MT_EINVAL,
                      "time '%s' is not understood: expected YYYY, YYYY-MM, YYYY-MM-DD, "
                      "'YYYY-MM-DD HH:MM[:SS]' or YYYY-MM-DDTHH:MM[:SS][Z] (UTC), or milliseconds since "
                      "1970 (12 or more digits, or ending in 'ms')",
                      text);
}
