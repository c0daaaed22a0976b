/*
 * web/image.c - media uploads: the type of a file from its first bytes, and
 * a copy without metadata for the Mastodon-compatible media API. Phones put
 * GPS positions, serial numbers and editing history in EXIF, XMP, PNG text
 * chunks and GIF comments; a live blog must not publish them.
 *
 * Nothing is decoded: each format's container (JPEG markers, PNG chunks, GIF
 * blocks, RIFF chunks) is walked, every length checked against what is
 * left before it is used, and only what makes the picture is copied. What
 * is kept is listed (an allowlist), so a metadata block nobody has heard of
 * yet goes too. Each walk runs twice: once counting the bytes it would keep,
 * once writing them into one allocation of exactly that size, so a
 * malformed file is refused before anything is allocated. Storing the file
 * and limiting its byte size are the caller's business.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rc.h"
#include "web/image.h"

/* Where the kept bytes go: buf NULL only counts them. */
struct sink {
    unsigned char *buf;
    size_t len;
    size_t cap; /* the size counted by the first walk, once buf is set */
};

static void
sink_put(struct sink *s, const void *p, size_t n)
{
    if (s->buf != NULL)
        memcpy(s->buf + s->len, p, n);
    s->len += n;
}

static uint32_t
be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le16(const unsigned char *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
le24(const unsigned char *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[3] << 24 | le24(p);
}

static void
put_le32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = (v >> 24) & 0xff;
}

/* Does the n-byte block at p start with the n bytes of tag? */
static bool
starts_with(const unsigned char *p, size_t n, const char *tag, size_t tag_len)
{
    return n >= tag_len && memcmp(p, tag, tag_len) == 0;
}

static int
info_set(struct image_info *out, enum image_type type, uint32_t width, uint32_t height)
{
    static const char *const mimes[] = {NULL, "image/jpeg", "image/png", "image/gif", "image/webp"};
    static const char *const extensions[] = {NULL, "jpg", "png", "gif", "webp"};

    if (width == 0 || height == 0 || width > IMAGE_MAX_SIDE || height > IMAGE_MAX_SIDE)
        return RC_INVALID;
    out->type = type;
    out->mime = mimes[type];
    out->extension = extensions[type];
    out->width = width;
    out->height = height;
    return RC_OK;
}

/* ---- JPEG: markers FF xx, most followed by a 16-bit length counting itself ---- */

#define JPEG_SOI   0xD8
#define JPEG_EOI   0xD9
#define JPEG_SOS   0xDA
#define JPEG_APP0  0xE0
#define JPEG_APP2  0xE2
#define JPEG_APP14 0xEE
#define JPEG_COM   0xFE

/* SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not. */
static bool
jpeg_is_sof(unsigned m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Markers with a length: C0..FE but RST0..7, SOI and EOI. The rest is refused. */
static bool
jpeg_has_length(unsigned m)
{
    return m >= 0xC0 && m <= 0xFE && !(m >= 0xD0 && m <= JPEG_EOI);
}

/*
 * Reads the marker at *pos (fill bytes 0xFF allowed before it) and, when it
 * has one, its segment's length: *pos is left on the length bytes, *seg_len
 * counts them and the body. RC_INVALID when there is no marker at *pos, or
 * when the segment runs past the end.
 */
static int
jpeg_marker(const unsigned char *d, size_t len, size_t *pos, unsigned *marker, size_t *seg_len)
{
    size_t p = *pos;

    if (p >= len || d[p] != 0xFF)
        return RC_INVALID;
    while (p < len && d[p] == 0xFF)
        p++;
    if (p >= len)
        return RC_INVALID;
    *marker = d[p++];
    *seg_len = 0;
    if (jpeg_has_length(*marker)) {
        if (len - p < 2 || (*seg_len = be16(d + p)) < 2 || *seg_len > len - p)
            return RC_INVALID;
    } else if (*marker != JPEG_EOI && !(*marker >= 0xD0 && *marker <= 0xD7)) {
        return RC_INVALID; /* 00, TEM, reserved 02..BF, a second SOI */
    }
    *pos = p;
    return RC_OK;
}

static int
jpeg_sniff(const unsigned char *d, size_t len, struct image_info *out)
{
    size_t pos = 2, seg_len;
    unsigned m;
    const unsigned char *b;

    for (;;) {
        if (jpeg_marker(d, len, &pos, &m, &seg_len) != RC_OK || !jpeg_has_length(m) ||
            m == JPEG_SOS)
            return RC_INVALID; /* no frame header before the first scan */
        if (jpeg_is_sof(m)) {
            b = d + pos + 2; /* precision, height, width, components, 3 bytes each */
            if (seg_len < 8 || b[5] == 0 || seg_len - 8 < 3u * b[5])
                return RC_INVALID;
            return info_set(out, IMAGE_JPEG, be16(b + 3), be16(b + 1));
        }
        pos += seg_len;
    }
}

/*
 * Is this APPn or COM segment kept? JFIF (written back without its
 * thumbnail by jpeg_strip), ICC profiles, and Adobe's colour transform,
 * which CMYK and some RGB files need to show the right colours.
 */
static bool
jpeg_keep_app(unsigned m, const unsigned char *body, size_t n)
{
    if (m == JPEG_APP0)
        return n >= 14 && starts_with(body, n, "JFIF\0", 5);
    if (m == JPEG_APP2)
        return n >= 14 && starts_with(body, n, "ICC_PROFILE\0", 12);
    if (m == JPEG_APP14)
        return n == 12 && starts_with(body, n, "Adobe", 5);
    return false;
}

/*
 * Where the entropy-coded data starting at pos ends: at the next marker, or
 * at len. Inside it, 0xFF is only ever followed by 0x00 (a stuffed 0xFF
 * byte) or by RST0..7, which belong to the data.
 */
static size_t
jpeg_entropy_end(const unsigned char *d, size_t len, size_t pos)
{
    while (pos < len) {
        if (d[pos] != 0xFF) {
            pos++;
            continue;
        }
        if (pos + 1 >= len || !(d[pos + 1] == 0x00 || (d[pos + 1] >= 0xD0 && d[pos + 1] <= 0xD7)))
            break;
        pos += 2;
    }
    return pos;
}

static int
jpeg_strip(const unsigned char *d, size_t len, struct sink *s)
{
    static const unsigned char eoi[2] = {0xFF, JPEG_EOI};
    size_t pos = 2, seg_len, start;
    bool in_scans = false, seen_sof = false;
    unsigned char head[4] = {0xFF, 0, 0, 0};
    unsigned m;

    sink_put(s, d, 2); /* SOI */
    for (;;) {
        if (in_scans) {
            start = pos;
            pos = jpeg_entropy_end(d, len, pos);
            sink_put(s, d + start, pos - start);
        }
        if (jpeg_marker(d, len, &pos, &m, &seg_len) != RC_OK)
            return RC_INVALID;
        if (m == JPEG_EOI) {
            if (!in_scans)
                return RC_INVALID;
            sink_put(s, eoi, 2);
            return RC_OK; /* whatever follows EOI is dropped */
        }
        if (!jpeg_has_length(m))
            return RC_INVALID; /* RSTn outside a scan */
        head[1] = (unsigned char)m;
        if ((m >= JPEG_APP0 && m <= 0xEF) || m == JPEG_COM) {
            if (jpeg_keep_app(m, d + pos + 2, seg_len - 2)) {
                if (m == JPEG_APP0) { /* "JFIF\0", version, units, density: no thumbnail */
                    static const unsigned char no_thumb[2] = {0, 0};
                    head[2] = 0;
                    head[3] = 16;
                    sink_put(s, head, 4);
                    sink_put(s, d + pos + 2, 12);
                    sink_put(s, no_thumb, 2);
                } else {
                    sink_put(s, head, 2);
                    sink_put(s, d + pos, seg_len);
                }
            }
            pos += seg_len;
            continue;
        }
        if (jpeg_is_sof(m))
            seen_sof = true;
        if (m == JPEG_SOS) {
            if (!seen_sof)
                return RC_INVALID;
            in_scans = true;
        }
        sink_put(s, head, 2);
        sink_put(s, d + pos, seg_len);
        pos += seg_len;
    }
}

/* ---- PNG: chunks of length, type, data and CRC ---- */

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

#define PNG_MAX_CHUNK 0x7FFFFFFFu /* the specification's limit on a chunk's length */

static int
png_sniff(const unsigned char *d, size_t len, struct image_info *out)
{
    const unsigned char *h = d + 16; /* IHDR's data */
    unsigned depth, color;

    if (len < 8 + 8 + 13 + 4 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return RC_INVALID;
    depth = h[8];
    color = h[9];
    switch (color) {
    case 0: /* grey */
        if (depth != 1 && depth != 2 && depth != 4 && depth != 8 && depth != 16)
            return RC_INVALID;
        break;
    case 3: /* palette */
        if (depth != 1 && depth != 2 && depth != 4 && depth != 8)
            return RC_INVALID;
        break;
    case 2: /* RGB */
    case 4: /* grey and alpha */
    case 6: /* RGBA */
        if (depth != 8 && depth != 16)
            return RC_INVALID;
        break;
    default:
        return RC_INVALID;
    }
    if (h[10] != 0 || h[11] != 0 || h[12] > 1) /* compression, filter, interlace */
        return RC_INVALID;
    return info_set(out, IMAGE_PNG, be32(h), be32(h + 4));
}

/* Ancillary chunks that change how the image looks or moves (APNG). */
static bool
png_keep_ancillary(const unsigned char *type)
{
    static const char kept[][5] = {"tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "cICP", "mDCv", "cLLi",
                                   "sBIT", "bKGD", "pHYs", "hIST", "sPLT", "acTL", "fcTL", "fdAT"};
    size_t i;

    for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        if (memcmp(type, kept[i], 4) == 0)
            return true;
    }
    return false;
}

static int
png_strip(const unsigned char *d, size_t len, struct sink *s)
{
    size_t pos = 8, i;
    uint32_t n;
    const unsigned char *type;
    bool seen_idat = false;

    sink_put(s, d, 8);
    for (;;) {
        if (len - pos < 12 || (n = be32(d + pos)) > PNG_MAX_CHUNK || n > len - pos - 12)
            return RC_INVALID;
        type = d + pos + 4;
        for (i = 0; i < 4; i++) {
            if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')))
                return RC_INVALID;
        }
        if ((memcmp(type, "IHDR", 4) == 0) != (pos == 8))
            return RC_INVALID; /* IHDR first, and once */
        if (memcmp(type, "IDAT", 4) == 0)
            seen_idat = true;
        if (!(type[0] & 0x20)) { /* critical: must be known, is always kept */
            if (memcmp(type, "IHDR", 4) != 0 && memcmp(type, "PLTE", 4) != 0 &&
                memcmp(type, "IDAT", 4) != 0 && memcmp(type, "IEND", 4) != 0)
                return RC_INVALID;
            sink_put(s, d + pos, (size_t)n + 12);
        } else if (png_keep_ancillary(type)) {
            sink_put(s, d + pos, (size_t)n + 12);
        }
        pos += (size_t)n + 12;
        if (memcmp(type, "IEND", 4) == 0)
            return seen_idat ? RC_OK : RC_INVALID; /* whatever follows IEND is dropped */
    }
}

/* ---- GIF: a screen descriptor, then blocks, each ending a run of sub-blocks ---- */

static int
gif_sniff(const unsigned char *d, size_t len, struct image_info *out)
{
    if (len < 13 || (memcmp(d, "GIF87a", 6) != 0 && memcmp(d, "GIF89a", 6) != 0))
        return RC_INVALID;
    return info_set(out, IMAGE_GIF, le16(d + 6), le16(d + 8));
}

/* Where the sub-blocks starting at pos end, past their empty terminator; 0 when cut. */
static size_t
gif_skip_sub_blocks(const unsigned char *d, size_t len, size_t pos)
{
    size_t n;

    for (;;) {
        if (pos >= len)
            return 0;
        if ((n = d[pos++]) == 0)
            return pos;
        if (n > len - pos)
            return 0;
        pos += n;
    }
}

/* The size in bytes of the colour table announced by a packed field. */
static size_t
gif_color_table(unsigned packed)
{
    return packed & 0x80 ? (size_t)3 << ((packed & 7) + 1) : 0;
}

static int
gif_strip(const unsigned char *d, size_t len, struct sink *s)
{
    size_t pos = 13, end, table = gif_color_table(d[10]);
    bool seen_image = false, keep;

    if (table > len - pos)
        return RC_INVALID;
    pos += table;
    sink_put(s, d, pos);
    for (;;) {
        if (pos >= len)
            return RC_INVALID;
        switch (d[pos]) {
        case 0x3B: /* trailer; whatever follows is dropped */
            if (!seen_image)
                return RC_INVALID;
            sink_put(s, d + pos, 1);
            return RC_OK;
        case 0x2C: /* image descriptor, local colour table, LZW code size, data */
            if (len - pos < 10)
                return RC_INVALID;
            table = gif_color_table(d[pos + 9]);
            if (table >= len - pos - 10 || d[pos + 10 + table] > 11)
                return RC_INVALID;
            if ((end = gif_skip_sub_blocks(d, len, pos + 11 + table)) == 0)
                return RC_INVALID;
            seen_image = true;
            keep = true;
            break;
        case 0x21: /* extension: label, sub-blocks */
            if (len - pos < 2 || (end = gif_skip_sub_blocks(d, len, pos + 2)) == 0)
                return RC_INVALID;
            switch (d[pos + 1]) {
            case 0xF9: /* graphic control: delay, transparency */
            case 0x01: /* plain text, drawn on the picture */
                keep = true;
                break;
            case 0xFF: /* application: keep the looping ones, not XMP or the like */
                keep = d[pos + 2] == 11 && end - pos >= 14 &&
                       (memcmp(d + pos + 3, "NETSCAPE2.0", 11) == 0 ||
                        memcmp(d + pos + 3, "ANIMEXTS1.0", 11) == 0);
                break;
            default: /* 0xFE comment, or unknown */
                keep = false;
            }
            break;
        default:
            return RC_INVALID;
        }
        if (keep)
            sink_put(s, d + pos, end - pos);
        pos = end;
    }
}

/* ---- WebP: RIFF chunks of fourcc, 32-bit little-endian size, data, pad to even ---- */

#define WEBP_FLAG_XMP  0x04
#define WEBP_FLAG_EXIF 0x08

static int
webp_sniff(const unsigned char *d, size_t len, struct image_info *out)
{
    const unsigned char *c = d + 20; /* the first chunk's data */
    uint32_t n, bits;

    if (len < 20 || memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0)
        return RC_INVALID;
    if ((n = le32(d + 16)) > len - 20)
        return RC_INVALID;
    if (memcmp(d + 12, "VP8X", 4) == 0) { /* flags, 3 reserved, canvas size - 1 */
        if (n < 10)
            return RC_INVALID;
        return info_set(out, IMAGE_WEBP, le24(c + 4) + 1, le24(c + 7) + 1);
    }
    if (memcmp(d + 12, "VP8L", 4) == 0) { /* 0x2F, 14 bits each of size - 1, alpha, version */
        if (n < 5 || c[0] != 0x2F || (bits = le32(c + 1)) >> 29 != 0)
            return RC_INVALID;
        return info_set(out, IMAGE_WEBP, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (memcmp(d + 12, "VP8 ", 4) == 0) { /* key frame tag, start code, 14-bit sizes */
        if (n < 10 || (c[0] & 1) != 0 || c[3] != 0x9D || c[4] != 0x01 || c[5] != 0x2A)
            return RC_INVALID;
        return info_set(out, IMAGE_WEBP, le16(c + 6) & 0x3FFF, le16(c + 8) & 0x3FFF);
    }
    return RC_INVALID;
}

static bool
webp_keep(const unsigned char *fourcc)
{
    static const char kept[][5] = {"VP8X", "ICCP", "ANIM", "ANMF", "ALPH", "VP8 ", "VP8L"};
    size_t i;

    for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        if (memcmp(fourcc, kept[i], 4) == 0)
            return true;
    }
    return false;
}

static int
webp_strip(const unsigned char *d, size_t len, struct sink *s)
{
    uint32_t riff = le32(d + 4), n;
    size_t pos = 12, end, padded;
    unsigned char head[12], flags;
    bool seen_image = false;

    if (riff < 4 || riff > len - 8)
        return RC_INVALID;
    end = 8 + (size_t)riff; /* whatever follows the RIFF is dropped */
    memcpy(head, d, 12);
    if (s->buf != NULL)
        put_le32(head + 4, (uint32_t)(s->cap - 8)); /* what the first walk counted */
    sink_put(s, head, 12);
    while (pos < end) {
        if (end - pos < 8 || (n = le32(d + pos + 4)) > end - pos - 8)
            return RC_INVALID;
        padded = (size_t)n + (n & 1);
        if (padded > end - pos - 8)
            return RC_INVALID;
        if (memcmp(d + pos, "VP8X", 4) == 0 && pos != 12)
            return RC_INVALID; /* VP8X only first, and once */
        if (memcmp(d + pos, "VP8 ", 4) == 0 || memcmp(d + pos, "VP8L", 4) == 0 ||
            memcmp(d + pos, "ANMF", 4) == 0)
            seen_image = true;
        if (memcmp(d + pos, "VP8X", 4) == 0) { /* flags first: EXIF and XMP are gone */
            if (n < 10)
                return RC_INVALID;
            flags = d[pos + 8] & ~(WEBP_FLAG_EXIF | WEBP_FLAG_XMP);
            sink_put(s, d + pos, 8);
            sink_put(s, &flags, 1);
            sink_put(s, d + pos + 9, padded - 1);
        } else if (webp_keep(d + pos)) {
            sink_put(s, d + pos, 8 + padded);
        }
        pos += 8 + padded;
    }
    return seen_image ? RC_OK : RC_INVALID;
}

/* ---- the interface ---- */

int
image_sniff(const unsigned char *data, size_t len, struct image_info *out)
{
    int rc = RC_INVALID;

    memset(out, 0, sizeof(*out));
    if (data == NULL || len < 2)
        return RC_INVALID;
    if (data[0] == 0xFF && data[1] == JPEG_SOI)
        rc = jpeg_sniff(data, len, out);
    else if (len >= 8 && memcmp(data, png_signature, 8) == 0)
        rc = png_sniff(data, len, out);
    else if (len >= 6 && memcmp(data, "GIF8", 4) == 0)
        rc = gif_sniff(data, len, out);
    else if (len >= 12 && memcmp(data, "RIFF", 4) == 0)
        rc = webp_sniff(data, len, out);
    if (rc != RC_OK)
        memset(out, 0, sizeof(*out));
    return rc;
}

int
image_strip_metadata(const unsigned char *data, size_t len, unsigned char **out, size_t *out_len)
{
    struct image_info info;
    struct sink s = {0};
    int (*strip)(const unsigned char *, size_t, struct sink *);

    *out = NULL;
    *out_len = 0;
    if (image_sniff(data, len, &info) != RC_OK)
        return RC_INVALID;
    switch (info.type) {
    case IMAGE_JPEG:
        strip = jpeg_strip;
        break;
    case IMAGE_PNG:
        strip = png_strip;
        break;
    case IMAGE_GIF:
        strip = gif_strip;
        break;
    case IMAGE_WEBP:
        strip = webp_strip;
        break;
    default:
        return RC_INVALID;
    }
    if (strip(data, len, &s) != RC_OK)
        return RC_INVALID;
    s.cap = s.len;
    s.len = 0;
    if ((s.buf = malloc(s.cap)) == NULL)
        return RC_NOMEM;
    if (strip(data, len, &s) != RC_OK || s.len != s.cap) { /* cannot be: the same walk */
        free(s.buf);
        return RC_INVALID;
    }
    *out = s.buf;
    *out_len = s.len;
    return RC_OK;
}
