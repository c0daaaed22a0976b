/*
 * text/entities.c - all the entities of a post at once, as upstream's
 * extractEntitiesWithIndices: URLs, mentions, hashtags and cashtags, in
 * text order, an entity that overlaps an earlier one dropped (so the "#tag"
 * inside "http://x.com/#tag" is part of the link). Also the conversion of
 * byte offsets to the code point indices upstream reports.
 */
#include <stdlib.h>
#include <string.h>

#include "text/text_int.h"

/*
 * Merges the sorted runs es->v[bounds[k]..bounds[k+1]) by start, earlier
 * runs first on ties (upstream's stable sort of the concatenation), then
 * drops every entity that starts before the previous kept one ends.
 */
static int
merge_runs(struct text_entities *es, size_t base, const size_t *bounds, size_t n_runs)
{
    size_t total = es->n - base, k, at[8], out = 0, nonempty = 0;
    struct text_entity local[32], *merged = local;

    for (k = 0; k < n_runs; k++)
        nonempty += bounds[k + 1] > bounds[k];
    if (nonempty == 0)
        return 0;
    if (nonempty == 1) {
        entities_remove_overlaps(es, base);
        return 0;
    }
    if (total > sizeof(local) / sizeof(local[0]) &&
        (merged = malloc(total * sizeof(*merged))) == NULL)
        return -1;
    for (k = 0; k < n_runs; k++)
        at[k] = bounds[k];
    while (out < total) {
        size_t best = n_runs;
        for (k = 0; k < n_runs; k++)
            if (at[k] < bounds[k + 1] &&
                (best == n_runs || es->v[at[k]].start < es->v[at[best]].start))
                best = k;
        merged[out++] = es->v[at[best]++];
    }
    memcpy(es->v + base, merged, total * sizeof(*merged));
    if (merged != local)
        free(merged);
    entities_remove_overlaps(es, base);
    return 0;
}

void
entities_remove_overlaps(struct text_entities *es, size_t from)
{
    size_t i, kept = from;

    for (i = from; i < es->n; i++) {
        if (kept > from && es->v[kept - 1].end > es->v[i].start)
            continue;
        es->v[kept++] = es->v[i];
    }
    es->n = kept;
}

int
text_extract_entities(const char *s, size_t len, unsigned opts, struct text_entities *out)
{
    size_t base = out->n;

    if (text_extract_urls(s, len, out) != 0)
        return -1;
    return entities_extract_rest(s, len, opts, out, base);
}

int
entities_extract_rest(const char *s, size_t len, unsigned opts, struct text_entities *out,
                      size_t base)
{
    size_t bounds[5];

    bounds[0] = base;
    bounds[1] = out->n;
    if (text_extract_mentions(s, len, opts, out) != 0)
        return -1;
    bounds[2] = out->n;
    if (text_extract_hashtags(s, len, out) != 0)
        return -1;
    bounds[3] = out->n;
    if (text_extract_cashtags(s, len, out) != 0)
        return -1;
    bounds[4] = out->n;
    return merge_runs(out, bounds[0], bounds, 4);
}

int
text_extract_hashtags_checked(const char *s, size_t len, struct text_entities *out)
{
    size_t bounds[3], i, kept;

    /* Unchecked hashtags, or URLs, are not what was asked for: none on failure. */
    bounds[0] = out->n;
    if (text_extract_hashtags(s, len, out) != 0)
        goto fail;
    bounds[1] = out->n;
    if (bounds[1] == bounds[0])
        return 0;
    if (text_extract_urls(s, len, out) != 0)
        goto fail;
    bounds[2] = out->n;
    if (merge_runs(out, bounds[0], bounds, 2) != 0)
        goto fail;
    for (i = kept = bounds[0]; i < out->n; i++)
        if (out->v[i].type == TEXT_ENTITY_HASHTAG)
            out->v[kept++] = out->v[i];
    out->n = kept;
    return 0;
fail:
    out->n = bounds[0];
    return -1;
}

void
text_entities_index(const char *s, size_t len, struct text_entities *es)
{
    size_t k, at = 0, cp = 0;

    for (k = 0; k < es->n; k++) {
        struct text_entity *e = &es->v[k];

        if (e->start < at)
            at = cp = 0; /* not sorted: count again from the start */
        cp += text_utf8_count_cp(s + at, e->start - at);
        e->cp_start = (uint32_t)cp;
        e->cp_end = (uint32_t)(cp + text_utf8_count_cp(s + e->start, e->end - e->start));
        at = e->start;
    }
    (void)len;
}
