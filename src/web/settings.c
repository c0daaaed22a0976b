/*
 * web/settings.c - the signed-in person's profile form (/settings/profile):
 * the name shown on their posts and profile, and a short note about them.
 * The same rules and the same save as a Mastodon app's "edit profile"
 * (api/profile.c).
 */
#include <string.h>

#include "api/api.h"
#include "api/profile.h"
#include "core/rc.h"
#include "web/web_int.h"

/* The form, filled with name and note (NULL: empty), refused with error when not NULL. */
static int
profile_form_page(struct request *req, struct response *res, const struct viewer *v,
                  const char *name, const char *note, bool refused, int status)
{
    enum web_lang lang = web_request_lang(req);
    struct html h = {.viewer = v};

    page_begin(&h, req, lang, msg(lang, MSG_PROFILE_TITLE), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_PROFILE_TITLE);
    html_raw(&h, "</h1>\n");
    if (refused) {
        html_raw(&h, "<p class=\"error\" role=\"alert\">");
        html_msg(&h, MSG_PROFILE_REFUSED);
        html_raw(&h, "</p>\n");
    }
    html_raw(&h, "<form class=\"fields\" method=\"post\" action=\"/settings/profile\">");
    html_csrf(&h, v);
    html_raw(&h, "\n<label for=\"pf-name\">");
    html_msg(&h, MSG_PROFILE_NAME);
    html_raw(&h, "</label><input id=\"pf-name\" name=\"display_name\" type=\"text\" "
                 "maxlength=\"30\" autocomplete=\"name\"");
    html_attr(&h, "value", name != NULL ? name : "");
    html_attr(&h, "placeholder", v->acc.username);
    html_raw(&h, ">\n<p class=\"hint\">");
    html_msg(&h, MSG_PROFILE_NAME_HINT);
    html_raw(&h, "</p>\n<label for=\"pf-note\">");
    html_msg(&h, MSG_PROFILE_NOTE);
    html_raw(&h, "</label><textarea id=\"pf-note\" name=\"note\" rows=\"5\" maxlength=\"500\">");
    html_text(&h, note);
    html_raw(&h, "</textarea>\n<p class=\"hint\">");
    html_msg(&h, MSG_PROFILE_NOTE_HINT);
    html_raw(&h, "</p>\n<button type=\"submit\">");
    html_msg(&h, MSG_PROFILE_SAVE);
    html_raw(&h, "</button>\n</form>\n");
    page_end(&h);
    return page_send_vary(res, &h, status);
}

/* GET /settings/profile */
int
web_settings_profile(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct viewer v;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL)
        return web_redirect(res, "/login?next=/settings/profile");
    return profile_form_page(req, res, &v, v.acc.display_name, v.acc.note, false, 200);
}

/* POST /settings/profile: saved, then the profile as others see it. */
int
web_settings_profile_save(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *name, *note;
    struct viewer v;
    struct kv *form;
    char why[160];
    size_t n;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    name = kv_get(form, n, "display_name");
    note = kv_get(form, n, "note");
    if (name == NULL || note == NULL)
        return web_message(req, res, 400, MSG_FORM_REFUSED_TITLE, MSG_BAD_FORM);
    rc = profile_save(st, v.acc.id, name, note, why, sizeof(why));
    if (rc == RC_INVALID)
        return profile_form_page(req, res, &v, name, note, true, 422);
    if (rc != RC_OK)
        return web_error(req, res, rc);
    return web_redirect(res, arena_printf(&req->arena, "/@%s", v.acc.username));
}
