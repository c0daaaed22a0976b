/*
 * api/api.h - what the JSON handlers share: reading a JSON body with a
 * message a client can act on, writing JSON, knowing who asks and what
 * they may change, and the event document (DESIGN.md) in both directions.
 */
#ifndef GZ_API_API_H
#define GZ_API_API_H

#include <jansson.h>
#include <stdbool.h>

#include "api/app.h"
#include "http/http.h"
#include "store/store.h"

/* Answers status with j as the body; takes the reference. Returns 0 or -1. */
int api_json(struct response *res, int status, json_t *j);

/*
 * The request body as a JSON object. On failure (not JSON, not UTF-8, not an
 * object) res holds the 400 and NULL is returned. The caller decrefs.
 */
json_t *api_body_object(struct request *req, struct response *res);

/*
 * The signed-in account ("Authorization: Bearer …"). On failure res holds a
 * 401 (or 500) and false is returned.
 */
bool api_account(struct request *req, struct response *res, struct store *st, struct account *out);

/* May acc change event e (admins, and the event's editors)? */
bool api_may_edit(struct store *st, const struct account *acc, const struct event *e);

/*
 * Answers req with the live stream of topic (api/stream.c): replays from
 * the store the changes after the client's Last-Event-ID (or ?since=)
 * that belong to topic - event_id, when the topic is one event's, lets the
 * replay read that event's changes only - then follows what is published.
 * The caller has checked that req may read topic.
 */
int api_stream_open(struct request *req, struct response *res, const char *topic, int64_t event_id);

/* The event and post documents (api/document.c). */

/*
 * Reads an event document into *e (strings point into doc or ar). partial:
 * fields absent from doc keep the values *e holds (PATCH). Posts and
 * comments are not read here. Returns true, or false with a 422 in res
 * naming the field.
 */
bool document_read_event(json_t *doc, struct arena *ar, bool partial, struct event *e,
                         struct response *res);
/* The event document of e, with these posts (oldest first) and comments (in id order); may be NULL.
 */
json_t *document_event(const struct event *e, const struct post *posts, size_t n_posts,
                       const struct comment *comments, size_t n_comments);
/* One post as the API shows it. */
json_t *document_post(const struct post *p);

/*
 * Creates the event of a document (with its posts, if any) for creator, who
 * becomes its first editor: all or nothing. False with res holding the
 * error (status and {"error": …}). Shared by POST /api/v1/events and
 * "gazouillis import".
 */
bool event_create(struct store *st, struct arena *ar, json_t *doc, const struct account *creator,
                  struct event *e, struct response *res);
/* The document of e with all its visible posts; NULL with *rc on failure. */
json_t *event_document_all(struct store *st, struct arena *ar, const struct event *e, int *rc);

/* The comments of the document (api/comment_document.c). */

/* What readers see of an event's comments, in id order (comments_visible). */
int comments_all(struct store *st, struct arena *ar, int64_t event_id, struct comment **out,
                 size_t *n_out);
/* One comment as the event document has it. */
json_t *document_comment(const struct comment *c);
/* Adds the document's comments to event e (inside the caller's transaction); false with res. */
bool comments_import(struct arena *ar, struct response *res, struct store *st,
                     const struct event *e, json_t *comments);

/* Decimal string of an id (ids travel as strings in JSON, as in Mastodon). */
json_t *document_id(int64_t id);
/* Parses a decimal id string; false when it is not one. */
bool document_parse_id(const char *s, int64_t *out);

#endif
