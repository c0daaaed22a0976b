/*
 * web/session.c - signing in and out of the pages, and the CSRF check of
 * every form. The session cookie gz_session holds a random secret whose
 * SHA-256 alone is stored (auth/session.c); it is HttpOnly, SameSite=Lax,
 * Path=/, Secure when the public URL is https, and lasts 14 days. Each
 * session has its own random CSRF token, written into every form as the
 * hidden field "csrf" and compared in constant time on every form POST.
 * The sign-in form, before any session, has its own token: a random value
 * in the gz_csrf cookie that the form must repeat (a double submit), so
 * another site cannot sign a browser into an account of its choosing.
 *
 * Failed sign-ins are counted per account name and per client address by
 * two limiters: past the limit, 429 with Retry-After, and the password is
 * not even checked. Every sign-in opens a new session and ends the one the
 * browser came with, so a session id planted before sign-in is worthless.
 *
 * Cookies open only pages and forms: the JSON API reads bearer tokens
 * alone (api/json.c), so no cookie can write through it without a CSRF
 * token.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/app.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/rc.h"
#include "web/web_int.h"

#define ACCOUNT_FAILURES 5   /* failed sign-ins per account name ... */
#define ADDRESS_FAILURES 20  /* ... and per client address (offices share one) ... */
#define FAILURE_WINDOW   300 /* ... in five minutes */
#define LIMITER_KEYS     4096
#define MAX_USERNAME_KEY 64 /* bytes of a typed name that the limiter keys on */

static struct rate_limiter *by_account, *by_address;
static pthread_once_t limiters_once = PTHREAD_ONCE_INIT;

static void
limiters_make(void)
{
    by_account = rate_limiter_new(ACCOUNT_FAILURES, FAILURE_WINDOW, LIMITER_KEYS);
    by_address = rate_limiter_new(ADDRESS_FAILURES, FAILURE_WINDOW, LIMITER_KEYS);
    if (by_account == NULL || by_address == NULL)
        log_warnx("cannot allocate the sign-in rate limiters");
}

/* ---- who is looking ---- */

void
web_viewer_load(struct request *req, struct store *st, struct viewer *out)
{
    const char *cookie = request_cookie(req, WEB_SESSION_COOKIE);
    const char *authz = request_header(req, "Authorization");

    memset(out, 0, sizeof(*out));
    if (cookie != NULL &&
        auth_session_find(st, &req->arena, cookie, &out->acc, &out->csrf) == RC_OK) {
        out->signed_in = true;
        return;
    }
    out->csrf = NULL;
    if (authz != NULL && auth_bearer(st, &req->arena, authz, &out->acc, NULL) == RC_OK)
        out->signed_in = true;
}

bool
web_viewer(struct request *req, struct store *st, struct account *out)
{
    struct viewer v;

    web_viewer_load(req, st, &v);
    if (v.signed_in)
        *out = v.acc;
    return v.signed_in;
}

bool
web_may_edit(struct store *st, const struct viewer *v, const struct event *e)
{
    return v->signed_in && api_may_edit(st, &v->acc, e);
}

bool
web_may_create(const struct viewer *v)
{
    return v->signed_in &&
           (strcmp(v->acc.role, "admin") == 0 || strcmp(v->acc.role, "editor") == 0);
}

void
html_csrf(struct html *h, const struct viewer *v)
{
    html_raw(h, "<input type=\"hidden\" name=\"csrf\"");
    html_attr(h, "value", v != NULL && v->csrf != NULL ? v->csrf : "");
    html_raw(h, ">");
}

int
web_redirect(struct response *res, const char *path)
{
    if (response_header(res, "Location", path) != 0)
        return -1;
    return response_body(res, 303, "text/plain; charset=utf-8", "", 0);
}

/* The fields of the urlencoded body; false with a 400 page when malformed. */
static bool
form_fields(struct request *req, struct response *res, struct kv **form, size_t *n)
{
    if (request_form(req, req->body, req->body_len, form, n) == 0)
        return true;
    web_message(req, res, 400, MSG_FORM_REFUSED_TITLE, MSG_BAD_FORM);
    return false;
}

bool
web_form(struct request *req, struct response *res, struct store *st, struct viewer *v,
         struct kv **form, size_t *n)
{
    if (!form_fields(req, res, form, n))
        return false;
    web_viewer_load(req, st, v);
    if (!v->signed_in || v->csrf == NULL) {
        web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_SIGN_IN_FIRST);
        return false;
    }
    if (!auth_csrf_equal(v->csrf, kv_get(*form, *n, "csrf"))) {
        web_message(req, res, 403, MSG_FORM_REFUSED_TITLE, MSG_CSRF_TEXT);
        return false;
    }
    return true;
}

/* ---- cookies ---- */

static const char *cookie_header(struct request *req, const char *name, const char *value,
                                 const char *path, long max_age);

/* "name=value; attributes" in the arena; NULL when out of memory. */
static const char *
cookie_header(struct request *req, const char *name, const char *value, const char *path,
              long max_age)
{
    const struct app *app = req->app;
    char age[32] = "";

    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
    return arena_printf(&req->arena, "%s=%s; Path=%s; HttpOnly; SameSite=Lax%s%s", name, value,
                        path, age, app != NULL && app->secure_cookies ? "; Secure" : "");
}

/* ---- the sign-in form ---- */

bool
web_local_path(const char *p)
{
    const unsigned char *c;

    if (p == NULL || p[0] != '/' || p[1] == '/')
        return false;
    /* browsers drop tabs and line breaks inside a URL ("/\t/evil.example" is
     * "//evil.example") and read a backslash as a slash */
    for (c = (const unsigned char *)p; *c != '\0'; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\')
            return false;
    return true;
}

/* A local path to go back to after signing in, or "/". */
static const char *
next_path(const char *next)
{
    return web_local_path(next) ? next : "/";
}

/*
 * The sign-in page with status: token is the form's CSRF token (the
 * gz_csrf cookie's), error a message or NULL.
 */
static int
login_page(struct request *req, struct response *res, int status, const char *token,
           const char *username, const char *next, const char *error)
{
    struct html h = {0};
    enum web_lang lang = web_request_lang(req);

    page_begin(&h, req, lang, msg(lang, MSG_SIGN_IN), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_SIGN_IN);
    html_raw(&h, "</h1>\n");
    if (error != NULL) {
        html_raw(&h, "<p class=\"error\" role=\"alert\">");
        html_text(&h, error);
        html_raw(&h, "</p>\n");
    }
    html_raw(&h, "<form class=\"fields\" method=\"post\" action=\"/login\">"
                 "<input type=\"hidden\" name=\"csrf\"");
    html_attr(&h, "value", token);
    html_raw(&h, "><input type=\"hidden\" name=\"next\"");
    html_attr(&h, "value", next_path(next));
    html_raw(&h, ">\n<label for=\"username\">");
    html_msg(&h, MSG_USERNAME);
    html_raw(&h, "</label><input id=\"username\" name=\"username\" autocomplete=\"username\" "
                 "autocapitalize=\"none\" spellcheck=\"false\" required");
    html_attr(&h, "value", username != NULL ? username : "");
    html_raw(&h, ">\n<label for=\"password\">");
    html_msg(&h, MSG_PASSWORD);
    html_raw(&h, "</label><input id=\"password\" name=\"password\" type=\"password\" "
                 "autocomplete=\"current-password\" required>\n<button type=\"submit\">");
    html_msg(&h, MSG_SIGN_IN);
    html_raw(&h, "</button>\n</form>\n");
    page_end(&h);
    /* page_send() says private, no-store already when someone is signed in. */
    if (response_header(res, "Vary", "Accept-Language") != 0 ||
        (!(h.viewer != NULL && h.viewer->signed_in) &&
         response_header(res, "Cache-Control", "no-store") != 0)) {
        text_buf_release(&h.buf);
        return -1;
    }
    return page_send(res, &h, status);
}

/* GET /login[?next=/path] */
int
web_login_form(struct request *req, struct response *res)
{
    const char *token = request_cookie(req, WEB_LOGIN_COOKIE);
    char fresh[AUTH_SECRET_SIZE];

    /* The browser's token is kept while it is one; else a new one. */
    if (token == NULL || !auth_secret_wellformed(token)) {
        if (auth_secret_new(fresh, sizeof(fresh)) != RC_OK ||
            (token = arena_strndup(&req->arena, fresh, AUTH_SECRET_LEN)) == NULL)
            return -1;
        if (response_header(res, "Set-Cookie",
                            cookie_header(req, WEB_LOGIN_COOKIE, token, "/login", -1)) != 0)
            return -1;
    }
    return login_page(req, res, 200, token, NULL, request_query(req, "next"), NULL);
}

/* The limiter key of a typed account name: lower case, bounded. */
static const char *
account_key(struct request *req, const char *username)
{
    char key[MAX_USERNAME_KEY + 1];
    size_t i;

    for (i = 0; username[i] != '\0' && i < MAX_USERNAME_KEY; i++)
        key[i] = (char)tolower((unsigned char)username[i]);
    key[i] = '\0';
    return arena_strndup(&req->arena, key, i);
}

/* POST /login  csrf, username, password, next */
int
web_login(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *token = request_cookie(req, WEB_LOGIN_COOKIE), *username, *password, *next;
    const char *old = request_cookie(req, WEB_SESSION_COOKIE), *name_key;
    const char *addr = req->remote_addr != NULL ? req->remote_addr : "?";
    char secret[AUTH_SECRET_SIZE], csrf[AUTH_SECRET_SIZE];
    enum web_lang lang = web_request_lang(req);
    unsigned wait_account = 0, wait_address = 0;
    struct account acc;
    struct kv *form;
    size_t n;
    time_t now = time(NULL);
    int rc, status = -1;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!form_fields(req, res, &form, &n))
        return 0;
    /* The form's token must be the one its page set in this browser's cookie. */
    if (token == NULL || !auth_csrf_equal(token, kv_get(form, n, "csrf")))
        return web_message(req, res, 403, MSG_FORM_REFUSED_TITLE, MSG_CSRF_TEXT);
    username = kv_get(form, n, "username");
    password = kv_get(form, n, "password");
    next = kv_get(form, n, "next");
    if (username == NULL || password == NULL || username[0] == '\0' ||
        (name_key = account_key(req, username)) == NULL)
        return login_page(req, res, 401, token, username, next, msg(lang, MSG_LOGIN_FAILED));

    pthread_once(&limiters_once, limiters_make);
    if (by_account == NULL || by_address == NULL)
        return web_error(req, res, RC_NOMEM);
    if (rate_limiter_blocked(by_account, name_key, now, &wait_account) |
        rate_limiter_blocked(by_address, addr, now, &wait_address)) {
        unsigned wait = wait_account > wait_address ? wait_account : wait_address;
        const char *retry = arena_printf(&req->arena, "%u", wait);
        if (retry == NULL || response_header(res, "Retry-After", retry) != 0)
            return -1;
        return login_page(req, res, 429, token, username, next,
                          arena_printf(&req->arena, msg(lang, MSG_LOGIN_LIMITED), wait));
    }
    rc = auth_login(st, &req->arena, username, password, &acc);
    auth_wipe((char *)password, strlen(password)); /* the decoded copy, in the arena */
    if (rc == RC_FORBIDDEN) {
        rate_limiter_fail(by_account, name_key, now);
        rate_limiter_fail(by_address, addr, now);
        log_info("sign-in refused from %s", addr); /* not the name: it may be a password */
        return login_page(req, res, 401, token, username, next, msg(lang, MSG_LOGIN_FAILED));
    }
    if (rc != RC_OK)
        return web_error(req, res, rc);
    rate_limiter_reset(by_account, name_key);

    /* A new session at every sign-in; the one the browser came with ends (no fixation). */
    if (old != NULL)
        auth_session_end(st, old);
    if ((rc = auth_session_create(st, acc.id, secret, sizeof(secret), csrf, sizeof(csrf))) != RC_OK)
        return web_error(req, res, rc);
    if (response_header(
            res, "Set-Cookie",
            cookie_header(req, WEB_SESSION_COOKIE, secret, "/", AUTH_SESSION_SECONDS)) != 0 ||
        response_header(res, "Cache-Control", "no-store") != 0)
        goto out;
    status = web_redirect(res, next_path(next));
out:
    auth_wipe(secret, sizeof(secret));
    auth_wipe(csrf, sizeof(csrf));
    return status;
}

/* POST /logout  csrf */
int
web_logout(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct viewer v;
    struct kv *form;
    size_t n;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if ((rc = auth_session_end(st, request_cookie(req, WEB_SESSION_COOKIE))) != RC_OK)
        return web_error(req, res, rc);
    if (response_header(res, "Set-Cookie", cookie_header(req, WEB_SESSION_COOKIE, "", "/", 0)) !=
            0 ||
        response_header(res, "Cache-Control", "no-store") != 0)
        return -1;
    return web_redirect(res, "/");
}

/* ---- guests' forms ---- */

#define GUEST_COOKIE_SECONDS (24 * 3600) /* renewed at every recap page */

const char *
web_guest_token(struct request *req, struct response *res)
{
    const char *token = request_cookie(req, WEB_GUEST_COOKIE);
    char fresh[AUTH_SECRET_SIZE];

    if (token == NULL || !auth_secret_wellformed(token)) {
        if (auth_secret_new(fresh, sizeof(fresh)) != RC_OK ||
            (token = arena_strndup(&req->arena, fresh, AUTH_SECRET_LEN)) == NULL)
            return NULL;
    }
    if (response_header(res, "Set-Cookie",
                        cookie_header(req, WEB_GUEST_COOKIE, token, "/", GUEST_COOKIE_SECONDS)) !=
        0)
        return NULL;
    return token;
}

bool
web_open_form(struct request *req, struct response *res, struct store *st, struct viewer *v,
              struct kv **form, size_t *n)
{
    const char *guest = request_cookie(req, WEB_GUEST_COOKIE);

    if (!form_fields(req, res, form, n))
        return false;
    web_viewer_load(req, st, v);
    if (v->signed_in && v->csrf != NULL) {
        if (auth_csrf_equal(v->csrf, kv_get(*form, *n, "csrf")))
            return true;
    } else if (!v->signed_in && guest != NULL &&
               auth_csrf_equal(guest, kv_get(*form, *n, "csrf"))) {
        return true;
    }
    v->signed_in = v->signed_in && v->csrf != NULL; /* a bearer token sends no form */
    web_message(req, res, 403, MSG_FORM_REFUSED_TITLE, MSG_CSRF_TEXT);
    return false;
}
