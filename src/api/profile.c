/*
 * api/profile.c - the one place an account's name shown and note change.
 * Both appear on every status of the account (Mastodon's Account repeats
 * them) and on its web profile, so a change makes every cached page stale
 * at once: a rare write, against pages read thousands of times a minute.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/cache.h"
#include "api/profile.h"
#include "core/rc.h"
#include "text/text.h"

/*
 * How many characters s holds, or -1 (with why) when it is not UTF-8 or
 * holds a control character; newlines (and CR, tab) are allowed when
 * multiline.
 */
static long
profile_characters(const char *what, const char *s, bool multiline, char *why, size_t why_size)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), at, i;
    long n = 0;

    if (text_utf8_check(s, len, &at) != TEXT_UTF8_OK) {
        snprintf(why, why_size, "the %s is not UTF-8 text (byte %zu)", what, at);
        return -1;
    }
    for (i = 0; i < len; i++) {
        bool line = p[i] == '\n' || p[i] == '\r' || p[i] == '\t';
        /* C0, DEL, and C1 (U+0080..U+009F, 0xc2 0x80..0x9f in UTF-8) */
        if ((p[i] < 0x20 && !(multiline && line)) || p[i] == 0x7f ||
            (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0)) {
            snprintf(why, why_size, "the %s holds a control character%s", what,
                     multiline ? "" : " (a line break?)");
            return -1;
        }
        if ((p[i] & 0xc0) != 0x80)
            n++;
    }
    return n;
}

int
profile_check(const char *display_name, const char *note, char *why, size_t why_size)
{
    long n;

    if (display_name != NULL) {
        if ((n = profile_characters("name shown", display_name, false, why, why_size)) < 0)
            return RC_INVALID;
        if (n > PROFILE_NAME_MAX) {
            snprintf(why, why_size, "the name shown is %ld characters, the limit is %d", n,
                     PROFILE_NAME_MAX);
            return RC_INVALID;
        }
    }
    if (note != NULL) {
        if ((n = profile_characters("note", note, true, why, why_size)) < 0)
            return RC_INVALID;
        if (n > PROFILE_NOTE_MAX) {
            snprintf(why, why_size, "the note is %ld characters, the limit is %d", n,
                     PROFILE_NOTE_MAX);
            return RC_INVALID;
        }
    }
    return RC_OK;
}

int
profile_save(struct store *st, int64_t id, const char *display_name, const char *note, char *why,
             size_t why_size)
{
    struct arena ar = {0};
    struct account now;
    char *name = NULL;
    size_t len;
    int rc;

    if ((rc = profile_check(display_name, note, why, why_size)) != RC_OK)
        return rc;
    if ((rc = store_account_by_id(st, &ar, id, &now)) != RC_OK)
        goto out;
    if (display_name != NULL) {
        while (*display_name == ' ')
            display_name++;
        len = strlen(display_name);
        while (len > 0 && display_name[len - 1] == ' ')
            len--;
        if ((name = arena_strndup(&ar, display_name, len)) == NULL) {
            rc = RC_NOMEM;
            goto out;
        }
    }
    rc = store_account_set_profile(st, id, name != NULL ? name : now.display_name,
                                   note != NULL ? note : (now.note != NULL ? now.note : ""));
    if (rc == RC_OK)
        cache_accounts_changed();
out:
    arena_release(&ar);
    return rc;
}
