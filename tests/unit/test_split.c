/*
 * tests/unit/test_split.c - a long text as a numbered thread (text_split):
 * every part within the limit as the text engine weighs it (a URL's 23),
 * numbered i/n, ending with the hashtag, the speaker prefix on each, cuts
 * at sentence ends before clause marks before spaces, nothing lost or
 * duplicated, a text that fits left alone, a giant word cut, and refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text/text.h"

static double
weigh(const char *s)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    struct text_parse_result r;

    assert_int_equal(text_parse(&sc, s, strlen(s), &cfg, &r), 0);
    text_scratch_release(&sc);
    return r.weighted_length;
}

/* The words of s, spaces squeezed, without "i/n", "#tag" and "Prefix:" tokens given. */
static void
words(const char *s, const char *drop_prefix, char *out, size_t size)
{
    char buf[4096], *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", s);
    out[0] = '\0';
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        int a, b;
        char rest;
        if (sscanf(tok, "%d/%d%c", &a, &b, &rest) == 2 || strcmp(tok, "#innover") == 0)
            continue;
        if (drop_prefix != NULL && strcmp(tok, drop_prefix) == 0)
            continue;
        strncat(out, tok, size - strlen(out) - 2);
        strncat(out, " ", size - strlen(out) - 1);
    }
}

static void
a_speaker_s_long_text(void **state)
{
    const char *text =
        "JBeaudet: il faut travailler ensemble. Les entreprises d'économie sociale ont aussi "
        "à montrer, et les entreprises privées ont des valeurs; il faut les inclure dans la "
        "réflexion. Voir https://www.chantier.qc.ca/une/tres/longue/adresse/qui/compte/pour/"
        "vingt-trois pour le détail. Changeons nous autres avant; après on changera les autres.";
    struct text_split sp;
    char all[4096] = "", part_words[4096], whole[4096];
    size_t i;

    (void)state;
    assert_int_equal(text_split(text, strlen(text), 140, "innover", &sp), 0);
    assert_true(sp.n >= 3);
    for (i = 0; i < sp.n; i++) {
        char num[64];
        snprintf(num, sizeof(num), " %zu/%zu #innover", i + 1, sp.n);
        assert_true(weigh(sp.parts[i]) <= 140);
        assert_int_equal(strncmp(sp.parts[i], "JBeaudet: ", 10), 0);
        assert_non_null(strstr(sp.parts[i], num));
        assert_string_equal(sp.parts[i] + strlen(sp.parts[i]) - strlen(num), num);
        words(sp.parts[i] + 10, NULL, part_words, sizeof(part_words));
        strncat(all, part_words, sizeof(all) - strlen(all) - 1);
    }
    /* the first part ends a sentence: the best cut */
    assert_non_null(strstr(sp.parts[0], "ensemble. 1/"));
    words(text + 10, NULL, whole, sizeof(whole));
    assert_string_equal(all, whole); /* nothing lost, nothing twice, in order */
    text_split_release(&sp);
}

static void
what_fits_is_left_alone(void **state)
{
    struct text_split sp;

    (void)state;
    assert_int_equal(text_split("Court texte #innover", 20, 140, "innover", &sp), 0);
    assert_int_equal(sp.n, 1);
    assert_string_equal(sp.parts[0], "Court texte #innover");
    text_split_release(&sp);
}

static void
a_giant_word_is_cut(void **state)
{
    char text[400];
    struct text_split sp;
    size_t i;

    (void)state;
    memset(text, 'a', 300);
    text[300] = '\0';
    assert_int_equal(text_split(text, 300, 140, NULL, &sp), 0);
    assert_int_equal(sp.n, 3);
    for (i = 0; i < sp.n; i++)
        assert_true(weigh(sp.parts[i]) <= 140);
    text_split_release(&sp);
}

static void
refusals(void **state)
{
    struct text_split sp;

    (void)state;
    assert_int_equal(text_split("\xff\xfe", 2, 140, NULL, &sp), -1);
    assert_int_equal(text_split("a b c", 5, 10, NULL, &sp), -1); /* limit under 20 */
    assert_null(sp.parts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_speaker_s_long_text),
        cmocka_unit_test(what_fits_is_left_alone),
        cmocka_unit_test(a_giant_word_is_cut),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
