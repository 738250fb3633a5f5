#include "core/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"

const char *mt_atomic_split_path(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
        return path;
    }
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    snprintf(dir, size, "%.*s", (int)n, path);
    return slash + 1;
}

/* Syncs dir after path in it was renamed into place (existed: it replaced a file). */
static int sync_folder(const char *dir, const char *path, bool existed, struct mt_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : fsync(fd);
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        return mt_err_set(err, MT_EIO,
                          "%s was %s but its folder %s cannot be synced: %s; the new file is in "
                          "place but might not survive a power loss",
                          path, existed ? "replaced" : "written", dir, strerror(saved));
    return MT_OK;
}

/* Fails the write of path because of what (a message of its own): names the
 * target and says that it is unchanged (existed) or was not created. */
static int write_failed(struct mt_err *err, int code, const char *path, bool existed,
                        const char *what)
{
    return mt_err_set(err, code, "cannot write %s: %s; %s", path, what,
                      existed ? "the old file is untouched" : "no file was created");
}

/* write_failed for a failing system call on the temp file tmp. */
static int call_failed(struct mt_err *err, const char *path, bool existed, const char *call,
                       const char *tmp)
{
    char what[MT_ERR_MSG_MAX];
    snprintf(what, sizeof what, "%s temp file %s failed: %s", call, tmp, strerror(errno));
    return write_failed(err, MT_EIO, path, existed, what);
}

/* Deletes temp files of `name` in dir left by killed writers: those not
 * modified for MT_ATOMIC_STALE_SECONDS (a live writer keeps its file fresh). */
static void remove_stale_temps(const char *dir, const char *name)
{
    char prefix[MT_ATOMIC_PATH_MAX];
    int n = snprintf(prefix, sizeof prefix, ".%s" MT_ATOMIC_TMP_INFIX, name);
    if (n < 0 || (size_t)n >= sizeof prefix)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)n) != 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            now - st.st_mtime >= MT_ATOMIC_STALE_SECONDS)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

int mt_atomic_open(struct mt_atomic_file *a, const char *path, struct mt_err *err)
{
    char dir[MT_ATOMIC_PATH_MAX];
    a->f = NULL;
    a->existed = false;
    a->tmp[0] = '\0';
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof a->path)
        return mt_err_set(err, MT_EINVAL, "file path '%s' is empty or too long", path);
    memcpy(a->path, path, len + 1);
    const char *name = mt_atomic_split_path(path, dir, sizeof dir);
    if (*name == '\0')
        return mt_err_set(err, MT_EINVAL, "file path '%s' names a folder, expected a file", path);
    int n = snprintf(a->tmp, sizeof a->tmp, "%s/.%s" MT_ATOMIC_TMP_INFIX "XXXXXX", dir, name);
    if (n < 0 || (size_t)n >= sizeof a->tmp)
        return mt_err_set(err, MT_EINVAL, "file path '%s' is too long for a temp name", path);
    int rc = mt_mkdirs(dir, err);
    if (rc)
        return mt_err_prefix(err, "cannot write %s", path);

    mode_t mode = 0644;
    struct stat st;
    a->existed = stat(path, &st) == 0;
    if (a->existed)
        mode = st.st_mode & 07777;

    int fd = mkostemp(a->tmp, O_CLOEXEC);
    if (fd < 0)
        return call_failed(err, path, a->existed, "creating a", a->tmp);
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        rc = call_failed(err, path, a->existed, "opening", a->tmp);
        close(fd);
        unlink(a->tmp);
        return rc;
    }
    if (fchmod(fd, mode) != 0) {
        rc = call_failed(err, path, a->existed, "setting the mode of", a->tmp);
        fclose(a->f);
        a->f = NULL;
        unlink(a->tmp);
        return rc;
    }
    return MT_OK;
}

int mt_atomic_abort(struct mt_atomic_file *a, int rc, struct mt_err *err)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
    if (rc) {
        char what[MT_ERR_MSG_MAX] = "";
        if (err)
            memcpy(what, err->msg, sizeof what);
        rc = write_failed(err, rc, a->path, a->existed, what);
    }
    return rc;
}

int mt_atomic_commit(struct mt_atomic_file *a, size_t *bytes, struct mt_err *err)
{
    const char *path = a->path;
    int fd = fileno(a->f), rc;
    struct stat st;
    if (fflush(a->f) != 0) {
        rc = call_failed(err, path, a->existed, "writing", a->tmp);
        goto fail_file;
    }
    if (fsync(fd) != 0) {
        rc = call_failed(err, path, a->existed, "syncing", a->tmp);
        goto fail_file;
    }
    if (fstat(fd, &st) != 0) {
        rc = call_failed(err, path, a->existed, "checking the size of", a->tmp);
        goto fail_file;
    }
    rc = fclose(a->f);
    a->f = NULL;
    if (rc != 0) {
        rc = call_failed(err, path, a->existed, "closing", a->tmp);
        goto fail_tmp;
    }
    if (rename(a->tmp, path) != 0) {
        rc = call_failed(err, path, a->existed, "renaming into place the", a->tmp);
        goto fail_tmp;
    }
    if (bytes)
        *bytes = (size_t)st.st_size;
    char dir[MT_ATOMIC_PATH_MAX];
    const char *name = mt_atomic_split_path(path, dir, sizeof dir);
    remove_stale_temps(dir, name);
    return sync_folder(dir, path, a->existed, err);

fail_file:
    fclose(a->f);
    a->f = NULL;
fail_tmp:
    unlink(a->tmp);
    return rc;
}

int mt_atomic_write(const char *path, mt_atomic_fill_fn fill, void *ctx, size_t *bytes,
                    struct mt_err *err)
{
    struct mt_atomic_file a;
    int rc = mt_atomic_open(&a, path, err);
    if (rc)
        return rc;
    rc = fill(a.f, ctx, err);
    if (rc)
        return mt_atomic_abort(&a, rc, err);
    return mt_atomic_commit(&a, bytes, err);
}
