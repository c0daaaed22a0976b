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
#include <stdbool.h>
#include <stdio.h>
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

/*
 * Where an entity ends, by upstream's rules: a cashtag before a
 * non-breaking space (French typography: "$CAD :"), a private-use letter
 * upstream counts as a letter inside a hashtag, and no mention when a
 * Latin letter with an accent (U+0253 here) glues onto the name.
 */
static void
entity_ends_outside_ascii(void **state)
{
    const char *cad = "Le $CAD\xc2\xa0: en hausse", *pua = "#ab\xef\xa1\xb0 x";
    struct text_entities es = {0};

    (void)state;
    assert_int_equal(text_extract_cashtags(cad, strlen(cad), &es), 0);
    assert_int_equal(es.n, 1);
    assert_value(cad, &es.v[0], "CAD");
    es.n = 0;
    assert_int_equal(text_extract_cashtags("$CADé", strlen("$CADé"), &es), 0);
    assert_int_equal(es.n, 0);
    assert_int_equal(text_extract_hashtags(pua, strlen(pua), &es), 0);
    assert_int_equal(es.n, 1);
    assert_value(pua, &es.v[0], "ab\xef\xa1\xb0");
    es.n = 0;
    assert_int_equal(text_extract_mentions("@jean\xc9\x93 x", 8, 0, &es), 0);
    assert_int_equal(es.n, 0);
    assert_int_equal(text_extract_mentions("@jean x", 7, 0, &es), 0);
    assert_int_equal(es.n, 1);
    text_entities_release(&es);
}

/* The entities of s, as "type:text" joined by spaces, into out. */
static void
entities_of(const char *s, char *out, size_t size)
{
    struct text_entities es = {0};
    size_t i, at = 0;

    extract(s, TEXT_FEDIVERSE, &es);
    out[0] = '\0';
    for (i = 0; i < es.n; i++)
        at += (size_t)snprintf(out + at, size - at, "%s%d:%.*s", i > 0 ? " " : "", es.v[i].type,
                               (int)(es.v[i].end - es.v[i].start), s + es.v[i].start);
    text_entities_release(&es);
}

/*
 * Edges of links and tags, by upstream's rules: a hashtag followed by
 * another hash sign is none; a cashtag needs a space (or the start) before
 * it; "http" glued to a Latin letter starts no link, glued to a CJK one it
 * does; t.co without a slug is an ordinary URL; a host's TLD must be a
 * real one; a URL is measured in UTF-16 units (4096 at most), not bytes.
 */
static void
edges_of_links_and_tags(void **state)
{
    static const struct {
        const char *s, *want;
    } cases[] = {
        {"#abc#def x", ""},
        {"$AB$CD x", "3:$AB"},
        {"voir https://t.co/ ici", "0:https://t.co/"},
        {"voir https://t.co/abc?x=1 ici", "0:https://t.co/abc?x=1"},
        {"xhttp://example.com/a", ""},
        {"語http://example.com/a", "0:http://example.com/a"},
        {"voir example.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzab ici", ""},
    };
    char got[512], *big = malloc(8192);
    struct text_entities es = {0};
    size_t k, at;

    (void)state;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        entities_of(cases[k].s, got, sizeof(got));
        if (strcmp(got, cases[k].want) != 0)
            fail_msg("'%s': '%s', want '%s'", cases[k].s, got, cases[k].want);
    }
    /* 4220 bytes but 2120 UTF-16 units: a URL; 4120 ASCII characters: none */
    at = (size_t)snprintf(big, 8192, "https://example.com/");
    for (k = 0; k < 2100; k++, at += 2)
        memcpy(big + at, "é", 2);
    assert_int_equal(text_extract_urls(big, at, &es), 0);
    assert_int_equal(es.n, 1);
    assert_int_equal(es.v[0].end, at);
    es.n = 0;
    memset(big + 20, 'e', 4100);
    assert_int_equal(text_extract_urls(big, 4120, &es), 0);
    assert_int_equal(es.n, 0);
    text_entities_release(&es);
    free(big);
}

/* Code point indices, also for entities given out of order. */
static void
indices_of_unsorted_entities(void **state)
{
    const char *s = "é #un à #deux";
    struct text_entities es = {0};
    struct text_entity tmp;

    (void)state;
    assert_int_equal(text_extract_hashtags(s, strlen(s), &es), 0);
    assert_int_equal(es.n, 2);
    tmp = es.v[0];
    es.v[0] = es.v[1];
    es.v[1] = tmp;
    text_entities_index(s, strlen(s), &es);
    assert_int_equal(es.v[0].cp_start, 8); /* #deux */
    assert_int_equal(es.v[0].cp_end, 13);
    assert_int_equal(es.v[1].cp_start, 2); /* #un */
    assert_int_equal(es.v[1].cp_end, 5);
    text_entities_release(&es);
}

/* Whole URLs (upstream isValidUrl): the fragment is checked as a query is. */
static void
urls_validated_whole(void **state)
{
    static const struct {
        const char *s;
        bool unicode, protocol, want;
    } cases[] = {
        {"https://example.com/a?b=c#frag", false, true, true},
        {"https://example.com/a#fr ag", false, true, false}, /* a space in the fragment */
        {"https://example.com/a#x\ny", false, true, false},  /* a line break: no match */
        {"https://example.com/a?b c", false, true, false},   /* a space in the query */
        {"example.com/a", false, true, false},               /* no protocol */
        {"example.com/a", false, false, true},
        {"ftp://example.com/", false, true, false},      /* not http(s) */
        {"https://exemple.québec/", false, true, false}, /* IDN host */
        {"https://exemple.québec/", true, true, true},
        {"", false, false, false},
        {"https://example.com/\xff", false, true, false}, /* not UTF-8 */
    };
    size_t k;

    (void)state;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
        if (text_is_valid_url(cases[k].s, strlen(cases[k].s), cases[k].unicode,
                              cases[k].protocol) != cases[k].want)
            fail_msg("'%s': want %d", cases[k].s, cases[k].want);
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
        cmocka_unit_test(entity_ends_outside_ascii),
        cmocka_unit_test(indices_of_unsorted_entities),
        cmocka_unit_test(urls_validated_whole),
        cmocka_unit_test(edges_of_links_and_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
