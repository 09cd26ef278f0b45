/*
 * Checks a post as it is asked for, before anything is queued: the
 * limits Threads enforces at container creation (threads-api.md §6.1),
 * so that a mistake is refused at once with a message that names it
 * instead of failing at the due time.  Pure: no store, no network.
 */
#ifndef THREADSD_VALIDATE_H
#define THREADSD_VALIDATE_H

#include <stddef.h>

struct post;

#define VALIDATE_TEXT_MAX	500	/* as validate_text_length() counts */
#define VALIDATE_LINKS_MAX	5
#define VALIDATE_ALT_MAX	1000	/* characters */
#define VALIDATE_TOPIC_MAX	50	/* characters */
#define VALIDATE_POLL_MIN	2	/* options (Create Posts: Polls) */
#define VALIDATE_OPTION_MAX	25	/* characters of a poll option */
#define VALIDATE_ATTACHMENT_MAX	10000	/* characters (Text Attachments) */
#define VALIDATE_GIF_ID_MAX	64

/*
 * 0, or -EINVAL with errbuf saying what is wrong and what to do.  The
 * kind must already follow from the media (validate_kind()).
 */
int	validate_post(const struct post *, char *errbuf, size_t errlen);

/* Whether s is well-formed UTF-8 (no overlong forms, no surrogates). */
int	validate_utf8(const char *s);
/* Characters (code points) in well-formed UTF-8. */
size_t	validate_chars(const char *s);
/*
 * A text's length as Meta counts it against the 500 (D-posts, Limits):
 * "Emojis are counted as the number of UTF-8 bytes", everything else by
 * code points.  An emoji is a grapheme cluster holding an
 * Extended_Pictographic or regional indicator code point; it counts its
 * whole UTF-8 length.  Well-formed UTF-8 only.
 */
size_t	validate_text_length(const char *s);
/*
 * Distinct links in text (http://, https:// and bare www. ones), plus
 * link when it is another one.
 */
size_t	validate_links(const char *text, const char *link);
/* One of the five values Meta knows. */
int	validate_reply_control(const char *);
/* An http(s) URL with a host. */
int	validate_url(const char *);

#endif
