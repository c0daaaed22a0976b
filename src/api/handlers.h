/*
 * api/handlers.h - the handlers of the route table (api/routes.c), named
 * after their routes.
 */
#ifndef GZ_API_HANDLERS_H
#define GZ_API_HANDLERS_H

#include "http/http.h"

int api_healthz(struct request *req, struct response *res);
int api_metrics(struct request *req, struct response *res);
int api_events_create(struct request *req, struct response *res);
int api_events_list(struct request *req, struct response *res);
int api_events_get(struct request *req, struct response *res);
int api_events_update(struct request *req, struct response *res);
int api_events_delete(struct request *req, struct response *res);
int api_posts_create(struct request *req, struct response *res);
int api_posts_list(struct request *req, struct response *res);
int api_posts_get(struct request *req, struct response *res);
int api_posts_update(struct request *req, struct response *res);
int api_posts_delete(struct request *req, struct response *res);
int api_text_count(struct request *req, struct response *res);
int api_text_split(struct request *req, struct response *res);
int api_text_fit(struct request *req, struct response *res);
int api_stream_event(struct request *req, struct response *res);
int api_stream_tag(struct request *req, struct response *res);
int api_stream_public(struct request *req, struct response *res);
int api_moderation_pending(struct request *req, struct response *res);
int api_moderation_stream(struct request *req, struct response *res);
int api_posts_approve(struct request *req, struct response *res);
int api_posts_hide(struct request *req, struct response *res);
int api_comments_list(struct request *req, struct response *res);
int api_comments_create(struct request *req, struct response *res);
int api_comments_get(struct request *req, struct response *res);
int api_comments_update(struct request *req, struct response *res);
int api_comments_delete(struct request *req, struct response *res);
int api_comments_like(struct request *req, struct response *res);
int api_comments_unlike(struct request *req, struct response *res);
int api_comments_approve(struct request *req, struct response *res);
int api_comments_spam(struct request *req, struct response *res);
int api_comments_ban(struct request *req, struct response *res);
int api_posts_like(struct request *req, struct response *res);
int api_posts_unlike(struct request *req, struct response *res);

#endif
