/* Column naming and time units shared by the Parquet reader and the CSV
 * importer, so that both recognise the same OHLCV columns under the names that
 * Binance, pandas, polars, DuckDB and freqtrade use. */
#ifndef MT_STORE_COLUMNS_H
#define MT_STORE_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

/* Role of Binance's close_time column (not an mt_field: it is only checked). */
#define MT_COLUMNS_CLOSE_TIME (1u << 16)

/* Classifies a column name of len bytes (case-insensitive; ' ' and '_' are
 * equal, so "Number of trades" matches number_of_trades). Returns the mt_field
 * bit it fills (MT_F_OPEN_TIME for the time column), MT_COLUMNS_CLOSE_TIME, or
 * 0 for a column to ignore. *rank (may be NULL) is the alias position, 0 for
 * the canonical name: when several columns map to one field, the lowest rank
 * wins. Time aliases: open_time, timestamp, date, datetime, time, open_date.
 * Others: quote_asset_volume -> quote_volume; number_of_trades, count,
 * num_trades -> trades; taker_buy_base_asset_volume, taker_buy_volume ->
 * taker_buy_base; taker_buy_quote_asset_volume, taker_buy_quote_volume ->
 * taker_buy_quote. */
unsigned mt_columns_classify(const char *name, size_t len, int *rank);

/* Converts an integer epoch timestamp of unknown unit to ms UTC by magnitude,
 * as Binance archives switch units without notice: |v| >= 1e18 is ns,
 * >= 1e15 is µs, else ms. Sub-millisecond parts are floored. */
int64_t mt_columns_epoch_to_ms(int64_t v);

#endif
