/*
 * tests/unit/test_store.c - the storage contract on SQLite: what is written
 * reads back the same, NULLs included; pagination, tags and search find
 * what they should and nothing else; a failed write leaves no trace; a newer
 * schema is refused with words for the operator; ids never repeat across
 * threads. Each test gets a fresh directory under /tmp, removed after it.
 * The sqlite3 API is used directly only to look behind the store's back.
 */
#define _XOPEN_SOURCE 700 /* nftw(), to remove each test's directory */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "core/rc.h"
#include "store/store.h"
#include "store/store_int.h"

struct fixture {
    char dir[64];   /* the mkdtemp directory */
    char data[128]; /* dir/data, which store_open creates */
    struct store *st;
    struct arena ar;
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

    if (f == NULL)
        return -1;
    strcpy(f->dir, "/tmp/gz-store-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
    if (store_open(f->data, &f->st) != RC_OK) {
        fprintf(stderr, "store_open: %s\n", store_open_error());
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
    arena_release(&f->ar);
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* The one integer sql returns on db. */
static int64_t
db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* A connection of our own to the fixture's database, beside the store's. */
static sqlite3 *
own_db(struct fixture *f)
{
    char path[192];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

/* One integer that sql returns, read with a connection of our own. */
static int64_t
sql_int(struct fixture *f, const char *sql)
{
    sqlite3 *db = own_db(f);
    int64_t v = db_int(db, sql);

    sqlite3_close(db);
    return v;
}

/* Runs sql with a connection of our own; its SQLite result code. */
static int
sql_exec(struct fixture *f, const char *sql)
{
    sqlite3 *db = own_db(f);
    int src = sqlite3_exec(db, sql, NULL, NULL, NULL);

    sqlite3_close(db);
    return src;
}

static int64_t
add_account(struct fixture *f, const char *username, const char *role)
{
    struct account a = {.username = username, .role = role};
    int64_t id = 0;

    assert_int_equal(store_account_add(f->st, &a, &id), RC_OK);
    assert_true(id > 0);
    return id;
}

static int64_t
add_event(struct fixture *f, const char *slug)
{
    struct event e = {.slug = slug, .title = "Un titre", .attendance = -1};
    int64_t id = 0;

    assert_int_equal(store_event_add(f->st, &e, &id), RC_OK);
    return id;
}

static int64_t
add_post(struct fixture *f, int64_t event_id, int64_t account_id, const char *text,
         const char *const *tags, size_t n_tags)
{
    struct post p = {.event_id = event_id,
                     .account_id = account_id,
                     .text = text,
                     .html = text,
                     .tags = tags,
                     .n_tags = n_tags};
    int64_t id = 0;

    assert_int_equal(store_post_add(f->st, &p, &id), RC_OK);
    return id;
}

static void
assert_utc_timestamp(const char *s)
{
    assert_non_null(s);
    assert_int_equal(strlen(s), 20);
    assert_int_equal(s[4], '-');
    assert_int_equal(s[10], 'T');
    assert_int_equal(s[19], 'Z');
}

/* ---- opening ---- */

static void
open_creates_and_reopen_keeps_data(void **state)
{
    struct fixture *f = *state;
    struct account a;
    struct stat sb;
    char path[192];

    assert_int_equal(stat(f->data, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sql_int(f, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    add_account(f, "eric", "admin");

    store_close(f->st);
    f->st = NULL;
    assert_int_equal(store_open(f->data, &f->st), RC_OK);
    assert_string_equal(store_open_error(), "");
    assert_int_equal(store_account_by_name(f->st, &f->ar, "eric", &a), RC_OK);
    assert_string_equal(a.role, "admin");
    assert_int_equal(sql_int(f, "SELECT count(*) FROM accounts"), 1);
    assert_int_equal(store_checkpoint(f->st), RC_OK);
}

static void
open_uses_wal_and_foreign_keys(void **state)
{
    struct fixture *f = *state;
    char path[192];
    sqlite3 *db;
    sqlite3_stmt *stmt;

    /* The journal mode is stored in the file; foreign keys show in what they refuse. */
    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    assert_int_equal(store_editor_add(f->st, 12345, 67890), RC_NOTFOUND);
}

/* What /metrics reports as SQLite's memory follows what connections hold. */
static void
memory_used_counts_what_connections_hold(void **state)
{
    struct fixture *f = *state;
    struct store *second = NULL;
    int64_t one, two, back;

    one = store_memory_used();
    assert_true(one > 0);
    /* A connection holds its parsed schema and prepared statements: 170 KB here. */
    assert_int_equal(store_open(f->data, &second), RC_OK);
    two = store_memory_used();
    assert_true(two - one >= 50000);
    store_close(second);
    back = store_memory_used();
    assert_true(two - back >= 50000);
    assert_true(back > 0);
    /* SQLite's own statistics are off: the count is ours (sqlite_memory.c). */
    assert_int_equal(sqlite3_memory_used(), 0);
}

static void
open_refuses_a_newer_schema(void **state)
{
    struct fixture *f = *state;
    struct store *st = (struct store *)1;
    char want[256];

    store_close(f->st);
    f->st = NULL;
    assert_int_equal(sql_exec(f, "PRAGMA user_version = 99"), SQLITE_OK);
    assert_int_equal(store_open(f->data, &st), RC_INVALID);
    assert_null(st);
    snprintf(want, sizeof(want),
             "%s/gazouillis.db has schema version 99, this gazouillis knows up to %d: "
             "upgrade gazouillis",
             f->data, STORE_SCHEMA_VERSION);
    assert_string_equal(store_open_error(), want);
    /* The refused database is left alone. */
    assert_int_equal(sql_int(f, "PRAGMA user_version"), 99);
}

static void
open_takes_no_write_lock_when_up_to_date(void **state)
{
    struct fixture *f = *state;
    struct store *st = NULL;
    struct timespec t0, t1;
    sqlite3 *db = own_db(f);
    int64_t n;

    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(store_open(f->data, &st), RC_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2); /* not the 5 s busy timeout */
    assert_int_equal(store_post_count(st, &n), RC_OK);
    store_close(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
}

static void
open_refuses_a_file_as_directory(void **state)
{
    struct fixture *f = *state;
    struct store *st;
    char path[192];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/plain", f->dir);
    assert_non_null(fp = fopen(path, "w"));
    fclose(fp);
    assert_int_not_equal(store_open(path, &st), RC_OK);
    assert_null(st);
    assert_non_null(strstr(store_open_error(), "not a directory"));
}

/* ---- accounts and tokens ---- */

static void
accounts_add_get_conflict_count(void **state)
{
    struct fixture *f = *state;
    struct account a = {.username = "eric",
                        .display_name = "Éric Lamirande",
                        .role = "editor",
                        .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$x$y"};
    struct account dup = {.username = "eric"}, bad = {.username = "zoe", .role = "king"};
    struct account old = {
        .username = "old", .created_at = "2014-11-20T19:02:11Z", .disabled = true};
    struct account got;
    int64_t id, id2, n;

    assert_int_equal(store_account_count(f->st, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_account_add(f->st, &a, &id), RC_OK);
    assert_int_equal(store_account_add(f->st, &dup, &id2), RC_CONFLICT);
    assert_non_null(strstr(store_errmsg(f->st), "UNIQUE"));
    assert_int_equal(store_account_add(f->st, &bad, &id2), RC_INVALID);
    assert_int_equal(store_account_add(f->st, &old, &id2), RC_OK);
    assert_true(id2 > id);

    assert_int_equal(store_account_by_name(f->st, &f->ar, "eric", &got), RC_OK);
    assert_int_equal(got.id, id);
    assert_string_equal(got.username, "eric");
    assert_string_equal(got.display_name, "Éric Lamirande");
    assert_string_equal(got.role, "editor");
    assert_string_equal(got.password_hash, a.password_hash);
    assert_utc_timestamp(got.created_at);
    assert_false(got.disabled);

    assert_int_equal(store_account_by_id(f->st, &f->ar, id2, &got), RC_OK);
    assert_string_equal(got.username, "old");
    assert_string_equal(got.display_name, "");
    assert_string_equal(got.role, "member");
    assert_string_equal(got.password_hash, "");
    assert_string_equal(got.created_at, "2014-11-20T19:02:11Z");
    assert_true(got.disabled);

    assert_int_equal(store_account_by_name(f->st, &f->ar, "nobody", &got), RC_NOTFOUND);
    assert_int_equal(store_account_by_id(f->st, &f->ar, 42, &got), RC_NOTFOUND);
    assert_int_equal(store_account_count(f->st, &n), RC_OK);
    assert_int_equal(n, 2);

    assert_int_equal(store_account_set_password(f->st, id, "$argon2id$new"), RC_OK);
    assert_int_equal(store_account_by_id(f->st, &f->ar, id, &got), RC_OK);
    assert_string_equal(got.password_hash, "$argon2id$new");
    assert_int_equal(store_account_set_password(f->st, 42, "x"), RC_NOTFOUND);
}

static void
tokens_found_by_hash(void **state)
{
    struct fixture *f = *state;
    unsigned char h1[32], h2[32], h3[32];
    struct account disabled = {.username = "gone", .disabled = true};
    struct account a;
    const char *scopes = NULL;
    int64_t eric, gone, tid;

    memset(h1, 0xa1, sizeof(h1));
    memset(h2, 0xb2, sizeof(h2));
    memset(h3, 0xc3, sizeof(h3));
    h1[31] = 0; /* a NUL inside must not cut the hash short */
    eric = add_account(f, "eric", "admin");
    assert_int_equal(store_account_add(f->st, &disabled, &gone), RC_OK);
    assert_int_equal(store_token_add(f->st, eric, h1, "read write", &tid), RC_OK);
    assert_int_equal(store_token_add(f->st, eric, h1, "read", &tid), RC_CONFLICT);
    assert_int_equal(store_token_add(f->st, gone, h2, NULL, &tid), RC_OK);
    assert_int_equal(store_token_add(f->st, 999, h3, "read", &tid), RC_NOTFOUND);

    assert_int_equal(store_token_find(f->st, &f->ar, h1, &a, &scopes), RC_OK);
    assert_int_equal(a.id, eric);
    assert_string_equal(a.username, "eric");
    assert_string_equal(scopes, "read write");
    /* A disabled account's tokens open nothing. */
    assert_int_equal(store_token_find(f->st, &f->ar, h2, &a, &scopes), RC_NOTFOUND);
    assert_int_equal(store_token_find(f->st, &f->ar, h3, &a, &scopes), RC_NOTFOUND);
    assert_int_equal(sql_int(f, "SELECT length(hash) FROM tokens WHERE scopes = 'read write'"), 32);
}

/* ---- sessions ---- */

static void
sessions_found_until_they_expire(void **state)
{
    struct fixture *f = *state;
    unsigned char h1[32], h2[32], h3[32], h4[32];
    struct account disabled = {.username = "gone", .disabled = true};
    struct account a;
    const char *csrf = NULL;
    time_t now = time(NULL);
    int64_t eric, gone;

    memset(h1, 0xa1, sizeof(h1));
    memset(h2, 0xb2, sizeof(h2));
    memset(h3, 0xc3, sizeof(h3));
    memset(h4, 0xd4, sizeof(h4));
    h1[0] = 0; /* a NUL inside must not cut the hash short */
    eric = add_account(f, "eric", "editor");
    assert_int_equal(store_account_add(f->st, &disabled, &gone), RC_OK);
    assert_int_equal(store_session_add(f->st, eric, h1, "csrf-one", now + 3600), RC_OK);
    assert_int_equal(store_session_add(f->st, eric, h1, "csrf-dup", now + 3600), RC_CONFLICT);
    assert_int_equal(store_session_add(f->st, gone, h2, "csrf-two", now + 3600), RC_OK);
    assert_int_equal(store_session_add(f->st, 999, h3, "csrf-three", now + 3600), RC_NOTFOUND);
    assert_int_equal(store_session_add(f->st, eric, h3, "csrf-old", now - 1), RC_OK);

    assert_int_equal(store_session_find(f->st, &f->ar, h1, &a, &csrf), RC_OK);
    assert_int_equal(a.id, eric);
    assert_string_equal(a.username, "eric");
    assert_string_equal(a.role, "editor");
    assert_string_equal(csrf, "csrf-one");
    assert_int_equal(store_session_find(f->st, &f->ar, h1, &a, NULL), RC_OK);
    /* A disabled account's session, an expired one and an unknown hash open nothing. */
    assert_int_equal(store_session_find(f->st, &f->ar, h2, &a, &csrf), RC_NOTFOUND);
    assert_int_equal(store_session_find(f->st, &f->ar, h3, &a, &csrf), RC_NOTFOUND);
    assert_int_equal(store_session_find(f->st, &f->ar, h4, &a, &csrf), RC_NOTFOUND);
    assert_int_equal(sql_int(f, "SELECT length(hash) FROM sessions WHERE csrf = 'csrf-one'"), 32);
    assert_int_equal(
        sql_int(f, "SELECT count(*) FROM sessions WHERE expires_at LIKE '____-__-__T__:__:__Z'"),
        3);

    /* A new session sweeps the expired ones away. */
    assert_int_equal(store_session_add(f->st, eric, h4, "csrf-four", now + 60), RC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions WHERE csrf = 'csrf-old'"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM sessions"), 3);

    assert_int_equal(store_session_delete(f->st, h1), RC_OK);
    assert_int_equal(store_session_find(f->st, &f->ar, h1, &a, &csrf), RC_NOTFOUND);
    assert_int_equal(store_session_delete(f->st, h1), RC_NOTFOUND);
    assert_int_equal(store_session_find(f->st, &f->ar, h4, &a, &csrf), RC_OK);
    assert_string_equal(csrf, "csrf-four");
}

/* ---- events ---- */

static const char *const aliases_jacques = "[\"J. Beaudet\",\"Jacques\"]";

static void
fill_reference_event(struct event *e, struct person *people, struct org *orgs)
{
    people[0] = (struct person){.name = "Jacques Beaudet",
                                .affiliation = "CDEC de Québec",
                                .role = "panelist",
                                .aliases_json = aliases_jacques,
                                .url = "https://cdec.example/"};
    people[1] = (struct person){.name = "Zoé Modératrice", .role = "moderator"};
    people[2] = (struct person){.name = "Alain Ouvreur", .affiliation = "Ville", .role = "host"};
    orgs[0] = (struct org){.kind = "sponsor",
                           .name = "Fonds d'Emprunt Québec",
                           .url = "http://web.fonds-emprunt.qc.ca/"};
    orgs[1] = (struct org){.kind = "organizer", .name = "La Nef"};
    *e = (struct event){
        .slug = "cooperer-2014",
        .title = "Coopérer dans les territoires pour faire face à la crise, innover et changer "
                 "d'échelle",
        .hashtag = "innover",
        .lang = "fr",
        .char_limit = 140,
        .starts_at = "2014-11-20T18:00:00-05:00",
        .ends_at = "2014-11-20T21:00:00-05:00",
        .timezone = "America/Toronto",
        .series = "Semaines de l'économie sociale",
        .venue_name = "La Nef",
        .venue_address = NULL,
        .venue_url = "https://www.facebook.com/la.nef.coop.de.solidarite",
        .attendance = 40,
        .context_md = "Une *table ronde*.",
        .disclaimer_md = "Résumé en 140 caractères.",
        .conclusion_md = "Merci.",
        .signature = "Eric Lamirande",
        .state = "live",
        .people = people,
        .n_people = 3,
        .orgs = orgs,
        .n_orgs = 2,
    };
}

#define assert_same_string(a, b)                                                                   \
    do {                                                                                           \
        if ((a) == NULL || (b) == NULL)                                                            \
            assert_ptr_equal((a), (b));                                                            \
        else                                                                                       \
            assert_string_equal((a), (b));                                                         \
    } while (0)

static void
assert_same_event(const struct event *got, const struct event *e)
{
    size_t i;

    assert_same_string(got->slug, e->slug);
    assert_same_string(got->title, e->title);
    assert_same_string(got->hashtag, e->hashtag);
    assert_same_string(got->lang, e->lang);
    assert_int_equal(got->char_limit, e->char_limit);
    assert_same_string(got->starts_at, e->starts_at);
    assert_same_string(got->ends_at, e->ends_at);
    assert_same_string(got->timezone, e->timezone);
    assert_same_string(got->series, e->series);
    assert_same_string(got->venue_name, e->venue_name);
    assert_same_string(got->venue_address, e->venue_address);
    assert_same_string(got->venue_url, e->venue_url);
    assert_int_equal(got->attendance, e->attendance);
    assert_same_string(got->context_md, e->context_md);
    assert_same_string(got->disclaimer_md, e->disclaimer_md);
    assert_same_string(got->conclusion_md, e->conclusion_md);
    assert_same_string(got->signature, e->signature);
    assert_same_string(got->state, e->state);
    assert_int_equal(got->n_people, e->n_people);
    for (i = 0; i < e->n_people; i++) {
        assert_same_string(got->people[i].name, e->people[i].name);
        assert_string_equal(got->people[i].affiliation,
                            e->people[i].affiliation ? e->people[i].affiliation : "");
        assert_same_string(got->people[i].role, e->people[i].role);
        assert_string_equal(got->people[i].aliases_json,
                            e->people[i].aliases_json ? e->people[i].aliases_json : "[]");
        assert_same_string(got->people[i].url, e->people[i].url);
    }
    assert_int_equal(got->n_orgs, e->n_orgs);
    for (i = 0; i < e->n_orgs; i++) {
        assert_same_string(got->orgs[i].kind, e->orgs[i].kind);
        assert_same_string(got->orgs[i].name, e->orgs[i].name);
        assert_same_string(got->orgs[i].url, e->orgs[i].url);
    }
}

static void
event_round_trips_every_field(void **state)
{
    struct fixture *f = *state;
    struct person people[3];
    struct org orgs[2];
    struct event e, got;
    int64_t id, eric = add_account(f, "eric", "admin");

    fill_reference_event(&e, people, orgs);
    e.created_by = eric;
    assert_int_equal(store_event_add(f->st, &e, &id), RC_OK);
    assert_true(id > 0);
    assert_int_equal(store_event_get(f->st, &f->ar, "cooperer-2014", &got), RC_OK);
    assert_int_equal(got.id, id);
    assert_int_equal(got.created_by, eric);
    assert_same_event(&got, &e);
    assert_null(got.venue_address);

    /* A minimal event: every optional field NULL, defaults filled. */
    e = (struct event){.id = 77, .slug = "bare", .title = "Bare", .attendance = -1};
    assert_int_equal(store_event_add(f->st, &e, &id), RC_OK);
    assert_int_equal(id, 77);
    assert_int_equal(store_event_get(f->st, &f->ar, "bare", &got), RC_OK);
    assert_int_equal(got.id, 77);
    assert_int_equal(got.char_limit, 140);
    assert_int_equal(got.attendance, -1);
    assert_string_equal(got.state, "draft");
    assert_null(got.hashtag);
    assert_null(got.lang);
    assert_null(got.starts_at);
    assert_null(got.context_md);
    assert_null(got.signature);
    assert_int_equal(got.created_by, 0);
    assert_int_equal(got.n_people, 0);
    assert_int_equal(got.n_orgs, 0);

    assert_int_equal(store_event_add(f->st, &e, &id), RC_CONFLICT); /* id taken */
    e.id = 0;
    assert_int_equal(store_event_add(f->st, &e, &id), RC_CONFLICT); /* slug taken */
    e.slug = "other";
    e.state = "cancelled";
    assert_int_equal(store_event_add(f->st, &e, &id), RC_INVALID);
    assert_int_equal(store_event_get(f->st, &f->ar, "nope", &got), RC_NOTFOUND);
}

static void
event_update_replaces_people_and_orgs(void **state)
{
    struct fixture *f = *state;
    struct person people[3],
        one = {.name = "Nouvelle Personne", .role = "speaker", .aliases_json = "[\"NP\"]"};
    struct org orgs[2], three[3] = {{.kind = "partner", .name = "A"},
                                    {.kind = "supplier", .name = "B", .url = "https://b/"},
                                    {.kind = "organizer", .name = "C"}};
    struct event e, got;
    int64_t id;

    fill_reference_event(&e, people, orgs);
    assert_int_equal(store_event_add(f->st, &e, &id), RC_OK);
    add_event(f, "taken");

    e.id = id;
    e.title = "Nouveau titre";
    e.slug = "cooperer";
    e.attendance = -1;
    e.series = NULL;
    e.state = "published";
    e.people = &one;
    e.n_people = 1;
    e.orgs = three;
    e.n_orgs = 3;
    assert_int_equal(store_event_update(f->st, &e), RC_OK);
    assert_int_equal(store_event_get(f->st, &f->ar, "cooperer-2014", &got), RC_NOTFOUND);
    assert_int_equal(store_event_get(f->st, &f->ar, "cooperer", &got), RC_OK);
    assert_int_equal(got.id, id);
    assert_same_event(&got, &e);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_people"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_orgs"), 3);

    e.slug = "taken";
    assert_int_equal(store_event_update(f->st, &e), RC_CONFLICT);
    e.slug = "cooperer";
    e.id = 4242;
    assert_int_equal(store_event_update(f->st, &e), RC_NOTFOUND);
}

static void
event_update_failing_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct person people[3];
    struct org orgs[2], bad = {.kind = "enemy", .name = "X"};
    struct event e, got, before;
    int64_t id;

    fill_reference_event(&e, people, orgs);
    before = e;
    assert_int_equal(store_event_add(f->st, &e, &id), RC_OK);
    e.id = id;
    e.title = "Changed";
    e.n_people = 1;
    e.orgs = &bad; /* refused by the CHECK, after the people were replaced */
    e.n_orgs = 1;
    assert_int_equal(store_event_update(f->st, &e), RC_INVALID);
    assert_int_equal(store_event_get(f->st, &f->ar, "cooperer-2014", &got), RC_OK);
    assert_same_event(&got, &before);
}

static void
event_delete_cascades(void **state)
{
    struct fixture *f = *state;
    static const char *const tags[] = {"innover", "coop"};
    struct post p, *found;
    size_t n;
    int64_t eric = add_account(f, "eric", "admin"), ev = add_event(f, "gone"),
            kept = add_event(f, "kept"), pid, n_posts;
    struct person people[3];
    struct org orgs[2];
    struct event e;

    fill_reference_event(&e, people, orgs);
    e.slug = "with-people";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_OK);
    assert_int_equal(store_editor_add(f->st, ev, eric), RC_OK);
    pid = add_post(f, ev, eric, "Coopérer ensemble #innover", tags, 2);
    add_post(f, kept, eric, "Ailleurs on coopère aussi", NULL, 0);

    assert_int_equal(store_event_delete(f->st, ev), RC_OK);
    assert_int_equal(store_post_get(f->st, &f->ar, pid, &p), RC_NOTFOUND);
    assert_int_equal(store_post_count(f->st, &n_posts), RC_OK);
    assert_int_equal(n_posts, 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags"), 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_editors"), 0);
    assert_int_equal(store_post_search(f->st, &f->ar, "ensemble", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_post_search(f->st, &f->ar, "cooper", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sql_exec(f, "INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')"),
                     SQLITE_OK);
    assert_int_equal(store_event_delete(f->st, ev), RC_NOTFOUND);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_people"), 3);
}

static void
event_list_newest_start_first(void **state)
{
    struct fixture *f = *state;
    struct event e = {.title = "t", .attendance = -1}, *list;
    size_t n;

    e.slug = "undated";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_OK);
    e.slug = "montreal-evening"; /* 23:00 UTC: the latest start, though its text sorts first */
    e.starts_at = "2014-11-20T18:00:00-05:00";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_OK);
    e.slug = "paris-evening"; /* 19:00 UTC */
    e.starts_at = "2014-11-20T20:00:00+01:00";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_OK);
    e.slug = "older";
    e.starts_at = "2013-01-01T09:00:00Z";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_OK);

    assert_int_equal(store_event_list(f->st, &f->ar, &list, &n), RC_OK);
    assert_int_equal(n, 4);
    assert_string_equal(list[0].slug, "montreal-evening");
    assert_string_equal(list[1].slug, "paris-evening");
    assert_string_equal(list[2].slug, "older");
    assert_string_equal(list[3].slug, "undated");
    assert_int_equal(list[0].n_people, 0);
    assert_null(list[0].people);
}

static void
editors(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev"), other = add_event(f, "other");
    int64_t eric = add_account(f, "eric", "editor"), zoe = add_account(f, "zoe", "member");
    bool is = true;

    assert_int_equal(store_editor_add(f->st, ev, eric), RC_OK);
    assert_int_equal(store_editor_add(f->st, ev, eric), RC_OK); /* already: no change */
    assert_int_equal(store_is_editor(f->st, ev, eric, &is), RC_OK);
    assert_true(is);
    assert_int_equal(store_is_editor(f->st, ev, zoe, &is), RC_OK);
    assert_false(is);
    is = true;
    assert_int_equal(store_is_editor(f->st, other, eric, &is), RC_OK);
    assert_false(is);
    assert_int_equal(store_editor_add(f->st, ev, 999), RC_NOTFOUND);
    assert_int_equal(store_editor_add(f->st, 999, zoe), RC_NOTFOUND);
}

/* An event found by its id is the one found by its slug. */
static void
event_by_id(void **state)
{
    struct fixture *f = *state;
    struct arena ar = {0};
    struct event a, b;
    int64_t id = add_event(f, "by-id");

    assert_int_equal(store_event_get_id(f->st, &ar, id, &a), RC_OK);
    assert_int_equal(store_event_get(f->st, &ar, "by-id", &b), RC_OK);
    assert_int_equal(a.id, b.id);
    assert_string_equal(a.slug, "by-id");
    assert_int_equal(store_event_get_id(f->st, &ar, id + 1, &a), RC_NOTFOUND);
    arena_release(&ar);
}

/* Several writes as one: what store_commit keeps, store_rollback undoes. */
static void
transactions_nest(void **state)
{
    struct fixture *f = *state;
    struct arena ar = {0};
    struct event e;
    int64_t ev, eric = add_account(f, "eric", "editor");

    /* rolled back: the event, its editor, all gone, though each write succeeded */
    assert_int_equal(store_begin(f->st), RC_OK);
    ev = add_event(f, "undone");
    assert_int_equal(store_editor_add(f->st, ev, eric), RC_OK);
    store_rollback(f->st);
    assert_int_equal(store_event_get(f->st, &ar, "undone", &e), RC_NOTFOUND);
    /* a write that failed half-way (the event went in, its organization
     * did not) makes the commit roll everything back */
    struct org bad = {.kind = "bogus", .name = "X"};
    struct event half = {.slug = "half", .title = "T", .attendance = -1, .orgs = &bad, .n_orgs = 1};
    assert_int_equal(store_begin(f->st), RC_OK);
    add_event(f, "before-half");
    assert_int_equal(store_event_add(f->st, &half, NULL), RC_INVALID);
    assert_int_equal(store_commit(f->st), RC_IO);
    assert_int_equal(store_event_get(f->st, &ar, "half", &e), RC_NOTFOUND);
    assert_int_equal(store_event_get(f->st, &ar, "before-half", &e), RC_NOTFOUND);
    /* committed: kept, and the connection works on its own again */
    assert_int_equal(store_begin(f->st), RC_OK);
    ev = add_event(f, "kept");
    assert_int_equal(store_editor_add(f->st, ev, eric), RC_OK);
    assert_int_equal(store_commit(f->st), RC_OK);
    assert_int_equal(store_event_get(f->st, &ar, "kept", &e), RC_OK);
    add_event(f, "after");
    assert_int_equal(store_event_get(f->st, &ar, "after", &e), RC_OK);
    arena_release(&ar);
}

/*
 * Parts of one transaction, as the group commit uses them: a part that
 * fails (or is not kept) is undone alone, the others are committed.
 */
static void
savepoints_undo_one_part(void **state)
{
    struct fixture *f = *state;
    struct arena ar = {0};
    struct event e;
    struct org bad = {.kind = "bogus", .name = "X"};
    struct event half = {.slug = "half", .title = "T", .attendance = -1, .orgs = &bad, .n_orgs = 1};

    /* outside a transaction there is nothing to be part of */
    assert_int_equal(store_savepoint(f->st), RC_INVALID);
    assert_int_equal(store_savepoint_end(f->st, true), RC_INVALID);
    assert_int_equal(store_begin(f->st), RC_OK);
    /* kept */
    assert_int_equal(store_savepoint(f->st), RC_OK);
    add_event(f, "first");
    assert_int_equal(store_savepoint_end(f->st, true), RC_OK);
    /* a write that failed half-way: its event went in, and is undone */
    assert_int_equal(store_savepoint(f->st), RC_OK);
    assert_int_equal(store_event_add(f->st, &half, NULL), RC_INVALID);
    assert_int_equal(store_savepoint(f->st), RC_INVALID); /* one at a time */
    assert_int_equal(store_savepoint_end(f->st, true), RC_OK);
    /* succeeded, but its caller says no (an error answer): undone */
    assert_int_equal(store_savepoint(f->st), RC_OK);
    add_event(f, "refused");
    assert_int_equal(store_savepoint_end(f->st, false), RC_OK);
    /* kept */
    assert_int_equal(store_savepoint(f->st), RC_OK);
    add_event(f, "last");
    assert_int_equal(store_savepoint_end(f->st, true), RC_OK);
    assert_int_equal(store_commit(f->st), RC_OK);
    assert_int_equal(store_event_get(f->st, &ar, "first", &e), RC_OK);
    assert_int_equal(store_event_get(f->st, &ar, "last", &e), RC_OK);
    assert_int_equal(store_event_get(f->st, &ar, "half", &e), RC_NOTFOUND);
    assert_int_equal(store_event_get(f->st, &ar, "refused", &e), RC_NOTFOUND);
    /* the connection works on its own again */
    add_event(f, "after");
    assert_int_equal(store_event_get(f->st, &ar, "after", &e), RC_OK);
    arena_release(&ar);
}

/* ---- posts ---- */

static void
post_add_get_update_delete(void **state)
{
    struct fixture *f = *state;
    static const char *const tags[] = {"innover", "coop", "innover"};
    static const char *const new_tags[] = {"changer"};
    int64_t ev = add_event(f, "ev"), eric = add_account(f, "eric", "editor"), id, id2, n;
    struct post p = {.event_id = ev,
                     .account_id = eric,
                     .text = "Jacques Beaudet: il faut travailler ensemble. #innover #coop",
                     .html = "<p>Jacques Beaudet: il faut travailler ensemble.</p>",
                     .speaker_name = "Jacques Beaudet",
                     .tags = tags,
                     .n_tags = 3};
    struct post audience = {.id = 1234567,
                            .event_id = ev,
                            .text = "Bonne question",
                            .speaker_audience = true,
                            .speaker_label = "Commentaire de l'assemblée",
                            .lang = "fr",
                            .state = "pending",
                            .created_at = "2014-11-20T19:02:11Z",
                            .edited_at = "2014-11-20T19:03:00Z",
                            .likes = 3};
    struct post got;

    assert_int_equal(store_post_add(f->st, &p, &id), RC_OK);
    assert_int_equal(store_post_get(f->st, &f->ar, id, &got), RC_OK);
    assert_int_equal(got.id, id);
    assert_int_equal(got.event_id, ev);
    assert_int_equal(got.account_id, eric);
    assert_string_equal(got.author, "eric");
    assert_string_equal(got.text, p.text);
    assert_string_equal(got.html, p.html);
    assert_string_equal(got.speaker_name, "Jacques Beaudet");
    assert_false(got.speaker_audience);
    assert_null(got.speaker_label);
    assert_null(got.lang);
    assert_string_equal(got.state, "visible");
    assert_utc_timestamp(got.created_at);
    assert_null(got.edited_at);
    assert_int_equal(got.likes, 0);
    assert_int_equal(got.n_tags, 2); /* the repeated tag is kept once, in first-seen order */
    assert_string_equal(got.tags[0], "innover");
    assert_string_equal(got.tags[1], "coop");

    /* Import: id, timestamps, state and likes kept as given; no author. */
    assert_int_equal(store_post_add(f->st, &audience, &id2), RC_OK);
    assert_int_equal(id2, 1234567);
    assert_int_equal(store_post_get(f->st, &f->ar, id2, &got), RC_OK);
    assert_int_equal(got.account_id, 0);
    assert_null(got.author);
    assert_null(got.speaker_name);
    assert_true(got.speaker_audience);
    assert_string_equal(got.speaker_label, "Commentaire de l'assemblée");
    assert_string_equal(got.lang, "fr");
    assert_string_equal(got.state, "pending");
    assert_string_equal(got.created_at, "2014-11-20T19:02:11Z");
    assert_string_equal(got.edited_at, "2014-11-20T19:03:00Z");
    assert_int_equal(got.likes, 3);
    assert_int_equal(got.n_tags, 0);
    assert_null(got.tags);
    assert_string_equal(got.html, ""); /* no html given */
    assert_int_equal(store_post_add(f->st, &audience, &id2), RC_CONFLICT);

    audience.id = 0;
    audience.event_id = 999;
    assert_int_equal(store_post_add(f->st, &audience, &id2), RC_NOTFOUND);
    audience.event_id = ev;
    audience.state = "deleted";
    assert_int_equal(store_post_add(f->st, &audience, &id2), RC_INVALID);

    p.id = id;
    p.text = "Jacques Beaudet: changer d'échelle #changer";
    p.html = "<p>changer</p>";
    p.speaker_name = NULL;
    p.speaker_audience = true;
    p.speaker_label = "La salle";
    p.tags = new_tags;
    p.n_tags = 1;
    assert_int_equal(store_post_update(f->st, &p), RC_OK);
    assert_int_equal(store_post_get(f->st, &f->ar, id, &got), RC_OK);
    assert_string_equal(got.text, p.text);
    assert_string_equal(got.html, "<p>changer</p>");
    assert_null(got.speaker_name);
    assert_true(got.speaker_audience);
    assert_string_equal(got.speaker_label, "La salle");
    assert_utc_timestamp(got.edited_at);
    assert_int_equal(got.n_tags, 1);
    assert_string_equal(got.tags[0], "changer");
    p.id = 4242;
    assert_int_equal(store_post_update(f->st, &p), RC_NOTFOUND);

    assert_int_equal(store_post_count(f->st, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_post_delete(f->st, id), RC_OK);
    assert_int_equal(store_post_get(f->st, &f->ar, id, &got), RC_NOTFOUND);
    assert_int_equal(store_post_delete(f->st, id), RC_NOTFOUND);
    assert_int_equal(store_post_count(f->st, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags"), 0);
}

#define N_A 25 /* posts of event A; every third tagged "trois" */
#define N_B 5

static void
post_list_paginates(void **state)
{
    struct fixture *f = *state;
    static const char *const trois[] = {"trois", "innover"};
    static const char *const other[] = {"innover"};
    int64_t a = add_event(f, "a"), b = add_event(f, "b"), eric = add_account(f, "eric", "admin");
    int64_t ids_a[N_A];
    struct post_query q = {.event_id = a, .limit = 10};
    struct post *page;
    size_t n, i;
    char text[64];

    for (i = 0; i < N_A; i++) {
        snprintf(text, sizeof(text), "post %zu of a", i);
        ids_a[i] = add_post(f, a, eric, text, i % 3 == 0 ? trois : other, i % 3 == 0 ? 2 : 1);
        if (i > 0)
            assert_true(ids_a[i] > ids_a[i - 1]);
        if (i % 2 == 1)
            add_post(f, b, eric, "post of b", NULL, 0);
    }

    /* Newest first, ten at a time, walking down with max_id. */
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 10);
    for (i = 0; i < n; i++)
        assert_int_equal(page[i].id, ids_a[N_A - 1 - i]);
    assert_string_equal(page[0].author, "eric");
    q.max_id = page[n - 1].id;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 10);
    assert_int_equal(page[0].id, ids_a[N_A - 11]);
    q.max_id = page[n - 1].id;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 5);
    assert_int_equal(page[4].id, ids_a[0]);
    q.max_id = page[n - 1].id;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 0);

    /* since_id: only newer, still newest first; both bounds exclusive. */
    q.max_id = ids_a[20];
    q.since_id = ids_a[15];
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(page[0].id, ids_a[19]);
    assert_int_equal(page[3].id, ids_a[16]);

    /* Oldest first, for the recap. */
    q = (struct post_query){.event_id = a, .limit = 7, .oldest_first = true};
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 7);
    for (i = 0; i < n; i++)
        assert_int_equal(page[i].id, ids_a[i]);
    q.since_id = page[6].id;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(page[0].id, ids_a[7]);

    /* Limits: clamped to 200, 0 means 20. */
    q = (struct post_query){.limit = 100000};
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, N_A + 12);
    q.limit = 0;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 20);

    /* Tags, alone and within an event. */
    q = (struct post_query){.tag = "trois", .limit = 200};
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 9);
    assert_int_equal(page[0].id, ids_a[24]);
    assert_int_equal(page[8].id, ids_a[0]);
    assert_int_equal(page[0].n_tags, 2);
    q.oldest_first = true;
    q.since_id = ids_a[3];
    q.max_id = ids_a[24];
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 6);
    assert_int_equal(page[0].id, ids_a[6]);
    q = (struct post_query){.event_id = b, .tag = "innover", .limit = 50};
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 0);
    q.event_id = a;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, N_A);
    q = (struct post_query){.event_id = b, .limit = 50, .oldest_first = true};
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 12);
    assert_string_equal(page[0].text, "post of b");
    assert_int_equal(page[0].n_tags, 0);
}

static void
post_list_visible_only(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev");
    struct post p = {.event_id = ev, .text = "en attente", .state = "pending"};
    struct post_query q = {.event_id = ev, .limit = 20};
    struct post *page;
    size_t n;

    add_post(f, ev, 0, "visible", NULL, 0);
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_OK);
    p.state = "hidden";
    p.text = "cachée";
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_OK);
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 3);
    q.visible_only = true;
    assert_int_equal(store_post_list(f->st, &f->ar, &q, &page, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(page[0].text, "visible");
    /* Search is public: it sees visible posts only. */
    assert_int_equal(store_post_search(f->st, &f->ar, "cachee", 20, &page, &n), RC_OK);
    assert_int_equal(n, 0);
}

static void
post_list_by_account(void **state)
{
    struct fixture *f = *state;
    int64_t ev1 = add_event(f, "ev1"), ev2 = add_event(f, "ev2");
    int64_t eric = add_account(f, "eric", "editor"), luc = add_account(f, "luc", "member");
    int64_t first, second;
    struct post p = {.event_id = ev1, .account_id = eric, .text = "cachée", .state = "hidden"};
    struct post *page;
    size_t n;

    first = add_post(f, ev1, eric, "un", NULL, 0);
    add_post(f, ev1, luc, "pas moi", NULL, 0);
    second = add_post(f, ev2, eric, "deux", NULL, 0);
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_OK);
    assert_int_equal(store_post_list_by_account(f->st, &f->ar, eric, 0, 20, &page, &n), RC_OK);
    assert_int_equal(n, 2); /* both events, newest first, not the hidden one */
    assert_true(page[0].id == second && page[1].id == first);
    assert_string_equal(page[0].author, "eric");
    assert_int_equal(page[1].event_id, ev1);
    assert_int_equal(store_post_list_by_account(f->st, &f->ar, eric, second, 20, &page, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(page[0].text, "un");
    assert_int_equal(store_post_list_by_account(f->st, &f->ar, eric, 0, 1, &page, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_list_by_account(f->st, &f->ar, 424242, 0, 20, &page, &n), RC_OK);
    assert_int_equal(n, 0);
}

/* ---- search ---- */

static int
plan_row(void *arg, int n, char **values, char **names)
{
    char *plan = arg;

    (void)names;
    if (n >= 4 && values[3] != NULL && strlen(plan) + strlen(values[3]) + 2 < 512) {
        strcat(plan, values[3]);
        strcat(plan, "; ");
    }
    return 0;
}

/*
 * Statistics taken while the posts were few (PRAGMA optimize at a close)
 * must not turn the indexer's batch into a scan of every post: the pending
 * posts lead, and every post is still indexed.
 */
static void
search_indexing_reads_only_the_pending_posts(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev");
    char plan[512] = "", *sql;
    struct post *found;
    size_t n;
    int i;

    for (i = 0; i < 20; i++)
        add_post(f, ev, 0, "Avant les statistiques", NULL, 0);
    assert_int_equal(store_fts_index_pending(f->st), RC_OK);
    assert_int_equal(sql_exec(f, "ANALYZE"), SQLITE_OK);
    for (i = 0; i < 200; i++)
        add_post(f, ev, 0, "Après les statistiques #innover", NULL, 0);
    sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", SQ_FTS_INDEX_BATCH);
    assert_non_null(sql);
    assert_int_equal(sqlite3_exec(sq_db(f->st), sql, plan_row, plan, NULL), SQLITE_OK);
    sqlite3_free(sql);
    assert_non_null(strstr(plan, "SCAN q"));
    assert_null(strstr(plan, "SCAN p"));
    assert_int_equal(store_post_search(f->st, &f->ar, "apres", 500, &found, &n), RC_OK);
    assert_int_equal(n, 200);
}

/* Whether the notifications of acc are exactly the posts of ids (any order), all mentions. */
static void
assert_mentions(struct fixture *f, int64_t account_id, const char *username, const int64_t *ids,
                size_t n_ids)
{
    struct account acc = {.id = account_id, .username = username};
    struct notification *got;
    size_t n, i, j;

    assert_int_equal(store_notifications(f->st, &f->ar, &acc, 0, 0, 100, &got, &n), RC_OK);
    if (n != n_ids)
        fail_msg("%s: %zu notifications, %zu expected", username, n, n_ids);
    for (i = 0; i < n_ids; i++) {
        for (j = 0; j < n && got[j].post_id != ids[i]; j++)
            ;
        if (j == n)
            fail_msg("%s: post %zu of the expected is not notified", username, i);
        assert_string_equal(got[j].type, "mention");
    }
}

/*
 * A mention is found through the search index, indexed or still pending,
 * in every form the text can hold it (case, a longer name, inside an
 * address, words joined by '_'), and a name the index has no word for is
 * still found by reading every post.
 */
static void
notifications_find_mentions_indexed_or_not(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev"), bob = add_account(f, "bob", "member");
    int64_t mia = add_account(f, "mia", "member"), jp = add_account(f, "jean_pierre", "member");
    int64_t under = add_account(f, "___", "member"), mine, reply, m[9];
    /* not a name accounts get here, but the store keeps it: the query must not break */
    int64_t quoted = add_account(f, "o\"neil", "member");
    struct post r = {.event_id = ev, .account_id = bob, .text = "Je réponds sans nommer"};
    int pass;

    for (pass = 0; pass < 2; pass++) { /* first indexed for search, then pending */
        size_t k = 0;

        mine = add_post(f, ev, mia, "Un message de mia", NULL, 0);
        r.in_reply_to_id = mine;
        assert_int_equal(store_post_add(f->st, &r, &reply), RC_OK);
        m[k++] = add_post(f, ev, bob, "Bonjour @mia, bienvenue", NULL, 0);
        m[k++] = add_post(f, ev, bob, "@MIA en capitales", NULL, 0);
        m[k++] = add_post(f, ev, bob, "@miamoto seulement", NULL, 0);
        m[k++] = add_post(f, ev, bob, "Écrire à contact@mia.org", NULL, 0);
        add_post(f, ev, bob, "mia sans arobase, jean pierre sans trait", NULL, 0);
        m[k++] = add_post(f, ev, bob, "Merci @jean_pierre !", NULL, 0);
        m[k++] = add_post(f, ev, bob, "Et @___ aussi", NULL, 0);
        m[k++] = add_post(f, ev, bob, "Salut @o\"neil", NULL, 0);
        add_post(f, ev, mia, "@mia se cite elle-même", NULL, 0); /* one's own: no notification */
        if (pass == 0)
            assert_int_equal(store_fts_index_pending(f->st), RC_OK);
        else
            assert_true(sql_int(f, "SELECT count(*) FROM posts_fts_pending") >= 8);
        {
            int64_t for_mia[] = {reply, m[0], m[1], m[2], m[3]}, for_jp[] = {m[4]},
                    for_under[] = {m[5]}, for_quoted[] = {m[6]};

            assert_mentions(f, mia, "mia", for_mia, 5);
            assert_mentions(f, jp, "jean_pierre", for_jp, 1);
            assert_mentions(f, under, "___", for_under, 1);
            assert_mentions(f, quoted, "o\"neil", for_quoted, 1);
        }
        /* the next pass adds the same again: clear these away */
        assert_int_equal(sql_exec(f, "DELETE FROM posts"), SQLITE_OK);
    }
}

static void
search_ignores_accents_and_case(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev"), coop, eco, both;
    struct post *found;
    size_t n;

    coop = add_post(f, ev, 0, "Coopérer dans les territoires #innover", NULL, 0);
    eco = add_post(f, ev, 0, "L'économie sociale, moteur du dév. écon.", NULL, 0);
    both = add_post(f, ev, 0, "ÉCONOMIE et coopération", NULL, 0);

    assert_int_equal(store_post_search(f->st, &f->ar, "cooperer", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, coop);
    assert_string_equal(found[0].text, "Coopérer dans les territoires #innover");
    assert_int_equal(store_post_search(f->st, &f->ar, "economie", 20, &found, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(found[0].id, both); /* newest first */
    assert_int_equal(found[1].id, eco);
    /* Words are prefixes and ANDed; accents in the query are dropped too. */
    assert_int_equal(store_post_search(f->st, &f->ar, "Coop", 20, &found, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_post_search(f->st, &f->ar, "écon coopé", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, both);
    assert_int_equal(store_post_search(f->st, &f->ar, "#innover", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_search(f->st, &f->ar, "l'economie", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, eco);
    assert_int_equal(store_post_search(f->st, &f->ar, "economie", 1, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_search(f->st, &f->ar, "absent", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_post_search(f->st, &f->ar, "  \t ", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
}

static void
search_survives_hostile_input(void **state)
{
    struct fixture *f = *state;
    static const char *const hostile[] = {
        "\"",
        "\"\"",
        "\"unterminated",
        "coop\"erer",
        "(",
        "())",
        "(coop",
        "AND",
        "OR",
        "NOT",
        "coop AND",
        "OR coop",
        "NEAR(coop territoires, 2)",
        "NEAR",
        "*",
        "coop*",
        "**",
        "^coop",
        "^",
        "text:coop",
        ":",
        "text : coop",
        "{text}: coop",
        "-coop",
        "+",
        "coop + territoires",
        "'; DROP TABLE posts; --",
        "\\\"",
        "\xc3\xa9\xff\xfe",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    };
    int64_t ev = add_event(f, "ev");
    struct post *found;
    size_t n, i;
    int64_t count;

    add_post(f, ev, 0, "Coopérer dans les territoires", NULL, 0);
    add_post(f, ev, 0, "AND OR NOT NEAR: des mots", NULL, 0);
    for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        if (store_post_search(f->st, &f->ar, hostile[i], 20, &found, &n) != RC_OK)
            fail_msg("search for <%s> failed: %s", hostile[i], store_errmsg(f->st));
    }
    /* Operators are words like any other. */
    assert_int_equal(store_post_search(f->st, &f->ar, "NEAR", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_search(f->st, &f->ar, "coop OR", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_post_search(f->st, &f->ar, "(coop)", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_count(f->st, &count), RC_OK);
    assert_int_equal(count, 2);
}

/*
 * New posts are indexed later, in batches: changing or deleting one before
 * that must leave the index right, and a search sees every post anyway.
 */
static void
search_indexes_pending_posts_in_batches(void **state)
{
    struct fixture *f = *state;
    struct arena ar = {0};
    int64_t ev = add_event(f, "ev"), a, b, c;
    struct post p = {.event_id = ev, .text = "Coopérer ensemble"}, *found;
    size_t n;

    assert_int_equal(store_post_add(f->st, &p, &a), RC_OK);
    p.text = "Économie sociale";
    assert_int_equal(store_post_add(f->st, &p, &b), RC_OK);
    p.text = "Solidarité";
    assert_int_equal(store_post_add(f->st, &p, &c), RC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM posts_fts_pending"), 3);
    /* changed and deleted before being indexed */
    p.id = a;
    p.text = "Innover ensemble";
    assert_int_equal(store_post_update(f->st, &p), RC_OK);
    assert_int_equal(store_post_delete(f->st, b), RC_OK);
    assert_int_equal(store_fts_index_pending(f->st), RC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM posts_fts_pending"), 0);
    assert_int_equal(sql_exec(f, "INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')"),
                     SQLITE_OK);
    assert_int_equal(store_post_search(f->st, &ar, "innover", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_search(f->st, &ar, "cooperer", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_post_search(f->st, &ar, "economie", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    /* a post stored now is found by the next search, indexer or not */
    p.id = 0;
    p.text = "Économie plurielle";
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_OK);
    assert_int_equal(store_post_search(f->st, &ar, "economie", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    (void)c;
    arena_release(&ar);
}

static void
search_follows_updates_and_deletes(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "ev"), id;
    struct post p = {.event_id = ev, .text = "Innover ensemble"}, *found;
    size_t n;

    assert_int_equal(store_post_add(f->st, &p, &id), RC_OK);
    p.id = id;
    p.text = "Changer d'échelle";
    assert_int_equal(store_post_update(f->st, &p), RC_OK);
    assert_int_equal(store_post_search(f->st, &f->ar, "innover", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_post_search(f->st, &f->ar, "echelle", 20, &found, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, id);
    assert_int_equal(store_post_delete(f->st, id), RC_OK);
    assert_int_equal(store_post_search(f->st, &f->ar, "echelle", 20, &found, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sql_exec(f, "INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')"),
                     SQLITE_OK);
}

/* ---- failures leave nothing behind ---- */

static void
failed_writes_leave_nothing(void **state)
{
    struct fixture *f = *state;
    static const char *const bad_tags[] = {"ok", NULL};
    struct person people[3];
    struct org orgs[2];
    struct event e, got;
    int64_t ev, n;
    struct post p;

    fill_reference_event(&e, people, orgs);
    assert_int_equal(store_event_add(f->st, &e, &ev), RC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_people"), 3);

    /* Slug taken: refused before any person is written. */
    e.title = "Doublon";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_CONFLICT);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_people"), 3);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM events"), 1);

    /* The event row is written, then the second person is refused: all undone. */
    e.slug = "half";
    people[1].aliases_json = "[\"not closed\"";
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_INVALID);
    assert_int_equal(store_event_get(f->st, &f->ar, "half", &got), RC_NOTFOUND);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM event_people"), 3);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM events"), 1);
    people[1].aliases_json = "{\"an\":\"object\"}"; /* JSON, but not an array */
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_INVALID);
    people[1].aliases_json = NULL;
    orgs[1].kind = NULL;
    assert_int_equal(store_event_add(f->st, &e, NULL), RC_INVALID);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM events"), 1);

    /* The post row is written, then its second tag is refused: all undone. */
    p = (struct post){.event_id = ev, .text = "Introuvable", .tags = bad_tags, .n_tags = 2};
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_INVALID);
    assert_int_equal(store_post_count(f->st, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags"), 0);
    assert_int_equal(
        sql_int(f, "SELECT count(*) FROM posts_fts WHERE posts_fts MATCH 'introuvable'"), 0);
    p.text = NULL;
    p.n_tags = 1;
    assert_int_equal(store_post_add(f->st, &p, NULL), RC_INVALID);

    /* An update whose new tags fail keeps the old text and tags. */
    p = (struct post){.event_id = ev, .text = "Avant", .tags = bad_tags, .n_tags = 1};
    assert_int_equal(store_post_add(f->st, &p, &p.id), RC_OK);
    p.text = "Après";
    p.n_tags = 2;
    assert_int_equal(store_post_update(f->st, &p), RC_INVALID);
    assert_int_equal(store_post_get(f->st, &f->ar, p.id, &p), RC_OK);
    assert_string_equal(p.text, "Avant");
    assert_int_equal(p.n_tags, 1);
    assert_null(p.edited_at);
    assert_int_equal(sql_exec(f, "INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')"),
                     SQLITE_OK);
}

/* ---- ids and threads ---- */

#define N_THREADS 4
#define N_IDS     20000

struct id_run {
    int64_t ids[N_IDS];
    int in_order; /* 1 when every id was bigger than the one before */
};

/*
 * A database at schema version `version` in f->dir/name (its path in
 * path_out), made by the released scripts, with rows_sql run in the same
 * transaction; left open in *db_out when db_out is not NULL.
 */
static void
old_database(struct fixture *f, const char *name, int version, const char *rows_sql, char *dir_out,
             size_t dir_size, char *path_out, size_t path_size, sqlite3 **db_out)
{
    char commit[64];
    sqlite3 *db = NULL;
    int v;

    snprintf(dir_out, dir_size, "%s/%s", f->dir, name);
    assert_int_equal(mkdir(dir_out, 0700), 0);
    snprintf(path_out, path_size, "%s/gazouillis.db", dir_out);
    assert_int_equal(sqlite3_open(path_out, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL; BEGIN", NULL, NULL, NULL),
                     SQLITE_OK);
    for (v = 0; v < version; v++)
        assert_int_equal(sqlite3_exec(db, sq_migrations[v], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, rows_sql, NULL, NULL, NULL), SQLITE_OK);
    snprintf(commit, sizeof(commit), "PRAGMA user_version = %d; COMMIT", version);
    assert_int_equal(sqlite3_exec(db, commit, NULL, NULL, NULL), SQLITE_OK);
    if (db_out != NULL)
        *db_out = db;
    else
        sqlite3_close(db);
}

/*
 * Schema 5 rebuilds posts: a database of schema 4 with posts, tags, likes,
 * replies and comments comes out whole, and a post may then have no event.
 */
static void
upgrade_to_5_keeps_every_row(void **state)
{
    struct fixture *f = *state;
    char dir[160], path[192];
    struct store *st = NULL;
    struct post p, nowhere = {.text = "sans événement", .html = "sans événement"};
    struct arena ar = {0};
    sqlite3 *db = NULL;
    int64_t id = 0;

    old_database(f, "old", 4,
                 "INSERT INTO accounts (id, username, created_at) VALUES (1, 'eric', 'x');"
                 "INSERT INTO events (id, slug, title, created_at) VALUES (2, 'e', 'E', 'x');"
                 "INSERT INTO posts (id, event_id, account_id, text, created_at) "
                 "VALUES (10, 2, 1, 'un #innover', 'x'), (11, 2, 1, 'deux', 'x');"
                 "UPDATE posts SET in_reply_to_id = 10 WHERE id = 11;"
                 "INSERT INTO post_tags (post_id, position, tag) VALUES (10, 0, 'innover');"
                 "INSERT INTO favourites (account_id, post_id, created_at) VALUES (1, 10, 'x');"
                 "INSERT INTO comments (id, event_id, account_id, body, html, created_at) "
                 "VALUES (20, 2, 1, 'merci', 'merci', 'x');",
                 dir, sizeof(dir), path, sizeof(path), NULL);

    assert_int_equal(store_open(dir, &st), RC_OK);
    assert_int_equal(store_post_get(st, &ar, 10, &p), RC_OK);
    assert_string_equal(p.text, "un #innover");
    assert_int_equal(p.likes, 1);
    assert_int_equal(p.n_tags, 1);
    assert_string_equal(p.tags[0], "innover");
    /* the triggers are back: a like counts, a post is logged and indexed */
    assert_int_equal(store_post_like(st, 1, 11, true, NULL), RC_OK);
    assert_int_equal(store_post_get(st, &ar, 11, &p), RC_OK);
    assert_int_equal(p.likes, 1);
    nowhere.account_id = 1;
    assert_int_equal(store_post_add(st, &nowhere, &id), RC_OK);
    assert_int_equal(store_post_get(st, &ar, id, &p), RC_OK);
    assert_int_equal(p.event_id, 0);
    assert_int_equal(store_fts_index_pending(st), RC_OK);
    store_close(st);
    arena_release(&ar);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    {
        sqlite3_stmt *stmt;
        assert_int_equal(
            sqlite3_prepare_v2(db,
                               "SELECT (SELECT count(*) FROM posts), "
                               "(SELECT in_reply_to_id FROM posts WHERE id = 11), "
                               "(SELECT count(*) FROM comments), "
                               "(SELECT count(*) FROM post_changes WHERE event_id = 0),"
                               " (SELECT count(*) FROM pragma_foreign_key_check)",
                               -1, &stmt, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(stmt, 0), 3);
        assert_int_equal(sqlite3_column_int(stmt, 1), 10);
        assert_int_equal(sqlite3_column_int(stmt, 2), 1);
        assert_int_equal(sqlite3_column_int(stmt, 3), 1);
        assert_int_equal(sqlite3_column_int(stmt, 4), 0);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
}

/* How many times the program of sql uses opcode (EXPLAIN), on db. */
static int
opcode_count(sqlite3 *db, const char *sql, const char *opcode)
{
    char explain[512];
    sqlite3_stmt *stmt;
    int n = 0;

    snprintf(explain, sizeof(explain), "EXPLAIN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &stmt, NULL), SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        n += strcmp((const char *)sqlite3_column_text(stmt, 1), opcode) == 0;
    sqlite3_finalize(stmt);
    return n;
}

/*
 * Schema 6 writes the CHECKs of posts.state and post_changes.kind without
 * IN lists, which made SQLite fill two ephemeral tables per post stored: the
 * rows stay, the same values are refused, and no table is made any more.
 */
static void
upgrade_to_6_checks_states_without_tables(void **state)
{
    struct fixture *f = *state;
    static const char insert_post[] = "INSERT INTO posts (id, text, created_at, state) "
                                      "VALUES (12, 'trois', 'x', 'visible')";
    char dir[160], path[192];
    struct store *st = NULL;
    struct post p, more = {.text = "après", .html = "après", .account_id = 1};
    struct arena ar = {0};
    sqlite3 *db = NULL;
    int64_t id = 0;

    old_database(f, "v5", 5,
                 "INSERT INTO accounts (id, username, created_at) VALUES (1, 'eric', 'x');"
                 "INSERT INTO posts (id, account_id, text, created_at, state) "
                 "VALUES (10, 1, 'un', 'x', 'visible'), (11, 1, 'deux', 'x', 'pending');",
                 dir, sizeof(dir), path, sizeof(path), &db);
    /* What schema 5 did: one ephemeral table per CHECK with an IN list. */
    assert_int_equal(opcode_count(db, insert_post, "OpenEphemeral"), 2);
    sqlite3_close(db);

    /* Opened by the server while a connection of an older schema is open. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(opcode_count(db, insert_post, "OpenEphemeral"), 2);
    assert_int_equal(store_open(dir, &st), RC_OK);
    assert_int_equal(store_post_add(st, &more, &id), RC_OK);
    assert_int_equal(store_post_get(st, &ar, 11, &p), RC_OK);
    assert_string_equal(p.state, "pending");

    /* The connection open meanwhile reloads the schema at its next read (the cookie). */
    assert_int_equal(sqlite3_exec(db, "SELECT count(*) FROM posts", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(opcode_count(db, insert_post, "OpenEphemeral"), 0);
    store_close(st);
    arena_release(&ar);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO posts (id, text, created_at, state) "
                                  "VALUES (13, 'quatre', 'x', 'bogus')",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO post_changes (post_id, event_id, kind) "
                                  "VALUES (10, 0, 'bogus')",
                                  NULL, NULL, NULL),
                     SQLITE_CONSTRAINT);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO posts (id, text, created_at, state) "
                                  "VALUES (13, 'quatre', 'x', 'hidden');"
                                  "INSERT INTO post_changes (post_id, event_id, kind) "
                                  "VALUES (13, 0, 'moderated')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(dir, &st), RC_OK);
    store_close(st);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(db_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(db_int(db, "SELECT count(*) FROM posts"), 4);
    assert_int_equal(
        db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
    sqlite3_close(db);
}

/*
 * Schemas 7 and 8 add bookmarks and pins to a database of schema 6 with
 * its rows: kept per account and post (a pin per post), read back in the
 * counts and the lists, once however often set, gone with their post.
 */
static void
upgrade_from_6_keeps_bookmarks_and_pins(void **state)
{
    struct fixture *f = *state;
    char dir[160], path[192];
    struct store *st = NULL;
    struct post_counts counts;
    struct arena ar = {0};
    struct post *v;
    sqlite3 *db = NULL;
    size_t n;

    old_database(f, "v6", 6,
                 "INSERT INTO accounts (id, username, created_at) VALUES (1, 'eric', 'x'), "
                 "(2, 'mia', 'x');"
                 "INSERT INTO posts (id, account_id, text, created_at, state) "
                 "VALUES (10, 1, 'un', 'x', 'visible'), (11, 1, 'deux', 'x', 'visible'), "
                 "(12, 1, 'trois', 'x', 'hidden');"
                 "INSERT INTO favourites (account_id, post_id, created_at) VALUES (2, 10, 'x');",
                 dir, sizeof(dir), path, sizeof(path), NULL);
    assert_int_equal(store_open(dir, &st), RC_OK);
    assert_int_equal(store_bookmark(st, 2, 10, true), RC_OK);
    assert_int_equal(store_bookmark(st, 2, 11, true), RC_OK);
    assert_int_equal(store_bookmark(st, 2, 11, true), RC_OK); /* twice is once */
    assert_int_equal(store_bookmark(st, 2, 12, true), RC_OK);
    assert_int_equal(store_post_counts(st, 11, 2, &counts), RC_OK);
    assert_true(counts.bookmarked);
    assert_false(counts.favourited);
    assert_int_equal(store_post_counts(st, 11, 1, &counts), RC_OK);
    assert_false(counts.bookmarked); /* another's */
    /* newest first, pages by id; a hidden post is not listed */
    assert_int_equal(store_post_list_favourited(st, &ar, 2, true, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, 11);
    assert_int_equal(v[1].id, 10);
    assert_int_equal(store_post_list_favourited(st, &ar, 2, true, 11, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, 10);
    assert_int_equal(store_post_list_favourited(st, &ar, 2, false, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 1); /* the favourites, apart */
    /* pins: the last pinned first; a hidden post is not listed */
    assert_int_equal(store_pin(st, 11, true), RC_OK);
    assert_int_equal(store_pin(st, 10, true), RC_OK);
    assert_int_equal(store_pin(st, 10, true), RC_OK); /* twice is once */
    assert_int_equal(store_pin(st, 12, true), RC_OK);
    assert_int_equal(store_post_counts(st, 10, 0, &counts), RC_OK);
    assert_true(counts.pinned);
    assert_int_equal(store_post_list_pinned(st, &ar, 1, 20, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_true(v[0].id == 10 || v[0].id == 11); /* pinned within the same second */
    assert_int_equal(store_pin(st, 10, false), RC_OK);
    assert_int_equal(store_post_counts(st, 10, 0, &counts), RC_OK);
    assert_false(counts.pinned);
    assert_int_equal(store_bookmark(st, 2, 10, false), RC_OK);
    assert_int_equal(store_post_delete(st, 11), RC_OK);
    assert_int_equal(store_post_list_pinned(st, &ar, 1, 20, &v, &n), RC_OK);
    assert_int_equal(n, 0); /* the pin went with its post; the hidden one's is kept */
    assert_int_equal(store_post_list_favourited(st, &ar, 2, true, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 0);
    store_close(st);
    arena_release(&ar);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(db_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(db_int(db, "SELECT count(*) FROM bookmarks"), 1); /* the hidden post's */
    assert_int_equal(db_int(db, "SELECT count(*) FROM pins"), 1);
    assert_int_equal(
        db_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
    sqlite3_close(db);
}

/*
 * Schema 9: an account's notifications less those it dismissed or cleared;
 * a clear covers what it listed then, not what comes after, and ends the
 * dismissals it covers. The notifications of a schema-8 database are kept.
 */
static void
upgrade_from_8_clears_and_dismisses_notifications(void **state)
{
    struct fixture *f = *state;
    char dir[160], path[192];
    struct account eric = {.id = 1, .username = "eric"}, mia = {.id = 2, .username = "mia"};
    struct notification *v, one;
    struct store *st = NULL;
    struct arena ar = {0};
    struct post p = {.account_id = 2, .text = "@eric après", .html = "@eric après"};
    sqlite3 *db = NULL;
    int64_t fav, id = 0;
    size_t n;

    /* post ids as the server makes them (time << 16); the favourite's id is its time's */
    old_database(f, "v8", 8,
                 "INSERT INTO accounts (id, username, created_at) VALUES (1, 'eric', 'x'), "
                 "(2, 'mia', 'x');"
                 "INSERT INTO posts (id, account_id, text, created_at, state) VALUES "
                 "(100000000000000010, 1, 'Des questions ?', 'x', 'visible');"
                 "INSERT INTO posts (id, account_id, in_reply_to_id, text, created_at, state) "
                 "VALUES (100000000000000020, 2, 100000000000000010, 'Oui', 'x', 'visible');"
                 "INSERT INTO posts (id, account_id, text, created_at, state) VALUES "
                 "(100000000000000021, 2, 'Salut @eric', 'x', 'visible');"
                 "INSERT INTO favourites (account_id, post_id, created_at) "
                 "VALUES (2, 100000000000000010, '2014-11-20T19:00:00Z');",
                 dir, sizeof(dir), path, sizeof(path), NULL);
    assert_int_equal(store_open(dir, &st), RC_OK);
    assert_int_equal(store_notifications(st, &ar, &eric, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(v[0].id, 100000000000000021);
    assert_int_equal(v[1].id, 100000000000000020);
    assert_string_equal(v[2].type, "favourite");
    fav = v[2].id;
    /* one dismissed: gone from the list and from a lookup, the others kept */
    assert_int_equal(store_notification_get(st, &ar, &eric, 100000000000000020, &one), RC_OK);
    assert_string_equal(one.type, "mention");
    assert_int_equal(store_notification_dismiss(st, 1, 100000000000000020), RC_OK);
    assert_int_equal(store_notification_dismiss(st, 1, 100000000000000020), RC_OK); /* once */
    assert_int_equal(store_notification_get(st, &ar, &eric, 100000000000000020, &one), RC_NOTFOUND);
    assert_int_equal(store_notifications(st, &ar, &eric, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, 100000000000000021);
    assert_int_equal(v[1].id, fav);
    /* another's notification is not found; mia has none */
    assert_int_equal(store_notification_get(st, &ar, &mia, 100000000000000021, &one), RC_NOTFOUND);
    assert_int_equal(store_notification_get(st, &ar, &eric, 5, &one), RC_NOTFOUND);
    /* cleared up to the newest: nothing left, and the dismissal it covers is gone */
    assert_int_equal(store_notifications_clear(st, 1, 100000000000000021), RC_OK);
    assert_int_equal(store_notifications_clear(st, 1, 100000000000000010), RC_OK); /* never back */
    assert_int_equal(store_notifications(st, &ar, &eric, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 0);
    /* what comes after is listed */
    p.id = 100000000000000030;
    assert_int_equal(store_post_add(st, &p, &id), RC_OK);
    assert_int_equal(store_notifications(st, &ar, &eric, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, 100000000000000030);
    store_close(st);
    arena_release(&ar);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(db_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(db_int(db, "SELECT count(*) FROM notifications_dismissed"), 0);
    assert_int_equal(db_int(db, "SELECT up_to FROM notifications_cleared WHERE account_id = 1"),
                     100000000000000021);
    assert_int_equal(db_int(db, "PRAGMA foreign_key_check"), -1); /* no row: none broken */
    sqlite3_close(db);
}

/*
 * Schema 10: statuses to post later, by their author alone; the due ones
 * the oldest first; moved, cancelled; gone with their account; params that
 * are not JSON refused. A schema-9 database gains the table.
 */
static void
upgrade_from_9_keeps_scheduled_statuses(void **state)
{
    struct fixture *f = *state;
    char dir[160], path[192];
    struct scheduled_status *v, one;
    struct store *st = NULL;
    struct arena ar = {0};
    sqlite3 *db = NULL;
    int64_t a, b, c, id;
    bool kept;
    size_t n;

    old_database(f, "v9", 9,
                 "INSERT INTO accounts (id, username, created_at) VALUES (1, 'ed', 'x'), "
                 "(2, 'mia', 'x');",
                 dir, sizeof(dir), path, sizeof(path), NULL);
    assert_int_equal(store_open(dir, &st), RC_OK);
    assert_int_equal(
        store_scheduled_add(st, 1, "2026-11-27T20:00:00Z", "{\"text\":\"b\"}", NULL, &b), RC_OK);
    assert_int_equal(
        store_scheduled_add(st, 1, "2026-11-27T19:00:00Z", "{\"text\":\"a\"}", "clé-a", &a), RC_OK);
    assert_int_equal(
        store_scheduled_add(st, 2, "2026-11-27T19:30:00Z", "{\"text\":\"c\"}", "clé-a", &c), RC_OK);
    assert_int_not_equal(
        store_scheduled_add(st, 1, "2026-11-27T19:00:00Z", "pas du JSON", NULL, &a), RC_OK);
    /* a key once per account (mia's "clé-a" is hers); none, as often as asked */
    assert_int_equal(
        store_scheduled_add(st, 1, "2026-11-27T19:05:00Z", "{\"text\":\"a\"}", "clé-a", &id),
        RC_CONFLICT);
    assert_int_equal(store_scheduled_by_key(st, &ar, 1, "clé-a", &one), RC_OK);
    assert_int_equal(one.id, a);
    assert_int_equal(store_scheduled_by_key(st, &ar, 2, "clé-a", &one), RC_OK);
    assert_int_equal(one.id, c);
    assert_int_equal(store_scheduled_by_key(st, &ar, 1, "clé-b", &one), RC_NOTFOUND);
    /* the author's alone, newest first, by pages */
    assert_int_equal(store_scheduled_list(st, &ar, 1, 0, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_true(v[0].id > v[1].id);
    assert_int_equal(store_scheduled_list(st, &ar, 1, v[0].id, 0, 20, &v, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_scheduled_get(st, &ar, 1, c, &one), RC_NOTFOUND); /* mia's */
    assert_int_equal(store_scheduled_get(st, &ar, 0, c, &one), RC_OK);
    assert_string_equal(one.params, "{\"text\":\"c\"}");
    assert_int_equal(store_scheduled_move(st, 1, c, "2026-11-27T18:00:00Z"), RC_NOTFOUND);
    assert_int_equal(store_scheduled_delete(st, 1, c), RC_NOTFOUND);
    /* due: up to now, the oldest first, every account's */
    assert_int_equal(store_scheduled_due(st, &ar, "2026-11-27T18:59:59Z", 16, &v, &n), RC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_scheduled_due(st, &ar, "2026-11-27T19:30:00Z", 16, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, a);
    assert_int_equal(v[1].id, c);
    assert_int_equal(store_scheduled_move(st, 1, a, "2026-11-27T21:00:00Z"), RC_OK);
    assert_int_equal(store_scheduled_due(st, &ar, "2026-11-27T20:30:00Z", 16, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, c);
    assert_int_equal(v[1].id, b);
    assert_int_equal(store_scheduled_delete(st, 1, b), RC_OK);
    assert_int_equal(store_scheduled_delete(st, 1, b), RC_NOTFOUND);
    /* the pictures a scheduled status keeps, by id */
    assert_int_equal(store_scheduled_add(st, 1, "2026-11-28T19:00:00Z",
                                         "{\"text\":\"d\",\"media_ids\":[\"77\",\"79\"]}", NULL,
                                         &b),
                     RC_OK);
    assert_int_equal(store_media_scheduled(st, 1, 77, &kept), RC_OK);
    assert_true(kept);
    assert_int_equal(store_media_scheduled(st, 2, 77, &kept), RC_OK); /* mia's statuses: no */
    assert_false(kept);
    assert_int_equal(store_scheduled_count(st, 1, &id), RC_OK);
    assert_int_equal(id, 2); /* a and d */
    assert_int_equal(store_media_scheduled(st, 1, 78, &kept), RC_OK);
    assert_false(kept);
    assert_int_equal(store_scheduled_delete(st, 0, b), RC_OK);
    assert_int_equal(store_media_scheduled(st, 1, 77, &kept), RC_OK);
    assert_false(kept);
    store_close(st);
    arena_release(&ar);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(db_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM accounts WHERE id = 2",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(db_int(db, "SELECT count(*) FROM scheduled_statuses"), 1); /* ed's a */
    sqlite3_close(db);
}

/* A new database has schema 6's CHECKs from the start. */
static void
new_database_stores_a_post_without_ephemeral_tables(void **state)
{
    struct fixture *f = *state;
    char path[192];
    sqlite3 *db = NULL;

    snprintf(path, sizeof(path), "%s/gazouillis.db", f->data);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(opcode_count(db,
                                  "INSERT INTO posts (id, text, created_at, state) "
                                  "VALUES (12, 'trois', 'x', 'visible')",
                                  "OpenEphemeral"),
                     0);
    sqlite3_close(db);
}

/* ---- comments (schema 4) ---- */

static int64_t
add_comment(struct fixture *f, int64_t event_id, int64_t parent_id, int64_t account_id,
            const char *guest, const char *state)
{
    struct comment c = {.event_id = event_id,
                        .parent_id = parent_id,
                        .account_id = account_id,
                        .author = guest,
                        .body = "Merci Éric, bon résumé.",
                        .html = "<p>Merci Éric, bon résumé.</p>",
                        .state = state};
    int64_t id = 0;

    assert_int_equal(store_comment_add(f->st, &c, &id), RC_OK);
    assert_true(id > 0);
    return id;
}

static void
comments_round_trip_and_thread(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "cooperer"), other = add_event(f, "autre");
    int64_t jp = add_account(f, "jeanpierre", "member");
    int64_t a = add_comment(f, ev, 0, jp, NULL, NULL);
    int64_t b = add_comment(f, ev, a, 0, "Éric", "pending");
    struct comment c, *v;
    size_t n;
    int64_t count = -1;
    struct comment bad = {.event_id = other, .parent_id = a, .author = "x", .body = "b"};
    struct comment nobody = {.event_id = ev, .body = "b"};

    assert_int_equal(store_comment_get(f->st, &f->ar, a, &c), RC_OK);
    assert_string_equal(c.author, "jeanpierre");
    assert_int_equal(c.account_id, jp);
    assert_string_equal(c.state, "approved");
    assert_string_equal(c.body, "Merci Éric, bon résumé.");
    assert_null(c.edited_at);
    assert_utc_timestamp(c.created_at);
    assert_int_equal(store_comment_get(f->st, &f->ar, b, &c), RC_OK);
    assert_string_equal(c.author, "Éric");
    assert_int_equal(c.account_id, 0);
    assert_int_equal(c.parent_id, a);
    assert_null(c.display_name);
    /* a reply to a comment of another event, and a comment by nobody, are refused */
    assert_int_equal(store_comment_add(f->st, &bad, NULL), RC_INVALID);
    assert_int_equal(store_comment_add(f->st, &nobody, NULL), RC_INVALID);
    bad.event_id = ev;
    bad.parent_id = 424242;
    assert_int_equal(store_comment_add(f->st, &bad, NULL), RC_NOTFOUND);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM comments"), 2);

    assert_int_equal(store_comment_list(f->st, &f->ar, ev, NULL, 0, &v, &n), RC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, a);
    assert_int_equal(v[1].id, b);
    assert_int_equal(store_comment_list(f->st, &f->ar, ev, "pending", 0, &v, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, b);
    assert_int_equal(store_comment_count(f->st, ev, &count), RC_OK);
    assert_int_equal(count, 1); /* approved only */

    assert_int_equal(store_comment_update(f->st, a, "Corrigé", "<p>Corrigé</p>"), RC_OK);
    assert_int_equal(store_comment_get(f->st, &f->ar, a, &c), RC_OK);
    assert_string_equal(c.body, "Corrigé");
    assert_non_null(c.edited_at);
    assert_int_equal(store_comment_update(f->st, 999, "x", "x"), RC_NOTFOUND);

    /* deleted keeps the row (for its replies) but not the words */
    assert_int_equal(store_comment_set_state(f->st, a, "deleted"), RC_OK);
    assert_int_equal(store_comment_get(f->st, &f->ar, a, &c), RC_OK);
    assert_string_equal(c.state, "deleted");
    assert_string_equal(c.body, "");
    assert_string_equal(c.html, "");
    assert_int_equal(store_comment_set_state(f->st, b, "nonsense"), RC_INVALID);
    assert_int_equal(store_comment_set_state(f->st, 999, "spam"), RC_NOTFOUND);

    /* the event's deletion takes its comments */
    assert_int_equal(store_event_delete(f->st, ev), RC_OK);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM comments"), 0);
}

static void
likes_one_per_account(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "cooperer");
    int64_t jp = add_account(f, "jeanpierre", "member"), eric = add_account(f, "eric", "member");
    int64_t c = add_comment(f, ev, 0, jp, NULL, NULL);
    int64_t p = add_post(f, ev, jp, "Jacques Beaudet: il faut travailler ensemble", NULL, 0);
    int64_t likes = -1, *ids;
    size_t n;

    assert_int_equal(store_comment_like(f->st, eric, c, true, &likes), RC_OK);
    assert_int_equal(likes, 1);
    assert_int_equal(store_comment_like(f->st, eric, c, true, &likes), RC_OK);
    assert_int_equal(likes, 1); /* twice is once */
    assert_int_equal(store_comment_like(f->st, jp, c, true, &likes), RC_OK);
    assert_int_equal(likes, 2);
    assert_int_equal(store_comment_liked(f->st, &f->ar, eric, ev, &ids, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], c);
    assert_int_equal(store_comment_like(f->st, eric, c, false, &likes), RC_OK);
    assert_int_equal(likes, 1);
    assert_int_equal(store_comment_like(f->st, eric, c, false, &likes), RC_OK);
    assert_int_equal(likes, 1); /* unliking what is not liked changes nothing */
    assert_int_equal(store_comment_like(f->st, eric, 999, true, &likes), RC_NOTFOUND);
    assert_int_equal(store_comment_like(f->st, 999, c, true, &likes), RC_NOTFOUND);

    assert_int_equal(store_post_like(f->st, eric, p, true, &likes), RC_OK);
    assert_int_equal(likes, 1);
    assert_int_equal(store_post_like(f->st, eric, p, true, &likes), RC_OK);
    assert_int_equal(likes, 1);
    assert_int_equal(sql_int(f, "SELECT likes FROM posts"), 1);
    assert_int_equal(store_post_liked(f->st, &f->ar, eric, ev, &ids, &n), RC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_post_like(f->st, eric, p, false, &likes), RC_OK);
    assert_int_equal(likes, 0);
    assert_int_equal(store_post_like(f->st, eric, 999, true, &likes), RC_NOTFOUND);
}

static void
bans_and_known_guests(void **state)
{
    struct fixture *f = *state;
    int64_t ev = add_event(f, "cooperer"), other = add_event(f, "autre");
    int64_t jp = add_account(f, "jeanpierre", "member");
    unsigned char addr[STORE_ADDRESS_HASH] = {1, 2, 3}, addr2[STORE_ADDRESS_HASH] = {9};
    unsigned char key[32], key2[32];
    const char *hash = "81aa7ab117e798a4eaaad3fe885ad049bee8551e2733be543070b7910b25e512";
    struct comment g = {.event_id = ev,
                        .author = "Éric",
                        .guest_email_hash = hash,
                        .body = "b",
                        .html = "b",
                        .state = "pending"};
    bool banned = true, known = true;
    int64_t id;

    assert_int_equal(store_banned(f->st, ev, jp, addr, &banned), RC_OK);
    assert_false(banned);
    assert_int_equal(store_ban_add(f->st, ev, jp, NULL), RC_OK);
    assert_int_equal(store_ban_add(f->st, ev, jp, NULL), RC_OK); /* twice is once */
    assert_int_equal(store_ban_add(f->st, ev, 0, addr), RC_OK);
    assert_int_equal(store_ban_add(f->st, ev, 0, NULL), RC_INVALID);
    assert_int_equal(store_banned(f->st, ev, jp, NULL, &banned), RC_OK);
    assert_true(banned);
    assert_int_equal(store_banned(f->st, ev, 0, addr, &banned), RC_OK);
    assert_true(banned);
    assert_int_equal(store_banned(f->st, ev, 0, addr2, &banned), RC_OK);
    assert_false(banned);
    assert_int_equal(store_banned(f->st, other, jp, addr, &banned), RC_OK);
    assert_false(banned); /* a ban is per event */

    assert_int_equal(store_comment_guest_known(f->st, hash, &known), RC_OK);
    assert_false(known);
    assert_int_equal(store_comment_add(f->st, &g, &id), RC_OK);
    assert_int_equal(store_comment_guest_known(f->st, hash, &known), RC_OK);
    assert_false(known); /* pending does not count */
    assert_int_equal(store_comment_set_state(f->st, id, "approved"), RC_OK);
    assert_int_equal(store_comment_guest_known(f->st, hash, &known), RC_OK);
    assert_true(known);
    g.guest_email_hash = "zz";
    assert_int_equal(store_comment_add(f->st, &g, NULL), RC_INVALID); /* not a SHA-256 */

    /* the address key is drawn once and kept */
    assert_int_equal(store_address_key(f->st, key), RC_OK);
    assert_int_equal(store_address_key(f->st, key2), RC_OK);
    assert_memory_equal(key, key2, 32);
}

static void *
draw_ids(void *arg)
{
    struct id_run *r = arg;
    size_t i;

    r->in_order = 1;
    for (i = 0; i < N_IDS; i++) {
        r->ids[i] = store_new_id();
        if (i > 0 && r->ids[i] <= r->ids[i - 1])
            r->in_order = 0;
    }
    return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void
ids_increase_across_threads(void **state)
{
    struct id_run *runs = calloc(N_THREADS, sizeof(*runs));
    int64_t *all = calloc(N_THREADS * N_IDS, sizeof(*all));
    pthread_t th[N_THREADS];
    int64_t before, after;
    size_t i;

    (void)state;
    assert_non_null(runs);
    assert_non_null(all);
    before = ((int64_t)time(NULL) - 1) * 1000 << 16;
    for (i = 0; i < N_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, draw_ids, &runs[i]), 0);
    for (i = 0; i < N_THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    after = store_new_id();
    for (i = 0; i < N_THREADS; i++) {
        assert_int_equal(runs[i].in_order, 1);
        memcpy(all + i * N_IDS, runs[i].ids, sizeof(runs[i].ids));
    }
    qsort(all, N_THREADS * N_IDS, sizeof(*all), cmp_id);
    for (i = 1; i < N_THREADS * N_IDS; i++)
        assert_true(all[i] > all[i - 1]);
    assert_true(all[0] > before);
    assert_true(after > all[N_THREADS * N_IDS - 1]);
    free(runs);
    free(all);
}

#define N_WRITES 100

struct writer {
    const char *data;
    int64_t event_id;
    int failures;
};

/* One thread, one connection: posts written while the other threads write too. */
static void *
write_posts(void *arg)
{
    struct writer *w = arg;
    static const char *const tags[] = {"innover"};
    struct store *st;
    size_t i;

    if (store_open(w->data, &st) != RC_OK) {
        w->failures = N_WRITES;
        return NULL;
    }
    for (i = 0; i < N_WRITES; i++) {
        struct post p = {
            .event_id = w->event_id, .text = "en même temps", .tags = tags, .n_tags = 1};
        if (store_post_add(st, &p, NULL) != RC_OK)
            w->failures++;
    }
    store_close(st);
    return NULL;
}

static void
connections_write_concurrently(void **state)
{
    struct fixture *f = *state;
    struct writer w[N_THREADS];
    pthread_t th[N_THREADS];
    int64_t ev = add_event(f, "ev"), n;
    size_t i;

    for (i = 0; i < N_THREADS; i++) {
        w[i] = (struct writer){.data = f->data, .event_id = ev};
        assert_int_equal(pthread_create(&th[i], NULL, write_posts, &w[i]), 0);
    }
    for (i = 0; i < N_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].failures, 0);
    }
    assert_int_equal(store_post_count(f->st, &n), RC_OK);
    assert_int_equal(n, N_THREADS * N_WRITES);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM post_tags WHERE tag = 'innover'"),
                     N_THREADS * N_WRITES);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_and_reopen_keeps_data, setup, teardown),
        cmocka_unit_test_setup_teardown(open_uses_wal_and_foreign_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_used_counts_what_connections_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_a_newer_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(open_takes_no_write_lock_when_up_to_date, setup, teardown),
        cmocka_unit_test_setup_teardown(open_refuses_a_file_as_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(accounts_add_get_conflict_count, setup, teardown),
        cmocka_unit_test_setup_teardown(tokens_found_by_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_found_until_they_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(event_round_trips_every_field, setup, teardown),
        cmocka_unit_test_setup_teardown(event_update_replaces_people_and_orgs, setup, teardown),
        cmocka_unit_test_setup_teardown(event_update_failing_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(event_delete_cascades, setup, teardown),
        cmocka_unit_test_setup_teardown(event_list_newest_start_first, setup, teardown),
        cmocka_unit_test_setup_teardown(editors, setup, teardown),
        cmocka_unit_test_setup_teardown(transactions_nest, setup, teardown),
        cmocka_unit_test_setup_teardown(savepoints_undo_one_part, setup, teardown),
        cmocka_unit_test_setup_teardown(event_by_id, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrade_to_5_keeps_every_row, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrade_to_6_checks_states_without_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrade_from_6_keeps_bookmarks_and_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrade_from_8_clears_and_dismisses_notifications, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(upgrade_from_9_keeps_scheduled_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(new_database_stores_a_post_without_ephemeral_tables, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(comments_round_trip_and_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(likes_one_per_account, setup, teardown),
        cmocka_unit_test_setup_teardown(bans_and_known_guests, setup, teardown),
        cmocka_unit_test_setup_teardown(post_add_get_update_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(post_list_paginates, setup, teardown),
        cmocka_unit_test_setup_teardown(post_list_visible_only, setup, teardown),
        cmocka_unit_test_setup_teardown(post_list_by_account, setup, teardown),
        cmocka_unit_test_setup_teardown(search_ignores_accents_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(notifications_find_mentions_indexed_or_not, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_indexing_reads_only_the_pending_posts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(search_survives_hostile_input, setup, teardown),
        cmocka_unit_test_setup_teardown(search_follows_updates_and_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(search_indexes_pending_posts_in_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_writes_leave_nothing, setup, teardown),
        cmocka_unit_test(ids_increase_across_threads),
        cmocka_unit_test_setup_teardown(connections_write_concurrently, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
