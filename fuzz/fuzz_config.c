/* Fuzz target: the schema-checked JSON config loader, with the application's
 * real schema (cli/cli.c: data_dir, log_level, exchange, download, trading,
 * agents), and resolving the agents it loaded (live/agent.h), never crash,
 * leak or write outside their target, and leave every string setting
 * NUL-terminated within its field, whatever the input. */
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
    for (size_t i = 0; i < MT_AGENTS_MAX; i++)
        mt_agent_spec_init(&cfg.agents[i]);
    struct mt_err err = {0};
    if (mt_config_apply_json((const char *)data, size, "fuzz.json", mt_app_config_schema, &cfg, &err) == 0)
        mt_agent_specs_resolve(cfg.agents, cfg.n_agents, "fuzz.json", &err);
    if (cfg.n_agents > MT_AGENTS_MAX)
        abort();
    for (size_t i = 0; i < cfg.n_agents; i++) {
        const struct mt_agent_spec *a = &cfg.agents[i];
        if (memchr(a->id, '\0', sizeof a->id) == NULL || memchr(a->strategy, '\0', sizeof a->strategy) == NULL ||
            memchr(a->pairs.symbols, '\0', sizeof a->pairs.symbols) == NULL)
            abort();
    }
    if (memchr(cfg.data_dir, '\0', sizeof cfg.data_dir) == NULL ||
        memchr(cfg.log_level, '\0', sizeof cfg.log_level) == NULL ||
        memchr(cfg.exchange.base_url, '\0', sizeof cfg.exchange.base_url) == NULL ||
        memchr(cfg.download.timeframes, '\0', sizeof cfg.download.timeframes) == NULL ||
        memchr(cfg.trading.strategies, '\0', sizeof cfg.trading.strategies) == NULL)
        abort();
    return 0;
}
