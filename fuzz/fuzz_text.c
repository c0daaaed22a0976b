/*
 * fuzz/fuzz_text.c - libFuzzer target for the text engine (src/text/).
 * Arbitrary bytes go through text_utf8_check, and when they are UTF-8
 * through everything a post meets: NFC, text_parse under the three configs,
 * the extractors, indexing, replies, autolinking and the single-item
 * validators. Besides the sanitizers' checks, it asserts what must hold
 * whatever the text:
 *
 *   - text_utf8_check agrees with a plain reference validator (verdict and
 *     offset of the first bad sequence), text_parse reports the same error;
 *   - text_nfc gives what utf8proc's own NFC gives, and is idempotent;
 *   - text_parse is self-consistent (valid iff no reason, permillage is
 *     floor(weight / max * 1000), ranges within the text) and gives the same
 *     answer for a text and its NFC form; text_analyze says exactly what
 *     text_parse and text_extract_entities say;
 *   - every entity lies within the text on code point boundaries, starts
 *     with its sigil, and the lists are in text order without overlaps;
 *     text_extract_entities only returns what the single extractors found;
 *     code point indices are the code points before each byte offset;
 *   - an extracted mention or hashtag is valid on its own, and a text that
 *     is a valid username or hashtag extracts as exactly itself;
 *   - the autolinked HTML is UTF-8, holds no markup but <a ...>, </a> and
 *     <br>, every href is a relative path or http(s), and reading the HTML
 *     back (tags stripped, entities unescaped, <br> as a newline, a link's
 *     shortened display checked against its href) gives the input again;
 *   - a comment's HTML holds only paragraphs, breaks and nofollow http(s)
 *     links, as many as text_comment_links counts, and every character of
 *     the text but its blanks, in order.
 *
 * Built by fuzz/fuzz.mk with clang -fsanitize=fuzzer,address,undefined.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include <utf8proc.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_text: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_RC(expr) CHECK((expr) == 0) /* memory does not run out while fuzzing */

static const struct text_config *const configs[] = {&text_config_v1, &text_config_v2,
                                                    &text_config_v3};

/* ---- reference UTF-8 validation (RFC 3629, and no NUL) ---- */

/* True when s[0..n) is valid; otherwise *at is the start of the first bad sequence. */
static bool
ref_utf8_valid(const unsigned char *s, size_t n, size_t *at)
{
    size_t i = 0, k, need;
    uint32_t cp, min;

    while (i < n) {
        unsigned c = s[i];

        *at = i;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            need = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            need = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;
        for (k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += need + 1;
    }
    return true;
}

static bool
is_cont(const char *s, size_t i)
{
    return ((unsigned char)s[i] & 0xC0) == 0x80;
}

/* A byte offset that is 0, len, or the first byte of a character. */
static bool
on_boundary(const char *s, size_t len, size_t i)
{
    return i <= len && (i == len || !is_cont(s, i));
}

static bool
starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return len >= n && memcmp(s, prefix, n) == 0;
}

static bool
starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t i, n = strlen(prefix);

    if (len < n)
        return false;
    for (i = 0; i < n; i++) {
        int c = (unsigned char)s[i];

        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != prefix[i])
            return false;
    }
    return true;
}

/* Length of the sigil at s[0..len): '#'/'＃', '@'/'＠' or '$'; 0 if none. */
static size_t
sigil_len(const char *s, size_t len, enum text_entity_type type)
{
    switch (type) {
    case TEXT_ENTITY_HASHTAG:
        return starts_with(s, len, "#") ? 1 : starts_with(s, len, "\xEF\xBC\x83") ? 3 : 0;
    case TEXT_ENTITY_MENTION:
        return starts_with(s, len, "@") ? 1 : starts_with(s, len, "\xEF\xBC\xA0") ? 3 : 0;
    case TEXT_ENTITY_CASHTAG:
        return starts_with(s, len, "$") ? 1 : 0;
    case TEXT_ENTITY_URL:
        return 0;
    }
    return 0;
}

static bool
is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* An inner range: empty, or within [start, end] on boundaries. */
static void
check_subrange(const char *s, size_t len, const struct text_entity *e, uint32_t a, uint32_t b)
{
    if (a == b)
        return;
    CHECK(a < b && a >= e->start && b <= e->end);
    CHECK(on_boundary(s, len, a) && on_boundary(s, len, b));
}

/* What must hold of each entity of es, found in s[0..len) with opts. */
static void
check_entities(const char *s, size_t len, const struct text_entities *es, unsigned opts)
{
    size_t i, k;

    CHECK(es->n <= es->cap);
    CHECK(es->n == 0 || es->v != NULL);
    for (i = 0; i < es->n; i++) {
        const struct text_entity *e = &es->v[i];
        const char *v = s + e->value_start;
        size_t v_len = e->value_end - e->value_start, sig;

        CHECK(e->type == TEXT_ENTITY_URL || e->type == TEXT_ENTITY_HASHTAG ||
              e->type == TEXT_ENTITY_MENTION || e->type == TEXT_ENTITY_CASHTAG);
        CHECK(e->start < e->end && e->end <= len);
        CHECK(on_boundary(s, len, e->start) && on_boundary(s, len, e->end));
        check_subrange(s, len, e, e->value_start, e->value_end);
        check_subrange(s, len, e, e->list_start, e->list_end);
        check_subrange(s, len, e, e->domain_start, e->domain_end);
        CHECK(v_len > 0);
        /* Text order, apart. */
        if (i > 0)
            CHECK(es->v[i - 1].end <= e->start);

        sig = sigil_len(s + e->start, e->end - e->start, e->type);
        switch (e->type) {
        case TEXT_ENTITY_URL:
            CHECK(e->value_start == e->start && e->value_end == e->end);
            CHECK(e->list_start == e->list_end);
            if (e->has_protocol)
                CHECK(starts_with_ci(v, v_len, "http://") || starts_with_ci(v, v_len, "https://"));
            if (e->domain_start != e->domain_end)
                CHECK(e->domain_start >= e->value_start && e->domain_end <= e->value_end);
            break;
        case TEXT_ENTITY_HASHTAG:
            CHECK(sig > 0 && e->value_start == e->start + sig && e->value_end == e->end);
            CHECK(e->list_start == e->list_end && e->domain_start == e->domain_end);
            break;
        case TEXT_ENTITY_CASHTAG:
            /* cashtag: [a-z]{1,6}(?:[._][a-z]{1,2})? */
            CHECK(sig > 0 && e->value_start == e->start + sig && e->value_end == e->end);
            CHECK(v_len <= 9 && is_name_char((unsigned char)v[0]));
            CHECK(e->list_start == e->list_end && e->domain_start == e->domain_end);
            break;
        case TEXT_ENTITY_MENTION:
            CHECK(sig > 0 && e->value_start == e->start + sig);
            if (e->list_start != e->list_end)
                CHECK(s[e->list_start] == '/' && e->list_start == e->value_end &&
                      e->list_end == e->end);
            if (e->domain_start != e->domain_end) {
                CHECK(opts & TEXT_FEDIVERSE);
                CHECK(e->list_start == e->list_end);
            } else {
                /* A Twitter screen name: [a-z0-9_]{1,20} */
                CHECK(v_len <= 20);
                for (k = 0; k < v_len; k++)
                    CHECK(is_name_char((unsigned char)v[k]));
                if (e->list_start == e->list_end)
                    CHECK(e->value_end == e->end);
            }
            break;
        }
    }
}

/* After text_entities_index: code point indices are counts of code points before. */
static void
check_index(const char *s, size_t len, const struct text_entities *es)
{
    size_t i, total = text_utf8_count_cp(s, len);

    for (i = 0; i < es->n; i++) {
        const struct text_entity *e = &es->v[i];

        CHECK(e->cp_start <= e->cp_end && e->cp_end <= total);
        CHECK(e->cp_start == text_utf8_count_cp(s, e->start));
        CHECK(e->cp_end == text_utf8_count_cp(s, e->end));
    }
}

/* True when es holds an entity of e's type and range. */
static bool
has_entity(const struct text_entities *es, const struct text_entity *e)
{
    size_t i;

    for (i = 0; i < es->n; i++)
        if (es->v[i].type == e->type && es->v[i].start == e->start && es->v[i].end == e->end)
            return true;
    return false;
}

/* ---- reading the autolinked HTML back ---- */

struct html_reader {
    const char *h; /* the HTML */
    size_t hn, i;
    const char *s; /* the text it was made from */
    size_t n, pos;
};

/* Decodes the character reference at h[i] into *c; returns its length. */
static size_t
html_entity(const char *h, size_t hn, size_t i, char *c)
{
    static const struct {
        const char *ref;
        char c;
    } refs[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    size_t k;

    for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++)
        if (starts_with(h + i, hn - i, refs[k].ref)) {
            *c = refs[k].c;
            return strlen(refs[k].ref);
        }
    CHECK(!"a raw '&' in the HTML");
    return 0;
}

/* Unescapes h[0..hn) (no tags in it) into out (hn + 1 bytes); returns its length. */
static size_t
html_unescape(const char *h, size_t hn, char *out)
{
    size_t i = 0, o = 0;

    while (i < hn) {
        CHECK(h[i] != '<' && h[i] != '>' && h[i] != '"' && h[i] != '\'');
        if (h[i] == '&')
            i += html_entity(h, hn, i, &out[o++]);
        else
            out[o++] = h[i++];
    }
    out[o] = '\0';
    return o;
}

/*
 * Reads "<a" attributes ">" at r->i: returns the href (unescaped, malloc'd,
 * NUL-terminated) and whether class is "url".
 */
static char *
html_read_anchor(struct html_reader *r, bool *is_url)
{
    char *href = NULL;

    *is_url = false;
    r->i += 2; /* "<a" */
    while (r->i < r->hn && r->h[r->i] == ' ') {
        size_t name = ++r->i, name_len, val, val_len;

        while (r->i < r->hn && r->h[r->i] >= 'a' && r->h[r->i] <= 'z')
            r->i++;
        name_len = r->i - name;
        CHECK(name_len > 0 && r->i + 1 < r->hn && r->h[r->i] == '=' && r->h[r->i + 1] == '"');
        val = r->i += 2;
        while (r->i < r->hn && r->h[r->i] != '"')
            r->i++;
        CHECK(r->i < r->hn);
        val_len = r->i++ - val;
        if (name_len == 4 && memcmp(r->h + name, "href", 4) == 0) {
            CHECK(href == NULL);
            CHECK((href = malloc(val_len + 1)) != NULL);
            html_unescape(r->h + val, val_len, href);
        } else if (name_len == 5 && memcmp(r->h + name, "class", 5) == 0) {
            *is_url = val_len == 3 && memcmp(r->h + val, "url", 3) == 0;
        }
    }
    CHECK(r->i < r->hn && r->h[r->i] == '>');
    r->i++;
    CHECK(href != NULL);
    /* Only site paths and http(s): never "//host", "javascript:", ... */
    CHECK((href[0] == '/' && href[1] != '/') || starts_with_ci(href, strlen(href), "http://") ||
          starts_with_ci(href, strlen(href), "https://"));
    return href;
}

/*
 * A URL link: its href is the URL as written (with "https://" added when it
 * had no protocol), its text the URL without protocol and "www.", maybe cut
 * short with a "…". Consumes the link and the URL in the text.
 */
static void
html_read_url(struct html_reader *r, const char *href)
{
    size_t href_len = strlen(href), plen, end, d_len, base_len;
    const char *base;
    char *d;

    if (starts_with(r->s + r->pos, r->n - r->pos, href))
        r->pos += href_len;
    else {
        CHECK(starts_with(href, href_len, "https://"));
        CHECK(starts_with(r->s + r->pos, r->n - r->pos, href + 8));
        r->pos += href_len - 8;
    }
    plen = starts_with_ci(href, href_len, "http://")    ? 7
           : starts_with_ci(href, href_len, "https://") ? 8
                                                        : 0;
    base = href + plen;
    base_len = href_len - plen;
    if (base_len > 4 && starts_with_ci(base, base_len, "www.")) {
        base += 4;
        base_len -= 4;
    }
    for (end = r->i; end < r->hn && r->h[end] != '<'; end++)
        ;
    CHECK(starts_with(r->h + end, r->hn - end, "</a>"));
    CHECK((d = malloc(end - r->i + 1)) != NULL);
    d_len = html_unescape(r->h + r->i, end - r->i, d);
    if (!(d_len == base_len && memcmp(d, base, d_len) == 0)) {
        /* shortened: a proper prefix of the URL, then "…" */
        CHECK(d_len >= 3 && memcmp(d + d_len - 3, "\xE2\x80\xA6", 3) == 0);
        CHECK(d_len - 3 < base_len && memcmp(d, base, d_len - 3) == 0);
    }
    free(d);
    r->i = end + 4;
}

/* Reads all of the HTML back against the text (see the file comment). */
static void
check_html(const char *h, size_t hn, const char *s, size_t n)
{
    struct html_reader r = {.h = h, .hn = hn, .s = s, .n = n};
    bool in_a = false, is_url;
    size_t at;
    char c;

    CHECK(text_utf8_check(h, hn, &at) == TEXT_UTF8_OK);
    while (r.i < r.hn) {
        if (starts_with(h + r.i, hn - r.i, "<br>")) {
            r.i += 4;
            if (r.pos + 1 < n && s[r.pos] == '\r' && s[r.pos + 1] == '\n')
                r.pos += 2;
            else {
                CHECK(r.pos < n && s[r.pos] == '\n');
                r.pos++;
            }
            continue;
        }
        if (starts_with(h + r.i, hn - r.i, "</a>")) {
            CHECK(in_a);
            in_a = false;
            r.i += 4;
            continue;
        }
        if (starts_with(h + r.i, hn - r.i, "<a ")) {
            char *href;

            CHECK(!in_a);
            href = html_read_anchor(&r, &is_url);
            if (is_url)
                html_read_url(&r, href); /* through its "</a>" */
            else
                in_a = true;
            free(href);
            continue;
        }
        CHECK(h[r.i] != '<' && h[r.i] != '>' && h[r.i] != '"' && h[r.i] != '\'');
        if (h[r.i] == '&')
            r.i += html_entity(h, hn, r.i, &c);
        else
            c = h[r.i++];
        CHECK(r.pos < n && s[r.pos] == c);
        r.pos++;
    }
    CHECK(!in_a);
    CHECK(r.pos == n);
}

/* ---- the parts of the engine ---- */

static void
fuzz_parse(struct text_scratch *sc, const char *s, size_t n, const struct text_config *cfg,
           bool utf8_ok, enum text_utf8_error uerr, size_t uat, struct text_parse_result *r)
{
    memset(r, 0xA5, sizeof(*r));
    CHECK_RC(text_parse(sc, s, n, cfg, r));
    CHECK(r->valid == (r->reason == TEXT_VALID));
    CHECK(text_invalid_string(r->reason) != NULL);
    if (!utf8_ok) {
        CHECK(!r->valid && r->reason == TEXT_INVALID_UTF8);
        CHECK(r->utf8_error == uerr && r->error_offset == uat);
        return;
    }
    CHECK(r->reason != TEXT_INVALID_UTF8 && r->reason != TEXT_INVALID_TOO_BIG);
    CHECK(r->reason != TEXT_INVALID_EMPTY || n == 0);
    CHECK(r->weighted_length >= 0);
    CHECK(r->permillage == (int)floor(r->weighted_length / cfg->max_weighted_length * 1000));
    CHECK(r->valid == (r->reason == TEXT_VALID));
    if (r->reason == TEXT_INVALID_TOO_LONG || r->valid)
        CHECK(r->valid == (r->weighted_length <= cfg->max_weighted_length));
    CHECK(r->display_range_start == 0 && r->valid_range_start == 0);
    CHECK(r->display_range_end == (n > 0 ? (int)text_utf8_count_utf16(s, n) - 1 : 0));
    CHECK(r->valid_range_end <= r->display_range_end);
    if (r->valid)
        CHECK(r->valid_range_end == r->display_range_end);
    if (r->reason == TEXT_INVALID_CHARACTERS)
        CHECK(r->error_offset < n);
}

/* The same parse, as far as the text goes, for a text and its NFC form. */
static void
check_same_parse(const struct text_parse_result *a, const struct text_parse_result *b)
{
    CHECK(a->weighted_length == b->weighted_length);
    CHECK(a->valid == b->valid && a->reason == b->reason && a->permillage == b->permillage);
}

static void
fuzz_extract(const char *s, size_t n, unsigned opts)
{
    struct text_entities all = {0}, urls = {0}, tags = {0}, tags_checked = {0}, ments = {0},
                         cash = {0};
    size_t i;

    CHECK_RC(text_extract_entities(s, n, opts, &all));
    CHECK_RC(text_extract_urls(s, n, &urls));
    CHECK_RC(text_extract_hashtags(s, n, &tags));
    CHECK_RC(text_extract_hashtags_checked(s, n, &tags_checked));
    CHECK_RC(text_extract_mentions(s, n, opts, &ments));
    CHECK_RC(text_extract_cashtags(s, n, &cash));
    check_entities(s, n, &all, opts);
    check_entities(s, n, &urls, opts);
    check_entities(s, n, &tags, opts);
    check_entities(s, n, &tags_checked, opts);
    check_entities(s, n, &ments, opts);
    check_entities(s, n, &cash, opts);
    for (i = 0; i < urls.n; i++)
        CHECK(urls.v[i].type == TEXT_ENTITY_URL);
    for (i = 0; i < tags.n; i++) {
        CHECK(tags.v[i].type == TEXT_ENTITY_HASHTAG);
        CHECK(text_is_valid_hashtag(s + tags.v[i].start, tags.v[i].end - tags.v[i].start));
    }
    for (i = 0; i < tags_checked.n; i++)
        CHECK(has_entity(&tags, &tags_checked.v[i]));
    for (i = 0; i < ments.n; i++) {
        const struct text_entity *e = &ments.v[i];

        CHECK(e->type == TEXT_ENTITY_MENTION);
        if (e->domain_start != e->domain_end)
            continue;
        if (e->list_start == e->list_end)
            CHECK(text_is_valid_username(s + e->start, e->end - e->start));
        else
            CHECK(text_is_valid_list(s + e->start, e->end - e->start));
    }
    for (i = 0; i < cash.n; i++)
        CHECK(cash.v[i].type == TEXT_ENTITY_CASHTAG);
    /* text_extract_entities only keeps what the single extractors find. */
    for (i = 0; i < all.n; i++)
        CHECK(has_entity(&urls, &all.v[i]) || has_entity(&tags, &all.v[i]) ||
              has_entity(&ments, &all.v[i]) || has_entity(&cash, &all.v[i]));

    text_entities_index(s, n, &all);
    check_index(s, n, &all);

    /* A text that is a valid username or hashtag extracts as itself. */
    if (text_is_valid_username(s, n))
        CHECK(ments.n == 1 && ments.v[0].start == 0 && ments.v[0].end == n);
    if (text_is_valid_hashtag(s, n))
        CHECK(tags.n == 1 && tags.v[0].start == 0 && tags.v[0].end == n);

    text_entities_release(&all);
    text_entities_release(&urls);
    text_entities_release(&tags);
    text_entities_release(&tags_checked);
    text_entities_release(&ments);
    text_entities_release(&cash);
}

static void
fuzz_reply(const char *s, size_t n)
{
    uint32_t start = 0, end = 0;
    size_t k;

    if (!text_extract_reply(s, n, &start, &end))
        return;
    /*
     * validReply: spaces, a sigil, [a-z0-9_]{1,20}. Not necessarily a
     * mention: "@r/x://" replies to "r" but holds no mention (upstream).
     */
    CHECK(start < end && end <= n && end - start <= 20);
    for (k = start; k < end; k++)
        CHECK(is_name_char((unsigned char)s[k]));
    CHECK((start >= 1 && s[start - 1] == '@') ||
          (start >= 3 && memcmp(s + start - 3, "\xEF\xBC\xA0", 3) == 0));
}

static void
fuzz_autolink(const char *s, size_t n)
{
    struct text_autolink_options twitter = {.url_display_max = 30, .extract_opts = 0};
    struct text_buf html = {0}, esc = {0};
    char *back;

    CHECK_RC(text_autolink(&html, s, n, NULL));
    check_html(html.data != NULL ? html.data : "", html.len, s, n);
    text_buf_release(&html);
    CHECK_RC(text_autolink(&html, s, n, &twitter));
    check_html(html.data != NULL ? html.data : "", html.len, s, n);
    text_buf_release(&html);

    CHECK_RC(text_html_escape(&esc, s, n));
    CHECK((back = malloc(esc.len + 1)) != NULL);
    CHECK(html_unescape(esc.data != NULL ? esc.data : "", esc.len, back) == n);
    CHECK(memcmp(back, s, n) == 0);
    free(back);
    text_buf_release(&esc);
}

/*
 * A reader's comment as HTML (text_comment_html): UTF-8, no markup but
 * <p>, </p>, <br>, <a href="http(s)://…" rel="nofollow ugc noopener"> and
 * </a>, as many links as text_comment_links says, and the same characters
 * as the text once blanks are set aside (tags stripped, entities unescaped).
 */
static void
fuzz_comment_html(const char *s, size_t n)
{
    static const char rel[] = "\" rel=\"nofollow ugc noopener\">";
    struct text_buf html = {0};
    const char *h;
    char *text;
    size_t i = 0, len, links = 0, at, t = 0, k = 0;

    CHECK_RC(text_comment_html(&html, s, n));
    h = html.data != NULL ? html.data : "";
    len = html.len;
    CHECK(text_utf8_check(h, len, &at) == TEXT_UTF8_OK);
    CHECK((text = malloc(len + 1)) != NULL);
    while (i < len) {
        if (h[i] != '<') {
            size_t j = i;
            while (j < len && h[j] != '<')
                j++;
            t += html_unescape(h + i, j - i, text + t);
            i = j;
            continue;
        }
        if (strncmp(h + i, "<p>", 3) == 0 || strncmp(h + i, "<br>", 4) == 0 ||
            strncmp(h + i, "</p>", 4) == 0 || strncmp(h + i, "</a>", 4) == 0) {
            i = strchr(h + i, '>') - h + 1;
            continue;
        }
        CHECK(strncasecmp(h + i, "<a href=\"http://", 16) == 0 ||
              strncasecmp(h + i, "<a href=\"https://", 17) == 0);
        CHECK(strstr(h + i, rel) != NULL);
        i = strstr(h + i, rel) - h + sizeof(rel) - 1;
        CHECK(memchr(h + i, '<', len - i) != NULL); /* the link's text, then </a> */
        links++;
    }
    CHECK(links == text_comment_links(s, n));
    for (i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
            continue;
        while (k < t && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n'))
            k++;
        CHECK(k < t && text[k] == s[i]);
        k++;
    }
    while (k < t && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\n'))
        k++;
    CHECK(k == t);
    free(text);
    text_buf_release(&html);
}

/* text_nfc against utf8proc's own NFC, and idempotent. */
static void
fuzz_nfc(struct text_scratch *sc, const char *s, size_t n, const char **ns, size_t *nn)
{
    struct text_scratch sc2 = {0};
    utf8proc_uint8_t *ref = NULL;
    utf8proc_ssize_t ref_len;
    const char *again;
    size_t again_len, at;

    CHECK_RC(text_nfc(sc, s, n, ns, nn));
    CHECK(*nn == 0 || *ns != NULL);
    CHECK(text_utf8_check(*ns, *nn, &at) == TEXT_UTF8_OK);
    ref_len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &ref,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    CHECK(ref_len >= 0);
    CHECK((size_t)ref_len == *nn && memcmp(ref, *ns, *nn) == 0);
    free(ref);

    CHECK_RC(text_nfc(&sc2, *ns, *nn, &again, &again_len));
    CHECK(again_len == *nn && memcmp(again, *ns, *nn) == 0);
    text_scratch_release(&sc2);
}

/* Two entity lists alike, field by field (code point indices aside). */
static void
check_same_entities(const struct text_entities *a, const struct text_entities *b)
{
    size_t i;

    CHECK(a->n == b->n);
    for (i = 0; i < a->n; i++) {
        const struct text_entity *x = &a->v[i], *y = &b->v[i];

        CHECK(x->type == y->type && x->start == y->start && x->end == y->end);
        CHECK(x->value_start == y->value_start && x->value_end == y->value_end);
        CHECK(x->list_start == y->list_start && x->list_end == y->list_end);
        CHECK(x->domain_start == y->domain_start && x->domain_end == y->domain_end);
        CHECK(x->has_protocol == y->has_protocol);
    }
}

/*
 * text_analyze is text_parse plus text_extract_entities on the NFC text in
 * one go: it must say exactly what they say. ns is NULL when s is not UTF-8.
 */
static void
fuzz_analyze(const char *s, size_t n, const char *ns, size_t nn, const struct text_config *cfg,
             unsigned opts, const struct text_parse_result *parsed)
{
    struct text_scratch sc = {0};
    struct text_entities got = {0}, want = {0};
    struct text_parse_result r;
    const char *norm = (const char *)&r; /* anything but NULL */
    size_t norm_len = 0;

    memset(&r, 0xA5, sizeof(r));
    CHECK_RC(text_analyze(&sc, s, n, cfg, opts, &r, &got, &norm, &norm_len));
    check_same_parse(parsed, &r);
    CHECK(r.display_range_start == parsed->display_range_start &&
          r.display_range_end == parsed->display_range_end &&
          r.valid_range_start == parsed->valid_range_start &&
          r.valid_range_end == parsed->valid_range_end);
    if (!r.valid && r.reason != TEXT_INVALID_EMPTY && r.reason != TEXT_INVALID_TOO_LONG)
        CHECK(r.error_offset == parsed->error_offset);
    if (r.reason == TEXT_INVALID_UTF8)
        CHECK(r.utf8_error == parsed->utf8_error);
    if (ns == NULL) {
        CHECK(norm == NULL && got.n == 0);
    } else {
        CHECK(norm != NULL && norm_len == nn && memcmp(norm, ns, nn) == 0);
        CHECK_RC(text_extract_entities(ns, nn, opts, &want));
        check_same_entities(&want, &got);
    }
    text_entities_release(&got);
    text_entities_release(&want);
    text_scratch_release(&sc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct text_scratch sc = {0}, sc_parse = {0};
    struct text_parse_result raw[3], nfc[3];
    const char *s = (const char *)data, *ns;
    size_t at = 0, ref_at = 0, nn, k;
    enum text_utf8_error uerr;
    bool ok;

    uerr = text_utf8_check(s, size, &at);
    ok = ref_utf8_valid(data, size, &ref_at);
    CHECK((uerr == TEXT_UTF8_OK) == ok);
    CHECK(text_utf8_error_string(uerr) != NULL);
    if (!ok)
        CHECK(at == ref_at);

    for (k = 0; k < 3; k++)
        fuzz_parse(&sc_parse, s, size, configs[k], ok, uerr, at, &raw[k]);
    if (!ok) {
        struct text_buf comment = {0};
        CHECK(text_comment_html(&comment, s, size) == -1 && comment.len == 0);
        CHECK(text_comment_links(s, size) == 0);
        fuzz_analyze(s, size, NULL, 0, configs[0], TEXT_FEDIVERSE, &raw[0]);
        goto out;
    }

    CHECK(text_utf8_count_cp(s, size) <= size);
    CHECK(text_utf8_count_utf16(s, size) >= text_utf8_count_cp(s, size));

    fuzz_nfc(&sc, s, size, &ns, &nn);
    for (k = 0; k < 3; k++) {
        fuzz_parse(&sc_parse, ns, nn, configs[k], true, TEXT_UTF8_OK, 0, &nfc[k]);
        check_same_parse(&raw[k], &nfc[k]);
        if (nfc[k].reason == TEXT_INVALID_CHARACTERS) {
            /* U+FFFE, U+FEFF or U+FFFF at the offset, in the text parsed */
            CHECK(nfc[k].error_offset + 3 <= nn);
            CHECK(memcmp(ns + nfc[k].error_offset, "\xEF\xBF\xBE", 3) == 0 ||
                  memcmp(ns + nfc[k].error_offset, "\xEF\xBB\xBF", 3) == 0 ||
                  memcmp(ns + nfc[k].error_offset, "\xEF\xBF\xBF", 3) == 0);
        }
    }
    for (k = 0; k < 3; k++)
        fuzz_analyze(s, size, ns, nn, configs[k], TEXT_FEDIVERSE, &raw[k]);
    fuzz_analyze(s, size, ns, nn, configs[0], 0, &raw[0]);

    /* v2 weighs every character at least as much as v1. */
    CHECK(nfc[1].weighted_length >= nfc[0].weighted_length);

    fuzz_extract(ns, nn, TEXT_FEDIVERSE);
    fuzz_extract(ns, nn, 0);
    fuzz_reply(ns, nn);
    fuzz_autolink(ns, nn);
    fuzz_comment_html(ns, nn);

    (void)text_is_valid_url(ns, nn, true, true);
    (void)text_is_valid_url(ns, nn, false, false);
    (void)text_is_valid_list(ns, nn);
out:
    text_scratch_release(&sc);
    text_scratch_release(&sc_parse);
    return 0;
}
