#include "core/fileio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int mt_read_file(const char *path, size_t max_bytes, char **data, size_t *len, struct mt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mt_err_set(err, errno == ENOENT ? MT_ENOENT : MT_EIO, "cannot open %s: %s", path,
                          strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return mt_err_set(err, MT_EIO, "%s is not a regular file", path);
    }
    if ((size_t)st.st_size > max_bytes) {
        fclose(f);
        return mt_err_set(err, MT_ELIMIT, "%s is %lld bytes, larger than the limit of %zu", path,
                          (long long)st.st_size, max_bytes);
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
