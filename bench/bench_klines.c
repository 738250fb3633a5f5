/* Kline parsing: mtrader's scanner (mt_klines_parse) against cJSON on the same
 * /api/v3/klines bodies, both producing the same series (checked value by
 * value before timing). Prints figures (best of ROUNDS); never passes or fails
 * on time.
 *
 * Usage: bench_klines BODY.json [ITERATIONS]
 *   BODY.json: a klines response body (e.g. tests/fixtures/exchange/
 *   klines_btcusdt_1h_2023-03.json, 744 real rows), open times 1h apart. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/series.h"
#include "exchange/klines.h"

#define ROUNDS 5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool dec_item(const cJSON *a, int i, double *out)
{
    const cJSON *x = cJSON_GetArrayItem(a, i);
    if (!cJSON_IsString(x))
        return false;
    char *end;
    errno = 0;
    *out = strtod(x->valuestring, &end);
    return *end == '\0' && errno == 0;
}

static bool int_item(const cJSON *a, int i, double *out)
{
    const cJSON *x = cJSON_GetArrayItem(a, i);
    if (!cJSON_IsNumber(x))
        return false;
    *out = x->valuedouble;
    return true;
}

/* The peer: cJSON DOM, then the same fields into the same series. */
static int parse_cjson(const char *body, size_t len, struct mt_series *s)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *row;
    int rc = 0;
    cJSON_ArrayForEach(row, root)
    {
        struct mt_candle c;
        double open_time, close_time;
        if (!cJSON_IsArray(row) || cJSON_GetArraySize(row) != 12 || !int_item(row, 0, &open_time) ||
            !dec_item(row, 1, &c.open) || !dec_item(row, 2, &c.high) || !dec_item(row, 3, &c.low) ||
            !dec_item(row, 4, &c.close) || !dec_item(row, 5, &c.volume) || !int_item(row, 6, &close_time) ||
            !dec_item(row, 7, &c.quote_volume) || !int_item(row, 8, &c.trades) ||
            !dec_item(row, 9, &c.taker_buy_base) || !dec_item(row, 10, &c.taker_buy_quote)) {
            rc = -1;
            break;
        }
        c.open_time = (int64_t)open_time;
        if (mt_series_append(s, &c, NULL)) {
            rc = -1;
            break;
        }
    }
    cJSON_Delete(root);
    return rc;
}

static int parse_ours(const char *body, size_t len, struct mt_series *s)
{
    return mt_klines_parse(body, len, MT_TF_1H, s, NULL);
}

static bool same_series(const struct mt_series *a, const struct mt_series *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const double x[9] = {a->open[i], a->high[i], a->low[i], a->close[i], a->volume[i],
                             a->quote_volume[i], a->trades[i], a->taker_buy_base[i], a->taker_buy_quote[i]};
        const double y[9] = {b->open[i], b->high[i], b->low[i], b->close[i], b->volume[i],
                             b->quote_volume[i], b->trades[i], b->taker_buy_base[i], b->taker_buy_quote[i]};
        if (a->open_time[i] != b->open_time[i] || memcmp(x, y, sizeof x) != 0)
            return false;
    }
    return true;
}

/* Best time of ROUNDS rounds of `iters` parses; -1 on a parse failure. */
static double time_parser(int (*parse)(const char *, size_t, struct mt_series *), const char *body, size_t len,
                          int iters, struct mt_series *s)
{
    double best = -1;
    for (int r = 0; r < ROUNDS; r++) {
        double t = now_s();
        for (int i = 0; i < iters; i++) {
            s->n = 0;
            if (parse(body, len, s))
                return -1;
        }
        t = now_s() - t;
        if (best < 0 || t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_klines BODY.json [ITERATIONS]\n");
        return 2;
    }
    int iters = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 300;
    size_t len = 0;
    char *body = read_all(argv[1], &len);
    if (!body || iters < 1) {
        fprintf(stderr, "bench_klines: cannot read %s (or bad ITERATIONS)\n", argv[1]);
        free(body);
        return 1;
    }
    struct mt_series ours, peer;
    mt_series_init(&ours, MT_F_ALL);
    mt_series_init(&peer, MT_F_ALL);
    int status = 1;
    if (parse_ours(body, len, &ours) || parse_cjson(body, len, &peer) || !same_series(&ours, &peer)) {
        fprintf(stderr, "bench_klines: the two parsers disagree on %s\n", argv[1]);
        goto done;
    }
    size_t rows = ours.n;
    double t_ours = time_parser(parse_ours, body, len, iters, &ours);
    double t_peer = time_parser(parse_cjson, body, len, iters, &peer);
    if (t_ours <= 0 || t_peer <= 0) {
        fprintf(stderr, "bench_klines: a parse failed while timing\n");
        goto done;
    }
    double total_rows = (double)rows * iters, mb = (double)len * iters / 1e6;
    printf("klines body: %s (%zu rows, %zu bytes), %d parses per round, best of %d\n", argv[1], rows, len, iters,
           ROUNDS);
    printf("  mtrader scanner: %10.0f rows/s  %7.1f MB/s\n", total_rows / t_ours, mb / t_ours);
    printf("  cJSON + strtod:  %10.0f rows/s  %7.1f MB/s\n", total_rows / t_peer, mb / t_peer);
    printf("  ratio (cJSON time / ours): %.2fx\n", t_peer / t_ours);
    printf("result ours_rows_s=%.0f cjson_rows_s=%.0f ratio=%.2f\n", total_rows / t_ours, total_rows / t_peer,
           t_peer / t_ours);
    status = 0;
done:
    mt_series_release(&ours);
    mt_series_release(&peer);
    free(body);
    return status;
}
