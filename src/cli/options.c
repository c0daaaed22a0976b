/*
 * cli/options.c - what the subcommands share to read their options:
 * "--name VALUE" and "--name=VALUE" alike.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int
cli_opt_value(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 == argc) {
        fprintf(stderr, "gazouillis %s: '%s' needs a value\n", cmd, name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}
