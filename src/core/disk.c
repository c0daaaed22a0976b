/*
 * core/disk.c - the data directory's disk as the last writes found it (see
 * disk.h). One mutex-guarded state for the whole process: the store's
 * connections and the media writer report to it from any thread. An
 * occurrence that starts again within DISK_LOG_QUIET seconds of the last
 * logged start is counted but not logged, so a disk at its very limit,
 * where every other write fits, still costs at most two lines a minute.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "core/disk.h"
#include "core/log.h"
#include "core/rc.h"

#define DISK_LOG_QUIET 60 /* seconds */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool failing; /* read without the lock on every successful write */
static bool full, logged;   /* the occurrence's kind; whether its start was logged */
static int last_rc;
static unsigned long n_failed; /* writes refused in this occurrence */
static time_t started, last_logged;

static time_t
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

void
disk_write_failed(int rc, const char *what, const char *detail)
{
    time_t now = now_s();
    bool new_kind;

    pthread_mutex_lock(&lock);
    new_kind = !atomic_load(&failing) || rc != last_rc;
    if (!atomic_load(&failing)) {
        atomic_store(&failing, true);
        started = now;
        n_failed = 0;
        logged = false;
    }
    n_failed++;
    full = rc == RC_FULL;
    if (new_kind && (rc != last_rc || last_logged == 0 || now - last_logged >= DISK_LOG_QUIET)) {
        if (rc == RC_FULL)
            log_warnx("disk full: cannot %s (%s): writes are refused until space is freed", what,
                      detail);
        else
            log_warnx("disk failing: cannot %s (%s): writes are refused while it lasts", what,
                      detail);
        logged = true;
        last_logged = now;
    }
    last_rc = rc;
    pthread_mutex_unlock(&lock);
}

void
disk_write_ok(void)
{
    if (!atomic_load_explicit(&failing, memory_order_relaxed))
        return;
    pthread_mutex_lock(&lock);
    if (atomic_load(&failing)) {
        atomic_store(&failing, false);
        if (logged)
            log_info("disk: writing again, after %lu refused writes in %lld s (%s)", n_failed,
                     (long long)(now_s() - started), full ? "disk full" : "I/O errors");
        full = false;
    }
    pthread_mutex_unlock(&lock);
}
