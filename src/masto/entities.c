/*
 * masto/entities.c - gazouillis's accounts and posts in the JSON shapes of
 * the Mastodon API reference (Account, Status, Tag, Application), which
 * clients parse strictly: every documented field present, ids as strings,
 * times with milliseconds, absolute URLs. A post of an event is a status
 * whose links point at the event page.
 */
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "masto/masto.h"

static json_t *
str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *
masto_account(struct request *req, struct store *st, const struct account *a)
{
    struct arena *ar = &req->arena;
    const char *base = masto_base(req), *last = NULL, *avatar;
    int64_t count = 0;
    json_t *j;

    if (st != NULL && store_account_posts(st, ar, a->id, &count, &last) != RC_OK)
        count = 0, last = NULL;
    avatar = arena_printf(ar, "%s/users/%s/avatar.png", base, a->username);
    j = json_pack(
        "{s:o, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:s, s:o, s:o, s:o, s:o, s:o, "
        "s:o, s:i, s:i, s:I, s:o, s:[], s:[]}",
        "id", document_id(a->id), "username", a->username, "acct", a->username, "display_name",
        a->display_name != NULL && a->display_name[0] != '\0' ? a->display_name : a->username,
        "locked", 0, "bot", 0, "discoverable", 1, "group", 0, "created_at",
        str_or_null(masto_time(ar, a->created_at)), "note", "", "url",
        str_or_null(arena_printf(ar, "%s/@%s", base, a->username)), "uri",
        str_or_null(arena_printf(ar, "%s/users/%s", base, a->username)), "avatar",
        str_or_null(avatar), "avatar_static", str_or_null(avatar), "header",
        str_or_null(arena_printf(ar, "%s/static/header.png", base)), "header_static",
        str_or_null(arena_printf(ar, "%s/static/header.png", base)), "followers_count", 0,
        "following_count", 0, "statuses_count", (json_int_t)count, "last_status_at",
        last != NULL ? json_stringn(last, 10) : json_null(), "emojis", "fields");
    return j;
}

/* The post's HTML in a paragraph, its site-relative links made absolute. */
static json_t *
content(struct request *req, const char *html)
{
    const char *base = masto_base(req), *p;
    size_t extra = 0, blen = strlen(base), i = 0;
    char *out;
    json_t *j;

    for (p = html; (p = strstr(p, "href=\"/")) != NULL; p += 7)
        extra += blen;
    if ((out = arena_alloc(&req->arena, strlen(html) + extra + 8)) == NULL)
        return NULL;
    memcpy(out, "<p>", 3);
    i = 3;
    for (p = html; *p != '\0';) {
        if (strncmp(p, "href=\"/", 7) == 0) {
            memcpy(out + i, "href=\"", 6);
            i += 6;
            memcpy(out + i, base, blen);
            i += blen;
            p += 6;
            continue;
        }
        out[i++] = *p++;
    }
    memcpy(out + i, "</p>", 5);
    j = json_string(out);
    return j;
}

json_t *
masto_status(struct request *req, struct store *st, const struct post *p, int64_t viewer)
{
    return masto_status_known(req, st, p, viewer, NULL);
}

json_t *
masto_status_known(struct request *req, struct store *st, const struct post *p, int64_t viewer,
                   const struct status_known *k)
{
    struct arena *ar = &req->arena;
    const char *base = masto_base(req);
    struct post_counts counts = {0};
    struct account acc = {0};
    struct event e = {0};
    json_t *j, *tags, *account, *attachments = NULL;
    struct media *media;
    size_t n_media = 0;
    const char *url;
    size_t i;
    int64_t reply_account = 0;

    /* a status just posted: no reply, reblog or favourite yet; its author and event known */
    if ((k == NULL || !k->fresh) && store_post_counts(st, p->id, viewer, &counts) != RC_OK)
        memset(&counts, 0, sizeof(counts));
    if (k != NULL && k->author != NULL)
        acc = *k->author;
    if (p->account_id != 0 &&
        (acc.id == p->account_id || store_account_by_id(st, ar, p->account_id, &acc) == RC_OK))
        account = masto_account(req, st, &acc);
    else
        account = json_pack("{s:s, s:s, s:s, s:s}", "id", "0", "username", "ghost", "acct", "ghost",
                            "display_name", "");
    if (p->in_reply_to_id != 0) {
        struct post parent;
        if (store_post_get(st, ar, p->in_reply_to_id, &parent) == RC_OK)
            reply_account = parent.account_id;
    }
    if (k != NULL && k->event != NULL && k->event->id == p->event_id)
        e = *k->event;
    if (p->event_id != 0 &&
        (e.id == p->event_id || store_event_find_id(st, ar, p->event_id, &e) == RC_OK))
        url = arena_printf(ar, "%s/e/%s#p%lld", base, e.slug, (long long)p->id);
    else
        url = arena_printf(ar, "%s/@%s#p%lld", base, acc.username != NULL ? acc.username : "",
                           (long long)p->id);
    if ((tags = json_array()) == NULL || (attachments = json_array()) == NULL) {
        json_decref(tags);
        return NULL;
    }
    if ((k == NULL || !k->fresh || k->has_media) &&
        store_media_of_post(st, ar, p->id, &media, &n_media) == RC_OK)
        for (i = 0; i < n_media; i++)
            json_array_append_new(attachments, masto_media_json(req, &media[i]));
    for (i = 0; i < p->n_tags; i++)
        json_array_append_new(
            tags, json_pack("{s:s, s:o}", "name", p->tags[i], "url",
                            str_or_null(arena_printf(ar, "%s/tags/%s", base, p->tags[i]))));
    j = json_pack(
        "{s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:b, "
        "s:b, s:b, s:b, s:o, s:[], s:n, s:o, s:o, s:o, s:[], s:o, s:[], s:n, s:n}",
        "id", document_id(p->id), "created_at", str_or_null(masto_time(ar, p->created_at)),
        "in_reply_to_id", p->in_reply_to_id != 0 ? document_id(p->in_reply_to_id) : json_null(),
        "in_reply_to_account_id", reply_account != 0 ? document_id(reply_account) : json_null(),
        "sensitive", p->sensitive, "spoiler_text", p->spoiler_text != NULL ? p->spoiler_text : "",
        "visibility", p->visibility != NULL ? p->visibility : "public", "language",
        str_or_null(p->lang), "uri",
        str_or_null(arena_printf(ar, "%s/users/%s/statuses/%lld", base,
                                 acc.username != NULL ? acc.username : "ghost", (long long)p->id)),
        "url", str_or_null(url), "replies_count", (json_int_t)counts.replies, "reblogs_count",
        (json_int_t)counts.reblogs, "favourites_count", (json_int_t)p->likes, "edited_at",
        str_or_null(masto_time(ar, p->edited_at)), "favourited", counts.favourited, "reblogged",
        counts.reblogged, "muted", 0, "bookmarked", 0, "content",
        content(req, p->html != NULL ? p->html : ""), "filtered", "reblog", "account", account,
        "tags", tags, "media_attachments", attachments, "mentions", "application", json_null(),
        "emojis", "card", "poll");
    return j;
}

json_t *
masto_statuses(struct request *req, struct store *st, const struct post *posts, size_t n,
               int64_t viewer)
{
    json_t *arr = json_array();
    size_t i;

    if (arr == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (json_array_append_new(arr, masto_status(req, st, &posts[i], viewer)) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}
