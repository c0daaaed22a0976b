/*
 * text/tld.c - is there a top-level domain at this point of the text?
 * Answers upstream's validGTLD / validCCTLD expressions (a TLD from
 * tld_lib.yml not followed by [0-9a-zA-Z@+-]) and validPunycode, over the
 * tables scripts/gen-tlds.sh generates at build time: ASCII names through
 * an index of their first two letters, the others longest first.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_int.h"

extern const char tld_unicode_ascii_first[];

#define TLD_MAX_ASCII 64

/* Upstream's lookahead: the TLD ends the text or is followed by none of [0-9a-zA-Z@+-]. */
static bool
tld_boundary(const char *s, size_t j, size_t end)
{
    unsigned char c;

    if (j >= end)
        return true;
    c = (unsigned char)s[j];
    return !(is_ascii_alnum(c) || c == '@' || c == '+' || c == '-');
}

/* Case-insensitive match of a lower-case UTF-8 name at s[i..end); its byte length there, or 0. */
static size_t
tld_prefix(const char *s, size_t i, size_t end, const char *name, size_t name_len)
{
    size_t j = i, k = 0, a, b;

    while (k < name_len) {
        int32_t x, y;

        if (j >= end)
            return 0;
        if ((unsigned char)s[j] < 0x80) {
            if (ascii_lower((unsigned char)s[j]) != (unsigned char)name[k])
                return 0;
            j++;
            k++;
            continue;
        }
        x = utf8_at(s, j, &a);
        y = utf8_at(name, k, &b);
        if (x != y && utf8proc_tolower(x) != y)
            return 0;
        j += a;
        k += b;
    }
    return j - i;
}

static size_t
tld_match_unicode(const char *s, size_t i, size_t end, const struct tld_entry *t, size_t n)
{
    size_t k, m;

    for (k = 0; k < n; k++)
        if ((m = tld_prefix(s, i, end, t[k].name, t[k].len)) > 0 && tld_boundary(s, i + m, end))
            return m;
    return 0;
}

size_t
tld_match(const char *s, size_t i, size_t end, enum tld_kind kind)
{
    const struct tld_entry *ascii = kind == TLD_GENERIC ? tld_generic_ascii : tld_country_ascii;
    const uint16_t *index = kind == TLD_GENERIC ? tld_generic_ascii_index : tld_country_ascii_index;
    const struct tld_entry *uni = kind == TLD_GENERIC ? tld_generic_unicode : tld_country_unicode;
    size_t n_uni = kind == TLD_GENERIC ? tld_generic_unicode_n : tld_country_unicode_n;
    char key[TLD_MAX_ASCII + 1];
    unsigned char c;
    size_t j, k, m;

    if (i >= end)
        return 0;
    c = (unsigned char)s[i];
    if (c >= 0x80 || (c != 0 && strchr(tld_unicode_ascii_first, ascii_lower(c)) != NULL)) {
        size_t u = tld_match_unicode(s, i, end, uni, n_uni);
        if (u > 0)
            return u;
    }
    for (j = i; j < end && is_ascii_alnum((unsigned char)s[j]); j++) {
        if (j - i >= TLD_MAX_ASCII)
            return 0;
        key[j - i] = (char)ascii_lower((unsigned char)s[j]);
        if (key[j - i] < 'a' || key[j - i] > 'z')
            return 0; /* no ASCII TLD has a digit */
    }
    if (j - i < 2 || !tld_boundary(s, j, end))
        return 0;
    /* the few names that start with the same two letters */
    k = (size_t)(key[0] - 'a') * 26 + (size_t)(key[1] - 'a');
    for (m = index[k]; m < index[k + 1]; m++)
        if (ascii[m].len == j - i && memcmp(ascii[m].name, key, j - i) == 0)
            return j - i;
    return 0;
}

size_t
punycode_tld_match(const char *s, size_t i, size_t end)
{
    size_t j;

    if (end - i < 5 || ascii_lower((unsigned char)s[i]) != 'x' ||
        ascii_lower((unsigned char)s[i + 1]) != 'n' || s[i + 2] != '-' || s[i + 3] != '-')
        return 0;
    for (j = i + 4; j < end && (is_ascii_alnum((unsigned char)s[j]) || s[j] == '-'); j++)
        ;
    return j > i + 4 ? j - i : 0;
}
