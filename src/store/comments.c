/*
 * store/comments.c - the comments part of store.h on SQLite: readers'
 * comments on a recap, their likes and the likes of posts, and the bans an
 * editor puts on an address or an account. schema.c (version 4) describes
 * the tables; sqlite.c lends its helpers through store_int.h, and the
 * statements here are cached in its extra slots.
 */
#include <string.h>

#include "core/rc.h"
#include "store/store_int.h"

#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum comment_stmt {
    C_ADD,
    C_GET,
    C_PARENT_EVENT,
    C_LIST,
    C_LIST_STATE,
    C_UPDATE,
    C_SET_STATE,
    C_DELETE_BODY,
    C_COUNT,
    C_GUEST_KNOWN,
    C_LIKE,
    C_UNLIKE,
    C_LIKES,
    C_POST_LIKE,
    C_POST_UNLIKE,
    C_POST_LIKES,
    C_LIKED,
    C_POST_LIKED,
    C_ADDRESS_KEY,
    C_BAN_ACCOUNT,
    C_BAN_ADDRESS,
    C_BANNED,
    C_N
};

#define COMMENT_COLS                                                                               \
    "c.id, c.event_id, c.parent_id, c.account_id, coalesce(a.username, c.guest_name), "            \
    "a.display_name, c.guest_email_hash, c.guest_key, c.address, c.body, c.html, c.state, "        \
    "c.created_at, c.edited_at, c.likes"

#define COMMENT_FROM " FROM comments c LEFT JOIN accounts a ON a.id = c.account_id"

static const char *const comment_sql[C_N] = {
    [C_ADD] = "INSERT INTO comments (id, event_id, parent_id, account_id, guest_name, "
              "guest_email_hash, guest_key, address, body, html, state, created_at, edited_at, "
              "likes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, coalesce(?12, " SQ_NOW
              "), ?13, ?14)",
    [C_GET] = "SELECT " COMMENT_COLS COMMENT_FROM " WHERE c.id = ?1",
    [C_PARENT_EVENT] = "SELECT event_id FROM comments WHERE id = ?1",
    /* Walks comments_event (event_id, id): no sort. */
    [C_LIST] = "SELECT " COMMENT_COLS COMMENT_FROM " WHERE c.event_id = ?1 ORDER BY c.id LIMIT ?2",
    [C_LIST_STATE] = "SELECT " COMMENT_COLS COMMENT_FROM
                     " WHERE c.event_id = ?1 AND c.state = ?3 ORDER BY c.id LIMIT ?2",
    [C_UPDATE] = "UPDATE comments SET body = ?2, html = ?3, edited_at = " SQ_NOW " WHERE id = ?1",
    [C_SET_STATE] = "UPDATE comments SET state = ?2 WHERE id = ?1",
    [C_DELETE_BODY] = "UPDATE comments SET state = 'deleted', body = '', html = '', "
                      "guest_email_hash = NULL WHERE id = ?1",
    [C_COUNT] = "SELECT count(*) FROM comments WHERE event_id = ?1 AND state = 'approved'",
    [C_GUEST_KNOWN] = "SELECT 1 FROM comments WHERE guest_email_hash = ?1 AND state = 'approved' "
                      "LIMIT 1",
    [C_LIKE] = "INSERT INTO comment_likes (account_id, comment_id, created_at) "
               "VALUES (?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [C_UNLIKE] = "DELETE FROM comment_likes WHERE account_id = ?1 AND comment_id = ?2",
    [C_LIKES] = "SELECT likes FROM comments WHERE id = ?1",
    [C_POST_LIKE] = "INSERT INTO favourites (account_id, post_id, created_at) "
                    "VALUES (?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [C_POST_UNLIKE] = "DELETE FROM favourites WHERE account_id = ?1 AND post_id = ?2",
    [C_POST_LIKES] = "SELECT likes FROM posts WHERE id = ?1",
    [C_LIKED] = "SELECT l.comment_id FROM comment_likes l JOIN comments c ON c.id = l.comment_id "
                "WHERE l.account_id = ?1 AND c.event_id = ?2",
    [C_POST_LIKED] = "SELECT f.post_id FROM favourites f JOIN posts p ON p.id = f.post_id "
                     "WHERE f.account_id = ?1 AND p.event_id = ?2",
    [C_ADDRESS_KEY] = "SELECT key FROM site_keys WHERE name = 'address_key'",
    [C_BAN_ACCOUNT] = "INSERT INTO comment_bans (event_id, account_id, created_at) "
                      "VALUES (?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [C_BAN_ADDRESS] = "INSERT INTO comment_bans (event_id, address, created_at) "
                      "VALUES (?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [C_BANNED] = "SELECT 1 FROM comment_bans WHERE event_id = ?1 AND "
                 "(account_id = ?2 OR address = ?3) LIMIT 1",
};

_Static_assert(C_N <= SQ_SLOT_OAUTH - SQ_SLOT_COMMENTS,
               "comments.c has more statements than slots");

static int
prepare(struct store *st, enum comment_stmt id, sqlite3_stmt **out)
{
    return sq_prepare_sql(st, SQ_SLOT_COMMENTS + (int)id, comment_sql[id], out);
}

/* Binds an id, NULL for 0. */
static int
bind_id(sqlite3_stmt *stmt, int col, int64_t id)
{
    return id != 0 ? sqlite3_bind_int64(stmt, col, id) : sqlite3_bind_null(stmt, col);
}

/* ---- comments ---- */

static int
read_comment(sqlite3_stmt *stmt, struct arena *ar, struct comment *c /* OUT */)
{
    bool nomem = false;

    memset(c, 0, sizeof(*c));
    c->id = sqlite3_column_int64(stmt, 0);
    c->event_id = sqlite3_column_int64(stmt, 1);
    c->parent_id = sqlite3_column_int64(stmt, 2);  /* 0 for NULL */
    c->account_id = sqlite3_column_int64(stmt, 3); /* 0 for NULL */
    c->author = sq_text(stmt, 4, ar, &nomem);
    c->display_name = sq_text(stmt, 5, ar, &nomem);
    c->guest_email_hash = sq_text(stmt, 6, ar, &nomem);
    if (sqlite3_column_bytes(stmt, 7) == (int)sizeof(c->guest_key)) {
        memcpy(c->guest_key, sqlite3_column_blob(stmt, 7), sizeof(c->guest_key));
        c->has_guest_key = true;
    }
    if (sqlite3_column_bytes(stmt, 8) == (int)sizeof(c->address)) {
        memcpy(c->address, sqlite3_column_blob(stmt, 8), sizeof(c->address));
        c->has_address = true;
    }
    c->body = sq_text(stmt, 9, ar, &nomem);
    c->html = sq_text(stmt, 10, ar, &nomem);
    c->state = sq_text(stmt, 11, ar, &nomem);
    c->created_at = sq_text(stmt, 12, ar, &nomem);
    c->edited_at = sq_text(stmt, 13, ar, &nomem);
    c->likes = sqlite3_column_int64(stmt, 14);
    return nomem ? RC_NOMEM : RC_OK;
}

/* A reply must answer a comment of its own event. */
static int
check_parent(struct store *st, const struct comment *c)
{
    sqlite3_stmt *stmt;
    int rc;

    if (c->parent_id == 0)
        return RC_OK;
    if ((rc = prepare(st, C_PARENT_EVENT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, c->parent_id);
    rc = sq_row(st, stmt, "find the comment replied to");
    if (rc == RC_OK && sqlite3_column_int64(stmt, 0) != c->event_id)
        rc = RC_INVALID; /* a comment of another event */
    sq_release(stmt);
    return rc;
}

int
store_comment_add(struct store *st, const struct comment *c, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if (c->account_id == 0 && (c->author == NULL || c->author[0] == '\0'))
        return RC_INVALID;
    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = check_parent(st, c)) != RC_OK || (rc = prepare(st, C_ADD, &stmt)) != RC_OK)
        return sq_end(st, rc);
    if (sqlite3_bind_int64(stmt, 2, c->event_id) != SQLITE_OK ||
        bind_id(stmt, 3, c->parent_id) != SQLITE_OK ||
        bind_id(stmt, 4, c->account_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, c->account_id != 0 ? NULL : c->author, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, c->guest_email_hash, -1, SQLITE_STATIC) != SQLITE_OK ||
        (c->has_guest_key && sqlite3_bind_blob(stmt, 7, c->guest_key, sizeof(c->guest_key),
                                               SQLITE_STATIC) != SQLITE_OK) ||
        (c->has_address &&
         sqlite3_bind_blob(stmt, 8, c->address, sizeof(c->address), SQLITE_STATIC) != SQLITE_OK) ||
        sqlite3_bind_text(stmt, 9, c->body != NULL ? c->body : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 10, c->html != NULL ? c->html : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 11, c->state != NULL ? c->state : "approved", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 12, c->created_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 13, c->edited_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 14, c->likes) != SQLITE_OK) {
        rc = sq_fail(st, "add a comment");
        sq_release(stmt);
        return sq_end(st, rc);
    }
    return sq_end(st, sq_insert_id(st, stmt, c->id, id_out, "add a comment"));
}

int
store_comment_get(struct store *st, struct arena *ar, int64_t id, struct comment *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, C_GET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    if ((rc = sq_row(st, stmt, "read a comment")) == RC_OK && read_comment(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read a comment");
    sq_release(stmt);
    return rc;
}

int
store_comment_list(struct store *st, struct arena *ar, int64_t event_id, const char *state,
                   int limit, struct comment **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct comment *v = NULL;
    size_t n = 0, cap = 0;
    int rc, src;

    if (limit <= 0 || limit > STORE_MAX_COMMENTS)
        limit = STORE_MAX_COMMENTS;
    if ((rc = prepare(st, state != NULL ? C_LIST_STATE : C_LIST, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, event_id);
    sqlite3_bind_int(stmt, 2, limit);
    if (state != NULL)
        sqlite3_bind_text(stmt, 3, state, -1, SQLITE_STATIC);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL ||
            read_comment(stmt, ar, &v[n]) != RC_OK) {
            rc = sq_nomem(st, "list comments");
            break;
        }
        n++;
    }
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "list comments");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

/* Runs a write of one row by id; RC_NOTFOUND when no row changed. */
static int
write_one(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sq_run(st, stmt, what);

    if (rc == RC_OK && sqlite3_changes(sq_db(st)) == 0)
        rc = sq_notfound(st, what);
    return rc;
}

int
store_comment_update(struct store *st, int64_t id, const char *body, const char *html)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, C_UPDATE, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, body, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, html, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "change a comment");
        sq_release(stmt);
        return rc;
    }
    return write_one(st, stmt, "change a comment");
}

int
store_comment_set_state(struct store *st, int64_t id, const char *state)
{
    bool deleted = state != NULL && strcmp(state, "deleted") == 0;
    sqlite3_stmt *stmt;
    int rc;

    if (state == NULL)
        return RC_INVALID;
    if ((rc = prepare(st, deleted ? C_DELETE_BODY : C_SET_STATE, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    if (!deleted && sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "moderate a comment");
        sq_release(stmt);
        return rc;
    }
    return write_one(st, stmt, "moderate a comment");
}

/* Steps a statement whose first row's first column is a count (or a flag: any row). */
static int
one_int(struct store *st, sqlite3_stmt *stmt, const char *what, int64_t *out)
{
    int rc = sq_row(st, stmt, what);

    if (rc == RC_OK)
        *out = sqlite3_column_int64(stmt, 0);
    sq_release(stmt);
    return rc;
}

int
store_comment_count(struct store *st, int64_t event_id, int64_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, C_COUNT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, event_id);
    return one_int(st, stmt, "count comments", n_out);
}

int
store_comment_guest_known(struct store *st, const char *email_hash, bool *out)
{
    sqlite3_stmt *stmt;
    int64_t one;
    int rc;

    *out = false;
    if (email_hash == NULL)
        return RC_OK;
    if ((rc = prepare(st, C_GUEST_KNOWN, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_text(stmt, 1, email_hash, -1, SQLITE_STATIC);
    rc = one_int(st, stmt, "look for a known guest", &one);
    if (rc == RC_NOTFOUND)
        return RC_OK;
    *out = rc == RC_OK;
    return rc;
}

/* ---- likes ---- */

/* Adds or removes one like, then reads the count, in one transaction. */
static int
like(struct store *st, enum comment_stmt add, enum comment_stmt remove, enum comment_stmt count,
     int64_t account_id, int64_t id, bool on, int64_t *likes_out)
{
    sqlite3_stmt *stmt;
    int64_t likes = 0;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = prepare(st, count, &stmt)) != RC_OK)
        return sq_end(st, rc);
    sqlite3_bind_int64(stmt, 1, id);
    if ((rc = one_int(st, stmt, "find what is liked", &likes)) != RC_OK ||
        (rc = prepare(st, on ? add : remove, &stmt)) != RC_OK)
        return sq_end(st, rc);
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, id);
    if ((rc = sq_run(st, stmt, "like")) != RC_OK || (rc = prepare(st, count, &stmt)) != RC_OK)
        return sq_end(st, rc);
    sqlite3_bind_int64(stmt, 1, id);
    if ((rc = one_int(st, stmt, "count likes", &likes)) == RC_OK && likes_out != NULL)
        *likes_out = likes;
    return sq_end(st, rc);
}

int
store_comment_like(struct store *st, int64_t account_id, int64_t comment_id, bool on,
                   int64_t *likes_out)
{
    return like(st, C_LIKE, C_UNLIKE, C_LIKES, account_id, comment_id, on, likes_out);
}

int
store_post_like(struct store *st, int64_t account_id, int64_t post_id, bool on, int64_t *likes_out)
{
    return like(st, C_POST_LIKE, C_POST_UNLIKE, C_POST_LIKES, account_id, post_id, on, likes_out);
}

static int
liked(struct store *st, struct arena *ar, enum comment_stmt which, int64_t account_id,
      int64_t event_id, int64_t **ids_out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    int rc, src;

    if ((rc = prepare(st, which, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, event_id);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, "list likes");
            break;
        }
        v[n++] = sqlite3_column_int64(stmt, 0);
    }
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "list likes");
    sq_release(stmt);
    if (rc == RC_OK) {
        *ids_out = v;
        *n_out = n;
    }
    return rc;
}

int
store_comment_liked(struct store *st, struct arena *ar, int64_t account_id, int64_t event_id,
                    int64_t **ids_out, size_t *n_out)
{
    return liked(st, ar, C_LIKED, account_id, event_id, ids_out, n_out);
}

int
store_post_liked(struct store *st, struct arena *ar, int64_t account_id, int64_t event_id,
                 int64_t **ids_out, size_t *n_out)
{
    return liked(st, ar, C_POST_LIKED, account_id, event_id, ids_out, n_out);
}

/* ---- bans ---- */

int
store_address_key(struct store *st, unsigned char key_out[32])
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, C_ADDRESS_KEY, &stmt)) != RC_OK)
        return rc;
    if ((rc = sq_row(st, stmt, "read the address key")) == RC_OK) {
        if (sqlite3_column_bytes(stmt, 0) == 32)
            memcpy(key_out, sqlite3_column_blob(stmt, 0), 32);
        else
            rc = sq_fail(st, "read the address key");
    }
    sq_release(stmt);
    return rc;
}

int
store_ban_add(struct store *st, int64_t event_id, int64_t account_id, const unsigned char *address)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((account_id == 0) == (address == NULL))
        return RC_INVALID;
    if ((rc = prepare(st, account_id != 0 ? C_BAN_ACCOUNT : C_BAN_ADDRESS, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, event_id);
    if (account_id != 0)
        sqlite3_bind_int64(stmt, 2, account_id);
    else
        sqlite3_bind_blob(stmt, 2, address, STORE_ADDRESS_HASH, SQLITE_STATIC);
    return sq_run(st, stmt, "ban from comments");
}

int
store_banned(struct store *st, int64_t event_id, int64_t account_id, const unsigned char *address,
             bool *out)
{
    sqlite3_stmt *stmt;
    int64_t one;
    int rc;

    *out = false;
    if ((rc = prepare(st, C_BANNED, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, event_id);
    bind_id(stmt, 2, account_id);
    if (address != NULL)
        sqlite3_bind_blob(stmt, 3, address, STORE_ADDRESS_HASH, SQLITE_STATIC);
    rc = one_int(st, stmt, "look for a ban", &one);
    if (rc == RC_NOTFOUND)
        return RC_OK;
    *out = rc == RC_OK;
    return rc;
}
