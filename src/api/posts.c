/*
 * api/posts.c - the posts of an event: written by its editors, checked by
 * the text engine against the event's limit (422 with the length when it
 * does not fit), stored with their hashtags and their HTML, listed newest
 * first with max_id / since_id / limit. A post over the limit is stored
 * only when an editor says so ("force": true): the reference document has
 * one of 145 characters, and a record of what was said beats a rule.
 */
#include <stdlib.h>
#include <string.h>

#include "api/cache.h"
#include "api/handlers.h"
#include "api/posts.h"
#include "core/rc.h"
#include "text/text.h"

#define DEFAULT_LIMIT  20
#define MAX_LIMIT      200
#define MAX_POST_BYTES 8192
#define MAX_TAGS       32

/* What a text becomes before it is stored. */
struct prepared {
    const char *text; /* NFC, in the request arena */
    const char *html;
    const char **tags; /* folded, unique */
    size_t n_tags;
    double weighted_length;
};

/* The counting rules of an event: twitter-text v1 with the event's limit. */
static struct text_config
event_config(const struct event *e)
{
    struct text_config cfg = text_config_v1;

    cfg.max_weighted_length = e->char_limit;
    return cfg;
}

/* Folds s[0..len) into the arena; NULL on failure. */
static const char *
fold(struct arena *ar, const char *s, size_t len)
{
    struct text_buf b = {0};
    const char *r = NULL;

    if (text_tag_fold(&b, s, len) == 0)
        r = arena_strndup(ar, b.data, b.len);
    text_buf_release(&b);
    return r;
}

/*
 * Analyzes text as it will be stored: NFC, and with add_tag the event's
 * hashtag appended when the text lacks it and fits as it is (as the
 * composer adds it; a text over the limit is kept as it was said). Fills
 * sc, es, r, norm and norm_len (the stored text: in sc or ar, NULL when
 * the text is not UTF-8), which the caller releases. -1 when memory runs out.
 */
static int
analyze_stored(struct arena *ar, const struct event *e, const char *text, size_t len, bool add_tag,
               struct text_scratch *sc, struct text_entities *es, struct text_parse_result *r,
               const char **norm, size_t *norm_len)
{
    struct text_config cfg = event_config(e);
    const char *event_tag = fold(ar, e->hashtag, strlen(e->hashtag)), *with;
    bool has_tag = false;
    size_t i;

    if (event_tag == NULL ||
        text_analyze(sc, text, len, &cfg, TEXT_FEDIVERSE, r, es, norm, norm_len) != 0)
        return -1;
    for (i = 0; *norm != NULL && i < es->n; i++) {
        const struct text_entity *x = &es->v[i];
        const char *t;
        if (x->type != TEXT_ENTITY_HASHTAG)
            continue;
        t = fold(ar, *norm + x->value_start, x->value_end - x->value_start);
        has_tag = has_tag || (t != NULL && strcmp(t, event_tag) == 0);
    }
    if (!add_tag || has_tag || r->reason != TEXT_VALID || e->hashtag[0] == '\0')
        return 0;
    /* the event's hashtag, added as the composer would */
    with = arena_printf(ar, "%.*s #%s", (int)*norm_len, *norm, e->hashtag);
    text_entities_release(es);
    text_scratch_release(sc);
    memset(es, 0, sizeof(*es));
    memset(sc, 0, sizeof(*sc));
    if (with == NULL ||
        text_analyze(sc, with, strlen(with), &cfg, TEXT_FEDIVERSE, r, es, norm, norm_len) != 0)
        return -1;
    return 0;
}

const char *
post_stored_text(struct arena *ar, const struct event *e, const char *text, size_t len)
{
    struct text_scratch sc = {0};
    struct text_entities es = {0};
    struct text_parse_result r;
    const char *norm = NULL, *out = NULL;
    size_t norm_len = 0;

    if (analyze_stored(ar, e, text, len, true, &sc, &es, &r, &norm, &norm_len) == 0)
        out = norm != NULL ? arena_strndup(ar, norm, norm_len) : arena_strndup(ar, text, len);
    text_entities_release(&es);
    text_scratch_release(&sc);
    return out;
}

/*
 * Checks and prepares a post's text. add_tag: append " #tag" when the event
 * hashtag is missing. force: keep a text over the limit. False with res
 * filled when the text cannot be posted.
 */
static bool
prepare(struct arena *ar, struct response *res, const struct event *e, const char *text, size_t len,
        bool add_tag, bool force, struct prepared *out)
{
    struct text_scratch sc = {0};
    struct text_entities es = {0};
    struct text_buf html = {0};
    struct text_parse_result r;
    const char *norm = NULL;
    size_t norm_len = 0, i, k;
    bool ok = false;

    if (analyze_stored(ar, e, text, len, add_tag, &sc, &es, &r, &norm, &norm_len) != 0) {
        response_error_rc(res, RC_NOMEM);
        goto out;
    }
    switch (r.reason) {
    case TEXT_VALID:
        break;
    case TEXT_INVALID_EMPTY:
        response_error(res, 422, "the post is empty");
        goto out;
    case TEXT_INVALID_UTF8:
        response_error(res, 422, "the post holds a NUL character or is not UTF-8");
        goto out;
    case TEXT_INVALID_CHARACTERS:
        response_error(res, 422, "the post holds U+FFFE, U+FEFF or U+FFFF, which no post may");
        goto out;
    case TEXT_INVALID_TOO_BIG:
        response_error(res, 413, "the post is far too long");
        goto out;
    case TEXT_INVALID_TOO_LONG:
        if (force && r.weighted_length <= 2 * e->char_limit)
            break;
        api_json(res, 422,
                 json_pack("{s:s, s:i, s:i}", "error",
                           arena_printf(ar, "the post is %d characters, the limit is %d",
                                        (int)r.weighted_length, e->char_limit),
                           "weighted_length", (int)r.weighted_length, "limit", e->char_limit));
        goto out;
    }
    if (text_autolink(&html, norm, norm_len, NULL) != 0) {
        response_error_rc(res, RC_NOMEM);
        goto out;
    }
    out->text = arena_strndup(ar, norm, norm_len);
    out->html = arena_strndup(ar, html.data ? html.data : "", html.len);
    out->tags = arena_alloc(ar, MAX_TAGS * sizeof(*out->tags));
    out->n_tags = 0;
    out->weighted_length = r.weighted_length;
    if (out->text == NULL || out->html == NULL || out->tags == NULL) {
        response_error_rc(res, RC_NOMEM);
        goto out;
    }
    for (i = 0; i < es.n && out->n_tags < MAX_TAGS; i++) {
        const char *t;
        if (es.v[i].type != TEXT_ENTITY_HASHTAG)
            continue;
        t = fold(ar, norm + es.v[i].value_start, es.v[i].value_end - es.v[i].value_start);
        if (t == NULL) {
            response_error_rc(res, RC_NOMEM);
            goto out;
        }
        for (k = 0; k < out->n_tags && strcmp(out->tags[k], t) != 0; k++)
            ;
        if (k == out->n_tags)
            out->tags[out->n_tags++] = t;
    }
    ok = true;
out:
    text_buf_release(&html);
    text_entities_release(&es);
    text_scratch_release(&sc);
    return ok;
}

/*
 * The speaker of a post: null or absent for nobody, {"name": …} for one of
 * the event's people (or one of their aliases), {"audience": true,
 * "label": …} for the floor.
 */
static bool
read_speaker(json_t *sp, const struct event *e, struct post *p, struct response *res)
{
    json_t *name, *audience, *label;
    size_t i;

    p->speaker_name = p->speaker_label = NULL;
    p->speaker_audience = false;
    if (sp == NULL || json_is_null(sp))
        return true;
    if (!json_is_object(sp)) {
        response_error(res, 422, "'speaker' must be null, {\"name\": …} or {\"audience\": true}");
        return false;
    }
    name = json_object_get(sp, "name");
    audience = json_object_get(sp, "audience");
    label = json_object_get(sp, "label");
    if (json_is_true(audience)) {
        if (label != NULL && !json_is_null(label) &&
            (!json_is_string(label) || json_string_length(label) > 300)) {
            response_error(res, 422, "'speaker.label' must be a short string");
            return false;
        }
        p->speaker_audience = true;
        p->speaker_label = json_is_string(label) ? json_string_value(label) : NULL;
        return true;
    }
    if (!json_is_string(name)) {
        response_error(res, 422, "'speaker.name' must be the name of one of the event's people");
        return false;
    }
    for (i = 0; i < e->n_people; i++) {
        json_t *aliases = json_loads(e->people[i].aliases_json, 0, NULL);
        bool match = strcmp(e->people[i].name, json_string_value(name)) == 0;
        size_t k;
        for (k = 0; !match && k < json_array_size(aliases); k++)
            match =
                strcmp(json_string_value(json_array_get(aliases, k)), json_string_value(name)) == 0;
        json_decref(aliases);
        if (match) {
            p->speaker_name = e->people[i].name;
            return true;
        }
    }
    response_error(res, 422, "'%s' is none of the event's people", json_string_value(name));
    return false;
}

json_t *
post_json(const struct post *p, const char *slug)
{
    json_t *j = document_post(p);

    if (j != NULL) {
        json_object_set_new(j, "html", json_string(p->html ? p->html : ""));
        json_object_set_new(j, "edited_at", p->edited_at ? json_string(p->edited_at) : json_null());
        json_object_set_new(j, "event", json_string(slug));
        json_object_set_new(j, "state", json_string(p->state ? p->state : "visible"));
    }
    return j;
}

/* The event of slug, with its people when people is true; false with a 404 in res. */
static bool
event_of(struct request *req, struct response *res, struct store *st, const char *slug, bool people,
         struct event *e)
{
    int rc = people ? store_event_get(st, &req->arena, slug, e)
                    : store_event_find(st, &req->arena, slug, e);

    if (rc == RC_NOTFOUND)
        response_error(res, 404, "no event '%s'", slug);
    else if (rc != RC_OK)
        response_error_rc(res, rc);
    return rc == RC_OK;
}

int
posts_all(struct store *st, struct arena *ar, int64_t event_id, struct post **out, size_t *n_out)
{
    struct post_query q = {
        .event_id = event_id, .limit = MAX_LIMIT, .oldest_first = true, .visible_only = true};
    struct post *all = NULL, *page;
    size_t n = 0, cap = 0, got;
    int rc;

    for (;;) {
        if ((rc = store_post_list(st, ar, &q, &page, &got)) != RC_OK)
            return rc;
        if (n + got > cap) {
            struct post *bigger;
            cap = (n + got) * 2;
            if ((bigger = arena_alloc(ar, cap * sizeof(*bigger))) == NULL)
                return RC_NOMEM;
            if (n > 0)
                memcpy(bigger, all, n * sizeof(*all));
            all = bigger;
        }
        if (got > 0)
            memcpy(all + n, page, got * sizeof(*page));
        n += got;
        if (got < (size_t)q.limit)
            break;
        q.since_id = page[got - 1].id;
    }
    *out = all;
    *n_out = n;
    return RC_OK;
}

bool
posts_import(struct arena *ar, struct response *res, struct store *st, const struct event *e,
             json_t *posts)
{
    size_t i;
    json_t *jp;

    if (!json_is_array(posts)) {
        response_error(res, 422, "'posts' must be an array");
        return false;
    }
    json_array_foreach(posts, i, jp)
    {
        struct post p = {.event_id = e->id, .state = "visible"};
        struct prepared pr;
        struct account acc;
        const char *author, *text, *created, *id;
        json_t *likes;
        int rc;

        if (!json_is_object(jp) || !json_is_string(json_object_get(jp, "text")) ||
            !json_is_string(json_object_get(jp, "author"))) {
            response_error(res, 422, "'posts[%zu]' must be an object with 'text' and 'author'", i);
            return false;
        }
        text = json_string_value(json_object_get(jp, "text"));
        author = json_string_value(json_object_get(jp, "author"));
        id = json_string_value(json_object_get(jp, "id"));
        created = json_string_value(json_object_get(jp, "created_at"));
        likes = json_object_get(jp, "likes");
        if ((id != NULL && !document_parse_id(id, &p.id)) ||
            (json_object_get(jp, "id") != NULL && id == NULL)) {
            response_error(res, 422, "'posts[%zu].id' must be a decimal string", i);
            return false;
        }
        if (!prepare(ar, res, e, text, json_string_length(json_object_get(jp, "text")), false, true,
                     &pr) ||
            !read_speaker(json_object_get(jp, "speaker"), e, &p, res))
            return false;
        /* the author, created without a password when unknown here */
        rc = store_account_by_name(st, ar, author, &acc);
        if (rc == RC_NOTFOUND) {
            struct account na = {
                .username = author, .display_name = "", .role = "member", .password_hash = ""};
            rc = store_account_add(st, &na, &acc.id);
        }
        if (rc != RC_OK) {
            response_error(res, rc == RC_INVALID ? 422 : http_status_for_rc(rc),
                           "'posts[%zu].author' cannot be used: %s", i, author);
            return false;
        }
        p.account_id = acc.id;
        p.text = pr.text;
        p.html = pr.html;
        p.tags = pr.tags;
        p.n_tags = pr.n_tags;
        p.created_at = created;
        p.likes = json_is_integer(likes) ? json_integer_value(likes) : 0;
        if ((rc = store_post_add(st, &p, &p.id)) != RC_OK) {
            response_error(res, http_status_for_rc(rc), "'posts[%zu]' cannot be stored (%s)", i,
                           rc == RC_CONFLICT ? "its id is taken" : "storage failed");
            return false;
        }
    }
    return true;
}

const char *
post_admission(struct store *st, const struct event *e, const struct account *acc,
               struct response *res)
{
    if (api_may_edit(st, acc, e))
        return "visible";
    if (strcmp(e->state, "draft") == 0) { /* a draft is its editors' alone: it does not exist */
        response_error(res, 404, "no event '%s'", e->slug);
        return NULL;
    }
    if (!e->audience_posts) {
        response_error(res, 403, "only the event's editors post to it");
        return NULL;
    }
    if (strcmp(e->state, "live") != 0) {
        response_error(res, 403, "the event is not live: its audience posts only while it is");
        return NULL;
    }
    return e->moderation ? "pending" : "visible";
}

const struct event post_no_event = {
    .slug = "", .title = "", .hashtag = "", .char_limit = POST_NO_EVENT_LIMIT, .state = "live"};

bool
post_create(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
            const char *text, size_t len, json_t *speaker, bool force, const char *state,
            struct post *out, struct response *res)
{
    return post_create_ex(st, ar, e, acc, text, len, speaker, force, state, NULL, out, res);
}

bool
post_text_fits(struct arena *ar, const struct event *e, const char *text, size_t len,
               struct response *res)
{
    struct prepared pr;

    if (len > MAX_POST_BYTES) {
        response_error(res, 413, "'text' is longer than %d bytes", MAX_POST_BYTES);
        return false;
    }
    return prepare(ar, res, e, text, len, true, false, &pr);
}

bool
post_create_ex(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
               const char *text, size_t len, json_t *speaker, bool force, const char *state,
               const struct post *extra, struct post *out, struct response *res)
{
    bool editor = e == &post_no_event || api_may_edit(st, acc, e);
    struct prepared pr;
    struct post p = {.state = state};
    char now[STORE_TIME_SIZE];
    int rc;

    if (extra != NULL) {
        p.visibility = extra->visibility;
        p.in_reply_to_id = extra->in_reply_to_id;
        p.spoiler_text = extra->spoiler_text;
        p.sensitive = extra->sensitive;
        p.lang = extra->lang;
        p.created_at = extra->created_at; /* an import keeps the source's time */
    }

    if (len > MAX_POST_BYTES) {
        response_error(res, 413, "'text' is longer than %d bytes", MAX_POST_BYTES);
        return false;
    }
    if (!read_speaker(speaker, e, &p, res))
        return false;
    if (!editor) {
        /* the floor speaks for itself, within the limit */
        if (p.speaker_name != NULL) {
            response_error(res, 422,
                           "only the event's editors name a speaker: the audience's "
                           "posts are from the floor");
            return false;
        }
        p.speaker_audience = true;
        force = false;
    }
    if (!prepare(ar, res, e, text, len, true, force, &pr))
        return false;
    p.event_id = e->id;
    p.account_id = acc->id;
    p.author = acc->username;
    p.text = pr.text;
    p.html = pr.html;
    p.tags = pr.tags;
    p.n_tags = pr.n_tags;
    /* The time is given, not left to SQL, so the post is known without reading it back. */
    if (p.created_at == NULL && (p.created_at = arena_strdup(ar, store_time_now(now))) == NULL) {
        response_error_rc(res, RC_NOMEM);
        return false;
    }
    rc = store_post_add(st, &p, &p.id);
    cache_event_changed(e->slug);
    if (rc != RC_OK) {
        response_error_rc(res, rc);
        return false;
    }
    /* What store_post_add stores for what was left unset (sq_read_post reads the same). */
    p.html = p.html != NULL ? p.html : "";
    p.state = p.state != NULL ? p.state : "visible";
    p.visibility = p.visibility != NULL ? p.visibility : "public";
    p.spoiler_text = p.spoiler_text != NULL ? p.spoiler_text : "";
    if (p.n_tags == 0)
        p.tags = NULL;
    *out = p;
    return true;
}

/* POST /api/v1/events/:slug/posts, on the writer thread (api/writer.c). */
static int
create_post(struct store *st, struct request *req, struct response *res)
{
    struct account acc;
    struct event e;
    struct post p;
    json_t *body = NULL, *text, *force, *speaker;
    const char *state;

    if (!api_account(req, res, st, &acc) ||
        !event_of(req, res, st, request_param(req, "slug"), false, &e))
        return 0;
    if ((state = post_admission(st, &e, &acc, res)) == NULL)
        return 0;
    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    /* the people only for a speaker: an event may have dozens */
    speaker = json_object_get(body, "speaker");
    if (speaker != NULL && !json_is_null(speaker) &&
        !event_of(req, res, st, request_param(req, "slug"), true, &e))
        goto out;
    text = json_object_get(body, "text");
    force = json_object_get(body, "force");
    if (!json_is_string(text)) {
        response_error(res, 422, "'text' must be a string");
        goto out;
    }
    if (json_string_length(text) > MAX_POST_BYTES) {
        response_error(res, 413, "'text' is longer than %d bytes", MAX_POST_BYTES);
        goto out;
    }
    if (force != NULL && !json_is_boolean(force)) {
        response_error(res, 422, "'force' must be true or false");
        goto out;
    }
    if (!post_create(st, &req->arena, &e, &acc, json_string_value(text), json_string_length(text),
                     speaker, json_is_true(force), state, &p, res))
        goto out;
    response_header(res, "Location",
                    arena_printf(&req->arena, "/api/v1/posts/%lld", (long long)p.id));
    api_json(res, 201, post_json(&p, e.slug));
out:
    json_decref(body);
    return 0;
}

/* POST /api/v1/events/:slug/posts {"text": …, "speaker": …, "force": false} */
int
api_posts_create(struct request *req, struct response *res)
{
    return writer_defer(req, res, create_post);
}

/* An optional id argument of the query string; false with a 400 when malformed. */
static bool
query_id(struct request *req, struct response *res, const char *name, int64_t *out)
{
    const char *v = request_query(req, name);

    *out = 0;
    if (v == NULL || *v == '\0')
        return true;
    if (!document_parse_id(v, out)) {
        response_error(res, 400, "'%s' must be a post id", name);
        return false;
    }
    return true;
}

/* GET /api/v1/events/:slug/posts?max_id=&since_id=&limit= : newest first. */
int
api_posts_list(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.limit = DEFAULT_LIMIT, .visible_only = true};
    const char *limit = request_query(req, "limit");
    struct event e;
    struct post *posts;
    size_t n, i;
    json_t *arr;
    int rc;

    const char *slug = request_param(req, "slug"), *max_id = request_query(req, "max_id"),
               *since_id = request_query(req, "since_id");
    /* read before rendering: a write meanwhile makes what we render stale */
    uint64_t gen = cache_event_generation(slug);
    const char *key =
        cache_key(&req->arena, "posts:", (const char *const[]){slug, max_id, since_id, limit}, 4);

    if (key != NULL && cache_answer(key, slug, req, res))
        return 0;
    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!event_of(req, res, st, slug, false, &e))
        return 0;
    if (strcmp(e.state, "draft") == 0)
        return response_error(res, 404, "no event '%s'", e.slug);
    if (!query_id(req, res, "max_id", &q.max_id) || !query_id(req, res, "since_id", &q.since_id))
        return 0;
    if (limit != NULL) {
        char *end;
        long v = strtol(limit, &end, 10);
        if (*limit == '\0' || *end != '\0' || v < 1)
            return response_error(res, 400, "'limit' must be a number from 1 to %d", MAX_LIMIT);
        q.limit = v > MAX_LIMIT ? MAX_LIMIT : (int)v;
    }
    q.event_id = e.id;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return response_error_rc(res, rc);
    if ((arr = json_array()) == NULL)
        return -1;
    for (i = 0; i < n; i++)
        json_array_append_new(arr, post_json(&posts[i], e.slug));
    if (n == (size_t)q.limit)
        response_header(res, "Link",
                        arena_printf(&req->arena,
                                     "</api/v1/events/%s/posts?max_id=%lld&limit=%d>; "
                                     "rel=\"next\"",
                                     e.slug, (long long)posts[n - 1].id, q.limit));
    if (api_json(res, 200, arr) != 0)
        return -1;
    if (key != NULL)
        cache_keep(key, slug, gen, res, req, res);
    return 0;
}

/* The post of ":id" and its event, or a 404 in res. */
static bool
post_for(struct request *req, struct response *res, struct store *st, struct post *p,
         struct event *e)
{
    int64_t id;
    int rc;

    if (!document_parse_id(request_param(req, "id"), &id))
        return response_error(res, 404, "no post '%s'", request_param(req, "id")), false;
    rc = store_post_get(st, &req->arena, id, p);
    if (rc == RC_NOTFOUND)
        return response_error(res, 404, "no post %lld", (long long)id), false;
    if (rc != RC_OK)
        return response_error_rc(res, rc), false;
    if ((rc = store_event_get_id(st, &req->arena, p->event_id, e)) != RC_OK)
        return response_error_rc(res, rc), false;
    return true;
}

/* GET /api/v1/posts/:id */
int
api_posts_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post p;
    struct event e;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!post_for(req, res, st, &p, &e))
        return 0;
    if (strcmp(p.state, "visible") != 0 || strcmp(e.state, "draft") == 0)
        return response_error(res, 404, "no post %s", request_param(req, "id"));
    return api_json(res, 200, post_json(&p, e.slug));
}

bool
post_may_change(const struct account *acc, const struct post *p)
{
    return strcmp(acc->role, "admin") == 0 || acc->id == p->account_id;
}

bool
post_update(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
            struct post *p, const char *text, size_t len, bool set_speaker, json_t *speaker,
            bool force, struct response *res)
{
    struct prepared pr;
    int rc;

    if (!post_may_change(acc, p)) {
        response_error(res, 403, "only its author and the admins change a post");
        return false;
    }
    if (text != NULL && len > MAX_POST_BYTES) {
        response_error(res, 413, "'text' is longer than %d bytes", MAX_POST_BYTES);
        return false;
    }
    if (set_speaker && !read_speaker(speaker, e, p, res))
        return false;
    if (!prepare(ar, res, e, text != NULL ? text : p->text, text != NULL ? len : strlen(p->text),
                 text != NULL, force, &pr))
        return false;
    p->text = pr.text;
    p->html = pr.html;
    p->tags = pr.tags;
    p->n_tags = pr.n_tags;
    rc = store_post_update(st, p);
    cache_event_changed(e->slug);
    if (rc != RC_OK || (rc = store_post_get(st, ar, p->id, p)) != RC_OK) {
        response_error_rc(res, rc);
        return false;
    }
    return true;
}

bool
post_delete(struct store *st, const struct event *e, const struct account *acc,
            const struct post *p, struct response *res)
{
    int rc;

    if (!post_may_change(acc, p)) {
        response_error(res, 403, "only its author and the admins delete a post");
        return false;
    }
    rc = store_post_delete(st, p->id);
    cache_event_changed(e->slug);
    if (rc != RC_OK) {
        response_error_rc(res, rc);
        return false;
    }
    return true;
}

/* PATCH /api/v1/posts/:id, on the writer thread. */
static int
update_post(struct store *st, struct request *req, struct response *res)
{
    struct account acc;
    struct post p;
    struct event e;
    json_t *body = NULL, *text, *force;

    if (!api_account(req, res, st, &acc) || !post_for(req, res, st, &p, &e))
        return 0;
    if (!post_may_change(&acc, &p))
        return response_error(res, 403, "only its author and the admins change a post");
    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    text = json_object_get(body, "text");
    force = json_object_get(body, "force");
    if (text != NULL && !json_is_string(text)) {
        response_error(res, 422, "'text' must be a string");
        goto out;
    }
    if (force != NULL && !json_is_boolean(force)) {
        response_error(res, 422, "'force' must be true or false");
        goto out;
    }
    if (!post_update(st, &req->arena, &e, &acc, &p, json_string_value(text),
                     json_string_length(text), json_object_get(body, "speaker") != NULL,
                     json_object_get(body, "speaker"), json_is_true(force), res))
        goto out;
    api_json(res, 200, post_json(&p, e.slug));
out:
    json_decref(body);
    return 0;
}

/* PATCH /api/v1/posts/:id {"text": …, "speaker": …, "force": …} */
int
api_posts_update(struct request *req, struct response *res)
{
    return writer_defer(req, res, update_post);
}

/* DELETE /api/v1/posts/:id, on the writer thread. */
static int
delete_post(struct store *st, struct request *req, struct response *res)
{
    struct account acc;
    struct post p;
    struct event e;

    if (!api_account(req, res, st, &acc) || !post_for(req, res, st, &p, &e))
        return 0;
    if (!post_delete(st, &e, &acc, &p, res))
        return 0;
    return response_body(res, 204, NULL, "", 0);
}

/* DELETE /api/v1/posts/:id */
int
api_posts_delete(struct request *req, struct response *res)
{
    return writer_defer(req, res, delete_post);
}

/* Whether text carries #tag, folded alike (api/posts.h). */
bool
post_carries_tag(const char *text, const char *tag)
{
    struct text_entities es = {0};
    struct text_buf want = {0};
    size_t i;
    bool found = false;

    if (text_extract_hashtags(text, strlen(text), &es) != 0 ||
        text_tag_fold(&want, tag, strlen(tag)) != 0) {
        text_entities_release(&es);
        text_buf_release(&want);
        return false;
    }
    for (i = 0; i < es.n && !found; i++) {
        struct text_buf got = {0};
        found = text_tag_fold(&got, text + es.v[i].value_start,
                              es.v[i].value_end - es.v[i].value_start) == 0 &&
                got.len == want.len && memcmp(got.data, want.data, got.len) == 0;
        text_buf_release(&got);
    }
    text_entities_release(&es);
    text_buf_release(&want);
    return found;
}
