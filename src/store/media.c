/*
 * store/media.c - the media part of store.h (schema 5): images uploaded by
 * an account (the file is under the data directory, named after the row),
 * attached to one of its posts later, in order, with a description (alt
 * text) and a credit ("Photo : gracieuseté de Luc Savard").
 */
#include <string.h>

#include "core/rc.h"
#include "store/store_int.h"

#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum media_stmt { M_ADD, M_GET, M_DESCRIBE, M_CREDIT, M_ATTACH, M_OF_POST, M_N };

_Static_assert(M_N <= 16, "media.c has more statements than slots");

#define MEDIA_COLS                                                                                 \
    "id, account_id, post_id, position, file, mime, width, height, size, description, credit, "    \
    "created_at"

static const char *const media_sql[M_N] = {
    [M_ADD] = "INSERT INTO media (id, account_id, file, mime, width, height, size, description, "
              "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, ''), " SQ_NOW ")",
    [M_GET] = "SELECT " MEDIA_COLS " FROM media WHERE id = ?1",
    [M_DESCRIBE] = "UPDATE media SET description = ?2 WHERE id = ?1",
    [M_CREDIT] = "UPDATE media SET credit = ?2 WHERE id = ?1",
    /* only the uploader's, and only one not attached yet */
    [M_ATTACH] = "UPDATE media SET post_id = ?2, position = ?4 WHERE id = ?1 AND account_id = ?3 "
                 "AND post_id IS NULL",
    [M_OF_POST] = "SELECT " MEDIA_COLS " FROM media WHERE post_id = ?1 ORDER BY position LIMIT 16",
};

static int
prepare(struct store *st, enum media_stmt id, sqlite3_stmt **out)
{
    return sq_prepare_sql(st, SQ_SLOT_MEDIA + (int)id, media_sql[id], out);
}

static int
read_media(sqlite3_stmt *stmt, struct arena *ar, struct media *m)
{
    bool nomem = false;

    memset(m, 0, sizeof(*m));
    m->id = sqlite3_column_int64(stmt, 0);
    m->account_id = sqlite3_column_int64(stmt, 1);
    m->post_id = sqlite3_column_int64(stmt, 2);
    m->position = sqlite3_column_int(stmt, 3);
    m->file = sq_text(stmt, 4, ar, &nomem);
    m->mime = sq_text(stmt, 5, ar, &nomem);
    m->width = sqlite3_column_int(stmt, 6);
    m->height = sqlite3_column_int(stmt, 7);
    m->size = sqlite3_column_int64(stmt, 8);
    m->description = sq_text(stmt, 9, ar, &nomem);
    m->credit = sq_text(stmt, 10, ar, &nomem);
    m->created_at = sq_text(stmt, 11, ar, &nomem);
    return nomem ? RC_NOMEM : RC_OK;
}

int
store_media_add(struct store *st, const struct media *m, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, M_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_int64(stmt, 2, m->account_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 3, m->file, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, m->mime, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 5, m->width) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 6, m->height) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 7, m->size) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 8, m->description, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "add a media");
        sq_release(stmt);
        return rc;
    }
    return sq_insert_id(st, stmt, m->id, id_out, "add a media");
}

int
store_media_get(struct store *st, struct arena *ar, int64_t id, struct media *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, M_GET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    if ((rc = sq_row(st, stmt, "read a media")) == RC_OK && read_media(stmt, ar, out) != RC_OK)
        rc = sq_nomem(st, "read a media");
    sq_release(stmt);
    return rc;
}

static int
set_text(struct store *st, enum media_stmt which, int64_t id, const char *text)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, which, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, text != NULL ? text : "", -1, SQLITE_STATIC);
    if ((rc = sq_run(st, stmt, "change a media")) == RC_OK && sqlite3_changes(sq_db(st)) == 0)
        rc = sq_notfound(st, "change a media");
    return rc;
}

int
store_media_describe(struct store *st, int64_t id, const char *description)
{
    return set_text(st, M_DESCRIBE, id, description);
}

int
store_media_set_credit(struct store *st, int64_t id, const char *credit)
{
    return set_text(st, M_CREDIT, id, credit);
}

int
store_media_attach(struct store *st, int64_t post_id, int64_t account_id, const int64_t *ids,
                   size_t n)
{
    sqlite3_stmt *stmt;
    size_t i;
    int rc;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    for (i = 0; i < n && rc == RC_OK; i++) {
        if ((rc = prepare(st, M_ATTACH, &stmt)) != RC_OK)
            break;
        sqlite3_bind_int64(stmt, 1, ids[i]);
        sqlite3_bind_int64(stmt, 2, post_id);
        sqlite3_bind_int64(stmt, 3, account_id);
        sqlite3_bind_int(stmt, 4, (int)i);
        if ((rc = sq_run(st, stmt, "attach a media")) == RC_OK && sqlite3_changes(sq_db(st)) == 0)
            rc = sq_notfound(st, "attach a media");
    }
    return sq_end(st, rc);
}

int
store_media_of_post(struct store *st, struct arena *ar, int64_t post_id, struct media **out,
                    size_t *n_out)
{
    sqlite3_stmt *stmt;
    struct media *v = NULL;
    size_t n = 0, cap = 0;
    int rc, src;

    if ((rc = prepare(st, M_OF_POST, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, post_id);
    while ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        if ((v = sq_grow(ar, v, n, &cap, sizeof(*v))) == NULL ||
            read_media(stmt, ar, &v[n]) != RC_OK) {
            rc = sq_nomem(st, "list a post's media");
            break;
        }
        n++;
    }
    if (rc == RC_OK && src != SQLITE_DONE)
        rc = sq_fail(st, "list a post's media");
    sq_release(stmt);
    if (rc == RC_OK) {
        *out = v;
        *n_out = n;
    }
    return rc;
}
