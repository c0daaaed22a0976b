/*
 * tests/unit/test_image.c - media uploads (web/image.c): each format is
 * told by its bytes, never by a name; stripping leaves exactly the parts
 * that make the picture, byte for byte, and nothing of the GPS positions,
 * serial numbers and comments planted in the samples; stripping twice is
 * stripping once; and text, SVG, truncated files, lengths running past the
 * end and sizes of 0 or over IMAGE_MAX_SIDE are refused. The samples are
 * assembled here, part by part, each part marked kept or dropped, so the
 * expected result is known without a decoder.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "web/image.h"

/* A file as it is uploaded, and what stripping must leave of it. */
struct sample {
    unsigned char all[2048];
    size_t all_len;
    unsigned char kept[2048];
    size_t kept_len;
};

/* Appends n bytes to the file and, when kept is not NULL, kept_n bytes to what is left. */
static void
part(struct sample *s, const void *p, size_t n, const void *kept, size_t kept_n)
{
    assert_true(n <= sizeof(s->all) - s->all_len);
    memcpy(s->all + s->all_len, p, n);
    s->all_len += n;
    if (kept != NULL) {
        assert_true(kept_n <= sizeof(s->kept) - s->kept_len);
        memcpy(s->kept + s->kept_len, kept, kept_n);
        s->kept_len += kept_n;
    }
}

static void
keep(struct sample *s, const void *p, size_t n)
{
    part(s, p, n, p, n);
}

static void
drop(struct sample *s, const void *p, size_t n)
{
    part(s, p, n, NULL, 0);
}

static void
put_be32(unsigned char *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = (v >> 16) & 0xff;
    p[2] = (v >> 8) & 0xff;
    p[3] = v & 0xff;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = v >> 24;
}

/* Does the buffer still hold anything planted in the samples' metadata? */
static bool
leaks(const unsigned char *p, size_t n)
{
    return memmem(p, n, "SECRET", 6) != NULL || memmem(p, n, "GPS", 3) != NULL ||
           memmem(p, n, "serial", 6) != NULL;
}

/* ---- JPEG ---- */

static void
jpeg_segment(struct sample *s, unsigned marker, const void *body, size_t n, bool kept)
{
    unsigned char seg[512] = {0xFF, marker, (n + 2) >> 8, (n + 2) & 0xff};

    assert_true(n <= sizeof(seg) - 4);
    memcpy(seg + 4, body, n);
    part(s, seg, n + 4, kept ? seg : NULL, n + 4);
}

static const unsigned char jfif[] = {'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
static const unsigned char exif_gps[] = "Exif\0\0MM\0*GPS-SECRET 48.8584N 2.2945E";
static const unsigned char icc[] = "ICC_PROFILE\0\1\1fake profile";
static const unsigned char adobe[] = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 1};
static const unsigned char dht[] = {0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00};
static const unsigned char sos[] = {0x01, 0x01, 0x00, 0x00, 0x3F, 0x00};
static const unsigned char scan[] = {0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD0, 0x78};
static const unsigned char soi[] = {0xFF, 0xD8}, eoi[] = {0xFF, 0xD9};

/*
 * A baseline JPEG of w x h as a camera writes it: JFIF, EXIF with a GPS
 * position, a comment with a serial number, an ICC profile, a multi-picture
 * APP2, Adobe's APP14, tables, frame, one scan whose data holds a stuffed
 * 0xFF and a restart marker, EOI, and a trailer after it.
 */
static void
jpeg_sample(struct sample *s, unsigned w, unsigned h)
{
    unsigned char dqt[65] = {0}, sof[9] = {8, h >> 8, h & 0xff, w >> 8, w & 0xff, 1, 1, 0x11, 0};

    memset(dqt + 1, 1, 64);
    memset(s, 0, sizeof(*s));
    keep(s, soi, 2);
    jpeg_segment(s, 0xE0, jfif, sizeof(jfif), true);
    jpeg_segment(s, 0xE1, exif_gps, sizeof(exif_gps) - 1, false);
    jpeg_segment(s, 0xFE, "camera serial 1234", 18, false);
    jpeg_segment(s, 0xE2, icc, sizeof(icc) - 1, true);
    jpeg_segment(s, 0xE2, "MPF\0SECRET", 10, false);
    jpeg_segment(s, 0xED, "Photoshop 3.0\0SECRET", 20, false);
    jpeg_segment(s, 0xEE, adobe, sizeof(adobe), true);
    jpeg_segment(s, 0xDB, dqt, sizeof(dqt), true);
    jpeg_segment(s, 0xC0, sof, sizeof(sof), true);
    jpeg_segment(s, 0xC4, dht, sizeof(dht), true);
    jpeg_segment(s, 0xDA, sos, sizeof(sos), true);
    keep(s, scan, sizeof(scan));
    keep(s, eoi, 2);
    drop(s, "GPS-SECRET after EOI", 20);
}

/* ---- PNG ---- */

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void
png_chunk(struct sample *s, const char *type, const void *data, uint32_t n, bool kept)
{
    unsigned char chunk[512];

    assert_true(n <= sizeof(chunk) - 12);
    put_be32(chunk, n);
    memcpy(chunk + 4, type, 4);
    memcpy(chunk + 8, data, n);
    put_be32(chunk + 8 + n, crc32_of(chunk + 4, n + 4));
    part(s, chunk, n + 12, kept ? chunk : NULL, n + 12);
}

/* A zlib stream of one stored block: the raw rows of a 3x2 RGB picture. */
static size_t
png_idat(unsigned char *z)
{
    static const unsigned char rows[20] = {0, 255, 0, 0, 0, 255, 0, 0,   0,   255,
                                           0, 0,   0, 0, 9, 9,   9, 255, 255, 255};
    uint32_t a = 1, b = 0;
    size_t i;

    memcpy(z, "\x78\x01\x01\x14\x00\xeb\xff", 7); /* header; final stored block of 20 */
    memcpy(z + 7, rows, sizeof(rows));
    for (i = 0; i < sizeof(rows); i++) {
        a = (a + rows[i]) % 65521;
        b = (b + a) % 65521;
    }
    put_be32(z + 7 + sizeof(rows), b << 16 | a);
    return 7 + sizeof(rows) + 4;
}

/*
 * A PNG whose IHDR says w x h (its IDAT is always the 3x2 picture; nothing
 * here decodes it) with text, time, EXIF and a private chunk around it,
 * and bytes after IEND.
 */
static void
png_sample(struct sample *s, uint32_t w, uint32_t h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    static const unsigned char phys[9] = {0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1};
    static const unsigned char gama[4] = {0, 0, 0xb1, 0x8f};
    static const unsigned char time[7] = {0x07, 0xe8, 5, 17, 14, 30, 0};
    unsigned char ihdr[13] = {0}, z[64];

    memset(s, 0, sizeof(*s));
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* RGB */
    keep(s, sig, 8);
    png_chunk(s, "IHDR", ihdr, 13, true);
    png_chunk(s, "tEXt", "Comment\0SECRET", 14, false);
    png_chunk(s, "gAMA", gama, 4, true);
    png_chunk(s, "eXIf", "MM\0*GPS-SECRET", 14, false);
    png_chunk(s, "tIME", time, 7, false);
    png_chunk(s, "pHYs", phys, 9, true);
    png_chunk(s, "zTXt", "Author\0\0x-SECRET", 16, false);
    png_chunk(s, "IDAT", z, (uint32_t)png_idat(z), true);
    png_chunk(s, "iTXt", "XML:com.adobe.xmp\0\0\0\0\0GPS", 25, false);
    png_chunk(s, "prVt", "serial 1234", 11, false);
    png_chunk(s, "IEND", "", 0, true);
    drop(s, "SECRET", 6);
}

/* ---- GIF ---- */

/*
 * A GIF89a with a w x h screen, a 2-colour table, the NETSCAPE looping
 * extension, a comment, an XMP application extension, and one 1x1 image.
 */
static void
gif_sample(struct sample *s, unsigned w, unsigned h)
{
    unsigned char head[19] = {'G',  'I', 'F', '8', '9', 'a', w & 0xff, w >> 8, h & 0xff, h >> 8,
                              0x80, 0,   0,   255, 255, 255, 0,        0,      0};
    static const unsigned char loop[] = "\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00";
    static const unsigned char comment[] = "\x21\xfe\x06SECRET\x00";
    static const unsigned char xmp[] = "\x21\xff\x0bXMP DataXMP\x0aGPS-SECRET\x00";
    static const unsigned char control[] = {0x21, 0xF9, 4, 1, 0, 0, 0, 0};
    static const unsigned char image[] = {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0};

    memset(s, 0, sizeof(*s));
    keep(s, head, sizeof(head));
    keep(s, loop, sizeof(loop) - 1);
    drop(s, comment, sizeof(comment) - 1);
    drop(s, xmp, sizeof(xmp) - 1);
    keep(s, control, sizeof(control));
    keep(s, image, sizeof(image));
    keep(s, ";", 1);
    drop(s, "serial", 6);
}

/* ---- WebP ---- */

/* The smallest lossless picture: 1x1, one transparent pixel. */
static const unsigned char vp8l_1x1[13] = {0x2f, 0,    0,    0,    0x10, 0x07, 0x10,
                                           0x11, 0x11, 0x88, 0x88, 0xfe, 0x07};

static void
riff_chunk(struct sample *s, const char *fourcc, const void *data, uint32_t n, bool kept)
{
    unsigned char chunk[512] = {0};
    size_t padded = n + (n & 1);

    assert_true(padded <= sizeof(chunk) - 8);
    memcpy(chunk, fourcc, 4);
    put_le32(chunk + 4, n);
    memcpy(chunk + 8, data, n);
    part(s, chunk, 8 + padded, kept ? chunk : NULL, 8 + padded);
}

/* Writes the RIFF sizes of the file and of what is kept, once all chunks are in. */
static void
riff_close(struct sample *s)
{
    put_le32(s->all + 4, (uint32_t)s->all_len - 8);
    put_le32(s->kept + 4, (uint32_t)s->kept_len - 8);
}

/*
 * An extended WebP: VP8X announcing a w x h canvas with alpha, EXIF and
 * XMP; the 1x1 lossless picture; an EXIF chunk of odd size (so padded);
 * XMP; a chunk nobody knows. Stripping keeps the alpha flag only.
 */
static void
webp_sample(struct sample *s, uint32_t w, uint32_t h)
{
    unsigned char vp8x[18] = {'V', 'P', '8', 'X', 10, 0, 0, 0, 0x10 | 0x08 | 0x04};
    unsigned char cleared[18];

    memset(s, 0, sizeof(*s));
    keep(s, "RIFF\0\0\0\0WEBP", 12);
    vp8x[12] = (w - 1) & 0xff;
    vp8x[13] = ((w - 1) >> 8) & 0xff;
    vp8x[14] = ((w - 1) >> 16) & 0xff;
    vp8x[15] = (h - 1) & 0xff;
    vp8x[16] = ((h - 1) >> 8) & 0xff;
    vp8x[17] = ((h - 1) >> 16) & 0xff;
    memcpy(cleared, vp8x, sizeof(vp8x));
    cleared[8] = 0x10;
    part(s, vp8x, sizeof(vp8x), cleared, sizeof(cleared));
    riff_chunk(s, "VP8L", vp8l_1x1, sizeof(vp8l_1x1), true);
    riff_chunk(s, "EXIF", "Exif\0\0GPS-SECRET", 16, false);
    riff_chunk(s, "XMP ", "<x:xmpmeta>SECRET</x:xmpmeta>", 29, false);
    riff_chunk(s, "ABCD", "serial", 6, false);
    riff_close(s);
    drop(s, "SECRET", 6);
}

/* A simple lossless WebP (no VP8X) whose header says w x h. */
static void
webp_lossless(struct sample *s, uint32_t w, uint32_t h)
{
    unsigned char vp8l[13];
    uint32_t bits = (w - 1) | (h - 1) << 14 | 1u << 28;

    memcpy(vp8l, vp8l_1x1, sizeof(vp8l));
    put_le32(vp8l + 1, bits);
    memset(s, 0, sizeof(*s));
    keep(s, "RIFF\0\0\0\0WEBP", 12);
    riff_chunk(s, "VP8L", vp8l, sizeof(vp8l), true);
    riff_close(s);
}

/* ---- checks ---- */

static void
assert_same_info(const struct image_info *a, const struct image_info *b)
{
    assert_int_equal(a->type, b->type);
    assert_ptr_equal(a->mime, b->mime);
    assert_ptr_equal(a->extension, b->extension);
    assert_int_equal(a->width, b->width);
    assert_int_equal(a->height, b->height);
}

static void
assert_sniffs(const unsigned char *p, size_t n, enum image_type type, const char *mime,
              const char *extension, unsigned w, unsigned h)
{
    struct image_info info;

    assert_int_equal(image_sniff(p, n, &info), RC_OK);
    assert_int_equal(info.type, type);
    assert_string_equal(info.mime, mime);
    assert_string_equal(info.extension, extension);
    assert_int_equal(info.width, w);
    assert_int_equal(info.height, h);
}

static void
assert_refused(const unsigned char *p, size_t n)
{
    static unsigned char sentinel[1];
    struct image_info info;
    unsigned char *out = sentinel;
    size_t out_len = 42;

    assert_int_equal(image_sniff(p, n, &info), RC_INVALID);
    assert_int_equal(info.type, IMAGE_NONE);
    assert_null(info.mime);
    assert_int_equal(image_strip_metadata(p, n, &out, &out_len), RC_INVALID);
    assert_null(out);
    assert_int_equal(out_len, 0);
}

/* The headers are fine, the whole file is not. */
static void
assert_strip_refused(const unsigned char *p, size_t n)
{
    static unsigned char sentinel[1];
    unsigned char *out = sentinel;
    size_t out_len = 42;

    assert_int_equal(image_strip_metadata(p, n, &out, &out_len), RC_INVALID);
    assert_null(out);
    assert_int_equal(out_len, 0);
}

/*
 * Stripping s leaves exactly its kept parts, which leak nothing and still
 * sniff as the same image; stripping that again changes nothing.
 */
static void
assert_strips(const struct sample *s, enum image_type type)
{
    struct image_info before, after;
    unsigned char *out, *again;
    size_t out_len, again_len;

    assert_true(leaks(s->all, s->all_len));
    assert_int_equal(image_sniff(s->all, s->all_len, &before), RC_OK);
    assert_int_equal(before.type, type);
    assert_int_equal(image_strip_metadata(s->all, s->all_len, &out, &out_len), RC_OK);
    assert_int_equal(out_len, s->kept_len);
    assert_memory_equal(out, s->kept, out_len);
    assert_false(leaks(out, out_len));
    assert_int_equal(image_sniff(out, out_len, &after), RC_OK);
    assert_same_info(&after, &before);
    assert_int_equal(image_strip_metadata(out, out_len, &again, &again_len), RC_OK);
    assert_int_equal(again_len, out_len);
    assert_memory_equal(again, out, out_len);
    free(again);
    free(out);
}

/* ---- tests ---- */

static void
sniff_reads_type_and_size(void **state)
{
    struct sample s;
    /* VP8 key frame: tag, start code, 14-bit width and height */
    unsigned char vp8[] =
        "RIFF\x16\0\0\0WEBPVP8 \x0a\0\0\0\x10\x02\x00\x9d\x01\x2a\x80\x02\xe0\x01";

    jpeg_sample(&s, 640, 480);
    assert_sniffs(s.all, s.all_len, IMAGE_JPEG, "image/jpeg", "jpg", 640, 480);
    png_sample(&s, 3, 2);
    assert_sniffs(s.all, s.all_len, IMAGE_PNG, "image/png", "png", 3, 2);
    gif_sample(&s, 5, 4);
    assert_sniffs(s.all, s.all_len, IMAGE_GIF, "image/gif", "gif", 5, 4);
    webp_sample(&s, 1, 1);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 1, 1);
    webp_sample(&s, 300, 200);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 300, 200);
    webp_lossless(&s, 1, 1);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 1, 1);
    webp_lossless(&s, 300, 200);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 300, 200);
    assert_sniffs(vp8, sizeof(vp8) - 1, IMAGE_WEBP, "image/webp", "webp", 640, 480);
    /* only the headers are read: the rest may be missing */
    png_sample(&s, 3, 2);
    assert_sniffs(s.all, 8 + 25, IMAGE_PNG, "image/png", "png", 3, 2);
}

static void
type_comes_from_the_bytes(void **state)
{
    struct sample named_photo_png; /* an upload called photo.png, holding a GIF */

    gif_sample(&named_photo_png, 1, 1);
    assert_sniffs(named_photo_png.all, named_photo_png.all_len, IMAGE_GIF, "image/gif", "gif", 1,
                  1);
    assert_strips(&named_photo_png, IMAGE_GIF);
}

static void
strips_jpeg(void **state)
{
    struct sample s;

    jpeg_sample(&s, 640, 480);
    assert_strips(&s, IMAGE_JPEG);
}

static void
strips_png(void **state)
{
    struct sample s;

    png_sample(&s, 3, 2);
    assert_strips(&s, IMAGE_PNG);
}

static void
strips_gif(void **state)
{
    struct sample s;

    gif_sample(&s, 5, 4);
    assert_strips(&s, IMAGE_GIF);
    gif_sample(&s, 1, 1);
    s.all[10] = s.kept[10] = 0; /* no global colour table at all */
    memmove(s.all + 13, s.all + 19, s.all_len - 19);
    s.all_len -= 6;
    memmove(s.kept + 13, s.kept + 19, s.kept_len - 19);
    s.kept_len -= 6;
    assert_strips(&s, IMAGE_GIF);
}

static void
strips_webp(void **state)
{
    struct sample s;
    unsigned char *out;
    size_t out_len;

    webp_sample(&s, 300, 200);
    assert_strips(&s, IMAGE_WEBP);
    assert_int_equal(image_strip_metadata(s.all, s.all_len, &out, &out_len), RC_OK);
    assert_int_equal(out[20], 0x10); /* alpha stays, EXIF and XMP flags go */
    assert_int_equal(out[4] | out[5] << 8 | out[6] << 16 | (uint32_t)out[7] << 24, out_len - 8);
    free(out);
    webp_lossless(&s, 7, 9); /* nothing to strip: the same bytes back */
    assert_int_equal(image_strip_metadata(s.all, s.all_len, &out, &out_len), RC_OK);
    assert_int_equal(out_len, s.all_len);
    assert_memory_equal(out, s.all, out_len);
    free(out);
}

/*
 * A progressive-like JPEG: the JFIF thumbnail goes (it shows the picture
 * before cropping), and so does a comment between two scans; the second
 * scan and its data stay.
 */
static void
strips_jpeg_thumbnail_and_between_scans(void **state)
{
    unsigned char jfif_thumb[17], jfif_plain[14];
    unsigned char sof[9] = {8, 0, 48, 0, 64, 1, 1, 0x11, 0};
    struct sample s = {0};

    memcpy(jfif_thumb, jfif, sizeof(jfif));
    jfif_thumb[12] = jfif_thumb[13] = 1; /* a 1x1 thumbnail, RGB */
    memcpy(jfif_thumb + 14, "\x01\x02\x03", 3);
    memcpy(jfif_plain, jfif, sizeof(jfif));
    keep(&s, soi, 2);
    part(&s, "\xff\xe0\x00\x13", 4, "\xff\xe0\x00\x10", 4);
    part(&s, jfif_thumb, sizeof(jfif_thumb), jfif_plain, sizeof(jfif_plain));
    jpeg_segment(&s, 0xC2, sof, sizeof(sof), true);
    jpeg_segment(&s, 0xC4, dht, sizeof(dht), true);
    jpeg_segment(&s, 0xDA, sos, sizeof(sos), true);
    keep(&s, scan, sizeof(scan));
    jpeg_segment(&s, 0xFE, "SECRET between scans", 20, false);
    jpeg_segment(&s, 0xE1, exif_gps, sizeof(exif_gps) - 1, false);
    jpeg_segment(&s, 0xC4, dht, sizeof(dht), true);
    jpeg_segment(&s, 0xDA, sos, sizeof(sos), true);
    keep(&s, "\x9a\xbc\xff\x00", 4);
    keep(&s, eoi, 2);
    assert_strips(&s, IMAGE_JPEG);
    assert_sniffs(s.all, s.all_len, IMAGE_JPEG, "image/jpeg", "jpg", 64, 48);
}

static void
refuses_what_is_not_an_image(void **state)
{
#define BYTES(s)                                                                                   \
    {                                                                                              \
        (const unsigned char *)(s), sizeof(s) - 1                                                  \
    }
    static const struct {
        const unsigned char *p;
        size_t n;
    } files[] = {
        BYTES("<?php system($_GET['c']); ?>"),
        BYTES("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
              "height=\"10\"><script>alert(1)</script></svg>"),
        BYTES("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
        BYTES("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"),
        BYTES("GIF9"), /* too short to be anything */
        BYTES("RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x44\xac\0\0\x88\x58\x01\0\x02\0"
              "\x10\0data\0\0\0\0"),
        BYTES("\xff\xd8"),
        BYTES("\x89PNG\r\n\x1a\n"),
        BYTES("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    };
#undef BYTES
    size_t i;

    assert_refused(NULL, 0);
    assert_refused((const unsigned char *)"", 0);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        assert_refused(files[i].p, files[i].n);
}

/* Every prefix of every sample is refused by stripping, and read in bounds. */
static void
refuses_truncated_files(void **state)
{
    struct sample s[4];
    struct image_info info;
    size_t i, n, idat;

    jpeg_sample(&s[0], 640, 480);
    png_sample(&s[1], 3, 2);
    gif_sample(&s[2], 5, 4);
    webp_sample(&s[3], 300, 200);
    for (i = 0; i < 4; i++) {
        s[i].all_len -= 6 + (i == 0 ? 14 : 0); /* the bytes after the end */
        for (n = 0; n < s[i].all_len; n++) {
            unsigned char *copy = malloc(n + 1); /* exactly n bytes for ASan to watch */

            assert_non_null(copy);
            memcpy(copy, s[i].all, n);
            (void)image_sniff(copy, n, &info);
            assert_strip_refused(copy, n);
            free(copy);
        }
    }
    /* a PNG cut in the middle of IDAT: its headers are fine */
    png_sample(&s[1], 3, 2);
    idat = (size_t)((unsigned char *)memmem(s[1].all, s[1].all_len, "IDAT", 4) - s[1].all);
    assert_sniffs(s[1].all, idat + 10, IMAGE_PNG, "image/png", "png", 3, 2);
    assert_strip_refused(s[1].all, idat + 10);
    /* a JPEG without EOI, with or without what used to follow it */
    jpeg_sample(&s[0], 640, 480);
    memmove(s[0].all + s[0].all_len - 22, s[0].all + s[0].all_len - 20, 20);
    assert_strip_refused(s[0].all, s[0].all_len - 2);
    assert_strip_refused(s[0].all, s[0].all_len - 22);
}

static void
refuses_lengths_past_the_end(void **state)
{
    struct sample s;
    unsigned char *text, *chunk;

    /* PNG: tEXt's length made 0xFFFFFFFF, then 2^31 (over the format's limit) */
    png_sample(&s, 3, 2);
    text = (unsigned char *)memmem(s.all, s.all_len, "tEXt", 4) - 4;
    put_be32(text, 0xFFFFFFFFu);
    assert_strip_refused(s.all, s.all_len);
    put_be32(text, 0x80000000u);
    assert_strip_refused(s.all, s.all_len);
    put_be32(text, (uint32_t)(s.all_len - (size_t)(text - s.all)));
    assert_strip_refused(s.all, s.all_len);
    /* PNG: IHDR's own length */
    png_sample(&s, 3, 2);
    put_be32(s.all + 8, 0xFFFFFFFFu);
    assert_refused(s.all, s.all_len);
    /* WebP: EXIF's size 0xFFFFFFFF, then one past the RIFF */
    webp_sample(&s, 300, 200);
    chunk = (unsigned char *)memmem(s.all, s.all_len, "EXIF", 4);
    put_le32(chunk + 4, 0xFFFFFFFFu);
    assert_strip_refused(s.all, s.all_len);
    put_le32(chunk + 4, (uint32_t)(s.all_len - 6 - (size_t)(chunk - s.all)) - 8 + 1);
    assert_strip_refused(s.all, s.all_len);
    /* WebP: the first chunk's size 0xFFFFFFFF */
    webp_sample(&s, 300, 200);
    put_le32(s.all + 16, 0xFFFFFFFFu);
    assert_refused(s.all, s.all_len);
    /* JPEG: a segment of 0xFFFF bytes, and of fewer than its own length field */
    jpeg_sample(&s, 640, 480);
    chunk = (unsigned char *)memmem(s.all, s.all_len, "\xff\xfe", 2);
    chunk[2] = chunk[3] = 0xFF;
    assert_strip_refused(s.all, s.all_len);
    chunk[2] = 0;
    chunk[3] = 1;
    assert_strip_refused(s.all, s.all_len);
    /* GIF: a sub-block longer than what is left */
    gif_sample(&s, 5, 4);
    s.all_len -= 6 + 1 + 15;
    s.all[s.all_len++] = 0x2C;
    memcpy(s.all + s.all_len, "\0\0\0\0\1\0\1\0\0\2\xff\x44", 12);
    s.all_len += 12;
    assert_strip_refused(s.all, s.all_len);
}

static void
refuses_bad_riff_sizes(void **state)
{
    struct sample s;
    uint32_t riff;

    webp_sample(&s, 300, 200);
    s.all_len -= 6;
    riff = (uint32_t)s.all_len - 8;
    put_le32(s.all + 4, riff + 2); /* past the end of the file */
    assert_strip_refused(s.all, s.all_len);
    put_le32(s.all + 4, riff - 2); /* the last chunk runs past the RIFF */
    assert_strip_refused(s.all, s.all_len);
    put_le32(s.all + 4, 0xFFFFFFFFu);
    assert_strip_refused(s.all, s.all_len);
    put_le32(s.all + 4, 3);
    assert_strip_refused(s.all, s.all_len);
    put_le32(s.all + 4, riff);
    assert_int_equal(image_sniff(s.all, s.all_len, &(struct image_info){0}), RC_OK);
}

static void
refuses_sizes_out_of_range(void **state)
{
    struct sample s;
    static const unsigned sizes[][2] = {
        {0, 10}, {10, 0}, {20000, 10}, {10, 20000}, {IMAGE_MAX_SIDE + 1, 1}};
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        jpeg_sample(&s, sizes[i][0], sizes[i][1]);
        assert_refused(s.all, s.all_len);
        png_sample(&s, sizes[i][0], sizes[i][1]);
        assert_refused(s.all, s.all_len);
        gif_sample(&s, sizes[i][0], sizes[i][1]);
        assert_refused(s.all, s.all_len);
        if (sizes[i][0] > 0 && sizes[i][1] > 0) { /* WebP stores size - 1 */
            webp_sample(&s, sizes[i][0], sizes[i][1]);
            assert_refused(s.all, s.all_len);
        }
    }
    jpeg_sample(&s, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
    assert_sniffs(s.all, s.all_len, IMAGE_JPEG, "image/jpeg", "jpg", 16384, 16384);
    png_sample(&s, IMAGE_MAX_SIDE, 1);
    assert_sniffs(s.all, s.all_len, IMAGE_PNG, "image/png", "png", 16384, 1);
    gif_sample(&s, 1, IMAGE_MAX_SIDE);
    assert_sniffs(s.all, s.all_len, IMAGE_GIF, "image/gif", "gif", 1, 16384);
    webp_sample(&s, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 16384, 16384);
    webp_lossless(&s, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
    assert_sniffs(s.all, s.all_len, IMAGE_WEBP, "image/webp", "webp", 16384, 16384);
}

static void
refuses_broken_structure(void **state)
{
    struct sample s = {0};
    unsigned char ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 2}, z[64], sof[9] = {8, 0, 1, 0, 1, 1};
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /* PNG: an unknown critical chunk (Apple's CgBI: no viewer shows it) */
    keep(&s, sig, 8);
    png_chunk(&s, "IHDR", ihdr, 13, true);
    png_chunk(&s, "CgBI", "\x50\x00\x20\x06", 4, true);
    png_chunk(&s, "IDAT", z, (uint32_t)png_idat(z), true);
    png_chunk(&s, "IEND", "", 0, true);
    assert_strip_refused(s.all, s.all_len);
    /* PNG: no IDAT; a second IHDR; a chunk type that is not letters; no IEND */
    memset(&s, 0, sizeof(s));
    keep(&s, sig, 8);
    png_chunk(&s, "IHDR", ihdr, 13, true);
    png_chunk(&s, "IEND", "", 0, true);
    assert_strip_refused(s.all, s.all_len);
    memset(&s, 0, sizeof(s));
    keep(&s, sig, 8);
    png_chunk(&s, "IHDR", ihdr, 13, true);
    png_chunk(&s, "IHDR", ihdr, 13, true);
    png_chunk(&s, "IDAT", z, (uint32_t)png_idat(z), true);
    png_chunk(&s, "IEND", "", 0, true);
    assert_strip_refused(s.all, s.all_len);
    memset(&s, 0, sizeof(s));
    keep(&s, sig, 8);
    png_chunk(&s, "IHDR", ihdr, 13, true);
    png_chunk(&s, "IDAT", z, (uint32_t)png_idat(z), true);
    png_chunk(&s, "te<t", "", 0, true);
    png_chunk(&s, "IEND", "", 0, true);
    assert_strip_refused(s.all, s.all_len);
    png_sample(&s, 3, 2);
    assert_strip_refused(s.all, s.all_len - 6 - 12); /* IEND gone, the rest whole */
    /* JPEG: a scan before any frame header; nothing but SOI and EOI */
    memset(&s, 0, sizeof(s));
    keep(&s, soi, 2);
    jpeg_segment(&s, 0xDA, sos, sizeof(sos), true);
    keep(&s, scan, sizeof(scan));
    jpeg_segment(&s, 0xC0, sof, sizeof(sof), true);
    keep(&s, eoi, 2);
    assert_refused(s.all, s.all_len);
    assert_refused((const unsigned char *)"\xff\xd8\xff\xd9", 4);
    /* JPEG: the frame header's components run past the segment */
    memset(&s, 0, sizeof(s));
    keep(&s, soi, 2);
    sof[5] = 3;
    jpeg_segment(&s, 0xC0, sof, sizeof(sof), true);
    assert_refused(s.all, s.all_len);
    /* GIF: no trailer; a trailer but no image; a block that is neither */
    gif_sample(&s, 5, 4);
    assert_strip_refused(s.all, s.all_len - 7);
    memset(&s, 0, sizeof(s));
    keep(&s, "GIF89a\1\0\1\0\0\0\0;", 14);
    assert_strip_refused(s.all, s.all_len);
    memset(&s, 0, sizeof(s));
    keep(&s, "GIF89a\1\0\1\0\0\0\0\x42;", 15);
    assert_strip_refused(s.all, s.all_len);
    /* WebP: metadata but no picture; VP8X not first */
    memset(&s, 0, sizeof(s));
    keep(&s, "RIFF\0\0\0\0WEBP", 12);
    riff_chunk(&s, "VP8X", "\0\0\0\0\0\0\0\0\0\0", 10, true);
    riff_chunk(&s, "EXIF", "GPS", 3, false);
    riff_close(&s);
    assert_strip_refused(s.all, s.all_len);
    memset(&s, 0, sizeof(s));
    keep(&s, "RIFF\0\0\0\0WEBP", 12);
    riff_chunk(&s, "VP8L", vp8l_1x1, sizeof(vp8l_1x1), true);
    riff_chunk(&s, "VP8X", "\0\0\0\0\0\0\0\0\0\0", 10, true);
    riff_close(&s);
    assert_strip_refused(s.all, s.all_len);
}

/*
 * Thousands of damaged copies of the samples, under ASan: no read out of
 * bounds, and whatever stripping accepts sniffs as before and strips to
 * itself.
 */
static void
survives_damaged_files(void **state)
{
    struct sample s[4];
    unsigned char copy[2048], *out, *again;
    size_t i, n, out_len, again_len;
    struct image_info info, stripped;
    uint32_t seed = 12345;
    int round, k;

    jpeg_sample(&s[0], 640, 480);
    png_sample(&s[1], 3, 2);
    gif_sample(&s[2], 5, 4);
    webp_sample(&s[3], 300, 200);
    for (i = 0; i < 4; i++) {
        for (round = 0; round < 3000; round++) {
            n = s[i].all_len;
            memcpy(copy, s[i].all, n);
            for (k = 0; k < 1 + round % 4; k++) {
                seed = seed * 1103515245u + 12345u;
                copy[(seed >> 8) % n] = (unsigned char)(seed >> 20);
            }
            if (image_sniff(copy, n, &info) != RC_OK)
                continue;
            if (image_strip_metadata(copy, n, &out, &out_len) != RC_OK)
                continue;
            assert_true(out_len <= n);
            assert_int_equal(image_sniff(out, out_len, &stripped), RC_OK);
            assert_same_info(&stripped, &info);
            assert_int_equal(image_strip_metadata(out, out_len, &again, &again_len), RC_OK);
            assert_int_equal(again_len, out_len);
            assert_memory_equal(again, out, out_len);
            free(again);
            free(out);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sniff_reads_type_and_size),
        cmocka_unit_test(type_comes_from_the_bytes),
        cmocka_unit_test(strips_jpeg),
        cmocka_unit_test(strips_png),
        cmocka_unit_test(strips_gif),
        cmocka_unit_test(strips_webp),
        cmocka_unit_test(strips_jpeg_thumbnail_and_between_scans),
        cmocka_unit_test(refuses_what_is_not_an_image),
        cmocka_unit_test(refuses_truncated_files),
        cmocka_unit_test(refuses_lengths_past_the_end),
        cmocka_unit_test(refuses_bad_riff_sizes),
        cmocka_unit_test(refuses_sizes_out_of_range),
        cmocka_unit_test(refuses_broken_structure),
        cmocka_unit_test(survives_damaged_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
