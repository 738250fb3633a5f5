#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"
#include "store/catalog.h"
#include "testutil.h"

static void touch(const char *dir, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char folder[1024];
    snprintf(folder, sizeof folder, "%s", path);
    *strrchr(folder, '/') = '\0';
    assert_int_equal(mt_mkdirs(folder, NULL), 0);
    tu_write_file(path, "x", 1);
}

static void lists_sorted_and_ignores_strangers(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    touch(dir, "ohlcv/1h/ETHUSDT.parquet");
    touch(dir, "ohlcv/1h/BTCUSDT.parquet");
    touch(dir, "ohlcv/1d/BTCUSDT.parquet");
    touch(dir, "ohlcv/4h/BTCUSDT.parquet");
    touch(dir, "ohlcv/1h/.BTCUSDT.parquet.tmp-abc123"); /* an interrupted write */
    touch(dir, "ohlcv/1h/notes.txt");
    touch(dir, "ohlcv/1h/btcusdt.parquet");             /* not a Binance symbol */
    touch(dir, "ohlcv/hourly/BTCUSDT.parquet");         /* not a timeframe */
    touch(dir, "ohlcv/1mo/BTCUSDT.parquet");            /* archive spelling, not the store's */

    struct mt_catalog cat;
    assert_int_equal(mt_catalog_list(dir, NULL, NULL, &cat, NULL), 0);
    assert_int_equal(cat.n, 4);
    assert_string_equal(cat.entries[0].symbol, "BTCUSDT");
    assert_int_equal(cat.entries[0].tf, MT_TF_1H);
    assert_int_equal(cat.entries[1].tf, MT_TF_4H);
    assert_int_equal(cat.entries[2].tf, MT_TF_1D);
    assert_string_equal(cat.entries[3].symbol, "ETHUSDT");
    mt_catalog_release(&cat);

    enum mt_tf h1 = MT_TF_1H;
    assert_int_equal(mt_catalog_list(dir, "BTCUSDT", &h1, &cat, NULL), 0);
    assert_int_equal(cat.n, 1);
    assert_int_equal(cat.entries[0].tf, MT_TF_1H);
    mt_catalog_release(&cat);
    tu_rmtree(dir);
    free(dir);
}

static void missing_store_is_empty(void **state)
{
    (void)state;
    struct mt_catalog cat;
    assert_int_equal(mt_catalog_list("/nonexistent/mtrader-store", NULL, NULL, &cat, NULL), 0);
    assert_int_equal(cat.n, 0);
    mt_catalog_release(&cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_sorted_and_ignores_strangers),
        cmocka_unit_test(missing_store_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
