/*
 * api/cache.c - a fixed table of rendered responses (see api/cache.h): 256
 * slots chosen by a hash of the key, one mutex, headers copied in and out.
 * A body is shared, not copied: it is counted, and each response sending
 * it holds a count until libmicrohttpd has sent it, so a 30 KB page costs
 * no copy however many read it at once. A body worth it is also kept
 * gzipped, made by the first request that accepts gzip, then sent as it is.
 * Generations live in 1,024 atomic counters chosen by a hash of the
 * event's slug: two events sharing a counter only invalidate each other
 * more often.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cache.h"
#include "core/hash.h"

#define N_SLOTS       256
#define N_GENERATIONS 1024
#define MAX_KEY       160
#define MAX_HEADERS   8 /* of a kept response; an answer adds Vary and Content-Encoding */
#define MAX_HEADER    512

/* A body sent by many responses at once; freed when the last lets go. */
struct shared {
    _Atomic unsigned refs;
    size_t len;
    char data[];
};

struct slot {
    char key[MAX_KEY];
    uint64_t gen;
    size_t n_headers;
    char names[MAX_HEADERS][48];
    char values[MAX_HEADERS][MAX_HEADER];
    char content_type[64];
    struct shared *body;
    struct shared *gz; /* body gzipped, or NULL */
    bool compressible; /* worth gzipping (http_compressible), known when kept */
    bool gz_claimed;   /* a request is making gz, or made it, or found it not worth it */
};

static struct slot slots[N_SLOTS];

/* A new shared body of len bytes (refs 1), copied from data when not NULL. */
static struct shared *
shared_new(const char *data, size_t len)
{
    struct shared *b = malloc(sizeof(*b) + len + 1);

    if (b == NULL)
        return NULL;
    atomic_init(&b->refs, 1);
    b->len = len;
    if (data != NULL && len > 0)
        memcpy(b->data, data, len);
    b->data[len] = '\0';
    return b;
}

/* Lets go of b (NULL is fine); the last one frees it. A release callback for MHD. */
static void
shared_unref(void *arg)
{
    struct shared *b = arg;

    if (b != NULL && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

static struct shared *
shared_ref(struct shared *b)
{
    atomic_fetch_add(&b->refs, 1);
    return b;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t generations[N_GENERATIONS];

uint64_t
cache_event_generation(const char *slug)
{
    return atomic_load(&generations[hash_string(slug) % N_GENERATIONS]);
}

/* The generations noted on this thread between cache_hold() and cache_release(). */
#define MAX_HELD 64
static _Thread_local bool holding, held_overflow;
static _Thread_local size_t held[MAX_HELD], n_held;

static _Atomic uint64_t events_generation;

void
cache_events_changed(void)
{
    atomic_fetch_add(&events_generation, 1);
}

uint64_t
cache_events_generation(void)
{
    return atomic_load(&events_generation);
}

static _Atomic uint64_t accounts_generation;

void
cache_accounts_changed(void)
{
    size_t i;

    atomic_fetch_add(&accounts_generation, 1);
    for (i = 0; i < N_GENERATIONS; i++)
        atomic_fetch_add(&generations[i], 1);
}

uint64_t
cache_accounts_generation(void)
{
    return atomic_load(&accounts_generation);
}

void
cache_event_changed(const char *slug)
{
    size_t g = hash_string(slug) % N_GENERATIONS, i;

    if (strcmp(slug, CACHE_ALL) != 0)
        cache_event_changed(CACHE_ALL); /* what spans events changed too */
    if (!holding) {
        atomic_fetch_add(&generations[g], 1);
        return;
    }
    for (i = 0; i < n_held && held[i] != g; i++)
        ;
    if (i == n_held) {
        if (n_held < MAX_HELD)
            held[n_held++] = g;
        else
            held_overflow = true;
    }
}

void
cache_hold(void)
{
    holding = true;
}

void
cache_release(void)
{
    size_t i;

    holding = false;
    for (i = 0; i < N_GENERATIONS && held_overflow; i++)
        atomic_fetch_add(&generations[i], 1);
    for (i = 0; i < n_held; i++)
        atomic_fetch_add(&generations[held[i]], 1);
    n_held = 0;
    held_overflow = false;
}

/*
 * body gzipped for slot s, which held it when claimed: kept in the slot if
 * it still holds that body. The gzipped body (a count of ours), or NULL when
 * memory runs out or gzip gains too little to be worth a header.
 */
static struct shared *
gzip_for(struct slot *s, const struct shared *body)
{
    struct shared *gz = NULL;
    char *packed;
    size_t len;

    if (http_gzip(body->data, body->len, &packed, &len) != 0)
        return NULL;
    if (len + len / 8 < body->len) /* saves more than a ninth */
        gz = shared_new(packed, len);
    free(packed);
    pthread_mutex_lock(&lock);
    if (gz != NULL && s->body == body && s->gz == NULL)
        s->gz = shared_ref(gz);
    pthread_mutex_unlock(&lock);
    return gz;
}

bool
cache_answer(const char *key, const char *slug, struct request *req, struct response *res)
{
    struct slot *s = &slots[hash_string(key) % N_SLOTS];
    uint64_t gen = cache_event_generation(slug);
    struct kv headers[MAX_HEADERS];
    struct shared *body = NULL, *gz = NULL;
    bool compressible = false, make_gz = false, accepts_gzip = request_accepts_gzip(req);
    const char *type = NULL;
    size_t n = 0, i;

    pthread_mutex_lock(&lock);
    if (s->body != NULL && s->gen == gen && strcmp(s->key, key) == 0) {
        body = shared_ref(s->body);
        compressible = s->compressible;
        if (compressible && accepts_gzip && s->gz != NULL)
            gz = shared_ref(s->gz);
        else if (compressible && accepts_gzip && !s->gz_claimed)
            make_gz = s->gz_claimed = true; /* others send it plain meanwhile */
        type = arena_strdup(&req->arena, s->content_type);
        for (n = 0; n < s->n_headers; n++) {
            headers[n].name = arena_strdup(&req->arena, s->names[n]);
            headers[n].value = arena_strdup(&req->arena, s->values[n]);
        }
    }
    pthread_mutex_unlock(&lock);
    if (body == NULL)
        return false;
    if (make_gz)
        gz = gzip_for(s, body);
    for (i = 0; i < n; i++)
        if (headers[i].name == NULL || headers[i].value == NULL ||
            response_header(res, headers[i].name, headers[i].value) != 0)
            goto refused;
    if (type == NULL || (compressible && response_header(res, "Vary", "Accept-Encoding") != 0) ||
        (gz != NULL && response_header(res, "Content-Encoding", "gzip") != 0))
        goto refused;
    if (gz != NULL) {
        shared_unref(body);
        body = gz;
    }
    return response_body_shared(res, 200, type, body->data, body->len, shared_unref, body) == 0;
refused:
    shared_unref(body);
    shared_unref(gz);
    res->n_headers = 0;
    return false;
}

/*
 * Copies s to at (percent-encoding what cache_key() says when escape): the
 * new end, NULL when it does not fit before end with room for a NUL.
 */
static char *
key_append(char *at, const char *end, const char *s, bool escape)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; at != NULL && *s != '\0'; s++) {
        bool special = escape && (*s == '%' || *s == '&' || *s == '=' || *s == '?');

        if (end - at <= (special ? 3 : 1))
            return NULL;
        if (special) {
            *at++ = '%';
            *at++ = hex[(unsigned char)*s >> 4];
            *at++ = hex[*s & 0xf];
        } else {
            *at++ = *s;
        }
    }
    return at;
}

const char *
cache_key(struct arena *ar, const char *prefix, const char *const *values, size_t n)
{
    char *key = arena_alloc(ar, MAX_KEY), *at;
    size_t i;

    if (key == NULL)
        return NULL;
    at = key_append(key, key + MAX_KEY, prefix, false);
    for (i = 0; i < n; i++) {
        at = key_append(at, key + MAX_KEY, "&", false);
        if (values[i] != NULL) {
            at = key_append(at, key + MAX_KEY, "=", false);
            at = key_append(at, key + MAX_KEY, values[i], true);
        }
    }
    if (at == NULL)
        return NULL;
    *at = '\0';
    return key;
}

/*
 * Puts kept in slot s. With claim, the caller is to gzip it: the slot says
 * so to the others, and the stored body is returned with a count the
 * caller lets go of. NULL otherwise, and when kept cannot be kept.
 */
static struct shared *
slot_fill(struct slot *s, const char *key, const char *slug, uint64_t gen,
          const struct response *kept, bool compressible, bool claim)
{
    struct shared *copy, *old_body, *old_gz;
    size_t i;

    if (kept->status != 200 || kept->body_len > CACHE_MAX_BODY || strlen(key) >= MAX_KEY ||
        kept->content_type == NULL || strlen(kept->content_type) >= sizeof(s->content_type) ||
        kept->n_headers > MAX_HEADERS || gen != cache_event_generation(slug))
        return NULL; /* not kept: an error, too big, or already stale */
    for (i = 0; i < kept->n_headers; i++)
        if (strlen(kept->headers[i].name) >= sizeof(s->names[0]) ||
            strlen(kept->headers[i].value) >= sizeof(s->values[0]))
            return NULL;
    if ((copy = shared_new(kept->body, kept->body_len)) == NULL)
        return NULL;
    pthread_mutex_lock(&lock);
    old_body = s->body;
    old_gz = s->gz;
    snprintf(s->key, sizeof(s->key), "%s", key);
    snprintf(s->content_type, sizeof(s->content_type), "%s", kept->content_type);
    for (i = 0; i < kept->n_headers; i++) {
        snprintf(s->names[i], sizeof(s->names[i]), "%s", kept->headers[i].name);
        snprintf(s->values[i], sizeof(s->values[i]), "%s", kept->headers[i].value);
    }
    s->n_headers = kept->n_headers;
    s->gen = gen;
    s->body = copy;
    s->gz = NULL;
    s->compressible = compressible;
    s->gz_claimed = claim;
    if (claim)
        shared_ref(copy); /* held while gzipping: the slot may be taken meanwhile */
    pthread_mutex_unlock(&lock);
    shared_unref(old_body);
    shared_unref(old_gz);
    return claim ? copy : NULL;
}

void
cache_keep(const char *key, const char *slug, uint64_t gen, const struct response *kept,
           struct request *req, struct response *res)
{
    struct slot *s = &slots[hash_string(key) % N_SLOTS];
    bool compressible = http_compressible(kept->content_type, kept->body_len);
    bool accepts = req != NULL && compressible && request_accepts_gzip(req), vary = false;
    struct shared *body = slot_fill(s, key, slug, gen, kept, compressible, accepts), *gz;

    /* after keeping, so that the entry's own headers do not hold it twice */
    if (req != NULL && compressible)
        vary = response_header(res, "Vary", "Accept-Encoding") == 0;
    if (body == NULL)
        return;
    gz = gzip_for(s, body); /* kept for the next askers even if this answer cannot say it */
    shared_unref(body);
    if (gz != NULL && (!vary || response_header(res, "Content-Encoding", "gzip") != 0 ||
                       response_body_shared(res, 200, res->content_type, gz->data, gz->len,
                                            shared_unref, gz) != 0))
        shared_unref(gz);
}

void
cache_clear(void)
{
    size_t i;

    pthread_mutex_lock(&lock);
    for (i = 0; i < N_SLOTS; i++) {
        shared_unref(slots[i].body);
        shared_unref(slots[i].gz);
        slots[i].body = slots[i].gz = NULL;
        slots[i].gz_claimed = false;
    }
    pthread_mutex_unlock(&lock);
}
