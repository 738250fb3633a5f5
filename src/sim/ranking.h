/* Ranked pair selection: which pairs an agent that trades "the top N by
 * volume" trades at a bar, from what is known at that bar's close. One rule
 * for the session (live/session.c, at each decided bar) and for the training
 * sets (ml/trainset.c, at each setup's signal bar), so a model is trained on
 * the pairs the agent would have traded then, never on today's ranking.
 *
 * A pair is a candidate at the close of a bar when it has that bar, at least
 * min_history of history (from its first stored bar to the close) and a
 * spread below max_spread; candidates are ranked by their quote volume over
 * the window of closed bars ending at that close (the current bar always
 * counts), ties by series order, and the first `top` are selected. */
#ifndef MT_SIM_RANKING_H
#define MT_SIM_RANKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/series.h"

struct mt_rank_rule {
    int64_t top;         /* pairs selected, >= 1 */
    int64_t window;      /* ms of closed bars whose quote volume ranks a pair (1 day or 1 week) */
    int64_t min_history; /* ms of history a pair needs */
    double max_spread;   /* a pair's relative spread must be below this */
};

/* One pair at one bar close. */
struct mt_rank_candidate {
    double volume; /* quote volume over the window (mt_rank_volume) */
    size_t series; /* the caller's index of the pair */
};

/* The quote volume of series b over the window ending at `close`, the close
 * of its bar `at`: the bars opening at or after close - window, and bar `at`
 * always (volume x close where the quote volume is missing; NaN counts 0). */
double mt_rank_volume(const struct mt_series *b, size_t at, int64_t close, int64_t window);

/* True when a pair whose first bar opened at `first`, with relative spread
 * `spread`, may be ranked at `close` under rule. */
bool mt_rank_eligible(const struct mt_rank_rule *rule, int64_t close, int64_t first, double spread);

/* Sorts the n candidates by volume (descending, then series) and returns how
 * many of the first are selected (min(n, rule->top)). */
size_t mt_rank_select(const struct mt_rank_rule *rule, struct mt_rank_candidate *c, size_t n);

#endif
