/* Setup backtest throughput: Channel Run (200, mid/edge and edge/mid) and
 * Trail Fractals (5, 2) over the given series, every setup followed by the
 * full trade engine (fees, spread, slippage, OCO, trailing, partial take-
 * profit, stale exits, tracked follow-ons, censoring), on one core: bars/s
 * and setups/s (best of ROUNDS). The same work as bench/setups_pandas.py.
 * Prints figures; never passes or fails on time.
 *
 * Usage: bench_setups CSV...   (open_time,open,high,low,close,volume) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/setups.h"
#include "store/import.h"

#define ROUNDS 3
#define MAX_SERIES 64

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAX_SERIES) {
        fprintf(stderr, "usage: bench_setups CSV... (at most %d)\n", MAX_SERIES);
        return 2;
    }
    static const char *const ids[3] = {"channel_run:200:mid:edge", "channel_run:200:edge:mid", "trail_fractals:5:2"};
    struct mt_series s[MAX_SERIES];
    enum mt_tf tf[MAX_SERIES];
    int n = argc - 1;
    size_t bars = 0;
    struct mt_err err = {0};
    for (int i = 0; i < n; i++) {
        struct mt_import_file f;
        mt_import_file_init(&f);
        if (mt_import_read(argv[i + 1], NULL, &f, &err)) {
            fprintf(stderr, "bench_setups: %s\n", err.msg);
            return 1;
        }
        s[i] = f.series;
        tf[i] = f.tf == MT_TF_COUNT ? MT_TF_1H : f.tf;
        mt_series_init(&f.series, 0);
        mt_import_file_release(&f);
        bars += s[i].n;
    }
    double best = 1e30;
    size_t setups = 0, censored = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_s();
        setups = censored = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) {
                struct mt_setup_run run = mt_setup_run_default(ids[k], tf[i], 0.001);
                struct mt_setup_outcomes o;
                if (mt_setups_backtest(&s[i], &run, &o, &err)) {
                    fprintf(stderr, "bench_setups: %s\n", err.msg);
                    return 1;
                }
                setups += o.n;
                for (size_t j = 0; j < o.n; j++)
                    censored += o.v[j].trade.exit == MT_EXIT_CENSORED;
                mt_setup_outcomes_release(&o);
            }
        }
        double t = now_s() - t0;
        best = t < best ? t : best;
    }
    printf("setup backtest: %d series, %zu bars, 3 strategies, %zu setups followed (%zu censored), best of %d\n", n,
           bars, setups, censored, ROUNDS);
    printf("  %.3f s, %.0f bars/s, %.0f setups/s\n", best, (double)bars / best, (double)setups / best);
    printf("result bars_per_s=%.0f setups_per_s=%.0f seconds=%.3f\n", (double)bars / best, (double)setups / best,
           best);
    for (int i = 0; i < n; i++)
        mt_series_release(&s[i]);
    return 0;
}
