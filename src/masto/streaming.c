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
#include "auth/auth.h"
#include "core/rc.h"
#include "live/live.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"

static const struct app *streaming_app; /* for the base URL of the statuses rendered */

/* The topics of a change: "M:p" and each of its tags (now, and those the change row kept). */
static bool
add_topic(struct arena *ar, const char **topics, size_t *n, const char *prefix, const char *name)
{
    const char *t;
    size_t i;

    if (*n == CHANGE_MAX_TOPICS)
        return true; /* a post with more tags than that: the first ones have streams */
    if ((t = arena_printf(ar, "%s%s", prefix, name)) == NULL)
        return false;
    for (i = 0; i < *n; i++)
        if (strcmp(topics[i], t) == 0)
            return true;
    topics[(*n)++] = t;
    return true;
}

/* The tags of a change: the post's now, and the row's (a deleted or edited post's). */
static bool
tags_of(struct arena *ar, const struct post *p, const char *row_tags, const char **tags, size_t *n)
{
    char *copy, *tag, *save = NULL;
    size_t i;

    for (i = 0; p != NULL && i < p->n_tags; i++)
        if (!add_topic(ar, tags, n, "", p->tags[i]))
            return false;
    if (row_tags == NULL)
        return true;
    if ((copy = arena_strndup(ar, row_tags, strlen(row_tags))) == NULL)
        return false;
    for (tag = strtok_r(copy, " ", &save); tag != NULL; tag = strtok_r(NULL, " ", &save))
        if (!add_topic(ar, tags, n, "", tag))
            return false;
    return true;
}

/* One WebSocket text frame (server to client: not masked) of text, in ar. */
static bool
ws_frame(struct arena *ar, const char *text, const char **out, size_t *out_len)
{
    size_t len = strlen(text), head = len < 126 ? 2 : len < 65536 ? 4 : 10, i;
    unsigned char *f = arena_alloc(ar, head + len);

    if (f == NULL)
        return false;
    f[0] = 0x81; /* FIN, text */
    if (len < 126) {
        f[1] = (unsigned char)len;
    } else if (len < 65536) {
        f[1] = 126;
        f[2] = (unsigned char)(len >> 8);
        f[3] = (unsigned char)len;
    } else {
        f[1] = 127;
        for (i = 0; i < 8; i++)
            f[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    }
    memcpy(f + head, text, len);
    *out = (const char *)f;
    *out_len = head + len;
    return true;
}

/*
 * Publishes to the WebSocket topic of one stream {"stream": [...], "event",
 * "payload"}; payload comes JSON-escaped already (done once per change).
 */
static bool
ws_publish(struct arena *ar, int64_t seq, const char *topic, const char *stream, const char *event,
           const char *payload)
{
    const char *text, *bytes;
    size_t len;

    if (topic == NULL || stream == NULL ||
        (text = arena_printf(ar, "{\"stream\":%s,\"event\":\"%s\",\"payload\":%s}", stream, event,
                             payload)) == NULL ||
        !ws_frame(ar, text, &bytes, &len))
        return false;
    live_publish(seq, &topic, 1, bytes, len);
    return true;
}

/* A tag as a JSON string (tags are folded text: escape it all the same). */
static const char *
json_text(struct arena *ar, const char *s)
{
    json_t *j = json_string(s);
    char *d = j != NULL ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    const char *r = d != NULL ? arena_strndup(ar, d, strlen(d)) : NULL;

    free(d);
    json_decref(j);
    return r;
}

/*
 * The publisher's other renderings (publisher_also): Mastodon's
 * server-sent events to "M:p" and "M:t:TAG", and WebSocket frames to
 * "W:public", "W:public:local", "W:user", "W:hashtag:TAG" and
 * "W:hashtag:local:TAG", each naming its stream as Mastodon does.
 */
static int
masto_change_publish(struct store *st, struct arena *ar, const struct post_change *c)
{
    static const char *const plain[][2] = {
        {"W:public", "public"}, {"W:public:local", "public:local"}, {"W:user", "user"}};
    const char *tags[CHANGE_MAX_TOPICS], *topics[CHANGE_MAX_TOPICS + 1], *kind, *payload, *sse;
    const char *escaped;
    size_t n_tags = 0, n_topics = 0, i, k;
    struct request req;
    struct event e;
    struct post p;
    bool exists, ok = true;
    int rc;

    if (live_masto_stream_count() == 0)
        return RC_OK; /* nobody listens: nothing to render */
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
        kind = "delete";
        payload = arena_printf(ar, "%lld", (long long)c->post_id);
    } else {
        struct json_writer w;
        size_t len;
        char *json;
        if (!exists || strcmp(p.state, "visible") != 0 || strcmp(p.visibility, "public") != 0)
            return RC_OK;
        /* a status renders with a request: one of its own, with the server's address */
        memset(&req, 0, sizeof(req));
        req.app = (void *)streaming_app;
        jw_init(&w);
        masto_status_write(&w, &req, st, &p, 0, NULL);
        json = jw_take(&w, &len);
        payload = json != NULL ? arena_strndup(ar, json, len) : NULL;
        free(json);
        arena_release(&req.arena);
        kind = strcmp(c->kind, "post") == 0 ? "update" : "status.update";
    }
    if (payload == NULL || !tags_of(ar, exists ? &p : NULL, c->tags, tags, &n_tags) ||
        !add_topic(ar, topics, &n_topics, "M:p", ""))
        return RC_NOMEM;
    for (i = 0; i < n_tags; i++)
        if (!add_topic(ar, topics, &n_topics, "M:t:", tags[i]))
            return RC_NOMEM;
    if ((sse = arena_printf(ar, "event: %s\ndata: %s\n\n", kind, payload)) == NULL)
        return RC_NOMEM;
    live_publish(c->seq, topics, n_topics, sse, strlen(sse));
    if ((escaped = json_text(ar, payload)) == NULL)
        return RC_NOMEM;
    for (k = 0; k < 3 && ok; k++)
        ok = ws_publish(ar, c->seq, plain[k][0], arena_printf(ar, "[\"%s\"]", plain[k][1]), kind,
                        escaped);
    for (i = 0; i < n_tags && ok; i++) {
        const char *tag = json_text(ar, tags[i]);
        ok = tag != NULL &&
             ws_publish(ar, c->seq, arena_printf(ar, "W:hashtag:%s", tags[i]),
                        arena_printf(ar, "[\"hashtag\",%s]", tag), kind, escaped) &&
             ws_publish(ar, c->seq, arena_printf(ar, "W:hashtag:local:%s", tags[i]),
                        arena_printf(ar, "[\"hashtag:local\",%s]", tag), kind, escaped);
    }
    return ok ? RC_OK : RC_NOMEM;
}

void
masto_streaming_init(const struct app *app)
{
    streaming_app = app;
    publisher_also(masto_change_publish);
}

/* GET /api/v1/streaming/health */
int
masto_streaming_health(struct request *req, struct response *res)
{
    (void)req;
    return response_body(res, 200, "text/plain; charset=utf-8", "OK", 2);
}

/*
 * Opens the stream of topic for req; the hub answers from then on, first
 * with own_head (a WebSocket's 101), or the event stream's head when NULL.
 */
static int
open_stream(struct request *req, struct response *res, const char *topic_name, const char *own_head)
{
    struct live_stream *s;
    int64_t last;

    if ((s = live_stream_open_head(req, res, topic_name, &last, own_head)) == NULL)
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
    return open_stream(req, res, "M:p", NULL);
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
    return t != NULL ? open_stream(req, res, t, NULL) : masto_error(res, 500, "out of memory");
}

/* Whether the comma-separated header value holds token (any case). */
static bool
header_has(const char *value, const char *token)
{
    size_t len = strlen(token);
    const char *p;

    for (p = value; p != NULL && *p != '\0'; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, token, len) == 0 &&
            (p[len] == '\0' || p[len] == ',' || p[len] == ' ' || p[len] == '\t'))
            return true;
    }
    return false;
}

/*
 * GET /api/v1/streaming (Upgrade: websocket)?access_token=…&stream=…[&tag=…]:
 * the WebSocket form of the streams, which most phone apps use. The token
 * comes in the query, in Sec-WebSocket-Protocol (echoed back, as Mastodon
 * does) or in Authorization. One stream per socket: the one the URL names
 * (user by default); what the client sends afterwards (pings, subscribe
 * messages) is read and dropped, so a client that multiplexes gets only
 * its first stream.
 */
int
masto_streaming_websocket(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *upgrade = request_header(req, "Upgrade");
    const char *connection = request_header(req, "Connection");
    const char *key = request_header(req, "Sec-WebSocket-Key");
    const char *version = request_header(req, "Sec-WebSocket-Version");
    const char *protocol = request_header(req, "Sec-WebSocket-Protocol");
    const char *token = request_query(req, "access_token");
    const char *stream = request_query(req, "stream"), *tag = request_query(req, "tag");
    const char *topic_name, *head, *authz = request_header(req, "Authorization");
    char accept[AUTH_WS_ACCEPT_SIZE];
    struct text_buf folded = {0};
    struct masto_auth a;
    bool needs_user;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (upgrade == NULL || strcasecmp(upgrade, "websocket") != 0 || connection == NULL ||
        !header_has(connection, "upgrade"))
        return masto_error(res, 400,
                           "this address takes WebSocket connections "
                           "(Upgrade: websocket); the server-sent events are at "
                           "/api/v1/streaming/public and the like");
    if (version == NULL || strcmp(version, "13") != 0) {
        response_header(res, "Sec-WebSocket-Version", "13");
        return masto_error(res, 426, "only WebSocket version 13 is spoken here");
    }
    if (!auth_websocket_accept(key, accept))
        return masto_error(res, 400, "Sec-WebSocket-Key is missing");
    /* the token as the query or the protocol header gives it, for masto_authorize */
    if (token == NULL && protocol != NULL && strchr(protocol, ',') == NULL)
        token = protocol;
    else
        protocol = NULL;
    if (token != NULL && request_header(req, "Authorization") == NULL &&
        (authz = arena_printf(&req->arena, "Bearer %s", token)) == NULL)
        return masto_error(res, 500, "out of memory");
    if (stream == NULL || stream[0] == '\0')
        stream = "user";
    needs_user = strcmp(stream, "user") == 0 || strcmp(stream, "user:notification") == 0;
    if (!masto_authorize_as(req, res, st, authz, "read:statuses", needs_user, !needs_user, &a))
        return 0;
    if (needs_user || strcmp(stream, "public") == 0 || strcmp(stream, "public:local") == 0) {
        topic_name = needs_user                      ? "W:user"
                     : strcmp(stream, "public") == 0 ? "W:public"
                                                     : "W:public:local";
    } else if (strcmp(stream, "hashtag") == 0 || strcmp(stream, "hashtag:local") == 0) {
        if (tag != NULL && tag[0] == '#')
            tag++;
        if (tag == NULL || tag[0] == '\0' || text_tag_fold(&folded, tag, strlen(tag)) != 0) {
            text_buf_release(&folded);
            return masto_error(res, 400, "Missing tag name parameter");
        }
        topic_name = arena_printf(&req->arena, "W:%s:%.*s", stream, (int)folded.len, folded.data);
        text_buf_release(&folded);
    } else {
        return masto_error(res, 400, "Unknown stream type");
    }
    head = arena_printf(&req->arena,
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
                        accept, protocol != NULL ? "Sec-WebSocket-Protocol: " : "",
                        protocol != NULL ? protocol : "", protocol != NULL ? "\r\n" : "");
    if (topic_name == NULL || head == NULL)
        return masto_error(res, 500, "out of memory");
    return open_stream(req, res, topic_name, head);
}
