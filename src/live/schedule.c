#include "live/schedule.h"

#include <assert.h>

#include "core/time.h"

/* Months since year 0 of the 1M bar opening at the aligned time t. */
static int64_t month_index(int64_t t)
{
    int64_t y;
    unsigned m, d;
    mt_civil_from_days(t / MT_MS_DAY, &y, &m, &d);
    return y * 12 + (int64_t)m - 1;
}

/* Number of bars of tf opening in (a, b]; a <= b, both aligned. */
static int64_t bars_after(enum mt_tf tf, int64_t a, int64_t b)
{
    if (tf == MT_TF_1MO)
        return month_index(b) - month_index(a);
    return (b - a) / mt_tf_ms(tf);
}

/* Open time of the newest bar of tf that closed at or before t. */
static int64_t latest_closed(enum mt_tf tf, int64_t t)
{
    /* The bar containing t is still open; the one before it closed at its open. */
    return mt_tf_floor(tf, mt_tf_floor(tf, t) - 1);
}

void mt_schedule_due(enum mt_tf tf, int64_t last_open_ms, int64_t now_ms, int64_t grace_ms,
                     size_t max, struct mt_due *out)
{
    assert(tf >= 0 && tf < MT_TF_COUNT);
    assert(max >= 1 && max <= MT_DUE_CAP);
    assert(grace_ms >= 0);
    assert(last_open_ms == MT_SCHEDULE_NEVER || mt_tf_aligned(tf, last_open_ms));
    int64_t latest = latest_closed(tf, now_ms - grace_ms);
    int64_t count;
    if (last_open_ms == MT_SCHEDULE_NEVER)
        count = 1;
    else
        count = latest > last_open_ms ? bars_after(tf, last_open_ms, latest) : 0;
    size_t n = count > (int64_t)max ? max : (size_t)count;
    out->n = n;
    out->skipped = count - (int64_t)n;
    int64_t open = latest;
    for (size_t i = n; i-- > 0;) {
        out->open[i] = open;
        open = mt_tf_floor(tf, open - 1);
    }
}

int64_t mt_schedule_next(const enum mt_tf *tfs, size_t n, const int64_t *last, int64_t now_ms,
                         int64_t grace_ms)
{
    assert(n >= 1);
    assert(grace_ms >= 0);
    int64_t wake = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (last[i] == MT_SCHEDULE_NEVER)
            return now_ms;
        assert(mt_tf_aligned(tfs[i], last[i]));
        int64_t due_at = mt_tf_next(tfs[i], mt_tf_next(tfs[i], last[i])) + grace_ms;
        if (due_at <= now_ms)
            return now_ms;
        if (due_at < wake)
            wake = due_at;
    }
    return wake;
}
