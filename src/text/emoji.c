/*
 * text/emoji.c - recognises an emoji sequence, which config v3 counts as
 * one character of weight 2 whatever its length ("👨‍👩‍👧‍👦" is seven code
 * points). The sequences are Unicode's (emoji-test.txt, turned into a table
 * at build time by scripts/gen-emoji.sh): the longest one starting at a
 * point wins, as in upstream's emoji parser. Unknown combinations count
 * code point by code point ("👍" + U+FE0F is an emoji and a selector).
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

static int
first_cmp(const void *key, const void *elem)
{
    int32_t c = *(const int32_t *)key, f = ((const struct emoji_first *)elem)->cp;

    return c < f ? -1 : c > f;
}

size_t
emoji_match(const char *s, size_t i, size_t len)
{
    const struct emoji_first *f;
    size_t k, n;
    int32_t c;

    if ((unsigned char)s[i] < 0x80 && s[i] != '#' && s[i] != '*' && (s[i] < '0' || s[i] > '9'))
        return 0; /* only keycaps start with ASCII */
    c = utf8_at(s, i, &n);
    f = bsearch(&c, emoji_firsts, emoji_firsts_n, sizeof(*emoji_firsts), first_cmp);
    if (f == NULL)
        return 0;
    for (k = f->start; k < f->start + f->count; k++) {
        const struct emoji_seq *e = &emoji_seqs[k];
        if (e->len <= len - i && memcmp(s + i, e->utf8, e->len) == 0)
            return e->len;
    }
    return 0;
}
