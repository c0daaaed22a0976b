/*
 * http/http_int.h - what the files of http/ share and nobody else needs:
 * the cookie parser server.c runs once per request, the Allow list of a
 * 405, the route index, and the hex digits of percent-escapes. Tests may
 * include it; api/ and web/ use http.h only.
 */
#ifndef GZ_HTTP_INT_H
#define GZ_HTTP_INT_H

#include "http/http.h"

/*
 * Parses every Cookie header of req->headers into req->cookies (in
 * req->arena). Pairs without '=' or with an empty name are skipped; a
 * value in double quotes loses them; nothing is percent-decoded. Returns 0,
 * or -1 when memory runs out (req->cookies is then left empty).
 */
int request_cookies_load(struct request *req);

/* The value of a hexadecimal digit (either case), or -1: for the %XX of paths, forms, parameters.
 */
int http_hex_value(unsigned char c);

/*
 * Writes into buf (NUL-terminated, at most size bytes) the methods that
 * have a route for path, comma-separated as an Allow header wants them,
 * HEAD added after GET. Returns the length written, 0 when none.
 */
size_t http_route_allow(const struct route *routes, size_t n, const char *path, char *buf,
                        size_t size);

/*
 * The server's index of its route table (see router.c): the same answers
 * as http_route_find() on that table, without trying every route. The
 * table must outlive the index. NULL without memory.
 */
struct route_index;
struct route_index *http_route_index_new(const struct route *routes, size_t n);
void http_route_index_free(struct route_index *ix);
const struct route *http_route_find_indexed(const struct route_index *ix, struct request *req,
                                            int *status);

#endif
