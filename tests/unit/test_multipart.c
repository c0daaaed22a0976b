/*
 * tests/unit/test_multipart.c - the multipart/form-data parser of media
 * uploads, on bodies as Mastodon clients (Mastodon.py over requests, toot)
 * send them: binary data that holds NULs, line breaks and "--boundary",
 * boundaries quoted or not, bare LFs, preamble and epilogue, RFC 8187
 * filenames; then each refusal, as a truncated or hostile upload makes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

#define CT_REQUESTS "multipart/form-data; boundary=d3b1c5e8f2a94b6e8c0f1a2b3c4d5e6f"
#define B           "d3b1c5e8f2a94b6e8c0f1a2b3c4d5e6f"

static int
arena_setup(void **state)
{
    return (*state = calloc(1, sizeof(struct arena))) == NULL ? -1 : 0;
}

static int
arena_teardown(void **state)
{
    arena_release(*state);
    free(*state);
    return 0;
}

/* A growing body for the tests that need a long one; aborts on no memory. */
struct buf {
    char *p;
    size_t len;
};

static void __attribute__((format(printf, 2, 3))) buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    assert_non_null(b->p = realloc(b->p, b->len + (size_t)n + 1));
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Parses a body that must be refused, and returns the message. */
static const char *
refused(void **state, const char *ct, const char *body, size_t len)
{
    struct multipart_part *parts = (void *)1;
    size_t n = 99;
    const char *error = NULL;

    assert_int_equal(multipart_parse(*state, ct, body, len, &parts, &n, &error), -1);
    assert_null(parts);
    assert_int_equal(n, 0);
    assert_non_null(error);
    return error;
}

static void
assert_data(const struct multipart_part *p, const char *data, size_t len)
{
    assert_non_null(p);
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, data, len);
}

/* ---- what clients send ---- */

/* The PNG-ish bytes of the file part: NUL, CR, LF, and the boundary
 * (and "--") where it is no delimiter: not after a CRLF. */
static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"
                          "--" B "\r\n"
                          "x\n--" B "\r\n"
                          "\r--" B "--\r\n"
                          "\r\n--\r\n-\0\xff\r";

static void
parses_a_mastodon_py_upload(void **state)
{
    static const char body[] =
        "--" B "\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
        "Content-Type: image/png\r\n"
        "\r\n"
        "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"
        "--" B "\r\n"
        "x\n--" B "\r\n"
        "\r--" B "--\r\n"
        "\r\n--\r\n-\0\xff\r"
        "\r\n--" B "\r\n"
        "Content-Disposition: form-data; name=\"description\"\r\n"
        "\r\n"
        "Photo : gracieuseté de Luc Savard"
        "\r\n--" B "--\r\n";
    struct multipart_part *parts;
    const struct multipart_part *file, *desc;
    const char *error = "unset";
    size_t n;

    assert_int_equal(
        multipart_parse(*state, CT_REQUESTS, body, sizeof(body) - 1, &parts, &n, &error), 0);
    assert_null(error);
    assert_int_equal(n, 2);
    file = multipart_get(parts, n, "file");
    assert_ptr_equal(file, &parts[0]);
    assert_string_equal(file->filename, "photo.png");
    assert_string_equal(file->content_type, "image/png");
    assert_data(file, png, sizeof(png) - 1);
    /* no copy: the data is the body's */
    assert_true((const char *)file->data > body &&
                (const char *)file->data + file->len < body + sizeof(body));
    desc = multipart_get(parts, n, "description");
    assert_ptr_equal(desc, &parts[1]);
    assert_null(desc->filename);
    assert_null(desc->content_type);
    assert_data(desc, "Photo : gracieuseté de Luc Savard",
                strlen("Photo : gracieuseté de Luc Savard"));
}

static void
boundary_quoted_or_not_in_any_case_and_place(void **state)
{
    static const char body[] = "--xyz\r\n"
                               "content-disposition: form-data; name=focus\r\n"
                               "\r\n"
                               "-0.5,0.25\r\n"
                               "--xyz--";
    static const char *const types[] = {
        "multipart/form-data; boundary=xyz",
        "multipart/form-data; boundary=\"xyz\"",
        "multipart/form-data;boundary=xyz",
        "multipart/form-data; charset=utf-8; boundary=xyz",
        "Multipart/Form-Data; CHARSET=\"a;b\\\"c\"; BOUNDARY = \"xyz\" ;",
        "multipart/form-data; boundary=xyz; boundary=other",
    };
    struct multipart_part *parts;
    size_t i, n;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        assert_int_equal(
            multipart_parse(*state, types[i], body, sizeof(body) - 1, &parts, &n, NULL), 0);
        assert_int_equal(n, 1);
        assert_string_equal(parts[0].name, "focus");
        assert_data(&parts[0], "-0.5,0.25", 9);
    }
}

static void
quoted_parameters_keep_escaped_quotes_and_semicolons(void **state)
{
    static const char body[] =
        "--xyz\r\n"
        "CONTENT-DISPOSITION: Form-Data; filename=\"a \\\"b\\\"; c=d.png\";NAME=\"file\"\r\n"
        "Content-Type:image/jpeg  \r\n"
        "X-Ignored: yes\r\n"
        "\r\n"
        "jpeg\r\n"
        "--xyz\r\n"
        "Content-Disposition: form-data; name=\"thumbnail\"; filename=\"C:\\Users\\luc\\t.png\"\r\n"
        "\r\n"
        "t\r\n"
        "--xyz--\r\n";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(parts[0].name, "file");
    assert_string_equal(parts[0].filename, "a \"b\"; c=d.png");
    assert_string_equal(parts[0].content_type, "image/jpeg");
    assert_data(&parts[0], "jpeg", 4);
    /* an unescaped Windows path, as old browsers send it, keeps its backslashes */
    assert_string_equal(parts[1].filename, "C:\\Users\\luc\\t.png");
}

static void
accepts_bare_lf(void **state)
{
    static const char body[] = "--xyz\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\n"
                               "Content-Type: text/plain\n"
                               "\n"
                               "line 1\r\nline 2\n"
                               "\n--xyz\n"
                               "Content-Disposition: form-data; name=\"description\"\n"
                               "\n"
                               "hello\n"
                               "--xyz--\n";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(parts[0].content_type, "text/plain");
    assert_data(&parts[0], "line 1\r\nline 2\n", 15);
    assert_data(&parts[1], "hello", 5);
}

static void
ignores_preamble_and_epilogue(void **state)
{
    static const char body[] = "This is a preamble --xyz\r\n"
                               "--xyzw is not it either\r\n"
                               "--xyz  \r\n" /* transport padding */
                               "Content-Disposition: form-data; name=\"description\"\r\n"
                               "\r\n"
                               "d\r\n"
                               "--xyz--  \r\n"
                               "epilogue\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"extra\"\r\n"
                               "\r\n"
                               "e\r\n"
                               "--xyz--\r\n";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(parts[0].name, "description");
    assert_data(&parts[0], "d", 1);
    assert_null(multipart_get(parts, n, "extra"));
}

static void
decodes_rfc8187_filenames(void **state)
{
    static const char body[] =
        "--xyz\r\n"
        "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''na%C3%AFve.png\r\n"
        "\r\n"
        "1\r\n"
        "--xyz\r\n"
        "Content-Disposition: form-data; name=\"f2\"; filename*=utf-8'fr'na%c3%afve.png; "
        "filename=\"naive.png\"\r\n"
        "\r\n"
        "2\r\n"
        "--xyz\r\n"
        "Content-Disposition: form-data; name=\"f3\"; filename=\"naive.png\"; "
        "filename*=ISO-8859-1''na%EFve.png\r\n"
        "\r\n"
        "3\r\n"
        "--xyz\r\n" /* an unknown charset: the plain filename stands */
        "Content-Disposition: form-data; name=\"f4\"; filename=\"naive.png\"; "
        "filename*=KOI8-R''x.png\r\n"
        "\r\n"
        "4\r\n"
        "--xyz--\r\n";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 4);
    assert_string_equal(parts[0].filename, "na\xc3\xafve.png");
    assert_string_equal(parts[1].filename, "na\xc3\xafve.png");
    assert_string_equal(parts[2].filename, "na\xc3\xafve.png");
    assert_string_equal(parts[3].filename, "naive.png");
}

static void
keeps_empty_parts(void **state)
{
    static const char body[] = "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"description\"\r\n"
                               "\r\n"
                               "\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
                               "Content-Type: application/octet-stream\r\n"
                               "\r\n"
                               "\r\n"
                               "--xyz--";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 2);
    assert_non_null(parts[0].data);
    assert_int_equal(parts[0].len, 0);
    assert_string_equal(parts[1].filename, "");
    assert_int_equal(parts[1].len, 0);
}

static void
get_finds_the_first_part_of_a_name(void **state)
{
    static const char body[] = "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n"
                               "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"a\"\r\n\r\n3\r\n"
                               "--xyz--\r\n";
    struct multipart_part *parts;
    size_t n;

    assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=xyz", body,
                                     sizeof(body) - 1, &parts, &n, NULL),
                     0);
    assert_int_equal(n, 3);
    assert_ptr_equal(multipart_get(parts, n, "a"), &parts[0]);
    assert_ptr_equal(multipart_get(parts, n, "b"), &parts[1]);
    assert_null(multipart_get(parts, n, "A"));
    assert_null(multipart_get(parts, n, "c"));
    assert_null(multipart_get(parts, n, NULL));
    assert_null(multipart_get(NULL, 0, "a"));
}

/* ---- refusals ---- */

static const char one_part[] = "--xyz\r\n"
                               "Content-Disposition: form-data; name=\"description\"\r\n"
                               "\r\n"
                               "d\r\n"
                               "--xyz--\r\n";

static void
refuses_other_content_types_and_bad_boundaries(void **state)
{
    char ct[128];
    struct multipart_part *parts;
    size_t n, len = sizeof(one_part) - 1;

    assert_non_null(strstr(refused(state, "application/json", one_part, len), "multipart"));
    assert_non_null(refused(state, NULL, one_part, len));
    assert_non_null(refused(state, "multipart/form-datax; boundary=xyz", one_part, len));
    assert_non_null(refused(state, "multipart/mixed; boundary=xyz", one_part, len));
    assert_non_null(strstr(refused(state, "multipart/form-data", one_part, len), "boundary"));
    assert_non_null(refused(state, "multipart/form-data; charset=utf-8", one_part, len));
    assert_non_null(refused(state, "multipart/form-data; boundary=", one_part, len));
    assert_non_null(refused(state, "multipart/form-data; boundary=\"\"", one_part, len));
    assert_non_null(refused(state, "multipart/form-data; boundary=\"xyz", one_part, len));
    assert_non_null(refused(state, "multipart/form-data; boundary=xyz junk\"", one_part, len));
    assert_non_null(refused(state, "multipart/form-data; boundary=\"x\ry\"", one_part, len));

    /* 70 characters is the most RFC 2046 allows */
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 0);
    assert_non_null(refused(state, ct, one_part, len)); /* well formed, but not found */
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%071d", 0);
    assert_non_null(strstr(refused(state, ct, one_part, len), "70"));
    {
        struct buf b = {0};

        buf_printf(&b,
                   "--%070d\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--%070d--", 0,
                   0);
        snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%070d", 0);
        assert_int_equal(multipart_parse(*state, ct, b.p, b.len, &parts, &n, NULL), 0);
        assert_int_equal(n, 1);
        assert_data(&parts[0], "v", 1);
        free(b.p);
    }
}

static void
refuses_missing_boundaries(void **state)
{
    static const char truncated[] = "--xyz\r\n"
                                    "Content-Disposition: form-data; name=\"file\"; "
                                    "filename=\"a.png\"\r\n"
                                    "Content-Type: image/png\r\n"
                                    "\r\n"
                                    "\x89PNG\r\n\x1a\n\0\0\0\rIH";
    static const char no_dashes[] = "--xyz\r\n"
                                    "Content-Disposition: form-data; name=\"a\"\r\n"
                                    "\r\n"
                                    "1\r\n"
                                    "--xyz\r\n";
    static const char cut_closing[] = "--xyz\r\n"
                                      "Content-Disposition: form-data; name=\"a\"\r\n"
                                      "\r\n"
                                      "1\r\n"
                                      "--xyz-";
    static const char cut_headers[] = "--xyz\r\n"
                                      "Content-Disposition: form-data; name=\"a\"";
    const char *ct = "multipart/form-data; boundary=xyz";
    size_t i;

    assert_non_null(strstr(refused(state, ct, truncated, sizeof(truncated) - 1), "closing"));
    assert_non_null(strstr(refused(state, ct, no_dashes, sizeof(no_dashes) - 1), "closing"));
    assert_non_null(strstr(refused(state, ct, cut_closing, sizeof(cut_closing) - 1), "closing"));
    assert_non_null(strstr(refused(state, ct, cut_headers, sizeof(cut_headers) - 1), "closing"));
    /* every prefix of a good body is a truncated upload */
    for (i = 0; i < sizeof(one_part) - 3; i++)
        assert_non_null(refused(state, ct, one_part, i));
    assert_non_null(strstr(refused(state, ct, "", 0), "first"));
    assert_non_null(strstr(refused(state, ct, "hello\r\n--xy", 11), "first"));
    assert_non_null(
        strstr(refused(state, "multipart/form-data; boundary=abc", one_part, sizeof(one_part) - 1),
               "first"));
    assert_non_null(refused(state, ct, NULL, 0));
}

static void
refuses_parts_without_a_name(void **state)
{
    static const char *const bodies[] = {
        "--xyz\r\nContent-Disposition: form-data; filename=\"a.png\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--",
        "--xyz\r\n\r\nx\r\n--xyz--",
    };
    size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        assert_non_null(
            refused(state, "multipart/form-data; boundary=xyz", bodies[i], strlen(bodies[i])));
}

static void
refuses_malformed_headers(void **state)
{
    static const char *const bodies[] = {
        /* no blank line: the next boundary is read as a header */
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n--xyz--",
        "--xyz\r\nContent-Disposition form-data; name=\"a\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition : form-data; name=\"a\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"x\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n folded\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\rX: y\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n"
        "Content-Disposition: form-data; name=\"b\"\r\n\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''a%2\r\n"
        "\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''a%00b\r\n"
        "\r\nx\r\n--xyz--",
        "--xyz\r\nContent-Disposition: form-data; name=\"a\"; filename*=a.png\r\n"
        "\r\nx\r\n--xyz--",
    };
    static const char nul[] = "--xyz\r\nContent-Disposition: form-data; name=\"a\0b\"\r\n"
                              "\r\nx\r\n--xyz--";
    const char *ct = "multipart/form-data; boundary=xyz";
    size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        assert_non_null(refused(state, ct, bodies[i], strlen(bodies[i])));
    assert_non_null(refused(state, ct, nul, sizeof(nul) - 1));
}

static void
refuses_too_many_parts(void **state)
{
    struct multipart_part *parts;
    struct buf b = {0};
    size_t i, n;

    for (i = 0; i < MULTIPART_MAX_PARTS; i++)
        buf_printf(&b, "--xyz\r\nContent-Disposition: form-data; name=\"f%zu\"\r\n\r\n%zu\r\n", i,
                   i);
    buf_printf(&b, "--xyz--\r\n");
    assert_int_equal(
        multipart_parse(*state, "multipart/form-data; boundary=xyz", b.p, b.len, &parts, &n, NULL),
        0);
    assert_int_equal(n, MULTIPART_MAX_PARTS);
    assert_string_equal(multipart_get(parts, n, "f63")->name, "f63");
    assert_data(multipart_get(parts, n, "f63"), "63", 2);

    b.len -= strlen("--xyz--\r\n");
    buf_printf(&b, "--xyz\r\nContent-Disposition: form-data; name=\"f64\"\r\n\r\n64\r\n");
    buf_printf(&b, "--xyz--\r\n");
    assert_non_null(
        strstr(refused(state, "multipart/form-data; boundary=xyz", b.p, b.len), "too many"));
    free(b.p);
}

static void
refuses_headers_over_8_kib(void **state)
{
    const char *ct = "multipart/form-data; boundary=xyz";
    const char *head = "Content-Disposition: form-data; name=\"file\"; filename=\"";
    const char *tail = ".png\"\r\n\r\n";
    struct multipart_part *parts;
    struct buf b;
    size_t n, fill, extra;

    /* exactly MULTIPART_MAX_HEADER bytes of header lines (blank line included) pass */
    for (extra = 0; extra < 2; extra++) {
        b = (struct buf){0};
        buf_printf(&b, "--xyz\r\n%s", head);
        fill = MULTIPART_MAX_HEADER - strlen(head) - strlen(tail) + extra;
        while (fill-- > 0)
            buf_printf(&b, "a");
        buf_printf(&b, "%sdata\r\n--xyz--\r\n", tail);
        if (extra == 0) {
            assert_int_equal(multipart_parse(*state, ct, b.p, b.len, &parts, &n, NULL), 0);
            assert_int_equal(n, 1);
            assert_int_equal(strlen(parts[0].filename),
                             MULTIPART_MAX_HEADER - strlen(head) - strlen(tail) + strlen(".png"));
            assert_data(&parts[0], "data", 4);
        } else {
            assert_non_null(strstr(refused(state, ct, b.p, b.len), "8 KiB"));
        }
        free(b.p);
    }
    /* many short header lines count together */
    b = (struct buf){0};
    buf_printf(&b, "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n");
    for (n = 0; n < 1000; n++)
        buf_printf(&b, "X-Pad: 0123456789\r\n");
    buf_printf(&b, "\r\nx\r\n--xyz--\r\n");
    assert_non_null(strstr(refused(state, ct, b.p, b.len), "8 KiB"));
    free(b.p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, arena_setup, arena_teardown)
        T(parses_a_mastodon_py_upload),
        T(boundary_quoted_or_not_in_any_case_and_place),
        T(quoted_parameters_keep_escaped_quotes_and_semicolons),
        T(accepts_bare_lf),
        T(ignores_preamble_and_epilogue),
        T(decodes_rfc8187_filenames),
        T(keeps_empty_parts),
        T(get_finds_the_first_part_of_a_name),
        T(refuses_other_content_types_and_bad_boundaries),
        T(refuses_missing_boundaries),
        T(refuses_parts_without_a_name),
        T(refuses_malformed_headers),
        T(refuses_too_many_parts),
        T(refuses_headers_over_8_kib),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
