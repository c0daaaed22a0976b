/*
 * api/json_write.c - JSON written into one growing buffer (see the header
 * for why). The separator rule: before a key or a value, a comma unless
 * the text so far ends an opening bracket or a key's colon.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/json_write.h"
#include "core/decimal.h"
#include "http/http.h"

void
jw_init(struct json_writer *w)
{
    memset(w, 0, sizeof(*w));
}

/* Frees what was written. */
static void
drop(struct json_writer *w)
{
    free(w->buf);
    jw_init(w);
}

/* Room for n more bytes and the final NUL. */
static bool
reserve(struct json_writer *w, size_t n)
{
    size_t cap;
    char *p;

    if (w->failed)
        return false;
    if (w->len + n + 1 <= w->cap)
        return true;
    cap = w->cap != 0 ? w->cap : 1024;
    while (cap < w->len + n + 1)
        cap *= 2;
    if ((p = realloc(w->buf, cap)) == NULL) {
        free(w->buf);
        w->buf = NULL;
        w->len = w->cap = 0;
        w->failed = true;
        return false;
    }
    w->buf = p;
    w->cap = cap;
    return true;
}

static void
put(struct json_writer *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void
put_char(struct json_writer *w, char c)
{
    put(w, &c, 1);
}

/* The comma between two members or elements. */
static void
separate(struct json_writer *w)
{
    char last;

    if (w->len == 0 || w->failed)
        return;
    last = w->buf[w->len - 1];
    if (last != '{' && last != '[' && last != ':')
        put_char(w, ',');
}

void
jw_object(struct json_writer *w)
{
    separate(w);
    put_char(w, '{');
}

void
jw_end_object(struct json_writer *w)
{
    put_char(w, '}');
}

void
jw_array(struct json_writer *w)
{
    separate(w);
    put_char(w, '[');
}

void
jw_end_array(struct json_writer *w)
{
    put_char(w, ']');
}

void
jw_key(struct json_writer *w, const char *key)
{
    separate(w);
    put_char(w, '"');
    put(w, key, strlen(key));
    put(w, "\":", 2);
}

void
jw_string_open(struct json_writer *w)
{
    separate(w);
    put_char(w, '"');
}

void
jw_string_close(struct json_writer *w)
{
    put_char(w, '"');
}

/* s escaped as JSON wants: quotes, backslashes and control characters. */
void
jw_string_part(struct json_writer *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        size_t elen = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, s + run, i - run);
        run = i + 1;
        esc[0] = '\\';
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            elen = 6;
        }
        put(w, esc, elen);
    }
    put(w, s + run, n - run);
}

void
jw_stringn(struct json_writer *w, const char *s, size_t n)
{
    jw_string_open(w);
    jw_string_part(w, s, n);
    jw_string_close(w);
}

void
jw_string(struct json_writer *w, const char *s)
{
    if (s == NULL)
        jw_null(w);
    else
        jw_stringn(w, s, strlen(s));
}

void
jw_string_cat(struct json_writer *w, ...)
{
    va_list ap;
    const char *s;

    jw_string_open(w);
    va_start(ap, w);
    while ((s = va_arg(ap, const char *)) != NULL)
        jw_string_part(w, s, strlen(s));
    va_end(ap);
    jw_string_close(w);
}

/* An integer, quoted or not. */
static void
put_integer(struct json_writer *w, int64_t v, bool quoted)
{
    char s[DECIMAL_SIZE + 2];
    size_t n = 0;

    if (quoted)
        s[n++] = '"';
    n += decimal_format(s + n, v);
    if (quoted)
        s[n++] = '"';
    separate(w);
    put(w, s, n);
}

void
jw_int(struct json_writer *w, int64_t v)
{
    put_integer(w, v, false);
}

void
jw_id(struct json_writer *w, int64_t v)
{
    put_integer(w, v, true);
}

void
jw_bool(struct json_writer *w, bool v)
{
    separate(w);
    if (v)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

void
jw_null(struct json_writer *w)
{
    separate(w);
    put(w, "null", 4);
}

void
jw_raw_value(struct json_writer *w, const char *json, size_t n)
{
    separate(w);
    put(w, json, n);
}

void
jw_json(struct json_writer *w, const json_t *j)
{
    char *s;

    if (j == NULL) {
        jw_null(w);
        return;
    }
    if ((s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
        drop(w);
        w->failed = true;
        return;
    }
    jw_raw_value(w, s, strlen(s));
    free(s);
}

char *
jw_take(struct json_writer *w, size_t *len)
{
    char *s = w->failed || w->len == 0 ? NULL : w->buf;

    *len = s != NULL ? w->len : 0;
    if (s == NULL)
        free(w->buf);
    jw_init(w);
    return s;
}

int
jw_answer(struct json_writer *w, struct response *res, int status)
{
    size_t len;
    char *s = jw_take(w, &len);

    if (s == NULL)
        return -1;
    return response_body_take(res, status, "application/json; charset=utf-8", s, len);
}

json_t *
jw_parse(struct json_writer *w)
{
    size_t len;
    char *s = jw_take(w, &len);
    json_t *j;

    if (s == NULL)
        return NULL;
    j = json_loadb(s, len, 0, NULL);
    free(s);
    return j;
}
