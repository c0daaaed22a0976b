/*
 * web/identicon.h - a small picture for a commenter without asking any
 * outside service: a 5x5 left-right symmetric grid of squares drawn from
 * the bytes of a hash (of a guest's email, or of an account's name), in
 * one colour also taken from the hash, as an inline SVG element.
 */
#ifndef GZ_WEB_IDENTICON_H
#define GZ_WEB_IDENTICON_H

#include <stddef.h>

#define IDENTICON_SVG_MAX 2048

/*
 * Writes the <svg> element, size_px wide and high, NUL-terminated, into
 * buf (size >= IDENTICON_SVG_MAX); returns its length, 0 when buf is too
 * small. It holds only digits and fixed markup: safe to write raw.
 */
size_t identicon_svg(const unsigned char hash[32], int size_px, char *buf, size_t size);
/* SHA-256 of s[0..len), for callers that have a name rather than a hash. */
void identicon_hash(const char *s, size_t len, unsigned char out[32]);

/*
 * The same picture as a PNG, IDENTICON_PNG_SIDE pixels square, two colours,
 * in a malloc'd buffer (*len_out bytes; the caller frees); NULL when out of
 * memory. For Mastodon apps, which show no SVG avatar.
 */
#define IDENTICON_PNG_SIDE 120
unsigned char *identicon_png(const unsigned char hash[32], size_t *len_out);

#endif
