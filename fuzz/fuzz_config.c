/* Fuzz target: the schema-checked JSON config loader never crashes, leaks or
 * writes outside its target, whatever the input. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/config.h"

struct fuzz_target_cfg {
    char name[16];
    int64_t count;
    double share;
    bool flag;
};

static const struct mt_cfg_field inner[] = {
    {"count", MT_CFG_INT, offsetof(struct fuzz_target_cfg, count), 0, -1000, 1000, NULL},
    {"share", MT_CFG_DOUBLE, offsetof(struct fuzz_target_cfg, share), 0, 0, 1, NULL},
    {"inner", MT_CFG_OBJECT, 0, 0, 0, 0, inner},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

static const struct mt_cfg_field schema[] = {
    {"name", MT_CFG_STRING, offsetof(struct fuzz_target_cfg, name), 16, 0, 0, NULL},
    {"flag", MT_CFG_BOOL, offsetof(struct fuzz_target_cfg, flag), 0, 0, 0, NULL},
    {"limits", MT_CFG_OBJECT, 0, 0, 0, 0, inner},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_target_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    struct mt_err err = {0};
    mt_config_apply_json((const char *)data, size, "fuzz.json", schema, &cfg, &err);
    return 0;
}
