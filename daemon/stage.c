/*
 * Before the publish: creating a post's containers (carousel items
 * first, the carousel once they are FINISHED), polling their status, and
 * checking the publishing quota.  None of this can put a post on Threads,
 * so a failure here may always start over with new containers; the
 * publish itself and everything after it is publish.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon.h"
#include "job.h"
#include "log.h"
#include "postopt.h"
#include "sched.h"
#include "secret.h"

static void	poll_next(struct job *);
static int	ready_fn(MDB_txn *, struct store *, struct post *, void *);
static void	ready_then(struct job *, int);

static void
spec_common(const struct post *p, struct graph_container_spec *spec)
{
	spec->text = p->text;
	spec->reply_to_id = p->reply_to[0] != '\0' ? p->reply_to : NULL;
	spec->reply_control = p->reply_control;
	spec->quote_post_id = p->quote[0] != '\0' ? p->quote : NULL;
	spec->topic_tag = p->topic;
}

static void
stage_cb(const struct graph_error *e, const char *id, void *arg);

/* The containers are recorded: poll them (the carousel's items first). */
static void
staged_then(struct job *j, int r)
{
	if (r < 0) {
		job_end(j);
		return;
	}
	j->step = STEP_POLL;
	j->child = 0;
	poll_next(j);
}

static int
staged_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct job *j = arg;
	size_t i;

	(void)txn;
	(void)st;
	p->state = POST_STAGED;
	p->tries = 0;
	p->next_at = sched_now();
	p->staged_at = p->next_at;
	p->notready = 0;
	p->container[0] = '\0';
	p->nchildren = 0;
	if (p->kind == POST_CAROUSEL) {
		for (i = 0; i < j->child; i++)
			strcpy(p->children[i], j->made[i]);
		p->nchildren = j->child;
	} else
		strcpy(p->container, j->made[0]);
	return 0;
}

/* Creates the next container: an item, or the post's own. */
static void
stage_next(struct job *j)
{
	struct graph_container_spec spec;
	const struct post *p = &j->p;
	struct daemon *d = sched_daemon(j->s);
	const struct post_media *m;
	struct postopt po;

	memset(&spec, 0, sizeof(spec));
	if (p->kind == POST_REPOST) {
		/* No container: the repost call itself is the publish. */
		job_commit_then(j, ready_fn, NULL, ready_then);
		return;
	}
	if (p->kind == POST_CAROUSEL) {
		if (j->child == p->nmedia) {
			/* The carousel itself waits for its items. */
			job_commit_then(j, staged_fn, j, staged_then);
			return;
		}
		m = &p->media[j->child];
		spec.type = m->video ? GRAPH_MEDIA_VIDEO : GRAPH_MEDIA_IMAGE;
		spec.media_url = m->url;
		spec.alt_text = m->alt;
		spec.is_carousel_item = 1;
	} else {
		spec_common(p, &spec);
		spec.type = p->kind == POST_IMAGE ? GRAPH_MEDIA_IMAGE :
		    p->kind == POST_VIDEO ? GRAPH_MEDIA_VIDEO :
		    GRAPH_MEDIA_TEXT;
		if (p->nmedia > 0) {
			spec.media_url = p->media[0].url;
			spec.alt_text = p->media[0].alt;
		}
		spec.link_attachment = p->link;
	}
	if (postopt_fill(&po, p, &spec) < 0) {
		step_trouble(j, &step_oom, "create a container",
		    POST_SCHEDULED);
		return;
	}
	j->call = graph_create_container(d->graph, j->token->data, &spec,
	    stage_cb, j);
	postopt_clear(&po);
	if (j->call == NULL)
		step_trouble(j, &step_oom, "create a container",
		    POST_SCHEDULED);
}

static void
stage_cb(const struct graph_error *e, const char *id, void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		/* Nothing can be on Threads yet: start over when retrying. */
		step_trouble(j, e, "create its container", POST_SCHEDULED);
		return;
	}
	strcpy(j->made[j->child], id);
	if (j->p.kind == POST_CAROUSEL) {
		j->child++;
		stage_next(j);
		return;
	}
	j->child = 1;
	job_commit_then(j, staged_fn, j, staged_then);
}

/*
 * The carousel is recorded: STAGED with its id, and its status read from
 * now on (the items are FINISHED).
 */
static int
carousel_made_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	p->state = POST_STAGED;
	strcpy(p->container, arg);
	p->tries = 0;
	p->next_at = sched_now();
	p->staged_at = p->next_at;	/* the carousel's own time */
	p->notready = 0;
	return 0;
}

static void
carousel_made_then(struct job *j, int r)
{
	if (r < 0) {
		job_end(j);
		return;
	}
	poll_next(j);
}

static void
carousel_cb(const struct graph_error *e, const char *id, void *arg)
{
	struct job *j = arg;
	char why[400];

	j->call = NULL;
	if (e->class == GRAPH_PERMANENT && e->code == 100 &&
	    e->subcode == 33) {
		/*
		 * An item Meta does not know (any more) or that another
		 * carousel claimed: none of it was published, so new items.
		 */
		snprintf(why, sizeof(why), "Meta refused an item of its "
		    "carousel (%s)", e->message);
		step_remake(j, e, why);
		return;
	}
	if (e->class != GRAPH_OK) {
		/* The items may be claimed by then: new ones when retrying. */
		step_trouble(j, e, "create its carousel container",
		    POST_SCHEDULED);
		return;
	}
	snprintf(j->made[0], sizeof(j->made[0]), "%s", id);
	job_commit_then(j, carousel_made_fn, j->made[0], carousel_made_then);
}

static void
carousel_send(struct job *j, int r)
{
	struct graph_container_spec spec;
	char children[POST_MAX_MEDIA * GRAPH_ID_LEN];
	struct postopt po;
	size_t i, off = 0;

	if (r < 0) {
		job_end(j);
		return;
	}
	memset(&spec, 0, sizeof(spec));
	spec_common(&j->p, &spec);
	spec.type = GRAPH_MEDIA_CAROUSEL;
	for (i = 0; i < j->p.nchildren; i++)
		off += snprintf(children + off, sizeof(children) - off,
		    "%s%s", i > 0 ? "," : "", j->p.children[i]);
	spec.children = children;
	if (postopt_fill(&po, &j->p, &spec) < 0) {
		step_trouble(j, &step_oom, "create its carousel container",
		    POST_SCHEDULED);
		return;
	}
	j->call = graph_create_container(sched_daemon(j->s)->graph,
	    j->token->data, &spec, carousel_cb, j);
	postopt_clear(&po);
	if (j->call == NULL)
		step_trouble(j, &step_oom, "create its carousel container",
		    POST_SCHEDULED);
}

/*
 * The intent of the carousel's create, on disk before it is sent: back
 * to STAGING, whose recovery makes new items.  A crash after Meta made
 * the carousel but before its id is stored here thus never sends the
 * same items again (Meta lets an item belong to one carousel only); the
 * orphaned carousel is never published and expires.  The items stay in
 * the record for the operator's eyes; recovery drops them.
 */
static int
carousel_intent_fn(MDB_txn *txn, struct store *st, struct post *p,
    void *arg)
{
	(void)txn;
	(void)st;
	(void)arg;
	p->state = POST_STAGING;
	p->container[0] = '\0';
	p->next_at = sched_now();
	return 0;
}

/* All items are FINISHED: the carousel container, with their ids. */
static void
carousel_create(struct job *j)
{
	job_commit_then(j, carousel_intent_fn, NULL, carousel_send);
}

static int
wait_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	p->next_at = ((struct job *)arg)->wait_at;
	return 0;
}

static void
end_then(struct job *j, int r)
{
	(void)r;
	job_end(j);
}

/* The post waits where it is; its key wakes it at at. */
void
step_wait(struct job *j, int64_t at)
{
	j->wait_at = at;
	job_commit_then(j, wait_fn, j, end_then);
}

static int
ready_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	int64_t now = sched_now(), at = p->due_at - QUOTA_LEAD;

	(void)txn;
	(void)st;
	(void)arg;
	p->state = POST_READY;
	p->tries = 0;
	p->quota_ok_at = 0;
	p->next_at = at > now ? at : now;
	return 0;
}

static int
restage_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	(void)arg;
	p->state = POST_SCHEDULED;
	p->container[0] = '\0';
	p->nchildren = 0;
	p->check = 0;
	p->staged_at = 0;
	p->notready = 0;
	p->next_at = sched_now();
	return 0;
}

/* The container is gone or expired: new ones, as if never staged. */
void
step_restage(struct job *j, const char *why)
{
	log_info("post %" PRIu64 ": %s; creating new containers", j->p.id,
	    why);
	job_commit(j, restage_fn, NULL);
	job_end(j);
}

static int
remake_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	restage_fn(txn, st, p, arg);
	p->remakes++;
	p->tries = 0;
	return 0;
}

void
step_remake(struct job *j, const struct graph_error *e, const char *why)
{
	char msg[512];
	int max = sched_max_attempts(j->s);

	if (j->p.remakes >= max) {
		snprintf(msg, sizeof(msg), "%s, and new containers did not "
		    "help after %d tries", why, j->p.remakes + 1);
		step_fail(j, e, msg, FAIL_LATER);
		return;
	}
	if (job_commit(j, remake_fn, NULL) == 0)
		log_notice("post %" PRIu64 ": %s; nothing was published, "
		    "creating new containers (try %d of %d)", j->p.id, why,
		    j->p.remakes + 1, max);
	job_end(j);
}

/*
 * A carousel item says PUBLISHED: a carousel holding it was published,
 * and only this post's carousel can hold it.  Its id is not known here,
 * so the media id is looked for in /me/threads (recovery's search).
 */
static int
item_published_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	(void)arg;
	p->state = POST_PUBLISHING;
	p->check = 1;
	if (p->publish_at == 0)
		p->publish_at = p->created_at;
	p->next_at = sched_now();
	return 0;
}

/* Ready: the quota now if it is time, else later from the index. */
static void
ready_then(struct job *j, int r)
{
	if (r < 0 || j->p.next_at > sched_now()) {
		job_end(j);
		return;
	}
	j->step = STEP_QUOTA;
	job_run(j);
}

int64_t
step_poll_at(const struct job *j)
{
	int64_t now = sched_now(), since, wait, limit;

	if (j->p.staged_at == 0 || j->p.staged_at > now)
		return now + POLL_INTERVAL;
	/* Each wait as long as the time waited so far: a doubling. */
	since = now - j->p.staged_at;
	wait = since < POLL_INTERVAL ? POLL_INTERVAL : since > POLL_CAP ?
	    POLL_CAP : since;
	/* The last read at the timeout itself, which then gives up. */
	limit = j->p.staged_at + sched_container_timeout(j->s);
	if (now + wait > limit)
		wait = limit > now ? limit - now : 1;
	return now + wait;
}

/* Read again later; a record from before staged_at starts its clock. */
static int
poll_wait_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	if (p->staged_at == 0)
		p->staged_at = sched_now();
	p->next_at = ((struct job *)arg)->wait_at;
	return 0;
}

static int
stuck_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	restage_fn(txn, st, p, arg);
	p->stuck++;
	p->tries = 0;
	return 0;
}

/*
 * IN_PROGRESS: read again with restraint, and after container_timeout
 * give that container up.  It was never published (Meta says it is not
 * even ready), so new containers are safe: once, then the post fails.
 */
static void
poll_in_progress(struct job *j)
{
	int64_t now = sched_now(), limit = sched_container_timeout(j->s);
	char why[400], in[32], id[GRAPH_ID_LEN];
	int item = j->p.container[0] == '\0';

	if (j->p.staged_at == 0 || now - j->p.staged_at < limit) {
		j->wait_at = step_poll_at(j);
		job_commit_then(j, poll_wait_fn, j, end_then);
		return;
	}
	duration_format(limit, in, sizeof(in));
	if (j->p.stuck == 0) {
		/* The commit drops the ids from the job's copy. */
		strcpy(id, item ? j->p.children[j->child] : j->p.container);
		if (job_commit(j, stuck_fn, NULL) == 0)
			log_with(LOG_WARNING, &(struct log_fields){
			    .account = j->username, .user_id = j->p.user_id,
			    .post_id = j->idstr }, "post %" PRIu64 " of '%s': "
			    "%s %s stayed IN_PROGRESS for %s "
			    "([scheduler] container_timeout); nothing was "
			    "published, giving it up and creating new "
			    "containers (once)", j->p.id, j->username,
			    item ? "the carousel item" : "its container", id,
			    in);
		job_end(j);
		return;
	}
	snprintf(why, sizeof(why), "Meta did not finish processing its "
	    "media: its container stayed IN_PROGRESS for %s "
	    "([scheduler] container_timeout), and so did a new one", in);
	step_fail(j, NULL, why, FAIL_CONTENT);
}

static void
poll_cb(const struct graph_error *e, const struct graph_container *c,
    void *arg)
{
	struct job *j = arg;
	char why[400];

	j->call = NULL;
	if (e->class == GRAPH_PERMANENT) {
		/* Unknown to Meta (code 100/33): it was never published. */
		snprintf(why, sizeof(why), "Meta no longer knows its "
		    "container (%s)", e->message);
		step_restage(j, why);
		return;
	}
	if (e->class != GRAPH_OK) {
		step_trouble(j, e, "read its container's status", POST_STAGED);
		return;
	}
	switch (c->state) {
	case GRAPH_CONTAINER_IN_PROGRESS:
		poll_in_progress(j);
		return;
	case GRAPH_CONTAINER_ERROR:
		snprintf(why, sizeof(why), "Meta could not process %s (%s)",
		    j->p.container[0] != '\0' ? "its media" :
		    "a carousel item", c->error_message[0] != '\0' ?
		    c->error_message : "no reason given");
		step_fail(j, NULL, why, FAIL_CONTENT);
		return;
	case GRAPH_CONTAINER_EXPIRED:
		step_restage(j, "its container expired");
		return;
	case GRAPH_CONTAINER_PUBLISHED:
		/* Never expected before a publish; treat it as one. */
		if (j->p.container[0] != '\0') {
			step_recover(j);
			return;
		}
		log_warning("post %" PRIu64 ": Meta says its carousel item %s "
		    "is published; looking for the carousel in /me/threads",
		    j->p.id, j->p.children[j->child]);
		if (job_commit(j, item_published_fn, NULL) < 0) {
			job_end(j);
			return;
		}
		j->step = STEP_SEARCH;
		job_run(j);
		return;
	case GRAPH_CONTAINER_FINISHED:
		break;
	}
	if (j->p.container[0] == '\0') {
		/* A carousel item: the next one, or the carousel. */
		if (++j->child < j->p.nchildren) {
			poll_next(j);
			return;
		}
		carousel_create(j);
		return;
	}
	job_commit_then(j, ready_fn, NULL, ready_then);
}

static void
poll_next(struct job *j)
{
	const char *id;

	id = j->p.container[0] != '\0' ? j->p.container :
	    j->p.children[j->child];
	j->call = graph_container_status(sched_daemon(j->s)->graph,
	    j->token->data, id, poll_cb, j);
	if (j->call == NULL)
		step_trouble(j, &step_oom, "read its container's status",
		    POST_STAGED);
}

void
step_poll(struct job *j)
{
	j->child = 0;
	if (j->p.container[0] == '\0' && j->p.nchildren == 0) {
		step_restage(j, "it has no container");
		return;
	}
	poll_next(j);
}

void
step_stage(struct job *j)
{
	j->child = 0;
	stage_next(j);
}

struct defer {
	int64_t		 until;
};

static int
defer_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	(void)txn;
	(void)st;
	p->state = POST_READY;
	p->quota_ok_at = 0;
	p->check = 0;
	p->next_at = ((struct defer *)arg)->until;
	return 0;
}

/* The quota is used up: wait, do not fail. */
void
step_defer_quota(struct job *j, const char *what)
{
	struct defer df = { sched_now() + sched_quota_retry(j->s) };
	char when[TIMEFMT_LEN];

	if (job_commit(j, defer_fn, &df) == 0)
		log_with(LOG_NOTICE, &(struct log_fields){
		    .msgid = MSGID_QUOTA_EXHAUSTED, .account = j->username,
		    .user_id = j->p.user_id, .post_id = j->idstr },
		    "post %" PRIu64 " of '%s' deferred until %s: %s; it is "
		    "published when the quota allows, nothing to do",
		    j->p.id, j->username, timefmt_format(df.until, when,
		    sizeof(when)), what);
	job_end(j);
}

static int
quota_ok_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	int64_t now = sched_now();

	(void)txn;
	(void)st;
	(void)arg;
	p->quota_ok_at = now;
	if (now < p->due_at - PUBLISH_LEAD) {
		p->next_at = p->due_at - PUBLISH_LEAD;
		return 0;
	}
	/* Due (nearly): the announcement of the publish. */
	p->state = POST_PUBLISHING;
	p->attempts++;
	p->publish_at = now > p->due_at ? now : p->due_at;
	p->check = 0;
	p->next_at = now;
	return 0;
}

/* Publishing (committed): the request, held until due; else later. */
static void
quota_ok_then(struct job *j, int r)
{
	if (r < 0 || j->p.state != POST_PUBLISHING) {
		job_end(j);
		return;
	}
	j->step = STEP_PUBLISH;
	job_run(j);
}

static void
quota_cb(const struct graph_error *e, const struct graph_quota *q, void *arg)
{
	struct job *j = arg;
	int reply = j->p.reply_to[0] != '\0';
	struct graph_quota mine;
	int64_t used, total;
	char what[128];

	j->call = NULL;
	if (e->class == GRAPH_AUTH) {
		step_pause(j, e, POST_READY);
		return;
	}
	if (e->class != GRAPH_OK)
		/* Meta enforces the quota at publish too; go on. */
		log_info("post %" PRIu64 ": cannot read the publishing quota "
		    "(%s); publishing without checking it", j->p.id,
		    e->message);
	else {
		/* Replies: Meta's figures need a scope we lack; ours. */
		mine = *q;
		if (sched_quota_replies(j->s, j->p.user_id, sched_now(),
		    &mine.replies_used) < 0)
			mine.replies_used = -1;
		mine.replies_total = mine.replies_used >= 0 ? REPLY_QUOTA :
		    -1;
		sched_quota_note(j->s, j->p.user_id, &mine);
		used = reply ? mine.replies_used : mine.posts_used;
		total = reply ? mine.replies_total : mine.posts_total;
		if (used >= 0 && total > 0 && used >= total) {
			snprintf(what, sizeof(what), "the account has used "
			    "its quota of %" PRId64 " %s per 24 h", total,
			    reply ? "replies" : "posts");
			step_defer_quota(j, what);
			return;
		}
	}
	job_commit_then(j, quota_ok_fn, NULL, quota_ok_then);
}

void
step_quota(struct job *j)
{
	j->call = graph_publishing_limit(sched_daemon(j->s)->graph,
	    j->token->data, quota_cb, j);
	if (j->call == NULL)
		step_trouble(j, &step_oom, "read the publishing quota",
		    POST_READY);
}
