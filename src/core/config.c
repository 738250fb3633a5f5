#include "core/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fileio.h"

#define MT_CFG_MAX_DEPTH 8

const char *mt_json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

static const char *expected_name(enum mt_cfg_type t)
{
    switch (t) {
    case MT_CFG_STRING: return "a string";
    case MT_CFG_INT: return "an integer";
    case MT_CFG_DOUBLE: return "a number";
    case MT_CFG_BOOL: return "true or false";
    case MT_CFG_OBJECT: return "an object";
    case MT_CFG_ARRAY: return "an array of objects";
    case MT_CFG_INT_AUTO: return "an integer or \"auto\"";
    }
    return "?";
}

static const struct mt_cfg_field *find_field(const struct mt_cfg_field *schema, const char *key)
{
    for (const struct mt_cfg_field *f = schema; f->key; f++)
        if (strcmp(f->key, key) == 0)
            return f;
    return NULL;
}

static void known_keys(const struct mt_cfg_field *schema, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const struct mt_cfg_field *f = schema; f->key && used < size; f++) {
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", f->key);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int apply_object(const cJSON *obj, const char *source, const char *path,
                        const struct mt_cfg_field *schema, char *target, int depth,
                        struct mt_err *err);

/* Applies the JSON array arr of field f (at key_path) to the elements of
 * target's array and stores their count. */
static int apply_array(const cJSON *arr, const char *source, const char *key_path,
                       const struct mt_cfg_field *f, char *target, int depth, struct mt_err *err)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n > f->capacity)
        return mt_err_set(err, MT_ECONFIG, "%s: '%s' has %zu elements, at most %zu allowed", source,
                          key_path, n, f->capacity);
    size_t i = 0;
    for (const cJSON *el = arr->child; el; el = el->next, i++) {
        char el_path[256];
        snprintf(el_path, sizeof el_path, "%s[%zu]", key_path, i);
        if (!cJSON_IsObject(el))
            return mt_err_set(err, MT_ECONFIG, "%s: '%s' must be an object, not %s", source, el_path,
                              mt_json_type_name(el));
        int rc = apply_object(el, source, el_path, f->children, target + f->offset + i * f->size,
                              depth + 1, err);
        if (rc)
            return rc;
    }
    memcpy(target + f->count_offset, &n, sizeof n);
    return MT_OK;
}

/* Checks v (at key_path) against f's integer range into *out; `also` ends
 * the message ("" or " or \"auto\""). */
static int int_value(double v, const char *source, const char *key_path, const struct mt_cfg_field *f,
                     const char *also, int64_t *out, struct mt_err *err)
{
    if (v != floor(v) || v < f->min || v > f->max)
        return mt_err_set(err, MT_ECONFIG, "%s: '%s' is %g, expected an integer from %.0f to %.0f%s", source,
                          key_path, v, f->min, f->max, also);
    *out = (int64_t)v;
    return MT_OK;
}

static int apply_object(const cJSON *obj, const char *source, const char *path,
                        const struct mt_cfg_field *schema, char *target, int depth,
                        struct mt_err *err)
{
    if (depth > MT_CFG_MAX_DEPTH)
        return mt_err_set(err, MT_ECONFIG, "%s: '%s' is nested too deeply", source, path);
    for (const cJSON *item = obj->child; item; item = item->next) {
        char key_path[256];
        snprintf(key_path, sizeof key_path, "%s%s%s", path, *path ? "." : "", item->string);
        const struct mt_cfg_field *f = find_field(schema, item->string);
        if (!f) {
            char known[512];
            known_keys(schema, known, sizeof known);
            return mt_err_set(err, MT_ECONFIG, "%s: unknown key '%s' (known keys here: %s)",
                              source, key_path, known);
        }
        char *slot = target + f->offset;
        bool type_ok = true;
        switch (f->type) {
        case MT_CFG_STRING:
            if ((type_ok = cJSON_IsString(item))) {
                size_t n = strlen(item->valuestring);
                if (n >= f->size)
                    return mt_err_set(err, MT_ECONFIG,
                                      "%s: '%s' is %zu characters long, at most %zu allowed",
                                      source, key_path, n, f->size - 1);
                memcpy(slot, item->valuestring, n + 1);
            }
            break;
        case MT_CFG_INT:
            if ((type_ok = cJSON_IsNumber(item))) {
                int64_t iv = 0;
                int rc = int_value(item->valuedouble, source, key_path, f, "", &iv, err);
                if (rc)
                    return rc;
                memcpy(slot, &iv, sizeof iv);
            }
            break;
        case MT_CFG_INT_AUTO:
            if ((type_ok = cJSON_IsNumber(item) || cJSON_IsString(item))) {
                int64_t iv = MT_CFG_AUTO;
                if (cJSON_IsNumber(item)) {
                    int rc = int_value(item->valuedouble, source, key_path, f, " or \"auto\"", &iv, err);
                    if (rc)
                        return rc;
                } else if (strcmp(item->valuestring, "auto") != 0) {
                    return mt_err_set(err, MT_ECONFIG,
                                      "%s: '%s' is \"%.64s\", expected an integer from %.0f to %.0f or \"auto\"",
                                      source, key_path, item->valuestring, f->min, f->max);
                }
                memcpy(slot, &iv, sizeof iv);
            }
            break;
        case MT_CFG_DOUBLE:
            if ((type_ok = cJSON_IsNumber(item))) {
                double v = item->valuedouble;
                if (!(v >= f->min && v <= f->max))
                    return mt_err_set(err, MT_ECONFIG,
                                      "%s: '%s' is %g, expected a number from %g to %g", source,
                                      key_path, v, f->min, f->max);
                memcpy(slot, &v, sizeof v);
            }
            break;
        case MT_CFG_BOOL:
            if ((type_ok = cJSON_IsBool(item))) {
                bool b = cJSON_IsTrue(item);
                memcpy(slot, &b, sizeof b);
            }
            break;
        case MT_CFG_OBJECT:
            if ((type_ok = cJSON_IsObject(item))) {
                int rc = apply_object(item, source, key_path, f->children, target, depth + 1, err);
                if (rc)
                    return rc;
            }
            break;
        case MT_CFG_ARRAY:
            if ((type_ok = cJSON_IsArray(item))) {
                int rc = apply_array(item, source, key_path, f, target, depth, err);
                if (rc)
                    return rc;
            }
            break;
        }
        if (!type_ok)
            return mt_err_set(err, MT_ECONFIG, "%s: '%s' must be %s, not %s", source, key_path,
                              expected_name(f->type), mt_json_type_name(item));
    }
    return MT_OK;
}

/* Line and column (1-based) of byte offset `at` in text. */
static void line_col(const char *text, size_t at, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Offset of the first NUL in json: a raw NUL byte anywhere, or a \u0000
 * escape inside a string (cJSON decodes it into the string, which then ends
 * there). len when there is none. */
static size_t first_nul(const char *json, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (json[i] == '\0')
            return i;
        if (json[i] == '"') {
            in_string = !in_string;
        } else if (in_string && json[i] == '\\') {
            if (i + 5 < len && memcmp(json + i + 1, "u0000", 5) == 0)
                return i;
            i++; /* the escaped character */
        }
    }
    return len;
}

int mt_json_parse(const char *json, size_t len, const char *source, cJSON **out, struct mt_err *err)
{
    const char *end = NULL;
    unsigned line, col;
    *out = cJSON_ParseWithLengthOpts(json, len, &end, false);
    if (!*out) {
        line_col(json, end && end >= json ? (size_t)(end - json) : 0, &line, &col);
        return mt_err_set(err, MT_ECONFIG, "%s: invalid JSON near line %u, column %u", source, line, col);
    }
    size_t at = (size_t)(end - json);
    while (at < len && strchr(" \t\r\n", json[at]) && json[at])
        at++;
    const char *what = NULL;
    if (at < len) {
        what = "unexpected text after the JSON value";
    } else if ((at = first_nul(json, len)) < len) {
        what = "a NUL character (\\u0000 or a zero byte) is not allowed";
    }
    if (!what)
        return MT_OK;
    cJSON_Delete(*out);
    *out = NULL;
    line_col(json, at, &line, &col);
    return mt_err_set(err, MT_ECONFIG, "%s: %s, at line %u, column %u", source, what, line, col);
}

int mt_config_apply_json(const char *json, size_t len, const char *source,
                         const struct mt_cfg_field *schema, void *target, struct mt_err *err)
{
    cJSON *root;
    int rc = mt_json_parse(json, len, source, &root, err);
    if (rc)
        return rc;
    if (!cJSON_IsObject(root))
        rc = mt_err_set(err, MT_ECONFIG, "%s: the configuration must be a JSON object, not %s",
                        source, mt_json_type_name(root));
    else
        rc = apply_object(root, source, "", schema, target, 0, err);
    cJSON_Delete(root);
    return rc;
}

int mt_config_load_file(const char *path, const struct mt_cfg_field *schema, void *target,
                        struct mt_err *err)
{
    char *text;
    size_t len;
    int rc = mt_read_file(path, MT_CONFIG_MAX_BYTES, &text, &len, err);
    if (rc)
        return rc;
    rc = mt_config_apply_json(text, len, path, schema, target, err);
    free(text);
    return rc;
}
