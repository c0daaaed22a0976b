/*
 * tests/unit/test_fit.c - shortening by abbreviation (text_fit) on French
 * and English sentences: a text that fits is untouched; one that does not
 * comes within the limit by cuts that follow the rules (after a consonant,
 * before a vowel, a period, at least three letters removed, capitals and
 * accents kept), conventional forms first, the same word alike; hashtags,
 * mentions, URLs, numbers, acronyms and names never touched; the result is
 * the same twice and stable when fitted again; and a text that cannot fit
 * says so with its best.
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

static const char *vowels = "aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÉÈÊÀÂÎÔÛ";

/* The rules of a truncation: from (a word) to to (its abbreviation). */
static void
check_rules(const char *from, const char *to)
{
    size_t kept = strlen(to) - 1;
    char next[5] = {0}, last[5] = {0};
    size_t k = kept;

    if (strcmp(to, "dév.") == 0 || strcmp(to, "écon.") == 0 || strcmp(to, "gouv.") == 0 ||
        strcmp(to, "env.") == 0 || strcmp(to, "coop.") == 0 || strcmp(to, "dev.") == 0 ||
        strcmp(to, "assoc.") == 0 || strcmp(to, "Dév.") == 0)
        return; /* conventional forms */
    assert_int_equal(to[kept], '.');
    assert_int_equal(strncmp(from, to, kept), 0); /* a prefix: capitals and accents kept */
    assert_true(strlen(from) - kept >= 3);
    /* the letter after the cut is a vowel, the one before a consonant */
    memcpy(next, from + kept, (from[kept] & 0x80) ? 2 : 1);
    while (k > 0 && (from[k - 1] & 0xC0) == 0x80)
        k--;
    memcpy(last, from + k - 1, (from[k - 1] & 0x80) ? 2 : 1);
    if ((from[k - 1] & 0x80) == 0)
        last[0] = from[kept - 1];
    assert_non_null(strstr(vowels, next));
    assert_null(strstr(vowels, last));
}

static void
fit_one(const char *text, int limit, bool english, struct text_fit_result *r)
{
    struct fit_options opt = {.limit = limit, .english = english};

    assert_int_equal(text_fit(text, strlen(text), &opt, r), 0);
}

static void
what_fits_is_untouched(void **state)
{
    struct text_fit_result r;

    (void)state;
    fit_one("Jacques Beaudet: il faut travailler ensemble #innover", 140, false, &r);
    assert_true(r.fits);
    assert_int_equal(r.changed, 0);
    assert_string_equal(r.text, "Jacques Beaudet: il faut travailler ensemble #innover");
    text_fit_release(&r);
}

static void
french_to_the_limit_by_the_rules(void **state)
{
    const char *text = "Les Pôles territoriaux de coopération économique: une stratégie commune "
                       "et continue, de coopération et de mutualisation, au service de projets "
                       "économiques innovants #innover";
    struct text_fit_result r, again;
    size_t i, k;

    (void)state;
    assert_true(weigh(text) > 140);
    fit_one(text, 140, false, &r);
    assert_true(r.fits);
    assert_true(weigh(r.text) <= 140);
    assert_true(r.changed >= 1);
    for (i = 0; i < r.changed; i++) {
        check_rules(r.changes[i].from, r.changes[i].to);
        for (k = 0; k < r.changed; k++) /* the same word, the same abbreviation */
            if (strcmp(r.changes[i].from, r.changes[k].from) == 0)
                assert_string_equal(r.changes[i].to, r.changes[k].to);
    }
    assert_non_null(strstr(r.text, "#innover"));
    assert_non_null(strstr(r.text, "Pôles")); /* a capitalized name, not at a sentence start */
    /* the same twice; fitting the result again changes nothing */
    fit_one(text, 140, false, &again);
    assert_string_equal(again.text, r.text);
    text_fit_release(&again);
    fit_one(r.text, 140, false, &again);
    assert_int_equal(again.changed, 0);
    assert_string_equal(again.text, r.text);
    text_fit_release(&again);
    text_fit_release(&r);
}

static void
conventional_forms_first(void **state)
{
    struct text_fit_result r;

    (void)state;
    fit_one("Le développement du quartier passe par le développement des entreprises locales "
            "et un gouvernement attentif",
            80, false, &r);
    assert_true(r.fits);
    assert_non_null(strstr(r.text, "Le dév. du quartier passe par le dév. des"));
    text_fit_release(&r);
    fit_one("Sustainable development needs a government that listens to local associations and "
            "cooperatives",
            70, true, &r);
    assert_true(r.fits);
    assert_non_null(strstr(r.text, "dev."));
    text_fit_release(&r);
}

static void
protected_tokens_are_never_touched(void **state)
{
    const char *text = "Voir https://www.chantier.qc.ca/economie-sociale @chantierES #innover "
                       "OCDE 2014 12345678 Bédard participation participation participation "
                       "participation";
    struct text_fit_result r;
    size_t i;

    (void)state;
    fit_one(text, 110, false, &r);
    for (i = 0; i < r.changed; i++)
        assert_string_equal(r.changes[i].from, "participation");
    assert_non_null(strstr(r.text, "https://www.chantier.qc.ca/economie-sociale"));
    assert_non_null(strstr(r.text, "@chantierES #innover OCDE 2014 12345678 Bédard"));
    text_fit_release(&r);
}

static void
what_cannot_fit_says_so(void **state)
{
    struct text_fit_result r;

    (void)state;
    fit_one("Un texte de mots courts qui ne se raccourcit pas du tout, vraiment pas", 20, false,
            &r);
    assert_false(r.fits);
    assert_non_null(r.text);
    assert_true(r.weighted_length > 20);
    text_fit_release(&r);
    {
        struct fit_options opt = {.limit = 140};
        assert_int_equal(text_fit("\xff", 1, &opt, &r), -1);
    }
}

/*
 * The spans the caller protects (the event's names) are left whole even
 * when they are plain long words; a capitalized conventional form at a
 * sentence start keeps its capital ("Développement" -> "Dév.").
 */
static void
protected_spans_and_capitals(void **state)
{
    const char *text = "Développement: la coopérative Coopération Nouvelle accompagne les "
                       "coopératives et leur développement communautaire régional";
    const char *name = strstr(text, "coopérative Coopération");
    struct fit_span span = {(size_t)(name - text), (size_t)(name - text) + strlen("coopérative")};
    struct fit_options opt = {.limit = 100, .protect = &span, .n_protect = 1};
    struct text_fit_result r;
    size_t i;

    (void)state;
    assert_int_equal(text_fit(text, strlen(text), &opt, &r), 0);
    assert_true(r.fits);
    assert_int_equal(strncmp(r.text, "Dév.: la coopérative Coopération Nouvelle", 41), 0);
    for (i = 0; i < r.changed; i++)
        assert_string_not_equal(r.changes[i].from, "coopérative"); /* protected, unlike "coop." */
    assert_non_null(strstr(r.text, "les coop. et leur dév."));
    text_fit_release(&r);
}

/*
 * A speaker prefix that names someone ("Jacques Beaudet:", "JPBédard:") is
 * never shortened, even without the event's people to protect; a prefix
 * that names nobody ("Développement:") is a word like the others.
 */
static void
a_speakers_name_is_never_shortened(void **state)
{
    static const char *const texts[] = {
        "Jacques Beaudet: il faut travailler ensemble pour le développement durable des "
        "coopératives et des organisations de la région #innover, disait-il",
        "JPBédard: il faut travailler ensemble pour le développement durable des "
        "coopératives et des organisations de la région #innover",
        "Francine Barbeau: Développement communautaire et coopératives régionales, "
        "participation citoyenne et gouvernement municipal",
    };
    static const char *const names[] = {"Jacques Beaudet: ", "JPBédard: ", "Francine Barbeau: "};
    struct fit_options opt = {.limit = 100};
    struct text_fit_result r;
    size_t t, i;

    (void)state;
    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        assert_true(weigh(texts[t]) > 100);
        assert_int_equal(text_fit(texts[t], strlen(texts[t]), &opt, &r), 0);
        assert_true(r.changed > 0);
        assert_int_equal(strncmp(r.text, names[t], strlen(names[t])), 0);
        for (i = 0; i < r.changed; i++)
            check_rules(r.changes[i].from, r.changes[i].to);
        text_fit_release(&r);
    }
}

/*
 * Words the rules leave alone: one with an apostrophe (’) inside, and a
 * word written with a trailing hyphen ("extraordinaire-") is cut as the
 * word alone, its hyphen kept after the period.
 */
static void
words_with_marks(void **state)
{
    const char *text = "Aujourd’hui aujourd’hui aujourd’hui, c’est extraordinaire- et "
                       "extraordinairement bien";
    struct fit_options opt = {.limit = 60};
    struct text_fit_result r;
    size_t i;

    (void)state;
    assert_true(weigh(text) > 60);
    assert_int_equal(text_fit(text, strlen(text), &opt, &r), 0);
    for (i = 0; i < r.changed; i++) {
        assert_null(strstr(r.changes[i].from, "’"));
        assert_null(strchr(r.changes[i].from, '-'));
        check_rules(r.changes[i].from, r.changes[i].to);
    }
    assert_non_null(strstr(r.text, "aujourd’hui aujourd’hui"));
    assert_non_null(strstr(r.text, ".- et"));
    text_fit_release(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(what_fits_is_untouched),
        cmocka_unit_test(french_to_the_limit_by_the_rules),
        cmocka_unit_test(conventional_forms_first),
        cmocka_unit_test(protected_tokens_are_never_touched),
        cmocka_unit_test(what_cannot_fit_says_so),
        cmocka_unit_test(protected_spans_and_capitals),
        cmocka_unit_test(words_with_marks),
        cmocka_unit_test(a_speakers_name_is_never_shortened),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
