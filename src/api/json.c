/*
 * api/json.c - the JSON plumbing of the API: bodies in, documents out, and
 * who is asking. Messages say what is wrong in the client's terms: where
 * the JSON breaks, which field has which wrong type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/rc.h"

int
api_json(struct response *res, int status, json_t *j)
{
    char *s;

    if (j == NULL)
        return -1;
    s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s == NULL)
        return -1;
    return response_body_take(res, status, "application/json; charset=utf-8", s, strlen(s));
}

json_t *
api_body_object(struct request *req, struct response *res)
{
    json_error_t err;
    json_t *j;

    if (req->body_len == 0) {
        response_error(res, 400, "the request has no body: send a JSON object");
        return NULL;
    }
    j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (j == NULL) {
        response_error(res, 400, "malformed JSON at line %d, column %d: %s", err.line, err.column,
                       err.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        response_error(res, 400, "the body must be a JSON object");
        return NULL;
    }
    return j;
}

bool
api_account(struct request *req, struct response *res, struct store *st, struct account *out)
{
    const char *authz = request_header(req, "Authorization");
    const char *scopes;
    int rc;

    if (authz == NULL) {
        response_header(res, "WWW-Authenticate", "Bearer");
        response_error(res, 401, "sign in first: send 'Authorization: Bearer TOKEN'");
        return false;
    }
    rc = auth_bearer(st, &req->arena, authz, out, &scopes);
    if (rc == RC_OK)
        return true;
    if (rc == RC_FORBIDDEN || rc == RC_NOTFOUND || rc == RC_INVALID) {
        response_header(res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        response_error(res, 401, "the access token is invalid");
    } else {
        response_error_rc(res, rc);
    }
    return false;
}

bool
api_may_edit(struct store *st, const struct account *acc, const struct event *e)
{
    bool editor = false;

    if (strcmp(acc->role, "admin") == 0)
        return true;
    return store_is_editor(st, e->id, acc->id, &editor) == RC_OK && editor;
}

json_t *
document_id(int64_t id)
{
    char s[24];

    snprintf(s, sizeof(s), "%lld", (long long)id);
    return json_string(s);
}

bool
document_parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (s == NULL || *s < '0' || *s > '9')
        return false;
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v <= 0)
        return false;
    *out = v;
    return true;
}
