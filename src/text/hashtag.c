/*
 * text/hashtag.c - finds hashtags as upstream's validHashtag expression
 * does: a '#' or '＃' after the start, a variation selector, or a character
 * that is neither part of a hashtag nor '&'; then letters, marks, digits
 * and a few joiners, at least one of them a letter ("#1st" yes, "#2014"
 * no). A tag followed by another '#' or by "://" is no tag.
 */
#include <string.h>

#include "text/text_int.h"

/* Byte length of the hash sign at s[i] ('#' or U+FF03), or 0. */
static size_t
hash_sign_at(const char *s, size_t i, size_t len)
{
    return sign_at(s, i, len, &SIGN_HASH);
}

/* endHashtagMatch: a hash sign or "://" right after the tag. */
static bool
ends_badly(const char *s, size_t i, size_t len)
{
    if (i >= len)
        return false;
    if (hash_sign_at(s, i, len))
        return true;
    return len - i >= 3 && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

int
text_extract_hashtags(const char *s, size_t len, struct text_entities *out)
{
    size_t pos = 0, h, n;

    for (h = next_sign(s, &SIGN_HASH, 0, len); h < len; h = next_sign(s, &SIGN_HASH, h + 1, len)) {
        size_t sign = hash_sign_at(s, h, len), body, i, before;
        bool alpha = false;
        int32_t c;

        if (h < pos)
            continue;
        /* hashtagBoundary: the start, or one character we may consume */
        if (h > 0) {
            before = utf8_prev(s, h);
            if (before < pos)
                continue;
            c = utf8_at(s, before, &n);
            if (c != 0xFE0E && c != 0xFE0F && (chr_is_hashtag_alnum(c) || c == '&'))
                continue;
        }
        body = h + sign;
        if (body < len) {
            c = utf8_at(s, body, &n);
            if (c == 0xFE0F || c == 0x20E3)
                continue; /* a keycap, not a tag */
        }
        for (i = body; i < len; i += n) {
            c = utf8_at(s, i, &n);
            if (!chr_is_hashtag_alnum(c))
                break;
            alpha = alpha || chr_is_hashtag_alpha(c);
        }
        if (!alpha)
            continue;
        pos = i; /* matched: the scan goes on after it, kept or not */
        if (ends_badly(s, i, len))
            continue;
        struct text_entity e = {
            .type = TEXT_ENTITY_HASHTAG,
            .start = (uint32_t)h,
            .end = (uint32_t)i,
            .value_start = (uint32_t)body,
            .value_end = (uint32_t)i,
        };
        if (entities_push(out, &e) != 0)
            return -1;
    }
    return 0;
}
