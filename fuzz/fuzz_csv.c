/* Fuzz target: the OHLCV CSV parser (plain CSV and data.binance.vision kline
 * CSVs, as import reads them) never crashes, leaks or reads past the text,
 * which is not NUL-terminated, and a parsed series is consistent. The first
 * byte picks the timeframe given by the caller, or none. */
#include <stdlib.h>

#include "store/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned pick = data[0] % (MT_TF_COUNT + 1);
    enum mt_tf given = (enum mt_tf)(pick % MT_TF_COUNT);
    /* The text ends where the input does: ASan catches any read past it. */
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLC);
    struct mt_csv_info info;
    struct mt_err err = {0};
    if (mt_csv_parse(text, len, "fuzz.csv", pick < MT_TF_COUNT ? &given : NULL, &s, &info, &err) == 0) {
        if (s.n && !(s.fields & MT_F_OPEN_TIME))
            abort();
        /* Every row is there to read. */
        volatile double sink = 0;
        for (size_t i = 0; i < s.n; i++)
            sink = s.close[i];
        (void)sink;
        if (pick < MT_TF_COUNT && info.tf_known && info.tf != given)
            abort();
    }
    mt_series_release(&s);
    return 0;
}
