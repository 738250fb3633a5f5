/* Forced include (-include) of the torture build of the library: routes the
 * allocation calls of our code through tests/torture/torture.c, which counts
 * them, can fail the n-th one and tracks the blocks still live. Third-party
 * libraries are compiled elsewhere and keep the real allocator. The system
 * headers are included first, so their declarations are not renamed; the
 * libc functions that allocate for the caller and are not counted here are
 * poisoned, so code that starts to use one fails to build here until the
 * allocator learns it. */
#ifndef MT_TORTURE_ALLOC_H
#define MT_TORTURE_ALLOC_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *mt_torture_malloc(size_t size, const char *file, int line);
void *mt_torture_calloc(size_t n, size_t size, const char *file, int line);
void *mt_torture_realloc(void *p, size_t size, const char *file, int line);
char *mt_torture_strdup(const char *s, const char *file, int line);
void mt_torture_free(void *p);

#define malloc(size) mt_torture_malloc((size), __FILE__, __LINE__)
#define calloc(n, size) mt_torture_calloc((n), (size), __FILE__, __LINE__)
#define realloc(p, size) mt_torture_realloc((p), (size), __FILE__, __LINE__)
#define strdup(s) mt_torture_strdup((s), __FILE__, __LINE__)
#define free(p) mt_torture_free(p)

#pragma GCC poison reallocarray strndup posix_memalign aligned_alloc valloc asprintf vasprintf getline getdelim        \
    open_memstream realpath scandir

#endif
