/* Reading a trade journal (journal.h; schema: docs/journal.md) for people:
 * the runs with their counts, filtered trades, open positions with their open
 * risk, and any table row by row with the columns the file has (for exports).
 *
 * A struct mt_jq is its own read-only SQLite connection (SQLITE_OPEN_READONLY):
 * it never creates, migrates or write-locks a file, so it may read a journal
 * another process is writing (WAL: it sees the last committed step). One
 * thread at a time. Nothing here prints. */
#ifndef MT_JOURNAL_QUERY_H
#define MT_JOURNAL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct mt_jq; /* opaque */

/* Opens the journal at path read-only into *q. MT_ENOENT for a missing file,
 * MT_EFORMAT for a file that is not a database, of schema version 0 (not a
 * journal) or newer than this build's MT_JOURNAL_SCHEMA (both versions
 * named), MT_EIO for other SQLite failures; *q is then NULL. Free with
 * mt_jq_close. */
int mt_jq_open(const char *path, struct mt_jq **q, struct mt_err *err);

/* The file's schema version (1 .. MT_JOURNAL_SCHEMA): tables and columns of
 * later versions are missing from an older file (docs/journal.md). */
int mt_jq_schema(const struct mt_jq *q);

/* Closes q. NULL: no-op. */
void mt_jq_close(struct mt_jq *q);

/* One run with its counts (mt_jq_runs). Times are ms UTC. */
struct mt_jq_run {
    int64_t id;
    char kind[16];         /* backtest, replay, paper, live */
    int64_t started;
    bool has_ended;        /* false: running or never finished */
    int64_t ended;
    int64_t span_from;     /* INT64_MIN: unbounded */
    int64_t span_to;       /* INT64_MAX: unbounded */
    char timeframe[16];
    double balance;
    int64_t n_agents;
    int64_t n_real, n_sim, n_tracked; /* trades by kind */
    double final_equity;   /* the equity curve's last point; NaN: no curve */
};

/* Every run in id order; *out malloc'ed (the caller frees it; NULL when *n is 0). */
int mt_jq_runs(struct mt_jq *q, struct mt_jq_run **out, size_t *n, struct mt_err *err);

/* The latest run's id (the largest) into *run. MT_ENOENT when there is none. */
int mt_jq_latest_run(struct mt_jq *q, int64_t *run, struct mt_err *err);

/* MT_ENOENT naming the journal and the run when run is not in it. */
int mt_jq_check_run(struct mt_jq *q, int64_t run, struct mt_err *err);

/* How many setups run decided, by outcome: real, sim, untradable, held,
 * opposite (docs/journal.md, decisions) into counts. MT_EFORMAT for another
 * outcome, MT_EIO from SQLite. */
#define MT_JQ_OUTCOMES 5
int mt_jq_decision_counts(struct mt_jq *q, int64_t run, int64_t counts[MT_JQ_OUTCOMES], struct mt_err *err);

/* Which rows of a run: a trade (or for exports of other tables, the columns
 * they have: see mt_jq_cursor_open) passes when it matches every field set. */
struct mt_jq_filter {
    int64_t run;        /* < 0: every run (exports of runs, agents, series only) */
    int64_t agent;      /* < 0: any */
    const char *symbol; /* NULL: any */
    const char *kind;   /* real, sim, tracked; NULL: any */
    const char *state;  /* open, closed, censored; NULL: any */
    int64_t from, to;   /* open_time (or time) in [from, to); INT64_MIN / INT64_MAX: unbounded */
    int64_t limit;      /* at most this many rows, the first in id (or time) order; 0: all */
};

/* A filter of run `run` that lets every row through. */
struct mt_jq_filter mt_jq_filter_all(int64_t run);

/* One trade as listed (mt_jq_trades). */
struct mt_jq_trade {
    int64_t id;
    int64_t parent; /* -1: none */
    int64_t agent;
    char symbol[32];
    char kind[8], side[8], state[12], exit_reason[16];
    int64_t open_time;
    bool has_close;
    int64_t close_time;
    double entry, stop, init_size, size, pnl, r; /* pnl, r: NaN when NULL */
    /* Open trades: what the remaining size loses against the entry if the
     * current stop fills now, quote: the stop fill priced as the engine
     * prices it (the stop moved against the trade by the run's slippage and
     * half its default spread) plus the exit fee at the run's fee rate (x0.75
     * with bnb). Negative when the stop locks in a gain. NaN for other states. */
    double open_risk;
};

/* The trades of f->run (>= 0) that pass f, in id order; *out malloc'ed (the
 * caller frees it; NULL when *n is 0). MT_ENOENT for an unknown run. */
int mt_jq_trades(struct mt_jq *q, const struct mt_jq_filter *f, struct mt_jq_trade **out, size_t *n,
                 struct mt_err *err);

/* ---- any table, row by row ---- */

enum mt_jq_type { MT_JQ_INTEGER, MT_JQ_REAL, MT_JQ_TEXT };

/* A column of a table as the file declares it (PRAGMA table_info). */
struct mt_jq_column {
    char name[64];
    enum mt_jq_type type;
    bool nullable; /* neither NOT NULL nor part of the primary key */
    bool time;     /* an INTEGER of ms UTC (docs/journal.md) */
};

struct mt_jq_cursor; /* opaque */

/* Starts reading every column of `table` (runs, agents, series, trades,
 * legs, decisions, equity or orders; else MT_EINVAL naming it and the known
 * ones) in the file's column order, rows
 * in primary key order. f selects rows: run (every table but runs, agents
 * and series needs f->run >= 0; runs by id), agent and symbol (trades,
 * decisions; legs by their trade), kind and state (trades; legs by their
 * trade), from/to (trades and legs: the trade's open_time; decisions and
 * equity: time), limit. A filter field set on a table it does not apply to
 * is MT_EINVAL naming both; an unknown run MT_ENOENT; a column of a type
 * other than INTEGER, REAL or TEXT MT_EUNSUPPORTED. Free with
 * mt_jq_cursor_free. */
int mt_jq_cursor_open(struct mt_jq *q, const char *table, const struct mt_jq_filter *f, struct mt_jq_cursor **c,
                      struct mt_err *err);

/* How many columns the cursor's table has (at least 1). */
size_t mt_jq_cursor_ncols(const struct mt_jq_cursor *c);

/* Column i (< mt_jq_cursor_ncols); valid until the cursor is freed. */
const struct mt_jq_column *mt_jq_cursor_column(const struct mt_jq_cursor *c, size_t i);

/* Steps to the next row: 1, 0 after the last, or a negative MT_E... code. */
int mt_jq_cursor_next(struct mt_jq_cursor *c, struct mt_err *err);

/* The current row's column i: NULL, or its value (an INTEGER column read as
 * int64, REAL as double, TEXT as NUL-terminated UTF-8 valid until the next
 * step). A value of another storage class is converted as SQLite does. */
bool mt_jq_cursor_null(const struct mt_jq_cursor *c, size_t i);
int64_t mt_jq_cursor_int(const struct mt_jq_cursor *c, size_t i);
double mt_jq_cursor_real(const struct mt_jq_cursor *c, size_t i);
const char *mt_jq_cursor_text(const struct mt_jq_cursor *c, size_t i);

/* Frees c (NULL: no-op). */
void mt_jq_cursor_free(struct mt_jq_cursor *c);

/* ---- status: a run's agents and limits, its last tick, clocks and orders (mtrader status) ---- */

/* The account limits of a run (runs.max_positions, runs.max_open_r). */
struct mt_jq_limits {
    int64_t max_positions; /* open real positions */
    double max_open_r;     /* open risk in R */
};

/* Run's account limits into *l. MT_ENOENT for an unknown run. */
int mt_jq_run_limits(struct mt_jq *q, int64_t run, struct mt_jq_limits *l, struct mt_err *err);

/* One agent of a run as journalled (mt_jq_agents). */
struct mt_jq_agent {
    int64_t idx;
    char name[64];      /* "" when unnamed (a backtest's agents) */
    char strategy[128];
    char timeframe[16]; /* "" when not recorded (a backtest's: the run's) */
    char sides[8];      /* long, short, both; "" when not recorded */
    double risk;        /* per trade, of the equity */
    int64_t max_positions;
    double max_open_r, min_score;
};

/* The agents of run in idx order; *out malloc'ed (the caller frees it; NULL
 * when *n is 0). */
int mt_jq_agents(struct mt_jq *q, int64_t run, struct mt_jq_agent **out, size_t *n, struct mt_err *err);

/* The initial risk of each trade v[0..n) of run (listed by mt_jq_trades):
 * init_size x (entry - init_stop) for a long, x (init_stop - entry) for a
 * short, quote, into risk[i]: positive when the initial stop lies on the
 * losing side of the entry, else not; NaN for a trade id the run does not
 * hold. */
int mt_jq_initial_risks(struct mt_jq *q, int64_t run, const struct mt_jq_trade *v, size_t n, double *risk,
                        struct mt_err *err);

/* One session tick (the ticks table). Times are ms UTC. */
struct mt_jq_tick {
    int64_t time;    /* the session's clock */
    int64_t wall;    /* the wall clock when it was journalled */
    int64_t bars, decisions, opened, closed;
};

/* The run's latest tick (largest time) into *t and *found true; *found false
 * when it has none (a backtest). */
int mt_jq_last_tick(struct mt_jq *q, int64_t run, struct mt_jq_tick *t, bool *found, struct mt_err *err);

/* One timeframe's clock of a session run (the clocks table). */
struct mt_jq_clock {
    char timeframe[16];
    bool has_last_bar;
    int64_t last_bar; /* open time of the last bar processed, ms UTC */
    double balance;   /* the run's balance plus this timeframe's agents' realized pnl */
};

/* The clocks of run in timeframe order; *out malloc'ed (the caller frees it;
 * NULL when *n is 0). */
int mt_jq_clocks(struct mt_jq *q, int64_t run, struct mt_jq_clock **out, size_t *n, struct mt_err *err);

/* One exchange order of a run (the orders table). */
struct mt_jq_order {
    int64_t id, trade;
    char client_order_id[64];
    char status[24]; /* Binance's: NEW, PARTIALLY_FILLED, FILLED, CANCELED, ... */
    char side[8];    /* buy, sell */
    char type[24];
};

/* The orders of run in id order; *out malloc'ed (the caller frees it; NULL
 * when *n is 0). */
int mt_jq_orders(struct mt_jq *q, int64_t run, struct mt_jq_order **out, size_t *n, struct mt_err *err);

#endif
