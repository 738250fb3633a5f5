/* mtrader import: CSV, data.binance.vision archives and Parquet files into the store. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/progress.h"
#include "store/import.h"

static int run_import(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_import = {
    "import",
    "import CSV, data.binance.vision archives (.zip) and Parquet files into the store",
    "usage: mtrader import [--symbol SYMBOL] [--timeframe TF] [--allow-invalid] PATH...\n"
    "\n"
    "Reads each file, or every file below each folder, and merges its candles into\n"
    "DATA_DIR/ohlcv/{tf}/{SYMBOL}.parquet (sorted, unique; newer data wins and is counted\n"
    "as replaced; nothing stored is lost; every write is atomic).\n"
    "\n"
    "Understood files:\n"
    "  *.csv       a header line with open_time,open,high,low,close[,volume,...] (ms), or\n"
    "              data.binance.vision kline rows (12 columns, no header; ms or µs times)\n"
    "  *.zip       a data.binance.vision archive; FILE.zip.CHECKSUM is verified when present\n"
    "  *.parquet   OHLCV Parquet from mtrader, pandas, polars or DuckDB\n"
    "Other files are listed as skipped.\n"
    "\n"
    "The symbol and timeframe come from the file name (BTCUSDT-1h.csv,\n"
    "BTCUSDT-1h-2023-01.zip, BTCUSDT_1h.parquet, or ohlcv/1h/BTCUSDT.parquet in a store)\n"
    "unless given:\n"
    "  --symbol SYMBOL    symbol for every file (e.g. BTCUSDT)\n"
    "  --timeframe TF     timeframe for every file (1m ... 1M)\n"
    "\n"
    "A file with invalid candles (the row errors of 'mtrader validate': NaN or\n"
    "infinite prices, high < max(open, close), low > min(open, close), high < low,\n"
    "negative volumes or trade counts, open times before 1970) fails, naming file,\n"
    "line and column (Parquet: row and column), unless given:\n"
    "  --allow-invalid    store such rows as they are; the invalid column counts them\n"
    "\n"
    "Exit code 1 if any file failed (the others are imported).\n",
    run_import,
};

static void on_file(const char *path, size_t index, size_t total, void *ctx)
{
    mt_log_debug("import: reading %s (%zu of %zu)", path, index + 1, total);
    struct mt_progress *bar = ctx;
    bar->total = total;
    mt_progress_update(bar, index);
}

static void print_results(const struct mt_import_results *res)
{
    printf("%-10s %-4s %8s %8s %8s %8s %9s  %-8s %s\n", "symbol", "tf", "rows", "added",
           "replaced", "invalid", "checksum", "status", "file");
    for (size_t i = 0; i < res->n; i++) {
        const struct mt_import_result *r = &res->items[i];
        if (r->status == MT_IMPORT_SKIPPED) {
            printf("%-10s %-4s %8s %8s %8s %8s %9s  %-8s %s (%s)\n", "-", "-", "-", "-", "-", "-",
                   "-", "skipped", r->path, r->message ? r->message : "");
            continue;
        }
        const char *tf = r->symbol[0] ? mt_tf_name(r->tf) : "-";
        const char *sum = r->checksum == MT_CHECKSUM_VERIFIED ? "verified" : "-";
        if (r->status == MT_IMPORT_FAILED) {
            printf("%-10s %-4s %8zu %8s %8s %8zu %9s  %-8s %s\n", r->symbol[0] ? r->symbol : "-",
                   tf, r->rows, "-", "-", r->invalid, sum, "FAILED", r->path);
            printf("           error: %s\n", r->message ? r->message : mt_strerror(r->code));
            continue;
        }
        printf("%-10s %-4s %8zu %8zu %8zu %8zu %9s  %-8s %s\n", r->symbol, tf, r->rows,
               r->merge.added, r->merge.replaced, r->invalid, sum, "ok", r->path);
    }
}

static int run_import(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"symbol", required_argument, NULL, 's'},
        {"timeframe", required_argument, NULL, 't'},
        {"allow-invalid", no_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    struct mt_import_opts io;
    memset(&io, 0, sizeof io);
    struct mt_err err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': io.symbol = optarg; break;
        case 't':
            if (mt_tf_parse(optarg, &io.tf, &err))
                return mt_cli_usage_error(&mt_cmd_import, "%s", err.msg);
            io.tf_set = true;
            break;
        case 'i': io.allow_invalid = true; break;
        default: return mt_cli_usage_error(&mt_cmd_import, "unknown option");
        }
    }
    if (optind >= argc)
        return mt_cli_usage_error(&mt_cmd_import, "no file or folder to import");
    if (io.symbol && !mt_store_symbol_valid(io.symbol))
        return mt_cli_usage_error(&mt_cmd_import,
                                  "invalid symbol '%s': expected A-Z and 0-9 like BTCUSDT",
                                  io.symbol);

    size_t ok = 0, skipped = 0, failed = 0, added = 0, replaced = 0, invalid = 0;
    for (int i = optind; i < argc; i++) {
        struct mt_progress bar;
        mt_progress_start(&bar, "import", 0, cli->force_progress);
        io.progress = on_file;
        io.progress_ctx = &bar;
        struct mt_import_results res;
        memset(&res, 0, sizeof res);
        int rc = mt_import_path(cli->cfg.data_dir, argv[i], &io, &res, &err);
        mt_progress_finish(&bar);
        if (rc) {
            mt_import_results_release(&res);
            mt_cli_fail(&err);
            failed++;
            continue;
        }
        print_results(&res);
        added += res.added;
        replaced += res.replaced;
        invalid += res.invalid;
        ok += res.ok;
        skipped += res.skipped;
        failed += res.failed;
        mt_import_results_release(&res);
    }
    printf("imported %zu file%s into %s: %zu candles added, %zu replaced, %zu invalid; %zu "
           "skipped, %zu failed\n",
           ok, ok == 1 ? "" : "s", cli->cfg.data_dir, added, replaced, invalid, skipped, failed);
    return failed ? MT_EXIT_FAILURE : MT_EXIT_OK;
}
