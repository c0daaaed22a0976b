/*
 * store/store.h - the domain operations on stored data. sqlite.c implements
 * them on SQLite (WAL, foreign keys, a versioned schema); nothing above this
 * header sees SQL. A struct store is one connection: use it from one thread
 * at a time (the server keeps one per worker thread).
 *
 * Strings read back are allocated in the caller's arena (NULL columns stay
 * NULL); strings passed in are only borrowed for the call. Functions return
 * an rc of core/rc.h; on failure nothing is written (each write is one
 * transaction) and store_errmsg() says what SQLite said. RC_CONFLICT: a
 * unique value (id, username, slug, token) is taken; RC_NOTFOUND: no such
 * row, or the event or account a write points to does not exist;
 * RC_INVALID: a value outside its set (role, state, kind, aliases not a JSON
 * array) or a required one missing; RC_FULL: disk full (SQLITE_FULL, or an
 * I/O error of errno ENOSPC); RC_AGAIN: another I/O error, or a lock
 * held past the busy timeout (worth trying again); RC_IO: the rest
 * (logged; a full or failing disk once per occurrence, core/disk.h).
 * Every id_out may be NULL.
 *
 * Times are ISO 8601 strings as the API gives them ("2014-11-20T18:00:00-05:00"),
 * stored as given so an event document round-trips byte for byte; row
 * timestamps (created_at of posts, accounts) are UTC "YYYY-MM-DDTHH:MM:SSZ".
 * IDs are 64-bit, time-sortable: milliseconds since 1970 << 16 | a sequence.
 */
#ifndef GZ_STORE_H
#define GZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/arena.h"

struct store;

#define STORE_SCHEMA_VERSION 11

/*
 * Opens (creating if needed) DIR and DIR/gazouillis.db, sets WAL, foreign
 * keys and a busy timeout, and applies the schema in one transaction. A
 * database whose schema is newer than STORE_SCHEMA_VERSION is refused with
 * RC_INVALID; store_open_error() then says why, in words for the operator.
 * The store holds a shared lock on DIR/gazouillis.lock until it is closed,
 * so that store_restore() never replaces a database in use; while a
 * restore runs, store_open() is refused with RC_CONFLICT.
 */
int store_open(const char *dir, struct store **out);
/*
 * How commits reach the disk, for every connection opened after the call
 * (process-wide; serve sets it before opening any). NORMAL, the default:
 * WAL with synchronous=NORMAL, the WAL synced only at checkpoints - a
 * commit survives the process being killed, but a power loss or a kernel
 * crash may take the last commits back (never corrupting the database).
 * FULL: synchronous=FULL, the WAL synced at every commit - a commit also
 * survives a power loss, at the price of one fsync per transaction.
 */
enum store_sync {
    STORE_SYNC_NORMAL,
    STORE_SYNC_FULL,
};
void store_set_sync(enum store_sync sync);
enum store_sync store_get_sync(void);
/* Why the last store_open() of this thread failed; a thread-local buffer, "" after success. */
const char *store_open_error(void);
void store_close(struct store *st); /* accepts NULL */
const char *store_errmsg(struct store *st);
int store_checkpoint(struct store *st); /* WAL checkpoint (TRUNCATE), at shutdown */
/*
 * Checkpoints off the request path. By default a connection whose commit
 * takes the WAL past STORE_CHECKPOINT_PAGES copies it back into the
 * database itself, as SQLite does, which stalls that commit for a copy and
 * two fdatasync calls. After store_checkpoint_elsewhere(notify) (NULL
 * goes back to the default; any thread, any time), such a commit only calls
 * notify() (which must be quick: it is called after each commit until the
 * WAL is reset), and whoever it wakes runs store_checkpoint_passive() on a
 * connection of its own; writers go on meanwhile.
 */
#define STORE_CHECKPOINT_PAGES 1000
void store_checkpoint_elsewhere(void (*notify)(void));
/*
 * notify() is called after every commit of every connection of this
 * process (NULL: nothing is), on the committing thread: quick, like the
 * above. The live publisher wakes on it to read the change log.
 */
void store_commit_notify(void (*notify)(void));
int store_checkpoint_passive(struct store *st);
int64_t store_new_id(void); /* a fresh time-sortable id, thread-safe */
/* Now as the store writes its times ("2026-11-26T17:45:50Z"), in buf; returns buf. */
#define STORE_TIME_SIZE 21
const char *store_time_now(char buf[STORE_TIME_SIZE]);

/*
 * Several writes as one: after store_begin(), every write joins one
 * transaction that store_commit() makes durable and store_rollback()
 * undoes. A write that fails returns its rc as usual, and the caller
 * decides; one that failed half-way (some of its rows written) makes
 * store_commit() roll everything back and answer RC_IO.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/*
 * A part of an open transaction that fails alone (api/writer.c runs each
 * request of a group commit in one): after store_savepoint(),
 * store_savepoint_end(st, keep) keeps what was written since, when keep is
 * true and no write in it failed, or else undoes it; the transaction goes
 * on either way. One at a time. RC_INVALID outside a transaction; RC_FULL,
 * RC_AGAIN, RC_NOMEM or RC_IO (a message in store_errmsg) when the transaction itself
 * was lost (SQLite rolls back on a full disk): it is then over.
 */
int store_savepoint(struct store *st);
int store_savepoint_end(struct store *st, bool keep);

/* ---- accounts ---- */

struct account {
    int64_t id;
    const char *username;      /* [a-z0-9_]{1,30}, unique */
    const char *display_name;  /* may be "" */
    const char *note;          /* plain text, may be "" (NULL when not read) */
    const char *role;          /* "admin" | "editor" | "member" */
    const char *password_hash; /* argon2id string, or "" for none */
    const char *created_at;
    bool disabled;
};

/*
 * a->id is used when non-zero, else a new id. NULL display_name and
 * password_hash are stored as "", a NULL role as "member", a NULL
 * created_at as now.
 */
int store_account_add(struct store *st, const struct account *a,
                      int64_t *id_out); /* RC_CONFLICT: taken */
int store_account_by_name(struct store *st, struct arena *ar, const char *username,
                          struct account *out);
int store_account_by_id(struct store *st, struct arena *ar, int64_t id, struct account *out);
int store_account_count(struct store *st, int64_t *n_out);
int store_account_set_password(struct store *st, int64_t id, const char *password_hash);
/* Sets the name shown and the note of account id (auth/accounts.c checks them). RC_NOTFOUND: none.
 */
int store_account_set_profile(struct store *st, int64_t id, const char *display_name,
                              const char *note);

/* ---- API tokens (the secret is never stored: its SHA-256) ---- */

int store_token_add(struct store *st, int64_t account_id, const unsigned char hash[32],
                    const char *scopes, int64_t *id_out);
/*
 * The account owning the token with that hash, and the token's scopes
 * (NULL scopes are stored as "read"). RC_NOTFOUND for an unknown hash and
 * for a disabled account's token.
 */
int store_token_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                     struct account *out, const char **scopes_out);

/* ---- sign-in sessions (the cookie's secret is never stored: its SHA-256) ---- */

/*
 * Adds a session of the account until expires_at, with its CSRF token
 * (stored as given: it is no credential alone). Expired sessions of every
 * account are removed on the way. RC_CONFLICT: the hash is taken;
 * RC_NOTFOUND: no such account.
 */
int store_session_add(struct store *st, int64_t account_id, const unsigned char hash[32],
                      const char *csrf, time_t expires_at);
/*
 * The account of the live session with that hash and the session's CSRF
 * token (csrf_out may be NULL). RC_NOTFOUND for an unknown hash, an expired
 * session and a disabled account's session.
 */
int store_session_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                       struct account *out, const char **csrf_out);
/* Ends the session with that hash; RC_NOTFOUND when there is none. */
int store_session_delete(struct store *st, const unsigned char hash[32]);

/* ---- events ---- */

struct person {
    const char *name;
    const char *affiliation;  /* "" when none */
    const char *role;         /* panelist | moderator | speaker | host | organizer */
    const char *aliases_json; /* a JSON array of strings, "[]" when none */
    const char *url;          /* NULL when none */
};

struct org {
    const char *kind; /* organizer | sponsor | supplier | partner */
    const char *name;
    const char *url; /* NULL when none */
};

struct event {
    int64_t id;
    const char *slug; /* [a-z0-9-]{1,64}, unique */
    const char *title;
    const char *hashtag;                                                /* without '#' */
    const char *lang;                                                   /* "fr", "en" */
    int char_limit;                                                     /* 140 by default */
    const char *starts_at, *ends_at, *timezone, *series;                /* NULL when none */
    const char *venue_name, *venue_address, *venue_url;                 /* NULL when none */
    int64_t attendance;                                                 /* -1 when none */
    const char *context_md, *disclaimer_md, *conclusion_md, *signature; /* NULL when none */
    const char *state;          /* draft | live | ended | published */
    int64_t created_by;         /* account id */
    bool audience_posts;        /* signed-in members may post while it is live */
    bool moderation;            /* and their posts wait for an editor's approval */
    const char *comments;       /* who comments on the recap: closed | members | guests */
    const char *comments_until; /* ISO 8601: read-only after; NULL: no end */
    struct person *people;      /* in order */
    size_t n_people;
    struct org *orgs; /* in order */
    size_t n_orgs;
};

/*
 * Adds the event with its people and organizations (e->id used when
 * non-zero). char_limit 0 is stored as 140, a NULL state as "draft",
 * created_by 0 as none; a person's NULL affiliation as "", NULL
 * aliases_json as "[]".
 */
int store_event_add(struct store *st, const struct event *e,
                    int64_t *id_out); /* RC_CONFLICT: slug taken */
int store_event_get(struct store *st, struct arena *ar, const char *slug, struct event *out);
int store_event_get_id(struct store *st, struct arena *ar, int64_t id, struct event *out);
/* The event's own fields only: no people (n_people 0), no organizations. */
int store_event_find(struct store *st, struct arena *ar, const char *slug, struct event *out);
int store_event_find_id(struct store *st, struct arena *ar, int64_t id, struct event *out);
/*
 * Replaces every field, the people and the organizations of the event with
 * id e->id (created_by is kept as it was). RC_NOTFOUND when there is none.
 */
int store_event_update(struct store *st, const struct event *e);
int store_event_delete(struct store *st, int64_t id); /* its posts too */
/*
 * All events, latest start first (offsets are honoured, so zones compare
 * right), events without starts_at last; without people and organizations.
 */
int store_event_list(struct store *st, struct arena *ar, struct event **out, size_t *n_out);
int store_editor_add(struct store *st, int64_t event_id,
                     int64_t account_id); /* already an editor: RC_OK */
int store_is_editor(struct store *st, int64_t event_id, int64_t account_id, bool *out);

/* ---- posts ---- */

struct post {
    int64_t id;
    int64_t event_id;
    int64_t account_id;
    const char *author;                 /* username, filled on read */
    const char *text;                   /* NFC */
    const char *html;                   /* autolinked at write time */
    const char *speaker_name;           /* a person of the event, or NULL */
    bool speaker_audience;              /* the floor */
    const char *speaker_label;          /* "Commentaire de l'assemblée", or NULL */
    const char *lang;                   /* NULL: the event's */
    const char *state;                  /* visible | pending | hidden */
    const char *created_at, *edited_at; /* edited_at NULL when never */
    int64_t likes;
    const char *const *tags; /* extracted hashtags, lower case, on write */
    size_t n_tags;
    /* as Mastodon has them (schema 5); event_id 0 is a post of no event */
    const char *visibility;   /* public | unlisted | private | direct; NULL: public */
    int64_t in_reply_to_id;   /* 0: none */
    const char *spoiler_text; /* "" (NULL on write) when none */
    bool sensitive;
};

/*
 * Adds a post and its tags (p->id used when non-zero, else a new id in
 * *id_out). Kept as given, for imports: created_at (NULL: now), edited_at,
 * state (NULL: "visible"), likes. account_id 0 is no author; NULL html is "".
 */
int store_post_add(struct store *st, const struct post *p, int64_t *id_out);
int store_post_get(struct store *st, struct arena *ar, int64_t id, struct post *out);
/* Text, html, speaker and tags of post p->id; sets edited_at to now. */
int store_post_update(struct store *st, const struct post *p);
int store_post_delete(struct store *st, int64_t id); /* with its tags and search entry */

struct post_query {
    int64_t event_id; /* 0: every event */
    const char *tag;  /* lower case, or NULL */
    int64_t max_id;   /* only ids < max_id (0: no bound) */
    int64_t since_id; /* only ids > since_id */
    int limit;        /* 1..200; 0 or less means 20, more means 200 */
    bool oldest_first;
    bool visible_only;
    const char *state;   /* only posts in this state (over visible_only); NULL: any */
    bool public_only;    /* only public posts, of no event or of a public event (not a draft) */
    const char *speaker; /* only the posts of this person of the event; NULL: anyone's */
    bool audience_only;  /* only the floor's posts */
    bool media_only;     /* only the posts with pictures */
};
int store_post_list(struct store *st, struct arena *ar, const struct post_query *q,
                    struct post **out, size_t *n_out);
/*
 * Indexes for search the posts stored since the last call, in one
 * transaction (the server calls it a few times a second; searches call it
 * first, so a search always sees every post, except on a full or failing
 * disk, where it searches what was indexed). Returns 0 or an rc.
 */
int store_fts_index_pending(struct store *st);
/*
 * Full-text search of visible posts (FTS5, diacritics removed: "cooperer"
 * finds "Coopérer"), newest first. Each blank-separated word of query
 * is a prefix and all must match; FTS5 syntax in query is plain text. A
 * query without words finds nothing. limit as in struct post_query.
 */
int store_post_search(struct store *st, struct arena *ar, const char *query, int limit,
                      struct post **out, size_t *n_out);
int store_post_count(struct store *st, int64_t *n_out);
/* Bytes SQLite holds now, in every connection (page caches, statements, schema). */
int64_t store_memory_used(void);
/* Moderation: "visible", "pending" or "hidden" (RC_INVALID otherwise, RC_NOTFOUND). */
int store_post_set_state(struct store *st, int64_t id, const char *state);

/* ---- the change log of the live streams (schema 3, see schema.c) ---- */

struct post_change {
    int64_t seq; /* increasing; the id: of a server-sent event */
    int64_t post_id, event_id;
    const char *kind; /* post | update | delete | pending | moderated */
    const char *tags; /* a deleted post's tags, space-separated; NULL otherwise */
};

struct change_query {
    int64_t after;    /* seq > after */
    int64_t upto;     /* seq <= upto; 0: no bound */
    int64_t event_id; /* 0: every event */
    int limit;        /* at most; 0: 100 */
};

/* The changes of q in seq order, in the arena. */
int store_changes(struct store *st, struct arena *ar, const struct change_query *q,
                  struct post_change **out, size_t *n_out);
/* The last seq written, 0 when none. */
int store_changes_last(struct store *st, int64_t *seq_out);
/*
 * The visible posts written by one account, in every event, newest first,
 * ids < max_id (0: no bound); for the profile page. limit as in struct
 * post_query. An unknown account has no posts (RC_OK, *n_out 0).
 */
int store_post_list_by_account(struct store *st, struct arena *ar, int64_t account_id,
                               int64_t max_id, int limit, struct post **out, size_t *n_out);
/*
 * The visible posts an account favourited (or, with bookmarks, bookmarked),
 * by post id from newest, ids < max_id (0: no bound) and > min_id. limit
 * as in struct post_query.
 */
int store_post_list_favourited(struct store *st, struct arena *ar, int64_t account_id,
                               bool bookmarks, int64_t max_id, int64_t min_id, int limit,
                               struct post **out, size_t *n_out);

/* ---- readers' comments on the recap, likes, bans (store/comments.c) ---- */

#define STORE_ADDRESS_HASH 16 /* bytes of a client address's keyed hash */

struct comment {
    int64_t id;
    int64_t event_id;
    int64_t parent_id;            /* 0: a comment on the recap itself */
    int64_t account_id;           /* 0: a guest's (or its account was removed) */
    const char *author;           /* the account's username, or the guest's name */
    const char *display_name;     /* the account's display name; NULL for a guest */
    const char *guest_email_hash; /* SHA-256 of the email, 64 hex digits, or NULL */
    bool has_guest_key;           /* guest_key holds the SHA-256 of the guest's cookie */
    unsigned char guest_key[32];
    bool has_address; /* address holds the keyed hash of the client address */
    unsigned char address[STORE_ADDRESS_HASH];
    const char *body;                   /* plain text as written; "" once deleted */
    const char *html;                   /* rendered at write time (text_comment_html) */
    const char *state;                  /* pending | approved | spam | deleted */
    const char *created_at, *edited_at; /* edited_at NULL when never */
    int64_t likes;
};

/*
 * Adds a comment (c->id used when non-zero). Kept as given, for imports:
 * created_at (NULL: now), edited_at, state (NULL: "approved"), likes.
 * RC_NOTFOUND: no such event, account or parent; RC_INVALID: a parent of
 * another event, a bad state, neither account nor guest name.
 */
int store_comment_add(struct store *st, const struct comment *c, int64_t *id_out);
int store_comment_get(struct store *st, struct arena *ar, int64_t id, struct comment *out);
/*
 * The comments of an event in id (time) order, at most limit (1..5000; 0
 * or less means 5000), only those in state when it is not NULL.
 */
#define STORE_MAX_COMMENTS 5000
int store_comment_list(struct store *st, struct arena *ar, int64_t event_id, const char *state,
                       int limit, struct comment **out, size_t *n_out);
/* New body and html of comment id; sets edited_at to now. */
int store_comment_update(struct store *st, int64_t id, const char *body, const char *html);
/* Moderation; "deleted" also empties the body (the row stays for its replies). */
int store_comment_set_state(struct store *st, int64_t id, const char *state);
/* The approved comments of an event. */
int store_comment_count(struct store *st, int64_t event_id, int64_t *n_out);
/* Whether a guest with that email hash has an approved comment anywhere. */
int store_comment_guest_known(struct store *st, const char *email_hash, bool *out);

/*
 * Likes, one per account: like true adds the account's (already there:
 * nothing happens), false removes it; *likes_out (may be NULL) gets the
 * count after. RC_NOTFOUND: no such comment, post or account.
 */
int store_comment_like(struct store *st, int64_t account_id, int64_t comment_id, bool like,
                       int64_t *likes_out);
int store_post_like(struct store *st, int64_t account_id, int64_t post_id, bool like,
                    int64_t *likes_out);
/* The ids of an event's comments (posts) the account likes, in an arena array. */
int store_comment_liked(struct store *st, struct arena *ar, int64_t account_id, int64_t event_id,
                        int64_t **ids_out, size_t *n_out);
int store_post_liked(struct store *st, struct arena *ar, int64_t account_id, int64_t event_id,
                     int64_t **ids_out, size_t *n_out);

/* The key of the client addresses' hashes, drawn once per database. */
int store_address_key(struct store *st, unsigned char key_out[32]);
/*
 * Bans an account (account_id != 0) or an address hash (address != NULL)
 * from commenting on an event; banned already: RC_OK.
 */
int store_ban_add(struct store *st, int64_t event_id, int64_t account_id,
                  const unsigned char *address);
/* Whether the account (0: none) or the address (NULL: none) is banned from the event. */
int store_banned(struct store *st, int64_t event_id, int64_t account_id,
                 const unsigned char *address, bool *out);

/* ---- OAuth apps, codes and tokens of the Mastodon API (store/oauth.c) ---- */

struct oauth_app {
    int64_t id;
    const char *client_id;         /* public, random */
    unsigned char secret_hash[32]; /* SHA-256 of the client secret */
    const char *name, *website;    /* website NULL when none */
    const char *redirect_uris;     /* newline-separated */
    const char *scopes;            /* normalized, space-separated */
    const char *created_at;
};

struct oauth_code {
    unsigned char hash[32]; /* SHA-256 of the code given to the client */
    int64_t app_id, account_id;
    const char *scopes, *redirect_uri;
    const char *challenge, *challenge_method; /* PKCE; NULL when none */
};

int store_app_add(struct store *st, const struct oauth_app *a, int64_t *id_out);
int store_app_by_client_id(struct store *st, struct arena *ar, const char *client_id,
                           struct oauth_app *out);
int store_app_by_id(struct store *st, struct arena *ar, int64_t id, struct oauth_app *out);
/* A code valid for seconds (expired ones are forgotten on the way). */
int store_code_add(struct store *st, const struct oauth_code *c, int seconds);
/* The live code of that hash, which is forgotten at once (a code is good once). RC_NOTFOUND. */
int store_code_take(struct store *st, struct arena *ar, const unsigned char hash[32],
                    struct oauth_code *out);
/* A token of account_id obtained through app_id (0: none); account_id 0: an app token. */
int store_token_add_app(struct store *st, int64_t account_id, const unsigned char hash[32],
                        const char *scopes, int64_t app_id);
/* The app an account's token came from (app_id 0 and NULL names when none). RC_NOTFOUND. */
int store_token_app(struct store *st, struct arena *ar, const unsigned char hash[32],
                    int64_t *app_id, const char **name, const char **website);
/* An app token (client_credentials): its app and scopes. RC_NOTFOUND. */
int store_app_token_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                         struct oauth_app *app, const char **scopes_out);
/* Forgets the token (an account's or an app's) of that hash, if app_id (0: any) issued it. */
int store_token_revoke(struct store *st, const unsigned char hash[32], int64_t app_id);
/* The post an Idempotency-Key of the account made in the last hour; RC_NOTFOUND. */
int store_idempotency_get(struct store *st, int64_t account_id, const char *key, int64_t *post_id);
int store_idempotency_put(struct store *st, int64_t account_id, const char *key, int64_t post_id);

/* ---- what the Mastodon API asks of posts (store/statuses.c) ---- */

struct post_counts {
    int64_t replies, reblogs;
    bool favourited, reblogged, bookmarked; /* by the viewer */
    bool pinned;                            /* by its author */
};
/* The counts of post_id, and what viewer (0: nobody) did to it. */
int store_post_counts(struct store *st, int64_t post_id, int64_t viewer, struct post_counts *out);
/* Pins (on) or unpins post_id on its author's profile; twice is once. */
int store_pin(struct store *st, int64_t post_id, bool on);
/* The visible posts account_id pinned, the last pinned first, at most limit. */
int store_post_list_pinned(struct store *st, struct arena *ar, int64_t account_id, int limit,
                           struct post **out, size_t *n_out);
/* Bookmarks (on) or unbookmarks post_id for account_id; twice is once. */
int store_bookmark(struct store *st, int64_t account_id, int64_t post_id, bool on);
/* Reblogs (on) or undoes the reblog of post_id by account_id; twice is once. */
int store_reblog(struct store *st, int64_t account_id, int64_t post_id, bool on);
/* Who favourited (or, with reblogs, reblogged) post_id, first first, at most limit (1..80; else
 * 40). */
int store_post_accounts(struct store *st, struct arena *ar, int64_t post_id, bool reblogs,
                        int limit, struct account **out, size_t *n_out);
/* Who favourited post_id, first first, at most limit (1..80; else 40). */
int store_post_favourited_by(struct store *st, struct arena *ar, int64_t post_id, int limit,
                             struct account **out, size_t *n_out);
/* The ids above post_id in its thread (oldest first) and below it (in id order). */
int store_post_thread(struct store *st, struct arena *ar, int64_t post_id, int64_t **ancestors,
                      size_t *n_ancestors, int64_t **descendants, size_t *n_descendants);
/* Accounts whose name or display name starts with prefix, by name, at most limit. */
int store_account_search(struct store *st, struct arena *ar, const char *prefix, int limit,
                         struct account **out, size_t *n_out);
struct tag_count {
    const char *tag;
    int64_t posts;
};
/* Tags (folded) starting with prefix (folded), most used first. */
int store_tag_search(struct store *st, struct arena *ar, const char *prefix, int limit,
                     struct tag_count **out, size_t *n_out);
/* What happened to an account's posts: a reply or mention, a favourite, a reblog. */
struct notification {
    int64_t id;         /* time-sortable */
    const char *type;   /* mention | favourite | reblog */
    int64_t account_id; /* who did it */
    int64_t post_id;    /* the reply or mention; the post favourited or reblogged */
    const char *created_at;
};
/*
 * Newest first, ids < max_id (0: none) and > min_id, at most limit; not
 * those the account cleared or dismissed.
 */
int store_notifications(struct store *st, struct arena *ar, const struct account *acc,
                        int64_t max_id, int64_t min_id, int limit, struct notification **out,
                        size_t *n_out);
/* The account's notification of that id, as listed. RC_NOTFOUND (dismissed ones too). */
int store_notification_get(struct store *st, struct arena *ar, const struct account *acc,
                           int64_t id, struct notification *out);
/* Puts every notification of the account up to up_to (an id) out of its list. */
int store_notifications_clear(struct store *st, int64_t account_id, int64_t up_to);
/* Puts one notification (an id store_notification_get found) out of the account's list. */
int store_notification_dismiss(struct store *st, int64_t account_id, int64_t id);
/* The notification of account's favourite (or reblog) of post, as store_notifications lists
 * it. RC_NOTFOUND. */
int store_mark_notification(struct store *st, struct arena *ar, bool reblog, int64_t account_id,
                            int64_t post_id, struct notification *out);
/* ---- scheduled statuses (store/scheduled.c) ---- */

struct scheduled_status {
    int64_t id, account_id;
    const char *scheduled_at; /* "YYYY-MM-DDTHH:MM:SSZ", UTC */
    const char *params;       /* the status as JSON: text, visibility, in_reply_to_id … */
    const char *created_at;
};
/*
 * Keeps a status to post at scheduled_at (a store time), with the
 * Idempotency-Key it came with (NULL: none); its new id in *id_out.
 * RC_CONFLICT: the account has one with that key already.
 */
int store_scheduled_add(struct store *st, int64_t account_id, const char *scheduled_at,
                        const char *params, const char *key, int64_t *id_out);
/* The account's scheduled status that came with Idempotency-Key key. RC_NOTFOUND. */
int store_scheduled_by_key(struct store *st, struct arena *ar, int64_t account_id, const char *key,
                           struct scheduled_status *out);
/* One of account_id's (0: anyone's). RC_NOTFOUND. */
int store_scheduled_get(struct store *st, struct arena *ar, int64_t account_id, int64_t id,
                        struct scheduled_status *out);
/* The account's, newest first, ids < max_id (0: none) and > min_id, at most limit. */
int store_scheduled_list(struct store *st, struct arena *ar, int64_t account_id, int64_t max_id,
                         int64_t min_id, int limit, struct scheduled_status **out, size_t *n_out);
/* Every account's due at now (a store time) or before, the oldest first, at most limit. */
int store_scheduled_due(struct store *st, struct arena *ar, const char *now, int limit,
                        struct scheduled_status **out, size_t *n_out);
/* A new time for one of account_id's; RC_NOTFOUND. */
int store_scheduled_move(struct store *st, int64_t account_id, int64_t id,
                         const char *scheduled_at);
/* Whether one of account_id's scheduled statuses will post this media (its params' media_ids). */
int store_media_scheduled(struct store *st, int64_t account_id, int64_t media_id, bool *out);
/* How many statuses an account has scheduled (the API keeps it under STORE_SCHEDULED_MAX). */
#define STORE_SCHEDULED_MAX 300 /* as Mastodon */
int store_scheduled_count(struct store *st, int64_t account_id, int64_t *n_out);
/* Cancels (or, once posted, forgets) one of account_id's (0: anyone's); RC_NOTFOUND. */
int store_scheduled_delete(struct store *st, int64_t account_id, int64_t id);

/* Where an account stopped reading a timeline ("home", "notifications"). RC_NOTFOUND. */
struct marker {
    int64_t last_read_id, version;
    const char *updated_at;
};
int store_marker_get(struct store *st, struct arena *ar, int64_t account_id, const char *timeline,
                     struct marker *out);
int store_marker_set(struct store *st, int64_t account_id, const char *timeline,
                     int64_t last_read_id);
/* An account's visible posts: how many, and when the last was (NULL when none). */
int store_account_posts(struct store *st, struct arena *ar, int64_t account_id, int64_t *count,
                        const char **last_at);

/* ---- media uploaded through the Mastodon API (store/media.c) ---- */

struct media {
    int64_t id, account_id;
    int64_t post_id;  /* 0: not attached yet */
    int position;     /* among its post's */
    const char *file; /* "ID.png", under DATA/media/ */
    const char *mime;
    int width, height;
    int64_t size;
    const char *description; /* alt text, "" when none */
    const char *credit;      /* "" when none */
    const char *created_at;
};

int store_media_add(struct store *st, const struct media *m, int64_t *id_out);
int store_media_get(struct store *st, struct arena *ar, int64_t id, struct media *out);
int store_media_describe(struct store *st, int64_t id, const char *description);
int store_media_set_credit(struct store *st, int64_t id, const char *credit);
/*
 * Attaches the media ids (in that order) to post_id: all, or none with
 * RC_NOTFOUND when one is not account_id's or is attached already.
 */
int store_media_attach(struct store *st, int64_t post_id, int64_t account_id, const int64_t *ids,
                       size_t n);
/* A post's media, in order. */
int store_media_of_post(struct store *st, struct arena *ar, int64_t post_id, struct media **out,
                        size_t *n_out);

/* ---- backup and restore (store/backup.c) ---- */

/* What a copy did: the pages and bytes written, and its wall-clock time. */
struct store_copy_stats {
    int64_t pages;
    int64_t bytes;
    double seconds;
    unsigned busy_retries; /* steps tried again because the database was busy or locked */
};

/*
 * Copies the database of the data directory dir into the file dest while
 * other connections and processes read and write it, with SQLite's online
 * backup: one read snapshot held from the first page to the last (in WAL
 * mode writers never wait for a reader: the copy is of the moment it
 * began), copied STORE_BACKUP_STEP_PAGES at a time. The copy goes to a
 * temporary file next to dest, is checked (quick_check) and synced, then
 * takes dest's name: dest is either whole or not there. The copy is a
 * plain single-file database (rollback journal mode), which store_open()
 * turns back to WAL when restored.
 *
 * RC_CONFLICT: dest exists and force is false; RC_INVALID: dest is the
 * database itself; RC_NOTFOUND: no data directory or no database in it;
 * RC_FULL: no space left where dest goes; RC_IO: the rest (dest's folder
 * missing or not writable...). On failure no file is left behind, and
 * err (err_size bytes) says why in words for the operator. stats may be
 * NULL.
 */
#define STORE_BACKUP_STEP_PAGES 256
int store_backup(const char *dir, const char *dest, bool force, struct store_copy_stats *stats,
                 char *err, size_t err_size);
/*
 * Puts the backup file src in the place of dir's database (dir is created
 * when missing). src is checked first: a gazouillis database of a schema
 * this build reads, whose integrity_check says ok. It is copied next to
 * the database and synced; then the database, with its -wal and -shm, is
 * renamed to gazouillis.db.before-restore-YYYYMMDDTHHMMSSZ (its name in
 * aside, when aside is not NULL; "" when there was none), and the copy
 * renamed into its place.
 *
 * Refused with RC_CONFLICT while any process has the store of dir open
 * (store_open() holds a shared lock on dir/gazouillis.lock, which restore
 * takes exclusively; a server starting meanwhile waits for nothing and is
 * refused). RC_INVALID: src is no gazouillis database, or a damaged one;
 * RC_NOTFOUND: no file src; RC_FULL, RC_IO: as store_backup(). On failure
 * dir's database is as it was.
 */
int store_restore(const char *src, const char *dir, char *aside, size_t aside_size,
                  struct store_copy_stats *stats, char *err, size_t err_size);

#endif
