/* Fuzz target: the schema-checked JSON config loader, with the application's
 * real schema (cli/cli.c: data_dir, log_level, exchange, download, trading),
 * never crashes, leaks or writes outside its target, and leaves every string
 * setting NUL-terminated within its field, whatever the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mt_app_config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct mt_err err = {0};
    mt_config_apply_json((const char *)data, size, "fuzz.json", mt_app_config_schema, &cfg, &err);
    if (memchr(cfg.data_dir, '\0', sizeof cfg.data_dir) == NULL ||
        memchr(cfg.log_level, '\0', sizeof cfg.log_level) == NULL ||
        memchr(cfg.exchange.base_url, '\0', sizeof cfg.exchange.base_url) == NULL ||
        memchr(cfg.download.timeframes, '\0', sizeof cfg.download.timeframes) == NULL ||
        memchr(cfg.trading.strategies, '\0', sizeof cfg.trading.strategies) == NULL)
        abort();
    return 0;
}
