/*
 * api/publisher.c - from the change log to the live streams. The store's
 * triggers write every change a reader can see into post_changes (schema
 * 3); a thread, woken after each commit of this process and once a second
 * for the writes of other processes (an import), reads the changes after
 * the last one it published, formats each once as a server-sent event -
 * the post as the API shows it - and hands it to the hub (live/) with its
 * topics; or, when no stream is open on any of its topics, only marks it
 * published (live_skip_unheard), rendering it for nobody. A change is
 * published only after its commit and in seq order, so a stream never
 * shows what was rolled back nor gets two changes out of order. The stream
 * handlers format with the same function to replay what a reconnecting
 * client missed, so a replayed event is the live one.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/posts.h"
#include "api/publisher.h"
#include "core/log.h"
#include "core/rc.h"
#include "live/live.h"

#define POLL_MS 1000
#define BATCH   256

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping, running, committed;
static _Atomic unsigned long long n_rendered, n_unheard; /* for /metrics */

/* "id: SEQ\nevent: KIND\ndata: JSON\n\n", in ar; JSON_COMPACT never writes a line break. */
static bool
sse(struct arena *ar, const struct post_change *c, const char *kind, json_t *data,
    struct change_event *out)
{
    char *json = data != NULL ? json_dumps(data, JSON_COMPACT) : NULL;

    json_decref(data);
    if (json == NULL)
        return false;
    out->bytes =
        arena_printf(ar, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)c->seq, kind, json);
    free(json);
    if (out->bytes == NULL)
        return false;
    out->len = strlen(out->bytes);
    return true;
}

static bool
add_topic(struct arena *ar, struct change_event *out, const char *prefix, const char *name)
{
    const char *t;

    if (out->n_topics == CHANGE_MAX_TOPICS)
        return true; /* a post with more tags than that: the first ones have streams */
    if ((t = arena_printf(ar, "%s%s", prefix, name)) == NULL)
        return false;
    out->topics[out->n_topics++] = t;
    return true;
}

/* Adds "t:TAG" unless there. */
static bool
add_tag_topic(struct arena *ar, struct change_event *out, const char *tag)
{
    const char *t = arena_printf(ar, "t:%s", tag);

    if (t == NULL)
        return false;
    return change_has_topic(out, t) || add_topic(ar, out, "", t);
}

const char *
change_event_topic(struct arena *ar, char kind, int64_t event_id)
{
    return arena_printf(ar, "%c:%lld", kind, (long long)event_id);
}

/* Adds the topic of event_id's stream ('e') or moderation queue ('m'). */
static bool
add_event_topic(struct arena *ar, struct change_event *out, char kind, int64_t event_id)
{
    const char *t = change_event_topic(ar, kind, event_id);

    return t != NULL && add_topic(ar, out, "", t);
}

/*
 * The public topics of a change of a post of event event_id: the event, the
 * public stream, the post's tags now (tags, n_tags) and those the change
 * row kept (a deleted post's, or an edited one's before the edit,
 * space-separated), so the stream of a tag an edit removed hears of it.
 */
static bool
public_topics(struct arena *ar, struct change_event *out, int64_t event_id, const char *const *tags,
              size_t n_tags, const char *row_tags)
{
    char *copy, *tag, *save = NULL;
    size_t i;

    if (!add_event_topic(ar, out, 'e', event_id) || !add_topic(ar, out, "p", ""))
        return false;
    for (i = 0; i < n_tags; i++)
        if (!add_tag_topic(ar, out, tags[i]))
            return false;
    if (row_tags == NULL)
        return true;
    if ((copy = arena_strdup(ar, row_tags)) == NULL)
        return false;
    for (tag = strtok_r(copy, " ", &save); tag != NULL; tag = strtok_r(NULL, " ", &save))
        if (!add_tag_topic(ar, out, tag))
            return false;
    return true;
}

/*
 * Before any read: may a stream hear change c? Its event's stream and
 * queue and the public stream are known from the change row; its tags are
 * not, so any stream on a tag counts. False: c was marked published.
 */
static bool
heard_at_all(struct arena *ar, const struct post_change *c)
{
    const char *topics[3] = {change_event_topic(ar, 'e', c->event_id),
                             change_event_topic(ar, 'm', c->event_id), "p"};

    if (topics[0] == NULL || topics[1] == NULL)
        return true; /* no memory: the full path says so */
    return !live_skip_unheard(c->seq, topics, 3, true);
}

/*
 * change_format's work; with live, the topics are found first, and the
 * change is rendered only when a stream may hear it (live_skip_unheard):
 * else out->unheard, no bytes.
 */
static int
format(struct store *st, struct arena *ar, const struct post_change *c, bool live,
       struct change_event *out)
{
    struct event e;
    struct post p;
    json_t *data;
    const char *kind = c->kind;
    int rc;
    bool exists;

    memset(out, 0, sizeof(*out));
    if (live && !heard_at_all(ar, c)) { /* not even a read */
        out->unheard = true;
        return RC_OK;
    }
    if ((rc = store_event_find_id(st, ar, c->event_id, &e)) != RC_OK)
        return rc == RC_NOTFOUND ? RC_OK : rc; /* the event is gone: nothing to show */
    if (strcmp(e.state, "draft") == 0)
        return RC_OK;
    rc = store_post_get(st, ar, c->post_id, &p);
    if (rc != RC_OK && rc != RC_NOTFOUND)
        return rc;
    exists = rc == RC_OK;
    if (strcmp(kind, "post") == 0 || strcmp(kind, "update") == 0) {
        /* shown as it is now; if it went since, a later change says so */
        if (!exists || strcmp(p.state, "visible") != 0)
            return RC_OK;
        if (!public_topics(ar, out, e.id, p.tags, p.n_tags, c->tags))
            return RC_NOMEM;
    } else if (strcmp(kind, "delete") == 0) {
        if (!public_topics(ar, out, e.id, exists ? p.tags : NULL, exists ? p.n_tags : 0, c->tags))
            return RC_NOMEM;
    } else if (strcmp(kind, "pending") == 0) {
        if (!exists || strcmp(p.state, "pending") != 0)
            return RC_OK;
        if (!add_event_topic(ar, out, 'm', e.id))
            return RC_NOMEM;
    } else if (strcmp(kind, "moderated") == 0) {
        if (!add_event_topic(ar, out, 'm', e.id))
            return RC_NOMEM;
    } else {
        return RC_OK;
    }
    if (live && live_skip_unheard(c->seq, out->topics, out->n_topics, false)) {
        out->unheard = true;
        return RC_OK;
    }
    if (strcmp(kind, "delete") == 0)
        data = json_pack("{s:s, s:s}", "id", arena_printf(ar, "%lld", (long long)c->post_id),
                         "event", e.slug);
    else if (strcmp(kind, "moderated") == 0)
        data = json_pack("{s:s, s:s, s:s}", "id", arena_printf(ar, "%lld", (long long)c->post_id),
                         "event", e.slug, "state", exists ? p.state : "deleted");
    else
        data = post_json(&p, e.slug);
    return sse(ar, c, kind, data, out) ? RC_OK : RC_NOMEM;
}

int
change_format(struct store *st, struct arena *ar, const struct post_change *c,
              struct change_event *out)
{
    return format(st, ar, c, false, out);
}

bool
change_has_topic(const struct change_event *ev, const char *topic)
{
    size_t i;

    for (i = 0; i < ev->n_topics; i++)
        if (strcmp(ev->topics[i], topic) == 0)
            return true;
    return false;
}

/* Other renderings of each change (the Mastodon API's), which publish themselves. */
#define MAX_ALSO 4
static change_publisher also[MAX_ALSO];
static size_t n_also;

void
publisher_also(change_publisher publish)
{
    if (n_also < MAX_ALSO)
        also[n_also++] = publish;
}

static favourite_listener on_favourite;

void
publisher_on_favourite(favourite_listener listener)
{
    on_favourite = listener;
}

void
publisher_favourited(struct request *req, struct store *st, int64_t account, const struct post *p)
{
    if (on_favourite != NULL)
        on_favourite(req, st, account, p);
}

/* Publishes what was committed after *last; false when the store failed. */
static bool
publish_new(struct store *st, int64_t *last)
{
    struct change_query q = {.after = *last, .limit = BATCH};
    struct arena ar = {0};
    struct post_change *v;
    struct change_event ev;
    size_t n, i, k;
    int rc;

    do {
        q.after = *last;
        if ((rc = store_changes(st, &ar, &q, &v, &n)) != RC_OK) {
            log_warnx("publisher: cannot read the changes: %s", store_errmsg(st));
            arena_release(&ar);
            return false;
        }
        for (i = 0; i < n; i++) {
            if ((rc = format(st, &ar, &v[i], true, &ev)) != RC_OK) {
                log_warnx("publisher: cannot format change %lld: %s", (long long)v[i].seq,
                          store_errmsg(st));
                arena_release(&ar);
                return false; /* tried again at the next wake */
            }
            if (ev.unheard) {
                atomic_fetch_add_explicit(&n_unheard, 1, memory_order_relaxed);
            } else {
                live_publish(v[i].seq, ev.topics, ev.n_topics, ev.bytes, ev.len);
                if (ev.n_topics > 0)
                    atomic_fetch_add_explicit(&n_rendered, 1, memory_order_relaxed);
            }
            for (k = 0; k < n_also; k++)
                if (also[k](st, &ar, &v[i]) != RC_OK)
                    log_warnx("publisher: cannot render change %lld for the Mastodon API",
                              (long long)v[i].seq);
            *last = v[i].seq;
        }
        arena_release(&ar);
    } while (n == BATCH);
    return true;
}

static void
on_commit(void)
{
    pthread_mutex_lock(&lock);
    if (!committed) {
        committed = true;
        pthread_cond_signal(&wake);
    }
    pthread_mutex_unlock(&lock);
}

static void *
publisher_main(void *arg)
{
    const struct app *app = arg;
    int64_t last = live_last_seq();
    struct timespec at;

    pthread_mutex_lock(&lock);
    while (!stopping) {
        committed = false;
        pthread_mutex_unlock(&lock);
        struct store *st = app_store(app);
        if (st != NULL)
            publish_new(st, &last);
        pthread_mutex_lock(&lock);
        if (committed || stopping)
            continue;
        clock_gettime(CLOCK_REALTIME, &at);
        at.tv_nsec += POLL_MS * 1000000L;
        at.tv_sec += at.tv_nsec / 1000000000L;
        at.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&wake, &lock, &at);
    }
    pthread_mutex_unlock(&lock);
    app_store_close_thread();
    return NULL;
}

int
publisher_start(const struct app *app, struct store *st)
{
    int64_t last = 0;

    /* what is in the log already was before any stream: start after it */
    if (store_changes_last(st, &last) != RC_OK) {
        log_warnx("publisher: cannot read the change log: %s", store_errmsg(st));
        return -1;
    }
    live_set_last_seq(last);
    stopping = false;
    if (pthread_create(&thread, NULL, publisher_main, (void *)app) != 0)
        return -1;
    running = true;
    store_commit_notify(on_commit);
    return 0;
}

void
publisher_stop(void)
{
    if (!running)
        return;
    store_commit_notify(NULL);
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = false;
}

void
publisher_counts(unsigned long long *rendered, unsigned long long *unheard)
{
    *rendered = atomic_load_explicit(&n_rendered, memory_order_relaxed);
    *unheard = atomic_load_explicit(&n_unheard, memory_order_relaxed);
}
