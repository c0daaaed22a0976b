/*
 * tests/unit/test_identicon.c - the commenters' pictures (web/identicon.c):
 * one <svg> element of the asked size, the same for the same hash and
 * different for different ones, left-right symmetric (its cells read back
 * from the path), never empty, within IDENTICON_SVG_MAX.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "web/identicon.h"

/* The 5x5 cells of the picture's path ("Mx yh1v1h-1z" each); their count. */
static int
cells_of(const char *svg, bool cells[5][5])
{
    const char *d = strstr(svg, " d=\"");
    int x, y, n = 0, used;

    memset(cells, 0, 25 * sizeof(bool));
    assert_non_null(d);
    for (d += 4; *d == 'M'; d += used) {
        assert_int_equal(sscanf(d, "M%d %dh1v1h-1z%n", &x, &y, &used), 2);
        assert_in_range(x, 0, 4);
        assert_in_range(y, 0, 4);
        cells[y][x] = true;
        n++;
    }
    assert_int_equal(*d, '"');
    return n;
}

static void
same_hash_same_picture(void **state)
{
    unsigned char a[32], b[32];
    char s1[IDENTICON_SVG_MAX], s2[IDENTICON_SVG_MAX];
    size_t n1, n2;

    (void)state;
    identicon_hash("jeanpierre", 10, a);
    identicon_hash("eric", 4, b);
    n1 = identicon_svg(a, 40, s1, sizeof(s1));
    n2 = identicon_svg(a, 40, s2, sizeof(s2));
    assert_true(n1 > 0 && n1 < IDENTICON_SVG_MAX);
    assert_int_equal(n1, strlen(s1));
    assert_int_equal(n1, n2);
    assert_string_equal(s1, s2);
    identicon_svg(b, 40, s2, sizeof(s2));
    assert_string_not_equal(s1, s2);
    assert_non_null(strstr(s1, "width=\"40\" height=\"40\""));
    assert_int_equal(strncmp(s1, "<svg ", 5), 0);
    assert_non_null(strstr(s1, "</svg>"));
    assert_null(strstr(s1, "<script"));
    assert_int_equal(identicon_svg(a, 40, s1, 100), 0); /* too small a buffer */
}

static void
symmetric_and_never_empty(void **state)
{
    unsigned char h[32];
    char svg[IDENTICON_SVG_MAX];
    bool cells[5][5];
    int i, x, y;

    (void)state;
    for (i = 0; i < 200; i++) {
        char name[24];
        snprintf(name, sizeof(name), "guest%d", i);
        identicon_hash(name, strlen(name), h);
        assert_true(identicon_svg(h, 32, svg, sizeof(svg)) > 0);
        assert_true(cells_of(svg, cells) > 0);
        for (y = 0; y < 5; y++)
            for (x = 0; x < 5; x++)
                assert_int_equal(cells[y][x], cells[y][4 - x]);
    }
    memset(h, 0, sizeof(h)); /* no bit set: the centre cell */
    assert_true(identicon_svg(h, 32, svg, sizeof(svg)) > 0);
    assert_int_equal(cells_of(svg, cells), 1);
    assert_true(cells[2][2]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_hash_same_picture),
        cmocka_unit_test(symmetric_and_never_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
