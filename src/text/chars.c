/*
 * text/chars.c - the character classes of the twitter-text grammar, as
 * functions of a code point. ASCII answers come from one table; the rest
 * from explicit ranges (the small classes upstream spells out) or from
 * utf8proc's general categories (letters, marks and digits for hashtags),
 * which is where upstream's big generated classes come from too.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_int.h"

/*
 * Flags of the 128 ASCII characters (CHR_* in text_int.h), built once at
 * compile time from the expressions' character lists.
 */
/* A table reads best laid out as one: */
/* clang-format off */
#define SP (CHR_SPACE | CHR_JSSPACE)
#define P CHR_PUNCT
#define AL (CHR_ALNUM | CHR_WORD | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END)
const uint16_t chr_ascii[128] = {
    ['\t'] = SP, ['\n'] = SP, ['\v'] = SP, ['\f'] = SP, ['\r'] = SP, [' '] = SP,
    ['!'] = P | CHR_PATH | CHR_QUERY,
    ['#'] = P | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END,
    ['$'] = P | CHR_PATH | CHR_QUERY,
    ['%'] = P | CHR_PATH | CHR_QUERY,
    ['&'] = P | CHR_PATH | CHR_QUERY | CHR_QUERY_END,
    ['\''] = P | CHR_PATH | CHR_QUERY,
    ['('] = P | CHR_QUERY,
    [')'] = P | CHR_QUERY,
    ['*'] = P | CHR_PATH | CHR_QUERY,
    ['+'] = P | CHR_PATH | CHR_PATH_END | CHR_QUERY,
    [','] = P | CHR_PATH | CHR_QUERY,
    ['-'] = P | CHR_WORD | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END,
    ['.'] = P | CHR_PATH | CHR_QUERY,
    ['/'] = P | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END,
    [':'] = P | CHR_PATH | CHR_QUERY,
    [';'] = P | CHR_PATH | CHR_QUERY,
    ['<'] = P,
    ['='] = P | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END,
    ['>'] = P,
    ['?'] = P | CHR_QUERY,
    ['@'] = P | CHR_PATH | CHR_QUERY,
    ['['] = P | CHR_PATH | CHR_QUERY,
    ['\\'] = P,
    [']'] = P | CHR_PATH | CHR_QUERY,
    ['^'] = P,
    ['_'] = P | CHR_WORD | CHR_PATH | CHR_PATH_END | CHR_QUERY | CHR_QUERY_END,
    ['{'] = P,
    ['|'] = P | CHR_PATH | CHR_QUERY,
    ['}'] = P,
    ['~'] = P | CHR_PATH | CHR_QUERY,
    ['0'] = AL, ['1'] = AL, ['2'] = AL, ['3'] = AL, ['4'] = AL, ['5'] = AL, ['6'] = AL,
    ['7'] = AL, ['8'] = AL, ['9'] = AL,
    ['A'] = AL, ['B'] = AL, ['C'] = AL, ['D'] = AL, ['E'] = AL, ['F'] = AL, ['G'] = AL,
    ['H'] = AL, ['I'] = AL, ['J'] = AL, ['K'] = AL, ['L'] = AL, ['M'] = AL, ['N'] = AL,
    ['O'] = AL, ['P'] = AL, ['Q'] = AL, ['R'] = AL, ['S'] = AL, ['T'] = AL, ['U'] = AL,
    ['V'] = AL, ['W'] = AL, ['X'] = AL, ['Y'] = AL, ['Z'] = AL,
    ['a'] = AL, ['b'] = AL, ['c'] = AL, ['d'] = AL, ['e'] = AL, ['f'] = AL, ['g'] = AL,
    ['h'] = AL, ['i'] = AL, ['j'] = AL, ['k'] = AL, ['l'] = AL, ['m'] = AL, ['n'] = AL,
    ['o'] = AL, ['p'] = AL, ['q'] = AL, ['r'] = AL, ['s'] = AL, ['t'] = AL, ['u'] = AL,
    ['v'] = AL, ['w'] = AL, ['x'] = AL, ['y'] = AL, ['z'] = AL,
};
#undef SP
#undef P
#undef AL
/* clang-format on */

bool
chr_is_space(int32_t c)
{
    if (c < 0x80)
        return chr_ascii[c] & CHR_SPACE;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool
chr_is_js_space(int32_t c)
{
    if (c < 0x80)
        return chr_ascii[c] & CHR_JSSPACE;
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool
chr_is_punct(int32_t c)
{
    return c < 0x80 && (chr_ascii[c] & CHR_PUNCT);
}

bool
chr_is_invalid(int32_t c)
{
    return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

bool
chr_is_directional(int32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || c == 0x061C || c == 0x200E || c == 0x200F ||
           (c >= 0x2066 && c <= 0x2069);
}

bool
chr_is_latin_accent(int32_t c)
{
    if (c < 0xC0)
        return false;
    if (c <= 0x24F)
        return c != 0xD7 && c != 0xF7;
    /* clang-format off */
    switch (c) {
    case 0x253: case 0x254: case 0x256: case 0x257: case 0x259: case 0x25B: case 0x263:
    case 0x268: case 0x26F: case 0x272: case 0x289: case 0x28B: case 0x2BB:
        return true;
    }
    /* clang-format on */
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

bool
chr_is_domain_char(int32_t c)
{
    if (c < 0x80)
        return ascii_is_domain_char((unsigned char)c);
    return !chr_is_space(c) && !chr_is_invalid(c) && !chr_is_directional(c);
}

static int
range_cmp(const void *key, const void *elem)
{
    int32_t c = *(const int32_t *)key;
    const struct cp_range *r = elem;

    return c < r->first ? -1 : c > r->last;
}

bool
cp_in_ranges(int32_t c, const struct cp_range *r, size_t n)
{
    return n > 0 && c >= r[0].first && c <= r[n - 1].last &&
           bsearch(&c, r, n, sizeof(*r), range_cmp) != NULL;
}

/* Was c assigned after Unicode 7.0? (Latin letters never were: no search for them.) */
static bool
newer_than_upstream(int32_t c)
{
    return cp_in_ranges(c, unicode_after_7, unicode_after_7_n);
}

/*
 * Upstream's letters also hold 68 private-use code points (an artefact of
 * the table it was generated from); a hashtag may contain them there, so
 * here too.
 */
static bool
upstream_private_letter(int32_t c)
{
    return (c >= 0xF870 && c <= 0xF87F) || c == 0xF882 || (c >= 0xF884 && c <= 0xF89F) ||
           c == 0xF8B8 || (c >= 0xF8C1 && c <= 0xF8D6);
}

/* Letters and marks of Unicode 7.0, as upstream's bmp/astralLetterAndMarks. */
bool
chr_is_hashtag_alpha(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (upstream_private_letter(c))
        return true;
    if (newer_than_upstream(c))
        return false;
    /* clang-format off */
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return false;
    }
    /* clang-format on */
}

bool
chr_is_hashtag_alnum(int32_t c)
{
    if (c < 0x80)
        return is_ascii_alnum(c) || c == '_';
    /* clang-format off */
    switch (c) {
    case 0x200C: case 0x200D: case 0xA67E: case 0x05BE: case 0x05F3: case 0x05F4: case 0xFF5E:
    case 0x301C: case 0x309B: case 0x309C: case 0x30A0: case 0x30FB: case 0x3003: case 0x0F0B:
    case 0x0F0C: case 0x00B7:
        return true;
    }
    /* clang-format on */
    return chr_is_hashtag_alpha(c) ||
           (utf8proc_category(c) == UTF8PROC_CATEGORY_ND && !newer_than_upstream(c));
}

const struct sign SIGN_HASH = {'#', 0x83}; /* U+FF03 is EF BC 83 */
const struct sign SIGN_AT = {'@', 0xA0};   /* U+FF20 is EF BC A0 */

size_t
sign_at(const char *s, size_t i, size_t len, const struct sign *g)
{
    if (s[i] == g->ascii)
        return 1;
    if (len - i >= 3 && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
        (unsigned char)s[i + 2] == g->fullwidth_last)
        return 3;
    return 0;
}

size_t
next_sign(const char *s, const struct sign *g, size_t i, size_t len)
{
    const char *a, *w;

    while (i < len) {
        a = memchr(s + i, g->ascii, len - i);
        w = memchr(s + i, 0xEF, (a ? (size_t)(a - s) : len) - i); /* full width starts EF */
        if (w == NULL)
            return a ? (size_t)(a - s) : len;
        if (sign_at(s, (size_t)(w - s), len, g))
            return (size_t)(w - s);
        i = (size_t)(w - s) + 1;
    }
    return len;
}
