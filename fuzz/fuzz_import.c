/*
 * fuzz/fuzz_import.c - libFuzzer target for the importers (api/importer.c,
 * api/import_zip.c): the input is a file as "gazouillis import FILE --event"
 * or the edit page's upload gets it (a list of messages, a Twitter
 * archive's tweets.js or its zip, a Mastodon outbox.json; the format is
 * guessed from its first bytes). It is parsed, and what parses is imported
 * into the fixture's event (fuzz/harness.h) twice. What must hold:
 *
 *   - the parser reads within the bytes given (they are not NUL-terminated
 *     here) and returns items of UTF-8 text, with a time of the form
 *     YYYY-MM-DDTHH:MM:SSZ or none, and places from 1 on; or an error;
 *   - the import's report adds up: every item read is imported, or counted
 *     once as without the tag, out of range, a duplicate or refused, and
 *     those imported over the limit are among the imported;
 *   - importing the same items again imports nothing (README: "again adds
 *     nothing").
 */
#include <stdint.h>
#include <string.h>

#include "api/importer.h"
#include "core/rc.h"
#include "fuzz/harness.h"
#include "text/text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Items imported at most: a longer list is only parsed, so that one input stays quick. */
#define MAX_IMPORTED 64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup();
    return 0;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "YYYY-MM-DDTHH:MM:SSZ" */
static bool
is_time(const char *s)
{
    static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
    size_t i;

    if (strlen(s) != sizeof(form) - 1)
        return false;
    for (i = 0; form[i] != '\0'; i++)
        if (form[i] == 'd' ? !is_digit(s[i]) : s[i] != form[i])
            return false;
    return true;
}

static void
check_items(const struct import_item *items, size_t n)
{
    size_t i, at;

    FZ_CHECK(n == 0 || items != NULL);
    for (i = 0; i < n; i++) {
        FZ_CHECK(items[i].text != NULL);
        FZ_CHECK(text_utf8_check(items[i].text, strlen(items[i].text), &at) == TEXT_UTF8_OK);
        FZ_CHECK(items[i].created_at == NULL || is_time(items[i].created_at));
        FZ_CHECK(items[i].where >= 1);
    }
}

static void
check_report(const struct import_report *rep, size_t n)
{
    FZ_CHECK(rep->read == n);
    FZ_CHECK(rep->imported + rep->other_tags + rep->out_of_range + rep->duplicates + rep->refused ==
             n);
    FZ_CHECK(rep->over_limit <= rep->imported);
    FZ_CHECK(rep->n_notes == n - rep->imported + rep->over_limit);
}

/* Says which items an import took: those its notes do not name, or name as over the limit. */
static void
print_imported(const struct import_item *items, size_t n, const struct import_report *rep,
               size_t first)
{
    size_t i, k;

    fprintf(stderr, "fuzz: %zu of %zu items imported again (first time %zu):\n", rep->imported, n,
            first);
    for (i = 0; i < n; i++) {
        for (k = 0; k < rep->n_notes; k++)
            if (rep->notes[k].where == items[i].where &&
                strcmp(rep->notes[k].what, "imported over the limit") != 0)
                break;
        if (k == rep->n_notes)
            fprintf(stderr, "  item %zu: \"%s\"\n", items[i].where, items[i].text);
    }
}

/* Imports the items twice into the fixture's event, as its admin. */
static void
import_twice(struct arena *ar, const struct import_item *items, size_t n, bool require_tag)
{
    struct import_options opt = {.require_tag = require_tag};
    struct import_report first, again;
    struct store *st;
    struct account acc;
    struct event e;

    fz_reset();
    FZ_CHECK((st = app_store(&fz.app)) != NULL);
    FZ_CHECK(store_account_by_name(st, ar, "admin", &acc) == RC_OK);
    FZ_CHECK(store_event_get(st, ar, fz.slug, &e) == RC_OK);
    FZ_CHECK(import_run(st, ar, &e, &acc, items, n, &opt, &first, NULL, NULL) == RC_OK);
    check_report(&first, n);
    FZ_CHECK(import_run(st, ar, &e, &acc, items, n, &opt, &again, NULL, NULL) == RC_OK);
    check_report(&again, n);
    if (again.imported != 0)
        print_imported(items, n, &again, first.imported);
    FZ_CHECK(again.imported == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_item *items = NULL;
    enum import_format format;
    struct arena ar = {0};
    const char *error = NULL;
    char *copy;
    size_t n = 0;
    int rc;

    FZ_CHECK((copy = malloc(size > 0 ? size : 1)) != NULL); /* exactly the bytes, no NUL after */
    memcpy(copy, data, size);
    rc = import_parse(&ar, copy, size, &format, &items, &n, &error);
    FZ_CHECK(rc == RC_OK || rc == RC_INVALID);
    if (rc == RC_OK) {
        check_items(items, n);
        if (n > 0 && n <= MAX_IMPORTED)
            import_twice(&ar, items, n, format != IMPORT_LIST);
    } else {
        FZ_CHECK(error != NULL && error[0] != '\0');
    }
    arena_release(&ar);
    free(copy);
    return 0;
}
