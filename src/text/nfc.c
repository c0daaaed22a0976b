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

/* NFC_QC of c is Yes. */
static bool
qc_yes(int32_t c)
{
    return c < 0x300 || !cp_in_ranges(c, nfc_qc_not_yes, nfc_qc_not_yes_n);
}

static int
ccc_of(int32_t c)
{
    return c < 0x300 ? 0 : utf8proc_get_property(c)->combining_class;
}

/*
 * Appends the NFC form of s[0..len) to sc->nfc, through utf8proc (into
 * sc->cps). Returns 0, or -1 if memory runs out.
 */
static int
nfc_append(struct text_scratch *sc, const char *s, size_t len)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    utf8proc_ssize_t n, m;

    if (len > (size_t)PTRDIFF_MAX / 8)
        return -1;
    n = utf8proc_decompose_custom((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, NULL, 0, opts,
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
    m = utf8proc_decompose_custom((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, sc->cps, n,
                                  opts, NULL, NULL);
    if (m < 0 || m > n)
        return -1;
    /* Composes in place and re-encodes as UTF-8 into the same buffer. */
    m = utf8proc_reencode(sc->cps, m, opts);
    if (m < 0)
        return -1;
    return buf_append(&sc->nfc, (const char *)sc->cps, (size_t)m);
}

/*
 * UAX #15: text can only change around a code point whose NFC_QC is not
 * Yes or whose combining class is out of order, and only between the
 * nearest "boundaries" on either side (code points of class 0 with NFC_QC
 * Yes, which nothing before them composes with). So the text is copied as
 * it is, and only those stretches go through utf8proc: a megabyte with one
 * decomposed accent costs what a megabyte of NFC text costs.
 */
int
text_nfc(struct text_scratch *sc, const char *s, size_t len, const char **out, size_t *out_len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, k, copied = 0, boundary = 0;
    bool changed = false;
    int last_ccc = 0;

    sc->nfc.len = 0;
    while (i < len) {
        int32_t c;
        int ccc;

        if (u[i] < 0x80) { /* ASCII: a boundary each, eight at a time */
            uint64_t w;
            while (i + 8 <= len) {
                memcpy(&w, u + i, 8);
                if (w & 0x8080808080808080ULL)
                    break;
                i += 8;
            }
            if (i < len && u[i] < 0x80)
                i++;
            boundary = i - 1;
            last_ccc = 0;
            continue;
        }
        c = utf8_at(s, i, &k);
        ccc = ccc_of(c);
        if (qc_yes(c) && (ccc == 0 || last_ccc <= ccc)) {
            if (ccc == 0)
                boundary = i;
            last_ccc = ccc;
            i += k;
            continue;
        }
        /* s[boundary..j) may change: j is the next boundary after i */
        size_t j = i + k;
        while (j < len) {
            int32_t d = utf8_at(s, j, &k);
            if (ccc_of(d) == 0 && qc_yes(d))
                break;
            j += k;
        }
        if (buf_append(&sc->nfc, s + copied, boundary - copied) != 0 ||
            nfc_append(sc, s + boundary, j - boundary) != 0)
            return -1;
        changed = true;
        copied = boundary = i = j;
        last_ccc = 0;
    }
    if (!changed) {
        *out = s;
        *out_len = len;
        return 0;
    }
    if (buf_append(&sc->nfc, s + copied, len - copied) != 0)
        return -1;
    *out = sc->nfc.data;
    *out_len = sc->nfc.len;
    return 0;
}
