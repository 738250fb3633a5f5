/* Feature selection: constant, NaN, duplicate and low-information columns,
 * permutation importance, and the columns that name a date or a symbol. */
#include "ml/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/series.h"
#include "ml/radix.h"

#define MAX_BINS 64
/* Rows of the standardised sample per block of the correlation products (a multiple of 8). */
#define CORR_BLOCK 512

const char *mt_sel_why_name(enum mt_sel_why why)
{
    switch (why) {
    case MT_SEL_KEPT: return "kept";
    case MT_SEL_EXCLUDED: return "excluded";
    case MT_SEL_NAN: return "nan";
    case MT_SEL_CONSTANT: return "constant";
    case MT_SEL_DUPLICATE: return "duplicate";
    case MT_SEL_LOW_MI: return "low_mi";
    case MT_SEL_NO_IMPORTANCE: return "no_importance";
    }
    return "unknown";
}

void mt_sel_opts_default(struct mt_sel_opts *o)
{
    *o = (struct mt_sel_opts){.nan_max = 0.5, .const_frac = 0.995, .var_eps = 1e-12, .corr_max = 0.95,
                              .spearman = false, .corr_rows = 20000, .mi_bins = 16, .top_k = 0, .seed = 1};
}

void mt_sel_result_release(struct mt_sel_result *r)
{
    free(r->col);
    free(r->selected);
    memset(r, 0, sizeof *r);
}

/* splitmix64: a small seeded generator for the row sample and the shuffles. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform index below bound (> 0). */
static size_t rng_below(uint64_t *s, size_t bound)
{
    return (size_t)(rng_next(s) % (uint64_t)bound);
}

static double weight(const double *w, size_t i)
{
    return w ? w[i] : 1.0;
}

/* Checks the row list, labels and weights. */
static int check_rows(size_t rows, const double *y, const double *w, const size_t *idx, size_t n,
                      struct mt_err *err)
{
    if (n == 0)
        return mt_err_set(err, MT_EINVAL, "select: no rows given");
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        if (i >= rows)
            return mt_err_set(err, MT_EINVAL, "select: row index %zu out of range (%zu rows)", i, rows);
        if (y[i] != 0.0 && y[i] != 1.0)
            return mt_err_set(err, MT_EINVAL, "select: label of row %zu is %g, expected 0 or 1", i, y[i]);
        if (!(weight(w, i) >= 0.0) || !isfinite(weight(w, i)))
            return mt_err_set(err, MT_EINVAL, "select: weight of row %zu is %g, expected finite and >= 0", i,
                              weight(w, i));
    }
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Per-column counts over the given rows. */
struct colstat {
    size_t nan;
    double mean, m2;     /* Welford over the finite values */
    size_t finite;
    float major;         /* Boyer-Moore candidate for the most frequent value */
    size_t votes;
    size_t major_count;  /* rows holding `major` (second pass) */
};

/* One row pass: NaN counts, mean and variance, the majority candidate. */
static void column_stats(const float *x, size_t cols, const size_t *idx, size_t n, struct colstat *st)
{
    for (size_t k = 0; k < n; k++) {
        const float *row = x + idx[k] * cols;
        for (size_t c = 0; c < cols; c++) {
            float v = row[c];
            struct colstat *s = &st[c];
            if (isnan(v)) {
                s->nan++;
                continue;
            }
            s->finite++;
            double d = (double)v - s->mean;
            s->mean += d / (double)s->finite;
            s->m2 += d * ((double)v - s->mean);
            if (s->votes == 0) {
                s->major = v;
                s->votes = 1;
            } else {
                s->votes += s->major == v ? 1 : (size_t)-1;
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        const float *row = x + idx[k] * cols;
        for (size_t c = 0; c < cols; c++)
            st[c].major_count += st[c].votes && row[c] == st[c].major;
    }
}

/* The sample rows: min(n, m) of idx drawn without replacement, ascending. */
static size_t *sample_rows(const size_t *idx, size_t n, size_t m, uint64_t seed, size_t *out_m)
{
    size_t *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    memcpy(s, idx, n * sizeof *s);
    if (m > n)
        m = n;
    uint64_t st = seed;
    for (size_t k = 0; k < m && m < n; k++) {
        size_t j = k + rng_below(&st, n - k);
        size_t t = s[k];
        s[k] = s[j];
        s[j] = t;
    }
    qsort(s, m, sizeof *s, cmp_size);
    *out_m = m;
    return s;
}

/* Bin edges of one column from the sample (sorted finite values at the
 * quantiles k / bins, duplicates removed) and their number *ne. Returns 0 or MT_ENOMEM. */
static int bin_edges(const float *x, size_t cols, size_t c, const size_t *smp, size_t m, int bins, float *buf,
                     float *edges, int *ne_out)
{
    size_t f = 0;
    for (size_t k = 0; k < m; k++) {
        float v = x[smp[k] * cols + c];
        if (!isnan(v))
            buf[f++] = v;
    }
    *ne_out = 0;
    if (f == 0)
        return 0;
    if (mt_radix_floats(buf, f, NULL))
        return MT_ENOMEM;
    int ne = 0;
    for (int b = 1; b < bins; b++) {
        float e = buf[(size_t)b * f / (size_t)bins];
        if (ne == 0 || e > edges[ne - 1])
            edges[ne++] = e;
    }
    *ne_out = ne;
    return 0;
}

/* Bin of v: NaN is bin MAX_BINS, otherwise the number of edges <= v. */
static int bin_of(float v, const float *edges, int ne)
{
    if (isnan(v))
        return MAX_BINS;
    /* a branch-free count: a search over at most 63 edges mispredicts on every step */
    int b = 0;
    for (int k = 0; k < ne; k++)
        b += edges[k] <= v;
    return b;
}

/* Weighted mutual information (nats) of the bins with the label, less the
 * Miller-Madow bias (nonempty bins - 1) / (2 n_eff) for a binary label. */
static double mutual_info(const double (*cnt)[2], double n_eff)
{
    double tot = 0, py[2] = {0, 0};
    int nonempty = 0;
    for (int b = 0; b <= MAX_BINS; b++) {
        py[0] += cnt[b][0];
        py[1] += cnt[b][1];
        nonempty += cnt[b][0] + cnt[b][1] > 0;
    }
    tot = py[0] + py[1];
    if (tot <= 0 || py[0] <= 0 || py[1] <= 0)
        return 0.0;
    double mi = 0;
    for (int b = 0; b <= MAX_BINS; b++) {
        double pb = (cnt[b][0] + cnt[b][1]) / tot;
        for (int l = 0; l < 2; l++)
            if (cnt[b][l] > 0) {
                double p = cnt[b][l] / tot;
                mi += p * log(p / (pb * (py[l] / tot)));
            }
    }
    return mi - (double)(nonempty - 1) / (2.0 * n_eff);
}

/* Ranks (1-based, ties averaged) of v[0..m) in place, NaN left as NaN. */
static int rank_in_place(float *v, size_t m)
{
    double *key = malloc((m ? m : 1) * sizeof *key);
    size_t *pos = malloc((m ? m : 1) * sizeof *pos), *ord = malloc((m ? m : 1) * sizeof *ord), f = 0;
    int rc = key && pos && ord ? 0 : MT_ENOMEM;
    for (size_t k = 0; k < m && !rc; k++)
        if (!isnan(v[k])) {
            key[f] = v[k];
            pos[f++] = k;
        }
    if (!rc)
        rc = mt_radix_order(key, f, ord, NULL);
    for (size_t a = 0; a < f && !rc;) {
        size_t b = a;
        while (b + 1 < f && key[ord[b + 1]] == key[ord[a]])
            b++;
        float r = (float)((double)(a + b) / 2.0 + 1.0);
        for (size_t k = a; k <= b; k++)
            v[pos[ord[k]]] = r;
        a = b + 1;
    }
    free(ord);
    free(pos);
    free(key);
    return rc;
}

/* Column c of the sample as a unit vector (mean 0, NaN at the mean, zero-padded to mpad). */
static int standardise(const float *x, size_t cols, size_t c, const size_t *smp, size_t m, size_t mpad,
                       bool spearman, float *z)
{
    for (size_t k = 0; k < m; k++)
        z[k] = x[smp[k] * cols + c];
    if (spearman && rank_in_place(z, m))
        return MT_ENOMEM;
    double sum = 0;
    size_t f = 0;
    for (size_t k = 0; k < m; k++)
        if (!isnan(z[k])) {
            sum += z[k];
            f++;
        }
    double mean = f ? sum / (double)f : 0, ss = 0;
    for (size_t k = 0; k < m; k++) {
        double d = isnan(z[k]) ? 0.0 : (double)z[k] - mean;
        ss += d * d;
    }
    double inv = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
    for (size_t k = 0; k < m; k++)
        z[k] = isnan(z[k]) ? 0.0f : (float)(((double)z[k] - mean) * inv);
    for (size_t k = m; k < mpad; k++)
        z[k] = 0.0f;
    return 0;
}

/* Dot product of a block (len a multiple of 8) in eight lanes, so it vectorises without reassociation. */
static double dot_block(const float *a, const float *b, size_t len)
{
    float acc[8] = {0};
    for (size_t k = 0; k < len; k += 8)
        for (int u = 0; u < 8; u++)
            acc[u] += a[k + (size_t)u] * b[k + (size_t)u];
    double s = 0;
    for (int u = 0; u < 8; u++)
        s += acc[u];
    return s;
}

/* corr[i * nl + j] (i < j) = dot of the unit columns z (nl columns of mpad rows). */
static void correlations(const float *z, size_t nl, size_t mpad, double *corr)
{
    memset(corr, 0, nl * nl * sizeof *corr);
    for (size_t r0 = 0; r0 < mpad; r0 += CORR_BLOCK) {
        size_t len = mpad - r0 < CORR_BLOCK ? mpad - r0 : CORR_BLOCK;
        for (size_t i = 0; i < nl; i++)
            for (size_t j = i + 1; j < nl; j++)
                corr[i * nl + j] += dot_block(z + i * mpad + r0, z + j * mpad + r0, len);
    }
}

/* Orders live columns by mutual information, highest first (ties: lower index). */
struct by_mi {
    size_t c;
    double mi;
};

static int cmp_mi(const void *a, const void *b)
{
    const struct by_mi *x = a, *y = b;
    if (x->mi != y->mi)
        return x->mi < y->mi ? 1 : -1;
    return (x->c > y->c) - (x->c < y->c);
}

int mt_sel_run(const struct mt_sel_opts *o, const float *x, size_t rows, size_t cols, const double *y,
               const double *w, const size_t *idx, size_t n, const bool *excluded, struct mt_sel_result *out,
               struct mt_err *err)
{
    memset(out, 0, sizeof *out);
    if (o->mi_bins < 2 || o->mi_bins > MAX_BINS || !(o->nan_max >= 0 && o->nan_max <= 1) ||
        !(o->const_frac > 0 && o->const_frac <= 1) || !(o->corr_max > 0 && o->corr_max <= 1) ||
        !(o->var_eps >= 0) || o->corr_rows < 2)
        return mt_err_set(err, MT_EINVAL, "select: bad options (mi_bins 2..%d, nan_max 0..1, const_frac (0, 1], "
                          "corr_max (0, 1], var_eps >= 0, corr_rows >= 2)", MAX_BINS);
    int rc = check_rows(rows, y, w, idx, n, err);
    if (rc)
        return rc;
    size_t nc = cols ? cols : 1, m = 0;
    struct colstat *st = calloc(nc, sizeof *st);
    double (*cnt)[MAX_BINS + 1][2] = calloc(nc, sizeof *cnt);
    float *edges = malloc(nc * MAX_BINS * sizeof *edges);
    int *ne = calloc(nc, sizeof *ne);
    struct by_mi *live = malloc(nc * sizeof *live);
    size_t *smp = sample_rows(idx, n, o->corr_rows, o->seed, &m);
    size_t mpad = (m + 7) / 8 * 8;
    float *buf = malloc(mpad * sizeof *buf);
    out->col = malloc(nc * sizeof *out->col);
    out->selected = malloc(nc * sizeof *out->selected);
    float *z = NULL;
    double *corr = NULL;
    if (!st || !cnt || !edges || !ne || !live || !smp || !buf || !out->col || !out->selected)
        goto fail_mem;
    out->cols = cols;
    for (size_t c = 0; c < cols; c++)
        out->col[c] = (struct mt_sel_col){.why = MT_SEL_KEPT, .dup_of = SIZE_MAX, .corr = NAN, .mi = NAN,
                                          .importance = NAN};

    column_stats(x, cols, idx, n, st);
    for (size_t c = 0; c < cols; c++) {
        const struct colstat *s = &st[c];
        double var = s->finite > 1 ? s->m2 / (double)(s->finite - 1) : 0.0;
        if (excluded && excluded[c])
            out->col[c].why = MT_SEL_EXCLUDED;
        else if ((double)s->nan > o->nan_max * (double)n)
            out->col[c].why = MT_SEL_NAN;
        else if (var < o->var_eps || (double)s->major_count >= o->const_frac * (double)n)
            out->col[c].why = MT_SEL_CONSTANT;
    }

    /* mutual information of the surviving columns */
    for (size_t c = 0; c < cols; c++)
        if (out->col[c].why == MT_SEL_KEPT && bin_edges(x, cols, c, smp, m, o->mi_bins, buf, edges + c * MAX_BINS, &ne[c]))
            goto fail_mem;
    double sw = 0, sw2 = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        double wi = weight(w, i);
        int l = y[i] == 1.0;
        sw += wi;
        sw2 += wi * wi;
        const float *row = x + i * cols;
        for (size_t c = 0; c < cols; c++)
            if (out->col[c].why == MT_SEL_KEPT)
                cnt[c][bin_of(row[c], edges + c * MAX_BINS, ne[c])][l] += wi;
    }
    double n_eff = sw2 > 0 ? sw * sw / sw2 : 1.0;
    size_t nl = 0;
    for (size_t c = 0; c < cols; c++)
        if (out->col[c].why == MT_SEL_KEPT) {
            out->col[c].mi = mutual_info((const double (*)[2])cnt[c], n_eff);
            live[nl++] = (struct by_mi){c, out->col[c].mi};
        }
    qsort(live, nl, sizeof *live, cmp_mi);

    /* near-duplicates, greedily in order of mutual information */
    z = malloc((nl ? nl : 1) * (mpad ? mpad : 1) * sizeof *z);
    corr = malloc((nl ? nl * nl : 1) * sizeof *corr);
    if (!z || !corr)
        goto fail_mem;
    for (size_t a = 0; a < nl; a++)
        if (standardise(x, cols, live[a].c, smp, m, mpad, o->spearman, z + a * mpad))
            goto fail_mem;
    correlations(z, nl, mpad, corr);
    size_t kept = 0;
    for (size_t a = 0; a < nl; a++) {
        size_t c = live[a].c;
        for (size_t b = 0; b < a; b++) {
            size_t d = live[b].c;
            double r = corr[b * nl + a];
            if (out->col[d].why == MT_SEL_KEPT && fabs(r) > o->corr_max) {
                out->col[c] = (struct mt_sel_col){.why = MT_SEL_DUPLICATE, .dup_of = d, .corr = r,
                                                  .mi = out->col[c].mi, .importance = NAN};
                break;
            }
        }
        if (out->col[c].why != MT_SEL_KEPT)
            continue;
        if (o->top_k && kept >= o->top_k)
            out->col[c].why = MT_SEL_LOW_MI;
        else
            out->selected[kept++] = c;
    }
    out->n_selected = kept;
    bool ok = true;
    goto done;

fail_mem:
    ok = false;
done:
    free(corr);
    free(z);
    free(buf);
    free(smp);
    free(live);
    free(ne);
    free(edges);
    free(cnt);
    free(st);
    if (ok)
        return 0;
    mt_sel_result_release(out);
    return mt_err_set(err, MT_ENOMEM, "select: out of memory for %zu rows x %zu columns", n, cols);
}

/* ---- permutation importance ---- */

/* Weighted ROC AUC (ties count half); NaN when a class has no weight or on no memory. */
static double auc(void *ctx, const double *score, const double *y, const double *w, size_t n)
{
    (void)ctx;
    size_t *o = malloc((n ? n : 1) * sizeof *o);
    if (!o || mt_radix_order(score, n, o, NULL)) {
        free(o);
        return NAN;
    }
    double neg_below = 0, pos = 0, sum = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        double tp = 0, tn = 0;
        while (b < n && score[o[b]] == score[o[a]]) {
            double wi = weight(w, o[b]);
            if (y[o[b]] == 1.0)
                tp += wi;
            else
                tn += wi;
            b++;
        }
        sum += tp * (neg_below + 0.5 * tn);
        neg_below += tn;
        pos += tp;
        a = b;
    }
    free(o);
    return pos > 0 && neg_below > 0 ? sum / (pos * neg_below) : NAN;
}

/* The model's scores of the validation rows; a NaN score is an error (the metric has no order for it). */
static int score_rows(mt_sel_predict_fn predict, void *ctx, const float *xv, size_t n, size_t cols, double *score,
                      struct mt_err *err)
{
    int rc = predict(ctx, xv, n, cols, score, err);
    if (rc)
        return rc;
    for (size_t k = 0; k < n; k++)
        if (isnan(score[k]))
            return mt_err_set(err, MT_EINVAL, "importance: the model scored validation row %zu NaN", k);
    return 0;
}

int mt_sel_importance(struct mt_sel_result *r, const float *x, size_t rows, size_t cols, const double *y,
                      const double *w, const size_t *idx, size_t n, int repeats, uint64_t seed,
                      mt_sel_predict_fn predict, void *predict_ctx, mt_sel_metric_fn metric, void *metric_ctx,
                      struct mt_err *err)
{
    if (r->cols != cols)
        return mt_err_set(err, MT_EINVAL, "importance: the selection has %zu columns, the matrix %zu", r->cols,
                          cols);
    if (repeats < 1 || n < 2)
        return mt_err_set(err, MT_EINVAL, "importance: need repeats >= 1 (%d) and at least 2 rows (%zu)", repeats,
                          n);
    int rc = check_rows(rows, y, w, idx, n, err);
    if (rc)
        return rc;
    if (!metric)
        metric = auc;
    /* only the kept columns, in r->selected's order: what the model reads */
    size_t ns = r->n_selected;
    float *xv = malloc(n * (ns ? ns : 1) * sizeof *xv);
    float *orig = malloc(n * sizeof *orig);
    double *yv = malloc(n * sizeof *yv), *wv = w ? malloc(n * sizeof *wv) : NULL, *score = malloc(n * sizeof *score);
    if (!xv || !orig || !yv || (w && !wv) || !score) {
        rc = mt_err_set(err, MT_ENOMEM, "importance: out of memory for %zu rows", n);
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        for (size_t c = 0; c < ns; c++)
            xv[k * ns + c] = x[idx[k] * cols + r->selected[c]];
        yv[k] = y[idx[k]];
        if (wv)
            wv[k] = w[idx[k]];
    }
    if ((rc = score_rows(predict, predict_ctx, xv, n, ns, score, err)))
        goto done;
    double base = metric(metric_ctx, score, yv, wv, n);
    if (isnan(base)) {
        rc = mt_err_set(err, MT_EINVAL, "importance: the metric is undefined on the %zu validation rows "
                        "(one class only?)", n);
        goto done;
    }
    uint64_t st = seed;
    for (size_t s = 0; s < ns; s++) {
        for (size_t k = 0; k < n; k++)
            orig[k] = xv[k * ns + s];
        double drop = 0;
        for (int rep = 0; rep < repeats; rep++) {
            for (size_t k = n - 1; k > 0; k--) {
                size_t j = rng_below(&st, k + 1);
                float t = xv[k * ns + s];
                xv[k * ns + s] = xv[j * ns + s];
                xv[j * ns + s] = t;
            }
            if ((rc = score_rows(predict, predict_ctx, xv, n, ns, score, err)))
                goto done;
            drop += base - metric(metric_ctx, score, yv, wv, n);
        }
        for (size_t k = 0; k < n; k++)
            xv[k * ns + s] = orig[k];
        r->col[r->selected[s]].importance = drop / repeats;
    }
    size_t kept = 0;
    for (size_t s = 0; s < r->n_selected; s++) {
        size_t c = r->selected[s];
        if (r->col[c].importance > 0)
            r->selected[kept++] = c;
        else
            r->col[c].why = MT_SEL_NO_IMPORTANCE;
    }
    r->n_selected = kept;
done:
    free(score);
    free(wv);
    free(yv);
    free(orig);
    free(xv);
    return rc;
}

/* ---- columns that name a date or a symbol ---- */

const char *mt_sel_excl_name(enum mt_sel_excl e)
{
    switch (e) {
    case MT_SEL_EXCL_NONE: return "none";
    case MT_SEL_EXCL_DATE: return "date";
    case MT_SEL_EXCL_PRICE: return "price";
    case MT_SEL_EXCL_VOLUME: return "volume";
    case MT_SEL_EXCL_HISTORY: return "history";
    }
    return "unknown";
}

/* Registry entries whose outputs name a date (the hour and the weekday are
 * kept: session effects are a market state). */
static const char *const date_entries[] = {"monthday"};

/* Rows compared at the end of each probe run. */
#define PROBE_TAIL 256
/* Monday 2021-01-04 00:00 UTC: the synthetic series starts on every calendar boundary but the month's. */
#define PROBE_START 1609718400000LL

/* The synthetic series: a seeded random walk of n bars of tf, prices times
 * price_k, volumes and trade counts times vol_k. */
static int probe_series(struct mt_series *s, enum mt_tf tf, size_t n, double price_k, double vol_k,
                        struct mt_err *err)
{
    mt_series_init(s, MT_F_ALL);
    int rc = mt_series_reserve(s, n, err);
    uint64_t st = 42;
    double close = 100.0;
    int64_t t = PROBE_START;
    for (size_t i = 0; i < n && !rc; i++) {
        double u[4];
        for (int k = 0; k < 4; k++)
            u[k] = (double)(rng_next(&st) >> 11) / 9007199254740992.0;
        double open = close;
        close = open * exp(0.02 * (u[0] - 0.5));
        double hi = fmax(open, close) * (1 + 0.01 * u[1]), lo = fmin(open, close) * (1 - 0.01 * u[2]);
        double vol = 1000.0 * (0.5 + u[3]), trades = floor(vol / 10.0), taker = vol * (0.3 + 0.4 * u[1]);
        struct mt_candle c = {.open_time = t, .open = open * price_k, .high = hi * price_k, .low = lo * price_k,
                              .close = close * price_k, .volume = vol * vol_k,
                              .quote_volume = vol * vol_k * close * price_k, .trades = trades * vol_k,
                              .taker_buy_base = taker * vol_k, .taker_buy_quote = taker * vol_k * close * price_k};
        rc = mt_series_append(s, &c, err);
        t = mt_tf_next(tf, t);
    }
    if (rc)
        mt_series_release(s);
    return rc;
}

/* The features of fs over the probe series [from, n) into m. */
static int probe_run(const struct mt_fset *fs, enum mt_tf tf, size_t n, size_t from, double price_k,
                     double vol_k, struct mt_fmatrix *m, struct mt_err *err)
{
    struct mt_series s, part;
    struct mt_features f;
    mt_fmatrix_init(m);
    int rc = probe_series(&s, tf, n, price_k, vol_k, err);
    if (rc)
        return rc;
    mt_series_init(&part, MT_F_ALL);
    rc = mt_series_slice(&part, &s, from, n, err);
    if (!rc && !(rc = mt_features_init(&f, fs, tf, err))) {
        rc = mt_features_batch(&f, &part, m, err);
        mt_features_release(&f);
    }
    mt_series_release(&part);
    mt_series_release(&s);
    return rc;
}

/* Whether column c differs between a and b in more than half of the last
 * PROBE_TAIL rows (NaN against a number counts as a difference). */
static bool probe_differs(const struct mt_fmatrix *a, const struct mt_fmatrix *b, size_t c)
{
    const float *va = a->v + c * a->rows + (a->rows - PROBE_TAIL), *vb = b->v + c * b->rows + (b->rows - PROBE_TAIL);
    double scale = 0;
    for (size_t k = 0; k < PROBE_TAIL; k++)
        scale += isnan(va[k]) ? 0.0 : fabs((double)va[k]) / PROBE_TAIL;
    size_t differ = 0, seen = 0;
    for (size_t k = 0; k < PROBE_TAIL; k++) {
        double p = va[k], q = vb[k];
        if (isnan(p) && isnan(q))
            continue;
        seen++;
        differ += isnan(p) != isnan(q) || fabs(p - q) > 1e-3 * (fabs(p) + fabs(q)) + 1e-4 * scale;
    }
    return 2 * differ > seen;
}

int mt_sel_exclude_names(const struct mt_fset *fs, enum mt_tf tf, const char *const *names, size_t n,
                         enum mt_sel_excl *why, struct mt_err *err)
{
    struct mt_features f;
    int rc = mt_features_init(&f, fs, tf, err);
    if (rc)
        return rc;
    size_t lookback = 0;
    for (size_t i = 0; i < fs->n; i++) {
        int lb = mt_ind_lookback(&f.inds[i]);
        lookback = (size_t)lb > lookback ? (size_t)lb : lookback;
    }
    mt_features_release(&f);
    /* The shortened run drops more than a lookback and still warms up five lookbacks before the tail. */
    size_t warm = 5 * lookback > 1000 ? 5 * lookback : 1000, drop = lookback + 500;
    size_t bars = drop + warm + PROBE_TAIL;
    struct mt_fmatrix base, price, vol, late;
    mt_fmatrix_init(&price);
    mt_fmatrix_init(&vol);
    mt_fmatrix_init(&late);
    if ((rc = probe_run(fs, tf, bars, 0, 1, 1, &base, err)))
        return rc;
    if ((rc = probe_run(fs, tf, bars, 0, 1000, 1, &price, err)) || (rc = probe_run(fs, tf, bars, 0, 1, 1000, &vol, err)) ||
        (rc = probe_run(fs, tf, bars, drop, 1, 1, &late, err)))
        goto done;
    size_t *col_item = malloc((base.cols ? base.cols : 1) * sizeof *col_item);
    if (!col_item) {
        rc = mt_err_set(err, MT_ENOMEM, "exclude: out of memory");
        goto done;
    }
    for (size_t i = 0, c = 0; i < fs->n; i++)
        for (int k = 0; k < fs->items[i].def->n_out; k++)
            if (fs->items[i].outputs & (1u << k))
                col_item[c++] = i;
    for (size_t j = 0; j < n; j++) {
        why[j] = MT_SEL_EXCL_NONE;
        for (size_t c = 0; c < base.cols; c++) {
            if (strcmp(names[j], base.names[c]) != 0)
                continue;
            const char *entry = fs->items[col_item[c]].def->name;
            for (size_t d = 0; d < sizeof date_entries / sizeof date_entries[0]; d++)
                if (strcmp(entry, date_entries[d]) == 0)
                    why[j] = MT_SEL_EXCL_DATE;
            if (why[j] == MT_SEL_EXCL_NONE && probe_differs(&base, &price, c))
                why[j] = MT_SEL_EXCL_PRICE;
            if (why[j] == MT_SEL_EXCL_NONE && probe_differs(&base, &vol, c))
                why[j] = MT_SEL_EXCL_VOLUME;
            if (why[j] == MT_SEL_EXCL_NONE && probe_differs(&base, &late, c))
                why[j] = MT_SEL_EXCL_HISTORY;
            break;
        }
    }
    free(col_item);
done:
    mt_fmatrix_release(&late);
    mt_fmatrix_release(&vol);
    mt_fmatrix_release(&price);
    mt_fmatrix_release(&base);
    return rc;
}
