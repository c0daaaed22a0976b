/*
 * http/http.h - the HTTP layer: libmicrohttpd behind our own request and
 * response, a route table, and the server's life (start, graceful stop,
 * per-request log line, metrics). It knows nothing of events or posts:
 * handlers in api/ and web/ take a struct request and fill a struct
 * response, so they can be tested without a socket. microhttpd.h appears
 * only in http/server.c.
 */
#ifndef GZ_HTTP_H
#define GZ_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct kv {
    const char *name, *value;
};

struct http_server;

/*
 * One request. Everything it points to lives in req->arena, freed when the
 * response has been sent. Headers, query arguments and cookies are copied
 * in at the start, so the lookups below need no connection.
 *
 * Handlers run on libmicrohttpd's worker threads (a pool, one per core by
 * default): several at once on different threads, one at a time on each,
 * and a handler that blocks holds up the other connections of its thread.
 * A per-thread resource (a database connection) belongs in a pthread key
 * or a _Thread_local, opened on first use.
 */
struct request {
    struct arena arena;
    const char *method;      /* "GET", "POST", ... */
    const char *path;        /* percent-decoded by MHD ("%2F" is a '/'), without the query */
    const char *remote_addr; /* "127.0.0.1" */
    struct kv *headers;      /* names as sent; lookups ignore case */
    size_t n_headers;
    struct kv *query; /* decoded ?name=value pairs */
    size_t n_query;
    struct kv *cookies;
    size_t n_cookies;
    struct kv params[4]; /* ":name" segments of the matched route; "*" for a final '*' */
    size_t n_params;
    const char *body; /* NUL-terminated, "" when none; body_len excludes the NUL */
    size_t body_len;
    void *app;  /* http_config.app */
    void *data; /* a handler's own, for the part it defers (writer_defer): NULL at first */
    struct http_server *server; /* for http_metrics_write() */
};

/* Lookups: the first value of that name, or NULL. The result is borrowed. */
const char *request_header(const struct request *req, const char *name);
/* True when Accept-Encoding accepts gzip (or x-gzip) with a q above zero. */
bool request_accepts_gzip(const struct request *req);
const char *request_query(const struct request *req, const char *name);
const char *request_cookie(const struct request *req, const char *name);
const char *request_param(const struct request *req, const char *name);

/*
 * Parses an application/x-www-form-urlencoded body (or query string) into
 * pairs allocated in req->arena: '+' is a space, %XX a byte, "name" alone
 * has the value "", empty pairs ("&&") are skipped. Returns 0, or -1 (with
 * *out NULL and *n_out 0) when it is malformed (a bad percent-escape, a NUL
 * byte raw or as %00) or memory runs out. Values may still be bad UTF-8.
 */
int request_form(struct request *req, const char *s, size_t len, struct kv **out, size_t *n_out);
/* The first value of that name (compared exactly), or NULL. */
const char *kv_get(const struct kv *kv, size_t n, const char *name);

#define RESPONSE_MAX_HEADERS 12

struct response {
    int status;               /* 0 until a handler sets one */
    const char *content_type; /* static or in the request arena */
    char *body;               /* given back after sending when body_owned, */
                              /* else static or in the request arena */
    size_t body_len;
    bool body_owned;
    /* how an owned body is given back: body_release(body_release_arg), or free(body) when NULL */
    void (*body_release)(void *arg);
    void *body_release_arg;
    struct kv headers[RESPONSE_MAX_HEADERS]; /* values static or in the request arena */
    size_t n_headers;
    void (*defer_start)(void *arg); /* set by response_defer() */
    void *defer_arg;
    /* set by response_finish_later(): makes the body on the connection's own thread */
    int (*finish)(struct request *req, struct response *res);
    bool detached; /* set by response_detach() */
};

/* The handlers' helpers. Each returns 0, or -1 when memory runs out. */
/* Copies s into the response. */
int response_body(struct response *res, int status, const char *content_type, const char *s,
                  size_t len);
/* Takes data (malloc'd) as the body; it is freed after sending, also on failure. */
int response_body_take(struct response *res, int status, const char *content_type, char *data,
                       size_t len);
/*
 * Shares data, which stays valid until release(arg) is called once after
 * sending (or when the response is dropped): a cached body is sent by many
 * responses at once without a copy. On failure (-1) release is not called.
 */
int response_body_shared(struct response *res, int status, const char *content_type,
                         const char *data, size_t len, void (*release)(void *arg), void *arg);
/* Bodies shorter than this are sent as they are: gzip's header and trailer would eat the gain. */
#define HTTP_GZIP_MIN 1024
/* True for a text type (JSON, HTML, Atom, …) of at least HTTP_GZIP_MIN bytes. */
bool http_compressible(const char *content_type, size_t len);
/* data gzip-compressed (zlib's default level) into *out (malloc'd). 0, or -1 without memory. */
int http_gzip(const char *data, size_t len, char **out, size_t *out_len);
/* {"error": "message"} with the status; the message is formatted and JSON-escaped. */
int response_error(struct response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * The status and a generic message for an rc of core/rc.h: RC_FULL is a
 * 507 and RC_AGAIN a 503 with Retry-After, both saying nothing was
 * saved (http_message_for_rc).
 */
int response_error_rc(struct response *res, int rc);
/* The seconds of Retry-After on a 503 of RC_AGAIN. */
#define HTTP_RETRY_AFTER "10"
/* What a client is told of rc (static): for RC_FULL, that the disk is full and nothing saved. */
const char *http_message_for_rc(int rc);
/*
 * Adds a header (name and value must outlive the request: static or arena).
 * -1 when RESPONSE_MAX_HEADERS are there already. A value with a line break,
 * or a Content-Length (the server sets it), turns the response into a 500.
 */
int response_header(struct response *res, const char *name, const char *value);
/* Empties the response (gives back an owned body): as a handler first sees it. */
void response_reset(struct response *res);
/* Gives back an owned body (free() or its release), leaving none. */
void response_body_drop(struct response *res);

/*
 * Answers later, without holding a thread: a handler calls response_defer()
 * and returns 0 with no status. The server suspends the connection, then
 * calls start(arg) on the handler's thread; start hands the request to
 * whoever will answer it (a writer thread, say). That one fills res and
 * calls http_resume(req) exactly once, from any thread; the response then
 * goes out from the connection's own thread. Until then neither req nor res
 * is touched by the server, and the server's stop waits for the answer.
 */
int response_defer(struct response *res, void (*start)(void *arg), void *arg);
void http_resume(struct request *req);
/*
 * For the answerer of a deferred request whose own part is done (a write
 * committed, say) but whose answer is still to be made: the status is set
 * now (the writer keeps a write that answers a success) and fn makes the
 * rest on the connection's own thread once resumed, as a handler would
 * (0, or -1 for a 500). A single serial thread is kept free of the work
 * any thread can do, such as rendering what was stored.
 */
void response_finish_later(struct response *res, int status,
                           int (*fn)(struct request *req, struct response *res));
/* Runs, once, what response_finish_later() left (0 when nothing): the server, before sending. */
int response_finish(struct request *req, struct response *res);

/*
 * Takes the request's connection out of the server, for a response that
 * lasts (server-sent events): the handler gets a duplicate of the socket
 * (non-blocking, close-on-exec), writes a whole HTTP response on it itself
 * (status line and headers first) and closes it when done. When the
 * handler returns, the server logs the request as answered with status,
 * forgets the connection without shutting the socket down, and nothing
 * more of it is the server's: no thread, no memory, no timeout. -1 when
 * the socket cannot be had (the handler then answers as usual).
 */
int response_detach(struct request *req, struct response *res, int status);

/* The HTTP status for an rc: RC_NOTFOUND 404, RC_INVALID 422, RC_CONFLICT 409, ... */
int http_status_for_rc(int rc);

typedef int (*http_handler)(struct request *req, struct response *res);

/* Route flags, checked by the router before the handler runs. */
enum {
    ROUTE_JSON_BODY = 1 << 0, /* POST/PUT/PATCH body must be JSON (415 otherwise) */
};

/*
 * One entry of the route table (http/routes.c of the application).
 * pattern segments starting with ':' capture one path segment into
 * req->params; a final "*" matches the rest of the path.
 */
struct route {
    const char *method; /* "GET", "POST", ...; GET routes answer HEAD too: */
                        /* the handler sees "HEAD", the server sends no body */
    const char *pattern;
    http_handler handler;
    unsigned flags;
    size_t body_limit; /* bytes; 0 means http_config.max_body */
};

/*
 * Finds the route for method and path, filling req->params. Returns the
 * route (first match in table order, *status 200), or NULL with *status 404
 * (no path matches), 405 (the path matches for another method) or 500 (no
 * memory for the captures). "/a/" and "/a" are different paths.
 */
const struct route *http_route_find(const struct route *routes, size_t n, struct request *req,
                                    int *status);

struct http_config {
    const char *address;        /* an IP literal: "127.0.0.1" (NULL), "::1" or "[::1]" */
    uint16_t port;              /* 0: any free port, see http_server_port() */
    unsigned threads;           /* worker threads; 0: one per core */
    unsigned max_per_address;   /* connections one client address may hold; 0: 4096 */
    size_t max_body;            /* default body limit, 1 MiB when 0 */
    const struct route *routes; /* kept, not copied: must outlive the server */
    size_t n_routes;
    void *app;
    /* called by http_server_stop() before it waits for the requests in
     * flight: the place to end the streams, which would never end alone */
    void (*on_stop)(void *app);
    /* PEM certificate and key: HTTPS (NULL: plain HTTP). Over HTTPS no socket is handed
     * over (response_detach fails): live streams need a TLS proxy in front. */
    const char *tls_cert_pem, *tls_key_pem;
};

/* Starts listening. Returns 0, or -1 with a message logged (port taken, ...). */
int http_server_start(const struct http_config *cfg, struct http_server **out);
uint16_t http_server_port(const struct http_server *srv);
/*
 * Stops accepting (new connections are refused at once), lets the requests
 * in flight finish (up to timeout_ms; their responses say Connection:
 * close), then stops the workers, closes idle connections and frees the
 * server. Call it from one thread, not from a handler. NULL is a no-op.
 */
void http_server_stop(struct http_server *srv, unsigned timeout_ms);

/*
 * Appends the Prometheus text of the server's counters (requests by status
 * and by class, latency histogram, open connections, requests in flight) to
 * *out, a malloc'd string of *len bytes or NULL (then *len is 0), which is
 * reallocated, kept NUL-terminated and *len updated. On no memory it returns
 * -1 and leaves *out and *len as they were (the caller still frees *out).
 */
int http_metrics_write(struct http_server *srv, char **out, size_t *len);

/*
 * multipart/form-data (RFC 7578), for media uploads: the whole body is in
 * memory already (req->body), so parts point into it and nothing is copied
 * but names and header values. http/multipart.c.
 */
#define MULTIPART_MAX_PARTS  64
#define MULTIPART_MAX_HEADER 8192 /* bytes of one part's header lines */

struct multipart_part {
    const char *name;          /* Content-Disposition name=, unquoted, in the arena */
    const char *filename;      /* filename*=UTF-8''... decoded, else filename=; NULL if absent */
    const char *content_type;  /* the part's Content-Type, or NULL */
    const unsigned char *data; /* the part's bytes: borrowed, points into the body */
    size_t len;
};

/*
 * Parses body[0..len) sent with content_type ("multipart/form-data;
 * boundary=...", the boundary possibly quoted, parameters in any case and
 * order). The parts (at most MULTIPART_MAX_PARTS) go in an arena array
 * (*parts, *n). Preamble and epilogue are ignored; header lines may end in
 * CRLF or a bare LF. Returns 0, or -1 (with *parts NULL, *n 0 and a static
 * message in *error when error is not NULL) for another content type, a
 * missing or bad boundary, a missing first or closing boundary (a truncated
 * upload), a part without Content-Disposition: form-data and a name,
 * malformed headers or more than MULTIPART_MAX_HEADER bytes of them, too
 * many parts, or no memory. Names and filenames may still be bad UTF-8.
 */
int multipart_parse(struct arena *ar, const char *content_type, const char *body, size_t len,
                    struct multipart_part **parts, size_t *n, const char **error);
/* The first part named name (compared exactly), or NULL. */
const struct multipart_part *multipart_get(const struct multipart_part *parts, size_t n,
                                           const char *name);

#endif
