/*
 * core/decimal.h - an integer as decimal text, for the paths that write
 * numbers on every request or into every status (ids, counts, cache keys,
 * rate-limit headers): snprintf's format machinery cost more than the
 * rest of a cache key. The same text as printf's "%lld".
 */
#ifndef GZ_CORE_DECIMAL_H
#define GZ_CORE_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define DECIMAL_SIZE 21 /* "-9223372036854775808" and its NUL */

/* Writes v and a NUL at out (DECIMAL_SIZE bytes); the length written, NUL excluded. */
static inline size_t
decimal_format(char out[DECIMAL_SIZE], int64_t v)
{
    /* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char digits[DECIMAL_SIZE];
    size_t n = 0, len = 0;

    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        out[len++] = '-';
    while (n > 0)
        out[len++] = digits[--n];
    out[len] = '\0';
    return len;
}

#endif
