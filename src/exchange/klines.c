/* Kline-array scanner and Binance error bodies. */
#include "exchange/klines.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest integer time accepted: exactly representable as a double. */
#define KL_INT_MAX (INT64_C(1) << 53)
/* Longest decimal string copied for strtod. */
#define KL_NUM_MAX 63

static const char *const field_names[12] = {
    "open time", "open",   "high",          "low",
    "close",     "volume", "close time",    "quote volume",
    "trades",    "taker buy base", "taker buy quote", "ignore",
};

struct scan {
    const char *p;   /* body */
    size_t len;
    size_t pos;      /* next byte */
    size_t row;      /* 0-based row being read */
    struct mt_err *err;
};

static int fail(struct scan *sc, int code, int field, const char *what)
{
    if (field >= 0)
        return mt_err_set(sc->err, code, "klines body: byte %zu (row %zu, field %d %s): %s", sc->pos,
                          sc->row, field + 1, field_names[field], what);
    return mt_err_set(sc->err, code, "klines body: byte %zu (row %zu): %s", sc->pos, sc->row, what);
}

static void skip_ws(struct scan *sc)
{
    while (sc->pos < sc->len) {
        char c = sc->p[sc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        sc->pos++;
    }
}

/* Consumes byte c after optional whitespace. */
static bool expect(struct scan *sc, char c)
{
    skip_ws(sc);
    if (sc->pos < sc->len && sc->p[sc->pos] == c) {
        sc->pos++;
        return true;
    }
    return false;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A non-negative JSON integer (no sign, fraction or exponent, no leading zero). */
static int scan_int(struct scan *sc, int field, int64_t *out)
{
    skip_ws(sc);
    size_t start = sc->pos;
    int64_t v = 0;
    while (sc->pos < sc->len && is_digit(sc->p[sc->pos])) {
        v = v * 10 + (sc->p[sc->pos] - '0');
        if (v >= KL_INT_MAX)
            return fail(sc, MT_EFORMAT, field, "integer too large");
        sc->pos++;
    }
    size_t n = sc->pos - start;
    if (n == 0)
        return fail(sc, MT_EFORMAT, field, "expected a non-negative integer");
    if (n > 1 && sc->p[start] == '0') {
        sc->pos = start;
        return fail(sc, MT_EFORMAT, field, "integer with a leading zero");
    }
    if (sc->pos < sc->len) {
        char c = sc->p[sc->pos];
        if (c == '.' || c == 'e' || c == 'E')
            return fail(sc, MT_EFORMAT, field, "expected an integer, got a fraction or exponent");
    }
    *out = v;
    return 0;
}

/* Exact powers of ten as doubles: 10^0 .. 10^22. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Decimal digits of a kline number, gathered while scanning. */
struct digits {
    uint64_t m;        /* all digits read, as an integer (while !overflow) */
    uint64_t m_nz;     /* the digits up to the last non-zero fraction digit */
    size_t frac_nz;    /* fraction digits in m_nz */
    size_t int_digits, frac_digits;
    bool overflow;     /* more digits than m can hold */
};

static void push_digit(struct digits *d, char c)
{
    unsigned v = (unsigned)(c - '0');
    if (d->m > (UINT64_MAX - 9) / 10)
        d->overflow = true;
    else
        d->m = d->m * 10 + v;
}

/* The value of the decimal [neg]digits: exact-integer over exact-power-of-ten
 * (one correctly rounded division, the same double strtod gives) when
 * trailing zeros aside it has at most 2^53 as mantissa and 22 fraction
 * digits; else strtod on the text. Returns false when out of range. */
static bool decimal_value(const struct digits *d, bool neg, const char *text, size_t n, double *out)
{
    if (!d->overflow && d->m_nz <= (UINT64_C(1) << 53) && d->frac_nz <= 22) {
        double v = (double)d->m_nz / pow10_exact[d->frac_nz];
        *out = neg ? -v : v;
        return true;
    }
    char buf[KL_NUM_MAX + 1];
    memcpy(buf, text, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + n || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/* A JSON string holding a plain decimal [-]digits[.digits]. */
static int scan_dec(struct scan *sc, int field, double *out)
{
    if (!expect(sc, '"'))
        return fail(sc, MT_EFORMAT, field, "expected a decimal string");
    size_t start = sc->pos;
    size_t i = start;
    bool neg = i < sc->len && sc->p[i] == '-';
    if (neg)
        i++;
    struct digits d = {0};
    while (i < sc->len && is_digit(sc->p[i])) {
        push_digit(&d, sc->p[i++]);
        d.int_digits++;
    }
    d.m_nz = d.m;
    if (i < sc->len && sc->p[i] == '.') {
        i++;
        while (i < sc->len && is_digit(sc->p[i])) {
            push_digit(&d, sc->p[i]);
            d.frac_digits++;
            if (sc->p[i++] != '0') {
                d.m_nz = d.m;
                d.frac_nz = d.frac_digits;
            }
        }
        if (d.frac_digits == 0) {
            sc->pos = i;
            return fail(sc, MT_EFORMAT, field, "expected digits after the decimal point");
        }
    }
    if (d.int_digits == 0) {
        sc->pos = i;
        return fail(sc, MT_EFORMAT, field, "expected a decimal number");
    }
    if (i >= sc->len || sc->p[i] != '"') {
        sc->pos = i;
        return fail(sc, MT_EFORMAT, field,
                    i >= sc->len ? "body ends inside a string" : "unexpected character in a decimal");
    }
    size_t n = i - start;
    if (n > KL_NUM_MAX)
        return fail(sc, MT_EFORMAT, field, "decimal longer than 63 characters");
    if (!decimal_value(&d, neg, sc->p + start, n, out))
        return fail(sc, MT_EFORMAT, field, "decimal out of range");
    sc->pos = i + 1;
    return 0;
}

static int scan_comma(struct scan *sc, int field)
{
    if (!expect(sc, ','))
        return fail(sc, MT_EFORMAT, field,
                    sc->pos >= sc->len ? "body ends inside a row" : "expected ',' (row has fewer than 12 fields)");
    return 0;
}

/* One row after its '['; fills c and its close time. */
static int scan_row(struct scan *sc, struct mt_candle *c, int64_t *close_time)
{
    int64_t t, trades;
    double ignore;
    int rc;
    if ((rc = scan_int(sc, 0, &t)))
        return rc;
    c->open_time = t;
    double *vals[4] = {&c->open, &c->high, &c->low, &c->close};
    for (int f = 1; f <= 4; f++)
        if ((rc = scan_comma(sc, f)) || (rc = scan_dec(sc, f, vals[f - 1])))
            return rc;
    if ((rc = scan_comma(sc, 5)) || (rc = scan_dec(sc, 5, &c->volume)) || (rc = scan_comma(sc, 6)) ||
        (rc = scan_int(sc, 6, close_time)) || (rc = scan_comma(sc, 7)) ||
        (rc = scan_dec(sc, 7, &c->quote_volume)) || (rc = scan_comma(sc, 8)) ||
        (rc = scan_int(sc, 8, &trades)) || (rc = scan_comma(sc, 9)) ||
        (rc = scan_dec(sc, 9, &c->taker_buy_base)) || (rc = scan_comma(sc, 10)) ||
        (rc = scan_dec(sc, 10, &c->taker_buy_quote)) || (rc = scan_comma(sc, 11)) ||
        (rc = scan_dec(sc, 11, &ignore)))
        return rc;
    c->trades = (double)trades;
    if (!expect(sc, ']'))
        return fail(sc, MT_EFORMAT, -1,
                    sc->pos >= sc->len ? "body ends inside a row" : "expected ']' after 12 fields");
    return 0;
}

static int check_times(struct scan *sc, enum mt_tf tf, const struct mt_candle *c, int64_t close_time,
                       const struct mt_series *s)
{
    if (!mt_tf_aligned(tf, c->open_time))
        return mt_err_set(sc->err, MT_EDATA, "klines body: row %zu: open time %lld is not aligned to %s",
                          sc->row, (long long)c->open_time, mt_tf_name(tf));
    /* Real data has shorter candles: the one before an outage closes early
     * (BTCUSDT 2023-03-24 12:00 closes at 12:39:41.646). */
    int64_t last = mt_tf_next(tf, c->open_time) - 1;
    if (close_time < c->open_time || close_time > last)
        return mt_err_set(sc->err, MT_EDATA,
                          "klines body: row %zu: close time %lld outside [%lld, %lld] of the %s candle",
                          sc->row, (long long)close_time, (long long)c->open_time, (long long)last,
                          mt_tf_name(tf));
    if (s->n && c->open_time <= s->open_time[s->n - 1])
        return mt_err_set(sc->err, MT_EDATA,
                          "klines body: row %zu: open time %lld does not follow the previous %lld",
                          sc->row, (long long)c->open_time, (long long)s->open_time[s->n - 1]);
    return 0;
}

int mt_klines_parse(const char *body, size_t len, enum mt_tf tf, struct mt_series *s,
                    struct mt_err *err)
{
    if ((s->fields & MT_F_ALL) != MT_F_ALL || (unsigned)tf >= MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "klines: series must hold all kline fields and tf must be valid");
    struct scan sc = {.p = body, .len = len, .pos = 0, .row = 0, .err = err};
    size_t n0 = s->n;
    int rc;
    if (!expect(&sc, '[')) {
        rc = fail(&sc, MT_EFORMAT, -1, "expected '[' opening the kline array");
        goto fail_rows;
    }
    if (!expect(&sc, ']')) {
        for (;;) {
            if (sc.row >= MT_KLINES_MAX_ROWS) {
                rc = fail(&sc, MT_EFORMAT, -1, "more than 10000000 rows");
                goto fail_rows;
            }
            if (!expect(&sc, '[')) {
                rc = fail(&sc, MT_EFORMAT, -1, "expected '[' opening a row");
                goto fail_rows;
            }
            struct mt_candle c;
            int64_t close_time;
            if ((rc = scan_row(&sc, &c, &close_time)) || (rc = check_times(&sc, tf, &c, close_time, s)) ||
                (rc = mt_series_append(s, &c, err)))
                goto fail_rows;
            sc.row++;
            if (expect(&sc, ']'))
                break;
            if (!expect(&sc, ',')) {
                rc = fail(&sc, MT_EFORMAT, -1,
                          sc.pos >= sc.len ? "body ends after a row" : "expected ',' or ']' after a row");
                goto fail_rows;
            }
        }
    }
    skip_ws(&sc);
    if (sc.pos != len) {
        rc = fail(&sc, MT_EFORMAT, -1, "trailing bytes after the kline array");
        goto fail_rows;
    }
    return 0;
fail_rows:
    s->n = n0;
    return rc;
}

size_t mt_klines_closed(const struct mt_series *s, enum mt_tf tf, int64_t now_ms)
{
    /* closeTime < now  <=>  next open <= now  <=>  open < floor(now). */
    return mt_series_lower_bound(s, mt_tf_floor(tf, now_ms));
}

int mt_binance_error_parse(const char *body, size_t len, struct mt_binance_error *out,
                           struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!root)
        return mt_err_set(err, MT_EFORMAT, "binance error body: not JSON");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(root, "code");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(root, "msg");
    int rc = 0;
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(code) || !cJSON_IsString(msg) ||
        !(code->valuedouble >= -1e9 && code->valuedouble <= 1e9) ||
        code->valuedouble != (double)(int)code->valuedouble) {
        rc = mt_err_set(err, MT_EFORMAT, "binance error body: expected {\"code\":integer,\"msg\":string}");
        goto done;
    }
    out->code = (int)code->valuedouble;
    snprintf(out->msg, sizeof out->msg, "%s", msg->valuestring);
done:
    cJSON_Delete(root);
    return rc;
}
