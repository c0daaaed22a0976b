/*
 * web/identicon.c - the commenters' pictures (identicon.h). Fifteen bits
 * of the hash choose the cells of columns 0 to 2, columns 3 and 4 mirror
 * 1 and 0; two more bytes choose the hue. Same hash, same picture; no
 * request leaves the server, unlike Gravatar.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "web/identicon.h"

/* Appends the unit square at (x, y), both 0..4: "Mx yh1v1h-1z". Without printf: a recap
 * draws hundreds of these. */
static size_t
cell(char *path, size_t len, int x, int y)
{
    static const char tail[] = "h1v1h-1z";

    path[len++] = 'M';
    path[len++] = (char)('0' + x);
    path[len++] = ' ';
    path[len++] = (char)('0' + y);
    memcpy(path + len, tail, sizeof(tail)); /* with its NUL */
    return len + sizeof(tail) - 1;
}

void
identicon_hash(const char *s, size_t len, unsigned char out[32])
{
    crypto_hash_sha256(out, (const unsigned char *)s, len);
}

size_t
identicon_svg(const unsigned char hash[32], int size_px, char *buf, size_t size)
{
    char path[5 * 5 * 24 + 1];
    size_t len = 0;
    int hue = ((hash[30] << 8) | hash[31]) % 360, row, col, n, cells = 0;

    if (size < IDENTICON_SVG_MAX)
        return 0;
    path[0] = '\0';
    for (row = 0; row < 5; row++) {
        for (col = 0; col < 3; col++) {
            int bit = row * 3 + col;
            bool on = (hash[bit / 8] >> (bit % 8)) & 1;
            if (!on)
                continue;
            cells++;
            len = cell(path, len, col, row);
            if (col != 2)
                len = cell(path, len, 4 - col, row);
        }
    }
    if (cells == 0) /* never an empty picture: the centre cell */
        len = cell(path, len, 2, 2);
    n = snprintf(buf, size,
                 "<svg class=\"avatar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 5 5\" "
                 "width=\"%d\" height=\"%d\" aria-hidden=\"true\">"
                 "<rect width=\"5\" height=\"5\" fill=\"hsl(%d,40%%,94%%)\"/>"
                 "<path fill=\"hsl(%d,55%%,45%%)\" d=\"%s\"/></svg>",
                 size_px, size_px, hue, hue, path);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
