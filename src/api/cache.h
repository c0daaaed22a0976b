/*
 * api/cache.h - rendered responses kept until the data under them changes.
 * A live event is read by every open page many times between two posts:
 * the posts as JSON and the public event page are rendered once per
 * change, not once per request. Every write to an event (its fields or its
 * posts) calls cache_event_changed(slug); entries are tagged with the
 * event's generation read before rendering, so an entry rendered while a
 * write happened is never served. Thread-safe; bounded memory.
 *
 * Only this process's writes are seen. Nothing else writes an event's
 * posts today (the CLI's import only adds new events); a second server
 * process on one database would need data_version checks, or LISTEN/NOTIFY
 * on PostgreSQL.
 */
#ifndef GZ_API_CACHE_H
#define GZ_API_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define CACHE_MAX_BODY (256 << 10) /* bigger responses are not kept */

/* The current generation of an event; read it before rendering. */
uint64_t cache_event_generation(const char *slug);
/*
 * The generation of what spans events (the Mastodon timelines): every
 * cache_event_changed() bumps it too. "" is a post of no event.
 */
#define CACHE_ALL "*"
/*
 * An event was created, changed or deleted (not only its posts): what is
 * kept of the list of events (the Mastodon API's routing) is stale. The
 * generation to compare with.
 */
void cache_events_changed(void);
uint64_t cache_events_generation(void);
/* Every cached response of the event is stale from now on. */
void cache_event_changed(const char *slug);
/*
 * An account's name shown or note changed: they are on pages of every
 * event, so every cached response is stale from now on. The generation
 * of accounts, for what keeps accounts (masto/tokens.c).
 */
void cache_accounts_changed(void);
uint64_t cache_accounts_generation(void);

/*
 * Inside a transaction that is committed later (api/writer.c's group
 * commit), a generation bumped at once would let a reader render the
 * uncommitted past under the new generation and keep it. Between
 * cache_hold() and cache_release() on one thread, cache_event_changed()
 * only notes the event; cache_release(), called after the commit (or the
 * rollback), bumps every event noted.
 */
void cache_hold(void);
void cache_release(void);

/*
 * The key of an entry: prefix, then each of the n values as "&=VALUE", or
 * "&" alone for a NULL one, with '%', '&', '=' and '?' inside values
 * percent-encoded, so that no two lists of values make the same key (a
 * query's values come decoded: "max_id=1%26x" must not read as "max_id=1",
 * "x"; an empty value must not read as an absent one). In ar; NULL when
 * longer than an entry's key can be (nothing is cached then).
 */
const char *cache_key(struct arena *ar, const char *prefix, const char *const *values, size_t n);

/*
 * Answers from the cache when key (e.g. "posts:SLUG?limit=20") holds a
 * response of the event rendered at its current generation: its status,
 * headers and body, copied. True when it did.
 */
bool cache_answer(const char *key, const char *slug, struct request *req, struct response *res);
/*
 * Keeps kept (a 200 rendered at generation gen, read before rendering).
 * Then res, the answer going out with kept's bytes (most often kept
 * itself), becomes what a hit would send req: "Vary: Accept-Encoding" on a
 * body worth compressing, and the body gzipped (made now, kept with the
 * entry) when req accepts gzip, so the first reader after a change gets it
 * gzipped too. With req NULL it only keeps (res unused).
 */
void cache_keep(const char *key, const char *slug, uint64_t gen, const struct response *kept,
                struct request *req, struct response *res);

/* Frees every entry (at shutdown, and in tests). */
void cache_clear(void);

#endif
