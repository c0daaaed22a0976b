/*
 * masto/timeline.h - the page of a timeline a request asks for: max_id,
 * since_id, min_id and limit, as every Mastodon timeline takes them.
 */
#ifndef GZ_MASTO_TIMELINE_H
#define GZ_MASTO_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

#define TIMELINE_LIMIT     20 /* posts of a page by default ... */
#define TIMELINE_LIMIT_MAX 40 /* ... and at most, as Mastodon */

struct timeline_page {
    int64_t max_id;   /* older than; 0: no bound */
    int64_t since_id; /* newer than, newest first */
    int64_t min_id;   /* newer than, the oldest of them first (then shown newest first) */
    int limit;
};

/* Reads the query; false with a 400 in res for an id or limit that is not one. */
bool timeline_page_read(struct request *req, struct response *res, struct timeline_page *page);
/* Keeps of posts (newest first) those newer than since_id/min_id; their number. */
size_t timeline_page_clip(const struct timeline_page *page, struct post *posts, size_t n);
/*
 * Lists the page of q (event, tag, public_only set by the caller) newest
 * first: max_id/since_id as given; min_id walks up from it and reverses.
 */
int timeline_list(struct store *st, struct arena *ar, const struct timeline_page *page,
                  struct post_query *q, struct post **out, size_t *n_out);

#endif
