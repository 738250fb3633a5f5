#include "core/clock.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <time.h>

static int64_t timespec_ms(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

static int64_t wall_now(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return timespec_ms(&ts);
}

static int64_t wall_mono(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return timespec_ms(&ts);
}

static void wall_sleep(void *ctx, int64_t ms)
{
    (void)ctx;
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    /* nanosleep leaves the time still to sleep in ts when a signal interrupts it */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

static const struct mt_clock wall = {wall_now, wall_mono, wall_sleep, NULL};

const struct mt_clock *mt_clock_wall(void)
{
    return &wall;
}

const struct mt_clock *mt_clock_or_wall(const struct mt_clock *c)
{
    return c ? c : &wall;
}

static int64_t vclock_now(void *ctx)
{
    struct mt_vclock *v = ctx;
    return atomic_load(&v->wall_ms);
}

static int64_t vclock_mono(void *ctx)
{
    struct mt_vclock *v = ctx;
    return atomic_load(&v->mono_ms);
}

static void vclock_sleep(void *ctx, int64_t ms)
{
    mt_vclock_advance(ctx, ms);
}

void mt_vclock_init(struct mt_vclock *v, int64_t now_ms)
{
    v->clock = (struct mt_clock){vclock_now, vclock_mono, vclock_sleep, v};
    atomic_init(&v->wall_ms, now_ms);
    atomic_init(&v->mono_ms, 0);
}

void mt_vclock_set(struct mt_vclock *v, int64_t now_ms)
{
    atomic_store(&v->wall_ms, now_ms);
}

void mt_vclock_advance(struct mt_vclock *v, int64_t ms)
{
    assert(ms >= 0);
    atomic_fetch_add(&v->wall_ms, ms);
    atomic_fetch_add(&v->mono_ms, ms);
}
