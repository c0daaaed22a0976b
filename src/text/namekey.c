/*
 * text/namekey.c - the form two ways of writing a name are compared in:
 * "Jean-Pierre Bédard", "JEAN PIERRE BEDARD" and "jean-pierre bédard" all
 * become "jeanpierrebedard" (compatibility decomposition, marks dropped,
 * case folded, only letters and digits kept). Speaker prefixes are matched
 * with it (api/speakers.c), as a live-tweeter types names in a hurry.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/text.h"
#include "text/text_int.h"

int
text_name_key(struct text_buf *out, const char *s, size_t len)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n, i = 0;
    utf8proc_int32_t c;
    size_t at, saved = out->len;
    char one[4];

    if (len > TEXT_MAX_INPUT || text_utf8_check(s, len, &at) != TEXT_UTF8_OK)
        return -1;
    n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
                     UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                         UTF8PROC_CASEFOLD);
    if (n < 0)
        return -1;
    while (i < n) {
        utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &c);
        utf8proc_category_t cat;
        if (step <= 0)
            break;
        cat = utf8proc_category(c);
        if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
            (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO)) {
            utf8proc_ssize_t w = utf8proc_encode_char(c, (utf8proc_uint8_t *)one);
            if (buf_append(out, one, (size_t)w) != 0) {
                free(mapped);
                if (out->data != NULL) { /* out as it was, NUL-terminated */
                    out->len = saved;
                    out->data[saved] = '\0';
                }
                return -1;
            }
        }
        i += step;
    }
    free(mapped);
    if (out->data == NULL && buf_append(out, "", 0) != 0)
        return -1;
    return 0;
}
