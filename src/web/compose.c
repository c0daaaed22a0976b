/*
 * web/compose.c - the forms that write: the composer on the event page
 * (POST /e/:slug/posts), a post's edit form and delete button (GET/POST
 * /posts/:id/edit, POST /posts/:id/delete), the event form (GET/POST
 * /events/new) and the edit form of every field of an event (GET/POST
 * /e/:slug/edit). They work without JavaScript; /static/composer.js only
 * adds the live counter, which asks the server (POST /api/v1/text/count)
 * rather than counting a second way. Both event forms build one event
 * document from their fields (form_document) and go through the API's own
 * reader, event_create() and document_read_event(), as the post forms go
 * through post_create(), post_update() and post_delete(), so a form and a
 * JSON client meet one set of rules; the API's JSON error is read back
 * and said again in the page's language.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/app.h"
#include "api/cache.h"
#include "api/posts.h"
#include "api/speakers.h"
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

/*
 * A refused post said again in the event's language into d: the length
 * and "post anyway" for a text too long, else other (a format taking the
 * API's reason). Releases scratch; returns its status.
 */
static int
refusal(struct arena *ar, const struct event *e, struct response *scratch, enum msg other,
        struct composer_draft *d)
{
    int status = scratch->status, weighted, limit;
    const char *reason = api_error_of(ar, scratch, &weighted, &limit);

    response_reset(scratch);
    if (status == 422 && limit > 0) {
        d->error = arena_printf(ar, msg(web_lang_of(e->lang), MSG_POST_TOO_LONG), weighted, limit);
        d->offer_force = weighted <= 2 * limit;
    } else if (status == 507) { /* the server's disk is full: said in the event's language */
        d->error = arena_printf(ar, msg(web_lang_of(e->lang), other),
                                msg(web_lang_of(e->lang), MSG_DISK_FULL_REASON));
    } else {
        d->error = arena_printf(ar, msg(web_lang_of(e->lang), other), reason);
    }
    return status;
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

/*
 * The post form (text with its counter, speaker picker, CSRF field, and
 * "post anyway" after a refusal for length) sending to action, with the
 * submit button saying submit. The composer and the post's edit form.
 */
static void
post_form(struct html *h, const struct event *e, const struct viewer *v,
          const struct composer_draft *d, const char *action, enum msg submit, bool pick_speaker)
{
    const char *picked = d != NULL ? d->speaker : NULL;
    int left = remaining_of(e, d != NULL ? d->text : NULL);
    size_t i;

    if (d != NULL && d->error != NULL) {
        html_raw(h, "<p class=\"error\" role=\"alert\">");
        html_text(h, d->error);
        html_raw(h, "</p>\n");
    }
    html_raw(h, "<form class=\"composer\" method=\"post\"");
    html_attr(h, "action", action);
    html_attr(h, "data-event", e->slug);
    html_attr(h, "data-limit", arena_printf(&h->req->arena, "%d", e->char_limit));
    /* the words of the Shorten and Split buttons (/static/tools.js) */
    html_attr(h, "data-public", strcmp(e->state, "draft") != 0 ? "1" : "0");
    html_attr(h, "data-shorten", msg(h->lang, MSG_TOOL_SHORTEN));
    html_attr(h, "data-split", msg(h->lang, MSG_TOOL_SPLIT));
    html_attr(h, "data-use", msg(h->lang, MSG_TOOL_USE));
    html_attr(h, "data-dismiss", msg(h->lang, MSG_TOOL_DISMISS));
    html_attr(h, "data-post-thread", msg(h->lang, MSG_TOOL_POST_THREAD));
    html_attr(h, "data-cannot-fit", msg(h->lang, MSG_TOOL_CANNOT_FIT));
    html_attr(h, "data-failed", msg(h->lang, MSG_TOOL_FAILED));
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
    html_raw(h, "</span></p>\n");
    if (pick_speaker) {
        html_raw(h, "<label for=\"compose-speaker\">");
        html_msg(h, MSG_COMPOSER_SPEAKER);
        html_raw(h, "</label>\n<select id=\"compose-speaker\" name=\"speaker\">");
        /* a new post: the speaker its "Name:" prefix names, unless the writer picks one */
        speaker_option(h, "auto", msg(h->lang, MSG_SPEAKER_AUTO), picked != NULL ? picked : "auto");
        speaker_option(h, "", msg(h->lang, MSG_SPEAKER_NOBODY), picked);
        speaker_option(h, "audience", msg(h->lang, MSG_AUDIENCE_COMMENT), picked);
        for (i = 0; i < e->n_people; i++)
            speaker_option(h, arena_printf(&h->req->arena, "person:%zu", i), e->people[i].name,
                           picked);
        html_raw(h, "</select>\n");
    }
    if (d != NULL && d->offer_force) {
        html_raw(h, "<label class=\"check\"><input type=\"checkbox\" name=\"force\" value=\"1\"> ");
        html_msg(h, MSG_COMPOSER_FORCE);
        html_raw(h, "</label>\n");
    }
    html_raw(h, "<button type=\"submit\">");
    html_msg(h, submit);
    html_raw(h, "</button>\n</form>\n<script src=\"/static/composer.js\" defer></script>\n"
                "<script src=\"/static/tools.js\" defer></script>\n");
}

void
composer_write(struct html *h, const struct event *e, const struct viewer *v,
               const struct composer_draft *d, bool audience)
{
    html_raw(h, "<section class=\"composer\" id=\"composer\">\n<h2>");
    html_msg(h, MSG_COMPOSER_TITLE);
    html_raw(h, "</h2>\n");
    post_form(h, e, v, d, arena_printf(&h->req->arena, "/e/%s/posts", e->slug), MSG_COMPOSER_SUBMIT,
              !audience);
    html_raw(h, "</section>\n");
}

/*
 * The speaker a picker's value names, as post_create() takes it: NULL for
 * nobody; false for a value that names nobody of the event.
 */
static bool
speaker_json(struct arena *ar, const char *value, const struct event *e, const char *text,
             json_t **out)
{
    struct speaker_match m;
    char *end;
    unsigned long i;

    *out = NULL;
    if (value == NULL || value[0] == '\0')
        return true;
    if (strcmp(value, "auto") == 0) { /* what the text's own prefix says (api/speakers.c) */
        switch (speaker_find(ar, e, text, &m)) {
        case SPEAKER_PERSON:
            *out = json_pack("{s:s}", "name", m.name);
            return *out != NULL;
        case SPEAKER_AUDIENCE:
            *out = json_pack("{s:b, s:s}", "audience", 1, "label", m.label);
            return *out != NULL;
        case SPEAKER_NONE:
            return true;
        }
    }
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
    const char *text, *state;
    size_t n, len = 0;
    int rc, status;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK)
        return web_error(req, res, rc);
    /* editors, and the audience of a live event that takes its posts */
    if ((state = post_admission(st, &e, &v.acc, &scratch)) == NULL) {
        response_reset(&scratch);
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    }
    text = kv_get(form, n, "text");
    if ((text = unix_lines(&req->arena, text != NULL ? text : "", &len)) == NULL)
        return -1;
    d.text = text;
    d.speaker = web_may_edit(st, &v, &e) ? kv_get(form, n, "speaker") : NULL;
    if (!speaker_json(&req->arena, d.speaker, &e, text, &speaker)) {
        d.error = arena_printf(&req->arena, msg(web_lang_of(e.lang), MSG_POST_REFUSED),
                               d.speaker != NULL ? d.speaker : "");
        return web_event_page(req, res, st, &e, &v, &d, 422);
    }
    rc = post_create(st, &req->arena, &e, &v.acc, text, len, speaker,
                     strcmp(kv_get(form, n, "force") ? kv_get(form, n, "force") : "", "1") == 0,
                     state, &p, &scratch);
    json_decref(speaker);
    if (rc) {
        response_reset(&scratch);
        return web_redirect(
            res,
            arena_printf(&req->arena,
                         strcmp(state, "pending") == 0 ? "/e/%s?sent=pending" : "/e/%s", e.slug));
    }
    /* Refused: the form again, the text kept, the reason in the event's language. */
    status = refusal(&req->arena, &e, &scratch, MSG_POST_REFUSED, &d);
    if (status == 503 && response_header(res, "Retry-After", HTTP_RETRY_AFTER) != 0)
        return -1;
    return web_event_page(req, res, st, &e, &v, &d, status);
}

/* ---- changing and deleting a post ---- */

/* The visible post of ":id" and its event, or an rc (RC_NOTFOUND: no such post). */
static int
post_load(struct request *req, struct store *st, struct post *p, struct event *e)
{
    int64_t id;
    int rc;

    if (!document_parse_id(request_param(req, "id"), &id))
        return RC_NOTFOUND;
    if ((rc = store_post_get(st, &req->arena, id, p)) != RC_OK)
        return rc;
    if (strcmp(p->state, "visible") != 0)
        return RC_NOTFOUND;
    return store_event_get_id(st, &req->arena, p->event_id, e);
}

/* The picker's value of a post's speaker: "", "audience" or "person:i". */
static const char *
speaker_value(struct arena *ar, const struct event *e, const struct post *p)
{
    size_t i;

    if (p->speaker_audience)
        return "audience";
    for (i = 0; p->speaker_name != NULL && i < e->n_people; i++)
        if (strcmp(e->people[i].name, p->speaker_name) == 0)
            return arena_printf(ar, "person:%zu", i);
    return "";
}

/* The edit form of post p, filled from d (the post, or what was refused and why). */
static int
post_edit_page(struct request *req, struct response *res, const struct viewer *v,
               const struct event *e, const struct post *p, const struct composer_draft *d,
               int status)
{
    enum web_lang lang = web_lang_of(e->lang);
    struct html h = {.viewer = v};

    page_begin(&h, req, lang, msg(lang, MSG_EDIT_POST), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_EDIT_POST);
    html_raw(&h, "</h1>\n<p>");
    html_link(&h, arena_printf(&req->arena, "/e/%s#p%lld", e->slug, (long long)p->id), e->title,
              NULL);
    html_raw(&h, "</p>\n");
    post_form(&h, e, v, d, arena_printf(&req->arena, "/posts/%lld/edit", (long long)p->id),
              MSG_POST_SAVE, true);
    page_end(&h);
    return page_send(res, &h, status);
}

/* GET /posts/:id/edit */
int
web_post_edit(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct composer_draft d = {0};
    struct viewer v;
    struct event e;
    struct post p;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL) {
        const char *to =
            arena_printf(&req->arena, "/login?next=/posts/%s/edit", request_param(req, "id"));
        return to != NULL ? web_redirect(res, to) : -1;
    }
    if ((rc = post_load(req, st, &p, &e)) != RC_OK)
        return web_error(req, res, rc);
    if (!post_may_change(&v.acc, &p))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_AUTHOR);
    d.text = p.text;
    d.speaker = speaker_value(&req->arena, &e, &p);
    return post_edit_page(req, res, &v, &e, &p, &d, 200);
}

/*
 * POST /posts/:id/edit  csrf, text, speaker, force: post_update(), as
 * PATCH /api/v1/posts/:id does. The speaker is only replaced when another
 * is picked, so an alias or an audience label set through the API stays.
 */
int
web_post_save(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct composer_draft d = {0};
    struct viewer v;
    struct event e;
    struct post p;
    struct kv *form;
    json_t *speaker = NULL;
    const char *text, *force;
    size_t n, len = 0;
    bool ok;
    int rc, status;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if ((rc = post_load(req, st, &p, &e)) != RC_OK)
        return web_error(req, res, rc);
    if (!post_may_change(&v.acc, &p))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_AUTHOR);
    text = kv_get(form, n, "text");
    if ((text = unix_lines(&req->arena, text != NULL ? text : "", &len)) == NULL)
        return -1;
    d.text = text;
    d.speaker = kv_get(form, n, "speaker");
    if (d.speaker == NULL)
        d.speaker = "";
    if (!speaker_json(&req->arena, d.speaker, &e, text, &speaker)) {
        d.error =
            arena_printf(&req->arena, msg(web_lang_of(e.lang), MSG_POST_NOT_SAVED), d.speaker);
        return post_edit_page(req, res, &v, &e, &p, &d, 422);
    }
    force = kv_get(form, n, "force");
    ok = post_update(st, &req->arena, &e, &v.acc, &p, text, len,
                     strcmp(d.speaker, speaker_value(&req->arena, &e, &p)) != 0, speaker,
                     force != NULL && strcmp(force, "1") == 0, &scratch);
    json_decref(speaker);
    if (ok) {
        response_reset(&scratch);
        return web_redirect(res, arena_printf(&req->arena, "/e/%s", e.slug));
    }
    status = refusal(&req->arena, &e, &scratch, MSG_POST_NOT_SAVED, &d);
    return post_edit_page(req, res, &v, &e, &p, &d, status);
}

/* POST /posts/:id/delete  csrf: post_delete(), as DELETE /api/v1/posts/:id does. */
int
web_post_remove(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct viewer v;
    struct event e;
    struct post p;
    struct kv *form;
    size_t n;
    int rc, status;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if ((rc = post_load(req, st, &p, &e)) != RC_OK)
        return web_error(req, res, rc);
    if (!post_may_change(&v.acc, &p))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_AUTHOR);
    if (post_delete(st, &e, &v.acc, &p, &scratch)) {
        response_reset(&scratch);
        return web_redirect(res, arena_printf(&req->arena, "/e/%s", e.slug));
    }
    status = scratch.status;
    response_reset(&scratch);
    return web_message(req, res, status, MSG_ERROR_TITLE, MSG_ERROR_TEXT);
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

/* The <label> of field name, then the id and name attributes its control opens with. */
static void
field_label(struct html *h, const char *name, enum msg label, const char *control)
{
    html_raw(h, "<label");
    html_attr(h, "for", arena_printf(&h->req->arena, "ev-%s", name));
    html_raw(h, ">");
    html_msg(h, label);
    html_raw(h, "</label>");
    html_raw(h, control);
    html_attr(h, "id", arena_printf(&h->req->arena, "ev-%s", name));
    html_attr(h, "name", name);
}

/* One labelled <input>. */
static void
event_input(struct html *h, const struct event_draft *d, const char *name, enum msg label,
            const char *type, const char *fallback, bool required)
{
    field_label(h, name, label, "<input");
    html_attr(h, "type", type);
    html_attr(h, "value", draft_value(d, name, fallback));
    if (required)
        html_raw(h, " required");
    html_raw(h, ">\n");
}

/* A labelled checkbox sending name=1 when checked; checked when the draft says "1". */
static void
event_checkbox(struct html *h, const struct event_draft *d, const char *name, enum msg label)
{
    html_raw(h, "<label class=\"check\"><input type=\"checkbox\" value=\"1\"");
    html_attr(h, "name", name);
    if (strcmp(draft_value(d, name, ""), "1") == 0)
        html_raw(h, " checked");
    html_raw(h, "> ");
    html_msg(h, label);
    html_raw(h, "</label>\n");
}

/* The choices of the event forms' selects, values and their labels. */
static const char *const lang_values[] = {"fr", "en"};
static const enum msg lang_labels[] = {MSG_LANG_FR, MSG_LANG_EN};
static const char *const state_values[] = {"draft", "live", "ended", "published"};
static const enum msg state_labels[] = {MSG_STATE_DRAFT, MSG_STATE_LIVE, MSG_STATE_ENDED,
                                        MSG_STATE_PUBLISHED};
static const char *const policy_values[] = {"closed", "members", "guests"};
static const enum msg policy_labels[] = {MSG_COMMENTS_POLICY_CLOSED, MSG_COMMENTS_POLICY_MEMBERS,
                                         MSG_COMMENTS_POLICY_GUESTS};
static const char *const role_values[] = {"panelist", "moderator", "speaker", "host", "organizer"};
static const enum msg role_labels[] = {MSG_ROLE_PANELIST, MSG_ROLE_MODERATOR, MSG_ROLE_SPEAKER,
                                       MSG_ROLE_HOST, MSG_ROLE_ORGANIZER};
static const char *const kind_values[] = {"organizer", "sponsor", "supplier", "partner"};
static const enum msg kind_labels[] = {MSG_KIND_ORGANIZER, MSG_KIND_SPONSOR, MSG_KIND_SUPPLIER,
                                       MSG_KIND_PARTNER};

/* One labelled <select> of (value, label) pairs; a current value that is none of them
 * (stored by the API, or sent) is kept as one more option, so saving loses nothing. */
static void
field_select(struct html *h, const struct event_draft *d, const char *name, enum msg label,
             const char *const *values, const enum msg *labels, size_t count, const char *fallback)
{
    const char *picked = draft_value(d, name, fallback);
    size_t i;

    field_label(h, name, label, "<select");
    html_raw(h, ">");
    for (i = 0; i < count; i++)
        if (strcmp(values[i], picked) == 0)
            break;
    if (i == count && picked[0] != '\0')
        speaker_option(h, picked, picked, picked);
    for (i = 0; i < count; i++)
        speaker_option(h, values[i], msg(h->lang, labels[i]), picked);
    html_raw(h, "</select>\n");
}

static int
event_form_page(struct request *req, struct response *res, const struct viewer *v,
                const struct event_draft *d, int status)
{
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
    field_select(&h, d, "lang", MSG_EVENT_LANG, lang_values, lang_labels, 2,
                 lang == LANG_EN ? "en" : "fr");
    event_input(&h, d, "char_limit", MSG_EVENT_LIMIT, "number", "140", true);
    event_input(&h, d, "starts_at", MSG_EVENT_STARTS, "datetime-local", "", false);
    event_input(&h, d, "utc_offset", MSG_EVENT_OFFSET, "text", "-05:00", false);
    event_input(&h, d, "venue", MSG_VENUE, "text", "", false);
    field_select(&h, d, "state", MSG_EVENT_STATE, state_values, state_labels, 4, "draft");
    html_raw(&h, "<button type=\"submit\">");
    html_msg(&h, MSG_EVENT_CREATE);
    html_raw(&h, "</button>\n</form>\n");
    page_end(&h);
    return page_send_vary(res, &h, status);
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

/* ---- the event document of a form ---- */

#define FORM_ROWS_MAX 400 /* people[i] and organizations[i] above this are not read */

/* The fields of a form and the first one that is not UTF-8. */
struct doc_form {
    struct request *req;
    const struct kv *form;
    size_t n;
    const char *bad; /* the field's name, or NULL */
};

/* Sets key of obj to the field name when it is not empty (as given, or with LF line ends). */
static void
doc_string(struct doc_form *f, json_t *obj, const char *key, const char *name, bool lines)
{
    const char *value = kv_get(f->form, f->n, name);
    size_t len = 0;
    json_t *j;

    if (value == NULL || value[0] == '\0')
        return;
    if (lines && (value = unix_lines(&f->req->arena, value, &len)) == NULL)
        return;
    if ((j = json_string(value)) == NULL) { /* not UTF-8 */
        if (f->bad == NULL)
            f->bad = name;
        return;
    }
    json_object_set_new(obj, key, j);
}

/* A number field: an integer when it is one, else the string, for the reader to refuse. */
static void
doc_integer(struct doc_form *f, json_t *obj, const char *key)
{
    const char *value = kv_get(f->form, f->n, key);
    char *end;
    long long v;

    if (value == NULL || value[0] == '\0')
        return;
    v = strtoll(value, &end, 10);
    if (*end == '\0')
        json_object_set_new(obj, key, json_integer(v));
    else
        doc_string(f, obj, key, key, false);
}

/* The value of "people[i][field]" (and the like), or NULL. */
static const char *
row_value(struct doc_form *f, const char *list, size_t i, const char *field)
{
    return kv_get(f->form, f->n, arena_printf(&f->req->arena, "%s[%zu][%s]", list, i, field));
}

/* One more than the highest row index of list in the form (0: none). */
static size_t
rows_of(const struct kv *form, size_t n, const char *list, bool with_values)
{
    size_t i, rows = 0, len = strlen(list), idx;
    const char *p;
    char *end;

    for (i = 0; i < n; i++) {
        if (strncmp(form[i].name, list, len) != 0 || form[i].name[len] != '[')
            continue;
        p = form[i].name + len + 1;
        if (*p < '0' || *p > '9')
            continue;
        idx = strtoul(p, &end, 10);
        if (*end != ']' || idx >= FORM_ROWS_MAX ||
            (with_values && (form[i].value == NULL || form[i].value[0] == '\0')))
            continue;
        if (idx + 1 > rows)
            rows = idx + 1;
    }
    return rows;
}

/* An object of the row's fields "list[i][key]"; the caller checks the name. */
static json_t *
row_object(struct doc_form *f, const char *list, size_t i, const char *const *keys)
{
    json_t *o = json_object();

    for (; o != NULL && *keys != NULL; keys++)
        doc_string(f, o, *keys, arena_printf(&f->req->arena, "%s[%zu][%s]", list, i, *keys), false);
    return o;
}

/* "a, b ,c" -> ["a", "b", "c"]: trimmed, empty ones dropped. */
static json_t *
aliases_of(struct doc_form *f, const char *value)
{
    json_t *arr = json_array(), *j;
    const char *p = value != NULL ? value : "", *comma, *b, *e;

    while (arr != NULL && *p != '\0') {
        if ((comma = strchr(p, ',')) == NULL)
            comma = p + strlen(p);
        for (b = p; b < comma && (*b == ' ' || *b == '\t'); b++)
            ;
        for (e = comma; e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
            ;
        if (e > b) {
            if ((j = json_stringn(b, (size_t)(e - b))) == NULL) {
                if (f->bad == NULL)
                    f->bad = "aliases";
            } else {
                json_array_append_new(arr, j);
            }
        }
        p = *comma != '\0' ? comma + 1 : comma;
    }
    return arr;
}

/*
 * The event document of a form's fields, named as the document names them
 * ("title", "venue[name]", "people[0][aliases]"), as POST /api/v1/events
 * and document_read_event() take it: empty fields are left out (null), a
 * row of people or organizations whose name is empty is dropped, aliases
 * are comma-separated, Markdown gets LF line ends. The creation form's
 * shortcuts are understood too: "venue" for the venue's name, and
 * "starts_at" from a datetime-local with "utc_offset". A value the
 * document cannot hold (a limit that is no number) goes in as a string,
 * for the reader to refuse in words. NULL when out of memory, or with
 * *bad naming a field that is not UTF-8. The caller decrefs.
 */
static json_t *
form_document(struct request *req, const struct kv *form, size_t n, const char **bad)
{
    static const char *const strings[] = {"title",   "slug",   "hashtag",  "lang",      "state",
                                          "ends_at", "series", "timezone", "signature", NULL};
    static const char *const markdown[] = {"context", "disclaimer", "conclusion", NULL};
    static const char *const person_keys[] = {"name", "affiliation", "role", "url", NULL};
    static const char *const org_keys[] = {"kind", "name", "url", NULL};
    struct doc_form f = {.req = req, .form = form, .n = n};
    const char *start = kv_get(form, n, "starts_at"), *offset = kv_get(form, n, "utc_offset");
    const char *const *k;
    json_t *doc = json_object(), *venue = json_object(), *people = json_array(),
           *orgs = json_array(), *o;
    size_t i, rows;

    *bad = NULL;
    if (doc == NULL || venue == NULL || people == NULL || orgs == NULL)
        goto fail;
    for (k = strings; *k != NULL; k++)
        doc_string(&f, doc, *k, *k, false);
    for (k = markdown; *k != NULL; k++)
        doc_string(&f, doc, *k, *k, true);
    doc_integer(&f, doc, "char_limit");
    doc_integer(&f, doc, "attendance");
    /* checkboxes: absent when unchecked */
    json_object_set_new(doc, "audience_posts", json_boolean(kv_get(form, n, "audience_posts")));
    json_object_set_new(doc, "moderation", json_boolean(kv_get(form, n, "moderation")));
    doc_string(&f, doc, "comment_policy", "comment_policy", false);
    doc_string(&f, doc, "comments_until", "comments_until", false);
    if (offset != NULL && start != NULL && start[0] != '\0') {
        /* datetime-local says "2014-11-20T18:00"; the document wants seconds and an offset */
        json_object_set_new(
            doc, "starts_at",
            json_string(arena_printf(&req->arena, "%s%s%s", start, strlen(start) == 16 ? ":00" : "",
                                     offset[0] != '\0' ? offset : "Z")));
    } else {
        doc_string(&f, doc, "starts_at", "starts_at", false);
    }
    doc_string(&f, venue, "name", "venue", false);
    doc_string(&f, venue, "name", "venue[name]", false);
    doc_string(&f, venue, "address", "venue[address]", false);
    doc_string(&f, venue, "url", "venue[url]", false);
    if (json_object_size(venue) > 0)
        json_object_set(doc, "venue", venue);

    rows = rows_of(form, n, "people", true);
    for (i = 0; i < rows; i++) {
        const char *name = row_value(&f, "people", i, "name");
        if (name == NULL || name[0] == '\0')
            continue; /* how a person is removed */
        if ((o = row_object(&f, "people", i, person_keys)) == NULL)
            goto fail;
        json_object_set_new(o, "aliases", aliases_of(&f, row_value(&f, "people", i, "aliases")));
        json_array_append_new(people, o);
    }
    rows = rows_of(form, n, "organizations", true);
    for (i = 0; i < rows; i++) {
        const char *name = row_value(&f, "organizations", i, "name");
        if (name == NULL || name[0] == '\0')
            continue;
        if ((o = row_object(&f, "organizations", i, org_keys)) == NULL)
            goto fail;
        json_array_append_new(orgs, o);
    }
    json_object_set(doc, "people", people);
    json_object_set(doc, "organizations", orgs);
    json_decref(venue);
    json_decref(people);
    json_decref(orgs);
    if ((*bad = f.bad) != NULL) {
        json_decref(doc);
        return NULL;
    }
    return doc;
fail:
    json_decref(doc);
    json_decref(venue);
    json_decref(people);
    json_decref(orgs);
    return NULL;
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
    const char *bad;
    json_t *doc;
    int weighted, limit, status;
    bool ok;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &d.form, &d.n))
        return 0;
    if (!web_may_create(&v))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_CREATOR);
    if ((doc = form_document(req, d.form, d.n, &bad)) == NULL && bad == NULL)
        return -1;
    if (doc == NULL) {
        d.error = arena_printf(
            &req->arena, msg(web_request_lang(req), MSG_EVENT_REFUSED),
            arena_printf(&req->arena, msg(web_request_lang(req), MSG_EVENT_BAD_UTF8), bad));
        return event_form_page(req, res, &v, &d, 422);
    }
    ok = event_create(st, &req->arena, doc, &v.acc, &e, &scratch);
    if (ok) {
        const char *to = arena_printf(&req->arena, "/e/%s", e.slug); /* e points into doc */
        json_decref(doc);
        response_reset(&scratch);
        return to != NULL ? web_redirect(res, to) : -1;
    }
    json_decref(doc);
    status = scratch.status;
    d.error = arena_printf(&req->arena, msg(web_request_lang(req), MSG_EVENT_REFUSED),
                           api_error_of(&req->arena, &scratch, &weighted, &limit));
    response_reset(&scratch);
    return event_form_page(req, res, &v, &d, status);
}

/* ---- the edit form ---- */

#define EMPTY_ROWS 3 /* empty people and organizations rows, for adding */

/* Appends name=value (both in ar, or static) to the pairs; value NULL is "". */
static void
values_add(struct kv *kv, size_t *n, const char *name, const char *value)
{
    kv[*n].name = name;
    kv[*n].value = value != NULL ? value : "";
    (*n)++;
}

/* ["a", "b"] -> "a, b" in ar ("" for none). */
static const char *
aliases_text(struct arena *ar, const char *aliases_json)
{
    json_t *arr = json_loads(aliases_json != NULL ? aliases_json : "[]", 0, NULL), *a;
    const char *out = "";
    size_t i;

    json_array_foreach(arr, i, a)
    {
        if (json_is_string(a))
            out = arena_printf(ar, "%s%s%s", out, out[0] != '\0' ? ", " : "", json_string_value(a));
        if (out == NULL)
            break;
    }
    json_decref(arr);
    return out;
}

/* The edit form's fields of event e, as the form would send them back. */
static bool
event_values(struct arena *ar, const struct event *e, struct event_draft *d)
{
    size_t n = 0, i, cap = 24 + 5 * e->n_people + 3 * e->n_orgs;
    struct kv *kv = arena_alloc(ar, cap * sizeof(*kv));

    if (kv == NULL)
        return false;
    values_add(kv, &n, "slug", e->slug);
    values_add(kv, &n, "title", e->title);
    values_add(kv, &n, "hashtag", e->hashtag);
    values_add(kv, &n, "lang", e->lang);
    values_add(kv, &n, "char_limit", arena_printf(ar, "%d", e->char_limit));
    values_add(kv, &n, "starts_at", e->starts_at);
    values_add(kv, &n, "ends_at", e->ends_at);
    values_add(kv, &n, "timezone", e->timezone);
    values_add(kv, &n, "series", e->series);
    values_add(kv, &n, "venue[name]", e->venue_name);
    values_add(kv, &n, "venue[address]", e->venue_address);
    values_add(kv, &n, "venue[url]", e->venue_url);
    values_add(kv, &n, "attendance",
               e->attendance >= 0 ? arena_printf(ar, "%lld", (long long)e->attendance) : "");
    values_add(kv, &n, "context", e->context_md);
    values_add(kv, &n, "disclaimer", e->disclaimer_md);
    values_add(kv, &n, "conclusion", e->conclusion_md);
    values_add(kv, &n, "signature", e->signature);
    values_add(kv, &n, "state", e->state);
    values_add(kv, &n, "audience_posts", e->audience_posts ? "1" : "");
    values_add(kv, &n, "moderation", e->moderation ? "1" : "");
    values_add(kv, &n, "comment_policy", e->comments);
    values_add(kv, &n, "comments_until", e->comments_until);
    for (i = 0; i < e->n_people; i++) {
        const struct person *p = &e->people[i];
        values_add(kv, &n, arena_printf(ar, "people[%zu][name]", i), p->name);
        values_add(kv, &n, arena_printf(ar, "people[%zu][affiliation]", i), p->affiliation);
        values_add(kv, &n, arena_printf(ar, "people[%zu][role]", i), p->role);
        values_add(kv, &n, arena_printf(ar, "people[%zu][aliases]", i),
                   aliases_text(ar, p->aliases_json));
        values_add(kv, &n, arena_printf(ar, "people[%zu][url]", i), p->url);
    }
    for (i = 0; i < e->n_orgs; i++) {
        values_add(kv, &n, arena_printf(ar, "organizations[%zu][kind]", i), e->orgs[i].kind);
        values_add(kv, &n, arena_printf(ar, "organizations[%zu][name]", i), e->orgs[i].name);
        values_add(kv, &n, arena_printf(ar, "organizations[%zu][url]", i), e->orgs[i].url);
    }
    for (i = 0; i < n; i++)
        if (kv[i].name == NULL || kv[i].value == NULL)
            return false; /* out of memory */
    d->form = kv;
    d->n = n;
    return true;
}

/* One labelled <textarea>; the newline after the tag keeps a value's own first newline. */
static void
event_textarea(struct html *h, const struct event_draft *d, const char *name, enum msg label)
{
    field_label(h, name, label, "<textarea rows=\"6\"");
    html_raw(h, ">\n");
    html_text(h, draft_value(d, name, ""));
    html_raw(h, "</textarea>\n");
}

/* The rows to show of a list: those holding something, then EMPTY_ROWS empty ones. */
static size_t
rows_to_show(const struct event_draft *d, const char *list)
{
    return rows_of(d->form, d->n, list, true) + EMPTY_ROWS;
}

static void
people_fieldsets(struct html *h, const struct event_draft *d)
{
    struct arena *ar = &h->req->arena;
    size_t i, rows = rows_to_show(d, "people");

    html_raw(h, "<fieldset class=\"rows people\"><legend>");
    html_msg(h, MSG_PEOPLE);
    html_raw(h, "</legend>\n<p class=\"hint\">");
    html_msg(h, MSG_PEOPLE_HINT);
    html_raw(h, "</p>\n");
    for (i = 0; i < rows; i++) {
        html_raw(h, "<fieldset class=\"row\"><legend>");
        html_textf(h, msg(h->lang, MSG_PERSON), i + 1);
        html_raw(h, "</legend>\n");
        event_input(h, d, arena_printf(ar, "people[%zu][name]", i), MSG_PERSON_NAME, "text", "",
                    false);
        event_input(h, d, arena_printf(ar, "people[%zu][affiliation]", i), MSG_PERSON_AFFILIATION,
                    "text", "", false);
        field_select(h, d, arena_printf(ar, "people[%zu][role]", i), MSG_PERSON_ROLE, role_values,
                     role_labels, 5, "panelist");
        event_input(h, d, arena_printf(ar, "people[%zu][aliases]", i), MSG_PERSON_ALIASES, "text",
                    "", false);
        event_input(h, d, arena_printf(ar, "people[%zu][url]", i), MSG_URL, "url", "", false);
        html_raw(h, "</fieldset>\n");
    }
    html_raw(h, "</fieldset>\n");
}

static void
org_fieldsets(struct html *h, const struct event_draft *d)
{
    struct arena *ar = &h->req->arena;
    size_t i, rows = rows_to_show(d, "organizations");

    html_raw(h, "<fieldset class=\"rows orgs\"><legend>");
    html_msg(h, MSG_ORGANIZATIONS);
    html_raw(h, "</legend>\n<p class=\"hint\">");
    html_msg(h, MSG_ORGS_HINT);
    html_raw(h, "</p>\n");
    for (i = 0; i < rows; i++) {
        html_raw(h, "<fieldset class=\"row\"><legend>");
        html_textf(h, msg(h->lang, MSG_ORG), i + 1);
        html_raw(h, "</legend>\n");
        field_select(h, d, arena_printf(ar, "organizations[%zu][kind]", i), MSG_ORG_KIND,
                     kind_values, kind_labels, 4, "organizer");
        event_input(h, d, arena_printf(ar, "organizations[%zu][name]", i), MSG_ORG_NAME, "text", "",
                    false);
        event_input(h, d, arena_printf(ar, "organizations[%zu][url]", i), MSG_URL, "url", "",
                    false);
        html_raw(h, "</fieldset>\n");
    }
    html_raw(h, "</fieldset>\n");
}

/*
 * The edit form of the event stored as slug, filled from d (the event's
 * values, or what was sent and refused, with d->error saying why).
 */
static int
event_edit_page(struct request *req, struct response *res, const struct viewer *v, const char *slug,
                const struct event_draft *d, int status)
{
    enum web_lang lang = web_request_lang(req);
    struct html h = {.viewer = v};

    page_begin(&h, req, lang, msg(lang, MSG_EDIT_EVENT), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_EDIT_EVENT);
    html_raw(&h, "</h1>\n");
    if (d->error != NULL) {
        html_raw(&h, "<p class=\"error\" role=\"alert\">");
        html_text(&h, d->error);
        html_raw(&h, "</p>\n");
    }
    html_raw(&h, "<form class=\"fields\" method=\"post\"");
    html_attr(&h, "action", arena_printf(&req->arena, "/e/%s/edit", slug));
    html_raw(&h, ">");
    html_csrf(&h, v);
    html_raw(&h, "\n");
    event_input(&h, d, "title", MSG_EVENT_TITLE, "text", "", true);
    event_input(&h, d, "slug", MSG_EVENT_SLUG, "text", "", true);
    html_raw(&h, "<p class=\"hint\">");
    html_msg(&h, MSG_EVENT_SLUG_HINT);
    html_raw(&h, "</p>\n");
    event_input(&h, d, "hashtag", MSG_HASHTAG, "text", "", true);
    field_select(&h, d, "lang", MSG_EVENT_LANG, lang_values, lang_labels, 2, "fr");
    event_input(&h, d, "char_limit", MSG_EVENT_LIMIT, "number", "", true);
    field_select(&h, d, "state", MSG_EVENT_STATE, state_values, state_labels, 4, "draft");
    event_checkbox(&h, d, "audience_posts", MSG_EVENT_AUDIENCE_POSTS);
    event_checkbox(&h, d, "moderation", MSG_EVENT_MODERATION);
    field_select(&h, d, "comment_policy", MSG_EVENT_COMMENTS, policy_values, policy_labels, 3,
                 "members");
    event_input(&h, d, "comments_until", MSG_EVENT_COMMENTS_UNTIL, "text", "", false);
    event_input(&h, d, "starts_at", MSG_EVENT_STARTS, "text", "", false);
    event_input(&h, d, "ends_at", MSG_EVENT_ENDS, "text", "", false);
    html_raw(&h, "<p class=\"hint\">");
    html_msg(&h, MSG_EVENT_DATES_HINT);
    html_raw(&h, "</p>\n");
    event_input(&h, d, "timezone", MSG_EVENT_TIMEZONE, "text", "", false);
    event_input(&h, d, "series", MSG_EVENT_SERIES, "text", "", false);
    event_input(&h, d, "venue[name]", MSG_VENUE_NAME, "text", "", false);
    event_input(&h, d, "venue[address]", MSG_VENUE_ADDRESS, "text", "", false);
    event_input(&h, d, "venue[url]", MSG_VENUE_URL, "url", "", false);
    event_input(&h, d, "attendance", MSG_EVENT_ATTENDANCE, "number", "", false);
    html_raw(&h, "<p class=\"hint\">");
    html_msg(&h, MSG_MARKDOWN_HINT);
    html_raw(&h, "</p>\n");
    event_textarea(&h, d, "context", MSG_CONTEXT);
    event_textarea(&h, d, "disclaimer", MSG_DISCLAIMER);
    event_textarea(&h, d, "conclusion", MSG_CONCLUSION);
    event_input(&h, d, "signature", MSG_EVENT_SIGNATURE, "text", "", false);
    people_fieldsets(&h, d);
    org_fieldsets(&h, d);
    html_raw(&h, "<button type=\"submit\">");
    html_msg(&h, MSG_EVENT_SAVE);
    html_raw(&h, "</button>\n</form>\n");
    html_import_form(&h, slug, v);
    page_end(&h);
    return page_send_vary(res, &h, status);
}

/* GET /e/:slug/edit */
int
web_event_edit(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct event_draft d = {0};
    struct viewer v;
    struct event e;
    const char *slug = request_param(req, "slug");
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL) {
        const char *to = arena_printf(&req->arena, "/login?next=/e/%s/edit", slug);
        return to != NULL ? web_redirect(res, to) : -1;
    }
    if ((rc = web_event_get(req, st, slug, &e)) != RC_OK)
        return web_error(req, res, rc);
    if (!web_may_edit(st, &v, &e))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    if (!event_values(&req->arena, &e, &d))
        return -1;
    return event_edit_page(req, res, &v, e.slug, &d, 200);
}

/*
 * POST /e/:slug/edit  csrf and every field of the document: the whole
 * event is replaced (its id, creator, editors and posts stay), as
 * document_read_event() reads a complete document.
 */
int
web_event_save(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct response scratch = {0};
    struct event_draft d = {0};
    struct viewer v;
    struct event old, e;
    const char *bad, *to;
    json_t *doc;
    int rc, weighted, limit, status;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &d.form, &d.n))
        return 0;
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &old)) != RC_OK)
        return web_error(req, res, rc);
    if (!web_may_edit(st, &v, &old))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    if ((doc = form_document(req, d.form, d.n, &bad)) == NULL) {
        if (bad == NULL)
            return -1;
        d.error = arena_printf(
            &req->arena, msg(web_request_lang(req), MSG_EVENT_NOT_SAVED),
            arena_printf(&req->arena, msg(web_request_lang(req), MSG_EVENT_BAD_UTF8), bad));
        return event_edit_page(req, res, &v, old.slug, &d, 422);
    }
    if (document_read_event(doc, &req->arena, false, &e, &scratch)) {
        e.id = old.id;
        e.created_by = old.created_by;
        rc = store_event_update(st, &e);
        cache_event_changed(old.slug);
        cache_event_changed(e.slug);
        cache_events_changed();
        to = arena_printf(&req->arena, "/e/%s", e.slug); /* e points into doc */
        if (rc == RC_OK) {
            json_decref(doc);
            return to != NULL ? web_redirect(res, to) : -1;
        }
        if (rc != RC_CONFLICT) {
            json_decref(doc);
            return web_error(req, res, rc);
        }
        response_error(&scratch, 409, "an event '%s' exists already", e.slug);
    }
    json_decref(doc);
    status = scratch.status;
    d.error = arena_printf(&req->arena, msg(web_request_lang(req), MSG_EVENT_NOT_SAVED),
                           api_error_of(&req->arena, &scratch, &weighted, &limit));
    response_reset(&scratch);
    return event_edit_page(req, res, &v, old.slug, &d, status);
}
