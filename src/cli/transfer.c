/*
 * cli/transfer.c - "gazouillis import FILE" and "gazouillis export SLUG":
 * the event document (DESIGN.md) between a file and the store, through the
 * same code as POST and GET /api/v1/events, so a document exported and
 * imported into an empty server comes back the same, ids and times
 * included. Both work on the data directory directly, server running or not.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
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

static void
response_free(struct response *res)
{
    if (res->body_owned)
        free(res->body);
    memset(res, 0, sizeof(*res));
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

/* gazouillis import FILE [--as USER] [--data DIR] */
int
cli_import(int argc, char **argv)
{
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
        else if (argv[i][0] != '-' && file == NULL)
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (file == NULL) {
        fputs("usage: gazouillis import FILE [--as USER] [--data DIR]\n"
              "  FILE  an event document (JSON); \"-\" reads stdin\n"
              "  --as  the account that becomes its editor (default admin)\n",
              stderr);
        return CLI_EXIT_USAGE;
    }
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
    response_free(&res);
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
