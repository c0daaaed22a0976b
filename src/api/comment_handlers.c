/*
 * api/comment_handlers.c - the JSON API of readers' comments and of likes:
 *
 *   GET    /api/v1/events/:slug/comments             readers' view (?state= for editors)
 *   POST   /api/v1/events/:slug/comments             {body, parent_id?, name?, email?}
 *   GET    /api/v1/events/:slug/comments/:id
 *   PATCH  /api/v1/events/:slug/comments/:id         {body}: its author, 15 minutes
 *   DELETE /api/v1/events/:slug/comments/:id         its author (15 minutes) or an editor
 *   POST   /api/v1/events/:slug/comments/:id/like    (DELETE: unlike)
 *   POST   /api/v1/events/:slug/comments/:id/approve, /spam, /ban {"what": …}
 *   POST   /api/v1/posts/:id/like                    (DELETE: unlike)
 *
 * A request without Authorization comments as a guest, when the event
 * takes guests; one with a bad token is refused (401), never taken for a
 * guest. The rules themselves are in api/comments.c.
 */
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/publisher.h"
#include "api/comments.h"
#include "api/handlers.h"
#include "core/rc.h"

/* The event of :slug, public or the asker's to edit; false with a 404 in res. */
static bool
comment_event(struct request *req, struct response *res, struct store *st,
              const struct account *acc, struct event *e)
{
    const char *slug = request_param(req, "slug");
    int rc = store_event_find(st, &req->arena, slug, e);

    if (rc == RC_OK && strcmp(e->state, "draft") == 0 && (acc == NULL || !api_may_edit(st, acc, e)))
        rc = RC_NOTFOUND;
    if (rc == RC_NOTFOUND)
        return response_error(res, 404, "no event '%s'", slug), false;
    if (rc != RC_OK)
        return response_error_rc(res, rc), false;
    return true;
}

/* The signed-in account when there is an Authorization header; *acc NULL without one. */
static bool
optional_account(struct request *req, struct response *res, struct store *st, struct account *buf,
                 const struct account **acc)
{
    *acc = NULL;
    if (request_header(req, "Authorization") == NULL)
        return true;
    if (!api_account(req, res, st, buf))
        return false;
    *acc = buf;
    return true;
}

/* The comment :id of event e; false with a 404 in res. */
static bool
comment_of(struct request *req, struct response *res, struct store *st, const struct event *e,
           struct comment *c)
{
    int64_t id;
    int rc;

    if (!document_parse_id(request_param(req, "id"), &id))
        return response_error(res, 404, "no such comment"), false;
    rc = store_comment_get(st, &req->arena, id, c);
    if (rc == RC_NOTFOUND || (rc == RC_OK && c->event_id != e->id))
        return response_error(res, 404, "no comment %s on this event", request_param(req, "id")),
               false;
    if (rc != RC_OK)
        return response_error_rc(res, rc), false;
    return true;
}

static bool
contains(const int64_t *ids, size_t n, int64_t id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* GET /api/v1/events/:slug/comments[?order=newest][&state=pending|spam|deleted] */
int
api_comments_list(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *state = request_query(req, "state"), *order = request_query(req, "order");
    const struct account *acc;
    struct account buf;
    struct comment *v;
    struct event e;
    int64_t *liked = NULL;
    size_t n, n_liked = 0, i;
    bool newest = order != NULL && strcmp(order, "newest") == 0;
    json_t *arr;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!optional_account(req, res, st, &buf, &acc) || !comment_event(req, res, st, acc, &e))
        return 0;
    if (order != NULL && !newest && strcmp(order, "oldest") != 0)
        return response_error(res, 400, "'order' is 'oldest' or 'newest'");
    if (state != NULL) {
        if (strcmp(state, "pending") != 0 && strcmp(state, "spam") != 0 &&
            strcmp(state, "approved") != 0 && strcmp(state, "deleted") != 0)
            return response_error(res, 400, "'state' is one of pending, approved, spam, deleted");
        if (acc == NULL)
            return response_error(res, 401, "sign in first: only editors list comments by state");
        if (!api_may_edit(st, acc, &e))
            return response_error(res, 403, "only the event's editors moderate its comments");
    }
    if ((rc = store_comment_list(st, &req->arena, e.id, state, 0, &v, &n)) != RC_OK)
        return response_error_rc(res, rc);
    if (state == NULL)
        n = comments_visible(v, n);
    if (acc != NULL &&
        (rc = store_comment_liked(st, &req->arena, acc->id, e.id, &liked, &n_liked)) != RC_OK)
        return response_error_rc(res, rc);
    if ((arr = json_array()) == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        const struct comment *c = &v[newest ? n - 1 - i : i];
        json_array_append_new(
            arr, comment_json(c, e.slug, contains(liked, n_liked, c->id), state != NULL));
    }
    response_header(res, "Cache-Control", "no-store");
    return api_json(res, 200, arr);
}

/* A string member of the body, NULL when absent; false with a 422 when not a string. */
static bool
string_field(json_t *body, const char *name, const char **out, struct response *res)
{
    json_t *v = json_object_get(body, name);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return response_error(res, 422, "'%s' must be a string", name), false;
    *out = json_string_value(v);
    return true;
}

/* POST /api/v1/events/:slug/comments */
int
api_comments_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_author author = {0};
    struct comment_refusal why;
    const struct account *acc;
    const char *text, *parent;
    struct account buf;
    struct comment c;
    struct event e;
    int64_t parent_id = 0;
    json_t *body;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!optional_account(req, res, st, &buf, &acc) || !comment_event(req, res, st, acc, &e) ||
        (body = api_body_object(req, res)) == NULL)
        return 0;
    author.acc = acc;
    author.address = req->remote_addr;
    if (!string_field(body, "body", &text, res) || !string_field(body, "parent_id", &parent, res) ||
        !string_field(body, "name", &author.name, res) ||
        !string_field(body, "email", &author.email, res) ||
        !string_field(body, "website", &author.honeypot, res))
        goto done;
    if (parent != NULL && !document_parse_id(parent, &parent_id)) {
        response_error(res, 422, "'parent_id' must be a comment id (a decimal string)");
        goto done;
    }
    if (!comment_create(st, &req->arena, &e, &author, text, parent_id, &c, &why)) {
        comment_error_answer(req, res, &why);
        goto done;
    }
    api_json(res, 201, comment_json(&c, e.slug, false, true));
done:
    json_decref(body);
    return 0;
}

/* GET /api/v1/events/:slug/comments/:id */
int
api_comments_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const struct account *acc;
    struct account buf;
    struct comment c;
    struct event e;
    bool editor;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!optional_account(req, res, st, &buf, &acc) || !comment_event(req, res, st, acc, &e) ||
        !comment_of(req, res, st, &e, &c))
        return 0;
    editor = acc != NULL && api_may_edit(st, acc, &e);
    if (!editor && strcmp(c.state, "approved") != 0 && strcmp(c.state, "deleted") != 0)
        return response_error(res, 404, "no comment %s on this event", request_param(req, "id"));
    return api_json(res, 200, comment_json(&c, e.slug, false, editor));
}

/* PATCH /api/v1/events/:slug/comments/:id  {"body": …} */
int
api_comments_update(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_refusal why = {0};
    const char *text;
    struct account acc;
    struct comment c;
    struct event e;
    json_t *body;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !comment_event(req, res, st, &acc, &e) ||
        !comment_of(req, res, st, &e, &c) || (body = api_body_object(req, res)) == NULL)
        return 0;
    if (!string_field(body, "body", &text, res))
        goto done;
    if ((why.error = comment_may_change(&c, &acc, NULL, time(NULL))) != CE_NONE ||
        !comment_edit(st, &req->arena, &c, text, &why)) {
        comment_error_answer(req, res, &why);
        goto done;
    }
    api_json(res, 200, comment_json(&c, e.slug, false, true));
done:
    json_decref(body);
    return 0;
}

/* DELETE /api/v1/events/:slug/comments/:id: its author for 15 minutes, its event's editors always.
 */
int
api_comments_delete(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_refusal why = {0};
    struct account acc;
    struct comment c;
    struct event e;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !comment_event(req, res, st, &acc, &e) ||
        !comment_of(req, res, st, &e, &c))
        return 0;
    if (!api_may_edit(st, &acc, &e) &&
        (why.error = comment_may_change(&c, &acc, NULL, time(NULL))) != CE_NONE)
        return comment_error_answer(req, res, &why);
    if ((rc = store_comment_set_state(st, c.id, "deleted")) != RC_OK)
        return response_error_rc(res, rc);
    return response_body(res, 204, "text/plain", "", 0);
}

/* Likes (on) or unlikes a comment of :slug; the answer says the count. */
static int
comment_like(struct request *req, struct response *res, bool on)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct comment c;
    struct event e;
    int64_t likes;
    json_t *j;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !comment_event(req, res, st, &acc, &e) ||
        !comment_of(req, res, st, &e, &c))
        return 0;
    if (strcmp(c.state, "approved") != 0)
        return response_error(res, 404, "no comment %s on this event", request_param(req, "id"));
    if ((rc = store_comment_like(st, acc.id, c.id, on, &likes)) != RC_OK)
        return response_error_rc(res, rc);
    j = json_pack("{s:o, s:I, s:b}", "id", document_id(c.id), "likes", (json_int_t)likes, "liked",
                  on);
    return api_json(res, 200, j);
}

int
api_comments_like(struct request *req, struct response *res)
{
    return comment_like(req, res, true);
}

int
api_comments_unlike(struct request *req, struct response *res)
{
    return comment_like(req, res, false);
}

/* An editor's decision on comment :id of :slug. */
static int
comment_moderate(struct request *req, struct response *res, const char *state)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct comment c;
    struct event e;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !comment_event(req, res, st, &acc, &e) ||
        !comment_of(req, res, st, &e, &c))
        return 0;
    if (!api_may_edit(st, &acc, &e))
        return response_error(res, 403, "only the event's editors moderate its comments");
    if (strcmp(c.state, "deleted") == 0)
        return response_error(res, 409, "the comment was deleted");
    if ((rc = store_comment_set_state(st, c.id, state)) != RC_OK ||
        (rc = store_comment_get(st, &req->arena, c.id, &c)) != RC_OK)
        return response_error_rc(res, rc);
    return api_json(res, 200, comment_json(&c, e.slug, false, true));
}

int
api_comments_approve(struct request *req, struct response *res)
{
    return comment_moderate(req, res, "approved");
}

int
api_comments_spam(struct request *req, struct response *res)
{
    return comment_moderate(req, res, "spam");
}

/* POST /api/v1/events/:slug/comments/:id/ban  {"what": "address" | "account"} */
int
api_comments_ban(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *what = NULL;
    struct account acc;
    struct comment c;
    struct event e;
    json_t *body;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc) || !comment_event(req, res, st, &acc, &e) ||
        !comment_of(req, res, st, &e, &c))
        return 0;
    if (!api_may_edit(st, &acc, &e))
        return response_error(res, 403, "only the event's editors moderate its comments");
    if ((body = api_body_object(req, res)) == NULL)
        return 0;
    if (!string_field(body, "what", &what, res))
        goto done;
    rc = comment_ban(st, &e, &c, what);
    if (rc == RC_INVALID)
        response_error(res, 422, "'what' is 'address' or 'account'");
    else if (rc == RC_NOTFOUND)
        response_error(res, 422, "the comment has no %s to ban", what);
    else if (rc != RC_OK)
        response_error_rc(res, rc);
    else if ((rc = store_comment_get(st, &req->arena, c.id, &c)) != RC_OK)
        response_error_rc(res, rc);
    else
        api_json(res, 200, comment_json(&c, e.slug, false, true));
done:
    json_decref(body);
    return 0;
}

/* Likes (on) or unlikes post :id. */
static int
post_like(struct request *req, struct response *res, bool on)
{
    struct store *st = app_store(req->app);
    struct account acc;
    struct event e;
    struct post p;
    int64_t id, likes;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    if (!api_account(req, res, st, &acc))
        return 0;
    if (!document_parse_id(request_param(req, "id"), &id))
        return response_error(res, 404, "no such post");
    rc = store_post_get(st, &req->arena, id, &p);
    if (rc == RC_OK)
        rc = store_event_find_id(st, &req->arena, p.event_id, &e);
    if (rc == RC_OK && (strcmp(p.state, "visible") != 0 ||
                        (strcmp(e.state, "draft") == 0 && !api_may_edit(st, &acc, &e))))
        rc = RC_NOTFOUND;
    if (rc == RC_NOTFOUND)
        return response_error(res, 404, "no post %s", request_param(req, "id"));
    if (rc != RC_OK || (rc = store_post_like(st, acc.id, id, on, &likes)) != RC_OK)
        return response_error_rc(res, rc);
    if (on)
        publisher_favourited(req, st, acc.id, &p);
    cache_event_changed(e.slug); /* the event page shows the count */
    return api_json(res, 200,
                    json_pack("{s:o, s:I, s:b}", "id", document_id(id), "likes", (json_int_t)likes,
                              "liked", on));
}

int
api_posts_like(struct request *req, struct response *res)
{
    return post_like(req, res, true);
}

int
api_posts_unlike(struct request *req, struct response *res)
{
    return post_like(req, res, false);
}
