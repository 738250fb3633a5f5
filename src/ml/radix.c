/* LSD radix sorts by bytes, skipping the bytes every key shares. */
#include "ml/radix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The key's bits with the order of the numbers: negatives flipped, positives with the sign bit set. */
static uint32_t key32(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x80000000u ? ~u : u | 0x80000000u;
}

static float unkey32(uint32_t u)
{
    u = u & 0x80000000u ? u & 0x7fffffffu : ~u;
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static uint64_t key64(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x8000000000000000ull ? ~u : u | 0x8000000000000000ull;
}

/* Sorts k[0..n) (with the payload p, when given) by bytes; kt and pt are scratch of n entries. The result is in
 * k and p. */
#define RADIX_PASSES(K, k, kt, p, pt, n)                                                   \
    for (unsigned shift = 0; shift < 8 * sizeof(K); shift += 8) {                          \
        size_t count[256] = {0};                                                           \
        for (size_t i = 0; i < (n); i++)                                                   \
            count[((k)[i] >> shift) & 0xff]++;                                             \
        if (count[((k)[0] >> shift) & 0xff] == (n))                                        \
            continue; /* every key has this byte */                                        \
        size_t at = 0;                                                                     \
        for (int b = 0; b < 256; b++) {                                                    \
            size_t c = count[b];                                                           \
            count[b] = at;                                                                 \
            at += c;                                                                       \
        }                                                                                  \
        for (size_t i = 0; i < (n); i++) {                                                 \
            size_t to = count[((k)[i] >> shift) & 0xff]++;                                 \
            (kt)[to] = (k)[i];                                                             \
            if (p)                                                                         \
                (pt)[to] = (p)[i];                                                         \
        }                                                                                  \
        K *ks = (k);                                                                       \
        (k) = (kt);                                                                        \
        (kt) = ks;                                                                         \
        if (p) {                                                                           \
            size_t *ps = (p);                                                              \
            (p) = (pt);                                                                    \
            (pt) = ps;                                                                     \
        }                                                                                  \
    }

int mt_radix_floats(float *v, size_t n, struct mt_err *err)
{
    if (n < 2)
        return 0;
    uint32_t *buf = malloc(2 * n * sizeof *buf);
    if (!buf)
        return mt_err_set(err, MT_ENOMEM, "radix: out of memory for %zu values", n);
    uint32_t *k = buf, *kt = buf + n;
    size_t *p = NULL, *pt = NULL;
    for (size_t i = 0; i < n; i++)
        k[i] = key32(v[i]);
    RADIX_PASSES(uint32_t, k, kt, p, pt, n)
    for (size_t i = 0; i < n; i++)
        v[i] = unkey32(k[i]);
    free(buf);
    return 0;
}

int mt_radix_order(const double *key, size_t n, size_t *order, struct mt_err *err)
{
    uint64_t *kbuf = malloc(2 * (n ? n : 1) * sizeof *kbuf);
    size_t *pt = malloc((n ? n : 1) * sizeof *pt);
    if (!kbuf || !pt) {
        free(pt);
        free(kbuf);
        return mt_err_set(err, MT_ENOMEM, "radix: out of memory for %zu keys", n);
    }
    uint64_t *k = kbuf, *kt = kbuf + n;
    size_t *p = order, *scratch = pt;
    for (size_t i = 0; i < n; i++) {
        k[i] = key64(key[i]);
        p[i] = i;
    }
    if (n > 1) {
        RADIX_PASSES(uint64_t, k, kt, p, scratch, n)
    }
    if (p != order)
        memcpy(order, p, n * sizeof *order);
    free(pt);
    free(kbuf);
    return 0;
}
