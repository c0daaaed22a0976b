/*
 * live/hub.c - the hub of live/live.h. A stream is a socket the HTTP
 * server handed over (response_detach): no libmicrohttpd connection stays
 * behind it, so 10,000 idle streams cost the server's request path
 * nothing (libmicrohttpd walks every suspended connection whenever one is
 * resumed, and every answered post is one) and each costs a few hundred
 * bytes here. Topics live in a hash table, each with its list of streams;
 * a publish writes the same bytes to each stream's socket at once
 * (non-blocking); what a socket does not take waits in that stream's
 * buffer until one thread, polling the sockets with epoll, sees it
 * writable. The same thread sees a client leave (the socket reads end of
 * file) and sends the keep-alive comments. A stream whose buffer grows
 * past BACKLOG_MAX does not read: it is closed, and its client reconnects
 * and catches up from the database.
 *
 * The streams are spread over shards, one per core, each with its own
 * lock, topics, epoll set and thread: a publish hands the message to every
 * shard, and the shards write to their halves of 10,000 sockets at the
 * same time. Under a shard's lock, only pointer work and non-blocking
 * writes. A shard's streams all get a change in seq order, and a stream is
 * registered in its shard under the shard's lock with the last seq that
 * shard has written, so a replay up to it and the live changes after it
 * neither overlap nor leave a gap: what is published while the replay is
 * read waits behind it, and a stream is never sent a change up to its
 * client's Last-Event-ID (back on another shard, the client may have had
 * it sooner from its old one). A change no stream's topic can hear is not
 * published at all (live_skip_unheard): it is only marked written on
 * every shard, so that a stream opening afterwards replays it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/hash.h"
#include "core/log.h"
#include "live/live.h"
#include "live/ws_read.h"

#define N_BUCKETS            1024
#define BACKLOG_MAX          (256 << 10) /* unsent bytes of one stream; beyond, it is too slow */
#define DEFAULT_PER_ADDR     2000
#define DEFAULT_KEEPALIVE    15000
#define MAX_EVENTS           256
#define MAX_SHARDS           16
#define WS_MAX_SUBSCRIPTIONS 32         /* topics of one WebSocket */
#define STREAM_SNDBUF        (64 << 10) /* the kernel's send buffer of a stream's socket */

/* What a stream says first: its HTTP head (the body ends when the connection does). */
static const char head[] = "HTTP/1.1 200 OK\r\n"
                           "Content-Type: text/event-stream; charset=utf-8\r\n"
                           "Cache-Control: no-store\r\n"
                           "X-Content-Type-Options: nosniff\r\n"
                           "X-Accel-Buffering: no\r\n" /* a proxy in front must not hold events */
                           "Connection: close\r\n"
                           "\r\n";
/* Then, for gazouillis's own streams: how long a browser waits before reconnecting. */
static const char retry[] = "retry: 3000\n\n";

/*
 * The kinds of stream. gazouillis's own event streams; the Mastodon API's
 * event streams (topics "M:…", masto/streaming.c): no retry field, and
 * their keep-alive is Mastodon's ":thump" comment, which some clients look
 * for; and the Mastodon API's WebSockets: their own head (101), a ping
 * frame to keep them alive, and what their client sends read as frames
 * (live/ws_read.c): a ping is answered with a pong, a close with a close
 * before the connection ends, a text message handed to the Mastodon API
 * (a subscription to add or end), a binary one answered by a close.
 */
enum stream_kind { EVENTS, MASTO_EVENTS, WEBSOCKET };

struct topic {
    char *name;
    struct membership *first;
    struct topic *next; /* in its bucket */
};

/*
 * A stream on a topic. An event stream has one, a WebSocket as many as its
 * client subscribed to (up to WS_MAX_SUBSCRIPTIONS), each with its label:
 * the start of its frames' text, {"stream":["hashtag","Innover"], -
 * naming the stream as the client did, so that a client telling its
 * subscriptions apart by that name (masto.js) knows its own. What is
 * published to a WebSocket's topic is the rest of the text, the same for
 * every label.
 */
struct membership {
    struct topic *topic;
    struct live_stream *stream;
    struct membership *prev, *next; /* in its topic */
    struct membership *next_of_stream;
    const char *key; /* a WebSocket's: its subscription's first topic (after label) */
    size_t label_len;
    char label[]; /* empty for an event stream; then the key */
};

struct address {
    char name[48];
    unsigned streams;
    struct address *next;
};

struct live_stream {
    struct shard *shard;
    enum stream_kind kind;
    struct membership *members;              /* its topics */
    unsigned n_subscriptions;                /* of a WebSocket: at most WS_MAX_SUBSCRIPTIONS */
    struct live_stream *all_prev, *all_next; /* in its shard's list of streams */
    struct address *address;
    int fd;    /* -1 until started */
    char *out; /* bytes not sent yet: the backlog, then what a socket refused */
    size_t out_len, out_sent, out_cap;
    size_t head_end;    /* until started: the end of its HTTP head in out */
    size_t backlog_end; /* until started: where the replay goes, before what was published */
    bool gap;           /* until started: something published did not fit in out */
    int64_t seen;       /* the client's Last-Event-ID: changes up to it are not sent again */
    bool polling_out;   /* epoll waits for the socket to be writable */
    bool dead;          /* closed, waiting in the graveyard to be freed */
    bool dying;         /* its socket failed during a send_all, forgotten at its end */
    struct live_stream *dying_next;
    bool tag;             /* on a tag's topic: counted in its shard's n_tag_streams */
    struct ws_reader *ws; /* a WebSocket's: its client's frames so far (made when it speaks) */
    bool ws_closing;      /* its client said close: answered, then the connection ends */
    live_ws_message_fn ws_message; /* a WebSocket's: reads its client's text messages */
    int64_t ws_account;            /* its token's account (0: none), for ws_message */
};

/* A message on its way to the shards: bytes and topics, formatted once. */
struct message {
    atomic_uint refs; /* one per shard inbox */
    int64_t seq;
    size_t n_topics, len;
    struct message *next[MAX_SHARDS]; /* in each shard's inbox */
    const char **topics;              /* in the same block, after the bytes */
    char bytes[];
};

struct shard {
    pthread_mutex_t lock;
    struct topic *topics[N_BUCKETS];
    struct live_stream *all; /* its open streams */
    /* Streams closed, freed by the shard's thread once the events it is
     * handling can no longer point at them (linked through next). */
    struct live_stream *graveyard;
    struct message *inbox, *inbox_tail;
    int64_t last_sent;    /* seq of the last change written to this shard's streams */
    size_t n_streams;     /* open on this shard, counted under its lock */
    size_t n_tag_streams; /* of them, on a tag's topic ("t:…") */
    int epoll_fd, wake_pipe[2];
    bool stopping, running;
    pthread_t thread;
    unsigned index;
};

static struct shard shards[MAX_SHARDS];
static unsigned n_shards;
static atomic_uint next_shard;

/* The addresses' counts, the closing flag and the last seq published. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct address *addresses[N_BUCKETS];
static atomic_size_t n_streams;
static atomic_size_t n_masto_streams; /* of them, the Mastodon API's ("M:…", "W:…") */
static int64_t last_seq;
static bool closing;
static struct live_config config = {DEFAULT_PER_ADDR, DEFAULT_KEEPALIVE};

static size_t
bucket_of(const char *s)
{
    return (size_t)(hash_string(s) % N_BUCKETS);
}

/* ---- topics (under their shard's lock) and addresses (under the hub's) ---- */

static struct topic *
topic_find(struct shard *sh, const char *name, bool create)
{
    size_t b = bucket_of(name);
    struct topic *t;

    for (t = sh->topics[b]; t != NULL; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    if (!create || (t = calloc(1, sizeof(*t))) == NULL)
        return NULL;
    if ((t->name = strdup(name)) == NULL) {
        free(t);
        return NULL;
    }
    t->next = sh->topics[b];
    sh->topics[b] = t;
    return t;
}

static void
topic_free_if_empty(struct shard *sh, struct topic *t)
{
    struct topic **p;

    if (t->first != NULL)
        return;
    for (p = &sh->topics[bucket_of(t->name)]; *p != t; p = &(*p)->next)
        ;
    *p = t->next;
    free(t->name);
    free(t);
}

static struct address *
address_find(const char *name, bool create)
{
    size_t b = bucket_of(name);
    struct address *a;

    for (a = addresses[b]; a != NULL; a = a->next)
        if (strcmp(a->name, name) == 0)
            return a;
    if (!create || (a = calloc(1, sizeof(*a))) == NULL)
        return NULL;
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->next = addresses[b];
    addresses[b] = a;
    return a;
}

/* One stream less from a; under the hub's lock. */
static void
address_release(struct address *a)
{
    struct address **p;

    if (--a->streams > 0)
        return;
    for (p = &addresses[bucket_of(a->name)]; *p != a; p = &(*p)->next)
        ;
    *p = a->next;
    free(a);
}

/* ---- one stream (under its shard's lock) ---- */

/* Adds s to topic name, with label and key (a WebSocket subscription's; "" for others). */
static struct membership *
member_add(struct live_stream *s, const char *name, const char *label, size_t label_len,
           const char *key)
{
    size_t key_len = strlen(key);
    struct membership *m;
    struct topic *t;

    if ((m = calloc(1, sizeof(*m) + label_len + 1 + key_len + 1)) == NULL)
        return NULL;
    memcpy(m->label + label_len + 1, key, key_len);
    m->key = m->label + label_len + 1;
    if ((t = topic_find(s->shard, name, true)) == NULL) {
        free(m);
        return NULL;
    }
    memcpy(m->label, label, label_len);
    m->label_len = label_len;
    m->topic = t;
    m->stream = s;
    m->next = t->first;
    if (t->first != NULL)
        t->first->prev = m;
    t->first = m;
    m->next_of_stream = s->members;
    s->members = m;
    return m;
}

/* Where s's first membership of the subscription key is linked, or NULL. */
static struct membership **
member_find(struct live_stream *s, const char *key)
{
    struct membership **p;

    for (p = &s->members; *p != NULL; p = &(*p)->next_of_stream)
        if (strcmp((*p)->key, key) == 0)
            return p;
    return NULL;
}

/* Takes *p out of its topic (freed with its last stream) and its stream's list; frees it. */
static void
member_remove(struct membership **p)
{
    struct membership *m = *p;
    struct topic *t = m->topic;

    if (m->prev != NULL)
        m->prev->next = m->next;
    else
        t->first = m->next;
    if (m->next != NULL)
        m->next->prev = m->prev;
    topic_free_if_empty(m->stream->shard, t);
    *p = m->next_of_stream;
    free(m);
}

/*
 * Unlinks s and closes its socket (out of the epoll set first); the memory
 * waits in the graveyard, since the shard's thread may hold an event for
 * it that epoll returned before the lock was taken.
 */
static void
stream_forget(struct live_stream *s)
{
    struct shard *sh = s->shard;

    while (s->members != NULL)
        member_remove(&s->members);
    if (s->all_prev != NULL)
        s->all_prev->all_next = s->all_next;
    else
        sh->all = s->all_next;
    if (s->all_next != NULL)
        s->all_next->all_prev = s->all_prev;
    pthread_mutex_lock(&lock);
    address_release(s->address);
    pthread_mutex_unlock(&lock);
    if (s->fd >= 0) {
        epoll_ctl(sh->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
        close(s->fd);
        s->fd = -1;
    }
    free(s->out);
    s->out = NULL;
    if (s->ws != NULL)
        ws_reader_release(s->ws);
    free(s->ws);
    s->ws = NULL;
    s->dead = true;
    s->all_next = sh->graveyard;
    sh->graveyard = s;
    sh->n_streams--;
    if (s->tag)
        sh->n_tag_streams--;
    atomic_fetch_sub(&n_streams, 1);
    if (s->kind != EVENTS) /* the Mastodon API's */
        atomic_fetch_sub(&n_masto_streams, 1);
}

static void
graveyard_free(struct shard *sh)
{
    struct live_stream *s;

    while ((s = sh->graveyard) != NULL) {
        sh->graveyard = s->all_next;
        free(s);
    }
}

/* Room for len more bytes in what s has to send. False past BACKLOG_MAX or without memory. */
static bool
out_reserve(struct live_stream *s, size_t len)
{
    size_t cap;
    char *p;

    if (s->out_sent > 0 && s->out_sent == s->out_len)
        s->out_len = s->out_sent = 0;
    if (s->out_len - s->out_sent + len > BACKLOG_MAX)
        return false;
    if (s->out_len + len > s->out_cap) {
        if (s->out_sent > 0) { /* what was sent makes room first */
            memmove(s->out, s->out + s->out_sent, s->out_len - s->out_sent);
            s->out_len -= s->out_sent;
            s->out_sent = 0;
        }
        for (cap = s->out_cap ? s->out_cap : 512; cap < s->out_len + len; cap *= 2)
            ;
        if (cap > s->out_cap) {
            if ((p = realloc(s->out, cap)) == NULL)
                return false;
            s->out = p;
            s->out_cap = cap;
        }
    }
    return true;
}

/* Appends the pieces to what s has to send, but their first skip bytes (sent already). */
static bool
out_appendv(struct live_stream *s, const struct iovec *iov, size_t n, size_t skip)
{
    size_t total = 0, i, len;

    for (i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (!out_reserve(s, total - skip))
        return false;
    for (i = 0; i < n; i++) {
        len = iov[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        memcpy(s->out + s->out_len, (const char *)iov[i].iov_base + skip, len - skip);
        s->out_len += len - skip;
        skip = 0;
    }
    return true;
}

static bool
out_append(struct live_stream *s, const char *bytes, size_t len)
{
    struct iovec iov = {.iov_base = (void *)bytes, .iov_len = len};

    return out_appendv(s, &iov, 1, 0);
}

/* Asks epoll to say when s's socket can take more (or not any more). */
static void
poll_out(struct live_stream *s, bool on)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0), .data.ptr = s};

    if (s->polling_out == on)
        return;
    if (epoll_ctl(s->shard->epoll_fd, EPOLL_CTL_MOD, s->fd, &ev) == 0)
        s->polling_out = on;
}

/* Writes what s has waiting. False when the socket is dead: forget s. */
static bool
flush(struct live_stream *s)
{
    ssize_t n;

    while (s->out_sent < s->out_len) {
        n = send(s->fd, s->out + s->out_sent, s->out_len - s->out_sent,
                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            s->out_sent += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            poll_out(s, true);
            return true;
        }
        return false;
    }
    s->out_len = s->out_sent = 0;
    poll_out(s, false);
    return true;
}

/*
 * Before its start, a stream's out holds its head, the replay so far, then
 * what was published since it registered: the replay's next bytes go
 * between the two, so the client reads the changes in seq order.
 */
static bool
backlog_insert(struct live_stream *s, const char *bytes, size_t len)
{
    size_t published = s->out_len - s->backlog_end;

    if (!out_append(s, bytes, len)) /* room for len more (nothing was sent yet) */
        return false;
    if (published > 0) {
        memmove(s->out + s->backlog_end + len, s->out + s->backlog_end, published);
        memcpy(s->out + s->backlog_end, bytes, len);
    }
    s->backlog_end += len;
    return true;
}

/* Sends the pieces on s, in one write when nothing waits before them. False: forget s. */
static bool
stream_sendv(struct live_stream *s, const struct iovec *iov, size_t n)
{
    struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = n};
    size_t total = 0, i;
    ssize_t sent = 0;

    if (s->fd < 0) { /* not started: it goes after the backlog (backlog_insert) */
        if (!out_appendv(s, iov, n, 0))
            s->gap = true; /* its handler holds it: ended at its start instead */
        return true;
    }
    for (i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (s->out_sent == s->out_len) {
        sent = sendmsg(s->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return false;
        if (sent < 0)
            sent = 0;
        if ((size_t)sent == total)
            return true;
    }
    if (!out_appendv(s, iov, n, (size_t)sent))
        return false; /* it does not read: let it come back with Last-Event-ID */
    return flush(s);
}

static bool
stream_send(struct live_stream *s, const char *bytes, size_t len)
{
    struct iovec iov = {.iov_base = (void *)bytes, .iov_len = len};

    return stream_sendv(s, &iov, 1);
}

/* A WebSocket frame's header (server to client: not masked) for len bytes; its length. */
static size_t
ws_header(unsigned char *h, unsigned opcode, size_t len)
{
    size_t i;

    h[0] = (unsigned char)(0x80 | opcode); /* FIN */
    if (len < 126) {
        h[1] = (unsigned char)len;
        return 2;
    }
    if (len < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(len >> 8);
        h[3] = (unsigned char)len;
        return 4;
    }
    h[1] = 127;
    for (i = 0; i < 8; i++)
        h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    return 10;
}

/* Sends a change's bytes to one member: a WebSocket's as a text frame, its label first. */
static bool
member_send(struct membership *m, const char *bytes, size_t len)
{
    unsigned char frame_head[10];
    struct iovec iov[3];

    if (m->label_len == 0)
        return stream_send(m->stream, bytes, len);
    iov[0].iov_base = frame_head;
    iov[0].iov_len = ws_header(frame_head, 0x1, m->label_len + len);
    iov[1].iov_base = m->label;
    iov[1].iov_len = m->label_len;
    iov[2].iov_base = (void *)bytes;
    iov[2].iov_len = len;
    return stream_sendv(m->stream, iov, 3);
}

/* A text message of the server's own on a WebSocket (an answer to its client). */
static bool
ws_send_text(struct live_stream *s, const char *text, size_t len)
{
    unsigned char frame_head[10];
    struct iovec iov[2] = {{.iov_base = frame_head, .iov_len = ws_header(frame_head, 0x1, len)},
                           {.iov_base = (void *)text, .iov_len = len}};

    return stream_sendv(s, iov, 2);
}

/*
 * Sends change seq's bytes to every member of list, then forgets the
 * streams that died meanwhile (not before: a WebSocket may be on a topic
 * twice - its user and user:notification subscriptions - and forgetting
 * it frees both); not to a client that has it already: one back from
 * another shard, which had sent it sooner than this one does.
 */
static void
send_all(struct membership *list, int64_t seq, const char *bytes, size_t len)
{
    struct live_stream *dying = NULL, *s;
    struct membership *m;

    for (m = list; m != NULL; m = m->next) {
        s = m->stream;
        if (s->dying || (seq > 0 && seq <= s->seen))
            continue;
        if (!member_send(m, bytes, len)) {
            s->dying = true;
            s->dying_next = dying;
            dying = s;
        }
    }
    while ((s = dying) != NULL) { /* may free the topic with its last stream */
        dying = s->dying_next;
        stream_forget(s);
    }
}

static void
each_stream(struct shard *sh, void (*fn)(struct live_stream *s))
{
    struct live_stream *s, *next;

    for (s = sh->all; s != NULL; s = next) {
        next = s->all_next; /* fn may forget s, and only s */
        fn(s);
    }
}

/* ---- publishing ---- */

void
live_set_last_seq(int64_t seq)
{
    unsigned i;

    pthread_mutex_lock(&lock);
    last_seq = seq;
    pthread_mutex_unlock(&lock);
    for (i = 0; i < n_shards; i++) {
        pthread_mutex_lock(&shards[i].lock);
        shards[i].last_sent = seq;
        pthread_mutex_unlock(&shards[i].lock);
    }
}

int64_t
live_last_seq(void)
{
    int64_t seq;

    pthread_mutex_lock(&lock);
    seq = last_seq;
    pthread_mutex_unlock(&lock);
    return seq;
}

static void
message_unref(struct message *m)
{
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
        free(m);
}

static void
wake(struct shard *sh)
{
    if (write(sh->wake_pipe[1], "", 1) < 0 && errno != EAGAIN)
        log_warnx("live: cannot wake a shard: %s", strerror(errno));
}

void
live_publish(int64_t seq, const char *const *names, size_t n_names, const char *bytes, size_t len)
{
    struct message *m;
    size_t i, size = sizeof(*m) + len + 8 + n_names * sizeof(char *), off; /* 8: alignment */
    bool wakeup;

    for (i = 0; i < n_names; i++)
        size += strlen(names[i]) + 1;
    pthread_mutex_lock(&lock);
    if (seq > 0)
        last_seq = seq;
    pthread_mutex_unlock(&lock);
    if (n_names == 0 || n_shards == 0)
        return; /* nothing to send; a stream opened later starts after seq anyway */
    if ((m = calloc(1, size)) == NULL) {
        log_warnx("live: out of memory: change %lld not sent (clients catch up on reconnection)",
                  (long long)seq);
        return;
    }
    m->seq = seq;
    m->len = len;
    m->n_topics = n_names;
    memcpy(m->bytes, bytes, len);
    m->topics = (const char **)(void *)(m->bytes + ((len + 7) & ~(size_t)7));
    off = ((len + 7) & ~(size_t)7) + n_names * sizeof(char *);
    for (i = 0; i < n_names; i++) {
        char *t = m->bytes + off;
        memcpy(t, names[i], strlen(names[i]) + 1);
        m->topics[i] = t;
        off += strlen(names[i]) + 1;
    }
    atomic_init(&m->refs, n_shards);
    for (i = 0; i < n_shards; i++) {
        struct shard *sh = &shards[i];
        pthread_mutex_lock(&sh->lock);
        wakeup = sh->inbox == NULL;
        if (sh->inbox_tail != NULL)
            sh->inbox_tail->next[i] = m;
        else
            sh->inbox = m;
        sh->inbox_tail = m;
        pthread_mutex_unlock(&sh->lock);
        if (wakeup)
            wake(sh);
    }
}

/*
 * Nobody hears a change when no shard has a stream on one of its topics
 * nor a message on its way: it is then marked written everywhere, and its
 * caller need not render it. The shards are locked all at once (in index
 * order, the only place that holds two) so that no stream registers in
 * between: one that opens after starts after seq and, reconnecting,
 * replays it from the database; one open before is seen here, and the
 * change is rendered.
 */
static bool
shard_hears(struct shard *sh, const char *const *topics, size_t n_topics, bool any_tag)
{
    size_t i;

    if (sh->inbox != NULL)
        return true;
    if (sh->n_streams == 0)
        return false;
    if (any_tag && sh->n_tag_streams > 0)
        return true;
    for (i = 0; i < n_topics; i++)
        if (topic_find(sh, topics[i], false) != NULL)
            return true;
    return false;
}

bool
live_skip_unheard(int64_t seq, const char *const *topics, size_t n_topics, bool any_tag)
{
    unsigned i, n;
    bool unheard = n_shards > 0;

    for (n = 0; n < n_shards; n++) {
        pthread_mutex_lock(&shards[n].lock);
        if (shard_hears(&shards[n], topics, n_topics, any_tag)) {
            unheard = false;
            n++;
            break;
        }
    }
    for (i = 0; i < n; i++) {
        if (unheard)
            shards[i].last_sent = seq;
        pthread_mutex_unlock(&shards[i].lock);
    }
    if (unheard) {
        pthread_mutex_lock(&lock);
        last_seq = seq;
        pthread_mutex_unlock(&lock);
    }
    return unheard;
}

/* Writes what waits in the shard's inbox to its streams; under its lock. */
static void
deliver(struct shard *sh)
{
    struct message *m;
    struct topic *t;
    size_t i;

    while ((m = sh->inbox) != NULL) {
        sh->inbox = m->next[sh->index];
        if (sh->inbox == NULL)
            sh->inbox_tail = NULL;
        for (i = 0; i < m->n_topics; i++)
            if ((t = topic_find(sh, m->topics[i], false)) != NULL)
                send_all(t->first, m->seq, m->bytes, m->len); /* may free t with its last stream */
        if (m->seq > 0)
            sh->last_sent = m->seq;
        message_unref(m);
    }
}

/* ---- streams ---- */

/*
 * Registers a stream of kind for req on topic (NULL for a WebSocket, which
 * subscribes afterwards), with own_head (a WebSocket's 101) or the event
 * streams' head; see live_stream_open.
 */
static struct live_stream *
stream_open(struct request *req, struct response *res, enum stream_kind kind, const char *topic,
            int64_t seen, int64_t *seq_out, const char *own_head)
{
    struct live_stream *s = NULL;
    struct address *a;
    struct shard *sh;
    int64_t published;

    pthread_mutex_lock(&lock);
    published = last_seq;
    if (closing || n_shards == 0) {
        pthread_mutex_unlock(&lock);
        response_error(res, 503, "the server is stopping: reconnect in a moment");
        response_header(res, "Retry-After", "3");
        return NULL;
    }
    if ((a = address_find(req->remote_addr, true)) == NULL) {
        pthread_mutex_unlock(&lock);
        goto nomem;
    }
    if (a->streams >= config.max_streams_per_address) {
        pthread_mutex_unlock(&lock);
        response_error(res, 429, "too many open streams from your address (at most %u)",
                       config.max_streams_per_address);
        response_header(res, "Retry-After", "30");
        return NULL;
    }
    a->streams++;
    pthread_mutex_unlock(&lock);
    sh = &shards[atomic_fetch_add(&next_shard, 1) % n_shards];
    pthread_mutex_lock(&sh->lock);
    if ((s = calloc(1, sizeof(*s))) == NULL)
        goto undo;
    s->shard = sh;
    s->kind = kind;
    if (!(own_head != NULL ? out_append(s, own_head, strlen(own_head))
                           : out_append(s, head, sizeof(head) - 1)) ||
        (kind == EVENTS && !out_append(s, retry, sizeof(retry) - 1)) ||
        (topic != NULL && member_add(s, topic, "", 0, "") == NULL))
        goto undo;
    s->fd = -1;
    s->head_end = s->backlog_end = s->out_len;
    /* a client cannot have seen what was not published yet: a Last-Event-ID
     * from the future (or another server's) must not silence the stream */
    if (published < sh->last_sent)
        published = sh->last_sent;
    s->seen = seen < published ? seen : published;
    s->address = a;
    s->all_next = sh->all;
    if (sh->all != NULL)
        sh->all->all_prev = s;
    sh->all = s;
    sh->n_streams++;
    if ((s->tag = topic != NULL && strncmp(topic, "t:", 2) == 0))
        sh->n_tag_streams++;
    atomic_fetch_add(&n_streams, 1);
    if (kind != EVENTS)
        atomic_fetch_add(&n_masto_streams, 1);
    *seq_out = sh->last_sent; /* what waits in the inbox comes to s live */
    pthread_mutex_unlock(&sh->lock);
    return s;
undo:
    if (s != NULL)
        free(s->out);
    free(s);
    pthread_mutex_unlock(&sh->lock);
    pthread_mutex_lock(&lock);
    address_release(a);
    pthread_mutex_unlock(&lock);
nomem:
    response_error(res, 500, "out of memory");
    return NULL;
}

struct live_stream *
live_stream_open(struct request *req, struct response *res, const char *topic, int64_t seen,
                 int64_t *seq_out)
{
    return stream_open(req, res, strncmp(topic, "M:", 2) == 0 ? MASTO_EVENTS : EVENTS, topic, seen,
                       seq_out, NULL);
}

struct live_stream *
live_ws_open(struct request *req, struct response *res, const char *own_head, int64_t account,
             live_ws_message_fn on_message)
{
    struct live_stream *s;
    int64_t seq;

    if ((s = stream_open(req, res, WEBSOCKET, NULL, -1, &seq, own_head)) != NULL) {
        s->ws_message = on_message; /* not started: nothing reads them yet */
        s->ws_account = account;
    }
    return s;
}

/*
 * Adds the subscription c names to WebSocket s (under its shard's lock):
 * a membership of each of its topics, with its label, keyed by its first
 * topic. Nothing when s has it already. "" or the error message to answer.
 */
static const char *
subscribe(struct live_stream *s, const struct live_ws_change *c)
{
    struct membership **m;
    size_t i;

    if (member_find(s, c->topics[0]) != NULL)
        return "";
    if (s->n_subscriptions >= WS_MAX_SUBSCRIPTIONS)
        return "{\"error\":\"at most 32 subscriptions on one connection: unsubscribe from one "
               "first\",\"status\":429}";
    for (i = 0; i < c->n_topics; i++)
        if (member_add(s, c->topics[i], c->label, strlen(c->label), c->topics[0]) == NULL) {
            while ((m = member_find(s, c->topics[0])) != NULL) /* the topics added: not counted */
                member_remove(m);
            return "{\"error\":\"out of memory\",\"status\":500}";
        }
    s->n_subscriptions++;
    return "";
}

/* Ends s's subscription key, if it has it: every membership of it. */
static void
unsubscribe(struct live_stream *s, const char *key)
{
    struct membership **m;
    bool had = false;

    while ((m = member_find(s, key)) != NULL) {
        member_remove(m);
        had = true;
    }
    if (had)
        s->n_subscriptions--;
}

int
live_ws_subscribe(struct live_stream *s, const struct live_ws_change *c)
{
    const char *error;

    pthread_mutex_lock(&s->shard->lock);
    error = subscribe(s, c);
    pthread_mutex_unlock(&s->shard->lock);
    return error[0] == '\0' ? 0 : -1;
}

int
live_stream_also(struct live_stream *s, const char *topic)
{
    bool ok;

    pthread_mutex_lock(&s->shard->lock);
    ok = member_add(s, topic, "", 0, "") != NULL;
    pthread_mutex_unlock(&s->shard->lock);
    return ok ? 0 : -1;
}

int
live_stream_backlog(struct live_stream *s, const char *bytes, size_t len)
{
    bool ok;

    pthread_mutex_lock(&s->shard->lock);
    ok = backlog_insert(s, bytes, len);
    pthread_mutex_unlock(&s->shard->lock);
    return ok ? 0 : -1;
}

int
live_stream_reset(struct live_stream *s, const char *bytes, size_t len)
{
    bool ok;

    pthread_mutex_lock(&s->shard->lock);
    s->out_len = s->backlog_end = s->head_end;
    s->gap = false; /* what it missed, it reloads */
    ok = backlog_insert(s, bytes, len);
    pthread_mutex_unlock(&s->shard->lock);
    return ok ? 0 : -1;
}

int
live_stream_start(struct live_stream *s, struct request *req, struct response *res)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = s};
    struct shard *sh = s->shard;
    int fd = response_detach(req, res, s->kind == WEBSOCKET ? 101 : 200);

    if (fd < 0)
        return -1;
    /* the kernel's share of a stream's unsent bytes, fixed (Linux doubles
     * it): grown on its own up to 4 MB, it held 10,000 stalled clients'
     * worth of gigabytes, and a stream that does not read was let go only
     * after 4 MB more than BACKLOG_MAX */
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){STREAM_SNDBUF}, sizeof(int)) != 0)
        log_warnx("live: cannot size a stream's send buffer: %s", strerror(errno));
    pthread_mutex_lock(&sh->lock);
    s->fd = fd;
    /* with a gap, what came before it goes out, then the connection ends */
    if (epoll_ctl(sh->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0 || !flush(s) || s->gap)
        stream_forget(s); /* closes fd: the client sees the connection end, and retries */
    pthread_mutex_unlock(&sh->lock);
    return 0; /* answered either way: the connection is ours */
}

void
live_stream_cancel(struct live_stream *s)
{
    struct shard *sh = s->shard;

    pthread_mutex_lock(&sh->lock);
    stream_forget(s);
    pthread_mutex_unlock(&sh->lock);
}

size_t
live_stream_count(void)
{
    return atomic_load(&n_streams);
}

size_t
live_masto_stream_count(void)
{
    return atomic_load(&n_masto_streams);
}

/* ---- each shard's thread: its inbox, writable sockets, clients gone, keep-alives ---- */

static void
keepalive(struct live_stream *s)
{
    static const char comment[] = ": keep-alive\n\n", thump[] = ":thump\n";
    static const char ping[] = "\x89\x00"; /* a WebSocket ping frame, empty */
    const char *bytes = comment;
    size_t len = sizeof(comment) - 1;

    if (s->kind == WEBSOCKET)
        bytes = ping, len = sizeof(ping) - 1;
    else if (s->kind == MASTO_EVENTS)
        bytes = thump, len = sizeof(thump) - 1;
    if (s->fd >= 0 && !stream_send(s, bytes, len))
        stream_forget(s);
}

/* Says close (with code) to a WebSocket's client: nothing more is sent, the connection ends. */
static void
ws_close(struct live_stream *s, unsigned code)
{
    const unsigned char frame[4] = {0x88, 2, (unsigned char)(code >> 8), (unsigned char)code};

    if (s->ws_closing)
        return;
    s->ws_closing = true;
    stream_send(s, (const char *)frame, sizeof(frame));
}

/* A WebSocket client's control frame: a ping gets its pong, a close its close. */
static void
ws_control(void *arg, unsigned opcode, const unsigned char *payload, size_t len)
{
    struct live_stream *s = arg;
    unsigned char reply[2 + WS_CONTROL_MAX];

    if (s->ws_closing || opcode == 0xa)
        return; /* after a close nothing more is sent; a pong needs no answer */
    if (opcode == 0x8) {
        len = len >= 2 ? 2 : 0; /* the close's status code, echoed (its reason is not) */
        s->ws_closing = true;
    }
    reply[0] = (unsigned char)(0x80 | (opcode == 0x9 ? 0xa : 0x8));
    reply[1] = (unsigned char)len;
    memcpy(reply + 2, payload, len);
    if (!stream_send(s, (const char *)reply, 2 + len))
        s->ws_closing = true;
}

/*
 * A WebSocket client's message: a text is read by the Mastodon API
 * (ws_message), which says what subscription to add or end, or what to
 * answer; a binary message is refused with a close (1003), as Mastodon
 * does.
 */
static void
ws_message(void *arg, unsigned opcode, const unsigned char *data, size_t len)
{
    struct live_stream *s = arg;
    struct live_ws_change c;
    const char *error;

    if (s->ws_closing)
        return;
    if (opcode != 0x1 || s->ws_message == NULL) {
        ws_close(s, 1003);
        return;
    }
    c.action = LIVE_WS_NOTHING;
    c.n_topics = 0;
    c.reply[0] = '\0';
    s->ws_message(s->ws_account, (const char *)data, len, &c);
    if (c.action == LIVE_WS_SUBSCRIBE && c.n_topics > 0 && (error = subscribe(s, &c))[0] != '\0')
        snprintf(c.reply, sizeof(c.reply), "%s", error);
    else if (c.action == LIVE_WS_UNSUBSCRIBE && c.n_topics > 0)
        unsubscribe(s, c.topics[0]);
    if (c.reply[0] != '\0' && !ws_send_text(s, c.reply, strlen(c.reply)))
        s->ws_closing = true;
}

/* Reads what the client of s sent: false when the stream is to end. */
static bool
client_said(struct live_stream *s, const char *bytes, size_t n)
{
    static const struct ws_handlers handlers = {ws_control, ws_message};
    int rc;

    if (s->kind != WEBSOCKET)
        return true; /* a client sends nothing on an event stream: noise, dropped */
    if (s->ws == NULL && (s->ws = calloc(1, sizeof(*s->ws))) == NULL)
        return false;
    rc = ws_read(s->ws, (const unsigned char *)bytes, n, &handlers, s);
    if (rc != 0) /* it breaks the protocol, or a message is too big: said, then the end */
        ws_close(s, rc == WS_TOO_BIG ? 1009 : 1002);
    return rc == 0 && !s->ws_closing;
}

/* A socket said something: writable (flush), or readable - on an event
 * stream that is its end (or noise to drop), on a WebSocket its frames. */
static void
on_event(struct live_stream *s, uint32_t events)
{
    char sink[256];
    ssize_t n;

    if (s->dead)
        return;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        while ((n = recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
            if (!client_said(s, sink, (size_t)n)) {
                if (s->ws_closing)
                    flush(s); /* the close frame, if the socket takes it now */
                stream_forget(s);
                return;
            }
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ||
            (events & (EPOLLHUP | EPOLLERR))) {
            stream_forget(s);
            return;
        }
    }
    if ((events & EPOLLOUT) && !flush(s))
        stream_forget(s);
}

static void
add_ms(struct timespec *t, unsigned ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    t->tv_sec += t->tv_nsec / 1000000000L;
    t->tv_nsec %= 1000000000L;
}

static long
ms_until(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

static void *
shard_main(void *arg)
{
    struct shard *sh = arg;
    struct epoll_event events[MAX_EVENTS];
    struct timespec next;
    char drain[64];
    long wait;
    int n, i;

    clock_gettime(CLOCK_MONOTONIC, &next);
    add_ms(&next, config.keepalive_ms);
    for (;;) {
        wait = ms_until(&next);
        n = epoll_wait(sh->epoll_fd, events, MAX_EVENTS, wait > 0 ? (int)wait : 0);
        pthread_mutex_lock(&sh->lock);
        for (i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) /* the wake pipe */
                while (read(sh->wake_pipe[0], drain, sizeof(drain)) > 0)
                    ;
            else
                on_event(events[i].data.ptr, events[i].events);
        }
        graveyard_free(sh); /* no event of this round points at them any more */
        deliver(sh);
        if (sh->stopping) {
            pthread_mutex_unlock(&sh->lock);
            return NULL;
        }
        if (ms_until(&next) <= 0) {
            each_stream(sh, keepalive);
            clock_gettime(CLOCK_MONOTONIC, &next);
            add_ms(&next, config.keepalive_ms);
        }
        pthread_mutex_unlock(&sh->lock);
    }
}

static int
shard_start(struct shard *sh, unsigned index)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};

    memset(sh, 0, sizeof(*sh));
    sh->index = index;
    sh->epoll_fd = sh->wake_pipe[0] = sh->wake_pipe[1] = -1;
    if (pthread_mutex_init(&sh->lock, NULL) != 0)
        return -1;
    if ((sh->epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0 || pipe(sh->wake_pipe) != 0 ||
        fcntl(sh->wake_pipe[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(sh->wake_pipe[1], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(sh->wake_pipe[0], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(sh->wake_pipe[1], F_SETFL, O_NONBLOCK) != 0 ||
        epoll_ctl(sh->epoll_fd, EPOLL_CTL_ADD, sh->wake_pipe[0], &ev) != 0) {
        log_warnx("live: cannot set up a stream shard: %s", strerror(errno));
        return -1;
    }
    sh->last_sent = last_seq;
    if (pthread_create(&sh->thread, NULL, shard_main, sh) != 0)
        return -1;
    sh->running = true;
    return 0;
}

int
live_start(const struct live_config *cfg)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned i, want = cores < 1 ? 1 : cores > MAX_SHARDS ? MAX_SHARDS : (unsigned)cores;

    config.max_streams_per_address = cfg != NULL && cfg->max_streams_per_address
                                         ? cfg->max_streams_per_address
                                         : DEFAULT_PER_ADDR;
    config.keepalive_ms = cfg != NULL && cfg->keepalive_ms ? cfg->keepalive_ms : DEFAULT_KEEPALIVE;
    closing = false;
    for (i = 0; i < want; i++)
        if (shard_start(&shards[i], i) != 0)
            return -1;
    pthread_mutex_lock(&lock);
    n_shards = want;
    pthread_mutex_unlock(&lock);
    return 0;
}

static void
end_stream(struct live_stream *s)
{
    /* what it has waiting goes if the socket takes it now; then the end */
    if (s->fd >= 0)
        flush(s);
    stream_forget(s);
}

void
live_close_all(void)
{
    unsigned i;

    pthread_mutex_lock(&lock);
    closing = true;
    pthread_mutex_unlock(&lock);
    for (i = 0; i < n_shards; i++) {
        pthread_mutex_lock(&shards[i].lock);
        deliver(&shards[i]);
        each_stream(&shards[i], end_stream);
        pthread_mutex_unlock(&shards[i].lock);
    }
}

void
live_stop(void)
{
    struct shard *sh;
    unsigned i, n = n_shards;

    pthread_mutex_lock(&lock);
    closing = true;
    n_shards = 0;
    pthread_mutex_unlock(&lock);
    for (i = 0; i < n; i++) {
        sh = &shards[i];
        if (sh->running) {
            pthread_mutex_lock(&sh->lock);
            sh->stopping = true;
            pthread_mutex_unlock(&sh->lock);
            wake(sh);
            pthread_join(sh->thread, NULL);
            sh->running = false;
        }
        pthread_mutex_lock(&sh->lock);
        each_stream(sh, end_stream);
        graveyard_free(sh);
        while (sh->inbox != NULL) {
            struct message *m = sh->inbox;
            sh->inbox = m->next[i];
            message_unref(m);
        }
        sh->inbox_tail = NULL;
        pthread_mutex_unlock(&sh->lock);
        if (sh->epoll_fd >= 0)
            close(sh->epoll_fd);
        if (sh->wake_pipe[0] >= 0) {
            close(sh->wake_pipe[0]);
            close(sh->wake_pipe[1]);
        }
        sh->epoll_fd = sh->wake_pipe[0] = sh->wake_pipe[1] = -1;
        pthread_mutex_destroy(&sh->lock);
    }
}
