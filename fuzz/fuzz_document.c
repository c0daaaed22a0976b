/*
 * fuzz/fuzz_document.c - libFuzzer target for the event document
 * (api/document.c, api/events.c' event_create, the comments of
 * api/comment_document.c): the input is a document as "gazouillis import
 * FILE" or POST /api/v1/events gets it. One that is accepted becomes an
 * event of the fixture's store (fuzz/harness.h), and then:
 *
 *   - every page and export of the event is rendered (event page and its
 *     JSON, recap, recap.md, recap.html, Atom feeds, wall, edit and
 *     moderation pages, API reads, the home page and the hashtag's page),
 *     by its admin, and the event page and recap by a passer-by too:
 *     none answers a 500, and none but the API's JSON holds the raw tag
 *     "<x-fz" (the dictionary offers it: every text field must come out
 *     escaped in HTML and XML, the Markdown ones with raw HTML dropped;
 *     recap.md writes '<' as &lt; and the page's .json as \u003c);
 *   - the round trip: the exported document, imported again after the event
 *     is deleted, exports the same (README: "comes back the same, ids and
 *     times included").
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "fuzz/harness.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup();
    return 0;
}

/*
 * Creates the event of doc as the admin; false when the document is refused
 * (4xx), said on stderr when loud.
 */
static bool
create(json_t *doc, struct event *e, struct arena *ar, bool loud)
{
    struct response res = {0};
    struct store *st;
    struct account acc;
    bool ok;

    FZ_CHECK((st = app_store(&fz.app)) != NULL);
    FZ_CHECK(store_account_by_name(st, ar, "admin", &acc) == RC_OK);
    ok = event_create(st, ar, doc, &acc, e, &res);
    if (!ok && (res.status < 400 || res.status > 499 || res.status == 413))
        fprintf(stderr, "fuzz: event_create answered %d: %.*s\n", res.status, (int)res.body_len,
                res.body != NULL ? res.body : "");
    FZ_CHECK(ok || (res.status >= 400 && res.status <= 499));
    if (!ok && loud)
        fprintf(stderr, "fuzz: the exported document is refused (%d): %.*s\n", res.status,
                (int)res.body_len, res.body != NULL ? res.body : "");
    response_reset(&res);
    return ok;
}

/* GET path as who; the body when out is not NULL. */
static int
get(const char *path, enum fz_who who, bool bearer, char **out, size_t *len)
{
    struct fz_request r = {"GET", path, who, bearer, NULL, "", 0};

    return fz_run(&r, out, len);
}

/* Renders a page or export; with markup, it must hold no raw "<x-fz". */
static void
render(const char *fmt, const char *slug, enum fz_who who, bool markup)
{
    char path[256], *body;
    size_t len;

    snprintf(path, sizeof(path), fmt, slug);
    get(path, who, false, &body, &len);
    if (markup && fz_contains(body, len, "<x-fz"))
        fprintf(stderr, "fuzz: %s shows a raw <x-fz> tag\n", path);
    FZ_CHECK(!markup || !fz_contains(body, len, "<x-fz"));
    free(body);
}

/* The event document of slug as the API exports it (admin), parsed. */
static json_t *export(const char *slug)
{
    char path[256], *body;
    size_t len;
    json_t *doc;

    snprintf(path, sizeof(path), "/api/v1/events/%s", slug);
    FZ_CHECK(get(path, FZ_ADMIN, true, &body, &len) == 200);
    FZ_CHECK((doc = json_loadb(body, len, 0, NULL)) != NULL);
    free(body);
    return doc;
}

static void
delete_event(const char *slug)
{
    struct fz_request r = {"DELETE", NULL, FZ_ADMIN, true, NULL, "", 0};
    char path[256];
    int status;

    snprintf(path, sizeof(path), "/api/v1/events/%s", slug);
    r.path = path;
    status = fz_run(&r, NULL, NULL);
    FZ_CHECK(status >= 200 && status <= 299);
}

/*
 * Every page and export, as the admin (who sees drafts and the editing
 * pages); the event's page and recap also as a passer-by.
 */
static void
pages(const struct event *e)
{
    static const char *const markup[] = {
        "/e/%s",      "/e/%s/recap",    "/e/%s/recap.html", "/e/%s/recap.md",
        "/e/%s.json", "/e/%s/wall",     "/e/%s/feed.atom",  "/e/%s/comments.atom",
        "/e/%s/edit", "/e/%s/moderate", "/tags/%s",         "/",
    };
    static const char *const plain[] = {"/api/v1/events/%s/posts", "/api/v1/events/%s/comments"};
    size_t i;

    for (i = 0; i < sizeof(markup) / sizeof(markup[0]); i++) {
        const char *arg = strncmp(markup[i], "/tags/", 6) == 0 ? e->hashtag : e->slug;
        if (arg[0] == '\0' || strpbrk(arg, "/?#") != NULL) /* not a path segment */
            continue;
        render(markup[i], arg, FZ_ADMIN, true);
    }
    render("/e/%s", e->slug, FZ_ANON, true);
    render("/e/%s/recap", e->slug, FZ_ANON, true);
    for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        render(plain[i], e->slug, FZ_ADMIN, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena ar = {0};
    json_t *doc, *first, *again;
    struct event e;
    char *slug;

    doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (doc == NULL || !json_is_object(doc))
        goto out;
    fz_reset();
    if (!create(doc, &e, &ar, false))
        goto out;
    FZ_CHECK((slug = strdup(e.slug)) != NULL);
    pages(&e);

    first = export(slug);
    delete_event(slug);
    FZ_CHECK(create(first, &e, &ar, true));
    again = export(slug);
    if (!json_equal(first, again)) {
        char *a = json_dumps(first, JSON_COMPACT | JSON_SORT_KEYS);
        char *b = json_dumps(again, JSON_COMPACT | JSON_SORT_KEYS);
        fprintf(stderr, "fuzz: the round trip changes the document:\n%s\n%s\n", a, b);
        abort();
    }
    json_decref(first);
    json_decref(again);
    free(slug);
out:
    json_decref(doc);
    arena_release(&ar);
    return 0;
}
