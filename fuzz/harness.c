/*
 * fuzz/harness.c - the fixture and the request runner of fuzz/harness.h.
 * The store lives in a temporary directory (under /dev/shm when there is
 * one, so that fuzzing does not wear a disk), removed at exit. fz_setup()
 * builds it through the same functions and handlers the server uses, then
 * keeps the database file's bytes; fz_reset() writes them back and drops
 * the WAL, the media and the caches whenever an input changed a file, so
 * every input meets the same store. Directories left by a run that
 * crashed are removed by the next one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/comments.h"
#include "auth/auth.h"
#include "core/log.h"
#include "core/rc.h"
#include "fuzz/harness.h"
#include "http/http_int.h"
#include "masto/masto.h"
#include "text/text.h"
#include "web/web.h"

struct fz_fixture fz;

static char dir[64];      /* the data directory */
static char *template_db; /* gazouillis.db as fz_setup() left it */
static size_t template_len;
static struct route *routes; /* the server's table: API, Mastodon, pages */
static size_t n_routes;

static const char *const usernames[FZ_N_WHO] = {"admin", "editor", "other", "member", NULL};
static const char *const roles[FZ_N_WHO] = {"admin", "editor", "editor", "member", NULL};

/* ---- the server's log ---- */

static bool verbose; /* GZ_FUZZ_LOG set: the server's log lines go to stderr */

/*
 * The targets link with --wrap=log_info,--wrap=log_warnx: a line for each
 * refused input would slow fuzzing down and drown libFuzzer's own output.
 */
void __wrap_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __wrap_log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
log_to_stderr(const char *level, const char *fmt, va_list ap)
{
    if (!verbose)
        return;
    fputs(level, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
__wrap_log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_to_stderr("", fmt, ap);
    va_end(ap);
}

void
__wrap_log_warnx(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_to_stderr("warning: ", fmt, ap);
    va_end(ap);
}

/* ---- files ---- */

static void
path_in(char *out, size_t size, const char *name)
{
    FZ_CHECK((size_t)snprintf(out, size, "%s/%s", dir, name) < size);
}

/* Removes the files of a directory (not itself); quiet when it does not exist. */
static void
empty_dir(const char *path)
{
    char file[512];
    struct dirent *d;
    DIR *dp;

    if ((dp = opendir(path)) == NULL)
        return;
    while ((d = readdir(dp)) != NULL) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, d->d_name);
        unlink(file);
    }
    closedir(dp);
}

static void
remove_all(void)
{
    char media[512];

    if (dir[0] == '\0')
        return;
    path_in(media, sizeof(media), "media");
    empty_dir(media);
    rmdir(media);
    empty_dir(dir);
    rmdir(dir);
}

/*
 * Removes the directories of earlier runs that ended without their atexit
 * (a crash, a kill): named gz-fuzz-PID-XXXXXX, they are gone with their PID.
 */
static void
remove_stale(const char *base)
{
    char path[512], saved[sizeof(dir)];
    struct dirent *d;
    long pid;
    DIR *dp;

    if ((dp = opendir(base)) == NULL)
        return;
    memcpy(saved, dir, sizeof(dir));
    while ((d = readdir(dp)) != NULL) {
        if (sscanf(d->d_name, "gz-fuzz-%ld-", &pid) != 1 || pid <= 0 || kill((pid_t)pid, 0) == 0 ||
            errno != ESRCH)
            continue;
        snprintf(path, sizeof(path), "%s/%s", base, d->d_name);
        if (strlen(path) >= sizeof(dir))
            continue;
        memcpy(dir, path, strlen(path) + 1);
        remove_all();
    }
    closedir(dp);
    memcpy(dir, saved, sizeof(dir));
}

static char *
read_whole(const char *path, size_t *len)
{
    struct stat sb;
    char *buf;
    int fd;

    FZ_CHECK((fd = open(path, O_RDONLY)) >= 0);
    FZ_CHECK(fstat(fd, &sb) == 0 && sb.st_size > 0);
    FZ_CHECK((buf = malloc((size_t)sb.st_size)) != NULL);
    FZ_CHECK(read(fd, buf, (size_t)sb.st_size) == sb.st_size);
    close(fd);
    *len = (size_t)sb.st_size;
    return buf;
}

/* What a write leaves on the files: sizes and modification times. */
struct files_state {
    struct timespec mtime[3];
    off_t size[3];
};

static struct files_state clean; /* as the last reset left them */
static bool have_clean;

static void
files_state(struct files_state *out)
{
    static const char *const names[3] = {"gazouillis.db", "gazouillis.db-wal", "media"};
    char path[512];
    struct stat sb;
    int i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < 3; i++) {
        path_in(path, sizeof(path), names[i]);
        if (stat(path, &sb) == 0) {
            out->mtime[i] = sb.st_mtim;
            out->size[i] = sb.st_size;
        }
    }
}

/*
 * Reopening the store costs more than most inputs (SQLite reads the schema
 * again), and most inputs are refused without writing anything: the files
 * are put back only when one of them changed since the last reset.
 */
void
fz_reset(void)
{
    struct files_state now;
    char path[512];
    int fd;

    if (have_clean) {
        files_state(&now);
        if (memcmp(&now, &clean, sizeof(now)) == 0)
            return;
    }
    app_store_close_thread();
    cache_clear();
    path_in(path, sizeof(path), "gazouillis.db-wal");
    unlink(path);
    path_in(path, sizeof(path), "gazouillis.db-shm");
    unlink(path);
    path_in(path, sizeof(path), "media");
    empty_dir(path);
    path_in(path, sizeof(path), "gazouillis.db");
    FZ_CHECK((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
    FZ_CHECK(write(fd, template_db, template_len) == (ssize_t)template_len);
    close(fd);
    FZ_CHECK(app_store(&fz.app) != NULL);
    files_state(&clean);
    have_clean = true;
}

/* ---- placeholders ---- */

static const char *
placeholder(char c)
{
    switch (c) {
    case 'e':
        return fz.slug;
    case 'o':
        return fz.other_slug;
    case 'p':
        return fz.post;
    case 'q':
        return fz.pending;
    case 'c':
        return fz.comment;
    case 's':
        return fz.status;
    case 'm':
        return fz.media;
    case 'a':
        return fz.client_id;
    case 'k':
        return fz.secret;
    case 'd':
        return fz.code;
    default:
        return NULL;
    }
}

char *
fz_expand(const char *s, size_t len, size_t *out_len)
{
    size_t i, o = 0, cap = len * 4 + 1; /* each 2-byte placeholder is at most 63 bytes */
    const char *v;
    char *out;

    if (len > 0 && cap / 4 < len) /* not reached with libFuzzer's lengths */
        abort();
    for (i = 0; i + 1 < len; i++)
        if (s[i] == '$' && placeholder(s[i + 1]) != NULL)
            cap += 64;
    FZ_CHECK((out = malloc(cap)) != NULL);
    for (i = 0; i < len; i++) {
        if (s[i] == '$' && i + 1 < len && (v = placeholder(s[i + 1])) != NULL) {
            memcpy(out + o, v, strlen(v));
            o += strlen(v);
            i++;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

bool
fz_contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle), i, k;

    for (i = 0; n <= len && i <= len - n; i++) {
        for (k = 0; k < n; k++) {
            char a = s[i + k], b = needle[k];
            if ((a >= 'A' && a <= 'Z' ? a + 32 : a) != (b >= 'A' && b <= 'Z' ? b + 32 : b))
                break;
        }
        if (k == n)
            return true;
    }
    return false;
}

/* ---- requests ---- */

static bool
has_body_method(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}

/* http/server.c's check of a JSON route's Content-Type. */
static bool
is_json(const char *type)
{
    if (type == NULL)
        return false;
    while (*type == ' ' || *type == '\t')
        type++;
    if (strncasecmp(type, "application/json", 16) != 0)
        return false;
    for (type += 16; *type == ' ' || *type == '\t'; type++)
        ;
    return *type == '\0' || *type == ';';
}

static bool
is_text_type(const char *type)
{
    return type != NULL && (strncmp(type, "text/", 5) == 0 || strstr(type, "json") != NULL ||
                            strstr(type, "xml") != NULL || strstr(type, "javascript") != NULL);
}

/* What every answer must be (see fz_run). */
static void
check_response(const struct fz_request *r, const struct response *res, int rc)
{
    size_t at;
    json_t *j;

    if (rc != 0 || res->status == 0 || res->status == 500)
        fprintf(stderr, "fuzz: %s %s answered %d (handler rc %d): %.*s\n", r->method, r->path,
                res->status, rc, (int)(res->body_len < 300 ? res->body_len : 300),
                res->body != NULL ? res->body : "");
    FZ_CHECK(rc == 0);
    FZ_CHECK(res->status >= 200 && res->status <= 599 && res->status != 500);
    FZ_CHECK(res->body_len == 0 || res->body != NULL);
    if (res->content_type != NULL && strstr(res->content_type, "json") != NULL &&
        res->body_len > 0) {
        j = json_loadb(res->body, res->body_len, 0, NULL);
        FZ_CHECK(j != NULL);
        json_decref(j);
    }
    if (is_text_type(res->content_type))
        FZ_CHECK(text_utf8_check(res->body, res->body_len, &at) == TEXT_UTF8_OK);
}

int
fz_run(const struct fz_request *r, char **body_out, size_t *len_out)
{
    struct request req = {0};
    struct response res = {0};
    struct kv headers[3], cookie[1];
    const struct route *route;
    const char *q;
    size_t n_headers = 0, limit;
    char *body;
    int status, rc;

    if (body_out != NULL)
        *body_out = NULL;
    FZ_CHECK((body = malloc(r->body_len + 1)) != NULL); /* NUL-terminated, as server.c's */
    memcpy(body, r->body, r->body_len);
    body[r->body_len] = '\0';
    req.method = r->method;
    req.remote_addr = "192.0.2.7";
    req.app = &fz.app;
    req.body = body;
    req.body_len = r->body_len;
    if ((q = strchr(r->path, '?')) != NULL) {
        req.path = arena_strndup(&req.arena, r->path, (size_t)(q - r->path));
        if (request_form(&req, q + 1, strlen(q + 1), &req.query, &req.n_query) != 0)
            req.n_query = 0; /* MHD would have decoded something: no query is one case of it */
    } else {
        req.path = r->path;
    }
    if (r->content_type != NULL)
        headers[n_headers++] = (struct kv){"Content-Type", r->content_type};
    if (r->who != FZ_ANON && r->bearer)
        headers[n_headers++] =
            (struct kv){"Authorization", arena_printf(&req.arena, "Bearer %s", fz.token[r->who])};
    req.headers = headers;
    req.n_headers = n_headers;
    if (r->who != FZ_ANON && !r->bearer) {
        cookie[0] = (struct kv){"gz_session", fz.session[r->who]};
        req.cookies = cookie;
        req.n_cookies = 1;
    }

    status = 0;
    route = http_route_find(routes, n_routes, &req, &status);
    FZ_CHECK(route != NULL); /* the targets send routed requests only */
    limit = route->body_limit != 0 ? route->body_limit : 1 << 20;
    if (((route->flags & ROUTE_JSON_BODY) && has_body_method(r->method) &&
         !is_json(r->content_type)) ||
        r->body_len > limit) {
        status = 0; /* refused before the handler: 415, 413 */
        goto out;
    }
    rc = route->handler(&req, &res);
    FZ_CHECK(!res.detached && res.defer_start == NULL); /* no streams, no writer thread */
    check_response(r, &res, rc);
    status = res.status;
    if (body_out != NULL) {
        FZ_CHECK((*body_out = malloc(res.body_len + 1)) != NULL);
        if (res.body_len > 0)
            memcpy(*body_out, res.body, res.body_len);
        (*body_out)[res.body_len] = '\0';
        *len_out = res.body_len;
    }
out:
    response_reset(&res);
    arena_release(&req.arena);
    free(body);
    return status;
}

/* ---- the fixture ---- */

/* Runs a request of the setup, which must answer 2xx; returns its JSON body. */
static json_t *
setup_call(const char *method, const char *path, enum fz_who who, const char *type,
           const char *body)
{
    struct fz_request r = {method, path, who, true, type, body, strlen(body)};
    char *out;
    size_t len;
    json_t *j;
    int status = fz_run(&r, &out, &len);

    if (status < 200 || status > 299) {
        fprintf(stderr, "fuzz: setup: %s %s answered %d: %s\n", method, path, status, out);
        abort();
    }
    j = json_loadb(out, len, 0, NULL);
    free(out);
    return j;
}

/* Copies the string member name of j (decimal ids included) into out. */
static void
setup_copy(json_t *j, const char *name, char *out, size_t size)
{
    const char *s = json_string_value(json_object_get(j, name));

    FZ_CHECK(s != NULL && strlen(s) < size);
    memcpy(out, s, strlen(s) + 1);
}

static void
setup_accounts(struct store *st)
{
    char password[AUTH_PASSWORD_SIZE];
    struct arena ar = {0};
    struct account acc;
    int w;

    for (w = 0; w < FZ_ANON; w++) {
        FZ_CHECK(auth_account_create(st, usernames[w], roles[w], password, sizeof(password)) ==
                 RC_OK);
        FZ_CHECK(auth_token_create(st, usernames[w], "read write follow push", fz.token[w],
                                   sizeof(fz.token[w])) == RC_OK);
        FZ_CHECK(store_account_by_name(st, &ar, usernames[w], &acc) == RC_OK);
        FZ_CHECK(auth_session_create(st, acc.id, fz.session[w], sizeof(fz.session[w]), fz.csrf[w],
                                     sizeof(fz.csrf[w])) == RC_OK);
        if (w == FZ_ADMIN)
            fz.admin_id = acc.id;
    }
    arena_release(&ar);
}

static const char event_doc[] =
    "{\"slug\": \"cooperer\", \"title\": \"Coop\\u00e9rer dans les territoires\","
    " \"hashtag\": \"innover\", \"lang\": \"fr\", \"char_limit\": 140, \"state\": \"live\","
    " \"starts_at\": \"2014-11-20T18:00:00-05:00\", \"context\": \"Une *table ronde*.\","
    " \"conclusion\": \"[La Nef](http://example.org)\", \"audience_posts\": true,"
    " \"moderation\": true, \"comment_policy\": \"guests\","
    " \"people\": [{\"name\": \"Jacques Beaudet\", \"role\": \"panelist\","
    " \"affiliation\": \"CDEC de Qu\\u00e9bec\", \"aliases\": [\"JBeaudet\"]},"
    " {\"name\": \"Sonia Claveau\", \"role\": \"panelist\", \"aliases\": [\"SClaveau\"]}],"
    " \"organizations\": [{\"kind\": \"sponsor\", \"name\": \"La Nef\","
    " \"url\": \"http://example.org/\"}]}";

static void
setup_content(struct store *st)
{
    char path[128], code[AUTH_SECRET_SIZE];
    struct arena ar = {0};
    struct account acc;
    struct oauth_code c = {0};
    struct oauth_app app;
    struct event e;
    json_t *j;

    j = setup_call("POST", "/api/v1/events", FZ_ADMIN, "application/json", event_doc);
    setup_copy(j, "slug", fz.slug, sizeof(fz.slug));
    json_decref(j);
    j = setup_call("POST", "/api/v1/events", FZ_OTHER, "application/json",
                   "{\"slug\": \"autre\", \"title\": \"Autre\", \"hashtag\": \"autre\","
                   " \"state\": \"live\"}");
    setup_copy(j, "slug", fz.other_slug, sizeof(fz.other_slug));
    json_decref(j);
    FZ_CHECK(store_event_get(st, &ar, fz.slug, &e) == RC_OK);
    FZ_CHECK(store_account_by_name(st, &ar, "editor", &acc) == RC_OK);
    FZ_CHECK(store_editor_add(st, e.id, acc.id) == RC_OK);
    fz.event_id = e.id;

    snprintf(path, sizeof(path), "/api/v1/events/%s/posts", fz.slug);
    j = setup_call("POST", path, FZ_EDITOR, "application/json",
                   "{\"text\": \"JBeaudet: il faut travailler ensemble #innover\"}");
    setup_copy(j, "id", fz.post, sizeof(fz.post));
    json_decref(j);
    j = setup_call("POST", path, FZ_MEMBER, "application/json",
                   "{\"text\": \"Une question de la salle #innover\"}");
    setup_copy(j, "id", fz.pending, sizeof(fz.pending));
    json_decref(j);
    snprintf(path, sizeof(path), "/api/v1/events/%s/comments", fz.slug);
    j = setup_call("POST", path, FZ_MEMBER, "application/json",
                   "{\"body\": \"Merci pour ce r\\u00e9sum\\u00e9, voir https://example.org\"}");
    setup_copy(j, "id", fz.comment, sizeof(fz.comment));
    json_decref(j);
    j = setup_call("POST", "/api/v1/statuses", FZ_ADMIN, "application/x-www-form-urlencoded",
                   "status=Bonjour+%23innover");
    setup_copy(j, "id", fz.status, sizeof(fz.status));
    json_decref(j);
    j = setup_call("POST", "/api/v1/apps", FZ_ANON, "application/x-www-form-urlencoded",
                   "client_name=fuzz&redirect_uris=urn:ietf:wg:oauth:2.0:oob&scopes=read+write");
    setup_copy(j, "client_id", fz.client_id, sizeof(fz.client_id));
    setup_copy(j, "client_secret", fz.secret, sizeof(fz.secret));
    json_decref(j);

    /* a 1x1 GIF, as a phone would upload it */
    static const char gif_part[] = "--fzb\r\nContent-Disposition: form-data; name=\"file\"; "
                                   "filename=\"a.gif\"\r\nContent-Type: image/gif\r\n\r\n"
                                   "GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00"
                                   "\x01\x00\x00\x02\x02\x44\x01\x00;\r\n--fzb--\r\n";
    struct fz_request up = {
        "POST",   "/api/v2/media",     FZ_ADMIN, true, "multipart/form-data; boundary=fzb",
        gif_part, sizeof(gif_part) - 1};
    char *out;
    size_t len;
    FZ_CHECK(fz_run(&up, &out, &len) == 200);
    j = json_loadb(out, len, 0, NULL);
    free(out);
    setup_copy(j, "id", fz.media, sizeof(fz.media));
    json_decref(j);

    /* an authorization code, as /oauth/authorize gives one */
    FZ_CHECK(store_app_by_client_id(st, &ar, fz.client_id, &app) == RC_OK);
    FZ_CHECK(store_account_by_name(st, &ar, "admin", &acc) == RC_OK);
    FZ_CHECK(auth_secret_new(code, sizeof(code)) == RC_OK);
    auth_secret_hash(code, c.hash);
    c.app_id = app.id;
    c.account_id = acc.id;
    c.scopes = "read write";
    c.redirect_uri = "urn:ietf:wg:oauth:2.0:oob";
    FZ_CHECK(store_code_add(st, &c, 24 * 3600) == RC_OK);
    memcpy(fz.code, code, sizeof(code));
    arena_release(&ar);
}

/* The route table as cli/serve.c makes it. */
static void
setup_routes(void)
{
    n_routes = app_n_routes + masto_n_routes + web_n_routes;
    FZ_CHECK((routes = calloc(n_routes, sizeof(*routes))) != NULL);
    memcpy(routes, app_routes, app_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes, masto_routes, masto_n_routes * sizeof(*routes));
    memcpy(routes + app_n_routes + masto_n_routes, web_routes, web_n_routes * sizeof(*routes));
}

void
fz_setup(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    char path[512];
    struct store *st;

    if (fz.app.data_dir != NULL)
        return;
    verbose = getenv("GZ_FUZZ_LOG") != NULL;
    FZ_CHECK(auth_init() == 0);
    remove_stale(base);
    snprintf(dir, sizeof(dir), "%s/gz-fuzz-%ld-XXXXXX", base, (long)getpid());
    FZ_CHECK(mkdtemp(dir) != NULL);
    atexit(remove_all);
    fz.app.data_dir = dir;
    fz.app.public_url = "http://127.0.0.1:8080";
    setup_routes();
    /* a fuzzer posts and comments far more often than people do */
    comments_set_limits(100000, 100000);
    masto_rate_set_limit(100000000);

    FZ_CHECK((st = app_store(&fz.app)) != NULL);
    setup_accounts(st);
    setup_content(st);
    FZ_CHECK(store_checkpoint(st) == 0);
    app_store_close_thread();
    cache_clear();
    path_in(path, sizeof(path), "gazouillis.db");
    template_db = read_whole(path, &template_len);
}
