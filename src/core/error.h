/* Error codes and the error context every library function reports into.
 *
 * Library code never prints: it returns a negative MT_E... code and writes a
 * human message (lower-case, naming the file/symbol/field and what was expected)
 * into the struct mt_err it was given. Only cli/ prints it. */
#ifndef MT_CORE_ERROR_H
#define MT_CORE_ERROR_H

#include <stddef.h>

/* X(name, value, description) */
#define MT_ERROR_TABLE(X)                                                   \
    X(MT_OK, 0, "ok")                                                       \
    X(MT_ENOMEM, -1, "out of memory")                                       \
    X(MT_EINVAL, -2, "invalid argument")                                    \
    X(MT_EIO, -3, "input/output error")                                     \
    X(MT_ENOENT, -4, "no such file or entry")                               \
    X(MT_EFORMAT, -5, "malformed input")                                    \
    X(MT_EUNSUPPORTED, -6, "unsupported feature")                           \
    X(MT_ERANGE, -7, "value out of range")                                  \
    X(MT_ELIMIT, -8, "size limit exceeded")                                 \
    X(MT_ECONFIG, -9, "bad configuration")                                  \
    X(MT_EUSAGE, -10, "bad usage")                                          \
    X(MT_ECHECKSUM, -11, "checksum mismatch")                               \
    X(MT_EDATA, -12, "invalid market data")                                 \
    X(MT_EBANNED, -13, "ip banned by the exchange")

enum mt_error_code {
#define MT_ERROR_ENUM(name, value, desc) name = value,
    MT_ERROR_TABLE(MT_ERROR_ENUM)
#undef MT_ERROR_ENUM
};

#define MT_ERR_MSG_MAX 1024

/* Error context: the first failing function fills it; callers may prefix
 * context with mt_err_prefix(). Zero-initialise (or mt_err_clear) before use. */
struct mt_err {
    int code;                  /* 0 or a negative MT_E... code */
    char msg[MT_ERR_MSG_MAX];  /* human message, never NULL-terminated-less */
};

/* Returns the static description of an MT_E... code ("unknown error" for others). */
const char *mt_strerror(int code);

/* Resets the context to "no error". err may be NULL. */
void mt_err_clear(struct mt_err *err);

/* Records code and a printf-style message in err (err may be NULL) and returns
 * code, so callers can write `return mt_err_set(err, MT_EFORMAT, "...", ...)`. */
int mt_err_set(struct mt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "<prefix>: " to the message already in err (no-op when err is NULL
 * or holds no error). Returns err->code (or MT_OK). */
int mt_err_prefix(struct mt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
