/*
 * auth/sha1.c - SHA-1 (FIPS 180-4), for one thing only: the WebSocket
 * handshake (RFC 6455) answers Sec-WebSocket-Key with the base64 of a
 * SHA-1. libsodium, which does the rest of the cryptography, has no SHA-1;
 * nothing here relies on it for security.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "auth/auth.h"

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (i = 16; i < 80; i++)
        w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20)
            f = (b & c) | (~b & d), k = 0x5A827999;
        else if (i < 40)
            f = b ^ c ^ d, k = 0x6ED9EBA1;
        else if (i < 60)
            f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
        else
            f = b ^ c ^ d, k = 0xCA62C1D6;
        t = ROL(a, 5) + f + e + k + w[i];
        e = d, d = c, c = ROL(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void
auth_sha1(const void *data, size_t len, unsigned char out[20])
{
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    const unsigned char *p = data;
    unsigned char tail[128] = {0};
    uint64_t bits = (uint64_t)len * 8;
    size_t i, rest, pad;

    for (i = 0; i + 64 <= len; i += 64)
        sha1_block(h, p + i);
    rest = len - i;
    memcpy(tail, p + i, rest);
    tail[rest] = 0x80;
    pad = rest < 56 ? 64 : 128;
    for (i = 0; i < 8; i++)
        tail[pad - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha1_block(h, tail);
    if (pad == 128)
        sha1_block(h, tail + 64);
    for (i = 0; i < 5; i++) {
        out[4 * i] = (unsigned char)(h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(h[i] >> 8);
        out[4 * i + 3] = (unsigned char)h[i];
    }
}

bool
auth_websocket_accept(const char *key, char out[AUTH_WS_ACCEPT_SIZE])
{
    static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[20];
    char joined[128];
    size_t len = key != NULL ? strlen(key) : 0;

    if (len == 0 || len + sizeof(guid) > sizeof(joined))
        return false;
    memcpy(joined, key, len);
    memcpy(joined + len, guid, sizeof(guid) - 1);
    auth_sha1(joined, len + sizeof(guid) - 1, digest);
    sodium_bin2base64(out, AUTH_WS_ACCEPT_SIZE, digest, sizeof(digest),
                      sodium_base64_VARIANT_ORIGINAL);
    return true;
}
