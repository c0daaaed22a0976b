/*
 * http/response.c - the helpers handlers fill a struct response with, the
 * JSON error body every layer answers with, and the one place an rc of
 * core/rc.h becomes an HTTP status. Bodies are malloc'd, not taken from the
 * request arena: server.c hands them to libmicrohttpd, which frees them
 * when it has sent them. Sending, and the headers every response gets, are
 * server.c's job.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/rc.h"
#include "http/http.h"

void
response_body_drop(struct response *res)
{
    if (res->body_owned) {
        if (res->body_release != NULL)
            res->body_release(res->body_release_arg);
        else
            free(res->body);
    }
    res->body = NULL;
    res->body_len = 0;
    res->body_owned = false;
    res->body_release = NULL;
    res->body_release_arg = NULL;
}

/* Replaces the body (giving back an owned one) and sets status and type. */
static void
response_set(struct response *res, int status, const char *content_type, char *body, size_t len)
{
    response_body_drop(res);
    res->status = status;
    res->content_type = content_type;
    res->body = body;
    res->body_len = len;
    res->body_owned = true;
}

void
response_reset(struct response *res)
{
    response_body_drop(res);
    memset(res, 0, sizeof(*res));
}

int
response_defer(struct response *res, void (*start)(void *arg), void *arg)
{
    res->defer_start = start;
    res->defer_arg = arg;
    return 0;
}

void
response_finish_later(struct response *res, int status,
                      int (*fn)(struct request *req, struct response *res))
{
    res->status = status;
    res->finish = fn;
}

int
response_finish(struct request *req, struct response *res)
{
    int (*fn)(struct request *, struct response *) = res->finish;

    res->finish = NULL;
    return fn != NULL ? fn(req, res) : 0;
}

int
response_body(struct response *res, int status, const char *content_type, const char *s, size_t len)
{
    char *copy;

    if ((copy = malloc(len + 1)) == NULL)
        return -1;
    if (len > 0)
        memcpy(copy, s, len);
    copy[len] = '\0';
    response_set(res, status, content_type, copy, len);
    return 0;
}

int
response_body_take(struct response *res, int status, const char *content_type, char *data,
                   size_t len)
{
    response_set(res, status, content_type, data, len);
    return 0;
}

int
response_body_shared(struct response *res, int status, const char *content_type, const char *data,
                     size_t len, void (*release)(void *arg), void *arg)
{
    response_set(res, status, content_type, (char *)data, len);
    res->body_release = release;
    res->body_release_arg = arg;
    return 0;
}

/*
 * The length of the valid UTF-8 sequence at s (at most left bytes), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t left)
{
    size_t n, i;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0; /* a continuation byte, or a lead byte of an overlong or too big form */
    cp = s[0] & (0x7f >> n);
    if (left < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/*
 * Writes s as the inside of a JSON string into out, which has room for six
 * bytes per input byte. Quotes, backslashes and control characters are
 * escaped; valid UTF-8 is kept as it is and each invalid byte becomes
 * U+FFFD, so the body is valid JSON whatever the message quoted.
 */
static size_t
json_escape(char *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    const char *esc;
    size_t i = 0, o = 0, n;

    while (i < len) {
        switch (p[i]) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            esc = NULL;
        }
        if (esc != NULL) {
            memcpy(out + o, esc, 2);
            o += 2;
            i++;
        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            memcpy(out + o, "\\u00", 4);
            out[o + 4] = hex[p[i] >> 4];
            out[o + 5] = hex[p[i] & 0xf];
            o += 6;
            i++;
        } else if ((n = utf8_sequence(p + i, len - i)) == 0) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
            i++;
        } else {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
        }
    }
    return o;
}

int
response_error(struct response *res, int status, const char *fmt, ...)
{
    static const char head[] = "{\"error\":\"", tail[] = "\"}";
    va_list ap;
    char *msg = NULL, *body = NULL;
    size_t len, o;
    int n, rc = -1;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0; /* a bad conversion: an empty message rather than none */
    if ((msg = malloc((size_t)n + 1)) == NULL)
        goto out;
    va_start(ap, fmt);
    if (vsnprintf(msg, (size_t)n + 1, fmt, ap) < 0)
        msg[0] = '\0';
    va_end(ap);
    len = strlen(msg);
    if ((body = malloc(sizeof(head) + 6 * len + sizeof(tail))) == NULL)
        goto out;
    memcpy(body, head, sizeof(head) - 1);
    o = sizeof(head) - 1;
    o += json_escape(body + o, msg, len);
    memcpy(body + o, tail, sizeof(tail)); /* with its NUL */
    o += sizeof(tail) - 1;
    response_set(res, status, "application/json", body, o);
    body = NULL;
    rc = 0;
out:
    free(msg);
    free(body);
    return rc;
}

int
http_status_for_rc(int rc)
{
    switch (rc) {
    case RC_OK:
        return 200;
    case RC_INVALID:
        return 422;
    case RC_NOTFOUND:
        return 404;
    case RC_CONFLICT:
        return 409;
    case RC_FORBIDDEN:
        return 403;
    case RC_FULL:
        return 507; /* Insufficient Storage (RFC 4918) */
    case RC_AGAIN:
        return 503;
    case RC_NOMEM:
    case RC_IO:
    default:
        return 500;
    }
}

const char *
http_message_for_rc(int rc)
{
    switch (rc) {
    case RC_FULL:
        return "the server's disk is full: nothing was saved";
    case RC_AGAIN:
        return "the server's storage is unavailable (an I/O error, or the database stayed "
               "locked): nothing was saved; try again in a moment";
    }
    return rc_string(rc);
}

int
response_error_rc(struct response *res, int rc)
{
    if (rc == RC_AGAIN && response_header(res, "Retry-After", HTTP_RETRY_AFTER) != 0)
        return -1;
    return response_error(res, http_status_for_rc(rc), "%s", http_message_for_rc(rc));
}

int
response_header(struct response *res, const char *name, const char *value)
{
    if (res->n_headers >= RESPONSE_MAX_HEADERS) {
        log_warnx("http: more than %d response headers, dropping '%s'", RESPONSE_MAX_HEADERS, name);
        return -1;
    }
    res->headers[res->n_headers].name = name;
    res->headers[res->n_headers].value = value;
    res->n_headers++;
    return 0;
}
