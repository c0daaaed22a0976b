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
    S_BOOKMARK,
    S_UNBOOKMARK,
    S_PIN,
    S_UNPIN,
    S_FAVOURITED_BY,
    S_REBLOGGED_BY,
    S_ANCESTORS,
    S_DESCENDANTS,
    S_ACCOUNT_COUNT,
    S_ACCOUNT_SEARCH,
    S_TAG_SEARCH,
    S_NOTIFICATIONS,
    S_NOTIFICATIONS_SCAN,
    S_NOTIFICATIONS_CLEAR,
    S_NOTIFICATIONS_FORGET,
    S_NOTIFICATION_DISMISS,
    S_MARKER_GET,
    S_MARKER_SET,
    S_FAVOURITE_NOTIFICATION,
    S_REBLOG_NOTIFICATION,
    S_N
};

_Static_assert(S_N <= SQ_SLOT_MEDIA - SQ_SLOT_MASTO, "statuses.c has more statements than slots");

/* A favourite's notification id: its time and its giver, so that pages hold. */
#define FAVOURITE_NOTIFICATION_ID(f)                                                               \
    "((CAST(strftime('%s', " f ".created_at) AS INTEGER) * 1000) << 16) | (" f                     \
    ".account_id & 65535)"

/* The notifications' query; candidates narrows the posts read for mentions and replies. */
#define NOTIFICATIONS_SQL(candidates)                                                              \
    "SELECT * FROM ("                                                                              \
    " SELECT p.id AS nid, 'mention' AS type, p.account_id AS who, p.id AS post_id, "               \
    "  p.created_at AS at FROM posts p WHERE " candidates "p.state = 'visible' AND "               \
    "  p.account_id <> ?1 AND (EXISTS (SELECT 1 FROM posts q WHERE q.id = p.in_reply_to_id AND "   \
    "  q.account_id = ?1) OR p.text LIKE ?2 ESCAPE '\\')"                                          \
    " UNION ALL"                                                                                   \
    " SELECT " FAVOURITE_NOTIFICATION_ID(                                                          \
        "f") ", 'favourite', f.account_id, f.post_id, "                                            \
             "  f.created_at "                                                                     \
             "  FROM favourites f JOIN posts q ON q.id = f.post_id WHERE q.account_id = ?1 AND "   \
             "  f.account_id <> ?1"                                                                \
             " UNION ALL"                                                                          \
             " SELECT r.id, 'reblog', r.account_id, r.post_id, r.created_at FROM reblogs r "       \
             "  JOIN posts q ON q.id = r.post_id WHERE q.account_id = ?1 AND r.account_id <> ?1"   \
             ") WHERE nid < ?3 AND nid > ?4 AND nid > coalesce((SELECT up_to FROM "                \
             "  notifications_cleared WHERE account_id = ?1), 0) AND NOT EXISTS (SELECT 1 "        \
             "  FROM notifications_dismissed d WHERE d.account_id = ?1 AND "                       \
             "  d.notification_id = nid) ORDER BY nid DESC LIMIT ?5"

static const char *const status_sql[S_N] = {
    /* ?1 post, ?2 viewer (0: nobody) */
    [S_COUNTS] = "SELECT (SELECT count(*) FROM posts WHERE in_reply_to_id = ?1 AND "
                 "state = 'visible'), (SELECT count(*) FROM reblogs WHERE post_id = ?1), "
                 "EXISTS (SELECT 1 FROM favourites WHERE account_id = ?2 AND post_id = ?1), "
                 "EXISTS (SELECT 1 FROM reblogs WHERE account_id = ?2 AND post_id = ?1), "
                 "EXISTS (SELECT 1 FROM bookmarks WHERE account_id = ?2 AND post_id = ?1), "
                 "EXISTS (SELECT 1 FROM pins WHERE post_id = ?1)",
    [S_REBLOG] = "INSERT INTO reblogs (id, account_id, post_id, created_at) "
                 "VALUES (?3, ?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [S_UNREBLOG] = "DELETE FROM reblogs WHERE account_id = ?1 AND post_id = ?2",
    [S_BOOKMARK] = "INSERT INTO bookmarks (account_id, post_id, created_at) "
                   "VALUES (?1, ?2, " SQ_NOW ") ON CONFLICT DO NOTHING",
    [S_UNBOOKMARK] = "DELETE FROM bookmarks WHERE account_id = ?1 AND post_id = ?2",
    [S_PIN] = "INSERT INTO pins (post_id, created_at) VALUES (?1, " SQ_NOW ") "
              "ON CONFLICT DO NOTHING",
    [S_UNPIN] = "DELETE FROM pins WHERE post_id = ?1",
    [S_FAVOURITED_BY] =
        "SELECT a.id, a.username, a.display_name, a.role, '', a.created_at, "
        "a.disabled, a.note FROM favourites f JOIN accounts a ON a.id = f.account_id "
        "WHERE f.post_id = ?1 ORDER BY f.created_at, a.id LIMIT ?2",
    [S_REBLOGGED_BY] = "SELECT a.id, a.username, a.display_name, a.role, '', a.created_at, "
                       "a.disabled, a.note FROM reblogs r JOIN accounts a ON a.id = r.account_id "
                       "WHERE r.post_id = ?1 ORDER BY r.id LIMIT ?2",
    /* a thread goes up by in_reply_to_id; depth bounds a cycle an import could make */
    [S_ANCESTORS] = "WITH RECURSIVE up (id, depth) AS (SELECT in_reply_to_id, 1 FROM posts "
                    "WHERE id = ?1 UNION ALL SELECT p.in_reply_to_id, up.depth + 1 FROM posts p "
                    "JOIN up ON p.id = up.id WHERE up.depth < 200) "
                    "SELECT id FROM up WHERE id IS NOT NULL ORDER BY id",
    [S_DESCENDANTS] = "WITH RECURSIVE down (id, depth) AS (SELECT id, 1 FROM posts WHERE "
                      "in_reply_to_id = ?1 UNION ALL SELECT p.id, down.depth + 1 FROM posts p "
                      "JOIN down ON p.in_reply_to_id = down.id WHERE down.depth < 200) "
                      "SELECT DISTINCT id FROM down ORDER BY id LIMIT 4000",
    /* kept by triggers (schema 5): no count over the posts */
    [S_ACCOUNT_COUNT] = "SELECT posts_count, last_post_at FROM accounts WHERE id = ?1",
    /* ?1 a prefix, as a LIKE pattern the caller escaped with '\\' */
    [S_ACCOUNT_SEARCH] =
        "SELECT a.id, a.username, a.display_name, a.role, '', a.created_at, "
        "a.disabled, a.note FROM accounts a WHERE a.disabled = 0 AND (a.username LIKE ?1 "
        "ESCAPE '\\' OR a.display_name LIKE ?1 ESCAPE '\\') ORDER BY "
        "a.username LIMIT ?2",
    /* walks post_tags_tag (tag, post_id) from the prefix */
    [S_TAG_SEARCH] = "SELECT tag, count(*) FROM post_tags WHERE tag >= ?1 AND tag < ?1 || "
                     "char(1114111) GROUP BY tag ORDER BY count(*) DESC, tag LIMIT ?2",
    /*
     * What happened to an account's posts, newest first: replies and
     * mentions of it (the post's id), favourites (an id made of the
     * time and the favouriter, so pages hold). ?1 account, ?2 "%@name%"
     * (a LIKE pattern), ?3 max id (exclusive), ?4 min id (exclusive), ?5
     * limit, ?6 the name as a search query (mention_query()). The LIKE
     * decides what is a mention; the search index only says which posts
     * to look at (with those not indexed yet), where a scan of every post
     * took 110 ms at 150,000 posts.
     */
    [S_NOTIFICATIONS] = NOTIFICATIONS_SQL(
        "p.id IN (SELECT r.id FROM posts r JOIN posts q ON q.id = r.in_reply_to_id WHERE "
        "r.in_reply_to_id IS NOT NULL AND q.account_id = ?1 UNION SELECT rowid FROM posts_fts "
        "WHERE posts_fts MATCH ?6 UNION SELECT post_id FROM posts_fts_pending) AND "),
    /* the same for a name the search index cannot look up: every post is read */
    [S_NOTIFICATIONS_SCAN] = NOTIFICATIONS_SQL(""),
    [S_NOTIFICATIONS_CLEAR] = "INSERT INTO notifications_cleared (account_id, up_to) "
                              "VALUES (?1, ?2) ON CONFLICT DO UPDATE SET "
                              "up_to = max(up_to, excluded.up_to)",
    [S_NOTIFICATIONS_FORGET] = "DELETE FROM notifications_dismissed WHERE account_id = ?1 AND "
                               "notification_id <= ?2",
    [S_NOTIFICATION_DISMISS] = "INSERT INTO notifications_dismissed (account_id, "
                               "notification_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    [S_MARKER_GET] = "SELECT last_read_id, version, updated_at FROM markers WHERE account_id = ?1 "
                     "AND timeline = ?2",
    [S_MARKER_SET] = "INSERT INTO markers (account_id, timeline, last_read_id, version, "
                     "updated_at) VALUES (?1, ?2, ?3, 1, " SQ_NOW ") ON CONFLICT DO UPDATE SET "
                     "last_read_id = excluded.last_read_id, version = version + 1, "
                     "updated_at = excluded.updated_at",
    [S_FAVOURITE_NOTIFICATION] = "SELECT " FAVOURITE_NOTIFICATION_ID(
        "f") ", f.created_at FROM favourites f WHERE f.account_id = ?1 AND f.post_id = ?2",
    [S_REBLOG_NOTIFICATION] = "SELECT id, created_at FROM reblogs WHERE account_id = ?1 AND "
                              "post_id = ?2",
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
        out->bookmarked = sqlite3_column_int(stmt, 4) != 0;
        out->pinned = sqlite3_column_int(stmt, 5) != 0;
    }
    sq_release(stmt);
    return rc;
}

int
store_bookmark(struct store *st, int64_t account_id, int64_t post_id, bool on)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, on ? S_BOOKMARK : S_UNBOOKMARK, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, post_id);
    return sq_run(st, stmt, on ? "bookmark" : "undo a bookmark");
}

int
store_pin(struct store *st, int64_t post_id, bool on)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, on ? S_PIN : S_UNPIN, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, post_id);
    return sq_run(st, stmt, on ? "pin" : "unpin");
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
    return store_post_accounts(st, ar, post_id, false, limit, out, n_out);
}

int
store_post_accounts(struct store *st, struct arena *ar, int64_t post_id, bool reblogs, int limit,
                    struct account **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct account *v = NULL;
    size_t n = 0, cap = 0;
    bool nomem = false;
    int rc, src;

    if ((rc = prepare(st, reblogs ? S_REBLOGGED_BY : S_FAVOURITED_BY, &stmt)) != RC_OK)
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
        v[n].note = sq_text(stmt, 7, ar, &nomem);
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

/* Accounts like the favourited_by list reads them. */
static int
account_rows(struct store *st, sqlite3_stmt *stmt, struct arena *ar, struct account **out,
             size_t *n_out, const char *what)
{
    struct account *v = NULL;
    size_t n = 0, cap = 0;
    bool nomem = false;
    int rc = RC_OK, src;

    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, what);
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
        v[n].note = sq_text(stmt, 7, ar, &nomem);
        n++;
    }
    if (rc == RC_OK && nomem)
        rc = sq_nomem(st, what);
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, what);
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

/* "prefix%" with LIKE's own characters escaped by '\'. */
static char *
like_prefix(struct arena *ar, const char *s, bool around)
{
    size_t len = strlen(s), i, o = 0;
    char *p = arena_alloc(ar, 2 * len + 3);

    if (p == NULL)
        return NULL;
    if (around)
        p[o++] = '%';
    for (i = 0; i < len; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            p[o++] = '\\';
        p[o++] = s[i];
    }
    p[o++] = '%';
    p[o] = '\0';
    return p;
}

int
store_account_search(struct store *st, struct arena *ar, const char *prefix, int limit,
                     struct account **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    char *pattern = like_prefix(ar, prefix, false);
    int rc;

    if (pattern == NULL)
        return sq_nomem(st, "search accounts");
    if ((rc = prepare(st, S_ACCOUNT_SEARCH, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_text(stmt, 1, pattern, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, limit);
    return account_rows(st, stmt, ar, out, n_out, "search accounts");
}

int
store_tag_search(struct store *st, struct arena *ar, const char *prefix, int limit,
                 struct tag_count **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct tag_count *v = NULL;
    size_t n = 0, cap = 0;
    bool nomem = false;
    int rc, src;

    if ((rc = prepare(st, S_TAG_SEARCH, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_text(stmt, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, limit);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, "search tags");
            break;
        }
        v[n].tag = sq_text(stmt, 0, ar, &nomem);
        v[n].posts = sqlite3_column_int64(stmt, 1);
        n++;
    }
    if (rc == RC_OK && nomem)
        rc = sq_nomem(st, "search tags");
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "search tags");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

/*
 * The posts_fts query that finds every post whose text holds "@username"
 * (with others, which the LIKE then leaves out): the name's words as the
 * tokenizer cuts them ('_' separates), the last one as a prefix, since
 * "@mia" is also in "@miamoto". "" (read every post) when the name has no
 * word (only '_') or holds anything but [a-z0-9_], which accounts made
 * here cannot but the store does not refuse: a quote would break the
 * query, a letter the tokenizer folds would miss. NULL when out of memory.
 */
static const char *
mention_query(struct arena *ar, const char *username)
{
    size_t len = strlen(username), i, o = 0;
    char *q = arena_alloc(ar, len + 4);
    bool words = false;

    if (q == NULL)
        return NULL;
    q[o++] = '"';
    for (i = 0; i < len; i++) {
        char c = username[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return "";
        if (c != '_') {
            words = true;
            q[o++] = c;
        } else if (o > 1 && q[o - 1] != ' ') {
            q[o++] = ' ';
        }
    }
    if (!words)
        return "";
    if (q[o - 1] == ' ')
        o--;
    q[o++] = '"';
    q[o++] = '*';
    q[o] = '\0';
    return q;
}

int
store_notifications(struct store *st, struct arena *ar, const struct account *acc, int64_t max_id,
                    int64_t min_id, int limit, struct notification **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct notification *v = NULL;
    char *mention = arena_printf(ar, "@%s", acc->username);
    const char *query = mention_query(ar, acc->username);
    size_t n = 0, cap = 0;
    bool nomem = false;
    int rc, src;

    if (mention == NULL || query == NULL || (mention = like_prefix(ar, mention, true)) == NULL)
        return sq_nomem(st, "list notifications");
    if ((rc = prepare(st, query[0] != '\0' ? S_NOTIFICATIONS : S_NOTIFICATIONS_SCAN, &stmt)) !=
        RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, acc->id);
    sqlite3_bind_text(stmt, 2, mention, -1, SQLITE_STATIC);
    if (query[0] != '\0')
        sqlite3_bind_text(stmt, 6, query, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, max_id != 0 ? max_id : INT64_MAX);
    sqlite3_bind_int64(stmt, 4, min_id);
    sqlite3_bind_int(stmt, 5, limit);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL) {
            rc = sq_nomem(st, "list notifications");
            break;
        }
        v[n].id = sqlite3_column_int64(stmt, 0);
        v[n].type = sq_text(stmt, 1, ar, &nomem);
        v[n].account_id = sqlite3_column_int64(stmt, 2);
        v[n].post_id = sqlite3_column_int64(stmt, 3);
        v[n].created_at = sq_text(stmt, 4, ar, &nomem);
        n++;
    }
    if (rc == RC_OK && nomem)
        rc = sq_nomem(st, "list notifications");
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "list notifications");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

int
store_notification_get(struct store *st, struct arena *ar, const struct account *acc, int64_t id,
                       struct notification *out)
{
    struct notification *v;
    size_t n;
    int rc;

    if (id <= 0 || id == INT64_MAX)
        return RC_NOTFOUND;
    if ((rc = store_notifications(st, ar, acc, id + 1, id - 1, 1, &v, &n)) != RC_OK)
        return rc;
    if (n == 0 || v[0].id != id)
        return RC_NOTFOUND;
    *out = v[0];
    return RC_OK;
}

/* Runs statement id with two integers bound. */
static int
run_two(struct store *st, enum status_stmt id, int64_t a, int64_t b, const char *what)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, id, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, a);
    sqlite3_bind_int64(stmt, 2, b);
    return sq_run(st, stmt, what);
}

int
store_notifications_clear(struct store *st, int64_t account_id, int64_t up_to)
{
    int rc;

    if ((rc = store_begin(st)) != RC_OK)
        return rc;
    /* the dismissals the clear covers are kept no longer */
    if ((rc = run_two(st, S_NOTIFICATIONS_CLEAR, account_id, up_to, "clear notifications")) ==
            RC_OK &&
        (rc = run_two(st, S_NOTIFICATIONS_FORGET, account_id, up_to, "clear notifications")) ==
            RC_OK)
        return store_commit(st);
    store_rollback(st);
    return rc;
}

int
store_notification_dismiss(struct store *st, int64_t account_id, int64_t id)
{
    return run_two(st, S_NOTIFICATION_DISMISS, account_id, id, "dismiss a notification");
}

int
store_marker_get(struct store *st, struct arena *ar, int64_t account_id, const char *timeline,
                 struct marker *out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc;

    if ((rc = prepare(st, S_MARKER_GET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_text(stmt, 2, timeline, -1, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "read a marker")) == RC_OK) {
        out->last_read_id = sqlite3_column_int64(stmt, 0);
        out->version = sqlite3_column_int64(stmt, 1);
        out->updated_at = sq_text(stmt, 2, ar, &nomem);
        if (nomem)
            rc = sq_nomem(st, "read a marker");
    }
    sq_release(stmt);
    return rc;
}

int
store_marker_set(struct store *st, int64_t account_id, const char *timeline, int64_t last_read_id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, S_MARKER_SET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_text(stmt, 2, timeline, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, last_read_id);
    return sq_run(st, stmt, "keep a marker");
}

int
store_mark_notification(struct store *st, struct arena *ar, bool reblog, int64_t account_id,
                        int64_t post_id, struct notification *out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc;

    if ((rc = prepare(st, reblog ? S_REBLOG_NOTIFICATION : S_FAVOURITE_NOTIFICATION, &stmt)) !=
        RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, post_id);
    if ((rc = sq_row(st, stmt, "read a favourite or reblog")) == RC_OK) {
        out->id = sqlite3_column_int64(stmt, 0);
        out->type = reblog ? "reblog" : "favourite";
        out->account_id = account_id;
        out->post_id = post_id;
        out->created_at = sq_text(stmt, 1, ar, &nomem);
        if (nomem)
            rc = sq_nomem(st, "read a favourite or reblog");
    }
    sq_release(stmt);
    return rc;
}
