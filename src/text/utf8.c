/*
 * text/utf8.c - the gate every text passes first: strict UTF-8 validation
 * with the reason and byte offset of the first fault (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF, no NUL), and
 * counts in code points and UTF-16 units for the indices upstream reports.
 */
#include <string.h>

#include "text/text_int.h"

enum text_utf8_error
text_utf8_check(const char *s, size_t len, size_t *at)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = u[i];
        size_t n, k;
        uint32_t cp;

        /* Fast path: eight ASCII bytes at a time. */
        if (c < 0x80) {
            while (i + 8 <= len) {
                uint64_t w;
                memcpy(&w, u + i, 8);
                /* any high bit set, or any zero byte */
                if ((w & 0x8080808080808080ULL) ||
                    ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                    break;
                i += 8;
            }
            if (i >= len)
                break;
            c = u[i];
            if (c < 0x80) {
                if (c == 0) {
                    *at = i;
                    return TEXT_UTF8_NUL;
                }
                i++;
                continue;
            }
        }
        if (c < 0xC2 || c > 0xF4) {
            *at = i;
            /* 0xC0/0xC1 can only start an overlong two-byte form */
            return (c == 0xC0 || c == 0xC1) ? TEXT_UTF8_OVERLONG
                   : c > 0xF4 ? (c <= 0xF7 ? TEXT_UTF8_OUT_OF_RANGE : TEXT_UTF8_BAD_LEAD)
                              : TEXT_UTF8_BAD_LEAD;
        }
        n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
        for (k = 1; k < n; k++) {
            if (i + k >= len || (u[i + k] & 0xC0) != 0x80) {
                *at = i;
                return TEXT_UTF8_TRUNCATED;
            }
            cp = (cp << 6) | (u[i + k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) {
            *at = i;
            return TEXT_UTF8_OVERLONG;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            *at = i;
            return TEXT_UTF8_SURROGATE;
        }
        if (cp > 0x10FFFF) {
            *at = i;
            return TEXT_UTF8_OUT_OF_RANGE;
        }
        i += n;
    }
    *at = len;
    return TEXT_UTF8_OK;
}

const char *
text_utf8_error_string(enum text_utf8_error e)
{
    switch (e) {
    case TEXT_UTF8_OK:
        return "valid UTF-8";
    case TEXT_UTF8_NUL:
        return "NUL byte";
    case TEXT_UTF8_BAD_LEAD:
        return "byte that cannot start a character";
    case TEXT_UTF8_TRUNCATED:
        return "truncated sequence";
    case TEXT_UTF8_OVERLONG:
        return "overlong encoding";
    case TEXT_UTF8_SURROGATE:
        return "encoded surrogate (U+D800-U+DFFF)";
    case TEXT_UTF8_OUT_OF_RANGE:
        return "code point above U+10FFFF";
    }
    return "unknown UTF-8 error";
}

size_t
text_utf8_count_cp(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

size_t
text_utf8_count_utf16(const char *s, size_t len)
{
    size_t i, n = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        n += (c & 0xC0) != 0x80;
        n += c >= 0xF0; /* astral: a surrogate pair */
    }
    return n;
}

size_t
utf8_put(char *out, int32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
