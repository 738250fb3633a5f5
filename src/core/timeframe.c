#include "core/timeframe.h"

#include <string.h>

#include "core/time.h"

static const struct {
    const char *name;
    int64_t ms; /* 0 for calendar months */
} tf_table[MT_TF_COUNT] = {
    [MT_TF_1M_MIN] = {"1m", MT_MS_MINUTE},    [MT_TF_3M] = {"3m", 3 * MT_MS_MINUTE},
    [MT_TF_5M] = {"5m", 5 * MT_MS_MINUTE},    [MT_TF_15M] = {"15m", 15 * MT_MS_MINUTE},
    [MT_TF_30M] = {"30m", 30 * MT_MS_MINUTE}, [MT_TF_1H] = {"1h", MT_MS_HOUR},
    [MT_TF_2H] = {"2h", 2 * MT_MS_HOUR},      [MT_TF_4H] = {"4h", 4 * MT_MS_HOUR},
    [MT_TF_6H] = {"6h", 6 * MT_MS_HOUR},      [MT_TF_8H] = {"8h", 8 * MT_MS_HOUR},
    [MT_TF_12H] = {"12h", 12 * MT_MS_HOUR},   [MT_TF_1D] = {"1d", MT_MS_DAY},
    [MT_TF_3D] = {"3d", 3 * MT_MS_DAY},       [MT_TF_1W] = {"1w", 7 * MT_MS_DAY},
    [MT_TF_1MO] = {"1M", 0},
};

/* 1970-01-01 was a Thursday; Binance weeks open on Monday 1970-01-05. */
#define MT_FIRST_MONDAY_MS (4 * MT_MS_DAY)

int mt_tf_parse(const char *name, enum mt_tf *out, struct mt_err *err)
{
    for (int i = 0; i < MT_TF_COUNT; i++) {
        if (strcmp(name, tf_table[i].name) == 0) {
            *out = (enum mt_tf)i;
            return MT_OK;
        }
    }
    if (strcmp(name, "1mo") == 0) {
        *out = MT_TF_1MO;
        return MT_OK;
    }
    return mt_err_set(err, MT_EINVAL,
                      "unknown timeframe '%s': expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h "
                      "1d 3d 1w 1M",
                      name);
}

const char *mt_tf_name(enum mt_tf tf)
{
    return tf >= 0 && tf < MT_TF_COUNT ? tf_table[tf].name : "?";
}

int64_t mt_tf_ms(enum mt_tf tf)
{
    return tf_table[tf].ms;
}

static int64_t floor_mod_base(int64_t t, int64_t base, int64_t len)
{
    int64_t r = (t - base) % len;
    if (r < 0)
        r += len;
    return t - r;
}

int64_t mt_tf_floor(enum mt_tf tf, int64_t t)
{
    if (tf == MT_TF_1MO) {
        int64_t days = floor_mod_base(t, 0, MT_MS_DAY) / MT_MS_DAY;
        int64_t y;
        unsigned m, d;
        mt_civil_from_days(days, &y, &m, &d);
        return mt_days_from_civil(y, m, 1) * MT_MS_DAY;
    }
    /* Weeks align to Monday; every other length (including 3d) to the epoch. */
    int64_t base = tf == MT_TF_1W ? MT_FIRST_MONDAY_MS : 0;
    return floor_mod_base(t, base, tf_table[tf].ms);
}

int64_t mt_tf_next(enum mt_tf tf, int64_t open_time)
{
    if (tf == MT_TF_1MO) {
        int64_t y;
        unsigned m, d;
        mt_civil_from_days(open_time / MT_MS_DAY, &y, &m, &d);
        return mt_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * MT_MS_DAY;
    }
    return open_time + tf_table[tf].ms;
}

bool mt_tf_aligned(enum mt_tf tf, int64_t t)
{
    return mt_tf_floor(tf, t) == t;
}

bool mt_tf_divides(enum mt_tf fine, enum mt_tf coarse)
{
    if (fine == coarse)
        return true;
    if (coarse == MT_TF_1MO)
        return fine != MT_TF_1W && fine != MT_TF_3D; /* months start on any weekday */
    if (fine == MT_TF_1MO)
        return false;
    int64_t f = tf_table[fine].ms, c = tf_table[coarse].ms;
    if (c <= f || c % f != 0)
        return false;
    /* Buckets must also start on a fine boundary: week starts (Mondays) are on
     * the day grid but not on the 3-day grid. */
    return !(coarse == MT_TF_1W && fine == MT_TF_3D);
}
