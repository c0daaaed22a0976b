/*
 * cli/count.c - "gazouillis count": weighs one post the way twitter-text
 * does and prints what the text engine sees in it as one JSON object: the
 * NFC text, its weighted length and validity, its links, hashtags, mentions
 * and cashtags with code point indices into that text, the screen name it
 * replies to and its HTML.
 *
 * The post comes from the arguments (joined with single spaces) or from
 * stdin, read whole but never past TEXT_MAX_INPUT. Counting, extraction and
 * HTML are src/text/'s; this file only gathers input, calls the engine in
 * the order its contract asks (check UTF-8, NFC, extract, index) and turns
 * the results into JSON. Exit status: 0 valid, 1 invalid (the JSON is still
 * printed), 2 usage error, 3 failure (memory, reading, writing).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "text/text.h"

/*
 * Bytes read from stdin at most: the largest input we accept, one newline
 * we strip ("\r\n" at worst), and one more byte to know there was more.
 */
#define COUNT_READ_LIMIT (TEXT_MAX_INPUT + 3)

struct count_opts {
    const struct text_config *cfg;
    unsigned extract_opts; /* TEXT_FEDIVERSE or 0 */
    bool pretty;
};

static void
count_usage(FILE *f)
{
    fputs("usage: gazouillis count [--config v1|v2|v3] [--fediverse|--no-fediverse]\n"
          "                        [--pretty|--compact] [--] [TEXT...]\n"
          "\n"
          "Weighs one post as twitter-text does and prints it as JSON: the NFC text,\n"
          "weightedLength, valid, permillage, ranges, the reason it is invalid, its\n"
          "urls, hashtags, mentions and cashtags, the screen name it replies to and\n"
          "its HTML. The TEXT arguments are joined with single spaces; with no TEXT,\n"
          "or \"-\", the post is read from stdin (one trailing newline is dropped).\n"
          "\n"
          "  --config NAME    v1: 140, every character weighs 1 (the default)\n"
          "                   v2: 280, CJK and emoji weigh 2\n"
          "                   v3: as v2, an emoji sequence weighs 2 once\n"
          "  --fediverse      \"@user@example.org\" is one mention (the default)\n"
          "  --no-fediverse   only Twitter's \"@user\" mentions\n"
          "  --pretty         indent the JSON (the default when stdout is a terminal)\n"
          "  --compact        one line of JSON (the default otherwise)\n"
          "\n"
          "exit status: 0 valid, 1 invalid, 2 usage error, 3 failure\n",
          f);
}

/*
 * Parses the options in argv[1..argc). Returns the index of the first TEXT
 * argument (argc when there is none), or -1 after a usage error (reported
 * on stderr), or -2 when --help was asked for (usage is on stdout).
 */
static int
count_parse_opts(int argc, char **argv, struct count_opts *o /* OUT */)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *name = NULL;

        if (a[0] != '-' || strcmp(a, "-") == 0)
            break; /* the text starts here */
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            count_usage(stdout);
            return -2;
        }
        if (strcmp(a, "--fediverse") == 0)
            o->extract_opts = TEXT_FEDIVERSE;
        else if (strcmp(a, "--no-fediverse") == 0)
            o->extract_opts = 0;
        else if (strcmp(a, "--pretty") == 0)
            o->pretty = true;
        else if (strcmp(a, "--compact") == 0)
            o->pretty = false;
        else if (strncmp(a, "--config=", 9) == 0)
            name = a + 9;
        else if (strcmp(a, "--config") == 0) {
            if (i + 1 == argc) {
                fputs("gazouillis count: '--config' needs a value: v1, v2 or v3\n", stderr);
                count_usage(stderr);
                return -1;
            }
            name = argv[++i];
        } else {
            fprintf(stderr,
                    "gazouillis count: unknown option '%s' (put '--' before a text "
                    "that starts with '-')\n",
                    a);
            count_usage(stderr);
            return -1;
        }
        if (name != NULL && (o->cfg = text_config_find(name)) == NULL) {
            fprintf(stderr, "gazouillis count: unknown config '%s': use v1, v2 or v3\n", name);
            count_usage(stderr);
            return -1;
        }
    }
    return i;
}

/*
 * Joins argv[0..argc) with single spaces into a new buffer (the caller's,
 * NUL-terminated). Returns NULL if memory runs out.
 */
static char *
count_join(int argc, char **argv, size_t *len /* OUT */)
{
    size_t total = 0, at = 0;
    char *buf;
    int i;

    for (i = 0; i < argc; i++)
        total += strlen(argv[i]) + 1; /* the space after it, or the NUL */
    if ((buf = malloc(total)) == NULL)
        return NULL;
    for (i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);

        memcpy(buf + at, argv[i], n);
        at += n;
        if (i + 1 < argc)
            buf[at++] = ' ';
    }
    buf[at] = '\0';
    *len = at;
    return buf;
}

/*
 * Reads f to its end, or up to COUNT_READ_LIMIT bytes, into a new buffer
 * (the caller's), then drops one trailing "\n" or "\r\n". A length over
 * TEXT_MAX_INPUT means the input was too big and the rest is left unread.
 * Returns NULL on a read error or when memory runs out, with errno set.
 */
static char *
count_read(FILE *f, size_t *len /* OUT */)
{
    size_t n = 0, cap = 0;
    char *buf = NULL, *grown;

    for (;;) {
        size_t got;

        if (n == cap) {
            if (cap == COUNT_READ_LIMIT)
                break;
            cap = cap == 0 ? 4096 : cap * 2;
            if (cap > COUNT_READ_LIMIT)
                cap = COUNT_READ_LIMIT;
            if ((grown = realloc(buf, cap + 1)) == NULL) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int saved = errno;

                free(buf);
                errno = saved != 0 ? saved : EIO;
                return NULL;
            }
            break; /* end of input */
        }
    }
    if (buf == NULL && (buf = malloc(1)) == NULL)
        return NULL;
    if (n > 0 && n <= TEXT_MAX_INPUT + 2 && buf[n - 1] == '\n') {
        n--;
        if (n > 0 && buf[n - 1] == '\r')
            n--;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/*
 * Writes into msg the sentence explaining why s[0..len) (what text_parse
 * was given) is invalid; msg is left empty when r says it is valid.
 */
static void
count_reason_message(char *msg, size_t size, const char *s, size_t len,
                     const struct text_parse_result *r, const struct text_config *cfg)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t at = r->error_offset;

    msg[0] = '\0';
    switch (r->reason) {
    case TEXT_VALID:
        break;
    case TEXT_INVALID_EMPTY:
        snprintf(msg, size, "the post is empty");
        break;
    case TEXT_INVALID_TOO_LONG:
        snprintf(msg, size, "the post weighs %g, over the %d that %s allows", r->weighted_length,
                 cfg->max_weighted_length, cfg->name);
        break;
    case TEXT_INVALID_CHARACTERS:
        /* U+FFFE, U+FEFF and U+FFFF are all three bytes long in UTF-8. */
        if (at + 3 <= len && u[at] == 0xEF)
            snprintf(msg, size, "invalid character U+%04X at byte %zu",
                     ((u[at] & 0x0Fu) << 12) | ((u[at + 1] & 0x3Fu) << 6) | (u[at + 2] & 0x3Fu),
                     at);
        else
            snprintf(msg, size, "invalid character at byte %zu", at);
        break;
    case TEXT_INVALID_UTF8:
        if (r->utf8_error == TEXT_UTF8_NUL)
            snprintf(msg, size, "invalid input at byte %zu: a NUL byte, which no post may hold",
                     at);
        else
            snprintf(msg, size, "invalid UTF-8 at byte %zu: %s", at,
                     text_utf8_error_string(r->utf8_error));
        break;
    case TEXT_INVALID_TOO_BIG:
        snprintf(msg, size, "the input is over %zu bytes (16 MiB) and was not read further",
                 TEXT_MAX_INPUT);
        break;
    }
}

/* One entity as JSON, its strings taken from s; NULL on error (in *err). */
static json_t *
count_entity_json(const char *s, const struct text_entity *e, json_error_t *err)
{
    const char *v = s + e->value_start;
    size_t v_len = e->value_end - e->value_start;
    json_int_t cs = e->cp_start, ce = e->cp_end;
    json_t *domain;

    switch (e->type) {
    case TEXT_ENTITY_URL:
        return json_pack_ex(err, 0, "{s:s%, s:[I,I]}", "url", v, v_len, "indices", cs, ce);
    case TEXT_ENTITY_HASHTAG:
        return json_pack_ex(err, 0, "{s:s%, s:[I,I]}", "hashtag", v, v_len, "indices", cs, ce);
    case TEXT_ENTITY_CASHTAG:
        return json_pack_ex(err, 0, "{s:s%, s:[I,I]}", "cashtag", v, v_len, "indices", cs, ce);
    case TEXT_ENTITY_MENTION:
        if (e->domain_end > e->domain_start)
            domain = json_stringn(s + e->domain_start, e->domain_end - e->domain_start);
        else
            domain = json_null();
        return json_pack_ex(err, 0, "{s:s%, s:s%, s:o, s:[I,I]}", "screen_name", v, v_len,
                            "list_slug", s + e->list_start, (size_t)(e->list_end - e->list_start),
                            "domain", domain, "indices", cs, ce);
    }
    snprintf(err->text, sizeof(err->text), "entity of unknown type %d", (int)e->type);
    return NULL;
}

/* The "entities" object of es (indexed) over s; NULL on error (in *err). */
static json_t *
count_entities_json(const char *s, const struct text_entities *es, json_error_t *err)
{
    static const char *const keys[] = {
        [TEXT_ENTITY_URL] = "urls",
        [TEXT_ENTITY_HASHTAG] = "hashtags",
        [TEXT_ENTITY_MENTION] = "mentions",
        [TEXT_ENTITY_CASHTAG] = "cashtags",
    };
    json_t *obj, *item;
    size_t i;

    obj = json_pack_ex(err, 0, "{s:[], s:[], s:[], s:[]}", "urls", "hashtags", "mentions",
                       "cashtags");
    if (obj == NULL)
        return NULL;
    for (i = 0; i < es->n; i++) {
        const struct text_entity *e = &es->v[i];

        if ((item = count_entity_json(s, e, err)) == NULL)
            goto fail;
        if (json_array_append_new(json_object_get(obj, keys[e->type]), item) != 0) {
            snprintf(err->text, sizeof(err->text), "out of memory");
            goto fail;
        }
    }
    return obj;
fail:
    json_decref(obj);
    return NULL;
}

/*
 * Counts in[0..in_len) and prints the JSON. Returns the exit status.
 * in_len may exceed TEXT_MAX_INPUT (the input was cut short): the post is
 * then too big and neither its text nor its entities are shown.
 */
static int
count_post(const struct count_opts *o, const char *in, size_t in_len)
{
    struct text_scratch nfc_sc = {0}, parse_sc = {0};
    struct text_entities es = {0};
    struct text_buf html = {0};
    struct text_autolink_options al = {
        .hashtag_base = "/tags/",
        .mention_base = "/@",
        .cashtag_base = "/search?q=%24",
        .url_display_max = 30,
        .extract_opts = o->extract_opts,
    };
    struct text_parse_result r;
    json_t *root = NULL, *text = NULL, *html_json = NULL, *entities = NULL, *reply = NULL;
    json_t *weight;
    json_error_t jerr = {.text = ""};
    const char *s = in;
    size_t len = in_len, at;
    uint32_t rs, re;
    bool shown; /* valid UTF-8 within bounds: text and entities can be shown */
    char msg[160];
    int status = CLI_EXIT_FAILURE;

    shown = in_len <= TEXT_MAX_INPUT && text_utf8_check(in, in_len, &at) == TEXT_UTF8_OK;
    if (shown) {
        /* Indices are code points into the NFC text, so everything reads it. */
        if (text_nfc(&nfc_sc, in, in_len, &s, &len) != 0 ||
            text_extract_entities(s, len, o->extract_opts, &es) != 0 ||
            text_autolink(&html, s, len, &al) != 0)
            goto nomem;
        text_entities_index(s, len, &es);
        if (text_extract_reply(s, len, &rs, &re) &&
            (reply = json_stringn(s + rs, re - rs)) == NULL) {
            snprintf(jerr.text, sizeof(jerr.text), "the reply's screen name is not UTF-8");
            goto badjson;
        }
        if ((text = json_stringn(s, len)) == NULL) {
            snprintf(jerr.text, sizeof(jerr.text), "the NFC text is not UTF-8");
            goto badjson;
        }
        if ((html_json = json_stringn(html.data != NULL ? html.data : "", html.len)) == NULL) {
            snprintf(jerr.text, sizeof(jerr.text), "the HTML is not UTF-8");
            goto badjson;
        }
    }
    /* Already NFC, so the ranges the engine returns are indices into "text". */
    if (text_parse(&parse_sc, s, len, o->cfg, &r) != 0)
        goto nomem;
    count_reason_message(msg, sizeof(msg), s, len, &r, o->cfg);

    if (shown)
        entities = count_entities_json(s, &es, &jerr);
    else
        entities = json_pack_ex(&jerr, 0, "{s:[], s:[], s:[], s:[]}", "urls", "hashtags",
                                "mentions", "cashtags");
    if (entities == NULL)
        goto badjson;
    if (r.weighted_length == floor(r.weighted_length) && fabs(r.weighted_length) < 1e15)
        weight = json_integer((json_int_t)r.weighted_length);
    else
        weight = json_real(r.weighted_length);

    /* "o" and "o?" take the references, on failure too; "?" makes NULL null. */
    /* clang-format off */
    root = json_pack_ex(&jerr, 0,
        "{s:o?, s:s, s:o, s:b, s:i, s:i, s:i, s:i, s:i, s:s?, s:s?, s:o, s:o?, s:o?}",
        "text", text,
        "config", o->cfg->name,
        "weightedLength", weight,
        "valid", (int)r.valid,
        "permillage", r.permillage,
        "displayRangeStart", r.display_range_start,
        "displayRangeEnd", r.display_range_end,
        "validRangeStart", r.valid_range_start,
        "validRangeEnd", r.valid_range_end,
        "reason", r.valid ? NULL : text_invalid_string(r.reason),
        "message", msg[0] != '\0' ? msg : NULL,
        "entities", entities,
        "replyTo", reply,
        "html", html_json);
    /* clang-format on */
    text = html_json = entities = reply = NULL;
    if (root == NULL)
        goto badjson;

    if (json_dumpf(root, stdout, o->pretty ? JSON_INDENT(2) : JSON_COMPACT) != 0 ||
        fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "gazouillis count: cannot write the JSON: %s\n", strerror(errno));
        goto out;
    }
    status = r.valid ? CLI_EXIT_OK : CLI_EXIT_INVALID;
    goto out;

nomem:
    fputs("gazouillis count: out of memory\n", stderr);
    goto out;
badjson:
    fprintf(stderr, "gazouillis count: cannot build the JSON: %s\n", jerr.text);
out:
    json_decref(root);
    json_decref(text);
    json_decref(html_json);
    json_decref(entities);
    json_decref(reply);
    text_buf_release(&html);
    text_entities_release(&es);
    text_scratch_release(&nfc_sc);
    text_scratch_release(&parse_sc);
    return status;
}

int
cli_count(int argc, char **argv)
{
    struct count_opts o = {
        .cfg = &text_config_v1,
        .extract_opts = TEXT_FEDIVERSE,
        .pretty = isatty(STDOUT_FILENO) == 1,
    };
    char *in;
    size_t len = 0;
    int first, status;

    if ((first = count_parse_opts(argc, argv, &o)) < 0)
        return first == -2 ? CLI_EXIT_OK : CLI_EXIT_USAGE;

    if (first == argc || (argc - first == 1 && strcmp(argv[first], "-") == 0)) {
        if ((in = count_read(stdin, &len)) == NULL) {
            fprintf(stderr, "gazouillis count: cannot read stdin: %s\n", strerror(errno));
            return CLI_EXIT_FAILURE;
        }
    } else if ((in = count_join(argc - first, argv + first, &len)) == NULL) {
        fputs("gazouillis count: out of memory\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    status = count_post(&o, in, len);
    free(in);
    return status;
}
