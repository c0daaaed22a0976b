/*
 * api/publisher.h - the change log (store) made into live events (live/):
 * the publisher thread, and the formatting the stream handlers share with
 * it to replay what a reconnecting client missed.
 */
#ifndef GZ_API_PUBLISHER_H
#define GZ_API_PUBLISHER_H

#include <stdbool.h>

#include "api/app.h"

#define CHANGE_MAX_TOPICS 16

/* One change as the streams show it. */
struct change_event {
    const char *bytes; /* one server-sent event: "id: SEQ\nevent: KIND\ndata: JSON\n\n" */
    size_t len;
    const char *topics[CHANGE_MAX_TOPICS]; /* "e:ID", "p", "t:TAG", "m:ID" */
    size_t n_topics;                       /* 0: nothing to show now */
    bool unheard; /* the publisher's: no stream on its topics, so not rendered (no bytes) */
};

/*
 * Formats change c as it shows now, in ar: "post" and "update" with the
 * post as the API shows it, to its event, the public stream and its tags'
 * streams; "delete" with {"id", "event"} to the same; "pending" (the post)
 * and "moderated" ({"id", "event", "state"}) to the event's moderation
 * queue ("m:ID"). Nothing (n_topics 0) when the event is a draft or gone,
 * or the post no longer is what the change said (a later change says
 * what it became). RC_OK, or the store's rc.
 */
int change_format(struct store *st, struct arena *ar, const struct post_change *c,
                  struct change_event *out);
bool change_has_topic(const struct change_event *ev, const char *topic);
/*
 * The topic of an event's stream ('e': "e:ID") or of its moderation queue
 * ('m': "m:ID"), in ar: by id, so that the streams of a renamed event go
 * on, and the publisher knows them before reading the post. NULL: no memory.
 */
const char *change_event_topic(struct arena *ar, char kind, int64_t event_id);

/*
 * Other renderings of every change, each publishing to its own topics
 * (live_publish, with the change's seq) after the first: the Mastodon
 * API's streams ("M:…", "W:…"). Set before publisher_start(). An rc other
 * than RC_OK is logged; the change is still published as the API's.
 */
typedef int (*change_publisher)(struct store *st, struct arena *ar, const struct post_change *c);
void publisher_also(change_publisher publish);

/*
 * Told of each favourite account gave post p (the web's like, the API's, a
 * Mastodon app's), on the request's thread, after it is stored: the
 * Mastodon API notifies the post's author on its streams. Set before the
 * server starts; publisher_favourited() calls it.
 */
typedef void (*favourite_listener)(struct request *req, struct store *st, int64_t account,
                                   const struct post *p);
void publisher_on_favourite(favourite_listener listener);
void publisher_favourited(struct request *req, struct store *st, int64_t account,
                          const struct post *p);

/* Starts the thread; st (the caller's connection) reads where the log ends now. */
int publisher_start(const struct app *app, struct store *st);
void publisher_stop(void);
/* Changes published so far: rendered for open streams, and marked published for nobody. */
void publisher_counts(unsigned long long *rendered, unsigned long long *unheard);

#endif
