/* mtrader validate: check stored series (or files) and report problems. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_common.h"
#include "store/import.h"
#include "store/store.h"
#include "store/validate.h"

static int run_validate(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_validate = {
    "validate",
    "check stored series or files: order, grid, OHLC consistency, volumes, gaps",
    "usage: mtrader validate [--symbol SYMBOL] [--timeframe TF] [--max-items N] [--strict]\n"
    "                        [FILE...]\n"
    "\n"
    "Checks every stored series (or only the given CSV/zip/Parquet files, read as\n"
    "'mtrader import' reads them) and reports, never repairs:\n"
    "  errors:   unsorted or duplicate open times, open times off the timeframe grid,\n"
    "            NaN/infinite prices, high < max(open, close), low > min(open, close),\n"
    "            high < low, negative volumes or trade counts; a stored file that\n"
    "            cannot be read (page or footer checksum mismatch, damaged file)\n"
    "  warnings: gaps (missing candles, with their ranges) and flat zero-volume candles\n"
    "            (O=H=L=C, volume 0), which real Binance outages produce; gaps stay gaps\n"
    "  --symbol SYMBOL    only this symbol (store walk)\n"
    "  --timeframe TF     only this timeframe (store walk), or the files' timeframe\n"
    "  --max-items N      detail lines per series (default 10; 0 = counts only)\n"
    "  --strict           exit 1 on warnings too\n"
    "\n"
    "Exit code 1 if any series has an error (or, with --strict, any issue).\n",
    run_validate,
};

static bool is_error_kind(enum mt_issue_kind k)
{
    return k != MT_ISSUE_GAP && k != MT_ISSUE_FLAT_ZERO_VOLUME;
}

/* Prints the report of one series; returns true if it has errors (or, with
 * strict, any issue). */
static bool print_report(const char *symbol, enum mt_tf tf, const struct mt_validate_report *r,
                         size_t max_items, bool strict)
{
    size_t errors = 0;
    for (int k = 0; k < MT_ISSUE_KIND_COUNT; k++)
        if (is_error_kind((enum mt_issue_kind)k))
            errors += r->counts[k];
    size_t warnings = r->issues - errors;
    const char *verdict = errors ? "ERRORS" : warnings ? "ok (warnings)" : "ok";
    printf("%s %s: %zu rows, %zu error%s, %zu warning%s: %s\n", symbol, mt_tf_name(tf), r->rows,
           errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", verdict);
    for (int k = 0; k < MT_ISSUE_KIND_COUNT; k++) {
        if (r->counts[k] == 0)
            continue;
        printf("  %-20s %zu", mt_issue_kind_name((enum mt_issue_kind)k), r->counts[k]);
        if (k == MT_ISSUE_GAP)
            printf(" (%zu missing candle%s)", r->missing_candles, r->missing_candles == 1 ? "" : "s");
        printf("\n");
    }
    size_t shown = r->n_items < max_items ? r->n_items : max_items;
    for (size_t i = 0; i < shown; i++) {
        char line[256];
        printf("    %s\n", mt_issue_format(&r->items[i], line, sizeof line));
    }
    size_t hidden = r->n_items - shown + r->items_dropped;
    if (hidden && max_items)
        printf("    ... %zu more\n", hidden);
    return errors || (strict && warnings);
}

/* A stored series whose file cannot be read is an error of the report (a page
 * or footer checksum mismatch, a damaged or truncated file), not only a
 * message: the walk goes on with the next series. */
static void print_unreadable(const char *symbol, enum mt_tf tf, const struct mt_err *err)
{
    printf("%s %s: unreadable (%s): ERRORS\n    %s\n", symbol, mt_tf_name(tf),
           mt_strerror(err->code), err->msg);
}

static int validate_files(const struct mt_selection *sel, char **paths, int n, size_t max_items,
                          bool strict, struct mt_validate_report *report)
{
    int status = MT_EXIT_OK;
    for (int i = 0; i < n; i++) {
        struct mt_import_opts io = {0};
        io.tf_set = sel->tf_set;
        io.tf = sel->tf;
        io.symbol = sel->symbol;
        struct mt_import_file f;
        mt_import_file_init(&f);
        struct mt_err err = {0};
        if (mt_import_read(paths[i], &io, &f, &err) ||
            mt_validate_series(&f.series, f.tf, report, &err)) {
            fprintf(stderr, "mtrader: %s\n", err.msg);
            status = MT_EXIT_FAILURE;
        } else {
            printf("%s\n", paths[i]);
            if (print_report(f.symbol, f.tf, report, max_items, strict))
                status = MT_EXIT_FAILURE;
        }
        mt_import_file_release(&f);
    }
    return status;
}

static int validate_store(const struct mt_cli *cli, const struct mt_selection *sel,
                          size_t max_items, bool strict, struct mt_validate_report *report)
{
    struct mt_catalog cat;
    int status = mt_cli_select(cli, sel, &cat);
    if (status)
        return status;
    if (cat.n == 0)
        printf("no data in %s\n", cli->cfg.data_dir);
    for (size_t i = 0; i < cat.n; i++) {
        const struct mt_catalog_entry *e = &cat.entries[i];
        struct mt_series s;
        mt_series_init(&s, 0);
        struct mt_err err = {0};
        if (mt_store_load(cli->cfg.data_dir, e->symbol, e->tf, &s, &err) ||
            mt_validate_series(&s, e->tf, report, &err)) {
            print_unreadable(e->symbol, e->tf, &err);
            status = MT_EXIT_FAILURE;
        } else if (print_report(e->symbol, e->tf, report, max_items, strict)) {
            status = MT_EXIT_FAILURE;
        }
        mt_series_release(&s);
    }
    mt_catalog_release(&cat);
    return status;
}

static int run_validate(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"symbol", required_argument, NULL, 's'},
        {"timeframe", required_argument, NULL, 't'},
        {"max-items", required_argument, NULL, 'm'},
        {"strict", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0},
    };
    struct mt_selection sel = {0};
    size_t max_items = 10;
    bool strict = false;
    int c, rc;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
        case 't':
            if ((rc = mt_cli_select_option(&mt_cmd_validate, &sel, c, optarg)))
                return rc;
            break;
        case 'm': {
            char *end;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (errno || *end || end == optarg || v < 0 || v > MT_VALIDATE_MAX_ITEMS)
                return mt_cli_usage_error(&mt_cmd_validate,
                                          "--max-items '%s': expected 0 to %d", optarg,
                                          MT_VALIDATE_MAX_ITEMS);
            max_items = (size_t)v;
            break;
        }
        case 'S': strict = true; break;
        default: return mt_cli_usage_error(&mt_cmd_validate, "unknown option");
        }
    }
    struct mt_validate_report *report = malloc(sizeof *report);
    if (!report) {
        fprintf(stderr, "mtrader: out of memory\n");
        return MT_EXIT_FAILURE;
    }
    int status = optind < argc
                     ? validate_files(&sel, argv + optind, argc - optind, max_items, strict, report)
                     : validate_store(cli, &sel, max_items, strict, report);
    free(report);
    return status;
}
