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

#include "daemon/store/account.h"
#include "common/timefmt.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/control/postargs.h"
#include "daemon/graph/probe.h"
#include "daemon/control/req.h"
#include "daemon/owners/sched.h"
#include "daemon/store/store.h"
#include "daemon/control/validate.h"

#define QUOTA_POSTS	250	/* per 24 h (threads-api.md §6.4) */
#define QUOTA_REPLIES	1000
#define THREAD_MAX	QUOTA_REPLIES	/* replies in one thread */

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
	struct post		*chain;		/* the thread's replies, in order */
	size_t			 nchain;
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

/*
 * The thread's replies, each waiting for the one before (the root
 * first), in the transaction of the root: all or none.
 */
static int
chain_put(MDB_txn *txn, struct schedule *sc)
{
	struct store *st = sc->d->store;
	struct post *prev = &sc->p, *q;
	size_t i;
	int r;

	for (i = 0; i < sc->nchain; i++) {
		q = &sc->chain[i];
		strcpy(q->user_id, sc->p.user_id);
		q->reply_to_post = prev->id;
		if ((r = post_put(txn, st, q)) < 0 ||
		    (r = post_add_reply(prev, q->id)) < 0 ||
		    (r = post_put(txn, st, prev)) < 0)
			return r;
		prev = q;
	}
	return 0;
}

/* The replies of a thread, built and validated before anything is put. */
static int
chain_build(struct schedule *sc, struct json_object *texts)
{
	struct post *q;
	struct json_object *v;
	char why[400];
	size_t i, n = json_object_array_length(texts);
	int r;

	if (n == 0)
		return 0;
	if (sc->p.kind == POST_REPOST || sc->p.ghost) {
		snprintf(sc->err, sizeof(sc->err), "a %s takes no thread: "
		    "drop --then-text", sc->p.kind == POST_REPOST ? "repost" :
		    "ghost post");
		return -EINVAL;
	}
	if (n > THREAD_MAX) {
		snprintf(sc->err, sizeof(sc->err), "a thread of %zu replies is "
		    "over Meta's quota of %d replies a day", n, THREAD_MAX);
		return -EINVAL;
	}
	if ((sc->chain = calloc(n, sizeof(*sc->chain))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		q = &sc->chain[sc->nchain++];
		post_init(q);
		v = json_object_array_get_idx(texts, i);
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(sc->err, sizeof(sc->err), "each of "
			    "'then_text' must be a string");
			return -EINVAL;
		}
		if (post_set_str(&q->text, json_object_get_string(v)) < 0)
			return -ENOMEM;
		/* Any id: it only says "a reply" to the checks. */
		q->reply_to_post = 1;
		if ((r = validate_post(q, why, sizeof(why))) < 0) {
			snprintf(sc->err, sizeof(sc->err), "post %zu of the "
			    "thread: %s; nothing was queued", i + 2, why);
			return r;
		}
		q->reply_to_post = 0;
		q->state = sc->p.state;
		q->due_at = sc->p.due_at;
		q->next_at = sc->p.next_at;
		q->created_at = sc->p.created_at;
	}
	return 0;
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
	if (sc->nchain > 0 && replies + (int)sc->nchain > QUOTA_REPLIES) {
		char msg[256];

		snprintf(msg, sizeof(msg), "'%s' has %d replies due in the 24 h "
		    "up to %s with this thread, over Meta's quota of %d: some "
		    "will be deferred", sc->acct.username, replies +
		    (int)sc->nchain, timefmt_format(sc->p.due_at, when,
		    sizeof(when)), QUOTA_REPLIES);
		json_object_array_add(sc->warnings,
		    json_object_new_string(msg));
	}
	if ((r = post_put(txn, st, &sc->p)) < 0)
		goto out;
	if (queued) {
		/* The parent wakes its replies when it is published. */
		if ((r = post_add_reply(&parent, sc->p.id)) < 0 ||
		    (r = post_put(txn, st, &parent)) < 0)
			goto out;
	}
	r = chain_put(txn, sc);
out:
	post_clear(&parent);
	return r;
}

static void
schedule_free(struct schedule *sc)
{
	size_t i;

	post_clear(&sc->p);
	for (i = 0; i < sc->nchain; i++)
		post_clear(&sc->chain[i]);
	free(sc->chain);
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
	if (sc->nchain > 0) {
		struct json_object *ids = json_object_new_array();
		char buf[POST_ID_LEN];

		for (i = 0; i < sc->nchain; i++)
			json_object_array_add(ids, json_object_new_string(
			    post_id_str(sc->chain[i].id, buf)));
		json_object_object_add(res, "thread", ids);
	}
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
	struct postargs a;
	struct schedule *sc;
	const char *urls[POST_MAX_MEDIA];
	int video[POST_MAX_MEDIA];
	char when[TIMEFMT_LEN];
	int64_t now = daemon_now();
	size_t i;
	int r;

	postargs_init(&a);
	if (req_args(req, postargs_schedule, &a) < 0)
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
	if ((r = postargs_apply(&a, &sc->p, sc->err, sizeof(sc->err))) < 0 ||
	    (r = postargs_due(a.at, a.tz != NULL ? a.tz :
	    d->cfg->sched_timezone, now, &sc->p.due_at, sc->err,
	    sizeof(sc->err))) < 0)
		goto refuse;
	sc->p.state = POST_SCHEDULED;
	sc->p.created_at = now;
	sc->p.next_at = sc->p.due_at - d->cfg->sched_prestage;
	if (sc->p.next_at < now)
		sc->p.next_at = now;	/* due sooner than prestage: now */
	if (a.then_text != NULL && (r = chain_build(sc, a.then_text)) < 0)
		goto refuse;
	if ((r = store_write(d->store, schedule_txn, sc)) < 0) {
		req_save_failed(req, r, &sc->code, sc->err, sizeof(sc->err));
		goto refuse;
	}
	sched_due(d->sched, sc->p.next_at);
	log_with(LOG_NOTICE, &(struct log_fields){ .account =
	    sc->acct.username, .user_id = sc->acct.user_id },
	    "post %" PRIu64 " of '%s' scheduled for %s by uid %u (pid %d)",
	    sc->p.id, sc->acct.username, timefmt_format(sc->p.due_at, when,
	    sizeof(when)), (unsigned)req->uid, (int)req->pid);
	if (sc->nchain > 0)
		log_with(LOG_NOTICE, &(struct log_fields){ .account =
		    sc->acct.username, .user_id = sc->acct.user_id },
		    "posts %" PRIu64 " to %" PRIu64 " of '%s' scheduled as "
		    "the thread under post %" PRIu64 " by uid %u (pid %d)",
		    sc->chain[0].id, sc->chain[sc->nchain - 1].id,
		    sc->acct.username, sc->p.id, (unsigned)req->uid,
		    (int)req->pid);
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
