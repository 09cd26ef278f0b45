/*
 * The scan: what each due post needs.
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

#include "account.h"
#include "config.h"
#include "daemon.h"
#include "job.h"
#include "log.h"
#include "post.h"
#include "sched.h"
#include "store.h"

#define ACACHE		16

/* Accounts met during one scan, so that a burst costs one read each. */
struct acache {
	struct account	 a[ACACHE];
	int		 found[ACACHE];
	size_t		 n, next;
};

/* One scan's work: the jobs to start once the transaction commits. */
struct scan {
	struct sched	*s;
	int64_t		 now;
	int64_t		 next;	/* the earliest next_at ahead */
	struct acache	 ac;
	struct job	*start[SCAN_BATCH];
	size_t		 nstart;
};

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

static void
acache_clear(struct acache *ac)
{
	size_t i;

	for (i = 0; i < ac->n; i++)
		account_clear(&ac->a[i]);
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
static int
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
		p.nchildren = 0;
		p.container[0] = '\0';
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

/* Up to n due keys not in flight, and the first time beyond now. */
static int
scan_collect(struct sched *s, MDB_txn *txn, int64_t now, int64_t *at,
    uint64_t *ids, size_t n, size_t *ret_n, int64_t *ret_next)
{
	MDB_cursor *cur;
	MDB_val k, v;
	size_t got = 0;
	uint64_t id;
	int64_t t;
	int rc;

	*ret_next = 0;
	if ((rc = mdb_cursor_open(txn, s->d->store->due, &cur)) != 0)
		return store_errno(rc);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 16)
			continue;
		t = (int64_t)store_get_be64(k.mv_data);
		id = store_get_be64((uint8_t *)k.mv_data + 8);
		if (sched_busy(s, id))
			continue;
		if (t > now) {
			*ret_next = t;
			break;
		}
		if (got == n) {
			s->more = 1;
			break;
		}
		at[got] = t;
		ids[got++] = id;
	}
	mdb_cursor_close(cur);
	*ret_n = got;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_errno(rc);
}

/* A pass is committed: its jobs go in the table and start. */
static void
scan_start(struct sched *s, struct scan *sc, int arm, int64_t next)
{
	struct job *j;
	size_t i;

	for (i = 0; i < sc->nstart; i++) {
		j = sc->start[i];
		j->hnext = s->jobs[j->p.id % JOB_BUCKETS];
		s->jobs[j->p.id % JOB_BUCKETS] = j;
		s->njobs++;
	}
	/* Armed first: what the jobs commit can only bring it closer. */
	if (arm)
		sched_arm(s, next);
	sched_due(s, sc->next);
	for (i = 0; i < sc->nstart; i++)
		job_run(sc->start[i]);
	sc->nstart = 0;
}

void
sched_scan(struct sched *s)
{
	struct store *st = s->d->store;
	struct scan sc;
	int64_t at[SCAN_BATCH], next;
	uint64_t ids[SCAN_BATCH];
	char done[SCAN_BATCH];
	size_t n = 0, i, room, left = 0;
	struct job *j;
	MDB_txn *txn;
	int r, pass, skipped;

	memset(&sc, 0, sizeof(sc));
	memset(done, 0, sizeof(done));
	sc.s = s;
	sc.now = sched_now();
	s->more = 0;
	room = MAX_JOBS - s->njobs;
	if (room > SCAN_BATCH)
		room = SCAN_BATCH;
	if ((r = store_txn_begin(st, 0, &txn)) < 0)
		goto fail;
	r = scan_collect(s, txn, sc.now, at, ids, room, &n, &next);
	if (r == 0 && n == 0) {
		/* Nothing due: nothing to write either. */
		mdb_txn_abort(txn);
		sched_arm(s, next);
		return;
	}
	/*
	 * Two passes, each committed before its requests go out: first the
	 * posts to publish now, which have a deadline, then the rest (the
	 * quota reads, container polls, permalinks of the same second).
	 */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && (r = store_txn_begin(st, 0, &txn)) < 0)
			goto fail;
		sc.nstart = 0;
		for (i = 0; r == 0 && i < n; i++) {
			if (done[i])
				continue;
			r = scan_one(&sc, txn, at[i], ids[i], pass == 0, &j,
			    &skipped);
			done[i] = !skipped;
			left += skipped;
			if (j != NULL)
				sc.start[sc.nstart++] = j;
		}
		if (r < 0) {
			mdb_txn_abort(txn);
			goto fail;
		}
		if ((r = store_txn_commit(txn)) < 0)
			goto fail;
		scan_start(s, &sc, pass == 0, next);
		if (left == 0)
			break;
		left = 0;
	}
	acache_clear(&sc.ac);
	if (s->more && s->njobs < MAX_JOBS)
		sched_kick(s);
	return;
fail:
	acache_clear(&sc.ac);
	for (i = 0; i < sc.nstart; i++)
		job_free(sc.start[i]);
	log_error("scheduler: cannot read or write the queue: %s; trying "
	    "again in 5 s", strerror(-r));
	sched_arm(s, sc.now + 5);
}
