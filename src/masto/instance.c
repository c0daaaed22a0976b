/*
 * masto/instance.c - what a Mastodon client asks before anything else: the
 * instance (v1 and v2: its version in the "4.0.0 (compatible; …)" form
 * clients check, the streaming URL, the post limit both where new and old
 * clients look for it), nodeinfo, and the lists a client loads at start
 * (filters, lists, custom emojis…), which gazouillis keeps empty: an
 * empty list, not a 404 that some apps take for a broken server.
 */
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"

#define MAX_CHARACTERS  500 /* a status outside events; an event's own limit applies in it */
#define MAX_MEDIA       4
#define MAX_IMAGE_BYTES (8 << 20)

static const char *
host_of(struct request *req)
{
    const char *base = masto_base(req), *p = strstr(base, "://");

    return p != NULL ? p + 3 : base;
}

static json_t *
configuration(void)
{
    return json_pack(
        "{s:{s:i, s:i, s:i}, s:{s:[s,s,s,s], s:i, s:i, s:i, s:i, s:i, s:i}, s:{s:i, s:i, s:i, "
        "s:i}, s:{s:b}}",
        "statuses", "max_characters", MAX_CHARACTERS, "max_media_attachments", MAX_MEDIA,
        "characters_reserved_per_url", 23, "media_attachments", "supported_mime_types",
        "image/jpeg", "image/png", "image/gif", "image/webp", "image_size_limit", MAX_IMAGE_BYTES,
        "image_matrix_limit", 16777216, "video_size_limit", 0, "video_frame_rate_limit", 0,
        "video_matrix_limit", 0, "description_limit", 1500, "polls", "max_options", 0,
        "max_characters_per_option", 0, "min_expiration", 0, "max_expiration", 0, "translation",
        "enabled", 0);
}

/* GET /api/v1/instance (and with a trailing slash) */
int
masto_instance_v1(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *base = masto_base(req);
    int64_t users = 0, posts = 0;
    char version[96];
    json_t *j;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    store_account_count(st, &users);
    store_post_count(st, &posts);
    snprintf(version, sizeof(version), MASTO_VERSION_FORMAT, GAZOUILLIS_VERSION);
    j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:o}, s:{s:I, s:I, s:i}, s:n, s:[s,s], "
        "s:b, s:b, s:b, s:i, s:o, s:n, s:[]}",
        "uri", host_of(req), "title", "gazouillis", "short_description",
        "Live coverage and recaps of events", "description",
        "Live coverage and recaps of events, in short posts.", "email", "", "version", version,
        "streaming_api_base", json_null(), "urls", "streaming_api",
        json_string(arena_printf(&req->arena, "%s%s", strncmp(base, "https", 5) == 0 ? "wss" : "ws",
                                 strstr(base, "://") != NULL ? strstr(base, "://") : "://")),
        "stats", "user_count", (json_int_t)users, "status_count", (json_int_t)posts, "domain_count",
        1, "thumbnail", "languages", "fr", "en", "registrations", 0, "approval_required", 0,
        "invites_enabled", 0, "max_toot_chars", MAX_CHARACTERS, "configuration", configuration(),
        "contact_account", "rules");
    json_object_del(j, "streaming_api_base");
    response_header(res, "Access-Control-Allow-Origin", "*");
    return masto_json(res, 200, j);
}

/* GET /api/v2/instance */
int
masto_instance_v2(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *base = masto_base(req);
    int64_t users = 0;
    char version[96];
    json_t *j, *conf = configuration();

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    store_account_count(st, &users);
    snprintf(version, sizeof(version), MASTO_VERSION_FORMAT, GAZOUILLIS_VERSION);
    json_object_set_new(
        conf, "urls",
        json_pack("{s:o}", "streaming",
                  json_string(arena_printf(
                      &req->arena, "%s%s", strncmp(base, "https", 5) == 0 ? "wss" : "ws",
                      strstr(base, "://") != NULL ? strstr(base, "://") : "://"))));
    j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:I}}, s:{s:n}, s:[s,s], s:o, s:{s:b, s:b, "
                  "s:n}, s:{s:s, s:n}, s:[], s:n}",
                  "domain", host_of(req), "title", "gazouillis", "version", version, "source_url",
                  base, "description", "Live coverage and recaps of events, in short posts.",
                  "usage", "users", "active_month", (json_int_t)users, "thumbnail", "url",
                  "languages", "fr", "en", "configuration", conf, "registrations", "enabled", 0,
                  "approval_required", 0, "message", "contact", "email", "", "account", "rules",
                  "icon");
    response_header(res, "Access-Control-Allow-Origin", "*");
    return masto_json(res, 200, j);
}

/* GET /.well-known/nodeinfo */
int
masto_nodeinfo_links(struct request *req, struct response *res)
{
    return masto_json(
        res, 200,
        json_pack("{s:[{s:s, s:o}]}", "links", "rel",
                  "http://nodeinfo.diaspora.software/ns/schema/2.0", "href",
                  json_string(arena_printf(&req->arena, "%s/nodeinfo/2.0", masto_base(req)))));
}

/* GET /nodeinfo/2.0 */
int
masto_nodeinfo(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    int64_t users = 0, posts = 0;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    store_account_count(st, &users);
    store_post_count(st, &posts);
    return masto_json(res, 200,
                      json_pack("{s:s, s:{s:s, s:s}, s:[s], s:{s:[], s:[]}, s:b, s:{s:{s:I, s:I, "
                                "s:I}, s:I}, s:{}}",
                                "version", "2.0", "software", "name", "gazouillis", "version",
                                GAZOUILLIS_VERSION, "protocols", "activitypub", "services",
                                "inbound", "outbound", "openRegistrations", 0, "usage", "users",
                                "total", (json_int_t)users, "activeMonth", (json_int_t)users,
                                "activeHalfyear", (json_int_t)users, "localPosts",
                                (json_int_t)posts, "metadata"));
}

/* Of the empty lists, those anyone may read, as on Mastodon (the others are an account's). */
static bool
public_list(const char *path)
{
    static const char *const prefixes[] = {"/api/v1/custom_emojis", "/api/v1/trends",
                                           "/api/v1/instance/"};
    size_t i;

    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/*
 * The lists a client loads at start and gazouillis keeps empty: filters,
 * lists, blocks… (none here), trends and suggestions (not computed), the
 * instance's peers (no federation yet), rules and activity (none kept);
 * the account's need its token with read, as on Mastodon.
 */
int
masto_empty_list(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!public_list(req->path) && !masto_authorize(req, res, st, "read", true, false, &a))
        return 0;
    return masto_json(res, 200, json_array());
}

/* GET /api/v1/instance/extended_description: none written here (the home page says it). */
int
masto_instance_extended_description(struct request *req, struct response *res)
{
    char now[STORE_TIME_SIZE];

    return masto_json(res, 200,
                      json_pack("{s:s, s:s}", "updated_at",
                                masto_time(&req->arena, store_time_now(now)), "content", ""));
}

/*
 * GET /api/v1/preferences: what an app starts a new status with - public,
 * not sensitive, no language set (the event's language applies in it).
 */
int
masto_preferences(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read:accounts", true, false, &a))
        return 0;
    return masto_json(res, 200,
                      json_pack("{s:s, s:b, s:n, s:s, s:b}", "posting:default:visibility", "public",
                                "posting:default:sensitive", 0, "posting:default:language",
                                "reading:expand:media", "default", "reading:expand:spoilers", 0));
}
