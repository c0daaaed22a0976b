/*
 * masto/common.c - what every Mastodon handler needs (masto/masto.h):
 * parameters read alike from JSON, forms and the query string, as
 * Mastodon's own controllers do (clients send all three); errors in
 * Mastodon's shape; the bearer token and its scopes; times with
 * milliseconds; and the Link header of paginated timelines.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "api/api.h"
#include "api/app.h"
#include "api/cache.h"
#include "api/comments.h"
#include "auth/auth.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"

/* ---- parameters ---- */

/*
 * Adds name=value to o: "name[]" appends to the array "name". A value that
 * is not UTF-8 is null (left out of an array): a handler finds it missing,
 * or says it is not text.
 */
static void
param_add(json_t *o, const char *name, const char *value)
{
    size_t len = strlen(name);
    json_t *v = json_string(value);

    if (v == NULL && (len <= 2 || strcmp(name + len - 2, "[]") != 0)) {
        json_object_set_new(o, name, json_null());
        return;
    }
    if (v == NULL)
        return;
    if (len > 2 && strcmp(name + len - 2, "[]") == 0) {
        char key[128];
        json_t *arr;
        snprintf(key, sizeof(key), "%.*s", (int)(len - 2), name);
        if ((arr = json_object_get(o, key)) == NULL || !json_is_array(arr)) {
            arr = json_array();
            json_object_set_new(o, key, arr);
        }
        json_array_append_new(arr, v);
        return;
    }
    json_object_set_new(o, name, v);
}

json_t *
masto_params(struct request *req, struct response *res)
{
    const char *type = request_header(req, "Content-Type");
    json_t *o = NULL;
    size_t i;

    if (req->body_len > 0 && type != NULL && strncasecmp(type, "application/json", 16) == 0) {
        if ((o = api_body_object(req, res)) == NULL)
            return NULL;
    } else if (req->body_len > 0 && type != NULL &&
               strncasecmp(type, "multipart/form-data", 19) == 0) {
        struct multipart_part *parts;
        const char *error = NULL;
        size_t n;
        if (multipart_parse(&req->arena, type, req->body, req->body_len, &parts, &n, &error) != 0) {
            masto_error(res, 400, "the multipart body is malformed: %s",
                        error != NULL ? error : "?");
            return NULL;
        }
        if ((o = json_object()) == NULL)
            return NULL;
        for (i = 0; i < n; i++) {
            char *value;
            if (parts[i].filename != NULL || parts[i].len > 65536 ||
                memchr(parts[i].data, '\0', parts[i].len) != NULL ||
                (value = arena_strndup(&req->arena, (const char *)parts[i].data, parts[i].len)) ==
                    NULL)
                continue; /* files are read by the media handler itself */
            param_add(o, parts[i].name, value);
        }
    } else if (req->body_len > 0) {
        struct kv *form;
        size_t n;
        if (request_form(req, req->body, req->body_len, &form, &n) != 0) {
            masto_error(res, 400, "the form body is malformed");
            return NULL;
        }
        if ((o = json_object()) == NULL)
            return NULL;
        for (i = 0; i < n; i++)
            param_add(o, form[i].name, form[i].value);
    } else if ((o = json_object()) == NULL) {
        return NULL;
    }
    for (i = 0; i < req->n_query; i++)
        if (json_object_get(o, req->query[i].name) == NULL)
            param_add(o, req->query[i].name, req->query[i].value);
    return o;
}

const char *
masto_string(json_t *params, const char *name)
{
    json_t *v = json_object_get(params, name);
    static _Thread_local char number[32];

    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(number, sizeof(number), "%lld", (long long)json_integer_value(v));
        return number;
    }
    return NULL;
}

bool
masto_query_true(struct request *req, const char *name)
{
    const char *v = request_query(req, name);

    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

bool
masto_bool(json_t *params, const char *name, bool def)
{
    json_t *v = json_object_get(params, name);
    const char *s;

    if (json_is_boolean(v))
        return json_is_true(v);
    if ((s = json_string_value(v)) == NULL)
        return def;
    return strcmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcmp(s, "on") == 0;
}

/* ---- answers ---- */

bool
masto_found(struct response *res, int rc)
{
    if (rc == RC_NOTFOUND)
        return masto_error(res, 404, "Record not found"), false;
    if (rc != RC_OK)
        return masto_error(res, 500, "the server could not read its data"), false;
    return true;
}

int
masto_error(struct response *res, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return api_json(res, status, json_pack("{s:s}", "error", msg));
}

int
masto_store_error(struct response *res, int rc, const char *what)
{
    if (rc == RC_FULL || rc == RC_AGAIN)
        return response_error_rc(res, rc);
    return masto_error(res, 500, "%s", what);
}

int
masto_json(struct response *res, int status, json_t *j)
{
    if (j == NULL)
        return masto_error(res, 500, "out of memory");
    return api_json(res, status, j);
}

/* ---- who asks ---- */

bool
masto_authorize(struct request *req, struct response *res, struct store *st, const char *needed,
                bool user, bool optional, struct masto_auth *a)
{
    return masto_authorize_as(req, res, st, request_header(req, "Authorization"), needed, user,
                              optional, a);
}

/*
 * The hash of a well-formed bearer token, remembered for the last token this
 * thread saw: an app sends the same token with every request, and hashing it
 * was a tenth of the answer to a cached page. token is well-formed
 * (auth_secret_wellformed) and compared in constant time; the memo never
 * leaves the thread.
 */
static void
token_hash(const char *token, unsigned char hash[AUTH_SECRET_HASH])
{
    static _Thread_local char last[AUTH_SECRET_SIZE];
    static _Thread_local unsigned char last_hash[AUTH_SECRET_HASH];
    static _Thread_local bool known;

    /* both well-formed (the caller checked token): AUTH_SECRET_LEN bytes each */
    if (!known || sodium_memcmp(last, token, AUTH_SECRET_LEN) != 0) {
        auth_secret_hash(token, last_hash);
        memcpy(last, token, AUTH_SECRET_SIZE);
        known = true;
    }
    memcpy(hash, last_hash, AUTH_SECRET_HASH);
}

bool
masto_authorize_as(struct request *req, struct response *res, struct store *st, const char *authz,
                   const char *needed, bool user, bool optional, struct masto_auth *a)
{
    unsigned char hash[AUTH_SECRET_HASH];
    struct oauth_app app;
    uint64_t accounts;
    bool cacheable;
    int rc;

    memset(a, 0, sizeof(*a));
    if (!masto_rate_check(req, res, authz))
        return false;
    if (authz == NULL) {
        if (optional)
            return true;
        response_header(res, "WWW-Authenticate", "Bearer realm=\"Doorkeeper\"");
        masto_error(res, 401, "The access token is invalid");
        return false;
    }
    cacheable = strncasecmp(authz, "Bearer ", 7) == 0 && auth_secret_wellformed(authz + 7);
    if (cacheable)
        token_hash(authz + 7, hash);
    accounts = cache_accounts_generation(); /* before reading: a change meanwhile is not kept */
    if (cacheable && masto_token_cached(&req->arena, hash, &a->acc, &a->scopes))
        rc = RC_OK;
    else if ((rc = auth_bearer(st, &req->arena, authz, &a->acc, &a->scopes)) == RC_OK && cacheable)
        masto_token_keep(hash, &a->acc, a->scopes, accounts);
    if (rc == RC_OK) {
        a->has_account = true;
    } else if (rc == RC_FORBIDDEN && strncasecmp(authz, "Bearer ", 7) == 0 &&
               auth_secret_wellformed(authz + 7)) {
        token_hash(authz + 7, hash);
        if ((rc = store_app_token_find(st, &req->arena, hash, &app, &a->scopes)) == RC_OK) {
            a->app_id = app.id;
            a->app_name = app.name;
            a->app_website = app.website;
        } else if (rc == RC_NOTFOUND) {
            rc = RC_FORBIDDEN;
        }
    }
    if (rc == RC_FORBIDDEN || rc == RC_NOTFOUND || rc == RC_INVALID) {
        response_header(res, "WWW-Authenticate",
                        "Bearer realm=\"Doorkeeper\", error=\"invalid_token\"");
        masto_error(res, 401, "The access token is invalid");
        return false;
    }
    if (rc != RC_OK) {
        masto_error(res, http_status_for_rc(rc), "the server could not read its data");
        return false;
    }
    if (needed != NULL && !auth_scopes_allow(a->scopes, needed)) {
        masto_error(res, 403, "This action is outside the authorized scopes");
        return false;
    }
    if (user && !a->has_account) {
        masto_error(res, 422, "This method requires an authenticated user");
        return false;
    }
    return true;
}

/* ---- times and addresses ---- */

/* The number the two digits at s make. */
static int
two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Whether iso is a time as the store writes it ("2026-11-26T17:45:50Z"), a real one. */
static bool
store_time_shape(const char *iso)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year, month, day;
    size_t i;

    for (i = 0; shape[i] != '\0'; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)iso[i]) : iso[i] != shape[i])
            return false;
    if (iso[i] != '\0')
        return false;
    year = two_digits(iso) * 100 + two_digits(iso + 2);
    month = two_digits(iso + 5);
    day = two_digits(iso + 8);
    if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
        (month == 2 && day == 29 && (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0))))
        return false;
    return two_digits(iso + 11) < 24 && two_digits(iso + 14) < 60 && two_digits(iso + 17) < 60;
}

bool
masto_client_time(const char *s, time_t *out)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, oh = 0, om = 0;
    const char *zone;
    bool leap;

    /* comment_time reads the form, and moves an impossible date on as a store time is */
    if (!comment_time(s, out) || sscanf(s, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) != 5)
        return false;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] + (mo == 2 && leap) || h > 23 || mi > 59)
        return false;
    if ((zone = strpbrk(s + 19, "+-")) != NULL &&
        (sscanf(zone + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59))
        return false;
    return true;
}

const char *
masto_store_time(struct arena *ar, time_t t)
{
    char buf[STORE_TIME_SIZE];
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return arena_strndup(ar, buf, strlen(buf));
}

const char *
masto_time(struct arena *ar, const char *iso)
{
    time_t t;
    struct tm tm;
    char *out;

    /*
     * The store's own times only gain the milliseconds: no parsing, and no
     * gmtime_r/timegm, which take glibc's time-zone lock (every status has
     * two times, every page forty). Anything else (another zone, a date
     * that does not exist) is read and normalised as before.
     */
    if (iso != NULL && store_time_shape(iso)) {
        if ((out = arena_alloc(ar, 25)) == NULL)
            return NULL;
        memcpy(out, iso, 19);
        memcpy(out + 19, ".000Z", 6);
        return out;
    }
    if (iso == NULL || !comment_time(iso, &t))
        return iso;
    gmtime_r(&t, &tm);
    return arena_printf(ar, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *
masto_base(struct request *req)
{
    const struct app *app = req->app;

    return app != NULL && app->public_url != NULL ? app->public_url : "";
}

/* Appends s to b percent-encoded (RFC 3986's unreserved characters kept); false when full. */
static bool
query_encode(char *b, size_t size, size_t *len, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        if (*len + 4 > size)
            return false;
        if (keep) {
            b[(*len)++] = (char)c;
        } else {
            b[(*len)++] = '%';
            b[(*len)++] = hex[c >> 4];
            b[(*len)++] = hex[c & 15];
        }
    }
    return true;
}

/*
 * The request's query parameters but the page's own (max_id, min_id,
 * since_id), each "name=value&", so that the next page keeps the same
 * filters (limit, only_media, tagged, local…). "" when they would not fit.
 */
static const char *
kept_query(struct request *req)
{
    char b[512];
    size_t len = 0, i;

    for (i = 0; i < req->n_query; i++) {
        const char *name = req->query[i].name;
        if (strcmp(name, "max_id") == 0 || strcmp(name, "min_id") == 0 ||
            strcmp(name, "since_id") == 0)
            continue;
        if (!query_encode(b, sizeof(b), &len, name) || len + 1 >= sizeof(b))
            return "";
        b[len++] = '=';
        if (!query_encode(b, sizeof(b), &len, req->query[i].value) || len + 1 >= sizeof(b))
            return "";
        b[len++] = '&';
    }
    return arena_strndup(&req->arena, b, len);
}

int
masto_link_header(struct request *req, struct response *res, const char *path,
                  const struct post *posts, size_t n)
{
    const char *base = masto_base(req), *kept, *link;

    if (n == 0)
        return 0;
    if ((kept = kept_query(req)) == NULL)
        return -1;
    link = arena_printf(&req->arena,
                        "<%s%s?%smax_id=%lld>; rel=\"next\", <%s%s?%smin_id=%lld>; "
                        "rel=\"prev\"",
                        base, path, kept, (long long)posts[n - 1].id, base, path, kept,
                        (long long)posts[0].id);
    return link != NULL ? response_header(res, "Link", link) : -1;
}

const char *
masto_tag_name(struct arena *ar, const char *raw)
{
    struct text_buf folded = {0};
    const char *name = NULL;

    if (raw != NULL && raw[0] == '#')
        raw++;
    if (raw != NULL && raw[0] != '\0' && text_tag_fold(&folded, raw, strlen(raw)) == 0 &&
        folded.len > 0)
        name = arena_strndup(ar, folded.data, folded.len);
    text_buf_release(&folded);
    return name;
}
