/* The clock seam: every "now" and every pause of the program comes from a
 * struct mt_clock, so tests (and, later, replays) can run minutes of
 * rate-limit windows, backoffs and timeouts instantly on a virtual clock.
 *
 * A clock is three functions and their context (the shape of SQLite's VFS).
 * mt_clock_wall() is the real one. Modules take a `const struct mt_clock *`
 * in their config or as an argument, where NULL means the wall clock
 * (mt_clock_or_wall), so callers that do not care keep working unchanged.
 * Thread safety is the clock's: the wall clock and struct mt_vclock may be
 * read and advanced from any thread. */
#ifndef MT_CORE_CLOCK_H
#define MT_CORE_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

struct mt_clock {
    int64_t (*now_ms)(void *ctx);  /* wall-clock time, ms UTC (may step) */
    int64_t (*mono_ms)(void *ctx); /* monotonic ms from an arbitrary origin: elapsed time, timeouts */
    void (*sleep_ms)(void *ctx, int64_t ms); /* pauses ms >= 0 (all of it: a signal does not cut it short) */
    void *ctx;
};

/* The real clock: CLOCK_REALTIME, CLOCK_MONOTONIC and nanosleep. A static
 * object that lives for the whole program. */
const struct mt_clock *mt_clock_wall(void);

/* c, or the wall clock when c is NULL. */
const struct mt_clock *mt_clock_or_wall(const struct mt_clock *c);

static inline int64_t mt_clock_now(const struct mt_clock *c)
{
    return c->now_ms(c->ctx);
}

static inline int64_t mt_clock_mono(const struct mt_clock *c)
{
    return c->mono_ms(c->ctx);
}

/* Pauses ms; nothing for ms <= 0. */
static inline void mt_clock_sleep(const struct mt_clock *c, int64_t ms)
{
    if (ms > 0)
        c->sleep_ms(c->ctx, ms);
}

/* A virtual clock: time stands still until a sleep or mt_vclock_advance
 * moves it, so sleeping costs no real time. Its `clock` member is the
 * struct mt_clock to hand out (it points back at the vclock, so the vclock
 * must not move while in use). Reads and moves are atomic. */
struct mt_vclock {
    struct mt_clock clock;
    _Atomic int64_t wall_ms;
    _Atomic int64_t mono_ms;
};

/* Starts v at wall time now_ms (ms UTC) and monotonic time 0; allocates nothing. */
void mt_vclock_init(struct mt_vclock *v, int64_t now_ms);

/* Steps the wall time to now_ms (as an NTP step would); the monotonic time
 * does not move. */
void mt_vclock_set(struct mt_vclock *v, int64_t now_ms);

/* Moves both times ms >= 0 ahead (what a sleep of ms does). */
void mt_vclock_advance(struct mt_vclock *v, int64_t ms);

#endif
