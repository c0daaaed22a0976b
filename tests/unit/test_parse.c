/*
 * tests/unit/test_parse.c - what a writer sees of the counter: posts of
 * the reference document fit in 140, a link counts 23 whatever its length,
 * the 141st character makes a post invalid, bad input says why, and a big
 * input costs no more per byte than a post.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"

static struct text_parse_result
parse(const char *s, size_t len, const struct text_config *cfg)
{
    struct text_scratch sc = {0};
    struct text_parse_result r;

    assert_int_equal(text_parse(&sc, s, len, cfg, &r), 0);
    text_scratch_release(&sc);
    return r;
}

static void
reference_posts_fit(void **state)
{
    /* the longest post of the reference document, with its link */
    const char *s =
        "Qu’est-ce qu’un Pôle Territorial de Coopération Économique ? "
        "http://fr.wikipedia.org/wiki/Pôle_territorial_de_coopération_économique #innover";
    struct text_parse_result r = parse(s, strlen(s), &text_config_v1);

    (void)state;
    assert_true(r.valid);
    assert_int_equal(r.reason, TEXT_VALID);
    /* 61 characters, a 23-character link, " #innover" */
    assert_int_equal((int)r.weighted_length, 61 + 23 + 9);
    assert_int_equal(r.permillage, (61 + 23 + 9) * 1000 / 140);
}

static void
the_141st_character_is_too_many(void **state)
{
    char s[142];
    struct text_parse_result r;

    (void)state;
    memset(s, 'a', sizeof(s));
    r = parse(s, 140, &text_config_v1);
    assert_true(r.valid);
    assert_int_equal(r.valid_range_end, 139);
    r = parse(s, 141, &text_config_v1);
    assert_false(r.valid);
    assert_int_equal(r.reason, TEXT_INVALID_TOO_LONG);
    assert_int_equal(r.valid_range_end, 139); /* what still fits */
    assert_int_equal(r.display_range_end, 140);
}

static void
configs_weigh_cjk_and_emoji_differently(void **state)
{
    const char *family = "👨‍👩‍👧‍👦"; /* 7 code points, 11 UTF-16 units */

    (void)state;
    assert_int_equal((int)parse("日本", strlen("日本"), &text_config_v1).weighted_length, 2);
    assert_int_equal((int)parse("日本", strlen("日本"), &text_config_v2).weighted_length, 4);
    assert_int_equal((int)parse(family, strlen(family), &text_config_v2).weighted_length, 11);
    assert_int_equal((int)parse(family, strlen(family), &text_config_v3).weighted_length, 2);
    assert_ptr_equal(text_config_find("v3"), &text_config_v3);
    assert_null(text_config_find("v4"));
    assert_null(text_config_find(NULL));
}

static void
decomposed_accents_count_once(void **state)
{
    const char *s = "E\xcc\x81"
                    "conomie"; /* É typed as E + U+0301 */
    struct text_parse_result r = parse(s, strlen(s), &text_config_v1);

    (void)state;
    assert_int_equal((int)r.weighted_length, 8);
    assert_int_equal(r.display_range_end, 8); /* indices stay those of the text as sent */
}

static void
bad_input_is_invalid_with_a_reason(void **state)
{
    struct text_parse_result r;

    (void)state;
    r = parse("", 0, &text_config_v1);
    assert_int_equal(r.reason, TEXT_INVALID_EMPTY);
    r = parse("ok\xc0\xaf", 4, &text_config_v1);
    assert_false(r.valid);
    assert_int_equal(r.reason, TEXT_INVALID_UTF8);
    assert_int_equal(r.utf8_error, TEXT_UTF8_OVERLONG);
    assert_int_equal(r.error_offset, 2);
    r = parse("a\0b", 3, &text_config_v1);
    assert_int_equal(r.utf8_error, TEXT_UTF8_NUL);
    assert_int_equal(r.error_offset, 1);
    r = parse("abc\xef\xbb\xbf", 6, &text_config_v1); /* U+FEFF */
    assert_int_equal(r.reason, TEXT_INVALID_CHARACTERS);
    assert_int_equal(r.error_offset, 3);
    assert_string_equal(text_invalid_string(r.reason), "invalid_characters");
}

static void
oversized_input_is_refused_without_reading_it(void **state)
{
    struct text_parse_result r;

    (void)state;
    /* the length is checked before any byte is read */
    r = parse("x", TEXT_MAX_INPUT + 1, &text_config_v1);
    assert_int_equal(r.reason, TEXT_INVALID_TOO_BIG);
}

static double
seconds_per_byte(const char *s, size_t len, int reps)
{
    struct text_scratch sc = {0};
    struct text_entities es = {0};
    struct text_parse_result r;
    struct timespec a, b;
    const char *norm;
    size_t norm_len;
    int k;

    /* the thread's CPU time: a shared machine's other work does not count */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    for (k = 0; k < reps; k++) {
        es.n = 0;
        assert_int_equal(
            text_analyze(&sc, s, len, &text_config_v1, TEXT_FEDIVERSE, &r, &es, &norm, &norm_len),
            0);
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    text_entities_release(&es);
    text_scratch_release(&sc);
    return ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9) / ((double)len * reps);
}

/* Fills a buffer of about len bytes with copies of unit; returns its length. */
static size_t
repeat(char *out, size_t len, const char *unit)
{
    size_t ul = strlen(unit), i;

    for (i = 0; i + ul <= len; i += ul)
        memcpy(out + i, unit, ul);
    return i;
}

/* A megabyte of posts costs no more per byte than one post. */
/* The best of three measures: noise (caches, a busy core) only ever adds time. */
static double
best_seconds_per_byte(const char *s, size_t len, int reps)
{
    double best = seconds_per_byte(s, len, reps), t;
    int k;

    for (k = 0; k < 2; k++)
        if ((t = seconds_per_byte(s, len, reps)) < best)
            best = t;
    return best;
}

static void
a_megabyte_of_posts_costs_what_its_posts_cost(void **state)
{
    const char *post = "Jacques Beaudet: il faut travailler ensemble. #innover "
                       "http://groupedde.com/ @eric@example.org ";
    size_t big = 1 << 20;
    char *s = malloc(big);
    size_t n = repeat(s, big, post);
    double one = best_seconds_per_byte(post, strlen(post), 20000),
           many = best_seconds_per_byte(s, n, 3);

    (void)state;
    if (many > 3 * one) /* generous: a shared, noisy machine */
        fail_msg("1 MiB: %.2f ns/byte, one post: %.2f ns/byte", many * 1e9, one * 1e9);
    free(s);
}

/*
 * Inputs built to make a naive scanner quadratic (labels without a TLD,
 * labels with '_' before TLDs, one endless label, runs of signs): a
 * megabyte costs no more per byte than 64 KiB.
 */
static void
hostile_input_stays_linear(void **state)
{
    static const char *const units[] = {"a.",    "a_b.c",    "_a.ca", "語",   "#",   "@a",
                                        "@a@b.", "http://x", "(x.",   "a.b/", "$a.b"};
    size_t k, small = 64 << 10, big = 1 << 20;
    char *s = malloc(big);

    (void)state;
    for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
        double a = best_seconds_per_byte(s, repeat(s, small, units[k]), 4);
        double b = best_seconds_per_byte(s, repeat(s, big, units[k]), 1);
        if (b > 4 * a) /* quadratic would be 16x */
            fail_msg("'%s': %.2f ns/byte at 1 MiB, %.2f at 64 KiB", units[k], b * 1e9, a * 1e9);
    }
    free(s);
}

static void
analyze_agrees_with_parse_and_extract(void **state)
{
    const char *s = "JP Bédard: c’est le temps de se réunir ! @eric@example.org "
                    "http://www.cestbienplus.ca/ #innover $COOP";
    struct text_scratch sc = {0};
    struct text_entities a = {0}, b = {0};
    struct text_parse_result ra, rb;
    const char *norm;
    size_t norm_len, k;

    (void)state;
    assert_int_equal(
        text_analyze(&sc, s, strlen(s), &text_config_v1, TEXT_FEDIVERSE, &ra, &a, &norm, &norm_len),
        0);
    assert_int_equal(text_parse(&sc, s, strlen(s), &text_config_v1, &rb), 0);
    assert_int_equal(text_extract_entities(s, strlen(s), TEXT_FEDIVERSE, &b), 0);
    assert_memory_equal(&ra, &rb, sizeof(ra));
    assert_int_equal(a.n, 4);
    assert_int_equal(a.n, b.n);
    for (k = 0; k < a.n; k++)
        assert_memory_equal(&a.v[k], &b.v[k], sizeof(a.v[k]));
    text_entities_release(&a);
    text_entities_release(&b);
    text_scratch_release(&sc);
}

/*
 * Text that cannot be counted: analyze says why, as parse does, and
 * touches neither the entities nor the normalised text.
 */
static void
analyze_refuses_bad_input_without_entities(void **state)
{
    static const struct {
        enum text_invalid r;
        const char *s;
    } names[] = {
        {TEXT_VALID, "valid"},
        {TEXT_INVALID_EMPTY, "empty"},
        {TEXT_INVALID_TOO_LONG, "too_long"},
        {TEXT_INVALID_CHARACTERS, "invalid_characters"},
        {TEXT_INVALID_UTF8, "invalid_utf8"},
        {TEXT_INVALID_TOO_BIG, "too_big"},
    };
    struct text_entity one = {.type = TEXT_ENTITY_URL, .start = 1, .end = 2};
    struct text_entities es = {.v = &one, .n = 1, .cap = 1};
    struct text_scratch sc = {0};
    struct text_parse_result r;
    const char *norm = "x";
    size_t norm_len = 1, k;

    (void)state;
    assert_int_equal(text_analyze(&sc, "#a \xc3(", 5, &text_config_v2, TEXT_FEDIVERSE, &r, &es,
                                  &norm, &norm_len),
                     0);
    assert_false(r.valid);
    assert_int_equal(r.reason, TEXT_INVALID_UTF8);
    assert_int_equal(r.utf8_error, TEXT_UTF8_TRUNCATED);
    assert_int_equal(r.error_offset, 3);
    assert_null(norm);
    assert_int_equal(norm_len, 0);
    assert_int_equal(es.n, 1); /* the vector was not even grown */
    assert_ptr_equal(es.v, &one);
    text_scratch_release(&sc);
    /* each reason has its name, the one the API reports */
    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        assert_string_equal(text_invalid_string(names[k].r), names[k].s);
    assert_string_equal(text_invalid_string((enum text_invalid)99), "invalid");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_posts_fit),
        cmocka_unit_test(the_141st_character_is_too_many),
        cmocka_unit_test(configs_weigh_cjk_and_emoji_differently),
        cmocka_unit_test(decomposed_accents_count_once),
        cmocka_unit_test(bad_input_is_invalid_with_a_reason),
        cmocka_unit_test(oversized_input_is_refused_without_reading_it),
        cmocka_unit_test(analyze_agrees_with_parse_and_extract),
        cmocka_unit_test(analyze_refuses_bad_input_without_entities),
        cmocka_unit_test(a_megabyte_of_posts_costs_what_its_posts_cost),
        cmocka_unit_test(hostile_input_stays_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
