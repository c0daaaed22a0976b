/*
 * http/request.c - reading a request that server.c (or a test) has filled:
 * header, query, cookie and route-parameter lookups, the Cookie header
 * parser and the application/x-www-form-urlencoded decoder. Everything it
 * allocates goes into req->arena, and it never sees a connection, so the
 * handlers' tests need no socket. What a value means is the caller's
 * business: a decoded form value may still be invalid UTF-8.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http/http_int.h"

const char *
kv_get(const struct kv *kv, size_t n, const char *name)
{
    size_t i;

    if (kv == NULL || name == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (kv[i].name != NULL && strcmp(kv[i].name, name) == 0)
            return kv[i].value;
    return NULL;
}

/* Header names are case-insensitive (RFC 9110, 5.1); the rest are not. */
const char *
request_header(const struct request *req, const char *name)
{
    size_t i;

    if (req->headers == NULL || name == NULL)
        return NULL;
    for (i = 0; i < req->n_headers; i++)
        if (req->headers[i].name != NULL && strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

const char *
request_query(const struct request *req, const char *name)
{
    return kv_get(req->query, req->n_query, name);
}

const char *
request_cookie(const struct request *req, const char *name)
{
    return kv_get(req->cookies, req->n_cookies, name);
}

const char *
request_param(const struct request *req, const char *name)
{
    return kv_get(req->params, req->n_params, name);
}

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * Adds the pairs of one Cookie header value to out, which has room for one
 * pair per ';' plus one. RFC 6265 (5.4) joins pairs with "; "; we also
 * accept a bare ';' and stray spaces, as browsers send what they were given.
 */
static int
cookies_parse_one(struct arena *a, const char *h, struct kv *out, size_t *n)
{
    const char *p = h, *end, *eq, *name_end, *v, *v_end;

    while (*p != '\0') {
        while (*p == ';' || is_ows(*p))
            p++;
        if (*p == '\0')
            break;
        if ((end = strchr(p, ';')) == NULL)
            end = p + strlen(p);
        if ((eq = memchr(p, '=', (size_t)(end - p))) != NULL) {
            for (name_end = eq; name_end > p && is_ows(name_end[-1]); name_end--)
                ;
            for (v = eq + 1; v < end && is_ows(*v); v++)
                ;
            for (v_end = end; v_end > v && is_ows(v_end[-1]); v_end--)
                ;
            if (v_end - v >= 2 && *v == '"' && v_end[-1] == '"') {
                v++;
                v_end--;
            }
            if (name_end > p) {
                out[*n].name = arena_strndup(a, p, (size_t)(name_end - p));
                out[*n].value = arena_strndup(a, v, (size_t)(v_end - v));
                if (out[*n].name == NULL || out[*n].value == NULL)
                    return -1;
                (*n)++;
            }
        }
        p = end;
    }
    return 0;
}

int
request_cookies_load(struct request *req)
{
    struct kv *cookies;
    size_t i, cap = 0, n = 0;
    const char *c;

    req->cookies = NULL;
    req->n_cookies = 0;
    for (i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, "Cookie") != 0)
            continue;
        cap++;
        for (c = req->headers[i].value; (c = strchr(c, ';')) != NULL; c++)
            cap++;
    }
    if (cap == 0)
        return 0;
    if ((cookies = arena_alloc(&req->arena, cap * sizeof(*cookies))) == NULL)
        return -1;
    for (i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, "Cookie") == 0 &&
            cookies_parse_one(&req->arena, req->headers[i].value, cookies, &n) < 0)
            return -1;
    req->cookies = cookies;
    req->n_cookies = n;
    return 0;
}

int
http_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Decodes len bytes of one form name or value into a new arena string:
 * '+' is a space, %XX a byte. NULL for a '%' not followed by two hex
 * digits, for a NUL byte (raw or %00: it would cut the C string short and
 * hide what follows from every check), or when memory runs out.
 */
static char *
form_decode(struct arena *a, const char *s, size_t len)
{
    char *out, *o;
    size_t i;
    int hi, lo;
    unsigned char c;

    if ((out = o = arena_alloc(a, len + 1)) == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (len - i < 3 || (hi = http_hex_value((unsigned char)s[i + 1])) < 0 ||
                (lo = http_hex_value((unsigned char)s[i + 2])) < 0)
                return NULL;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (c == '\0')
            return NULL;
        *o++ = (char)c;
    }
    *o = '\0';
    return out;
}

int
request_form(struct request *req, const char *s, size_t len, struct kv **out, size_t *n_out)
{
    struct kv *kv;
    const char *p, *end, *amp, *eq;
    size_t cap = 1, n = 0;

    *out = NULL;
    *n_out = 0;
    if (s == NULL || len == 0)
        return 0;
    for (p = s; (p = memchr(p, '&', len - (size_t)(p - s))) != NULL; p++)
        cap++;
    if ((kv = arena_alloc(&req->arena, cap * sizeof(*kv))) == NULL)
        return -1;
    for (p = s, end = s + len;; p = amp + 1) {
        if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
            amp = end;
        if (amp > p) { /* "a=1&&b=2": an empty pair is no pair */
            if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
                eq = amp; /* "flag" alone: an empty value */
            kv[n].name = form_decode(&req->arena, p, (size_t)(eq - p));
            kv[n].value = eq < amp ? form_decode(&req->arena, eq + 1, (size_t)(amp - eq - 1))
                                   : arena_strdup(&req->arena, "");
            if (kv[n].name == NULL || kv[n].value == NULL)
                return -1;
            n++;
        }
        if (amp == end)
            break;
    }
    *out = kv;
    *n_out = n;
    return 0;
}
