/*
 * text/split.c - a text too long for one post as a numbered thread of
 * posts that each fit (issue 7, "split"): cut at sentence ends first, then
 * at clause marks, then between words, and only inside a word when one
 * alone is longer than a post. Each part carries the speaker prefix when
 * the text has one ("JP Bédard: …"), its number ("2/4") and the event's
 * hashtag, and is weighed by text_parse itself, so a URL counts its 23
 * characters and every part is within the limit when a split exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/text.h"
#include "text/text_int.h"

#define MAX_PARTS  99
#define PREFIX_MAX 60

/* The level of the cut after s[i] (a space follows): 3 sentence, 2 clause, 1 word, 0 none. */
static int
cut_level(const char *s, size_t len, size_t i)
{
    if (i + 1 >= len || s[i + 1] != ' ')
        return 0;
    switch (s[i]) {
    case '.':
    case '!':
    case '?':
        return 3;
    case ',':
    case ';':
    case ':':
        return 2;
    }
    if (i >= 2 && (unsigned char)s[i - 2] == 0xE2 && (unsigned char)s[i - 1] == 0x80 &&
        (unsigned char)s[i] == 0xA6) /* … */
        return 3;
    return 1;
}

/* The weight of part, under cfg; -1 when memory runs out. */
static double
weight(struct text_scratch *sc, const char *part, const struct text_config *cfg)
{
    struct text_parse_result r;

    if (text_parse(sc, part, strlen(part), cfg, &r) != 0)
        return -1;
    return r.weighted_length;
}

/* "prefix: body i/n #tag" into buf. */
static void
compose(char *buf, size_t size, const char *prefix, const char *body, size_t body_len, int i, int n,
        const char *tag)
{
    snprintf(buf, size, "%s%s%.*s %d/%d%s%s", prefix != NULL ? prefix : "",
             prefix != NULL ? ": " : "", (int)body_len, body, i, n,
             tag != NULL && tag[0] != '\0' ? " #" : "", tag != NULL ? tag : "");
}

/* Whether text already carries #tag (ASCII case aside): then it is not added again. */
static bool
has_tag(const char *s, size_t len, const char *tag)
{
    size_t t = strlen(tag), i;

    for (i = 0; i + t < len; i++)
        if (s[i] == '#' && strncasecmp(s + i + 1, tag, t) == 0 &&
            (i + 1 + t == len || s[i + 1 + t] == ' ' || s[i + 1 + t] == '.' || s[i + 1 + t] == ','))
            return true;
    return false;
}

/*
 * Splits body into at most MAX_PARTS parts for a thread of n parts: each
 * [start, end) of body; the number found, or -1 when a part cannot fit.
 */
static int
pack(struct text_scratch *sc, const struct text_config *cfg, const char *prefix, const char *body,
     size_t len, const char *tag, int n, size_t starts[], size_t ends[])
{
    char buf[8192];
    size_t at = 0;
    int parts = 0;

    while (at < len) {
        size_t best_at[5] = {0}, longest = 0, best = 0, i;
        int level, best_level = -1;
        double w;
        while (at < len && body[at] == ' ')
            at++;
        if (at >= len)
            break;
        if (parts == MAX_PARTS)
            return -1;
        /* where each level's last cut that fits is */
        for (i = at; i < len; i++) {
            level = i + 1 == len ? 4 : cut_level(body, len, i);
            if (level == 0)
                continue;
            if (i + 1 - at >= sizeof(buf) - 200)
                break;
            compose(buf, sizeof(buf), prefix, body + at, i + 1 - at, parts + 1, n, tag);
            if ((w = weight(sc, buf, cfg)) < 0)
                return -1;
            if (w > cfg->max_weighted_length)
                break;
            best_at[level] = i + 1;
            if (i + 1 > longest)
                longest = i + 1;
        }
        /*
         * A sentence end when one fits, then a clause mark, then a space; but not
         * a cut that keeps less than a fifth (a sentence) or a third (a clause)
         * of what would fit: a thread of scraps is no easier to read.
         */
        for (level = 4; level >= 1 && best_level < 0; level--)
            if (best_at[level] > at &&
                (level >= 4 || level == 1 ||
                 (best_at[level] - at) * (level == 3 ? 5 : 3) >= longest - at)) {
                best = best_at[level];
                best_level = level;
            }
        if (best_level < 0) {
            /* one word longer than a post: cut it between characters where it fills the post */
            size_t cut = at;
            for (i = at + 1; i <= len && i - at < sizeof(buf) - 200; i++) {
                if (i < len && (body[i] & 0xC0) == 0x80)
                    continue; /* inside a character */
                compose(buf, sizeof(buf), prefix, body + at, i - at, parts + 1, n, tag);
                if ((w = weight(sc, buf, cfg)) < 0)
                    return -1;
                if (w > cfg->max_weighted_length)
                    break;
                cut = i;
            }
            if (cut == at)
                return -1; /* not even one character fits beside the prefix and the tag */
            best = cut;
        }
        starts[parts] = at;
        ends[parts] = best;
        parts++;
        at = best;
    }
    return parts;
}

size_t
text_speaker_prefix_len(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len && i <= PREFIX_MAX; i++)
        if (s[i] == ':' && i + 1 < len && s[i + 1] == ' ')
            return i;
        else if (s[i] == '.' || s[i] == '?' || s[i] == '!' || s[i] == '\n')
            return 0;
    return 0;
}

int
text_split(const char *s, size_t len, int limit, const char *hashtag, struct text_split *out)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    size_t starts[MAX_PARTS], ends[MAX_PARTS], at, p_end = 0;
    char prefix[PREFIX_MAX + 1] = "", buf[8192];
    bool had_tag;
    const char *body = s, *tag = hashtag;
    size_t body_len = len, i;
    int n = 1, got, tries;

    memset(out, 0, sizeof(*out));
    if (text_utf8_check(s, len, &at) != TEXT_UTF8_OK || limit < 20 || len > 16384)
        return -1;
    cfg.max_weighted_length = limit;
    /* a speaker prefix, "Name: …", is repeated on every part */
    if ((p_end = text_speaker_prefix_len(s, len)) > 0) {
        memcpy(prefix, s, p_end);
        prefix[p_end] = '\0';
        body = s + p_end + 2;
        body_len = len - p_end - 2;
    }
    /* the tag goes at the end of each part; once there, not again */
    if (tag != NULL && tag[0] == '#')
        tag++;
    had_tag = tag != NULL && has_tag(body, body_len, tag);
    if (had_tag) {
        /* drop it from the body's end when it ends there, else leave the body as it is */
        size_t t = strlen(tag);
        if (body_len > t + 1 && body[body_len - t - 1] == '#' &&
            strncasecmp(body + body_len - t, tag, t) == 0) {
            body_len -= t + 1;
            while (body_len > 0 && body[body_len - 1] == ' ')
                body_len--;
        } else {
            tag = NULL;
        }
    }
    /* it fits whole (its hashtag too): one post, no number */
    {
        struct text_parse_result r;
        if (text_parse(&sc, s, len, &cfg, &r) != 0) {
            text_scratch_release(&sc);
            return -1;
        }
        if (r.valid && (hashtag == NULL || hashtag[0] == '\0' || tag == NULL || had_tag)) {
            text_scratch_release(&sc);
            if ((out->parts = malloc(sizeof(*out->parts))) == NULL ||
                (out->parts[0] = str_dup_n(s, len)) == NULL) {
                free(out->parts);
                out->parts = NULL;
                return -1;
            }
            out->n = 1;
            return 0;
        }
    }
    /* n parts need "n/n" room: guess, and guess again when the count changes */
    for (tries = 0; tries < 4; tries++) {
        got = pack(&sc, &cfg, p_end > 0 ? prefix : NULL, body, body_len, tag, n, starts, ends);
        if (got < 0 || got == n)
            break;
        n = got;
    }
    if (got <= 0 || got != n) {
        text_scratch_release(&sc);
        return -1;
    }
    if ((out->parts = calloc((size_t)n, sizeof(*out->parts))) == NULL) {
        text_scratch_release(&sc);
        return -1;
    }
    out->n = (size_t)n;
    for (i = 0; i < (size_t)n; i++) {
        size_t e = ends[i];
        while (e > starts[i] && body[e - 1] == ' ')
            e--;
        compose(buf, sizeof(buf), p_end > 0 ? prefix : NULL, body + starts[i], e - starts[i],
                (int)i + 1, n, tag);
        if ((out->parts[i] = str_dup_n(buf, strlen(buf))) == NULL) {
            text_scratch_release(&sc);
            text_split_release(out);
            return -1;
        }
    }
    text_scratch_release(&sc);
    return 0;
}

void
text_split_release(struct text_split *sp)
{
    size_t i;

    for (i = 0; sp->parts != NULL && i < sp->n; i++)
        free(sp->parts[i]);
    free(sp->parts);
    memset(sp, 0, sizeof(*sp));
}
