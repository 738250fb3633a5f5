/* JSON configuration loading against a schema.
 *
 * A schema is a table of fields (key, type, where in the target struct, valid
 * range); nested objects have their own table. Loading rejects unknown keys
 * (listing the known ones), wrong types and out-of-range values with a message
 * that names the source file, the dotted key path and what was expected. Keys
 * absent from the JSON keep the target's current (default) values. An array
 * of objects fills the elements of a caller array of fixed capacity (each
 * parsed with the element's table, its keys named "key[i].child" in
 * messages) and stores their count. */
#ifndef MT_CORE_CONFIG_H
#define MT_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Largest config file accepted. */
#define MT_CONFIG_MAX_BYTES ((size_t)1 << 20)

enum mt_cfg_type {
    MT_CFG_STRING,  /* char array of `size` bytes inside the target */
    MT_CFG_INT,     /* int64_t, checked against [min, max] */
    MT_CFG_DOUBLE,  /* double, checked against [min, max] */
    MT_CFG_BOOL,    /* bool */
    MT_CFG_OBJECT,  /* nested object described by `children` (same target) */
    MT_CFG_ARRAY,   /* array of objects, each described by `children` (target: the element) */
    MT_CFG_INT_AUTO, /* int64_t as MT_CFG_INT, or the string "auto" stored as MT_CFG_AUTO */
};

/* What MT_CFG_INT_AUTO stores for "auto". */
#define MT_CFG_AUTO INT64_MIN

struct mt_cfg_field {
    const char *key;
    enum mt_cfg_type type;
    size_t offset;   /* offsetof the value in the target struct; ARRAY: of its first element */
    size_t size;     /* STRING: size of the char array; ARRAY: size of one element */
    double min, max; /* INT/DOUBLE/INT_AUTO: inclusive range */
    const struct mt_cfg_field *children; /* OBJECT, ARRAY: table ending with key NULL */
    size_t count_offset; /* ARRAY: offsetof the size_t element count in the target */
    size_t capacity;     /* ARRAY: most elements; slot i of the target array is the i-th
                            element's starting (default) value */
};

/* Applies the JSON text to target following schema (a table ending with a
 * NULL key). source names the text in messages (e.g. the file path). On error
 * target may hold some applied values; callers load into a copy. */
int mt_config_apply_json(const char *json, size_t len, const char *source,
                         const struct mt_cfg_field *schema, void *target, struct mt_err *err);

struct cJSON;

/* Parses JSON text into *out (free with cJSON_Delete). On a syntax error
 * returns MT_ECONFIG "SOURCE: invalid JSON near line L, column C"; text after
 * the value (other than white space) and NUL characters (a zero byte, or a
 * \u0000 escape, which would cut a string short) are errors naming the line
 * and column too. */
int mt_json_parse(const char *json, size_t len, const char *source, struct cJSON **out, struct mt_err *err);

/* "an object", "a string", ... for messages. */
const char *mt_json_type_name(const struct cJSON *item);

/* Reads the file at path (at most MT_CONFIG_MAX_BYTES) and applies it as
 * mt_config_apply_json. A missing file gives MT_ENOENT. */
int mt_config_load_file(const char *path, const struct mt_cfg_field *schema, void *target,
                        struct mt_err *err);

#endif
