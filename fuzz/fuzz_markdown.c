/*
 * fuzz/fuzz_markdown.c - libFuzzer target for the Markdown fields of an
 * event (context, disclaimer, conclusion): text/markdown.c, which every
 * page and the recap render them through. The fields are written by editors
 * but shown to everyone, so the HTML must be safe whatever they hold:
 *
 *   - text_markdown refuses (-1, out untouched) exactly the inputs that are
 *     not UTF-8 or hold a NUL, and otherwise gives UTF-8;
 *   - the HTML holds no markup but CommonMark's own elements (p, em,
 *     strong, a, img, code, pre, blockquote, lists, headings, hr, br) and
 *     the comment cmark leaves for raw HTML, with only href, src, alt,
 *     title, start and a code block's class as attributes, always quoted;
 *   - no href or src is javascript:, vbscript:, file: or data: (but for a
 *     few image types), whatever the case or the characters around.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_markdown: %s:%d: check failed: %s\n", __FILE__, __LINE__,        \
                    #cond);                                                                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char *const elements[] = {"p",          "em", "strong", "a",  "img", "code", "pre",
                                       "blockquote", "ul", "ol",     "li", "h1",  "h2",   "h3",
                                       "h4",         "h5", "h6",     "hr", "br",  NULL};
static const char *const attributes[] = {"href", "src", "alt", "title", "start", "class", NULL};

static bool
in_list(const char *const *list, const char *s, size_t n)
{
    for (; *list != NULL; list++)
        if (strlen(*list) == n && memcmp(*list, s, n) == 0)
            return true;
    return false;
}

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* An address as a browser reads it: entities decoded, blanks and controls dropped, lower case. */
static void
normalize_url(const char *v, size_t n, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < n && o + 1 < size; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '&') { /* cmark writes &amp; &quot; &lt; &gt; &#39; only */
            const char *semi = memchr(v + i, ';', n - i);
            c = semi != NULL && semi - (v + i) == 4 && memcmp(v + i, "&amp", 4) == 0 ? '&' : '?';
            if (semi != NULL)
                i = (size_t)(semi - v);
        }
        if (c <= ' ')
            continue;
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[o] = '\0';
}

static void
check_url(const char *v, size_t n)
{
    char url[64];

    normalize_url(v, n, url, sizeof(url));
    CHECK(strncmp(url, "javascript:", 11) != 0);
    CHECK(strncmp(url, "vbscript:", 9) != 0);
    CHECK(strncmp(url, "file:", 5) != 0);
    if (strncmp(url, "data:", 5) == 0)
        CHECK(strncmp(url, "data:image/png", 14) == 0 || strncmp(url, "data:image/gif", 14) == 0 ||
              strncmp(url, "data:image/jpeg", 15) == 0 || strncmp(url, "data:image/webp", 15) == 0);
}

/* Reads the tag at h[i] ('<'); returns the index after its '>'. */
static size_t
check_tag(const char *h, size_t n, size_t i)
{
    static const char comment[] = "<!-- raw HTML omitted -->";
    size_t name, a, v;

    if (n - i >= sizeof(comment) - 1 && memcmp(h + i, comment, sizeof(comment) - 1) == 0)
        return i + sizeof(comment) - 1;
    i++;
    if (i < n && h[i] == '/')
        i++;
    for (name = i; i < n && is_name_char(h[i]); i++)
        ;
    CHECK(in_list(elements, h + name, i - name));
    for (;;) {
        CHECK(i < n);
        if (h[i] == '>')
            return i + 1;
        if (h[i] == ' ' && i + 2 < n && h[i + 1] == '/' && h[i + 2] == '>') /* "<br />" */
            return i + 3;
        CHECK(h[i] == ' ');
        for (a = ++i; i < n && is_name_char(h[i]); i++)
            ;
        CHECK(in_list(attributes, h + a, i - a));
        CHECK(i + 1 < n && h[i] == '=' && h[i + 1] == '"');
        for (v = i += 2; i < n && h[i] != '"'; i++)
            CHECK(h[i] != '<' && h[i] != '>');
        CHECK(i < n);
        if ((i - v > 0 && memcmp(h + a, "href", 4) == 0) || memcmp(h + a, "src", 3) == 0)
            check_url(h + v, i - v);
        i++;
    }
}

static void
check_html(const char *h, size_t n)
{
    size_t i = 0, at;

    CHECK(text_utf8_check(h, n, &at) == TEXT_UTF8_OK);
    while (i < n) {
        if (h[i] == '<') {
            i = check_tag(h, n, i);
            continue;
        }
        i++; /* text: a '>' there is harmless (cmark writes &gt; anyway) */
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct text_buf out = {0};
    const char *s = (const char *)data;
    size_t at;
    bool utf8 = text_utf8_check(s, size, &at) == TEXT_UTF8_OK;
    int rc;

    CHECK(text_html_escape(&out, "x", 1) == 0); /* something before, which must stay */
    rc = text_markdown(&out, s, size);
    CHECK(rc == (utf8 ? 0 : -1));
    CHECK(out.len >= 1 && out.data[0] == 'x');
    if (rc != 0)
        CHECK(out.len == 1);
    else
        check_html(out.data + 1, out.len - 1);
    text_buf_release(&out);
    return 0;
}
