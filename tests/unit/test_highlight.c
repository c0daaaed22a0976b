/*
 * tests/unit/test_highlight.c - hit highlighting (text/highlight.c) beyond
 * the conformance cases: code points rather than bytes, offsets that skip
 * markup but not entities, and the hits upstream leaves undefined (out of
 * range, empty, inverted, unsorted, overlapping), which must give sane HTML
 * and never a crash. Inputs are copied to buffers of their exact length so
 * that ASan catches any read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define N_HITS(a) (sizeof(a) / sizeof(a[0]))

/* s[0..len) highlighted, appended to out; the call must succeed. */
static void
highlight_into(struct text_buf *out, const char *s, size_t len, const uint32_t (*hits)[2], size_t n)
{
    char *copy = malloc(len > 0 ? len : 1); /* exactly len bytes: no NUL to lean on */

    assert_non_null(copy);
    memcpy(copy, s, len);
    assert_int_equal(text_hit_highlight(out, copy, len, hits, n), 0);
    assert_non_null(out->data);
    assert_int_equal(strlen(out->data), out->len);
    free(copy);
}

static void
check_len(const char *s, size_t len, const uint32_t (*hits)[2], size_t n, const char *want)
{
    struct text_buf out = {0};

    highlight_into(&out, s, len, hits, n);
    assert_string_equal(out.data, want);
    text_buf_release(&out);
}

static void
check(const char *s, const uint32_t (*hits)[2], size_t n, const char *want)
{
    check_len(s, strlen(s), hits, n, want);
}

static void
plain_text(void **state)
{
    static const uint32_t two[][2] = {{0, 4}, {10, 14}};
    static const uint32_t whole[][2] = {{0, 14}};

    check("this is a test", two, N_HITS(two), "<em>this</em> is a <em>test</em>");
    check("this is a test", whole, N_HITS(whole), "<em>this is a test</em>");
}

static void
no_hits_copies_the_text(void **state)
{
    static const uint32_t some[][2] = {{0, 4}};

    check("a <b>c</b> & d", some, 0, "a <b>c</b> & d");
    check("a <b>c</b> & d", NULL, 3, "a <b>c</b> & d");
    check("", NULL, 0, ""); /* data is set even for nothing */
    check("", some, N_HITS(some), "");
}

static void
offsets_are_code_points(void **state)
{
    static const uint32_t first_two[][2] = {{0, 2}};
    static const uint32_t astral[][2] = {{1, 2}};

    check("東京の天気", first_two, N_HITS(first_two), "<em>東京</em>の天気");
    /* U+1F600 is one code point (two UTF-16 units upstream) */
    check("a\U0001F600b", astral, N_HITS(astral), "a<em>\U0001F600</em>b");
}

static void
offsets_skip_markup_not_entities(void **state)
{
    static const uint32_t anchor[][2] = {{1, 9}};
    static const uint32_t around[][2] = {{0, 14}};
    static const uint32_t entity[][2] = {{2, 7}};
    static const uint32_t to_end[][2] = {{0, 3}};
    const char *link = "@<a href=\"http://twitter.com/username\">username</a> this is";

    /* closes before </a> when it opened inside the link text */
    check(link, anchor, N_HITS(anchor),
          "@<a href=\"http://twitter.com/username\"><em>username</em></a> this is");
    /* wraps the whole link when it opened outside */
    check(link, around, N_HITS(around),
          "<em>@<a href=\"http://twitter.com/username\">username</a> this</em> is");
    check("a &amp; b", entity, N_HITS(entity), "a <em>&amp;</em> b");
    check("foo<br>", to_end, N_HITS(to_end), "<em>foo</em><br>");
}

static void
out_of_range_hits_are_clamped_or_dropped(void **state)
{
    static const uint32_t past_end[][2] = {{10, 99}};
    static const uint32_t after_end[][2] = {{20, 30}, {14, 15}, {UINT32_MAX, UINT32_MAX}};
    static const uint32_t huge[][2] = {{0, UINT32_MAX}};

    check("this is a test", past_end, N_HITS(past_end), "this is a <em>test</em>");
    check("this is a test", after_end, N_HITS(after_end), "this is a test");
    check("<a>x</a>", huge, N_HITS(huge), "<a><em>x</em></a>");
}

static void
empty_and_inverted_hits_are_dropped(void **state)
{
    static const uint32_t bad[][2] = {{2, 2}, {7, 5}, {0, 0}};
    static const uint32_t mixed[][2] = {{7, 5}, {0, 4}};

    check("this is a test", bad, N_HITS(bad), "this is a test");
    check("this is a test", mixed, N_HITS(mixed), "<em>this</em> is a test");
}

/* Hits that start together, in any order, make one range: the longest. */
static void
hits_starting_together_merge(void **state)
{
    static const uint32_t longer_first[][2] = {{0, 7}, {0, 4}, {10, 14}, {10, 11}};
    static const uint32_t shorter_first[][2] = {{10, 11}, {0, 4}, {10, 14}, {0, 7}};

    check("this is a test", longer_first, N_HITS(longer_first), "<em>this is</em> a <em>test</em>");
    check("this is a test", shorter_first, N_HITS(shorter_first),
          "<em>this is</em> a <em>test</em>");
}

static void
unsorted_hits_are_sorted(void **state)
{
    static const uint32_t unsorted[][2] = {{10, 14}, {0, 4}, {5, 7}};

    check("this is a test", unsorted, N_HITS(unsorted),
          "<em>this</em> <em>is</em> a <em>test</em>");
}

static void
overlapping_hits_are_merged(void **state)
{
    static const uint32_t overlap[][2] = {{0, 7}, {5, 9}};
    static const uint32_t inside[][2] = {{0, 14}, {5, 7}};
    static const uint32_t same[][2] = {{0, 4}, {0, 4}};
    static const uint32_t touching[][2] = {{0, 4}, {4, 7}};

    check("this is a test", overlap, N_HITS(overlap), "<em>this is a</em> test");
    check("this is a test", inside, N_HITS(inside), "<em>this is a test</em>");
    check("this is a test", same, N_HITS(same), "<em>this</em> is a test");
    /* touching hits stay two, as upstream */
    check("this is a test", touching, N_HITS(touching), "<em>this</em><em> is</em> a test");
}

static void
stray_angle_brackets(void **state)
{
    static const uint32_t gt[][2] = {{2, 3}};
    static const uint32_t ab[][2] = {{0, 2}};
    static const uint32_t past[][2] = {{1, 9}};

    /* a lone '>' is text; an unterminated '<' is markup to the end, copied as is */
    check("a > b", gt, N_HITS(gt), "a <em>></em> b");
    check("ab <i", ab, N_HITS(ab), "<em>ab</em> <i");
    check("ab <i", past, N_HITS(past), "a<em>b </em><i");
}

static void
malformed_utf8_is_not_overread(void **state)
{
    static const uint32_t last[][2] = {{2, 3}};
    static const uint32_t first[][2] = {{0, 1}};

    /* a truncated lead byte at the very end counts as one character */
    check_len("ab\xE6", 3, last, N_HITS(last), "ab<em>\xE6</em>");
    /* stray continuation bytes belong to no character */
    check_len("\x80\x80x", 3, first, N_HITS(first), "\x80\x80<em>x</em>");
    check_len("<\xF0", 2, first, N_HITS(first), "<\xF0");
}

static void
appends_to_the_buffer(void **state)
{
    static const uint32_t hit[][2] = {{0, 1}};
    struct text_buf out = {0};

    highlight_into(&out, "a", 1, hit, N_HITS(hit));
    highlight_into(&out, "b", 1, hit, N_HITS(hit));
    assert_string_equal(out.data, "<em>a</em><em>b</em>");
    text_buf_release(&out);
}

static void
many_hits(void **state)
{
    enum { LEN = 1000, N = LEN / 2 };
    uint32_t(*hits)[2] = calloc(N, sizeof(*hits));
    char *s = malloc(LEN);
    struct text_buf out = {0};
    size_t i;

    assert_non_null(hits);
    assert_non_null(s);
    memset(s, 'a', LEN);
    for (i = 0; i < N; i++) { /* every other character, last first */
        hits[i][0] = (uint32_t)(LEN - 2 - 2 * i);
        hits[i][1] = (uint32_t)(LEN - 1 - 2 * i);
    }
    highlight_into(&out, s, LEN, (const uint32_t(*)[2])hits, N);
    assert_int_equal(out.len, LEN + N * strlen("<em></em>"));
    assert_memory_equal(out.data, "<em>a</em>a<em>a</em>a", 22);
    text_buf_release(&out);
    free(hits);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text),
        cmocka_unit_test(no_hits_copies_the_text),
        cmocka_unit_test(offsets_are_code_points),
        cmocka_unit_test(offsets_skip_markup_not_entities),
        cmocka_unit_test(out_of_range_hits_are_clamped_or_dropped),
        cmocka_unit_test(empty_and_inverted_hits_are_dropped),
        cmocka_unit_test(unsorted_hits_are_sorted),
        cmocka_unit_test(overlapping_hits_are_merged),
        cmocka_unit_test(stray_angle_brackets),
        cmocka_unit_test(malformed_utf8_is_not_overread),
        cmocka_unit_test(appends_to_the_buffer),
        cmocka_unit_test(many_hits),
        cmocka_unit_test(hits_starting_together_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
