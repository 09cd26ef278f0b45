/*
 * Before the publish: creating a post's containers (carousel items
 * first, the carousel once they are FINISHED) and polling their status
 * (STEP_STAGE, STEP_POLL).  None of this can put a post on Threads, so a
 * failure here may always start over with new containers; the quota
 * check is sched-quota.c's, the publish and everything after it
 * sched-publish.c's and sched-check.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/owners/postopt.h"
#include "daemon/store/secret.h"

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
	post_drop_containers(p);
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
		job_trouble(j, &sched_oom, "create a container",
		    POST_SCHEDULED);
		return;
	}
	j->call = graph_create_container(d->graph, j->token->data, &spec,
	    stage_cb, j);
	postopt_clear(&po);
	if (j->call == NULL)
		job_trouble(j, &sched_oom, "create a container",
		    POST_SCHEDULED);
}

static void
stage_cb(const struct graph_error *e, const char *id, void *arg)
{
	struct job *j = arg;

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		/* Nothing can be on Threads yet: start over when retrying. */
		job_trouble(j, e, "create its container", POST_SCHEDULED);
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
		job_remake(j, e, why);
		return;
	}
	if (e->class != GRAPH_OK) {
		/* The items may be claimed by then: new ones when retrying. */
		job_trouble(j, e, "create its carousel container",
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
		job_trouble(j, &sched_oom, "create its carousel container",
		    POST_SCHEDULED);
		return;
	}
	j->call = graph_create_container(sched_daemon(j->s)->graph,
	    j->token->data, &spec, carousel_cb, j);
	postopt_clear(&po);
	if (j->call == NULL)
		job_trouble(j, &sched_oom, "create its carousel container",
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
	job_next(j, STEP_QUOTA);
}

int64_t
sched_stage_poll_next(int64_t now, int64_t staged_at, int64_t due_at,
    int64_t timeout)
{
	int64_t since, wait, limit = 0;

	if (staged_at == 0 || staged_at > now) {
		/* No clock to double on (an old record, a clock set back). */
		wait = POLL_INTERVAL;
	} else {
		/* Each wait as long as the time waited so far: a doubling. */
		since = now - staged_at;
		wait = since < POLL_INTERVAL ? POLL_INTERVAL :
		    since > POLL_CAP ? POLL_CAP : since;
		limit = staged_at + timeout;
	}
	/*
	 * Never past the last instant that keeps the post on time (the
	 * quota's, QUOTA_LEAD before due), nor past the due time itself:
	 * media finished by then is published when due.
	 */
	if (now < due_at - QUOTA_LEAD && now + wait > due_at - QUOTA_LEAD)
		wait = due_at - QUOTA_LEAD - now;
	else if (now < due_at && now + wait > due_at)
		wait = due_at - now;
	/*
	 * The last read at the timeout itself, which then gives up.  Past
	 * it (recovery's reads, which do not give up) the doubling goes
	 * on, up to POLL_CAP.
	 */
	if (limit != 0 && now < limit && now + wait > limit)
		wait = limit - now;
	return now + wait;
}

int64_t
sched_stage_poll_at(const struct job *j, int64_t now)
{
	return sched_stage_poll_next(now, j->p.staged_at, j->p.due_at,
	    sched_container_timeout(j->s));
}

/* Read again later; a record from before staged_at starts its clock. */
static int
poll_wait_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	struct job *j = arg;

	(void)txn;
	(void)st;
	if (p->staged_at == 0)
		p->staged_at = sched_now();
	p->next_at = j->wait_at;
	/* The items before this one are FINISHED: not read again. */
	if (p->container[0] == '\0')
		p->children_ready = (int)j->child;
	return 0;
}

static int
stuck_fn(MDB_txn *txn, struct store *st, struct post *p, void *arg)
{
	sched_end_restage_fn(txn, st, p, arg);
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
		j->wait_at = sched_stage_poll_at(j, now);
		job_commit_then(j, poll_wait_fn, j, job_end_then);
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
	job_fail(j, NULL, why, FAIL_CONTENT);
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
		job_restage(j, why);
		return;
	}
	if (e->class != GRAPH_OK) {
		job_trouble(j, e, "read its container's status", POST_STAGED);
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
		job_fail(j, NULL, why, FAIL_CONTENT);
		return;
	case GRAPH_CONTAINER_EXPIRED:
		job_restage(j, "its container expired");
		return;
	case GRAPH_CONTAINER_PUBLISHED:
		/* Never expected before a publish; treat it as one. */
		if (j->p.container[0] != '\0') {
			job_next(j, STEP_RECOVER);
			return;
		}
		log_warning("post %" PRIu64 ": Meta says its carousel item %s "
		    "is published; looking for the carousel in /me/threads",
		    j->p.id, j->p.children[j->child]);
		if (job_commit(j, item_published_fn, NULL) < 0) {
			job_end(j);
			return;
		}
		job_next(j, STEP_SEARCH);
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
		job_trouble(j, &sched_oom, "read its container's status",
		    POST_STAGED);
}

void
sched_stage_poll(struct job *j)
{
	int ready = j->p.children_ready;

	/* A carousel goes on from the first item not yet read FINISHED. */
	j->child = ready > 0 && (size_t)ready < j->p.nchildren ?
	    (size_t)ready : 0;
	if (j->p.container[0] == '\0' && j->p.nchildren == 0) {
		job_restage(j, "it has no container");
		return;
	}
	poll_next(j);
}

void
sched_stage_start(struct job *j)
{
	j->child = 0;
	stage_next(j);
}
