/*
 * tests/unit/test_backup.c - store/backup.c on real files: a backup holds
 * every row and nothing half-written, even with a writer going on; it never
 * replaces a file unless told, never leaves a temporary behind, and says
 * what is wrong; a restore refuses a database in use and a file that is no
 * gazouillis database, keeps the database it replaces (its WAL with it);
 * the data directory's lock keeps stores and restores apart; the
 * durability setting reaches every new connection. Each test gets a fresh
 * directory under /tmp, removed after it.
 */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/rc.h"
#include "store/store.h"
#include "store/store_int.h"

#define PATH 256

struct fixture {
    char dir[64];    /* the mkdtemp directory */
    char data[PATH]; /* dir/data, the store's */
    char copy[PATH]; /* dir/copy.db, where backups go */
    struct store *st;
    int64_t event_id;
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
    struct event e = {.slug = "ev", .title = "Un titre", .attendance = -1};

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/gz-backup-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    snprintf(f->copy, sizeof(f->copy), "%s/copy.db", f->dir);
    if (store_open(f->data, &f->st) != RC_OK || store_event_add(f->st, &e, &f->event_id) != RC_OK) {
        fprintf(stderr, "store: %s\n", store_open_error());
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->st);
    store_set_sync(STORE_SYNC_NORMAL);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* n posts with their tag, in one transaction, through st. */
static void
add_posts(struct store *st, int64_t event_id, int n, const char *prefix)
{
    static const char *const tags[] = {"innover"};
    char text[400];
    int i;

    assert_int_equal(store_begin(st), RC_OK);
    for (i = 0; i < n; i++) {
        snprintf(text, sizeof(text),
                 "%s %d: il faut travailler ensemble, et le dire assez longuement pour remplir "
                 "des pages de la base #innover",
                 prefix, i);
        struct post p = {.event_id = event_id, .text = text, .tags = tags, .n_tags = 1};
        assert_int_equal(store_post_add(st, &p, NULL), RC_OK);
    }
    assert_int_equal(store_commit(st), RC_OK);
}

/* One integer of sql on the database file at path (opened read-only). */
static int64_t
file_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return v;
}

/* The text of sql on the database file at path, into buf. */
static void
file_text(const char *path, const char *sql, char *buf, size_t size)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    buf[0] = '\0';
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* Whether a file of dir has a name containing part. */
static bool
dir_has(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    bool found = false;

    assert_non_null(d);
    while ((de = readdir(d)) != NULL)
        if (strstr(de->d_name, part) != NULL)
            found = true;
    closedir(d);
    return found;
}

static void
assert_whole(const char *path)
{
    char buf[64];

    file_text(path, "PRAGMA integrity_check", buf, sizeof(buf));
    assert_string_equal(buf, "ok");
    assert_int_equal(file_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* every post with its tag: none half-written */
    assert_int_equal(file_int(path, "SELECT count(*) FROM posts WHERE id NOT IN "
                                    "(SELECT post_id FROM post_tags)"),
                     0);
}

/* ---- backup ---- */

static void
backup_copies_every_row(void **state)
{
    struct fixture *f = *state;
    struct store_copy_stats s;
    struct stat sb;
    char err[512] = "", mode[16];

    add_posts(f->st, f->event_id, 100, "avant");
    assert_int_equal(store_backup(f->data, f->copy, false, &s, err, sizeof(err)), RC_OK);
    assert_string_equal(err, "");
    assert_int_equal(stat(f->copy, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600); /* password hashes inside */
    assert_true(s.pages > 0);
    assert_int_equal(s.bytes, sb.st_size);
    assert_true(s.seconds >= 0.0);
    assert_int_equal(file_int(f->copy, "SELECT count(*) FROM posts"), 100);
    assert_int_equal(file_int(f->copy, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_whole(f->copy);
    /* one file: no WAL to carry along */
    file_text(f->copy, "PRAGMA journal_mode", mode, sizeof(mode));
    assert_string_equal(mode, "delete");
    assert_false(dir_has(f->dir, ".tmp-"));
    /* the store goes on */
    add_posts(f->st, f->event_id, 1, "après");
}

static void
backup_replaces_a_file_only_when_forced(void **state)
{
    struct fixture *f = *state;
    char err[512], buf[16] = "";
    FILE *fp = fopen(f->copy, "w");

    assert_non_null(fp);
    fputs("précieux", fp);
    fclose(fp);
    assert_int_equal(store_backup(f->data, f->copy, false, NULL, err, sizeof(err)), RC_CONFLICT);
    assert_non_null(strstr(err, "exists"));
    fp = fopen(f->copy, "r");
    assert_non_null(fgets(buf, sizeof(buf), fp));
    fclose(fp);
    assert_string_equal(buf, "précieux");
    assert_int_equal(store_backup(f->data, f->copy, true, NULL, err, sizeof(err)), RC_OK);
    assert_int_equal(file_int(f->copy, "SELECT count(*) FROM events"), 1);
    assert_false(dir_has(f->dir, ".tmp-"));
}

static void
backup_says_what_is_wrong(void **state)
{
    struct fixture *f = *state;
    char err[512], path[PATH + 32], empty[PATH];

    snprintf(path, sizeof(path), "%s/nowhere", f->dir);
    assert_int_equal(store_backup(path, f->copy, false, NULL, err, sizeof(err)), RC_NOTFOUND);
    assert_non_null(strstr(err, "no data directory"));
    snprintf(empty, sizeof(empty), "%s/empty", f->dir);
    assert_int_equal(mkdir(empty, 0700), 0);
    assert_int_equal(store_backup(empty, f->copy, false, NULL, err, sizeof(err)), RC_NOTFOUND);
    assert_non_null(strstr(err, "no database"));
    snprintf(path, sizeof(path), "%s/missing/copy.db", f->dir);
    assert_int_equal(store_backup(f->data, path, false, NULL, err, sizeof(err)), RC_IO);
    assert_non_null(strstr(err, "No such file or directory"));
    /* the database itself, or its WAL, even forced */
    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(store_backup(f->data, path, true, NULL, err, sizeof(err)), RC_INVALID);
    assert_non_null(strstr(err, "the database itself"));
    snprintf(path, sizeof(path), "%s/gazouillis.db-wal", f->data);
    assert_int_equal(store_backup(f->data, path, true, NULL, err, sizeof(err)), RC_INVALID);
    assert_int_equal(access(f->copy, F_OK), -1);
    assert_false(dir_has(f->dir, ".tmp-"));
}

struct writer {
    const char *data;
    int64_t event_id;
    atomic_bool stop;
    atomic_int written; /* transactions committed */
    int failures;
};

/* Another connection that commits posts until told to stop. */
static void *
keep_writing(void *arg)
{
    struct writer *w = arg;
    static const char *const tags[] = {"innover"};
    struct store *st;

    if (store_open(w->data, &st) != RC_OK) {
        w->failures++;
        return NULL;
    }
    while (!w->stop) {
        struct post p = {.event_id = w->event_id,
                         .text = "pendant la copie #innover",
                         .tags = tags,
                         .n_tags = 1};
        if (store_post_add(st, &p, NULL) != RC_OK)
            w->failures++;
        else
            w->written++;
    }
    store_close(st);
    return NULL;
}

static void
backup_while_another_connection_writes(void **state)
{
    struct fixture *f = *state;
    struct writer w = {.data = f->data, .event_id = f->event_id};
    struct store_copy_stats s;
    pthread_t th;
    int64_t before, after, copied;
    char err[512];

    add_posts(f->st, f->event_id, 3000, "fond"); /* a few MiB: many steps */
    assert_int_equal(pthread_create(&th, NULL, keep_writing, &w), 0);
    while (w.written < 50)
        usleep(1000);
    before = 3000 + w.written;
    assert_int_equal(store_backup(f->data, f->copy, false, &s, err, sizeof(err)), RC_OK);
    after = 3000 + w.written;
    w.stop = true;
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(w.failures, 0);
    assert_true(s.pages > STORE_BACKUP_STEP_PAGES); /* more than one step */
    copied = file_int(f->copy, "SELECT count(*) FROM posts");
    assert_true(copied >= before);
    assert_true(copied <= after);
    assert_whole(f->copy);
    /* the writer was not held back: it committed while the copy ran */
    print_message("backup of %lld pages in %.3f s; %lld posts copied, %lld written during it\n",
                  (long long)s.pages, s.seconds, (long long)copied, (long long)(after - before));
}

/* ---- restore ---- */

static void
restore_refuses_a_database_in_use(void **state)
{
    struct fixture *f = *state;
    char err[512], aside[PATH + 64];

    assert_int_equal(store_backup(f->data, f->copy, false, NULL, err, sizeof(err)), RC_OK);
    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_CONFLICT);
    assert_non_null(strstr(err, "in use"));
    assert_string_equal(aside, "");
    assert_false(dir_has(f->data, "before-restore"));
    assert_false(dir_has(f->data, ".tmp-"));
}

static void
restore_keeps_the_database_it_replaces(void **state)
{
    struct fixture *f = *state;
    struct store_copy_stats s;
    char err[512], aside[PATH + 64], wal[PATH + 80];
    int64_t n;
    pid_t pid;
    int status;

    add_posts(f->st, f->event_id, 10, "sauvé");
    assert_int_equal(store_backup(f->data, f->copy, false, NULL, err, sizeof(err)), RC_OK);
    add_posts(f->st, f->event_id, 5, "après la copie");
    store_close(f->st);
    f->st = NULL;
    /* a process killed after its commits: they are in the WAL only */
    if ((pid = fork()) == 0) {
        struct store *st;
        if (store_open(f->data, &st) != RC_OK)
            _exit(1);
        add_posts(st, f->event_id, 3, "jamais copié");
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), &s, err, sizeof(err)),
                     RC_OK);
    assert_true(s.pages > 0 && s.bytes > 0);
    assert_non_null(strstr(aside, "gazouillis.db.before-restore-"));
    snprintf(wal, sizeof(wal), "%s-wal", aside);
    assert_int_equal(access(wal, F_OK), 0); /* its WAL went along, under its new name */
    assert_int_equal(file_int(aside, "SELECT count(*) FROM posts"), 18);
    assert_false(dir_has(f->data, ".tmp-"));

    assert_int_equal(store_open(f->data, &f->st), RC_OK);
    assert_int_equal(store_post_count(f->st, &n), RC_OK);
    assert_int_equal(n, 10);
    /* and again in the same second: the first one kept is not overwritten */
    store_close(f->st);
    f->st = NULL;
    char first[PATH + 64];
    snprintf(first, sizeof(first), "%s", aside);
    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_OK);
    assert_string_not_equal(aside, first);
    assert_int_equal(file_int(first, "SELECT count(*) FROM posts"), 18);
    assert_int_equal(store_open(f->data, &f->st), RC_OK);
}

static void
restore_refuses_what_is_no_gazouillis_database(void **state)
{
    struct fixture *f = *state;
    char err[512], aside[PATH + 64], path[PATH + 16], buf[4096];
    sqlite3 *db;
    FILE *fp;
    int64_t n;

    store_close(f->st);
    f->st = NULL;
    /* a text file */
    fp = fopen(f->copy, "w");
    assert_non_null(fp);
    fputs("pas une base de données\n", fp);
    fclose(fp);
    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_INVALID);
    assert_non_null(strstr(err, "not a gazouillis database"));
    /* some other SQLite database */
    snprintf(path, sizeof(path), "%s/other.db", f->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 3", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_restore(path, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_INVALID);
    assert_non_null(strstr(err, "not a gazouillis database"));
    /* a gazouillis database from the future */
    assert_int_equal(store_backup(f->data, f->copy, true, NULL, err, sizeof(err)), RC_OK);
    assert_int_equal(sqlite3_open(f->copy, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_INVALID);
    assert_non_null(strstr(err, "upgrade gazouillis"));
    /* a damaged one: the pages after the first zeroed */
    assert_int_equal(store_backup(f->data, f->copy, true, NULL, err, sizeof(err)), RC_OK);
    fp = fopen(f->copy, "r+");
    assert_non_null(fp);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(fseek(fp, 4096, SEEK_SET), 0);
    for (n = 0; n < 8; n++)
        assert_int_equal(fwrite(buf, 1, sizeof(buf), fp), sizeof(buf));
    fclose(fp);
    assert_int_equal(store_restore(f->copy, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_INVALID);
    /* a missing one */
    snprintf(path, sizeof(path), "%s/absent.db", f->dir);
    assert_int_equal(store_restore(path, f->data, aside, sizeof(aside), NULL, err, sizeof(err)),
                     RC_NOTFOUND);
    /* nothing moved, the event still there */
    assert_false(dir_has(f->data, "before-restore"));
    assert_false(dir_has(f->data, ".tmp-"));
    assert_int_equal(store_open(f->data, &f->st), RC_OK);
    struct arena ar = {0};
    struct event e;
    assert_int_equal(store_event_find(f->st, &ar, "ev", &e), RC_OK);
    arena_release(&ar);
}

/* ---- the data directory's lock ---- */

static void
open_is_refused_while_a_restore_holds_the_lock(void **state)
{
    struct fixture *f = *state;
    struct store *other = NULL;
    char err[512];
    int fd;

    /* the store of the fixture holds it shared: no exclusive lock */
    assert_int_equal(sq_data_lock(f->data, true, &fd, err, sizeof(err)), RC_CONFLICT);
    assert_int_equal(fd, -1);
    store_close(f->st);
    f->st = NULL;
    assert_int_equal(sq_data_lock(f->data, true, &fd, err, sizeof(err)), RC_OK);
    assert_int_equal(store_open(f->data, &other), RC_CONFLICT);
    assert_null(other);
    assert_non_null(strstr(store_open_error(), "being restored"));
    close(fd);
    assert_int_equal(store_open(f->data, &f->st), RC_OK);
    /* many stores at once share it */
    assert_int_equal(store_open(f->data, &other), RC_OK);
    store_close(other);
}

/* ---- durability ---- */

static void
sync_setting_reaches_new_connections(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    sqlite3_stmt *stmt;

    assert_int_equal(store_get_sync(), STORE_SYNC_NORMAL);
    for (int full = 0; full < 2; full++) {
        store_set_sync(full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL);
        assert_int_equal(store_open(f->data, &st), RC_OK);
        assert_int_equal(sqlite3_prepare_v2(sq_db(st), "PRAGMA synchronous", -1, &stmt, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(stmt, 0), full ? 2 : 1); /* FULL is 2, NORMAL 1 */
        sqlite3_finalize(stmt);
        add_posts(st, f->event_id, 3, "durable");
        store_close(st);
    }
    store_set_sync(STORE_SYNC_NORMAL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(backup_copies_every_row, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_replaces_a_file_only_when_forced, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_says_what_is_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_while_another_connection_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_refuses_a_database_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_keeps_the_database_it_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(restore_refuses_what_is_no_gazouillis_database, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(open_is_refused_while_a_restore_holds_the_lock, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sync_setting_reaches_new_connections, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
