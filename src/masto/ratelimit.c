/*
 * masto/ratelimit.c - the rate limit of the Mastodon API and its headers
 * (X-RateLimit-Limit, -Remaining, -Reset), which apps read to pace
 * themselves: 300 requests per 5 minutes per token (per address without
 * one), as Mastodon does, then 429 {"error": "Too many requests"}. A fixed
 * window per key in a table of fixed size, keys kept as 64-bit hashes;
 * when the table is full, the oldest window is reused.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/decimal.h"
#include "core/hash.h"
#include "masto/masto.h"

#define WINDOW_S  300
#define SLOTS     4096
#define MAX_PROBE 8

struct window {
    uint64_t key; /* 0: free */
    time_t start;
    unsigned used;
};

static struct window table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned limit = MASTO_RATE_LIMIT;

void
masto_rate_set_limit(unsigned per_window)
{
    if (per_window > 0)
        limit = per_window;
}

/* The key's hash, never 0. */
static uint64_t
hash_key(const char *s)
{
    uint64_t h = hash_string(s);

    return h != 0 ? h : 1;
}

bool
masto_rate_check(struct request *req, struct response *res, const char *authz)
{
    const char *key = authz != NULL ? authz : req->remote_addr != NULL ? req->remote_addr : "?";
    uint64_t h = hash_key(key);
    time_t now = time(NULL);
    struct window *w = NULL, *oldest = NULL;
    static _Thread_local char reset[32], limit_text[16];
    static _Thread_local time_t reset_for;
    static _Thread_local unsigned limit_for;
    unsigned used, remaining;
    char n[DECIMAL_SIZE];
    struct tm tm;
    time_t ends;
    size_t i;

    pthread_mutex_lock(&lock);
    for (i = 0; i < MAX_PROBE; i++) {
        struct window *c = &table[(h + i) % SLOTS];
        if (c->key == h) {
            w = c;
            break;
        }
        /* else a free slot, or the one whose window opened first */
        if (oldest == NULL || (oldest->key != 0 && (c->key == 0 || c->start < oldest->start)))
            oldest = c;
    }
    if (w == NULL) {
        w = oldest;
        w->key = h;
        w->start = now;
        w->used = 0;
    }
    if (now - w->start >= WINDOW_S) {
        w->start = now;
        w->used = 0;
    }
    used = w->used < limit ? ++w->used : limit + 1;
    ends = w->start + WINDOW_S;
    pthread_mutex_unlock(&lock);

    remaining = used <= limit ? limit - used : 0;
    /* the window's end changes once in five minutes: formatted once per thread and window */
    if (ends != reset_for) {
        gmtime_r(&ends, &tm);
        strftime(reset, sizeof(reset), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
        reset_for = ends;
    }
    if (limit != limit_for) {
        snprintf(limit_text, sizeof(limit_text), "%u", limit);
        limit_for = limit;
    }
    response_header(res, "X-RateLimit-Limit", arena_strdup(&req->arena, limit_text));
    response_header(res, "X-RateLimit-Remaining",
                    arena_strndup(&req->arena, n, decimal_format(n, remaining)));
    response_header(res, "X-RateLimit-Reset", arena_strdup(&req->arena, reset));
    if (used <= limit)
        return true;
    snprintf(n, sizeof(n), "%ld", (long)(ends - now > 0 ? ends - now : 1));
    response_header(res, "Retry-After", arena_strndup(&req->arena, n, strlen(n)));
    masto_error(res, 429, "Too many requests");
    return false;
}
