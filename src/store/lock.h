/* Inter-process write locks of store files.
 *
 * Every writer of a store file (an OHLCV series, a market month file) does
 * read-merge-write under the lock of that file, so concurrent writers
 * (imports, downloads, resampling, the session) serialise and the file ends
 * up with the union of their rows; without it the last rename would win and
 * the other writer's rows would be lost. The lock is an flock(2) on a hidden
 * file beside the target, "." + target name + MT_LOCK_SUFFIX (e.g.
 * ohlcv/1h/.BTCUSDT.parquet.lock) that holds the pid of its holder and is
 * empty while free. Lock files are never deleted (deleting one while another
 * process waits on it would let two writers in at once), and no listing of
 * the store takes them for data. The kernel drops a lock when its holder
 * exits or is killed, so a crash never leaves a file locked.
 *
 * Readers take no lock: writes are atomic renames (core/atomic.h), so a
 * reader sees the complete file before or after a merge, never a half-merged
 * one. flock locks belong to an open file description, so two threads of one
 * process exclude each other too; a thread must not take a lock it holds. */
#ifndef MT_STORE_LOCK_H
#define MT_STORE_LOCK_H

#include "core/error.h"

#define MT_LOCK_SUFFIX ".lock"

/* How long a writer waits for a busy lock before it fails: the environment
 * variable MT_LOCK_TIMEOUT_ENV, in seconds from 0 (fail at once) to
 * MT_LOCK_TIMEOUT_MAX_S (decimals allowed), else MT_LOCK_TIMEOUT_DEFAULT_S.
 * It is read from the environment because every writer of the store needs
 * it, down to the import's per-run save, and the store has no other channel
 * from the configuration to them. */
#define MT_LOCK_TIMEOUT_ENV "MTRADER_LOCK_TIMEOUT"
#define MT_LOCK_TIMEOUT_DEFAULT_S 60.0
#define MT_LOCK_TIMEOUT_MAX_S 86400.0

/* A held lock. */
struct mt_lock {
    int fd; /* the open lock file, -1 when not held */
    char path[4096];
};

/* Takes the write lock of the file at target, creating the lock file (and
 * missing parent folders). When another process holds it, logs once (info)
 * that it waits, naming the lock file, the holder's pid and the timeout, and
 * retries until the lock is free or the timeout of MT_LOCK_TIMEOUT_ENV has
 * passed; then MT_EIO naming the lock file, the holder and the timeout. A bad
 * MT_LOCK_TIMEOUT_ENV value is MT_ECONFIG naming the variable, the value and
 * the range; other failures are MT_EIO or MT_EINVAL naming the lock file. On
 * success the lock is held until mt_lock_release; on error lock->fd is -1. */
int mt_lock_acquire(struct mt_lock *lock, const char *target, struct mt_err *err);

/* Releases a lock taken by mt_lock_acquire (no-op when not held). */
void mt_lock_release(struct mt_lock *lock);

#endif
