/*
 * text/text_int.h - what the text engine's files share and nobody else
 * sees: UTF-8 stepping, character classes of the twitter-text grammar,
 * the TLD tables and small buffer helpers.
 *
 * Every scanner works on valid UTF-8 (the public entry points check it or
 * document that the caller must), so decoding here does not re-validate.
 */
#ifndef GZ_TEXT_INT_H
#define GZ_TEXT_INT_H

#include "text.h"

/* Decodes the code point at s[i] (valid UTF-8, i < len); *n gets its byte length. */
static inline int32_t
utf8_at(const char *s, size_t i, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s + i;

    if (u[0] < 0x80) {
        *n = 1;
        return u[0];
    }
    if (u[0] < 0xE0) {
        *n = 2;
        return ((u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
    if (u[0] < 0xF0) {
        *n = 3;
        return ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
    *n = 4;
    return ((u[0] & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

/* Byte offset of the start of the code point before s[i] (i > 0). */
static inline size_t
utf8_prev(const char *s, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* Writes cp as UTF-8 into out (4 bytes room); returns its length. */
size_t utf8_put(char *out, int32_t cp);

static inline bool
is_ascii_alnum(int32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static inline int
ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Flags of ASCII characters: chr_ascii[c] for c < 0x80. */
enum {
    CHR_SPACE = 1 << 0,     /* spacesGroup */
    CHR_PUNCT = 1 << 1,     /* punct */
    CHR_JSSPACE = 1 << 2,   /* JavaScript \s */
    CHR_ALNUM = 1 << 3,     /* [A-Za-z0-9] */
    CHR_PATH = 1 << 4,      /* validGeneralUrlPathChars */
    CHR_PATH_END = 1 << 5,  /* validUrlPathEndingChars */
    CHR_QUERY = 1 << 6,     /* validUrlQueryChars */
    CHR_QUERY_END = 1 << 7, /* validUrlQueryEndingChars */
    CHR_WORD = 1 << 8,      /* [A-Za-z0-9_-]: the usual characters of a host label */
};
extern const uint16_t chr_ascii[128];

/* validDomainChars for ASCII: neither punct nor space (control characters are). */
static inline bool
ascii_is_domain_char(unsigned char c)
{
    return !(chr_ascii[c] & (CHR_PUNCT | CHR_SPACE));
}

/* Character classes, named after the twitter-text expressions they stand for. */
bool chr_is_space(int32_t c);         /* spacesGroup */
bool chr_is_punct(int32_t c);         /* punct */
bool chr_is_invalid(int32_t c);       /* invalidCharsGroup: FFFE FEFF FFFF */
bool chr_is_directional(int32_t c);   /* directionalMarkersGroup */
bool chr_is_latin_accent(int32_t c);  /* latinAccentChars */
bool chr_is_domain_char(int32_t c);   /* validDomainChars */
bool chr_is_hashtag_alpha(int32_t c); /* hashtagAlpha: letters and marks */
bool chr_is_hashtag_alnum(int32_t c); /* hashtagAlphaNumeric */
bool chr_is_js_space(int32_t c);      /* JavaScript \s */

/* A sign in its ASCII and full-width forms ('#' U+FF03, '@' U+FF20). */
struct sign {
    char ascii;
    unsigned char fullwidth_last; /* the full-width form is EF BC and this */
};
extern const struct sign SIGN_HASH, SIGN_AT;
/* Byte length of the sign at s[i], or 0. */
size_t sign_at(const char *s, size_t i, size_t len, const struct sign *g);
/* The next position >= i holding the sign, or len; memchr does the walking. */
size_t next_sign(const char *s, const struct sign *g, size_t i, size_t len);

/* Code point ranges, inclusive; generated tables are sorted. */
struct cp_range {
    int32_t first, last;
};
/* Is c in one of the sorted ranges r[0..n)? */
bool cp_in_ranges(int32_t c, const struct cp_range *r, size_t n);

/* Assigned after Unicode 7.0, the version of upstream's letter classes
 * (build/gen/age_table.c from DerivedAge.txt). */
extern const struct cp_range unicode_after_7[];
extern const size_t unicode_after_7_n;

/* NFC_QC No or Maybe (build/gen/nfcqc_table.c from DerivedNormalizationProps.txt). */
extern const struct cp_range nfc_qc_not_yes[];
extern const size_t nfc_qc_not_yes_n;

/* ---- TLDs (tables generated from tld_lib.yml at build time) ---- */

enum tld_kind { TLD_GENERIC, TLD_COUNTRY };

/*
 * Length in bytes of the TLD of the given kind that starts at s[i], as
 * upstream's validGTLD / validCCTLD with their lookahead: the TLD must be
 * followed by the end (s[end]) or by a character other than [0-9a-zA-Z@+-].
 * 0 when none does.
 */
size_t tld_match(const char *s, size_t i, size_t end, enum tld_kind kind);

/* Generated tables (build/gen/tld_table.c). */
struct tld_entry {
    const char *name; /* lower case UTF-8 */
    unsigned char len;
};
extern const struct tld_entry tld_generic_ascii[], tld_country_ascii[];
extern const size_t tld_generic_ascii_n, tld_country_ascii_n;
/* For the ASCII names (all [a-z]{2,}), sorted: where those starting with the
 * letters x, y begin, at [(x - 'a') * 26 + (y - 'a')]; one more at the end. */
extern const uint16_t tld_generic_ascii_index[26 * 26 + 1], tld_country_ascii_index[26 * 26 + 1];
extern const struct tld_entry tld_generic_unicode[], tld_country_unicode[];
extern const size_t tld_generic_unicode_n, tld_country_unicode_n;

/* Length of the punycode (validPunycode, "xn--…") at s[i], or 0. */
size_t punycode_tld_match(const char *s, size_t i, size_t end);

/*
 * Length in UTF-16 units of the ACE ("xn--…") form of a label of code
 * points, or the label's own length when it is ASCII (punycode.toASCII).
 * Non-ASCII labels of more than PUNYCODE_MAX_LABEL code points answer
 * PUNYCODE_MAX_LABEL + 1 (too long, whatever the exact figure), and
 * (size_t)-1 means the encoder would overflow.
 */
#define PUNYCODE_MAX_LABEL 63
size_t punycode_label_length(const char *s, size_t len);

/* ---- Entity helpers ---- */

int entities_push(struct text_entities *es, const struct text_entity *e);
void entities_remove_overlaps(struct text_entities *es, size_t from);
/*
 * With the URLs of s already in es->v[base..es->n), adds its mentions,
 * hashtags and cashtags and removes overlaps: text_extract_entities from
 * its second step.
 */
int entities_extract_rest(const char *s, size_t len, unsigned opts, struct text_entities *es,
                          size_t base);

/* ---- Emoji (v3 counting) ---- */

/* Byte length of the emoji sequence at s[i], 0 if none starts there. */
size_t emoji_match(const char *s, size_t i, size_t len);

/* Generated tables (build/gen/emoji_table.c): sequences grouped by their
 * first code point, longest first within a group. */
struct emoji_seq {
    const char *utf8;
    unsigned char len;
};
struct emoji_first {
    int32_t cp;
    uint16_t start, count; /* into emoji_seqs */
};
extern const struct emoji_seq emoji_seqs[];
extern const size_t emoji_seqs_n;
extern const struct emoji_first emoji_firsts[];
extern const size_t emoji_firsts_n;

/* ---- Buffers ---- */

int buf_reserve(struct text_buf *b, size_t extra);
int buf_append(struct text_buf *b, const char *s, size_t len);
int buf_puts(struct text_buf *b, const char *s);
/* A malloc'd copy of s[0..n) and a NUL, or NULL. strndup's job, but through
 * the malloc the allocation-failure test (tests/unit/test_oom.c) can fail. */
char *str_dup_n(const char *s, size_t n);

#endif
