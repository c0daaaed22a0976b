/*
 * api/routes.c - every address the server answers, in one table (as Redis
 * keeps its commands): method, path, handler, and what the router checks
 * before the handler runs.
 */
#include "api/app.h"
#include "api/handlers.h"

#define DOC_LIMIT     (4 << 20) /* an event document with its posts */
#define POST_LIMIT    (64 << 10)
#define COMMENT_LIMIT (64 << 10) /* 5,000 characters are at most 20 KB of UTF-8, in JSON */

const struct route app_routes[] = {
    {"GET", "/healthz", api_healthz, 0, 0},
    {"GET", "/metrics", api_metrics, 0, 0},
    {"GET", "/api/v1/events", api_events_list, 0, 0},
    {"POST", "/api/v1/events", api_events_create, ROUTE_JSON_BODY, DOC_LIMIT},
    {"GET", "/api/v1/events/:slug", api_events_get, 0, 0},
    {"PATCH", "/api/v1/events/:slug", api_events_update, ROUTE_JSON_BODY, DOC_LIMIT},
    {"DELETE", "/api/v1/events/:slug", api_events_delete, 0, 0},
    {"GET", "/api/v1/events/:slug/posts", api_posts_list, 0, 0},
    {"POST", "/api/v1/events/:slug/posts", api_posts_create, ROUTE_JSON_BODY, POST_LIMIT},
    {"GET", "/api/v1/posts/:id", api_posts_get, 0, 0},
    {"PATCH", "/api/v1/posts/:id", api_posts_update, ROUTE_JSON_BODY, POST_LIMIT},
    {"DELETE", "/api/v1/posts/:id", api_posts_delete, 0, 0},
    {"POST", "/api/v1/text/count", api_text_count, ROUTE_JSON_BODY, POST_LIMIT},
    {"POST", "/api/v1/text/split", api_text_split, ROUTE_JSON_BODY, POST_LIMIT},
    {"POST", "/api/v1/text/fit", api_text_fit, ROUTE_JSON_BODY, POST_LIMIT},
    {"GET", "/api/v1/events/:slug/stream", api_stream_event, 0, 0},
    {"GET", "/api/v1/tags/:tag/stream", api_stream_tag, 0, 0},
    {"GET", "/api/v1/stream", api_stream_public, 0, 0},
    {"GET", "/api/v1/events/:slug/pending", api_moderation_pending, 0, 0},
    {"GET", "/api/v1/events/:slug/moderation/stream", api_moderation_stream, 0, 0},
    {"POST", "/api/v1/posts/:id/approve", api_posts_approve, 0, 0},
    {"POST", "/api/v1/posts/:id/hide", api_posts_hide, 0, 0},
    {"POST", "/api/v1/posts/:id/like", api_posts_like, 0, 0},
    {"DELETE", "/api/v1/posts/:id/like", api_posts_unlike, 0, 0},
    {"GET", "/api/v1/events/:slug/comments", api_comments_list, 0, 0},
    {"POST", "/api/v1/events/:slug/comments", api_comments_create, ROUTE_JSON_BODY, COMMENT_LIMIT},
    {"GET", "/api/v1/events/:slug/comments/:id", api_comments_get, 0, 0},
    {"PATCH", "/api/v1/events/:slug/comments/:id", api_comments_update, ROUTE_JSON_BODY,
     COMMENT_LIMIT},
    {"DELETE", "/api/v1/events/:slug/comments/:id", api_comments_delete, 0, 0},
    {"POST", "/api/v1/events/:slug/comments/:id/like", api_comments_like, 0, 0},
    {"DELETE", "/api/v1/events/:slug/comments/:id/like", api_comments_unlike, 0, 0},
    {"POST", "/api/v1/events/:slug/comments/:id/approve", api_comments_approve, 0, 0},
    {"POST", "/api/v1/events/:slug/comments/:id/spam", api_comments_spam, 0, 0},
    {"POST", "/api/v1/events/:slug/comments/:id/ban", api_comments_ban, ROUTE_JSON_BODY,
     COMMENT_LIMIT},
};

const size_t app_n_routes = sizeof(app_routes) / sizeof(app_routes[0]);
