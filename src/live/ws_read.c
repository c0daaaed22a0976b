/*
 * live/ws_read.c - the client's side of a WebSocket stream, read (see
 * ws_read.h). Bytes are taken one piece at a time into the frame buffer
 * until a header is whole; a control frame's payload is then kept until
 * whole, unmasked and handed over; a data frame's payload is unmasked as
 * it comes onto the message it belongs to, handed over at its last
 * fragment.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "live/ws_read.h"

/* The header's length once its first two bytes are known (a client's frames are masked). */
static size_t
header_len(const unsigned char *f)
{
    unsigned len7 = f[1] & 0x7f;

    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
}

static uint64_t
payload_len(const unsigned char *f)
{
    unsigned len7 = f[1] & 0x7f, i, n = len7 == 126 ? 2 : 8;
    uint64_t v = 0;

    if (len7 < 126)
        return len7;
    for (i = 0; i < n; i++)
        v = v << 8 | f[2 + i];
    return v;
}

/*
 * Checks a header as soon as its first two bytes are in (all but a 64-bit
 * length, checked when whole): WS_BROKEN when the client breaks the
 * protocol.
 */
static int
header_check(const struct ws_reader *r, const unsigned char *f, size_t have)
{
    unsigned opcode = f[0] & 0x0f, len7 = f[1] & 0x7f;

    if ((f[0] & 0x70) != 0 || !(f[1] & 0x80))
        return WS_BROKEN; /* reserved bits (no extension was agreed), or not masked */
    if (opcode >= 0x3 && opcode <= 0x7)
        return WS_BROKEN; /* reserved data opcodes */
    if (opcode >= 0x8 && (opcode > 0xa || len7 > WS_CONTROL_MAX || !(f[0] & 0x80)))
        return WS_BROKEN; /* unknown, too long, or fragmented control frame */
    if (opcode == 0x0 && r->message_opcode == 0)
        return WS_BROKEN; /* the continuation of no message */
    if ((opcode == 0x1 || opcode == 0x2) && r->message_opcode != 0)
        return WS_BROKEN; /* a message begun inside another */
    if (len7 == 127 && have >= 10 && (f[2] & 0x80) != 0)
        return WS_BROKEN; /* a 64-bit length has its top bit clear */
    return 0;
}

/* A data frame's header is whole: its payload goes onto the message, if that stays small. */
static int
data_begin(struct ws_reader *r, size_t head)
{
    uint64_t len = payload_len(r->frame);
    unsigned char *grown;

    if (len > WS_MESSAGE_MAX - r->message_len)
        return WS_TOO_BIG;
    if ((r->frame[0] & 0x0f) != 0x0)
        r->message_opcode = r->frame[0] & 0x0f;
    if (r->message == NULL || len > 0) {
        if ((grown = realloc(r->message, r->message_len + (size_t)len + 1)) == NULL)
            return WS_TOO_BIG; /* no memory for it: as if too big, the connection ends */
        r->message = grown;
    }
    memcpy(r->mask, r->frame + head - 4, 4);
    r->data_left = len;
    r->data_at = 0;
    return 0;
}

/* The data frame is whole: at the message's last fragment, the message goes to its handler. */
static void
data_end(struct ws_reader *r, const struct ws_handlers *h, void *arg)
{
    bool last = (r->frame[0] & 0x80) != 0;

    r->len = 0;
    if (!last)
        return;
    r->message[r->message_len] = '\0'; /* for a handler that reads text */
    if (h->message != NULL)
        h->message(arg, r->message_opcode, r->message, r->message_len);
    ws_reader_release(r);
}

int
ws_read(struct ws_reader *r, const unsigned char *in, size_t n, const struct ws_handlers *h,
        void *arg)
{
    size_t want, take, i, head;
    uint64_t len;
    int rc;

    while (n > 0) {
        if (r->data_left > 0) { /* a data frame's payload: unmasked onto the message */
            take = r->data_left < n ? (size_t)r->data_left : n;
            for (i = 0; i < take; i++)
                r->message[r->message_len + i] = in[i] ^ r->mask[(r->data_at + i) % 4];
            r->message_len += take;
            r->data_at += take;
            r->data_left -= take;
            in += take;
            n -= take;
            if (r->data_left == 0)
                data_end(r, h, arg);
            continue;
        }
        want = r->len < 2 ? 2 : header_len(r->frame);
        if (r->len >= 2 && r->len >= want && (r->frame[0] & 0x0f) >= 0x8)
            want += (size_t)payload_len(r->frame); /* a control frame: its payload too */
        take = want - r->len < n ? want - r->len : n;
        memcpy(r->frame + r->len, in, take);
        r->len += take;
        in += take;
        n -= take;
        if (r->len >= 2 && (rc = header_check(r, r->frame, r->len)) != 0)
            return rc;
        if (r->len < 2 || r->len < header_len(r->frame))
            continue;
        head = header_len(r->frame);
        len = payload_len(r->frame);
        if ((r->frame[0] & 0x0f) < 0x8) { /* data: onto its message */
            if ((rc = data_begin(r, head)) != 0)
                return rc;
            if (len == 0)
                data_end(r, h, arg);
            continue;
        }
        if (r->len < head + len)
            continue; /* the control frame's payload is still coming */
        for (i = 0; i < len; i++)
            r->frame[head + i] ^= r->frame[head - 4 + i % 4];
        if (h->control != NULL)
            h->control(arg, r->frame[0] & 0x0f, r->frame + head, (size_t)len);
        r->len = 0;
    }
    return 0;
}

void
ws_reader_release(struct ws_reader *r)
{
    free(r->message);
    r->message = NULL;
    r->message_len = 0;
    r->message_opcode = 0;
}
