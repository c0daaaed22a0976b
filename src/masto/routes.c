/*
 * masto/routes.c - the addresses of the Mastodon client API, in one table
 * that cli/serve.c puts between the native API's and the pages'.
 */
#include "masto/masto.h"
#include "masto/masto_int.h"

#define FORM_LIMIT   (64 << 10)
#define STATUS_LIMIT (64 << 10)
#define UPLOAD_LIMIT (16 << 20) /* an image is at most 8 MiB: the handler says so with a 422 */

const struct route masto_routes[] = {
    {"GET", "/api/v1/instance", masto_instance_v1, 0, 0},
    {"GET", "/api/v1/instance/", masto_instance_v1, 0, 0},
    {"GET", "/api/v2/instance", masto_instance_v2, 0, 0},
    {"GET", "/.well-known/nodeinfo", masto_nodeinfo_links, 0, 0},
    {"GET", "/nodeinfo/2.0", masto_nodeinfo, 0, 0},
    {"POST", "/api/v1/apps", masto_apps_create, 0, FORM_LIMIT},
    {"GET", "/api/v1/apps/verify_credentials", masto_apps_verify, 0, 0},
    {"POST", "/oauth/token", masto_oauth_token, 0, FORM_LIMIT},
    {"POST", "/oauth/revoke", masto_oauth_revoke, 0, FORM_LIMIT},
    {"GET", "/api/v1/accounts/verify_credentials", masto_verify_credentials, 0, 0},
    {"GET", "/api/v1/accounts/lookup", masto_account_lookup, 0, 0},
    {"GET", "/api/v1/accounts/:id", masto_account_get, 0, 0},
    {"GET", "/api/v1/accounts/:id/statuses", masto_account_statuses, 0, 0},
    {"POST", "/api/v1/statuses", masto_status_create, 0, STATUS_LIMIT},
    {"GET", "/api/v1/statuses/:id", masto_status_get, 0, 0},
    {"PUT", "/api/v1/statuses/:id", masto_status_update, 0, STATUS_LIMIT},
    {"DELETE", "/api/v1/statuses/:id", masto_status_delete, 0, 0},
    {"GET", "/api/v1/statuses/:id/context", masto_status_context, 0, 0},
    {"POST", "/api/v1/statuses/:id/favourite", masto_status_favourite, 0, FORM_LIMIT},
    {"POST", "/api/v1/statuses/:id/unfavourite", masto_status_unfavourite, 0, FORM_LIMIT},
    {"GET", "/api/v1/statuses/:id/favourited_by", masto_status_favourited_by, 0, 0},
    {"POST", "/api/v1/statuses/:id/reblog", masto_status_reblog, 0, FORM_LIMIT},
    {"POST", "/api/v1/statuses/:id/unreblog", masto_status_unreblog, 0, FORM_LIMIT},
    {"GET", "/api/v1/timelines/home", masto_timeline_home, 0, 0},
    {"GET", "/api/v1/timelines/public", masto_timeline_public, 0, 0},
    {"GET", "/api/v1/timelines/tag/:tag", masto_timeline_tag, 0, 0},
    {"POST", "/api/v1/media", masto_media_upload, 0, UPLOAD_LIMIT},
    {"POST", "/api/v2/media", masto_media_upload, 0, UPLOAD_LIMIT},
    {"GET", "/api/v1/media/:id", masto_media_get, 0, 0},
    {"PUT", "/api/v1/media/:id", masto_media_update, 0, FORM_LIMIT},
    {"GET", "/media/:file", masto_media_file, 0, 0},
    {"GET", "/api/v2/search", masto_search, 0, 0},
    {"GET", "/api/v1/notifications", masto_notifications, 0, 0},
    {"GET", "/api/v1/markers", masto_markers_get, 0, 0},
    {"POST", "/api/v1/markers", masto_markers_set, 0, FORM_LIMIT},
    {"GET", "/api/v1/streaming", masto_streaming_websocket, 0, 0},
    {"GET", "/api/v1/streaming/", masto_streaming_websocket, 0, 0},
    {"GET", "/api/v1/streaming/health", masto_streaming_health, 0, 0},
    {"GET", "/api/v1/streaming/user", masto_streaming_public, 0, 0},
    {"GET", "/api/v1/streaming/user/notification", masto_streaming_public, 0, 0},
    {"GET", "/api/v1/streaming/public", masto_streaming_public, 0, 0},
    {"GET", "/api/v1/streaming/public/local", masto_streaming_public, 0, 0},
    {"GET", "/api/v1/streaming/hashtag", masto_streaming_hashtag, 0, 0},
    {"GET", "/api/v1/streaming/hashtag/local", masto_streaming_hashtag, 0, 0},
    /* what clients load at start, empty here */
    {"GET", "/api/v1/custom_emojis", masto_empty_list, 0, 0},
    {"GET", "/api/v1/filters", masto_empty_list, 0, 0},
    {"GET", "/api/v2/filters", masto_empty_list, 0, 0},
    {"GET", "/api/v1/lists", masto_empty_list, 0, 0},
    {"GET", "/api/v1/announcements", masto_empty_list, 0, 0},
    {"GET", "/api/v1/follow_requests", masto_empty_list, 0, 0},
    {"GET", "/api/v1/blocks", masto_empty_list, 0, 0},
    {"GET", "/api/v1/mutes", masto_empty_list, 0, 0},
    {"GET", "/api/v1/domain_blocks", masto_empty_list, 0, 0},
    {"GET", "/api/v1/bookmarks", masto_empty_list, 0, 0},
    {"GET", "/api/v1/conversations", masto_empty_list, 0, 0},
    {"GET", "/api/v1/followed_tags", masto_empty_list, 0, 0},
    {"GET", "/api/v1/scheduled_statuses", masto_empty_list, 0, 0},
};

const size_t masto_n_routes = sizeof(masto_routes) / sizeof(masto_routes[0]);
