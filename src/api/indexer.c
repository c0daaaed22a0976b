/*
 * api/indexer.c - a thread that indexes new posts for search a few times a
 * second (store_fts_index_pending), on a connection of its own, so storing
 * a post does not pay for FTS5's segment. A search indexes what is pending
 * before it runs, so nothing is ever missing from its results.
 */
#include <errno.h>
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
static bool stopping, running;

static void *
indexer_main(void *arg)
{
    const struct app *app = arg;
    struct timespec at;

    pthread_mutex_lock(&lock);
    while (!stopping) {
        pthread_mutex_unlock(&lock);
        struct store *st = app_store(app);
        if (st != NULL && store_fts_index_pending(st) != RC_OK)
            log_warnx("indexer: cannot index new posts: %s", store_errmsg(st));
        pthread_mutex_lock(&lock);
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_nsec += INDEX_EVERY_MS * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        while (!stopping && pthread_cond_timedwait(&wake, &lock, &at) != ETIMEDOUT)
            ;
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
}
