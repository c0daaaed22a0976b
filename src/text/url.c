/*
 * text/url.c - finds the links in a post, as upstream's extractUrl
 * expression and extractUrlsWithIndices find them, with a hand-written
 * scanner instead of the expression: it only tries positions where a link
 * may start (after a character that may precede one), reads the host label
 * by label, and looks the TLD up in a table. Each choice below says which
 * part of the expression it stands for, and where the expression would
 * backtrack, which of its answers comes first.
 *
 * The scan is linear: a failed host tells the caller how far no link can
 * start, so no run of labels is read more than a few times.
 */
#include <string.h>

#include "text/text_int.h"

#define MAX_URL_LENGTH      4096 /* UTF-16 units, protocol included */
#define MAX_TCO_SLUG_LENGTH 40

/* One match of the extractUrl expression; byte offsets. */
struct url_match {
    size_t start, end;               /* $3, the URL (end is the scan's lastIndex) */
    size_t proto_end;                /* $4 is [start, proto_end); empty when absent */
    size_t domain_start, domain_end; /* $5 */
    size_t path_start, path_end;     /* $7, empty when absent */
};

/* ---- character classes of the path and query ---- */

/* validGeneralUrlPathChars (case-insensitive) */
static bool
is_path_char(int32_t c)
{
    if (c < 0x80)
        return chr_ascii[c] & CHR_PATH;
    return (c >= 0x400 && c <= 0x4FF) || c == 0x2013 || chr_is_latin_accent(c);
}

/* validUrlPathEndingChars, without the balanced parentheses */
static bool
is_path_end_char(int32_t c)
{
    if (c < 0x80)
        return chr_ascii[c] & CHR_PATH_END;
    return (c >= 0x400 && c <= 0x4FF) || chr_is_latin_accent(c);
}

/* validUrlQueryChars */
static bool
is_query_char(int c)
{
    return c < 0x80 && (chr_ascii[c] & CHR_QUERY);
}

/* validUrlQueryEndingChars */
static bool
is_query_end_char(int c)
{
    return c < 0x80 && (chr_ascii[c] & CHR_QUERY_END);
}

/* End of the run of path characters at s[i]. */
static size_t
path_run(const char *s, size_t i, size_t len)
{
    size_t n;

    while (i < len && is_path_char(utf8_at(s, i, &n)))
        i += n;
    return i;
}

/*
 * validUrlBalancedParens at s[i] == '(': "(chars)" or one nested level
 * "(a(b)c)". Returns the end after ')', or 0.
 */
static size_t
balanced_parens(const char *s, size_t i, size_t len)
{
    size_t a = i + 1, b = path_run(s, a, len), c, d;

    if (b < len && s[b] == ')' && b > a)
        return b + 1;
    if (b >= len || s[b] != '(')
        return 0;
    c = path_run(s, b + 1, len);
    if (c == b + 1 || c >= len || s[c] != ')')
        return 0;
    d = path_run(s, c + 1, len);
    return d < len && s[d] == ')' ? d + 1 : 0;
}

/*
 * validUrlPath* after the '/' at s[i-1]: path characters and balanced
 * parentheses, ending at the last ending character or parenthesis group
 * (the expression's greedy match, after its backtracking).
 */
static size_t
path_end(const char *s, size_t i, size_t len)
{
    size_t last = i, n;

    while (i < len) {
        int32_t c = utf8_at(s, i, &n);

        if (c == '(') {
            size_t e = balanced_parens(s, i, len);
            if (e == 0)
                break;
            i = last = e;
        } else if (is_path_char(c)) {
            i += n;
            if (is_path_end_char(c))
                last = i;
        } else {
            break;
        }
    }
    return last;
}

/* "?" validUrlQueryChars* validUrlQueryEndingChars at s[i] == '?'; its end, or 0. */
static size_t
query_end(const char *s, size_t i, size_t len)
{
    size_t j, last = 0;

    for (j = i + 1; j < len && is_query_char((unsigned char)s[j]); j++)
        if (is_query_end_char((unsigned char)s[j]))
            last = j + 1;
    return last;
}

/* ---- hosts ---- */

/* gTLD, ccTLD or punycode at s[i], boundary at end: its length or 0. */
static size_t
any_tld(const char *s, size_t i, size_t end)
{
    size_t m;

    if ((m = tld_match(s, i, end, TLD_GENERIC)) > 0)
        return m;
    if ((m = tld_match(s, i, end, TLD_COUNTRY)) > 0)
        return m;
    return punycode_tld_match(s, i, end);
}

/*
 * What one scan learnt of a run of host labels ("a.b_c.d.e"), so that the
 * many starts inside the same run cost no new scan (the run's labels after
 * a start's first one are the same for every start): without this, a
 * megabyte of "a_b.c" would be read once per label.
 */
struct host_chain {
    size_t from, brk;  /* starts in [from, brk) see the labels scanned from `from` */
    size_t good;       /* start of the last label followed by a TLD and free of '_', or NONE */
    size_t good_end;   /* end of that TLD */
    size_t label, dot; /* the label [label, dot) of the last start inside the chain */
    size_t underscore; /* the last '_' in it, or NONE */
    bool label_ok;     /* it starts and ends with a domain character */
};
#define NONE SIZE_MAX

/*
 * One label at s[i]: a run of domain characters, '-' and '_'. Returns the
 * run's end; *us gets the last '_' (or NONE), *ok whether the run starts
 * and ends with a domain character.
 */
static size_t
label_scan(const char *s, size_t i, size_t len, size_t *us, bool *ok)
{
    size_t from = i, last = i, n;
    bool first_ok = false, last_ok = false;

    *us = NONE;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        bool dc;

        if (b < 0x80) { /* the common case, without decoding */
            n = 1;
            if (b == '_')
                *us = i;
            if (b != '-' && b != '_' && !ascii_is_domain_char(b))
                break;
            dc = b != '-' && b != '_';
        } else {
            if (!chr_is_domain_char(utf8_at(s, i, &n)))
                break;
            dc = true;
        }
        if (i == from)
            first_ok = dc;
        last = i;
        last_ok = dc;
        i += n;
    }
    (void)last;
    *ok = i > from && first_ok && last_ok;
    return i;
}

/*
 * validDomain at s[d]: validSubdomain* validDomainName TLD. Labels are runs
 * of domain characters, '-' and '_', starting and ending with a domain
 * character, each followed by '.'; the last label before the TLD has no
 * '_'. The expression takes as many labels as it can, so the answer is the
 * last label after which a TLD matches. Returns the host's end, or 0 with
 * *skip set to the first position where a host might still start.
 */
static size_t
domain_end(const char *s, size_t d, size_t len, size_t *skip, struct host_chain *ch)
{
    size_t i, t, us;
    bool ok, tld_seen = false;

    *skip = d + 1;
    if (d >= ch->from && d < ch->brk) {
        /* inside a known chain: only the first label is new */
        if (s[d] == '.')
            return 0;
        if (!(d > ch->label && d < ch->dot)) {
            ch->label = d;
            ch->dot = label_scan(s, d, len, &ch->underscore, &ch->label_ok);
        }
        if (!ch->label_ok || !chr_is_domain_char(utf8_at(s, d, &t)))
            return 0;
        if (ch->good != NONE && ch->good > d)
            return ch->good_end;
        if (ch->underscore != NONE && ch->underscore >= d)
            return 0;
        t = any_tld(s, ch->dot + 1, len);
        return t > 0 ? ch->dot + 1 + t : 0;
    }

    ch->from = d;
    ch->good = NONE;
    for (i = d;;) {
        size_t label = i;

        i = label_scan(s, i, len, &us, &ok);
        if (i == label || i >= len || s[i] != '.') {
            /* no dot after this run: no host can start inside it either */
            ch->brk = label;
            *skip = i > label ? i : label;
            break;
        }
        if (!ok) {
            ch->brk = label;
            *skip = label;
            break;
        }
        if (label == d) { /* remember the first label for the next start */
            ch->label = d;
            ch->dot = i;
            ch->underscore = us;
            ch->label_ok = ok;
        }
        i++; /* the dot */
        if ((t = any_tld(s, i, len)) > 0) {
            tld_seen = true;
            if (us == NONE) { /* validDomainName has no '_' */
                ch->good = label;
                ch->good_end = i + t;
            }
        }
    }
    if (ch->good != NONE)
        return ch->good_end;
    if (tld_seen || *skip <= d)
        *skip = d + 1; /* a later start might avoid an '_': the chain makes it cheap */
    return 0;
}

/* Case-insensitive "http://" or "https://" at s[i]: its length or 0. */
static size_t
protocol_at(const char *s, size_t i, size_t len)
{
    size_t k;

    if (len - i < 7 || ascii_lower((unsigned char)s[i]) != 'h' ||
        ascii_lower((unsigned char)s[i + 1]) != 't' ||
        ascii_lower((unsigned char)s[i + 2]) != 't' || ascii_lower((unsigned char)s[i + 3]) != 'p')
        return 0;
    k = i + 4;
    if (ascii_lower((unsigned char)s[k]) == 's')
        k++;
    if (len - k < 3 || s[k] != ':' || s[k + 1] != '/' || s[k + 2] != '/')
        return 0;
    return k + 3 - i;
}

/*
 * The URL part of extractUrl at s[q]: protocol, host, port, path and query.
 * Returns true and fills *m, or false with *skip as domain_end sets it.
 */
/*
 * A host cannot start before skip, but a link with a protocol can
 * ("語http://t.co"): the first "http" in s[i..skip), or skip.
 */
static size_t
protocol_before(const char *s, size_t i, size_t skip)
{
    for (; i + 4 <= skip; i++)
        if ((s[i] | 0x20) == 'h' && ascii_lower((unsigned char)s[i + 1]) == 't' &&
            ascii_lower((unsigned char)s[i + 2]) == 't' &&
            ascii_lower((unsigned char)s[i + 3]) == 'p')
            return i;
    return skip;
}

/*
 * The cheap answer for most starts: a word of ASCII that ends without a
 * dot, and is no "http(s)://", holds no host. Returns true when url_at must
 * look closer; false with *skip set as domain_end would set it.
 */
static bool
worth_a_look(const char *s, size_t q, size_t len, size_t *skip)
{
    size_t i = q;
    unsigned char b = 0;

    for (; i < len; i++) {
        b = (unsigned char)s[i];
        if (b < 0x80 && (chr_ascii[b] & CHR_WORD) && (b | 0x20) != 'h')
            continue;
        if ((b | 0x20) == 'h' && i > q && protocol_at(s, i, len) > 0)
            break; /* "語http://": a link may start here */
        if (b >= 0x80 || b == '.' || !(b == 'h' || b == 'H' || ascii_is_domain_char(b)))
            break;
    }
    if (i < len && (b >= 0x80 || b == '.' || (i == q && protocol_at(s, q, len) > 0) ||
                    (b == ':' && protocol_at(s, q, len) > 0)))
        return true;
    *skip = i > q ? i : q + 1;
    return false;
}

static bool
url_at(const char *s, size_t q, size_t len, struct url_match *m, size_t *skip,
       struct host_chain *ch)
{
    size_t p, e, j;

    if (!worth_a_look(s, q, len, skip))
        return false;
    p = protocol_at(s, q, len);

    e = domain_end(s, q + p, len, skip, ch);
    if (e == 0) {
        if (p > 0)
            *skip = q + 1; /* without the protocol, "http" is no host */
        else if (*skip > q + 1)
            *skip = protocol_before(s, q + 1, *skip);
        return false;
    }
    m->start = q;
    m->proto_end = q + p;
    m->domain_start = q + p;
    m->domain_end = e;
    /* port: ':' digits */
    if (e < len && s[e] == ':') {
        for (j = e + 1; j < len && s[j] >= '0' && s[j] <= '9'; j++)
            ;
        if (j > e + 1)
            e = j;
    }
    m->path_start = m->path_end = e;
    if (e < len && s[e] == '/') {
        e = path_end(s, e + 1, len);
        m->path_end = e;
    }
    if (e < len && s[e] == '?') {
        j = query_end(s, e, len);
        if (j > 0)
            e = j;
    }
    m->end = e;
    return true;
}

/* validUrlPrecedingChars: what may stand right before a link. */
static bool
may_precede_url(int32_t c)
{
    if (c < 0x80)
        return !is_ascii_alnum(c) && c != '@' && c != '$' && c != '#';
    return c != 0xFF20 && c != 0xFF03 && !chr_is_invalid(c); /* ＠ ＃ */
}

/* ---- validAsciiDomain ---- */

static bool
is_ascii_label_char(int32_t c)
{
    return is_ascii_alnum(c) || c == '-' || chr_is_latin_accent(c);
}

/*
 * validAsciiDomain at s[i], within [.., end): ([-a-z0-9 accents]+ ".")+ and
 * a TLD, as many labels as possible. Returns the match's end or 0, with
 * *skip as in domain_end.
 */
static size_t
ascii_domain_at(const char *s, size_t i, size_t end, size_t *skip)
{
    size_t best = 0, n;

    for (;;) {
        size_t label = i;

        while (i < end && is_ascii_label_char(utf8_at(s, i, &n)))
            i += n;
        if (i == label || i >= end || s[i] != '.') {
            /* No TLD followed any dot of this chain (or best is set):
             * no match can start before its last run. */
            *skip = i > label ? i : label;
            break;
        }
        i++;
        if ((n = any_tld(s, i, end)) > 0)
            best = i + n;
    }
    return best;
}

/* Does validAsciiDomain match anywhere in s[i..end)? */
static bool
has_ascii_domain(const char *s, size_t i, size_t end)
{
    size_t skip, n;

    while (i < end) {
        if (ascii_domain_at(s, i, end, &skip) > 0)
            return true;
        if (skip > i)
            i = skip;
        else
            utf8_at(s, i, &n), i += n;
    }
    return false;
}

/*
 * isValidUrl of extractUrlsWithIndices: every label of the host at most 63
 * characters once punycode-encoded (and not empty), a host spelled "xn--"
 * really ASCII, and the whole URL at most 4096 UTF-16 units.
 */
static bool
url_is_valid(const char *s, const struct url_match *m)
{
    size_t i = m->domain_start, proto = m->proto_end > m->start ? m->proto_end - m->start : 8;

    if (m->domain_end - m->domain_start >= 4 && memcmp(s + i, "xn--", 4) == 0 &&
        !has_ascii_domain(s, m->domain_start, m->domain_end))
        return false;
    while (i <= m->domain_end) {
        const char *dot = memchr(s + i, '.', m->domain_end - i);
        size_t j = dot ? (size_t)(dot - s) : m->domain_end, n;

        n = punycode_label_length(s + i, j - i);
        if (n < 1 || n > PUNYCODE_MAX_LABEL)
            return false;
        i = j + 1;
    }
    /* UTF-16 units are never more than bytes: count them only when it matters */
    return proto + m->end - m->start <= MAX_URL_LENGTH ||
           proto + text_utf8_count_utf16(s + m->start, m->end - m->start) <= MAX_URL_LENGTH;
}

/*
 * t.co links keep only their slug and query: ^https?://t.co/([a-z0-9]+)
 * with an optional query. Returns the new end, 0 to drop the link (slug
 * over 40), or m->end when it is no t.co link.
 */
static size_t
tco_end(const char *s, const struct url_match *m)
{
    size_t i = m->proto_end, j;

    if (m->end - i < 6 || ascii_lower((unsigned char)s[i]) != 't' || s[i + 1] != '.' ||
        ascii_lower((unsigned char)s[i + 2]) != 'c' ||
        ascii_lower((unsigned char)s[i + 3]) != 'o' || s[i + 4] != '/')
        return m->end;
    for (j = i + 5; j < m->end && is_ascii_alnum((unsigned char)s[j]); j++)
        ;
    if (j == i + 5)
        return m->end;
    if (j - (i + 5) > MAX_TCO_SLUG_LENGTH)
        return 0;
    if (j < m->end && s[j] == '?') {
        size_t q = query_end(s, j, m->end);
        if (q > 0)
            j = q;
    }
    return j;
}

static int
push_url(struct text_entities *out, size_t start, size_t end, size_t host_start, size_t host_end,
         bool has_protocol)
{
    struct text_entity e = {
        .type = TEXT_ENTITY_URL,
        .start = (uint32_t)start,
        .end = (uint32_t)end,
        .value_start = (uint32_t)start,
        .value_end = (uint32_t)end,
        .domain_start = (uint32_t)host_start,
        .domain_end = (uint32_t)host_end,
        .has_protocol = has_protocol,
    };
    return entities_push(out, &e);
}

/*
 * The body of upstream's loop for one match: checks, then the link as
 * written (with a protocol) or its ASCII hosts (without one).
 */
static int
url_accept(const char *s, const struct url_match *m, int32_t before, struct text_entities *out)
{
    size_t i, skip, e, n, last = SIZE_MAX;

    if (!url_is_valid(s, m))
        return 0;
    if (m->proto_end > m->start) {
        size_t end = tco_end(s, m);
        return end == 0 ? 0 : push_url(out, m->start, end, m->domain_start, m->domain_end, true);
    }
    if (before == '-' || before == '_' || before == '.' || before == '/')
        return 0; /* invalidUrlWithoutProtocolPrecedingChars */
    for (i = m->domain_start; i < m->domain_end;) {
        if ((e = ascii_domain_at(s, i, m->domain_end, &skip)) > 0) {
            last = out->n;
            if (push_url(out, i, e, i, e, false) != 0)
                return -1;
            i = e;
        } else if (skip > i) {
            i = skip;
        } else {
            utf8_at(s, i, &n);
            i += n;
        }
    }
    if (last != SIZE_MAX && m->path_end > m->path_start) {
        out->v[last].end = (uint32_t)m->end;
        out->v[last].value_end = (uint32_t)m->end;
    }
    return 0;
}

/* Is the code point at s[i] one of a host label's (a domain character, '-' or '_')? */
static bool
is_label_char_at(const char *s, size_t i)
{
    unsigned char b = (unsigned char)s[i];
    size_t n;

    if (b < 0x80)
        return b == '-' || b == '_' || ascii_is_domain_char(b);
    return chr_is_domain_char(utf8_at(s, i, &n));
}

/*
 * Where links can start at all: inside the run of label characters before
 * a dot (a host's first label ends with one), or at an "http" before
 * "://". The next dot and the next protocol are found with memchr and
 * remembered until the scan passes them, so words far from a dot cost
 * nothing and no stretch of text is searched twice.
 */
struct url_candidates {
    size_t dot;   /* the next '.' at or after the scan, len if none */
    size_t label; /* where the run of label characters ending at dot begins */
    size_t link;  /* the next "http://" or "https://", len if none */
};

/* The first start >= p where a link could match (len if none). */
static size_t
next_candidate(struct url_candidates *uc, const char *s, size_t p, size_t len)
{
    if (uc->dot < p) {
        const char *dot = memchr(s + p, '.', len - p);
        uc->dot = dot != NULL ? (size_t)(dot - s) : len;
        uc->label = uc->dot;
        while (uc->label > p && uc->dot < len && is_label_char_at(s, utf8_prev(s, uc->label)))
            uc->label = utf8_prev(s, uc->label);
    }
    if (uc->link < p) {
        const char *c = s + p;
        uc->link = len;
        while ((c = memchr(c, ':', (size_t)(s + len - c))) != NULL) {
            size_t k = (size_t)(c - s);
            if (len - k >= 3 && c[1] == '/' && c[2] == '/') {
                if (k >= p + 5 && protocol_at(s, k - 5, len) == 8) {
                    uc->link = k - 5;
                    break;
                }
                if (k >= p + 4 && protocol_at(s, k - 4, len) == 7) {
                    uc->link = k - 4;
                    break;
                }
            }
            c++;
        }
    }
    if (uc->label <= p)
        return p; /* inside the run before the dot: every start may match */
    return uc->label < uc->link ? uc->label : uc->link;
}

int
text_extract_urls(const char *s, size_t len, struct text_entities *out)
{
    size_t p = 0, n, skip;
    struct url_candidates uc = {0, 0, 0};
    struct host_chain chain = {.from = NONE, .brk = 0, .label = NONE, .dot = NONE};
    struct url_match m;

    if (memchr(s, '.', len) == NULL)
        return 0;
    while (p < len) {
        int32_t c;
        size_t q, next;

        /* No start before the next candidate can match: go to it. */
        if (p > 0) {
            size_t cand = next_candidate(&uc, s, p, len);
            if (cand >= len)
                break;
            if (cand > p && utf8_prev(s, cand) > p) {
                p = utf8_prev(s, cand);
                continue;
            }
        }
        /* Letters and digits never precede a link: skip their run. */
        if (p > 0 && (unsigned char)s[p] < 0x80 && (chr_ascii[(unsigned char)s[p]] & CHR_ALNUM)) {
            do
                p++;
            while (p < len && (unsigned char)s[p] < 0x80 &&
                   (chr_ascii[(unsigned char)s[p]] & CHR_ALNUM));
            continue;
        }
        c = utf8_at(s, p, &n);
        q = p + n;
        next = q;

        /*
         * Upstream reads UTF-16: before an astral character's own attempt,
         * its high surrogate precedes a host that starts with the low one
         * ("👍.example.com" finds example.com, "..example.com" does not).
         */
        if (n == 4 && url_at(s, p, len, &m, &skip, &chain)) {
            if (url_accept(s, &m, c, out) != 0)
                return -1;
            p = m.end;
            continue;
        }
        /* validUrlPrecedingChars: the character at p, then the URL */
        if (may_precede_url(c) && q < len) {
            if (url_at(s, q, len, &m, &skip, &chain)) {
                if (url_accept(s, &m, c, out) != 0)
                    return -1;
                p = m.end;
                continue;
            }
            if (skip > q)
                next = utf8_prev(s, skip); /* the next start tried is skip */
        }
        /* ^: a URL at the very start, tried after the alternative above */
        if (p == 0 && url_at(s, 0, len, &m, &skip, &chain)) {
            if (url_accept(s, &m, -1, out) != 0)
                return -1;
            p = m.end;
            continue;
        }
        p = next > p ? next : q;
    }
    return 0;
}
