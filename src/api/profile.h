/*
 * api/profile.h - an account's name shown and its note ("about me"): the
 * rules they are held to and the one way they change, shared by the web's
 * profile form and the Mastodon API's update_credentials.
 */
#ifndef GZ_API_PROFILE_H
#define GZ_API_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define PROFILE_NAME_MAX 30  /* characters of a name shown, as Mastodon */
#define PROFILE_NOTE_MAX 500 /* characters of a note, as Mastodon */

/*
 * Checks a name shown and a note (either NULL: not checked). RC_OK, or
 * RC_INVALID with a sentence saying what is wrong in why (why_size bytes):
 * not UTF-8, a control character (a line break in the note is fine), too
 * long.
 */
int profile_check(const char *display_name, const char *note, char *why, size_t why_size);

/*
 * Sets account id's name shown and note, checked as above (NULL keeps the
 * current value; a name shown is trimmed of spaces, "" shows the username)
 * and makes every cached page and token memo that showed the old ones
 * stale. RC_OK, RC_INVALID with why, RC_NOTFOUND, or the store's rc.
 */
int profile_save(struct store *st, int64_t id, const char *display_name, const char *note,
                 char *why, size_t why_size);

#endif
