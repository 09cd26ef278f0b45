/*
 * From a post's wire arguments to the post: media in command-line order,
 * the newer options, ids; and TIME, local times read in an IANA zone by
 * common/tzfile.c, never through TZ.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "common/tzfile.h"
#include "daemon/store/post.h"
#include "daemon/control/postargs.h"
#include "daemon/control/validate.h"

/*
 * The rows post.schedule and post.edit share, in the order they are
 * checked: the zone and the content, then the options but for what a
 * post replies to, which post.edit cannot change.
 */
#define A(f)	offsetof(struct postargs, f)
#define CONTENT_ROWS						\
	{ "tz", ARG_STRING, A(tz), 0 },				\
	{ "text", ARG_STRING, A(text), 0 },			\
	{ "images", ARG_ARRAY, A(images), 0 },			\
	{ "videos", ARG_ARRAY, A(videos), 0 }
#define OPTION_ROWS						\
	{ "reply_control", ARG_STRING, A(reply_control), 0 },	\
	{ "quote", ARG_STRING, A(quote), 0 },			\
	{ "link", ARG_STRING, A(link), 0 },			\
	{ "topic", ARG_STRING, A(topic), 0 },			\
	{ "ghost", ARG_BOOL, A(ghost), 0 },			\
	{ "poll", ARG_ARRAY, A(poll), 0 },			\
	{ "spoiler", ARG_ARRAY, A(spoiler), 0 },		\
	{ "spoiler_media", ARG_BOOL, A(spoiler_media), 0 },	\
	{ "attachment", ARG_STRING, A(attachment), 0 },		\
	{ "attachment_link", ARG_STRING, A(attachment_link), 0 }, \
	{ "gif", ARG_STRING, A(gif), 0 }

const struct req_arg postargs_schedule[] = {
	{ "account", ARG_STRING, A(account), 1 },
	{ "at", ARG_STRING, A(at), 1 },
	CONTENT_ROWS,
	{ "reply_to", ARG_STRING, A(reply_to), 0 },
	OPTION_ROWS,
	{ "repost", ARG_STRING, A(repost), 0 },
	{ "then_text", ARG_ARRAY, A(then_text), 0 },
	{ NULL, 0, 0, 0 }
};

/* What post.edit may change: all but the account and what it replies to. */
const struct req_arg postargs_edit[] = {
	{ "id", ARG_STRING, A(id), 1 },
	{ "at", ARG_STRING, A(at), 0 },
	CONTENT_ROWS,
	OPTION_ROWS,
	{ "clear", ARG_ARRAY, A(clear), 0 },
	{ NULL, 0, 0, 0 }
};

/*
 * What post.edit's "clear" can take back: the options that are a string
 * (the flags and lists are taken back by false and [], as given).  quote
 * is the one held in place, not as a pointer.
 */
#define P(f)	offsetof(struct post, f)
static const struct {
	const char	*name;
	size_t		 given;		/* in struct postargs */
	size_t		 field;		/* in struct post */
} clearable[] = {
	{ "reply_control", A(reply_control), P(reply_control) },
	{ "quote", A(quote), P(quote) },
	{ "link", A(link), P(link) },
	{ "topic", A(topic), P(topic) },
	{ "attachment", A(attachment), P(attachment) },
	{ "attachment_link", A(attachment_link), P(attachment_link) },
	{ "gif", A(gif), P(gif) },
};
#undef P
#undef OPTION_ROWS
#undef CONTENT_ROWS
#undef A

void
postargs_init(struct postargs *a)
{
	memset(a, 0, sizeof(*a));
	a->ghost = a->spoiler_media = -1;
}

/*
 * One media item: {"url", "alt", "index"}.  index (optional) is its place
 * on the command line, so that images and videos mix in a carousel in
 * the order given.
 */
static int
media_item(struct json_object *o, int video, struct post_media *m,
    int64_t *ret_index, char *err, size_t errlen)
{
	struct json_object *v;
	const char *kind = video ? "videos" : "images";

	*ret_index = INT64_MAX;
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "each of '%s' must be an object "
		    "{\"url\",\"alt\"}", kind);
		return -EINVAL;
	}
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "url") == 0 || strcmp(key, "alt") == 0) {
			if (!json_object_is_type(val, json_type_string) &&
			    !(strcmp(key, "alt") == 0 &&
			    json_object_is_type(val, json_type_null))) {
				snprintf(err, errlen, "'%s' of '%s' must be a "
				    "string", key, kind);
				return -EINVAL;
			}
		} else if (strcmp(key, "index") == 0) {
			if (!json_object_is_type(val, json_type_int)) {
				snprintf(err, errlen, "'index' of '%s' must "
				    "be an integer", kind);
				return -EINVAL;
			}
			*ret_index = json_object_get_int64(val);
		} else {
			snprintf(err, errlen, "unknown field '%.64s' in '%s'",
			    key, kind);
			return -EINVAL;
		}
	}
	if (!json_object_object_get_ex(o, "url", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "each of '%s' needs a 'url'", kind);
		return -EINVAL;
	}
	m->video = video;
	if (post_set_str(&m->url, json_object_get_string(v)) < 0)
		return -ENOMEM;
	if (json_object_object_get_ex(o, "alt", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    post_set_str(&m->alt, json_object_get_string(v)) < 0)
		return -ENOMEM;
	return 0;
}

/* Images and videos into p->media, in command-line order. */
static int
build_media(const struct postargs *a, struct post *p, char *err,
    size_t errlen)
{
	struct json_object *lists[2] = { a->images, a->videos };
	int64_t index[POST_MAX_MEDIA], ti;
	struct post_media tm;
	size_t i, k, n;
	int r;

	for (i = 0; i < p->nmedia; i++) {
		free(p->media[i].url);
		free(p->media[i].alt);
		p->media[i].url = p->media[i].alt = NULL;
	}
	p->nmedia = 0;

	for (k = 0; k < 2; k++) {
		if (lists[k] == NULL)
			continue;
		n = json_object_array_length(lists[k]);
		for (i = 0; i < n; i++) {
			if (p->nmedia == POST_MAX_MEDIA) {
				snprintf(err, errlen, "a carousel takes 2 to "
				    "%d items; %zu were given", POST_MAX_MEDIA,
				    (a->images != NULL ?
				    json_object_array_length(a->images) : 0) +
				    (a->videos != NULL ?
				    json_object_array_length(a->videos) : 0));
				return -EINVAL;
			}
			r = media_item(json_object_array_get_idx(lists[k], i),
			    (int)k, &p->media[p->nmedia], &index[p->nmedia],
			    err, errlen);
			p->nmedia++;
			if (r < 0)
				return r;
		}
	}
	/* Insertion sort by index: stable, and 20 items at most. */
	for (i = 1; i < p->nmedia; i++)
		for (k = i; k > 0 && index[k - 1] > index[k]; k--) {
			tm = p->media[k];
			p->media[k] = p->media[k - 1];
			p->media[k - 1] = tm;
			ti = index[k];
			index[k] = index[k - 1];
			index[k - 1] = ti;
		}
	p->kind = p->nmedia == 0 ? POST_TEXT : p->nmedia > 1 ?
	    POST_CAROUSEL : p->media[0].video ? POST_VIDEO : POST_IMAGE;
	return 0;
}

static int
copy_id(char dst[GRAPH_ID_LEN], const char *src, const char *what,
    char *err, size_t errlen)
{
	if (strlen(src) >= GRAPH_ID_LEN || strspn(src, "0123456789") !=
	    strlen(src) || *src == '\0') {
		snprintf(err, errlen, "%s takes a media id (digits), not "
		    "'%.64s'", what, src);
		return -EINVAL;
	}
	strcpy(dst, src);
	return 0;
}

/* "OFFSET:LENGTH", two decimal numbers. */
static int
spoiler_parse(const char *s, struct post_spoiler *sp)
{
	unsigned long long off, len;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	off = strtoull(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	len = strtoull(end + 1, &end, 10);
	if (*end != '\0' || off > UINT32_MAX || len > UINT32_MAX)
		return -EINVAL;
	sp->offset = (uint32_t)off;
	sp->length = (uint32_t)len;
	return 0;
}

/* The newer options; their limits are validate.c's. */
static int
build_options(const struct postargs *a, struct post *p, char *err,
    size_t errlen)
{
	struct json_object *v;
	size_t i, n;

	if (a->ghost >= 0)
		p->ghost = a->ghost;
	if (a->spoiler_media >= 0)
		p->spoiler_media = a->spoiler_media;
	if ((a->attachment != NULL &&
	    post_set_str(&p->attachment, a->attachment) < 0) ||
	    (a->attachment_link != NULL &&
	    post_set_str(&p->attachment_link, a->attachment_link) < 0) ||
	    (a->gif != NULL && post_set_str(&p->gif, a->gif) < 0))
		return -ENOMEM;
	if (a->poll != NULL) {
		for (i = 0; i < p->npoll; i++) {
			free(p->poll[i]);
			p->poll[i] = NULL;
		}
		p->npoll = 0;
		n = json_object_array_length(a->poll);
		if (n > POST_POLL_MAX) {
			snprintf(err, errlen, "a poll has 2 to %d options "
			    "(--poll given %zu times)", POST_POLL_MAX, n);
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(a->poll, i);
			if (!json_object_is_type(v, json_type_string)) {
				snprintf(err, errlen, "each of 'poll' must be "
				    "a string");
				return -EINVAL;
			}
			if (post_set_str(&p->poll[i],
			    json_object_get_string(v)) < 0)
				return -ENOMEM;
			p->npoll = i + 1;
		}
	}
	if (a->spoiler != NULL) {
		p->nspoilers = 0;
		n = json_object_array_length(a->spoiler);
		if (n > POST_SPOILER_MAX) {
			snprintf(err, errlen, "a post has at most %d spoiler "
			    "ranges; %zu were given", POST_SPOILER_MAX, n);
			return -EINVAL;
		}
		for (i = 0; i < n; i++) {
			v = json_object_array_get_idx(a->spoiler, i);
			if (!json_object_is_type(v, json_type_string) ||
			    spoiler_parse(json_object_get_string(v),
			    &p->spoilers[i]) < 0) {
				snprintf(err, errlen, "--spoiler takes "
				    "OFFSET:LENGTH in characters of the text, "
				    "like 4:7");
				return -EINVAL;
			}
			p->nspoilers = i + 1;
		}
	}
	return 0;
}

/* One name of "clear": its option is gone from p.  0 or -EINVAL. */
static int
clear_one(const struct postargs *a, struct json_object *v, struct post *p,
    char *err, size_t errlen)
{
	const char *name = json_object_get_string(v);
	const char *const *given;
	char **str;
	size_t i, n = sizeof(clearable) / sizeof(clearable[0]);

	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "each of 'clear' must be a string");
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		if (strcmp(clearable[i].name, name) == 0)
			break;
	if (i == n) {
		snprintf(err, errlen, "'clear' takes the names of options to "
		    "take back: reply_control, quote, link, topic, "
		    "attachment, attachment_link or gif, not '%.64s'", name);
		return -EINVAL;
	}
	given = (const void *)((const char *)a + clearable[i].given);
	if (*given != NULL) {
		snprintf(err, errlen, "'%s' is both given and cleared: give "
		    "one or the other", name);
		return -EINVAL;
	}
	if (clearable[i].field == offsetof(struct post, quote)) {
		p->quote[0] = '\0';
		return 0;
	}
	str = (void *)((char *)p + clearable[i].field);
	free(*str);
	*str = NULL;
	/* An attachment's link goes with it (it is only taken with one). */
	if (str == &p->attachment) {
		free(p->attachment_link);
		p->attachment_link = NULL;
	}
	return 0;
}

int
postargs_apply(const struct postargs *a, struct post *p, char *err,
    size_t errlen)
{
	size_t i;
	int r;

	for (i = 0; a->clear != NULL && i < json_object_array_length(a->clear);
	    i++)
		if ((r = clear_one(a, json_object_array_get_idx(a->clear, i),
		    p, err, errlen)) < 0)
			return r;

	if ((a->text != NULL && post_set_str(&p->text, a->text) < 0) ||
	    (a->reply_control != NULL &&
	    post_set_str(&p->reply_control, a->reply_control) < 0) ||
	    (a->link != NULL && post_set_str(&p->link, a->link) < 0) ||
	    (a->topic != NULL && post_set_str(&p->topic, a->topic) < 0))
		return -ENOMEM;
	if ((a->images != NULL || a->videos != NULL) &&
	    (r = build_media(a, p, err, errlen)) < 0)
		return r;
	if ((r = build_options(a, p, err, errlen)) < 0)
		return r;
	if (a->repost != NULL) {
		if (strlen(a->repost) >= GRAPH_ID_LEN) {
			snprintf(err, errlen, "repost takes a media id "
			    "(digits)");
			return -EINVAL;
		}
		strcpy(p->repost_of, a->repost);
		p->kind = POST_REPOST;
	}
	if (a->quote != NULL &&
	    (r = copy_id(p->quote, a->quote, "--quote", err, errlen)) < 0)
		return r;
	if (a->reply_to != NULL && (r = copy_id(p->reply_to, a->reply_to,
	    "--reply-to", err, errlen)) < 0)
		return r;
	return validate_post(p, err, errlen);
}

/* "+01:00" for 3600. */
static const char *
offset_str(int64_t off, char buf[8])
{
	int64_t a = off < 0 ? -off : off;

	snprintf(buf, 8, "%c%02d:%02d", off < 0 ? '-' : '+',
	    (int)(a / 3600 % 100), (int)(a % 3600 / 60));
	return buf;
}

/*
 * TIME: ISO 8601 with an offset, "now", "+10m", or a local time in the
 * zone given (--tz), else [scheduler] timezone, else UTC.
 */
int
postargs_time(const char *at, const char *zone, int64_t now, int64_t *ret,
    char *err, size_t errlen)
{
	char a[TIMEFMT_LEN], b[TIMEFMT_LEN], o1[8], o2[8];
	struct tzinfo *tz;
	int64_t local, t[2];
	int r, n;

	/* The zone first: a bad --tz is refused whatever the TIME's form. */
	if (zone == NULL)
		zone = "UTC";
	if ((r = tz_load(zone, &tz)) < 0) {
		snprintf(err, errlen, r == -ENOENT ? "unknown time zone "
		    "'%.64s'" : "'%.64s' is not a time zone name (like "
		    "Europe/Paris)", zone);
		return r == -ENOMEM ? r : -EINVAL;
	}
	if (timefmt_parse(at, now, ret) == 0) {
		tz_free(tz);
		return 0;
	}
	if (at[0] == '+' && at[1] != '\0' &&
	    strspn(at + 1, "0123456789") == strlen(at + 1)) {
		snprintf(err, errlen, "'%.64s' has no unit: say %.64ss, "
		    "%.64sm, %.64sh or %.64sd", at, at, at, at, at);
		tz_free(tz);
		return -EINVAL;
	}
	if (tz_parse_local(at, &local) < 0) {
		snprintf(err, errlen, "'%.64s' is not a time: give ISO 8601 "
		    "with an offset (2026-11-23T09:00:00+01:00), a local time "
		    "(2026-11-23 09:00, with --tz ZONE), 'now' or '+10m'", at);
		tz_free(tz);
		return -EINVAL;
	}
	n = tz_local_to_utc(tz, local, t);
	if (n == 2)
		snprintf(err, errlen, "%.64s happens twice in %.64s (the "
		    "clocks go back): say which with an offset, %s (the "
		    "first, %s) or %s (the second, %s)", at, zone,
		    offset_str(local - t[0], o1), timefmt_format(t[0], a,
		    sizeof(a)), offset_str(local - t[1], o2),
		    timefmt_format(t[1], b, sizeof(b)));
	else if (n == 0)
		snprintf(err, errlen, "%.64s does not exist in %.64s (the "
		    "clocks skip it): choose another time", at, zone);
	else
		*ret = t[0];
	tz_free(tz);
	return n == 1 ? 0 : -EINVAL;
}

int
postargs_due(const char *at, const char *zone, int64_t now, int64_t *ret,
    char *err, size_t errlen)
{
	char when[TIMEFMT_LEN];
	int64_t t;
	int r;

	if ((r = postargs_time(at, zone, now, &t, err, errlen)) < 0)
		return r;
	if (t < now) {
		snprintf(err, errlen, "%.64s is in the past (it is now %s)",
		    at, timefmt_format(now, when, sizeof(when)));
		return -EINVAL;
	}
	*ret = t;
	return 0;
}
