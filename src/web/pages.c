/*
 * web/pages.c - the pages a reader browses: home (live, upcoming and
 * published events), the event page (its posts newest first, big enough to
 * read on a projector), the hashtag, profile and search pages, and the
 * pieces they share (how a post looks, an event's date line). Posts of
 * draft events never appear here: lists that span events check each post's
 * event against the public ones. The recap is web/recap.c's; exports are
 * web/export.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "core/rc.h"
#include "api/cache.h"
#include "api/posts.h"
#include "live/live.h"
#include "web/web_int.h"

#define PAGE_POSTS   200 /* posts on one page of the event, tag or profile page */
#define SEARCH_POSTS 50

/* ---- shared pieces ---- */

int
event_index_load(struct store *st, struct arena *ar, struct event_index *ix)
{
    struct event *all;
    size_t n, i, k = 0;
    int rc;

    if ((rc = store_event_list(st, ar, &all, &n)) != RC_OK)
        return rc;
    for (i = 0; i < n; i++)
        if (strcmp(all[i].state, "draft") != 0)
            all[k++] = all[i];
    ix->v = all;
    ix->n = k;
    return RC_OK;
}

const struct event *
event_index_find(const struct event_index *ix, int64_t id)
{
    size_t i;

    for (i = 0; i < ix->n; i++)
        if (ix->v[i].id == id)
            return &ix->v[i];
    return NULL;
}

int
event_offset(const struct event *e)
{
    struct web_time t;

    return e != NULL && web_time_parse(e->starts_at, &t) ? t.offset_min : 0;
}

void
post_time(enum web_lang lang, const struct event *e, const struct post *p, char *buf, size_t size)
{
    struct web_time t;

    buf[0] = '\0';
    if (!web_time_parse(p->created_at, &t))
        return;
    web_time_shift(&t, event_offset(e));
    web_time_short(lang, &t, buf, size);
}

const char *
post_speaker(enum web_lang lang, const struct post *p)
{
    if (p->speaker_name != NULL)
        return p->speaker_name;
    if (p->speaker_audience)
        return p->speaker_label != NULL && p->speaker_label[0] != '\0' ? p->speaker_label
                                                                       : msg(lang, MSG_AUDIENCE);
    return NULL;
}

/*
 * Edit and delete for a post its viewer may change (post_may_change), on
 * the event page only: a link, and a form with the CSRF token, as no
 * page runs inline script. Anonymous pages are cached; these never are.
 */
static void
post_controls(struct html *h, const struct post *p)
{
    const struct viewer *v = h->viewer;

    if (v == NULL || !v->signed_in || v->csrf == NULL || !post_may_change(&v->acc, p))
        return;
    html_raw(h, "<div class=\"post-actions\"><a class=\"post-edit\"");
    html_attr(h, "href", arena_printf(&h->req->arena, "/posts/%lld/edit", (long long)p->id));
    html_raw(h, ">");
    html_msg(h, MSG_POST_EDIT);
    html_raw(h, "</a> <form class=\"post-delete\" method=\"post\"");
    html_attr(h, "action", arena_printf(&h->req->arena, "/posts/%lld/delete", (long long)p->id));
    html_raw(h, ">");
    html_csrf(h, v);
    html_raw(h, "<button type=\"submit\" class=\"link\">");
    html_msg(h, MSG_POST_DELETE);
    html_raw(h, "</button></form></div>\n");
}

void
html_post(struct html *h, const struct event *e, const struct post *p, bool with_event)
{
    const char *speaker = post_speaker(h->lang, p);
    char when[32], id[24];

    post_time(h->lang, e, p, when, sizeof(when));
    snprintf(id, sizeof(id), "p%lld", (long long)p->id);
    html_raw(h, "<article class=\"post\"");
    html_attr(h, "id", id);
    html_raw(h, ">\n<header>");
    if (speaker != NULL) {
        html_raw(h, p->speaker_audience ? "<span class=\"speaker audience\">"
                                        : "<span class=\"speaker\">");
        html_text(h, speaker);
        html_raw(h, "</span> ");
    }
    html_raw(h, "<a class=\"when\"");
    html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s#%s", e->slug, id));
    html_raw(h, "><time");
    html_attr(h, "datetime", p->created_at);
    html_raw(h, ">");
    html_text(h, when);
    html_raw(h, "</time></a>");
    if (p->author != NULL) {
        html_raw(h, " <a class=\"author\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/@%s", p->author));
        html_raw(h, ">@");
        html_text(h, p->author);
        html_raw(h, "</a>");
    }
    html_raw(h, "</header>\n<div class=\"text\">");
    /* The autolinked HTML the text engine made at write time: escaped there. */
    html_raw(h, p->html != NULL ? p->html : "");
    html_raw(h, "</div>\n");
    html_post_media(h, e, p);
    if (h->post_extra != NULL)
        h->post_extra(h, p);
    if (!with_event)
        post_controls(h, p);
    if (with_event) {
        html_raw(h, "<footer>");
        html_msg(h, MSG_IN_EVENT);
        html_raw(h, " ");
        html_link(h, arena_printf(&h->req->arena, "/e/%s", e->slug), e->title, NULL);
        html_raw(h, "</footer>\n");
    }
    html_raw(h, "</article>\n");
}

void
html_event_when(struct html *h, const struct event *e)
{
    char when[200];

    if (!web_when_text(h->lang, e->starts_at, e->ends_at, when, sizeof(when)))
        return;
    html_raw(h, "<time");
    html_attr(h, "datetime", e->starts_at);
    html_raw(h, ">");
    html_text(h, when);
    html_raw(h, "</time>");
}

/* The venue, linked when it has an address on the web. */
static void
html_venue(struct html *h, const struct event *e)
{
    if (e->venue_name == NULL && e->venue_address == NULL)
        return;
    html_raw(h, "<span class=\"venue\">");
    if (e->venue_name != NULL)
        html_link(h, e->venue_url, e->venue_name, NULL);
    if (e->venue_name != NULL && e->venue_address != NULL)
        html_raw(h, ", ");
    html_text(h, e->venue_address);
    html_raw(h, "</span>");
}

/* The state of an event as a badge. */
static void
html_state(struct html *h, const struct event *e)
{
    enum msg m = strcmp(e->state, "live") == 0        ? MSG_STATE_LIVE
                 : strcmp(e->state, "published") == 0 ? MSG_STATE_PUBLISHED
                                                      : MSG_STATE_ENDED;

    html_raw(h, "<span class=\"badge ");
    html_text(h, e->state);
    html_raw(h, "\">");
    html_msg(h, m);
    html_raw(h, "</span>");
}

/* ---- home ---- */

/* One event of the home page list, with its comment count; editable: link to its composer. */
static void
home_item(struct html *h, const struct event *e, int64_t comments, bool editable)
{
    html_raw(h, "<li class=\"event-card\">");
    html_state(h, e);
    html_raw(h, "<h3>");
    html_link(h, arena_printf(&h->req->arena, "/e/%s", e->slug), e->title, NULL);
    html_raw(h, "</h3>\n<p class=\"meta\">");
    html_event_when(h, e);
    if (e->venue_name != NULL) {
        html_raw(h, " · ");
        html_text(h, e->venue_name);
    }
    if (e->hashtag != NULL && e->hashtag[0] != '\0') {
        html_raw(h, " · <a");
        html_attr(h, "href", arena_printf(&h->req->arena, "/tags/%s", e->hashtag));
        html_raw(h, ">#");
        html_text(h, e->hashtag);
        html_raw(h, "</a>");
    }
    html_raw(h, "</p>");
    if (strcmp(e->state, "published") == 0) {
        html_raw(h, "<p><a class=\"more\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/recap", e->slug));
        html_raw(h, ">");
        html_msg(h, MSG_READ_RECAP);
        html_raw(h, " →</a></p>");
    }
    if (comments > 0) {
        html_raw(h, "<p><a class=\"comment-count\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/recap#comments", e->slug));
        html_raw(h, ">");
        if (comments == 1)
            html_msg(h, MSG_COMMENTS_ONE);
        else
            html_textf(h, msg(h->lang, MSG_COMMENTS_MANY), (long long)comments);
        html_raw(h, "</a></p>");
    }
    if (editable) {
        html_raw(h, "<p><a class=\"write\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s#composer", e->slug));
        html_raw(h, ">");
        html_msg(h, MSG_WRITE);
        html_raw(h, "</a></p>");
    }
    html_raw(h, "</li>\n");
}

enum home_group { GROUP_LIVE, GROUP_UPCOMING, GROUP_RECAPS, GROUP_PAST, N_GROUPS };

static enum home_group
home_group_of(const struct event *e, time_t now)
{
    struct web_time t;

    if (strcmp(e->state, "live") == 0)
        return GROUP_LIVE;
    if (strcmp(e->state, "published") == 0)
        return GROUP_RECAPS;
    if (web_time_parse(e->starts_at, &t) && t.utc > now)
        return GROUP_UPCOMING;
    return GROUP_PAST;
}

/* GET / */
int
web_home(struct request *req, struct response *res)
{
    static const enum msg titles[N_GROUPS] = {MSG_HOME_LIVE, MSG_HOME_UPCOMING, MSG_HOME_RECAPS,
                                              MSG_HOME_PAST};
    struct store *st = app_store(req->app);
    struct event_index ix;
    struct viewer v;
    struct html h = {.viewer = &v};
    enum web_lang lang = web_request_lang(req);
    time_t now = time(NULL);
    size_t i, shown = 0;
    int g, rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = event_index_load(st, &req->arena, &ix)) != RC_OK)
        return web_error(req, res, rc);
    web_viewer_load(req, st, &v);
    page_begin(&h, req, lang, "gazouillis", "home");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_HOME_TITLE);
    html_raw(&h, "</h1>\n<p class=\"lede\">");
    html_msg(&h, MSG_SITE_TAGLINE);
    html_raw(&h, "</p>\n");
    if (web_may_create(&v) && v.csrf != NULL) {
        html_raw(&h, "<p class=\"actions\"><a class=\"button\" href=\"/events/new\">");
        html_msg(&h, MSG_NEW_EVENT);
        html_raw(&h, "</a></p>\n");
    }
    for (g = 0; g < N_GROUPS; g++) {
        bool open = false;
        for (i = 0; i < ix.n; i++) {
            if (home_group_of(&ix.v[i], now) != (enum home_group)g)
                continue;
            if (!open) {
                html_raw(&h, "<section class=\"group\">\n<h2>");
                html_msg(&h, titles[g]);
                html_raw(&h, "</h2>\n<ul class=\"events\">\n");
                open = true;
            }
            int64_t comments = 0;
            if (store_comment_count(st, ix.v[i].id, &comments) != RC_OK)
                comments = 0; /* the count is a hint; the list goes on */
            home_item(&h, &ix.v[i], comments, v.csrf != NULL && web_may_edit(st, &v, &ix.v[i]));
            shown++;
        }
        if (open)
            html_raw(&h, "</ul>\n</section>\n");
    }
    if (shown == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_msg(&h, MSG_HOME_EMPTY);
        html_raw(&h, "</p>\n");
    }
    page_end(&h);
    return page_send_vary(res, &h, 200);
}

/* ---- the event page ---- */

/* s percent-encoded for a query string, in ar (unreserved characters kept). */
static const char *
url_encoded(struct arena *ar, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(ar, 3 * strlen(s) + 1), *o = out;

    if (out == NULL)
        return "";
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* The filter by speaker of the event page: a GET form, whole without script. */
static void
speaker_filter(struct html *h, const struct event *e, const char *who)
{
    size_t i;

    if (e->n_people == 0)
        return;
    html_raw(h, "<form class=\"speaker-filter\" method=\"get\"");
    html_attr(h, "action", arena_printf(&h->req->arena, "/e/%s", e->slug));
    html_raw(h, "><label for=\"speaker-filter\">");
    html_msg(h, MSG_FILTER_SPEAKER);
    html_raw(h, "</label> <select id=\"speaker-filter\" name=\"speaker\"><option value=\"\">");
    html_msg(h, MSG_FILTER_ALL);
    html_raw(h, "</option>");
    for (i = 0; i < e->n_people; i++) {
        html_raw(h, "<option");
        html_attr(h, "value", e->people[i].name);
        if (who != NULL && strcmp(who, e->people[i].name) == 0)
            html_raw(h, " selected");
        html_raw(h, ">");
        html_text(h, e->people[i].name);
        html_raw(h, "</option>");
    }
    html_raw(h, "<option value=\"audience\"");
    if (who != NULL && strcmp(who, "audience") == 0)
        html_raw(h, " selected");
    html_raw(h, ">");
    html_msg(h, MSG_AUDIENCE);
    html_raw(h, "</option></select> <button type=\"submit\">");
    html_msg(h, MSG_FILTER_APPLY);
    html_raw(h, "</button></form>\n");
}

/* The event's header: title, date, venue, series, hashtag, links (may_edit: to the edit form). */
static void
event_header(struct html *h, const struct event *e, bool may_edit)
{
    html_raw(h, "<header class=\"event-head\">\n");
    html_state(h, e);
    html_raw(h, "<h1>");
    html_text(h, e->title);
    html_raw(h, "</h1>\n<p class=\"meta\">");
    html_event_when(h, e);
    if (e->venue_name != NULL || e->venue_address != NULL) {
        html_raw(h, " · ");
        html_venue(h, e);
    }
    if (e->hashtag != NULL && e->hashtag[0] != '\0') {
        html_raw(h, " · <a class=\"hashtag\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/tags/%s", e->hashtag));
        html_raw(h, ">#");
        html_text(h, e->hashtag);
        html_raw(h, "</a>");
    }
    html_raw(h, "</p>\n");
    if (e->series != NULL) {
        html_raw(h, "<p class=\"series\">");
        html_textf(h, msg(h->lang, MSG_SERIES), e->series);
        html_raw(h, "</p>\n");
    }
    html_raw(h, "<p class=\"actions\"><a class=\"more\"");
    html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/recap", e->slug));
    html_raw(h, ">");
    html_msg(h, MSG_READ_RECAP);
    html_raw(h, " →</a>");
    if (strcmp(e->state, "draft") != 0) {
        html_raw(h, " <a class=\"wall-link\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/wall", e->slug));
        html_raw(h, ">");
        html_msg(h, MSG_WALL_LINK);
        html_raw(h, "</a>");
    }
    if (may_edit) {
        html_raw(h, " <a class=\"edit\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/edit", e->slug));
        html_raw(h, ">");
        html_msg(h, MSG_EDIT_EVENT);
        html_raw(h, "</a>");
    }
    if (may_edit && e->audience_posts) {
        html_raw(h, " <a class=\"moderate-link\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/e/%s/moderate", e->slug));
        html_raw(h, ">");
        html_msg(h, MSG_MODERATE_LINK);
        html_raw(h, "</a>");
    }
    html_raw(h, "</p>\n</header>\n");
}

int
web_event_page(struct request *req, struct response *res, struct store *st, const struct event *e,
               const struct viewer *v, const struct composer_draft *d, int status)
{
    const char *max_s = request_query(req, "max_id"), *who = request_query(req, "speaker");
    struct post_query q = {.limit = PAGE_POSTS, .visible_only = true, .event_id = e->id};
    struct post *posts;
    struct html h = {.viewer = v};
    /* the first page of a public event follows the stream (live.js) from
     * the last change published before its posts are read */
    bool live = max_s == NULL && strcmp(e->state, "draft") != 0;
    int64_t since = live_last_seq();
    const char *sent = request_query(req, "sent");
    size_t n, i;
    bool may_edit, audience;
    int rc;

    if (max_s != NULL)
        q.max_id = strtoll(max_s, NULL, 10);
    /* ?speaker=NAME (one of the event's people) or ?speaker=audience: only theirs, not live */
    if (who != NULL && strcmp(who, "audience") == 0)
        q.audience_only = true;
    for (i = 0; who != NULL && !q.audience_only && i < e->n_people; i++)
        if (strcmp(who, e->people[i].name) == 0)
            q.speaker = e->people[i].name;
    if (q.speaker == NULL && !q.audience_only)
        who = NULL; /* an unknown name filters nothing */
    live = live && who == NULL;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);

    page_begin(&h, req, web_lang_of(e->lang), e->title, "event");
    may_edit = web_may_edit(st, v, e) && v->csrf != NULL;
    audience = !may_edit && v->signed_in && v->csrf != NULL && e->audience_posts &&
               strcmp(e->state, "live") == 0;
    event_header(&h, e, may_edit);
    html_raw(&h, "<section class=\"timeline\"");
    if (live)
        html_live_attrs(&h, e, "page",
                        arena_printf(&req->arena, "/api/v1/events/%s/stream", e->slug), since);
    html_raw(&h, ">\n");
    if (sent != NULL && strcmp(sent, "pending") == 0) {
        html_raw(&h, "<p class=\"notice\" role=\"status\">");
        html_msg(&h, MSG_POST_PENDING);
        html_raw(&h, "</p>\n");
    }
    if (may_edit || audience)
        composer_write(&h, e, v, d, audience);
    speaker_filter(&h, e, who);
    html_raw(&h, "<h2 class=\"visually-hidden\">");
    html_msg(&h, MSG_EVENT_POSTS);
    html_raw(&h, "</h2>\n<div class=\"posts\">\n");
    if (n == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_msg(&h, MSG_EVENT_NO_POSTS);
        html_raw(&h, "</p>\n");
    }
    for (i = 0; i < n; i++)
        html_post(&h, e, &posts[i], false);
    html_raw(&h, "</div>\n");
    if (n == PAGE_POSTS) {
        html_raw(&h, "<p class=\"pager\"><a");
        html_attr(&h, "href",
                  arena_printf(&req->arena, "/e/%s?max_id=%lld%s", e->slug,
                               (long long)posts[n - 1].id,
                               who != NULL ? arena_printf(&req->arena, "&speaker=%s",
                                                          url_encoded(&req->arena, who))
                                           : ""));
        html_raw(&h, ">");
        html_msg(&h, MSG_OLDER_POSTS);
        html_raw(&h, " →</a></p>\n");
    }
    html_raw(&h, "</section>\n");
    if (live)
        html_raw(&h, "<script src=\"/static/live.js\" defer></script>\n");
    page_end(&h);
    return page_send(res, &h, status);
}

/* GET /e/:slug (and /e/:slug.json, which the router cannot tell apart) */
int
web_event(struct request *req, struct response *res)
{
    const char *slug = request_param(req, "slug");
    size_t slug_len = strlen(slug);
    struct store *st = app_store(req->app);
    struct viewer v;
    struct event e;
    int rc;

    if (slug_len > 5 && strcmp(slug + slug_len - 5, ".json") == 0)
        return web_event_json(req, res, arena_strndup(&req->arena, slug, slug_len - 5));
    /* the public page of a live event: rendered once per change (api/cache.h) */
    bool anonymous =
        request_cookie(req, "gz_session") == NULL && request_header(req, "Authorization") == NULL;
    uint64_t gen = cache_event_generation(slug);
    const char *max_id = request_query(req, "max_id"), *who = request_query(req, "speaker");
    const char *key = cache_key(&req->arena, "page:", (const char *const[]){slug, max_id, who}, 3);

    if (anonymous && key != NULL && cache_answer(key, slug, req, res))
        return 0;
    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = web_event_get(req, st, slug, &e)) != RC_OK)
        return web_error(req, res, rc);
    web_viewer_load(req, st, &v);
    rc = web_event_page(req, res, st, &e, &v, NULL, 200);
    if (rc == 0 && anonymous && key != NULL)
        cache_keep(key, slug, gen, res, req, res);
    return rc;
}

/* ---- lists across events: hashtag, profile, search ---- */

/* The posts whose event is public, each with its event; returns how many. */
static size_t
html_post_list(struct html *h, const struct event_index *ix, const struct post *posts, size_t n)
{
    const struct event *e;
    size_t i, shown = 0;

    html_raw(h, "<div class=\"timeline\">\n");
    for (i = 0; i < n; i++) {
        if ((e = event_index_find(ix, posts[i].event_id)) == NULL)
            continue;
        html_post(h, e, &posts[i], true);
        shown++;
    }
    html_raw(h, "</div>\n");
    return shown;
}

/* GET /tags/:tag */
int
web_tag(struct request *req, struct response *res)
{
    const char *raw = request_param(req, "tag");
    struct store *st = app_store(req->app);
    struct post_query q = {.limit = PAGE_POSTS, .visible_only = true};
    struct text_buf folded = {0};
    struct event_index ix;
    struct html h = {0};
    struct post *posts;
    enum web_lang lang = web_request_lang(req);
    const char *tag;
    size_t n;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (raw[0] == '#')
        raw++;
    if (raw[0] == '\0' || text_tag_fold(&folded, raw, strlen(raw)) != 0) {
        text_buf_release(&folded);
        return web_not_found(req, res);
    }
    tag = arena_strndup(&req->arena, folded.data, folded.len);
    text_buf_release(&folded);
    if (tag == NULL)
        return -1;
    q.tag = tag;
    if ((rc = event_index_load(st, &req->arena, &ix)) != RC_OK ||
        (rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    page_begin(&h, req, lang, arena_printf(&req->arena, "#%s", tag), "list");
    html_raw(&h, "<h1>");
    html_textf(&h, msg(lang, MSG_TAG_TITLE), tag);
    html_raw(&h, "</h1>\n");
    if (html_post_list(&h, &ix, posts, n) == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_msg(&h, MSG_TAG_EMPTY);
        html_raw(&h, "</p>\n");
    }
    page_end(&h);
    return page_send_vary(res, &h, 200);
}

/* GET /@:name and /users/:name */
int
web_profile(struct request *req, struct response *res)
{
    const char *name = request_param(req, "name");
    struct store *st = app_store(req->app);
    struct event_index ix;
    struct account acc;
    struct html h = {0};
    struct post *posts;
    enum web_lang lang = web_request_lang(req);
    size_t n;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = store_account_by_name(st, &req->arena, name, &acc)) != RC_OK)
        return web_error(req, res, rc);
    if (acc.disabled)
        return web_not_found(req, res);
    if ((rc = event_index_load(st, &req->arena, &ix)) != RC_OK ||
        (rc = store_post_list_by_account(st, &req->arena, acc.id, 0, PAGE_POSTS, &posts, &n)) !=
            RC_OK)
        return web_error(req, res, rc);
    page_begin(&h, req, lang, arena_printf(&req->arena, "@%s", acc.username), "list profile");
    html_raw(&h, "<header class=\"profile-head\"><h1>");
    html_text(&h, acc.display_name != NULL && acc.display_name[0] != '\0' ? acc.display_name
                                                                          : acc.username);
    html_raw(&h, "</h1>\n<p class=\"handle\">@");
    html_text(&h, acc.username);
    html_raw(&h, "</p>");
    if (acc.note != NULL && acc.note[0] != '\0') {
        struct text_buf note = {0};
        if (text_comment_html(&note, acc.note, strlen(acc.note)) == 0 && note.data != NULL) {
            html_raw(&h, "<div class=\"note\">");
            html_rawn(&h, note.data, note.len);
            html_raw(&h, "</div>");
        }
        text_buf_release(&note);
    }
    html_raw(&h, "</header>\n<h2>");
    html_msg(&h, MSG_PROFILE_POSTS);
    html_raw(&h, "</h2>\n");
    if (html_post_list(&h, &ix, posts, n) == 0) {
        html_raw(&h, "<p class=\"empty\">");
        html_msg(&h, MSG_PROFILE_EMPTY);
        html_raw(&h, "</p>\n");
    }
    page_end(&h);
    return page_send_vary(res, &h, 200);
}

/* GET /search?q= */
int
web_search(struct request *req, struct response *res)
{
    const char *query = request_query(req, "q");
    struct store *st = app_store(req->app);
    struct event_index ix;
    struct html h = {0};
    struct post *posts = NULL;
    enum web_lang lang = web_request_lang(req);
    size_t n = 0, at;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (query != NULL && text_utf8_check(query, strlen(query), &at) != TEXT_UTF8_OK)
        query = NULL; /* not text: as if nothing was asked */
    if ((rc = event_index_load(st, &req->arena, &ix)) != RC_OK)
        return web_error(req, res, rc);
    if (query != NULL && query[0] != '\0' &&
        (rc = store_post_search(st, &req->arena, query, SEARCH_POSTS, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    page_begin(&h, req, lang, msg(lang, MSG_SEARCH_TITLE), "list search");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_SEARCH_TITLE);
    html_raw(&h, "</h1>\n<form class=\"search-big\" action=\"/search\" method=\"get\">"
                 "<label for=\"q2\">");
    html_msg(&h, MSG_SEARCH_LABEL);
    html_raw(&h, "</label> <input id=\"q2\" name=\"q\" type=\"search\"");
    html_attr(&h, "value", query != NULL ? query : "");
    html_raw(&h, "> <button type=\"submit\">");
    html_msg(&h, MSG_SEARCH_BUTTON);
    html_raw(&h, "</button><p class=\"hint\">");
    html_msg(&h, MSG_SEARCH_HINT);
    html_raw(&h, "</p></form>\n");
    if (query != NULL && query[0] != '\0') {
        size_t shown, mark = h.buf.len;

        /* Count what is shown (drafts' posts are not), then say it above the list. */
        shown = html_post_list(&h, &ix, posts, n);
        if (!h.nomem) {
            char *items = arena_strndup(&req->arena, h.buf.data + mark, h.buf.len - mark);
            if (items == NULL) {
                text_buf_release(&h.buf);
                return -1;
            }
            h.buf.len = mark;
            h.buf.data[mark] = '\0';
            html_raw(&h, "<p class=\"count\">");
            if (shown == 1)
                html_textf(&h, msg(lang, MSG_SEARCH_ONE), query);
            else if (shown > 1)
                html_textf(&h, msg(lang, MSG_SEARCH_RESULTS), shown, query);
            else
                html_textf(&h, msg(lang, MSG_SEARCH_NONE), query);
            html_raw(&h, "</p>\n");
            html_raw(&h, items);
        }
    }
    page_end(&h);
    return page_send_vary(res, &h, 200);
}

/* What the static files are cached under: a generation nothing ever bumps. */
#define STATIC_FILES "static:"

int
web_static_file(struct request *req, struct response *res, const char *content_type,
                const char *body, size_t len)
{
    const char *key = arena_printf(&req->arena, STATIC_FILES "%s", req->path);
    uint64_t gen = cache_event_generation(STATIC_FILES);

    /* through the response cache for its gzipped form: 30 KB of scripts and
     * style are 10 KB on a first visit over the venue's wifi */
    if (key != NULL && cache_answer(key, STATIC_FILES, req, res))
        return 0;
    if (response_header(res, "Cache-Control", "public, max-age=3600") != 0)
        return -1;
    response_body_drop(res);
    res->status = 200;
    res->content_type = content_type;
    res->body = (char *)body; /* static: never freed (body_owned false) */
    res->body_len = len;
    res->body_owned = false;
    if (key != NULL)
        cache_keep(key, STATIC_FILES, gen, res, req, res);
    return 0;
}

/* GET /static/composer.js */
int
web_script(struct request *req, struct response *res)
{
    return web_static_file(req, res, "text/javascript; charset=utf-8", web_composer_js,
                           web_composer_js_len);
}

/* GET /static/gazouillis.css */
int
web_stylesheet(struct request *req, struct response *res)
{
    return web_static_file(req, res, "text/css; charset=utf-8", web_css, web_css_len);
}
