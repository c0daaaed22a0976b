/*
 * api/stream.c - the live streams, as server-sent events: an event's posts,
 * a hashtag's, everything public. Events "post", "update" and "delete",
 * each with an id: (its seq in the change log), a keep-alive comment every
 * 15 seconds. A client that comes back with Last-Event-ID (EventSource
 * sends it by itself when it reconnects) or opens with ?since=SEQ (the seq
 * an event page was rendered at) is first sent, from the database, every
 * change it missed, in order, then what is published - nothing twice,
 * nothing lost: the stream is registered before the replay, and the replay
 * stops where publishing had got to (what is published meanwhile waits
 * behind the replay). More than REPLAY_MAX missed changes, or more bytes
 * than a stream holds, earn an event "reset" instead: reload the page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/publisher.h"
#include "core/rc.h"
#include "live/live.h"
#include "text/text.h"

#define REPLAY_PAGE 200
#define REPLAY_MAX  2000

/* Last-Event-ID, else ?since=; -1 when neither; false with a 400 when malformed. */
static bool
since_of(struct request *req, struct response *res, int64_t *out)
{
    const char *v = request_header(req, "Last-Event-ID");
    char *end;
    long long n;

    if (v == NULL || *v == '\0')
        v = request_query(req, "since");
    *out = -1;
    if (v == NULL || *v == '\0')
        return true;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != '\0' || errno == ERANGE) {
        response_error(res, 400, "Last-Event-ID (or 'since') must be the id of an event: digits");
        return false;
    }
    *out = n;
    return true;
}

/* Queues on s the changes of topic after since, up to upto, from the store. */
static int
replay(struct store *st, struct live_stream *s, const char *topic, int64_t event_id, int64_t since,
       int64_t upto)
{
    static const char reset[] = "event: reset\ndata: {}\n\n";
    struct change_query q = {
        .after = since, .upto = upto, .event_id = event_id, .limit = REPLAY_PAGE};
    struct change_event ev;
    struct post_change *v;
    size_t n, i, scanned = 0;
    bool too_much = false;
    int rc = RC_OK;

    do {
        struct arena ar = {0};
        if ((rc = store_changes(st, &ar, &q, &v, &n)) != RC_OK) {
            arena_release(&ar);
            return rc;
        }
        for (i = 0; i < n && rc == RC_OK && !too_much; i++) {
            if ((rc = change_format(st, &ar, &v[i], &ev)) == RC_OK &&
                change_has_topic(&ev, topic) && live_stream_backlog(s, ev.bytes, ev.len) != 0)
                too_much = true; /* more than a stream holds */
            q.after = v[i].seq;
        }
        arena_release(&ar);
        scanned += n;
        if (rc == RC_OK && n == REPLAY_PAGE && scanned >= REPLAY_MAX)
            too_much = true;
    } while (rc == RC_OK && !too_much && n == REPLAY_PAGE);
    if (rc == RC_OK && too_much && live_stream_reset(s, reset, sizeof(reset) - 1) != 0)
        rc = RC_NOMEM;
    return rc;
}

int
api_stream_open(struct request *req, struct response *res, const char *topic, int64_t event_id)
{
    struct store *st = app_store(req->app);
    struct live_stream *s;
    int64_t since, upto;
    int rc;

    if (!since_of(req, res, &since))
        return 0;
    if ((s = live_stream_open(req, res, topic, since, &upto)) == NULL)
        return 0;
    if (since >= 0 && since < upto) {
        if (st == NULL)
            rc = RC_IO;
        else
            rc = replay(st, s, topic, event_id, since, upto);
        if (rc != RC_OK) {
            live_stream_cancel(s);
            return response_error_rc(res, rc);
        }
    }
    if (req->method[0] == 'H') { /* HEAD: the head of a stream, and no stream */
        live_stream_cancel(s);
        response_header(res, "Cache-Control", "no-store");
        return response_body(res, 200, "text/event-stream; charset=utf-8", "", 0);
    }
    if (live_stream_start(s, req, res) != 0) {
        live_stream_cancel(s);
        return response_error(res, 501,
                              "live streams are not served over the server's own HTTPS: put a "
                              "TLS proxy in front, or reload the page to see new posts");
    }
    return 0;
}

/* GET /api/v1/events/:slug/stream */
int
api_stream_event(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *slug = request_param(req, "slug");
    struct event e;
    int rc;

    if (st == NULL)
        return response_error_rc(res, RC_IO);
    rc = store_event_find(st, &req->arena, slug, &e);
    if (rc == RC_NOTFOUND || (rc == RC_OK && strcmp(e.state, "draft") == 0))
        return response_error(res, 404, "no event '%s'", slug);
    if (rc != RC_OK)
        return response_error_rc(res, rc);
    return api_stream_open(req, res, change_event_topic(&req->arena, 'e', e.id), e.id);
}

/* GET /api/v1/tags/:tag/stream: "#Innover", "innover" and "INNOVER" are one. */
int
api_stream_tag(struct request *req, struct response *res)
{
    const char *tag = request_param(req, "tag");
    struct text_buf folded = {0};
    const char *topic;

    if (*tag == '#')
        tag++;
    if (*tag == '\0' || strlen(tag) > 140 || text_tag_fold(&folded, tag, strlen(tag)) != 0 ||
        folded.len == 0) {
        text_buf_release(&folded);
        return response_error(res, 400, "'%s' is not a hashtag", request_param(req, "tag"));
    }
    topic = arena_printf(&req->arena, "t:%.*s", (int)folded.len, folded.data);
    text_buf_release(&folded);
    if (topic == NULL)
        return -1;
    return api_stream_open(req, res, topic, 0);
}

/* GET /api/v1/stream: every public post. */
int
api_stream_public(struct request *req, struct response *res)
{
    return api_stream_open(req, res, "p", 0);
}
