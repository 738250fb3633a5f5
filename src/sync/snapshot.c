/* The market snapshot: tickers, book spreads and ranks of the universe. */
#include "sync/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "store/market.h"
#include "store/ranks.h"

/* The 24 h stats and the book of row->symbol into row. */
static void fill_row(struct mt_market_row *row, const struct mt_sync_tickers *tk,
                     const struct mt_book_ticker *book, size_t nbook)
{
    for (size_t k = 0; k < tk->n; k++) {
        if (strcmp(tk->t[k].symbol, row->symbol) == 0) {
            row->last_price = tk->t[k].last_price;
            row->price_change_pct_24h = tk->t[k].price_change_percent;
            row->quote_volume_24h = tk->t[k].quote_volume;
            break;
        }
    }
    for (size_t k = 0; k < nbook; k++) {
        if (strcmp(book[k].symbol, row->symbol) == 0) {
            row->bid = book[k].bid;
            row->ask = book[k].ask;
            row->spread = mt_market_spread(book[k].bid, book[k].ask);
            break;
        }
    }
}

int mt_sync_snapshot(const char *data_dir, struct mt_binance *b, struct mt_sync_tickers *tk,
                     const struct mt_sync_universe *u, enum mt_tf rank_tf, int64_t now,
                     size_t *rows_out, struct mt_err *err)
{
    struct mt_book_ticker *book = NULL;
    size_t nbook = 0;
    int rc = mt_sync_tickers_get(b, tk, err);
    if (!rc)
        rc = mt_binance_book_tickers(b, &book, &nbook, err);
    if (rc)
        return rc;
    struct mt_market_row *rows = calloc(u->n ? u->n : 1, sizeof *rows);
    if (!rows) {
        free(book);
        return mt_err_set(err, MT_ENOMEM, "out of memory for a snapshot of %zu symbols", u->n);
    }
    for (size_t i = 0; i < u->n && !rc; i++) {
        rc = mt_market_row_init(&rows[i], now, u->names[i], err);
        if (!rc)
            fill_row(&rows[i], tk, book, nbook);
    }
    struct mt_market_report rep;
    if (!rc)
        rc = mt_ranks_fill(data_dir, rank_tf, now, rows, u->n, NULL, err);
    if (!rc)
        rc = mt_market_append(data_dir, rows, u->n, &rep, err);
    if (!rc)
        *rows_out = rep.added + rep.replaced;
    free(rows);
    free(book);
    return rc;
}
