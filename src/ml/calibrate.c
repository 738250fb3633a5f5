#include "ml/calibrate.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ml/evaluate.h"

void mt_calib_init(struct mt_calib *c)
{
    *c = (struct mt_calib){.kind = MT_CALIB_NONE};
}

void mt_calib_release(struct mt_calib *c)
{
    free(c->x);
    free(c->y);
    mt_calib_init(c);
}

/* A PAV block: its weight and the weighted sums of score and label. */
struct block {
    double w, wx, wy;
};

struct point {
    double s, w;
    uint8_t y;
};

static int by_s(const void *a, const void *b)
{
    double x = ((const struct point *)a)->s, z = ((const struct point *)b)->s;
    return (x > z) - (x < z);
}

/* Pools the last block into the one before it while they are out of order
 * (by value, or by centre after rounding: centres must strictly increase). */
static size_t settle(struct block *b, size_t m)
{
    while (m >= 2) {
        struct block *p = &b[m - 2], *q = &b[m - 1];
        if (p->wy / p->w <= q->wy / q->w && p->wx / p->w < q->wx / q->w)
            break;
        p->w += q->w, p->wx += q->wx, p->wy += q->wy;
        m--;
    }
    return m;
}

int mt_calib_fit_isotonic(struct mt_calib *c, const double *score, const uint8_t *y, const double *w, size_t n,
                          struct mt_err *err)
{
    mt_calib_release(c);
    int rc = mt_eval_check(score, y, w, n, false, err);
    if (rc)
        return rc;
    struct point *pt = malloc((n ? n : 1) * sizeof *pt);
    struct block *b = malloc((n ? n : 1) * sizeof *b);
    if (!pt || !b) {
        rc = mt_err_set(err, MT_ENOMEM, "calibrate: isotonic fit of %zu rows: out of memory", n);
        goto out;
    }
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || w[i] > 0)
            pt[np++] = (struct point){score[i], w ? w[i] : 1, y[i]};
    if (np == 0) {
        rc = mt_err_set(err, MT_EINVAL, "calibrate: isotonic fit of %zu rows that weigh nothing", n);
        goto out;
    }
    qsort(pt, np, sizeof *pt, by_s);
    size_t m = 0;
    for (size_t i = 0; i < np;) {
        struct block k = {0};
        size_t j = i;
        for (; j < np && pt[j].s == pt[i].s; j++) /* equal scores form one point */
            k.w += pt[j].w, k.wx += pt[j].w * pt[j].s, k.wy += pt[j].w * pt[j].y;
        b[m++] = k;
        m = settle(b, m);
        i = j;
    }
    if (m > MT_CALIB_MAX_KNOTS) {
        rc = mt_err_set(err, MT_ELIMIT, "calibrate: isotonic fit has %zu blocks, more than %d", m,
                        MT_CALIB_MAX_KNOTS);
        goto out;
    }
    c->x = malloc(m * sizeof *c->x);
    c->y = malloc(m * sizeof *c->y);
    if (!c->x || !c->y) {
        mt_calib_release(c);
        rc = mt_err_set(err, MT_ENOMEM, "calibrate: isotonic fit of %zu blocks: out of memory", m);
        goto out;
    }
    for (size_t k = 0; k < m; k++)
        c->x[k] = b[k].wx / b[k].w, c->y[k] = b[k].wy / b[k].w;
    c->knots = m;
    c->kind = MT_CALIB_ISOTONIC;
out:
    free(b);
    free(pt);
    return rc;
}

/* Platt's objective: the weighted cross-entropy against the smoothed targets. */
static double platt_loss(const double *s, const double *t, const double *w, size_t n, double a, double b)
{
    double f = 0;
    for (size_t i = 0; i < n; i++) {
        double z = a * s[i] + b, wi = w ? w[i] : 1;
        f += wi * (z >= 0 ? (1 - t[i]) * z + log1p(exp(-z)) : -t[i] * z + log1p(exp(z)));
    }
    return f;
}

int mt_calib_fit_platt(struct mt_calib *c, const double *score, const uint8_t *y, const double *w, size_t n,
                       struct mt_err *err)
{
    mt_calib_release(c);
    int rc = mt_eval_check(score, y, w, n, false, err);
    if (rc)
        return rc;
    double np = 0, nn = 0;
    for (size_t i = 0; i < n; i++)
        *(y[i] ? &np : &nn) += w ? w[i] : 1;
    if (np + nn <= 0)
        return mt_err_set(err, MT_EINVAL, "calibrate: platt fit of %zu rows that weigh nothing", n);
    double *t = malloc(n * sizeof *t);
    if (!t)
        return mt_err_set(err, MT_ENOMEM, "calibrate: platt fit of %zu rows: out of memory", n);
    double hi = (np + 1) / (np + 2), lo = 1 / (nn + 2);
    for (size_t i = 0; i < n; i++)
        t[i] = y[i] ? hi : lo;
    double a = 0, b = log((np + 1) / (nn + 1)), f = platt_loss(score, t, w, n, a, b);
    for (int it = 0; it < 100; it++) {
        double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
        for (size_t i = 0; i < n; i++) {
            double z = a * score[i] + b, p = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
            double wi = w ? w[i] : 1, d = wi * (p - t[i]), h = wi * p * (1 - p);
            ga += d * score[i], gb += d;
            haa += h * score[i] * score[i], hab += h * score[i], hbb += h;
        }
        double det = haa * hbb - hab * hab;
        double da = -(hbb * ga - hab * gb) / det, db = -(haa * gb - hab * ga) / det, slope = ga * da + gb * db;
        /* Converged when the Newton step would lower the loss by less than its rounding can show. */
        if (-slope < 1e-10 * (1 + f)) {
            free(t);
            c->kind = MT_CALIB_PLATT, c->a = a, c->b = b;
            return 0;
        }
        double step = 1;
        for (; step >= 1e-10; step /= 2) {
            double f2 = platt_loss(score, t, w, n, a + step * da, b + step * db);
            if (f2 < f + 1e-4 * step * slope) {
                a += step * da, b += step * db, f = f2;
                break;
            }
        }
        if (step < 1e-10)
            break;
    }
    free(t);
    return mt_err_set(err, MT_ERANGE, "calibrate: platt fit of %zu rows did not converge", n);
}

double mt_calib_apply(const struct mt_calib *c, double s)
{
    if (isnan(s))
        return s;
    switch (c->kind) {
    case MT_CALIB_PLATT: {
        double z = c->a * s + c->b;
        return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
    }
    case MT_CALIB_ISOTONIC: {
        const double *x = c->x, *y = c->y;
        size_t m = c->knots;
        if (s <= x[0])
            return y[0];
        if (s >= x[m - 1])
            return y[m - 1];
        size_t lo = 0, hi = m - 1; /* x[lo] < s < x[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            *(x[mid] <= s ? &lo : &hi) = mid;
        }
        return y[lo] + (s - x[lo]) / (x[hi] - x[lo]) * (y[hi] - y[lo]);
    }
    case MT_CALIB_NONE:
        break;
    }
    return fmin(fmax(s, 0), 1);
}

static const char *const kind_name[] = {"none", "isotonic", "platt"};

cJSON *mt_calib_to_json(const struct mt_calib *c, struct mt_err *err)
{
    cJSON *j = cJSON_CreateObject();
    bool ok = j && cJSON_AddStringToObject(j, "kind", kind_name[c->kind]);
    if (ok && c->kind == MT_CALIB_PLATT)
        ok = cJSON_AddNumberToObject(j, "a", c->a) && cJSON_AddNumberToObject(j, "b", c->b);
    if (ok && c->kind == MT_CALIB_ISOTONIC) {
        cJSON *x = cJSON_CreateDoubleArray(c->x, (int)c->knots);
        ok = x && cJSON_AddItemToObject(j, "x", x);
        if (x && !ok)
            cJSON_Delete(x);
        cJSON *y = ok ? cJSON_CreateDoubleArray(c->y, (int)c->knots) : NULL;
        ok = y && cJSON_AddItemToObject(j, "y", y);
        if (y && !ok)
            cJSON_Delete(y);
    }
    if (!ok) {
        cJSON_Delete(j);
        mt_err_set(err, MT_ENOMEM, "calibrate: %s calibration to json: out of memory", kind_name[c->kind]);
        return NULL;
    }
    return j;
}

static int number(const cJSON *j, const char *name, double *v, struct mt_err *err)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
        return mt_err_set(err, MT_EFORMAT, "calibrate: json member \"%s\" is not a finite number", name);
    *v = e->valuedouble;
    return 0;
}

/* Reads the isotonic knots of j into c (whose arrays are NULL). */
static int read_knots(struct mt_calib *c, const cJSON *j, struct mt_err *err)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, "x"), *y = cJSON_GetObjectItemCaseSensitive(j, "y");
    if (!cJSON_IsArray(x) || !cJSON_IsArray(y))
        return mt_err_set(err, MT_EFORMAT, "calibrate: isotonic json needs arrays \"x\" and \"y\"");
    int m = cJSON_GetArraySize(x);
    if (m < 1 || m > MT_CALIB_MAX_KNOTS || cJSON_GetArraySize(y) != m)
        return mt_err_set(err, MT_EFORMAT,
                          "calibrate: isotonic json has %d x and %d y, expected the same 1..%d", m,
                          cJSON_GetArraySize(y), MT_CALIB_MAX_KNOTS);
    c->x = malloc((size_t)m * sizeof *c->x);
    c->y = malloc((size_t)m * sizeof *c->y);
    if (!c->x || !c->y)
        return mt_err_set(err, MT_ENOMEM, "calibrate: isotonic json of %d knots: out of memory", m);
    size_t k = 0;
    for (const cJSON *ex = x->child, *ey = y->child; ex && ey; ex = ex->next, ey = ey->next, k++) {
        if (!cJSON_IsNumber(ex) || !cJSON_IsNumber(ey))
            return mt_err_set(err, MT_EFORMAT, "calibrate: isotonic json knot %zu is not a number pair", k);
        c->x[k] = ex->valuedouble, c->y[k] = ey->valuedouble;
        if (!isfinite(c->x[k]) || (k > 0 && !(c->x[k] > c->x[k - 1])))
            return mt_err_set(err, MT_EFORMAT, "calibrate: isotonic json x[%zu] = %g does not increase", k,
                              c->x[k]);
        if (!(c->y[k] >= 0 && c->y[k] <= 1) || (k > 0 && c->y[k] < c->y[k - 1]))
            return mt_err_set(err, MT_EFORMAT, "calibrate: isotonic json y[%zu] = %g is not a non-decreasing "
                              "probability", k, c->y[k]);
    }
    c->knots = k;
    return 0;
}

int mt_calib_from_json(struct mt_calib *c, const cJSON *j, struct mt_err *err)
{
    mt_calib_release(c);
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "kind"));
    int rc;
    if (kind && strcmp(kind, "none") == 0)
        return 0;
    if (kind && strcmp(kind, "platt") == 0) {
        if ((rc = number(j, "a", &c->a, err)) || (rc = number(j, "b", &c->b, err))) {
            mt_calib_release(c);
            return rc;
        }
        c->kind = MT_CALIB_PLATT;
        return 0;
    }
    if (kind && strcmp(kind, "isotonic") == 0) {
        if ((rc = read_knots(c, j, err))) {
            mt_calib_release(c);
            return rc;
        }
        c->kind = MT_CALIB_ISOTONIC;
        return 0;
    }
    return mt_err_set(err, MT_EFORMAT, "calibrate: json member \"kind\" is \"%s\", expected none, isotonic or platt",
                      kind ? kind : "(missing)");
}
