/*
 * api/moderation.c - the queue of an event's audience posts when it is
 * moderated: its editors list what waits, follow it live, and approve or
 * hide each post. Approving publishes the post to the event's streams
 * (the change log's "post"); hiding keeps it out of them for good. The
 * web's /e/{slug}/moderate uses the same store calls.
 */
#include <string.h>

#include "api/cache.h"
#include "api/handlers.h"
#include "api/posts.h"
#include "api/publisher.h"
#include "core/rc.h"

#define MAX_PENDING 200

/* The event of :slug if acc may moderate it; false with the answer in res. */
static bool
moderated_event(struct request *req, struct response *res, struct store *st,
                const struct account *acc, struct event *e)
{
    const char *slug = request_param(req, "slug");
    int rc = store_event_find(st, &req->arena, slug, e);

    if (rc == RC_NOTFOUND)
        return response_error(res, 404, "no event '%s'", slug), false;
    if (rc != RC_OK)
        return response_error_rc(res, rc), false;
    if (!api_may_edit(st, acc, e))
        return response_error(res, 403, "only the event's editors moderate it"), false;
    return true;
}

/* GET /api/v1/events/:slug/pending: the posts waiting, oldest first. */
int
api_moderation_pending(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.limit = MAX_PENDING, .oldest_first = true, .state = "pending"};
    struct account acc;
    struct event e;
    struct post *posts;
    size_t n, i;
    json_t *arr;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !moderated_event(req, res, st, &acc, &e))
        return 0;
    q.event_id = e.id;
    if ((rc = store_post_list(st, &req->arena, &q, &posts, &n)) != RC_OK)
        return response_error_rc(res, rc);
    if ((arr = json_array()) == NULL)
        return -1;
    for (i = 0; i < n; i++)
        json_array_append_new(arr, post_json(&posts[i], e.slug));
    response_header(res, "Cache-Control", "no-store");
    return api_json(res, 200, arr);
}

/* GET /api/v1/events/:slug/moderation/stream: "pending" and "moderated" events. */
int
api_moderation_stream(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !moderated_event(req, res, st, &acc, &e))
        return 0;
    return api_stream_open(req, res, change_event_topic(&req->arena, 'm', e.id), e.id);
}

bool
post_moderate(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
              struct post *p, const char *state, struct response *res)
{
    int rc;

    if (!api_may_edit(st, acc, e)) {
        response_error(res, 403, "only the event's editors moderate its posts");
        return false;
    }
    if (strcmp(p->state, state) == 0)
        return true; /* approved twice: still approved */
    rc = store_post_set_state(st, p->id, state);
    cache_event_changed(e->slug);
    if (rc != RC_OK || (rc = store_post_get(st, ar, p->id, p)) != RC_OK) {
        response_error_rc(res, rc);
        return false;
    }
    return true;
}

/* POST /api/v1/posts/:id/approve or /hide, on the writer thread. */
static int
moderate(struct store *st, struct request *req, struct response *res, const char *state)
{
    struct account acc;
    struct event e;
    struct post p;
    int64_t id;
    int rc;

    if (!api_account(req, res, st, &acc))
        return 0;
    if (!document_parse_id(request_param(req, "id"), &id))
        return response_error(res, 404, "no post '%s'", request_param(req, "id"));
    if ((rc = store_post_get(st, &req->arena, id, &p)) == RC_OK)
        rc = store_event_find_id(st, &req->arena, p.event_id, &e);
    if (rc == RC_NOTFOUND)
        return response_error(res, 404, "no post %lld", (long long)id);
    if (rc != RC_OK)
        return response_error_rc(res, rc);
    if (!post_moderate(st, &req->arena, &e, &acc, &p, state, res))
        return 0;
    return api_json(res, 200, post_json(&p, e.slug));
}

static int
approve_post(struct store *st, struct request *req, struct response *res)
{
    return moderate(st, req, res, "visible");
}

static int
hide_post(struct store *st, struct request *req, struct response *res)
{
    return moderate(st, req, res, "hidden");
}

int
api_posts_approve(struct request *req, struct response *res)
{
    return writer_defer(req, res, approve_post);
}

int
api_posts_hide(struct request *req, struct response *res)
{
    return writer_defer(req, res, hide_post);
}
