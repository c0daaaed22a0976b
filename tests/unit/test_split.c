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
#include <stdlib.h>
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

/* s without its spaces, into out. */
static void
squeeze(const char *s, size_t len, char *out)
{
    size_t i, n = strlen(out);

    for (i = 0; i < len; i++)
        if (s[i] != ' ')
            out[n++] = s[i];
    out[n] = '\0';
}

/*
 * Each part is UTF-8 within the limit and ends with " i/n"; their bodies
 * joined give s (but for the spaces where it was cut).
 */
static void
check_parts_rebuild(const struct text_split *sp, int limit, const char *s)
{
    static char all[20000], whole[20000];
    size_t i, at, len;

    all[0] = whole[0] = '\0';
    for (i = 0; i < sp->n; i++) {
        char num[32];
        len = strlen(sp->parts[i]);
        assert_int_equal(text_utf8_check(sp->parts[i], len, &at), TEXT_UTF8_OK);
        assert_true(weigh(sp->parts[i]) <= limit);
        snprintf(num, sizeof(num), " %zu/%zu", i + 1, sp->n);
        assert_true(len > strlen(num));
        assert_string_equal(sp->parts[i] + len - strlen(num), num);
        assert_true(strlen(all) + len < sizeof(all));
        squeeze(sp->parts[i], len - strlen(num), all);
    }
    squeeze(s, strlen(s), whole);
    assert_string_equal(all, whole);
}

/*
 * A giant word of accented letters is cut between characters, never inside
 * one (the cut used to fall after a lead byte: "é" is C3 A9, and the broken
 * part weighed 0, as text that is not UTF-8 does).
 */
static void
a_giant_accented_word_is_cut_between_characters(void **state)
{
    char text[2000] = "";
    struct text_split sp;
    size_t i;

    (void)state;
    for (i = 0; i < 150; i++)
        strcat(text, i % 3 == 2 ? "\xe2\x82\xac" : "é"); /* 2- and 3-byte characters */
    assert_int_equal(text_split(text, strlen(text), 60, NULL, &sp), 0);
    assert_int_equal(sp.n, 3);
    check_parts_rebuild(&sp, 60, text);
    text_split_release(&sp);
}

/* An ellipsis ends a sentence: the cut goes after it rather than after a comma. */
static void
an_ellipsis_ends_a_sentence(void **state)
{
    const char *text = "On avait dit que ce serait court, simple et clair… mais voilà, il y a "
                       "encore beaucoup de choses à ajouter, et même plus";
    struct text_split sp;

    (void)state;
    assert_int_equal(text_split(text, strlen(text), 70, NULL, &sp), 0);
    assert_int_equal(sp.n, 3);
    assert_string_equal(sp.parts[0], "On avait dit que ce serait court, simple et clair… 1/3");
    check_parts_rebuild(&sp, 70, text);
    text_split_release(&sp);
}

/* "#innover" or "innover": the same tag; already in the text (not at its end): not added. */
static void
the_hashtag_given_or_already_there(void **state)
{
    const char *text = "Premier point sur #innover et la suite. Deuxième point qui est assez long "
                       "pour demander une autre partie. Troisième point.";
    struct text_split a, b;
    size_t i;

    (void)state;
    assert_int_equal(text_split(text, strlen(text), 60, "#innover", &a), 0);
    assert_int_equal(text_split(text, strlen(text), 60, "innover", &b), 0);
    assert_true(a.n > 1);
    assert_int_equal(a.n, b.n);
    for (i = 0; i < a.n; i++)
        assert_string_equal(a.parts[i], b.parts[i]);
    check_parts_rebuild(&a, 60, text); /* each ends with its number: no tag added */
    text_split_release(&a);
    text_split_release(&b);
    /* at the end of a text that does not fit, it moves to the end of every part */
    text = "Un texte qui ne tient pas dans la limite fixée ici, non #Innover";
    assert_int_equal(text_split(text, strlen(text), 40, "innover", &a), 0);
    assert_int_equal(a.n, 3);
    for (i = 0; i < a.n; i++) {
        const char *tag = strstr(a.parts[i], "#innover");
        assert_non_null(tag);
        assert_string_equal(tag, "#innover"); /* once, at the end */
    }
    assert_string_equal(a.parts[2], "non 3/3 #innover");
    text_split_release(&a);
}

/* A limit past the composing buffer (8 KiB): parts stop there, nothing is lost. */
static void
a_huge_limit_still_bounds_parts(void **state)
{
    char *text = malloc(12001);
    struct text_split sp;
    size_t i;

    (void)state;
    for (i = 0; i < 3000; i++)
        memcpy(text + 4 * i, "mot ", 4);
    text[11999] = '.';
    text[12000] = '\0';
    assert_int_equal(text_split(text, 12000, 9000, NULL, &sp), 0);
    assert_int_equal(sp.n, 2);
    for (i = 0; i < sp.n; i++)
        assert_true(strlen(sp.parts[i]) < 8192);
    /* the cut drops the space between the parts */
    assert_int_equal(strlen(sp.parts[0]) + strlen(sp.parts[1]) - 8 + 1, 12000);
    text_split_release(&sp);
    free(text);
}

/* No split: over 99 parts, or a speaker prefix too long for even one character. */
static void
splits_that_cannot_be(void **state)
{
    char text[4000];
    struct text_split sp;
    size_t i;

    (void)state;
    for (i = 0; i < 1000; i++)
        memcpy(text + 3 * i, "ab ", 3);
    text[2999] = '\0';
    assert_int_equal(text_split(text, strlen(text), 20, NULL, &sp), -1);
    assert_null(sp.parts);
    assert_int_equal(sp.n, 0);
    snprintf(text, sizeof(text), "Jean-Pierre Beaudet-Tremblay: %s", "anticonstitutionnellement");
    assert_int_equal(text_split(text, strlen(text), 20, NULL, &sp), -1);
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
        cmocka_unit_test(a_giant_accented_word_is_cut_between_characters),
        cmocka_unit_test(an_ellipsis_ends_a_sentence),
        cmocka_unit_test(the_hashtag_given_or_already_there),
        cmocka_unit_test(a_huge_limit_still_bounds_parts),
        cmocka_unit_test(splits_that_cannot_be),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
