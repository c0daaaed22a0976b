/*
 * live/hub.c - the hub of live/live.h: topics in a hash table, each with
 * its list of streams; every stream with a small ring of references to
 * published messages (refcounted bytes, formatted once for everyone); a
 * count of streams per client address; a thread that sends a keep-alive
 * comment on every stream.
 *
 * Two kinds of lock. The hub's mutex guards the topics, the addresses and
 * the life of streams: a stream is freed only under it, so whoever holds
 * it may touch any stream. Each stream's own mutex guards its queue, so
 * the server's threads read (and send) a stream while a publisher is
 * still going through the others of a topic: with 10,000 streams on one
 * event, the first ones are on the wire before the last are queued.
 * Order: the hub's, then a stream's, then its connection's
 * (http_stream_wake); a read takes the stream's alone.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "live/live.h"

#define N_BUCKETS         1024
#define QUEUE_MAX         16 /* messages waiting on one stream; beyond, it is too slow */
#define DEFAULT_PER_ADDR  2000
#define DEFAULT_KEEPALIVE 15000
#define RETRY_MS          "3000"

struct live_msg {
    atomic_uint refs;
    size_t len;
    char bytes[];
};

struct topic {
    char *name;
    struct live_stream *first;
    struct topic *next; /* in its bucket */
};

struct address {
    char name[48];
    unsigned streams;
    struct address *next;
};

struct live_stream {
    pthread_mutex_t qlock; /* the fields below it */
    struct topic *topic;
    struct live_stream *prev, *next; /* in its topic */
    struct address *address;
    struct http_stream *hs; /* NULL until started */
    struct live_msg *queue[QUEUE_MAX];
    size_t head, queued, offset; /* offset: bytes of queue[head] sent */
    char *backlog;
    size_t backlog_len, backlog_sent;
    bool ended;   /* send what is queued, then finish */
    bool dropped; /* too slow: finish now */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct topic *topics[N_BUCKETS];
static struct address *addresses[N_BUCKETS];
static size_t n_streams;
static int64_t last_seq;
static bool closing;
static struct live_config config = {DEFAULT_PER_ADDR, DEFAULT_KEEPALIVE};

static pthread_t ticker;
static pthread_cond_t ticker_wake = PTHREAD_COND_INITIALIZER;
static bool ticker_running, ticker_stopping;

/* FNV-1a. */
static size_t
bucket_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % N_BUCKETS);
}

static struct live_msg *
msg_new(const char *bytes, size_t len)
{
    struct live_msg *m = malloc(sizeof(*m) + len);

    if (m == NULL)
        return NULL;
    atomic_init(&m->refs, 1);
    m->len = len;
    memcpy(m->bytes, bytes, len);
    return m;
}

static void
msg_unref(struct live_msg *m)
{
    if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
        free(m);
}

/* ---- under the lock ---- */

static struct topic *
topic_find(const char *name, bool create)
{
    size_t b = bucket_of(name);
    struct topic *t;

    for (t = topics[b]; t != NULL; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    if (!create || (t = calloc(1, sizeof(*t))) == NULL)
        return NULL;
    if ((t->name = strdup(name)) == NULL) {
        free(t);
        return NULL;
    }
    t->next = topics[b];
    topics[b] = t;
    return t;
}

static void
topic_free_if_empty(struct topic *t)
{
    struct topic **p;

    if (t->first != NULL)
        return;
    for (p = &topics[bucket_of(t->name)]; *p != t; p = &(*p)->next)
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

static void
queue_clear(struct live_stream *s)
{
    while (s->queued > 0) {
        msg_unref(s->queue[s->head]);
        s->head = (s->head + 1) % QUEUE_MAX;
        s->queued--;
    }
    s->offset = 0;
}

/* Under the hub's lock (s->hs is set under it). */
static void
wake(struct live_stream *s)
{
    if (s->hs != NULL)
        http_stream_wake(s->hs);
}

/* Under the hub's lock. */
static void
enqueue(struct live_stream *s, struct live_msg *m)
{
    pthread_mutex_lock(&s->qlock);
    if (s->ended || s->dropped) {
        pthread_mutex_unlock(&s->qlock);
        return;
    }
    if (s->queued == QUEUE_MAX) {
        /* the client does not read: let it reconnect and catch up from the database */
        s->dropped = true;
        queue_clear(s);
    } else {
        atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
        s->queue[(s->head + s->queued) % QUEUE_MAX] = m;
        s->queued++;
    }
    pthread_mutex_unlock(&s->qlock);
    wake(s);
}

/* Unlinks and frees s. */
static void
stream_forget(struct live_stream *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        s->topic->first = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    topic_free_if_empty(s->topic);
    address_release(s->address);
    queue_clear(s); /* no read runs any more: the stream is over */
    free(s->backlog);
    pthread_mutex_destroy(&s->qlock);
    free(s);
    n_streams--;
}

/* Every stream, for a keep-alive or the shutdown. */
static void
each_stream(void (*fn)(struct live_stream *s, void *arg), void *arg)
{
    struct topic *t;
    struct live_stream *s;
    size_t b;

    for (b = 0; b < N_BUCKETS; b++)
        for (t = topics[b]; t != NULL; t = t->next)
            for (s = t->first; s != NULL; s = s->next)
                fn(s, arg);
}

/* ---- publishing ---- */

void
live_set_last_seq(int64_t seq)
{
    pthread_mutex_lock(&lock);
    last_seq = seq;
    pthread_mutex_unlock(&lock);
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

void
live_publish(int64_t seq, const char *const *names, size_t n_names, const char *bytes, size_t len)
{
    struct live_msg *m = n_names > 0 ? msg_new(bytes, len) : NULL;
    struct live_stream *s;
    struct topic *t;
    size_t i;

    pthread_mutex_lock(&lock);
    if (seq > 0)
        last_seq = seq;
    for (i = 0; m != NULL && i < n_names; i++)
        if ((t = topic_find(names[i], false)) != NULL)
            for (s = t->first; s != NULL; s = s->next)
                enqueue(s, m);
    pthread_mutex_unlock(&lock);
    if (m == NULL && n_names > 0)
        log_warnx("live: out of memory: change %lld not sent (clients catch up on reconnection)",
                  (long long)seq);
    else if (m != NULL)
        msg_unref(m);
}

/* ---- streams ---- */

/* The server reads what s has to send (http_stream_read). */
static size_t
stream_read(void *arg, char *buf, size_t max)
{
    struct live_stream *s = arg;
    struct live_msg *m;
    size_t n = 0, k;

    pthread_mutex_lock(&s->qlock);
    if (s->dropped) {
        pthread_mutex_unlock(&s->qlock);
        return HTTP_STREAM_END;
    }
    if (s->backlog_sent < s->backlog_len) {
        k = s->backlog_len - s->backlog_sent < max ? s->backlog_len - s->backlog_sent : max;
        memcpy(buf, s->backlog + s->backlog_sent, k);
        s->backlog_sent += k;
        n = k;
    }
    while (n < max && s->queued > 0) {
        m = s->queue[s->head];
        k = m->len - s->offset < max - n ? m->len - s->offset : max - n;
        memcpy(buf + n, m->bytes + s->offset, k);
        n += k;
        s->offset += k;
        if (s->offset == m->len) {
            msg_unref(m);
            s->head = (s->head + 1) % QUEUE_MAX;
            s->queued--;
            s->offset = 0;
        }
    }
    if (n == 0 && s->ended) {
        pthread_mutex_unlock(&s->qlock);
        return HTTP_STREAM_END;
    }
    pthread_mutex_unlock(&s->qlock);
    return n;
}

/* The stream is over (http_stream done). */
static void
stream_done(void *arg)
{
    pthread_mutex_lock(&lock);
    stream_forget(arg);
    pthread_mutex_unlock(&lock);
}

struct live_stream *
live_stream_open(struct request *req, struct response *res, const char *topic, int64_t *seq_out)
{
    static const char hello[] = "retry: " RETRY_MS "\n\n";
    struct live_stream *s = NULL;
    struct address *a;
    struct topic *t;

    pthread_mutex_lock(&lock);
    if (closing) {
        pthread_mutex_unlock(&lock);
        response_error(res, 503, "the server is stopping: reconnect in a moment");
        response_header(res, "Retry-After", "3");
        return NULL;
    }
    if ((a = address_find(req->remote_addr, true)) == NULL)
        goto nomem;
    if (a->streams >= config.max_streams_per_address) {
        if (a->streams == 0)
            address_release(a);
        pthread_mutex_unlock(&lock);
        response_error(res, 429, "too many open streams from your address (at most %u)",
                       config.max_streams_per_address);
        response_header(res, "Retry-After", "30");
        return NULL;
    }
    a->streams++;
    if ((s = calloc(1, sizeof(*s))) == NULL || (s->backlog = malloc(sizeof(hello) - 1)) == NULL ||
        pthread_mutex_init(&s->qlock, NULL) != 0) {
        address_release(a);
        if (s != NULL)
            free(s->backlog);
        free(s);
        goto nomem;
    }
    if ((t = topic_find(topic, true)) == NULL) {
        address_release(a);
        pthread_mutex_destroy(&s->qlock);
        free(s->backlog);
        free(s);
        goto nomem;
    }
    memcpy(s->backlog, hello, sizeof(hello) - 1);
    s->backlog_len = sizeof(hello) - 1;
    s->address = a;
    s->topic = t;
    s->next = t->first;
    if (t->first != NULL)
        t->first->prev = s;
    t->first = s;
    n_streams++;
    *seq_out = last_seq;
    pthread_mutex_unlock(&lock);
    return s;
nomem:
    pthread_mutex_unlock(&lock);
    response_error(res, 500, "out of memory");
    return NULL;
}

int
live_stream_backlog(struct live_stream *s, const char *bytes, size_t len)
{
    char *p;

    pthread_mutex_lock(&s->qlock);
    if ((p = realloc(s->backlog, s->backlog_len + len)) == NULL) {
        pthread_mutex_unlock(&s->qlock);
        return -1;
    }
    memcpy(p + s->backlog_len, bytes, len);
    s->backlog = p;
    s->backlog_len += len;
    pthread_mutex_unlock(&s->qlock);
    return 0;
}

int
live_stream_start(struct live_stream *s, struct response *res)
{
    struct http_stream *hs;

    if (response_stream(res, 200, "text/event-stream; charset=utf-8", stream_read, stream_done, s,
                        &hs) != 0)
        return -1;
    response_header(res, "Cache-Control", "no-store");
    response_header(res, "X-Accel-Buffering", "no"); /* a proxy in front must not hold events */
    pthread_mutex_lock(&lock);
    s->hs = hs;
    pthread_mutex_unlock(&lock);
    return 0;
}

void
live_stream_cancel(struct live_stream *s)
{
    stream_done(s);
}

size_t
live_stream_count(void)
{
    size_t n;

    pthread_mutex_lock(&lock);
    n = n_streams;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- keep-alive and shutdown ---- */

static void
end_stream(struct live_stream *s, void *arg)
{
    (void)arg;
    pthread_mutex_lock(&s->qlock);
    s->ended = true;
    pthread_mutex_unlock(&s->qlock);
    wake(s);
}

void
live_close_all(void)
{
    pthread_mutex_lock(&lock);
    closing = true;
    each_stream(end_stream, NULL);
    pthread_mutex_unlock(&lock);
}

static void
keepalive_stream(struct live_stream *s, void *m)
{
    enqueue(s, m);
}

static void *
ticker_main(void *arg)
{
    static const char comment[] = ": keep-alive\n\n";
    struct timespec at;
    struct live_msg *m;

    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ticker_stopping) {
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_sec += config.keepalive_ms / 1000;
        at.tv_nsec += (long)(config.keepalive_ms % 1000) * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        if (pthread_cond_timedwait(&ticker_wake, &lock, &at) == 0 || ticker_stopping)
            continue;
        if ((m = msg_new(comment, sizeof(comment) - 1)) != NULL) {
            each_stream(keepalive_stream, m);
            msg_unref(m);
        }
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int
live_start(const struct live_config *cfg)
{
    pthread_mutex_lock(&lock);
    config.max_streams_per_address = cfg != NULL && cfg->max_streams_per_address
                                         ? cfg->max_streams_per_address
                                         : DEFAULT_PER_ADDR;
    config.keepalive_ms = cfg != NULL && cfg->keepalive_ms ? cfg->keepalive_ms : DEFAULT_KEEPALIVE;
    closing = false;
    ticker_stopping = false;
    pthread_mutex_unlock(&lock);
    if (pthread_create(&ticker, NULL, ticker_main, NULL) != 0)
        return -1;
    ticker_running = true;
    return 0;
}

void
live_stop(void)
{
    if (!ticker_running)
        return;
    pthread_mutex_lock(&lock);
    ticker_stopping = true;
    pthread_cond_signal(&ticker_wake);
    pthread_mutex_unlock(&lock);
    pthread_join(ticker, NULL);
    ticker_running = false;
}
