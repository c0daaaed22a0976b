/*
 * text/autolink_twitter.c - upstream's autolink markup, byte for byte, so
 * that autolink.yml can check our extractors through the HTML it expects.
 * Nothing here is served: our own markup is autolink.c's.
 *
 * The markup is that of twitter-text 3.1.0 (js/src/autoLinkEntities.js and
 * linkTo*.js) with suppressNoFollow and suppressDataScreenName, the options
 * of upstream's conformance run. Two of its quirks are kept on purpose: the
 * text between links is not escaped (htmlEscapeNonEntities is off), and
 * hashtags, cashtags and screen names are escaped twice (once by linkTo*,
 * again when written), which only shows if an extractor ever let one of
 * & < > " ' into a tag.
 */
#include <stdlib.h>
#include <string.h>

#include "text/autolink_twitter.h"
#include "text/text_int.h"

#define TW_HASHTAG_BASE "https://twitter.com/search?q=%23"
#define TW_CASHTAG_BASE "https://twitter.com/search?q=%24"
#define TW_USER_BASE    "https://twitter.com/"

enum tw_group { TW_MENTIONS, TW_HASHTAGS, TW_URLS, TW_CASHTAGS, TW_ALL };

static const struct {
    const char *name;
    enum tw_group group;
} tw_groups[] = {
    {"usernames", TW_MENTIONS}, {"lists", TW_MENTIONS},    {"hashtags", TW_HASHTAGS},
    {"urls", TW_URLS},          {"cashtags", TW_CASHTAGS}, {"all", TW_ALL},
};

/* htmlEscape applied twice. */
static int
escape_twice(struct text_buf *out, const char *s, size_t len)
{
    static const char *const twice[256] = {
        ['&'] = "&amp;amp;",  ['<'] = "&amp;lt;",   ['>'] = "&amp;gt;",
        ['"'] = "&amp;quot;", ['\''] = "&amp;#39;",
    };
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        const char *rep = twice[(unsigned char)s[i]];

        if (rep == NULL)
            continue;
        if (buf_append(out, s + run, i - run) != 0 || buf_puts(out, rep) != 0)
            return -1;
        run = i + 1;
    }
    return buf_append(out, s + run, len - run);
}

/* upstream rtlChars, tested on a hashtag's first character. */
static bool
is_rtl(int32_t c)
{
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x0590 && c <= 0x05FF) || (c >= 0xFE70 && c <= 0xFEFF);
}

/* upstream urlHasProtocol: /^https?:\/\//i */
static bool
has_http_protocol(const char *s, size_t len)
{
    size_t i = 4;

    if (len < 7 || ascii_lower((unsigned char)s[0]) != 'h' ||
        ascii_lower((unsigned char)s[1]) != 't' || ascii_lower((unsigned char)s[2]) != 't' ||
        ascii_lower((unsigned char)s[3]) != 'p')
        return false;
    if (ascii_lower((unsigned char)s[i]) == 's')
        i++;
    return len >= i + 3 && memcmp(s + i, "://", 3) == 0;
}

/* linkToUrl: <a href="url">url</a>, http:// added to an href without protocol. */
static int
tw_link_url(struct text_buf *out, const char *s, const struct text_entity *e)
{
    const char *url = s + e->value_start;
    size_t len = e->value_end - e->value_start;

    if (buf_puts(out, "<a href=\"") != 0 ||
        (!has_http_protocol(url, len) && buf_puts(out, "http://") != 0) ||
        text_html_escape(out, url, len) != 0 || buf_puts(out, "\">") != 0 ||
        text_html_escape(out, url, len) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/* linkToHashtag: the hash as typed (# or U+FF03) goes inside the link. */
static int
tw_link_hashtag(struct text_buf *out, const char *s, const struct text_entity *e)
{
    const char *tag = s + e->value_start;
    size_t tag_len = e->value_end - e->value_start, n;
    bool rtl = tag_len > 0 && is_rtl(utf8_at(tag, 0, &n));

    if (buf_puts(out, "<a href=\"" TW_HASHTAG_BASE) != 0 || escape_twice(out, tag, tag_len) != 0 ||
        buf_puts(out, "\" title=\"#") != 0 || escape_twice(out, tag, tag_len) != 0 ||
        buf_puts(out, rtl ? "\" class=\"tweet-url hashtag rtl\">"
                          : "\" class=\"tweet-url hashtag\">") != 0 ||
        buf_append(out, s + e->start, e->value_start - e->start) != 0 ||
        escape_twice(out, tag, tag_len) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/* linkToMentionAndList: the at sign (@ or U+FF20) stays outside the link. */
static int
tw_link_mention(struct text_buf *out, const char *s, const struct text_entity *e)
{
    const char *user = s + e->value_start, *slug = s + e->list_start;
    size_t user_len = e->value_end - e->value_start, slug_len = e->list_end - e->list_start;
    bool list = slug_len > 0;

    if (buf_append(out, s + e->start, e->value_start - e->start) != 0 ||
        buf_puts(out, list ? "<a class=\"tweet-url list-slug\" href=\"" TW_USER_BASE
                           : "<a class=\"tweet-url username\" href=\"" TW_USER_BASE) != 0 ||
        escape_twice(out, user, user_len) != 0 || escape_twice(out, slug, slug_len) != 0 ||
        buf_puts(out, "\">") != 0 || escape_twice(out, user, user_len) != 0 ||
        escape_twice(out, slug, slug_len) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/* linkToCashtag: the symbol shown is always "$". */
static int
tw_link_cashtag(struct text_buf *out, const char *s, const struct text_entity *e)
{
    const char *tag = s + e->value_start;
    size_t tag_len = e->value_end - e->value_start;

    if (buf_puts(out, "<a href=\"" TW_CASHTAG_BASE) != 0 || escape_twice(out, tag, tag_len) != 0 ||
        buf_puts(out, "\" title=\"$") != 0 || escape_twice(out, tag, tag_len) != 0 ||
        buf_puts(out, "\" class=\"tweet-url cashtag\">$") != 0 ||
        escape_twice(out, tag, tag_len) != 0)
        return -1;
    return buf_puts(out, "</a>");
}

/* Keeps only the URLs written with a protocol (extractUrlsWithoutProtocol: false). */
static void
keep_urls_with_protocol(struct text_entities *es, size_t from)
{
    size_t i, n = from;

    for (i = from; i < es->n; i++)
        if (es->v[i].type != TEXT_ENTITY_URL || es->v[i].has_protocol)
            es->v[n++] = es->v[i];
    es->n = n;
}

/*
 * Order of extractEntitiesWithIndices' stable sort: by start, then in the
 * order it concatenates the lists (URLs, mentions, hashtags, cashtags).
 */
static int
type_rank(enum text_entity_type t)
{
    switch (t) {
    case TEXT_ENTITY_URL:
        return 0;
    case TEXT_ENTITY_MENTION:
        return 1;
    case TEXT_ENTITY_HASHTAG:
        return 2;
    default:
        return 3;
    }
}

static int
entity_cmp(const void *a, const void *b)
{
    const struct text_entity *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return type_rank(x->type) - type_rank(y->type);
}

/* removeOverlappingEntities: sorted, an entity starting inside the last kept one goes. */
static void
remove_overlaps(struct text_entities *es)
{
    size_t i, n;

    if (es->n < 2)
        return;
    qsort(es->v, es->n, sizeof(es->v[0]), entity_cmp);
    for (i = 1, n = 1; i < es->n; i++)
        if (es->v[n - 1].end <= es->v[i].start)
            es->v[n++] = es->v[i];
    es->n = n;
}

static int
tw_extract(enum tw_group g, const char *s, size_t len, struct text_entities *es)
{
    switch (g) {
    case TW_MENTIONS:
        return text_extract_mentions(s, len, 0, es);
    case TW_HASHTAGS:
        return text_extract_hashtags_checked(s, len, es);
    case TW_URLS:
        if (text_extract_urls(s, len, es) != 0)
            return -1;
        keep_urls_with_protocol(es, 0);
        return 0;
    case TW_CASHTAGS:
        return text_extract_cashtags(s, len, es);
    case TW_ALL:
        if (text_extract_urls(s, len, es) != 0)
            return -1;
        keep_urls_with_protocol(es, 0);
        if (text_extract_mentions(s, len, 0, es) != 0 || text_extract_hashtags(s, len, es) != 0 ||
            text_extract_cashtags(s, len, es) != 0)
            return -1;
        remove_overlaps(es);
        return 0;
    }
    return -1;
}

int
text_autolink_twitter(struct text_buf *out, const char *s, size_t len, const char *group)
{
    struct text_entities es = {0};
    size_t mark = out->len, pos = 0, i, at;
    enum tw_group g;
    int rc = -1;

    for (i = 0; group != NULL && i < sizeof(tw_groups) / sizeof(tw_groups[0]); i++)
        if (strcmp(group, tw_groups[i].name) == 0)
            break;
    if (group == NULL || i == sizeof(tw_groups) / sizeof(tw_groups[0]))
        return -2;
    g = tw_groups[i].group;

    if (len > TEXT_MAX_INPUT || text_utf8_check(s, len, &at) != TEXT_UTF8_OK)
        goto out;
    if (buf_reserve(out, 0) != 0 || tw_extract(g, s, len, &es) != 0)
        goto out;
    /* autoLinkEntities sorts whatever it is given. */
    if (g != TW_ALL && es.n > 1)
        qsort(es.v, es.n, sizeof(es.v[0]), entity_cmp);

    for (i = 0; i < es.n; i++) {
        const struct text_entity *e = &es.v[i];
        int lrc = 0;

        if (e->start < pos || e->end > len || e->value_start < e->start || e->value_end > e->end ||
            e->list_end < e->list_start || e->list_end > e->end)
            continue;
        if (buf_append(out, s + pos, e->start - pos) != 0)
            goto out;
        switch (e->type) {
        case TEXT_ENTITY_URL:
            lrc = tw_link_url(out, s, e);
            break;
        case TEXT_ENTITY_HASHTAG:
            lrc = tw_link_hashtag(out, s, e);
            break;
        case TEXT_ENTITY_MENTION:
            lrc = tw_link_mention(out, s, e);
            break;
        case TEXT_ENTITY_CASHTAG:
            lrc = tw_link_cashtag(out, s, e);
            break;
        default:
            lrc = buf_append(out, s + e->start, e->end - e->start);
            break;
        }
        if (lrc != 0)
            goto out;
        pos = e->end;
    }
    if (buf_append(out, s + pos, len - pos) != 0)
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
