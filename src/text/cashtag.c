/*
 * text/cashtag.c - finds cashtags ("$GOOG", "$BRK.A") as upstream's
 * validCashtag expression does: a '$' at the start or after a space, one to
 * six letters, optionally '.' or '_' and one or two letters, then the end,
 * a space or punctuation.
 */
#include <string.h>

#include "text/text_int.h"

static size_t
letters(const char *s, size_t i, size_t len)
{
    size_t j = i;

    while (j < len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
        j++;
    return j - i;
}

/* The expression's lookahead: the end, a JavaScript \s, or punct. */
static bool
cashtag_boundary(const char *s, size_t i, size_t len)
{
    size_t n;
    int32_t c;

    if (i >= len)
        return true;
    c = utf8_at(s, i, &n);
    return chr_is_js_space(c) || chr_is_punct(c);
}

int
text_extract_cashtags(const char *s, size_t len, struct text_entities *out)
{
    size_t pos = 0, d, n;
    const char *p;

    for (d = 0; d < len && (p = memchr(s + d, '$', len - d)) != NULL; d++) {
        size_t l, end, k;

        d = (size_t)(p - s);
        if (d > 0) {
            size_t b = utf8_prev(s, d);
            if (b < pos || !chr_is_space(utf8_at(s, b, &n)))
                continue;
        } else if (pos > 0) {
            continue;
        }
        l = letters(s, d + 1, len);
        if (l == 0 || l > 6)
            continue;
        end = d + 1 + l;
        /* [._][a-z]{1,2}, kept only if the boundary holds after it */
        if (end < len && (s[end] == '.' || s[end] == '_') && (k = letters(s, end + 1, len)) > 0 &&
            k <= 2 && cashtag_boundary(s, end + 1 + k, len))
            end += 1 + k;
        else if (!cashtag_boundary(s, end, len))
            continue;
        struct text_entity e = {
            .type = TEXT_ENTITY_CASHTAG,
            .start = (uint32_t)d,
            .end = (uint32_t)end,
            .value_start = (uint32_t)d + 1,
            .value_end = (uint32_t)end,
        };
        if (entities_push(out, &e) != 0)
            return -1;
        pos = end;
        d = end - 1;
    }
    return 0;
}
