/*
 * api/json_write.h - JSON written straight into one growing buffer, for
 * the answers the server makes most (a Mastodon status is rendered for
 * every post made and every timeline page read): building a jansson tree
 * of thirty small nodes and dumping it cost more than the rest of the
 * answer. Keys are literals of the code; every string value is escaped.
 * Commas are placed by the writer. A failed allocation is remembered and
 * reported once, at the end.
 */
#ifndef GAZOUILLIS_API_JSON_WRITE_H
#define GAZOUILLIS_API_JSON_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct response;

struct json_writer {
    char *buf; /* malloc'd, NUL-terminated while not failed */
    size_t len, cap;
    bool failed; /* an allocation failed: everything after is dropped */
};

void jw_init(struct json_writer *w);

void jw_object(struct json_writer *w);     /* { */
void jw_end_object(struct json_writer *w); /* } */
void jw_array(struct json_writer *w);      /* [ */
void jw_end_array(struct json_writer *w);  /* ] */
/* "key": — key is a literal of the code (written as it is, not escaped). */
void jw_key(struct json_writer *w, const char *key);
/* A string value, escaped; NULL writes null. */
void jw_string(struct json_writer *w, const char *s);
void jw_stringn(struct json_writer *w, const char *s, size_t n);
/* One string value made of the NULL-terminated list of pieces, each escaped. */
void jw_string_cat(struct json_writer *w, ...) __attribute__((sentinel));
/* A string value written in parts: jw_string_open, jw_string_part…, jw_string_close. */
void jw_string_open(struct json_writer *w);
void jw_string_part(struct json_writer *w, const char *s, size_t n);
void jw_string_close(struct json_writer *w);
void jw_int(struct json_writer *w, int64_t v);
/* An id as the Mastodon API gives them: a string of digits. */
void jw_id(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* A value already in JSON (a compact dump), written as it is. */
void jw_raw_value(struct json_writer *w, const char *json, size_t n);
/* A jansson value, dumped in place (for the rare parts still built as trees); NULL writes null. */
void jw_json(struct json_writer *w, const json_t *j);

/*
 * The text written, handed to the caller (malloc'd, NUL-terminated, its
 * length in *len), or NULL after a failure; the writer is empty after.
 */
char *jw_take(struct json_writer *w, size_t *len);
/* The text written as the response's body (application/json): 0, or -1 after a failure. */
int jw_answer(struct json_writer *w, struct response *res, int status);
/* The text written parsed back into a jansson value (for callers composing trees), or NULL. */
json_t *jw_parse(struct json_writer *w);

#endif
