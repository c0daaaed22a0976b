/*
 * tests/unit/test_markdown.c - the Markdown of event fields (text/markdown.c):
 * CommonMark comes out as HTML, and nothing an editor types can put script
 * on a page: raw HTML is dropped, javascript: links lose their address,
 * bad UTF-8 is refused and leaves the buffer as it was.
 */
#define _GNU_SOURCE /* strcasestr */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* The HTML of md, in a buffer the caller releases; the call must succeed. */
static struct text_buf
render(const char *md)
{
    struct text_buf out = {0};

    assert_int_equal(text_markdown(&out, md, strlen(md)), 0);
    assert_non_null(out.data);
    assert_int_equal(strlen(out.data), out.len);
    return out;
}

static void
renders_commonmark(void **state)
{
    struct text_buf out = render("Le *20 novembre* à [La Nef](https://example.org/nef).\n\n"
                                 "- un\n- deux\n");

    assert_non_null(strstr(out.data, "<p>Le <em>20 novembre</em> à "
                                     "<a href=\"https://example.org/nef\">La Nef</a>.</p>"));
    assert_non_null(strstr(out.data, "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"));
    text_buf_release(&out);
}

static void
drops_raw_html(void **state)
{
    struct text_buf out =
        render("avant <script>alert(1)</script> après\n\n"
               "<div onclick=\"x()\">bloc</div>\n\n<img src=x onerror=alert(1)>\n");

    assert_null(strstr(out.data, "<script"));
    assert_null(strstr(out.data, "<div"));
    assert_null(strstr(out.data, "<img"));
    assert_null(strstr(out.data, "onerror"));
    assert_non_null(strstr(out.data, "avant"));
    text_buf_release(&out);
}

static void
neutralises_javascript_links(void **state)
{
    struct text_buf out = render("[clic](javascript:alert(1)) [b](JaVaScRiPt:x) "
                                 "![i](javascript:y) <javascript:alert(2)> [v](vbscript:z)\n");

    /* The address goes; the text of an autolink stays, as text. */
    assert_null(strcasestr(out.data, "href=\"javascript"));
    assert_null(strcasestr(out.data, "src=\"javascript"));
    assert_null(strcasestr(out.data, "vbscript:"));
    assert_non_null(strstr(out.data, "<a href=\"\">clic</a>"));
    assert_non_null(strstr(out.data, "<img src=\"\" alt=\"i\" />"));
    text_buf_release(&out);
}

static void
escapes_text_and_attributes(void **state)
{
    struct text_buf out = render("a < b & \"c\" [l](https://x.org/?a=1&b=\"2\")\n");

    assert_non_null(strstr(out.data, "a &lt; b &amp; &quot;c&quot;"));
    assert_non_null(strstr(out.data, "href=\"https://x.org/?a=1&amp;b=%222%22\""));
    text_buf_release(&out);
}

static void
appends_and_refuses_bad_input(void **state)
{
    struct text_buf out = {0};

    assert_int_equal(text_markdown(&out, "# t\n", 4), 0);
    assert_string_equal(out.data, "<h1>t</h1>\n");
    assert_int_equal(text_markdown(&out, "\xff", 1), -1);
    assert_int_equal(text_markdown(&out, "a\0b", 3), -1);
    assert_string_equal(out.data, "<h1>t</h1>\n");
    assert_int_equal(text_markdown(&out, "", 0), 0);
    assert_string_equal(out.data, "<h1>t</h1>\n");
    text_buf_release(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_commonmark),
        cmocka_unit_test(drops_raw_html),
        cmocka_unit_test(neutralises_javascript_links),
        cmocka_unit_test(escapes_text_and_attributes),
        cmocka_unit_test(appends_and_refuses_bad_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
