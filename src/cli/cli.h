/* Shared state and helpers of the mtrader command-line commands. Only cli/
 * prints and decides exit codes (0 ok, 1 failure, 2 usage). */
#ifndef MT_CLI_CLI_H
#define MT_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/error.h"
#include "live/agent.h"
#include "ml/train.h"

#define MT_EXIT_OK 0
#define MT_EXIT_FAILURE 1
#define MT_EXIT_USAGE 2

/* Settings from the config file, overridden by global options. */
/* The "exchange" object of the config. */
struct mt_exchange_settings {
    char base_url[256];   /* Binance REST base URL (tests point it at mt-fakebinance) */
    int64_t concurrency;  /* HTTP transfers at once */
    double weight_share;  /* share of the REQUEST_WEIGHT limit this machine may use */
    char state_file[512]; /* shared weight-budget file ("" = per-user default) */
};

/* The "download" object of the config. */
struct mt_download_settings {
    char quote[16];           /* quote asset of the universe */
    char exclude_bases[1024]; /* comma-separated stablecoin/fiat bases left out */
    char timeframes[128];     /* comma-separated timeframes to keep fresh */
    int64_t history_days;     /* history fetched for a symbol not stored yet */
};

/* The "trading" object: defaults of the strategy and trade-engine options of
 * setups and backtest (each overridden by its command-line option). */
struct mt_trading_settings {
    char strategies[512];   /* comma-separated strategy ids ("" = none: --strategy required) */
    double spread;          /* relative spread: stop buffer and fills */
    double fee;             /* per fill, of notional */
    bool bnb;               /* fees x 0.75 */
    double slippage;        /* stop fills */
    double tp_r, tp_fraction; /* take-profit of trailing strategies: at this open risk in R, this part */
    double tp_full_value;     /* ... or all of a real position worth at most this (quote) */
    double stale_h, stale_r;  /* stale exit: older than hours, below R */
    double balance, risk;     /* backtest account and risk per trade */
    int64_t max_positions;    /* backtest: open real positions of the account */
};

/* The "session" object: scan, run and replay. */
struct mt_session_settings {
    char journal[1024]; /* the journal file ("" = DATA_DIR/journal.db) */
    double grace_s;     /* seconds after a bar's close before it is processed */
    bool spreads;       /* each bar's spread from the market snapshots */
};
/* The "ml" object: the models (ml/train.h holds each training setting's
 * default and range). */
struct mt_ml_settings {
    char models_dir[1024]; /* the registry ("" = DATA_DIR/models) */
    char features[1024];   /* the models' feature set file ("" = the built-in set) */
    struct mt_train_opts train;
};

struct mt_app_config {
    char data_dir[1024]; /* store root: DATA_DIR/ohlcv/{tf}/{SYMBOL}.parquet */
    char log_level[16];  /* error, warn, info, debug */
    struct mt_exchange_settings exchange;
    struct mt_download_settings download;
    struct mt_trading_settings trading;
    struct mt_session_settings session;
    struct mt_ml_settings ml;
    size_t n_agents; /* the "agents" array (live/agent.h), resolved */
    struct mt_agent_spec agents[MT_AGENTS_MAX];
};

/* The config file's schema (core/config.h) over struct mt_app_config; also
 * linked by fuzz/fuzz_config.c. */
extern const struct mt_cfg_field mt_app_config_schema[];

struct mt_cli {
    struct mt_app_config cfg;
    const char *config_path; /* file the config came from, or NULL for defaults */
    bool force_progress;     /* draw progress bars even when stderr is not a TTY */
};

/* One subcommand: name, one-line summary, usage text and its entry point.
 * run gets argv with argv[0] = the command name. */
struct mt_command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(struct mt_cli *cli, int argc, char **argv);
};

/* Loads the configuration: path from --config, else $MTRADER_CONFIG, else
 * ./mtrader.json when it exists, else built-in defaults. */
int mt_cli_load_config(struct mt_cli *cli, const char *path, struct mt_err *err);

/* Prints "mtrader: <msg>" for err to stderr and returns MT_EXIT_FAILURE. */
int mt_cli_fail(const struct mt_err *err);

/* Prints "mtrader <cmd>: <msg>" and the command's usage hint to stderr and
 * returns MT_EXIT_USAGE. */
int mt_cli_usage_error(const struct mt_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the command's usage to out. */
void mt_cli_print_usage(const struct mt_command *cmd, FILE *out);

/* True if argv holds -h or --help before any "--". */
bool mt_cli_wants_help(int argc, char **argv);

extern const struct mt_command mt_cmd_import;
extern const struct mt_command mt_cmd_data;
extern const struct mt_command mt_cmd_validate;
extern const struct mt_command mt_cmd_resample;
extern const struct mt_command mt_cmd_download;
extern const struct mt_command mt_cmd_features;
extern const struct mt_command mt_cmd_indicators;
extern const struct mt_command mt_cmd_report;
extern const struct mt_command mt_cmd_setups;
extern const struct mt_command mt_cmd_backtest;
extern const struct mt_command mt_cmd_scan;
extern const struct mt_command mt_cmd_run;
extern const struct mt_command mt_cmd_replay;
extern const struct mt_command mt_cmd_journal;
extern const struct mt_command mt_cmd_status;
extern const struct mt_command mt_cmd_train;
extern const struct mt_command mt_cmd_models;

#endif
