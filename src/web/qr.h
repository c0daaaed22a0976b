/*
 * web/qr.h - a QR code as an SVG document, for the projector wall: the
 * room scans it to open the event page. libqrencode does the encoding;
 * qr.c only draws its matrix, so nothing else includes qrencode.h.
 */
#ifndef GZ_WEB_QR_H
#define GZ_WEB_QR_H

#include <stddef.h>

#define QR_TEXT_MAX 1000 /* bytes; a URL longer than this is refused */

/*
 * The QR code of text (a URL of 1 to QR_TEXT_MAX bytes; 8-bit mode, error
 * correction M, the smallest version that fits) as an SVG document: a
 * 4-module quiet zone, a white background, the dark modules as one path,
 * no width or height (CSS sizes it). The same text always gives the same
 * bytes. Returns a NUL-terminated string the caller frees, its length in
 * *len_out; NULL with *len_out = 0 when text is NULL, empty or too long,
 * or when memory runs out. len_out may be NULL.
 */
char *qr_svg(const char *text, size_t *len_out);

#endif
