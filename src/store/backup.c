/*
 * store/backup.c - copies of the database made while the server runs
 * ("gazouillis backup"), and putting one back ("gazouillis restore").
 *
 * A copy is SQLite's online backup (sqlite3_backup_step) from one read
 * snapshot held for the whole copy: in WAL mode a reader never holds up a
 * writer, so the server keeps committing meanwhile, and since the snapshot
 * never moves SQLite never has to start the copy over. The pages go to a
 * temporary file beside the destination, which is checked, synced and
 * only then given the destination's name, so that a name never points at
 * half a database.
 *
 * The data directory's lock (gazouillis.lock) is what makes a restore
 * safe: store_open() holds it shared for as long as a store is open, in
 * every process, and a restore takes it exclusively, so it never swaps a
 * database under a running server, nor does a server start on a database
 * being swapped. flock() locks go away with their process, kill -9
 * included: no stale lock to clean up after a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/rc.h"
#include "store/store.h"
#include "store/store_int.h"

#define BUSY_WAIT_MS  10    /* between two tries of a busy step */
#define BUSY_LIMIT_MS 30000 /* then the copy gives up */

static void say(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
say(char *err, size_t err_size, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err_size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
}

/* An errno of the file system as an rc: a full disk is RC_FULL. */
static int
errno_rc(int err)
{
    return err == ENOSPC || err == EDQUOT ? RC_FULL : RC_IO;
}

static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
sq_data_lock(const char *dir, bool exclusive, int *fd_out, char *err, size_t err_size)
{
    char path[PATH_MAX];
    int fd, e;

    *fd_out = -1;
    if ((size_t)snprintf(path, sizeof(path), "%s/gazouillis.lock", dir) >= sizeof(path)) {
        say(err, err_size, "data directory name too long: '%.64s...'", dir);
        return RC_INVALID;
    }
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        e = errno;
        say(err, err_size, "cannot open '%s': %s", path, strerror(e));
        return errno_rc(e);
    }
    if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        e = errno;
        close(fd);
        if (e != EWOULDBLOCK) {
            say(err, err_size, "cannot lock '%s': %s", path, strerror(e));
            return RC_IO;
        }
        if (exclusive)
            say(err, err_size,
                "the database in '%s' is in use: stop the server (and any other gazouillis "
                "command on it) first",
                dir);
        else
            say(err, err_size,
                "the database in '%s' is being restored ('gazouillis restore'): try again "
                "when it is done",
                dir);
        return RC_CONFLICT;
    }
    *fd_out = fd;
    return RC_OK;
}

/* Syncs the folder holding path, so that a rename in it survives a power loss. */
static int
sync_parent(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, rc = 0;

    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else if ((size_t)(slash - path) < sizeof(dir))
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    else
        return -1;
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return -1;
    if (fsync(fd) != 0 && errno != EINVAL) /* some file systems cannot sync a folder */
        rc = -1;
    close(fd);
    return rc;
}

/* Removes path and what SQLite may have put beside it. */
static void
remove_db_files(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char p[PATH_MAX + 16];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

/* An rc and words from a failed call on db. */
static int
db_fail(sqlite3 *db, int src, const char *what, const char *path, char *err, size_t err_size)
{
    int rc = (src & 0xff) == SQLITE_FULL    ? RC_FULL
             : (src & 0xff) == SQLITE_NOMEM ? RC_NOMEM
                                            : RC_IO;

    if (rc == RC_FULL)
        say(err, err_size, "cannot %s '%s': no space left on the device", what, path);
    else
        say(err, err_size, "cannot %s '%s': %s", what, path,
            db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(src));
    return rc;
}

/* The one text value sql gives on db, into buf; an SQLite code. */
static int
db_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    int src;

    buf[0] = '\0';
    if ((src = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        return src;
    if ((src = sqlite3_step(stmt)) == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(stmt, 0);
        snprintf(buf, size, "%s", s != NULL ? (const char *)s : "");
        src = SQLITE_OK;
    } else if (src == SQLITE_DONE) {
        src = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return src;
}

/* Runs the backup b to its end, trying a busy or locked step again for a while. */
static int
run_steps(sqlite3_backup *b, struct store_copy_stats *stats)
{
    int src, waited = 0;

    for (;;) {
        src = sqlite3_backup_step(b, STORE_BACKUP_STEP_PAGES);
        if (src == SQLITE_DONE)
            return SQLITE_OK;
        if (src == SQLITE_OK)
            continue;
        if ((src != SQLITE_BUSY && src != SQLITE_LOCKED) || waited >= BUSY_LIMIT_MS)
            return src;
        stats->busy_retries++;
        sqlite3_sleep(BUSY_WAIT_MS);
        waited += BUSY_WAIT_MS;
    }
}

/*
 * Turns the finished copy at tmp, open as db, into a database of one file
 * (the pages carry the source's WAL mark: leaving WAL mode rewrites it),
 * and checks it whole.
 */
static int
finish_copy(sqlite3 *db, const char *tmp, char *err, size_t err_size)
{
    char buf[64];
    int src;

    if ((src = db_text(db, "PRAGMA journal_mode = DELETE", buf, sizeof(buf))) != SQLITE_OK)
        return db_fail(db, src, "finish the copy", tmp, err, err_size);
    if ((src = db_text(db, "PRAGMA quick_check", buf, sizeof(buf))) != SQLITE_OK)
        return db_fail(db, src, "check the copy", tmp, err, err_size);
    if (strcmp(buf, "ok") != 0) {
        say(err, err_size, "the copy '%s' failed its check: %s", tmp, buf);
        return RC_IO;
    }
    return RC_OK;
}

/*
 * Copies the database open as src (its "main") into a new temporary file
 * beside dest, whose name goes to tmp (tmp_size bytes); the file is whole,
 * checked and synced on RC_OK, and removed on failure.
 */
static int
copy_to_temp(sqlite3 *src, const char *dest, char *tmp, size_t tmp_size,
             struct store_copy_stats *stats, char *err, size_t err_size)
{
    sqlite3 *db = NULL;
    sqlite3_backup *b = NULL;
    int fd, rc = RC_IO, src_rc, e;

    if ((size_t)snprintf(tmp, tmp_size, "%s.tmp-XXXXXX", dest) >= tmp_size) {
        say(err, err_size, "file name too long: '%.64s...'", dest);
        return RC_INVALID;
    }
    if ((fd = mkstemp(tmp)) < 0) {
        e = errno;
        say(err, err_size, "cannot write beside '%s': %s", dest, strerror(e));
        tmp[0] = '\0';
        return errno_rc(e);
    }
    if ((src_rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL)) != SQLITE_OK) {
        rc = db_fail(db, src_rc, "open", tmp, err, err_size);
        goto out;
    }
    sqlite3_extended_result_codes(db, 1);
    /* a temporary file: no journal to write, we sync it ourselves at the end */
    if ((src_rc = sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL,
                               NULL, NULL)) != SQLITE_OK) {
        rc = db_fail(db, src_rc, "set up", tmp, err, err_size);
        goto out;
    }
    if ((b = sqlite3_backup_init(db, "main", src, "main")) == NULL) {
        rc = db_fail(db, sqlite3_extended_errcode(db), "start a copy into", tmp, err, err_size);
        goto out;
    }
    src_rc = run_steps(b, stats);
    stats->pages = sqlite3_backup_pagecount(b);
    if (sqlite3_backup_finish(b) != SQLITE_OK && src_rc == SQLITE_OK)
        src_rc = sqlite3_extended_errcode(db);
    if (src_rc != SQLITE_OK) {
        rc = db_fail(db, src_rc, "copy the database into", tmp, err, err_size);
        goto out;
    }
    if ((rc = finish_copy(db, tmp, err, err_size)) != RC_OK)
        goto out;
    if ((src_rc = sqlite3_close(db)) != SQLITE_OK) {
        rc = db_fail(db, src_rc, "close", tmp, err, err_size);
        goto out;
    }
    db = NULL;
    if (fsync(fd) != 0) {
        e = errno;
        say(err, err_size, "cannot sync '%s': %s", tmp, strerror(e));
        rc = errno_rc(e);
        goto out;
    }
    {
        struct stat sb;
        stats->bytes = fstat(fd, &sb) == 0 ? (int64_t)sb.st_size : 0;
    }
    rc = RC_OK;
out:
    if (db != NULL)
        sqlite3_close(db);
    close(fd);
    if (rc != RC_OK) {
        remove_db_files(tmp);
        tmp[0] = '\0';
    }
    return rc;
}

/*
 * Gives the whole file tmp the name dest: rename() when overwriting is
 * allowed, else link() then unlink(), which fails if dest appeared
 * meanwhile instead of replacing it. tmp is gone afterwards either way.
 */
static int
put_in_place(const char *tmp, const char *dest, bool force, char *err, size_t err_size)
{
    int e;

    if (force) {
        if (rename(tmp, dest) != 0)
            goto fail;
    } else if (link(tmp, dest) != 0) {
        e = errno;
        /* a file system without hard links: a check, then rename() (a small race) */
        if ((e == EPERM || e == ENOTSUP || e == EOPNOTSUPP) && access(dest, F_OK) != 0) {
            if (rename(tmp, dest) != 0)
                goto fail;
        } else if (e == EEXIST || e == EPERM || e == ENOTSUP || e == EOPNOTSUPP) {
            unlink(tmp);
            say(err, err_size, "'%s' exists: give another name, or --force to replace it", dest);
            return RC_CONFLICT;
        } else {
            goto fail;
        }
    } else {
        unlink(tmp);
    }
    if (sync_parent(dest) != 0) {
        e = errno;
        say(err, err_size, "cannot sync the folder of '%s': %s", dest, strerror(e));
        return errno_rc(e);
    }
    return RC_OK;
fail:
    e = errno;
    unlink(tmp);
    say(err, err_size, "cannot name the copy '%s': %s", dest, strerror(e));
    return errno_rc(e);
}

/* Whether path names the same file as one of db's (the database, its -wal or -shm). */
static bool
is_db_file(const char *path, const char *db)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    struct stat a, b;
    char p[PATH_MAX + 16];
    size_t i;

    if (stat(path, &a) != 0)
        return false;
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", db, suffixes[i]);
        if (stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return true;
    }
    return false;
}

int
store_backup(const char *dir, const char *dest, bool force, struct store_copy_stats *stats,
             char *err, size_t err_size)
{
    struct store_copy_stats local = {0};
    char path[PATH_MAX], tmp[PATH_MAX + 16];
    sqlite3 *src = NULL;
    struct stat sb;
    double start = now_seconds();
    int rc, src_rc;

    if (stats == NULL)
        stats = &local;
    *stats = (struct store_copy_stats){0};
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        say(err, err_size, "no data directory '%s'", dir);
        return RC_NOTFOUND;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/gazouillis.db", dir) >= sizeof(path)) {
        say(err, err_size, "data directory name too long: '%.64s...'", dir);
        return RC_INVALID;
    }
    if (stat(path, &sb) != 0) {
        say(err, err_size, "no database in '%s' (no gazouillis.db)", dir);
        return RC_NOTFOUND;
    }
    if (is_db_file(dest, path)) {
        say(err, err_size, "'%s' is the database itself: give another name", dest);
        return RC_INVALID;
    }
    if (!force && access(dest, F_OK) == 0) {
        say(err, err_size, "'%s' exists: give another name, or --force to replace it", dest);
        return RC_CONFLICT;
    }
    /* read-write, for a reader of a WAL database takes part in its locks (and, when it
     * closes last, checkpoints as every connection does); the copy writes nothing here */
    if ((src_rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL)) != SQLITE_OK) {
        rc = db_fail(src, src_rc, "open", path, err, err_size);
        goto out;
    }
    sqlite3_extended_result_codes(src, 1);
    sqlite3_busy_timeout(src, BUSY_LIMIT_MS);
    /* one snapshot for the whole copy: BEGIN, then a read that opens it */
    if ((src_rc = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL,
                               NULL)) != SQLITE_OK) {
        rc = db_fail(src, src_rc, "read", path, err, err_size);
        goto out;
    }
    rc = copy_to_temp(src, dest, tmp, sizeof(tmp), stats, err, err_size);
    sqlite3_exec(src, "COMMIT", NULL, NULL, NULL); /* ends the read: checkpoints go on */
    if (rc == RC_OK)
        rc = put_in_place(tmp, dest, force, err, err_size);
out:
    sqlite3_close(src); /* harmless on NULL */
    stats->seconds = now_seconds() - start;
    return rc;
}

/*
 * Checks that src is a whole gazouillis database this build can open,
 * with db open on it (read-only).
 */
static int
check_backup(sqlite3 *db, const char *src, char *err, size_t err_size)
{
    char buf[256];
    long version;
    int src_rc;

    if ((src_rc = db_text(db, "PRAGMA user_version", buf, sizeof(buf))) != SQLITE_OK) {
        say(err, err_size, "'%s' is not a gazouillis database: %s", src, sqlite3_errmsg(db));
        return (src_rc & 0xff) == SQLITE_NOTADB ? RC_INVALID : RC_IO;
    }
    version = strtol(buf, NULL, 10);
    if (version < 1 || version > STORE_SCHEMA_VERSION ||
        db_text(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'posts'", buf,
                sizeof(buf)) != SQLITE_OK ||
        strcmp(buf, "posts") != 0) {
        if (version > STORE_SCHEMA_VERSION)
            say(err, err_size,
                "'%s' has schema version %ld, this gazouillis knows up to %d: upgrade gazouillis",
                src, version, STORE_SCHEMA_VERSION);
        else
            say(err, err_size, "'%s' is not a gazouillis database", src);
        return RC_INVALID;
    }
    if ((src_rc = db_text(db, "PRAGMA integrity_check", buf, sizeof(buf))) != SQLITE_OK) {
        say(err, err_size, "cannot check '%s': %s", src, sqlite3_errmsg(db));
        return RC_INVALID;
    }
    if (strcmp(buf, "ok") != 0) {
        say(err, err_size, "'%s' is damaged: %s", src, buf);
        return RC_INVALID;
    }
    return RC_OK;
}

/*
 * Moves the database at path, with its -wal and -shm, to
 * path.before-restore-STAMP (that name into aside; "" when there was no
 * database). The WAL goes first and comes back if the database cannot
 * follow it: a WAL must never be left beside another database, which
 * SQLite would replay into it.
 */
static int
move_aside(const char *path, char *aside, size_t aside_size, char *err, size_t err_size)
{
    char stamp[32], to[PATH_MAX + 64], wal[PATH_MAX + 16], wal_to[PATH_MAX + 80];
    time_t now = time(NULL);
    struct tm tm;
    int e, n;

    aside[0] = '\0';
    if (access(path, F_OK) != 0)
        return RC_OK;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
    snprintf(to, sizeof(to), "%s.before-restore-%s", path, stamp);
    for (n = 2; access(to, F_OK) == 0; n++) /* two restores in one second */
        snprintf(to, sizeof(to), "%s.before-restore-%s-%d", path, stamp, n);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(wal_to, sizeof(wal_to), "%s-wal", to);
    if (rename(wal, wal_to) != 0 && errno != ENOENT) {
        e = errno;
        say(err, err_size, "cannot move '%s' aside: %s", wal, strerror(e));
        return errno_rc(e);
    }
    if (rename(path, to) != 0) {
        e = errno;
        rename(wal_to, wal);
        say(err, err_size, "cannot move '%s' aside: %s", path, strerror(e));
        return errno_rc(e);
    }
    /* the -shm is an index of the WAL, rebuilt from it: moved along when it can be */
    snprintf(wal, sizeof(wal), "%s-shm", path);
    snprintf(wal_to, sizeof(wal_to), "%s-shm", to);
    if (rename(wal, wal_to) != 0)
        unlink(wal);
    snprintf(aside, aside_size, "%s", to);
    return RC_OK;
}

/* Undoes move_aside() when the copy could not take the database's place. */
static void
move_back(const char *aside, const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"}; /* the database first */
    char from[PATH_MAX + 80], to[PATH_MAX + 16];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(from, sizeof(from), "%s%s", aside, suffixes[i]);
        snprintf(to, sizeof(to), "%s%s", path, suffixes[i]);
        rename(from, to);
    }
}

int
store_restore(const char *src, const char *dir, char *aside, size_t aside_size,
              struct store_copy_stats *stats, char *err, size_t err_size)
{
    struct store_copy_stats local = {0};
    char path[PATH_MAX], tmp[PATH_MAX + 16], moved[PATH_MAX + 64];
    sqlite3 *db = NULL;
    double start = now_seconds();
    int rc, src_rc, lock_fd = -1, e;

    if (stats == NULL)
        stats = &local;
    *stats = (struct store_copy_stats){0};
    if (aside == NULL || aside_size == 0) {
        aside = moved;
        aside_size = sizeof(moved);
    }
    aside[0] = '\0';
    if (access(src, R_OK) != 0) {
        e = errno;
        say(err, err_size, "cannot read '%s': %s", src, strerror(e));
        return e == ENOENT ? RC_NOTFOUND : RC_IO;
    }
    if (mkdir(dir, 0700) != 0 && (e = errno) != EEXIST) {
        say(err, err_size, "cannot create directory '%s': %s", dir, strerror(e));
        return errno_rc(e);
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/gazouillis.db", dir) >= sizeof(path)) {
        say(err, err_size, "data directory name too long: '%.64s...'", dir);
        return RC_INVALID;
    }
    if (is_db_file(src, path)) {
        say(err, err_size, "'%s' is the database itself", src);
        return RC_INVALID;
    }
    if ((rc = sq_data_lock(dir, true, &lock_fd, err, err_size)) != RC_OK)
        return rc;
    if ((src_rc = sqlite3_open_v2(src, &db, SQLITE_OPEN_READONLY, NULL)) != SQLITE_OK) {
        rc = db_fail(db, src_rc, "open", src, err, err_size);
        goto out;
    }
    sqlite3_extended_result_codes(db, 1);
    if ((rc = check_backup(db, src, err, err_size)) != RC_OK)
        goto out;
    if ((rc = copy_to_temp(db, path, tmp, sizeof(tmp), stats, err, err_size)) != RC_OK)
        goto out;
    /* the copy is whole and synced: only now is the old database moved */
    if ((rc = move_aside(path, aside, aside_size, err, err_size)) != RC_OK) {
        unlink(tmp);
        goto out;
    }
    if ((rc = put_in_place(tmp, path, true, err, err_size)) != RC_OK && aside[0] != '\0' &&
        access(path, F_OK) != 0)
        move_back(aside, path);
out:
    sqlite3_close(db); /* harmless on NULL */
    close(lock_fd);
    stats->seconds = now_seconds() - start;
    return rc;
}
