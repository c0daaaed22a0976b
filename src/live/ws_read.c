/*
 * live/ws_read.c - the client's side of a WebSocket stream, read (see
 * ws_read.h). Bytes are taken one piece at a time into the frame buffer
 * until a header is whole; a data frame's payload is then counted off
 * without being kept, a control frame's is kept until whole, unmasked and
 * handed over.
 */
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
 * length, checked when whole): -1 when the client breaks the protocol.
 */
static int
header_check(const unsigned char *f, size_t have)
{
    unsigned opcode = f[0] & 0x0f, len7 = f[1] & 0x7f;

    if ((f[0] & 0x70) != 0 || !(f[1] & 0x80))
        return -1; /* reserved bits (no extension was agreed), or not masked */
    if (opcode >= 0x3 && opcode <= 0x7)
        return -1; /* reserved data opcodes */
    if (opcode >= 0x8 && (opcode > 0xa || len7 > WS_CONTROL_MAX || !(f[0] & 0x80)))
        return -1; /* unknown, too long, or fragmented control frame */
    if (len7 == 127 && have >= 10 && (f[2] & 0x80) != 0)
        return -1; /* a 64-bit length has its top bit clear */
    return 0;
}

int
ws_read(struct ws_reader *r, const unsigned char *in, size_t n, ws_control_fn on_control, void *arg)
{
    size_t want, take, i, head;
    uint64_t len;

    while (n > 0) {
        if (r->skip > 0) { /* a data frame's payload: counted, not kept */
            take = r->skip < n ? (size_t)r->skip : n;
            r->skip -= take;
            in += take;
            n -= take;
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
        if (r->len >= 2 && header_check(r->frame, r->len) != 0)
            return -1;
        if (r->len < 2 || r->len < header_len(r->frame))
            continue;
        head = header_len(r->frame);
        len = payload_len(r->frame);
        if ((r->frame[0] & 0x0f) < 0x8) { /* data: skip its payload */
            r->skip = len;
            r->len = 0;
            continue;
        }
        if (r->len < head + len)
            continue; /* the control frame's payload is still coming */
        for (i = 0; i < len; i++)
            r->frame[head + i] ^= r->frame[head - 4 + i % 4];
        on_control(arg, r->frame[0] & 0x0f, r->frame + head, (size_t)len);
        r->len = 0;
    }
    return 0;
}
