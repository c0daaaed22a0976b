/*
 * api/speakers.h - the speaker a post's own words name (api/speakers.c),
 * for the composer, the Mastodon API and imports alike.
 */
#ifndef GZ_API_SPEAKERS_H
#define GZ_API_SPEAKERS_H

#include <stddef.h>

#include "store/store.h"

enum speaker_kind {
    SPEAKER_NONE,     /* no prefix, an unknown one, or one that fits two people */
    SPEAKER_PERSON,   /* name: one of the event's people */
    SPEAKER_AUDIENCE, /* label: the prefix as written ("Commentaire de l'assemblée") */
};

struct speaker_match {
    const char *name;                /* SPEAKER_PERSON: the person's name as the event has it */
    const char *label;               /* SPEAKER_AUDIENCE: the words used, in ar */
    size_t prefix_start, prefix_len; /* where the name (or words) are in the text */
};

/*
 * Reads the prefix of text (before a colon, at its start or right after a
 * question) and matches it against e's people (e read with them). Strings
 * in ar.
 */
enum speaker_kind speaker_find(struct arena *ar, const struct event *e, const char *text,
                               struct speaker_match *out);

/* Forgets the people's keys kept between calls (at shutdown, and in tests). */
void speaker_tables_clear(void);

#endif
