/* The universe of a sync: explicit symbols or the quote's trading symbols. */
#include "sync/universe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/store.h"

int mt_sync_tickers_get(struct mt_binance *b, struct mt_sync_tickers *tk, struct mt_err *err)
{
    if (tk->fetched)
        return MT_OK;
    int rc = mt_binance_tickers_24h(b, &tk->t, &tk->n, err);
    tk->fetched = rc == MT_OK;
    return rc;
}

void mt_sync_universe_release(struct mt_sync_universe *u)
{
    free(u->names);
    u->names = NULL;
    u->n = 0;
}

/* True if `item` is one of the comma-separated names in list. */
static bool in_comma_list(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

static int compare_volume_desc(const void *a, const void *b)
{
    const struct mt_ticker24 *x = a, *y = b;
    return x->quote_volume < y->quote_volume ? 1 : (x->quote_volume > y->quote_volume ? -1 : 0);
}

static const struct mt_symbol_info *find_symbol(const struct mt_exchange_info *info,
                                                const char *symbol)
{
    for (size_t i = 0; i < info->n; i++)
        if (strcmp(info->symbols[i].symbol, symbol) == 0)
            return &info->symbols[i];
    return NULL;
}

/* cfg->symbols into out: each in info and trading, repeats once. */
static int explicit_symbols(const struct mt_sync_config *cfg, const struct mt_exchange_info *info,
                            struct mt_sync_universe *out, struct mt_err *err)
{
    size_t len = strlen(cfg->symbols);
    char *buf = malloc(len + 1);
    if (!buf)
        return mt_err_set(err, MT_ENOMEM, "out of memory for the symbol list");
    memcpy(buf, cfg->symbols, len + 1);
    int rc = MT_OK;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        const struct mt_symbol_info *s = find_symbol(info, tok);
        bool trading = s && strcmp(s->status, "TRADING") == 0;
        if (!trading && cfg->skip_untradable) { /* a session's pair that was delisted: nothing to fetch */
            mt_log(MT_LOG_INFO, "%s: %s is %s: not fetched", cfg->log_tag, tok,
                   s ? "not trading" : "not in exchangeInfo");
            continue;
        }
        if (!s) {
            rc = mt_err_set(err, MT_EINVAL, "unknown symbol '%s': not in exchangeInfo", tok);
            break;
        }
        if (!trading) {
            rc = mt_err_set(err, MT_EINVAL, "symbol %s is not trading (status %s)", tok, s->status);
            break;
        }
        bool seen = false;
        for (size_t k = 0; k < out->n && !seen; k++)
            seen = strcmp(out->names[k], tok) == 0;
        if (seen)
            mt_log_debug("%s: symbol %s listed twice: fetched once", cfg->log_tag, tok);
        else if (out->n < info->n)
            snprintf(out->names[out->n++], MT_SYMBOL_MAX, "%s", tok);
    }
    free(buf);
    return rc;
}

/* Keeps in out the top symbols of highest 24 h quote volume (sorts tk). */
static void keep_top(size_t top, struct mt_sync_tickers *tk, struct mt_sync_universe *out)
{
    struct mt_ticker24 *t = tk->t;
    qsort(t, tk->n, sizeof *t, compare_volume_desc);
    size_t kept = 0;
    for (size_t i = 0; i < tk->n && kept < top; i++) {
        for (size_t k = kept; k < out->n; k++) {
            if (strcmp(out->names[k], t[i].symbol) == 0) {
                char tmp[MT_SYMBOL_MAX];
                memcpy(tmp, out->names[kept], MT_SYMBOL_MAX);
                memcpy(out->names[kept], out->names[k], MT_SYMBOL_MAX);
                memcpy(out->names[k], tmp, MT_SYMBOL_MAX);
                kept++;
                break;
            }
        }
    }
    out->n = kept;
}

int mt_sync_universe_select(const struct mt_sync_config *cfg, struct mt_binance *b,
                            const struct mt_exchange_info *info, struct mt_sync_tickers *tk,
                            struct mt_sync_universe *out, struct mt_err *err)
{
    out->n = 0;
    out->names = calloc(info->n ? info->n : 1, sizeof *out->names);
    if (!out->names)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu symbols", info->n);
    if (cfg->symbols)
        return explicit_symbols(cfg, info, out, err);
    for (size_t i = 0; i < info->n; i++) {
        const struct mt_symbol_info *s = &info->symbols[i];
        if (strcmp(s->status, "TRADING") == 0 && strcmp(s->quote, cfg->quote) == 0 &&
            !in_comma_list(cfg->exclude_bases, s->base) && mt_store_symbol_valid(s->symbol))
            snprintf(out->names[out->n++], MT_SYMBOL_MAX, "%s", s->symbol);
    }
    if (cfg->top == 0 || cfg->top >= out->n)
        return MT_OK;
    int rc = mt_sync_tickers_get(b, tk, err);
    if (rc)
        return rc;
    keep_top(cfg->top, tk, out);
    return MT_OK;
}
