/*
 * api/cache.c - a fixed table of rendered responses (see api/cache.h): 256
 * slots chosen by a hash of the key, one mutex, bodies and headers copied
 * in and out. Generations live in 1,024 atomic counters chosen by a hash
 * of the event's slug: two events sharing a counter only invalidate each
 * other more often.
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
#define MAX_HEADERS   RESPONSE_MAX_HEADERS
#define MAX_HEADER    512

struct slot {
    char key[MAX_KEY];
    uint64_t gen;
    size_t n_headers;
    char names[MAX_HEADERS][48];
    char values[MAX_HEADERS][MAX_HEADER];
    char content_type[64];
    char *body;
    size_t len;
};

static struct slot slots[N_SLOTS];
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

bool
cache_answer(const char *key, const char *slug, struct request *req, struct response *res)
{
    struct slot *s = &slots[hash_string(key) % N_SLOTS];
    uint64_t gen = cache_event_generation(slug);
    struct kv headers[MAX_HEADERS];
    const char *type = NULL;
    char *body = NULL;
    size_t len = 0, n = 0, i;

    pthread_mutex_lock(&lock);
    if (s->body != NULL && s->gen == gen && strcmp(s->key, key) == 0 &&
        (body = malloc(s->len + 1)) != NULL) {
        memcpy(body, s->body, s->len);
        len = s->len;
        type = arena_strdup(&req->arena, s->content_type);
        for (n = 0; n < s->n_headers; n++) {
            headers[n].name = arena_strdup(&req->arena, s->names[n]);
            headers[n].value = arena_strdup(&req->arena, s->values[n]);
        }
    }
    pthread_mutex_unlock(&lock);
    if (body == NULL)
        return false;
    for (i = 0; i < n; i++)
        if (headers[i].name == NULL || headers[i].value == NULL ||
            response_header(res, headers[i].name, headers[i].value) != 0) {
            free(body);
            res->n_headers = 0;
            return false;
        }
    return type != NULL && response_body_take(res, 200, type, body, len) == 0;
}

void
cache_keep(const char *key, const char *slug, uint64_t gen, const struct response *res)
{
    struct slot *s = &slots[hash_string(key) % N_SLOTS];
    size_t i;
    char *copy;

    if (res->status != 200 || res->body_len > CACHE_MAX_BODY || strlen(key) >= MAX_KEY ||
        res->content_type == NULL || strlen(res->content_type) >= sizeof(s->content_type) ||
        gen != cache_event_generation(slug))
        return; /* not kept: an error, too big, or already stale */
    for (i = 0; i < res->n_headers; i++)
        if (strlen(res->headers[i].name) >= sizeof(s->names[0]) ||
            strlen(res->headers[i].value) >= sizeof(s->values[0]))
            return;
    if ((copy = malloc(res->body_len + 1)) == NULL)
        return;
    memcpy(copy, res->body != NULL ? res->body : "", res->body_len);
    pthread_mutex_lock(&lock);
    free(s->body);
    snprintf(s->key, sizeof(s->key), "%s", key);
    snprintf(s->content_type, sizeof(s->content_type), "%s", res->content_type);
    for (i = 0; i < res->n_headers; i++) {
        snprintf(s->names[i], sizeof(s->names[i]), "%s", res->headers[i].name);
        snprintf(s->values[i], sizeof(s->values[i]), "%s", res->headers[i].value);
    }
    s->n_headers = res->n_headers;
    s->gen = gen;
    s->body = copy;
    s->len = res->body_len;
    pthread_mutex_unlock(&lock);
}

void
cache_clear(void)
{
    size_t i;

    pthread_mutex_lock(&lock);
    for (i = 0; i < N_SLOTS; i++) {
        free(slots[i].body);
        slots[i].body = NULL;
    }
    pthread_mutex_unlock(&lock);
}
