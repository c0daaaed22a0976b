/*
 * web/media.c - the pictures posted with statuses from Mastodon apps, on
 * the pages: under a post's text, each with its description as alt text
 * and its credit ("Photo : gracieuseté de Luc Savard") as caption, as the
 * reference document credits its photos. The event's editors and the
 * person who uploaded a picture set its credit here (POST
 * /media/:id/credit, CSRF-checked).
 */
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "core/rc.h"
#include "web/web_int.h"

#define MAX_CREDIT 300

/* May the viewer change the credit of m, a picture of a post of e? */
static bool
may_credit(struct store *st, const struct viewer *v, const struct event *e, const struct media *m)
{
    if (v == NULL || !v->signed_in || v->csrf == NULL)
        return false;
    return v->acc.id == m->account_id || (e != NULL && e->id != 0 && web_may_edit(st, v, e));
}

void
html_post_media(struct html *h, const struct event *e, const struct post *p)
{
    struct store *st = app_store(h->req->app);
    struct arena *ar = &h->req->arena;
    struct media *v;
    size_t n, i;

    if (st == NULL || store_media_of_post(st, ar, p->id, &v, &n) != RC_OK || n == 0)
        return;
    html_raw(h, "<div class=\"post-media\">");
    for (i = 0; i < n; i++) {
        html_raw(h, "<figure><img loading=\"lazy\"");
        html_attr(h, "src", arena_printf(ar, "/media/%s", v[i].file));
        html_attr(h, "alt", v[i].description);
        html_attr(h, "width", arena_printf(ar, "%d", v[i].width));
        html_attr(h, "height", arena_printf(ar, "%d", v[i].height));
        html_raw(h, ">");
        if (v[i].credit[0] != '\0') {
            html_raw(h, "<figcaption>");
            html_text(h, v[i].credit);
            html_raw(h, "</figcaption>");
        }
        if (may_credit(st, h->viewer, e, &v[i])) {
            html_raw(h, "<form class=\"media-credit\" method=\"post\"");
            html_attr(h, "action", arena_printf(ar, "/media/%lld/credit", (long long)v[i].id));
            html_raw(h, ">");
            html_csrf(h, h->viewer);
            html_raw(h, "<label>");
            html_msg(h, MSG_MEDIA_CREDIT);
            html_raw(h, " <input name=\"credit\" maxlength=\"300\"");
            html_attr(h, "value", v[i].credit);
            html_raw(h, "></label> <button type=\"submit\">");
            html_msg(h, MSG_MEDIA_CREDIT_SAVE);
            html_raw(h, "</button></form>");
        }
        html_raw(h, "</figure>");
    }
    html_raw(h, "</div>\n");
}

/* POST /media/:id/credit  csrf, credit */
int
web_media_credit(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct event e = {0};
    const char *credit;
    struct viewer v;
    struct media m;
    struct post p;
    struct kv *form;
    int64_t id;
    size_t n, at;
    int rc = RC_NOTFOUND;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_media_get(st, &req->arena, id, &m);
    if (rc == RC_OK && m.post_id != 0 &&
        (rc = store_post_get(st, &req->arena, m.post_id, &p)) == RC_OK && p.event_id != 0)
        rc = store_event_find_id(st, &req->arena, p.event_id, &e);
    if (rc != RC_OK)
        return web_error(req, res, rc);
    if (!may_credit(st, &v, &e, &m))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    credit = kv_get(form, n, "credit");
    if (credit == NULL || strlen(credit) > MAX_CREDIT * 4 ||
        text_utf8_check(credit, strlen(credit), &at) != TEXT_UTF8_OK ||
        text_utf8_count_cp(credit, strlen(credit)) > MAX_CREDIT)
        return web_message(req, res, 422, MSG_FORM_REFUSED_TITLE, MSG_BAD_FORM);
    if ((rc = store_media_set_credit(st, m.id, credit)) != RC_OK)
        return web_error(req, res, rc);
    cache_event_changed(e.id != 0 ? e.slug : "");
    if (e.id != 0)
        return web_redirect(res,
                            arena_printf(&req->arena, "/e/%s#p%lld", e.slug, (long long)m.post_id));
    return web_redirect(res, arena_printf(&req->arena, "/@%s", v.acc.username));
}
