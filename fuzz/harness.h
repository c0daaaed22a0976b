/*
 * fuzz/harness.h - what the libFuzzer targets that run the server's own
 * handlers share (fuzz_api, fuzz_document, fuzz_import): a store in a
 * temporary directory with accounts, tokens, sessions, two events, a post,
 * a comment, a status, a media and an OAuth app, made once per process;
 * putting it back as it was before each input (so that a crash replays
 * from its input alone and the store never grows); and requests built
 * without a socket, run through the server's route table and handlers as
 * http/server.c would, their answers checked.
 */
#ifndef GZ_FUZZ_HARNESS_H
#define GZ_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/app.h"
#include "http/http.h"
#include "store/store.h"

#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Who sends a request: the accounts of the fixture, or nobody. */
enum fz_who {
    FZ_ADMIN,  /* role admin */
    FZ_EDITOR, /* role editor, editor of the event */
    FZ_OTHER,  /* role editor, editor of the other event only */
    FZ_MEMBER, /* role member */
    FZ_ANON,   /* no token, no session */
    FZ_N_WHO
};

/* The fixture's names and ids, for paths and placeholders (NUL-terminated strings). */
struct fz_fixture {
    struct app app;
    char slug[32], other_slug[32];  /* the two events */
    char post[24], pending[24];     /* a public post and an audience post waiting */
    char comment[24], status[24];   /* a comment of the event, a Mastodon status */
    char media[24];                 /* a media of the admin's */
    char client_id[64], secret[64]; /* the OAuth app's */
    char code[64];                  /* an authorization code of the app, for the admin */
    char token[FZ_N_WHO][64];       /* bearer tokens; "" for FZ_ANON */
    char session[FZ_N_WHO][64];     /* session cookies */
    char csrf[FZ_N_WHO][64];        /* their CSRF tokens */
    int64_t event_id, admin_id;
};

extern struct fz_fixture fz;

/* Makes the fixture (once; aborts when it cannot). */
void fz_setup(void);
/* Puts the store back as fz_setup() left it; the thread's connection is reopened on use. */
void fz_reset(void);

/* One request to run: what server.c would have copied from a connection. */
struct fz_request {
    const char *method, *path; /* path may hold a query after '?' */
    enum fz_who who;
    bool bearer;              /* send the token (else the session cookie, for pages) */
    const char *content_type; /* NULL: none */
    const char *body;         /* any bytes */
    size_t body_len;
};

/*
 * Routes and runs r (the route table of the server: API, Mastodon, pages),
 * checking what the server would (JSON content type, body limit) and what
 * every answer must be: a status set, not a 500, JSON bodies that parse,
 * text bodies in UTF-8. Returns the status; the body (if body_out) is a
 * malloc'd NUL-terminated copy the caller frees.
 */
int fz_run(const struct fz_request *r, char **body_out, size_t *len_out);

/*
 * Replaces the placeholders of s[0..len) by the fixture's values: $e the
 * event's slug, $o the other's, $p the post, $q the pending post, $c the
 * comment, $s the status, $m the media, $a the app's client_id, $k its
 * secret, $d the authorization code. Returns a malloc'd NUL-terminated
 * string (its length in *out_len).
 */
char *fz_expand(const char *s, size_t len, size_t *out_len);

/* Whether s[0..len) holds needle (bytes, case-insensitive for ASCII). */
bool fz_contains(const char *s, size_t len, const char *needle);

#endif
