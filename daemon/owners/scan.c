/*
 * The scan: what each due post needs.  The dispatcher (sched.c) walks
 * the index and starts the jobs; this file reads one due post and writes
 * what must be on disk before its request goes out.
 *
 * A scan walks `due` from the start.  Keys at or before now belong to
 * posts in flight (skipped: a job keeps its key until it commits the next
 * one, so a crash leaves every post of staging or publishing reachable
 * from the start of the index) or to posts whose time has come.  For
 * those it writes, in one transaction, every transition that must be on
 * disk before its request goes out (scheduled -> staging, ready ->
 * publishing), and only after the commit starts the jobs.  The walk stops
 * at the first key in the future: that is the next wake-up.  A scan thus
 * costs the posts in flight plus those due, never the whole queue.
 *
 * The posts to publish now go first, in a pass and a commit of their own,
 * so that the work of the same second (quota reads, polls, permalinks)
 * never delays them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/owners/scan.h"
#include "daemon/store/store.h"

static const struct account *
acache_get(struct acache *ac, MDB_txn *txn, struct store *st,
    const char *user_id)
{
	size_t i;

	for (i = 0; i < ac->n; i++)
		if (strcmp(ac->a[i].user_id, user_id) == 0)
			return ac->found[i] ? &ac->a[i] : NULL;
	if (ac->n < ACACHE)
		i = ac->n++;
	else {
		i = ac->next++ % ACACHE;
		account_clear(&ac->a[i]);
	}
	account_init(&ac->a[i]);
	ac->found[i] = account_get(txn, st, user_id, &ac->a[i]) == 0 &&
	    strcmp(ac->a[i].user_id, user_id) == 0;
	if (!ac->found[i])
		snprintf(ac->a[i].user_id, sizeof(ac->a[i].user_id), "%s",
		    user_id);
	return ac->found[i] ? &ac->a[i] : NULL;
}

void
scan_clear(struct scan *sc)
{
	size_t i;

	for (i = 0; i < sc->ac.n; i++)
		account_clear(&sc->ac.a[i]);
}

static void
scan_next(struct scan *sc, int64_t at)
{
	if (at > sc->now && (sc->next == 0 || at < sc->next))
		sc->next = at;
}

static int
drop_due_key(MDB_txn *txn, struct store *st, int64_t at, uint64_t id)
{
	uint8_t key[16];
	MDB_val k = { sizeof(key), key };
	int rc;

	store_be64(key, (uint64_t)at);
	store_be64(key + 8, id);
	rc = mdb_del(txn, st->due, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

static struct job *
job_new(struct sched *s, MDB_txn *txn, const struct post *p,
    const struct account *a, enum job_step step)
{
	struct job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->s = s;
	j->step = step;
	post_init(&j->p);
	snprintf(j->username, sizeof(j->username), "%s", a->username);
	post_id_str(p->id, j->idstr);
	if (post_copy(&j->p, p) < 0 ||
	    account_token_get(txn, s->d->store, s->d->seal, p->user_id,
	    &j->token) < 0) {
		post_clear(&j->p);
		free(j);
		return NULL;
	}
	return j;
}

/* The parent a reply waits for.  1: go on, 0: wait or failed (written). */
static int
reply_ready(struct scan *sc, MDB_txn *txn, struct post *p)
{
	struct store *st = sc->s->d->store;
	struct post parent;
	char why[160];
	int r;

	if (p->reply_to_post == 0 || p->reply_to[0] != '\0')
		return 1;
	post_init(&parent);
	r = post_get(txn, st, p->reply_to_post, &parent);
	if (r == 0 && parent.state == POST_PUBLISHED &&
	    parent.media_id[0] != '\0') {
		strcpy(p->reply_to, parent.media_id);
		post_clear(&parent);
		return 1;
	}
	why[0] = '\0';
	if (r == -ENOENT)
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") no longer exists", p->reply_to_post);
	else if (r == 0 && (parent.state == POST_FAILED ||
	    parent.state == POST_CANCELLED))
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") was %s", p->reply_to_post,
		    post_state_names[parent.state]);
	else if (r == 0 && parent.state == POST_PUBLISHED)
		snprintf(why, sizeof(why), "the post it replies to (%" PRIu64
		    ") was published but its media id is unknown; schedule "
		    "the reply again with --reply-to MEDIA_ID",
		    p->reply_to_post);
	post_clear(&parent);
	if (why[0] != '\0') {
		p->state = POST_FAILED;
		p->next_at = 0;
		post_set_str(&p->error, why);
		log_with(LOG_ERR, &(struct log_fields){
		    .msgid = MSGID_POST_FAILED, .user_id = p->user_id },
		    "post %" PRIu64 " failed: %s", p->id, why);
	} else
		p->next_at = sc->now + PARENT_RECHECK;
	return 0;
}

/* Whether a ready post is to be published now (not failed, deferred). */
static int
publishable(struct scan *sc, const struct post *p)
{
	return p->state == POST_READY && sc->now >= p->due_at - PUBLISH_LEAD &&
	    p->attempts < sched_max_attempts(sc->s) &&
	    ((p->quota_ok_at != 0 &&
	    p->quota_ok_at >= sc->now - QUOTA_LEAD - 30) ||
	    sched_quota_room(sc->s, p->user_id, p->reply_to[0] != '\0'));
}

/*
 * What a due post needs.  Writes what must be on disk first and returns
 * the job to start, or NULL when the post only needed a write (or
 * nothing).  With only_publish, a post that is not to be published now
 * is left alone (*ret_skipped set): the publishes go first.
 */
int
scan_one(struct scan *sc, MDB_txn *txn, int64_t at, uint64_t id,
    int only_publish, struct job **ret_job, int *ret_skipped)
{
	struct sched *s = sc->s;
	struct store *st = s->d->store;
	const struct account *a;
	struct post p;
	enum job_step step;
	int r, go = 1;

	*ret_job = NULL;
	*ret_skipped = 0;
	post_init(&p);
	if ((r = post_get(txn, st, id, &p)) == 0 && only_publish) {
		a = acache_get(&sc->ac, txn, st, p.user_id);
		if (p.next_at != at || a == NULL ||
		    a->state != ACCOUNT_ACTIVE || !publishable(sc, &p)) {
			post_clear(&p);
			*ret_skipped = 1;
			return 0;
		}
	} else if (only_publish) {
		*ret_skipped = 1;
		return 0;
	}
	if (r < 0) {
		if (r != -ENOENT)
			log_error("post %" PRIu64 ": damaged record (%s); "
			    "dropped from the schedule", id, strerror(-r));
		return drop_due_key(txn, st, at, id);
	}
	if (p.next_at != at) {
		/* A key the record does not name: a leftover. */
		post_clear(&p);
		return drop_due_key(txn, st, at, id);
	}
	a = acache_get(&sc->ac, txn, st, p.user_id);
	if (post_state_final(p.state)) {
		if (p.state == POST_PUBLISHED && a != NULL) {
			step = STEP_PERMALINK;
			go = 0;
			goto start;
		}
		p.next_at = 0;
		goto write;
	}
	if (a == NULL || a->state != ACCOUNT_ACTIVE) {
		/* Re-checked hourly, and at once when reconnected. */
		p.paused = 1;
		p.next_at = sc->now + PAUSE_RECHECK;
		goto write;
	}
	p.paused = 0;
	switch (p.state) {
	case POST_SCHEDULED:
		if (!reply_ready(sc, txn, &p))
			goto write;
		p.state = POST_STAGING;
		p.next_at = sc->now;
		step = STEP_STAGE;
		break;
	case POST_STAGING:
		/* Only a crash leaves one here: its containers are lost. */
		log_info("post %" PRIu64 ": was staging when threadsd "
		    "stopped; creating its containers again", p.id);
		post_drop_containers(&p);
		go = 0;
		step = STEP_STAGE;
		break;
	case POST_STAGED:
		step = STEP_POLL;
		go = 0;
		break;
	case POST_READY:
		if (p.attempts >= sched_max_attempts(s)) {
			p.state = POST_FAILED;
			p.next_at = 0;
			log_with(LOG_ERR, &(struct log_fields){
			    .msgid = MSGID_POST_FAILED, .account = a->username,
			    .user_id = p.user_id },
			    "post %" PRIu64 " of '%s' failed after %d publish "
			    "attempts (%s); run 'threadsctl retry %" PRIu64 "' "
			    "to try again", p.id, a->username, p.attempts,
			    p.error != NULL ? p.error : "no reason given",
			    p.id);
			goto write;
		}
		if ((p.quota_ok_at == 0 ||
		    p.quota_ok_at < sc->now - QUOTA_LEAD - 30) &&
		    !sched_quota_room(s, p.user_id, p.reply_to[0] != '\0')) {
			step = STEP_QUOTA;
			go = 0;
			break;
		}
		if (p.quota_ok_at < sc->now - QUOTA_LEAD - 30)
			p.quota_ok_at = sc->now;	/* known to have room */
		if (sc->now < p.due_at - PUBLISH_LEAD) {
			p.next_at = p.due_at - PUBLISH_LEAD;
			goto write;
		}
		/* The announcement of the publish, before it is sent. */
		p.state = POST_PUBLISHING;
		p.attempts++;
		p.publish_at = sc->now > p.due_at ? sc->now : p.due_at;
		p.check = 0;
		p.next_at = sc->now;
		step = STEP_PUBLISH;
		break;
	case POST_PUBLISHING:
		/* Not in flight: its outcome is unknown (crash, timeout). */
		if (!p.check)
			log_notice("post %" PRIu64 ": its publish request was "
			    "in flight when threadsd stopped; reading the "
			    "container's status before anything else", p.id);
		step = STEP_CHECK;
		go = 0;
		break;
	default:
		p.next_at = 0;
		goto write;
	}
start:
	if ((*ret_job = job_new(s, txn, &p, a, step)) == NULL) {
		/* No token or no memory: look again later. */
		log_warning("post %" PRIu64 ": cannot start (%s); trying "
		    "again in a minute", p.id, a == NULL ? "no account" :
		    "no token or out of memory");
		p.next_at = sc->now + 60;
		go = 1;
	}
	if (!go) {
		post_clear(&p);
		return 0;
	}
write:
	scan_next(sc, p.next_at);
	r = post_put(txn, st, &p);
	if (r == 0 && p.state == POST_FAILED && p.nreplies > 0) {
		r = sched_wake_replies(txn, st, &p, sc->now);
		s->more = 1;	/* look at them after this commit */
	}
	if (r == 0 && *ret_job != NULL)
		r = post_copy(&(*ret_job)->p, &p);
	post_clear(&p);
	return r;
}



