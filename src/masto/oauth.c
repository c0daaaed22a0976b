/*
 * masto/oauth.c - how a Mastodon app gets a token (the consent page itself
 * is web/oauth.c): it registers (POST /api/v1/apps, JSON or form), then
 * trades at POST /oauth/token an authorization code (with PKCE when it
 * sent a challenge), a user's password, or its own credentials (an app
 * token that speaks for nobody); POST /oauth/revoke ends a token. Every
 * secret handed out is kept as its SHA-256 only. Errors of the token
 * endpoint follow RFC 6749 ({"error": "invalid_grant", "error_description":
 * …}), as Doorkeeper, Mastodon's OAuth library, sends them.
 */
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"

#define MAX_NAME      200
#define MAX_REDIRECTS 2048

/* ---- apps ---- */

/* Whether s may be a redirect URI: the out-of-band one, or an absolute URI of a safe scheme. */
static bool
redirect_ok(const char *s)
{
    const char *colon = strchr(s, ':');
    size_t i;

    if (strcmp(s, MASTO_OOB) == 0)
        return true;
    if (colon == NULL || colon == s || strlen(s) > 1024)
        return false;
    for (i = 0; s[i] != '\0'; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '"' || s[i] == '<' || s[i] == '>')
            return false;
    return strncasecmp(s, "javascript:", 11) != 0 && strncasecmp(s, "data:", 5) != 0 &&
           strncasecmp(s, "vbscript:", 9) != 0 && strncasecmp(s, "file:", 5) != 0;
}

/* An app as POST /api/v1/apps shows it; with its secret only when just created. */
static json_t *
app_json(const struct oauth_app *a, const char *secret)
{
    json_t *uris = json_array(), *scopes = json_array(), *j;
    char buf[AUTH_SCOPES_MAX], *tok, *save = NULL;
    const char *p, *nl;

    for (p = a->redirect_uris; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        json_array_append_new(uris,
                              nl != NULL ? json_stringn(p, (size_t)(nl - p)) : json_string(p));
    }
    snprintf(buf, sizeof(buf), "%s", a->scopes);
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
        json_array_append_new(scopes, json_string(tok));
    j = json_pack("{s:o, s:s, s:o, s:s, s:o, s:s, s:o, s:s}", "id", document_id(a->id), "name",
                  a->name, "website", a->website != NULL ? json_string(a->website) : json_null(),
                  "redirect_uri", a->redirect_uris, "redirect_uris", uris, "client_id",
                  a->client_id, "scopes", scopes, "vapid_key", "");
    if (j != NULL && secret != NULL)
        json_object_set_new(j, "client_secret", json_string(secret));
    return j;
}

/* POST /api/v1/apps  client_name, redirect_uris, scopes, website */
int
masto_apps_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    char client_id[AUTH_SECRET_SIZE], secret[AUTH_SECRET_SIZE], scopes[AUTH_SCOPES_MAX];
    struct oauth_app a = {0};
    json_t *params, *uris;
    char *redirects = NULL;
    size_t i;
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if ((params = masto_params(req, res)) == NULL)
        return 0;
    a.name = masto_string(params, "client_name");
    a.website = masto_string(params, "website");
    if (a.name == NULL || a.name[0] == '\0' || strlen(a.name) > MAX_NAME) {
        masto_error(res, 422, "Validation failed: Application name can't be blank");
        goto out;
    }
    if (a.website != NULL && a.website[0] == '\0')
        a.website = NULL;
    if (auth_scopes_normalize(
            masto_string(params, "scopes") != NULL ? masto_string(params, "scopes") : "read",
            scopes, sizeof(scopes)) != RC_OK) {
        masto_error(res, 422,
                    "Validation failed: Scopes must be among read, write, follow, "
                    "push and their sub-scopes");
        goto out;
    }
    a.scopes = scopes;
    /* one URI, several separated by blanks, or an array */
    uris = json_object_get(params, "redirect_uris");
    if (json_is_array(uris)) {
        for (i = 0; i < json_array_size(uris); i++) {
            const char *u = json_string_value(json_array_get(uris, i));
            redirects = arena_printf(&req->arena, "%s%s%s", redirects != NULL ? redirects : "",
                                     redirects != NULL ? "\n" : "", u != NULL ? u : "");
        }
    } else if (json_is_string(uris)) {
        redirects = arena_strndup(&req->arena, json_string_value(uris), json_string_length(uris));
        for (i = 0; redirects != NULL && redirects[i] != '\0'; i++)
            if (redirects[i] == ' ' || redirects[i] == '\r' || redirects[i] == '\t')
                redirects[i] = '\n';
    }
    if (redirects == NULL || redirects[0] == '\0' || strlen(redirects) > MAX_REDIRECTS) {
        masto_error(res, 422, "Validation failed: Redirect URI must be an absolute URI");
        goto out;
    }
    {
        char *copy = arena_strndup(&req->arena, redirects, strlen(redirects)), *tok, *save = NULL;
        for (tok = strtok_r(copy, "\n", &save); tok != NULL; tok = strtok_r(NULL, "\n", &save))
            if (!redirect_ok(tok)) {
                masto_error(res, 422, "Validation failed: Redirect URI must be an absolute URI");
                goto out;
            }
    }
    a.redirect_uris = redirects;
    if (auth_secret_new(client_id, sizeof(client_id)) != RC_OK ||
        auth_secret_new(secret, sizeof(secret)) != RC_OK) {
        masto_error(res, 500, "no randomness");
        goto out;
    }
    a.client_id = client_id;
    auth_secret_hash(secret, a.secret_hash);
    if ((rc = store_app_add(st, &a, &a.id)) != RC_OK) {
        masto_store_error(res, rc, "the app could not be stored");
        goto out;
    }
    masto_json(res, 200, app_json(&a, secret));
out:
    auth_wipe(secret, sizeof(secret));
    json_decref(params);
    return 0;
}

/* GET /api/v1/apps/verify_credentials: the app of the token. */
int
masto_apps_verify(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    unsigned char hash[AUTH_SECRET_HASH];
    const char *authz = request_header(req, "Authorization");
    const char *name = NULL, *website = NULL;
    int64_t app_id = 0;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, NULL, false, false, &a))
        return 0;
    if (a.has_account) {
        auth_secret_hash(authz + 7, hash);
        store_token_app(st, &req->arena, hash, &app_id, &name, &website);
    } else {
        name = a.app_name;
        website = a.app_website;
    }
    return masto_json(res, 200,
                      json_pack("{s:s, s:o, s:s}", "name", name != NULL ? name : "gazouillis",
                                "website", website != NULL ? json_string(website) : json_null(),
                                "vapid_key", ""));
}

/* ---- tokens ---- */

/* An OAuth error: {"error": code, "error_description": text}. */
static int
oauth_error(struct response *res, int status, const char *code, const char *text)
{
    if (status == 401)
        response_header(res, "WWW-Authenticate", "Basic realm=\"Doorkeeper\"");
    return api_json(res, status, json_pack("{s:s, s:s}", "error", code, "error_description", text));
}

/* The app of client_id and client_secret (the body's, or HTTP Basic's); false when wrong. */
static bool
client_check(struct request *req, struct store *st, json_t *params, struct oauth_app *app)
{
    const char *id = masto_string(params, "client_id");
    const char *secret = masto_string(params, "client_secret");
    unsigned char hash[AUTH_SECRET_HASH];

    if (id == NULL || secret == NULL || store_app_by_client_id(st, &req->arena, id, app) != RC_OK)
        return false;
    auth_secret_hash(secret, hash);
    return auth_secret_equal(hash, app->secret_hash);
}

/* Scopes asked (NULL: the app's) within the app's; into out. */
static bool
scopes_granted(const struct oauth_app *app, const char *asked, char *out, size_t size)
{
    char buf[AUTH_SCOPES_MAX], *tok, *save = NULL;

    if (auth_scopes_normalize(asked != NULL && asked[0] != '\0' ? asked : app->scopes, out, size) !=
        RC_OK)
        return false;
    snprintf(buf, sizeof(buf), "%s", out);
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
        if (!auth_scopes_allow(app->scopes, tok))
            return false;
    return true;
}

/* Makes a token of account_id (0: the app's own) and answers it. */
static int
token_answer(struct response *res, struct store *st, int64_t account_id, int64_t app_id,
             const char *scopes)
{
    char token[AUTH_SECRET_SIZE];
    unsigned char hash[AUTH_SECRET_HASH];
    int rc;

    if (auth_secret_new(token, sizeof(token)) != RC_OK)
        return oauth_error(res, 500, "server_error", "no randomness");
    auth_secret_hash(token, hash);
    if ((rc = store_token_add_app(st, account_id, hash, scopes, app_id)) != RC_OK) {
        auth_wipe(token, sizeof(token));
        if (rc == RC_AGAIN)
            response_header(res, "Retry-After", HTTP_RETRY_AFTER);
        return oauth_error(res, http_status_for_rc(rc), "server_error",
                           rc == RC_FULL || rc == RC_AGAIN ? http_message_for_rc(rc)
                                                           : "the token could not be stored");
    }
    response_header(res, "Cache-Control", "no-store");
    rc = api_json(res, 200,
                  json_pack("{s:s, s:s, s:s, s:I}", "access_token", token, "token_type", "Bearer",
                            "scope", scopes, "created_at", (json_int_t)time(NULL)));
    auth_wipe(token, sizeof(token));
    return rc;
}

/* The account of a password grant: a user name, or an address "name@…" as toot sends. */
static int
password_login(struct request *req, struct store *st, const char *username, const char *password,
               struct account *acc)
{
    int rc = auth_login(st, &req->arena, username, password, acc);
    const char *at;

    if (rc == RC_FORBIDDEN && (at = strchr(username, '@')) != NULL && at != username) {
        const char *name = arena_strndup(&req->arena, username, (size_t)(at - username));
        if (name != NULL)
            rc = auth_login(st, &req->arena, name, password, acc);
    }
    return rc;
}

/* POST /oauth/token */
int
masto_oauth_token(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    char scopes[AUTH_SCOPES_MAX];
    struct oauth_app app;
    const char *grant;
    json_t *params;
    int status = 0;

    if (st == NULL)
        return oauth_error(res, 500, "server_error", "the server could not open its data");
    if ((params = masto_params(req, res)) == NULL)
        return 0;
    grant = masto_string(params, "grant_type");
    if (grant == NULL) {
        status = oauth_error(res, 400, "invalid_request", "grant_type is missing");
        goto out;
    }
    if (!client_check(req, st, params, &app)) {
        status = oauth_error(res, 401, "invalid_client",
                             "Client authentication failed due to unknown client, no client "
                             "authentication included, or unsupported authentication method.");
        goto out;
    }
    if (strcmp(grant, "password") == 0) {
        const char *user = masto_string(params, "username");
        const char *password = masto_string(params, "password");
        struct account acc;
        int rc;
        if (!scopes_granted(&app, masto_string(params, "scope"), scopes, sizeof(scopes))) {
            status = oauth_error(res, 400, "invalid_scope",
                                 "The requested scope is invalid, unknown, or malformed.");
            goto out;
        }
        if (user == NULL || password == NULL) {
            status = oauth_error(res, 400, "invalid_request", "username and password are needed");
            goto out;
        }
        rc = password_login(req, st, user, password, &acc);
        if (rc == RC_FORBIDDEN) {
            log_info("token refused: wrong password from %s",
                     req->remote_addr != NULL ? req->remote_addr : "?");
            status = oauth_error(res, 400, "invalid_grant",
                                 "The provided authorization grant is invalid, expired, revoked, "
                                 "does not match the redirection URI used in the authorization "
                                 "request, or was issued to another client.");
            goto out;
        }
        if (rc != RC_OK) {
            status = oauth_error(res, http_status_for_rc(rc), "server_error", "sign-in failed");
            goto out;
        }
        status = token_answer(res, st, acc.id, app.id, scopes);
    } else if (strcmp(grant, "authorization_code") == 0) {
        const char *code = masto_string(params, "code");
        const char *redirect = masto_string(params, "redirect_uri");
        unsigned char hash[AUTH_SECRET_HASH];
        struct oauth_code c;
        int rc = RC_NOTFOUND;
        if (code != NULL && auth_secret_wellformed(code)) {
            auth_secret_hash(code, hash);
            rc = store_code_take(st, &req->arena, hash, &c);
        }
        if (rc != RC_OK && rc != RC_NOTFOUND) {
            status = oauth_error(res, 500, "server_error", "the code could not be read");
            goto out;
        }
        if (rc == RC_NOTFOUND || c.app_id != app.id ||
            (redirect != NULL && strcmp(redirect, c.redirect_uri) != 0) ||
            (c.challenge != NULL && !auth_pkce_verify(masto_string(params, "code_verifier"),
                                                      c.challenge, c.challenge_method))) {
            status = oauth_error(res, 400, "invalid_grant",
                                 "The provided authorization grant is invalid, expired, revoked, "
                                 "does not match the redirection URI used in the authorization "
                                 "request, or was issued to another client.");
            goto out;
        }
        status = token_answer(res, st, c.account_id, app.id, c.scopes);
    } else if (strcmp(grant, "client_credentials") == 0) {
        if (!scopes_granted(&app, masto_string(params, "scope"), scopes, sizeof(scopes))) {
            status = oauth_error(res, 400, "invalid_scope",
                                 "The requested scope is invalid, unknown, or malformed.");
            goto out;
        }
        status = token_answer(res, st, 0, app.id, scopes);
    } else {
        status = oauth_error(res, 400, "unsupported_grant_type",
                             "The authorization grant type is not supported by the "
                             "authorization server.");
    }
out:
    json_decref(params);
    return status;
}

/* POST /oauth/revoke  client_id, client_secret, token: 200 {} whether or not it existed. */
int
masto_oauth_revoke(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    unsigned char hash[AUTH_SECRET_HASH];
    struct oauth_app app;
    const char *token;
    json_t *params;
    int status;

    if (st == NULL)
        return oauth_error(res, 500, "server_error", "the server could not open its data");
    if ((params = masto_params(req, res)) == NULL)
        return 0;
    token = masto_string(params, "token");
    if (!client_check(req, st, params, &app)) {
        status = oauth_error(res, 403, "unauthorized_client",
                             "You are not authorized to revoke this token");
    } else {
        if (token != NULL && auth_secret_wellformed(token)) {
            auth_secret_hash(token, hash);
            store_token_revoke(st, hash, app.id);
            masto_token_forget(hash);
        }
        status = masto_json(res, 200, json_object());
    }
    json_decref(params);
    return status;
}
