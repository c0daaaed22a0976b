/*
 * api/indexer.c - the store's background thread, on a connection of its
 * own, so that a request never pays for this work:
 * - it indexes new posts for search a few times a second
 *   (store_fts_index_pending), sparing each post FTS5's segment; a search
 *   indexes what is pending before it runs, so nothing is ever missing
 *   from its results;
 * - it checkpoints the WAL when a commit says it has grown
 *   (store_checkpoint_elsewhere), so no commit waits for the copy and its
 *   fdatasync calls.
 */
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "api/app.h"
#include "core/log.h"
#include "core/rc.h"

#define INDEX_EVERY_MS 250

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping, running, checkpoint_wanted;

/* Called by the store after a commit that left the WAL long: quick, any thread. */
static void
want_checkpoint(void)
{
    pthread_mutex_lock(&lock);
    if (!checkpoint_wanted) {
        checkpoint_wanted = true;
        pthread_cond_signal(&wake);
    }
    pthread_mutex_unlock(&lock);
}

static void
add_ms(struct timespec *t, long ms)
{
    t->tv_nsec += ms * 1000000L;
    t->tv_sec += t->tv_nsec / 1000000000L;
    t->tv_nsec %= 1000000000L;
}

static bool
reached(const struct timespec *now, const struct timespec *t)
{
    return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

/*
 * Whether rc needs no line of ours: success, or a full or failing disk,
 * which the store logs once per occurrence (core/disk.c). On such a disk
 * the work simply waits for the next round (every INDEX_EVERY_MS, or the
 * next commit's request for a checkpoint): never a tight loop.
 */
static bool
quiet(int rc)
{
    return rc == RC_OK || rc == RC_FULL || rc == RC_AGAIN;
}

static void *
indexer_main(void *arg)
{
    const struct app *app = arg;
    struct timespec next_index, now;
    bool checkpoint;

    clock_gettime(CLOCK_REALTIME, &next_index);
    pthread_mutex_lock(&lock);
    while (!stopping) {
        clock_gettime(CLOCK_REALTIME, &now);
        checkpoint = checkpoint_wanted;
        checkpoint_wanted = false;
        if (!checkpoint && !reached(&now, &next_index)) {
            pthread_cond_timedwait(&wake, &lock, &next_index);
            continue;
        }
        pthread_mutex_unlock(&lock);
        struct store *st = app_store(app);
        if (st != NULL && checkpoint && !quiet(store_checkpoint_passive(st)))
            log_warnx("indexer: cannot checkpoint: %s", store_errmsg(st));
        if (st != NULL && reached(&now, &next_index)) {
            if (!quiet(store_fts_index_pending(st)))
                log_warnx("indexer: cannot index new posts: %s", store_errmsg(st));
            next_index = now;
            add_ms(&next_index, INDEX_EVERY_MS);
        }
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    app_store_close_thread();
    return NULL;
}

int
indexer_start(const struct app *app)
{
    stopping = false;
    if (pthread_create(&thread, NULL, indexer_main, (void *)app) != 0)
        return -1;
    running = true;
    store_checkpoint_elsewhere(want_checkpoint);
    return 0;
}

void
indexer_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = false;
    store_checkpoint_elsewhere(NULL); /* commits checkpoint themselves again */
}
