/* mtrader resample: derive higher timeframes from a stored lower one. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_common.h"
#include "core/time.h"
#include "store/resample.h"
#include "store/store.h"

static int run_resample(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_resample = {
    "resample",
    "build higher timeframes (4h, 1d, 1w, 1M...) from a stored lower one",
    "usage: mtrader resample --from TF --to TF[,TF...] [--symbol SYMBOL] [--skip-partial]\n"
    "\n"
    "For every stored series of timeframe --from (or only --symbol), builds each --to\n"
    "timeframe (open = first, high = max, low = min, close = last, volumes and trade\n"
    "counts summed; buckets aligned as Binance aligns them: weeks open Monday 00:00 UTC,\n"
    "months on the 1st) and adds it to DATA_DIR/ohlcv/{to}/{SYMBOL}.parquet. Candles\n"
    "already stored there (e.g. downloaded from Binance) are kept, never overwritten;\n"
    "those that differ from the resampled ones are counted as 'kept'.\n"
    "The still-incomplete last bucket is not written, nor a first bucket that the data\n"
    "starts inside (its earlier candles are unknown). Buckets with missing candles\n"
    "inside (outages) are reported; they are written from the candles present, as\n"
    "Binance does, unless --skip-partial. Empty buckets are never written: gaps stay gaps.\n"
    "  --from TF          source timeframe (e.g. 1h)\n"
    "  --to TF[,TF...]    target timeframes; each must be a whole multiple (e.g. 4h,1d,1w)\n"
    "  --symbol SYMBOL    only this symbol\n"
    "  --skip-partial     leave out buckets with missing candles\n",
    run_resample,
};

#define MAX_TARGETS MT_TF_COUNT

static int parse_targets(const char *list, enum mt_tf from, enum mt_tf *targets, size_t *n)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        struct mt_err err = {0};
        enum mt_tf tf;
        if (mt_tf_parse(tok, &tf, &err))
            return mt_cli_usage_error(&mt_cmd_resample, "%s", err.msg);
        if (tf == from || !mt_tf_divides(from, tf))
            return mt_cli_usage_error(&mt_cmd_resample,
                                      "cannot build %s from %s: %s buckets are not whole %s buckets",
                                      mt_tf_name(tf), mt_tf_name(from), mt_tf_name(tf),
                                      mt_tf_name(from));
        if (*n == MAX_TARGETS)
            return mt_cli_usage_error(&mt_cmd_resample, "too many target timeframes");
        targets[(*n)++] = tf;
    }
    if (*n == 0)
        return mt_cli_usage_error(&mt_cmd_resample, "--to lists no timeframe");
    return MT_EXIT_OK;
}

/* Resamples one stored series to one target and merges it into the store. */
static int resample_one(const struct mt_cli *cli, const char *symbol, const struct mt_series *in,
                        enum mt_tf from, enum mt_tf to, const struct mt_resample_opts *ro,
                        struct mt_resample_report *rep)
{
    struct mt_series out;
    mt_series_init(&out, 0);
    struct mt_err err = {0};
    struct mt_merge_report merge = {0};
    int rc = mt_resample(in, from, to, ro, &out, rep, &err);
    if (!rc)
        rc = mt_store_merge(cli->cfg.data_dir, symbol, to, &out, MT_MERGE_KEEP_STORED, &merge,
                            &err);
    mt_series_release(&out);
    if (rc) {
        printf("%-12s %-4s error: %s\n", symbol, mt_tf_name(to), err.msg);
        return MT_EXIT_FAILURE;
    }
    char trailing[32] = "-";
    if (rep->trailing_dropped)
        mt_time_format(rep->trailing_open, trailing, sizeof trailing);
    printf("%-12s %-4s %8zu %8zu %8zu %6zu %8zu  %s\n", symbol, mt_tf_name(to), rep->buckets,
           merge.added, merge.kept, rep->gap_buckets, rep->skipped, trailing);
    for (size_t g = 0; g < rep->n_gaps && g < 5; g++) {
        char when[32];
        printf("    gap bucket %s: %zu of %zu candles missing%s\n",
               mt_time_format(rep->gaps[g].open_time, when, sizeof when), rep->gaps[g].missing,
               rep->gaps[g].missing + rep->gaps[g].present,
               rep->gaps[g].emitted ? "" : " (skipped)");
    }
    if (rep->n_gaps + rep->gaps_dropped > 5)
        printf("    ... %zu more gap buckets\n", rep->n_gaps + rep->gaps_dropped - 5);
    if (rep->leading_dropped) {
        char when[32];
        printf("    first bucket %s not written: the data starts inside it (%zu candles)\n",
               mt_time_format(rep->leading_open, when, sizeof when), rep->leading_rows);
    }
    return MT_EXIT_OK;
}

static int run_resample(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'T'},
        {"symbol", required_argument, NULL, 's'},
        {"skip-partial", no_argument, NULL, 'k'},
        {NULL, 0, NULL, 0},
    };
    struct mt_selection sel = {0};
    const char *to_list = NULL;
    struct mt_resample_opts ro = {MT_RESAMPLE_EMIT_PARTIAL, 0};
    int c, rc;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((rc = mt_cli_select_option(&mt_cmd_resample, &sel, 't', optarg)))
                return rc;
            break;
        case 'T': to_list = optarg; break;
        case 's':
            if ((rc = mt_cli_select_option(&mt_cmd_resample, &sel, 's', optarg)))
                return rc;
            break;
        case 'k': ro.gaps = MT_RESAMPLE_SKIP_PARTIAL; break;
        default: return mt_cli_usage_error(&mt_cmd_resample, "unknown option");
        }
    }
    if (optind < argc)
        return mt_cli_usage_error(&mt_cmd_resample, "unexpected argument '%s'", argv[optind]);
    if (!sel.tf_set || !to_list)
        return mt_cli_usage_error(&mt_cmd_resample, "--from and --to are required");
    enum mt_tf targets[MAX_TARGETS];
    size_t n_targets;
    if ((rc = parse_targets(to_list, sel.tf, targets, &n_targets)))
        return rc;

    struct mt_catalog cat;
    if ((rc = mt_cli_select(cli, &sel, &cat)))
        return rc;
    struct mt_resample_report *rep = malloc(sizeof *rep);
    if (!rep) {
        mt_catalog_release(&cat);
        fprintf(stderr, "mtrader: out of memory\n");
        return MT_EXIT_FAILURE;
    }
    printf("%-12s %-4s %8s %8s %8s %6s %8s  %s\n", "symbol", "tf", "buckets", "added", "kept",
           "gaps", "skipped", "incomplete last bucket (not written)");
    int status = MT_EXIT_OK;
    for (size_t i = 0; i < cat.n; i++) {
        struct mt_series in;
        mt_series_init(&in, 0);
        struct mt_err err = {0};
        if (mt_store_load(cli->cfg.data_dir, cat.entries[i].symbol, sel.tf, &in, &err)) {
            printf("%-12s %-4s error: %s\n", cat.entries[i].symbol, mt_tf_name(sel.tf), err.msg);
            status = MT_EXIT_FAILURE;
        } else {
            for (size_t t = 0; t < n_targets; t++)
                if (resample_one(cli, cat.entries[i].symbol, &in, sel.tf, targets[t], &ro, rep))
                    status = MT_EXIT_FAILURE;
        }
        mt_series_release(&in);
    }
    free(rep);
    mt_catalog_release(&cat);
    return status;
}
