/* mtrader: command-line entry point. Parses the global options (before the
 * command and after it), loads the configuration and dispatches to one
 * subcommand. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <xgboost/c_api.h>
#include <zstd.h>

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
    &mt_cmd_status,
    &mt_cmd_train,
    &mt_cmd_models,
    &mt_cmd_report,
    &mt_cmd_indicators,
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_main_usage(FILE *out)
{
    fprintf(out,
            "usage: mtrader [global options] <command> [options] [global options]\n"
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
            "  --version          print the version, the build options and the libraries' versions\n"
            "--config, --data-dir, --log-level and --progress go before the command or after it\n"
            "(up to a '--'; after it spelled in full), as --opt VALUE or --opt=VALUE; one given twice\n"
            "takes the later value; a command option's value spelled like one of them needs the\n"
            "--opt=VALUE form. -h/--help and --version go before the command.\n"
            "\n"
            "exit codes: 0 ok, 1 failure, 2 usage error\n");
}

/* The version, how this binary was built (src/cli/meson.build) and the
 * libraries it runs with. */
static void print_version(void)
{
    int xg_major, xg_minor, xg_patch;
    XGBoostVersion(&xg_major, &xg_minor, &xg_patch);
    printf("mtrader %s\n", MTRADER_VERSION);
    printf("build: %s -O%s, %s, %s, %s %s, %s\n", MTRADER_BUILD_TYPE, MTRADER_BUILD_OPTIMIZATION,
           MTRADER_BUILD_LTO ? "lto" : "no lto",
           strcmp(MTRADER_BUILD_SANITIZE, "none") == 0 ? "no sanitizers" : "sanitizers " MTRADER_BUILD_SANITIZE,
           MTRADER_BUILD_COMPILER, MTRADER_BUILD_COMPILER_VERSION, MTRADER_BUILD_CPU);
    printf("compiler: %s\n", __VERSION__);
    printf("libraries: sqlite %s, libcurl %s, xgboost %d.%d.%d, zstd %s, cjson %s\n", sqlite3_libversion(),
           curl_version_info(CURLVERSION_NOW)->version, xg_major, xg_minor, xg_patch, ZSTD_versionString(),
           cJSON_Version());
}

/* The global options given after the command. */
struct globals {
    const char *config_path, *data_dir, *log_level;
    bool force_progress;
};

/* If argv[*i] is global option name (with a value: "--name VALUE" or
 * "--name=VALUE", into *value; without: "--name" only), takes it and returns
 * 1, moving *i past its value; 0 when it is not; MT_EXIT_USAGE after printing
 * why when its value is missing or empty, or it has one it does not take. */
static int take_global(int argc, char **argv, int *i, const char *name, bool has_value, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0 || (a[2 + n] != '\0' && a[2 + n] != '='))
        return 0;
    if (!has_value) {
        if (a[2 + n] == '\0')
            return 1;
        fprintf(stderr, "mtrader: option '--%s' doesn't allow an argument\nTry 'mtrader --help'.\n", name);
        return MT_EXIT_USAGE;
    }
    if (a[2 + n] == '\0' && *i + 1 >= argc) {
        fprintf(stderr, "mtrader: option '--%s' requires an argument\nTry 'mtrader --help'.\n", name);
        return MT_EXIT_USAGE;
    }
    const char *v = a[2 + n] == '=' ? a + 3 + n : argv[++*i];
    if (!*v) {
        fprintf(stderr, "mtrader: option '--%s' needs a non-empty value\nTry 'mtrader --help'.\n", name);
        return MT_EXIT_USAGE;
    }
    *value = v;
    return 1;
}

/* Takes the global options out of the command's argv (argv[0] the command),
 * up to a literal "--", into g (each overriding what g holds: the later
 * wins), closing up argv; *argc becomes the count left. Returns MT_EXIT_OK or
 * MT_EXIT_USAGE after printing why. */
static int take_globals(int *argc, char **argv, struct globals *g)
{
    int kept = 1, i = 1;
    for (; i < *argc && strcmp(argv[i], "--") != 0; i++) {
        const char *progress = NULL; /* --progress takes no value: never set */
        int r = take_global(*argc, argv, &i, "config", true, &g->config_path);
        if (r == 0)
            r = take_global(*argc, argv, &i, "data-dir", true, &g->data_dir);
        if (r == 0)
            r = take_global(*argc, argv, &i, "log-level", true, &g->log_level);
        if (r == 0 && (r = take_global(*argc, argv, &i, "progress", false, &progress)) == 1)
            g->force_progress = true;
        if (r == MT_EXIT_USAGE)
            return r;
        if (r == 0)
            argv[kept++] = argv[i];
    }
    for (; i < *argc; i++)
        argv[kept++] = argv[i];
    argv[kept] = NULL;
    *argc = kept;
    return MT_EXIT_OK;
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
    struct globals g = {0};
    int c;
    /* '+' stops at the first non-option: the command name. */
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
        case 'd':
        case 'l':
            if (!*optarg) {
                fprintf(stderr, "mtrader: option '--%s' needs a non-empty value\nTry 'mtrader --help'.\n",
                        c == 'c' ? "config" : c == 'd' ? "data-dir" : "log-level");
                return MT_EXIT_USAGE;
            }
            *(c == 'c' ? &g.config_path : c == 'd' ? &g.data_dir : &g.log_level) = optarg;
            break;
        case 'p': g.force_progress = true; break;
        case 'h': print_main_usage(stdout); return MT_EXIT_OK;
        case 'V': print_version(); return MT_EXIT_OK;
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
    if (take_globals(&cmd_argc, cmd_argv, &g))
        return MT_EXIT_USAGE;
    if (mt_cli_wants_help(cmd_argc, cmd_argv)) {
        mt_cli_print_usage(cmd, stdout);
        return MT_EXIT_OK;
    }

    struct mt_cli cli;
    memset(&cli, 0, sizeof cli);
    struct mt_err err = {0};
    enum mt_log_level level;
    if (g.log_level && mt_log_parse_level(g.log_level, &level, &err)) {
        fprintf(stderr, "mtrader: --log-level: %s\nTry 'mtrader --help'.\n", err.msg);
        return MT_EXIT_USAGE;
    }
    if (mt_cli_load_config(&cli, g.config_path, &err))
        return mt_cli_fail(&err);
    if (g.data_dir)
        snprintf(cli.cfg.data_dir, sizeof cli.cfg.data_dir, "%s", g.data_dir);
    if (!g.log_level && mt_log_parse_level(cli.cfg.log_level, &level, &err)) {
        fprintf(stderr, "mtrader: %s: log_level: %s\n", cli.config_path, err.msg);
        return MT_EXIT_FAILURE;
    }
    mt_log_set_level(level);
    mt_log_debug("config: %s; data dir: %s", cli.config_path ? cli.config_path : "defaults",
                 cli.cfg.data_dir);
    cli.force_progress = g.force_progress;

    optind = 0; /* reset getopt for the command's own parsing (GNU: full re-init) */
    return cmd->run(&cli, cmd_argc, cmd_argv);
}
