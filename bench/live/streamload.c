/*
 * bench/live/streamload.c - load client for the live streams (server-sent events): how much
 * memory a server spends per idle stream, and how long a post takes to reach every stream.
 *
 * It opens N connections to GET /api/v1/events/SLUG/stream on 127.0.0.1 (non-blocking, paced
 * by --connect-rate, one epoll loop), waits for every 200, holds them idle and reads the
 * server's VmRSS before and after (--pid). Then a second thread makes K posts, one at a time,
 * over one blocking keep-alive connection, and takes t0 when a 201 and its id have been read.
 * Meanwhile the epoll loop de-chunks and parses every stream and takes the time of each read
 * that completes a `post` event; latency = arrival - t0 for each (post, stream). An event may
 * overtake its 201: its id is kept aside until the poster publishes that post.
 *
 * Prints key=value lines on stdout (see bench/live/README.md). Exit status 0 when it ran,
 * goals met or not; 1 on a usage or setup error. Only 127.0.0.1 is ever contacted. Built
 * alone, libc only (threads are in glibc since 2.34):
 *   cc -std=c11 -O2 -Wall -Wextra -D_GNU_SOURCE -o build/streamload bench/live/streamload.c
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define OPEN_WAIT_MS  60000.0             /* the longest wait for every stream's answer */
#define MAX_HEAD      (64 * 1024)         /* a longer response head is a protocol error */
#define MAX_KEEP      (1024 * 1024)       /* so is a longer SSE line, or a longer 201 body */
#define READ_ROOM     (64 * 1024)         /* bytes asked of each read() of a stream */
#define MAX_CELLS     (50u * 1000 * 1000) /* streams x posts: 8 bytes each */
#define CONNECT_TRIES 100                 /* connect() answering EAGAIN, then we give up */
#define POST_IO_S     30                  /* send and receive timeout of the posting connection */
#define LINGER_MS     500.0               /* reading on after the last delivery, for duplicates */
#define N_ERRNO       256
#define N_STATUS      1000
#define EFD_TAG       UINT64_MAX /* epoll data of the poster's eventfd */

/* ---- small helpers ---- */

static struct timespec t_base; /* every time is in ms since this moment (monotonic) */

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)(ts.tv_sec - t_base.tv_sec) * 1e3 + (double)(ts.tv_nsec - t_base.tv_nsec) / 1e6;
}

static void
fatal(const char *fmt, ...)
{
    va_list ap;

    fputs("streamload: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* Aborts the run when memory runs out: a load client has nothing better to do. */
static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        fatal("out of memory (%zu bytes)", n);
    return p;
}

static void *
xrealloc(void *p, size_t n)
{
    if ((p = realloc(p, n ? n : 1)) == NULL)
        fatal("out of memory (%zu bytes)", n);
    return p;
}

/* Whether s[0..n) contains word, ASCII case ignored. */
static int
ci_contains(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);

    for (size_t i = 0; i + w <= n; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return 1;
    return 0;
}

/* VmRSS (or another "Vm" line) of /proc/PID/status in kB, or -1. pid 0 is ourselves. */
static long
proc_vm_kb(long pid, const char *key)
{
    char path[64], line[256];
    size_t klen = strlen(key);
    long kb = -1;
    FILE *f;

    if (pid > 0)
        snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    else
        snprintf(path, sizeof(path), "/proc/self/status");
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            kb = strtol(line + klen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

/* ---- JSON: the top-level "id" of an object, fed in pieces ---- */

/*
 * A scanner that only tracks strings and nesting, enough to find the value of the key "id" of
 * the outermost object ("id":"123" or "id":123) and ignore ids of nested objects. It does not
 * validate JSON. State survives between calls, so an event's data lines can be fed one by one.
 */
enum {
    JS_STR = 1 << 0,     /* inside a string */
    JS_ESC = 1 << 1,     /* after a backslash in a string */
    JS_KEY = 1 << 2,     /* the string is a key of the outermost object */
    JS_KEYNO = 1 << 3,   /* ... and it is not "id" */
    JS_WANTKEY = 1 << 4, /* a key of the outermost object comes next */
    JS_IDKEY = 1 << 5,   /* the value of the outermost "id" comes next */
    JS_IDSTR = 1 << 6,   /* inside that value, a string */
    JS_IDNUM = 1 << 7,   /* inside that value, a bare number */
};

struct jscan {
    uint64_t id;
    uint8_t f, depth, keyi, ndig;
    uint8_t found, bad;
};

static void
jscan_reset(struct jscan *js)
{
    memset(js, 0, sizeof(*js));
}

static void
jscan_digit(struct jscan *js, unsigned char c)
{
    if (c < '0' || c > '9' || js->ndig >= 19) {
        js->bad = 1;
        return;
    }
    js->id = js->id * 10 + (uint64_t)(c - '0');
    js->ndig++;
}

static void
jscan_end_id(struct jscan *js)
{
    js->f &= (uint8_t) ~(JS_IDSTR | JS_IDNUM | JS_IDKEY);
    if (!js->bad && js->ndig > 0)
        js->found = 1;
}

static void
jscan_feed(struct jscan *js, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !js->found; i++) {
        unsigned char c = (unsigned char)p[i];

        if (js->f & JS_STR) {
            if (js->f & JS_ESC) {
                js->f &= (uint8_t)~JS_ESC;
            } else if (c == '\\') {
                js->f |= JS_ESC | JS_KEYNO;
                if (js->f & JS_IDSTR)
                    js->bad = 1;
            } else if (c == '"') {
                js->f &= (uint8_t)~JS_STR;
                if (js->f & JS_KEY) {
                    js->f &= (uint8_t) ~(JS_KEY | JS_WANTKEY);
                    if (!(js->f & JS_KEYNO) && js->keyi == 2)
                        js->f |= JS_IDKEY;
                } else if (js->f & JS_IDSTR) {
                    jscan_end_id(js);
                }
            } else if (js->f & JS_KEY) {
                if (js->keyi < 2 && c == (unsigned char)"id"[js->keyi])
                    js->keyi++;
                else
                    js->f |= JS_KEYNO;
            } else if (js->f & JS_IDSTR) {
                jscan_digit(js, c);
            }
            continue;
        }
        if (js->f & JS_IDNUM) {
            if (c >= '0' && c <= '9') {
                jscan_digit(js, c);
                continue;
            }
            jscan_end_id(js);
            if (js->found)
                break;
        }
        switch (c) {
        case '"':
            js->f |= JS_STR;
            if (js->depth == 1 && (js->f & JS_WANTKEY)) {
                js->f |= JS_KEY;
                js->f &= (uint8_t)~JS_KEYNO;
                js->keyi = 0;
            } else if (js->depth == 1 && (js->f & JS_IDKEY)) {
                js->f |= JS_IDSTR;
                js->id = 0;
                js->ndig = 0;
                js->bad = 0;
            }
            break;
        case '{':
        case '[':
            if (js->depth < UINT8_MAX)
                js->depth++;
            if (js->depth == 1 && c == '{')
                js->f |= JS_WANTKEY;
            js->f &= (uint8_t)~JS_IDKEY; /* an object or array as the id: not ours */
            break;
        case '}':
        case ']':
            if (js->depth > 0)
                js->depth--;
            break;
        case ',':
            if (js->depth == 1) {
                js->f |= JS_WANTKEY;
                js->f &= (uint8_t)~JS_IDKEY;
            }
            break;
        case ':':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            break;
        default:
            if (js->depth == 1 && (js->f & JS_IDKEY) && c >= '0' && c <= '9') {
                js->f |= JS_IDNUM;
                js->id = 0;
                js->ndig = 0;
                js->bad = 0;
                jscan_digit(js, c);
            } else if (js->depth == 1) {
                js->f &= (uint8_t)~JS_IDKEY; /* true, null, a negative number... */
            }
        }
    }
}

/* ---- HTTP/1.1: response heads and chunked bodies ---- */

struct http_head {
    int status;
    int chunked;    /* Transfer-Encoding: chunked */
    int close;      /* Connection: close, or HTTP/1.0 without keep-alive */
    int sse;        /* Content-Type: text/event-stream */
    long long clen; /* Content-Length, -1 when absent */
};

/* Length of the head at the start of b[0..n) with its blank line, or 0 while incomplete. */
static size_t
http_head_end(const char *b, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (b[i] != '\n')
            continue;
        if (b[i + 1] == '\n')
            return i + 2;
        if (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Parses the head b[0..n) (as measured by http_head_end). Returns 0, or -1 when malformed. */
static int
http_head_parse(const char *b, size_t n, struct http_head *h /* OUT */)
{
    const char *p, *end = b + n;

    memset(h, 0, sizeof(*h));
    h->clen = -1;
    if (n < 13 || strncmp(b, "HTTP/1.", 7) != 0 || b[8] != ' ')
        return -1;
    for (int i = 9; i < 12; i++) {
        if (b[i] < '0' || b[i] > '9')
            return -1;
        h->status = h->status * 10 + (b[i] - '0');
    }
    h->close = b[7] == '0';
    p = memchr(b, '\n', n);
    for (p = p ? p + 1 : end; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *le, *colon, *v;
        size_t nlen, vlen;

        if (nl == NULL)
            break;
        le = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
        if ((colon = memchr(p, ':', (size_t)(le - p))) != NULL) {
            nlen = (size_t)(colon - p);
            for (v = colon + 1; v < le && (*v == ' ' || *v == '\t'); v++)
                ;
            vlen = (size_t)(le - v);
            if (nlen == 17 && strncasecmp(p, "transfer-encoding", 17) == 0)
                h->chunked = ci_contains(v, vlen, "chunked");
            else if (nlen == 14 && strncasecmp(p, "content-length", 14) == 0)
                h->clen = strtoll(v, NULL, 10);
            else if (nlen == 10 && strncasecmp(p, "connection", 10) == 0)
                h->close = ci_contains(v, vlen, "close") ||
                           (b[7] == '0' && !ci_contains(v, vlen, "keep-alive"));
            else if (nlen == 12 && strncasecmp(p, "content-type", 12) == 0)
                h->sse = vlen >= 17 && strncasecmp(v, "text/event-stream", 17) == 0;
        }
        p = nl + 1;
    }
    return 0;
}

enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE };

struct chunker {
    uint64_t left; /* bytes of the current chunk still to come */
    uint8_t state;
};

/*
 * De-chunks in place. b[0..*dlen) holds decoded bytes, b[*dlen..*dlen + *rlen) raw bytes not
 * yet decoded. Moves the payload of the raw bytes to follow the decoded ones and leaves what
 * cannot be decoded yet (part of a size line) after it, updating both lengths. Returns 1 once
 * the last chunk and its trailer are in, 0 while more is needed, -1 on a malformed body.
 */
static int
chunker_run(struct chunker *ch, char *b, size_t *dlen, size_t *rlen)
{
    size_t d = *dlen, pos = *dlen, end = *dlen + *rlen;

    while (pos < end && ch->state != CH_DONE) {
        const char *line, *nl;
        size_t llen, m;

        if (ch->state == CH_DATA) {
            m = end - pos < ch->left ? end - pos : (size_t)ch->left;
            memmove(b + d, b + pos, m);
            d += m;
            pos += m;
            if ((ch->left -= m) == 0)
                ch->state = CH_DATA_END;
            continue;
        }
        if ((nl = memchr(b + pos, '\n', end - pos)) == NULL) {
            if (end - pos > 1024) /* a size or trailer line is short */
                return -1;
            break;
        }
        line = b + pos;
        llen = (size_t)(nl - line);
        if (llen > 0 && line[llen - 1] == '\r')
            llen--;
        pos = (size_t)(nl - b) + 1;
        if (ch->state == CH_SIZE) {
            uint64_t size = 0;
            size_t i;

            for (i = 0; i < llen && i < 16; i++) {
                int c = line[i], v;

                if (c >= '0' && c <= '9')
                    v = c - '0';
                else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                    v = (c | 0x20) - 'a' + 10;
                else
                    break;
                size = size * 16 + (uint64_t)v;
            }
            if (i == 0 || (i < llen && line[i] != ';' && line[i] != ' ' && line[i] != '\t'))
                return -1;
            ch->left = size;
            ch->state = size ? CH_DATA : CH_TRAILER;
        } else if (ch->state == CH_DATA_END) {
            if (llen != 0)
                return -1;
            ch->state = CH_SIZE;
        } else if (llen == 0) { /* CH_TRAILER: trailer fields are ignored */
            ch->state = CH_DONE;
        }
    }
    memmove(b + d, b + pos, end - pos);
    *dlen = d;
    *rlen = end - pos;
    return ch->state == CH_DONE;
}

/* ---- the run ---- */

enum {
    ST_IDLE,       /* not opened yet */
    ST_CONNECTING, /* connect() in progress */
    ST_SENDING,    /* the GET partly written */
    ST_HEADERS,    /* waiting for the response head */
    ST_OPEN,       /* 200 text/event-stream: reading events */
    ST_REFUSED,    /* answered, but not 200 text/event-stream */
    ST_FAILED,     /* could not connect */
    ST_CLOSED,     /* closed by the server (or an error) after connecting */
    ST_TIMEDOUT,   /* no answer within OPEN_WAIT_MS */
};

enum { EV_MESSAGE, EV_POST, EV_OTHER };

struct stream {
    char *buf;           /* bytes kept between reads (part of a line or head), NULL if none */
    uint32_t dlen, rlen; /* in buf: decoded bytes, then raw bytes not yet de-chunked */
    uint32_t rank;       /* post events seen so far: the order of arrival */
    uint32_t n_got;      /* distinct posts received */
    uint64_t last_id;    /* the last SSE id: field, to check that each one is greater */
    int fd;
    uint16_t sent; /* bytes of the GET written */
    uint8_t state, chunked, ev, has_data, retries;
    struct chunker ch;
    struct jscan js; /* the data of the event being read */
};

struct post {
    uint64_t id;
    double t_send; /* request about to be written (ms) */
    double t0;     /* 201 read and its id parsed (ms) */
    int status;    /* of the answer, 0 when there was none */
    int ok;        /* 201 with an id */
};

/* A post event whose id was not known when it arrived: the post in flight, or not ours. */
struct pending {
    uint64_t id;
    double t;
    uint32_t stream, rank, cand; /* cand: the only post it can be */
};

struct opts {
    int port;
    const char *slug, *token;
    long streams, posts, interval_ms, connect_rate, pid;
    double timeout_s, hold_s;
};

static struct load {
    struct opts o;
    struct sockaddr_in addr;
    int ep, efd;
    char *req; /* the GET, the same for every stream */
    size_t req_len;
    char run_id[64];

    struct stream *st;
    float *arr;     /* [stream * posts + post]: arrival, ms after t_posts; -1 when none */
    uint32_t *rank; /* [stream * posts + post]: the stream's rank of that arrival */
    char *scratch;  /* where every read lands */
    size_t scratch_cap;

    /* opening */
    long n_unsettled, n_open, alive, n_refused, n_failed, n_closed, n_closed_before_200;
    long n_timedout, n_bad_type, n_protocol;
    long refused_by_status[N_STATUS], failed_by_errno[N_ERRNO];

    /* events */
    long comments, other_events, foreign, unparsed, duplicates, ids_not_increasing;
    unsigned long long deliveries, got_alive;

    /* posts: written by the poster, read by the loop once n_published says so */
    struct post *posts;
    _Atomic uint32_t n_published;
    uint32_t n_synced, posts_ok;
    double t_posts; /* when the poster starts */
    char post_err[256];
    uint32_t *hash; /* id -> post + 1, open addressing; 0 = empty */
    uint32_t hash_mask;
    struct pending *pending;
    size_t n_pending, pending_cap;
} ld;

static void
errno_count(long *by_errno, int e)
{
    by_errno[e > 0 && e < N_ERRNO ? e : 0]++;
}

static size_t
hash_slot(uint64_t id)
{
    id ^= id >> 33;
    id *= 0xff51afd7ed558ccdULL;
    id ^= id >> 33;
    return (size_t)id;
}

static int
posts_lookup(uint64_t id)
{
    for (size_t i = hash_slot(id) & ld.hash_mask;; i = (i + 1) & ld.hash_mask) {
        uint32_t v = ld.hash[i];

        if (v == 0)
            return -1;
        if (ld.posts[v - 1].id == id)
            return (int)(v - 1);
    }
}

static void
posts_insert(uint32_t k)
{
    size_t i;

    if (posts_lookup(ld.posts[k].id) >= 0) /* the server gave the same id twice */
        return;
    for (i = hash_slot(ld.posts[k].id) & ld.hash_mask; ld.hash[i] != 0; i = (i + 1) & ld.hash_mask)
        ;
    ld.hash[i] = k + 1;
}

/* Records that stream i received post k at time t (ms), its rank-th post event. */
static void
record(uint32_t i, uint32_t k, double t, uint32_t rank)
{
    size_t c = (size_t)i * (size_t)ld.o.posts + k;

    if (ld.arr[c] >= 0) {
        ld.duplicates++;
        return;
    }
    ld.arr[c] = (float)(t - ld.t_posts); /* >= 0: after the post was sent */
    ld.rank[c] = rank;
    ld.st[i].n_got++;
    ld.deliveries++;
    if (ld.st[i].state == ST_OPEN)
        ld.got_alive++;
}

/*
 * Takes in the posts the poster has published since the last call: their ids become known,
 * and the events kept aside for them are recorded (or found foreign).
 */
static void
posts_sync(void)
{
    uint32_t np = atomic_load_explicit(&ld.n_published, memory_order_acquire);

    while (ld.n_synced < np) {
        uint32_t k = ld.n_synced++;
        struct post *p = &ld.posts[k];
        size_t w = 0;

        if (p->ok) {
            posts_insert(k);
            ld.posts_ok++;
        }
        for (size_t r = 0; r < ld.n_pending; r++) {
            struct pending *e = &ld.pending[r];

            if (e->cand != k)
                ld.pending[w++] = *e;
            else if (p->ok && e->id == p->id)
                record(e->stream, k, e->t, e->rank);
            else
                ld.foreign++;
        }
        ld.n_pending = w;
    }
}

/* A post event with this id arrived on stream i at time t. */
static void
on_post_event(uint32_t i, uint64_t id, double t)
{
    struct stream *s = &ld.st[i];
    uint32_t rank = s->rank++;
    int k;

    posts_sync();
    if ((k = posts_lookup(id)) >= 0) {
        record(i, (uint32_t)k, t, rank);
        return;
    }
    /*
     * Post n_synced may be in flight (its event overtaking its 201); a later one cannot be,
     * since the poster publishes a post before sending the next. Anything else is foreign.
     */
    if (ld.n_synced >= (uint32_t)ld.o.posts) {
        ld.foreign++;
        return;
    }
    if (ld.n_pending == ld.pending_cap) {
        ld.pending_cap = ld.pending_cap ? ld.pending_cap * 2 : 1024;
        ld.pending = xrealloc(ld.pending, ld.pending_cap * sizeof(*ld.pending));
    }
    ld.pending[ld.n_pending++] =
        (struct pending){.id = id, .t = t, .stream = i, .rank = rank, .cand = ld.n_synced};
}

/* An id: field: the log position of the event, which must grow on each stream. */
static void
sse_id(struct stream *s, const char *v, size_t vlen)
{
    uint64_t id = 0;

    for (size_t k = 0; k < vlen && k < 19 && v[k] >= '0' && v[k] <= '9'; k++)
        id = id * 10 + (uint64_t)(v[k] - '0');
    if (id <= s->last_id)
        ld.ids_not_increasing++;
    s->last_id = id;
}

/* One line of the event stream, without its end of line. */
static void
sse_line(uint32_t i, const char *line, size_t len, double t)
{
    struct stream *s = &ld.st[i];
    const char *colon, *v;
    size_t nlen, vlen;

    if (len == 0) { /* the end of an event */
        if (s->has_data) {
            if (s->ev != EV_POST)
                ld.other_events++;
            else if (s->js.found)
                on_post_event(i, s->js.id, t);
            else
                ld.unparsed++;
        }
        s->ev = EV_MESSAGE;
        s->has_data = 0;
        jscan_reset(&s->js);
        return;
    }
    if (line[0] == ':') {
        ld.comments++;
        return;
    }
    colon = memchr(line, ':', len);
    nlen = colon ? (size_t)(colon - line) : len;
    v = colon ? colon + 1 : line + len;
    if (v < line + len && *v == ' ')
        v++;
    vlen = (size_t)(line + len - v);
    if (nlen == 5 && memcmp(line, "event", 5) == 0) {
        s->ev = vlen == 4 && memcmp(v, "post", 4) == 0 ? EV_POST : EV_OTHER;
    } else if (nlen == 4 && memcmp(line, "data", 4) == 0) {
        if (s->has_data)
            jscan_feed(&s->js, "\n", 1);
        jscan_feed(&s->js, v, vlen);
        s->has_data = 1;
    } else if (nlen == 2 && memcmp(line, "id", 2) == 0) {
        sse_id(s, v, vlen);
    } /* retry: and unknown fields are ignored */
}

static void
stream_close(uint32_t i, int state)
{
    struct stream *s = &ld.st[i];

    if (s->state == ST_OPEN) {
        ld.alive--;
        ld.got_alive -= s->n_got;
    } else if (s->state >= ST_CONNECTING && s->state <= ST_HEADERS) {
        ld.n_unsettled--;
    }
    if (state == ST_CLOSED) {
        ld.n_closed++;
        if (s->state != ST_OPEN)
            ld.n_closed_before_200++;
    } else if (state == ST_FAILED) {
        ld.n_failed++;
    } else if (state == ST_REFUSED) {
        ld.n_refused++;
    } else if (state == ST_TIMEDOUT) {
        ld.n_timedout++;
    }
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
    free(s->buf);
    s->buf = NULL;
    s->dlen = s->rlen = 0;
    s->state = (uint8_t)state;
}

enum { IN_OK, IN_END, IN_REFUSED, IN_BAD };

/*
 * Consumes what stream i has received: b[0..*dlen) decoded, b[*dlen..*dlen + *rlen) raw, read
 * at time t. Leaves the bytes it cannot use yet at the start of b, updating the lengths.
 */
static int
stream_input(uint32_t i, char *b, size_t *dlen, size_t *rlen, double t)
{
    struct stream *s = &ld.st[i];
    size_t used = 0, d, r;
    int done = 0;

    if (s->state == ST_HEADERS) {
        struct http_head h;
        size_t hl = http_head_end(b, *rlen);

        if (hl == 0)
            return *rlen > MAX_HEAD ? IN_BAD : IN_OK;
        if (http_head_parse(b, hl, &h) < 0)
            return IN_BAD;
        if (h.status != 200 || !h.sse) {
            if (h.status == 200)
                ld.n_bad_type++;
            else
                ld.refused_by_status[h.status]++;
            return IN_REFUSED;
        }
        s->state = ST_OPEN;
        s->chunked = (uint8_t)h.chunked;
        ld.n_unsettled--;
        ld.n_open++;
        ld.alive++;
        memmove(b, b + hl, *rlen - hl);
        *rlen -= hl;
        *dlen = 0;
    }
    if (s->chunked) {
        if ((done = chunker_run(&s->ch, b, dlen, rlen)) < 0)
            return IN_BAD;
    } else {
        *dlen += *rlen;
        *rlen = 0;
    }
    d = *dlen;
    r = *rlen;
    for (;;) {
        const char *nl = memchr(b + used, '\n', d - used);
        size_t len;

        if (nl == NULL)
            break;
        len = (size_t)(nl - (b + used));
        sse_line(i, b + used, len > 0 && nl[-1] == '\r' ? len - 1 : len, t);
        used += len + 1;
    }
    memmove(b, b + used, d - used + r);
    *dlen = d - used;
    return done ? IN_END : IN_OK;
}

static void
stream_read(uint32_t i)
{
    struct stream *s = &ld.st[i];
    size_t keep = (size_t)s->dlen + s->rlen, dlen, rlen;
    ssize_t n;
    double t;
    int rc;

    if (ld.scratch_cap < keep + READ_ROOM) {
        ld.scratch_cap = keep + READ_ROOM;
        ld.scratch = xrealloc(ld.scratch, ld.scratch_cap);
    }
    if (keep > 0)
        memcpy(ld.scratch, s->buf, keep);
    n = read(s->fd, ld.scratch + keep, ld.scratch_cap - keep);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        stream_close(i, ST_CLOSED);
        return;
    }
    t = now_ms();
    free(s->buf);
    s->buf = NULL;
    dlen = s->dlen;
    rlen = s->rlen + (size_t)n;
    s->dlen = s->rlen = 0;
    rc = stream_input(i, ld.scratch, &dlen, &rlen, t);
    if (rc == IN_OK && dlen + rlen > MAX_KEEP)
        rc = IN_BAD;
    switch (rc) {
    case IN_OK:
        if (dlen + rlen > 0) {
            s->buf = xmalloc(dlen + rlen);
            memcpy(s->buf, ld.scratch, dlen + rlen);
            s->dlen = (uint32_t)dlen;
            s->rlen = (uint32_t)rlen;
        }
        break;
    case IN_END:
        stream_close(i, ST_CLOSED);
        break;
    case IN_REFUSED:
        stream_close(i, ST_REFUSED);
        break;
    default:
        ld.n_protocol++;
        stream_close(i, ST_CLOSED);
    }
}

static void
stream_send(uint32_t i)
{
    struct stream *s = &ld.st[i];
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
    ssize_t n;

    while (s->sent < ld.req_len) {
        n = send(s->fd, ld.req + s->sent, ld.req_len - s->sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return; /* EPOLLOUT brings us back */
        if (n <= 0) {
            stream_close(i, ST_CLOSED);
            return;
        }
        s->sent = (uint16_t)(s->sent + n);
    }
    s->state = ST_HEADERS;
    if (epoll_ctl(ld.ep, EPOLL_CTL_MOD, s->fd, &ev) < 0)
        fatal("epoll_ctl: %s", strerror(errno));
}

/* Opens stream i. Returns 0, or -1 when connect() said EAGAIN: try it again a little later. */
static int
stream_start(uint32_t i)
{
    struct stream *s = &ld.st[i];
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = i};
    int fd, rc, e;

    if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
        errno_count(ld.failed_by_errno, errno);
        stream_close(i, ST_FAILED);
        return 0;
    }
    rc = connect(fd, (struct sockaddr *)&ld.addr, sizeof(ld.addr));
    if (rc < 0 && errno != EINPROGRESS && errno != EINTR) {
        e = errno;
        close(fd);
        if (e == EAGAIN && ++s->retries < CONNECT_TRIES)
            return -1;
        errno_count(ld.failed_by_errno, e);
        stream_close(i, ST_FAILED);
        return 0;
    }
    s->fd = fd;
    s->state = rc == 0 ? ST_SENDING : ST_CONNECTING;
    ld.n_unsettled++;
    if (epoll_ctl(ld.ep, EPOLL_CTL_ADD, fd, &ev) < 0)
        fatal("epoll_ctl: %s", strerror(errno));
    if (rc == 0)
        stream_send(i);
    return 0;
}

static void
stream_event(uint32_t i, uint32_t events)
{
    struct stream *s = &ld.st[i];
    int err = 0;
    socklen_t len = sizeof(err);

    switch (s->state) {
    case ST_CONNECTING:
        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err != 0) {
            errno_count(ld.failed_by_errno, err);
            stream_close(i, ST_FAILED);
            return;
        }
        if (!(events & EPOLLOUT))
            return;
        s->state = ST_SENDING;
        stream_send(i);
        break;
    case ST_SENDING:
        stream_send(i);
        break;
    case ST_HEADERS:
    case ST_OPEN:
        stream_read(i);
        break;
    }
}

/* Waits up to timeout_ms for the sockets and handles what they bring. */
static void
loop_once(int timeout_ms)
{
    struct epoll_event evs[512];
    int n = epoll_wait(ld.ep, evs, 512, timeout_ms);

    if (n < 0 && errno != EINTR)
        fatal("epoll_wait: %s", strerror(errno));
    for (int j = 0; j < n; j++) {
        if (evs[j].data.u64 == EFD_TAG) {
            uint64_t v;

            if (read(ld.efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                fatal("eventfd: %s", strerror(errno));
            posts_sync();
        } else {
            stream_event((uint32_t)evs[j].data.u64, evs[j].events);
        }
    }
}

static int
ms_until(double deadline)
{
    double d = deadline - now_ms();

    return d <= 0 ? 0 : d > 100 ? 100 : (int)d + 1;
}

/* ---- the poster: its own thread and blocking connection ---- */

struct poster {
    int fd;
    char *buf;
    size_t cap, len;
};

static int
poster_connect(struct poster *p)
{
    struct timeval tv = {.tv_sec = POST_IO_S};
    int one = 1;

    if ((p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(p->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(p->fd, (struct sockaddr *)&ld.addr, sizeof(ld.addr)) < 0) {
        close(p->fd);
        p->fd = -1;
        return -1;
    }
    return 0;
}

static void
poster_close(struct poster *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
}

/* Makes room for at least one more byte in p->buf. Returns -1 past MAX_KEEP. */
static int
poster_room(struct poster *p)
{
    if (p->len < p->cap)
        return 0;
    if (p->cap >= MAX_KEEP)
        return -1;
    p->cap *= 2;
    p->buf = xrealloc(p->buf, p->cap);
    return 0;
}

/*
 * Reads one answer on p->fd into *out (status, id, t0). Returns 0, -1 on an error, -2 when the
 * connection was closed before the first byte (a keep-alive the server had dropped).
 */
static int
poster_answer(struct poster *p, struct post *out)
{
    struct http_head h;
    struct chunker ch = {0};
    struct jscan js;
    size_t hl, dlen = 0, rlen;
    ssize_t n;
    int rc, eof = 0;

    p->len = 0;
    while ((hl = http_head_end(p->buf, p->len)) == 0) {
        if (p->len >= MAX_HEAD || poster_room(p) < 0)
            return -1;
        if ((n = recv(p->fd, p->buf + p->len, p->cap - p->len, 0)) < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return p->len == 0 && (n == 0 || errno == ECONNRESET) ? -2 : -1;
        p->len += (size_t)n;
    }
    if (http_head_parse(p->buf, hl, &h) < 0)
        return -1;
    out->status = h.status;
    rlen = p->len - hl;
    for (;;) {
        if (h.chunked) {
            if ((rc = chunker_run(&ch, p->buf + hl, &dlen, &rlen)) < 0)
                return -1;
            if (rc == 1)
                break;
        } else {
            dlen += rlen;
            rlen = 0;
            if (h.clen >= 0 && dlen >= (size_t)h.clen) {
                dlen = (size_t)h.clen;
                break;
            }
        }
        p->len = hl + dlen + rlen;
        if (poster_room(p) < 0)
            return -1;
        if ((n = recv(p->fd, p->buf + p->len, p->cap - p->len, 0)) < 0 && errno == EINTR)
            continue;
        if (n == 0 && !h.chunked && h.clen < 0) {
            eof = 1; /* a body that ends at close */
            break;
        }
        if (n <= 0)
            return -1;
        rlen += (size_t)n;
    }
    if (h.close || eof)
        poster_close(p);
    if (h.status == 201) {
        jscan_reset(&js);
        jscan_feed(&js, p->buf + hl, dlen);
        jscan_feed(&js, " ", 1); /* ends a bare number */
        if (js.found) {
            out->id = js.id;
            out->ok = 1;
        }
    }
    out->t0 = now_ms();
    return 0;
}

/* Keeps the first failure of a post, for stderr at the end. */
static void
poster_failed(const char *fmt, ...)
{
    va_list ap;

    if (ld.post_err[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(ld.post_err, sizeof(ld.post_err), fmt, ap);
    va_end(ap);
}

/* Makes post k: one try, and one more on a fresh connection if the kept-alive one was dead. */
static void
poster_post(struct poster *p, uint32_t k, const char *req, size_t req_len)
{
    struct post *out = &ld.posts[k];

    for (int attempt = 0; attempt < 2; attempt++) {
        int reused = p->fd >= 0, rc;
        size_t off = 0;
        ssize_t n;

        if (p->fd < 0 && poster_connect(p) < 0) {
            poster_failed("post %u: cannot connect: %s", k + 1, strerror(errno));
            return;
        }
        out->t_send = now_ms();
        while (off < req_len) {
            if ((n = send(p->fd, req + off, req_len - off, MSG_NOSIGNAL)) < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        rc = off < req_len ? -2 : poster_answer(p, out);
        if (rc == 0) {
            if (!out->ok)
                poster_failed("post %u: answer %d%s", k + 1, out->status,
                              out->status == 201 ? " without an id" : "");
            return;
        }
        poster_close(p);
        if (rc == -2 && reused)
            continue;
        poster_failed("post %u: %s", k + 1,
                      rc == -2 ? "connection closed" : "no valid answer (or a timeout)");
        return;
    }
}

static void *
poster_main(void *arg)
{
    struct poster p = {.fd = -1, .cap = 16 * 1024};
    size_t cap = strlen(ld.o.slug) + strlen(ld.o.token) + 512;
    char *req = xmalloc(cap);
    uint64_t one = 1;

    (void)arg;
    p.buf = xmalloc(p.cap);
    for (uint32_t k = 0; k < (uint32_t)ld.o.posts; k++) {
        double wait = ld.t_posts + (double)k * (double)ld.o.interval_ms - now_ms();
        char body[128];
        int blen, rlen;

        if (wait > 0) {
            struct timespec ts = {.tv_sec = (time_t)(wait / 1e3),
                                  .tv_nsec = (long)(wait * 1e6) % 1000000000L};

            while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
        }
        blen = snprintf(body, sizeof(body), "{\"text\":\"streamload post %u of %s\"}", k + 1,
                        ld.run_id);
        rlen = snprintf(req, cap,
                        "POST /api/v1/events/%s/posts HTTP/1.1\r\n"
                        "Host: 127.0.0.1:%d\r\n"
                        "Authorization: Bearer %s\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: %d\r\n"
                        "Connection: keep-alive\r\n"
                        "\r\n%s",
                        ld.o.slug, ld.o.port, ld.o.token, blen, body);
        poster_post(&p, k, req, (size_t)rlen);
        atomic_store_explicit(&ld.n_published, k + 1, memory_order_release);
        /* wakes the loop (which also polls): an eventfd write cannot fail here */
        (void)!write(ld.efd, &one, sizeof(one));
    }
    poster_close(&p);
    free(p.buf);
    free(req);
    return NULL;
}

/* ---- report ---- */

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

struct arrival {
    uint32_t rank, post;
};

static int
cmp_arrival(const void *a, const void *b)
{
    uint32_t x = ((const struct arrival *)a)->rank, y = ((const struct arrival *)b)->rank;

    return x < y ? -1 : x > y;
}

/* The p-th percentile (nearest rank) of sorted v[0..n), printed as key=ms, or key= if none. */
static void
print_pct(const char *key, const double *v, size_t n, double p)
{
    size_t r;

    if (n == 0) {
        printf("%s=\n", key);
        return;
    }
    r = (size_t)(p / 100.0 * (double)n + 0.999999);
    r = r < 1 ? 1 : r > n ? n : r;
    printf("%s=%.3f\n", key, v[r - 1]);
}

/* Prints key=a:n,b:m for the non-zero counters; names from name(). */
static void
print_counts(const char *key, const long *c, size_t n, const char *(*name)(size_t, char *))
{
    const char *sep = "";
    char tmp[32];

    printf("%s=", key);
    for (size_t j = 0; j < n; j++)
        if (c[j] > 0) {
            printf("%s%s:%ld", sep, name(j, tmp), c[j]);
            sep = ",";
        }
    putchar('\n');
}

/*
 * What each stream still open at the end received: the fewest and the most post events
 * (ours and foreign alike: a soak's posts are made by others), and the id: fields that did
 * not grow. Equal min and max, growing ids and no stream closed early: every stream got the
 * same posts, each once.
 */
static void
print_per_stream(void)
{
    long lo = -1, hi = -1, alive = 0;

    for (long i = 0; i < ld.o.streams; i++) {
        if (ld.st[i].state != ST_OPEN)
            continue;
        alive++;
        if (lo < 0 || (long)ld.st[i].rank < lo)
            lo = (long)ld.st[i].rank;
        if ((long)ld.st[i].rank > hi)
            hi = (long)ld.st[i].rank;
    }
    printf("streams_open_at_end=%ld\n", alive);
    if (alive > 0)
        printf("post_events_min_per_stream=%ld\npost_events_max_per_stream=%ld\n", lo, hi);
    else
        printf("post_events_min_per_stream=\npost_events_max_per_stream=\n");
    printf("ids_not_increasing=%ld\n", ld.ids_not_increasing);
}

static const char *
status_name(size_t j, char *tmp)
{
    snprintf(tmp, 32, "%zu", j);
    return tmp;
}

static const char *
errno_name(size_t j, char *tmp)
{
    const char *s = j > 0 ? strerrorname_np((int)j) : NULL;

    if (s != NULL)
        return s;
    snprintf(tmp, 32, "errno%zu", j);
    return tmp;
}

static void
report(double open_ms, long rss_before, long rss_after)
{
    size_t k_n = (size_t)ld.o.posts, n_lat = 0, n_rtt = 0;
    double *lat = xmalloc((ld.deliveries + 1) * sizeof(double));
    double *rtt = xmalloc((k_n + 1) * sizeof(double));
    struct arrival *order = xmalloc((k_n + 1) * sizeof(*order));
    unsigned long long expected = (unsigned long long)ld.posts_ok * (unsigned long long)ld.n_open;
    long negative = 0, out_of_order = 0, post_status[N_STATUS] = {0};
    struct rusage ru;

    for (size_t i = 0; i < (size_t)ld.o.streams; i++) {
        size_t m = 0;
        long top = -1;

        for (size_t k = 0; k < k_n; k++) {
            size_t c = i * k_n + k;
            double l;

            if (ld.arr[c] < 0)
                continue;
            l = (double)ld.arr[c] + ld.t_posts - ld.posts[k].t0;
            if (l < 0) {
                negative++;
                l = 0;
            }
            lat[n_lat++] = l;
            order[m++] = (struct arrival){.rank = ld.rank[c], .post = (uint32_t)k};
        }
        qsort(order, m, sizeof(*order), cmp_arrival);
        for (size_t j = 0; j < m; j++) {
            if ((long)order[j].post < top)
                out_of_order++;
            else
                top = order[j].post;
        }
    }
    qsort(lat, n_lat, sizeof(double), cmp_double);
    for (size_t k = 0; k < k_n; k++) {
        post_status[ld.posts[k].status >= 0 && ld.posts[k].status < N_STATUS ? ld.posts[k].status
                                                                             : 0]++;
        if (ld.posts[k].ok)
            rtt[n_rtt++] = ld.posts[k].t0 - ld.posts[k].t_send;
    }
    qsort(rtt, n_rtt, sizeof(double), cmp_double);

    printf("streams_requested=%ld\n", ld.o.streams);
    printf("streams_open=%ld\n", ld.n_open);
    printf("streams_refused=%ld\n", ld.n_refused);
    print_counts("refused_statuses", ld.refused_by_status, N_STATUS, status_name);
    printf("streams_not_sse=%ld\n", ld.n_bad_type);
    printf("connect_failures=%ld\n", ld.n_failed);
    print_counts("connect_errors", ld.failed_by_errno, N_ERRNO, errno_name);
    printf("streams_timed_out=%ld\n", ld.n_timedout);
    printf("streams_closed_early=%ld\n", ld.n_closed);
    printf("streams_closed_before_200=%ld\n", ld.n_closed_before_200);
    printf("protocol_errors=%ld\n", ld.n_protocol);
    printf("open_seconds=%.3f\n", open_ms / 1e3);
    printf("posts=%u\n", ld.posts_ok);
    printf("posts_failed=%zu\n", k_n - ld.posts_ok);
    print_counts("post_statuses", post_status, N_STATUS, status_name);
    print_pct("post_p50_ms", rtt, n_rtt, 50);
    print_pct("post_max_ms", rtt, n_rtt, 100);
    printf("deliveries_expected=%llu\n", expected);
    printf("deliveries=%llu\n", ld.deliveries);
    printf("deliveries_missing=%llu\n", expected > ld.deliveries ? expected - ld.deliveries : 0);
    printf("duplicates=%ld\n", ld.duplicates);
    printf("out_of_order=%ld\n", out_of_order);
    print_pct("p50_ms", lat, n_lat, 50);
    print_pct("p90_ms", lat, n_lat, 90);
    print_pct("p99_ms", lat, n_lat, 99);
    print_pct("max_ms", lat, n_lat, 100);
    printf("negative=%ld\n", negative);
    printf("other_events=%ld\n", ld.other_events);
    printf("foreign_events=%ld\n", ld.foreign);
    print_per_stream();
    printf("unparsed_events=%ld\n", ld.unparsed);
    printf("comments=%ld\n", ld.comments);
    if (rss_before >= 0)
        printf("rss_before_kb=%ld\n", rss_before);
    else
        printf("rss_before_kb=\n");
    if (rss_after >= 0)
        printf("rss_after_kb=%ld\n", rss_after);
    else
        printf("rss_after_kb=\n");
    if (rss_before >= 0 && rss_after >= 0 && ld.n_open > 0)
        printf("rss_per_stream_kb=%.2f\n", (double)(rss_after - rss_before) / (double)ld.n_open);
    else
        printf("rss_per_stream_kb=\n");
    getrusage(RUSAGE_SELF, &ru);
    printf("client_cpu_s=%.3f\n", (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                                      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
    printf("client_hwm_kb=%ld\n", proc_vm_kb(0, "VmHWM"));
    free(lat);
    free(rtt);
    free(order);
}

/* ---- options and main ---- */

static const char usage_text[] =
    "usage: streamload --port P --slug SLUG --token TOKEN --streams N [--posts K]\n"
    "                  [--interval-ms MS] [--timeout-s S] [--pid SERVER_PID]\n"
    "                  [--connect-rate R] [--hold-s H] [--host 127.0.0.1]\n";

static void
usage(const char *fmt, ...)
{
    va_list ap;

    fputs("streamload: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    exit(1);
}

static long
opt_long(const char *name, const char *v, long lo, long hi)
{
    char *end;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || x < lo || x > hi)
        usage("--%s wants a whole number from %ld to %ld, not '%s'", name, lo, hi, v);
    return x;
}

static double
opt_double(const char *name, const char *v, double lo, double hi)
{
    char *end;
    double x;

    errno = 0;
    x = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !(x >= lo && x <= hi))
        usage("--%s wants a number from %g to %g, not '%s'", name, lo, hi, v);
    return x;
}

static void
opts_parse(int argc, char **argv, struct opts *o /* OUT */)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"slug", required_argument, NULL, 's'},
        {"token", required_argument, NULL, 't'},
        {"streams", required_argument, NULL, 'n'},
        {"posts", required_argument, NULL, 'k'},
        {"interval-ms", required_argument, NULL, 'i'},
        {"timeout-s", required_argument, NULL, 'w'},
        {"pid", required_argument, NULL, 'P'},
        {"connect-rate", required_argument, NULL, 'r'},
        {"hold-s", required_argument, NULL, 'H'},
        {"host", required_argument, NULL, 'h'},
        {"help", no_argument, NULL, '?'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *o = (struct opts){.streams = -1,
                       .posts = 20,
                       .interval_ms = 500,
                       .timeout_s = 10,
                       .connect_rate = 2000,
                       .hold_s = 2};
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            o->port = (int)opt_long("port", optarg, 1, 65535);
            break;
        case 's':
            o->slug = optarg;
            break;
        case 't':
            o->token = optarg;
            break;
        case 'n':
            o->streams = opt_long("streams", optarg, 0, 1000000);
            break;
        case 'k':
            o->posts = opt_long("posts", optarg, 0, 1000000);
            break;
        case 'i':
            o->interval_ms = opt_long("interval-ms", optarg, 0, 3600000);
            break;
        case 'w':
            o->timeout_s = opt_double("timeout-s", optarg, 0, 3600);
            break;
        case 'P':
            o->pid = opt_long("pid", optarg, 1, 0x7fffffff);
            break;
        case 'r':
            o->connect_rate = opt_long("connect-rate", optarg, 1, 10000000);
            break;
        case 'H':
            o->hold_s = opt_double("hold-s", optarg, 0, 3600);
            break;
        case 'h':
            if (strcmp(optarg, "127.0.0.1") != 0)
                usage("refusing --host '%s': only 127.0.0.1 is ever contacted", optarg);
            break;
        default:
            if (optind > 0 && optind <= argc && argv[optind - 1][0] == '-' &&
                strcmp(argv[optind - 1], "--help") != 0)
                usage("unknown option or missing value: '%s'", argv[optind - 1]);
            fputs(usage_text, stderr);
            exit(1);
        }
    }
    if (optind < argc)
        usage("unexpected argument '%s'", argv[optind]);
    if (o->port == 0 || o->slug == NULL || o->token == NULL || o->streams < 0)
        usage("--port, --slug, --token and --streams are required");
    if (o->slug[0] == '\0' || strlen(o->slug) > 200 ||
        strspn(o->slug, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~") !=
            strlen(o->slug))
        usage("--slug '%s' is not a plain slug (letters, digits, - _ . ~)", o->slug);
    for (const char *p = o->token; *p; p++)
        if (*p <= ' ' || *p > '~')
            usage("--token holds a space or a character that cannot go in a header");
    if (o->token[0] == '\0' || strlen(o->token) > 4096)
        usage("--token is empty or longer than 4096 bytes");
    if ((unsigned long long)o->streams * (unsigned long long)o->posts > MAX_CELLS)
        usage("--streams x --posts is over %u: the arrival table would be too large", MAX_CELLS);
}

/* Raises the soft limit of open files to the hard one; fails when N streams cannot fit. */
static void
raise_nofile(long streams)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)streams + 16;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        fatal("getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
        fatal("%ld streams need %llu open files, the hard limit is %llu (ulimit -Hn)", streams,
              (unsigned long long)need, (unsigned long long)rl.rlim_max);
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY ? rl.rlim_max : need + 1024;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        fatal("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)rl.rlim_cur,
              strerror(errno));
}

int
main(int argc, char **argv)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EFD_TAG};
    size_t n_cells, hcap = 2;
    long rss_before = -1, rss_after = -1;
    uint32_t next = 0;
    double t, t_open0, open_ms, backoff = 0, deadline;
    pthread_t poster;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t_base);
    opts_parse(argc, argv, &ld.o);
    signal(SIGPIPE, SIG_IGN);
    raise_nofile(ld.o.streams);
    setvbuf(stdout, NULL, _IOLBF, 0);

    ld.addr.sin_family = AF_INET;
    ld.addr.sin_port = htons((uint16_t)ld.o.port);
    ld.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    snprintf(ld.run_id, sizeof(ld.run_id), "run %ld.%ld", (long)getpid(), (long)time(NULL));
    ld.req_len = strlen(ld.o.slug) + 256;
    ld.req = xmalloc(ld.req_len);
    ld.req_len = (size_t)snprintf(ld.req, ld.req_len,
                                  "GET /api/v1/events/%s/stream HTTP/1.1\r\n"
                                  "Host: 127.0.0.1:%d\r\n"
                                  "Accept: text/event-stream\r\n"
                                  "Cache-Control: no-cache\r\n"
                                  "Connection: keep-alive\r\n"
                                  "User-Agent: streamload\r\n"
                                  "\r\n",
                                  ld.o.slug, ld.o.port);

    n_cells = (size_t)ld.o.streams * (size_t)ld.o.posts;
    ld.st = xmalloc((size_t)ld.o.streams * sizeof(*ld.st) + 1);
    for (long i = 0; i < ld.o.streams; i++)
        ld.st[i] = (struct stream){.fd = -1};
    ld.arr = xmalloc(n_cells * sizeof(float) + 1);
    for (size_t c = 0; c < n_cells; c++)
        ld.arr[c] = -1.0f;
    ld.rank = xmalloc(n_cells * sizeof(uint32_t) + 1);
    ld.posts = xmalloc(((size_t)ld.o.posts + 1) * sizeof(*ld.posts));
    memset(ld.posts, 0, ((size_t)ld.o.posts + 1) * sizeof(*ld.posts));
    while (hcap < 2 * (size_t)ld.o.posts)
        hcap *= 2;
    ld.hash = xmalloc(hcap * sizeof(uint32_t));
    memset(ld.hash, 0, hcap * sizeof(uint32_t));
    ld.hash_mask = (uint32_t)(hcap - 1);
    ld.scratch_cap = READ_ROOM;
    ld.scratch = xmalloc(ld.scratch_cap);

    if ((ld.ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
        fatal("epoll_create1: %s", strerror(errno));
    if ((ld.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        fatal("eventfd: %s", strerror(errno));
    if (epoll_ctl(ld.ep, EPOLL_CTL_ADD, ld.efd, &ev) < 0)
        fatal("epoll_ctl: %s", strerror(errno));
    if (ld.o.pid > 0 && (rss_before = proc_vm_kb(ld.o.pid, "VmRSS")) < 0)
        fatal("cannot read VmRSS of process %ld (/proc/%ld/status)", ld.o.pid, ld.o.pid);

    /* 1. open every stream, paced, and wait for each answer */
    t_open0 = now_ms();
    for (;;) {
        t = now_ms();
        if (next < (uint32_t)ld.o.streams && t >= backoff) {
            double allowed = (t - t_open0) * (double)ld.o.connect_rate / 1e3 + 1;

            while (next < (uint32_t)ld.o.streams && (double)next < allowed) {
                if (stream_start(next) < 0) {
                    backoff = t + 10; /* connect() said EAGAIN */
                    break;
                }
                next++;
            }
        }
        if (next == (uint32_t)ld.o.streams && ld.n_unsettled == 0)
            break;
        if (t - t_open0 >= OPEN_WAIT_MS)
            break;
        if (next < (uint32_t)ld.o.streams) {
            double wake = t_open0 + (double)next * 1e3 / (double)ld.o.connect_rate;

            loop_once(ms_until(wake > backoff ? wake : backoff));
        } else {
            loop_once(ms_until(t_open0 + OPEN_WAIT_MS));
        }
    }
    open_ms = now_ms() - t_open0;
    for (uint32_t i = 0; i < (uint32_t)ld.o.streams; i++) {
        if (ld.st[i].state == ST_IDLE)
            ld.n_timedout++; /* never opened: only when connect() kept saying EAGAIN */
        else if (ld.st[i].state >= ST_CONNECTING && ld.st[i].state <= ST_HEADERS)
            stream_close(i, ST_TIMEDOUT);
    }
    fprintf(stderr, "streamload: %ld of %ld streams open in %.3f s; holding them %g s\n", ld.n_open,
            ld.o.streams, open_ms / 1e3, ld.o.hold_s);

    /* 2. hold them idle, then the server's memory again */
    deadline = now_ms() + ld.o.hold_s * 1e3;
    while (now_ms() < deadline)
        loop_once(ms_until(deadline));
    if (ld.o.pid > 0 && (rss_after = proc_vm_kb(ld.o.pid, "VmRSS")) < 0)
        fprintf(stderr, "streamload: cannot read VmRSS of process %ld any more\n", ld.o.pid);

    /* 3. the posts, from a second thread, while this one reads the streams */
    fprintf(stderr, "streamload: %ld posts, one every %ld ms\n", ld.o.posts, ld.o.interval_ms);
    ld.t_posts = now_ms();
    if ((rc = pthread_create(&poster, NULL, poster_main, NULL)) != 0)
        fatal("pthread_create: %s", strerror(rc));
    while (ld.n_synced < (uint32_t)ld.o.posts) {
        loop_once(100);
        posts_sync();
    }
    pthread_join(poster, NULL);
    if (ld.post_err[0] != '\0')
        fprintf(stderr, "streamload: first failed post: %s\n", ld.post_err);

    /*
     * 4. the deliveries still missing, up to --timeout-s; once all are in, LINGER_MS more (within
     * the timeout) so that a late duplicate of the last post is seen too
     */
    deadline = now_ms() + ld.o.timeout_s * 1e3;
    while ((t = now_ms()) < deadline) {
        if (ld.got_alive >= (unsigned long long)ld.posts_ok * (unsigned long long)ld.alive &&
            deadline > t + LINGER_MS)
            deadline = t + LINGER_MS;
        loop_once(ms_until(deadline));
    }
    posts_sync();

    report(open_ms, rss_before, rss_after);
    return 0;
}
