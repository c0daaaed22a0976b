/*
 * tests/unit/test_auth.c - auth/: argon2id hashes that verify only the right
 * password, generated passwords and secrets of the promised form, SHA-256
 * of secrets, scopes, the failed-login limiter (windows moved with explicit
 * clocks, eviction, threads), then the account rules on a real store in a
 * fresh temporary directory per test: accounts, the first admin, sign-in,
 * bearer tokens stored only as hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "core/rc.h"
#include "store/store.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char pw_chars[] = "23456789abcdefghjkmnpqrstuvwxyz";

static double
seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True when s is "xxxxx-xxxxx-xxxxx-xxxxx" over pw_chars. */
static bool
password_has_form(const char *s)
{
    size_t i;

    if (strlen(s) != AUTH_PASSWORD_LEN)
        return false;
    for (i = 0; i < AUTH_PASSWORD_LEN; i++) {
        if (i % 6 == 5) {
            if (s[i] != '-')
                return false;
        } else if (strchr(pw_chars, s[i]) == NULL) {
            return false;
        }
    }
    return true;
}

/* ---- passwords ---- */

static void
hash_verifies_the_right_password_only(void **state)
{
    char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];

    (void)state;
    assert_int_equal(auth_password_hash("Coopérer 2014!", h1, sizeof(h1)), RC_OK);
    assert_true(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0);
    assert_true(strlen(h1) < AUTH_HASH_MAX);
    assert_int_equal(auth_password_verify(h1, "Coopérer 2014!"), 0);
    assert_int_equal(auth_password_verify(h1, "Cooperer 2014!"), -1);
    assert_int_equal(auth_password_verify(h1, "Coopérer 2014"), -1);
    assert_int_equal(auth_password_verify(h1, ""), -1);
    assert_int_equal(auth_password_verify(h1, NULL), -1);

    /* Salted: the same password never gives the same string. */
    assert_int_equal(auth_password_hash("Coopérer 2014!", h2, sizeof(h2)), RC_OK);
    assert_string_not_equal(h1, h2);
    assert_int_equal(auth_password_verify(h2, "Coopérer 2014!"), 0);

    /* The empty password hashes and verifies like any other. */
    assert_int_equal(auth_password_hash("", h2, sizeof(h2)), RC_OK);
    assert_int_equal(auth_password_verify(h2, ""), 0);
    assert_int_equal(auth_password_verify(h2, " "), -1);
}

static void
hash_refuses_a_small_buffer(void **state)
{
    char small[64];

    (void)state;
    assert_int_equal(auth_password_hash("x", small, sizeof(small)), RC_INVALID);
    assert_int_equal(auth_password_hash(NULL, small, sizeof(small)), RC_INVALID);
}

static void
verify_refuses_empty_and_garbage_hashes(void **state)
{
    char h[AUTH_HASH_MAX], longer[300];
    size_t n;

    (void)state;
    assert_int_equal(auth_password_verify(NULL, "x"), -1);
    assert_int_equal(auth_password_verify("", ""), -1);
    assert_int_equal(auth_password_verify("", "x"), -1);
    assert_int_equal(auth_password_verify("garbage", "garbage"), -1);
    assert_int_equal(auth_password_verify("$argon2id$", ""), -1);
    assert_int_equal(auth_password_verify("$argon2id$v=19$m=65536,t=2,p=1$AAAA$BBBB", "x"), -1);
    assert_int_equal(auth_password_verify("$2y$10$abcdefghijklmnopqrstuu", "x"), -1); /* bcrypt */

    /* A real hash, altered in its last character, or grown past the size. */
    assert_int_equal(auth_password_hash("x", h, sizeof(h)), RC_OK);
    n = strlen(h);
    h[n - 1] = h[n - 1] == 'A' ? 'B' : 'A';
    assert_int_equal(auth_password_verify(h, "x"), -1);
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    memcpy(longer, h, n);
    assert_int_equal(auth_password_verify(longer, "x"), -1);
}

static void
an_unknown_account_costs_a_verification(void **state)
{
    char h[AUTH_HASH_MAX];
    double t0, t_real, t_none;

    (void)state;
    assert_int_equal(auth_password_hash("x", h, sizeof(h)), RC_OK);
    t0 = seconds();
    assert_int_equal(auth_password_verify(h, "y"), -1);
    t_real = seconds() - t0;
    t0 = seconds();
    assert_int_equal(auth_password_verify(NULL, "y"), -1);
    t_none = seconds() - t0;
    print_message("verify: %.0f ms with a hash, %.0f ms without\n", t_real * 1e3, t_none * 1e3);
    assert_true(t_none > t_real / 4);
}

static void
generated_passwords_differ_and_have_the_form(void **state)
{
    enum { N = 200 };
    static char pw[N][AUTH_PASSWORD_SIZE];
    int seen[128] = {0};
    size_t i, j;

    (void)state;
    for (i = 0; i < N; i++) {
        assert_int_equal(auth_password_generate(pw[i], sizeof(pw[i])), RC_OK);
        assert_true(password_has_form(pw[i]));
        for (j = 0; j < AUTH_PASSWORD_LEN; j++)
            seen[(unsigned char)pw[i][j]]++;
        for (j = 0; j < i; j++)
            assert_string_not_equal(pw[i], pw[j]);
    }
    /* 4000 draws from 31 characters: each shows up, look-alikes never. */
    for (i = 0; pw_chars[i] != '\0'; i++)
        assert_true(seen[(unsigned char)pw_chars[i]] > 0);
    assert_int_equal(seen['0'] + seen['o'] + seen['1'] + seen['l'] + seen['i'], 0);
    assert_int_equal(seen['-'], N * 3);

    assert_int_equal(auth_password_generate(pw[0], AUTH_PASSWORD_SIZE - 1), RC_INVALID);
}

/* ---- secrets ---- */

static void
secrets_are_43_base64url_characters_and_differ(void **state)
{
    enum { N = 200 };
    static char s[N][AUTH_SECRET_SIZE];
    char small[AUTH_SECRET_SIZE - 1];
    size_t i, j;

    (void)state;
    for (i = 0; i < N; i++) {
        assert_int_equal(auth_secret_new(s[i], sizeof(s[i])), RC_OK);
        assert_int_equal(strlen(s[i]), 43);
        assert_int_equal(strspn(s[i], b64url), 43);
        assert_true(auth_secret_wellformed(s[i]));
        for (j = 0; j < i; j++)
            assert_string_not_equal(s[i], s[j]);
    }
    assert_int_equal(auth_secret_new(small, sizeof(small)), RC_INVALID);
}

static void
wellformed_secrets_only(void **state)
{
    char s[AUTH_SECRET_SIZE + 1];

    (void)state;
    assert_int_equal(auth_secret_new(s, sizeof(s)), RC_OK);
    assert_true(auth_secret_wellformed(s));
    s[43] = 'A';
    s[44] = '\0';
    assert_false(auth_secret_wellformed(s)); /* 44 characters */
    s[42] = '\0';
    assert_false(auth_secret_wellformed(s)); /* 42 */
    assert_false(auth_secret_wellformed(""));
    assert_false(auth_secret_wellformed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+"));
    assert_false(auth_secret_wellformed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP="));
    assert_false(auth_secret_wellformed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN P"));
    assert_true(auth_secret_wellformed("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-_0"));
}

static void
secret_hashes_are_sha256(void **state)
{
    static const unsigned char abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    }; /* SHA-256("abc"), FIPS 180-2 */
    unsigned char h[32], h2[32];
    char s1[AUTH_SECRET_SIZE], s2[AUTH_SECRET_SIZE];

    (void)state;
    auth_secret_hash("abc", h);
    assert_memory_equal(h, abc, 32);
    assert_true(auth_secret_equal(h, abc));
    h[31] ^= 1;
    assert_false(auth_secret_equal(h, abc));
    h[31] ^= 1;
    h[0] ^= 0x80;
    assert_false(auth_secret_equal(h, abc));

    assert_int_equal(auth_secret_new(s1, sizeof(s1)), RC_OK);
    assert_int_equal(auth_secret_new(s2, sizeof(s2)), RC_OK);
    auth_secret_hash(s1, h);
    auth_secret_hash(s1, h2);
    assert_true(auth_secret_equal(h, h2));
    auth_secret_hash(s2, h2);
    assert_false(auth_secret_equal(h, h2));
}

/* ---- names, roles, scopes ---- */

static void
usernames_and_roles(void **state)
{
    (void)state;
    assert_true(auth_username_valid("admin"));
    assert_true(auth_username_valid("a"));
    assert_true(auth_username_valid("eric_lamirande_2014"));
    assert_true(auth_username_valid("abcdefghijklmnopqrstuvwxyz0123")); /* 30 */
    assert_false(auth_username_valid("abcdefghijklmnopqrstuvwxyz01234"));
    assert_false(auth_username_valid(""));
    assert_false(auth_username_valid(NULL));
    assert_false(auth_username_valid("Eric"));
    assert_false(auth_username_valid("éric"));
    assert_false(auth_username_valid("eric-l"));
    assert_false(auth_username_valid("eric l"));
    assert_false(auth_username_valid("eric@example.org"));

    assert_true(auth_role_valid("admin"));
    assert_true(auth_role_valid("editor"));
    assert_true(auth_role_valid("member"));
    assert_false(auth_role_valid("Admin"));
    assert_false(auth_role_valid("root"));
    assert_false(auth_role_valid(""));
    assert_false(auth_role_valid(NULL));
}

static void
scopes_are_normalized_or_refused(void **state)
{
    char out[AUTH_SCOPES_MAX], tiny[8];

    (void)state;
    assert_int_equal(auth_scopes_normalize(NULL, out, sizeof(out)), RC_OK);
    assert_string_equal(out, "read write");
    assert_int_equal(auth_scopes_normalize("", out, sizeof(out)), RC_OK);
    assert_string_equal(out, "read write");
    assert_int_equal(auth_scopes_normalize("   ", out, sizeof(out)), RC_OK);
    assert_string_equal(out, "read write");
    assert_int_equal(auth_scopes_normalize("  read   write read ", out, sizeof(out)), RC_OK);
    assert_string_equal(out, "read write");
    assert_int_equal(
        auth_scopes_normalize("read:statuses write:media follow push", out, sizeof(out)), RC_OK);
    assert_string_equal(out, "read:statuses write:media follow push");
    assert_int_equal(auth_scopes_normalize("write", out, sizeof(out)), RC_OK);
    assert_string_equal(out, "write");

    assert_int_equal(auth_scopes_normalize("admin", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("read:nope", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("push:x", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("read,write", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("READ", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("read\twrite", out, sizeof(out)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("read write", tiny, sizeof(tiny)), RC_INVALID);
    assert_int_equal(auth_scopes_normalize("read", tiny, sizeof(tiny)), RC_OK);
}

static void
scopes_allow_their_sub_scopes(void **state)
{
    (void)state;
    assert_true(auth_scopes_allow("read write", "read"));
    assert_true(auth_scopes_allow("read write", "write:statuses"));
    assert_true(auth_scopes_allow("read write", "read:accounts"));
    assert_false(auth_scopes_allow("read", "write"));
    assert_false(auth_scopes_allow("read", "write:statuses"));
    assert_true(auth_scopes_allow("read:statuses", "read:statuses"));
    assert_false(auth_scopes_allow("read:statuses", "read"));
    assert_false(auth_scopes_allow("read:statuses", "read:accounts"));
    assert_true(auth_scopes_allow("follow", "read:follows"));
    assert_true(auth_scopes_allow("follow", "write:blocks"));
    assert_false(auth_scopes_allow("follow", "write:statuses"));
    assert_false(auth_scopes_allow("read ", ":statuses"));
    assert_false(auth_scopes_allow("read", ""));
    assert_false(auth_scopes_allow("", "read"));
    assert_false(auth_scopes_allow(NULL, "read"));
    assert_false(auth_scopes_allow("readwrite", "read"));
}

/* ---- the failed-login limiter ---- */

static void
limiter_blocks_after_n_failures_for_the_rest_of_the_window(void **state)
{
    struct rate_limiter *rl = rate_limiter_new(3, 60, 16);
    unsigned retry = 0;

    (void)state;
    assert_non_null(rl);
    assert_false(rate_limiter_blocked(rl, "eric", 1000, &retry));
    rate_limiter_fail(rl, "eric", 1000);
    rate_limiter_fail(rl, "eric", 1005);
    assert_false(rate_limiter_blocked(rl, "eric", 1009, &retry));
    rate_limiter_fail(rl, "eric", 1010);
    assert_true(rate_limiter_blocked(rl, "eric", 1010, &retry));
    assert_int_equal(retry, 50); /* the window opened at 1000 */
    assert_true(rate_limiter_blocked(rl, "eric", 1059, &retry));
    assert_int_equal(retry, 1);
    assert_true(rate_limiter_blocked(rl, "eric", 1059, NULL));
    assert_false(rate_limiter_blocked(rl, "someone_else", 1010, &retry));

    /* The window closes: a fresh start, three more tries. */
    assert_int_equal(rate_limiter_size(rl), 1);
    assert_false(rate_limiter_blocked(rl, "eric", 1060, &retry));
    assert_int_equal(rate_limiter_size(rl), 0);
    rate_limiter_fail(rl, "eric", 1061);
    rate_limiter_fail(rl, "eric", 1062);
    assert_false(rate_limiter_blocked(rl, "eric", 1062, &retry));
    rate_limiter_fail(rl, "eric", 1063);
    assert_true(rate_limiter_blocked(rl, "eric", 1063, &retry));
    assert_int_equal(retry, 58);
    rate_limiter_free(rl);
}

static void
limiter_failures_after_the_window_start_a_new_one(void **state)
{
    struct rate_limiter *rl = rate_limiter_new(2, 10, 4);
    unsigned retry = 0;

    (void)state;
    rate_limiter_fail(rl, "127.0.0.1", 0);
    rate_limiter_fail(rl, "127.0.0.1", 10); /* the first window is over: counts 1 */
    assert_false(rate_limiter_blocked(rl, "127.0.0.1", 10, &retry));
    rate_limiter_fail(rl, "127.0.0.1", 19);
    assert_true(rate_limiter_blocked(rl, "127.0.0.1", 19, &retry));
    assert_int_equal(retry, 1);
    assert_false(rate_limiter_blocked(rl, "127.0.0.1", 20, &retry));
    rate_limiter_free(rl);
}

static void
limiter_reset_forgets_a_key(void **state)
{
    struct rate_limiter *rl = rate_limiter_new(2, 300, 8);

    (void)state;
    rate_limiter_fail(rl, "eric", 100);
    rate_limiter_fail(rl, "eric", 101);
    rate_limiter_fail(rl, "jp", 101);
    rate_limiter_fail(rl, "jp", 101);
    assert_true(rate_limiter_blocked(rl, "eric", 102, NULL));
    rate_limiter_reset(rl, "eric");
    assert_false(rate_limiter_blocked(rl, "eric", 102, NULL));
    assert_true(rate_limiter_blocked(rl, "jp", 102, NULL)); /* others stay */
    rate_limiter_reset(rl, "nobody");
    assert_int_equal(rate_limiter_size(rl), 1);
    rate_limiter_free(rl);
}

static void
limiter_memory_stays_bounded(void **state)
{
    struct rate_limiter *rl = rate_limiter_new(2, 60, 4);
    char key[32];
    unsigned retry;
    int i;

    (void)state;
    rate_limiter_fail(rl, "a", 0);
    rate_limiter_fail(rl, "a", 0);
    assert_true(rate_limiter_blocked(rl, "a", 1, &retry));
    for (i = 0; i < 3; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        rate_limiter_fail(rl, key, 1 + i);
        rate_limiter_fail(rl, key, 1 + i);
    }
    assert_int_equal(rate_limiter_size(rl), 4);
    assert_true(rate_limiter_blocked(rl, "a", 4, &retry)); /* still there: 4 fit */

    /* A fifth key evicts the one whose window opened first: "a". */
    rate_limiter_fail(rl, "k3", 5);
    assert_int_equal(rate_limiter_size(rl), 4);
    assert_false(rate_limiter_blocked(rl, "a", 5, &retry));
    assert_true(rate_limiter_blocked(rl, "k0", 5, &retry));

    /* A reopened window counts as newest: k0 outlives k1. */
    rate_limiter_fail(rl, "k0", 70);
    rate_limiter_fail(rl, "k4", 70);
    assert_false(rate_limiter_blocked(rl, "k1", 61, &retry)); /* evicted */
    assert_true(rate_limiter_blocked(rl, "k2", 61, &retry));  /* opened at 3: kept */

    for (i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
        rate_limiter_fail(rl, key, 100);
        assert_true(rate_limiter_size(rl) <= 4);
    }
    assert_int_equal(rate_limiter_size(rl), 4);
    rate_limiter_fail(rl, "10.0.39.15", 100); /* among the last four: its second failure */
    assert_true(rate_limiter_blocked(rl, "10.0.39.15", 101, &retry));
    assert_int_equal(retry, 59);
    rate_limiter_free(rl);
}

static void
limiter_survives_a_clock_going_back(void **state)
{
    struct rate_limiter *rl = rate_limiter_new(1, 60, 4);
    unsigned retry = 0;

    (void)state;
    rate_limiter_fail(rl, "eric", 1000);
    assert_true(rate_limiter_blocked(rl, "eric", 500, &retry));
    assert_true(retry >= 1 && retry <= 60);
    assert_false(rate_limiter_blocked(rl, "eric", 560, &retry)); /* never more than a window */
    rate_limiter_free(rl);
}

static void
limiter_refuses_zero_limits(void **state)
{
    (void)state;
    assert_null(rate_limiter_new(0, 60, 10));
    assert_null(rate_limiter_new(5, 0, 10));
    assert_null(rate_limiter_new(5, 60, 0));
    rate_limiter_free(NULL);
}

struct limiter_thread {
    struct rate_limiter *rl;
    int n;
};

static void *
limiter_hammer(void *arg)
{
    struct limiter_thread *t = arg;
    char key[16];
    int i;

    for (i = 0; i < t->n; i++) {
        rate_limiter_fail(t->rl, "shared", 50);
        snprintf(key, sizeof(key), "own%d", i % 100);
        rate_limiter_fail(t->rl, key, 50);
        (void)rate_limiter_blocked(t->rl, key, 50, NULL);
    }
    return NULL;
}

static void
limiter_counts_every_failure_from_many_threads(void **state)
{
    enum { THREADS = 4, EACH = 2000 };
    struct rate_limiter *exact = rate_limiter_new(THREADS * EACH, 60, 256);
    struct rate_limiter *one_more = rate_limiter_new(THREADS * EACH + 1, 60, 256);
    struct limiter_thread t[2 * THREADS];
    pthread_t th[2 * THREADS];
    int i;

    (void)state;
    for (i = 0; i < 2 * THREADS; i++) {
        t[i].rl = i < THREADS ? exact : one_more;
        t[i].n = EACH;
        assert_int_equal(pthread_create(&th[i], NULL, limiter_hammer, &t[i]), 0);
    }
    for (i = 0; i < 2 * THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_true(rate_limiter_blocked(exact, "shared", 51, NULL));
    assert_false(rate_limiter_blocked(one_more, "shared", 51, NULL));
    assert_int_equal(rate_limiter_size(exact), 101); /* "shared" and own0..own99 */
    rate_limiter_free(exact);
    rate_limiter_free(one_more);
}

/* ---- accounts and tokens, on a store in a fresh directory ---- */

struct fixture {
    char dir[64];
    struct store *st;
    struct arena ar;
};

/* Removes path and everything under it. */
static void
remove_tree(const char *path)
{
    struct dirent *d;
    struct stat sb;
    char child[512];
    DIR *dir;

    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode) && (dir = opendir(path)) != NULL) {
        while ((d = readdir(dir)) != NULL) {
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof(child), "%s/%s", path, d->d_name);
            remove_tree(child);
        }
        closedir(dir);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int
store_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/gz-test-auth-XXXXXX");
    if (mkdtemp(f->dir) == NULL || store_open(f->dir, &f->st) != RC_OK) {
        print_error("cannot open a store in %s: %s\n", f->dir, store_open_error());
        remove_tree(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int
store_teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->st);
    arena_release(&f->ar);
    remove_tree(f->dir);
    free(f);
    return 0;
}

/* True when buf[0..n) holds s. */
static bool
bytes_hold(const char *buf, size_t n, const char *s)
{
    size_t len = strlen(s), i;

    for (i = 0; i + len <= n; i++)
        if (memcmp(buf + i, s, len) == 0)
            return true;
    return false;
}

/* True when any file of dir holds the bytes of s. */
static bool
dir_holds(const char *dir, const char *s)
{
    struct dirent *d;
    char path[512];
    DIR *dp = opendir(dir);
    bool found = false;

    assert_non_null(dp);
    while (!found && (d = readdir(dp)) != NULL) {
        FILE *fp;
        char *buf;
        long n;

        snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
        if (d->d_name[0] == '.' || (fp = fopen(path, "rb")) == NULL)
            continue;
        if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
            (buf = malloc((size_t)n)) != NULL) {
            if (fread(buf, 1, (size_t)n, fp) == (size_t)n)
                found = bytes_hold(buf, (size_t)n, s);
            free(buf);
        }
        fclose(fp);
    }
    closedir(dp);
    return found;
}

static void
account_create_stores_a_hash_of_a_generated_password(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], pw2[AUTH_PASSWORD_SIZE];
    struct account a;

    assert_int_equal(auth_account_create(f->st, "eric", "editor", pw, sizeof(pw)), RC_OK);
    assert_true(password_has_form(pw));
    assert_int_equal(store_account_by_name(f->st, &f->ar, "eric", &a), RC_OK);
    assert_string_equal(a.username, "eric");
    assert_string_equal(a.role, "editor");
    assert_false(a.disabled);
    assert_true(strncmp(a.password_hash, "$argon2id$", 10) == 0);
    assert_int_equal(auth_password_verify(a.password_hash, pw), 0);
    assert_int_equal(auth_password_verify(a.password_hash, "wrong"), -1);
    store_checkpoint(f->st);
    assert_false(dir_holds(f->dir, pw));

    /* Taken: refused, and no password comes out. */
    memset(pw2, 'x', sizeof(pw2));
    assert_int_equal(auth_account_create(f->st, "eric", "member", pw2, sizeof(pw2)), RC_CONFLICT);
    assert_int_equal(pw2[0], '\0');
    assert_int_equal(store_account_by_name(f->st, &f->ar, "eric", &a), RC_OK);
    assert_string_equal(a.role, "editor");
    assert_int_equal(auth_password_verify(a.password_hash, pw), 0);

    assert_int_equal(auth_account_create(f->st, "Eric", "member", pw2, sizeof(pw2)), RC_INVALID);
    assert_int_equal(auth_account_create(f->st, "", "member", pw2, sizeof(pw2)), RC_INVALID);
    assert_int_equal(auth_account_create(f->st, "jp", "root", pw2, sizeof(pw2)), RC_INVALID);
    assert_int_equal(auth_account_create(f->st, "jp", "member", pw2, 8), RC_INVALID);
    assert_int_equal(store_account_by_name(f->st, &f->ar, "jp", &a), RC_NOTFOUND);
}

static void
first_start_creates_one_admin(void **state)
{
    struct fixture *f = *state;
    char name[32], pw[AUTH_PASSWORD_SIZE];
    struct account a;
    bool created = false;
    int64_t n = -1;

    assert_int_equal(auth_ensure_admin(f->st, name, sizeof(name), pw, sizeof(pw), &created), RC_OK);
    assert_true(created);
    assert_string_equal(name, "admin");
    assert_true(password_has_form(pw));
    assert_int_equal(store_account_by_name(f->st, &f->ar, "admin", &a), RC_OK);
    assert_string_equal(a.role, "admin");
    assert_int_equal(auth_password_verify(a.password_hash, pw), 0);

    /* Second start: nothing is made, nothing is written. */
    memset(name, 0, sizeof(name));
    memset(pw, 0, sizeof(pw));
    assert_int_equal(auth_ensure_admin(f->st, name, sizeof(name), pw, sizeof(pw), &created), RC_OK);
    assert_false(created);
    assert_string_equal(name, "");
    assert_string_equal(pw, "");
    assert_int_equal(store_account_count(f->st, &n), RC_OK);
    assert_int_equal(n, 1);
}

static void
no_admin_is_made_when_accounts_exist(void **state)
{
    struct fixture *f = *state;
    char name[32], pw[AUTH_PASSWORD_SIZE];
    struct account a;
    bool created = true;

    assert_int_equal(auth_account_create(f->st, "eric", "member", pw, sizeof(pw)), RC_OK);
    assert_int_equal(auth_ensure_admin(f->st, name, sizeof(name), pw, sizeof(pw), &created), RC_OK);
    assert_false(created);
    assert_int_equal(store_account_by_name(f->st, &f->ar, "admin", &a), RC_NOTFOUND);
}

static void
login_checks_name_and_password_alike(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], pw2[AUTH_PASSWORD_SIZE];
    struct account a;

    assert_int_equal(auth_account_create(f->st, "eric", "member", pw, sizeof(pw)), RC_OK);
    assert_int_equal(auth_login(f->st, &f->ar, "eric", pw, &a), RC_OK);
    assert_string_equal(a.username, "eric");
    assert_int_equal(auth_login(f->st, &f->ar, "eric", "wrong", &a), RC_FORBIDDEN);
    assert_int_equal(auth_login(f->st, &f->ar, "nobody", pw, &a), RC_FORBIDDEN);
    assert_int_equal(auth_login(f->st, &f->ar, "Not A Name", pw, &a), RC_FORBIDDEN);
    assert_int_equal(auth_login(f->st, &f->ar, "eric", "", &a), RC_FORBIDDEN);

    /* A new password replaces the old one. */
    assert_int_equal(auth_account_reset_password(f->st, "eric", pw2, sizeof(pw2)), RC_OK);
    assert_true(password_has_form(pw2));
    assert_string_not_equal(pw, pw2);
    assert_int_equal(auth_login(f->st, &f->ar, "eric", pw, &a), RC_FORBIDDEN);
    assert_int_equal(auth_login(f->st, &f->ar, "eric", pw2, &a), RC_OK);
    assert_int_equal(auth_account_reset_password(f->st, "nobody", pw2, sizeof(pw2)), RC_NOTFOUND);
}

static void
tokens_are_stored_as_hashes_and_found_by_bearer(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], tok[AUTH_SECRET_SIZE], tok2[AUTH_SECRET_SIZE], hdr[128];
    unsigned char h[AUTH_SECRET_HASH];
    const char *scopes = NULL;
    struct account a;

    assert_int_equal(auth_account_create(f->st, "eric", "editor", pw, sizeof(pw)), RC_OK);
    assert_int_equal(auth_token_create(f->st, "eric", NULL, tok, sizeof(tok)), RC_OK);
    assert_true(auth_secret_wellformed(tok));

    snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, &scopes), RC_OK);
    assert_string_equal(a.username, "eric");
    assert_string_equal(a.role, "editor");
    assert_string_equal(scopes, "read write");
    snprintf(hdr, sizeof(hdr), "bearer   %s  ", tok); /* scheme in any case, spaces around */
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_OK);

    /* Only the SHA-256 is kept: it finds the account, the token is nowhere on disk. */
    auth_secret_hash(tok, h);
    assert_int_equal(store_token_find(f->st, &f->ar, h, &a, &scopes), RC_OK);
    assert_string_equal(a.username, "eric");
    store_checkpoint(f->st);
    assert_false(dir_holds(f->dir, tok));

    /* A second token with its own scopes; the first still works. */
    assert_int_equal(
        auth_token_create(f->st, "eric", "write:statuses read  read", tok2, sizeof(tok2)), RC_OK);
    assert_string_not_equal(tok, tok2);
    snprintf(hdr, sizeof(hdr), "Bearer %s", tok2);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, &scopes), RC_OK);
    assert_string_equal(scopes, "write:statuses read");
    assert_true(auth_scopes_allow(scopes, "write:statuses"));
    assert_false(auth_scopes_allow(scopes, "write:media"));
}

static void
bearer_refuses_what_is_not_a_known_token(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], tok[AUTH_SECRET_SIZE], other[AUTH_SECRET_SIZE], hdr[256];
    struct account a;
    const char *bad[] = {
        NULL,
        "",
        "Bearer",
        "Bearer ",
        "Basic ZXJpYzpzZWNyZXQ=",
        "Bearer short",
        "Bearer abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP+",
    };
    size_t i;

    assert_int_equal(auth_account_create(f->st, "eric", "member", pw, sizeof(pw)), RC_OK);
    assert_int_equal(auth_token_create(f->st, "eric", "read", tok, sizeof(tok)), RC_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(auth_bearer(f->st, &f->ar, bad[i], &a, NULL), RC_FORBIDDEN);

    assert_int_equal(auth_secret_new(other, sizeof(other)), RC_OK); /* well formed, unknown */
    snprintf(hdr, sizeof(hdr), "Bearer %s", other);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_FORBIDDEN);
    snprintf(hdr, sizeof(hdr), "Bearer %s extra", tok);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_FORBIDDEN);
    snprintf(hdr, sizeof(hdr), "Bearer%s", tok);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_FORBIDDEN);
    snprintf(hdr, sizeof(hdr), "Bearer %.42s", tok);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_FORBIDDEN);
    snprintf(hdr, sizeof(hdr), "Token %s", tok);
    assert_int_equal(auth_bearer(f->st, &f->ar, hdr, &a, NULL), RC_FORBIDDEN);
}

static void
token_create_refuses_bad_scopes_and_unknown_users(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], tok[AUTH_SECRET_SIZE];

    assert_int_equal(auth_account_create(f->st, "eric", "member", pw, sizeof(pw)), RC_OK);
    memset(tok, 'x', sizeof(tok));
    assert_int_equal(auth_token_create(f->st, "eric", "read admin", tok, sizeof(tok)), RC_INVALID);
    assert_int_equal(tok[0], '\0');
    assert_int_equal(auth_token_create(f->st, "nobody", NULL, tok, sizeof(tok)), RC_NOTFOUND);
    assert_int_equal(auth_token_create(f->st, "No Body", NULL, tok, sizeof(tok)), RC_NOTFOUND);
    assert_int_equal(auth_token_create(f->st, "eric", NULL, tok, 43), RC_INVALID);
}

static void
sessions_are_stored_as_hashes_with_a_csrf_token(void **state)
{
    struct fixture *f = *state;
    char pw[AUTH_PASSWORD_SIZE], cookie[AUTH_SECRET_SIZE], csrf[AUTH_SECRET_SIZE],
        other[AUTH_SECRET_SIZE];
    const char *got_csrf = NULL;
    struct account a;
    int64_t id;

    assert_int_equal(auth_account_create(f->st, "eric", "editor", pw, sizeof(pw)), RC_OK);
    assert_int_equal(auth_login(f->st, &f->ar, "eric", pw, &a), RC_OK);
    id = a.id;
    assert_int_equal(auth_session_create(f->st, id, cookie, sizeof(cookie), csrf, sizeof(csrf)),
                     RC_OK);
    assert_true(auth_secret_wellformed(cookie));
    assert_true(auth_secret_wellformed(csrf));
    assert_string_not_equal(cookie, csrf);
    assert_int_equal(auth_session_find(f->st, &f->ar, cookie, &a, &got_csrf), RC_OK);
    assert_int_equal(a.id, id);
    assert_string_equal(got_csrf, csrf);
    assert_true(auth_csrf_equal(got_csrf, csrf));
    store_checkpoint(f->st);
    assert_false(dir_holds(f->dir, cookie));

    /* Forged, missing, malformed tokens and cookies are refused. */
    assert_int_equal(auth_secret_new(other, sizeof(other)), RC_OK);
    assert_false(auth_csrf_equal(csrf, other));
    assert_false(auth_csrf_equal(csrf, NULL));
    assert_false(auth_csrf_equal(csrf, ""));
    assert_false(auth_csrf_equal(NULL, NULL));
    other[42] = '\0';
    assert_false(auth_csrf_equal(csrf, other));
    assert_int_equal(auth_session_find(f->st, &f->ar, "nope", &a, NULL), RC_FORBIDDEN);
    assert_int_equal(auth_session_find(f->st, &f->ar, NULL, &a, NULL), RC_FORBIDDEN);
    assert_int_equal(auth_session_find(f->st, &f->ar, csrf, &a, NULL), RC_FORBIDDEN);

    /* Ending it twice is fine; it opens nothing afterwards. */
    assert_int_equal(auth_session_end(f->st, cookie), RC_OK);
    assert_int_equal(auth_session_end(f->st, cookie), RC_OK);
    assert_int_equal(auth_session_find(f->st, &f->ar, cookie, &a, NULL), RC_FORBIDDEN);
    assert_int_equal(auth_session_create(f->st, 4242, cookie, sizeof(cookie), csrf, sizeof(csrf)),
                     RC_NOTFOUND);
    assert_int_equal(cookie[0], '\0');
}

#define STORE_TEST(t) cmocka_unit_test_setup_teardown(t, store_setup, store_teardown)

/* SHA-1 against FIPS 180 vectors (across block ends), and RFC 6455's own handshake example. */
static void
sha1_and_the_websocket_handshake(void **state)
{
    static const struct {
        const char *in, *hex;
    } vectors[] = {
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    };
    unsigned char digest[20];
    char hex[41], accept[AUTH_WS_ACCEPT_SIZE], a[1000];
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        auth_sha1(vectors[i].in, strlen(vectors[i].in), digest);
        for (k = 0; k < 20; k++)
            snprintf(hex + 2 * k, 3, "%02x", digest[k]);
        assert_string_equal(hex, vectors[i].hex);
    }
    memset(a, 'a', sizeof(a)); /* many blocks, and a length of 64k + 40 bytes' padding */
    auth_sha1(a, sizeof(a), digest);
    for (k = 0; k < 20; k++)
        snprintf(hex + 2 * k, 3, "%02x", digest[k]);
    assert_string_equal(hex, "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    assert_true(auth_websocket_accept("dGhlIHNhbXBsZSBub25jZQ==", accept));
    assert_string_equal(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_false(auth_websocket_accept("", accept));
    assert_false(auth_websocket_accept(NULL, accept));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_verifies_the_right_password_only),
        cmocka_unit_test(hash_refuses_a_small_buffer),
        cmocka_unit_test(verify_refuses_empty_and_garbage_hashes),
        cmocka_unit_test(an_unknown_account_costs_a_verification),
        cmocka_unit_test(generated_passwords_differ_and_have_the_form),
        cmocka_unit_test(secrets_are_43_base64url_characters_and_differ),
        cmocka_unit_test(wellformed_secrets_only),
        cmocka_unit_test(secret_hashes_are_sha256),
        cmocka_unit_test(usernames_and_roles),
        cmocka_unit_test(scopes_are_normalized_or_refused),
        cmocka_unit_test(scopes_allow_their_sub_scopes),
        cmocka_unit_test(sha1_and_the_websocket_handshake),
        cmocka_unit_test(limiter_blocks_after_n_failures_for_the_rest_of_the_window),
        cmocka_unit_test(limiter_failures_after_the_window_start_a_new_one),
        cmocka_unit_test(limiter_reset_forgets_a_key),
        cmocka_unit_test(limiter_memory_stays_bounded),
        cmocka_unit_test(limiter_survives_a_clock_going_back),
        cmocka_unit_test(limiter_refuses_zero_limits),
        cmocka_unit_test(limiter_counts_every_failure_from_many_threads),
        STORE_TEST(account_create_stores_a_hash_of_a_generated_password),
        STORE_TEST(first_start_creates_one_admin),
        STORE_TEST(no_admin_is_made_when_accounts_exist),
        STORE_TEST(login_checks_name_and_password_alike),
        STORE_TEST(tokens_are_stored_as_hashes_and_found_by_bearer),
        STORE_TEST(bearer_refuses_what_is_not_a_known_token),
        STORE_TEST(token_create_refuses_bad_scopes_and_unknown_users),
        STORE_TEST(sessions_are_stored_as_hashes_with_a_csrf_token),
    };

    if (auth_init() != 0) {
        print_error("auth_init failed\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
