/*
 * A post's arguments on the wire (DESIGN.md §3: the long option names with
 * '_'), shared by post.schedule, post.edit, post.thread and post.import:
 * their field tables, applying them to a post, and reading a TIME.  Every
 * limit is validate.c's; the messages name the option to fix.
 */
#ifndef THREADSD_POSTARGS_H
#define THREADSD_POSTARGS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "daemon/control/req.h"

struct post;

struct postargs {
	const char		*account;
	const char		*at;
	const char		*tz;
	const char		*text;
	struct json_object	*images;
	struct json_object	*videos;
	const char		*reply_to;
	const char		*reply_control;
	const char		*quote;
	const char		*link;
	const char		*topic;
	int			 ghost;		/* -1: not given */
	struct json_object	*poll;
	struct json_object	*spoiler;
	int			 spoiler_media;	/* -1: not given */
	const char		*attachment;
	const char		*attachment_link;
	const char		*gif;
	const char		*repost;
	const char		*id;		/* post.edit */
	struct json_object	*clear;		/* post.edit: taken back */
	struct json_object	*then_text;	/* post.schedule: a thread */
};

/* post.schedule (account and at required) and post.edit (id required). */
extern const struct req_arg postargs_schedule[];
extern const struct req_arg postargs_edit[];

/* Nothing given: postargs_apply() then changes nothing. */
void	postargs_init(struct postargs *);
/*
 * Sets on p what a gives (media and list options replace the old ones),
 * takes back the options a clears (post.edit's "clear": reply_control,
 * quote, link, topic, attachment, attachment_link, gif), and validates
 * the result.  0, -EINVAL with err saying why, -ENOMEM.
 */
int	postargs_apply(const struct postargs *, struct post *p, char *err,
	    size_t errlen);
/*
 * TIME: ISO 8601 with an offset, "now", "+10m", or a local time in zone
 * (NULL: UTC).  0 or -EINVAL with err, -ENOMEM.
 */
int	postargs_time(const char *at, const char *zone, int64_t now,
	    int64_t *ret, char *err, size_t errlen);
/* A post's due time: postargs_time(), and not before now. */
int	postargs_due(const char *at, const char *zone, int64_t now,
	    int64_t *ret, char *err, size_t errlen);

#endif
