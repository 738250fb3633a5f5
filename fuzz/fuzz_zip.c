/* Fuzz target: reading the CSV of a data.binance.vision .zip archive as import
 * does (through an in-memory libzip source, no file; the same streamed CSV
 * parser and row checks) never crashes or leaks, whatever the archive. */
#include "store/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mt_import_file f;
    struct mt_err err = {0};
    mt_import_file_init(&f);
    (void)mt_import_read_zip_mem(data, size, "BTCUSDT-1h-2024-01.zip", NULL, &f, &err);
    mt_import_file_release(&f);
    return 0;
}
