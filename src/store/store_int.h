/*
 * store/store_int.h - what the files of store/ share and nothing above them
 * sees: the SQLite backend's schema, one script per version, kept apart from
 * sqlite.c so that the tables read as one document; and sqlite.c's helpers
 * (errors, cached statements, transactions), for the files that implement
 * one part of store.h each (comments.c).
 */
#ifndef GZ_STORE_INT_H
#define GZ_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

/*
 * sq_migrations[v] takes a database from schema version v to v + 1. Each
 * runs inside the one transaction that store_open() opens, so a failed
 * upgrade leaves the database as it was. Only ever append.
 */
extern const char *const sq_migrations[STORE_SCHEMA_VERSION];

/*
 * Statements of the files other than sqlite.c: slot is the file's own
 * number (see SQ_SLOT_* below), sql its text, prepared on first use and
 * kept for the connection's life like sqlite.c's own.
 */
#define SQ_EXTRA_SLOTS    96
#define SQ_SLOT_COMMENTS  0  /* comments.c: slots 0..23 */
#define SQ_SLOT_OAUTH     24 /* oauth.c: 24..39 */
#define SQ_SLOT_MASTO     40 /* statuses.c: 40..63 */
#define SQ_SLOT_MEDIA     64 /* media.c: 64..79 */
#define SQ_SLOT_SCHEDULED 80 /* scheduled.c: 80..95 */
int sq_prepare_sql(struct store *st, int slot, const char *sql, sqlite3_stmt **out);

/* The connection, for sqlite3_changes() and the like. */
sqlite3 *sq_db(struct store *st);
/*
 * The search indexer's batch (store_fts_index_pending): the pending posts
 * drive the join (CROSS JOIN fixes SQLite's order). Left to the planner,
 * statistics that PRAGMA optimize wrote when the posts were few made it
 * scan every post for each batch, the server growing slower with every
 * post after a restart.
 */
#define SQ_FTS_INDEX_BATCH                                                                         \
    "INSERT INTO posts_fts (rowid, text) SELECT p.id, p.text"                                      \
    " FROM posts_fts_pending q CROSS JOIN posts p ON p.id = q.post_id"

/* Errors: keep SQLite's message for store_errmsg() (logged when not the caller's doing). */
int sq_fail(struct store *st, const char *what);
int sq_notfound(struct store *st, const char *what);
int sq_nomem(struct store *st, const char *what);

/* Statements: reset and unbind; step to the end; step to the first row (RC_NOTFOUND: none). */
void sq_release(sqlite3_stmt *stmt);
int sq_run(struct store *st, sqlite3_stmt *stmt, const char *what);
int sq_row(struct store *st, sqlite3_stmt *stmt, const char *what);
/* Column col copied into ar (NULL stays NULL; *nomem set when out of memory). */
char *sq_text(sqlite3_stmt *stmt, int col, struct arena *ar, bool *nomem);
/* Room for item n of an arena array (doubling); NULL when out of memory. */
void *sq_grow(struct arena *ar, void *items, size_t n, size_t *cap, size_t size);
/*
 * Steps an INSERT whose ?1 is the row id (the caller's when non-zero, else
 * a fresh store_new_id()), and releases it.
 */
int sq_insert_id(struct store *st, sqlite3_stmt *stmt, int64_t id, int64_t *id_out,
                 const char *what);

/*
 * Transactions that nest in the caller's store_begin(): sq_begin(st, true)
 * for a write; sq_end(st, rc) commits when rc is RC_OK, else rolls back,
 * and returns the final rc.
 */
int sq_begin(struct store *st, bool write);
int sq_end(struct store *st, int rc);

/*
 * Takes the lock of the data directory dir (dir/gazouillis.lock, created
 * when missing; backup.c): shared for every open store, exclusive for a
 * restore; never waits. *fd_out holds it until closed. RC_CONFLICT when
 * another holder forbids it, RC_IO when the file cannot be opened; err
 * (err_size bytes) then says why.
 */
int sq_data_lock(const char *dir, bool exclusive, int *fd_out, char *err, size_t err_size);

/*
 * Gives SQLite the allocator of sqlite_memory.c (its statistics lock-free)
 * if SQLite has not initialised yet; once per process, any thread.
 */
void store_memory_install(void);

#endif
