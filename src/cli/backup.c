/*
 * cli/backup.c - "gazouillis backup FILE" and "gazouillis restore FILE":
 * the operator's side of store/backup.c. backup runs while the server
 * serves (the copy is of the moment it began); restore refuses to run
 * while anything has the database open, and keeps the database it
 * replaces beside it.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/rc.h"
#include "store/store.h"

static void
backup_usage(FILE *f)
{
    fputs("usage: gazouillis backup FILE [--data DIR] [--force]\n"
          "  a consistent copy of DIR's database in FILE, taken while the server runs\n"
          "  --data   data directory (default ./data)\n"
          "  --force  replace FILE when it exists\n",
          f);
}

static void
restore_usage(FILE *f)
{
    fputs("usage: gazouillis restore FILE [--data DIR]\n"
          "  puts the backup FILE in the place of DIR's database; the server must be stopped.\n"
          "  The database it replaces is kept as DIR/gazouillis.db.before-restore-TIME.\n"
          "  --data   data directory (default ./data; created when missing)\n",
          f);
}

/* An rc of store/backup.c as the exit status: refusals 1, failures 3. */
static int
exit_status(int rc)
{
    return rc == RC_CONFLICT || rc == RC_INVALID || rc == RC_NOTFOUND ? CLI_EXIT_INVALID
                                                                      : CLI_EXIT_FAILURE;
}

static void
print_stats(const char *what, const char *file, const struct store_copy_stats *s)
{
    printf("%s: %lld pages, %lld bytes (%.1f MiB) in %.3f s into %s\n", what, (long long)s->pages,
           (long long)s->bytes, (double)s->bytes / (1024.0 * 1024.0), s->seconds, file);
}

int
cli_backup(int argc, char **argv)
{
    const char *data = "./data", *file = NULL;
    struct store_copy_stats stats;
    char err[1024];
    bool force = false;
    int i, r, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            backup_usage(stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if ((r = cli_opt_value("backup", argc, argv, &i, "--data", &data)) != 0) {
            if (r < 0)
                return CLI_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "gazouillis backup: unknown option '%s'\n", argv[i]);
            backup_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "gazouillis backup: one FILE only\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (file == NULL) {
        backup_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if ((rc = store_backup(data, file, force, &stats, err, sizeof(err))) != RC_OK) {
        fprintf(stderr, "gazouillis backup: %s\n", err);
        return exit_status(rc);
    }
    print_stats("backup", file, &stats);
    return CLI_EXIT_OK;
}

int
cli_restore(int argc, char **argv)
{
    const char *data = "./data", *file = NULL;
    struct store_copy_stats stats;
    char err[1024], aside[4200];
    int i, r, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            restore_usage(stdout);
            return CLI_EXIT_OK;
        } else if ((r = cli_opt_value("restore", argc, argv, &i, "--data", &data)) != 0) {
            if (r < 0)
                return CLI_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "gazouillis restore: unknown option '%s'\n", argv[i]);
            restore_usage(stderr);
            return CLI_EXIT_USAGE;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "gazouillis restore: one FILE only\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (file == NULL) {
        restore_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if ((rc = store_restore(file, data, aside, sizeof(aside), &stats, err, sizeof(err))) != RC_OK) {
        fprintf(stderr, "gazouillis restore: %s\n", err);
        return exit_status(rc);
    }
    snprintf(err, sizeof(err), "%s/gazouillis.db", data);
    print_stats("restore", err, &stats);
    if (aside[0] != '\0')
        printf("the database it replaced is now %s\n", aside);
    return CLI_EXIT_OK;
}
