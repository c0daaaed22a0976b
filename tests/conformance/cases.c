/*
 * tests/conformance/cases.c - which engine call each group of twitter-text's
 * conformance suite stands for, and how its result is written for comparing
 * with "expected" (the notation is in conformance.h). The mapping follows
 * upstream's own test runners and the table in the suite's README.md:
 * validate.yml checks isValid* and parseTweet, extract.yml the extractors,
 * tlds.yml extractUrls over every TLD, hit_highlighting.yml hitHighlight.
 *
 * Entity indices in the suite are [start, end) in characters; we compare
 * the code point offsets text_entities_index() fills (no indices case has
 * astral text, where upstream's UTF-16 offsets would differ).
 */
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "text/text.h"

/* ---- Writing results ---- */

/* Writes text[a..b), or a marker when the engine gave a range outside the text. */
static void
write_slice(FILE *f, const struct conf_case *c, uint32_t a, uint32_t b)
{
    if (a > b || b > c->text_len)
        fprintf(f, "<bad byte range %u..%u of %zu>", (unsigned)a, (unsigned)b, c->text_len);
    else
        conf_write_str(f, c->text + a, b - a);
}

static void
write_indices(FILE *f, const struct text_entity *e)
{
    fprintf(f, "[%u, %u]", (unsigned)e->cp_start, (unsigned)e->cp_end);
}

static void
write_number(FILE *f, double v)
{
    if (v == (double)(long long)v)
        fprintf(f, "%lld", (long long)v);
    else
        fprintf(f, "%g", v);
}

/* How one extraction group writes its entities. */
enum entity_form {
    FORM_VALUES,          /* ["value", ...] */
    FORM_INDICES,         /* [{KEY: "value", indices: [s, e]}, ...] */
    FORM_MENTION_OR_LIST, /* [{screen_name, list_slug, indices}, ...] */
};

struct extract_spec {
    int (*extract)(const char *s, size_t len, struct text_entities *out);
    enum entity_form form;
    const char *key; /* FORM_INDICES */
    bool users_only; /* drop list mentions ("@user/slug") */
};

static void
write_entities(FILE *f, const struct conf_case *c, const struct text_entities *es,
               const struct extract_spec *spec)
{
    size_t i, n = 0;

    putc('[', f);
    for (i = 0; i < es->n; i++) {
        const struct text_entity *e = &es->v[i];

        if (spec->users_only && e->list_start != e->list_end)
            continue;
        if (n++ > 0)
            fputs(", ", f);
        switch (spec->form) {
        case FORM_VALUES:
            write_slice(f, c, e->value_start, e->value_end);
            break;
        case FORM_INDICES:
            fprintf(f, "{%s: ", spec->key);
            write_slice(f, c, e->value_start, e->value_end);
            fputs(", indices: ", f);
            write_indices(f, e);
            putc('}', f);
            break;
        case FORM_MENTION_OR_LIST:
            fputs("{screen_name: ", f);
            write_slice(f, c, e->value_start, e->value_end);
            fputs(", list_slug: ", f);
            write_slice(f, c, e->list_start, e->list_end);
            fputs(", indices: ", f);
            write_indices(f, e);
            putc('}', f);
            break;
        }
    }
    putc(']', f);
}

static int
run_extract(const struct conf_case *c, FILE *got, const struct extract_spec *spec)
{
    struct text_entities es = {0};
    int rc;

    if ((rc = spec->extract(c->text, c->text_len, &es)) != 0) {
        fputs("<extractor returned -1>", got);
    } else {
        if (spec->form != FORM_VALUES)
            text_entities_index(c->text, c->text_len, &es);
        write_entities(got, c, &es, spec);
    }
    text_entities_release(&es);
    return rc;
}

/* ---- validate.yml ---- */

static int
run_valid_tweet(const struct conf_case *c, FILE *got)
{
    struct text_scratch sc = {0};
    struct text_parse_result r;
    int rc;

    if ((rc = text_parse(&sc, c->text, c->text_len, &text_config_v1, &r)) != 0)
        fputs("<text_parse returned -1>", got);
    else
        conf_write_bool(got, r.valid);
    text_scratch_release(&sc);
    return rc;
}

static int
run_valid_username(const struct conf_case *c, FILE *got)
{
    conf_write_bool(got, text_is_valid_username(c->text, c->text_len));
    return 0;
}

static int
run_valid_list(const struct conf_case *c, FILE *got)
{
    conf_write_bool(got, text_is_valid_list(c->text, c->text_len));
    return 0;
}

static int
run_valid_hashtag(const struct conf_case *c, FILE *got)
{
    conf_write_bool(got, text_is_valid_hashtag(c->text, c->text_len));
    return 0;
}

static int
run_valid_url(const struct conf_case *c, FILE *got)
{
    conf_write_bool(got, text_is_valid_url(c->text, c->text_len, true, true));
    return 0;
}

static int
run_valid_url_no_protocol(const struct conf_case *c, FILE *got)
{
    conf_write_bool(got, text_is_valid_url(c->text, c->text_len, true, false));
    return 0;
}

/* parseTweet's result object, fields in upstream's order. */
static int
run_parse(const struct conf_case *c, FILE *got, const struct text_config *cfg)
{
    struct text_scratch sc = {0};
    struct text_parse_result r;
    int rc;

    if ((rc = text_parse(&sc, c->text, c->text_len, cfg, &r)) != 0) {
        fputs("<text_parse returned -1>", got);
    } else {
        fputs("{weightedLength: ", got);
        write_number(got, r.weighted_length);
        fputs(", valid: ", got);
        conf_write_bool(got, r.valid);
        fprintf(got,
                ", permillage: %d, displayRangeStart: %d, displayRangeEnd: %d, "
                "validRangeStart: %d, validRangeEnd: %d}",
                r.permillage, r.display_range_start, r.display_range_end, r.valid_range_start,
                r.valid_range_end);
    }
    text_scratch_release(&sc);
    return rc;
}

static int
run_parse_v2(const struct conf_case *c, FILE *got)
{
    return run_parse(c, got, &text_config_v2);
}

static int
run_parse_v3(const struct conf_case *c, FILE *got)
{
    return run_parse(c, got, &text_config_v3);
}

/* ---- extract.yml and tlds.yml ---- */

static int
extract_mentions(const char *s, size_t len, struct text_entities *out)
{
    return text_extract_mentions(s, len, 0, out);
}

static int
run_mentions(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {extract_mentions, FORM_VALUES, NULL, true};

    return run_extract(c, got, &spec);
}

static int
run_mentions_indices(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {extract_mentions, FORM_INDICES, "screen_name", true};

    return run_extract(c, got, &spec);
}

static int
run_mentions_or_lists(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {extract_mentions, FORM_MENTION_OR_LIST, NULL, false};

    return run_extract(c, got, &spec);
}

static int
run_reply(const struct conf_case *c, FILE *got)
{
    uint32_t start, end;

    if (text_extract_reply(c->text, c->text_len, &start, &end))
        write_slice(got, c, start, end);
    else
        conf_write_null(got);
    return 0;
}

static int
run_urls(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_urls, FORM_VALUES, NULL, false};

    return run_extract(c, got, &spec);
}

static int
run_urls_indices(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_urls, FORM_INDICES, "url", false};

    return run_extract(c, got, &spec);
}

/* Upstream's extractHashtags leaves out hashtags inside URLs. */
static int
run_hashtags(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_hashtags_checked, FORM_VALUES, NULL,
                                             false};

    return run_extract(c, got, &spec);
}

static int
run_hashtags_indices(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_hashtags_checked, FORM_INDICES, "hashtag",
                                             false};

    return run_extract(c, got, &spec);
}

static int
run_cashtags(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_cashtags, FORM_VALUES, NULL, false};

    return run_extract(c, got, &spec);
}

static int
run_cashtags_indices(const struct conf_case *c, FILE *got)
{
    static const struct extract_spec spec = {text_extract_cashtags, FORM_INDICES, "cashtag", false};

    return run_extract(c, got, &spec);
}

/* ---- hit_highlighting.yml ---- */

/*
 * Reads the case's "hits: [[s, e], ...]" into *out (malloc'd; the caller
 * frees it). No "hits" key means no hits, as upstream. Returns 0, or -1
 * when the hits are malformed or memory runs out.
 */
static int
read_hits(const struct conf_case *c, uint32_t (**out)[2] /* OUT */, size_t *n /* OUT */)
{
    yaml_node_item_t *it;
    uint32_t(*h)[2];
    size_t i = 0;

    *out = NULL;
    *n = 0;
    if (c->hits == NULL)
        return 0;
    if (c->hits->type != YAML_SEQUENCE_NODE)
        return -1;
    *n = (size_t)(c->hits->data.sequence.items.top - c->hits->data.sequence.items.start);
    if ((h = calloc(*n + 1, sizeof(*h))) == NULL)
        return -1;
    for (it = c->hits->data.sequence.items.start; it < c->hits->data.sequence.items.top; it++) {
        yaml_node_t *pair = yaml_document_get_node(c->doc, *it);

        if (pair == NULL || pair->type != YAML_SEQUENCE_NODE ||
            pair->data.sequence.items.top - pair->data.sequence.items.start != 2 ||
            conf_node_uint32(yaml_document_get_node(c->doc, pair->data.sequence.items.start[0]),
                             &h[i][0]) != 0 ||
            conf_node_uint32(yaml_document_get_node(c->doc, pair->data.sequence.items.start[1]),
                             &h[i][1]) != 0) {
            free(h);
            return -1;
        }
        i++;
    }
    *out = h;
    return 0;
}

static int
run_hit_highlight(const struct conf_case *c, FILE *got)
{
    struct text_buf b = {0};
    uint32_t(*hits)[2];
    size_t n;
    int rc;

    if (read_hits(c, &hits, &n) != 0) {
        fputs("<malformed hits in the test case>", got);
        return -1;
    }
    if ((rc = text_hit_highlight(&b, c->text, c->text_len, (const uint32_t(*)[2])hits, n)) != 0)
        fputs("<text_hit_highlight returned -1>", got);
    else
        conf_write_str(got, b.data != NULL ? b.data : "", b.len);
    text_buf_release(&b);
    free(hits);
    return rc;
}

/* ---- autolink.yml ---- */

/*
 * autolink.yml expects twitter.com's HTML (its classes and URLs), not what
 * text_autolink() writes for our pages; text_autolink_twitter() writes it.
 * The file never counts in the required total.
 */
#include "text/autolink_twitter.h"

static int
run_autolink(const struct conf_case *c, FILE *got)
{
    struct text_buf b = {0};
    int rc = text_autolink_twitter(&b, c->text, c->text_len, c->group);

    if (rc == -2) /* "json": the call does not take the case's entities */
        rc = CONF_SKIP;
    else if (rc != 0)
        fputs("<text_autolink_twitter returned -1>", got);
    else
        conf_write_str(got, b.data != NULL ? b.data : "", b.len);
    text_buf_release(&b);
    return rc;
}

static const struct conf_group autolink_groups[] = {
    {NULL, run_autolink}, /* every group: the call takes the group's name */
};
#define AUTOLINK_GROUPS autolink_groups, sizeof(autolink_groups) / sizeof(autolink_groups[0])

/* ---- The files ---- */

static const struct conf_group validate_groups[] = {
    {"tweets", run_valid_tweet},
    {"usernames", run_valid_username},
    {"lists", run_valid_list},
    {"hashtags", run_valid_hashtag},
    {"urls", run_valid_url},
    {"urls_without_protocol", run_valid_url_no_protocol},
    {"WeightedTweetsCounterTest", run_parse_v2},
    {"WeightedTweetsWithDiscountedEmojiCounterTest", run_parse_v3},
    {"UnicodeDirectionalMarkerCounterTest", run_parse_v3},
};

static const struct conf_group extract_groups[] = {
    {"mentions", run_mentions},
    {"mentions_with_indices", run_mentions_indices},
    {"mentions_or_lists_with_indices", run_mentions_or_lists},
    {"replies", run_reply},
    {"urls", run_urls},
    {"tco_urls_with_params", run_urls},
    {"urls_with_indices", run_urls_indices},
    {"urls_with_directional_markers", run_urls_indices},
    {"hashtags", run_hashtags},
    {"hashtags_from_astral", run_hashtags},
    {"hashtags_with_indices", run_hashtags_indices},
    {"cashtags", run_cashtags},
    {"cashtags_with_indices", run_cashtags_indices},
};

static const struct conf_group tlds_groups[] = {
    {"country", run_urls},
    {"generic", run_urls},
};

static const struct conf_group hit_highlighting_groups[] = {
    {"plain_text", run_hit_highlight},
    {"with_links", run_hit_highlight},
};

#define GROUPS(a) a, sizeof(a) / sizeof(a[0])

const struct conf_suite conf_suites[] = {
    {"validate.yml", GROUPS(validate_groups), true, NULL},
    {"extract.yml", GROUPS(extract_groups), true, NULL},
    {"tlds.yml", GROUPS(tlds_groups), true, NULL},
    {"hit_highlighting.yml", GROUPS(hit_highlighting_groups), true, NULL},
    {"autolink.yml", AUTOLINK_GROUPS, false, NULL},
};

const size_t conf_n_suites = sizeof(conf_suites) / sizeof(conf_suites[0]);
