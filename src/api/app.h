/*
 * api/app.h - what every handler of the server shares: where the data
 * lives, the public URL, and one store connection per worker thread.
 */
#ifndef GZ_API_APP_H
#define GZ_API_APP_H

#include <stdbool.h>

#include "http/http.h"
#include "store/store.h"

struct app {
    const char *data_dir;
    const char *public_url; /* "http://127.0.0.1:8080", no trailing slash */
    bool secure_cookies;    /* the public URL is https */
};

/*
 * The store connection of the calling thread, opened on first use and
 * closed when the thread ends. NULL (logged) when it cannot be opened.
 */
struct store *app_store(const struct app *app);
/* Closes the calling thread's connection now, if it has one. */
void app_store_close_thread(void);

/* The search indexer thread (api/indexer.c): start after the store is
 * open, stop before the final checkpoint. indexer_start returns 0 or -1. */
int indexer_start(const struct app *app);
void indexer_stop(void);

/*
 * The writer thread (api/writer.c): group commit of the requests that write
 * posts. A handler ends with `return writer_defer(req, res, fn);` and fn
 * does the work, on the writer's thread and store, inside a transaction
 * shared with other requests: it reads and writes through st only, answers
 * in res as a handler does, and an error status undoes its writes. Without
 * a writer thread (tests calling handlers) fn runs at once on this thread.
 * writer_start returns 0 or -1; writer_stop waits for every request taken.
 */
typedef int (*writer_fn)(struct store *st, struct request *req, struct response *res);
int writer_start(const struct app *app);
void writer_stop(void);
int writer_defer(struct request *req, struct response *res, writer_fn fn);
/* Batches the writer ran (one transaction each, unless one failed) and requests in them. */
void writer_counts(unsigned long long *transactions, unsigned long long *requests);

/* The route table of the server (api/routes.c). */
extern const struct route app_routes[];
extern const size_t app_n_routes;

#endif
