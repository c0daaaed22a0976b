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
 * people names nobody: an unattributed post beats a wrong speaker.
 */
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
 * How strongly key names person p: 3 full name or alias, 2 initials and
 * surname, 1 surname or first name alone; 0 not at all.
 */
static int
strength(struct arena *ar, const struct person *p, const char *key)
{
    const char *surname, *k;
    size_t first_len;
    json_t *aliases;
    size_t i;
    int best = 0;

    if ((k = key_of(ar, p->name, strlen(p->name))) != NULL && strcmp(k, key) == 0)
        return 3;
    aliases = json_loads(p->aliases_json != NULL ? p->aliases_json : "[]", 0, NULL);
    for (i = 0; i < json_array_size(aliases) && best < 3; i++) {
        const char *a = json_string_value(json_array_get(aliases, i));
        if (a != NULL && (k = key_of(ar, a, strlen(a))) != NULL && strcmp(k, key) == 0)
            best = 3;
    }
    json_decref(aliases);
    if (best == 3)
        return 3;
    name_parts(p->name, &surname, &first_len);
    if (first_len > 0) {
        const char *ini = initials(ar, p->name, first_len);
        const char *glued = ini != NULL ? arena_printf(ar, "%s%s", ini, surname) : NULL;
        if (glued != NULL && (k = key_of(ar, glued, strlen(glued))) != NULL && strcmp(k, key) == 0)
            return 2;
        if ((k = key_of(ar, p->name, first_len)) != NULL && strcmp(k, key) == 0)
            best = 1;
    }
    if ((k = key_of(ar, surname, strlen(surname))) != NULL && strcmp(k, key) == 0)
        best = 1;
    return best;
}

enum speaker_kind
speaker_find(struct arena *ar, const struct event *e, const char *text, struct speaker_match *out)
{
    size_t start, len, i, a;
    const char *prefix, *key;
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
    for (i = 0; i < e->n_people; i++) {
        int s = strength(ar, &e->people[i], key);
        if (s > best) {
            best = s;
            tied = 0;
            out->name = e->people[i].name;
        } else if (s == best && s > 0) {
            tied++;
        }
    }
    if (best == 0 || tied > 0) { /* nobody, or two people: an unattributed post */
        out->name = NULL;
        return SPEAKER_NONE;
    }
    return SPEAKER_PERSON;
}
