/*
 * api/document.c - the event document of DESIGN.md, read and written. One
 * JSON shape serves the API, import and export, so a document exported and
 * imported again comes back the same: every key is always written (null
 * when empty), strings are kept as given, ids travel as decimal strings.
 *
 * Reading checks each field's type and rules and names the field in its
 * message; a key we do not know is refused, so a misspelt field never
 * vanishes silently.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/rc.h"
#include "text/text.h"

#define MAX_TITLE    300
#define MAX_SHORT    300 /* names, labels, series, signature */
#define MAX_URL      2048
#define MAX_MARKDOWN 65536 /* context, disclaimer, conclusion */
#define MAX_PEOPLE   200
#define MAX_ORGS     200

static const char *const event_keys[] = {
    "slug",           "title",      "hashtag",        "lang",           "char_limit",
    "starts_at",      "ends_at",    "timezone",       "series",         "venue",
    "attendance",     "context",    "disclaimer",     "conclusion",     "signature",
    "state",          "people",     "organizations",  "posts",          "comments",
    "audience_posts", "moderation", "comment_policy", "comments_until", NULL,
};
static const char *const person_keys[] = {"name", "affiliation", "role", "aliases", "url", NULL};
static const char *const org_keys[] = {"kind", "name", "url", NULL};
static const char *const venue_keys[] = {"name", "address", "url", NULL};
static const char *const roles[] = {"panelist", "moderator", "speaker", "host", "organizer", NULL};
static const char *const kinds[] = {"organizer", "sponsor", "supplier", "partner", NULL};
static const char *const states[] = {"draft", "live", "ended", "published", NULL};
static const char *const comment_policies[] = {"closed", "members", "guests", NULL};

static bool
one_of(const char *s, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Refuses a key of obj not in keys. */
static bool
known_keys(json_t *obj, const char *const *keys, const char *where, struct response *res)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        (void)v;
        if (!one_of(key, keys)) {
            response_error(res, 422, "unknown field '%s%s'", where, key);
            return false;
        }
    }
    return true;
}

/*
 * A string field: absent keeps *out (when partial) or sets the default;
 * null gives NULL when nullable. The string must be UTF-8 (jansson checks),
 * without NUL, at most max bytes, and not empty when required.
 */
static bool
get_string(json_t *obj, const char *key, const char *where, bool required, bool nullable,
           size_t max, bool partial, const char **out, struct response *res)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL) {
        if (required && !partial) {
            response_error(res, 422, "missing field '%s%s'", where, key);
            return false;
        }
        if (!partial)
            *out = NULL;
        return true;
    }
    if (json_is_null(v) && nullable && !required) {
        *out = NULL;
        return true;
    }
    if (!json_is_string(v)) {
        response_error(res, 422, "'%s%s' must be a string%s", where, key,
                       nullable && !required ? " or null" : "");
        return false;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        response_error(res, 422, "'%s%s' holds a NUL character", where, key);
        return false;
    }
    if (json_string_length(v) > max) {
        response_error(res, 422, "'%s%s' is longer than %zu bytes", where, key, max);
        return false;
    }
    if (required && json_string_length(v) == 0) {
        response_error(res, 422, "'%s%s' must not be empty", where, key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

static bool
valid_slug(const char *s)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

/* An ISO 8601 date and time with an offset or Z: "2014-11-20T18:00:00-05:00". */
static bool
valid_datetime(const char *s)
{
    int y, mo, d, h, mi, se, n = 0;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    s += n;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++)
            ;
    if (strcmp(s, "Z") == 0)
        return true;
    return (s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1]) &&
           isdigit((unsigned char)s[2]) && s[3] == ':' && isdigit((unsigned char)s[4]) &&
           isdigit((unsigned char)s[5]) && s[6] == '\0';
}

static bool
valid_url(const char *s)
{
    return text_is_valid_url(s, strlen(s), true, true);
}

static bool
read_people(json_t *arr, struct arena *ar, struct event *e, struct response *res)
{
    size_t i;
    json_t *p;

    if (!json_is_array(arr)) {
        response_error(res, 422, "'people' must be an array");
        return false;
    }
    if (json_array_size(arr) > MAX_PEOPLE) {
        response_error(res, 422, "'people' holds more than %d persons", MAX_PEOPLE);
        return false;
    }
    e->n_people = json_array_size(arr);
    e->people = arena_alloc(ar, (e->n_people + 1) * sizeof(*e->people));
    if (e->people == NULL)
        return response_error_rc(res, RC_NOMEM), false;
    json_array_foreach(arr, i, p)
    {
        struct person *x = &e->people[i];
        char where[32];
        json_t *aliases;
        size_t k;

        snprintf(where, sizeof(where), "people[%zu].", i);
        if (!json_is_object(p)) {
            response_error(res, 422, "'people[%zu]' must be an object", i);
            return false;
        }
        if (!known_keys(p, person_keys, where, res) ||
            !get_string(p, "name", where, true, false, MAX_SHORT, false, &x->name, res) ||
            !get_string(p, "affiliation", where, false, true, MAX_SHORT, false, &x->affiliation,
                        res) ||
            !get_string(p, "role", where, false, true, MAX_SHORT, false, &x->role, res) ||
            !get_string(p, "url", where, false, true, MAX_URL, false, &x->url, res))
            return false;
        if (x->role == NULL)
            x->role = "panelist";
        if (!one_of(x->role, roles)) {
            response_error(res, 422,
                           "'%srole' must be one of panelist, moderator, speaker, host, "
                           "organizer",
                           where);
            return false;
        }
        if (x->url != NULL && !valid_url(x->url)) {
            response_error(res, 422, "'%surl' is not an http(s) URL", where);
            return false;
        }
        aliases = json_object_get(p, "aliases");
        if (aliases == NULL || json_is_null(aliases)) {
            x->aliases_json = "[]";
            continue;
        }
        if (!json_is_array(aliases)) {
            response_error(res, 422, "'%saliases' must be an array of strings", where);
            return false;
        }
        for (k = 0; k < json_array_size(aliases); k++) {
            json_t *a = json_array_get(aliases, k);
            if (!json_is_string(a) || json_string_length(a) == 0 ||
                json_string_length(a) > MAX_SHORT ||
                strlen(json_string_value(a)) != json_string_length(a)) {
                response_error(res, 422, "'%saliases[%zu]' must be a non-empty string", where, k);
                return false;
            }
        }
        char *s = json_dumps(aliases, JSON_COMPACT);
        x->aliases_json = s != NULL ? arena_strdup(ar, s) : NULL;
        free(s);
        if (x->aliases_json == NULL)
            return response_error_rc(res, RC_NOMEM), false;
    }
    return true;
}

static bool
read_orgs(json_t *arr, struct arena *ar, struct event *e, struct response *res)
{
    size_t i;
    json_t *o;

    if (!json_is_array(arr)) {
        response_error(res, 422, "'organizations' must be an array");
        return false;
    }
    if (json_array_size(arr) > MAX_ORGS) {
        response_error(res, 422, "'organizations' holds more than %d entries", MAX_ORGS);
        return false;
    }
    e->n_orgs = json_array_size(arr);
    e->orgs = arena_alloc(ar, (e->n_orgs + 1) * sizeof(*e->orgs));
    if (e->orgs == NULL)
        return response_error_rc(res, RC_NOMEM), false;
    json_array_foreach(arr, i, o)
    {
        struct org *x = &e->orgs[i];
        char where[40];

        snprintf(where, sizeof(where), "organizations[%zu].", i);
        if (!json_is_object(o)) {
            response_error(res, 422, "'organizations[%zu]' must be an object", i);
            return false;
        }
        if (!known_keys(o, org_keys, where, res) ||
            !get_string(o, "kind", where, true, false, MAX_SHORT, false, &x->kind, res) ||
            !get_string(o, "name", where, true, false, MAX_SHORT, false, &x->name, res) ||
            !get_string(o, "url", where, false, true, MAX_URL, false, &x->url, res))
            return false;
        if (!one_of(x->kind, kinds)) {
            response_error(res, 422,
                           "'%skind' must be one of organizer, sponsor, supplier, "
                           "partner",
                           where);
            return false;
        }
        if (x->url != NULL && !valid_url(x->url)) {
            response_error(res, 422, "'%surl' is not an http(s) URL", where);
            return false;
        }
    }
    return true;
}

bool
document_read_event(json_t *doc, struct arena *ar, bool partial, struct event *e,
                    struct response *res)
{
    json_t *v;
    char *tag;

    if (!partial) {
        memset(e, 0, sizeof(*e));
        e->char_limit = 140;
        e->attendance = -1;
        e->lang = "fr";
        e->state = "draft";
        e->comments = "members";
    }
    if (!known_keys(doc, event_keys, "", res) ||
        !get_string(doc, "slug", "", true, false, 64, partial, &e->slug, res) ||
        !get_string(doc, "title", "", true, false, MAX_TITLE, partial, &e->title, res) ||
        !get_string(doc, "hashtag", "", true, false, 140, partial, &e->hashtag, res) ||
        !get_string(doc, "starts_at", "", false, true, 64, partial, &e->starts_at, res) ||
        !get_string(doc, "ends_at", "", false, true, 64, partial, &e->ends_at, res) ||
        !get_string(doc, "timezone", "", false, true, 64, partial, &e->timezone, res) ||
        !get_string(doc, "series", "", false, true, MAX_SHORT, partial, &e->series, res) ||
        !get_string(doc, "context", "", false, true, MAX_MARKDOWN, partial, &e->context_md, res) ||
        !get_string(doc, "disclaimer", "", false, true, MAX_MARKDOWN, partial, &e->disclaimer_md,
                    res) ||
        !get_string(doc, "conclusion", "", false, true, MAX_MARKDOWN, partial, &e->conclusion_md,
                    res) ||
        !get_string(doc, "signature", "", false, true, MAX_SHORT, partial, &e->signature, res) ||
        !get_string(doc, "comments_until", "", false, true, 64, partial, &e->comments_until, res))
        return false;
    if ((v = json_object_get(doc, "comment_policy")) != NULL) {
        if (!json_is_string(v) || !one_of(json_string_value(v), comment_policies)) {
            response_error(res, 422, "'comment_policy' must be one of closed, members, guests");
            return false;
        }
        e->comments = json_string_value(v);
    }
    if ((v = json_object_get(doc, "lang")) != NULL) {
        if (!json_is_string(v) || json_string_length(v) != 2 ||
            !islower((unsigned char)json_string_value(v)[0]) ||
            !islower((unsigned char)json_string_value(v)[1])) {
            response_error(res, 422, "'lang' must be a two-letter language code such as \"fr\"");
            return false;
        }
        e->lang = json_string_value(v);
    }
    if ((v = json_object_get(doc, "state")) != NULL) {
        if (!json_is_string(v) || !one_of(json_string_value(v), states)) {
            response_error(res, 422, "'state' must be one of draft, live, ended, published");
            return false;
        }
        e->state = json_string_value(v);
    }
    if ((v = json_object_get(doc, "audience_posts")) != NULL) {
        if (!json_is_boolean(v)) {
            response_error(res, 422, "'audience_posts' must be true or false");
            return false;
        }
        e->audience_posts = json_is_true(v);
    }
    if ((v = json_object_get(doc, "moderation")) != NULL) {
        if (!json_is_boolean(v)) {
            response_error(res, 422, "'moderation' must be true or false");
            return false;
        }
        e->moderation = json_is_true(v);
    }
    if ((v = json_object_get(doc, "char_limit")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 10000) {
            response_error(res, 422, "'char_limit' must be an integer from 1 to 10000");
            return false;
        }
        e->char_limit = (int)json_integer_value(v);
    }
    if ((v = json_object_get(doc, "attendance")) != NULL) {
        if (json_is_null(v)) {
            e->attendance = -1;
        } else if (!json_is_integer(v) || json_integer_value(v) < 0) {
            response_error(res, 422, "'attendance' must be a number of people or null");
            return false;
        } else {
            e->attendance = json_integer_value(v);
        }
    }
    if ((v = json_object_get(doc, "venue")) != NULL) {
        if (json_is_null(v)) {
            e->venue_name = e->venue_address = e->venue_url = NULL;
        } else if (!json_is_object(v)) {
            response_error(res, 422, "'venue' must be an object or null");
            return false;
        } else if (!known_keys(v, venue_keys, "venue.", res) ||
                   !get_string(v, "name", "venue.", false, true, MAX_SHORT, false, &e->venue_name,
                               res) ||
                   !get_string(v, "address", "venue.", false, true, MAX_SHORT, false,
                               &e->venue_address, res) ||
                   !get_string(v, "url", "venue.", false, true, MAX_URL, false, &e->venue_url,
                               res)) {
            return false;
        } else if (e->venue_url != NULL && !valid_url(e->venue_url)) {
            response_error(res, 422, "'venue.url' is not an http(s) URL");
            return false;
        }
    }
    if ((v = json_object_get(doc, "people")) != NULL && !json_is_null(v) &&
        !read_people(v, ar, e, res))
        return false;
    if ((v = json_object_get(doc, "organizations")) != NULL && !json_is_null(v) &&
        !read_orgs(v, ar, e, res))
        return false;

    if (!valid_slug(e->slug)) {
        response_error(res, 422,
                       "'slug' must be 1 to 64 of a-z, 0-9 and '-', not starting or "
                       "ending with '-'");
        return false;
    }
    /* "#innover" and "innover" both mean the tag innover */
    if (e->hashtag[0] == '#')
        e->hashtag++;
    if ((tag = arena_printf(ar, "#%s", e->hashtag)) == NULL)
        return response_error_rc(res, RC_NOMEM), false;
    if (!text_is_valid_hashtag(tag, strlen(tag))) {
        response_error(res, 422, "'hashtag' is not a hashtag: letters and digits, not only digits");
        return false;
    }
    if ((e->starts_at != NULL && !valid_datetime(e->starts_at)) ||
        (e->ends_at != NULL && !valid_datetime(e->ends_at))) {
        response_error(res, 422,
                       "'starts_at' and 'ends_at' must be ISO 8601 date-times with an "
                       "offset, such as \"2014-11-20T18:00:00-05:00\"");
        return false;
    }
    if (e->comments_until != NULL && !valid_datetime(e->comments_until)) {
        response_error(res, 422,
                       "'comments_until' must be an ISO 8601 date-time with an offset, such as "
                       "\"2014-12-20T18:00:00-05:00\", or null");
        return false;
    }
    return true;
}

/* A string, or null for NULL. */
static json_t *
str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *
document_post(const struct post *p)
{
    json_t *speaker;

    if (p->speaker_name != NULL)
        speaker = json_pack("{s:s}", "name", p->speaker_name);
    else if (p->speaker_audience)
        speaker = json_pack("{s:b, s:o}", "audience", 1, "label", str_or_null(p->speaker_label));
    else
        speaker = json_null();
    return json_pack("{s:o, s:s, s:s?, s:s, s:o, s:I}", "id", document_id(p->id), "created_at",
                     p->created_at, "author", p->author, "text", p->text, "speaker", speaker,
                     "likes", (json_int_t)p->likes);
}

json_t *
document_event(const struct event *e, const struct post *posts, size_t n_posts,
               const struct comment *comments, size_t n_comments)
{
    json_t *doc, *people = json_array(), *orgs = json_array(), *jposts = json_array(), *venue;
    json_t *jcomments = json_array();
    size_t i;

    if (people == NULL || orgs == NULL || jposts == NULL || jcomments == NULL)
        goto fail;
    for (i = 0; i < n_comments; i++)
        if (json_array_append_new(jcomments, document_comment(&comments[i])) != 0)
            goto fail;
    for (i = 0; i < e->n_people; i++) {
        const struct person *x = &e->people[i];
        json_t *aliases = json_loads(x->aliases_json ? x->aliases_json : "[]", 0, NULL);

        if (json_array_append_new(people,
                                  json_pack("{s:s, s:o, s:s, s:o, s:o}", "name", x->name,
                                            "affiliation", str_or_null(x->affiliation), "role",
                                            x->role, "aliases", aliases ? aliases : json_array(),
                                            "url", str_or_null(x->url))) != 0)
            goto fail;
    }
    for (i = 0; i < e->n_orgs; i++)
        if (json_array_append_new(orgs, json_pack("{s:s, s:s, s:o}", "kind", e->orgs[i].kind,
                                                  "name", e->orgs[i].name, "url",
                                                  str_or_null(e->orgs[i].url))) != 0)
            goto fail;
    for (i = 0; i < n_posts; i++)
        if (json_array_append_new(jposts, document_post(&posts[i])) != 0)
            goto fail;
    if (e->venue_name == NULL && e->venue_address == NULL && e->venue_url == NULL)
        venue = json_null();
    else
        venue = json_pack("{s:o, s:o, s:o}", "name", str_or_null(e->venue_name), "address",
                          str_or_null(e->venue_address), "url", str_or_null(e->venue_url));
    doc = json_pack(
        "{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:s, s:b, s:b, s:s, s:o, s:o, s:o, s:o, s:o}",
        "slug", e->slug, "title", e->title, "hashtag", e->hashtag, "lang", e->lang, "char_limit",
        e->char_limit, "starts_at", str_or_null(e->starts_at), "ends_at", str_or_null(e->ends_at),
        "timezone", str_or_null(e->timezone), "series", str_or_null(e->series), "venue", venue,
        "attendance", e->attendance >= 0 ? json_integer(e->attendance) : json_null(), "context",
        str_or_null(e->context_md), "disclaimer", str_or_null(e->disclaimer_md), "conclusion",
        str_or_null(e->conclusion_md), "signature", str_or_null(e->signature), "state", e->state,
        "audience_posts", e->audience_posts, "moderation", e->moderation, "comment_policy",
        e->comments != NULL ? e->comments : "members", "comments_until",
        str_or_null(e->comments_until), "people", people, "organizations", orgs, "posts", jposts,
        "comments", jcomments);
    return doc;
fail:
    json_decref(people);
    json_decref(orgs);
    json_decref(jposts);
    json_decref(jcomments);
    return NULL;
}
