/*
 * store/sqlite.c - store.h on SQLite: the connection and its statements,
 * accounts, tokens, sessions, events and posts (comments.c has the comments;
 * no file above store/ sees <sqlite3.h>).
 *
 * A struct store is one connection, in WAL mode so readers never wait for
 * the writer, with foreign keys on and a busy timeout so two connections
 * that write at once queue instead of failing. The server opens one per
 * worker thread; the connection is opened NOMUTEX, so it must not be shared.
 *
 * Its parts, in order: errors (SQLite codes to rcs, the message kept for
 * store_errmsg()), statements (each SQL text prepared once per connection
 * and kept), transactions, opening and the schema upgrade (schema.c holds
 * the SQL), ids, then accounts, tokens, sessions, events and posts.
 *
 * Every value reaches SQL through a bound parameter; the only SQL built at
 * run time is PRAGMA user_version = N with N from our own constant. Writes
 * of more than one statement run in BEGIN IMMEDIATE ... COMMIT and are rolled
 * back whole on any failure. Strings read back are copied into the caller's
 * arena before the statement is reset, so nothing returned points into
 * SQLite.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>

#include "core/disk.h"
#include "core/log.h"
#include "core/rc.h"
#include "store/store.h"
#include "store/store_int.h"

#define SQ_BUSY_TIMEOUT_MS 5000
#define SQ_MAX_LIMIT       200 /* most posts one list or search returns */
#define SQ_DEFAULT_LIMIT   20  /* when the caller asks for 0 or less */
#define SQ_MAX_WORDS       16  /* words of a search query that count */
#define SQ_ID_TRIES        8   /* fresh ids tried when another process took one */

/* The UTC row timestamp, in SQL, so one statement sees one instant. */
#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* ---- statements ---- */

enum sq_stmt_id {
    SQ_BEGIN,
    SQ_BEGIN_WRITE,
    SQ_COMMIT,
    SQ_SAVEPOINT,
    SQ_RELEASE,
    SQ_ROLLBACK_TO,
    SQ_ACCOUNT_ADD,
    SQ_ACCOUNT_BY_NAME,
    SQ_ACCOUNT_BY_ID,
    SQ_ACCOUNT_COUNT,
    SQ_ACCOUNT_SET_PASSWORD,
    SQ_ACCOUNT_SET_PROFILE,
    SQ_TOKEN_ADD,
    SQ_TOKEN_FIND,
    SQ_SESSION_ADD,
    SQ_SESSION_PURGE,
    SQ_SESSION_FIND,
    SQ_SESSION_DELETE,
    SQ_EVENT_ADD,
    SQ_EVENT_GET,
    SQ_EVENT_GET_ID,
    SQ_EVENT_UPDATE,
    SQ_EVENT_DELETE,
    SQ_EVENT_LIST,
    SQ_PERSON_ADD,
    SQ_PERSON_LIST,
    SQ_PERSON_CLEAR,
    SQ_ORG_ADD,
    SQ_ORG_LIST,
    SQ_ORG_CLEAR,
    SQ_EDITOR_ADD,
    SQ_IS_EDITOR,
    SQ_POST_ADD,
    SQ_POST_GET,
    SQ_POST_UPDATE,
    SQ_POST_DELETE,
    SQ_POST_COUNT,
    SQ_TAG_ADD,
    SQ_TAG_CLEAR,
    SQ_POST_SEARCH,
    SQ_POST_BY_ACCOUNT,
    SQ_POST_FAVOURITED,
    SQ_POST_BOOKMARKED,
    SQ_POST_PINNED,
    SQ_POST_SET_STATE,
    SQ_CHANGES_SINCE,
    SQ_CHANGES_OF_EVENT,
    SQ_CHANGES_LAST,
    /* Eight forms of one list, indexed by SQ_LIST_EVENT | SQ_LIST_TAG | SQ_LIST_ASC. */
    SQ_POST_LIST,
    /* Then the slots of the other files of store/ (sq_prepare_sql). */
    SQ_EXTRA = SQ_POST_LIST + 8,
    SQ_N_STMT = SQ_EXTRA + SQ_EXTRA_SLOTS
};

#define SQ_LIST_EVENT 1
#define SQ_LIST_TAG   2
#define SQ_LIST_ASC   4

#define ACCOUNT_COLS                                                                               \
    "a.id, a.username, a.display_name, a.role, a.password_hash, a.created_at, a.disabled, a.note"

#define EVENT_COLS                                                                                 \
    "id, slug, title, hashtag, lang, char_limit, starts_at, ends_at, timezone, series, "           \
    "venue_name, venue_address, venue_url, attendance, context_md, disclaimer_md, "                \
    "conclusion_md, signature, state, created_by, audience_posts, moderation, comments, "          \
    "comments_until"

/*
 * The tags come back as one string split on U+001F, in the order they were
 * given: group_concat() follows the scan, and the only index that serves
 * post_id = ? is the primary key (post_id, position). An ORDER BY here would
 * cost a subquery per post, three times the price.
 */
/* The visible posts an account keeps in table (favourites, bookmarks), newest first. */
#define KEPT_POSTS(table)                                                                          \
    "SELECT " POST_COLS " FROM " table " f JOIN posts p ON p.id = f.post_id" POST_ACCOUNT          \
    " WHERE f.account_id = ?1 AND f.post_id < ?2 AND f.post_id > ?3 AND p.state = 'visible' "      \
    "ORDER BY f.post_id DESC LIMIT ?4"

#define POST_COLS                                                                                  \
    "p.id, p.event_id, p.account_id, a.username, p.text, p.html, p.speaker_name, "                 \
    "p.speaker_audience, p.speaker_label, p.lang, p.state, p.created_at, p.edited_at, p.likes, "   \
    "(SELECT group_concat(tag, char(31)) FROM post_tags WHERE post_id = p.id), p.visibility, "     \
    "p.in_reply_to_id, p.spoiler_text, p.sensitive"

#define POST_ACCOUNT " LEFT JOIN accounts a ON a.id = p.account_id"

/*
 * ?1 event, ?2 tag, ?3 max_id (INT64_MAX for none), ?4 since_id,
 * ?5 the state (NULL: any), ?6 limit. A form binds all six even when it reads fewer.
 */
#define POST_LIST(join, where, order)                                                              \
    "SELECT " POST_COLS " FROM posts p" join POST_ACCOUNT                                          \
    " WHERE p.id < ?3 AND p.id > ?4 AND (?5 IS NULL OR p.state = ?5)" where PUBLIC_ONLY BY_SPEAKER \
        WITH_MEDIA " ORDER BY " order " LIMIT ?6"
/* ?10: only the posts with pictures (a media tab, only_media) */
#define WITH_MEDIA " AND (?10 = 0 OR EXISTS (SELECT 1 FROM media m WHERE m.post_id = p.id))"
/* ?8: only this person's posts (NULL: anyone's); ?9: only the floor's */
#define BY_SPEAKER " AND (?8 IS NULL OR p.speaker_name = ?8) AND (?9 = 0 OR p.speaker_audience = 1)"
/* ?7: only what a public timeline shows: public posts, of no event or of one that is not a draft */
#define PUBLIC_ONLY                                                                                \
    " AND (?7 = 0 OR (p.visibility = 'public' AND (p.event_id IS NULL OR EXISTS (SELECT 1 FROM "   \
    "events ev WHERE ev.id = p.event_id AND ev.state <> 'draft'))))"
/* Ordered by the column of the index walked, so LIMIT stops the walk instead of a sort. */
#define BY_TAG   " JOIN post_tags t ON t.post_id = p.id AND t.tag = ?2"
#define BY_EVENT " AND p.event_id = ?1"
#define DESC     "p.id DESC"
#define ASC      "p.id ASC"
#define TAG_DESC "t.post_id DESC"
#define TAG_ASC  "t.post_id ASC"

static const char *const sq_sql[SQ_N_STMT] = {
    [SQ_BEGIN] = "BEGIN",
    [SQ_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [SQ_COMMIT] = "COMMIT",
    [SQ_SAVEPOINT] = "SAVEPOINT gz_part",
    [SQ_RELEASE] = "RELEASE gz_part",
    [SQ_ROLLBACK_TO] = "ROLLBACK TO gz_part",

    [SQ_ACCOUNT_ADD] =
        "INSERT INTO accounts (id, username, display_name, role, password_hash, "
        "created_at, disabled) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, " SQ_NOW "), ?7)",
    [SQ_ACCOUNT_BY_NAME] = "SELECT " ACCOUNT_COLS " FROM accounts a WHERE a.username = ?1",
    [SQ_ACCOUNT_BY_ID] = "SELECT " ACCOUNT_COLS " FROM accounts a WHERE a.id = ?1",
    [SQ_ACCOUNT_COUNT] = "SELECT count(*) FROM accounts",
    [SQ_ACCOUNT_SET_PASSWORD] = "UPDATE accounts SET password_hash = ?2 WHERE id = ?1",
    [SQ_ACCOUNT_SET_PROFILE] = "UPDATE accounts SET display_name = ?2, note = ?3 WHERE id = ?1",

    [SQ_TOKEN_ADD] = "INSERT INTO tokens (account_id, hash, scopes, created_at) "
                     "VALUES (?1, ?2, ?3, " SQ_NOW ")",
    [SQ_TOKEN_FIND] = "SELECT " ACCOUNT_COLS ", t.scopes FROM tokens t "
                      "JOIN accounts a ON a.id = t.account_id "
                      "WHERE t.hash = ?1 AND a.disabled = 0",

    /* expires_at is "YYYY-MM-DDTHH:MM:SSZ" like SQ_NOW, so text order is time order. */
    [SQ_SESSION_ADD] = "INSERT INTO sessions (account_id, hash, csrf, created_at, expires_at) "
                       "VALUES (?1, ?2, ?3, " SQ_NOW ", ?4)",
    [SQ_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= " SQ_NOW,
    [SQ_SESSION_FIND] = "SELECT " ACCOUNT_COLS ", s.csrf FROM sessions s "
                        "JOIN accounts a ON a.id = s.account_id "
                        "WHERE s.hash = ?1 AND s.expires_at > " SQ_NOW " AND a.disabled = 0",
    [SQ_SESSION_DELETE] = "DELETE FROM sessions WHERE hash = ?1",

    [SQ_EVENT_ADD] =
        "INSERT INTO events (id, slug, title, hashtag, lang, char_limit, starts_at, "
        "ends_at, timezone, series, venue_name, venue_address, venue_url, "
        "attendance, context_md, disclaimer_md, conclusion_md, signature, state, "
        "created_by, audience_posts, moderation, comments, comments_until, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, " SQ_NOW ")",
    [SQ_EVENT_GET] = "SELECT " EVENT_COLS " FROM events WHERE slug = ?1",
    [SQ_EVENT_GET_ID] = "SELECT " EVENT_COLS " FROM events WHERE id = ?1",
    [SQ_EVENT_UPDATE] = "UPDATE events SET slug = ?2, title = ?3, hashtag = ?4, lang = ?5, "
                        "char_limit = ?6, starts_at = ?7, ends_at = ?8, timezone = ?9, "
                        "series = ?10, venue_name = ?11, venue_address = ?12, venue_url = ?13, "
                        "attendance = ?14, context_md = ?15, disclaimer_md = ?16, "
                        "conclusion_md = ?17, signature = ?18, state = ?19, audience_posts = ?21, "
                        "moderation = ?22, comments = ?23, comments_until = ?24 WHERE id = ?1",
    [SQ_EVENT_DELETE] = "DELETE FROM events WHERE id = ?1",
    /* julianday() reads the offsets, so events of different zones sort in real time. */
    [SQ_EVENT_LIST] = "SELECT " EVENT_COLS " FROM events ORDER BY julianday(starts_at) IS NULL, "
                      "julianday(starts_at) DESC, id DESC",
    [SQ_PERSON_ADD] = "INSERT INTO event_people (event_id, position, name, affiliation, role, "
                      "aliases, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [SQ_PERSON_LIST] = "SELECT name, affiliation, role, aliases, url FROM event_people "
                       "WHERE event_id = ?1 ORDER BY position",
    [SQ_PERSON_CLEAR] = "DELETE FROM event_people WHERE event_id = ?1",
    [SQ_ORG_ADD] = "INSERT INTO event_orgs (event_id, position, kind, name, url) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQ_ORG_LIST] = "SELECT kind, name, url FROM event_orgs WHERE event_id = ?1 ORDER BY position",
    [SQ_ORG_CLEAR] = "DELETE FROM event_orgs WHERE event_id = ?1",
    [SQ_EDITOR_ADD] = "INSERT INTO event_editors (event_id, account_id) VALUES (?1, ?2) "
                      "ON CONFLICT DO NOTHING",
    [SQ_IS_EDITOR] = "SELECT 1 FROM event_editors WHERE event_id = ?1 AND account_id = ?2",

    [SQ_POST_ADD] =
        "INSERT INTO posts (id, event_id, account_id, speaker_name, speaker_audience, "
        "speaker_label, text, html, lang, state, created_at, edited_at, likes, visibility, "
        "in_reply_to_id, spoiler_text, sensitive) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, coalesce(?11, " SQ_NOW "), ?12, ?13, "
        "coalesce(?14, 'public'), ?15, coalesce(?16, ''), ?17)",
    [SQ_POST_GET] = "SELECT " POST_COLS " FROM posts p" POST_ACCOUNT " WHERE p.id = ?1",
    [SQ_POST_UPDATE] =
        "UPDATE posts SET text = ?2, html = ?3, speaker_name = ?4, "
        "speaker_audience = ?5, speaker_label = ?6, edited_at = " SQ_NOW " WHERE id = ?1",
    [SQ_POST_DELETE] = "DELETE FROM posts WHERE id = ?1",
    [SQ_POST_COUNT] = "SELECT count(*) FROM posts",
    [SQ_POST_SET_STATE] = "UPDATE posts SET state = ?2 WHERE id = ?1",
    [SQ_CHANGES_SINCE] = "SELECT seq, post_id, event_id, kind, tags FROM post_changes "
                         "WHERE seq > ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3",
    [SQ_CHANGES_OF_EVENT] = "SELECT seq, post_id, event_id, kind, tags FROM post_changes "
                            "WHERE event_id = ?4 AND seq > ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3",
    [SQ_CHANGES_LAST] = "SELECT coalesce(max(seq), 0) FROM post_changes",
    [SQ_TAG_ADD] = "INSERT INTO post_tags (post_id, tag, position) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT DO NOTHING",
    [SQ_TAG_CLEAR] = "DELETE FROM post_tags WHERE post_id = ?1",
    /*
     * Newest first: FTS5 walks its doclists backwards and stops at the limit,
     * where ranking would score every match (65 ms for 20,000 matches here).
     */
    [SQ_POST_SEARCH] =
        "SELECT " POST_COLS " FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid" POST_ACCOUNT
        " WHERE posts_fts MATCH ?1 AND p.state = 'visible' "
        "ORDER BY posts_fts.rowid DESC LIMIT ?2",
    /* Walks the index posts_account (account_id, id) backwards: no sort. */
    [SQ_POST_BY_ACCOUNT] = "SELECT " POST_COLS " FROM posts p" POST_ACCOUNT
                           " WHERE p.account_id = ?1 AND p.id < ?2 AND p.state = 'visible' "
                           "ORDER BY p.id DESC LIMIT ?3",
    /* walk the key (account_id, post_id) of favourites, bookmarks down from ?2 */
    [SQ_POST_FAVOURITED] = KEPT_POSTS("favourites"),
    [SQ_POST_BOOKMARKED] = KEPT_POSTS("bookmarks"),
    [SQ_POST_PINNED] =
        "SELECT " POST_COLS " FROM pins n JOIN posts p ON p.id = n.post_id" POST_ACCOUNT
        " WHERE p.account_id = ?1 AND p.state = 'visible' "
        "ORDER BY n.created_at DESC, p.id DESC LIMIT ?2",

    [SQ_POST_LIST + 0] = POST_LIST("", "", DESC),
    [SQ_POST_LIST + SQ_LIST_EVENT] = POST_LIST("", BY_EVENT, DESC),
    [SQ_POST_LIST + SQ_LIST_TAG] = POST_LIST(BY_TAG, "", TAG_DESC),
    [SQ_POST_LIST + SQ_LIST_EVENT + SQ_LIST_TAG] = POST_LIST(BY_TAG, BY_EVENT, TAG_DESC),
    [SQ_POST_LIST + SQ_LIST_ASC] = POST_LIST("", "", ASC),
    [SQ_POST_LIST + SQ_LIST_ASC + SQ_LIST_EVENT] = POST_LIST("", BY_EVENT, ASC),
    [SQ_POST_LIST + SQ_LIST_ASC + SQ_LIST_TAG] = POST_LIST(BY_TAG, "", TAG_ASC),
    [SQ_POST_LIST + SQ_LIST_ASC + SQ_LIST_EVENT + SQ_LIST_TAG] =
        POST_LIST(BY_TAG, BY_EVENT, TAG_ASC),
};

struct store {
    sqlite3 *db;
    int tx_depth;                  /* open transactions: store_begin() and the functions' own */
    bool tx_failed;                /* an inner one failed: the outermost rolls back */
    bool holds_write_lock;         /* this connection's write transaction holds write_lock */
    sqlite3_stmt *stmt[SQ_N_STMT]; /* prepared on first use, finalized at close */
    char errmsg[256];              /* what went wrong last, for store_errmsg() */
    int lock_fd;                   /* dir/gazouillis.lock, held shared (backup.c) */
};

static _Thread_local char open_error[512];
static _Atomic uint64_t last_id;

/* ---- errors ---- */

/*
 * The rc of the last failure on db. A full disk is RC_FULL however SQLite
 * met it: SQLITE_FULL from a write, or an I/O error (growing the -shm file,
 * an fsync, a truncate) whose errno says ENOSPC or EDQUOT. The other I/O
 * errors, and a lock held past the busy timeout, are RC_AGAIN: the
 * request may succeed later, when a broken file (corrupt) never will.
 */
static int
sq_rc(sqlite3 *db)
{
    int src = sqlite3_extended_errcode(db), err;

    switch (src) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return RC_CONFLICT;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return RC_NOTFOUND; /* the event or account it points to is not there */
    case SQLITE_IOERR_NOMEM:
        return RC_NOMEM;
    }
    switch (src & 0xff) {
    case SQLITE_CONSTRAINT: /* CHECK, NOT NULL: a value outside its set */
    case SQLITE_TOOBIG:
        return RC_INVALID;
    case SQLITE_FULL:
        return RC_FULL;
    case SQLITE_NOMEM:
        return RC_NOMEM;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        err = sqlite3_system_errno(db);
        if (err == ENOSPC || err == EDQUOT)
            return RC_FULL;
        return (src & 0xff) == SQLITE_IOERR ? RC_AGAIN : RC_IO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return RC_AGAIN;
    }
    return RC_IO;
}

/* RC_FULL or RC_AGAIN when the last failure on db is the disk's, else RC_OK. */
static int
sq_disk_rc(sqlite3 *db)
{
    int src = sqlite3_extended_errcode(db), rc = sq_rc(db);

    if (rc == RC_FULL || (rc == RC_AGAIN && (src & 0xff) == SQLITE_IOERR))
        return rc;
    return RC_OK;
}

/*
 * Called right after a SQLite call failed: keeps SQLite's message for
 * store_errmsg() and returns the rc. Failures that are not the caller's
 * doing are logged, a full or failing disk once per occurrence
 * (core/disk.c) however many requests it refuses; SQLite's messages name
 * columns, never bound values, so no secret reaches the log.
 */
int
sq_fail(struct store *st, const char *what)
{
    int rc = sq_rc(st->db), disk = sq_disk_rc(st->db);

    snprintf(st->errmsg, sizeof(st->errmsg), "cannot %s: %s", what, sqlite3_errmsg(st->db));
    if (disk != RC_OK)
        disk_write_failed(disk, what, sqlite3_errmsg(st->db));
    else if (rc == RC_IO || rc == RC_AGAIN || rc == RC_NOMEM)
        log_warnx("sqlite: %s", st->errmsg);
    return rc;
}

int
sq_notfound(struct store *st, const char *what)
{
    snprintf(st->errmsg, sizeof(st->errmsg), "cannot %s: not found", what);
    return RC_NOTFOUND;
}

int
sq_nomem(struct store *st, const char *what)
{
    snprintf(st->errmsg, sizeof(st->errmsg), "cannot %s: out of memory", what);
    return RC_NOMEM;
}

/* ---- statements ---- */

/* The cached statement id, prepared on first use with SQLite told it will live long. */
static int
sq_prepare(struct store *st, enum sq_stmt_id id, sqlite3_stmt **out /* OUT */)
{
    if (st->stmt[id] == NULL &&
        sqlite3_prepare_v3(st->db, sq_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                           NULL) != SQLITE_OK) {
        *out = NULL;
        return sq_fail(st, "prepare a statement");
    }
    *out = st->stmt[id];
    return RC_OK;
}

int
sq_prepare_sql(struct store *st, int slot, const char *sql, sqlite3_stmt **out /* OUT */)
{
    sqlite3_stmt **cached;

    if (slot < 0 || slot >= SQ_EXTRA_SLOTS) {
        *out = NULL;
        snprintf(st->errmsg, sizeof(st->errmsg), "statement slot %d out of range", slot);
        return RC_INVALID;
    }
    cached = &st->stmt[SQ_EXTRA + slot];
    if (*cached == NULL &&
        sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, cached, NULL) != SQLITE_OK) {
        *out = NULL;
        return sq_fail(st, "prepare a statement");
    }
    *out = *cached;
    return RC_OK;
}

/*
 * Hands a cached statement back: reset, so it ends its read and lets WAL
 * checkpoints proceed, and its bindings cleared, so no caller's string is
 * kept. Accepts NULL.
 */
void
sq_release(sqlite3_stmt *stmt)
{
    if (stmt != NULL) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
}

/* Steps a bound statement that returns no row, then releases it. */
int
sq_run(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt) == SQLITE_DONE ? RC_OK : sq_fail(st, what);

    sq_release(stmt);
    return rc;
}

/* Steps a bound statement to its first row: RC_OK on a row, RC_NOTFOUND on none. */
int
sq_row(struct store *st, sqlite3_stmt *stmt, const char *what)
{
    int src = sqlite3_step(stmt);

    if (src == SQLITE_ROW)
        return RC_OK;
    if (src == SQLITE_DONE)
        return sq_notfound(st, what);
    return sq_fail(st, what);
}

/* Runs a cached statement without parameters (BEGIN, COMMIT). */
static int
sq_simple(struct store *st, enum sq_stmt_id id, const char *what)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, id, &stmt)) != RC_OK)
        return rc;
    return sq_run(st, stmt, what);
}

/*
 * Column col as a copy in ar; SQL NULL stays NULL. Sets *nomem when the
 * arena (or SQLite's conversion) runs out of memory.
 */
char *
sq_text(sqlite3_stmt *stmt, int col, struct arena *ar, bool *nomem)
{
    const unsigned char *s;
    char *copy;

    if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
        return NULL;
    if ((s = sqlite3_column_text(stmt, col)) == NULL ||
        (copy = arena_strndup(ar, (const char *)s, (size_t)sqlite3_column_bytes(stmt, col))) ==
            NULL) {
        *nomem = true;
        return NULL;
    }
    return copy;
}

/*
 * Room for item n of an arena array of *cap items of size bytes: the same
 * array, or a copy twice as big (the old one stays in the arena until it
 * is released). NULL when out of memory.
 */
void *
sq_grow(struct arena *ar, void *items, size_t n, size_t *cap, size_t size)
{
    size_t want;
    void *bigger;

    if (n < *cap)
        return items;
    want = *cap != 0 ? *cap * 2 : 8;
    if (want > SIZE_MAX / size || (bigger = arena_alloc(ar, want * size)) == NULL)
        return NULL;
    if (n != 0)
        memcpy(bigger, items, n * size);
    *cap = want;
    return bigger;
}

/* sqlite3_exec callback: a row exists. */
static int
sq_exists_cb(void *flag, int n, char **values, char **names)
{
    (void)n;
    (void)values;
    (void)names;
    *(int *)flag = 1;
    return 0;
}

/* ---- transactions ---- */

/*
 * Transactions nest: inside store_begin() ... store_commit(), the
 * functions' own transactions are part of the caller's, and a failure in
 * one of them makes the whole one roll back (st->tx_failed).
 */

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void
release_write_lock(struct store *st)
{
    if (st->holds_write_lock) {
        st->holds_write_lock = false;
        pthread_mutex_unlock(&write_lock);
    }
}

/* Starts a transaction: BEGIN IMMEDIATE for a write, so it never fails half-way on a lock. */
int
sq_begin(struct store *st, bool write)
{
    int rc;

    if (st->tx_depth > 0) {
        st->tx_depth++;
        return RC_OK;
    }
    /* Writers of this process queue on a mutex, handed over at once,
     * rather than in SQLite's busy handler, which sleeps milliseconds. */
    if (write) {
        pthread_mutex_lock(&write_lock);
        st->holds_write_lock = true;
    }
    if ((rc = sq_simple(st, write ? SQ_BEGIN_WRITE : SQ_BEGIN, "begin a transaction")) == RC_OK) {
        st->tx_depth = 1;
        st->tx_failed = false;
    } else {
        release_write_lock(st);
    }
    return rc;
}

static int
sq_commit(struct store *st)
{
    int rc;

    if (st->tx_depth > 1) {
        st->tx_depth--;
        return RC_OK;
    }
    rc = sq_simple(st, SQ_COMMIT, "commit");
    if (rc == RC_OK) {
        st->tx_depth = 0;
        release_write_lock(st);
    }
    return rc;
}

/* Undoes the open transaction, if any; called on every failure path after sq_begin(). */
static void
sq_rollback(struct store *st)
{
    if (st->tx_depth > 1) {
        st->tx_depth--;
        st->tx_failed = true; /* the outer transaction will roll back */
        return;
    }
    st->tx_depth = 0;
    if (!sqlite3_get_autocommit(st->db) &&
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
        log_warnx("sqlite: cannot roll back: %s", sqlite3_errmsg(st->db));
    release_write_lock(st);
}

/* Ends a transaction: commits when rc is RC_OK, else rolls back. Returns the final rc. */
int
sq_end(struct store *st, int rc)
{
    if (rc == RC_OK)
        rc = sq_commit(st);
    if (rc != RC_OK)
        sq_rollback(st);
    return rc;
}

int
store_begin(struct store *st)
{
    return sq_begin(st, true);
}

int
store_commit(struct store *st)
{
    if (st->tx_depth == 1 && st->tx_failed) {
        sq_rollback(st);
        return RC_IO;
    }
    return sq_end(st, RC_OK);
}

void
store_rollback(struct store *st)
{
    if (st->tx_depth > 0) {
        st->tx_depth = 1;
        sq_rollback(st);
    }
}

int
store_savepoint(struct store *st)
{
    int rc;

    if (st->tx_depth != 1 || st->tx_failed)
        return RC_INVALID;
    if ((rc = sq_simple(st, SQ_SAVEPOINT, "begin a part of a transaction")) != RC_OK)
        return rc;
    st->tx_depth = 2;
    return RC_OK;
}

int
store_savepoint_end(struct store *st, bool keep)
{
    bool failed = st->tx_failed;
    int rc = RC_OK;

    if (st->tx_depth < 2)
        return RC_INVALID;
    st->tx_depth = 1;
    st->tx_failed = false;
    if (sqlite3_get_autocommit(st->db)) {
        /* SQLite rolled the whole transaction back (SQLITE_FULL, an I/O error) */
        rc = sq_rc(st->db);
        snprintf(st->errmsg, sizeof(st->errmsg), "the transaction was lost: %s",
                 sqlite3_errmsg(st->db));
        sq_rollback(st);
        return rc == RC_FULL || rc == RC_AGAIN || rc == RC_NOMEM ? rc : RC_IO;
    }
    if (!keep || failed)
        rc = sq_simple(st, SQ_ROLLBACK_TO, "undo a part of a transaction");
    if (rc == RC_OK)
        rc = sq_simple(st, SQ_RELEASE, "end a part of a transaction");
    if (rc != RC_OK)
        sq_rollback(st);
    return rc;
}

/*
 * Steps an INSERT whose ?1 is the row id: the caller's when non-zero, else
 * a fresh store_new_id(), and another if a second process drew the same id
 * in the same millisecond. The statement is released.
 */
int
sq_insert_id(struct store *st, sqlite3_stmt *stmt, int64_t id, int64_t *id_out, const char *what)
{
    bool fresh = id == 0;
    int rc = RC_OK, tries;

    for (tries = 1;; tries++) {
        if (fresh)
            id = store_new_id();
        if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK) {
            rc = sq_fail(st, what);
            break;
        }
        if (sqlite3_step(stmt) == SQLITE_DONE)
            break;
        rc = sq_fail(st, what);
        if (!fresh || tries == SQ_ID_TRIES ||
            sqlite3_extended_errcode(st->db) != SQLITE_CONSTRAINT_PRIMARYKEY)
            break;
        sqlite3_reset(stmt); /* keeps the other bindings */
        rc = RC_OK;
    }
    sq_release(stmt);
    if (rc == RC_OK && id_out != NULL)
        *id_out = id;
    return rc;
}

/* ---- opening ---- */

static void open_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
open_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(open_error, sizeof(open_error), fmt, ap);
    va_end(ap);
}

const char *
store_open_error(void)
{
    return open_error;
}

/* One row of one text column, e.g. of PRAGMA journal_mode; "" when none. */
static int
sq_pragma(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    const unsigned char *s;
    int src;

    buf[0] = '\0';
    if ((src = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        goto out;
    if ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((s = sqlite3_column_text(stmt, 0)) != NULL)
            snprintf(buf, size, "%s", (const char *)s);
        src = SQLITE_OK;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK;
    }
out:
    sqlite3_finalize(stmt);
    return src;
}

/* The schema version of the database at path into *out; says why it cannot. */
static int
sq_version(struct store *st, const char *path, long *out)
{
    char buf[32];

    if (sq_pragma(st->db, "PRAGMA user_version", buf, sizeof(buf)) != SQLITE_OK) {
        open_fail("cannot read the schema version of '%s': %s", path, sqlite3_errmsg(st->db));
        return sq_rc(st->db);
    }
    *out = strtol(buf, NULL, 10);
    if (*out > STORE_SCHEMA_VERSION || *out < 0) {
        open_fail("%s has schema version %ld, this gazouillis knows up to %d: upgrade gazouillis",
                  path, *out, STORE_SCHEMA_VERSION);
        return RC_INVALID;
    }
    return RC_OK;
}

/*
 * Brings the schema of the database at path up to STORE_SCHEMA_VERSION in
 * one transaction, or refuses a database written by a newer gazouillis. An
 * up-to-date database is only read, so opening takes no write lock.
 */
static int
sq_migrate(struct store *st, const char *path)
{
    char sql[96], cookie[32];
    long version, from;
    int rc;

    if ((rc = sq_version(st, path, &version)) != RC_OK || version == STORE_SCHEMA_VERSION)
        return rc;
    /*
     * Foreign keys off while a script rebuilds a table (schema 5 rebuilds
     * posts): dropping the old one must not cascade to the rows that point
     * at it. foreign_key_check proves them whole before the commit.
     */
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE", NULL, NULL, NULL) !=
        SQLITE_OK) {
        open_fail("cannot upgrade '%s': %s", path, sqlite3_errmsg(st->db));
        rc = sq_rc(st->db);
        sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        return rc;
    }
    /* Read again under the lock: another process may have upgraded it meanwhile. */
    if ((rc = sq_version(st, path, &version)) != RC_OK || version == STORE_SCHEMA_VERSION)
        goto out;
    for (from = version; version < STORE_SCHEMA_VERSION; version++) {
        if (sqlite3_exec(st->db, sq_migrations[version], NULL, NULL, NULL) != SQLITE_OK) {
            rc = sq_rc(st->db);
            open_fail("cannot upgrade '%s' from schema version %ld: %s", path, version,
                      sqlite3_errmsg(st->db));
            goto out;
        }
    }
    {
        int broken = 0;
        if (sqlite3_exec(st->db, "PRAGMA foreign_key_check", sq_exists_cb, &broken, NULL) !=
                SQLITE_OK ||
            broken) {
            rc = RC_IO;
            open_fail("cannot upgrade '%s': rows point at rows that are not there", path);
            goto out;
        }
    }
    /*
     * A script may edit sqlite_schema itself (schema 6), which does not tell
     * other connections to reload the schema as DDL does: the schema cookie,
     * bumped here, does. A cookie one higher than needed is harmless.
     */
    if (sq_pragma(st->db, "PRAGMA schema_version", cookie, sizeof(cookie)) != SQLITE_OK) {
        rc = sq_rc(st->db);
        open_fail("cannot upgrade '%s': %s", path, sqlite3_errmsg(st->db));
        goto out;
    }
    snprintf(sql, sizeof(sql), "PRAGMA schema_version = %lld; PRAGMA user_version = %d",
             strtoll(cookie, NULL, 10) + 1, STORE_SCHEMA_VERSION);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sq_rc(st->db);
        open_fail("cannot upgrade '%s': %s", path, sqlite3_errmsg(st->db));
        goto out;
    }
    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    if (from == 0)
        log_info("store: created '%s' (schema version %d)", path, STORE_SCHEMA_VERSION);
    else
        log_info("store: upgraded '%s' from schema version %ld to %d", path, from,
                 STORE_SCHEMA_VERSION);
    return RC_OK;
out:
    sq_rollback(st); /* also ends the transaction when there was nothing to do */
    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return rc;
}

static void (*_Atomic checkpoint_notify)(void); /* set while other threads commit */

void
store_checkpoint_elsewhere(void (*notify)(void))
{
    checkpoint_notify = notify;
}

static void (*_Atomic commit_notify)(void);

void
store_commit_notify(void (*notify)(void))
{
    commit_notify = notify;
}

/* After each commit: the WAL holds pages pages. */
static int
sq_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    void (*notify)(void) = checkpoint_notify, (*committed)(void) = commit_notify;
    int err;

    (void)arg;
    disk_write_ok(); /* a write went through: the disk takes them again */
    if (committed != NULL)
        committed();
    if (pages < STORE_CHECKPOINT_PAGES)
        return SQLITE_OK;
    if (notify != NULL)
        notify();
    else if ((err = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL)) !=
             SQLITE_OK) {
        /*
         * SQLITE_LOCKED: this connection is still inside a transaction
         * (one of its statements is still reading), so the checkpoint
         * waits for a later commit or the close: nothing is wrong, and
         * nothing is said (processes without a checkpointer thread, such
         * as the unit tests, said it now and then).
         */
        if ((err & 0xff) == SQLITE_LOCKED)
            return SQLITE_OK;
        if ((err = sq_disk_rc(db)) != RC_OK)
            disk_write_failed(err, "checkpoint", sqlite3_errmsg(db));
        else
            log_warnx("sqlite: checkpoint failed: %s", sqlite3_errmsg(db));
    }
    return SQLITE_OK; /* the commit itself succeeded either way */
}

/*
 * A passive checkpoint alone never lets the WAL start over under a steady
 * stream of commits: by the time it has copied what it saw, more frames
 * were appended, and SQLite rewinds the WAL only after a complete one. So
 * the bulk is copied first while writers go on, then the few frames
 * appended meanwhile with this process's writers held back (write_lock),
 * which lets the RESTART complete and the next commit write from the start.
 */
#define RESTART_WAIT_MS 50

int
store_checkpoint_passive(struct store *st)
{
    int rc = RC_OK, src;

    if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK)
        return sq_fail(st, "checkpoint");
    /* a reader still on old frames makes it wait, so not for long: the
     * writers are waiting too; busy just means next time */
    pthread_mutex_lock(&write_lock);
    sqlite3_busy_timeout(st->db, RESTART_WAIT_MS);
    if ((src = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL)) !=
            SQLITE_OK &&
        src != SQLITE_BUSY)
        rc = sq_fail(st, "checkpoint");
    sqlite3_busy_timeout(st->db, SQ_BUSY_TIMEOUT_MS);
    pthread_mutex_unlock(&write_lock);
    return rc;
}

static _Atomic int sync_mode = STORE_SYNC_NORMAL;

void
store_set_sync(enum store_sync sync)
{
    sync_mode = sync;
}

enum store_sync
store_get_sync(void)
{
    return (enum store_sync)sync_mode;
}

int
store_open(const char *dir, struct store **out)
{
    struct store *st = NULL;
    struct stat sb;
    char path[PATH_MAX], mode[16];
    int rc = RC_IO, err;

    *out = NULL;
    open_error[0] = '\0';
    store_memory_install();
    if (sqlite3_threadsafe() == 0) {
        open_fail("this SQLite is built without thread support");
        return RC_INVALID;
    }
    if (mkdir(dir, 0700) != 0 && (err = errno) != EEXIST) {
        open_fail("cannot create directory '%s': %s", dir, strerror(err));
        return err == ENOSPC ? RC_FULL : RC_IO;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        open_fail("'%s' is not a directory", dir);
        return RC_INVALID;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/gazouillis.db", dir) >= sizeof(path)) {
        open_fail("data directory name too long: '%.64s...'", dir);
        return RC_INVALID;
    }
    if ((st = calloc(1, sizeof(*st))) == NULL) {
        open_fail("cannot open '%s': out of memory", path);
        return RC_NOMEM;
    }
    if ((rc = sq_data_lock(dir, false, &st->lock_fd, open_error, sizeof(open_error))) != RC_OK) {
        free(st);
        return rc;
    }
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        open_fail("cannot open '%s': %s", path,
                  st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
        rc = st->db != NULL ? sq_rc(st->db) : RC_NOMEM;
        goto out;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, SQ_BUSY_TIMEOUT_MS);
    /* journal_mode answers with the mode it got: anything but "wal" is a failure. */
    if (sq_pragma(st->db, "PRAGMA journal_mode = WAL", mode, sizeof(mode)) != SQLITE_OK ||
        strcmp(mode, "wal") != 0) {
        rc = sq_rc(st->db);
        open_fail("cannot use '%s' in WAL mode: %s", path,
                  mode[0] != '\0' ? mode : sqlite3_errmsg(st->db));
        goto out;
    }
    /* journal_size_limit: the WAL file shrinks back after a checkpoint
     * (mmap was tried and dropped: a growing file is remapped at every write).
     * cache_size: 1 MiB of pages per connection (SQLite's default is 2), as
     * the server holds one per thread and renders its hot pages once anyway.
     * temp_store: a statement inside a transaction (a savepoint of the
     * writer's group commit, a post of an import) keeps its statement journal
     * in memory, not in a temporary file opened, written and closed per
     * statement (three quarters of an import's time). */
    if (sqlite3_exec(st->db,
                     sync_mode == STORE_SYNC_FULL ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db,
                     "PRAGMA foreign_keys = ON; "
                     "PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -1024; "
                     "PRAGMA temp_store = MEMORY",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = sq_rc(st->db);
        open_fail("cannot set up '%s': %s", path, sqlite3_errmsg(st->db));
        goto out;
    }
    if ((rc = sq_migrate(st, path)) != RC_OK)
        goto out;
    sqlite3_wal_hook(st->db, sq_wal_hook, NULL); /* in place of SQLite's autocheckpoint */
    *out = st;
    return RC_OK;
out:
    sqlite3_close(st->db); /* harmless on NULL */
    close(st->lock_fd);
    free(st);
    return rc;
}

void
store_close(struct store *st)
{
    size_t i;

    if (st == NULL)
        return;
    for (i = 0; i < SQ_N_STMT; i++)
        sqlite3_finalize(st->stmt[i]);
    /* Lets SQLite refresh its planner statistics where they went stale. */
    sqlite3_exec(st->db, "PRAGMA optimize", NULL, NULL, NULL);
    if (sqlite3_close(st->db) != SQLITE_OK)
        log_warnx("sqlite: cannot close: %s", sqlite3_errmsg(st->db));
    close(st->lock_fd); /* after the database: a restore may go on */
    free(st);
}

sqlite3 *
sq_db(struct store *st)
{
    return st->db;
}

const char *
store_errmsg(struct store *st)
{
    return st != NULL ? st->errmsg : "no store";
}

int
store_checkpoint(struct store *st)
{
    if (sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
        SQLITE_OK)
        return sq_fail(st, "checkpoint");
    return RC_OK;
}

/*
 * Milliseconds since 1970 in the high bits, a sequence in the low 16. When
 * the clock has not moved (or went back), the last id plus one: ids stay
 * strictly increasing in this process, at the cost of running a little
 * ahead of the clock under a burst of more than 65536 ids a millisecond.
 */
int64_t
store_new_id(void)
{
    struct timespec ts;
    uint64_t now, last, next;

    clock_gettime(CLOCK_REALTIME, &ts);
    now = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) << 16;
    last = atomic_load(&last_id);
    do
        next = now > last ? now : last + 1;
    while (!atomic_compare_exchange_weak(&last_id, &last, next));
    return (int64_t)next;
}

const char *
store_time_now(char buf[STORE_TIME_SIZE])
{
    time_t now = time(NULL);
    struct tm tm;

    if (gmtime_r(&now, &tm) == NULL ||
        strftime(buf, STORE_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) != STORE_TIME_SIZE - 1)
        snprintf(buf, STORE_TIME_SIZE, "1970-01-01T00:00:00Z");
    return buf;
}

/* ---- accounts ---- */

static int
sq_read_account(sqlite3_stmt *stmt, struct arena *ar, struct account *a /* OUT */)
{
    bool nomem = false;

    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(stmt, 0);
    a->username = sq_text(stmt, 1, ar, &nomem);
    a->display_name = sq_text(stmt, 2, ar, &nomem);
    a->role = sq_text(stmt, 3, ar, &nomem);
    a->password_hash = sq_text(stmt, 4, ar, &nomem);
    a->created_at = sq_text(stmt, 5, ar, &nomem);
    a->disabled = sqlite3_column_int(stmt, 6) != 0;
    a->note = sq_text(stmt, 7, ar, &nomem);
    return nomem ? RC_NOMEM : RC_OK;
}

int
store_account_add(struct store *st, const struct account *a, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_ACCOUNT_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_text(stmt, 2, a->username, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, a->display_name != NULL ? a->display_name : "", -1,
                          SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, a->role != NULL ? a->role : "member", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, a->password_hash != NULL ? a->password_hash : "", -1,
                          SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, a->created_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 7, a->disabled) != SQLITE_OK) {
        rc = sq_fail(st, "add account");
        sq_release(stmt);
        return rc;
    }
    return sq_insert_id(st, stmt, a->id, id_out, "add account");
}

/* The one account stmt (bound by the caller) selects, then releases stmt. */
static int
sq_account_one(struct store *st, sqlite3_stmt *stmt, struct arena *ar, struct account *out)
{
    int rc;

    if ((rc = sq_row(st, stmt, "find account")) == RC_OK &&
        (rc = sq_read_account(stmt, ar, out)) != RC_OK)
        rc = sq_nomem(st, "find account");
    sq_release(stmt);
    return rc;
}

int
store_account_by_name(struct store *st, struct arena *ar, const char *username, struct account *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_ACCOUNT_BY_NAME, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_text(stmt, 1, username, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "find account");
        sq_release(stmt);
        return rc;
    }
    return sq_account_one(st, stmt, ar, out);
}

int
store_account_by_id(struct store *st, struct arena *ar, int64_t id, struct account *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_ACCOUNT_BY_ID, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK) {
        rc = sq_fail(st, "find account");
        sq_release(stmt);
        return rc;
    }
    return sq_account_one(st, stmt, ar, out);
}

/* The count(*) a cached statement returns. */
static int
sq_count(struct store *st, enum sq_stmt_id id, int64_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, id, &stmt)) != RC_OK)
        return rc;
    if ((rc = sq_row(st, stmt, "count")) == RC_OK)
        *n_out = sqlite3_column_int64(stmt, 0);
    sq_release(stmt);
    return rc;
}

int
store_account_count(struct store *st, int64_t *n_out)
{
    return sq_count(st, SQ_ACCOUNT_COUNT, n_out);
}

int
store_account_set_password(struct store *st, int64_t id, const char *password_hash)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_ACCOUNT_SET_PASSWORD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, password_hash, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "set password");
        sq_release(stmt);
        return rc;
    }
    if ((rc = sq_run(st, stmt, "set password")) == RC_OK && sqlite3_changes(st->db) == 0)
        rc = sq_notfound(st, "set password");
    return rc;
}

int
store_account_set_profile(struct store *st, int64_t id, const char *display_name, const char *note)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_ACCOUNT_SET_PROFILE, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, display_name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, note, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "set profile");
        sq_release(stmt);
        return rc;
    }
    if ((rc = sq_run(st, stmt, "set profile")) == RC_OK && sqlite3_changes(st->db) == 0)
        rc = sq_notfound(st, "set profile");
    return rc;
}

/* ---- tokens ---- */

int
store_token_add(struct store *st, int64_t account_id, const unsigned char hash[32],
                const char *scopes, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_TOKEN_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, account_id) != SQLITE_OK ||
        sqlite3_bind_blob(stmt, 2, hash, 32, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, scopes != NULL ? scopes : "read", -1, SQLITE_STATIC) !=
            SQLITE_OK) {
        rc = sq_fail(st, "add token");
        sq_release(stmt);
        return rc;
    }
    if ((rc = sq_run(st, stmt, "add token")) == RC_OK && id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(st->db);
    return rc;
}

int
store_token_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                 struct account *out, const char **scopes_out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    const char *scopes;
    int rc;

    if ((rc = sq_prepare(st, SQ_TOKEN_FIND, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "find token");
        goto out;
    }
    if ((rc = sq_row(st, stmt, "find token")) != RC_OK)
        goto out;
    scopes = sq_text(stmt, 8, ar, &nomem);
    if ((rc = sq_read_account(stmt, ar, out)) != RC_OK || nomem) {
        rc = sq_nomem(st, "find token");
        goto out;
    }
    if (scopes_out != NULL)
        *scopes_out = scopes;
out:
    sq_release(stmt);
    return rc;
}

/* ---- sessions (the cookie's secret is never stored: its SHA-256) ---- */

int
store_session_add(struct store *st, int64_t account_id, const unsigned char hash[32],
                  const char *csrf, time_t expires_at)
{
    sqlite3_stmt *stmt = NULL;
    struct tm tm;
    char expires[24];
    int rc;

    if (csrf == NULL || gmtime_r(&expires_at, &tm) == NULL ||
        strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
        return RC_INVALID;
    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    /* Expired sessions go as new ones come: the table never outgrows its users. */
    if ((rc = sq_prepare(st, SQ_SESSION_PURGE, &stmt)) != RC_OK ||
        (rc = sq_run(st, stmt, "purge sessions")) != RC_OK)
        goto out;
    if ((rc = sq_prepare(st, SQ_SESSION_ADD, &stmt)) != RC_OK)
        goto out;
    if (sqlite3_bind_int64(stmt, 1, account_id) != SQLITE_OK ||
        sqlite3_bind_blob(stmt, 2, hash, 32, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, csrf, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, expires, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "add session");
        sq_release(stmt);
        goto out;
    }
    rc = sq_run(st, stmt, "add session");
out:
    return sq_end(st, rc);
}

int
store_session_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                   struct account *out, const char **csrf_out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    const char *csrf;
    int rc;

    if ((rc = sq_prepare(st, SQ_SESSION_FIND, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "find session");
        goto out;
    }
    if ((rc = sq_row(st, stmt, "find session")) != RC_OK)
        goto out;
    csrf = sq_text(stmt, 8, ar, &nomem);
    if ((rc = sq_read_account(stmt, ar, out)) != RC_OK || nomem) {
        rc = sq_nomem(st, "find session");
        goto out;
    }
    if (csrf_out != NULL)
        *csrf_out = csrf;
out:
    sq_release(stmt);
    return rc;
}

int
store_session_delete(struct store *st, const unsigned char hash[32])
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_SESSION_DELETE, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "delete session");
        sq_release(stmt);
        return rc;
    }
    if ((rc = sq_run(st, stmt, "delete session")) == RC_OK && sqlite3_changes(st->db) == 0)
        rc = sq_notfound(st, "delete session");
    return rc;
}

/* ---- events ---- */

/* Binds ?2..?19, the fields that SQ_EVENT_ADD and SQ_EVENT_UPDATE share. */
static int
sq_bind_event(sqlite3_stmt *stmt, const struct event *e)
{
    const char *texts[] = {e->slug, e->title, e->hashtag, e->lang};
    const char *more[] = {e->starts_at,  e->ends_at,       e->timezone, e->series,
                          e->venue_name, e->venue_address, e->venue_url};
    const char *docs[] = {e->context_md, e->disclaimer_md, e->conclusion_md, e->signature};
    int i, src = SQLITE_OK;

    for (i = 0; i < 4 && src == SQLITE_OK; i++)
        src = sqlite3_bind_text(stmt, 2 + i, texts[i], -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(stmt, 6, e->char_limit > 0 ? e->char_limit : 140);
    for (i = 0; i < 7 && src == SQLITE_OK; i++)
        src = sqlite3_bind_text(stmt, 7 + i, more[i], -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = e->attendance >= 0 ? sqlite3_bind_int64(stmt, 14, e->attendance)
                                 : sqlite3_bind_null(stmt, 14);
    for (i = 0; i < 4 && src == SQLITE_OK; i++)
        src = sqlite3_bind_text(stmt, 15 + i, docs[i], -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(stmt, 19, e->state != NULL ? e->state : "draft", -1, SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(stmt, 21, e->audience_posts);
    if (src == SQLITE_OK)
        src = sqlite3_bind_int(stmt, 22, e->moderation);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(stmt, 23, e->comments != NULL ? e->comments : "members", -1,
                                SQLITE_STATIC);
    if (src == SQLITE_OK)
        src = sqlite3_bind_text(stmt, 24, e->comments_until, -1, SQLITE_STATIC);
    return src;
}

/* Inserts the people and organizations of e under event_id, in their order. */
static int
sq_event_members(struct store *st, int64_t event_id, const struct event *e)
{
    sqlite3_stmt *stmt;
    const struct person *p;
    const struct org *o;
    size_t i;
    int rc;

    if ((rc = sq_prepare(st, SQ_PERSON_ADD, &stmt)) != RC_OK)
        return rc;
    for (i = 0; i < e->n_people; i++) {
        p = &e->people[i];
        if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK ||
            sqlite3_bind_int64(stmt, 2, (int64_t)i) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 3, p->name, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 4, p->affiliation != NULL ? p->affiliation : "", -1,
                              SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 5, p->role, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 6, p->aliases_json != NULL ? p->aliases_json : "[]", -1,
                              SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 7, p->url, -1, SQLITE_STATIC) != SQLITE_OK) {
            rc = sq_fail(st, "add person");
            sq_release(stmt);
            return rc;
        }
        if ((rc = sq_run(st, stmt, "add person")) != RC_OK)
            return rc;
    }
    if ((rc = sq_prepare(st, SQ_ORG_ADD, &stmt)) != RC_OK)
        return rc;
    for (i = 0; i < e->n_orgs; i++) {
        o = &e->orgs[i];
        if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK ||
            sqlite3_bind_int64(stmt, 2, (int64_t)i) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 3, o->kind, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 4, o->name, -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 5, o->url, -1, SQLITE_STATIC) != SQLITE_OK) {
            rc = sq_fail(st, "add organization");
            sq_release(stmt);
            return rc;
        }
        if ((rc = sq_run(st, stmt, "add organization")) != RC_OK)
            return rc;
    }
    return RC_OK;
}

int
store_event_add(struct store *st, const struct event *e, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int64_t id = 0;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, SQ_EVENT_ADD, &stmt)) != RC_OK)
        goto out;
    if (sq_bind_event(stmt, e) != SQLITE_OK ||
        (e->created_by != 0 ? sqlite3_bind_int64(stmt, 20, e->created_by)
                            : sqlite3_bind_null(stmt, 20)) != SQLITE_OK) {
        rc = sq_fail(st, "add event");
        sq_release(stmt);
        goto out;
    }
    if ((rc = sq_insert_id(st, stmt, e->id, &id, "add event")) != RC_OK)
        goto out;
    rc = sq_event_members(st, id, e);
out:
    if ((rc = sq_end(st, rc)) == RC_OK && id_out != NULL)
        *id_out = id;
    return rc;
}

static int
sq_read_event(sqlite3_stmt *stmt, struct arena *ar, struct event *e /* OUT */)
{
    bool nomem = false;

    memset(e, 0, sizeof(*e));
    e->id = sqlite3_column_int64(stmt, 0);
    e->slug = sq_text(stmt, 1, ar, &nomem);
    e->title = sq_text(stmt, 2, ar, &nomem);
    e->hashtag = sq_text(stmt, 3, ar, &nomem);
    e->lang = sq_text(stmt, 4, ar, &nomem);
    e->char_limit = sqlite3_column_int(stmt, 5);
    e->starts_at = sq_text(stmt, 6, ar, &nomem);
    e->ends_at = sq_text(stmt, 7, ar, &nomem);
    e->timezone = sq_text(stmt, 8, ar, &nomem);
    e->series = sq_text(stmt, 9, ar, &nomem);
    e->venue_name = sq_text(stmt, 10, ar, &nomem);
    e->venue_address = sq_text(stmt, 11, ar, &nomem);
    e->venue_url = sq_text(stmt, 12, ar, &nomem);
    e->attendance =
        sqlite3_column_type(stmt, 13) == SQLITE_NULL ? -1 : sqlite3_column_int64(stmt, 13);
    e->context_md = sq_text(stmt, 14, ar, &nomem);
    e->disclaimer_md = sq_text(stmt, 15, ar, &nomem);
    e->conclusion_md = sq_text(stmt, 16, ar, &nomem);
    e->signature = sq_text(stmt, 17, ar, &nomem);
    e->state = sq_text(stmt, 18, ar, &nomem);
    e->created_by = sqlite3_column_int64(stmt, 19) /* 0 for NULL */;
    e->audience_posts = sqlite3_column_int(stmt, 20) != 0;
    e->moderation = sqlite3_column_int(stmt, 21) != 0;
    e->comments = sq_text(stmt, 22, ar, &nomem);
    e->comments_until = sq_text(stmt, 23, ar, &nomem);
    return nomem ? RC_NOMEM : RC_OK;
}

/* Fills e->people and e->orgs from the tables, in position order. */
static int
sq_read_members(struct store *st, struct arena *ar, struct event *e)
{
    sqlite3_stmt *stmt;
    struct person *p;
    struct org *o;
    size_t cap = 0;
    bool nomem = false;
    int rc, src;

    if ((rc = sq_prepare(st, SQ_PERSON_LIST, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, e->id) != SQLITE_OK) {
        rc = sq_fail(st, "read people");
        goto out;
    }
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((e->people = sq_grow(ar, e->people, e->n_people, &cap, sizeof(*p))) == NULL) {
            rc = sq_nomem(st, "read people");
            goto out;
        }
        p = &e->people[e->n_people++];
        p->name = sq_text(stmt, 0, ar, &nomem);
        p->affiliation = sq_text(stmt, 1, ar, &nomem);
        p->role = sq_text(stmt, 2, ar, &nomem);
        p->aliases_json = sq_text(stmt, 3, ar, &nomem);
        p->url = sq_text(stmt, 4, ar, &nomem);
    }
    if (src != SQLITE_DONE) {
        rc = sq_fail(st, "read people");
        goto out;
    }
    sq_release(stmt);
    cap = 0;
    if ((rc = sq_prepare(st, SQ_ORG_LIST, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, e->id) != SQLITE_OK) {
        rc = sq_fail(st, "read organizations");
        goto out;
    }
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((e->orgs = sq_grow(ar, e->orgs, e->n_orgs, &cap, sizeof(*o))) == NULL) {
            rc = sq_nomem(st, "read organizations");
            goto out;
        }
        o = &e->orgs[e->n_orgs++];
        o->kind = sq_text(stmt, 0, ar, &nomem);
        o->name = sq_text(stmt, 1, ar, &nomem);
        o->url = sq_text(stmt, 2, ar, &nomem);
    }
    if (src != SQLITE_DONE)
        rc = sq_fail(st, "read organizations");
    else if (nomem)
        rc = sq_nomem(st, "read event");
out:
    sq_release(stmt);
    return rc;
}

/* An event by slug (slug non-NULL) or by id, with its people and organizations. */
static int
sq_event_get(struct store *st, struct arena *ar, const char *slug, int64_t id, bool members,
             struct event *out)
{
    sqlite3_stmt *stmt;
    int rc;

    /* One read transaction, so the people belong to the event that was read. */
    if ((rc = sq_begin(st, false)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, slug != NULL ? SQ_EVENT_GET : SQ_EVENT_GET_ID, &stmt)) != RC_OK)
        goto out;
    if ((slug != NULL ? sqlite3_bind_text(stmt, 1, slug, -1, SQLITE_STATIC)
                      : sqlite3_bind_int64(stmt, 1, id)) != SQLITE_OK)
        rc = sq_fail(st, "read event");
    else if ((rc = sq_row(st, stmt, "read event")) == RC_OK &&
             sq_read_event(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read event");
    sq_release(stmt);
    if (rc == RC_OK && members)
        rc = sq_read_members(st, ar, out);
out:
    return sq_end(st, rc);
}

int
store_event_get(struct store *st, struct arena *ar, const char *slug, struct event *out)
{
    return sq_event_get(st, ar, slug, 0, true, out);
}

int
store_event_get_id(struct store *st, struct arena *ar, int64_t id, struct event *out)
{
    return sq_event_get(st, ar, NULL, id, true, out);
}

int
store_event_find(struct store *st, struct arena *ar, const char *slug, struct event *out)
{
    return sq_event_get(st, ar, slug, 0, false, out);
}

int
store_event_find_id(struct store *st, struct arena *ar, int64_t id, struct event *out)
{
    return sq_event_get(st, ar, NULL, id, false, out);
}

/* Runs a cached statement whose only parameter ?1 is an id. */
static int
sq_run_id(struct store *st, enum sq_stmt_id which, int64_t id, const char *what)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, which, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK) {
        rc = sq_fail(st, what);
        sq_release(stmt);
        return rc;
    }
    return sq_run(st, stmt, what);
}

/* Runs a cached DELETE ... WHERE id = ?1; RC_NOTFOUND when no row went. */
static int
sq_delete(struct store *st, enum sq_stmt_id which, int64_t id, const char *what)
{
    int rc = sq_run_id(st, which, id, what);

    if (rc == RC_OK && sqlite3_changes(st->db) == 0)
        rc = sq_notfound(st, what);
    return rc;
}

int
store_event_update(struct store *st, const struct event *e)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, SQ_EVENT_UPDATE, &stmt)) != RC_OK)
        goto out;
    if (sqlite3_bind_int64(stmt, 1, e->id) != SQLITE_OK || sq_bind_event(stmt, e) != SQLITE_OK) {
        rc = sq_fail(st, "update event");
        sq_release(stmt);
        goto out;
    }
    if ((rc = sq_run(st, stmt, "update event")) != RC_OK)
        goto out;
    if (sqlite3_changes(st->db) == 0) {
        rc = sq_notfound(st, "update event");
        goto out;
    }
    if ((rc = sq_run_id(st, SQ_PERSON_CLEAR, e->id, "update event")) != RC_OK ||
        (rc = sq_run_id(st, SQ_ORG_CLEAR, e->id, "update event")) != RC_OK)
        goto out;
    rc = sq_event_members(st, e->id, e);
out:
    return sq_end(st, rc);
}

int
store_event_delete(struct store *st, int64_t id)
{
    /* One statement: the cascade to people, posts, tags and search is atomic with it. */
    return sq_delete(st, SQ_EVENT_DELETE, id, "delete event");
}

int
store_event_list(struct store *st, struct arena *ar, struct event **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct event *events = NULL;
    size_t n = 0, cap = 0;
    int rc, src;

    if ((rc = sq_prepare(st, SQ_EVENT_LIST, &stmt)) != RC_OK)
        return rc;
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((events = sq_grow(ar, events, n, &cap, sizeof(*events))) == NULL ||
            sq_read_event(stmt, ar, &events[n]) != RC_OK) {
            rc = sq_nomem(st, "list events");
            goto out;
        }
        n++;
    }
    if (src != SQLITE_DONE) {
        rc = sq_fail(st, "list events");
        goto out;
    }
    *out = events;
    *n_out = n;
out:
    sq_release(stmt);
    return rc;
}

int
store_editor_add(struct store *st, int64_t event_id, int64_t account_id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_EDITOR_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, account_id) != SQLITE_OK) {
        rc = sq_fail(st, "add editor");
        sq_release(stmt);
        return rc;
    }
    return sq_run(st, stmt, "add editor");
}

int
store_is_editor(struct store *st, int64_t event_id, int64_t account_id, bool *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_IS_EDITOR, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, event_id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, account_id) != SQLITE_OK) {
        rc = sq_fail(st, "check editor");
        goto out;
    }
    rc = sq_row(st, stmt, "check editor");
    if (rc == RC_OK || rc == RC_NOTFOUND) {
        *out = rc == RC_OK;
        rc = RC_OK;
    }
out:
    sq_release(stmt);
    return rc;
}

/* ---- posts ---- */

/* Adds the tags of p to post id, in order; a tag given twice keeps its first place. */
static int
sq_add_tags(struct store *st, int64_t id, const struct post *p)
{
    sqlite3_stmt *stmt;
    size_t i;
    int rc;

    if (p->n_tags == 0)
        return RC_OK;
    if ((rc = sq_prepare(st, SQ_TAG_ADD, &stmt)) != RC_OK)
        return rc;
    for (i = 0; i < p->n_tags; i++) {
        if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
            sqlite3_bind_text(stmt, 2, p->tags[i], -1, SQLITE_STATIC) != SQLITE_OK ||
            sqlite3_bind_int64(stmt, 3, (int64_t)i) != SQLITE_OK) {
            rc = sq_fail(st, "add tag");
            sq_release(stmt);
            return rc;
        }
        if ((rc = sq_run(st, stmt, "add tag")) != RC_OK)
            return rc;
    }
    return RC_OK;
}

int
store_post_add(struct store *st, const struct post *p, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int64_t id = 0;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, SQ_POST_ADD, &stmt)) != RC_OK)
        goto out;
    if ((p->event_id != 0 ? sqlite3_bind_int64(stmt, 2, p->event_id)
                          : sqlite3_bind_null(stmt, 2)) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 14, p->visibility, -1, SQLITE_STATIC) != SQLITE_OK ||
        (p->in_reply_to_id != 0 ? sqlite3_bind_int64(stmt, 15, p->in_reply_to_id)
                                : sqlite3_bind_null(stmt, 15)) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 16, p->spoiler_text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 17, p->sensitive) != SQLITE_OK ||
        (p->account_id != 0 ? sqlite3_bind_int64(stmt, 3, p->account_id)
                            : sqlite3_bind_null(stmt, 3)) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, p->speaker_name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 5, p->speaker_audience) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, p->speaker_label, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 7, p->text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 8, p->html != NULL ? p->html : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 9, p->lang, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 10, p->state != NULL ? p->state : "visible", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 11, p->created_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 12, p->edited_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 13, p->likes) != SQLITE_OK) {
        rc = sq_fail(st, "add post");
        sq_release(stmt);
        goto out;
    }
    if ((rc = sq_insert_id(st, stmt, p->id, &id, "add post")) != RC_OK)
        goto out;
    rc = sq_add_tags(st, id, p);
out:
    if ((rc = sq_end(st, rc)) == RC_OK && id_out != NULL)
        *id_out = id;
    return rc;
}

/* One row of POST_COLS into p; the tags string is split into p->tags. */
static int
sq_read_post(sqlite3_stmt *stmt, struct arena *ar, struct post *p /* OUT */)
{
    const char **tags;
    bool nomem = false;
    char *all, *s;
    size_t n;

    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(stmt, 0);
    p->event_id = sqlite3_column_int64(stmt, 1);
    p->account_id = sqlite3_column_int64(stmt, 2) /* 0 for NULL */;
    p->author = sq_text(stmt, 3, ar, &nomem);
    p->text = sq_text(stmt, 4, ar, &nomem);
    p->html = sq_text(stmt, 5, ar, &nomem);
    p->speaker_name = sq_text(stmt, 6, ar, &nomem);
    p->speaker_audience = sqlite3_column_int(stmt, 7) != 0;
    p->speaker_label = sq_text(stmt, 8, ar, &nomem);
    p->lang = sq_text(stmt, 9, ar, &nomem);
    p->state = sq_text(stmt, 10, ar, &nomem);
    p->created_at = sq_text(stmt, 11, ar, &nomem);
    p->edited_at = sq_text(stmt, 12, ar, &nomem);
    p->likes = sqlite3_column_int64(stmt, 13);
    p->visibility = sq_text(stmt, 15, ar, &nomem);
    p->in_reply_to_id = sqlite3_column_int64(stmt, 16); /* 0 for NULL */
    p->spoiler_text = sq_text(stmt, 17, ar, &nomem);
    p->sensitive = sqlite3_column_int(stmt, 18) != 0;
    if ((all = sq_text(stmt, 14, ar, &nomem)) == NULL)
        return nomem ? RC_NOMEM : RC_OK;
    for (n = 1, s = all; (s = strchr(s, '\x1f')) != NULL; s++)
        n++;
    if ((tags = arena_alloc(ar, n * sizeof(*tags))) == NULL)
        return RC_NOMEM;
    for (n = 0, s = all;; n++) {
        tags[n] = s;
        if ((s = strchr(s, '\x1f')) == NULL)
            break;
        *s++ = '\0';
    }
    p->tags = tags;
    p->n_tags = n + 1;
    return nomem ? RC_NOMEM : RC_OK;
}

int
store_post_get(struct store *st, struct arena *ar, int64_t id, struct post *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_prepare(st, SQ_POST_GET, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK)
        rc = sq_fail(st, "read post");
    else if ((rc = sq_row(st, stmt, "read post")) == RC_OK && sq_read_post(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read post");
    sq_release(stmt);
    return rc;
}

int
store_post_update(struct store *st, const struct post *p)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, SQ_POST_UPDATE, &stmt)) != RC_OK)
        goto out;
    if (sqlite3_bind_int64(stmt, 1, p->id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, p->text, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, p->html != NULL ? p->html : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, p->speaker_name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 5, p->speaker_audience) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, p->speaker_label, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "update post");
        sq_release(stmt);
        goto out;
    }
    if ((rc = sq_run(st, stmt, "update post")) != RC_OK)
        goto out;
    if (sqlite3_changes(st->db) == 0) {
        rc = sq_notfound(st, "update post");
        goto out;
    }
    if ((rc = sq_run_id(st, SQ_TAG_CLEAR, p->id, "update post")) != RC_OK)
        goto out;
    rc = sq_add_tags(st, p->id, p);
out:
    return sq_end(st, rc);
}

int
store_post_delete(struct store *st, int64_t id)
{
    /* Tags and favourites go by cascade, the search index by trigger. */
    return sq_delete(st, SQ_POST_DELETE, id, "delete post");
}

int
store_post_count(struct store *st, int64_t *n_out)
{
    return sq_count(st, SQ_POST_COUNT, n_out);
}

int
store_post_set_state(struct store *st, int64_t id, const char *state)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = sq_prepare(st, SQ_POST_SET_STATE, &stmt)) != RC_OK)
        return sq_end(st, rc);
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "set a post's state");
        sq_release(stmt);
        return sq_end(st, rc);
    }
    if ((rc = sq_run(st, stmt, "set a post's state")) == RC_OK && sqlite3_changes(st->db) == 0)
        rc = sq_notfound(st, "set a post's state");
    return sq_end(st, rc);
}

int
store_changes_last(struct store *st, int64_t *seq_out)
{
    return sq_count(st, SQ_CHANGES_LAST, seq_out);
}

int
store_changes(struct store *st, struct arena *ar, const struct change_query *q,
              struct post_change **out, size_t *n_out)
{
    struct post_change *v;
    sqlite3_stmt *stmt;
    bool nomem = false;
    size_t n = 0;
    int rc, src = SQLITE_DONE, limit = q->limit > 0 ? q->limit : 100;

    *out = NULL;
    *n_out = 0;
    if ((v = arena_alloc(ar, (size_t)limit * sizeof(*v))) == NULL)
        return RC_NOMEM;
    if ((rc = sq_prepare(st, q->event_id != 0 ? SQ_CHANGES_OF_EVENT : SQ_CHANGES_SINCE, &stmt)) !=
        RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, q->after) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, q->upto > 0 ? q->upto : INT64_MAX) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 3, limit) != SQLITE_OK ||
        (q->event_id != 0 && sqlite3_bind_int64(stmt, 4, q->event_id) != SQLITE_OK)) {
        rc = sq_fail(st, "read changes");
        sq_release(stmt);
        return rc;
    }
    while ((size_t)n < (size_t)limit && (src = sqlite3_step(stmt)) == SQLITE_ROW) {
        v[n].seq = sqlite3_column_int64(stmt, 0);
        v[n].post_id = sqlite3_column_int64(stmt, 1);
        v[n].event_id = sqlite3_column_int64(stmt, 2);
        v[n].kind = sq_text(stmt, 3, ar, &nomem);
        v[n].tags = sq_text(stmt, 4, ar, &nomem);
        n++;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        rc = sq_fail(st, "read changes");
    else if (nomem)
        rc = sq_nomem(st, "read changes");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

static int
sq_limit(int limit)
{
    if (limit <= 0)
        return SQ_DEFAULT_LIMIT;
    return limit > SQ_MAX_LIMIT ? SQ_MAX_LIMIT : limit;
}

/* Steps a bound post query into an arena array of at most limit posts; releases stmt. */
static int
sq_post_rows(struct store *st, sqlite3_stmt *stmt, struct arena *ar, int limit, struct post **out,
             size_t *n_out, const char *what)
{
    struct post *posts;
    size_t n = 0;
    int rc = RC_OK, src = SQLITE_DONE;

    if ((posts = arena_alloc(ar, (size_t)limit * sizeof(*posts))) == NULL) {
        rc = sq_nomem(st, what);
        goto out;
    }
    while (n < (size_t)limit && (src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (sq_read_post(stmt, ar, &posts[n]) != RC_OK) {
            rc = sq_nomem(st, what);
            goto out;
        }
        n++;
    }
    if (n < (size_t)limit && src != SQLITE_DONE) {
        rc = sq_fail(st, what);
        goto out;
    }
    *out = posts;
    *n_out = n;
out:
    sq_release(stmt);
    return rc;
}

int
store_post_list(struct store *st, struct arena *ar, const struct post_query *q, struct post **out,
                size_t *n_out)
{
    sqlite3_stmt *stmt;
    int form = 0, limit = sq_limit(q->limit), rc;

    if (q->event_id != 0)
        form |= SQ_LIST_EVENT;
    if (q->tag != NULL)
        form |= SQ_LIST_TAG;
    if (q->oldest_first)
        form |= SQ_LIST_ASC;
    if ((rc = sq_prepare(st, SQ_POST_LIST + form, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, q->event_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 2, q->tag, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 3, q->max_id != 0 ? q->max_id : INT64_MAX) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 4, q->since_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5,
                          q->state != NULL  ? q->state
                          : q->visible_only ? "visible"
                                            : NULL,
                          -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 6, limit) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 7, q->public_only) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 8, q->speaker, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 9, q->audience_only) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 10, q->media_only) != SQLITE_OK) {
        rc = sq_fail(st, "list posts");
        sq_release(stmt);
        return rc;
    }
    return sq_post_rows(st, stmt, ar, limit, out, n_out, "list posts");
}

/*
 * The user's words as an FTS5 query that cannot be misread: each run of
 * non-blank bytes becomes a quoted prefix phrase, "word"*, its double quotes
 * doubled, so AND, OR, NEAR, parentheses, ^, : and * are only ever text; the
 * phrases are ANDed. At most SQ_MAX_WORDS words count. A word of punctuation
 * alone holds no token and FTS5 ignores it. NULL when out of memory.
 */
static char *
sq_fts_query(struct arena *ar, const char *query, size_t *n_words)
{
    size_t len = strlen(query), words = 0;
    char *buf, *w;
    const char *s = query;

    /* Worst case: every byte a quote (2 bytes), every word one byte plus "", *, space. */
    if (len > (SIZE_MAX - 1) / 6 || (buf = arena_alloc(ar, 6 * len + 1)) == NULL)
        return NULL;
    w = buf;
    while (words < SQ_MAX_WORDS) {
        while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
            s++;
        if (*s == '\0')
            break;
        if (words++ > 0)
            *w++ = ' ';
        *w++ = '"';
        for (; *s != '\0' && *s != ' ' && !(*s >= '\t' && *s <= '\r'); s++) {
            if (*s == '"')
                *w++ = '"';
            *w++ = *s;
        }
        *w++ = '"';
        *w++ = '*';
    }
    *w = '\0';
    *n_words = words;
    return buf;
}

int
store_fts_index_pending(struct store *st)
{
    int rc, has = 0;

    /* A look first, without the write lock: most calls find nothing to do. */
    if (sqlite3_exec(st->db, "SELECT 1 FROM posts_fts_pending LIMIT 1", sq_exists_cb, &has, NULL) !=
        SQLITE_OK)
        return sq_fail(st, "look for posts to index");
    if (!has)
        return RC_OK;
    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if (sqlite3_exec(st->db, SQ_FTS_INDEX_BATCH "; DELETE FROM posts_fts_pending;", NULL, NULL,
                     NULL) != SQLITE_OK)
        rc = sq_fail(st, "index posts for search");
    return sq_end(st, rc);
}

int
store_post_search(struct store *st, struct arena *ar, const char *query, int limit,
                  struct post **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    const char *match;
    size_t n_words;
    int rc;

    /* A search sees every post; on a full or failing disk, every post indexed so far
     * (a reader still finds the evening's posts, less the last few). */
    if ((rc = store_fts_index_pending(st)) != RC_OK && rc != RC_FULL && rc != RC_AGAIN)
        return rc;
    limit = sq_limit(limit);
    if ((match = sq_fts_query(ar, query, &n_words)) == NULL)
        return sq_nomem(st, "search posts");
    if (n_words == 0) {
        *out = NULL;
        *n_out = 0;
        return RC_OK;
    }
    if ((rc = sq_prepare(st, SQ_POST_SEARCH, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_text(stmt, 1, match, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 2, limit) != SQLITE_OK) {
        rc = sq_fail(st, "search posts");
        sq_release(stmt);
        return rc;
    }
    return sq_post_rows(st, stmt, ar, limit, out, n_out, "search posts");
}

int
store_post_list_by_account(struct store *st, struct arena *ar, int64_t account_id, int64_t max_id,
                           int limit, struct post **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    limit = sq_limit(limit);
    if ((rc = sq_prepare(st, SQ_POST_BY_ACCOUNT, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, account_id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, max_id != 0 ? max_id : INT64_MAX) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 3, limit) != SQLITE_OK) {
        rc = sq_fail(st, "list posts of account");
        sq_release(stmt);
        return rc;
    }
    return sq_post_rows(st, stmt, ar, limit, out, n_out, "list posts of account");
}

int
store_post_list_pinned(struct store *st, struct arena *ar, int64_t account_id, int limit,
                       struct post **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    limit = sq_limit(limit);
    if ((rc = sq_prepare(st, SQ_POST_PINNED, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, account_id) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 2, limit) != SQLITE_OK) {
        rc = sq_fail(st, "list pins");
        sq_release(stmt);
        return rc;
    }
    return sq_post_rows(st, stmt, ar, limit, out, n_out, "list pins");
}

int
store_post_list_favourited(struct store *st, struct arena *ar, int64_t account_id, bool bookmarks,
                           int64_t max_id, int64_t min_id, int limit, struct post **out,
                           size_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    limit = sq_limit(limit);
    if ((rc = sq_prepare(st, bookmarks ? SQ_POST_BOOKMARKED : SQ_POST_FAVOURITED, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 1, account_id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, max_id != 0 ? max_id : INT64_MAX) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 3, min_id) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 4, limit) != SQLITE_OK) {
        rc = sq_fail(st, "list favourites");
        sq_release(stmt);
        return rc;
    }
    return sq_post_rows(st, stmt, ar, limit, out, n_out, "list favourites");
}
