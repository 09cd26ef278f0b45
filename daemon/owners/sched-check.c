/*
 * An outcome that is not known (a publish whose answer was lost, a
 * crash while publishing): the container's status first, then, when it
 * says PUBLISHED, the media id from /me/threads.  Nothing is published
 * again until the container says it was not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "daemon/daemon.h"
#include "daemon/owners/job.h"
#include "daemon/log.h"
#include "daemon/store/secret.h"
#include "daemon/store/store.h"

#define SEARCH_PAGES	10	/* /me/threads pages read per search */
#define SEARCH_TRIES	3	/* searches before giving up the id */
#define SEARCH_SLACK	60	/* seconds before the publish searched */

static void	search_page(struct job *);

void
sched_check_recover(struct job *j)
{
	struct sched_change c = { .state = POST_PUBLISHING, .check = 1,
	    .next_at = sched_now(), .tries = j->p.tries };

	if (job_commit(j, sched_end_change, &c) < 0) {
		job_end(j);
		return;
	}
	j->step = STEP_CHECK;
	sched_check_start(j);
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

/*
 * Not out, so sent again as one more attempt: the republish committed,
 * the notice (again, then the attempt), and the publish step.  When
 * counted and the attempts are spent, it fails instead ("not done after
 * N attempts"), with advice.
 */
static void
publish_again(struct job *j, int counted, const char *done,
    enum fail_advice advice, const char *again)
{
	char why[300];
	int max = sched_max_attempts(j->s);

	if (counted && j->p.attempts >= max) {
		snprintf(why, sizeof(why), "not %s after %d attempts (last: "
		    "%s)", done, j->p.attempts, j->p.error != NULL ?
		    j->p.error : "no answer");
		job_fail(j, NULL, why, advice);
		return;
	}
	if (job_commit(j, republish_fn, NULL) < 0) {
		job_end(j);
		return;
	}
	sched_log(j, LOG_NOTICE, NULL, NULL, "post %" PRIu64 ": %s (attempt "
	    "%d of %d)", j->p.id, again, j->p.attempts, max);
	job_next(j, STEP_PUBLISH);
}

/* Reading the container failed: keep the post where it is and retry. */
static void
check_later(struct job *j, const struct graph_error *e, const char *what)
{
	struct sched_change c = { .state = j->p.state, .check = 1,
	    .tries = j->p.tries + 1, .error = e->message };
	char why[512], in[32];

	if (e->class == GRAPH_AUTH) {
		job_pause(j, e, POST_PUBLISHING);
		return;
	}
	if (e->class == GRAPH_PERMANENT &&
	    c.tries >= sched_max_attempts(j->s)) {
		snprintf(why, sizeof(why), "whether it was published is not "
		    "known: Meta refused to %s (%s)", what, e->message);
		job_fail(j, e, why, FAIL_LOOK);
		return;
	}
	/* Never given up otherwise: it may be on Threads already. */
	c.next_at = sched_now() + sched_backoff(j->s, c.tries);
	if (job_commit(j, sched_end_change, &c) == 0)
		sched_log(j, LOG_WARNING, NULL, e, "post %" PRIu64 " of '%s': "
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

	j->call = NULL;
	if (e->class != GRAPH_OK) {
		check_later(j, e, "read the container's status");
		return;
	}
	switch (c->state) {
	case GRAPH_CONTAINER_PUBLISHED:
		j->step = STEP_SEARCH;
		sched_check_search(j);
		return;
	case GRAPH_CONTAINER_FINISHED:
		/*
		 * Not published: the same container, once more.  Only
		 * answers count against max_attempts (check is set): a
		 * restart between the commit and the request is no attempt
		 * of Meta's to refuse.
		 */
		publish_again(j, j->p.check, "published", FAIL_LATER,
		    "its container was not published; publishing it");
		return;
	case GRAPH_CONTAINER_IN_PROGRESS:
		job_wait(j, sched_stage_poll_at(j, sched_now()));
		return;
	case GRAPH_CONTAINER_ERROR:
	case GRAPH_CONTAINER_EXPIRED:
		/*
		 * Meta says it can never be published: a new container.  One
		 * in error fails at its poll if the media is at fault.
		 */
		job_restage(j, c->state == GRAPH_CONTAINER_ERROR ?
		    "its container is in error" : "its container expired");
		return;
	}
}

void
sched_check_start(struct job *j)
{
	/*
	 * No container to ask: a repost has none, and a carousel item
	 * that said PUBLISHED (sched-stage.c) left none; the listing says.
	 */
	if (j->p.kind == POST_REPOST || j->p.container[0] == '\0') {
		j->step = STEP_SEARCH;
		sched_check_search(j);
		return;
	}
	j->call = graph_container_status(sched_daemon(j->s)->graph,
	    j->token->data, j->p.container, check_cb, j);
	if (j->call == NULL)
		check_later(j, &sched_oom, "read the container's status");
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
		sched_log(j, LOG_INFO, NULL, NULL, "post %" PRIu64 ": found in "
		    "/me/threads as media %s: it was published", j->p.id,
		    j->found);
		sched_publish_done(j, j->found, j->found_at);
		return;
	}
	if (j->p.searches + 1 < SEARCH_TRIES) {
		/* The listing may lag behind the publish: look again. */
		job_commit(j, searched_fn, NULL);
		job_end(j);
		return;
	}
	/*
	 * A repost not in the listing after SEARCH_TRIES looks did not go
	 * out, so it is sent again (Meta refuses a second repost of one
	 * post).
	 */
	if (j->p.kind == POST_REPOST) {
		publish_again(j, 1, "reposted", FAIL_LOOK,
		    "the repost is not on Threads; sending it again");
		return;
	}
	sched_publish_done(j, NULL, 0);
}

static void
search_page(struct job *j)
{
	int64_t since = j->p.publish_at - SEARCH_SLACK;

	j->call = graph_threads_since(sched_daemon(j->s)->graph,
	    j->token->data, since > 0 ? since : 0, j->after, search_cb, j);
	if (j->call == NULL)
		check_later(j, &sched_oom, "list /me/threads");
}

void
sched_check_search(struct job *j)
{
	j->pages = 0;
	j->found[0] = '\0';
	j->found_at = 0;
	free(j->after);
	j->after = NULL;
	search_page(j);
}
