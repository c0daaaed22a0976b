/*
 * core/arena.h - memory that lives as long as one request (or one command):
 * allocations are bumped from blocks and all freed at once. Handlers put
 * every string they build here, so no path forgets a free.
 */
#ifndef GZ_CORE_ARENA_H
#define GZ_CORE_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
};

/* Zero-initialise a struct arena to start. All return NULL only when memory runs out. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_release(struct arena *a); /* frees everything, a is empty again */

#endif
