/* Market history store: month files of snapshots, atomic append, range loads. */
#include "store/market.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/time.h"
#include "core/timeframe.h"
#include "store/lock.h"
#include "parquet/parquet.h"

/* First ms after the last month a file can name (year 9999). */
#define TIME_END (INT64_C(2932897) * MT_MS_DAY) /* 10000-01-01 is day 2932897 */

#define MARKET_KV_KEY "mtrader.table"
#define MARKET_KV_VALUE "market_snapshots 1"

static const char *const value_names[MT_MARKET_VALUE_COUNT] = {
#define MT_NAME(name, field) name,
    MT_MARKET_VALUES(MT_NAME)
#undef MT_NAME
};

/* Pointer to the v-th numeric field of a row (order of MT_MARKET_VALUES). */
static double *row_value(struct mt_market_row *row, size_t v)
{
    double *p[MT_MARKET_VALUE_COUNT] = {
#define MT_PTR(name, field) &row->field,
        MT_MARKET_VALUES(MT_PTR)
#undef MT_PTR
    };
    return p[v];
}

static double row_value_get(const struct mt_market_row *row, size_t v)
{
    return *row_value((struct mt_market_row *)row, v);
}

double mt_market_spread(double bid, double ask)
{
    if (!isfinite(bid) || !isfinite(ask) || bid <= 0 || ask <= 0 || ask < bid)
        return NAN;
    return (ask - bid) / ((ask + bid) / 2);
}

int mt_market_row_init(struct mt_market_row *row, int64_t time, const char *symbol,
                       struct mt_err *err)
{
    memset(row, 0, sizeof *row);
    row->time = time;
    for (size_t v = 0; v < MT_MARKET_VALUE_COUNT; v++)
        *row_value(row, v) = NAN;
    if (!mt_store_symbol_valid(symbol))
        return mt_err_set(err, MT_EINVAL,
                          "invalid symbol '%.64s' for a market row: expected 1 to %d "
                          "characters A-Z or 0-9",
                          symbol, MT_STORE_SYMBOL_MAX);
    memcpy(row->symbol, symbol, strlen(symbol) + 1);
    return MT_OK;
}

void mt_market_table_init(struct mt_market_table *t)
{
    t->n = 0;
    t->cap = 0;
    t->rows = NULL;
}

void mt_market_table_release(struct mt_market_table *t)
{
    free(t->rows);
    mt_market_table_init(t);
}

static int table_reserve(struct mt_market_table *t, size_t cap, struct mt_err *err)
{
    if (cap <= t->cap)
        return MT_OK;
    if (cap > MT_MARKET_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "market table of %zu rows is above the limit of %zu",
                          cap, MT_MARKET_MAX_ROWS);
    struct mt_market_row *rows = realloc(t->rows, cap * sizeof *rows);
    if (!rows)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu market rows", cap);
    t->rows = rows;
    t->cap = cap;
    return MT_OK;
}

int mt_market_table_push(struct mt_market_table *t, const struct mt_market_row *row,
                         struct mt_err *err)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        if (cap > MT_MARKET_MAX_ROWS)
            cap = t->n + 1;
        int rc = table_reserve(t, cap, err);
        if (rc)
            return rc;
    }
    t->rows[t->n++] = *row;
    return MT_OK;
}

int mt_market_row_cmp(const struct mt_market_row *a, const struct mt_market_row *b)
{
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return strcmp(a->symbol, b->symbol);
}

/* Same stored values: bit for bit, any NaN equal to any NaN (all become null). */
static bool row_same(const struct mt_market_row *a, const struct mt_market_row *b)
{
    for (size_t v = 0; v < MT_MARKET_VALUE_COUNT; v++) {
        double x = row_value_get(a, v), y = row_value_get(b, v);
        if (isnan(x) && isnan(y))
            continue;
        if (memcmp(&x, &y, sizeof x) != 0)
            return false;
    }
    return true;
}

/* Calendar month of t as year * 12 + (month - 1); t must be in [0, TIME_END). */
static int64_t month_key(int64_t t)
{
    int64_t y;
    unsigned m, d;
    mt_civil_from_days(t / MT_MS_DAY, &y, &m, &d);
    return y * 12 + (int64_t)m - 1;
}

static int check_time(int64_t t, struct mt_err *err)
{
    if (t < 0 || t >= TIME_END)
        return mt_err_set(err, MT_ERANGE,
                          "snapshot time %lld ms is outside the years 1970 to 9999",
                          (long long)t);
    return MT_OK;
}

static int month_path(char *buf, size_t size, const char *data_dir, int64_t key,
                      struct mt_err *err)
{
    if (!data_dir || !*data_dir)
        return mt_err_set(err, MT_EINVAL, "empty data folder for the market store");
    int n = snprintf(buf, size, "%s/market/snapshots/%04lld-%02lld.parquet", data_dir,
                     (long long)(key / 12), (long long)(key % 12 + 1));
    if (n < 0 || (size_t)n >= size)
        return mt_err_set(err, MT_EINVAL, "market store path under '%s' is too long", data_dir);
    return MT_OK;
}

int mt_market_path(char *buf, size_t size, const char *data_dir, int64_t time,
                   struct mt_err *err)
{
    int rc = check_time(time, err);
    return rc ? rc : month_path(buf, size, data_dir, month_key(time), err);
}

/* Month key of a file name "YYYY-MM.parquet", or -1 for other names. */
static int64_t name_month_key(const char *name)
{
    static const char suffix[] = ".parquet";
    if (strlen(name) != 7 + sizeof suffix - 1 || strcmp(name + 7, suffix) != 0 || name[4] != '-')
        return -1;
    int64_t y = 0, m = 0;
    for (size_t i = 0; i < 7; i++) {
        if (i == 4)
            continue;
        if (name[i] < '0' || name[i] > '9')
            return -1;
        if (i < 4)
            y = y * 10 + (name[i] - '0');
        else
            m = m * 10 + (name[i] - '0');
    }
    if (y < 1970 || m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
}

/* ---- reading ---- */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Column name of t with type check: a timestamp for "time", a string for
 * "symbol". */
static int key_column(const struct mt_pq_table *t, const char *path, const char *name,
                      struct mt_err *err)
{
    int c = mt_pq_table_find(t, name);
    if (c < 0)
        return mt_err_set(err, MT_EFORMAT, "%s has no '%s' column", path, name);
    const struct mt_pq_column *col = &t->cols[c];
    bool time = strcmp(name, "time") == 0;
    if (time && col->time_unit == MT_PQ_NOT_TIME)
        return mt_err_set(err, MT_EFORMAT, "%s: column 'time' is not a timestamp", path);
    if (!time && col->type != MT_PQ_BYTE_ARRAY)
        return mt_err_set(err, MT_EFORMAT, "%s: column 'symbol' is not a string", path);
    return c;
}

static int read_keys(const struct mt_pq_table *t, const char *path, struct mt_market_table *out,
                     struct mt_err *err)
{
    int tc = key_column(t, path, "time", err);
    if (tc < 0)
        return tc;
    int sc = key_column(t, path, "symbol", err);
    if (sc < 0)
        return sc;
    const struct mt_pq_column *tcol = &t->cols[tc], *scol = &t->cols[sc];
    const int64_t *times = tcol->values;
    const char *const *syms = scol->values;
    for (size_t i = 0; i < out->n; i++) {
        if (tcol->valid && !tcol->valid[i])
            return mt_err_set(err, MT_EDATA, "%s: row %zu has a null time", path, i);
        out->rows[i].time = mt_pq_time_to_ms(times[i], tcol->time_unit);
        size_t len = strlen(syms[i]);
        if ((scol->valid && !scol->valid[i]) || len > MT_STORE_SYMBOL_MAX ||
            !mt_store_symbol_valid(syms[i]))
            return mt_err_set(err, MT_EDATA,
                              "%s: row %zu has an invalid symbol (expected 1 to %d characters "
                              "A-Z or 0-9)",
                              path, i, MT_STORE_SYMBOL_MAX);
        memcpy(out->rows[i].symbol, syms[i], len + 1);
    }
    return MT_OK;
}

/* Value i of a numeric column as double (NaN for a null). */
static double number_at(const struct mt_pq_column *c, size_t i)
{
    if (c->valid && !c->valid[i])
        return NAN;
    switch (c->type) {
    case MT_PQ_INT32: return ((const int32_t *)c->values)[i];
    case MT_PQ_INT64: return (double)((const int64_t *)c->values)[i];
    case MT_PQ_FLOAT: return ((const float *)c->values)[i];
    default: return ((const double *)c->values)[i];
    }
}

static int read_values(const struct mt_pq_table *t, const char *path,
                       struct mt_market_table *out, struct mt_err *err)
{
    for (size_t v = 0; v < MT_MARKET_VALUE_COUNT; v++) {
        int c = mt_pq_table_find(t, value_names[v]);
        const struct mt_pq_column *col = c < 0 ? NULL : &t->cols[c];
        if (col && (col->type == MT_PQ_BYTE_ARRAY || col->time_unit != MT_PQ_NOT_TIME))
            return mt_err_set(err, MT_EFORMAT, "%s: column '%s' is not numeric", path,
                              value_names[v]);
        for (size_t i = 0; i < out->n; i++)
            *row_value(&out->rows[i], v) = col ? number_at(col, i) : NAN;
    }
    return MT_OK;
}

static int check_rows(const char *path, const struct mt_market_table *t, struct mt_err *err)
{
    int64_t key = name_month_key(base_name(path));
    for (size_t i = 0; i < t->n; i++) {
        const struct mt_market_row *row = &t->rows[i];
        if (check_time(row->time, err) != MT_OK || (key >= 0 && month_key(row->time) != key)) {
            char when[32];
            return mt_err_set(err, MT_EDATA, "%s: row %zu (%s) has time %s outside the file's month",
                              path, i, row->symbol, mt_time_format(row->time, when, sizeof when));
        }
        if (i > 0 && mt_market_row_cmp(&t->rows[i - 1], row) >= 0)
            return mt_err_set(err, MT_EDATA,
                              "%s: row %zu (%s) is not after row %zu: rows must be sorted by "
                              "(time, symbol) and unique",
                              path, i, row->symbol, i - 1);
    }
    return MT_OK;
}

int mt_market_read_file(const char *path, struct mt_market_table *out, struct mt_err *err)
{
    mt_market_table_release(out);
    struct mt_pq_table t;
    int rc = mt_pq_read_table(path, NULL, 0, MT_MARKET_MAX_ROWS, &t, err);
    if (rc)
        return rc;
    size_t n = t.nrows;
    rc = table_reserve(out, n ? n : 1, err);
    if (rc)
        goto done;
    memset(out->rows, 0, n * sizeof *out->rows);
    out->n = n;
    rc = read_keys(&t, path, out, err);
    if (rc == MT_OK)
        rc = read_values(&t, path, out, err);
    if (rc == MT_OK)
        rc = check_rows(path, out, err);
done:
    mt_pq_table_release(&t);
    if (rc)
        mt_market_table_release(out);
    return rc;
}

/* Reads a month file; a missing one is an empty table. */
static int read_month(const char *path, struct mt_market_table *out, struct mt_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        mt_market_table_release(out);
        if (errno == ENOENT)
            return MT_OK;
        return mt_err_set(err, MT_EIO, "cannot access %s: %s", path, strerror(errno));
    }
    return mt_market_read_file(path, out, err);
}

/* ---- writing ---- */

static int write_month(const char *path, const struct mt_market_table *t, size_t *bytes,
                       struct mt_err *err)
{
    size_t n = t->n, m = n ? n : 1;
    int64_t *times = malloc(m * sizeof *times);
    const char **syms = malloc(m * sizeof *syms);
    double *vals = malloc(m * MT_MARKET_VALUE_COUNT * sizeof *vals);
    uint8_t *masks = malloc(m * MT_MARKET_VALUE_COUNT);
    int rc;
    if (!times || !syms || !vals || !masks) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory writing %zu rows to %s", n, path);
        goto done;
    }
    struct mt_pq_column cols[2 + MT_MARKET_VALUE_COUNT];
    struct mt_pq_table w = {.nrows = n, .ncols = 2 + MT_MARKET_VALUE_COUNT, .cols = cols};
    cols[0] = (struct mt_pq_column){
        .name = "time", .type = MT_PQ_INT64, .time_unit = MT_PQ_MILLIS, .values = times};
    cols[1] = (struct mt_pq_column){
        .name = "symbol", .type = MT_PQ_BYTE_ARRAY, .values = syms};
    for (size_t i = 0; i < n; i++) {
        times[i] = t->rows[i].time;
        syms[i] = t->rows[i].symbol;
    }
    for (size_t v = 0; v < MT_MARKET_VALUE_COUNT; v++) {
        double *col = vals + v * m;
        uint8_t *mask = masks + v * m;
        for (size_t i = 0; i < n; i++) {
            col[i] = row_value_get(&t->rows[i], v);
            mask[i] = (uint8_t)!isnan(col[i]);
        }
        cols[2 + v] = (struct mt_pq_column){.name = value_names[v],
                                                    .type = MT_PQ_DOUBLE,
                                                    .optional = true,
                                                    .values = col,
                                                    .valid = mask};
    }
    const struct mt_pq_kv kv = {MARKET_KV_KEY, MARKET_KV_VALUE};
    const struct mt_pq_write_opts opts = {
        .codec = MT_PQ_ZSTD, .statistics = true, .kv = &kv, .n_kv = 1};
    rc = mt_pq_write_table(path, &w, &opts, bytes, err);
done:
    free(times);
    free(syms);
    free(vals);
    free(masks);
    return rc;
}

/* ---- appending ---- */

struct seq_row {
    struct mt_market_row row;
    size_t seq; /* input position: the last of equal keys wins */
};

static int seq_row_cmp(const void *a, const void *b)
{
    const struct seq_row *x = a, *y = b;
    int c = mt_market_row_cmp(&x->row, &y->row);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Merges the sorted unique rows add[0..k) into the sorted unique base, counting
 * into rep; *changed tells whether anything was added or replaced. */
static int merge_rows(struct mt_market_table *base, const struct seq_row *add, size_t k,
                      struct mt_market_report *rep, bool *changed, struct mt_err *err)
{
    struct mt_market_table out;
    mt_market_table_init(&out);
    int rc = table_reserve(&out, base->n + k ? base->n + k : 1, err);
    if (rc)
        return rc;
    size_t i = 0, j = 0;
    *changed = false;
    while (i < base->n || j < k) {
        int c = i == base->n ? 1 : j == k ? -1 : mt_market_row_cmp(&base->rows[i], &add[j].row);
        if (c < 0) {
            out.rows[out.n++] = base->rows[i++];
        } else if (c > 0) {
            out.rows[out.n++] = add[j++].row;
            rep->added++;
            *changed = true;
        } else {
            if (row_same(&base->rows[i], &add[j].row)) {
                rep->identical++;
            } else {
                rep->replaced++;
                *changed = true;
            }
            out.rows[out.n++] = add[j++].row;
            i++;
        }
    }
    mt_market_table_release(base);
    *base = out;
    return MT_OK;
}

static int check_input(const struct mt_market_row *rows, size_t n, struct mt_err *err)
{
    if (n > MT_MARKET_MAX_ROWS)
        return mt_err_set(err, MT_ELIMIT, "%zu market rows to append, above the limit of %zu",
                          n, MT_MARKET_MAX_ROWS);
    for (size_t i = 0; i < n; i++) {
        const struct mt_market_row *row = &rows[i];
        if (memchr(row->symbol, '\0', sizeof row->symbol) == NULL ||
            !mt_store_symbol_valid(row->symbol))
            return mt_err_set(err, MT_EINVAL,
                              "market row %zu: invalid symbol '%.32s' (expected 1 to %d "
                              "characters A-Z or 0-9)",
                              i, row->symbol, MT_STORE_SYMBOL_MAX);
        if (check_time(row->time, err))
            return mt_err_prefix(err, "market row %zu (%s)", i, row->symbol);
    }
    return MT_OK;
}

/* Merges the rows of one month into its file, under the file's lock. */
static int append_month(const char *data_dir, const struct seq_row *add, size_t k,
                        struct mt_market_report *rep, struct mt_err *err)
{
    char path[MT_STORE_PATH_MAX];
    int rc = month_path(path, sizeof path, data_dir, month_key(add[0].row.time), err);
    if (rc)
        return rc;
    struct mt_lock lock;
    rc = mt_lock_acquire(&lock, path, err);
    if (rc)
        return rc;
    struct mt_market_table base;
    mt_market_table_init(&base);
    bool changed;
    rc = read_month(path, &base, err);
    if (rc == MT_OK) {
        rc = merge_rows(&base, add, k, rep, &changed, err);
        if (rc)
            mt_err_prefix(err, "%s", path);
    }
    if (rc == MT_OK && changed) {
        size_t bytes = 0;
        rc = write_month(path, &base, &bytes, err);
        if (rc == MT_OK) {
            rep->files_written++;
            rep->bytes_written += bytes;
        }
    }
    mt_market_table_release(&base);
    mt_lock_release(&lock);
    return rc;
}

int mt_market_append(const char *data_dir, const struct mt_market_row *rows, size_t n,
                     struct mt_market_report *report, struct mt_err *err)
{
    struct mt_market_report local;
    struct mt_market_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    int rc = check_input(rows, n, err);
    if (rc || n == 0)
        return rc;
    struct seq_row *add = malloc(n * sizeof *add);
    if (!add)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu market rows", n);
    for (size_t i = 0; i < n; i++)
        add[i] = (struct seq_row){rows[i], i};
    qsort(add, n, sizeof *add, seq_row_cmp);
    /* Keep the last of each run of equal keys. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && mt_market_row_cmp(&add[k - 1].row, &add[i].row) == 0)
            k--;
        add[k++] = add[i];
    }
    /* Rows are sorted by time, so each month is one run. */
    for (size_t a = 0; rc == MT_OK && a < k;) {
        size_t b = a + 1;
        int64_t key = month_key(add[a].row.time);
        while (b < k && month_key(add[b].row.time) == key)
            b++;
        rc = append_month(data_dir, add + a, b - a, rep, err);
        a = b;
    }
    free(add);
    return rc;
}

/* ---- loading ---- */

static int key_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Month keys of the files in the snapshots folder within [lo, hi], sorted. */
static int list_months(const char *dir, int64_t lo, int64_t hi, int64_t *keys, size_t *nkeys,
                       struct mt_err *err)
{
    *nkeys = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return MT_OK;
        return mt_err_set(err, MT_EIO, "cannot open %s: %s", dir, strerror(errno));
    }
    struct dirent *e;
    int rc = MT_OK;
    while (rc == MT_OK && (e = readdir(d)) != NULL) {
        int64_t key = name_month_key(e->d_name);
        if (key < lo || key > hi)
            continue;
        if (*nkeys == MT_MARKET_MAX_FILES)
            rc = mt_err_set(err, MT_ELIMIT, "%s holds more than %d month files in the range",
                            dir, MT_MARKET_MAX_FILES);
        else
            keys[(*nkeys)++] = key;
    }
    closedir(d);
    qsort(keys, *nkeys, sizeof *keys, key_cmp);
    return rc;
}

int mt_market_load(const char *data_dir, int64_t from_ms, int64_t to_ms, const char *symbol,
                   struct mt_market_table *out, struct mt_err *err)
{
    mt_market_table_release(out);
    if (!data_dir || !*data_dir)
        return mt_err_set(err, MT_EINVAL, "empty data folder for the market store");
    if (from_ms > to_ms || to_ms < 0 || from_ms >= TIME_END)
        return MT_OK;
    int64_t lo = month_key(from_ms < 0 ? 0 : from_ms);
    int64_t hi = month_key(to_ms >= TIME_END ? TIME_END - 1 : to_ms);
    char dir[MT_STORE_PATH_MAX], path[MT_STORE_PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%s/market/snapshots", data_dir);
    if (n < 0 || (size_t)n >= sizeof dir)
        return mt_err_set(err, MT_EINVAL, "market store path under '%s' is too long", data_dir);
    int64_t *keys = malloc(MT_MARKET_MAX_FILES * sizeof *keys);
    if (!keys)
        return mt_err_set(err, MT_ENOMEM, "out of memory listing %s", dir);
    size_t nkeys;
    struct mt_market_table month;
    mt_market_table_init(&month);
    int rc = list_months(dir, lo, hi, keys, &nkeys, err);
    for (size_t f = 0; rc == MT_OK && f < nkeys; f++) {
        rc = month_path(path, sizeof path, data_dir, keys[f], err);
        if (rc == MT_OK)
            rc = read_month(path, &month, err);
        for (size_t i = 0; rc == MT_OK && i < month.n; i++) {
            const struct mt_market_row *row = &month.rows[i];
            if (row->time < from_ms || row->time > to_ms ||
                (symbol && strcmp(row->symbol, symbol) != 0))
                continue;
            rc = mt_market_table_push(out, row, err);
            if (rc)
                mt_err_prefix(err, "loading market rows from %s", path);
        }
    }
    mt_market_table_release(&month);
    free(keys);
    if (rc)
        mt_market_table_release(out);
    return rc;
}
