/*
 * One account's poll, one Graph call at a time: /me, threads_insights
 * (narrowed, then replaced by profile_lookup, as Meta refuses), and the
 * pages of /me/threads.  Each step's callback starts the next; the first
 * failure ends the poll with Meta's classified error.
 *
 * Counting posts: Meta gives no post count, so the poll walks the
 * listing, 100 posts a page, newest first.  A full count walks it all
 * and remembers the newest post's time and how many posts share that
 * second; later polls ask only for posts since that second and add the
 * ones not seen before.  Deleted posts are noticed by the next full
 * count, which the poller asks for now and then.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "daemon/daemon.h"
#include "daemon/owners/poll.h"

/* 100,000 posts: a runaway listing ends here, the count a lower bound. */
#define MAX_PAGES	1000

struct poll {
	struct graph		*g;
	char			*token;		/* wiped */
	struct graph_call	*call;
	struct poll_result	 res;
	int			 level;		/* insights asked for */
	unsigned		 metrics;	/* ... of these */
	int			 full;
	int			 pages;
	int64_t			 count;		/* posts new to this poll */
	int64_t			 same;		/* posts at media_newest_at */
	int64_t			 max_at;	/* newest post seen */
	int64_t			 n_at_max;
	poll_done_cb		 cb;
	void			*arg;
};

static void	insights_start(struct poll *);

static void
poll_end(struct poll *p)
{
	p->cb(p, p->arg);
}

static void
poll_fail(struct poll *p, const struct graph_error *e, const char *what)
{
	p->res.err = *e;
	p->res.failed = what;
	poll_end(p);
}

/* A call that could not even start. */
static void
poll_nomem(struct poll *p, const char *what)
{
	struct graph_error e;

	memset(&e, 0, sizeof(e));
	e.class = GRAPH_TRANSIENT;
	strncpy(e.message, "out of memory", sizeof(e.message) - 1);
	poll_fail(p, &e, what);
}

static void
poll_done(struct poll *p)
{
	struct account *a = &p->res.acct;

	p->res.snap.at = daemon_now();
	p->res.snap.v[METRIC_MEDIA] = a->media;
	a->followers = p->res.snap.v[METRIC_FOLLOWERS];
	memset(&p->res.err, 0, sizeof(p->res.err));
	p->res.err.class = GRAPH_OK;
	poll_end(p);
}

static void
media_end(struct poll *p)
{
	struct account *a = &p->res.acct;

	if (p->full) {
		a->media = p->count;
		a->media_counted_at = daemon_now();
		a->media_newest_at = p->max_at;
		a->media_newest_n = (int)p->n_at_max;
		p->res.counted_all = 1;
		p->res.too_many = p->pages >= MAX_PAGES;
	} else {
		/* Posts at the old newest second that were not there yet. */
		if (p->same > a->media_newest_n)
			p->count += p->same - a->media_newest_n;
		a->media += p->count;
		if (p->max_at > a->media_newest_at) {
			a->media_newest_at = p->max_at;
			a->media_newest_n = (int)p->n_at_max;
		} else if (p->same > a->media_newest_n)
			a->media_newest_n = (int)p->same;
	}
	poll_done(p);
}

static void	page_cb(const struct graph_error *, const struct graph_page *,
		    void *);

static void
media_page(struct poll *p, const char *after)
{
	int64_t since = p->full ? 0 : p->res.acct.media_newest_at;

	p->call = graph_threads_page(p->g, p->token, since, after, page_cb, p);
	if (p->call == NULL)
		poll_nomem(p, "/me/threads");
}

static void
page_cb(const struct graph_error *e, const struct graph_page *page,
    void *arg)
{
	struct poll *p = arg;
	int64_t newest = p->res.acct.media_newest_at, at;
	size_t i;

	p->call = NULL;
	if (e->class != GRAPH_OK) {
		poll_fail(p, e, "/me/threads");
		return;
	}
	for (i = 0; i < page->n; i++) {
		at = page->at[i];
		if (p->full || at > newest)
			p->count++;
		else if (at == newest)
			p->same++;
		if (at > p->max_at) {
			p->max_at = at;
			p->n_at_max = 1;
		} else if (at == p->max_at)
			p->n_at_max++;
	}
	if (page->after != NULL && ++p->pages < MAX_PAGES)
		media_page(p, page->after);
	else
		media_end(p);
}

static void
lookup_cb(const struct graph_error *e, const struct graph_lookup *lk,
    void *arg)
{
	struct poll *p = arg;

	p->call = NULL;
	if (e->class == GRAPH_OK && lk->followers >= 0) {
		p->res.snap.v[METRIC_FOLLOWERS] = lk->followers;
		p->res.snap.source = SOURCE_LOOKUP;
	} else if (e->class != GRAPH_OK && e->class != GRAPH_PERMANENT) {
		poll_fail(p, e, "/profile_lookup");
		return;
	}
	/* Refused (not public, under 100 followers): unknown, not 0. */
	media_page(p, NULL);
}

static void
lookup_start(struct poll *p)
{
	p->call = graph_profile_lookup(p->g, p->token, p->res.acct.username,
	    lookup_cb, p);
	if (p->call == NULL)
		poll_nomem(p, "/profile_lookup");
}

static void
insights_cb(const struct graph_error *e, const struct graph_insights *ins,
    void *arg)
{
	struct poll *p = arg;
	struct account *a = &p->res.acct;
	int64_t *v = p->res.snap.v;

	p->call = NULL;
	if (e->class == GRAPH_PERMANENT) {
		/* Refused (permission, feature not available): ask less. */
		a->insights_refused = ++p->level;
		a->insights_refused_at = daemon_now();
		insights_start(p);
		return;
	}
	if (e->class != GRAPH_OK) {
		poll_fail(p, e, "/threads_insights");
		return;
	}
	a->insights_refused = p->level;
	if (p->level == ACCOUNT_REFUSED_NONE)
		a->insights_refused_at = 0;
	/* What was not asked for is not kept, whatever Meta sent. */
	if (p->metrics & METRIC_BIT(METRIC_VIEWS))
		v[METRIC_VIEWS] = ins->views;
	if (p->metrics & METRIC_BIT(METRIC_LIKES))
		v[METRIC_LIKES] = ins->likes;
	if (p->metrics & METRIC_BIT(METRIC_REPLIES))
		v[METRIC_REPLIES] = ins->replies;
	if (p->metrics & METRIC_BIT(METRIC_REPOSTS))
		v[METRIC_REPOSTS] = ins->reposts;
	if (p->metrics & METRIC_BIT(METRIC_QUOTES))
		v[METRIC_QUOTES] = ins->quotes;
	if (p->metrics & METRIC_BIT(METRIC_CLICKS))
		v[METRIC_CLICKS] = ins->clicks;
	if (p->level == ACCOUNT_REFUSED_NONE && ins->followers >= 0) {
		v[METRIC_FOLLOWERS] = ins->followers;
		p->res.snap.source = SOURCE_INSIGHTS;
		media_page(p, NULL);
	} else
		lookup_start(p);
}

/*
 * The metric parameter: the metrics asked for, in the order Meta's
 * examples list them, without followers_count once Meta refused it.
 * Empty when there is nothing left to ask.
 */
static void
insights_param(const struct poll *p, char *buf, size_t len)
{
	static const enum metric order[] = { METRIC_VIEWS, METRIC_LIKES,
	    METRIC_REPLIES, METRIC_REPOSTS, METRIC_QUOTES, METRIC_CLICKS,
	    METRIC_FOLLOWERS };
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(p->metrics & METRIC_BIT(order[i])) ||
		    (order[i] == METRIC_FOLLOWERS &&
		    p->level != ACCOUNT_REFUSED_NONE))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n > 0 ? "," : "",
		    metric_names[order[i]]);
	}
}

static void
insights_start(struct poll *p)
{
	char metrics[128];

	insights_param(p, metrics, sizeof(metrics));
	if (p->level >= ACCOUNT_REFUSED_ALL || metrics[0] == '\0') {
		lookup_start(p);
		return;
	}
	p->call = graph_insights(p->g, p->token, p->res.acct.user_id,
	    metrics, insights_cb, p);
	if (p->call == NULL)
		poll_nomem(p, "/threads_insights");
}

static void
me_cb(const struct graph_error *e, const struct graph_profile *prof,
    void *arg)
{
	struct poll *p = arg;
	struct account *a = &p->res.acct;
	struct graph_error mismatch;

	p->call = NULL;
	if (e->class != GRAPH_OK) {
		poll_fail(p, e, "/me");
		return;
	}
	if (strcmp(prof->id, a->user_id) != 0) {
		memset(&mismatch, 0, sizeof(mismatch));
		mismatch.class = GRAPH_PERMANENT;
		strncpy(mismatch.message, "the token belongs to another user",
		    sizeof(mismatch.message) - 1);
		poll_fail(p, &mismatch, "/me");
		return;
	}
	/* Meta leaves out what is not set: a missing name is no name. */
	if ((prof->username != NULL &&
	    account_set_str(&a->username, prof->username) < 0) ||
	    account_set_str(&a->name, prof->name) < 0 ||
	    account_set_str(&a->picture_url, prof->picture_url) < 0) {
		poll_nomem(p, "/me");
		return;
	}
	insights_start(p);
}

struct poll *
poll_start(struct graph *g, const struct account *a, const char *token,
    const struct poll_plan *plan, poll_done_cb cb, void *arg)
{
	struct poll *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->g = g;
	p->cb = cb;
	p->arg = arg;
	p->level = plan->insights_level;
	p->metrics = plan->metrics | METRIC_BIT(METRIC_FOLLOWERS);
	p->full = plan->full_count || a->media < 0;
	snapshot_init(&p->res.snap);
	p->res.snap.held = (p->metrics | METRIC_BASIC) & METRIC_ALL;
	if (account_copy(&p->res.acct, a) < 0 ||
	    (p->token = strdup(token)) == NULL) {
		poll_free(p);
		return NULL;
	}
	if (p->full)
		p->res.acct.media = 0;
	p->call = graph_me(g, p->token, me_cb, p);
	if (p->call == NULL) {
		poll_free(p);
		return NULL;
	}
	return p;
}

const struct poll_result *
poll_result(const struct poll *p)
{
	return &p->res;
}

/* One line for the journal and the poll request: what it found. */
void
poll_summary(const struct poll *p, char *buf, size_t len)
{
	const struct poll_result *res = &p->res;
	const int64_t *v = res->snap.v;
	char f[32] = "unknown", m[32] = "unknown";

	if (v[METRIC_FOLLOWERS] >= 0)
		snprintf(f, sizeof(f), "%" PRId64, v[METRIC_FOLLOWERS]);
	if (v[METRIC_MEDIA] >= 0)
		snprintf(m, sizeof(m), "%" PRId64, v[METRIC_MEDIA]);
	snprintf(buf, len, "polled '%s': %s followers%s, %s posts",
	    res->acct.username, f, res->snap.source == SOURCE_LOOKUP ?
	    " (from profile_lookup)" : "", m);
}

void
poll_free(struct poll *p)
{
	if (p == NULL)
		return;
	graph_cancel(p->call);
	if (p->token != NULL) {
		sodium_memzero(p->token, strlen(p->token));
		free(p->token);
	}
	account_clear(&p->res.acct);
	free(p);
}
