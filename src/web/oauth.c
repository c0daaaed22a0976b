/*
 * web/oauth.c - the page where a person lets a Mastodon app act for them
 * (GET /oauth/authorize, and with a trailing slash): the app's request is
 * checked (known client, one of its redirect URIs, scopes within its own,
 * response_type code; unknown parameters ignored), the person signs in
 * first if needed, then sees what the app asks and answers with a form
 * (POST /oauth/authorize, CSRF-checked). Allowed, a code good once for ten
 * minutes goes back to the app's redirect URI with its state, or, for the
 * out-of-band URI, is shown to copy. A PKCE challenge is kept with the
 * code; masto/oauth.c checks the verifier when the code is traded.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/rc.h"
#include "masto/masto_int.h"
#include "web/web_int.h"

#define CODE_SECONDS 600

/* The request of an app, as its parameters (query or form) say. */
struct authorize {
    const char *client_id, *redirect_uri, *scope, *state, *challenge, *method;
    struct oauth_app app;
    char scopes[AUTH_SCOPES_MAX];
};

/* Checks the request; NULL when good, else why not (English, for the page). */
static const char *
authorize_check(struct request *req, struct store *st, struct authorize *a, const char *type)
{
    char buf[AUTH_SCOPES_MAX], *tok, *save = NULL;
    const char *p;
    size_t len;

    if (a->client_id == NULL ||
        store_app_by_client_id(st, &req->arena, a->client_id, &a->app) != RC_OK)
        return "unknown client_id";
    if (type == NULL || strcmp(type, "code") != 0)
        return "response_type must be code";
    if (a->redirect_uri == NULL) /* one registered URI: it is the one */
        a->redirect_uri = strchr(a->app.redirect_uris, '\n') == NULL ? a->app.redirect_uris : NULL;
    if (a->redirect_uri == NULL)
        return "redirect_uri is missing";
    len = strlen(a->redirect_uri);
    for (p = a->app.redirect_uris; p != NULL; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, a->redirect_uri, len) == 0 && (p[len] == '\0' || p[len] == '\n'))
            break;
    if (p == NULL)
        return "redirect_uri is not one of the app's";
    if (auth_scopes_normalize(a->scope != NULL && a->scope[0] != '\0' ? a->scope : "read",
                              a->scopes, sizeof(a->scopes)) != RC_OK)
        return "unknown scope";
    snprintf(buf, sizeof(buf), "%s", a->scopes);
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save))
        if (!auth_scopes_allow(a->app.scopes, tok))
            return "a scope the app did not register";
    if (a->challenge != NULL && a->challenge[0] == '\0')
        a->challenge = NULL;
    if (a->challenge != NULL && a->method != NULL && strcmp(a->method, "S256") != 0 &&
        strcmp(a->method, "plain") != 0)
        return "code_challenge_method must be S256 or plain";
    if (a->challenge != NULL && a->method == NULL)
        a->method = "plain";
    return NULL;
}

static int
bad_request(struct request *req, struct response *res, const char *why)
{
    struct html h = {0};
    enum web_lang lang = web_request_lang(req);

    page_begin(&h, req, lang, msg(lang, MSG_OAUTH_TITLE), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_OAUTH_TITLE);
    html_raw(&h, "</h1>\n<p class=\"error\" role=\"alert\">");
    html_textf(&h, msg(lang, MSG_OAUTH_BAD), why);
    html_raw(&h, "</p>\n");
    page_end(&h);
    return page_send(res, &h, 400);
}

/* Appends s to b; 0 or -1 (no memory). */
static int
tb_raw(struct text_buf *b, const char *s)
{
    size_t len = strlen(s);
    char *p;

    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap != 0 ? b->cap : 256;
        while (cap < b->len + len + 1)
            cap *= 2;
        if ((p = realloc(b->data, cap)) == NULL)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, len + 1);
    b->len += len;
    return 0;
}

/* Appends s percent-encoded for a query string (RFC 3986 unreserved kept). */
static int
tb_url(struct text_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char one[4];

    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            one[0] = (char)c;
            one[1] = '\0';
        } else {
            one[0] = '%';
            one[1] = hex[c >> 4];
            one[2] = hex[c & 15];
            one[3] = '\0';
        }
        if (tb_raw(b, one) != 0)
            return -1;
    }
    return 0;
}

/* A hidden field. */
static void
hidden(struct html *h, const char *name, const char *value)
{
    if (value == NULL)
        return;
    html_raw(h, "<input type=\"hidden\"");
    html_attr(h, "name", name);
    html_attr(h, "value", value);
    html_raw(h, ">");
}

/* GET /oauth/authorize?client_id&redirect_uri&response_type=code&scope&state&code_challenge… */
int
web_oauth_authorize(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct authorize a = {
        .client_id = request_query(req, "client_id"),
        .redirect_uri = request_query(req, "redirect_uri"),
        .scope = request_query(req, "scope"),
        .state = request_query(req, "state"),
        .challenge = request_query(req, "code_challenge"),
        .method = request_query(req, "code_challenge_method"),
    };
    enum web_lang lang = web_request_lang(req);
    const char *why;
    struct html h = {0};
    struct viewer v;
    char buf[AUTH_SCOPES_MAX], *tok, *save = NULL;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((why = authorize_check(req, st, &a, request_query(req, "response_type"))) != NULL)
        return bad_request(req, res, why);
    web_viewer_load(req, st, &v);
    if (!v.signed_in || v.csrf == NULL) {
        /* back here once signed in: the same request, rebuilt from its parameters */
        struct text_buf next = {0}, login = {0};
        const char *location = NULL;
        size_t i;
        int rc = tb_raw(&next, "/oauth/authorize?");
        for (i = 0; i < req->n_query && rc == 0; i++) {
            rc |= tb_url(&next, req->query[i].name);
            rc |= tb_raw(&next, "=");
            rc |= tb_url(&next, req->query[i].value);
            if (i + 1 < req->n_query)
                rc |= tb_raw(&next, "&");
        }
        if (rc == 0 && tb_raw(&login, "/login?next=") == 0 && tb_url(&login, next.data) == 0)
            location = arena_strndup(&req->arena, login.data, login.len);
        text_buf_release(&next);
        text_buf_release(&login);
        return location != NULL ? web_redirect(res, location) : -1;
    }
    h.viewer = &v;
    page_begin(&h, req, lang, msg(lang, MSG_OAUTH_TITLE), "form-page");
    html_raw(&h, "<h1>");
    html_msg(&h, MSG_OAUTH_TITLE);
    html_raw(&h, "</h1>\n<p>");
    html_textf(&h, msg(lang, MSG_OAUTH_ASKS), a.app.name, v.acc.username);
    html_raw(&h, "</p>\n<ul class=\"scopes\">");
    snprintf(buf, sizeof(buf), "%s", a.scopes);
    for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        enum msg m = strncmp(tok, "read", 4) == 0     ? MSG_OAUTH_SCOPE_READ
                     : strncmp(tok, "write", 5) == 0  ? MSG_OAUTH_SCOPE_WRITE
                     : strncmp(tok, "follow", 6) == 0 ? MSG_OAUTH_SCOPE_FOLLOW
                                                      : MSG_OAUTH_SCOPE_PUSH;
        html_raw(&h, "<li>");
        html_msg(&h, m);
        html_raw(&h, " <code>");
        html_text(&h, tok);
        html_raw(&h, "</code></li>");
    }
    html_raw(&h, "</ul>\n<form class=\"fields\" method=\"post\" action=\"/oauth/authorize\">");
    html_csrf(&h, &v);
    hidden(&h, "client_id", a.client_id);
    hidden(&h, "redirect_uri", a.redirect_uri);
    hidden(&h, "scope", a.scopes);
    hidden(&h, "state", a.state);
    hidden(&h, "code_challenge", a.challenge);
    hidden(&h, "code_challenge_method", a.challenge != NULL ? a.method : NULL);
    html_raw(&h, "\n<p class=\"actions\"><button type=\"submit\" name=\"decision\" "
                 "value=\"allow\">");
    html_msg(&h, MSG_OAUTH_ALLOW);
    html_raw(&h, "</button> <button type=\"submit\" name=\"decision\" value=\"deny\">");
    html_msg(&h, MSG_OAUTH_DENY);
    html_raw(&h, "</button></p>\n</form>\n");
    page_end(&h);
    /* no frame may show it: a click on "Authorize" must be the person's */
    return page_send(res, &h, 200);
}

/* redirect_uri with ?name=value (or &) and the state. */
static const char *
back_to_app(struct request *req, const char *uri, const char *name, const char *value,
            const char *state)
{
    struct text_buf b = {0};
    const char *out = NULL;
    int rc = tb_raw(&b, uri);

    rc |= tb_raw(&b, strchr(uri, '?') != NULL ? "&" : "?");
    rc |= tb_raw(&b, name);
    rc |= tb_raw(&b, "=");
    rc |= tb_url(&b, value);
    if (state != NULL) {
        rc |= tb_raw(&b, "&state=");
        rc |= tb_url(&b, state);
    }
    if (rc == 0)
        out = arena_strndup(&req->arena, b.data, b.len);
    text_buf_release(&b);
    return out;
}

/* POST /oauth/authorize  csrf, decision, client_id, redirect_uri, scope, state, code_challenge… */
int
web_oauth_decide(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct authorize a;
    struct oauth_code c = {0};
    char code[AUTH_SECRET_SIZE];
    const char *why, *decision, *location;
    struct viewer v;
    struct kv *form;
    size_t n;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    memset(&a, 0, sizeof(a));
    a.client_id = kv_get(form, n, "client_id");
    a.redirect_uri = kv_get(form, n, "redirect_uri");
    a.scope = kv_get(form, n, "scope");
    a.state = kv_get(form, n, "state");
    a.challenge = kv_get(form, n, "code_challenge");
    a.method = kv_get(form, n, "code_challenge_method");
    if ((why = authorize_check(req, st, &a, "code")) != NULL)
        return bad_request(req, res, why);
    decision = kv_get(form, n, "decision");
    if (decision == NULL || strcmp(decision, "allow") != 0) {
        if (strcmp(a.redirect_uri, MASTO_OOB) == 0)
            return web_redirect(res, "/");
        location = back_to_app(req, a.redirect_uri, "error", "access_denied", a.state);
        if (location == NULL || response_header(res, "Location", location) != 0)
            return -1;
        return response_body(res, 302, "text/plain; charset=utf-8", "", 0);
    }
    if (auth_secret_new(code, sizeof(code)) != RC_OK)
        return web_error(req, res, RC_IO);
    auth_secret_hash(code, c.hash);
    c.app_id = a.app.id;
    c.account_id = v.acc.id;
    c.scopes = a.scopes;
    c.redirect_uri = a.redirect_uri;
    c.challenge = a.challenge;
    c.challenge_method = a.challenge != NULL ? a.method : NULL;
    if ((rc = store_code_add(st, &c, CODE_SECONDS)) != RC_OK)
        return web_error(req, res, rc);
    if (strcmp(a.redirect_uri, MASTO_OOB) == 0) {
        enum web_lang lang = web_request_lang(req);
        struct html h = {.viewer = &v};
        page_begin(&h, req, lang, msg(lang, MSG_OAUTH_TITLE), "form-page");
        html_raw(&h, "<h1>");
        html_msg(&h, MSG_OAUTH_TITLE);
        html_raw(&h, "</h1>\n<p>");
        html_msg(&h, MSG_OAUTH_CODE);
        html_raw(&h, "</p>\n<p><input class=\"oauth-code\" readonly");
        html_attr(&h, "value", code);
        html_raw(&h, "></p>\n");
        page_end(&h);
        auth_wipe(code, sizeof(code));
        return page_send(res, &h, 200); /* signed in: private, no-store */
    }
    location = back_to_app(req, a.redirect_uri, "code", code, a.state);
    auth_wipe(code, sizeof(code));
    if (location == NULL || response_header(res, "Location", location) != 0 ||
        response_header(res, "Cache-Control", "no-store") != 0)
        return -1;
    return response_body(res, 302, "text/plain; charset=utf-8", "", 0);
}
