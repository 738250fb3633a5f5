/* HTTP client without a server: base-URL normalisation and checks, URLs
 * shown without credentials or queries, and api keys never sent over plain
 * http to a host that is not loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "exchange/http.h"

static void assert_base(const char *in, const char *want)
{
    char out[MT_HTTP_URL_MAX];
    struct mt_err err = {0};
    if (mt_http_base_url(in, out, sizeof out, &err))
        fail_msg("%s: %s", in, err.msg);
    assert_string_equal(out, want);
}

static void assert_bad_base(const char *in, const char *msg)
{
    char out[MT_HTTP_URL_MAX];
    struct mt_err err = {0};
    assert_int_equal(mt_http_base_url(in, out, sizeof out, &err), MT_EINVAL);
    assert_string_equal(err.msg, msg);
}

static void test_base_url(void **state)
{
    (void)state;
    assert_base("https://api.binance.com", "https://api.binance.com");
    assert_base("https://api.binance.com/", "https://api.binance.com");
    assert_base("HTTPS://api.binance.com///", "https://api.binance.com");
    assert_base("http://127.0.0.1:8080/", "http://127.0.0.1:8080");
    assert_base("http://[::1]:8080/proxy/", "http://[::1]:8080/proxy");
    assert_base("http://u:p@localhost:1/", "http://u:p@localhost:1");
    assert_bad_base("ftp://api.binance.com", "base url 'ftp://api.binance.com': expected http:// or https://");
    assert_bad_base("api.binance.com", "base url 'api.binance.com': expected http:// or https://");
    assert_bad_base("https://", "base url 'https://': expected a host and an optional port 1..65535");
    assert_bad_base("https://:443", "base url 'https://:443': expected a host and an optional port 1..65535");
    assert_bad_base("http://host:0", "base url 'http://host:0': expected a host and an optional port 1..65535");
    assert_bad_base("http://host:99999", "base url 'http://host:99999': expected a host and an optional port 1..65535");
    assert_bad_base("http://host:80x", "base url 'http://host:80x': expected a host and an optional port 1..65535");
    assert_bad_base("http://[::1", "base url 'http://[::1': expected a host and an optional port 1..65535");
    assert_bad_base("http://user:secret@host/a?k=v",
                    "base url 'http://***@host/a': expected scheme://host[:port][/path] without spaces, control "
                    "characters, query or fragment");
    assert_bad_base("http://ho st", "base url 'http://ho st': expected scheme://host[:port][/path] without spaces, "
                                    "control characters, query or fragment");
}

static void test_redact_and_loopback(void **state)
{
    (void)state;
    char out[MT_HTTP_URL_MAX];
    assert_string_equal(mt_http_url_redact("https://user:pw@host:1/p?signature=abc", out, sizeof out),
                        "https://***@host:1/p");
    assert_string_equal(mt_http_url_redact("https://a@b@host/x", out, sizeof out), "https://***@host/x");
    assert_string_equal(mt_http_url_redact("https://host/x#frag", out, sizeof out), "https://host/x");
    assert_string_equal(mt_http_url_redact("host", out, sizeof out), "host");
    assert_true(mt_http_url_loopback("http://127.0.0.1:9000"));
    assert_true(mt_http_url_loopback("http://127.200.3.4/x"));
    assert_true(mt_http_url_loopback("http://LOCALHOST"));
    assert_true(mt_http_url_loopback("http://[::1]:80"));
    assert_true(mt_http_url_loopback("http://k:s@127.0.0.1"));
    assert_false(mt_http_url_loopback("http://128.0.0.1"));
    assert_false(mt_http_url_loopback("http://127.0.0.1.example.com"));
    assert_false(mt_http_url_loopback("http://localhost.example.com"));
    assert_false(mt_http_url_loopback("http://example.com/127.0.0.1"));
    assert_false(mt_http_url_loopback("http://127.0.0.1@example.com"));
    assert_false(mt_http_url_loopback("http://[::2]"));
}

/* Inits a client of base with api key key; returns the init's code. */
static int init_keyed(const char *base, const char *key, struct mt_err *err)
{
    struct mt_gov gov;
    struct mt_gov_config gc;
    mt_gov_config_default(&gc);
    assert_int_equal(mt_gov_init(&gov, &gc, err), 0);
    struct mt_http_config cfg;
    mt_http_config_default(&cfg);
    snprintf(cfg.base_url, sizeof cfg.base_url, "%s", base);
    snprintf(cfg.api_key, sizeof cfg.api_key, "%s", key);
    struct mt_http h;
    int rc = mt_http_init(&h, &cfg, &gov, err);
    if (rc == 0) {
        assert_string_equal(h.cfg.base_url, base[strlen(base) - 1] == '/' ? "https://api.binance.com" : base);
        mt_http_release(&h);
    }
    mt_gov_release(&gov);
    return rc;
}

static void test_keys_only_encrypted_or_loopback(void **state)
{
    (void)state;
    struct mt_err err = {0};
    assert_int_equal(init_keyed("http://api.binance.com", "KEY", &err), MT_EINVAL);
    assert_string_equal(err.msg, "base url 'http://api.binance.com': refusing to send an api key over plain http "
                                 "to a host that is not loopback (127.0.0.0/8, ::1, localhost): use https://");
    assert_int_equal(init_keyed("http://u:pw@10.0.0.1:80", "KEY", &err), MT_EINVAL);
    assert_null(strstr(err.msg, "pw"));
    assert_int_equal(init_keyed("http://127.0.0.1:9", "KEY", &err), 0);
    assert_int_equal(init_keyed("http://localhost:9", "KEY", &err), 0);
    assert_int_equal(init_keyed("http://[::1]:9", "KEY", &err), 0);
    assert_int_equal(init_keyed("https://api.binance.com/", "KEY", &err), 0);
    /* no key: plain http anywhere (public market data) */
    assert_int_equal(init_keyed("http://api.binance.com", "", &err), 0);
    assert_int_equal(init_keyed("ftp://api.binance.com", "", &err), MT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_redact_and_loopback),
        cmocka_unit_test(test_keys_only_encrypted_or_loopback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
