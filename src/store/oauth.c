/*
 * store/oauth.c - the OAuth part of store.h (schema 5): the apps that
 * Mastodon clients register, the authorization codes they trade for a
 * token, tokens tied to an app (revoked with it), app tokens that speak
 * for no account, and the Idempotency-Key of statuses. Secrets never
 * reach the database: only their SHA-256, as for every token here.
 */
#include <string.h>

#include "core/rc.h"
#include "store/store_int.h"

#define SQ_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

enum oauth_stmt {
    O_APP_ADD,
    O_APP_BY_CLIENT,
    O_APP_BY_ID,
    O_CODE_ADD,
    O_CODE_GET,
    O_CODE_DELETE,
    O_CODE_PURGE,
    O_TOKEN_ADD,
    O_TOKEN_APP,
    O_TOKEN_REVOKE,
    O_APP_TOKEN_ADD,
    O_APP_TOKEN_FIND,
    O_APP_TOKEN_REVOKE,
    O_IDEM_GET,
    O_IDEM_PUT,
    O_N
};

#define APP_COLS "id, client_id, secret_hash, name, website, redirect_uris, scopes, created_at"

static const char *const oauth_sql[O_N] = {
    [O_APP_ADD] =
        "INSERT INTO oauth_apps (id, client_id, secret_hash, name, website, "
        "redirect_uris, scopes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, " SQ_NOW ")",
    [O_APP_BY_CLIENT] = "SELECT " APP_COLS " FROM oauth_apps WHERE client_id = ?1",
    [O_APP_BY_ID] = "SELECT " APP_COLS " FROM oauth_apps WHERE id = ?1",
    [O_CODE_ADD] = "INSERT INTO oauth_codes (hash, app_id, account_id, scopes, redirect_uri, "
                   "challenge, challenge_method, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                   "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || ?8 || ' seconds'))",
    [O_CODE_GET] = "SELECT app_id, account_id, scopes, redirect_uri, challenge, challenge_method "
                   "FROM oauth_codes WHERE hash = ?1 AND expires_at > " SQ_NOW,
    [O_CODE_DELETE] = "DELETE FROM oauth_codes WHERE hash = ?1",
    [O_CODE_PURGE] = "DELETE FROM oauth_codes WHERE expires_at <= " SQ_NOW,
    [O_TOKEN_ADD] = "INSERT INTO tokens (account_id, hash, scopes, created_at, app_id) "
                    "VALUES (?1, ?2, ?3, " SQ_NOW ", ?4)",
    [O_TOKEN_APP] = "SELECT t.app_id, a.name, a.website FROM tokens t "
                    "LEFT JOIN oauth_apps a ON a.id = t.app_id WHERE t.hash = ?1",
    [O_TOKEN_REVOKE] = "DELETE FROM tokens WHERE hash = ?1 AND (?2 IS NULL OR app_id = ?2)",
    [O_APP_TOKEN_ADD] = "INSERT INTO app_tokens (hash, app_id, scopes, created_at) "
                        "VALUES (?1, ?2, ?3, " SQ_NOW ")",
    [O_APP_TOKEN_FIND] = "SELECT a.id, a.client_id, a.secret_hash, a.name, a.website, "
                         "a.redirect_uris, a.scopes, a.created_at, t.scopes FROM app_tokens t "
                         "JOIN oauth_apps a ON a.id = t.app_id WHERE t.hash = ?1",
    [O_APP_TOKEN_REVOKE] = "DELETE FROM app_tokens WHERE hash = ?1 AND (?2 IS NULL OR app_id = ?2)",
    [O_IDEM_GET] = "SELECT post_id FROM idempotency WHERE account_id = ?1 AND key = ?2 AND "
                   "created_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 hour')",
    [O_IDEM_PUT] = "INSERT INTO idempotency (account_id, key, post_id, created_at) "
                   "VALUES (?1, ?2, ?3, " SQ_NOW ") ON CONFLICT DO UPDATE SET "
                   "post_id = excluded.post_id, created_at = excluded.created_at",
};

_Static_assert(O_N <= SQ_SLOT_MASTO - SQ_SLOT_OAUTH, "oauth.c has more statements than slots");

static int
prepare(struct store *st, enum oauth_stmt id, sqlite3_stmt **out)
{
    return sq_prepare_sql(st, SQ_SLOT_OAUTH + (int)id, oauth_sql[id], out);
}

/* ---- apps ---- */

int
store_app_add(struct store *st, const struct oauth_app *a, int64_t *id_out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_APP_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_text(stmt, 2, a->client_id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_blob(stmt, 3, a->secret_hash, 32, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, a->name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, a->website, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, a->redirect_uris, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 7, a->scopes, -1, SQLITE_STATIC) != SQLITE_OK) {
        rc = sq_fail(st, "add an app");
        sq_release(stmt);
        return rc;
    }
    return sq_insert_id(st, stmt, a->id, id_out, "add an app");
}

static int
read_app(sqlite3_stmt *stmt, int col, struct arena *ar, struct oauth_app *a)
{
    bool nomem = false;

    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(stmt, col);
    a->client_id = sq_text(stmt, col + 1, ar, &nomem);
    if (sqlite3_column_bytes(stmt, col + 2) == 32)
        memcpy(a->secret_hash, sqlite3_column_blob(stmt, col + 2), 32);
    a->name = sq_text(stmt, col + 3, ar, &nomem);
    a->website = sq_text(stmt, col + 4, ar, &nomem);
    a->redirect_uris = sq_text(stmt, col + 5, ar, &nomem);
    a->scopes = sq_text(stmt, col + 6, ar, &nomem);
    a->created_at = sq_text(stmt, col + 7, ar, &nomem);
    return nomem ? RC_NOMEM : RC_OK;
}

static int
app_one(struct store *st, sqlite3_stmt *stmt, struct arena *ar, struct oauth_app *out)
{
    int rc = sq_row(st, stmt, "find an app");

    if (rc == RC_OK && read_app(stmt, 0, ar, out) != RC_OK)
        rc = sq_nomem(st, "find an app");
    sq_release(stmt);
    return rc;
}

int
store_app_by_client_id(struct store *st, struct arena *ar, const char *client_id,
                       struct oauth_app *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_APP_BY_CLIENT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_text(stmt, 1, client_id, -1, SQLITE_STATIC);
    return app_one(st, stmt, ar, out);
}

int
store_app_by_id(struct store *st, struct arena *ar, int64_t id, struct oauth_app *out)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_APP_BY_ID, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, id);
    return app_one(st, stmt, ar, out);
}

/* ---- authorization codes ---- */

int
store_code_add(struct store *st, const struct oauth_code *c, int seconds)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_CODE_PURGE, &stmt)) != RC_OK ||
        (rc = sq_run(st, stmt, "forget expired codes")) != RC_OK ||
        (rc = prepare(st, O_CODE_ADD, &stmt)) != RC_OK)
        return rc;
    if (sqlite3_bind_blob(stmt, 1, c->hash, 32, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 2, c->app_id) != SQLITE_OK ||
        sqlite3_bind_int64(stmt, 3, c->account_id) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 4, c->scopes, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 5, c->redirect_uri, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 6, c->challenge, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 7, c->challenge_method, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(stmt, 8, seconds) != SQLITE_OK) {
        rc = sq_fail(st, "add a code");
        sq_release(stmt);
        return rc;
    }
    return sq_run(st, stmt, "add a code");
}

int
store_code_take(struct store *st, struct arena *ar, const unsigned char hash[32],
                struct oauth_code *out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc, found;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    if ((rc = prepare(st, O_CODE_GET, &stmt)) != RC_OK)
        return sq_end(st, rc);
    sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "find a code")) == RC_OK) {
        memset(out, 0, sizeof(*out));
        memcpy(out->hash, hash, 32);
        out->app_id = sqlite3_column_int64(stmt, 0);
        out->account_id = sqlite3_column_int64(stmt, 1);
        out->scopes = sq_text(stmt, 2, ar, &nomem);
        out->redirect_uri = sq_text(stmt, 3, ar, &nomem);
        out->challenge = sq_text(stmt, 4, ar, &nomem);
        out->challenge_method = sq_text(stmt, 5, ar, &nomem);
        if (nomem)
            rc = sq_nomem(st, "find a code");
    }
    sq_release(stmt);
    if (rc != RC_OK && rc != RC_NOTFOUND)
        return sq_end(st, rc);
    /* used or not, a code is good once */
    found = rc;
    if ((rc = prepare(st, O_CODE_DELETE, &stmt)) != RC_OK)
        return sq_end(st, rc);
    sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
    if ((rc = sq_end(st, sq_run(st, stmt, "forget a code"))) != RC_OK)
        return rc;
    return found;
}

/* ---- tokens ---- */

int
store_token_add_app(struct store *st, int64_t account_id, const unsigned char hash[32],
                    const char *scopes, int64_t app_id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, account_id != 0 ? O_TOKEN_ADD : O_APP_TOKEN_ADD, &stmt)) != RC_OK)
        return rc;
    if (account_id != 0) {
        sqlite3_bind_int64(stmt, 1, account_id);
        sqlite3_bind_blob(stmt, 2, hash, 32, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, scopes, -1, SQLITE_STATIC);
        if (app_id != 0)
            sqlite3_bind_int64(stmt, 4, app_id);
    } else {
        sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, app_id);
        sqlite3_bind_text(stmt, 3, scopes, -1, SQLITE_STATIC);
    }
    return sq_run(st, stmt, "add a token");
}

int
store_token_app(struct store *st, struct arena *ar, const unsigned char hash[32], int64_t *app_id,
                const char **name, const char **website)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc;

    if ((rc = prepare(st, O_TOKEN_APP, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "find a token's app")) == RC_OK) {
        *app_id = sqlite3_column_int64(stmt, 0);
        *name = sq_text(stmt, 1, ar, &nomem);
        *website = sq_text(stmt, 2, ar, &nomem);
        if (nomem)
            rc = sq_nomem(st, "find a token's app");
    }
    sq_release(stmt);
    return rc;
}

int
store_app_token_find(struct store *st, struct arena *ar, const unsigned char hash[32],
                     struct oauth_app *app, const char **scopes_out)
{
    sqlite3_stmt *stmt;
    bool nomem = false;
    int rc;

    if ((rc = prepare(st, O_APP_TOKEN_FIND, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "find an app token")) == RC_OK) {
        if (read_app(stmt, 0, ar, app) != RC_OK ||
            (*scopes_out = sq_text(stmt, 8, ar, &nomem)) == NULL || nomem)
            rc = sq_nomem(st, "find an app token");
    }
    sq_release(stmt);
    return rc;
}

int
store_token_revoke(struct store *st, const unsigned char hash[32], int64_t app_id)
{
    sqlite3_stmt *stmt;
    int rc, which;

    if ((rc = sq_begin(st, true)) != RC_OK)
        return rc;
    for (which = O_TOKEN_REVOKE; rc == RC_OK && which <= O_APP_TOKEN_REVOKE;
         which += O_APP_TOKEN_REVOKE - O_TOKEN_REVOKE) {
        if ((rc = prepare(st, (enum oauth_stmt)which, &stmt)) != RC_OK)
            break;
        sqlite3_bind_blob(stmt, 1, hash, 32, SQLITE_STATIC);
        if (app_id != 0)
            sqlite3_bind_int64(stmt, 2, app_id);
        rc = sq_run(st, stmt, "revoke a token");
    }
    return sq_end(st, rc);
}

/* ---- Idempotency-Key ---- */

int
store_idempotency_get(struct store *st, int64_t account_id, const char *key, int64_t *post_id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_IDEM_GET, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    if ((rc = sq_row(st, stmt, "find an idempotency key")) == RC_OK)
        *post_id = sqlite3_column_int64(stmt, 0);
    sq_release(stmt);
    return rc;
}

int
store_idempotency_put(struct store *st, int64_t account_id, const char *key, int64_t post_id)
{
    sqlite3_stmt *stmt;
    int rc;

    if ((rc = prepare(st, O_IDEM_PUT, &stmt)) != RC_OK)
        return rc;
    sqlite3_bind_int64(stmt, 1, account_id);
    sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, post_id);
    return sq_run(st, stmt, "keep an idempotency key");
}
