/*
 * web/web_int.h - what the files of web/ share: the HTML writer, the
 * message catalog and dates in two languages, the page layout with its
 * security headers, and the few helpers every page needs (who is looking,
 * which events are public, how a post looks). Nothing outside web/
 * includes it.
 */
#ifndef GZ_WEB_WEB_INT_H
#define GZ_WEB_WEB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http.h"
#include "store/store.h"
#include "text/text.h"

/* ---- languages and the message catalog (web/i18n.c) ---- */

enum web_lang {
    LANG_FR,
    LANG_EN,
};

/* Every user-visible string of the pages. Some are printf formats (noted). */
enum msg {
    MSG_LANG_CODE, /* "fr" */
    MSG_SITE_TAGLINE,
    MSG_NAV_HOME,
    MSG_NAV_SEARCH,
    MSG_SEARCH_LABEL,
    MSG_SEARCH_BUTTON,
    MSG_FOOTER,
    MSG_HOME_TITLE,
    MSG_HOME_LIVE,
    MSG_HOME_UPCOMING,
    MSG_HOME_RECAPS,
    MSG_HOME_PAST,
    MSG_HOME_EMPTY,
    MSG_STATE_LIVE,
    MSG_STATE_ENDED,
    MSG_STATE_PUBLISHED,
    MSG_READ_RECAP,
    MSG_FOLLOW_LIVE,
    MSG_EVENT_POSTS,
    MSG_EVENT_NO_POSTS,
    MSG_OLDER_POSTS,
    MSG_EXPORTS,
    MSG_EXPORT_MD,
    MSG_EXPORT_HTML,
    MSG_EXPORT_JSON,
    MSG_EXPORT_ATOM,
    MSG_AUDIENCE,
    MSG_VENUE,
    MSG_SERIES,     /* format: %s the series */
    MSG_ATTENDANCE, /* format: %lld people */
    MSG_HASHTAG,
    MSG_RECAP_TITLE_SUFFIX,
    MSG_CONTEXT,
    MSG_PANELISTS,
    MSG_MODERATOR,
    MSG_MODERATORS,
    MSG_OTHER_SPEAKERS,
    MSG_ORGANIZERS,
    MSG_SPONSORS,
    MSG_SUPPLIERS,
    MSG_PARTNERS,
    MSG_PEOPLE,
    MSG_ORGANIZATIONS,
    MSG_DISCLAIMER,
    MSG_RECAP_POST_ONE, /* format: %d characters */
    MSG_RECAP_POSTS,    /* format: %zu posts, %d characters */
    MSG_CONCLUSION,
    MSG_SIGNED,
    MSG_BACK_TO_EVENT,
    MSG_TAG_TITLE, /* format: %s the tag */
    MSG_TAG_EMPTY,
    MSG_PROFILE_POSTS,
    MSG_PROFILE_EMPTY,
    MSG_PROFILE_EDIT,
    MSG_PROFILE_TITLE,
    MSG_PROFILE_NAME,
    MSG_PROFILE_NAME_HINT,
    MSG_PROFILE_NOTE,
    MSG_PROFILE_NOTE_HINT,
    MSG_PROFILE_SAVE,
    MSG_PROFILE_REFUSED,
    MSG_SEARCH_TITLE,
    MSG_SEARCH_ONE,     /* format: %s the query */
    MSG_SEARCH_RESULTS, /* format: %zu results, %s the query */
    MSG_SEARCH_NONE,    /* format: %s the query */
    MSG_SEARCH_HINT,
    MSG_IN_EVENT,
    MSG_NOT_FOUND_TITLE,
    MSG_NOT_FOUND_TEXT,
    MSG_ERROR_TITLE,
    MSG_ERROR_TEXT,
    MSG_DISK_FULL_TITLE,
    MSG_DISK_FULL_TEXT,
    MSG_DISK_FULL_REASON, /* the end of a refusal: "… : REASON" */
    MSG_UNAVAILABLE_TEXT,
    /* sign-in, forms, the composer, the event form */
    MSG_SIGN_IN,
    MSG_SIGN_OUT,
    MSG_SIGNED_IN_AS, /* format: %s the account */
    MSG_USERNAME,
    MSG_PASSWORD,
    MSG_LOGIN_FAILED,
    MSG_LOGIN_LIMITED, /* format: %u seconds */
    MSG_BAD_FORM,
    MSG_FORM_REFUSED_TITLE,
    MSG_CSRF_TEXT,
    MSG_FORBIDDEN_TITLE,
    MSG_SIGN_IN_FIRST,
    MSG_NOT_EDITOR,
    MSG_NOT_CREATOR,
    MSG_COMPOSER_TITLE,
    MSG_COMPOSER_TEXT,
    MSG_COMPOSER_SPEAKER,
    MSG_SPEAKER_NOBODY,
    MSG_AUDIENCE_COMMENT, /* the label stored with an audience post */
    MSG_COMPOSER_REMAINING,
    MSG_COMPOSER_HASHTAG, /* format: %s the hashtag */
    MSG_COMPOSER_FORCE,
    MSG_COMPOSER_SUBMIT,
    MSG_POST_TOO_LONG, /* format: %d characters, %d the limit */
    MSG_POST_REFUSED,  /* format: %s the reason */
    MSG_NEW_EVENT,
    MSG_EVENT_TITLE,
    MSG_EVENT_SLUG,
    MSG_EVENT_SLUG_HINT,
    MSG_EVENT_LANG,
    MSG_LANG_FR,
    MSG_LANG_EN,
    MSG_EVENT_LIMIT,
    MSG_EVENT_STARTS,
    MSG_EVENT_OFFSET,
    MSG_EVENT_STATE,
    MSG_EVENT_AUDIENCE_POSTS,
    MSG_EVENT_MODERATION,
    MSG_STATE_DRAFT,
    MSG_EVENT_CREATE,
    MSG_EVENT_REFUSED, /* format: %s the reason */
    MSG_WRITE,
    /* the edit form */
    MSG_EDIT_EVENT,
    MSG_WALL_LINK,
    MSG_MODERATE_LINK,
    MSG_NEW_POSTS_ONE,  /* "{n}" is the number, for the script */
    MSG_NEW_POSTS_MANY, /* same */
    MSG_WALL_JOIN,
    MSG_MODERATE_TITLE,
    MSG_MODERATE_HINT,
    MSG_MODERATE_EMPTY,
    MSG_APPROVE,
    MSG_HIDE,
    MSG_POST_PENDING,
    MSG_MODERATE_OFF,
    MSG_EVENT_SAVE,
    MSG_EVENT_NOT_SAVED, /* format: %s the reason */
    MSG_EVENT_BAD_UTF8,  /* format: %s the field */
    MSG_EVENT_ENDS,
    MSG_EVENT_DATES_HINT,
    MSG_EVENT_TIMEZONE,
    MSG_EVENT_SERIES,
    MSG_VENUE_NAME,
    MSG_VENUE_ADDRESS,
    MSG_VENUE_URL,
    MSG_EVENT_ATTENDANCE,
    MSG_EVENT_SIGNATURE,
    MSG_MARKDOWN_HINT,
    MSG_PERSON, /* format: %zu the row */
    MSG_PERSON_NAME,
    MSG_PERSON_AFFILIATION,
    MSG_PERSON_ROLE,
    MSG_PERSON_ALIASES,
    MSG_PEOPLE_HINT,
    MSG_ORG, /* format: %zu the row */
    MSG_ORG_KIND,
    MSG_ORG_NAME,
    MSG_ORGS_HINT,
    MSG_URL,
    MSG_ROLE_PANELIST,
    MSG_ROLE_MODERATOR,
    MSG_ROLE_SPEAKER,
    MSG_ROLE_HOST,
    MSG_ROLE_ORGANIZER,
    MSG_KIND_ORGANIZER,
    MSG_KIND_SPONSOR,
    MSG_KIND_SUPPLIER,
    MSG_KIND_PARTNER,
    /* changing and deleting a post */
    MSG_POST_EDIT,
    MSG_POST_DELETE,
    MSG_EDIT_POST,
    MSG_POST_SAVE,
    MSG_NOT_AUTHOR,
    MSG_POST_NOT_SAVED, /* format: %s the reason */
    /* comments and likes */
    MSG_COMMENTS_NONE,
    MSG_COMMENTS_ONE,
    MSG_COMMENTS_MANY, /* format: %lld comments */
    MSG_COMMENTS_HEADING,
    MSG_COMMENTS_OLDEST,
    MSG_COMMENTS_NEWEST,
    MSG_COMMENT_DELETED,
    MSG_COMMENT_IN_REPLY, /* format: %s the name */
    MSG_COMMENT_REPLY,
    MSG_COMMENT_EDIT,
    MSG_COMMENT_DELETE,
    MSG_COMMENT_EDITED,
    MSG_COMMENT_GUEST,
    MSG_LIKE,
    MSG_LIKED,
    MSG_LIKE_SIGN_IN,
    MSG_COMMENT_LEAVE,
    MSG_COMMENT_REPLY_TO, /* format: %s the name */
    MSG_COMMENT_CANCEL_REPLY,
    MSG_COMMENT_BODY,
    MSG_COMMENT_BODY_HINT,
    MSG_COMMENT_NAME,
    MSG_COMMENT_EMAIL,
    MSG_COMMENT_HONEYPOT,
    MSG_COMMENT_SUBMIT,
    MSG_COMMENT_SAVE,
    MSG_COMMENT_PENDING,
    MSG_COMMENT_CLOSED,
    MSG_COMMENT_ENDED,
    MSG_COMMENT_MEMBERS,
    MSG_COMMENT_REFUSED, /* format: %s the reason */
    MSG_CE_BANNED,
    MSG_CE_RATE, /* format: %u seconds */
    MSG_CE_HONEYPOT,
    MSG_CE_EMPTY,
    MSG_CE_TOO_LONG, /* format: %zu characters */
    MSG_CE_BAD_TEXT,
    MSG_CE_NAME_MISSING,
    MSG_CE_NAME_TOO_LONG,
    MSG_CE_EMAIL_BAD,
    MSG_CE_PARENT,
    MSG_CE_NOT_AUTHOR,
    MSG_CE_TOO_LATE,
    MSG_CE_STORE,
    MSG_MODERATE_POSTS,
    MSG_MODERATE_COMMENTS,
    MSG_MODERATE_COMMENTS_EMPTY,
    MSG_SPAM,
    MSG_BAN_ADDRESS,
    MSG_BAN_ACCOUNT,
    MSG_EVENT_COMMENTS,
    MSG_COMMENTS_POLICY_CLOSED,
    MSG_COMMENTS_POLICY_MEMBERS,
    MSG_COMMENTS_POLICY_GUESTS,
    MSG_EVENT_COMMENTS_UNTIL,
    MSG_EXPORT_COMMENTS_ATOM,
    /* the OAuth consent page */
    MSG_OAUTH_TITLE,
    MSG_OAUTH_ASKS, /* format: %s the app, %s the account */
    MSG_OAUTH_SCOPE_READ,
    MSG_OAUTH_SCOPE_WRITE,
    MSG_OAUTH_SCOPE_FOLLOW,
    MSG_OAUTH_SCOPE_PUSH,
    MSG_OAUTH_SCOPE_OTHER, /* format: %s the scopes */
    MSG_OAUTH_ALLOW,
    MSG_OAUTH_DENY,
    MSG_OAUTH_CODE,
    MSG_OAUTH_BAD, /* format: %s the reason */
    MSG_MEDIA_CREDIT,
    MSG_MEDIA_CREDIT_SAVE,
    MSG_SPEAKER_AUTO,
    MSG_FILTER_SPEAKER,
    MSG_FILTER_ALL,
    MSG_FILTER_APPLY,
    MSG_WHO_SAID_WHAT,
    MSG_RECAP_IN_ORDER,
    MSG_UNATTRIBUTED,
    MSG_ACTIVITY,
    MSG_ACTIVITY_CAPTION, /* format: %s the first time, %s the last */
    MSG_SHARE,
    MSG_POSTS_COUNT, /* format: %zu posts */
    MSG_IMPORT_TITLE,
    MSG_IMPORT_HINT,
    MSG_IMPORT_FILE,
    MSG_IMPORT_SUBMIT,
    MSG_IMPORT_DONE,    /* format: %zu imported, %zu read */
    MSG_IMPORT_REFUSED, /* format: %s the reason */
    MSG_IMPORT_NOTE,    /* format: %zu the line, %s what */
    MSG_TOOL_SHORTEN,
    MSG_TOOL_SPLIT,
    MSG_TOOL_USE,
    MSG_TOOL_DISMISS,
    MSG_TOOL_POST_THREAD,
    MSG_TOOL_CANNOT_FIT,
    MSG_TOOL_FAILED,
    MSG_N
};

/* The string of id in lang (static). */
const char *msg(enum web_lang lang, enum msg id);
/* "fr" -> LANG_FR, "en" -> LANG_EN, anything else LANG_FR. */
enum web_lang web_lang_of(const char *code);
/* The preferred of fr and en in an Accept-Language header (NULL: fr). */
enum web_lang web_lang_accept(const char *accept_language);

/*
 * An ISO 8601 date-time as the store keeps them ("2014-11-20T18:00:00-05:00",
 * "2014-11-20T23:02:11Z", fractions of seconds allowed): its wall-clock
 * fields, its offset from UTC, and the instant. False when s is not one.
 */
struct web_time {
    struct tm local; /* tm_year etc. as written */
    int offset_min;  /* -300 for -05:00 */
    time_t utc;
};
bool web_time_parse(const char *s, struct web_time *out);
/* The same instant seen at another offset. */
void web_time_shift(struct web_time *t, int offset_min);
/* "20 novembre 2014" / "20 November 2014" into buf. */
void web_date_long(enum web_lang lang, const struct web_time *t, char *buf, size_t size);
/* "18 h 00" / "18:00" into buf. */
void web_time_short(enum web_lang lang, const struct web_time *t, char *buf, size_t size);
/*
 * "20 novembre 2014, 18 h 00 – 21 h 00" (the end's date too when it differs)
 * into buf; false when starts_at is not a date-time. ends_at may be NULL.
 */
bool web_when_text(enum web_lang lang, const char *starts_at, const char *ends_at, char *buf,
                   size_t size);

/* ---- the HTML writer (web/html.c) ---- */

/*
 * A page being written. Every write escapes what it is given unless its
 * name says raw; a failed allocation is remembered (nomem) and later writes
 * do nothing, so pages are written without checking each call and the
 * result is checked once, by page_send().
 */
struct viewer;

struct html {
    struct text_buf buf;
    bool nomem;
    enum web_lang lang;
    struct request *req;
    const struct viewer *viewer; /* who is looking; page_begin() loads it when NULL */
    /* html_post() calls it inside each post's <article>, after the text */
    void (*post_extra)(struct html *h, const struct post *p);
    const void *post_extra_arg; /* what post_extra reads, set with it */
    /* the recap page (not its standalone file): the posts "in order" or "by speaker" */
    bool recap_views, recap_by_speaker;
};

void html_raw(struct html *h, const char *markup); /* trusted markup: literals only */
void html_rawn(struct html *h, const char *markup, size_t len);
void html_text(struct html *h, const char *s); /* escaped; NULL writes nothing */
void html_textn(struct html *h, const char *s, size_t len);
/* printf into the page, the result escaped. */
void html_textf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The catalog string id, escaped. */
void html_msg(struct html *h, enum msg id);
/* ` name="value"`, value escaped. */
void html_attr(struct html *h, const char *name, const char *value);
/* A link to url with text; url only when it is http(s) or starts with '/', else plain text. */
void html_link(struct html *h, const char *url, const char *text, const char *class_name);
/* Markdown rendered by text_markdown (safe); NULL or "" writes nothing. */
void html_markdown(struct html *h, const char *md);
/* Whether url may go in an href: "http://", "https://" or a path "/…" (not "//"). */
bool web_url_ok(const char *url);

/* ---- layout and answers (web/layout.c) ---- */

/* Starts a page: doctype, head with title, header; then <main class=main_class>. */
void page_begin(struct html *h, struct request *req, enum web_lang lang, const char *title,
                const char *main_class);
/* Closes main, writes the footer, ends the document. */
void page_end(struct html *h);
/*
 * Sends the page with status and the security headers, taking h's buffer.
 * A page that ran out of memory becomes a 500. Returns 0 or -1.
 */
int page_send(struct response *res, struct html *h, int status);
/* The same for a page in the reader's language (Accept-Language): says Vary. */
int page_send_vary(struct response *res, struct html *h, int status);
/* A file kept in the binary (the stylesheet, the scripts), cached an hour; gzipped when asked. */
int web_static_file(struct request *req, struct response *res, const char *content_type,
                    const char *body, size_t len);
/* The security headers of every page (CSP as given, or the site's when NULL). */
int web_security_headers(struct response *res, const char *csp);
/* The 404 page, in the language of the request's Accept-Language. */
int web_not_found(struct request *req, struct response *res);
/* A 500 page for an rc of the store (404 page for RC_NOTFOUND). */
int web_error(struct request *req, struct response *res, int rc);

/* The language of a page not tied to an event. */
enum web_lang web_request_lang(struct request *req);

/* A page with a title and one message of the catalog, with status. */
int web_message(struct request *req, struct response *res, int status, enum msg title,
                enum msg text);

/* ---- who is looking, sign-in, CSRF (web/session.c) ---- */

#define WEB_SESSION_COOKIE "gz_session"
#define WEB_LOGIN_COOKIE   "gz_csrf" /* the CSRF token of the sign-in form, before any session */

struct viewer {
    bool signed_in;     /* by a session cookie or an API bearer token */
    struct account acc; /* when signed_in */
    const char *csrf;   /* the session's CSRF token; NULL without a session */
};

/*
 * Who is looking: the session of the gz_session cookie, else an API bearer
 * token (for reading drafts with curl), else nobody. Only a session can
 * send forms: it alone has a CSRF token. No cookie, no store query.
 */
void web_viewer_load(struct request *req, struct store *st, struct viewer *out);
/* The same, for callers that only need the account. False when nobody. */
bool web_viewer(struct request *req, struct store *st, struct account *out);
/* May the viewer change e (admins, and the event's editors)? */
bool web_may_edit(struct store *st, const struct viewer *v, const struct event *e);
/* May the viewer create events (admins and editors)? */
bool web_may_create(const struct viewer *v);
/* Writes the hidden "csrf" field of the viewer's session into a form. */
void html_csrf(struct html *h, const struct viewer *v);
/*
 * The fields of a form POST from a signed-in session whose "csrf" field is
 * the session's (compared in constant time). False with the answer in res:
 * 400 for a malformed body, 403 with a page saying why when nobody is
 * signed in or the token is missing or wrong.
 */
bool web_form(struct request *req, struct response *res, struct store *st, struct viewer *v,
              struct kv **form, size_t *n);
#define WEB_GUEST_COOKIE "gz_guest" /* a guest's CSRF token and mark (web/comments.c) */
/*
 * The browser's gz_guest cookie value, a random secret: the CSRF token of
 * a guest's forms, whose hash also marks the guest's comments. Sets a new
 * one (Set-Cookie in res) when the browser has none. NULL when out of memory.
 */
const char *web_guest_token(struct request *req, struct response *res);
/*
 * As web_form, for the forms that guests may send too: a session's form
 * must carry its CSRF token, a guest's the gz_guest cookie's value. False
 * with the answer in res (400, or 403 for a missing or forged token).
 */
bool web_open_form(struct request *req, struct response *res, struct store *st, struct viewer *v,
                   struct kv **form, size_t *n);
/* A 303 to a local path (static or in the arena). */
int web_redirect(struct response *res, const char *path);
/* Is p a path of this site that a redirect may go to ("/e/x", never "//host",
 * "/\\host" or anything with a control character that a browser drops)? */
bool web_local_path(const char *p);
/*
 * The event of the ":slug" parameter (slug as given) if the viewer may see
 * it: drafts only for their editors. RC_NOTFOUND otherwise.
 */
int web_event_get(struct request *req, struct store *st, const char *slug, struct event *e);

/* ---- shared pieces (web/pages.c) ---- */

/* Every public event (not drafts), for the post lists that span events. */
struct event_index {
    struct event *v;
    size_t n;
};
int event_index_load(struct store *st, struct arena *ar, struct event_index *ix);
/* The public event of that id, or NULL (a draft's posts are not shown). */
const struct event *event_index_find(const struct event_index *ix, int64_t id);

/* The offset (minutes) of the event's starts_at, 0 when it has none. */
int event_offset(const struct event *e);
/* A post's time in the event's offset, "19 h 02"; "" when unreadable. */
void post_time(enum web_lang lang, const struct event *e, const struct post *p, char *buf,
               size_t size);
/* The speaker's name as shown: the person, the audience's label, or NULL. */
const char *post_speaker(enum web_lang lang, const struct post *p);
/* One post as an <article>; with_event: say which event it belongs to. */
void html_post(struct html *h, const struct event *e, const struct post *p, bool with_event);
/*
 * The pictures of post p (web/media.c), each with its alt text and credit;
 * for whoever may change them (the event's editors, the uploader), a form
 * to set the credit. Nothing when p has none.
 */
void html_post_media(struct html *h, const struct event *e, const struct post *p);
/* The date line of an event: "20 novembre 2014, 18 h 00 – 21 h 00" (escaped). */
void html_event_when(struct html *h, const struct event *e);

/* ---- the recap (web/recap.c) ---- */

/* The recap's article (inside main), for the page and the standalone file. */
void recap_write(struct html *h, const struct event *e, const struct post *posts, size_t n_posts);
/* The chart of the posts per five minutes and the speakers' share (web/activity.c). */
void recap_activity(struct html *h, const struct event *e, const struct post *posts, size_t n);
/* The posts grouped by speaker: the event's people, the floor, nobody. */
void recap_by_speaker(struct html *h, const struct event *e, const struct post *posts, size_t n);
/* The export links under the recap. */
void recap_exports_links(struct html *h, const struct event *e);

/* ---- comments on the recap (web/comments.c) ---- */

/* A comment form shown again after a refusal. */
struct comment_page {
    int64_t reply_to, edit_id;       /* the form's place: under a comment, or editing one */
    const char *body, *name, *email; /* as typed */
    const char *error;               /* the message, in the event's language */
};
/* The recap page with its comments; f NULL: as the query asks (?reply=, ?edit=, ?order=). */
int recap_page(struct request *req, struct response *res, const struct comment_page *f, int status);
/* The comments waiting in the moderation page of e. */
void moderate_comments(struct html *h, struct store *st, const struct event *e,
                       const struct viewer *v);
/* The approved comments of an event, for the exports (oldest first, with placeholders). */
void recap_comments_html(struct html *h, struct store *st, const struct event *e);
/* The same in Markdown; text writes a comment's text escaped for Markdown. */
void recap_comments_md(struct html *h, struct store *st, const struct event *e,
                       void (*text)(struct html *h, const char *s, int indent));
int web_comment_create(struct request *req, struct response *res);   /* POST /e/:slug/comments */
int web_comment_like(struct request *req, struct response *res);     /* …/comments/:id/like */
int web_comment_save(struct request *req, struct response *res);     /* …/comments/:id/edit */
int web_comment_remove(struct request *req, struct response *res);   /* …/comments/:id/delete */
int web_comment_moderate(struct request *req, struct response *res); /* …/comments/:id/moderate */
int web_post_like(struct request *req, struct response *res);        /* POST /posts/:id/like */
int web_comments_atom(struct request *req, struct response *res);    /* /e/:slug/comments.atom */
int web_comments_script(struct request *req, struct response *res);  /* /static/comments.js */
int web_oauth_authorize(struct request *req, struct response *res);  /* GET /oauth/authorize */
int web_oauth_decide(struct request *req, struct response *res);     /* POST /oauth/authorize */
int web_avatar(struct request *req, struct response *res);           /* /users/:name/avatar.png */
int web_media_credit(struct request *req, struct response *res);     /* POST /media/:id/credit */
int web_event_import(struct request *req, struct response *res);     /* POST /e/:slug/import */
int web_tools_script(struct request *req, struct response *res);     /* /static/tools.js */
/* The import form of the edit page (web/import.c). */
void html_import_form(struct html *h, const char *slug, const struct viewer *v);
int web_header_image(struct request *req, struct response *res); /* /static/header.png */
extern const char web_comments_js[];
extern const size_t web_comments_js_len;

/* ---- the stylesheet (web/style.c) ---- */

extern const char web_css[];
extern const size_t web_css_len;

/* ---- handlers (web/pages.c, web/recap.c, web/export.c) ---- */

int web_home(struct request *req, struct response *res);
int web_event(struct request *req, struct response *res); /* and /e/:slug.json */
int web_recap(struct request *req, struct response *res);
int web_recap_md(struct request *req, struct response *res);
int web_recap_html(struct request *req, struct response *res);
int web_event_json(struct request *req, struct response *res, const char *slug);
int web_feed_atom(struct request *req, struct response *res);
int web_tag(struct request *req, struct response *res);
int web_profile(struct request *req, struct response *res); /* /@name and /users/:name */
/* web/settings.c: the signed-in person's name shown and note */
int web_settings_profile(struct request *req, struct response *res);
int web_settings_profile_save(struct request *req, struct response *res);
int web_search(struct request *req, struct response *res);
int web_stylesheet(struct request *req, struct response *res);
int web_script(struct request *req, struct response *res); /* /static/composer.js */

/* ---- the live pages (web/live.c, web/live_js.c) ---- */

/*
 * The data-* attributes /static/live.js follows on the element that holds
 * a page's live posts (in a child of class "posts"): the stream, mode
 * ("page", "wall", "moderate"), the last change the page was rendered with
 * (live_last_seq() read before the posts), the language, the event's UTC
 * offset, and the words it shows.
 */
void html_live_attrs(struct html *h, const struct event *e, const char *mode, const char *stream,
                     int64_t since);
extern const char web_live_js[];
extern const size_t web_live_js_len;
int web_live_script(struct request *req, struct response *res);
int web_wall(struct request *req, struct response *res);
int web_moderate(struct request *req, struct response *res);
int web_moderate_stream(struct request *req, struct response *res);
int web_post_approve(struct request *req, struct response *res);
int web_post_hide(struct request *req, struct response *res);
int web_login_form(struct request *req, struct response *res);
int web_login(struct request *req, struct response *res);
int web_logout(struct request *req, struct response *res);
int web_post_create(struct request *req, struct response *res);  /* POST /e/:slug/posts */
int web_event_new(struct request *req, struct response *res);    /* GET /events/new */
int web_event_create(struct request *req, struct response *res); /* POST /events/new */
int web_event_edit(struct request *req, struct response *res);   /* GET /e/:slug/edit */
int web_event_save(struct request *req, struct response *res);   /* POST /e/:slug/edit */
int web_post_edit(struct request *req, struct response *res);    /* GET /posts/:id/edit */
int web_post_save(struct request *req, struct response *res);    /* POST /posts/:id/edit */
int web_post_remove(struct request *req, struct response *res);  /* POST /posts/:id/delete */

/* ---- the composer (web/compose.c) ---- */

/* What the composer shows again after a refused post. */
struct composer_draft {
    const char *text;    /* kept as typed */
    const char *speaker; /* the picked option's value */
    const char *error;   /* the message, already in the page's language */
    bool offer_force;    /* the text was too long: offer "post anyway" */
};
/*
 * The composer form of event e for viewer v, an editor, or (audience) a
 * member posting from the floor: without the speaker picker; d may be NULL.
 */
void composer_write(struct html *h, const struct event *e, const struct viewer *v,
                    const struct composer_draft *d, bool audience);
/* The event page with its posts (and the composer for its editors), with status. */
int web_event_page(struct request *req, struct response *res, struct store *st,
                   const struct event *e, const struct viewer *v, const struct composer_draft *d,
                   int status);

/* ---- the script (web/script.c) ---- */

extern const char web_composer_js[];
extern const size_t web_composer_js_len;

#endif
