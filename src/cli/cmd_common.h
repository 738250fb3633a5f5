/* Selection options shared by the commands that walk the store. */
#ifndef MT_CLI_CMD_COMMON_H
#define MT_CLI_CMD_COMMON_H

#include <stdbool.h>

#include "cli/cli.h"
#include "core/timeframe.h"
#include "core/clock.h"
#include "features/featureset.h"
#include "exchange/governor.h"
#include "sim/trade.h"
#include "store/catalog.h"
#include "sync/sync.h"

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

/* Lists the store entries matching sel. A data dir that does not exist (or
 * is not a folder) and a --symbol/--timeframe filter that matches nothing are
 * errors; an existing store without series gives an empty cat. Prints and
 * returns MT_EXIT_FAILURE on error (cat then holds nothing), MT_EXIT_OK
 * otherwise. */
int mt_cli_select(const struct mt_cli *cli, const struct mt_selection *sel, struct mt_catalog *cat);

/* Folders of DATA_DIR that belong to the store: no output file may go inside
 * them. */
#define MT_CLI_STORE_FOLDERS {"ohlcv", "market"}

/* Most output files one command writes. */
#define MT_CLI_MAX_OUTPUTS 4

/* Checks the n output files of a command before anything is computed:
 * paths[i] (NULL: not given) is the value of option --names[i]. Each is
 * resolved as the write will land: its folder's symlinks and ".." through
 * realpath of the deepest existing folder (the rest as written), the file
 * name itself kept (the atomic write replaces a symlink, not its target). An
 * output inside one of the MT_CLI_STORE_FOLDERS of the data dir (resolved the
 * same way) is refused, and so are two outputs naming the same file (same
 * resolved path, or the same file by device and inode when it exists).
 * n is at most MT_CLI_MAX_OUTPUTS. Returns MT_EXIT_OK, or MT_EXIT_USAGE after
 * printing why. */
int mt_cli_check_outputs(const struct mt_command *cmd, const struct mt_cli *cli, const char *const *names,
                         const char *const *paths, int n);

/* Splits a comma-separated list in place into at most max items (empty items
 * skipped). Returns the count, or -1 when there are more than max. */
int mt_cli_split_list(char *list, const char **items, int max);

/* Most strategy ids one command runs. */
#define MT_CLI_MAX_STRATEGIES 16

/* The strategy ids of a --strategy value (NULL when not given), else of the
 * config's trading.strategies, split into ids (pointing into value or buf,
 * which takes the config's copy). *n is 0 when neither names any. Every id
 * must parse (mt_strategy_parse). Returns MT_EXIT_OK, or MT_EXIT_USAGE after
 * printing why (too many, empty, a bad id), MT_EXIT_FAILURE when out of memory. */
int mt_cli_strategy_ids(const struct mt_command *cmd, const struct mt_cli *cli, char *value,
                        char (*buf)[sizeof ((struct mt_trading_settings *)0)->strategies], const char **ids, int *n);

/* Parses the number option --name's text into *v, which must lie between lo
 * and hi (each end open or closed). Returns MT_EXIT_OK, or MT_EXIT_USAGE
 * after printing why. */
int mt_cli_number_option(const struct mt_command *cmd, const char *name, const char *text, double lo, bool lo_open,
                         double hi, bool hi_open, double *v);

/* The trade engine's options shared by the commands that follow trades. */
#define MT_CLI_ENGINE_OPTIONS                                                                              \
    {"fee", required_argument, NULL, 0x101}, {"bnb", no_argument, NULL, 0x102},                            \
        {"slippage", required_argument, NULL, 0x103}, {"tp-r", required_argument, NULL, 0x104},            \
        {"tp-fraction", required_argument, NULL, 0x105}, {"stale-h", required_argument, NULL, 0x106},     \
        {"stale-r", required_argument, NULL, 0x107}, {"tp-full-value", required_argument, NULL, 0x108}

#define MT_CLI_ENGINE_USAGE                                                                                \
    "  --fee X         fee per fill, of its notional (default 0.0015); --bnb: fees x 0.75\n"                \
    "  --slippage X    extra relative slippage of stop fills (default 0.0005)\n"                            \
    "  --tp-r R        take-profit of trailing strategies (Trail Fractals; Channel Run exits only by\n"   \
    "                  its target, stop or stale) when open risk reaches R (default 1.8; 0: none)\n"      \
    "  --tp-fraction X part sold at the take-profit (default 0.5; 1: all)\n"                              \
    "  --tp-full-value Q  a real position worth at most Q quote is sold whole (default 24)\n"            \
    "  --stale-h H     close trades older than H hours below --stale-r R (default 240, 1; 0: never)\n"

/* The sync configuration (sync/sync.h) of the config's "download" and
 * "exchange" objects: store, universe, history, timeframes, base URL,
 * concurrency, weight share and its state file (path into state), clock.
 * MT_EINVAL naming a bad setting; the governor's path errors. */
int mt_cli_sync_config(const struct mt_cli *cli, struct mt_sync_config *sc, char state[MT_GOV_PATH_MAX],
                       const struct mt_clock *clock, struct mt_err *err);

/* The engine's costs and rules from the config's "trading" object. */
void mt_cli_engine_defaults(const struct mt_cli *cli, struct mt_costs *costs, struct mt_trade_rules *rules);

/* Handles engine option code c of MT_CLI_ENGINE_OPTIONS into costs and
 * rules. Returns MT_EXIT_OK, MT_EXIT_USAGE after printing why, or -1 when c
 * is not an engine option. */
int mt_cli_engine_option(const struct mt_command *cmd, int c, const char *value, struct mt_costs *costs,
                         struct mt_trade_rules *rules);

/* The models folder: config ml.models_dir, else DATA_DIR/models, into buf.
 * Returns 0, or -1 when it does not fit. */
int mt_cli_models_dir(const struct mt_cli *cli, char *buf, size_t size);

/* The session journal: config session.journal, else DATA_DIR/journal.db,
 * into buf (cut to fit). */
void mt_cli_journal_path(const struct mt_cli *cli, char *buf, size_t size);

/* The models' feature set: config ml.features, else the built-in set. */
int mt_cli_model_fset(const struct mt_cli *cli, struct mt_fset *fs, struct mt_err *err);

/* The entries of folder path that are folders, sorted, into *out (the caller
 * frees each and the array). Returns 0, or MT_ENOENT when path cannot be read. */
int mt_cli_subdirs(const char *path, char ***out, size_t *n);

#endif
