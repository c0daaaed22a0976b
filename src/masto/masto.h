/*
 * masto/masto.h - the Mastodon client API (issue 6), so that any Mastodon
 * app (Tusky, Ivory, the official app, toot, Mastodon.py scripts) can sign
 * in and post to an event. What the handlers of src/masto/ share: the
 * parameters of a request (JSON, form or query alike, as Mastodon takes
 * them), errors as {"error": …} with Mastodon's codes, who asks (a bearer
 * token, its scopes checked), and the JSON shapes of the Mastodon API
 * reference (Account, Status, Instance …), ids as strings and times with
 * milliseconds.
 */
#ifndef GZ_MASTO_MASTO_H
#define GZ_MASTO_MASTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "api/json_write.h"
#include "http/http.h"
#include "store/store.h"

/* What Mastodon clients are told the server is: they refuse other forms. */
#define MASTO_VERSION_FORMAT "4.0.0 (compatible; gazouillis %s)"

/*
 * The parameters of a request as one JSON object: the JSON body, or the
 * urlencoded or multipart form ("name[]" fields become arrays; a file part
 * is not a parameter), then the query string for what the body lacks.
 * NULL with the answer in res (400 for a malformed body). Caller decrefs.
 */
json_t *masto_params(struct request *req, struct response *res);
/* A string parameter, or NULL; a number is taken as its decimal string. */
const char *masto_string(json_t *params, const char *name);
/* A boolean parameter ("true", "1", true) or def. */
bool masto_bool(json_t *params, const char *name, bool def);

/* {"error": message} with status; Mastodon's error shape. Returns 0 or -1. */
int masto_error(struct response *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * A write the store refused with rc: a full disk (507) or a failing one (503,
 * Retry-After) says so and that nothing was saved; anything else is a 500
 * saying what (a static message).
 */
int masto_store_error(struct response *res, int rc, const char *what);
/*
 * The end of every lookup of a thing an id names: true for RC_OK; false
 * with Mastodon's 404 "Record not found" for RC_NOTFOUND (which a caller
 * also uses for what the asker may not see), or a 500 saying the data
 * could not be read.
 */
bool masto_found(struct response *res, int rc);
/* JSON answer with status, taking j; Cache-Control: no-store for private ones. */
int masto_json(struct response *res, int status, json_t *j);

/* Who asks: an account's token, or an app's (client_credentials), with its scopes. */
struct masto_auth {
    bool has_account;
    struct account acc;
    const char *scopes;
    int64_t app_id;
    const char *app_name, *app_website; /* NULL when the token has no app */
};

/*
 * Reads the bearer token. needed: the scope the endpoint needs ("read:statuses",
 * "write:media"…; NULL: none). user: an account's token is required (an app
 * token is refused with 422, as Mastodon does). optional: no token is fine
 * (*a has_account false, scopes NULL). False with the answer in res: 401 for
 * no or a bad token, 403 for a missing scope.
 */
bool masto_authorize(struct request *req, struct response *res, struct store *st,
                     const char *needed, bool user, bool optional, struct masto_auth *a);
/* The same with the Authorization value given (a WebSocket's token comes in its URL). */
bool masto_authorize_as(struct request *req, struct response *res, struct store *st,
                        const char *authorization, const char *needed, bool user, bool optional,
                        struct masto_auth *a);

/*
 * The API's rate limit (masto/ratelimit.c): MASTO_RATE_LIMIT requests per 5
 * minutes per token (per address without one). Sets the X-RateLimit-*
 * headers; false with a 429 (and Retry-After) in res past the limit.
 */
#define MASTO_RATE_LIMIT 300
bool masto_rate_check(struct request *req, struct response *res, const char *authorization);
void masto_rate_set_limit(unsigned per_window); /* for tests and small servers */

/*
 * The accounts tokens speak for, kept a few seconds (masto/tokens.c):
 * cached gives the account and scopes of a token hash (strings in ar);
 * keep remembers them (accounts_generation: cache_accounts_generation()
 * read before the account was); forget drops a revoked token at once.
 */
bool masto_token_cached(struct arena *ar, const unsigned char hash[32], struct account *acc,
                        const char **scopes);
void masto_token_keep(const unsigned char hash[32], const struct account *acc, const char *scopes,
                      uint64_t accounts_generation);
void masto_token_forget(const unsigned char hash[32]);

/*
 * A time a client gives (scheduled_at): an ISO 8601 date-time with a Z or
 * an offset, seconds since the epoch in *out; false for what is not one, an
 * impossible date (February 30, month 13) included.
 */
bool masto_client_time(const char *s, time_t *out);
/* A time as the store writes it ("2014-11-20T19:05:00Z"), in ar; NULL when out of memory. */
const char *masto_store_time(struct arena *ar, time_t t);
/* "2014-11-20T19:05:00.000Z" from a store time ("…Z" or with an offset). */
const char *masto_time(struct arena *ar, const char *iso);
/* The public URL of the server, without a trailing slash. */
const char *masto_base(struct request *req);

/* ---- entities (masto/entities.c) ---- */

/*
 * The entities are written straight as JSON text (api/json_write.h): a
 * status is rendered for every post made and every timeline page read.
 * The json_t forms parse that text back, for the few answers that compose
 * entities into larger trees (notifications, search, reblogs).
 */
/* An Account; statuses_count from the store. */
void masto_account_write(struct json_writer *w, struct request *req, struct store *st,
                         const struct account *a);
json_t *masto_account(struct request *req, struct store *st, const struct account *a);
/*
 * A Status of post p. viewer: the account asking (0: nobody), for
 * favourited/reblogged. NULL when out of memory.
 */
json_t *masto_status(struct request *req, struct store *st, const struct post *p, int64_t viewer);
/* What the caller knows already of a status, to spare the store a few reads. */
struct status_known {
    const struct account *author; /* the post's account, or NULL */
    const struct event *event;    /* the post's event, or NULL */
    bool fresh;                   /* just posted: no replies, reblogs or favourites yet */
    bool has_media;               /* fresh, with media attached */
    /* the author's statuses_count and last_status_at, read where the post was stored */
    bool author_counted;
    int64_t author_posts;
    const char *author_last_at;
};
/* The status into w (k may be NULL). */
void masto_status_write(struct json_writer *w, struct request *req, struct store *st,
                        const struct post *p, int64_t viewer, const struct status_known *k);
/* The status as a 200 answer (k may be NULL); 0, a 500 when out of memory. */
int masto_status_answer(struct request *req, struct response *res, struct store *st,
                        const struct post *p, int64_t viewer, const struct status_known *k);
/*
 * The accounts of this server that post p mentions ("@name", each once, in
 * text order), in *out (allocated in ar); their number. Apps open an
 * account in the app when a link of the content has its url, and start a
 * reply with them; each is notified. A name no account has, a disabled
 * account, and accounts of other servers (no federation yet) are left out.
 */
size_t masto_mentioned(struct arena *ar, struct store *st, const struct post *p,
                       struct account **out);
/* A Notification: n, by who, of post p, seen by viewer (the notified account). */
json_t *masto_notification(struct request *req, struct store *st, const struct notification *n,
                           const struct account *who, const struct post *p, int64_t viewer);
/*
 * The notifications of new post p (the seq of its change): a mention to
 * each account of this server it names, a reply to the author of the post
 * it answers, on their streams (masto/notify.c). req: one for rendering.
 */
void masto_notify_post(struct request *req, struct store *st, int64_t seq, const struct post *p);
/* The favourite (or reblog) account gave p, to its author's streams. */
void masto_notify_mark(struct request *req, struct store *st, bool reblog, int64_t account,
                       const struct post *p);
/* The same for a favourite: the publisher's favourite_listener. */
void masto_notify_favourite(struct request *req, struct store *st, int64_t account,
                            const struct post *p);
/* A MediaAttachment. */
json_t *masto_media_json(struct request *req, const struct media *m);
/* The statuses of posts (in order) as an array. */
json_t *masto_statuses(struct request *req, struct store *st, const struct post *posts, size_t n,
                       int64_t viewer);
/* The same array as a 200 answer; 0, a 500 when out of memory. */
int masto_statuses_answer(struct request *req, struct response *res, struct store *st,
                          const struct post *posts, size_t n, int64_t viewer);

/*
 * Link: <…?max_id=X>; rel="next", <…?min_id=Y>; rel="prev" for a page of
 * posts (newest first) of path; nothing for an empty page. Returns 0 or -1.
 */
int masto_link_header(struct request *req, struct response *res, const char *path,
                      const struct post *posts, size_t n);

/* ---- streaming (masto/streaming.c) ---- */

struct app;
/* Renders the changes for the Mastodon streams too; before publisher_start(). */
void masto_streaming_init(const struct app *app);
/* The thread that posts scheduled statuses when due (masto/scheduled.c). */
int masto_scheduler_start(const struct app *app);
void masto_scheduler_stop(void);

/* ---- the route table (masto/routes.c) ---- */

extern const struct route masto_routes[];
extern const size_t masto_n_routes;

#endif
