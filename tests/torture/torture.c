/* The torture allocator (torture.h). Compiled without torture_alloc.h: the
 * calls below reach the real allocator (or the sanitizer's). Live blocks sit
 * in an open-addressing hash set keyed by address (linear probing, deletion
 * by backward shift), grown with the real allocator. */
#include "torture.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "torture_alloc.h"

#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef free

struct block {
    void *p; /* NULL: empty slot */
    const char *file;
    int line;
    size_t serial;
};

static struct {
    struct block *slot;
    size_t cap, live; /* cap: power of two, live <= cap / 2 */
    size_t serial;
    bool armed;
    size_t calls, fail_at;
    bool failed;
    const char *fail_file;
    int fail_line;
} T;

static size_t slot_of(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 32) & (T.cap - 1);
}

static size_t find(const void *p)
{
    size_t i = slot_of(p);
    while (T.slot[i].p && T.slot[i].p != p)
        i = (i + 1) & (T.cap - 1);
    return i;
}

static void grow(void)
{
    struct block *old = T.slot;
    size_t old_cap = T.cap;
    T.cap = old_cap ? old_cap * 2 : 1024;
    T.slot = calloc(T.cap, sizeof *T.slot);
    if (!T.slot)
        abort();
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].p)
            T.slot[find(old[i].p)] = old[i];
    free(old);
}

static void track(void *p, const char *file, int line)
{
    if ((T.live + 1) * 2 > T.cap)
        grow();
    size_t i = find(p);
    if (!T.slot[i].p)
        T.live++; /* else a block a library freed for us: its address came back */
    T.slot[i] = (struct block){p, file, line, T.serial++};
}

/* True if p was ours (and is forgotten now; *was, if not NULL, receives its entry). */
static bool untrack(void *p, struct block *was)
{
    if (!T.cap)
        return false;
    size_t i = find(p);
    if (!T.slot[i].p)
        return false;
    if (was)
        *was = T.slot[i];
    T.slot[i].p = NULL;
    T.live--;
    /* Backward shift: move up every later entry of the probe run that
     * would no longer be found past the hole. */
    for (size_t j = (i + 1) & (T.cap - 1); T.slot[j].p; j = (j + 1) & (T.cap - 1)) {
        size_t home = slot_of(T.slot[j].p);
        bool reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!reachable) {
            T.slot[i] = T.slot[j];
            T.slot[j].p = NULL;
            i = j;
        }
    }
    return true;
}

/* Counts one allocation call; true if it is the one to fail. */
static bool fail_now(const char *file, int line)
{
    if (!T.armed)
        return false;
    T.calls++;
    if (T.calls != T.fail_at)
        return false;
    T.failed = true;
    T.fail_file = file;
    T.fail_line = line;
    return true;
}

void *mt_torture_malloc(size_t size, const char *file, int line)
{
    if (fail_now(file, line))
        return NULL;
    void *p = malloc(size);
    if (p)
        track(p, file, line);
    return p;
}

void *mt_torture_calloc(size_t n, size_t size, const char *file, int line)
{
    if (fail_now(file, line))
        return NULL;
    void *p = calloc(n, size);
    if (p)
        track(p, file, line);
    return p;
}

void *mt_torture_realloc(void *p, size_t size, const char *file, int line)
{
    if (fail_now(file, line))
        return NULL;
    /* Forgotten before the call (p is not to be read after it), tracked
     * again as it was if the real realloc fails. */
    struct block was;
    bool ours = p && untrack(p, &was);
    void *q = realloc(p, size);
    if (q) {
        track(q, file, line);
    } else if (ours) {
        track(p, was.file, was.line);
        T.slot[find(p)].serial = was.serial;
    }
    return q;
}

char *mt_torture_strdup(const char *s, const char *file, int line)
{
    if (fail_now(file, line))
        return NULL;
    char *p = strdup(s);
    if (p)
        track(p, file, line);
    return p;
}

void mt_torture_free(void *p)
{
    if (p)
        untrack(p, NULL);
    free(p);
}

void mt_torture_arm(size_t fail_at)
{
    T.armed = true;
    T.calls = 0;
    T.fail_at = fail_at;
    T.failed = false;
    T.fail_file = NULL;
    T.fail_line = 0;
}

size_t mt_torture_disarm(void)
{
    T.armed = false;
    return T.calls;
}

bool mt_torture_failed(const char **file, int *line)
{
    if (file)
        *file = T.fail_file;
    if (line)
        *line = T.fail_line;
    return T.failed;
}

size_t mt_torture_live(void)
{
    return T.live;
}

size_t mt_torture_serial(void)
{
    return T.serial;
}

void mt_torture_dump_since(size_t since, size_t max, FILE *f)
{
    for (size_t i = 0; i < T.cap && max; i++)
        if (T.slot[i].p && T.slot[i].serial >= since) {
            fprintf(f, "  block allocated at %s:%d\n", T.slot[i].file, T.slot[i].line);
            max--;
        }
}
