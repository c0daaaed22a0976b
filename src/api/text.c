/*
 * api/text.c - the text tools of the API. POST /api/v1/text/count is what
 * the composer's live counter asks: the server's own count of a draft
 * under an event's limit, so the page never shows a second, different one.
 */
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/posts.h"
#include "core/rc.h"
#include "text/text.h"

#define MAX_DRAFT (64 << 10)

/*
 * The event a text tool is asked about (its limit, hashtag, people), from
 * the body's "event": 1 with *e, 0 when none is named (absent or null),
 * -1 with the answer in res: 422 for what is not a slug, 404 for an
 * unknown or draft event.
 */
static int
tool_event(struct request *req, struct response *res, const json_t *slug, struct event *e)
{
    struct store *st = app_store(req->app);
    int rc;

    if (slug == NULL || json_is_null(slug))
        return 0;
    if (!json_is_string(slug)) {
        response_error(res, 422, "'event' must be an event's slug");
        return -1;
    }
    rc = st != NULL ? store_event_get(st, &req->arena, json_string_value(slug), e) : RC_IO;
    if (rc == RC_NOTFOUND || (rc == RC_OK && strcmp(e->state, "draft") == 0)) {
        response_error(res, 404, "no event '%s'", json_string_value(slug));
        return -1;
    }
    if (rc != RC_OK) {
        response_error_rc(res, rc);
        return -1;
    }
    return 1;
}

/*
 * POST /api/v1/text/count {"text": …, "event": "slug" (optional),
 * "add_hashtag": true (optional)}: with add_hashtag, the text is counted as
 * the composer will post it - the event's hashtag appended when missing.
 */
int
api_text_count(struct request *req, struct response *res)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    struct text_parse_result r;
    json_t *body, *text, *slug;
    const char *counted;
    size_t counted_len;
    struct event e;
    int has_event;

    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    text = json_object_get(body, "text");
    slug = json_object_get(body, "event");
    counted = json_string_value(text);
    counted_len = json_string_length(text);
    if (!json_is_string(text)) {
        response_error(res, 422, "'text' must be a string");
        goto out;
    }
    if (json_string_length(text) > MAX_DRAFT) {
        response_error(res, 413, "'text' is longer than %d bytes", MAX_DRAFT);
        goto out;
    }
    if ((has_event = tool_event(req, res, slug, &e)) < 0)
        goto out;
    if (has_event) {
        cfg.max_weighted_length = e.char_limit;
        if (json_is_true(json_object_get(body, "add_hashtag")) && e.hashtag[0] != '\0' &&
            counted_len > 0 && strlen(counted) == counted_len &&
            !post_carries_tag(counted, e.hashtag)) {
            counted = arena_printf(&req->arena, "%s #%s", counted, e.hashtag);
            if (counted == NULL) {
                response_error_rc(res, RC_NOMEM);
                goto out;
            }
            counted_len = strlen(counted);
        }
    }
    if (text_parse(&sc, counted, counted_len, &cfg, &r) != 0) {
        response_error_rc(res, RC_NOMEM);
        goto out;
    }
    api_json(res, 200,
             json_pack("{s:i, s:i, s:i, s:b, s:i, s:s?}", "weighted_length", (int)r.weighted_length,
                       "limit", cfg.max_weighted_length, "remaining",
                       cfg.max_weighted_length - (int)r.weighted_length, "valid", r.valid,
                       "valid_range_end", r.valid_range_end, "reason",
                       r.valid ? NULL : text_invalid_string(r.reason)));
out:
    text_scratch_release(&sc);
    json_decref(body);
    return 0;
}

/*
 * POST /api/v1/text/split {"text": …, "event": "slug"} or {"text", "limit",
 * "hashtag"}: the numbered thread the composer proposes for a text too long
 * for one post, under the event's limit and with its hashtag.
 */
int
api_text_split(struct request *req, struct response *res)
{
    const char *tag = NULL;
    struct text_split sp;
    json_t *body, *text, *slug, *limit, *parts;
    struct event e;
    int max = 140, has_event;
    size_t i;

    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    text = json_object_get(body, "text");
    slug = json_object_get(body, "event");
    limit = json_object_get(body, "limit");
    if (!json_is_string(text)) {
        response_error(res, 422, "'text' must be a string");
        goto out;
    }
    if (json_string_length(text) > 16384) {
        response_error(res, 413, "'text' is longer than 16384 bytes");
        goto out;
    }
    if ((has_event = tool_event(req, res, slug, &e)) < 0)
        goto out;
    if (has_event) {
        max = e.char_limit;
        tag = e.hashtag;
    } else {
        if (limit != NULL && (!json_is_integer(limit) || json_integer_value(limit) < 20 ||
                              json_integer_value(limit) > 10000)) {
            response_error(res, 422, "'limit' must be an integer from 20 to 10000");
            goto out;
        }
        if (limit != NULL)
            max = (int)json_integer_value(limit);
        tag = json_string_value(json_object_get(body, "hashtag"));
    }
    if (text_split(json_string_value(text), json_string_length(text), max, tag, &sp) != 0) {
        response_error(res, 422, "the text is not UTF-8, or does not fit in 99 parts of %d", max);
        goto out;
    }
    parts = json_array();
    for (i = 0; parts != NULL && i < sp.n; i++)
        json_array_append_new(parts, json_string(sp.parts[i]));
    text_split_release(&sp);
    api_json(res, 200, json_pack("{s:o, s:i}", "parts", parts, "limit", max));
out:
    json_decref(body);
    return 0;
}

/* The spans of s where the event's names (people, venue, organizations) are: never shortened. */
static size_t
name_spans(struct arena *ar, const struct event *e, const char *s, struct fit_span **out)
{
    const char *names[512];
    struct fit_span *v;
    size_t n_names = 0, n = 0, i;

    for (i = 0; i < e->n_people && n_names < 500; i++)
        names[n_names++] = e->people[i].name;
    for (i = 0; i < e->n_orgs && n_names < 500; i++)
        names[n_names++] = e->orgs[i].name;
    if (e->venue_name != NULL)
        names[n_names++] = e->venue_name;
    if ((v = arena_alloc(ar, 64 * sizeof(*v))) == NULL)
        return 0;
    for (i = 0; i < n_names; i++) {
        const char *p = s;
        size_t len = strlen(names[i]);
        while (len > 0 && n < 64 && (p = strstr(p, names[i])) != NULL) {
            v[n].start = (size_t)(p - s);
            v[n].end = v[n].start + len;
            n++;
            p += len;
        }
    }
    *out = v;
    return n;
}

/*
 * POST /api/v1/text/fit {"text": …, "event": "slug"} or {"text", "limit",
 * "lang"}: the post shortened by abbreviation (text_fit), the words changed,
 * and whether it fits; the event's names are never touched. With an event,
 * a text without its hashtag is fitted with room left for the " #tag" the
 * composer and the API append ("room_for_hashtag" says how much).
 */
int
api_text_fit(struct request *req, struct response *res)
{
    struct fit_options opt = {.limit = 140};
    struct fit_span *spans = NULL;
    struct text_fit_result r;
    json_t *body, *text, *slug, *limit, *lang, *changes;
    struct event e;
    size_t i;
    int has_event, room = 0;

    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    text = json_object_get(body, "text");
    slug = json_object_get(body, "event");
    limit = json_object_get(body, "limit");
    lang = json_object_get(body, "lang");
    if (!json_is_string(text)) {
        response_error(res, 422, "'text' must be a string");
        goto out;
    }
    if (json_string_length(text) > 4096) { /* a post, not a book: each cut weighs it again */
        response_error(res, 413, "'text' is longer than 4096 bytes");
        goto out;
    }
    if (lang != NULL && (!json_is_string(lang) || (strcmp(json_string_value(lang), "fr") != 0 &&
                                                   strcmp(json_string_value(lang), "en") != 0))) {
        response_error(res, 422, "'lang' is \"fr\" or \"en\"");
        goto out;
    }
    if ((has_event = tool_event(req, res, slug, &e)) < 0)
        goto out;
    if (has_event) {
        opt.limit = e.char_limit;
        if (e.hashtag[0] != '\0' && !post_carries_tag(json_string_value(text), e.hashtag)) {
            struct text_scratch sc = {0};
            struct text_parse_result tag;
            const char *suffix = arena_printf(&req->arena, " #%s", e.hashtag);
            if (suffix != NULL &&
                text_parse(&sc, suffix, strlen(suffix), &text_config_v1, &tag) == 0)
                room = (int)tag.weighted_length;
            text_scratch_release(&sc);
            if (room >= opt.limit)
                room = 0;
            opt.limit -= room;
        }
        opt.english = e.lang != NULL && strcmp(e.lang, "en") == 0;
        opt.n_protect = name_spans(&req->arena, &e, json_string_value(text), &spans);
        opt.protect = spans;
    } else if (limit != NULL) {
        if (!json_is_integer(limit) || json_integer_value(limit) < 1 ||
            json_integer_value(limit) > 10000) {
            response_error(res, 422, "'limit' must be an integer from 1 to 10000");
            goto out;
        }
        opt.limit = (int)json_integer_value(limit);
    }
    if (lang != NULL)
        opt.english = strcmp(json_string_value(lang), "en") == 0;
    if (text_fit(json_string_value(text), json_string_length(text), &opt, &r) != 0) {
        response_error(res, 422, "the text is not UTF-8");
        goto out;
    }
    changes = json_array();
    for (i = 0; changes != NULL && i < r.changed; i++)
        json_array_append_new(
            changes, json_pack("{s:s, s:s}", "from", r.changes[i].from, "to", r.changes[i].to));
    api_json(res, 200,
             json_pack("{s:s, s:b, s:i, s:i, s:i, s:i, s:o}", "text", r.text, "fits", r.fits,
                       "weighted_length", (int)r.weighted_length, "original_length",
                       (int)r.original_length, "limit", opt.limit + room, "room_for_hashtag", room,
                       "changes", changes));
    text_fit_release(&r);
out:
    json_decref(body);
    return 0;
}
