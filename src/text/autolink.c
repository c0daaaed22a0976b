/*
 * text/autolink.c - a post's text to the HTML we store and serve: hashtags,
 * mentions, cashtags and URLs become links, everything else is escaped and
 * line breaks become <br>. We link at write time, like the Markdown render,
 * so readers of a busy live event never wait for the extractor.
 *
 * What is a link is the extractor's decision (text_extract_entities); this
 * file only decides the markup, and it trusts nothing it is handed: every
 * byte that reaches an attribute or the text is HTML-escaped or
 * percent-encoded, and an href never gets a scheme other than http(s).
 * upstream's own markup (for the conformance suite) lives in
 * autolink_twitter.c.
 */
#include <assert.h>
#include <string.h>

#include "text/text_int.h"

#define DEFAULT_HASHTAG_BASE    "/tags/"
#define DEFAULT_MENTION_BASE    "/@"
#define DEFAULT_CASHTAG_BASE    "/search?q=%24"
#define DEFAULT_URL_DISPLAY_MAX 30

/* Links out of the site: no referrer, no window.opener, no ranking credit. */
#define URL_ATTRS "rel=\"nofollow noopener noreferrer\" target=\"_blank\" class=\"url\""

/* The replacement of each byte text_html_escape changes, NULL for the rest. */
static const char *const html_entity[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

int
text_html_escape(struct text_buf *out, const char *s, size_t len)
{
    size_t i, run = 0, saved = out->len;

    /* Reserve once for the common case of nothing to escape. */
    if (buf_reserve(out, len) != 0)
        return -1;
    for (i = 0; i < len; i++) {
        const char *rep = html_entity[(unsigned char)s[i]];

        if (rep == NULL)
            continue;
        if (buf_append(out, s + run, i - run) != 0 || buf_puts(out, rep) != 0)
            goto fail;
        run = i + 1;
    }
    if (buf_append(out, s + run, len - run) == 0)
        return 0;
fail:
    out->len = saved; /* out as it was; buf_reserve made data non-NULL */
    out->data[saved] = '\0';
    return -1;
}

/* Plain text between entities: escaped, "\n" (or "\r\n") as "<br>". */
static int
emit_text(struct text_buf *out, const char *s, size_t len)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        size_t end = i;

        if (s[i] != '\n')
            continue;
        if (end > run && s[end - 1] == '\r')
            end--;
        if (text_html_escape(out, s + run, end - run) != 0 || buf_puts(out, "<br>") != 0)
            return -1;
        run = i + 1;
    }
    return text_html_escape(out, s + run, len - run);
}

static bool
is_unreserved(unsigned char c)
{
    return is_ascii_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * A path segment or query value: RFC 3986 unreserved ASCII as is, every
 * other byte (UTF-8 included) as %XX. The result needs no HTML escaping.
 */
static int
emit_pct(struct text_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};

        if (is_unreserved(c) ? buf_append(out, s + i, 1) : buf_append(out, enc, 3))
            return -1;
    }
    return 0;
}

/*
 * A host name: letters, digits, '-', '.' and non-ASCII (IDN) bytes as is,
 * any other ASCII byte percent-encoded, so that whatever the extractor
 * calls a domain cannot end the authority part of the URL.
 */
static int
emit_host(struct text_buf *out, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool keep = c >= 0x80 || is_ascii_alnum(c) || c == '-' || c == '.';

        if ((keep ? buf_append(out, s + i, 1) : emit_pct(out, s + i, 1)) != 0)
            return -1;
    }
    return 0;
}

static int
emit_escaped_str(struct text_buf *out, const char *s)
{
    return text_html_escape(out, s, strlen(s));
}

/* Length of a leading "http://" or "https://" (any case) of s, else 0. */
static size_t
http_prefix_len(const char *s, size_t len)
{
    static const char *const prefixes[] = {"http://", "https://"};
    size_t k, i, n;

    for (k = 0; k < 2; k++) {
        n = strlen(prefixes[k]);
        if (len < n)
            continue;
        for (i = 0; i < n && ascii_lower((unsigned char)s[i]) == prefixes[k][i]; i++)
            ;
        if (i == n)
            return n;
    }
    return 0;
}

static int
link_hashtag(struct text_buf *out, const char *s, const struct text_entity *e, const char *base)
{
    if (buf_puts(out, "<a href=\"") != 0 || emit_escaped_str(out, base) != 0 ||
        emit_pct(out, s + e->value_start, e->value_end - e->value_start) != 0 ||
        buf_puts(out, "\" class=\"hashtag\" rel=\"tag\">") != 0 ||
        text_html_escape(out, s + e->start, e->end - e->start) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/* A mention's name (ASCII letters, digits, '_') in lower case, percent-encoded as emit_pct. */
static int
emit_pct_lower(struct text_buf *out, const char *s, size_t len)
{
    char lower[64];
    size_t i, n;

    for (; len > 0; s += n, len -= n) {
        n = len < sizeof(lower) ? len : sizeof(lower);
        for (i = 0; i < n; i++)
            lower[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
        if (emit_pct(out, lower, n) != 0)
            return -1;
    }
    return 0;
}

/*
 * "@user" -> base + user, "@user/slug" -> base + user/slug, and a
 * Fediverse "@user@example.org" -> https://example.org/@user. The text
 * shown is the mention as typed; a local user's name goes into the link
 * in lower case, the account's own address (usernames here are lower
 * case, and found whatever the case): Mastodon apps open a link in the
 * app when it is the url of one of the status's mentions.
 */
static int
link_mention(struct text_buf *out, const char *s, const struct text_entity *e, const char *base)
{
    const char *user = s + e->value_start;
    size_t user_len = e->value_end - e->value_start;
    int rc;

    if (buf_puts(out, "<a href=\"") != 0)
        return -1;
    if (e->domain_end > e->domain_start)
        rc = buf_puts(out, "https://") ||
             emit_host(out, s + e->domain_start, e->domain_end - e->domain_start) ||
             buf_puts(out, "/@") || emit_pct(out, user, user_len);
    else
        rc = emit_escaped_str(out, base) || emit_pct_lower(out, user, user_len);
    /* The list part is "/slug": keep its slash, encode the slug. */
    if (rc == 0 && e->list_end > e->list_start + 1)
        rc = buf_puts(out, "/") ||
             emit_pct(out, s + e->list_start + 1, e->list_end - e->list_start - 1);
    if (rc != 0 || buf_puts(out, "\" class=\"mention\">") != 0 ||
        text_html_escape(out, s + e->start, e->end - e->start) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

static int
link_cashtag(struct text_buf *out, const char *s, const struct text_entity *e, const char *base)
{
    if (buf_puts(out, "<a href=\"") != 0 || emit_escaped_str(out, base) != 0 ||
        emit_pct(out, s + e->value_start, e->value_end - e->value_start) != 0 ||
        buf_puts(out, "\" class=\"cashtag\">") != 0 ||
        text_html_escape(out, s + e->start, e->end - e->start) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/*
 * A URL: the href is the URL itself, with "https://" in front when it was
 * written without a protocol; the text is the URL without its protocol and
 * "www.", cut after max code points with a "…" when longer.
 */
static int
link_url(struct text_buf *out, const char *s, const struct text_entity *e, int max)
{
    const char *url = s + e->value_start, *d;
    size_t len = e->value_end - e->value_start, plen = http_prefix_len(url, len), d_len, i;
    int n_cp;

    /*
     * The extractor only returns http(s) URLs or bare domains. Anything else
     * is its bug; should it happen with assertions off, the "URL" is shown
     * as text rather than linked.
     */
    assert(!e->has_protocol || plen > 0);
    if (e->has_protocol && plen == 0)
        return emit_text(out, s + e->start, e->end - e->start);

    if (buf_puts(out, "<a href=\"") != 0 || (!e->has_protocol && buf_puts(out, "https://") != 0) ||
        text_html_escape(out, url, len) != 0 || buf_puts(out, "\" " URL_ATTRS ">") != 0)
        return -1;

    d = url + plen;
    d_len = len - plen;
    if (d_len > 4 && ascii_lower((unsigned char)d[0]) == 'w' &&
        ascii_lower((unsigned char)d[1]) == 'w' && ascii_lower((unsigned char)d[2]) == 'w' &&
        d[3] == '.') {
        d += 4;
        d_len -= 4;
    }
    /* Cut on a code point boundary: step over continuation bytes. */
    for (i = 0, n_cp = 0; i < d_len && n_cp < max; n_cp++)
        for (i++; i < d_len && ((unsigned char)d[i] & 0xC0) == 0x80; i++)
            ;
    if (text_html_escape(out, d, i) != 0 || (i < d_len && buf_puts(out, "…") != 0))
        return -1;
    return buf_puts(out, "</a>");
}

/* A sub-range of e: empty, or inside [start, end). */
static bool
range_is_inside(const struct text_entity *e, uint32_t start, uint32_t end)
{
    return start == end || (start < end && start >= e->start && end <= e->end);
}

static bool
entity_is_sane(const struct text_entity *e)
{
    return e->start < e->end && e->value_start <= e->value_end && e->value_start >= e->start &&
           e->value_end <= e->end && range_is_inside(e, e->list_start, e->list_end) &&
           range_is_inside(e, e->domain_start, e->domain_end);
}

/*
 * Appends the HTML of the post s[0..len) to out (see text.h for the
 * options). Entities come from text_extract_entities; the rest of the text
 * is escaped, with "\n" and "\r\n" as "<br>". The output is valid UTF-8.
 *
 * Returns 0, or -1 when s is not valid UTF-8 (text_utf8_check: NUL bytes
 * included), is over TEXT_MAX_INPUT bytes, or memory runs out. On -1, out
 * is left as it was.
 */
int
text_autolink(struct text_buf *out, const char *s, size_t len,
              const struct text_autolink_options *opts)
{
    struct text_entities es = {0};
    const char *hashtag_base = DEFAULT_HASHTAG_BASE, *mention_base = DEFAULT_MENTION_BASE;
    const char *cashtag_base = DEFAULT_CASHTAG_BASE;
    unsigned extract_opts = TEXT_FEDIVERSE;
    int url_max = DEFAULT_URL_DISPLAY_MAX, rc = -1;
    size_t mark = out->len, pos = 0, i, at;

    if (opts != NULL) {
        if (opts->hashtag_base != NULL)
            hashtag_base = opts->hashtag_base;
        if (opts->mention_base != NULL)
            mention_base = opts->mention_base;
        if (opts->cashtag_base != NULL)
            cashtag_base = opts->cashtag_base;
        if (opts->url_display_max > 0)
            url_max = opts->url_display_max;
        extract_opts = opts->extract_opts;
    }
    if (len > TEXT_MAX_INPUT || text_utf8_check(s, len, &at) != TEXT_UTF8_OK)
        goto out;
    /* Even an empty post leaves out NUL-terminated. */
    if (buf_reserve(out, 0) != 0 || text_extract_entities(s, len, extract_opts, &es) != 0)
        goto out;

    for (i = 0; i < es.n; i++) {
        const struct text_entity *e = &es.v[i];
        int lrc = 0;

        /* Entities come sorted and apart; anything else stays text. */
        if (e->start < pos || e->end > len || !entity_is_sane(e))
            continue;
        if (emit_text(out, s + pos, e->start - pos) != 0)
            goto out;
        switch (e->type) {
        case TEXT_ENTITY_URL:
            lrc = link_url(out, s, e, url_max);
            break;
        case TEXT_ENTITY_HASHTAG:
            lrc = link_hashtag(out, s, e, hashtag_base);
            break;
        case TEXT_ENTITY_MENTION:
            lrc = link_mention(out, s, e, mention_base);
            break;
        case TEXT_ENTITY_CASHTAG:
            lrc = link_cashtag(out, s, e, cashtag_base);
            break;
        default:
            lrc = emit_text(out, s + e->start, e->end - e->start);
            break;
        }
        if (lrc != 0)
            goto out;
        pos = e->end;
    }
    if (emit_text(out, s + pos, len - pos) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0 && out->data != NULL) {
        out->len = mark;
        out->data[mark] = '\0';
    }
    text_entities_release(&es);
    return rc;
}
