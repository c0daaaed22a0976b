/*
 * http/multipart.c - multipart/form-data (RFC 7578, framing of RFC 2046),
 * which Mastodon clients use to upload media: a "file" part with the bytes
 * and a "description", sometimes "focus" or "thumbnail". The body is whole
 * in memory already, so a part's data points into it: an upload is never
 * copied. Only names, filenames and content types are decoded into the
 * arena. What the parts mean (size limits, media types) is the handler's job.
 *
 * The delimiter is CRLF "--" boundary: data may hold "--boundary" anywhere
 * else, and any byte. A body whose first boundary line ends in a bare LF is
 * read with LF "--" boundary as its delimiter instead, for hand-made
 * clients; a CRLF body is never cut at a bare LF.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http/http_int.h"

#define BOUNDARY_MAX 70 /* RFC 2046, 5.1.1 */

/* glibc hides memmem without _GNU_SOURCE; needles here are short (<= 74). */
static const char *
find_bytes(const char *h, size_t h_len, const char *needle, size_t n_len)
{
    const char *p = h, *end = h + h_len;

    if (n_len == 0 || n_len > h_len)
        return n_len == 0 ? h : NULL;
    while ((size_t)(end - p) >= n_len && (p = memchr(p, needle[0], (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) < n_len)
            return NULL;
        if (memcmp(p, needle, n_len) == 0)
            return p;
        p++;
    }
    return NULL;
}

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 9110 tchar: what a header or parameter name is made of. */
static bool
is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

enum { PARAM_END = 0, PARAM_ONE = 1, PARAM_BAD = -1, PARAM_NOMEM = -2 };

/*
 * Reads the next "; name=value" of a header value at *pp (up to end) and
 * moves *pp past it. The name is a span of the input; the value is decoded
 * into the arena: a quoted string loses its quotes, and \" or \\ is one
 * character. Any other backslash stays, since browsers send Windows paths
 * as filenames unescaped (RFC 7578, 4.2). Returns PARAM_ONE, PARAM_END when
 * only spaces are left, PARAM_BAD or PARAM_NOMEM.
 */
static int
param_next(struct arena *ar, const char **pp, const char *end, const char **name, size_t *name_len,
           char **value)
{
    const char *p = *pp, *v, *v_end;
    char *o;

    for (;;) { /* ";;" and spaces between parameters are nothing */
        while (p < end && is_ows(*p))
            p++;
        if (p == end)
            return PARAM_END;
        if (*p != ';')
            return PARAM_BAD;
        p++;
        while (p < end && is_ows(*p))
            p++;
        if (p < end && *p != ';')
            break;
    }
    for (*name = p; p < end && is_tchar((unsigned char)*p); p++)
        ;
    if ((*name_len = (size_t)(p - *name)) == 0)
        return PARAM_BAD;
    while (p < end && is_ows(*p))
        p++;
    if (p == end || *p++ != '=')
        return PARAM_BAD;
    while (p < end && is_ows(*p))
        p++;
    if (p < end && *p == '"') {
        for (v = ++p; p < end && *p != '"'; p++)
            if (*p == '\\' && end - p > 1 && (p[1] == '"' || p[1] == '\\'))
                p++;
        if (p == end)
            return PARAM_BAD; /* no closing quote */
        if ((*value = o = arena_alloc(ar, (size_t)(p - v) + 1)) == NULL)
            return PARAM_NOMEM;
        for (; v < p; v++) {
            if (*v == '\\' && (v[1] == '"' || v[1] == '\\'))
                v++;
            *o++ = *v;
        }
        *o = '\0';
        p++;
    } else {
        for (v = p; p < end && *p != ';'; p++)
            if (*p == '"')
                return PARAM_BAD;
        for (v_end = p; v_end > v && is_ows(v_end[-1]); v_end--)
            ;
        if ((*value = arena_strndup(ar, v, (size_t)(v_end - v))) == NULL)
            return PARAM_NOMEM;
    }
    *pp = p;
    return PARAM_ONE;
}

/* Whether the span [s, s + len) is word, ignoring ASCII case. */
static bool
span_is(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && strncasecmp(s, word, len) == 0;
}

/*
 * Skips the type of a header value (up to end) and the spaces around it;
 * NULL when it is not type. The parameters start at the result.
 */
static const char *
skip_type(const char *s, const char *end, const char *type)
{
    const char *t;
    size_t n = strlen(type);

    while (s < end && is_ows(*s))
        s++;
    if ((size_t)(end - s) < n || strncasecmp(s, type, n) != 0)
        return NULL;
    for (t = s + n; t < end && is_ows(*t); t++)
        ;
    return t == end || *t == ';' ? t : NULL;
}

/*
 * The boundary of a Content-Type, into the arena. NULL with *error set
 * when it is no multipart/form-data or its boundary is missing or bad.
 */
static const char *
boundary_of(struct arena *ar, const char *content_type, const char **error)
{
    const char *p, *end, *name, *boundary = NULL;
    size_t name_len, i;
    char *value;
    int r;

    if (content_type == NULL || (p = skip_type(content_type, content_type + strlen(content_type),
                                               "multipart/form-data")) == NULL) {
        *error = "content type is not multipart/form-data";
        return NULL;
    }
    end = p + strlen(p);
    while ((r = param_next(ar, &p, end, &name, &name_len, &value)) == PARAM_ONE)
        if (boundary == NULL && span_is(name, name_len, "boundary"))
            boundary = value;
    if (r == PARAM_NOMEM) {
        *error = "out of memory";
        return NULL;
    }
    if (r == PARAM_BAD) {
        *error = "malformed content type";
        return NULL;
    }
    if (boundary == NULL || boundary[0] == '\0') {
        *error = "no boundary in the content type";
        return NULL;
    }
    if (strlen(boundary) > BOUNDARY_MAX) {
        *error = "boundary over 70 characters";
        return NULL;
    }
    for (i = 0; boundary[i] != '\0'; i++)
        if ((unsigned char)boundary[i] < 0x20 || (unsigned char)boundary[i] >= 0x7f) {
            *error = "boundary with control or non-ASCII characters";
            return NULL;
        }
    return boundary;
}

/*
 * Decodes an RFC 8187 ext-value (charset'language'%XX...) of filename*:
 * UTF-8 as is, ISO-8859-1 turned into UTF-8. Returns 1 with *out in the
 * arena, 0 for another charset (the caller falls back to filename=), -1
 * when malformed (a bad or NUL escape) and -2 when memory runs out.
 */
static int
ext_value_decode(struct arena *ar, const char *v, char **out)
{
    const char *q1, *q2, *s;
    bool latin1;
    char *o;
    int hi, lo;
    unsigned char c;

    if ((q1 = strchr(v, '\'')) == NULL || (q2 = strchr(q1 + 1, '\'')) == NULL)
        return -1;
    if (span_is(v, (size_t)(q1 - v), "UTF-8"))
        latin1 = false;
    else if (span_is(v, (size_t)(q1 - v), "ISO-8859-1"))
        latin1 = true;
    else
        return 0;
    if ((*out = o = arena_alloc(ar, 2 * strlen(q2 + 1) + 1)) == NULL)
        return -2;
    for (s = q2 + 1; *s != '\0'; s++) {
        c = (unsigned char)*s;
        if (c == '%') {
            if ((hi = http_hex_value((unsigned char)s[1])) < 0 ||
                (lo = http_hex_value((unsigned char)s[2])) < 0)
                return -1;
            c = (unsigned char)(hi << 4 | lo);
            s += 2;
        }
        if (c == '\0')
            return -1;
        if (latin1 && c >= 0x80) {
            *o++ = (char)(0xc0 | c >> 6);
            *o++ = (char)(0x80 | (c & 0x3f));
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return 1;
}

/*
 * Fills part's name and filename from a Content-Disposition value
 * [v, end). Returns NULL, or the message of the failure.
 */
static const char *
disposition_parse(struct arena *ar, const char *v, const char *end, struct multipart_part *part)
{
    const char *p, *name, *filename = NULL, *filename_ext = NULL;
    size_t name_len;
    char *value, *decoded;
    int r;

    if ((p = skip_type(v, end, "form-data")) == NULL)
        return "part without Content-Disposition: form-data";
    while ((r = param_next(ar, &p, end, &name, &name_len, &value)) == PARAM_ONE) {
        if (part->name == NULL && span_is(name, name_len, "name"))
            part->name = value;
        else if (filename == NULL && span_is(name, name_len, "filename"))
            filename = value;
        else if (filename_ext == NULL && span_is(name, name_len, "filename*"))
            filename_ext = value;
    }
    if (r == PARAM_NOMEM)
        return "out of memory";
    if (r == PARAM_BAD)
        return "malformed Content-Disposition";
    if (part->name == NULL || part->name[0] == '\0')
        return "part without a name";
    part->filename = filename;
    if (filename_ext != NULL) {
        if ((r = ext_value_decode(ar, filename_ext, &decoded)) == -2)
            return "out of memory";
        if (r < 0)
            return "malformed filename* in Content-Disposition";
        if (r == 1)
            part->filename = decoded;
    }
    return NULL;
}

/*
 * Reads a part's header lines from p (up to end), filling part, and sets
 * *data to where its data starts. Returns NULL, or the message of the
 * failure. Lines end in CRLF or LF; folded lines, NULs and other control
 * characters are refused, as nobody sends them but to confuse a parser.
 */
static const char *
headers_parse(struct arena *ar, const char *p, const char *end, struct multipart_part *part,
              const char **data)
{
    const char *lim, *nl, *line_end, *colon, *v, *msg;
    bool seen_disposition = false, seen_type = false;

    lim = (size_t)(end - p) > MULTIPART_MAX_HEADER ? p + MULTIPART_MAX_HEADER : end;
    for (;; p = nl + 1) {
        if ((nl = memchr(p, '\n', (size_t)(lim - p))) == NULL)
            return lim < end ? "part headers over 8 KiB" : "missing closing boundary";
        line_end = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if (line_end == p)
            break;
        for (colon = p; colon < line_end && is_tchar((unsigned char)*colon); colon++)
            ;
        if (colon == p || colon == line_end || *colon != ':')
            return "malformed part header";
        for (v = colon + 1; v < line_end; v++)
            if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
                return "malformed part header";
        for (v = colon + 1; v < line_end && is_ows(*v); v++)
            ;
        if (span_is(p, (size_t)(colon - p), "Content-Disposition")) {
            if (seen_disposition)
                return "part with two Content-Disposition headers";
            seen_disposition = true;
            if ((msg = disposition_parse(ar, v, line_end, part)) != NULL)
                return msg;
        } else if (span_is(p, (size_t)(colon - p), "Content-Type")) {
            const char *t_end = line_end;

            if (seen_type)
                return "part with two Content-Type headers";
            seen_type = true;
            while (t_end > v && is_ows(t_end[-1]))
                t_end--;
            if (t_end > v &&
                (part->content_type = arena_strndup(ar, v, (size_t)(t_end - v))) == NULL)
                return "out of memory";
        }
    }
    if (!seen_disposition)
        return "part without Content-Disposition: form-data";
    *data = nl + 1;
    return NULL;
}

enum { DELIM_PART, DELIM_CLOSE };

/*
 * Finds the next delimiter in [p, end): pat ("\r\n--boundary", "\n--boundary"
 * or, on the first line, "--boundary") followed by "--" (the close) or by
 * spaces and a line end. A match followed by anything else is data.
 * Returns where the match starts, or NULL; *kind says which delimiter and
 * *next where the following part starts.
 */
static const char *
delim_find(const char *p, const char *end, const char *pat, size_t pat_len, int *kind,
           const char **next)
{
    const char *m, *t;

    while ((m = find_bytes(p, (size_t)(end - p), pat, pat_len)) != NULL) {
        t = m + pat_len;
        if (end - t >= 2 && t[0] == '-' && t[1] == '-') {
            *kind = DELIM_CLOSE;
            *next = end;
            return m;
        }
        while (t < end && is_ows(*t))
            t++;
        if (t < end && *t == '\r')
            t++;
        if (t < end && *t == '\n') {
            *kind = DELIM_PART;
            *next = t + 1;
            return m;
        }
        p = m + 1;
    }
    return NULL;
}

static int
fail(const char **error, const char *msg)
{
    if (error != NULL)
        *error = msg;
    return -1;
}

int
multipart_parse(struct arena *ar, const char *content_type, const char *body, size_t len,
                struct multipart_part **parts, size_t *n, const char **error)
{
    struct multipart_part *out;
    const char *boundary, *msg = NULL, *end, *m, *data, *next;
    char *pat;
    size_t pat_len, count = 0;
    int kind;

    *parts = NULL;
    *n = 0;
    if (error != NULL)
        *error = NULL;
    if ((boundary = boundary_of(ar, content_type, &msg)) == NULL)
        return fail(error, msg);
    /* pat is "\r\n--boundary"; pat + 1 the LF form, pat + 2 the first line's */
    pat_len = strlen(boundary) + 4;
    if ((pat = arena_alloc(ar, pat_len + 1)) == NULL ||
        (out = arena_alloc(ar, MULTIPART_MAX_PARTS * sizeof(*out))) == NULL)
        return fail(error, "out of memory");
    memcpy(pat, "\r\n--", 4);
    memcpy(pat + 4, boundary, pat_len - 4);
    pat[pat_len] = '\0';

    if (body == NULL)
        return fail(error, "missing first boundary");
    end = body + len;
    /* The first boundary opens the body or a line after the preamble. */
    if ((len < pat_len - 2 || memcmp(body, pat + 2, pat_len - 2) != 0 ||
         delim_find(body, end, pat + 2, pat_len - 2, &kind, &next) != body) &&
        delim_find(body, end, pat + 1, pat_len - 1, &kind, &next) == NULL)
        return fail(error, "missing first boundary");
    if (kind == DELIM_PART && next[-2] != '\r') { /* a bare LF body */
        pat++;
        pat_len--;
    }
    while (kind == DELIM_PART) {
        if (count == MULTIPART_MAX_PARTS)
            return fail(error, "too many parts");
        memset(&out[count], 0, sizeof(out[count]));
        if ((msg = headers_parse(ar, next, end, &out[count], &data)) != NULL)
            return fail(error, msg);
        if ((m = delim_find(data, end, pat, pat_len, &kind, &next)) == NULL)
            return fail(error, "missing closing boundary");
        out[count].data = (const unsigned char *)data;
        out[count].len = (size_t)(m - data);
        count++;
    }
    *parts = out;
    *n = count;
    return 0;
}

const struct multipart_part *
multipart_get(const struct multipart_part *parts, size_t n, const char *name)
{
    size_t i;

    if (parts == NULL || name == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (parts[i].name != NULL && strcmp(parts[i].name, name) == 0)
            return &parts[i];
    return NULL;
}
