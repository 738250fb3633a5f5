#include "cli/cmd_common.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>

#include <string.h>

#include "core/log.h"
#include "store/store.h"

int mt_cli_select_option(const struct mt_command *cmd, struct mt_selection *sel, int opt,
                         const char *value)
{
    struct mt_err err = {0};
    if (opt == 's') {
        if (!mt_store_symbol_valid(value))
            return mt_cli_usage_error(cmd, "invalid symbol '%s': expected A-Z and 0-9 like BTCUSDT",
                                      value);
        sel->symbol = value;
        return MT_EXIT_OK;
    }
    if (mt_tf_parse(value, &sel->tf, &err))
        return mt_cli_usage_error(cmd, "%s", err.msg);
    sel->tf_set = true;
    return MT_EXIT_OK;
}

int mt_cli_select(const struct mt_cli *cli, const struct mt_selection *sel, struct mt_catalog *cat)
{
    struct mt_err err = {0};
    if (mt_catalog_list(cli->cfg.data_dir, sel->symbol, sel->tf_set ? &sel->tf : NULL, cat, &err))
        return mt_cli_fail(&err);
    mt_log_debug("store %s: %zu matching series", cli->cfg.data_dir, cat->n);
    return MT_EXIT_OK;
}

int mt_cli_split_list(char *list, const char **items, int max)
{
    int n = 0;
    char *save;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        items[n++] = tok;
    }
    return n;
}

int mt_cli_number_option(const struct mt_command *cmd, const char *name, const char *text, double lo, bool lo_open,
                         double hi, bool hi_open, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (*end || end == text || errno || !isfinite(x) || (lo_open ? x <= lo : x < lo) || (hi_open ? x >= hi : x > hi))
        return mt_cli_usage_error(cmd, "--%s '%s': expected a number in %c%g, %g%c", name, text, lo_open ? '(' : '[',
                                  lo, hi, hi_open ? ')' : ']');
    *v = x;
    return MT_EXIT_OK;
}

int mt_cli_engine_option(const struct mt_command *cmd, int c, const char *value, struct mt_costs *costs,
                         struct mt_trade_rules *rules)
{
    double hours = 0;
    int rc;
    switch (c) {
    case 0x101: return mt_cli_number_option(cmd, "fee", value, 0, false, 0.1, false, &costs->fee_rate);
    case 0x102: costs->bnb = true; return MT_EXIT_OK;
    case 0x103: return mt_cli_number_option(cmd, "slippage", value, 0, false, 0.1, false, &costs->slippage);
    case 0x104: return mt_cli_number_option(cmd, "tp-r", value, 0, false, 1000, false, &rules->tp_at_r);
    case 0x105: return mt_cli_number_option(cmd, "tp-fraction", value, 0, true, 1, false, &rules->tp_fraction);
    case 0x106:
        if ((rc = mt_cli_number_option(cmd, "stale-h", value, 0, false, 1e6, false, &hours)) == 0)
            rules->stale_ms = (int64_t)(hours * 3600000.0);
        return rc;
    case 0x107: return mt_cli_number_option(cmd, "stale-r", value, -1000, false, 1000, false, &rules->stale_below_r);
    default: return -1;
    }
}

void mt_cli_engine_defaults(const struct mt_cli *cli, struct mt_costs *costs, struct mt_trade_rules *rules)
{
    const struct mt_trading_settings *t = &cli->cfg.trading;
    *costs = mt_costs_default();
    costs->fee_rate = t->fee;
    costs->bnb = t->bnb;
    costs->slippage = t->slippage;
    costs->spread = t->spread;
    *rules = mt_trade_rules_default();
    rules->tp_at_r = t->tp_r;
    rules->tp_fraction = t->tp_fraction;
    rules->stale_ms = (int64_t)(t->stale_h * 3600000.0);
    rules->stale_below_r = t->stale_r;
}

int mt_cli_strategy_ids(const struct mt_command *cmd, const struct mt_cli *cli, char *value,
                        char (*buf)[sizeof ((struct mt_trading_settings *)0)->strategies], const char **ids, int *n)
{
    const char *what = "--strategy";
    if (!value && cli->cfg.trading.strategies[0]) {
        memcpy(*buf, cli->cfg.trading.strategies, sizeof *buf);
        value = *buf;
        what = "config trading.strategies";
    }
    *n = value ? mt_cli_split_list(value, ids, MT_CLI_MAX_STRATEGIES) : 0;
    if (value && *n <= 0)
        return mt_cli_usage_error(cmd, "%s: expected 1 to %d ids", what, MT_CLI_MAX_STRATEGIES);
    return MT_EXIT_OK;
}
