/*
 * tests/conformance/runner.c - runs twitter-text's conformance suite against
 * our text engine. The YAML files are read at run time with libyaml, as
 * upstream asks (never converted to code), from the directory given as
 * argv[1]; cases.c says which engine call each group of cases stands for.
 *
 * Output: the failures of each file (the first MAX_PRINTED of them in full,
 * all of them counted), one "FILE: N passed, N failed" line per file, and
 * last a line "N passed, N failed" over the required files. Exit status 1
 * if a case fails or a file cannot be read or has not the expected shape,
 * 0 otherwise. Optional files (autolink.yml) are reported apart and never
 * change the totals or the exit status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"

#define MAX_PRINTED 50 /* failures printed in full per file */

struct conf_totals {
    size_t passed, failed, skipped;
};

enum outcome { PASSED, FAILED, SKIPPED };

/* ---- The flow notation of conformance.h ---- */

/* Characters a terminal would not show: written as escapes. */
static bool
is_invisible(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x34F || c == 0x61C ||
           c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x206F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF ||
           (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0xE0000 && c <= 0xE0FFF);
}

/*
 * Decodes the UTF-8 character at s[0..len) (len > 0) into *c and returns its
 * length, or returns 0 when the bytes there are not well-formed UTF-8.
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *c)
{
    size_t n, i;
    uint32_t v;

    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        n = 2, v = s[0] & 0x1F;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        n = 3, v = s[0] & 0x0F;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        n = 4, v = s[0] & 0x07;
    else
        return 0;
    if (n > len)
        return 0;
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *c = v;
    return n;
}

/* Writes s[0..len) quoted; bytes that are not UTF-8 come out as \xHH. */
void
conf_write_str(FILE *f, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, n;
    uint32_t c;

    putc('"', f);
    while (i < len) {
        if ((n = utf8_decode(u + i, len - i, &c)) == 0) {
            fprintf(f, "\\x%02X", u[i]);
            i++;
            continue;
        }
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", (int)c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (is_invisible(c))
            fprintf(f, c > 0xFFFF ? "\\U%08" PRIX32 : "\\u%04" PRIX32, c);
        else
            fwrite(u + i, 1, n, f);
        i += n;
    }
    putc('"', f);
}

void
conf_write_bool(FILE *f, bool v)
{
    fputs(v ? "true" : "false", f);
}

void
conf_write_null(FILE *f)
{
    fputs("null", f);
}

static bool
scalar_is(const yaml_node_t *node, const char *const *words)
{
    for (; *words != NULL; words++)
        if (node->data.scalar.length == strlen(*words) &&
            memcmp(node->data.scalar.value, *words, node->data.scalar.length) == 0)
            return true;
    return false;
}

/*
 * The value of a plain decimal scalar ([-+]?[0-9]+), into *v. Returns 0, or
 * -1 for anything else (quoted scalars are strings whatever they hold).
 */
static int
scalar_integer(const yaml_node_t *node, long long *v /* OUT */)
{
    const char *s = (const char *)node->data.scalar.value;
    size_t len = node->data.scalar.length, i = 0;
    char *end;

    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return -1;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i == len)
        return -1;
    for (; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno == 0 && end == s + len ? 0 : -1;
}

/*
 * Writes a YAML node in the flow notation. Plain scalars are resolved as
 * YAML 1.1 would for the types the suite uses (null, booleans, decimal
 * integers); every other scalar is a string.
 */
void
conf_write_node(FILE *f, yaml_document_t *doc, yaml_node_t *node)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    yaml_node_item_t *item;
    yaml_node_pair_t *pair;
    long long v;

    if (node == NULL) {
        conf_write_null(f);
        return;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE:
        if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
            conf_write_str(f, (const char *)node->data.scalar.value, node->data.scalar.length);
        else if (scalar_is(node, nulls))
            conf_write_null(f);
        else if (scalar_is(node, trues) || scalar_is(node, falses))
            conf_write_bool(f, scalar_is(node, trues));
        else if (scalar_integer(node, &v) == 0)
            fprintf(f, "%lld", v);
        else
            conf_write_str(f, (const char *)node->data.scalar.value, node->data.scalar.length);
        break;
    case YAML_SEQUENCE_NODE:
        putc('[', f);
        for (item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++) {
            if (item != node->data.sequence.items.start)
                fputs(", ", f);
            conf_write_node(f, doc, yaml_document_get_node(doc, *item));
        }
        putc(']', f);
        break;
    case YAML_MAPPING_NODE:
        putc('{', f);
        for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *key = yaml_document_get_node(doc, pair->key);

            if (pair != node->data.mapping.pairs.start)
                fputs(", ", f);
            if (key != NULL && key->type == YAML_SCALAR_NODE)
                fwrite(key->data.scalar.value, 1, key->data.scalar.length, f);
            else
                conf_write_node(f, doc, key);
            fputs(": ", f);
            conf_write_node(f, doc, yaml_document_get_node(doc, pair->value));
        }
        putc('}', f);
        break;
    default:
        fputs("<empty node>", f);
        break;
    }
}

int
conf_node_uint32(yaml_node_t *node, uint32_t *v)
{
    long long x;

    if (node == NULL || scalar_integer(node, &x) != 0 || x < 0 || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* ---- Reading the files ---- */

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *pair;
    size_t key_len = strlen(key);

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(doc, pair->key);

        if (k != NULL && k->type == YAML_SCALAR_NODE && k->data.scalar.length == key_len &&
            memcmp(k->data.scalar.value, key, key_len) == 0)
            return yaml_document_get_node(doc, pair->value);
    }
    return NULL;
}

static const char *
scalar_or(yaml_node_t *node, const char *dflt)
{
    if (node == NULL || node->type != YAML_SCALAR_NODE)
        return dflt;
    return (const char *)node->data.scalar.value;
}

/*
 * Loads the first document of path into *doc. Returns 0, or -1 after saying
 * on stderr why the file cannot be read; *doc then needs no deleting.
 */
static int
load_document(const char *path, yaml_document_t *doc /* OUT */)
{
    yaml_parser_t parser;
    FILE *fp;
    int rc = -1;

    if ((fp = fopen(path, "rb")) == NULL) {
        fprintf(stderr, "conformance: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "conformance: cannot read '%s': out of memory\n", path);
        fclose(fp);
        return -1;
    }
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, doc)) {
        fprintf(stderr, "conformance: cannot parse '%s': line %zu column %zu: %s%s%s\n", path,
                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                parser.problem != NULL ? parser.problem : "unknown error",
                parser.context != NULL ? " " : "", parser.context != NULL ? parser.context : "");
        goto out;
    }
    if (yaml_document_get_root_node(doc) == NULL) {
        fprintf(stderr, "conformance: cannot parse '%s': no YAML document in it\n", path);
        yaml_document_delete(doc);
        goto out;
    }
    rc = 0;
out:
    yaml_parser_delete(&parser);
    fclose(fp);
    return rc;
}

/* ---- Running ---- */

static const struct conf_group *
find_group(const struct conf_suite *suite, const char *name)
{
    size_t i;

    for (i = 0; i < suite->n_groups; i++)
        if (suite->groups[i].name == NULL || strcmp(suite->groups[i].name, name) == 0)
            return &suite->groups[i];
    return NULL;
}

/* Runs one case. Failures past the cap are only counted, not printed. */
static enum outcome
run_case(const struct conf_case *c, const struct conf_group *g, size_t n_failed_before)
{
    char *got = NULL, *want = NULL;
    size_t got_len = 0, want_len = 0;
    FILE *fg, *fw;
    int rc;
    bool pass;

    if ((fg = open_memstream(&got, &got_len)) == NULL ||
        (fw = open_memstream(&want, &want_len)) == NULL) {
        fprintf(stderr, "conformance: out of memory\n");
        exit(2);
    }
    rc = g->run(c, fg);
    conf_write_node(fw, c->doc, c->expected);
    if (fclose(fg) != 0 || fclose(fw) != 0) {
        fprintf(stderr, "conformance: out of memory\n");
        exit(2);
    }
    pass = rc == 0 && got_len == want_len && memcmp(got, want, got_len) == 0;
    if (!pass && rc != CONF_SKIP && n_failed_before < MAX_PRINTED) {
        printf("FAIL %s / %s / %s\n", c->file, c->group, c->description);
        fputs("    text:     ", stdout);
        conf_write_str(stdout, c->text, c->text_len);
        printf("\n    expected: %s\n    got:      %s%s\n", want, got,
               rc != 0 ? " (no result)" : "");
    }
    free(got);
    free(want);
    return rc == CONF_SKIP ? SKIPPED : pass ? PASSED : FAILED;
}

/*
 * Runs every case of a loaded file. Returns 0, or -1 if the file is not
 * {tests: {GROUP: [case, ...]}} or holds a group we have no call for
 * (said on stderr; the cases that could not run count as failed).
 */
static int
run_document(const struct conf_suite *suite, yaml_document_t *doc, struct conf_totals *t)
{
    yaml_node_t *tests = map_get(doc, yaml_document_get_root_node(doc), "tests");
    yaml_node_pair_t *gp;
    int rc = 0;

    if (tests == NULL || tests->type != YAML_MAPPING_NODE) {
        fprintf(stderr, "conformance: '%s': no 'tests' mapping at the top\n", suite->file);
        return -1;
    }
    for (gp = tests->data.mapping.pairs.start; gp < tests->data.mapping.pairs.top; gp++) {
        const char *name = scalar_or(yaml_document_get_node(doc, gp->key), "?");
        yaml_node_t *cases = yaml_document_get_node(doc, gp->value);
        const struct conf_group *g = find_group(suite, name);
        yaml_node_item_t *it;

        if (cases == NULL || cases->type != YAML_SEQUENCE_NODE) {
            fprintf(stderr, "conformance: '%s': group '%s' is not a list of cases\n", suite->file,
                    name);
            rc = -1;
            continue;
        }
        if (g == NULL) {
            size_t n = (size_t)(cases->data.sequence.items.top - cases->data.sequence.items.start);

            fprintf(stderr, "conformance: '%s': no engine call for group '%s' (%zu cases)\n",
                    suite->file, name, n);
            t->failed += n;
            rc = -1;
            continue;
        }
        for (it = cases->data.sequence.items.start; it < cases->data.sequence.items.top; it++) {
            yaml_node_t *node = yaml_document_get_node(doc, *it);
            yaml_node_t *text = map_get(doc, node, "text");
            struct conf_case c = {
                .file = suite->file,
                .group = name,
                .description = scalar_or(map_get(doc, node, "description"), "(no description)"),
                .doc = doc,
                .expected = map_get(doc, node, "expected"),
                .hits = map_get(doc, node, "hits"),
            };

            if (text == NULL || text->type != YAML_SCALAR_NODE) {
                fprintf(stderr, "conformance: '%s': group '%s': case '%s' has no text\n",
                        suite->file, name, c.description);
                t->failed++;
                rc = -1;
                continue;
            }
            c.text = (const char *)text->data.scalar.value;
            c.text_len = text->data.scalar.length;
            switch (run_case(&c, g, t->failed)) {
            case PASSED:
                t->passed++;
                break;
            case FAILED:
                t->failed++;
                break;
            case SKIPPED:
                t->skipped++;
                break;
            }
        }
    }
    return rc;
}

/* Runs one file of dir and prints its line. Returns 0, or -1 on a file error. */
static int
run_suite(const char *dir, const struct conf_suite *suite, struct conf_totals *t)
{
    yaml_document_t doc;
    char *path;
    int rc;

    if (suite->groups == NULL) {
        printf("%s: skipped (%s)\n", suite->file, suite->skip_reason);
        return 0;
    }
    if ((path = malloc(strlen(dir) + strlen(suite->file) + 2)) == NULL) {
        fprintf(stderr, "conformance: out of memory\n");
        return -1;
    }
    sprintf(path, "%s/%s", dir, suite->file);
    rc = load_document(path, &doc);
    free(path);
    if (rc != 0) {
        printf("%s: not run: cannot read it (see above)%s\n", suite->file,
               suite->required ? "" : " (not part of the required total)");
        return -1;
    }
    rc = run_document(suite, &doc, t);
    yaml_document_delete(&doc);
    if (t->failed > MAX_PRINTED)
        printf("(%zu more failures in %s not shown)\n", t->failed - MAX_PRINTED, suite->file);
    printf("%s: %zu passed, %zu failed", suite->file, t->passed, t->failed);
    if (t->skipped > 0)
        printf(", %zu skipped", t->skipped);
    if (rc != 0)
        fputs(", and errors (see above)", stdout);
    if (!suite->required)
        fputs(" (not part of the required total)", stdout);
    putchar('\n');
    return rc;
}

int
main(int argc, char **argv)
{
    struct conf_totals all = {0, 0, 0};
    bool error = false;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFORMANCE-DIR\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* keeps stdout in step with stderr */
    for (i = 0; i < conf_n_suites; i++) {
        struct conf_totals t = {0, 0, 0};

        if (run_suite(argv[1], &conf_suites[i], &t) != 0 && conf_suites[i].required)
            error = true;
        if (conf_suites[i].required) {
            all.passed += t.passed;
            all.failed += t.failed;
        }
    }
    printf("%zu passed, %zu failed\n", all.passed, all.failed);
    return error || all.failed > 0 ? 1 : 0;
}
