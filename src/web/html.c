/*
 * web/html.c - the HTML writer the pages are built with: one growing
 * buffer (struct text_buf of the text engine), where every piece of text
 * and every attribute value goes through text_html_escape (what is not
 * UTF-8 as U+FFFD), and only string literals of the code are written
 * raw. Running out of memory is noted once and checked when the page is
 * sent, as git's strbuf users do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

/* Appends len raw bytes; the buffer grows by doubling. */
void
html_rawn(struct html *h, const char *markup, size_t len)
{
    struct text_buf *b = &h->buf;
    size_t cap;
    char *p;

    if (h->nomem || len == 0)
        return;
    if (b->len + len + 1 > b->cap) {
        cap = b->cap > 0 ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        if ((p = realloc(b->data, cap)) == NULL) {
            h->nomem = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, markup, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void
html_raw(struct html *h, const char *markup)
{
    html_rawn(h, markup, strlen(markup));
}

/*
 * Escapes s[0..len) into the page. What is not UTF-8 (a form sent back
 * with the bytes it was refused for, a NUL) goes out as U+FFFD, a byte at
 * a time: a page is always valid UTF-8, whatever it echoes.
 */
void
html_textn(struct html *h, const char *s, size_t len)
{
    size_t at;

    if (h->nomem || s == NULL)
        return;
    while (text_utf8_check(s, len, &at) != TEXT_UTF8_OK) {
        if (text_html_escape(&h->buf, s, at) != 0) {
            h->nomem = true;
            return;
        }
        html_rawn(h, "\xEF\xBF\xBD", 3);
        s += at + 1;
        len -= at + 1;
    }
    if (text_html_escape(&h->buf, s, len) != 0)
        h->nomem = true;
}

void
html_text(struct html *h, const char *s)
{
    if (s != NULL)
        html_textn(h, s, strlen(s));
}

void
html_textf(struct html *h, const char *fmt, ...)
{
    char small[512], *big = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        html_textn(h, small, (size_t)n);
        return;
    }
    if ((big = malloc((size_t)n + 1)) == NULL) {
        h->nomem = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html_textn(h, big, (size_t)n);
    free(big);
}

void
html_msg(struct html *h, enum msg id)
{
    html_text(h, msg(h->lang, id));
}

void
html_attr(struct html *h, const char *name, const char *value)
{
    html_raw(h, " ");
    html_raw(h, name);
    html_raw(h, "=\"");
    html_text(h, value);
    html_raw(h, "\"");
}

bool
web_url_ok(const char *url)
{
    if (url == NULL)
        return false;
    if (url[0] == '/')
        return url[1] != '/' && url[1] != '\\';
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

void
html_link(struct html *h, const char *url, const char *text, const char *class_name)
{
    bool external = url != NULL && url[0] != '/';

    if (!web_url_ok(url)) {
        html_text(h, text);
        return;
    }
    html_raw(h, "<a");
    html_attr(h, "href", url);
    if (class_name != NULL)
        html_attr(h, "class", class_name);
    if (external)
        html_raw(h, " rel=\"noopener noreferrer\"");
    html_raw(h, ">");
    html_text(h, text);
    html_raw(h, "</a>");
}

void
html_markdown(struct html *h, const char *md)
{
    if (h->nomem || md == NULL || md[0] == '\0')
        return;
    /* Invalid UTF-8 cannot be stored (the API checks), so -1 here is memory. */
    if (text_markdown(&h->buf, md, strlen(md)) != 0)
        html_text(h, md);
}
