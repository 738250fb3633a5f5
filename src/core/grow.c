/* Growing arrays (see grow.h). */
#include "core/grow.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

void *mt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first)
{
    assert(n <= *cap && elem > 0 && first > 0);
    if (n < *cap)
        return v;
    if (*cap > SIZE_MAX / 2 / elem || first > SIZE_MAX / elem)
        return NULL;
    size_t c = *cap ? *cap * 2 : first;
    void *p = realloc(v, c * elem);
    if (p)
        *cap = c;
    return p;
}

bool mt_resize(void **p, size_t count, size_t elem)
{
    assert(elem > 0);
    if (count > SIZE_MAX / elem)
        return false;
    void *q = realloc(*p, (count ? count : 1) * elem);
    if (q)
        *p = q;
    return q != NULL;
}
