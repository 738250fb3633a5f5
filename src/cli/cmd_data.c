/* mtrader data: what the store holds. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd_common.h"
#include "core/numfmt.h"
#include "core/time.h"
#include "store/store.h"
#include "store/validate.h"

static int run_data(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_data = {
    "data",
    "list the stored series: rows, first and last candle, gaps",
    "usage: mtrader data [--symbol SYMBOL] [--timeframe TF] [--csv [--from T] [--to T]]\n"
    "\n"
    "Prints one line per stored series (DATA_DIR/ohlcv/{tf}/{SYMBOL}.parquet): rows, first and\n"
    "last candle open time (UTC), gaps (missing candle ranges) and missing candles, the\n"
    "fields present (ohlcv, or klines when quote volume, trades and taker volumes are\n"
    "stored too) and the file size.\n"
    "  --symbol SYMBOL    only this symbol\n"
    "  --timeframe TF     only this timeframe\n"
    "  --csv              print the candles of the one selected series as CSV (open_time in\n"
    "                     ms UTC, shortest exact decimals, unknown values empty)\n"
    "  --from T, --to T   with --csv: only candles opening in [FROM, TO) (dates or times,\n"
    "                     UTC: YYYY, YYYY-MM, YYYY-MM-DD[ HH:MM[:SS]] or ms; README: Dates)\n",
    run_data,
};

static const char *fields_label(unsigned fields)
{
    if ((fields & MT_F_ALL) == MT_F_ALL)
        return "klines";
    if ((fields & MT_F_OHLCV) == MT_F_OHLCV)
        return fields == MT_F_OHLCV ? "ohlcv" : "ohlcv+";
    return "ohlc";
}

/* Prints rows of s opening in [from, to) as CSV with the fields present. */
static void print_csv(const struct mt_series *s, int64_t from, int64_t to)
{
    static const unsigned fields[MT_VALUE_FIELD_COUNT] = MT_VALUE_FIELDS;
    printf("open_time");
    for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++)
        if (s->fields & fields[f])
            printf(",%s", mt_field_name(fields[f]));
    printf("\n");
    for (size_t i = mt_series_lower_bound(s, from); i < s->n && s->open_time[i] < to; i++) {
        printf("%lld", (long long)s->open_time[i]);
        for (size_t f = 0; f < MT_VALUE_FIELD_COUNT; f++) {
            if (!(s->fields & fields[f]))
                continue;
            char num[32];
            printf(",%s", mt_fmt_double(mt_series_column((struct mt_series *)s, fields[f])[i],
                                        num, sizeof num));
        }
        printf("\n");
    }
}

static int export_csv(const struct mt_cli *cli, const struct mt_catalog *cat, int64_t from,
                      int64_t to)
{
    if (cat->n != 1)
        return mt_cli_usage_error(&mt_cmd_data,
                                  "--csv needs exactly one series (found %zu): give --symbol and "
                                  "--timeframe",
                                  cat->n);
    struct mt_series s;
    mt_series_init(&s, 0);
    struct mt_err err = {0};
    int rc = mt_store_load(cli->cfg.data_dir, cat->entries[0].symbol, cat->entries[0].tf, &s, &err);
    if (rc == MT_OK)
        print_csv(&s, from, to);
    mt_series_release(&s);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}

static int run_data(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"symbol", required_argument, NULL, 's'},
        {"timeframe", required_argument, NULL, 't'},
        {"csv", no_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    struct mt_selection sel = {0};
    bool csv = false;
    int64_t from = INT64_MIN, to = INT64_MAX;
    struct mt_err err = {0};
    int c, rc;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
        case 't':
            if ((rc = mt_cli_select_option(&mt_cmd_data, &sel, c, optarg)))
                return rc;
            break;
        case 'c': csv = true; break;
        case 'f':
        case 'T':
            if (mt_time_parse(optarg, c == 'f' ? &from : &to, &err))
                return mt_cli_usage_error(&mt_cmd_data, "--%s: %s", c == 'f' ? "from" : "to", err.msg);
            break;
        default: return mt_cli_usage_error(&mt_cmd_data, "unknown option");
        }
    }
    if (optind < argc)
        return mt_cli_usage_error(&mt_cmd_data, "unexpected argument '%s'", argv[optind]);
    if (from >= to)
        return mt_cli_usage_error(&mt_cmd_data, "--from must be before --to");
    struct mt_catalog cat;
    if ((rc = mt_cli_select(cli, &sel, &cat)))
        return rc;
    if (csv) {
        rc = export_csv(cli, &cat, from, to);
        mt_catalog_release(&cat);
        return rc;
    }
    if (cat.n == 0) {
        printf("no data in %s\n", cli->cfg.data_dir);
        mt_catalog_release(&cat);
        return MT_EXIT_OK;
    }
    printf("%-12s %-4s %8s  %-16s  %-16s %5s %8s  %-7s %10s\n", "symbol", "tf", "rows", "first",
           "last", "gaps", "missing", "fields", "bytes");
    int status = MT_EXIT_OK;
    size_t total_rows = 0;
    struct mt_validate_report *report = malloc(sizeof *report);
    if (!report) {
        mt_catalog_release(&cat);
        fprintf(stderr, "mtrader: out of memory\n");
        return MT_EXIT_FAILURE;
    }
    for (size_t i = 0; i < cat.n; i++) {
        const struct mt_catalog_entry *e = &cat.entries[i];
        mt_err_clear(&err);
        struct mt_series s;
        mt_series_init(&s, 0);
        char path[MT_STORE_PATH_MAX];
        struct stat st;
        if (mt_store_path(path, sizeof path, cli->cfg.data_dir, e->symbol, e->tf, &err) ||
            mt_store_load(cli->cfg.data_dir, e->symbol, e->tf, &s, &err) ||
            mt_validate_series(&s, e->tf, report, &err)) {
            printf("%-12s %-4s error: %s\n", e->symbol, mt_tf_name(e->tf), err.msg);
            status = MT_EXIT_FAILURE;
            mt_series_release(&s);
            continue;
        }
        char first[32] = "-", last[32] = "-";
        if (s.n) {
            mt_time_format(report->first_open, first, sizeof first);
            mt_time_format(report->last_open, last, sizeof last);
        }
        long long bytes = stat(path, &st) == 0 ? (long long)st.st_size : -1;
        printf("%-12s %-4s %8zu  %-16s  %-16s %5zu %8zu  %-7s %10lld\n", e->symbol,
               mt_tf_name(e->tf), s.n, first, last, report->counts[MT_ISSUE_GAP],
               report->missing_candles, fields_label(s.fields), bytes);
        total_rows += s.n;
        mt_series_release(&s);
    }
    printf("%zu series, %zu candles in %s\n", cat.n, total_rows, cli->cfg.data_dir);
    free(report);
    mt_catalog_release(&cat);
    return status;
}
