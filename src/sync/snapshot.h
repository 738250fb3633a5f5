/* The market snapshot of a sync's universe. Internal to sync/. */
#ifndef MT_SYNC_SNAPSHOT_H
#define MT_SYNC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "exchange/binance.h"
#include "sync/universe.h"

/* Appends to the snapshot store of data_dir one row per symbol of u at `now`:
 * 24 h stats (tickers from tk), best bid/ask and spread, and the ranks from
 * the stored candles of rank_tf. *rows = rows added or replaced. Returns 0,
 * the exchange's, the ranks' or the store's error, MT_ENOMEM. */
int mt_sync_snapshot(const char *data_dir, struct mt_binance *b, struct mt_sync_tickers *tk,
                     const struct mt_sync_universe *u, enum mt_tf rank_tf, int64_t now,
                     size_t *rows, struct mt_err *err);

#endif
