/*
 * text/fit.c - shortening a post to its limit as its author did by hand in
 * the reference document ("coopér.", "dév.", "écon.", "participat."): by
 * truncation, following the French rules of the Office québécois de la
 * langue française - cut after a consonant and before a vowel (so a
 * consonant group stays whole), end with a period, keep accents and
 * capitals, remove at least three letters - preferring the conventional
 * forms (dév., gouv., env., boul., c.-à-d., …) and the same abbreviation
 * for the same word everywhere in the post; and the English equivalents.
 *
 * What is never touched: hashtags, mentions, URLs and cashtags (the text
 * engine's entities), numbers, acronyms, words under six letters, the
 * names the caller protects (the event's people, places, organizations),
 * and capitalized words other than a sentence's first (names). A text that
 * fits is left as it is. Otherwise words are shortened, the longest first
 * (a long word cut at its stem is the easiest to read back), each by its
 * gentlest cut that is enough, then cuts that removed more than needed are
 * made gentler again. Same input, same output.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/arena.h"
#include "text/text.h"
#include "text/text_int.h"

#define MAX_WORDS  256
#define MAX_CUTS   12
#define WORD_BYTES 64

/* The conventional abbreviations, by language: the word (lower case) and its form. */
static const char *const conventional_fr[][2] = {
    {"développement", "dév."},
    {"développements", "dév."},
    {"gouvernement", "gouv."},
    {"gouvernements", "gouv."},
    {"environnement", "env."},
    {"boulevard", "boul."},
    {"c'est-à-dire", "c.-à-d."},
    {"c’est-à-dire", "c.-à-d."},
    {"économie", "écon."},
    {"économique", "écon."},
    {"économiques", "écon."},
    {"association", "assoc."},
    {"associations", "assoc."},
    {"exemple", "ex."},
    {"québécois", "québ."},
    {"québécoise", "québ."},
    {"international", "internat."},
    {"internationale", "internat."},
    {"administration", "admin."},
    {"professionnel", "prof."},
    {"professionnelle", "prof."},
    {"responsabilité", "responsab."},
    {"coopération", "coop."},
    {"coopérative", "coop."},
    {"coopératives", "coop."},
    {"municipalité", "mun."},
    {"municipalités", "mun."},
    {"organisation", "org."},
    {"organisations", "org."},
    {"directeur", "dir."},
    {"directrice", "dir."},
    {"président", "prés."},
    {"présidente", "prés."},
    {"secrétaire", "secr."},
    {"numéro", "no"},
    {"avenue", "av."},
    {"monsieur", "M."},
    {NULL, NULL},
};

static const char *const conventional_en[][2] = {
    {"development", "dev."},
    {"government", "govt."},
    {"environment", "env."},
    {"boulevard", "blvd."},
    {"association", "assoc."},
    {"information", "info."},
    {"international", "intl."},
    {"department", "dept."},
    {"management", "mgmt."},
    {"approximately", "approx."},
    {"organization", "org."},
    {"organisation", "org."},
    {"technology", "tech."},
    {"professional", "prof."},
    {"university", "univ."},
    {"example", "ex."},
    {"director", "dir."},
    {"president", "pres."},
    {"secretary", "secy."},
    {"number", "no."},
    {"avenue", "ave."},
    {"cooperative", "co-op"},
    {"economic", "econ."},
    {"economy", "econ."},
    {NULL, NULL},
};

/* A word of the text that may be shortened. */
struct word {
    size_t start, end; /* bytes */
    char lower[WORD_BYTES];
    const char *cuts[MAX_CUTS]; /* replacements, gentlest first */
    size_t n_cuts;
    int chosen; /* index in cuts, -1: as it is */
};

static bool
is_vowel(utf8proc_int32_t c)
{
    static const char vowels[] = "aeiouyàâäéèêëîïôöùûüÿœæ";
    utf8proc_uint8_t buf[5] = {0};

    if (utf8proc_encode_char(utf8proc_tolower(c), buf) <= 0)
        return false;
    return strstr(vowels, (const char *)buf) != NULL;
}

static bool
is_letter(utf8proc_int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);

    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/*
 * Whether the speaker prefix s[0..n) names someone, whose name is then
 * never shortened: two capitalized words ("Jacques Beaudet", "JP Bédard")
 * or one with a capital inside ("JPBédard"). "Développement:" names nobody.
 */
static bool
prefix_names_someone(const char *s, size_t n)
{
    size_t i = 0, capitalized = 0;
    bool word_start = true;
    utf8proc_int32_t c;
    utf8proc_ssize_t step;

    while (i < n && (step = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                             (utf8proc_ssize_t)(n - i), &c)) > 0) {
        i += (size_t)step;
        if (!is_letter(c)) {
            word_start = true;
            continue;
        }
        if (utf8proc_isupper(c) && !word_start)
            return true; /* "JPBédard", "CSarailis" */
        capitalized += word_start && utf8proc_isupper(c);
        word_start = false;
    }
    return capitalized >= 2;
}

/* The code points of s[0..len) into cp (at most max); their number. */
static size_t
decode(const char *s, size_t len, utf8proc_int32_t *cp, size_t *offs, size_t max)
{
    size_t n = 0, i = 0;

    while (i < len && n < max) {
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp[n]);
        if (step <= 0)
            break;
        offs[n++] = i;
        i += (size_t)step;
    }
    offs[n] = i;
    return n;
}

/*
 * The truncations of word s[0..len) by the rules: after a consonant,
 * before a vowel, at least three letters removed, at least three kept;
 * gentlest (longest) first, into ar. Words with other than letters (an
 * apostrophe, a hyphen) are left whole. Returns how many, or -1 when
 * memory runs out (a missing cut would change the result, not only fail).
 */
static int
truncations(struct arena *ar, const char *s, size_t len, const char **out, size_t max)
{
    utf8proc_int32_t cp[WORD_BYTES];
    size_t offs[WORD_BYTES + 1], n = decode(s, len, cp, offs, WORD_BYTES - 1), k, got = 0;

    for (k = 0; k < n; k++)
        if (!is_letter(cp[k]))
            return 0;
    /* k letters kept: cp[k-1] a consonant, cp[k] a vowel, n - k >= 3 removed */
    for (k = n >= 3 ? n - 3 : 0; k >= 3 && got < max; k--) {
        char *form;
        if (is_vowel(cp[k - 1]) || !is_vowel(cp[k]))
            continue;
        if ((form = arena_alloc(ar, offs[k] + 2)) == NULL)
            return -1;
        memcpy(form, s, offs[k]);
        form[offs[k]] = '.';
        form[offs[k] + 1] = '\0';
        out[got++] = form;
    }
    return (int)got;
}

/* form with its first letter made capital, in ar; NULL when memory runs out. */
static const char *
capitalized(struct arena *ar, const char *form)
{
    utf8proc_int32_t c;
    utf8proc_uint8_t head[4];
    utf8proc_ssize_t skip =
        utf8proc_iterate((const utf8proc_uint8_t *)form, (utf8proc_ssize_t)strlen(form), &c);
    utf8proc_ssize_t w;

    if (skip <= 0 || (w = utf8proc_encode_char(utf8proc_toupper(c), head)) <= 0)
        return form;
    return arena_printf(ar, "%.*s%s", (int)w, (const char *)head, form + skip);
}

/*
 * The conventional form of lower, capital as original's, into *form (NULL
 * when there is none). Returns 0, or -1 when memory runs out.
 */
static int
conventional(struct arena *ar, const char *lower, const char *original, bool english,
             const char **form /* OUT */)
{
    const char *const(*table)[2] = english ? conventional_en : conventional_fr;
    utf8proc_int32_t first;
    size_t i;

    *form = NULL;
    for (i = 0; table[i][0] != NULL; i++) {
        if (strcmp(table[i][0], lower) != 0)
            continue;
        if (utf8proc_iterate((const utf8proc_uint8_t *)original, 4, &first) > 0 &&
            utf8proc_isupper(first))
            *form = capitalized(ar, table[i][1]);
        else
            *form = table[i][1];
        return *form != NULL ? 0 : -1;
    }
    return 0;
}

/* The lower case of s[0..len) into out (size bytes); false when it does not fit or is not UTF-8. */
static bool
lower_of(const char *s, size_t len, char *out, size_t size)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    bool ok = n >= 0 && (size_t)n < size;

    if (ok) {
        memcpy(out, m, (size_t)n);
        out[n] = '\0';
    }
    free(m);
    return ok;
}

/* Whether s[start..end) lies within one of the entities or protected spans. */
static bool
covered(const struct text_entities *es, const struct fit_span *prot, size_t n_prot, size_t start,
        size_t end)
{
    size_t i;

    for (i = 0; i < es->n; i++)
        if (start < es->v[i].end && end > es->v[i].start)
            return true;
    for (i = 0; i < n_prot; i++)
        if (start < prot[i].end && end > prot[i].start)
            return true;
    return false;
}

/* The text with the chosen cuts, into out (reset first). */
static int
assemble(struct text_buf *out, const char *s, size_t len, const struct word *w, size_t n)
{
    size_t at = 0, i;

    out->len = 0;
    for (i = 0; i < n; i++) {
        if (w[i].chosen < 0)
            continue;
        if (buf_append(out, s + at, w[i].start - at) != 0 ||
            buf_append(out, w[i].cuts[w[i].chosen], strlen(w[i].cuts[w[i].chosen])) != 0)
            return -1;
        at = w[i].end;
    }
    if (buf_append(out, s + at, len - at) != 0)
        return -1;
    return 0;
}

static double
weigh(struct text_scratch *sc, const struct text_buf *b, const struct text_config *cfg)
{
    struct text_parse_result r;

    if (text_parse(sc, b->data != NULL ? b->data : "", b->len, cfg, &r) != 0)
        return -1;
    return r.weighted_length;
}

/* Sets every occurrence of the word of w[i] (the same lower case) to cut c. */
static void
choose(struct word *w, size_t n, size_t i, int c)
{
    size_t k;

    for (k = 0; k < n; k++)
        if (strcmp(w[k].lower, w[i].lower) == 0)
            w[k].chosen = c < (int)w[k].n_cuts ? c : (int)w[k].n_cuts - 1;
}

int
text_fit(const char *s, size_t len, const struct fit_options *opt, struct text_fit_result *out)
{
    struct text_config cfg = text_config_v1;
    struct text_scratch sc = {0};
    struct text_entities es = {0};
    struct arena ar = {0};
    struct word *w = NULL;
    struct text_buf b = {0};
    size_t n = 0, i, at, speaker_end;
    double weight;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (len > 16384 || text_utf8_check(s, len, &at) != TEXT_UTF8_OK || opt->limit < 1)
        return -1;
    cfg.max_weighted_length = opt->limit;
    if (buf_append(&b, s, len) != 0 || (weight = weigh(&sc, &b, &cfg)) < 0)
        goto out;
    out->original_length = weight;
    if (weight <= opt->limit) { /* it fits: nothing changes */
        out->text = b.data;
        b.data = NULL;
        out->weighted_length = weight;
        out->fits = true;
        rc = 0;
        goto out;
    }
    if (text_extract_entities(s, len, TEXT_FEDIVERSE, &es) != 0 ||
        (w = calloc(MAX_WORDS, sizeof(*w))) == NULL)
        goto out;
    if (!prefix_names_someone(s, (speaker_end = text_speaker_prefix_len(s, len))))
        speaker_end = 0;
    /* the words that may be shortened */
    for (i = 0; i < len && n < MAX_WORDS;) {
        utf8proc_int32_t c;
        size_t start = i, end, letters = 0;
        bool upper_first, upper_all = true, sentence_start;
        utf8proc_ssize_t step =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (step <= 0)
            break;
        if (!is_letter(c)) {
            i += (size_t)step;
            continue;
        }
        upper_first = utf8proc_isupper(c);
        /* a word: letters, and apostrophes or hyphens between letters */
        end = i;
        while (end < len) {
            utf8proc_int32_t d;
            utf8proc_ssize_t st = utf8proc_iterate((const utf8proc_uint8_t *)s + end,
                                                   (utf8proc_ssize_t)(len - end), &d);
            if (st <= 0)
                break;
            if (is_letter(d)) {
                letters++;
                upper_all = upper_all && !utf8proc_islower(d);
            } else if (!(d == '-' || d == '\'' || d == 0x2019) || end + (size_t)st >= len) {
                break;
            }
            end += (size_t)st;
        }
        while (end > start && (s[end - 1] == '-' || s[end - 1] == '\''))
            end--;
        for (at = start; at > 0 && (s[at - 1] == ' ' || s[at - 1] == '"' || s[at - 1] == '(');)
            at--;
        sentence_start = at == 0 || s[at - 1] == '.' || s[at - 1] == '!' || s[at - 1] == '?' ||
                         s[at - 1] == ':' || s[at - 1] == '\n';
        i = end > start ? end : start + (size_t)step;
        if (letters < 6 || upper_all || (upper_first && !sentence_start) ||
            end - start >= WORD_BYTES || covered(&es, opt->protect, opt->n_protect, start, end) ||
            end <= speaker_end /* "Jacques Beaudet: …": who speaks */ ||
            (start > 0 && s[start - 1] == '#') ||
            (end < len && (s[end] == '.' || s[end] == '@')) /* already short, or an address */)
            continue;
        w[n].start = start;
        w[n].end = end;
        w[n].chosen = -1;
        if (!lower_of(s + start, end - start, w[n].lower, sizeof(w[n].lower)))
            continue;
        {
            const char *conv;
            int got;
            if (conventional(&ar, w[n].lower, s + start, opt->english, &conv) != 0)
                goto out;
            if (conv != NULL) {
                w[n].cuts[w[n].n_cuts++] = conv;
            } else if (memchr(s + start, '-', end - start) == NULL &&
                       memchr(s + start, '\'', end - start) == NULL) {
                if ((got = truncations(&ar, s + start, end - start, w[n].cuts, MAX_CUTS)) < 0)
                    goto out;
                w[n].n_cuts = (size_t)got;
            }
        }
        if (w[n].n_cuts > 0)
            n++;
    }
    /*
     * Longest words first, each by the gentlest of its cuts that brings the
     * text within the limit, else its strongest; the same word everywhere.
     */
    while (weight > opt->limit) {
        size_t pick = n, k;
        int c;
        for (k = 0; k < n; k++)
            if (w[k].chosen < 0 &&
                (pick == n || w[k].end - w[k].start > w[pick].end - w[pick].start))
                pick = k;
        if (pick == n)
            break; /* nothing left to shorten: it cannot fit */
        for (c = 0; c < (int)w[pick].n_cuts; c++) {
            choose(w, n, pick, c);
            if (assemble(&b, s, len, w, n) != 0 || (weight = weigh(&sc, &b, &cfg)) < 0)
                goto out;
            if (weight <= opt->limit)
                break;
        }
    }
    /*
     * No more than needed: each word cut harder than the limit asks is made
     * gentler again, or left whole, while the text still fits.
     */
    for (i = 0; i < n && weight <= opt->limit; i++) {
        while (w[i].chosen >= 0) {
            int was = w[i].chosen;
            double gentler;
            choose(w, n, i, was - 1);
            if (assemble(&b, s, len, w, n) != 0 || (gentler = weigh(&sc, &b, &cfg)) < 0)
                goto out;
            if (gentler > opt->limit) {
                choose(w, n, i, was);
                break;
            }
            weight = gentler;
        }
    }
    if (assemble(&b, s, len, w, n) != 0 || (weight = weigh(&sc, &b, &cfg)) < 0)
        goto out;
    for (i = 0; i < n; i++)
        if (w[i].chosen >= 0)
            out->changed++;
    if ((out->changes = calloc(out->changed + 1, sizeof(*out->changes))) == NULL)
        goto out;
    for (i = 0, at = 0; i < n; i++) {
        if (w[i].chosen < 0)
            continue;
        out->changes[at].from = str_dup_n(s + w[i].start, w[i].end - w[i].start);
        out->changes[at].to = str_dup_n(w[i].cuts[w[i].chosen], strlen(w[i].cuts[w[i].chosen]));
        if (out->changes[at].from == NULL || out->changes[at].to == NULL)
            goto out;
        at++;
    }
    out->text = b.data;
    b.data = NULL;
    out->weighted_length = weight;
    out->fits = weight <= opt->limit;
    rc = 0;
out:
    if (rc != 0)
        text_fit_release(out);
    free(w);
    free(b.data);
    text_entities_release(&es);
    text_scratch_release(&sc);
    arena_release(&ar);
    return rc;
}

void
text_fit_release(struct text_fit_result *r)
{
    size_t i;

    for (i = 0; r->changes != NULL && i < r->changed; i++) {
        free(r->changes[i].from);
        free(r->changes[i].to);
    }
    free(r->changes);
    free(r->text);
    memset(r, 0, sizeof(*r));
}
