/*
 * store/scheduled.c - the scheduled part of store.h (schema 10): statuses
 * an account asked to be posted later, each kept with its time and its
 * parameters (JSON, as the Mastodon API took them, its pictures' ids in
 * media_ids) until the scheduler posts it, or its author moves or cancels
 * it.
 */
#include <stdio.h>
#include <string.h>

#include "core/rc.h"
#include "store/store_int.h"

#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum scheduled_stmt {
    T_ADD,
    T_GET,
    T_LIST,
    T_MOVE,
    T_DELETE,
    T_DUE,
    T_MEDIA,
    T_BY_KEY,
    T_COUNT,
    T_N
};

_Static_assert(T_N <= 16, "scheduled.c has more statements than slots");

#define SCHEDULED_COLS "id, account_id, scheduled_at, params, created_at"

static const char *const scheduled_sql[T_N] = {
    [T_ADD] = "INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params, created_at, "
              "idempotency_key) VALUES (?1, ?2, ?3, ?4, " SQ_NOW ", ?5)",
    [T_BY_KEY] = "SELECT " SCHEDULED_COLS " FROM scheduled_statuses WHERE account_id = ?1 AND "
                 "idempotency_key = ?2",
    [T_GET] = "SELECT " SCHEDULED_COLS " FROM scheduled_statuses WHERE id = ?1 AND "
              "(?2 = 0 OR account_id = ?2)",
    /* walks scheduled_statuses_account (account_id, id) down from ?2 */
    [T_LIST] = "SELECT " SCHEDULED_COLS " FROM scheduled_statuses WHERE account_id = ?1 AND "
               "id < ?2 AND id > ?3 ORDER BY id DESC LIMIT ?4",
    [T_MOVE] = "UPDATE scheduled_statuses SET scheduled_at = ?3 WHERE id = ?1 AND account_id = ?2",
    [T_DELETE] = "DELETE FROM scheduled_statuses WHERE id = ?1 AND (?2 = 0 OR account_id = ?2)",
    /* walks scheduled_statuses_due (scheduled_at) up to now: the oldest due first */
    /* a media's uploader alone attaches it: its scheduled statuses (at most
     * STORE_SCHEDULED_MAX, by scheduled_statuses_account) are read */
    [T_MEDIA] = "SELECT 1 FROM scheduled_statuses s, json_each(s.params, '$.media_ids') j "
                "WHERE s.account_id = ?2 AND j.value = ?1 LIMIT 1",
    [T_COUNT] = "SELECT count(*) FROM scheduled_statuses WHERE account_id = ?1",
    [T_DUE] = "SELECT " SCHEDULED_COLS " FROM scheduled_statuses WHERE scheduled_at <= ?1 "
              "ORDER BY scheduled_at, id LIMIT ?2",
};

static int
prepare(struct store *st, enum scheduled_stmt id, sqlite3_stmt **out)
{
    return sq_prepare_sql(st, SQ_SLOT_SCHEDULED + (int)id, scheduled_sql[id], out);
}

static int
read_scheduled(sqlite3_stmt *stmt, struct arena *ar, struct scheduled_status *s)
{
    bool nomem = false;

    memset(s, 0, sizeof(*s));
    s->id = sqlite3_column_int64(stmt, 0);
    s->account_id = sqlite3_column_int64(stmt, 1);
    s->scheduled_at = sq_text(stmt, 2, ar, &nomem);
    s->params = sq_text(stmt, 3, ar, &nomem);
    s->created_at = sq_text(stmt, 4, ar, &nomem);
    return nomem ? RC_NOMEM : RC_OK;
}

int
store_scheduled_add(struct store *st, int64_t account_id, const char *scheduled_at,
                    const char *params, const char *key, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 2, account_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, scheduled_at, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, params, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, key, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "schedule a status");
        sq_release(stmt);
        return rc;
    }
    return sq_insert_id(st, stmt, 0, id_out, "schedule a status");
}

int
store_scheduled_get(struct store *st, struct arena *ar, int64_t account_id, int64_t id,
                    struct scheduled_status *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_GET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, account_id);
    if ((rc = sq_row(st, stmt, "read a scheduled status")) == RC_OK &&
        read_scheduled(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read a scheduled status");
    sq_release(stmt);
    return rc;
}

int
store_scheduled_by_key(struct store *st, struct arena *ar, int64_t account_id, const char *key,
                       struct scheduled_status *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_BY_KEY, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "read a scheduled status by its key")) == RC_OK &&
        read_scheduled(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read a scheduled status by its key");
    sq_release(stmt);
    return rc;
}

/* The rows of a listing statement already bound, at most limit. */
static int
read_list(struct store *st, sqlite3_stmt *stmt, struct arena *ar, struct scheduled_status **out,
          size_t *n_out, const char *what)
{
    struct scheduled_status *v = NULL;
    size_t n = 0, cap = 0;
    int rc = RC_OK, src;

    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL ||
            read_scheduled(stmt, ar, &v[n]) != RC_OK) {
            rc = sq_nomem(st, what);
            break;
        }
        n++;
    }
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, what);
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}

int
store_scheduled_list(struct store *st, struct arena *ar, int64_t account_id, int64_t max_id,
                     int64_t min_id, int limit, struct scheduled_status **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_LIST, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_int64(stmt, 2, max_id != 0 ? max_id : INT64_MAX);
    sqlite3_bind_int64(stmt, 3, min_id);
    sqlite3_bind_int(stmt, 4, limit);
    return read_list(st, stmt, ar, out, n_out, "list scheduled statuses");
}

int
store_scheduled_due(struct store *st, struct arena *ar, const char *now, int limit,
                    struct scheduled_status **out, size_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_DUE, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_text(stmt, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, limit);
    return read_list(st, stmt, ar, out, n_out, "list the scheduled statuses due");
}

int
store_scheduled_move(struct store *st, int64_t account_id, int64_t id, const char *scheduled_at)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_MOVE, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, account_id);
    sqlite3_bind_text(stmt, 3, scheduled_at, -1, SQLITE_STATIC);
    if ((rc = sq_run(st, stmt, "move a scheduled status")) == RC_OK &&
        sqlite3_changes(sq_db(st)) == 0)
        rc = sq_notfound(st, "move a scheduled status");
    return rc;
}

int
store_scheduled_delete(struct store *st, int64_t account_id, int64_t id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_DELETE, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, account_id);
    if ((rc = sq_run(st, stmt, "cancel a scheduled status")) == RC_OK &&
        sqlite3_changes(sq_db(st)) == 0)
        rc = sq_notfound(st, "cancel a scheduled status");
    return rc;
}

int
store_media_scheduled(struct store *st, int64_t account_id, int64_t media_id, bool *out)
{
    sqlite3_stmt *stmt;
    char id[24];
    int rc;

    if ((rc = prepare(st, T_MEDIA, &stmt)) != RC_OK)
        return rc;
    snprintf(id, sizeof(id), "%lld", (long long)media_id);
    sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, account_id);
    rc = sq_row(st, stmt, "look for a scheduled status's media");
    sq_release(stmt);
    *out = rc == RC_OK;
    return rc == RC_NOTFOUND ? RC_OK : rc;
}

int
store_scheduled_count(struct store *st, int64_t account_id, int64_t *n_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, T_COUNT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    if ((rc = sq_row(st, stmt, "count scheduled statuses")) == RC_OK)
        *n_out = sqlite3_column_int64(stmt, 0);
    sq_release(stmt);
    return rc;
}
