/*
 * tests/unit/test_json_write.c - the JSON writer of the hot answers
 * (api/json_write.c): what it writes must parse, with every string read
 * back exactly as given, and commas where JSON wants them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/json_write.h"

static char *
take(struct json_writer *w)
{
    size_t len;
    char *s = jw_take(w, &len);

    assert_non_null(s);
    assert_int_equal(strlen(s), len);
    return s;
}

static void
nested_values_get_their_commas(void **state)
{
    struct json_writer w;
    char *s;

    (void)state;
    jw_init(&w);
    jw_object(&w);
    jw_key(&w, "id");
    jw_id(&w, 117683408862707712LL);
    jw_key(&w, "n");
    jw_int(&w, -42);
    jw_key(&w, "empty");
    jw_array(&w);
    jw_end_array(&w);
    jw_key(&w, "list");
    jw_array(&w);
    jw_object(&w);
    jw_end_object(&w);
    jw_object(&w);
    jw_key(&w, "a");
    jw_bool(&w, true);
    jw_key(&w, "b");
    jw_bool(&w, false);
    jw_end_object(&w);
    jw_null(&w);
    jw_string(&w, NULL);
    jw_raw_value(&w, "[1,2]", 5);
    jw_end_array(&w);
    jw_key(&w, "url");
    jw_string_cat(&w, "http://gz.example", "/users/", "alice", NULL);
    jw_end_object(&w);
    s = take(&w);
    assert_string_equal(s, "{\"id\":\"117683408862707712\",\"n\":-42,\"empty\":[],"
                           "\"list\":[{},{\"a\":true,\"b\":false},null,null,[1,2]],"
                           "\"url\":\"http://gz.example/users/alice\"}");
    free(s);
}

/* Every control character, quotes, backslashes and UTF-8 come back as they went in. */
static void
strings_read_back_exactly(void **state)
{
    char in[200];
    struct json_writer w;
    json_error_t err;
    json_t *j;
    size_t n = 0, len;
    char *s;
    int c;

    (void)state;
    for (c = 1; c < 0x20; c++)
        in[n++] = (char)c;
    memcpy(in + n, "\"\\/ é 🙂 \x7f end", strlen("\"\\/ é 🙂 \x7f end"));
    n += strlen("\"\\/ é 🙂 \x7f end");
    in[n] = '\0';
    jw_init(&w);
    jw_array(&w);
    jw_string(&w, in);
    jw_stringn(&w, "a\0b", 3); /* a NUL inside: \u0000 */
    jw_string_open(&w);
    jw_string_part(&w, "<p>", 3);
    jw_string_part(&w, in, n);
    jw_string_close(&w);
    jw_end_array(&w);
    s = jw_take(&w, &len);
    assert_non_null(s);
    assert_null(memchr(s, '\n', len)); /* one line: escaped */
    j = json_loadb(s, len, JSON_ALLOW_NUL, &err);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_array_get(j, 0)), in);
    assert_int_equal(json_string_length(json_array_get(j, 1)), 3);
    assert_memory_equal(json_string_value(json_array_get(j, 1)), "a\0b", 3);
    assert_int_equal(strncmp(json_string_value(json_array_get(j, 2)), "<p>", 3), 0);
    assert_string_equal(json_string_value(json_array_get(j, 2)) + 3, in);
    json_decref(j);
    free(s);
}

/* A long answer grows the buffer; parse gives the tree back; an empty writer gives nothing. */
static void
long_answers_grow_and_parse(void **state)
{
    struct json_writer w;
    json_t *j, *tree;
    size_t len;
    int i;

    (void)state;
    jw_init(&w);
    jw_array(&w);
    for (i = 0; i < 5000; i++) {
        jw_object(&w);
        jw_key(&w, "i");
        jw_int(&w, i);
        tree = json_pack("{s:s}", "t", "tree");
        jw_key(&w, "tree");
        jw_json(&w, tree);
        json_decref(tree);
        jw_end_object(&w);
    }
    jw_end_array(&w);
    j = jw_parse(&w);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 5000);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 4999), "i")), 4999);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_array_get(j, 7), "tree"), "t")),
        "tree");
    json_decref(j);
    assert_null(w.buf); /* handed over: the writer is empty */
    assert_null(jw_take(&w, &len));
    assert_int_equal(len, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_values_get_their_commas),
        cmocka_unit_test(strings_read_back_exactly),
        cmocka_unit_test(long_answers_grow_and_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
