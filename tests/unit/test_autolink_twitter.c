/*
 * tests/unit/test_autolink_twitter.c - upstream's markup (text/autolink_twitter.c)
 * beyond autolink.yml: which groups the call knows, bad input refused with
 * the buffer as it was, and two quirks kept on purpose that no extractor
 * reaches today: hashtags, cashtags and screen names HTML-escaped twice,
 * and the order of entities that start at the same byte (upstream's stable
 * sort of URLs, mentions, hashtags, cashtags). Those live in static
 * functions, so the file under test is included here, as SQLite's test
 * harness reaches its internals; the linker then takes its functions from
 * this object, not from libgztext.a.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../src/text/autolink_twitter.c"

static void
groups_and_refusals(void **state)
{
    struct text_buf out = {0};
    const char *s = "@ana #tag $CAD http://x.com";

    (void)state;
    assert_int_equal(text_autolink_twitter(&out, s, strlen(s), "json"), -2);
    assert_int_equal(text_autolink_twitter(&out, s, strlen(s), "nope"), -2);
    assert_int_equal(text_autolink_twitter(&out, s, strlen(s), NULL), -2);
    assert_null(out.data); /* untouched */
    assert_int_equal(text_autolink_twitter(&out, s, strlen(s), "cashtags"), 0);
    assert_string_equal(out.data,
                        "@ana #tag <a href=\"https://twitter.com/search?q=%24CAD\" "
                        "title=\"$CAD\" class=\"tweet-url cashtag\">$CAD</a> http://x.com");
    /* not UTF-8, or a NUL: refused, out as it was */
    assert_int_equal(text_autolink_twitter(&out, "a\xff", 2, "all"), -1);
    assert_int_equal(text_autolink_twitter(&out, "a\0b", 3, "all"), -1);
    assert_int_equal(out.len, strlen(out.data));
    assert_non_null(strstr(out.data, "$CAD</a> http://x.com"));
    text_buf_release(&out);
}

/* A URL written without http(s) gets "http://" in its href (upstream linkToUrl). */
static void
protocol_test_is_upstream_s(void **state)
{
    (void)state;
    assert_true(has_http_protocol("http://a.b", 10));
    assert_true(has_http_protocol("HTTPS://a.b", 11));
    assert_false(has_http_protocol("https:/a.b", 10));
    assert_false(has_http_protocol("hxxp://a.b", 10));
    assert_false(has_http_protocol("www.a.b", 7));
    assert_false(has_http_protocol("http:/", 6));
}

/* What escape_twice writes: what htmlEscape(htmlEscape(s)) does upstream. */
static void
escaped_twice(void **state)
{
    struct text_buf out = {0};
    const char *s = "a&b<c>d\"e'f";

    (void)state;
    assert_int_equal(escape_twice(&out, s, strlen(s)), 0);
    assert_string_equal(out.data, "a&amp;amp;b&amp;lt;c&amp;gt;d&amp;quot;e&amp;#39;f");
    assert_int_equal(escape_twice(&out, "", 0), 0);
    assert_int_equal(escape_twice(&out, "&", 1), 0);
    assert_string_equal(out.data, "a&amp;amp;b&amp;lt;c&amp;gt;d&amp;quot;e&amp;#39;f&amp;amp;");
    text_buf_release(&out);
}

/* A hashtag whose value held markup would show it escaped twice, in href, title and text. */
static void
a_tag_with_markup_is_escaped_twice(void **state)
{
    const char *s = "#a<b";
    struct text_entity e = {
        .type = TEXT_ENTITY_HASHTAG, .start = 0, .end = 4, .value_start = 1, .value_end = 4};
    struct text_buf out = {0};

    (void)state;
    assert_int_equal(tw_link_hashtag(&out, s, &e), 0);
    assert_string_equal(out.data,
                        "<a href=\"https://twitter.com/search?q=%23a&amp;lt;b\" "
                        "title=\"#a&amp;lt;b\" class=\"tweet-url hashtag\">#a&amp;lt;b</a>");
    text_buf_release(&out);
}

/* Entities that start together: URL, mention, hashtag, cashtag, as upstream concatenates them. */
static void
ties_sort_as_upstream_concatenates(void **state)
{
    struct text_entity v[] = {
        {.type = TEXT_ENTITY_CASHTAG, .start = 5, .end = 6},
        {.type = TEXT_ENTITY_HASHTAG, .start = 5, .end = 7},
        {.type = TEXT_ENTITY_MENTION, .start = 5, .end = 8},
        {.type = TEXT_ENTITY_URL, .start = 5, .end = 9},
        {.type = TEXT_ENTITY_URL, .start = 1, .end = 2},
    };
    struct text_entities es = {.v = v, .n = 5, .cap = 5};

    (void)state;
    qsort(v, 5, sizeof(v[0]), entity_cmp);
    assert_int_equal(v[0].start, 1);
    assert_int_equal(v[1].type, TEXT_ENTITY_URL);
    assert_int_equal(v[2].type, TEXT_ENTITY_MENTION);
    assert_int_equal(v[3].type, TEXT_ENTITY_HASHTAG);
    assert_int_equal(v[4].type, TEXT_ENTITY_CASHTAG);
    /* and the overlap rule keeps the first of those that start together */
    remove_overlaps(&es);
    assert_int_equal(es.n, 2);
    assert_int_equal(es.v[1].type, TEXT_ENTITY_URL);
    assert_int_equal(es.v[1].end, 9);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_and_refusals),
        cmocka_unit_test(protocol_test_is_upstream_s),
        cmocka_unit_test(escaped_twice),
        cmocka_unit_test(a_tag_with_markup_is_escaped_twice),
        cmocka_unit_test(ties_sort_as_upstream_concatenates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
