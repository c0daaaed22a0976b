/*
 * masto/entities.c - gazouillis's accounts and posts in the JSON shapes of
 * the Mastodon API reference (Account, Status, Tag, Application), which
 * clients parse strictly: every documented field present, ids as strings,
 * times with milliseconds, absolute URLs. A post of an event is a status
 * whose links point at the event page.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "text/text.h"

/* The author of a post whose account is gone. */
#define GHOST_ACCOUNT                                                                              \
    "{\"id\":\"0\",\"username\":\"ghost\",\"acct\":\"ghost\",\"display_name\":\"\"}"

/* The account's note as Mastodon gives it: HTML, paragraphs and links (plain text in "source"). */
static void
note_write(struct json_writer *w, const char *note)
{
    struct text_buf html = {0};

    if (note == NULL || note[0] == '\0' || text_comment_html(&html, note, strlen(note)) != 0 ||
        html.data == NULL)
        jw_string(w, "");
    else
        jw_stringn(w, html.data, html.len);
    text_buf_release(&html);
}

/* An Account, into w, with its posts' count and last time as given. */
static void
account_write_counted(struct json_writer *w, struct request *req, const struct account *a,
                      int64_t count, const char *last)
{
    struct arena *ar = &req->arena;
    const char *base = masto_base(req);

    jw_object(w);
    jw_key(w, "id");
    jw_id(w, a->id);
    jw_key(w, "username");
    jw_string(w, a->username);
    jw_key(w, "acct");
    jw_string(w, a->username);
    jw_key(w, "display_name");
    jw_string(w, a->display_name != NULL && a->display_name[0] != '\0' ? a->display_name
                                                                       : a->username);
    jw_key(w, "locked");
    jw_bool(w, false);
    jw_key(w, "bot");
    jw_bool(w, false);
    jw_key(w, "discoverable");
    jw_bool(w, true);
    jw_key(w, "group");
    jw_bool(w, false);
    jw_key(w, "created_at");
    jw_string(w, masto_time(ar, a->created_at));
    jw_key(w, "note");
    note_write(w, a->note);
    jw_key(w, "url");
    jw_string_cat(w, base, "/@", a->username, NULL);
    jw_key(w, "uri");
    jw_string_cat(w, base, "/users/", a->username, NULL);
    jw_key(w, "avatar");
    jw_string_cat(w, base, "/users/", a->username, "/avatar.png", NULL);
    jw_key(w, "avatar_static");
    jw_string_cat(w, base, "/users/", a->username, "/avatar.png", NULL);
    jw_key(w, "header");
    jw_string_cat(w, base, "/static/header.png", NULL);
    jw_key(w, "header_static");
    jw_string_cat(w, base, "/static/header.png", NULL);
    jw_key(w, "followers_count");
    jw_int(w, 0);
    jw_key(w, "following_count");
    jw_int(w, 0);
    jw_key(w, "statuses_count");
    jw_int(w, count);
    jw_key(w, "last_status_at");
    if (last != NULL)
        jw_stringn(w, last, strnlen(last, 10));
    else
        jw_null(w);
    jw_key(w, "emojis");
    jw_array(w);
    jw_end_array(w);
    jw_key(w, "fields");
    jw_array(w);
    jw_end_array(w);
    jw_end_object(w);
}

/* An Account, into w; statuses_count from the store. */
void
masto_account_write(struct json_writer *w, struct request *req, struct store *st,
                    const struct account *a)
{
    const char *last = NULL;
    int64_t count = 0;

    if (st != NULL && store_account_posts(st, &req->arena, a->id, &count, &last) != RC_OK)
        count = 0, last = NULL;
    account_write_counted(w, req, a, count, last);
}

json_t *
masto_account(struct request *req, struct store *st, const struct account *a)
{
    struct json_writer w;

    jw_init(&w);
    masto_account_write(&w, req, st, a);
    return jw_parse(&w);
}

/* The post's HTML in a paragraph, its site-relative links made absolute. */
static void
content(struct json_writer *w, struct request *req, const char *html)
{
    const char *base = masto_base(req), *p, *link;

    jw_string_open(w);
    jw_string_part(w, "<p>", 3);
    for (p = html; (link = strstr(p, "href=\"/")) != NULL; p = link + 6) {
        jw_string_part(w, p, (size_t)(link - p) + 6);
        jw_string_part(w, base, strlen(base));
    }
    jw_string_part(w, p, strlen(p));
    jw_string_part(w, "</p>", 4);
    jw_string_close(w);
}

/* Whether mention m names an account of this server: no domain, not a list. */
static bool
mention_is_local(const struct text_entity *m)
{
    return m->domain_end == m->domain_start && m->list_end == m->list_start;
}

/* Whether name (len bytes) is already among the first n local mentions of text. */
static bool
mentioned_before(const char *text, const struct text_entities *es, size_t n, const char *name,
                 size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (mention_is_local(&es->v[i]) && es->v[i].value_end - es->v[i].value_start == len &&
            strncasecmp(text + es->v[i].value_start, name, len) == 0)
            return true;
    return false;
}

size_t
masto_mentioned(struct arena *ar, struct store *st, const struct post *p, struct account **out)
{
    struct text_entities es = {0};
    struct account *accs = NULL;
    size_t i, j, n = 0;

    *out = NULL;
    /* most posts mention nobody: no extraction for them */
    if (st == NULL || p->text == NULL || strchr(p->text, '@') == NULL ||
        text_extract_mentions(p->text, strlen(p->text), TEXT_FEDIVERSE, &es) != 0)
        return 0;
    if (es.n > 0 && (accs = arena_alloc(ar, es.n * sizeof(*accs))) != NULL)
        for (i = 0; i < es.n; i++) {
            const struct text_entity *m = &es.v[i];
            size_t len = m->value_end - m->value_start;
            char *name;

            if (!mention_is_local(m) ||
                mentioned_before(p->text, &es, i, p->text + m->value_start, len) ||
                (name = arena_strndup(ar, p->text + m->value_start, len)) == NULL)
                continue;
            for (j = 0; j < len; j++) /* usernames are lower case; "@MIA" is mia */
                name[j] = (char)tolower((unsigned char)name[j]);
            if (store_account_by_name(st, ar, name, &accs[n]) == RC_OK && !accs[n].disabled)
                n++;
        }
    text_entities_release(&es);
    *out = accs;
    return n;
}

/* The status's mentions, as Mastodon's Mention (see masto_mentioned). */
static void
mentions_write(struct json_writer *w, struct request *req, struct store *st, const struct post *p)
{
    const char *base = masto_base(req);
    struct account *accs;
    size_t n = masto_mentioned(&req->arena, st, p, &accs), i;

    jw_array(w);
    for (i = 0; i < n; i++) {
        jw_object(w);
        jw_key(w, "id");
        jw_id(w, accs[i].id);
        jw_key(w, "username");
        jw_string(w, accs[i].username);
        jw_key(w, "url");
        jw_string_cat(w, base, "/@", accs[i].username, NULL);
        jw_key(w, "acct");
        jw_string(w, accs[i].username);
        jw_end_object(w);
    }
    jw_end_array(w);
}

void
masto_status_write(struct json_writer *w, struct request *req, struct store *st,
                   const struct post *p, int64_t viewer, const struct status_known *k)
{
    struct arena *ar = &req->arena;
    const char *base = masto_base(req);
    struct post_counts counts = {0};
    struct account acc = {0};
    struct event e = {0};
    struct media *media;
    size_t n_media = 0, i;
    int64_t reply_account = 0;
    char id[24];

    /* a status just posted: no reply, reblog or favourite yet; its author and event known */
    if ((k == NULL || !k->fresh) && store_post_counts(st, p->id, viewer, &counts) != RC_OK)
        memset(&counts, 0, sizeof(counts));
    if (k != NULL && k->author != NULL)
        acc = *k->author;
    if (p->account_id == 0 ||
        (acc.id != p->account_id && store_account_by_id(st, ar, p->account_id, &acc) != RC_OK))
        memset(&acc, 0, sizeof(acc)); /* the ghost */
    if (p->in_reply_to_id != 0) {
        struct post parent;
        if (store_post_get(st, ar, p->in_reply_to_id, &parent) == RC_OK)
            reply_account = parent.account_id;
    }
    if (k != NULL && k->event != NULL && k->event->id == p->event_id)
        e = *k->event;
    if (p->event_id != 0 && e.id != p->event_id &&
        store_event_find_id(st, ar, p->event_id, &e) != RC_OK)
        memset(&e, 0, sizeof(e));
    snprintf(id, sizeof(id), "%lld", (long long)p->id);

    jw_object(w);
    jw_key(w, "id");
    jw_id(w, p->id);
    jw_key(w, "created_at");
    jw_string(w, masto_time(ar, p->created_at));
    jw_key(w, "in_reply_to_id");
    if (p->in_reply_to_id != 0)
        jw_id(w, p->in_reply_to_id);
    else
        jw_null(w);
    jw_key(w, "in_reply_to_account_id");
    if (reply_account != 0)
        jw_id(w, reply_account);
    else
        jw_null(w);
    jw_key(w, "sensitive");
    jw_bool(w, p->sensitive);
    jw_key(w, "spoiler_text");
    jw_string(w, p->spoiler_text != NULL ? p->spoiler_text : "");
    jw_key(w, "visibility");
    jw_string(w, p->visibility != NULL ? p->visibility : "public");
    jw_key(w, "language");
    jw_string(w, p->lang);
    jw_key(w, "uri");
    jw_string_cat(w, base, "/users/", acc.id != 0 ? acc.username : "ghost", "/statuses/", id, NULL);
    jw_key(w, "url");
    if (e.id != 0)
        jw_string_cat(w, base, "/e/", e.slug, "#p", id, NULL);
    else
        jw_string_cat(w, base, "/@", acc.id != 0 ? acc.username : "", "#p", id, NULL);
    jw_key(w, "replies_count");
    jw_int(w, counts.replies);
    jw_key(w, "reblogs_count");
    jw_int(w, counts.reblogs);
    jw_key(w, "favourites_count");
    jw_int(w, p->likes);
    jw_key(w, "edited_at");
    jw_string(w, masto_time(ar, p->edited_at));
    jw_key(w, "favourited");
    jw_bool(w, counts.favourited);
    jw_key(w, "reblogged");
    jw_bool(w, counts.reblogged);
    jw_key(w, "muted");
    jw_bool(w, false);
    jw_key(w, "bookmarked");
    jw_bool(w, counts.bookmarked);
    if (viewer != 0 && viewer == p->account_id) { /* as Mastodon, for its author alone */
        jw_key(w, "pinned");
        jw_bool(w, counts.pinned);
    }
    jw_key(w, "content");
    content(w, req, p->html != NULL ? p->html : "");
    jw_key(w, "filtered");
    jw_array(w);
    jw_end_array(w);
    jw_key(w, "reblog");
    jw_null(w);
    jw_key(w, "account");
    if (acc.id != 0 && k != NULL && k->author_counted && k->author != NULL &&
        k->author->id == acc.id)
        account_write_counted(w, req, &acc, k->author_posts, k->author_last_at);
    else if (acc.id != 0)
        masto_account_write(w, req, st, &acc);
    else
        jw_raw_value(w, GHOST_ACCOUNT, strlen(GHOST_ACCOUNT));
    jw_key(w, "tags");
    jw_array(w);
    for (i = 0; i < p->n_tags; i++) {
        jw_object(w);
        jw_key(w, "name");
        jw_string(w, p->tags[i]);
        jw_key(w, "url");
        jw_string_cat(w, base, "/tags/", p->tags[i], NULL);
        jw_end_object(w);
    }
    jw_end_array(w);
    jw_key(w, "media_attachments");
    jw_array(w);
    if ((k == NULL || !k->fresh || k->has_media) &&
        store_media_of_post(st, ar, p->id, &media, &n_media) == RC_OK)
        for (i = 0; i < n_media; i++) {
            json_t *m = masto_media_json(req, &media[i]);
            jw_json(w, m);
            json_decref(m);
        }
    jw_end_array(w);
    jw_key(w, "mentions");
    mentions_write(w, req, st, p);
    jw_key(w, "application");
    jw_null(w);
    jw_key(w, "emojis");
    jw_array(w);
    jw_end_array(w);
    jw_key(w, "card");
    jw_null(w);
    jw_key(w, "poll");
    jw_null(w);
    jw_end_object(w);
}

/* The writer's text as a 200 answer; a 500 when memory ran out on the way. */
static int
answer_written(struct json_writer *w, struct response *res)
{
    if (jw_answer(w, res, 200) != 0)
        return masto_error(res, 500, "out of memory");
    return 0;
}

json_t *
masto_status(struct request *req, struct store *st, const struct post *p, int64_t viewer)
{
    struct json_writer w;

    jw_init(&w);
    masto_status_write(&w, req, st, p, viewer, NULL);
    return jw_parse(&w);
}

int
masto_status_answer(struct request *req, struct response *res, struct store *st,
                    const struct post *p, int64_t viewer, const struct status_known *k)
{
    struct json_writer w;

    jw_init(&w);
    masto_status_write(&w, req, st, p, viewer, k);
    return answer_written(&w, res);
}

/* The statuses of posts (in order) as an array, into w. */
static void
statuses_write(struct json_writer *w, struct request *req, struct store *st,
               const struct post *posts, size_t n, int64_t viewer)
{
    size_t i;

    jw_array(w);
    for (i = 0; i < n; i++)
        masto_status_write(w, req, st, &posts[i], viewer, NULL);
    jw_end_array(w);
}

json_t *
masto_statuses(struct request *req, struct store *st, const struct post *posts, size_t n,
               int64_t viewer)
{
    struct json_writer w;

    jw_init(&w);
    statuses_write(&w, req, st, posts, n, viewer);
    return jw_parse(&w);
}

int
masto_statuses_answer(struct request *req, struct response *res, struct store *st,
                      const struct post *posts, size_t n, int64_t viewer)
{
    struct json_writer w;

    jw_init(&w);
    statuses_write(&w, req, st, posts, n, viewer);
    return answer_written(&w, res);
}
