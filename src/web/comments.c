/*
 * web/comments.c - readers' comments under the recap (/e/{slug}/recap),
 * as the reference document ends with "2 réflexions": the thread, likes,
 * the form, and its answers. Every rule (who, how long, how often, what
 * waits for an editor) is api/comments.c's; this file only shows them.
 *
 * Without JavaScript everything works by links and form POSTs: "Reply"
 * opens the recap with the form under that comment (?reply=ID), "Edit"
 * with the comment in the form (?edit=ID), "Like" posts a form and comes
 * back to the comment. /static/comments.js (web/comments_js.c) only saves
 * the reloads. Nested replies stop at COMMENT_NEST_DEPTH levels; deeper
 * ones are listed flat under the last level, each saying whom it answers.
 *
 * A guest's forms carry the gz_guest cookie's value (a double submit, as
 * the sign-in form does), and the cookie also marks the guest's comments,
 * so that this browser alone may change them for 15 minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/publisher.h"
#include "api/comments.h"
#include "api/posts.h"
#include "core/rc.h"
#include "web/identicon.h"
#include "web/web_int.h"

#define FEED_COMMENTS 50

/* ---- the thread ---- */

/* An event's visible comments with their tree, and what the viewer may do. */
struct thread {
    struct comment *v; /* in id order */
    size_t n;
    size_t *first_child, *next_sibling, *parent; /* indexes; n for none */
    int64_t *liked;                              /* ids of the comments the viewer likes */
    size_t n_liked;
};

static size_t
index_of(const struct thread *t, int64_t id)
{
    size_t lo = 0, hi = t->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->v[lo].id == id ? lo : t->n;
}

/* Links each comment to its parent and children (replies in time order). */
static int
thread_build(struct arena *ar, struct thread *t)
{
    size_t i, *last;

    t->first_child = arena_alloc(ar, (t->n + 1) * sizeof(size_t));
    t->next_sibling = arena_alloc(ar, (t->n + 1) * sizeof(size_t));
    t->parent = arena_alloc(ar, (t->n + 1) * sizeof(size_t));
    last = arena_alloc(ar, (t->n + 1) * sizeof(size_t));
    if (t->first_child == NULL || t->next_sibling == NULL || t->parent == NULL || last == NULL)
        return RC_NOMEM;
    for (i = 0; i < t->n; i++)
        t->first_child[i] = t->next_sibling[i] = last[i] = t->n;
    for (i = 0; i < t->n; i++) {
        size_t p = t->v[i].parent_id != 0 ? index_of(t, t->v[i].parent_id) : t->n;
        if (p >= i)
            p = t->n; /* a parent must come first (ids are times); else a top-level one */
        t->parent[i] = p;
        if (p == t->n)
            continue;
        if (last[p] == t->n)
            t->first_child[p] = i;
        else
            t->next_sibling[last[p]] = i;
        last[p] = i;
    }
    return RC_OK;
}

static bool
is_liked(const struct thread *t, int64_t id)
{
    size_t i;

    for (i = 0; i < t->n_liked; i++)
        if (t->liked[i] == id)
            return true;
    return false;
}

/* What the recap's comment section shows besides the thread. */
struct comment_view {
    const struct viewer *viewer;
    const char *guest_token;         /* the gz_guest cookie (a guest's CSRF token) */
    bool newest;                     /* top-level comments newest first */
    int64_t reply_to;                /* the form sits under this comment */
    int64_t edit_id;                 /* this comment is shown in the form, to change */
    const char *body, *name, *email; /* the form's fields again, after a refusal */
    const char *error;               /* the refusal, in the page's language */
    bool pending_notice;             /* "your comment waits for approval" */
    bool editor;
    bool readonly; /* the standalone export: no buttons, no forms */
};

/* The hidden CSRF field of a comment form: the session's, or the guest's cookie. */
static void
comment_csrf(struct html *h, const struct comment_view *cv)
{
    if (cv->viewer->signed_in && cv->viewer->csrf != NULL) {
        html_csrf(h, cv->viewer);
        return;
    }
    html_raw(h, "<input type=\"hidden\" name=\"csrf\"");
    html_attr(h, "value", cv->guest_token != NULL ? cv->guest_token : "");
    html_raw(h, ">");
}

/* The avatar: an identicon of the guest's email hash, or of the account name. */
static void
comment_avatar(struct html *h, const struct comment *c)
{
    unsigned char hash[32];
    char svg[IDENTICON_SVG_MAX];
    size_t i;
    bool hex = c->guest_email_hash != NULL && strlen(c->guest_email_hash) == 64;

    for (i = 0; hex && i < 32; i++) {
        unsigned v;
        if (sscanf(c->guest_email_hash + 2 * i, "%2x", &v) != 1)
            hex = false;
        hash[i] = (unsigned char)v;
    }
    if (!hex) {
        const char *who = c->author != NULL ? c->author : "?";
        identicon_hash(who, strlen(who), hash);
    }
    if (identicon_svg(hash, 40, svg, sizeof(svg)) > 0)
        html_raw(h, svg); /* made from hex digits and numbers only */
}

/* "20 novembre 2014, 19 h 02" at the event's offset. */
static void
comment_when(struct html *h, const struct event *e, const char *iso)
{
    struct web_time t;
    char date[64], hm[32];

    if (!web_time_parse(iso, &t))
        return;
    web_time_shift(&t, event_offset(e));
    web_date_long(h->lang, &t, date, sizeof(date));
    web_time_short(h->lang, &t, hm, sizeof(hm));
    html_textf(h, "%s, %s", date, hm);
}

/* The like button of a comment or post (action), or its count for someone not signed in. */
static void
like_form(struct html *h, const struct comment_view *cv, const char *action, int64_t likes,
          bool liked, const char *back)
{
    if (!cv->viewer->signed_in || cv->viewer->csrf == NULL) {
        html_raw(h, "<a class=\"like\"");
        html_attr(h, "href", arena_printf(&h->req->arena, "/login?next=%s", back));
        html_attr(h, "title", msg(h->lang, MSG_LIKE_SIGN_IN));
        html_raw(h, ">♥ <span class=\"likes-count\">");
        html_textf(h, "%lld", (long long)likes);
        html_raw(h, "</span></a>");
        return;
    }
    html_raw(h, "<form class=\"like\" method=\"post\"");
    html_attr(h, "action", action);
    html_raw(h, ">");
    html_csrf(h, cv->viewer);
    html_raw(h, "<input type=\"hidden\" name=\"like\"");
    html_attr(h, "value", liked ? "0" : "1");
    html_raw(h, "><button type=\"submit\"");
    html_attr(h, "aria-pressed", liked ? "true" : "false");
    html_attr(h, "data-like", msg(h->lang, MSG_LIKE));
    html_attr(h, "data-liked", msg(h->lang, MSG_LIKED));
    html_raw(h, ">");
    html_msg(h, liked ? MSG_LIKED : MSG_LIKE);
    html_raw(h, "</button> <span class=\"likes-count\">");
    html_textf(h, "%lld", (long long)likes);
    html_raw(h, "</span></form>");
}

static void comment_form(struct html *h, const struct event *e, const struct comment_view *cv,
                         const struct comment *editing, const struct comment *replying);

/* One comment's article (not its replies). in_reply_to: say whom it answers (flat ones). */
static void
comment_article(struct html *h, const struct event *e, const struct thread *t, size_t i,
                const struct comment_view *cv, const struct comment *in_reply_to)
{
    const struct comment *c = &t->v[i];
    struct arena *ar = &h->req->arena;
    const char *base = arena_printf(ar, "/e/%s/comments/%lld", e->slug, (long long)c->id);
    const char *anchor = arena_printf(ar, "c%lld", (long long)c->id);
    const char *recap = arena_printf(ar, "/e/%s/recap", e->slug);
    enum comment_error may;

    if (strcmp(c->state, "approved") != 0) {
        html_raw(h, "<article class=\"comment deleted\"><p class=\"placeholder\">");
        html_msg(h, MSG_COMMENT_DELETED);
        html_raw(h, "</p></article>\n");
        return;
    }
    html_raw(h, "<article class=\"comment\">\n<header>");
    comment_avatar(h, c);
    html_raw(h, "<span class=\"author\">");
    html_text(h,
              c->display_name != NULL && c->display_name[0] != '\0' ? c->display_name : c->author);
    html_raw(h, "</span>");
    if (c->account_id == 0) {
        html_raw(h, " <span class=\"badge\">");
        html_msg(h, MSG_COMMENT_GUEST);
        html_raw(h, "</span>");
    }
    html_raw(h, " <a class=\"permalink\"");
    html_attr(h, "href", arena_printf(ar, "%s#%s", recap, anchor));
    html_raw(h, "><time");
    html_attr(h, "datetime", c->created_at);
    html_raw(h, ">");
    comment_when(h, e, c->created_at);
    html_raw(h, "</time></a>");
    if (c->edited_at != NULL) {
        html_raw(h, " <span class=\"edited\">(");
        html_msg(h, MSG_COMMENT_EDITED);
        html_raw(h, ")</span>");
    }
    if (in_reply_to != NULL) {
        html_raw(h, " <a class=\"in-reply-to\"");
        html_attr(h, "href", arena_printf(ar, "#c%lld", (long long)in_reply_to->id));
        html_raw(h, ">");
        html_textf(h, msg(h->lang, MSG_COMMENT_IN_REPLY),
                   strcmp(in_reply_to->state, "approved") == 0 && in_reply_to->author != NULL
                       ? in_reply_to->author
                       : "…");
        html_raw(h, "</a>");
    }
    html_raw(h, "</header>\n");
    if (cv->edit_id == c->id &&
        comment_may_change(c, cv->viewer->signed_in ? &cv->viewer->acc : NULL, cv->guest_token,
                           time(NULL)) == CE_NONE) {
        comment_form(h, e, cv, c, NULL);
        html_raw(h, "</article>\n");
        return;
    }
    html_raw(h, "<div class=\"comment-body\">");
    html_raw(h, c->html); /* made by text_comment_html at write time: escaped there */
    html_raw(h, "</div>\n<footer>");
    if (cv->readonly) {
        html_raw(h, "<span class=\"likes\">♥ ");
        html_textf(h, "%lld", (long long)c->likes);
        html_raw(h, "</span></footer>\n</article>\n");
        return;
    }
    like_form(h, cv, arena_printf(ar, "%s/like", base), c->likes, is_liked(t, c->id),
              arena_printf(ar, "%s%%23%s", recap, anchor));
    if (comment_open_to(e, cv->viewer->signed_in ? &cv->viewer->acc : NULL, time(NULL)) ==
        CE_NONE) {
        html_raw(h, " <a class=\"reply\"");
        html_attr(h, "href",
                  arena_printf(ar, "%s?reply=%lld#comment-form", recap, (long long)c->id));
        html_attr(h, "data-reply", arena_printf(ar, "%lld", (long long)c->id));
        html_attr(h, "data-reply-label",
                  arena_printf(ar, msg(h->lang, MSG_COMMENT_REPLY_TO), c->author));
        html_raw(h, ">");
        html_msg(h, MSG_COMMENT_REPLY);
        html_raw(h, "</a>");
    }
    may = comment_may_change(c, cv->viewer->signed_in ? &cv->viewer->acc : NULL, cv->guest_token,
                             time(NULL));
    if (may == CE_NONE) {
        html_raw(h, " <a class=\"edit\"");
        html_attr(h, "href", arena_printf(ar, "%s?edit=%lld#%s", recap, (long long)c->id, anchor));
        html_raw(h, ">");
        html_msg(h, MSG_COMMENT_EDIT);
        html_raw(h, "</a>");
    }
    if (may == CE_NONE || cv->editor) {
        html_raw(h, " <form class=\"delete\" method=\"post\"");
        html_attr(h, "action", arena_printf(ar, "%s/delete", base));
        html_raw(h, ">");
        comment_csrf(h, cv);
        html_raw(h, "<button type=\"submit\">");
        html_msg(h, MSG_COMMENT_DELETE);
        html_raw(h, "</button></form>");
    }
    html_raw(h, "</footer>\n</article>\n");
    if (cv->reply_to == c->id)
        comment_form(h, e, cv, NULL, c);
}

/*
 * Comment i and its replies: nested while depth < COMMENT_NEST_DEPTH, then
 * every descendant in one flat list, in time order.
 */
static void
comment_item(struct html *h, const struct event *e, const struct thread *t, size_t i, int depth,
             const struct comment_view *cv, const struct comment *in_reply_to)
{
    size_t k;

    html_raw(h, "<li");
    html_attr(h, "id", arena_printf(&h->req->arena, "c%lld", (long long)t->v[i].id));
    html_raw(h, " class=\"comment-item\">\n");
    comment_article(h, e, t, i, cv, in_reply_to);
    if (t->first_child[i] != t->n) {
        html_raw(h, "<ol class=\"replies\">\n");
        if (depth + 1 < COMMENT_NEST_DEPTH) {
            for (k = t->first_child[i]; k != t->n; k = t->next_sibling[k])
                comment_item(h, e, t, k, depth + 1, cv, NULL);
        } else {
            /* Flat: every descendant, in id (time) order, saying whom it answers. */
            for (k = i + 1; k < t->n; k++) {
                size_t a = t->parent[k];
                while (a != t->n && a != i)
                    a = t->parent[a];
                if (a != i)
                    continue;
                html_raw(h, "<li");
                html_attr(h, "id", arena_printf(&h->req->arena, "c%lld", (long long)t->v[k].id));
                html_raw(h, " class=\"comment-item flat\">\n");
                comment_article(h, e, t, k, cv, &t->v[t->parent[k]]);
                html_raw(h, "</li>\n");
            }
        }
        html_raw(h, "</ol>\n");
    }
    html_raw(h, "</li>\n");
}

/* The message of a refusal, in the page's language. */
static const char *
refusal_text(struct html *h, const struct comment_refusal *why)
{
    struct arena *ar = &h->req->arena;
    enum web_lang lang = h->lang;
    const char *reason;

    switch (why->error) {
    case CE_CLOSED:
        return msg(lang, MSG_COMMENT_CLOSED);
    case CE_ENDED:
        return msg(lang, MSG_COMMENT_ENDED);
    case CE_MEMBERS_ONLY:
        return msg(lang, MSG_COMMENT_MEMBERS);
    case CE_BANNED:
        reason = msg(lang, MSG_CE_BANNED);
        break;
    case CE_RATE:
        reason = arena_printf(ar, msg(lang, MSG_CE_RATE), why->retry_after);
        break;
    case CE_HONEYPOT:
        reason = msg(lang, MSG_CE_HONEYPOT);
        break;
    case CE_EMPTY:
        reason = msg(lang, MSG_CE_EMPTY);
        break;
    case CE_TOO_LONG:
        reason = arena_printf(ar, msg(lang, MSG_CE_TOO_LONG), why->chars);
        break;
    case CE_NAME_MISSING:
        reason = msg(lang, MSG_CE_NAME_MISSING);
        break;
    case CE_NAME_TOO_LONG:
        reason = msg(lang, MSG_CE_NAME_TOO_LONG);
        break;
    case CE_EMAIL_BAD:
        reason = msg(lang, MSG_CE_EMAIL_BAD);
        break;
    case CE_PARENT:
        reason = msg(lang, MSG_CE_PARENT);
        break;
    case CE_NOT_AUTHOR:
        reason = msg(lang, MSG_CE_NOT_AUTHOR);
        break;
    case CE_TOO_LATE:
        reason = msg(lang, MSG_CE_TOO_LATE);
        break;
    case CE_BAD_TEXT:
        reason = msg(lang, MSG_CE_BAD_TEXT);
        break;
    default:
        reason = msg(lang, why->rc == RC_FULL ? MSG_DISK_FULL_REASON : MSG_CE_STORE);
        break;
    }
    return arena_printf(ar, msg(lang, MSG_COMMENT_REFUSED), reason);
}

/* A labelled input of the form. */
static void
form_input(struct html *h, const char *name, const char *type, enum msg label, const char *value,
           const char *extra)
{
    html_raw(h, "<label");
    html_attr(h, "for", arena_printf(&h->req->arena, "comment-%s", name));
    html_raw(h, ">");
    html_msg(h, label);
    html_raw(h, "</label><input");
    html_attr(h, "id", arena_printf(&h->req->arena, "comment-%s", name));
    html_attr(h, "name", name);
    html_attr(h, "type", type);
    html_attr(h, "value", value != NULL ? value : "");
    html_raw(h, extra);
    html_raw(h, ">\n");
}

/*
 * The form: a new comment (both NULL), a reply to replying, or editing
 * (the comment's body in it, posted to its /edit).
 */
static void
comment_form(struct html *h, const struct event *e, const struct comment_view *cv,
             const struct comment *editing, const struct comment *replying)
{
    struct arena *ar = &h->req->arena;
    const struct account *acc = cv->viewer->signed_in ? &cv->viewer->acc : NULL;
    enum comment_error open = comment_open_to(e, acc, time(NULL));
    const char *body = cv->body;

    if (editing == NULL && open != CE_NONE) {
        html_raw(h, "<p class=\"comments-closed\" id=\"comment-form\">");
        if (open == CE_MEMBERS_ONLY)
            html_link(h, arena_printf(ar, "/login?next=/e/%s/recap%%23comment-form", e->slug),
                      msg(h->lang, MSG_COMMENT_MEMBERS), NULL);
        else
            html_msg(h, open == CE_ENDED ? MSG_COMMENT_ENDED : MSG_COMMENT_CLOSED);
        html_raw(h, "</p>\n");
        return;
    }
    html_raw(h, "<form class=\"comment-form fields\" method=\"post\"");
    if (editing == NULL)
        html_raw(h, " id=\"comment-form\"");
    html_attr(h, "action",
              editing != NULL
                  ? arena_printf(ar, "/e/%s/comments/%lld/edit", e->slug, (long long)editing->id)
                  : arena_printf(ar, "/e/%s/comments", e->slug));
    html_raw(h, ">\n<h3>");
    if (editing != NULL)
        html_msg(h, MSG_COMMENT_EDIT);
    else if (replying != NULL)
        html_textf(h, msg(h->lang, MSG_COMMENT_REPLY_TO), replying->author);
    else
        html_msg(h, MSG_COMMENT_LEAVE);
    html_raw(h, "</h3>\n");
    if (cv->error != NULL && editing == NULL && cv->edit_id == 0) {
        html_raw(h, "<p class=\"error\" role=\"alert\">");
        html_text(h, cv->error);
        html_raw(h, "</p>\n");
    }
    comment_csrf(h, cv);
    html_raw(h, "<input type=\"hidden\" name=\"parent_id\"");
    html_attr(h, "value",
              replying != NULL ? arena_printf(ar, "%lld", (long long)replying->id) : "");
    html_raw(h, ">\n");
    if (editing == NULL && acc == NULL) {
        form_input(h, "name", "text", MSG_COMMENT_NAME, cv->name,
                   " autocomplete=\"name\" maxlength=\"64\" required");
        form_input(h, "email", "email", MSG_COMMENT_EMAIL, cv->email,
                   " autocomplete=\"email\" maxlength=\"254\"");
    }
    if (editing == NULL) {
        /* The honeypot: hidden from people (CSS and aria), filled by robots. */
        html_raw(h, "<div class=\"hp\" aria-hidden=\"true\"><label for=\"comment-website\">");
        html_msg(h, MSG_COMMENT_HONEYPOT);
        html_raw(h, "</label><input id=\"comment-website\" name=\"website\" type=\"text\" "
                    "tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>\n");
    }
    html_raw(h, "<label for=\"comment-body-");
    html_textf(h, "%lld", editing != NULL ? (long long)editing->id : 0LL);
    html_raw(h, "\">");
    html_msg(h, MSG_COMMENT_BODY);
    html_raw(h, "</label><textarea name=\"body\" rows=\"6\" maxlength=\"5000\" required");
    html_attr(
        h, "id",
        arena_printf(ar, "comment-body-%lld", editing != NULL ? (long long)editing->id : 0LL));
    html_raw(h, ">");
    if (editing != NULL && body == NULL)
        body = editing->body;
    html_text(h, body);
    html_raw(h, "</textarea>\n<p class=\"hint\">");
    html_msg(h, MSG_COMMENT_BODY_HINT);
    html_raw(h, "</p>\n<p class=\"actions\"><button type=\"submit\">");
    html_msg(h, editing != NULL ? MSG_COMMENT_SAVE : MSG_COMMENT_SUBMIT);
    html_raw(h, "</button>");
    if (replying != NULL) {
        html_raw(h, " <a class=\"cancel-reply\"");
        html_attr(h, "href",
                  arena_printf(ar, "/e/%s/recap#c%lld", e->slug, (long long)replying->id));
        html_raw(h, ">");
        html_msg(h, MSG_COMMENT_CANCEL_REPLY);
        html_raw(h, "</a>");
    }
    html_raw(h, "</p>\n</form>\n");
}

/* The recap's comment section. */
static void
comments_section(struct html *h, struct store *st, const struct event *e, struct thread *t,
                 const struct comment_view *cv)
{
    struct arena *ar = &h->req->arena;
    int64_t approved = 0;
    size_t i, k, *top, n_top = 0;

    for (i = 0; i < t->n; i++)
        approved += strcmp(t->v[i].state, "approved") == 0;
    html_raw(h, "<section class=\"comments\" id=\"comments\">\n<h2>");
    if (approved == 0)
        html_msg(h, MSG_COMMENTS_HEADING);
    else if (approved == 1)
        html_msg(h, MSG_COMMENTS_ONE);
    else
        html_textf(h, msg(h->lang, MSG_COMMENTS_MANY), (long long)approved);
    html_raw(h, "</h2>\n");
    if (cv->error != NULL && cv->edit_id != 0) {
        /* a refused change or deletion: said here, the comment may show no form */
        html_raw(h, "<p class=\"error\" role=\"alert\">");
        html_text(h, cv->error);
        html_raw(h, "</p>\n");
    }
    if (cv->pending_notice) {
        html_raw(h, "<p class=\"notice\" role=\"status\">");
        html_msg(h, MSG_COMMENT_PENDING);
        html_raw(h, "</p>\n");
    }
    if (t->n == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_msg(h, MSG_COMMENTS_NONE);
        html_raw(h, "</p>\n");
    } else {
        html_raw(h, "<p class=\"order\">");
        html_link(h, arena_printf(ar, "/e/%s/recap?order=oldest#comments", e->slug),
                  msg(h->lang, MSG_COMMENTS_OLDEST), cv->newest ? NULL : "current");
        html_raw(h, " · ");
        html_link(h, arena_printf(ar, "/e/%s/recap?order=newest#comments", e->slug),
                  msg(h->lang, MSG_COMMENTS_NEWEST), cv->newest ? "current" : NULL);
        html_raw(h, "</p>\n");
    }
    if ((top = arena_alloc(ar, (t->n + 1) * sizeof(*top))) == NULL) {
        h->nomem = true;
        return;
    }
    for (i = 0; i < t->n; i++)
        if (t->parent[i] == t->n)
            top[n_top++] = i;
    html_raw(h, "<ol class=\"thread\">\n");
    for (k = 0; k < n_top; k++)
        comment_item(h, e, t, top[cv->newest ? n_top - 1 - k : k], 0, cv, NULL);
    html_raw(h, "</ol>\n");
    if (cv->reply_to == 0 || index_of(t, cv->reply_to) == t->n)
        comment_form(h, e, cv, NULL, NULL);
    html_raw(h, "</section>\n<script src=\"/static/comments.js\" defer></script>\n");
    (void)st;
}

/* ---- the recap page with its comments ---- */

/* What the like buttons of the recap's posts need (h->post_extra_arg). */
struct post_likes {
    const struct comment_view *cv;
    const int64_t *liked; /* ids of the posts the viewer likes */
    size_t n_liked;
};

static void
post_like_button(struct html *h, const struct post *p)
{
    const struct post_likes *pl = h->post_extra_arg;
    struct arena *ar = &h->req->arena;
    bool liked = false;
    size_t i;

    for (i = 0; i < pl->n_liked; i++)
        liked |= pl->liked[i] == p->id;
    html_raw(h, "<div class=\"post-likes\">");
    like_form(h, pl->cv, arena_printf(ar, "/posts/%lld/like", (long long)p->id), p->likes, liked,
              arena_printf(ar, "%s%%23p%lld", h->req->path, (long long)p->id));
    html_raw(h, "</div>");
}

int
recap_page(struct request *req, struct response *res, const struct comment_page *f, int status)
{
    struct store *st = app_store(req->app);
    struct comment_view cv = {0};
    struct post_likes pl;
    const char *order = request_query(req, "order");
    struct thread t = {0};
    struct post *posts;
    struct viewer v;
    struct event e;
    struct html h = {.viewer = &v};
    int64_t *liked_posts = NULL;
    size_t n_posts, n_liked_posts = 0;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    web_viewer_load(req, st, &v);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK ||
        (rc = posts_all(st, &req->arena, e.id, &posts, &n_posts)) != RC_OK ||
        (rc = comments_all(st, &req->arena, e.id, &t.v, &t.n)) != RC_OK ||
        (rc = thread_build(&req->arena, &t)) != RC_OK)
        return web_error(req, res, rc);
    if (v.signed_in &&
        ((rc = store_comment_liked(st, &req->arena, v.acc.id, e.id, &t.liked, &t.n_liked)) !=
             RC_OK ||
         (rc = store_post_liked(st, &req->arena, v.acc.id, e.id, &liked_posts, &n_liked_posts)) !=
             RC_OK))
        return web_error(req, res, rc);
    cv.viewer = &v;
    cv.editor = web_may_edit(st, &v, &e);
    cv.newest = order != NULL && strcmp(order, "newest") == 0;
    if (!v.signed_in && (cv.guest_token = web_guest_token(req, res)) == NULL)
        return -1;
    if (f != NULL) {
        cv.reply_to = f->reply_to;
        cv.edit_id = f->edit_id;
        cv.body = f->body;
        cv.name = f->name;
        cv.email = f->email;
        cv.error = f->error;
    } else {
        const char *reply = request_query(req, "reply"), *edit = request_query(req, "edit");
        const char *sent = request_query(req, "comment");
        if (reply != NULL)
            document_parse_id(reply, &cv.reply_to);
        if (edit != NULL)
            document_parse_id(edit, &cv.edit_id);
        cv.pending_notice = sent != NULL && strcmp(sent, "pending") == 0;
    }
    h.lang = web_lang_of(e.lang);
    page_begin(&h, req, h.lang,
               arena_printf(&req->arena, "%s — %s", e.title, msg(h.lang, MSG_RECAP_TITLE_SUFFIX)),
               "recap-page");
    if (f != NULL && f->error != NULL)
        cv.error = f->error;
    pl.cv = &cv;
    pl.liked = liked_posts;
    pl.n_liked = n_liked_posts;
    h.post_extra = post_like_button;
    h.post_extra_arg = &pl;
    h.recap_views = true;
    h.recap_by_speaker =
        request_query(req, "view") != NULL && strcmp(request_query(req, "view"), "speakers") == 0;
    recap_write(&h, &e, posts, n_posts);
    h.post_extra = NULL;
    comments_section(&h, st, &e, &t, &cv);
    recap_exports_links(&h, &e);
    page_end(&h);
    if (response_header(res, "Cache-Control", "private, no-store") != 0)
        return -1;
    return page_send(res, &h, status);
}

/* The comments of the standalone recap.html: the thread as readers see it, without forms. */
void
recap_comments_html(struct html *h, struct store *st, const struct event *e)
{
    struct viewer nobody = {0};
    struct comment_view cv = {.viewer = &nobody, .readonly = true};
    struct thread t = {0};
    struct arena *ar = &h->req->arena;
    size_t i;
    int64_t approved = 0;

    if (comments_all(st, ar, e->id, &t.v, &t.n) != RC_OK || thread_build(ar, &t) != RC_OK) {
        h->nomem = true;
        return;
    }
    if (t.n == 0)
        return;
    for (i = 0; i < t.n; i++)
        approved += strcmp(t.v[i].state, "approved") == 0;
    html_raw(h, "<section class=\"comments standalone\" id=\"comments\">\n<h2>");
    if (approved == 1)
        html_msg(h, MSG_COMMENTS_ONE);
    else
        html_textf(h, msg(h->lang, MSG_COMMENTS_MANY), (long long)approved);
    html_raw(h, "</h2>\n<ol class=\"thread\">\n");
    for (i = 0; i < t.n; i++)
        if (t.parent[i] == t.n)
            comment_item(h, e, &t, i, 0, &cv, NULL);
    html_raw(h, "</ol>\n</section>\n");
}

/* ---- the forms ---- */

/* The :id of the route as a comment of event e; false with the answer in res. */
static bool
comment_param(struct request *req, struct response *res, struct store *st, const struct event *e,
              struct comment *c)
{
    int64_t id;
    int rc = RC_NOTFOUND;

    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_comment_get(st, &req->arena, id, c);
    if (rc == RC_OK && c->event_id != e->id)
        rc = RC_NOTFOUND;
    if (rc != RC_OK) {
        web_error(req, res, rc);
        return false;
    }
    return true;
}

/* The event of :slug for a form; false with the answer in res. */
static bool
form_event(struct request *req, struct response *res, struct store *st, struct event *e)
{
    int rc;

    if (st == NULL) {
        web_error(req, res, RC_IO);
        return false;
    }
    if ((rc = web_event_get(req, st, request_param(req, "slug"), e)) != RC_OK) {
        web_error(req, res, rc);
        return false;
    }
    return true;
}

/* Whether the client asked for JSON (the script's fetch), not a page. */
static bool
wants_json(struct request *req)
{
    const char *accept = request_header(req, "Accept");

    return accept != NULL && strstr(accept, "application/json") != NULL;
}

/* The recap again with the form and its error: status of the refusal. */
static int
refused(struct request *req, struct response *res, const struct event *e,
        const struct comment_refusal *why, struct comment_page *f)
{
    struct html h = {.lang = web_lang_of(e->lang), .req = req};

    if (wants_json(req))
        return comment_error_answer(req, res, why);
    f->error = refusal_text(&h, why);
    if (why->error == CE_RATE) { /* the header is read after we return: in the request's arena */
        const char *retry = arena_printf(&req->arena, "%u", why->retry_after);
        if (retry == NULL || response_header(res, "Retry-After", retry) != 0)
            return -1;
    }
    if (why->error == CE_STORE && why->rc == RC_AGAIN &&
        response_header(res, "Retry-After", HTTP_RETRY_AFTER) != 0)
        return -1;
    return recap_page(req, res, f, comment_error_status(why));
}

/* POST /e/:slug/comments  csrf, body, parent_id, [name, email, website] */
int
web_comment_create(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_author author = {0};
    struct comment_page f = {0};
    struct comment_refusal why;
    const char *parent;
    struct comment c;
    struct viewer v;
    struct event e;
    struct kv *form;
    size_t n;

    if (!form_event(req, res, st, &e) || !web_open_form(req, res, st, &v, &form, &n))
        return 0;
    author.acc = v.signed_in ? &v.acc : NULL;
    author.name = f.name = kv_get(form, n, "name");
    author.email = f.email = kv_get(form, n, "email");
    author.honeypot = kv_get(form, n, "website");
    author.address = req->remote_addr;
    author.guest_cookie = v.signed_in ? NULL : request_cookie(req, WEB_GUEST_COOKIE);
    f.body = kv_get(form, n, "body");
    parent = kv_get(form, n, "parent_id");
    if (parent != NULL && parent[0] != '\0' && !document_parse_id(parent, &f.reply_to)) {
        why = (struct comment_refusal){.error = CE_PARENT};
        return refused(req, res, &e, &why, &f);
    }
    if (!comment_create(st, &req->arena, &e, &author, f.body, f.reply_to, &c, &why))
        return refused(req, res, &e, &why, &f);
    if (strcmp(c.state, "pending") == 0)
        return web_redirect(
            res, arena_printf(&req->arena, "/e/%s/recap?comment=pending#comments", e.slug));
    return web_redirect(res,
                        arena_printf(&req->arena, "/e/%s/recap#c%lld", e.slug, (long long)c.id));
}

/* POST /e/:slug/comments/:id/edit  csrf, body */
int
web_comment_save(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_page f = {0};
    struct comment_refusal why = {0};
    struct comment c;
    struct viewer v;
    struct event e;
    struct kv *form;
    size_t n;

    if (!form_event(req, res, st, &e) || !web_open_form(req, res, st, &v, &form, &n) ||
        !comment_param(req, res, st, &e, &c))
        return 0;
    f.edit_id = c.id;
    f.body = kv_get(form, n, "body");
    why.error =
        comment_may_change(&c, v.signed_in ? &v.acc : NULL,
                           v.signed_in ? NULL : request_cookie(req, WEB_GUEST_COOKIE), time(NULL));
    if (why.error != CE_NONE || !comment_edit(st, &req->arena, &c, f.body, &why))
        return refused(req, res, &e, &why, &f);
    return web_redirect(res,
                        arena_printf(&req->arena, "/e/%s/recap#c%lld", e.slug, (long long)c.id));
}

/* POST /e/:slug/comments/:id/delete  csrf: its author for 15 minutes, the event's editors always */
int
web_comment_remove(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct comment_page f = {0};
    struct comment_refusal why = {0};
    struct comment c;
    struct viewer v;
    struct event e;
    struct kv *form;
    size_t n;
    int rc;

    if (!form_event(req, res, st, &e) || !web_open_form(req, res, st, &v, &form, &n) ||
        !comment_param(req, res, st, &e, &c))
        return 0;
    f.edit_id = c.id; /* where a refusal is said */
    if (!web_may_edit(st, &v, &e) &&
        (why.error = comment_may_change(&c, v.signed_in ? &v.acc : NULL,
                                        v.signed_in ? NULL : request_cookie(req, WEB_GUEST_COOKIE),
                                        time(NULL))) != CE_NONE)
        return refused(req, res, &e, &why, &f);
    if ((rc = store_comment_set_state(st, c.id, "deleted")) != RC_OK)
        return web_error(req, res, rc);
    return web_redirect(res, arena_printf(&req->arena, "/e/%s/recap#comments", e.slug));
}

/* The answer to a like: JSON for the script, else back to where it was. */
static int
like_answer(struct request *req, struct response *res, int64_t id, int64_t likes, bool liked,
            const char *back)
{
    if (wants_json(req)) {
        response_header(res, "Cache-Control", "no-store");
        return api_json(res, 200,
                        json_pack("{s:o, s:I, s:b}", "id", document_id(id), "likes",
                                  (json_int_t)likes, "liked", liked));
    }
    return web_redirect(res, back);
}

/* POST /e/:slug/comments/:id/like  csrf, like=1|0 */
int
web_comment_like(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *like;
    struct comment c;
    struct viewer v;
    struct event e;
    struct kv *form;
    int64_t likes;
    size_t n;
    int rc;

    if (!form_event(req, res, st, &e) || !web_form(req, res, st, &v, &form, &n) ||
        !comment_param(req, res, st, &e, &c))
        return 0;
    if (strcmp(c.state, "approved") != 0)
        return web_error(req, res, RC_NOTFOUND);
    like = kv_get(form, n, "like");
    if ((rc = store_comment_like(st, v.acc.id, c.id, like == NULL || strcmp(like, "0") != 0,
                                 &likes)) != RC_OK)
        return web_error(req, res, rc);
    return like_answer(req, res, c.id, likes, like == NULL || strcmp(like, "0") != 0,
                       arena_printf(&req->arena, "/e/%s/recap#c%lld", e.slug, (long long)c.id));
}

/* POST /posts/:id/like  csrf, like=1|0, next */
int
web_post_like(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *like, *next;
    struct viewer v;
    struct event e;
    struct post p;
    struct kv *form;
    int64_t id, likes;
    size_t n;
    bool on;
    int rc = RC_NOTFOUND;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if (!web_form(req, res, st, &v, &form, &n))
        return 0;
    if (document_parse_id(request_param(req, "id"), &id) &&
        (rc = store_post_get(st, &req->arena, id, &p)) == RC_OK &&
        (rc = store_event_find_id(st, &req->arena, p.event_id, &e)) == RC_OK &&
        (strcmp(p.state, "visible") != 0 ||
         (strcmp(e.state, "draft") == 0 && !web_may_edit(st, &v, &e))))
        rc = RC_NOTFOUND;
    if (rc != RC_OK)
        return web_error(req, res, rc);
    like = kv_get(form, n, "like");
    on = like == NULL || strcmp(like, "0") != 0;
    if ((rc = store_post_like(st, v.acc.id, id, on, &likes)) != RC_OK)
        return web_error(req, res, rc);
    if (on)
        publisher_favourited(req, st, v.acc.id, &p);
    cache_event_changed(e.slug);
    next = kv_get(form, n, "next");
    if (!web_local_path(next))
        next = arena_printf(&req->arena, "/e/%s/recap#p%lld", e.slug, (long long)id);
    return like_answer(req, res, id, likes, on, next);
}

/* POST /e/:slug/comments/:id/moderate  csrf, action=approve|spam|delete|ban-address|ban-account */
int
web_comment_moderate(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const char *action;
    struct comment c;
    struct viewer v;
    struct event e;
    struct kv *form;
    size_t n;
    int rc;

    if (!form_event(req, res, st, &e) || !web_form(req, res, st, &v, &form, &n))
        return 0;
    if (!web_may_edit(st, &v, &e))
        return web_message(req, res, 403, MSG_FORBIDDEN_TITLE, MSG_NOT_EDITOR);
    if (!comment_param(req, res, st, &e, &c))
        return 0;
    action = kv_get(form, n, "action");
    if (action == NULL)
        rc = RC_INVALID;
    else if (strcmp(action, "approve") == 0)
        rc = store_comment_set_state(st, c.id, "approved");
    else if (strcmp(action, "spam") == 0)
        rc = store_comment_set_state(st, c.id, "spam");
    else if (strcmp(action, "delete") == 0)
        rc = store_comment_set_state(st, c.id, "deleted");
    else if (strcmp(action, "ban-address") == 0)
        rc = comment_ban(st, &e, &c, "address");
    else if (strcmp(action, "ban-account") == 0)
        rc = comment_ban(st, &e, &c, "account");
    else
        rc = RC_INVALID;
    if (rc == RC_INVALID || rc == RC_NOTFOUND)
        return web_message(req, res, 422, MSG_FORM_REFUSED_TITLE, MSG_BAD_FORM);
    if (rc != RC_OK)
        return web_error(req, res, rc);
    return web_redirect(res, arena_printf(&req->arena, "/e/%s/moderate#comments", e.slug));
}

/* ---- the moderation queue ---- */

/* One moderation button. */
static void
moderate_button(struct html *h, const char *action, enum msg label)
{
    html_raw(h, "<button type=\"submit\" name=\"action\"");
    html_attr(h, "value", action);
    html_raw(h, ">");
    html_msg(h, label);
    html_raw(h, "</button> ");
}

void
moderate_comments(struct html *h, struct store *st, const struct event *e, const struct viewer *v)
{
    struct arena *ar = &h->req->arena;
    struct comment *pending;
    size_t n, i;

    html_raw(h, "<section class=\"moderation-comments\" id=\"comments\">\n<h2>");
    html_msg(h, MSG_MODERATE_COMMENTS);
    html_raw(h, "</h2>\n");
    if (store_comment_list(st, ar, e->id, "pending", 200, &pending, &n) != RC_OK) {
        h->nomem = true;
        return;
    }
    if (n == 0) {
        html_raw(h, "<p class=\"empty\">");
        html_msg(h, MSG_MODERATE_COMMENTS_EMPTY);
        html_raw(h, "</p>\n");
    }
    for (i = 0; i < n; i++) {
        const struct comment *c = &pending[i];
        html_raw(h, "<article class=\"comment pending\"");
        html_attr(h, "id", arena_printf(ar, "c%lld", (long long)c->id));
        html_raw(h, ">\n<header>");
        comment_avatar(h, c);
        html_raw(h, "<span class=\"author\">");
        html_text(h, c->author);
        html_raw(h, "</span>");
        if (c->account_id == 0) {
            html_raw(h, " <span class=\"badge\">");
            html_msg(h, MSG_COMMENT_GUEST);
            html_raw(h, "</span>");
        }
        html_raw(h, " <time");
        html_attr(h, "datetime", c->created_at);
        html_raw(h, ">");
        comment_when(h, e, c->created_at);
        html_raw(h, "</time></header>\n<div class=\"comment-body\">");
        html_raw(h, c->html); /* escaped at write time */
        html_raw(h, "</div>\n<form class=\"actions\" method=\"post\"");
        html_attr(h, "action",
                  arena_printf(ar, "/e/%s/comments/%lld/moderate", e->slug, (long long)c->id));
        html_raw(h, ">");
        html_csrf(h, v);
        moderate_button(h, "approve", MSG_APPROVE);
        moderate_button(h, "spam", MSG_SPAM);
        moderate_button(h, "delete", MSG_COMMENT_DELETE);
        if (c->has_address)
            moderate_button(h, "ban-address", MSG_BAN_ADDRESS);
        if (c->account_id != 0)
            moderate_button(h, "ban-account", MSG_BAN_ACCOUNT);
        html_raw(h, "</form>\n</article>\n");
    }
    html_raw(h, "</section>\n");
}

/* ---- the comments feed ---- */

/* GET /e/:slug/comments.atom: the latest approved comments, newest first. */
int
web_comments_atom(struct request *req, struct response *res)
{
    const struct app *app = req->app;
    struct store *st = app_store(req->app);
    struct html h = {0};
    struct comment *v;
    struct event e;
    size_t n, i, shown = 0;
    int rc;

    if (st == NULL)
        return web_error(req, res, RC_IO);
    if ((rc = web_event_get(req, st, request_param(req, "slug"), &e)) != RC_OK ||
        (rc = store_comment_list(st, &req->arena, e.id, "approved", 0, &v, &n)) != RC_OK)
        return web_error(req, res, rc);
    h.req = req;
    h.lang = web_lang_of(e.lang);
    html_raw(&h, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    html_attr(&h, "xml:lang", msg(h.lang, MSG_LANG_CODE));
    html_raw(&h, ">\n<title>");
    html_text(&h, e.title);
    html_raw(&h, " — ");
    html_msg(&h, MSG_COMMENTS_HEADING);
    html_raw(&h, "</title>\n<id>");
    html_text(&h, arena_printf(&req->arena, "%s/e/%s/comments", app->public_url, e.slug));
    html_raw(&h, "</id>\n<link rel=\"alternate\" type=\"text/html\"");
    html_attr(&h, "href",
              arena_printf(&req->arena, "%s/e/%s/recap#comments", app->public_url, e.slug));
    html_raw(&h, "/>\n<link rel=\"self\"");
    html_attr(&h, "href",
              arena_printf(&req->arena, "%s/e/%s/comments.atom", app->public_url, e.slug));
    html_raw(&h, "/>\n<updated>");
    html_text(&h, n > 0 ? (v[n - 1].edited_at != NULL ? v[n - 1].edited_at : v[n - 1].created_at)
                        : "1970-01-01T00:00:00Z");
    html_raw(&h, "</updated>\n");
    for (i = n; i > 0 && shown < FEED_COMMENTS; i--, shown++) {
        const struct comment *c = &v[i - 1];
        const char *link = arena_printf(&req->arena, "%s/e/%s/recap#c%lld", app->public_url, e.slug,
                                        (long long)c->id);
        html_raw(&h, "<entry>\n<id>");
        html_text(&h, link);
        html_raw(&h, "</id>\n<title>");
        html_text(&h, c->author);
        html_raw(&h, "</title>\n<author><name>");
        html_text(&h, c->author);
        html_raw(&h, "</name></author>\n<link rel=\"alternate\" type=\"text/html\"");
        html_attr(&h, "href", link);
        html_raw(&h, "/>\n<published>");
        html_text(&h, c->created_at);
        html_raw(&h, "</published>\n<updated>");
        html_text(&h, c->edited_at != NULL ? c->edited_at : c->created_at);
        html_raw(&h, "</updated>\n<content type=\"html\">");
        html_text(&h, c->html); /* the HTML, escaped once more as Atom wants it */
        html_raw(&h, "</content>\n</entry>\n");
    }
    html_raw(&h, "</feed>\n");
    if (h.nomem || web_security_headers(res, NULL) != 0) {
        text_buf_release(&h.buf);
        return -1;
    }
    return response_body_take(res, 200, "application/atom+xml; charset=utf-8", h.buf.data,
                              h.buf.len);
}

/* GET /static/comments.js */
int
web_comments_script(struct request *req, struct response *res)
{
    return web_static_file(req, res, "text/javascript; charset=utf-8", web_comments_js,
                           web_comments_js_len);
}

/* One comment of the Markdown recap and its replies, as nested list items. */
static void
comment_md(struct html *h, const struct event *e, const struct thread *t, size_t i, int depth,
           void (*text)(struct html *h, const char *s, int indent))
{
    const struct comment *c = &t->v[i];
    int indent = 2 * (depth + 1);
    size_t k;

    html_rawn(h, "                ", (size_t)(2 * depth));
    html_raw(h, "- ");
    if (strcmp(c->state, "approved") != 0) {
        html_raw(h, "*");
        html_raw(h, msg(h->lang, MSG_COMMENT_DELETED));
        html_raw(h, "*\n");
    } else {
        html_raw(h, "**");
        text(h, c->author, 0);
        html_raw(h, "** — ");
        comment_when(h, e, c->created_at);
        html_textf(h, " · ♥ %lld\n\n", (long long)c->likes);
        html_rawn(h, "                  ", (size_t)indent);
        text(h, c->body, indent);
        html_raw(h, "\n");
    }
    html_raw(h, "\n");
    for (k = t->first_child[i]; k != t->n; k = t->next_sibling[k])
        comment_md(h, e, t, k, depth < COMMENT_NEST_DEPTH - 1 ? depth + 1 : depth, text);
}

void
recap_comments_md(struct html *h, struct store *st, const struct event *e,
                  void (*text)(struct html *h, const char *s, int indent))
{
    struct arena *ar = &h->req->arena;
    struct thread t = {0};
    int64_t approved = 0;
    size_t i;

    if (comments_all(st, ar, e->id, &t.v, &t.n) != RC_OK || thread_build(ar, &t) != RC_OK) {
        h->nomem = true;
        return;
    }
    if (t.n == 0)
        return;
    for (i = 0; i < t.n; i++)
        approved += strcmp(t.v[i].state, "approved") == 0;
    html_raw(h, "\n## ");
    if (approved == 1)
        html_raw(h, msg(h->lang, MSG_COMMENTS_ONE));
    else
        html_textf(h, msg(h->lang, MSG_COMMENTS_MANY), (long long)approved);
    html_raw(h, "\n\n");
    for (i = 0; i < t.n; i++)
        if (t.parent[i] == t.n)
            comment_md(h, e, &t, i, 0, text);
}

/* ---- pictures of accounts for Mastodon apps ---- */

/* The identicon of hash as a PNG, cached a day by whoever reads it. */
static int
identicon_answer(struct response *res, const unsigned char hash[32])
{
    unsigned char *png;
    size_t len;

    if ((png = identicon_png(hash, &len)) == NULL)
        return -1;
    if (response_header(res, "Cache-Control", "public, max-age=86400") != 0 ||
        web_security_headers(res, NULL) != 0) {
        free(png);
        return -1;
    }
    return response_body_take(res, 200, "image/png", (char *)png, len);
}

/* GET /users/:name/avatar.png: the account's identicon (its name's hash). */
int
web_avatar(struct request *req, struct response *res)
{
    const char *name = request_param(req, "name");
    unsigned char hash[32];

    if (name == NULL || name[0] == '\0' || strlen(name) > 64)
        return web_not_found(req, res);
    identicon_hash(name, strlen(name), hash);
    return identicon_answer(res, hash);
}

/* GET /static/header.png: the plain header image every account shows in apps. */
int
web_header_image(struct request *req, struct response *res)
{
    static const unsigned char none[32] = {0}; /* no cell: the centre on a pale ground */

    (void)req;
    return identicon_answer(res, none);
}
