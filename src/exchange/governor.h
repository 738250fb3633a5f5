/* Binance REQUEST_WEIGHT governor.
 *
 * Binance counts request weight per IP in 1-minute windows aligned to the
 * wall-clock minute, answers 429 + Retry-After past the limit and bans the IP
 * (418) when a client keeps going. The governor keeps the weight of this
 * machine under `share` of the limit: every request first reserves its weight
 * (mt_gov_acquire), every response corrects the view with the server's
 * X-MBX-USED-WEIGHT-1M (mt_gov_on_response). Several mtrader processes on one
 * machine share one budget through a small state file, read-modified-written
 * under flock() on every call.
 *
 * Pure logic with an injected clock (now_ms = wall-clock ms UTC). Not
 * thread-safe: one struct per thread (the state file serialises processes and
 * structs alike). */
#ifndef MT_EXCHANGE_GOVERNOR_H
#define MT_EXCHANGE_GOVERNOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define MT_GOV_WINDOW_MS INT64_C(60000)
#define MT_GOV_DEFAULT_LIMIT 6000
#define MT_GOV_DEFAULT_SHARE 0.8
/* Assumed ban length when a 418 carries no Retry-After. */
#define MT_GOV_DEFAULT_BAN_MS INT64_C(120000)
/* Longest IP ban Binance documents (bans grow from 2 minutes to 3 days). */
#define MT_GOV_MAX_BAN_MS (INT64_C(3) * 86400000)
/* Longest 429 Retry-After honoured: the longest IP request window Binance
 * defines (RAW_REQUESTS per 5 minutes; REQUEST_WEIGHT is per minute). */
#define MT_GOV_MAX_RETRY_MS INT64_C(300000)
#define MT_GOV_PATH_MAX 512

/* Market-data endpoints with their weights (docs/binance-api.md §1.3). */
enum mt_endpoint {
    MT_EP_PING,
    MT_EP_TIME,
    MT_EP_EXCHANGE_INFO,
    MT_EP_KLINES,
    MT_EP_DEPTH,
    MT_EP_TICKER_24H,
    MT_EP_BOOK_TICKER,
    MT_EP_TICKER_PRICE,
    MT_EP_AVG_PRICE,
};

/* Weight of one request. depth_limit is the `limit` of MT_EP_DEPTH (1..5000;
 * 0 = default 100), ignored elsewhere. nsymbols: 1 = one `symbol`, k > 1 = a
 * `symbols` list of k, 0 = all symbols (ticker endpoints). */
int64_t mt_gov_weight(enum mt_endpoint ep, int64_t depth_limit, size_t nsymbols);

enum mt_gov_notice {
    MT_GOV_NOTICE_WAIT,    /* everything waits: the reason, its end (UTC), the state file */
    MT_GOV_NOTICE_CORRUPT, /* a state-file value no Binance answer can produce was ignored */
};

/* Receives one line for the user (the governor itself never prints). */
typedef void (*mt_gov_notice_fn)(void *ctx, enum mt_gov_notice kind, const char *msg);

struct mt_gov_config {
    int64_t limit;          /* REQUEST_WEIGHT per minute until exchangeInfo tells (default 6000) */
    double share;           /* share of the limit this machine may use, (0, 1] (default 0.8) */
    const char *state_path; /* shared state file, or NULL for a budget private to this struct */
    mt_gov_notice_fn notice; /* NULL = silent */
    void *notice_ctx;
};

/* The defaults above, no state file. */
void mt_gov_config_default(struct mt_gov_config *cfg);

/* The shared view of the budget (also the state file's record). */
struct mt_gov_state {
    int64_t window_start; /* ms, start of the minute the `used` weight belongs to */
    int64_t used;         /* weight used in that window (reserved or reported by the server) */
    int64_t banned_until; /* ms; > now: IP banned (418), nothing may be sent */
    int64_t retry_until;  /* ms; > now: 429 Retry-After in force, everything waits */
};

struct mt_gov {
    int64_t limit;
    double share;
    int fd;                    /* state file, -1 when private */
    char path[MT_GOV_PATH_MAX];
    struct mt_gov_state st;    /* private state, or the last one read from the file */
    int64_t spent;             /* weight this struct reserved since init (for reports) */
    mt_gov_notice_fn notice;
    void *notice_ctx;
};

/* Sets up g from cfg; opens (creating, mode 0600) the state file if one is
 * given; its directory must exist. Returns 0, MT_EINVAL (limit < 1, share
 * outside (0, 1], path too long) or MT_EIO. Release with mt_gov_release. */
int mt_gov_init(struct mt_gov *g, const struct mt_gov_config *cfg, struct mt_err *err);

/* Closes the state file. Safe on a released struct. */
void mt_gov_release(struct mt_gov *g);

/* Writes the default state file path, $XDG_CACHE_HOME (or $HOME/.cache)
 * /mtrader/weight-<hostname>.state, into buf and creates its directory.
 * Returns 0, MT_ECONFIG (no HOME), MT_ELIMIT (buf too small) or MT_EIO. */
int mt_gov_default_path(char *buf, size_t cap, struct mt_err *err);

/* Sets the REQUEST_WEIGHT per minute limit (from exchangeInfo rateLimits);
 * ignored unless limit >= 1. */
void mt_gov_set_limit(struct mt_gov *g, int64_t limit);

/* Weight this machine may use per window: floor(limit * share), at least 1. */
int64_t mt_gov_budget(const struct mt_gov *g);

/* Asks to send a request of `weight` at now_ms. On 0 with *wait_ms == 0 the
 * weight is reserved in the current window: send now. On 0 with *wait_ms > 0
 * nothing is reserved (a waiting process holds no budget): call again after
 * *wait_ms (end of the window or of a 429 Retry-After); a notice names the
 * reason, the end in UTC and the state file. A state file whose ban ends more
 * than MT_GOV_MAX_BAN_MS ahead, whose Retry-After ends more than
 * MT_GOV_MAX_RETRY_MS ahead, or with negative times or weight (or that is not
 * a record at all) is corrupt: those values are dropped with a notice naming
 * the file (also in mt_gov_on_response). A request heavier than
 * the whole budget goes alone into an empty window. Returns MT_EBANNED while
 * the IP is banned (err names the ban's end in UTC and the state file), MT_ELIMIT when weight exceeds
 * the whole limit (the exchange would refuse it forever), MT_EIO on
 * state-file errors. */
int mt_gov_acquire(struct mt_gov *g, int64_t weight, int64_t now_ms, int64_t *wait_ms,
                   struct mt_err *err);

/* Records a response at now_ms: HTTP status (0 = no response), the
 * X-MBX-USED-WEIGHT-1M header (-1 = absent; it wins when higher than ours),
 * the Retry-After header in seconds (-1 = absent). 429 makes every request
 * wait until Retry-After (at most MT_GOV_MAX_RETRY_MS; without one, the end
 * of the window); 418 bans until Retry-After (at most MT_GOV_MAX_BAN_MS;
 * without one, MT_GOV_DEFAULT_BAN_MS) and returns MT_EBANNED naming the end.
 * Returns 0 otherwise, MT_EIO on state-file errors. */
int mt_gov_on_response(struct mt_gov *g, long status, int64_t used_weight, int64_t retry_after_s,
                       int64_t now_ms, struct mt_err *err);

/* Copies the current state as stored, unchecked (read from the file under
 * the lock when shared). */
int mt_gov_state(struct mt_gov *g, struct mt_gov_state *out, struct mt_err *err);

#endif
