/*
 * auth/ratelimit.c - counts failed sign-ins per key (an account name, a
 * client address) and says when a key must wait. http/ answers 429 with
 * Retry-After from what rate_limiter_blocked() returns.
 *
 * A fixed window per key, opened by the key's first failure: max_failures
 * failures inside it block the key until it closes, then the count starts
 * again. A sliding window would spread the tries more evenly, but it needs
 * a time per failure; this needs one counter, and still allows no more
 * than max_failures tries per window_seconds.
 *
 * Memory is allocated once: max_keys entries and a bucket array, zeroed by
 * calloc and touched only as keys arrive, so an idle server keeps none of
 * it resident. A key is kept as a 128-bit BLAKE2b of it, keyed with random
 * bytes drawn at creation, so entries have a fixed size, nobody can aim
 * keys at one bucket, and no address or name stays in memory. Entries sit on a list in the
 * order their windows opened; when every entry is in use, the first on that
 * list (most likely expired) is reused. One mutex guards everything: each
 * call holds it for a hash lookup, far less than the argon2id verification
 * it gates.
 */
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"

#define RL_ID_BYTES 16

struct rl_entry {
    unsigned char id[RL_ID_BYTES];  /* keyed hash of the key */
    struct rl_entry *hnext;         /* next in its bucket */
    struct rl_entry *older, *newer; /* window order; the free list uses newer */
    time_t start;                   /* when the window opened */
    unsigned failures;
};

struct rate_limiter {
    pthread_mutex_t mu;
    unsigned max_failures, window;
    unsigned char hkey[crypto_generichash_KEYBYTES];
    struct rl_entry *entries; /* max_keys of them, calloc'd */
    size_t max_keys, n_fresh; /* entries[n_fresh..max_keys) were never used (nor touched) */
    struct rl_entry **buckets;
    size_t mask; /* buckets - 1, a power of two minus one */
    size_t n_used;
    struct rl_entry *oldest, *newest; /* entries in use */
    struct rl_entry *free_list;       /* forgotten entries, linked by newer */
};

struct rate_limiter *
rate_limiter_new(unsigned max_failures, unsigned window_seconds, size_t max_keys)
{
    struct rate_limiter *rl;
    size_t n_buckets = 1;

    if (max_failures == 0 || window_seconds == 0 || max_keys == 0 || max_keys > SIZE_MAX / 4)
        return NULL;
    while (n_buckets < max_keys)
        n_buckets <<= 1;
    if ((rl = calloc(1, sizeof(*rl))) == NULL)
        return NULL;
    rl->entries = calloc(max_keys, sizeof(*rl->entries));
    rl->buckets = calloc(n_buckets, sizeof(*rl->buckets));
    if (rl->entries == NULL || rl->buckets == NULL || pthread_mutex_init(&rl->mu, NULL) != 0)
        goto fail;
    rl->max_failures = max_failures;
    rl->window = window_seconds;
    rl->mask = n_buckets - 1;
    rl->max_keys = max_keys;
    randombytes_buf(rl->hkey, sizeof(rl->hkey));
    return rl;
fail:
    free(rl->entries);
    free(rl->buckets);
    free(rl);
    return NULL;
}

void
rate_limiter_free(struct rate_limiter *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->mu);
    sodium_memzero(rl->hkey, sizeof(rl->hkey));
    free(rl->entries);
    free(rl->buckets);
    free(rl);
}

static void
rl_id(const struct rate_limiter *rl, const char *key, unsigned char id[RL_ID_BYTES])
{
    crypto_generichash(id, RL_ID_BYTES, (const unsigned char *)key, strlen(key), rl->hkey,
                       sizeof(rl->hkey));
}

static struct rl_entry **
rl_bucket(struct rate_limiter *rl, const unsigned char id[RL_ID_BYTES])
{
    uint64_t h;

    memcpy(&h, id, sizeof(h));
    return &rl->buckets[h & rl->mask];
}

static struct rl_entry *
rl_find(struct rate_limiter *rl, const unsigned char id[RL_ID_BYTES])
{
    struct rl_entry *e;

    for (e = *rl_bucket(rl, id); e != NULL; e = e->hnext)
        if (memcmp(e->id, id, RL_ID_BYTES) == 0)
            return e;
    return NULL;
}

static void
rl_unlink_order(struct rate_limiter *rl, struct rl_entry *e)
{
    if (e->older != NULL)
        e->older->newer = e->newer;
    else
        rl->oldest = e->newer;
    if (e->newer != NULL)
        e->newer->older = e->older;
    else
        rl->newest = e->older;
    e->older = e->newer = NULL;
}

static void
rl_append_order(struct rate_limiter *rl, struct rl_entry *e)
{
    e->older = rl->newest;
    e->newer = NULL;
    if (rl->newest != NULL)
        rl->newest->newer = e;
    else
        rl->oldest = e;
    rl->newest = e;
}

/* Forgets e: out of its bucket and the window order, back on the free list. */
static void
rl_remove(struct rate_limiter *rl, struct rl_entry *e)
{
    struct rl_entry **p;

    for (p = rl_bucket(rl, e->id); *p != e; p = &(*p)->hnext)
        ;
    *p = e->hnext;
    rl_unlink_order(rl, e);
    memset(e, 0, sizeof(*e));
    e->newer = rl->free_list;
    rl->free_list = e;
    rl->n_used--;
}

/*
 * Seconds since e's window opened. A clock that went back reopens the
 * window now, so nobody waits longer than one window.
 */
static time_t
rl_elapsed(struct rl_entry *e, time_t now)
{
    if (now < e->start)
        e->start = now;
    return now - e->start;
}

bool
rate_limiter_blocked(struct rate_limiter *rl, const char *key, time_t now,
                     unsigned *retry_after_out)
{
    unsigned char id[RL_ID_BYTES];
    struct rl_entry *e;
    bool blocked = false;
    time_t elapsed;

    rl_id(rl, key, id);
    pthread_mutex_lock(&rl->mu);
    if ((e = rl_find(rl, id)) == NULL)
        goto out;
    elapsed = rl_elapsed(e, now);
    if (elapsed >= (time_t)rl->window) {
        rl_remove(rl, e); /* its window closed: a fresh start */
        goto out;
    }
    if (e->failures >= rl->max_failures) {
        blocked = true;
        if (retry_after_out != NULL)
            *retry_after_out = (unsigned)((time_t)rl->window - elapsed); /* >= 1 */
    }
out:
    pthread_mutex_unlock(&rl->mu);
    return blocked;
}

void
rate_limiter_fail(struct rate_limiter *rl, const char *key, time_t now)
{
    unsigned char id[RL_ID_BYTES];
    struct rl_entry *e, **b;

    rl_id(rl, key, id);
    pthread_mutex_lock(&rl->mu);
    if ((e = rl_find(rl, id)) != NULL) {
        if (rl_elapsed(e, now) >= (time_t)rl->window) {
            e->start = now; /* a new window, newest in the order */
            e->failures = 0;
            rl_unlink_order(rl, e);
            rl_append_order(rl, e);
        }
    } else {
        if (rl->free_list == NULL && rl->n_fresh == rl->max_keys)
            rl_remove(rl, rl->oldest); /* full: forget the window that opened first */
        if ((e = rl->free_list) != NULL)
            rl->free_list = e->newer;
        else
            e = &rl->entries[rl->n_fresh++];
        memcpy(e->id, id, RL_ID_BYTES);
        e->start = now;
        e->failures = 0;
        b = rl_bucket(rl, id);
        e->hnext = *b;
        *b = e;
        rl_append_order(rl, e);
        rl->n_used++;
    }
    if (e->failures < UINT_MAX)
        e->failures++;
    pthread_mutex_unlock(&rl->mu);
}

void
rate_limiter_reset(struct rate_limiter *rl, const char *key)
{
    unsigned char id[RL_ID_BYTES];
    struct rl_entry *e;

    rl_id(rl, key, id);
    pthread_mutex_lock(&rl->mu);
    if ((e = rl_find(rl, id)) != NULL)
        rl_remove(rl, e);
    pthread_mutex_unlock(&rl->mu);
}

size_t
rate_limiter_size(struct rate_limiter *rl)
{
    size_t n;

    pthread_mutex_lock(&rl->mu);
    n = rl->n_used;
    pthread_mutex_unlock(&rl->mu);
    return n;
}
