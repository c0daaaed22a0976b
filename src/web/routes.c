/*
 * web/routes.c - the addresses of the pages and exports (DESIGN.md, "Web
 * addresses"), in a table that cli/serve.c puts after the API's. A capture
 * takes the rest of its segment, so "/e/:slug.json" is "/e/:slug" (the
 * handler looks at the suffix) and "/@eric" is "/@:name". Every POST here
 * is a urlencoded form checked for its CSRF token (web/session.c).
 */
#include "web/web.h"
#include "web/web_int.h"

#define FORM_LIMIT (64 << 10) /* a urlencoded form: a post, an event's fields */
#define EDIT_LIMIT (1 << 20)  /* the whole event: three Markdown fields, people, orgs */
/* A Twitter archive's tweets.js, its zip when its media are few, or an outbox; a
 * bigger zip goes through "gazouillis import" (256 MB). */
#define IMPORT_LIMIT (32 << 20)

const struct route web_routes[] = {
    {"GET", "/", web_home, 0, 0},
    {"GET", "/static/gazouillis.css", web_stylesheet, 0, 0},
    {"GET", "/static/composer.js", web_script, 0, 0},
    {"GET", "/static/live.js", web_live_script, 0, 0},
    {"GET", "/login", web_login_form, 0, 0},
    {"POST", "/login", web_login, 0, FORM_LIMIT},
    {"POST", "/logout", web_logout, 0, FORM_LIMIT},
    {"GET", "/events/new", web_event_new, 0, 0},
    {"POST", "/events/new", web_event_create, 0, FORM_LIMIT},
    {"GET", "/search", web_search, 0, 0},
    {"GET", "/tags/:tag", web_tag, 0, 0},
    {"GET", "/users/:name", web_profile, 0, 0},
    {"GET", "/e/:slug", web_event, 0, 0}, /* and /e/:slug.json */
    {"GET", "/e/:slug/recap", web_recap, 0, 0},
    {"GET", "/e/:slug/recap.md", web_recap_md, 0, 0},
    {"GET", "/e/:slug/recap.html", web_recap_html, 0, 0},
    {"GET", "/e/:slug/feed.atom", web_feed_atom, 0, 0},
    {"GET", "/e/:slug/wall", web_wall, 0, 0},
    {"GET", "/e/:slug/moderate", web_moderate, 0, 0},
    {"GET", "/e/:slug/moderate/stream", web_moderate_stream, 0, 0},
    {"POST", "/e/:slug/posts", web_post_create, 0, FORM_LIMIT}, /* the composer */
    {"GET", "/e/:slug/edit", web_event_edit, 0, 0},
    {"POST", "/e/:slug/edit", web_event_save, 0, EDIT_LIMIT},
    {"POST", "/e/:slug/import", web_event_import, 0, IMPORT_LIMIT},
    {"GET", "/posts/:id/edit", web_post_edit, 0, 0},
    {"POST", "/posts/:id/edit", web_post_save, 0, FORM_LIMIT},
    {"POST", "/posts/:id/delete", web_post_remove, 0, FORM_LIMIT},
    {"POST", "/posts/:id/approve", web_post_approve, 0, FORM_LIMIT},
    {"POST", "/posts/:id/hide", web_post_hide, 0, FORM_LIMIT},
    {"GET", "/static/comments.js", web_comments_script, 0, 0},
    {"GET", "/static/tools.js", web_tools_script, 0, 0},
    {"GET", "/e/:slug/comments.atom", web_comments_atom, 0, 0},
    {"POST", "/e/:slug/comments", web_comment_create, 0, FORM_LIMIT},
    {"POST", "/e/:slug/comments/:id/like", web_comment_like, 0, FORM_LIMIT},
    {"POST", "/e/:slug/comments/:id/edit", web_comment_save, 0, FORM_LIMIT},
    {"POST", "/e/:slug/comments/:id/delete", web_comment_remove, 0, FORM_LIMIT},
    {"POST", "/e/:slug/comments/:id/moderate", web_comment_moderate, 0, FORM_LIMIT},
    {"POST", "/posts/:id/like", web_post_like, 0, FORM_LIMIT},
    {"GET", "/oauth/authorize", web_oauth_authorize, 0, 0},
    {"GET", "/oauth/authorize/", web_oauth_authorize, 0, 0},
    {"POST", "/oauth/authorize", web_oauth_decide, 0, FORM_LIMIT},
    {"GET", "/users/:name/avatar.png", web_avatar, 0, 0},
    {"POST", "/media/:id/credit", web_media_credit, 0, FORM_LIMIT},
    {"GET", "/static/header.png", web_header_image, 0, 0},
    {"GET", "/@:name", web_profile, 0, 0},
    {"GET", "/settings/profile", web_settings_profile, 0, 0},
    {"POST", "/settings/profile", web_settings_profile_save, 0, FORM_LIMIT},
};

const size_t web_n_routes = sizeof(web_routes) / sizeof(web_routes[0]);
