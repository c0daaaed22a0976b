/*
 * masto/media.c - pictures posted from Mastodon apps: POST /api/v1/media
 * and /api/v2/media (multipart "file" and "description"), GET and PUT
 * /api/v1/media/:id, and the files themselves at /media/ID.EXT.
 *
 * Only images: JPEG, PNG, GIF and WebP, known by their bytes, never by the
 * name or type the client gives (an SVG, which may carry script, is
 * refused); at most 8 MiB; their metadata (EXIF positions, camera serials,
 * XMP, comments) removed before anything is written (web/image.c). The
 * file goes to DATA/media/ under a name the server makes, written whole
 * then renamed, so a reader never sees half a file. A media's description
 * is its alt text; its credit is set on the event page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "core/disk.h"
#include "core/log.h"
#include "core/rc.h"
#include "masto/masto.h"
#include "masto/masto_int.h"
#include "text/text.h"
#include "web/image.h"

#define MAX_IMAGE_BYTES (8 << 20)
#define MAX_DESCRIPTION 1500 /* characters, as Mastodon */
#define MEDIA_DIR       "media"

json_t *
masto_media_json(struct request *req, const struct media *m)
{
    const char *url = arena_printf(&req->arena, "%s/media/%s", masto_base(req), m->file);

    return json_pack(
        "{s:o, s:s, s:s?, s:s?, s:n, s:n, s:n, s:{s:{s:i, s:i, s:s?, s:f}}, s:o, "
        "s:n}",
        "id", document_id(m->id), "type", "image", "url", url, "preview_url", url, "remote_url",
        "preview_remote_url", "text_url", "meta", "original", "width", m->width, "height",
        m->height, "size", arena_printf(&req->arena, "%dx%d", m->width, m->height), "aspect",
        m->height > 0 ? (double)m->width / m->height : 1.0, "description",
        m->description != NULL && m->description[0] != '\0' ? json_string(m->description)
                                                            : json_null(),
        "blurhash");
}

/* The rc of a failed file call: the disk is full, failing, or something else is wrong. */
static int
file_rc(int err)
{
    if (err == ENOSPC || err == EDQUOT)
        return RC_FULL;
    return err == EIO ? RC_AGAIN : RC_IO;
}

/*
 * Writes len bytes to DATA/media/name, whole or not at all: into name.part,
 * synced, then renamed; on any failure the .part is removed, so a full disk
 * leaves no half-written picture behind. RC_OK, or file_rc(errno): a full or
 * failing disk is reported to core/disk.c, anything else logged.
 */
static int
write_file(const char *data_dir, const char *name, const unsigned char *bytes, size_t len)
{
    char dir[4096], path[4200], tmp[4300], why[4400];
    const char *step = "create";
    size_t done = 0;
    int fd, rc, err = 0;

    snprintf(dir, sizeof(dir), "%s/%s", data_dir, MEDIA_DIR);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.part", path);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        err = errno;
        step = "create the folder of";
        goto out;
    }
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0) {
        err = errno;
        goto out;
    }
    while (done < len) {
        ssize_t n = write(fd, bytes + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : ENOSPC; /* write(2) returns 0 only when nothing fits */
            step = "write";
            break;
        }
        done += (size_t)n;
    }
    if (err == 0 && fsync(fd) != 0) {
        err = errno;
        step = "sync";
    }
    if (close(fd) != 0 && err == 0) {
        err = errno;
        step = "close";
    }
    if (err == 0 && rename(tmp, path) != 0) {
        err = errno;
        step = "rename";
    }
    if (err != 0)
        unlink(tmp);
out:
    if (err == 0) {
        disk_write_ok();
        return RC_OK;
    }
    rc = file_rc(err);
    snprintf(why, sizeof(why), "%s %s: %s", step, tmp, strerror(err));
    if (rc == RC_IO)
        log_warnx("media: cannot %s", why);
    else
        disk_write_failed(rc, "store a picture", why);
    return rc;
}

static void
remove_file(const char *data_dir, const char *name)
{
    char path[4200];

    snprintf(path, sizeof(path), "%s/%s/%s", data_dir, MEDIA_DIR, name);
    unlink(path);
}

/* Checks a description: UTF-8, at most MAX_DESCRIPTION characters. */
static bool
description_ok(const char *s)
{
    size_t at;

    return s == NULL || (text_utf8_check(s, strlen(s), &at) == TEXT_UTF8_OK &&
                         text_utf8_count_cp(s, strlen(s)) <= MAX_DESCRIPTION);
}

/* POST /api/v1/media, /api/v2/media  multipart: file, description */
int
masto_media_upload(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    const struct app *app = req->app;
    const char *type = request_header(req, "Content-Type"), *error = NULL;
    const struct multipart_part *file, *desc;
    struct multipart_part *parts;
    struct image_info info;
    struct masto_auth a;
    struct media m = {0};
    unsigned char *clean = NULL;
    size_t n, clean_len = 0;
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "write:media", true, false, &a))
        return 0;
    if (type == NULL || strncasecmp(type, "multipart/form-data", 19) != 0)
        return masto_error(res, 422,
                           "Validation failed: File can't be blank (send "
                           "multipart/form-data with a 'file' part)");
    if (multipart_parse(&req->arena, type, req->body, req->body_len, &parts, &n, &error) != 0)
        return masto_error(res, 400, "the multipart body is malformed: %s",
                           error != NULL ? error : "?");
    if ((file = multipart_get(parts, n, "file")) == NULL || file->len == 0)
        return masto_error(res, 422, "Validation failed: File can't be blank");
    if (file->len > MAX_IMAGE_BYTES)
        return masto_error(res, 422, "Validation failed: File file size must be less than 8 MB");
    if ((desc = multipart_get(parts, n, "description")) != NULL) {
        if (memchr(desc->data, '\0', desc->len) != NULL ||
            (m.description = arena_strndup(&req->arena, (const char *)desc->data, desc->len)) ==
                NULL ||
            !description_ok(m.description))
            return masto_error(res, 422,
                               "Validation failed: Description is too long (maximum is %d "
                               "characters) or not UTF-8",
                               MAX_DESCRIPTION);
    }
    if (image_sniff(file->data, file->len, &info) != RC_OK)
        return masto_error(res, 422,
                           "Validation failed: File content type is invalid: only "
                           "JPEG, PNG, GIF and WebP images are taken");
    if ((rc = image_strip_metadata(file->data, file->len, &clean, &clean_len)) != RC_OK)
        return masto_error(res, rc == RC_NOMEM ? 500 : 422,
                           "Validation failed: File is not a whole %s image", info.extension);
    m.id = store_new_id();
    m.account_id = a.acc.id;
    m.mime = info.mime;
    m.width = (int)info.width;
    m.height = (int)info.height;
    m.size = (int64_t)clean_len;
    m.file = arena_printf(&req->arena, "%lld.%s", (long long)m.id, info.extension);
    if (m.file == NULL) {
        free(clean);
        return masto_error(res, 500, "out of memory");
    }
    rc = write_file(app->data_dir, m.file, clean, clean_len);
    free(clean);
    if (rc != RC_OK)
        return masto_store_error(res, rc, "the picture could not be stored");
    if ((rc = store_media_add(st, &m, NULL)) != RC_OK) {
        remove_file(app->data_dir, m.file);
        return masto_store_error(res, rc, "the media could not be stored");
    }
    if (m.description == NULL)
        m.description = "";
    return masto_json(res, 200, masto_media_json(req, &m));
}

/* The media :id of the asker; false with the answer in res. */
static bool
own_media(struct request *req, struct response *res, struct store *st, const struct masto_auth *a,
          struct media *m)
{
    int64_t id;
    int rc = RC_NOTFOUND;

    if (document_parse_id(request_param(req, "id"), &id))
        rc = store_media_get(st, &req->arena, id, m);
    if (rc == RC_OK && m->account_id != a->acc.id)
        rc = RC_NOTFOUND;
    return masto_found(res, rc);
}

/* GET /api/v1/media/:id */
int
masto_media_get(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    struct media m;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "read", true, false, &a) || !own_media(req, res, st, &a, &m))
        return 0;
    return masto_json(res, 200, masto_media_json(req, &m));
}

/* PUT /api/v1/media/:id  description */
int
masto_media_update(struct request *req, struct response *res)
{
    struct store *st = app_store(req->app);
    struct masto_auth a;
    const char *desc;
    json_t *params;
    struct media m;
    int rc;

    if (st == NULL)
        return masto_error(res, 500, "the server could not open its data");
    if (!masto_authorize(req, res, st, "write:media", true, false, &a) ||
        !own_media(req, res, st, &a, &m) || (params = masto_params(req, res)) == NULL)
        return 0;
    desc = masto_string(params, "description");
    if (!description_ok(desc))
        masto_error(res, 422,
                    "Validation failed: Description is too long (maximum is %d "
                    "characters)",
                    MAX_DESCRIPTION);
    else if (desc != NULL && (rc = store_media_describe(st, m.id, desc)) != RC_OK)
        masto_store_error(res, rc, "the description could not be stored");
    else {
        if (desc != NULL)
            m.description = desc;
        masto_json(res, 200, masto_media_json(req, &m));
    }
    json_decref(params);
    return 0;
}

/* Whether name is one the server made: digits, a dot, a known extension. */
static const char *
media_type(const char *name)
{
    static const char *const types[][2] = {{".jpg", "image/jpeg"},
                                           {".png", "image/png"},
                                           {".gif", "image/gif"},
                                           {".webp", "image/webp"}};
    size_t digits = strspn(name, "0123456789"), i;

    if (digits == 0 || digits > 20)
        return NULL;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(name + digits, types[i][0]) == 0)
            return types[i][1];
    return NULL;
}

/* GET /media/:file */
int
masto_media_file(struct request *req, struct response *res)
{
    const struct app *app = req->app;
    const char *name = request_param(req, "file"), *type;
    char path[4200];
    struct stat sb;
    char *body;
    size_t done = 0;
    int fd;

    if (name == NULL || (type = media_type(name)) == NULL)
        return response_error(res, 404, "no such file");
    snprintf(path, sizeof(path), "%s/%s/%s", app->data_dir, MEDIA_DIR, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return response_error(res, 404, "no such file");
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MAX_IMAGE_BYTES ||
        (body = malloc((size_t)sb.st_size + 1)) == NULL) {
        close(fd);
        return response_error(res, 500, "the file cannot be read");
    }
    while (done < (size_t)sb.st_size) {
        ssize_t n = read(fd, body + done, (size_t)sb.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    /* X-Content-Type-Options: nosniff is the server's, on every answer */
    if (response_header(res, "Cache-Control", "public, max-age=31536000, immutable") != 0 ||
        response_header(res, "Content-Security-Policy", "default-src 'none'") != 0) {
        free(body);
        return -1;
    }
    return response_body_take(res, 200, type, body, done);
}
