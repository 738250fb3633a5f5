/* mtrader status: a terminal summary of a session from its journal (journal/query.h reads, this prints). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/clock.h"
#include "core/time.h"
#include "core/timeframe.h"
#include "journal/query.h"
#include "ml/model.h"

static int run_status(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_status = {
    "status",
    "a session at a glance from its journal: agents, models, open positions, limits, last tick, attention",
    "usage: mtrader status [--journal FILE] [--run N] [--at TIME] [--check]\n"
    "\n"
    "Summarises one run of a journal, read-only (a running session may write it):\n"
    "the run, its agents with their allocation and deployed model (the models\n"
    "registry: booster, rule, unfiltered, or broken when it does not load), the\n"
    "open positions with their stops and open risk (what the remaining size loses\n"
    "against the entry if the stop fills now, as 'mtrader journal FILE open'), the\n"
    "account's open risk in R against the run's limit, the last tick and each\n"
    "timeframe's last bar, and what needs attention: an agent without a trained\n"
    "or loadable model, a paper or live run whose last tick is older than two\n"
    "bars of its shortest timeframe, an open real trade whose initial stop is not\n"
    "on its losing side, limits exceeded, orders out of step with their trades.\n"
    "\n"
    "  --journal FILE  the journal (default: config session.journal, else DATA_DIR/journal.db)\n"
    "  --run N         the run (default: the latest paper, live or replay run, else the latest)\n"
    "  --at TIME       judge the last tick's age as if the wall clock said TIME (default now)\n"
    "  --check         exit 1 when something needs attention (else 0 unless an error)\n",
    run_status,
};

/* What the command prints from. */
struct status {
    struct mt_jq *q;
    const char *journal;
    struct mt_jq_run run;
    struct mt_jq_limits limits;
    struct mt_jq_agent *agents;
    size_t n_agents;
    struct mt_jq_trade *open;
    size_t n_open;
    double *init_risk; /* per open trade */
    struct mt_jq_clock *clocks;
    size_t n_clocks;
    struct mt_jq_order *orders;
    size_t n_orders;
    struct mt_jq_tick tick;
    bool has_tick;
    size_t n_attention;
    FILE *att; /* the attention lines, printed last */
    char *att_text;
    size_t att_len;
};

static void status_free(struct status *s)
{
    free(s->agents);
    free(s->open);
    free(s->init_risk);
    free(s->clocks);
    free(s->orders);
    if (s->att)
        fclose(s->att);
    free(s->att_text);
    mt_jq_close(s->q);
}

/* Adds one attention line. */
static void attention(struct status *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void attention(struct status *s, const char *fmt, ...)
{
    s->n_attention++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(s->att, "  - ");
    vfprintf(s->att, fmt, ap);
    fprintf(s->att, "\n");
    va_end(ap);
}

/* t as mt_time_format writes it; "-" for an unbounded end (INT64_MIN, INT64_MAX). */
static const char *fmt_time(int64_t t, char *buf, size_t size)
{
    if (t != INT64_MIN && t != INT64_MAX)
        return mt_time_format(t, buf, size);
    snprintf(buf, size, "-");
    return buf;
}

/* "3 d 4 h", "5 h 2 m", "12 m", "40 s" of ms >= 0. */
static const char *fmt_age(int64_t ms, char *buf, size_t size)
{
    int64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(buf, size, "%lld d %lld h", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, size, "%lld h %lld m", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(buf, size, "%lld m", (long long)(s / 60));
    else
        snprintf(buf, size, "%lld s", (long long)s);
    return buf;
}

static bool is_real(const struct mt_jq_trade *t)
{
    return strcmp(t->kind, "real") == 0;
}

static bool is_session(const struct mt_jq_run *r)
{
    return strcmp(r->kind, "paper") == 0 || strcmp(r->kind, "live") == 0;
}

/* The run to show: want (>= 0), else the latest paper, live or replay run, else the latest. */
static int pick_run(struct mt_jq *q, int64_t want, struct mt_jq_run *run, struct mt_err *err)
{
    struct mt_jq_run *v;
    size_t n;
    int rc = mt_jq_runs(q, &v, &n, err);
    if (rc)
        return rc;
    const struct mt_jq_run *pick = NULL;
    for (size_t i = 0; i < n; i++) {
        bool session = is_session(&v[i]) || strcmp(v[i].kind, "replay") == 0;
        if (want >= 0 ? v[i].id == want : session || !pick || strcmp(pick->kind, "backtest") == 0)
            pick = &v[i];
    }
    if (pick)
        *run = *pick;
    else if (want >= 0)
        rc = mt_jq_check_run(q, want, err);
    else
        rc = mt_jq_latest_run(q, &run->id, err);
    free(v);
    return rc;
}

static int load(struct status *s, int64_t want, struct mt_err *err)
{
    if (!(s->att = open_memstream(&s->att_text, &s->att_len)))
        return mt_err_set(err, MT_ENOMEM, "status: out of memory");
    int rc = mt_jq_open(s->journal, &s->q, err);
    if (!rc && mt_jq_schema(s->q) < 2)
        rc = mt_err_set(err, MT_EFORMAT,
                        "journal %s is of schema %d, from before the session (schema 2): it holds no session to "
                        "show (mtrader journal and mtrader report read it)",
                        s->journal, mt_jq_schema(s->q));
    if (!rc)
        rc = pick_run(s->q, want, &s->run, err);
    if (!rc)
        rc = mt_jq_run_limits(s->q, s->run.id, &s->limits, err);
    if (!rc)
        rc = mt_jq_agents(s->q, s->run.id, &s->agents, &s->n_agents, err);
    struct mt_jq_filter f = mt_jq_filter_all(s->run.id);
    f.state = "open";
    if (!rc)
        rc = mt_jq_trades(s->q, &f, &s->open, &s->n_open, err);
    if (!rc && s->n_open && !(s->init_risk = calloc(s->n_open, sizeof *s->init_risk)))
        rc = mt_err_set(err, MT_ENOMEM, "status: out of memory for %zu trades", s->n_open);
    if (!rc)
        rc = mt_jq_initial_risks(s->q, s->run.id, s->open, s->n_open, s->init_risk, err);
    if (!rc)
        rc = mt_jq_clocks(s->q, s->run.id, &s->clocks, &s->n_clocks, err);
    if (!rc)
        rc = mt_jq_orders(s->q, s->run.id, &s->orders, &s->n_orders, err);
    if (!rc)
        rc = mt_jq_last_tick(s->q, s->run.id, &s->tick, &s->has_tick, err);
    return rc;
}

/* The shortest timeframe of the run's agents (else the run's) into *tf; false when none parses. */
static bool shortest_tf(const struct status *s, enum mt_tf *tf)
{
    bool found = false;
    struct mt_err err = {0};
    for (size_t i = 0; i <= s->n_agents; i++) {
        const char *name = i < s->n_agents ? s->agents[i].timeframe : s->run.timeframe;
        enum mt_tf t;
        if ((i == s->n_agents && found) || mt_tf_parse(name, &t, &err))
            continue;
        if (!found || mt_tf_ms(t) < mt_tf_ms(*tf))
            *tf = t;
        found = true;
    }
    return found;
}

static void print_run(const struct status *s)
{
    const struct mt_jq_run *r = &s->run;
    char a[32], b[32], c[32];
    printf("run %lld: %s, started %s, %s\n", (long long)r->id, r->kind, fmt_time(r->started, a, sizeof a),
           r->has_ended ? "ended" : "not ended");
    printf("span: %s .. %s; timeframes:", fmt_time(r->span_from, b, sizeof b), fmt_time(r->span_to, c, sizeof c));
    char seen[512] = "";
    for (size_t i = 0; i < s->n_agents; i++) {
        char word[24];
        snprintf(word, sizeof word, " %s,", s->agents[i].timeframe);
        size_t len = strlen(seen), n = strlen(word);
        if (s->agents[i].timeframe[0] && !strstr(seen, word) && len + n < sizeof seen)
            memcpy(seen + len, word, n + 1);
    }
    if (!seen[0])
        snprintf(seen, sizeof seen, " %s,", r->timeframe);
    seen[strlen(seen) - 1] = '\0';
    printf("%s\n", seen);
    printf("balance: start %.2f", r->balance);
    if (s->n_clocks) { /* the account's realized balance: the start plus every timeframe's share */
        double realized = r->balance;
        for (size_t i = 0; i < s->n_clocks; i++)
            realized += s->clocks[i].balance - r->balance;
        printf(", realized %.2f", realized);
        if (!isnan(r->final_equity))
            printf("; equity now %.2f (unrealized %+.2f)", r->final_equity, r->final_equity - realized);
    } else if (!isnan(r->final_equity)) {
        printf("; equity now %.2f", r->final_equity);
    }
    printf("\n");
}

/* The model state of agent a into buf; true when it needs attention. */
static bool model_state(const struct mt_jq_agent *a, const char *models, const struct mt_fset *fs,
                        const char *fs_error, char *buf, size_t size)
{
    if (!a->name[0]) {
        snprintf(buf, size, "-");
        return false;
    }
    struct mt_err err = {0};
    enum mt_model_kind kind;
    char id[MT_MODEL_ID_MAX];
    bool found;
    if (mt_model_deployed(models, a->name, &kind, id, &found, &err)) {
        snprintf(buf, size, "broken: %s", err.msg);
        return true;
    }
    if (!found) {
        snprintf(buf, size, "unfiltered (no model trained)");
        return true;
    }
    if (kind == MT_MODEL_UNFILTERED) {
        snprintf(buf, size, "unfiltered (deployed)");
        return false;
    }
    if (fs_error) {
        snprintf(buf, size, "broken: %s %s: %s", mt_model_kind_name(kind), id, fs_error);
        return true;
    }
    enum mt_tf tf;
    if (mt_tf_parse(a->timeframe, &tf, &err)) {
        snprintf(buf, size, "broken: %s", err.msg);
        return true;
    }
    struct mt_model m;
    bool loaded;
    if (mt_model_open_deployed(models, a->name, a->strategy, tf, a->sides[0] ? a->sides : "both", fs, &m, &loaded,
                               &err)) {
        snprintf(buf, size, "broken: %s", err.msg);
        return true;
    }
    snprintf(buf, size, "%s %s", loaded ? mt_model_kind_name(m.kind) : "unfiltered", loaded ? m.id : "");
    if (loaded)
        mt_model_release(&m);
    return false;
}

static int print_agents(struct mt_cli *cli, struct status *s)
{
    char models[1100];
    if (mt_cli_models_dir(cli, models, sizeof models)) {
        fprintf(stderr, "mtrader: config ml.models_dir: path too long\n");
        return MT_EXIT_FAILURE;
    }
    bool named = false;
    for (size_t i = 0; i < s->n_agents; i++)
        named |= s->agents[i].name[0] != '\0';
    struct mt_fset fs;
    struct mt_err fs_err = {0};
    bool have_fs = named && mt_cli_model_fset(cli, &fs, &fs_err) == 0;
    printf("\nagents (%zu; models %s):\n", s->n_agents, named ? models : "-");
    printf("  %-3s %-12s %-28s %-4s %-5s %-7s %-7s %-10s %-9s %s\n", "idx", "name", "strategy", "tf", "sides", "risk",
           "max_pos", "max_open_r", "min_score", "model");
    bool *flag = calloc(s->n_agents ? s->n_agents : 1, sizeof *flag);
    char (*state)[600] = calloc(s->n_agents ? s->n_agents : 1, sizeof *state);
    if (!flag || !state) {
        free(flag);
        free(state);
        if (have_fs)
            mt_fset_release(&fs);
        fprintf(stderr, "mtrader: status: out of memory for %zu agents\n", s->n_agents);
        return MT_EXIT_FAILURE;
    }
    for (size_t i = 0; i < s->n_agents; i++) {
        const struct mt_jq_agent *a = &s->agents[i];
        flag[i] = model_state(a, models, have_fs ? &fs : NULL, have_fs ? NULL : fs_err.msg, state[i], sizeof state[i]);
        printf("  %-3lld %-12s %-28s %-4s %-5s %-7.4f %-7lld %-10.2f %-9.2f %s\n", (long long)a->idx,
               a->name[0] ? a->name : "-", a->strategy, a->timeframe[0] ? a->timeframe : s->run.timeframe,
               a->sides[0] ? a->sides : "-", a->risk, (long long)a->max_positions, a->max_open_r, a->min_score,
               state[i]);
    }
    for (size_t i = 0; i < s->n_agents; i++)
        if (flag[i])
            attention(s, "agent %s runs without a valid model: %s", s->agents[i].name, state[i]);
    free(flag);
    free(state);
    if (have_fs)
        mt_fset_release(&fs);
    return MT_EXIT_OK;
}

/* The open positions; the attention items of the trades and the account limits after them. */
static void print_positions(struct status *s)
{
    printf("\nopen positions (%zu):\n", s->n_open);
    if (s->n_open)
        printf("  %-5s %-10s %-5s %-7s %-5s %-12s %-12s %-12s %-10s %s\n", "id", "symbol", "agent", "kind", "side",
               "entry", "stop", "size", "open_risk", "open_r");
    double total = 0, total_r = 0;
    int64_t real = 0;
    for (size_t i = 0; i < s->n_open; i++) {
        const struct mt_jq_trade *t = &s->open[i];
        double r = s->init_risk[i] > 0 ? t->open_risk / s->init_risk[i] : NAN; /* a bad initial stop: flagged below */
        printf("  %-5lld %-10s %-5lld %-7s %-5s %-12.6g %-12.6g %-12.6g %-10.2f %.2f\n", (long long)t->id, t->symbol,
               (long long)t->agent, t->kind, t->side, t->entry, t->stop, t->size, t->open_risk, r);
        if (!is_real(t)) /* sims and tracked trades put no money at risk */
            continue;
        real++;
        total += t->open_risk;
        total_r += r > 0 ? r : 0; /* false for NaN */
    }
    printf("real: %lld of max_positions %lld; open risk %.2f quote, %.2f R of max_open_r %.2f\n", (long long)real,
           (long long)s->limits.max_positions, total, total_r, s->limits.max_open_r);
    printf("(open_r: the open risk over the trade's initial risk; the engine's limit counts from the last close)\n");
    for (size_t i = 0; i < s->n_open; i++) {
        const struct mt_jq_trade *t = &s->open[i];
        if (is_real(t) && !(s->init_risk[i] > 0))
            attention(s, "trade %lld (%s %s): its initial stop is not on the losing side of the entry %.6g", (long long)t->id,
                      t->symbol, t->side, t->entry);
        if (is_real(t) && !(t->stop > 0 && isfinite(t->stop)))
            attention(s, "trade %lld (%s %s): its stop %.6g is not a price", (long long)t->id, t->symbol, t->side,
                      t->stop);
    }
    if (real > s->limits.max_positions)
        attention(s, "%lld open real positions: more than max_positions %lld", (long long)real,
                  (long long)s->limits.max_positions);
    if (total_r > s->limits.max_open_r)
        attention(s, "open risk %.2f R (the stops against the entries): more than max_open_r %.2f", total_r,
                  s->limits.max_open_r);
}

static void print_tick(struct status *s, int64_t now)
{
    char a[32], b[32], c[32];
    printf("\n");
    if (s->has_tick)
        printf("last tick: %s (wall clock %s, %s ago): %lld bars, %lld decisions, %lld opened, %lld closed\n",
               fmt_time(s->tick.time, a, sizeof a), fmt_time(s->tick.wall, b, sizeof b),
               fmt_age(now > s->tick.wall ? now - s->tick.wall : 0, c, sizeof c), (long long)s->tick.bars,
               (long long)s->tick.decisions, (long long)s->tick.opened, (long long)s->tick.closed);
    else
        printf("last tick: none\n");
    for (size_t i = 0; i < s->n_clocks; i++)
        printf("clock %s: last bar %s\n", s->clocks[i].timeframe,
               s->clocks[i].has_last_bar ? fmt_time(s->clocks[i].last_bar, a, sizeof a) : "none");
    enum mt_tf tf;
    if (!is_session(&s->run) || s->run.has_ended || !shortest_tf(s, &tf))
        return;
    if (!s->has_tick)
        attention(s, "the %s run has no tick: the session never ran", s->run.kind);
    else if (now - s->tick.wall > 2 * mt_tf_ms(tf))
        attention(s, "the last tick is %s old by the wall clock, more than 2 %s bars: the session is behind or not "
                  "running", fmt_age(now - s->tick.wall, c, sizeof c), mt_tf_name(tf));
}

/* Orders out of step with their trades. */
static void check_orders(struct status *s)
{
    for (size_t i = 0; i < s->n_orders; i++) {
        const struct mt_jq_order *o = &s->orders[i];
        bool working = strcmp(o->status, "NEW") == 0 || strcmp(o->status, "PARTIALLY_FILLED") == 0;
        bool open = false;
        for (size_t k = 0; k < s->n_open; k++)
            open |= s->open[k].id == o->trade;
        if (working && !open)
            attention(s, "order %s (%s %s) of trade %lld is still %s but the trade is not open", o->client_order_id,
                      o->side, o->type, (long long)o->trade, o->status);
    }
    if (strcmp(s->run.kind, "live") != 0)
        return;
    for (size_t k = 0; k < s->n_open; k++) {
        const struct mt_jq_trade *t = &s->open[k];
        bool filled = false;
        for (size_t i = 0; i < s->n_orders; i++)
            filled |= s->orders[i].trade == t->id && strcmp(s->orders[i].status, "FILLED") == 0;
        if (is_real(t) && !filled)
            attention(s, "open real trade %lld (%s %s) has no FILLED order", (long long)t->id, t->symbol, t->side);
    }
}

static int run_status(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"journal", required_argument, NULL, 'J'},
        {"run", required_argument, NULL, 'r'},
        {"at", required_argument, NULL, 'a'},
        {"check", no_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    char journal[1100];
    mt_cli_journal_path(cli, journal, sizeof journal);
    int64_t want = -1, now = mt_clock_now(mt_clock_wall());
    bool check = false;
    struct mt_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'J': snprintf(journal, sizeof journal, "%s", optarg); break;
        case 'r': {
            char *end;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || errno)
                return mt_cli_usage_error(&mt_cmd_status, "--run '%s': expected a run id", optarg);
            want = v;
            break;
        }
        case 'a':
            if (mt_time_parse(optarg, &now, &err))
                return mt_cli_usage_error(&mt_cmd_status, "--at: %s", err.msg);
            break;
        case 'C': check = true; break;
        default: return mt_cli_usage_error(&mt_cmd_status, "unknown option");
        }
    }
    if (optind != argc)
        return mt_cli_usage_error(&mt_cmd_status, "unexpected argument '%s'", argv[optind]);
    struct status s = {.journal = journal};
    int rc = load(&s, want, &err);
    if (rc) {
        status_free(&s);
        return mt_cli_fail(&err);
    }
    printf("journal %s\n", journal);
    print_run(&s);
    rc = print_agents(cli, &s);
    if (rc == MT_EXIT_OK) {
        print_positions(&s);
        print_tick(&s, now);
        check_orders(&s);
        fflush(s.att);
        if (s.n_attention == 0)
            printf("\nnothing needs attention\n");
        else
            printf("\nattention (%zu):\n%s", s.n_attention, s.att_text);
        rc = check && s.n_attention ? MT_EXIT_FAILURE : MT_EXIT_OK;
    }
    status_free(&s);
    return rc;
}
