/*
 * api/health.c - /healthz for load balancers and supervisors (the store
 * answers a query), /metrics for Prometheus: the HTTP counters of the
 * server, how many posts there are, and where the memory goes (the heap in
 * use, SQLite's part of it: what tells a leak from caches filling up).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "api/publisher.h"
#include "core/rc.h"
#include "live/live.h"

/* GET /healthz */
int
api_healthz(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    int64_t n;

    if (st == NULL || store_post_count(st, &n) != RC_OK)
        return response_error(res, 503, "the store does not answer");
    return response_body(res, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

#define POSTS_METRIC                                                                               \
    "# HELP gazouillis_posts Posts stored.\n"                                                      \
    "# TYPE gazouillis_posts gauge\n"                                                              \
    "gazouillis_posts %lld\n"                                                                      \
    "# HELP gazouillis_writer_transactions_total Group commits of the writer thread.\n"            \
    "# TYPE gazouillis_writer_transactions_total counter\n"                                        \
    "gazouillis_writer_transactions_total %llu\n"                                                  \
    "# HELP gazouillis_writer_requests_total Requests written by the writer thread.\n"             \
    "# TYPE gazouillis_writer_requests_total counter\n"                                            \
    "gazouillis_writer_requests_total %llu\n"                                                      \
    "# HELP gazouillis_http_streams_open Live streams (server-sent events) open now.\n"            \
    "# TYPE gazouillis_http_streams_open gauge\n"                                                  \
    "gazouillis_http_streams_open %zu\n"                                                           \
    "# HELP gazouillis_live_changes_total Changes published to the live streams: rendered "        \
    "for open streams, or for nobody (no stream on their topics: only marked published).\n"        \
    "# TYPE gazouillis_live_changes_total counter\n"                                               \
    "gazouillis_live_changes_total{to=\"streams\"} %llu\n"                                         \
    "gazouillis_live_changes_total{to=\"nobody\"} %llu\n"                                          \
    "# HELP gazouillis_heap_bytes Bytes allocated with malloc and not freed.\n"                    \
    "# TYPE gazouillis_heap_bytes gauge\n"                                                         \
    "gazouillis_heap_bytes %llu\n"                                                                 \
    "# HELP gazouillis_sqlite_memory_bytes Bytes SQLite holds (page caches included).\n"           \
    "# TYPE gazouillis_sqlite_memory_bytes gauge\n"                                                \
    "gazouillis_sqlite_memory_bytes %lld\n"

/* GET /metrics */
int
api_metrics(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    char *text = NULL, *all;
    size_t len = 0;
    int64_t posts = -1;
    unsigned long long batches, written, rendered, unheard;
    int n;

    if (http_metrics_write(req->server, &text, &len) != 0)
        return -1;
    if (st != NULL && store_post_count(st, &posts) != RC_OK)
        posts = -1;
    size_t streams = live_stream_count(); /* read once: both calls below must agree */

    struct mallinfo2 mi = mallinfo2(); /* every arena: small and mmapped blocks in use */
    unsigned long long heap = (unsigned long long)(mi.uordblks + mi.hblkhd);
    long long sqlite = (long long)store_memory_used();

    writer_counts(&batches, &written);
    publisher_counts(&rendered, &unheard);
    n = snprintf(NULL, 0, POSTS_METRIC, (long long)posts, batches, written, streams, rendered,
                 unheard, heap, sqlite);
    if (n < 0 || (all = malloc(len + (size_t)n + 1)) == NULL) {
        free(text);
        return -1;
    }
    memcpy(all, text, len);
    snprintf(all + len, (size_t)n + 1, POSTS_METRIC, (long long)posts, batches, written, streams,
             rendered, unheard, heap, sqlite);
    free(text);
    n += (int)len;
    return response_body_take(res, 200, "text/plain; version=0.0.4; charset=utf-8", all, (size_t)n);
}
