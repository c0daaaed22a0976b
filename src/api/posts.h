/*
 * api/posts.h - posts of an event: what the events API and the web
 * forms borrow from api/posts.c (writing, changing and deleting one post
 * by the rules, importing a document's posts, listing them all).
 */
#ifndef GZ_API_POSTS_H
#define GZ_API_POSTS_H

#include "api/api.h"

/*
 * The text a post of e made of text[0..len) is stored with: NFC, and the
 * event's hashtag appended when it is missing and the text fits the limit
 * (what post_create() stores, so an import can tell a message it already
 * has). Not UTF-8: the text as it is. In ar; NULL when memory runs out.
 */
const char *post_stored_text(struct arena *ar, const struct event *e, const char *text, size_t len);
/* Whether text carries #tag, compared as hashtags are (case, accents and width folded). */
bool post_carries_tag(const char *text, const char *tag);

/* A post as the API shows it: the document's fields, its HTML, edited_at and the event's slug. */
json_t *post_json(const struct post *p, const char *slug);

/* Every visible post of the event, oldest first, in ar. */
int posts_all(struct store *st, struct arena *ar, int64_t event_id, struct post **out,
              size_t *n_out);

/*
 * Stores the posts of an event document as they are (ids, times, authors,
 * texts: a record of what was said, so over-long posts are kept). Authors
 * unknown here get an account without password. False with res filled on
 * the first bad post.
 */
bool posts_import(struct arena *ar, struct response *res, struct store *st, const struct event *e,
                  json_t *posts);

/*
 * Writes a new post of acc in e by the one set of rules of the API and the
 * composer: text at most 8 KiB (413), the speaker as the API takes it
 * (NULL or null: nobody; {"name": …}: one of the event's people or their
 * aliases; {"audience": true, "label": …}: the floor), the event's
 * hashtag appended when missing, counted by the text engine against the
 * event's char_limit (422 with the length when it does not fit, unless
 * force and at most twice the limit). The caller checks that acc may post
 * in e with post_admission(), which gives the state. True with the stored
 * post in *out (strings in ar); false with the error (status and
 * {"error": …}, plus "weighted_length" and "limit" for a text too long)
 * in res.
 */
bool post_create(struct store *st, struct arena *ar, const struct event *e,
                 const struct account *acc, const char *text, size_t len, json_t *speaker,
                 bool force, const char *state, struct post *out, struct response *res);

/*
 * Whether text[0..len) could be posted in e now by post_create's rules of
 * text (size, UTF-8, the limit); false with the same error in res.
 */
bool post_text_fits(struct arena *ar, const struct event *e, const char *text, size_t len,
                    struct response *res);

/*
 * The same with what the Mastodon API adds (extra's visibility,
 * in_reply_to_id, spoiler_text, sensitive and lang; extra may be NULL);
 * e may be &post_no_event: a post of its author's profile, in no event,
 * counted against POST_NO_EVENT_LIMIT, its author its only speaker.
 */
bool post_create_ex(struct store *st, struct arena *ar, const struct event *e,
                    const struct account *acc, const char *text, size_t len, json_t *speaker,
                    bool force, const char *state, const struct post *extra, struct post *out,
                    struct response *res);
#define POST_NO_EVENT_LIMIT 500
extern const struct event post_no_event;

/*
 * Who may post to e, and how: its editors and the admins post visible
 * posts; while e is live and takes posts from its audience, any signed-in
 * account posts from the floor (post_create then makes the speaker the
 * audience and refuses a named one), held for approval ("pending") when e
 * is moderated. The state the post gets, or NULL with a 403 in res (a 404
 * for a draft the account does not edit: to the others it does not exist).
 */
const char *post_admission(struct store *st, const struct event *e, const struct account *acc,
                           struct response *res);

/* May acc change or delete post p? Its author and the admins. */
bool post_may_change(const struct account *acc, const struct post *p);

/*
 * Changes post p of event e (read from the store, with p->event_id ==
 * e->id) for acc by the rules of post_create(): 403 unless
 * post_may_change(); text NULL keeps the stored text (and its hashtags as
 * they are), else it is at most 8 KiB (413), gets the event's hashtag
 * when missing and is counted against the event's char_limit (422 with
 * the length unless force and at most twice the limit); set_speaker:
 * speaker replaces the speaker as post_create() reads it. Marks the
 * event's cached pages stale. True with the stored post in *p (strings
 * in ar); false with the error in res and nothing stored.
 */
bool post_update(struct store *st, struct arena *ar, const struct event *e,
                 const struct account *acc, struct post *p, const char *text, size_t len,
                 bool set_speaker, json_t *speaker, bool force, struct response *res);

/*
 * Deletes post p of event e for acc: 403 unless post_may_change(). Marks
 * the event's cached pages stale. False with the error in res.
 */
bool post_delete(struct store *st, const struct event *e, const struct account *acc,
                 const struct post *p, struct response *res);

/*
 * Moderation (api/moderation.c): sets post p of event e to state
 * ("visible": approved, "hidden") for acc, one of e's editors (403
 * otherwise). True with the post as stored in *p; false with the error in
 * res.
 */
bool post_moderate(struct store *st, struct arena *ar, const struct event *e,
                   const struct account *acc, struct post *p, const char *state,
                   struct response *res);

#endif
