/*
 * api/importer.h - posts written elsewhere, brought into an event (issue 7,
 * "Import"): a plain list of messages (one per line, "-" optional, like the
 * middle of the reference document), a Twitter archive's data/tweets.js
 * (window.YTD.tweets.part0 = [...]) or the archive's zip itself (its tweet
 * files read by api/import_zip.c), and a Mastodon export's outbox.json.
 * Used by "gazouillis import FILE --event SLUG" and the event's edit page.
 */
#ifndef GZ_API_IMPORTER_H
#define GZ_API_IMPORTER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

enum import_format { IMPORT_LIST, IMPORT_TWITTER, IMPORT_OUTBOX };

/* One message read from a file. */
struct import_item {
    const char *text;       /* plain text */
    const char *created_at; /* "YYYY-MM-DDTHH:MM:SSZ", or NULL when the source has no time */
    size_t where;           /* its line (a list) or its place (an archive), from 1 */
};

/*
 * Reads data[0..len) (its format guessed from its first bytes; a zip is a
 * Twitter archive, its parts' tweets numbered in order) into items,
 * in the arena. RC_OK, or RC_INVALID with *error saying what is wrong and
 * where (in ar), nothing read.
 */
int import_parse(struct arena *ar, const char *data, size_t len, enum import_format *format,
                 struct import_item **items, size_t *n, const char **error);

/* What an import did, item by item. */
struct import_note {
    size_t where;
    const char *what; /* "imported", "over the limit", "duplicate", … */
};

struct import_report {
    size_t read, imported, over_limit, duplicates, other_tags, out_of_range, refused;
    struct import_note *notes; /* the items not imported as they were, in order */
    size_t n_notes;
};

struct import_options {
    const char *since, *until; /* ISO 8601: only what is in [since, until); NULL: no bound */
    bool require_tag;          /* only messages carrying the event's hashtag */
};

/*
 * Stores items as posts of e (read with its people) by acc, in one
 * transaction: times kept when they have one, the event's hashtag added
 * when missing, speakers found in the words (api/speakers.c), texts over
 * the event's limit kept as records (up to twice it) and reported; a
 * message already in the event (same text), or twice in the file, is
 * skipped, so importing a file again adds nothing. progress (may be NULL)
 * is called as items are done. RC_OK with *rep filled, or an rc with
 * nothing stored.
 */
int import_run(struct store *st, struct arena *ar, const struct event *e, const struct account *acc,
               const struct import_item *items, size_t n, const struct import_options *opt,
               struct import_report *rep, void (*progress)(size_t done, size_t total, void *arg),
               void *arg);

#endif
