#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"
#include "core/progress.h"

static void codes_and_messages(void **state)
{
    (void)state;
    assert_string_equal(mt_strerror(MT_OK), "ok");
    assert_string_equal(mt_strerror(MT_ECHECKSUM), "checksum mismatch");
    assert_string_equal(mt_strerror(-999), "unknown error");
    struct mt_err err;
    mt_err_clear(&err);
    assert_int_equal(mt_err_prefix(&err, "ignored"), MT_OK);
    assert_string_equal(err.msg, "");
    assert_int_equal(mt_err_set(&err, MT_EFORMAT, "row %d: bad '%s'", 7, "x"), MT_EFORMAT);
    assert_int_equal(mt_err_prefix(&err, "file %s", "a.csv"), MT_EFORMAT);
    assert_string_equal(err.msg, "file a.csv: row 7: bad 'x'");
    assert_int_equal(mt_err_set(NULL, MT_EIO, "no context"), MT_EIO);
}

static void log_levels(void **state)
{
    (void)state;
    enum mt_log_level l;
    assert_int_equal(mt_log_parse_level("debug", &l, NULL), 0);
    assert_int_equal(l, MT_LOG_DEBUG);
    struct mt_err err = {0};
    assert_int_equal(mt_log_parse_level("loud", &l, &err), MT_EINVAL);
    assert_non_null(strstr(err.msg, "'loud'"));
}

static void progress_bar_text(void **state)
{
    (void)state;
    char buf[128];
    mt_progress_render(buf, sizeof buf, "import", 5, 20, 3500);
    assert_string_equal(buf, "import [#######-----------------------] 5/20  25% 3s");
    struct mt_progress p;
    mt_progress_start(&p, "label", 10, false);
    assert_true((p.out != NULL) == (isatty(STDERR_FILENO) != 0)); /* silent unless a TTY */
    mt_progress_start(&p, "label", 10, true);
    assert_ptr_equal(p.out, stderr);
    mt_progress_finish(&p);
    assert_null(p.out);
    mt_progress_render(buf, sizeof buf, "x", 0, 0, 0);
    assert_string_equal(buf, "x [------------------------------] 0/0 100% 0s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_and_messages),
        cmocka_unit_test(log_levels),
        cmocka_unit_test(progress_bar_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
