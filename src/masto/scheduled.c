/*
 * masto/scheduled.c - statuses to post later (a status sent with
 * scheduled_at): an app's list of them, one read, moved or cancelled, and
 * the thread that posts each when its time comes. It wakes every second,
 * so a status goes out within a second of its time - or at the server's
 * start, when the server was stopped at that time: a status is never
 * lost to a restart. Each is posted in a transaction with its own
 * deletion, so it is posted once.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/cache.h"
#include "core/log.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "masto/timeline.h"

#define DUE_BATCH 16 /* statuses posted per turn at most; the rest a second later */
#define TICK_MS   1000

json_t *
masto_scheduled_json(struct request *req, struct store *st, const struct scheduled_status *s)
{
    json_t *kept = json_loads(s->params, 0, NULL), *params, *media = json_array(), *ids;
    size_t i;

    /* the pictures kept for it, as the media endpoints show them */
    ids = json_object_get(kept, "media_ids");
    for (i = 0; i < json_array_size(ids); i++) {
        struct media m;
        int64_t id;
        if (document_parse_id(json_string_value(json_array_get(ids, i)), &id) &&
            store_media_get(st, &req->arena, id, &m) == RC_OK)
            json_array_append_new(media, masto_media_json(req, &m));
    }
    params = json_pack(
        "{s:O?, s:n, s:O?, s:O?, s:O?, s:O?, s:n, s:O?, s:O?, s:n, s:n, s:b}", "text",
        json_object_get(kept, "text"), "poll", "media_ids", ids, "sensitive",
        json_object_get(kept, "sensitive"), "spoiler_text", json_object_get(kept, "spoiler_text"),
        "visibility", json_object_get(kept, "visibility"), "scheduled_at", "in_reply_to_id",
        json_object_get(kept, "in_reply_to_id"), "language", json_object_get(kept, "language"),
        "application_id", "idempotency", "with_rate_limit", 0);
    json_decref(kept);
    return json_pack("{s:o, s:s, s:o, s:o}", "id", document_id(s->id), "scheduled_at",
                     masto_time(&req->arena, s->scheduled_at), "params",
                     params != NULL ? params : json_object(), "media_attachments",
                     media != NULL ? media : json_array());
}

/* The signed-in account's scheduled status of :id; false with the answer in res. */
static bool
scheduled_asked(struct request *req, struct response *res, struct store *st, const char *scope,
                struct masto_auth *a, struct scheduled_status *s)
{
    int64_t id;
    int rc = RC_NOTFOUND;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data"), false;
    if (!masto_authorize(req, res, st, scope, true, false, a))
        return false;
    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_scheduled_get(st, &req->arena, a->acc.id, id, s);
    return masto_found(res, rc);
}

/* GET /api/v1/scheduled_statuses?max_id&since_id&min_id&limit: the account's, newest first */
int
masto_scheduled_list(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct scheduled_status *v;
    struct timeline_page page;
    struct masto_auth a;
    json_t *arr;
    size_t n, i;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", true, false, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    if (store_scheduled_list(st, &req->arena, a.acc.id, page.max_id,
                             page.min_id > page.since_id ? page.min_id : page.since_id, page.limit,
                             &v, &n) != RC_OK ||
        (arr = json_array()) == NULL)
        return masto_error(res, 500, "the server could not read its data");
    for (i = 0; i < n; i++)
        json_array_append_new(arr, masto_scheduled_json(req, st, &v[i]));
    if (n > 0) {
        const char *link = arena_printf(&req->arena,
                                        "<%s/api/v1/scheduled_statuses?max_id=%lld>; rel=\"next\", "
                                        "<%s/api/v1/scheduled_statuses?min_id=%lld>; rel=\"prev\"",
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

/* GET /api/v1/scheduled_statuses/:id */
int
masto_scheduled_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct scheduled_status s;
    struct masto_auth a;

    if (!scheduled_asked(req, res, st, "read:statuses", &a, &s))
        return 0;
    response_header(res, "Cache-Control", "no-store");
    return masto_json(res, 200, masto_scheduled_json(req, st, &s));
}

/* PUT /api/v1/scheduled_statuses/:id  scheduled_at: another time, in the future */
int
masto_scheduled_move(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct scheduled_status s;
    struct masto_auth a;
    const char *when, *stamp;
    json_t *params;
    time_t at = 0;
    bool parsed;
    int rc;

    if (!scheduled_asked(req, res, st, "write:statuses", &a, &s) ||
        (params = masto_params(req, res)) == NULL)
        return 0;
    when = masto_string(params, "scheduled_at");
    parsed = when != NULL && masto_client_time(when, &at);
    json_decref(params);
    if (!parsed)
        return masto_error(res, 422,
                           "Validation failed: scheduled_at is not a time such as "
                           "2026-11-20T19:05:00.000Z");
    if (at <= time(NULL))
        return masto_error(res, 422, "Validation failed: scheduled_at must be in the future");
    if ((stamp = masto_store_time(&req->arena, at)) == NULL)
        return masto_error(res, 500, "out of memory");
    /* posted meanwhile (the scheduler's delete came first): 404, as it is gone */
    if ((rc = store_scheduled_move(st, a.acc.id, s.id, stamp)) == RC_NOTFOUND)
        return masto_error(res, 404, "Record not found");
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the scheduled status was not moved");
    s.scheduled_at = stamp;
    return masto_json(res, 200, masto_scheduled_json(req, st, &s));
}

/* DELETE /api/v1/scheduled_statuses/:id: cancelled, never posted */
int
masto_scheduled_cancel(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct scheduled_status s;
    struct masto_auth a;
    int rc;

    if (!scheduled_asked(req, res, st, "write:statuses", &a, &s))
        return 0;
    if ((rc = store_scheduled_delete(st, a.acc.id, s.id)) == RC_NOTFOUND)
        return masto_error(res, 404, "Record not found");
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the scheduled status was not cancelled");
    return masto_json(res, 200, json_object());
}

/* ---- the scheduler ---- */

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping, running;

/*
 * Posts s and forgets it, in one transaction. RC_INVALID: it can never be
 * posted (its account is gone or disabled, its text refused): forgotten
 * with a log line. RC_NOTFOUND: cancelled meanwhile, nothing posted.
 * Another failure leaves it for the next turn.
 */
static int
post_one(struct store *st, struct arena *ar, const struct scheduled_status *s)
{
    struct account acc;
    struct post p;
    int rc;

    if ((rc = store_account_by_id(st, ar, s->account_id, &acc)) == RC_OK && acc.disabled)
        rc = RC_INVALID;
    if (rc == RC_NOTFOUND)
        rc = RC_INVALID;
    if (rc != RC_OK)
        return rc;
    if ((rc = store_begin(st)) != RC_OK)
        return rc;
    cache_hold(); /* the event's pages go stale once the post is committed, not before */
    if ((rc = masto_status_post_scheduled(st, ar, &acc, s->params, &p)) == RC_OK &&
        (rc = store_scheduled_delete(st, 0, s->id)) == RC_OK)
        rc = store_commit(st);
    else
        store_rollback(st);
    cache_release();
    if (rc == RC_OK)
        log_info("scheduler: posted %lld, scheduled by %s for %s", (long long)p.id, acc.username,
                 s->scheduled_at);
    return rc;
}

/* Posts what is due; when the store fails, the rest waits for the next turn. */
static void
post_due(struct store *st)
{
    struct scheduled_status *due;
    char now[STORE_TIME_SIZE];
    struct arena ar = {0};
    size_t n, i;
    int rc;

    if (store_scheduled_due(st, &ar, store_time_now(now), DUE_BATCH, &due, &n) != RC_OK) {
        arena_release(&ar);
        return;
    }
    for (i = 0; i < n; i++) {
        if ((rc = post_one(st, &ar, &due[i])) == RC_INVALID) {
            log_warnx("scheduler: status %lld scheduled for %s cannot be posted (its account "
                      "is gone, or its text refused): dropped",
                      (long long)due[i].id, due[i].scheduled_at);
            store_scheduled_delete(st, 0, due[i].id);
        } else if (rc == RC_NOTFOUND) {
            continue; /* cancelled by its author meanwhile: nothing was posted */
        } else if (rc != RC_OK) {
            log_warnx("scheduler: cannot post status %lld now (%s): tried again in a second",
                      (long long)due[i].id, store_errmsg(st));
            break;
        }
    }
    arena_release(&ar);
}

static void *
scheduler_main(void *arg)
{
    const struct app *app = arg;
    struct timespec at;

    pthread_mutex_lock(&lock);
    while (!stopping) {
        pthread_mutex_unlock(&lock);
        struct store *st = app_store(app);
        if (st != NULL)
            post_due(st);
        pthread_mutex_lock(&lock);
        if (stopping)
            break;
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_nsec += TICK_MS * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&wake, &lock, &at);
    }
    pthread_mutex_unlock(&lock);
    app_store_close_thread();
    return NULL;
}

int
masto_scheduler_start(const struct app *app)
{
    stopping = false;
    if (pthread_create(&thread, NULL, scheduler_main, (void *)app) != 0)
        return -1;
    running = true;
    return 0;
}

void
masto_scheduler_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = false;
}
