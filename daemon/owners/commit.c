/*
 * How a job's changes reach the store: job_commit(), one transaction now,
 * and job_commit_then(), which joins the group commit of the loop's turn.
 * Either re-reads the post and refuses when it moved under the job
 * (cancelled, removed), so a late answer never overwrites the operator.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/store/account.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/post.h"
#include "daemon/store/store.h"

/* One change to one post, now or at the next group commit. */
TAILQ_HEAD(commit_list, commit);
struct commit {
	TAILQ_ENTRY(commit) entry;
	struct job	*j;
	job_change_fn	 fn;
	void		*arg;
	job_then_fn	 then;
	struct post	 p;
	int		 r;
};

static int
commit_txn(MDB_txn *txn, void *arg)
{
	struct commit *c = arg;
	struct store *st = c->j->s->d->store;
	int r;

	if ((r = post_get(txn, st, c->j->p.id, &c->p)) < 0)
		return r == -ENOENT ? -ESTALE : r;
	if (c->p.state != c->j->p.state)
		return -ESTALE;
	if ((r = c->fn(txn, st, &c->p, c->arg)) < 0)
		return r;
	return post_put(txn, st, &c->p);
}

/* The job's copy becomes what was committed; r as job_commit() says. */
static int
commit_done(struct commit *c, int r)
{
	static const struct timeval zero = { 0, 0 };
	struct job *j = c->j;

	if (r < 0) {
		if (r != -ESTALE)
			log_error("post %" PRIu64 ": cannot save its state: "
			    "%s; it is looked at again in a minute", j->p.id,
			    strerror(-r));
		else
			log_debug("post %" PRIu64 ": changed while a request "
			    "was out; dropping the answer", j->p.id);
		post_clear(&c->p);
		/* The stored post is as it was: look at it in a minute. */
		if (r != -ESTALE)
			j->p.next_at = sched_now() + 60;
		return r == -ESTALE ? r : -EIO;
	}
	post_clear(&j->p);
	j->p = c->p;
	post_init(&c->p);
	/* Its replies were moved to now (sched_wake_replies()). */
	if (j->p.nreplies > 0 && (j->p.state == POST_PUBLISHED ||
	    j->p.state == POST_FAILED))
		evtimer_add(j->s->kick, &zero);
	return 0;
}

int
job_commit(struct job *j, job_change_fn fn, void *arg)
{
	struct commit c = { .j = j, .fn = fn, .arg = arg };

	post_init(&c.p);
	return commit_done(&c, store_write(j->s->d->store, commit_txn, &c));
}

void
job_commit_then(struct job *j, job_change_fn fn, void *arg,
    job_then_fn then)
{
	struct sched *s = j->s;
	struct commit *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		then(j, job_commit(j, fn, arg));
		return;
	}
	c->j = j;
	c->fn = fn;
	c->arg = arg;
	c->then = then;
	post_init(&c->p);
	if (TAILQ_EMPTY(&s->pending))
		event_active(s->flush, EV_TIMEOUT, 1);
	TAILQ_INSERT_TAIL(&s->pending, c, entry);
}

/*
 * The group commit: the changes the answers of one turn of the loop
 * asked for, each in a nested transaction of its own (one that fails
 * leaves the others), in one commit, so one fsync instead of one per
 * answer.  Then each job goes on.  Not while the scheduler is quiet
 * around a release (sched_batch_waits()): the answers then wait and are
 * committed together when it ends (sched.c takes them up), and a batch
 * that reaches into the quiet commits what it has and leaves the rest.
 * Only answers wait so: what must be on disk before a request is sent
 * is, before it is sent.
 */
void
commit_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched *s = arg;
	struct commit_list done = TAILQ_HEAD_INITIALIZER(done);
	struct commit *c, *last;
	MDB_txn *txn, *child;
	int r, rc;

	(void)fd;
	(void)what;
	if (sched_batch_waits(s))
		return;
	TAILQ_CONCAT(&done, &s->pending, entry);
	if ((r = store_txn_begin(s->d->store, 0, &txn)) == 0) {
		TAILQ_FOREACH(c, &done, entry) {
			if (c != TAILQ_FIRST(&done) && sched_batch_waits(s)) {
				/* The rest goes back, in its order. */
				do {
					last = TAILQ_LAST(&done, commit_list);
					TAILQ_REMOVE(&done, last, entry);
					TAILQ_INSERT_HEAD(&s->pending, last,
					    entry);
				} while (last != c);
				break;
			}
			if ((rc = mdb_txn_begin(s->d->store->env, txn, 0,
			    &child)) != 0) {
				c->r = store_errno(rc);
				continue;
			}
			if ((c->r = commit_txn(child, c)) == 0)
				c->r = store_errno(mdb_txn_commit(child));
			else
				mdb_txn_abort(child);
		}
		r = store_txn_commit(txn);
	}
	while ((c = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, c, entry);
		rc = commit_done(c, r < 0 && c->r == 0 ? r : c->r);
		c->then(c->j, rc);
		post_clear(&c->p);
		free(c);
	}
}

int
sched_wake_replies(MDB_txn *txn, struct store *st, const struct post *parent,
    int64_t now)
{
	struct post c;
	size_t i;
	int r;

	for (i = 0; i < parent->nreplies; i++) {
		post_init(&c);
		r = post_get(txn, st, parent->replies[i], &c);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (c.state == POST_SCHEDULED && c.reply_to[0] == '\0' &&
		    c.next_at > now) {
			c.next_at = now;
			r = post_put(txn, st, &c);
		}
		post_clear(&c);
		if (r < 0)
			return r;
	}
	return 0;
}

static void
commit_drop(struct sched *s, struct commit *c)
{
	TAILQ_REMOVE(&s->pending, c, entry);
	post_clear(&c->p);
	free(c);
}

/* At shutdown: not yet on disk, as if the answers had never come. */
void
commit_drop_all(struct sched *s)
{
	struct commit *c;

	while ((c = TAILQ_FIRST(&s->pending)) != NULL)
		commit_drop(s, c);
}

void
commit_drop_job(struct sched *s, const struct job *j)
{
	struct commit *c, *next;

	for (c = TAILQ_FIRST(&s->pending); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->j == j)
			commit_drop(s, c);
	}
}
