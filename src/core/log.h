/* Levelled logging to stderr. The one global state of the program: cli/
 * configures it once (mt_log_set_level); library code may log at debug/info
 * level for diagnostics but reports failures through struct mt_err. */
#ifndef MT_CORE_LOG_H
#define MT_CORE_LOG_H

#include "core/error.h"

enum mt_log_level {
    MT_LOG_ERROR = 0,
    MT_LOG_WARN = 1,
    MT_LOG_INFO = 2,
    MT_LOG_DEBUG = 3,
};

/* Messages above `level` are dropped. Default MT_LOG_INFO. Not thread-safe;
 * call before starting threads. */
void mt_log_set_level(enum mt_log_level level);

enum mt_log_level mt_log_get_level(void);

/* Parses "error", "warn", "info" or "debug". Returns 0 or MT_EINVAL. */
int mt_log_parse_level(const char *name, enum mt_log_level *out, struct mt_err *err);

/* Writes "<UTC time> <LEVEL> <message>\n" to stderr when level is enabled.
 * One fprintf per line, so lines from threads do not interleave. */
void mt_log(enum mt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define mt_log_error(...) mt_log(MT_LOG_ERROR, __VA_ARGS__)
#define mt_log_warn(...) mt_log(MT_LOG_WARN, __VA_ARGS__)
#define mt_log_info(...) mt_log(MT_LOG_INFO, __VA_ARGS__)
#define mt_log_debug(...) mt_log(MT_LOG_DEBUG, __VA_ARGS__)

#endif
