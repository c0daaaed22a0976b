/*
 * api/import_zip.h - the tweet files of a Twitter archive's zip, the file
 * Twitter hands out, read in place from memory for api/importer.c: so the
 * archive can be imported as it came, without unzipping it first.
 */
#ifndef GZ_API_IMPORT_ZIP_H
#define GZ_API_IMPORT_ZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* The tweet files read at most this many bytes once uncompressed, all parts together. */
#define IMPORT_ZIP_MAX_BYTES ((size_t)256 << 20)

/* One tweet file of the archive, as uncompressed. */
struct import_zip_part {
    const char *name; /* its name in the zip ("data/tweets-part1.js"), for errors */
    const char *data; /* its bytes, NUL-terminated, in the arena */
    size_t len;
};

/* Whether data[0..len) starts as a zip does ("PK\3\4", or "PK\5\6" when empty). */
bool import_zip_is(const char *data, size_t len);

/*
 * The tweet files of the zip data[0..len): data/tweets.js or data/tweet.js,
 * then data/tweets-part1.js (or tweet-part1.js), part2, …, in that order,
 * under any leading folder. RC_OK with at least one part, or RC_INVALID
 * with *error saying why (in ar): not a zip or a damaged one, no tweet
 * file, over IMPORT_ZIP_MAX_BYTES, an entry whose real size is not the
 * declared one. RC_NOMEM when memory runs out.
 */
int import_zip_tweets(struct arena *ar, const char *data, size_t len,
                      struct import_zip_part **parts, size_t *n, const char **error);

#endif
