/*
 * tests/unit/test_comment_html.c - readers' comments as HTML
 * (text_comment_html): paragraphs at blank lines, <br> at single breaks,
 * http(s) URLs linked nofollow ugc, scheme-less domains linked to https,
 * nothing else linked, everything escaped, bad UTF-8 refused with the
 * buffer untouched; and the count of links that decides moderation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "text/text.h"

/* The HTML of s, compared with want. */
static void
check(const char *s, const char *want)
{
    struct text_buf out = {0};

    assert_int_equal(text_comment_html(&out, s, strlen(s)), 0);
    assert_non_null(out.data);
    assert_string_equal(out.data, want);
    text_buf_release(&out);
}

static void
paragraphs_and_breaks(void **state)
{
    (void)state;
    check("Merci Éric, bon résumé.", "<p>Merci Éric, bon résumé.</p>");
    check("un\ndeux\n\ntrois", "<p>un<br>deux</p><p>trois</p>");
    check("un\r\ndeux\r\n\r\ntrois\r\n", "<p>un<br>deux</p><p>trois</p>");
    check("\n\n  \nun\n \t \ndeux\n\n\n", "<p>un</p><p>deux</p>");
    check("", "");
}

static void
everything_escaped(void **state)
{
    (void)state;
    check("<script>alert(\"x\")</script> & 'co'",
          "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>");
    check("<b>gras</b>", "<p>&lt;b&gt;gras&lt;/b&gt;</p>");
}

static void
urls_linked(void **state)
{
    (void)state;
    check("Voir https://example.org/a?b=1&c=2.",
          "<p>Voir <a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\">"
          "https://example.org/a?b=1&amp;c=2</a>.</p>");
    check("www.example.org", "<p><a href=\"https://www.example.org\" rel=\"nofollow ugc "
                             "noopener\">www.example.org</a></p>");
    check("javascript:alert(1)", "<p>javascript:alert(1)</p>");
    check("#innover @eric", "<p>#innover @eric</p>"); /* not linked in comments */
}

/* A line break just before a link stays one (it was dropped: "Voir :<a …>"). */
static void
break_before_a_link_kept(void **state)
{
    (void)state;
    check("Voir :\nhttps://example.org",
          "<p>Voir :<br><a href=\"https://example.org\" "
          "rel=\"nofollow ugc noopener\">https://example.org</a></p>");
    check("a\r\nwww.example.org\r\n", "<p>a<br><a href=\"https://www.example.org\" rel=\"nofollow "
                                      "ugc noopener\">www.example.org</a></p>");
    check("https://a.example.org\nhttps://b.example.org",
          "<p><a href=\"https://a.example.org\" rel=\"nofollow ugc noopener\">https://a.example.org"
          "</a><br><a href=\"https://b.example.org\" rel=\"nofollow ugc noopener\">"
          "https://b.example.org</a></p>");
}

/* Every http(s) URL the extractor finds is linked, whatever the case of its scheme. */
static void
urls_linked_as_found(void **state)
{
    (void)state;
    check("HTTPS://EXAMPLE.ORG", "<p><a href=\"HTTPS://EXAMPLE.ORG\" rel=\"nofollow ugc "
                                 "noopener\">HTTPS://EXAMPLE.ORG</a></p>");
    check("example.org:8080/a:b", "<p><a href=\"https://example.org:8080/a:b\" rel=\"nofollow "
                                  "ugc noopener\">example.org:8080/a:b</a></p>");
    /* Shown in full, never shortened as a post's links are. */
    check("http://example.org/un/chemin/bien/plus/long/que/trente/caracteres",
          "<p><a href=\"http://example.org/un/chemin/bien/plus/long/que/trente/caracteres\" "
          "rel=\"nofollow ugc noopener\">"
          "http://example.org/un/chemin/bien/plus/long/que/trente/caracteres</a></p>");
    check("javascript://example.org/%0Aalert(1)", "<p>javascript://example.org/%0Aalert(1)</p>");
    assert_int_equal(text_comment_links("Http://a.example.org b.example.org:80", 37), 2);
}

static void
bad_text_refused(void **state)
{
    struct text_buf out = {0};

    (void)state;
    assert_int_equal(text_comment_html(&out, "avant", 5), 0);
    assert_int_equal(text_comment_html(&out, "\xff\xfe", 2), -1);
    assert_int_equal(text_comment_html(&out, "a\0b", 3), -1);
    assert_string_equal(out.data, "<p>avant</p>"); /* left as it was */
    text_buf_release(&out);
}

static void
links_counted(void **state)
{
    const char *three = "https://a.example.org https://b.example.org et www.c-example.org";

    (void)state;
    assert_int_equal(text_comment_links("aucun lien", 10), 0);
    assert_int_equal(text_comment_links("https://example.org", 19), 1);
    assert_int_equal(text_comment_links(three, strlen(three)), 3);
    assert_int_equal(text_comment_links("\xff", 1), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paragraphs_and_breaks),
        cmocka_unit_test(everything_escaped),
        cmocka_unit_test(urls_linked),
        cmocka_unit_test(urls_linked_as_found),
        cmocka_unit_test(bad_text_refused),
        cmocka_unit_test(links_counted),
        cmocka_unit_test(break_before_a_link_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
