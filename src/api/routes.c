/*
 * api/routes.c - every address the server answers, in one table (as Redis
 * keeps its commands): method, path, handler, and what the router checks
 * before the handler runs.
 */
#include "api/app.h"
#include "api/handlers.h"

#define DOC_LIMIT  (4 << 20) /* an event document with its posts */
#define POST_LIMIT (64 << 10)

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
    {"GET", "/api/v1/events/:slug/stream", api_stream_event, 0, 0},
    {"GET", "/api/v1/tags/:tag/stream", api_stream_tag, 0, 0},
    {"GET", "/api/v1/stream", api_stream_public, 0, 0},
    {"GET", "/api/v1/events/:slug/pending", api_moderation_pending, 0, 0},
    {"GET", "/api/v1/events/:slug/moderation/stream", api_moderation_stream, 0, 0},
    {"POST", "/api/v1/posts/:id/approve", api_posts_approve, 0, 0},
    {"POST", "/api/v1/posts/:id/hide", api_posts_hide, 0, 0},
};

const size_t app_n_routes = sizeof(app_routes) / sizeof(app_routes[0]);
