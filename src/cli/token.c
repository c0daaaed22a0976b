/*
 * cli/token.c - "gazouillis token create": a bearer token for the API
 * (Mastodon apps, scripts, the benchmark), made by the operator on the data
 * directory the server uses. The token is printed once, alone on stdout so
 * a script can take it ("TOKEN=$(gazouillis token create eric)"); the
 * store keeps only its SHA-256, so a lost token is replaced, not recovered.
 *
 * Scopes, secrets and storage are auth/'s; this file parses arguments and
 * turns return codes into messages. Exit status: 0 done, 1 refused (no
 * such user, a disabled one, an unknown scope), 2 usage, 3 failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/rc.h"
#include "store/store.h"

#define TOKEN_DEFAULT_DATA "./data"

struct token_opts {
    const char *name;
    const char *scopes; /* as given */
    const char *data;
};

static void
token_usage(FILE *f)
{
    fputs("usage: gazouillis token create NAME [--scopes \"read write\"] [--data DIR]\n"
          "\n"
          "Creates a bearer token for the API on behalf of the user NAME and prints it,\n"
          "once: only its hash is stored. Send it as 'Authorization: Bearer TOKEN'.\n"
          "\n"
          "  --scopes S    space-separated: read, write, follow, push, or sub-scopes\n"
          "                such as read:statuses, write:media (default \"read write\")\n"
          "  --data DIR    the data directory (default ./data), shared with 'serve'\n"
          "\n"
          "exit status: 0 done, 1 refused, 2 usage error, 3 failure\n",
          f);
}

/* Parses "token create ARGS...". Returns 0, -1 after a usage error, -2 for --help. */
static int
token_parse(int argc, char **argv, struct token_opts *o /* OUT */)
{
    bool dashdash = false;
    int i, r;

    if (argc < 2) {
        fputs("gazouillis token: missing command: create\n", stderr);
        goto usage;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        goto help;
    if (strcmp(argv[1], "create") != 0) {
        fprintf(stderr, "gazouillis token: unknown command '%s': use create\n", argv[1]);
        goto usage;
    }
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];

        if (dashdash || a[0] != '-') {
            if (o->name != NULL) {
                fprintf(stderr, "gazouillis token: one NAME only, '%s' is one too many\n", a);
                goto usage;
            }
            o->name = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            dashdash = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            goto help;
        if ((r = cli_opt_value("token", argc, argv, &i, "--data", &o->data)) == 0)
            r = cli_opt_value("token", argc, argv, &i, "--scopes", &o->scopes);
        if (r < 0)
            goto usage;
        if (r == 0) {
            fprintf(stderr, "gazouillis token create: unknown option '%s'\n", a);
            goto usage;
        }
    }
    if (o->name == NULL) {
        fputs("gazouillis token create: missing NAME\n", stderr);
        goto usage;
    }
    if (o->data[0] == '\0') {
        fputs("gazouillis token: '--data' needs a directory\n", stderr);
        goto usage;
    }
    return 0;
help:
    token_usage(stdout);
    return -2;
usage:
    token_usage(stderr);
    return -1;
}

/* Names the first scope of s that auth_scopes_normalize() refuses, on stderr. */
static void
token_bad_scope(const char *s)
{
    char word[AUTH_SCOPES_MAX], norm[AUTH_SCOPES_MAX];

    while (*s != '\0') {
        size_t n;

        s += strspn(s, " ");
        if ((n = strcspn(s, " ")) == 0)
            break;
        if (n >= sizeof(word))
            n = sizeof(word) - 1;
        memcpy(word, s, n);
        word[n] = '\0';
        if (auth_scopes_normalize(word, norm, sizeof(norm)) != RC_OK) {
            fprintf(stderr,
                    "gazouillis token create: unknown scope '%s': use read, write, follow, "
                    "push, or a sub-scope such as read:statuses or write:media\n",
                    word);
            return;
        }
        s += strcspn(s, " ");
    }
    fputs("gazouillis token create: the scopes are too long\n", stderr);
}

int
cli_token(int argc, char **argv)
{
    struct token_opts o = {.data = TOKEN_DEFAULT_DATA};
    struct store *st = NULL;
    char token[AUTH_SECRET_SIZE], norm[AUTH_SCOPES_MAX], path[4096];
    const char *why;
    int rc, status;

    if ((status = token_parse(argc, argv, &o)) != 0)
        return status == -2 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (auth_scopes_normalize(o.scopes, norm, sizeof(norm)) != RC_OK) {
        token_bad_scope(o.scopes);
        return CLI_EXIT_INVALID;
    }
    if (!auth_username_valid(o.name)) {
        fprintf(stderr, "gazouillis token create: no user '%s'\n", o.name);
        return CLI_EXIT_INVALID;
    }
    /* A mistyped --data would otherwise create an empty store and say "no user". */
    snprintf(path, sizeof(path), "%s/gazouillis.db", o.data);
    if (access(path, F_OK) != 0) {
        fprintf(stderr,
                "gazouillis token create: no database in '%s' (%s): give the right --data, "
                "or create the user first with 'gazouillis user add'\n",
                o.data, strerror(errno));
        return CLI_EXIT_INVALID;
    }
    if (auth_init() != 0) {
        fputs("gazouillis token: cannot initialise libsodium\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    if ((rc = store_open(o.data, &st)) != RC_OK) {
        why = store_open_error();
        fprintf(stderr, "gazouillis token: cannot open the data directory '%s': %s\n", o.data,
                why != NULL && why[0] != '\0' ? why : rc_string(rc));
        return CLI_EXIT_FAILURE;
    }
    rc = auth_token_create(st, o.name, norm, token, sizeof(token));
    switch (rc) {
    case RC_OK:
        status = CLI_EXIT_OK;
        printf("%s\n", token);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "gazouillis token create: cannot write the token: %s\n",
                    strerror(errno));
            status = CLI_EXIT_FAILURE;
            break;
        }
        fprintf(stderr,
                "gazouillis token create: token for '%s' with scopes '%s' (shown only once)\n",
                o.name, norm);
        break;
    case RC_NOTFOUND:
        fprintf(stderr, "gazouillis token create: no user '%s'\n", o.name);
        status = CLI_EXIT_INVALID;
        break;
    case RC_FORBIDDEN:
        fprintf(stderr, "gazouillis token create: user '%s' is disabled\n", o.name);
        status = CLI_EXIT_INVALID;
        break;
    default:
        fprintf(stderr, "gazouillis token create: cannot create a token for '%s': %s\n", o.name,
                rc == RC_IO || rc == RC_AGAIN ? store_errmsg(st) : rc_string(rc));
        status = CLI_EXIT_FAILURE;
        break;
    }
    auth_wipe(token, sizeof(token));
    store_close(st);
    return status;
}
