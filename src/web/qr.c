/*
 * web/qr.c - draws libqrencode's module matrix as SVG for the wall page.
 * Each row's dark modules are merged into horizontal runs, one "M x y h n
 * v1 h-n z" rectangle each, all in a single path: a URL's code stays a few
 * kilobytes and renders without seams. The document is measured first and
 * then written into one allocation of exactly its size. Where the code
 * goes on the page, and how big, is the page's business.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "web/qr.h"

#define QR_QUIET 4 /* modules of light margin on each side, as the standard asks */

/* Where the SVG goes: buf NULL only counts the bytes. */
struct svg_out {
    char *buf;
    size_t cap; /* bytes of buf, the final NUL included */
    size_t len;
};

static void svg_printf(struct svg_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
svg_printf(struct svg_out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    if (o->buf != NULL)
        n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    else
        n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static bool
qr_dark(const QRcode *qr, int x, int y)
{
    return (qr->data[(size_t)y * (size_t)qr->width + (size_t)x] & 1) != 0; /* bit 0: dark */
}

/* The runs of dark modules of row y, shifted by the quiet zone. */
static void
svg_row(struct svg_out *o, const QRcode *qr, int y)
{
    int x = 0, start;

    while (x < qr->width) {
        if (!qr_dark(qr, x, y)) {
            x++;
            continue;
        }
        start = x;
        while (x < qr->width && qr_dark(qr, x, y))
            x++;
        svg_printf(o, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET, x - start, x - start);
    }
}

static void
svg_write(struct svg_out *o, const QRcode *qr)
{
    int size = qr->width + 2 * QR_QUIET, y;

    svg_printf(o,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
               "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
               size, size, size, size);
    for (y = 0; y < qr->width; y++)
        svg_row(o, qr, y);
    svg_printf(o, "\"/></svg>\n");
}

char *
qr_svg(const char *text, size_t *len_out)
{
    struct svg_out o = {0};
    QRcode *qr;
    size_t n;

    if (len_out != NULL)
        *len_out = 0;
    if (text == NULL || (n = strnlen(text, QR_TEXT_MAX + 1)) == 0 || n > QR_TEXT_MAX)
        return NULL;
    if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
        return NULL;
    svg_write(&o, qr);
    o.cap = o.len + 1;
    o.len = 0;
    if ((o.buf = malloc(o.cap)) != NULL) {
        svg_write(&o, qr);
        if (len_out != NULL)
            *len_out = o.len;
    }
    QRcode_free(qr);
    return o.buf;
}
