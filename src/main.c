/*
 * main.c - the gazouillis binary: finds the subcommand named by the first
 * argument and hands it the rest. Nothing else lives here: each command
 * parses its own options (src/cli/) and returns the exit status, which is
 * 2 for every usage error, here and in the commands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Every subcommand, in the order usage lists them. */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cli_serve, "run the server (the web pages and the API)"},
    {"user", cli_user, "create an account (prints its password once)"},
    {"token", cli_token, "create an API bearer token (printed once)"},
    {"import", cli_import, "import an event document (JSON) into the data directory"},
    {"export", cli_export, "print an event document (JSON) from the data directory"},
    {"backup", cli_backup, "copy the database into a file, while the server runs"},
    {"restore", cli_restore, "put a backup in the place of the database (server stopped)"},
    {"count", cli_count, "weighted length, validity and entities of a post, as JSON"},
    {"split", cli_split, "a text too long for one post, as a numbered thread"},
    {"fit", cli_fit, "a post shortened to its limit by abbreviation, as by hand"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
    size_t i;

    fputs("usage: gazouillis COMMAND [ARGS...]\n"
          "       gazouillis --help | --version\n"
          "\n"
          "commands:\n",
          f);
    for (i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'gazouillis COMMAND --help' for a command's options.\n", f);
}

int
main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("gazouillis %s\n", GAZOUILLIS_VERSION);
        return CLI_EXIT_OK;
    }
    for (i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);

    if (argv[1][0] == '-')
        fprintf(stderr, "gazouillis: unknown option '%s'\n", argv[1]);
    else
        fprintf(stderr, "gazouillis: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
