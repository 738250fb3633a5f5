/* Fuzz target: the OHLCV CSV parser (plain CSV and data.binance.vision kline
 * CSVs, as import reads them) never crashes, leaks or reads past the text,
 * which is not NUL-terminated, and a parsed series is consistent. The first
 * byte picks the timeframe given by the caller, or none; the second the chunk
 * size of a streamed read (mt_csv_read) of the same text, whose outcome must
 * equal the whole-text parse bit for bit. */
#include <stdlib.h>
#include <string.h>

#include "store/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem_reader {
    const char *p;
    size_t left;
};

static int64_t mem_read(void *ctx, char *buf, size_t cap, struct mt_err *err)
{
    (void)err;
    struct mem_reader *m = ctx;
    size_t n = m->left < cap ? m->left : cap;
    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (int64_t)n;
}

/* The columns of a and b hold the same bits (NaN included). */
static int same_series(struct mt_series *a, struct mt_series *b)
{
    if (a->n != b->n || a->fields != b->fields)
        return 0;
    if (a->n && memcmp(a->open_time, b->open_time, a->n * sizeof *a->open_time) != 0)
        return 0;
    static const unsigned fields[] = MT_VALUE_FIELDS;
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT && a->n; f++)
        if (memcmp(mt_series_column(a, fields[f]), mt_series_column(b, fields[f]),
                   a->n * sizeof(double)) != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned pick = data[0] % (MT_TF_COUNT + 1);
    enum mt_tf given = (enum mt_tf)(pick % MT_TF_COUNT);
    const enum mt_tf *tf = pick < MT_TF_COUNT ? &given : NULL;
    size_t chunk = 1 + data[1] % 64;
    /* The text ends where the input does: ASan catches any read past it. */
    const char *text = (const char *)data + 2;
    size_t len = size - 2;
    struct mt_series s, streamed;
    mt_series_init(&s, MT_F_OHLC);
    mt_series_init(&streamed, MT_F_OHLC);
    struct mt_csv_info info, sinfo;
    struct mt_err err = {0}, serr = {0};
    int rc = mt_csv_parse(text, len, "fuzz.csv", tf, &s, &info, &err);
    struct mem_reader m = {text, len};
    int src = mt_csv_read(mem_read, &m, chunk, "fuzz.csv", tf, &streamed, &sinfo, &serr);
    if (rc != src || (rc && strcmp(err.msg, serr.msg) != 0))
        abort();
    if (rc == 0) {
        if (s.n && !(s.fields & MT_F_OPEN_TIME))
            abort();
        if (!same_series(&s, &streamed) || info.invalid != sinfo.invalid || info.tf_known != sinfo.tf_known)
            abort();
        if (tf && info.tf_known && info.tf != given)
            abort();
    }
    mt_series_release(&s);
    mt_series_release(&streamed);
    return 0;
}
