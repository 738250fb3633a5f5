/* mtrader scan, run and replay: the session of the config's agents (live/session.h). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/time.h"
#include "live/session.h"

static int run_scan(struct mt_cli *cli, int argc, char **argv);
static int run_run(struct mt_cli *cli, int argc, char **argv);
static int run_replay(struct mt_cli *cli, int argc, char **argv);

#define COMMON_USAGE                                                                                    \
    "  --journal FILE  the journal (default: config session.journal, else DATA_DIR/journal.db)\n"     \
    "  --balance X     starting balance of a new run (default: config trading.balance, 10000)\n"      \
    "  --grace S       seconds after a bar's close before it is processed (default 20)\n"            \
    "  --spreads       each bar's spread from the market snapshots (else trading.spread)\n"

const struct mt_command mt_cmd_scan = {
    "scan",
    "one tick of the paper session: sync the due agents' pairs, decide, journal",
    "usage: mtrader scan [--at TIME] [--no-sync] [--journal FILE] [--balance X] [--grace S] [--spreads]\n"
    "\n"
    "Runs the config's agents (its \"agents\" array) once, in paper mode: the bars\n"
    "closed since each timeframe's last processed one are downloaded into the store\n"
    "(as mtrader download, for the run's symbols), the strategies and open trades\n"
    "step through them, new setups are sized and taken or followed as sims, and\n"
    "everything is journalled in one transaction. Nothing due: nothing changes. The\n"
    "first scan of a configuration begins its paper run; later ones continue it.\n"
    "\n"
    "  --at TIME       act as if the clock said TIME (a replayed scan); default now\n"
    "  --no-sync       trade on the store as it is (another process keeps it fresh)\n" COMMON_USAGE,
    run_scan,
};

const struct mt_command mt_cmd_run = {
    "run",
    "the paper session as a daemon: a tick at every bar close plus the grace",
    "usage: mtrader run [--no-sync] [--journal FILE] [--balance X] [--grace S] [--spreads]\n"
    "\n"
    "Ticks as mtrader scan whenever a bar of an agent's timeframe closes (plus the\n"
    "grace), sleeping in between; SIGTERM or SIGINT stops it after the tick under way.\n"
    "\n"
    "  --no-sync       trade on the store as it is\n" COMMON_USAGE,
    run_run,
};

const struct mt_command mt_cmd_replay = {
    "replay",
    "the session over history on a virtual clock, journalled as a replay run",
    "usage: mtrader replay --from DATE --to DATE [--journal FILE] [--balance X] [--grace S] [--spreads]\n"
    "\n"
    "Runs the session itself (schedule, the store cut at the virtual now, decisions,\n"
    "journal) on a virtual clock that wakes at each bar close from DATE: bars opening\n"
    "in [--from, --to) are decided, earlier ones warm the strategies up. At the end,\n"
    "trades still followed are marked to their last close (as a backtest's end) and\n"
    "the run is ended. A replay stopped before (kill, SIGTERM) continues where its\n"
    "journal stopped when started again with the same configuration and dates.\n"
    "\n" COMMON_USAGE,
    run_replay,
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The options the three commands share and the session config they give. */
struct session_opts {
    const struct mt_command *cmd;
    struct mt_session_config cfg;
    char journal[1100];
    bool no_sync, at_set;
    int64_t at;
    char models[1100];   /* the agents' deployed models */
    struct mt_fset fs;   /* their feature set */
    bool have_fs;
};

static int parse(struct mt_cli *cli, const struct mt_command *cmd, int argc, char **argv, struct session_opts *o)
{
    static const struct option opts[] = {
        {"journal", required_argument, NULL, 'J'}, {"balance", required_argument, NULL, 'b'},
        {"grace", required_argument, NULL, 'g'},   {"spreads", no_argument, NULL, 'P'},
        {"no-sync", no_argument, NULL, 'N'},       {"at", required_argument, NULL, 'a'},
        {"from", required_argument, NULL, 'f'},    {"to", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    const struct mt_app_config *app = &cli->cfg;
    o->cmd = cmd;
    struct mt_session_config *c = &o->cfg;
    *c = mt_session_config_default();
    c->kind = cmd == &mt_cmd_replay ? MT_RUN_REPLAY : MT_RUN_PAPER;
    c->data_dir = app->data_dir;
    c->version = MTRADER_VERSION;
    c->agents = app->agents;
    c->na = app->n_agents;
    c->balance = app->trading.balance;
    struct mt_trade_rules unused;
    mt_cli_engine_defaults(cli, &c->costs, &unused);
    c->limits.max_positions = (int)app->trading.max_positions;
    c->spreads = app->session.spreads;
    double grace = app->session.grace_s;
    mt_cli_journal_path(cli, o->journal, sizeof o->journal);
    struct mt_err err = {0};
    int ch, rc = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1 && rc == 0) {
        switch (ch) {
        case 'J': snprintf(o->journal, sizeof o->journal, "%s", optarg); break;
        case 'b': rc = mt_cli_number_option(cmd, "balance", optarg, 0, true, 1e15, false, &c->balance); break;
        case 'g':
            rc = mt_cli_number_option(cmd, "grace", optarg, 0, false, MT_SESSION_GRACE_MS_MAX / 1000.0, false, &grace);
            break;
        case 'P': c->spreads = true; break;
        case 'N':
            if (cmd == &mt_cmd_replay)
                return mt_cli_usage_error(cmd, "unknown option");
            o->no_sync = true;
            break;
        case 'a':
        case 'f':
        case 'T': {
            bool ok = ch == 'a' ? cmd == &mt_cmd_scan : cmd == &mt_cmd_replay;
            int64_t *dst = ch == 'a' ? &o->at : ch == 'f' ? &c->from : &c->to;
            if (!ok)
                return mt_cli_usage_error(cmd, "unknown option");
            if (mt_time_parse(optarg, dst, &err))
                return mt_cli_usage_error(cmd, "--%s: %s", ch == 'a' ? "at" : ch == 'f' ? "from" : "to", err.msg);
            o->at_set |= ch == 'a';
            break;
        }
        default: return mt_cli_usage_error(cmd, "unknown option");
        }
    }
    if (rc)
        return rc;
    if (optind != argc)
        return mt_cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (app->n_agents == 0)
        return mt_cli_usage_error(cmd, "the configuration (%s) has no \"agents\"; see docs/mtrader.example.json",
                                  cli->config_path ? cli->config_path : "none given");
    if (cmd == &mt_cmd_replay) {
        if (c->from == INT64_MIN || c->to == INT64_MAX)
            return mt_cli_usage_error(cmd, "--from and --to are required");
        if (c->from >= c->to)
            return mt_cli_usage_error(cmd, "--from must be before --to");
    }
    c->grace_ms = (int64_t)(grace * 1000.0 + 0.5);
    c->journal_path = o->journal;
    return 0;
}

static void print_tick(const char *what, const struct mt_session_summary *s)
{
    char t[32];
    printf("%s %s: %zu bars, %zu decisions, %zu trades opened, %zu closed", what,
           mt_time_format(s->now, t, sizeof t), s->bars, s->decisions, s->opened, s->closed);
    if (s->skipped)
        printf(", %zu older bars not decided (more than 64 were due)", s->skipped);
    if (s->missing)
        printf(", %zu without any stored candle (see the warnings)", s->missing);
    if (s->sync_failures)
        printf(", %zu downloads failed (see the warnings)", s->sync_failures);
    printf("; balance %.2f, equity %.2f, %zu open real positions, open risk %.2f R\n", s->balance, s->equity,
           s->open_real, s->open_risk);
}

/* Opens the session of o with the sync configured unless --no-sync. */
static int open_session(struct mt_cli *cli, struct session_opts *o, const struct mt_clock *clock,
                        struct mt_sync_config *sc, char state[MT_GOV_PATH_MAX], struct mt_session **s,
                        struct mt_err *err)
{
    o->cfg.clock = clock;
    if (mt_cli_models_dir(cli, o->models, sizeof o->models))
        return mt_err_set(err, MT_ECONFIG, "config ml.models_dir: path too long");
    int frc = mt_cli_model_fset(cli, &o->fs, err);
    if (frc)
        return frc;
    o->have_fs = true;
    o->cfg.models_dir = o->models;
    o->cfg.features = &o->fs;
    if (o->cfg.kind == MT_RUN_PAPER && !o->no_sync) {
        int rc = mt_cli_sync_config(cli, sc, state, clock, err);
        if (rc)
            return rc;
        sc->snapshots = o->cfg.spreads; /* the spreads come with the snapshots */
        sc->log_tag = "session sync";
        o->cfg.sync = sc;
    }
    return mt_session_open(&o->cfg, s, err);
}

/* Closes s and what open_session loaded for it. */
static void close_session(struct mt_session *s, struct session_opts *o)
{
    mt_session_close(s);
    if (o->have_fs)
        mt_fset_release(&o->fs);
}

static int run_scan(struct mt_cli *cli, int argc, char **argv)
{
    struct session_opts o = {0};
    int rc = parse(cli, &mt_cmd_scan, argc, argv, &o);
    if (rc)
        return rc;
    struct mt_vclock vc;
    mt_vclock_init(&vc, o.at);
    const struct mt_clock *clock = o.at_set ? &vc.clock : mt_clock_wall();
    struct mt_sync_config sc;
    char state[MT_GOV_PATH_MAX];
    struct mt_session *s = NULL;
    struct mt_err err = {0};
    struct mt_session_summary sum;
    if ((rc = open_session(cli, &o, clock, &sc, state, &s, &err)) == 0 && (rc = mt_session_tick(s, &sum, &err)) == 0) {
        print_tick("scan", &sum);
        printf("journal: run %lld -> %s\n", (long long)mt_session_run_id(s), o.journal);
    }
    close_session(s, &o);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static int run_run(struct mt_cli *cli, int argc, char **argv)
{
    struct session_opts o = {0};
    int rc = parse(cli, &mt_cmd_run, argc, argv, &o);
    if (rc)
        return rc;
    const struct mt_clock *clock = mt_clock_wall();
    struct mt_sync_config sc;
    char state[MT_GOV_PATH_MAX];
    struct mt_session *s = NULL;
    struct mt_err err = {0};
    catch_signals();
    if ((rc = open_session(cli, &o, clock, &sc, state, &s, &err)) == 0) {
        char t[32];
        printf("run: journal run %lld -> %s; next tick at %s\n", (long long)mt_session_run_id(s), o.journal,
               mt_time_format(mt_session_next_wake(s), t, sizeof t));
        fflush(stdout);
    }
    while (rc == 0 && !stop_requested) {
        /* sleep to the next wake in slices, so that a signal stops the wait within a second */
        int64_t wait = mt_session_next_wake(s) - mt_clock_now(clock);
        if (wait > 0) {
            mt_clock_sleep(clock, wait < 1000 ? wait : 1000);
            continue;
        }
        struct mt_session_summary sum;
        if ((rc = mt_session_tick(s, &sum, &err)) == 0 && sum.ticks) {
            print_tick("tick", &sum);
            fflush(stdout);
        }
    }
    if (rc == 0)
        printf("run: stopped by a signal after the last whole tick\n");
    close_session(s, &o);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}

static int run_replay(struct mt_cli *cli, int argc, char **argv)
{
    struct session_opts o = {0};
    int rc = parse(cli, &mt_cmd_replay, argc, argv, &o);
    if (rc)
        return rc;
    struct mt_vclock vc;
    mt_vclock_init(&vc, o.cfg.from);
    struct mt_session *s = NULL;
    struct mt_err err = {0};
    struct mt_session_summary sum;
    catch_signals();
    if ((rc = open_session(cli, &o, &vc.clock, NULL, NULL, &s, &err)) == 0 &&
        (rc = mt_session_replay(s, &vc, (volatile int *)&stop_requested, &sum, &err)) == 0) {
        print_tick(stop_requested ? "replay stopped at" : "replay to", &sum);
        printf("journal: run %lld -> %s%s\n", (long long)mt_session_run_id(s), o.journal,
               stop_requested ? " (not finished: the same replay continues it)" : "");
    }
    close_session(s, &o);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
