/*
 * fuzz/fuzz_api.c - libFuzzer target for the bodies of every endpoint that
 * changes something, and for the query strings of the searches and lists:
 * the server's real handlers run in-process on the fixture of
 * fuzz/harness.h, put back as it was before each input.
 *
 * An input is: one byte choosing the endpoint (below, modulo their number),
 * one byte choosing who sends it (low 3 bits: admin, the event's editor,
 * another event's editor, a member, nobody; modulo 5) and, for the Mastodon
 * API, how the body is sent (bits 3-4: JSON, urlencoded form, multipart,
 * no Content-Type), for a GET whether the token or the session cookie
 * goes (bit 3), then the body (a GET's query string), in which "$e",
 * "$p", "$c", "$s", "$m", "$a", "$k", "$d", "$o", "$q" stand for the
 * fixture's slug, post, comment, status, media, client id and secret,
 * code, other slug and pending post.
 * Pages' forms get the sender's session cookie and CSRF token; an upload
 * gets the body as its file.
 *
 * Every answer must be a status other than 500, JSON that parses when it
 * says JSON, UTF-8 when it is text (fz_run), and the sanitizers must stay
 * quiet.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz/harness.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum body_kind {
    JSON,       /* application/json */
    MASTO,      /* JSON, a form, multipart or nothing, as the second byte says */
    FORM,       /* a page's urlencoded form: "csrf=...&" then the body */
    QUERY,      /* a GET: the body is the query string */
    UPLOAD,     /* multipart: the body is the part "file", with a description */
    WEB_IMPORT, /* the edit page's import: multipart with csrf and file */
};

struct endpoint {
    const char *method, *path; /* path with placeholders */
    enum body_kind kind;
};

static const struct endpoint endpoints[] = {
    {"POST", "/api/v1/events", JSON},
    {"PATCH", "/api/v1/events/$e", JSON},
    {"POST", "/api/v1/events/$e/posts", JSON},
    {"PATCH", "/api/v1/posts/$p", JSON},
    {"POST", "/api/v1/text/count", JSON},
    {"POST", "/api/v1/text/split", JSON},
    {"POST", "/api/v1/text/fit", JSON},
    {"POST", "/api/v1/posts/$q/approve", JSON},
    {"POST", "/api/v1/posts/$q/hide", JSON},
    {"POST", "/api/v1/events/$e/comments", JSON},
    {"PATCH", "/api/v1/events/$e/comments/$c", JSON},
    {"POST", "/api/v1/events/$e/comments/$c/ban", JSON},
    {"POST", "/api/v1/posts/$p/like", JSON},
    {"POST", "/api/v1/events/$e/comments/$c/like", JSON},
    {"POST", "/api/v1/statuses", MASTO},
    {"PUT", "/api/v1/statuses/$s", MASTO},
    {"POST", "/api/v1/apps", MASTO},
    {"POST", "/oauth/token", MASTO},
    {"POST", "/oauth/revoke", MASTO},
    {"PUT", "/api/v1/media/$m", MASTO},
    {"POST", "/api/v2/media", UPLOAD},
    {"POST", "/api/v1/markers", MASTO},
    {"POST", "/api/v1/statuses/$s/favourite", MASTO},
    {"POST", "/e/$e/posts", FORM},
    {"POST", "/e/$e/edit", FORM},
    {"POST", "/events/new", FORM},
    {"POST", "/e/$e/comments", FORM},
    {"POST", "/e/$e/comments/$c/edit", FORM},
    {"POST", "/e/$e/comments/$c/moderate", FORM},
    {"POST", "/posts/$p/edit", FORM},
    {"POST", "/oauth/authorize", FORM},
    {"POST", "/media/$m/credit", FORM},
    {"POST", "/e/$e/import", WEB_IMPORT},
    {"GET", "/search", QUERY},
    {"GET", "/api/v2/search", QUERY},
    {"GET", "/api/v1/events/$e/posts", QUERY},
    {"GET", "/api/v1/timelines/public", QUERY},
    {"GET", "/api/v1/accounts/lookup", QUERY},
    {"GET", "/oauth/authorize", QUERY},
    {"GET", "/e/$e/recap", QUERY},
    {"GET", "/api/v1/accounts/search", QUERY},
    {"GET", "/api/v1/accounts/relationships", QUERY},
    {"GET", "/api/v1/favourites", QUERY},
    {"GET", "/api/v1/tags/$e", QUERY},
    {"POST", "/api/v1/statuses/$s/bookmark", MASTO},
    {"GET", "/api/v1/bookmarks", QUERY},
    {"PATCH", "/api/v1/accounts/update_credentials", MASTO},
    {"POST", "/settings/profile", FORM},
    {"POST", "/api/v1/notifications/dismiss", MASTO},
    {"PUT", "/api/v1/scheduled_statuses/$s", MASTO},
};

#define N_ENDPOINTS (sizeof(endpoints) / sizeof(endpoints[0]))

static const char boundary_type[] = "multipart/form-data; boundary=fzB";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_setup();
    return 0;
}

/* Appends n bytes to out (sized by the caller) at *o. */
static void
put(char *out, size_t *o, const char *s, size_t n)
{
    memcpy(out + *o, s, n);
    *o += n;
}

/* The body as sent: wrapped for a form, an upload or an import. */
static char *
wrap(const struct endpoint *ep, enum fz_who who, const char *body, size_t len, size_t *out_len)
{
    static const char file_head[] = "--fzB\r\nContent-Disposition: form-data; name=\"file\"; "
                                    "filename=\"f\"\r\nContent-Type: application/octet-stream"
                                    "\r\n\r\n";
    static const char desc[] = "--fzB\r\nContent-Disposition: form-data; name=\"description\""
                               "\r\n\r\nUne photo\r\n";
    static const char tail[] = "\r\n--fzB--\r\n";
    const char *csrf = who == FZ_ANON ? "" : fz.csrf[who];
    char *out;
    size_t o = 0;

    FZ_CHECK((out = malloc(len + 512)) != NULL);
    switch (ep->kind) {
    case FORM:
        put(out, &o, "csrf=", 5);
        put(out, &o, csrf, strlen(csrf));
        put(out, &o, "&", 1);
        break;
    case UPLOAD:
        put(out, &o, desc, sizeof(desc) - 1);
        put(out, &o, file_head, sizeof(file_head) - 1);
        break;
    case WEB_IMPORT:
        put(out, &o, "--fzB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n", 54);
        put(out, &o, csrf, strlen(csrf));
        put(out, &o, "\r\n", 2);
        put(out, &o, file_head, sizeof(file_head) - 1);
        break;
    default:
        break;
    }
    put(out, &o, body, len);
    if (ep->kind == UPLOAD || ep->kind == WEB_IMPORT)
        put(out, &o, tail, sizeof(tail) - 1);
    *out_len = o;
    return out;
}

static const char *
masto_type(unsigned variant)
{
    switch (variant) {
    case 0:
        return "application/json";
    case 1:
        return "application/x-www-form-urlencoded";
    case 2:
        return boundary_type;
    default:
        return NULL;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct endpoint *ep;
    struct fz_request r = {0};
    char *path, *body, *sent = NULL, *query = NULL;
    size_t path_len, body_len, sent_len;

    if (size < 2)
        return 0;
    ep = &endpoints[data[0] % N_ENDPOINTS];
    r.who = (enum fz_who)((data[1] & 7) % FZ_N_WHO);
    fz_reset();
    path = fz_expand(ep->path, strlen(ep->path), &path_len);
    body = fz_expand((const char *)data + 2, size - 2, &body_len);
    r.method = ep->method;
    r.path = path;
    r.bearer = ep->kind != FORM && ep->kind != WEB_IMPORT && ep->kind != QUERY;
    switch (ep->kind) {
    case JSON:
        r.content_type = "application/json";
        break;
    case MASTO:
        r.content_type = masto_type((data[1] >> 3) & 3);
        break;
    case FORM:
        r.content_type = "application/x-www-form-urlencoded";
        break;
    case UPLOAD:
    case WEB_IMPORT:
        r.content_type = boundary_type;
        break;
    case QUERY:
        /* a query string holds no NUL, '#' or line break: MHD never passes one */
        if (strcspn(body, "#\r\n ") != body_len)
            goto out;
        FZ_CHECK((query = malloc(path_len + body_len + 2)) != NULL);
        snprintf(query, path_len + body_len + 2, "%s?%s", path, body);
        r.path = query;
        break;
    }
    if (ep->kind == QUERY) {
        r.body = "";
        r.body_len = 0;
        r.bearer = (data[1] & 8) != 0;
    } else {
        sent = wrap(ep, r.who, body, body_len, &sent_len);
        r.body = sent;
        r.body_len = sent_len;
    }
    fz_run(&r, NULL, NULL);
out:
    free(query);
    free(sent);
    free(path);
    free(body);
    return 0;
}
