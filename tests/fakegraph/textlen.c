/*
 * textlen: Meta's length rules, as D-posts states them: "Text posts are
 * limited to 500 characters.  Emojis are counted as the number of UTF-8
 * bytes."  An emoji is taken to be a grapheme cluster holding an
 * Extended_Pictographic or regional indicator code point (utf8proc's
 * data), the whole cluster counted in bytes; a guess, README choice 13.
 * Links: "All unique URLs found in the text field are counted", bare
 * www.facebook.com included (D-ta); an attachment equal to one of them
 * counts once.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "textlen.h"

size_t
textlen_meta(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 cp, prev = -1, state = 0;
	utf8proc_ssize_t	 n;
	size_t			 total = 0, cps = 0, bytes = 0;
	int			 emoji = 0, bc;

	if (s == NULL)
		return 0;
	for (; *p != '\0'; p += n) {
		if ((n = utf8proc_iterate(p, -1, &cp)) <= 0) {
			cp = 0xfffd;
			n = 1;
		}
		if (prev >= 0 &&
		    utf8proc_grapheme_break_stateful(prev, cp, &state)) {
			total += emoji ? bytes : cps;
			cps = bytes = 0;
			emoji = 0;
		}
		bc = utf8proc_get_property(cp)->boundclass;
		emoji |= bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
		    bc == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR;
		cps++;
		bytes += (size_t)n;
		prev = cp;
	}
	return total + (emoji ? bytes : cps);
}

size_t
textlen_chars(const char *s)
{
	size_t	n = 0;

	for (; s != NULL && *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A link at p: a scheme or www. at a word start, to white space. */
static size_t
link_len(const char *text, const char *p)
{
	size_t	pre, len;

	if (p > text && (isalnum((unsigned char)p[-1]) ||
	    strchr("./@-_", p[-1]) != NULL))
		return 0;
	if (strncasecmp(p, "https://", 8) == 0)
		pre = 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		pre = 7;
	else if (strncasecmp(p, "www.", 4) == 0)
		pre = 4;
	else
		return 0;
	len = strcspn(p, " \t\r\n");
	while (len > pre && strchr(".,;:!?'\")]}>", p[len - 1]) != NULL)
		len--;
	return len > pre ? len : 0;
}

size_t
textlen_links(const char *text, const char *link)
{
	const char	*seen[64], *p;
	size_t		 lens[64], n = 0, i, len;

	for (p = text; p != NULL && *p != '\0'; p += len) {
		if ((len = link_len(text, p)) == 0) {
			len = 1;
			continue;
		}
		for (i = 0; i < n; i++)
			if (lens[i] == len && strncmp(seen[i], p, len) == 0)
				break;
		if (i == n && n < 64) {
			seen[n] = p;
			lens[n++] = len;
		}
	}
	if (link != NULL) {
		len = strlen(link);
		for (i = 0; i < n; i++)
			if (lens[i] == len && strncmp(seen[i], link, len) == 0)
				break;
		if (i == n)
			n++;
	}
	return n;
}
