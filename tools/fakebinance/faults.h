/* Fault injection: a seeded generator decides, per request, whether the
 * answer is dropped, a 5xx, malformed JSON or a truncated body. Two draws per
 * request, so the sequence of decisions depends only on the seed and the
 * order of requests. */
#ifndef FB_FAULTS_H
#define FB_FAULTS_H

#include <pthread.h>
#include <stdint.h>

enum fb_fault {
    FB_FAULT_NONE = 0,
    FB_FAULT_DROP,          /* connection closed without an answer */
    FB_FAULT_500,
    FB_FAULT_502,
    FB_FAULT_503,
    FB_FAULT_MALFORMED,     /* 200 with a body that is not valid JSON */
    FB_FAULT_TRUNC_SHORT,   /* body cut, Content-Length honest about the cut */
    FB_FAULT_TRUNC_CLOSE,   /* full Content-Length announced, connection closed mid-body */
};

struct fb_faults {
    pthread_mutex_t mu;
    double drop, fail_5xx, malformed, truncate; /* shares 0..1, sum <= 1 */
    uint64_t state;
};

void fb_faults_init(struct fb_faults *f, uint64_t seed, double drop, double fail_5xx,
                    double malformed, double truncate);
void fb_faults_release(struct fb_faults *f);

/* The fault for the next request (thread-safe). */
enum fb_fault fb_faults_pick(struct fb_faults *f);

/* Short name for logs ("none", "drop", "500", ..., "truncate-close"). */
const char *fb_fault_name(enum fb_fault fault);

#endif
