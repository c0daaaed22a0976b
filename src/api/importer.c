/*
 * api/importer.c - reading posts written elsewhere and storing them in an
 * event (api/importer.h). Each format becomes a list of items (text, time,
 * place in the file); then one transaction stores them by the composer's
 * rules, so an import is all or nothing and says what it did with each.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/comments.h"
#include "api/import_zip.h"
#include "api/importer.h"
#include "api/posts.h"
#include "api/speakers.h"
#include "core/hash.h"
#include "core/rc.h"
#include "text/text.h"

#define MAX_ITEMS 100000

static int
fail(struct arena *ar, const char **error, const char *fmt, const char *a, size_t b)
{
    *error = arena_printf(ar, fmt, a, b);
    return RC_INVALID;
}

/* ---- a plain list ---- */

static int
parse_list(struct arena *ar, const char *data, size_t len, struct import_item **items, size_t *n,
           const char **error)
{
    struct import_item *v = NULL;
    size_t line = 0, cap = 0, at, i = 0;

    if (text_utf8_check(data, len, &at) != TEXT_UTF8_OK)
        return fail(ar, error, "the file is not UTF-8 text (byte %s%zu)", "", at + 1);
    *n = 0;
    while (i < len) {
        size_t end = i, s, e;
        while (end < len && data[end] != '\n')
            end++;
        line++;
        s = i, e = end;
        while (s < e && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r'))
            s++;
        while (e > s && (data[e - 1] == ' ' || data[e - 1] == '\t' || data[e - 1] == '\r'))
            e--;
        if (s < e && data[s] == '-') { /* "-message" or "- message" */
            s++;
            while (s < e && data[s] == ' ')
                s++;
        }
        if (s < e) {
            if (*n == MAX_ITEMS)
                return fail(ar, error, "more than %s%zu messages", "", (size_t)MAX_ITEMS);
            if (*n == cap) {
                struct import_item *bigger =
                    arena_alloc(ar, (cap = cap ? cap * 2 : 64) * sizeof(*bigger));
                if (bigger == NULL)
                    return RC_NOMEM;
                if (*n > 0)
                    memcpy(bigger, v, *n * sizeof(*v));
                v = bigger;
            }
            v[*n].text = arena_strndup(ar, data + s, e - s);
            v[*n].created_at = NULL;
            v[*n].where = line;
            if (v[*n].text == NULL)
                return RC_NOMEM;
            (*n)++;
        }
        i = end + 1;
    }
    *items = v;
    return RC_OK;
}

/* ---- times ---- */

/*
 * t as "YYYY-MM-DDTHH:MM:SSZ", in ar; NULL for a time whose year has not
 * four digits (an offset can carry 9999-12-31 over), which no store time is.
 */
static const char *
iso_utc(struct arena *ar, time_t t)
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
        return NULL;
    return arena_printf(ar, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "Thu Nov 20 23:02:11 +0000 2014" (Twitter) as "2014-11-20T23:02:11Z"; NULL when not one. */
static const char *
twitter_time(struct arena *ar, const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char mon[4], sign;
    int d, h, mi, se, oh, y, end = 0;
    const char *m;
    struct tm tm = {0};
    time_t t;

    /* widths bound every number: an overlong one is no time, never an overflow */
    if (s == NULL ||
        sscanf(s, "%*3s %3s %2d %2d:%2d:%2d %c%2d%*2d %4d%n", mon, &d, &h, &mi, &se, &sign, &oh, &y,
               &end) != 8 ||
        s[end] != '\0' || (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0 || d < 1 ||
        d > 31 || h > 23 || mi > 59 || se > 60 || oh > 23 || (sign != '+' && sign != '-') ||
        y < 1000)
        return NULL;
    tm.tm_year = y - 1900;
    tm.tm_mon = (int)(m - months) / 3;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    t = timegm(&tm) - (sign == '-' ? -1 : 1) * oh * 3600;
    return iso_utc(ar, t);
}

/* Any ISO 8601 date-time as "YYYY-MM-DDTHH:MM:SSZ"; NULL when not one. */
static const char *
utc_time(struct arena *ar, const char *s)
{
    time_t t;

    if (s == NULL || !comment_time(s, &t))
        return NULL;
    return iso_utc(ar, t);
}

/* ---- a Twitter archive (data/tweets.js) ---- */

static int
parse_twitter(struct arena *ar, const char *data, size_t len, struct import_item **items, size_t *n,
              const char **error)
{
    const char *start = data, *eq;
    json_error_t jerr;
    json_t *arr, *entry;
    size_t i;

    while (start < data + len && isspace((unsigned char)*start))
        start++;
    if (start < data + len && *start != '[') { /* "window.YTD.tweets.part0 = [...]" */
        if ((eq = memchr(data, '=', len < 200 ? len : 200)) == NULL)
            return fail(ar, error,
                        "not a Twitter archive: no 'window.YTD.tweets.part0 =' (nor "
                        "'window.YTD.tweet.part0 =')%s%.0zu",
                        "", (size_t)0);
        start = eq + 1;
    }
    arr = json_loadb(start, len - (size_t)(start - data), 0, &jerr);
    if (arr == NULL)
        return fail(ar, error, "the Twitter archive is not valid JSON: %s (column %zu)",
                    arena_printf(ar, "%s", jerr.text), (size_t)jerr.column);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return fail(ar, error, "the Twitter archive holds no list of tweets%s%.0zu", "", 0);
    }
    if (json_array_size(arr) > MAX_ITEMS ||
        (*items = arena_alloc(ar, (json_array_size(arr) + 1) * sizeof(**items))) == NULL) {
        json_decref(arr);
        return fail(ar, error, "too many tweets (at most %s%zu)", "", (size_t)MAX_ITEMS);
    }
    *n = 0;
    json_array_foreach(arr, i, entry)
    {
        json_t *tw = json_object_get(entry, "tweet");
        const char *text = json_string_value(json_object_get(tw != NULL ? tw : entry, "full_text"));
        const char *at = json_string_value(json_object_get(tw != NULL ? tw : entry, "created_at"));
        struct import_item *it = &(*items)[*n];
        if (text == NULL) {
            json_decref(arr);
            return fail(ar, error, "tweet %s%zu has no 'full_text'", "", i + 1);
        }
        it->created_at = twitter_time(ar, at);
        if (at != NULL && it->created_at == NULL) {
            json_decref(arr);
            return fail(ar, error, "tweet %s%zu has an unreadable 'created_at'", "", i + 1);
        }
        it->text = arena_strndup(ar, text, strlen(text));
        it->where = i + 1;
        if (it->text == NULL) {
            json_decref(arr);
            return RC_NOMEM;
        }
        (*n)++;
    }
    json_decref(arr);
    return RC_OK;
}

/* ---- a Twitter archive's zip ---- */

/* The tweets of every part, part0's first, numbered from 1 across the parts. */
static int
parse_twitter_zip(struct arena *ar, const char *data, size_t len, struct import_item **items,
                  size_t *n, const char **error)
{
    struct import_zip_part *parts;
    struct import_item **got;
    size_t n_parts, *count, total = 0, i, k;
    int rc;

    if ((rc = import_zip_tweets(ar, data, len, &parts, &n_parts, error)) != RC_OK)
        return rc;
    if ((got = arena_alloc(ar, n_parts * sizeof(*got))) == NULL ||
        (count = arena_alloc(ar, n_parts * sizeof(*count))) == NULL)
        return RC_NOMEM;
    for (i = 0; i < n_parts; i++) {
        const char *why = NULL;
        if ((rc = parse_twitter(ar, parts[i].data, parts[i].len, &got[i], &count[i], &why)) !=
            RC_OK) {
            *error = why != NULL ? arena_printf(ar, "%s: %s", parts[i].name, why) : NULL;
            return why != NULL && *error != NULL ? rc : RC_NOMEM;
        }
        if ((total += count[i]) > MAX_ITEMS)
            return fail(ar, error, "too many tweets (at most %s%zu)", "", (size_t)MAX_ITEMS);
    }
    if ((*items = arena_alloc(ar, (total + 1) * sizeof(**items))) == NULL)
        return RC_NOMEM;
    for (*n = 0, i = 0; i < n_parts; i++)
        for (k = 0; k < count[i]; k++, (*n)++) {
            (*items)[*n] = got[i][k];
            (*items)[*n].where = *n + 1;
        }
    return RC_OK;
}

/* ---- a Mastodon outbox ---- */

/* The text of a status's HTML: tags dropped, <br> a line break, paragraphs blank lines. */
static const char *
html_to_text(struct arena *ar, const char *h)
{
    static const struct {
        const char *entity, *text;
    } entities[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
                    {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
    size_t len = strlen(h), o = 0, i, k;
    char *out = arena_alloc(ar, len + 1);

    if (out == NULL)
        return NULL;
    for (i = 0; i < len;) {
        if (h[i] == '<') {
            const char *end = strchr(h + i, '>');
            if (end == NULL)
                break;
            if (strncasecmp(h + i, "<br", 3) == 0)
                out[o++] = '\n';
            else if (strncasecmp(h + i, "</p>", 4) == 0 && end[1] != '\0')
                out[o++] = '\n', out[o++] = '\n';
            i = (size_t)(end - h) + 1;
            continue;
        }
        if (h[i] == '&') {
            for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
                if (strncmp(h + i, entities[k].entity, strlen(entities[k].entity)) == 0)
                    break;
            if (k < sizeof(entities) / sizeof(entities[0])) {
                out[o++] = entities[k].text[0];
                i += strlen(entities[k].entity);
                continue;
            }
        }
        out[o++] = h[i++];
    }
    out[o] = '\0';
    return out;
}

static int
parse_outbox(struct arena *ar, json_t *doc, struct import_item **items, size_t *n,
             const char **error)
{
    json_t *list = json_object_get(doc, "orderedItems"), *act;
    size_t i;

    if (!json_is_array(list))
        return fail(ar, error, "the outbox has no 'orderedItems' list%s%.0zu", "", 0);
    if (json_array_size(list) > MAX_ITEMS ||
        (*items = arena_alloc(ar, (json_array_size(list) + 1) * sizeof(**items))) == NULL)
        return fail(ar, error, "too many activities (at most %s%zu)", "", (size_t)MAX_ITEMS);
    *n = 0;
    json_array_foreach(list, i, act)
    {
        json_t *obj = json_object_get(act, "object");
        const char *type = json_string_value(json_object_get(act, "type"));
        const char *content, *published;
        struct import_item *it = &(*items)[*n];
        if (type == NULL || strcmp(type, "Create") != 0 || !json_is_object(obj))
            continue; /* boosts (Announce) and the like are not one's own posts */
        content = json_string_value(json_object_get(obj, "content"));
        published = json_string_value(json_object_get(obj, "published"));
        if (content == NULL)
            return fail(ar, error, "activity %s%zu has no 'content'", "", i + 1);
        it->created_at = utc_time(ar, published);
        if (published != NULL && it->created_at == NULL)
            return fail(ar, error, "activity %s%zu has an unreadable 'published'", "", i + 1);
        if ((it->text = html_to_text(ar, content)) == NULL)
            return RC_NOMEM;
        it->where = i + 1;
        (*n)++;
    }
    return RC_OK;
}

int
import_parse(struct arena *ar, const char *data, size_t len, enum import_format *format,
             struct import_item **items, size_t *n, const char **error)
{
    size_t i = 0;

    *items = NULL;
    *n = 0;
    *error = NULL;
    if (import_zip_is(data, len)) {
        *format = IMPORT_TWITTER;
        return parse_twitter_zip(ar, data, len, items, n, error);
    }
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    if (len - i >= 6 && strncmp(data + i, "window", 6) == 0) {
        *format = IMPORT_TWITTER;
        return parse_twitter(ar, data, len, items, n, error);
    }
    if (i < len && (data[i] == '{' || data[i] == '[')) {
        json_error_t jerr;
        json_t *doc = json_loadb(data, len, 0, &jerr);
        int rc;
        if (doc == NULL)
            return fail(ar, error, "the file is not valid JSON: %s (line %zu)",
                        arena_printf(ar, "%s", jerr.text), (size_t)jerr.line);
        if (json_is_array(doc)) { /* tweets.js without its "window..." line */
            json_decref(doc);
            *format = IMPORT_TWITTER;
            return parse_twitter(ar, data, len, items, n, error);
        }
        *format = IMPORT_OUTBOX;
        rc = parse_outbox(ar, doc, items, n, error);
        json_decref(doc);
        return rc;
    }
    *format = IMPORT_LIST;
    return parse_list(ar, data, len, items, n, error);
}

/* ---- storing ---- */

/* The text as the event would store it (post_stored_text), for telling duplicates. */
static const char *
as_stored(struct arena *ar, const struct event *e, const char *text)
{
    return post_stored_text(ar, e, text, strlen(text));
}

static bool
note(struct arena *ar, struct import_report *rep, size_t where, const char *what)
{
    struct import_note *bigger;

    if ((rep->n_notes & (rep->n_notes - 1)) == 0) { /* 0, 1, 2, 4, …: grow */
        if ((bigger = arena_alloc(ar, (rep->n_notes ? rep->n_notes * 2 : 1) * sizeof(*bigger))) ==
            NULL)
            return false;
        if (rep->n_notes > 0)
            memcpy(bigger, rep->notes, rep->n_notes * sizeof(*bigger));
        rep->notes = bigger;
    }
    rep->notes[rep->n_notes].where = where;
    rep->notes[rep->n_notes].what = what;
    rep->n_notes++;
    return true;
}

/*
 * The texts an event has, as a set: each imported message is looked up
 * among the event's posts and those imported before it, so an import of
 * 100,000 messages must not compare each with all (open addressing,
 * FNV-1a, at most half full; in the import's arena).
 */
struct text_set {
    const char **slots;
    size_t mask;
};

static bool
text_set_init(struct arena *ar, struct text_set *set, size_t most)
{
    size_t cap = 16;

    while (cap < 2 * most + 1)
        cap *= 2;
    set->mask = cap - 1;
    set->slots = arena_alloc(ar, cap * sizeof(*set->slots));
    if (set->slots != NULL)
        memset(set->slots, 0, cap * sizeof(*set->slots));
    return set->slots != NULL;
}

/* Adds text (kept by the caller) unless it is there: false when it was. */
static bool
text_set_add(struct text_set *set, const char *text)
{
    size_t i = (size_t)hash_string(text) & set->mask;

    while (set->slots[i] != NULL) {
        if (strcmp(set->slots[i], text) == 0)
            return false;
        i = (i + 1) & set->mask;
    }
    set->slots[i] = text;
    return true;
}

static bool
text_set_has(const struct text_set *set, const char *text)
{
    size_t i = (size_t)hash_string(text) & set->mask;

    for (; set->slots[i] != NULL; i = (i + 1) & set->mask)
        if (strcmp(set->slots[i], text) == 0)
            return true;
    return false;
}

int
import_run(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
           const struct import_item *items, size_t n, const struct import_options *opt,
           struct import_report *rep, void (*progress)(size_t, size_t, void *), void *arg)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    struct arena item_ar = {0};
    struct post *existing;
    struct text_set texts;
    size_t n_existing, i;
    time_t since = 0, until = 0, at;
    int rc;

    memset(rep, 0, sizeof(*rep));
    cfg.max_weighted_length = e->char_limit;
    if ((opt->since != NULL && !comment_time(opt->since, &since)) ||
        (opt->until != NULL && !comment_time(opt->until, &until)))
        return RC_INVALID;
    if ((rc = posts_all(st, ar, e->id, &existing, &n_existing)) != RC_OK)
        return rc;
    if (!text_set_init(ar, &texts, n_existing + n))
        return RC_NOMEM;
    for (i = 0; i < n_existing; i++)
        (void)text_set_add(&texts, existing[i].text);
    if ((rc = store_begin(st)) != RC_OK)
        return rc;
    cache_hold(); /* the event's pages go stale once the import is committed, not before */
    for (i = 0; i < n; i++) {
        const struct import_item *it = &items[i];
        struct response scratch = {0};
        struct speaker_match m;
        struct text_parse_result r;
        struct post extra = {.created_at = it->created_at}, p;
        json_t *speaker = NULL;
        const char *text, *kept;
        bool ok;

        arena_release(&item_ar); /* what one message needs, freed at the next */

        rep->read++;
        if (progress != NULL && (i % 64 == 0 || i + 1 == n))
            progress(i + 1, n, arg);
        if (opt->require_tag && !post_carries_tag(it->text, e->hashtag)) {
            rep->other_tags++;
            if (!note(ar, rep, it->where, "without the event's hashtag"))
                goto nomem;
            continue;
        }
        if (it->created_at != NULL && comment_time(it->created_at, &at) &&
            ((since != 0 && at < since) || (until != 0 && at >= until))) {
            rep->out_of_range++;
            if (!note(ar, rep, it->where, "outside the dates asked"))
                goto nomem;
            continue;
        }
        if ((text = as_stored(&item_ar, e, it->text)) == NULL)
            goto nomem;
        if (text_set_has(&texts, text)) {
            rep->duplicates++;
            if (!note(ar, rep, it->where, "already in the event"))
                goto nomem;
            continue;
        }
        switch (speaker_find(&item_ar, e, it->text, &m)) {
        case SPEAKER_PERSON:
            speaker = json_pack("{s:s}", "name", m.name);
            break;
        case SPEAKER_AUDIENCE:
            speaker = json_pack("{s:b, s:s}", "audience", 1, "label", m.label);
            break;
        case SPEAKER_NONE:
            break;
        }
        ok = post_create_ex(st, &item_ar, e, acc, it->text, strlen(it->text), speaker, true,
                            "visible", &extra, &p, &scratch);
        json_decref(speaker);
        response_body_drop(&scratch);
        if (!ok) {
            rep->refused++;
            if (!note(ar, rep, it->where,
                      scratch.status == 422 ? "too long even for a record (over twice the limit)"
                                            : "refused"))
                goto nomem;
            continue;
        }
        if ((kept = arena_strdup(ar, p.text)) == NULL)
            goto nomem;
        (void)text_set_add(&texts, kept);
        rep->imported++;
        if (text_parse(&sc, p.text, strlen(p.text), &cfg, &r) == 0 && !r.valid &&
            r.reason == TEXT_INVALID_TOO_LONG) {
            rep->over_limit++;
            if (!note(ar, rep, it->where, "imported over the limit"))
                goto nomem;
        }
    }
    text_scratch_release(&sc);
    arena_release(&item_ar);
    rc = store_commit(st);
    cache_release();
    return rc;
nomem:
    text_scratch_release(&sc);
    arena_release(&item_ar);
    store_rollback(st);
    cache_release();
    return RC_NOMEM;
}
