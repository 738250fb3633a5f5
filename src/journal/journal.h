/* The trade journal: one SQLite 3 file (WAL) holding runs, their agents and
 * series, every trade with its legs, every decision, the equity curve and
 * (for live trading) the orders; the schema is in docs/journal.md.
 *
 * The engine writes into it through a sink (mt_journal_sink) that upserts a
 * trade and its legs on every event, so the file always holds the trades as
 * the engine holds them; a caller wraps one engine time step (or a whole
 * backtest) in mt_journal_begin_tick / mt_journal_commit_tick, so that a kill
 * leaves the state of the last committed step. Reading back gives the
 * positions exactly as the engine held them (mt_journal_open_trades, for
 * mt_engine_restore) and every trade of a run (mt_journal_trades).
 *
 * Doubles round-trip exactly (SQLite REAL is IEEE 754 binary64) except the
 * sign of zero (SQLite writes integral REALs as integers); NaN is NULL.
 *
 * The schema version is PRAGMA user_version; opening runs the numbered
 * forward-only migrations up to this build's MT_JOURNAL_SCHEMA, each in its
 * own transaction, and refuses a file of a newer version.
 *
 * A struct mt_journal is one SQLite connection: one thread at a time. Other
 * processes may read the file meanwhile (WAL); a writer waits up to
 * MT_JOURNAL_BUSY_MS for another's lock. */
#ifndef MT_JOURNAL_JOURNAL_H
#define MT_JOURNAL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "sim/engine.h"
#include "sim/metrics.h"

/* The schema version this build writes (PRAGMA user_version). */
#define MT_JOURNAL_SCHEMA 3
/* How long a write waits for another connection's lock (busy_timeout). */
#define MT_JOURNAL_BUSY_MS 5000
/* Most trades (or equity points) one read returns. */
#define MT_JOURNAL_MAX_ROWS (UINT32_C(1) << 28)

struct mt_journal; /* opaque */

enum mt_run_kind { MT_RUN_BACKTEST, MT_RUN_REPLAY, MT_RUN_PAPER, MT_RUN_LIVE };

/* What a run is: its kind, where it comes from and the engine's settings.
 * Strings and arrays are copied into the file. */
struct mt_journal_run {
    enum mt_run_kind kind;
    const char *version;     /* mtrader's version */
    const char *config_hash; /* the caller's hash of its configuration, or NULL */
    int64_t started;         /* wall clock, ms UTC */
    int64_t from, to;        /* the data span, ms UTC (INT64_MIN / INT64_MAX: unbounded) */
    enum mt_tf tf;
    double balance; /* starting balance, quote */
    struct mt_costs costs;
    struct mt_account_limits limits;
    bool one_per_symbol, track_sims;
    const struct mt_engine_agent *agents; /* the engine's agents, in its order */
    size_t na;
    const char *const *symbols; /* the engine's series, in its order */
    size_t ns;
    /* A session's agents (NULL: unnamed, all of timeframe tf) and the run's
     * timeframes as text ("1h,4h"; NULL: tf's name). */
    const char *const *agent_names;
    const enum mt_tf *agent_tfs;
    const char *tfs_text;
};

/* Opens (creating it when missing) the journal at path into *j: WAL mode,
 * busy_timeout, foreign keys on, migrated to MT_JOURNAL_SCHEMA. Errors:
 * MT_EFORMAT for a file of a newer schema (naming both versions) or not a
 * database, MT_EIO for SQLite failures (naming the path, the step and
 * SQLite's message); *j is then NULL. Free with mt_journal_close. */
int mt_journal_open(const char *path, struct mt_journal **j, struct mt_err *err);

/* Closes j (an open tick is rolled back). NULL: no-op. */
void mt_journal_close(struct mt_journal *j);

/* The file's schema version (after the migrations: MT_JOURNAL_SCHEMA). */
int mt_journal_schema(const struct mt_journal *j);

/* Records a new run, its agents and series, into *run_id (ids grow from 1).
 * MT_EINVAL for a run without agents or series, MT_EIO from SQLite. */
int mt_journal_run_begin(struct mt_journal *j, const struct mt_journal_run *run, int64_t *run_id,
                         struct mt_err *err);

/* Sets run_id's end (wall clock, ms UTC). MT_ENOENT for an unknown run. */
int mt_journal_run_end(struct mt_journal *j, int64_t run_id, int64_t ended, struct mt_err *err);

/* Fills *out with a sink (updates on) that journals run_id: every trade event
 * upserts the trade and inserts its new legs, every decision and equity point
 * is a row (an equity point at a time already journalled replaces it: a
 * restarted engine starts its curve again). The sink uses j; one sink per
 * journal at a time (a new call replaces the run). Errors name the SQL step
 * and SQLite's message. MT_ENOENT for an unknown run. */
int mt_journal_sink(struct mt_journal *j, int64_t run_id, struct mt_sink *out, struct mt_err *err);

/* run_id's series symbols in index order into *symbols / *n, owned by j and
 * valid until a call of either for another run (one load serves both).
 * MT_ENOENT for an unknown run. */
int mt_journal_run_symbols(struct mt_journal *j, int64_t run_id, const char *const **symbols, size_t *n,
                           struct mt_err *err);

/* One transaction around one engine time step (or a whole backtest): begin
 * takes the write lock (waiting up to MT_JOURNAL_BUSY_MS), commit makes the
 * step durable, rollback drops it. MT_EINVAL: begin while a tick is open, or
 * commit / rollback without one. */
int mt_journal_begin_tick(struct mt_journal *j, struct mt_err *err);
int mt_journal_commit_tick(struct mt_journal *j, struct mt_err *err);
int mt_journal_rollback_tick(struct mt_journal *j, struct mt_err *err);

/* The positions of run_id still followed (state open), of agent `agent` or of
 * every agent (-1), in id order: exactly as the engine held them after the
 * last committed event, ready for mt_engine_restore (series indices are the
 * run's). *out is malloc'ed (the caller frees it; NULL when *n is 0). */
int mt_journal_open_trades(struct mt_journal *j, int64_t run_id, int64_t agent, struct mt_position **out, size_t *n,
                           struct mt_err *err);

/* Every trade of run_id (open, closed and censored), in id order, as the last
 * event left it; *out as above. */
int mt_journal_trades(struct mt_journal *j, int64_t run_id, struct mt_position **out, size_t *n, struct mt_err *err);

/* run_id's equity curve in time order; *out malloc'ed (the caller frees it). */
int mt_journal_equity(struct mt_journal *j, int64_t run_id, struct mt_equity_point **out, size_t *n,
                      struct mt_err *err);

/* The latest run of kind with config_hash that has not ended, into *run_id;
 * MT_ENOENT when there is none (the session then begins a new one). */
int mt_journal_find_run(struct mt_journal *j, enum mt_run_kind kind, const char *config_hash, int64_t *run_id,
                        struct mt_err *err);

/* The id the next trade of run_id gets: one above every id journalled (1 for none). */
int mt_journal_next_trade_id(struct mt_journal *j, int64_t run_id, mt_trade_id *id, struct mt_err *err);

/* Where a session's engine of one timeframe is: the first bar time it was
 * warmed from (kept, so that a restart warms from the same bar), the open
 * time of the last bar it processed (due, decided or not), the open time of
 * the last bar the engine was given (earlier than last_bar when the store had
 * no candle of the last due bars) and its balance after them; each time
 * MT_JOURNAL_NO_BAR when there is none yet. Written in the tick that moved it. */
#define MT_JOURNAL_NO_BAR INT64_MIN
struct mt_journal_clock {
    enum mt_tf tf;
    int64_t warm_from, last_bar, fed;
    double balance;
};
int mt_journal_clock_put(struct mt_journal *j, int64_t run_id, const struct mt_journal_clock *c, struct mt_err *err);

/* run_id's clocks (at most one per timeframe) into out[0 .. *n). MT_EFORMAT for an unknown timeframe. */
int mt_journal_clocks(struct mt_journal *j, int64_t run_id, struct mt_journal_clock out[MT_TF_COUNT], size_t *n,
                      struct mt_err *err);

/* One session tick: the clock's time and the wall clock, and what it did
 * (added to a tick of the same time already journalled). */
struct mt_journal_tick {
    int64_t time, wall;
    size_t bars, decisions, opened, closed;
};
int mt_journal_tick(struct mt_journal *j, int64_t run_id, const struct mt_journal_tick *t, struct mt_err *err);

/* One finished trade of a named agent, from any run (mt_journal_agent_outcomes). */
struct mt_journal_outcome {
    char symbol[32];
    enum mt_run_kind run; /* the kind of run it came from */
    enum mt_trade_kind kind;
    bool censored;        /* the run ended first: no outcome (r is the mark-to-market) */
    struct mt_setup setup;
    int64_t close_time;   /* when it closed (or was censored) */
    double r;             /* net R */
};

/* Every closed or censored trade, of every run, of the agents named `agent`
 * that ran strategy_id on tf, ordered by signal time, then run and id; *out
 * malloc'ed (the caller frees it; NULL when *n is 0). Returns 0, MT_EFORMAT
 * (a bad row, named) or MT_EIO. */
int mt_journal_agent_outcomes(struct mt_journal *j, const char *agent, const char *strategy_id, enum mt_tf tf,
                              struct mt_journal_outcome **out, size_t *n, struct mt_err *err);

#endif
