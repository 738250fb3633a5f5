/* The HTML report of a journalled run: one self-contained file (inline SVG
 * and CSS, no script, no external resource), readable offline and printable.
 *
 * Sections, each a <section id="..."> (docs/internals/report.md):
 *   summary    the run and the headline metrics (the engine's, sim/metrics.h)
 *   equity     equity against buy-and-hold of a benchmark (BTCUSDT), and a
 *              baseline run's curve when given; linear or log scale
 *   drawdown   the underwater curve and the worst drawdowns
 *   monthly    monthly returns heatmap with yearly totals
 *   breakdown  trades per agent, per symbol and per exit reason
 *   rdist      the real trades' R distribution
 *   rolling    rolling Sharpe and volatility of daily returns
 *   exposure   open positions and open risk (R) over time
 *   prices     trades on the price chart of chosen symbols
 *   setups     real against sim outcomes: what the models and limits
 *              rejected and how those setups did
 *   tracked    R left or saved by strategy exits (tracked continuations)
 *   models     model quality per agent and per fold (the cards' CV folds and
 *              test period; a walk-forward adds its folds), calibration, and
 *              filtered against unfiltered
 * Every figure a test may compare carries data-k (its key) and data-v (the
 * value, shortest round-trip) attributes; an agent's keys name its index in
 * the run (agent_0_trades), a symbol's its lower-cased name. */
#ifndef MT_REPORT_REPORT_H
#define MT_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/series.h"
#include "report/run.h"

/* One symbol's price chart: its candles over the window and the fills there. */
struct mt_report_price {
    uint32_t symbol;                /* index into the run's symbols */
    const struct mt_series *bars;   /* the run's timeframe, the window only */
    const struct mt_rpt_fill *fills; /* the real trades' fills there */
    size_t n_fills;
};

/* An agent's model: its card (NULL: never trained) and what it runs. */
struct mt_report_model {
    uint32_t agent_index; /* into the run's agents (the figures' keys use it) */
    const char *agent;
    const char *deployed; /* "booster", "rule", "unfiltered" or "none" */
    const cJSON *card;    /* the deployed model's card, else the agent's latest */
};

/* One fold of model quality: a CV fold or a test period of a card, or
 * (later) a walk-forward fold. */
struct mt_report_fold {
    uint32_t agent_index; /* into the run's agents (the figures' keys use it) */
    char agent[64], label[32];
    int64_t from, to;
    double rows, base_rate, auc, logloss, precision, accepted, mean_r_accepted, mean_r_all;
};

struct mt_report_input {
    const struct mt_rpt_run *run;
    const char *journal;              /* shown in the header */
    const struct mt_rpt_run *baseline; /* another run's curve to compare (e.g. unfiltered), or NULL */
    const char *bench_symbol;          /* buy-and-hold benchmark, or NULL */
    const int64_t *bench_time;
    const double *bench_close;
    size_t n_bench;
    const struct mt_report_price *prices;
    size_t n_prices;
    const struct mt_report_model *models;
    size_t n_models;
    const struct mt_report_fold *folds; /* extra folds (a walk-forward's), or NULL */
    size_t n_folds;
    bool log_y;          /* equity on a log scale */
    const char *version; /* mtrader's */
    int64_t generated;   /* the clock's now */
};

/* Writes the report of in to f. Returns 0, MT_EINVAL (a run with fewer than
 * 2 equity points: nothing to report), MT_EFORMAT (a bad row or card
 * member, named) or MT_ENOMEM. Output errors are f's (the caller checks). */
int mt_report_write(FILE *f, const struct mt_report_input *in, struct mt_err *err);

/* The folds of a card (agent's): one per CV fold ("cv 1" ...) and its test
 * period ("test") into out (room for max); returns how many, or -1 with err
 * for a malformed member. */
long mt_report_card_folds(const cJSON *card, uint32_t agent_index, const char *agent, struct mt_report_fold *out,
                          size_t max,
                          struct mt_err *err);

#endif
