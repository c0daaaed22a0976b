/*
 * web/layout.c - what every page has around its content: the document
 * head (language, viewport, title, the one stylesheet), the site header
 * with its search box, the footer; the security headers (a strict
 * Content-Security-Policy: no inline style or script anywhere, no framing);
 * the 404 and 500 pages; and, in the header, who is looking: a sign-in
 * link, or the account's name with a sign-out button (web/session.c).
 */
#include <string.h>

#include "api/app.h"
#include "auth/auth.h"
#include "core/rc.h"
#include "web/web_int.h"

#define SITE_NAME "gazouillis"
/* base-uri and object-src do not fall back to default-src: a <base> or a plugin
 * that some escaping mistake let through would load nothing either. No
 * form-action: the consent page's form ends in a redirect to the app. */
#define SITE_CSP                                                                                   \
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "              \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

enum web_lang
web_request_lang(struct request *req)
{
    return web_lang_accept(request_header(req, "Accept-Language"));
}

/* The header's account corner: sign in, or who is signed in and sign out. */
static void
html_account(struct html *h)
{
    const struct viewer *v = h->viewer;

    html_raw(h, "<nav class=\"account\">");
    if (v == NULL || !v->signed_in) {
        html_raw(h, "<a class=\"signin\" href=\"/login\">");
        html_msg(h, MSG_SIGN_IN);
        html_raw(h, "</a>");
    } else {
        html_raw(h, "<span class=\"whoami\">");
        html_textf(h, msg(h->lang, MSG_SIGNED_IN_AS), v->acc.username);
        html_raw(h, "</span>");
        if (v->csrf != NULL) {
            html_raw(h, " <a class=\"profile-edit\" href=\"/settings/profile\">");
            html_msg(h, MSG_PROFILE_EDIT);
            html_raw(h, "</a>");
            html_raw(h, "<form class=\"inline\" method=\"post\" action=\"/logout\">");
            html_csrf(h, v);
            html_raw(h, "<button type=\"submit\" class=\"link\">");
            html_msg(h, MSG_SIGN_OUT);
            html_raw(h, "</button></form>");
        }
    }
    html_raw(h, "</nav>\n");
}

void
page_begin(struct html *h, struct request *req, enum web_lang lang, const char *title,
           const char *main_class)
{
    h->lang = lang;
    h->req = req;
    if (h->viewer == NULL) {
        struct viewer *v = arena_alloc(&req->arena, sizeof(*v));
        struct store *st = app_store(req->app);

        if (v == NULL) {
            h->nomem = true;
            return;
        }
        memset(v, 0, sizeof(*v));
        if (st != NULL)
            web_viewer_load(req, st, v);
        h->viewer = v;
    }
    html_raw(h, "<!doctype html>\n<html");
    html_attr(h, "lang", msg(lang, MSG_LANG_CODE));
    html_raw(h, ">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>");
    html_text(h, title);
    if (strcmp(title, SITE_NAME) != 0)
        html_raw(h, " · " SITE_NAME);
    html_raw(h, "</title>\n<link rel=\"stylesheet\" href=\"/static/gazouillis.css\">\n</head>\n"
                "<body>\n<header class=\"site\">\n<div class=\"bar\">\n"
                "<a class=\"brand\" href=\"/\">" SITE_NAME "</a>\n"
                "<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">"
                "<label class=\"visually-hidden\" for=\"q\">");
    html_msg(h, MSG_SEARCH_LABEL);
    html_raw(h, "</label><input id=\"q\" name=\"q\" type=\"search\"");
    html_attr(h, "placeholder", msg(lang, MSG_NAV_SEARCH));
    html_raw(h, "><button type=\"submit\">");
    html_msg(h, MSG_SEARCH_BUTTON);
    html_raw(h, "</button></form>\n");
    html_account(h);
    html_raw(h, "</div>\n</header>\n<main");
    if (main_class != NULL)
        html_attr(h, "class", main_class);
    html_raw(h, ">\n");
}

void
page_end(struct html *h)
{
    html_raw(h, "</main>\n<footer class=\"site\"><p>");
    html_msg(h, MSG_FOOTER);
    html_raw(h, "</p></footer>\n</body>\n</html>\n");
}

int
web_security_headers(struct response *res, const char *csp)
{
    if (response_header(res, "Content-Security-Policy", csp != NULL ? csp : SITE_CSP) != 0 ||
        response_header(res, "Referrer-Policy", "same-origin") != 0 ||
        response_header(res, "X-Frame-Options", "DENY") != 0)
        return -1; /* X-Content-Type-Options: nosniff is the server's, on every answer */
    return 0;
}

int
page_send(struct response *res, struct html *h, int status)
{
    const char *lang = msg(h->lang, MSG_LANG_CODE);

    if (h->nomem) {
        text_buf_release(&h->buf);
        return -1;
    }
    /* A page that says who is signed in (and holds a CSRF token) is nobody else's. */
    if (web_security_headers(res, NULL) != 0 ||
        response_header(res, "Content-Language", lang) != 0 ||
        (h->viewer != NULL && h->viewer->signed_in &&
         response_header(res, "Cache-Control", "private, no-store") != 0)) {
        text_buf_release(&h->buf);
        return -1;
    }
    /* The buffer moves into the response, which frees it. */
    return response_body_take(res, status, "text/html; charset=utf-8", h->buf.data, h->buf.len);
}

int
web_message(struct request *req, struct response *res, int status, enum msg title, enum msg text)
{
    struct html h = {0};
    enum web_lang lang = web_request_lang(req);

    page_begin(&h, req, lang, msg(lang, title), "message");
    html_raw(&h, "<h1>");
    html_msg(&h, title);
    html_raw(&h, "</h1>\n<p>");
    html_msg(&h, text);
    html_raw(&h, "</p>\n<p><a href=\"/\">");
    html_msg(&h, MSG_NAV_HOME);
    html_raw(&h, "</a></p>\n");
    page_end(&h);
    return page_send_vary(res, &h, status);
}

int
web_not_found(struct request *req, struct response *res)
{
    return web_message(req, res, 404, MSG_NOT_FOUND_TITLE, MSG_NOT_FOUND_TEXT);
}

int
web_error(struct request *req, struct response *res, int rc)
{
    if (rc == RC_NOTFOUND)
        return web_not_found(req, res);
    if (rc == RC_FULL)
        return web_message(req, res, 507, MSG_DISK_FULL_TITLE, MSG_DISK_FULL_TEXT);
    if (rc == RC_AGAIN) {
        if (response_header(res, "Retry-After", HTTP_RETRY_AFTER) != 0)
            return -1;
        return web_message(req, res, 503, MSG_ERROR_TITLE, MSG_UNAVAILABLE_TEXT);
    }
    return web_message(req, res, http_status_for_rc(rc), MSG_ERROR_TITLE, MSG_ERROR_TEXT);
}

int
web_event_get(struct request *req, struct store *st, const char *slug, struct event *e)
{
    struct account acc;
    bool editor = false;
    int rc;

    if ((rc = store_event_get(st, &req->arena, slug, e)) != RC_OK)
        return rc;
    if (strcmp(e->state, "draft") != 0)
        return RC_OK;
    if (!web_viewer(req, st, &acc))
        return RC_NOTFOUND; /* a draft is nobody else's business */
    if (strcmp(acc.role, "admin") == 0 ||
        (store_is_editor(st, e->id, acc.id, &editor) == RC_OK && editor))
        return RC_OK;
    return RC_NOTFOUND;
}

int
page_send_vary(struct response *res, struct html *h, int status)
{
    if (response_header(res, "Vary", "Accept-Language") != 0) {
        text_buf_release(&h->buf);
        return -1;
    }
    return page_send(res, h, status);
}
