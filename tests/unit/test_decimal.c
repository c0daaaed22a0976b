/*
 * tests/unit/test_decimal.c - decimal_format() (core/decimal.h) writes
 * exactly what printf's "%lld" writes: at the ends of the range, around
 * every power of ten, and for a spread of values in between.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/decimal.h"

static void
same_as_printf(int64_t v)
{
    char expected[64], got[DECIMAL_SIZE + 8];
    size_t len;

    snprintf(expected, sizeof(expected), "%lld", (long long)v);
    memset(got, 'x', sizeof(got));
    len = decimal_format(got, v);
    assert_string_equal(got, expected);
    assert_int_equal(len, strlen(expected));
    assert_true(len + 1 <= DECIMAL_SIZE);
}

static void
decimal_text_is_printfs(void **state)
{
    int64_t p = 1, x;
    int i;

    (void)state;
    same_as_printf(0);
    same_as_printf(INT64_MAX);
    same_as_printf(INT64_MIN);
    same_as_printf(INT64_MIN + 1);
    for (i = 0; i < 19; i++) { /* 1 to 10^18 */
        same_as_printf(p);
        same_as_printf(p - 1);
        same_as_printf(p + 1);
        same_as_printf(-p);
        same_as_printf(-p + 1);
        if (i < 18)
            p *= 10;
    }
    /* a spread of values over the whole range (a fixed linear congruential sequence) */
    for (i = 0, x = 1; i < 100000; i++) {
        x = (int64_t)((uint64_t)x * 6364136223846793005u + 1442695040888963407u);
        same_as_printf(x);
        same_as_printf(x >> (i % 63));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decimal_text_is_printfs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
