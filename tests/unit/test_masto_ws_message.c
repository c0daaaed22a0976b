/*
 * tests/unit/test_masto_ws_message.c - what the Mastodon API makes of a
 * WebSocket client's text messages (masto_ws_client_message): the
 * subscriptions masto.js asks for, each with its topics and the label
 * naming it as the client did; the refusals Mastodon answers
 * {"error", "status"} for; the messages left alone; and, over 20,000
 * messages mutated from valid ones, that every answer is well formed -
 * a subscription with one or two "W:" topics and a label
 * {"stream":[…], that is JSON once closed, or a reply that is a JSON
 * object with "error" and "status", never both.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "live/live.h"
#include "masto/masto_int.h"

static struct live_ws_change
read_message(int64_t account, const char *text)
{
    struct live_ws_change c;

    memset(&c, 0x5a, sizeof(c)); /* what the hub leaves there: anything */
    c.action = LIVE_WS_NOTHING;
    c.n_topics = 0;
    c.reply[0] = '\0';
    masto_ws_client_message(account, text, strlen(text), &c);
    return c;
}

/* The reply's error and status (asserting it is such an object). */
static int
reply_status(const struct live_ws_change *c, const char **error)
{
    static char kept[LIVE_WS_REPLY_MAX];
    json_t *j = json_loads(c->reply, 0, NULL);
    int status;

    assert_non_null(j);
    assert_true(json_is_string(json_object_get(j, "error")));
    assert_true(json_is_integer(json_object_get(j, "status")));
    snprintf(kept, sizeof(kept), "%s", json_string_value(json_object_get(j, "error")));
    status = (int)json_integer_value(json_object_get(j, "status"));
    json_decref(j);
    *error = kept;
    return status;
}

static void
subscriptions_as_masto_js_asks(void **state)
{
    struct live_ws_change c;
    const char *error;

    (void)state;
    c = read_message(7, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"Innover\"}");
    assert_int_equal(c.action, LIVE_WS_SUBSCRIBE);
    assert_int_equal(c.n_topics, 1);
    assert_string_equal(c.topics[0], "W:hashtag:innover");
    assert_string_equal(c.label, "{\"stream\":[\"hashtag\",\"Innover\"],");
    assert_string_equal(c.reply, "");
    c = read_message(7, "{\"type\":\"subscribe\",\"stream\":\"hashtag:local\",\"tag\":\"#Été\"}");
    assert_int_equal(c.action, LIVE_WS_SUBSCRIBE);
    assert_string_equal(c.topics[0], "W:hashtag:local:été");
    assert_string_equal(c.label, "{\"stream\":[\"hashtag:local\",\"#Été\"],");
    /* the user's: its statuses and its notifications; the bell alone */
    c = read_message(7, "{\"type\":\"subscribe\",\"stream\":[\"user\"]}");
    assert_int_equal(c.action, LIVE_WS_SUBSCRIBE);
    assert_int_equal(c.n_topics, 2);
    assert_string_equal(c.topics[0], "W:user");
    assert_string_equal(c.topics[1], "W:n:7");
    assert_string_equal(c.label, "{\"stream\":[\"user\"],");
    c = read_message(7, "{\"type\":\"unsubscribe\",\"stream\":\"user:notification\"}");
    assert_int_equal(c.action, LIVE_WS_UNSUBSCRIBE);
    assert_int_equal(c.n_topics, 1);
    assert_string_equal(c.topics[0], "W:n:7");
    c = read_message(0, "{\"type\":\"subscribe\",\"stream\":\"public:local\"}");
    assert_int_equal(c.action, LIVE_WS_SUBSCRIBE);
    assert_string_equal(c.topics[0], "W:public:local");
    /* a tag as JSON escapes it: quotes, backslashes and controls stay in their string */
    c = read_message(1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"a\\\"b\"}");
    assert_int_equal(c.action, LIVE_WS_SUBSCRIBE); /* a tag no post has: harmless */
    assert_string_equal(c.label, "{\"stream\":[\"hashtag\",\"a\\\"b\"],");
    c = read_message(1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"ab\\u0000c\"}");
    assert_int_equal(c.action, LIVE_WS_NOTHING); /* JSON with a NUL: refused whole */
    assert_int_equal(reply_status(&c, &error), 400);
}

static void
refusals_and_what_is_left_alone(void **state)
{
    static const struct {
        int64_t account;
        const char *text;
        int status; /* 0: nothing at all */
        const char *error;
    } cases[] = {
        {1, "{\"type\":\"subscribe\",\"stream\":\"nonsense\"}", 400, "Unknown stream type"},
        {1, "{\"type\":\"subscribe\",\"stream\":42}", 400, "Unknown stream type"},
        {1, "{\"type\":\"subscribe\",\"stream\":[]}", 400, "Unknown stream type"},
        {1, "{\"type\":\"subscribe\"}", 400, "Unknown stream type"},
        {1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\"}", 400, "Missing tag name parameter"},
        {1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"\"}", 400,
         "Missing tag name parameter"},
        {1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":7}", 400,
         "Missing tag name parameter"},
        {1, "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"#\"}", 400,
         "The tag is not a hashtag"},
        {1, "{\"type\":\"subscribe\",\"stream\":\"list\",\"list\":\"3\"}", 401,
         "Not authorized to stream this list"},
        {0, "{\"type\":\"subscribe\",\"stream\":\"user\"}", 401,
         "This stream requires an account's access token"},
        {0, "{\"type\":\"subscribe\",\"stream\":\"user:notification\"}", 401,
         "This stream requires an account's access token"},
        {1, "not json", 400, NULL},
        {1, "[\"subscribe\"]", 400, NULL},
        {1, "\"subscribe\"", 400, NULL},
        {1, "{}", 0, NULL},
        {1, "{\"type\":\"ping\",\"stream\":\"user\"}", 0, NULL},
        {1, "{\"type\":null}", 0, NULL},
    };
    char long_tag[600];
    struct live_ws_change c;
    const char *error;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = read_message(cases[i].account, cases[i].text);
        assert_int_equal(c.action, LIVE_WS_NOTHING);
        if (cases[i].status == 0) {
            assert_string_equal(c.reply, "");
            continue;
        }
        assert_int_equal(reply_status(&c, &error), cases[i].status);
        if (cases[i].error != NULL)
            assert_string_equal(error, cases[i].error);
    }
    /* a tag too long for a label or a topic */
    memset(long_tag, 'a', sizeof(long_tag) - 1);
    long_tag[sizeof(long_tag) - 1] = '\0';
    {
        char text[800];
        snprintf(text, sizeof(text),
                 "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"%s\"}", long_tag);
        c = read_message(1, text);
        assert_int_equal(c.action, LIVE_WS_NOTHING);
        assert_int_equal(reply_status(&c, &error), 400);
    }
}

/* Checks one answer: a whole subscription, or a JSON error, or nothing. */
static void
well_formed(const struct live_ws_change *c)
{
    size_t i, label_len;
    char closed[LIVE_WS_LABEL_MAX + 8];
    const char *error;
    json_t *j;

    if (c->action == LIVE_WS_NOTHING) {
        if (c->reply[0] != '\0')
            (void)reply_status(c, &error);
        return;
    }
    assert_string_equal(c->reply, "");
    assert_true(c->n_topics >= 1 && c->n_topics <= 2);
    for (i = 0; i < c->n_topics; i++) {
        assert_non_null(memchr(c->topics[i], '\0', sizeof(c->topics[i])));
        assert_memory_equal(c->topics[i], "W:", 2);
    }
    label_len = strnlen(c->label, sizeof(c->label));
    assert_true(label_len < sizeof(c->label));
    assert_memory_equal(c->label, "{\"stream\":[", 11);
    assert_string_equal(c->label + label_len - 2, "],");
    /* closed with an event, the label makes a JSON object whose stream is an array */
    snprintf(closed, sizeof(closed), "%s\"e\":1}", c->label);
    assert_non_null(j = json_loads(closed, 0, NULL));
    assert_true(json_is_array(json_object_get(j, "stream")));
    json_decref(j);
}

static void
every_answer_is_well_formed(void **state)
{
    static const char *const seeds[] = {
        "{\"type\":\"subscribe\",\"stream\":\"hashtag\",\"tag\":\"Innover\"}",
        "{\"type\":\"unsubscribe\",\"stream\":[\"hashtag:local\"],\"tag\":\"été\"}",
        "{\"type\":\"subscribe\",\"stream\":\"user\"}",
        "{\"type\":\"subscribe\",\"stream\":\"public:local\"}",
        "{\"type\":\"subscribe\",\"stream\":\"list\",\"list\":\"1\"}",
    };
    static const char alphabet[] = "{}[]\":,\\ #@aZé\x01\xff\x80"
                                   "0u";
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    char text[256];
    size_t round, len, k, edits, lo, hi, subscribed = 0, answered = 0;

    (void)state;
    for (round = 0; round < 20000; round++) {
        snprintf(text, sizeof(text), "%s", seeds[round % 5]);
        len = strlen(text);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* every other round, the edits stay in the last string (a tag, a stream's name),
         * so that the message stays JSON more often */
        lo = 0, hi = len;
        if (round % 2 == 0) {
            for (hi = len; hi > 0 && text[hi - 1] != '"'; hi--)
                ;
            for (lo = hi > 0 ? hi - 1 : 0; lo > 0 && text[lo - 1] != '"'; lo--)
                ;
            hi = hi > 0 ? hi - 1 : 0;
        }
        for (edits = 1 + x % 4; edits > 0 && len > 0 && hi > lo; edits--) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            k = lo + (size_t)(x >> 8) % (hi - lo);
            switch (x % 3) {
            case 0: /* replace a byte */
                text[k] = alphabet[(x >> 20) % (sizeof(alphabet) - 1)];
                break;
            case 1: /* cut */
                memmove(text + k, text + k + 1, len - k);
                len--;
                hi--;
                break;
            default: /* insert */
                if (len + 2 < sizeof(text)) {
                    memmove(text + k + 1, text + k, len - k + 1);
                    text[k] = alphabet[(x >> 20) % (sizeof(alphabet) - 1)];
                    len++;
                    hi++;
                }
            }
        }
        {
            struct live_ws_change c = read_message((int64_t)(x % 3), text);
            well_formed(&c);
            subscribed += c.action != LIVE_WS_NOTHING;
            answered += c.reply[0] != '\0';
        }
    }
    /* the mutations reach both kinds of answer, often */
    assert_true(subscribed > 1000 && answered > 1000); /* 1,646 and 16,924 when written */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subscriptions_as_masto_js_asks),
        cmocka_unit_test(refusals_and_what_is_left_alone),
        cmocka_unit_test(every_answer_is_well_formed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
