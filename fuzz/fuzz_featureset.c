/* Fuzz target: the feature-set JSON parser never crashes or leaks, and a set
 * it accepts builds its indicators and computes a small batch (so that option
 * values the parser lets through are ones the indicators can take). The
 * first byte picks the timeframe. */
#include <math.h>
#include <stdlib.h>

#include "features/featureset.h"

#define FUZZ_BARS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small deterministic series with every field. */
static int make_bars(struct mt_series *s, enum mt_tf tf)
{
    struct mt_err err = {0};
    int64_t t = INT64_C(1704067200000); /* 2024-01-01, a Monday: the start of every bucket */
    for (int i = 0; i < FUZZ_BARS; i++) {
        double c = 100.0 + 10.0 * sin(i * 0.7);
        struct mt_candle k = {.open_time = t, .open = c - 1, .high = c + 2, .low = c - 3, .close = c,
                              .volume = 10 + i, .quote_volume = (10 + i) * c, .trades = 50 + i,
                              .taker_buy_base = 5, .taker_buy_quote = 5 * c};
        if (mt_series_append(s, &k, &err) != 0)
            return -1;
        t = mt_tf_next(tf, t);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum mt_tf tf = (enum mt_tf)(data[0] % MT_TF_COUNT);
    struct mt_fset fs;
    struct mt_err err = {0};
    if (mt_fset_parse((const char *)data + 1, size - 1, "fuzz.json", &fs, &err) != 0)
        return 0;
    struct mt_features f;
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    if (make_bars(&s, tf) == 0 && mt_features_init(&f, &fs, tf, &err) == 0) {
        struct mt_fmatrix m;
        mt_fmatrix_init(&m);
        if (mt_features_batch(&f, &s, &m, &err) == 0 && (m.cols != fs.columns || m.rows != s.n))
            abort();
        mt_fmatrix_release(&m);
        mt_features_release(&f);
    }
    mt_series_release(&s);
    mt_fset_release(&fs);
    return 0;
}
