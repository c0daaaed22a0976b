/*
 * text/highlight.c - hit highlighting: wraps code point ranges of a post's
 * text in <em></em>, as upstream twitter-text's hitHighlight does for search
 * results. The text may already be HTML (the output of autolink), so the
 * offsets count only the characters outside the markup, and an <em> that
 * opens inside an element's text closes before that element's end tag when
 * the hit ends there ("<a><em>foo</em></a>", not "<a><em>foo</a></em>").
 *
 * What counts as markup is upstream's split on '<' and '>', made total: a tag
 * runs from '<' to the next '>' (or to the end of the text when none
 * follows) and is copied byte for byte. Upstream turns a lone '>' into a tag
 * and rewrites an unterminated "<b" as "<b>"; here a lone '>' is text and
 * nothing is ever added to the input but the <em> tags. Entities such as
 * "&amp;" are not decoded: they count as the characters they are written
 * with, as upstream.
 *
 * Upstream assumes sorted, disjoint, in-range hits and garbles the text
 * (duplicates or drops parts of it) otherwise. Here the hits are cleaned
 * first: an end past the text is clamped to it, empty or inverted ranges
 * are dropped, the rest are sorted and overlapping ones merged. Touching
 * hits stay apart ("</em><em>"), as upstream. Code points are counted from
 * UTF-8 lead bytes, so malformed UTF-8 never makes us read past len.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

#define EM_OPEN  "<em>"
#define EM_CLOSE "</em>"

struct hl_range {
    size_t start, end;
};

static bool
is_cp_start(char c)
{
    return ((unsigned char)c & 0xC0) != 0x80;
}

/* Code points of s[0..len) outside the markup: the length hits refer to. */
static size_t
hl_text_length(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    const char *gt;

    while (i < len) {
        if (s[i] == '<') {
            gt = memchr(s + i, '>', len - i);
            i = gt != NULL ? (size_t)(gt - s) + 1 : len;
            continue;
        }
        if (is_cp_start(s[i]))
            n++;
        i++;
    }
    return n;
}

static int
hl_range_cmp(const void *a, const void *b)
{
    const struct hl_range *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

/*
 * Cleans the hits against a text of total code points into *out (malloc'd,
 * the caller frees it): clamped, non-empty, sorted and disjoint. Returns the
 * number of ranges kept, which may be 0, or -1 if memory runs out.
 */
static ptrdiff_t
hl_clean_hits(const uint32_t (*hits)[2], size_t n_hits, size_t total,
              struct hl_range **out /* OUT */)
{
    struct hl_range *r;
    size_t i, n = 0, m = 0;

    *out = NULL;
    if (n_hits > SIZE_MAX / sizeof(*r) || n_hits > PTRDIFF_MAX)
        return -1;
    if ((r = malloc(n_hits * sizeof(*r))) == NULL)
        return -1;
    for (i = 0; i < n_hits; i++) {
        size_t start = hits[i][0], end = hits[i][1];

        if (end > total)
            end = total;
        if (start < end)
            r[n++] = (struct hl_range){start, end};
    }
    if (n > 1)
        qsort(r, n, sizeof(*r), hl_range_cmp);
    for (i = 0; i < n; i++) {
        if (m > 0 && r[i].start < r[m - 1].end) {
            if (r[i].end > r[m - 1].end)
                r[m - 1].end = r[i].end;
        } else {
            r[m++] = r[i];
        }
    }
    *out = r;
    return (ptrdiff_t)m;
}

/* Where tag k of the flattened starts and ends goes, and which tag it is. */
static size_t
hl_tag_pos(const struct hl_range *r, size_t k)
{
    return k % 2 == 0 ? r[k / 2].start : r[k / 2].end;
}

static const char *
hl_tag(size_t k)
{
    return k % 2 == 0 ? EM_OPEN : EM_CLOSE;
}

/*
 * Appends s[0..len) to out with the cleaned ranges r[0..n) wrapped in
 * <em></em>. Tag k (0-based, over the flattened starts and ends) sits at
 * code point hl_tag_pos(r, k): an opening tag before the character at that position,
 * so after any markup in front of it; a closing tag likewise, except that
 * it goes before the markup when its <em> opened in the same stretch of
 * text, which keeps the two well nested.
 */
static int
hl_write(struct text_buf *out, const char *s, size_t len, const struct hl_range *r, size_t n)
{
    size_t i = 0, copied = 0, cp = 0, k = 0, n_tags = 2 * n;
    bool open_here = false; /* an <em> opened in this stretch of text (since the last tag) */
    const char *gt;

    while (i < len && k < n_tags) {
        if (s[i] == '<') {
            if (k % 2 == 1 && open_here && hl_tag_pos(r, k) == cp) {
                if (buf_append(out, s + copied, i - copied) != 0 || buf_puts(out, EM_CLOSE) != 0)
                    return -1;
                copied = i;
                k++;
            }
            open_here = false;
            gt = memchr(s + i, '>', len - i);
            i = gt != NULL ? (size_t)(gt - s) + 1 : len;
            continue;
        }
        if (is_cp_start(s[i])) {
            if (hl_tag_pos(r, k) == cp) {
                if (buf_append(out, s + copied, i - copied) != 0)
                    return -1;
                copied = i;
                for (; k < n_tags && hl_tag_pos(r, k) == cp; k++) {
                    if (buf_puts(out, hl_tag(k)) != 0)
                        return -1;
                    open_here = k % 2 == 0;
                }
            }
            cp++;
        }
        i++;
    }
    if (buf_append(out, s + copied, len - copied) != 0)
        return -1;
    /* What is left ends at the end of the text, after any trailing markup. */
    for (; k < n_tags; k++)
        if (buf_puts(out, hl_tag(k)) != 0)
            return -1;
    return 0;
}

/*
 * Appends s[0..len) to out with the hits wrapped in <em></em> (see the top
 * of this file for how hits are cleaned). Returns 0, or -1 if memory runs
 * out, out then as it was.
 */
int
text_hit_highlight(struct text_buf *out, const char *s, size_t len, const uint32_t (*hits)[2],
                   size_t n_hits)
{
    struct hl_range *r;
    size_t saved = out->len;
    ptrdiff_t n;
    int rc;

    if (hits == NULL || n_hits == 0)
        return buf_append(out, s, len);
    if ((n = hl_clean_hits(hits, n_hits, hl_text_length(s, len), &r)) < 0)
        return -1;
    rc = hl_write(out, s, len, r, (size_t)n);
    free(r);
    if (rc != 0 && out->data != NULL) {
        out->len = saved;
        out->data[saved] = '\0';
    }
    return rc;
}
