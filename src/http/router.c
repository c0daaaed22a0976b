/*
 * http/router.c - finds a request's route in the application's one table
 * (STYLE.md 7, after Redis's command table): literal segments, ":name" to
 * capture one non-empty segment, a final "*" for the rest of the path. The
 * first match in table order wins. There is no magic: "/a/" and "/a" are
 * different paths, and case matters. A linear scan, since a table holds
 * tens of routes and most comparisons stop at the first differing byte.
 * Checking flags (body type, body limit) is server.c's job.
 */
#include <assert.h>
#include <stdbool.h>
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

const struct route *
http_route_find(const struct route *routes, size_t n, struct request *req, int *status)
{
    struct capture caps[MAX_PARAMS];
    size_t i, j, n_caps;
    char *name, *value;

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
        for (j = 0; j < n_caps; j++) {
            name = arena_strndup(&req->arena, caps[j].name, caps[j].name_len);
            value = arena_strndup(&req->arena, caps[j].value, caps[j].value_len);
            if (name == NULL || value == NULL) {
                *status = 500;
                return NULL;
            }
            req->params[j].name = name;
            req->params[j].value = value;
        }
        req->n_params = n_caps;
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
