/*
 * text/fold.c - the stored form of a hashtag, so that #Économie, #économie
 * and #ÉCONOMIE meet on one tag page: NFC, then each code point in lower
 * case (utf8proc's simple mapping, the same whatever the locale).
 */
#include <utf8proc.h>

#include "text/text_int.h"

int
text_tag_fold(struct text_buf *out, const char *s, size_t len)
{
    struct text_scratch sc = {0};
    const char *t;
    size_t tlen, i, n, at, saved = out->len;
    int rc = -1;

    if (text_utf8_check(s, len, &at) != TEXT_UTF8_OK || text_nfc(&sc, s, len, &t, &tlen) != 0)
        goto out;
    if (buf_reserve(out, tlen) != 0)
        goto out;
    for (i = 0; i < tlen; i += n) {
        char enc[4];
        int32_t c = utf8_at(t, i, &n);
        size_t m = utf8_put(enc, utf8proc_tolower(c));
        if (buf_append(out, enc, m) != 0)
            goto out;
    }
    if (buf_append(out, "", 0) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0 && out->data != NULL) { /* out as it was */
        out->len = saved;
        out->data[saved] = '\0';
    }
    text_scratch_release(&sc);
    return rc;
}
