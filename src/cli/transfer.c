/*
 * cli/transfer.c - "gazouillis import FILE" and "gazouillis export SLUG":
 * the event document (DESIGN.md) between a file and the store, through the
 * same code as POST and GET /api/v1/events, so a document exported and
 * imported into an empty server comes back the same, ids and times
 * included. Both work on the data directory directly, server running or not.
 */
#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/import_zip.h"
#include "api/importer.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/rc.h"
#include "store/store.h"

/* The message of an API error response ({"error": …}), for stderr. */
static void
print_error(const char *cmd, const struct response *res)
{
    json_t *j = json_loadb(res->body ? res->body : "", res->body_len, 0, NULL);
    const char *msg = json_string_value(json_object_get(j, "error"));

    fprintf(stderr, "gazouillis %s: %s\n", cmd, msg ? msg : "failed");
    json_decref(j);
}

/* Opens the store of an existing data directory (never creates one by mistake). */
static struct store *
open_existing(const char *cmd, const char *data)
{
    char path[4096];
    struct store *st = NULL;
    FILE *f;

    snprintf(path, sizeof(path), "%s/gazouillis.db", data);
    if ((f = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "gazouillis %s: no data in '%s' (start the server once, or give --data)\n",
                cmd, data);
        return NULL;
    }
    fclose(f);
    if (store_open(data, &st) != RC_OK) {
        fprintf(stderr, "gazouillis %s: %s\n", cmd, store_open_error());
        return NULL;
    }
    return st;
}

/* A progress bar on a terminal: "importing  1,234 / 5,000 [=====>     ]". */
static void
show_progress(size_t done, size_t total, void *arg)
{
    int width = 30, filled = total > 0 ? (int)(done * (size_t)width / total) : width;

    (void)arg;
    fprintf(stderr, "\rimporting %6zu / %-6zu [%.*s%s%*s]", done, total, filled,
            "==============================", filled < width ? ">" : "",
            width - filled - (filled < width), "");
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/*
 * The messages not imported as they were, where they are in the file: the
 * first NOTES_SHOWN of each reason, then how many more (--verbose: all),
 * so 30,000 messages over the limit do not bury the rest of the report.
 */
#define NOTES_SHOWN 20

static void
print_notes(const struct import_report *rep, const char *unit, bool verbose)
{
    const char *reasons[16];
    size_t shown[16] = {0}, total[16] = {0}, n_reasons = 0, i, r;

    for (i = 0; i < rep->n_notes; i++) {
        for (r = 0; r < n_reasons && strcmp(reasons[r], rep->notes[i].what) != 0; r++)
            ;
        if (r == n_reasons && n_reasons < 16)
            reasons[n_reasons++] = rep->notes[i].what;
        if (r < n_reasons)
            total[r]++;
        if (verbose || r == n_reasons || shown[r] < NOTES_SHOWN) {
            printf("  %s %zu: %s\n", unit, rep->notes[i].where, rep->notes[i].what);
            if (r < n_reasons)
                shown[r]++;
        }
    }
    for (r = 0; r < n_reasons; r++)
        if (total[r] > shown[r])
            printf("  … and %zu more %ss: %s (--verbose lists them all)\n", total[r] - shown[r],
                   unit, reasons[r]);
}

/*
 * gazouillis import FILE --event SLUG [--as USER] [--since ISO] [--until ISO] [--all-tags]:
 * messages written elsewhere (a list, a Twitter archive's zip or its
 * tweets.js, a Mastodon outbox.json) into an event, with a report.
 */
static int
import_into_event(const char *file, const char *slug, const char *data, const char *as,
                  const struct import_options *opt_in, bool all_tags, bool verbose)
{
    struct import_options opt = *opt_in;
    struct import_report rep;
    struct import_item *items;
    enum import_format format;
    struct arena ar = {0};
    struct store *st = NULL;
    struct account acc;
    struct event e;
    const char *error;
    char *bytes = NULL;
    size_t len = 0, cap = 0, n;
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    int rc, status = CLI_EXIT_FAILURE;

    if (f == NULL) {
        fprintf(stderr, "gazouillis import: cannot read '%s': %s\n", file, strerror(errno));
        return CLI_EXIT_INVALID;
    }
    for (;;) {
        size_t got;
        if (len + 65536 > cap) {
            char *bigger = realloc(bytes, cap = cap ? cap * 2 : 131072);
            if (bigger == NULL || cap > ((size_t)256 << 20)) {
                fprintf(stderr, "gazouillis import: '%s' is too big (256 MB at most)\n", file);
                free(bigger != NULL ? bigger : bytes);
                if (f != stdin)
                    fclose(f);
                return CLI_EXIT_INVALID;
            }
            bytes = bigger;
        }
        if ((got = fread(bytes + len, 1, 65536, f)) == 0)
            break;
        len += got;
    }
    if (f != stdin)
        fclose(f);
    if (import_parse(&ar, bytes != NULL ? bytes : "", len, &format, &items, &n, &error) != RC_OK) {
        fprintf(stderr, "gazouillis import: %s: %s; nothing imported\n", file,
                error != NULL ? error : "out of memory");
        status = CLI_EXIT_INVALID;
        goto out;
    }
    opt.require_tag = format != IMPORT_LIST && !all_tags;
    if (auth_init() != 0 || (st = open_existing("import", data)) == NULL)
        goto out;
    if (store_account_by_name(st, &ar, as, &acc) != RC_OK) {
        fprintf(stderr, "gazouillis import: no account '%s'\n", as);
        status = CLI_EXIT_INVALID;
        goto out;
    }
    if ((rc = store_event_get(st, &ar, slug, &e)) != RC_OK) {
        fprintf(stderr, "gazouillis import: no event '%s'\n", slug);
        status = CLI_EXIT_INVALID;
        goto out;
    }
    rc =
        import_run(st, &ar, &e, &acc, items, n, &opt, &rep, isatty(2) ? show_progress : NULL, NULL);
    if (rc == RC_INVALID) {
        fprintf(stderr, "gazouillis import: --since and --until take ISO 8601 date-times, such "
                        "as 2014-11-20T18:00:00-05:00\n");
        status = CLI_EXIT_USAGE;
        goto out;
    }
    if (rc != RC_OK) {
        fprintf(stderr, "gazouillis import: the import failed (%s); nothing imported\n",
                store_errmsg(st));
        goto out;
    }
    printf("imported %zu of %zu messages into '%s' (%s)\n", rep.imported, rep.read, slug,
           format == IMPORT_LIST                                   ? "a list"
           : format == IMPORT_TWITTER && import_zip_is(bytes, len) ? "a Twitter archive zip"
           : format == IMPORT_TWITTER                              ? "a Twitter archive"
                                                                   : "a Mastodon outbox");
    if (rep.over_limit > 0)
        printf("  %zu over the event's limit of %d, kept as records\n", rep.over_limit,
               e.char_limit);
    if (rep.duplicates > 0)
        printf("  %zu skipped: already in the event\n", rep.duplicates);
    if (rep.other_tags > 0)
        printf("  %zu skipped: without #%s (--all-tags takes them)\n", rep.other_tags, e.hashtag);
    if (rep.out_of_range > 0)
        printf("  %zu skipped: outside --since/--until\n", rep.out_of_range);
    if (rep.refused > 0)
        printf("  %zu refused\n", rep.refused);
    print_notes(&rep, format == IMPORT_LIST ? "line" : "item", verbose);
    status = CLI_EXIT_OK;
out:
    free(bytes);
    store_close(st);
    arena_release(&ar);
    return status;
}

/* gazouillis import FILE [--as USER] [--data DIR], or FILE --event SLUG … */
int
cli_import(int argc, char **argv)
{
    struct import_options opt = {0};
    const char *slug = NULL;
    bool all_tags = false, verbose = false;
    const char *file = NULL, *data = "./data", *as = "admin";
    struct response res = {0};
    struct arena ar = {0};
    struct store *st = NULL;
    struct account acc;
    struct event e;
    json_error_t jerr;
    json_t *doc = NULL;
    int i, status = CLI_EXIT_FAILURE;

    for (i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--data") == 0)
            data = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--as") == 0)
            as = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--event") == 0)
            slug = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--since") == 0)
            opt.since = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--until") == 0)
            opt.until = argv[++i];
        else if (strcmp(argv[i], "--all-tags") == 0)
            all_tags = true;
        else if (strcmp(argv[i], "--verbose") == 0)
            verbose = true;
        else if (argv[i][0] != '-' && file == NULL)
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (file == NULL) {
        fputs("usage: gazouillis import FILE [--as USER] [--data DIR]\n"
              "       gazouillis import FILE --event SLUG [--as USER] [--since ISO] [--until ISO]\n"
              "                         [--all-tags] [--verbose] [--data DIR]\n"
              "  FILE        an event document (JSON); \"-\" reads stdin\n"
              "  --event     import the messages of FILE into that event instead: a list (one\n"
              "              per line, \"-\" optional), a Twitter archive's data/tweets.js, or a\n"
              "              Mastodon export's outbox.json; again adds nothing\n"
              "  --as        the account that becomes its editor, or posts them (default admin)\n"
              "  --since, --until  only the messages of that time (archives)\n"
              "  --all-tags  also the archive's messages without the event's hashtag\n"
              "  --verbose   list every message not imported as it was (else 20 of each reason)\n",
              stderr);
        return CLI_EXIT_USAGE;
    }
    if (slug != NULL)
        return import_into_event(file, slug, data, as, &opt, all_tags, verbose);
    doc = strcmp(file, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
                                 : json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL || !json_is_object(doc)) {
        fprintf(stderr, "gazouillis import: '%s' is not a JSON object: %s (line %d, column %d)\n",
                file, doc ? "another JSON value" : jerr.text, jerr.line, jerr.column);
        status = CLI_EXIT_INVALID;
        goto out;
    }
    if (auth_init() != 0 || (st = open_existing("import", data)) == NULL)
        goto out;
    if (store_account_by_name(st, &ar, as, &acc) != RC_OK) {
        fprintf(stderr, "gazouillis import: no account '%s'\n", as);
        status = CLI_EXIT_INVALID;
        goto out;
    }
    if (!event_create(st, &ar, doc, &acc, &e, &res)) {
        print_error("import", &res);
        status = CLI_EXIT_INVALID;
        goto out;
    }
    if (json_array_size(json_object_get(doc, "comments")) > 0)
        printf("imported event '%s' (%zu posts, %zu comments)\n", e.slug,
               json_array_size(json_object_get(doc, "posts")),
               json_array_size(json_object_get(doc, "comments")));
    else
        printf("imported event '%s' (%zu posts)\n", e.slug,
               json_array_size(json_object_get(doc, "posts")));
    status = CLI_EXIT_OK;
out:
    response_reset(&res);
    json_decref(doc);
    store_close(st);
    arena_release(&ar);
    return status;
}

/* gazouillis export SLUG [--format json] [--data DIR] */
int
cli_export(int argc, char **argv)
{
    const char *slug = NULL, *data = "./data", *format = "json";
    struct arena ar = {0};
    struct store *st = NULL;
    struct event e;
    json_t *doc = NULL;
    int i, rc, status = CLI_EXIT_FAILURE;

    for (i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--data") == 0)
            data = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--format") == 0)
            format = argv[++i];
        else if (argv[i][0] != '-' && slug == NULL)
            slug = argv[i];
        else
            slug = NULL, i = argc;
    }
    if (slug == NULL) {
        fputs("usage: gazouillis export SLUG [--format json] [--data DIR]\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(format, "json") != 0) {
        fprintf(stderr, "gazouillis export: format '%s' is not there yet: json is\n", format);
        return CLI_EXIT_USAGE;
    }
    if ((st = open_existing("export", data)) == NULL)
        goto out;
    if ((rc = store_event_get(st, &ar, slug, &e)) != RC_OK) {
        fprintf(stderr, "gazouillis export: %s\n",
                rc == RC_NOTFOUND ? "no such event" : store_errmsg(st));
        status = rc == RC_NOTFOUND ? CLI_EXIT_INVALID : CLI_EXIT_FAILURE;
        goto out;
    }
    if ((doc = event_document_all(st, &ar, &e, &rc)) == NULL ||
        json_dumpf(doc, stdout, JSON_INDENT(2)) != 0 || fputc('\n', stdout) == EOF ||
        fflush(stdout) != 0) {
        fprintf(stderr, "gazouillis export: cannot write the document\n");
        goto out;
    }
    status = CLI_EXIT_OK;
out:
    json_decref(doc);
    store_close(st);
    arena_release(&ar);
    return status;
}
