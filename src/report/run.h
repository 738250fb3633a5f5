/* One journalled run as the report reads it: the run's settings, its agents
 * and series, every trade (real, sim, tracked) and the equity curve with the
 * account's exposure, read through the journal's read-only connection
 * (journal/query.h) by column name, so that files of every schema version
 * read (a column a file lacks reads as unknown: NaN, or -1 for counts).
 * Times are ms UTC. */
#ifndef MT_REPORT_RUN_H
#define MT_REPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "sim/metrics.h"
#include "sim/trade.h"

enum mt_rpt_state { MT_RPT_OPEN, MT_RPT_CLOSED, MT_RPT_CENSORED };

/* A trade as journalled (docs/journal.md, table trades). */
struct mt_rpt_trade {
    int64_t id, parent; /* parent: -1 for none */
    uint32_t agent;     /* index into the run's agents */
    uint32_t symbol;    /* index into the run's symbols */
    enum mt_trade_kind kind;
    int side; /* +1 long, -1 short */
    enum mt_rpt_state state;
    enum mt_exit exit;
    int64_t signal_time, open_time, close_time; /* close_time INT64_MIN while open */
    double entry, init_stop, stop, target, init_size, size, pnl, r, score, mae_r, mfe_r;
    unsigned sim_reasons;
};

/* An agent of the run (table agents). */
struct mt_rpt_agent {
    char name[64];     /* a session's agent id, else "agent N" */
    bool named;
    char strategy[128];
    enum mt_tf tf;
    char sides[8];
    double risk, min_score, max_open_r;
    int64_t max_positions;
};

/* One equity point with the account's exposure (NaN: not journalled). */
struct mt_rpt_mark {
    int64_t time;
    double equity, positions, open_r;
};

struct mt_rpt_run {
    int64_t id;
    char kind[16];
    int64_t started, ended; /* ended INT64_MIN while running */
    int64_t span_from, span_to;
    char timeframe[32];
    enum mt_tf tf; /* the first of timeframe's list */
    double balance;
    int64_t max_positions;
    double max_open_r;
    size_t na, ns, nt, nm;
    struct mt_rpt_agent *agents;
    char (*symbols)[32];
    struct mt_rpt_trade *trades; /* in id order */
    struct mt_rpt_mark *marks;   /* in time order */
    int64_t decisions[5];        /* by outcome: real, sim, untradable, held, opposite */
    size_t cap_a, cap_s, cap_t, cap_m; /* the arrays' room (the loader's) */
};

/* One fill (a leg) of a real trade. */
struct mt_rpt_fill {
    int64_t trade, time;
    bool entry;
    double price;
};

/* The fills of run's real trades on symbol whose trade opened in [from, to)
 * (journal at path), in trade and leg order; *out malloc'ed (NULL when none). */
int mt_rpt_fills(const char *path, int64_t run, const char *symbol, int64_t from, int64_t to,
                 struct mt_rpt_fill **out, size_t *n, struct mt_err *err);

/* Reads run `run` (< 0: the latest) of the journal at path into *out.
 * MT_ENOENT for a missing file or run, MT_EFORMAT for a bad row (named),
 * MT_EIO from SQLite. Free with mt_rpt_run_release (also after an error). */
int mt_rpt_run_load(const char *path, int64_t run, struct mt_rpt_run *out, struct mt_err *err);

/* Frees what mt_rpt_run_load allocated and zeroes r (a zeroed r: no-op). */
void mt_rpt_run_release(struct mt_rpt_run *r);

/* The index of trade id in r->trades (in id order), or -1. */
long mt_rpt_find_trade(const struct mt_rpt_run *r, int64_t id);

/* The run's curve as metrics points into *out (malloc'ed, r->nm of them). */
int mt_rpt_equity_points(const struct mt_rpt_run *r, struct mt_equity_point **out, struct mt_err *err);

/* What the metrics need of trade t (closed or censored): its span as the
 * portfolio backtest counts it (mt_trade_result_span, its agent's timeframe). */
struct mt_trade_result mt_rpt_result(const struct mt_rpt_run *r, const struct mt_rpt_trade *t);

/* The metrics of the run exactly as the engine's backtest computes them:
 * mt_metrics_compute over the journalled curve and the real trades that are
 * closed or censored. MT_EINVAL for a curve of fewer than 2 points. */
int mt_rpt_metrics(const struct mt_rpt_run *r, struct mt_metrics *m, struct mt_err *err);

#endif
