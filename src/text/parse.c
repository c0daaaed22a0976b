/*
 * text/parse.c - how long a post is and whether it may be posted, as
 * upstream's parseTweet: the text is NFC-normalised, each URL weighs
 * transformed_url_length, each emoji sequence (v3) the default weight, and
 * every other code point the weight of its range. Indices in the result
 * are UTF-16 units of the original text, inclusive, as upstream reports
 * them. Bad bytes never reach the counter: they make the result invalid
 * with a reason.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

static int
char_weight(const struct text_config *cfg, int32_t c)
{
    size_t k;

    /* Upstream weighs the first UTF-16 unit of an astral character:
     * a low surrogate, in no range, so the default weight. */
    if (c > 0xFFFF)
        return cfg->default_weight;
    for (k = 0; k < cfg->n_ranges; k++)
        if ((uint32_t)c >= cfg->ranges[k].start && (uint32_t)c <= cfg->ranges[k].end)
            return cfg->ranges[k].weight;
    return cfg->default_weight;
}

/* Byte offset of the first U+FFFE, U+FEFF or U+FFFF in s (valid UTF-8). */
static size_t
first_invalid_char(const char *s, size_t len)
{
    size_t i, n;

    for (i = 0; i < len; i += n)
        if (chr_is_invalid(utf8_at(s, i, &n)))
            return i;
    return len;
}

/* The URLs of the normalised text, into the scratch vector (kept for reuse). */
static int
parse_urls(struct text_scratch *sc, const char *s, size_t len, struct text_entities *urls)
{
    urls->v = sc->urls;
    urls->cap = sc->urls_cap;
    urls->n = 0;
    if (text_extract_urls(s, len, urls) != 0) {
        sc->urls = urls->v;
        sc->urls_cap = urls->cap;
        return -1;
    }
    sc->urls = urls->v;
    sc->urls_cap = urls->cap;
    return 0;
}

static void
set_invalid(struct text_parse_result *r, enum text_invalid why)
{
    if (r->valid) {
        r->valid = false;
        r->reason = why;
    }
}

/*
 * Checks what must hold before counting: size and UTF-8. Returns false
 * with r filled when the text cannot be counted.
 */
static bool
parse_precheck(const char *s, size_t len, struct text_parse_result *r)
{
    enum text_utf8_error ue;

    memset(r, 0, sizeof(*r));
    r->valid = true;
    if (len > TEXT_MAX_INPUT) {
        set_invalid(r, TEXT_INVALID_TOO_BIG);
        return false;
    }
    if ((ue = text_utf8_check(s, len, &r->error_offset)) != TEXT_UTF8_OK) {
        set_invalid(r, TEXT_INVALID_UTF8);
        r->utf8_error = ue;
        return false;
    }
    r->error_offset = 0;
    return true;
}

/*
 * The weighing loop of parseTweet over the normalised text t, whose URLs
 * are urls[0..n_urls) (sorted), for the original s.
 */
static void
parse_weigh(const char *s, size_t len, const char *t, size_t tlen, const struct text_entity *urls,
            size_t n_urls, const struct text_config *cfg, struct text_parse_result *r)
{
    size_t i = 0, u = 0, n, orig16, next_url = 0;
    long long weight = 0, max = (long long)cfg->max_weighted_length * cfg->scale;
    long long display = 0; /* validDisplayIndex */
    bool chars_ok = true;

    while (i < tlen) {
        size_t stop = next_url < n_urls ? urls[next_url].start : tlen, k = i;
        int32_t c;

        /* A run of ASCII before the next URL weighs the same per character. */
        if (cfg->ascii_weight > 0 && !cfg->emoji_parsing) {
            uint64_t w;
            while (k + 8 <= stop) { /* eight at a time */
                memcpy(&w, t + k, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                k += 8;
            }
            while (k < stop && (unsigned char)t[k] < 0x80)
                k++;
        } else if (cfg->ascii_weight > 0) /* keycaps start with ASCII */
            while (k < stop && (unsigned char)t[k] < 0x80 && emoji_match(t, k, tlen) == 0)
                k++;
        if (k > i) {
            long long w = cfg->ascii_weight, run = (long long)(k - i);
            if (chars_ok && weight + w * run <= max)
                display = (long long)u + run - 1;
            else if (chars_ok && weight + w <= max)
                display = (long long)u + (max - weight) / w - 1;
            weight += w * run;
            u += k - i;
            i = k;
            continue;
        }
        if (next_url < n_urls && urls[next_url].start == i) {
            size_t end = urls[next_url++].end;
            weight += (long long)cfg->transformed_url_length * cfg->scale;
            u += text_utf8_count_utf16(t + i, end - i) - 1;
            i = end;
        } else if (cfg->emoji_parsing && (n = emoji_match(t, i, tlen)) > 0) {
            weight += cfg->default_weight;
            u += text_utf8_count_utf16(t + i, n) - 1;
            i += n;
        } else {
            c = utf8_at(t, i, &n);
            if (c > 0xFFFF)
                u++; /* upstream steps onto the low surrogate */
            weight += char_weight(cfg, c);
            i += n;
            chars_ok = chars_ok && !chr_is_invalid(c);
        }
        while (next_url < n_urls && urls[next_url].start < i)
            next_url++; /* a URL inside an emoji sequence is not weighed apart */
        if (chars_ok && weight <= max)
            display = (long long)u;
        u++;
    }

    orig16 = t == s ? u : text_utf8_count_utf16(s, len);
    r->weighted_length = (double)weight / cfg->scale;
    r->permillage = (int)floor(r->weighted_length / cfg->max_weighted_length * 1000);
    r->display_range_start = 0;
    r->display_range_end = orig16 > 0 ? (int)orig16 - 1 : 0;
    r->valid_range_start = 0;
    r->valid_range_end = (int)(display + (long long)orig16 - (long long)u);
    if (len == 0 || weight == 0)
        set_invalid(r, TEXT_INVALID_EMPTY);
    else if (r->weighted_length > cfg->max_weighted_length)
        set_invalid(r, TEXT_INVALID_TOO_LONG);
    else if (!chars_ok)
        set_invalid(r, TEXT_INVALID_CHARACTERS);
    if (!chars_ok)
        r->error_offset = first_invalid_char(s, len);
}

int
text_parse(struct text_scratch *sc, const char *s, size_t len, const struct text_config *cfg,
           struct text_parse_result *r)
{
    struct text_entities urls = {0};
    const char *t;
    size_t tlen;

    if (!parse_precheck(s, len, r))
        return 0;
    if (text_nfc(sc, s, len, &t, &tlen) != 0 || parse_urls(sc, t, tlen, &urls) != 0)
        return -1;
    parse_weigh(s, len, t, tlen, urls.v, urls.n, cfg, r);
    return 0;
}

int
text_analyze(struct text_scratch *sc, const char *s, size_t len, const struct text_config *cfg,
             unsigned opts, struct text_parse_result *r, struct text_entities *es,
             const char **norm, size_t *norm_len)
{
    size_t base = es->n;

    *norm = NULL;
    *norm_len = 0;
    if (!parse_precheck(s, len, r))
        return 0;
    if (text_nfc(sc, s, len, norm, norm_len) != 0 || text_extract_urls(*norm, *norm_len, es) != 0)
        return -1;
    parse_weigh(s, len, *norm, *norm_len, es->n > base ? es->v + base : NULL, es->n - base, cfg, r);
    return entities_extract_rest(*norm, *norm_len, opts, es, base);
}

const char *
text_invalid_string(enum text_invalid r)
{
    switch (r) {
    case TEXT_VALID:
        return "valid";
    case TEXT_INVALID_EMPTY:
        return "empty";
    case TEXT_INVALID_TOO_LONG:
        return "too_long";
    case TEXT_INVALID_CHARACTERS:
        return "invalid_characters";
    case TEXT_INVALID_UTF8:
        return "invalid_utf8";
    case TEXT_INVALID_TOO_BIG:
        return "too_big";
    }
    return "invalid";
}
