/*
 * api/speakers.c - who a post says is speaking, as the reference
 * document's author wrote it by hand in ever-shorter forms: "Jean-Pierre
 * Bédard:", "JP Bédard:", "JPBédard:", "JBeaudet:", "Selon Jacques
 * Beaudet:", or the floor: "Commentaire de l'assemblée:", "Question dans
 * l'assemblée:", "Question from the floor:". The prefix (before a colon,
 * at the start of the post or right after a question) is compared with
 * each person of the event in the form of text_name_key() - accents, case,
 * spaces, hyphens and dots aside - against their full name, their aliases,
 * their first names' initials glued to their surname ("JP Bédard",
 * "MJOuellet"), their surname and their first name. A prefix that fits two
 * people names nobody: an unattributed post beats a wrong speaker. The
 * people's keys are computed once per list of people and kept (see
 * struct speaker_table): a post's attribution is then a fold of its
 * prefix and some string comparisons.
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "api/speakers.h"
#include "text/text.h"

#define PREFIX_MAX 60 /* bytes of a speaker prefix, colon excluded */

/* The floor, in the forms French and English live-tweeters use (keys). */
static const char *const audience_keys[] = {
    "commentairedelassemblee",
    "commentdelassemblee",
    "commdelassemblee",
    "questiondelassemblee",
    "questiondanslassemblee",
    "questiondelasalle",
    "commentairedelasalle",
    "interventiondelasalle",
    "interventiondelassemblee",
    "lassemblee",
    "lasalle",
    "questionfromthefloor",
    "commentfromthefloor",
    "audiencecomment",
    "audiencequestion",
    "questionfromtheaudience",
    "commentfromtheaudience",
    "thefloor",
    "theaudience",
    "fromthefloor",
    NULL,
};

/* Words before a name that say "according to". */
static const char *const according_to[] = {"selon ", "d'après ", "d’après ", "according to ", NULL};

/* The key of s[0..len) in ar; NULL on failure. */
static const char *
key_of(struct arena *ar, const char *s, size_t len)
{
    struct text_buf b = {0};
    const char *k = NULL;

    if (text_name_key(&b, s, len) == 0)
        k = arena_strndup(ar, b.data != NULL ? b.data : "", b.len);
    text_buf_release(&b);
    return k;
}

/* The prefix of text before a colon at start, or right after "? " / "?": its bounds. */
static bool
find_prefix(const char *text, size_t *start, size_t *len)
{
    const char *colon, *p, *q;

    while (*text == ' ')
        text++;
    /* at the start */
    colon = strchr(text, ':');
    if (colon != NULL && colon > text && (size_t)(colon - text) <= PREFIX_MAX &&
        memchr(text, '?', (size_t)(colon - text)) == NULL) {
        *start = 0;
        *len = (size_t)(colon - text);
        return true;
    }
    /* after a question: "…? Marie-Josée Ouellet: …" */
    for (p = strchr(text, '?'); p != NULL; p = strchr(p + 1, '?')) {
        q = p + 1;
        while (*q == ' ')
            q++;
        colon = strchr(q, ':');
        if (colon != NULL && colon > q && (size_t)(colon - q) <= PREFIX_MAX &&
            memchr(q, '?', (size_t)(colon - q)) == NULL) {
            *start = (size_t)(q - text);
            *len = (size_t)(colon - q);
            return true;
        }
    }
    return false;
}

/* Splits a name's first names (all words but the last) and surname (the last word). */
static void
name_parts(const char *name, const char **surname, size_t *first_len)
{
    const char *last = strrchr(name, ' ');

    *surname = last != NULL ? last + 1 : name;
    *first_len = last != NULL ? (size_t)(last - name) : 0;
}

/* "JP" of "Jean-Pierre", "MJ" of "Marie-Josée", "J" of "Jacques": first letters of the parts. */
static const char *
initials(struct arena *ar, const char *first, size_t len)
{
    char *out = arena_alloc(ar, len + 1), *o = out;
    size_t i;
    bool start = true;

    if (out == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)first[i];
        if (c == ' ' || c == '-' || c == '.') {
            start = true;
            continue;
        }
        if (start) { /* the whole UTF-8 character */
            size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            if (i + n > len)
                break;
            memcpy(o, first + i, n);
            o += n;
            i += n - 1;
        }
        start = false;
    }
    *o = '\0';
    return out;
}

/*
 * Each person's names as keys, computed once for a given list of people:
 * a key costs a Unicode fold, and a post compares its prefix with some
 * forty of them. Tables are found by their people's names and aliases
 * themselves (not by an event id or version), so an edited person is a new
 * table and a stale one is never used; the least recently used of
 * TABLES_MAX goes.
 */
#define TABLES_MAX 8

struct keyed_person {
    const char *full, *glued, *first, *surname; /* "" when the name has no such part */
    const char **aliases;
    size_t n_aliases;
};

struct speaker_table {
    struct arena ar;
    char *source; /* the people's names and aliases it was built from */
    size_t source_len;
    struct keyed_person *people;
    size_t n;
    unsigned long used;
};

static struct speaker_table tables[TABLES_MAX];
static unsigned long tables_clock;
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;

/* "name\0aliases\0" of every person of e, in ar: what a table is found by. */
static char *
people_source(struct arena *ar, const struct event *e, size_t *len)
{
    size_t total = 0, i, at = 0;
    char *out;

    for (i = 0; i < e->n_people; i++)
        total += strlen(e->people[i].name) + 1 +
                 (e->people[i].aliases_json != NULL ? strlen(e->people[i].aliases_json) : 0) + 1;
    if ((out = arena_alloc(ar, total + 1)) == NULL)
        return NULL;
    for (i = 0; i < e->n_people; i++) {
        const char *aliases = e->people[i].aliases_json != NULL ? e->people[i].aliases_json : "";
        size_t n = strlen(e->people[i].name) + 1, m = strlen(aliases) + 1;
        memcpy(out + at, e->people[i].name, n);
        memcpy(out + at + n, aliases, m);
        at += n + m;
    }
    *len = at;
    return out;
}

/* The keys of person p, in ar. False when memory runs out. */
static bool
key_person(struct arena *ar, const struct person *p, struct keyed_person *out)
{
    const char *surname;
    size_t first_len, i;
    json_t *aliases;

    name_parts(p->name, &surname, &first_len);
    out->full = key_of(ar, p->name, strlen(p->name));
    out->surname = key_of(ar, surname, strlen(surname));
    out->first = out->glued = "";
    if (first_len > 0) {
        const char *ini = initials(ar, p->name, first_len);
        const char *glued = ini != NULL ? arena_printf(ar, "%s%s", ini, surname) : NULL;
        out->glued = glued != NULL ? key_of(ar, glued, strlen(glued)) : NULL;
        out->first = key_of(ar, p->name, first_len);
    }
    if (out->full == NULL || out->surname == NULL || out->glued == NULL || out->first == NULL)
        return false;
    aliases = json_loads(p->aliases_json != NULL ? p->aliases_json : "[]", 0, NULL);
    out->n_aliases = 0;
    out->aliases = arena_alloc(ar, (json_array_size(aliases) + 1) * sizeof(*out->aliases));
    for (i = 0; out->aliases != NULL && i < json_array_size(aliases); i++) {
        const char *a = json_string_value(json_array_get(aliases, i)), *k;
        if (a != NULL && (k = key_of(ar, a, strlen(a))) != NULL && k[0] != '\0')
            out->aliases[out->n_aliases++] = k;
    }
    json_decref(aliases);
    return out->aliases != NULL;
}

/* The table of e's people, built when no table has them; under tables_lock. NULL: no memory. */
static struct speaker_table *
table_of(const struct event *e, const char *source, size_t source_len)
{
    struct speaker_table *t = &tables[0];
    size_t i;

    for (i = 0; i < TABLES_MAX; i++) {
        if (tables[i].source != NULL && tables[i].n == e->n_people &&
            tables[i].source_len == source_len &&
            memcmp(tables[i].source, source, source_len) == 0) {
            tables[i].used = ++tables_clock;
            return &tables[i];
        }
        if (tables[i].used < t->used)
            t = &tables[i];
    }
    arena_release(&t->ar);
    memset(t, 0, sizeof(*t));
    t->people = arena_alloc(&t->ar, (e->n_people + 1) * sizeof(*t->people));
    t->source = arena_alloc(&t->ar, source_len + 1);
    if (t->people == NULL || t->source == NULL)
        goto fail;
    for (i = 0; i < e->n_people; i++)
        if (!key_person(&t->ar, &e->people[i], &t->people[i]))
            goto fail;
    memcpy(t->source, source, source_len);
    t->source_len = source_len;
    t->n = e->n_people;
    t->used = ++tables_clock;
    return t;
fail:
    arena_release(&t->ar);
    memset(t, 0, sizeof(*t));
    return NULL;
}

/*
 * How strongly key names person p: 3 full name or alias, 2 initials and
 * surname, 1 surname or first name alone; 0 not at all.
 */
static int
strength(const struct keyed_person *p, const char *key)
{
    size_t i;

    if (strcmp(p->full, key) == 0)
        return 3;
    for (i = 0; i < p->n_aliases; i++)
        if (strcmp(p->aliases[i], key) == 0)
            return 3;
    if (p->glued[0] != '\0' && strcmp(p->glued, key) == 0)
        return 2;
    if ((p->first[0] != '\0' && strcmp(p->first, key) == 0) || strcmp(p->surname, key) == 0)
        return 1;
    return 0;
}

void
speaker_tables_clear(void)
{
    size_t i;

    pthread_mutex_lock(&tables_lock);
    for (i = 0; i < TABLES_MAX; i++) {
        arena_release(&tables[i].ar);
        memset(&tables[i], 0, sizeof(tables[i]));
    }
    pthread_mutex_unlock(&tables_lock);
}

enum speaker_kind
speaker_find(struct arena *ar, const struct event *e, const char *text, struct speaker_match *out)
{
    struct speaker_table *t;
    size_t start, len, i, a, source_len;
    const char *prefix, *key;
    char *source;
    int best = 0, tied = 0;

    memset(out, 0, sizeof(*out));
    if (text == NULL || !find_prefix(text, &start, &len))
        return SPEAKER_NONE;
    while (*text == ' ')
        text++;
    prefix = text + start;
    /* "Selon Jacques Beaudet" is Jacques Beaudet */
    for (a = 0; according_to[a] != NULL; a++) {
        size_t n = strlen(according_to[a]);
        if (len > n && strncasecmp(prefix, according_to[a], n) == 0) {
            prefix += n;
            len -= n;
            break;
        }
    }
    if ((key = key_of(ar, prefix, len)) == NULL || key[0] == '\0')
        return SPEAKER_NONE;
    out->prefix_start = (size_t)(prefix - text);
    out->prefix_len = len;
    for (a = 0; audience_keys[a] != NULL; a++)
        if (strcmp(key, audience_keys[a]) == 0) {
            out->label = arena_strndup(ar, text + start, (size_t)(prefix - text - start) + len);
            return out->label != NULL ? SPEAKER_AUDIENCE : SPEAKER_NONE;
        }
    if (e->n_people == 0 || (source = people_source(ar, e, &source_len)) == NULL)
        return SPEAKER_NONE;
    pthread_mutex_lock(&tables_lock);
    if ((t = table_of(e, source, source_len)) != NULL)
        for (i = 0; i < t->n; i++) {
            int s = strength(&t->people[i], key);
            if (s > best) {
                best = s;
                tied = 0;
                out->name = e->people[i].name;
            } else if (s == best && s > 0) {
                tied++;
            }
        }
    pthread_mutex_unlock(&tables_lock);
    if (best == 0 || tied > 0) { /* nobody, or two people: an unattributed post */
        out->name = NULL;
        return SPEAKER_NONE;
    }
    return SPEAKER_PERSON;
}
