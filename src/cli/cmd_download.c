/* mtrader download: keep the store fresh from Binance (incremental klines).
 * The work is sync/ (mt_sync_run); this file parses the options and prints. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/time.h"
#include "exchange/binance.h"
#include "sync/sync.h"

static int run_download(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_download = {
    "download",
    "download new candles from Binance into the store (incremental, rate-limited)",
    "usage: mtrader download [--symbols A,B,...] [--top N] [--timeframes TF,...]\n"
    "                        [--resample-from TF] [--since DATE] [--backfill]\n"
    "                        [--base-url URL] [--concurrency N] [--weight-share X]\n"
    "                        [--timeout SECONDS] [--no-snapshots]\n"
    "\n"
    "Fetches the candles after the last stored one for every symbol and timeframe and\n"
    "merges them into DATA_DIR/ohlcv/{tf}/{SYMBOL}.parquet (atomic writes: a killed run\n"
    "loses nothing and the next run continues where it stopped). The still-open candle is\n"
    "never stored. A symbol not stored yet starts at --since (default: download.history_days\n"
    "of the config, 4 years), or at its listing when that is later. Candles missing inside\n"
    "an outage are recorded as gaps, never invented. Requests stay under --weight-share of\n"
    "Binance's REQUEST_WEIGHT limit, shared with other mtrader processes on this machine.\n"
    "\n"
    "  --symbols A,B,...    these symbols (default: every TRADING symbol quoted in\n"
    "                       download.quote, USDT, except stablecoin/fiat bases)\n"
    "  --top N              only the N symbols with the highest 24h quote volume\n"
    "  --timeframes TF,...  timeframes to keep fresh (default download.timeframes: 1h,1d)\n"
    "  --resample-from TF   download only TF and build the --timeframes from it\n"
    "  --since DATE         first candle for symbols not stored yet (a date as in the README's\n"
    "                       Dates; 2017-01-01 or later, not in the future)\n"
    "  --backfill           also fetch history from --since up to the first stored candle\n"
    "  --base-url URL       exchange REST base URL, http:// or https:// (config exchange.base_url)\n"
    "  --concurrency N      requests at once (config exchange.concurrency, 4)\n"
    "  --weight-share X     share of the weight limit to use, 0.01..1 (default 0.8)\n"
    "  --timeout SECONDS    run deadline, 1..604800: requests still open then are abandoned\n"
    "                       and the run fails (default: none)\n"
    "  --no-snapshots       skip the market snapshot (24h tickers, book spreads, ranks)\n"
    "\n"
    "Each run also appends a market snapshot of the downloaded symbols to\n"
    "DATA_DIR/market/snapshots/{YYYY-MM}.parquet: last price, 24h price change and quote\n"
    "volume, best bid/ask and spread (ask-bid)/mid, and cross-sectional percentile ranks\n"
    "of the 1d/1w/1m rate of change and of the 1d/1w quote volume (closed candles only).\n"
    "\n"
    "Exit code 1 if any symbol failed (the others are stored).\n",
    run_download,
};

/* Longest --timeout: a week. */
#define TIMEOUT_MAX_S 604800

struct download_opts {
    const char *symbols; /* comma list or NULL */
    size_t top;          /* 0 = all */
    const char *timeframes;
    bool resample_set;
    enum mt_tf resample_from;
    bool since_set;
    int64_t since;
    bool backfill;
    bool no_snapshots;
    int64_t timeout_s;   /* run deadline in seconds from the start, 0 = none */
};

/* clock: for --since in the future */
static int parse_options(int argc, char **argv, struct mt_cli *cli, const struct mt_clock *clock,
                         struct download_opts *o)
{
    static const struct option opts[] = {
        {"symbols", required_argument, NULL, 'S'},
        {"top", required_argument, NULL, 'n'},
        {"timeframes", required_argument, NULL, 't'},
        {"resample-from", required_argument, NULL, 'r'},
        {"since", required_argument, NULL, 's'},
        {"backfill", no_argument, NULL, 'b'},
        {"base-url", required_argument, NULL, 'u'},
        {"concurrency", required_argument, NULL, 'c'},
        {"weight-share", required_argument, NULL, 'w'},
        {"no-snapshots", no_argument, NULL, 'N'},
        {"timeout", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    struct mt_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'S': o->symbols = optarg; break;
        case 't': o->timeframes = optarg; break;
        case 'b': o->backfill = true; break;
        case 'N': o->no_snapshots = true; break;
        case 'n': {
            long long v = strtoll(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 100000)
                return mt_cli_usage_error(&mt_cmd_download, "--top '%s': expected 1 to 100000",
                                          optarg);
            o->top = (size_t)v;
            break;
        }
        case 'r':
            if (mt_tf_parse(optarg, &o->resample_from, &err))
                return mt_cli_usage_error(&mt_cmd_download, "%s", err.msg);
            o->resample_set = true;
            break;
        case 's':
            if (mt_time_parse(optarg, &o->since, &err))
                return mt_cli_usage_error(&mt_cmd_download, "%s", err.msg);
            if (o->since < MT_SYNC_EPOCH_MS)
                return mt_cli_usage_error(&mt_cmd_download,
                                          "--since '%s': before 2017-01-01 (Binance has no candles "
                                          "before it opened in July 2017)",
                                          optarg);
            if (o->since > mt_clock_now(clock))
                return mt_cli_usage_error(&mt_cmd_download, "--since '%s' is in the future", optarg);
            o->since_set = true;
            break;
        case 'T': {
            long long v = strtoll(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > TIMEOUT_MAX_S)
                return mt_cli_usage_error(&mt_cmd_download,
                                          "--timeout '%s': expected 1 to %d seconds", optarg,
                                          TIMEOUT_MAX_S);
            o->timeout_s = v;
            break;
        }
        case 'u':
            snprintf(cli->cfg.exchange.base_url, sizeof cli->cfg.exchange.base_url, "%s", optarg);
            break;
        case 'c': {
            long long v = strtoll(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 64)
                return mt_cli_usage_error(&mt_cmd_download, "--concurrency '%s': expected 1 to 64",
                                          optarg);
            cli->cfg.exchange.concurrency = v;
            break;
        }
        case 'w': {
            double v = strtod(optarg, &end);
            if (*end || end == optarg || !(v >= 0.01 && v <= 1))
                return mt_cli_usage_error(&mt_cmd_download,
                                          "--weight-share '%s': expected 0.01 to 1", optarg);
            cli->cfg.exchange.weight_share = v;
            break;
        }
        default: return mt_cli_usage_error(&mt_cmd_download, "unknown option");
        }
    }
    if (optind < argc)
        return mt_cli_usage_error(&mt_cmd_download, "unexpected argument '%s'", argv[optind]);
    if (o->backfill && !o->since_set)
        return mt_cli_usage_error(&mt_cmd_download, "--backfill needs --since");
    return MT_EXIT_OK;
}

/* mt_gov_notice_fn: waits at info level, corrupt state-file values as warnings. */
static void log_notice(void *ctx, enum mt_gov_notice kind, const char *msg)
{
    (void)ctx;
    mt_log(kind == MT_GOV_NOTICE_CORRUPT ? MT_LOG_WARN : MT_LOG_INFO, "download: %s", msg);
}

int mt_cli_sync_config(const struct mt_cli *cli, struct mt_sync_config *sc, char state[MT_GOV_PATH_MAX],
                       const struct mt_clock *clock, struct mt_err *err)
{
    const struct mt_app_config *app = &cli->cfg;
    mt_sync_config_default(sc);
    sc->data_dir = app->data_dir;
    sc->quote = app->download.quote;
    sc->exclude_bases = app->download.exclude_bases;
    sc->history_days = app->download.history_days;
    sc->log_tag = "download";
    int rc = mt_sync_set_timeframes(sc, app->download.timeframes, err);
    struct mt_binance_config *bc = &sc->exchange;
    if (rc == 0 && (rc = mt_http_base_url(app->exchange.base_url, bc->http.base_url, sizeof bc->http.base_url, err)))
        mt_err_prefix(err, "config exchange.base_url");
    if (rc)
        return rc;
    bc->http.max_concurrent = (int)app->exchange.concurrency;
    bc->gov.share = app->exchange.weight_share;
    bc->gov.notice = log_notice;
    if (app->exchange.state_file[0])
        snprintf(state, MT_GOV_PATH_MAX, "%s", app->exchange.state_file);
    else if ((rc = mt_gov_default_path(state, MT_GOV_PATH_MAX, err)))
        return rc == MT_EINVAL ? MT_EIO : rc;
    bc->gov.state_path = state;
    bc->http.clock = clock;
    return 0;
}

/* The progress bar of each timeframe's download. */
struct bar {
    struct mt_progress p;
    bool force;
};

/* mt_sync_progress_fn: one bar per timeframe, "download 1h". */
static void on_progress(void *user, enum mt_tf tf, enum mt_sync_stage stage, size_t done,
                        size_t total)
{
    struct bar *bar = user;
    switch (stage) {
    case MT_SYNC_START: {
        char label[32];
        snprintf(label, sizeof label, "download %s", mt_tf_name(tf));
        mt_progress_start(&bar->p, label, total, bar->force);
        break;
    }
    case MT_SYNC_STEP: mt_progress_update(&bar->p, done); break;
    case MT_SYNC_END: mt_progress_finish(&bar->p); break;
    }
}

/* The failures of a run: one line each on stdout, a failed run on stderr. */
static void print_failures(const struct mt_sync_report *rep)
{
    for (size_t i = 0; i < rep->nfailures; i++) {
        const struct mt_sync_failure *f = &rep->failures[i];
        switch (f->kind) {
        case MT_SYNC_FAIL_DOWNLOAD:
            printf("%-12s %-4s error: %s (%zu candles before the failure were stored)\n",
                   f->symbol, mt_tf_name(f->tf), f->err.msg, f->stored);
            break;
        case MT_SYNC_FAIL_STORE:
        case MT_SYNC_FAIL_RESAMPLE:
            printf("%-12s %-4s error: %s\n", f->symbol, mt_tf_name(f->tf), f->err.msg);
            break;
        case MT_SYNC_FAIL_SNAPSHOT: printf("market snapshot error: %s\n", f->err.msg); break;
        case MT_SYNC_FAIL_RUN: fprintf(stderr, "mtrader: %s\n", f->err.msg); break;
        }
    }
    if (rep->failures_lost)
        fprintf(stderr, "mtrader: download: %zu more failures not shown (out of memory)\n",
                rep->failures_lost);
}

static int run_download(struct mt_cli *cli, int argc, char **argv)
{
    /* The command's one clock: the real one (library code takes it from the exchange config). */
    const struct mt_clock *clock = mt_clock_wall();
    struct download_opts o = {0};
    int rc = parse_options(argc, argv, cli, clock, &o);
    if (rc)
        return rc;
    struct mt_sync_config sc;
    char state[MT_GOV_PATH_MAX];
    struct mt_err err = {0};
    if ((rc = mt_cli_sync_config(cli, &sc, state, clock, &err)))
        return rc == MT_EINVAL ? mt_cli_usage_error(&mt_cmd_download, "%s", err.msg) : mt_cli_fail(&err);
    sc.symbols = o.symbols;
    sc.top = o.top;
    sc.since = o.since_set ? o.since : -1;
    sc.backfill = o.backfill;
    sc.resample = o.resample_set;
    sc.resample_from = o.resample_from;
    sc.snapshots = !o.no_snapshots;
    if ((o.timeframes && mt_sync_set_timeframes(&sc, o.timeframes, &err)) || mt_sync_config_check(&sc, &err))
        return mt_cli_usage_error(&mt_cmd_download, "%s", err.msg);
    struct mt_binance_config *bc = &sc.exchange;
    if (o.timeout_s)
        bc->http.deadline_ms = mt_clock_now(clock) + o.timeout_s * 1000;
    struct bar bar = {.force = cli->force_progress};
    sc.progress = on_progress;
    sc.progress_user = &bar;

    struct mt_sync_report rep;
    if (mt_sync_run(&sc, &rep, &err))
        return mt_cli_fail(&err);
    print_failures(&rep);
    printf("downloaded %zu series of %zu symbols: %zu candles added, %zu replaced, %zu gaps "
           "(%zu missing candles), %zu failed; %zu snapshot rows; %zu kline pages, weight used "
           "%lld, %.1f s; %lld retries, waited %.1f s for rate limits and %.1f s for retry "
           "backoff\n",
           rep.series, rep.symbols, rep.added, rep.replaced, rep.gaps, rep.missing, rep.failed,
           rep.snapshot_rows, rep.pages, (long long)rep.weight, (double)rep.elapsed_ms / 1000.0,
           (long long)rep.retries, (double)rep.waited_rate_ms / 1000.0,
           (double)rep.waited_backoff_ms / 1000.0);
    int status = rep.failed || rep.run_failed ? MT_EXIT_FAILURE : MT_EXIT_OK;
    if (bc->http.deadline_ms && mt_clock_now(clock) >= bc->http.deadline_ms && rep.failed)
        fprintf(stderr,
                "mtrader: download: the run deadline (--timeout %lld s) passed: %zu downloads "
                "failed or did not finish (the error lines above); the candles fetched before it "
                "are stored\n",
                (long long)o.timeout_s, rep.failed);
    mt_sync_report_release(&rep);
    return status;
}
