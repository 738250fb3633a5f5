/* Growing arrays: the one doubling rule of every append-only buffer. */
#ifndef MT_CORE_GROW_H
#define MT_CORE_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Room for one more element in v, an array of n elements of elem bytes with
 * room for *cap: v itself when n < *cap, else a copy with twice the room (at
 * least `first` elements) and *cap updated. NULL without memory or when the
 * size would overflow; v is then untouched and still the caller's. */
void *mt_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);

/* Resizes the array *p to count elements of elem bytes (realloc, the size
 * checked for overflow): true, or false without memory, *p then untouched
 * and still the caller's. */
bool mt_resize(void **p, size_t count, size_t elem);

#endif
