/*
 * text/nfc.c - Unicode NFC normalisation, which upstream applies before
 * counting ("Á" typed as A + U+0301 is one character). Almost every post is
 * already NFC, so a quick check over the code points decides first and the
 * text is used as it is; only the rest goes through utf8proc, into the
 * caller's scratch buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_int.h"

/*
 * True when c cannot change under NFC whatever surrounds it: no canonical
 * decomposition, combining class 0, and never the second half of a
 * composition. Everything below U+0300 qualifies.
 */
static bool
nfc_stable(int32_t c)
{
    const utf8proc_property_t *p;

    if (c < 0x300)
        return true;
    if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
        return false; /* Hangul vowels and trailing consonants compose algorithmically */
    p = utf8proc_get_property(c);
    if (p->combining_class != 0)
        return false;
    if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000)
        return false; /* can combine with the character before it */
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0)
        return false; /* canonical decomposition: maybe not composed back */
    return true;
}

int
text_nfc(struct text_scratch *sc, const char *s, size_t len, const char **out, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    utf8proc_ssize_t n, m;
    size_t i, k;

    for (i = 0; i < len; i += k) {
        if (u[i] < 0x80) {
            uint64_t w;
            size_t from = i;
            /* eight ASCII bytes at a time, then one */
            while (i + 8 <= len) {
                memcpy(&w, u + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            k = i == from ? 1 : 0;
            continue;
        }
        if (!nfc_stable(utf8_at(s, i, &k)))
            break;
    }
    if (i == len) {
        *out = s;
        *out_len = len;
        return 0;
    }

    if (len > (size_t)PTRDIFF_MAX / 8)
        return -1;
    n = utf8proc_decompose_custom(u, (utf8proc_ssize_t)len, NULL, 0, UTF8PROC_STABLE | UTF8PROC_COMPOSE,
                                  NULL, NULL);
    if (n < 0)
        return -1;
    if ((size_t)n + 1 > sc->cps_cap) {
        int32_t *p = realloc(sc->cps, ((size_t)n + 1) * sizeof(*p));
        if (p == NULL)
            return -1;
        sc->cps = p;
        sc->cps_cap = (size_t)n + 1;
    }
    m = utf8proc_decompose_custom(u, (utf8proc_ssize_t)len, sc->cps, n,
                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE, NULL, NULL);
    if (m < 0 || m > n)
        return -1;
    /* Composes in place and re-encodes as UTF-8 into the same buffer. */
    m = utf8proc_reencode(sc->cps, m, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (m < 0)
        return -1;
    sc->nfc.len = 0;
    if (buf_append(&sc->nfc, (const char *)sc->cps, (size_t)m) != 0)
        return -1;
    *out = sc->nfc.data;
    *out_len = sc->nfc.len;
    return 0;
}
