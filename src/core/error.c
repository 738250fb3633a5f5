#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *mt_strerror(int code)
{
    switch (code) {
#define MT_ERROR_CASE(name, value, desc) \
    case value:                          \
        return desc;
        MT_ERROR_TABLE(MT_ERROR_CASE)
#undef MT_ERROR_CASE
    default:
        return "unknown error";
    }
}

void mt_err_clear(struct mt_err *err)
{
    if (err) {
        err->code = MT_OK;
        err->msg[0] = '\0';
    }
}

int mt_err_set(struct mt_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int mt_err_prefix(struct mt_err *err, const char *fmt, ...)
{
    if (!err || err->code == MT_OK)
        return MT_OK;
    char prefix[MT_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[MT_ERR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old);
    return err->code;
}
