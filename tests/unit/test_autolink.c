/*
 * tests/unit/test_autolink.c - our HTML for a post (text/autolink.c): the
 * markup of each kind of link, escaping everywhere, URL display shortening,
 * and refusal of input that is not UTF-8. upstream's markup is checked by
 * the conformance suite against autolink.yml, not here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "text/text.h"

#define URL_ATTRS "rel=\"nofollow noopener noreferrer\" target=\"_blank\" class=\"url\""

/* HTML of s with the options opts, which the test expects to succeed. */
static void
check_opts(const char *s, const struct text_autolink_options *opts, const char *want)
{
    struct text_buf out = {0};
    size_t at;

    assert_int_equal(text_autolink(&out, s, strlen(s), opts), 0);
    assert_non_null(out.data);
    assert_string_equal(out.data, want);
    assert_int_equal(out.len, strlen(want));
    assert_int_equal(text_utf8_check(out.data, out.len, &at), TEXT_UTF8_OK);
    text_buf_release(&out);
}

static void
check(const char *s, const char *want)
{
    check_opts(s, NULL, want);
}

static void
reference_post(void **state)
{
    check("Jacques Beaudet: il faut travailler ensemble. #innover http://groupedde.com/",
          "Jacques Beaudet: il faut travailler ensemble. "
          "<a href=\"/tags/innover\" class=\"hashtag\" rel=\"tag\">#innover</a> "
          "<a href=\"http://groupedde.com/\" " URL_ATTRS ">groupedde.com/</a>");
}

static void
html_escape_alone(void **state)
{
    struct text_buf out = {0};
    const char *s = "a&b<c>d\"e'f";

    assert_int_equal(text_html_escape(&out, s, strlen(s)), 0);
    assert_string_equal(out.data, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    assert_int_equal(text_html_escape(&out, "", 0), 0);
    assert_string_equal(out.data, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    text_buf_release(&out);
}

static void
text_is_escaped(void **state)
{
    check("<script>alert('x')</script> & \"quotes\"",
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
}

static void
url_is_escaped(void **state)
{
    check("http://example.com/?a=1&b=2",
          "<a href=\"http://example.com/?a=1&amp;b=2\" " URL_ATTRS ">example.com/?a=1&amp;b=2</a>");
    check("http://example.com/l'eau",
          "<a href=\"http://example.com/l&#39;eau\" " URL_ATTRS ">example.com/l&#39;eau</a>");
}

/* A quote ends the URL; what follows is text, so no attribute can be opened. */
static void
quote_cannot_break_out_of_href(void **state)
{
    struct text_buf out = {0};
    const char *s = "http://example.com/\"onmouseover=\"alert(1)";

    assert_int_equal(text_autolink(&out, s, strlen(s), NULL), 0);
    assert_null(strstr(out.data, "\"onmouseover"));
    assert_null(strstr(out.data, "<script"));
    assert_non_null(strstr(out.data, "&quot;onmouseover=&quot;alert(1)"));
    text_buf_release(&out);
}

static void
long_url_is_shortened(void **state)
{
    check("http://example.com/a/very/long/path/that/goes/on/and/on",
          "<a href=\"http://example.com/a/very/long/path/that/goes/on/and/on\" " URL_ATTRS
          ">example.com/a/very/long/path/t…</a>");
    /* 30 code points, not bytes: ten "é" after "exemple.fr/économie/". */
    check("https://www.exemple.fr/économie/éééééééééééééé",
          "<a href=\"https://www.exemple.fr/économie/éééééééééééééé\" " URL_ATTRS
          ">exemple.fr/économie/éééééééééé…</a>");
    /* exactly the maximum: no ellipsis */
    check("https://example.com/123456789012345678",
          "<a href=\"https://example.com/123456789012345678\" " URL_ATTRS
          ">example.com/123456789012345678</a>");
}

static void
url_display_max_option(void **state)
{
    struct text_autolink_options o = {.url_display_max = 8, .extract_opts = TEXT_FEDIVERSE};

    check_opts("https://example.com/x", &o,
               "<a href=\"https://example.com/x\" " URL_ATTRS ">example.…</a>");
}

static void
url_without_protocol_gets_https(void **state)
{
    check("voir example.com/programme",
          "voir <a href=\"https://example.com/programme\" " URL_ATTRS ">example.com/programme</a>");
}

static void
mentions(void **state)
{
    check("merci @alice", "merci <a href=\"/@alice\" class=\"mention\">@alice</a>");
    check("@alice/equipe", "<a href=\"/@alice/equipe\" class=\"mention\">@alice/equipe</a>");
    /* a local name links to the account's own address, in lower case; shown as typed */
    check("merci @Alice_B2", "merci <a href=\"/@alice_b2\" class=\"mention\">@Alice_B2</a>");
    check("@ZOE/Equipe", "<a href=\"/@zoe/Equipe\" class=\"mention\">@ZOE/Equipe</a>");
}

static void
fediverse_mention(void **state)
{
    check(
        "merci @alice@example.org !",
        "merci <a href=\"https://example.org/@alice\" class=\"mention\">@alice@example.org</a> !");
}

static void
fediverse_needs_the_option(void **state)
{
    struct text_autolink_options o = {0};
    struct text_buf out = {0};
    const char *s = "merci @alice@example.org !";

    assert_int_equal(text_autolink(&out, s, strlen(s), &o), 0);
    assert_null(strstr(out.data, "https://example.org/@alice"));
    text_buf_release(&out);
}

static void
accented_hashtag_is_percent_encoded(void **state)
{
    check("#économie",
          "<a href=\"/tags/%C3%A9conomie\" class=\"hashtag\" rel=\"tag\">#économie</a>");
}

static void
cashtag(void **state)
{
    check("$GZ monte", "<a href=\"/search?q=%24GZ\" class=\"cashtag\">$GZ</a> monte");
}

static void
bases_are_options(void **state)
{
    struct text_autolink_options o = {
        .hashtag_base = "https://example.org/t?x=1&tag=",
        .mention_base = "/u/",
        .cashtag_base = "/c/",
    };

    check_opts(
        "#a @b $C", &o,
        "<a href=\"https://example.org/t?x=1&amp;tag=a\" class=\"hashtag\" rel=\"tag\">#a</a> "
        "<a href=\"/u/b\" class=\"mention\">@b</a> "
        "<a href=\"/c/C\" class=\"cashtag\">$C</a>");
}

static void
newlines_become_br(void **state)
{
    check("a\nb\r\nc<\n", "a<br>b<br>c&lt;<br>");
}

static void
empty_input(void **state)
{
    check("", "");
}

static void
appends_to_out(void **state)
{
    struct text_buf out = {0};

    assert_int_equal(text_html_escape(&out, "<p>", 3), 0);
    assert_int_equal(text_autolink(&out, "#a", 2, NULL), 0);
    assert_string_equal(out.data,
                        "&lt;p&gt;<a href=\"/tags/a\" class=\"hashtag\" rel=\"tag\">#a</a>");
    text_buf_release(&out);
}

static void
invalid_utf8_is_refused(void **state)
{
    static const char *const bad[] = {"caf\xc3", "\xff", "a\xc0\xafz", "\xed\xa0\x80", "nul\0x"};
    static const size_t bad_len[] = {4, 1, 4, 3, 5};
    struct text_buf out = {0};
    size_t i;

    assert_int_equal(text_html_escape(&out, "before", 6), 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(text_autolink(&out, bad[i], bad_len[i], NULL), -1);
        assert_string_equal(out.data, "before");
        assert_int_equal(out.len, 6);
    }
    text_buf_release(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_post),
        cmocka_unit_test(html_escape_alone),
        cmocka_unit_test(text_is_escaped),
        cmocka_unit_test(url_is_escaped),
        cmocka_unit_test(quote_cannot_break_out_of_href),
        cmocka_unit_test(long_url_is_shortened),
        cmocka_unit_test(url_display_max_option),
        cmocka_unit_test(url_without_protocol_gets_https),
        cmocka_unit_test(mentions),
        cmocka_unit_test(fediverse_mention),
        cmocka_unit_test(fediverse_needs_the_option),
        cmocka_unit_test(accented_hashtag_is_percent_encoded),
        cmocka_unit_test(cashtag),
        cmocka_unit_test(bases_are_options),
        cmocka_unit_test(newlines_become_br),
        cmocka_unit_test(empty_input),
        cmocka_unit_test(appends_to_out),
        cmocka_unit_test(invalid_utf8_is_refused),
    };

    return cmocka_run_group_tests_name("autolink", tests, NULL, NULL);
}
