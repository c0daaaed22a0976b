/*
 * masto/timelines.c - the home, public (and local) and hashtag timelines
 * of the Mastodon API, newest first, paginated by max_id, since_id and
 * min_id with a Link header (rel="next" first), as clients expect. Every
 * account here follows every event: home is the public timeline with the
 * viewer's own private posts left out like everyone else's. A post of a
 * draft event is in none of them.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/cache.h"
#include "core/decimal.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "masto/timeline.h"

static bool
query_id(struct request *req, const char *name, int64_t *out)
{
    const char *v = request_query(req, name);

    *out = 0;
    return v == NULL || v[0] == '\0' || document_parse_id(v, out);
}

bool
timeline_page_read(struct request *req, struct response *res, struct timeline_page *page)
{
    const char *limit = request_query(req, "limit");
    char *end;
    long n;

    memset(page, 0, sizeof(*page));
    page->limit = TIMELINE_LIMIT;
    if (!query_id(req, "max_id", &page->max_id) || !query_id(req, "since_id", &page->since_id) ||
        !query_id(req, "min_id", &page->min_id))
        return masto_error(res, 400, "max_id, since_id and min_id are status ids"), false;
    if (limit != NULL && limit[0] != '\0') {
        n = strtol(limit, &end, 10);
        if (*end != '\0' || n < 1)
            return masto_error(res, 400, "limit is a number from 1 to %d", TIMELINE_LIMIT_MAX),
                   false;
        page->limit = n > TIMELINE_LIMIT_MAX ? TIMELINE_LIMIT_MAX : (int)n;
    }
    return true;
}

size_t
timeline_page_clip(const struct timeline_page *page, struct post *posts, size_t n)
{
    int64_t floor = page->since_id > page->min_id ? page->since_id : page->min_id;
    size_t i, kept = 0;

    for (i = 0; i < n; i++)
        if (posts[i].id > floor)
            posts[kept++] = posts[i];
    return kept;
}

int
timeline_list(struct store *st, struct arena *ar, const struct timeline_page *page,
              struct post_query *q, struct post **out, size_t *n_out)
{
    size_t i, n;
    int rc;

    q->max_id = page->max_id;
    q->limit = page->limit;
    q->state = "visible";
    if (page->min_id != 0) {
        q->since_id = page->min_id > page->since_id ? page->min_id : page->since_id;
        q->oldest_first = true;
        if ((rc = store_post_list(st, ar, q, out, n_out)) != RC_OK)
            return rc;
        for (i = 0, n = *n_out; i < n / 2; i++) { /* shown newest first */
            struct post t = (*out)[i];
            (*out)[i] = (*out)[n - 1 - i];
            (*out)[n - 1 - i] = t;
        }
        return RC_OK;
    }
    q->since_id = page->since_id;
    return store_post_list(st, ar, q, out, n_out);
}

/*
 * The cache key of a timeline page as viewer sees it (favourited and
 * reblogged are the viewer's): its path and its query's names and values.
 * NULL when too long to keep.
 */
static const char *
page_key(struct request *req, int64_t viewer)
{
    const char **values = arena_alloc(&req->arena, (1 + 2 * req->n_query) * sizeof(*values));
    char prefix[2 + DECIMAL_SIZE + 1] = "m:";
    size_t i, len = 2;

    if (values == NULL)
        return NULL;
    len += decimal_format(prefix + len, viewer);
    memcpy(prefix + len, ":", 2);
    values[0] = req->path;
    for (i = 0; i < req->n_query; i++) {
        values[1 + 2 * i] = req->query[i].name;
        values[2 + 2 * i] = req->query[i].value;
    }
    return cache_key(&req->arena, prefix, values, 1 + 2 * req->n_query);
}

/* Answers from the cache (rendered at the current generation of everything); true when it did. */
static bool
cached(struct request *req, struct response *res, const char *key)
{
    return key != NULL && cache_answer(key, CACHE_ALL, req, res);
}

/*
 * Keeps res for key, without the rate-limit headers, which are each
 * request's; res goes out as a hit would (gzipped if req asks for it).
 */
static void
keep(const char *key, uint64_t gen, struct request *req, struct response *res)
{
    struct response copy;
    size_t i;

    if (key == NULL)
        return;
    copy = *res;
    copy.n_headers = 0;
    for (i = 0; i < res->n_headers; i++)
        if (strncasecmp(res->headers[i].name, "X-RateLimit-", 12) != 0)
            copy.headers[copy.n_headers++] = res->headers[i];
    cache_keep(key, CACHE_ALL, gen, &copy, req, res);
}

/*
 * A timeline's answer: the statuses and their Link header, kept for the
 * next asker of the same page until anything changes (apps poll).
 */
static int
answer(struct request *req, struct response *res, struct store *st, const struct post *posts,
       size_t n, int64_t viewer, const char *key, uint64_t gen)
{
    int rc;

    if (masto_link_header(req, res, req->path, posts, n) != 0)
        return -1;
    response_header(res, "Cache-Control", "no-store");
    if ((rc = masto_statuses_answer(req, res, st, posts, n, viewer)) == 0)
        keep(key, gen, req, res);
    return rc;
}

/*
 * The page of q that req asks for, as viewer sees it: from the cache, or
 * listed, rendered and kept. raw_tag (the tag timeline's, as typed) is
 * folded into q only on a miss: a hit needs the path alone.
 */
static int
serve_page(struct request *req, struct response *res, struct store *st,
           const struct timeline_page *page, struct post_query *q, int64_t viewer,
           const char *raw_tag)
{
    const char *key = page_key(req, viewer);
    uint64_t gen = cache_event_generation(CACHE_ALL);
    struct post *posts;
    size_t n;

    if (cached(req, res, key))
        return 0;
    q->media_only = masto_query_true(req, "only_media"); /* a hashtag's media column */
    if (raw_tag != NULL) {
        if ((q->tag = masto_tag_name(&req->arena, raw_tag)) == NULL)
            return masto_error(res, 404, "Record not found");
    }
    if (timeline_list(st, &req->arena, page, q, &posts, &n) != RC_OK)
        return masto_error(res, 500, "the server could not read its data");
    return answer(req, res, st, posts, n, viewer, key, gen);
}

/* GET /api/v1/timelines/public[?local=true] */
int
masto_timeline_public(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.public_only = true};
    struct timeline_page page;
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", false, true, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    /* every post here is local: ?local and ?remote change nothing but remote=true */
    if (request_query(req, "remote") != NULL && strcmp(request_query(req, "remote"), "true") == 0)
        return answer(req, res, st, NULL, 0, 0, NULL, 0);
    return serve_page(req, res, st, &page, &q, a.has_account ? a.acc.id : 0, NULL);
}

/* GET /api/v1/timelines/home: everything public (gazouillis has no follows). */
int
masto_timeline_home(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.public_only = true};
    struct timeline_page page;
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", true, false, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    return serve_page(req, res, st, &page, &q, a.acc.id, NULL);
}

/* GET /api/v1/timelines/tag/:tag */
int
masto_timeline_tag(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct post_query q = {.public_only = true};
    const char *tag = request_param(req, "tag");
    struct timeline_page page;
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:statuses", false, true, &a) ||
        !timeline_page_read(req, res, &page))
        return 0;
    return serve_page(req, res, st, &page, &q, a.has_account ? a.acc.id : 0,
                      tag != NULL ? tag : "");
}
