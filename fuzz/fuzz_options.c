/* Fuzz target: the parsers of option values — dates (mt_time_parse),
 * timeframe names (mt_tf_parse) and strategy ids (mt_strategy_parse) — never
 * crash or leak, and what they accept round-trips: a date formats back to
 * the same instant (whole seconds, years 1970-9999), a timeframe's name parses
 * to it, a strategy's canonical id parses to the same id. An accepted
 * strategy then runs over a few bars. The input is the text (the first byte
 * picks the strategy's timeframe). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/timeframe.h"
#include "strategy/strategy.h"

#define FUZZ_MAX_TEXT 256
#define FUZZ_BARS 40
/* 9999-12-31 23:59:59.999 */
#define FUZZ_LAST_MS INT64_C(253402300799999)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_date(const char *text)
{
    int64_t t, back;
    char buf[64];
    struct mt_err err = {0};
    if (mt_time_parse(text, &t, &err) != 0 || t < 0 || t > FUZZ_LAST_MS || t % 1000 != 0)
        return;
    if (mt_time_parse(mt_time_format(t, buf, sizeof buf), &back, &err) != 0 || back != t)
        abort();
}

static void check_tf(const char *text)
{
    enum mt_tf tf, back;
    struct mt_err err = {0};
    if (mt_tf_parse(text, &tf, &err) != 0)
        return;
    if (mt_tf_parse(mt_tf_name(tf), &back, &err) != 0 || back != tf)
        abort();
}

static void check_strategy(const char *text, enum mt_tf tf)
{
    struct mt_strategy s, again;
    struct mt_err err = {0};
    if (mt_strategy_parse(text, tf, 0.001, &s, &err) != 0)
        return;
    if (mt_strategy_parse(mt_strategy_id(&s), tf, 0.001, &again, &err) != 0)
        abort();
    if (strcmp(mt_strategy_id(&s), mt_strategy_id(&again)) != 0)
        abort();
    mt_strategy_release(&again);
    struct mt_setup out[MT_STRATEGY_MAX_SETUPS];
    int64_t t = INT64_C(1704067200000); /* 2024-01-01, a Monday: the start of every bucket */
    for (int i = 0; i < FUZZ_BARS; i++) {
        double c = 100.0 + 10.0 * sin(i * 0.5);
        if (mt_strategy_step(&s, t, c - 1, c + 2, c - 3, c, 10.0, out, MT_STRATEGY_MAX_SETUPS) < 0)
            abort();
        t = mt_tf_next(tf, t);
    }
    mt_strategy_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > FUZZ_MAX_TEXT)
        return 0;
    enum mt_tf tf = (enum mt_tf)(data[0] % MT_TF_COUNT);
    char text[FUZZ_MAX_TEXT];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    check_date(text);
    check_tf(text);
    check_strategy(text, tf);
    return 0;
}
