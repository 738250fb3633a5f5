/* Per-indicator throughput: mtrader's registry entries against TA-Lib and
 * Tulip Indicators (their C sources, compiled with the same compiler and
 * flags by bench/run-indicator-bench.sh) on the same real series, one core.
 * For each indicator: million bars/s of each (best of ROUNDS, each round
 * repeating the whole series until MIN_SECONDS pass) and our ratio to the
 * faster peer. Prints figures; never passes or fails on time.
 *
 * Usage: bench_indicators CSV   (open_time,open,high,low,close,volume) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "features/indicator.h"
#include "indicators.h"
#include "store/import.h"
#include "ta_libc.h"

#define ROUNDS 5
#define MIN_SECONDS 0.2

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const double *g_open, *g_high, *g_low, *g_close;
static size_t g_n;
static double *g_out[4];
static int g_sink; /* keeps the calls' results observable */

/* One implementation of one indicator: runs over the whole series once. */
typedef void (*run_fn)(void *ctx);

/* Million bars/s of fn: best of ROUNDS rounds of at least MIN_SECONDS. */
static double measure(run_fn fn, void *ctx)
{
    double best = 0;
    for (int r = 0; r < ROUNDS; r++) {
        int reps = 0;
        double t0 = now_s(), t;
        do {
            fn(ctx);
            reps++;
            t = now_s() - t0;
        } while (t < MIN_SECONDS);
        double mbs = (double)g_n * reps / t / 1e6;
        best = mbs > best ? mbs : best;
    }
    return best;
}

/* ---- ours: a registry entry by name and options ---- */

struct ours {
    struct mt_ind ind;
    const double *in[MT_IND_MAX_IN];
};

static void run_ours(void *ctx)
{
    struct ours *o = ctx;
    mt_ind_reset(&o->ind);
    mt_ind_run(&o->ind, g_n, o->in, NULL, g_out);
    g_sink += g_out[0][g_n - 1] > 0;
}

/* ---- TA-Lib ---- */

enum bench_case { EMA, RSI, ATR, BBANDS, ADX, MACD, N_CASES };

static void run_talib(void *ctx)
{
    enum bench_case c = *(enum bench_case *)ctx;
    int beg, nb, end = (int)g_n - 1;
    switch (c) {
    case EMA: TA_EMA(0, end, g_close, 30, &beg, &nb, g_out[0]); break;
    case RSI: TA_RSI(0, end, g_close, 14, &beg, &nb, g_out[0]); break;
    case ATR: TA_ATR(0, end, g_high, g_low, g_close, 14, &beg, &nb, g_out[0]); break;
    case BBANDS:
        TA_BBANDS(0, end, g_close, 20, 2.0, 2.0, TA_MAType_SMA, &beg, &nb, g_out[0], g_out[1], g_out[2]);
        break;
    case ADX: TA_ADX(0, end, g_high, g_low, g_close, 14, &beg, &nb, g_out[0]); break;
    case MACD: TA_MACD(0, end, g_close, 12, 26, 9, &beg, &nb, g_out[0], g_out[1], g_out[2]); break;
    default: break;
    }
    g_sink += nb > 0;
}

/* ---- Tulip Indicators ---- */

static void run_tulip(void *ctx)
{
    enum bench_case c = *(enum bench_case *)ctx;
    static const char *names[N_CASES] = {"ema", "rsi", "atr", "bbands", "adx", "macd"};
    static const double opts[N_CASES][3] = {{30}, {14}, {14}, {20, 2}, {14}, {12, 26, 9}};
    const ti_indicator_info *info = ti_find_indicator(names[c]);
    const double *hlc[3] = {g_high, g_low, g_close}, *cl[1] = {g_close};
    int rc = info->indicator((int)g_n, info->inputs == 3 ? hlc : cl, opts[c], g_out);
    g_sink += rc == TI_OKAY;
}

static int load(const char *path, struct mt_series *s, struct mt_err *err)
{
    struct mt_import_file f;
    mt_import_file_init(&f);
    int rc = mt_import_read(path, NULL, &f, err);
    if (rc == 0) {
        *s = f.series;
        mt_series_init(&f.series, 0);
    }
    mt_import_file_release(&f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_indicators CSV\n");
        return 2;
    }
    struct mt_err err = {0};
    struct mt_series s;
    if (load(argv[1], &s, &err)) {
        fprintf(stderr, "bench_indicators: %s\n", err.msg);
        return 1;
    }
    g_open = s.open;
    g_high = s.high;
    g_low = s.low;
    g_close = s.close;
    g_n = s.n;
    for (int k = 0; k < 4; k++)
        g_out[k] = malloc(g_n * sizeof(double));
    TA_Initialize();

    static const struct {
        const char *name;
        double opt[3];
        int n_opt;
    } ours_spec[N_CASES] = {
        {"ema", {30}, 1}, {"rsi", {14}, 1}, {"atr", {14}, 1}, {"bbands", {20, 2, 2}, 3}, {"adx", {14}, 1},
        {"macd", {12, 26, 9}, 3},
    };
    static const char *labels[N_CASES] = {"EMA 30", "RSI 14", "ATR 14", "BBANDS 20 2", "ADX 14", "MACD 12 26 9"};
    printf("%zu bars of %s, million bars/s (best of %d rounds)\n", g_n, argv[1], ROUNDS);
    printf("%-14s %10s %10s %10s %16s\n", "indicator", "mtrader", "TA-Lib", "Tulip", "vs faster peer");
    for (int c = 0; c < N_CASES; c++) {
        const struct mt_ind_def *d = mt_ind_find(ours_spec[c].name);
        if (!d) {
            printf("%-14s (no registry entry %s)\n", labels[c], ours_spec[c].name);
            continue;
        }
        struct ours o;
        struct mt_ind_ctx ctx = {.tf = MT_TF_1H};
        mt_ind_defaults(d, &ctx);
        for (int k = 0; k < ours_spec[c].n_opt; k++)
            ctx.opt[k] = ours_spec[c].opt[k];
        if (mt_ind_init(&o.ind, d, &ctx, &err)) {
            fprintf(stderr, "bench_indicators: %s\n", err.msg);
            return 1;
        }
        for (int k = 0; k < d->n_in; k++)
            o.in[k] = mt_ind_input_column(&s, o.ind.in[k]);
        enum bench_case bc = (enum bench_case)c;
        double ours = measure(run_ours, &o), ta = measure(run_talib, &bc), tu = measure(run_tulip, &bc);
        double peer = ta > tu ? ta : tu;
        printf("%-14s %10.1f %10.1f %10.1f %15.2fx\n", labels[c], ours, ta, tu, ours / peer);
        mt_ind_release(&o.ind);
    }
    TA_Shutdown();
    for (int k = 0; k < 4; k++)
        free(g_out[k]);
    mt_series_release(&s);
    return g_sink < 0;
}
