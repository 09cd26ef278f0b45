/*
 * The publish and everything after it: threads_publish, the recovery of
 * an outcome that is not known, the search for a media id, the permalink;
 * and what every step does with trouble (retry, pause, fail).
 *
 * Exactly once rests on two rules.  The transition to publishing (with
 * its attempt counted) is committed before the publish request is sent,
 * by the scan or by quota_ok_fn.  And a container is replaced by a new
 * one only when Meta says the old one cannot be published any more
 * (ERROR, EXPIRED, unknown before any publish): a publish whose answer
 * was lost is followed by a status read, never by another container.
 * Re-publishing the same container is harmless: Meta refuses a second
 * publish of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "common/duration.h"
#include "counters.h"
#include "daemon.h"
#include "forget.h"
#include "job.h"
#include "log.h"
#include "sched.h"
#include "secret.h"
#include "store.h"
#include "tokens.h"

#define SEARCH_PAGES	10	/* /me/threads pages read per search */
#define SEARCH_TRIES	3	/* searches before giving up the id */
#define SEARCH_SLACK	60	/* seconds before the publish searched */
#define PERMALINK_TRIES	3
#define STALE_RETRY	2	/* a token replaced under the request */

const struct graph_error step_oom = {
	.class = GRAPH_TRANSIENT,
	.message = "out of memory",
};

static void	check_start(struct job *);
static void	search_start(struct job *);
static void	permalink_start(struct job *);

/* One journal entry about the job's post, with Meta's codes if any. */
static void
job_log(struct job *j, int prio, const char *msgid,
    const struct graph_error *e, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
job_log(struct job *j, int prio, const char *msgid,
    const struct graph_error *e, const char *fmt, ...)
{
	struct log_fields lf = { .msgid = msgid, .account = j->username,
	    .user_id = j->p.user_id, .post_id = j->idstr };
	char msg[768];
	va_list ap;

	if (e != NULL) {
		lf.meta_code = e->code;
		lf.meta_subcode = e->subcode;
		lf.fbtrace_id = e->fbtrace_id[0] != '\0' ? e->fbtrace_id :
		    NULL;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_with(prio, &lf, "%s", msg);
}

void
job_run(struct job *j)
{
	switch (j->step) {
	case STEP_STAGE:
		step_stage(j);
		break;
	case STEP_POLL:
		step_poll(j);
		break;
	case STEP_QUOTA:
		step_quota(j);
		break;
	case STEP_PUBLISH:
		step_publish(j);
		break;
	case STEP_CHECK:
		check_start(j);
		break;
	case STEP_SEARCH:
		search_start(j);
		break;
	case STEP_PERMALINK:
		permalink_start(j);
		break;
	}
}

struct change {
	enum post_state	 state;
	int64_t		 next_at;
	int		 tries;
	const char	*error;
	int		 check;
	int		 paused;
	int		 newly_reauth;	/* out: account was active */
	int		 newly_revoked;	/* out: ... and is now revoked */
	const struct graph_error *e;	/* why the post pauses */
};

/* The account is marked so that the token keeper and status see it. */
static int
mark_reauth(MDB_txn *txn, struct store *st, const char *user_id,
    struct change *c)
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

static int
change_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct change *c = arg;
	int r;

	p->state = c->state;
	p->next_at = c->next_at;
	p->tries = c->tries;
	p->check = c->check;
	if (c->error != NULL && post_set_str(&p->error, c->error) < 0)
		return -ENOMEM;
	if (c->state == POST_SCHEDULED) {
		/* Back to the start: containers are made again. */
		p->container[0] = '\0';
		p->nchildren = 0;
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
step_fail(struct job *j, const struct graph_error *e, const char *why,
    enum fail_advice advice)
{
	struct change c = { .state = POST_FAILED, .error = why };
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
	if (job_commit(j, change_fn, &c) == 0)
		job_log(j, LOG_ERR, advice == FAIL_LOOK ? MSGID_POST_UNKNOWN :
		    MSGID_POST_FAILED, e, "post %" PRIu64
		    " of '%s' failed: %s; %s 'threadsctl retry %" PRIu64 "'",
		    j->p.id, j->username, why, what, j->p.id);
	job_end(j);
}

void
step_pause(struct job *j, const struct graph_error *e, enum post_state back)
{
	struct change c = { .state = back, .paused = 1,
	    .next_at = sched_now() + PAUSE_RECHECK, .tries = j->p.tries,
	    .check = back == POST_PUBLISHING ? j->p.check : 0,
	    .error = e->message, .e = e };

	/* A refresh killed the token under the request: not a re-auth. */
	if (tokens_auth_stale(sched_daemon(j->s)->tokens, j->p.user_id,
	    j->token != NULL ? j->token->data : NULL)) {
		c.paused = 0;
		c.next_at = sched_now() + STALE_RETRY;
		if (job_commit(j, change_fn, &c) == 0)
			job_log(j, LOG_INFO, NULL, e, "post %" PRIu64 " of "
			    "'%s': Meta refused a token that a refresh has just "
			    "replaced (%s); trying again with the new one",
			    j->p.id, j->username, e->message);
		job_end(j);
		return;
	}
	if (job_commit(j, change_fn, &c) == 0) {
		if (c.newly_revoked)
			forget_revoked(sched_daemon(j->s)->forget,
			    j->p.user_id, e);
		else if (c.newly_reauth)
			job_log(j, LOG_ERR, MSGID_REAUTH_REQUIRED, e, "Meta "
			    "rejected the token of '%s' (%s); its posts wait: "
			    "reconnect the account with 'threadsctl "
			    "add-account' and approve it as '%s'", j->username,
			    e->message, j->username);
		job_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s' "
		    "waits until the account is reconnected", j->p.id,
		    j->username);
	}
	job_end(j);
}

void
step_trouble(struct job *j, const struct graph_error *e, const char *what,
    enum post_state back)
{
	struct change c = { .state = back, .tries = j->p.tries + 1,
	    .error = e->message };
	char why[512], in[32];
	int max = sched_max_attempts(j->s);

	if (e->class == GRAPH_AUTH) {
		step_pause(j, e, back);
		return;
	}
	if (e->class == GRAPH_PERMANENT) {
		snprintf(why, sizeof(why), "Meta refused to %s: %s", what,
		    e->message);
		step_fail(j, e, why, FAIL_CONTENT);
		return;
	}
	if (c.tries >= max) {
		snprintf(why, sizeof(why), "could not %s in %d tries (%s: %s)",
		    what, c.tries, graph_class_name(e->class), e->message);
		step_fail(j, e, why, FAIL_LATER);
		return;
	}
	c.next_at = sched_now() + sched_backoff(j->s, c.tries);
	if (job_commit(j, change_fn, &c) == 0)
		job_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
		    "cannot %s (%s: %s); retrying in %s (try %d of %d)",
		    j->p.id, j->username, what, graph_class_name(e->class),
		    e->message, duration_format(c.next_at - sched_now(), in,
		    sizeof(in)), c.tries + 1, max);
	job_end(j);
}

void
step_recover(struct job *j)
{
	struct change c = { .state = POST_PUBLISHING, .check = 1,
	    .next_at = sched_now(), .tries = j->p.tries };

	if (job_commit(j, change_fn, &c) < 0) {
		job_end(j);
		return;
	}
	j->step = STEP_CHECK;
	check_start(j);
}

static int
published_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct job *j = arg;
	int64_t now = sched_now();

	p->state = POST_PUBLISHED;
	p->check = 0;
	p->tries = 0;
	p->searches = 0;
	p->published_at = j->media_at > 0 ? j->media_at : now;
	if (j->media[0] != '\0') {
		strcpy(p->media_id, j->media);
		p->next_at = now;	/* the permalink is still to fetch */
	} else {
		p->media_unknown = 1;
		p->next_at = 0;
	}
	free(p->error);
	p->error = NULL;
	/* Replies waiting for this post's media id can go now. */
	return sched_wake_replies(txn, st, p, now);
}

static void
published_then(struct job *j, int r)
{
	if (r < 0) {
		job_end(j);
		return;
	}
	if (j->media[0] == '\0' && j->p.reply_to[0] != '\0') {
		/*
		 * Meta lists replies under /me/replies, which needs
		 * threads_read_replies: not one of the scopes threadsd asks
		 * for.  Exactly once comes first: never published again.
		 */
		job_log(j, LOG_WARNING, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s', a reply, was published (Meta says so) "
		    "but its media id was not found in /me/threads, and "
		    "/me/replies needs the threads_read_replies permission, "
		    "which threadsd does not ask for; it is marked published "
		    "with an unknown media id and will not be published "
		    "again", j->p.id, j->username);
		job_end(j);
		return;
	}
	if (j->media[0] == '\0') {
		job_log(j, LOG_WARNING, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s' was published (its container says so) "
		    "but its media id was not found in /me/threads; it is "
		    "marked published with an unknown media id and will "
		    "not be published again", j->p.id, j->username);
		job_end(j);
		return;
	}
	j->step = STEP_PERMALINK;
	permalink_start(j);
}

/* The post is on Threads: store it before anything else. */
static void
published(struct job *j, const char *media_id, int64_t at)
{
	counters_published(j->p.due_at);
	snprintf(j->media, sizeof(j->media), "%s", media_id != NULL ?
	    media_id : "");
	j->media_at = at;
	job_commit_then(j, published_fn, j, published_then);
}

/* A publish whose answer says nothing sure: read the container first. */
static void
publish_unknown(struct job *j, const struct graph_error *e)
{
	struct change c = { .state = POST_PUBLISHING, .check = 1,
	    .tries = j->p.tries, .error = e->message,
	    .next_at = sched_now() + CHECK_DELAY };

	if (job_commit(j, change_fn, &c) == 0)
		job_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
		    "the publish answer was lost or unclear (%s: %s); reading "
		    "the container's status before anything else", j->p.id,
		    j->username, graph_class_name(e->class), e->message);
	job_end(j);
}

/*
 * Not ready (24/4279009) although its status said FINISHED: refused, so
 * not published and no attempt spent.  Back to ready after a backoff; a
 * new container after NOTREADY_MAX such answers.
 */
struct notready {
	int64_t		 at;
	const char	*error;
};

static int
notready_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct notready *nr = arg;

	(void)txn;
	(void)st;
	if (p->attempts > 0)
		p->attempts--;
	p->notready++;
	p->check = 0;
	if (post_set_str(&p->error, nr->error) < 0)
		return -ENOMEM;
	if (p->notready < NOTREADY_MAX) {
		p->state = POST_READY;
		p->quota_ok_at = 0;
		p->next_at = nr->at;
	}
	return 0;
}

static void
publish_not_ready(struct job *j, const struct graph_error *e)
{
	struct notready nr = { .error = e->message };
	int n = j->p.notready + 1, i;
	int64_t wait = NOTREADY_DELAY;
	char why[400], in[32];

	for (i = 1; i < n && wait < NOTREADY_CAP; i++)
		wait *= 2;
	if (wait > NOTREADY_CAP)
		wait = NOTREADY_CAP;
	nr.at = sched_now() + wait;
	if (job_commit(j, notready_fn, &nr) < 0) {
		job_end(j);
		return;
	}
	if (n >= NOTREADY_MAX) {
		snprintf(why, sizeof(why), "Meta answered %d publishes of its "
		    "FINISHED container with 'not ready' (%d/%d: %s)", n,
		    e->code, e->subcode, e->message);
		step_remake(j, e, why);
		return;
	}
	job_log(j, LOG_NOTICE, NULL, e, "post %" PRIu64 " of '%s': Meta says "
	    "its container is not ready to publish (%s); not published, no "
	    "attempt spent; publishing again in %s (%d of %d before a new "
	    "container)", j->p.id, j->username, e->message,
	    duration_format(wait, in, sizeof(in)), n, NOTREADY_MAX);
	job_end(j);
}

static void
publish_cb(const struct graph_error *e, const char *id, void *arg)
{
	struct job *j = arg;
	char what[300];

	j->call = NULL;
	if (e->class == GRAPH_OK) {
		sched_quota_used(j->s, j->p.user_id, j->p.reply_to[0] != '\0',
		    0);
		published(j, id, 0);
		return;
	}
	counters_failed(COUNTERS_PUBLISH, e->class);
	if (graph_error_is_quota(e)) {
		sched_quota_used(j->s, j->p.user_id, j->p.reply_to[0] != '\0',
		    1);
		snprintf(what, sizeof(what), "Meta refused the publish: %s",
		    e->message);
		step_defer_quota(j, what);
		return;
	}
	switch (e->class) {
	case GRAPH_NOT_READY:
		publish_not_ready(j, e);
		return;
	case GRAPH_THROTTLED:
		/* Refused, so not published: the same container later. */
		step_trouble(j, e, "publish", POST_READY);
		return;
	case GRAPH_AUTH:
		/* Refused, so not published. */
		step_pause(j, e, POST_READY);
		return;
	default:
		/* Timeout, reset, 5xx, code 10, a garbled answer... */
		publish_unknown(j, e);
		return;
	}
}

/* Sent at the due time, never before: held until then (PUBLISH_LEAD). */
void
step_publish(struct job *j)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if ((int64_t)ts.tv_sec < j->p.due_at) {
		sched_hold(j);
		return;
	}
	if (j->p.kind == POST_REPOST)
		j->call = graph_repost(sched_daemon(j->s)->graph,
		    j->token->data, j->p.repost_of, publish_cb, j);
	else
		j->call = graph_publish(sched_daemon(j->s)->graph,
		    j->token->data, j->p.container, publish_cb, j);
	if (j->call == NULL)
		publish_unknown(j, &step_oom);
}

static int
republish_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	int64_t now = sched_now();

	(void)txn;
	(void)st;
	(void)arg;
	p->attempts++;
	p->publish_at = now > p->due_at ? now : p->due_at;
	p->check = 0;
	p->searches = 0;	/* a repost sent again is looked for anew */
	p->next_at = now;
	return 0;
}

/* Reading the container failed: keep the post where it is and retry. */
static void
check_later(struct job *j, const struct graph_error *e, const char *what)
{
	struct change c = { .state = j->p.state, .check = 1,
	    .tries = j->p.tries + 1, .error = e->message };
	char why[512], in[32];

	if (e->class == GRAPH_AUTH) {
		step_pause(j, e, POST_PUBLISHING);
		return;
	}
	if (e->class == GRAPH_PERMANENT &&
	    c.tries >= sched_max_attempts(j->s)) {
		snprintf(why, sizeof(why), "whether it was published is not "
		    "known: Meta refused to %s (%s)", what, e->message);
		step_fail(j, e, why, FAIL_LOOK);
		return;
	}
	/* Never given up otherwise: it may be on Threads already. */
	c.next_at = sched_now() + sched_backoff(j->s, c.tries);
	if (job_commit(j, change_fn, &c) == 0)
		job_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
		    "cannot %s (%s: %s); it is not published again until "
		    "that is known; next try in %s", j->p.id, j->username,
		    what, graph_class_name(e->class), e->message,
		    duration_format(c.next_at - sched_now(), in,
		    sizeof(in)));
	job_end(j);
}

static void
check_cb(const struct graph_error *e, const struct graph_container *c,
    void *arg)
{
	struct job *j = arg;
	char why[300];
	int max = sched_max_attempts(j->s);

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		check_later(j, e, "read the container's status");
		return;
	}
	switch (c->state) {
	case GRAPH_CONTAINER_PUBLISHED:
		j->step = STEP_SEARCH;
		search_start(j);
		return;
	case GRAPH_CONTAINER_FINISHED:
		/*
		 * Not published: the same container, once more.  Only
		 * answers count against max_attempts (check is set): a
		 * restart between the commit and the request is no attempt
		 * of Meta's to refuse.
		 */
		if (j->p.check && j->p.attempts >= max) {
			snprintf(why, sizeof(why), "not published after %d "
			    "attempts (last: %s)", j->p.attempts,
			    j->p.error != NULL ? j->p.error : "no answer");
			step_fail(j, NULL, why, FAIL_LATER);
			return;
		}
		if (job_commit(j, republish_fn, NULL) < 0) {
			job_end(j);
			return;
		}
		job_log(j, LOG_NOTICE, NULL, NULL, "post %" PRIu64 ": its "
		    "container was not published; publishing it (attempt %d "
		    "of %d)", j->p.id, j->p.attempts, max);
		j->step = STEP_PUBLISH;
		step_publish(j);
		return;
	case GRAPH_CONTAINER_IN_PROGRESS:
		step_wait(j, step_poll_at(j));
		return;
	case GRAPH_CONTAINER_ERROR:
	case GRAPH_CONTAINER_EXPIRED:
		/*
		 * Meta says it can never be published: a new container.  One
		 * in error fails at its poll if the media is at fault.
		 */
		step_restage(j, c->state == GRAPH_CONTAINER_ERROR ?
		    "its container is in error" : "its container expired");
		return;
	}
}

static void
check_start(struct job *j)
{
	/*
	 * No container to ask: a repost has none, and a carousel item
	 * that said PUBLISHED (stage.c) left none; the listing says.
	 */
	if (j->p.kind == POST_REPOST || j->p.container[0] == '\0') {
		j->step = STEP_SEARCH;
		search_start(j);
		return;
	}
	j->call = graph_container_status(sched_daemon(j->s)->graph,
	    j->token->data, j->p.container, check_cb, j);
	if (j->call == NULL)
		check_later(j, &step_oom, "read the container's status");
}

/* Whether a listed post is this one: type, text, and not older. */
static int
search_match(const struct job *j, const struct graph_thread *t,
    int64_t since)
{
	const char *want;
	enum graph_media_type type;

	if (j->p.kind == POST_REPOST)
		return strcmp(t->media_type, "REPOST_FACADE") == 0 &&
		    strcmp(t->reposted, j->p.repost_of) == 0 &&
		    (t->timestamp == 0 || t->timestamp >= since);
	switch (j->p.kind) {
	case POST_IMAGE:
		type = GRAPH_MEDIA_IMAGE;
		break;
	case POST_VIDEO:
		type = GRAPH_MEDIA_VIDEO;
		break;
	case POST_CAROUSEL:
		type = GRAPH_MEDIA_CAROUSEL;
		break;
	default:
		type = GRAPH_MEDIA_TEXT;
		break;
	}
	want = graph_media_read_name(type);
	if (t->media_type[0] != '\0' && strcmp(t->media_type, want) != 0)
		return 0;
	if (t->timestamp != 0 && t->timestamp < since)
		return 0;
	if (j->p.text == NULL || j->p.text[0] == '\0')
		return t->text == NULL || t->text[0] == '\0';
	return t->text != NULL && strcmp(t->text, j->p.text) == 0;
}

static int
searched_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	(void)arg;
	p->searches++;
	p->check = 1;
	p->next_at = sched_now() + 2 * p->searches;
	return 0;
}

static void search_page(struct job *);

/*
 * A repost not in the listing after SEARCH_TRIES looks: it did not go
 * out, so it is sent again (Meta refuses a second repost of one post).
 */
static void
repost_again(struct job *j)
{
	char why[300];

	if (j->p.attempts >= sched_max_attempts(j->s)) {
		snprintf(why, sizeof(why), "not reposted after %d attempts "
		    "(last: %s)", j->p.attempts, j->p.error != NULL ?
		    j->p.error : "no answer");
		step_fail(j, NULL, why, FAIL_LOOK);
		return;
	}
	if (job_commit(j, republish_fn, NULL) < 0) {
		job_end(j);
		return;
	}
	job_log(j, LOG_NOTICE, NULL, NULL, "post %" PRIu64 ": the repost is "
	    "not on Threads; sending it again (attempt %d of %d)", j->p.id,
	    j->p.attempts, sched_max_attempts(j->s));
	j->step = STEP_PUBLISH;
	step_publish(j);
}

static void
search_cb(const struct graph_error *e, const struct graph_threads *t,
    void *arg)
{
	struct job *j = arg;
	int64_t since = j->p.publish_at - SEARCH_SLACK;
	size_t i;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		check_later(j, e, "list /me/threads to find its media id");
		return;
	}
	/* Newest first: the oldest match since the publish is ours. */
	for (i = 0; i < t->n; i++)
		if (search_match(j, &t->items[i], since) &&
		    (j->found[0] == '\0' || t->items[i].timestamp <=
		    j->found_at)) {
			strcpy(j->found, t->items[i].id);
			j->found_at = t->items[i].timestamp;
		}
	free(j->after);
	j->after = NULL;
	if (t->after != NULL && t->n > 0 && ++j->pages < SEARCH_PAGES &&
	    (t->items[t->n - 1].timestamp == 0 ||
	    t->items[t->n - 1].timestamp >= since)) {
		if ((j->after = strdup(t->after)) != NULL) {
			search_page(j);
			return;
		}
	}
	if (j->found[0] != '\0') {
		job_log(j, LOG_INFO, NULL, NULL, "post %" PRIu64 ": found in "
		    "/me/threads as media %s: it was published", j->p.id,
		    j->found);
		published(j, j->found, j->found_at);
		return;
	}
	if (j->p.searches + 1 < SEARCH_TRIES) {
		/* The listing may lag behind the publish: look again. */
		job_commit(j, searched_fn, NULL);
		job_end(j);
		return;
	}
	if (j->p.kind == POST_REPOST) {
		repost_again(j);
		return;
	}
	published(j, NULL, 0);
}

static void
search_page(struct job *j)
{
	int64_t since = j->p.publish_at - SEARCH_SLACK;

	j->call = graph_threads_since(sched_daemon(j->s)->graph,
	    j->token->data, since > 0 ? since : 0, j->after, search_cb, j);
	if (j->call == NULL)
		check_later(j, &step_oom, "list /me/threads");
}

static void
search_start(struct job *j)
{
	j->pages = 0;
	j->found[0] = '\0';
	j->found_at = 0;
	free(j->after);
	j->after = NULL;
	search_page(j);
}

/* The permalink (j->link, "" when withheld), or a retry at wait_at. */
static int
link_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct job *j = arg;

	(void)txn;
	(void)st;
	if (j->link_retry) {
		p->tries++;
		p->next_at = j->wait_at;
		return 0;
	}
	p->tries = 0;
	p->next_at = 0;
	if (j->link[0] != '\0')
		return post_set_str(&p->permalink, j->link);
	return 0;
}

static void
log_published(struct job *j)
{
	if (j->p.permalink != NULL)
		job_log(j, LOG_NOTICE, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s' published: %s", j->p.id, j->username,
		    j->p.permalink);
	else
		job_log(j, LOG_NOTICE, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s' published as media %s (no permalink)",
		    j->p.id, j->username, j->p.media_id);
}

static void
link_then(struct job *j, int r)
{
	if (r == 0 && !j->link_retry)
		log_published(j);
	job_end(j);
}

static void
permalink_cb(const struct graph_error *e, const struct graph_media *m,
    void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	j->link[0] = '\0';
	j->link_retry = 0;
	if (e->class == GRAPH_OK)
		snprintf(j->link, sizeof(j->link), "%s", m->permalink);
	else if (e->class == GRAPH_TRANSIENT || e->class == GRAPH_THROTTLED)
		j->link_retry = j->p.tries + 1 < PERMALINK_TRIES;
	j->wait_at = sched_now() + sched_backoff(j->s, j->p.tries + 1);
	job_commit_then(j, link_fn, j, link_then);
}

static void
permalink_start(struct job *j)
{
	if (j->p.media_id[0] == '\0') {
		j->link[0] = '\0';
		j->link_retry = 0;
		job_commit_then(j, link_fn, j, link_then);
		return;
	}
	j->call = graph_media_permalink(sched_daemon(j->s)->graph,
	    j->token->data, j->p.media_id, permalink_cb, j);
	if (j->call == NULL)
		permalink_cb(&step_oom, NULL, j);
}
