/*
 * http/gzip.c - Content-Encoding: gzip for the responses worth it. A page of
 * 20 Mastodon statuses is 30 KB of JSON that compresses to a tenth: on a
 * venue's wifi that is the difference between a timeline that loads and one
 * that does not. Compressing costs far more than sending, so only what is
 * kept (api/cache.c) is compressed, once, and sent compressed many times.
 * That is also what is safe to compress: a cached page holds no secret
 * (it is the same for every anonymous reader, or one viewer's timeline),
 * while compressing a page with a CSRF token beside text the request
 * chose would let an eavesdropper on TLS guess the token from the sizes
 * (BREACH).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http/http.h"

/* Skips spaces and tabs. */
static const char *
skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/*
 * True when the parameters in [p, end), after a coding's name, hold a q of
 * zero ("q=0", "q=0.0", "q=0.000"): the client refuses that coding.
 * Anything else (no q, q=1, q=0.5, a malformed value) accepts it.
 */
static bool
refused_by_q(const char *p, const char *end)
{
    const char *semi, *v;

    while ((semi = memchr(p, ';', (size_t)(end - p))) != NULL) {
        v = skip_blanks(semi + 1);
        if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
            v += 2;
            if (*v++ != '0')
                return false;
            if (*v == '.')
                for (v++; v < end && *v == '0'; v++)
                    ;
            v = skip_blanks(v);
            return v >= end || *v == ';';
        }
        p = semi + 1;
    }
    return false;
}

bool
request_accepts_gzip(const struct request *req)
{
    const char *value = request_header(req, "Accept-Encoding"), *p;

    if (value == NULL)
        return false;
    for (p = value; *p != '\0';) {
        const char *end = strchr(p, ','), *name = skip_blanks(p);
        size_t n;

        if (end == NULL)
            end = p + strlen(p);
        for (n = 0; name + n < end && name[n] != ';' && name[n] != ' ' && name[n] != '\t'; n++)
            ;
        if (((n == 4 && strncasecmp(name, "gzip", 4) == 0) ||
             (n == 6 && strncasecmp(name, "x-gzip", 6) == 0)) &&
            !refused_by_q(name + n, end))
            return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

bool
http_compressible(const char *content_type, size_t len)
{
    static const char *const types[] = {"application/json",     "text/",
                                        "application/atom+xml", "application/activity+json",
                                        "image/svg+xml",        "application/javascript",
                                        "text/markdown"};
    size_t i;

    if (content_type == NULL || len < HTTP_GZIP_MIN)
        return false;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strncasecmp(content_type, types[i], strlen(types[i])) == 0)
            return true;
    return false;
}

int
http_gzip(const char *data, size_t len, char **out, size_t *out_len)
{
    z_stream z = {0};
    uLong bound;
    char *buf;
    int zrc;

    *out = NULL;
    *out_len = 0;
    if (len > UINT_MAX / 2)
        return -1;
    /* 15 bits of window, +16: a gzip header and trailer rather than zlib's */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    bound = deflateBound(&z, (uLong)len);
    if ((buf = malloc(bound)) == NULL) {
        deflateEnd(&z);
        return -1;
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)bound;
    zrc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (zrc != Z_STREAM_END) {
        free(buf);
        *out_len = 0;
        return -1;
    }
    *out = buf;
    return 0;
}
