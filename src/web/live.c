/*
 * web/live.c - the live pages beside the event page: the projector wall
 * (/e/{slug}/wall: full screen, large type, a light and a dark theme, the
 * hashtag, a QR code that opens the event page, the latest posts with
 * their speakers and a clock; no scrollbar, no interaction), and the
 * moderation queue of the audience's posts (/e/{slug}/moderate, its
 * stream for editors signed in, and one form per button). The pages carry
 * the attributes /static/live.js follows (web/live_js.c); read without
 * JavaScript they are whole, and a reload shows everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/posts.h"
#include "api/publisher.h"
#include "core/rc.h"
#include "live/live.h"
#include "web/qr.h"
#include "web/web_int.h"

#define WALL_POSTS    6
#define PENDING_POSTS 200

void
html_live_attrs(struct html *h, const struct event *e, const char *mode, const char *stream,
                int64_t since)
{
    struct arena *ar = &h->req->arena;

    html_attr(h, "data-stream", stream);
    html_attr(h, "data-mode", mode);
    html_attr(h, "data-since", arena_printf(ar, "%lld", (long long)since));
    html_attr(h, "data-lang", msg(h->lang, MSG_LANG_CODE));
    html_attr(h, "data-offset", arena_printf(ar, "%d", event_offset(e)));
    html_attr(h, "data-audience", msg(h->lang, MSG_AUDIENCE));
    html_attr(h, "data-new-one", msg(h->lang, MSG_NEW_POSTS_ONE));
    html_attr(h, "data-new-many", msg(h->lang, MSG_NEW_POSTS_MANY));
}

/* GET /static/live.js */
int
web_live_script(struct request *req, struct response *res)
{
    return web_static_file(req, res, "text/javascript; charset=utf-8", web_live_js,
                           web_live_js_len);
}

/* ---- the wall ---- */

/* The time now at the event's offset, as the posts show theirs. */
static void
clock_now(enum web_lang lang, const struct event *e, char *buf, size_t size)
{
    time_t now = time(NULL) + (time_t)event_offset(e) * 60;
    struct tm tm;

    gmtime_r(&now, &tm);
    if (lang == LANG_EN)
        snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
    else
        snprintf(buf, size, "%d h %02d", tm.tm_hour, tm.tm_min);
}

/* GET /e/:slug/wall[?theme=light] */
int
web_wall(struct request *req, struct response *res)
{
    const struct app *app = req->app;
    struct store *st = app_store(req->app);
    const char *theme = request_query(req, "theme");
    struct post_query q = {.limit = WALL_POSTS, .visible_only = true};
    struct viewer v;
    struct event e;
    struct post *posts;
    struct html h = {.req = req, .viewer = &v};
    char when[32], *svg;
    const char *page_url;
    size_t n, i, svg_len;
    int64_t since;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK)
        return web_error(req, res, rc);
    web_viewer_load(req, st, &v);
    since = live_last_seq(); /* before the posts: a later one comes by the stream */
    q.event_id = e.id;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    h.lang = web_lang_of(e.lang);
    page_url = arena_printf(&req->arena, "%s/e/%s", app->public_url, e.slug);
    clock_now(h.lang, &e, when, sizeof(when));

    html_raw(&h, "<!doctype html>\n<html");
    html_attr(&h, "lang", msg(h.lang, MSG_LANG_CODE));
    html_raw(&h, ">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>#");
    html_text(&h, e.hashtag);
    html_raw(&h, " · ");
    html_text(&h, e.title);
    html_raw(&h, "</title>\n<link rel=\"stylesheet\" href=\"/static/gazouillis.css\">\n</head>\n"
                 "<body");
    html_attr(&h, "class",
              theme != NULL && strcmp(theme, "light") == 0 ? "wall light" : "wall dark");
    html_raw(&h,
             ">\n<header class=\"wall-head\">\n<div class=\"wall-title\"><p class=\"wall-tag\">#");
    html_text(&h, e.hashtag);
    html_raw(&h, "</p><h1>");
    html_text(&h, e.title);
    html_raw(&h, "</h1></div>\n<time class=\"wall-clock\">");
    html_text(&h, when);
    html_raw(&h, "</time>\n</header>\n<main class=\"wall-main\">\n<section class=\"wall-feed\"");
    html_live_attrs(&h, &e, "wall", arena_printf(&req->arena, "/api/v1/events/%s/stream", e.slug),
                    since);
    html_attr(&h, "data-max", arena_printf(&req->arena, "%d", WALL_POSTS));
    html_raw(&h, ">\n<div class=\"posts\">\n");
    for (i = 0; i < n; i++)
        html_post(&h, &e, &posts[i], false);
    html_raw(&h, "</div>\n</section>\n<aside class=\"wall-join\">\n");
    if ((svg = qr_svg(page_url, &svg_len)) != NULL) {
        html_raw(&h, "<div class=\"qr\">");
        html_rawn(&h, svg, svg_len); /* our own markup: rects of a path, nothing from the user */
        html_raw(&h, "</div>\n");
        free(svg);
    }
    html_raw(&h, "<p>");
    html_msg(&h, MSG_WALL_JOIN);
    html_raw(&h, "</p>\n<p class=\"wall-url\">");
    html_text(&h, strstr(page_url, "://") != NULL ? strstr(page_url, "://") + 3 : page_url);
    html_raw(&h, "</p>\n</aside>\n</main>\n<script src=\"/static/live.js\" defer></script>\n"
                 "</body>\n</html>\n");
    return page_send(res, &h, 200);
}

/* ---- the moderation queue ---- */

/* The approve and hide buttons of post id ("ID" in a template's data-action). */
static void
moderate_buttons(struct html *h, const char *id)
{
    static const char *const verbs[] = {"approve", "hide"};
    static const enum msg labels[] = {MSG_APPROVE, MSG_HIDE};
    size_t i;

    html_raw(h, "<div class=\"moderate-actions\">");
    for (i = 0; i < 2; i++) {
        const char *action = arena_printf(&h->req->arena, "/posts/%s/%s", id, verbs[i]);
        html_raw(h, "<form method=\"post\"");
        html_attr(h, "action", action);
        html_attr(h, "data-action", arena_printf(&h->req->arena, "/posts/ID/%s", verbs[i]));
        html_raw(h, ">");
        html_csrf(h, h->viewer);
        html_raw(h, "<button type=\"submit\"");
        html_attr(h, "class", verbs[i]);
        html_raw(h, ">");
        html_msg(h, labels[i]);
        html_raw(h, "</button></form>");
    }
    html_raw(h, "</div>\n");
}

static void
post_buttons(struct html *h, const struct post *p)
{
    moderate_buttons(h, arena_printf(&h->req->arena, "%lld", (long long)p->id));
}

/* The event of :slug if the viewer moderates it; an rc, or -403 when not allowed. */
static int
moderated_event(struct request *req, struct store *st, struct viewer *v, struct event *e)
{
    int rc;

    web_viewer_load(req, st, v);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), e)) != RC_OK)
        return rc;
    return web_may_edit(st, v, e) ? RC_OK : -403;
}

/* GET /e/:slug/moderate */
int
web_moderate(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.limit = PENDING_POSTS, .oldest_first = true, .state = "pending"};
    struct viewer v;
    struct event e;
    struct post *posts;
    struct html h = {.viewer = &v};
    size_t n, i;
    int64_t since;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = moderated_event(req, st, &v, &e)) == -403 || (rc == RC_OK && v.csrf == NULL))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    if (rc != RC_OK)
        return web_error(req, res, rc);
    since = live_last_seq();
    q.event_id = e.id;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    page_begin(&h, req, web_lang_of(e.lang), msg(web_lang_of(e.lang), MSG_MODERATE_TITLE),
               "moderate");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_MODERATE_TITLE);
    html_raw(&h, "</h1>\n<p class=\"meta\">");
    html_link(&h, arena_printf(&req->arena, "/e/%s", e.slug), e.title, NULL);
    html_raw(&h, "</p>\n<p class=\"hint\">");
    html_msg(&h, e.moderation ? MSG_MODERATE_HINT : MSG_MODERATE_OFF);
    html_raw(&h, "</p>\n<section class=\"moderation\"");
    html_live_attrs(&h, &e, "moderate", arena_printf(&req->arena, "/e/%s/moderate/stream", e.slug),
                    since);
    html_raw(&h, ">\n<div class=\"posts\">\n");
    if (n == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_msg(&h, MSG_MODERATE_EMPTY);
        html_raw(&h, "</p>\n");
    }
    h.post_extra = post_buttons;
    for (i = 0; i < n; i++)
        html_post(&h, &e, &posts[i], true);
    h.post_extra = NULL;
    html_raw(&h, "</div>\n</section>\n");
    moderate_comments(&h, st, &e, &v);
    html_raw(&h, "<template id=\"moderate-actions\">");
    moderate_buttons(&h, "ID");
    html_raw(&h, "</template>\n<script src=\"/static/live.js\" defer></script>\n");
    page_end(&h);
    response_header(res, "Cache-Control", "private, no-store");
    return page_send(res, &h, 200);
}

/* GET /e/:slug/moderate/stream: the queue's changes, for its editors signed in. */
int
web_moderate_stream(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct viewer v;
    struct event e;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if ((rc = moderated_event(req, st, &v, &e)) == -403)
        return response_error(res, 403, "only the event's editors moderate it");
    if (rc != RC_OK)
        return response_error_rc(res, rc);
    return api_stream_open(req, res, change_event_topic(&req->arena, 'm', e.id), e.id);
}

/* POST /posts/:id/approve and /posts/:id/hide  csrf */
static int
moderate_post(struct request *req, struct response *res, const char *state)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct viewer v;
    struct event e;
    struct post p;
    struct kv *form;
    int64_t id;
    size_t n;
    int rc;
    bool done;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if (!document_parse_id(request_param(req, "id"), &id))
        return web_error(req, res, RC_NOTFOUND);
    if ((rc = store_post_get(st, &req->arena, id, &p)) == RC_OK)
        rc = store_event_get_id(st, &req->arena, p.event_id, &e);
    if (rc != RC_OK)
        return web_error(req, res, rc);
    done = post_moderate(st, &req->arena, &e, &v.acc, &p, state, &scratch);
    rc = scratch.status;
    response_reset(&scratch);
    if (!done)
        return rc == 403 ? web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR)
                         : web_error(req, res, RC_IO);
    return web_redirect(res, arena_printf(&req->arena, "/e/%s/moderate", e.slug));
}

int
web_post_approve(struct request *req, struct response *res)
{
    return moderate_post(req, res, "visible");
}

int
web_post_hide(struct request *req, struct response *res)
{
    return moderate_post(req, res, "hidden");
}
