/*
 * tests/unit/test_oom.c - allocation failures in the text engine (issue 8).
 * Each public function of text/text.h runs with its Nth allocation failing,
 * for N = 1, 2, ... until it no longer makes N allocations, and must then
 * answer its error, leave its output as its header promises (a text_buf as
 * it was and NUL-terminated, an entity vector holding what was found so
 * far, a split or fit result released), leak nothing (LSan), and give,
 * once allocations succeed, the very result it gives when none fails. Two
 * modes, as SQLite's faultsim: transient (only the Nth fails) and
 * persistent (the Nth and every later one).
 *
 * The Makefile links this test with -Wl,--wrap=malloc,--wrap=realloc,
 * --wrap=calloc, so every such call of the engine's objects comes to the
 * __wrap_ functions below. Allocations inside libutf8proc, libcmark and
 * libpcre2 (shared libraries) are not seen, and cannot be failed this way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/autolink_twitter.h"
#include "text/text.h"

/* ---- the failing allocator ---- */

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t n, size_t size);

static struct {
    unsigned long fail_at; /* the allocation (from 1) that fails; 0: none */
    bool persistent;       /* every allocation after it fails too */
    unsigned long seen;    /* allocations since armed */
    unsigned long failed;  /* of which failed */
} oom;

static bool
oom_fail_now(void)
{
    if (oom.fail_at == 0)
        return false;
    oom.seen++;
    if (oom.seen < oom.fail_at || (oom.seen > oom.fail_at && !oom.persistent))
        return false;
    oom.failed++;
    return true;
}

void *
__wrap_malloc(size_t n)
{
    return oom_fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_realloc(void *p, size_t n)
{
    return oom_fail_now() ? NULL : __real_realloc(p, n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    return oom_fail_now() ? NULL : __real_calloc(n, size);
}

/*
 * The loop over failures: for (faults_start(&f, name); !f.done; faults_next(&f))
 * { oom_arm(&f); call; if (oom_disarm()) { error expected } else { result
 * expected } }. A run in which nothing failed ends its mode: the call makes
 * fewer allocations than N.
 */
struct faults {
    const char *name;
    int mode; /* 0 transient, 1 persistent */
    unsigned long n;
    unsigned long allocations; /* of a whole call, found by the transient mode */
    bool injected, done;
};

#define MAX_ALLOCATIONS 100000

static void
faults_start(struct faults *f, const char *name)
{
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->n = 1;
}

static void
oom_arm(struct faults *f)
{
    memset(&oom, 0, sizeof(oom));
    oom.fail_at = f->n;
    oom.persistent = f->mode == 1;
}

static unsigned long faulty_runs; /* calls made with an allocation failing */

/* Ends the faulty run; true when an allocation failed in it. */
static bool
oom_disarm(struct faults *f)
{
    f->injected = oom.failed > 0;
    faulty_runs += f->injected;
    memset(&oom, 0, sizeof(oom));
    return f->injected;
}

static void
faults_next(struct faults *f)
{
    if (f->injected && f->n < MAX_ALLOCATIONS) {
        f->n++;
        return;
    }
    assert_true(f->n < MAX_ALLOCATIONS);
    if (f->mode == 0) {
        f->allocations = f->n - 1;
        /* the call must allocate at all (after the smallest prefill), or this tests nothing */
        assert_true(f->allocations > 0 || f->name == NULL);
        if (f->name != NULL)
            print_message("%-28s %4lu allocations, each failed in turn, then from each on\n",
                          f->name, f->allocations);
        f->mode = 1;
        f->n = 1;
        return;
    }
    f->done = true;
}

/*
 * A text_buf already holding n bytes ("kkk…"), to check that failures
 * leave out as it was. Where the buffer must grow, and so which append
 * fails, depends on n: the HTML functions run with several, and first
 * with a buffer never used (n = 0: data NULL).
 */
static const size_t prefills[] = {0, 4, 61, 250, 1000, 3000};
static char keep[4096];

static struct text_buf
kept(size_t n)
{
    struct text_buf b = {0};

    if (n > 0)
        assert_int_equal(text_html_escape(&b, keep, n), 0);
    return b;
}

static void
assert_kept(const struct text_buf *b, size_t n)
{
    assert_int_equal(b->len, n);
    if (n == 0 && b->data == NULL)
        return; /* still never used */
    assert_non_null(b->data);
    assert_int_equal(b->data[n], '\0');
    assert_memory_equal(b->data, keep, n);
}

/* ---- inputs ---- */

/* A post with every kind of entity, many of them, and text to escape. */
static char post[4096];
/* Decomposed accents for NFC: "Économie" as E + U+0301. */
static char decomposed[2048];
/* Its HTML (for highlighting), characters that all need escaping, and a
 * tag that grows when folded (U+023A's lower case is 3 bytes long). */
static char post_html[16384], escapes[1024], growing_tag[4096];

static int
setup(void **state)
{
    size_t at = 0;
    int i;

    (void)state;
    memset(keep, 'k', sizeof(keep));
    for (i = 0; i < 12; i++)
        at += (size_t)snprintf(post + at, sizeof(post) - at,
                               "Q%d <b>\"l'économie\"</b> & #tag%d @user%d $CASH "
                               "http://ex%d.com/a?b=1&c=2 www.site%d.org\n",
                               i, i, i, i, i);
    at += (size_t)snprintf(post + at, sizeof(post) - at,
                           "@jo@example.org @user/list #Énorme #Économie "
                           "https://t.co/abc\r\n\n\nfin");
    at = 0;
    for (i = 0; i < 40; i++)
        at += (size_t)snprintf(decomposed + at, sizeof(decomposed) - at,
                               "E\xcc\x81"
                               "conomie Cafe\xcc\x81 ");
    for (i = 0; i < 200; i++)
        memcpy(escapes + 5 * i, "<&'\">", 5);
    /* NFC, then more bytes than were reserved (the input's): a realloc */
    memcpy(growing_tag, "E\xcc\x81", 3);
    for (at = 3, i = 0; i < 700; i++, at += 2)
        memcpy(growing_tag + at, "\xc8\xba", 2); /* U+023A */
    {
        struct text_buf html = {0};
        assert_int_equal(text_autolink(&html, post, strlen(post), NULL), 0);
        assert_true(html.len < sizeof(post_html));
        memcpy(post_html, html.data, html.len + 1);
        text_buf_release(&html);
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    print_message("%lu calls made with an allocation failing\n", faulty_runs);
    return 0;
}

/* ---- functions that append HTML or text to a text_buf ---- */

typedef int (*buf_fn)(struct text_buf *out, const char *s, size_t len, const void *arg);

/*
 * Runs fn under every failure, after each prefill: on -1 out is as it was;
 * otherwise it holds what it holds when nothing fails.
 */
static void
check_buf_fn(const char *name, buf_fn fn, const char *s, const void *arg)
{
    struct text_buf want, out;
    struct faults f;
    size_t p, n;
    int rc;

    for (p = 0; p < sizeof(prefills) / sizeof(prefills[0]); p++) {
        n = prefills[p];
        want = kept(n);
        assert_int_equal(fn(&want, s, strlen(s), arg), 0);
        assert_true(want.len > n);
        assert_non_null(want.data);
        for (faults_start(&f, p == 0 ? name : NULL); !f.done; faults_next(&f)) {
            out = kept(n);
            oom_arm(&f);
            rc = fn(&out, s, strlen(s), arg);
            if (oom_disarm(&f)) {
                assert_int_equal(rc, -1);
                assert_kept(&out, n);
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(out.len, want.len);
                assert_string_equal(out.data, want.data);
            }
            text_buf_release(&out);
        }
        text_buf_release(&want);
    }
}

static int
call_escape(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_html_escape(out, s, len);
}

static int
call_autolink(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_autolink(out, s, len, arg);
}

static int
call_autolink_twitter(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_autolink_twitter(out, s, len, arg);
}

static int
call_comment_html(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_comment_html(out, s, len);
}

static int
call_markdown(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_markdown(out, s, len);
}

static int
call_highlight(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    static const uint32_t hits[][2] = {{0, 3}, {10, 40}, {5, 12}, {100, 9999}, {60, 61}};

    return text_hit_highlight(out, s, len, hits, sizeof(hits) / sizeof(hits[0]));
}

static int
call_tag_fold(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_tag_fold(out, s, len);
}

static int
call_name_key(struct text_buf *out, const char *s, size_t len, const void *arg)
{
    return text_name_key(out, s, len);
}

static void
html_functions(void **state)
{
    static const struct text_autolink_options plain = {.hashtag_base = "/t/?x=<",
                                                       .mention_base = "/u/",
                                                       .cashtag_base = "/c/",
                                                       .url_display_max = 8,
                                                       .extract_opts = 0};
    static const char *const groups[] = {"usernames", "lists",    "hashtags",
                                         "urls",      "cashtags", "all"};
    const char *comment = "Voir http://ex.com/a?b=1&c=<2> et www.site.org.\r\nLigne 2 <i>\n \n"
                          "Second paragraphe: https://x.org/y\n\n\n\tTroisième & fin";
    char name[64];
    size_t i;

    (void)state;
    check_buf_fn("text_html_escape", call_escape, escapes, NULL);
    check_buf_fn("text_autolink", call_autolink, post, NULL);
    check_buf_fn("text_autolink (options)", call_autolink, post, &plain);
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        snprintf(name, sizeof(name), "text_autolink_twitter %s", groups[i]);
        check_buf_fn(name, call_autolink_twitter, post, groups[i]);
    }
    check_buf_fn("text_comment_html", call_comment_html, comment, NULL);
    check_buf_fn("text_markdown", call_markdown,
                 "# Titre\n\n*Jacques* [lien](http://ex.com) <script>x</script>\n\n- a\n- b\n",
                 NULL);
    check_buf_fn("text_hit_highlight", call_highlight, post_html, NULL);
    check_buf_fn("text_tag_fold", call_tag_fold, growing_tag, NULL);
    check_buf_fn("text_name_key", call_name_key,
                 "Jean-Pierre Bédard, Ǆemal Ĳsselmeer ﬃ 12, Marie-Ève Côté-Šťastná, "
                 "Ｆｕｌｌｗｉｄｔｈ Ｎａｍｅ, Ὀδυσσεύς Λαέρτιος",
                 NULL);
}

/* ---- NFC, parse and analyze: scratch memory, reused after a failure ---- */

static void
nfc(void **state)
{
    struct text_scratch want_sc = {0}, sc;
    const char *want, *got;
    size_t want_len, got_len, len = strlen(decomposed);
    struct faults f;
    int rc;

    (void)state;
    assert_int_equal(text_nfc(&want_sc, decomposed, len, &want, &want_len), 0);
    assert_true(want_len < len);
    for (faults_start(&f, "text_nfc"); !f.done; faults_next(&f)) {
        memset(&sc, 0, sizeof(sc));
        oom_arm(&f);
        rc = text_nfc(&sc, decomposed, len, &got, &got_len);
        if (oom_disarm(&f)) {
            assert_int_equal(rc, -1);
            /* the scratch is still good: the same call on it now succeeds */
            assert_int_equal(text_nfc(&sc, decomposed, len, &got, &got_len), 0);
        } else {
            assert_int_equal(rc, 0);
        }
        assert_int_equal(got_len, want_len);
        assert_memory_equal(got, want, want_len);
        text_scratch_release(&sc);
    }
    text_scratch_release(&want_sc);
}

static void
assert_same_parse(const struct text_parse_result *a, const struct text_parse_result *b)
{
    assert_true(a->weighted_length == b->weighted_length);
    assert_int_equal(a->permillage, b->permillage);
    assert_int_equal(a->valid, b->valid);
    assert_int_equal(a->reason, b->reason);
    assert_int_equal(a->valid_range_end, b->valid_range_end);
    assert_int_equal(a->display_range_end, b->display_range_end);
}

static void
parse(void **state)
{
    struct text_scratch sc = {0};
    struct text_parse_result want, got;
    char text[8192];
    struct faults f;
    int rc;

    (void)state;
    /* decomposed accents (NFC allocates) and many URLs (the URL vector grows) */
    snprintf(text, sizeof(text), "%s%s", decomposed, post);
    assert_int_equal(text_parse(&sc, text, strlen(text), &text_config_v3, &want), 0);
    text_scratch_release(&sc);
    for (faults_start(&f, "text_parse"); !f.done; faults_next(&f)) {
        memset(&sc, 0, sizeof(sc));
        oom_arm(&f);
        rc = text_parse(&sc, text, strlen(text), &text_config_v3, &got);
        if (oom_disarm(&f)) {
            assert_int_equal(rc, -1);
            assert_int_equal(text_parse(&sc, text, strlen(text), &text_config_v3, &got), 0);
        } else {
            assert_int_equal(rc, 0);
        }
        assert_same_parse(&got, &want);
        text_scratch_release(&sc);
    }
}

/* ---- entity vectors ---- */

static const struct text_entity sentinel = {.type = TEXT_ENTITY_CASHTAG, .start = 7, .end = 9};

static struct text_entities
with_sentinel(void)
{
    struct text_entities es = {0};

    /* built by hand: entities_push would be counted by the faults */
    es.v = __real_malloc(sizeof(*es.v));
    assert_non_null(es.v);
    es.v[0] = sentinel;
    es.n = es.cap = 1;
    return es;
}

static bool
same_entity(const struct text_entity *a, const struct text_entity *b)
{
    return a->type == b->type && a->start == b->start && a->end == b->end &&
           a->value_start == b->value_start && a->value_end == b->value_end &&
           a->list_start == b->list_start && a->list_end == b->list_end &&
           a->domain_start == b->domain_start && a->domain_end == b->domain_end &&
           a->has_protocol == b->has_protocol;
}

enum after_failure {
    PREFIX,  /* what was found so far: the first entities of the result */
    NOTHING, /* nothing added */
    ANY,     /* some of them, in no promised order (overlaps not removed yet) */
};

typedef int (*extract_fn)(const char *s, size_t len, struct text_entities *out);

static void
check_extract(const char *name, extract_fn fn, const char *s, enum after_failure after)
{
    struct text_entities want = with_sentinel(), got;
    struct faults f;
    size_t i, k;
    int rc;

    assert_int_equal(fn(s, strlen(s), &want), 0);
    assert_true(want.n > 17); /* past the vector's first 16: it grows */
    for (faults_start(&f, name); !f.done; faults_next(&f)) {
        got = with_sentinel();
        oom_arm(&f);
        rc = fn(s, strlen(s), &got);
        assert_true(got.n >= 1 && got.n <= got.cap);
        assert_true(same_entity(&got.v[0], &sentinel));
        if (oom_disarm(&f)) {
            assert_int_equal(rc, -1);
            if (after == NOTHING)
                assert_int_equal(got.n, 1);
            for (i = 1; after == PREFIX && i < got.n; i++)
                assert_true(i < want.n && same_entity(&got.v[i], &want.v[i]));
            for (i = 1; i < got.n; i++) { /* each is an entity of s */
                assert_true(got.v[i].start < got.v[i].end && got.v[i].end <= strlen(s));
                for (k = 1; after == PREFIX && k < i; k++)
                    assert_true(got.v[k].start < got.v[i].start);
            }
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(got.n, want.n);
            for (i = 0; i < want.n; i++)
                assert_true(same_entity(&got.v[i], &want.v[i]));
        }
        text_entities_release(&got);
    }
    text_entities_release(&want);
}

static int
call_mentions(const char *s, size_t len, struct text_entities *out)
{
    return text_extract_mentions(s, len, TEXT_FEDIVERSE, out);
}

static int
call_entities(const char *s, size_t len, struct text_entities *out)
{
    return text_extract_entities(s, len, TEXT_FEDIVERSE, out);
}

static void
extractors(void **state)
{
    char many[8192];
    size_t at = 0;
    int i;

    (void)state;
    /* hashtags alone (the checked variant then looks for URLs), then many of each */
    for (i = 0; i < 30; i++)
        at += (size_t)snprintf(many + at, sizeof(many) - at, "#h%d @m%d $XY ", i, i);
    snprintf(many + at, sizeof(many) - at, "%s", post);
    check_extract("text_extract_urls", text_extract_urls, post, PREFIX);
    check_extract("text_extract_hashtags", text_extract_hashtags, many, PREFIX);
    check_extract("text_extract_mentions", call_mentions, many, PREFIX);
    check_extract("text_extract_cashtags", text_extract_cashtags, many, PREFIX);
    check_extract("text_extract_entities", call_entities, many, ANY);
    check_extract("text_extract_hashtags_checked", text_extract_hashtags_checked, many, NOTHING);
}

static void
analyze(void **state)
{
    struct text_scratch sc = {0};
    struct text_parse_result want_r, got_r;
    struct text_entities want = with_sentinel(), got;
    const char *norm;
    size_t norm_len, i;
    char text[8192];
    struct faults f;
    int rc;

    (void)state;
    snprintf(text, sizeof(text), "%s%s", decomposed, post);
    assert_int_equal(text_analyze(&sc, text, strlen(text), &text_config_v2, TEXT_FEDIVERSE, &want_r,
                                  &want, &norm, &norm_len),
                     0);
    text_scratch_release(&sc);
    assert_true(want.n > 32);
    for (faults_start(&f, "text_analyze"); !f.done; faults_next(&f)) {
        memset(&sc, 0, sizeof(sc));
        got = with_sentinel();
        oom_arm(&f);
        rc = text_analyze(&sc, text, strlen(text), &text_config_v2, TEXT_FEDIVERSE, &got_r, &got,
                          &norm, &norm_len);
        assert_true(got.n >= 1 && got.n <= got.cap && same_entity(&got.v[0], &sentinel));
        if (oom_disarm(&f)) {
            assert_int_equal(rc, -1);
        } else {
            assert_int_equal(rc, 0);
            assert_same_parse(&got_r, &want_r);
            assert_int_equal(got.n, want.n);
            for (i = 0; i < want.n; i++)
                assert_true(same_entity(&got.v[i], &want.v[i]));
        }
        text_entities_release(&got);
        text_scratch_release(&sc);
    }
    text_entities_release(&want);
}

/* ---- split and fit: results the caller releases ---- */

static void
split(void **state)
{
    static const char *const texts[] = {
        "JBeaudet: il faut travailler ensemble. Les entreprises d'économie sociale ont aussi "
        "à montrer, et les entreprises privées ont des valeurs; il faut les inclure dans la "
        "réflexion. Voir https://www.chantier.qc.ca/une/tres/longue/adresse pour le détail. "
        "Changeons nous autres avant; après on changera les autres. Anticonstitutionnellement"
        "anticonstitutionnellementanticonstitutionnellementanticonstitutionnellement #innover",
        "Court texte #innover", /* one part, as it is */
    };
    struct text_split want, got;
    struct faults f;
    size_t t, i;
    int rc;

    (void)state;
    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        assert_int_equal(text_split(texts[t], strlen(texts[t]), 60, "innover", &want), 0);
        for (faults_start(&f, t == 0 ? "text_split" : "text_split (one part)"); !f.done;
             faults_next(&f)) {
            oom_arm(&f);
            rc = text_split(texts[t], strlen(texts[t]), 60, "innover", &got);
            if (oom_disarm(&f)) {
                assert_int_equal(rc, -1);
                assert_null(got.parts);
                assert_int_equal(got.n, 0);
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(got.n, want.n);
                for (i = 0; i < want.n; i++)
                    assert_string_equal(got.parts[i], want.parts[i]);
            }
            text_split_release(&got);
        }
        text_split_release(&want);
    }
}

static void
fit(void **state)
{
    static const char *const texts[] = {
        /* conventional forms (one capitalized at a sentence start) and truncations */
        "Développement: le gouvernement et les coopératives parlent de participation "
        "citoyenne, de développement économique et de responsabilité sociale des "
        "entreprises, avec l'association des municipalités #innover",
        "Court texte", /* fits: returned as it is */
    };
    struct fit_options opt = {.limit = 100};
    struct text_fit_result want, got;
    struct faults f;
    size_t t, i;
    int rc;

    (void)state;
    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        assert_int_equal(text_fit(texts[t], strlen(texts[t]), &opt, &want), 0);
        assert_true(t == 1 || want.changed > 3);
        for (faults_start(&f, t == 0 ? "text_fit" : "text_fit (fits)"); !f.done; faults_next(&f)) {
            oom_arm(&f);
            rc = text_fit(texts[t], strlen(texts[t]), &opt, &got);
            if (oom_disarm(&f)) {
                assert_int_equal(rc, -1);
                assert_null(got.text);
                assert_null(got.changes);
                assert_int_equal(got.changed, 0);
            } else {
                assert_int_equal(rc, 0);
                assert_string_equal(got.text, want.text);
                assert_true(got.fits == want.fits && got.weighted_length == want.weighted_length);
                assert_int_equal(got.changed, want.changed);
                for (i = 0; i < want.changed; i++) {
                    assert_string_equal(got.changes[i].from, want.changes[i].from);
                    assert_string_equal(got.changes[i].to, want.changes[i].to);
                }
            }
            text_fit_release(&got);
        }
        text_fit_release(&want);
    }
}

/* ---- answers without an error code: a failure may only make them say no ---- */

static void
yes_or_no(void **state)
{
    static const struct {
        const char *s;
        int kind; /* 0 username, 1 list, 2 hashtag, 3 comment links */
    } cases[] = {
        {"@jacques", 0},
        {"@jacques/equipe", 1},
        {"#innover", 2},
        {"voir http://a.com et b.org, puis https://c.net/x", 3},
    };
    struct faults f;
    size_t i, want, got;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *s = cases[i].s;
        size_t len = strlen(s);
        for (faults_start(&f, s); !f.done; faults_next(&f)) {
            int pass;
            for (pass = 0; pass < 2; pass++) {
                if (pass == 1)
                    oom_arm(&f);
                switch (cases[i].kind) {
                case 0:
                    got = text_is_valid_username(s, len);
                    break;
                case 1:
                    got = text_is_valid_list(s, len);
                    break;
                case 2:
                    got = text_is_valid_hashtag(s, len);
                    break;
                default:
                    got = text_comment_links(s, len);
                    break;
                }
                if (pass == 0)
                    want = got;
            }
            assert_true(want > 0);
            if (oom_disarm(&f))
                assert_true(got == 0 || got == want); /* never a false yes */
            else
                assert_int_equal(got, want);
        }
    }
}

/* A length that cannot be reserved is refused before s is read. */
static void
impossible_length(void **state)
{
    struct text_buf out = kept(4);

    (void)state;
    assert_int_equal(text_html_escape(&out, "x", SIZE_MAX / 2), -1);
    assert_kept(&out, 4);
    text_buf_release(&out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_functions),
        cmocka_unit_test(nfc),
        cmocka_unit_test(parse),
        cmocka_unit_test(extractors),
        cmocka_unit_test(analyze),
        cmocka_unit_test(split),
        cmocka_unit_test(fit),
        cmocka_unit_test(yes_or_no),
        cmocka_unit_test(impossible_length),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
