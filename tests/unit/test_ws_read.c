/*
 * tests/unit/test_ws_read.c - reading a WebSocket client's frames
 * (live/ws_read.c): pings, pongs and closes handed over whole and unmasked
 * whatever pieces the bytes come in; data messages (a "subscribe") handed
 * over whole and unmasked, joined from their fragments around the control
 * frames between them, in every length form; a message over
 * WS_MESSAGE_MAX refused (WS_TOO_BIG) before it is kept; and each breach
 * of the protocol refused: an unmasked frame, a control frame over 125
 * bytes or fragmented, reserved bits and opcodes, a continuation of no
 * message, a message begun inside another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "live/ws_read.h"

/* What the handlers were given, in order (a message's opcode is 0x1 or 0x2). */
struct seen {
    unsigned opcodes[16];
    unsigned char payloads[16][WS_MESSAGE_MAX + 1];
    size_t lens[16], n;
};

static void
record(void *arg, unsigned opcode, const unsigned char *payload, size_t len)
{
    struct seen *s = arg;

    assert_true(s->n < 16);
    assert_true(len <= WS_MESSAGE_MAX);
    s->opcodes[s->n] = opcode;
    memcpy(s->payloads[s->n], payload, len);
    s->lens[s->n++] = len;
}

static const struct ws_handlers handlers = {record, record};

/* A client's frame (masked with a fixed key) into out; its length. */
static size_t
frame(unsigned char *out, unsigned first, const void *payload, uint64_t len)
{
    static const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    size_t n = 0, i;

    out[n++] = (unsigned char)first;
    if (len < 126) {
        out[n++] = (unsigned char)(0x80 | len);
    } else if (len < 65536) {
        out[n++] = 0x80 | 126;
        out[n++] = (unsigned char)(len >> 8);
        out[n++] = (unsigned char)len;
    } else {
        out[n++] = 0x80 | 127;
        for (i = 0; i < 8; i++)
            out[n++] = (unsigned char)(len >> (56 - 8 * i));
    }
    memcpy(out + n, key, 4);
    n += 4;
    for (i = 0; i < len; i++)
        out[n + i] = (unsigned char)(((const unsigned char *)payload)[i] ^ key[i % 4]);
    return n + (size_t)len;
}

/* Feeds bytes in pieces of step (the whole when 0); the result of the last call. */
static int
feed(struct ws_reader *r, const unsigned char *bytes, size_t n, size_t step, struct seen *s)
{
    size_t at = 0, take;
    int rc = 0;

    if (step == 0)
        step = n;
    while (at < n && rc == 0) {
        take = n - at < step ? n - at : step;
        rc = ws_read(r, bytes + at, take, &handlers, s);
        at += take;
    }
    return rc;
}

static void
frames_and_messages_come_whole_in_any_pieces(void **state)
{
    static const size_t steps[] = {0, 1, 2, 3, 7, 13};
    unsigned char *data = malloc(3000), *bytes = malloc(8000);
    char subscribe[] = "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"innover\"}";
    size_t n = 0, i, k;

    (void)state;
    assert_non_null(data);
    assert_non_null(bytes);
    memset(data, 'x', 3000);
    n += frame(bytes + n, 0x89, "ping 1", 6);                  /* ping */
    n += frame(bytes + n, 0x81, subscribe, strlen(subscribe)); /* a text message */
    n += frame(bytes + n, 0x8a, "", 0);                        /* an empty pong */
    n += frame(bytes + n, 0x82, data, 300);                    /* binary, 16-bit length */
    n += frame(bytes + n, 0x01, "abcdefghij", 10);             /* a fragmented text... */
    n += frame(bytes + n, 0x89, data, WS_CONTROL_MAX);         /* ...a ping between... */
    n += frame(bytes + n, 0x00, data, 2000);                   /* ...more of it... */
    n += frame(bytes + n, 0x80, "", 0);                        /* ...its end, empty */
    n += frame(bytes + n, 0x81, "", 0);                        /* an empty text */
    n += frame(bytes + n, 0x88,
               "\x03\xe8"
               "bye",
               5); /* close 1000 "bye" */
    for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        struct ws_reader r = {0};
        struct seen s = {0};

        assert_int_equal(feed(&r, bytes, n, steps[k], &s), 0);
        assert_int_equal(s.n, 8);
        assert_int_equal(s.opcodes[0], 0x9);
        assert_int_equal(s.lens[0], 6);
        assert_memory_equal(s.payloads[0], "ping 1", 6);
        assert_int_equal(s.opcodes[1], 0x1);
        assert_int_equal(s.lens[1], strlen(subscribe));
        assert_memory_equal(s.payloads[1], subscribe, strlen(subscribe));
        assert_int_equal(s.opcodes[2], 0xa);
        assert_int_equal(s.lens[2], 0);
        assert_int_equal(s.opcodes[3], 0x2);
        assert_int_equal(s.lens[3], 300);
        assert_int_equal(s.opcodes[4], 0x9);
        assert_int_equal(s.lens[4], WS_CONTROL_MAX);
        for (i = 0; i < WS_CONTROL_MAX; i++)
            assert_int_equal(s.payloads[4][i], 'x');
        assert_int_equal(s.opcodes[5], 0x1); /* the fragments, joined */
        assert_int_equal(s.lens[5], 2010);
        assert_memory_equal(s.payloads[5], "abcdefghij", 10);
        for (i = 10; i < 2010; i++)
            assert_int_equal(s.payloads[5][i], 'x');
        assert_int_equal(s.opcodes[6], 0x1);
        assert_int_equal(s.lens[6], 0);
        assert_int_equal(s.opcodes[7], 0x8);
        assert_int_equal(s.lens[7], 5);
        assert_memory_equal(s.payloads[7],
                            "\x03\xe8"
                            "bye",
                            5);
        assert_int_equal(r.len, 0);
        assert_int_equal(r.data_left, 0);
        assert_null(r.message); /* nothing kept between messages */
    }
    free(data);
    free(bytes);
}

static void
a_message_over_the_limit_is_refused_before_it_is_kept(void **state)
{
    unsigned char *data = malloc(80000), *bytes = malloc(90000);
    size_t n, k;

    (void)state;
    assert_non_null(data);
    assert_non_null(bytes);
    memset(data, 'z', 80000);
    for (k = 0; k < 2; k++) { /* whole, then a byte at a time */
        struct ws_reader r = {0};
        struct seen s = {0};

        /* exactly the limit, in two fragments: handed over */
        n = frame(bytes, 0x01, data, WS_MESSAGE_MAX - 1);
        n += frame(bytes + n, 0x80, data, 1);
        assert_int_equal(feed(&r, bytes, n, k, &s), 0);
        assert_int_equal(s.n, 1);
        assert_int_equal(s.lens[0], WS_MESSAGE_MAX);
        /* one byte more: refused at the header of the fragment passing it */
        n = frame(bytes, 0x01, data, WS_MESSAGE_MAX);
        n += frame(bytes + n, 0x80, data, 1);
        assert_int_equal(feed(&r, bytes, n, k, &s), WS_TOO_BIG);
        assert_int_equal(s.n, 1);
        ws_reader_release(&r);
        /* a 64-bit length, refused at its header */
        memset(&r, 0, sizeof(r));
        n = frame(bytes, 0x81, data, 70000);
        assert_int_equal(feed(&r, bytes, 14, k, &s), WS_TOO_BIG);
        ws_reader_release(&r);
        assert_int_equal(s.n, 1);
    }
    free(data);
    free(bytes);
}

static void
breaches_of_the_protocol_are_refused(void **state)
{
    unsigned char bytes[400], big[200];
    struct ws_reader r;
    struct seen s;
    size_t n;

    (void)state;
    memset(big, 'y', sizeof(big));
    /* not masked */
    memset(&r, 0, sizeof(r));
    memset(&s, 0, sizeof(s));
    bytes[0] = 0x89;
    bytes[1] = 0x00;
    assert_int_equal(ws_read(&r, bytes, 2, &handlers, &s), WS_BROKEN); /* known from its 2 bytes */
    /* a control frame over 125 bytes */
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x89, big, 126);
    assert_int_equal(feed(&r, bytes, n, 1, &s), WS_BROKEN);
    /* a fragmented control frame */
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x09, "x", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    /* reserved bits (no extension agreed), reserved opcodes */
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0xc1, "x", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x83, "x", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x8b, "x", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    /* a 64-bit length with its top bit set */
    memset(&r, 0, sizeof(r));
    bytes[0] = 0x82;
    bytes[1] = 0x80 | 127;
    memset(bytes + 2, 0xff, 8);
    memset(bytes + 10, 0, 4);
    assert_int_equal(ws_read(&r, bytes, 14, &handlers, &s), WS_BROKEN);
    /* the continuation of no message; a message begun inside another */
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x80, "x", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    memset(&r, 0, sizeof(r));
    n = frame(bytes, 0x01, "x", 1);
    n += frame(bytes + n, 0x81, "y", 1);
    assert_int_equal(feed(&r, bytes, n, 0, &s), WS_BROKEN);
    ws_reader_release(&r);
    assert_int_equal(s.n, 0); /* nothing was handed over */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frames_and_messages_come_whole_in_any_pieces),
        cmocka_unit_test(a_message_over_the_limit_is_refused_before_it_is_kept),
        cmocka_unit_test(breaches_of_the_protocol_are_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
