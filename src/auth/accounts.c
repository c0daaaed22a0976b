/*
 * auth/accounts.c - the rules of accounts and tokens, on top of the store:
 * what a name, a role and a scope may be, creating an account with a
 * generated password (the CLI and the first start), checking a sign-in,
 * and bearer tokens (created by the CLI or OAuth, checked on every API
 * request). Cryptography is password.c's and secret.c's; storage is
 * store.h's. Sessions, cookies and CSRF belong to whoever serves forms.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "core/rc.h"

#define USERNAME_MAX 30

int
auth_username_valid(const char *name)
{
    size_t i;

    if (name == NULL)
        return 0;
    for (i = 0; name[i] != '\0'; i++) {
        char c = name[i];

        if (i == USERNAME_MAX || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return i > 0;
}

int
auth_role_valid(const char *role)
{
    return role != NULL && (strcmp(role, "admin") == 0 || strcmp(role, "editor") == 0 ||
                            strcmp(role, "member") == 0);
}

/* ---- scopes ---- */

/* Mastodon's scopes, less admin:*; "follow" and "push" have no sub-scopes. */
static const char *const known_scopes[] = {
    "read",
    "write",
    "follow",
    "push",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
};

static bool
scope_known(const char *w, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
        if (strlen(known_scopes[i]) == len && memcmp(known_scopes[i], w, len) == 0)
            return true;
    return false;
}

/* True when the space-separated list s holds the word w[0..len). */
static bool
scope_listed(const char *s, const char *w, size_t len)
{
    if (len == 0)
        return false;
    while (*s != '\0') {
        size_t n;

        s += strspn(s, " ");
        n = strcspn(s, " ");
        if (n == len && memcmp(s, w, len) == 0)
            return true;
        s += n;
    }
    return false;
}

int
auth_scopes_normalize(const char *scopes, char *out, size_t out_size)
{
    const char *s = scopes;
    size_t at = 0;

    if (out == NULL || out_size == 0)
        return RC_INVALID;
    out[0] = '\0';
    if (s == NULL)
        s = "";
    while (*s != '\0') {
        size_t n;

        s += strspn(s, " ");
        if ((n = strcspn(s, " ")) == 0)
            break;
        if (!scope_known(s, n))
            return RC_INVALID;
        if (!scope_listed(out, s, n)) {
            if (at + (at > 0) + n + 1 > out_size) {
                out[0] = '\0';
                return RC_INVALID;
            }
            if (at > 0)
                out[at++] = ' ';
            memcpy(out + at, s, n);
            at += n;
            out[at] = '\0';
        }
        s += n;
    }
    if (at == 0) {
        if (strlen(AUTH_SCOPES_DEFAULT) + 1 > out_size)
            return RC_INVALID;
        memcpy(out, AUTH_SCOPES_DEFAULT, strlen(AUTH_SCOPES_DEFAULT) + 1);
    }
    return RC_OK;
}

bool
auth_scopes_allow(const char *granted, const char *needed)
{
    const char *colon;
    size_t top;

    if (granted == NULL || needed == NULL || needed[0] == '\0')
        return false;
    if (scope_listed(granted, needed, strlen(needed)))
        return true;
    if ((colon = strchr(needed, ':')) == NULL)
        return false;
    top = (size_t)(colon - needed);
    if (scope_listed(granted, needed, top)) /* "write" covers "write:statuses" */
        return true;
    /* Mastodon's legacy "follow" covers the relationship sub-scopes. */
    return scope_listed(granted, "follow", 6) &&
           (strcmp(colon, ":follows") == 0 || strcmp(colon, ":blocks") == 0 ||
            strcmp(colon, ":mutes") == 0);
}

/* ---- accounts ---- */

int
auth_account_create(struct store *st, const char *username, const char *role, char *password_out,
                    size_t password_size)
{
    char hash[AUTH_HASH_MAX];
    struct account a = {0}; /* created_at NULL: the store's clock */
    int64_t id;
    int rc;

    if (!auth_username_valid(username) || !auth_role_valid(role)) {
        rc = RC_INVALID;
        goto out;
    }
    if ((rc = auth_password_generate(password_out, password_size)) != RC_OK ||
        (rc = auth_password_hash(password_out, hash, sizeof(hash))) != RC_OK)
        goto out;
    a.username = username;
    a.display_name = "";
    a.role = role;
    a.password_hash = hash;
    rc = store_account_add(st, &a, &id);
out:
    if (rc != RC_OK)
        auth_wipe(password_out, password_size);
    return rc;
}

int
auth_account_reset_password(struct store *st, const char *username, char *password_out,
                            size_t password_size)
{
    struct arena ar = {0};
    struct account a;
    char hash[AUTH_HASH_MAX];
    int rc;

    if (!auth_username_valid(username)) {
        rc = RC_NOTFOUND;
        goto out;
    }
    if ((rc = store_account_by_name(st, &ar, username, &a)) != RC_OK ||
        (rc = auth_password_generate(password_out, password_size)) != RC_OK ||
        (rc = auth_password_hash(password_out, hash, sizeof(hash))) != RC_OK)
        goto out;
    rc = store_account_set_password(st, a.id, hash);
out:
    if (rc != RC_OK)
        auth_wipe(password_out, password_size);
    arena_release(&ar);
    return rc;
}

int
auth_ensure_admin(struct store *st, char *name_out, size_t name_size, char *password_out,
                  size_t password_size, bool *created)
{
    static const char name[] = "admin";
    int64_t n;
    int rc;

    *created = false;
    if (name_size < sizeof(name) || password_size < AUTH_PASSWORD_SIZE)
        return RC_INVALID;
    if ((rc = store_account_count(st, &n)) != RC_OK || n > 0)
        return rc;
    rc = auth_account_create(st, name, "admin", password_out, password_size);
    if (rc == RC_CONFLICT)
        return RC_OK; /* another process made it between our count and our insert */
    if (rc != RC_OK)
        return rc;
    memcpy(name_out, name, sizeof(name));
    *created = true;
    return RC_OK;
}

int
auth_login(struct store *st, struct arena *ar, const char *username, const char *password,
           struct account *out)
{
    struct account a;
    int rc = RC_NOTFOUND;

    if (auth_username_valid(username))
        rc = store_account_by_name(st, ar, username, &a);
    if (rc == RC_NOTFOUND) {
        (void)auth_password_verify(NULL, password); /* as long as a wrong password */
        return RC_FORBIDDEN;
    }
    if (rc != RC_OK)
        return rc;
    if (auth_password_verify(a.password_hash, password) != 0 || a.disabled)
        return RC_FORBIDDEN;
    *out = a;
    return RC_OK;
}

/* ---- bearer tokens ---- */

int
auth_token_create(struct store *st, const char *username, const char *scopes, char *token_out,
                  size_t token_size)
{
    struct arena ar = {0};
    struct account a;
    unsigned char hash[AUTH_SECRET_HASH];
    char norm[AUTH_SCOPES_MAX];
    int64_t id;
    int rc;

    if (token_out == NULL || token_size < AUTH_SECRET_SIZE) {
        rc = RC_INVALID;
        goto out;
    }
    if ((rc = auth_scopes_normalize(scopes, norm, sizeof(norm))) != RC_OK)
        goto out;
    if (!auth_username_valid(username)) {
        rc = RC_NOTFOUND;
        goto out;
    }
    if ((rc = store_account_by_name(st, &ar, username, &a)) != RC_OK)
        goto out;
    if (a.disabled) {
        rc = RC_FORBIDDEN;
        goto out;
    }
    if ((rc = auth_secret_new(token_out, token_size)) != RC_OK)
        goto out;
    auth_secret_hash(token_out, hash);
    rc = store_token_add(st, a.id, hash, norm, &id);
out:
    if (rc != RC_OK)
        auth_wipe(token_out, token_size);
    arena_release(&ar);
    return rc;
}

int
auth_bearer(struct store *st, struct arena *ar, const char *authorization_header,
            struct account *out, const char **scopes_out)
{
    const char *p = authorization_header;
    char secret[AUTH_SECRET_SIZE];
    unsigned char hash[AUTH_SECRET_HASH];
    struct account a;
    const char *scopes = NULL;
    size_t n;
    int rc = RC_FORBIDDEN;

    if (p == NULL || strncasecmp(p, "Bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
        return RC_FORBIDDEN;
    p += 6 + strspn(p + 6, " \t");
    n = strcspn(p, " \t");
    if (n != AUTH_SECRET_LEN || p[n + strspn(p + n, " \t")] != '\0')
        return RC_FORBIDDEN;
    memcpy(secret, p, n);
    secret[n] = '\0';
    if (!auth_secret_wellformed(secret))
        goto out;
    /*
     * Looked up by its SHA-256: an attacker cannot steer the hash, so the
     * index lookup leaks nothing a constant-time compare would protect.
     */
    auth_secret_hash(secret, hash);
    rc = store_token_find(st, ar, hash, &a, &scopes);
    if (rc == RC_NOTFOUND || (rc == RC_OK && a.disabled)) {
        rc = RC_FORBIDDEN;
        goto out;
    }
    if (rc != RC_OK)
        goto out;
    *out = a;
    if (scopes_out != NULL)
        *scopes_out = scopes;
out:
    auth_wipe(secret, sizeof(secret));
    auth_wipe(hash, sizeof(hash));
    return rc;
}
