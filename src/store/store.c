/* OHLCV store files: layout, Parquet read/write, atomic save, merge into a file. */
#include "store/store.h"

#include <assert.h>
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

/* What mt_store_read_file reads: the picked columns, time first. */
struct pick_ctx {
    const char *path;
    struct picked p;
    unsigned fields[MT_VALUE_FIELD_COUNT]; /* field of table column 1 + k */
    size_t nvalues;
};

/* mt_pq_pick_fn: the time column and the known value columns of the schema;
 * a file without time or OHLC columns, or with columns of types that cannot
 * hold them, fails here, before anything is read. */
static int pick_store_columns(const struct mt_pq_reader *r, size_t *idx, size_t max, void *ctx,
                              struct mt_err *err)
{
    struct pick_ctx *pc = ctx;
    struct picked *p = &pc->p;
    pick_columns(r, p);
    if (p->time_col < 0)
        return mt_err_set(err, MT_EFORMAT,
                          "%s has no time column (expected open_time, timestamp, date, datetime, "
                          "time or open_date)",
                          pc->path);
    for (size_t f = 0; f < 4; f++) { /* open, high, low, close */
        if (p->col[f] < 0)
            return mt_err_set(err, MT_EFORMAT, "%s has no '%s' column", pc->path,
                              mt_field_name(value_fields[f]));
    }
    const struct mt_pq_column_info *ti = mt_pq_column(r, (size_t)p->time_col);
    if (ti->time_unit == MT_PQ_NOT_TIME && ti->type != MT_PQ_INT96 && ti->type != MT_PQ_INT64 &&
        ti->type != MT_PQ_INT32)
        return mt_err_set(err, MT_EUNSUPPORTED,
                          "%s: time column '%s' is neither a timestamp nor an integer", pc->path,
                          ti->name);
    /* the picked columns are distinct, so they fit in max (the file's column count) */
    size_t n = 0;
    assert(n < max);
    idx[n++] = (size_t)p->time_col;
    pc->nvalues = 0;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
        if (p->col[f] < 0)
            continue;
        const struct mt_pq_column_info *info = mt_pq_column(r, (size_t)p->col[f]);
        if (info->type == MT_PQ_INT96 || info->type == MT_PQ_BYTE_ARRAY)
            return mt_err_set(err, MT_EINVAL, "%s: column '%s' of type %s cannot be read as %s",
                              pc->path, info->name,
                              info->type == MT_PQ_INT96 ? "INT96" : "BYTE_ARRAY",
                              mt_field_name(value_fields[f]));
        assert(n < max);
        idx[n++] = (size_t)p->col[f];
        pc->fields[pc->nvalues++] = value_fields[f];
    }
    return (int)n;
}

/* The table's time column as ms UTC, taken over (col's array is then the
 * caller's): timestamps by their unit, integers by magnitude. */
static int take_times(struct mt_pq_column *col, size_t n, const char *path, int64_t **out,
                      struct mt_err *err)
{
    for (size_t i = 0; col->valid && i < n; i++) {
        if (!col->valid[i])
            return mt_err_set(err, MT_EDATA, "%s: row %zu has no open time (column '%s' is null)",
                              path, i, col->name);
    }
    int64_t *t;
    if (col->type == MT_PQ_INT32) {
        const int32_t *v = col->values;
        if (!(t = malloc((n ? n : 1) * sizeof *t)))
            return mt_err_set(err, MT_ENOMEM, "out of memory reading %zu rows of %s", n, path);
        for (size_t i = 0; i < n; i++)
            t[i] = mt_columns_epoch_to_ms(v[i]);
        free((void *)col->values);
    } else {
        t = (int64_t *)col->values;
        for (size_t i = 0; i < n; i++)
            t[i] = col->time_unit != MT_PQ_NOT_TIME ? mt_pq_time_to_ms(t[i], col->time_unit)
                                                     : mt_columns_epoch_to_ms(t[i]);
    }
    col->values = NULL;
    *out = t;
    return MT_OK;
}

/* The table's value column as doubles (NaN for nulls), taken over: doubles
 * as they are, INT64 converted in place, narrower types into a new array. */
static int take_values(struct mt_pq_column *col, size_t n, const char *path, double **out,
                       struct mt_err *err)
{
    double *d;
    if (col->type == MT_PQ_DOUBLE || col->type == MT_PQ_INT64) {
        d = (double *)col->values;
        for (size_t i = 0; col->type == MT_PQ_INT64 && i < n; i++) {
            int64_t v;
            memcpy(&v, &d[i], sizeof v);
            d[i] = (double)v;
        }
    } else {
        if (!(d = malloc((n ? n : 1) * sizeof *d)))
            return mt_err_set(err, MT_ENOMEM, "out of memory reading %zu rows of %s", n, path);
        for (size_t i = 0; i < n; i++)
            d[i] = col->type == MT_PQ_FLOAT ? (double)((const float *)col->values)[i]
                                            : (double)((const int32_t *)col->values)[i];
        free((void *)col->values);
    }
    for (size_t i = 0; col->valid && i < n; i++) {
        if (!col->valid[i])
            d[i] = NAN;
    }
    col->values = NULL;
    *out = d;
    return MT_OK;
}

/* The array of value field f in s (order of MT_VALUE_FIELDS). */
static double **field_slot(struct mt_series *s, size_t f)
{
    double **slots[MT_VALUE_FIELD_COUNT] = {&s->open,         &s->high,   &s->low,
                                            &s->close,        &s->volume, &s->quote_volume,
                                            &s->trades,       &s->taker_buy_base,
                                            &s->taker_buy_quote};
    return slots[f];
}

/* Builds s (released, empty) from the table t read by pick_store_columns:
 * the series takes the table's arrays over, so the candles are held once. */
static int series_from_table(struct mt_pq_table *t, const struct pick_ctx *pc,
                             struct mt_series *s, struct mt_err *err)
{
    size_t n = t->nrows, m = n ? n : 1;
    struct mt_pq_column *cols = (struct mt_pq_column *)t->cols;
    int rc = take_times(&cols[0], n, pc->path, &s->open_time, err);
    s->n = n;
    s->cap = m;
    for (size_t k = 0; rc == MT_OK && k < pc->nvalues; k++) {
        struct mt_pq_column *col = &cols[1 + k];
        bool any = n == 0 || !col->valid;
        for (size_t i = 0; i < n && !any; i++)
            any = col->valid[i] != 0;
        size_t f = 0;
        while (value_fields[f] != pc->fields[k])
            f++;
        rc = take_values(col, n, pc->path, field_slot(s, f), err);
        if (any)
            s->fields |= pc->fields[k];
    }
    /* fields the file lacks: NaN */
    for (size_t f = 0; rc == MT_OK && f < MT_VALUE_FIELD_COUNT; f++) {
        double **slot = field_slot(s, f);
        if (*slot)
            continue;
        if (!(*slot = malloc(m * sizeof **slot)))
            return mt_err_set(err, MT_ENOMEM, "out of memory reading %zu rows of %s", n, pc->path);
        for (size_t i = 0; i < n; i++)
            (*slot)[i] = NAN;
    }
    return rc;
}

int mt_store_read_file(const char *path, struct mt_series *s, struct mt_err *err)
{
    mt_series_release(s);
    mt_series_init(s, MT_F_OHLC);
    struct pick_ctx pc = {.path = path};
    struct mt_pq_table t;
    int rc = mt_pq_read_table_pick(path, pick_store_columns, &pc, MT_SERIES_MAX_ROWS, &t, err);
    if (rc)
        return rc;
    rc = series_from_table(&t, &pc, s, err);
    /* OHLC are always present; a null price stays NaN (validation reports it). */
    s->fields |= MT_F_OHLC;
    mt_pq_table_release(&t);
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
