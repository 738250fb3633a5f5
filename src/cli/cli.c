#include "cli/cli.h"

#include <float.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "live/session.h"
#include "sim/portfolio.h"
#include "sync/sync.h"

/* offset and size of a char-array field of struct mt_app_config */
#define CFG_STR(path) \
    offsetof(struct mt_app_config, path), sizeof(((struct mt_app_config *)0)->path)

static const struct mt_cfg_field exchange_schema[] = {
    {"base_url", MT_CFG_STRING, CFG_STR(exchange.base_url), 0, 0, NULL, 0, 0},
    {"concurrency", MT_CFG_INT, offsetof(struct mt_app_config, exchange.concurrency), 0, 1, 64,
     NULL, 0, 0},
    {"weight_share", MT_CFG_DOUBLE, offsetof(struct mt_app_config, exchange.weight_share), 0, 0.01,
     1, NULL, 0, 0},
    {"state_file", MT_CFG_STRING, CFG_STR(exchange.state_file), 0, 0, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static const struct mt_cfg_field download_schema[] = {
    {"quote", MT_CFG_STRING, CFG_STR(download.quote), 0, 0, NULL, 0, 0},
    {"exclude_bases", MT_CFG_STRING, CFG_STR(download.exclude_bases), 0, 0, NULL, 0, 0},
    {"timeframes", MT_CFG_STRING, CFG_STR(download.timeframes), 0, 0, NULL, 0, 0},
    {"history_days", MT_CFG_INT, offsetof(struct mt_app_config, download.history_days), 0, 1,
     10000, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

/* The largest value below x: the config's ranges are closed, the spread's is open at MT_SPREAD_MAX. */
#define BELOW(x) ((x) * (1 - DBL_EPSILON))

#define TRADING_DOUBLE(name, field, lo, hi) \
    {name, MT_CFG_DOUBLE, offsetof(struct mt_app_config, trading.field), 0, lo, hi, NULL, 0, 0}

static const struct mt_cfg_field trading_schema[] = {
    {"strategies", MT_CFG_STRING, CFG_STR(trading.strategies), 0, 0, NULL, 0, 0},
    TRADING_DOUBLE("spread", spread, 0, BELOW(MT_SPREAD_MAX)),
    TRADING_DOUBLE("fee", fee, 0, MT_FEE_RATE_MAX),
    {"bnb", MT_CFG_BOOL, offsetof(struct mt_app_config, trading.bnb), 0, 0, 0, NULL, 0, 0},
    TRADING_DOUBLE("slippage", slippage, 0, MT_SLIPPAGE_MAX),
    TRADING_DOUBLE("tp_r", tp_r, 0, MT_TP_AT_R_MAX),
    TRADING_DOUBLE("tp_fraction", tp_fraction, DBL_MIN, 1),
    TRADING_DOUBLE("tp_full_value", tp_full_value, 0, MT_TP_FULL_VALUE_MAX),
    TRADING_DOUBLE("stale_h", stale_h, 0, (double)MT_STALE_H_MAX),
    TRADING_DOUBLE("stale_r", stale_r, -MT_STALE_R_MAX, MT_STALE_R_MAX),
    TRADING_DOUBLE("balance", balance, 1e-9, 1e15),
    TRADING_DOUBLE("risk", risk, 1e-9, 1),
    {"max_positions", MT_CFG_INT, offsetof(struct mt_app_config, trading.max_positions), 0, 0, 100000, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static const struct mt_cfg_field session_schema[] = {
    {"journal", MT_CFG_STRING, CFG_STR(session.journal), 0, 0, NULL, 0, 0},
    {"grace_s", MT_CFG_DOUBLE, offsetof(struct mt_app_config, session.grace_s), 0, 0,
     MT_SESSION_GRACE_MS_MAX / 1000.0, NULL, 0, 0},
    {"spreads", MT_CFG_BOOL, offsetof(struct mt_app_config, session.spreads), 0, 0, 0, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

#define ML_DOUBLE(name, lo, hi) \
    {#name, MT_CFG_DOUBLE, offsetof(struct mt_app_config, ml.train.name), 0, lo, hi, NULL, 0, 0}
#define ML_INT(name, lo, hi) {#name, MT_CFG_INT, offsetof(struct mt_app_config, ml.train.name), 0, lo, hi, NULL, 0, 0}

static const struct mt_cfg_field ml_schema[] = {
    {"models_dir", MT_CFG_STRING, CFG_STR(ml.models_dir), 0, 0, NULL, 0, 0},
    {"features", MT_CFG_STRING, CFG_STR(ml.features), 0, 0, NULL, 0, 0},
    ML_DOUBLE(win_r, MT_TRAIN_WIN_R_MIN, MT_TRAIN_WIN_R_MAX),
    ML_DOUBLE(test_frac, MT_TRAIN_TEST_FRAC_MIN, MT_TRAIN_TEST_FRAC_MAX),
    ML_INT(folds, MT_TRAIN_FOLDS_MIN, MT_TRAIN_FOLDS_MAX),
    ML_DOUBLE(embargo_frac, 0, MT_TRAIN_EMBARGO_MAX),
    ML_INT(trials, 1, MT_TRAIN_TRIALS_MAX),
    ML_INT(shuffled, 0, MT_TRAIN_SHUFFLED_MAX),
    ML_DOUBLE(min_accept, DBL_MIN, 1),
    ML_INT(importance_repeats, 1, MT_TRAIN_IMPORTANCE_MAX),
    ML_INT(mi_top, 1, MT_TRAIN_MI_TOP_MAX),
    ML_INT(seed, 0, 9007199254740991.0),
    ML_INT(tune_rows, 1000, MT_TRAIN_TUNE_ROWS_MAX),
    ML_INT(jobs, 0, MT_TRAIN_JOBS_MAX),
    ML_INT(nthread, 0, MT_TRAIN_NTHREAD_MAX),
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

const struct mt_cfg_field mt_app_config_schema[] = {
    {"data_dir", MT_CFG_STRING, CFG_STR(data_dir), 0, 0, NULL, 0, 0},
    {"log_level", MT_CFG_STRING, CFG_STR(log_level), 0, 0, NULL, 0, 0},
    {"exchange", MT_CFG_OBJECT, 0, 0, 0, 0, exchange_schema, 0, 0},
    {"download", MT_CFG_OBJECT, 0, 0, 0, 0, download_schema, 0, 0},
    {"trading", MT_CFG_OBJECT, 0, 0, 0, 0, trading_schema, 0, 0},
    {"session", MT_CFG_OBJECT, 0, 0, 0, 0, session_schema, 0, 0},
    {"ml", MT_CFG_OBJECT, 0, 0, 0, 0, ml_schema, 0, 0},
    {"agents", MT_CFG_ARRAY, offsetof(struct mt_app_config, agents), sizeof(struct mt_agent_spec), 0, 0,
     mt_agent_spec_schema, offsetof(struct mt_app_config, n_agents), MT_AGENTS_MAX},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

int mt_cli_load_config(struct mt_cli *cli, const char *path, struct mt_err *err)
{
    struct mt_app_config cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "data");
    snprintf(cfg.log_level, sizeof cfg.log_level, "info");
    snprintf(cfg.exchange.base_url, sizeof cfg.exchange.base_url, "https://api.binance.com");
    cfg.exchange.concurrency = 4;
    cfg.exchange.weight_share = 0.8;
    snprintf(cfg.download.quote, sizeof cfg.download.quote, "%s", MT_SYNC_DEFAULT_QUOTE);
    snprintf(cfg.download.exclude_bases, sizeof cfg.download.exclude_bases, "%s",
             MT_SYNC_DEFAULT_EXCLUDE_BASES);
    snprintf(cfg.download.timeframes, sizeof cfg.download.timeframes, "%s",
             MT_SYNC_DEFAULT_TIMEFRAMES);
    cfg.download.history_days = MT_SYNC_DEFAULT_HISTORY_DAYS;
    struct mt_costs costs = mt_costs_default();
    struct mt_trade_rules rules = mt_trade_rules_default();
    struct mt_portfolio_config account = mt_portfolio_config_default();
    cfg.trading = (struct mt_trading_settings){.spread = account.costs.spread,
                                               .fee = costs.fee_rate,
                                               .slippage = costs.slippage,
                                               .tp_r = rules.tp_at_r,
                                               .tp_fraction = rules.tp_fraction,
                                               .tp_full_value = rules.tp_full_value,
                                               .stale_h = (double)rules.stale_ms / 3600000.0,
                                               .stale_r = rules.stale_below_r,
                                               .balance = account.balance,
                                               .risk = mt_agent_limits_default().risk,
                                               .max_positions = account.limits.max_positions};
    cfg.session.grace_s = MT_SESSION_GRACE_MS_DEFAULT / 1000.0;
    cfg.ml.train = mt_train_opts_default();
    for (size_t i = 0; i < MT_AGENTS_MAX; i++)
        mt_agent_spec_init(&cfg.agents[i]);
    cli->config_path = NULL;
    if (!path)
        path = getenv("MTRADER_CONFIG");
    if (!path && access("mtrader.json", F_OK) == 0)
        path = "mtrader.json";
    if (path) {
        int rc = mt_config_load_file(path, mt_app_config_schema, &cfg, err);
        if (!rc)
            rc = mt_agent_specs_resolve(cfg.agents, cfg.n_agents, path, err);
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
