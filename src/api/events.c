/*
 * api/events.c - /api/v1/events: create, read, change and delete events
 * as event documents (DESIGN.md). Reading is public, except drafts, which
 * only their editors see; admins and accounts with the editor role create
 * events and become their first editor; an event's editors and the admins
 * change it. Posts given in a created document are imported with it (see
 * api/posts.c), in the same request.
 */
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/handlers.h"
#include "api/posts.h"
#include "core/rc.h"

#define MAX_DOCUMENT_POSTS 100000

/* The event of the ":slug" parameter, visible to acc (NULL: anonymous), or a 404 in res. */
static bool
event_for(struct request *req, struct response *res, struct store *st, const struct account *acc,
          struct event *e)
{
    int rc = store_event_get(st, &req->arena, request_param(req, "slug"), e);

    if (rc == RC_OK && strcmp(e->state, "draft") == 0 && (acc == NULL || !api_may_edit(st, acc, e)))
        rc = RC_NOTFOUND; /* a draft is nobody else's business */
    if (rc == RC_NOTFOUND)
        response_error(res, 404, "no event '%s'", request_param(req, "slug"));
    else if (rc != RC_OK)
        response_error_rc(res, rc);
    return rc == RC_OK;
}

/* The signed-in account when there is one; false only on a bad token. */
static bool
optional_account(struct request *req, struct response *res, struct store *st, struct account *acc,
                 bool *signed_in)
{
    *signed_in = request_header(req, "Authorization") != NULL;
    return !*signed_in || api_account(req, res, st, acc);
}

json_t *
event_document_all(struct store *st, struct arena *ar, const struct event *e, int *rc)
{
    struct post *posts = NULL;
    struct comment *comments = NULL;
    size_t n = 0, n_comments = 0;

    if ((*rc = posts_all(st, ar, e->id, &posts, &n)) != RC_OK ||
        (*rc = comments_all(st, ar, e->id, &comments, &n_comments)) != RC_OK)
        return NULL;
    return document_event(e, posts, n, comments, n_comments);
}

/* The document of e with all its visible posts, oldest first. */
static int
answer_document(struct request *req, struct response *res, struct store *st, const struct event *e,
                int status)
{
    int rc;
    json_t *doc = event_document_all(st, &req->arena, e, &rc);

    if (doc == NULL)
        return rc != RC_OK ? response_error_rc(res, rc) : -1;
    return api_json(res, status, doc);
}

bool
event_create(struct store *st, struct arena *ar, json_t *doc, const struct account *creator,
             struct event *e, struct response *res)
{
    json_t *posts, *comments;
    int64_t id;
    int rc;

    if (!document_read_event(doc, ar, false, e, res))
        return false;
    posts = json_object_get(doc, "posts");
    comments = json_object_get(doc, "comments");
    e->created_by = creator->id;
    /* the event, its editor and its posts: one transaction, all or nothing */
    if ((rc = store_begin(st)) != RC_OK)
        return response_error_rc(res, rc), false;
    if ((rc = store_event_add(st, e, &id)) != RC_OK) {
        store_rollback(st);
        if (rc == RC_CONFLICT)
            response_error(res, 409, "an event '%s' exists already", e->slug);
        else
            response_error_rc(res, rc);
        return false;
    }
    e->id = id;
    if ((rc = store_editor_add(st, id, creator->id)) != RC_OK ||
        (posts != NULL && !json_is_null(posts) && !posts_import(ar, res, st, e, posts)) ||
        (comments != NULL && !json_is_null(comments) &&
         !comments_import(ar, res, st, e, comments))) {
        store_rollback(st);
        if (rc != RC_OK)
            response_error_rc(res, rc);
        return false;
    }
    rc = store_commit(st);
    cache_event_changed(e->slug); /* a deleted event of that slug may be cached */
    cache_events_changed();
    if (rc != RC_OK)
        return response_error_rc(res, rc), false;
    return true;
}

/* POST /api/v1/events */
int
api_events_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;
    json_t *doc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc))
        return 0;
    if (strcmp(acc.role, "admin") != 0 && strcmp(acc.role, "editor") != 0)
        return response_error(res, 403, "only admins and editors create events");
    if ((doc = api_body_object(req, res)) == NULL)
        return 0;
    if (event_create(st, &req->arena, doc, &acc, &e, res)) {
        response_header(res, "Location", arena_printf(&req->arena, "/api/v1/events/%s", e.slug));
        answer_document(req, res, st, &e, 201);
    }
    json_decref(doc);
    return 0;
}

/* GET /api/v1/events/:slug */
int
api_events_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;
    bool signed_in;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!optional_account(req, res, st, &acc, &signed_in) ||
        !event_for(req, res, st, signed_in ? &acc : NULL, &e))
        return 0;
    return answer_document(req, res, st, &e, 200);
}

/* GET /api/v1/events: every event anyone may see, without people and posts. */
int
api_events_list(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct event *list;
    size_t n, i;
    json_t *arr;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if ((rc = store_event_list(st, &req->arena, &list, &n)) != RC_OK)
        return response_error_rc(res, rc);
    if ((arr = json_array()) == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        const struct event *e = &list[i];
        if (strcmp(e->state, "draft") == 0)
            continue;
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "slug", e->slug,
                                        "title", e->title, "hashtag", e->hashtag, "state", e->state,
                                        "starts_at", e->starts_at, "ends_at", e->ends_at));
    }
    return api_json(res, 200, arr);
}

/* PATCH /api/v1/events/:slug: the fields given change, the others stay. */
int
api_events_update(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;
    json_t *doc = NULL;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !event_for(req, res, st, &acc, &e))
        return 0;
    if (!api_may_edit(st, &acc, &e))
        return response_error(res, 403, "only the event's editors and admins change it");
    if ((doc = api_body_object(req, res)) == NULL)
        return 0;
    if (json_object_get(doc, "posts") != NULL || json_object_get(doc, "comments") != NULL) {
        response_error(res, 422, "posts and comments are changed through their own addresses");
        goto out;
    }
    const char *old_slug = e.slug;
    if (!document_read_event(doc, &req->arena, true, &e, res))
        goto out;
    rc = store_event_update(st, &e);
    cache_event_changed(old_slug);
    cache_event_changed(e.slug);
    cache_events_changed();
    if (rc != RC_OK) {
        if (rc == RC_CONFLICT)
            response_error(res, 409, "an event '%s' exists already", e.slug);
        else
            response_error_rc(res, rc);
        goto out;
    }
    answer_document(req, res, st, &e, 200);
out:
    json_decref(doc);
    return 0;
}

/* DELETE /api/v1/events/:slug */
int
api_events_delete(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !event_for(req, res, st, &acc, &e))
        return 0;
    if (!api_may_edit(st, &acc, &e))
        return response_error(res, 403, "only the event's editors and admins delete it");
    rc = store_event_delete(st, e.id);
    cache_event_changed(e.slug);
    cache_events_changed();
    if (rc != RC_OK)
        return response_error_rc(res, rc);
    return response_body(res, 204, NULL, "", 0);
}
