/*
 * web/export.c - the event for other programs: /e/:slug.json, the event
 * document exactly as GET /api/v1/events/:slug gives it (document_event of
 * api/), and /e/:slug/feed.atom, an Atom 1.0 feed (RFC 4287) with one entry
 * per visible post (the latest 200), newest first, each identified by its URL on the event
 * page. The recap's Markdown and standalone HTML are web/recap.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/posts.h"
#include "core/rc.h"
#include "web/web_int.h"

/*
 * Answers 200 with j (taking the reference), as api_json does, but with
 * '<', '>' and '&' written \u003c, \u003e, \u0026: the same document to any
 * JSON reader, and no markup in the bytes should something sniff them.
 */
static int
json_safe(struct response *res, json_t *j)
{
    struct html h = {0};
    size_t i, run = 0, len;
    const char *rep;
    char *s;

    if (j == NULL)
        return -1;
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL)
        return -1;
    len = strlen(s);
    for (i = 0; i < len; i++) {
        rep = s[i] == '<' ? "\\u003c" : s[i] == '>' ? "\\u003e" : s[i] == '&' ? "\\u0026" : NULL;
        if (rep == NULL)
            continue;
        html_rawn(&h, s + run, i - run);
        html_raw(&h, rep);
        run = i + 1;
    }
    if (run == 0) /* nothing to rewrite: send it as it is */
        return response_body_take(res, 200, "application/json; charset=utf-8", s, len);
    html_rawn(&h, s + run, len - run);
    free(s);
    if (h.nomem) {
        text_buf_release(&h.buf);
        return -1;
    }
    return response_body_take(res, 200, "application/json; charset=utf-8", h.buf.data, h.buf.len);
}

/* GET /e/:slug.json (routed through web_event: the router matches whole segments) */
int
web_event_json(struct request *req, struct response *res, const char *slug)
{
    struct store *st = app_store(req->app);
    json_t *doc;
    struct event e;
    int rc;

    if (slug == NULL)
        return -1;
    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if ((rc = web_event_get(req, st, slug, &e)) == RC_NOTFOUND)
        return response_error(res, 404, "no event '%s'", slug);
    if (rc != RC_OK || (doc = event_document_all(st, &req->arena, &e, &rc)) == NULL)
        return response_error_rc(res, rc != RC_OK ? rc : RC_NOMEM);
    if (web_security_headers(res, NULL) != 0) {
        json_decref(doc);
        return -1;
    }
    return json_safe(res, doc);
}

/*
 * Text for XML: escaped as HTML is (&, <, >, ", ' are XML's five entities
 * too), without the control characters XML 1.0 forbids.
 */
static void
xml_text(struct html *h, const char *s)
{
    size_t i, run = 0, len;

    if (s == NULL)
        return;
    len = strlen(s);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
            continue;
        html_textn(h, s + run, i - run);
        run = i + 1;
    }
    html_textn(h, s + run, len - run);
}

static void
xml_element(struct html *h, const char *name, const char *text)
{
    html_raw(h, "<");
    html_raw(h, name);
    html_raw(h, ">");
    xml_text(h, text);
    html_raw(h, "</");
    html_raw(h, name);
    html_raw(h, ">\n");
}

/* Now, as an Atom date. */
static const char *
now_rfc3339(struct arena *ar)
{
    time_t t = time(NULL);
    struct tm tm;
    char buf[32];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(ar, buf);
}

/* The later of a post's creation and last edit. */
static const char *
post_updated(const struct post *p)
{
    return p->edited_at != NULL && strcmp(p->edited_at, p->created_at) > 0 ? p->edited_at
                                                                           : p->created_at;
}

/* GET /e/:slug/feed.atom */
int
web_feed_atom(struct request *req, struct response *res)
{
    const struct app *app = req->app;
    struct store *st = app_store(req->app);
    struct post_query q = {.limit = 200, .visible_only = true};
    const char *base, *updated = NULL;
    struct post *posts;
    struct html h = {0};
    struct event e;
    size_t n, i;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK)
        return web_error(req, res, rc);
    q.event_id = e.id;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    h.req = req;
    base = arena_printf(&req->arena, "%s/e/%s", app->public_url, e.slug);
    for (i = 0; i < n; i++)
        if (updated == NULL || strcmp(post_updated(&posts[i]), updated) > 0)
            updated = post_updated(&posts[i]);
    if (updated == NULL)
        updated = now_rfc3339(&req->arena);
    if (base == NULL || updated == NULL)
        return -1;

    html_raw(&h, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    html_attr(&h, "xml:lang", e.lang);
    html_raw(&h, ">\n");
    xml_element(&h, "id", base);
    xml_element(&h, "title", e.title);
    xml_element(&h, "updated", updated);
    html_raw(&h, "<link rel=\"alternate\" type=\"text/html\"");
    html_attr(&h, "href", base);
    html_raw(&h, "/>\n<link rel=\"self\" type=\"application/atom+xml\"");
    html_attr(&h, "href", arena_printf(&req->arena, "%s/feed.atom", base));
    html_raw(&h, "/>\n<author>");
    xml_element(&h, "name",
                e.signature != NULL && e.signature[0] != '\0' ? e.signature : "gazouillis");
    html_raw(&h, "</author>\n<generator>gazouillis</generator>\n");
    for (i = 0; i < n; i++) {
        const struct post *p = &posts[i];
        const char *url = arena_printf(&req->arena, "%s#p%lld", base, (long long)p->id);

        html_raw(&h, "<entry>\n");
        xml_element(&h, "id", url);
        xml_element(&h, "title", p->text); /* posts often name their speaker already */
        xml_element(&h, "published", p->created_at);
        xml_element(&h, "updated", post_updated(p));
        html_raw(&h, "<link rel=\"alternate\" type=\"text/html\"");
        html_attr(&h, "href", url);
        html_raw(&h, "/>\n");
        if (p->author != NULL) {
            html_raw(&h, "<author>");
            xml_element(&h, "name", p->author);
            html_raw(&h, "</author>\n");
        }
        html_raw(&h, "<content type=\"html\">");
        xml_text(&h, p->html);
        html_raw(&h, "</content>\n</entry>\n");
    }
    html_raw(&h, "</feed>\n");
    if (h.nomem || web_security_headers(res, NULL) != 0) {
        text_buf_release(&h.buf);
        return -1;
    }
    return response_body_take(res, 200, "application/atom+xml; charset=utf-8", h.buf.data,
                              h.buf.len);
}
