/*
 * store/sqlite_memory.c - SQLite's memory allocator: malloc, with the bytes
 * SQLite holds counted by one atomic instead of SQLite's own statistics.
 *
 * SQLite keeps its memory statistics (sqlite3_memory_used) under one global
 * mutex that every allocation of every connection takes: the writer, the
 * HTTP workers, the publisher and the indexer each take it thousands of times
 * a second, all the more as Debian's SQLite is built without lookaside
 * (SQLITE_OMIT_LOOKASIDE: sqlite3_compileoption_get lists it), so that even
 * its smallest allocations go to the allocator. Turning the statistics off
 * (SQLITE_CONFIG_MEMSTATUS) made a Mastodon status ~9% cheaper to post, but
 * sqlite3_memory_used() then reads 0, and /metrics says how much SQLite
 * holds (gazouillis_sqlite_memory_bytes). So SQLite gets these functions as
 * its allocator, with its statistics off, and the bytes are counted here
 * with a relaxed atomic: no lock, and the figure is what malloc really gave
 * SQLite (usable sizes).
 *
 * store_memory_install() must run before SQLite initialises (store_open()
 * calls it first); if SQLite was initialised before it, SQLite keeps its own
 * allocator and statistics, and store_memory_used() reads those.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "store/store_int.h"

static _Atomic int64_t held_bytes;
static atomic_bool installed; /* set once, by install() */
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void
count(int64_t delta)
{
    atomic_fetch_add_explicit(&held_bytes, delta, memory_order_relaxed);
}

static void *
counted_malloc(int n)
{
    void *p = malloc((size_t)n);

    if (p != NULL)
        count((int64_t)malloc_usable_size(p));
    return p;
}

static void
counted_free(void *p)
{
    if (p == NULL)
        return;
    count(-(int64_t)malloc_usable_size(p));
    free(p);
}

static void *
counted_realloc(void *p, int n)
{
    size_t before = p != NULL ? malloc_usable_size(p) : 0;
    void *q = realloc(p, (size_t)n);

    /* On failure p is untouched and still counted. */
    if (q != NULL)
        count((int64_t)malloc_usable_size(q) - (int64_t)before);
    return q;
}

static int
counted_size(void *p)
{
    return p != NULL ? (int)malloc_usable_size(p) : 0;
}

static int
round_up(int n)
{
    return (n + 7) & ~7;
}

static int
no_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void
no_shutdown(void *unused)
{
    (void)unused;
}

static void
install(void)
{
    static const sqlite3_mem_methods methods = {
        .xMalloc = counted_malloc,
        .xFree = counted_free,
        .xRealloc = counted_realloc,
        .xSize = counted_size,
        .xRoundup = round_up,
        .xInit = no_init,
        .xShutdown = no_shutdown,
    };

    sqlite3_mem_methods sqlites_own;

    /* Both or neither: SQLite refuses either once it has initialised. */
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlites_own) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) != SQLITE_OK)
        return;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
        sqlite3_config(SQLITE_CONFIG_MALLOC, &sqlites_own);
        return;
    }
    atomic_store(&installed, true);
}

void
store_memory_install(void)
{
    pthread_once(&install_once, install);
}

int64_t
store_memory_used(void)
{
    return atomic_load(&installed) ? atomic_load_explicit(&held_bytes, memory_order_relaxed)
                                   : (int64_t)sqlite3_memory_used();
}
