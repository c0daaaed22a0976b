/*
 * masto/masto_int.h - the handlers of the Mastodon API, named after their
 * routes (masto/routes.c), and what only src/masto/ shares.
 */
#ifndef GZ_MASTO_MASTO_INT_H
#define GZ_MASTO_MASTO_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "http/http.h"

#define MASTO_OOB "urn:ietf:wg:oauth:2.0:oob" /* the out-of-band redirect: the code is shown */

/* masto/common.c: whether a query flag is set ("true" or "1", as Mastodon reads them) */
bool masto_query_true(struct request *req, const char *name);

/* masto/instance.c */
int masto_instance_v1(struct request *req, struct response *res);
int masto_instance_v2(struct request *req, struct response *res);
int masto_nodeinfo_links(struct request *req, struct response *res);
int masto_nodeinfo(struct request *req, struct response *res);
int masto_empty_list(struct request *req, struct response *res);
int masto_instance_extended_description(struct request *req, struct response *res);
int masto_preferences(struct request *req, struct response *res);

/* masto/oauth.c */
int masto_apps_create(struct request *req, struct response *res);
int masto_apps_verify(struct request *req, struct response *res);
int masto_oauth_token(struct request *req, struct response *res);
int masto_oauth_revoke(struct request *req, struct response *res);

/* masto/accounts.c */
int masto_verify_credentials(struct request *req, struct response *res);
int masto_update_credentials(struct request *req, struct response *res);
int masto_account_get(struct request *req, struct response *res);
int masto_account_lookup(struct request *req, struct response *res);
int masto_account_statuses(struct request *req, struct response *res);
int masto_account_relationships(struct request *req, struct response *res);
int masto_account_search(struct request *req, struct response *res);
int masto_account_empty_list(struct request *req, struct response *res);
int masto_favourites(struct request *req, struct response *res);

/* masto/statuses.c */
int masto_status_create(struct request *req, struct response *res);
int masto_status_get(struct request *req, struct response *res);
int masto_status_update(struct request *req, struct response *res);
int masto_status_delete(struct request *req, struct response *res);
int masto_status_context(struct request *req, struct response *res);
int masto_status_favourite(struct request *req, struct response *res);
int masto_status_unfavourite(struct request *req, struct response *res);
int masto_status_favourited_by(struct request *req, struct response *res);
int masto_status_bookmark(struct request *req, struct response *res);
int masto_status_pin(struct request *req, struct response *res);
int masto_status_unpin(struct request *req, struct response *res);
int masto_status_unbookmark(struct request *req, struct response *res);
int masto_status_source(struct request *req, struct response *res);
int masto_status_history(struct request *req, struct response *res);
int masto_status_reblog(struct request *req, struct response *res);
int masto_status_unreblog(struct request *req, struct response *res);

/* masto/timelines.c */
int masto_timeline_home(struct request *req, struct response *res);
int masto_timeline_public(struct request *req, struct response *res);
int masto_timeline_tag(struct request *req, struct response *res);

/* masto/streaming.c */
int masto_streaming_health(struct request *req, struct response *res);
int masto_streaming_public(struct request *req, struct response *res);
int masto_streaming_hashtag(struct request *req, struct response *res);
int masto_streaming_websocket(struct request *req, struct response *res);
/* A WebSocket client's text message: the subscription it adds or ends, or
 * the error to answer (a live_ws_message_fn; account: the socket's, or 0). */
struct live_ws_change;
void masto_ws_client_message(int64_t account, const char *text, size_t len,
                             struct live_ws_change *c);

/* masto/scheduled.c: statuses to post later, and the thread that posts them when due */
int masto_scheduled_list(struct request *req, struct response *res);
int masto_scheduled_get(struct request *req, struct response *res);
int masto_scheduled_move(struct request *req, struct response *res);
int masto_scheduled_cancel(struct request *req, struct response *res);
struct scheduled_status;
/* A ScheduledStatus of the Mastodon API. */
struct store;
json_t *masto_scheduled_json(struct request *req, struct store *st,
                             const struct scheduled_status *s);
/*
 * Posts a scheduled status now (masto/statuses.c), in the caller's
 * transaction, routed as a status posted now; the params as
 * store_scheduled_add kept them. RC_INVALID for one that can never be
 * posted, another rc for a failure worth a retry.
 */
struct arena;
struct account;
struct post;
int masto_status_post_scheduled(struct store *st, struct arena *ar, const struct account *acc,
                                const char *params, struct post *out);

/* masto/media.c */
int masto_media_upload(struct request *req, struct response *res);
int masto_media_get(struct request *req, struct response *res);
int masto_media_update(struct request *req, struct response *res);
int masto_media_file(struct request *req, struct response *res);

/* masto/search.c, masto/notifications.c */
int masto_search(struct request *req, struct response *res);
/* A hashtag as a client gives it ("#Innover" or "Innover") as the store keeps it ("innover"), in
 * ar; NULL for none, what is no hashtag, or no memory. */
const char *masto_tag_name(struct arena *ar, const char *raw);
int masto_tag_get(struct request *req, struct response *res);
int masto_notifications(struct request *req, struct response *res);
int masto_notification_get(struct request *req, struct response *res);
int masto_notification_dismiss(struct request *req, struct response *res);
int masto_notifications_clear(struct request *req, struct response *res);
int masto_markers_get(struct request *req, struct response *res);
int masto_markers_set(struct request *req, struct response *res);

#endif
