#include "cli/cli.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

static const struct mt_cfg_field app_schema[] = {
    {"data_dir", MT_CFG_STRING, offsetof(struct mt_app_config, data_dir),
     sizeof(((struct mt_app_config *)0)->data_dir), 0, 0, NULL},
    {"log_level", MT_CFG_STRING, offsetof(struct mt_app_config, log_level),
     sizeof(((struct mt_app_config *)0)->log_level), 0, 0, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

int mt_cli_load_config(struct mt_cli *cli, const char *path, struct mt_err *err)
{
    struct mt_app_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "data");
    snprintf(cfg.log_level, sizeof cfg.log_level, "info");
    cli->config_path = NULL;
    if (!path)
        path = getenv("MTRADER_CONFIG");
    if (!path && access("mtrader.json", F_OK) == 0)
        path = "mtrader.json";
    if (path) {
        int rc = mt_config_load_file(path, app_schema, &cfg, err);
        if (rc)
            return rc;
        cli->config_path = path;
    }
    cli->cfg = cfg;
    return MT_OK;
}

int mt_cli_fail(const struct mt_err *err)
{
    fprintf(stderr, "mtrader: %s\n", err->msg[0] ? err->msg : mt_strerror(err->code));
    return MT_EXIT_FAILURE;
}

int mt_cli_usage_error(const struct mt_command *cmd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "mtrader %s: %s\nTry 'mtrader %s --help'.\n", cmd->name, msg, cmd->name);
    return MT_EXIT_USAGE;
}

void mt_cli_print_usage(const struct mt_command *cmd, FILE *out)
{
    fprintf(out, "%s", cmd->usage);
}

bool mt_cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}
