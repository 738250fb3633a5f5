/* Allocation-failure injection for the torture tests, in the spirit of
 * curl's torture mode: the torture build of the library (compiled with
 * -include torture_alloc.h) allocates through this allocator, which counts
 * the allocation calls (malloc, calloc, realloc, strdup) made while armed,
 * makes the n-th of them return NULL, and keeps the set of live blocks so a
 * test can tell that a failed call left nothing behind. Blocks freed that it
 * did not hand out (a library's) pass to the real free. Single-threaded. */
#ifndef MT_TESTS_TORTURE_H
#define MT_TESTS_TORTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Starts counting allocation calls from zero; call number fail_at (1-based)
 * fails, and only that one (0: none fails). */
void mt_torture_arm(size_t fail_at);

/* Stops counting and returns the number of allocation calls since the arm. */
size_t mt_torture_disarm(void);

/* True if the last armed period failed its allocation; *file and *line (may
 * be NULL) receive the call's source position. */
bool mt_torture_failed(const char **file, int *line);

/* Blocks handed out and not freed yet. */
size_t mt_torture_live(void);

/* Serial number the next allocation gets; with mt_torture_dump_since it names
 * the blocks allocated after a point. */
size_t mt_torture_serial(void);

/* Writes the allocation site of every live block with serial >= since to f
 * (at most max lines), for leak messages. */
void mt_torture_dump_since(size_t since, size_t max, FILE *f);

#endif
