/*
 * api/import_zip.c - a Twitter archive's zip read in place (api/import_zip.h).
 * libzip reads the central directory and inflates the entries from the
 * uploaded bytes; only the tweet files are read, the media and the rest of
 * the archive are left alone. A zip is a hostile input: the declared sizes
 * are checked against a total before anything is inflated, and an entry is
 * read into a buffer one byte longer than it claims, so one that inflates
 * past its size is refused instead of overrunning anything.
 */
#include <ctype.h>
#include <string.h>

#include <zip.h>

#include "api/import_zip.h"
#include "core/rc.h"

#define MAX_PARTS 1000 /* data/tweets-part999.js at most; Twitter numbers them from 1 */

bool
import_zip_is(const char *data, size_t len)
{
    return len >= 4 && (memcmp(data, "PK\3\4", 4) == 0 || memcmp(data, "PK\5\6", 4) == 0);
}

/* *error = "NAME: WHAT" (or WHAT alone when name is NULL); RC_INVALID. */
static int
refuse(struct arena *ar, const char **error, const char *name, const char *what)
{
    if (what == NULL)
        return RC_NOMEM;
    *error = name != NULL ? arena_printf(ar, "%s: %s", name, what) : what;
    return *error != NULL ? RC_INVALID : RC_NOMEM;
}

/* *error = "the zip is damaged: NAME: WHY"; RC_INVALID. */
static int
damaged(struct arena *ar, const char **error, const char *name, const char *why)
{
    if (why == NULL)
        return RC_NOMEM;
    return refuse(ar, error, NULL,
                  name != NULL ? arena_printf(ar, "the zip is damaged: %s: %s", name, why)
                               : arena_printf(ar, "the zip is damaged: %s", why));
}

/*
 * The part a name is, or -1 when it is no tweet file: ".../data/tweets.js"
 * or ".../data/tweet.js" 0, ".../data/tweets-part2.js" 2; "data" must be
 * the whole name of the folder above.
 */
static int
part_number(const char *name)
{
    const char *base = strrchr(name, '/'), *p;
    int n = 0;

    if (base == NULL || base - name < 4 || memcmp(base - 4, "data", 4) != 0 ||
        (base - name > 4 && base[-5] != '/'))
        return -1;
    base++;
    if (strncmp(base, "tweets", 6) == 0)
        p = base + 6;
    else if (strncmp(base, "tweet", 5) == 0)
        p = base + 5;
    else
        return -1;
    if (strcmp(p, ".js") == 0)
        return 0;
    if (strncmp(p, "-part", 5) != 0 || !isdigit((unsigned char)p[5]))
        return -1;
    for (p += 5; isdigit((unsigned char)*p) && n < MAX_PARTS; p++)
        n = n * 10 + (*p - '0');
    return n < MAX_PARTS && strcmp(p, ".js") == 0 ? n : -1;
}

/* The zip's entry of each part (where[k], -1 when none), and their declared sizes in *total. */
static int
find_parts(struct arena *ar, zip_t *z, zip_int64_t *where, zip_uint64_t *total, const char **error)
{
    zip_int64_t count = zip_get_num_entries(z, 0), i;
    int k;

    for (k = 0; k < MAX_PARTS; k++)
        where[k] = -1;
    *total = 0;
    for (i = 0; i < count; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        zip_stat_t st;
        if (name == NULL)
            return damaged(ar, error, NULL, "an entry has no name");
        if ((k = part_number(name)) < 0)
            continue;
        if (where[k] >= 0)
            return refuse(ar, error, name,
                          arena_printf(ar, "a second tweet file for part %d, beside %s", k,
                                       zip_get_name(z, (zip_uint64_t)where[k], 0)));
        if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
            return damaged(ar, error, name, "no size");
        if (st.size > IMPORT_ZIP_MAX_BYTES - *total)
            return refuse(ar, error, NULL,
                          arena_printf(ar,
                                       "the zip's tweet files are over %zu MiB once "
                                       "uncompressed: refused (a zip bomb?)",
                                       IMPORT_ZIP_MAX_BYTES >> 20));
        *total += st.size;
        where[k] = i;
    }
    return RC_OK;
}

/* Entry index, of the declared size, into *part: all of it and not one byte more. */
static int
read_entry(struct arena *ar, zip_t *z, zip_int64_t index, struct import_zip_part *part,
           const char **error)
{
    zip_stat_t st;
    zip_file_t *f;
    zip_uint64_t got = 0;
    zip_int64_t r = 0;
    const char *name = zip_get_name(z, (zip_uint64_t)index, 0);
    char *buf;

    if (name == NULL || zip_stat_index(z, (zip_uint64_t)index, 0, &st) != 0)
        return damaged(ar, error, name, "unreadable entry");
    if ((part->name = arena_strdup(ar, name)) == NULL)
        return RC_NOMEM;
    if ((f = zip_fopen_index(z, (zip_uint64_t)index, 0)) == NULL)
        return damaged(ar, error, part->name, zip_error_strerror(zip_get_error(z)));
    if ((buf = arena_alloc(ar, (size_t)st.size + 2)) == NULL) {
        zip_fclose(f);
        return RC_NOMEM;
    }
    while (got <= st.size && (r = zip_fread(f, buf + got, st.size + 1 - got)) > 0)
        got += (zip_uint64_t)r;
    if (r < 0) {
        int rc = damaged(ar, error, part->name, zip_error_strerror(zip_file_get_error(f)));
        zip_fclose(f);
        return rc;
    }
    zip_fclose(f);
    if (got > st.size)
        return refuse(ar, error, part->name,
                      arena_printf(ar,
                                   "longer than the %llu bytes the zip declares: refused (a "
                                   "zip bomb?)",
                                   (unsigned long long)st.size));
    if (got < st.size)
        return damaged(ar, error, part->name,
                       arena_printf(ar, "shorter than the %llu bytes the zip declares",
                                    (unsigned long long)st.size));
    buf[got] = '\0';
    part->data = buf;
    part->len = (size_t)got;
    return RC_OK;
}

/* The parts found, read in their order. */
static int
read_parts(struct arena *ar, zip_t *z, struct import_zip_part **parts, size_t *n,
           const char **error)
{
    zip_int64_t *where = arena_alloc(ar, MAX_PARTS * sizeof(*where));
    zip_uint64_t total;
    int k, rc;

    if (where == NULL)
        return RC_NOMEM;
    if ((rc = find_parts(ar, z, where, &total, error)) != RC_OK)
        return rc;
    for (k = 0; k < MAX_PARTS; k++)
        *n += where[k] >= 0;
    if (*n == 0)
        return refuse(ar, error, NULL, "the zip holds no data/tweets.js: is it a Twitter archive?");
    if ((*parts = arena_alloc(ar, *n * sizeof(**parts))) == NULL)
        return RC_NOMEM;
    for (*n = 0, k = 0; k < MAX_PARTS; k++)
        if (where[k] >= 0 && (rc = read_entry(ar, z, where[k], &(*parts)[(*n)++], error)) != RC_OK)
            return rc;
    return RC_OK;
}

int
import_zip_tweets(struct arena *ar, const char *data, size_t len, struct import_zip_part **parts,
                  size_t *n, const char **error)
{
    zip_error_t zerr;
    zip_source_t *src;
    zip_t *z = NULL;
    int rc;

    *parts = NULL;
    *n = 0;
    zip_error_init(&zerr);
    if ((src = zip_source_buffer_create(data, len, 0, &zerr)) == NULL ||
        (z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)) == NULL) {
        rc = damaged(ar, error, NULL, zip_error_strerror(&zerr));
        zip_source_free(src);
        zip_error_fini(&zerr);
        return rc;
    }
    zip_error_fini(&zerr);
    rc = read_parts(ar, z, parts, n, error);
    zip_discard(z);
    return rc;
}
