/*
 * tests/unit/test_store_disk.c - the store on a disk that fails: full
 * (ENOSPC) or broken (EIO), on a write or on an fsync. A SQLite VFS of our
 * own sits over the "unix" one and fails the calls we choose, as SQLite's
 * own test VFSes do (test_devsym.c, test_vfs.c), so no real disk needs to
 * fill up; tests/e2e/test_92_full_disk.py fills a real (tmpfs) one.
 *
 * What must hold: a failed write is RC_FULL (a full disk, however SQLite
 * met it) or RC_AGAIN (an I/O error) and leaves nothing behind, the
 * connection works again once the disk does, the database stays whole,
 * and the condition is logged once per occurrence, not once per write.
 */
#define _XOPEN_SOURCE 700 /* nftw(), to remove each test's directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/arena.h"
#include "core/rc.h"
#include "store/store.h"

/* ---- a VFS that fails on demand ---- */

enum fault {
    FAULT_NONE,
    FAULT_WRITE_ENOSPC, /* xWrite: SQLITE_FULL, as unix does on ENOSPC */
    FAULT_WRITE_EIO,    /* xWrite: SQLITE_IOERR_WRITE, errno EIO */
    FAULT_SYNC_ENOSPC,  /* xSync: SQLITE_IOERR_FSYNC, errno ENOSPC (NFS, some filesystems) */
    FAULT_SYNC_EIO,     /* xSync: SQLITE_IOERR_FSYNC, errno EIO */
};

static _Atomic int fault;
static _Atomic int fault_errno; /* what xGetLastError says of the last injected failure */
static sqlite3_vfs *unix_vfs, shim_vfs;
static sqlite3_io_methods shim_io;

struct shim_file {
    sqlite3_file base;
    sqlite3_file *real; /* right after this struct, of unix_vfs->szOsFile bytes */
};

static sqlite3_file *
real_of(sqlite3_file *f)
{
    return ((struct shim_file *)f)->real;
}

static int
shim_close(sqlite3_file *f)
{
    return real_of(f)->pMethods->xClose(real_of(f));
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    switch (atomic_load(&fault)) {
    case FAULT_WRITE_ENOSPC:
        atomic_store(&fault_errno, ENOSPC);
        return SQLITE_FULL;
    case FAULT_WRITE_EIO:
        atomic_store(&fault_errno, EIO);
        return SQLITE_IOERR_WRITE;
    }
    return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}

static int
shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return real_of(f)->pMethods->xTruncate(real_of(f), size);
}

static int
shim_sync(sqlite3_file *f, int flags)
{
    switch (atomic_load(&fault)) {
    case FAULT_SYNC_ENOSPC:
        atomic_store(&fault_errno, ENOSPC);
        return SQLITE_IOERR_FSYNC;
    case FAULT_SYNC_EIO:
        atomic_store(&fault_errno, EIO);
        return SQLITE_IOERR_FSYNC;
    }
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}

static int
shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return real_of(f)->pMethods->xFileSize(real_of(f), size);
}

static int
shim_lock(sqlite3_file *f, int level)
{
    return real_of(f)->pMethods->xLock(real_of(f), level);
}

static int
shim_unlock(sqlite3_file *f, int level)
{
    return real_of(f)->pMethods->xUnlock(real_of(f), level);
}

static int
shim_check_reserved(sqlite3_file *f, int *out)
{
    return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}

static int
shim_file_control(sqlite3_file *f, int op, void *arg)
{
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}

static int
shim_sector_size(sqlite3_file *f)
{
    return real_of(f)->pMethods->xSectorSize(real_of(f));
}

static int
shim_device(sqlite3_file *f)
{
    return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}

static int
shim_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out)
{
    return real_of(f)->pMethods->xShmMap(real_of(f), region, size, extend, out);
}

static int
shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}

static void
shim_shm_barrier(sqlite3_file *f)
{
    real_of(f)->pMethods->xShmBarrier(real_of(f));
}

static int
shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag);
}

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct shim_file *sf = (struct shim_file *)f;
    int rc;

    (void)vfs;
    sf->real = (sqlite3_file *)(sf + 1);
    rc = unix_vfs->xOpen(unix_vfs, name, sf->real, flags, out_flags);
    sf->base.pMethods = rc == SQLITE_OK && sf->real->pMethods != NULL ? &shim_io : NULL;
    return rc;
}

static int
shim_last_error(sqlite3_vfs *vfs, int n, char *buf)
{
    (void)vfs;
    if (atomic_load(&fault) != FAULT_NONE)
        return atomic_load(&fault_errno);
    return unix_vfs->xGetLastError(unix_vfs, n, buf);
}

/* Makes the shim SQLite's default VFS: every connection opened after goes through it. */
static int
shim_install(void **state)
{
    (void)state;
    if ((unix_vfs = sqlite3_vfs_find("unix")) == NULL)
        return -1;
    shim_vfs = *unix_vfs; /* the rest (delete, access, time, ...) is unix's own */
    shim_vfs.zName = "gz-faults";
    shim_vfs.szOsFile = (int)sizeof(struct shim_file) + unix_vfs->szOsFile;
    shim_vfs.xOpen = shim_open;
    shim_vfs.xGetLastError = shim_last_error;
    shim_io = (sqlite3_io_methods){
        .iVersion = 2, /* no xFetch: the store does not mmap */
        .xClose = shim_close,
        .xRead = shim_read,
        .xWrite = shim_write,
        .xTruncate = shim_truncate,
        .xSync = shim_sync,
        .xFileSize = shim_file_size,
        .xLock = shim_lock,
        .xUnlock = shim_unlock,
        .xCheckReservedLock = shim_check_reserved,
        .xFileControl = shim_file_control,
        .xSectorSize = shim_sector_size,
        .xDeviceCharacteristics = shim_device,
        .xShmMap = shim_shm_map,
        .xShmLock = shim_shm_lock,
        .xShmBarrier = shim_shm_barrier,
        .xShmUnmap = shim_shm_unmap,
    };
    return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK ? 0 : -1;
}

static int
shim_remove(void **state)
{
    (void)state;
    return sqlite3_vfs_unregister(&shim_vfs) == SQLITE_OK ? 0 : -1;
}

/* ---- the fixture: a store, an event, an author; stderr captured ---- */

struct fixture {
    char dir[64];
    char data[128];
    char log[128]; /* stderr goes here during the test */
    int saved_stderr;
    struct store *st;
    struct arena ar;
    int64_t event, author;
};

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct account a = {.username = "eric", .role = "editor"};
    struct event e = {.slug = "plein", .title = "Un titre", .attendance = -1};
    int fd;

    if (f == NULL)
        return -1;
    atomic_store(&fault, FAULT_NONE);
    strcpy(f->dir, "/tmp/gz-disk-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return free(f), -1;
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    snprintf(f->log, sizeof(f->log), "%s/stderr.log", f->dir);
    if (store_open(f->data, &f->st) != RC_OK || store_account_add(f->st, &a, &f->author) != RC_OK ||
        store_event_add(f->st, &e, &f->event) != RC_OK)
        return -1;
    fflush(stderr);
    f->saved_stderr = dup(STDERR_FILENO);
    if ((fd = open(f->log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || dup2(fd, STDERR_FILENO) < 0)
        return -1;
    close(fd);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    atomic_store(&fault, FAULT_NONE);
    fflush(stderr);
    dup2(f->saved_stderr, STDERR_FILENO);
    close(f->saved_stderr);
    store_close(f->st);
    arena_release(&f->ar);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* How many lines of the captured stderr hold needle. */
static int
log_lines(struct fixture *f, const char *needle)
{
    char line[2048];
    FILE *in = fopen(f->log, "r");
    int n = 0;

    assert_non_null(in);
    while (fgets(line, sizeof(line), in) != NULL)
        if (strstr(line, needle) != NULL)
            n++;
    fclose(in);
    return n;
}

static int
add_post(struct fixture *f, const char *text, int64_t *id_out)
{
    static const char *const tags[] = {"innover", "plein"};
    struct post p = {.event_id = f->event,
                     .account_id = f->author,
                     .text = text,
                     .html = text,
                     .tags = tags,
                     .n_tags = 2};

    return store_post_add(f->st, &p, id_out);
}

/* One integer that sql returns, read through a connection of our own. */
static int64_t
sql_int(struct fixture *f, const char *sql)
{
    char path[192];
    sqlite3 *db;
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;

    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

/* The database is whole, and every post has its tags and nothing else has any. */
static void
assert_whole(struct fixture *f, int64_t posts)
{
    char path[192], result[64] = "";
    sqlite3 *db;
    sqlite3_stmt *stmt = NULL;

    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    snprintf(result, sizeof(result), "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    assert_string_equal(result, "ok");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM posts"), posts);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags"), 2 * posts);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags WHERE post_id NOT IN "
                                "(SELECT id FROM posts)"),
                     0);
}

/* ---- the tests ---- */

/* A full disk: RC_FULL, nothing kept, reads go on, writes resume, logged once. */
static void
full_disk_refuses_whole_writes_and_resumes(void **state)
{
    struct fixture *f = *state;
    struct event e;
    int64_t id = 0;
    int i;

    assert_int_equal(add_post(f, "avant", &id), RC_OK);
    atomic_store(&fault, FAULT_WRITE_ENOSPC);
    for (i = 0; i < 50; i++)
        assert_int_equal(add_post(f, "pendant", NULL), RC_FULL);
    assert_non_null(strstr(store_errmsg(f->st), "full"));
    /* reads need no space */
    assert_int_equal(store_event_get(f->st, &f->ar, "plein", &e), RC_OK);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "après", NULL), RC_OK);
    assert_whole(f, 2);
    /* fifty refusals, one line when it began and one when it ended */
    assert_int_equal(log_lines(f, "disk full: cannot"), 1);
    assert_int_equal(log_lines(f, "writes are refused until space is freed"), 1);
    assert_int_equal(log_lines(f, "disk: writing again, after 50 refused writes"), 1);
}

/* The same within a minute: counted, not logged again; another kind of failure is. */
static void
a_second_occurrence_soon_after_stays_quiet(void **state)
{
    struct fixture *f = *state;

    atomic_store(&fault, FAULT_WRITE_ENOSPC);
    assert_int_equal(add_post(f, "un", NULL), RC_FULL);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "deux", NULL), RC_OK);
    atomic_store(&fault, FAULT_WRITE_ENOSPC);
    assert_int_equal(add_post(f, "trois", NULL), RC_FULL);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "quatre", NULL), RC_OK);
    atomic_store(&fault, FAULT_WRITE_EIO);
    assert_int_equal(add_post(f, "cinq", NULL), RC_AGAIN);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "six", NULL), RC_OK);
    assert_whole(f, 3);
    /* two occurrences, at most one line (none when the test before logged one) */
    assert_true(log_lines(f, "disk full: cannot") <= 1);
    assert_int_equal(log_lines(f, "disk failing: cannot"), 1);
    assert_int_equal(log_lines(f, "after 1 refused writes in 0 s (I/O errors)"), 1);
}

/* An I/O error is worth trying again: RC_AGAIN, nothing kept. */
static void
io_error_is_again(void **state)
{
    struct fixture *f = *state;

    atomic_store(&fault, FAULT_WRITE_EIO);
    assert_int_equal(add_post(f, "pendant", NULL), RC_AGAIN);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "après", NULL), RC_OK);
    assert_whole(f, 1);
}

/*
 * An fsync (a checkpoint's: synchronous=NORMAL syncs there, not at each
 * commit) fails as SQLITE_IOERR_FSYNC; its errno tells a full disk
 * (RC_FULL) from a broken one (RC_AGAIN). The checkpoint works once the
 * disk does, and the WAL loses nothing meanwhile.
 */
static void
fsync_errors_are_told_apart_by_errno(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(add_post(f, "un", NULL), RC_OK);
    atomic_store(&fault, FAULT_SYNC_ENOSPC);
    assert_int_equal(store_checkpoint(f->st), RC_FULL);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(add_post(f, "deux", NULL), RC_OK);
    atomic_store(&fault, FAULT_SYNC_EIO);
    assert_int_equal(store_checkpoint(f->st), RC_AGAIN);
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(store_checkpoint(f->st), RC_OK);
    assert_whole(f, 2);
}

/*
 * The writer's group commit: requests in savepoints of one transaction,
 * whose commit fails on a full disk. The commit says RC_FULL, nothing of
 * any part is kept, and the write lock is let go: the next transaction, on
 * this connection or another, does not wait forever.
 */
static void
a_failed_group_commit_keeps_nothing_and_frees_the_lock(void **state)
{
    struct fixture *f = *state;
    struct store *other = NULL;
    int i;

    assert_int_equal(store_begin(f->st), RC_OK);
    for (i = 0; i < 5; i++) {
        assert_int_equal(store_savepoint(f->st), RC_OK);
        assert_int_equal(add_post(f, "du lot", NULL), RC_OK);
        assert_int_equal(store_savepoint_end(f->st, true), RC_OK);
    }
    atomic_store(&fault, FAULT_WRITE_ENOSPC);
    assert_int_equal(store_commit(f->st), RC_FULL);
    /* each alone, as the writer retries them: refused again, once each */
    for (i = 0; i < 5; i++) {
        assert_int_equal(store_begin(f->st), RC_OK);
        assert_int_equal(add_post(f, "seul", NULL), RC_OK);
        assert_int_equal(store_commit(f->st), RC_FULL);
    }
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(store_open(f->data, &other), RC_OK);
    assert_int_equal(store_begin(other), RC_OK);
    assert_int_equal(store_commit(other), RC_OK);
    store_close(other);
    assert_int_equal(add_post(f, "après", NULL), RC_OK);
    assert_whole(f, 1);
}

/* A search on a full disk cannot index what is pending: it answers with what is indexed. */
static void
search_works_on_a_full_disk(void **state)
{
    struct fixture *f = *state;
    struct post *found = NULL;
    size_t n = 0;

    assert_int_equal(add_post(f, "Coopérer dans les territoires", NULL), RC_OK);
    assert_int_equal(store_fts_index_pending(f->st), RC_OK);
    assert_int_equal(add_post(f, "Coopérer encore", NULL), RC_OK); /* pending */
    atomic_store(&fault, FAULT_WRITE_ENOSPC);
    assert_int_equal(store_fts_index_pending(f->st), RC_FULL);
    assert_int_equal(store_post_search(f->st, &f->ar, "cooperer", 10, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(found[0].text, "Coopérer dans les territoires");
    atomic_store(&fault, FAULT_NONE);
    assert_int_equal(store_post_search(f->st, &f->ar, "cooperer", 10, &found, &n), RC_OK);
    assert_int_equal(n, 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(full_disk_refuses_whole_writes_and_resumes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_second_occurrence_soon_after_stays_quiet, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(io_error_is_again, setup, teardown),
        cmocka_unit_test_setup_teardown(fsync_errors_are_told_apart_by_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_group_commit_keeps_nothing_and_frees_the_lock,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(search_works_on_a_full_disk, setup, teardown),
    };

    return cmocka_run_group_tests(tests, shim_install, shim_remove);
}
