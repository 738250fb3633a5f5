/* Fuzz target: unpacking the CSV of a data.binance.vision .zip archive as
 * import does (through an in-memory libzip source, no file) never crashes or
 * leaks, whatever the archive, and an unpacked CSV then parses or fails
 * cleanly. */
#include <stdlib.h>
#include <string.h>

#include "store/csv.h"
#include "store/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = NULL;
    size_t len = 0;
    struct mt_err err = {0};
    if (mt_import_unzip_csv_mem(data, size, "BTCUSDT-1h-2024-01.zip", &text, &len, &err) != 0)
        return 0;
    if (text[len] != '\0')
        abort();
    struct mt_series s;
    mt_series_init(&s, MT_F_OHLC);
    struct mt_csv_info info;
    (void)mt_csv_parse(text, len, "fuzz.zip", NULL, &s, &info, &err);
    mt_series_release(&s);
    free(text);
    return 0;
}
