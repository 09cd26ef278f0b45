/*
 * post.schedule: from a request to a queued post.  The handler builds the
 * post from its arguments, refuses what could never be published
 * (validate.c) with a message naming the problem, resolves the time
 * (local times in an IANA zone read by common/tzfile.c, never through
 * TZ), and writes the post in one transaction.  The reply waits for the
 * HEAD probes of its media URLs, whose findings come back as warnings.
 * The rest of the post family is in req-queue.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "common/timefmt.h"
#include "common/tzfile.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "post.h"
#include "probe.h"
#include "req.h"
#include "sched.h"
#include "store.h"
#include "validate.h"

#define QUOTA_POSTS	250	/* per 24 h (threads-api.md §6.4) */
#define QUOTA_REPLIES	1000

struct schedule_args {
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
	int			 ghost;
	struct json_object	*poll;
	struct json_object	*spoiler;
	int			 spoiler_media;
	const char		*attachment;
	const char		*attachment_link;
	const char		*gif;
	const char		*repost;
};

#define A(f)	offsetof(struct schedule_args, f)
static const struct req_arg schedule_table[] = {
	{ "account", ARG_STRING, A(account), 1 },
	{ "at", ARG_STRING, A(at), 1 },
	{ "tz", ARG_STRING, A(tz), 0 },
	{ "text", ARG_STRING, A(text), 0 },
	{ "images", ARG_ARRAY, A(images), 0 },
	{ "videos", ARG_ARRAY, A(videos), 0 },
	{ "reply_to", ARG_STRING, A(reply_to), 0 },
	{ "reply_control", ARG_STRING, A(reply_control), 0 },
	{ "quote", ARG_STRING, A(quote), 0 },
	{ "link", ARG_STRING, A(link), 0 },
	{ "topic", ARG_STRING, A(topic), 0 },
	{ "ghost", ARG_BOOL, A(ghost), 0 },
	{ "poll", ARG_ARRAY, A(poll), 0 },
	{ "spoiler", ARG_ARRAY, A(spoiler), 0 },
	{ "spoiler_media", ARG_BOOL, A(spoiler_media), 0 },
	{ "attachment", ARG_STRING, A(attachment), 0 },
	{ "attachment_link", ARG_STRING, A(attachment_link), 0 },
	{ "gif", ARG_STRING, A(gif), 0 },
	{ "repost", ARG_STRING, A(repost), 0 },
	{ NULL, 0, 0, 0 }
};
#undef A

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
build_media(const struct schedule_args *a, struct post *p, char *err,
    size_t errlen)
{
	struct json_object *lists[2] = { a->images, a->videos };
	int64_t index[POST_MAX_MEDIA], ti;
	struct post_media tm;
	size_t i, k, n;
	int r;

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
build_options(const struct schedule_args *a, struct post *p, char *err,
    size_t errlen)
{
	struct json_object *v;
	size_t i, n;

	p->ghost = a->ghost;
	p->spoiler_media = a->spoiler_media;
	if (post_set_str(&p->attachment, a->attachment) < 0 ||
	    post_set_str(&p->attachment_link, a->attachment_link) < 0 ||
	    post_set_str(&p->gif, a->gif) < 0)
		return -ENOMEM;
	if (a->poll != NULL) {
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

static int
build_post(const struct schedule_args *a, struct post *p, char *err,
    size_t errlen)
{
	int r;

	if (post_set_str(&p->text, a->text) < 0 ||
	    post_set_str(&p->reply_control, a->reply_control) < 0 ||
	    post_set_str(&p->link, a->link) < 0 ||
	    post_set_str(&p->topic, a->topic) < 0)
		return -ENOMEM;
	if ((r = build_media(a, p, err, errlen)) < 0 ||
	    (r = build_options(a, p, err, errlen)) < 0)
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
static int
parse_at(const char *at, const char *zone, int64_t now, int64_t *ret,
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

/* Posts of the account due in the 24 h up to at, for the warning. */
static int
quota_count(MDB_txn *txn, struct store *st, const char *user_id, int64_t at,
    int *ret_posts, int *ret_replies)
{
	size_t plen = strlen(user_id) + 1;
	MDB_cursor *cur;
	MDB_val k, v;
	struct post p;
	int rc;

	*ret_posts = *ret_replies = 0;
	if ((rc = mdb_cursor_open(txn, st->account_posts, &cur)) != 0)
		return store_errno(rc);
	k.mv_size = plen;
	k.mv_data = (void *)user_id;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != plen + 8 ||
		    memcmp(k.mv_data, user_id, plen) != 0)
			break;
		post_init(&p);
		if (post_get(txn, st, store_get_be64((uint8_t *)k.mv_data +
		    plen), &p) == 0 && p.state != POST_CANCELLED &&
		    p.state != POST_FAILED && p.due_at > at - 86400 &&
		    p.due_at <= at) {
			if (p.reply_to[0] != '\0' || p.reply_to_post != 0)
				(*ret_replies)++;
			else
				(*ret_posts)++;
		}
		post_clear(&p);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : store_errno(rc);
}

struct schedule {
	struct req		*req;
	struct daemon		*d;
	struct post		 p;
	const char		*account;
	const char		*reply_to;	/* as given */
	struct account		 acct;
	struct json_object	*warnings;
	enum proto_err		 code;		/* when refused */
	char			 err[512];
};

/* --reply-to: a queued post of ours, or a media id. */
static int
resolve_parent(MDB_txn *txn, struct schedule *sc, struct post *parent)
{
	struct store *st = sc->d->store;
	uint64_t pid = post_id_parse(sc->reply_to);
	int r;

	if (pid == 0 || (r = post_get(txn, st, pid, parent)) == -ENOENT) {
		if (strlen(sc->reply_to) >= 10)
			return 0;	/* a media id */
		sc->code = ERR_NOT_FOUND;
		snprintf(sc->err, sizeof(sc->err), "--reply-to %s: no such "
		    "post (a media id is longer)", sc->reply_to);
		return -ENOENT;
	}
	if (r < 0)
		return r;
	sc->p.reply_to[0] = '\0';
	switch (parent->state) {
	case POST_CANCELLED:
	case POST_FAILED:
		sc->code = ERR_CONFLICT;
		snprintf(sc->err, sizeof(sc->err), "post %" PRIu64 " was %s: "
		    "a reply to it would never go out", pid,
		    post_state_names[parent->state]);
		return -EINVAL;
	case POST_PUBLISHED:
		if (parent->media_id[0] == '\0') {
			sc->code = ERR_CONFLICT;
			snprintf(sc->err, sizeof(sc->err), "post %" PRIu64
			    " was published but its media id is unknown: "
			    "give --reply-to the media id", pid);
			return -EINVAL;
		}
		strcpy(sc->p.reply_to, parent->media_id);
		return 0;
	default:
		sc->p.reply_to_post = pid;
		return 1;	/* queued: this post waits for it */
	}
}

static int
schedule_txn(MDB_txn *txn, void *arg)
{
	struct schedule *sc = arg;
	struct store *st = sc->d->store;
	struct post parent;
	char when[TIMEFMT_LEN];
	int queued = 0, posts, replies, r;

	if ((r = account_get(txn, st, sc->account, &sc->acct)) < 0) {
		if (r == -ENOENT) {
			sc->code = ERR_NOT_FOUND;
			snprintf(sc->err, sizeof(sc->err), "unknown account "
			    "'%.128s'", sc->account);
		}
		return r;
	}
	if (sc->acct.state == ACCOUNT_REAUTH_REQUIRED) {
		sc->code = ERR_CONFLICT;
		snprintf(sc->err, sizeof(sc->err), "account '%s' needs "
		    "re-authorization: reconnect it with 'threadsctl "
		    "add-account' first", sc->acct.username);
		return -EPERM;
	}
	if (sc->acct.state == ACCOUNT_REVOKED) {
		sc->code = ERR_CONFLICT;
		snprintf(sc->err, sizeof(sc->err), "account '%s' was revoked "
		    "by its owner (the app was removed in Threads' settings); "
		    "nothing is published for it", sc->acct.username);
		return -EPERM;
	}
	strcpy(sc->p.user_id, sc->acct.user_id);
	post_init(&parent);
	if (sc->reply_to != NULL &&
	    (queued = resolve_parent(txn, sc, &parent)) < 0) {
		post_clear(&parent);
		return queued;
	}
	if ((r = quota_count(txn, st, sc->p.user_id, sc->p.due_at, &posts,
	    &replies)) < 0)
		goto out;
	if (sc->p.reply_to[0] != '\0' || sc->p.reply_to_post != 0 ?
	    replies + 1 > QUOTA_REPLIES : posts + 1 > QUOTA_POSTS) {
		char msg[256];

		snprintf(msg, sizeof(msg), "'%s' has %d %s due in the 24 h "
		    "up to %s, over Meta's quota of %d: some will be "
		    "deferred", sc->acct.username, (sc->p.reply_to[0] ||
		    sc->p.reply_to_post ? replies : posts) + 1,
		    sc->p.reply_to[0] || sc->p.reply_to_post ? "replies" :
		    "posts", timefmt_format(sc->p.due_at, when,
		    sizeof(when)), sc->p.reply_to[0] || sc->p.reply_to_post ?
		    QUOTA_REPLIES : QUOTA_POSTS);
		json_object_array_add(sc->warnings,
		    json_object_new_string(msg));
	}
	if ((r = post_put(txn, st, &sc->p)) < 0)
		goto out;
	if (queued) {
		/* The parent wakes its replies when it is published. */
		if ((r = post_add_reply(&parent, sc->p.id)) < 0)
			goto out;
		r = post_put(txn, st, &parent);
	}
out:
	post_clear(&parent);
	return r;
}

static void
schedule_free(struct schedule *sc)
{
	post_clear(&sc->p);
	account_clear(&sc->acct);
	json_object_put(sc->warnings);
	free(sc);
}

static void
schedule_reply(struct json_object *warnings, void *arg)
{
	struct schedule *sc = arg;
	struct json_object *res;
	size_t i, n;

	res = post_to_json(&sc->p, sc->acct.username);
	n = json_object_array_length(warnings);
	for (i = 0; i < n && warnings != sc->warnings; i++)
		json_object_array_add(sc->warnings, json_object_get(
		    json_object_array_get_idx(warnings, i)));
	json_object_object_add(res, "warnings", json_object_get(sc->warnings));
	req_ok(sc->req, res);
	schedule_free(sc);
}

void
req_post_schedule(struct req *req)
{
	struct daemon *d = req->d;
	struct schedule_args a = { 0 };
	struct schedule *sc;
	const char *urls[POST_MAX_MEDIA];
	int video[POST_MAX_MEDIA];
	char when[TIMEFMT_LEN];
	int64_t now = daemon_now();
	size_t i;
	int r;

	if (req_args(req, schedule_table, &a) < 0)
		return;
	if ((sc = calloc(1, sizeof(*sc))) == NULL ||
	    (sc->warnings = json_object_new_array()) == NULL) {
		free(sc);
		req_fail(req, ERR_INTERNAL, "out of memory");
		return;
	}
	sc->req = req;
	sc->d = d;
	sc->account = a.account;
	sc->reply_to = a.reply_to;
	sc->code = ERR_INVALID_ARGUMENT;
	post_init(&sc->p);
	account_init(&sc->acct);
	if ((r = build_post(&a, &sc->p, sc->err, sizeof(sc->err))) < 0 ||
	    (r = parse_at(a.at, a.tz != NULL ? a.tz : d->cfg->sched_timezone,
	    now, &sc->p.due_at, sc->err, sizeof(sc->err))) < 0)
		goto refuse;
	if (sc->p.due_at < now) {
		snprintf(sc->err, sizeof(sc->err), "%.64s is in the past (it "
		    "is now %s)", a.at, timefmt_format(now, when,
		    sizeof(when)));
		r = -EINVAL;
		goto refuse;
	}
	sc->p.state = POST_SCHEDULED;
	sc->p.created_at = now;
	sc->p.next_at = sc->p.due_at - d->cfg->sched_prestage;
	if (sc->p.next_at < now)
		sc->p.next_at = now;	/* due sooner than prestage: now */
	if ((r = store_write(d->store, schedule_txn, sc)) < 0) {
		if (sc->err[0] == '\0') {
			log_error("post.schedule: cannot save the post: %s",
			    strerror(-r));
			sc->code = ERR_INTERNAL;
			snprintf(sc->err, sizeof(sc->err), "cannot save the "
			    "post: %s", strerror(-r));
		}
		goto refuse;
	}
	sched_due(d->sched, sc->p.next_at);
	log_with(LOG_NOTICE, &(struct log_fields){ .account =
	    sc->acct.username, .user_id = sc->acct.user_id },
	    "post %" PRIu64 " of '%s' scheduled for %s by uid %u (pid %d)",
	    sc->p.id, sc->acct.username, timefmt_format(sc->p.due_at, when,
	    sizeof(when)), (unsigned)req->uid, (int)req->pid);
	for (i = 0; i < sc->p.nmedia; i++) {
		urls[i] = sc->p.media[i].url;
		video[i] = sc->p.media[i].video;
	}
	if (sc->p.nmedia == 0 || probe_media(d->probes, urls, video,
	    sc->p.nmedia, schedule_reply, sc) < 0)
		schedule_reply(sc->warnings, sc);
	return;
refuse:
	req_fail(req, r == -ENOMEM ? ERR_INTERNAL : sc->code, "%s",
	    r == -ENOMEM ? "out of memory" : sc->err);
	schedule_free(sc);
}
