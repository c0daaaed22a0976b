/*
 * live/live.h - the publish/subscribe hub that fans a change out to the
 * open streams (server-sent events). A publisher (api/publisher.c) formats
 * each change once, as the bytes of one SSE event, and publishes it to
 * topics ("e:SLUG", "t:TAG", "p" for public, "m:SLUG" for a moderation
 * queue), and the same bytes are written to the socket of every stream of
 * those topics. A stream's socket is the hub's, taken over from the HTTP
 * server once the request is read: an idle stream costs no thread, no
 * server connection, and a few hundred bytes here.
 *
 * A stream too slow to keep up (too much unsent) is closed: its client
 * reconnects with Last-Event-ID and is replayed what it missed from the
 * database. It knows nothing of posts or events.
 */
#ifndef GZ_LIVE_LIVE_H
#define GZ_LIVE_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct live_config {
    unsigned max_streams_per_address; /* beyond: 429; 0 means 2,000 */
    unsigned keepalive_ms;            /* a comment this often on every stream; 0 means 15 s */
};

/* Starts the keep-alive thread. 0, or -1 when it cannot. */
int live_start(const struct live_config *cfg);
/* Ends every stream (each sends what it has queued, then finishes) and
 * refuses new ones with 503: at shutdown, before the server waits for the
 * requests in flight. */
void live_close_all(void);
/* Stops the keep-alive thread; after the HTTP server has stopped. */
void live_stop(void);

/* The seq of the last change published (set once at start to the log's last). */
void live_set_last_seq(int64_t seq);
int64_t live_last_seq(void);

/*
 * Publishes one change: bytes (whole SSE events) to every stream of each
 * of the topics. seq (its id:) must grow from one call to the next; 0 for
 * what is not a change (a comment).
 */
void live_publish(int64_t seq, const char *const *topics, size_t n_topics, const char *bytes,
                  size_t len);

/*
 * True when no stream is open on any of topics (nor, with any_tag, on any
 * tag's topic "t:…": when the change's tags are not known yet) nor any
 * change on its way to one: seq is then taken as published (live_publish
 * need not be called for it, nor the change rendered). False: publish it
 * as usual.
 */
bool live_skip_unheard(int64_t seq, const char *const *topics, size_t n_topics, bool any_tag);

struct live_stream;

/*
 * A new stream of topic for req, queueing from now on what is published:
 * *last_seq is the last change published before it, so the caller replays
 * the changes after the client's Last-Event-ID (seen; -1 when none) up to
 * it (the backlog), then starts the stream; nothing up to seen is sent
 * live. NULL, with an answer in res, when the address has too many streams
 * (429), the server is stopping (503) or memory runs out (500).
 */
struct live_stream *live_stream_open(struct request *req, struct response *res, const char *topic,
                                     int64_t seen, int64_t *last_seq);
/*
 * A WebSocket of the Mastodon API (its topics "W:…"): what is published
 * to them is the end of a text message's JSON, which each subscription's
 * label begins; see live_ws_subscribe. Its client's text messages are read
 * by the Mastodon API, which says what to do with each.
 */
#define LIVE_WS_TOPIC_MAX 160
#define LIVE_WS_LABEL_MAX 320
#define LIVE_WS_REPLY_MAX 400

struct live_ws_change {
    enum { LIVE_WS_NOTHING, LIVE_WS_SUBSCRIBE, LIVE_WS_UNSUBSCRIBE } action;
    /* the subscription's topics (the user stream: the statuses' and the account's
     * notifications'); the first names it, to unsubscribe */
    char topics[2][LIVE_WS_TOPIC_MAX];
    size_t n_topics;
    char label[LIVE_WS_LABEL_MAX]; /* of the subscription: {"stream":[…], */
    char reply[LIVE_WS_REPLY_MAX]; /* a text message to answer with ("" for none) */
};

/* Reads a client's text message (len bytes, NUL-terminated) into *change;
 * account: the socket's token's (0: none), as the opener said. */
typedef void (*live_ws_message_fn)(int64_t account, const char *text, size_t len,
                                   struct live_ws_change *change);

/*
 * A new WebSocket for req, own_head (its 101, NUL-terminated) sent first,
 * on no topic yet. NULL with an answer in res, as live_stream_open.
 */
struct live_stream *live_ws_open(struct request *req, struct response *res, const char *own_head,
                                 int64_t account, live_ws_message_fn on_message);
/* Subscribes a WebSocket not started yet as change says (nothing when it is
 * subscribed already). -1 when memory runs out. */
int live_ws_subscribe(struct live_stream *s, const struct live_ws_change *change);
/* Puts an event stream not started yet on topic too (the user stream: the
 * account's notifications). -1 when memory runs out. */
int live_stream_also(struct live_stream *s, const char *topic);

/*
 * Adds bytes to the replay, sent before anything published since the
 * stream registered: before live_stream_start(). -1 when the replay would
 * pass what a stream may hold (256 KB), or memory runs out.
 */
int live_stream_backlog(struct live_stream *s, const char *bytes, size_t len);
/* Replaces the replay so far, and what was published since, with bytes (a "reset" event). */
int live_stream_reset(struct live_stream *s, const char *bytes, size_t len);
/*
 * Answers req with the stream: takes its connection over from the server
 * (response_detach) and sends the head and the backlog. -1 when the
 * connection cannot be had: then cancel the stream and answer as usual.
 */
int live_stream_start(struct live_stream *s, struct request *req, struct response *res);
/* Forgets a stream that was opened but not started. */
void live_stream_cancel(struct live_stream *s);

/* Streams open now; of them, the Mastodon API's (topics "M:…", "W:…"). */
size_t live_stream_count(void);
size_t live_masto_stream_count(void);

#endif
