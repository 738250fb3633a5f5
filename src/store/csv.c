#include "store/csv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/columns.h"
#include "store/store.h"
#include "store/validate.h"

/* Longest number or date text accepted in one field. */
#define MT_CSV_FIELD_MAX 63

struct field {
    const char *p;
    size_t len;
};

/* Role of each column: an mt_field bit, MT_COLUMNS_CLOSE_TIME or 0 (ignored). */
struct layout {
    size_t ncols;
    unsigned role[MT_CSV_MAX_COLUMNS];
    unsigned fields;
    bool close_time;
    bool text_times; /* header CSV: dates as text are allowed */
};

/* Close times kept for the check after all rows are read (the timeframe may be
 * inferred from a later row). */
struct closes {
    size_t n, cap;
    int64_t *t;
    size_t *line;
};

static const unsigned kline_roles[12] = {
    MT_F_OPEN_TIME, MT_F_OPEN, MT_F_HIGH, MT_F_LOW, MT_F_CLOSE, MT_F_VOLUME,
    MT_COLUMNS_CLOSE_TIME, MT_F_QUOTE_VOLUME, MT_F_TRADES, MT_F_TAKER_BUY_BASE,
    MT_F_TAKER_BUY_QUOTE, 0};

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits a line at commas into trimmed fields; returns the field count, or
 * max + 1 if there are more. */
static size_t split(const char *line, size_t len, struct field *f, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && line[i] != ',')
            continue;
        if (n == max)
            return max + 1;
        size_t a = start, b = i;
        while (a < b && is_space(line[a]))
            a++;
        while (b > a && is_space(line[b - 1]))
            b--;
        f[n++] = (struct field){line + a, b - a};
        start = i + 1;
    }
    return n;
}

/* Copies a field into a NUL-terminated buffer; false if too long. */
static bool field_text(struct field f, char *buf, size_t size)
{
    if (f.len >= size)
        return false;
    memcpy(buf, f.p, f.len);
    buf[f.len] = '\0';
    return true;
}

static bool parse_int(struct field f, int64_t *out)
{
    char buf[MT_CSV_FIELD_MAX + 1];
    if (f.len == 0 || !field_text(f, buf, sizeof buf))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno != 0 || end != buf + f.len)
        return false;
    *out = (int64_t)v;
    return true;
}

/* Empty is NaN (unknown); overflow fails, underflow gives the tiny value. */
static bool parse_double(struct field f, double *out)
{
    char buf[MT_CSV_FIELD_MAX + 1];
    if (f.len == 0) {
        *out = NAN;
        return true;
    }
    if (!field_text(f, buf, sizeof buf))
        return false;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + f.len || (errno == ERANGE && isinf(v)))
        return false;
    *out = v;
    return true;
}

static bool parse_time(struct field f, bool text_ok, int64_t *out, bool *micros)
{
    int64_t v;
    if (parse_int(f, &v)) {
        int64_t ms = mt_columns_epoch_to_ms(v);
        if (ms != v)
            *micros = true;
        *out = ms;
        return true;
    }
    char buf[MT_CSV_FIELD_MAX + 1];
    if (!text_ok || !field_text(f, buf, sizeof buf))
        return false;
    size_t n = f.len;
    if (n > 6 && strcmp(buf + n - 6, "+00:00") == 0)
        buf[n - 6] = '\0'; /* pandas writes UTC datetimes with an offset */
    return mt_time_parse(buf, out, NULL) == MT_OK;
}

static int bad_field(struct mt_err *err, const char *name, size_t line, size_t col, unsigned role,
                     struct field f, const char *expected)
{
    const char *what = role == MT_COLUMNS_CLOSE_TIME ? "close_time" : mt_field_name(role);
    return mt_err_set(err, MT_EFORMAT, "%s line %zu column %zu (%s): expected %s, got '%.*s'",
                      name, line, col + 1, what ? what : "?", expected,
                      (int)(f.len > 40 ? 40 : f.len), f.p);
}

static int header_layout(const struct field *f, size_t nf, struct layout *lay, const char *name,
                         size_t line, struct mt_err *err)
{
    int rank[MT_CSV_MAX_COLUMNS];
    lay->ncols = nf;
    lay->text_times = true;
    for (size_t c = 0; c < nf; c++) {
        struct field h = f[c];
        if (h.len >= 2 && h.p[0] == '"' && h.p[h.len - 1] == '"')
            h = (struct field){h.p + 1, h.len - 2};
        lay->role[c] = mt_columns_classify(h.p, h.len, &rank[c]);
    }
    /* Where two columns claim one role (count and trades), the lower rank wins. */
    for (size_t c = 0; c < nf; c++) {
        for (size_t d = 0; lay->role[c] && d < nf; d++) {
            if (d != c && lay->role[d] == lay->role[c] &&
                (rank[d] < rank[c] || (rank[d] == rank[c] && d < c)))
                lay->role[c] = 0;
        }
        if (lay->role[c] == MT_COLUMNS_CLOSE_TIME)
            lay->close_time = true;
        else
            lay->fields |= lay->role[c];
    }
    static const unsigned needed[] = {MT_F_OPEN_TIME, MT_F_OPEN, MT_F_HIGH, MT_F_LOW, MT_F_CLOSE};
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++) {
        if (!(lay->fields & needed[k]))
            return mt_err_set(err, MT_EFORMAT,
                              "%s line %zu: the header has no %s column (expected a header with "
                              "open_time, open, high, low, close or the 12 Binance kline columns "
                              "without header)",
                              name, line, mt_field_name(needed[k]));
    }
    return MT_OK;
}

static int kline_layout(size_t nf, struct layout *lay, const char *name, size_t line,
                        struct mt_err *err)
{
    if (nf != 12)
        return mt_err_set(err, MT_EFORMAT,
                          "%s line %zu: %zu columns and no header; expected the 12 columns of a "
                          "Binance kline row or a header line",
                          name, line, nf);
    lay->ncols = 12;
    memcpy(lay->role, kline_roles, sizeof kline_roles);
    lay->fields = MT_F_ALL;
    lay->close_time = true;
    return MT_OK;
}

static int push_close(struct closes *cl, int64_t t, size_t line, struct mt_err *err)
{
    if (cl->n == cl->cap) {
        size_t cap = cl->cap ? cl->cap * 2 : 1024;
        if (cap > MT_SERIES_MAX_ROWS)
            cap = MT_SERIES_MAX_ROWS;
        if (cap <= cl->n)
            return mt_err_set(err, MT_ELIMIT, "more than %zu rows", (size_t)MT_SERIES_MAX_ROWS);
        int64_t *nt = realloc(cl->t, cap * sizeof *nt);
        if (!nt)
            return mt_err_set(err, MT_ENOMEM, "out of memory for %zu close times", cap);
        cl->t = nt;
        size_t *nl = realloc(cl->line, cap * sizeof *nl);
        if (!nl)
            return mt_err_set(err, MT_ENOMEM, "out of memory for %zu close times", cap);
        cl->line = nl;
        cl->cap = cap;
    }
    cl->t[cl->n] = t;
    cl->line[cl->n++] = line;
    return MT_OK;
}

static double *candle_slot(struct mt_candle *c, unsigned field)
{
    switch (field) {
    case MT_F_OPEN: return &c->open;
    case MT_F_HIGH: return &c->high;
    case MT_F_LOW: return &c->low;
    case MT_F_CLOSE: return &c->close;
    case MT_F_VOLUME: return &c->volume;
    case MT_F_QUOTE_VOLUME: return &c->quote_volume;
    case MT_F_TRADES: return &c->trades;
    case MT_F_TAKER_BUY_BASE: return &c->taker_buy_base;
    default: return &c->taker_buy_quote;
    }
}

bool mt_csv_trade_count_ok(double v)
{
    return isnan(v) || (fabs(v) < MT_STORE_TRADES_MAX && v == floor(v));
}

static int parse_row(const struct field *f, const struct layout *lay, const char *name, size_t line,
                     struct mt_candle *c, int64_t *close_time, bool *micros, struct mt_err *err)
{
    *c = (struct mt_candle){.open = NAN, .high = NAN, .low = NAN, .close = NAN, .volume = NAN,
                            .quote_volume = NAN, .trades = NAN, .taker_buy_base = NAN,
                            .taker_buy_quote = NAN};
    for (size_t col = 0; col < lay->ncols; col++) {
        unsigned role = lay->role[col];
        double v;
        switch (role) {
        case 0: break;
        case MT_F_OPEN_TIME:
            if (!parse_time(f[col], lay->text_times, &c->open_time, micros))
                return bad_field(err, name, line, col, role, f[col],
                                 lay->text_times ? "an integer time (ms, us or ns) or a UTC date"
                                                 : "an integer time (ms, us or ns)");
            break;
        case MT_COLUMNS_CLOSE_TIME:
            if (!parse_time(f[col], false, close_time, micros))
                return bad_field(err, name, line, col, role, f[col],
                                 "an integer time (ms, us or ns)");
            break;
        case MT_F_TRADES:
            if (!parse_double(f[col], &v) || !mt_csv_trade_count_ok(v))
                return bad_field(err, name, line, col, role, f[col],
                                 "an integer count below 9.2e18");
            c->trades = v;
            break;
        default:
            if (!parse_double(f[col], &v))
                return bad_field(err, name, line, col, role, f[col], "a number");
            *candle_slot(c, role) = v;
            break;
        }
    }
    return MT_OK;
}

/* The timeframe whose candle opening at open closes at close (Binance's
 * close = next open - 1 ms). */
static bool tf_from_close(int64_t open, int64_t close, enum mt_tf *tf)
{
    for (int k = 0; k < MT_TF_COUNT; k++) {
        enum mt_tf cand = (enum mt_tf)k;
        if (mt_tf_aligned(cand, open) && mt_tf_next(cand, open) - 1 == close) {
            *tf = cand;
            return true;
        }
    }
    return false;
}

static int check_closes(const struct mt_series *s, const struct closes *cl, const char *name,
                        struct mt_csv_info *info, struct mt_err *err)
{
    char a[32];
    for (size_t r = 0; !info->tf_known && r < s->n; r++)
        info->tf_known = tf_from_close(s->open_time[r], cl->t[r], &info->tf);
    if (!info->tf_known) {
        if (s->n == 0)
            return MT_OK;
        return mt_err_set(err, MT_EDATA,
                          "%s: no row closes at the end of a candle of any Binance timeframe "
                          "(line %zu opens at %lld and closes at %lld)",
                          name, cl->line[0], (long long)s->open_time[0], (long long)cl->t[0]);
    }
    enum mt_tf tf = info->tf;
    size_t first_early = 0;
    for (size_t r = 0; r < s->n; r++) {
        int64_t open = s->open_time[r];
        if (!mt_tf_aligned(tf, open))
            return mt_err_set(err, MT_EDATA, "%s line %zu: open time %s is not on the %s grid",
                              name, cl->line[r], mt_time_format(open, a, sizeof a),
                              mt_tf_name(tf));
        int64_t last = mt_tf_next(tf, open) - 1;
        if (cl->t[r] < open || cl->t[r] > last)
            return mt_err_set(err, MT_EDATA,
                              "%s line %zu: close time %lld does not fit the %s candle opening at "
                              "%s (expected %lld)",
                              name, cl->line[r], (long long)cl->t[r], mt_tf_name(tf),
                              mt_time_format(open, a, sizeof a), (long long)last);
        if (cl->t[r] < last && info->early_closes++ == 0)
            first_early = cl->line[r];
    }
    if (info->early_closes * 2 > s->n)
        return mt_err_set(err, MT_EDATA,
                          "%s: %zu of %zu rows close before the end of their %s candle (first at "
                          "line %zu): the data is not %s candles",
                          name, info->early_closes, s->n, mt_tf_name(tf), first_early,
                          mt_tf_name(tf));
    info->close_times = true;
    return MT_OK;
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_space(p[i]))
            return false;
    }
    return true;
}

/* The state of one parse, fed line by line. */
struct parser {
    const char *name;
    struct mt_series *out;
    struct mt_csv_info *info;
    struct layout lay;
    struct closes cl;
    size_t line;
    bool first;
};

static void parser_start(struct parser *ps, const char *name, const enum mt_tf *tf,
                         struct mt_series *out, struct mt_csv_info *info)
{
    memset(info, 0, sizeof *info);
    if (tf) {
        info->tf_known = true;
        info->tf = *tf;
    }
    mt_series_release(out);
    *ps = (struct parser){.name = name, .out = out, .info = info, .first = true};
}

/* Counts the last row appended if it breaks a row rule, keeping the first
 * such row's description. */
static void check_row(struct parser *ps)
{
    struct mt_issue issue[MT_VALIDATE_ROW_MAX];
    if (mt_validate_row(ps->out, ps->out->n - 1, issue) == 0 || ps->info->invalid++ > 0)
        return;
    size_t col = 0;
    while (col + 1 < ps->lay.ncols && ps->lay.role[col] != issue[0].field)
        col++;
    char what[160];
    mt_err_set(&ps->info->first_invalid, MT_EDATA,
               "%s line %zu column %zu (%s): invalid candle: %s", ps->name, ps->line, col + 1,
               mt_field_name(issue[0].field), mt_issue_describe(&issue[0], what, sizeof what));
}

static int too_long(struct mt_err *err, const char *name, size_t line)
{
    return mt_err_set(err, MT_ELIMIT, "%s line %zu: longer than the limit of %zu bytes", name,
                      line, MT_CSV_LINE_MAX);
}

/* Parses one line (with its line end, if any). */
static int parse_line(struct parser *ps, const char *p, size_t n, struct mt_err *err)
{
    if (n > 0 && p[n - 1] == '\n')
        n--;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (ps->line++ == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (n > MT_CSV_LINE_MAX)
        return too_long(err, ps->name, ps->line);
    if (blank(p, n))
        return MT_OK;
    struct field f[MT_CSV_MAX_COLUMNS];
    size_t nf = split(p, n, f, MT_CSV_MAX_COLUMNS);
    if (nf > MT_CSV_MAX_COLUMNS)
        return mt_err_set(err, MT_EFORMAT, "%s line %zu: more than %d columns", ps->name,
                          ps->line, MT_CSV_MAX_COLUMNS);
    if (ps->first) {
        int64_t probe;
        ps->info->header = !parse_int(f[0], &probe);
        int rc = ps->info->header ? header_layout(f, nf, &ps->lay, ps->name, ps->line, err)
                                  : kline_layout(nf, &ps->lay, ps->name, ps->line, err);
        if (rc)
            return rc;
        mt_series_init(ps->out, ps->lay.fields);
        ps->first = false;
        if (ps->info->header)
            return MT_OK;
    }
    if (nf != ps->lay.ncols)
        return mt_err_set(err, MT_EFORMAT, "%s line %zu: %zu columns, expected %zu", ps->name,
                          ps->line, nf, ps->lay.ncols);
    struct mt_candle c;
    int64_t close_time = 0;
    int rc = parse_row(f, &ps->lay, ps->name, ps->line, &c, &close_time, &ps->info->micros, err);
    if (rc)
        return rc;
    rc = ps->lay.close_time ? push_close(&ps->cl, close_time, ps->line, err) : MT_OK;
    if (!rc)
        rc = mt_series_append(ps->out, &c, err);
    if (rc)
        return mt_err_prefix(err, "%s line %zu", ps->name, ps->line);
    check_row(ps);
    return MT_OK;
}

/* Ends a parse: checks the close times, or releases everything if rc failed. */
static int parser_finish(struct parser *ps, int rc, struct mt_err *err)
{
    if (!rc && ps->first)
        mt_series_init(ps->out, MT_F_OHLC);
    if (!rc && ps->lay.close_time)
        rc = check_closes(ps->out, &ps->cl, ps->name, ps->info, err);
    free(ps->cl.t);
    free(ps->cl.line);
    if (rc)
        mt_series_release(ps->out);
    return rc;
}

int mt_csv_read(mt_csv_reader reader, void *ctx, size_t chunk, const char *name,
                const enum mt_tf *tf, struct mt_series *out, struct mt_csv_info *info,
                struct mt_err *err)
{
    struct parser ps;
    parser_start(&ps, name, tf, out, info);
    if (chunk == 0)
        chunk = MT_CSV_CHUNK;
    /* A partial line stays in buf while the next chunk is read after it: up to
     * MT_CSV_LINE_MAX bytes plus a BOM and a "\r", which parse_line drops
     * before it checks the length, so both ways fail at the same line. */
    size_t carry_max = MT_CSV_LINE_MAX + 4;
    size_t cap = carry_max + chunk, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return parser_finish(&ps, mt_err_set(err, MT_ENOMEM, "out of memory reading %s", name),
                             err);
    int rc = MT_OK;
    for (bool end = false; !rc && !end;) {
        /* buf[0, used) is the carried partial line: it holds no '\n', so only
         * the new bytes are searched (linear however small the chunks). */
        size_t carried = used;
        int64_t got = reader(ctx, buf + used, chunk, err);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        end = got == 0;
        used += (size_t)got;
        size_t pos = 0, from = carried, n;
        const char *p;
        while (!rc && (p = memchr(buf + from, '\n', used - from)) != NULL) {
            n = (size_t)(p - (buf + pos)) + 1;
            rc = parse_line(&ps, buf + pos, n, err);
            pos += n;
            from = pos;
        }
        if (!rc && end && pos < used)
            rc = parse_line(&ps, buf + pos, used - pos, err);
        if (pos > 0)
            memmove(buf, buf + pos, used - pos);
        used -= pos;
        if (!rc && used > carry_max)
            rc = too_long(err, name, ps.line + 1);
    }
    free(buf);
    return parser_finish(&ps, rc, err);
}

/* mt_csv_reader over text in memory. */
struct text_reader {
    const char *p;
    size_t left;
};

static int64_t text_read(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    (void)err;
    struct text_reader *t = ctx;
    size_t n = t->left < cap ? t->left : cap;
    memcpy(buf, t->p, n);
    t->p += n;
    t->left -= n;
    return (int64_t)n;
}

int mt_csv_parse(const char *text, size_t len, const char *name, const enum mt_tf *tf,
                 struct mt_series *out, struct mt_csv_info *info, struct mt_err *err)
{
    struct text_reader t = {text, len};
    return mt_csv_read(text_read, &t, len ? len : 1, name, tf, out, info, err);
}
