/*
 * cli/user.c - "gazouillis user": the operator's way to make accounts
 * before (or while) the server runs, on the same data directory. "add"
 * creates an account with a generated password, "password" gives an
 * existing one a new generated password (the way back in when the first
 * admin's password is lost). The password is printed once on stdout and
 * nowhere else: the store keeps only its argon2id hash.
 *
 * Rules (names, roles, hashing) are auth/'s; this file parses arguments
 * and turns return codes into messages. Exit status: 0 done, 1 refused
 * (bad name or role, name taken, no such user), 2 usage, 3 failure.
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

#define USER_DEFAULT_DATA "./data"

struct user_opts {
    const char *cmd;  /* "add" | "password" */
    const char *name; /* the one NAME argument */
    const char *role; /* add only */
    const char *data;
};

static void
user_usage(FILE *f)
{
    fputs("usage: gazouillis user add NAME [--role admin|editor|member] [--data DIR]\n"
          "       gazouillis user password NAME [--data DIR]\n"
          "\n"
          "add       creates the account NAME and prints its generated password, once\n"
          "password  gives the account NAME a new generated password and prints it, once\n"
          "\n"
          "  NAME          1 to 30 of a-z, 0-9 and _\n"
          "  --role ROLE   admin, editor or member (the default)\n"
          "  --data DIR    the data directory (default ./data), shared with 'serve'\n"
          "\n"
          "exit status: 0 done, 1 refused, 2 usage error, 3 failure\n",
          f);
}

/*
 * Parses "user CMD ARGS...". Returns 0, -1 after a usage error (reported
 * with the usage on stderr), -2 when --help was asked (usage on stdout).
 */
static int
user_parse(int argc, char **argv, struct user_opts *o /* OUT */)
{
    bool dashdash = false;
    int i, r;

    if (argc < 2) {
        fputs("gazouillis user: missing command: add or password\n", stderr);
        goto usage;
    }
    o->cmd = argv[1];
    if (strcmp(o->cmd, "--help") == 0 || strcmp(o->cmd, "-h") == 0)
        goto help;
    if (strcmp(o->cmd, "add") != 0 && strcmp(o->cmd, "password") != 0) {
        fprintf(stderr, "gazouillis user: unknown command '%s': use add or password\n", o->cmd);
        goto usage;
    }
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];

        if (dashdash || a[0] != '-') {
            if (o->name != NULL) {
                fprintf(stderr, "gazouillis user: one NAME only, '%s' is one too many\n", a);
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
        if ((r = cli_opt_value("user", argc, argv, &i, "--data", &o->data)) < 0)
            goto usage;
        if (r == 1)
            continue;
        if (strcmp(o->cmd, "add") == 0 &&
            (r = cli_opt_value("user", argc, argv, &i, "--role", &o->role)) != 0) {
            if (r < 0)
                goto usage;
            continue;
        }
        fprintf(stderr, "gazouillis user %s: unknown option '%s'\n", o->cmd, a);
        goto usage;
    }
    if (o->name == NULL) {
        fprintf(stderr, "gazouillis user %s: missing NAME\n", o->cmd);
        goto usage;
    }
    if (o->data[0] == '\0') {
        fputs("gazouillis user: '--data' needs a directory\n", stderr);
        goto usage;
    }
    return 0;
help:
    user_usage(stdout);
    return -2;
usage:
    user_usage(stderr);
    return -1;
}

/* Opens the store in dir, reporting why not. Returns the exit status to use on failure, or 0. */
static int
user_open(const char *dir, bool must_exist, struct store **st)
{
    char path[4096];
    const char *why;
    int rc;

    if (must_exist) {
        snprintf(path, sizeof(path), "%s/gazouillis.db", dir);
        if (access(path, F_OK) != 0) {
            fprintf(stderr,
                    "gazouillis user: no database in '%s' (%s): give the right --data, or "
                    "create a user with 'gazouillis user add'\n",
                    dir, strerror(errno));
            return CLI_EXIT_INVALID;
        }
    }
    if ((rc = store_open(dir, st)) != RC_OK) {
        why = store_open_error();
        fprintf(stderr, "gazouillis user: cannot open the data directory '%s': %s\n", dir,
                why != NULL && why[0] != '\0' ? why : rc_string(rc));
        return CLI_EXIT_FAILURE;
    }
    return 0;
}

static int
user_add(const struct user_opts *o)
{
    struct store *st = NULL;
    char password[AUTH_PASSWORD_SIZE];
    int rc, status;

    if (!auth_role_valid(o->role)) {
        fprintf(stderr, "gazouillis user add: unknown role '%s': use admin, editor or member\n",
                o->role);
        return CLI_EXIT_INVALID;
    }
    if (!auth_username_valid(o->name)) {
        fprintf(stderr,
                "gazouillis user add: invalid user name '%s': use 1 to 30 of a-z, 0-9 and _\n",
                o->name);
        return CLI_EXIT_INVALID;
    }
    if ((status = user_open(o->data, false, &st)) != 0)
        return status;
    rc = auth_account_create(st, o->name, o->role, password, sizeof(password));
    switch (rc) {
    case RC_OK:
        status = CLI_EXIT_OK;
        printf("created user %s (%s) with password: %s\n", o->name, o->role, password);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "gazouillis user add: cannot write the password: %s\n",
                    strerror(errno));
            status = CLI_EXIT_FAILURE;
        }
        break;
    case RC_CONFLICT:
        fprintf(stderr, "gazouillis user add: user '%s' already exists\n", o->name);
        status = CLI_EXIT_INVALID;
        break;
    default:
        fprintf(stderr, "gazouillis user add: cannot create user '%s': %s\n", o->name,
                rc == RC_IO || rc == RC_AGAIN ? store_errmsg(st) : rc_string(rc));
        status = CLI_EXIT_FAILURE;
        break;
    }
    auth_wipe(password, sizeof(password));
    store_close(st);
    return status;
}

static int
user_password(const struct user_opts *o)
{
    struct store *st = NULL;
    char password[AUTH_PASSWORD_SIZE];
    int rc, status;

    if (!auth_username_valid(o->name)) {
        fprintf(stderr, "gazouillis user password: no user '%s'\n", o->name);
        return CLI_EXIT_INVALID;
    }
    if ((status = user_open(o->data, true, &st)) != 0)
        return status;
    rc = auth_account_reset_password(st, o->name, password, sizeof(password));
    switch (rc) {
    case RC_OK:
        status = CLI_EXIT_OK;
        printf("new password for user %s: %s\n", o->name, password);
        if (fflush(stdout) != 0) {
            fprintf(stderr, "gazouillis user password: cannot write the password: %s\n",
                    strerror(errno));
            status = CLI_EXIT_FAILURE;
        }
        break;
    case RC_NOTFOUND:
        fprintf(stderr, "gazouillis user password: no user '%s'\n", o->name);
        status = CLI_EXIT_INVALID;
        break;
    default:
        fprintf(stderr, "gazouillis user password: cannot change the password of '%s': %s\n",
                o->name, rc == RC_IO || rc == RC_AGAIN ? store_errmsg(st) : rc_string(rc));
        status = CLI_EXIT_FAILURE;
        break;
    }
    auth_wipe(password, sizeof(password));
    store_close(st);
    return status;
}

int
cli_user(int argc, char **argv)
{
    struct user_opts o = {.role = "member", .data = USER_DEFAULT_DATA};
    int r;

    if ((r = user_parse(argc, argv, &o)) != 0)
        return r == -2 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    if (auth_init() != 0) {
        fputs("gazouillis user: cannot initialise libsodium\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    if (strcmp(o.cmd, "add") == 0)
        return user_add(&o);
    return user_password(&o);
}
