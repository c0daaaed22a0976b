/*
 * live/ws_read.h - what a WebSocket client sends on a stream, read frame by
 * frame as its bytes come (in any pieces): RFC 6455 asks a server to answer
 * a ping with a pong carrying the same bytes and a close with a close, and
 * phone apps' HTTP libraries (OkHttp's pingInterval) drop a connection
 * whose pings go unanswered. Data frames (an app's "subscribe" messages)
 * are skipped: a stream here has one topic.
 */
#ifndef GZ_LIVE_WS_READ_H
#define GZ_LIVE_WS_READ_H

#include <stddef.h>
#include <stdint.h>

#define WS_CONTROL_MAX 125 /* bytes of a control frame's payload (RFC 6455 5.5) */

struct ws_reader {
    unsigned char frame[14 + WS_CONTROL_MAX]; /* a header, and a control frame's payload */
    size_t len;                               /* bytes of frame held */
    uint64_t skip;                            /* payload bytes of a data frame still to come */
};

/* A whole control frame: opcode 0x8 (close), 0x9 (ping) or 0xA (pong), payload unmasked. */
typedef void (*ws_control_fn)(void *arg, unsigned opcode, const unsigned char *payload, size_t len);

/*
 * Reads n bytes of the client's, calling on_control for each control frame
 * they complete. 0, or -1 when the client breaks the protocol (a frame not
 * masked, a control frame fragmented or over 125 bytes, reserved bits or
 * opcodes): the connection is then to be closed.
 */
int ws_read(struct ws_reader *r, const unsigned char *in, size_t n, ws_control_fn on_control,
            void *arg);

#endif
