/*
 * web/image.h - what an uploaded file is, judged by its bytes, and a copy of
 * it without the metadata a camera or phone leaves in (GPS positions, serial
 * numbers, XMP, comments). Only JPEG, PNG, GIF and WebP are images here: SVG
 * carries scripts and is refused like any other text. Nothing is decoded;
 * the structure is walked and checked. The byte limit of an upload is the
 * HTTP layer's bounded buffer, the file name is never looked at.
 */
#ifndef GZ_WEB_IMAGE_H
#define GZ_WEB_IMAGE_H

#include <stddef.h>

#define IMAGE_MAX_SIDE 16384 /* pixels; a wider or taller image is refused */

enum image_type { IMAGE_NONE, IMAGE_JPEG, IMAGE_PNG, IMAGE_GIF, IMAGE_WEBP };

struct image_info {
    enum image_type type;
    const char *mime;      /* "image/jpeg", "image/png", "image/gif", "image/webp"; NULL for none */
    const char *extension; /* "jpg", "png", "gif", "webp"; NULL for none (static strings) */
    unsigned width, height; /* from the headers: JPEG SOFn, PNG IHDR, GIF logical screen,
                               WebP VP8X canvas or VP8/VP8L frame */
};

/*
 * What the bytes are. RC_OK with *out filled; RC_INVALID with *out set to
 * IMAGE_NONE when they are not one of the four types, when the headers are
 * truncated or malformed, or when the width or height is 0 or above
 * IMAGE_MAX_SIDE. Only the headers are read: image_strip_metadata() checks
 * the whole file.
 */
int image_sniff(const unsigned char *data, size_t len, struct image_info *out /* OUT */);

/*
 * A copy of the image without its metadata, in a buffer the caller frees:
 *  - JPEG: keeps APP0 JFIF (its thumbnail dropped), APP2 ICC_PROFILE and APP14
 *    Adobe (colour transform, no personal data), drops the other APPn and COM
 *    segments wherever they are, copies the entropy-coded data as is and
 *    stops at EOI;
 *  - PNG: keeps IHDR, PLTE, IDAT, IEND and the ancillary chunks that change
 *    how the image looks or moves (tRNS, gAMA, cHRM, sRGB, iCCP, cICP, mDCv,
 *    cLLi, sBIT, bKGD, pHYs, hIST, sPLT, acTL, fcTL, fdAT), unchanged;
 *    drops tEXt, zTXt, iTXt, eXIf, tIME and any other ancillary chunk, and
 *    refuses an unknown critical chunk (no viewer could show the image);
 *  - GIF: keeps images, graphic control and plain text extensions and the
 *    NETSCAPE2.0/ANIMEXTS1.0 looping extensions; drops comments, the
 *    other application extensions and unknown ones;
 *  - WebP: keeps VP8X, ICCP, ANIM, ANMF, ALPH, VP8 and VP8L chunks, drops
 *    EXIF, XMP and unknown chunks, clears the EXIF and XMP flags of VP8X
 *    and rewrites the RIFF size.
 * Whatever follows the end (EOI, IEND, GIF trailer, RIFF size) is dropped.
 * Stripping a stripped copy gives the same bytes.
 * RC_OK with *out and *out_len set; RC_INVALID when image_sniff() refuses
 * the bytes or the structure is malformed (a segment or chunk running past
 * the end, no EOI, IEND or trailer, no image data, a bad RIFF size);
 * RC_NOMEM when memory runs out. On failure *out is NULL, *out_len 0.
 */
int image_strip_metadata(const unsigned char *data, size_t len, unsigned char **out /* OUT */,
                         size_t *out_len /* OUT */);

#endif
