/* The indicator registry: the family tables, lookup, option checks and the
 * generic instance (state allocation, run, reset). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/families.h"
#include "features/indicator.h"

static const char *const input_names[MT_IN_COUNT] = {
    "open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_base", "taker_quote",
};

const char *mt_ind_input_name(enum mt_ind_input in)
{
    return (unsigned)in < MT_IN_COUNT ? input_names[in] : "?";
}

int mt_ind_input_parse(const char *name)
{
    for (int i = 0; i < MT_IN_COUNT; i++)
        if (strcmp(name, input_names[i]) == 0)
            return i;
    return -1;
}

const double *mt_ind_input_column(const struct mt_series *s, enum mt_ind_input in)
{
    static const unsigned field[MT_IN_COUNT] = {
        MT_F_OPEN,   MT_F_HIGH,         MT_F_LOW,    MT_F_CLOSE,          MT_F_VOLUME,
        MT_F_QUOTE_VOLUME, MT_F_TRADES, MT_F_TAKER_BUY_BASE, MT_F_TAKER_BUY_QUOTE,
    };
    if ((unsigned)in >= MT_IN_COUNT || !(s->fields & field[in]))
        return NULL;
    const double *const col[MT_IN_COUNT] = {
        s->open,   s->high,           s->low,    s->close,          s->volume,
        s->quote_volume, s->trades, s->taker_buy_base, s->taker_buy_quote,
    };
    return col[in];
}

/* Every family table, in listing order. */
static const struct family {
    const struct mt_ind_def *defs;
    const size_t *n;
} families[] = {MT_IND_FAMILIES};

#define NFAMILIES (sizeof families / sizeof families[0])

size_t mt_ind_count(void)
{
    size_t n = 0;
    for (size_t f = 0; f < NFAMILIES; f++)
        n += *families[f].n;
    return n;
}

const struct mt_ind_def *mt_ind_at(size_t i)
{
    for (size_t f = 0; f < NFAMILIES; f++) {
        if (i < *families[f].n)
            return &families[f].defs[i];
        i -= *families[f].n;
    }
    return NULL;
}

const struct mt_ind_def *mt_ind_find(const char *name)
{
    for (size_t f = 0; f < NFAMILIES; f++)
        for (size_t i = 0; i < *families[f].n; i++)
            if (strcmp(families[f].defs[i].name, name) == 0)
                return &families[f].defs[i];
    return NULL;
}

int mt_ind_opt_index(const struct mt_ind_def *def, const char *name)
{
    for (int k = 0; k < def->n_opt; k++)
        if (strcmp(def->opt[k].name, name) == 0)
            return k;
    return -1;
}

int mt_ind_out_index(const struct mt_ind_def *def, const char *name)
{
    for (int k = 0; k < def->n_out; k++)
        if (strcmp(def->out[k], name) == 0)
            return k;
    return -1;
}

void mt_ind_defaults(const struct mt_ind_def *def, struct mt_ind_ctx *c)
{
    for (int k = 0; k < MT_IND_MAX_OPT; k++)
        c->opt[k] = k < def->n_opt ? def->opt[k].def : 0.0;
}

int mt_ind_validate(const struct mt_ind_def *def, const struct mt_ind_ctx *c, struct mt_err *err)
{
    for (int k = 0; k < def->n_opt; k++) {
        const struct mt_ind_opt *o = &def->opt[k];
        double v = c->opt[k];
        if (!(v >= o->min && v <= o->max))
            return mt_err_set(err, MT_EINVAL, "indicator %s: option %s = %g is outside [%g, %g]", def->name,
                              o->name, v, o->min, o->max);
        if (o->integer && v != floor(v))
            return mt_err_set(err, MT_EINVAL, "indicator %s: option %s = %g must be an integer", def->name,
                              o->name, v);
    }
    return def->check ? def->check(c, err) : 0;
}

int mt_ind_init(struct mt_ind *ind, const struct mt_ind_def *def, const struct mt_ind_ctx *c,
                struct mt_err *err)
{
    memset(ind, 0, sizeof *ind);
    int rc = mt_ind_validate(def, c, err);
    if (rc)
        return rc;
    ind->def = def;
    ind->ctx = *c;
    memcpy(ind->in, def->in, sizeof ind->in);
    size_t size = def->state_size(c);
    ind->state = calloc(1, size ? size : 1);
    if (!ind->state)
        return mt_err_set(err, MT_ENOMEM, "indicator %s: out of memory for %zu bytes of state", def->name, size);
    def->init(ind->state, &ind->ctx);
    return 0;
}

void mt_ind_release(struct mt_ind *ind)
{
    free(ind->state);
    ind->state = NULL;
}

void mt_ind_reset(struct mt_ind *ind)
{
    ind->def->init(ind->state, &ind->ctx);
}

void mt_ind_run(struct mt_ind *ind, size_t n, const double *const *in, const int64_t *time,
                double *const *out)
{
    ind->def->run(ind->state, &ind->ctx, n, in, time, out);
}

int mt_ind_lookback(const struct mt_ind *ind)
{
    return ind->def->lookback(&ind->ctx);
}
