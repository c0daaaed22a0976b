/*
 * bench/bench_text.c - throughput of the text engine on a corpus of posts,
 * the same work as bench/bench_twitter_text.js does with npm twitter-text.
 *
 * One unit of work is "parse+extract" of one post: text_analyze() under the
 * v1 config with no extraction options (the weighted length, validity and
 * every entity, the URLs found once for both, as the server does for each
 * post), reusing one struct text_scratch and one struct text_entities.
 * Single-threaded. The dump mode calls text_parse() and
 * text_extract_entities() apart, on the text as given, as upstream's two
 * calls do.
 *
 *   bench_text bench CORPUS [--seconds S] [--reps N] [--warmup S]
 *       runs the corpus over and over for S seconds per repetition, N
 *       repetitions, and prints the median texts per second.
 *   bench_text linearity CORPUS [--seconds S] [--budget S]
 *       per-byte cost of parse+extract on a ~1 MiB text (corpus lines joined
 *       with spaces) against the same bytes cut into 140-character texts.
 *   bench_text dump CORPUS OUT.jsonl   (or --dump; likewise --bench, --linearity)
 *       one JSON line per post: weighted length, validity, entities with
 *       code point indices, for bench/compare.py.
 *
 * Results go to stdout as "key=value" lines (bench/run.sh reads them),
 * commentary to stderr. Every timed loop is bounded in time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/text.h"

#define LIN_TARGET  ((size_t)1 << 20) /* the "1 MiB" text */
#define LIN_SMALL   140               /* code points per small text */
#define CHECK_EVERY 64                /* texts between two clock reads */

struct span {
    const char *s;
    size_t len;
};

struct corpus {
    char *data;
    size_t size;
    struct span *v;
    size_t n;
};

static struct text_scratch sc;
static struct text_entities es;
static volatile double sink; /* keeps the work observable */

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process: less sensitive than wall time to a busy machine. */
static double
cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *
xrealloc(void *p, size_t n)
{
    if ((p = realloc(p, n)) == NULL) {
        fprintf(stderr, "bench_text: out of memory\n");
        exit(2);
    }
    return p;
}

/* Reads CORPUS: one post per line, the last newline optional, empty lines skipped. */
static void
corpus_load(struct corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, got, i, start, vcap = 0;

    memset(c, 0, sizeof(*c));
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    for (;;) {
        if (c->size + 65536 > cap) {
            cap = cap ? cap * 2 : 1 << 20;
            c->data = xrealloc(c->data, cap);
        }
        got = fread(c->data + c->size, 1, cap - c->size, f);
        if (got == 0)
            break;
        c->size += got;
    }
    fclose(f);
    for (start = i = 0; i <= c->size; i++) {
        if (i < c->size && c->data[i] != '\n')
            continue;
        if (i > start) {
            if (c->n == vcap) {
                vcap = vcap ? vcap * 2 : 4096;
                c->v = xrealloc(c->v, vcap * sizeof(*c->v));
            }
            c->v[c->n].s = c->data + start;
            c->v[c->n].len = i - start;
            c->n++;
        }
        start = i + 1;
    }
    if (c->n == 0) {
        fprintf(stderr, "bench_text: %s: no posts\n", path);
        exit(2);
    }
}

/* The unit of work. */
static void
parse_extract(const char *s, size_t len)
{
    struct text_parse_result pr;
    const char *norm;
    size_t norm_len;

    es.n = 0;
    if (text_analyze(&sc, s, len, &text_config_v1, 0, &pr, &es, &norm, &norm_len) != 0) {
        fprintf(stderr, "bench_text: out of memory in the engine\n");
        exit(2);
    }
    sink += pr.weighted_length + (double)es.n;
}

/*
 * Runs the texts in order, round and round, until seconds have passed
 * (the clock is read every CHECK_EVERY texts). Returns the elapsed time;
 * *texts and *bytes get what was done, *cpu the CPU time it took.
 */
static double
run_for(const struct span *v, size_t n, double seconds, unsigned long long *texts,
        unsigned long long *bytes, double *cpu)
{
    double c0 = cpu_now(), t0 = now(), t = 0;
    unsigned long long k = 0, b = 0;
    size_t i = 0;

    for (;;) {
        parse_extract(v[i].s, v[i].len);
        b += v[i].len;
        k++;
        if (++i == n)
            i = 0;
        if (k % CHECK_EVERY == 0 && (t = now() - t0) >= seconds)
            break;
    }
    *texts = k;
    *bytes = b;
    *cpu = cpu_now() - c0;
    return t;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int
cmd_bench(const struct corpus *c, double seconds, int reps, double warmup)
{
    double *rate = xrealloc(NULL, (size_t)reps * sizeof(*rate)), el, med, cpu;
    double *cpu_rate = xrealloc(NULL, (size_t)reps * sizeof(*cpu_rate));
    unsigned long long texts, bytes;
    int r;

    run_for(c->v, c->n, warmup, &texts, &bytes, &cpu);
    for (r = 0; r < reps; r++) {
        el = run_for(c->v, c->n, seconds, &texts, &bytes, &cpu);
        rate[r] = (double)texts / el;
        cpu_rate[r] = (double)texts / cpu;
        fprintf(stderr,
                "c: repetition %d: %llu texts in %.3f s (%.3f s CPU), %.0f texts/s, %.1f MB/s\n",
                r + 1, texts, el, cpu, rate[r], (double)bytes / el / 1e6);
    }
    qsort(rate, (size_t)reps, sizeof(*rate), cmp_double);
    qsort(cpu_rate, (size_t)reps, sizeof(*cpu_rate), cmp_double);
    med = reps % 2 ? rate[reps / 2] : (rate[reps / 2 - 1] + rate[reps / 2]) / 2;
    printf("c.cpu_texts_per_s_median=%.0f\n",
           reps % 2 ? cpu_rate[reps / 2] : (cpu_rate[reps / 2 - 1] + cpu_rate[reps / 2]) / 2);
    printf("c.texts=%zu\n", c->n);
    printf("c.reps=%d\n", reps);
    printf("c.seconds_per_rep=%g\n", seconds);
    printf("c.texts_per_s_min=%.0f\n", rate[0]);
    printf("c.texts_per_s_max=%.0f\n", rate[reps - 1]);
    printf("c.texts_per_s_median=%.0f\n", med);
    printf("c.ns_per_text_median=%.1f\n", 1e9 / med);
    free(rate);
    free(cpu_rate);
    return 0;
}

/* Length of the UTF-8 sequence led by byte b (valid input). */
static size_t
seq_len(unsigned char b)
{
    return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/*
 * The linearity text, built the same way by bench_twitter_text.js: corpus
 * lines, cycled, joined with single spaces, as many as fit in LIN_TARGET
 * bytes.
 */
static char *
build_big(const struct corpus *c, size_t *len)
{
    char *big = xrealloc(NULL, LIN_TARGET + 1);
    size_t n = 0, i = 0;

    for (;;) {
        const struct span *l = &c->v[i++ % c->n];
        size_t need = l->len + (n > 0);

        if (n + need > LIN_TARGET)
            break;
        if (n > 0)
            big[n++] = ' ';
        memcpy(big + n, l->s, l->len);
        n += l->len;
    }
    big[n] = '\0';
    *len = n;
    return big;
}

static int
cmd_linearity(const struct corpus *c, double seconds, double budget)
{
    size_t len, i, n = 0, cap = 0, cps, size, sizes[16];
    char *big = build_big(c, &len);
    struct span *small = NULL;
    unsigned long long texts, bytes;
    double cpu, el, small_ns, big_ns = 0, t0 = now(), per_run, prev = 0, growth = 1, predicted;
    double first = 0, overall = 1;
    size_t big_size = 0, k, nsizes = 0;

    /* 140-character texts: the same bytes, cut every LIN_SMALL code points. */
    for (i = 0; i < len;) {
        size_t st = i;

        for (cps = 0; cps < LIN_SMALL && i < len; cps++)
            i += seq_len((unsigned char)big[i]);
        if (n == cap) {
            cap = cap ? cap * 2 : 8192;
            small = xrealloc(small, cap * sizeof(*small));
        }
        small[n].s = big + st;
        small[n].len = i - st;
        n++;
    }
    run_for(small, n, seconds / 4, &texts, &bytes, &cpu); /* warm-up */
    el = run_for(small, n, seconds, &texts, &bytes, &cpu);
    small_ns = el * 1e9 / (double)bytes;
    fprintf(stderr, "c: linearity: %zu texts of %d characters: %.3f ns/byte\n", n, LIN_SMALL,
            small_ns);

    /* The big text, then its doubling prefixes, as long as the budget allows. */
    for (size = 16 << 10; size < len; size *= 2)
        sizes[nsizes++] = size;
    sizes[nsizes++] = len;
    for (k = 0; k < nsizes; k++) {
        size_t plen = sizes[k];
        unsigned long long runs = 0;
        double r0 = now();

        while (plen < len && ((unsigned char)big[plen] & 0xC0) == 0x80)
            plen--; /* a code point boundary */
        if (k > 0) {
            predicted = prev * pow(2.0, growth > 1 ? growth : 1);
            if (now() - t0 + predicted > budget) {
                fprintf(stderr,
                        "c: linearity: skipping %zu bytes and above: one run would take "
                        "~%.1f s, over the %.0f s budget\n",
                        plen, predicted, budget);
                break;
            }
        }
        do {
            parse_extract(big, plen);
            runs++;
        } while ((el = now() - r0) < seconds / 4 && now() - t0 < budget);
        per_run = el / (double)runs;
        if (k > 0 && prev > 0)
            growth = log2(per_run / prev) / log2((double)plen / (double)big_size);
        fprintf(stderr, "c: linearity: %zu bytes: %.4f s per run (%llu runs), %.3f ns/byte\n", plen,
                per_run, runs, per_run * 1e9 / (double)plen);
        if (k == 0)
            first = per_run;
        else
            overall = log2(per_run / first) / log2((double)plen / (double)sizes[0]);
        prev = per_run;
        big_size = plen;
        big_ns = per_run * 1e9 / (double)plen;
    }
    printf("c.lin.small_chars=%d\n", LIN_SMALL);
    printf("c.lin.small_ns_per_byte=%.3f\n", small_ns);
    printf("c.lin.big_bytes=%zu\n", big_size);
    printf("c.lin.big_complete=%d\n", big_size == len);
    printf("c.lin.big_ns_per_byte=%.3f\n", big_ns);
    printf("c.lin.ratio=%.3f\n", big_ns / small_ns);
    printf("c.lin.growth_exponent=%.2f\n", overall); /* time ~ size^this */
    free(small);
    free(big);
    return 0;
}

/* Appends s[0..len) as a JSON string (UTF-8 passed through). */
static void
json_str(FILE *f, const char *s, size_t len)
{
    size_t i;

    fputc('"', f);
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static const char *
type_name(enum text_entity_type t)
{
    switch (t) {
    case TEXT_ENTITY_URL:
        return "url";
    case TEXT_ENTITY_HASHTAG:
        return "hashtag";
    case TEXT_ENTITY_MENTION:
        return "mention";
    case TEXT_ENTITY_CASHTAG:
        return "cashtag";
    }
    return "?";
}

static int
cmd_dump(const struct corpus *c, const char *out)
{
    FILE *f = fopen(out, "w");
    size_t i, j;

    if (f == NULL) {
        perror(out);
        return 2;
    }
    for (i = 0; i < c->n; i++) {
        const char *s = c->v[i].s;
        size_t len = c->v[i].len;
        struct text_parse_result pr;

        es.n = 0;
        if (text_parse(&sc, s, len, &text_config_v1, &pr) != 0 ||
            text_extract_entities(s, len, 0, &es) != 0) {
            fprintf(f, "{\"i\":%zu,\"error\":\"engine returned -1\"}\n", i);
            fflush(f);
            continue;
        }
        text_entities_index(s, len, &es);
        fprintf(f,
                "{\"i\":%zu,\"weightedLength\":%.17g,\"valid\":%s,\"permillage\":%d,"
                "\"displayRangeStart\":%d,\"displayRangeEnd\":%d,"
                "\"validRangeStart\":%d,\"validRangeEnd\":%d,\"entities\":[",
                i, pr.weighted_length, pr.valid ? "true" : "false", pr.permillage,
                pr.display_range_start, pr.display_range_end, pr.valid_range_start,
                pr.valid_range_end);
        for (j = 0; j < es.n; j++) {
            const struct text_entity *e = &es.v[j];

            fprintf(f, "%s{\"type\":\"%s\",\"value\":", j ? "," : "", type_name(e->type));
            if (e->value_start <= e->value_end && e->value_end <= len)
                json_str(f, s + e->value_start, e->value_end - e->value_start);
            else
                fputs("\"<bad value range>\"", f);
            fputs(",\"list\":", f);
            if (e->list_start < e->list_end && e->list_end <= len)
                json_str(f, s + e->list_start, e->list_end - e->list_start);
            else
                fputs("\"\"", f);
            fprintf(f, ",\"indices\":[%u,%u]}", e->cp_start, e->cp_end);
        }
        fputs("]}\n", f);
        fflush(f); /* so that a crash still leaves the lines before it */
    }
    if (fclose(f) != 0) {
        perror(out);
        return 2;
    }
    fprintf(stderr, "c: dumped %zu texts to %s\n", c->n, out);
    return 0;
}

static _Noreturn void
usage(void)
{
    fprintf(stderr, "usage: bench_text bench CORPUS [--seconds S] [--reps N] [--warmup S]\n"
                    "       bench_text linearity CORPUS [--seconds S] [--budget S]\n"
                    "       bench_text dump CORPUS OUT.jsonl\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    double seconds = 2, warmup = 1, budget = 60;
    int reps = 5, i, rc;
    struct corpus c;

    if (argc < 3)
        usage();
    if (strncmp(argv[1], "--", 2) == 0)
        argv[1] += 2; /* "--dump" is "dump" */
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = atof(argv[++i]);
        else if (strcmp(argv[i], "--budget") == 0 && i + 1 < argc)
            budget = atof(argv[++i]);
        else if (strcmp(argv[1], "dump") != 0 || i != 3)
            usage();
    }
    if (seconds <= 0 || reps < 1 || warmup < 0 || budget <= 0)
        usage();
    corpus_load(&c, argv[2]);
    if (strcmp(argv[1], "bench") == 0)
        rc = cmd_bench(&c, seconds, reps, warmup);
    else if (strcmp(argv[1], "linearity") == 0)
        rc = cmd_linearity(&c, seconds, budget);
    else if (strcmp(argv[1], "dump") == 0 && argc == 4)
        rc = cmd_dump(&c, argv[3]);
    else
        usage();
    text_scratch_release(&sc);
    text_entities_release(&es);
    free(c.v);
    free(c.data);
    printf("c.sink=%.0f\n", sink);
    return rc;
}
