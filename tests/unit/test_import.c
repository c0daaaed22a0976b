/*
 * tests/unit/test_import.c - two promises of imports, on a store in a fresh
 * directory under /tmp, and the holes the fuzzers found in them:
 *
 *   - importing a file again adds nothing (api/importer.c). fuzz_import: a
 *     message over the limit and without the event's hashtag is stored
 *     without it (a record is kept as said), while the importer looked for
 *     it with the hashtag added, so each import stored it once more;
 *   - a Twitter archive's times are times, or the file is refused
 *     (fuzz_import: an 80-digit offset overflowed the year);
 *   - an exported event document imports again (api/comment_document.c).
 *     fuzz_document: a reply numbered before its parent was taken, then
 *     exported first (comments go in id order) where it answers nothing yet.
 */
#define _XOPEN_SOURCE 700 /* nftw(), to remove the directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/importer.h"
#include "api/posts.h"
#include "core/rc.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    struct store *st;
    struct arena ar;
    struct account acc;
    struct event e;
};

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct account a = {.username = "eric", .role = "admin"}; /* keeps records */
    struct event e = {.slug = "cooperer",
                      .title = "Coopérer",
                      .hashtag = "innover",
                      .lang = "fr",
                      .char_limit = 140,
                      .state = "live",
                      .attendance = -1};

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/gz-import-XXXXXX");
    if (mkdtemp(f->dir) == NULL || store_open(f->dir, &f->st) != RC_OK ||
        store_account_add(f->st, &a, NULL) != RC_OK || store_event_add(f->st, &e, NULL) != RC_OK ||
        store_account_by_name(f->st, &f->ar, "eric", &f->acc) != RC_OK ||
        store_event_get(f->st, &f->ar, "cooperer", &f->e) != RC_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->st);
    arena_release(&f->ar);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* 150 characters without the hashtag: over the limit of 140, under twice it. */
#define LONG_MESSAGE                                                                               \
    "JBeaudet: un des principaux problèmes, c'est nous-mêmes, notre langage, il faut parler "    \
    "d'ententes de services et non de subventions, disait-il encore ce soir"

static void
stored_text_adds_the_tag_only_when_it_fits(void **state)
{
    struct fixture *f = *state;
    const char *s;

    s = post_stored_text(&f->ar, &f->e, "il faut travailler ensemble", 27);
    assert_string_equal(s, "il faut travailler ensemble #innover");
    s = post_stored_text(&f->ar, &f->e, "déjà #Innover", strlen("déjà #Innover"));
    assert_string_equal(s, "déjà #Innover");
    s = post_stored_text(&f->ar, &f->e, LONG_MESSAGE, strlen(LONG_MESSAGE));
    assert_string_equal(s, LONG_MESSAGE);
    /* NFC: the e and its combining accent become one character */
    s = post_stored_text(&f->ar, &f->e, "cafe\xcc\x81 #innover", strlen("cafe\xcc\x81 #innover"));
    assert_string_equal(s, "caf\xc3\xa9 #innover");
}

static void
importing_again_adds_nothing(void **state)
{
    static const char list[] = "- il faut travailler ensemble\n"
                               "- " LONG_MESSAGE "\n"
                               "- une question de la salle #innover\n";
    struct import_options opt = {0};
    struct import_report first, again;
    struct import_item *items;
    enum import_format format;
    const char *error = NULL;
    struct fixture *f = *state;
    size_t n;

    assert_int_equal(import_parse(&f->ar, list, sizeof(list) - 1, &format, &items, &n, &error),
                     RC_OK);
    assert_int_equal(format, IMPORT_LIST);
    assert_int_equal(n, 3);
    assert_int_equal(import_run(f->st, &f->ar, &f->e, &f->acc, items, n, &opt, &first, NULL, NULL),
                     RC_OK);
    assert_int_equal(first.imported, 3);
    assert_int_equal(first.over_limit, 1);
    assert_int_equal(import_run(f->st, &f->ar, &f->e, &f->acc, items, n, &opt, &again, NULL, NULL),
                     RC_OK);
    assert_int_equal(again.imported, 0);
    assert_int_equal(again.duplicates, 3);
}

/*
 * comments_import of the JSON text doc; the status it answers, 0 when it
 * took them. Outside a transaction: what it stored before a refusal stays.
 */
static int
import_comments(struct fixture *f, const char *doc)
{
    struct response res = {0};
    json_t *j = json_loads(doc, 0, NULL);
    int status;

    assert_non_null(j);
    status = comments_import(&f->ar, &res, f->st, &f->e, j) ? 0 : res.status;
    response_reset(&res);
    json_decref(j);
    return status;
}

static void
a_reply_is_numbered_after_its_parent(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(import_comments(f, "[{\"id\": \"200\", \"author\": \"Jean-Pierre\","
                                        " \"body\": \"Merci\"},"
                                        " {\"id\": \"100\", \"parent_id\": \"200\","
                                        " \"author\": \"Eric\", \"body\": \"De rien\"}]"),
                     422);
    assert_int_equal(import_comments(f, "[{\"id\": \"400\", \"author\": \"Jean-Pierre\","
                                        " \"body\": \"Merci\"},"
                                        " {\"id\": \"500\", \"parent_id\": \"400\","
                                        " \"author\": \"Eric\", \"body\": \"De rien\"},"
                                        " {\"parent_id\": \"500\", \"author\": \"Eric\","
                                        " \"body\": \"Et encore\"}]"),
                     0);
}

/*
 * fuzz_import: a Twitter time whose offset ran on for 80 digits overflowed
 * the year, and the item's time was no time ("18446744…-11-20T…"). Each
 * number of the form is bounded now: such a time is unreadable, and the
 * file is refused saying which tweet, as for any other unreadable time.
 */
static void
twitter_times_are_times_or_refused(void **state)
{
    static const char good[] =
        "window.YTD.tweets.part0 = [\n"
        " {\"tweet\": {\"id_str\": \"100\", \"full_text\": \"Bonne #innover\",\n"
        "  \"created_at\": \"Thu Nov 20 23:02:11 +0000 2014\"}},\n"
        " {\"tweet\": {\"id_str\": \"103\", \"full_text\": \"Montréal #innover\",\n"
        "  \"created_at\": \"Thu Nov 20 18:02:11 -0500 2014\"}}\n"
        "]\n";
    static const char *const bad[] = {
        "Thu Nov 20 23:05:00 +00000000000000000000018446744073709551615 2014",
        "Thu Nov 99 23:05:00 +0000 2014",
        "Thu Nov 20 23:05:00 +0000 99999",
        "Thu Nov 20 25:05:00 +0000 2014",
    };
    struct import_item *items;
    enum import_format format;
    const char *error = NULL;
    struct fixture *f = *state;
    size_t n, i;

    assert_int_equal(import_parse(&f->ar, good, sizeof(good) - 1, &format, &items, &n, &error),
                     RC_OK);
    assert_int_equal(format, IMPORT_TWITTER);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].created_at, "2014-11-20T23:02:11Z");
    assert_string_equal(items[1].created_at, "2014-11-20T23:02:11Z");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *doc = arena_printf(&f->ar,
                                 "window.YTD.tweets.part0 = [{\"tweet\": {\"id_str\": \"1\", "
                                 "\"full_text\": \"x #innover\", \"created_at\": \"%s\"}}]",
                                 bad[i]);
        error = NULL;
        assert_int_equal(import_parse(&f->ar, doc, strlen(doc), &format, &items, &n, &error),
                         RC_INVALID);
        assert_non_null(error);
        assert_non_null(strstr(error, "created_at"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stored_text_adds_the_tag_only_when_it_fits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(importing_again_adds_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reply_is_numbered_after_its_parent, setup, teardown),
        cmocka_unit_test_setup_teardown(twitter_times_are_times_or_refused, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
