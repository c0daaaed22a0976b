/*
 * tests/unit/test_web_paths.c - where a form may send the browser next
 * (web_local_path, web/session.c): a path of this site, never another
 * host however the browser would read it - "//host", a backslash it takes
 * for a slash, or a tab or line break it drops ("/\t/host" is "//host").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>

#include "web/web_int.h"

static void
local_paths_are_kept(void **state)
{
    (void)state;
    assert_true(web_local_path("/"));
    assert_true(web_local_path("/e/cooperer-2014#p12"));
    assert_true(web_local_path("/e/x/recap?order=newest&reply=3"));
    assert_true(web_local_path("/search?q=%2F%2Fhost"));
    assert_true(web_local_path("/a//b")); /* a double slash later is a path */
}

static void
other_hosts_are_refused(void **state)
{
    static const char *const bad[] = {
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\x0b/evil.example",
        "/e/x\\..\\..\\evil",
        "/\x7f/evil.example",
        "https://evil.example/",
        "evil.example",
        "javascript:alert(1)",
        " /e/x",
        "",
    };
    size_t i;

    (void)state;
    assert_false(web_local_path(NULL));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (web_local_path(bad[i]))
            fail_msg("'%s' was taken for a local path", bad[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_paths_are_kept),
        cmocka_unit_test(other_hosts_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
