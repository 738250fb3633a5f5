#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Longest request URI and headers accepted (MHD answers 414/431 beyond). */
#define FB_CONN_MEMORY ((size_t)32 * 1024)
/* Longest path?query written to the log. */
#define FB_LOG_TARGET_MAX 1024
/* One thread per connection: --latency-ms delays one answer, never others. */
#define FB_MAX_CONNECTIONS 256

int64_t fb_clock_now(const struct fb_clock *c)
{
    if (c->real)
        return mt_clock_now(c->base);
    return c->start_ms + (int64_t)((double)(mt_clock_mono(c->base) - c->mono0) * c->speed);
}

struct target {
    char text[FB_LOG_TARGET_MAX];
    size_t len;
    int nargs;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    struct target *t = cls;
    if (t->len < sizeof t->text) {
        int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%c%s=%s",
                         t->nargs ? '&' : '?', key, value ? value : "");
        t->len += n > 0 ? (size_t)n : 0;
    }
    t->nargs++;
    return MHD_YES;
}

/* A body whose announced length is longer than what is sent: the reader
 * ends with an error at `cut`, which makes MHD close the connection. */
struct cut_body {
    char *data;
    size_t cut;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct cut_body *c = cls;
    if (pos >= c->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = c->cut - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, c->data + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls)
{
    struct cut_body *c = cls;
    free(c->data);
    free(c);
}

static void log_line(struct fb_server *s, const char *method, const char *url,
                     const struct target *t, int status, int64_t weight, int64_t used,
                     enum fb_fault fault)
{
    if (!s->log)
        return;
    pthread_mutex_lock(&s->log_mu);
    fprintf(s->log, "%lld %s %s%s %d %lld %lld %s\n", (long long)mt_clock_now(s->clock.base), method, url, t->text,
            status, (long long)weight, (long long)used, fb_fault_name(fault));
    fflush(s->log);
    pthread_mutex_unlock(&s->log_mu);
}

/* --hang-after: past the first hang_after requests, holds the connection
 * open without an answer until the server stops (a dead exchange that still
 * accepts connections). True when the request hung. */
static bool hang(struct fb_server *s)
{
    if (s->hang_after < 0)
        return false;
    pthread_mutex_lock(&s->hang_mu);
    bool hung = ++s->requests > s->hang_after;
    while (hung && !s->stopping)
        pthread_cond_wait(&s->hang_cv, &s->hang_mu);
    pthread_mutex_unlock(&s->hang_mu);
    return hung;
}

static const char *const internal_error =
    "{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}";

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)req_cls;
    struct fb_server *s = cls;
    struct target t = {.len = 0, .nargs = 0};
    t.text[0] = '\0';
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &t);
    struct fb_params p = {
        .symbol = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "symbol"),
        .symbols = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "symbols"),
        .interval = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "interval"),
        .start_time = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "startTime"),
        .end_time = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "endTime"),
        .limit = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit"),
        .type = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "type"),
    };
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int route = get ? fb_route_find(url) : -1;
    int64_t weight = route >= 0 ? fb_route_weight(route, &p) : 0;
    int64_t used = 0, retry = 0;
    enum fb_verdict v = fb_limiter_charge(&s->limiter, weight, mt_clock_now(s->clock.base), &used, &retry);
    enum fb_fault fault = v == FB_ALLOW ? fb_faults_pick(&s->faults) : FB_FAULT_NONE;
    if (hang(s)) {
        log_line(s, method, url, &t, 0, weight, used, FB_FAULT_NONE);
        return MHD_NO;
    }
    /* network latency is real time whatever the base clock */
    mt_clock_sleep(mt_clock_wall(), s->latency_ms);
    if (fault == FB_FAULT_DROP) {
        log_line(s, method, url, &t, 0, weight, used, fault);
        return MHD_NO;
    }
    struct fb_buf body;
    fb_buf_init(&body);
    int status;
    if (v == FB_LIMITED) {
        status = 429;
        fb_buf_printf(&body,
                      "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is "
                      "%lld request weight per 1 MINUTE. Please use WebSocket Streams for live "
                      "updates to avoid polling the API.\"}",
                      (long long)s->routes.weight_limit);
    } else if (v == FB_BANNED) {
        status = 418;
        fb_buf_printf(&body,
                      "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until "
                      "%lld. Please use WebSocket Streams for live updates to avoid bans.\"}",
                      (long long)(mt_clock_now(s->clock.base) + retry * 1000));
    } else if (fault == FB_FAULT_500 || fault == FB_FAULT_502) {
        status = fault == FB_FAULT_500 ? 500 : 502;
        fb_buf_printf(&body, "%s", internal_error);
    } else if (fault == FB_FAULT_503) {
        status = 503;
        fb_buf_printf(&body, "{\"code\":-1008,\"msg\":\"Server is currently overloaded with other "
                             "requests. Please try again in a few minutes.\"}");
    } else if (!get) {
        status = 405;
        fb_buf_printf(&body, "{\"code\":-1000,\"msg\":\"Method not allowed.\"}");
    } else if (route < 0) {
        status = 404;
        fb_buf_printf(&body, "<html><body><h1>404 Not Found</h1></body></html>");
    } else {
        status = fb_route_run(&s->routes, route, &p, fb_clock_now(&s->clock), &body);
    }
    if (body.failed || body.len == 0) {
        fb_buf_reset(&body);
        status = 500;
        fb_buf_printf(&body, "%s", internal_error);
    }
    if (fault == FB_FAULT_MALFORMED)
        body.data[body.len - 1] = ','; /* drops the closing bracket: never valid JSON */
    size_t len = body.len;
    if (fault == FB_FAULT_TRUNC_SHORT)
        len = body.len / 2;
    struct MHD_Response *resp = NULL;
    if (fault == FB_FAULT_TRUNC_CLOSE) {
        struct cut_body *c = malloc(sizeof *c);
        if (c) {
            c->data = body.data;
            c->cut = body.len / 2;
            resp = MHD_create_response_from_callback(body.len, 4096, cut_reader, c, cut_free);
            if (resp)
                fb_buf_init(&body); /* owned by the response now */
            else
                free(c);
        }
    } else {
        resp = MHD_create_response_from_buffer(len, body.data, MHD_RESPMEM_MUST_COPY);
    }
    fb_buf_release(&body);
    if (!resp) {
        log_line(s, method, url, &t, 0, weight, used, FB_FAULT_DROP);
        return MHD_NO;
    }
    char num[32];
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            status == 404 ? "text/html" : "application/json;charset=UTF-8");
    snprintf(num, sizeof num, "%lld", (long long)used);
    MHD_add_response_header(resp, "X-MBX-USED-WEIGHT-1M", num);
    MHD_add_response_header(resp, "X-MBX-USED-WEIGHT", num);
    if (v != FB_ALLOW) {
        snprintf(num, sizeof num, "%lld", (long long)retry);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
    }
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    log_line(s, method, url, &t, status, weight, used, fault);
    return rc;
}

int fb_server_start(struct fb_server *s, const struct fb_data *data, const struct fb_config *cfg,
                    struct mt_err *err)
{
    memset(s, 0, sizeof *s);
    s->routes.data = data;
    s->routes.weight_limit = cfg->weight_limit;
    s->clock = cfg->clock;
    s->clock.base = mt_clock_or_wall(cfg->clock.base);
    s->clock.mono0 = mt_clock_mono(s->clock.base);
    s->latency_ms = cfg->latency_ms;
    s->hang_after = cfg->hang_after;
    pthread_mutex_init(&s->hang_mu, NULL);
    pthread_cond_init(&s->hang_cv, NULL);
    if (cfg->log_path) {
        s->log = fopen(cfg->log_path, "a");
        if (!s->log) {
            pthread_cond_destroy(&s->hang_cv);
            pthread_mutex_destroy(&s->hang_mu);
            return mt_err_set(err, MT_EIO, "cannot open log file '%s': %s", cfg->log_path,
                              strerror(errno));
        }
    }
    pthread_mutex_init(&s->log_mu, NULL);
    fb_limiter_init(&s->limiter, cfg->weight_limit, cfg->ban_after);
    fb_faults_init(&s->faults, cfg->seed, cfg->drop, cfg->fail_5xx, cfg->malformed, cfg->truncate);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons(cfg->port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, cfg->port,
                                 NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)FB_MAX_CONNECTIONS,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, FB_CONN_MEMORY,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (!s->daemon) {
        int rc = mt_err_set(err, MT_EIO, "cannot listen on 127.0.0.1:%u", (unsigned)cfg->port);
        fb_server_stop(s);
        return rc;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return 0;
}

void fb_server_stop(struct fb_server *s)
{
    pthread_mutex_lock(&s->hang_mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->hang_cv);
    pthread_mutex_unlock(&s->hang_mu);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
    fb_limiter_release(&s->limiter);
    fb_faults_release(&s->faults);
    pthread_mutex_destroy(&s->log_mu);
    pthread_cond_destroy(&s->hang_cv);
    pthread_mutex_destroy(&s->hang_mu);
    if (s->log)
        fclose(s->log);
    s->log = NULL;
}
