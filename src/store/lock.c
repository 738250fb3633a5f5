#include "store/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/log.h"
#include "core/atomic.h"

/* Longest pause between two tries of a busy lock. */
#define MT_LOCK_POLL_MAX_NS 20000000L

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

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
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

/* Waits for the busy lock on lock->fd until timeout_s has passed. */
static int wait_for_lock(struct mt_lock *lock, double timeout_s, struct mt_err *err)
{
    char holder[48];
    describe_holder(lock->fd, holder, sizeof holder);
    mt_log_info("waiting for the store lock %s%s, another process is writing the same file "
                "(giving up after %g s, see %s)",
                lock->path, holder, timeout_s, MT_LOCK_TIMEOUT_ENV);
    double deadline = monotonic_s() + timeout_s;
    long pause_ns = 1000000L;
    for (;;) {
        double left = deadline - monotonic_s();
        if (left <= 0)
            break;
        long ns = pause_ns;
        if ((double)ns > left * 1e9)
            ns = (long)(left * 1e9) + 1;
        nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = ns}, NULL);
        if (pause_ns < MT_LOCK_POLL_MAX_NS)
            pause_ns *= 2;
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

int mt_lock_acquire(struct mt_lock *lock, const char *target, struct mt_err *err)
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
        rc = wait_for_lock(lock, timeout_s, err);
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
