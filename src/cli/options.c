/*
 * cli/options.c - what the subcommands share to read their arguments:
 * "--name VALUE" and "--name=VALUE" alike, and a TEXT given or read from
 * stdin.
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

int
cli_text_or_stdin(const char *cmd, const char **text, char *buf, size_t max)
{
    size_t len;

    if (*text != NULL && strcmp(*text, "-") != 0)
        return CLI_EXIT_OK;
    len = fread(buf, 1, max + 1, stdin);
    if (len > max) {
        fprintf(stderr, "gazouillis %s: the text is longer than %zu bytes\n", cmd, max);
        return CLI_EXIT_INVALID;
    }
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    buf[len] = '\0';
    *text = buf;
    return CLI_EXIT_OK;
}
