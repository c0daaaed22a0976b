/*
 * http/router.c - finds a request's route in the application's one table
 * (STYLE.md 7, after Redis's command table): literal segments, ":name" to
 * capture one non-empty segment, a final "*" for the rest of the path. The
 * first match in table order wins. There is no magic: "/a/" and "/a" are
 * different paths, and case matters. Checking flags (body type, body
 * limit) is server.c's job.
 *
 * http_route_find() scans the table; the server uses an index instead
 * (http_route_index_new): with 180 routes, the scan cost a Mastodon
 * timeline request about a microsecond, a twentieth of its whole cost. The
 * index is a tree of the patterns' leading literal segments, three deep:
 * a route sits at the node of its literal segments before the first
 * capture ("/api/v1/events/:slug" under api, v1, events; "/e/:slug" under
 * e; "/@:name" at the root). A path can only match routes on the nodes its
 * own segments lead through, so those few lists, merged in table order,
 * are all that is tried: the same answer as the scan, which the unit tests
 * check over every route.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

#define MAX_PARAMS (sizeof(((struct request *)0)->params) / sizeof(struct kv))

struct capture {
    const char *name, *value;
    size_t name_len, value_len;
};

/*
 * Matches path against pattern, recording the captures in caps (room for
 * MAX_PARAMS). A ':' captures the rest of its segment, from the start of
 * the segment or after a literal prefix ("/@:name" matches "/@eric"); a
 * '*' means something only as a whole final segment: it captures under
 * the name "*" and may be empty (the
 * pattern "/static/" followed by "*" matches "/static/" but not "/static").
 */
static bool
route_match(const char *pattern, const char *path, struct capture *caps, size_t *n_caps)
{
    const char *p = pattern, *s = path;
    size_t n = 0, p_len, s_len;
    bool segment_start;

    while (*p != '\0') {
        segment_start = p == pattern || p[-1] == '/';
        if (*p == ':' || (segment_start && *p == '*' && p[1] == '\0')) {
            assert(n < MAX_PARAMS); /* a route with too many captures is a bug of the table */
            if (n == MAX_PARAMS)
                return false;
        }
        if (*p == ':') { /* after a segment's literal start too: "/@:name" */
            p_len = strcspn(p, "/");
            if ((s_len = strcspn(s, "/")) == 0)
                return false;
            caps[n++] = (struct capture){p + 1, s, p_len - 1, s_len};
            p += p_len;
            s += s_len;
        } else if (segment_start && *p == '*' && p[1] == '\0') {
            caps[n++] = (struct capture){p, s, 1, strlen(s)};
            *n_caps = n;
            return true;
        } else if (*p++ != *s++) {
            return false;
        }
    }
    if (*s != '\0')
        return false;
    *n_caps = n;
    return true;
}

static bool
method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* Fills req->params from caps; false without memory. */
static bool
params_set(struct request *req, const struct capture *caps, size_t n_caps)
{
    size_t j;

    for (j = 0; j < n_caps; j++) {
        req->params[j].name = arena_strndup(&req->arena, caps[j].name, caps[j].name_len);
        req->params[j].value = arena_strndup(&req->arena, caps[j].value, caps[j].value_len);
        if (req->params[j].name == NULL || req->params[j].value == NULL)
            return false;
    }
    req->n_params = n_caps;
    return true;
}

const struct route *
http_route_find(const struct route *routes, size_t n, struct request *req, int *status)
{
    struct capture caps[MAX_PARAMS];
    size_t i, n_caps;

    *status = 404;
    req->n_params = 0;
    if (req->path == NULL || req->method == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if (!route_match(routes[i].pattern, req->path, caps, &n_caps))
            continue;
        if (!method_matches(routes[i].method, req->method)) {
            *status = 405;
            continue;
        }
        if (!params_set(req, caps, n_caps)) {
            *status = 500;
            return NULL;
        }
        *status = 200;
        return &routes[i];
    }
    return NULL;
}

/* Whether the comma-separated list holds method. */
static bool
list_has(const char *list, const char *method)
{
    size_t len = strlen(method);
    const char *p = list;

    while ((p = strstr(p, method)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
            return true;
        p += len;
    }
    return false;
}

/* Appends ", method" (or just method) when it fits and is not there yet. */
static void
list_add(char *buf, size_t size, size_t *len, const char *method)
{
    size_t m = strlen(method), sep = *len > 0 ? 2 : 0;

    if (list_has(buf, method) || *len + sep + m + 1 > size)
        return;
    memcpy(buf + *len, ", ", sep);
    memcpy(buf + *len + sep, method, m + 1);
    *len += sep + m;
}

size_t
http_route_allow(const struct route *routes, size_t n, const char *path, char *buf, size_t size)
{
    struct capture caps[MAX_PARAMS];
    size_t i, n_caps, len = 0;

    if (size == 0)
        return 0;
    buf[0] = '\0';
    for (i = 0; i < n; i++) {
        if (!route_match(routes[i].pattern, path, caps, &n_caps))
            continue;
        list_add(buf, size, &len, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            list_add(buf, size, &len, "HEAD");
    }
    return len;
}

/* ---- the index ---- */

#define INDEX_DEPTH 3

struct route_node {
    const char *segment; /* into a pattern; not NUL-terminated */
    size_t segment_len;
    struct route_node *children;
    size_t n_children;
    size_t *routes; /* table indexes, increasing */
    size_t n_routes;
};

struct route_index {
    const struct route *routes;
    size_t n;
    struct route_node root;
};

/* The length of the segment at s (up to '/' or the end). */
static size_t
segment_len(const char *s)
{
    return strcspn(s, "/");
}

/* A segment matched only by itself: no capture, no wildcard. */
static bool
literal_segment(const char *s, size_t len)
{
    return memchr(s, ':', len) == NULL && memchr(s, '*', len) == NULL;
}

static struct route_node *
child_find(const struct route_node *node, const char *seg, size_t len)
{
    size_t i;

    for (i = 0; i < node->n_children; i++)
        if (node->children[i].segment_len == len &&
            memcmp(node->children[i].segment, seg, len) == 0)
            return &node->children[i];
    return NULL;
}

/* The child of node for seg, added when missing; NULL without memory. */
static struct route_node *
child_get(struct route_node *node, const char *seg, size_t len)
{
    struct route_node *c = child_find(node, seg, len), *grown;

    if (c != NULL)
        return c;
    grown = realloc(node->children, (node->n_children + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    node->children = grown;
    c = &node->children[node->n_children++];
    memset(c, 0, sizeof(*c));
    c->segment = seg;
    c->segment_len = len;
    return c;
}

static void
node_free(struct route_node *node)
{
    size_t i;

    for (i = 0; i < node->n_children; i++)
        node_free(&node->children[i]);
    free(node->children);
    free(node->routes);
}

void
http_route_index_free(struct route_index *ix)
{
    if (ix == NULL)
        return;
    node_free(&ix->root);
    free(ix);
}

struct route_index *
http_route_index_new(const struct route *routes, size_t n)
{
    struct route_index *ix = calloc(1, sizeof(*ix));
    size_t i, depth, len, *grown;

    if (ix == NULL)
        return NULL;
    ix->routes = routes;
    ix->n = n;
    for (i = 0; i < n; i++) {
        struct route_node *node = &ix->root;
        const char *p = routes[i].pattern;

        /* every pattern starts with '/': each segment follows one */
        for (depth = 0; depth < INDEX_DEPTH && *p == '/'; depth++) {
            len = segment_len(p + 1);
            if (!literal_segment(p + 1, len))
                break;
            if ((node = child_get(node, p + 1, len)) == NULL)
                goto no_memory;
            p += 1 + len;
        }
        if ((grown = realloc(node->routes, (node->n_routes + 1) * sizeof(*grown))) == NULL)
            goto no_memory;
        node->routes = grown;
        node->routes[node->n_routes++] = i;
    }
    return ix;
no_memory:
    http_route_index_free(ix);
    return NULL;
}

const struct route *
http_route_find_indexed(const struct route_index *ix, struct request *req, int *status)
{
    const struct route_node *lists[INDEX_DEPTH + 1], *node = &ix->root;
    size_t at[INDEX_DEPTH + 1] = {0}, n_lists = 0, depth, len, k, best;
    struct capture caps[MAX_PARAMS];
    const struct route *r;
    const char *p;
    size_t n_caps;

    *status = 404;
    req->n_params = 0;
    if (req->path == NULL || req->method == NULL)
        return NULL;
    lists[n_lists++] = node;
    for (p = req->path, depth = 0; depth < INDEX_DEPTH && *p == '/'; depth++) {
        len = segment_len(p + 1);
        if ((node = child_find(node, p + 1, len)) == NULL)
            break;
        lists[n_lists++] = node;
        p += 1 + len;
    }
    for (;;) { /* the lists merged: the lowest table index next */
        best = n_lists;
        for (k = 0; k < n_lists; k++)
            if (at[k] < lists[k]->n_routes &&
                (best == n_lists || lists[k]->routes[at[k]] < lists[best]->routes[at[best]]))
                best = k;
        if (best == n_lists)
            return NULL;
        r = &ix->routes[lists[best]->routes[at[best]++]];
        if (!route_match(r->pattern, req->path, caps, &n_caps))
            continue;
        if (!method_matches(r->method, req->method)) {
            *status = 405;
            continue;
        }
        if (!params_set(req, caps, n_caps)) {
            *status = 500;
            return NULL;
        }
        *status = 200;
        return r;
    }
}
