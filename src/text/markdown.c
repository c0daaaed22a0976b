/*
 * text/markdown.c - the Markdown fields of an event (context, disclaimer,
 * conclusion) to HTML, with cmark, the CommonMark reference. These fields
 * are written by editors but shown to everyone, so they are treated as
 * hostile: raw HTML is dropped (no CMARK_OPT_UNSAFE: cmark writes a
 * comment in its place) and links or images whose address is javascript:,
 * vbscript:, file: or data: (but for a few image types) get an empty one.
 * Posts are not Markdown: they go through text_autolink.
 * cmark.h appears only here (STYLE.md 1).
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

int
text_markdown(struct text_buf *out, const char *md, size_t len)
{
    size_t old_len = out->len, at;
    char *html;
    int rc;

    if (len > TEXT_MAX_INPUT || text_utf8_check(md, len, &at) != TEXT_UTF8_OK)
        return -1;
    /* CMARK_OPT_DEFAULT leaves CMARK_OPT_UNSAFE off: no raw HTML, no javascript: URL. */
    if ((html = cmark_markdown_to_html(md, len, CMARK_OPT_DEFAULT)) == NULL)
        return -1;
    rc = buf_puts(out, html);
    free(html);
    if (rc != 0 && out->data != NULL) {
        out->len = old_len;
        out->data[old_len] = '\0';
    }
    return rc;
}
