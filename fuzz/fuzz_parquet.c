/* Fuzz target: the Parquet reader never crashes, leaks, reads out of bounds or
 * over-allocates, whatever the bytes: open them, read every column with the
 * read functions its type allows, free. */
#include <stdint.h>
#include <stdlib.h>

#include "parquet/parquet.h"

/* Larger files are opened but their columns not read: the caller-side output
 * arrays scale with the row count the file claims. */
#define FUZZ_MAX_ROWS ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_column(struct mt_pq_reader *r, size_t col, size_t n, double *d, int64_t *i,
                        uint8_t *valid)
{
    const struct mt_pq_column_info *ci = mt_pq_column(r, col);
    struct mt_err err = {0};
    if (ci->type == MT_PQ_BYTE_ARRAY) {
        struct mt_pq_strings s = {0};
        if (mt_pq_read_strings(r, col, &s, valid, &err) == 0 && s.offsets[n] > 0)
            (void)s.data[s.offsets[n] - 1];
        mt_pq_strings_release(&s);
        return;
    }
    if (ci->time_unit != MT_PQ_NOT_TIME)
        mt_pq_read_time_ms(r, col, i, valid, &err);
    if (ci->type != MT_PQ_FLOAT && ci->type != MT_PQ_DOUBLE) {
        mt_pq_read_int64(r, col, i, valid, &err);
        mt_pq_read_int64(r, col, i, NULL, &err);
    }
    if (ci->type != MT_PQ_INT96)
        mt_pq_read_double(r, col, d, NULL, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mt_pq_reader *r;
    struct mt_err err = {0};
    if (mt_pq_reader_open_mem(&r, data, size, "fuzz.parquet", &err) != 0)
        return 0;
    for (size_t k = 0; k < mt_pq_num_kv(r); k++)
        (void)mt_pq_kv(r, k)->key[0];
    size_t n = mt_pq_num_rows(r);
    if (n <= FUZZ_MAX_ROWS) {
        double *d = malloc((n ? n : 1) * sizeof *d);
        int64_t *i = malloc((n ? n : 1) * sizeof *i);
        uint8_t *valid = malloc(n ? n : 1);
        if (d && i && valid) {
            for (size_t c = 0; c < mt_pq_num_columns(r); c++)
                read_column(r, c, n, d, i, valid);
        }
        free(d);
        free(i);
        free(valid);
    }
    mt_pq_reader_free(r);
    return 0;
}
