/*
 * tests/unit/test_masto_time.c - the times of the Mastodon answers
 * (masto/common.c masto_time): a time as the store writes it only gains its
 * milliseconds without being parsed; every answer must still be the one a
 * full parse and normalisation gives, which this file computes on its own.
 * And the times a client gives (masto_client_time, which reads a status's
 * scheduled_at): read with their offset, refused when they are no date;
 * and masto_store_time, which writes one back as the store does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/arena.h"
#include "masto/masto.h"

/* What masto_time must say for a "YYYY-MM-DDTHH:MM:SSZ" time: timegm normalises it. */
static void
reference(const char *iso, char out[32])
{
    struct tm tm = {0};
    time_t t;

    assert_int_equal(sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
                     6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void
store_times_gain_milliseconds(void **state)
{
    struct arena ar = {0};

    (void)state;
    assert_string_equal(masto_time(&ar, "2026-11-26T17:45:50Z"), "2026-11-26T17:45:50.000Z");
    assert_string_equal(masto_time(&ar, "2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z");
    assert_string_equal(masto_time(&ar, "2000-02-29T23:59:59Z"), "2000-02-29T23:59:59.000Z");
    assert_string_equal(masto_time(&ar, "1999-12-31T23:59:59Z"), "1999-12-31T23:59:59.000Z");
    arena_release(&ar);
}

static void
dates_that_do_not_exist_are_normalised(void **state)
{
    struct arena ar = {0};

    (void)state;
    assert_string_equal(masto_time(&ar, "2023-02-29T10:00:00Z"), "2023-03-01T10:00:00.000Z");
    assert_string_equal(masto_time(&ar, "1900-02-29T10:00:00Z"), "1900-03-01T10:00:00.000Z");
    assert_string_equal(masto_time(&ar, "2026-04-31T10:00:00Z"), "2026-05-01T10:00:00.000Z");
    assert_string_equal(masto_time(&ar, "2026-11-26T24:00:00Z"), "2026-11-27T00:00:00.000Z");
    assert_string_equal(masto_time(&ar, "2026-12-31T23:59:60Z"), "2027-01-01T00:00:00.000Z");
    arena_release(&ar);
}

static void
other_forms_are_read_and_the_rest_kept(void **state)
{
    struct arena ar = {0};

    (void)state;
    /* other zones and fractions: converted to UTC */
    assert_string_equal(masto_time(&ar, "2026-11-26T12:00:00-05:00"), "2026-11-26T17:00:00.000Z");
    assert_string_equal(masto_time(&ar, "2026-11-26T17:45:50.123Z"), "2026-11-26T17:45:50.000Z");
    /* not a time: given back as it is */
    assert_null(masto_time(&ar, NULL));
    assert_string_equal(masto_time(&ar, "hier"), "hier");
    assert_string_equal(masto_time(&ar, "2026-11-26T17:45:50"), "2026-11-26T17:45:50");
    assert_string_equal(masto_time(&ar, "2026-11-26T17:45:5xZ"), "2026-11-26T17:45:5xZ");
    assert_string_equal(masto_time(&ar, "2026-11-26T17:45:50Z "), "2026-11-26T17:45:50Z ");
    arena_release(&ar);
}

/* Every day of 1999-2001 and 2023-2025 (and 31 days of each month), at varied times. */
static void
every_day_matches_a_full_parse(void **state)
{
    static const int years[] = {1999, 2000, 2001, 2023, 2024, 2025};
    struct arena ar = {0};
    char iso[64], want[32];
    size_t y;
    int m, d, checked = 0;

    (void)state;
    for (y = 0; y < sizeof(years) / sizeof(years[0]); y++)
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= 31; d++) {
                snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", years[y], m, d,
                         (d * 7) % 24, (d * 13) % 60, (m * 17 + d) % 60);
                reference(iso, want);
                assert_string_equal(masto_time(&ar, iso), want);
                checked++;
            }
    assert_int_equal(checked, 6 * 12 * 31);
    arena_release(&ar);
}

static void
client_times_are_read_strictly(void **state)
{
    struct arena ar = {0};
    time_t t;

    (void)state;
    assert_true(masto_client_time("2014-11-20T19:05:00Z", &t));
    assert_int_equal(t, 1416510300);
    assert_true(masto_client_time("2014-11-20T19:05:00.123Z", &t)); /* Mastodon.py's, Tusky's */
    assert_int_equal(t, 1416510300);
    assert_true(masto_client_time("2014-11-20T14:05:00-05:00", &t)); /* Montréal */
    assert_int_equal(t, 1416510300);
    assert_true(masto_client_time("2016-02-29T00:00:00Z", &t));
    assert_string_equal(masto_store_time(&ar, 1416510300), "2014-11-20T19:05:00Z");
    assert_false(masto_client_time("2026-13-01T00:00:00Z", &t));
    assert_false(masto_client_time("2026-02-30T00:00:00Z", &t));
    assert_false(masto_client_time("2025-02-29T00:00:00Z", &t));
    assert_false(masto_client_time("2026-11-27T24:00:00Z", &t));
    assert_false(masto_client_time("2026-11-27T12:60:00Z", &t));
    assert_false(masto_client_time("2026-11-27T12:00:00+24:00", &t));
    assert_false(masto_client_time("2026-11-27T12:00:00", &t)); /* no zone: which? */
    assert_false(masto_client_time("2026-11-27", &t));
    assert_false(masto_client_time("demain", &t));
    assert_false(masto_client_time(NULL, &t));
    arena_release(&ar);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_times_gain_milliseconds),
        cmocka_unit_test(dates_that_do_not_exist_are_normalised),
        cmocka_unit_test(other_forms_are_read_and_the_rest_kept),
        cmocka_unit_test(every_day_matches_a_full_parse),
        cmocka_unit_test(client_times_are_read_strictly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
