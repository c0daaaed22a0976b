/*
 * text/emoji.c - recognises an emoji sequence, which config v3 counts as
 * one character of weight 2 whatever its length ("👨‍👩‍👧‍👦" is seven code
 * points). The grammar is Unicode's (UTS #51): keycaps, flags, tag
 * sequences, and pictographs with a presentation selector or a skin tone,
 * joined by ZWJ. Like upstream's emoji list, ©, ® and ™ count as emoji
 * only with U+FE0F. Pictographs come from utf8proc's grapheme classes.
 */
#include <utf8proc.h>

#include "text/text_int.h"

#define ZWJ 0x200D
#define VS16 0xFE0F
#define KEYCAP 0x20E3

static bool
is_pictographic(int32_t c)
{
    int b = utf8proc_get_property(c)->boundclass;

    return b == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || b == UTF8PROC_BOUNDCLASS_E_ZWG;
}

static bool
is_modifier(int32_t c)
{
    return c >= 0x1F3FB && c <= 0x1F3FF;
}

static bool
is_regional(int32_t c)
{
    return c >= 0x1F1E6 && c <= 0x1F1FF;
}

/* Code point at s[i] or -1 past the end; *n its length. */
static int32_t
cp_at(const char *s, size_t i, size_t len, size_t *n)
{
    if (i >= len) {
        *n = 0;
        return -1;
    }
    return utf8_at(s, i, n);
}

/* One element: a pictograph with VS16 or a skin tone, or a lone skin tone. */
static size_t
element(const char *s, size_t i, size_t len)
{
    size_t n, m;
    int32_t c = cp_at(s, i, len, &n), d;

    if (c < 0)
        return 0;
    if (is_modifier(c))
        return n;
    if (!is_pictographic(c))
        return 0;
    d = cp_at(s, i + n, len, &m);
    if (d == VS16 || is_modifier(d))
        return n + m;
    if (c == 0xA9 || c == 0xAE || c == 0x2122)
        return 0; /* text by default */
    return n;
}

size_t
emoji_match(const char *s, size_t i, size_t len)
{
    size_t n, m, k, j;
    int32_t c = cp_at(s, i, len, &n), d;

    if (c < 0)
        return 0;
    /* keycap: [0-9#*] VS16? U+20E3 */
    if ((c >= '0' && c <= '9') || c == '#' || c == '*') {
        d = cp_at(s, i + 1, len, &m);
        if (d == VS16) {
            j = i + 1 + m;
            d = cp_at(s, j, len, &m);
        } else {
            j = i + 1;
        }
        return d == KEYCAP ? j + m - i : 0;
    }
    if (is_regional(c)) {
        d = cp_at(s, i + n, len, &m);
        return is_regional(d) ? n + m : n;
    }
    /* tag sequence: U+1F3F4 tags U+E007F (subdivision flags) */
    if (c == 0x1F3F4) {
        j = i + n;
        while ((d = cp_at(s, j, len, &m)) >= 0xE0020 && d <= 0xE007E)
            j += m;
        if (j > i + n && d == 0xE007F)
            return j + m - i;
    }
    if ((k = element(s, i, len)) == 0)
        return 0;
    j = i + k;
    while (cp_at(s, j, len, &m) == ZWJ && (k = element(s, j + m, len)) > 0)
        j += m + k;
    return j - i;
}
