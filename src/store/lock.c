#include "store/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/atomic.h"

/* Longest pause between two tries of a busy lock (pauses double from 1 ms up to it). */
#define MT_LOCK_POLL_MAX_MS 20

static int lock_timeout(double *seconds, struct mt_err *err)
{
    *seconds = MT_LOCK_TIMEOUT_DEFAULT_S;
    const char *v = getenv(MT_LOCK_TIMEOUT_ENV);
    if (!v || !*v)
        return MT_OK;
    char *end;
    errno = 0;
    double s = strtod(v, &end);
    if (errno || *end || !(s >= 0 && s <= MT_LOCK_TIMEOUT_MAX_S))
        return mt_err_set(err, MT_ECONFIG,
                          "%s='%.64s' is not a store lock timeout: expected seconds from 0 to %.0f",
                          MT_LOCK_TIMEOUT_ENV, v, MT_LOCK_TIMEOUT_MAX_S);
    *seconds = s;
    return MT_OK;
}

/* " (held by pid N)" from the pid the holder wrote, or "" when unknown. */
static void describe_holder(int fd, char *buf, size_t size)
{
    char text[32];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    buf[0] = '\0';
    if (n <= 0)
        return;
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    if (end != text && pid > 0 && (*end == '\n' || *end == '\0'))
        snprintf(buf, size, " (held by pid %ld)", pid);
}

/* Records our pid as the holder; a failure only loses the hint for waiters. */
static void record_holder(int fd)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != (ssize_t)n)
        mt_log_debug("cannot record the pid in a store lock file: %s", strerror(errno));
}

/* Waits for the busy lock on lock->fd until timeout_s has passed on clock. */
static int wait_for_lock(struct mt_lock *lock, double timeout_s, const struct mt_clock *clock,
                         struct mt_err *err)
{
    char holder[48];
    describe_holder(lock->fd, holder, sizeof holder);
    mt_log_info("waiting for the store lock %s%s, another process is writing the same file "
                "(giving up after %g s, see %s)",
                lock->path, holder, timeout_s, MT_LOCK_TIMEOUT_ENV);
    int64_t deadline = mt_clock_mono(clock) + (int64_t)ceil(timeout_s * 1000.0);
    int64_t pause_ms = 1;
    for (;;) {
        /* Whole ms truncate: wait until one past the deadline, so that at least timeout_s passed. */
        int64_t left = deadline + 1 - mt_clock_mono(clock);
        if (left <= 0)
            break;
        mt_clock_sleep(clock, pause_ms < left ? pause_ms : left);
        pause_ms = pause_ms * 2 < MT_LOCK_POLL_MAX_MS ? pause_ms * 2 : MT_LOCK_POLL_MAX_MS;
        if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0)
            return MT_OK;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return mt_err_set(err, MT_EIO, "cannot lock %s: %s", lock->path, strerror(errno));
    }
    describe_holder(lock->fd, holder, sizeof holder);
    return mt_err_set(err, MT_EIO,
                      "timed out after %g s waiting for the store lock %s%s: another process is "
                      "still writing the same file (wait longer with %s=seconds)",
                      timeout_s, lock->path, holder, MT_LOCK_TIMEOUT_ENV);
}

int mt_lock_acquire(struct mt_lock *lock, const char *target, const struct mt_clock *clock,
                    struct mt_err *err)
{
    lock->fd = -1;
    lock->path[0] = '\0';
    double timeout_s;
    int rc = lock_timeout(&timeout_s, err);
    if (rc)
        return rc;
    char dir[sizeof lock->path];
    const char *name = mt_atomic_split_path(target, dir, sizeof dir);
    int n = snprintf(lock->path, sizeof lock->path, "%s/.%s" MT_LOCK_SUFFIX, dir, name);
    if (*name == '\0' || n < 0 || (size_t)n >= sizeof lock->path)
        return mt_err_set(err, MT_EINVAL, "cannot build a lock file name for '%s'", target);
    rc = mt_mkdirs(dir, err);
    if (rc)
        return rc;
    int fd = open(lock->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return mt_err_set(err, MT_EIO, "cannot open the store lock %s: %s", lock->path,
                          strerror(errno));
    lock->fd = fd;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        rc = MT_OK;
    else if (errno == EWOULDBLOCK)
        rc = wait_for_lock(lock, timeout_s, mt_clock_or_wall(clock), err);
    else
        rc = mt_err_set(err, MT_EIO, "cannot lock %s: %s", lock->path, strerror(errno));
    if (rc) {
        close(fd);
        lock->fd = -1;
        return rc;
    }
    record_holder(fd);
    return MT_OK;
}

void mt_lock_release(struct mt_lock *lock)
{
    if (lock->fd < 0)
        return;
    /* No pid while free, so a waiter never names a holder that has left. */
    if (ftruncate(lock->fd, 0) != 0)
        mt_log_debug("cannot clear the pid in the store lock %s: %s", lock->path, strerror(errno));
    flock(lock->fd, LOCK_UN);
    close(lock->fd);
    lock->fd = -1;
}
