/*
 * auth/auth.h - who is asking, and may they: password hashes, the secrets
 * behind bearer tokens and session cookies, a limiter for failed logins,
 * and the account rules (names, roles, scopes) on top of store/store.h.
 *
 * libsodium does the cryptography; sodium.h appears only in auth/'s .c
 * files. Call auth_init() once at start, before anything else here.
 * Nothing here logs or keeps a password or a secret: callers wipe theirs
 * with auth_wipe() once used, and never print them but the once they must.
 */
#ifndef GZ_AUTH_H
#define GZ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "store/store.h"

/* Initialises libsodium. Returns 0, or -1 when it cannot (no randomness). */
int auth_init(void);

/* Overwrites n bytes at p in a way the compiler cannot drop. */
void auth_wipe(void *p, size_t n);

/* ---- passwords (auth/password.c) ---- */

/* Room for an argon2id hash string with its NUL (crypto_pwhash_STRBYTES is 128). */
#define AUTH_HASH_MAX 128

/*
 * A generated password: 4 groups of 5 characters from 31 lowercase letters
 * and digits without look-alikes (no 0 o 1 l i), joined by '-', e.g.
 * "k7m2p-x9rtc-4hwqe-zb3fn": 99 bits. AUTH_PASSWORD_SIZE counts the NUL.
 */
#define AUTH_PASSWORD_LEN  23
#define AUTH_PASSWORD_SIZE 24

/*
 * Hashes password with argon2id (t=2, m=64 MiB, p=1: libsodium's
 * "interactive" limits; about 110 ms and 64 MiB per call on a 2020s
 * server core) into out, a NUL-terminated "$argon2id$v=19$..." string.
 * Returns RC_OK, RC_INVALID when out_size < AUTH_HASH_MAX, or RC_NOMEM.
 */
int auth_password_hash(const char *password, char *out, size_t out_size);

/*
 * Returns 0 when password matches hash, -1 otherwise: also when hash is
 * NULL, empty (an account without a password) or not a hash. A NULL or
 * empty hash still costs one verification, against a built-in hash, so
 * "no such account" takes as long as "wrong password".
 */
int auth_password_verify(const char *hash, const char *password);

/* A new readable random password (see AUTH_PASSWORD_LEN) in out. RC_OK or RC_INVALID (size). */
int auth_password_generate(char *out, size_t out_size);

/* ---- secrets of tokens and sessions (auth/secret.c) ---- */

/* 32 random bytes in base64url without padding: 43 characters, then the NUL. */
#define AUTH_SECRET_LEN  43
#define AUTH_SECRET_SIZE 44
#define AUTH_SECRET_HASH 32 /* bytes of the SHA-256 that is stored instead */

/* A new secret in out. Returns RC_OK, or RC_INVALID when out_size < AUTH_SECRET_SIZE. */
int auth_secret_new(char *out, size_t out_size);
/* SHA-256 of the NUL-terminated secret: what the store keeps and looks up. */
void auth_secret_hash(const char *secret, unsigned char out[AUTH_SECRET_HASH]);
/* Compares two hashes in constant time. */
bool auth_secret_equal(const unsigned char a[AUTH_SECRET_HASH],
                       const unsigned char b[AUTH_SECRET_HASH]);
/*
 * A keyed BLAKE2b hash of s (out_len 16 to 64 bytes): what is kept of a
 * client address, so that a ban can match it while the address itself is
 * not stored. key is the database's own (store_address_key).
 */
void auth_keyed_hash(const unsigned char key[32], const char *s, unsigned char *out,
                     size_t out_len);
/*
 * PKCE (RFC 7636): whether verifier (43-128 characters) answers challenge
 * by method "S256" (base64url of its SHA-256) or "plain" (NULL counts as
 * plain), compared in constant time.
 */
bool auth_pkce_verify(const char *verifier, const char *challenge, const char *method);
/* SHA-1 of data (auth/sha1.c): for the WebSocket handshake only, never for security. */
void auth_sha1(const void *data, size_t len, unsigned char out[20]);
/* The Sec-WebSocket-Accept answering a Sec-WebSocket-Key (RFC 6455); false for a bad key. */
#define AUTH_WS_ACCEPT_SIZE 29 /* 28 base64 characters and the NUL */
bool auth_websocket_accept(const char *key, char out[AUTH_WS_ACCEPT_SIZE]);
/* True when s has the form of a secret: AUTH_SECRET_LEN base64url characters. */
bool auth_secret_wellformed(const char *s);

/* ---- sign-in sessions (auth/session.c) ---- */

#define AUTH_SESSION_SECONDS (14 * 24 * 3600) /* a session cookie lives 14 days */

/*
 * Opens a session for the account: a new secret for the cookie
 * (secret_out) of which only the SHA-256 is stored, and a new CSRF token
 * (csrf_out) stored with it; both sizes >= AUTH_SECRET_SIZE. It lasts
 * AUTH_SESSION_SECONDS from now. Returns RC_OK, RC_INVALID (sizes),
 * RC_NOTFOUND (no such account), RC_IO; both outputs are wiped on failure.
 */
int auth_session_create(struct store *st, int64_t account_id, char *secret_out, size_t secret_size,
                        char *csrf_out, size_t csrf_size);
/*
 * The account a session cookie's value speaks for, and the session's CSRF
 * token (both in ar). RC_FORBIDDEN when the value is malformed, unknown,
 * expired or its account disabled; RC_IO, RC_NOMEM when the store fails.
 */
int auth_session_find(struct store *st, struct arena *ar, const char *cookie, struct account *out,
                      const char **csrf_out);
/* Ends the session of that cookie value (nothing happens for an unknown one). */
int auth_session_end(struct store *st, const char *cookie);
/*
 * Whether a form's CSRF token is the session's: compared in constant time
 * over AUTH_SECRET_LEN bytes; false when either is NULL or malformed.
 */
bool auth_csrf_equal(const char *expected, const char *given);

/* ---- failed logins (auth/ratelimit.c) ---- */

/*
 * Counts failures per key (use one limiter for account names, another for
 * client addresses, so a flood of one cannot evict the other). A fixed
 * window per key: it opens at the key's first failure and lasts
 * window_seconds; after max_failures failures in it the key is blocked
 * until it closes, then starts afresh. So a key gets at most max_failures
 * tries per window, and never waits more than one window.
 *
 * Memory is fixed at creation: at most 72 bytes for each of max_keys keys
 * (an entry and its share of the buckets). A key is kept as a keyed
 * 128-bit hash, never as itself. When all entries are in use, the key
 * whose window opened first is forgotten. Every function may be called
 * from any thread; `now` is the caller's clock (time(NULL)), so tests can
 * move it.
 */
struct rate_limiter;

/* NULL when an argument is 0 or memory runs out. */
struct rate_limiter *rate_limiter_new(unsigned max_failures, unsigned window_seconds,
                                      size_t max_keys);
/* True when key has used its tries; *retry_after_out (may be NULL) gets the seconds left, >= 1. */
bool rate_limiter_blocked(struct rate_limiter *rl, const char *key, time_t now,
                          unsigned *retry_after_out);
void rate_limiter_fail(struct rate_limiter *rl, const char *key, time_t now);
void rate_limiter_reset(struct rate_limiter *rl, const char *key); /* after a success */
size_t rate_limiter_size(struct rate_limiter *rl);                 /* keys tracked now */
void rate_limiter_free(struct rate_limiter *rl);                   /* accepts NULL */

/* ---- accounts, tokens (auth/accounts.c) ---- */

/* Predicates: 1 when valid, 0 when not (not an rc). */
int auth_username_valid(const char *name); /* [a-z0-9_]{1,30} */
int auth_role_valid(const char *role);     /* admin | editor | member */

/*
 * Scopes are space-separated words: read, write, follow, push, and the
 * sub-scopes of read and write Mastodon knows (read:statuses,
 * write:media, ...). Normalizing collapses spaces and drops repeats;
 * NULL or "" means AUTH_SCOPES_DEFAULT. Returns RC_OK, or RC_INVALID for
 * an unknown scope or an out too small.
 */
#define AUTH_SCOPES_DEFAULT "read write"
#define AUTH_SCOPES_MAX     512 /* room for normalized scopes, NUL included */
int auth_scopes_normalize(const char *scopes, char *out, size_t out_size);
/* True when the granted scopes cover needed ("write" covers "write:statuses"). */
bool auth_scopes_allow(const char *granted, const char *needed);

/*
 * Creates an account with a generated password, written to password_out
 * (password_size >= AUTH_PASSWORD_SIZE) and shown to the operator once.
 * Returns RC_OK; RC_INVALID for a bad name or role; RC_CONFLICT when the
 * name is taken; RC_NOMEM, RC_IO. password_out is wiped on failure.
 */
int auth_account_create(struct store *st, const char *username, const char *role,
                        char *password_out, size_t password_size);

/*
 * Gives the account a new generated password (password_out as above).
 * RC_NOTFOUND when there is no such account.
 */
int auth_account_reset_password(struct store *st, const char *username, char *password_out,
                                size_t password_size);

/*
 * At first start: when there is no account at all, creates "admin" (role
 * admin) with a generated password, sets *created and fills name_out and
 * password_out for the operator. Otherwise *created is false and nothing
 * is written. Another process creating it first is not an error.
 */
int auth_ensure_admin(struct store *st, char *name_out, size_t name_size, char *password_out,
                      size_t password_size, bool *created);

/*
 * Checks a sign-in. Returns RC_OK and the account in *out (strings in ar),
 * or RC_FORBIDDEN for an unknown name, a wrong password or a disabled
 * account alike, each after one argon2id verification; RC_IO, RC_NOMEM.
 * Rate limiting is the caller's (rate_limiter_blocked before, _fail after).
 */
int auth_login(struct store *st, struct arena *ar, const char *username, const char *password,
               struct account *out);

/*
 * Creates a bearer token for the account: a new secret (token_out,
 * token_size >= AUTH_SECRET_SIZE), of which only the SHA-256 is stored,
 * with the normalized scopes (NULL: AUTH_SCOPES_DEFAULT). Returns RC_OK;
 * RC_INVALID for bad scopes, RC_NOTFOUND for no such account,
 * RC_FORBIDDEN for a disabled one; RC_NOMEM, RC_IO. token_out is wiped on
 * failure.
 */
int auth_token_create(struct store *st, const char *username, const char *scopes, char *token_out,
                      size_t token_size);

/*
 * Finds who an "Authorization: Bearer <secret>" header speaks for (the
 * scheme in any case). Returns RC_OK with the account in *out and its
 * token's scopes in *scopes_out (may be NULL), both in ar; RC_FORBIDDEN
 * when the header is missing or malformed, the token unknown or its
 * account disabled; RC_IO, RC_NOMEM when the store fails.
 */
int auth_bearer(struct store *st, struct arena *ar, const char *authorization_header,
                struct account *out, const char **scopes_out);

#endif
