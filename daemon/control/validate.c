/*
 * Schedule-time validation.  Each rule mirrors a refusal Meta would give
 * at container creation, or a combination threadsd cannot publish; the
 * messages name the value and the limit, since the operator fixes the
 * command line, not the API call.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "daemon/store/post.h"
#include "daemon/control/validate.h"

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

/*
 * Counted as D-posts says: "Text posts are limited to 500 characters.
 * Emojis are counted as the number of UTF-8 bytes."  Meta does not say
 * what an emoji is; Unicode's Extended_Pictographic property (and the
 * regional indicators of flags), taken per grapheme cluster so that a
 * skin tone, a variation selector or a ZWJ sequence counts with its
 * emoji, is the conservative reading: it never counts less than Meta.
 */
size_t
validate_text_length(const char *s)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t	 cp, prev = -1, state = 0;
	utf8proc_ssize_t	 n;
	size_t			 total = 0, cps = 0, bytes = 0;
	int			 emoji = 0, bc;

	while (*p != '\0') {
		if ((n = utf8proc_iterate(p, -1, &cp)) <= 0) {
			/* Not well-formed: count the byte, as bytes go. */
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
		if (bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
		    bc == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR)
			emoji = 1;
		cps++;
		bytes += (size_t)n;
		prev = cp;
		p += n;
	}
	return total + (emoji ? bytes : cps);
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
 * The length of the link starting at p, or 0.  A link starts with
 * http://, https:// or www. (Meta counts a bare www.facebook.com, D-ta)
 * at the start of a word, runs to white space, and loses trailing
 * punctuation ("see www.a.example." links www.a.example).
 */
static size_t
link_at(const char *text, const char *p)
{
	size_t	 pre, len;

	if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '.' ||
	    p[-1] == '/' || p[-1] == '@' || p[-1] == '-' || p[-1] == '_'))
		return 0;
	if (strncasecmp(p, "http://", 7) == 0)
		pre = 7;
	else if (strncasecmp(p, "https://", 8) == 0)
		pre = 8;
	else if (strncasecmp(p, "www.", 4) == 0)
		pre = 4;
	else
		return 0;
	len = strcspn(p, " \t\r\n");
	while (len > pre && strchr(".,;:!?'\")]}>", p[len - 1]) != NULL)
		len--;
	return len > pre ? len : 0;
}

/*
 * Links are counted as Meta does (D-ta, "How links are counted"): each
 * distinct URL once, the link attachment once more only if it is
 * another URL.
 */
size_t
validate_links(const char *text, const char *link)
{
	const char *p, *seen[VALIDATE_TEXT_MAX / 4 + 2];
	size_t lens[VALIDATE_TEXT_MAX / 4 + 2], n = 0, len, i;
	size_t max = sizeof(seen) / sizeof(seen[0]) - 1;
	int link_seen = 0;

	for (p = text; p != NULL && *p != '\0'; p += len) {
		if ((len = link_at(text, p)) == 0) {
			len = 1;
			continue;
		}
		for (i = 0; i < n && i < max; i++)
			if (lens[i] == len && strncmp(seen[i], p, len) == 0)
				break;
		if (i < n && i < max)
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

/* A repost is the media id and the time: nothing else goes with it. */
static int
validate_repost(const struct post *p, char *errbuf, size_t errlen)
{
	if (!is_digits(p->repost_of))
		return fail(errbuf, errlen, "repost takes a media id "
		    "(digits)");
	if ((p->text != NULL && *p->text != '\0') || p->nmedia > 0 ||
	    p->link != NULL || p->topic != NULL || p->quote[0] != '\0' ||
	    p->reply_to[0] != '\0' || p->reply_to_post != 0 ||
	    p->reply_control != NULL || p->ghost || p->npoll > 0 ||
	    p->nspoilers > 0 || p->spoiler_media || p->attachment != NULL ||
	    p->gif != NULL)
		return fail(errbuf, errlen, "a repost carries nothing of its "
		    "own: give only the account, the media id and the time");
	return 0;
}

/* Ghost posts: text only, never a reply; text spoilers are all they take. */
static int
validate_ghost(const struct post *p, char *errbuf, size_t errlen)
{
	if (p->nmedia > 0)
		return fail(errbuf, errlen, "a ghost post is text only: drop "
		    "--ghost or the media");
	if (p->reply_to[0] != '\0' || p->reply_to_post != 0)
		return fail(errbuf, errlen, "a ghost post cannot be a reply "
		    "(Meta refuses it): drop --ghost or --reply-to");
	if (p->npoll > 0 || p->attachment != NULL || p->gif != NULL ||
	    p->link != NULL || p->quote[0] != '\0' || p->topic != NULL)
		return fail(errbuf, errlen, "a ghost post takes text spoilers "
		    "and nothing else: drop --poll, --attachment-file, --gif, "
		    "--link, --quote and --topic, or --ghost");
	return 0;
}

static int
validate_poll(const struct post *p, char *errbuf, size_t errlen)
{
	size_t i, n;

	if (p->npoll < VALIDATE_POLL_MIN || p->npoll > POST_POLL_MAX)
		return fail(errbuf, errlen, "a poll has %d to %d options "
		    "(--poll given %zu times)", VALIDATE_POLL_MIN,
		    POST_POLL_MAX, p->npoll);
	if (p->nmedia > 0)
		return fail(errbuf, errlen, "a poll goes only on a text post: "
		    "drop the poll or the media");
	if (p->attachment != NULL)
		return fail(errbuf, errlen, "a post with a poll cannot have a "
		    "text attachment (Meta refuses it)");
	if (p->gif != NULL)
		return fail(errbuf, errlen, "a post takes a poll or a GIF, "
		    "not both");
	for (i = 0; i < p->npoll; i++) {
		if (p->poll[i] == NULL || !validate_utf8(p->poll[i]))
			return fail(errbuf, errlen, "poll option %zu is not "
			    "valid UTF-8", i + 1);
		n = validate_chars(p->poll[i]);
		if (n < 1 || n > VALIDATE_OPTION_MAX)
			return fail(errbuf, errlen, "poll option %zu is %zu "
			    "characters; each is 1 to %d", i + 1, n,
			    VALIDATE_OPTION_MAX);
	}
	return 0;
}

/* Ranges in characters of the text, inside it, at most ten. */
static int
validate_spoilers(const struct post *p, char *errbuf, size_t errlen)
{
	size_t i, n = p->text != NULL ? validate_chars(p->text) : 0;
	const struct post_spoiler *sp;

	if (p->nspoilers > POST_SPOILER_MAX)
		return fail(errbuf, errlen, "a post has at most %d spoiler "
		    "ranges; %zu were given", POST_SPOILER_MAX,
		    p->nspoilers);
	for (i = 0; i < p->nspoilers; i++) {
		sp = &p->spoilers[i];
		if (sp->length == 0)
			return fail(errbuf, errlen, "spoiler %u:%u is empty: "
			    "its length is at least 1", sp->offset,
			    sp->length);
		if ((size_t)sp->offset + sp->length > n)
			return fail(errbuf, errlen, "spoiler %u:%u ends past "
			    "the text (%zu characters)", sp->offset,
			    sp->length, n);
	}
	return 0;
}

static int
validate_attachment(const struct post *p, char *errbuf, size_t errlen)
{
	size_t n;

	if (p->attachment == NULL) {
		if (p->attachment_link != NULL)
			return fail(errbuf, errlen, "--attachment-link goes "
			    "with --attachment-file");
		return 0;
	}
	if (p->nmedia > 0)
		return fail(errbuf, errlen, "a text attachment goes only on a "
		    "text post: drop it or the media");
	if (p->gif != NULL)
		return fail(errbuf, errlen, "a post takes a text attachment "
		    "or a GIF, not both");
	if (!validate_utf8(p->attachment))
		return fail(errbuf, errlen, "the text attachment is not "
		    "valid UTF-8");
	n = validate_chars(p->attachment);
	if (n < 1 || n > VALIDATE_ATTACHMENT_MAX)
		return fail(errbuf, errlen, "the text attachment is %zu "
		    "characters; Threads takes 1 to %d", n,
		    VALIDATE_ATTACHMENT_MAX);
	if (p->attachment_link != NULL) {
		if (p->link != NULL)
			return fail(errbuf, errlen, "a post with --link cannot "
			    "give its text attachment a link too (Meta "
			    "refuses it)");
		if (!validate_url(p->attachment_link))
			return fail(errbuf, errlen, "--attachment-link "
			    "'%.200s' is not an http(s) URL",
			    p->attachment_link);
	}
	return 0;
}

/* GIPHY ids: letters, digits, '-' and '_'. */
static int
validate_gif(const struct post *p, char *errbuf, size_t errlen)
{
	size_t len = strlen(p->gif);

	if (p->nmedia > 0)
		return fail(errbuf, errlen, "a GIF goes only on a text post: "
		    "drop --gif or the media");
	if (len < 1 || len > VALIDATE_GIF_ID_MAX || strspn(p->gif,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != len)
		return fail(errbuf, errlen, "--gif takes a GIPHY GIF id "
		    "(letters, digits, '-' and '_', at most %d), not '%.80s'",
		    VALIDATE_GIF_ID_MAX, p->gif);
	return 0;
}

static int
validate_options(const struct post *p, char *errbuf, size_t errlen)
{
	int r;

	if (p->ghost && (r = validate_ghost(p, errbuf, errlen)) < 0)
		return r;
	if (p->npoll > 0 && (r = validate_poll(p, errbuf, errlen)) < 0)
		return r;
	if ((r = validate_spoilers(p, errbuf, errlen)) < 0 ||
	    (r = validate_attachment(p, errbuf, errlen)) < 0)
		return r;
	if (p->gif != NULL && (r = validate_gif(p, errbuf, errlen)) < 0)
		return r;
	if (p->spoiler_media && p->nmedia == 0)
		return fail(errbuf, errlen, "--spoiler-media hides an image, "
		    "a video or a carousel: the post has none");
	return 0;
}

int
validate_post(const struct post *p, char *errbuf, size_t errlen)
{
	size_t len, n;
	int r;

	if (p->kind == POST_REPOST)
		return validate_repost(p, errbuf, errlen);
	if (p->text != NULL && !validate_utf8(p->text))
		return fail(errbuf, errlen, "the text is not valid UTF-8");
	if ((p->text == NULL || *p->text == '\0') && p->nmedia == 0)
		return fail(errbuf, errlen, "nothing to post: give --text, "
		    "--image or --video");
	if (p->text != NULL &&
	    (len = validate_text_length(p->text)) > VALIDATE_TEXT_MAX)
		return fail(errbuf, errlen, "the text is %zu characters as "
		    "Meta counts them; Threads allows at most %d (each emoji "
		    "counts as its UTF-8 bytes, 4 for most; other characters "
		    "count 1)", len, VALIDATE_TEXT_MAX);
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
	if ((r = validate_options(p, errbuf, errlen)) < 0)
		return r;
	if ((n = validate_links(p->text, p->link != NULL ? p->link :
	    p->attachment_link)) > VALIDATE_LINKS_MAX)
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
