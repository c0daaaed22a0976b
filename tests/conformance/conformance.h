/*
 * tests/conformance/conformance.h - what the conformance runner's two files
 * share: runner.c reads the YAML and reports, cases.c maps each group of
 * cases to the engine calls in text/text.h.
 *
 * A case passes when the engine's result, written out by the group's
 * function in the runner's flow notation, is the same string as the
 * case's "expected" node written out by runner.c (conf_write_node()):
 *   strings  "quoted", with \" \\ \n and \uXXXX for invisible characters
 *   numbers  42        booleans  true / false        null  null
 *   lists    [a, b]    mappings  {key: value, key: value} in the file's order
 * so both sides of a failure print the same way.
 */
#ifndef GZ_CONFORMANCE_H
#define GZ_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yaml.h>

/* One test case, borrowed from the loaded YAML document. */
struct conf_case {
    const char *file, *group, *description;
    const char *text; /* UTF-8 as libyaml decoded it, NUL-terminated */
    size_t text_len;
    yaml_document_t *doc;
    yaml_node_t *expected; /* NULL when the case has no "expected" key */
    yaml_node_t *hits;     /* hit_highlighting's "hits", else NULL */
};

/*
 * A group's run() runs case c against the engine and writes the result to
 * got. It returns 0; -1 when there is no result to compare (the engine ran
 * out of memory, the case is malformed), the case then failing with what
 * was written to got; or CONF_SKIP when the case cannot be run at all
 * (counted apart, neither passed nor failed).
 */
#define CONF_SKIP 1

struct conf_group {
    const char *name; /* NULL: every group of the file */
    int (*run)(const struct conf_case *c, FILE *got);
};

struct conf_suite {
    const char *file;                /* name in the conformance directory */
    const struct conf_group *groups; /* NULL: not run (skip_reason says why) */
    size_t n_groups;
    bool required; /* counts in the totals and the exit status */
    const char *skip_reason;
};

extern const struct conf_suite conf_suites[];
extern const size_t conf_n_suites;

/* Writers of the notation above. */
void conf_write_str(FILE *f, const char *s, size_t len);
void conf_write_bool(FILE *f, bool v);
void conf_write_null(FILE *f);
void conf_write_node(FILE *f, yaml_document_t *doc, yaml_node_t *node);

/* Reads a plain decimal integer scalar into *v. Returns 0, or -1 if node is not one. */
int conf_node_uint32(yaml_node_t *node, uint32_t *v /* OUT */);

#endif
