/*
 * tests/unit/test_utf8.c - the gate of the text engine: every kind of bad
 * UTF-8 is named with its byte offset, never read past, and good text is
 * counted in code points and UTF-16 units; NFC is applied only when needed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* Checks a copy of exactly len bytes, so ASan sees any over-read. */
static enum text_utf8_error
check(const char *s, size_t len, size_t *at)
{
    char *copy = malloc(len ? len : 1);
    enum text_utf8_error e;

    memcpy(copy, s, len);
    e = text_utf8_check(copy, len, at);
    free(copy);
    return e;
}

static void
accepts_french_and_emoji(void **state)
{
    const char *s =
        "Coopérer dans les territoires… d’échelle 😷 👨‍👩‍👧 ＃innover";
    size_t at = 99;

    (void)state;
    assert_int_equal(check(s, strlen(s), &at), TEXT_UTF8_OK);
    assert_int_equal(at, strlen(s));
}

static void
names_each_fault_with_its_offset(void **state)
{
    static const struct {
        const char *bytes;
        size_t len, at;
        enum text_utf8_error e;
    } cases[] = {
        {"ab\xc0\xaf", 4, 2, TEXT_UTF8_OVERLONG},       /* overlong '/' */
        {"\xe0\x80\xaf", 3, 0, TEXT_UTF8_OVERLONG},     /* three-byte overlong */
        {"\xf0\x80\x80\xaf", 4, 0, TEXT_UTF8_OVERLONG}, /* four-byte overlong */
        {"x\xed\xa0\x80y", 5, 1, TEXT_UTF8_SURROGATE},  /* lone high surrogate */
        {"\xed\xbf\xbf", 3, 0, TEXT_UTF8_SURROGATE},    /* lone low surrogate */
        {"abc\xe2\x82", 5, 3, TEXT_UTF8_TRUNCATED},     /* € cut short at the end */
        {"\xe2\x82z", 3, 0, TEXT_UTF8_TRUNCATED},       /* € cut short by a letter */
        {"a\x80", 2, 1, TEXT_UTF8_BAD_LEAD},            /* stray continuation */
        {"\xff", 1, 0, TEXT_UTF8_BAD_LEAD},
        {"\xf4\x90\x80\x80", 4, 0, TEXT_UTF8_OUT_OF_RANGE}, /* U+110000 */
        {"abcdefghij\0k", 12, 10, TEXT_UTF8_NUL},           /* NUL after the fast path */
    };
    size_t k, at;

    (void)state;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        at = 12345;
        assert_int_equal(check(cases[k].bytes, cases[k].len, &at), cases[k].e);
        assert_int_equal(at, cases[k].at);
        assert_true(strlen(text_utf8_error_string(cases[k].e)) > 3);
    }
}

static void
counts_code_points_and_utf16_units(void **state)
{
    const char *s = "é😷a"; /* 2 + 4 + 1 bytes */

    (void)state;
    assert_int_equal(text_utf8_count_cp(s, strlen(s)), 3);
    assert_int_equal(text_utf8_count_utf16(s, strlen(s)), 4);
}

static void
nfc_leaves_composed_text_alone_and_composes_the_rest(void **state)
{
    struct text_scratch sc = {0};
    const char *composed = "Économie d’échelle", *decomposed = "E\xcc\x81"
                                                               "conomie";
    const char *out;
    size_t len;

    (void)state;
    assert_int_equal(text_nfc(&sc, composed, strlen(composed), &out, &len), 0);
    assert_ptr_equal(out, composed); /* no copy */
    assert_int_equal(text_nfc(&sc, decomposed, strlen(decomposed), &out, &len), 0);
    assert_int_equal(len, strlen("Économie"));
    assert_memory_equal(out, "Économie", len);
    /* a singleton (U+2000 → U+2002) is not left as it is */
    assert_int_equal(text_nfc(&sc, "\xe2\x80\x80", 3, &out, &len), 0);
    assert_memory_equal(out, "\xe2\x80\x82", 3);
    text_scratch_release(&sc);
}

/* Every error has its own words, and a value outside the enum still gets some. */
static void
error_strings_are_distinct(void **state)
{
    enum text_utf8_error e, k;

    (void)state;
    assert_string_equal(text_utf8_error_string(TEXT_UTF8_OK), "valid UTF-8");
    for (e = TEXT_UTF8_OK; e <= TEXT_UTF8_OUT_OF_RANGE; e++)
        for (k = TEXT_UTF8_OK; k < e; k++)
            assert_string_not_equal(text_utf8_error_string(e), text_utf8_error_string(k));
    assert_string_equal(text_utf8_error_string((enum text_utf8_error)42), "unknown UTF-8 error");
}

/*
 * Folding writes each lower-case letter back as UTF-8 in 1, 2, 3 and 4
 * bytes (U+2C00 GLAGOLITIC CAPITAL LETTER AZU, U+10400 DESERET CAPITAL LONG
 * I), and a fold that makes the text longer in bytes (U+023A, 2 bytes, has
 * a 3-byte lower case) still appends to what out held.
 */
static void
fold_writes_every_utf8_length(void **state)
{
    struct text_buf out = {0};

    (void)state;
    assert_int_equal(text_tag_fold(&out, "AÉ\xe2\xb0\x80\xf0\x90\x90\x80", 10), 0);
    assert_string_equal(out.data, "aé\xe2\xb0\xb0\xf0\x90\x90\xa8");
    assert_int_equal(text_tag_fold(&out, "\xc8\xba\xc8\xba", 4), 0);
    assert_string_equal(out.data, "aé\xe2\xb0\xb0\xf0\x90\x90\xa8\xe2\xb1\xa5\xe2\xb1\xa5");
    /* not UTF-8: refused, out as it was */
    assert_int_equal(text_tag_fold(&out, "\xff", 1), -1);
    assert_int_equal(text_name_key(&out,
                                   "B\xc3\xa9"
                                   "d\xc3",
                                   5),
                     -1);
    assert_int_equal(out.len, strlen("aé\xe2\xb0\xb0\xf0\x90\x90\xa8\xe2\xb1\xa5\xe2\xb1\xa5"));
    text_buf_release(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_french_and_emoji),
        cmocka_unit_test(names_each_fault_with_its_offset),
        cmocka_unit_test(counts_code_points_and_utf16_units),
        cmocka_unit_test(nfc_leaves_composed_text_alone_and_composes_the_rest),
        cmocka_unit_test(error_strings_are_distinct),
        cmocka_unit_test(fold_writes_every_utf8_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
