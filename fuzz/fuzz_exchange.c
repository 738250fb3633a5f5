/* Fuzz target: the parsers of Binance's exchangeInfo, ticker/24hr,
 * ticker/bookTicker and depth bodies never crash or leak, whatever JSON the
 * server sends, and a failed parse leaves its output empty. Every body is
 * given to every parser. (klines and error bodies: fuzz_klines.c.) */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "exchange/binance.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = cJSON_ParseWithLength((const char *)data, size);
    if (!root)
        return 0;
    struct mt_err err = {0};
    struct mt_exchange_info info;
    if (mt_binance_exchange_info_parse(root, &info, &err) != 0 && (info.n || info.symbols))
        abort();
    mt_exchange_info_release(&info);
    struct mt_ticker24 *t24;
    size_t n;
    if (mt_binance_tickers_24h_parse(root, &t24, &n, &err) != 0 && (n || t24))
        abort();
    free(t24);
    struct mt_book_ticker *bt;
    if (mt_binance_book_tickers_parse(root, &bt, &n, &err) != 0 && (n || bt))
        abort();
    free(bt);
    struct mt_depth depth;
    if (mt_binance_depth_parse(root, "depth BTCUSDT", &depth, &err) != 0 && (depth.nbids || depth.nasks))
        abort();
    mt_depth_release(&depth);
    cJSON_Delete(root);
    return 0;
}
