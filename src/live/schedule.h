/* The session's schedule: which bars of a timeframe are due for an agent and
 * when the daemon should next wake, on Binance's bar grid (core/timeframe.h:
 * weeks open Monday 00:00 UTC, 1M bars are calendar months).
 *
 * A bar [open, next) is closed at `next` (Binance's close time is next - 1 ms)
 * and due once now >= next + grace: the grace gives the exchange time to
 * publish the final candle. An agent remembers the open time of the last bar
 * it processed; every bar that closed after it is due, oldest first, so a run
 * that starts late or after missed runs sees each closed bar exactly once.
 *
 * Pure functions: no clock reads (the caller passes now_ms from its struct
 * mt_clock), no allocation. Times are ms UTC. */
#ifndef MT_LIVE_SCHEDULE_H
#define MT_LIVE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/timeframe.h"

/* last_open_ms of an agent that has processed no bar of its timeframe yet. */
#define MT_SCHEDULE_NEVER INT64_MIN

/* Capacity of struct mt_due (the largest max mt_schedule_due accepts). */
#define MT_DUE_CAP 64

/* The bars due for one agent. */
struct mt_due {
    size_t n;                 /* bars due, in open[0..n) */
    int64_t open[MT_DUE_CAP]; /* their open times, oldest first, consecutive bars */
    int64_t skipped;          /* older closed bars not listed because more than max were due */
};

/* Fills out with the bars of tf that closed after the bar opening at
 * last_open_ms (aligned to tf, or MT_SCHEDULE_NEVER) and are due at now_ms
 * (close + grace_ms <= now_ms), oldest first. When more than max are due, the
 * newest max are listed and out->skipped counts the older ones: the caller
 * that processes the list moves its last bar to open[n - 1] and never sees
 * the skipped ones. An agent that never ran gets only the latest closed bar
 * (skipped 0): it missed nothing. Nothing is due (n 0) before the bar after
 * last_open_ms is due, including when last_open_ms is ahead of now (a clock
 * stepped back). 1 <= max <= MT_DUE_CAP, grace_ms >= 0. */
void mt_schedule_due(enum mt_tf tf, int64_t last_open_ms, int64_t now_ms, int64_t grace_ms,
                     size_t max, struct mt_due *out);

/* The wall time (ms UTC) at which the daemon should next wake for the agents
 * of timeframes tfs[0..n) whose last processed bars open at last[0..n)
 * (MT_SCHEDULE_NEVER allowed): the earliest time some bar becomes due, that
 * is the earliest close + grace_ms of the bar after each last one. Returns
 * now_ms when a bar is due already (mt_schedule_due would list it). n >= 1,
 * grace_ms >= 0. */
int64_t mt_schedule_next(const enum mt_tf *tfs, size_t n, const int64_t *last, int64_t now_ms,
                         int64_t grace_ms);

#endif
