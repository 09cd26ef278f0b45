/*
 * The publish and what follows it: threads_publish (or the repost call),
 * its answer, the record of a published post, and its permalink.  What
 * an unknown outcome needs is sched-check.c's.
 *
 * Exactly once rests on two rules.  The transition to publishing (with
 * its attempt counted) is committed before the publish request is sent,
 * by the scan or by the quota step.  And a container is replaced by a
 * new one only when Meta says the old one cannot be published any more
 * (ERROR, EXPIRED, unknown before any publish): a publish whose answer
 * was lost is followed by a status read, never by another container.
 * Re-publishing the same container is harmless: Meta refuses a second
 * publish of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common/duration.h"
#include "daemon/counters.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

#define PERMALINK_TRIES	3

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
		sched_log(j, LOG_WARNING, MSGID_POST_PUBLISHED, NULL, "post %"
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
		sched_log(j, LOG_WARNING, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s' was published (its container says so) "
		    "but its media id was not found in /me/threads; it is "
		    "marked published with an unknown media id and will "
		    "not be published again", j->p.id, j->username);
		job_end(j);
		return;
	}
	j->step = STEP_PERMALINK;
	sched_publish_permalink(j);
}

/* The post is on Threads: store it before anything else. */
void
sched_publish_done(struct job *j, const char *media_id, int64_t at)
{
	counters_published(j->p.due_at);
	snprintf(j->media, sizeof(j->media), "%s", media_id != NULL ?
	    media_id : "");
	j->media_at = at;
	job_commit_then(j, published_fn, j, published_then);
}

/*
 * A publish whose answer says nothing sure, or that could not be sent
 * (!sent: its intent is committed all the same): read the container
 * first.
 */
static void
publish_check(struct job *j, const struct graph_error *e, int sent)
{
	struct sched_change c = { .state = POST_PUBLISHING, .check = 1,
	    .tries = j->p.tries, .error = e->message,
	    .next_at = sched_now() + CHECK_DELAY };

	if (job_commit(j, sched_end_change, &c) == 0)
		sched_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
		    "%s (%s: %s); reading the container's status before "
		    "anything else", j->p.id, j->username, sent ?
		    "the publish answer was lost or unclear" :
		    "the publish request could not be sent", graph_class_name(
		    e->class), e->message);
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
		job_remake(j, e, why);
		return;
	}
	sched_log(j, LOG_NOTICE, NULL, e, "post %" PRIu64 " of '%s': Meta says "
	    "its container is not ready to publish (%s); not published, no "
	    "attempt spent; publishing again in %s (%d of %d before a new "
	    "container)", j->p.id, j->username, e->message,
	    duration_format(wait, in, sizeof(in)), n, NOTREADY_MAX);
	job_end(j);
}

/* Its publish is answered (or dropped): the last of a release's ends the
 * quiet (sched.c). */
void
sched_publish_answered(struct job *j)
{
	struct sched *s = j->s;

	j->publish_out = 0;
	if (s->publishes > 0 && --s->publishes == 0 && s->quiet)
		event_active(s->unquiet, EV_TIMEOUT, 1);
}

static void
publish_cb(const struct graph_error *e, const char *id, void *arg)
{
	struct job *j = arg;
	char what[300];

	j->call = NULL;
	sched_publish_answered(j);
	if (e->class == GRAPH_OK) {
		sched_quota_used(j->s, j->p.user_id, j->p.reply_to[0] != '\0',
		    0);
		sched_publish_done(j, id, 0);
		return;
	}
	counters_failed(COUNTERS_PUBLISH, e->class);
	if (graph_error_is_quota(e)) {
		sched_quota_used(j->s, j->p.user_id, j->p.reply_to[0] != '\0',
		    1);
		snprintf(what, sizeof(what), "Meta refused the publish: %s",
		    e->message);
		sched_quota_defer(j, what);
		return;
	}
	switch (e->class) {
	case GRAPH_NOT_READY:
		publish_not_ready(j, e);
		return;
	case GRAPH_THROTTLED:
		/* Refused, so not published: the same container later. */
		job_trouble(j, e, "publish", POST_READY);
		return;
	case GRAPH_AUTH:
		/* Refused, so not published. */
		job_pause(j, e, POST_READY);
		return;
	default:
		/* Timeout, reset, 5xx, code 10, a garbled answer... */
		publish_check(j, e, 1);
		return;
	}
}

/*
 * Sent at the due time, never before: held until then (PUBLISH_LEAD).
 * Its request is made the first time through, before the instant when
 * it is held, so that the release only sends it (graph_release()).
 */
void
sched_publish_send(struct job *j)
{
	struct graph *g = sched_daemon(j->s)->graph;
	struct timespec ts;

	if (j->call == NULL)
		j->call = j->p.kind == POST_REPOST ? graph_repost_held(g,
		    j->token->data, j->p.repost_of, publish_cb, j) :
		    graph_publish_held(g, j->token->data, j->p.container,
		    publish_cb, j);
	if (j->call == NULL) {
		publish_check(j, &sched_oom, 0);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if ((int64_t)ts.tv_sec < j->p.due_at) {
		job_hold(j);
		return;
	}
	if (graph_release(j->call) < 0) {
		j->call = NULL;
		publish_check(j, &sched_oom, 0);
		return;
	}
	j->publish_out = 1;
	j->s->publishes++;
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
		sched_log(j, LOG_NOTICE, MSGID_POST_PUBLISHED, NULL, "post %"
		    PRIu64 " of '%s' published: %s", j->p.id, j->username,
		    j->p.permalink);
	else
		sched_log(j, LOG_NOTICE, MSGID_POST_PUBLISHED, NULL, "post %"
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

void
sched_publish_permalink(struct job *j)
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
		permalink_cb(&sched_oom, NULL, j);
}
