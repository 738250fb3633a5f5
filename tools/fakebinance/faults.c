#include "faults.h"

void fb_faults_init(struct fb_faults *f, uint64_t seed, double drop, double fail_5xx,
                    double malformed, double truncate)
{
    pthread_mutex_init(&f->mu, NULL);
    f->drop = drop;
    f->fail_5xx = fail_5xx;
    f->malformed = malformed;
    f->truncate = truncate;
    f->state = seed;
}

void fb_faults_release(struct fb_faults *f)
{
    pthread_mutex_destroy(&f->mu);
}

/* splitmix64 (Steele, Lea, Flood 2014): a well-mixed sequence from any seed. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

enum fb_fault fb_faults_pick(struct fb_faults *f)
{
    pthread_mutex_lock(&f->mu);
    double u = (double)(next_u64(&f->state) >> 11) * 0x1.0p-53;
    uint64_t sub = next_u64(&f->state);
    pthread_mutex_unlock(&f->mu);
    if (u < f->drop)
        return FB_FAULT_DROP;
    u -= f->drop;
    if (u < f->fail_5xx) {
        static const enum fb_fault codes[] = {FB_FAULT_500, FB_FAULT_502, FB_FAULT_503};
        return codes[sub % 3];
    }
    u -= f->fail_5xx;
    if (u < f->malformed)
        return FB_FAULT_MALFORMED;
    u -= f->malformed;
    if (u < f->truncate)
        return sub % 2 ? FB_FAULT_TRUNC_CLOSE : FB_FAULT_TRUNC_SHORT;
    return FB_FAULT_NONE;
}

const char *fb_fault_name(enum fb_fault fault)
{
    switch (fault) {
    case FB_FAULT_NONE: return "none";
    case FB_FAULT_DROP: return "drop";
    case FB_FAULT_500: return "500";
    case FB_FAULT_502: return "502";
    case FB_FAULT_503: return "503";
    case FB_FAULT_MALFORMED: return "malformed";
    case FB_FAULT_TRUNC_SHORT: return "truncate-short";
    case FB_FAULT_TRUNC_CLOSE: return "truncate-close";
    }
    return "none";
}
