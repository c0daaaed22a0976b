/*
 * tests/unit/test_profile.c - an account's name shown and note
 * (api/profile.c): the rules (characters, not bytes; control characters;
 * UTF-8), what a save keeps (trimmed name, NULL for "unchanged"), that a
 * refusal or an unknown account writes nothing, and that a save makes
 * every cached page and kept account stale.
 */
#define _XOPEN_SOURCE 700 /* nftw(), to remove the test's directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cache.h"
#include "api/profile.h"
#include "core/rc.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char data[128];
    struct store *st;
    struct arena ar;
    int64_t id;
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
    struct account a = {.username = "marie", .role = "editor"};

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/gz-profile-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return free(f), -1;
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    if (store_open(f->data, &f->st) != RC_OK || store_account_add(f->st, &a, &f->id) != RC_OK)
        return free(f), -1;
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

/* The reason profile_check gives, or "" when it takes them. */
static const char *
refusal(const char *name, const char *note)
{
    static char why[160];

    why[0] = '\0';
    if (profile_check(name, note, why, sizeof(why)) == RC_OK)
        return "";
    assert_true(why[0] != '\0');
    return why;
}

static char *
repeat(const char *s, int n)
{
    size_t len = strlen(s);
    char *out = malloc(len * (size_t)n + 1);
    int i;

    assert_non_null(out);
    for (i = 0; i < n; i++)
        memcpy(out + len * (size_t)i, s, len);
    out[len * (size_t)n] = '\0';
    return out;
}

static void
rules_count_characters_and_refuse_controls(void **state)
{
    char *name30 = repeat("é", 30), *name31 = repeat("x", 31), *note500 = repeat("€", 500),
         *note501 = repeat("n", 501);

    (void)state;
    assert_string_equal(refusal("Marie Tremblay (CDÉC)", "Coordonnatrice.\r\n\tCLD"), "");
    assert_string_equal(refusal(name30, note500), ""); /* 60 and 1,500 bytes */
    assert_string_equal(refusal("", ""), "");
    assert_string_equal(refusal(NULL, NULL), "");
    assert_string_equal(refusal(name31, NULL), "the name shown is 31 characters, the limit is 30");
    assert_string_equal(refusal(NULL, note501), "the note is 501 characters, the limit is 500");
    assert_non_null(strstr(refusal("a\nb", NULL), "control character"));
    assert_non_null(strstr(refusal("a\tb", NULL), "control character"));
    assert_non_null(strstr(refusal(NULL, "a\x1b[31m"), "control character"));
    assert_non_null(strstr(refusal(NULL, "a\x7f"), "control character"));
    assert_non_null(strstr(refusal("a\xc2\x85", NULL), "control character")); /* U+0085 */
    assert_string_equal(refusal("\xc2\xa0Zoé", NULL), "");                    /* U+00A0 is text */
    assert_non_null(strstr(refusal("Zo\xff", NULL), "not UTF-8"));
    assert_non_null(strstr(refusal(NULL, "\xc3("), "not UTF-8"));
    assert_non_null(strstr(refusal("\xed\xa0\x80", NULL), "not UTF-8")); /* a surrogate */
    free(name30);
    free(name31);
    free(note500);
    free(note501);
}

static void
save_keeps_what_is_sent_and_stales_every_page(void **state)
{
    struct fixture *f = *state;
    uint64_t accounts = cache_accounts_generation(), page = cache_event_generation("profil"),
             all = cache_event_generation(CACHE_ALL);
    struct account a;
    char why[160];

    assert_int_equal(
        profile_save(f->st, f->id, "  Marie Tremblay ", "Coordonnatrice", why, sizeof(why)), RC_OK);
    assert_int_equal(store_account_by_id(f->st, &f->ar, f->id, &a), RC_OK);
    assert_string_equal(a.display_name, "Marie Tremblay");
    assert_string_equal(a.note, "Coordonnatrice");
    assert_true(cache_accounts_generation() > accounts);
    assert_true(cache_event_generation("profil") > page);
    assert_true(cache_event_generation(CACHE_ALL) > all);

    /* NULL keeps; "" empties */
    assert_int_equal(profile_save(f->st, f->id, NULL, "", why, sizeof(why)), RC_OK);
    assert_int_equal(store_account_by_name(f->st, &f->ar, "marie", &a), RC_OK);
    assert_string_equal(a.display_name, "Marie Tremblay");
    assert_string_equal(a.note, "");
    assert_int_equal(profile_save(f->st, f->id, "Marie", NULL, why, sizeof(why)), RC_OK);
    assert_int_equal(store_account_by_id(f->st, &f->ar, f->id, &a), RC_OK);
    assert_string_equal(a.display_name, "Marie");
    assert_string_equal(a.note, "");
}

static void
refusals_and_unknown_accounts_write_nothing(void **state)
{
    struct fixture *f = *state;
    uint64_t accounts;
    struct account a;
    char why[160];

    assert_int_equal(profile_save(f->st, f->id, "Marie", "Note", why, sizeof(why)), RC_OK);
    accounts = cache_accounts_generation();
    /* a good name with a bad note: neither is kept */
    assert_int_equal(profile_save(f->st, f->id, "Autre", "a\x01", why, sizeof(why)), RC_INVALID);
    assert_non_null(strstr(why, "note"));
    assert_int_equal(profile_save(f->st, f->id + 1000, "Personne", NULL, why, sizeof(why)),
                     RC_NOTFOUND);
    assert_int_equal(store_account_by_id(f->st, &f->ar, f->id, &a), RC_OK);
    assert_string_equal(a.display_name, "Marie");
    assert_string_equal(a.note, "Note");
    assert_int_equal(cache_accounts_generation(), accounts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_count_characters_and_refuse_controls),
        cmocka_unit_test_setup_teardown(save_keeps_what_is_sent_and_stales_every_page, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(refusals_and_unknown_accounts_write_nothing, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
