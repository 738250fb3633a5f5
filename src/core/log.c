#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/time.h"

static enum mt_log_level log_level = MT_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void mt_log_set_level(enum mt_log_level level)
{
    log_level = level;
}

enum mt_log_level mt_log_get_level(void)
{
    return log_level;
}

int mt_log_parse_level(const char *name, enum mt_log_level *out, struct mt_err *err)
{
    for (int i = 0; i <= MT_LOG_DEBUG; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *out = (enum mt_log_level)i;
            return MT_OK;
        }
    }
    return mt_err_set(err, MT_EINVAL,
                      "unknown log level '%s': expected error, warn, info or debug", name);
}

void mt_log(enum mt_log_level level, const char *fmt, ...)
{
    if (level > log_level)
        return;
    char msg[2048], when[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* log lines are read against the user's real clock */
    mt_time_format(mt_clock_now(mt_clock_wall()) / 1000 * 1000, when, sizeof when);
    fprintf(stderr, "%s %-5s %s\n", when, level_names[level], msg);
}
