/*
 * auth/session.c - the sessions behind the sign-in cookie: a random secret
 * in the cookie, its SHA-256 in the store (a stolen database opens no
 * session), 14 days of life, and a CSRF token per session that every form
 * must send back. Like bearer tokens, a cookie is looked up by its hash,
 * which an attacker cannot steer, so the index lookup leaks nothing; the
 * CSRF token, compared with a value the attacker chooses, is compared in
 * constant time.
 */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/rc.h"

int
auth_session_create(struct store *st, int64_t account_id, char *secret_out, size_t secret_size,
                    char *csrf_out, size_t csrf_size)
{
    unsigned char hash[AUTH_SECRET_HASH];
    int rc;

    if ((rc = auth_secret_new(secret_out, secret_size)) != RC_OK ||
        (rc = auth_secret_new(csrf_out, csrf_size)) != RC_OK)
        goto out;
    auth_secret_hash(secret_out, hash);
    rc = store_session_add(st, account_id, hash, csrf_out, time(NULL) + AUTH_SESSION_SECONDS);
out:
    auth_wipe(hash, sizeof(hash));
    if (rc != RC_OK) {
        auth_wipe(secret_out, secret_size);
        auth_wipe(csrf_out, csrf_size);
    }
    return rc;
}

int
auth_session_find(struct store *st, struct arena *ar, const char *cookie, struct account *out,
                  const char **csrf_out)
{
    unsigned char hash[AUTH_SECRET_HASH];
    struct account a;
    const char *csrf = NULL;
    int rc;

    if (cookie == NULL || !auth_secret_wellformed(cookie))
        return RC_FORBIDDEN;
    auth_secret_hash(cookie, hash);
    rc = store_session_find(st, ar, hash, &a, &csrf);
    auth_wipe(hash, sizeof(hash));
    if (rc == RC_NOTFOUND || (rc == RC_OK && a.disabled))
        return RC_FORBIDDEN;
    if (rc != RC_OK)
        return rc;
    *out = a;
    if (csrf_out != NULL)
        *csrf_out = csrf;
    return RC_OK;
}

int
auth_session_end(struct store *st, const char *cookie)
{
    unsigned char hash[AUTH_SECRET_HASH];
    int rc;

    if (cookie == NULL || !auth_secret_wellformed(cookie))
        return RC_OK;
    auth_secret_hash(cookie, hash);
    rc = store_session_delete(st, hash);
    auth_wipe(hash, sizeof(hash));
    return rc == RC_NOTFOUND ? RC_OK : rc;
}

bool
auth_csrf_equal(const char *expected, const char *given)
{
    if (expected == NULL || given == NULL || !auth_secret_wellformed(expected) ||
        !auth_secret_wellformed(given))
        return false;
    /* Both are AUTH_SECRET_LEN bytes now: only the contents are compared, in constant time. */
    return sodium_memcmp(expected, given, AUTH_SECRET_LEN) == 0;
}
