#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "a folder", "a FIFO", ... for the message about a file that is not regular. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a regular file";
}

int mt_open_regular(const char *path, struct stat *st, struct mt_err *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return mt_err_set(err, errno == ENOENT ? MT_ENOENT : MT_EIO, "cannot open %s: %s", path,
                          strerror(errno));
    int rc = MT_OK;
    int flags;
    if (fstat(fd, st) != 0)
        rc = mt_err_set(err, MT_EIO, "cannot stat %s: %s", path, strerror(errno));
    else if (!S_ISREG(st->st_mode))
        rc = mt_err_set(err, MT_EIO, "%s is %s, expected a regular file", path, file_kind(st->st_mode));
    else if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
        rc = mt_err_set(err, MT_EIO, "cannot open %s: %s", path, strerror(errno));
    if (rc) {
        close(fd);
        return rc;
    }
    return fd;
}

int mt_read_file(const char *path, size_t max_bytes, char **data, size_t *len, struct mt_err *err)
{
    struct stat st;
    int fd = mt_open_regular(path, &st, err);
    if (fd < 0)
        return fd;
    if ((size_t)st.st_size > max_bytes) {
        close(fd);
        return mt_err_set(err, MT_ELIMIT, "%s is %lld bytes, larger than the limit of %zu", path,
                          (long long)st.st_size, max_bytes);
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int saved = errno;
        close(fd);
        return mt_err_set(err, MT_EIO, "cannot open %s: %s", path, strerror(saved));
    }
    size_t size = (size_t)st.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        fclose(f);
        return mt_err_set(err, MT_ENOMEM, "out of memory reading %s", path);
    }
    size_t got = fread(buf, 1, size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != size) {
        free(buf);
        return mt_err_set(err, MT_EIO, "cannot read %s", path);
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return MT_OK;
}

int mt_mkdirs(const char *path, struct mt_err *err)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp)
        return mt_err_set(err, MT_EINVAL, "folder path '%s' is empty or too long", path);
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] != '/' && tmp[i] != '\0')
            continue;
        char saved = tmp[i];
        tmp[i] = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return mt_err_set(err, MT_EIO, "cannot create folder %s: %s", tmp, strerror(errno));
        tmp[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return mt_err_set(err, MT_EIO, "%s exists and is not a folder", path);
    return MT_OK;
}
