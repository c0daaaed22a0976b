/*
 * masto/accounts.c - accounts as Mastodon clients ask for them: the
 * signed-in one (verify_credentials, with its "source"), one by id, one by
 * name (lookup, "name" or "name@this-host"), by the start of their name
 * (search), an account's statuses, newest first, paginated by id like
 * every timeline; and the relationships and lists of a following that
 * does not exist here (everyone reads every event), answered as such.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/profile.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "masto/timeline.h"

#define PROFILE_ROUNDS 10 /* pages read at most for one filtered page of a profile */

/*
 * The signed-in account as Mastodon's CredentialAccount, taking j (its
 * Account): with "source", what an app's profile editor starts from.
 */
static int
credential_account(struct response *res, json_t *j, const struct account *acc)
{
    if (j == NULL)
        return masto_error(res, 500, "out of memory");
    json_object_set_new(j, "source",
                        json_pack("{s:s, s:s, s:b, s:n, s:[], s:i}", "privacy", "public", "note",
                                  acc->note != NULL ? acc->note : "", "sensitive", 0, "language",
                                  "fields", "follow_requests_count", 0));
    response_header(res, "Cache-Control", "no-store");
    return masto_json(res, 200, j);
}

/* GET /api/v1/accounts/verify_credentials */
int
masto_verify_credentials(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:accounts", true, false, &a))
        return 0;
    return credential_account(res, masto_account(req, st, &a.acc), &a.acc);
}

/* Whether the request's multipart body holds a picture (a file named avatar or header). */
static bool
has_picture(struct request *req)
{
    const char *type = request_header(req, "Content-Type");
    struct multipart_part *parts;
    const char *error;
    size_t n, i;

    if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0 ||
        multipart_parse(&req->arena, type, req->body, req->body_len, &parts, &n, &error) != 0)
        return false; /* a malformed body: masto_params says so */
    for (i = 0; i < n; i++)
        if (parts[i].filename != NULL && parts[i].name != NULL &&
            (strcmp(parts[i].name, "avatar") == 0 || strcmp(parts[i].name, "header") == 0))
            return true;
    return false;
}

/* A text parameter of update_credentials into *out (absent: NULL); false with a 422 in res. */
static bool
text_param(struct response *res, json_t *params, const char *name, const char **out)
{
    json_t *v = json_object_get(params, name);

    *out = NULL;
    if (v == NULL)
        return true;
    if (!json_is_string(v))
        return masto_error(res, 422, "Validation failed: '%s' must be UTF-8 text", name), false;
    *out = json_string_value(v);
    return true;
}

/*
 * PATCH /api/v1/accounts/update_credentials: an app's "edit profile". The
 * name shown and the note are kept; the rest of what apps send with them
 * (locked, bot, discoverable, fields, source[privacy] …) describes a
 * following this server has not, and is left as it is. A picture is
 * refused: avatars are drawn from the name here.
 */
int
masto_update_credentials(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct account acc;
    const char *name, *note;
    json_t *params;
    char why[160];
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "write:accounts", true, false, &a))
        return 0;
    if (has_picture(req))
        return masto_error(res, 422,
                           "Validation failed: this server draws every account's avatar and "
                           "header itself; a picture cannot be uploaded");
    if ((params = masto_params(req, res)) == NULL)
        return res->status != 0 ? 0 : masto_error(res, 500, "out of memory");
    if (!text_param(res, params, "display_name", &name) ||
        !text_param(res, params, "note", &note)) {
        json_decref(params);
        return 0;
    }
    rc = profile_save(st, a.acc.id, name, note, why, sizeof(why));
    json_decref(params);
    if (rc == RC_INVALID)
        return masto_error(res, 422, "Validation failed: %s", why);
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the profile was not saved");
    if ((rc = store_account_by_id(st, &req->arena, a.acc.id, &acc)) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    return credential_account(res, masto_account(req, st, &acc), &acc);
}

/* The account of the :id parameter; false with a 404 in res. */
static bool
account_param(struct request *req, struct response *res, struct store *st, struct account *acc)
{
    int64_t id;
    int rc = RC_NOTFOUND;

    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_account_by_id(st, &req->arena, id, acc);
    if (rc == RC_OK && acc->disabled)
        rc = RC_NOTFOUND;
    return masto_found(res, rc);
}

/* The account of :id, which anyone may read (a token is checked if given); false with res. */
static bool
account_asked(struct request *req, struct response *res, struct store *st, struct account *acc)
{
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data"), false;
    return masto_authorize(req, res, st, NULL, false, true, &a) && account_param(req, res, st, acc);
}

/* GET /api/v1/accounts/:id */
int
masto_account_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct account acc;

    if (!account_asked(req, res, st, &acc))
        return 0;
    return masto_json(res, 200, masto_account(req, st, &acc));
}

/* GET /api/v1/accounts/lookup?acct=name */
int
masto_account_lookup(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *acct = request_query(req, "acct"), *at;
    struct masto_auth a;
    struct account acc;
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, NULL, false, true, &a))
        return 0;
    if (acct == NULL || acct[0] == '\0')
        return masto_error(res, 400, "acct is missing");
    if (acct[0] == '@')
        acct++;
    if ((at = strchr(acct, '@')) != NULL)
        acct = arena_strndup(&req->arena, acct, (size_t)(at - acct));
    rc = acct != NULL ? store_account_by_name(st, &req->arena, acct, &acc) : RC_NOMEM;
    if (rc == RC_NOTFOUND || (rc == RC_OK && acc.disabled))
        return masto_error(res, 404, "Record not found");
    if (rc != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    return masto_json(res, 200, masto_account(req, st, &acc));
}

/*
 * Keeps of posts those the asker may see: not of a draft event (unless an
 * editor of it), not private or direct (unless the author).
 */
static size_t
only_visible(struct request *req, struct store *st, const struct masto_auth *a, struct post *posts,
             size_t n)
{
    size_t i, kept = 0;

    for (i = 0; i < n; i++) {
        bool mine = a->has_account && a->acc.id == posts[i].account_id;
        struct event e;
        if ((strcmp(posts[i].visibility, "private") == 0 ||
             strcmp(posts[i].visibility, "direct") == 0) &&
            !mine)
            continue;
        if (posts[i].event_id != 0 &&
            (store_event_find_id(st, &req->arena, posts[i].event_id, &e) != RC_OK ||
             (strcmp(e.state, "draft") == 0 && !(a->has_account && api_may_edit(st, &a->acc, &e)))))
            continue;
        posts[kept++] = posts[i];
    }
    return kept;
}

/*
 * Keeps of posts those a profile's tab asks for: only_media (its media
 * tab), exclude_replies (replies to others go; a thread of one's own
 * stays, as on Mastodon), tagged (one hashtag). The page's Link was made
 * from the posts before, so the next page starts where this one did end.
 */
static size_t
profile_filter(struct request *req, struct store *st, struct post *posts, size_t n)
{
    bool only_media = masto_query_true(req, "only_media");
    bool no_replies = masto_query_true(req, "exclude_replies");
    const char *asked = request_query(req, "tagged");
    const char *tagged = masto_tag_name(&req->arena, asked);
    size_t i, k, kept = 0;

    if (asked != NULL && asked[0] != '\0' && tagged == NULL)
        return 0; /* no hashtag has that name: no post has it */
    for (i = 0; i < n; i++) {
        struct media *media;
        struct post parent;
        size_t n_media = 0;
        bool has_tag = tagged == NULL;
        if (only_media &&
            (store_media_of_post(st, &req->arena, posts[i].id, &media, &n_media) != RC_OK ||
             n_media == 0))
            continue;
        if (no_replies && posts[i].in_reply_to_id != 0 &&
            (store_post_get(st, &req->arena, posts[i].in_reply_to_id, &parent) != RC_OK ||
             parent.account_id != posts[i].account_id))
            continue;
        for (k = 0; !has_tag && k < posts[i].n_tags; k++)
            has_tag = strcmp(posts[i].tags[k], tagged) == 0;
        if (has_tag)
            posts[kept++] = posts[i];
    }
    return kept;
}

/*
 * GET /api/v1/accounts/:id/statuses?max_id&since_id&min_id&limit and a
 * profile's tabs' filters; pinned=true: the statuses its author pinned
 * (an app asks for them first, then the others).
 */
int
masto_account_statuses(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post *posts, *page_posts, scanned[2];
    struct timeline_page page;
    size_t n, kept = 0, round, i;
    struct masto_auth a;
    struct account acc;
    int64_t below;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, NULL, false, true, &a) ||
        !account_param(req, res, st, &acc) || !timeline_page_read(req, res, &page))
        return 0;
    if (masto_query_true(req, "pinned")) { /* what its author pinned, the last first; no pages */
        if (store_post_list_pinned(st, &req->arena, acc.id, page.limit, &posts, &n) != RC_OK)
            return masto_error(res, 500, "the server could not read its data");
        n = only_visible(req, st, &a, posts, n);
        return masto_statuses_answer(req, res, st, posts, n, a.has_account ? a.acc.id : 0);
    }
    if ((posts = arena_alloc(&req->arena, (size_t)page.limit * sizeof(*posts))) == NULL)
        return masto_error(res, 500, "out of memory");
    /* a filtered tab reads on until its page is full (or PROFILE_ROUNDS pages were read):
     * an app takes an empty page for the end */
    for (round = 0, below = page.max_id; round < PROFILE_ROUNDS && kept < (size_t)page.limit;
         round++) {
        size_t read, clipped;
        if (store_post_list_by_account(st, &req->arena, acc.id, below, page.limit, &page_posts,
                                       &read) != RC_OK)
            return masto_error(res, 500, "the server could not read its data");
        if ((clipped = timeline_page_clip(&page, page_posts, read)) == 0)
            break;
        if (round == 0)
            scanned[0] = page_posts[0];
        scanned[1] = page_posts[clipped - 1];
        below = page_posts[clipped - 1].id;
        n = only_visible(req, st, &a, page_posts, clipped);
        n = profile_filter(req, st, page_posts, n);
        for (i = 0; i < n && kept < (size_t)page.limit; i++)
            posts[kept++] = page_posts[i];
        if (i < n) { /* full before this page's end: the next starts after the last kept */
            scanned[1] = posts[kept - 1];
            break;
        }
        if (clipped < read || read < (size_t)page.limit)
            break; /* since_id/min_id reached, or the account's first post */
    }
    /* the next page starts below the last post read, the previous above the first */
    if (round > 0 && masto_link_header(req, res, req->path, scanned, 2) != 0)
        return -1;
    return masto_statuses_answer(req, res, st, posts, kept, a.has_account ? a.acc.id : 0);
}

/*
 * GET /api/v1/accounts/relationships?id[]=…: how the signed-in account
 * stands with each: here nobody follows, blocks or mutes anybody (everyone
 * reads every event), so each is all false - what a profile page needs
 * to show its buttons. Unknown ids are left out, as Mastodon does.
 */
int
masto_account_relationships(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    json_t *params, *ids, *out;
    struct masto_auth a;
    size_t i, n;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:follows", true, false, &a) ||
        (params = masto_params(req, res)) == NULL)
        return 0;
    ids = json_object_get(params, "id");
    n = json_is_array(ids) ? json_array_size(ids) : ids != NULL ? 1 : 0;
    if ((out = json_array()) == NULL) {
        json_decref(params);
        return masto_error(res, 500, "out of memory");
    }
    for (i = 0; i < n && i < 80; i++) {
        const char *s = json_string_value(json_is_array(ids) ? json_array_get(ids, i) : ids);
        struct account acc;
        int64_t id;
        if (s == NULL || !document_parse_id(s, &id) ||
            store_account_by_id(st, &req->arena, id, &acc) != RC_OK || acc.disabled)
            continue;
        json_array_append_new(
            out, json_pack("{s:o, s:b, s:b, s:b, s:n, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, "
                           "s:s}",
                           "id", document_id(acc.id), "following", 0, "showing_reblogs", 0,
                           "notifying", 0, "languages", "followed_by", 0, "blocking", 0,
                           "blocked_by", 0, "muting", 0, "muting_notifications", 0, "requested", 0,
                           "requested_by", 0, "domain_blocking", 0, "endorsed", 0, "note", ""));
    }
    json_decref(params);
    return masto_json(res, 200, out);
}

/* GET /api/v1/accounts/search?q=&limit=: accounts by the start of their name (an app's
 * "@" autocompletion in its composer). */
int
masto_account_search(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *q = request_query(req, "q"), *limit_s = request_query(req, "limit");
    int limit = limit_s != NULL ? atoi(limit_s) : 40;
    struct account *v;
    struct masto_auth a;
    size_t i, n;
    json_t *out;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:accounts", false, true, &a))
        return 0;
    if (q == NULL || q[0] == '\0')
        return masto_error(res, 400, "q is missing");
    if (q[0] == '@')
        q++;
    if (limit < 1 || limit > 80)
        limit = 40;
    if (store_account_search(st, &req->arena, q, limit, &v, &n) != RC_OK ||
        (out = json_array()) == NULL)
        return masto_error(res, 500, "the server could not read its data");
    for (i = 0; i < n; i++)
        json_array_append_new(out, masto_account(req, st, &v[i]));
    return masto_json(res, 200, out);
}

/*
 * GET /api/v1/accounts/:id/following, /followers, /featured_tags, /lists,
 * /identity_proofs: an existing account's lists, which are empty here
 * (nobody follows anybody: everyone reads every event); 404 for an
 * unknown one.
 */
int
masto_account_empty_list(struct request *req, struct response *res)
{
    struct account acc;

    if (!account_asked(req, res, app_store(req->app), &acc))
        return 0;
    return masto_json(res, 200, json_array());
}

/*
 * GET /api/v1/favourites, /bookmarks ?max_id&since_id&min_id&limit: the
 * statuses the signed-in account favourited, or bookmarked, paginated by
 * the statuses' ids (Mastodon pages by the favourites' own; here newest
 * status first).
 */
int
masto_favourites(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    bool bookmarks = strcmp(req->path, "/api/v1/bookmarks") == 0;
    struct timeline_page page;
    struct masto_auth a;
    struct post *posts;
    size_t n;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, bookmarks ? "read:bookmarks" : "read:favourites", true,
                         false, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    if (store_post_list_favourited(st, &req->arena, a.acc.id, bookmarks, page.max_id,
                                   page.min_id > page.since_id ? page.min_id : page.since_id,
                                   page.limit, &posts, &n) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    if (masto_link_header(req, res, req->path, posts, n) != 0)
        return -1;
    n = only_visible(req, st, &a, posts, n);
    response_header(res, "Cache-Control", "no-store");
    return masto_statuses_answer(req, res, st, posts, n, a.acc.id);
}
