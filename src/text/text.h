/*
 * text/text.h - the text engine: how long a post is, which links, hashtags,
 * mentions and cashtags it holds, and how it reads as HTML.
 *
 * The counting and extraction rules are twitter-text's (the conformance
 * suite in tests/conformance is the spec), plus one extension: the Fediverse
 * mention "@user@example.org" when TEXT_FEDIVERSE is asked for.
 *
 * Everything here is a pure function over UTF-8 bytes: no I/O, no globals
 * that change. Memory is the caller's: results go into caller-owned vectors
 * (struct text_entities, struct text_buf) which the functions grow with
 * realloc and the caller releases. Offsets are byte offsets into the text
 * the caller passed; code point indices are filled on request.
 */
#ifndef GZ_TEXT_H
#define GZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inputs longer than this are refused (reason TEXT_INVALID_TOO_BIG). */
#define TEXT_MAX_INPUT ((size_t)16 << 20)

/* ---- Counting configs (twitter-text config/v1.json, v2.json, v3.json) ---- */

struct text_weight_range {
    uint32_t start, end; /* code points, inclusive */
    int weight;
};

struct text_config {
    const char *name; /* "v1", "v2", "v3" */
    int version;
    int max_weighted_length; /* after dividing by scale */
    int scale;
    int default_weight;
    int transformed_url_length;
    bool emoji_parsing;
    const struct text_weight_range *ranges;
    size_t n_ranges;
    int ascii_weight; /* the weight every ASCII character has, or 0 if they differ */
};

extern const struct text_config text_config_v1; /* 140, every char 1 */
extern const struct text_config text_config_v2; /* 280, CJK and emoji 2 */
extern const struct text_config text_config_v3; /* v2, emoji sequences once */

/* The config named "v1", "v2" or "v3"; NULL for any other name. */
const struct text_config *text_config_find(const char *name);

/* ---- Caller-owned growable buffers ---- */

struct text_buf {
    char *data; /* NUL-terminated when len > 0 or after any append */
    size_t len, cap;
};
void text_buf_release(struct text_buf *b); /* frees data, zeroes b */

/*
 * Scratch memory reused across calls (NFC normalisation). Zero-initialise,
 * pass to as many calls as you like from one thread, then release.
 */
struct text_entities;
struct text_scratch {
    struct text_buf nfc;
    int32_t *cps;
    size_t cps_cap;
    struct text_entity *urls; /* text_parse's URLs */
    size_t urls_cap;
};
void text_scratch_release(struct text_scratch *sc);

/* ---- UTF-8 ---- */

enum text_utf8_error {
    TEXT_UTF8_OK = 0,
    TEXT_UTF8_NUL,          /* a NUL byte */
    TEXT_UTF8_BAD_LEAD,     /* 0x80-0xC1 or 0xF5-0xFF where a character starts */
    TEXT_UTF8_TRUNCATED,    /* a sequence cut short by a non-continuation byte or the end */
    TEXT_UTF8_OVERLONG,     /* a character encoded in more bytes than needed */
    TEXT_UTF8_SURROGATE,    /* U+D800-U+DFFF encoded directly */
    TEXT_UTF8_OUT_OF_RANGE, /* above U+10FFFF */
};

/* Checks s[0..len). Returns TEXT_UTF8_OK or the first error, its byte offset in *at. */
enum text_utf8_error text_utf8_check(const char *s, size_t len, size_t *at /* OUT */);
const char *text_utf8_error_string(enum text_utf8_error e); /* static string */

/* Code points and UTF-16 code units in s[0..len) (s must be valid UTF-8). */
size_t text_utf8_count_cp(const char *s, size_t len);
size_t text_utf8_count_utf16(const char *s, size_t len);

/*
 * NFC-normalise s[0..len) (valid UTF-8). Sets *out to s itself when s is
 * already NFC (the common case, checked without copying), otherwise to a
 * copy in sc->nfc. Returns 0, or -1 if memory runs out.
 */
int text_nfc(struct text_scratch *sc, const char *s, size_t len, const char **out /* OUT */,
             size_t *out_len /* OUT */);

/* ---- Parsing: weighted length and validity ---- */

enum text_invalid {
    TEXT_VALID = 0,
    TEXT_INVALID_EMPTY,      /* no characters */
    TEXT_INVALID_TOO_LONG,   /* weighted length over the config's maximum */
    TEXT_INVALID_CHARACTERS, /* U+FFFE, U+FEFF or U+FFFF */
    TEXT_INVALID_UTF8,       /* not UTF-8: see utf8_error */
    TEXT_INVALID_TOO_BIG,    /* over TEXT_MAX_INPUT bytes */
};

struct text_parse_result {
    double weighted_length; /* integral for the shipped configs */
    int permillage;         /* floor(weighted_length / max * 1000) */
    bool valid;
    /* Inclusive UTF-16 code unit indices into the original text, as upstream. */
    int display_range_start, display_range_end;
    int valid_range_start, valid_range_end;
    enum text_invalid reason;        /* first reason the text is invalid */
    enum text_utf8_error utf8_error; /* when reason is TEXT_INVALID_UTF8 */
    size_t error_offset;             /* byte offset for UTF-8 errors and invalid characters */
};

/*
 * Weighs s[0..len) under cfg: NFC first, every URL as transformed_url_length,
 * emoji sequences once under v3. Never fails: bad input yields valid=false
 * with a reason. Returns -1 only if memory runs out.
 */
int text_parse(struct text_scratch *sc, const char *s, size_t len, const struct text_config *cfg,
               struct text_parse_result *out /* OUT */);
const char *text_invalid_string(enum text_invalid r); /* static string */

/*
 * text_parse and text_extract_entities(…, opts, …) in one go, finding the
 * URLs once: what a server does with every post. The entities are those of
 * the NFC-normalised text, which *norm / *norm_len point at afterwards (s
 * itself, or sc's copy, valid until sc's next use). When the text is not
 * UTF-8 or too big, *norm is NULL and no entity is added. Returns 0, or -1
 * if memory runs out.
 */
int text_analyze(struct text_scratch *sc, const char *s, size_t len, const struct text_config *cfg,
                 unsigned opts, struct text_parse_result *out, struct text_entities *entities,
                 const char **norm /* OUT */, size_t *norm_len /* OUT */);

/* ---- Entities ---- */

enum text_entity_type {
    TEXT_ENTITY_URL,
    TEXT_ENTITY_HASHTAG,
    TEXT_ENTITY_MENTION, /* a user, a list ("@user/slug"), or a Fediverse account */
    TEXT_ENTITY_CASHTAG,
};

struct text_entity {
    enum text_entity_type type;
    uint32_t start, end;             /* bytes [start, end): the whole entity with its sigil */
    uint32_t value_start, value_end; /* bytes: URL; tag or screen name without sigil */
    uint32_t list_start, list_end;   /* bytes: "/slug" of a list mention, else empty */
    uint32_t domain_start,
        domain_end;            /* bytes: "example.org" of @user@example.org, or a URL's host */
    uint32_t cp_start, cp_end; /* code points [start, end), see text_entities_index() */
    bool has_protocol;         /* URL written with http:// or https:// */
};

struct text_entities {
    struct text_entity *v;
    size_t n, cap;
};
void text_entities_release(struct text_entities *es);

/* Options for extraction. */
enum {
    TEXT_FEDIVERSE = 1 << 0, /* "@user@example.org" is one mention with its domain */
};

/*
 * Each extractor appends what it finds in s[0..len) (valid UTF-8) to *out,
 * in text order, and returns 0, or -1 if memory runs out (out then holds
 * what was found so far).
 */
int text_extract_urls(const char *s, size_t len, struct text_entities *out);
int text_extract_hashtags(const char *s, size_t len, struct text_entities *out);
int text_extract_mentions(const char *s, size_t len, unsigned opts, struct text_entities *out);
int text_extract_cashtags(const char *s, size_t len, struct text_entities *out);
/* All four, overlaps removed as upstream does (earlier start wins). */
int text_extract_entities(const char *s, size_t len, unsigned opts, struct text_entities *out);
/* Hashtags that do not overlap a URL (upstream extractHashtags' default); on
 * -1 it adds none, since the ones found so far were not checked yet. */
int text_extract_hashtags_checked(const char *s, size_t len, struct text_entities *out);

/*
 * The screen name a post replies to ("@user hello"): true and its byte range
 * when s starts (after spaces) with a mention, false otherwise.
 */
bool text_extract_reply(const char *s, size_t len, uint32_t *start /* OUT */,
                        uint32_t *end /* OUT */);

/* Fills cp_start/cp_end of es->v (sorted by start) from the byte offsets. */
void text_entities_index(const char *s, size_t len, struct text_entities *es);

/* ---- Validation of single items (upstream isValid*) ---- */

bool text_is_valid_username(const char *s, size_t len); /* "@name" */
bool text_is_valid_list(const char *s, size_t len);     /* "@name/slug" */
bool text_is_valid_hashtag(const char *s, size_t len);  /* "#tag" */
/* A whole URL; unicode_domains allows IDN hosts, require_protocol http(s). */
bool text_is_valid_url(const char *s, size_t len, bool unicode_domains, bool require_protocol);

/*
 * Appends the form hashtags are compared and stored in: NFC, lower case
 * ("Économie" and "économie" are one tag). Returns 0, or -1 when s is not
 * UTF-8 or memory runs out (out left as it was).
 */
int text_tag_fold(struct text_buf *out, const char *s, size_t len);

/*
 * Appends the key a name is compared by: compatibility-decomposed, marks
 * dropped, case-folded, letters and digits only ("Jean-Pierre Bédard" ->
 * "jeanpierrebedard"). Returns 0, or -1 when s is not UTF-8 or memory runs
 * out (out left as it was).
 */
int text_name_key(struct text_buf *out, const char *s, size_t len);

/*
 * The length of the speaker prefix at the start of s ("Jacques Beaudet" of
 * "Jacques Beaudet: il faut…"): what comes before the first ": " within 60
 * bytes and before any sentence end. 0 when there is none.
 */
size_t text_speaker_prefix_len(const char *s, size_t len);

/*
 * A text too long for one post as a numbered thread ("1/3" …) of posts of
 * at most limit (>= 20) weighted characters under twitter-text v1: cut at
 * sentence ends, then clause marks, then between words (inside a word only
 * when it alone is too long); a "Name: " prefix at its start repeated on
 * each part, and " #hashtag" (NULL or "": none) ending each. A text that
 * fits, its hashtag with it, comes back as one part, unchanged. Returns 0
 * with out->parts (malloc'd; text_split_release()), or -1 when s is not
 * UTF-8, too long (16 KiB), memory runs out, or no split fits (99 parts).
 */
struct text_split {
    char **parts;
    size_t n;
};
int text_split(const char *s, size_t len, int limit, const char *hashtag, struct text_split *out);
void text_split_release(struct text_split *sp);

/*
 * Shortens s to at most opt->limit weighted characters (twitter-text v1)
 * by abbreviating words as a careful writer does by hand (text/fit.c):
 * French truncation rules (English ones with english), conventional forms
 * first, the same abbreviation for the same word, nothing touched in
 * entities, numbers, acronyms, capitalized names, words under six letters
 * or the protected spans. A text that fits comes back unchanged. Returns 0
 * with *out filled (text and changes malloc'd: text_fit_release()); fits
 * false when the best found is still too long. -1 when s is not UTF-8, is
 * over 16 KiB, or memory runs out.
 */
struct fit_span {
    size_t start, end; /* bytes */
};
struct fit_options {
    int limit;
    bool english;
    const struct fit_span *protect; /* names of the event: never touched */
    size_t n_protect;
};
struct fit_change {
    char *from, *to;
};
struct text_fit_result {
    char *text;
    double weighted_length, original_length;
    bool fits;
    struct fit_change *changes; /* in the text's order */
    size_t changed;
};
int text_fit(const char *s, size_t len, const struct fit_options *opt, struct text_fit_result *out);
void text_fit_release(struct text_fit_result *r);

/* ---- HTML ---- */

/* Appends s[0..len) HTML-escaped (& < > " ') to out. Returns 0, or -1 when
 * memory runs out (out left as it was). */
int text_html_escape(struct text_buf *out, const char *s, size_t len);

struct text_autolink_options {
    const char *hashtag_base; /* default "/tags/" */
    const char *mention_base; /* default "/@" ; Fediverse mentions link to https://domain/@user */
    const char *cashtag_base; /* default "/search?q=%24" */
    int url_display_max;      /* shortened display length in characters, default 30 */
    unsigned extract_opts;    /* TEXT_FEDIVERSE by default when the struct is NULL */
};

/*
 * Appends the HTML of a post to out: hashtags, mentions, cashtags and URLs
 * as links, everything else escaped, line breaks as <br>. opts may be NULL
 * for the defaults. Returns 0, or -1 when s is not valid UTF-8 (NUL bytes
 * included), is over TEXT_MAX_INPUT bytes, or memory runs out; on -1 out
 * is left as it was.
 */
int text_autolink(struct text_buf *out, const char *s, size_t len,
                  const struct text_autolink_options *opts);

/*
 * Appends the HTML of a reader's comment (plain text, never markup) to out:
 * paragraphs (<p>…</p>) split at blank lines (blanks and tabs only count
 * as blank), single line breaks as <br> (CRLF is one), http(s) URLs and
 * scheme-less domains (linked to https://…) as <a href rel="nofollow ugc
 * noopener"> showing the URL in full, everything else escaped. Hashtags
 * and mentions are not linked. Returns 0, or -1 when s is not valid UTF-8
 * (NUL bytes included), is over TEXT_MAX_INPUT bytes, or memory runs out;
 * on -1 out is left as it was.
 */
int text_comment_html(struct text_buf *out, const char *s, size_t len);
/* How many links text_comment_html would make in s (0 for invalid UTF-8). */
size_t text_comment_links(const char *s, size_t len);

/*
 * Appends the HTML of a Markdown text (CommonMark, cmark) to out, for the
 * Markdown fields of an event. Raw HTML is dropped and javascript: (and
 * vbscript:, file:, data:) links are emptied, so the result is safe to
 * show. Returns 0, or -1 when md is not valid UTF-8 (NUL bytes included),
 * is over TEXT_MAX_INPUT bytes, or memory runs out; on -1 out is left as
 * it was.
 */
int text_markdown(struct text_buf *out, const char *md, size_t len);

/*
 * Wraps the code point ranges hits[i][0]..hits[i][1] of text (which may hold
 * HTML tags; offsets skip the markup) in <em></em>, as upstream hitHighlight.
 * Returns 0, or -1 when memory runs out (out left as it was).
 */
int text_hit_highlight(struct text_buf *out, const char *s, size_t len, const uint32_t (*hits)[2],
                       size_t n_hits);

#endif
