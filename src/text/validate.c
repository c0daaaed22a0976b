/*
 * text/validate.c - upstream's checks of one item on its own: is this a
 * username, a list, a hashtag, a URL? The first three reuse the
 * extractors. A URL is checked against upstream's RFC 3986-shaped grammar
 * (validateUrl*), kept as PCRE2 expressions: it is not on a hot path, and
 * an expression is the clearest way to keep that grammar as written. The
 * expressions are compiled once per process.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <string.h>

#include "text/text_int.h"

/* ---- items found by the extractors ---- */

/*
 * The single entity the extractor finds when it is all of s[0..len):
 * upstream's isValid* extract from the item and compare with it.
 */
static bool
whole_entity(const char *s, size_t len, enum text_entity_type type, struct text_entity *e /* OUT */)
{
    struct text_entities es = {0};
    size_t at;
    bool ok = len >= 2 && text_utf8_check(s, len, &at) == TEXT_UTF8_OK &&
              (type == TEXT_ENTITY_HASHTAG ? text_extract_hashtags_checked(s, len, &es)
                                           : text_extract_mentions(s, len, 0, &es)) == 0 &&
              es.n == 1 && es.v[0].start == 0 && es.v[0].end == len;

    if (ok)
        *e = es.v[0];
    text_entities_release(&es);
    return ok;
}

bool
text_is_valid_username(const char *s, size_t len)
{
    struct text_entity e;

    return whole_entity(s, len, TEXT_ENTITY_MENTION, &e) && e.list_start == e.list_end;
}

bool
text_is_valid_list(const char *s, size_t len)
{
    struct text_entity e;

    /* ^validMentionOrList$: nothing before the at sign, and a list */
    return whole_entity(s, len, TEXT_ENTITY_MENTION, &e) && e.list_end > e.list_start;
}

bool
text_is_valid_hashtag(const char *s, size_t len)
{
    struct text_entity e;

    return whole_entity(s, len, TEXT_ENTITY_HASHTAG, &e); /* "#tag", not "a>#tag" */
}

/* ---- URLs ---- */

#define UNRESERVED "[a-z\\x{0400}-\\x{04FF}0-9\\-._~]"
#define PCT        "(?:%[0-9a-f]{2})"
#define SUBDELIMS  "[!$&'()*+,;=]"
#define PCHAR      "(?:" UNRESERVED "|" PCT "|" SUBDELIMS "|[:|@])"
#define USERINFO   "(?:" UNRESERVED "|" PCT "|" SUBDELIMS "|:)*"
#define DECOCTET   "(?:[0-9]|(?:[1-9][0-9])|(?:1[0-9]{2})|(?:2[0-4][0-9])|(?:25[0-5]))"
#define IPV4       "(?:" DECOCTET "(?:\\." DECOCTET "){3})"
#define IP         "(?:" IPV4 "|(?:\\[[a-f0-9:\\.]+\\]))"
#define PORT       "[0-9]{1,5}"
#define DOMAIN                                                                                     \
    "(?:(?:(?:[a-z0-9](?:[a-z0-9_\\-]*[a-z0-9])?)\\.)*(?:(?:[a-z0-9](?:[a-z0-9\\-]*[a-z0-9])?)"    \
    "\\.)(?:[a-z](?:[a-z0-9\\-]*[a-z0-9])?))"
#define U "[^\\x00-\\x7f]"
#define UDOMAIN                                                                                    \
    "(?:(?:(?:[a-z0-9]|" U ")(?:(?:[a-z0-9_\\-]|" U ")*(?:[a-z0-9]|" U "))?\\.)*"                  \
    "(?:(?:[a-z0-9]|" U ")(?:(?:[a-z0-9\\-]|" U ")*(?:[a-z0-9]|" U "))?\\.)"                       \
    "(?:(?:[a-z]|" U ")(?:(?:[a-z0-9\\-]|" U ")*(?:[a-z0-9]|" U "))?))"

enum url_part { P_WHOLE, P_SCHEME, P_PATH, P_QUERY, P_AUTHORITY, P_UAUTHORITY, P_HTTP, P_COUNT };

static const char *const url_patterns[P_COUNT] = {
    [P_WHOLE] = "^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\\?([^#]*))?"
                "(?:#([^\\n\\r\\x{2028}\\x{2029}]*))?\\z",
    [P_SCHEME] = "(?:[a-z][a-z0-9+\\-.]*)",
    [P_PATH] = "(/" PCHAR "*)*",
    [P_QUERY] = "(" PCHAR "|/|\\?)*",
    [P_AUTHORITY] = "(?:(" USERINFO ")@)?(" IP "|" DOMAIN ")(?::(" PORT "))?",
    [P_UAUTHORITY] = "(?:(" USERINFO ")@)?(" IP "|" UDOMAIN ")(?::(" PORT "))?",
    [P_HTTP] = "^https?\\z",
};

static pcre2_code *url_re[P_COUNT];
static pcre2_match_context *url_mctx;
static pthread_once_t url_once = PTHREAD_ONCE_INIT;

static void
url_compile(void)
{
    int err, k;
    PCRE2_SIZE off;

    for (k = 0; k < P_COUNT; k++) {
        url_re[k] =
            pcre2_compile((PCRE2_SPTR)url_patterns[k], PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_CASELESS | PCRE2_NO_UTF_CHECK, &err, &off, NULL);
        if (url_re[k] != NULL)
            pcre2_jit_compile(url_re[k], PCRE2_JIT_COMPLETE); /* optional: falls back */
    }
    if ((url_mctx = pcre2_match_context_create(NULL)) != NULL)
        pcre2_set_match_limit(url_mctx, 10000000);
}

/*
 * Upstream's isValidMatch: the first match of the expression in s is s
 * itself. An absent part passes when optional.
 */
static bool
whole_match(enum url_part k, const char *s, size_t len)
{
    pcre2_match_data *md;
    PCRE2_SIZE *ov;
    bool ok;
    int rc;

    if (url_re[k] == NULL || (md = pcre2_match_data_create_from_pattern(url_re[k], NULL)) == NULL)
        return false;
    rc = pcre2_match(url_re[k], (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, md, url_mctx);
    ov = pcre2_get_ovector_pointer(md);
    ok = rc > 0 && ov[0] == 0 && ov[1] == len;
    pcre2_match_data_free(md);
    return ok;
}

bool
text_is_valid_url(const char *s, size_t len, bool unicode_domains, bool require_protocol)
{
    pcre2_match_data *md;
    PCRE2_SIZE *ov;
    size_t part[6][2];
    bool set[6];
    int rc, k;
    bool ok;

    if (len == 0 || text_utf8_check(s, len, &(size_t){0}) != TEXT_UTF8_OK)
        return false;
    pthread_once(&url_once, url_compile);
    if (url_re[P_WHOLE] == NULL ||
        (md = pcre2_match_data_create_from_pattern(url_re[P_WHOLE], NULL)) == NULL)
        return false;
    rc = pcre2_match(url_re[P_WHOLE], (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, md, url_mctx);
    ov = pcre2_get_ovector_pointer(md);
    for (k = 0; k < 6; k++) {
        set[k] = rc > k && ov[2 * k] != PCRE2_UNSET;
        part[k][0] = set[k] ? ov[2 * k] : 0;
        part[k][1] = set[k] ? ov[2 * k + 1] : 0;
    }
    pcre2_match_data_free(md);
    if (rc <= 0)
        return false;
#define PART(k) s + part[k][0], part[k][1] - part[k][0]
    /* 1 scheme, 2 authority, 3 path, 4 query, 5 fragment */
    if (require_protocol &&
        !(set[1] && whole_match(P_SCHEME, PART(1)) && whole_match(P_HTTP, PART(1))))
        return false;
    if (!whole_match(P_PATH, PART(3)))
        return false;
    if (set[4] && part[4][1] > part[4][0] && !whole_match(P_QUERY, PART(4)))
        return false;
    if (set[5] && part[5][1] > part[5][0] && !whole_match(P_QUERY, PART(5)))
        return false;
    ok = whole_match(unicode_domains ? P_UAUTHORITY : P_AUTHORITY, PART(2));
#undef PART
    return ok;
}
