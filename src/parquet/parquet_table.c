/* Table-level reading: whole columns of a file into one owned table, on top
 * of the column reader (parquet.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet.h"

int mt_pq_table_find(const struct mt_pq_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (strcmp(t->cols[c].name, name) == 0)
            return (int)c;
    }
    return -1;
}

void mt_pq_table_release(struct mt_pq_table *t)
{
    if (t->owned) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct mt_pq_column *col = &t->cols[c];
            /* strings: the pointer array's block holds the bytes too (read_strings) */
            free((void *)col->values);
            free((void *)col->valid);
            free((char *)col->name);
        }
        free((void *)t->cols);
    }
    memset(t, 0, sizeof *t);
}

/* BYTE_ARRAY column col as n NUL-terminated strings: one block with the
 * pointer array first and the bytes after it. */
static int read_strings(struct mt_pq_reader *r, size_t col, size_t n, const char *path,
                        struct mt_pq_column *out, uint8_t *valid, struct mt_err *err)
{
    struct mt_pq_strings s = {0};
    int rc = mt_pq_read_strings(r, col, &s, valid, err);
    if (rc)
        return rc;
    size_t bytes = s.offsets[n] + n;
    char **v = malloc(n * sizeof *v + bytes + 1);
    if (!v) {
        mt_pq_strings_release(&s);
        return mt_err_set(err, MT_ENOMEM, "%s: column '%s': out of memory", path, out->name);
    }
    char *p = (char *)(v + n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len = s.offsets[i + 1] - s.offsets[i];
        if (memchr(s.data + s.offsets[i], '\0', len))
            rc = mt_err_set(err, MT_EFORMAT, "%s: column '%s': row %zu holds a NUL byte", path,
                            out->name, i);
        memcpy(p, s.data + s.offsets[i], len);
        p[len] = '\0';
        v[i] = p;
        p += len + 1;
    }
    mt_pq_strings_release(&s);
    if (rc) {
        free(v);
        return rc;
    }
    out->values = v;
    return 0;
}

static int nomem(const char *path, const char *name, struct mt_err *err)
{
    return mt_err_set(err, MT_ENOMEM, "%s: column '%s': out of memory", path, name);
}

/* Reads column col of n rows into out (name already set) in its natural type. */
static int read_one(struct mt_pq_reader *r, size_t col, size_t n, const char *path,
                    struct mt_pq_column *out, struct mt_err *err)
{
    const struct mt_pq_column_info *info = mt_pq_column(r, col);
    size_t m = n ? n : 1;
    uint8_t *valid = malloc(m);
    if (!valid)
        return nomem(path, info->name, err);
    out->optional = info->optional;
    out->time_unit = info->time_unit;
    int rc;
    void *tmp = NULL, *values = NULL;
    switch (info->type) {
    case MT_PQ_BYTE_ARRAY:
        out->type = MT_PQ_BYTE_ARRAY;
        rc = read_strings(r, col, n, path, out, valid, err);
        break;
    case MT_PQ_FLOAT:
    case MT_PQ_DOUBLE:
        out->type = info->type;
        values = malloc(m * sizeof(double));
        rc = values ? mt_pq_read_double(r, col, values, valid, err) : nomem(path, info->name, err);
        if (rc == 0 && info->type == MT_PQ_FLOAT) {
            /* float -> double -> float is exact */
            float *f = (float *)values;
            const double *d = values;
            for (size_t i = 0; i < n; i++)
                f[i] = (float)d[i];
        }
        break;
    case MT_PQ_INT96:
        out->time_unit = MT_PQ_NANOS;
        /* fall through */
    case MT_PQ_INT64:
        out->type = MT_PQ_INT64;
        values = malloc(m * sizeof(int64_t));
        rc = values ? mt_pq_read_int64(r, col, values, valid, err) : nomem(path, info->name, err);
        break;
    default: /* BOOLEAN, INT32 */
        out->type = MT_PQ_INT32;
        tmp = malloc(m * sizeof(int64_t));
        values = malloc(m * sizeof(int32_t));
        rc = tmp && values ? mt_pq_read_int64(r, col, tmp, valid, err) : nomem(path, info->name, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            ((int32_t *)values)[i] = (int32_t)((const int64_t *)tmp)[i];
        break;
    }
    free(tmp);
    if (rc) {
        free(values);
        free(valid);
        return rc;
    }
    if (values)
        out->values = values;
    if (out->optional)
        out->valid = valid;
    else
        free(valid);
    return 0;
}

/* Reads columns idx[0 .. ncols) of the open reader r into out (see mt_pq_read_table). */
static int read_columns(struct mt_pq_reader *r, const char *path, const size_t *idx, size_t ncols,
                        struct mt_pq_table *out, struct mt_err *err)
{
    size_t n = mt_pq_num_rows(r);
    struct mt_pq_column *cols = calloc(ncols ? ncols : 1, sizeof *cols);
    out->owned = true;
    out->nrows = n;
    out->cols = cols;
    if (!cols)
        return mt_err_set(err, MT_ENOMEM, "out of memory reading %s", path);
    int rc = 0;
    for (size_t c = 0; c < ncols && rc == 0; c++) {
        struct mt_pq_column *col = &cols[c];
        if (!(col->name = strdup(mt_pq_column(r, idx[c])->name)))
            return mt_err_set(err, MT_ENOMEM, "out of memory reading %s", path);
        out->ncols = c + 1;
        rc = read_one(r, idx[c], n, path, col, err);
    }
    return rc;
}

/* Opens path, lets choose pick the columns (names when pick is NULL) and reads them. */
static int read_table(const char *path, const char *const *names, size_t n_names,
                      mt_pq_pick_fn pick, void *ctx, size_t max_rows, struct mt_pq_table *out,
                      struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    struct mt_pq_reader *r;
    int rc = mt_pq_reader_open(&r, path, err);
    if (rc)
        return rc;
    size_t n = mt_pq_num_rows(r), total = mt_pq_num_columns(r);
    size_t max = names ? n_names : total, ncols = max;
    size_t *idx = malloc((max ? max : 1) * sizeof *idx);
    if (!idx) {
        rc = mt_err_set(err, MT_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (max_rows && n > max_rows) {
        rc = mt_err_set(err, MT_ELIMIT, "%s holds %zu rows, above the limit of %zu", path, n,
                        max_rows);
        goto done;
    }
    if (pick) {
        int k = pick(r, idx, max, ctx, err);
        if (k < 0) {
            rc = k;
            goto done;
        }
        assert((size_t)k <= max);
        ncols = (size_t)k;
    }
    for (size_t c = 0; c < ncols; c++) {
        int i = names ? mt_pq_find_column(r, names[c]) : pick ? (int)idx[c] : (int)c;
        if (i < 0) {
            rc = mt_err_set(err, MT_EFORMAT, "%s has no '%s' column", path, names[c]);
            goto done;
        }
        assert((size_t)i < total);
        idx[c] = (size_t)i;
    }
    rc = read_columns(r, path, idx, ncols, out, err);
done:
    free(idx);
    mt_pq_reader_free(r);
    if (rc)
        mt_pq_table_release(out);
    return rc;
}

int mt_pq_read_table(const char *path, const char *const *names, size_t n_names, size_t max_rows,
                     struct mt_pq_table *out, struct mt_err *err)
{
    return read_table(path, names, n_names, NULL, NULL, max_rows, out, err);
}

int mt_pq_read_table_pick(const char *path, mt_pq_pick_fn pick, void *ctx, size_t max_rows,
                          struct mt_pq_table *out, struct mt_err *err)
{
    return read_table(path, NULL, 0, pick, ctx, max_rows, out, err);
}
