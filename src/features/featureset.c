/* Feature sets from JSON, and the feature matrix (batch and live). */
#include "features/featureset.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/fileio.h"
#include "core/numfmt.h"

/* Most values one option may list. */
#define MAX_VALUES 64

/* What one JSON item asks for, before expansion. */
struct item_spec {
    const struct mt_ind_def *def;
    double values[MT_IND_MAX_OPT][MAX_VALUES];
    int nvalues[MT_IND_MAX_OPT]; /* 0 = the default */
    enum mt_ind_input in[MT_IND_MAX_IN];
    bool in_overridden;
    unsigned outputs;
    bool relative;
    const char *name;
};

static int item_error(struct mt_err *err, const char *source, size_t idx, const struct mt_ind_def *def,
                      const char *fmt, const char *a, const char *b)
{
    char what[256];
    snprintf(what, sizeof what, fmt, a, b);
    if (def)
        return mt_err_set(err, MT_ECONFIG, "%s: feature %zu (%s): %s", source, idx, def->name, what);
    return mt_err_set(err, MT_ECONFIG, "%s: feature %zu: %s", source, idx, what);
}

/* The entry's option names, comma-separated, for messages. */
static void option_list(const struct mt_ind_def *def, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 0; k < def->n_opt && n < size; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", k ? ", " : "", def->opt[k].name);
    if (def->n_opt == 0)
        snprintf(buf, size, "none");
}

static int parse_inputs(const cJSON *v, struct item_spec *sp, const char *source, size_t idx, struct mt_err *err)
{
    const cJSON *one;
    int n = 0;
    if (cJSON_IsString(v)) {
        one = v;
        int in = mt_ind_input_parse(one->valuestring);
        if (in < 0)
            return item_error(err, source, idx, sp->def, "unknown input '%s'%s", one->valuestring, "");
        sp->in[0] = (enum mt_ind_input)in;
        n = 1;
    } else if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(one, v)
        {
            if (!cJSON_IsString(one) || n >= sp->def->n_in)
                return item_error(err, source, idx, sp->def, "inputs must be at most %s input names%s",
                                  sp->def->n_in == 1 ? "1" : "the entry's", "");
            int in = mt_ind_input_parse(one->valuestring);
            if (in < 0)
                return item_error(err, source, idx, sp->def, "unknown input '%s'%s", one->valuestring, "");
            sp->in[n++] = (enum mt_ind_input)in;
        }
    } else {
        return item_error(err, source, idx, sp->def, "input must be a name or an array of names%s%s", "", "");
    }
    if (n > sp->def->n_in)
        return item_error(err, source, idx, sp->def, "too many inputs%s%s", "", "");
    sp->in_overridden = true;
    return 0;
}

static int parse_outputs(const cJSON *v, struct item_spec *sp, const char *source, size_t idx, struct mt_err *err)
{
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return item_error(err, source, idx, sp->def, "outputs must be a non-empty array of output names%s%s", "",
                          "");
    sp->outputs = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, v)
    {
        int k = cJSON_IsString(o) ? mt_ind_out_index(sp->def, o->valuestring) : -1;
        if (k < 0)
            return item_error(err, source, idx, sp->def, "unknown output '%s'%s",
                              cJSON_IsString(o) ? o->valuestring : "?", "");
        sp->outputs |= 1u << k;
    }
    return 0;
}

static int parse_option(const cJSON *v, int k, struct item_spec *sp, const char *source, size_t idx,
                        struct mt_err *err)
{
    const char *name = sp->def->opt[k].name;
    if (cJSON_IsNumber(v)) {
        sp->values[k][0] = v->valuedouble;
        sp->nvalues[k] = 1;
        return 0;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 || cJSON_GetArraySize(v) > MAX_VALUES)
        return item_error(err, source, idx, sp->def, "option %s must be a number or an array of 1 to 64 numbers%s",
                          name, "");
    const cJSON *x;
    int n = 0;
    cJSON_ArrayForEach(x, v)
    {
        if (!cJSON_IsNumber(x))
            return item_error(err, source, idx, sp->def, "option %s: every value must be a number%s", name, "");
        sp->values[k][n++] = x->valuedouble;
    }
    sp->nvalues[k] = n;
    return 0;
}

/* A "name" value: 1 to 47 characters, letters, digits and _ . - only, so that
 * it is a CSV header field and a Parquet column name as it stands. */
static bool name_valid(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < MT_FSET_NAME_MAX - 16 &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static int parse_spec(const cJSON *obj, size_t idx, const char *source, struct item_spec *sp, struct mt_err *err)
{
    memset(sp, 0, sizeof *sp);
    if (!cJSON_IsObject(obj))
        return item_error(err, source, idx, NULL, "expected an object, not %s%s", mt_json_type_name(obj), "");
    const cJSON *ind = cJSON_GetObjectItemCaseSensitive(obj, "indicator");
    if (!cJSON_IsString(ind))
        return item_error(err, source, idx, NULL, "needs \"indicator\": a registry name%s%s", "", "");
    sp->def = mt_ind_find(ind->valuestring);
    if (!sp->def)
        return item_error(err, source, idx, NULL, "unknown indicator '%s' (see mtrader indicators)%s",
                          ind->valuestring, "");
    memcpy(sp->in, sp->def->in, sizeof sp->in);
    sp->outputs = (1u << sp->def->n_out) - 1;
    const cJSON *v;
    int rc = 0;
    cJSON_ArrayForEach(v, obj)
    {
        const char *key = v->string;
        int k;
        if (strcmp(key, "indicator") == 0)
            continue;
        if (strcmp(key, "name") == 0) {
            if (!cJSON_IsString(v) || !name_valid(v->valuestring))
                return item_error(err, source, idx, sp->def,
                                  "name must be a string of 1 to 47 characters A-Z a-z 0-9 _ . -%s%s", "", "");
            sp->name = v->valuestring;
        } else if (strcmp(key, "relative") == 0) {
            if (!cJSON_IsBool(v))
                return item_error(err, source, idx, sp->def, "relative must be true or false, not %s%s",
                                  mt_json_type_name(v), "");
            sp->relative = cJSON_IsTrue(v);
        } else if (strcmp(key, "input") == 0 || strcmp(key, "inputs") == 0) {
            rc = parse_inputs(v, sp, source, idx, err);
        } else if (strcmp(key, "outputs") == 0) {
            rc = parse_outputs(v, sp, source, idx, err);
        } else if ((k = mt_ind_opt_index(sp->def, key)) >= 0) {
            rc = parse_option(v, k, sp, source, idx, err);
        } else {
            char opts[256];
            option_list(sp->def, opts, sizeof opts);
            return item_error(err, source, idx, sp->def,
                              "unknown key '%s' (options: %s; or name, input, outputs, relative)",
                              key, opts);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Column base name: indicator, overridden inputs, option values. */
static void generated_name(const struct item_spec *sp, const double *opt, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s", sp->def->name);
    if (sp->in_overridden)
        for (int k = 0; k < sp->def->n_in && n < size; k++)
            if (sp->in[k] != sp->def->in[k])
                n += (size_t)snprintf(buf + n, size - n, "_%s", mt_ind_input_name(sp->in[k]));
    for (int k = 0; k < sp->def->n_opt && n < size; k++) {
        char num[32];
        n += (size_t)snprintf(buf + n, size - n, "_%s", mt_fmt_double(opt[k], num, sizeof num));
    }
    if (sp->relative && n < size)
        snprintf(buf + n, size - n, "_rel");
}

/* Appends every combination of sp's option values to fs. */
static int expand(const struct item_spec *sp, size_t idx, const char *source, struct mt_fset *fs, size_t *cap,
                  struct mt_err *err)
{
    size_t combos = 1;
    for (int k = 0; k < sp->def->n_opt; k++)
        combos *= (size_t)(sp->nvalues[k] ? sp->nvalues[k] : 1);
    if (sp->name && combos > 1)
        return item_error(err, source, idx, sp->def, "a name is only allowed for a single feature, this expands to "
                          "several%s%s", "", "");
    if (fs->n + combos > MT_FSET_MAX_ITEMS)
        return mt_err_set(err, MT_ECONFIG, "%s: more than %zu features", source, (size_t)MT_FSET_MAX_ITEMS);
    for (size_t c = 0; c < combos; c++) {
        if (fs->n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            struct mt_fset_item *grown = realloc(fs->items, ncap * sizeof *grown);
            if (!grown)
                return mt_err_set(err, MT_ENOMEM, "%s: out of memory", source);
            fs->items = grown;
            *cap = ncap;
        }
        struct mt_fset_item *it = &fs->items[fs->n];
        memset(it, 0, sizeof *it);
        it->def = sp->def;
        struct mt_ind_ctx ctx = {.tf = MT_TF_1H};
        mt_ind_defaults(sp->def, &ctx);
        size_t rest = c;
        for (int k = 0; k < sp->def->n_opt; k++) {
            size_t nv = (size_t)(sp->nvalues[k] ? sp->nvalues[k] : 1);
            if (sp->nvalues[k])
                ctx.opt[k] = sp->values[k][rest % nv];
            rest /= nv;
        }
        struct mt_err verr = {0};
        if (mt_ind_validate(sp->def, &ctx, &verr))
            return mt_err_set(err, MT_ECONFIG, "%s: feature %zu: %s", source, idx, verr.msg);
        memcpy(it->opt, ctx.opt, sizeof it->opt);
        memcpy(it->in, sp->in, sizeof it->in);
        it->outputs = sp->outputs;
        it->relative = sp->relative;
        if (sp->name)
            snprintf(it->name, sizeof it->name, "%s", sp->name);
        else
            generated_name(sp, ctx.opt, it->name, sizeof it->name);
        fs->n++;
    }
    return 0;
}

/* Column c's name into buf: the item's name, plus "_output" for multi-output entries. */
static void column_name(const struct mt_fset_item *it, int k, char *buf, size_t size)
{
    if (it->def->n_out == 1)
        snprintf(buf, size, "%s", it->name);
    else
        snprintf(buf, size, "%s_%s", it->name, it->def->out[k]);
}

/* Fills names (fs->columns of them) in column order. */
static void all_names(const struct mt_fset *fs, char (*names)[MT_FSET_NAME_MAX])
{
    size_t c = 0;
    for (size_t i = 0; i < fs->n; i++)
        for (int k = 0; k < fs->items[i].def->n_out; k++)
            if (fs->items[i].outputs & (1u << k))
                column_name(&fs->items[i], k, names[c++], MT_FSET_NAME_MAX);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static int check_unique(const struct mt_fset *fs, const char *source, struct mt_err *err)
{
    char(*names)[MT_FSET_NAME_MAX] = malloc((fs->columns ? fs->columns : 1) * sizeof *names);
    if (!names)
        return mt_err_set(err, MT_ENOMEM, "%s: out of memory", source);
    all_names(fs, names);
    qsort(names, fs->columns, sizeof *names, compare_names);
    int rc = 0;
    for (size_t c = 0; c < fs->columns && !rc; c++)
        if (strcmp(names[c], MT_FSET_TIME_COLUMN) == 0)
            rc = mt_err_set(err, MT_ECONFIG, "%s: a feature is called '%s', the name of the time column (give it "
                            "another \"name\")", source, names[c]);
    for (size_t c = 1; c < fs->columns && !rc; c++)
        if (strcmp(names[c - 1], names[c]) == 0)
            rc = mt_err_set(err, MT_ECONFIG, "%s: two features are called '%s' (give one a \"name\")", source,
                            names[c]);
    free(names);
    return rc;
}

int mt_fset_parse(const char *json, size_t len, const char *source, struct mt_fset *out, struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = mt_json_parse(json, len, source, &root, err);
    if (rc)
        return rc;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(list) || cJSON_GetArraySize(root) != 1) {
        rc = mt_err_set(err, MT_ECONFIG, "%s: expected {\"features\": [ ... ]} and nothing else", source);
        goto done;
    }
    size_t cap = 0, idx = 0;
    struct item_spec *sp = malloc(sizeof *sp);
    if (!sp) {
        rc = mt_err_set(err, MT_ENOMEM, "%s: out of memory", source);
        goto done;
    }
    const cJSON *obj;
    cJSON_ArrayForEach(obj, list)
    {
        idx++;
        if ((rc = parse_spec(obj, idx, source, sp, err)) || (rc = expand(sp, idx, source, out, &cap, err)))
            break;
    }
    free(sp);
    if (rc)
        goto done;
    if (out->n == 0) {
        rc = mt_err_set(err, MT_ECONFIG, "%s: the feature list is empty", source);
        goto done;
    }
    for (size_t i = 0; i < out->n; i++)
        for (int k = 0; k < out->items[i].def->n_out; k++)
            out->columns += (out->items[i].outputs >> k) & 1u;
    rc = check_unique(out, source, err);
done:
    cJSON_Delete(root);
    if (rc)
        mt_fset_release(out);
    return rc;
}

int mt_fset_load(const char *path, struct mt_fset *out, struct mt_err *err)
{
    char *text;
    size_t len;
    memset(out, 0, sizeof *out);
    int rc = mt_read_file(path, MT_FSET_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = mt_fset_parse(text, len, path, out, err);
    free(text);
    return rc;
}

int mt_fset_default(struct mt_fset *out, struct mt_err *err)
{
    const char *json = mt_fset_default_json();
    return mt_fset_parse(json, strlen(json), "default feature set", out, err);
}

void mt_fset_release(struct mt_fset *fs)
{
    free(fs->items);
    memset(fs, 0, sizeof *fs);
}

void mt_fmatrix_init(struct mt_fmatrix *m)
{
    memset(m, 0, sizeof *m);
}

void mt_fmatrix_release(struct mt_fmatrix *m)
{
    free(m->v);
    free(m->names);
    free(m->time);
    mt_fmatrix_init(m);
}

int mt_features_init(struct mt_features *f, const struct mt_fset *fs, enum mt_tf tf, struct mt_err *err)
{
    memset(f, 0, sizeof *f);
    f->fs = fs;
    f->tf = tf;
    f->last = INT64_MIN;
    f->inds = calloc(fs->n ? fs->n : 1, sizeof *f->inds);
    if (!f->inds)
        return mt_err_set(err, MT_ENOMEM, "features: out of memory");
    for (size_t i = 0; i < fs->n; i++) {
        struct mt_ind_ctx ctx = {.tf = tf};
        memcpy(ctx.opt, fs->items[i].opt, sizeof ctx.opt);
        int rc = mt_ind_init(&f->inds[i], fs->items[i].def, &ctx, err);
        if (rc) {
            mt_features_release(f);
            return rc;
        }
        memcpy(f->inds[i].in, fs->items[i].in, sizeof f->inds[i].in);
    }
    return 0;
}

void mt_features_release(struct mt_features *f)
{
    if (f->inds)
        for (size_t i = 0; i < f->fs->n; i++)
            mt_ind_release(&f->inds[i]);
    free(f->inds);
    f->inds = NULL;
}

/* A feature value: the indicator's output, or relative to the bar's close. */
static inline float feature_value(const struct mt_fset_item *it, double v, double close)
{
    return (float)(it->relative ? v / close - 1.0 : v);
}

int mt_features_batch(struct mt_features *f, const struct mt_series *s, struct mt_fmatrix *out,
                      struct mt_err *err)
{
    const struct mt_fset *fs = f->fs;
    size_t rows = s->n, cols = fs->columns, nr = rows ? rows : 1;
    mt_fmatrix_init(out);
    double *scratch = malloc((size_t)MT_IND_MAX_OUT * nr * sizeof *scratch);
    double *nan_col = malloc(nr * sizeof *nan_col);
    out->v = malloc((cols ? cols : 1) * nr * sizeof *out->v);
    out->names = malloc((cols ? cols : 1) * sizeof *out->names);
    out->time = malloc(nr * sizeof *out->time);
    if (!scratch || !nan_col || !out->v || !out->names || !out->time) {
        free(scratch);
        free(nan_col);
        mt_fmatrix_release(out);
        return mt_err_set(err, MT_ENOMEM, "features: out of memory for %zu bars x %zu features", rows, cols);
    }
    out->rows = rows;
    out->cols = cols;
    all_names(fs, out->names);
    if (rows)
        memcpy(out->time, s->open_time, rows * sizeof *out->time);
    for (size_t r = 0; r < rows; r++)
        nan_col[r] = NAN;
    size_t c = 0;
    for (size_t i = 0; i < fs->n; i++) {
        struct mt_ind *ind = &f->inds[i];
        const double *in[MT_IND_MAX_IN] = {0};
        double *outs[MT_IND_MAX_OUT];
        for (int k = 0; k < ind->def->n_in; k++) {
            in[k] = mt_ind_input_column(s, ind->in[k]);
            if (!in[k])
                in[k] = nan_col;
        }
        for (int k = 0; k < MT_IND_MAX_OUT; k++)
            outs[k] = scratch + (size_t)k * nr;
        mt_ind_reset(ind);
        mt_ind_run(ind, rows, in, s->open_time, outs);
        for (int k = 0; k < ind->def->n_out; k++) {
            if (!(fs->items[i].outputs & (1u << k)))
                continue;
            float *dst = out->v + c++ * rows;
            for (size_t r = 0; r < rows; r++)
                dst[r] = feature_value(&fs->items[i], outs[k][r], s->close[r]);
        }
    }
    f->fed = rows;
    f->last = rows ? s->open_time[rows - 1] : INT64_MIN;
    free(scratch);
    free(nan_col);
    return 0;
}

int mt_features_update(struct mt_features *f, const struct mt_series *s, size_t i, float *row,
                       struct mt_err *err)
{
    if (i >= s->n || s->open_time[i] <= f->last)
        return mt_err_set(err, MT_EINVAL, "features: bar %zu of %zu is not after the last bar fed (%zu fed)", i, s->n,
                          f->fed);
    const struct mt_fset *fs = f->fs;
    const double nan = NAN;
    size_t c = 0;
    for (size_t j = 0; j < fs->n; j++) {
        struct mt_ind *ind = &f->inds[j];
        const double *in[MT_IND_MAX_IN] = {0};
        double y[MT_IND_MAX_OUT];
        double *outs[MT_IND_MAX_OUT];
        for (int k = 0; k < ind->def->n_in; k++) {
            const double *col = mt_ind_input_column(s, ind->in[k]);
            in[k] = col ? col + i : &nan;
        }
        for (int k = 0; k < MT_IND_MAX_OUT; k++)
            outs[k] = &y[k];
        mt_ind_run(ind, 1, in, s->open_time + i, outs);
        for (int k = 0; k < ind->def->n_out; k++)
            if (fs->items[j].outputs & (1u << k))
                row[c++] = feature_value(&fs->items[j], y[k], s->close[i]);
    }
    f->fed++;
    f->last = s->open_time[i];
    return 0;
}
