/* OHLCV store files: layout, Parquet read/write, atomic save, merge into a file. */
#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "store/columns.h"
#include "store/lock.h"
#include "parquet/parquet.h"

static const unsigned value_fields[MT_VALUE_FIELD_COUNT] = MT_VALUE_FIELDS;

/* Fields written as OPTIONAL columns (null where NaN). */
#define MT_OPTIONAL_FIELDS                                                                \
    (MT_F_VOLUME | MT_F_QUOTE_VOLUME | MT_F_TRADES | MT_F_TAKER_BUY_BASE |               \
     MT_F_TAKER_BUY_QUOTE)

bool mt_store_symbol_valid(const char *symbol)
{
    size_t n = 0;
    for (; symbol[n]; n++) {
        char c = symbol[n];
        if (n >= MT_STORE_SYMBOL_MAX || !((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    }
    return n > 0;
}

int mt_store_path(char *buf, size_t size, const char *data_dir, const char *symbol, enum mt_tf tf,
                  struct mt_err *err)
{
    if (!mt_store_symbol_valid(symbol))
        return mt_err_set(err, MT_EINVAL,
                          "invalid symbol '%.64s': expected 1 to %d characters A-Z or 0-9, like "
                          "BTCUSDT",
                          symbol, MT_STORE_SYMBOL_MAX);
    if ((int)tf < 0 || tf >= MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "unknown timeframe %d for %s", (int)tf, symbol);
    if (!data_dir || !*data_dir)
        return mt_err_set(err, MT_EINVAL, "empty data folder for %s %s", symbol, mt_tf_name(tf));
    int n = snprintf(buf, size, "%s/ohlcv/%s/%s.parquet", data_dir, mt_tf_name(tf), symbol);
    if (n < 0 || (size_t)n >= size)
        return mt_err_set(err, MT_EINVAL, "store path for %s %s under '%s' is too long", symbol,
                          mt_tf_name(tf), data_dir);
    return MT_OK;
}

/* ---- reading ---- */

/* Column chosen for each role while scanning the schema. */
struct picked {
    int time_col, time_rank;
    int col[MT_VALUE_FIELD_COUNT], rank[MT_VALUE_FIELD_COUNT];
};

static void pick_columns(const struct mt_pq_reader *r, struct picked *p)
{
    p->time_col = -1;
    p->time_rank = INT_MAX;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        p->col[f] = -1;
        p->rank[f] = INT_MAX;
    }
    for (size_t c = 0; c < mt_pq_num_columns(r); c++) {
        const char *name = mt_pq_column(r, c)->name;
        int rank;
        unsigned role = mt_columns_classify(name, strlen(name), &rank);
        if (role == MT_F_OPEN_TIME) {
            if (p->time_col < 0 || rank < p->time_rank) {
                p->time_col = (int)c;
                p->time_rank = rank;
            }
            continue;
        }
        for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
            if (role == value_fields[f] && (p->col[f] < 0 || rank < p->rank[f])) {
                p->col[f] = (int)c;
                p->rank[f] = rank;
            }
        }
    }
    /* No known name: a timestamp-typed column, e.g. pandas' "__index_level_0__". */
    for (size_t c = 0; p->time_col < 0 && c < mt_pq_num_columns(r); c++) {
        const struct mt_pq_column_info *info = mt_pq_column(r, c);
        bool typed = info->time_unit != MT_PQ_NOT_TIME || info->type == MT_PQ_INT96;
        if (typed && mt_columns_classify(info->name, strlen(info->name), NULL) == 0)
            p->time_col = (int)c;
    }
}

static int read_times(struct mt_pq_reader *r, size_t col, const char *path, struct mt_series *s,
                      uint8_t *valid, struct mt_err *err)
{
    const struct mt_pq_column_info *info = mt_pq_column(r, col);
    int rc;
    if (info->time_unit != MT_PQ_NOT_TIME || info->type == MT_PQ_INT96) {
        rc = mt_pq_read_time_ms(r, col, s->open_time, valid, err);
    } else if (info->type == MT_PQ_INT64 || info->type == MT_PQ_INT32) {
        rc = mt_pq_read_int64(r, col, s->open_time, valid, err);
        for (size_t i = 0; rc == MT_OK && i < s->n; i++)
            s->open_time[i] = mt_columns_epoch_to_ms(s->open_time[i]);
    } else {
        return mt_err_set(err, MT_EUNSUPPORTED,
                          "%s: time column '%s' is neither a timestamp nor an integer", path,
                          info->name);
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < s->n; i++) {
        if (!valid[i])
            return mt_err_set(err, MT_EDATA, "%s: row %zu has no open time (column '%s' is null)",
                              path, i, info->name);
    }
    return MT_OK;
}

/* Reads one value column; a column without any value leaves the field absent. */
static int read_values(struct mt_pq_reader *r, size_t col, unsigned field, struct mt_series *s,
                       uint8_t *valid, struct mt_err *err)
{
    double *dst = mt_series_column(s, field);
    int rc = mt_pq_read_double(r, col, dst, valid, err);
    if (rc)
        return rc;
    bool any = s->n == 0;
    for (size_t i = 0; i < s->n && !any; i++)
        any = valid[i] != 0;
    if (any)
        s->fields |= field;
    return MT_OK;
}

int mt_store_read_file(const char *path, struct mt_series *s, struct mt_err *err)
{
    mt_series_release(s);
    mt_series_init(s, MT_F_OHLC);
    struct mt_pq_reader *r;
    int rc = mt_pq_reader_open(&r, path, err);
    if (rc)
        return rc;
    struct picked p;
    pick_columns(r, &p);
    uint8_t *valid = NULL;
    if (p.time_col < 0) {
        rc = mt_err_set(err, MT_EFORMAT,
                        "%s has no time column (expected open_time, timestamp, date, datetime, "
                        "time or open_date)",
                        path);
        goto done;
    }
    for (size_t f = 0; f < 4; f++) { /* open, high, low, close */
        if (p.col[f] < 0) {
            rc = mt_err_set(err, MT_EFORMAT, "%s has no '%s' column", path,
                            mt_field_name(value_fields[f]));
            goto done;
        }
    }
    size_t n = mt_pq_num_rows(r);
    rc = mt_series_reserve(s, n ? n : 1, err);
    if (rc) {
        mt_err_prefix(err, "%s", path);
        goto done;
    }
    valid = malloc(n ? n : 1);
    if (!valid) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory reading %zu rows of %s", n, path);
        goto done;
    }
    s->n = n;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        double *col = mt_series_column(s, value_fields[f]);
        for (size_t i = 0; i < n; i++)
            col[i] = NAN;
    }
    rc = read_times(r, (size_t)p.time_col, path, s, valid, err);
    for (size_t f = 0; rc == MT_OK && f < MT_VALUE_FIELD_COUNT; f++) {
        if (p.col[f] >= 0)
            rc = read_values(r, (size_t)p.col[f], value_fields[f], s, valid, err);
    }
    /* OHLC are always present; a null price stays NaN (validation reports it). */
    s->fields |= MT_F_OHLC;
done:
    free(valid);
    mt_pq_reader_free(r);
    if (rc) {
        mt_series_release(s);
        mt_series_init(s, MT_F_OHLC);
    }
    return rc;
}

/* ---- writing ---- */

static int write_series(const char *path, const struct mt_series *s, size_t *bytes,
                        struct mt_err *err)
{
    size_t n = s->n;
    struct mt_pq_column cols[1 + MT_VALUE_FIELD_COUNT];
    struct mt_pq_table w = {.nrows = n, .cols = cols};
    size_t nopt = 0;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++)
        nopt += (s->fields & value_fields[f] & MT_OPTIONAL_FIELDS) ? 1 : 0;
    /* One validity mask per optional column, and the trade counts as INT64. */
    uint8_t *masks = malloc((nopt ? nopt : 1) * (n ? n : 1));
    int64_t *trades = malloc((n ? n : 1) * sizeof *trades);
    int rc = MT_OK;
    if (!masks || !trades) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory writing %zu rows to %s", n, path);
        goto done;
    }
    cols[w.ncols++] = (struct mt_pq_column){.name = "open_time", .type = MT_PQ_INT64,
                                                    .time_unit = MT_PQ_MILLIS,
                                                    .values = s->open_time};
    uint8_t *mask = masks;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        unsigned field = value_fields[f];
        if (!(s->fields & field))
            continue;
        const double *v = mt_series_column((struct mt_series *)s, field);
        struct mt_pq_column *c = &cols[w.ncols++];
        *c = (struct mt_pq_column){.name = mt_field_name(field), .type = MT_PQ_DOUBLE,
                                         .values = v};
        if (!(field & MT_OPTIONAL_FIELDS))
            continue;
        c->optional = true;
        c->valid = mask;
        for (size_t i = 0; i < n; i++)
            mask[i] = (uint8_t)!isnan(v[i]);
        if (field == MT_F_TRADES) {
            for (size_t i = 0; i < n; i++) {
                /* counts are integers far below 2^63; a non-finite one is unknown */
                bool ok = isfinite(v[i]) && fabs(v[i]) < MT_STORE_TRADES_MAX;
                trades[i] = ok ? (int64_t)v[i] : 0;
                mask[i] = (uint8_t)ok;
            }
            c->type = MT_PQ_INT64;
            c->values = trades;
        }
        mask += n;
    }
    const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .statistics = true};
    rc = mt_pq_write_table(path, &w, &opts, bytes, err);
done:
    free(masks);
    free(trades);
    return rc;
}

int mt_store_write_file(const char *path, const struct mt_series *s, struct mt_err *err)
{
    return write_series(path, s, NULL, err);
}

/* Reads the stored series of symbol/tf at path; a missing file is MT_ENOENT. */
static int load_path(const char *path, const char *symbol, enum mt_tf tf, struct mt_series *s,
                     struct mt_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            return mt_err_set(err, MT_ENOENT, "no stored %s %s data (%s does not exist)", symbol,
                              mt_tf_name(tf), path);
        return mt_err_set(err, MT_EIO, "cannot access %s: %s", path, strerror(errno));
    }
    return mt_store_read_file(path, s, err);
}

int mt_store_load(const char *data_dir, const char *symbol, enum mt_tf tf, struct mt_series *s,
                  struct mt_err *err)
{
    char path[MT_STORE_PATH_MAX];
    int rc = mt_store_path(path, sizeof path, data_dir, symbol, tf, err);
    return rc ? rc : load_path(path, symbol, tf, s, err);
}

/* Read-merge-write of the file at path, under its lock. */
static int merge_locked(const char *path, const char *symbol, enum mt_tf tf,
                        const struct mt_series *add, enum mt_merge_policy policy,
                        struct mt_merge_report *report, struct mt_err *err)
{
    struct mt_lock lock;
    int rc = mt_lock_acquire(&lock, path, err);
    if (rc)
        return mt_err_prefix(err, "%s %s", symbol, mt_tf_name(tf));
    struct mt_series base;
    mt_series_init(&base, add->fields);
    rc = load_path(path, symbol, tf, &base, err);
    if (rc == MT_ENOENT) {
        mt_err_clear(err);
        mt_series_init(&base, add->fields);
        rc = MT_OK;
    }
    if (rc)
        goto done;
    rc = mt_store_merge_series(&base, add, tf, policy, report, err);
    if (rc) {
        mt_err_prefix(err, "%s %s", symbol, mt_tf_name(tf));
        goto done;
    }
    if (report->added || report->replaced)
        rc = write_series(path, &base, &report->bytes_written, err);
done:
    mt_series_release(&base);
    mt_lock_release(&lock);
    return rc;
}

int mt_store_merge(const char *data_dir, const char *symbol, enum mt_tf tf,
                   const struct mt_series *add, enum mt_merge_policy policy,
                   struct mt_merge_report *report,
                   struct mt_err *err)
{
    memset(report, 0, sizeof *report);
    char path[MT_STORE_PATH_MAX];
    int rc = mt_store_path(path, sizeof path, data_dir, symbol, tf, err);
    return rc ? rc : merge_locked(path, symbol, tf, add, policy, report, err);
}

int mt_store_lock(const char *data_dir, const char *symbol, enum mt_tf tf, struct mt_lock *lock,
                  struct mt_err *err)
{
    lock->fd = -1;
    char path[MT_STORE_PATH_MAX];
    int rc = mt_store_path(path, sizeof path, data_dir, symbol, tf, err);
    if (rc == MT_OK && (rc = mt_lock_acquire(lock, path, err)) != MT_OK)
        mt_err_prefix(err, "%s %s", symbol, mt_tf_name(tf));
    return rc;
}

int mt_store_save(const char *data_dir, const char *symbol, enum mt_tf tf,
                  const struct mt_series *s, size_t *bytes, struct mt_err *err)
{
    char path[MT_STORE_PATH_MAX];
    int rc = mt_store_path(path, sizeof path, data_dir, symbol, tf, err);
    return rc ? rc : write_series(path, s, bytes, err);
}
