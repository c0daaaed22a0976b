/*
 * web/routes.c - the addresses of the pages and exports (DESIGN.md, "Web
 * addresses"), in a table that cli/serve.c puts after the API's. A capture
 * takes the rest of its segment, so "/e/:slug.json" is "/e/:slug" (the
 * handler looks at the suffix) and "/@eric" is "/@:name".
 */
#include "web/web.h"
#include "web/web_int.h"

const struct route web_routes[] = {
    {"GET", "/", web_home, 0, 0},
    {"GET", "/static/gazouillis.css", web_stylesheet, 0, 0},
    {"GET", "/search", web_search, 0, 0},
    {"GET", "/tags/:tag", web_tag, 0, 0},
    {"GET", "/users/:name", web_profile, 0, 0},
    {"GET", "/e/:slug", web_event, 0, 0}, /* and /e/:slug.json */
    {"GET", "/e/:slug/recap", web_recap, 0, 0},
    {"GET", "/e/:slug/recap.md", web_recap_md, 0, 0},
    {"GET", "/e/:slug/recap.html", web_recap_html, 0, 0},
    {"GET", "/e/:slug/feed.atom", web_feed_atom, 0, 0},
    /* Sign-in, the composer and moderation (POST, with CSRF) come here. */
    {"GET", "/@:name", web_profile, 0, 0},
};

const size_t web_n_routes = sizeof(web_routes) / sizeof(web_routes[0]);
