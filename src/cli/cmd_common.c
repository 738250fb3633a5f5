#include "cli/cmd_common.h"

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
