/* mtrader report: the HTML report of a journalled run (report/report.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/atomic.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/time.h"
#include "ml/model.h"
#include "report/report.h"
#include "store/store.h"

static int run_report(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_report = {
    "report",
    "a self-contained HTML report of a journalled run: metrics, equity, drawdowns, trades, models",
    "usage: mtrader report [JOURNAL] [--run N] [--baseline N] [--out FILE.html] [--symbol S]...\n"
    "                      [--chart-days N | --chart-from DATE --chart-to DATE] [--bench SYMBOL|none] [--log]\n"
    "\n"
    "Writes one HTML file (inline SVG charts and CSS, no scripts, nothing fetched: readable\n"
    "offline and printable) about a run of the journal JOURNAL (default: config\n"
    "session.journal, else DATA_DIR/journal.db), read-only: the headline metrics (as the\n"
    "backtest computes them), equity against buy-and-hold, drawdowns, monthly returns,\n"
    "trades per agent, symbol and exit reason, the R distribution, rolling Sharpe and\n"
    "volatility, open positions and risk, trades on the price chart, real against sim\n"
    "outcomes, what strategy exits left or saved (tracked trades), and the agents' model\n"
    "quality (their cards in the model registry) with filtered against unfiltered.\n"
    "  --run N           the run (default: the latest)\n"
    "  --baseline N      another run of the journal drawn beside it (e.g. the unfiltered backtest)\n"
    "  --out FILE        the report (default: report-run-N.html), written atomically\n"
    "  --symbol S        a symbol whose trades are drawn on its candles (repeatable; default:\n"
    "                    the two with the most real trades)\n"
    "  --chart-days N    the price charts' window: the N days (default 30) up to the symbol's\n"
    "                    last real trade\n"
    "  --chart-from, --chart-to  the window instead (dates or times, UTC; README: Dates)\n"
    "  --bench SYMBOL    buy-and-hold benchmark from the store (default BTCUSDT; none: no benchmark)\n"
    "  --log             the equity chart on a log scale\n"
    "Model cards come from the registry (config ml.models_dir, else DATA_DIR/models), for the\n"
    "run's named agents (sessions, replays, backtest --models).\n",
    run_report,
};

#define MAX_CHARTS 8

struct opts {
    const char *journal, *out, *bench;
    int64_t run, baseline;
    const char *symbols[MAX_CHARTS];
    size_t n_symbols;
    double chart_days;
    int64_t chart_from, chart_to;
    bool log_y;
};

static int parse(struct mt_cli *cli, int argc, char **argv, struct opts *o, char *journal, size_t size)
{
    enum { O_RUN = 1, O_BASE, O_OUT, O_SYMBOL, O_DAYS, O_CFROM, O_CTO, O_BENCH, O_LOG };
    static const struct option opts[] = {
        {"run", required_argument, NULL, O_RUN},          {"baseline", required_argument, NULL, O_BASE},
        {"out", required_argument, NULL, O_OUT},          {"symbol", required_argument, NULL, O_SYMBOL},
        {"chart-days", required_argument, NULL, O_DAYS},  {"chart-from", required_argument, NULL, O_CFROM},
        {"chart-to", required_argument, NULL, O_CTO},     {"bench", required_argument, NULL, O_BENCH},
        {"log", no_argument, NULL, O_LOG},                {NULL, 0, NULL, 0},
    };
    *o = (struct opts){.run = -1, .baseline = -1, .bench = "BTCUSDT", .chart_days = 30, .chart_from = INT64_MIN,
                       .chart_to = INT64_MIN};
    int c, rc = MT_EXIT_OK;
    double v;
    struct mt_err err = {0};
    while (rc == MT_EXIT_OK && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_RUN:
        case O_BASE:
            rc = mt_cli_number_option(&mt_cmd_report, c == O_RUN ? "run" : "baseline", optarg, 1, false, 1e15,
                                      false, &v);
            if (rc == MT_EXIT_OK && v != floor(v))
                rc = mt_cli_usage_error(&mt_cmd_report, "--%s %s: expected a run id", c == O_RUN ? "run" : "baseline",
                                        optarg);
            *(c == O_RUN ? &o->run : &o->baseline) = (int64_t)v;
            break;
        case O_OUT: o->out = optarg; break;
        case O_SYMBOL:
            if (o->n_symbols == MAX_CHARTS)
                rc = mt_cli_usage_error(&mt_cmd_report, "--symbol: at most %d symbols", MAX_CHARTS);
            else
                o->symbols[o->n_symbols++] = optarg;
            break;
        case O_DAYS: rc = mt_cli_number_option(&mt_cmd_report, "chart-days", optarg, 1, false, 3650, false, &o->chart_days); break;
        case O_CFROM:
        case O_CTO:
            if (mt_time_parse(optarg, c == O_CFROM ? &o->chart_from : &o->chart_to, &err))
                rc = mt_cli_usage_error(&mt_cmd_report, "--%s: %s", c == O_CFROM ? "chart-from" : "chart-to", err.msg);
            break;
        case O_BENCH: o->bench = strcmp(optarg, "none") == 0 ? NULL : optarg; break;
        case O_LOG: o->log_y = true; break;
        default: rc = mt_cli_usage_error(&mt_cmd_report, "unknown option"); break;
        }
    }
    if (rc)
        return rc;
    if (argc - optind > 1)
        return mt_cli_usage_error(&mt_cmd_report, "expected at most one JOURNAL, got %d arguments", argc - optind);
    if ((o->chart_from == INT64_MIN) != (o->chart_to == INT64_MIN))
        return mt_cli_usage_error(&mt_cmd_report, "--chart-from and --chart-to go together");
    if (o->chart_from != INT64_MIN && o->chart_from >= o->chart_to)
        return mt_cli_usage_error(&mt_cmd_report, "--chart-from must be before --chart-to");
    if (optind < argc)
        snprintf(journal, size, "%s", argv[optind]);
    else
        mt_cli_journal_path(cli, journal, size);
    o->journal = journal;
    return MT_EXIT_OK;
}

/* ---- what the report draws besides the run ---- */

/* The benchmark's closes over the run from the store (none when the store lacks it). */
static int load_bench(const struct mt_cli *cli, const struct opts *o, const struct mt_rpt_run *r,
                      struct mt_series *s, struct mt_err *err)
{
    mt_series_init(s, 0);
    if (!o->bench)
        return 0;
    int rc = mt_store_load(cli->cfg.data_dir, o->bench, r->tf, s, err);
    if (rc == MT_ENOENT) {
        mt_log_warn("report: no %s %s candles in %s: no benchmark", o->bench, mt_tf_name(r->tf), cli->cfg.data_dir);
        return 0;
    }
    return rc;
}

/* The symbols charted: the chosen ones, else the two with the most real trades. */
static size_t chart_symbols(const struct opts *o, const struct mt_rpt_run *r, uint32_t *out, struct mt_err *err,
                            int *rc)
{
    size_t k = 0;
    *rc = 0;
    for (size_t i = 0; i < o->n_symbols; i++) {
        size_t s = 0;
        while (s < r->ns && strcmp(r->symbols[s], o->symbols[i]) != 0)
            s++;
        if (s == r->ns) {
            *rc = mt_err_set(err, MT_EINVAL, "--symbol %s: not a series of run %lld", o->symbols[i], (long long)r->id);
            return 0;
        }
        out[k++] = (uint32_t)s;
    }
    if (o->n_symbols)
        return k;
    size_t *count = calloc(r->ns ? r->ns : 1, sizeof *count);
    if (!count) {
        *rc = mt_err_set(err, MT_ENOMEM, "report: out of memory");
        return 0;
    }
    for (size_t i = 0; i < r->nt; i++)
        count[r->trades[i].symbol] += r->trades[i].kind == MT_TRADE_REAL;
    for (int pick = 0; pick < 2; pick++) {
        size_t best = r->ns;
        for (size_t s = 0; s < r->ns; s++)
            if (count[s] && (best == r->ns || count[s] > count[best]))
                best = s;
        if (best == r->ns)
            break;
        out[k++] = (uint32_t)best;
        count[best] = 0;
    }
    free(count);
    return k;
}

/* The window [*from, *to) of symbol s's chart. */
static void chart_window(const struct opts *o, const struct mt_rpt_run *r, uint32_t s, int64_t *from, int64_t *to)
{
    if (o->chart_from != INT64_MIN) {
        *from = o->chart_from;
        *to = o->chart_to;
        return;
    }
    int64_t end = r->marks[r->nm - 1].time, last = INT64_MIN;
    for (size_t i = 0; i < r->nt; i++) {
        const struct mt_rpt_trade *t = &r->trades[i];
        if (t->kind == MT_TRADE_REAL && t->symbol == s) {
            int64_t x = t->state == MT_RPT_OPEN ? end : t->close_time;
            last = x > last ? x : last;
        }
    }
    *to = last == INT64_MIN ? end : last + 2 * mt_tf_ms(r->tf);
    *from = *to - (int64_t)(o->chart_days * (double)MT_MS_DAY);
}

/* The candles of [from, to) as a view into s (nothing owned). */
static struct mt_series window_of(const struct mt_series *s, int64_t from, int64_t to)
{
    size_t a = 0, b;
    while (a < s->n && s->open_time[a] < from)
        a++;
    for (b = a; b < s->n && s->open_time[b] < to; b++)
        ;
    struct mt_series v = *s;
    v.n = b - a;
    v.open_time += a;
    v.open += a;
    v.high += a;
    v.low += a;
    v.close += a;
    return v;
}

/* The card of agent's deployed model, else of its latest model; *deployed says what it runs. */
static int agent_card(const char *models, const char *agent, const char **deployed, cJSON **card, struct mt_err *err)
{
    enum mt_model_kind kind;
    char id[MT_MODEL_ID_MAX];
    bool found;
    *card = NULL;
    int rc = mt_model_deployed(models, agent, &kind, id, &found, err);
    if (rc)
        return rc;
    *deployed = found ? mt_model_kind_name(kind) : "none";
    if (!*id) { /* unfiltered: the latest card says why */
        char dir[MT_MODEL_PATH_MAX], **ids = NULL;
        size_t n = 0;
        if (mt_model_dir(models, agent, NULL, dir, sizeof dir, err) == 0 && mt_cli_subdirs(dir, &ids, &n) == 0 && n)
            snprintf(id, sizeof id, "%s", ids[n - 1]);
        for (size_t i = 0; i < n; i++)
            free(ids[i]);
        free(ids);
    }
    return *id ? mt_model_card(models, agent, id, card, err) : 0;
}

struct write_ctx {
    const struct mt_report_input *in;
};

static int fill(FILE *f, void *ctx, struct mt_err *err)
{
    return mt_report_write(f, ((struct write_ctx *)ctx)->in, err);
}

static int run_report(struct mt_cli *cli, int argc, char **argv)
{
    struct opts o;
    char journal[1100];
    int rc = parse(cli, argc, argv, &o, journal, sizeof journal);
    if (rc)
        return rc;
    struct mt_err err = {0};
    struct mt_rpt_run run, base;
    memset(&base, 0, sizeof base);
    struct mt_series bench, bars[MAX_CHARTS];
    struct mt_report_price prices[MAX_CHARTS];
    struct mt_rpt_fill *fills[MAX_CHARTS] = {0};
    struct mt_report_model models[64];
    cJSON *cards[64] = {0};
    size_t np = 0, nmod = 0;
    mt_series_init(&bench, 0);
    rc = mt_rpt_run_load(o.journal, o.run, &run, &err);
    if (rc == 0 && o.baseline >= 0)
        rc = mt_rpt_run_load(o.journal, o.baseline, &base, &err);
    if (rc == 0 && run.nm < 2)
        rc = mt_err_set(&err, MT_EINVAL, "journal %s: run %lld has %zu equity points: nothing to report yet",
                        o.journal, (long long)run.id, run.nm);
    if (rc == 0)
        rc = load_bench(cli, &o, &run, &bench, &err);
    uint32_t syms[MAX_CHARTS];
    size_t ns = rc == 0 ? chart_symbols(&o, &run, syms, &err, &rc) : 0;
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        int64_t from, to;
        chart_window(&o, &run, syms[i], &from, &to);
        mt_series_init(&bars[np], 0);
        rc = mt_store_load(cli->cfg.data_dir, run.symbols[syms[i]], run.tf, &bars[np], &err);
        if (rc == MT_ENOENT) {
            mt_log_warn("report: no %s %s candles in %s: no price chart", run.symbols[syms[i]], mt_tf_name(run.tf),
                        cli->cfg.data_dir);
            rc = 0;
            continue;
        }
        size_t nf = 0;
        /* fills of the trades that opened in the window or up to 90 days before (still open in it) */
        if (rc == 0)
            rc = mt_rpt_fills(o.journal, run.id, run.symbols[syms[i]], from - 90 * MT_MS_DAY, to, &fills[np], &nf,
                              &err);
        struct mt_series *view = rc == 0 ? malloc(sizeof *view) : NULL;
        if (rc == 0 && !view)
            rc = mt_err_set(&err, MT_ENOMEM, "report: out of memory");
        if (rc) {
            mt_series_release(&bars[np]);
            free(fills[np]);
            fills[np] = NULL;
            break;
        }
        *view = window_of(&bars[np], from, to);
        prices[np] = (struct mt_report_price){syms[i], view, fills[np], nf};
        np++;
    }
    char models_dir[MT_MODEL_PATH_MAX];
    if (rc == 0 && mt_cli_models_dir(cli, models_dir, sizeof models_dir))
        rc = mt_err_set(&err, MT_EINVAL, "the models folder's path is too long");
    for (size_t a = 0; rc == 0 && a < run.na && nmod < 64; a++) {
        if (!run.agents[a].named)
            continue;
        const char *deployed = "none";
        struct mt_err cerr = {0};
        if (agent_card(models_dir, run.agents[a].name, &deployed, &cards[nmod], &cerr)) {
            /* one agent's damaged registry entry does not stop the report: its row says so */
            mt_log_warn("report: agent %s: %s", run.agents[a].name, cerr.msg);
            deployed = "broken (see the log)";
            cards[nmod] = NULL;
        }
        models[nmod] = (struct mt_report_model){(uint32_t)a, run.agents[a].name, deployed, cards[nmod]};
        nmod++;
    }
    char out[1100];
    if (o.out)
        snprintf(out, sizeof out, "%s", o.out);
    else
        snprintf(out, sizeof out, "report-run-%lld.html", (long long)run.id);
    size_t bytes = 0;
    if (rc == 0) {
        struct mt_report_input in = {
            .run = &run,
            .journal = o.journal,
            .baseline = o.baseline >= 0 ? &base : NULL,
            .bench_symbol = bench.n ? o.bench : NULL,
            .bench_time = bench.open_time,
            .bench_close = bench.close,
            .n_bench = bench.n,
            .prices = prices,
            .n_prices = np,
            .models = models,
            .n_models = nmod,
            .log_y = o.log_y,
            .version = MTRADER_VERSION,
            .generated = mt_clock_now(mt_clock_wall()),
        };
        struct write_ctx wc = {&in};
        rc = mt_atomic_write(out, fill, &wc, &bytes, &err);
    }
    if (rc == 0)
        printf("wrote %s: run %lld, %zu trades, %zu equity points, %zu bytes\n", out, (long long)run.id, run.nt,
               run.nm, bytes);
    for (size_t i = 0; i < np; i++) {
        free((void *)prices[i].bars);
        mt_series_release(&bars[i]);
        free(fills[i]);
    }
    for (size_t i = 0; i < nmod; i++)
        cJSON_Delete(cards[i]);
    mt_series_release(&bench);
    mt_rpt_run_release(&run);
    mt_rpt_run_release(&base);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
