/* Corruption sweep over a store file written by mtrader: every byte of the
 * file is altered with several bit patterns, one at a time, and the file is
 * read back through the store reader. Each outcome is a read error, an
 * identical read (the byte did not matter: statistics, ignored fields), or a
 * silent change; the store must never return changed data without an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/series.h"
#include "store/store.h"
#include "testutil.h"

#define H INT64_C(3600000)
#define T0 INT64_C(1704067200000) /* 2024-01-01 00:00 */

/* XOR masks applied to each byte: every single bit, and all bits. */
static const uint8_t patterns[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff};

/* A day of hourly candles with every field, some of them null. */
static void make_series(struct mt_series *s)
{
    mt_series_init(s, MT_F_ALL);
    for (int i = 0; i < 24; i++) {
        double p = 42000.0 + 17.25 * i;
        struct mt_candle c = {T0 + i * H, p, p + 40.5, p - 31.0, p + 8.0, 12.5 + i,
                              (12.5 + i) * p, 900.0 + i, 6.25 + i, (6.25 + i) * p};
        if (i % 7 == 3)
            c.trades = NAN;
        if (i % 5 == 1)
            c.taker_buy_quote = NAN;
        assert_int_equal(mt_series_append(s, &c, NULL), 0);
    }
}

static void flip_every_byte(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[4096];
    snprintf(path, sizeof path, "%s/BTCUSDT.parquet", dir);
    struct mt_series orig, back;
    make_series(&orig);
    mt_series_init(&back, 0);
    struct mt_err err = {0};
    assert_int_equal(mt_store_write_file(path, &orig, &err), 0);
    size_t size;
    uint8_t *good = (uint8_t *)tu_read_file(path, &size);
    assert_int_equal(mt_store_read_file(path, &back, &err), 0);
    assert_true(tu_series_same(&orig, &back));

    /* Bytes are changed in place: rewriting the file (truncate + write) costs
     * a forced writeback per variant on ext4. */
    size_t errors = 0, identical = 0, silent = 0;
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    for (size_t i = 0; i < size; i++) {
        for (size_t k = 0; k < sizeof patterns; k++) {
            uint8_t b = good[i] ^ patterns[k];
            assert_int_equal(pwrite(fd, &b, 1, (off_t)i), 1);
            mt_err_clear(&err);
            if (mt_store_read_file(path, &back, &err) != 0) {
                errors++;
            } else if (tu_series_same(&orig, &back)) {
                identical++;
            } else {
                silent++;
                print_message("silent change: byte %zu of %zu ^ 0x%02x\n", i, size, patterns[k]);
            }
        }
        assert_int_equal(pwrite(fd, &good[i], 1, (off_t)i), 1);
    }
    print_message("%zu bytes x %zu patterns: %zu read errors, %zu identical, %zu silent\n", size,
                  sizeof patterns, errors, identical, silent);
    assert_int_equal(silent, 0);
    close(fd);
    free(good);
    mt_series_release(&orig);
    mt_series_release(&back);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flip_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
