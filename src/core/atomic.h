/* Atomic file replacement: the new content goes to a temp file in the target's
 * folder, which is flushed, fsync'ed and renamed over the target before the
 * folder itself is fsync'ed. A reader (or a process restarted after a kill or a
 * crash) sees either the complete old file or the complete new one. */
#ifndef MT_CORE_ATOMIC_H
#define MT_CORE_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

/* Temp files are named "." + target name + MT_ATOMIC_TMP_INFIX + 6 random
 * characters, so a listing that looks for "SYMBOL.parquet" never picks one up.
 * A kill between creation and rename leaves such a file behind: it is never
 * read, and the next successful write of the same target deletes the ones not
 * modified for MT_ATOMIC_STALE_SECONDS (a live writer's file is fresher). */
#define MT_ATOMIC_TMP_INFIX ".tmp-"
#define MT_ATOMIC_STALE_SECONDS 600

/* Writes the complete new content to f (opened "wb", at offset 0). Returns 0
 * or a negative MT_E... code with err filled. Must not close f. */
typedef int (*mt_atomic_fill_fn)(FILE *f, void *ctx, struct mt_err *err);

/* Longest target path (and temp path) accepted. */
#define MT_ATOMIC_PATH_MAX 4096

/* A replacement in progress: the content goes to f, a temp file beside the
 * target, until mt_atomic_commit renames it into place. */
struct mt_atomic_file {
    FILE *f;                        /* write the new content here (binary) */
    bool existed;                   /* a file was at path when it was opened */
    char path[MT_ATOMIC_PATH_MAX];  /* the target */
    char tmp[MT_ATOMIC_PATH_MAX];   /* the temp file */
};

/* Starts replacing the file at path: creates missing parent folders and the
 * temp file (mode of the file it replaces, 0644 for a new one) and opens it as
 * a->f. On error nothing is left behind and the message names path. The
 * caller ends every opened a with mt_atomic_commit or mt_atomic_abort. */
int mt_atomic_open(struct mt_atomic_file *a, const char *path, struct mt_err *err);

/* Flushes, fsyncs and closes a->f, renames the temp file over the target and
 * fsyncs the folder. On success *bytes (may be NULL) is the new file's size.
 * On error the temp file is removed and the old file untouched, except for a
 * failing folder fsync after the rename (MT_EIO, see mt_atomic_write). Ends a
 * either way. */
int mt_atomic_commit(struct mt_atomic_file *a, size_t *bytes, struct mt_err *err);

/* Gives up: closes a->f and removes the temp file; the target is untouched.
 * With rc != 0 (the failure that made the caller give up, its message in
 * err) err becomes "cannot write PATH: MESSAGE; the old file is untouched"
 * (or "no file was created"); returns rc. Ends a. */
int mt_atomic_abort(struct mt_atomic_file *a, int rc, struct mt_err *err);

/* Replaces the file at path with what fill writes (mt_atomic_open, fill,
 * mt_atomic_commit), creating missing parent folders. The new file keeps the
 * mode of the file it replaces (0644 for a new one). On success *bytes (may
 * be NULL) is the new file's size. On any error the temp file is removed and
 * an existing file at path is untouched; the one exception is a failing fsync
 * of the folder after the rename (MT_EIO): the new file is then in place but
 * might not survive a power loss. Every error message names path and says
 * which of these happened ("the old file is untouched", "no file was
 * created", "might not survive a power loss"), also for a failing fill (its
 * message follows the path) or a full disk. Concurrent writers of one path do
 * not corrupt it, but the last rename wins: writers that merge into the old
 * content take its lock first (store/lock.h). */
int mt_atomic_write(const char *path, mt_atomic_fill_fn fill, void *ctx, size_t *bytes,
                    struct mt_err *err);

/* Splits path at its last '/': copies the folder into dir ("." for a bare
 * name, "/" for a file in the root) and returns the file name (a pointer into
 * path; "" when path ends with '/'). */
const char *mt_atomic_split_path(const char *path, char *dir, size_t size);

#endif
