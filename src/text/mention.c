/*
 * text/mention.c - finds mentions ("@jack"), lists ("@jack/team") and, when
 * asked, Fediverse accounts ("@eric@example.org"), and the account a post
 * replies to. The twitter forms follow upstream's validMentionOrList and
 * validReply expressions: an at sign not glued to a word (but allowed
 * after "RT" or "RT:"), 1-20 of [A-Za-z0-9_], optionally "/" and a slug,
 * and not followed by another at sign, an accented Latin letter or "://".
 */
#include <string.h>

#include "text/text_int.h"

#define MAX_SCREEN_NAME 20
#define MAX_LIST_SLUG   25 /* after the slash */
#define MAX_FEDI_NAME   64
#define MAX_FEDI_DOMAIN 253

/* Byte length of the at sign at s[i] ('@' or U+FF20), or 0. */
static size_t
at_sign_at(const char *s, size_t i, size_t len)
{
    return sign_at(s, i, len, &SIGN_AT);
}

static bool
is_name_char(int c)
{
    return is_ascii_alnum(c) || c == '_';
}

/* endMentionMatch: an at sign, an accented Latin letter or "://" right after. */
static bool
mention_ends_badly(const char *s, size_t i, size_t len)
{
    size_t n;

    if (i >= len)
        return false;
    if (at_sign_at(s, i, len) || chr_is_latin_accent(utf8_at(s, i, &n)))
        return true;
    return len - i >= 3 && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

/*
 * validMentionPrecedingChars for the at sign at s[a], consuming nothing
 * before pos: the start; a character outside [A-Za-z0-9_!#$%&*@＠]; or
 * "RT" / "RT:" at the start or after a character outside [A-Za-z0-9_+~.-].
 */
static bool
mention_may_start(const char *s, size_t a, size_t pos)
{
    size_t b, r, n;
    int32_t c;

    if (a == 0)
        return pos == 0;
    b = utf8_prev(s, a);
    if (b >= pos) {
        c = utf8_at(s, b, &n);
        if (!(is_name_char(c) || (c < 0x80 && strchr("!#$%&*@", c) != NULL) || c == 0xFF20))
            return true;
    }
    r = a >= 1 && s[a - 1] == ':' ? a - 1 : a;
    if (r < 2 || ascii_lower((unsigned char)s[r - 2]) != 'r' ||
        ascii_lower((unsigned char)s[r - 1]) != 't')
        return false;
    r -= 2;
    if (r == 0)
        return pos == 0;
    b = utf8_prev(s, r);
    if (b < pos)
        return false;
    c = utf8_at(s, b, &n);
    return !(is_name_char(c) || c == '+' || c == '~' || c == '.' || c == '-');
}

/*
 * The host of a Fediverse account at s[i]: labels of letters, digits and
 * '-' separated by dots, at least two, the last with a letter. Returns its
 * end, or 0. A final dot belongs to the sentence, not to the host.
 */
static size_t
fedi_domain_end(const char *s, size_t i, size_t len)
{
    size_t j = i, n, labels = 0;
    bool letter = false;

    while (j < len && j - i <= MAX_FEDI_DOMAIN) {
        size_t label = j;

        letter = false;
        while (j < len) {
            int32_t c = utf8_at(s, j, &n);
            if (c == '-' || is_ascii_alnum(c) || (c >= 0x80 && chr_is_hashtag_alnum(c))) {
                letter = letter || (c > '9' && c != '-');
                j += n;
            } else {
                break;
            }
        }
        if (j == label || s[label] == '-' || s[j - 1] == '-')
            return 0;
        labels++;
        if (j + 1 < len && s[j] == '.' &&
            (is_ascii_alnum((unsigned char)s[j + 1]) || (unsigned char)s[j + 1] >= 0x80))
            j++;
        else
            break;
    }
    if (labels < 2 || !letter || j - i > MAX_FEDI_DOMAIN)
        return 0;
    return j;
}

int
text_extract_mentions(const char *s, size_t len, unsigned opts, struct text_entities *out)
{
    size_t pos = 0, a, i, name, sign;

    for (a = next_sign(s, &SIGN_AT, 0, len); a < len; a = next_sign(s, &SIGN_AT, a + 1, len)) {
        struct text_entity e = {.type = TEXT_ENTITY_MENTION};

        if (a < pos || !mention_may_start(s, a, pos))
            continue;
        sign = at_sign_at(s, a, len);
        name = a + sign;
        for (i = name; i < len && is_name_char((unsigned char)s[i]); i++)
            ;
        if (i == name)
            continue;
        /* @user@example.org, as one account */
        if ((opts & TEXT_FEDIVERSE) && i - name <= MAX_FEDI_NAME && i < len &&
            at_sign_at(s, i, len)) {
            size_t d = i + at_sign_at(s, i, len), end = fedi_domain_end(s, d, len);
            if (end > 0 && !mention_ends_badly(s, end, len)) {
                e.start = (uint32_t)a;
                e.end = (uint32_t)end;
                e.value_start = (uint32_t)name;
                e.value_end = (uint32_t)i;
                e.list_start = e.list_end = (uint32_t)i;
                e.domain_start = (uint32_t)d;
                e.domain_end = (uint32_t)end;
                if (entities_push(out, &e) != 0)
                    return -1;
                pos = end;
                a = end - 1;
                continue;
            }
        }
        if (i - name > MAX_SCREEN_NAME)
            i = name + MAX_SCREEN_NAME;
        e.start = (uint32_t)a;
        e.value_start = (uint32_t)name;
        e.value_end = (uint32_t)i;
        e.list_start = e.list_end = (uint32_t)i;
        e.domain_start = e.domain_end = (uint32_t)i;
        /* "/slug": a letter, then up to 24 of [A-Za-z0-9_-] */
        if (i + 1 < len && s[i] == '/' &&
            ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z'))) {
            size_t j = i + 2;
            while (j < len && j - (i + 1) < MAX_LIST_SLUG &&
                   (is_name_char((unsigned char)s[j]) || s[j] == '-'))
                j++;
            e.list_end = (uint32_t)j;
            i = j;
        }
        e.end = (uint32_t)i;
        pos = i;
        a = i - 1;
        if (mention_ends_badly(s, i, len))
            continue;
        if (entities_push(out, &e) != 0)
            return -1;
    }
    return 0;
}

bool
text_extract_reply(const char *s, size_t len, uint32_t *start, uint32_t *end)
{
    size_t i = 0, n, sign, j;

    while (i < len && chr_is_space(utf8_at(s, i, &n)))
        i += n;
    if (i >= len || (sign = at_sign_at(s, i, len)) == 0)
        return false;
    i += sign;
    for (j = i; j < len && j - i < MAX_SCREEN_NAME && is_name_char((unsigned char)s[j]); j++)
        ;
    if (j == i || mention_ends_badly(s, j, len))
        return false;
    *start = (uint32_t)i;
    *end = (uint32_t)j;
    return true;
}
