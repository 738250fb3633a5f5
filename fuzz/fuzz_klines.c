/* Fuzz target: the kline scanner and the Binance error decoder never crash,
 * leak or read outside the body (which is not NUL-terminated), and a failed
 * parse leaves the series as it was. The first byte picks the interval. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/klines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum mt_tf tf = (enum mt_tf)(data[0] % MT_TF_COUNT);
    /* An exact-size heap copy so that ASan catches any read past the end. */
    size_t len = size - 1;
    char *body = malloc(len ? len : 1);
    if (!body)
        return 0;
    memcpy(body, data + 1, len);
    struct mt_series s;
    mt_series_init(&s, MT_F_ALL);
    struct mt_err err = {0};
    if (mt_klines_parse(body, len, tf, &s, &err) == 0) {
        if (s.n)
            (void)mt_klines_closed(&s, tf, s.open_time[s.n / 2]);
        /* A second parse continues in time or fails leaving the rows. */
        size_t n = s.n;
        if (mt_klines_parse(body, len, tf, &s, &err) != 0 && s.n != n)
            abort();
    } else if (s.n != 0) {
        abort();
    }
    mt_series_release(&s);
    struct mt_binance_error be;
    (void)mt_binance_error_parse(body, len, &be, &err);
    free(body);
    return 0;
}
