/*
 * web/compose.c - the forms that write: the composer on the event page
 * (POST /e/:slug/posts) and the event form (GET/POST /events/new). They
 * work without JavaScript; /static/composer.js only adds the live counter,
 * which asks the server (POST /api/v1/text/count) rather than counting a
 * second way. Both go through the API's own code, post_create() and
 * event_create(), so a form and a JSON client meet one set of rules; the
 * API's JSON error is read back and said again in the page's language.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/app.h"
#include "api/posts.h"
#include "core/rc.h"
#include "web/web_int.h"

/* ---- what the API answered ---- */

/* The "error" of a JSON error body in res (in ar), or "" when there is none. */
static const char *
api_error_of(struct arena *ar, const struct response *res, int *weighted, int *limit)
{
    json_t *j = json_loadb(res->body != NULL ? res->body : "", res->body_len, 0, NULL);
    const char *e = json_string_value(json_object_get(j, "error")), *copy;

    *weighted = (int)json_integer_value(json_object_get(j, "weighted_length"));
    *limit = (int)json_integer_value(json_object_get(j, "limit"));
    copy = arena_strndup(ar, e != NULL ? e : "", e != NULL ? strlen(e) : 0);
    json_decref(j);
    return copy != NULL ? copy : "";
}

/* Drops an owned body of a scratch response. */
static void
scratch_release(struct response *res)
{
    if (res->body_owned)
        free(res->body);
    memset(res, 0, sizeof(*res));
}

/* A textarea's value with CRLF line ends (as browsers send them) made LF, in ar. */
static const char *
unix_lines(struct arena *ar, const char *s, size_t *len_out)
{
    size_t n = strlen(s), i, k = 0;
    char *out = arena_alloc(ar, n + 1);

    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (!(s[i] == '\r' && s[i + 1] == '\n'))
            out[k++] = s[i];
    out[k] = '\0';
    *len_out = k;
    return out;
}

/* ---- the composer ---- */

/* The server's count of a kept draft: what the counter would show. */
static int
remaining_of(const struct event *e, const char *text)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    struct text_parse_result r;
    int left = e->char_limit;

    cfg.max_weighted_length = e->char_limit;
    if (text != NULL && text_parse(&sc, text, strlen(text), &cfg, &r) == 0)
        left = e->char_limit - (int)r.weighted_length;
    text_scratch_release(&sc);
    return left;
}

/* One <option> of the speaker picker. */
static void
speaker_option(struct html *h, const char *value, const char *label, const char *picked)
{
    html_raw(h, "<option");
    html_attr(h, "value", value);
    if (picked != NULL && strcmp(picked, value) == 0)
        html_raw(h, " selected");
    html_raw(h, ">");
    html_text(h, label);
    html_raw(h, "</option>");
}

void
composer_write(struct html *h, const struct event *e, const struct viewer *v,
               const struct composer_draft *d)
{
    const char *picked = d != NULL ? d->speaker : NULL;
    int left = remaining_of(e, d != NULL ? d->text : NULL);
    size_t i;

    html_raw(h, "<section class=\"composer\" id=\"composer\">\n<h2>");
    html_msg(h, MSG_COMPOSER_TITLE);
    html_raw(h, "</h2>\n");
    if (d != NULL && d->error != NULL) {
        html_raw(h, "<p class=\"error\" role=\"alert\">");
        html_text(h, d->error);
        html_raw(h, "</p>\n");
    }
    html_raw(h, "<form class=\"composer\" method=\"post\"");
    html_attr(h, "action", arena_printf(&h->req->arena, "/e/%s/posts", e->slug));
    html_attr(h, "data-event", e->slug);
    html_attr(h, "data-limit", arena_printf(&h->req->arena, "%d", e->char_limit));
    html_raw(h, ">");
    html_csrf(h, v);
    html_raw(h, "\n<label for=\"compose-text\">");
    html_msg(h, MSG_COMPOSER_TEXT);
    html_raw(h, "</label>\n<textarea id=\"compose-text\" name=\"text\" rows=\"4\" required>");
    if (d != NULL)
        html_text(h, d->text);
    html_raw(h, "</textarea>\n<p");
    html_attr(h, "class", left < 0 ? "counter over" : "counter");
    html_raw(h, " aria-live=\"polite\"><span class=\"remaining\">");
    html_textf(h, "%d", left);
    html_raw(h, "</span> ");
    html_msg(h, MSG_COMPOSER_REMAINING);
    html_raw(h, " · <span class=\"hint\">");
    html_textf(h, msg(h->lang, MSG_COMPOSER_HASHTAG), e->hashtag);
    html_raw(h, "</span></p>\n<label for=\"compose-speaker\">");
    html_msg(h, MSG_COMPOSER_SPEAKER);
    html_raw(h, "</label>\n<select id=\"compose-speaker\" name=\"speaker\">");
    speaker_option(h, "", msg(h->lang, MSG_SPEAKER_NOBODY), picked);
    speaker_option(h, "audience", msg(h->lang, MSG_AUDIENCE_COMMENT), picked);
    for (i = 0; i < e->n_people; i++)
        speaker_option(h, arena_printf(&h->req->arena, "person:%zu", i), e->people[i].name, picked);
    html_raw(h, "</select>\n");
    if (d != NULL && d->offer_force) {
        html_raw(h, "<label class=\"check\"><input type=\"checkbox\" name=\"force\" value=\"1\"> ");
        html_msg(h, MSG_COMPOSER_FORCE);
        html_raw(h, "</label>\n");
    }
    html_raw(h, "<button type=\"submit\">");
    html_msg(h, MSG_COMPOSER_SUBMIT);
    html_raw(h, "</button>\n</form>\n<script src=\"/static/composer.js\" defer></script>\n"
                "</section>\n");
}

/*
 * The speaker a picker's value names, as post_create() takes it: NULL for
 * nobody; false for a value that names nobody of the event.
 */
static bool
speaker_json(const char *value, const struct event *e, json_t **out)
{
    char *end;
    unsigned long i;

    *out = NULL;
    if (value == NULL || value[0] == '\0')
        return true;
    if (strcmp(value, "audience") == 0) {
        *out = json_pack("{s:b, s:s}", "audience", 1, "label",
                         msg(web_lang_of(e->lang), MSG_AUDIENCE_COMMENT));
        return *out != NULL;
    }
    if (strncmp(value, "person:", 7) != 0 || value[7] < '0' || value[7] > '9')
        return false;
    i = strtoul(value + 7, &end, 10);
    if (*end != '\0' || i >= e->n_people)
        return false;
    *out = json_pack("{s:s}", "name", e->people[i].name);
    return *out != NULL;
}

/* POST /e/:slug/posts  csrf, text, speaker, force */
int
web_post_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct composer_draft d = {0};
    struct viewer v;
    struct event e;
    struct post p;
    struct kv *form;
    json_t *speaker = NULL;
    const char *text, *reason;
    size_t n, len = 0;
    int rc, weighted, limit, status;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK)
        return web_error(req, res, rc);
    if (!web_may_edit(st, &v, &e))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    text = kv_get(form, n, "text");
    if ((text = unix_lines(&req->arena, text != NULL ? text : "", &len)) == NULL)
        return -1;
    d.text = text;
    d.speaker = kv_get(form, n, "speaker");
    if (!speaker_json(d.speaker, &e, &speaker)) {
        d.error = arena_printf(&req->arena, msg(web_lang_of(e.lang), MSG_POST_REFUSED),
                               d.speaker != NULL ? d.speaker : "");
        return web_event_page(req, res, st, &e, &v, &d, 422);
    }
    rc = post_create(st, &req->arena, &e, &v.acc, text, len, speaker,
                     strcmp(kv_get(form, n, "force") ? kv_get(form, n, "force") : "", "1") == 0, &p,
                     &scratch);
    json_decref(speaker);
    if (rc) {
        scratch_release(&scratch);
        return web_redirect(res, arena_printf(&req->arena, "/e/%s", e.slug));
    }
    /* Refused: the form again, the text kept, the reason in the event's language. */
    status = scratch.status;
    reason = api_error_of(&req->arena, &scratch, &weighted, &limit);
    scratch_release(&scratch);
    if (status == 422 && limit > 0) {
        d.error =
            arena_printf(&req->arena, msg(web_lang_of(e.lang), MSG_POST_TOO_LONG), weighted, limit);
        d.offer_force = weighted <= 2 * limit;
    } else {
        d.error = arena_printf(&req->arena, msg(web_lang_of(e.lang), MSG_POST_REFUSED), reason);
    }
    return web_event_page(req, res, st, &e, &v, &d, status);
}

/* ---- the event form ---- */

/* What the event form shows again after a refusal. */
struct event_draft {
    struct kv *form;
    size_t n;
    const char *error;
};

static const char *
draft_value(const struct event_draft *d, const char *name, const char *fallback)
{
    const char *v = d != NULL ? kv_get(d->form, d->n, name) : NULL;

    return v != NULL ? v : fallback;
}

/* One labelled <input>. */
static void
event_input(struct html *h, const struct event_draft *d, const char *name, enum msg label,
            const char *type, const char *fallback, bool required)
{
    html_raw(h, "<label");
    html_attr(h, "for", arena_printf(&h->req->arena, "ev-%s", name));
    html_raw(h, ">");
    html_msg(h, label);
    html_raw(h, "</label><input");
    html_attr(h, "id", arena_printf(&h->req->arena, "ev-%s", name));
    html_attr(h, "name", name);
    html_attr(h, "type", type);
    html_attr(h, "value", draft_value(d, name, fallback));
    if (required)
        html_raw(h, " required");
    html_raw(h, ">\n");
}

/* One labelled <select> of (value, label) pairs. */
static void
event_select(struct html *h, const struct event_draft *d, const char *name, enum msg label,
             const char *const *values, const enum msg *labels, size_t count, const char *fallback)
{
    const char *picked = draft_value(d, name, fallback);
    size_t i;

    html_raw(h, "<label");
    html_attr(h, "for", arena_printf(&h->req->arena, "ev-%s", name));
    html_raw(h, ">");
    html_msg(h, label);
    html_raw(h, "</label><select");
    html_attr(h, "id", arena_printf(&h->req->arena, "ev-%s", name));
    html_attr(h, "name", name);
    html_raw(h, ">");
    for (i = 0; i < count; i++)
        speaker_option(h, values[i], msg(h->lang, labels[i]), picked);
    html_raw(h, "</select>\n");
}

static int
event_form_page(struct request *req, struct response *res, const struct viewer *v,
                const struct event_draft *d, int status)
{
    static const char *const langs[] = {"fr", "en"};
    static const enum msg lang_labels[] = {MSG_LANG_FR, MSG_LANG_EN};
    static const char *const states[] = {"draft", "live", "ended", "published"};
    static const enum msg state_labels[] = {MSG_STATE_DRAFT, MSG_STATE_LIVE, MSG_STATE_ENDED,
                                            MSG_STATE_PUBLISHED};
    enum web_lang lang = web_request_lang(req);
    struct html h = {.viewer = v};

    page_begin(&h, req, lang, msg(lang, MSG_NEW_EVENT), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_NEW_EVENT);
    html_raw(&h, "</h1>\n");
    if (d != NULL && d->error != NULL) {
        html_raw(&h, "<p class=\"error\" role=\"alert\">");
        html_text(&h, d->error);
        html_raw(&h, "</p>\n");
    }
    html_raw(&h, "<form class=\"fields\" method=\"post\" action=\"/events/new\">");
    html_csrf(&h, v);
    html_raw(&h, "\n");
    event_input(&h, d, "title", MSG_EVENT_TITLE, "text", "", true);
    event_input(&h, d, "slug", MSG_EVENT_SLUG, "text", "", true);
    html_raw(&h, "<p class=\"hint\">");
    html_msg(&h, MSG_EVENT_SLUG_HINT);
    html_raw(&h, "</p>\n");
    event_input(&h, d, "hashtag", MSG_HASHTAG, "text", "", true);
    event_select(&h, d, "lang", MSG_EVENT_LANG, langs, lang_labels, 2,
                 lang == LANG_EN ? "en" : "fr");
    event_input(&h, d, "char_limit", MSG_EVENT_LIMIT, "number", "140", true);
    event_input(&h, d, "starts_at", MSG_EVENT_STARTS, "datetime-local", "", false);
    event_input(&h, d, "utc_offset", MSG_EVENT_OFFSET, "text", "-05:00", false);
    event_input(&h, d, "venue", MSG_VENUE, "text", "", false);
    event_select(&h, d, "state", MSG_EVENT_STATE, states, state_labels, 4, "draft");
    html_raw(&h, "<button type=\"submit\">");
    html_msg(&h, MSG_EVENT_CREATE);
    html_raw(&h, "</button>\n</form>\n");
    page_end(&h);
    if (response_header(res, "Vary", "Accept-Language") != 0) {
        text_buf_release(&h.buf);
        return -1;
    }
    return page_send(res, &h, status);
}

/* GET /events/new */
int
web_event_new(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct viewer v;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL)
        return web_redirect(res, "/login?next=/events/new");
    if (!web_may_create(&v))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_CREATOR);
    return event_form_page(req, res, &v, NULL, 200);
}

/* Sets key to the form's field when it is not empty. */
static void
doc_string(json_t *doc, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0')
        json_object_set_new(doc, key, json_string(value));
}

/*
 * The event document of the form's fields, as POST /api/v1/events takes
 * it. A value the document cannot hold as asked (a limit that is no
 * number) goes in as a string, for event_create() to refuse in words.
 */
static json_t *
form_document(struct request *req, struct kv *form, size_t n)
{
    const char *limit = kv_get(form, n, "char_limit"), *start = kv_get(form, n, "starts_at");
    const char *offset = kv_get(form, n, "utc_offset"), *venue = kv_get(form, n, "venue");
    json_t *doc = json_object();
    char *end;
    long v;

    if (doc == NULL)
        return NULL;
    doc_string(doc, "title", kv_get(form, n, "title"));
    doc_string(doc, "slug", kv_get(form, n, "slug"));
    doc_string(doc, "hashtag", kv_get(form, n, "hashtag"));
    doc_string(doc, "lang", kv_get(form, n, "lang"));
    doc_string(doc, "state", kv_get(form, n, "state"));
    if (limit != NULL && limit[0] != '\0') {
        v = strtol(limit, &end, 10);
        json_object_set_new(doc, "char_limit", *end == '\0' ? json_integer(v) : json_string(limit));
    }
    if (start != NULL && start[0] != '\0') {
        /* datetime-local says "2014-11-20T18:00"; the document wants seconds and an offset */
        if (offset == NULL || offset[0] == '\0')
            offset = "Z";
        json_object_set_new(doc, "starts_at",
                            json_string(arena_printf(&req->arena, "%s%s%s", start,
                                                     strlen(start) == 16 ? ":00" : "", offset)));
    }
    if (venue != NULL && venue[0] != '\0')
        json_object_set_new(doc, "venue", json_pack("{s:s}", "name", venue));
    return doc;
}

/* POST /events/new  csrf, title, slug, hashtag, lang, char_limit, starts_at, utc_offset, ... */
int
web_event_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct event_draft d = {0};
    struct viewer v;
    struct event e;
    json_t *doc;
    int weighted, limit, status;
    bool ok;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &d.form, &d.n))
        return 0;
    if (!web_may_create(&v))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_CREATOR);
    if ((doc = form_document(req, d.form, d.n)) == NULL)
        return -1;
    ok = event_create(st, &req->arena, doc, &v.acc, &e, &scratch);
    if (ok) {
        const char *to = arena_printf(&req->arena, "/e/%s", e.slug); /* e points into doc */
        json_decref(doc);
        scratch_release(&scratch);
        return to != NULL ? web_redirect(res, to) : -1;
    }
    json_decref(doc);
    status = scratch.status;
    d.error = arena_printf(&req->arena, msg(web_request_lang(req), MSG_EVENT_REFUSED),
                           api_error_of(&req->arena, &scratch, &weighted, &limit));
    scratch_release(&scratch);
    return event_form_page(req, res, &v, &d, status);
}
