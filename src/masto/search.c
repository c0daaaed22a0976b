/*
 * masto/search.c - GET /api/v2/search: accounts by the start of their
 * name, statuses by their words (the store's full-text index, accents
 * ignored: "cooperer" finds "Coopérer"), hashtags by their start, as the
 * search box of a Mastodon app asks. Nothing is fetched from elsewhere:
 * resolve=true changes nothing. And one hashtag, as an app asks for it.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"

#define SEARCH_LIMIT 20
#define SEARCH_MAX   40

/* A Tag: its name (folded, as stored), its page, no history kept, not followed. */
static json_t *
tag_json(struct request *req, const char *name)
{
    return json_pack("{s:s, s:o, s:[], s:b}", "name", name, "url",
                     json_string(arena_printf(&req->arena, "%s/tags/%s", masto_base(req), name)),
                     "history", "following", 0);
}

/*
 * GET /api/v1/tags/:name: a hashtag, as an app asks before showing its
 * timeline (to draw its follow button). Any hashtag has one, used yet or
 * not: an event's tag is opened before its first post.
 */
int
masto_tag_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *name;
    struct masto_auth a;
    json_t *tag;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, NULL, false, true, &a))
        return 0;
    if ((name = masto_tag_name(&req->arena, request_param(req, "name"))) == NULL)
        return masto_error(res, 404, "Record not found");
    tag = tag_json(req, name);
    return tag != NULL ? masto_json(res, 200, tag) : masto_error(res, 500, "out of memory");
}

/* GET /api/v2/search?q=&type=accounts|statuses|hashtags&limit= */
int
masto_search(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *q = request_query(req, "q"), *type = request_query(req, "type");
    const char *limit_s = request_query(req, "limit");
    int limit = limit_s != NULL ? atoi(limit_s) : SEARCH_LIMIT;
    json_t *accounts = json_array(), *statuses = json_array(), *hashtags = json_array();
    struct masto_auth a;
    size_t i, n, at;

    if (limit < 1)
        limit = SEARCH_LIMIT;
    if (limit > SEARCH_MAX)
        limit = SEARCH_MAX;
    if (st == NULL || accounts == NULL || statuses == NULL || hashtags == NULL)
        goto fail;
    if (!masto_authorize(req, res, st, "read:search", false, true, &a))
        goto done;
    if (q == NULL || q[0] == '\0' || text_utf8_check(q, strlen(q), &at) != TEXT_UTF8_OK) {
        masto_error(res, 400, "q is missing");
        goto done;
    }
    if (type != NULL && strcmp(type, "accounts") != 0 && strcmp(type, "statuses") != 0 &&
        strcmp(type, "hashtags") != 0) {
        masto_error(res, 400, "type is accounts, statuses or hashtags");
        goto done;
    }
    if (type == NULL || strcmp(type, "accounts") == 0) {
        struct account *v;
        const char *name = q[0] == '@' ? q + 1 : q;
        if (store_account_search(st, &req->arena, name, limit, &v, &n) != RC_OK)
            goto fail;
        for (i = 0; i < n; i++)
            json_array_append_new(accounts, masto_account(req, st, &v[i]));
    }
    if (type == NULL || strcmp(type, "hashtags") == 0) {
        struct text_buf folded = {0};
        struct tag_count *v;
        const char *tag = q[0] == '#' ? q + 1 : q;
        int rc = text_tag_fold(&folded, tag, strlen(tag)) == 0
                     ? store_tag_search(st, &req->arena, folded.data, limit, &v, &n)
                     : RC_INVALID;
        text_buf_release(&folded);
        if (rc != RC_OK && rc != RC_INVALID)
            goto fail;
        for (i = 0; rc == RC_OK && i < n; i++)
            json_array_append_new(hashtags, tag_json(req, v[i].tag));
    }
    if (type == NULL || strcmp(type, "statuses") == 0) {
        struct post *v;
        size_t kept = 0;
        if (store_post_search(st, &req->arena, q, limit, &v, &n) != RC_OK)
            goto fail;
        for (i = 0; i < n; i++) { /* public ones of public events only */
            struct event e;
            if (strcmp(v[i].visibility, "public") != 0 ||
                (v[i].event_id != 0 &&
                 (store_event_find_id(st, &req->arena, v[i].event_id, &e) != RC_OK ||
                  strcmp(e.state, "draft") == 0)))
                continue;
            v[kept++] = v[i];
        }
        json_decref(statuses);
        if ((statuses = masto_statuses(req, st, v, kept, a.has_account ? a.acc.id : 0)) == NULL)
            goto fail;
    }
    masto_json(res, 200,
               json_pack("{s:O, s:O, s:O}", "accounts", accounts, "statuses", statuses, "hashtags",
                         hashtags));
done:
    json_decref(accounts);
    json_decref(statuses);
    json_decref(hashtags);
    return 0;
fail:
    json_decref(accounts);
    json_decref(statuses);
    json_decref(hashtags);
    return masto_error(res, 500, "the server could not read its data");
}
