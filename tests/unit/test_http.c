/*
 * tests/unit/test_http.c - the HTTP layer, first without a socket (router,
 * form decoding, cookies, header lookups, JSON error bodies), then a real
 * server on 127.0.0.1 and a free port, spoken to with plain sockets so the
 * bytes on the wire are what we check: statuses, the headers every response
 * gets, body limits, the log line and the metrics, and a graceful stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "core/rc.h"
#include "http/http_int.h"
#include "masto/masto.h"
#include "web/web.h"

/* ---- without a socket ---- */

static int
h_any(struct request *req, struct response *res)
{
    (void)req;
    return response_body(res, 200, "text/plain", "x", 1);
}

static const struct route table[] = {
    {"GET", "/api/v1/instance", h_any, 0, 0},
    {"GET", "/api/v1/instance/", h_any, 0, 0},
    {"GET", "/e/:slug", h_any, 0, 0},
    {"DELETE", "/e/:slug", h_any, 0, 0},
    {"POST", "/e/:slug/posts", h_any, ROUTE_JSON_BODY, 0},
    {"GET", "/e/:slug/posts/:id", h_any, 0, 0},
    {"GET", "/static/*", h_any, 0, 0},
    {"GET", "/@:name", h_any, 0, 0},
};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

/* The index of the route found for method and path, or -status. */
static int
find(struct request *req, const char *method, const char *path)
{
    const struct route *r;
    int status = 0;

    req->method = method;
    req->path = path;
    if ((r = http_route_find(table, N_TABLE, req, &status)) == NULL)
        return -status;
    assert_int_equal(status, 200);
    return (int)(r - table);
}

static void
router_matches_segments_and_captures(void **state)
{
    struct request req = {0};

    (void)state;
    assert_int_equal(find(&req, "GET", "/e/cooperer-2014"), 2);
    assert_int_equal(req.n_params, 1);
    assert_string_equal(request_param(&req, "slug"), "cooperer-2014");
    assert_int_equal(find(&req, "GET", "/e/coop/posts/113"), 5);
    assert_string_equal(request_param(&req, "slug"), "coop");
    assert_string_equal(request_param(&req, "id"), "113");
    assert_null(request_param(&req, "nope"));
    assert_int_equal(find(&req, "POST", "/e/coop/posts"), 4);
    assert_int_equal(find(&req, "DELETE", "/e/coop"), 3);
    /* a capture is one non-empty segment */
    assert_int_equal(find(&req, "GET", "/e/"), -404);
    assert_int_equal(find(&req, "GET", "/e//posts/1"), -404);
    assert_int_equal(find(&req, "GET", "/e/a/b"), -404);
    assert_int_equal(req.n_params, 0);
    /* '*' takes the rest, even empty, but not the slash before it */
    assert_int_equal(find(&req, "GET", "/static/css/site.css"), 6);
    assert_string_equal(request_param(&req, "*"), "css/site.css");
    assert_int_equal(find(&req, "GET", "/static/"), 6);
    assert_string_equal(request_param(&req, "*"), "");
    assert_int_equal(find(&req, "GET", "/static"), -404);
    /* ':' after a literal start captures the rest of the segment ("/@:name") */
    assert_int_equal(find(&req, "GET", "/@eric"), 7);
    assert_string_equal(request_param(&req, "name"), "eric");
    assert_int_equal(find(&req, "GET", "/@"), -404); /* not empty */
    assert_int_equal(find(&req, "GET", "/eric"), -404);
    /* trailing slash: only what the table lists */
    assert_int_equal(find(&req, "GET", "/api/v1/instance"), 0);
    assert_int_equal(find(&req, "GET", "/api/v1/instance/"), 1);
    assert_int_equal(find(&req, "GET", "/api/v1/instance//"), -404);
    assert_int_equal(find(&req, "GET", "/API/v1/instance"), -404);
    assert_int_equal(find(&req, "GET", "/"), -404);
    assert_int_equal(find(&req, "GET", ""), -404);
    arena_release(&req.arena);
}

static void
router_tells_404_from_405_and_answers_head(void **state)
{
    struct request req = {0};
    char allow[64];

    (void)state;
    assert_int_equal(find(&req, "HEAD", "/e/coop"), 2);
    assert_string_equal(request_param(&req, "slug"), "coop");
    assert_int_equal(find(&req, "POST", "/e/coop"), -405);
    assert_int_equal(find(&req, "PUT", "/e/coop/posts"), -405);
    assert_int_equal(find(&req, "HEAD", "/e/coop/posts"), -405);
    assert_int_equal(find(&req, "POST", "/nowhere"), -404);
    assert_int_equal(http_route_allow(table, N_TABLE, "/e/coop", allow, sizeof(allow)),
                     strlen("GET, HEAD, DELETE"));
    assert_string_equal(allow, "GET, HEAD, DELETE");
    http_route_allow(table, N_TABLE, "/e/coop/posts", allow, sizeof(allow));
    assert_string_equal(allow, "POST");
    assert_int_equal(http_route_allow(table, N_TABLE, "/nowhere", allow, sizeof(allow)), 0);
    assert_string_equal(allow, "");
    /* a buffer too small drops what does not fit, never overflows */
    http_route_allow(table, N_TABLE, "/e/coop", allow, 10);
    assert_string_equal(allow, "GET, HEAD");
    arena_release(&req.arena);
}

static void
form_decodes_plus_and_escapes(void **state)
{
    static const char s[] =
        "a=1&text=Coop%C3%A9rer+ensemble%21&flag&&empty=&=anon&a=2&sp%20ace=%2B";
    struct request req = {0};
    struct kv *kv;
    size_t n;

    (void)state;
    assert_int_equal(request_form(&req, s, sizeof(s) - 1, &kv, &n), 0);
    assert_int_equal(n, 7);
    assert_string_equal(kv_get(kv, n, "a"), "1"); /* the first of that name */
    assert_string_equal(kv_get(kv, n, "text"), "Coopérer ensemble!");
    assert_string_equal(kv_get(kv, n, "flag"), "");
    assert_string_equal(kv_get(kv, n, "empty"), "");
    assert_string_equal(kv_get(kv, n, ""), "anon");
    assert_string_equal(kv_get(kv, n, "sp ace"), "+");
    assert_null(kv_get(kv, n, "missing"));
    assert_string_equal(kv[5].name, "a");
    assert_string_equal(kv[5].value, "2");
    /* only len bytes are read */
    assert_int_equal(request_form(&req, "x=1&y=2", 3, &kv, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(kv_get(kv, n, "x"), "1");
    assert_int_equal(request_form(&req, "", 0, &kv, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(request_form(&req, NULL, 0, &kv, &n), 0);
    assert_int_equal(request_form(&req, "&&", 2, &kv, &n), 0);
    assert_int_equal(n, 0);
    arena_release(&req.arena);
}

static void
form_refuses_bad_escapes_and_nul(void **state)
{
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"a=%", 3},   {"a=%4", 4},     {"a=%zz", 5},  {"a=%4g", 5}, {"a=%00", 5},
        {"%00=1", 5}, {"ok=1&b=%", 8}, {"a=b\0c", 5}, {"%G1=1", 5}, {"a=%%41", 6},
    };
    struct request req = {0};
    struct kv dummy, *kv = &dummy;
    size_t i, n = 99;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(request_form(&req, bad[i].s, bad[i].len, &kv, &n), -1);
        assert_null(kv);
        assert_int_equal(n, 0);
    }
    arena_release(&req.arena);
}

static void
cookies_are_parsed_from_every_cookie_header(void **state)
{
    struct kv headers[] = {
        {"Host", "example.org"},
        {"cookie", "sid=abc123; theme=\"dark\";lang=fr ;  empty=; =nameless; bare; q=a=b"},
        {"COOKIE", "sid=second; x=1"},
    };
    struct request req = {.headers = headers, .n_headers = 3};

    (void)state;
    assert_int_equal(request_cookies_load(&req), 0);
    assert_int_equal(req.n_cookies, 7);
    assert_string_equal(request_cookie(&req, "sid"), "abc123");
    assert_string_equal(request_cookie(&req, "theme"), "dark");
    assert_string_equal(request_cookie(&req, "lang"), "fr");
    assert_string_equal(request_cookie(&req, "empty"), "");
    assert_string_equal(request_cookie(&req, "q"), "a=b");
    assert_string_equal(request_cookie(&req, "x"), "1");
    assert_null(request_cookie(&req, "bare"));
    assert_null(request_cookie(&req, ""));
    assert_null(request_cookie(&req, "SID")); /* cookie names keep their case */
    arena_release(&req.arena);

    req.n_headers = 1;
    assert_int_equal(request_cookies_load(&req), 0);
    assert_int_equal(req.n_cookies, 0);
    assert_null(request_cookie(&req, "sid"));
    headers[1].value = " ; ;";
    req.n_headers = 2;
    assert_int_equal(request_cookies_load(&req), 0);
    assert_int_equal(req.n_cookies, 0);
    arena_release(&req.arena);
}

/* Looks path up both ways and checks the answers are the same. */
static void
both_agree(const struct route *routes, size_t n, const struct route_index *ix, const char *method,
           const char *path, size_t *n_found)
{
    struct request a = {.method = method, .path = path}, b = {.method = method, .path = path};
    int status_a, status_b;
    const struct route *ra = http_route_find(routes, n, &a, &status_a);
    const struct route *rb = http_route_find_indexed(ix, &b, &status_b);
    size_t i;

    if (ra != rb || status_a != status_b)
        fail_msg("%s %s: the scan found route %ld (%d), the index %ld (%d)", method, path,
                 ra ? (long)(ra - routes) : -1L, status_a, rb ? (long)(rb - routes) : -1L,
                 status_b);
    assert_int_equal(a.n_params, b.n_params);
    for (i = 0; i < a.n_params; i++) {
        assert_string_equal(a.params[i].name, b.params[i].name);
        assert_string_equal(a.params[i].value, b.params[i].value);
    }
    *n_found += ra != NULL;
    arena_release(&a.arena);
    arena_release(&b.arena);
}

/* pattern with its captures filled with value, into buf; extra appended. */
static void
path_of(const char *pattern, const char *value, const char *extra, char *buf, size_t size)
{
    size_t len = 0;
    const char *p;

    for (p = pattern; *p != '\0' && len + 40 < size;) {
        if (*p == ':' || (*p == '*' && p[1] == '\0')) {
            len += (size_t)snprintf(buf + len, size - len, "%s", value);
            p += *p == '*' ? 1 : strcspn(p, "/");
        } else {
            buf[len++] = *p++;
        }
    }
    snprintf(buf + len, size - len, "%s", extra);
}

static void
indexed_lookup_agrees_with_the_scan(void **state)
{
    static const char *const methods[] = {"GET",   "HEAD",   "POST",   "PUT",
                                          "PATCH", "DELETE", "OPTIONS"};
    static const char *const values[] = {"x", "123", "cooperer-2014", "été", ""};
    static const char *const extras[] = {"", "/", "/x", "/x/y"};
    static const char *const odd[] = {
        "/",         "",     "//",  "/api", "/api/",  "/api/v1", "/api/v1/", "/API/v1/instance",
        "/api/v2/x", "/e",   "/e/", "/@",   "/@eric", "/static", "/static/", "/static/a/b",
        "x",         "/a//b"};
    size_t n = app_n_routes + masto_n_routes + web_n_routes, i, m, v, x, found = 0, tried = 0;
    struct route *routes = calloc(n, sizeof(*routes));
    struct route_index *ix;
    char path[512];

    (void)state;
    assert_non_null(routes);
    /* the server's own table, in its order (cli/serve.c) */
    memcpy(routes, app_routes, app_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes, masto_routes, masto_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes + masto_n_routes, web_routes, web_n_routes * sizeof(*routes));
    assert_non_null(ix = http_route_index_new(routes, n));
    for (i = 0; i < n; i++)
        for (v = 0; v < sizeof(values) / sizeof(values[0]); v++)
            for (x = 0; x < sizeof(extras) / sizeof(extras[0]); x++) {
                path_of(routes[i].pattern, values[v], extras[x], path, sizeof(path));
                for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++, tried++)
                    both_agree(routes, n, ix, methods[m], path, &found);
            }
    for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++, tried++)
            both_agree(routes, n, ix, methods[m], odd[i], &found);
    /* every route is found by its own path and method */
    for (i = 0; i < n; i++) {
        struct request req = {.method = routes[i].method};
        const struct route *r;
        int status;

        path_of(routes[i].pattern, "zz9", "", path, sizeof(path));
        req.path = path;
        r = http_route_find_indexed(ix, &req, &status);
        assert_int_equal(status, 200);
        /* an earlier route may take the same path (a literal before a capture): never a later one
         */
        assert_true(r != NULL && r <= &routes[i]);
        arena_release(&req.arena);
    }
    assert_true(found > n); /* the paths did reach routes, not only 404s */
    http_route_index_free(ix);
    /* and the small table of this file */
    assert_non_null(ix = http_route_index_new(table, N_TABLE));
    for (i = 0; i < N_TABLE; i++)
        for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++, tried++) {
            path_of(table[i].pattern, "abc", "", path, sizeof(path));
            both_agree(table, N_TABLE, ix, methods[m], path, &found);
        }
    http_route_index_free(ix);
    free(routes);
    print_message("%zu lookups agree, %zu found a route\n", tried, found);
}

static void
header_lookup_ignores_case(void **state)
{
    struct kv headers[] = {
        {"Content-Type", "application/json"},
        {"X-Thing", "first"},
        {"x-thing", "second"},
    };
    struct kv query[] = {{"Limit", "20"}};
    struct request req = {.headers = headers, .n_headers = 3, .query = query, .n_query = 1};

    (void)state;
    assert_string_equal(request_header(&req, "content-type"), "application/json");
    assert_string_equal(request_header(&req, "CONTENT-TYPE"), "application/json");
    assert_string_equal(request_header(&req, "x-THING"), "first");
    assert_null(request_header(&req, "Content"));
    assert_null(request_header(&req, "Authorization"));
    assert_string_equal(request_query(&req, "Limit"), "20");
    assert_null(request_query(&req, "limit")); /* query names keep their case */
    req.headers = NULL;
    req.n_headers = 0;
    assert_null(request_header(&req, "Content-Type"));
}

static void
response_error_escapes_json(void **state)
{
    static const char want[] = "{\"error\":\"bad \\\"x\\\" \\\\ a\\nb\\r\\t\\u0001\\u001f\\u007f "
                               "Coopérer 😷 \\ufffd\\ufffd!\"}";
    struct response res = {0};

    (void)state;
    assert_int_equal(response_error(&res, 400, "bad \"%s\" \\ %s", "x",
                                    "a\nb\r\t\x01\x1f\x7f Coopérer 😷 \xff\xc3!"),
                     0);
    assert_int_equal(res.status, 400);
    assert_string_equal(res.content_type, "application/json");
    assert_true(res.body_owned);
    assert_string_equal(res.body, want);
    assert_int_equal(res.body_len, strlen(want));
    /* a second call replaces the body (ASan checks the first is freed) */
    assert_int_equal(response_error(&res, 404, "no event '%s'", "été"), 0);
    assert_string_equal(res.body, "{\"error\":\"no event 'été'\"}");
    /* overlong, surrogate and too big code points are not UTF-8 */
    assert_int_equal(response_error(&res, 422, "%s", "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80"), 0);
    assert_int_equal(strncmp(res.body, "{\"error\":\"\\ufffd\\ufffd", 22), 0);
    assert_null(strchr(res.body, '\xed'));
    free(res.body);
}

static void
response_helpers_and_rc_statuses(void **state)
{
    static const struct {
        int rc, status;
    } map[] = {
        {RC_OK, 200},       {RC_NOMEM, 500},     {RC_INVALID, 422}, {RC_NOTFOUND, 404},
        {RC_CONFLICT, 409}, {RC_FORBIDDEN, 403}, {RC_IO, 500},      {RC_FULL, 507},
        {RC_AGAIN, 503},    {12345, 500},
    };
    struct response res = {0};
    char *data;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        assert_int_equal(http_status_for_rc(map[i].rc), map[i].status);
    assert_int_equal(response_error_rc(&res, RC_NOTFOUND), 0);
    assert_int_equal(res.status, 404);
    assert_string_equal(res.body, "{\"error\":\"not found\"}");
    /* a full disk says so, and that nothing was saved; a failing one when to come back */
    assert_int_equal(response_error_rc(&res, RC_FULL), 0);
    assert_int_equal(res.status, 507);
    assert_string_equal(res.body, "{\"error\":\"the server's disk is full: nothing was saved\"}");
    assert_int_equal(res.n_headers, 0);
    assert_int_equal(response_error_rc(&res, RC_AGAIN), 0);
    assert_int_equal(res.status, 503);
    assert_non_null(strstr(res.body, "nothing was saved"));
    assert_int_equal(res.n_headers, 1);
    assert_string_equal(res.headers[0].name, "Retry-After");
    assert_string_equal(res.headers[0].value, HTTP_RETRY_AFTER);
    res.n_headers = 0;
    assert_int_equal(response_body(&res, 201, "text/plain", "hello", 5), 0);
    assert_int_equal(res.status, 201);
    assert_int_equal(res.body_len, 5);
    assert_memory_equal(res.body, "hello", 5);
    data = strdup("taken");
    assert_int_equal(response_body_take(&res, 200, "text/html", data, 5), 0);
    assert_ptr_equal(res.body, data);
    assert_true(res.body_owned);
    assert_int_equal(response_body(&res, 204, NULL, NULL, 0), 0);
    assert_int_equal(res.body_len, 0);
    for (i = 0; i < RESPONSE_MAX_HEADERS; i++)
        assert_int_equal(response_header(&res, "X-N", "v"), 0);
    assert_int_equal(response_header(&res, "X-Too-Many", "v"), -1);
    assert_int_equal(res.n_headers, RESPONSE_MAX_HEADERS);
    free(res.body);
}

/* ---- with a socket ---- */

static atomic_bool slow_entered;

static int
h_hello(struct request *req, struct response *res)
{
    (void)req;
    return response_body(res, 200, "text/plain", "hi", 2);
}

static int
h_echo(struct request *req, struct response *res)
{
    return response_body(res, 200, "application/json", req->body, req->body_len);
}

static int
h_param(struct request *req, struct response *res)
{
    const char *id = request_param(req, "id"), *q = request_query(req, "q");
    char *s = arena_printf(&req->arena, "%s|%s|%s", id, q ? q : "-", req->remote_addr);

    return s == NULL ? -1 : response_body(res, 200, "text/plain", s, strlen(s));
}

static int
h_fail(struct request *req, struct response *res)
{
    (void)req;
    response_body(res, 200, "text/plain", "half done", 9); /* then fails: must not leak */
    return -1;
}

static int
h_nostatus(struct request *req, struct response *res)
{
    (void)req;
    (void)res;
    return 0;
}

static int
h_badheader(struct request *req, struct response *res)
{
    if (request_query(req, "length") != NULL)
        response_header(res, "Content-Length", "1");
    else
        response_header(res, "X-Split", "a\r\nSet-Cookie: evil=1");
    return response_body(res, 200, "text/plain", "no", 2);
}

static int
h_headers(struct request *req, struct response *res)
{
    response_header(res, "Location", "/e/coop");
    response_header(res, "Cache-Control", "no-store");
    return response_body(res, 201, NULL, req->method, strlen(req->method));
}

static int
h_metrics(struct request *req, struct response *res)
{
    char *s = NULL;
    size_t len = 0;

    if (http_metrics_write(req->server, &s, &len) < 0)
        return -1;
    return response_body_take(res, 200, "text/plain; version=0.0.4", s, len);
}

static int
h_slow(struct request *req, struct response *res)
{
    const struct timespec t = {0, 400 * 1000 * 1000};

    (void)req;
    atomic_store(&slow_entered, true);
    nanosleep(&t, NULL);
    return response_body(res, 200, "text/plain", "done", 4);
}

/* A deferred answer: another thread answers 300 ms later, as the writer does. */
struct later {
    struct request *req;
    struct response *res;
};

static void *
answerer_run(void *arg)
{
    const struct timespec t = {0, 300 * 1000 * 1000};
    struct later *l = arg;

    nanosleep(&t, NULL);
    response_body(l->res, 202, "text/plain", "later", 5);
    http_resume(l->req);
    return NULL;
}

static void
answerer_start(void *arg)
{
    pthread_t t;

    if (pthread_create(&t, NULL, answerer_run, arg) == 0)
        pthread_detach(t);
}

/* Defers the answer to whoever start hands it to. */
static int
defer_to(struct request *req, struct response *res, void (*start)(void *arg))
{
    struct later *l = arena_alloc(&req->arena, sizeof(*l));

    if (l == NULL)
        return -1;
    l->req = req;
    l->res = res;
    return response_defer(res, start, l);
}

static int
h_deferred(struct request *req, struct response *res)
{
    return defer_to(req, res, answerer_start);
}

/*
 * An answer finished later (response_finish_later): the answerer sets the
 * status, the connection's own thread makes the body once resumed.
 */
static pthread_t finisher_thread, answerer_thread;

static int
finish_body(struct request *req, struct response *res)
{
    finisher_thread = pthread_self();
    if (strcmp(req->path, "/finished/failing") == 0)
        return -1;
    return response_body(res, res->status, "text/plain", "finished", 8);
}

static void *
finisher_run(void *arg)
{
    struct later *l = arg;

    answerer_thread = pthread_self();
    response_finish_later(l->res, 201, finish_body);
    http_resume(l->req);
    return NULL;
}

static void
finisher_start(void *arg)
{
    pthread_t t;

    if (pthread_create(&t, NULL, finisher_run, arg) == 0)
        pthread_detach(t);
}

static int
h_finished(struct request *req, struct response *res)
{
    return defer_to(req, res, finisher_start);
}

static const struct route server_routes[] = {
    {"GET", "/hello", h_hello, 0, 0},         {"POST", "/echo", h_echo, ROUTE_JSON_BODY, 16},
    {"POST", "/big", h_echo, 0, 0},           {"GET", "/p/:id", h_param, 0, 0},
    {"GET", "/fail", h_fail, 0, 0},           {"GET", "/nostatus", h_nostatus, 0, 0},
    {"GET", "/badheader", h_badheader, 0, 0}, {"PUT", "/headers", h_headers, 0, 0},
    {"GET", "/metrics", h_metrics, 0, 0},     {"GET", "/slow", h_slow, 0, 0},
    {"GET", "/deferred", h_deferred, 0, 0},   {"GET", "/finished/:how", h_finished, 0, 0},
};

static struct http_server *
start(size_t max_body)
{
    struct http_config cfg = {
        .address = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .max_body = max_body,
        .routes = server_routes,
        .n_routes = sizeof(server_routes) / sizeof(server_routes[0]),
    };
    struct http_server *srv = NULL;

    assert_int_equal(http_server_start(&cfg, &srv), 0);
    assert_non_null(srv);
    assert_int_not_equal(http_server_port(srv), 0);
    return srv;
}

static int
dial(uint16_t port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {5, 0}; /* no test waits forever on a broken server */
    int fd;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void
send_all(int fd, const char *s, size_t len)
{
    ssize_t n;

    while (len > 0 && (n = send(fd, s, len, MSG_NOSIGNAL)) > 0) {
        s += n;
        len -= (size_t)n;
    }
}

/* Reads until the server closes (or 5 s pass); a malloc'd, NUL-terminated string. */
static char *
read_all(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;

    assert_non_null(buf);
    while ((n = recv(fd, buf + len, cap - len - 1, 0)) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            assert_non_null(buf = realloc(buf, cap *= 2));
    }
    buf[len] = '\0';
    return buf;
}

/* Sends one raw request on a new connection; returns everything the server answered. */
static char *
exchange(uint16_t port, const char *raw)
{
    int fd = dial(port);
    char *answer;

    assert_true(fd >= 0);
    send_all(fd, raw, strlen(raw));
    answer = read_all(fd);
    close(fd);
    return answer;
}

static int
status_of(const char *answer)
{
    int status = 0;

    if (sscanf(answer, "HTTP/1.1 %d ", &status) != 1)
        return -1;
    return status;
}

static const char *
body_of(const char *answer)
{
    const char *p = strstr(answer, "\r\n\r\n");

    return p != NULL ? p + 4 : "";
}

/* Case-insensitive search of one "Name: value" line in the head. */
static bool
has_header(const char *answer, const char *line)
{
    const char *end = strstr(answer, "\r\n\r\n");
    size_t len = strlen(line);
    const char *p;

    for (p = strstr(answer, "\r\n"); p != NULL && p < end; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, line, len) == 0 && p[2 + len] == '\r')
            return true;
    return false;
}

/* Every response, refusals included: nosniff and a length. */
static void
assert_common_headers(const char *answer)
{
    char line[64];

    assert_true(has_header(answer, "X-Content-Type-Options: nosniff"));
    snprintf(line, sizeof(line), "Content-Length: %zu", strlen(body_of(answer)));
    assert_true(has_header(answer, line));
}

static void
check(uint16_t port, const char *raw, int status, const char *body)
{
    char *answer = exchange(port, raw);

    if (status_of(answer) != status)
        print_error("answer to %.40s...:\n%s\n", raw, answer);
    assert_int_equal(status_of(answer), status);
    assert_common_headers(answer);
    if (body != NULL)
        assert_string_equal(body_of(answer), body);
    free(answer);
}

#define GET(path) "GET " path " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"

static void
server_answers_statuses(void **state)
{
    struct http_server *srv = start(0);
    uint16_t port = http_server_port(srv);
    char *answer;

    (void)state;
    check(port, GET("/hello"), 200, "hi");
    check(port, GET("/nowhere"), 404, "{\"error\":\"not found\"}");
    check(port, GET("/p/abc%20d?q=a+b%26c&x"), 200, "abc d|a b&c|127.0.0.1");
    check(port, GET("/fail"), 500, "{\"error\":\"internal server error\"}");
    check(port, GET("/nostatus"), 500, "{\"error\":\"internal server error\"}");
    check(port, GET("/badheader"), 500, "{\"error\":\"internal server error\"}");
    check(port, GET("/badheader?length"), 500, "{\"error\":\"internal server error\"}");

    answer = exchange(port, "DELETE /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(answer), 405);
    assert_true(has_header(answer, "Allow: GET, HEAD"));
    assert_string_equal(body_of(answer), "{\"error\":\"method DELETE not allowed here\"}");
    assert_common_headers(answer);
    free(answer);

    /* HEAD: the GET route, its length, no body */
    answer = exchange(port, "HEAD /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_int_equal(status_of(answer), 200);
    assert_true(has_header(answer, "Content-Length: 2"));
    assert_true(has_header(answer, "X-Content-Type-Options: nosniff"));
    assert_string_equal(body_of(answer), "");
    free(answer);

    /* the handler's headers, and no Content-Type when it set none */
    answer = exchange(port, "PUT /headers HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
                            "Connection: close\r\n\r\n");
    assert_int_equal(status_of(answer), 201);
    assert_true(has_header(answer, "Location: /e/coop"));
    assert_true(has_header(answer, "Cache-Control: no-store"));
    assert_null(strstr(answer, "\r\nContent-Type:"));
    assert_string_equal(body_of(answer), "PUT");
    free(answer);

    /* two requests on one connection: each has its own arena */
    answer = exchange(port, "GET /p/one HTTP/1.1\r\nHost: t\r\n\r\n"
                            "GET /p/two?q=2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    assert_non_null(strstr(answer, "one|-|127.0.0.1"));
    assert_non_null(strstr(answer, "two|2|127.0.0.1"));
    free(answer);
    http_server_stop(srv, 1000);
}

static void
server_checks_bodies(void **state)
{
    struct http_server *srv = start(32);
    uint16_t port = http_server_port(srv);
    char *answer;
    int fd;

    (void)state;
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}",
          200, "{\"a\":1}");
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: Application/JSON; charset=utf-8\r\n"
          "Content-Length: 16\r\nConnection: close\r\n\r\n{\"text\":\"01234\"}",
          200, "{\"text\":\"01234\"}");
    /* 17 bytes over a limit of 16, announced */
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          "Content-Length: 17\r\nConnection: close\r\n\r\n{\"text\":\"012345\"}",
          413, "{\"error\":\"the body is larger than allowed here\"}");
    /* not announced: chunked */
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          "a\r\n{\"text\":\"0\r\na\r\n123456789\"\r\n1\r\n}\r\n0\r\n\r\n",
          413, "{\"error\":\"the body is larger than allowed here\"}");
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n",
          200, "{\"a\":1}");
    /* the server's default limit (32 here) for a route without its own */
    check(port,
          "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 33\r\nConnection: close\r\n\r\n"
          "012345678901234567890123456789012",
          413, NULL);
    check(port,
          "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 32\r\nConnection: close\r\n\r\n"
          "01234567890123456789012345678901",
          200, "01234567890123456789012345678901");
    /* not JSON, or no type at all */
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
          "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
          415, "{\"error\":\"the body must be application/json\"}");
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/jsonx\r\n"
          "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
          415, NULL);
    check(port,
          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 415,
          NULL);

    /* far too big and not announced: dropped for a while, then the connection is closed */
    {
        static const char head[] = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                   "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "40000\r\n";
        size_t big = 0x40000;
        char *chunk = malloc(big);

        assert_non_null(chunk);
        memset(chunk, 'x', big);
        assert_true((fd = dial(port)) >= 0);
        send_all(fd, head, strlen(head));
        send_all(fd, chunk, big);
        answer = read_all(fd);
        close(fd);
        free(chunk);
        assert_int_equal(status_of(answer), -1);
        free(answer);
    }

    /* Expect: 100-continue and too big: the refusal comes before any body is sent */
    assert_true((fd = dial(port)) >= 0);
    send_all(fd,
             "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n",
             strlen("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                    "Content-Length: 1000000\r\nExpect: 100-continue\r\n\r\n"));
    answer = read_all(fd);
    close(fd);
    assert_int_equal(status_of(answer), 413);
    assert_null(strstr(answer, "100 Continue"));
    free(answer);
    http_server_stop(srv, 1000);
}

static bool
contains(const char *s, const char *needle)
{
    if (strstr(s, needle) == NULL) {
        print_error("missing '%s'\n", needle);
        return false;
    }
    return true;
}

static long
open_connections(const char *text)
{
    const char *p = strstr(text, "\ngazouillis_http_open_connections ");

    return p != NULL ? strtol(p + strlen("\ngazouillis_http_open_connections "), NULL, 10) : -1;
}

static void
server_counts_in_metrics(void **state)
{
    struct http_server *srv = start(0);
    uint16_t port = http_server_port(srv);
    char *answer, *text = strdup("# before\n");
    size_t len = strlen(text);
    const struct timespec nap = {0, 10 * 1000 * 1000};
    const char *body;
    long open = -1;
    int idle, i;

    (void)state;
    free(exchange(port, GET("/hello")));
    free(exchange(port, GET("/hello")));
    free(exchange(port, GET("/nowhere")));
    free(exchange(port, "DELETE /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    free(exchange(port, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        "Content-Length: 17\r\nConnection: close\r\n\r\n{\"text\":\"012345\"}"));
    free(exchange(port, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                        "Content-Length: 2\r\nConnection: close\r\n\r\n{}"));
    idle = dial(port); /* one connection stays open */
    assert_true(idle >= 0);
    answer = exchange(port, GET("/metrics"));
    assert_int_equal(status_of(answer), 200);
    body = body_of(answer);
    assert_true(contains(body, "# TYPE gazouillis_http_requests_total counter\n"));
    assert_true(contains(body, "gazouillis_http_requests_total{code=\"200\"} 2\n"));
    assert_true(contains(body, "gazouillis_http_requests_total{code=\"404\"} 1\n"));
    assert_true(contains(body, "gazouillis_http_requests_total{code=\"405\"} 1\n"));
    assert_true(contains(body, "gazouillis_http_requests_total{code=\"413\"} 1\n"));
    assert_true(contains(body, "gazouillis_http_requests_total{code=\"415\"} 1\n"));
    assert_true(contains(body, "gazouillis_http_requests_by_class_total{class=\"4xx\"} 4\n"));
    assert_true(contains(body, "# TYPE gazouillis_http_request_duration_seconds histogram\n"));
    assert_true(contains(body, "gazouillis_http_request_duration_seconds_bucket{le=\"0.001\"} "));
    assert_true(contains(body, "gazouillis_http_request_duration_seconds_bucket{le=\"+Inf\"} 6\n"));
    assert_true(contains(body, "gazouillis_http_request_duration_seconds_count 6\n"));
    assert_true(contains(body, "gazouillis_http_request_duration_seconds_sum "));
    assert_true(contains(body, "# TYPE gazouillis_http_open_connections gauge\n"));
    assert_true(open_connections(body) >= 2); /* idle + this one, maybe some closing */
    assert_true(contains(body, "gazouillis_http_requests_in_flight 1\n"));
    free(answer);

    /* appending to the caller's string */
    assert_int_equal(http_metrics_write(srv, &text, &len), 0);
    assert_int_equal(strlen(text), len);
    assert_int_equal(strncmp(text, "# before\n# HELP ", 16), 0);
    assert_true(contains(text, "gazouillis_http_requests_total{code=\"200\"} 3\n"));
    assert_true(contains(text, "gazouillis_http_request_duration_seconds_count 7\n"));
    free(text);
    /* the gauge goes down as connections close: only the idle one is left */
    for (i = 0; i < 200; i++) {
        text = NULL;
        len = 0;
        assert_int_equal(http_metrics_write(srv, &text, &len), 0);
        open = open_connections(text);
        free(text);
        if (open == 1)
            break;
        nanosleep(&nap, NULL);
    }
    assert_int_equal(open, 1);

    /* an idle keep-alive connection does not hold the stop back */
    {
        struct timespec t0, t1;

        clock_gettime(CLOCK_MONOTONIC, &t0);
        http_server_stop(srv, 5000);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 500);
    }
    close(idle);
}

static void
server_logs_without_query_or_secrets(void **state)
{
    char path[] = "/tmp/test_http_log_XXXXXX", buf[4096];
    struct http_server *srv;
    int fd, saved;
    ssize_t n;

    (void)state;
    assert_true((fd = mkstemp(path)) >= 0);
    unlink(path);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    srv = start(0);
    free(
        exchange(http_server_port(srv),
                 "GET /p/a%0aforged%20line?token=s3cret HTTP/1.1\r\nHost: t\r\n"
                 "Cookie: sid=c00kie\r\nAuthorization: Bearer t0ken\r\nConnection: close\r\n\r\n"));
    http_server_stop(srv, 1000);
    dup2(saved, STDERR_FILENO);
    close(saved);
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    close(fd);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_true(contains(buf, " GET /p/a\\x0aforged\\x20line 200 "));
    assert_true(contains(buf, "ms\n"));
    assert_null(strstr(buf, "s3cret"));
    assert_null(strstr(buf, "c00kie"));
    assert_null(strstr(buf, "t0ken"));
    assert_null(strstr(buf, "\nforged"));
}

struct slow_client {
    uint16_t port;
    char *answer;
};

static void *
slow_client_run(void *arg)
{
    struct slow_client *c = arg;
    int fd = dial(c->port);

    if (fd < 0)
        return NULL;
    /* keep-alive: the server must close it after the answer, since it is stopping */
    send_all(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n", 31);
    c->answer = read_all(fd);
    close(fd);
    return NULL;
}

/* A client that comes while the server stops: refused, or closed unanswered. */
static void *
late_client_run(void *arg)
{
    const struct timespec t = {0, 150 * 1000 * 1000};
    int *refused = arg, fd;
    char *answer;

    nanosleep(&t, NULL);
    if ((fd = dial((uint16_t)*refused)) < 0) {
        *refused = 1;
        return NULL;
    }
    send_all(fd, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n", 31);
    answer = read_all(fd);
    *refused = answer == NULL || answer[0] == '\0';
    free(answer);
    close(fd);
    return NULL;
}

static void
server_stop_finishes_requests_in_flight(void **state)
{
    const struct timespec nap = {0, 1000 * 1000};
    struct http_server *srv = start(0), *other = NULL;
    struct http_config cfg = {.address = "127.0.0.1", .routes = server_routes, .n_routes = 1};
    struct slow_client c = {.port = http_server_port(srv)};
    struct timespec t0, t1;
    pthread_t client, late;
    long ms;
    int late_arg = c.port, i;

    (void)state;
    /* the port is taken: a clear failure, not a second listener */
    cfg.port = c.port;
    assert_int_equal(http_server_start(&cfg, &other), -1);
    assert_null(other);
    cfg.address = "localhost";
    assert_int_equal(http_server_start(&cfg, &other), -1);

    atomic_store(&slow_entered, false);
    assert_int_equal(pthread_create(&client, NULL, slow_client_run, &c), 0);
    for (i = 0; i < 5000 && !atomic_load(&slow_entered); i++)
        nanosleep(&nap, NULL);
    assert_true(atomic_load(&slow_entered));
    assert_int_equal(pthread_create(&late, NULL, late_client_run, &late_arg), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    http_server_stop(srv, 5000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(client, NULL);
    pthread_join(late, NULL);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 200 && ms < 2000); /* waited for the handler, not for the timeout */
    assert_non_null(c.answer);
    assert_int_equal(status_of(c.answer), 200);
    assert_string_equal(body_of(c.answer), "done");
    assert_true(has_header(c.answer, "Connection: close"));
    assert_true(late_arg); /* no new connection served while stopping */
    free(c.answer);
    http_server_stop(NULL, 0);
}

static void *
stopper_run(void *arg)
{
    http_server_stop(arg, 5000);
    return NULL;
}

/*
 * A request begun on an open connection once the stop has begun is refused
 * (503, Retry-After), not served: nothing may suspend itself (a deferred
 * answer) while the daemon stops, which libmicrohttpd does not survive.
 * The request in flight when the stop began is still answered.
 */
static void
server_refuses_requests_begun_while_stopping(void **state)
{
    const struct timespec nap = {0, 1000 * 1000}, settle = {0, 50 * 1000 * 1000};
    struct http_server *srv = start(0);
    struct slow_client c = {.port = http_server_port(srv)};
    pthread_t client, stopper;
    char *answer;
    int fd, i;

    (void)state;
    atomic_store(&slow_entered, false);
    assert_int_equal(pthread_create(&client, NULL, slow_client_run, &c), 0);
    for (i = 0; i < 5000 && !atomic_load(&slow_entered); i++)
        nanosleep(&nap, NULL);
    assert_true(atomic_load(&slow_entered));
    assert_true((fd = dial(c.port)) >= 0); /* open before the stop, idle */
    nanosleep(&settle, NULL);
    assert_int_equal(pthread_create(&stopper, NULL, stopper_run, srv), 0);
    nanosleep(&settle, NULL); /* the stop waits for /slow now */
    send_all(fd, GET("/deferred"), strlen(GET("/deferred")));
    answer = read_all(fd);
    close(fd);
    pthread_join(stopper, NULL);
    pthread_join(client, NULL);
    assert_non_null(answer);
    assert_int_equal(status_of(answer), 503);
    assert_non_null(strstr(body_of(answer), "the server is stopping"));
    assert_true(has_header(answer, "Retry-After: 5"));
    free(answer);
    assert_non_null(c.answer);
    assert_int_equal(status_of(c.answer), 200);
    free(c.answer);
}

struct deferred_client {
    uint16_t port;
    char *answer;
};

static void *
deferred_client_run(void *arg)
{
    struct deferred_client *c = arg;

    c->answer = exchange(c->port, GET("/deferred"));
    return NULL;
}

static long
ms_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A deferred answer holds no thread: with a single worker, other requests
 * are answered while it waits; it arrives whole when given; and a stop
 * waits for it.
 */
static void
server_defers_answers_without_a_thread(void **state)
{
    const struct timespec nap = {0, 50 * 1000 * 1000};
    struct http_config cfg = {.address = "127.0.0.1",
                              .threads = 1,
                              .routes = server_routes,
                              .n_routes = sizeof(server_routes) / sizeof(server_routes[0])};
    struct http_server *srv = NULL;
    struct deferred_client c[3];
    struct timespec t0;
    pthread_t th[3];
    int i;

    (void)state;
    assert_int_equal(http_server_start(&cfg, &srv), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 3; i++) {
        c[i] = (struct deferred_client){.port = http_server_port(srv)};
        assert_int_equal(pthread_create(&th[i], NULL, deferred_client_run, &c[i]), 0);
    }
    nanosleep(&nap, NULL);
    /* three answers pending on the only worker, and it still answers */
    check(http_server_port(srv), GET("/hello"), 200, "hi");
    assert_true(ms_since(&t0) < 250);
    for (i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(status_of(c[i].answer), 202);
        assert_string_equal(body_of(c[i].answer), "later");
        assert_common_headers(c[i].answer);
        free(c[i].answer);
    }
    assert_true(ms_since(&t0) >= 300);
    /* stopping while an answer is pending: it is still sent */
    c[0] = (struct deferred_client){.port = http_server_port(srv)};
    assert_int_equal(pthread_create(&th[0], NULL, deferred_client_run, &c[0]), 0);
    nanosleep(&nap, NULL);
    http_server_stop(srv, 5000);
    pthread_join(th[0], NULL);
    assert_int_equal(status_of(c[0].answer), 202);
    assert_string_equal(body_of(c[0].answer), "later");
    free(c[0].answer);
}

/* The body of an answer finished later is made on the connection's thread, not the answerer's. */
static void
server_finishes_a_deferred_answer_on_the_connections_thread(void **state)
{
    struct http_config cfg = {.address = "127.0.0.1",
                              .threads = 1,
                              .routes = server_routes,
                              .n_routes = sizeof(server_routes) / sizeof(server_routes[0])};
    struct http_server *srv = NULL;
    char *answer;

    (void)state;
    assert_int_equal(http_server_start(&cfg, &srv), 0);
    answer = exchange(http_server_port(srv), GET("/finished/well"));
    assert_int_equal(status_of(answer), 201);
    assert_string_equal(body_of(answer), "finished");
    assert_common_headers(answer);
    assert_false(pthread_equal(finisher_thread, answerer_thread));
    free(answer);
    /* a finisher that fails: a 500, never an empty 201 */
    answer = exchange(http_server_port(srv), GET("/finished/failing"));
    assert_int_equal(status_of(answer), 500);
    assert_non_null(strstr(body_of(answer), "internal server error"));
    free(answer);
    http_server_stop(srv, 5000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(router_matches_segments_and_captures),
        cmocka_unit_test(router_tells_404_from_405_and_answers_head),
        cmocka_unit_test(indexed_lookup_agrees_with_the_scan),
        cmocka_unit_test(form_decodes_plus_and_escapes),
        cmocka_unit_test(form_refuses_bad_escapes_and_nul),
        cmocka_unit_test(cookies_are_parsed_from_every_cookie_header),
        cmocka_unit_test(header_lookup_ignores_case),
        cmocka_unit_test(response_error_escapes_json),
        cmocka_unit_test(response_helpers_and_rc_statuses),
        cmocka_unit_test(server_answers_statuses),
        cmocka_unit_test(server_checks_bodies),
        cmocka_unit_test(server_counts_in_metrics),
        cmocka_unit_test(server_logs_without_query_or_secrets),
        cmocka_unit_test(server_stop_finishes_requests_in_flight),
        cmocka_unit_test(server_defers_answers_without_a_thread),
        cmocka_unit_test(server_finishes_a_deferred_answer_on_the_connections_thread),
        cmocka_unit_test(server_refuses_requests_begun_while_stopping),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
