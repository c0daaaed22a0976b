/*
 * masto/statuses.c - statuses through the Mastodon API: posted, read,
 * edited, deleted, their thread, favourites and reblogs.
 *
 * Event routing: a status whose hashtags include the hashtag of a live
 * event, from someone who may post to it (its editors; its audience when
 * it takes audience posts), becomes a post of that event, by the very
 * rules of the composer (api/posts.c: the event's limit, the speaker named
 * by a "Name:" prefix, moderation). Any other status is a post of its
 * author's profile, in no event, within 500 characters. An
 * Idempotency-Key sent again within an hour gives back the status it made.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/publisher.h"
#include "api/posts.h"
#include "api/speakers.h"
#include "core/log.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"

#define MAX_KEY   128
#define MAX_MEDIA 4

/* The post of :id that the asker may see, with its event (or post_no_event); false with res. */
static bool
status_param(struct request *req, struct response *res, struct store *st,
             const struct masto_auth *a, struct post *p, struct event *e)
{
    int64_t id;
    int rc = RC_NOTFOUND;

    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_post_get(st, &req->arena, id, p);
    if (rc == RC_OK && p->event_id != 0)
        rc = store_event_find_id(st, &req->arena, p->event_id, e);
    else if (rc == RC_OK)
        *e = post_no_event;
    if (rc == RC_OK) {
        bool mine = a->has_account && a->acc.id == p->account_id;
        bool editor = a->has_account && p->event_id != 0 && api_may_edit(st, &a->acc, e);
        if ((strcmp(p->state, "visible") != 0 && !mine && !editor) ||
            (strcmp(e->state, "draft") == 0 && !editor) ||
            ((strcmp(p->visibility, "private") == 0 || strcmp(p->visibility, "direct") == 0) &&
             !mine))
            rc = RC_NOTFOUND;
    }
    return masto_found(res, rc);
}

/* The post of :id, for a request authorized as masto_authorize says; false with res. */
static bool
status_asked(struct request *req, struct response *res, struct store *st, const char *needed,
             bool user, bool optional, struct masto_auth *a, struct post *p, struct event *e)
{
    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data"), false;
    return masto_authorize(req, res, st, needed, user, optional, a) &&
           status_param(req, res, st, a, p, e);
}

/* ---- event routing ---- */

/*
 * The live events with a hashtag, folded, as routing needs them: read from
 * the store at most once a second and shared by the workers, since every
 * status with a hashtag would read them all otherwise. An event switched
 * to live (or away from it), here or by another process, routes within a
 * second (at once when the change is this process's: cache_events_changed).
 */
#define LIVE_MAX    256
#define LIVE_TTL_MS 1000

struct live_event {
    struct event e;  /* with its people; strings in live.ar */
    const char *tag; /* its hashtag, folded */
};

static struct {
    pthread_mutex_t lock;
    struct timespec at; /* when read; 0: never */
    uint64_t gen;       /* cache_events_generation() then */
    struct arena ar;    /* the events' strings, until the next read */
    struct live_event v[LIVE_MAX];
    size_t n;
} live = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Reads the live events again when the copy is stale; under live.lock. */
static void
live_refresh(struct store *st)
{
    uint64_t gen = cache_events_generation();
    struct arena ar = {0};
    struct timespec now;
    struct event *events;
    size_t n, i, kept = 0;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (live.at.tv_sec != 0 && gen == live.gen &&
        (now.tv_sec - live.at.tv_sec) * 1000 + (now.tv_nsec - live.at.tv_nsec) / 1000000 <
            LIVE_TTL_MS)
        return;
    if (store_event_list(st, &ar, &events, &n) != RC_OK) {
        arena_release(&ar);
        return; /* the last copy serves until the store answers */
    }
    for (i = 0; i < n && kept < LIVE_MAX; i++) {
        struct text_buf folded = {0};
        struct event full;
        if (strcmp(events[i].state, "live") != 0 || events[i].hashtag == NULL ||
            store_event_get(st, &ar, events[i].slug, &full) != RC_OK ||
            text_tag_fold(&folded, full.hashtag, strlen(full.hashtag)) != 0) {
            text_buf_release(&folded);
            continue;
        }
        live.v[kept].e = full;
        live.v[kept].tag = arena_strndup(&ar, folded.data, folded.len);
        text_buf_release(&folded);
        if (live.v[kept].tag != NULL)
            kept++;
    }
    arena_release(&live.ar);
    live.ar = ar;
    live.n = kept;
    live.at = now;
    live.gen = gen;
}

/* A copy of e in ar, with what posting and speakers read (slug, hashtag, people). */
static bool
event_copy(struct arena *ar, const struct event *e, struct event *out)
{
    size_t i;

    *out = *e;
    out->title = out->lang = NULL; /* not read downstream: no copy */
    out->starts_at = out->ends_at = out->timezone = out->series = NULL;
    out->venue_name = out->venue_address = out->venue_url = NULL;
    out->context_md = out->disclaimer_md = out->conclusion_md = out->signature = NULL;
    out->comments = out->comments_until = NULL;
    out->orgs = NULL;
    out->n_orgs = 0;
    out->state = "live";
    if ((out->slug = arena_strndup(ar, e->slug, strlen(e->slug))) == NULL ||
        (out->hashtag = arena_strndup(ar, e->hashtag, strlen(e->hashtag))) == NULL ||
        (e->n_people > 0 &&
         (out->people = arena_alloc(ar, e->n_people * sizeof(*out->people))) == NULL))
        return false;
    for (i = 0; i < e->n_people; i++) {
        const struct person *p = &e->people[i];
        out->people[i].name = arena_strndup(ar, p->name, strlen(p->name));
        out->people[i].affiliation = "";
        out->people[i].role = arena_strndup(ar, p->role, strlen(p->role));
        out->people[i].aliases_json = arena_strndup(ar, p->aliases_json, strlen(p->aliases_json));
        out->people[i].url = NULL;
        if (out->people[i].name == NULL || out->people[i].role == NULL ||
            out->people[i].aliases_json == NULL)
            return false;
    }
    return true;
}

/*
 * The live event a status goes to, with its people: one whose hashtag the
 * text carries and to which acc may post (*state set); false when none.
 */
static bool
route(struct arena *ar, struct store *st, const struct account *acc, const char *text,
      struct event *out, const char **state)
{
    struct text_entities tags = {0};
    struct event candidates[8];
    size_t n = 0, i, k;
    bool found = false;

    if (text_extract_hashtags(text, strlen(text), &tags) != 0 || tags.n == 0) {
        text_entities_release(&tags);
        return false;
    }
    /* the events the text's tags name, copied out of the shared list */
    pthread_mutex_lock(&live.lock);
    live_refresh(st);
    for (k = 0; k < tags.n && n < 8; k++) {
        struct text_buf b = {0};
        const struct text_entity *t = &tags.v[k];
        if (text_tag_fold(&b, text + t->value_start, t->value_end - t->value_start) == 0)
            for (i = 0; i < live.n && n < 8; i++)
                if (b.len == strlen(live.v[i].tag) && memcmp(b.data, live.v[i].tag, b.len) == 0 &&
                    event_copy(ar, &live.v[i].e, &candidates[n]))
                    n++;
        text_buf_release(&b);
    }
    pthread_mutex_unlock(&live.lock);
    text_entities_release(&tags);
    for (i = 0; i < n && !found; i++) {
        struct response probe = {0};
        *state = post_admission(st, &candidates[i], acc, &probe);
        response_body_drop(&probe); /* why not: the status then goes to the profile */
        if (*state != NULL) {
            *out = candidates[i];
            found = true;
        }
    }
    return found;
}

/*
 * Where a status posted now goes, by the composer's rules: a public one
 * carrying a live event's hashtag, from someone who may post there, to that
 * event (*state set), the speaker an editor's "Name:" prefix names - one of
 * the event's people (*speaker) or the floor (*audience_label). False for
 * the author's profile.
 */
static bool
destination(struct arena *ar, struct store *st, const struct account *acc, const char *visibility,
            const char *text, struct event *e, const char **state, const char **speaker,
            const char **audience_label)
{
    struct speaker_match m;

    *speaker = *audience_label = NULL;
    if ((visibility != NULL && strcmp(visibility, "public") != 0) ||
        !route(ar, st, acc, text, e, state))
        return false;
    if (api_may_edit(st, acc, e)) /* the audience's own posts are the floor's anyway */
        switch (speaker_find(ar, e, text, &m)) {
        case SPEAKER_PERSON:
            *speaker = m.name;
            break;
        case SPEAKER_AUDIENCE:
            *audience_label = m.label;
            break;
        case SPEAKER_NONE:
            break;
        }
    return true;
}

/* The speaker as post_create_ex takes it (NULL: nobody); false when out of memory. */
static bool
speaker_json(const char *speaker, const char *audience_label, json_t **out)
{
    *out = NULL;
    if (speaker != NULL)
        *out = json_pack("{s:s}", "name", speaker);
    else if (audience_label != NULL)
        *out = json_pack("{s:b, s:s}", "audience", 1, "label", audience_label);
    return *out != NULL || (speaker == NULL && audience_label == NULL);
}

/* ---- create, read, edit, delete ---- */

/* The media_ids of a new status: at most MAX_MEDIA of the asker's, not attached yet. */
static bool
media_check(struct request *req, struct response *res, struct store *st, const struct masto_auth *a,
            json_t *media, int64_t *ids, size_t *n_ids)
{
    size_t i;

    if (!json_is_array(media))
        return masto_error(res, 422, "media_ids must be a list of media ids"), false;
    if (json_array_size(media) > MAX_MEDIA)
        return masto_error(res, 422, "Validation failed: at most %d media per status", MAX_MEDIA),
               false;
    for (i = 0; i < json_array_size(media); i++) {
        const char *id = json_string_value(json_array_get(media, i));
        struct media m;
        bool kept = false; /* for a scheduled status */
        if (id == NULL || !document_parse_id(id, &ids[i]) ||
            store_media_get(st, &req->arena, ids[i], &m) != RC_OK || m.account_id != a->acc.id ||
            m.post_id != 0 || store_media_scheduled(st, a->acc.id, ids[i], &kept) != RC_OK || kept)
            return masto_error(res, 422,
                               "Validation failed: media %s is not one of yours waiting to be "
                               "posted",
                               id != NULL ? id : "?"),
                   false;
    }
    *n_ids = i;
    return true;
}

/* What the worker thread decided of a new status, for the writer thread to store. */
struct status_plan {
    struct masto_auth a;
    const char *text, *key, *state, *speaker; /* speaker: a person of the event, or NULL */
    const char *audience_label;               /* or the floor, in these words */
    struct post extra;
    struct event e; /* with its people when a speaker is named */
    bool to_event;
    int64_t ids[MAX_MEDIA];
    size_t n_ids;
    struct post stored; /* what the writer stored, for the answer */
    /* the author's posts counted by the writer after storing (posts_counted: read) */
    bool posts_counted;
    int64_t posts;
    const char *last_post_at;
};

/* s copied into the request's arena (the parameters' JSON does not outlive the worker's part). */
static const char *
keep_str(struct request *req, const char *s)
{
    return s != NULL ? arena_strndup(&req->arena, s, strlen(s)) : NULL;
}

/*
 * The answer to a status the writer stored, made on the connection's own
 * thread once its transaction is committed (response_finish_later): the
 * writer is one thread for every post, and this rendering was a fifth of
 * its time.
 */
static int
answer_stored_status(struct request *req, struct response *res)
{
    struct status_plan *plan = req->data;
    struct store *st = app_store(req->app);
    struct status_known k = {.author = &plan->a.acc,
                             .event = plan->to_event ? &plan->e : NULL,
                             .fresh = true,
                             .has_media = plan->n_ids > 0,
                             .author_counted = plan->posts_counted,
                             .author_posts = plan->posts,
                             .author_last_at = plan->last_post_at};

    if (st == NULL)
        return masto_error(res, 500,
                           "the status %lld was stored, but the server could not read it back",
                           (long long)plan->stored.id);
    return masto_status_answer(req, res, st, &plan->stored, plan->a.acc.id, &k);
}

/*
 * The writer's part (api/writer.c's group commit, shared with the native
 * API's posts): stores what the plan says; the answer is made after the
 * commit (answer_stored_status).
 */
static int
create_status(struct store *st, struct request *req, struct response *res)
{
    struct status_plan *plan = req->data;
    json_t *speaker = NULL;
    struct post p;
    int64_t earlier;
    int rc;

    /* the same key sent twice at once: the second finds the first here */
    if (plan->key != NULL &&
        store_idempotency_get(st, plan->a.acc.id, plan->key, &earlier) == RC_OK &&
        store_post_get(st, &req->arena, earlier, &p) == RC_OK)
        return masto_status_answer(req, res, st, &p, plan->a.acc.id, NULL);
    if (!speaker_json(plan->speaker, plan->audience_label, &speaker))
        return masto_error(res, 500, "out of memory");
    rc = post_create_ex(st, &req->arena, plan->to_event ? &plan->e : &post_no_event, &plan->a.acc,
                        plan->text, strlen(plan->text), speaker, false, plan->state, &plan->extra,
                        &p, res);
    json_decref(speaker);
    if (!rc)
        return 0;
    if (plan->n_ids > 0 &&
        store_media_attach(st, p.id, plan->a.acc.id, plan->ids, plan->n_ids) != RC_OK)
        return masto_error(res, 422, "Validation failed: the media were attached meanwhile");
    /* a failure here undoes the status too (the writer's savepoint): nothing was stored */
    if (plan->key != NULL &&
        (rc = store_idempotency_put(st, plan->a.acc.id, plan->key, p.id)) != RC_OK)
        return masto_store_error(res, rc,
                                 "the status could not be stored with its Idempotency-Key");
    plan->stored = p;
    /*
     * The author's count, read here inside the writer's transaction (a
     * lookup by id), saves the answer a read transaction of its own on the
     * connection's thread; if it fails, the answer reads it there.
     */
    plan->posts_counted = store_account_posts(st, &req->arena, plan->a.acc.id, &plan->posts,
                                              &plan->last_post_at) == RC_OK;
    response_finish_later(res, 200, answer_stored_status);
    return 0;
}

/*
 * What a status may ask that this server cannot do, refused rather than
 * dropped: posted without its poll, it would not be what its author sent.
 * False with a 422 in res.
 */
static bool
nothing_unsupported(struct response *res, json_t *params)
{
    const char *key;
    json_t *v;

    json_object_foreach(params, key, v)
    {
        if (strncmp(key, "poll", 4) == 0 && (key[4] == '\0' || key[4] == '[') && !json_is_null(v))
            return masto_error(res, 422,
                               "Validation failed: this server takes no polls (its instance says "
                               "polls.max_options 0); nothing was posted"),
                   false;
    }
    return true;
}

/* ---- scheduled statuses ---- */

/*
 * A status with scheduled_at: checked now as it will be posted (its text
 * against the profile's limit; the event it goes to is chosen when it is
 * posted, the event may not be live yet), kept, and answered with the
 * ScheduledStatus, its pictures kept for it. A time not in the future is
 * refused.
 */
static int
schedule(struct request *req, struct response *res, struct store *st,
         const struct status_plan *plan, const char *when)
{
    struct scheduled_status kept;
    char *params_text;
    json_t *params;
    time_t at;
    int64_t id, count;
    int rc;

    if (!masto_client_time(when, &at))
        return masto_error(res, 422,
                           "Validation failed: scheduled_at is not a time such as "
                           "2026-11-20T19:05:00.000Z");
    if (at <= time(NULL))
        return masto_error(res, 422,
                           "Validation failed: scheduled_at must be in the future; nothing was "
                           "posted");
    if (!post_text_fits(&req->arena, &post_no_event, plan->text, strlen(plan->text), res))
        return 0;
    /* a bound on what one account keeps (and on what media_check reads) */
    if (store_scheduled_count(st, plan->a.acc.id, &count) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    if (count >= STORE_SCHEDULED_MAX)
        return masto_error(res, 422,
                           "Validation failed: you have %d scheduled statuses, the most one may "
                           "have; nothing was posted",
                           STORE_SCHEDULED_MAX);
    if ((params = json_object()) == NULL)
        return masto_error(res, 500, "out of memory");
    json_object_set_new(params, "text", json_string(plan->text));
    json_object_set_new(
        params, "visibility",
        json_string(plan->extra.visibility != NULL ? plan->extra.visibility : "public"));
    json_object_set_new(
        params, "spoiler_text",
        json_string(plan->extra.spoiler_text != NULL ? plan->extra.spoiler_text : ""));
    json_object_set_new(params, "sensitive", json_boolean(plan->extra.sensitive));
    json_object_set_new(params, "language",
                        plan->extra.lang != NULL ? json_string(plan->extra.lang) : json_null());
    json_object_set_new(params, "in_reply_to_id",
                        plan->extra.in_reply_to_id != 0 ? document_id(plan->extra.in_reply_to_id)
                                                        : json_null());
    if (plan->n_ids > 0) { /* kept for it: no other status may take them (media_check) */
        json_t *media = json_array();
        size_t i;
        for (i = 0; i < plan->n_ids; i++)
            json_array_append_new(media, document_id(plan->ids[i]));
        json_object_set_new(params, "media_ids", media);
    }
    params_text = json_dumps(params, JSON_COMPACT);
    json_decref(params);
    if (params_text == NULL)
        return masto_error(res, 500, "out of memory");
    rc = store_scheduled_add(st, plan->a.acc.id, masto_store_time(&req->arena, at), params_text,
                             plan->key, &id);
    free(params_text);
    /* the same key sent twice at once: the second finds the first */
    if (rc == RC_CONFLICT && plan->key != NULL &&
        store_scheduled_by_key(st, &req->arena, plan->a.acc.id, plan->key, &kept) == RC_OK)
        return masto_json(res, 200, masto_scheduled_json(req, st, &kept));
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the status could not be scheduled");
    if (store_scheduled_get(st, &req->arena, plan->a.acc.id, id, &kept) != RC_OK)
        return masto_error(res, 500, "the status %lld was scheduled, but could not be read back",
                           (long long)id);
    return masto_json(res, 200, masto_scheduled_json(req, st, &kept));
}

/* The ids of the pictures a scheduled status keeps (its params' media_ids), at most MAX_MEDIA. */
static size_t
scheduled_media(json_t *params, int64_t ids[MAX_MEDIA])
{
    json_t *media = json_object_get(params, "media_ids");
    size_t i, n = 0;

    for (i = 0; i < json_array_size(media) && n < MAX_MEDIA; i++)
        if (document_parse_id(json_string_value(json_array_get(media, i)), &ids[n]))
            n++;
    return n;
}

/* s copied into ar (NULL stays NULL, and so does a copy that finds no memory). */
static const char *
arena_str(struct arena *ar, const char *s)
{
    return s != NULL ? arena_strndup(ar, s, strlen(s)) : NULL;
}

int
masto_status_post_scheduled(struct store *st, struct arena *ar, const struct account *acc,
                            const char *params_text, struct post *out)
{
    json_t *params = json_loads(params_text, 0, NULL), *speaker = NULL;
    struct response scratch = {0};
    const char *text, *state = "visible", *reply, *named, *floor;
    struct post extra = {0}, parent;
    struct event e;
    bool to_event, ok;
    int64_t ids[MAX_MEDIA];
    size_t n_ids;
    int rc;

    if (params == NULL || (text = json_string_value(json_object_get(params, "text"))) == NULL) {
        json_decref(params);
        return RC_INVALID;
    }
    /* copied: what is stored outlives the parameters */
    extra.visibility = arena_str(ar, json_string_value(json_object_get(params, "visibility")));
    extra.spoiler_text = arena_str(ar, json_string_value(json_object_get(params, "spoiler_text")));
    extra.sensitive = json_is_true(json_object_get(params, "sensitive"));
    extra.lang = arena_str(ar, json_string_value(json_object_get(params, "language")));
    if ((text = arena_str(ar, text)) == NULL) {
        json_decref(params);
        return RC_NOMEM;
    }
    /* a reply whose status went meanwhile is posted as a status of its own */
    if ((reply = json_string_value(json_object_get(params, "in_reply_to_id"))) != NULL &&
        document_parse_id(reply, &extra.in_reply_to_id) &&
        (store_post_get(st, ar, extra.in_reply_to_id, &parent) != RC_OK ||
         strcmp(parent.state, "visible") != 0))
        extra.in_reply_to_id = 0;
    /* routed now, as a status posted now: to the event live now */
    to_event = destination(ar, st, acc, extra.visibility, text, &e, &state, &named, &floor);
    if (!speaker_json(named, floor, &speaker)) {
        json_decref(params);
        return RC_NOMEM;
    }
    ok = post_create_ex(st, ar, to_event ? &e : &post_no_event, acc, text, strlen(text), speaker,
                        false, state, &extra, out, &scratch);
    if (!ok && to_event && scratch.status < 500) {
        /* the event refuses it (its own limit): the author's profile keeps it */
        response_reset(&scratch);
        ok = post_create_ex(st, ar, &post_no_event, acc, text, strlen(text), NULL, false, "visible",
                            &extra, out, &scratch);
    }
    rc = ok ? RC_OK : scratch.status >= 500 ? RC_IO : RC_INVALID;
    if (ok && (n_ids = scheduled_media(params, ids)) > 0 &&
        store_media_attach(st, out->id, acc->id, ids, n_ids) != RC_OK)
        log_warnx("scheduler: status %lld posted without its pictures (they could not be "
                  "attached)",
                  (long long)out->id);
    response_reset(&scratch);
    json_decref(speaker);
    json_decref(params);
    return rc;
}

/*
 * POST /api/v1/statuses  status, in_reply_to_id, media_ids[], sensitive,
 * spoiler_text, visibility, language. What only reads (the token, the
 * parameters, the event it goes to, its speaker, the media) is done here,
 * on the worker thread; the writing on the writer's, in its group commit.
 */
int
masto_status_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *key = request_header(req, "Idempotency-Key"), *visibility, *reply, *when;
    struct status_plan *plan = arena_alloc(&req->arena, sizeof(*plan));
    json_t *params = NULL, *media;
    struct scheduled_status scheduled;
    int64_t earlier;
    struct post p;
    int status = 0;

    if (st == NULL || plan == NULL)
        return masto_error(res, 500, "the server could not open its data");
    memset(plan, 0, sizeof(*plan));
    if (!masto_authorize(req, res, st, "write:statuses", true, false, &plan->a))
        return 0;
    if (key != NULL && (key[0] == '\0' || strlen(key) > MAX_KEY))
        return masto_error(res, 422, "Idempotency-Key must be 1 to %d characters", MAX_KEY);
    if (key != NULL && store_idempotency_get(st, plan->a.acc.id, key, &earlier) == RC_OK &&
        store_post_get(st, &req->arena, earlier, &p) == RC_OK)
        return masto_status_answer(req, res, st, &p, plan->a.acc.id, NULL);
    plan->key = key;
    if ((params = masto_params(req, res)) == NULL)
        return 0;
    if ((when = masto_string(params, "scheduled_at")) != NULL && when[0] == '\0')
        when = NULL;
    /* a retry of a status scheduled with this key: the one kept (media_check would refuse
     * its pictures, kept for it) */
    if (when != NULL && key != NULL &&
        store_scheduled_by_key(st, &req->arena, plan->a.acc.id, key, &scheduled) == RC_OK) {
        status = masto_json(res, 200, masto_scheduled_json(req, st, &scheduled));
        goto out;
    }
    plan->text = keep_str(req, masto_string(params, "status"));
    visibility = masto_string(params, "visibility");
    reply = masto_string(params, "in_reply_to_id");
    media = json_object_get(params, "media_ids");
    if (json_is_string(media)) { /* one id, sent without [] */
        media = json_pack("[O]", media);
        json_object_set_new(params, "media_ids", media);
    }
    if (media != NULL && !media_check(req, res, st, &plan->a, media, plan->ids, &plan->n_ids))
        goto out;
    if (plan->text == NULL || plan->text[strspn(plan->text, " \t\r\n")] == '\0') {
        masto_error(res, 422, "Validation failed: Text can't be blank");
        goto out;
    }
    if (!nothing_unsupported(res, params))
        goto out;
    if (visibility != NULL && strcmp(visibility, "public") != 0 &&
        strcmp(visibility, "unlisted") != 0 && strcmp(visibility, "private") != 0 &&
        strcmp(visibility, "direct") != 0) {
        masto_error(res, 422, "Validation failed: Visibility is not included in the list");
        goto out;
    }
    plan->extra.visibility = keep_str(req, visibility);
    plan->extra.spoiler_text = keep_str(req, masto_string(params, "spoiler_text"));
    plan->extra.sensitive =
        masto_bool(params, "sensitive", false) ||
        (plan->extra.spoiler_text != NULL && plan->extra.spoiler_text[0] != '\0');
    plan->extra.lang = keep_str(req, masto_string(params, "language"));
    if (plan->extra.lang != NULL && (strlen(plan->extra.lang) < 2 || strlen(plan->extra.lang) > 8))
        plan->extra.lang = NULL;
    if (reply != NULL && reply[0] != '\0') {
        struct post parent;
        if (!document_parse_id(reply, &plan->extra.in_reply_to_id) ||
            store_post_get(st, &req->arena, plan->extra.in_reply_to_id, &parent) != RC_OK ||
            strcmp(parent.state, "visible") != 0) {
            masto_error(res, 404, "Record not found");
            goto out;
        }
    }
    if (when != NULL) {
        status = schedule(req, res, st, plan, when);
        goto out;
    }
    plan->state = "visible";
    plan->to_event = destination(&req->arena, st, &plan->a.acc, visibility, plan->text, &plan->e,
                                 &plan->state, &plan->speaker, &plan->audience_label);
    req->data = plan;
    status = writer_defer(req, res, create_status);
out:
    json_decref(params);
    return status;
}

/* GET /api/v1/statuses/:id */
int
masto_status_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;

    if (!status_asked(req, res, st, "read:statuses", false, true, &a, &p, &e))
        return 0;
    return masto_status_answer(req, res, st, &p, a.has_account ? a.acc.id : 0, NULL);
}

/* PUT /api/v1/statuses/:id  status: its author edits the text. */
int
masto_status_update(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;
    json_t *params;
    const char *text;

    if (!status_asked(req, res, st, "write:statuses", true, false, &a, &p, &e) ||
        (params = masto_params(req, res)) == NULL)
        return 0;
    text = masto_string(params, "status");
    if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
        masto_error(res, 422, "Validation failed: Text can't be blank");
    else if (p.account_id != a.acc.id)
        masto_error(res, 403, "This action is not allowed");
    else if (p.event_id != 0 && store_event_get(st, &req->arena, e.slug, &e) != RC_OK)
        masto_error(res, 500, "the server could not read its data");
    else if (post_update(st, &req->arena, &e, &a.acc, &p, text, strlen(text), false, NULL, false,
                         res))
        masto_status_answer(req, res, st, &p, a.acc.id, NULL);
    json_decref(params);
    return 0;
}

/* DELETE /api/v1/statuses/:id: the status, with its text (for "delete and redraft"). */
int
masto_status_delete(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;
    json_t *j;

    if (!status_asked(req, res, st, "write:statuses", true, false, &a, &p, &e))
        return 0;
    if (!post_may_change(&a.acc, &p))
        return masto_error(res, 403, "This action is not allowed");
    if ((j = masto_status(req, st, &p, a.acc.id)) == NULL)
        return masto_error(res, 500, "out of memory");
    json_object_set_new(j, "text", json_string(p.text));
    if (!post_delete(st, &e, &a.acc, &p, res)) {
        json_decref(j);
        return 0;
    }
    return masto_json(res, 200, j);
}

/* Loads the posts of ids that the asker may see, as statuses. */
static json_t *
statuses_of(struct request *req, struct store *st, const struct masto_auth *a, const int64_t *ids,
            size_t n)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr != NULL && i < n; i++) {
        struct post p;
        struct event e;
        if (store_post_get(st, &req->arena, ids[i], &p) != RC_OK ||
            strcmp(p.state, "visible") != 0 ||
            (strcmp(p.visibility, "public") != 0 && strcmp(p.visibility, "unlisted") != 0 &&
             !(a->has_account && a->acc.id == p.account_id)) ||
            (p.event_id != 0 && (store_event_find_id(st, &req->arena, p.event_id, &e) != RC_OK ||
                                 strcmp(e.state, "draft") == 0)))
            continue;
        json_array_append_new(arr, masto_status(req, st, &p, a->has_account ? a->acc.id : 0));
    }
    return arr;
}

/* GET /api/v1/statuses/:id/context */
int
masto_status_context(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    int64_t *up, *down;
    size_t n_up, n_down;
    struct masto_auth a;
    struct event e;
    struct post p;

    if (!status_asked(req, res, st, "read:statuses", false, true, &a, &p, &e))
        return 0;
    if (store_post_thread(st, &req->arena, p.id, &up, &n_up, &down, &n_down) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    return masto_json(res, 200,
                      json_pack("{s:o, s:o}", "ancestors", statuses_of(req, st, &a, up, n_up),
                                "descendants", statuses_of(req, st, &a, down, n_down)));
}

/* What an account marks a status with: a favourite (public: its author is told), a bookmark
 * (its own). */
enum mark { FAVOURITE, BOOKMARK };

/* Marks :id (on) or takes the mark away; the status after. */
static int
mark(struct request *req, struct response *res, enum mark kind, bool on)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;
    int rc;

    if (!status_asked(req, res, st, kind == FAVOURITE ? "write:favourites" : "write:bookmarks",
                      true, false, &a, &p, &e))
        return 0;
    rc = kind == FAVOURITE ? store_post_like(st, a.acc.id, p.id, on, &p.likes)
                           : store_bookmark(st, a.acc.id, p.id, on);
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the server could not store it");
    if (kind == FAVOURITE && on)
        publisher_favourited(req, st, a.acc.id, &p);
    /* "" for a post of no event: the timelines hear of it; kept pages show the mark */
    cache_event_changed(e.slug);
    return masto_status_answer(req, res, st, &p, a.acc.id, NULL);
}

int
masto_status_favourite(struct request *req, struct response *res)
{
    return mark(req, res, FAVOURITE, true);
}

#define MAX_PINS 5 /* as Mastodon */

/* Pins (on) or unpins :id on its author's profile; the status after. */
static int
pin(struct request *req, struct response *res, bool on)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct post *pinned;
    struct event e;
    struct post p;
    size_t n, i;
    int rc;

    if (!status_asked(req, res, st, "write:accounts", true, false, &a, &p, &e))
        return 0;
    if (p.account_id != a.acc.id)
        return masto_error(res, 422, "Validation failed: Someone else's post cannot be pinned");
    if (on && strcmp(p.visibility, "public") != 0 && strcmp(p.visibility, "unlisted") != 0)
        return masto_error(res, 422,
                           "Validation failed: Only public and unlisted posts can be pinned");
    if (on) {
        if (store_post_list_pinned(st, &req->arena, a.acc.id, MAX_PINS + 1, &pinned, &n) != RC_OK)
            return masto_error(res, 500, "the server could not read its data");
        for (i = 0; i < n && pinned[i].id != p.id; i++)
            ;
        if (i == n && n >= MAX_PINS)
            return masto_error(res, 422,
                               "Validation failed: You have already pinned the maximum number "
                               "of posts (%d)",
                               MAX_PINS);
    }
    if ((rc = store_pin(st, p.id, on)) != RC_OK)
        return masto_store_error(res, rc, "the server could not store it");
    cache_event_changed(e.slug); /* the author's kept pages show it pinned */
    return masto_status_answer(req, res, st, &p, a.acc.id, NULL);
}

int
masto_status_pin(struct request *req, struct response *res)
{
    return pin(req, res, true);
}

int
masto_status_unpin(struct request *req, struct response *res)
{
    return pin(req, res, false);
}

int
masto_status_bookmark(struct request *req, struct response *res)
{
    return mark(req, res, BOOKMARK, true);
}

int
masto_status_unbookmark(struct request *req, struct response *res)
{
    return mark(req, res, BOOKMARK, false);
}

int
masto_status_unfavourite(struct request *req, struct response *res)
{
    return mark(req, res, FAVOURITE, false);
}

/* GET /api/v1/statuses/:id/favourited_by, /reblogged_by */
int
masto_status_favourited_by(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *limit = request_query(req, "limit");
    bool reblogs = strstr(req->path, "/reblogged_by") != NULL;
    struct account *accs;
    struct masto_auth a;
    struct event e;
    struct post p;
    size_t n, i;
    json_t *arr;

    if (!status_asked(req, res, st, NULL, false, true, &a, &p, &e))
        return 0;
    if (store_post_accounts(st, &req->arena, p.id, reblogs, limit != NULL ? atoi(limit) : 40, &accs,
                            &n) != RC_OK ||
        (arr = json_array()) == NULL)
        return masto_error(res, 500, "the server could not read its data");
    for (i = 0; i < n; i++)
        json_array_append_new(arr, masto_account(req, st, &accs[i]));
    return masto_json(res, 200, arr);
}

/* GET /api/v1/statuses/:id/source: the text as written, for an app's edit box. */
int
masto_status_source(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;

    if (!status_asked(req, res, st, "read:statuses", true, false, &a, &p, &e))
        return 0;
    return masto_json(res, 200,
                      json_pack("{s:o, s:s, s:s}", "id", document_id(p.id), "text", p.text,
                                "spoiler_text", p.spoiler_text != NULL ? p.spoiler_text : ""));
}

/*
 * GET /api/v1/statuses/:id/history: the status's versions, oldest first.
 * Only the current one is kept here (an edit replaces the text), so the
 * list holds it alone, dated by its last edit.
 */
int
masto_status_history(struct request *req, struct response *res)
{
    static const char *const kept[] = {"content", "spoiler_text",      "sensitive",
                                       "account", "media_attachments", "emojis"};
    struct store *st = app_store(req->app);
    json_t *status, *version;
    struct masto_auth a;
    struct event e;
    struct post p;
    size_t i;

    if (!status_asked(req, res, st, NULL, false, true, &a, &p, &e))
        return 0;
    if ((status = masto_status(req, st, &p, a.has_account ? a.acc.id : 0)) == NULL ||
        (version = json_object()) == NULL) {
        json_decref(status);
        return masto_error(res, 500, "out of memory");
    }
    for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        json_object_set(version, kept[i], json_object_get(status, kept[i]));
    json_object_set_new(
        version, "created_at",
        json_string(masto_time(&req->arena, p.edited_at != NULL ? p.edited_at : p.created_at)));
    json_object_set_new(version, "poll", json_null());
    json_decref(status);
    return masto_json(res, 200, json_pack("[o]", version));
}

/* Reblogs (on) or undoes it: the reblog, a status whose "reblog" is the one reblogged. */
static int
reblog(struct request *req, struct response *res, bool on)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct event e;
    struct post p;
    int rc;
    json_t *original, *wrapper;

    if (!status_asked(req, res, st, "write:statuses", true, false, &a, &p, &e))
        return 0;
    if (strcmp(p.visibility, "public") != 0 && strcmp(p.visibility, "unlisted") != 0)
        return masto_error(res, 422, "Validation failed: Reblog of status is not allowed");
    if ((rc = store_reblog(st, a.acc.id, p.id, on)) != RC_OK)
        return masto_store_error(res, rc, "the server could not store it");
    if (on)
        masto_notify_mark(req, st, true, a.acc.id, &p);
    cache_event_changed(e.slug);
    if ((original = masto_status(req, st, &p, a.acc.id)) == NULL)
        return masto_error(res, 500, "out of memory");
    if (!on)
        return masto_json(res, 200, original);
    wrapper = json_deep_copy(original);
    json_object_set_new(wrapper, "account", masto_account(req, st, &a.acc));
    json_object_set_new(wrapper, "content", json_string(""));
    json_object_set_new(wrapper, "reblog", original);
    return masto_json(res, 200, wrapper);
}

int
masto_status_reblog(struct request *req, struct response *res)
{
    return reblog(req, res, true);
}

int
masto_status_unreblog(struct request *req, struct response *res)
{
    return reblog(req, res, false);
}
