/*
 * text/autolink_twitter.h - upstream twitter-text's autolink markup, for
 * the conformance suite (tests/conformance) and nothing else: our pages use
 * text_autolink() from text.h. Kept out of text.h so that no server code
 * grows a dependency on twitter.com links.
 */
#ifndef GZ_TEXT_AUTOLINK_TWITTER_H
#define GZ_TEXT_AUTOLINK_TWITTER_H

#include <stddef.h>

#include "text/text.h"

/*
 * Appends to out the HTML that twitter-text 3.1.0 produces for s[0..len)
 * with the options suppressNoFollow and suppressDataScreenName, as the
 * autolink.yml group names it:
 *
 *   "usernames", "lists"  autoLinkUsernamesOrLists
 *   "hashtags"            autoLinkHashtags
 *   "urls"                autoLinkUrlsCustom
 *   "cashtags"            autoLinkCashtags
 *   "all"                 autoLink
 *
 * As upstream (without htmlEscapeNonEntities), the text between links is
 * copied unescaped.
 *
 * Returns 0; -2 for "json" (autoLinkWithJSON needs the case's json
 * entities, which this call does not take), for any other group and for
 * NULL, out untouched; -1 when s is not valid UTF-8 or memory runs out,
 * out as it was.
 */
int text_autolink_twitter(struct text_buf *out, const char *s, size_t len, const char *group);

#endif
