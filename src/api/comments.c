/*
 * api/comments.c - the rules of readers' comments (api/comments.h), in one
 * place so that the API and the pages cannot disagree on them.
 *
 * The order of the checks is the order of what a writer can do about them:
 * first whether the event takes comments at all, then whether this author
 * may (ban), then how often (rate limits, counted only for comments
 * stored), then what the comment holds. A guest's comment waits for an
 * editor unless the same email already has an approved comment here (as
 * WordPress does it), and always when it holds more than
 * COMMENT_GUEST_LINKS links. A member's comment is shown at once.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/comments.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/rc.h"
#include "text/text.h"

static struct rate_limiter *by_address, *by_account;
static unsigned per_address = COMMENT_PER_ADDRESS, per_account = COMMENT_PER_ACCOUNT;
static pthread_once_t limiters_once = PTHREAD_ONCE_INIT;

void
comments_set_limits(unsigned address_max, unsigned account_max)
{
    if (address_max > 0)
        per_address = address_max;
    if (account_max > 0)
        per_account = account_max;
}

static void
limiters_make(void)
{
    by_address = rate_limiter_new(per_address, COMMENT_WINDOW, 4096);
    by_account = rate_limiter_new(per_account, COMMENT_WINDOW, 4096);
    if (by_address == NULL || by_account == NULL)
        log_warnx("cannot allocate the comment rate limiters");
}

/* ---- refusals ---- */

int
comment_error_status(const struct comment_refusal *why)
{
    switch (why->error) {
    case CE_NONE:
        return 200;
    case CE_MEMBERS_ONLY:
        return 401;
    case CE_CLOSED:
    case CE_ENDED:
    case CE_BANNED:
    case CE_NOT_AUTHOR:
    case CE_TOO_LATE:
        return 403;
    case CE_NOT_FOUND:
        return 404;
    case CE_RATE:
        return 429;
    case CE_STORE: /* a full disk 507, a failing one 503, anything else 500 */
        return why->rc == RC_FULL || why->rc == RC_AGAIN ? http_status_for_rc(why->rc) : 500;
    default:
        return 422;
    }
}

const char *
comment_error_text(const struct comment_refusal *why, char *buf, size_t size)
{
    switch (why->error) {
    case CE_NONE:
        return "";
    case CE_CLOSED:
        return "comments are closed on this event";
    case CE_ENDED:
        return "the time for comments on this event has ended";
    case CE_MEMBERS_ONLY:
        return "this event takes comments from signed-in members only";
    case CE_BANNED:
        return "you may not comment on this event";
    case CE_RATE:
        snprintf(buf, size, "too many comments: try again in %u seconds", why->retry_after);
        return buf;
    case CE_HONEYPOT:
        return "the field 'website' must be left empty";
    case CE_EMPTY:
        return "the comment is empty";
    case CE_TOO_LONG:
        snprintf(buf, size, "the comment has %zu characters; the most is %d", why->chars,
                 COMMENT_MAX_CHARS);
        return buf;
    case CE_BAD_TEXT:
        return "the comment is not valid UTF-8 text (or holds control characters)";
    case CE_NAME_MISSING:
        return "a name is required to comment as a guest";
    case CE_NAME_TOO_LONG:
        snprintf(buf, size, "the name is too long: at most %d characters", COMMENT_NAME_MAX);
        return buf;
    case CE_EMAIL_BAD:
        return "the email is not an address of the form name@example.org";
    case CE_PARENT:
        return "there is no such comment to reply to on this event";
    case CE_NOT_AUTHOR:
        return "only its author may change or delete a comment";
    case CE_TOO_LATE:
        snprintf(buf, size,
                 "a comment may be changed or deleted only in the %d minutes after it "
                 "was posted",
                 COMMENT_EDIT_SECONDS / 60);
        return buf;
    case CE_NOT_FOUND:
        return "no such comment";
    case CE_STORE:
        return why->rc == RC_FULL || why->rc == RC_AGAIN ? http_message_for_rc(why->rc)
                                                         : "the comment could not be stored";
    }
    return "refused";
}

int
comment_error_answer(struct request *req, struct response *res, const struct comment_refusal *why)
{
    char buf[160];
    const char *text = comment_error_text(why, buf, sizeof(buf));

    if (why->error == CE_RATE) { /* the header is read after we return: in the request's arena */
        const char *retry = arena_printf(&req->arena, "%u", why->retry_after);
        if (retry == NULL || response_header(res, "Retry-After", retry) != 0)
            return -1;
    }
    if (why->error == CE_STORE && why->rc == RC_AGAIN &&
        response_header(res, "Retry-After", HTTP_RETRY_AFTER) != 0)
        return -1;
    return response_error(res, comment_error_status(why), "%s", text);
}

static bool
refuse(struct comment_refusal *why, enum comment_error e)
{
    memset(why, 0, sizeof(*why));
    why->error = e;
    return false;
}

static bool
refuse_rc(struct comment_refusal *why, int rc)
{
    if (rc == RC_NOTFOUND)
        return refuse(why, CE_NOT_FOUND);
    refuse(why, CE_STORE);
    why->rc = rc;
    return false;
}

/* ---- times ---- */

static bool
digits(const char *s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
comment_time(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
    struct tm tm;
    const char *p;

    if (s == NULL || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
        return false;
    p = s + 19;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    if (*p == 'Z' && p[1] == '\0')
        sign = 0;
    else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) && p[3] == ':' &&
             digits(p + 4, 2, &om) && p[6] == '\0')
        sign = *p == '-' ? -1 : 1;
    else
        return false;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
    return true;
}

/* ---- who may comment ---- */

enum comment_error
comment_open_to(const struct event *e, const struct account *acc, time_t now)
{
    time_t until;

    if (e->comments == NULL || strcmp(e->comments, "closed") == 0 || strcmp(e->state, "draft") == 0)
        return CE_CLOSED;
    if (e->comments_until != NULL && comment_time(e->comments_until, &until) && now >= until)
        return CE_ENDED;
    if (acc == NULL && strcmp(e->comments, "guests") != 0)
        return CE_MEMBERS_ONLY;
    return CE_NONE;
}

bool
comment_address_hash(struct store *st, const char *address, unsigned char out[STORE_ADDRESS_HASH])
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static unsigned char key[32];
    static bool have_key; /* one database per process: read once */
    bool ok = true;

    pthread_mutex_lock(&lock);
    if (!have_key)
        have_key = ok = store_address_key(st, key) == RC_OK;
    if (ok)
        auth_keyed_hash(key, address != NULL ? address : "?", out, STORE_ADDRESS_HASH);
    pthread_mutex_unlock(&lock);
    return ok;
}

/* ---- what a comment holds ---- */

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* s without the blanks around it, in ar; NULL when out of memory. */
static const char *
trimmed(struct arena *ar, const char *s)
{
    size_t len;

    while (is_space(*s))
        s++;
    len = strlen(s);
    while (len > 0 && is_space(s[len - 1]))
        len--;
    return arena_strndup(ar, s, len);
}

/* Valid UTF-8 without control characters (tab and line breaks allowed when lines). */
static bool
clean_text(const char *s, bool lines)
{
    size_t at, i;

    if (text_utf8_check(s, strlen(s), &at) != TEXT_UTF8_OK)
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
            return false;
    }
    return true;
}

/* Checks a body and renders it; false with *why. */
static bool
body_check(struct arena *ar, const char *raw, const char **body_out, const char **html_out,
           struct comment_refusal *why)
{
    struct text_buf html = {0};
    const char *body;
    size_t chars;

    if (raw == NULL)
        return refuse(why, CE_EMPTY);
    if (!clean_text(raw, true))
        return refuse(why, CE_BAD_TEXT);
    if ((body = trimmed(ar, raw)) == NULL)
        return refuse_rc(why, RC_NOMEM);
    if (body[0] == '\0')
        return refuse(why, CE_EMPTY);
    if ((chars = text_utf8_count_cp(body, strlen(body))) > COMMENT_MAX_CHARS) {
        refuse(why, CE_TOO_LONG);
        why->chars = chars;
        return false;
    }
    if (text_comment_html(&html, body, strlen(body)) != 0) {
        text_buf_release(&html);
        return refuse(why, CE_BAD_TEXT);
    }
    *html_out = arena_strndup(ar, html.data != NULL ? html.data : "", html.len);
    text_buf_release(&html);
    if (*html_out == NULL)
        return refuse_rc(why, RC_NOMEM);
    *body_out = body;
    return true;
}

/* name@domain.tld, without blanks; a plausibility check, not RFC 5322. */
static bool
email_ok(const char *s)
{
    const char *at = strchr(s, '@');
    size_t i;

    if (at == NULL || at == s || strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL ||
        at[1] == '.' || s[strlen(s) - 1] == '.' || strlen(s) > COMMENT_EMAIL_MAX)
        return false;
    for (i = 0; s[i] != '\0'; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

/* SHA-256 of the email in lower case, as 64 hex digits (Gravatar's form); NULL on no memory. */
static const char *
email_hash(struct arena *ar, const char *email)
{
    unsigned char h[AUTH_SECRET_HASH];
    char *lower, *hex;
    size_t i, len = strlen(email);

    if ((lower = arena_strndup(ar, email, len)) == NULL || (hex = arena_alloc(ar, 65)) == NULL)
        return NULL;
    for (i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)lower[i]);
    auth_secret_hash(lower, h);
    for (i = 0; i < sizeof(h); i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    return hex;
}

/* The guest's fields into c; false with *why. */
static bool
guest_check(struct arena *ar, const struct comment_author *a, struct comment *c,
            struct comment_refusal *why)
{
    const char *name = a->name != NULL ? trimmed(ar, a->name) : "";
    const char *email = a->email != NULL ? trimmed(ar, a->email) : "";

    if (name == NULL || email == NULL)
        return refuse_rc(why, RC_NOMEM);
    if (name[0] == '\0')
        return refuse(why, CE_NAME_MISSING);
    if (!clean_text(name, false))
        return refuse(why, CE_BAD_TEXT);
    if (text_utf8_count_cp(name, strlen(name)) > COMMENT_NAME_MAX)
        return refuse(why, CE_NAME_TOO_LONG);
    if (email[0] != '\0') {
        if (!email_ok(email))
            return refuse(why, CE_EMAIL_BAD);
        if ((c->guest_email_hash = email_hash(ar, email)) == NULL)
            return refuse_rc(why, RC_NOMEM);
    }
    c->author = name;
    if (a->guest_cookie != NULL && auth_secret_wellformed(a->guest_cookie)) {
        auth_secret_hash(a->guest_cookie, c->guest_key);
        c->has_guest_key = true;
    }
    return true;
}

/* Checks the rate limits; on success counts this comment. */
static bool
rate_check(const struct comment_author *a, time_t now, struct comment_refusal *why)
{
    unsigned wait_address = 0, wait_account = 0;
    char key[32];

    pthread_once(&limiters_once, limiters_make);
    if (by_address == NULL || by_account == NULL)
        return refuse_rc(why, RC_NOMEM);
    if (a->acc != NULL)
        snprintf(key, sizeof(key), "%lld", (long long)a->acc->id);
    if (rate_limiter_blocked(by_address, a->address != NULL ? a->address : "?", now,
                             &wait_address) |
        (a->acc != NULL && rate_limiter_blocked(by_account, key, now, &wait_account))) {
        refuse(why, CE_RATE);
        why->retry_after = wait_address > wait_account ? wait_address : wait_account;
        return false;
    }
    return true;
}

static void
rate_count(const struct comment_author *a, time_t now)
{
    char key[32];

    rate_limiter_fail(by_address, a->address != NULL ? a->address : "?", now);
    if (a->acc != NULL) {
        snprintf(key, sizeof(key), "%lld", (long long)a->acc->id);
        rate_limiter_fail(by_account, key, now);
    }
}

bool
comment_create(struct store *st, struct arena *ar, const struct event *e,
               const struct comment_author *a, const char *body, int64_t parent_id,
               struct comment *out, struct comment_refusal *why)
{
    struct comment c = {0}, parent;
    enum comment_error open;
    time_t now = time(NULL);
    bool banned = false, known = false;
    int rc;

    memset(why, 0, sizeof(*why));
    if ((open = comment_open_to(e, a->acc, now)) != CE_NONE)
        return refuse(why, open);
    if (!comment_address_hash(st, a->address, c.address))
        return refuse_rc(why, RC_IO);
    c.has_address = true;
    if ((rc = store_banned(st, e->id, a->acc != NULL ? a->acc->id : 0, c.address, &banned)) !=
        RC_OK)
        return refuse_rc(why, rc);
    if (banned)
        return refuse(why, CE_BANNED);
    if (a->honeypot != NULL && a->honeypot[0] != '\0')
        return refuse(why, CE_HONEYPOT);
    if (!rate_check(a, now, why))
        return false;
    if (!body_check(ar, body, &c.body, &c.html, why))
        return false;
    if (a->acc != NULL) {
        c.account_id = a->acc->id;
        c.author = a->acc->username;
        c.state = "approved";
    } else {
        if (!guest_check(ar, a, &c, why))
            return false;
        if ((rc = store_comment_guest_known(st, c.guest_email_hash, &known)) != RC_OK)
            return refuse_rc(why, rc);
        c.state = known && text_comment_links(c.body, strlen(c.body)) <= COMMENT_GUEST_LINKS
                      ? "approved"
                      : "pending";
    }
    if (parent_id != 0) {
        rc = store_comment_get(st, ar, parent_id, &parent);
        if (rc == RC_NOTFOUND ||
            (rc == RC_OK && (parent.event_id != e->id || strcmp(parent.state, "approved") != 0)))
            return refuse(why, CE_PARENT);
        if (rc != RC_OK)
            return refuse_rc(why, rc);
        c.parent_id = parent_id;
    }
    c.event_id = e->id;
    if ((rc = store_comment_add(st, &c, &c.id)) != RC_OK)
        return rc == RC_NOTFOUND || rc == RC_INVALID ? refuse(why, CE_PARENT) : refuse_rc(why, rc);
    rate_count(a, now);
    if ((rc = store_comment_get(st, ar, c.id, out)) != RC_OK)
        return refuse_rc(why, rc);
    return true;
}

/* ---- changing one's own ---- */

enum comment_error
comment_may_change(const struct comment *c, const struct account *acc, const char *guest_cookie,
                   time_t now)
{
    unsigned char key[AUTH_SECRET_HASH];
    time_t created;
    bool mine = false;

    if (strcmp(c->state, "deleted") == 0)
        return CE_NOT_FOUND;
    if (acc != NULL && c->account_id != 0)
        mine = acc->id == c->account_id;
    else if (acc == NULL && c->account_id == 0 && c->has_guest_key && guest_cookie != NULL &&
             auth_secret_wellformed(guest_cookie)) {
        auth_secret_hash(guest_cookie, key);
        mine = auth_secret_equal(key, c->guest_key);
    }
    if (!mine)
        return CE_NOT_AUTHOR;
    if (!comment_time(c->created_at, &created) || now - created > COMMENT_EDIT_SECONDS)
        return CE_TOO_LATE;
    return CE_NONE;
}

bool
comment_edit(struct store *st, struct arena *ar, struct comment *c, const char *body,
             struct comment_refusal *why)
{
    const char *text, *html;
    int rc;

    memset(why, 0, sizeof(*why));
    if (!body_check(ar, body, &text, &html, why))
        return false;
    if ((rc = store_comment_update(st, c->id, text, html)) != RC_OK ||
        (rc = store_comment_get(st, ar, c->id, c)) != RC_OK)
        return refuse_rc(why, rc);
    return true;
}

int
comment_ban(struct store *st, const struct event *e, const struct comment *c, const char *what)
{
    bool account = what != NULL && strcmp(what, "account") == 0;
    int rc;

    if (what == NULL || (!account && strcmp(what, "address") != 0))
        return RC_INVALID;
    if (account ? c->account_id == 0 : !c->has_address)
        return RC_NOTFOUND;
    if ((rc = store_begin(st)) != RC_OK)
        return rc;
    rc = store_ban_add(st, e->id, account ? c->account_id : 0, account ? NULL : c->address);
    if (rc == RC_OK)
        rc = store_comment_set_state(st, c->id, "spam");
    if (rc == RC_OK)
        return store_commit(st);
    store_rollback(st);
    return rc;
}

/* ---- what readers see ---- */

/* The index of id in v (sorted by id), or n. */
static size_t
find_comment(const struct comment *v, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo].id == id ? lo : n;
}

size_t
comments_visible(struct comment *v, size_t n)
{
    size_t i, j, kept = 0, steps;

    /* Marks with likes = -1 - likes the ones kept, then compacts. */
    for (i = 0; i < n; i++) {
        if (strcmp(v[i].state, "approved") != 0)
            continue;
        if (v[i].likes >= 0)
            v[i].likes = -1 - v[i].likes;
        /* Its ancestors stay, as placeholders; a cycle (bad import) stops at n steps. */
        for (j = find_comment(v, n, v[i].parent_id), steps = 0; j < n && steps < n;
             j = find_comment(v, n, v[j].parent_id), steps++) {
            if (v[j].likes < 0)
                break; /* kept already, and so are its ancestors */
            v[j].likes = -1 - v[j].likes;
        }
    }
    for (i = 0; i < n; i++) {
        if (v[i].likes < 0) {
            v[i].likes = -1 - v[i].likes;
            v[kept++] = v[i];
        }
    }
    return kept;
}

/* ---- JSON ---- */

json_t *
comment_json(const struct comment *c, const char *slug, bool liked, bool full)
{
    bool shown = full || strcmp(c->state, "approved") == 0;
    json_t *j = json_object();

    if (j == NULL)
        return NULL;
    json_object_set_new(j, "id", document_id(c->id));
    json_object_set_new(j, "event", json_string(slug));
    json_object_set_new(j, "parent_id",
                        c->parent_id != 0 ? document_id(c->parent_id) : json_null());
    /* Readers see any comment not shown as "deleted": not why it is not shown. */
    json_object_set_new(j, "state", json_string(shown ? c->state : "deleted"));
    json_object_set_new(j, "created_at", json_string(c->created_at));
    if (!shown)
        return j; /* a placeholder that keeps its replies in place */
    json_object_set_new(j, "author", c->author != NULL ? json_string(c->author) : json_null());
    json_object_set_new(j, "account",
                        c->account_id != 0 && c->author != NULL ? json_string(c->author)
                                                                : json_null());
    json_object_set_new(j, "guest", json_boolean(c->account_id == 0));
    json_object_set_new(j, "avatar_hash",
                        c->guest_email_hash != NULL ? json_string(c->guest_email_hash)
                                                    : json_null());
    json_object_set_new(j, "body", json_string(c->body));
    json_object_set_new(j, "html", json_string(c->html));
    json_object_set_new(j, "edited_at",
                        c->edited_at != NULL ? json_string(c->edited_at) : json_null());
    json_object_set_new(j, "likes", json_integer(c->likes));
    json_object_set_new(j, "liked", json_boolean(liked));
    return j;
}
