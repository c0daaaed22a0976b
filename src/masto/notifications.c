/*
 * masto/notifications.c - what a Mastodon app shows in its bell: the
 * replies to and mentions of the signed-in account's posts, their
 * favourites and reblogs, newest first, paginated like a timeline, less
 * those the person dismissed or cleared; and the markers that keep where
 * the person stopped reading, across apps.
 */
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "masto/timeline.h"

json_t *
masto_notification(struct request *req, struct store *st, const struct notification *n,
                   const struct account *who, const struct post *p, int64_t viewer)
{
    return json_pack("{s:o, s:s, s:o, s:o, s:o}", "id", document_id(n->id), "type", n->type,
                     "created_at", json_string(masto_time(&req->arena, n->created_at)), "account",
                     masto_account(req, st, who), "status", masto_status(req, st, p, viewer));
}

/* GET /api/v1/notifications?max_id&since_id&min_id&limit */
int
masto_notifications(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct timeline_page page;
    struct notification *v;
    struct masto_auth a;
    size_t n, i;
    json_t *arr;
    const char *link;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:notifications", true, false, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    if (store_notifications(st, &req->arena, &a.acc, page.max_id,
                            page.min_id > page.since_id ? page.min_id : page.since_id, page.limit,
                            &v, &n) != RC_OK ||
        (arr = json_array()) == NULL)
        return masto_error(res, 500, "the server could not read its data");
    for (i = 0; i < n; i++) {
        struct account who;
        struct post p;
        if (store_account_by_id(st, &req->arena, v[i].account_id, &who) != RC_OK ||
            store_post_get(st, &req->arena, v[i].post_id, &p) != RC_OK)
            continue;
        json_array_append_new(arr, masto_notification(req, st, &v[i], &who, &p, a.acc.id));
    }
    if (n > 0) {
        link = arena_printf(&req->arena,
                            "<%s/api/v1/notifications?max_id=%lld>; rel=\"next\", "
                            "<%s/api/v1/notifications?min_id=%lld>; rel=\"prev\"",
                            masto_base(req), (long long)v[n - 1].id, masto_base(req),
                            (long long)v[0].id);
        if (link == NULL || response_header(res, "Link", link) != 0) {
            json_decref(arr);
            return -1;
        }
    }
    response_header(res, "Cache-Control", "no-store");
    return masto_json(res, 200, arr);
}

/*
 * The signed-in account's notification of the :id parameter (or, for the
 * old dismiss, of the "id" parameter), with its account and status; false
 * with the answer in res (404 for another's, a dismissed or an unknown one).
 */
static bool
notification_asked(struct request *req, struct response *res, struct store *st, const char *scope,
                   struct masto_auth *a, struct notification *n, struct account *who,
                   struct post *p)
{
    const char *raw = request_param(req, "id");
    json_t *params = NULL;
    int64_t id = 0;
    int rc = RC_NOTFOUND;
    bool found;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data"), false;
    if (!masto_authorize(req, res, st, scope, true, false, a))
        return false;
    if (raw == NULL) {
        if ((params = masto_params(req, res)) == NULL)
            return false;
        raw = masto_string(params, "id");
    }
    found = raw != NULL && document_parse_id(raw, &id);
    json_decref(params); /* raw is not read past here */
    if (found && (rc = store_notification_get(st, &req->arena, &a->acc, id, n)) == RC_OK &&
        (rc = store_account_by_id(st, &req->arena, n->account_id, who)) == RC_OK)
        rc = store_post_get(st, &req->arena, n->post_id, p);
    return masto_found(res, rc);
}

/* GET /api/v1/notifications/:id */
int
masto_notification_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct notification n;
    struct account who;
    struct post p;

    if (!notification_asked(req, res, st, "read:notifications", &a, &n, &who, &p))
        return 0;
    response_header(res, "Cache-Control", "no-store");
    return masto_json(res, 200, masto_notification(req, st, &n, &who, &p, a.acc.id));
}

/* POST /api/v1/notifications/:id/dismiss, and the older /api/v1/notifications/dismiss (id=) */
int
masto_notification_dismiss(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct notification n;
    struct account who;
    struct post p;
    int rc;

    if (!notification_asked(req, res, st, "write:notifications", &a, &n, &who, &p))
        return 0;
    if ((rc = store_notification_dismiss(st, a.acc.id, n.id)) != RC_OK)
        return masto_store_error(res, rc, "the notification was not dismissed");
    return masto_json(res, 200, json_object());
}

/* POST /api/v1/notifications/clear: every notification so far out of the list. */
int
masto_notifications_clear(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct notification *newest;
    struct masto_auth a;
    size_t n;
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "write:notifications", true, false, &a))
        return 0;
    if ((rc = store_notifications(st, &req->arena, &a.acc, 0, 0, 1, &newest, &n)) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    if (n > 0 && (rc = store_notifications_clear(st, a.acc.id, newest[0].id)) != RC_OK)
        return masto_store_error(res, rc, "the notifications were not cleared");
    return masto_json(res, 200, json_object());
}

static json_t *
marker_json(struct request *req, const struct marker *m)
{
    return json_pack("{s:o, s:I, s:o}", "last_read_id", document_id(m->last_read_id), "version",
                     (json_int_t)m->version, "updated_at",
                     json_string(masto_time(&req->arena, m->updated_at)));
}

/* GET /api/v1/markers?timeline[]=home&timeline[]=notifications */
int
masto_markers_get(struct request *req, struct response *res)
{
    static const char *const timelines[] = {"home", "notifications"};
    struct store *st = app_store(req->app);
    struct masto_auth a;
    json_t *out = json_object(), *asked;
    size_t i;
    int rc;

    if (st == NULL || out == NULL)
        return json_decref(out), masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", true, false, &a) ||
        (asked = masto_params(req, res)) == NULL)
        return json_decref(out), 0;
    for (i = 0; i < 2; i++) {
        json_t *list = json_object_get(asked, "timeline");
        bool wanted = list == NULL;
        size_t k;
        struct marker m;
        for (k = 0; !wanted && k < json_array_size(list); k++)
            wanted = json_is_string(json_array_get(list, k)) &&
                     strcmp(json_string_value(json_array_get(list, k)), timelines[i]) == 0;
        if (json_is_string(list))
            wanted = strcmp(json_string_value(list), timelines[i]) == 0;
        if (!wanted)
            continue;
        if ((rc = store_marker_get(st, &req->arena, a.acc.id, timelines[i], &m)) == RC_OK)
            json_object_set_new(out, timelines[i], marker_json(req, &m));
        else if (rc != RC_NOTFOUND) {
            json_decref(asked);
            json_decref(out);
            return masto_error(res, 500, "the server could not read its data");
        }
    }
    json_decref(asked);
    return masto_json(res, 200, out);
}

/* POST /api/v1/markers  {"home": {"last_read_id": …}} or home[last_read_id]=… */
int
masto_markers_set(struct request *req, struct response *res)
{
    static const char *const timelines[] = {"home", "notifications"};
    struct store *st = app_store(req->app);
    struct masto_auth a;
    json_t *params, *out = json_object();
    size_t i;
    int rc;

    if (st == NULL || out == NULL)
        return json_decref(out), masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "write:statuses", true, false, &a) ||
        (params = masto_params(req, res)) == NULL)
        return json_decref(out), 0;
    for (i = 0; i < 2; i++) {
        char key[64];
        const char *id = masto_string(json_object_get(params, timelines[i]), "last_read_id");
        struct marker m;
        int64_t last;
        snprintf(key, sizeof(key), "%s[last_read_id]", timelines[i]);
        if (id == NULL)
            id = masto_string(params, key);
        if (id == NULL)
            continue;
        if (!document_parse_id(id, &last)) {
            masto_error(res, 422, "%s: last_read_id must be an id", timelines[i]);
            goto out;
        }
        if ((rc = store_marker_set(st, a.acc.id, timelines[i], last)) != RC_OK ||
            (rc = store_marker_get(st, &req->arena, a.acc.id, timelines[i], &m)) != RC_OK) {
            masto_store_error(res, rc, "the marker could not be stored");
            goto out;
        }
        json_object_set_new(out, timelines[i], marker_json(req, &m));
    }
    masto_json(res, 200, json_incref(out));
out:
    json_decref(out);
    json_decref(params);
    return 0;
}
