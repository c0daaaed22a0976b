/*
 * api/writer.c - group commit. Storing a post alone costs a whole SQLite
 * transaction: its WAL frames, its locks, and the page cache of every
 * other connection thrown away, so that the next request re-reads the
 * token, the event and its editors from the file. One transaction per
 * post stayed under 3,000 posts a second, however many threads wrote.
 *
 * So the requests that write posts are handed to one writer thread, their
 * connections suspended meanwhile (response_defer: no worker thread
 * waits). The writer takes every request waiting (up to MAX_BATCH), runs
 * each in a savepoint of one transaction on its own connection, whose
 * cache stays warm, commits once and resumes them all: an answer still
 * goes out only once its post is committed. A request that answers an
 * error is undone alone. When the transaction itself fails (a full disk,
 * an I/O error), every request of the batch is run again on its own, so
 * each answer says what became of that request and nothing is half-kept;
 * once only: on a disk still full each answers its 507 (or 503) and the
 * writer goes on with the next requests, never retrying in a loop.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "api/app.h"
#include "api/cache.h"
#include "core/log.h"
#include "core/rc.h"

#define MAX_BATCH 64

struct job {
    struct request *req;
    struct response *res;
    writer_fn fn;
    struct job *next;
};

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail;
static bool stopping, running;
static const struct app *writer_app;
static _Atomic unsigned long long n_batches, n_requests; /* for /metrics */

/* A full or failing disk: the store logged it once for all (core/disk.c). */
static bool
disk_failure(int rc)
{
    return rc == RC_FULL || rc == RC_AGAIN;
}

/* A request's writes were right to keep: it answered a success. */
static bool
succeeded(int rc, const struct response *res)
{
    return rc == 0 && res->status >= 200 && res->status < 400;
}

/* rc < 0 or no status: the 500 the server would have answered. */
static void
settle(int rc, struct job *j)
{
    if (rc < 0 || j->res->status == 0) {
        if (j->res->status == 0)
            log_warnx("writer: the handler of '%s' set no status", j->req->path);
        response_reset(j->res);
        response_error(j->res, 500, "internal server error");
    }
}

/* One request in a transaction of its own. */
static void
run_alone(struct store *st, struct job *j)
{
    int rc;

    response_reset(j->res);
    if (st == NULL || (rc = store_begin(st)) != RC_OK) {
        response_error_rc(j->res, st == NULL ? RC_IO : rc);
        return;
    }
    rc = j->fn(st, j->req, j->res);
    if (!succeeded(rc, j->res)) {
        store_rollback(st);
        settle(rc, j);
        return;
    }
    if ((rc = store_commit(st)) != RC_OK) {
        if (!disk_failure(rc))
            log_warnx("writer: cannot commit: %s", store_errmsg(st));
        response_reset(j->res);
        response_error_rc(j->res, rc);
    }
}

/* Every job of the list in one transaction; see the top of the file. */
static void
run_batch(struct store *st, struct job *jobs)
{
    struct job *j, *next;
    bool ok = st != NULL && store_begin(st) == RC_OK;
    int rc;

    cache_hold();
    atomic_fetch_add_explicit(&n_batches, 1, memory_order_relaxed);
    for (j = jobs; j != NULL; j = j->next)
        atomic_fetch_add_explicit(&n_requests, 1, memory_order_relaxed);
    for (j = jobs; ok && j != NULL; j = j->next) {
        if (store_savepoint(st) != RC_OK) {
            ok = false;
            break;
        }
        rc = j->fn(st, j->req, j->res);
        ok = store_savepoint_end(st, succeeded(rc, j->res)) == RC_OK;
        settle(rc, j);
    }
    if (ok && (rc = store_commit(st)) != RC_OK) {
        if (!disk_failure(rc))
            log_warnx("writer: cannot commit %s: %s", jobs->next ? "a batch" : "a write",
                      store_errmsg(st));
        ok = false;
    }
    if (!ok) {
        if (st != NULL)
            store_rollback(st);
        for (j = jobs; j != NULL; j = j->next)
            run_alone(st, j);
    }
    cache_release();
    for (j = jobs; j != NULL; j = next) {
        next = j->next; /* j lives in the request's arena, gone after the resume */
        http_resume(j->req);
    }
}

static void *
writer_main(void *arg)
{
    struct job *batch, *last;
    size_t n;

    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (head == NULL && !stopping)
            pthread_cond_wait(&wake, &lock);
        if (head == NULL)
            break; /* stopping, and nothing left */
        batch = last = head;
        for (n = 1; n < MAX_BATCH && last->next != NULL; n++)
            last = last->next;
        head = last->next;
        if (head == NULL)
            tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&lock);
        run_batch(app_store(writer_app), batch);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    app_store_close_thread();
    return NULL;
}

int
writer_start(const struct app *app)
{
    writer_app = app;
    stopping = false;
    if (pthread_create(&thread, NULL, writer_main, NULL) != 0)
        return -1;
    running = true;
    return 0;
}

void
writer_stop(void)
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

/* Called by the server once the request's connection is suspended. */
static void
enqueue(void *arg)
{
    struct job *j = arg;

    pthread_mutex_lock(&lock);
    if (tail != NULL)
        tail->next = j;
    else
        head = j;
    tail = j;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

int
writer_defer(struct request *req, struct response *res, writer_fn fn)
{
    struct store *st;
    struct job *j;

    if (!running) {
        /* no writer thread (a test calling handlers directly): here and now */
        if ((st = app_store(req->app)) == NULL)
            return response_error_rc(res, RC_IO);
        if (fn(st, req, res) < 0)
            return -1;
        return response_finish(req, res);
    }
    if ((j = arena_alloc(&req->arena, sizeof(*j))) == NULL)
        return -1;
    *j = (struct job){.req = req, .res = res, .fn = fn};
    return response_defer(res, enqueue, j);
}

void
writer_counts(unsigned long long *transactions, unsigned long long *requests)
{
    *transactions = atomic_load_explicit(&n_batches, memory_order_relaxed);
    *requests = atomic_load_explicit(&n_requests, memory_order_relaxed);
}
