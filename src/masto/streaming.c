/*
 * masto/streaming.c - the Mastodon streaming API over server-sent events,
 * on the live hub (live/): /api/v1/streaming/health, /user, /public,
 * /public/local, /hashtag?tag= and /hashtag/local?tag=. Each change of the
 * log is rendered a second time by the publisher (api/publisher.c) in
 * Mastodon's framing - "event: update\ndata: {status}\n\n", "event:
 * status.update", "event: delete\ndata: ID\n\n", LF line endings, ":thump"
 * keep-alives - to topics "M:p" (everything public: the user stream too,
 * since everyone here follows every event) and "M:t:TAG". Mastodon has no
 * Last-Event-ID: a client that reconnects reads the timeline to catch up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/publisher.h"
#include "core/rc.h"
#include "live/live.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"

static const struct app *streaming_app; /* for the base URL of the statuses rendered */

/* "event: KIND\ndata: DATA\n\n" into ar. */
static bool
frame(struct arena *ar, const char *kind, const char *data, struct change_event *out)
{
    out->bytes = arena_printf(ar, "event: %s\ndata: %s\n\n", kind, data);
    if (out->bytes == NULL)
        return false;
    out->len = strlen(out->bytes);
    return true;
}

static bool
topic(struct arena *ar, struct change_event *out, const char *prefix, const char *name)
{
    const char *t;
    size_t i;

    if (out->n_topics == CHANGE_MAX_TOPICS || (t = arena_printf(ar, "%s%s", prefix, name)) == NULL)
        return out->n_topics == CHANGE_MAX_TOPICS;
    for (i = 0; i < out->n_topics; i++)
        if (strcmp(out->topics[i], t) == 0)
            return true;
    out->topics[out->n_topics++] = t;
    return true;
}

/* The topics of a public post: "M:p" and each of its tags (now, and in the change row). */
static bool
topics_of(struct arena *ar, struct change_event *out, const struct post *p, const char *row_tags)
{
    char *copy, *tag, *save = NULL;
    size_t i;

    if (!topic(ar, out, "M:p", ""))
        return false;
    for (i = 0; p != NULL && i < p->n_tags; i++)
        if (!topic(ar, out, "M:t:", p->tags[i]))
            return false;
    if (row_tags == NULL)
        return true;
    if ((copy = arena_strndup(ar, row_tags, strlen(row_tags))) == NULL)
        return false;
    for (tag = strtok_r(copy, " ", &save); tag != NULL; tag = strtok_r(NULL, " ", &save))
        if (!topic(ar, out, "M:t:", tag))
            return false;
    return true;
}

/* The publisher's second rendering (publisher_also). */
static int
masto_change_format(struct store *st, struct arena *ar, const struct post_change *c,
                    struct change_event *out)
{
    struct request req;
    struct event e;
    struct post p;
    bool exists;
    int rc;

    memset(out, 0, sizeof(*out));
    if (strcmp(c->kind, "post") != 0 && strcmp(c->kind, "update") != 0 &&
        strcmp(c->kind, "delete") != 0)
        return RC_OK; /* the moderation queue's changes are not Mastodon's */
    if (c->event_id != 0 && ((rc = store_event_find_id(st, ar, c->event_id, &e)) != RC_OK ||
                             strcmp(e.state, "draft") == 0))
        return rc == RC_NOTFOUND || rc == RC_OK ? RC_OK : rc;
    rc = store_post_get(st, ar, c->post_id, &p);
    if (rc != RC_OK && rc != RC_NOTFOUND)
        return rc;
    exists = rc == RC_OK;
    if (strcmp(c->kind, "delete") == 0) {
        const char *id = arena_printf(ar, "%lld", (long long)c->post_id);
        if (id == NULL || !frame(ar, "delete", id, out) ||
            !topics_of(ar, out, exists ? &p : NULL, c->tags))
            return RC_NOMEM;
        return RC_OK;
    }
    if (!exists || strcmp(p.state, "visible") != 0 || strcmp(p.visibility, "public") != 0)
        return RC_OK;
    /* masto_status renders with a request: one of its own, with the server's address */
    memset(&req, 0, sizeof(req));
    req.app = (void *)streaming_app;
    {
        json_t *j = masto_status(&req, st, &p, 0);
        char *json = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
        bool ok = json != NULL &&
                  frame(ar, strcmp(c->kind, "post") == 0 ? "update" : "status.update", json, out) &&
                  topics_of(ar, out, &p, c->tags);
        free(json);
        json_decref(j);
        arena_release(&req.arena);
        return ok ? RC_OK : RC_NOMEM;
    }
}

void
masto_streaming_init(const struct app *app)
{
    streaming_app = app;
    publisher_also(masto_change_format);
}

/* GET /api/v1/streaming/health */
int
masto_streaming_health(struct request *req, struct response *res)
{
    (void)req;
    return response_body(res, 200, "text/plain; charset=utf-8", "OK", 2);
}

/* Opens the stream of topic for req; the hub answers from then on. */
static int
open_stream(struct request *req, struct response *res, const char *topic_name)
{
    struct live_stream *s;
    int64_t last;

    if ((s = live_stream_open(req, res, topic_name, &last)) == NULL)
        return 0;
    if (live_stream_start(s, req, res) != 0) {
        live_stream_cancel(s);
        return masto_error(res, 501,
                           "streaming is not served over the server's own HTTPS: put a TLS "
                           "proxy in front; timelines work meanwhile");
    }
    return 0;
}

/* /api/v1/streaming/user, /public, /public/local: every public status here. */
int
masto_streaming_public(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    bool user = strcmp(req->path, "/api/v1/streaming/user") == 0;
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", user, !user, &a))
        return 0;
    return open_stream(req, res, "M:p");
}

/* /api/v1/streaming/hashtag?tag=…, /hashtag/local */
int
masto_streaming_hashtag(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *tag = request_query(req, "tag");
    struct text_buf folded = {0};
    struct masto_auth a;
    const char *t;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", false, true, &a))
        return 0;
    if (tag != NULL && tag[0] == '#')
        tag++;
    if (tag == NULL || tag[0] == '\0' || text_tag_fold(&folded, tag, strlen(tag)) != 0) {
        text_buf_release(&folded);
        return masto_error(res, 400, "Missing tag name parameter");
    }
    t = arena_printf(&req->arena, "M:t:%.*s", (int)folded.len, folded.data);
    text_buf_release(&folded);
    return t != NULL ? open_stream(req, res, t) : masto_error(res, 500, "out of memory");
}
