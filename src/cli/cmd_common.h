/* Selection options shared by the commands that walk the store. */
#ifndef MT_CLI_CMD_COMMON_H
#define MT_CLI_CMD_COMMON_H

#include <stdbool.h>

#include "cli/cli.h"
#include "core/timeframe.h"
#include "store/catalog.h"

/* --symbol / --timeframe filters of a store walk. */
struct mt_selection {
    const char *symbol; /* NULL = all */
    bool tf_set;
    enum mt_tf tf;
};

/* Handles a --symbol (`s`) or --timeframe (`t`) option value into sel.
 * Returns MT_EXIT_OK, or MT_EXIT_USAGE after printing why. */
int mt_cli_select_option(const struct mt_command *cmd, struct mt_selection *sel, int opt,
                         const char *value);

/* Lists the store entries matching sel; prints and returns MT_EXIT_FAILURE on
 * error, MT_EXIT_OK otherwise. */
int mt_cli_select(const struct mt_cli *cli, const struct mt_selection *sel, struct mt_catalog *cat);

/* Splits a comma-separated list in place into at most max items (empty items
 * skipped). Returns the count, or -1 when there are more than max. */
int mt_cli_split_list(char *list, const char **items, int max);

#endif
