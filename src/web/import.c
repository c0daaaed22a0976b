/*
 * web/import.c - the import form of an event's edit page: the same
 * importer as "gazouillis import FILE --event SLUG" (api/importer.c), a
 * file sent as multipart/form-data with the session's CSRF token, and a
 * page that says what was imported and what was not, and why.
 */
#include <string.h>

#include "api/api.h"
#include "api/importer.h"
#include "auth/auth.h"
#include "core/rc.h"
#include "web/web_int.h"

void
html_import_form(struct html *h, const char *slug, const struct viewer *v)
{
    html_raw(h, "<section class=\"import\"><h2>");
    html_msg(h, MSG_IMPORT_TITLE);
    html_raw(h, "</h2>\n<p class=\"hint\">");
    html_msg(h, MSG_IMPORT_HINT);
    html_raw(h, "</p>\n<form class=\"fields\" method=\"post\" enctype=\"multipart/form-data\"");
    html_attr(h, "action", arena_printf(&h->req->arena, "/e/%s/import", slug));
    html_raw(h, ">");
    html_csrf(h, v);
    html_raw(h, "<label for=\"import-file\">");
    html_msg(h, MSG_IMPORT_FILE);
    html_raw(h, "</label><input id=\"import-file\" name=\"file\" type=\"file\" required "
                "accept=\".txt,.js,.json,.zip,text/plain,application/json,application/zip\">\n<p "
                "class=\"actions\">"
                "<button type=\"submit\">");
    html_msg(h, MSG_IMPORT_SUBMIT);
    html_raw(h, "</button></p>\n</form></section>\n");
}

/* The page of an import's outcome. */
static int
report_page(struct request *req, struct response *res, const struct event *e,
            const struct viewer *v, const struct import_report *rep, const char *error, int status)
{
    enum web_lang lang = web_lang_of(e->lang);
    struct html h = {.viewer = v};
    size_t i;

    page_begin(&h, req, lang, msg(lang, MSG_IMPORT_TITLE), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_IMPORT_TITLE);
    html_raw(&h, "</h1>\n");
    if (error != NULL) {
        html_raw(&h, "<p class=\"error\" role=\"alert\">");
        html_textf(&h, msg(lang, MSG_IMPORT_REFUSED), error);
        html_raw(&h, "</p>\n");
    } else {
        html_raw(&h, "<p class=\"notice\" role=\"status\">");
        html_textf(&h, msg(lang, MSG_IMPORT_DONE), rep->imported, rep->read);
        html_raw(&h, "</p>\n<ul class=\"import-notes\">");
        for (i = 0; i < rep->n_notes; i++) {
            html_raw(&h, "<li>");
            html_textf(&h, msg(lang, MSG_IMPORT_NOTE), rep->notes[i].where, rep->notes[i].what);
            html_raw(&h, "</li>");
        }
        html_raw(&h, "</ul>\n");
    }
    html_raw(&h, "<p>");
    html_link(&h, arena_printf(&req->arena, "/e/%s", e->slug), e->title, NULL);
    html_raw(&h, "</p>\n");
    page_end(&h);
    return page_send(res, &h, status);
}

/* POST /e/:slug/import  multipart: csrf, file */
int
web_event_import(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *type = request_header(req, "Content-Type"), *error = NULL, *csrf;
    const struct multipart_part *file, *token;
    struct import_options opt = {0};
    struct multipart_part *parts;
    struct import_report rep = {0};
    struct import_item *items;
    enum import_format format;
    struct viewer v;
    struct event e;
    size_t n, n_items;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK)
        return web_error(req, res, rc);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL)
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_SIGN_IN_FIRST);
    if (type == NULL ||
        multipart_parse(&req->arena, type, req->body, req->body_len, &parts, &n, &error) != 0)
        return web_message(req, res, 400, MSG_FORM_REFUSED_TITLE, MSG_BAD_FORM);
    token = multipart_get(parts, n, "csrf");
    csrf = token != NULL ? arena_strndup(&req->arena, (const char *)token->data, token->len) : NULL;
    if (!auth_csrf_equal(v.csrf, csrf))
        return web_message(req, res, 403, MSG_FORM_REFUSED_TITLE, MSG_CSRF_TEXT);
    if (!web_may_edit(st, &v, &e))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    if ((file = multipart_get(parts, n, "file")) == NULL || file->len == 0)
        return report_page(req, res, &e, &v, &rep, "no file was sent", 422);
    if (import_parse(&req->arena, (const char *)file->data, file->len, &format, &items, &n_items,
                     &error) != RC_OK)
        return report_page(req, res, &e, &v, &rep, error != NULL ? error : "out of memory", 422);
    opt.require_tag = format != IMPORT_LIST;
    if ((rc = import_run(st, &req->arena, &e, &v.acc, items, n_items, &opt, &rep, NULL, NULL)) !=
        RC_OK)
        return report_page(req, res, &e, &v, &rep, "the store refused it", http_status_for_rc(rc));
    return report_page(req, res, &e, &v, &rep, NULL, 200);
}
