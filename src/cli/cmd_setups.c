/* mtrader setups: the labelled setup dataset of strategies over the store. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/time.h"
#include "features/featureset.h"
#include "ml/dataset.h"
#include "sim/setups.h"
#include "store/store.h"


static int run_setups(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_setups = {
    "setups",
    "labelled setup dataset: every setup of the strategies followed to its outcome (Parquet)",
    "usage: mtrader setups --strategy ID[,ID...] --timeframe TF --out FILE.parquet [--symbol S]\n"
    "                      [--from DATE] [--to DATE] [--spread X] [--set FILE | --no-features]\n"
    "                      [--win-r R[,R...]] [--lower TF] [engine options]\n"
    "\n"
    "Runs each strategy over every stored series of the timeframe (or one symbol) and\n"
    "follows every setup with the trade engine: stop-limit stops with slippage, OCO\n"
    "targets (a bar touching both resolves stop first), the partial take-profit at\n"
    "1.8 R, the stale exit after 240 h below 1 R, fees 0.15% per fill and the spread\n"
    "on every fill. Trades still open at the end of the data are kept as censored.\n"
    "Writes one row per setup: symbol, timeframe, strategy, time, side, price, stop,\n"
    "target, rr, the strategy's context values, the feature row of the signal bar,\n"
    "and the outcome (exit, pnl, r, win flags, duration_h, mae_r, mfe_r, censored).\n"
    "The file is written series by series (memory stays flat in the number of series)\n"
    "and appears, atomically, when complete.\n"
    "  --strategy IDS  channel_run:LOOKBACK:ENTRY:GOAL (ENTRY, GOAL edge or mid) or\n"
    "                  trail_fractals:WIDTH:SPACING, comma-separated\n"
    "  --from, --to    signal bars in [FROM, TO) (dates or times, UTC; README: Dates)\n"
    "  --spread X      relative spread for the stop buffer and every fill (default 0.0005)\n"
    "  (--strategy, --spread and the engine options default to the config's \"trading\" object)\n"
    "  --set FILE      feature set JSON (default: the built-in set); --no-features: none\n"
    "  --win-r LIST    R thresholds of the win_R columns (default 0.5,1,2)\n"
    "  --lower TF      stored candles of this lower timeframe decide the bars that touched\n"
    "                  both stop and target (when the symbol has them; else stop first)\n" MT_CLI_ENGINE_USAGE,
    run_setups,
};

static int parse_win_r(char *list, double *out, size_t *n)
{
    *n = 0;
    char *save;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *end;
        errno = 0;
        double v = strtod(tok, &end);
        if (*end || errno || !isfinite(v) || *n == MT_DATASET_MAX_WIN)
            return -1;
        out[(*n)++] = v;
    }
    return *n ? 0 : -1;
}

/* Per strategy totals for the summary. */
struct tally {
    size_t setups, wins, censored;
    double sum_r;
};

static int run_setups(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"strategy", required_argument, NULL, 'S'}, {"timeframe", required_argument, NULL, 't'},
        {"symbol", required_argument, NULL, 's'},   {"out", required_argument, NULL, 'o'},
        {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 'T'},
        {"spread", required_argument, NULL, 'p'},   {"set", required_argument, NULL, 'e'},
        {"no-features", no_argument, NULL, 'n'},    {"win-r", required_argument, NULL, 'w'},
        {"lower", required_argument, NULL, 'L'},    MT_CLI_ENGINE_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct mt_selection sel = {0};
    const char *ids[MT_CLI_MAX_STRATEGIES], *out_path = NULL, *set_path = NULL;
    int n_ids = 0;
    bool features = true;
    double spread = cli->cfg.trading.spread, win_r[MT_DATASET_MAX_WIN] = {0.5, 1, 2};
    size_t n_win = 3;
    int64_t from = INT64_MIN, to = INT64_MAX;
    bool lower_set = false;
    struct mt_costs costs;
    struct mt_trade_rules rules;
    mt_cli_engine_defaults(cli, &costs, &rules);
    char config_ids[sizeof cli->cfg.trading.strategies], *strategy_arg = NULL;
    enum mt_tf lower_tf = MT_TF_1M_MIN;
    struct mt_err err = {0};
    int c, rc;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'S': strategy_arg = optarg; break;
        case 's':
        case 't':
            if ((rc = mt_cli_select_option(&mt_cmd_setups, &sel, c, optarg)))
                return rc;
            break;
        case 'o': out_path = optarg; break;
        case 'f':
        case 'T':
            if (mt_time_parse(optarg, c == 'f' ? &from : &to, &err))
                return mt_cli_usage_error(&mt_cmd_setups, "--%s: %s", c == 'f' ? "from" : "to", err.msg);
            break;
        case 'p':
            if ((rc = mt_cli_number_option(&mt_cmd_setups, "spread", optarg, 0, false, MT_SPREAD_MAX, true, &spread)))
                return rc;
            break;
        case 'e': set_path = optarg; break;
        case 'n': features = false; break;
        case 'w':
            if (parse_win_r(optarg, win_r, &n_win))
                return mt_cli_usage_error(&mt_cmd_setups, "--win-r: expected 1 to %d numbers", MT_DATASET_MAX_WIN);
            break;
        case 'L':
            if (mt_tf_parse(optarg, &lower_tf, &err))
                return mt_cli_usage_error(&mt_cmd_setups, "--lower: %s", err.msg);
            lower_set = true;
            break;
        default:
            if ((rc = mt_cli_engine_option(&mt_cmd_setups, c, optarg, &costs, &rules)) < 0)
                return mt_cli_usage_error(&mt_cmd_setups, "unknown option");
            if (rc)
                return rc;
            break;
        }
    }
    if (optind != argc)
        return mt_cli_usage_error(&mt_cmd_setups, "unexpected argument '%s'", argv[optind]);
    if ((rc = mt_cli_strategy_ids(&mt_cmd_setups, cli, strategy_arg, &config_ids, ids, &n_ids)))
        return rc;
    if (n_ids == 0 || !sel.tf_set || !out_path)
        return mt_cli_usage_error(&mt_cmd_setups, "--strategy, --timeframe and --out are required");
    if (from >= to)
        return mt_cli_usage_error(&mt_cmd_setups, "--from must be before --to");
    if ((rc = mt_cli_check_outputs(&mt_cmd_setups, cli, (const char *const[]){"out"}, &out_path, 1)))
        return rc;
    if (lower_set && !mt_tf_divides(lower_tf, sel.tf))
        return mt_cli_usage_error(&mt_cmd_setups, "--lower %s does not divide --timeframe %s", mt_tf_name(lower_tf),
                                  mt_tf_name(sel.tf));

    struct mt_fset fs = {0};
    struct mt_catalog cat = {0};
    struct mt_dataset ds;
    struct tally tally[MT_CLI_MAX_STRATEGIES] = {0};
    if ((rc = mt_dataset_init(&ds, win_r, n_win, &err)))
        return mt_cli_fail(&err);
    if (features && (rc = set_path ? mt_fset_load(set_path, &fs, &err) : mt_fset_default(&fs, &err))) {
        mt_dataset_release(&ds);
        return mt_cli_fail(&err);
    }
    if ((rc = mt_cli_select(cli, &sel, &cat))) {
        mt_fset_release(&fs);
        mt_dataset_release(&ds);
        return rc;
    }
    for (size_t i = 0; i < cat.n && rc == 0; i++) {
        struct mt_series s, lower;
        mt_series_init(&s, 0);
        mt_series_init(&lower, 0);
        bool have_lower = false;
        struct mt_features f = {0};
        struct mt_fmatrix m;
        mt_fmatrix_init(&m);
        rc = mt_store_load(cli->cfg.data_dir, cat.entries[i].symbol, sel.tf, &s, &err);
        if (rc == 0 && features && (rc = mt_features_init(&f, &fs, sel.tf, &err)) == 0)
            rc = mt_features_batch(&f, &s, &m, &err);
        if (rc == 0 && lower_set) {
            struct mt_err lerr = {0};
            have_lower = mt_store_load(cli->cfg.data_dir, cat.entries[i].symbol, lower_tf, &lower, &lerr) == 0;
            if (!have_lower)
                fprintf(stderr, "mtrader: %s: no %s candles (%s): ambiguous bars resolve stop first\n",
                        cat.entries[i].symbol, mt_tf_name(lower_tf), lerr.msg);
        }
        for (int k = 0; k < n_ids && rc == 0; k++) {
            struct mt_setup_run run = mt_setup_run_default(ids[k], sel.tf, spread);
            run.from = from;
            run.to = to;
            run.lower = have_lower ? &lower : NULL;
            run.costs = costs;
            run.rules = mt_trade_rules_for(ids[k], &rules); /* Channel Run: no take-profit */
            struct mt_setup_outcomes o;
            if ((rc = mt_setups_backtest(&s, &run, &o, &err)) == 0)
                rc = mt_dataset_add(&ds, cat.entries[i].symbol, sel.tf, ids[k], &o, features ? &m : NULL, &err);
            for (size_t j = 0; rc == 0 && j < o.n; j++) {
                double r = mt_trade_r(&o.v[j].trade);
                tally[k].setups++;
                tally[k].wins += r > 0;
                tally[k].censored += o.v[j].trade.exit == MT_EXIT_CENSORED;
                tally[k].sum_r += r;
            }
            mt_setup_outcomes_release(&o);
        }
        /* This series' rows go to the file now: memory stays flat in the number of series. */
        if (rc == 0)
            rc = mt_dataset_flush(&ds, out_path, &err);
        if (features)
            mt_features_release(&f);
        mt_fmatrix_release(&m);
        mt_series_release(&lower);
        mt_series_release(&s);
    }
    size_t bytes = 0;
    if (rc == 0 && (rc = mt_dataset_write(&ds, out_path, &bytes, &err)) == 0) {
        for (int k = 0; k < n_ids; k++)
            printf("%s: %zu setups, %.1f%% with r > 0, mean r %.3f, %zu censored\n", ids[k], tally[k].setups,
                   tally[k].setups ? 100.0 * (double)tally[k].wins / (double)tally[k].setups : 0.0,
                   tally[k].setups ? tally[k].sum_r / (double)tally[k].setups : 0.0, tally[k].censored);
        printf("%zu series, %zu rows x %zu columns -> %s (%zu bytes)\n", cat.n, ds.written, mt_dataset_columns(&ds),
               out_path, bytes);
    }
    mt_catalog_release(&cat);
    mt_fset_release(&fs);
    mt_dataset_release(&ds);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
