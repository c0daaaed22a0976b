/*
 * text/chars.c - the character classes of the twitter-text grammar, as
 * functions of a code point. ASCII answers come from one table; the rest
 * from explicit ranges (the small classes upstream spells out) or from
 * utf8proc's general categories (letters, marks and digits for hashtags),
 * which is where upstream's big generated classes come from too.
 */
#include <utf8proc.h>

#include "text/text_int.h"

enum {
    A_SPACE = 1 << 0,  /* spacesGroup */
    A_PUNCT = 1 << 1,  /* punct */
    A_JSSPACE = 1 << 2 /* JavaScript \s */
};

/* Flags of the 128 ASCII characters. */
static const unsigned char ascii_class[128] = {
    ['\t'] = A_SPACE | A_JSSPACE, ['\n'] = A_SPACE | A_JSSPACE, ['\v'] = A_SPACE | A_JSSPACE,
    ['\f'] = A_SPACE | A_JSSPACE, ['\r'] = A_SPACE | A_JSSPACE, [' '] = A_SPACE | A_JSSPACE,
    ['!'] = A_PUNCT,  ['\''] = A_PUNCT, ['#'] = A_PUNCT, ['%'] = A_PUNCT, ['&'] = A_PUNCT,
    ['('] = A_PUNCT,  [')'] = A_PUNCT,  ['*'] = A_PUNCT, ['+'] = A_PUNCT, [','] = A_PUNCT,
    ['\\'] = A_PUNCT, ['-'] = A_PUNCT,  ['.'] = A_PUNCT, ['/'] = A_PUNCT, [':'] = A_PUNCT,
    [';'] = A_PUNCT,  ['<'] = A_PUNCT,  ['='] = A_PUNCT, ['>'] = A_PUNCT, ['?'] = A_PUNCT,
    ['@'] = A_PUNCT,  ['['] = A_PUNCT,  [']'] = A_PUNCT, ['^'] = A_PUNCT, ['_'] = A_PUNCT,
    ['{'] = A_PUNCT,  ['|'] = A_PUNCT,  ['}'] = A_PUNCT, ['~'] = A_PUNCT, ['$'] = A_PUNCT,
};

bool
chr_is_space(int32_t c)
{
    if (c < 0x80)
        return ascii_class[c] & A_SPACE;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool
chr_is_js_space(int32_t c)
{
    if (c < 0x80)
        return ascii_class[c] & A_JSSPACE;
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool
chr_is_punct(int32_t c)
{
    return c < 0x80 && (ascii_class[c] & A_PUNCT);
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
    switch (c) {
    case 0x253: case 0x254: case 0x256: case 0x257: case 0x259: case 0x25B: case 0x263:
    case 0x268: case 0x26F: case 0x272: case 0x289: case 0x28B: case 0x2BB:
        return true;
    }
    return (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}

bool
chr_is_domain_char(int32_t c)
{
    if (c < 0x80)
        return !(ascii_class[c] & (A_PUNCT | A_SPACE));
    return !chr_is_space(c) && !chr_is_invalid(c) && !chr_is_directional(c);
}

bool
chr_is_hashtag_alpha(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return false;
    }
}

bool
chr_is_hashtag_alnum(int32_t c)
{
    if (c < 0x80)
        return is_ascii_alnum(c) || c == '_';
    switch (c) {
    case 0x200C: case 0x200D: case 0xA67E: case 0x05BE: case 0x05F3: case 0x05F4: case 0xFF5E:
    case 0x301C: case 0x309B: case 0x309C: case 0x30A0: case 0x30FB: case 0x3003: case 0x0F0B:
    case 0x0F0C: case 0x00B7:
        return true;
    }
    return chr_is_hashtag_alpha(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}
