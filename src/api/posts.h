/*
 * api/posts.h - posts of an event: what the events API borrows from
 * api/posts.c (importing a document's posts, listing them all).
 */
#ifndef GZ_API_POSTS_H
#define GZ_API_POSTS_H

#include "api/api.h"

/* Every visible post of the event, oldest first, in ar. */
int posts_all(struct store *st, struct arena *ar, int64_t event_id, struct post **out,
              size_t *n_out);

/*
 * Stores the posts of an event document as they are (ids, times, authors,
 * texts: a record of what was said, so over-long posts are kept). Authors
 * unknown here get an account without password. False with res filled on
 * the first bad post.
 */
bool posts_import(struct arena *ar, struct response *res, struct store *st, const struct event *e,
                  json_t *posts);

#endif
