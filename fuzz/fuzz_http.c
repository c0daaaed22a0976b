/*
 * fuzz/fuzz_http.c - libFuzzer target for what http/ reads of a request
 * before any handler runs: the router (http/router.c) on the server's whole
 * route table, query strings and urlencoded forms and the Cookie header
 * (http/request.c), multipart bodies (http/multipart.c); and what a
 * WebSocket client sends on a stream (live/ws_read.c). The parsers are
 * called directly, as http/server.c and live/hub.c call them.
 *
 * The input is cut at its first five bytes 0x01 into: method, path, query
 * string, Cookie header, Content-Type, and the body (the rest, any bytes).
 * Method, path, cookie and type are C strings as libmicrohttpd hands them
 * over (cut at a NUL); the body is given with its length, in a buffer of
 * exactly that size. What must hold:
 *
 *   - the server's route index finds what the scan of the table finds
 *     (the same route, status and parameters);
 *   - a route found captures at most four parameters, each a non-empty
 *     part of the path without '/' (but the final "*"), and its method is
 *     the request's (or GET for HEAD); a 405 comes with an Allow list, a 404
 *     without one;
 *   - request_form agrees with a plain reference decoder (pairs, names,
 *     values, and which inputs are refused), on the query and on the body;
 *   - every cookie has a non-empty name without ';' or '=', a value without
 *     ';', and request_cookie finds the first of each name;
 *   - multipart parts lie in the body, in order, each followed by a
 *     delimiter line, with a name; multipart_get finds the first of a name;
 *   - the body read as a WebSocket client's frames gives the same control
 *     frames, the same messages and the same verdict whether it comes
 *     whole or cut in pieces (their sizes taken from the query's bytes),
 *     each control payload at most 125 bytes, each message at most
 *     WS_MESSAGE_MAX and NUL-terminated.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "http/http_int.h"
#include "live/ws_read.h"
#include "masto/masto.h"
#include "web/web.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define N_FIELDS 6 /* method, path, query, cookie, content type, body */

static struct route *routes;
static size_t n_routes;
static struct route_index *route_index;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    n_routes = app_n_routes + masto_n_routes + web_n_routes;
    CHECK((routes = calloc(n_routes, sizeof(*routes))) != NULL);
    memcpy(routes, app_routes, app_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes, masto_routes, masto_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes + masto_n_routes, web_routes, web_n_routes * sizeof(*routes));
    CHECK((route_index = http_route_index_new(routes, n_routes)) != NULL);
    return 0;
}

/* ---- the router ---- */

static void
check_route(struct request *req)
{
    struct request indexed = {.method = req->method, .path = req->path};
    const struct route *r, *ri;
    char allow[256];
    size_t i, allow_len;
    int status = -1, status_i = -1;

    r = http_route_find(routes, n_routes, req, &status);
    ri = http_route_find_indexed(route_index, &indexed, &status_i);
    CHECK(ri == r && status_i == status && indexed.n_params == req->n_params);
    for (i = 0; i < req->n_params; i++)
        CHECK(strcmp(indexed.params[i].name, req->params[i].name) == 0 &&
              strcmp(indexed.params[i].value, req->params[i].value) == 0);
    arena_release(&indexed.arena);
    allow_len = http_route_allow(routes, n_routes, req->path, allow, sizeof(allow));
    CHECK(allow_len == strlen(allow));
    if (r == NULL) {
        CHECK(status == 404 || status == 405);
        CHECK(req->n_params == 0);
        CHECK((status == 405) == (allow_len > 0));
        return;
    }
    CHECK(status == 200 && allow_len > 0);
    CHECK(strcmp(r->method, req->method) == 0 ||
          (strcmp(req->method, "HEAD") == 0 && strcmp(r->method, "GET") == 0));
    CHECK(req->n_params <= 4);
    for (i = 0; i < req->n_params; i++) {
        const char *name = req->params[i].name, *value = req->params[i].value;
        CHECK(name != NULL && value != NULL);
        CHECK(strstr(req->path, value) != NULL);
        if (strcmp(name, "*") != 0)
            CHECK(value[0] != '\0' && strchr(value, '/') == NULL);
        CHECK(request_param(req, name) != NULL);
    }
}

/* ---- a WebSocket client's frames ---- */

struct ws_seen {
    size_t n;
    uint64_t hash; /* FNV-1a of each frame's or message's opcode, length and bytes, in order */
};

static void
ws_hash(struct ws_seen *s, unsigned opcode, const unsigned char *payload, size_t len)
{
    const unsigned char head[5] = {(unsigned char)opcode, (unsigned char)(len >> 24),
                                   (unsigned char)(len >> 16), (unsigned char)(len >> 8),
                                   (unsigned char)len};
    size_t i;

    s->n++;
    if (s->hash == 0)
        s->hash = 14695981039346656037ULL;
    for (i = 0; i < sizeof(head); i++)
        s->hash = (s->hash ^ head[i]) * 1099511628211ULL;
    for (i = 0; i < len; i++)
        s->hash = (s->hash ^ payload[i]) * 1099511628211ULL;
}

static void
ws_record_control(void *arg, unsigned opcode, const unsigned char *payload, size_t len)
{
    CHECK(opcode == 0x8 || opcode == 0x9 || opcode == 0xa);
    CHECK(len <= WS_CONTROL_MAX);
    ws_hash(arg, opcode, payload, len);
}

static void
ws_record_message(void *arg, unsigned opcode, const unsigned char *data, size_t len)
{
    CHECK(opcode == 0x1 || opcode == 0x2);
    CHECK(len <= WS_MESSAGE_MAX);
    CHECK(data[len] == '\0');
    ws_hash(arg, opcode, data, len);
}

static void
check_websocket(const unsigned char *body, size_t len, const unsigned char *cuts, size_t n_cuts)
{
    static const struct ws_handlers handlers = {ws_record_control, ws_record_message};
    struct ws_reader whole = {0}, pieces = {0};
    struct ws_seen a = {0}, b = {0};
    size_t at = 0, k = 0, take;
    int rc_whole, rc_pieces = 0;

    rc_whole = ws_read(&whole, body, len, &handlers, &a);
    while (at < len && rc_pieces == 0) {
        take = n_cuts > 0 ? (size_t)cuts[k++ % n_cuts] % 16 + 1 : len;
        if (take > len - at)
            take = len - at;
        rc_pieces = ws_read(&pieces, body + at, take, &handlers, &b);
        at += take;
    }
    CHECK(rc_whole == rc_pieces);
    CHECK(rc_whole != 0 || (a.n == b.n && a.hash == b.hash));
    CHECK(whole.len <= sizeof(whole.frame));
    CHECK(whole.message_len <= WS_MESSAGE_MAX);
    ws_reader_release(&whole);
    ws_reader_release(&pieces);
}

/* ---- forms ---- */

static int
hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The reference decoding of s[0..n) into out (n + 1 bytes); false where request_form refuses. */
static bool
ref_decode(const char *s, size_t n, char *out)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3 || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0)
                return false;
            c = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        }
        if (c == '\0')
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

/* request_form on s[0..n) against the reference, pair by pair. */
static void
check_form(struct request *req, const char *s, size_t n)
{
    struct kv *kv;
    size_t n_kv, k = 0, start = 0, end, eq;
    char *name, *value;
    bool ok = true;
    int rc;

    rc = request_form(req, s, n, &kv, &n_kv);
    CHECK((name = malloc(n + 1)) != NULL && (value = malloc(n + 1)) != NULL);
    while (start <= n && n > 0) {
        for (end = start; end < n && s[end] != '&'; end++)
            ;
        if (end > start) {
            for (eq = start; eq < end && s[eq] != '='; eq++)
                ;
            value[0] = '\0';
            if (!ref_decode(s + start, eq - start, name) ||
                (eq < end && !ref_decode(s + eq + 1, end - eq - 1, value))) {
                ok = false;
                break;
            }
            if (rc == 0) {
                CHECK(k < n_kv);
                CHECK(strcmp(kv[k].name, name) == 0 && strcmp(kv[k].value, value) == 0);
            }
            k++;
        }
        start = end + 1;
    }
    CHECK((rc == 0) == ok);
    if (rc == 0) {
        CHECK(k == n_kv);
        for (k = 0; k < n_kv; k++)
            CHECK(kv_get(kv, n_kv, kv[k].name) != NULL);
    } else {
        CHECK(kv == NULL && n_kv == 0);
    }
    free(name);
    free(value);
}

/* ---- cookies ---- */

static void
check_cookies(struct request *req)
{
    size_t i, j;

    CHECK(request_cookies_load(req) == 0);
    for (i = 0; i < req->n_cookies; i++) {
        const struct kv *c = &req->cookies[i];
        CHECK(c->name[0] != '\0' && strpbrk(c->name, ";=") == NULL);
        CHECK(strchr(c->value, ';') == NULL);
        for (j = 0; j < i && strcmp(req->cookies[j].name, c->name) != 0; j++)
            ;
        CHECK(request_cookie(req, c->name) == req->cookies[j].value);
    }
}

/* ---- multipart ---- */

static void
check_multipart(struct request *req, const char *type, const char *body, size_t len)
{
    struct multipart_part *parts;
    const char *error, *prev_end = body, *after;
    size_t n, i, j;

    if (multipart_parse(&req->arena, type, body, len, &parts, &n, &error) != 0) {
        CHECK(parts == NULL && n == 0 && error != NULL);
        return;
    }
    CHECK(n <= MULTIPART_MAX_PARTS && (n == 0 || parts != NULL));
    for (i = 0; i < n; i++) {
        const struct multipart_part *p = &parts[i];
        CHECK(p->name != NULL);
        CHECK((const char *)p->data >= prev_end && (const char *)p->data <= body + len);
        CHECK(p->len <= (size_t)(body + len - (const char *)p->data));
        after = (const char *)p->data + p->len;
        CHECK((body + len - after >= 3 && memcmp(after, "\n--", 3) == 0) ||
              (body + len - after >= 4 && memcmp(after, "\r\n--", 4) == 0));
        prev_end = after;
        for (j = 0; j < i && strcmp(parts[j].name, p->name) != 0; j++)
            ;
        CHECK(multipart_get(parts, n, p->name) == &parts[j]);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *field[N_FIELDS], *sep;
    size_t len[N_FIELDS], i, left = size;
    char *str[N_FIELDS - 1], *body;
    struct request req = {0};
    struct kv header;

    for (i = 0; i < N_FIELDS - 1; i++) {
        field[i] = s;
        if ((sep = memchr(s, 1, left)) == NULL)
            return 0;
        len[i] = (size_t)(sep - s);
        left -= len[i] + 1;
        s = sep + 1;
    }
    field[N_FIELDS - 1] = s;
    len[N_FIELDS - 1] = left;
    for (i = 0; i < N_FIELDS - 1; i++) {
        CHECK((str[i] = malloc(len[i] + 1)) != NULL);
        memcpy(str[i], field[i], len[i]);
        str[i][len[i]] = '\0'; /* a NUL inside cuts it, as a C string from MHD */
    }
    CHECK((body = malloc(left > 0 ? left : 1)) != NULL);
    memcpy(body, field[N_FIELDS - 1], left);

    req.method = str[0];
    req.path = str[1];
    check_route(&req);
    check_form(&req, field[2], len[2]);
    check_form(&req, body, left);
    header = (struct kv){"Cookie", str[3]};
    req.headers = &header;
    req.n_headers = 1;
    check_cookies(&req);
    check_multipart(&req, str[4], body, left);
    check_websocket((const unsigned char *)body, left, (const unsigned char *)field[2], len[2]);

    arena_release(&req.arena);
    for (i = 0; i < N_FIELDS - 1; i++)
        free(str[i]);
    free(body);
    return 0;
}
