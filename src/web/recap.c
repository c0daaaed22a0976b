/*
 * web/recap.c - the recap: the event told the way the reference document
 * tells it (title; date and venue; series and attendance; context; the
 * panelists with their affiliations, the moderator, the other speakers;
 * organizers, sponsors and suppliers with their links; the disclaimer;
 * every post oldest first with its speaker and time; the conclusion; the
 * signature). One writer serves the page and the standalone file (the
 * stylesheet inline, its own CSP); the Markdown export follows the same
 * order. Markdown fields go through cmark (text_markdown), posts keep the
 * HTML the text engine made when they were written.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/app.h"
#include "api/posts.h"
#include "core/rc.h"
#include "web/web_int.h"

/* The standalone file: its style is inline, nothing else may load. */
#define STANDALONE_CSP                                                                             \
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "       \
    "base-uri 'self'; form-action 'none'"

/* Roles of people, in the order the recap lists them. */
static const struct {
    const char *role;
    enum msg title, plural;
} role_groups[] = {
    {"panelist", MSG_PANELISTS, MSG_PANELISTS},
    {"moderator", MSG_MODERATOR, MSG_MODERATORS},
    {NULL, MSG_OTHER_SPEAKERS, MSG_OTHER_SPEAKERS}, /* every other role */
};

static const struct {
    const char *kind;
    enum msg title;
} org_groups[] = {
    {"organizer", MSG_ORGANIZERS},
    {"sponsor", MSG_SPONSORS},
    {"supplier", MSG_SUPPLIERS},
    {"partner", MSG_PARTNERS},
};

#define N_ROLE_GROUPS (sizeof(role_groups) / sizeof(role_groups[0]))
#define N_ORG_GROUPS  (sizeof(org_groups) / sizeof(org_groups[0]))

static bool
person_in_group(const struct person *p, size_t g)
{
    size_t k;

    if (role_groups[g].role != NULL)
        return strcmp(p->role, role_groups[g].role) == 0;
    for (k = 0; k < N_ROLE_GROUPS; k++)
        if (role_groups[k].role != NULL && strcmp(p->role, role_groups[k].role) == 0)
            return false;
    return true;
}

static size_t
count_people(const struct event *e, size_t g)
{
    size_t i, n = 0;

    for (i = 0; i < e->n_people; i++)
        n += person_in_group(&e->people[i], g);
    return n;
}

static size_t
count_orgs(const struct event *e, const char *kind)
{
    size_t i, n = 0;

    for (i = 0; i < e->n_orgs; i++)
        n += strcmp(e->orgs[i].kind, kind) == 0;
    return n;
}

static void
recap_people(struct html *h, const struct event *e)
{
    size_t g, i, n;

    if (e->n_people == 0)
        return;
    html_raw(h, "<section class=\"people\">\n<h2>");
    html_msg(h, MSG_PEOPLE);
    html_raw(h, "</h2>\n");
    for (g = 0; g < N_ROLE_GROUPS; g++) {
        if ((n = count_people(e, g)) == 0)
            continue;
        html_raw(h, "<h3>");
        html_msg(h, n > 1 ? role_groups[g].plural : role_groups[g].title);
        html_raw(h, "</h3>\n<ul class=\"people-list\">\n");
        for (i = 0; i < e->n_people; i++) {
            const struct person *p = &e->people[i];
            if (!person_in_group(p, g))
                continue;
            html_raw(h, "<li><span class=\"name\">");
            html_link(h, p->url, p->name, NULL);
            html_raw(h, "</span>");
            if (p->affiliation != NULL && p->affiliation[0] != '\0') {
                html_raw(h, " <span class=\"affiliation\">");
                html_text(h, p->affiliation);
                html_raw(h, "</span>");
            }
            html_raw(h, "</li>\n");
        }
        html_raw(h, "</ul>\n");
    }
    html_raw(h, "</section>\n");
}

static void
recap_orgs(struct html *h, const struct event *e)
{
    size_t g, i;

    if (e->n_orgs == 0)
        return;
    html_raw(h, "<section class=\"orgs\">\n<h2>");
    html_msg(h, MSG_ORGANIZATIONS);
    html_raw(h, "</h2>\n");
    for (g = 0; g < N_ORG_GROUPS; g++) {
        if (count_orgs(e, org_groups[g].kind) == 0)
            continue;
        html_raw(h, "<h3>");
        html_msg(h, org_groups[g].title);
        html_raw(h, "</h3>\n<ul class=\"org-list\">\n");
        for (i = 0; i < e->n_orgs; i++) {
            const struct org *o = &e->orgs[i];
            if (strcmp(o->kind, org_groups[g].kind) != 0)
                continue;
            html_raw(h, "<li>");
            html_link(h, o->url, o->name, NULL);
            if (web_url_ok(o->url) && o->url[0] != '/') {
                html_raw(h, " <span class=\"url\">");
                html_text(h, o->url);
                html_raw(h, "</span>");
            }
            html_raw(h, "</li>\n");
        }
        html_raw(h, "</ul>\n");
    }
    html_raw(h, "</section>\n");
}

/* A Markdown field as a section with its heading; nothing when empty. */
static void
recap_field(struct html *h, const char *md, const char *cls, enum msg title)
{
    if (md == NULL || md[0] == '\0')
        return;
    html_raw(h, cls[0] == 'd' ? "<aside class=\"" : "<section class=\"");
    html_raw(h, cls);
    html_raw(h, "\">\n<h2>");
    html_msg(h, title);
    html_raw(h, "</h2>\n<div class=\"prose\">");
    html_markdown(h, md);
    html_raw(h, "</div>\n");
    html_raw(h, cls[0] == 'd' ? "</aside>\n" : "</section>\n");
}

void
recap_write(struct html *h, const struct event *e, const struct post *posts, size_t n_posts)
{
    size_t i, total_posts = n_posts;

    html_raw(h, "<article class=\"recap\">\n<header class=\"recap-head\">\n<h1>");
    html_text(h, e->title);
    html_raw(h, "</h1>\n<p class=\"meta\">");
    html_event_when(h, e);
    if (e->venue_name != NULL || e->venue_address != NULL) {
        html_raw(h, "<br>");
        html_raw(h, "<span class=\"venue\">");
        if (e->venue_name != NULL)
            html_link(h, e->venue_url, e->venue_name, NULL);
        if (e->venue_name != NULL && e->venue_address != NULL)
            html_raw(h, ", ");
        html_text(h, e->venue_address);
        html_raw(h, "</span>");
    }
    html_raw(h, "</p>\n");
    if (e->series != NULL || e->attendance >= 0 || (e->hashtag != NULL && e->hashtag[0])) {
        html_raw(h, "<p class=\"facts\">");
        if (e->series != NULL) {
            html_raw(h, "<span class=\"series\">");
            html_textf(h, msg(h->lang, MSG_SERIES), e->series);
            html_raw(h, "</span> ");
        }
        if (e->attendance >= 0) {
            html_raw(h, "<span class=\"attendance\">");
            html_textf(h, msg(h->lang, MSG_ATTENDANCE), (long long)e->attendance);
            html_raw(h, "</span> ");
        }
        if (e->hashtag != NULL && e->hashtag[0] != '\0') {
            html_raw(h, "<a class=\"hashtag\"");
            html_attr(h, "href", arena_printf(&h->req->arena, "/tags/%s", e->hashtag));
            html_raw(h, ">#");
            html_text(h, e->hashtag);
            html_raw(h, "</a>");
        }
        html_raw(h, "</p>\n");
    }
    html_raw(h, "</header>\n");
    recap_field(h, e->context_md, "context", MSG_CONTEXT);
    recap_people(h, e);
    recap_orgs(h, e);
    recap_field(h, e->disclaimer_md, "disclaimer", MSG_DISCLAIMER);

    html_raw(h, "<section class=\"posts\" id=\"posts\">\n<h2>");
    if (n_posts == 1)
        html_textf(h, msg(h->lang, MSG_RECAP_POST_ONE), e->char_limit);
    else
        html_textf(h, msg(h->lang, MSG_RECAP_POSTS), n_posts, e->char_limit);
    html_raw(h, "</h2>\n");
    if (h->recap_views) {
        html_raw(h, "<p class=\"order\">");
        html_link(h, arena_printf(&h->req->arena, "/e/%s/recap#posts", e->slug),
                  msg(h->lang, MSG_RECAP_IN_ORDER), h->recap_by_speaker ? NULL : "current");
        html_raw(h, " · ");
        html_link(h, arena_printf(&h->req->arena, "/e/%s/recap?view=speakers#posts", e->slug),
                  msg(h->lang, MSG_WHO_SAID_WHAT), h->recap_by_speaker ? "current" : NULL);
        html_raw(h, "</p>\n");
    }
    if (h->recap_by_speaker) {
        recap_by_speaker(h, e, posts, n_posts);
        n_posts = 0; /* shown grouped: not again in order */
    }
    html_raw(h, "<ol class=\"recap-posts\">\n");
    for (i = 0; i < n_posts; i++) {
        const struct post *p = &posts[i];
        const char *speaker = post_speaker(h->lang, p);
        char when[32], id[24];

        post_time(h->lang, e, p, when, sizeof(when));
        snprintf(id, sizeof(id), "p%lld", (long long)p->id);
        html_raw(h, "<li");
        html_attr(h, "id", id);
        html_raw(h, "><p class=\"who\"><time");
        html_attr(h, "datetime", p->created_at);
        html_raw(h, ">");
        html_text(h, when);
        html_raw(h, "</time>");
        if (speaker != NULL) {
            html_raw(h, p->speaker_audience ? " <span class=\"speaker audience\">"
                                            : " <span class=\"speaker\">");
            html_text(h, speaker);
            html_raw(h, "</span>");
        }
        html_raw(h, "</p><p class=\"text\">");
        html_raw(h, p->html != NULL ? p->html : ""); /* escaped by the autolinker */
        html_raw(h, "</p>");
        html_post_media(h, e, p);
        if (h->post_extra != NULL)
            h->post_extra(h, p);
        html_raw(h, "</li>\n");
    }
    html_raw(h, "</ol>\n</section>\n");
    recap_activity(h, e, posts, total_posts);
    recap_field(h, e->conclusion_md, "conclusion", MSG_CONCLUSION);
    if (e->signature != NULL && e->signature[0] != '\0') {
        html_raw(h, "<p class=\"signature\">— ");
        html_text(h, e->signature);
        html_raw(h, "</p>\n");
    }
    html_raw(h, "</article>\n");
}

/* The event of :slug with its visible posts, oldest first; an rc. */
static int
recap_load(struct request *req, struct store **st_out, struct event *e, struct post **posts,
           size_t *n)
{
    struct store *st = app_store(req->app);
    int rc;

    if (st == NULL)
        return RC_IO;
    if ((rc = web_event_get(req, st, request_param(req, "slug"), e)) != RC_OK)
        return rc;
    *st_out = st;
    return posts_all(st, &req->arena, e->id, posts, n);
}

void
recap_exports_links(struct html *h, const struct event *e)
{
    static const struct {
        const char *suffix;
        enum msg label;
    } exports[] = {
        {"/recap.md", MSG_EXPORT_MD},
        {"/recap.html", MSG_EXPORT_HTML},
        {".json", MSG_EXPORT_JSON},
        {"/feed.atom", MSG_EXPORT_ATOM},
        {"/comments.atom", MSG_EXPORT_COMMENTS_ATOM},
    };
    size_t i;

    html_raw(h, "<nav class=\"exports\"><h2>");
    html_msg(h, MSG_EXPORTS);
    html_raw(h, "</h2><ul>");
    for (i = 0; i < sizeof(exports) / sizeof(exports[0]); i++) {
        html_raw(h, "<li>");
        html_link(h, arena_printf(&h->req->arena, "/e/%s%s", e->slug, exports[i].suffix),
                  msg(h->lang, exports[i].label), NULL);
        html_raw(h, "</li>");
    }
    html_raw(h, "<li>");
    html_link(h, arena_printf(&h->req->arena, "/e/%s", e->slug), msg(h->lang, MSG_BACK_TO_EVENT),
              NULL);
    html_raw(h, "</li></ul></nav>\n");
}

/* GET /e/:slug/recap: the recap with its comments (web/comments.c) */
int
web_recap(struct request *req, struct response *res)
{
    return recap_page(req, res, NULL, 200);
}

/* GET /e/:slug/recap.html: one file, the stylesheet inline, links absolute. */
int
web_recap_html(struct request *req, struct response *res)
{
    const struct app *app = req->app;
    struct store *st;
    struct event e;
    struct post *posts;
    struct html h = {0};
    size_t n;
    int rc;

    if ((rc = recap_load(req, &st, &e, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    h.lang = web_lang_of(e.lang);
    h.req = req;
    html_raw(&h, "<!doctype html>\n<html");
    html_attr(&h, "lang", msg(h.lang, MSG_LANG_CODE));
    html_raw(&h, ">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "style-src 'unsafe-inline'; img-src data:\">\n<base");
    html_attr(&h, "href", arena_printf(&req->arena, "%s/", app->public_url));
    html_raw(&h, ">\n<title>");
    html_text(&h, e.title);
    html_raw(&h, " — ");
    html_msg(&h, MSG_RECAP_TITLE_SUFFIX);
    html_raw(&h, "</title>\n<style>\n");
    html_rawn(&h, web_css, web_css_len);
    html_raw(&h, "</style>\n</head>\n<body class=\"standalone\">\n<main class=\"recap-page\">\n");
    recap_write(&h, &e, posts, n);
    recap_comments_html(&h, st, &e);
    html_raw(&h, "</main>\n<footer class=\"site\"><p>");
    html_link(&h, arena_printf(&req->arena, "%s/e/%s/recap", app->public_url, e.slug),
              arena_printf(&req->arena, "%s/e/%s/recap", app->public_url, e.slug), NULL);
    html_raw(&h, "</p></footer>\n</body>\n</html>\n");
    if (h.nomem || web_security_headers(res, STANDALONE_CSP) != 0) {
        text_buf_release(&h.buf);
        return -1;
    }
    response_header(res, "Content-Disposition",
                    arena_printf(&req->arena, "inline; filename=\"%s-recap.html\"", e.slug));
    return response_body_take(res, 200, "text/html; charset=utf-8", h.buf.data, h.buf.len);
}

/* ---- Markdown ---- */

/*
 * Plain text into Markdown that reads back as the same text: ASCII
 * punctuation that could start markup (and a '#' opening a line) is
 * backslash-escaped, while <, > and & become entities, so no markup is
 * ever in the bytes; line breaks become hard breaks indented by indent
 * spaces (inside a list item).
 */
static void
md_textn(struct html *h, const char *s, size_t len, int indent)
{
    size_t i, run = 0;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (c != '\n' && strchr("\\`*_[]<>&", c) == NULL &&
            !(c == '#' && (i == 0 || s[i - 1] == '\n')))
            continue;
        html_rawn(h, s + run, i - run);
        if (c == '\n') {
            html_raw(h, "\\\n");
            html_rawn(h, "        ", (size_t)(indent < 8 ? indent : 8));
        } else if (c == '<' || c == '>' || c == '&') {
            html_raw(h, c == '<' ? "&lt;" : c == '>' ? "&gt;" : "&amp;");
        } else {
            char esc[2] = {'\\', c};
            html_rawn(h, esc, 2);
        }
        run = i + 1;
    }
    html_rawn(h, s + run, len - run);
}

static void
md_text(struct html *h, const char *s)
{
    if (s != NULL)
        md_textn(h, s, strlen(s), 0);
}

/* A post's text: URLs with a protocol as autolinks, the rest as text. */
static void
md_post_text(struct html *h, const char *s, int indent)
{
    struct text_entities urls = {0};
    size_t len = strlen(s), at = 0, i;

    if (text_extract_urls(s, len, &urls) != 0) {
        urls.n = 0;
    }
    for (i = 0; i < urls.n; i++) {
        const struct text_entity *u = &urls.v[i];
        if (!u->has_protocol || memchr(s + u->start, '>', u->end - u->start) != NULL)
            continue;
        md_textn(h, s + at, u->start - at, indent);
        html_raw(h, "<");
        html_rawn(h, s + u->value_start, u->value_end - u->value_start);
        html_raw(h, ">");
        at = u->end;
    }
    md_textn(h, s + at, len - at, indent);
    text_entities_release(&urls);
}

/*
 * May a link destination that starts at s (after "](" or the "]:" of a
 * reference definition) stay a link? http(s) and mailto addresses and
 * relative ones do; any other scheme (javascript:, vbscript:, data:, and
 * those hidden behind an entity, "jav&#97;script:") does not, since the
 * renderer of the exported file may not drop them as cmark does here.
 */
static bool
md_destination_ok(const char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (*s == '<') /* a destination in angle brackets */
        s++;
    if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
        strncasecmp(s, "mailto:", 7) == 0)
        return true;
    n = strcspn(s, "/?#) \t\r\n"); /* what could be a scheme, with an entity in it */
    return memchr(s, ':', n) == NULL && memchr(s, '&', n) == NULL;
}

/* Is md[i] escaped by the backslashes before it (an odd number of them)? */
static bool
md_escaped(const char *md, size_t i)
{
    size_t n = 0;

    while (n < i && md[i - n - 1] == '\\')
        n++;
    return n % 2 == 1;
}

/*
 * A Markdown field as written, but for raw HTML and dangerous links: a
 * '<' that would open a tag is written "&lt;", so the export never carries
 * markup the pages drop; autolinks (<https://…>) stay. The ']' that closes
 * the text of a link or of a reference definition to a destination
 * md_destination_ok() refuses is escaped, which leaves it plain text.
 */
static void
md_field(struct html *h, const char *md)
{
    size_t i, run = 0, len = strlen(md);

    for (i = 0; i < len; i++) {
        const char *t = md + i + 1;
        if (md[i] == ']' && (*t == '(' || *t == ':') && !md_escaped(md, i) &&
            !md_destination_ok(t + 1)) {
            html_rawn(h, md + run, i - run);
            html_raw(h, "\\]");
            run = i + 1;
            continue;
        }
        if (md[i] != '<')
            continue;
        if (strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0 ||
            strncmp(t, "mailto:", 7) == 0)
            continue;
        html_rawn(h, md + run, i - run);
        html_raw(h, "&lt;");
        run = i + 1;
    }
    html_rawn(h, md + run, len - run);
    if (len > 0 && md[len - 1] != '\n')
        html_raw(h, "\n");
}

static void
md_heading(struct html *h, const char *level, const char *title)
{
    const struct text_buf *b = &h->buf;

    if (!(b->len >= 2 && b->data[b->len - 1] == '\n' && b->data[b->len - 2] == '\n'))
        html_raw(h, "\n");
    html_raw(h, level);
    html_raw(h, " ");
    md_text(h, title);
    html_raw(h, "\n\n");
}

/* "[name](url)" or the name alone. */
static void
md_link(struct html *h, const char *name, const char *url)
{
    if (!web_url_ok(url) || url[0] == '/' || strpbrk(url, " ()<>") != NULL) {
        md_text(h, name);
        return;
    }
    html_raw(h, "[");
    md_text(h, name);
    html_raw(h, "](");
    html_raw(h, url);
    html_raw(h, ")");
}

/* The date line, in the page's words, as plain text. */
static void
md_when(struct html *h, const struct event *e)
{
    char when[200];

    if (web_when_text(h->lang, e->starts_at, e->ends_at, when, sizeof(when)))
        html_raw(h, when);
}

/* GET /e/:slug/recap.md */
int
web_recap_md(struct request *req, struct response *res)
{
    struct store *st;
    struct event e;
    struct post *posts;
    struct html h = {0};
    size_t n, i, g;
    char line[256];
    int rc;

    if ((rc = recap_load(req, &st, &e, &posts, &n)) != RC_OK)
        return web_error(req, res, rc);
    h.lang = web_lang_of(e.lang);
    h.req = req;
    html_raw(&h, "# ");
    md_text(&h, e.title);
    html_raw(&h, "\n\n");
    if (e.starts_at != NULL) {
        md_when(&h, &e);
        html_raw(&h, "\\\n");
    }
    if (e.venue_name != NULL || e.venue_address != NULL) {
        if (e.venue_name != NULL)
            md_link(&h, e.venue_name, e.venue_url);
        if (e.venue_name != NULL && e.venue_address != NULL)
            html_raw(&h, ", ");
        md_text(&h, e.venue_address);
        html_raw(&h, "\\\n");
    }
    if (e.series != NULL) {
        snprintf(line, sizeof(line), msg(h.lang, MSG_SERIES), "");
        md_text(&h, line);
        html_raw(&h, "*");
        md_text(&h, e.series);
        html_raw(&h, "*\\\n");
    }
    if (e.attendance >= 0) {
        snprintf(line, sizeof(line), msg(h.lang, MSG_ATTENDANCE), (long long)e.attendance);
        md_text(&h, line);
        html_raw(&h, "\\\n");
    }
    if (e.hashtag != NULL && e.hashtag[0] != '\0') {
        html_raw(&h, "\\#");
        md_text(&h, e.hashtag);
        html_raw(&h, "\n");
    }
    if (e.context_md != NULL && e.context_md[0] != '\0') {
        md_heading(&h, "##", msg(h.lang, MSG_CONTEXT));
        md_field(&h, e.context_md);
    }
    if (e.n_people > 0)
        md_heading(&h, "##", msg(h.lang, MSG_PEOPLE));
    for (g = 0; g < N_ROLE_GROUPS; g++) {
        size_t count = count_people(&e, g);
        if (count == 0)
            continue;
        md_heading(&h, "###",
                   msg(h.lang, count > 1 ? role_groups[g].plural : role_groups[g].title));
        for (i = 0; i < e.n_people; i++) {
            const struct person *p = &e.people[i];
            if (!person_in_group(p, g))
                continue;
            html_raw(&h, "- **");
            md_link(&h, p->name, p->url);
            html_raw(&h, "**");
            if (p->affiliation != NULL && p->affiliation[0] != '\0') {
                html_raw(&h, " (");
                md_text(&h, p->affiliation);
                html_raw(&h, ")");
            }
            html_raw(&h, "\n");
        }
    }
    if (e.n_orgs > 0)
        md_heading(&h, "##", msg(h.lang, MSG_ORGANIZATIONS));
    for (g = 0; g < N_ORG_GROUPS; g++) {
        if (count_orgs(&e, org_groups[g].kind) == 0)
            continue;
        md_heading(&h, "###", msg(h.lang, org_groups[g].title));
        for (i = 0; i < e.n_orgs; i++) {
            if (strcmp(e.orgs[i].kind, org_groups[g].kind) != 0)
                continue;
            html_raw(&h, "- ");
            md_link(&h, e.orgs[i].name, e.orgs[i].url);
            html_raw(&h, "\n");
        }
    }
    if (e.disclaimer_md != NULL && e.disclaimer_md[0] != '\0') {
        md_heading(&h, "##", msg(h.lang, MSG_DISCLAIMER));
        md_field(&h, e.disclaimer_md);
    }
    if (n == 1)
        snprintf(line, sizeof(line), msg(h.lang, MSG_RECAP_POST_ONE), e.char_limit);
    else
        snprintf(line, sizeof(line), msg(h.lang, MSG_RECAP_POSTS), n, e.char_limit);
    md_heading(&h, "##", line);
    for (i = 0; i < n; i++) {
        const char *speaker = post_speaker(h.lang, &posts[i]);
        char when[32], num[16];
        int indent = snprintf(num, sizeof(num), "%zu. ", i + 1);

        post_time(h.lang, &e, &posts[i], when, sizeof(when));
        html_raw(&h, num);
        html_raw(&h, when);
        if (speaker != NULL) {
            html_raw(&h, " · **");
            md_text(&h, speaker);
            html_raw(&h, "**");
        }
        html_raw(&h, " — ");
        md_post_text(&h, posts[i].text, indent);
        html_raw(&h, "\n");
    }
    if (e.conclusion_md != NULL && e.conclusion_md[0] != '\0') {
        md_heading(&h, "##", msg(h.lang, MSG_CONCLUSION));
        md_field(&h, e.conclusion_md);
    }
    if (e.signature != NULL && e.signature[0] != '\0') {
        html_raw(&h, "\n— ");
        md_text(&h, e.signature);
        html_raw(&h, "\n");
    }
    recap_comments_md(&h, st, &e, md_post_text);
    if (h.nomem || web_security_headers(res, NULL) != 0) {
        text_buf_release(&h.buf);
        return -1;
    }
    return response_body_take(res, 200, "text/markdown; charset=utf-8", h.buf.data, h.buf.len);
}
