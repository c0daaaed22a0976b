/*
 * http/server.c - the only file that sees libmicrohttpd. It runs the daemon
 * (epoll, a pool of worker threads each with its own connections), turns
 * each MHD request into our struct request, reads the body into a bounded
 * buffer, routes it, runs the handler and sends its struct response. Around
 * that it keeps the per-request log line, the metrics (atomics, since every
 * worker writes them) and the graceful stop.
 *
 * One request is an "exchange", from the first call of the access handler
 * (headers read) to MHD's completion callback (response sent, or the
 * connection gone), which frees it. The refusals (404, 405, 415, and 413
 * for an announced length) are queued on that first call, before any body
 * is read. Handlers run on the worker thread that owns the connection; a
 * slow handler delays the other connections of that worker, not the others.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/log.h"
#include "http/http_int.h"

#define DEFAULT_MAX_BODY     (1024 * 1024)
#define CONNECTION_TIMEOUT_S 30
#define MAX_CONNECTIONS      65536 /* also bounded by the file descriptor limit */
/* One address may not take them all (slow clients that never finish their
 * headers, each byte resetting the idle timeout); a venue's wifi puts a
 * room behind one address, and its streams leave libmicrohttpd once read. */
#define MAX_PER_ADDRESS   4096
#define N_STATUS          600
#define DISCARD_MAX       (64 * 1024) /* of a chunked body over the limit, see exchange_body */
#define CONNECTION_MEMORY (12 * 1024) /* per connection: headers in, headers out, buffers */

/* Latency buckets in seconds: sub-millisecond resolution for a p99 goal of 10 ms. */
static const double latency_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                    0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define N_BUCKETS (sizeof(latency_le) / sizeof(latency_le[0]))

/* Zeroed by calloc(): an all-zero atomic integer is 0 on every platform we build on. */
struct http_metrics {
    atomic_ullong by_status[N_STATUS];
    atomic_ullong latency[N_BUCKETS + 1]; /* per bucket, not cumulative; the last is +Inf */
    atomic_ullong latency_sum_us;
    atomic_long open_connections;
    atomic_long in_flight; /* exchanges begun and not yet completed */
    atomic_long suspended; /* exchanges waiting for a deferred answer */
};

struct http_server {
    struct MHD_Daemon *daemon;
    const struct route *routes;
    struct route_index *route_index; /* of routes: what finds a request's route */
    size_t n_routes, max_body;
    void *app;
    void (*on_stop)(void *app);
    uint16_t port;
    bool tls; /* libmicrohttpd speaks TLS: a socket cannot be handed over raw */
    atomic_bool stopping;
    struct http_metrics m;
};

struct exchange {
    struct request req;
    struct response res;
    struct http_server *srv;
    const struct route *route;
    struct timespec start;
    char *body; /* malloc'd, NUL-terminated when handed to the handler */
    size_t body_len, body_cap, body_limit;
    size_t discarded; /* bytes of a refused body dropped so far */
    int status;       /* the status queued, 0 until then */
    bool too_big;
    bool suspended;              /* waiting for http_resume() */
    bool detached;               /* handed over by response_detach() */
    struct MHD_Connection *conn; /* for http_resume() and response_detach() */
};

static const char internal_error[] = "{\"error\":\"internal server error\"}";

/*
 * What libmicrohttpd says when a client leaves in the middle of a
 * response: routine for a live stream (a phone closes its page), and the
 * request's own log line already ends with "(client gone)".
 */
static const char *const client_gone[] = {
    "Failed to send the chunked response body", "Failed to send the footers",
    "Application reported internal error, closing connection", /* handed over too */
};

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t len, i;

    (void)cls;
    if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
        return;
    for (i = 0; i < sizeof(client_gone) / sizeof(client_gone[0]); i++)
        if (strncmp(msg, client_gone[i], strlen(client_gone[i])) == 0)
            return;
    len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    log_warnx("http: %s", msg);
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- copying the request in ---- */

/*
 * libmicrohttpd's decoding of the path and of the query's names and values
 * (in place; returns the new length), but for "%00": a NUL would cut the C
 * string, so that "/static/x.css%00.js" would be "/static/x.css" to the
 * router and "q=a%00b" would be "a". It stays the three characters it was,
 * which no route, file name or account matches.
 */
static size_t
url_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    char *r = s, *w = s;
    int hi, lo;

    (void)cls;
    (void)conn;
    while (*r != '\0') {
        if (r[0] == '%' && (hi = http_hex_value((unsigned char)r[1])) >= 0 &&
            (lo = http_hex_value((unsigned char)r[2])) >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi << 4 | lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

struct kv_fill {
    struct arena *arena;
    struct kv *kv;
    size_t n, cap;
    bool failed;
};

static enum MHD_Result
kv_collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size, const char *value,
           size_t value_size)
{
    struct kv_fill *f = cls;
    struct kv *kv;

    (void)kind;
    if (f->n == f->cap)
        return MHD_NO;
    kv = &f->kv[f->n];
    kv->name = arena_strndup(f->arena, key, key_size);
    /* "?flag" has no value: an empty one, so lookups can tell it is there. */
    kv->value = arena_strndup(f->arena, value != NULL ? value : "", value != NULL ? value_size : 0);
    if (kv->name == NULL || kv->value == NULL) {
        f->failed = true;
        return MHD_NO;
    }
    f->n++;
    return MHD_YES;
}

/* Copies the values of one kind into the arena. Returns 0, or -1 on no memory. */
static int
kv_copy(struct MHD_Connection *conn, enum MHD_ValueKind kind, struct arena *a,
        struct kv **out /* OUT */, size_t *n_out /* OUT */)
{
    struct kv_fill f = {.arena = a};
    int count = MHD_get_connection_values(conn, kind, NULL, NULL);

    *out = NULL;
    *n_out = 0;
    if (count <= 0)
        return 0;
    f.cap = (size_t)count;
    if ((f.kv = arena_alloc(a, f.cap * sizeof(*f.kv))) == NULL)
        return -1;
    MHD_get_connection_values_n(conn, kind, kv_collect, &f);
    if (f.failed)
        return -1;
    *out = f.kv;
    *n_out = f.n;
    return 0;
}

static const char *
remote_address(struct MHD_Connection *conn, struct arena *a)
{
    const union MHD_ConnectionInfo *ci;
    char buf[INET6_ADDRSTRLEN];
    const void *addr = NULL;
    int family = AF_UNSPEC;

    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci != NULL && ci->client_addr != NULL) {
        family = ci->client_addr->sa_family;
        if (family == AF_INET)
            addr = &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr;
        else if (family == AF_INET6)
            addr = &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr;
    }
    if (addr == NULL || inet_ntop(family, addr, buf, sizeof(buf)) == NULL)
        return arena_strdup(a, "-");
    return arena_strdup(a, buf);
}

/* Fills req from the connection. Returns 0, or -1 when memory runs out. */
static int
request_copy_in(struct exchange *ex, struct MHD_Connection *conn, const char *url,
                const char *method)
{
    struct request *req = &ex->req;

    req->app = ex->srv->app;
    req->server = ex->srv;
    req->body = "";
    if ((req->method = arena_strdup(&req->arena, method)) == NULL ||
        (req->path = arena_strdup(&req->arena, url)) == NULL ||
        (req->remote_addr = remote_address(conn, &req->arena)) == NULL ||
        kv_copy(conn, MHD_HEADER_KIND, &req->arena, &req->headers, &req->n_headers) < 0 ||
        kv_copy(conn, MHD_GET_ARGUMENT_KIND, &req->arena, &req->query, &req->n_query) < 0 ||
        request_cookies_load(req) < 0)
        return -1;
    return 0;
}

/* ---- connections handed over ---- */

/*
 * MHD_USE_TURBO makes libmicrohttpd close a connection without shutdown(),
 * which a connection handed over needs (its socket lives on in the
 * handler's duplicate). Every other connection gets its shutdown(SHUT_WR)
 * from us when libmicrohttpd says it is closing it, as it would have done:
 * the client then reads the last answer (a 413 before an unread body)
 * before the socket goes. The sockets handed over, until then, by number
 * (no more than MAX_CONNECTIONS and a margin are ever open):
 */
#define MAX_FD (MAX_CONNECTIONS + 1024)
static atomic_uchar handed[MAX_FD];

/* Was fd handed over? Forgets it. */
static bool
handed_over(int fd)
{
    return fd >= 0 && fd < MAX_FD && atomic_exchange(&handed[fd], 0) != 0;
}

int
response_detach(struct request *req, struct response *res, int status)
{
    struct exchange *ex = (struct exchange *)(void *)((char *)req - offsetof(struct exchange, req));
    const union MHD_ConnectionInfo *ci;
    int fd;

    if (ex->srv->tls)
        return -1; /* the bytes on the socket are TLS records: only libmicrohttpd writes them */
    ci = MHD_get_connection_info(ex->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci == NULL)
        return -1;
    if (ci->connect_fd < 0 || ci->connect_fd >= MAX_FD ||
        (fd = fcntl(ci->connect_fd, F_DUPFD_CLOEXEC, 0)) < 0)
        return -1;
    atomic_store(&handed[ci->connect_fd], 1);
    res->detached = true;
    res->status = status;
    return fd;
}

/* ---- answering ---- */

static enum MHD_Result
reply_internal_error(struct exchange *ex, struct MHD_Connection *conn)
{
    struct MHD_Response *r;
    enum MHD_Result ret;

    r = MHD_create_response_from_buffer(sizeof(internal_error) - 1, (void *)internal_error,
                                        MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO; /* closes the connection: nothing better to do without memory */
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if ((ret = MHD_queue_response(conn, 500, r)) == MHD_YES)
        ex->status = 500;
    MHD_destroy_response(r);
    return ret;
}

/*
 * Sends ex->res. Its body goes to MHD, which frees an owned one after
 * sending. A response MHD refuses (a bad status, a header with a line
 * break, a Content-Length of the handler's) becomes a 500.
 */
static enum MHD_Result
reply(struct exchange *ex, struct MHD_Connection *conn)
{
    struct response *res = &ex->res;
    struct MHD_Response *r;
    enum MHD_Result ret;
    size_t i;

    if (res->status < 200 || res->status > 599) {
        log_warnx("http: handler of '%s' set status %d", ex->req.path, res->status);
        return reply_internal_error(ex, conn);
    }
    if (res->body_owned && res->body_release != NULL) {
        r = MHD_create_response_from_buffer_with_free_callback_cls(
            res->body_len, res->body, res->body_release, res->body_release_arg);
    } else if (res->body_owned) {
        r = MHD_create_response_from_buffer_with_free_callback(res->body_len, res->body, free);
    } else {
        r = MHD_create_response_from_buffer(res->body_len, res->body, MHD_RESPMEM_PERSISTENT);
    }
    if (r == NULL)
        return reply_internal_error(ex, conn);
    res->body = NULL; /* MHD's now */
    res->body_owned = false;
    res->body_release = NULL;
    if ((res->content_type != NULL &&
         MHD_add_response_header(r, "Content-Type", res->content_type) != MHD_YES) ||
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") != MHD_YES ||
        (atomic_load_explicit(&ex->srv->stopping, memory_order_relaxed) &&
         MHD_add_response_header(r, "Connection", "close") != MHD_YES))
        goto refused;
    for (i = 0; i < res->n_headers; i++)
        if (MHD_add_response_header(r, res->headers[i].name, res->headers[i].value) != MHD_YES)
            goto refused;
    if ((ret = MHD_queue_response(conn, (unsigned)res->status, r)) == MHD_YES)
        ex->status = res->status;
    MHD_destroy_response(r);
    return ret;
refused:
    log_warnx("http: cannot add the response headers of '%s'", ex->req.path);
    MHD_destroy_response(r);
    return reply_internal_error(ex, conn);
}

static enum MHD_Result
reply_error(struct exchange *ex, struct MHD_Connection *conn, int status, const char *msg)
{
    if (response_error(&ex->res, status, "%s", msg) < 0)
        return reply_internal_error(ex, conn);
    return reply(ex, conn);
}

/* ---- the request's life ---- */

static bool
is_json(const char *content_type)
{
    static const char json[] = "application/json";
    const char *p = content_type;

    if (p == NULL)
        return false;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncasecmp(p, json, sizeof(json) - 1) != 0)
        return false;
    for (p += sizeof(json) - 1; *p == ' ' || *p == '\t'; p++)
        ;
    return *p == '\0' || *p == ';';
}

static bool
has_body_method(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}

/*
 * The first call, headers read and no body yet: copy the request, route it
 * and check the route's flags and the announced length. A refusal is
 * queued now, so a client that sent "Expect: 100-continue" never sends
 * its body, and MHD closes a connection whose body it did not read.
 */
static enum MHD_Result
exchange_begin(struct exchange *ex, struct MHD_Connection *conn, const char *url,
               const char *method)
{
    struct http_server *srv = ex->srv;
    const char *length;
    char allow[128], *end;
    unsigned long long announced = 0;
    int status;

    if (request_copy_in(ex, conn, url, method) < 0)
        return reply_internal_error(ex, conn);
    /* Begun once the server stops: refused, not served. http_server_stop()
     * waits for the requests begun before; one begun after its wait could
     * otherwise suspend itself while the daemon stops (on_request counts
     * it in_flight before this check, the stop sets stopping before it
     * reads in_flight: one of the two sees the other). */
    if (atomic_load_explicit(&srv->stopping, memory_order_seq_cst)) {
        if (response_error(&ex->res, 503, "the server is stopping: try again in a moment") < 0 ||
            response_header(&ex->res, "Retry-After", "5") < 0)
            return reply_internal_error(ex, conn);
        return reply(ex, conn);
    }
    if ((ex->route = http_route_find_indexed(srv->route_index, &ex->req, &status)) == NULL) {
        if (status == 405) {
            http_route_allow(srv->routes, srv->n_routes, ex->req.path, allow, sizeof(allow));
            if (response_error(&ex->res, 405, "method %s not allowed here", method) < 0 ||
                (allow[0] != '\0' &&
                 response_header(&ex->res, "Allow", arena_strdup(&ex->req.arena, allow)) < 0))
                return reply_internal_error(ex, conn);
            return reply(ex, conn);
        }
        if (status == 404)
            return reply_error(ex, conn, 404, "not found");
        return reply_internal_error(ex, conn);
    }
    if ((ex->route->flags & ROUTE_JSON_BODY) && has_body_method(method) &&
        !is_json(request_header(&ex->req, "Content-Type")))
        return reply_error(ex, conn, 415, "the body must be application/json");
    ex->body_limit = ex->route->body_limit ? ex->route->body_limit : srv->max_body;
    if ((length = request_header(&ex->req, "Content-Length")) != NULL) {
        errno = 0;
        announced = strtoull(length, &end, 10);
        if (errno == ERANGE)
            announced = ULLONG_MAX;
        else if (end == length || *end != '\0')
            announced = 0; /* MHD refuses a malformed length before we see it */
    }
    if (announced > ex->body_limit)
        return reply_error(ex, conn, 413, "the body is larger than allowed here");
    return MHD_YES;
}

/*
 * A piece of the body. A body that goes over the limit without having
 * announced it (chunked) cannot be refused at once: libmicrohttpd 0.9.75
 * queues no response while a body is coming in. So the rest is dropped as
 * it arrives and the 413 goes out at the end, unless more than
 * DISCARD_MAX bytes follow, and then the connection is closed unanswered
 * rather than let one client keep a worker reading for nothing.
 */
static enum MHD_Result
exchange_body(struct exchange *ex, struct MHD_Connection *conn, const char *data, size_t *size)
{
    size_t n = *size, cap;
    char *p;

    *size = 0;
    if (ex->status != 0)
        return MHD_YES;
    if (ex->too_big) {
        if (n > DISCARD_MAX - ex->discarded) {
            log_warnx("http: closing a connection still sending a refused body to '%s'",
                      ex->req.path);
            return MHD_NO;
        }
        ex->discarded += n;
        return MHD_YES;
    }
    if (n > ex->body_limit - ex->body_len) {
        ex->too_big = true;
        free(ex->body);
        ex->body = NULL;
        ex->body_len = ex->body_cap = 0;
        if (response_error(&ex->res, 413, "the body is larger than allowed here") < 0)
            return MHD_NO;
        return MHD_YES;
    }
    if (ex->body_len + n + 1 > ex->body_cap) {
        cap = ex->body_cap ? ex->body_cap : 4096;
        while (cap < ex->body_len + n + 1)
            cap *= 2;
        if (cap > ex->body_limit + 1)
            cap = ex->body_limit + 1;
        if ((p = realloc(ex->body, cap)) == NULL)
            return reply_internal_error(ex, conn) == MHD_YES ? MHD_YES : MHD_NO;
        ex->body = p;
        ex->body_cap = cap;
    }
    memcpy(ex->body + ex->body_len, data, n);
    ex->body_len += n;
    return MHD_YES;
}

/* Sends what the handler (or whoever answered a deferred request) left in ex->res. */
static enum MHD_Result
answer(struct exchange *ex, struct MHD_Connection *conn, int handler_rc)
{
    if (handler_rc < 0 || ex->res.status == 0) {
        if (ex->res.status == 0)
            log_warnx("http: handler of '%s' set no status", ex->req.path);
        if (response_error(&ex->res, 500, "internal server error") < 0)
            return reply_internal_error(ex, conn);
    }
    return reply(ex, conn);
}

/*
 * The last call: the whole body is in; run the handler and answer. A
 * handler that deferred its answer (response_defer) gets its connection
 * suspended before its start function runs, so http_resume() can never
 * come first; MHD calls us once more after the resume.
 */
static enum MHD_Result
exchange_finish(struct exchange *ex, struct MHD_Connection *conn)
{
    void (*start)(void *);
    int rc;

    if (ex->status != 0)
        return MHD_YES;
    if (ex->suspended) {
        ex->suspended = false;
        return answer(ex, conn, response_finish(&ex->req, &ex->res));
    }
    if (ex->too_big)
        return reply(ex, conn); /* the 413 exchange_body prepared */
    if (ex->body != NULL) {
        ex->body[ex->body_len] = '\0';
        ex->req.body = ex->body;
        ex->req.body_len = ex->body_len;
    }
    rc = ex->route->handler(&ex->req, &ex->res);
    if (rc == 0 && ex->res.detached) {
        /* the handler owns the socket now: forget the connection, without a
         * shutdown (MHD_USE_TURBO), so the handler's duplicate stays open */
        ex->status = ex->res.status;
        ex->detached = true;
        return MHD_NO;
    }
    if (rc == 0 && ex->res.status == 0 && (start = ex->res.defer_start) != NULL) {
        ex->res.defer_start = NULL;
        ex->suspended = true;
        atomic_fetch_add_explicit(&ex->srv->m.suspended, 1, memory_order_relaxed);
        MHD_suspend_connection(conn);
        start(ex->res.defer_arg); /* from here on, ex is the answerer's until http_resume() */
        return MHD_YES;
    }
    return answer(ex, conn, rc);
}

void
http_resume(struct request *req)
{
    struct exchange *ex = (struct exchange *)(void *)((char *)req - offsetof(struct exchange, req));
    struct MHD_Connection *conn = ex->conn;

    atomic_fetch_sub_explicit(&ex->srv->m.suspended, 1, memory_order_relaxed);
    MHD_resume_connection(conn); /* ex may be gone once this returns */
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct exchange *ex = *con_cls;

    (void)version;
    if (ex == NULL) {
        if ((ex = calloc(1, sizeof(*ex))) == NULL) {
            log_warnx("http: out of memory: closing a connection unanswered");
            return MHD_NO;
        }
        ex->srv = srv;
        ex->conn = conn;
        clock_gettime(CLOCK_MONOTONIC, &ex->start);
        atomic_fetch_add_explicit(&srv->m.in_flight, 1, memory_order_seq_cst);
        *con_cls = ex;
        return exchange_begin(ex, conn, url, method);
    }
    if (*upload_data_size > 0)
        return exchange_body(ex, conn, upload_data, upload_data_size);
    return exchange_finish(ex, conn);
}

/* Copies s for a log line: control bytes and spaces as \xNN, cut at a bound. */
static void
log_safe(char *dst, size_t size, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    unsigned char c;

    for (; s != NULL && *s != '\0' && o + 5 < size; s++) {
        c = (unsigned char)*s;
        if (c <= 0x20 || c == 0x7f || c == '\\') {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 0xf];
        } else {
            dst[o++] = (char)c;
        }
    }
    if (s != NULL && *s != '\0' && o + 4 <= size) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

static void
metrics_count(struct http_metrics *m, int status, double seconds)
{
    size_t b;

    if (status >= 0 && status < N_STATUS)
        atomic_fetch_add_explicit(&m->by_status[status], 1, memory_order_relaxed);
    for (b = 0; b < N_BUCKETS && seconds > latency_le[b]; b++)
        ;
    atomic_fetch_add_explicit(&m->latency[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_us, (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

static const char *
termination_note(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK:
        return "";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return " (timed out)";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return " (server stopped)";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
    case MHD_REQUEST_TERMINATED_READ_ERROR:
        return " (client gone)";
    default:
        return " (connection error)";
    }
}

/*
 * The end of an exchange: count it, log its one line (never the query
 * string, headers or body: they carry tokens and passwords), free it.
 */
static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct exchange *ex = *con_cls;
    char method[24], path[256];
    double seconds;
    long long micros;

    (void)conn;
    if (ex == NULL)
        return;
    *con_cls = NULL;
    seconds = seconds_since(&ex->start);
    if (ex->status != 0)
        metrics_count(&srv->m, ex->status, seconds);
    log_safe(method, sizeof(method), ex->req.method);
    log_safe(path, sizeof(path), ex->req.path);
    /* milliseconds to the microsecond, in integers: printf's %f was a third of the line's cost */
    micros = (long long)(seconds * 1e6 + 0.5);
    log_info("%s %s %d %lld.%03lldms%s", method[0] ? method : "-", path[0] ? path : "-", ex->status,
             micros / 1000, micros % 1000, ex->detached ? " (handed over)" : termination_note(toe));
    free(ex->body);
    response_body_drop(&ex->res);
    arena_release(&ex->req.arena);
    free(ex);
    atomic_fetch_sub_explicit(&srv->m.in_flight, 1, memory_order_release);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *srv = cls;

    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add_explicit(&srv->m.open_connections, 1, memory_order_relaxed);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (ci != NULL && !handed_over(ci->connect_fd))
            shutdown(ci->connect_fd, SHUT_WR); /* see MHD_USE_TURBO above */
        atomic_fetch_sub_explicit(&srv->m.open_connections, 1, memory_order_relaxed);
    }
}

/* ---- life of the server ---- */

/* Once the server stops, a new connection is closed as soon as accepted: never served. */
static enum MHD_Result
accept_unless_stopping(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct http_server *srv = cls;

    (void)addr;
    (void)addrlen;
    return atomic_load_explicit(&srv->stopping, memory_order_seq_cst) ? MHD_NO : MHD_YES;
}

/* What the file descriptor limit allows, keeping some for the store and logs. */
static unsigned
connection_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
        rl.rlim_cur > MAX_CONNECTIONS + 64)
        return MAX_CONNECTIONS;
    return rl.rlim_cur > 64 + 16 ? (unsigned)rl.rlim_cur - 64 : 16;
}

int
http_server_start(const struct http_config *cfg, struct http_server **out)
{
    struct http_server *srv = NULL;
    struct sockaddr_in sin = {.sin_family = AF_INET};
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
    const struct sockaddr *sa = (const struct sockaddr *)&sin;
    const union MHD_DaemonInfo *info;
    const char *address = cfg->address != NULL ? cfg->address : "127.0.0.1";
    char host[INET6_ADDRSTRLEN + 2];
    /* MHD_USE_TURBO: besides opportunistic reads and writes, a connection
     * is closed without shutdown(), which a connection handed over needs */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
    unsigned threads = cfg->threads;
    long cores;
    size_t len;
    int rc = -1;

    *out = NULL;
    /* "::1" or "[::1]" (as in a URL) are IPv6; anything else must be an IPv4 address. */
    len = strlen(address);
    if (len >= 2 && address[0] == '[' && address[len - 1] == ']' && len - 2 < sizeof(host)) {
        memcpy(host, address + 1, len - 2);
        host[len - 2] = '\0';
    } else if (len < sizeof(host)) {
        memcpy(host, address, len + 1);
    } else {
        host[0] = '\0';
    }
    if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
        sin.sin_port = htons(cfg->port);
    } else if (inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
        sin6.sin6_port = htons(cfg->port);
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        log_warnx("http: cannot listen on '%s': not an IP address", address);
        goto out;
    }
    flags |= MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES ? MHD_USE_EPOLL : MHD_USE_AUTO;
    if (threads == 0)
        threads = (cores = sysconf(_SC_NPROCESSORS_ONLN)) > 0 ? (unsigned)cores : 1;
    if ((srv = calloc(1, sizeof(*srv))) == NULL) {
        log_warnx("http: out of memory");
        goto out;
    }
    srv->routes = cfg->routes;
    srv->n_routes = cfg->n_routes;
    if ((srv->route_index = http_route_index_new(cfg->routes, cfg->n_routes)) == NULL) {
        log_warnx("http: out of memory");
        goto out;
    }
    srv->max_body = cfg->max_body ? cfg->max_body : DEFAULT_MAX_BODY;
    srv->app = cfg->app;
    srv->on_stop = cfg->on_stop;
    /* The logger first, so that MHD's messages about the other options go to it too. */
    /* a pool of one or zero earns a warning: the polling thread alone then */
    struct MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
        {MHD_OPTION_END, 0, NULL}};
    /* HTTPS in the server itself: for apps that insist on it on a LAN */
    struct MHD_OptionItem tls[] = {
        {cfg->tls_cert_pem != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
         (void *)cfg->tls_cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem},
        {MHD_OPTION_END, 0, NULL}};
    if (cfg->tls_cert_pem != NULL) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            log_warnx("http: this libmicrohttpd was built without TLS");
            goto out;
        }
        flags |= MHD_USE_TLS;
        srv->tls = true;
    }
    srv->daemon = MHD_start_daemon(
        flags, cfg->port, accept_unless_stopping, srv, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_ARRAY, pool, MHD_OPTION_ARRAY, tls,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT,
        connection_limit(), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->max_per_address ? cfg->max_per_address : (unsigned)MAX_PER_ADDRESS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_UNESCAPE_CALLBACK,
        url_unescape, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        log_warnx("http: cannot listen on '%s' port %u", address, (unsigned)cfg->port);
        goto out;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL && info->port != 0 ? info->port : cfg->port;
    *out = srv;
    srv = NULL;
    rc = 0;
out:
    if (srv != NULL)
        http_route_index_free(srv->route_index);
    free(srv);
    return rc;
}

uint16_t
http_server_port(const struct http_server *srv)
{
    return srv->port;
}

/*
 * From here on, a new connection is closed as soon as accepted
 * (accept_unless_stopping), and a new request on a kept-alive one is
 * answered 503 with Retry-After (on_request), while the requests begun
 * before finish; MHD_stop_daemon() then closes the listening socket and
 * the idle connections. MHD_quiesce_daemon() is not used: with epoll and a
 * thread pool, libmicrohttpd 0.9.75 races its workers for the listening
 * socket's removal from their epoll sets and aborts the process when it
 * loses ("Failed to remove listen FD from epoll set", seen at SIGTERM in
 * CI).
 */
void
http_server_stop(struct http_server *srv, unsigned timeout_ms)
{
    const struct timespec nap = {0, 5 * 1000 * 1000};
    struct timespec start;
    long left;

    if (srv == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &start);
    atomic_store_explicit(&srv->stopping, true, memory_order_seq_cst);
    if (srv->on_stop != NULL)
        srv->on_stop(srv->app);
    while ((left = atomic_load_explicit(&srv->m.in_flight, memory_order_seq_cst)) > 0 &&
           seconds_since(&start) * 1e3 < timeout_ms)
        nanosleep(&nap, NULL);
    if (left > 0)
        log_warnx("http: stopping with %ld requests unfinished after %u ms", left, timeout_ms);
    /* libmicrohttpd cannot stop with a suspended connection, and every
     * deferred answer comes (the writer finishes what it took) */
    while (atomic_load_explicit(&srv->m.suspended, memory_order_acquire) > 0)
        nanosleep(&nap, NULL);
    MHD_stop_daemon(srv->daemon);
    http_route_index_free(srv->route_index);
    free(srv);
}

/* ---- metrics ---- */

struct text {
    char *p;
    size_t len, cap;
    bool failed;
};

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    size_t cap;
    char *p;
    int n;

    if (t->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(t->p != NULL ? t->p + t->len : NULL, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    if (t->len + (size_t)n < t->cap) {
        t->len += (size_t)n;
        return;
    }
    for (cap = t->cap ? t->cap : 4096; cap <= t->len + (size_t)n;)
        cap *= 2;
    if ((p = realloc(t->p, cap)) == NULL) {
        t->failed = true;
        return;
    }
    t->p = p;
    t->cap = cap;
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

int
http_metrics_write(struct http_server *srv, char **out, size_t *len)
{
    static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    struct http_metrics *m = &srv->m;
    struct text t = {0};
    unsigned long long by_class[5] = {0}, n, cumulative = 0;
    char *p;
    size_t i;

    text_printf(&t, "# HELP gazouillis_http_requests_total HTTP requests answered, by status.\n"
                    "# TYPE gazouillis_http_requests_total counter\n");
    for (i = 100; i < N_STATUS; i++) {
        if ((n = atomic_load_explicit(&m->by_status[i], memory_order_relaxed)) == 0)
            continue;
        by_class[i / 100 - 1] += n;
        text_printf(&t, "gazouillis_http_requests_total{code=\"%zu\"} %llu\n", i, n);
    }
    text_printf(&t, "# HELP gazouillis_http_requests_by_class_total HTTP requests answered, by "
                    "status class.\n"
                    "# TYPE gazouillis_http_requests_by_class_total counter\n");
    for (i = 0; i < 5; i++)
        text_printf(&t, "gazouillis_http_requests_by_class_total{class=\"%s\"} %llu\n", classes[i],
                    by_class[i]);
    text_printf(&t, "# HELP gazouillis_http_request_duration_seconds Time from a request's "
                    "headers to the end of its response.\n"
                    "# TYPE gazouillis_http_request_duration_seconds histogram\n");
    for (i = 0; i <= N_BUCKETS; i++) {
        cumulative += atomic_load_explicit(&m->latency[i], memory_order_relaxed);
        if (i < N_BUCKETS)
            text_printf(&t, "gazouillis_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                        latency_le[i], cumulative);
        else
            text_printf(&t, "gazouillis_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                        cumulative);
    }
    text_printf(&t,
                "gazouillis_http_request_duration_seconds_sum %.6f\n"
                "gazouillis_http_request_duration_seconds_count %llu\n",
                (double)atomic_load_explicit(&m->latency_sum_us, memory_order_relaxed) / 1e6,
                cumulative);
    text_printf(&t,
                "# HELP gazouillis_http_open_connections Client connections open now.\n"
                "# TYPE gazouillis_http_open_connections gauge\n"
                "gazouillis_http_open_connections %ld\n"
                "# HELP gazouillis_http_requests_in_flight Requests being read, handled or "
                "sent now.\n"
                "# TYPE gazouillis_http_requests_in_flight gauge\n"
                "gazouillis_http_requests_in_flight %ld\n",
                atomic_load_explicit(&m->open_connections, memory_order_relaxed),
                atomic_load_explicit(&m->in_flight, memory_order_relaxed));
    if (t.failed || (p = realloc(*out, *len + t.len + 1)) == NULL) {
        free(t.p);
        return -1;
    }
    memcpy(p + *len, t.p, t.len);
    p[*len + t.len] = '\0';
    *out = p;
    *len += t.len;
    free(t.p);
    return 0;
}
