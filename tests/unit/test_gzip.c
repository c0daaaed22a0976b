/*
 * tests/unit/test_gzip.c - compressed answers: which Accept-Encoding values
 * accept gzip, which bodies are worth compressing, that http_gzip's output
 * inflates back to the input, and the response cache (api/cache.c) that
 * shares one body between answers and keeps its gzipped form: the right
 * headers, the same bytes, bodies alive as long as an answer holds them
 * (ASan checks), nothing served from a stale or replaced entry; and the
 * keys of its entries, one per list of values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "api/cache.h"
#include "http/http.h"

/* A request whose only header is Accept-Encoding: value (none when NULL). */
static void
request_with_encoding(struct request *req, struct kv *header, const char *value)
{
    memset(req, 0, sizeof(*req));
    header->name = "accept-encoding"; /* lookups ignore case */
    header->value = value;
    req->headers = header;
    req->n_headers = value != NULL ? 1 : 0;
}

static bool
accepts(const char *value)
{
    struct request req;
    struct kv h;

    request_with_encoding(&req, &h, value);
    return request_accepts_gzip(&req);
}

static void
accept_encoding_is_read_as_clients_send_it(void **state)
{
    (void)state;
    assert_true(accepts("gzip"));
    assert_true(accepts("gzip, deflate"));        /* Python's requests (Mastodon.py, toot) */
    assert_true(accepts("gzip, deflate, br"));    /* browsers */
    assert_true(accepts("br;q=1.0, gzip;q=0.8")); /* Safari, URLSession */
    assert_true(accepts("deflate,GZIP"));
    assert_true(accepts("x-gzip"));
    assert_true(accepts("gzip;q=0.001"));
    assert_true(accepts("gzip ; q=1"));
    assert_true(accepts("identity, gzip;q=0.5"));
    assert_false(accepts(NULL));
    assert_false(accepts(""));
    assert_false(accepts("identity"));
    assert_false(accepts("deflate, br"));
    assert_false(accepts("gzip;q=0"));
    assert_false(accepts("gzip;q=0.000"));
    assert_false(accepts("gzip; q=0, deflate"));
    assert_false(accepts("gzipx, xgzip, gz"));
    assert_false(accepts("*")); /* a wildcard is not taken as gzip: plain is always fine */
}

static void
only_text_of_some_size_is_compressed(void **state)
{
    (void)state;
    assert_true(http_compressible("application/json; charset=utf-8", 5000));
    assert_true(http_compressible("text/html; charset=utf-8", HTTP_GZIP_MIN));
    assert_true(http_compressible("application/atom+xml", 5000));
    assert_false(http_compressible("application/json", HTTP_GZIP_MIN - 1));
    assert_false(http_compressible("image/png", 50000));
    assert_false(http_compressible(NULL, 50000));
}

/* What gz inflates to, in a malloc'd buffer of *len bytes (NULL when it is not gzip). */
static char *
gunzip(const char *gz, size_t gz_len, size_t *len)
{
    z_stream z = {0};
    size_t cap = 1 << 20;
    char *out = malloc(cap);
    int zrc;

    assert_non_null(out);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK); /* gzip only, not zlib or raw */
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)gz_len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    zrc = inflate(&z, Z_FINISH);
    *len = z.total_out;
    inflateEnd(&z);
    if (zrc != Z_STREAM_END || z.avail_in != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* A JSON page like a timeline's: repetitive, n bytes. */
static char *
json_page(size_t n)
{
    char *s = malloc(n + 1);
    size_t i = 0;
    unsigned k = 0;

    assert_non_null(s);
    while (i < n) {
        char item[128];
        int m = snprintf(
            item, sizeof(item),
            "{\"id\":\"%u\",\"content\":\"<p>Jacques Beaudet: coopérer #innover</p>\"},", k++);
        size_t take = (size_t)m < n - i ? (size_t)m : n - i;

        memcpy(s + i, item, take);
        i += take;
    }
    s[n] = '\0';
    return s;
}

static void
gzip_inflates_back_to_the_input(void **state)
{
    size_t sizes[] = {0, 1, 1000, 30000, 200000}, i, len, back_len;
    char *in, *gz, *back;

    (void)state;
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        in = json_page(sizes[i]);
        assert_int_equal(http_gzip(in, sizes[i], &gz, &len), 0);
        assert_true(len >= 18); /* header and trailer */
        assert_int_equal((unsigned char)gz[0], 0x1f);
        assert_int_equal((unsigned char)gz[1], 0x8b);
        if (sizes[i] >= 30000)
            assert_true(len * 5 < sizes[i]);
        back = gunzip(gz, len, &back_len);
        assert_non_null(back);
        assert_int_equal(back_len, sizes[i]);
        assert_memory_equal(back, in, sizes[i]);
        free(back);
        free(gz);
        free(in);
    }
}

/* ---- the cache's answers ---- */

static const char *
header_of(const struct response *res, const char *name)
{
    size_t i;

    for (i = 0; i < res->n_headers; i++)
        if (strcasecmp(res->headers[i].name, name) == 0)
            return res->headers[i].value;
    return NULL;
}

/* Keeps body under key as a 200 of the event "ev" at its current generation. */
static void
keep(const char *key, const char *type, const char *body, size_t len)
{
    struct response res = {0};

    assert_int_equal(response_body(&res, 200, type, body, len), 0);
    assert_int_equal(response_header(&res, "Cache-Control", "no-store"), 0);
    cache_keep(key, "ev", cache_event_generation("ev"), &res, NULL, NULL);
    response_reset(&res);
}

static void
cache_shares_its_body_and_sends_it_gzipped_to_who_accepts(void **state)
{
    struct request plain, zipped, zipped2;
    struct response a = {0}, b = {0}, c = {0}, d = {0};
    struct kv h1, h2, h3;
    char *page = json_page(30000), *back;
    size_t back_len;

    (void)state;
    cache_clear();
    keep("k:page", "application/json", page, 30000);
    request_with_encoding(&plain, &h1, NULL);
    request_with_encoding(&zipped, &h2, "gzip, deflate");
    request_with_encoding(&zipped2, &h3, "gzip");

    /* two plain answers at once share one body, the page's bytes */
    assert_true(cache_answer("k:page", "ev", &plain, &a));
    assert_true(cache_answer("k:page", "ev", &plain, &b));
    assert_int_equal(a.status, 200);
    assert_string_equal(a.content_type, "application/json");
    assert_ptr_equal(a.body, b.body);
    assert_int_equal(a.body_len, 30000);
    assert_memory_equal(a.body, page, 30000);
    assert_string_equal(header_of(&a, "Cache-Control"), "no-store");
    assert_string_equal(header_of(&a, "Vary"), "Accept-Encoding");
    assert_null(header_of(&a, "Content-Encoding"));

    /* who accepts gzip gets the page gzipped, the same for the next one */
    assert_true(cache_answer("k:page", "ev", &zipped, &c));
    assert_string_equal(header_of(&c, "Content-Encoding"), "gzip");
    assert_string_equal(header_of(&c, "Vary"), "Accept-Encoding");
    assert_string_equal(header_of(&c, "Cache-Control"), "no-store");
    assert_true(c.body_len * 5 < 30000);
    back = gunzip(c.body, c.body_len, &back_len);
    assert_non_null(back);
    assert_int_equal(back_len, 30000);
    assert_memory_equal(back, page, 30000);
    free(back);
    assert_true(cache_answer("k:page", "ev", &zipped2, &d));
    assert_ptr_equal(d.body, c.body);

    /* the event changes: nothing is served, yet the answers given still hold their bytes */
    cache_event_changed("ev");
    response_reset(&d);
    assert_false(cache_answer("k:page", "ev", &zipped2, &d));
    assert_false(cache_answer("k:page", "ev", &plain, &d));
    assert_int_equal(d.status, 0);
    /* a new page in the same slot; the old answers still read the old bytes */
    keep("k:page", "application/json", "[]", 2);
    assert_memory_equal(a.body, page, 30000);
    assert_memory_equal(b.body, page, 30000);
    assert_true(cache_answer("k:page", "ev", &zipped, &d));
    assert_int_equal(d.body_len, 2); /* too small to compress */
    assert_memory_equal(d.body, "[]", 2);
    assert_null(header_of(&d, "Content-Encoding"));
    assert_null(header_of(&d, "Vary"));
    cache_clear(); /* the answers still hold theirs */
    assert_memory_equal(b.body, page, 30000);
    response_reset(&a);
    response_reset(&b);
    response_reset(&c);
    response_reset(&d);
    arena_release(&plain.arena);
    arena_release(&zipped.arena);
    arena_release(&zipped2.arena);
    free(page);
}

static void
the_render_that_fills_the_cache_goes_out_gzipped_too(void **state)
{
    struct request plain, zipped;
    struct response first = {0}, plain_res = {0}, hit = {0};
    struct kv h1, h2;
    char *page = json_page(20000), *back;
    size_t back_len;

    (void)state;
    cache_clear();
    request_with_encoding(&plain, &h1, NULL);
    request_with_encoding(&zipped, &h2, "gzip");
    /* a handler's miss: render, then keep, which makes the answer as a hit would be */
    assert_int_equal(response_body(&first, 200, "application/json", page, 20000), 0);
    cache_keep("k:r", "ev", cache_event_generation("ev"), &first, &zipped, &first);
    assert_string_equal(header_of(&first, "Content-Encoding"), "gzip");
    assert_string_equal(header_of(&first, "Vary"), "Accept-Encoding");
    back = gunzip(first.body, first.body_len, &back_len);
    assert_non_null(back);
    assert_int_equal(back_len, 20000);
    assert_memory_equal(back, page, 20000);
    free(back);
    /* the next gzip asker gets the same gzipped bytes from the cache */
    assert_true(cache_answer("k:r", "ev", &zipped, &hit));
    assert_ptr_equal(hit.body, first.body);
    /* the entry's own headers do not hold Vary: a hit says Vary and Content-Encoding once */
    assert_int_equal(hit.n_headers, 2);
    /* a plain asker's miss keeps its bytes and learns they vary */
    assert_int_equal(response_body(&plain_res, 200, "application/json", page, 20000), 0);
    cache_keep("k:r", "ev", cache_event_generation("ev"), &plain_res, &plain, &plain_res);
    assert_null(header_of(&plain_res, "Content-Encoding"));
    assert_string_equal(header_of(&plain_res, "Vary"), "Accept-Encoding");
    assert_memory_equal(plain_res.body, page, 20000);
    /* a render not kept (the event changed while it was made) goes out plain */
    response_reset(&plain_res);
    assert_int_equal(response_body(&plain_res, 200, "application/json", page, 19999), 0);
    cache_keep("k:r", "ev", cache_event_generation("ev") - 1, &plain_res, &zipped, &plain_res);
    assert_null(header_of(&plain_res, "Content-Encoding"));
    assert_int_equal(plain_res.body_len, 19999);
    cache_clear();
    response_reset(&first);
    response_reset(&plain_res);
    response_reset(&hit);
    arena_release(&plain.arena);
    arena_release(&zipped.arena);
    free(page);
}

static void
cache_sends_plain_what_gzip_would_not_shrink(void **state)
{
    struct request zipped;
    struct response a = {0};
    struct kv h;
    char noise[4096];
    unsigned x = 12345;
    size_t i;

    (void)state;
    cache_clear();
    for (i = 0; i < sizeof(noise); i++) { /* noise (already compressed data): gzip saves nothing */
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(x >> 16);
    }
    keep("k:noise", "text/plain", noise, sizeof(noise));
    keep("k:png", "image/png", noise, sizeof(noise));
    request_with_encoding(&zipped, &h, "gzip");
    for (i = 0; i < 2; i++) { /* the first makes the decision, the second follows it */
        assert_true(cache_answer("k:noise", "ev", &zipped, &a));
        assert_null(header_of(&a, "Content-Encoding"));
        assert_int_equal(a.body_len, sizeof(noise));
        assert_memory_equal(a.body, noise, sizeof(noise));
        response_reset(&a);
    }
    assert_true(cache_answer("k:png", "ev", &zipped, &a));
    assert_null(header_of(&a, "Content-Encoding"));
    assert_null(header_of(&a, "Vary"));
    response_reset(&a);
    arena_release(&zipped.arena);
    cache_clear();
}

/* The key of the first n of v0, v1, v2 in a, under the prefix "p:". */
static const char *
key_of(struct arena *a, size_t n, const char *v0, const char *v1, const char *v2)
{
    const char *values[] = {v0, v1, v2};

    return cache_key(a, "p:", values, n);
}

static void
cache_keys_tell_every_list_of_values_apart(void **state)
{
    struct arena a = {0};
    char long_value[200];
    const char *keys[] = {
        key_of(&a, 2, "1&2", NULL, NULL), /* one value with a '&' in it */
        key_of(&a, 2, "1", "2", NULL),         key_of(&a, 2, NULL, "2", NULL), /* absent */
        key_of(&a, 2, "", "2", NULL),                                          /* empty */
        key_of(&a, 2, "1=2", "", NULL),        key_of(&a, 2, "1", "=2", NULL),
        key_of(&a, 2, "1%262", NULL, NULL), /* the encoded form is another value */
        key_of(&a, 3, "a", "b", "c"),          key_of(&a, 3, "a&=b", "c", NULL),
        key_of(&a, 1, "/tag/x?y", NULL, NULL), key_of(&a, 1, "/tag/x", NULL, NULL),
    };
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
        assert_non_null(keys[i]);
        for (j = 0; j < i; j++)
            if (strcmp(keys[i], keys[j]) == 0)
                fail_msg("keys %zu and %zu are both \"%s\"", j, i, keys[i]);
    }
    assert_string_equal(key_of(&a, 3, "slug", NULL, "20"), "p:&=slug&&=20");
    assert_string_equal(key_of(&a, 1, "a%b&c=d?e", NULL, NULL), "p:&=a%25b%26c%3Dd%3Fe");
    /* the same values, the same key */
    assert_string_equal(key_of(&a, 2, "1", "2", NULL), keys[1]);
    /* too long for an entry: no key, so nothing is kept */
    memset(long_value, 'x', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    assert_null(key_of(&a, 1, long_value, NULL, NULL));
    arena_release(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_encoding_is_read_as_clients_send_it),
        cmocka_unit_test(only_text_of_some_size_is_compressed),
        cmocka_unit_test(gzip_inflates_back_to_the_input),
        cmocka_unit_test(cache_shares_its_body_and_sends_it_gzipped_to_who_accepts),
        cmocka_unit_test(the_render_that_fills_the_cache_goes_out_gzipped_too),
        cmocka_unit_test(cache_sends_plain_what_gzip_would_not_shrink),
        cmocka_unit_test(cache_keys_tell_every_list_of_values_apart),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
