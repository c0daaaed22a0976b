/*
 * store/statuses.c - what the Mastodon API asks of posts beyond the
 * events' needs (store.h, "statuses"): the counts a Status carries, what
 * the viewer did to it, reblogs, who favourited it, a thread's ancestors
 * and descendants, and an account's number of posts.
 */
#include <string.h>

#include "core/rc.h"
#include "store/store_int.h"

#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum status_stmt {
    S_COUNTS,
    S_REBLOG,
    S_UNREBLOG,
    S_FAVOURITED_BY,
    S_ANCESTORS,
    S_DESCENDANTS,
    S_ACCOUNT_COUNT,
    S_N
};

_Static_assert(S_N <= SQ_SLOT_MEDIA - SQ_SLOT_MASTO, "statuses.c has more statements than slots");

static const char *const status_sql[S_N] = {
    /* ?1 post, ?2 viewer (0: nobody) */
    [S_COUNTS] = "SELECT (SELECT count(*) FROM posts WHERE in_reply_to_id = ?1 AND "
                 "state = 'visible'), (SELECT count(*) FROM reblogs WHERE post_id = ?1), "
                 "EXISTS (SELECT 1 FROM favourites WHERE account_id = ?2 AND post_id = ?1), "
                 "EXISTS (SELECT 1 FROM reblogs WHERE account_id = ?2 AND post_id = ?1)",
    [S_REBLOG] = "INSERT INTO reblogs (id, account_id, post_id, created_at) "
                 "VALUES (?3, ?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [S_UNREBLOG] = "DELETE FROM reblogs WHERE account_id = ?1 AND post_id = ?2",
    [S_FAVOURITED_BY] = "SELECT a.id, a.username, a.display_name, a.role, '', a.created_at, "
                        "a.disabled FROM favourites f JOIN accounts a ON a.id = f.account_id "
                        "WHERE f.post_id = ?1 ORDER BY f.created_at, a.id LIMIT ?2",
    /* a thread goes up by in_reply_to_id; depth bounds a cycle an import could make */
    [S_ANCESTORS] = "WITH RECURSIVE up (id, depth) AS (SELECT in_reply_to_id, 1 FROM posts "
                    "WHERE id = ?1 UNION ALL SELECT p.in_reply_to_id, up.depth + 1 FROM posts p "
                    "JOIN up ON p.id = up.id WHERE up.depth < 200) "
                    "SELECT id FROM up WHERE id IS NOT NULL ORDER BY id",
    [S_DESCENDANTS] = "WITH RECURSIVE down (id, depth) AS (SELECT id, 1 FROM posts WHERE "
                      "in_reply_to_id = ?1 UNION ALL SELECT p.id, down.depth + 1 FROM posts p "
                      "JOIN down ON p.in_reply_to_id = down.id WHERE down.depth < 200) "
                      "SELECT DISTINCT id FROM down ORDER BY id LIMIT 4000",
    [S_ACCOUNT_COUNT] = "SELECT count(*), max(created_at) FROM posts WHERE account_id = ?1 AND "
                        "state = 'visible'",
};

static int
prepare(struct store *st, enum status_stmt id, sqlite3_stmt **out)
{
    return sq_prepare_sql(st, SQ_SLOT_MASTO + (int)id, status_sql[id], out);
}

int
store_post_counts(struct store *st, int64_t post_id, int64_t viewer, struct post_counts *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, S_COUNTS, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, post_id);
    sqlite3_bind_int64(stmt, 2, viewer);
    if ((rc = sq_row(st, stmt, "count a post's replies")) == RC_OK) {
        out->replies = sqlite3_column_int64(stmt, 0);
        out->reblogs = sqlite3_column_int64(stmt, 1);
        out->favourited = sqlite3_column_int(stmt, 2) != 0;
        out->reblogged = sqlite3_column_int(stmt, 3) != 0;
    }
    sq_release(stmt);
    return rc;
}

int
store_reblog(struct store *st, int64_t account_id, int64_t post_id, bool on)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, on ? S_REBLOG : S_UNREBLOG, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, post_id);
    if (on)
        sqlite3_bind_int64(stmt, 3, store_new_id());
    return sq_run(st, stmt, on ? "reblog" : "undo a reblog");
}

int
store_post_favourited_by(struct store *st, struct arena *ar, int64_t post_id, int limit,
                         struct account **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct account *v = NULL;
    size_t n = 0, cap = 0;
    bool nomem = false;
    int rc, src;

    if ((rc = prepare(st, S_FAVOURITED_BY, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, post_id);
    sqlite3_bind_int(stmt, 2, limit > 0 && limit <= 80 ? limit : 40);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, "list who favourited");
            break;
        }
        memset(&v[n], 0, sizeof(v[n]));
        v[n].id = sqlite3_column_int64(stmt, 0);
        v[n].username = sq_text(stmt, 1, ar, &nomem);
        v[n].display_name = sq_text(stmt, 2, ar, &nomem);
        v[n].role = sq_text(stmt, 3, ar, &nomem);
        v[n].password_hash = "";
        v[n].created_at = sq_text(stmt, 5, ar, &nomem);
        v[n].disabled = sqlite3_column_int(stmt, 6) != 0;
        n++;
    }
    if (rc == RC_OK && nomem)
        rc = sq_nomem(st, "list who favourited");
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "list who favourited");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

static int
id_list(struct store *st, struct arena *ar, enum status_stmt which, int64_t post_id, int64_t **out,
        size_t *n_out)
{
    sqlite3_stmt *stmt;
    int64_t *v = NULL;
    size_t n = 0, cap = 0;
    int rc, src;

    if ((rc = prepare(st, which, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, post_id);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, "walk a thread");
            break;
        }
        v[n++] = sqlite3_column_int64(stmt, 0);
    }
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "walk a thread");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

int
store_post_thread(struct store *st, struct arena *ar, int64_t post_id, int64_t **ancestors,
                  size_t *n_ancestors, int64_t **descendants, size_t *n_descendants)
{
    int rc = id_list(st, ar, S_ANCESTORS, post_id, ancestors, n_ancestors);

    if (rc == RC_OK)
        rc = id_list(st, ar, S_DESCENDANTS, post_id, descendants, n_descendants);
    return rc;
}

int
store_account_posts(struct store *st, struct arena *ar, int64_t account_id, int64_t *count,
                    const char **last_at)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc;

    if ((rc = prepare(st, S_ACCOUNT_COUNT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    if ((rc = sq_row(st, stmt, "count an account's posts")) == RC_OK) {
        *count = sqlite3_column_int64(stmt, 0);
        *last_at = sq_text(stmt, 1, ar, &nomem);
        if (nomem)
            rc = sq_nomem(st, "count an account's posts");
    }
    sq_release(stmt);
    return rc;
}
