/* The strategy interface: id parsing, feeding bars to a strategy's
 * indicators in blocks and deciding setups bar by bar, and the helpers the
 * kinds of strategy share. */
#include "strategy/strategy.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strategy/strategy_impl.h"

/* Bars fed to the indicators per call: their outputs for a block are kept on
 * the stack. */
#define BLOCK 64

/* Fields of the longest id, name included. */
#define MAX_FIELDS 4

static const struct mt_strategy_def *const kinds[] = {&mt_strategy_channel_run, &mt_strategy_trail_fractals};

#define NKINDS (sizeof kinds / sizeof kinds[0])

int mt_strategy_field_int(const char *text, const char *name, int min, int max, int *out, struct mt_err *err)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno != 0 || v < min || v > max)
        return mt_err_set(err, MT_EINVAL, "%s = %s must be an integer in [%d, %d]", name, text, min, max);
    *out = (int)v;
    return 0;
}

int mt_strategy_add_ind(struct mt_strategy *s, const char *name, const double *opt, int nopt,
                        const enum mt_ind_input *src, struct mt_err *err)
{
    const struct mt_ind_def *d = mt_ind_find(name);
    if (!d || s->n_ind == MT_STRATEGY_MAX_IND)
        return mt_err_set(err, MT_EINVAL, "indicator %s: not in the registry or too many indicators", name);
    struct mt_ind_ctx c = {.tf = s->tf};
    mt_ind_defaults(d, &c);
    for (int k = 0; k < nopt; k++)
        c.opt[k] = opt[k];
    struct mt_ind *ind = &s->ind[s->n_ind];
    int rc = mt_ind_init(ind, d, &c, err);
    if (rc)
        return rc;
    s->n_ind++;
    for (int k = 0; k < d->n_in; k++) {
        if (src)
            ind->in[k] = src[k];
        if (ind->in[k] >= MT_STRATEGY_N_COL)
            return mt_err_set(err, MT_EINVAL, "indicator %s: input %s is not fed to strategies", name,
                              mt_ind_input_name(ind->in[k]));
    }
    return 0;
}

double mt_strategy_stop(const struct mt_strategy *s, int side, double inval)
{
    return side > 0 ? inval * (1.0 - s->buffer) : inval * (1.0 + s->buffer);
}

int mt_strategy_make_setup(const struct mt_strategy *s, int side, double price, double inval, double target,
                           struct mt_setup *out)
{
    double stop = mt_strategy_stop(s, side, inval);
    if (!(side * (price - stop) > 0))
        return 0;
    double rr = NAN;
    if (!isnan(target)) {
        double reward = fabs(target / price - 1.0);
        if (!(side * (target - price) > 0) || reward < MT_STRATEGY_MIN_REWARD)
            return 0;
        rr = reward / fabs(stop / price - 1.0);
    }
    memset(out, 0, sizeof *out);
    out->side = side;
    out->price = price;
    out->stop = stop;
    out->target = target;
    out->rr = rr;
    return 1;
}

int mt_strategy_parse(const char *id, enum mt_tf tf, double spread, struct mt_strategy *s, struct mt_err *err)
{
    memset(s, 0, sizeof *s);
    s->trail_long = s->trail_short = NAN;
    char buf[MT_STRATEGY_ID_MAX];
    size_t len = strlen(id);
    if (len == 0 || len >= sizeof buf)
        return mt_err_set(err, MT_EINVAL, "strategy %.80s: the id must have 1 to %d characters", id,
                          MT_STRATEGY_ID_MAX - 1);
    memcpy(buf, id, len + 1);
    char *field[MAX_FIELDS + 1];
    int n = 0;
    for (char *p = buf; p && n <= MAX_FIELDS; n++) {
        field[n] = p;
        p = strchr(p, ':');
        if (p)
            *p++ = '\0';
    }
    const struct mt_strategy_def *def = NULL;
    for (size_t k = 0; k < NKINDS && !def; k++)
        if (strcmp(field[0], kinds[k]->name) == 0)
            def = kinds[k];
    if (!def)
        return mt_err_set(err, MT_EINVAL, "strategy %s: unknown strategy %s (known: channel_run, trail_fractals)", id,
                          field[0]);
    if (n != def->n_fields + 1) /* also when the split stopped with fields left */
        return mt_err_set(err, MT_EINVAL, "strategy %s: expected %s:%s", id, def->name, def->usage);
    if (!(spread >= 0 && spread < MT_SPREAD_MAX))
        return mt_err_set(err, MT_EINVAL, "strategy %s: spread = %g must be in [0, %g)", id, spread, MT_SPREAD_MAX);
    s->def = def;
    s->tf = tf;
    mt_strategy_set_spread(s, spread);
    int rc = def->setup(s, field + 1, err);
    if (rc) {
        mt_strategy_release(s);
        mt_err_prefix(err, "strategy %s", id);
        return rc;
    }
    return 0;
}

void mt_strategy_set_spread(struct mt_strategy *s, double spread)
{
    assert(spread >= 0 && spread < MT_SPREAD_MAX);
    s->spread = spread;
    s->buffer = 2.0 * spread > MT_STRATEGY_MIN_BUFFER ? 2.0 * spread : MT_STRATEGY_MIN_BUFFER;
}

bool mt_strategy_id_trails(const char *id)
{
    size_t len = strcspn(id, ":");
    for (size_t k = 0; k < NKINDS; k++)
        if (strlen(kinds[k]->name) == len && strncmp(id, kinds[k]->name, len) == 0)
            return kinds[k]->trails;
    return false;
}

void mt_strategy_release(struct mt_strategy *s)
{
    for (int k = 0; k < s->n_ind; k++)
        mt_ind_release(&s->ind[k]);
    s->n_ind = 0;
}

void mt_strategy_reset(struct mt_strategy *s)
{
    for (int k = 0; k < s->n_ind; k++)
        mt_ind_reset(&s->ind[k]);
    s->trail_long = s->trail_short = NAN;
}

const char *mt_strategy_id(const struct mt_strategy *s)
{
    return s->id;
}

int mt_strategy_n_context(const struct mt_strategy *s)
{
    return s->def->n_context;
}

const char *mt_strategy_context_name(const struct mt_strategy *s, int k)
{
    return k >= 0 && k < s->def->n_context ? s->def->context[k] : NULL;
}

int mt_strategy_lookback(const struct mt_strategy *s)
{
    int lb = 0;
    for (int k = 0; k < s->n_ind; k++) {
        int l = mt_ind_lookback(&s->ind[k]);
        lb = l > lb ? l : lb;
    }
    return lb;
}

/* Feeds n <= BLOCK bars (col[k][i]: input k of bar i, open time time[i]) to
 * every indicator, then decides bar by bar. Setups go to out[*count ..] while
 * *count < max_out; *count counts them all. */
static void run_block(struct mt_strategy *s, const double *const *col, const int64_t *time, size_t n,
                      struct mt_setup *out, size_t max_out, size_t *count)
{
    double buf[MT_STRATEGY_MAX_IND][MT_IND_MAX_OUT][BLOCK];
    for (int k = 0; k < s->n_ind; k++) {
        struct mt_ind *ind = &s->ind[k];
        const double *in[MT_IND_MAX_IN];
        double *res[MT_IND_MAX_OUT];
        for (int j = 0; j < ind->def->n_in; j++)
            in[j] = col[ind->in[j]];
        for (int j = 0; j < ind->def->n_out; j++)
            res[j] = buf[k][j];
        mt_ind_run(ind, n, in, time, res);
    }
    for (size_t i = 0; i < n; i++) {
        double v[MT_STRATEGY_MAX_IND][MT_IND_MAX_OUT];
        for (int k = 0; k < s->n_ind; k++)
            for (int j = 0; j < s->ind[k].def->n_out; j++)
                v[k][j] = buf[k][j][i];
        struct mt_setup found[MT_STRATEGY_MAX_SETUPS];
        int m = s->def->decide(s, col[MT_IN_CLOSE][i], (const double(*)[MT_IND_MAX_OUT])v, found);
        for (int j = 0; j < m; j++, ++*count) {
            found[j].time = time[i];
            if (*count < max_out)
                out[*count] = found[j];
        }
    }
}

int mt_strategy_step(struct mt_strategy *s, int64_t time, double o, double h, double l, double c, double volume,
                     struct mt_setup *out, int max_out)
{
    const double bar[MT_STRATEGY_N_COL] = {o, h, l, c, volume};
    const double *col[MT_STRATEGY_N_COL];
    for (int k = 0; k < MT_STRATEGY_N_COL; k++)
        col[k] = &bar[k];
    size_t count = 0;
    run_block(s, col, &time, 1, out, max_out > 0 ? (size_t)max_out : 0, &count);
    return (int)count;
}

size_t mt_strategy_run(struct mt_strategy *s, const struct mt_series *bars, size_t from, size_t n, struct mt_setup *out,
                       size_t max_out)
{
    size_t count = 0;
    for (size_t at = from; at < from + n; at += BLOCK) {
        size_t m = from + n - at < BLOCK ? from + n - at : BLOCK;
        const double *col[MT_STRATEGY_N_COL] = {bars->open + at, bars->high + at, bars->low + at, bars->close + at,
                                                bars->volume + at};
        run_block(s, col, bars->open_time + at, m, out, max_out, &count);
    }
    return count;
}

double mt_strategy_trail_stop(const struct mt_strategy *s, int side)
{
    return side > 0 ? s->trail_long : s->trail_short;
}
