#include "store/columns.h"

#include <stdbool.h>
#include <string.h>

#include "core/series.h"

#define MT_MAX_ALIASES 6

static const struct {
    unsigned role;
    const char *names[MT_MAX_ALIASES]; /* canonical first; NULL-terminated when shorter */
} column_names[] = {
    {MT_F_OPEN_TIME, {"open_time", "timestamp", "date", "datetime", "time", "open_date"}},
    {MT_F_OPEN, {"open"}},
    {MT_F_HIGH, {"high"}},
    {MT_F_LOW, {"low"}},
    {MT_F_CLOSE, {"close"}},
    {MT_F_VOLUME, {"volume"}},
    {MT_F_QUOTE_VOLUME, {"quote_volume", "quote_asset_volume"}},
    {MT_F_TRADES, {"trades", "number_of_trades", "count", "num_trades"}},
    {MT_F_TAKER_BUY_BASE, {"taker_buy_base", "taker_buy_base_asset_volume", "taker_buy_volume"}},
    {MT_F_TAKER_BUY_QUOTE,
     {"taker_buy_quote", "taker_buy_quote_asset_volume", "taker_buy_quote_volume"}},
    {MT_COLUMNS_CLOSE_TIME, {"close_time"}},
};

static char fold(char c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c == ' ' ? '_' : c;
}

static bool name_equals(const char *name, size_t len, const char *canon)
{
    size_t n = strlen(canon);
    if (n != len)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (fold(name[i]) != canon[i])
            return false;
    }
    return true;
}

unsigned mt_columns_classify(const char *name, size_t len, int *rank)
{
    for (size_t i = 0; i < sizeof column_names / sizeof column_names[0]; i++) {
        for (int a = 0; a < MT_MAX_ALIASES && column_names[i].names[a]; a++) {
            if (name_equals(name, len, column_names[i].names[a])) {
                if (rank)
                    *rank = a;
                return column_names[i].role;
            }
        }
    }
    return 0;
}

static int64_t floor_div(int64_t v, int64_t d)
{
    int64_t q = v / d;
    return (v % d != 0 && v < 0) ? q - 1 : q;
}

int64_t mt_columns_epoch_to_ms(int64_t v)
{
    /* Compare magnitudes without negating INT64_MIN. */
    if (v >= INT64_C(1000000000000000000) || v <= -INT64_C(1000000000000000000))
        return floor_div(v, 1000000);
    if (v >= INT64_C(1000000000000000) || v <= -INT64_C(1000000000000000))
        return floor_div(v, 1000);
    return v;
}
