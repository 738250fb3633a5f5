/* mtrader features / mtrader indicators: the feature matrix of a stored
 * series, and the indicator registry. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_common.h"
#include "core/numfmt.h"
#include "core/time.h"
#include "features/featureset.h"
#include "core/atomic.h"
#include "parquet/parquet.h"
#include "store/store.h"

static int run_features(struct mt_cli *cli, int argc, char **argv);
static int run_indicators(struct mt_cli *cli, int argc, char **argv);

const struct mt_command mt_cmd_features = {
    "features",
    "compute the feature matrix of a stored series (CSV or Parquet)",
    "usage: mtrader features SYMBOL TF [--set FILE] [--out FILE.parquet|FILE.csv] [--last N]\n"
    "\n"
    "Computes every feature of the feature set over the closed candles of\n"
    "DATA_DIR/ohlcv/TF/SYMBOL.parquet: one row per bar (open_time in ms UTC), one\n"
    "float column per feature, NaN during each indicator's warm-up. Every value at a\n"
    "bar uses only that bar and earlier ones. Features whose inputs the series lacks\n"
    "(e.g. trades in OHLCV-only data) are NaN.\n"
    "  --set FILE     feature set JSON ({\"features\": [{\"indicator\": NAME, OPTION: VALUE\n"
    "                 or [VALUES...], \"input\": COLUMN, \"outputs\": [...], \"name\": ...}]});\n"
    "                 default: the built-in set (mtrader features --print-default-set)\n"
    "  --out FILE     write FILE (.parquet: zstd, open_time as timestamp; .csv) atomically\n"
    "                 instead of printing CSV\n"
    "  --last N       only the last N rows\n"
    "  --print-default-set  print the built-in feature set JSON and exit\n",
    run_features,
};

const struct mt_command mt_cmd_indicators = {
    "indicators",
    "list the indicator registry with inputs, options, outputs and lookbacks",
    "usage: mtrader indicators [NAME]\n"
    "\n"
    "Lists every indicator: name, group, inputs, options with default and valid range,\n"
    "outputs, and the lookback (bars before the first value) at the defaults. With NAME,\n"
    "only that indicator.\n",
    run_indicators,
};

/* ---- indicators ---- */

static void print_indicator(const struct mt_ind_def *d)
{
    struct mt_ind_ctx c = {.tf = MT_TF_1H};
    mt_ind_defaults(d, &c);
    printf("%-22s %-10s lookback %d  %s\n", d->name, d->group, d->lookback(&c), d->summary);
    printf("%24s inputs:", "");
    for (int k = 0; k < d->n_in; k++)
        printf(" %s", mt_ind_input_name(d->in[k]));
    printf("  outputs:");
    for (int k = 0; k < d->n_out; k++)
        printf(" %s", d->out[k]);
    printf("\n");
    for (int k = 0; k < d->n_opt; k++) {
        char def[32], lo[32], hi[32];
        printf("%24s option %s = %s in [%s, %s]%s\n", "", d->opt[k].name,
               mt_fmt_double(d->opt[k].def, def, sizeof def), mt_fmt_double(d->opt[k].min, lo, sizeof lo),
               mt_fmt_double(d->opt[k].max, hi, sizeof hi), d->opt[k].integer ? ", integer" : "");
    }
}

static int run_indicators(struct mt_cli *cli, int argc, char **argv)
{
    (void)cli;
    if (argc > 2)
        return mt_cli_usage_error(&mt_cmd_indicators, "expected at most one NAME");
    if (argc == 2) {
        const struct mt_ind_def *d = mt_ind_find(argv[1]);
        if (!d) {
            fprintf(stderr, "mtrader: unknown indicator '%s' (mtrader indicators lists them)\n", argv[1]);
            return MT_EXIT_FAILURE;
        }
        print_indicator(d);
        return MT_EXIT_OK;
    }
    for (size_t i = 0; i < mt_ind_count(); i++)
        print_indicator(mt_ind_at(i));
    printf("%zu indicators\n", mt_ind_count());
    return MT_EXIT_OK;
}

/* ---- features ---- */

struct export {
    const struct mt_fmatrix *m;
    size_t from; /* first row written */
};

static size_t export_rows(const struct export *x)
{
    return x->m->rows - x->from;
}

static int write_csv(FILE *f, void *ctx, struct mt_err *err)
{
    const struct export *x = ctx;
    const struct mt_fmatrix *m = x->m;
    fputs(MT_FSET_TIME_COLUMN, f);
    for (size_t c = 0; c < m->cols; c++)
        fprintf(f, ",%s", m->names[c]);
    fputc('\n', f);
    for (size_t r = x->from; r < m->rows; r++) {
        fprintf(f, "%lld", (long long)m->time[r]);
        for (size_t c = 0; c < m->cols; c++) {
            float v = m->v[c * m->rows + r];
            if (isnan(v))
                fputc(',', f);
            else
                fprintf(f, ",%.9g", (double)v);
        }
        fputc('\n', f);
    }
    if (ferror(f))
        return mt_err_set(err, MT_EIO, "features csv: write failed: %s", strerror(errno));
    return 0;
}

/* The exported rows as a Parquet file at path, written atomically. */
static int write_parquet(const char *path, const struct export *x, size_t *bytes, struct mt_err *err)
{
    const struct mt_fmatrix *m = x->m;
    struct mt_pq_column *cols = calloc(m->cols + 1, sizeof *cols);
    if (!cols)
        return mt_err_set(err, MT_ENOMEM, "features parquet: out of memory");
    cols[0] = (struct mt_pq_column){MT_FSET_TIME_COLUMN, MT_PQ_INT64, MT_PQ_MILLIS, false, m->time + x->from, NULL};
    for (size_t c = 0; c < m->cols; c++)
        cols[c + 1] = (struct mt_pq_column){m->names[c], MT_PQ_FLOAT, MT_PQ_NOT_TIME, false,
                                            m->v + c * m->rows + x->from, NULL};
    const struct mt_pq_table t = {.nrows = export_rows(x), .ncols = m->cols + 1, .cols = cols};
    const struct mt_pq_write_opts opts = {.codec = MT_PQ_ZSTD, .statistics = true};
    int rc = mt_pq_write_table(path, &t, &opts, bytes, err);
    free(cols);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int run_features(struct mt_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"last", required_argument, NULL, 'l'},
        {"print-default-set", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *set_path = NULL, *out_path = NULL;
    long long last = -1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's': set_path = optarg; break;
        case 'o': out_path = optarg; break;
        case 'l': {
            char *end;
            errno = 0;
            last = strtoll(optarg, &end, 10);
            if (*end || errno || last < 1)
                return mt_cli_usage_error(&mt_cmd_features, "--last '%s': expected a positive number", optarg);
            break;
        }
        case 'p': fputs(mt_fset_default_json(), stdout); return MT_EXIT_OK;
        default: return mt_cli_usage_error(&mt_cmd_features, "unknown option");
        }
    }
    if (argc - optind != 2)
        return mt_cli_usage_error(&mt_cmd_features, "expected SYMBOL and TF");
    const char *symbol = argv[optind];
    enum mt_tf tf;
    struct mt_err err = {0};
    int rc;
    if (mt_tf_parse(argv[optind + 1], &tf, &err))
        return mt_cli_usage_error(&mt_cmd_features, "%s", err.msg);
    if (out_path && !ends_with(out_path, ".parquet") && !ends_with(out_path, ".csv"))
        return mt_cli_usage_error(&mt_cmd_features, "--out '%s': the name must end in .parquet or .csv", out_path);
    if ((rc = mt_cli_check_outputs(&mt_cmd_features, cli, (const char *const[]){"out"}, &out_path, 1)))
        return rc;

    struct mt_fset fs;
    rc = set_path ? mt_fset_load(set_path, &fs, &err) : mt_fset_default(&fs, &err);
    if (rc)
        return mt_cli_fail(&err);
    struct mt_series s;
    mt_series_init(&s, 0);
    struct mt_features f = {0};
    struct mt_fmatrix m;
    mt_fmatrix_init(&m);
    struct timespec t0;
    if ((rc = mt_store_load(cli->cfg.data_dir, symbol, tf, &s, &err)))
        goto done;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if ((rc = mt_features_init(&f, &fs, tf, &err)) || (rc = mt_features_batch(&f, &s, &m, &err)))
        goto done;
    double secs = seconds_since(&t0);
    struct export x = {&m, last > 0 && (size_t)last < m.rows ? m.rows - (size_t)last : 0};
    if (out_path) {
        size_t bytes = 0;
        rc = ends_with(out_path, ".csv") ? mt_atomic_write(out_path, write_csv, &x, &bytes, &err)
                                         : write_parquet(out_path, &x, &bytes, &err);
        if (rc == 0)
            printf("%s %s: %zu rows x %zu features -> %s (%zu bytes); computed in %.3f s\n", symbol,
                   mt_tf_name(tf), export_rows(&x), m.cols, out_path, bytes, secs);
    } else {
        rc = write_csv(stdout, &x, &err);
    }
done:
    mt_fmatrix_release(&m);
    mt_features_release(&f);
    mt_series_release(&s);
    mt_fset_release(&fs);
    return rc ? mt_cli_fail(&err) : MT_EXIT_OK;
}
