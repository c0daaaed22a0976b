/*
 * tests/unit/test_extract.c - what the extractors find in the posts people
 * write: the reference document's links, accented hashtags, speakers'
 * handles, lists, cashtags, replies, and the Fediverse form
 * "@user@example.org" (our extension: twitter-text has no case for it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* Extracts with all four extractors (text_extract_entities) into *es. */
static void
extract(const char *s, unsigned opts, struct text_entities *es)
{
    es->n = 0;
    assert_int_equal(text_extract_entities(s, strlen(s), opts, es), 0);
    text_entities_index(s, strlen(s), es);
}

static void
assert_value(const char *s, const struct text_entity *e, const char *want)
{
    size_t n = e->value_end - e->value_start;

    if (n != strlen(want) || memcmp(s + e->value_start, want, n) != 0)
        fail_msg("value '%.*s', want '%s'", (int)n, s + e->value_start, want);
}

static void
finds_the_reference_documents_entities(void **state)
{
    const char *s = "En terminant, Sylviane Pilote nous explique le modèle de LA NEF, coop. de "
                    "solidarité. https://www.facebook.com/la.nef.coop.de.solidarite #innover";
    struct text_entities es = {0};

    (void)state;
    extract(s, TEXT_FEDIVERSE, &es);
    assert_int_equal(es.n, 2);
    assert_int_equal(es.v[0].type, TEXT_ENTITY_URL);
    assert_true(es.v[0].has_protocol);
    assert_value(s, &es.v[0], "https://www.facebook.com/la.nef.coop.de.solidarite");
    assert_memory_equal(s + es.v[0].domain_start, "www.facebook.com", 16);
    assert_int_equal(es.v[1].type, TEXT_ENTITY_HASHTAG);
    assert_value(s, &es.v[1], "innover");
    /* indices count characters, not bytes: "è" and "é" are one each */
    assert_int_equal(es.v[1].cp_start, es.v[1].start - 2);
    text_entities_release(&es);
}

static void
links_without_protocol_and_their_ends(void **state)
{
    const char *s = "D’autres statistiques ici: www.chantier.qc.ca et http://www.csmoesac.qc.ca/. "
                    "(voir groupedde.com/a_propos) fichier.txt";
    struct text_entities es = {0};

    (void)state;
    extract(s, 0, &es);
    assert_int_equal(es.n, 3);
    assert_value(s, &es.v[0], "www.chantier.qc.ca");
    assert_false(es.v[0].has_protocol);
    assert_value(s, &es.v[1], "http://www.csmoesac.qc.ca/"); /* not the final period */
    assert_value(s, &es.v[2], "groupedde.com/a_propos");     /* not the parenthesis */
    text_entities_release(&es);
}

static void
hashtags_take_accents_and_refuse_numbers(void **state)
{
    const char *s = "#économie ＃innover #2014 #1er #coop_QC a#b &#39;";
    struct text_entities es = {0};

    (void)state;
    extract(s, 0, &es);
    assert_int_equal(es.n, 4);
    assert_value(s, &es.v[0], "économie");
    assert_value(s, &es.v[1], "innover"); /* full-width sign */
    assert_value(s, &es.v[2], "1er");
    assert_value(s, &es.v[3], "coop_QC");
    text_entities_release(&es);
}

static void
mentions_lists_and_cashtags(void **state)
{
    const char *s = "RT @eric: merci @pole_es/panelistes et $COOP, pas eric@mail.com ni @@x";
    struct text_entities es = {0};

    (void)state;
    extract(s, 0, &es);
    assert_int_equal(es.n, 3);
    assert_value(s, &es.v[0], "eric");
    assert_int_equal(es.v[0].list_start, es.v[0].list_end);
    assert_value(s, &es.v[1], "pole_es");
    assert_memory_equal(s + es.v[1].list_start, "/panelistes", 11);
    assert_int_equal(es.v[2].type, TEXT_ENTITY_CASHTAG);
    assert_value(s, &es.v[2], "COOP");
    text_entities_release(&es);
}

static void
fediverse_mentions_are_one_entity_with_a_domain(void **state)
{
    const char *s = "Merci @eric@groupedde.com et @Jean_Pierre@social.coop.qc.ca.";
    struct text_entities es = {0};

    (void)state;
    extract(s, TEXT_FEDIVERSE, &es);
    assert_int_equal(es.n, 2);
    assert_int_equal(es.v[0].type, TEXT_ENTITY_MENTION);
    assert_value(s, &es.v[0], "eric");
    assert_memory_equal(s + es.v[0].domain_start, "groupedde.com", 13);
    assert_int_equal(es.v[0].end, es.v[0].domain_end);
    assert_value(s, &es.v[1], "Jean_Pierre");
    /* the final period ends the sentence, not the host */
    assert_int_equal(es.v[1].domain_end - es.v[1].domain_start, strlen("social.coop.qc.ca"));
    assert_memory_equal(s + es.v[1].domain_start, "social.coop.qc.ca", 17);
    text_entities_release(&es);
}

static void
fediverse_form_needs_a_real_host(void **state)
{
    /* no dot, a dash at an edge, an accent glued, a digit-only TLD, an e-mail */
    static const char *const texts[] = {"@eric@localhost", "@eric@-bad.org",   "@eric@ok.org@more",
                                        "@eric@host.123",  "eric@example.org", "@eric@.org"};
    struct text_entities es = {0};
    size_t k, i;

    (void)state;
    for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
        extract(texts[k], TEXT_FEDIVERSE, &es);
        for (i = 0; i < es.n; i++)
            if (es.v[i].domain_end > es.v[i].domain_start && es.v[i].type == TEXT_ENTITY_MENTION)
                fail_msg("'%s' gave a Fediverse mention", texts[k]);
    }
    text_entities_release(&es);
}

static void
without_the_option_twitter_rules_hold(void **state)
{
    /* twitter-text: "@test@example.com" is nobody (an at sign follows the name) */
    const char *s = "@username email me @test@example.com";
    struct text_entities es = {0};

    (void)state;
    extract(s, 0, &es);
    assert_int_equal(es.n, 1);
    assert_value(s, &es.v[0], "username");
    extract(s, TEXT_FEDIVERSE, &es);
    assert_int_equal(es.n, 2);
    assert_value(s, &es.v[1], "test");
    text_entities_release(&es);
}

static void
replies_and_valid_items(void **state)
{
    uint32_t a, b;

    (void)state;
    assert_true(text_extract_reply("  @eric merci", 13, &a, &b));
    assert_int_equal(a, 3);
    assert_int_equal(b, 7);
    assert_false(text_extract_reply("merci @eric", 11, &a, &b));
    assert_true(text_is_valid_username("@eric_l", 7));
    assert_false(text_is_valid_username("@eric-l", 7));
    assert_true(text_is_valid_list("@eric/panel", 11));
    assert_false(text_is_valid_list("@eric/", 6));
    assert_true(text_is_valid_hashtag("#économie", strlen("#économie")));
    assert_false(text_is_valid_hashtag("#2014", 5));
    assert_false(text_is_valid_hashtag("a>#tag", 6)); /* a tag inside, not a tag */
    assert_true(text_is_valid_url("http://web.fonds-emprunt.qc.ca/", 31, true, true));
    assert_false(text_is_valid_url("javascript:alert(1)", 19, true, true));
    assert_false(text_is_valid_url("http://exa mple.com", 19, true, true));
}

static void
overlaps_keep_the_earlier_entity(void **state)
{
    const char *s = "http://example.com/#innover $COOP";
    struct text_entities es = {0};

    (void)state;
    extract(s, 0, &es);
    assert_int_equal(es.n, 2); /* the #innover inside the link is the link's */
    assert_int_equal(es.v[0].type, TEXT_ENTITY_URL);
    assert_int_equal(es.v[1].type, TEXT_ENTITY_CASHTAG);
    es.n = 0;
    assert_int_equal(text_extract_hashtags_checked(s, strlen(s), &es), 0);
    assert_int_equal(es.n, 0);
    text_entities_release(&es);
}

static void
tags_fold_to_one_form(void **state)
{
    struct text_buf a = {0}, b = {0};

    (void)state;
    assert_int_equal(text_tag_fold(&a, "ÉCONOMIE", strlen("ÉCONOMIE")), 0);
    assert_int_equal(text_tag_fold(&b,
                                   "E\xcc\x81"
                                   "conomie",
                                   strlen("E\xcc\x81"
                                          "conomie")),
                     0);
    assert_string_equal(a.data, "économie");
    assert_string_equal(b.data, "économie");
    assert_int_equal(text_tag_fold(&a, "\xc0\xaf", 2), -1); /* not UTF-8 */
    text_buf_release(&a);
    text_buf_release(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_reference_documents_entities),
        cmocka_unit_test(links_without_protocol_and_their_ends),
        cmocka_unit_test(hashtags_take_accents_and_refuse_numbers),
        cmocka_unit_test(mentions_lists_and_cashtags),
        cmocka_unit_test(fediverse_mentions_are_one_entity_with_a_domain),
        cmocka_unit_test(fediverse_form_needs_a_real_host),
        cmocka_unit_test(without_the_option_twitter_rules_hold),
        cmocka_unit_test(replies_and_valid_items),
        cmocka_unit_test(overlaps_keep_the_earlier_entity),
        cmocka_unit_test(tags_fold_to_one_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
