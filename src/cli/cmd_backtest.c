/* mtrader backtest: the portfolio backtest of strategies over the store. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/atomic.h"
#include "core/clock.h"
#include "core/numfmt.h"
#include "core/time.h"
#include "journal/journal.h"
#include "ml/model.h"
#include "sim/portfolio.h"
#include "store/spreads.h"
#include "store/store.h"


static int run_backtest(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_backtest = {
    "backtest",
    "portfolio backtest of strategies over the store: metrics, trade list and equity curve",
    "usage: mtrader backtest --strategy ID[,ID...] --timeframe TF --trades FILE.csv --equity FILE.csv\n"
    "                        [--symbol S] [--from DATE] [--to DATE] [--balance X] [--risk X]\n"
    "                        [--max-positions N] [--spread X] [--spreads] [--stack] [--lower TF]\n"
    "                        [--journal FILE] [--models]\n"
    "                        [engine options]\n"
    "\n"
    "Runs each strategy (an agent) over every stored series of the timeframe (or one\n"
    "symbol) through one account, bar time by bar time: trades meet each closed bar,\n"
    "then the strategies, then the new setups are sized by their stop distance\n"
    "(equity x risk / |price - stop|, at most 1 x equity) and taken as real trades\n"
    "while the caps allow: 3 positions and 5.1 R of open risk per agent, the\n"
    "--max-positions and 10 R for the account, 15 quote at least. The others are\n"
    "followed as sim trades with their reasons. Costs, take-profit and stale rules\n"
    "as in mtrader setups. Trades still open at the end are marked to the last close.\n"
    "Prints the metrics overall (total return, CAGR, Sharpe, Sortino, max drawdown,\n"
    "win rate, profit factor, expectancy in R, exposure) and per symbol (trade\n"
    "statistics and pnl of its real trades), and writes the trade list and the\n"
    "equity curve (one point per bar time, at its close) as CSV files.\n"
    "  --strategy IDS     channel_run:LOOKBACK:ENTRY:GOAL or trail_fractals:WIDTH:SPACING,\n"
    "                     comma-separated\n"
    "  --from, --to       bars in [FROM, TO) (dates or times, UTC; README: Dates); earlier\n"
    "                     bars warm up\n"
    "  --balance X        starting balance in quote (default 10000)\n"
    "  --risk X           fraction of equity risked per trade (default 0.005)\n"
    "  --max-positions N  open real positions of the account (default 10)\n"
    "  --spread X         relative spread for the stop buffer and every fill (default 0.0005)\n"
    "  --spreads          each pair's spread over time from the market snapshots (DATA_DIR/market):\n"
    "                     the latest taken at or before each bar's open; --spread before the first\n"
    "  --stack            let an agent hold several positions on one symbol (the default is the\n"
    "                     original's one: a new setup on its side only moves the stop of the one held)\n"
    "  --trades FILE      trade list CSV (written atomically)\n"
    "  --equity FILE      equity curve CSV (time in ms UTC, equity)\n"
    "  --lower TF         stored candles of this lower timeframe decide the bars that touched\n"
    "                     both stop and target (when the symbol has them; else stop first)\n"
    "  --journal FILE     also write the run into this SQLite journal (created when missing):\n"
    "                     its trades and legs, decisions and equity curve, in one transaction\n"
    "  --models           the filtered backtest: instead of --strategy, the config's agents of\n"
    "                     --timeframe, each scoring its setups with its deployed model (mtrader\n"
    "                     train; its threshold, or the agent's min_score); rejected setups are sim\n"
    "                     trades with the reason low_score. A span before a model's test period\n"
    "                     is in-sample for it: the command says so\n" MT_CLI_ENGINE_USAGE,
    run_backtest,
};

static const char *const kind_names[] = {"real", "sim", "tracked"};

/* What the CSV writers need. */
struct report {
    const struct mt_portfolio_result *r;
    const struct mt_portfolio_series *series;
    const char *const *ids;
};

/* Writes v as a CSV field (shortest round-trip decimal, NaN empty) after a comma. */
static void put_num(FILE *f, double v)
{
    char buf[32];
    fprintf(f, ",%s", mt_fmt_double(v, buf, sizeof buf));
}

static int write_trades(FILE *f, void *ctx, struct mt_err *err)
{
    const struct report *rp = ctx;
    fputs("id,agent,symbol,kind,side,signal_time,open_time,close_time,price,entry,init_stop,stop,target,exit,size,pnl,"
          "r,sim_reasons,parent\n",
          f);
    for (size_t i = 0; i < rp->r->n_trades; i++) {
        const struct mt_portfolio_trade *x = &rp->r->trades[i];
        const struct mt_trade *t = &x->trade;
        fprintf(f, "%llu,%s,%s,%s,%s,%lld,%lld,%lld", (unsigned long long)x->id, rp->ids[x->agent], rp->series[x->series].symbol, kind_names[t->kind],
                t->side == MT_LONG ? "long" : "short", (long long)x->setup.time, (long long)t->open_time,
                (long long)t->close_time);
        const double v[] = {x->setup.price, t->entry, t->init_stop, t->stop, t->target};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            put_num(f, v[k]);
        fprintf(f, ",%s", mt_exit_name(t->exit));
        put_num(f, t->init_size);
        put_num(f, mt_trade_pnl(t));
        put_num(f, mt_trade_r(t));
        fputc(',', f);
        const char *sep = "";
        for (unsigned k = 0; k < MT_SIM_REASON_COUNT; k++) {
            if (x->sim_reasons & (1u << k)) {
                fprintf(f, "%s%s", sep, mt_sim_reason_name(1u << k));
                sep = "|";
            }
        }
        if (x->parent >= 0)
            fprintf(f, ",%llu", (unsigned long long)rp->r->trades[x->parent].id);
        fputs("\n", f);
    }
    if (ferror(f))
        return mt_err_set(err, MT_EIO, "backtest trades csv: write failed: %s", strerror(errno));
    return 0;
}

static int write_equity(FILE *f, void *ctx, struct mt_err *err)
{
    const struct report *rp = ctx;
    fputs("time,equity\n", f);
    for (size_t i = 0; i < rp->r->n_equity; i++) {
        fprintf(f, "%lld", (long long)rp->r->equity[i].time);
        put_num(f, rp->r->equity[i].equity);
        fputc('\n', f);
    }
    if (ferror(f))
        return mt_err_set(err, MT_EIO, "backtest equity csv: write failed: %s", strerror(errno));
    return 0;
}

/* v x scale with `decimals` decimals and suffix into buf, or "-" for NaN. */
static const char *cell(double v, double scale, int decimals, const char *suffix, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.*f%s", decimals, v * scale, suffix);
    return buf;
}

/* One row of the metrics table. */
static void print_row(const char *name, size_t real, size_t sim, size_t tracked, const struct mt_metrics *m, double pnl)
{
    char w[32], pf[32], e[32], x[32];
    printf("%-14s %6zu %6zu %7zu %6zu %8s %8s %9s %8s %12.2f\n", name, real, sim, tracked, m->wins,
           cell(m->win_rate, 100, 1, "%", w, sizeof w), cell(m->profit_factor, 1, 2, "", pf, sizeof pf),
           cell(m->expectancy_r, 1, 3, "", e, sizeof e), cell(m->exposure, 100, 1, "%", x, sizeof x), pnl);
}

static void print_metrics(const struct mt_portfolio_result *r, const struct mt_portfolio_series *series)
{
    const struct mt_metrics *m = &r->metrics;
    printf("%-14s %6s %6s %7s %6s %8s %8s %9s %8s %12s\n", "symbol", "real", "sim", "tracked", "wins", "win_rate",
           "profit_f", "expect_r", "exposure", "pnl");
    for (size_t s = 0; s < r->n_symbols; s++)
        print_row(series[s].symbol, r->symbols[s].real, r->symbols[s].sim, r->symbols[s].tracked,
                  &r->symbols[s].metrics, r->symbols[s].pnl);
    print_row("overall", r->real, r->sim, r->tracked, m, m->end_equity - m->start_equity);
    char sh[32], so[32];
    printf("balance %.2f -> %.2f: total return %.2f%%, CAGR %.2f%%, Sharpe %s, Sortino %s, max drawdown %.2f%% "
           "(%.1f h)\n",
           m->start_equity, m->end_equity, 100 * m->total_return, 100 * m->cagr,
           cell(m->sharpe, 1, 2, "", sh, sizeof sh), cell(m->sortino, 1, 2, "", so, sizeof so), 100 * m->max_drawdown,
           (double)m->max_drawdown_ms / 3600000.0);
    size_t why[MT_SIM_REASON_COUNT] = {0};
    for (size_t i = 0; i < r->n_trades; i++)
        for (unsigned k = 0; k < MT_SIM_REASON_COUNT; k++)
            why[k] += (r->trades[i].sim_reasons >> k) & 1u;
    printf("sim reasons:");
    for (unsigned k = 0; k < MT_SIM_REASON_COUNT; k++)
        printf(" %s %zu", mt_sim_reason_name(1u << k), why[k]);
    printf("; setups untradable %zu, held %zu, opposite %zu\n", r->decisions.untradable, r->decisions.held,
           r->decisions.opposite);
}

/* Loads every series of cat (tf) into s[0 .. cat->n), with lower the
 * candles of that timeframe into lo[] where the store has them, and with
 * spreads each one's spreads from the market snapshots into sp[]. */
static int load_all(const struct mt_cli *cli, const struct mt_catalog *cat, enum mt_tf tf, const enum mt_tf *lower,
                    bool spreads, struct mt_series *s, struct mt_series *lo, struct mt_spread_history *sp,
                    struct mt_portfolio_series *ps, struct mt_err *err)
{
    size_t snapshots = 0, with = 0;
    for (size_t i = 0; i < cat->n; i++) {
        mt_series_init(&s[i], 0);
        mt_series_init(&lo[i], 0);
        int rc = mt_store_load(cli->cfg.data_dir, cat->entries[i].symbol, tf, &s[i], err);
        if (rc == 0 && spreads && s[i].n)
            rc = mt_spread_history_load(cli->cfg.data_dir, cat->entries[i].symbol, s[i].open_time[0],
                                        s[i].open_time[s[i].n - 1], &sp[i], err);
        if (rc)
            return rc;
        snapshots += sp[i].n;
        with += sp[i].n > 0;
        bool have_lower = false;
        if (lower) {
            struct mt_err lerr = {0};
            have_lower = mt_store_load(cli->cfg.data_dir, cat->entries[i].symbol, *lower, &lo[i], &lerr) == 0;
            if (!have_lower)
                fprintf(stderr, "mtrader: %s: no %s candles (%s): ambiguous bars resolve stop first\n",
                        cat->entries[i].symbol, mt_tf_name(*lower), lerr.msg);
        }
        ps[i] = (struct mt_portfolio_series){cat->entries[i].symbol, &s[i], have_lower ? &lo[i] : NULL,
                                             sp[i].time, sp[i].spread, sp[i].n};
    }
    if (spreads)
        printf("spreads: %zu market snapshots for %zu of %zu series (--spread before a series' first)\n", snapshots,
               with, cat->n);
    return 0;
}

/* Opens the journal at path, begins the transaction of the whole run, records
 * the run and points cfg's second sink at *sink (the caller's, alive during the run). */
static int journal_begin(const char *path, const struct mt_portfolio_series *ps, size_t ns,
                         const struct mt_engine_agent *agents, const char *const *names, size_t na, enum mt_tf tf,
                         struct mt_portfolio_config *cfg, struct mt_sink *sink, struct mt_journal **j,
                         int64_t *run_id, struct mt_err *err)
{
    const char **symbols = malloc((ns ? ns : 1) * sizeof *symbols);
    if (!symbols)
        return mt_err_set(err, MT_ENOMEM, "backtest: out of memory");
    for (size_t k = 0; k < ns; k++)
        symbols[k] = ps[k].symbol;
    struct mt_journal_run run = {.kind = MT_RUN_BACKTEST, .version = MTRADER_VERSION, .config_hash = NULL,
                                 .started = mt_clock_now(mt_clock_wall()), .from = cfg->from, .to = cfg->to,
                                 .tf = tf, .balance = cfg->balance, .costs = cfg->costs, .limits = cfg->limits,
                                 .one_per_symbol = cfg->one_per_symbol, .track_sims = cfg->track_sims,
                                 .agents = agents, .na = na, .symbols = symbols, .ns = ns, .agent_names = names};
    int rc = mt_journal_open(path, j, err);
    if (rc == 0 && (rc = mt_journal_begin_tick(*j, err)) == 0 && (rc = mt_journal_run_begin(*j, &run, run_id, err)) == 0)
        rc = mt_journal_sink(*j, *run_id, sink, err);
    free(symbols);
    if (rc == 0)
        cfg->also = sink;
    return rc;
}

/* The config's agents of tf with their deployed models (--models): ids,
 * engine agents and models[k] where modelled[k]; says which model each runs
 * and warns when the span starts before a model's test period. */
static int models_of(const struct mt_cli *cli, enum mt_tf tf, int64_t from, const struct mt_fset *fs,
                     const char **ids, int *n, struct mt_engine_agent *agents, struct mt_model *models,
                     bool *modelled, struct mt_err *err)
{
    char dir[1100];
    if (mt_cli_models_dir(cli, dir, sizeof dir))
        return mt_err_set(err, MT_ECONFIG, "config ml.models_dir: path too long");
    *n = 0;
    for (size_t a = 0; a < cli->cfg.n_agents; a++) {
        const struct mt_agent_spec *x = &cli->cfg.agents[a];
        if (x->tf != tf)
            continue;
        int k = (*n)++;
        ids[k] = x->id;
        agents[k] = mt_agent_engine(x);
        int rc = mt_model_open_deployed(dir, x->id, x->strategy, x->tf, x->sides, fs, &models[k], &modelled[k], err);
        if (rc)
            return rc;
        if (!modelled[k]) {
            printf("agent %s: unfiltered (no deployed model)\n", x->id);
            continue;
        }
        agents[k].scorer = mt_model_scorer(&models[k]);
        if (isnan(x->min_score))
            agents[k].limits.min_score = models[k].threshold;
        cJSON *card = NULL;
        const char *test_from = NULL;
        if (mt_model_card(dir, x->id, models[k].id, &card, err) == 0) {
            const cJSON *span = cJSON_GetObjectItemCaseSensitive(card, "span");
            const cJSON *tf_ = span ? cJSON_GetObjectItemCaseSensitive(span, "test_from") : NULL;
            test_from = cJSON_IsString(tf_) ? tf_->valuestring : NULL;
        }
        int64_t test_at = INT64_MAX;
        struct mt_err terr = {0};
        if (test_from && mt_time_parse(test_from, &test_at, &terr))
            test_at = INT64_MAX;
        printf("agent %s: %s %s, min score %.4f%s%s\n", x->id, mt_model_kind_name(models[k].kind), models[k].id,
               agents[k].limits.min_score, from < test_at ? "; in-sample before its test period from " : "",
               from < test_at && test_from ? test_from : "");
        cJSON_Delete(card);
    }
    if (*n == 0)
        return mt_err_set(err, MT_ECONFIG, "--models: the config has no agent of timeframe %s", mt_tf_name(tf));
    return 0;
}

static int run_backtest(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"strategy", required_argument, NULL, 'S'}, {"timeframe", required_argument, NULL, 't'},
        {"symbol", required_argument, NULL, 's'},   {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'T'},       {"balance", required_argument, NULL, 'b'},
        {"risk", required_argument, NULL, 'r'},     {"max-positions", required_argument, NULL, 'm'},
        {"spread", required_argument, NULL, 'p'},   {"trades", required_argument, NULL, 'o'},
        {"equity", required_argument, NULL, 'e'},   {"lower", required_argument, NULL, 'L'},
        {"stack", no_argument, NULL, 'k'},          {"spreads", no_argument, NULL, 'P'},
        {"journal", required_argument, NULL, 'J'},  {"models", no_argument, NULL, 'M'},
        MT_CLI_ENGINE_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct mt_selection sel = {0};
    const char *ids[MT_AGENTS_MAX], *trades_path = NULL, *equity_path = NULL, *journal_path = NULL;
    int n_ids = 0;
    struct mt_portfolio_config cfg = mt_portfolio_config_default();
    const struct mt_trading_settings *ts = &cli->cfg.trading;
    struct mt_trade_rules rules;
    mt_cli_engine_defaults(cli, &cfg.costs, &rules);
    cfg.balance = ts->balance;
    double risk = ts->risk;
    cfg.limits.max_positions = (int)ts->max_positions;
    char config_ids[sizeof cli->cfg.trading.strategies], *strategy_arg = NULL;
    struct mt_err err = {0};
    double max_pos = cfg.limits.max_positions;
    bool lower_set = false, spreads = false, with_models = false;
    enum mt_tf lower_tf = MT_TF_1M_MIN;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && rc == 0) {
        switch (c) {
        case 'S': strategy_arg = optarg; break;
        case 's':
        case 't': rc = mt_cli_select_option(&mt_cmd_backtest, &sel, c, optarg); break;
        case 'f':
        case 'T':
            if (mt_time_parse(optarg, c == 'f' ? &cfg.from : &cfg.to, &err))
                return mt_cli_usage_error(&mt_cmd_backtest, "--%s: %s", c == 'f' ? "from" : "to", err.msg);
            break;
        case 'b':
            rc = mt_cli_number_option(&mt_cmd_backtest, "balance", optarg, 0, true, 1e15, false, &cfg.balance);
            break;
        case 'r': rc = mt_cli_number_option(&mt_cmd_backtest, "risk", optarg, 0, true, 1, false, &risk); break;
        case 'm':
            rc = mt_cli_number_option(&mt_cmd_backtest, "max-positions", optarg, 0, false, 100000, false, &max_pos);
            if (rc == 0 && max_pos != floor(max_pos))
                rc = mt_cli_usage_error(&mt_cmd_backtest, "--max-positions '%s': expected an integer", optarg);
            cfg.limits.max_positions = (int)max_pos;
            break;
        case 'p':
            rc = mt_cli_number_option(&mt_cmd_backtest, "spread", optarg, 0, false, MT_SPREAD_MAX, true,
                                      &cfg.costs.spread);
            break;
        case 'k': cfg.one_per_symbol = false; break;
        case 'P': spreads = true; break;
        case 'L':
            if (mt_tf_parse(optarg, &lower_tf, &err))
                return mt_cli_usage_error(&mt_cmd_backtest, "--lower: %s", err.msg);
            lower_set = true;
            break;
        case 'o': trades_path = optarg; break;
        case 'e': equity_path = optarg; break;
        case 'J': journal_path = optarg; break;
        case 'M': with_models = true; break;
        default:
            if ((rc = mt_cli_engine_option(&mt_cmd_backtest, c, optarg, &cfg.costs, &rules)) < 0)
                return mt_cli_usage_error(&mt_cmd_backtest, "unknown option");
        }
    }
    if (rc)
        return rc;
    if (optind != argc)
        return mt_cli_usage_error(&mt_cmd_backtest, "unexpected argument '%s'", argv[optind]);
    if (with_models && strategy_arg)
        return mt_cli_usage_error(&mt_cmd_backtest, "--models runs the config's agents: no --strategy with it");
    if (!with_models && (rc = mt_cli_strategy_ids(&mt_cmd_backtest, cli, strategy_arg, &config_ids, ids, &n_ids)))
        return rc;
    if ((!with_models && n_ids == 0) || !sel.tf_set || !trades_path || !equity_path)
        return mt_cli_usage_error(&mt_cmd_backtest, "--strategy (or --models), --timeframe, --trades and --equity are required");
    if (cfg.from >= cfg.to)
        return mt_cli_usage_error(&mt_cmd_backtest, "--from must be before --to");
    if ((rc = mt_cli_check_outputs(&mt_cmd_backtest, cli, (const char *const[]){"trades", "equity"},
                                   (const char *const[]){trades_path, equity_path}, 2)))
        return rc;
    if (lower_set && !mt_tf_divides(lower_tf, sel.tf))
        return mt_cli_usage_error(&mt_cmd_backtest, "--lower %s does not divide --timeframe %s", mt_tf_name(lower_tf),
                                  mt_tf_name(sel.tf));

    struct mt_catalog cat = {0};
    if ((rc = mt_cli_select(cli, &sel, &cat)))
        return rc;
    struct mt_series *s = calloc(cat.n ? cat.n : 1, sizeof *s), *lo = calloc(cat.n ? cat.n : 1, sizeof *lo);
    struct mt_portfolio_series *ps = calloc(cat.n ? cat.n : 1, sizeof *ps);
    struct mt_spread_history *sp = calloc(cat.n ? cat.n : 1, sizeof *sp);
    struct mt_portfolio_result res = {0};
    struct mt_engine_agent agents[MT_AGENTS_MAX];
    struct mt_model models[MT_AGENTS_MAX];
    bool modelled[MT_AGENTS_MAX] = {0};
    struct mt_fset fs;
    bool have_fs = false;
    for (int k = 0; k < n_ids; k++) {
        agents[k] = mt_engine_agent_for(ids[k], &rules);
        agents[k].limits.risk = risk;
    }
    if (with_models && (rc = mt_cli_model_fset(cli, &fs, &err)) == 0) {
        have_fs = true;
        rc = models_of(cli, sel.tf, cfg.from, &fs, ids, &n_ids, agents, models, modelled, &err);
        cfg.features = &fs;
    }
    if (rc == 0 && (!s || !lo || !ps || !sp))
        rc = mt_err_set(&err, MT_ENOMEM, "backtest: out of memory");
    struct mt_journal *jn = NULL;
    struct mt_sink journal_sink;
    int64_t run_id = 0;
    if (rc == 0 && (rc = load_all(cli, &cat, sel.tf, lower_set ? &lower_tf : NULL, spreads, s, lo, sp, ps, &err)) == 0 &&
        (!journal_path || (rc = journal_begin(journal_path, ps, cat.n, agents, with_models ? ids : NULL,
                                              (size_t)n_ids, sel.tf, &cfg, &journal_sink, &jn, &run_id, &err)) == 0))
        rc = mt_portfolio_run(ps, cat.n, agents, (size_t)n_ids, sel.tf, &cfg, &res, &err);
    if (rc == 0 && jn && (rc = mt_journal_run_end(jn, run_id, mt_clock_now(mt_clock_wall()), &err)) == 0)
        rc = mt_journal_commit_tick(jn, &err);
    mt_journal_close(jn); /* after a failure: rolled back, the file keeps its earlier runs */
    struct report rp = {&res, ps, ids};
    size_t trade_bytes = 0, equity_bytes = 0;
    if (rc == 0 && (rc = mt_atomic_write(trades_path, write_trades, &rp, &trade_bytes, &err)) == 0)
        rc = mt_atomic_write(equity_path, write_equity, &rp, &equity_bytes, &err);
    if (rc == 0) {
        char a[32], b[32];
        printf("backtest %s: %d agent%s on %zu series, %s to %s\n", mt_tf_name(sel.tf), n_ids, n_ids > 1 ? "s" : "",
               cat.n, mt_time_format(res.equity[0].time, a, sizeof a),
               mt_time_format(res.equity[res.n_equity - 1].time, b, sizeof b));
        print_metrics(&res, ps);
        printf("%zu trades -> %s (%zu bytes); %zu equity points -> %s (%zu bytes)\n", res.n_trades, trades_path,
               trade_bytes, res.n_equity, equity_path, equity_bytes);
        if (journal_path)
            printf("journal: run %lld, %zu trades -> %s\n", (long long)run_id, res.n_trades, journal_path);
    }
    mt_portfolio_result_release(&res);
    for (size_t i = 0; s && lo && sp && i < cat.n; i++) {
        mt_series_release(&s[i]);
        mt_series_release(&lo[i]);
        mt_spread_history_release(&sp[i]);
    }
    free(sp);
    free(s);
    free(lo);
    free(ps);
    mt_catalog_release(&cat);
    for (int k = 0; k < n_ids; k++)
        if (modelled[k])
            mt_model_release(&models[k]);
    if (have_fs)
        mt_fset_release(&fs);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
