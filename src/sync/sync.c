/* One sync run: universe, download plans per timeframe, merges, resampling,
 * snapshot (see sync.h). */
#include "sync/sync.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/grow.h"
#include "core/log.h"
#include "core/time.h"
#include "store/resample.h"
#include "store/store.h"
#include "store/validate.h"
#include "sync/snapshot.h"
#include "sync/universe.h"

void mt_sync_config_default(struct mt_sync_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->data_dir = "data";
    cfg->quote = MT_SYNC_DEFAULT_QUOTE;
    cfg->exclude_bases = MT_SYNC_DEFAULT_EXCLUDE_BASES;
    cfg->tfs[0] = MT_TF_1H;
    cfg->tfs[1] = MT_TF_1D;
    cfg->ntf = 2;
    cfg->history_days = MT_SYNC_DEFAULT_HISTORY_DAYS;
    cfg->since = -1;
    cfg->snapshots = true;
    mt_binance_config_default(&cfg->exchange);
    cfg->log_tag = "sync";
}

int mt_sync_set_timeframes(struct mt_sync_config *cfg, const char *list, struct mt_err *err)
{
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", list) >= (int)sizeof buf)
        return mt_err_set(err, MT_EINVAL, "timeframe list '%.64s...' too long", list);
    enum mt_tf tfs[MT_TF_COUNT];
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == MT_TF_COUNT)
            return mt_err_set(err, MT_EINVAL, "too many timeframes in '%s'", list);
        int rc = mt_tf_parse(tok, &tfs[n], err);
        if (rc)
            return rc;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = tfs[k] == tfs[n];
        if (seen)
            mt_log_debug("%s: timeframe %s listed twice: fetched once", cfg->log_tag, tok);
        else
            n++;
    }
    if (n == 0)
        return mt_err_set(err, MT_EINVAL, "no timeframe in '%s'", list);
    memcpy(cfg->tfs, tfs, n * sizeof *tfs);
    cfg->ntf = n;
    return MT_OK;
}

int mt_sync_config_check(const struct mt_sync_config *cfg, struct mt_err *err)
{
    if (cfg->ntf == 0 || cfg->ntf > MT_TF_COUNT)
        return mt_err_set(err, MT_EINVAL, "sync: %zu timeframes (expected 1 to %d)", cfg->ntf,
                          MT_TF_COUNT);
    if (cfg->history_days < 1)
        return mt_err_set(err, MT_EINVAL, "sync: history_days %lld (expected 1 or more)",
                          (long long)cfg->history_days);
    if (cfg->since != -1 && cfg->since < MT_SYNC_EPOCH_MS)
        return mt_err_set(err, MT_EINVAL, "sync: since %lld is before 2017-01-01",
                          (long long)cfg->since);
    for (size_t k = 0; cfg->resample && k < cfg->ntf; k++)
        if (!mt_tf_divides(cfg->resample_from, cfg->tfs[k]))
            return mt_err_set(err, MT_EINVAL, "cannot build %s from %s", mt_tf_name(cfg->tfs[k]),
                              mt_tf_name(cfg->resample_from));
    return MT_OK;
}

void mt_sync_report_release(struct mt_sync_report *rep)
{
    free(rep->failures);
    rep->failures = NULL;
    rep->nfailures = 0;
}

/* Records a failure (counted in rep->failed unless of kind RUN). */
static void add_failure(struct mt_sync_report *rep, size_t *cap, enum mt_sync_failure_kind kind,
                        const char *symbol, enum mt_tf tf, size_t stored, const struct mt_err *err)
{
    if (kind == MT_SYNC_FAIL_RUN)
        rep->run_failed = true;
    else
        rep->failed++;
    struct mt_sync_failure *v = mt_grow(rep->failures, cap, rep->nfailures, sizeof *v, 16);
    if (!v) {
        rep->failures_lost++;
        return;
    }
    rep->failures = v;
    struct mt_sync_failure *f = &rep->failures[rep->nfailures++];
    f->kind = kind;
    snprintf(f->symbol, sizeof f->symbol, "%s", symbol);
    f->tf = tf;
    f->stored = stored;
    f->err = *err;
}

/* One run's state. */
struct run {
    const struct mt_sync_config *cfg;
    struct mt_binance b;
    struct mt_sync_universe u;
    struct mt_sync_tickers tk;
    struct mt_sync_report *rep;
    size_t cap;                 /* of rep->failures */
    size_t ended, total;        /* jobs of the timeframe being downloaded */
};

static void init_job(struct mt_klines_job *job, const char *symbol, enum mt_tf tf, int64_t from,
                     int64_t to)
{
    memset(job, 0, sizeof *job);
    snprintf(job->symbol, sizeof job->symbol, "%s", symbol);
    job->tf = tf;
    job->start_ms = from;
    job->end_ms = to;
    mt_series_init(&job->series, MT_F_ALL);
}

/* Plans the jobs of one symbol into jobs[]: the candles after the last stored
 * one (from `start` when nothing is stored) and, with backfill, the history
 * from `start` up to the first stored candle. Returns the number of jobs (1 or 2). */
static size_t plan_jobs(const char *data_dir, const char *symbol, enum mt_tf tf, int64_t start,
                        bool backfill, struct mt_klines_job *jobs)
{
    struct mt_series stored;
    mt_series_init(&stored, 0);
    struct mt_err err = {0};
    bool have = mt_store_load(data_dir, symbol, tf, &stored, &err) == MT_OK && stored.n;
    int64_t from = mt_tf_floor(tf, start);
    size_t n = 0;
    init_job(&jobs[n++], symbol, tf, have ? mt_tf_next(tf, stored.open_time[stored.n - 1]) : from,
             -1);
    if (have && backfill && from < stored.open_time[0])
        init_job(&jobs[n++], symbol, tf, from, stored.open_time[0] - 1);
    mt_series_release(&stored);
    return n;
}

/* Counts the gaps inside the fetched candles (outage hours Binance skipped). */
static void count_gaps(const struct mt_series *s, enum mt_tf tf, struct mt_sync_report *rep)
{
    struct mt_validate_report *v = malloc(sizeof *v);
    if (!v)
        return;
    if (mt_validate_series(s, tf, v, NULL) == MT_OK) {
        rep->gaps += v->counts[MT_ISSUE_GAP];
        rep->missing += v->missing_candles;
    }
    free(v);
}

/* Stores one finished job, recording its failure. */
static void store_job(struct run *r, struct mt_klines_job *job)
{
    struct mt_sync_report *rep = r->rep;
    rep->pages += (size_t)job->pages;
    if (job->series.n) {
        struct mt_merge_report merge;
        struct mt_err err = {0};
        if (mt_store_merge(r->cfg->data_dir, job->symbol, job->tf, &job->series,
                           MT_MERGE_NEWER_WINS, &merge, &err)) {
            add_failure(rep, &r->cap, MT_SYNC_FAIL_STORE, job->symbol, job->tf, 0, &err);
            return;
        }
        rep->added += merge.added;
        rep->replaced += merge.replaced;
        count_gaps(&job->series, job->tf, rep);
    }
    if (job->rc)
        add_failure(rep, &r->cap, MT_SYNC_FAIL_DOWNLOAD, job->symbol, job->tf, job->series.n,
                    &job->err);
}

static void progress(const struct run *r, enum mt_tf tf, enum mt_sync_stage stage)
{
    if (r->cfg->progress)
        r->cfg->progress(r->cfg->progress_user, tf, stage, r->ended, r->total);
}

/* mt_klines_job_fn: stores the finished job and frees its candles at once, so
 * a run holds only the running jobs' candles. */
static void on_job_end(void *user, struct mt_klines_job *job)
{
    struct run *r = user;
    store_job(r, job);
    mt_series_release(&job->series);
    r->ended++;
    progress(r, job->tf, MT_SYNC_STEP);
}

/* Downloads timeframe tf of the universe. Returns 0 (a failure of the run
 * itself is recorded as one of kind RUN) or MT_ENOMEM. */
static int download_timeframe(struct run *r, enum mt_tf tf, int64_t start, struct mt_err *err)
{
    const struct mt_sync_universe *u = &r->u;
    struct mt_klines_job *jobs = calloc(2 * u->n + 1, sizeof *jobs);
    if (!jobs)
        return mt_err_set(err, MT_ENOMEM, "out of memory for %zu downloads", 2 * u->n);
    size_t njobs = 0;
    for (size_t i = 0; i < u->n; i++)
        njobs += plan_jobs(r->cfg->data_dir, u->names[i], tf, start, r->cfg->backfill,
                           &jobs[njobs]);
    r->ended = 0;
    r->total = njobs;
    progress(r, tf, MT_SYNC_START);
    struct mt_err run_err = {0};
    if (mt_binance_klines_many(&r->b, jobs, njobs, on_job_end, r, &run_err))
        add_failure(r->rep, &r->cap, MT_SYNC_FAIL_RUN, "", tf, 0, &run_err);
    progress(r, tf, MT_SYNC_END);
    r->rep->series += u->n;
    for (size_t i = 0; i < njobs; i++)
        mt_series_release(&jobs[i].series);
    free(jobs);
    return MT_OK;
}

/* Builds the other timeframes from cfg->resample_from for every symbol. */
static int resample_symbols(struct run *r, struct mt_err *err)
{
    const struct mt_sync_config *cfg = r->cfg;
    struct mt_resample_report *rs = malloc(sizeof *rs);
    if (!rs)
        return mt_err_set(err, MT_ENOMEM, "out of memory for resampling");
    for (size_t i = 0; i < r->u.n; i++) {
        const char *symbol = r->u.names[i];
        struct mt_series in, out;
        mt_series_init(&in, 0);
        mt_series_init(&out, 0);
        struct mt_err e = {0};
        if (mt_store_load(cfg->data_dir, symbol, cfg->resample_from, &in, &e) == MT_OK) {
            for (size_t k = 0; k < cfg->ntf; k++) {
                struct mt_merge_report merge;
                if (cfg->tfs[k] == cfg->resample_from)
                    continue;
                if (mt_resample(&in, cfg->resample_from, cfg->tfs[k], NULL, &out, rs, &e) ||
                    mt_store_merge(cfg->data_dir, symbol, cfg->tfs[k], &out, MT_MERGE_KEEP_STORED,
                                   &merge, &e)) {
                    add_failure(r->rep, &r->cap, MT_SYNC_FAIL_RESAMPLE, symbol, cfg->tfs[k], 0, &e);
                    continue;
                }
                r->rep->added += merge.added;
            }
        }
        mt_series_release(&in);
        mt_series_release(&out);
    }
    free(rs);
    return MT_OK;
}

/* The snapshot's ranking timeframe: 1d when kept fresh, else 1h when kept
 * fresh, else 1d. */
static enum mt_tf rank_timeframe(const struct mt_sync_config *cfg)
{
    bool has_1d = false, has_1h = false;
    for (size_t k = 0; k < cfg->ntf; k++) {
        has_1d = has_1d || cfg->tfs[k] == MT_TF_1D;
        has_1h = has_1h || cfg->tfs[k] == MT_TF_1H;
    }
    return !has_1d && has_1h ? MT_TF_1H : MT_TF_1D;
}

/* The downloads, resampling and snapshot of a run whose universe is chosen. */
static int run_steps(struct run *r, int64_t now, struct mt_err *err)
{
    const struct mt_sync_config *cfg = r->cfg;
    int64_t start = cfg->since != -1 ? cfg->since : now - cfg->history_days * MT_MS_DAY;
    if (start < MT_SYNC_EPOCH_MS)
        start = MT_SYNC_EPOCH_MS; /* a long history_days: all there is */
    int rc = MT_OK;
    if (cfg->resample) {
        rc = download_timeframe(r, cfg->resample_from, start, err);
        if (!rc)
            rc = resample_symbols(r, err); /* also after a failed run: what was stored */
    } else {
        for (size_t k = 0; k < cfg->ntf && !rc && !r->rep->run_failed; k++)
            rc = download_timeframe(r, cfg->tfs[k], start, err);
    }
    if (rc)
        return rc;
    if (cfg->snapshots) {
        struct mt_err e = {0};
        if (mt_sync_snapshot(cfg->data_dir, &r->b, &r->tk, &r->u, rank_timeframe(cfg), now,
                             &r->rep->snapshot_rows, &e))
            add_failure(r->rep, &r->cap, MT_SYNC_FAIL_SNAPSHOT, "", cfg->tfs[0], 0, &e);
    }
    return MT_OK;
}

int mt_sync_run(const struct mt_sync_config *cfg, struct mt_sync_report *rep, struct mt_err *err)
{
    assert(cfg && cfg->data_dir && cfg->quote && cfg->exclude_bases && cfg->log_tag && rep);
    memset(rep, 0, sizeof *rep);
    int rc = mt_sync_config_check(cfg, err);
    if (rc)
        return rc;
    const struct mt_clock *clock = mt_clock_or_wall(cfg->exchange.http.clock);
    int64_t t0 = mt_clock_mono(clock);
    struct run r = {.cfg = cfg, .rep = rep};
    rc = mt_binance_init(&r.b, &cfg->exchange, err);
    if (rc)
        return rc;
    struct mt_exchange_info info = {0};
    int64_t now = 0;
    rc = mt_binance_exchange_info(&r.b, &info, err);
    if (!rc)
        rc = mt_binance_now(&r.b, &now, err);
    if (!rc)
        rc = mt_sync_universe_select(cfg, &r.b, &info, &r.tk, &r.u, err);
    if (!rc) {
        rep->symbols = r.u.n;
        mt_log_info("%s: %zu symbols from %s (rate-limit state file %s)", cfg->log_tag, r.u.n,
                    r.b.http.shown_url,
                    cfg->exchange.gov.state_path ? cfg->exchange.gov.state_path : "none");
        rc = run_steps(&r, now, err);
    }
    rep->weight = r.b.gov.spent;
    rep->retries = r.b.http.retries;
    rep->waited_rate_ms = r.b.http.waited_rate_ms;
    rep->waited_backoff_ms = r.b.http.waited_backoff_ms;
    rep->elapsed_ms = mt_clock_mono(clock) - t0;
    free(r.tk.t);
    mt_sync_universe_release(&r.u);
    mt_exchange_info_release(&info);
    mt_binance_release(&r.b);
    if (rc)
        mt_sync_report_release(rep);
    return rc;
}
