/*
 * web/identicon.c - the commenters' pictures (identicon.h). Fifteen bits
 * of the hash choose the cells of columns 0 to 2, columns 3 and 4 mirror
 * 1 and 0; two more bytes choose the hue. Same hash, same picture; no
 * request leaves the server, unlike Gravatar.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
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

/* ---- the same picture as a PNG, for Mastodon apps (they show no SVG) ---- */

static uint32_t
crc32_of(const unsigned char *p, size_t n, uint32_t crc)
{
    static uint32_t table[256];
    static _Atomic int ready;
    size_t i;

    if (!ready) {
        for (uint32_t c, k = 0; k < 256; k++) {
            c = k;
            for (int b = 0; b < 8; b++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[k] = c;
        }
        ready = 1;
    }
    crc = ~crc;
    for (i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void
put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Appends a chunk (length, type, data, CRC) at out + *len. */
static void
chunk(unsigned char *out, size_t *len, const char *type, const unsigned char *data, size_t n)
{
    put32(out + *len, (uint32_t)n);
    memcpy(out + *len + 4, type, 4);
    if (n > 0)
        memcpy(out + *len + 8, data, n);
    put32(out + *len + 8 + n, crc32_of(out + *len + 4, n + 4, 0));
    *len += 12 + n;
}

/* An HSL colour (s, l in percent) as RGB. */
static void
hsl_rgb(int h, int s, int l, unsigned char rgb[3])
{
    double S = s / 100.0, L = l / 100.0, d = 2 * L - 1, C, hp = h / 60.0, t, X, m;
    double r = 0, g = 0, b = 0;

    C = (1 - (d < 0 ? -d : d)) * S;
    t = hp - 2 * (int)(hp / 2) - 1; /* (h / 60 mod 2) - 1, without libm */
    X = C * (1 - (t < 0 ? -t : t));
    m = L - C / 2;

    if (h < 60)
        r = C, g = X;
    else if (h < 120)
        r = X, g = C;
    else if (h < 180)
        g = C, b = X;
    else if (h < 240)
        g = X, b = C;
    else if (h < 300)
        r = X, b = C;
    else
        r = C, b = X;
    rgb[0] = (unsigned char)((r + m) * 255 + 0.5);
    rgb[1] = (unsigned char)((g + m) * 255 + 0.5);
    rgb[2] = (unsigned char)((b + m) * 255 + 0.5);
}

unsigned char *
identicon_png(const unsigned char hash[32], size_t *len_out)
{
    enum { CELL = IDENTICON_PNG_SIDE / 5, SIDE = IDENTICON_PNG_SIDE, ROW = SIDE + 1 };
    size_t raw_len = (size_t)ROW * SIDE, blocks = (raw_len + 65534) / 65535, i, len = 0;
    size_t idat_len = 2 + raw_len + 5 * blocks + 4;
    unsigned char *raw, *idat, *out, head[13], plte[6];
    int hue = ((hash[30] << 8) | hash[31]) % 360, row, col, x, y, cells = 0;
    bool on[5][5] = {{false}};
    uint32_t a = 1, b = 0;

    for (row = 0; row < 5; row++)
        for (col = 0; col < 3; col++) {
            int bit = row * 3 + col;
            on[row][col] = on[row][4 - col] = (hash[bit / 8] >> (bit % 8)) & 1;
            cells += on[row][col];
        }
    if (cells == 0)
        on[2][2] = true;
    raw = malloc(raw_len);
    idat = malloc(idat_len);
    out = malloc(8 + 25 + 18 + 12 + idat_len + 12);
    if (raw == NULL || idat == NULL || out == NULL) {
        free(raw);
        free(idat);
        free(out);
        return NULL;
    }
    for (y = 0; y < SIDE; y++) {
        raw[(size_t)y * ROW] = 0; /* filter: none */
        for (x = 0; x < SIDE; x++)
            raw[(size_t)y * ROW + 1 + (size_t)x] = on[y / CELL][x / CELL] ? 1 : 0;
    }
    /* zlib, stored blocks: no compressor needed for a few KB */
    idat[0] = 0x78;
    idat[1] = 0x01;
    for (i = 0, len = 2; i < blocks; i++) {
        size_t from = i * 65535, n = raw_len - from < 65535 ? raw_len - from : 65535;
        idat[len++] = i + 1 == blocks ? 1 : 0;
        idat[len++] = (unsigned char)(n & 0xff);
        idat[len++] = (unsigned char)(n >> 8);
        idat[len++] = (unsigned char)(~n & 0xff);
        idat[len++] = (unsigned char)((~n >> 8) & 0xff);
        memcpy(idat + len, raw + from, n);
        len += n;
    }
    for (i = 0; i < raw_len; i++) {
        a = (a + raw[i]) % 65521;
        b = (b + a) % 65521;
    }
    put32(idat + len, (b << 16) | a);
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    put32(head, SIDE);
    put32(head + 4, SIDE);
    head[8] = 8;  /* bits per index */
    head[9] = 3;  /* palette */
    head[10] = 0; /* deflate */
    head[11] = 0; /* adaptive filters */
    head[12] = 0; /* no interlace */
    hsl_rgb(hue, 40, 94, plte);
    hsl_rgb(hue, 55, 45, plte + 3);
    len = 8;
    chunk(out, &len, "IHDR", head, sizeof(head));
    chunk(out, &len, "PLTE", plte, sizeof(plte));
    chunk(out, &len, "IDAT", idat, idat_len);
    chunk(out, &len, "IEND", NULL, 0);
    free(raw);
    free(idat);
    *len_out = len;
    return out;
}
