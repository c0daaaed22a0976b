/*
 * masto/streaming.c - the Mastodon streaming API on the live hub (live/):
 * server-sent events at /api/v1/streaming/health, /user,
 * /user/notification, /public, /public/local, /hashtag?tag= and
 * /hashtag/local?tag=, and the WebSocket at /api/v1/streaming, whose
 * client subscribes to any of them with messages. Each change of the log
 * is rendered a second time by the publisher (api/publisher.c) in
 * Mastodon's framing - "event: update\ndata: {status}\n\n", "event:
 * status.update", "event: delete\ndata: ID\n\n", LF line endings, ":thump"
 * keep-alives - to topics "M:p" (everything public: the user stream too,
 * since everyone here follows every event) and "M:t:TAG", and as the end
 * of a WebSocket message to "W:…"; notifications (masto/notify.c) go to
 * "M:n:ACCOUNT" and "W:n:ACCOUNT", which the user streams are on too.
 * Mastodon has no Last-Event-ID: a client that reconnects reads the
 * timeline to catch up.
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
 * server-sent events to "M:p" and "M:t:TAG", and the end of a WebSocket
 * message, "event":…,"payload":…}, to "W:public", "W:public:local",
 * "W:user", "W:hashtag:TAG" and "W:hashtag:local:TAG": the hub puts each
 * subscription's {"stream":[…], before it and frames it.
 */
static int
masto_change_publish(struct store *st, struct arena *ar, const struct post_change *c)
{
    static const char *const plain[] = {"W:public", "W:public:local", "W:user"};
    const char *tags[CHANGE_MAX_TOPICS], *topics[CHANGE_MAX_TOPICS + 1];
    const char *ws_topics[3 + 2 * CHANGE_MAX_TOPICS];
    const char *kind, *payload, *sse, *escaped, *tail;
    size_t n_tags = 0, n_topics = 0, n_ws = 0, i;
    struct request req;
    struct event e;
    struct post p;
    bool exists;
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
    if (strcmp(c->kind, "post") == 0 && exists) { /* whoever it names or answers is told */
        memset(&req, 0, sizeof(req));
        req.app = (void *)streaming_app;
        masto_notify_post(&req, st, c->seq, &p);
        arena_release(&req.arena);
    }
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
    for (i = 0; i < 3; i++)
        ws_topics[n_ws++] = plain[i];
    for (i = 0; i < n_tags; i++)
        if ((ws_topics[n_ws++] = arena_printf(ar, "W:hashtag:%s", tags[i])) == NULL ||
            (ws_topics[n_ws++] = arena_printf(ar, "W:hashtag:local:%s", tags[i])) == NULL)
            return RC_NOMEM;
    if ((escaped = json_text(ar, payload)) == NULL ||
        (tail = arena_printf(ar, "\"event\":\"%s\",\"payload\":%s}", kind, escaped)) == NULL)
        return RC_NOMEM;
    live_publish(c->seq, ws_topics, n_ws, tail, strlen(tail));
    return RC_OK;
}

void
masto_streaming_init(const struct app *app)
{
    streaming_app = app;
    publisher_also(masto_change_publish);
    publisher_on_favourite(masto_notify_favourite);
}

/* GET /api/v1/streaming/health */
int
masto_streaming_health(struct request *req, struct response *res)
{
    (void)req;
    return response_body(res, 200, "text/plain; charset=utf-8", "OK", 2);
}

/* Hands req's connection to stream s, or answers why it cannot be. */
static int
start(struct live_stream *s, struct request *req, struct response *res)
{
    if (live_stream_start(s, req, res) == 0)
        return 0;
    live_stream_cancel(s);
    return masto_error(res, 501,
                       "streaming is not served over the server's own HTTPS: put a TLS "
                       "proxy in front; timelines work meanwhile");
}

/*
 * Opens the event stream of topic for req, and of also too (when not
 * NULL); the hub answers from then on.
 */
static int
open_stream(struct request *req, struct response *res, const char *topic_name, const char *also)
{
    struct live_stream *s;
    int64_t last;

    if ((s = live_stream_open(req, res, topic_name, -1, &last)) == NULL)
        return 0;
    if (also != NULL && live_stream_also(s, also) != 0) {
        live_stream_cancel(s);
        return masto_error(res, 500, "out of memory");
    }
    return start(s, req, res);
}

/*
 * The Authorization a stream's request brings: its header, or the token in
 * the query (access_token), which Mastodon's streaming server takes too -
 * a browser's EventSource and WebSocket cannot send headers. NULL: none.
 */
static const char *
stream_authorization(struct request *req)
{
    const char *header = request_header(req, "Authorization");
    const char *token = request_query(req, "access_token");

    if (header != NULL || token == NULL)
        return header;
    return arena_printf(&req->arena, "Bearer %s", token);
}

/*
 * /api/v1/streaming/user, /public, /public/local: every public status
 * here; the user's also its notifications (event: notification), which
 * /api/v1/streaming/user/notification has alone.
 */
int
masto_streaming_public(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    bool user = strncmp(req->path, "/api/v1/streaming/user", 22) == 0;
    bool bell_only = strcmp(req->path, "/api/v1/streaming/user/notification") == 0;
    struct masto_auth a;
    const char *bell;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize_as(req, res, st, stream_authorization(req),
                            bell_only ? "read:notifications" : "read:statuses", user, !user, &a))
        return 0;
    if (!user)
        return open_stream(req, res, "M:p", NULL);
    if ((bell = arena_printf(&req->arena, "M:n:%lld", (long long)a.acc.id)) == NULL)
        return masto_error(res, 500, "out of memory");
    return bell_only ? open_stream(req, res, bell, NULL) : open_stream(req, res, "M:p", bell);
}

/* /api/v1/streaming/hashtag?tag=…, /hashtag/local */
int
masto_streaming_hashtag(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *tag = request_query(req, "tag");
    struct masto_auth a;
    const char *t;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize_as(req, res, st, stream_authorization(req), "read:statuses", false, true,
                            &a))
        return 0;
    if ((tag = masto_tag_name(&req->arena, tag)) == NULL)
        return masto_error(res, 400, "Missing tag name parameter");
    t = arena_printf(&req->arena, "M:t:%s", tag);
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
 * The topic and label of a WebSocket's subscription to stream (tag: the
 * hashtag streams' parameter, as the client gave it) into c. 0, or the
 * status Mastodon answers with and *why.
 */
static int
ws_subscription(int64_t account, const char *stream, const char *tag, struct live_ws_change *c,
                const char **why)
{
    /* Streams of statuses and notifications; and those accepted for what
     * never comes here: other servers' (no federation yet), direct messages
     * (not streamed yet: apps read them from their timeline) */
    static const char *const plain[] = {
        "user", "public", "public:local", "public:remote", "user:notification", "direct"};
    struct arena arena = {0};
    const char *name;
    json_t *spelled;
    char *name_json;
    size_t i;
    int n;

    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (strcmp(stream, plain[i]) == 0)
            break;
    if (i < sizeof(plain) / sizeof(plain[0])) {
        if ((strncmp(stream, "user", 4) == 0 || strcmp(stream, "direct") == 0) && account == 0) {
            *why = "This stream requires an account's access token";
            return 401;
        }
        c->n_topics = 0;
        if (strcmp(stream, "user:notification") != 0) /* the user's: statuses, then its bell */
            snprintf(c->topics[c->n_topics++], sizeof(c->topics[0]), "W:%s", stream);
        if (strncmp(stream, "user", 4) == 0)
            snprintf(c->topics[c->n_topics++], sizeof(c->topics[0]), "W:n:%lld",
                     (long long)account);
        snprintf(c->label, sizeof(c->label), "{\"stream\":[\"%s\"],", stream);
        return 0;
    }
    if (strcmp(stream, "list") == 0) {
        *why = "Not authorized to stream this list"; /* there are no lists here */
        return 401;
    }
    if (strcmp(stream, "hashtag") != 0 && strcmp(stream, "hashtag:local") != 0) {
        *why = "Unknown stream type";
        return 400;
    }
    if (tag == NULL || tag[0] == '\0') {
        *why = "Missing tag name parameter";
        return 400;
    }
    if ((name = masto_tag_name(&arena, tag)) == NULL) {
        arena_release(&arena);
        *why = "The tag is not a hashtag";
        return 400;
    }
    n = snprintf(c->topics[0], sizeof(c->topics[0]), "W:%s:%s", stream, name);
    c->n_topics = 1;
    arena_release(&arena);
    /* the label names the tag as the client did: that is how it knows its own */
    spelled = json_string(tag);
    name_json = spelled != NULL ? json_dumps(spelled, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(spelled);
    if (name_json == NULL) {
        *why = "The tag is not valid UTF-8";
        return 400;
    }
    if (n < 0 || (size_t)n >= sizeof(c->topics[0]) ||
        (size_t)snprintf(c->label, sizeof(c->label), "{\"stream\":[\"%s\",%s],", stream,
                         name_json) >= sizeof(c->label)) {
        free(name_json);
        *why = "The tag is too long";
        return 400;
    }
    free(name_json);
    return 0;
}

/* The error answer Mastodon sends on a WebSocket: {"error": why, "status": status}. */
static void
ws_reply_error(struct live_ws_change *c, const char *why, int status)
{
    json_t *j = json_pack("{s:s, s:i}", "error", why, "status", status);
    char *d = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

    c->action = LIVE_WS_NOTHING;
    snprintf(c->reply, sizeof(c->reply), "%s", d != NULL ? d : "{\"error\":\"out of memory\"}");
    free(d);
    json_decref(j);
}

/*
 * A WebSocket client's text message, as masto.js (Elk, Phanpy) sends them
 * on the one socket it opens: {"type": "subscribe" | "unsubscribe",
 * "stream": NAME (or [NAME, …]), "tag": …}. A subscription it has already
 * is kept, one it does not have ends quietly (as Mastodon does); another
 * type is left alone (a newer client's); what is not such an object, or
 * names a stream it may not have, is answered {"error", "status"}.
 */
void
masto_ws_client_message(int64_t account, const char *text, size_t len, struct live_ws_change *c)
{
    json_t *msg = json_loadb(text, len, 0, NULL), *stream, *tag;
    const char *type, *name, *why = NULL;
    int status;

    if (!json_is_object(msg)) {
        ws_reply_error(c, "A message is a JSON object: {\"type\": \"subscribe\", \"stream\": …}",
                       400);
        json_decref(msg);
        return;
    }
    type = json_string_value(json_object_get(msg, "type"));
    stream = json_object_get(msg, "stream");
    if (json_is_array(stream))
        stream = json_array_get(stream, 0);
    tag = json_object_get(msg, "tag");
    if (type == NULL || (strcmp(type, "subscribe") != 0 && strcmp(type, "unsubscribe") != 0)) {
        json_decref(msg);
        return;
    }
    if ((name = json_string_value(stream)) == NULL) {
        ws_reply_error(c, "Unknown stream type", 400);
    } else if ((status = ws_subscription(account, name, json_string_value(tag), c, &why)) != 0) {
        ws_reply_error(c, why, status);
    } else {
        c->action = strcmp(type, "subscribe") == 0 ? LIVE_WS_SUBSCRIBE : LIVE_WS_UNSUBSCRIBE;
    }
    json_decref(msg);
}

/*
 * GET /api/v1/streaming (Upgrade: websocket)?access_token=…[&stream=…&tag=…]:
 * the WebSocket form of the streams, which most phone apps use. The token
 * comes in the query, in Sec-WebSocket-Protocol (echoed back, as Mastodon
 * does) or in Authorization. The stream the URL names, if any, is the
 * socket's first subscription; the client adds and ends others with
 * messages (masto_ws_client_message), and each status comes once per
 * subscription it is on, named by it.
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
    const char *stream = request_query(req, "stream"), *tag = request_query(req, "tag");
    const char *head, *why = NULL, *authz = stream_authorization(req);
    char accept[AUTH_WS_ACCEPT_SIZE];
    struct live_ws_change first;
    struct live_stream *s;
    struct masto_auth a;
    int64_t account;
    int status;

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
    /* or the token as the protocol header gives it (echoed back, as Mastodon does) */
    if (authz == NULL && protocol != NULL && strchr(protocol, ',') == NULL) {
        if ((authz = arena_printf(&req->arena, "Bearer %s", protocol)) == NULL)
            return masto_error(res, 500, "out of memory");
    } else {
        protocol = NULL;
    }
    /* a socket for the public streams may come without a token; any other needs one */
    if (!masto_authorize_as(req, res, st, authz, "read:statuses", false,
                            stream != NULL && (strncmp(stream, "public", 6) == 0 ||
                                               strncmp(stream, "hashtag", 7) == 0),
                            &a))
        return 0;
    account = a.has_account ? a.acc.id : 0;
    if (stream != NULL && stream[0] != '\0' &&
        (status = ws_subscription(account, stream, tag, &first, &why)) != 0)
        return masto_error(res, status, "%s", why);
    head = arena_printf(&req->arena,
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s%s%s\r\n",
                        accept, protocol != NULL ? "Sec-WebSocket-Protocol: " : "",
                        protocol != NULL ? protocol : "", protocol != NULL ? "\r\n" : "");
    if (head == NULL)
        return masto_error(res, 500, "out of memory");
    if ((s = live_ws_open(req, res, head, account, masto_ws_client_message)) == NULL)
        return 0;
    if (stream != NULL && stream[0] != '\0' && live_ws_subscribe(s, &first) != 0) {
        live_stream_cancel(s);
        return masto_error(res, 500, "out of memory");
    }
    return start(s, req, res);
}
