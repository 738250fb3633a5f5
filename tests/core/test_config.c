#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "testutil.h"

struct sample {
    char data_dir[64];
    int64_t workers;
    double share;
    bool live;
};

static const struct mt_cfg_field limits_schema[] = {
    {"workers", MT_CFG_INT, offsetof(struct sample, workers), 0, 1, 64, NULL, 0, 0},
    {"share", MT_CFG_DOUBLE, offsetof(struct sample, share), 0, 0.0, 1.0, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static const struct mt_cfg_field schema[] = {
    {"data_dir", MT_CFG_STRING, offsetof(struct sample, data_dir), 64, 0, 0, NULL, 0, 0},
    {"live", MT_CFG_BOOL, offsetof(struct sample, live), 0, 0, 0, NULL, 0, 0},
    {"limits", MT_CFG_OBJECT, 0, 0, 0, 0, limits_schema, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static int apply(const char *json, struct sample *s, struct mt_err *err)
{
    struct sample defaults = {"data", 4, 0.8, false};
    *s = defaults;
    return mt_config_apply_json(json, strlen(json), "cfg.json", schema, s, err);
}

static void values_and_defaults(void **state)
{
    (void)state;
    struct sample s;
    struct mt_err err = {0};
    assert_int_equal(apply("{\"data_dir\": \"/srv/md\", \"limits\": {\"share\": 0.5}}", &s, &err), 0);
    assert_string_equal(s.data_dir, "/srv/md");
    assert_int_equal(s.workers, 4);
    tu_assert_same_double(s.share, 0.5);
    assert_false(s.live);
    assert_int_equal(apply("{\"live\": true, \"limits\": {\"workers\": 64}}", &s, &err), 0);
    assert_true(s.live);
    assert_int_equal(s.workers, 64);
}

static void clear_errors(void **state)
{
    (void)state;
    struct sample s;
    struct mt_err err = {0};
    assert_int_equal(apply("{\"limits\": {\"wrokers\": 2}}", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg,
                        "cfg.json: unknown key 'limits.wrokers' (known keys here: workers, share)");
    assert_int_equal(apply("{\"live\": \"yes\"}", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'live' must be true or false, not a string");
    assert_int_equal(apply("{\"limits\": {\"workers\": 2.5}}", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg,
                        "cfg.json: 'limits.workers' is 2.5, expected an integer from 1 to 64");
    assert_int_equal(apply("{\"limits\": {\"share\": 1.5}}", &s, &err), MT_ECONFIG);
    assert_non_null(strstr(err.msg, "expected a number from 0 to 1"));
    assert_int_equal(apply("{\n  \"live\": true,\n  oops\n}", &s, &err), MT_ECONFIG);
    assert_non_null(strstr(err.msg, "cfg.json: invalid JSON near line 3, column "));
    assert_int_equal(apply("[1]", &s, &err), MT_ECONFIG);
    assert_non_null(strstr(err.msg, "must be a JSON object, not an array"));
    char long_dir[200];
    memset(long_dir, 'a', sizeof long_dir);
    long_dir[199] = '\0';
    char json[300];
    snprintf(json, sizeof json, "{\"data_dir\": \"%s\"}", long_dir);
    assert_int_equal(apply(json, &s, &err), MT_ECONFIG);
    assert_non_null(strstr(err.msg, "at most 63 allowed"));
}

static void trailing_text_and_nul(void **state)
{
    (void)state;
    struct sample s;
    struct mt_err err = {0};
    assert_int_equal(apply("{\"live\": true}\n  \n", &s, &err), 0);
    assert_int_equal(apply("{\"live\": true}\n{\"live\": false}", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: unexpected text after the JSON value, at line 2, column 1");
    assert_int_equal(apply("{\"live\": true} x", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: unexpected text after the JSON value, at line 1, column 16");
    assert_int_equal(apply("{\"data_dir\": \"/srv/st\\u0000ore\"}", &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: a NUL character (\\u0000 or a zero byte) is not allowed, at line 1, "
                                 "column 22");
    /* an escaped backslash before u0000 is the text "\u0000", not a NUL */
    assert_int_equal(apply("{\"data_dir\": \"a\\\\u0000\"}", &s, &err), 0);
    assert_string_equal(s.data_dir, "a\\u0000");
    static const char raw[] = "{\"data_dir\": \"a\0b\"}";
    assert_int_equal(mt_config_apply_json(raw, sizeof raw - 1, "cfg.json", schema, &s, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: a NUL character (\\u0000 or a zero byte) is not allowed, at line 1, "
                                 "column 16");
    static const char raw_after[] = "{}\0";
    assert_int_equal(mt_config_apply_json(raw_after, sizeof raw_after - 1, "cfg.json", schema, &s, &err),
                     MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: unexpected text after the JSON value, at line 1, column 3");
}

/* A target with an array of up to 3 items. */
struct item {
    char name[8];
    int64_t n;
    int64_t slots;
};

struct list {
    int64_t version;
    size_t n_items;
    struct item items[3];
};

static const struct mt_cfg_field item_schema[] = {
    {"name", MT_CFG_STRING, offsetof(struct item, name), 8, 0, 0, NULL, 0, 0},
    {"n", MT_CFG_INT, offsetof(struct item, n), 0, 1, 9, NULL, 0, 0},
    {"slots", MT_CFG_INT_AUTO, offsetof(struct item, slots), 0, 0, 100, NULL, 0, 0},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static const struct mt_cfg_field list_schema[] = {
    {"version", MT_CFG_INT, offsetof(struct list, version), 0, 1, 5, NULL, 0, 0},
    {"items", MT_CFG_ARRAY, offsetof(struct list, items), sizeof(struct item), 0, 0, item_schema,
     offsetof(struct list, n_items), 3},
    {NULL, 0, 0, 0, 0, 0, NULL, 0, 0},
};

static int apply_list(const char *json, struct list *l, struct mt_err *err)
{
    *l = (struct list){.version = 1, .n_items = 0, .items = {{"dflt", 4, 7}, {"dflt", 4, 7}, {"dflt", 4, 7}}};
    return mt_config_apply_json(json, strlen(json), "cfg.json", list_schema, l, err);
}

static void array_of_objects(void **state)
{
    (void)state;
    struct list l;
    struct mt_err err = {0};
    assert_int_equal(apply_list("{\"version\": 2}", &l, &err), 0);
    assert_int_equal(l.n_items, 0);
    assert_int_equal(apply_list("{\"items\": []}", &l, &err), 0);
    assert_int_equal(l.n_items, 0);
    assert_int_equal(apply_list("{\"items\": [{\"name\": \"a\", \"n\": 2}, {}, {\"slots\": \"auto\", \"n\": 9}]}",
                                &l, &err),
                     0);
    assert_int_equal(l.n_items, 3);
    assert_string_equal(l.items[0].name, "a");
    assert_int_equal(l.items[0].n, 2);
    assert_int_equal(l.items[0].slots, 7); /* absent: the slot's default */
    assert_string_equal(l.items[1].name, "dflt");
    assert_int_equal(l.items[1].n, 4);
    assert_true(l.items[2].slots == MT_CFG_AUTO);
    assert_int_equal(l.items[2].n, 9);
    assert_int_equal(apply_list("{\"items\": [{\"slots\": 100}, {\"slots\": 0}]}", &l, &err), 0);
    assert_int_equal(l.n_items, 2);
    assert_int_equal(l.items[0].slots, 100);
    assert_int_equal(l.items[1].slots, 0);
}

static void array_errors(void **state)
{
    (void)state;
    struct list l;
    struct mt_err err = {0};
    assert_int_equal(apply_list("{\"items\": [{}, {\"nmae\": \"x\"}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: unknown key 'items[1].nmae' (known keys here: name, n, slots)");
    assert_int_equal(apply_list("{\"items\": [{}, {}, {\"n\": 0}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[2].n' is 0, expected an integer from 1 to 9");
    assert_int_equal(apply_list("{\"items\": [{\"name\": 3}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].name' must be a string, not a number");
    assert_int_equal(apply_list("{\"items\": [{\"name\": \"eightchr\"}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].name' is 8 characters long, at most 7 allowed");
    assert_int_equal(apply_list("{\"items\": {\"name\": \"a\"}}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items' must be an array of objects, not an object");
    assert_int_equal(apply_list("{\"items\": [{}, 7]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[1]' must be an object, not a number");
    assert_int_equal(apply_list("{\"items\": [{}, {}, {}, {}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items' has 4 elements, at most 3 allowed");
    assert_int_equal(l.n_items, 0); /* nothing applied */
    assert_int_equal(apply_list("{\"items\": [{\"slots\": true}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].slots' must be an integer or \"auto\", not a boolean");
    assert_int_equal(apply_list("{\"items\": [{\"slots\": \"many\"}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].slots' is \"many\", expected an integer from 0 to 100 or \"auto\"");
    assert_int_equal(apply_list("{\"items\": [{\"slots\": 101}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].slots' is 101, expected an integer from 0 to 100 or \"auto\"");
    assert_int_equal(apply_list("{\"items\": [{\"slots\": 1.5}]}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: 'items[0].slots' is 1.5, expected an integer from 0 to 100 or \"auto\"");
    /* an unknown top-level key lists the array among the known ones */
    assert_int_equal(apply_list("{\"itmes\": []}", &l, &err), MT_ECONFIG);
    assert_string_equal(err.msg, "cfg.json: unknown key 'itmes' (known keys here: version, items)");
}

static void load_file(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp();
    char path[512];
    snprintf(path, sizeof path, "%s/c.json", dir);
    struct sample s = {"x", 1, 0, false};
    struct mt_err err = {0};
    assert_int_equal(mt_config_load_file(path, schema, &s, &err), MT_ENOENT);
    assert_non_null(strstr(err.msg, path));
    const char *text = "{\"data_dir\": \"d2\"}";
    tu_write_file(path, text, strlen(text));
    assert_int_equal(mt_config_load_file(path, schema, &s, &err), 0);
    assert_string_equal(s.data_dir, "d2");
    /* a FIFO without a writer fails at once instead of blocking */
    char fifo[512], msg[600];
    snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(mt_config_load_file(fifo, schema, &s, &err), MT_EIO);
    snprintf(msg, sizeof msg, "%s is a FIFO, expected a regular file", fifo);
    assert_string_equal(err.msg, msg);
    assert_int_equal(mt_config_load_file(dir, schema, &s, &err), MT_EIO);
    snprintf(msg, sizeof msg, "%s is a folder, expected a regular file", dir);
    assert_string_equal(err.msg, msg);
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_and_defaults),
        cmocka_unit_test(clear_errors),
        cmocka_unit_test(trailing_text_and_nul),
        cmocka_unit_test(array_of_objects),
        cmocka_unit_test(array_errors),
        cmocka_unit_test(load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
