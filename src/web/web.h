/*
 * web/web.h - the server-rendered pages and the exports: home, event page,
 * recap, hashtag, profile and search pages, the stylesheet, and the recap
 * as Markdown, as one standalone HTML file, as the event document (JSON)
 * and as an Atom feed; sign-in with a session cookie, the composer and the
 * event form, every form POST checked for its CSRF token.
 *
 * The routes live in a table of their own, which cli/serve.c puts after
 * the API's (api/app.h): the catch-all "/:name" for "/@user" must come last.
 */
#ifndef GZ_WEB_WEB_H
#define GZ_WEB_WEB_H

#include <stddef.h>

#include "http/http.h"

extern const struct route web_routes[];
extern const size_t web_n_routes;

#endif
