/*
 * cli/fit.c - "gazouillis fit [--limit N] [--lang fr|en] [TEXT]": a post
 * shortened to its limit by abbreviation (text_fit), as the composer's
 * "Shorten" proposes it. The text on stdout; each word changed on stderr
 * ("développement -> dév."); exit status 1 when even the best found does
 * not fit (it is printed all the same). TEXT, or stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"

#define MAX_TEXT 16384

int
cli_fit(int argc, char **argv)
{
    struct fit_options opt = {.limit = 140};
    struct text_fit_result r;
    const char *text = NULL;
    char buf[MAX_TEXT + 1];
    size_t i;
    int a;

    for (a = 1; a < argc; a++) {
        if (a + 1 < argc && strcmp(argv[a], "--limit") == 0) {
            char *end;
            long v = strtol(argv[++a], &end, 10);
            if (*end != '\0' || v < 1 || v > 10000) {
                fputs("gazouillis fit: --limit takes a number from 1 to 10000\n", stderr);
                return CLI_EXIT_USAGE;
            }
            opt.limit = (int)v;
        } else if (a + 1 < argc && strcmp(argv[a], "--lang") == 0) {
            const char *lang = argv[++a];
            if (strcmp(lang, "fr") != 0 && strcmp(lang, "en") != 0) {
                fputs("gazouillis fit: --lang is fr or en\n", stderr);
                return CLI_EXIT_USAGE;
            }
            opt.english = strcmp(lang, "en") == 0;
        } else if (strcmp(argv[a], "--help") == 0 || (argv[a][0] == '-' && argv[a][1] != '\0') ||
                   text != NULL) {
            fputs("usage: gazouillis fit [--limit N] [--lang fr|en] [TEXT]\n"
                  "  a post shortened to its limit (default 140) by abbreviation, as by hand;\n"
                  "  the words changed on stderr; exit status 1 when it cannot fit\n",
                  strcmp(argv[a], "--help") == 0 ? stdout : stderr);
            return strcmp(argv[a], "--help") == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
        } else {
            text = argv[a];
        }
    }
    if ((a = cli_text_or_stdin("fit", &text, buf, MAX_TEXT)) != CLI_EXIT_OK)
        return a;
    if (text_fit(text, strlen(text), &opt, &r) != 0) {
        fprintf(stderr, "gazouillis fit: the text is not UTF-8 or longer than %d bytes\n",
                MAX_TEXT);
        return CLI_EXIT_INVALID;
    }
    printf("%s\n", r.text);
    fflush(stdout); /* the text before the changes, on one terminal or pipe */
    for (i = 0; i < r.changed; i++)
        fprintf(stderr, "%s -> %s\n", r.changes[i].from, r.changes[i].to);
    if (!r.fits)
        fprintf(stderr,
                "gazouillis fit: it cannot fit: %.0f characters for a limit of %d (the "
                "best found is above)\n",
                r.weighted_length, opt.limit);
    a = r.fits ? CLI_EXIT_OK : CLI_EXIT_INVALID;
    text_fit_release(&r);
    return a;
}
