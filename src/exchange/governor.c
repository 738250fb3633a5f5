/* REQUEST_WEIGHT governor: budget per wall-clock minute, shared via a locked file. */
#include "exchange/governor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/time.h"

int64_t mt_gov_weight(enum mt_endpoint ep, int64_t depth_limit, size_t nsymbols)
{
    switch (ep) {
    case MT_EP_PING:
    case MT_EP_TIME: return 1;
    case MT_EP_EXCHANGE_INFO: return 20;
    case MT_EP_KLINES:
    case MT_EP_AVG_PRICE: return 2;
    case MT_EP_DEPTH:
        if (depth_limit <= 100)
            return 5;
        if (depth_limit <= 500)
            return 25;
        if (depth_limit <= 1000)
            return 50;
        return 250;
    case MT_EP_TICKER_24H:
        if (nsymbols == 0 || nsymbols >= 101)
            return 80;
        return nsymbols <= 20 ? 2 : 40;
    case MT_EP_BOOK_TICKER:
    case MT_EP_TICKER_PRICE: return nsymbols == 1 ? 2 : 4;
    }
    return 1;
}

void mt_gov_config_default(struct mt_gov_config *cfg)
{
    cfg->limit = MT_GOV_DEFAULT_LIMIT;
    cfg->share = MT_GOV_DEFAULT_SHARE;
    cfg->state_path = NULL;
    cfg->notice = NULL;
    cfg->notice_ctx = NULL;
}

int mt_gov_init(struct mt_gov *g, const struct mt_gov_config *cfg, struct mt_err *err)
{
    memset(g, 0, sizeof *g);
    g->fd = -1;
    if (cfg->limit < 1 || !(cfg->share > 0.0 && cfg->share <= 1.0))
        return mt_err_set(err, MT_EINVAL, "rate-limit governor: limit must be >= 1 and share in (0, 1], got %lld and %g",
                          (long long)cfg->limit, cfg->share);
    g->limit = cfg->limit;
    g->share = cfg->share;
    g->notice = cfg->notice;
    g->notice_ctx = cfg->notice_ctx;
    if (cfg->state_path) {
        int n = snprintf(g->path, sizeof g->path, "%s", cfg->state_path);
        if (n < 0 || (size_t)n >= sizeof g->path)
            return mt_err_set(err, MT_EINVAL, "rate-limit state file path too long: %s", cfg->state_path);
        g->fd = open(g->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (g->fd < 0)
            return mt_err_set(err, MT_EIO, "rate-limit state file %s: %s", g->path, strerror(errno));
    }
    return 0;
}

void mt_gov_release(struct mt_gov *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
}

int mt_gov_default_path(char *buf, size_t cap, struct mt_err *err)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char dir[MT_GOV_PATH_MAX];
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(dir, sizeof dir, "%s/mtrader", xdg);
    else if (home && home[0])
        n = snprintf(dir, sizeof dir, "%s/.cache/mtrader", home);
    else
        return mt_err_set(err, MT_ECONFIG, "rate-limit state file: neither XDG_CACHE_HOME nor HOME is set");
    if (n < 0 || (size_t)n >= sizeof dir)
        return mt_err_set(err, MT_ELIMIT, "rate-limit state directory path too long");
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        return mt_err_set(err, MT_EIO, "rate-limit state file: gethostname: %s", strerror(errno));
    host[sizeof host - 1] = '\0';
    /* mkdir -p of the last two components ($HOME/.cache may not exist yet). */
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return mt_err_set(err, MT_EIO, "rate-limit state directory %s: %s", dir, strerror(errno));
    *slash = '/';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return mt_err_set(err, MT_EIO, "rate-limit state directory %s: %s", dir, strerror(errno));
    n = snprintf(buf, cap, "%s/weight-%s.state", dir, host);
    if (n < 0 || (size_t)n >= cap)
        return mt_err_set(err, MT_ELIMIT, "rate-limit state file path too long");
    return 0;
}

void mt_gov_set_limit(struct mt_gov *g, int64_t limit)
{
    if (limit >= 1)
        g->limit = limit;
}

int64_t mt_gov_budget(const struct mt_gov *g)
{
    int64_t b = (int64_t)((double)g->limit * g->share);
    return b < 1 ? 1 : b;
}

/* ---- state file: one line "mtgov1 window used banned retry\n" ---- */

/* Locks and reads the state file; *foreign is set when it held something
 * other than a record (an empty file is a new one). */
static int lock_read(struct mt_gov *g, bool *foreign, struct mt_err *err)
{
    *foreign = false;
    if (g->fd < 0)
        return 0;
    if (flock(g->fd, LOCK_EX) != 0)
        return mt_err_set(err, MT_EIO, "rate-limit state file %s: lock: %s", g->path, strerror(errno));
    char buf[160];
    ssize_t n = pread(g->fd, buf, sizeof buf - 1, 0);
    if (n < 0) {
        int e = errno;
        flock(g->fd, LOCK_UN);
        return mt_err_set(err, MT_EIO, "rate-limit state file %s: read: %s", g->path, strerror(e));
    }
    buf[n] = '\0';
    struct mt_gov_state st;
    /* An empty or unreadable record (new file, foreign content) starts afresh:
     * the file is only a cache of the server's count. */
    if (sscanf(buf, "mtgov1 %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64, &st.window_start, &st.used,
               &st.banned_until, &st.retry_until) != 4) {
        memset(&st, 0, sizeof st);
        *foreign = n > 0;
    }
    g->st = st;
    return 0;
}

static void notify(const struct mt_gov *g, enum mt_gov_notice kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void notify(const struct mt_gov *g, enum mt_gov_notice kind, const char *fmt, ...)
{
    if (!g->notice)
        return;
    char msg[MT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    g->notice(g->notice_ctx, kind, msg);
}

/* "; rate-limit state file PATH" when the state is shared, else "". */
static const char *file_note(const struct mt_gov *g, char *buf, size_t cap)
{
    if (g->fd < 0)
        return "";
    snprintf(buf, cap, "; rate-limit state file %s", g->path);
    return buf;
}

/* Zeroes *v (with a notice) when it is negative or more than max_ahead past
 * now (give or take a minute of clock steps between the writer and now). */
static void check_until(const struct mt_gov *g, const char *field, int64_t *v, int64_t now_ms, int64_t max_ahead,
                        const char *bound)
{
    if (*v >= 0 && *v - now_ms <= max_ahead + MT_GOV_WINDOW_MS)
        return;
    char when[40];
    notify(g, MT_GOV_NOTICE_CORRUPT,
           "rate-limit state file %s: %s %lld (%s UTC) is %s: ignored as corrupt", g->path, field,
           (long long)*v, mt_time_format(*v, when, sizeof when), *v < 0 ? "before 1970" : bound);
    *v = 0;
}

/* Locks, reads and checks the state at now_ms: values no Binance answer can
 * have produced are dropped (written back by the next write_unlock). */
static int lock_read_checked(struct mt_gov *g, int64_t now_ms, struct mt_err *err)
{
    bool foreign;
    int rc = lock_read(g, &foreign, err);
    if (rc || g->fd < 0)
        return rc;
    struct mt_gov_state *st = &g->st;
    if (foreign)
        notify(g, MT_GOV_NOTICE_CORRUPT, "rate-limit state file %s: not an mtgov1 record: starting afresh",
               g->path);
    check_until(g, "banned_until", &st->banned_until, now_ms, MT_GOV_MAX_BAN_MS,
                "more than 3 days ahead (the longest binance ban)");
    check_until(g, "retry_until", &st->retry_until, now_ms, MT_GOV_MAX_RETRY_MS,
                "more than 5 minutes ahead (the longest binance rate-limit window)");
    if (st->used < 0 || st->window_start < 0 || st->window_start > now_ms + MT_GOV_WINDOW_MS) {
        notify(g, MT_GOV_NOTICE_CORRUPT,
               "rate-limit state file %s: window %lld with %lld weight used is not a past minute: ignored as corrupt",
               g->path, (long long)st->window_start, (long long)st->used);
        st->window_start = st->used = 0;
    }
    return 0;
}

static int write_unlock(struct mt_gov *g, struct mt_err *err)
{
    if (g->fd < 0)
        return 0;
    char buf[160];
    int n = snprintf(buf, sizeof buf, "mtgov1 %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
                     g->st.window_start, g->st.used, g->st.banned_until, g->st.retry_until);
    int rc = 0;
    if (pwrite(g->fd, buf, (size_t)n, 0) != (ssize_t)n || ftruncate(g->fd, (off_t)n) != 0)
        rc = mt_err_set(err, MT_EIO, "rate-limit state file %s: write: %s", g->path, strerror(errno));
    flock(g->fd, LOCK_UN);
    return rc;
}

static void unlock(struct mt_gov *g)
{
    if (g->fd >= 0)
        flock(g->fd, LOCK_UN);
}

static void roll_window(struct mt_gov_state *st, int64_t now_ms)
{
    int64_t w = now_ms - now_ms % MT_GOV_WINDOW_MS;
    if (w != st->window_start) {
        st->window_start = w;
        st->used = 0;
    }
}

static int banned(const struct mt_gov *g, int64_t now_ms, struct mt_err *err)
{
    char when[40], note[MT_GOV_PATH_MAX + 32];
    mt_time_format(g->st.banned_until, when, sizeof when);
    return mt_err_set(err, MT_EBANNED, "binance banned this ip (http 418) until %s UTC (%lld s from now)%s", when,
                      (long long)((g->st.banned_until - now_ms + 999) / 1000), file_note(g, note, sizeof note));
}

/* Sets *wait_ms to until - now_ms and tells why everything waits. */
static void wait_until(const struct mt_gov *g, int64_t until, int64_t now_ms, const char *why, int64_t *wait_ms)
{
    char when[40], note[MT_GOV_PATH_MAX + 32];
    *wait_ms = until - now_ms;
    notify(g, MT_GOV_NOTICE_WAIT, "waiting %.1f s, until %s UTC: %s%s", (double)*wait_ms / 1000.0,
           mt_time_format(until, when, sizeof when), why, file_note(g, note, sizeof note));
}

int mt_gov_acquire(struct mt_gov *g, int64_t weight, int64_t now_ms, int64_t *wait_ms,
                   struct mt_err *err)
{
    *wait_ms = 0;
    if (weight > g->limit)
        return mt_err_set(err, MT_ELIMIT,
                          "a request of weight %lld can never pass the exchange's limit of %lld "
                          "per minute",
                          (long long)weight, (long long)g->limit);
    int rc = lock_read_checked(g, now_ms, err);
    if (rc)
        return rc;
    struct mt_gov_state *st = &g->st;
    if (st->banned_until > now_ms) {
        unlock(g);
        return banned(g, now_ms, err);
    }
    if (st->retry_until > now_ms) {
        unlock(g);
        wait_until(g, st->retry_until, now_ms, "binance answered 429 (too much request weight) with Retry-After",
                   wait_ms);
        return 0;
    }
    roll_window(st, now_ms);
    int64_t budget = mt_gov_budget(g);
    if (st->used + weight > budget && st->used > 0) {
        unlock(g);
        char why[96];
        snprintf(why, sizeof why, "the weight budget of %lld per minute is used (%lld)", (long long)budget,
                 (long long)st->used);
        wait_until(g, st->window_start + MT_GOV_WINDOW_MS, now_ms, why, wait_ms);
        return 0;
    }
    st->used += weight;
    g->spent += weight;
    return write_unlock(g, err);
}

int mt_gov_on_response(struct mt_gov *g, long status, int64_t used_weight, int64_t retry_after_s,
                       int64_t now_ms, struct mt_err *err)
{
    int rc = lock_read_checked(g, now_ms, err);
    if (rc)
        return rc;
    struct mt_gov_state *st = &g->st;
    roll_window(st, now_ms);
    if (used_weight > st->used)
        st->used = used_weight;
    /* Larger Retry-After values than Binance documents are broken headers. */
    if (status == 429) {
        int64_t ms = retry_after_s < MT_GOV_MAX_RETRY_MS / 1000 ? retry_after_s * 1000 : MT_GOV_MAX_RETRY_MS;
        int64_t until = retry_after_s >= 0 ? now_ms + ms : st->window_start + MT_GOV_WINDOW_MS;
        if (until > st->retry_until)
            st->retry_until = until;
    } else if (status == 418) {
        int64_t ms = retry_after_s < MT_GOV_MAX_BAN_MS / 1000 ? retry_after_s * 1000 : MT_GOV_MAX_BAN_MS;
        int64_t until = now_ms + (retry_after_s >= 0 ? ms : MT_GOV_DEFAULT_BAN_MS);
        if (until > st->banned_until)
            st->banned_until = until;
    }
    rc = write_unlock(g, err);
    if (rc)
        return rc;
    if (status == 418)
        return banned(g, now_ms, err);
    return 0;
}

int mt_gov_state(struct mt_gov *g, struct mt_gov_state *out, struct mt_err *err)
{
    bool foreign;
    int rc = lock_read(g, &foreign, err);
    if (rc)
        return rc;
    unlock(g);
    *out = g->st;
    return 0;
}
