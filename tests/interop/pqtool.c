/* pqtool: command-line access to mtrader's Parquet codec for the interoperability
 * tests (tests/interop/parquet_interop.mjs), so that independent readers and
 * writers running in node can be compared with ours value by value.
 *
 *   pqtool dump FILE
 *       Line 1: a JSON object with the schema (num_rows, created_by, columns, kv).
 *       Then one JSON array per row, one element per column:
 *         DOUBLE/FLOAT   a JSON number printed with %.17g (exact), or the strings
 *                        "NaN", "Infinity", "-Infinity"
 *         integers       a JSON string holding the exact decimal int64
 *         timestamps     ["<ms from mt_pq_read_time_ms>", "<raw stored int64>"]
 *         BYTE_ARRAY     a JSON string (bytes >= 0x80 copied, controls escaped)
 *         null           null
 *
 *   pqtool write OUT --codec none|snappy|zstd [--row-group N] [--page N]
 *                [--zstd-level L] [--no-stats] [--kv KEY=VALUE]...  < TABLE
 *       TABLE is tab-separated text. Line 1 holds one `name:type` per column,
 *       type one of ts_ms ts_us ts_ns int64 int32 double float string, with a
 *       trailing `?` for an OPTIONAL column. Each further line is one row; `\N`
 *       is a null; in strings `\\`, `\t`, `\n` and `\r` are escapes. Numbers
 *       are parsed with strtod/strtoll (so "NaN", "-inf", "-0" work).
 *
 * Exit status: 0 ok, 1 codec or input error (message on stderr), 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "parquet/parquet.h"

#define PQTOOL_MAX_COLUMNS 256
#define PQTOOL_MAX_ROWS ((size_t)20000000)
#define PQTOOL_MAX_LINE ((size_t)1 << 20)
#define PQTOOL_MAX_KV 32

/* ---------------------------------------------------------------- dump ---- */

static const char *unit_name(enum mt_pq_time_unit u)
{
    switch (u) {
    case MT_PQ_NOT_TIME: return "NONE";
    case MT_PQ_MILLIS: return "MILLIS";
    case MT_PQ_MICROS: return "MICROS";
    case MT_PQ_NANOS: return "NANOS";
    }
    return "UNKNOWN";
}

/* Writes bytes [s, s+n) as a JSON string literal. */
static void json_string(FILE *out, const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", (unsigned)c);
        } else {
            fputc(c, out);
        }
    }
    fputc('"', out);
}

static void json_cstring(FILE *out, const char *s)
{
    if (s)
        json_string(out, s, strlen(s));
    else
        fputs("null", out);
}

enum dump_kind { DUMP_DOUBLE, DUMP_INT, DUMP_TIME, DUMP_STRING };

/* One column read fully into memory. */
struct dump_col {
    enum dump_kind kind;
    uint8_t *valid;
    double *d;              /* DUMP_DOUBLE */
    int64_t *raw;           /* DUMP_INT and DUMP_TIME (stored value) */
    int64_t *ms;            /* DUMP_TIME */
    struct mt_pq_strings s; /* DUMP_STRING */
};

static enum dump_kind dump_kind_of(const struct mt_pq_column_info *ci)
{
    if (ci->type == MT_PQ_INT96 || ci->time_unit != MT_PQ_NOT_TIME)
        return DUMP_TIME;
    switch (ci->type) {
    case MT_PQ_FLOAT:
    case MT_PQ_DOUBLE: return DUMP_DOUBLE;
    case MT_PQ_BYTE_ARRAY: return DUMP_STRING;
    default: return DUMP_INT;
    }
}

static void dump_col_release(struct dump_col *c)
{
    free(c->valid);
    free(c->d);
    free(c->raw);
    free(c->ms);
    mt_pq_strings_release(&c->s);
}

static int dump_col_read(struct mt_pq_reader *r, size_t col, size_t n, struct dump_col *c,
                         struct mt_err *err)
{
    size_t cnt = n ? n : 1;
    c->kind = dump_kind_of(mt_pq_column(r, col));
    c->valid = calloc(cnt, 1);
    if (!c->valid)
        return mt_err_set(err, MT_ENOMEM, "column %zu: out of memory", col);
    switch (c->kind) {
    case DUMP_DOUBLE:
        c->d = calloc(cnt, sizeof *c->d);
        if (!c->d)
            return mt_err_set(err, MT_ENOMEM, "column %zu: out of memory", col);
        return mt_pq_read_double(r, col, c->d, c->valid, err);
    case DUMP_INT:
        c->raw = calloc(cnt, sizeof *c->raw);
        if (!c->raw)
            return mt_err_set(err, MT_ENOMEM, "column %zu: out of memory", col);
        return mt_pq_read_int64(r, col, c->raw, c->valid, err);
    case DUMP_TIME: {
        c->raw = calloc(cnt, sizeof *c->raw);
        c->ms = calloc(cnt, sizeof *c->ms);
        uint8_t *valid2 = calloc(cnt, 1);
        if (!c->raw || !c->ms || !valid2) {
            free(valid2);
            return mt_err_set(err, MT_ENOMEM, "column %zu: out of memory", col);
        }
        int rc = mt_pq_read_time_ms(r, col, c->ms, c->valid, err);
        if (rc == 0)
            rc = mt_pq_read_int64(r, col, c->raw, valid2, err);
        if (rc == 0 && memcmp(c->valid, valid2, n) != 0)
            rc = mt_err_set(err, MT_EDATA,
                            "column %zu: null masks of mt_pq_read_time_ms and "
                            "mt_pq_read_int64 differ",
                            col);
        free(valid2);
        return rc;
    }
    case DUMP_STRING:
        return mt_pq_read_strings(r, col, &c->s, c->valid, err);
    }
    return mt_err_set(err, MT_EINVAL, "column %zu: unknown kind", col);
}

static void dump_value(FILE *out, const struct dump_col *c, size_t i)
{
    if (!c->valid[i]) {
        fputs("null", out);
        return;
    }
    switch (c->kind) {
    case DUMP_DOUBLE: {
        double v = c->d[i];
        if (isnan(v))
            fputs("\"NaN\"", out);
        else if (isinf(v))
            fputs(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", out);
        else
            fprintf(out, "%.17g", v);
        break;
    }
    case DUMP_INT:
        fprintf(out, "\"%" PRId64 "\"", c->raw[i]);
        break;
    case DUMP_TIME:
        fprintf(out, "[\"%" PRId64 "\",\"%" PRId64 "\"]", c->ms[i], c->raw[i]);
        break;
    case DUMP_STRING:
        json_string(out, c->s.data + c->s.offsets[i], c->s.offsets[i + 1] - c->s.offsets[i]);
        break;
    }
}

static void dump_header(FILE *out, const struct mt_pq_reader *r)
{
    fprintf(out, "{\"num_rows\":%zu,\"created_by\":", mt_pq_num_rows(r));
    json_cstring(out, mt_pq_created_by(r));
    fputs(",\"columns\":[", out);
    for (size_t j = 0; j < mt_pq_num_columns(r); j++) {
        const struct mt_pq_column_info *ci = mt_pq_column(r, j);
        fputs(j ? ",{\"name\":" : "{\"name\":", out);
        json_cstring(out, ci->name);
        fprintf(out, ",\"type\":\"%s\",\"optional\":%s,\"time_unit\":\"%s\",\"string\":%s}",
                mt_pq_type_name((int32_t)ci->type), ci->optional ? "true" : "false", unit_name(ci->time_unit),
                ci->is_string ? "true" : "false");
    }
    fputs("],\"kv\":[", out);
    for (size_t j = 0; j < mt_pq_num_kv(r); j++) {
        const struct mt_pq_kv *kv = mt_pq_kv(r, j);
        fputs(j ? ",[" : "[", out);
        json_cstring(out, kv->key);
        fputc(',', out);
        json_cstring(out, kv->value);
        fputc(']', out);
    }
    fputs("]}\n", out);
}

static int cmd_dump(const char *path)
{
    struct mt_err err = {0};
    struct mt_pq_reader *r = NULL;
    struct dump_col *cols = NULL;
    size_t ncols = 0;
    int rc = mt_pq_reader_open(&r, path, &err);
    if (rc)
        goto fail;
    size_t n = mt_pq_num_rows(r);
    ncols = mt_pq_num_columns(r);
    if (n > PQTOOL_MAX_ROWS) {
        rc = mt_err_set(&err, MT_ELIMIT, "%s: %zu rows, pqtool handles at most %zu", path, n,
                        PQTOOL_MAX_ROWS);
        goto fail;
    }
    cols = calloc(ncols ? ncols : 1, sizeof *cols);
    if (!cols) {
        rc = mt_err_set(&err, MT_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    for (size_t j = 0; j < ncols; j++) {
        rc = dump_col_read(r, j, n, &cols[j], &err);
        if (rc) {
            mt_err_prefix(&err, "%s: column '%s'", path, mt_pq_column(r, j)->name);
            goto fail;
        }
    }
    dump_header(stdout, r);
    for (size_t i = 0; i < n; i++) {
        fputc('[', stdout);
        for (size_t j = 0; j < ncols; j++) {
            if (j)
                fputc(',', stdout);
            dump_value(stdout, &cols[j], i);
        }
        fputs("]\n", stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        rc = mt_err_set(&err, MT_EIO, "stdout: write failed");
        goto fail;
    }
fail:
    for (size_t j = 0; cols && j < ncols; j++)
        dump_col_release(&cols[j]);
    free(cols);
    mt_pq_reader_free(r);
    if (rc) {
        fprintf(stderr, "pqtool dump: %s (%s)\n", err.msg, mt_strerror(rc));
        return 1;
    }
    return 0;
}

/* --------------------------------------------------------------- write ---- */

enum in_kind { IN_TS_MS, IN_TS_US, IN_TS_NS, IN_INT64, IN_INT32, IN_DOUBLE, IN_FLOAT, IN_STRING };

static const struct {
    const char *name;
    enum in_kind kind;
} in_types[] = {
    {"ts_ms", IN_TS_MS},   {"ts_us", IN_TS_US},   {"ts_ns", IN_TS_NS},
    {"int64", IN_INT64},   {"int32", IN_INT32},   {"double", IN_DOUBLE},
    {"float", IN_FLOAT},   {"string", IN_STRING},
};

/* One input column, grown as rows are parsed. */
struct in_col {
    char *name;
    enum in_kind kind;
    bool optional;
    void *values;   /* int64_t, int32_t, double, float or char * elements */
    uint8_t *valid;
};

struct table {
    struct in_col cols[PQTOOL_MAX_COLUMNS];
    size_t ncols;
    size_t nrows;
    size_t cap;
};

static size_t elem_size(enum in_kind k)
{
    switch (k) {
    case IN_INT32: return sizeof(int32_t);
    case IN_FLOAT: return sizeof(float);
    case IN_DOUBLE: return sizeof(double);
    case IN_STRING: return sizeof(char *);
    default: return sizeof(int64_t);
    }
}

static void table_release(struct table *t)
{
    for (size_t j = 0; j < t->ncols; j++) {
        struct in_col *c = &t->cols[j];
        if (c->kind == IN_STRING && c->values) {
            char **s = c->values;
            for (size_t i = 0; i < t->nrows; i++)
                free(s[i]);
        }
        free(c->values);
        free(c->valid);
        free(c->name);
    }
    t->ncols = 0;
}

/* Splits line (modified in place) at tabs into at most max fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return max + 1;
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            return n;
        *tab = '\0';
        p = tab + 1;
    }
}

static int parse_header(struct table *t, char *line, struct mt_err *err)
{
    char *fields[PQTOOL_MAX_COLUMNS];
    size_t n = split_tabs(line, fields, PQTOOL_MAX_COLUMNS);
    if (n > PQTOOL_MAX_COLUMNS)
        return mt_err_set(err, MT_ELIMIT, "header: more than %d columns", PQTOOL_MAX_COLUMNS);
    for (size_t j = 0; j < n; j++) {
        char *colon = strrchr(fields[j], ':');
        if (!colon || colon == fields[j])
            return mt_err_set(err, MT_EFORMAT, "header field %zu '%s': expected name:type", j + 1,
                              fields[j]);
        *colon = '\0';
        char *type = colon + 1;
        size_t tl = strlen(type);
        bool optional = tl > 0 && type[tl - 1] == '?';
        if (optional)
            type[tl - 1] = '\0';
        size_t k = 0;
        while (k < sizeof in_types / sizeof in_types[0] && strcmp(in_types[k].name, type) != 0)
            k++;
        if (k == sizeof in_types / sizeof in_types[0])
            return mt_err_set(err, MT_EFORMAT,
                              "header column '%s': unknown type '%s' (expected ts_ms, ts_us, "
                              "ts_ns, int64, int32, double, float or string)",
                              fields[j], type);
        struct in_col *c = &t->cols[t->ncols];
        c->name = strdup(fields[j]);
        if (!c->name)
            return mt_err_set(err, MT_ENOMEM, "header: out of memory");
        c->kind = in_types[k].kind;
        c->optional = optional;
        t->ncols++;
    }
    return 0;
}

static int table_grow(struct table *t, struct mt_err *err)
{
    if (t->nrows < t->cap)
        return 0;
    if (t->cap >= PQTOOL_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "input: more than %zu rows", PQTOOL_MAX_ROWS);
    size_t cap = t->cap ? t->cap * 2 : 1024;
    if (cap > PQTOOL_MAX_ROWS)
        cap = PQTOOL_MAX_ROWS;
    for (size_t j = 0; j < t->ncols; j++) {
        struct in_col *c = &t->cols[j];
        void *v = realloc(c->values, cap * elem_size(c->kind));
        if (!v)
            return mt_err_set(err, MT_ENOMEM, "input: out of memory at %zu rows", t->nrows);
        c->values = v;
        uint8_t *valid = realloc(c->valid, cap);
        if (!valid)
            return mt_err_set(err, MT_ENOMEM, "input: out of memory at %zu rows", t->nrows);
        c->valid = valid;
    }
    t->cap = cap;
    return 0;
}

/* Decodes the escapes of a string field into a new heap string. */
static char *unescape(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            char e = s[++i];
            out[o++] = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int parse_cell(struct in_col *c, size_t row, const char *s, struct mt_err *err)
{
    bool null = strcmp(s, "\\N") == 0;
    if (null && !c->optional)
        return mt_err_set(err, MT_EFORMAT, "row %zu column '%s': null in a required column",
                          row + 1, c->name);
    c->valid[row] = null ? 0 : 1;
    if (c->kind == IN_STRING) {
        char *v = unescape(null ? "" : s);
        if (!v)
            return mt_err_set(err, MT_ENOMEM, "row %zu: out of memory", row + 1);
        ((char **)c->values)[row] = v;
        return 0;
    }
    if (null) {
        memset((char *)c->values + row * elem_size(c->kind), 0, elem_size(c->kind));
        return 0;
    }
    char *end;
    int64_t iv;
    switch (c->kind) {
    case IN_DOUBLE:
    case IN_FLOAT:
        errno = 0;
        if (c->kind == IN_DOUBLE)
            ((double *)c->values)[row] = strtod(s, &end);
        else
            ((float *)c->values)[row] = strtof(s, &end);
        /* ERANGE on underflow still yields the correctly rounded subnormal. */
        if (end == s || *end != '\0')
            return mt_err_set(err, MT_EFORMAT, "row %zu column '%s': '%s' is not a number",
                              row + 1, c->name, s);
        return 0;
    case IN_INT32:
        if (parse_int(s, INT32_MIN, INT32_MAX, &iv))
            return mt_err_set(err, MT_EFORMAT, "row %zu column '%s': '%s' is not an int32",
                              row + 1, c->name, s);
        ((int32_t *)c->values)[row] = (int32_t)iv;
        return 0;
    default:
        if (parse_int(s, INT64_MIN, INT64_MAX, &iv))
            return mt_err_set(err, MT_EFORMAT, "row %zu column '%s': '%s' is not an int64",
                              row + 1, c->name, s);
        ((int64_t *)c->values)[row] = iv;
        return 0;
    }
}

static int read_table(FILE *in, struct table *t, struct mt_err *err)
{
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    int rc = 0;
    size_t lineno = 0;
    char *fields[PQTOOL_MAX_COLUMNS];
    while ((len = getline(&line, &lcap, in)) >= 0) {
        lineno++;
        if ((size_t)len > PQTOOL_MAX_LINE) {
            rc = mt_err_set(err, MT_ELIMIT, "input line %zu: longer than %zu bytes", lineno,
                            PQTOOL_MAX_LINE);
            goto done;
        }
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (lineno == 1) {
            rc = parse_header(t, line, err);
            if (rc)
                goto done;
            continue;
        }
        size_t n = split_tabs(line, fields, PQTOOL_MAX_COLUMNS);
        if (n != t->ncols) {
            rc = mt_err_set(err, MT_EFORMAT, "input line %zu: %zu fields, expected %zu", lineno,
                            n, t->ncols);
            goto done;
        }
        rc = table_grow(t, err);
        if (rc)
            goto done;
        for (size_t j = 0; j < n; j++) {
            rc = parse_cell(&t->cols[j], t->nrows, fields[j], err);
            if (rc) {
                /* Cells 0..j-1 hold strings owned by this row: count it. */
                t->nrows++;
                for (size_t k = j; k < n; k++)
                    if (t->cols[k].kind == IN_STRING)
                        ((char **)t->cols[k].values)[t->nrows - 1] = NULL;
                goto done;
            }
        }
        t->nrows++;
    }
    if (ferror(in))
        rc = mt_err_set(err, MT_EIO, "stdin: read failed");
    else if (lineno == 0)
        rc = mt_err_set(err, MT_EFORMAT, "stdin: empty input, expected a header line");
done:
    free(line);
    return rc;
}

struct write_args {
    const char *out;
    struct mt_pq_write_opts opts;
    struct mt_pq_kv kv[PQTOOL_MAX_KV];
};

static int usage(void)
{
    fputs("usage: pqtool dump FILE\n"
          "       pqtool write OUT --codec none|snappy|zstd [--row-group N] [--page N]\n"
          "                    [--zstd-level L] [--no-stats] [--kv KEY=VALUE]... < TABLE\n",
          stderr);
    return 2;
}

static int parse_size_arg(const char *s, size_t *out)
{
    int64_t v;
    if (parse_int(s, 1, INT64_MAX, &v))
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_write_args(int argc, char **argv, struct write_args *a)
{
    bool have_codec = false;
    a->out = argv[2];
    a->opts.statistics = true;
    for (int i = 3; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--no-stats") == 0) {
            a->opts.statistics = false;
            continue;
        }
        if (i + 1 >= argc)
            return -1;
        const char *val = argv[++i];
        if (strcmp(opt, "--codec") == 0) {
            have_codec = true;
            if (strcmp(val, "none") == 0)
                a->opts.codec = MT_PQ_UNCOMPRESSED;
            else if (strcmp(val, "snappy") == 0)
                a->opts.codec = MT_PQ_SNAPPY;
            else if (strcmp(val, "zstd") == 0)
                a->opts.codec = MT_PQ_ZSTD;
            else
                return -1;
        } else if (strcmp(opt, "--row-group") == 0) {
            if (parse_size_arg(val, &a->opts.row_group_rows))
                return -1;
        } else if (strcmp(opt, "--page") == 0) {
            if (parse_size_arg(val, &a->opts.page_rows))
                return -1;
        } else if (strcmp(opt, "--zstd-level") == 0) {
            int64_t lvl;
            if (parse_int(val, -100, 22, &lvl))
                return -1;
            a->opts.zstd_level = (int)lvl;
        } else if (strcmp(opt, "--kv") == 0) {
            const char *eq = strchr(val, '=');
            if (!eq || a->opts.n_kv == PQTOOL_MAX_KV)
                return -1;
            /* argv strings outlive the write: split in place. */
            argv[i][eq - val] = '\0';
            a->kv[a->opts.n_kv].key = argv[i];
            a->kv[a->opts.n_kv].value = argv[i] + (eq - val) + 1;
            a->opts.n_kv++;
        } else {
            return -1;
        }
    }
    a->opts.kv = a->opts.n_kv ? a->kv : NULL;
    return have_codec ? 0 : -1;
}

static int cmd_write(int argc, char **argv)
{
    struct write_args a = {0};
    if (argc < 3 || parse_write_args(argc, argv, &a))
        return usage();
    struct mt_err err = {0};
    struct table *t = calloc(1, sizeof *t);
    struct mt_pq_column wc[PQTOOL_MAX_COLUMNS];
    bool created = false;
    int rc;
    if (!t) {
        fputs("pqtool write: out of memory\n", stderr);
        return 1;
    }
    rc = read_table(stdin, t, &err);
    if (rc)
        goto fail;
    for (size_t j = 0; j < t->ncols; j++) {
        const struct in_col *c = &t->cols[j];
        static const enum mt_pq_type types[] = {
            [IN_TS_MS] = MT_PQ_INT64, [IN_TS_US] = MT_PQ_INT64, [IN_TS_NS] = MT_PQ_INT64,
            [IN_INT64] = MT_PQ_INT64, [IN_INT32] = MT_PQ_INT32, [IN_DOUBLE] = MT_PQ_DOUBLE,
            [IN_FLOAT] = MT_PQ_FLOAT, [IN_STRING] = MT_PQ_BYTE_ARRAY,
        };
        wc[j] = (struct mt_pq_column){
            .name = c->name,
            .type = types[c->kind],
            .time_unit = c->kind == IN_TS_MS   ? MT_PQ_MILLIS
                         : c->kind == IN_TS_US ? MT_PQ_MICROS
                         : c->kind == IN_TS_NS ? MT_PQ_NANOS
                                               : MT_PQ_NOT_TIME,
            .optional = c->optional,
            .values = c->values,
            .valid = c->optional ? c->valid : NULL,
        };
    }
    FILE *f = fopen(a.out, "wb");
    if (!f) {
        rc = mt_err_set(&err, MT_EIO, "%s: cannot create: %s", a.out, strerror(errno));
        goto fail;
    }
    created = true;
    rc = mt_pq_write(f, &(struct mt_pq_table){.nrows = t->nrows, .ncols = t->ncols, .cols = wc}, &a.opts, &err);
    if (rc)
        mt_err_prefix(&err, "%s", a.out);
    if (fclose(f) != 0 && rc == 0)
        rc = mt_err_set(&err, MT_EIO, "%s: write failed: %s", a.out, strerror(errno));
fail:
    if (rc && created)
        remove(a.out);
    table_release(t);
    free(t);
    if (rc) {
        fprintf(stderr, "pqtool write: %s (%s)\n", err.msg, mt_strerror(rc));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "dump") == 0)
        return cmd_dump(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "write") == 0)
        return cmd_write(argc, argv);
    return usage();
}
