/*
 * masto/notify.c - notifications as they happen: a mention of an account
 * of this server, a reply to one of its posts, a favourite or a reblog of one, sent
 * on its user streams as "event: notification" - the server-sent events'
 * topic "M:n:ACCOUNT" and the WebSockets' "W:n:ACCOUNT" (masto/streaming.c
 * puts the user streams on them) - as GET /api/v1/notifications lists
 * them afterwards, with the same ids: an app shows them at once, and
 * knows them again when it reads the list.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "live/live.h"
#include "masto/masto.h"
#include "masto/masto_int.h"

/* Publishes notification (a json_t, taken) to account's streams. */
static void
publish(struct arena *ar, int64_t seq, int64_t account, json_t *notification)
{
    char *json = notification != NULL ? json_dumps(notification, JSON_COMPACT) : NULL;
    json_t *as_string = json != NULL ? json_string(json) : NULL;
    char *escaped =
        as_string != NULL ? json_dumps(as_string, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    const char *sse_topic = arena_printf(ar, "M:n:%lld", (long long)account);
    const char *ws_topic = arena_printf(ar, "W:n:%lld", (long long)account);
    const char *sse =
        json != NULL ? arena_printf(ar, "event: notification\ndata: %s\n\n", json) : NULL;
    const char *tail = escaped != NULL
                           ? arena_printf(ar, "\"event\":\"notification\",\"payload\":%s}", escaped)
                           : NULL;

    if (sse_topic != NULL && ws_topic != NULL && sse != NULL && tail != NULL) {
        live_publish(seq, &sse_topic, 1, sse, strlen(sse));
        live_publish(seq, &ws_topic, 1, tail, strlen(tail));
    }
    free(escaped);
    json_decref(as_string);
    free(json);
    json_decref(notification);
}

void
masto_notify_post(struct request *req, struct store *st, int64_t seq, const struct post *p)
{
    struct notification n = {.id = p->id, .type = "mention", .post_id = p->id};
    struct account author, *mentioned;
    int64_t replied = 0;
    struct post parent;
    size_t n_mentioned, i;

    if (p->account_id == 0 || strcmp(p->state, "visible") != 0 ||
        store_account_by_id(st, &req->arena, p->account_id, &author) != RC_OK)
        return;
    n.account_id = author.id;
    n.created_at = p->created_at;
    /* a reply tells the author of what it answers (GET /api/v1/notifications: "mention") */
    if (p->in_reply_to_id != 0 &&
        store_post_get(st, &req->arena, p->in_reply_to_id, &parent) == RC_OK &&
        parent.account_id != author.id && parent.account_id != 0) {
        replied = parent.account_id;
        publish(&req->arena, seq, replied, masto_notification(req, st, &n, &author, p, replied));
    }
    n_mentioned = masto_mentioned(&req->arena, st, p, &mentioned);
    for (i = 0; i < n_mentioned; i++)
        if (mentioned[i].id != author.id && mentioned[i].id != replied)
            publish(&req->arena, seq, mentioned[i].id,
                    masto_notification(req, st, &n, &author, p, mentioned[i].id));
}

void
masto_notify_mark(struct request *req, struct store *st, bool reblog, int64_t account,
                  const struct post *p)
{
    struct notification n;
    struct account who;

    if (live_masto_stream_count() == 0 || p->account_id == 0 || p->account_id == account)
        return; /* nobody listens; or one's own post */
    if (store_mark_notification(st, &req->arena, reblog, account, p->id, &n) != RC_OK ||
        store_account_by_id(st, &req->arena, account, &who) != RC_OK)
        return;
    publish(&req->arena, 0, p->account_id, masto_notification(req, st, &n, &who, p, p->account_id));
}

void
masto_notify_favourite(struct request *req, struct store *st, int64_t account, const struct post *p)
{
    masto_notify_mark(req, st, false, account, p);
}
