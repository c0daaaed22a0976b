/*
 * cli/split.c - "gazouillis split [--limit N] [--hashtag TAG] [TEXT]": a
 * text too long for one post, as the numbered thread of posts that the
 * composer would propose (text_split), one part per line. TEXT, or stdin
 * when absent or "-".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "text/text.h"

#define MAX_TEXT 16384

int
cli_split(int argc, char **argv)
{
    const char *text = NULL, *tag = NULL;
    struct text_split sp;
    char buf[MAX_TEXT + 1];
    long limit = 140;
    size_t len, i;
    int a;

    for (a = 1; a < argc; a++) {
        if (a + 1 < argc && strcmp(argv[a], "--limit") == 0) {
            char *end;
            limit = strtol(argv[++a], &end, 10);
            if (*end != '\0' || limit < 20 || limit > 10000) {
                fputs("gazouillis split: --limit takes a number from 20 to 10000\n", stderr);
                return CLI_EXIT_USAGE;
            }
        } else if (a + 1 < argc && strcmp(argv[a], "--hashtag") == 0) {
            tag = argv[++a];
        } else if (strcmp(argv[a], "--help") == 0 || (argv[a][0] == '-' && argv[a][1] != '\0') ||
                   text != NULL) {
            fputs("usage: gazouillis split [--limit N] [--hashtag TAG] [TEXT]\n"
                  "  a text too long for one post as a numbered thread, one part a line;\n"
                  "  TEXT, or stdin; --limit (default 140), --hashtag ending each part\n",
                  strcmp(argv[a], "--help") == 0 ? stdout : stderr);
            return strcmp(argv[a], "--help") == 0 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
        } else {
            text = argv[a];
        }
    }
    if ((a = cli_text_or_stdin("split", &text, buf, MAX_TEXT)) != CLI_EXIT_OK)
        return a;
    len = strlen(text);
    if (text_split(text, len, (int)limit, tag, &sp) != 0) {
        fprintf(stderr,
                "gazouillis split: the text is not UTF-8, longer than %d bytes, or does "
                "not fit in 99 parts of %ld\n",
                MAX_TEXT, limit);
        return CLI_EXIT_INVALID;
    }
    for (i = 0; i < sp.n; i++)
        printf("%s\n", sp.parts[i]);
    text_split_release(&sp);
    return CLI_EXIT_OK;
}
