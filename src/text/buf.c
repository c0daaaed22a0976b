/*
 * text/buf.c - the caller-owned growable buffers of the text engine
 * (struct text_buf for HTML and normalised text, struct text_entities for
 * extraction results). Growth doubles; failure leaves the buffer as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

/* Makes room for extra more bytes plus a NUL. Returns 0 or -1 (no memory). */
int
buf_reserve(struct text_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > SIZE_MAX / 2 - b->len - 1)
        return -1;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    if ((p = realloc(b->data, cap)) == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int
buf_append(struct text_buf *b, const char *s, size_t len)
{
    if (buf_reserve(b, len) != 0)
        return -1;
    if (len > 0)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int
buf_puts(struct text_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

void
text_buf_release(struct text_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void
text_scratch_release(struct text_scratch *sc)
{
    text_buf_release(&sc->nfc);
    free(sc->cps);
    free(sc->urls);
    memset(sc, 0, sizeof(*sc));
}

char *
str_dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int
entities_push(struct text_entities *es, const struct text_entity *e)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 16;
        struct text_entity *v = realloc(es->v, cap * sizeof(*v));

        if (v == NULL)
            return -1;
        es->v = v;
        es->cap = cap;
    }
    es->v[es->n++] = *e;
    return 0;
}

void
text_entities_release(struct text_entities *es)
{
    free(es->v);
    memset(es, 0, sizeof(*es));
}
