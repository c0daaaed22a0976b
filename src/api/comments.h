/*
 * api/comments.h - the rules of readers' comments on a recap, shared by the
 * JSON API (api/comment_handlers.c) and the pages (web/comments.c): who may
 * comment, what a comment may hold, when it waits for an editor, how often
 * one may write, who may change or remove it, and how it looks as JSON.
 */
#ifndef GZ_API_COMMENTS_H
#define GZ_API_COMMENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "http/http.h"
#include "store/store.h"

#define COMMENT_MAX_CHARS    5000 /* characters of a body */
#define COMMENT_NAME_MAX     64   /* characters of a guest's name */
#define COMMENT_EMAIL_MAX    254
#define COMMENT_GUEST_LINKS  2   /* more links in a guest's comment: it waits for approval */
#define COMMENT_EDIT_SECONDS 900 /* an author changes or removes a comment for 15 minutes */
#define COMMENT_NEST_DEPTH   3   /* levels of replies shown nested; deeper ones flat */
#define COMMENT_WINDOW       600 /* seconds of the rate limits' window */
#define COMMENT_PER_ADDRESS  30  /* comments per window from one address (a venue shares one) */
#define COMMENT_PER_ACCOUNT  10  /* ... and from one account */
#define COMMENT_GUEST_COOKIE "gz_guest"

/* The rate limits (comments per COMMENT_WINDOW), before the first comment; 0 keeps the default. */
void comments_set_limits(unsigned per_address, unsigned per_account);

/* Why a comment was refused; each has its status and message (comment_error_*). */
enum comment_error {
    CE_NONE,
    CE_CLOSED,        /* 403: the event takes no comments */
    CE_ENDED,         /* 403: its comment window has ended */
    CE_MEMBERS_ONLY,  /* 401: members only, nobody signed in */
    CE_BANNED,        /* 403 */
    CE_RATE,          /* 429, with retry_after */
    CE_HONEYPOT,      /* 422: the hidden field was filled */
    CE_EMPTY,         /* 422 */
    CE_TOO_LONG,      /* 422, with chars */
    CE_BAD_TEXT,      /* 422: not UTF-8, or a control character */
    CE_NAME_MISSING,  /* 422 */
    CE_NAME_TOO_LONG, /* 422 */
    CE_EMAIL_BAD,     /* 422 */
    CE_PARENT,        /* 422: no such comment to reply to */
    CE_NOT_AUTHOR,    /* 403: changing another's comment */
    CE_TOO_LATE,      /* 403: past the 15 minutes */
    CE_NOT_FOUND,     /* 404 */
    CE_STORE,         /* the store failed: rc */
};

struct comment_refusal {
    enum comment_error error;
    unsigned retry_after; /* CE_RATE: seconds */
    size_t chars;         /* CE_TOO_LONG: the body's characters */
    int rc;               /* CE_STORE */
};

/* The HTTP status of a refusal, and its message in English (the API's). */
int comment_error_status(const struct comment_refusal *why);
const char *comment_error_text(const struct comment_refusal *why, char *buf, size_t size);
/* Answers a refusal as the API does: {"error": …} with its status (and Retry-After). */
int comment_error_answer(struct request *req, struct response *res,
                         const struct comment_refusal *why);

/* Who writes: a member (acc), or a guest (name, email). */
struct comment_author {
    const struct account *acc; /* NULL: a guest */
    const char *name;          /* a guest's, required */
    const char *email;         /* a guest's, optional: only its hash is kept */
    const char *honeypot;      /* the hidden field, must be empty */
    const char *address;       /* the client address */
    const char *guest_cookie;  /* the gz_guest cookie, for changing the comment later; or NULL */
};

/*
 * Why the event takes no comment now from that kind of author (acc NULL:
 * a guest), or CE_NONE. Closed, ended, members only.
 */
enum comment_error comment_open_to(const struct event *e, const struct account *acc, time_t now);

/*
 * Checks a new comment (or reply, parent_id != 0) against every rule and
 * stores it: approved, or pending when it waits for an editor (a guest not
 * known yet, or with too many links). True with the stored comment in
 * *out (strings in ar); false with the reason in *why, nothing stored.
 */
bool comment_create(struct store *st, struct arena *ar, const struct event *e,
                    const struct comment_author *author, const char *body, int64_t parent_id,
                    struct comment *out, struct comment_refusal *why);

/*
 * Whether this author may still change comment c (theirs, within
 * COMMENT_EDIT_SECONDS): acc the signed-in account or NULL, guest_cookie the
 * browser's gz_guest cookie or NULL. CE_NONE, CE_NOT_AUTHOR or CE_TOO_LATE.
 */
enum comment_error comment_may_change(const struct comment *c, const struct account *acc,
                                      const char *guest_cookie, time_t now);
/* Replaces the body of c (checked as a new one's); false with *why. */
bool comment_edit(struct store *st, struct arena *ar, struct comment *c, const char *body,
                  struct comment_refusal *why);

/*
 * Bans the author of c from commenting on e: what is "address" (the
 * address c came from) or "account" (c's account), and marks c as spam; in
 * one transaction. RC_INVALID for another what, RC_NOTFOUND when c has no
 * such thing (a guest has no account; an imported comment no address).
 */
int comment_ban(struct store *st, const struct event *e, const struct comment *c, const char *what);

/* Seconds since the UTC row time "YYYY-MM-DDTHH:MM:SSZ" (or any ISO 8601 date-time). */
bool comment_time(const char *iso, time_t *out);

/* The keyed hash of a client address, for bans (false when the store fails). */
bool comment_address_hash(struct store *st, const char *address,
                          unsigned char out[STORE_ADDRESS_HASH]);

/*
 * What readers see of an event's comments (v, in id order, as
 * store_comment_list gives them): the approved ones, and the others that
 * have an approved reply below them, as placeholders, so threads stay
 * whole. Filters v in place and returns how many are kept.
 */
size_t comments_visible(struct comment *v, size_t n);

/*
 * A comment as the API shows it. A deleted, pending or spam one shown in a
 * thread says only its id, parent, state and time. liked: the asker's like.
 */
json_t *comment_json(const struct comment *c, const char *slug, bool liked, bool full);

#endif
