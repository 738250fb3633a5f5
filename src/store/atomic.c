#include "store/atomic.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"

#define MT_ATOMIC_PATH_MAX 4096

/* Splits path into its folder (copied into dir) and returns the file name. */
static const char *split_path(const char *path, char *dir, size_t size)
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

static int sync_folder(const char *dir, struct mt_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return mt_err_set(err, MT_EIO, "cannot open folder %s to sync it: %s", dir,
                          strerror(errno));
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return mt_err_set(err, MT_EIO, "cannot sync folder %s: %s", dir, strerror(saved));
    return MT_OK;
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

int mt_atomic_write(const char *path, mt_atomic_fill_fn fill, void *ctx, size_t *bytes,
                    struct mt_err *err)
{
    char dir[MT_ATOMIC_PATH_MAX], tmp[MT_ATOMIC_PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof dir)
        return mt_err_set(err, MT_EINVAL, "file path '%s' is empty or too long", path);
    const char *name = split_path(path, dir, sizeof dir);
    if (*name == '\0')
        return mt_err_set(err, MT_EINVAL, "file path '%s' names a folder, expected a file", path);
    int n = snprintf(tmp, sizeof tmp, "%s/.%s" MT_ATOMIC_TMP_INFIX "XXXXXX", dir, name);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return mt_err_set(err, MT_EINVAL, "file path '%s' is too long for a temp name", path);
    int rc = mt_mkdirs(dir, err);
    if (rc)
        return rc;

    mode_t mode = 0644;
    struct stat st;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;

    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return mt_err_set(err, MT_EIO, "cannot create a temp file in %s: %s", dir,
                          strerror(errno));
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        rc = mt_err_set(err, MT_EIO, "cannot open temp file %s: %s", tmp, strerror(errno));
        close(fd);
        goto fail_tmp;
    }
    if (fchmod(fd, mode) != 0) {
        rc = mt_err_set(err, MT_EIO, "cannot set the mode of %s: %s", tmp, strerror(errno));
        goto fail_file;
    }
    rc = fill(f, ctx, err);
    if (rc)
        goto fail_file;
    if (fflush(f) != 0 || fsync(fd) != 0 || fstat(fd, &st) != 0) {
        rc = mt_err_set(err, MT_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto fail_file;
    }
    if (fclose(f) != 0) {
        rc = mt_err_set(err, MT_EIO, "cannot close %s: %s", tmp, strerror(errno));
        goto fail_tmp;
    }
    if (rename(tmp, path) != 0) {
        rc = mt_err_set(err, MT_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto fail_tmp;
    }
    if (bytes)
        *bytes = (size_t)st.st_size;
    remove_stale_temps(dir, name);
    return sync_folder(dir, err);

fail_file:
    fclose(f);
fail_tmp:
    unlink(tmp);
    return rc;
}
