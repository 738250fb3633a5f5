/* Keeping the store fresh from Binance: the universe of symbols, the download
 * plan (the candles after the last stored one, optionally the history before
 * the first), the merge of every finished download into the OHLCV store, the
 * optional resampling of coarser timeframes and the market snapshot (24 h
 * tickers, book spreads, ranks). `mtrader download` and the session run the
 * same mt_sync_run.
 *
 * The module never prints: what happened, failures included, is in the
 * report; progress goes through a callback. Log lines (debug and info) start
 * with the config's log_tag. */
#ifndef MT_SYNC_SYNC_H
#define MT_SYNC_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/timeframe.h"
#include "exchange/binance.h"

/* Binance opened in July 2017: no candle before 2017-01-01 is asked for
 * (earlier start times would send no startTime and fetch only the latest
 * candles). */
#define MT_SYNC_EPOCH_MS INT64_C(1483228800000)

/* Defaults of mt_sync_config_default (also the config file's defaults). */
#define MT_SYNC_DEFAULT_QUOTE "USDT"
#define MT_SYNC_DEFAULT_EXCLUDE_BASES                                                          \
    "USDC,BUSD,TUSD,FDUSD,USDP,DAI,UST,USTC,PAX,PAXG,EUR,GBP,AUD,TRY,BRL,RUB,UAH,NGN,ZAR,IDRT," \
    "BIDR,BVND,AEUR,EURI,USD1,XUSD,BFUSD,RLUSD"
#define MT_SYNC_DEFAULT_TIMEFRAMES "1h,1d"
#define MT_SYNC_DEFAULT_HISTORY_DAYS (4 * 365)

/* Stages of one timeframe's download, for the progress callback. */
enum mt_sync_stage {
    MT_SYNC_START, /* the jobs are planned: done 0 of total */
    MT_SYNC_STEP,  /* one more job ended (stored or failed) */
    MT_SYNC_END,   /* the timeframe's run is over (also after a failed run) */
};

/* Progress of the download of timeframe tf: done of total jobs. */
typedef void (*mt_sync_progress_fn)(void *user, enum mt_tf tf, enum mt_sync_stage stage,
                                    size_t done, size_t total);

/* What to keep fresh. Strings are borrowed: they must outlive mt_sync_run. */
struct mt_sync_config {
    const char *data_dir;      /* store root */
    const char *quote;         /* quote asset of the universe */
    const char *exclude_bases; /* comma-separated bases left out of the universe */
    const char *symbols;       /* comma-separated symbols instead of the universe, NULL = universe */
    bool skip_untradable;      /* symbols not trading (or unknown) are skipped with a log line, not an error */
    size_t top;                /* keep the N universe symbols of highest 24 h quote volume, 0 = all */
    enum mt_tf tfs[MT_TF_COUNT]; /* timeframes kept fresh (mt_sync_set_timeframes) */
    size_t ntf;
    int64_t history_days;      /* history of a symbol not stored yet, >= 1 */
    int64_t since;             /* first candle wanted (ms UTC) instead of history_days, -1 = unset */
    bool backfill;             /* also fetch the history from the start up to the first stored candle */
    bool resample;             /* download only resample_from and build tfs from it */
    enum mt_tf resample_from;
    bool snapshots;            /* append a market snapshot of the universe */
    struct mt_binance_config exchange; /* the client's config: base url, concurrency, governor, run
                                          deadline (http.deadline_ms), clock (http.clock) */
    const char *log_tag;       /* prefix of the log lines ("sync") */
    mt_sync_progress_fn progress; /* NULL = none */
    void *progress_user;
};

/* Fills the defaults: data dir "data", the MT_SYNC_DEFAULT_* universe and
 * timeframes, no since, no backfill, no resampling, snapshots on, the
 * binance client's defaults, log tag "sync", no progress callback. */
void mt_sync_config_default(struct mt_sync_config *cfg);

/* Parses a comma-separated timeframe list into cfg->tfs / cfg->ntf; a
 * timeframe listed twice counts once. MT_EINVAL naming the list (an unknown
 * timeframe, none, too many) leaves cfg unchanged. */
int mt_sync_set_timeframes(struct mt_sync_config *cfg, const char *list, struct mt_err *err);

/* Checks cfg before a run: at least one timeframe, history_days >= 1, since
 * unset or >= MT_SYNC_EPOCH_MS, and with resample every timeframe buildable
 * from resample_from ("cannot build 1d from 4h"). Returns 0 or MT_EINVAL. */
int mt_sync_config_check(const struct mt_sync_config *cfg, struct mt_err *err);

/* What failed in a run. */
enum mt_sync_failure_kind {
    MT_SYNC_FAIL_DOWNLOAD, /* a job's download failed; `stored` candles before it were stored */
    MT_SYNC_FAIL_STORE,    /* merging a job's candles into the store failed */
    MT_SYNC_FAIL_RESAMPLE, /* building or storing tf from resample_from failed */
    MT_SYNC_FAIL_SNAPSHOT, /* the market snapshot failed (symbol "") */
    MT_SYNC_FAIL_RUN,      /* the download run of tf itself failed (symbol ""): later
                              timeframes were not fetched */
};

struct mt_sync_failure {
    enum mt_sync_failure_kind kind;
    char symbol[MT_SYMBOL_MAX];
    enum mt_tf tf;
    size_t stored;
    struct mt_err err;
};

/* What a run did. */
struct mt_sync_report {
    size_t symbols;           /* in the universe */
    size_t series;            /* symbol x timeframe downloads */
    size_t added, replaced;   /* candles merged into the store (resampled ones count as added) */
    size_t gaps, missing;     /* gaps inside the downloaded candles, candles missing in them */
    size_t failed;            /* failures of kind DOWNLOAD, STORE, RESAMPLE and SNAPSHOT */
    bool run_failed;          /* a failure of kind RUN happened */
    size_t snapshot_rows;     /* rows the snapshot added or replaced */
    size_t pages;             /* kline requests that returned rows */
    int64_t weight;           /* request weight the run reserved */
    int64_t retries;          /* requests tried again */
    int64_t waited_rate_ms, waited_backoff_ms; /* idle waits for rate limits and retry backoff */
    int64_t elapsed_ms;       /* on the client's clock */
    struct mt_sync_failure *failures; /* in the order they happened; owned */
    size_t nfailures;
    size_t failures_lost;     /* failures counted but not kept (out of memory) */
};

/* Releases the failures; the report may be reused. Safe twice. */
void mt_sync_report_release(struct mt_sync_report *rep);

/* One sync: client from cfg->exchange, exchangeInfo and server time, the
 * universe (cfg->symbols, each of which must exist and be TRADING, else the
 * TRADING symbols of cfg->quote whose base is not excluded, the top N by 24 h
 * quote volume), then per timeframe the planned downloads, each merged into
 * the store as it ends (newer candles win) and released; with resample the
 * other timeframes are built from resample_from and merged (stored candles
 * kept); then the snapshot at the server's time, ranked from the 1d candles
 * when they are kept fresh, else the 1h ones. rep is overwritten (release it
 * after). Returns 0 when the run went through, failures or not (see
 * rep->failed and rep->run_failed), or the error that stopped it before any
 * download: MT_EINVAL (config, unknown or not trading symbol), the client's
 * and the exchange's errors, MT_ENOMEM. */
int mt_sync_run(const struct mt_sync_config *cfg, struct mt_sync_report *rep, struct mt_err *err);

#endif
