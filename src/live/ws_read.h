/*
 * live/ws_read.h - what a WebSocket client sends on a stream, read frame by
 * frame as its bytes come (in any pieces): RFC 6455 asks a server to answer
 * a ping with a pong carrying the same bytes and a close with a close, and
 * phone apps' HTTP libraries (OkHttp's pingInterval) drop a connection
 * whose pings go unanswered; web apps (masto.js: Elk, Phanpy) open one
 * socket and send "subscribe" messages on it, so data messages are
 * reassembled from their fragments and handed over whole, up to
 * WS_MESSAGE_MAX bytes.
 */
#ifndef GZ_LIVE_WS_READ_H
#define GZ_LIVE_WS_READ_H

#include <stddef.h>
#include <stdint.h>

#define WS_CONTROL_MAX 125  /* bytes of a control frame's payload (RFC 6455 5.5) */
#define WS_MESSAGE_MAX 4096 /* bytes of a client's data message (a subscribe is ~70) */

#define WS_BROKEN  (-1) /* the client breaks the protocol: close the connection */
#define WS_TOO_BIG (-2) /* a message over WS_MESSAGE_MAX: close with 1009 */

struct ws_reader {
    unsigned char frame[14 + WS_CONTROL_MAX]; /* a header, and a control frame's payload */
    size_t len;                               /* bytes of frame held */
    uint64_t data_left;                       /* payload bytes of a data frame still to come */
    size_t data_at;                           /* of its payload, the bytes read (for the mask) */
    unsigned char mask[4];                    /* the data frame's */
    unsigned message_opcode; /* 1 (text) or 2 (binary) while a message is open; 0 */
    unsigned char *message;  /* its bytes so far, unmasked (malloc'd; NULL when none) */
    size_t message_len;
};

struct ws_handlers {
    /* A whole control frame: opcode 0x8 (close), 0x9 (ping) or 0xA (pong), payload unmasked. */
    void (*control)(void *arg, unsigned opcode, const unsigned char *payload, size_t len);
    /* A whole data message: opcode 0x1 (text) or 0x2 (binary), its fragments joined, unmasked. */
    void (*message)(void *arg, unsigned opcode, const unsigned char *data, size_t len);
};

/*
 * Reads n bytes of the client's, calling the handlers for each control
 * frame and message they complete. 0; WS_BROKEN when the client breaks the
 * protocol (a frame not masked, a control frame fragmented or over 125
 * bytes, reserved bits or opcodes, a continuation of no message, a new
 * message inside another); WS_TOO_BIG when a message passes
 * WS_MESSAGE_MAX. After either, the connection is to be closed.
 */
int ws_read(struct ws_reader *r, const unsigned char *in, size_t n, const struct ws_handlers *h,
            void *arg);

/* Frees what r holds (a message in progress); r can be read with again from scratch. */
void ws_reader_release(struct ws_reader *r);

#endif
