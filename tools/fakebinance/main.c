/* mt-fakebinance: serves an mtrader store as the Binance spot REST API on
 * 127.0.0.1, with Binance's weights, rate limits and errors and optional
 * faults, for tests, demos and offline work. Usage: mt-fakebinance --help. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasrc.h"
#include "server.h"

static const char usage[] =
    "usage: mt-fakebinance --data-dir DIR [options]\n"
    "  --data-dir DIR            serve every series of the store at DIR (DIR/ohlcv/TF/SYMBOL.parquet)\n"
    "  --port N                  port on 127.0.0.1 (default 0 = ephemeral)\n"
    "  --clock real|MS[:SPEED]   server time: real clock (default), or replayed from epoch ms MS\n"
    "                            advancing SPEED x real time (default 1)\n"
    "  --weight-limit N          REQUEST_WEIGHT per minute (default 6000)\n"
    "  --ban-after N             429s per window before a 418 IP ban of 120 s (default 3)\n"
    "  --latency-ms N            added latency per request\n"
    "  --hang-after N            answer N requests, then hold every later one open unanswered\n"
    "  --fail-5xx P              share of requests answered 500/502/503\n"
    "  --malformed P             share answered with malformed JSON\n"
    "  --truncate P              share whose body is cut short\n"
    "  --drop P                  share whose connection is closed without an answer\n"
    "  --gap SYMBOL:TF:FROM:TO   hide candles with open time in [FROM, TO] ms (repeatable)\n"
    "  --seed N                  seed of the fault choice (default 1)\n"
    "  --log FILE                one line per request: real-ms method target status weight used fault\n";

static int parse_i64(const char *name, const char *v, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) {
        fprintf(stderr, "mt-fakebinance: %s: expected an integer in [%lld, %lld], got '%s'\n", name,
                (long long)min, (long long)max, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_share(const char *name, const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !(x >= 0.0 && x <= 1.0)) {
        fprintf(stderr, "mt-fakebinance: %s: expected a share in [0, 1], got '%s'\n", name, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_clock(const char *v, struct fb_clock *c)
{
    if (strcmp(v, "real") == 0) {
        c->real = true;
        return 0;
    }
    char *end;
    errno = 0;
    long long ms = strtoll(v, &end, 10);
    if (errno || end == v || ms < 0 || (*end && *end != ':'))
        goto bad;
    c->real = false;
    c->start_ms = ms;
    c->speed = 1.0;
    if (*end == ':') {
        const char *sp = end + 1;
        c->speed = strtod(sp, &end);
        if (errno || end == sp || *end || !(c->speed > 0.0 && c->speed <= 1e9))
            goto bad;
    }
    return 0;
bad:
    fprintf(stderr, "mt-fakebinance: --clock: expected 'real' or MS[:SPEED], got '%s'\n", v);
    return -1;
}

int main(int argc, char **argv)
{
    enum { O_DATA = 1, O_PORT, O_CLOCK, O_WLIMIT, O_BAN, O_LAT, O_HANG, O_5XX, O_MAL, O_TRUNC, O_DROP,
           O_GAP, O_SEED, O_LOG, O_HELP };
    static const struct option opts[] = {
        {"data-dir", required_argument, NULL, O_DATA},   {"port", required_argument, NULL, O_PORT},
        {"clock", required_argument, NULL, O_CLOCK},     {"weight-limit", required_argument, NULL, O_WLIMIT},
        {"ban-after", required_argument, NULL, O_BAN},   {"latency-ms", required_argument, NULL, O_LAT},
        {"fail-5xx", required_argument, NULL, O_5XX},    {"malformed", required_argument, NULL, O_MAL},
        {"truncate", required_argument, NULL, O_TRUNC},  {"drop", required_argument, NULL, O_DROP},
        {"hang-after", required_argument, NULL, O_HANG}, {"gap", required_argument, NULL, O_GAP},
        {"seed", required_argument, NULL, O_SEED},
        {"log", required_argument, NULL, O_LOG},         {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct fb_config cfg = {
        .port = 0, .clock = {.real = true, .start_ms = 0, .speed = 1.0},
        .weight_limit = 6000, .ban_after = 3, .hang_after = -1, .seed = 1,
    };
    const char *data_dir = NULL;
    static struct fb_gap gaps[FB_MAX_GAPS];
    size_t ngaps = 0;
    struct mt_err err = {0};
    int64_t x;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case O_DATA: data_dir = optarg; break;
        case O_PORT:
            bad = parse_i64("--port", optarg, 0, 65535, &x);
            cfg.port = (uint16_t)x;
            break;
        case O_CLOCK: bad = parse_clock(optarg, &cfg.clock); break;
        case O_WLIMIT: bad = parse_i64("--weight-limit", optarg, 1, INT64_C(1) << 40, &cfg.weight_limit); break;
        case O_BAN: bad = parse_i64("--ban-after", optarg, 0, INT64_C(1) << 40, &cfg.ban_after); break;
        case O_LAT: bad = parse_i64("--latency-ms", optarg, 0, 600000, &cfg.latency_ms); break;
        case O_HANG: bad = parse_i64("--hang-after", optarg, 0, INT64_MAX, &cfg.hang_after); break;
        case O_5XX: bad = parse_share("--fail-5xx", optarg, &cfg.fail_5xx); break;
        case O_MAL: bad = parse_share("--malformed", optarg, &cfg.malformed); break;
        case O_TRUNC: bad = parse_share("--truncate", optarg, &cfg.truncate); break;
        case O_DROP: bad = parse_share("--drop", optarg, &cfg.drop); break;
        case O_GAP:
            if (ngaps == FB_MAX_GAPS) {
                fprintf(stderr, "mt-fakebinance: at most %d --gap options\n", FB_MAX_GAPS);
                return 2;
            }
            if (fb_gap_parse(optarg, &gaps[ngaps], &err) < 0) {
                fprintf(stderr, "mt-fakebinance: --gap: %s\n", err.msg);
                return 2;
            }
            ngaps++;
            break;
        case O_SEED:
            bad = parse_i64("--seed", optarg, 0, INT64_MAX, &x);
            cfg.seed = (uint64_t)x;
            break;
        case O_LOG: cfg.log_path = optarg; break;
        case O_HELP: fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
        if (bad)
            return 2;
    }
    if (optind != argc || !data_dir) {
        fputs(usage, stderr);
        return 2;
    }
    if (cfg.fail_5xx + cfg.malformed + cfg.truncate + cfg.drop > 1.0) {
        fprintf(stderr, "mt-fakebinance: fault shares add up to more than 1\n");
        return 2;
    }
    struct fb_data data;
    if (fb_data_load(&data, data_dir, gaps, ngaps, &err) < 0) {
        fprintf(stderr, "mt-fakebinance: %s\n", err.msg);
        return 1;
    }
    /* Block the stop signals in every thread (MHD's inherit the mask); main waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct fb_server server;
    if (fb_server_start(&server, &data, &cfg, &err) < 0) {
        fprintf(stderr, "mt-fakebinance: %s\n", err.msg);
        fb_data_release(&data);
        return 1;
    }
    printf("listening on http://127.0.0.1:%u\n", (unsigned)server.port);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fb_server_stop(&server);
    fb_data_release(&data);
    return 0;
}
