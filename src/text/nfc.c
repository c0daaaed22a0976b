/*
 * text/nfc.c - Unicode NFC normalisation, which upstream applies before
 * counting ("Á" typed as A + U+0301 is one character). Almost every post is
 * already NFC, so UAX #15's quick check (NFC_QC from Unicode's data,
 * build/gen/nfcqc_table.c) decides first and the text is used as it is;
 * only the rest goes through utf8proc, into the caller's scratch buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_int.h"

static int
range_cmp(const void *key, const void *elem)
{
    int32_t c = *(const int32_t *)key;
    const struct cp_range *r = elem;

    return c < r->first ? -1 : c > r->last;
}

/*
 * UAX #15's quick check for one code point after one whose combining
 * class was *last: false unless NFC_QC is Yes and combining classes do not
 * go down (then the text might change, and is normalised to be sure).
 */
static bool
nfc_quick_yes(int32_t c, int *last)
{
    int ccc;

    if (c < 0x300) { /* Latin-1 and its neighbours: class 0, always Yes */
        *last = 0;
        return true;
    }
    ccc = utf8proc_get_property(c)->combining_class;
    if (ccc != 0 && *last > ccc)
        return false;
    *last = ccc;
    return bsearch(&c, nfc_qc_not_yes, nfc_qc_not_yes_n, sizeof(*nfc_qc_not_yes), range_cmp) ==
           NULL;
}

int
text_nfc(struct text_scratch *sc, const char *s, size_t len, const char **out, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    utf8proc_ssize_t n, m;
    size_t i, k;
    int last_ccc = 0;

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
            last_ccc = 0;
            continue;
        }
        if (!nfc_quick_yes(utf8_at(s, i, &k), &last_ccc))
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
