/* mtrader: command-line entry point. Parses the global options, loads the
 * configuration and dispatches to one subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"

static const struct mt_command *const commands[] = {
    &mt_cmd_import,
    &mt_cmd_data,
    &mt_cmd_validate,
    &mt_cmd_resample,
    &mt_cmd_download,
    &mt_cmd_features,
    &mt_cmd_setups,
    &mt_cmd_backtest,
    &mt_cmd_scan,
    &mt_cmd_run,
    &mt_cmd_replay,
    &mt_cmd_journal,
    &mt_cmd_train,
    &mt_cmd_models,
    &mt_cmd_report,
    &mt_cmd_indicators,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_main_usage(FILE *out)
{
    fprintf(out,
            "usage: mtrader [global options] <command> [options]\n"
            "\n"
            "ML-driven trading system for Binance: market data, features, strategies, models.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\n"
            "global options:\n"
            "  --config FILE      JSON configuration (default $MTRADER_CONFIG, else ./mtrader.json\n"
            "                     when present); keys: data_dir, log_level, exchange{base_url,\n"
            "                     concurrency, weight_share, state_file}, download{quote,\n"
            "                     exclude_bases, timeframes, history_days}\n"
            "  --data-dir DIR     market-data store root (default: config data_dir, else ./data)\n"
            "  --log-level LEVEL  error, warn, info (default) or debug\n"
            "  --progress         draw progress bars even when stderr is not a terminal\n"
            "  -h, --help         this help; 'mtrader <command> --help' for a command\n"
            "  --version          print the version\n"
            "\n"
            "exit codes: 0 ok, 1 failure, 2 usage error\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"data-dir", required_argument, NULL, 'd'},
        {"log-level", required_argument, NULL, 'l'},
        {"progress", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *data_dir = NULL, *log_level = NULL;
    bool force_progress = false;
    int c;
    /* '+' stops at the first non-option: the command name. */
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        case 'd': data_dir = optarg; break;
        case 'l': log_level = optarg; break;
        case 'p': force_progress = true; break;
        case 'h': print_main_usage(stdout); return MT_EXIT_OK;
        case 'V': printf("mtrader %s\n", MTRADER_VERSION); return MT_EXIT_OK;
        default: print_main_usage(stderr); return MT_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        print_main_usage(stderr);
        return MT_EXIT_USAGE;
    }
    const char *name = argv[optind];
    const struct mt_command *cmd = NULL;
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            cmd = commands[i];
    if (!cmd) {
        fprintf(stderr, "mtrader: unknown command '%s'\n\n", name);
        print_main_usage(stderr);
        return MT_EXIT_USAGE;
    }
    int cmd_argc = argc - optind;
    char **cmd_argv = argv + optind;
    if (mt_cli_wants_help(cmd_argc, cmd_argv)) {
        mt_cli_print_usage(cmd, stdout);
        return MT_EXIT_OK;
    }

    struct mt_cli cli;
    memset(&cli, 0, sizeof cli);
    struct mt_err err = {0};
    enum mt_log_level level;
    if (log_level && mt_log_parse_level(log_level, &level, &err)) {
        fprintf(stderr, "mtrader: --log-level: %s\nTry 'mtrader --help'.\n", err.msg);
        return MT_EXIT_USAGE;
    }
    if (mt_cli_load_config(&cli, config_path, &err))
        return mt_cli_fail(&err);
    if (data_dir)
        snprintf(cli.cfg.data_dir, sizeof cli.cfg.data_dir, "%s", data_dir);
    if (!log_level && mt_log_parse_level(cli.cfg.log_level, &level, &err)) {
        fprintf(stderr, "mtrader: %s: log_level: %s\n", cli.config_path, err.msg);
        return MT_EXIT_FAILURE;
    }
    mt_log_set_level(level);
    mt_log_debug("config: %s; data dir: %s", cli.config_path ? cli.config_path : "defaults",
                 cli.cfg.data_dir);
    cli.force_progress = force_progress;

    optind = 0; /* reset getopt for the command's own parsing (GNU: full re-init) */
    return cmd->run(&cli, cmd_argc, cmd_argv);
}
