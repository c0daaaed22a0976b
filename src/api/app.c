/*
 * api/app.c - one SQLite connection per worker thread, opened lazily and
 * closed by the thread's destructor: libmicrohttpd runs each request on one
 * worker thread, so a handler never shares its connection.
 */
#include <pthread.h>

#include "api/app.h"
#include "core/log.h"

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void
store_key_destroy(void *st)
{
    store_close(st);
}

static void
store_key_make(void)
{
    if (pthread_key_create(&store_key, store_key_destroy) != 0)
        log_warnx("cannot create the per-thread store key");
}

struct store *
app_store(const struct app *app)
{
    struct store *st;

    pthread_once(&store_key_once, store_key_make);
    if ((st = pthread_getspecific(store_key)) != NULL)
        return st;
    if (store_open(app->data_dir, &st) != 0) {
        log_warnx("cannot open the store in '%s': %s", app->data_dir, store_open_error());
        return NULL;
    }
    if (pthread_setspecific(store_key, st) != 0) {
        store_close(st);
        return NULL;
    }
    return st;
}

void
app_store_close_thread(void)
{
    struct store *st;

    pthread_once(&store_key_once, store_key_make);
    if ((st = pthread_getspecific(store_key)) != NULL) {
        pthread_setspecific(store_key, NULL);
        store_close(st);
    }
}
