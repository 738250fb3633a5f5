/* mtrader train and mtrader models: the primary model of each configured
 * agent (ml/train.h) and the registry (ml/model.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/atomic.h"
#include "core/clock.h"
#include "core/progress.h"
#include "core/time.h"
#include "journal/journal.h"
#include "ml/model.h"
#include "ml/train.h"
#include "ml/trainset.h"
#include "store/catalog.h"
#include "store/store.h"

static int run_train(struct mt_cli *cli, int argc, char **argv);
static int run_models(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_train = {
    "train",
    "train, evaluate, gate and register each agent's model",
    "usage: mtrader train [--agent ID[,ID...]] [--from DATE] [--to DATE] [--trials N] [--journal FILE]\n"
    "                     [--export DIR]\n"
    "\n"
    "For each configured agent (the config's \"agents\"), builds its training set (its\n"
    "strategy's setups on its pairs as it would have chosen them at each time, plus\n"
    "its finished trades in the journal), then, with time-ordered purged splits:\n"
    "selects features, tunes XGBoost (random forest or gradient boosting) with TPE,\n"
    "calibrates, picks the threshold, and scores the untouched test period once. The\n"
    "gate promotes the model only when its accepted setups beat the unfiltered\n"
    "strategy, the best single-feature rule and models refit on shuffled labels;\n"
    "otherwise the agent runs the rule, keeps its previous model, or runs\n"
    "unfiltered. Models and their cards go to the registry (config ml.models_dir,\n"
    "default DATA_DIR/models). Prints one table row per agent and the decisions.\n"
    "\n"
    "  --agent IDS     only these agents (comma-separated)\n"
    "  --from, --to    setups with signal bars in [FROM, TO) (default: all data)\n"
    "  --trials N      TPE trials per agent (default: config ml.trials, 50)\n"
    "  --journal FILE  the journal whose trades join the training sets (default: the\n"
    "                  session's journal when it exists; --journal none: no journal)\n"
    "  --export DIR    also write each agent's training set: DIR/AGENT.npy (the feature matrix,\n"
    "                  float32 rows x columns, NumPy format), DIR/AGENT.csv (per row: t0, t1 in ms\n"
    "                  UTC, symbol, source, side, r) and DIR/AGENT.columns (one name per line)\n"
    MT_CLI_ENGINE_USAGE,
    run_train,
};

const struct mt_command mt_cmd_models = {
    "models",
    "list the registry's models, or show one model card",
    "usage: mtrader models [AGENT [ID]]\n"
    "\n"
    "Without arguments: every agent's models (id, kind, test AUC, mean R accepted vs\n"
    "all on the test period, the gate's decision), the deployed one marked with '*'.\n"
    "With AGENT: its models only. With AGENT ID: that model's card (JSON).\n",
    run_models,
};

/* The loader of the training set: the store's candles of the candidates. */
struct store_ctx {
    const char *data_dir;
    const char *const *symbols;
    enum mt_tf tf;
};

static int store_load(void *ctx, size_t i, struct mt_series *out, struct mt_err *err)
{
    const struct store_ctx *c = ctx;
    struct mt_err lerr = {0};
    int rc = mt_store_load(c->data_dir, c->symbols[i], c->tf, out, &lerr);
    if (rc && rc != MT_ENOENT)
        *err = lerr;
    return rc;
}

/* The progress bar of one agent's training. */
static void on_progress(void *ctx, size_t done, size_t total)
{
    struct mt_progress *p = ctx;
    if (p->total != total)
        p->total = total;
    mt_progress_update(p, done);
}

/* The candidates of agent x: its listed pairs, or every stored series of its timeframe. */
static int candidates(const struct mt_cli *cli, const struct mt_agent_spec *x, char *buf, size_t size,
                      const char **symbols, size_t *n, struct mt_catalog *cat, struct mt_err *err)
{
    *n = 0;
    if (x->pairs.symbols[0]) {
        snprintf(buf, size, "%s", x->pairs.symbols);
        int k = mt_cli_split_list(buf, symbols, MT_AGENT_SYMBOLS_MAX / 2);
        *n = k < 0 ? 0 : (size_t)k;
        return 0;
    }
    int rc = mt_catalog_list(cli->cfg.data_dir, NULL, &x->tf, cat, err);
    for (size_t i = 0; rc == 0 && i < cat->n && *n < MT_AGENT_SYMBOLS_MAX / 2; i++)
        symbols[(*n)++] = cat->entries[i].symbol;
    return rc;
}

int mt_cli_models_dir(const struct mt_cli *cli, char *buf, size_t size)
{
    if (cli->cfg.ml.models_dir[0])
        return snprintf(buf, size, "%s", cli->cfg.ml.models_dir) < (int)size ? 0 : -1;
    return snprintf(buf, size, "%s/models", cli->cfg.data_dir) < (int)size ? 0 : -1;
}

int mt_cli_model_fset(const struct mt_cli *cli, struct mt_fset *fs, struct mt_err *err)
{
    return cli->cfg.ml.features[0] ? mt_fset_load(cli->cfg.ml.features, fs, err) : mt_fset_default(fs, err);
}

/* "0.123" or "-" for NaN. */
static const char *num(double v, int decimals, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%+.*f", decimals, v);
    return buf;
}

static void print_header(void)
{
    printf("%-16s %7s %6s %6s %7s %6s %6s %9s %9s %9s %s\n", "agent", "rows", "base", "auc", "logloss", "brier",
           "prec", "n_accept", "r_accept", "r_all", "deployed");
}

static void print_result(const char *agent, const struct mt_train_result *r)
{
    const struct mt_train_metrics *t = &r->test;
    char a[16], b[16];
    printf("%-16s %7zu %6.3f %6.3f %7.4f %6.4f %6.3f %9zu %9s %9s %s%s%s\n", agent, r->rows, t->base_rate, t->auc,
           t->logloss, t->brier, t->precision, t->accepted, num(t->mean_r_accepted, 3, a, sizeof a),
           num(t->mean_r_all, 3, b, sizeof b), mt_model_kind_name(r->deployed), r->deployed_id[0] ? " " : "",
           r->deployed_id);
}

/* Writers of the exported training set (--export). */
static int fill_npy(FILE *f, void *ctx, struct mt_err *err)
{
    const struct mt_trainset *t = ctx;
    char header[128];
    const uint16_t one = 1;
    bool little = *(const uint8_t *)&one == 1; /* the floats are written as the host holds them */
    int n = snprintf(header, sizeof header, "{'descr': '%cf4', 'fortran_order': False, 'shape': (%zu, %zu), }",
                     little ? '<' : '>', t->rows, t->cols);
    int pad = 64 - (10 + n + 1) % 64; /* the header is padded to a multiple of 64 with spaces and a newline */
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    uint16_t len = (uint16_t)(n + pad % 64 + 1);
    fputc(len & 0xff, f);
    fputc(len >> 8, f);
    fputs(header, f);
    for (int k = 0; k < pad % 64; k++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(t->x, sizeof *t->x, t->rows * t->cols, f);
    return ferror(f) ? mt_err_set(err, MT_EIO, "export: write failed") : 0;
}

static int fill_meta(FILE *f, void *ctx, struct mt_err *err)
{
    const struct mt_trainset *t = ctx;
    fputs("t0,t1,symbol,source,side,r\n", f);
    for (size_t i = 0; i < t->rows; i++)
        fprintf(f, "%lld,%lld,%s,%s,%d,%.17g\n", (long long)t->t0[i], (long long)t->t1[i], t->symbols[t->symbol[i]],
                mt_row_source_name((enum mt_row_source)t->source[i]), t->side[i], t->r[i]);
    return ferror(f) ? mt_err_set(err, MT_EIO, "export: write failed") : 0;
}

static int fill_columns(FILE *f, void *ctx, struct mt_err *err)
{
    const struct mt_trainset *t = ctx;
    for (size_t c = 0; c < t->cols; c++)
        fprintf(f, "%s\n", t->names[c]);
    return ferror(f) ? mt_err_set(err, MT_EIO, "export: write failed") : 0;
}

static int export_set(const char *dir, const char *agent, const struct mt_trainset *t, struct mt_err *err)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s.npy", dir, agent);
    int rc = mt_atomic_write(path, fill_npy, (void *)t, NULL, err);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, agent);
        rc = mt_atomic_write(path, fill_meta, (void *)t, NULL, err);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/%s.columns", dir, agent);
        rc = mt_atomic_write(path, fill_columns, (void *)t, NULL, err);
    }
    return rc;
}

static int run_train(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"agent", required_argument, NULL, 'a'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'T'},    {"trials", required_argument, NULL, 'n'},
        {"journal", required_argument, NULL, 'J'}, {"export", required_argument, NULL, 'E'},
        MT_CLI_ENGINE_OPTIONS,                     {NULL, 0, NULL, 0},
    };
    struct mt_train_opts to = cli->cfg.ml.train;
    int64_t from = INT64_MIN, until = INT64_MAX;
    char agents_buf[2048] = "", journal[1100] = "";
    const char *export_dir = NULL;
    const char *only[MT_AGENTS_MAX];
    int n_only = 0;
    bool journal_set = false;
    struct mt_costs costs;
    struct mt_trade_rules rules_unused;
    mt_cli_engine_defaults(cli, &costs, &rules_unused);
    struct mt_err err = {0};
    int c, rc = 0;
    double trials = (double)to.trials;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && rc == 0) {
        switch (c) {
        case 'a':
            snprintf(agents_buf, sizeof agents_buf, "%s", optarg);
            if ((n_only = mt_cli_split_list(agents_buf, only, MT_AGENTS_MAX)) <= 0)
                return mt_cli_usage_error(&mt_cmd_train, "--agent '%s': expected agent ids", optarg);
            break;
        case 'f':
        case 'T':
            if (mt_time_parse(optarg, c == 'f' ? &from : &until, &err))
                return mt_cli_usage_error(&mt_cmd_train, "--%s: %s", c == 'f' ? "from" : "to", err.msg);
            break;
        case 'n':
            rc = mt_cli_number_option(&mt_cmd_train, "trials", optarg, 1, false, MT_TRAIN_TRIALS_MAX, false, &trials);
            if (rc == 0 && trials != floor(trials))
                rc = mt_cli_usage_error(&mt_cmd_train, "--trials '%s': expected an integer", optarg);
            to.trials = (int64_t)trials;
            break;
        case 'J':
            snprintf(journal, sizeof journal, "%s", optarg);
            journal_set = true;
            break;
        case 'E': export_dir = optarg; break;
        default:
            if ((rc = mt_cli_engine_option(&mt_cmd_train, c, optarg, &costs, &rules_unused)) < 0)
                return mt_cli_usage_error(&mt_cmd_train, "unknown option");
        }
    }
    if (rc)
        return rc;
    if (optind != argc)
        return mt_cli_usage_error(&mt_cmd_train, "unexpected argument '%s'", argv[optind]);
    if (cli->cfg.n_agents == 0)
        return mt_cli_usage_error(&mt_cmd_train, "the config has no agents (an \"agents\" array; see README)");
    for (int k = 0; k < n_only; k++) {
        bool known = false;
        for (size_t a = 0; a < cli->cfg.n_agents; a++)
            known |= strcmp(cli->cfg.agents[a].id, only[k]) == 0;
        if (!known)
            return mt_cli_usage_error(&mt_cmd_train, "--agent: no agent '%s' in the config", only[k]);
    }
    if (from >= until)
        return mt_cli_usage_error(&mt_cmd_train, "--from must be before --to");
    if (!journal_set) {
        mt_cli_journal_path(cli, journal, sizeof journal);
        struct stat st;
        if (stat(journal, &st) != 0)
            journal[0] = 0; /* no session journal yet: the store alone */
    } else if (strcmp(journal, "none") == 0)
        journal[0] = 0;
    char models[1100];
    if (mt_cli_models_dir(cli, models, sizeof models))
        return mt_cli_usage_error(&mt_cmd_train, "config ml.models_dir: path too long");

    struct mt_fset fs;
    if ((rc = mt_cli_model_fset(cli, &fs, &err)))
        return mt_cli_fail(&err);
    struct mt_journal *jn = NULL;
    if (journal[0] && (rc = mt_journal_open(journal, &jn, &err))) {
        mt_fset_release(&fs);
        return mt_cli_fail(&err);
    }
    char id[MT_MODEL_ID_MAX];
    mt_model_id(mt_clock_now(mt_clock_wall()), id);
    printf("training %s%s%s (models %s)\n", id, jn ? ", with the journal " : "", jn ? journal : "", models);
    struct mt_train_result *res = calloc(cli->cfg.n_agents, sizeof *res);
    bool *done = calloc(cli->cfg.n_agents, sizeof *done);
    if (!res || !done)
        rc = mt_err_set(&err, MT_ENOMEM, "train: out of memory");
    int failed = 0;
    for (size_t a = 0; rc == 0 && a < cli->cfg.n_agents; a++) {
        const struct mt_agent_spec *x = &cli->cfg.agents[a];
        bool wanted = n_only == 0;
        for (int k = 0; k < n_only; k++)
            wanted |= strcmp(only[k], x->id) == 0;
        if (!wanted)
            continue;
        static char buf[MT_AGENT_SYMBOLS_MAX];
        static const char *symbols[MT_AGENT_SYMBOLS_MAX / 2];
        size_t ns = 0;
        struct mt_catalog cat = {0};
        struct mt_err aerr = {0};
        int arc = candidates(cli, x, buf, sizeof buf, symbols, &ns, &cat, &aerr);
        struct store_ctx sc = {cli->cfg.data_dir, symbols, x->tf};
        struct mt_engine_agent ea = mt_agent_engine(x);
        struct mt_trainset_spec spec = {.strategy_id = x->strategy, .tf = x->tf, .sides = x->side_mask,
                                        .symbols = symbols, .n_symbols = ns, .load = store_load, .load_ctx = &sc,
                                        .ranked = !x->pairs.symbols[0], .rank = mt_agent_rank_rule(x),
                                        .rules = ea.rules, .costs = costs, .fset = &fs, .from = from, .to = until,
                                        .journal = jn, .agent = x->id};
        struct mt_trainset ts = {0};
        fprintf(stderr, "%s: building the training set of %zu pairs\n", x->id, ns);
        if (arc == 0)
            arc = mt_trainset_build(&spec, &ts, &aerr);
        mt_catalog_release(&cat);
        if (arc == 0)
            fprintf(stderr,
                    "%s: %zu rows x %zu columns from %zu pairs (journal: %zu real, %zu sim; not fitted: %zu censored, "
                    "%zu tracked; %zu on pairs not selected then)\n",
                    x->id, ts.rows, ts.cols, ts.pairs_used, ts.by_source[MT_ROW_REAL], ts.by_source[MT_ROW_SIM],
                    ts.censored, ts.tracked, ts.unselected);
        if (arc == 0 && export_dir)
            arc = export_set(export_dir, x->id, &ts, &aerr);
        struct mt_train_agent ta = {x->id, x->strategy, x->timeframe, x->sides, MTRADER_VERSION};
        struct mt_progress bar;
        char label[64];
        snprintf(label, sizeof label, "train %s", x->id);
        mt_progress_start(&bar, label, 1, cli->force_progress);
        struct mt_train_opts ao = to;
        if (!isnan(x->win_r))
            ao.win_r = x->win_r;
        if (arc == 0)
            arc = mt_train(&ts, &fs, x->tf, &ta, &ao, models, id, on_progress, &bar, &res[a], &aerr);
        mt_progress_finish(&bar);
        mt_trainset_release(&ts);
        if (arc) {
            fprintf(stderr, "mtrader: agent %s: %s\n", x->id, aerr.msg);
            failed++;
            continue;
        }
        done[a] = true;
    }
    if (rc == 0) {
        print_header();
        for (size_t a = 0; a < cli->cfg.n_agents; a++)
            if (done[a])
                print_result(cli->cfg.agents[a].id, &res[a]);
        printf("test period: rows, base rate, AUC, log loss, Brier, precision at the threshold, setups accepted and "
               "their mean net R against all setups' (R)\n");
        for (size_t a = 0; a < cli->cfg.n_agents; a++)
            if (done[a])
                printf("%s %s\n", cli->cfg.agents[a].id, res[a].why);
    }
    free(res);
    free(done);
    mt_journal_close(jn);
    mt_fset_release(&fs);
    if (rc)
        return mt_cli_fail(&err);
    return failed ? MT_EXIT_FAILURE : MT_EXIT_OK;
}

/* ---- mtrader models ---- */

static double card_number(const cJSON *card, const char *obj, const char *key)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(card, obj);
    const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Lists agent's models; false after printing an error. */
static bool list_agent(const char *dir, const char *agent)
{
    char d[MT_MODEL_PATH_MAX], deployed[MT_MODEL_ID_MAX];
    enum mt_model_kind kind;
    bool found;
    struct mt_err err = {0};
    if (mt_model_dir(dir, agent, NULL, d, sizeof d, &err) || mt_model_deployed(dir, agent, &kind, deployed, &found, &err)) {
        fprintf(stderr, "mtrader: %s\n", err.msg);
        return false;
    }
    printf("%s: runs %s%s%s\n", agent, found ? mt_model_kind_name(kind) : "unfiltered (never trained)",
           deployed[0] ? " " : "", deployed);
    char **ids;
    size_t n;
    bool ok = true;
    mt_cli_subdirs(d, &ids, &n);
    for (size_t i = 0; i < n; i++) {
        cJSON *card = NULL;
        if (mt_model_card(dir, agent, ids[i], &card, &err) == 0) {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(card, "gate");
            const cJSON *dec = g ? cJSON_GetObjectItemCaseSensitive(g, "decision") : NULL;
            char a[16], b[16], u[16];
            printf("  %c %s  test auc %s  r accepted %s vs all %s  %s\n", strcmp(ids[i], deployed) == 0 ? '*' : ' ',
                   ids[i], num(card_number(card, "test", "auc"), 3, u, sizeof u),
                   num(card_number(card, "test", "mean_r_accepted"), 3, a, sizeof a),
                   num(card_number(card, "test", "mean_r_all"), 3, b, sizeof b),
                   cJSON_IsString(dec) ? dec->valuestring : "?");
            cJSON_Delete(card);
        } else {
            printf("    %s  (%s)\n", ids[i], err.msg);
            ok = false;
        }
        free(ids[i]);
    }
    free(ids);
    return ok;
}

static int run_models(struct mt_cli *cli, int argc, char **argv)
{
    if (argc > 3)
        return mt_cli_usage_error(&mt_cmd_models, "expected at most AGENT and ID");
    char dir[1100];
    if (mt_cli_models_dir(cli, dir, sizeof dir))
        return mt_cli_usage_error(&mt_cmd_models, "config ml.models_dir: path too long");
    struct mt_err err = {0};
    if (argc == 3) {
        cJSON *card = NULL;
        if (mt_model_card(dir, argv[1], argv[2], &card, &err))
            return mt_cli_fail(&err);
        char *text = cJSON_Print(card);
        cJSON_Delete(card);
        if (!text)
            return mt_cli_fail(&(struct mt_err){MT_ENOMEM, "models: out of memory"});
        puts(text);
        cJSON_free(text);
        return MT_EXIT_OK;
    }
    if (argc == 2)
        return list_agent(dir, argv[1]) ? MT_EXIT_OK : MT_EXIT_FAILURE;
    char **agents;
    size_t n;
    if (mt_cli_subdirs(dir, &agents, &n)) {
        printf("no models in %s (mtrader train makes them)\n", dir);
        return MT_EXIT_OK;
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        ok &= list_agent(dir, agents[i]);
        free(agents[i]);
    }
    free(agents);
    return ok ? MT_EXIT_OK : MT_EXIT_FAILURE;
}
