/*
 * core/arena.c - a bump allocator over a list of blocks. Big requests get a
 * block of their own; nothing is freed before arena_release().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

/* The first block is small (a request that only copies its headers, such
 * as a live stream held open for hours, keeps little), the next ones
 * double up to MAX_BLOCK. */
#define FIRST_BLOCK 1024
#define MAX_BLOCK   16384

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

void *
arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;
    size_t size;

    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    if (b == NULL || b->size - b->used < n) {
        size = b == NULL ? FIRST_BLOCK : b->size < MAX_BLOCK ? 2 * b->size : MAX_BLOCK;
        if (n > size)
            size = n;
        if (size > SIZE_MAX - sizeof(*b) || (b = malloc(sizeof(*b) + size)) == NULL)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    b->used += n;
    return b->data + b->used - n;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (p = arena_alloc(a, (size_t)n + 1)) == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void
arena_release(struct arena *a)
{
    struct arena_block *b, *next;

    for (b = a->head; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}
