#include "cli/cmd_common.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "store/store.h"
#include "strategy/strategy.h"

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
    const char *dir = cli->cfg.data_dir;
    struct stat st;
    cat->n = 0;
    cat->entries = NULL;
    bool exists = stat(dir, &st) == 0;
    if (!exists || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mtrader: data dir %s: %s (--data-dir or the config's data_dir)\n", dir,
                exists ? "not a folder" : strerror(errno));
        return MT_EXIT_FAILURE;
    }
    if (mt_catalog_list(dir, sel->symbol, sel->tf_set ? &sel->tf : NULL, cat, &err))
        return mt_cli_fail(&err);
    if (cat->n == 0 && (sel->symbol || sel->tf_set)) {
        fprintf(stderr, "mtrader: no stored %s%sseries%s%s in %s\n", sel->tf_set ? mt_tf_name(sel->tf) : "",
                sel->tf_set ? " " : "", sel->symbol ? " for " : "", sel->symbol ? sel->symbol : "", dir);
        mt_catalog_release(cat);
        return MT_EXIT_FAILURE;
    }
    mt_log_debug("store %s: %zu matching series", cli->cfg.data_dir, cat->n);
    return MT_EXIT_OK;
}

/* Resolves path (a file or a folder that may not exist yet) into out
 * (PATH_MAX bytes): the deepest existing ancestor through realpath, the
 * missing rest appended with "." and ".." applied. With keep_name the last
 * component is appended as written instead. Returns false when the path
 * cannot be resolved (too long, an unreadable folder). */
static bool resolve_path(const char *path, bool keep_name, char *out)
{
    char rest[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof rest)
        return false;
    if (path[0] == '/') {
        memcpy(rest, path, n + 1);
    } else {
        if (!getcwd(out, PATH_MAX) || strlen(out) + 1 + n >= sizeof rest)
            return false;
        snprintf(rest, sizeof rest, "%s/%s", out, path);
    }
    snprintf(out, PATH_MAX, "/");
    char *save, *next;
    for (char *c = strtok_r(rest, "/", &save); c; c = next) {
        next = strtok_r(NULL, "/", &save);
        size_t len = strlen(out);
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            char *slash = strrchr(out, '/');
            slash[slash == out] = '\0';
            continue;
        }
        if (len + 1 + strlen(c) >= PATH_MAX)
            return false;
        snprintf(out + len, PATH_MAX - len, "%s%s", len > 1 ? "/" : "", c);
        if (keep_name && !next)
            break;
        char real[PATH_MAX];
        if (realpath(out, real))
            memcpy(out, real, strlen(real) + 1);
        else if (errno != ENOENT)
            return false;
    }
    return true;
}

/* True if path is folder or inside it (both resolved). */
static bool path_within(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    return strncmp(path, folder, n) == 0 && (path[n] == '/' || path[n] == '\0' || (n == 1 && folder[0] == '/'));
}

int mt_cli_check_outputs(const struct mt_command *cmd, const struct mt_cli *cli, const char *const *names,
                         const char *const *paths, int n)
{
    static const char *const store_folders[] = MT_CLI_STORE_FOLDERS;
    char resolved[MT_CLI_MAX_OUTPUTS][PATH_MAX], folder[PATH_MAX], sub[PATH_MAX];
    for (int i = 0; i < n && i < MT_CLI_MAX_OUTPUTS; i++) {
        if (!paths[i])
            continue;
        if (!resolve_path(paths[i], true, resolved[i]))
            return mt_cli_usage_error(cmd, "--%s %s: cannot resolve the path", names[i], paths[i]);
        for (size_t k = 0; k < sizeof store_folders / sizeof store_folders[0]; k++) {
            snprintf(sub, sizeof sub, "%s/%s", cli->cfg.data_dir, store_folders[k]);
            if (resolve_path(sub, false, folder) && path_within(resolved[i], folder))
                return mt_cli_usage_error(cmd, "--%s %s is inside the store folder %s: outputs never go there",
                                          names[i], paths[i], folder);
        }
        struct stat a, b;
        bool a_exists = stat(paths[i], &a) == 0;
        for (int j = 0; j < i; j++)
            if (paths[j] && (strcmp(resolved[i], resolved[j]) == 0 ||
                             (a_exists && stat(paths[j], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)))
                return mt_cli_usage_error(cmd, "--%s and --%s name the same file %s: each output needs its own",
                                          names[j], names[i], resolved[i]);
    }
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
    case 0x101: return mt_cli_number_option(cmd, "fee", value, 0, false, MT_FEE_RATE_MAX, false, &costs->fee_rate);
    case 0x102: costs->bnb = true; return MT_EXIT_OK;
    case 0x103:
        return mt_cli_number_option(cmd, "slippage", value, 0, false, MT_SLIPPAGE_MAX, false, &costs->slippage);
    case 0x104: return mt_cli_number_option(cmd, "tp-r", value, 0, false, MT_TP_AT_R_MAX, false, &rules->tp_at_r);
    case 0x105: return mt_cli_number_option(cmd, "tp-fraction", value, 0, true, 1, false, &rules->tp_fraction);
    case 0x106:
        if ((rc = mt_cli_number_option(cmd, "stale-h", value, 0, false, (double)MT_STALE_H_MAX, false, &hours)) == 0)
            rules->stale_ms = (int64_t)(hours * 3600000.0);
        return rc;
    case 0x107:
        return mt_cli_number_option(cmd, "stale-r", value, -MT_STALE_R_MAX, false, MT_STALE_R_MAX, false,
                                    &rules->stale_below_r);
    case 0x108:
        return mt_cli_number_option(cmd, "tp-full-value", value, 0, false, MT_TP_FULL_VALUE_MAX, false,
                                    &rules->tp_full_value);
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
    rules->tp_full_value = t->tp_full_value;
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
    for (int k = 0; k < *n; k++) {
        struct mt_strategy st;
        struct mt_err err = {0};
        int rc = mt_strategy_parse(ids[k], MT_TF_1H, 0.0, &st, &err);
        if (rc == MT_EINVAL)
            return mt_cli_usage_error(cmd, "%s: %s", what, err.msg);
        if (rc)
            return mt_cli_fail(&err);
        mt_strategy_release(&st);
    }
    return MT_EXIT_OK;
}

void mt_cli_journal_path(const struct mt_cli *cli, char *buf, size_t size)
{
    if (cli->cfg.session.journal[0])
        snprintf(buf, size, "%s", cli->cfg.session.journal);
    else
        snprintf(buf, size, "%s/journal.db", cli->cfg.data_dir);
}
