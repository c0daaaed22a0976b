/*
 * api/comment_document.c - the "comments" of the event document
 * (DESIGN.md), both ways: what readers see of them (approved ones, and the
 * placeholders that keep a thread whole) in id order, and their import,
 * ids and times kept, so that export -> import -> export gives the same
 * document. A comment's "account" names the member who wrote it; a
 * guest's has "account": null and its "author" is the name given.
 */
#include <string.h>

#include "api/api.h"
#include "api/comments.h"
#include "auth/auth.h"
#include "core/rc.h"
#include "text/text.h"

static const char *const comment_keys[] = {
    "id",    "parent_id",  "author",    "account", "avatar_hash", "body",
    "state", "created_at", "edited_at", "likes",   NULL,
};

int
comments_all(struct store *st, struct arena *ar, int64_t event_id, struct comment **out,
             size_t *n_out)
{
    int rc = store_comment_list(st, ar, event_id, NULL, 0, out, n_out);

    if (rc == RC_OK)
        *n_out = comments_visible(*out, *n_out);
    return rc;
}

static json_t *
str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *
document_comment(const struct comment *c)
{
    bool deleted = strcmp(c->state, "approved") != 0;

    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:o, s:I}", "id", document_id(c->id),
                     "parent_id", c->parent_id != 0 ? document_id(c->parent_id) : json_null(),
                     "author", str_or_null(deleted ? NULL : c->author), "account",
                     str_or_null(deleted || c->account_id == 0 ? NULL : c->author), "avatar_hash",
                     str_or_null(deleted ? NULL : c->guest_email_hash), "body",
                     deleted ? "" : c->body, "state", deleted ? "deleted" : "approved",
                     "created_at", c->created_at, "edited_at", str_or_null(c->edited_at), "likes",
                     (json_int_t)c->likes);
}

/* A string member or NULL; false with a 422 when present and not a string (or null). */
static bool
member(json_t *o, const char *name, size_t i, const char **out, struct response *res)
{
    json_t *v = json_object_get(o, name);

    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return response_error(res, 422, "'comments[%zu].%s' must be a string", i, name), false;
    *out = json_string_value(v);
    return true;
}

/* Whether s is 64 lower-case hex digits. */
static bool
hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[64] == '\0';
}

bool
comments_import(struct arena *ar, struct response *res, struct store *st, const struct event *e,
                json_t *comments)
{
    json_t *jc;
    size_t i;

    if (!json_is_array(comments))
        return response_error(res, 422, "'comments' must be an array"), false;
    json_array_foreach(comments, i, jc)
    {
        struct comment c = {.event_id = e->id};
        struct text_buf html = {0};
        const char *id, *parent, *account, *state, *k;
        struct account acc;
        json_t *likes, *v;
        time_t when;
        int rc;

        if (!json_is_object(jc))
            return response_error(res, 422, "'comments[%zu]' must be an object", i), false;
        json_object_foreach(jc, k, v)
        {
            size_t j;
            for (j = 0; comment_keys[j] != NULL && strcmp(comment_keys[j], k) != 0; j++)
                ;
            if (comment_keys[j] == NULL)
                return response_error(res, 422, "'comments[%zu].%s' is not a field of a comment", i,
                                      k),
                       false;
        }
        if (!member(jc, "id", i, &id, res) || !member(jc, "parent_id", i, &parent, res) ||
            !member(jc, "author", i, &c.author, res) || !member(jc, "account", i, &account, res) ||
            !member(jc, "avatar_hash", i, &c.guest_email_hash, res) ||
            !member(jc, "body", i, &c.body, res) || !member(jc, "state", i, &state, res) ||
            !member(jc, "created_at", i, &c.created_at, res) ||
            !member(jc, "edited_at", i, &c.edited_at, res))
            return false;
        if ((id != NULL && !document_parse_id(id, &c.id)) ||
            (parent != NULL && !document_parse_id(parent, &c.parent_id)))
            return response_error(res, 422, "'comments[%zu]': ids are decimal strings", i), false;
        /* Ids follow time, and the export lists comments in id order: a reply
         * numbered before its parent would come first there, and that export
         * could not be imported again. */
        if (id == NULL)
            c.id = store_new_id();
        if (c.parent_id != 0 && c.id <= c.parent_id)
            return response_error(res, 422,
                                  "'comments[%zu].id' must be greater than its parent's: a reply "
                                  "comes after what it answers",
                                  i),
                   false;
        if (state != NULL && strcmp(state, "approved") != 0 && strcmp(state, "deleted") != 0)
            return response_error(res, 422, "'comments[%zu].state' is approved or deleted", i),
                   false;
        c.state = state != NULL ? state : "approved";
        if ((c.created_at != NULL && !comment_time(c.created_at, &when)) ||
            (c.edited_at != NULL && !comment_time(c.edited_at, &when)))
            return response_error(res, 422,
                                  "'comments[%zu]': 'created_at' and 'edited_at' must be ISO 8601 "
                                  "date-times with an offset, such as \"2014-11-21T10:00:00Z\"",
                                  i),
                   false;
        if (c.guest_email_hash != NULL && !hex64(c.guest_email_hash))
            return response_error(res, 422, "'comments[%zu].avatar_hash' must be 64 hex digits", i),
                   false;
        likes = json_object_get(jc, "likes");
        if (likes != NULL && (!json_is_integer(likes) || json_integer_value(likes) < 0))
            return response_error(res, 422, "'comments[%zu].likes' must be a count", i), false;
        c.likes = likes != NULL ? json_integer_value(likes) : 0;
        if (strcmp(c.state, "deleted") == 0) {
            c.body = "";
            c.author = "(deleted)";
        } else {
            if (c.body == NULL || c.body[0] == '\0' ||
                text_utf8_count_cp(c.body, strlen(c.body)) > COMMENT_MAX_CHARS)
                return response_error(res, 422, "'comments[%zu].body' must be 1 to %d characters",
                                      i, COMMENT_MAX_CHARS),
                       false;
            if (account != NULL) {
                /* an author unknown here gets an account without a password, as posts do */
                rc = auth_username_valid(account) ? store_account_by_name(st, ar, account, &acc)
                                                  : RC_INVALID;
                if (rc == RC_NOTFOUND) {
                    struct account na = {.username = account, .role = "member"};
                    rc = store_account_add(st, &na, &acc.id);
                }
                if (rc == RC_INVALID)
                    return response_error(res, 422, "'comments[%zu].account' is not a user name",
                                          i),
                           false;
                if (rc != RC_OK)
                    return response_error_rc(res, rc), false;
                c.account_id = acc.id;
                if (c.author == NULL)
                    c.author = account;
            }
            if (c.account_id == 0 && (c.author == NULL || c.author[0] == '\0'))
                return response_error(res, 422, "'comments[%zu].author' is required", i), false;
        }
        if (text_comment_html(&html, c.body, strlen(c.body)) != 0) {
            text_buf_release(&html);
            return response_error(res, 422, "'comments[%zu].body' is not valid text", i), false;
        }
        c.html = arena_strndup(ar, html.data != NULL ? html.data : "", html.len);
        text_buf_release(&html);
        if (c.html == NULL)
            return response_error_rc(res, RC_NOMEM), false;
        rc = store_comment_add(st, &c, NULL);
        if (rc == RC_CONFLICT)
            return response_error(res, 409, "'comments[%zu].id' is taken", i), false;
        if (rc == RC_NOTFOUND || rc == RC_INVALID)
            return response_error(res, 422,
                                  "'comments[%zu].parent_id' is not an earlier comment of this "
                                  "event",
                                  i),
                   false;
        if (rc != RC_OK)
            return response_error_rc(res, rc), false;
    }
    return true;
}
