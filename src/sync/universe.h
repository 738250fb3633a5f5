/* The symbols a sync keeps fresh, and the 24 h tickers it fetches at most
 * once per run (for the top-N universe and for the snapshot). Internal to
 * sync/. */
#ifndef MT_SYNC_UNIVERSE_H
#define MT_SYNC_UNIVERSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "exchange/binance.h"
#include "sync/sync.h"

/* 24 h tickers, fetched once per run when needed. */
struct mt_sync_tickers {
    struct mt_ticker24 *t; /* owned (free()) */
    size_t n;
    bool fetched;
};

/* Fetches the tickers into tk unless it holds them already. */
int mt_sync_tickers_get(struct mt_binance *b, struct mt_sync_tickers *tk, struct mt_err *err);

/* A list of symbol names. */
struct mt_sync_universe {
    size_t n;
    char (*names)[MT_SYMBOL_MAX]; /* owned */
};

void mt_sync_universe_release(struct mt_sync_universe *u);

/* The symbols to download into out (empty on entry): cfg->symbols (each must
 * be in info and TRADING, else MT_EINVAL naming it; a repeat counts once), or
 * the TRADING symbols of cfg->quote whose base is not in cfg->exclude_bases
 * and whose name the store accepts, reduced to the cfg->top of highest 24 h
 * quote volume (tickers from tk) when top > 0. MT_ENOMEM. */
int mt_sync_universe_select(const struct mt_sync_config *cfg, struct mt_binance *b,
                            const struct mt_exchange_info *info, struct mt_sync_tickers *tk,
                            struct mt_sync_universe *out, struct mt_err *err);

#endif
