/* mtrader download: keep the store fresh from Binance (incremental klines). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/time.h"
#include "exchange/binance.h"
#include "store/market.h"
#include "store/ranks.h"
#include "store/resample.h"
#include "store/store.h"
#include "store/validate.h"

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

#define MAX_TIMEFRAMES MT_TF_COUNT
/* Binance opened in July 2017: no --since before 2017-01-01 (earlier dates
 * would send no startTime and fetch only the latest candles). */
#define BINANCE_EPOCH_MS INT64_C(1483228800000)
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

/* 24h tickers, fetched once per run when needed (universe by volume, snapshot). */
struct tickers {
    struct mt_ticker24 *t;
    size_t n;
    bool fetched;
};

static int get_tickers(struct mt_binance *b, struct tickers *tk, struct mt_err *err)
{
    if (tk->fetched)
        return MT_OK;
    int rc = mt_binance_tickers_24h(b, &tk->t, &tk->n, err);
    tk->fetched = rc == MT_OK;
    return rc;
}

struct totals {
    size_t series, added, replaced, gaps, missing, failed, pages;
};

/* A list of symbol names. */
struct symbol_list {
    size_t n;
    char (*names)[MT_SYMBOL_MAX];
};

static void symbol_list_release(struct symbol_list *l)
{
    free(l->names);
    l->names = NULL;
    l->n = 0;
}

/* True if `item` is one of the comma-separated names in list. */
static bool in_comma_list(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

static int parse_timeframes(const char *list, enum mt_tf *tfs, size_t *n, struct mt_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_TIMEFRAMES)
            return mt_err_set(err, MT_EINVAL, "too many timeframes in '%s'", list);
        int rc = mt_tf_parse(tok, &tfs[*n], err);
        if (rc)
            return rc;
        bool seen = false;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = tfs[k] == tfs[*n];
        if (seen)
            mt_log_debug("download: timeframe %s listed twice: fetched once", tok);
        else
            (*n)++;
    }
    if (*n == 0)
        return mt_err_set(err, MT_EINVAL, "no timeframe in '%s'", list);
    return MT_OK;
}

static int compare_volume_desc(const void *a, const void *b)
{
    const struct mt_ticker24 *x = a, *y = b;
    return x->quote_volume < y->quote_volume ? 1 : (x->quote_volume > y->quote_volume ? -1 : 0);
}

static const struct mt_symbol_info *find_symbol(const struct mt_exchange_info *info,
                                                const char *symbol)
{
    for (size_t i = 0; i < info->n; i++)
        if (strcmp(info->symbols[i].symbol, symbol) == 0)
            return &info->symbols[i];
    return NULL;
}

/* The symbols to download: the explicit list (each must exist and trade), or
 * the TRADING symbols in the configured quote minus excluded bases, ranked by
 * 24h quote volume when top > 0. */
static int select_universe(struct mt_cli *cli, struct mt_binance *b,
                           const struct mt_exchange_info *info, const struct download_opts *o,
                           struct tickers *tk, struct symbol_list *out, struct mt_err *err)
{
    out->n = 0;
    out->names = calloc(info->n ? info->n : 1, sizeof *out->names);
    if (!out->names)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu symbols", info->n);
    const struct mt_download_settings *d = &cli->cfg.download;
    if (o->symbols) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", o->symbols);
        char *save = NULL;
        for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            const struct mt_symbol_info *s = find_symbol(info, tok);
            if (!s)
                return mt_err_set(err, MT_EINVAL, "unknown symbol '%s': not in exchangeInfo", tok);
            if (strcmp(s->status, "TRADING") != 0)
                return mt_err_set(err, MT_EINVAL, "symbol %s is not trading (status %s)", tok,
                                  s->status);
            bool seen = false;
            for (size_t k = 0; k < out->n && !seen; k++)
                seen = strcmp(out->names[k], tok) == 0;
            if (seen)
                mt_log_debug("download: symbol %s listed twice: fetched once", tok);
            else if (out->n < info->n)
                snprintf(out->names[out->n++], MT_SYMBOL_MAX, "%s", tok);
        }
        return MT_OK;
    }
    for (size_t i = 0; i < info->n; i++) {
        const struct mt_symbol_info *s = &info->symbols[i];
        if (strcmp(s->status, "TRADING") == 0 && strcmp(s->quote, d->quote) == 0 &&
            !in_comma_list(d->exclude_bases, s->base) && mt_store_symbol_valid(s->symbol))
            snprintf(out->names[out->n++], MT_SYMBOL_MAX, "%s", s->symbol);
    }
    if (o->top == 0 || o->top >= out->n)
        return MT_OK;
    int rc = get_tickers(b, tk, err);
    if (rc)
        return rc;
    struct mt_ticker24 *t = tk->t;
    qsort(t, tk->n, sizeof *t, compare_volume_desc);
    size_t kept = 0;
    for (size_t i = 0; i < tk->n && kept < o->top; i++) {
        for (size_t k = kept; k < out->n; k++) {
            if (strcmp(out->names[k], t[i].symbol) == 0) {
                char tmp[MT_SYMBOL_MAX];
                memcpy(tmp, out->names[kept], MT_SYMBOL_MAX);
                memcpy(out->names[kept], out->names[k], MT_SYMBOL_MAX);
                memcpy(out->names[k], tmp, MT_SYMBOL_MAX);
                kept++;
                break;
            }
        }
    }
    out->n = kept;
    return MT_OK;
}

static void init_job(struct mt_klines_job *job, const char *symbol, enum mt_tf tf, int64_t from,
                     int64_t to)
{
    memset(job, 0, sizeof *job);
    snprintf(job->symbol, sizeof job->symbol, "%s", symbol);
    job->tf = tf;
    job->start_ms = from;
    job->end_ms = to;
    mt_series_init(&job->series, MT_F_ALL);
}

/* Plans the jobs of one symbol into jobs[]: the candles after the last stored
 * one (from `start` when nothing is stored) and, with backfill, the history
 * from `start` up to the first stored candle. Returns the number of jobs. */
static size_t plan_jobs(const struct mt_cli *cli, const char *symbol, enum mt_tf tf, int64_t start,
                        bool backfill, struct mt_klines_job *jobs)
{
    struct mt_series stored;
    mt_series_init(&stored, 0);
    struct mt_err err = {0};
    bool have = mt_store_load(cli->cfg.data_dir, symbol, tf, &stored, &err) == MT_OK && stored.n;
    int64_t from = mt_tf_floor(tf, start);
    size_t n = 0;
    init_job(&jobs[n++], symbol, tf, have ? mt_tf_next(tf, stored.open_time[stored.n - 1]) : from,
             -1);
    if (have && backfill && from < stored.open_time[0])
        init_job(&jobs[n++], symbol, tf, from, stored.open_time[0] - 1);
    mt_series_release(&stored);
    return n;
}

/* Counts the gaps inside the fetched candles (outage hours Binance skipped). */
static void count_gaps(const struct mt_series *s, enum mt_tf tf, struct totals *t)
{
    struct mt_validate_report *rep = malloc(sizeof *rep);
    if (!rep)
        return;
    if (mt_validate_series(s, tf, rep, NULL) == MT_OK) {
        t->gaps += rep->counts[MT_ISSUE_GAP];
        t->missing += rep->missing_candles;
    }
    free(rep);
}

/* Stores one finished job; prints a line for a failure. */
static void store_job(const struct mt_cli *cli, struct mt_klines_job *job, struct totals *t)
{
    t->pages += (size_t)job->pages;
    if (job->series.n) {
        struct mt_merge_report rep;
        struct mt_err err = {0};
        if (mt_store_merge(cli->cfg.data_dir, job->symbol, job->tf, &job->series,
                           MT_MERGE_NEWER_WINS, &rep, &err)) {
            printf("%-12s %-4s error: %s\n", job->symbol, mt_tf_name(job->tf), err.msg);
            t->failed++;
            return;
        }
        t->added += rep.added;
        t->replaced += rep.replaced;
        count_gaps(&job->series, job->tf, t);
    }
    if (job->rc) {
        printf("%-12s %-4s error: %s (%zu candles before the failure were stored)\n", job->symbol,
               mt_tf_name(job->tf), job->err.msg, job->series.n);
        t->failed++;
    }
}

/* What the per-job callback needs: the store, the totals, the progress. */
struct store_ctx {
    const struct mt_cli *cli;
    struct totals *t;
    struct mt_progress *bar;
    size_t ended;
};

/* mt_klines_job_fn: stores the finished job and frees its candles at once, so
 * a run holds only the running jobs' candles. */
static void on_job_end(void *user, struct mt_klines_job *job)
{
    struct store_ctx *sc = user;
    store_job(sc->cli, job, sc->t);
    mt_series_release(&job->series);
    mt_progress_update(sc->bar, ++sc->ended);
}

static int download_timeframe(struct mt_cli *cli, struct mt_binance *b,
                              const struct symbol_list *u, enum mt_tf tf, int64_t start,
                              bool backfill, struct totals *t)
{
    struct mt_klines_job *jobs = calloc(2 * u->n + 1, sizeof *jobs);
    if (!jobs) {
        fprintf(stderr, "mtrader: out of memory\n");
        return MT_EXIT_FAILURE;
    }
    size_t njobs = 0;
    for (size_t i = 0; i < u->n; i++)
        njobs += plan_jobs(cli, u->names[i], tf, start, backfill, &jobs[njobs]);
    struct mt_progress bar;
    char label[32];
    snprintf(label, sizeof label, "download %s", mt_tf_name(tf));
    mt_progress_start(&bar, label, njobs, cli->force_progress);
    struct store_ctx sc = {.cli = cli, .t = t, .bar = &bar};
    int status = MT_EXIT_OK;
    struct mt_err err = {0};
    if (mt_binance_klines_many(b, jobs, njobs, on_job_end, &sc, &err)) {
        fprintf(stderr, "mtrader: %s\n", err.msg);
        status = MT_EXIT_FAILURE;
    }
    mt_progress_finish(&bar);
    t->series += u->n;
    for (size_t i = 0; i < njobs; i++)
        mt_series_release(&jobs[i].series);
    free(jobs);
    return status;
}

static void resample_symbols(const struct mt_cli *cli, const struct symbol_list *u,
                             enum mt_tf from, const enum mt_tf *tfs, size_t ntf, struct totals *t)
{
    struct mt_resample_report *rep = malloc(sizeof *rep);
    if (!rep)
        return;
    for (size_t i = 0; i < u->n; i++) {
        struct mt_series in, out;
        mt_series_init(&in, 0);
        mt_series_init(&out, 0);
        struct mt_err err = {0};
        if (mt_store_load(cli->cfg.data_dir, u->names[i], from, &in, &err) == MT_OK) {
            for (size_t k = 0; k < ntf; k++) {
                struct mt_merge_report merge;
                if (tfs[k] == from)
                    continue;
                if (mt_resample(&in, from, tfs[k], NULL, &out, rep, &err) ||
                    mt_store_merge(cli->cfg.data_dir, u->names[i], tfs[k], &out,
                                   MT_MERGE_KEEP_STORED, &merge, &err)) {
                    printf("%-12s %-4s error: %s\n", u->names[i], mt_tf_name(tfs[k]), err.msg);
                    t->failed++;
                    continue;
                }
                t->added += merge.added;
            }
        }
        mt_series_release(&in);
        mt_series_release(&out);
    }
    free(rep);
}

/* Appends the market snapshot of the universe at `now`: 24h stats, book spread
 * and ranks from the stored candles of rank_tf; *rows_out = rows written. */
static int take_snapshot(const struct mt_cli *cli, struct mt_binance *b, struct tickers *tk,
                         const struct symbol_list *u, enum mt_tf rank_tf, int64_t now,
                         size_t *rows_out, struct mt_err *err)
{
    struct mt_book_ticker *book = NULL;
    size_t nbook = 0;
    int rc = get_tickers(b, tk, err);
    if (!rc)
        rc = mt_binance_book_tickers(b, &book, &nbook, err);
    if (rc)
        return rc;
    struct mt_market_row *rows = calloc(u->n ? u->n : 1, sizeof *rows);
    if (!rows) {
        free(book);
        return mt_err_set(err, MT_ENOMEM, "out of memory for a snapshot of %zu symbols", u->n);
    }
    for (size_t i = 0; i < u->n && !rc; i++) {
        rc = mt_market_row_init(&rows[i], now, u->names[i], err);
        for (size_t k = 0; !rc && k < tk->n; k++) {
            if (strcmp(tk->t[k].symbol, u->names[i]) == 0) {
                rows[i].last_price = tk->t[k].last_price;
                rows[i].price_change_pct_24h = tk->t[k].price_change_percent;
                rows[i].quote_volume_24h = tk->t[k].quote_volume;
                break;
            }
        }
        for (size_t k = 0; !rc && k < nbook; k++) {
            if (strcmp(book[k].symbol, u->names[i]) == 0) {
                rows[i].bid = book[k].bid;
                rows[i].ask = book[k].ask;
                rows[i].spread = mt_market_spread(book[k].bid, book[k].ask);
                break;
            }
        }
    }
    struct mt_market_report rep;
    if (!rc)
        rc = mt_ranks_fill(cli->cfg.data_dir, rank_tf, now, rows, u->n, NULL, err);
    if (!rc)
        rc = mt_market_append(cli->cfg.data_dir, rows, u->n, &rep, err);
    if (!rc)
        *rows_out = rep.added + rep.replaced;
    free(rows);
    free(book);
    return rc;
}

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
            if (o->since < BINANCE_EPOCH_MS)
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

static int run_download(struct mt_cli *cli, int argc, char **argv)
{
    /* The command's one clock: the real one (library code takes it from bc.http.clock). */
    const struct mt_clock *clock = mt_clock_wall();
    struct download_opts o = {0};
    int rc = parse_options(argc, argv, cli, clock, &o);
    if (rc)
        return rc;
    if (!o.timeframes)
        o.timeframes = cli->cfg.download.timeframes;
    struct mt_err err = {0};
    enum mt_tf tfs[MAX_TIMEFRAMES];
    size_t ntf;
    if (parse_timeframes(o.timeframes, tfs, &ntf, &err))
        return mt_cli_usage_error(&mt_cmd_download, "%s", err.msg);
    for (size_t k = 0; o.resample_set && k < ntf; k++)
        if (!mt_tf_divides(o.resample_from, tfs[k]))
            return mt_cli_usage_error(&mt_cmd_download, "cannot build %s from %s",
                                      mt_tf_name(tfs[k]), mt_tf_name(o.resample_from));

    struct mt_binance_config bc;
    mt_binance_config_default(&bc);
    if (mt_http_base_url(cli->cfg.exchange.base_url, bc.http.base_url, sizeof bc.http.base_url, &err))
        return mt_cli_usage_error(&mt_cmd_download, "%s (--base-url or config exchange.base_url)",
                                  err.msg);
    bc.http.max_concurrent = (int)cli->cfg.exchange.concurrency;
    bc.gov.share = cli->cfg.exchange.weight_share;
    bc.gov.notice = log_notice;
    char state[MT_GOV_PATH_MAX];
    if (cli->cfg.exchange.state_file[0]) {
        snprintf(state, sizeof state, "%s", cli->cfg.exchange.state_file);
    } else if (mt_gov_default_path(state, sizeof state, &err)) {
        return mt_cli_fail(&err);
    }
    bc.gov.state_path = state;
    bc.http.clock = clock;
    int64_t t0 = mt_clock_mono(clock);
    if (o.timeout_s)
        bc.http.deadline_ms = mt_clock_now(clock) + o.timeout_s * 1000;
    struct mt_binance b;
    if (mt_binance_init(&b, &bc, &err))
        return mt_cli_fail(&err);
    struct mt_exchange_info info = {0};
    struct symbol_list u = {0};
    struct tickers tk = {0};
    int64_t now;
    int status = MT_EXIT_OK;
    if (mt_binance_exchange_info(&b, &info, &err) || mt_binance_now(&b, &now, &err) ||
        select_universe(cli, &b, &info, &o, &tk, &u, &err)) {
        status = mt_cli_fail(&err);
        goto done;
    }
    mt_log_info("download: %zu symbols from %s (rate-limit state file %s)", u.n, b.http.shown_url,
                state);
    int64_t start = o.since_set ? o.since : now - cli->cfg.download.history_days * MT_MS_DAY;
    if (start < BINANCE_EPOCH_MS)
        start = BINANCE_EPOCH_MS; /* a long download.history_days: all there is */
    struct totals t = {0};
    if (o.resample_set) {
        status = download_timeframe(cli, &b, &u, o.resample_from, start, o.backfill, &t);
        resample_symbols(cli, &u, o.resample_from, tfs, ntf, &t);
    } else {
        for (size_t k = 0; k < ntf && status == MT_EXIT_OK; k++)
            status = download_timeframe(cli, &b, &u, tfs[k], start, o.backfill, &t);
    }
    size_t snapshot_rows = 0;
    if (!o.no_snapshots) {
        /* ranks from the daily candles when they are kept fresh, else the hourly ones */
        enum mt_tf rank_tf = MT_TF_1D;
        bool has_1d = false, has_1h = false;
        for (size_t k = 0; k < ntf; k++) {
            has_1d = has_1d || tfs[k] == MT_TF_1D;
            has_1h = has_1h || tfs[k] == MT_TF_1H;
        }
        if (!has_1d && has_1h)
            rank_tf = MT_TF_1H;
        if (take_snapshot(cli, &b, &tk, &u, rank_tf, now, &snapshot_rows, &err)) {
            printf("market snapshot error: %s\n", err.msg);
            t.failed++;
        }
    }
    printf("downloaded %zu series of %zu symbols: %zu candles added, %zu replaced, %zu gaps "
           "(%zu missing candles), %zu failed; %zu snapshot rows; %zu kline pages, weight used "
           "%lld, %.1f s; %lld retries, waited %.1f s for rate limits and %.1f s for retry "
           "backoff\n",
           t.series, u.n, t.added, t.replaced, t.gaps, t.missing, t.failed, snapshot_rows, t.pages,
           (long long)b.gov.spent, (double)(mt_clock_mono(clock) - t0) / 1000.0, (long long)b.http.retries,
           (double)b.http.waited_rate_ms / 1000.0, (double)b.http.waited_backoff_ms / 1000.0);
    if (t.failed)
        status = MT_EXIT_FAILURE;
    if (bc.http.deadline_ms && mt_clock_now(clock) >= bc.http.deadline_ms && t.failed)
        fprintf(stderr,
                "mtrader: download: the run deadline (--timeout %lld s) passed: %zu downloads "
                "failed or did not finish (the error lines above); the candles fetched before it "
                "are stored\n",
                (long long)o.timeout_s, t.failed);
done:
    free(tk.t);
    symbol_list_release(&u);
    mt_exchange_info_release(&info);
    mt_binance_release(&b);
    return status;
}
