/* Safe opening of input files, whole-file reads with a size cap, and folder
 * creation. */
#ifndef MT_CORE_FILEIO_H
#define MT_CORE_FILEIO_H

#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "core/error.h"

/* Opens path for reading without blocking on a FIFO that has no writer (the
 * open is non-blocking, then blocking again) and refuses anything but a
 * regular file. Returns the open descriptor (the caller closes it) with *st
 * filled, or a negative code: MT_ENOENT for a missing file ("cannot open
 * PATH: No such file or directory"), MT_EIO naming what it is for a folder,
 * FIFO, socket or device ("PATH is a FIFO, expected a regular file") and for
 * other failures. Messages name the path. */
int mt_open_regular(const char *path, struct stat *st, struct mt_err *err);

/* Reads the whole file at path into a new NUL-terminated heap buffer (*data,
 * caller frees; *len excludes the NUL). Files larger than max_bytes fail with
 * MT_ELIMIT; a missing file with MT_ENOENT ("cannot open PATH: No such file or
 * directory"); anything but a regular file (a folder, a FIFO, a device) with
 * MT_EIO naming what it is, without blocking (mt_open_regular). Messages
 * name the path. */
int mt_read_file(const char *path, size_t max_bytes, char **data, size_t *len, struct mt_err *err);

/* Creates path and its missing parents (like mkdir -p, mode 0755). */
int mt_mkdirs(const char *path, struct mt_err *err);

#endif
