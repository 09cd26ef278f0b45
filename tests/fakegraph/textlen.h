/*
 * textlen: how Meta counts a post's text and its links (D-posts, D-ta),
 * written apart from the daemon's copy so that each checks the other.
 */
#ifndef FG_TEXTLEN_H
#define FG_TEXTLEN_H

#include <stddef.h>

/* Code points; a grapheme cluster with an emoji counts its UTF-8 bytes. */
size_t	textlen_meta(const char *);
/* Code points, for the limits Meta states in characters. */
size_t	textlen_chars(const char *);
/* Distinct http://, https:// and www. links in text, plus link. */
size_t	textlen_links(const char *text, const char *link);

#endif
