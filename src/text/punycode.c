/*
 * text/punycode.c - how long a domain label becomes in its ASCII form
 * ("xn--" + RFC 3492 punycode). Upstream refuses a URL whose host has a
 * label longer than 63 characters once encoded, so a host of 30 kana is
 * not a link while one of 20 is. Only the length is needed, so nothing is
 * written out.
 */
#include "text/text_int.h"

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128 };

static uint32_t
adapt(uint32_t delta, uint32_t numpoints, bool firsttime)
{
    uint32_t k = 0;

    delta = firsttime ? delta / DAMP : delta / 2;
    delta += delta / numpoints;
    while (delta > ((BASE - TMIN) * TMAX) / 2) {
        delta /= BASE - TMIN;
        k += BASE;
    }
    return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

/*
 * Punycode output length of the code points of s[0..len); (size_t)-1 when
 * the arithmetic would overflow (RFC 3492 section 6.4), which upstream's
 * encoder reports as an error too.
 */
static size_t
punycode_encoded_length(const char *s, size_t len)
{
    uint32_t n = INITIAL_N, delta = 0, bias = INITIAL_BIAS, h, b = 0, total = 0;
    size_t i, k, out = 0;

    for (i = 0; i < len; i += k) {
        int32_t c = utf8_at(s, i, &k);
        total++;
        if (c < 0x80)
            b++;
    }
    out = b + (b > 0); /* the basic code points, then a delimiter */
    h = b;
    while (h < total) {
        uint32_t m = UINT32_MAX;

        for (i = 0; i < len; i += k) {
            uint32_t c = (uint32_t)utf8_at(s, i, &k);
            if (c >= n && c < m)
                m = c;
        }
        if (m - n > (UINT32_MAX - delta) / (h + 1))
            return (size_t)-1;
        delta += (m - n) * (h + 1);
        n = m;
        for (i = 0; i < len; i += k) {
            uint32_t c = (uint32_t)utf8_at(s, i, &k), q, t, kk;

            if (c < n && ++delta == 0)
                return (size_t)-1;
            if (c != n)
                continue;
            for (q = delta, kk = BASE;; kk += BASE) {
                t = kk <= bias ? TMIN : kk >= bias + TMAX ? TMAX : kk - bias;
                if (q < t)
                    break;
                out++;
                q = (q - t) / (BASE - t);
            }
            out++;
            bias = adapt(delta, h + 1, h == b);
            delta = 0;
            h++;
        }
        delta++;
        n++;
    }
    return out;
}

size_t
punycode_label_length(const char *s, size_t len)
{
    size_t i, n;

    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            break;
    if (i == len)
        return len; /* ASCII labels are left as they are */
    /* Every code point yields at least one character: past 63 the exact
     * figure no longer matters, and the encoder is quadratic. */
    if (text_utf8_count_cp(s, len) > PUNYCODE_MAX_LABEL)
        return PUNYCODE_MAX_LABEL + 1;
    n = punycode_encoded_length(s, len);
    return n == (size_t)-1 ? n : n + 4; /* "xn--" */
}
