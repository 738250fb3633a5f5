/* golden: writes TA-Lib's (or Tulip Indicators') outputs for the cases of a
 * golden-vector manifest, the independent reference mtrader's indicator tests
 * compare with.
 *
 *   golden INPUT.csv CASES.txt OUTDIR
 *
 * INPUT.csv: a header line, then rows "open_time,open,high,low,close,volume".
 * CASES.txt: one case per line, '#' comments and blank lines ignored:
 *     FILE | TAFUNC [Param=VALUE ...] [in=col,col] | OURS [opt=value ...] [-> out,out]
 *   TAFUNC is a TA-Lib function name (abstract interface), Param an optional
 *   input without its "optIn" prefix (TimePeriod, NbDevUp, ...), `in` the
 *   columns feeding its real inputs (default close). For indicators TA-Lib
 *   lacks, "tulip:NAME v1 v2 ..." runs Tulip Indicators' NAME with its options
 *   in Tulip's order (inputs by Tulip's names, "real" = close). The third field is the
 *   mtrader side (read by tests/features/test_golden.c); its `-> names` are
 *   mtrader's output names for TA-Lib's outputs in order (default "value").
 * Writes OUTDIR/FILE.csv: a header with the output names, then one row per
 * input row, "nan" before TA-Lib's first output, values with %.15g.
 * Built against TA-Lib's C sources by tools/peers/make-golden.sh. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicators.h"
#include "ta_abstract.h"
#include "ta_libc.h"

#define MAX_ROWS 100000
#define MAX_OUT 8

static double col[6][MAX_ROWS]; /* time, open, high, low, close, volume */
static int rows;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "golden: %s: %s\n", what, detail);
    exit(1);
}

static void read_input(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die(path, "cannot open");
    char line[512];
    if (!fgets(line, sizeof line, f))
        die(path, "empty");
    while (fgets(line, sizeof line, f)) {
        if (rows == MAX_ROWS)
            die(path, "too many rows");
        char *p = line;
        for (int k = 0; k < 6; k++) {
            char *end;
            col[k][rows] = strtod(p, &end);
            if (end == p)
                die(path, "expected 6 numbers per row");
            p = *end == ',' ? end + 1 : end;
        }
        rows++;
    }
    fclose(f);
}

/* The number s, or exit naming what it was for. */
static double number(const char *s, const char *what)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        die(what, "expected a number");
    return v;
}

static const double *input_column(const char *name)
{
    static const char *names[6] = {"time", "open", "high", "low", "close", "volume"};
    for (int k = 1; k < 6; k++)
        if (strcmp(names[k], name) == 0)
            return col[k];
    die("unknown input column", name);
    return NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* Runs one case's TA-Lib part (spec: "FUNC Param=V ... in=a,b") into out[]; returns outputs. */
static int run_talib(char *spec, double out[MAX_OUT][MAX_ROWS], int *beg)
{
    char *save;
    char *fname = strtok_r(spec, " ", &save);
    const TA_FuncHandle *h;
    if (TA_GetFuncHandle(fname, &h) != TA_SUCCESS)
        die("unknown TA-Lib function", fname);
    const TA_FuncInfo *info;
    TA_GetFuncInfo(h, &info);
    TA_ParamHolder *params;
    if (TA_ParamHolderAlloc(h, &params) != TA_SUCCESS)
        die("TA_ParamHolderAlloc", fname);
    const double *real_in[4] = {col[4], col[4], col[4], col[4]};
    for (char *tok = strtok_r(NULL, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq)
            die("expected Param=value", tok);
        *eq = 0;
        if (strcmp(tok, "in") == 0) {
            int k = 0;
            char *s2;
            for (char *c = strtok_r(eq + 1, ",", &s2); c && k < 4; c = strtok_r(NULL, ",", &s2))
                real_in[k++] = input_column(c);
            continue;
        }
        unsigned i;
        for (i = 0; i < info->nbOptInput; i++) {
            const TA_OptInputParameterInfo *oi;
            TA_GetOptInputParameterInfo(h, i, &oi);
            if (strcmp(oi->paramName + 5, tok) == 0) { /* skip "optIn" */
                double v = number(eq + 1, tok);
                if (oi->type == TA_OptInput_RealRange || oi->type == TA_OptInput_RealList)
                    TA_SetOptInputParamReal(params, i, v);
                else
                    TA_SetOptInputParamInteger(params, i, (int)v);
                break;
            }
        }
        if (i == info->nbOptInput)
            die("unknown option", tok);
    }
    int n_real = 0;
    for (unsigned i = 0; i < info->nbInput; i++) {
        const TA_InputParameterInfo *ii;
        TA_GetInputParameterInfo(h, i, &ii);
        if (ii->type == TA_Input_Price)
            TA_SetInputParamPricePtr(params, i, col[1], col[2], col[3], col[4], col[5], NULL);
        else if (ii->type == TA_Input_Real)
            TA_SetInputParamRealPtr(params, i, real_in[n_real++]);
        else
            die("integer inputs unsupported", fname);
    }
    static int ibuf[MAX_OUT][MAX_ROWS];
    for (unsigned i = 0; i < info->nbOutput; i++) {
        const TA_OutputParameterInfo *oi;
        TA_GetOutputParameterInfo(h, i, &oi);
        if (oi->type == TA_Output_Real)
            TA_SetOutputParamRealPtr(params, i, out[i]);
        else
            TA_SetOutputParamIntegerPtr(params, i, ibuf[i]);
    }
    TA_Integer b, nb;
    if (TA_CallFunc(params, 0, rows - 1, &b, &nb) != TA_SUCCESS)
        die("TA_CallFunc failed", fname);
    for (unsigned i = 0; i < info->nbOutput; i++) {
        const TA_OutputParameterInfo *oi;
        TA_GetOutputParameterInfo(h, i, &oi);
        if (oi->type != TA_Output_Real)
            for (int r = 0; r < nb; r++)
                out[i][r] = ibuf[i][r];
    }
    TA_ParamHolderFree(params);
    *beg = b;
    if (b + nb != rows)
        die("TA-Lib did not reach the last row", fname);
    return (int)info->nbOutput;
}

/* Runs a Tulip case (spec: "NAME v1 v2 ...") into out[]; returns outputs. */
static int run_tulip(char *spec, double out[MAX_OUT][MAX_ROWS], int *beg)
{
    char *save;
    char *name = strtok_r(spec, " ", &save);
    const ti_indicator_info *info = ti_find_indicator(name);
    if (!info)
        die("unknown Tulip indicator", name);
    double opts[TI_MAXINDPARAMS];
    int n_opt = 0;
    for (char *tok = strtok_r(NULL, " ", &save); tok && n_opt < TI_MAXINDPARAMS; tok = strtok_r(NULL, " ", &save))
        opts[n_opt++] = number(tok, name);
    if (n_opt != info->options)
        die("wrong number of Tulip options", name);
    const double *in[TI_MAXINDPARAMS];
    for (int i = 0; i < info->inputs; i++)
        in[i] = strcmp(info->input_names[i], "real") == 0 ? col[4] : input_column(info->input_names[i]);
    double *o[TI_MAXINDPARAMS];
    for (int i = 0; i < info->outputs; i++)
        o[i] = out[i];
    *beg = info->start(opts);
    if (info->indicator(rows, in, opts, o) != TI_OKAY)
        die("Tulip indicator failed", name);
    return info->outputs;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: golden INPUT.csv CASES.txt OUTDIR\n");
        return 2;
    }
    TA_Initialize();
    read_input(argv[1]);
    FILE *cases = fopen(argv[2], "r");
    if (!cases)
        die(argv[2], "cannot open");
    static double out[MAX_OUT][MAX_ROWS];
    char line[1024];
    int n_cases = 0;
    while (fgets(line, sizeof line, cases)) {
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *bar1 = strchr(s, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        if (!bar2)
            die("expected FILE | TA-Lib | mtrader", s);
        *bar1 = *bar2 = 0;
        char *file = trim(s), *ta = trim(bar1 + 1), *ours = trim(bar2 + 1);
        char *arrow = strstr(ours, "->");
        char names[256] = "value";
        if (arrow)
            snprintf(names, sizeof names, "%s", trim(arrow + 2));
        int beg;
        int n_out = strncmp(ta, "tulip:", 6) == 0 ? run_tulip(ta + 6, out, &beg) : run_talib(ta, out, &beg);
        int n_names = 1;
        for (char *p = names; *p; p++)
            n_names += *p == ',';
        if (n_names != n_out)
            die("output names do not match TA-Lib's outputs", file);
        char path[512];
        snprintf(path, sizeof path, "%s/%s.csv", argv[3], file);
        FILE *f = fopen(path, "w");
        if (!f)
            die(path, "cannot create");
        fprintf(f, "%s\n", names);
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < n_out; k++) {
                if (r < beg)
                    fprintf(f, "%snan", k ? "," : "");
                else
                    fprintf(f, "%s%.15g", k ? "," : "", out[k][r - beg]);
            }
            fputc('\n', f);
        }
        if (fclose(f))
            die(path, "write failed");
        n_cases++;
    }
    fclose(cases);
    TA_Shutdown();
    fprintf(stderr, "golden: %d cases, %d rows\n", n_cases, rows);
    return 0;
}
