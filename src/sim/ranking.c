/* Ranked pair selection (see ranking.h). */
#include "sim/ranking.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* The quote volume of bar k of b (volume x close without a quote volume). */
static double quote_volume(const struct mt_series *b, size_t k)
{
    double q = b->quote_volume ? b->quote_volume[k] : NAN;
    return isnan(q) && b->volume ? b->volume[k] * b->close[k] : q;
}

double mt_rank_volume(const struct mt_series *b, size_t at, int64_t close, int64_t window)
{
    assert(at < b->n);
    double v = 0;
    for (size_t j = at + 1; j-- > 0 && (j == at || b->open_time[j] >= close - window);) {
        double q = quote_volume(b, j);
        if (!isnan(q))
            v += q;
    }
    return v;
}

bool mt_rank_eligible(const struct mt_rank_rule *rule, int64_t close, int64_t first, double spread)
{
    return close - first >= rule->min_history && spread < rule->max_spread;
}

static int cmp_candidate(const void *a, const void *b)
{
    const struct mt_rank_candidate *x = a, *y = b;
    if (x->volume != y->volume)
        return x->volume > y->volume ? -1 : 1;
    return x->series < y->series ? -1 : x->series > y->series;
}

size_t mt_rank_select(const struct mt_rank_rule *rule, struct mt_rank_candidate *c, size_t n)
{
    assert(rule->top >= 1);
    qsort(c, n, sizeof *c, cmp_candidate);
    return n < (size_t)rule->top ? n : (size_t)rule->top;
}
