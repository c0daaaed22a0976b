/*
 * text/comment_html.c - a reader's comment (plain text, never markup) as
 * HTML: paragraphs at blank lines, <br> at single line breaks, http(s)
 * URLs as links marked nofollow ugc (the web's sign for user-given links),
 * everything else escaped. URLs are found by the same extractor as posts';
 * hashtags and mentions are not linked in comments.
 */
#include <string.h>
#include <strings.h>

#include "text/text.h"
#include "text/text_int.h"

/* Whether s[0..len) holds only blanks. */
static bool
blank(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/*
 * Escapes s[from..to) with line breaks as <br> (CRLF is one break); a break
 * that ends the piece is dropped when it ends the paragraph (last), kept
 * when a link follows it.
 */
static int
lines_html(struct text_buf *out, const char *s, size_t from, size_t to, bool last)
{
    size_t i, run = from;

    for (i = from; i < to; i++) {
        if (s[i] != '\n' && s[i] != '\r')
            continue;
        if (text_html_escape(out, s + run, i - run) != 0)
            return -1;
        if (s[i] == '\r' && i + 1 < to && s[i + 1] == '\n')
            i++;
        if ((i + 1 < to || !last) && buf_append(out, "<br>", 4) != 0)
            return -1;
        run = i + 1;
    }
    return text_html_escape(out, s + run, to - run);
}

/* One paragraph s[from..to): its URLs linked. */
static int
paragraph_html(struct text_buf *out, const char *s, size_t from, size_t to,
               const struct text_entities *urls)
{
    size_t at = from, i;

    if (buf_append(out, "<p>", 3) != 0)
        return -1;
    for (i = 0; i < urls->n; i++) {
        const struct text_entity *u = &urls->v[i];
        const char *scheme = u->has_protocol ? "" : "https://";
        if (u->start < from || u->end > to)
            continue;
        if (lines_html(out, s, at, u->start, false) != 0 || buf_append(out, "<a href=\"", 9) != 0 ||
            buf_append(out, scheme, strlen(scheme)) != 0 ||
            text_html_escape(out, s + u->value_start, u->value_end - u->value_start) != 0 ||
            buf_append(out, "\" rel=\"nofollow ugc noopener\">", 30) != 0 ||
            text_html_escape(out, s + u->value_start, u->value_end - u->value_start) != 0 ||
            buf_append(out, "</a>", 4) != 0)
            return -1;
        at = u->value_end > u->end ? u->value_end : u->end;
    }
    if (lines_html(out, s, at, to, true) != 0)
        return -1;
    return buf_append(out, "</p>", 4);
}

/* The URLs of s that get links: http(s) ones and scheme-less domains (not javascript: etc.). */
static int
comment_urls(const char *s, size_t len, struct text_entities *urls)
{
    size_t at, i, kept = 0;

    if (len > TEXT_MAX_INPUT || text_utf8_check(s, len, &at) != TEXT_UTF8_OK)
        return -1;
    if (text_extract_urls(s, len, urls) != 0)
        return -1;
    for (i = 0; i < urls->n; i++) {
        const struct text_entity *u = &urls->v[i];
        const char *v = s + u->value_start;
        size_t vlen = u->value_end - u->value_start;
        /* Any case ("HTTPS://"); a URL without one gets "https://", so a ':' in it is safe. */
        bool http = (vlen > 7 && strncasecmp(v, "http://", 7) == 0) ||
                    (vlen > 8 && strncasecmp(v, "https://", 8) == 0);
        if (!u->has_protocol || http)
            urls->v[kept++] = *u;
    }
    urls->n = kept;
    return 0;
}

int
text_comment_html(struct text_buf *out, const char *s, size_t len)
{
    struct text_entities urls = {0};
    size_t saved = out->len, start = 0, i, para = 0;
    bool in_para = false;
    int rc = 0;

    if (comment_urls(s, len, &urls) != 0) {
        text_entities_release(&urls);
        return -1;
    }
    /* Walks the lines; a blank one ends the paragraph. */
    for (i = 0; i <= len && rc == 0; i++) {
        if (i < len && s[i] != '\n')
            continue;
        if (blank(s + start, i - start)) {
            if (in_para)
                rc = paragraph_html(out, s, para, start > para ? start - 1 : para, &urls);
            in_para = false;
        } else if (!in_para) {
            in_para = true;
            para = start;
        }
        start = i + 1;
    }
    if (rc == 0 && in_para)
        rc = paragraph_html(out, s, para, len, &urls);
    text_entities_release(&urls);
    if (rc != 0) {
        out->len = saved;
        if (out->data != NULL)
            out->data[saved] = '\0';
        return -1;
    }
    if (out->data == NULL && buf_append(out, "", 0) != 0)
        return -1;
    return 0;
}

size_t
text_comment_links(const char *s, size_t len)
{
    struct text_entities urls = {0};
    size_t n = 0;

    if (comment_urls(s, len, &urls) == 0)
        n = urls.n;
    text_entities_release(&urls);
    return n;
}
