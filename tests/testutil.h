/* Helpers shared by the unit tests (cmocka). */
#ifndef MT_TESTS_TESTUTIL_H
#define MT_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Path of a fixture file under tests/fixtures (from $MT_FIXTURES) in a static
 * buffer that the next call overwrites. Fails the test if MT_FIXTURES is unset. */
const char *tu_fixture(const char *name);

struct mt_series;
struct mt_position;
struct mt_metrics;

/* Asserts that two metrics are the same, bit for bit (NaN equals NaN). */
void tu_assert_same_metrics(const struct mt_metrics *m, const struct mt_metrics *w);

/* Asserts that two followed trades are the same, field by field, legs
 * included: doubles as values (NaN equals NaN; the sign of zero is not
 * compared, a journal does not keep it). */
void tu_assert_same_position(const struct mt_position *x, const struct mt_position *y);

/* The candles of the fixture file `name` (any format mt_import_read takes)
 * into *out (initialised here; the caller releases it); fails the test on error. */
void tu_fixture_series(const char *name, struct mt_series *out);

/* Creates a fresh temporary directory (under $TMPDIR or /tmp) and returns its
 * path in a heap buffer the caller frees after tu_rmtree. */
char *tu_mkdtemp(void);

/* Removes a directory tree (test clean-up). */
void tu_rmtree(const char *path);

/* Writes `size` bytes to path (creating or truncating); fails the test on error. */
void tu_write_file(const char *path, const void *data, size_t size);

/* Reads a whole file into a heap buffer (NUL-terminated; *size excludes it). */
char *tu_read_file(const char *path, size_t *size);

/* Asserts |a - b| <= tol, printing both values on failure. NaN equals NaN. */
#define tu_assert_close(a, b, tol) tu_assert_close_at((a), (b), (tol), __FILE__, __LINE__)
void tu_assert_close_at(double a, double b, double tol, const char *file, int line);

/* Asserts a and b are the same double bit for bit (so NaN == NaN, 0.0 != -0.0). */
#define tu_assert_same_double(a, b) tu_assert_same_double_at((a), (b), __FILE__, __LINE__)
void tu_assert_same_double_at(double a, double b, const char *file, int line);

/* A running mt-fakebinance started by a test. */
struct tu_server {
    int pid;
    char base[64]; /* "http://127.0.0.1:PORT" */
};

/* Starts $FB_EXE (the mt-fakebinance binary) with args (NULL-terminated, the
 * program name excluded), reads its "listening on" line and fills s. Fails
 * the test if it does not start. Under $MESON_EXE_WRAPPER when meson sets it
 * (a cross build's tests run under qemu-user). */
void tu_server_start(struct tu_server *s, const char *const *args);

/* Stops the server with SIGTERM and asserts it exited with status 0. */
void tu_server_stop(struct tu_server *s);

/* Asserts a and b hold the same rows and fields: open times equal, values
 * bit-identical (any NaN equals any NaN). */
struct mt_series;
struct mt_position;
struct mt_metrics;

/* Asserts that two metrics are the same, bit for bit (NaN equals NaN). */
void tu_assert_same_metrics(const struct mt_metrics *m, const struct mt_metrics *w);

/* Asserts that two followed trades are the same, field by field, legs
 * included: doubles as values (NaN equals NaN; the sign of zero is not
 * compared, a journal does not keep it). */
void tu_assert_same_position(const struct mt_position *x, const struct mt_position *y);
void tu_assert_series_same(const struct mt_series *a, const struct mt_series *b);

/* The same comparison as a value: true when a and b hold the same rows and fields. */
bool tu_series_same(const struct mt_series *a, const struct mt_series *b);

#endif
