/*
 * core/hash.h - the one string hash of the program (FNV-1a, 64 bits), for
 * the hash tables of the response cache, the live hub, the rate limiter
 * and the importer's duplicate check. Not for anything an attacker must
 * not be able to collide: none of those tables trusts it for more than
 * where to look first.
 */
#ifndef GZ_CORE_HASH_H
#define GZ_CORE_HASH_H

#include <stdint.h>

static inline uint64_t
hash_string(const char *s)
{
    uint64_t h = 14695981039346656037u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

#endif
