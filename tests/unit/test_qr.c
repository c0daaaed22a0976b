/*
 * tests/unit/test_qr.c - the wall's QR code (web/qr.c): the SVG's path,
 * read back module by module, is libqrencode's own matrix inside an empty
 * 4-module quiet zone, each row's dark modules merged into maximal runs;
 * the same URL gives the same bytes; NULL, empty and over-long text are
 * refused; and the document carries no script and no inline style.
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

#include <qrencode.h>

#include "web/qr.h"

#define EVENT_URL "https://example.org/e/cooperer-2014"
#define QUIET     4

/* The SVG of text, checked to be a NUL-terminated string of *len bytes. */
static char *
svg_of(const char *text, size_t *len)
{
    char *svg = qr_svg(text, len);

    assert_non_null(svg);
    assert_int_equal(strlen(svg), *len);
    return svg;
}

/* Is module (x, y) of the whole picture, quiet zone included, dark in qr? */
static bool
expected_dark(const QRcode *qr, int x, int y)
{
    x -= QUIET;
    y -= QUIET;
    if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
        return false;
    return (qr->data[y * qr->width + x] & 1) != 0;
}

/*
 * Paints the runs of the path in svg into grid (size by size, zeroed):
 * every run must be written as qr.c writes it, lie inside the picture,
 * touch no other run, and be maximal (light modules on both ends in qr).
 */
static void
paint_path(const char *svg, const QRcode *qr, int size, unsigned char *grid)
{
    const char *p = strstr(svg, "<path fill=\"#000\" d=\"");
    char canon[64];
    int x, y, n, back, used, i;

    assert_non_null(p);
    p += strlen("<path fill=\"#000\" d=\"");
    while (*p == 'M') {
        assert_int_equal(sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &back, &used), 4);
        snprintf(canon, sizeof(canon), "M%d %dh%dv1h-%dz", x, y, n, back);
        assert_int_equal(strlen(canon), (size_t)used);
        assert_memory_equal(p, canon, (size_t)used);
        assert_int_equal(n, back);
        assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= size && y < size);
        assert_false(expected_dark(qr, x - 1, y));
        assert_false(expected_dark(qr, x + n, y));
        for (i = x; i < x + n; i++) {
            assert_int_equal(grid[y * size + i], 0);
            grid[y * size + i] = 1;
        }
        p += used;
    }
    assert_string_equal(p, "\"/></svg>\n");
}

static void
matches_libqrencode_matrix(void **state)
{
    QRcode *qr = QRcode_encodeString(EVENT_URL, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    char head[256], *svg;
    unsigned char *grid;
    size_t len;
    int size, x, y;

    assert_non_null(qr);
    size = qr->width + 2 * QUIET;
    svg = svg_of(EVENT_URL, &len);
    snprintf(head, sizeof(head),
             "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
             "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
             "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
             size, size, size, size);
    assert_memory_equal(svg, head, strlen(head));
    assert_non_null(grid = calloc((size_t)size * (size_t)size, 1));
    paint_path(svg, qr, size, grid);
    for (y = 0; y < size; y++) {
        for (x = 0; x < size; x++) {
            if (grid[y * size + x] != expected_dark(qr, x, y))
                fail_msg("module (%d, %d) is %s in the SVG", x - QUIET, y - QUIET,
                         grid[y * size + x] ? "dark" : "light");
        }
    }
    /* The quiet zone, said on its own: nothing painted within 4 of an edge. */
    for (y = 0; y < size; y++) {
        for (x = 0; x < size; x++) {
            if (x < QUIET || y < QUIET || x >= size - QUIET || y >= size - QUIET)
                assert_int_equal(grid[y * size + x], 0);
        }
    }
    free(grid);
    free(svg);
    QRcode_free(qr);
}

static void
one_path_and_no_size(void **state)
{
    size_t len;
    char *svg = svg_of(EVENT_URL, &len), *end = strchr(svg, '>');

    assert_non_null(end);
    *end = '\0'; /* the <svg> tag alone: the page sizes it */
    assert_null(strstr(svg, "width="));
    assert_null(strstr(svg, "height="));
    *end = '>';
    assert_non_null(strstr(svg, "<path"));
    assert_null(strstr(strstr(svg, "<path") + 1, "<path"));
    free(svg);
}

static void
same_text_same_bytes(void **state)
{
    size_t len1, len2;
    char *a = svg_of(EVENT_URL, &len1), *b = svg_of(EVENT_URL, &len2);

    assert_int_equal(len1, len2);
    assert_memory_equal(a, b, len1 + 1);
    free(a);
    free(b);
}

static void
refuses_null_empty_and_too_long(void **state)
{
    char text[QR_TEXT_MAX + 2];
    size_t len = 42;

    memset(text, 'a', QR_TEXT_MAX + 1);
    text[QR_TEXT_MAX + 1] = '\0';
    assert_int_equal(strlen(text), 1001);
    assert_null(qr_svg(NULL, &len));
    assert_int_equal(len, 0);
    len = 42;
    assert_null(qr_svg("", &len));
    assert_int_equal(len, 0);
    len = 42;
    assert_null(qr_svg(text, &len));
    assert_int_equal(len, 0);
}

static void
takes_the_longest_text(void **state)
{
    char text[QR_TEXT_MAX + 1], *svg;
    size_t len = 0, prefix = strlen("https://example.org/e/");

    memcpy(text, "https://example.org/e/", prefix);
    memset(text + prefix, 'x', QR_TEXT_MAX - prefix);
    text[QR_TEXT_MAX] = '\0';
    assert_int_equal(strlen(text), 1000);
    svg = svg_of(text, &len);
    assert_true(len > 0);
    free(svg);
}

static void
no_script_no_style(void **state)
{
    const char *texts[] = {
        EVENT_URL,
        "https://example.org/?q=<script>alert(1)</script>&style=\"x\"",
    };
    size_t i, len;
    char *svg;

    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        svg = svg_of(texts[i], &len);
        assert_null(strstr(svg, "<script"));
        assert_null(strstr(svg, "style="));
        assert_null(strstr(svg, "<style"));
        free(svg);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_libqrencode_matrix),
        cmocka_unit_test(one_path_and_no_size),
        cmocka_unit_test(same_text_same_bytes),
        cmocka_unit_test(refuses_null_empty_and_too_long),
        cmocka_unit_test(takes_the_longest_text),
        cmocka_unit_test(no_script_no_style),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
