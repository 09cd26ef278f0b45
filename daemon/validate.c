/*
 * Schedule-time validation.  Each rule mirrors a refusal Meta would give
 * at container creation, or a combination threadsd cannot publish; the
 * messages name the value and the limit, since the operator fixes the
 * command line, not the API call.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "post.h"
#include "validate.h"

static const char *const reply_controls[] = {
	"everyone", "accounts_you_follow", "mentioned_only",
	"parent_post_author_only", "followers_only", NULL
};

int
validate_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

size_t
validate_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
has_scheme(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

int
validate_url(const char *s)
{
	const char *host;

	if (s == NULL || !has_scheme(s))
		return 0;
	host = s + (s[4] == ':' ? 7 : 8);
	if (*host == '\0' || *host == '/' || strpbrk(s, " \t\r\n") != NULL)
		return 0;
	return 1;
}

/*
 * Links are counted as Meta does (§6.1): each distinct URL once, the
 * link attachment once more only if it is another URL.  A URL ends at
 * white space.
 */
size_t
validate_links(const char *text, const char *link)
{
	const char *p, *seen[VALIDATE_TEXT_MAX / 8 + 2];
	size_t lens[VALIDATE_TEXT_MAX / 8 + 2], n = 0, len, i;
	size_t max = sizeof(seen) / sizeof(seen[0]) - 1;
	int link_seen = 0;

	for (p = text; p != NULL && *p != '\0'; p += len) {
		len = strcspn(p, " \t\r\n");
		if (len == 0) {
			len = 1;
			continue;
		}
		if (!has_scheme(p) || len <= (size_t)(p[4] == ':' ? 7 : 8))
			continue;
		for (i = 0; i < n; i++)
			if (lens[i] == len && strncmp(seen[i], p, len) == 0)
				break;
		if (i < n)
			continue;
		if (link != NULL && strlen(link) == len &&
		    strncmp(link, p, len) == 0)
			link_seen = 1;
		if (n < max) {
			seen[n] = p;
			lens[n] = len;
		}
		n++;
	}
	if (link != NULL && !link_seen)
		n++;
	return n;
}

int
validate_reply_control(const char *s)
{
	size_t i;

	for (i = 0; reply_controls[i] != NULL; i++)
		if (strcmp(s, reply_controls[i]) == 0)
			return 1;
	return 0;
}

static int
fail(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
is_digits(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int
validate_media(const struct post *p, char *errbuf, size_t errlen)
{
	const struct post_media *m;
	size_t i, n;

	if (p->nmedia > POST_MAX_MEDIA)
		return fail(errbuf, errlen, "a carousel takes 2 to %d items; "
		    "%zu were given", POST_MAX_MEDIA, p->nmedia);
	for (i = 0; i < p->nmedia; i++) {
		m = &p->media[i];
		if (!validate_url(m->url))
			return fail(errbuf, errlen, "'%.200s' is not an "
			    "http(s) URL: Meta fetches %s from a public URL",
			    m->url != NULL ? m->url : "", m->video ?
			    "videos" : "images");
		if (m->alt == NULL)
			continue;
		if (!validate_utf8(m->alt))
			return fail(errbuf, errlen, "the alt text of item %zu "
			    "is not valid UTF-8", i + 1);
		if ((n = validate_chars(m->alt)) > VALIDATE_ALT_MAX)
			return fail(errbuf, errlen, "the alt text of item %zu "
			    "is %zu characters; Threads allows at most %d",
			    i + 1, n, VALIDATE_ALT_MAX);
	}
	return 0;
}

static int
validate_topic(const char *t, char *errbuf, size_t errlen)
{
	size_t n;

	if (!validate_utf8(t))
		return fail(errbuf, errlen, "the topic tag is not valid "
		    "UTF-8");
	n = validate_chars(t);
	if (n < 1 || n > VALIDATE_TOPIC_MAX)
		return fail(errbuf, errlen, "a topic tag is 1 to %d "
		    "characters; '%.60s' is %zu", VALIDATE_TOPIC_MAX, t, n);
	if (strpbrk(t, ".&") != NULL)
		return fail(errbuf, errlen, "a topic tag may not contain '.' "
		    "or '&': '%.60s'", t);
	if (strpbrk(t, "\t\r\n") != NULL)
		return fail(errbuf, errlen, "a topic tag is one line");
	return 0;
}

int
validate_post(const struct post *p, char *errbuf, size_t errlen)
{
	size_t len, n;
	int r;

	if (p->text != NULL && !validate_utf8(p->text))
		return fail(errbuf, errlen, "the text is not valid UTF-8");
	if ((p->text == NULL || *p->text == '\0') && p->nmedia == 0)
		return fail(errbuf, errlen, "nothing to post: give --text, "
		    "--image or --video");
	if (p->text != NULL && (len = strlen(p->text)) > VALIDATE_TEXT_MAX)
		return fail(errbuf, errlen, "the text is %zu bytes of UTF-8; "
		    "Threads allows at most %d (an emoji counts as its "
		    "UTF-8 length)", len, VALIDATE_TEXT_MAX);
	if ((r = validate_media(p, errbuf, errlen)) < 0)
		return r;
	if (p->link != NULL) {
		if (p->nmedia > 0)
			return fail(errbuf, errlen, "--link works only on "
			    "text posts: drop the link or the media");
		if (!validate_url(p->link))
			return fail(errbuf, errlen, "--link '%.200s' is not "
			    "an http(s) URL", p->link);
	}
	if ((n = validate_links(p->text, p->link)) > VALIDATE_LINKS_MAX)
		return fail(errbuf, errlen, "the post has %zu distinct links; "
		    "Threads allows at most %d", n, VALIDATE_LINKS_MAX);
	if (p->topic != NULL &&
	    (r = validate_topic(p->topic, errbuf, errlen)) < 0)
		return r;
	if (p->reply_control != NULL &&
	    !validate_reply_control(p->reply_control))
		return fail(errbuf, errlen, "unknown reply control '%.60s': "
		    "use everyone, accounts_you_follow, mentioned_only, "
		    "parent_post_author_only or followers_only",
		    p->reply_control);
	if (p->reply_to[0] != '\0' && !is_digits(p->reply_to))
		return fail(errbuf, errlen, "--reply-to takes a post id or a "
		    "media id (digits)");
	if (p->quote[0] != '\0' && !is_digits(p->quote))
		return fail(errbuf, errlen, "--quote takes a media id "
		    "(digits)");
	return 0;
}
