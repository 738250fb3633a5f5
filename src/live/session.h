/* The session: the configured agents run on the one engine (sim/engine.h)
 * on schedule, over the store kept fresh by sync, journalled tick by tick
 * (journal/journal.h). `mtrader scan` is one tick, `mtrader run` ticks at
 * every bar close, `mtrader replay` ticks on a virtual clock over history.
 *
 * Agents of one timeframe share one engine (a "group"); the groups share
 * the account: each sees the others' realized pnl and open real trades
 * (mt_engine_set_outside), so sizing and the account's open-risk limit count
 * every agent of the run, and trade ids come from one counter. Every group's
 * series are the run's symbols, in the run's order.
 *
 * A tick at time now (from the session's clock):
 *   1. the due bars of each group: every bar closed (and past the grace) since
 *      its last processed one (live/schedule.h);
 *   2. with sync configured, the due groups' timeframes of the run's symbols
 *      are downloaded into the store (sync/sync.h, as `mtrader download`) and
 *      the store is read again;
 *   3. the due bars of every group are processed in the order they closed
 *      (ties: lower timeframe first), so that a tick after missed ones does
 *      what the missed ones would have done: for each, the agents' pairs are
 *      selected from the data known at its close, automatic position caps set
 *      from the open trades, the other groups' account state given, and the
 *      engine stepped with decisions;
 *   4. the clocks (per group: warm-up start, last bar, balance) and the tick
 *      are written, and the journal transaction of the whole tick commits.
 * A kill at any moment leaves the journal at the last committed tick.
 * Opening a session continues its run (same kind and configuration hash, not
 * ended): each engine re-warms its strategies over the stored bars from the
 * journalled warm-up start to its last processed bar, then gets its open
 * trades, balance and next id back, so that the run goes on exactly as if it
 * had never stopped. */
#ifndef MT_LIVE_SESSION_H
#define MT_LIVE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/error.h"
#include "journal/journal.h"
#include "live/agent.h"
#include "ml/model.h"
#include "sim/engine.h"
#include "sync/sync.h"

/* Default delay after a bar's close before it is processed (Binance
 * publishes the final candle within seconds). */
#define MT_SESSION_GRACE_MS_DEFAULT 20000
#define MT_SESSION_GRACE_MS_MAX 3600000

struct mt_session_config {
    enum mt_run_kind kind; /* MT_RUN_PAPER (scan, run) or MT_RUN_REPLAY */
    const char *data_dir;
    const char *journal_path;
    const char *version;                 /* mtrader's version, journalled */
    const struct mt_agent_spec *agents;  /* resolved (mt_agent_specs_resolve), borrowed */
    size_t na;
    double balance; /* the starting balance of a new run, quote */
    struct mt_costs costs;
    struct mt_account_limits limits;
    bool one_per_symbol, track_sims;
    bool spreads;     /* each bar's spread from the market snapshots (else costs.spread) */
    int64_t grace_ms; /* in [0, MT_SESSION_GRACE_MS_MAX] */
    /* Replay: bars opening in [from, to) are decided; earlier ones warm up.
     * Paper: from is ignored (a new run decides from its first tick), to INT64_MAX. */
    int64_t from, to;
    const struct mt_clock *clock;     /* NULL: the wall clock */
    const struct mt_sync_config *sync; /* NULL: no download (replay, or a store kept fresh otherwise) */
    /* The agents' deployed models (ml/model.h), loaded at open: an agent
     * with one scores its setups with it (the streaming features of fs at
     * each bar); NULL: every agent runs unfiltered. */
    const char *models_dir;
    const struct mt_fset *features; /* required with models_dir */
};

/* The defaults: paper, data dir "data", journal "journal.db", the engine's
 * default costs, limits, routing and balance, no spreads, the default grace,
 * the wall clock, no sync. */
struct mt_session_config mt_session_config_default(void);

/* What a tick (or a whole replay) did. */
struct mt_session_summary {
    int64_t now;            /* the clock's time of the (last) tick */
    size_t ticks, bars;     /* ticks with due bars; due bars processed (per group) */
    size_t skipped;         /* closed bars not decided on: more than MT_DUE_CAP were due */
    size_t missing;         /* due bars without a stored candle of any symbol (a warning says which) */
    size_t decisions, opened, closed; /* decisions; trades opened and closed (any kind) */
    size_t sync_failures;   /* jobs of the download that failed (the tick goes on with the stored data) */
    size_t open_real;       /* open real trades after it */
    double balance;   /* the account's after it: the start plus every realized pnl */
    double equity;    /* the account's marked at the last decided bar's close */
    double open_risk; /* of the open real trades, in R (mt_trade_open_r) */
};

struct mt_session; /* opaque */

/* Takes the session lock of the journal (a lock file beside it: one session
 * per journal at a time; another one waits MT_LOCK_TIMEOUT_ENV, then fails
 * naming its pid), opens the journal, continues the unfinished run of this kind and
 * configuration (or begins one: the run's symbols are the agents' listed
 * pairs and, for ranked selections, every stored symbol of their
 * timeframes), loads the store, re-warms and restores. MT_ECONFIG for a bad
 * configuration (naming the setting), store and journal errors as theirs.
 * *s is NULL on failure. Free with mt_session_close. */
int mt_session_open(const struct mt_session_config *cfg, struct mt_session **s, struct mt_err *err);

/* Runs the tick at the clock's now (see the top); *sum (may be NULL) gets
 * what it did. Nothing due: nothing is written. On an error the tick's
 * journal transaction is rolled back and the session must be closed. */
int mt_session_tick(struct mt_session *s, struct mt_session_summary *sum, struct mt_err *err);

/* The clock time at which the next bar of some group becomes due. */
int64_t mt_session_next_wake(const struct mt_session *s);

/* Ends the run: every followed trade is censored at its series' last close
 * (as a backtest's end does) and the run is marked ended, in one
 * transaction. The session can only be closed after it. */
int mt_session_finish(struct mt_session *s, struct mt_session_summary *sum, struct mt_err *err);

/* The journal's run id. */
int64_t mt_session_run_id(const struct mt_session *s);

/* The account as the last tick left it, into *sum (ticks etc. zero). */
void mt_session_state(const struct mt_session *s, struct mt_session_summary *sum);

/* Frees s (the journal is closed; an open tick rolled back). NULL: no-op. */
void mt_session_close(struct mt_session *s);

/* Replays: ticks s on its clock, which must be a virtual clock at the
 * replay's start, at every wake (mt_session_next_wake) while the bars due
 * open before cfg.to, then finishes the run; stop (may be NULL) is polled
 * between ticks and stops the replay unfinished when set. */
int mt_session_replay(struct mt_session *s, struct mt_vclock *clock, volatile int *stop,
                      struct mt_session_summary *sum, struct mt_err *err);

#endif
