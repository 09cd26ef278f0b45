/*
 * How a step that stops leaves its post: waiting where it is, retried
 * with backoff, paused for its account, failed, or back to new
 * containers.  The dispatcher (sched.c) calls these on a step's outcome;
 * each commits, says so in the journal, and ends the job.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/account.h"
#include "common/duration.h"
#include "daemon/daemon.h"
#include "daemon/owners/forget.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"
#include "daemon/owners/tokens.h"

#define STALE_RETRY	2	/* a token replaced under the request */

/* The account is marked so that the token keeper and status see it. */
static int
mark_reauth(MDB_txn *txn, struct store *st, const char *user_id,
    struct sched_change *c)
{
	struct account a;
	int *ret_newly = &c->newly_reauth;
	int r;

	account_init(&a);
	if ((r = account_get_by_id(txn, st, user_id, &a)) < 0) {
		account_clear(&a);
		return r == -ENOENT ? 0 : r;
	}
	if (c->e != NULL && graph_error_is_revoked(c->e) &&
	    a.state != ACCOUNT_REVOKED) {
		c->newly_revoked = 1;
		r = account_revoke(txn, st, &a, sched_now());
	} else if (a.state == ACCOUNT_ACTIVE) {
		a.state = ACCOUNT_REAUTH_REQUIRED;
		*ret_newly = 1;
		r = account_put(txn, st, &a);
	}
	account_clear(&a);
	return r;
}

int
sched_end_change(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct sched_change *c = arg;
	int r;

	p->state = c->state;
	p->next_at = c->next_at;
	p->tries = c->tries;
	p->check = c->check;
	if (c->error != NULL && post_set_str(&p->error, c->error) < 0)
		return -ENOMEM;
	if (c->state == POST_SCHEDULED) {
		/* Back to the start: containers are made again. */
		post_drop_containers(p);
	}
	if (c->state == POST_READY)
		p->quota_ok_at = 0;
	if (c->paused) {
		p->paused = 1;
		if ((r = mark_reauth(txn, st, p->user_id, c)) < 0)
			return r;
	}
	if (c->state == POST_FAILED)
		return sched_wake_replies(txn, st, p, sched_now());
	return 0;
}

void
sched_end_fail(struct job *j, const struct graph_error *e, const char *why,
    enum fail_advice advice)
{
	struct sched_change c = { .state = POST_FAILED, .error = why };
	const char *what;

	switch (advice) {
	case FAIL_CONTENT:
		what = "fix the content and schedule it again, or run";
		break;
	case FAIL_LATER:
		what = "when Meta answers again, run";
		break;
	default:
		what = "look at the account on Threads first: if the post is "
		    "not there, run";
		break;
	}
	/* "Not published" and "not known" call for different checks. */
	if (job_commit(j, sched_end_change, &c) == 0)
		sched_log(j, LOG_ERR, advice == FAIL_LOOK ? MSGID_POST_UNKNOWN :
		    MSGID_POST_FAILED, e, "post %" PRIu64
		    " of '%s' failed: %s; %s 'threadsctl retry %" PRIu64 "'",
		    j->p.id, j->username, why, what, j->p.id);
	job_end(j);
}

void
sched_end_pause(struct job *j, const struct graph_error *e, enum post_state back)
{
	struct sched_change c = { .state = back, .paused = 1,
	    .next_at = sched_now() + PAUSE_RECHECK, .tries = j->p.tries,
	    .check = back == POST_PUBLISHING ? j->p.check : 0,
	    .error = e->message, .e = e };

	/* A refresh killed the token under the request: not a re-auth. */
	if (tokens_auth_stale(sched_daemon(j->s)->tokens, j->p.user_id,
	    j->token != NULL ? j->token->data : NULL)) {
		c.paused = 0;
		c.next_at = sched_now() + STALE_RETRY;
		if (job_commit(j, sched_end_change, &c) == 0)
			sched_log(j, LOG_INFO, NULL, e, "post %" PRIu64 " of "
			    "'%s': Meta refused a token that a refresh has just "
			    "replaced (%s); trying again with the new one",
			    j->p.id, j->username, e->message);
		job_end(j);
		return;
	}
	if (job_commit(j, sched_end_change, &c) == 0) {
		if (c.newly_revoked)
			forget_revoked(sched_daemon(j->s)->forget,
			    j->p.user_id, e);
		else if (c.newly_reauth)
			sched_log(j, LOG_ERR, MSGID_REAUTH_REQUIRED, e, "Meta "
			    "rejected the token of '%s' (%s); its posts wait: "
			    "reconnect the account with 'threadsctl "
			    "add-account' and approve it as '%s'", j->username,
			    e->message, j->username);
		sched_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s' "
		    "waits until the account is reconnected", j->p.id,
		    j->username);
	}
	job_end(j);
}

void
sched_end_trouble(struct job *j, const struct graph_error *e, const char *what,
    enum post_state back)
{
	struct sched_change c = { .state = back, .tries = j->p.tries + 1,
	    .error = e->message };
	char why[512], in[32];
	int max = sched_max_attempts(j->s);

	if (e->class == GRAPH_AUTH) {
		sched_end_pause(j, e, back);
		return;
	}
	if (e->class == GRAPH_PERMANENT) {
		snprintf(why, sizeof(why), "Meta refused to %s: %s", what,
		    e->message);
		sched_end_fail(j, e, why, FAIL_CONTENT);
		return;
	}
	if (c.tries >= max) {
		snprintf(why, sizeof(why), "could not %s in %d tries (%s: %s)",
		    what, c.tries, graph_class_name(e->class), e->message);
		sched_end_fail(j, e, why, FAIL_LATER);
		return;
	}
	c.next_at = sched_now() + sched_backoff(j->s, c.tries);
	if (job_commit(j, sched_end_change, &c) == 0)
		sched_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
		    "cannot %s (%s: %s); retrying in %s (try %d of %d)",
		    j->p.id, j->username, what, graph_class_name(e->class),
		    e->message, duration_format(c.next_at - sched_now(), in,
		    sizeof(in)), c.tries + 1, max);
	job_end(j);
}

static int
wait_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	p->next_at = ((struct job *)arg)->wait_at;
	return 0;
}

/* The post waits where it is; its key wakes it at at. */
void
sched_end_wait(struct job *j, int64_t at)
{
	j->wait_at = at;
	job_commit_then(j, wait_fn, j, job_end_then);
}

int
sched_end_restage_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	(void)arg;
	p->state = POST_SCHEDULED;
	post_drop_containers(p);
	p->check = 0;
	p->staged_at = 0;
	p->notready = 0;
	p->next_at = sched_now();
	return 0;
}

/* The container is gone or expired: new ones, as if never staged. */
void
sched_end_restage(struct job *j, const char *why)
{
	log_info("post %" PRIu64 ": %s; creating new containers", j->p.id,
	    why);
	job_commit(j, sched_end_restage_fn, NULL);
	job_end(j);
}

static int
remake_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	sched_end_restage_fn(txn, st, p, arg);
	p->remakes++;
	p->tries = 0;
	return 0;
}

void
sched_end_remake(struct job *j, const struct graph_error *e, const char *why)
{
	char msg[512];
	int max = sched_max_attempts(j->s);

	if (j->p.remakes >= max) {
		snprintf(msg, sizeof(msg), "%s, and new containers did not "
		    "help after %d tries", why, j->p.remakes + 1);
		sched_end_fail(j, e, msg, FAIL_LATER);
		return;
	}
	if (job_commit(j, remake_fn, NULL) == 0)
		log_notice("post %" PRIu64 ": %s; nothing was published, "
		    "creating new containers (try %d of %d)", j->p.id, why,
		    j->p.remakes + 1, max);
	job_end(j);
}
